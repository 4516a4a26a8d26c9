"""`budaya instrument`: list the instrument editions, show one, or check a draft file.

Reads only the data files (no Django, no database).
"""

import json
import sys
import textwrap
from fractions import Fraction

from budaya.cli import CommandError
from budaya.instruments import (
    Instrument,
    InstrumentError,
    list_instruments,
    load_instrument,
    load_instrument_file,
)

HEADINGS = {
    "id": {
        "scale": "Skala",
        "values": "Nilai, perilaku, dan butir survei",
        "engagement": "Keterikatan pegawai (engagement)",
        "selection": "Pilihan nilai",
        "max_picks": "paling banyak {n} pilihan per pertanyaan",
        "limiting": "membatasi",
        "branding": "Employer branding (survei publik)",
        "segments": "Pertanyaan profil",
        "rubric": "Rubrik Evaluasi Budaya Kerja",
        "weight": "bobot",
        "evidence": "Bukti",
        "reverse": "(R) = butir terbalik",
        "summary": "{items} butir survei ({engagement} engagement), {branding} butir employer "
        "branding, {picks} pilihan nilai ({limiting} membatasi), {criteria} kriteria",
        "pulse_summary": "survei denyut: {items} butir survei ({values} butir nilai, "
        "{engagement} engagement), tanpa perilaku, pilihan nilai, atau evaluasi",
    },
    "en": {
        "scale": "Scale",
        "values": "Values, behaviours and survey items",
        "engagement": "Employee engagement",
        "selection": "Values selection",
        "max_picks": "at most {n} picks per question",
        "limiting": "limiting",
        "branding": "Employer branding (public survey)",
        "segments": "Profile questions",
        "rubric": "Evaluasi Budaya Kerja rubric",
        "weight": "weight",
        "evidence": "Evidence",
        "reverse": "(R) = reverse-keyed item",
        "summary": "{items} survey items ({engagement} engagement), {branding} employer-branding "
        "items, {picks} values to pick ({limiting} limiting), {criteria} criteria",
        "pulse_summary": "pulse survey: {items} survey items ({values} value items, "
        "{engagement} engagement), no behaviours, values selection or evaluation",
    },
}


