"""The REST API (/api/v1/): tokens, the role × endpoint matrix, results equal to `budaya results`,
RFC 9457 problems, per-token limits, the OpenAPI schema, and the national open data."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from budaya.api.models import ApiToken
from budaya.api.tokens import create_token, digest_of
from budaya.cli import main
from budaya.institutions.models import Institution, Role, Unit
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry
from tests.web_fixtures import (  # noqa: F401
    _fast_passwords,
    add_responses,
    instrument,
    make_user,
    release,
    roster_entries,
    world,
)

ROLES = ("anonymous", "national", "admin_a", "evaluator_a", "liaison_a", "admin_b")


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def released(world):
    release(world["period"])
    world["period"].refresh_from_db()
    return world


@pytest.fixture
def bearer(released):
    """Return {role: Authorization header value} (anonymous: none)."""
    headers = {"anonymous": None}
    for role in ROLES[1:]:
        _token, text = create_token(released[role], "tes")
        headers[role] = f"Bearer {text}"
    return headers


def get(client, url, auth=None):
    extra = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.get(url, **extra)


P = "/api/v1/periods/P-2026"
# endpoint → roles allowed; the same as the page each one mirrors
MATRIX = {
    "/api/v1/periods": {"national", "admin_a", "evaluator_a", "liaison_a", "admin_b"},
    "/api/v1/institutions": {"national", "admin_a", "evaluator_a", "liaison_a", "admin_b"},
    f"{P}/participation": {"national"},
    f"{P}/institutions/INST-A/participation": {"national", "admin_a", "evaluator_a"},
    f"{P}/institutions/INST-A/units/BESAR/participation": {
        "national",
        "admin_a",
        "evaluator_a",
        "liaison_a",
    },
    f"{P}/results?institution=INST-A": {"national", "admin_a", "evaluator_a", "liaison_a"},
    f"{P}/institutions/INST-A/branding": {"national", "admin_a", "evaluator_a"},
    f"{P}/institutions/INST-B/participation": {"national", "admin_b"},
    f"{P}/results?institution=INST-B": {"national", "admin_b"},
    "/api/v1/open/P-2026/institutions.json": set(ROLES),
    "/api/v1/open/P-2026/institutions.csv": set(ROLES),
}


def test_every_endpoint_allows_and_denies_each_role_as_its_page_does(client, bearer):
    from budaya.api.routes import api

    # the action-plan paths have their own matrix: tests/test_api_actions.py
    listed = {
        path
        for path in api.get_openapi_schema()["paths"]
        if not path.endswith(("action-plans", "change-agents", "activities"))
        and "/action-plans/" not in path
        and "/change-agents/" not in path
    }
    covered = {url.split("?")[0].replace("P-2026", "{period}").replace("INST-A", "{code}")
               .replace("INST-B", "{code}").replace("BESAR", "{unit}") for url in MATRIX}  # fmt: skip
    assert listed == covered, "every API path needs a row in MATRIX"
    wrong = []
    for url, allowed in MATRIX.items():
        for role in ROLES:
            response = get(client, url, bearer[role])
            ok = response.status_code == 200
            if ok != (role in allowed):
                wrong.append(f"{url} as {role}: {response.status_code}")
            if not ok:
                assert response["Content-Type"] == "application/problem+json"
                body = response.json()
                assert body["status"] == response.status_code
                assert body["title"] and body["detail"] and body["instance"]
                assert response.status_code in (401, 403)
    assert not wrong, "\n".join(wrong)


def test_missing_unknown_revoked_and_expired_tokens_get_401_problems(client, released):
    url = "/api/v1/periods"
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "about:blank"
    assert get(client, url, "Bearer bdy_not-a-token").status_code == 401
    token, text = create_token(released["admin_a"], "tes", days=1)
    assert get(client, url, f"Bearer {text}").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert get(client, url, f"Bearer {text}").status_code == 401
    token, text = create_token(released["admin_a"], "tes")
    assert main(["token", "revoke", token.prefix]) == 0
    assert get(client, url, f"Bearer {text}").status_code == 401
    released["admin_a"].is_active = False
    released["admin_a"].save()
    _token, text = create_token(released["evaluator_a"], "tes")
    released["evaluator_a"].is_active = False
    released["evaluator_a"].save()
    assert get(client, url, f"Bearer {text}").status_code == 401


def test_budaya_token_create_prints_the_token_once_and_stores_only_its_hash(capsys, world):
    assert main(["token", "create", "admin_a", "--days", "30"]) == 0
    out, err = capsys.readouterr()
    text = out.strip()
    assert text.startswith("bdy_") and len(text) > 40
    assert "tidak bisa ditampilkan lagi" in err
    token = ApiToken.objects.get()
    assert token.digest == digest_of(text) and text not in (token.digest, token.prefix)
    assert text.startswith(token.prefix)
    assert token.expires.date() == (timezone.now() + dt.timedelta(days=30)).date()
    assert main(["token", "create", "nobody"]) == 1
    assert main(["token", "create", "admin_a", "--days", "0"]) == 1
    assert "tidak ada" in capsys.readouterr().err
    assert ApiToken.objects.count() == 1
    assert main(["token", "list"]) == 0
    assert token.prefix in capsys.readouterr().out
    assert main(["token", "revoke", "--user", "admin_a"]) == 0
    assert not ApiToken.objects.get().active
    assert main(["token", "revoke", "bdy_nothere"]) == 1


@pytest.mark.parametrize(
    ("role", "institution"),
    [("national", None), ("admin_a", "INST-A"), ("admin_b", "INST-B")],
)
def test_api_results_equal_budaya_results_for_the_same_scope(
    client, bearer, tmp_path, role, institution
):
    out = tmp_path / "r.json"
    args = ["results", "P-2026", "--out", str(out)]
    if institution:
        args += ["--institution", institution]
    assert main(args) == 0
    response = get(client, f"{P}/results", bearer[role])
    assert response.status_code == 200, response.content
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert body + "\n" == out.read_text(encoding="utf-8")
    document = json.loads(body)
    assert document["groups"]
    if institution:
        assert {g["level"] for g in document["groups"]} <= {"nation", "institution", "unit"}
        assert all(
            g["code"] in ("ID", institution) or g.get("parent") == institution
            for g in document["groups"]
        )


def test_a_liaison_reads_only_their_units_groups(client, bearer, tmp_path):
    out = tmp_path / "all.json"
    assert main(["results", "P-2026", "--out", str(out)]) == 0
    whole = json.loads(out.read_text(encoding="utf-8"))
    response = get(client, f"{P}/results", bearer["liaison_a"])
    assert response.status_code == 200
    groups = json.loads(b"".join(response.streaming_content))["groups"]
    assert [(g["level"], g["code"]) for g in groups] == [("unit", "BESAR")]
    expected = [g for g in whole["groups"] if g["level"] == "unit" and g["code"] == "BESAR"]
    assert groups == expected
    refused = get(client, f"{P}/results?institution=INST-B", bearer["liaison_a"])
    assert refused.status_code == 403


def test_results_of_an_open_period_are_not_served(client, world):
    _token, text = create_token(world["national"], "tes")
    response = get(client, f"{P}/results", f"Bearer {text}")
    assert response.status_code == 404
    assert "belum ditutup" in response.json()["detail"]
    assert get(client, "/api/v1/periods/NOPE/results", f"Bearer {text}").status_code == 404


def test_a_user_with_roles_in_two_institutions_must_name_one(client, released):
    user = make_user("dua", Role.Name.INSTITUTION_ADMIN, released["inst_a"])
    Role.objects.create(user=user, role=Role.Name.EVALUATOR, institution=released["inst_b"])
    _token, text = create_token(user, "tes")
    response = get(client, f"{P}/results", f"Bearer {text}")
    assert response.status_code == 400
    assert "?institution=" in response.json()["detail"]
    assert get(client, f"{P}/results?institution=INST-B", f"Bearer {text}").status_code == 200


def test_requests_past_the_limit_of_a_token_get_429(client, released, settings):
    settings.BUDAYA_RATE_LIMITS = {**settings.BUDAYA_RATE_LIMITS, "api": (3, 60)}
    _token, text = create_token(released["admin_a"], "tes")
    _token, other = create_token(released["admin_b"], "tes")
    codes = [get(client, "/api/v1/periods", f"Bearer {text}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = get(client, "/api/v1/periods", f"Bearer {text}")
    assert refused["Retry-After"] == "60"
    assert refused["Content-Type"] == "application/problem+json"
    assert get(client, "/api/v1/periods", f"Bearer {other}").status_code == 200


def test_the_openapi_schema_validates_and_the_docs_use_no_cdn(client, db):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "BearerToken" in schema["components"]["securitySchemes"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "Content-Security-Policy" in docs


def test_the_token_page_creates_shows_once_and_revokes_only_ones_own(client, world):
    client.force_login(world["admin_a"])
    page = client.post("/akun/token-api/", {"name": "dasbor", "days": "30"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=world["admin_a"])
    text = page.context["shown"]
    assert digest_of(text) == token.digest
    again = client.get("/akun/token-api/")
    assert text not in again.content.decode() and token.prefix in again.content.decode()
    bad = client.post("/akun/token-api/", {"name": "", "days": "30"})
    assert bad.status_code == 400 and ApiToken.objects.count() == 1
    bad = client.post("/akun/token-api/", {"name": "x", "days": "99999"})
    assert bad.status_code == 400 and ApiToken.objects.count() == 1
    other, _text = create_token(world["admin_b"], "milik B")
    client.post(f"/akun/token-api/{other.pk}/cabut/")
    other.refresh_from_db()
    assert other.active  # another user's token: 404, untouched
    assert client.post(f"/akun/token-api/{other.pk}/cabut/").status_code == 404
    client.post(f"/akun/token-api/{token.pk}/cabut/")
    token.refresh_from_db()
    assert not token.active


# ---- open data --------------------------------------------------------------------------------

# (code, roster, responses): four eligible institutions (Slovin minimum of 20 is 20), one
# below its minimum, one eligible (8 of 8) but under k = 10, so suppressed.
OPEN_WORLD = (
    ("K-1", 20, 20),
    ("K-2", 20, 20),
    ("K-3", 20, 20),
    ("K-4", 20, 20),
    ("K-LOW", 20, 15),
    ("K-TINY", 8, 8),
)


def build_open_period(instrument, rows=OPEN_WORLD):
    period = Period.objects.create(
        code="O-2026",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 4, 30),
    )
    start = 1
    for number, (code, size, answered) in enumerate(rows):
        institution = Institution.objects.create(
            code=code, name=f"Instansi {code}", kind="kota", region="barat"
        )
        unit = Unit.objects.create(institution=institution, code="U", name="Unit")
        RosterEntry.objects.bulk_create(roster_entries(period, institution, unit, size, start))
        start += size
        add_responses(period, institution, unit, answered, instrument, seed=number)
    period.state = Period.State.OPEN
    period.save()
    return period


@pytest.fixture
def open_period(db, instrument):
    return build_open_period(instrument)


def test_open_data_is_not_served_before_release(client, open_period):
    response = client.get("/api/v1/open/O-2026/institutions.json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/open/NOPE/institutions.csv").status_code == 404


def test_open_data_never_shows_a_suppressed_or_ineligible_institution(client, open_period):
    release(open_period)
    document = client.get("/api/v1/open/O-2026/institutions.json").json()
    assert document["licence"]["name"] == "CC BY 4.0"
    codes = [row["code"] for row in document["rows"]]
    assert codes == ["ID", "K-1", "K-2", "K-3", "K-4"]
    for row in document["rows"]:
        assert row["n"] >= open_period.threshold
        assert row["licence"] == "CC BY 4.0"
        assert row["BP"] is not None and row["BP_category"] in "ABCD"
    text = client.get("/api/v1/open/O-2026/institutions.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["code"] for row in rows] == codes
    assert "K-LOW" not in text and "K-TINY" not in text
    assert rows[1]["BP"] == str(document["rows"][1]["BP"])
    # the figures are the released document's shown figures
    from budaya.results.store import group, latest_set

    stored = group(latest_set(open_period), "institution", "K-1")
    assert document["rows"][1]["BP"] == stored["values"]["BP"]["shown"]
    page = client.get("/data-terbuka/")
    assert page.status_code == 200 and "O-2026" in page.content.decode()
    assert "indeks_berakhlak_category" in page.content.decode()


def test_open_data_has_no_national_row_under_three_eligible_institutions(client, db, instrument):
    # K-1 and K-2 eligible, K-LOW not: two eligible institutions, no national scores
    period = build_open_period(instrument, OPEN_WORLD[:2] + OPEN_WORLD[4:5])
    release(period)
    rows = client.get("/api/v1/open/O-2026/institutions.json").json()["rows"]
    assert [row["code"] for row in rows] == ["K-1", "K-2"]
