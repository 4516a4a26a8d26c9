"""Pulse rounds on the web (METHOD.md 1.2 §15): a period created with the pulse edition through
the command line, answered through the respondent service, closed and released; its stored
scores against hand-computed values; the respondent pages; results pages; the trend page (a
suppressed round is a gap, not a zero) and who may see it.
"""

import datetime as dt
import re
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from budaya.cli import main
from budaya.institutions.models import Institution, Role, Unit
from budaya.instruments import load_instrument
from budaya.periods.models import Period
from budaya.results import store
from budaya.results.services import close_period
from budaya.roster.models import RosterEntry
from budaya.scoring.trend import score_change
from budaya.survey.models import Invitation, Response
from budaya.survey.services import (
    clean_submission,
    create_invitations,
    encode_answers,
    submit_response,
)
from tests.web_fixtures import (  # noqa: F401
    _fast_passwords,
    add_responses,
    make_user,
    results_file,
    roster_entries,
)

PULSE = "berakhlak-pulse-2026"
K = 5


def _answers(instrument, value: int, *, kl: int | None = None, engagement=(4, 3), skip=()):
    """Answer every value item `value` (the KL items `kl`), ENG_1..7 engagement[0] and the
    reverse-keyed ENG_8 engagement[1]; item codes in `skip` stay unanswered."""
    answers = {}
    for item in instrument.survey_items:
        if item.code in skip:
            continue
        if item.value == "KL" and kl is not None:
            answers[item.code] = kl
        elif item.value:
            answers[item.code] = value
        elif item.code == "ENG_8":
            answers[item.code] = engagement[1]
        else:
            answers[item.code] = engagement[0]
    return answers


# Unit U1: five respondents answer every value item 6, 5, 4, 3, 2 (s = 100, 80, 60, 40, 20),
# the first leaves P_BP_2 empty (its BP score rests on P_BP_1 alone, §2); engagement 4 with
# ENG_8 = 3 (reverse: 100 − 40 = 60), so 60 each. D_d(U1) = 60 for every value, I = 60.
# Unit U2: five respondents answer every value item 1 (s = 0) but KL 6 (s = 100); engagement
# 6 with ENG_8 = 1 (reverse: 100), so 100. D_KL(U2) = 100, the others 0, I = 100/7.
def _u1(instrument):
    return [_answers(instrument, x, skip=("P_BP_2",) if x == 6 else ()) for x in (6, 5, 4, 3, 2)]


def _u2(instrument):
    return [_answers(instrument, 1, kl=6, engagement=(6, 1)) for _ in range(5)]


def _store_responses(period, institution, unit, answer_sets, instrument):
    """Store responses directly (a round whose answers are not the subject of the test)."""
    for answers in answer_sets:
        Response.objects.create(
            period=period,
            institution=institution,
            unit=unit,
            gender="L",
            employment_type="PNS",
            age_band="30-39",
            answers=encode_answers(instrument, answers),
            submitted_on=period.opens_on,
        )