def register(subparsers) -> None:
    """Add `budaya instrument list|show|check`."""
    parser = subparsers.add_parser(
        "instrument",
        help="katalog instrumen / instrument catalogue",
        description="Katalog instrumen survei dan evaluasi / the instrument catalogue.",
    )
    commands = parser.add_subparsers(dest="instrument_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="daftar edisi / list the editions")
    listing.set_defaults(func=run)

    show = commands.add_parser("show", help="tampilkan satu edisi / show one edition")
    show.add_argument("edition", help="edisi, mis. berakhlak-2026 / edition")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument("--lang", choices=("id", "en"), default="id")
    show.set_defaults(func=run)

    check = commands.add_parser(
        "check", help="periksa berkas YAML instrumen / validate an instrument YAML file"
    )
    check.add_argument("path", help="berkas YAML / YAML file")
    check.set_defaults(func=run)


def run(args) -> int:
    """Run the chosen action and return the exit code."""
    if args.instrument_command == "list":
        return _list()
    if args.instrument_command == "show":
        instrument = _load(lambda: load_instrument(args.edition))
        if args.format == "json":
            json.dump(instrument.to_json(), sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            print(render_text(instrument, args.lang))
        return 0
    instrument = _load(lambda: load_instrument_file(args.path))
    print(f"OK {args.path}: {instrument.edition} — {summary(instrument, 'id')}")
    return 0


def _load(loader) -> Instrument:
    """Return what `loader` loads, turning an InstrumentError into a CommandError."""
    try:
        return loader()
    except InstrumentError as error:
        raise CommandError(str(error)) from error


def _list() -> int:
    """Print each edition with its title and counts; exit 1 when one of them is broken."""
    editions = list_instruments()
    if not editions:
        raise CommandError("tidak ada edisi instrumen / no instrument edition found")
    broken = 0
    for edition in editions:
        try:
            instrument = load_instrument(edition)
        except InstrumentError as error:
            broken += 1
            print(f"{edition}  RUSAK / BROKEN: {error}", file=sys.stderr)
            continue
        print(f"{edition}  {instrument.title.id}")
        print(f"    {summary(instrument, 'id')}")
    return 1 if broken else 0


def summary(instrument: Instrument, lang: str) -> str:
    """Return one line of counts: items, values list, criteria."""
    counts = instrument.counts()
    if instrument.is_pulse:
        return HEADINGS[lang]["pulse_summary"].format(
            items=counts["survey_items"],
            values=counts["value_items"],
            engagement=counts["engagement_items"],
        )
    return HEADINGS[lang]["summary"].format(
        items=counts["survey_items"],
        engagement=counts["engagement_items"],
        branding=counts["employer_branding_items"],
        picks=counts["pick_values"],
        limiting=counts["limiting_values"],
        criteria=counts["criteria"],
    )


def _percent(weight: Fraction, lang: str) -> str:
    """Return a weight as a percentage, with a decimal comma in Indonesian."""
    shown = f"{float(weight * 100):.2f}".rstrip("0").rstrip(".")
    return (shown.replace(".", ",") if lang == "id" else shown) + " %"


def render_text(instrument: Instrument, lang: str = "id") -> str:
    """Return a readable listing of the whole edition in `lang`."""
    h = HEADINGS[lang]
    lines = [f"{instrument.title.get(lang)} ({instrument.edition})", summary(instrument, lang), ""]
    labels = ", ".join(
        f"{n} {label.get(lang)}" for n, label in enumerate(instrument.scale_labels, start=1)
    )
    lines += [f"{h['scale']}: {labels}", h["reverse"], "", f"== {h['values']} =="]
    for value in instrument.values:
        lines.append(f"{value.code}  {value.name.get(lang)}")
        if instrument.is_pulse:  # METHOD.md §15: items measure the value itself
            lines += [_item_line(item, lang) for item in instrument.items_for(value.code)]
        for behaviour in value.behaviours:
            lines.append(f"  {behaviour.code}  {behaviour.text.get(lang)}")
            for item in instrument.items_for(behaviour.code):
                lines.append(_item_line(item, lang))
    lines += ["", f"== {h['engagement']} =="]
    lines += [_item_line(item, lang) for item in instrument.items_for("engagement")]
    if instrument.is_pulse:  # no values selection, employer branding or rubric (§15)
        return "\n".join(lines)

    lines += ["", f"== {h['selection']} ({h['max_picks'].format(n=instrument.max_picks)}) =="]
    for question in instrument.pick_questions:
        lines.append(f"  [{question.code}] {question.text.get(lang)}")
    for option in instrument.pick_list:
        flag = f"  [{h['limiting']}]" if option.limiting else ""
        lines.append(f"    {option.code:<18} {option.label.get(lang)}{flag}")

    lines += ["", f"== {h['branding']} =="]
    lines += [_item_line(item, lang) for item in instrument.branding_items]
    lines.append(f"  {h['segments']}:")
    for segment in instrument.branding_segments:
        options = "; ".join(f"({o.code}) {o.label.get(lang)}" for o in segment.options)
        lines.append(f"    [{segment.code}] {segment.text.get(lang)}")
        lines.append(
            textwrap.fill(options, width=100, initial_indent=" " * 6, subsequent_indent=" " * 6)
        )
    reason_lists = (instrument.branding_reasons_join, instrument.branding_reasons_not_join)
    for question, options in zip(instrument.branding_reason_questions, reason_lists, strict=False):
        lines.append(f"  [{question.code}] {question.text.get(lang)}")
        lines += [f"    {o.code:<18} {o.label.get(lang)}" for o in options]

    lines += ["", f"== {h['rubric']} =="]
    for criterion in instrument.rubric:
        weight = _percent(criterion.weight, lang)
        lines.append(f"{criterion.code}  {criterion.name.get(lang)} ({h['weight']} {weight})")
        lines.append(f"  {h['evidence']}: {criterion.evidence.get(lang)}")
        lines += [f"  {lv.level}  {lv.descriptor.get(lang)}" for lv in criterion.levels]
    return "\n".join(lines)


def _item_line(item, lang: str) -> str:
    """Return one indented item line: code, reverse mark and text."""
    mark = " (R)" if item.reverse else ""
    return f"    {item.code + mark:<10} {item.text.get(lang)}"
