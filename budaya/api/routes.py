"""The API's endpoints under /api/v1/ (django-ninja; schema at /api/v1/openapi.json).

Every endpoint has exactly the permissions of the page it mirrors, through the same checks
(budaya.institutions.access); results only from released periods (METHOD.md §12), as
`budaya results` writes them.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from budaya.api import actions as action_routes
from budaya.api import opendata
from budaya.api.problems import problem
from budaya.api.scope import ScopeError, results_scope
from budaya.api.tokens import find_active
from budaya.institutions.access import (
    can_view_institution,
    institution_ids,
    is_national_admin,
    require_institution_access,
    require_unit_access,
    roles_of,
)
from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period
from budaya.results import participation as counts
from budaya.results.sections import branding_section
from budaya.results.services import not_released_text
from budaya.results.store import json_pieces, latest_set
from budaya.security.middleware import hit


class RateLimited(Exception):
    """A token went over its request limit."""

    def __init__(self, window: int):
        super().__init__(window)
        self.window = window


class BearerToken(HttpBearer):
    """`Authorization: Bearer TOKEN`; the request acts as the token's user."""

    openapi_description = "A token from `budaya token create USERNAME` or the token page."

    def authenticate(self, request, token):
        found = find_active(token)
        if found is None:
            return None
        limit, window = settings.BUDAYA_RATE_LIMITS["api"]
        if not hit("api", f"token:{found.pk}", limit, window):
            raise RateLimited(window)
        request.user = found.user
        return found


