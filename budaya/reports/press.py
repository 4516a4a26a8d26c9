"""Return a press summary: Indonesian paragraphs in the style of a government news release.

Built from the stored results only. Counts of respondents by gender and employment type come
from the breakdowns' `n` (a count, shown even for a hidden cell); every score goes through
`budaya.results.display`, so nothing of a suppressed group appears.
"""

from budaya.results import display as d
from budaya.results import store
from budaya.results.presenters import is_pulse
from budaya.scoring.rounding import CATEGORY_NAMES
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES

# Index scores are on a 0–100 scale, not percentages: the press text writes them as
# "skor 74,2 (skala 0–100)" and never with a % sign ("% favorabel" elsewhere is a percentage).
SCALE = "(skala 0–100)"


def score_text(value, scale: bool = True) -> str:
    """Return 'skor 74,2 (skala 0–100)' (or 'skor 74,2' when the scale was already said)."""
    return f"skor {d.number(value)}" + (f" {SCALE}" if scale else "")


def join_names(names: list[str]) -> str:
    """Return 'A', 'A dan B', 'A, B dan C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " dan " + names[-1]


def period_label(code: str) -> str:
    """Return 'tahun 2026' for a year-like period code, else 'periode CODE'."""
    return f"tahun {code}" if code.isdigit() and len(code) == 4 else f"periode {code}"


def _category(score: dict | None) -> str:
    letter = (score or {}).get("category")
    return f"{letter} ({CATEGORY_NAMES[letter]})" if letter in CATEGORY_NAMES else "–"


def _category_inline(score: dict | None) -> str:
    letter = (score or {}).get("category")
    return f"{letter}, {CATEGORY_NAMES[letter]}" if letter in CATEGORY_NAMES else "–"


def _change_sentence(group, key, label, previous) -> str:
    change = d.change(group, key)
    if change is None:
        return ""
    delta = float(change["shown"])
    before = None
    if previous is not None:
        before = d.score(previous[1], key)
    when = f" pada {period_label(previous[0])}" if previous is not None else ""
    if delta == 0:
        text = f"{label} tidak berubah dibanding periode sebelumnya"
        if before:
            text += f" ({score_text(d.shown(before), False)}; {_category_inline(before)}{when})"
    else:
        verb = "naik" if delta > 0 else "turun"
        text = f"Angka ini {verb} {d.number(abs(delta))} poin"
        if before:
            text += f" dari {score_text(d.shown(before), False)} ({_category_inline(before)}){when}"
        else:
            text += " dibanding periode sebelumnya"
    if change.get("significant") is False:
        text += "; perubahan ini belum bermakna secara statistik"
    return text + "."


def _respondents(group: dict) -> str:
    n = group.get("n") or 0
    text = f"Survei diikuti {d.number(int(n))} responden"
    parts = []
    cells = group.get("breakdowns") or {}
    gender = cells.get("gender") or {}
    words = {"L": "laki-laki", "P": "perempuan"}
    found = [f"{d.number(int(gender[c]['n']))} {words[c]}" for c in ("L", "P") if c in gender]
    if found:
        parts.append(join_names(found))
    employment = cells.get("employment_type") or {}
    found = [f"{d.number(int(cell['n']))} {code}" for code, cell in employment.items()]
    if found:
        parts.append(join_names(found))
    if parts:
        text += ", terdiri atas " + ", serta ".join(parts)
    return text + "."


def _values(group: dict) -> str:
    scored = [
        (d.shown(d.score(group, "values", code)), VALUE_NAMES[code])
        for code in VALUE_CODES
        if d.score(group, "values", code)
    ]
    if not scored:
        return ""
    levels: list[tuple[float, list[str]]] = []
    for value, name in sorted(scored, key=lambda pair: -pair[0]):  # stable: ties keep order
        if levels and levels[-1][0] == value:
            levels[-1][1].append(name)
        else:
            levels.append((value, [name]))

    def phrase(value, names, scale=True):
        each = " masing-masing dengan " if len(names) > 1 else " dengan "
        return f"{join_names(names)}{each}{score_text(value, scale)}"

    top_value, top_names = levels[0]
    if len(levels) == 1:
        return f"Ketujuh nilai BerAKHLAK sama, masing-masing dengan {score_text(top_value)}."
    text = "Nilai tertinggi adalah " + phrase(top_value, top_names)
    middle = [phrase(value, names, False) for value, names in levels[1:-1]]
    if middle:
        text += ", disusul " + join_names(middle)
    low_value, low_names = levels[-1]
    return text + ". Nilai terendah adalah " + phrase(low_value, low_names, False) + "."


def press_summary(period, result_set, institution, unit=None) -> str:
    """Return the press summary of an institution (or unit) as plain paragraphs."""
    if unit is None:
        group = store.group(result_set, "institution", institution.code)
        level, code, parent, name = "institution", institution.code, "", institution.name
    else:
        group = store.group(result_set, "unit", unit.code, institution.code)
        level, code, parent = "unit", unit.code, institution.code
        name = f"{unit.name} {institution.name}"
    when = period_label(period.code)
    if group is None:
        return f"Belum ada hasil {name} untuk {when}."
    if not d.visible(group):
        return (
            f"Hasil {name} untuk {when} tidak dipublikasikan karena jumlah respondennya kurang "
            f"dari {period.threshold} orang."
        )
    if not group.get("eligible"):
        minimum = group.get("minimum")
        need = f" dari minimum {d.number(int(minimum))}" if minimum is not None else ""
        return (
            f"{name} belum memenuhi jumlah minimum responden untuk {when} "
            f"({d.number(int(group.get('n') or 0))} responden{need}), sehingga belum memperoleh "
            f"Indeks BerAKHLAK.\n\n{_respondents(group)}"
        )
    previous = store.previous_summary(period, level, code, parent)
    paragraphs = []
    headline = d.score(group, "indeks_berakhlak")
    implementasi = d.score(group, "implementasi")
    if headline:
        first = (
            f"Indeks BerAKHLAK {name} {when} mencapai {score_text(d.shown(headline))} dengan "
            f"kategori {_category(headline)}. "
            + _change_sentence(group, "indeks_berakhlak", "Indeks BerAKHLAK", previous)
        )
        evaluasi = d.score(group, "evaluasi")
        if implementasi and evaluasi:
            first += (
                f" Indeks ini menggabungkan hasil survei pegawai, Indeks Implementasi "
                f"BerAKHLAK ({score_text(d.shown(implementasi), False)}), dengan Indeks Evaluasi "
                f"Budaya Kerja ({score_text(d.shown(evaluasi), False)})."
            )
        paragraphs.append(first.strip())
    elif is_pulse(period.instrument):
        # A pulse round (METHOD.md §15) has no evaluation and so no Indeks BerAKHLAK.
        paragraphs.append(
            f"Survei denyut {name} untuk {when} mencatat Indeks Implementasi BerAKHLAK "
            + (
                f"{score_text(d.shown(implementasi))} dengan kategori {_category(implementasi)}. "
                + _change_sentence(group, "implementasi", "Indeks Implementasi", previous)
                if implementasi
                else "yang belum dapat dihitung."
            )
        )
        paragraphs[-1] = paragraphs[-1].rstrip()
    else:
        paragraphs.append(
            f"Evaluasi Budaya Kerja {name} untuk {when} belum difinalkan, sehingga Indeks "
            f"BerAKHLAK belum dapat ditetapkan."
        )
        if implementasi:
            paragraphs[-1] += (
                f" Dari survei pegawai, Indeks Implementasi BerAKHLAK mencapai "
                f"{score_text(d.shown(implementasi))} dengan kategori {_category(implementasi)}. "
                + _change_sentence(group, "implementasi", "Indeks Implementasi", previous)
            ).rstrip()
    paragraphs.append(_respondents(group))
    values = _values(group)
    if values:
        paragraphs.append(values)
    extra = []
    for key, label in (
        ("engagement", "Indeks Keterikatan Pegawai"),
        ("energi_positif", "Energi Positif"),
    ):
        found = d.score(group, key)
        if found:
            extra.append(f"{label} dengan {score_text(d.shown(found), False)}")
    if extra:
        paragraphs.append(f"Survei yang sama mencatat {join_names(extra)} {SCALE}.")
    return "\n\n".join(paragraphs)
