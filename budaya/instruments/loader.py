"""Reads an instrument YAML file and returns a validated `Instrument`, or raises InstrumentError.

The file layout (see data/berakhlak-2026.yaml):

    edition, title, scale {points, labels},
    values [{code, name, behaviours [{code, text, short}]}],
    items [{code, target, text, reverse?}],
    values_selection {max_picks, questions [{code, text}], options [{code, label?, limiting}]},
    employer_branding {segments [{code, text, options}], max_reasons,
                       reasons_join {text, options}, reasons_not_join {text, options}},
    rubric [{code, name, weight, evidence, levels [{level, descriptor}]}],
    comment_themes [{code, label, keywords}] (optional; METHOD.md §14)

Checks beyond types: the seven values and 21 behaviours in METHOD.md order, at least two items
per behaviour, unique codes, the whole behaviour list plus at least nine limiting values in the
values-selection list, rubric weights summing to exactly 1 and levels numbered 0..L.

A pulse edition (`kind: pulse`, METHOD.md §15, data/berakhlak-pulse-2026.yaml) has only
edition, kind, title, scale, values [{code, name}] and items whose target is a value code
(one or two per value) or `engagement` (at least one).
"""

from fractions import Fraction
from pathlib import Path

import yaml

from budaya.instruments import schema
from budaya.instruments.model import (
    PICK_QUESTION_CODES,
    BehaviourDef,
    CommentTheme,
    Instrument,
    Item,
    Option,
    PickOption,
    PickQuestion,
    RubricCriterion,
    RubricLevel,
    SegmentQuestion,
    ValueDef,
)
from budaya.instruments.schema import InstrumentError, Where
from budaya.scoring.spec import BEHAVIOUR_CODES, MODULES, VALUE_CODES, VALUE_NAMES

