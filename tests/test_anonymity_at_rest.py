"""Nothing at rest ties a response to a person (METHOD §8 and §12, 1.2; docs/anonymity.md).

- A response stores gender, employment type and age band only as far as they are k-anonymous
  against the unit's roster (age band left out first, then employment type, then gender).
- SQLite keeps no insertion-ordered rowid for responses; on PostgreSQL, after sealing, neither
  the physical order nor the transaction ids follow the submission order.
- Sealing at closing deletes every submission mark (participation counts stay right) and a reopened
  period still lets the unused personal links, and only those, answer.
"""

import datetime as dt
import itertools
import random

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

from budaya.cli import main
from budaya.institutions.models import Unit
from budaya.periods.models import Period
from budaya.results import participation
from budaya.results.services import close_period
from budaya.roster.models import RosterEntry
from budaya.security.generalise import stored_cell, stored_levels
from budaya.survey import physical
from budaya.survey.drafts import draft_key
from budaya.survey.models import Draft, Invitation, Response, SubmissionMark
from budaya.survey.services import (
    InvitationsSealed,
    clean_submission,
    create_invitations,
    find_invitation,
    invitation_counts,
    save_draft,
    submit_response,
)
from tests import test_survey_support as support

instrument = support.instrument
YEAR = dt.date.today().year
BIRTH = {"<30": YEAR - 25, "30-39": YEAR - 35, "40-49": YEAR - 45, "50+": YEAR - 55}
GENDERS, EMPLOYMENTS, BANDS = ("L", "P"), ("PNS", "PPPK"), ("<30", "30-39", "40-49", "50+")


# --- the generalisation rule (pure) -------------------------------------------------------------


def stored(counts, k=5):
    levels = stored_levels(counts, k)
    return {cell: stored_cell(cell, level) for cell, level in levels.items()}


def test_a_cell_of_at_least_k_people_stores_all_three_attributes():
    result = stored({("L", "PNS", "30-39"): 5, ("P", "PPPK", "<30"): 7})
    assert result == {("L", "PNS", "30-39"): ("L", "PNS", "30-39"), ("P", "PPPK", "<30"): ("P", "PPPK", "<30")}  # fmt: skip


def test_a_small_cell_leaves_out_the_age_band_first():
    result = stored({("L", "PNS", "30-39"): 5, ("L", "PNS", "<30"): 3, ("L", "PNS", "50+"): 2})
    assert result[("L", "PNS", "30-39")] == ("L", "PNS", "30-39")
    assert result[("L", "PNS", "<30")] == ("L", "PNS", "")
    assert result[("L", "PNS", "50+")] == ("L", "PNS", "")


def test_then_the_employment_type_then_the_gender():
    counts = {
        ("L", "PNS", "30-39"): 6,
        ("P", "PNS", "30-39"): 6,
        # L/PNS holds 6 + 3 = 9 people: the 3 under 30 leave out the age band only.
        ("L", "PNS", "<30"): 3,
        # L/PPPK holds 2 (< 5): leave out the employment type too; L holds 11.
        ("L", "PPPK", "<30"): 2,
        # P/PNS holds 6 + 2 = 8: the 2 aged 50+ leave out the age band only.
        ("P", "PNS", "50+"): 2,
        # P/PPPK holds 1 + 2 = 3 (< 5): leave out the employment type too; P holds 11.
        ("P", "PPPK", "50+"): 1,
        ("P", "PPPK", "40-49"): 2,
        ("L", "PPPK", "40-49"): 0,
    }
    result = stored(counts)
    assert result[("L", "PNS", "30-39")] == ("L", "PNS", "30-39")
    assert result[("L", "PNS", "<30")] == ("L", "PNS", "")
    assert result[("L", "PPPK", "<30")] == ("L", "", "")
    assert result[("P", "PNS", "50+")] == ("P", "PNS", "")
    assert result[("P", "PPPK", "50+")] == ("P", "", "")
    assert result[("P", "PPPK", "40-49")] == ("P", "", "")
    assert ("L", "PPPK", "40-49") not in result  # nobody there


def test_a_person_alone_in_their_gender_stores_the_unit_alone():
    result = stored({("L", "PNS", "30-39"): 8, ("L", "PPPK", "30-39"): 6, ("P", "PNS", "<30"): 1})
    assert result[("P", "PNS", "<30")] == ("", "", "")
    assert result[("L", "PPPK", "30-39")] == ("L", "PPPK", "30-39")
    assert result[("L", "PNS", "30-39")] == ("L", "PNS", "30-39")