@pytest.fixture
def rounds(db, capsys):
    """Institution A (units U1, U2, U3) and B; an annual period this year (released), a pulse
    round made with the command line and answered through the respondent service (released),
    and a second pulse round in which U2 has fewer than k responses (released)."""
    today = timezone.localdate()
    inst_a = Institution.objects.create(
        code="KAB-A", name="Kabupaten A", kind="kabupaten", region="tengah"
    )
    inst_b = Institution.objects.create(code="KOTA-B", name="Kota B", kind="kota", region="timur")
    units = {
        code: Unit.objects.create(institution=inst_a, code=code, name=f"Unit {code}")
        for code in ("U1", "U2", "U3")
    }
    unit_b = Unit.objects.create(institution=inst_b, code="UB", name="Unit B")
    annual_instrument = load_instrument("berakhlak-2026")
    pulse_instrument = load_instrument(PULSE)

    def roster(period):
        start = 1
        for unit in (*units.values(), unit_b):
            institution = inst_b if unit is unit_b else inst_a
            RosterEntry.objects.bulk_create(roster_entries(period, institution, unit, 8, start))
            start += 8

    # The annual period of this year, released.
    annual = Period.objects.create(
        code="A-TAHUNAN",
        instrument="berakhlak-2026",
        opens_on=dt.date(today.year, 1, 1),
        closes_on=dt.date(today.year, 1, 1),
        threshold=K,
        state=Period.State.OPEN,
    )
    roster(annual)
    for number, unit in enumerate((units["U1"], units["U2"])):
        add_responses(annual, inst_a, unit, 7, annual_instrument, seed=number)
    add_responses(annual, inst_b, unit_b, 6, annual_instrument, seed=5)
    close_period(annual)

    # The pulse round: created and opened with the command line, answered through the service.
    assert (
        main(
            [
                "period",
                "create",
                "B-DENYUT-1",
                "--instrument",
                PULSE,
                "--opens",
                str(today),
                "--closes",
                str(today + dt.timedelta(days=7)),
                "--threshold",
                str(K),
            ]
        )  # fmt: skip
        == 0
    )
    assert "berakhlak-pulse-2026 (putaran denyut / pulse round)" in capsys.readouterr().out
    pulse = Period.objects.get(code="B-DENYUT-1")
    roster(pulse)
    assert main(["period", "open", pulse.code]) == 0
    create_invitations(pulse, inst_a)
    invitations = {
        code: list(Invitation.objects.filter(period=pulse, roster_entry__unit=unit))
        for code, unit in units.items()
    }
    for code, answer_sets in (("U1", _u1(pulse_instrument)), ("U2", _u2(pulse_instrument))):
        for invitation, answers in zip(invitations[code], answer_sets, strict=False):
            data = {"answers": answers, "picks": {}, "comment": ""}
            submit_response(invitation, clean_submission(pulse_instrument, data))
    assert main(["period", "close", pulse.code]) == 0
    pulse.refresh_from_db()

    # A second pulse round: U1 8 responses, U2 3 (< k: suppressed), U3 6 (suppressed with it,
    # §8's complementary suppression: the suppressed cells hold 3 < k).
    second = Period.objects.create(
        code="C-DENYUT-2",
        instrument=PULSE,
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        threshold=K,
        state=Period.State.OPEN,
    )
    roster(second)
    _store_responses(second, inst_a, units["U1"], (_u1(pulse_instrument) * 2)[:8], pulse_instrument)
    _store_responses(second, inst_a, units["U2"], _u2(pulse_instrument)[:3], pulse_instrument)
    _store_responses(second, inst_a, units["U3"], _u1(pulse_instrument)[:6], pulse_instrument)
    close_period(second)
    capsys.readouterr()
    return {
        "annual": annual,
        "pulse": pulse,
        "second": second,
        "inst_a": inst_a,
        "inst_b": inst_b,
        "units": units,
        "national": make_user("nasional", Role.Name.NATIONAL_ADMIN),
        "admin_a": make_user("admin_a", Role.Name.INSTITUTION_ADMIN, inst_a),
        "liaison_u2": make_user("liaison_u2", Role.Name.UNIT_LIAISON, inst_a, units["U2"]),
        "liaison_u1": make_user("liaison_u1", Role.Name.UNIT_LIAISON, inst_a, units["U1"]),
        "admin_b": make_user("admin_b", Role.Name.INSTITUTION_ADMIN, inst_b),
    }


def _close(actual, expected: Fraction):
    assert actual == pytest.approx(float(expected), abs=1e-9)