MIN_ITEMS_PER_BEHAVIOUR = 2
MIN_LIMITING_VALUES = 9  # METHOD.md §4
PULSE_ITEMS_PER_VALUE = (1, 2)  # METHOD.md §15: one or two items per value
PULSE_KEYS = ("edition", "kind", "title", "scale", "values", "items")
KINDS = ("annual", "pulse")
TOP_KEYS = (
    "edition",
    "title",
    "scale",
    "values",
    "items",
    "values_selection",
    "employer_branding",
    "rubric",
)
OPTIONAL_KEYS = ("comment_themes",)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key repeated in one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader, node, deep=False):
    """Construct a mapping like SafeLoader does, failing on a repeated scalar key."""
    seen = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue  # merge keys and complex keys are left to PyYAML
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"kunci '{key}' ganda / duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> object:
    """Return the parsed YAML document of `path`, failing with the file and line."""
    try:
        with path.open(encoding="utf-8") as stream:  # a stream, so YAML errors name the file
            return yaml.load(stream, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentError(
            f"{path}: berkas tidak dapat dibaca / cannot read the file: {error}", path=str(path)
        ) from error
    except yaml.YAMLError as error:
        detail = " ".join(str(error).split())
        raise InstrumentError(
            f"{path}: YAML tidak valid / invalid YAML: {detail}", path=str(path)
        ) from error


def load_file(path: Path | str) -> Instrument:
    """Return the validated instrument in the YAML file at `path`."""
    path = Path(path)
    document = read_yaml(path)
    top = Where(path)
    kind = document.get("kind", "annual") if isinstance(document, dict) else "annual"
    if kind not in KINDS:
        top.key("kind").fail(
            f"jenis '{kind}' tidak dikenal (yang boleh: {', '.join(KINDS)}) / "
            f"unknown kind '{kind}' (allowed: {', '.join(KINDS)})"
        )
    if kind == "pulse":
        return _load_pulse(document, top)
    doc = schema.mapping(document, top, required=TOP_KEYS, optional=("kind", *OPTIONAL_KEYS))
    edition = schema.code(doc["edition"], top.key("edition"), schema.EDITION)
    points, labels = _scale(doc["scale"], top.key("scale"))
    values = _values(doc["values"], top.key("values"))
    items = _items(doc["items"], top.key("items"), points, values)
    max_picks, questions, options = _values_selection(
        doc["values_selection"], top.key("values_selection"), values
    )
    branding = _branding(doc["employer_branding"], top.key("employer_branding"))
    return Instrument(
        edition=edition,
        title=schema.text(doc["title"], top.key("title")),
        scale_points=points,
        scale_labels=labels,
        values=values,
        items=items,
        pick_list=options,
        pick_questions=questions,
        max_picks=max_picks,
        branding_segments=branding["segments"],
        branding_reasons_join=branding["join"][1],
        branding_reasons_not_join=branding["not_join"][1],
        rubric=_rubric(doc["rubric"], top.key("rubric")),
        branding_reason_questions=(
            PickQuestion("join", branding["join"][0]),
            PickQuestion("not_join", branding["not_join"][0]),
        ),
        branding_max_reasons=branding["max_reasons"],
        comment_themes=_comment_themes(doc.get("comment_themes"), top.key("comment_themes")),
    )


def _load_pulse(document, top: Where) -> Instrument:
    """Return a pulse edition (METHOD.md §15): the seven values without behaviours, one or two
    items per value (target: the value code) and the engagement items; nothing else."""
    doc = schema.mapping(document, top, required=PULSE_KEYS)
    edition = schema.code(doc["edition"], top.key("edition"), schema.EDITION)
    points, labels = _scale(doc["scale"], top.key("scale"))
    values = _values(doc["values"], top.key("values"), behaviours=False)
    where = top.key("items")
    seen: dict[str, str] = {}
    items = []
    for i, raw_item in enumerate(schema.sequence(doc["items"], where)):
        at = where.index(i, schema.entry_code(raw_item))
        entry = schema.mapping(
            raw_item, at, required=("code", "target", "text"), optional=("reverse",)
        )
        item_code = schema.code(entry["code"], at.key("code"))
        schema.unique(seen, item_code, at, ("butir", "item"))
        target = schema.string(entry["target"], at.key("target"))
        if target not in VALUE_CODES and target != "engagement":
            at.key("target").fail(
                f"sasaran '{target}' tidak dikenal untuk instrumen denyut (yang boleh: "
                f"{', '.join(VALUE_CODES)}, engagement) / unknown target '{target}' for a pulse "
                f"instrument (allowed: {', '.join(VALUE_CODES)}, engagement)"
            )
        reverse = schema.boolean(entry.get("reverse", False), at.key("reverse"))
        text = schema.text(entry["text"], at.key("text"))
        items.append(Item(code=item_code, target=target, text=text, reverse=reverse, points=points))
    for value_index, value in enumerate(values):
        count = sum(1 for item in items if item.target == value.code)
        if count not in PULSE_ITEMS_PER_VALUE:
            Where(where.path, "values").index(value_index, value.code).fail(
                f"{count} butir mengukur nilai ini, instrumen denyut perlu 1 atau 2 / "
                f"{count} item(s) measure this value, a pulse instrument needs 1 or 2"
            )
    if not any(item.target == "engagement" for item in items):
        where.fail("tidak ada butir engagement / no engagement item")
    return Instrument(
        edition=edition,
        title=schema.text(doc["title"], top.key("title")),
        scale_points=points,
        scale_labels=labels,
        values=values,
        items=tuple(items),
        pick_list=(),
        pick_questions=(),
        max_picks=0,
        branding_segments=(),
        branding_reasons_join=(),
        branding_reasons_not_join=(),
        rubric=(),
        kind="pulse",
    )


def _scale(raw, where: Where) -> tuple[int, tuple]:
    """Return the number of answer points K and one label per point."""
    scale = schema.mapping(raw, where, required=("points", "labels"))
    points = schema.integer(scale["points"], where.key("points"), minimum=2)
    raw_labels = schema.sequence(scale["labels"], where.key("labels"))
    if len(raw_labels) != points:
        where.key("labels").fail(
            f"perlu tepat {points} label (satu per titik skala), ada {len(raw_labels)} / "
            f"needs exactly {points} labels (one per scale point), has {len(raw_labels)}"
        )
    labels = tuple(
        schema.text(label, where.key("labels").index(i)) for i, label in enumerate(raw_labels)
    )
    return points, labels


def _values(raw, where: Where, behaviours: bool = True) -> tuple[ValueDef, ...]:
    """Return the seven values in METHOD.md order, each with its three behaviours; with
    `behaviours=False` (a pulse edition, METHOD.md §15) code and name only."""
    entries = schema.sequence(raw, where)
    codes = [schema.entry_code(entry) for entry in entries]
    if codes != list(VALUE_CODES):
        where.fail(
            f"nilai harus tepat {', '.join(VALUE_CODES)} dengan urutan ini, ada {codes} / "
            f"values must be exactly {', '.join(VALUE_CODES)} in this order, found {codes}"
        )
    values = []
    for i, raw_value in enumerate(entries):
        at = where.index(i, codes[i])
        required = ("code", "name", "behaviours") if behaviours else ("code", "name")
        entry = schema.mapping(raw_value, at, required=required)
        value_code = entry["code"]
        name = schema.text(entry["name"], at.key("name"))
        official = VALUE_NAMES[value_code]
        if name.id != official or name.en != official:
            at.key("name").fail(
                f"nama nilai harus '{official}' dalam kedua bahasa / "
                f"the value name must be '{official}' in both languages"
            )
        if not behaviours:
            values.append(ValueDef(code=value_code, name=name, behaviours=()))
            continue
        raw_behaviours = schema.sequence(entry["behaviours"], at.key("behaviours"))
        expected = [f"{value_code}{n}" for n in (1, 2, 3)]
        found = [schema.entry_code(b) for b in raw_behaviours]
        if found != expected:
            at.key("behaviours").fail(
                f"perilaku harus tepat {', '.join(expected)} dengan urutan ini, ada {found} / "
                f"behaviours must be exactly {', '.join(expected)} in this order, found {found}"
            )
        behaviours = []
        for j, raw_behaviour in enumerate(raw_behaviours):
            b_at = at.key("behaviours").index(j, found[j])
            b = schema.mapping(raw_behaviour, b_at, required=("code", "text", "short"))
            behaviours.append(
                BehaviourDef(
                    code=b["code"],
                    text=schema.text(b["text"], b_at.key("text")),
                    short=schema.text(b["short"], b_at.key("short")),
                )
            )
        values.append(ValueDef(code=value_code, name=name, behaviours=tuple(behaviours)))
    return tuple(values)


def _items(raw, where: Where, points: int, values: tuple[ValueDef, ...]) -> tuple[Item, ...]:
    """Return the Likert items, checking codes, targets and how many items each target has."""
    entries = schema.sequence(raw, where)
    seen: dict[str, str] = {}
    items = []
    for i, raw_item in enumerate(entries):
        at = where.index(i, schema.entry_code(raw_item))
        entry = schema.mapping(
            raw_item, at, required=("code", "target", "text"), optional=("reverse",)
        )
        item_code = schema.code(entry["code"], at.key("code"))
        schema.unique(seen, item_code, at, ("butir", "item"))
        target = schema.string(entry["target"], at.key("target"))
        if target not in BEHAVIOUR_CODES and target not in MODULES:
            at.key("target").fail(
                f"perilaku atau modul '{target}' tidak dikenal (yang boleh: BP1..KL3, "
                f"{', '.join(MODULES)}) / unknown behaviour or module '{target}' "
                f"(allowed: BP1..KL3, {', '.join(MODULES)})"
            )
        reverse = schema.boolean(entry.get("reverse", False), at.key("reverse"))
        text = schema.text(entry["text"], at.key("text"))
        items.append(Item(code=item_code, target=target, text=text, reverse=reverse, points=points))
    for value_index, value in enumerate(values):
        for j, behaviour in enumerate(value.behaviours):
            count = sum(1 for item in items if item.target == behaviour.code)
            if count < MIN_ITEMS_PER_BEHAVIOUR:
                at = Where(where.path, "values").index(value_index, value.code)
                at.key("behaviours").index(j, behaviour.code).fail(
                    f"hanya {count} butir mengukur perilaku ini, perlu sedikitnya "
                    f"{MIN_ITEMS_PER_BEHAVIOUR} / only {count} item(s) measure this behaviour, "
                    f"at least {MIN_ITEMS_PER_BEHAVIOUR} are needed"
                )
    for module in MODULES:
        if not any(item.target == module for item in items):
            where.fail(
                f"tidak ada butir untuk modul '{module}' / no item for the module '{module}'"
            )
    return tuple(items)


def _values_selection(raw, where: Where, values: tuple[ValueDef, ...]):
    """Return (max picks, the three pick questions, the values-selection list)."""
    section = schema.mapping(raw, where, required=("max_picks", "questions", "options"))
    max_picks = schema.integer(section["max_picks"], where.key("max_picks"), minimum=1)
    questions = _pick_questions(section["questions"], where.key("questions"), PICK_QUESTION_CODES)
    shorts = {b.code: b.short for value in values for b in value.behaviours}
    at_options = where.key("options")
    seen: dict[str, str] = {}
    options = []
    for i, raw_option in enumerate(schema.sequence(section["options"], at_options)):
        at = at_options.index(i, schema.entry_code(raw_option))
        entry = schema.mapping(raw_option, at, required=("code", "limiting"), optional=("label",))
        option_code = schema.code(entry["code"], at.key("code"))
        schema.unique(seen, option_code, at, ("nilai", "value"))
        limiting = schema.boolean(entry["limiting"], at.key("limiting"))
        if option_code in shorts:
            if limiting:
                at.key("limiting").fail(
                    "perilaku BerAKHLAK tidak boleh ditandai membatasi / "
                    "a BerAKHLAK behaviour cannot be marked limiting"
                )
            # A behaviour's label defaults to its short label, so the two never drift apart.
            label = (
                schema.text(entry["label"], at.key("label"))
                if "label" in entry
                else shorts[option_code]
            )
        elif "label" in entry:
            label = schema.text(entry["label"], at.key("label"))
        else:
            at.fail("kunci 'label' tidak ada / missing key 'label'")
        options.append(PickOption(code=option_code, label=label, limiting=limiting))
    missing = [code for code in BEHAVIOUR_CODES if code not in seen]
    if missing:
        at_options.fail(
            f"perilaku tidak ada di daftar pilihan: {', '.join(missing)} / "
            f"behaviours missing from the list: {', '.join(missing)}"
        )
    limiting_count = sum(1 for option in options if option.limiting)
    if limiting_count < MIN_LIMITING_VALUES:
        at_options.fail(
            f"perlu sedikitnya {MIN_LIMITING_VALUES} nilai membatasi (limiting: true), ada "
            f"{limiting_count} / needs at least {MIN_LIMITING_VALUES} limiting values, has "
            f"{limiting_count}"
        )
    return max_picks, questions, tuple(options)


def _pick_questions(raw, where: Where, codes: tuple[str, ...]) -> tuple[PickQuestion, ...]:
    """Return pick questions whose codes are exactly `codes` (in any order)."""
    seen: dict[str, str] = {}
    questions = []
    for i, raw_question in enumerate(schema.sequence(raw, where)):
        at = where.index(i, schema.entry_code(raw_question))
        entry = schema.mapping(raw_question, at, required=("code", "text"))
        question_code = schema.string(entry["code"], at.key("code"))
        if question_code not in codes:
            at.key("code").fail(
                f"pertanyaan '{question_code}' tidak dikenal (yang boleh: {', '.join(codes)}) / "
                f"unknown question '{question_code}' (allowed: {', '.join(codes)})"
            )
        schema.unique(seen, question_code, at, ("pertanyaan", "question"))
        questions.append(PickQuestion(question_code, schema.text(entry["text"], at.key("text"))))
    missing = [code for code in codes if code not in seen]
    if missing:
        where.fail(
            f"pertanyaan tidak ada: {', '.join(missing)} / missing questions: {', '.join(missing)}"
        )
    return tuple(questions)


def _options(raw, where: Where, pattern=schema.OPTION_CODE) -> tuple[Option, ...]:
    """Return a list of answer options with unique codes."""
    seen: dict[str, str] = {}
    options = []
    for i, raw_option in enumerate(schema.sequence(raw, where)):
        at = where.index(i, schema.entry_code(raw_option))
        entry = schema.mapping(raw_option, at, required=("code", "label"))
        option_code = schema.code(entry["code"], at.key("code"), pattern)
        schema.unique(seen, option_code, at, ("opsi", "option"))
        options.append(Option(option_code, schema.text(entry["label"], at.key("label"))))
    return tuple(options)


def _branding(raw, where: Where) -> dict:
    """Return the employer-branding segment questions and reason lists."""
    section = schema.mapping(
        raw, where, required=("segments", "max_reasons", "reasons_join", "reasons_not_join")
    )
    segments = []
    seen: dict[str, str] = {}
    at_segments = where.key("segments")
    for i, raw_segment in enumerate(schema.sequence(section["segments"], at_segments)):
        at = at_segments.index(i, schema.entry_code(raw_segment))
        entry = schema.mapping(raw_segment, at, required=("code", "text", "options"))
        segment_code = schema.code(entry["code"], at.key("code"), schema.LOWER_CODE)
        schema.unique(seen, segment_code, at, ("segmen", "segment"))
        segments.append(
            SegmentQuestion(
                code=segment_code,
                text=schema.text(entry["text"], at.key("text")),
                options=_options(entry["options"], at.key("options")),
            )
        )
    result = {
        "segments": tuple(segments),
        "max_reasons": schema.integer(section["max_reasons"], where.key("max_reasons"), minimum=1),
    }
    for key, name in (("reasons_join", "join"), ("reasons_not_join", "not_join")):
        at = where.key(key)
        entry = schema.mapping(section[key], at, required=("text", "options"))
        result[name] = (
            schema.text(entry["text"], at.key("text")),
            _options(entry["options"], at.key("options"), schema.CODE),
        )
    return result


def _rubric(raw, where: Where) -> tuple[RubricCriterion, ...]:
    """Return the rubric criteria, checking exact weights summing to 1 and levels 0..L."""
    seen: dict[str, str] = {}
    criteria = []
    for i, raw_criterion in enumerate(schema.sequence(raw, where)):
        at = where.index(i, schema.entry_code(raw_criterion))
        entry = schema.mapping(
            raw_criterion, at, required=("code", "name", "weight", "evidence", "levels")
        )
        criterion_code = schema.code(entry["code"], at.key("code"))
        schema.unique(seen, criterion_code, at, ("kriteria", "criterion"))
        criteria.append(
            RubricCriterion(
                code=criterion_code,
                name=schema.text(entry["name"], at.key("name")),
                weight=schema.fraction(entry["weight"], at.key("weight")),
                evidence=schema.text(entry["evidence"], at.key("evidence")),
                levels=_levels(entry["levels"], at.key("levels")),
            )
        )
    total = sum((criterion.weight for criterion in criteria), Fraction(0))
    if total != 1:
        where.fail(
            f"jumlah bobot harus tepat 1, bukan {float(total):g} ({total}) / "
            f"weights must sum to exactly 1, not {float(total):g} ({total})"
        )
    return tuple(criteria)


def _levels(raw, where: Where) -> tuple[RubricLevel, ...]:
    """Return levels numbered 0, 1, ..., L (L at least 1), each with a descriptor."""
    entries = schema.sequence(raw, where, minimum=2)
    levels = []
    for i, raw_level in enumerate(entries):
        at = where.index(i)
        entry = schema.mapping(raw_level, at, required=("level", "descriptor"))
        number = schema.integer(entry["level"], at.key("level"), minimum=0)
        if number != i:
            where.fail(
                f"level harus bernomor 0..{len(entries) - 1} berurutan, entri ke-{i} bernomor "
                f"{number} / levels must be numbered 0..{len(entries) - 1} in order, entry {i} "
                f"is level {number}"
            )
        levels.append(RubricLevel(number, schema.text(entry["descriptor"], at.key("descriptor"))))
    return tuple(levels)


def _comment_themes(raw, where: Where) -> tuple[CommentTheme, ...]:
    """Return the themes of the comment question: unique codes, a label in both languages and
    at least one keyword (a word or a phrase) each. Absent: no themes."""
    if raw is None:
        return ()
    seen: dict[str, str] = {}
    themes = []
    for i, raw_theme in enumerate(schema.sequence(raw, where)):
        at = where.index(i, schema.entry_code(raw_theme))
        entry = schema.mapping(raw_theme, at, required=("code", "label", "keywords"))
        theme_code = schema.code(entry["code"], at.key("code"), schema.OPTION_CODE)
        schema.unique(seen, theme_code, at, ("tema", "theme"))
        at_keywords = at.key("keywords")
        keywords = tuple(
            " ".join(schema.string(word, at_keywords.index(j)).lower().split())
            for j, word in enumerate(schema.sequence(entry["keywords"], at_keywords))
        )
        themes.append(
            CommentTheme(theme_code, schema.text(entry["label"], at.key("label")), keywords)
        )
    return tuple(themes)
