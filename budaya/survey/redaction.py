"""Redaction of a respondent's free comment before anything is stored (METHOD.md §14).

Sequences of 8 or more digits (a NIP, a phone number: digits with single spaces, dots, dashes or
brackets between them, an optional leading "+"), e-mail addresses and web addresses become
`[disamarkan]`. The rule is literal: shorter numbers stay (years, "skor 4", "Rp 50.000", a
7-digit local number), and so does a date written with words ("12 Mei 2024"); a date written in
digits only ("12-05-2024") or an amount of eight digits or more ("Rp 15.000.000") is redacted too,
since it is a sequence of eight digits. Redaction is idempotent and never lengthens a digit run
that was kept, so truncating a redacted text cannot expose part of a redacted number.
"""

import re

MARK = "[disamarkan]"
MIN_DIGITS = 8

# Separators that may stand between the digits of one number: up to three of space, tab, dot,
# dash, brackets ("0812 - 3456 - 7890", "(021) 555 1234", "+62 812.3456.7890").
_SEP = r"[ \t.\-()\u2013\u2014]{0,3}"
_DIGITS = re.compile(rf"(?:\+[ \t]?)?\(?\d(?:{_SEP}\d)*")
_EMAIL = re.compile(r"[\w.+\-]+(?:@|\s*\[at\]\s*|\s*\(at\)\s*)[\w\-]+(?:\.[\w\-]+)+", re.I)
_URL = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"  # with a scheme or www.
    # or a bare host name ending in a common top-level domain, with an optional path
    r"|\b[\w\-]+(?:\.[\w\-]+)*\.(?:com|net|org|id|info|io|ly|me|xyz|biz|co|gov|edu|app|site|"
    r"online|link|to|gl|tv|us|uk|sg|my)\b(?:/\S*)?",
    re.I,
)


def _digit_run(match: re.Match) -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    return MARK if digits >= MIN_DIGITS else text


def redact(text: str) -> str:
    """Return `text` with NIPs, phone numbers and other runs of 8+ digits, e-mail addresses and
    web addresses replaced by `[disamarkan]` (METHOD.md §14)."""
    if not text:
        return text
    text = _EMAIL.sub(MARK, text)
    text = _URL.sub(MARK, text)
    return _DIGITS.sub(_digit_run, text)


def clean_comment(raw, max_length: int) -> str:
    """Return the comment as stored: stripped, redacted, then cut to `max_length` characters
    (cutting after redaction cannot leave part of a redacted number)."""
    return redact(str(raw or "").strip())[:max_length].strip()