def test_the_released_pulse_document_matches_hand_computed_scores(rounds):
    result_set = store.latest_set(rounds["pulse"])
    assert result_set is not None and result_set.version == 1
    assert store.document_keys(result_set)["instrument"] == PULSE
    u1 = store.group(result_set, "unit", "U1", "KAB-A")
    u2 = store.group(result_set, "unit", "U2", "KAB-A")
    inst = store.group(result_set, "institution", "KAB-A")
    for code in ("BP", "AK", "KO", "HA", "LO", "AD", "KL"):
        _close(u1["values"][code]["score"], Fraction(100 + 80 + 60 + 40 + 20, 5))
    _close(u1["implementasi"]["score"], Fraction(60))
    _close(u1["engagement"]["score"], Fraction(60))
    _close(u2["values"]["KL"]["score"], Fraction(100))
    _close(u2["values"]["BP"]["score"], Fraction(0))
    _close(u2["implementasi"]["score"], Fraction(100, 7))
    # Institution: D = (300 + 0) / 10 = 30 for six values, KL (300 + 500) / 10 = 80;
    # I = (6·30 + 80) / 7 = 260/7 = 37.14..., shown 37.1 (C); engagement (5·60 + 5·100) / 10.
    _close(inst["values"]["BP"]["score"], Fraction(30))
    _close(inst["values"]["KL"]["score"], Fraction(80))
    _close(inst["implementasi"]["score"], Fraction(260, 7))
    assert (inst["implementasi"]["shown"], inst["implementasi"]["category"]) == (37.1, "C")
    _close(inst["engagement"]["score"], Fraction(80))
    # Percent favourable (s ≥ 80): P_BP_1 answered 6, 5, 4, 3, 2 and five 1s -> 2/10;
    # P_BP_2 answered 5, 4, 3, 2 and five 1s -> 1/9.
    _close(inst["values"]["BP"]["favourable"], (Fraction(20) + Fraction(100, 9)) / 2)
    # No Slovin minimum: the minimum is k, every group with n ≥ k is eligible and shown.
    assert (inst["minimum"], inst["eligible"], inst["suppressed"]) == (K, True, False)
    # Nothing a pulse round does not define.
    assert inst["evaluasi"] is None and inst["indeks_berakhlak"] is None
    assert inst["energi_positif"] is None and inst["drivers"] is None
    assert all(score is None for score in inst["behaviours"].values())


def test_the_pulse_change_compares_with_the_annual_round_before_it(rounds):
    """§15: the change between consecutive rounds, with §7's significance."""
    pulse = store.group(store.latest_set(rounds["pulse"]), "institution", "KAB-A")
    annual = store.group(store.latest_set(rounds["annual"]), "institution", "KAB-A")
    expected = score_change(pulse["implementasi"], annual["implementasi"])
    change = pulse["change"]["implementasi"]
    assert change["delta"] == pytest.approx(expected["delta"])
    assert change["significant"] == expected["significant"]


def test_the_respondent_flow_shows_the_pulse_items_on_one_page_without_values_selection(
    rounds, client
):
    pulse = rounds["second"]
    pulse.state = Period.State.DRAFT
    pulse.save()
    period = Period.objects.create(
        code="D-DENYUT-3",
        instrument=PULSE,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + dt.timedelta(days=3),
        threshold=K,
        state=Period.State.OPEN,
    )
    RosterEntry.objects.bulk_create(
        roster_entries(period, rounds["inst_a"], rounds["units"]["U1"], 3, 900)
    )
    token = create_invitations(period, rounds["inst_a"])[0][1]
    instrument = load_instrument(PULSE)
    landing = client.get(reverse("survey:landing", args=[token])).content.decode()
    assert "kurang dari 3 menit (4 langkah)" in landing
    page = client.get(reverse("survey:step", args=[token, 1]))
    assert page.status_code == 200
    html = page.content.decode()
    value_items = [item for item in instrument.survey_items if item.value]
    assert len(value_items) == 14
    for item in value_items:
        assert item.text.id in html
    assert html.count('type="radio"') == 14 * 6
    engagement = client.get(reverse("survey:step", args=[token, 2])).content.decode()
    assert "ENG_1" in engagement and "ENG_8" in engagement
    # Pages: values, engagement, comment, review; no values selection.
    comment = client.get(reverse("survey:step", args=[token, 3])).content.decode()
    assert 'name="comment"' in comment
    assert 'type="checkbox"' not in comment
    review = client.get(reverse("survey:step", args=[token, 4])).content.decode()
    assert "Kirim jawaban" in review
    assert "Nilai yang dipilih" not in review


