"""Return a press summary: paragraphs in the style of a government news release.

Indonesian first; every phrase is a gettext msgid (Indonesian), so an English reader of the
results page gets the English release. The command line (`budaya report --press`) and the PDF
write Indonesian, as before.

Built from the stored results only. Counts of respondents by gender and employment type come
from the breakdowns' `n` (a count, shown even for a hidden cell); every score goes through
`budaya.results.display`, so nothing of a suppressed group appears.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from budaya.results import display as d
from budaya.results import store
from budaya.results.presenters import is_pulse
from budaya.scoring.rounding import CATEGORY_NAMES
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES

# Index scores are on a 0–100 scale, not percentages: the press text writes them as
# "skor 74,2 (skala 0–100)" and never with a % sign ("% favorabel" elsewhere is a percentage).
SCALE = gettext_noop("(skala 0–100)")


def score_text(value, scale: bool = True) -> str:
    """Return 'skor 74,2 (skala 0–100)' (or 'skor 74,2' when the scale was already said)."""
    text = _("skor %(score)s") % {"score": d.number(value)}
    return text + (f" {_(SCALE)}" if scale else "")


def join_names(names: list[str]) -> str:
    """Return 'A', 'A dan B', 'A, B dan C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " " + _("dan") + " " + names[-1]


def period_label(code: str) -> str:
    """Return 'tahun 2026' for a year-like period code, else 'periode CODE'."""
    if code.isdigit() and len(code) == 4:
        return _("tahun %(year)s") % {"year": code}
    return _("periode %(code)s") % {"code": code}


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
    when = ""
    if previous is not None:
        when = " " + _("pada %(period)s") % {"period": period_label(previous[0])}
    if delta == 0:
        text = _("%(label)s tidak berubah dibanding periode sebelumnya") % {"label": label}
        if before:
            text += f" ({score_text(d.shown(before), False)}; {_category_inline(before)}{when})"
    else:
        points = {"delta": d.number(abs(delta))}
        if delta > 0:
            text = _("Angka ini naik %(delta)s poin") % points
        else:
            text = _("Angka ini turun %(delta)s poin") % points
        if before:
            earlier = _("dari %(score)s") % {"score": score_text(d.shown(before), False)}
            text += f" {earlier} ({_category_inline(before)}){when}"
        else:
            text += " " + _("dibanding periode sebelumnya")
    if change.get("significant") is False:
        text += "; " + _("perubahan ini belum bermakna secara statistik")
    return text + "."


def _respondents(group: dict) -> str:
    n = group.get("n") or 0
    text = _("Survei diikuti %(n)s responden") % {"n": d.number(int(n))}
    parts = []
    cells = group.get("breakdowns") or {}
    gender = cells.get("gender") or {}
    words = {"L": _("laki-laki"), "P": _("perempuan")}
    found = [f"{d.number(int(gender[c]['n']))} {words[c]}" for c in ("L", "P") if c in gender]
    if found:
        parts.append(join_names(found))
    employment = cells.get("employment_type") or {}
    found = [f"{d.number(int(cell['n']))} {code}" for code, cell in employment.items()]
    if found:
        parts.append(join_names(found))
    if parts:
        text += ", " + _("terdiri atas") + " " + (", " + _("serta") + " ").join(parts)
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
        each = _("masing-masing dengan") if len(names) > 1 else _("dengan")
        return f"{join_names(names)} {each} {score_text(value, scale)}"

    top_value, top_names = levels[0]
    if len(levels) == 1:
        return _("Ketujuh nilai BerAKHLAK sama, masing-masing dengan %(score)s.") % {
            "score": score_text(top_value)
        }
    text = _("Nilai tertinggi adalah %(phrase)s") % {"phrase": phrase(top_value, top_names)}
    middle = [phrase(value, names, False) for value, names in levels[1:-1]]
    if middle:
        text += ", " + _("disusul %(rest)s") % {"rest": join_names(middle)}
    low_value, low_names = levels[-1]
    lowest = _("Nilai terendah adalah %(phrase)s") % {"phrase": phrase(low_value, low_names, False)}
    return f"{text}. {lowest}."


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
        return _("Belum ada hasil %(name)s untuk %(when)s.") % {"name": name, "when": when}
    if not d.visible(group):
        return _(
            "Hasil %(name)s untuk %(when)s tidak dipublikasikan karena jumlah respondennya "
            "kurang dari %(k)s orang."
        ) % {"name": name, "when": when, "k": period.threshold}
    if not group.get("eligible"):
        minimum = group.get("minimum")
        need = ""
        if minimum is not None:
            need = " " + _("dari minimum %(minimum)s") % {"minimum": d.number(int(minimum))}
        short = _(
            "%(name)s belum memenuhi jumlah minimum responden untuk %(when)s (%(n)s "
            "responden%(need)s), sehingga belum memperoleh Indeks BerAKHLAK."
        ) % {"name": name, "when": when, "n": d.number(int(group.get("n") or 0)), "need": need}
        return f"{short}\n\n{_respondents(group)}"
    previous = store.previous_summary(period, level, code, parent)
    paragraphs = []
    headline = d.score(group, "indeks_berakhlak")
    implementasi = d.score(group, "implementasi")
    if headline:
        first = (
            _("Indeks BerAKHLAK %(name)s %(when)s mencapai %(score)s dengan kategori %(category)s.")
            % {
                "name": name,
                "when": when,
                "score": score_text(d.shown(headline)),
                "category": _category(headline),
            }
            + " "
            + _change_sentence(group, "indeks_berakhlak", "Indeks BerAKHLAK", previous)
        )
        evaluasi = d.score(group, "evaluasi")
        if implementasi and evaluasi:
            first += " " + _(
                "Indeks ini menggabungkan hasil survei pegawai, Indeks Implementasi BerAKHLAK "
                "(%(implementasi)s), dengan Indeks Evaluasi Budaya Kerja (%(evaluasi)s)."
            ) % {
                "implementasi": score_text(d.shown(implementasi), False),
                "evaluasi": score_text(d.shown(evaluasi), False),
            }
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
            _(
                "Evaluasi Budaya Kerja %(name)s untuk %(when)s belum difinalkan, sehingga Indeks "
                "BerAKHLAK belum dapat ditetapkan."
            )
            % {"name": name, "when": when}
        )
        if implementasi:
            paragraphs[-1] += (
                " "
                + _(
                    "Dari survei pegawai, Indeks Implementasi BerAKHLAK mencapai %(score)s "
                    "dengan kategori %(category)s."
                )
                % {"score": score_text(d.shown(implementasi)), "category": _category(implementasi)}
                + " "
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
            extra.append(f"{label} {_('dengan')} {score_text(d.shown(found), False)}")
    if extra:
        paragraphs.append(
            _("Survei yang sama mencatat %(items)s %(scale)s.")
            % {"items": join_names(extra), "scale": _(SCALE)}
        )
    return "\n\n".join(paragraphs)
