"""The one NIP rule (Indonesian civil-servant number), for every roster the product reads.

A NIP has 18 digits: 1–8 the birth date (YYYYMMDD), 9–14 the appointment month (YYYYMM),
15 the gender (1 = L, 2 = P), 16–18 a sequence number. A cell may write it with spaces, dots or
dashes between the groups or behind a leading apostrophe (Excel's "text" mark), or hold it as a
whole number; a floating-point cell has lost digits (Excel keeps 15) and is refused.
"""

import datetime as dt

from budaya.language import Message

GENDER_DIGITS = {"1": "L", "2": "P"}


class NipError(ValueError):
    """A NIP that cannot be right; `message` (gettext) says why, str() gives both languages."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message)


def normalise_nip(raw) -> str:
    """Return the NIP as text from a cell (text with separators or an apostrophe, or a number).

    Spreadsheet numbers keep 15 significant digits only, so an 18-digit NIP stored as a
    floating-point number has lost its last digits; such a cell is refused with a hint.
    """
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise NipError(Message("NIP bukan angka"))
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        raise NipError(
            Message(
                "NIP tersimpan sebagai angka pecahan sehingga digitnya hilang; format "
                "kolom NIP sebagai Teks lalu ketik ulang"
            ),
        )
    text = str(raw).strip().lstrip("'")
    if "e+" in text.lower():
        raise NipError(
            Message(
                "NIP '{raw}' tertulis dalam notasi ilmiah (angka di Excel); format kolom "
                "NIP sebagai Teks",
                raw=raw,
            ),
        )
    return text.replace(" ", "").replace(".", "").replace("-", "")


def parse_nip(nip: str) -> tuple[dt.date, str]:
    """Return (birth date, gender `L`/`P`) encoded in an 18-digit NIP, raising NipError."""
    if len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        shown = nip[:40].replace("\x00", "\\0")
        raise NipError(
            Message("NIP '{shown}' tidak sah, harus tepat 18 angka", shown=shown),
        )
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipError(
            Message(
                "NIP '{nip}': digit 1–8 ({digits}) bukan tanggal lahir YYYYMMDD yang sah",
                nip=nip,
                digits=nip[0:8],
            ),
        ) from None
    gender = GENDER_DIGITS.get(nip[14])
    if gender is None:
        raise NipError(
            Message(
                "NIP '{nip}': digit ke-15 ({digit}) harus 1 (L) atau 2 (P)",
                nip=nip,
                digit=nip[14],
            ),
        )
    return birth, gender


def check_nip(raw) -> tuple[str, dt.date, str]:
    """Return (NIP, birth date, gender) of a cell, or raise NipError saying what is wrong."""
    nip = normalise_nip(raw)
    birth, gender = parse_nip(nip)
    return nip, birth, gender


def make_nip(birth: dt.date, gender: str, appointed: tuple[int, int], sequence: int) -> str:
    """Return a NIP built from its parts (for demo data and tests)."""
    return (
        f"{birth:%Y%m%d}{appointed[0]:04d}{appointed[1]:02d}"
        f"{'1' if gender == 'L' else '2'}{sequence:03d}"
    )