def test_the_results_page_of_a_pulse_round_shows_only_what_a_pulse_defines(rounds, client):
    client.force_login(rounds["admin_a"])
    url = reverse("results", args=[rounds["pulse"].code, "KAB-A"])
    html = client.get(url).content.decode()
    assert 'id="values"' in html
    assert 'data-key="implementasi"' in html and 'data-key="engagement"' in html
    for absent in (
        'id="behaviours"',
        'data-key="indeks_berakhlak"',
        'data-key="evaluasi"',
        'data-key="energi_positif"',
        'id="selection"',
        "Evaluasi Budaya Kerja belum difinalkan",
    ):
        assert absent not in html, absent
    assert "37,1" in html  # the stored Indeks Implementasi
    assert reverse("trend", args=["KAB-A"]) in html
    workbook = results_file(
        client, reverse("results_download", args=[rounds["pulse"].code, "KAB-A", "csv"])
    )
    assert workbook.status_code == 200


def test_the_pdf_and_press_summary_of_a_pulse_round(rounds, client):
    from budaya.reports.pdf import pdf_bytes
    from budaya.reports.press import press_summary
    from budaya.results.presenters import build_report

    result_set = store.latest_set(rounds["pulse"])
    press = press_summary(rounds["pulse"], result_set, rounds["inst_a"])
    assert "Survei denyut Kabupaten A" in press and "37,1" in press
    assert "belum difinalkan" not in press and "Indeks BerAKHLAK belum" not in press
    report = build_report(rounds["pulse"], result_set, rounds["inst_a"])
    assert pdf_bytes(report, press).startswith(b"%PDF")
    client.force_login(rounds["admin_a"])
    html = client.get(reverse("results", args=[rounds["pulse"].code, "KAB-A"])).content.decode()
    assert "tidak ada minimum Slovin" in html


def test_the_workbook_of_a_pulse_round_has_no_behaviour_sheet(rounds):
    from budaya.interchange.summary import eligibility_sentence
    from budaya.reports.exports import tables
    from budaya.results.presenters import build_report

    result_set = store.latest_set(rounds["pulse"])
    report = build_report(rounds["pulse"], result_set, rounds["inst_a"])
    names = [table.name for table in tables(report)]
    assert "Perilaku" not in names and "Nilai" in names
    indices = next(table for table in tables(report) if table.name == "Indeks")
    labels = [row[0] for row in indices.rows]
    assert labels == ["Indeks Implementasi BerAKHLAK", "Indeks Keterikatan Pegawai"]
    # the one eligibility sentence of a pulse round, as on its page and in its PDF
    meaning = [
        row[1] for table in tables(report) for row in table.rows if row[0] == "Arti memenuhi syarat"
    ]
    assert meaning == [eligibility_sentence(pulse=True)] and "Slovin; setiap" in meaning[0]
    annual = build_report(rounds["annual"], store.latest_set(rounds["annual"]), rounds["inst_a"])
    meaning = [
        row[1] for table in tables(annual) for row in table.rows if row[0] == "Arti memenuhi syarat"
    ]
    assert meaning == [eligibility_sentence()]