def test_a_unit_smaller_than_k_stores_the_unit_alone():
    result = stored({("L", "PNS", "30-39"): 2, ("P", "PPPK", "<30"): 1})
    assert set(result.values()) == {("", "", "")}


def test_k_below_one_is_refused():
    with pytest.raises(ValueError, match="k must be at least 1"):
        stored_levels({("L", "PNS", "<30"): 1}, 0)


@pytest.mark.parametrize("seed", range(40))
def test_every_stored_attribute_rests_on_k_roster_people_whatever_the_roster(seed):
    # METHOD §8 (1.2), checked by counting the roster directly: an attribute set is stored only
    # when the roster cell of exactly those attributes holds at least k people, and each left-out
    # step was forced by a cell under k, in the order age band, employment type, gender.
    rng = random.Random(seed)
    k = rng.choice([5, 10])
    cells = list(itertools.product(GENDERS, EMPLOYMENTS, BANDS))
    counts = {cell: rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 9, 12]) for cell in cells}

    def roster_count(gender, employment, age):
        return sum(
            count
            for (g, e, a), count in counts.items()
            if (not gender or g == gender)
            and (not employment or e == employment)
            and (not age or a == age)
        )

    result = stored(counts, k)
    assert set(result) == {cell for cell, count in counts.items() if count}
    for cell, combination in result.items():
        gender, employment, age = combination
        assert not (gender == "" and employment != ""), combination
        assert not (employment == "" and age != ""), combination
        if gender:
            assert roster_count(gender, employment, age) >= k, (cell, combination)
        candidates = [cell, (cell[0], cell[1], ""), (cell[0], "", ""), ("", "", "")]
        for wider in candidates[: candidates.index(combination)]:
            assert roster_count(*wider) < k, (cell, wider)


# --- at submission ------------------------------------------------------------------------------


def roster(period, institution, plan, unit="U1", start=1):
    """Create roster entries from {(gender, employment, band): count}; return them in order."""
    entries = []
    number = start
    unit_object = Unit.objects.get(institution=institution, code=unit)
    for (gender, employment, band), count in plan.items():
        for _ in range(count):
            born = dt.date(BIRTH[band], 3, 1)
            entries.append(
                RosterEntry.objects.create(
                    period=period,
                    institution=institution,
                    unit=unit_object,
                    nip=f"{born:%Y%m%d}2015031{number:03d}",
                    name=f"Pegawai {number}",
                    gender=gender,
                    employment_type=employment,
                    birth_date=born,
                )
            )
            number += 1
    return entries


@pytest.fixture
def unit_world(db):
    period = support.make_period()  # k = 5
    institution = support.make_institution()
    plan = {
        ("L", "PNS", "30-39"): 5,
        ("L", "PNS", "<30"): 3,
        ("L", "PNS", "50+"): 2,
        ("P", "PPPK", "40-49"): 6,
    }
    entries = roster(period, institution, plan)
    tokens = {entry.pk: token for entry, token in create_invitations(period, institution)}
    return period, institution, entries, tokens


def submit(entry, token, instrument):
    invitation = find_invitation(token)
    assert invitation is not None and invitation.roster_entry_id == entry.pk
    return submit_response(invitation, clean_submission(instrument, support.full_draft(instrument)))


def demographics(response):
    return (response.gender, response.employment_type, response.age_band)


def test_a_respondent_in_a_cell_of_k_stores_gender_employment_and_age_band(unit_world, instrument):
    period, institution, entries, tokens = unit_world
    response = submit(entries[0], tokens[entries[0].pk], instrument)
    assert demographics(Response.objects.get(pk=response.pk)) == ("L", "PNS", "30-39")


def test_a_respondent_alone_in_the_age_band_stores_no_age_band(unit_world, instrument):
    period, institution, entries, tokens = unit_world
    older = [e for e in entries if e.birth_date.year == BIRTH["50+"]][0]
    response = submit(older, tokens[older.pk], instrument)
    assert demographics(Response.objects.get(pk=response.pk)) == ("L", "PNS", "")


def test_a_roster_of_three_stores_the_unit_alone(db, instrument):
    period = support.make_period()
    institution = support.make_institution()
    entries = roster(period, institution, {("L", "PNS", "30-39"): 1, ("P", "PNS", "<30"): 2})
    tokens = {entry.pk: token for entry, token in create_invitations(period, institution)}
    response = submit(entries[0], tokens[entries[0].pk], instrument)
    stored_row = Response.objects.get(pk=response.pk)
    assert demographics(stored_row) == ("", "", "")
    assert stored_row.unit.code == "U1"


