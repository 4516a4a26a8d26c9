"""Back-office models: period locking, role scopes, units as a tree, age bands."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from budaya.institutions.models import Institution, Role, Unit
from budaya.interchange.ages import age_band
from budaya.periods.models import Period
from budaya.periods.services import PeriodStateError, create_period, open_period
from tests.web_fixtures import _fast_passwords, draft_period  # noqa: F401


def test_a_draft_period_may_change_its_method_settings(draft_period):
    period, _inst, _units = draft_period
    period.threshold = 7
    period.margin = Decimal("0.1")
    period.full_clean()
    period.save()
    period.refresh_from_db()
    assert period.threshold == 7
    assert period.method().margin == Fraction(1, 10)


def test_an_open_period_refuses_a_change_of_method_with_a_message(draft_period):
    period, _inst, _units = draft_period
    open_period(period)
    period.refresh_from_db()
    period.threshold = 5
    with pytest.raises(ValidationError, match="terkunci"):
        period.full_clean()
    with pytest.raises(ValidationError, match="threshold"):
        period.save()
    period.refresh_from_db()
    assert period.threshold == 10


def test_an_open_period_refuses_a_change_of_weights_or_instrument(draft_period):
    period, _inst, _units = draft_period
    open_period(period)
    period.refresh_from_db()
    period.survey_weight, period.evaluation_weight = Decimal("0.7"), Decimal("0.3")
    with pytest.raises(ValidationError, match="survey_weight"):
        period.save()
    period.refresh_from_db()
    period.instrument = "berakhlak-2027"
    with pytest.raises(ValidationError, match="instrument"):
        period.save()


def test_an_open_period_may_still_change_its_closing_date(draft_period):
    period, _inst, _units = draft_period
    open_period(period)
    period.refresh_from_db()
    period.closes_on = dt.date(2026, 5, 31)
    period.full_clean()
    period.save()


def test_opening_twice_is_refused(draft_period):
    period, _inst, _units = draft_period
    open_period(period)
    with pytest.raises(PeriodStateError):
        open_period(period)


def test_a_threshold_below_five_and_weights_not_summing_to_one_are_refused(db):
    with pytest.raises(ValidationError) as error:
        create_period("X", "berakhlak-2026", dt.date(2026, 1, 1), dt.date(2026, 2, 1), threshold=4)
    assert "threshold" in error.value.message_dict
    period = Period(
        code="Y",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 2, 1),
        survey_weight=Decimal("0.9"),
    )
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert "evaluation_weight" in error.value.message_dict


def test_an_unknown_instrument_edition_is_refused(db):
    with pytest.raises(ValidationError, match="instrument"):
        create_period("Z", "tidak-ada-2026", dt.date(2026, 1, 1), dt.date(2026, 2, 1))


def test_is_open_on_needs_the_open_state_and_a_date_within_the_period(draft_period):
    period, _inst, _units = draft_period
    assert not period.is_open_on(dt.date(2026, 3, 10))
    period.state = Period.State.OPEN
    assert period.is_open_on(dt.date(2026, 3, 10))
    assert not period.is_open_on(dt.date(2026, 5, 1))


def test_a_unit_parent_loop_and_a_parent_of_another_institution_are_refused(draft_period):
    _period, institution, units = draft_period
    units["SETDA"].parent = units["DINKES"]
    units["SETDA"].full_clean()
    units["SETDA"].save()
    units["DINKES"].parent = units["SETDA"]
    with pytest.raises(ValidationError, match="lingkaran"):
        units["DINKES"].full_clean()
    other = Institution.objects.create(code="LAIN", name="Lain", kind="kota", region="timur")
    foreign = Unit(institution=other, code="U", name="U", parent=units["SETDA"])
    with pytest.raises(ValidationError, match="instansi yang sama"):
        foreign.full_clean()


def test_the_unit_tree_lists_descendants(draft_period):
    _period, institution, units = draft_period
    child = Unit.objects.create(
        institution=institution, code="PKM", name="Puskesmas", parent=units["DINKES"]
    )
    found = {unit.code for unit in units["DINKES"].descendants_and_self()}
    assert found == {"DINKES", child.code}


def test_role_scopes_are_checked(draft_period, django_user_model):
    _period, institution, units = draft_period
    user = django_user_model.objects.create_user("u")
    with pytest.raises(ValidationError):
        Role(user=user, role="unit_liaison", institution=institution).full_clean()
    with pytest.raises(ValidationError):
        Role(user=user, role="institution_admin").full_clean()
    with pytest.raises(ValidationError):
        Role(user=user, role="national_admin", institution=institution).full_clean()
    liaison = Role(user=user, role="unit_liaison", unit=units["SETDA"])
    liaison.full_clean()
    assert liaison.institution_id == institution.pk


@pytest.mark.parametrize(
    ("birth_year", "band"),
    [
        (1997, "<30"),
        (1996, "30-39"),
        (1987, "30-39"),
        (1986, "40-49"),
        (1977, "40-49"),
        (1976, "50+"),
    ],
)
def test_age_band_is_period_year_minus_birth_year(birth_year, band):
    assert age_band(birth_year, period_year=2026) == band