def _row_cells(html: str, key: str) -> list[str]:
    """Return the data cells of the first table row with data-key `key` on the page."""
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_unit_trend_shows_a_suppressed_round_as_a_gap_not_a_zero(rounds, client):
    client.force_login(rounds["liaison_u2"])
    page = client.get(reverse("unit_trend", args=["KAB-A", "U2"]))
    assert page.status_code == 200
    html = page.content.decode()
    cells = _row_cells(html, "BP")
    assert len(cells) == 3  # annual, pulse, pulse (date order)
    annual = store.group(store.latest_set(rounds["annual"]), "unit", "U2", "KAB-A")
    assert annual["values"]["BP"]["shown"] is not None
    assert "0,0" in cells[1]  # the pulse round's real zero (every BP answer 1)
    assert "kurang dari 5 responden" in cells[2]  # the suppressed round: the note, no number
    assert re.search(r"\d", cells[2].replace("5 responden", "")) is None
    # The change from the annual round to the pulse round is §7's, read from the stored scores.
    pulse = store.group(store.latest_set(rounds["pulse"]), "unit", "U2", "KAB-A")
    change = score_change(pulse["values"]["BP"], annual["values"]["BP"])
    assert "−" in cells[1] and f"{abs(change['shown']):.1f}".replace(".", ",") in cells[1]
    # The chart: one line through the two shown rounds, then a gap (no point at zero).
    figure = re.search(r'<figure[^>]*data-key="BP">(.*?)</figure>', html, re.S).group(1)
    lines = re.findall(r'<polyline points="([^"]+)"', figure)
    assert len(lines) == 1 and len(lines[0].split()) == 2
    assert figure.count("<circle") == 2
    assert 'class="trend-gap"' in figure
    # Accessible: the chart names the table that holds its numbers.
    assert 'aria-describedby="trend-table-' in html and "<caption id=" in html


def test_the_institution_trend_lists_every_released_round_in_date_order(rounds, client):
    client.force_login(rounds["admin_a"])
    html = client.get(reverse("trend", args=["KAB-A"])).content.decode()
    order = [
        html.index(f'data-period="{code}"') for code in ("A-TAHUNAN", "B-DENYUT-1", "C-DENYUT-2")
    ]
    assert order == sorted(order)
    cells = _row_cells(html, "implementasi")
    assert "37,1" in cells[1]
    assert "kurang dari" not in "".join(cells)  # the institution is shown in every round


def test_the_trend_pages_refuse_other_institutions_and_other_units(rounds, client):
    urls = {
        "institution": reverse("trend", args=["KAB-A"]),
        "u2": reverse("unit_trend", args=["KAB-A", "U2"]),
    }
    allowed = {
        "national": {"institution", "u2"},
        "admin_a": {"institution", "u2"},
        "liaison_u2": {"u2"},
        "liaison_u1": set(),
        "admin_b": set(),
    }
    for role, may in allowed.items():
        client.force_login(rounds[role])
        for name, url in urls.items():
            status = client.get(url).status_code
            assert status == (200 if name in may else 403), (role, name, status)
    client.logout()
    assert client.get(urls["institution"]).status_code == 302  # to the login page


def test_an_open_pulse_round_shows_nothing_on_the_trend_page(rounds, client):
    period = rounds["second"]
    period.state = Period.State.OPEN
    period.save()
    client.force_login(rounds["admin_a"])
    html = client.get(reverse("trend", args=["KAB-A"])).content.decode()
    assert 'data-period="C-DENYUT-2"' not in html
    assert 'data-period="B-DENYUT-1"' in html


def test_the_national_dashboard_of_a_pulse_round_offers_only_its_indices(rounds, client):
    client.force_login(rounds["national"])
    html = client.get(reverse("national_results", args=[rounds["pulse"].code])).content.decode()
    assert "Indeks Implementasi BerAKHLAK" in html
    assert 'value="indeks_berakhlak"' not in html
    assert "Indeks Evaluasi Budaya Kerja" not in html


def test_a_pulse_round_has_no_evaluation_pages(rounds, client):
    client.force_login(rounds["admin_a"])
    code = rounds["pulse"].code
    for url in (
        reverse("evaluation:overview", args=[code, "KAB-A"]),
        reverse("evaluation:institution", args=[code, "KAB-A"]),
        reverse("evaluation:unit", args=[code, "KAB-A", "U1"]),
    ):
        assert client.get(url).status_code == 404, url
    annual = reverse("evaluation:overview", args=[rounds["annual"].code, "KAB-A"])
    assert client.get(annual).status_code == 200


def test_a_pulse_round_has_no_public_employer_branding_survey(rounds, client, capsys):
    from budaya.public.services import link_for

    assert main(["branding-link", rounds["pulse"].code]) != 0
    assert "pulse round, which has no employer-branding survey" in capsys.readouterr().err
    period = rounds["second"]
    period.state = Period.State.OPEN
    period.save()
    link = link_for(period, rounds["inst_a"])
    page = client.get(reverse("public:survey", args=[link.slug]))
    assert page.status_code < 500
    assert 'type="radio"' not in page.content.decode()