def test_the_roster_cell_is_counted_in_the_unit_of_the_period_only(db, instrument):
    # Five men of 30-39 in another unit and another period do not make one man's cell large.
    period = support.make_period()
    other = support.make_period(code="P2027")
    institution = support.make_institution()
    man = roster(period, institution, {("L", "PNS", "30-39"): 1, ("P", "PNS", "30-39"): 6})
    roster(period, institution, {("L", "PNS", "30-39"): 5}, unit="U2", start=50)
    roster(other, institution, {("L", "PNS", "30-39"): 5}, start=80)
    tokens = {entry.pk: token for entry, token in create_invitations(period, institution)}
    response = submit(man[0], tokens[man[0].pk], instrument)
    assert Response.objects.get(pk=response.pk).age_band == ""


# --- physical order -----------------------------------------------------------------------------


def submit_many(count, instrument):
    """Submit `count` responses in a known order; return the period and their ids in order."""
    period = support.make_period(code="ORDER")
    institution = support.make_institution("ORDERX")
    entries = roster(period, institution, {("L", "PNS", "30-39"): count})
    tokens = {entry.pk: token for entry, token in create_invitations(period, institution)}
    order = [submit(entry, tokens[entry.pk], instrument).pk.hex for entry in entries]
    return period, order


def physical_ids(period):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM survey_response WHERE period_id = %s ORDER BY ctid", [period.pk]
            )
        else:
            cursor.execute("SELECT id FROM survey_response WHERE period_id = %s", [period.pk])
        return [str(pk).replace("-", "") for (pk,) in cursor.fetchall()]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_keeps_responses_without_an_insertion_ordered_rowid(db, instrument):
    period, order = submit_many(30, instrument)
    assert physical.is_without_rowid(connection)
    with pytest.raises(OperationalError, match="rowid"), connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM survey_response")
    # The table is stored in random-id order, whatever the order of the submits.
    stored_order = physical_ids(period)
    assert stored_order == sorted(order)
    assert stored_order != order


@pytest.mark.skipif("connection.vendor != 'sqlite'")
@pytest.mark.django_db(transaction=True)
def test_a_later_migration_that_rebuilds_the_sqlite_table_gets_its_rowid_taken_away_again():
    # Django's SQLite schema editor rebuilds a table without WITHOUT ROWID when a migration alters
    # it; the post-migrate hook (budaya/survey/apps.py) makes the table rowid-free again.
    with connection.schema_editor() as editor:
        editor._remake_table(Response)
    assert not physical.is_without_rowid(connection)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    assert physical.is_without_rowid(connection)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_postgresql_after_sealing_neither_position_nor_xmin_follows_the_submission_order(
    instrument,
):
    period, order = submit_many(40, instrument)

    def xmins(table):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT xmin::text FROM {table} WHERE period_id = %s ORDER BY ctid", [period.pk]
            )
            return [xmin for (xmin,) in cursor.fetchall()]

    def filenode():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_filenode('survey_response')")
            return cursor.fetchone()[0]

    # While open: heap order is submission order and one xmin per submit, but no invitation
    # carries a submit's xmin any more (a submit writes its mark and the response only).
    assert physical_ids(period) == order
    assert len(set(xmins("survey_response"))) == 40
    assert not set(xmins("survey_response")) & set(xmins("survey_invitation"))
    before = filenode()
    close_period(period)
    stored_order = physical_ids(period)
    assert sorted(stored_order) == sorted(order)
    assert stored_order != order
    assert abs(rank_correlation(stored_order, order)) < 0.6
    assert len(set(xmins("survey_response"))) == 1
    assert set(xmins("survey_invitation")) == set(xmins("survey_response"))
    assert filenode() != before  # CLUSTER rewrote the table: no dead versions left


def rank_correlation(order, truth):
    rank = {pk: i for i, pk in enumerate(truth)}
    n = len(truth)
    return 1 - 6 * sum((i - rank[pk]) ** 2 for i, pk in enumerate(order)) / (n * (n * n - 1))


# --- sealing, participation counts, reopening ---------------------------------------------------


@pytest.fixture
def answered(unit_world, instrument):
    """Four of sixteen employees answer; one more has a draft; return the world and who did."""
    period, institution, entries, tokens = unit_world
    done = entries[:3] + entries[-1:]
    for entry in done:
        submit(entry, tokens[entry.pk], instrument)
    drafting = tokens[entries[5].pk]
    save_draft(find_invitation(drafting), support.full_draft(instrument), draft_key(drafting))
    return period, institution, entries, tokens, done


