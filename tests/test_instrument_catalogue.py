"""The instrument catalogue: the berakhlak-2026 edition's content and the loader's validation."""

import dataclasses
import json
import re
from fractions import Fraction

import pytest
import yaml

import budaya.instruments as catalogue
from budaya.instruments import (
    InstrumentError,
    Text,
    list_instruments,
    load_instrument,
    load_instrument_file,
)
from budaya.scoring import BEHAVIOUR_CODES, VALUE_CODES, LikertItem, ScoringSpec
from budaya.scoring.spec import VALUE_NAMES

EDITION = "berakhlak-2026"
SOURCE = catalogue.DATA_DIR / f"{EDITION}.yaml"


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(EDITION)


@pytest.fixture
def raw():
    """The edition's YAML document as plain data, to break in one place per test."""
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))


@pytest.fixture
def write(tmp_path):
    """Write a document to a temporary YAML file and return the path."""

    def _write(document, name="broken.yaml"):
        path = tmp_path / name
        text = (
            document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True)
        )
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def clear_cache():
    load_instrument.cache_clear()
    yield
    load_instrument.cache_clear()


def texts_in(obj):
    """Yield every Text inside a (nested) dataclass value."""
    if isinstance(obj, Text):
        yield obj
    elif dataclasses.is_dataclass(obj):
        for field in dataclasses.fields(obj):
            yield from texts_in(getattr(obj, field.name))
    elif isinstance(obj, tuple):
        for element in obj:
            yield from texts_in(element)


def item_index(document, code):
    return next(i for i, item in enumerate(document["items"]) if item["code"] == code)


