"""Assign comments to the themes of an instrument (METHOD.md §14).

A comment carries a theme when one of the theme's keywords occurs in it after stemming both
(PySastrawi's Indonesian stemmer): "pemimpin", "memimpin" and "kepemimpinannya" all stem to
"pimpin". A keyword of several words matches those stems in a row. Stemming is slow (a
dictionary lookup and affix rules per word), so the stemmer is built once and each distinct word
is stemmed once per process (`stem`, cached).
"""

import re
from functools import cache, lru_cache

from budaya.instruments.model import CommentTheme

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@cache
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # heavy: loads a dictionary

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the stem of one lower-case word (cached)."""
    return _stemmer().stem(word) or word


def stems(text: str) -> tuple[str, ...]:
    """Return the stems of the words of `text`, in order (digits and punctuation dropped)."""
    return tuple(stem(word) for word in _WORD.findall(text.lower()))


@cache
def _keyword_stems(theme: CommentTheme) -> tuple[tuple[str, ...], ...]:
    return tuple(phrase for phrase in (stems(keyword) for keyword in theme.keywords) if phrase)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    if len(phrase) == 1:
        return phrase[0] in words
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def themes_of(text: str, themes: tuple[CommentTheme, ...]) -> list[str]:
    """Return the codes of the themes whose keywords occur in `text`, in the themes' order."""
    words = stems(text)
    if not words:
        return []
    present = set(words)
    found = []
    for theme in themes:
        for phrase in _keyword_stems(theme):
            if phrase[0] in present and _contains(words, phrase):
                found.append(theme.code)
                break
    return found
