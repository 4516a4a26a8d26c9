"""The institution administrator's invitation page: who may use it, export, e-mail, shared link."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from budaya.institutions.models import Role
from budaya.survey.models import SharedLink
from budaya.survey.services import find_invitation
from tests import test_survey_support as support

# pytest fixture shared with the other survey tests
world = support.world


@pytest.fixture
def page(world):
    period, institution, entries, tokens = world
    return reverse("survey:invitations", args=[period.code, institution.code])


def login_as(client, role, institution):
    user = User.objects.create_user(f"u-{role}-{institution.code}", password="x")
    Role.objects.create(user=user, role=role, institution=institution)
    client.force_login(user)
    return user


def test_anonymous_visitors_are_sent_to_the_login_page(client, page):
    response = client.get(page)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_administrator_of_another_institution_or_an_evaluator_gets_403(client, world, page):
    period, institution, entries, tokens = world
    other = support.make_institution("LAIN")
    login_as(client, "institution_admin", other)
    assert client.get(page).status_code == 403
    assert client.post(page, {"action": "csv"}).status_code == 403
    client.logout()
    login_as(client, "evaluator", institution)
    assert client.post(page, {"action": "csv"}).status_code == 403


def test_the_page_shows_counts_and_warns_that_exporting_replaces_unused_links(client, world, page):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    html = client.get(page).content.decode()
    assert "pegawai dalam daftar" in html
    assert "tautan lama mereka tidak berlaku lagi" in html


def test_the_csv_export_issues_working_links(client, world, page):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    response = client.post(page, {"action": "csv"})
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # Indonesian style
    assert rows[0] == ["nip", "name", "unit", "link"] and len(rows) == 4
    token = rows[1][3].rsplit("/s/", 1)[1].strip("/")
    assert find_invitation(token) is not None
    assert all(find_invitation(old) is None for old in tokens.values())


def test_the_xlsx_export_is_a_workbook(client, world, page):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    response = client.post(page, {"action": "xlsx"})
    assert response.content[:2] == b"PK"
    assert "spreadsheetml" in response["Content-Type"]


def test_sending_emails_and_creating_the_shared_link(client, world, page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    sent = client.post(page, {"action": "email"}, follow=True)
    assert len(mail.outbox) == 2
    assert "2 e-mail undangan dikirim" in sent.content.decode()
    shared = client.post(page, {"action": "shared"}, follow=True).content.decode()
    link = SharedLink.objects.get(period=period, institution=institution)
    assert f"/i/{link.slug}/" in shared