def expect_error(path, *fragments):
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(path)
    message = str(caught.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return caught.value


# --- the catalogue -----------------------------------------------------------------------------


def test_it_lists_the_2026_edition():
    assert EDITION in list_instruments()
    assert list_instruments() == sorted(list_instruments())


def test_loading_is_cached():
    assert load_instrument(EDITION) is load_instrument(EDITION)


def test_an_unknown_edition_names_itself_and_the_available_ones():
    with pytest.raises(InstrumentError) as caught:
        load_instrument("berakhlak-1999")
    assert "berakhlak-1999" in str(caught.value)
    assert EDITION in str(caught.value)


def test_the_seven_values_and_21_behaviours_follow_the_method_order(instrument):
    assert [value.code for value in instrument.values] == list(VALUE_CODES)
    assert [b.code for b in instrument.behaviours] == list(BEHAVIOUR_CODES)
    for value in instrument.values:
        assert value.name.id == value.name.en == VALUE_NAMES[value.code]
        assert all(b.value == value.code for b in value.behaviours)


def test_every_behaviour_is_measured_by_at_least_two_items(instrument):
    for code in BEHAVIOUR_CODES:
        assert len(instrument.items_for(code)) >= 2, code
    assert len(instrument.items_for("AD")) == sum(
        len(instrument.items_for(f"AD{n}")) for n in (1, 2, 3)
    )


def test_behaviour_items_ask_about_the_respondents_own_unit(instrument):
    for value in VALUE_CODES:
        for item in instrument.items_for(value):
            assert item.text.id.startswith("Di unit kerja saya"), item.code
            assert item.text.en.startswith("In my work unit"), item.code


def test_the_modules_have_enough_items(instrument):
    engagement = instrument.items_for("engagement")
    assert len(engagement) >= 6
    assert [item.code for item in engagement] == [f"ENG_{n}" for n in range(1, len(engagement) + 1)]
    assert len(instrument.branding_items) >= 10
    assert all(item.code.startswith("EB_") for item in instrument.branding_items)


def test_item_codes_are_unique_and_well_formed(instrument):
    codes = [item.code for item in instrument.items]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", code) for code in codes)
    for item in instrument.items:
        if item.behaviour:
            assert item.code.startswith(item.behaviour + "_")


def test_every_item_uses_the_six_point_agreement_scale(instrument):
    assert instrument.scale_points == 6
    assert instrument.scale_labels[0] == Text("Sangat tidak setuju", "Strongly disagree")
    assert instrument.scale_labels[-1] == Text("Sangat setuju", "Strongly agree")
    assert {item.points for item in instrument.items} == {6}


def test_a_few_reverse_keyed_items_are_spread_over_the_values(instrument):
    reverse = [item for item in instrument.items if item.reverse and item.behaviour]
    assert 5 <= len(reverse) <= 7
    assert len({item.value for item in reverse}) >= 5
    # No behaviour is measured by reverse-keyed items only.
    for code in BEHAVIOUR_CODES:
        assert not all(item.reverse for item in instrument.items_for(code)), code


def test_survey_items_are_grouped_by_value_then_engagement(instrument):
    order = [item.value or "engagement" for item in instrument.survey_items]
    groups = [group for i, group in enumerate(order) if i == 0 or order[i - 1] != group]
    assert groups == [*VALUE_CODES, "engagement"]
    assert not any(item.target == "employer_branding" for item in instrument.survey_items)


def test_the_values_list_has_the_behaviours_and_the_limiting_values(instrument):
    codes = [option.code for option in instrument.pick_list]
    assert codes[:21] == list(BEHAVIOUR_CODES)
    shorts = {b.code: b.short for b in instrument.behaviours}
    for option in instrument.pick_list[:21]:
        assert not option.limiting
        assert option.label == shorts[option.code]
    assert instrument.pick_list[0].label.id == "Peka kebutuhan warga"
    limiting = [option for option in instrument.pick_list if option.limiting]
    assert len(limiting) >= 9
    assert all(option.code.startswith("LIM_") for option in limiting)
    assert "LIM_BIROKRASI" in codes
    assert len(codes) == len(set(codes))


def test_the_three_pick_questions_allow_five_picks(instrument):
    assert [q.code for q in instrument.pick_questions] == ["personal", "current", "wanted"]
    assert instrument.max_picks == 5


def test_the_branding_segments_cover_age_education_status_province_and_interest(instrument):
    segments = {segment.code: segment for segment in instrument.branding_segments}
    assert set(segments) == {"age_band", "education", "status", "province", "interest"}
    assert [o.code for o in segments["age_band"].options] == [
        "<20",
        "20-24",
        "25-29",
        "30-34",
        "35+",
    ]
    assert [o.code for o in segments["status"].options] == ["student", "job_seeker", "worker"]
    provinces = segments["province"].options
    assert len(provinces) == 38
    assert len({o.code for o in provinces}) == len({o.label.id for o in provinces}) == 38
    assert "Papua Barat Daya" in {o.label.id for o in provinces}
    assert len(segments["education"].options) >= 4
    assert len(segments["interest"].options) >= 2


def test_the_branding_reason_lists_have_at_least_six_options_each(instrument):
    assert len(instrument.branding_reasons_join) >= 6
    assert len(instrument.branding_reasons_not_join) >= 6
    assert [q.code for q in instrument.branding_reason_questions] == ["join", "not_join"]


def test_the_rubric_covers_the_practices_with_weights_summing_to_exactly_one(instrument):
    assert len(instrument.rubric) >= 6
    assert all(isinstance(c.weight, Fraction) and c.weight > 0 for c in instrument.rubric)
    assert sum((c.weight for c in instrument.rubric), Fraction(0)) == 1
    names = " ".join(c.name.en.lower() for c in instrument.rubric)
    for practice in ("leadership", "change agents", "internalisation", "sop", "action plan",
                     "monitoring", "recognition"):  # fmt: skip
        assert practice in names


def test_every_criterion_has_levels_zero_to_four_and_asks_for_evidence(instrument):
    for criterion in instrument.rubric:
        assert [level.level for level in criterion.levels] == [0, 1, 2, 3, 4]
        assert criterion.max_level == 4
        descriptors = [level.descriptor.id for level in criterion.levels]
        assert len(set(descriptors)) == 5
        assert criterion.evidence.id and criterion.evidence.en


def test_every_text_has_indonesian_and_english(instrument):
    texts = list(texts_in(instrument))
    assert len(texts) > 250
    for text in texts:
        assert text.id.strip() and text.en.strip()
    for item in instrument.items:
        assert item.text.id != item.text.en, item.code


def test_text_get_returns_the_language_asked_for():
    text = Text(id="Setuju", en="Agree")
    assert (text.get("id"), text.get("en")) == ("Setuju", "Agree")
    with pytest.raises(ValueError, match="fr"):
        text.get("fr")


def test_the_scoring_spec_matches_the_instrument(instrument):
    spec = instrument.scoring_spec()
    assert isinstance(spec, ScoringSpec)
    expected = instrument.survey_items + instrument.branding_items
    assert spec.items == tuple(LikertItem(i.code, i.target, 6, i.reverse) for i in expected)
    assert [i.code for i in spec.survey_items] == [i.code for i in instrument.survey_items]
    assert [i.code for i in spec.branding_items] == [i.code for i in instrument.branding_items]
    assert [(p.code, p.limiting) for p in spec.pick_values] == [
        (o.code, o.limiting) for o in instrument.pick_list
    ]
    assert [(c.code, c.max_level) for c in spec.criteria] == [
        (c.code, 4) for c in instrument.rubric
    ]
    assert sum(c.weight for c in spec.criteria) == pytest.approx(1.0)
    # METHOD.md §5: every criterion at its top level gives E = 100.
    assert 100 * sum(c.weight * c.max_level / c.max_level for c in spec.criteria) == pytest.approx(
        100
    )


def test_to_json_is_plain_json_with_every_item(instrument):
    data = json.loads(json.dumps(instrument.to_json(), ensure_ascii=False))
    assert [item["code"] for item in data["items"]] == [
        item.code for item in instrument.survey_items + instrument.branding_items
    ]
    assert sum(Fraction(c["weight_exact"]) for c in data["rubric"]) == 1


# --- broken files ------------------------------------------------------------------------------


def test_a_valid_copy_loads_from_any_path(raw, write):
    assert (
        load_instrument_file(write(raw, "copy.yaml")).counts() == load_instrument(EDITION).counts()
    )


def test_a_missing_key_names_the_item_and_the_key(raw, write):
    i = item_index(raw, "BP3_2")
    del raw["items"][i]["text"]
    error = expect_error(write(raw), f"items[{i}] (code BP3_2)", "missing key 'text'")
    assert error.entry == f"items[{i}] (code BP3_2)"


def test_a_wrong_type_names_the_field_and_the_expected_type(raw, write):
    i = item_index(raw, "AK1_2")
    raw["items"][i]["reverse"] = "ya"
    expect_error(write(raw), f"items[{i}] (code AK1_2).reverse", "must be true or false")


def test_an_unknown_key_is_refused_rather_than_ignored(raw, write):
    raw["items"][0]["revers"] = True
    expect_error(write(raw), "items[0] (code BP1_1)", "unknown key 'revers'")


def test_an_unknown_behaviour_is_refused(raw, write):
    raw["items"][3]["target"] = "BP4"
    expect_error(write(raw), "items[3]", ".target", "unknown behaviour or module 'BP4'")


def test_a_duplicate_item_code_names_both_places(raw, write):
    raw["items"][5]["code"] = raw["items"][4]["code"]
    code = raw["items"][4]["code"]
    expect_error(write(raw), f"items[5] (code {code})", "duplicate", "items[4]")


def test_a_malformed_item_code_is_refused(raw, write):
    raw["items"][0]["code"] = "bp1-1"
    expect_error(write(raw), "items[0] (code bp1-1).code", "does not match")


def test_a_behaviour_with_one_item_is_refused(raw, write):
    raw["items"].pop(item_index(raw, "KO2_2"))
    expect_error(write(raw), "values[2] (code KO).behaviours[1] (code KO2)", "only 1 item(s)")


def test_a_module_without_items_is_refused(raw, write):
    raw["items"] = [item for item in raw["items"] if item["target"] != "engagement"]
    expect_error(write(raw), "items:", "no item for the module 'engagement'")


def test_weights_not_summing_to_one_are_refused(raw, write):
    raw["rubric"][0]["weight"] = "0.25"
    expect_error(write(raw), "rubric:", "weights must sum to exactly 1", "21/20")


def test_float_weights_are_summed_exactly(raw, write):
    # 0.7 + 0.2 + 0.1 is not 1 in floating point; as decimals it is.
    raw["rubric"] = raw["rubric"][:3]
    for criterion, weight in zip(raw["rubric"], (0.7, 0.2, 0.1), strict=True):
        criterion["weight"] = weight
    assert 0.7 + 0.2 + 0.1 != 1
    rubric = load_instrument_file(write(raw)).rubric
    assert [c.weight for c in rubric] == [Fraction(7, 10), Fraction(1, 5), Fraction(1, 10)]


def test_fraction_weights_are_accepted(raw, write):
    raw["rubric"] = raw["rubric"][:3]
    for criterion, weight in zip(raw["rubric"], ("1/3", "1/3", "1/3"), strict=True):
        criterion["weight"] = weight
    assert sum(c.weight for c in load_instrument_file(write(raw)).rubric) == 1


def test_a_weight_that_is_not_a_number_is_refused(raw, write):
    raw["rubric"][1]["weight"] = "banyak"
    code = raw["rubric"][1]["code"]
    expect_error(write(raw), f"rubric[1] (code {code}).weight", "is not a number")


def test_levels_must_be_numbered_from_zero_without_gaps(raw, write):
    del raw["rubric"][2]["levels"][2]
    code = raw["rubric"][2]["code"]
    expect_error(write(raw), f"rubric[2] (code {code}).levels", "levels must be numbered 0..3")


def test_a_text_without_english_is_refused(raw, write):
    del raw["values"][1]["behaviours"][0]["short"]["en"]
    expect_error(
        write(raw), "values[1] (code AK).behaviours[0] (code AK1).short", "missing key 'en'"
    )


def test_an_empty_text_is_refused(raw, write):
    raw["title"]["id"] = "  "
    expect_error(write(raw), "title.id", "empty text")


def test_values_out_of_order_are_refused(raw, write):
    raw["values"][0], raw["values"][1] = raw["values"][1], raw["values"][0]
    expect_error(write(raw), "values:", "values must be exactly BP, AK")


def test_a_missing_behaviour_is_refused(raw, write):
    raw["values"][6]["behaviours"].pop()
    expect_error(write(raw), "values[6] (code KL).behaviours", "KL1, KL2, KL3")


def test_the_scale_needs_one_label_per_point(raw, write):
    raw["scale"]["points"] = 5
    expect_error(write(raw), "scale.labels", "exactly 5 labels")


def test_too_few_limiting_values_are_refused(raw, write):
    options = raw["values_selection"]["options"]
    raw["values_selection"]["options"] = [o for o in options if not o["limiting"]][:29]
    expect_error(write(raw), "values_selection.options", "at least 9 limiting values, has 0")


def test_the_values_list_must_hold_every_behaviour(raw, write):
    raw["values_selection"]["options"].pop(4)
    expect_error(write(raw), "values_selection.options", "missing from the list: AK2")


def test_a_behaviour_cannot_be_marked_limiting(raw, write):
    raw["values_selection"]["options"][0]["limiting"] = True
    expect_error(write(raw), "values_selection.options[0] (code BP1).limiting", "cannot be marked")


def test_a_limiting_value_needs_a_label(raw, write):
    del raw["values_selection"]["options"][25]["label"]
    expect_error(write(raw), "values_selection.options[25]", "missing key 'label'")


def test_the_pick_questions_must_be_personal_current_and_wanted(raw, write):
    raw["values_selection"]["questions"][2]["code"] = "future"
    expect_error(write(raw), "values_selection.questions[2] (code future).code", "unknown question")


def test_a_duplicate_segment_option_is_refused(raw, write):
    options = raw["employer_branding"]["segments"][0]["options"]
    options[1]["code"] = options[0]["code"]
    expect_error(
        write(raw), "employer_branding.segments[0] (code age_band).options[1]", "duplicate"
    )


def test_a_repeated_yaml_key_is_refused(write):
    text = SOURCE.read_text(encoding="utf-8").replace(
        "  points: 6\n", "  points: 6\n  points: 5\n", 1
    )
    expect_error(write(text), "duplicate key 'points'", "line")


def test_invalid_yaml_names_the_file(write):
    expect_error(write("edition: [unclosed\n"), "invalid YAML")


def test_a_document_that_is_not_a_mapping_is_refused(write):
    expect_error(write("- just\n- a list\n"), "must be a mapping")


# --- the data folder ---------------------------------------------------------------------------


def test_an_edition_is_found_by_file_name_and_must_declare_it(raw, write, monkeypatch, clear_cache):
    monkeypatch.setattr(catalogue, "DATA_DIR", write(raw, "b-2027.yaml").parent)
    write(raw, "a-2025.yaml")
    assert list_instruments() == ["a-2025", "b-2027"]
    with pytest.raises(InstrumentError) as caught:
        load_instrument("b-2027")
    assert "b-2027.yaml" in str(caught.value)
    assert "differs from the file name" in str(caught.value)


# --- the pulse edition (METHOD.md 1.2 §15) ------------------------------------------------------

PULSE = "berakhlak-pulse-2026"
PULSE_SOURCE = catalogue.DATA_DIR / f"{PULSE}.yaml"


@pytest.fixture
def raw_pulse():
    """The pulse edition's YAML document as plain data."""
    return yaml.safe_load(PULSE_SOURCE.read_text(encoding="utf-8"))


def test_the_pulse_edition_has_one_or_two_six_point_items_per_value_and_engagement():
    pulse = load_instrument(PULSE)
    annual = load_instrument(EDITION)
    assert PULSE in list_instruments()
    assert pulse.is_pulse and not annual.is_pulse
    assert pulse.scale_points == 6
    assert [value.code for value in pulse.values] == list(VALUE_CODES)
    assert all(value.behaviours == () for value in pulse.values)
    for code in VALUE_CODES:
        assert 1 <= len(pulse.items_for(code)) <= 2
    # The engagement items of the annual edition, unchanged: the same index in both.
    assert [(i.code, i.text, i.reverse) for i in pulse.items_for("engagement")] == [
        (i.code, i.text, i.reverse) for i in annual.items_for("engagement")
    ]
    # No behaviours, no values selection, no employer branding, no rubric.
    assert not pulse.behaviours and not pulse.pick_list and not pulse.pick_questions
    assert not pulse.branding_items and not pulse.rubric
    assert pulse.counts()["survey_items"] == 22  # the figure docs/metodologi.md states
    spec = pulse.scoring_spec()
    assert spec.pulse and not spec.pick_values and not spec.criteria
    assert [item.value for item in spec.survey_items if item.value] == [
        d for d in VALUE_CODES for _ in range(2)
    ]


def test_the_pulse_items_are_written_for_this_product_in_both_languages():
    pulse = load_instrument(PULSE)
    annual_texts = {item.text.id for item in load_instrument(EDITION).items if item.value}
    for item in (i for i in pulse.items if i.value):
        assert item.text.id and item.text.en and item.text.id != item.text.en
        assert item.text.id not in annual_texts  # its own wording, not the annual items'
    json.dumps(pulse.to_json())  # plain JSON
    assert pulse.to_json()["kind"] == "pulse"


def test_a_pulse_value_with_three_items_is_refused(raw_pulse, write):
    extra = dict(raw_pulse["items"][0], code="P_BP_3")
    raw_pulse["items"].insert(2, extra)
    expect_error(write(raw_pulse), "values[0] (code BP)", "a pulse instrument needs 1 or 2")


def test_a_pulse_value_without_items_is_refused(raw_pulse, write):
    raw_pulse["items"] = [item for item in raw_pulse["items"] if item["target"] != "LO"]
    expect_error(write(raw_pulse), "values[4] (code LO)", "0 item(s) measure this value")


def test_a_behaviour_target_is_refused_in_a_pulse_edition(raw_pulse, write):
    raw_pulse["items"][0]["target"] = "BP1"
    expect_error(write(raw_pulse), "items[0] (code P_BP_1).target", "unknown target 'BP1'")


def test_a_pulse_edition_without_engagement_items_is_refused(raw_pulse, write):
    raw_pulse["items"] = [i for i in raw_pulse["items"] if i["target"] != "engagement"]
    expect_error(write(raw_pulse), "items:", "no engagement item")


def test_a_pulse_edition_may_not_carry_a_rubric_or_values_selection(raw_pulse, write):
    raw_pulse["rubric"] = []
    expect_error(write(raw_pulse), "unknown key 'rubric'")


def test_an_unknown_kind_is_refused(raw_pulse, write):
    raw_pulse["kind"] = "weekly"
    expect_error(write(raw_pulse), "kind:", "unknown kind 'weekly'")


def test_the_annual_scoring_spec_refuses_value_targets():
    """A value-targeted item belongs to a pulse spec only (the engine's own check)."""
    from budaya.scoring.validation import check_spec

    with pytest.raises(ValueError, match="unknown behaviour or module 'BP'"):
        check_spec(ScoringSpec(items=(LikertItem("X", "BP", 6),)))
    with pytest.raises(ValueError, match="a pulse instrument has no behaviours"):
        check_spec(ScoringSpec(items=(LikertItem("X", "BP1", 6),), pulse=True))
    check_spec(ScoringSpec(items=(LikertItem("X", "BP", 6),), pulse=True))