def test_closing_clears_every_used_flag_while_participation_counts_stay_right(answered):
    period, institution, entries, tokens, done = answered
    used_hashes = set(Invitation.objects.used().values_list("token_hash", flat=True))
    assert len(used_hashes) == 4  # the old code keeps these flags for ever
    close_period(period)
    period.refresh_from_db()
    assert period.sealed_on is not None
    assert not Invitation.objects.used().exists()
    assert not Draft.objects.exists()
    # The used invitations' hashes were replaced by random ones: their links no longer work.
    assert not Invitation.objects.filter(token_hash__in=used_hashes).exists()
    for entry in done:
        assert find_invitation(tokens[entry.pk]) is None
    # Every invitation carries the same day: reminders sent to some do not single anyone out.
    assert set(Invitation.objects.values_list("created_on", flat=True)) == {period.sealed_on}
    counts = {
        row.code: row.responses for row in participation.unit_participation(period, institution)
    }
    assert counts == {"U1": 4, "U2": 0}
    assert participation.institution_participation(period, institution).responses == 4
    assert invitation_counts(period, institution)["used"] == 4


def test_sealing_gives_every_roster_entry_an_invitation(db, instrument):
    # An invitation made by the shared link (employees who proved eligibility) must not stand out
    # among entries that never had one.
    period = support.make_period()
    institution = support.make_institution()
    entries = roster(period, institution, {("L", "PNS", "30-39"): 6})
    create_invitations(period, institution, entries=RosterEntry.objects.filter(pk=entries[0].pk))
    close_period(period)
    assert Invitation.objects.filter(period=period).count() == 6
    assert len(set(Invitation.objects.values_list("token_hash", flat=True))) == 6


def reopen(period):
    """Reopen a sealed period as a national administrator's reopening does (state only)."""
    Period.objects.filter(pk=period.pk).update(state=Period.State.OPEN)
    period.refresh_from_db()


def test_after_a_reopen_an_unused_link_answers_and_a_used_one_does_not(
    answered, instrument, client
):
    period, institution, entries, tokens, done = answered
    close_period(period)
    reopen(period)
    late = entries[4]
    response = submit(late, tokens[late.pk], instrument)
    assert Response.objects.filter(pk=response.pk).exists()
    assert participation.institution_participation(period, institution).responses == 5
    # A used link is unknown now (random hash): the page refuses it, nobody answers twice.
    page = client.get(reverse("survey:landing", args=[tokens[done[0].pk]]))
    assert page.status_code == 404
    assert Response.objects.filter(period=period).count() == 5
    # The late submit marks its invitation used again, until the next close seals it too.
    assert Invitation.objects.used().count() == 1
    close_period(period)
    assert not Invitation.objects.used().exists()
    assert find_invitation(tokens[late.pk]) is None


def test_no_link_can_be_issued_or_replaced_for_a_sealed_period(answered):
    period, institution, entries, tokens, done = answered
    close_period(period)
    reopen(period)
    hashes = sorted(Invitation.objects.values_list("token_hash", flat=True))
    with pytest.raises(InvitationsSealed, match=period.code):
        create_invitations(period, institution)
    assert sorted(Invitation.objects.values_list("token_hash", flat=True)) == hashes
    code = main(["invitations", period.code, institution.code, "--out", "/tmp/h3-never.csv"])
    assert code != 0
    assert sorted(Invitation.objects.values_list("token_hash", flat=True)) == hashes


# --- the linkage bench plays the attack correctly -----------------------------------------------


def test_the_linkage_bench_finds_the_ties_the_used_flags_and_a_one_person_unit_allow(
    unit_world, instrument
):
    # A unit of one cannot be protected (the unit is always stored): the bench must find that tie
    # during fieldwork and after closing. While open, whoever also holds the server's SECRET_KEY
    # can compute the submission marks and narrow a pooled cell to who has answered: the one man
    # under 30 who answered is tied until sealing deletes the marks; the database alone cannot
    # (docs/anonymity.md, known limits).
    import sys

    sys.path.insert(0, str(support.__file__).rsplit("/tests/", 1)[0])
    from bench.linkage import demographic_ties, key

    period, institution, entries, tokens = unit_world
    alone = roster(period, institution, {("P", "PNS", "50+"): 1}, unit="U2", start=90)[0]
    [(_, alone_token)] = create_invitations(
        period, institution, entries=RosterEntry.objects.filter(pk=alone.pk)
    )
    for entry in entries[:5]:
        submit(entry, tokens[entry.pk], instrument)
    lonely = submit(alone, alone_token, instrument)
    young = submit(entries[5], tokens[entries[5].pk], instrument)
    assert (young.gender, young.employment_type, young.age_band) == ("L", "PNS", "")

    def ties(used_only):
        return {key(pk): entry for pk, entry in demographic_ties(period, used_only).items()}

    assert ties(used_only=True) == {lonely.pk.hex: alone.pk, young.pk.hex: entries[5].pk}
    assert ties(used_only=False) == {lonely.pk.hex: alone.pk}
    close_period(period)
    assert not SubmissionMark.objects.filter(period=period).exists()
    assert ties(used_only=False) == {lonely.pk.hex: alone.pk}


