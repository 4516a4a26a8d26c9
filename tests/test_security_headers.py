"""Security headers, templates fit for the CSP, upload limits, rate limits, deploy check."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from budaya.survey.services import get_or_create_shared_link
from tests import test_survey_support as support

world = support.world
ROOT = Path(__file__).resolve().parent.parent
# Templates that are never served to a browser (WeasyPrint renders them to PDF, offline): the
# Content-Security-Policy does not apply to them.
NOT_SERVED = {"reports/report_pdf.html", "survey/letters_pdf.html"}
TEMPLATES = sorted(
    path
    for path in (ROOT / "budaya").rglob("templates/**/*.html")
    if path.relative_to(path.parents[1]).as_posix() not in NOT_SERVED
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_pages_carry_a_csp_without_unsafe_inline_and_the_other_headers(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_respondent_pages_carry_the_csp_too(client, world):
    period, institution, entries, tokens = world
    response = client.get(reverse("survey:landing", args=[tokens[entries[0].pk]]))
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_scripts_styles_or_event_handlers(path):
    text = path.read_text(encoding="utf-8")
    inline_scripts = [
        tag for tag in re.findall(r"<script\b[^>]*>", text, re.I) if "src=" not in tag
    ]
    assert not inline_scripts, f"{path}: move inline <script> to a static file"
    assert not re.search(r"<style\b", text, re.I), f"{path}: move <style> to a static file"
    assert not re.search(r"\sstyle\s*=", text, re.I), f"{path}: style= attribute"
    assert not re.search(r"\son[a-z]+\s*=", text, re.I), f"{path}: inline event handler"
    assert "javascript:" not in text.lower(), f"{path}: javascript: URL"


def test_request_bodies_are_limited():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_wrong_shared_link_codes_are_limited_per_address(client, world, settings):
    period, institution, entries, tokens = world
    settings.BUDAYA_RATE_LIMITS = {"respondent": (100, 600), "failures": (3, 600)}
    url = reverse("survey:shared", args=[get_or_create_shared_link(period, institution).slug])
    statuses = []
    for number in range(4):
        client.cookies.clear()  # a new browser each time: cookies are not what counts
        form = {"stage": "code", "nip": f"19900101201503{number:04d}", "code": "123456"}
        statuses.append(client.post(url, form, REMOTE_ADDR="10.1.1.1").status_code)
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    form = {"stage": "code", "nip": "199001012015039999", "code": "123456"}
    assert client.post(url, form, REMOTE_ADDR="10.1.1.2").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.1.1.1").status_code == 200  # not a failure
    nip_form = {"stage": "nip", "nip": "199001012015039998"}
    assert client.post(url, nip_form, REMOTE_ADDR="10.1.1.1").status_code == 200  # neither


def test_a_valid_link_is_limited_per_link_whatever_the_address(client, world, settings):
    period, institution, entries, tokens = world
    settings.BUDAYA_RATE_LIMITS = {"respondent": (5, 600), "failures": (100, 600)}
    url = reverse("survey:landing", args=[tokens[entries[0].pk]])
    statuses = [client.get(url, REMOTE_ADDR=f"10.2.2.{n}").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    limited = client.get(url, REMOTE_ADDR="10.2.2.99")
    assert limited["Retry-After"] == "600"
    other = reverse("survey:landing", args=[tokens[entries[1].pk]])
    assert client.get(other, REMOTE_ADDR="10.2.2.1").status_code == 200  # same address


def test_behind_a_proxy_the_configured_header_names_the_client(client, world, settings):
    period, institution, entries, tokens = world
    settings.BUDAYA_RATE_LIMITS = {"respondent": (100, 600), "failures": (2, 600)}
    settings.BUDAYA_CLIENT_IP_HEADER = "X-Real-IP"
    url = reverse("survey:landing", args=["unknown-token-" + "x" * 20])
    for _ in range(2):
        assert client.get(url, HTTP_X_REAL_IP="192.0.2.1").status_code == 404
    assert client.get(url, HTTP_X_REAL_IP="192.0.2.1").status_code == 429
    assert client.get(url, HTTP_X_REAL_IP="192.0.2.2").status_code == 404


def test_the_cache_never_holds_the_address_itself(client, world, settings):
    from budaya.security.middleware import address_key

    assert "10.9.9.9" not in address_key("10.9.9.9")
    assert address_key("10.9.9.9") != address_key("10.9.9.8")


def production_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUDAYA_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="budaya.settings",
        BUDAYA_SECRET_KEY=secrets.token_urlsafe(50),
        BUDAYA_BASE_URL="https://budaya.example.go.id",
        BUDAYA_ALLOWED_HOSTS="budaya.example.go.id",
        BUDAYA_TRUST_X_FORWARDED_PROTO="true",
        BUDAYA_CLIENT_IP_HEADER="X-Real-IP",
        BUDAYA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    return env


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_the_deploy_check_warns_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["BUDAYA_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
