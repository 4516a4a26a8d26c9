"""The Indonesian civil-servant number (NIP): birth date and gender embedded in its digits.

A NIP has 18 digits: 1–8 the birth date (YYYYMMDD), 9–14 the appointment month (YYYYMM),
15 the gender (1 = L, 2 = P), 16–18 a sequence number.
"""

import datetime as dt

GENDER_DIGITS = {"1": "L", "2": "P"}


class NipError(ValueError):
    """A NIP that cannot be right; the message is bilingual (Indonesian / English)."""


def normalise_nip(raw) -> str:
    """Return the NIP as a digit string from a cell (text with spaces, an apostrophe, or a number).

    Spreadsheet numbers keep 15 significant digits only, so an 18-digit NIP stored as a number
    usually has lost its last digits; such a cell is refused with a hint to format it as text.
    """
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise NipError("NIP bukan angka / the NIP is not a number")
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if not raw.is_integer():
            raise NipError(f"NIP {raw!r} bukan bilangan bulat / NIP {raw!r} is not a whole number")
        if raw >= 1e15:
            raise NipError(
                "NIP disimpan sebagai angka dan digit terakhirnya hilang; format kolom NIP sebagai "
                "teks lalu isi ulang / the NIP was stored as a number and lost its last digits; "
                "format the NIP column as text and enter it again"
            )
        return str(int(raw))
    text = str(raw).strip().lstrip("'").replace(" ", "").replace(".", "").replace("-", "")
    if "e+" in text.lower():
        raise NipError(
            f"NIP '{raw}' tertulis dalam notasi ilmiah (angka di Excel); format kolom NIP sebagai "
            f"teks / NIP '{raw}' is in scientific notation (an Excel number); format the NIP "
            f"column as text"
        )
    return text


def parse_nip(nip: str) -> tuple[dt.date, str]:
    """Return (birth date, gender `L`/`P`) encoded in an 18-digit NIP, raising NipError."""
    if len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        raise NipError(
            f"NIP '{nip}' harus 18 angka (ada {len(nip)} karakter) / NIP '{nip}' must be 18 "
            f"digits (it has {len(nip)} characters)"
        )
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipError(
            f"NIP '{nip}': digit 1–8 ({nip[0:8]}) bukan tanggal lahir YYYYMMDD yang sah / digits "
            f"1–8 ({nip[0:8]}) are not a valid YYYYMMDD birth date"
        ) from None
    gender = GENDER_DIGITS.get(nip[14])
    if gender is None:
        raise NipError(
            f"NIP '{nip}': digit ke-15 ({nip[14]}) harus 1 (L) atau 2 (P) / digit 15 "
            f"({nip[14]}) must be 1 (L) or 2 (P)"
        )
    return birth, gender


def make_nip(birth: dt.date, gender: str, appointed: tuple[int, int], sequence: int) -> str:
    """Return a NIP built from its parts (for demo data and tests)."""
    return (
        f"{birth:%Y%m%d}{appointed[0]:04d}{appointed[1]:02d}"
        f"{'1' if gender == 'L' else '2'}{sequence:03d}"
    )