def test_the_invitation_page_refuses_new_links_for_a_sealed_period_with_a_message(answered, client):
    from django.contrib.auth.models import User

    from budaya.institutions.models import Role

    period, institution, entries, tokens, done = answered
    close_period(period)
    reopen(period)
    user = User.objects.create_user("admin-sealed", password="x")
    Role.objects.create(user=user, role="institution_admin", institution=institution)
    client.force_login(user)
    page = reverse("survey:invitations", args=[period.code, institution.code])
    hashes = sorted(Invitation.objects.values_list("token_hash", flat=True))
    for action in ("csv", "xlsx", "email"):
        response = client.post(page, {"action": action}, follow=True)
        assert response.status_code == 200
        assert "sudah ditutup dan disegel" in response.content.decode(), action
    assert sorted(Invitation.objects.values_list("token_hash", flat=True)) == hashes
    # The page counts responses, not the flags that sealing cleared.
    assert invitation_counts(period, institution)["used"] == 4


@pytest.mark.django_db(transaction=True)
def test_a_failing_compaction_after_sealing_is_logged_and_the_results_are_still_computed(
    monkeypatch, caplog, instrument
):
    from django.db import DatabaseError

    def failing(connection=None):
        raise DatabaseError("lock timeout")

    monkeypatch.setattr(physical, "compact_tables", failing)
    period, order = submit_many(6, instrument)
    result_set = close_period(period)
    assert result_set.period_id == period.pk
    assert "CLUSTER of the response and invitation tables failed: lock timeout" in caplog.text
    assert not Invitation.objects.filter(period=period).used().exists()


def test_the_privacy_text_tells_the_respondent_about_stored_demographics_and_sealing(
    unit_world, client
):
    period, institution, entries, tokens = unit_world
    page = client.get(reverse("survey:landing", args=[tokens[entries[0].pk]]))
    text = " ".join(page.content.decode().split())
    assert (
        "hanya disimpan selama di unit Anda ada sedikitnya 5 pegawai dengan ciri yang sama" in text
    )
    assert "Saat survei ditutup, catatan itu dihapus" in text
    assert "Basis data atau cadangannya saja tidak cukup untuk menghubungkan" in text
    assert "pengelola yang juga memegang kunci rahasia server" in text
    client.cookies["django_language"] = "en"
    english = " ".join(
        client.get(reverse("survey:landing", args=[tokens[entries[0].pk]])).content.decode().split()
    )
    assert "stored only while your unit has at least 5 employees" in english


def test_sealing_after_the_secret_key_changed_says_the_marks_no_longer_match(
    answered, caplog, settings
):
    # Submission marks are keyed by SECRET_KEY (budaya.survey.marks): with another key, no used
    # invitation is recognised any more. Sealing cannot repair that, but must not be silent.
    period, institution, entries, tokens, done = answered
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert not Invitation.objects.filter(period=period).used().exists()
    close_period(period)
    assert "4 submission marks match no invitation" in caplog.text
    assert not SubmissionMark.objects.filter(period=period).exists()


def test_a_submit_writes_a_mark_that_names_no_invitation_and_sealing_deletes_it(answered):
    period, institution, entries, tokens, done = answered
    marks = list(SubmissionMark.objects.filter(period=period).values_list("mark", flat=True))
    assert len(marks) == 4
    names = set()
    for invitation in Invitation.objects.filter(period=period):
        names |= {str(invitation.pk), invitation.token_hash, str(invitation.roster_entry_id)}
    assert not names & set(marks)
    assert {f.attname for f in SubmissionMark._meta.concrete_fields} == {"id", "period_id", "mark"}
    assert {i.mark for i in Invitation.objects.filter(period=period).used()} == set(marks)
    close_period(period)
    assert not SubmissionMark.objects.exists()