def test_participation_of_a_pulse_round_shows_k_as_the_minimum(rounds):
    from budaya.results.participation import institution_participation, unit_participation

    period = rounds["pulse"]
    rows = {row.code: row for row in unit_participation(period, rounds["inst_a"])}
    assert (rows["U1"].responses, rows["U1"].population, rows["U1"].minimum) == (5, 8, K)
    assert rows["U1"].eligible and not rows["U3"].eligible
    # The annual period keeps Slovin's minimum: ceil(8 / (1 + 8/400)) = 8.
    annual = {row.code: row for row in unit_participation(rounds["annual"], rounds["inst_a"])}
    assert annual["U1"].minimum == 8
    assert institution_participation(period, rounds["inst_a"]).minimum == K


def test_the_trend_page_in_english(rounds, client, settings):
    client.force_login(rounds["admin_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("unit_trend", args=["KAB-A", "U2"])).content.decode()
    assert "Trend: Unit U2" in html and "Scores per round" in html
    assert "Berorientasi Pelayanan" in html  # value names stay Indonesian
    assert "pulse" in html and "annual" in html


def test_the_release_rules_hold_for_a_pulse_round(rounds):
    """§12 applies unchanged (§15): after reopening, fewer than k new responses leave the
    unit's scores as released and mark them carried over; the trend then shows those."""
    from budaya.results.services import reopen_period
    from tests.web_fixtures import release

    period = rounds["pulse"]
    before = store.group(store.latest_set(period), "unit", "U1", "KAB-A")
    reopen_period(period, "jawaban susulan", actor=rounds["national"])
    instrument = load_instrument(PULSE)
    _store_responses(
        period, rounds["inst_a"], rounds["units"]["U1"], _u2(instrument)[:2], instrument
    )
    second = release(period)
    assert second.version == 2
    after = store.group(second, "unit", "U1", "KAB-A")
    assert after["carried_over"] == {"from_release": 1}
    assert after["values"] == before["values"] and after["n"] == before["n"]


def test_the_home_page_offers_no_evaluation_or_branding_link_for_a_pulse_round(rounds, client):
    pulse, annual = rounds["pulse"].code, rounds["annual"].code
    for persona in ("national", "admin_a"):
        client.force_login(rounds[persona])
        html = client.get(reverse("home")).content.decode()
        for name, args in (
            ("evaluation:overview", ["KAB-A"]),
            ("public:institution_link", ["KAB-A"]),
            ("evaluation:national", []),
            ("evaluation:deadline", []),
            ("public:national_link", []),
        ):
            assert reverse(name, args=[pulse, *args]) not in html, (persona, name)
        assert reverse("results", args=[pulse, "KAB-A"]) in html
        assert reverse("evaluation:overview", args=[annual, "KAB-A"]) in html
    client.force_login(rounds["liaison_u1"])
    html = client.get(reverse("home")).content.decode()
    assert reverse("evaluation:unit", args=[pulse, "KAB-A", "U1"]) not in html
    assert reverse("evaluation:unit", args=[annual, "KAB-A", "U1"]) in html
    assert reverse("unit_results", args=[pulse, "KAB-A", "U1"]) in html


def test_import_evaluation_refuses_a_pulse_round_in_one_line(rounds, tmp_path, capsys):
    from budaya.evaluation.models import Evaluation

    evaluation = tmp_path / "evaluasi.csv"
    evaluation.write_text("institution,unit,criterion,level\nKAB-A,,KOMITMEN,3\n", "utf-8")
    assert main(["import-evaluation", rounds["pulse"].code, str(evaluation)]) != 0
    error = capsys.readouterr().err
    assert "pulse round, which has no evaluation" in error and "baris" not in error
    assert not Evaluation.objects.filter(period=rounds["pulse"]).exists()
