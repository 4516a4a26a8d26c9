"""Live participation counts: responses, population, response rate and minimum per unit.

Counts only: participation is not a score, so small counts may be shown, but nothing here can
name who answered (responses carry no link to the roster). The counts are those of the stored
responses per unit, never of per-person `used` flags: they stay live while a period is open and
stay right after closing, when sealing has cleared the flags (budaya.survey.sealing).
"""

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count

from budaya.institutions.models import Institution, Unit
from budaya.instruments import InstrumentError, load_instrument
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry
from budaya.scoring.eligibility import slovin_minimum
from budaya.survey.models import Response


@dataclass(frozen=True)
class ParticipationRow:
    """One group's participation: `responses` of `population`, Slovin `minimum`."""

    code: str
    name: str
    responses: int
    population: int
    minimum: int

    @property
    def rate(self) -> float | None:
        """Return the response rate in percent (None without a population)."""
        if not self.population:
            return None
        return 100 * self.responses / self.population

    @property
    def eligible(self) -> bool:
        """Return True when responses reach the minimum (and there is a population)."""
        return self.population > 0 and self.responses >= self.minimum

    @property
    def missing(self) -> int:
        """Return how many more responses the minimum needs."""
        return max(0, self.minimum - self.responses)


def _response_model():
    return Response


def _row(code, name, responses, population, minimum_of) -> ParticipationRow:
    return ParticipationRow(code, name, responses, population, minimum_of(population))


def _minimum_rule(period: Period):
    """Return population -> minimum respondents: Slovin with the period's margin (§8), or, for
    a pulse round (§15: no Slovin eligibility), the threshold k, as the engine decides."""
    try:
        pulse = load_instrument(period.instrument).is_pulse
    except InstrumentError:
        pulse = False
    if pulse:
        threshold = int(period.threshold)
        return lambda population: threshold
    margin = Fraction(str(period.margin))
    return lambda population: slovin_minimum(population, margin)


def unit_participation(period: Period, institution: Institution) -> list[ParticipationRow]:
    """Return one row per unit of the institution (units without roster or responses too)."""
    margin = _minimum_rule(period)
    population = dict(
        RosterEntry.objects.filter(period=period, institution=institution)
        .order_by()
        .values_list("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
    responses = dict(
        _response_model()
        .objects.filter(period=period, institution=institution)
        .order_by()
        .values_list("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
    return [
        _row(unit.code, unit.name, responses.get(unit.pk, 0), population.get(unit.pk, 0), margin)
        for unit in Unit.objects.filter(institution=institution)
    ]


def institution_participation(period: Period, institution: Institution) -> ParticipationRow:
    """Return the institution's own totals."""
    margin = _minimum_rule(period)
    population = RosterEntry.objects.filter(period=period, institution=institution).count()
    responses = _response_model().objects.filter(period=period, institution=institution).count()
    return _row(institution.code, institution.name, responses, population, margin)


def single_unit_participation(period: Period, unit: Unit) -> ParticipationRow:
    """Return one unit's participation."""
    margin = _minimum_rule(period)
    population = RosterEntry.objects.filter(period=period, unit=unit).count()
    responses = _response_model().objects.filter(period=period, unit=unit).count()
    return _row(unit.code, unit.name, responses, population, margin)


def national_participation(period: Period) -> tuple[ParticipationRow, list[ParticipationRow]]:
    """Return the nation's totals and one row per institution."""
    margin = _minimum_rule(period)
    population = dict(
        RosterEntry.objects.filter(period=period)
        .order_by()
        .values_list("institution")
        .annotate(n=Count("id"))
        .values_list("institution", "n")
    )
    responses = dict(
        _response_model()
        .objects.filter(period=period)
        .order_by()
        .values_list("institution")
        .annotate(n=Count("id"))
        .values_list("institution", "n")
    )
    rows = [
        _row(inst.code, inst.name, responses.get(inst.pk, 0), population.get(inst.pk, 0), margin)
        for inst in Institution.objects.all()
    ]
    nation = _row(
        "ID",
        "Nasional",
        sum(row.responses for row in rows),
        sum(row.population for row in rows),
        margin,
    )
    return nation, rows