api = NinjaAPI(
    title="Budaya API",
    version="1",
    description=(
        "Survei budaya kerja ASN dan Indeks BerAKHLAK: periode, instansi, partisipasi dan hasil "
        "yang dirilis (METHOD.md §11). / The work-culture survey of Indonesia's civil servants: "
        "periods, institutions, participation and released results. Errors are RFC 9457 "
        "problem details."
    ),
    urls_namespace="api",
    auth=BearerToken(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    response = problem(request, 429, _("Terlalu banyak permintaan; coba lagi nanti."))
    response["Retry-After"] = str(exc.window)
    return response


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return problem(request, 401, _("Token tidak ada, tidak dikenal, kedaluwarsa atau dicabut."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem(request, 403, str(exc) or _("Anda tidak berhak melihat ini."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(request, 404, str(exc) or _("Tidak ditemukan."))


@api.exception_handler(ScopeError)
def _scope(request, exc):
    return problem(request, exc.status, str(exc))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return problem(request, 422, _("Parameter tidak sah."), errors=exc.errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem(request, exc.status_code, str(exc))


class PeriodOut(Schema):
    code: str
    instrument: str
    opens_on: dt.date
    closes_on: dt.date
    state: str
    threshold: int
    released: bool


class InstitutionOut(Schema):
    code: str
    name: str
    kind: str
    region: str


class ParticipationOut(Schema):
    code: str
    name: str
    responses: int
    population: int
    minimum: int
    rate: float | None
    eligible: bool


class InstitutionParticipationOut(Schema):
    period: str
    institution: ParticipationOut
    units: list[ParticipationOut]


class NationalParticipationOut(Schema):
    period: str
    nation: ParticipationOut
    institutions: list[ParticipationOut]


def _staff(request) -> None:
    """Refuse a user without any role (the back-office pages need one)."""
    if not (is_national_admin(request.user) or roles_of(request.user)):
        raise PermissionDenied(_("Akun ini tidak punya peran."))


def _period(code: str) -> Period:
    return get_object_or_404(Period, code=code)


def _row(row) -> dict:
    return {
        "code": row.code,
        "name": row.name,
        "responses": row.responses,
        "population": row.population,
        "minimum": row.minimum,
        "rate": row.rate,
        "eligible": row.eligible,
    }


@api.get("/periods", response=list[PeriodOut], tags=["periods"], summary="Periode / Periods")
def periods(request):
    """Every period, newest first, as the back-office home lists them."""
    _staff(request)
    return [
        {
            "code": period.code,
            "instrument": period.instrument,
            "opens_on": period.opens_on,
            "closes_on": period.closes_on,
            "state": period.state,
            "threshold": period.threshold,
            "released": latest_set(period) is not None,
        }
        for period in Period.objects.order_by("-opens_on", "code")
    ]


@api.get(
    "/institutions",
    response=list[InstitutionOut],
    tags=["institutions"],
    summary="Instansi / Institutions",
)
def institutions(request):
    """The institutions the caller may see: all for a national administrator, otherwise those
    where the caller holds a role."""
    _staff(request)
    rows = Institution.objects.order_by("code")
    if not is_national_admin(request.user):
        rows = rows.filter(pk__in=institution_ids(request.user))
    return [{"code": i.code, "name": i.name, "kind": i.kind, "region": i.region} for i in rows]


@api.get(
    "/periods/{period}/participation",
    response=NationalParticipationOut,
    tags=["participation"],
    summary="Partisipasi nasional / National participation",
)
def national_participation(request, period: str):
    """Responses, roster, rate and minimum of every institution (national administrator)."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    found = _period(period)
    nation, rows = counts.national_participation(found)
    return {"period": found.code, "nation": _row(nation), "institutions": [_row(r) for r in rows]}


@api.get(
    "/periods/{period}/institutions/{code}/participation",
    response=InstitutionParticipationOut,
    tags=["participation"],
    summary="Partisipasi instansi / Institution participation",
)
def institution_participation(request, period: str, code: str):
    """Responses, roster, rate and minimum of an institution and each of its units."""
    found = _period(period)
    institution = get_object_or_404(Institution, code=code)
    require_institution_access(request, institution)
    return {
        "period": found.code,
        "institution": _row(counts.institution_participation(found, institution)),
        "units": [_row(r) for r in counts.unit_participation(found, institution)],
    }


@api.get(
    "/periods/{period}/institutions/{code}/units/{unit}/participation",
    response=ParticipationOut,
    tags=["participation"],
    summary="Partisipasi unit / Unit participation",
)
def unit_participation(request, period: str, code: str, unit: str):
    """Responses, roster, rate and minimum of one unit (its liaison and institution staff)."""
    found = _period(period)
    target = get_object_or_404(Unit.objects.select_related("institution"),
                               institution__code=code, code=unit)  # fmt: skip
    require_unit_access(request, target)
    return _row(counts.single_unit_participation(found, target))


@api.get(
    "/periods/{period}/results",
    tags=["results"],
    summary="Hasil yang dirilis / Released results",
    response={200: dict},
)
def results(request, period: str, institution: str | None = None):
    """The released METHOD.md §11 document limited to the caller's scope, streamed: equal,
    group for group, to `budaya results PERIOD [--institution CODE]` for the same scope. A unit
    liaison receives their unit's groups only."""
    found = _period(period)
    scope = results_scope(request.user, institution)
    if scope.institution and not Institution.objects.filter(code=scope.institution).exists():
        raise Http404(_("Instansi tidak ditemukan."))
    result_set = latest_set(found)
    if result_set is None:
        raise Http404(not_released_text(found))
    keep = scope.keep if scope.units is not None else None
    pieces = json_pieces(result_set, scope.institution, keep=keep)
    response = StreamingHttpResponse(
        (piece.encode("utf-8") for piece in pieces), content_type="application/json"
    )
    response["X-Budaya-Release"] = str(result_set.version)
    return response


@api.get(
    "/periods/{period}/institutions/{code}/branding",
    tags=["results"],
    summary="Citra pemberi kerja / Employer branding",
    response={200: dict},
)
def branding(request, period: str, code: str):
    """The employer-branding section of an institution's released results page."""
    found = _period(period)
    institution = get_object_or_404(Institution, code=code)
    if not can_view_institution(request.user, institution):
        raise PermissionDenied(_("Anda tidak berhak melihat instansi ini."))
    result_set = latest_set(found)
    if result_set is None:
        raise Http404(not_released_text(found))
    return branding_section(result_set, institution)


@api.exception_handler(action_routes.InvalidInput)
def _invalid_input(request, exc):
    return problem(request, 422, str(exc))


api.add_router("/open", opendata.router)
api.add_router("", action_routes.router)
