"""Who may see which back-office page: anonymous → login, another institution → 403."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import pytest
from django.urls import reverse

from tests.web_fixtures import PASSWORD, _fast_passwords, instrument, world  # noqa: F401


def pages(world):
    """Return (name, url) of every institution-A page and the national page."""
    period, inst_a = world["period"].code, world["inst_a"].code
    return {
        "participation": reverse("participation", args=[period, inst_a]),
        "unit_participation": reverse("unit_participation", args=[period, inst_a, "BESAR"]),
        "results": reverse("results", args=[period, inst_a]),
        "roster_upload": reverse("roster_upload", args=[period, inst_a]),
        "national_participation": reverse("national_participation", args=[period]),
        "home": reverse("home"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "participation",
        "unit_participation",
        "results",
        "roster_upload",
        "national_participation",
        "home",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, name):
    url = pages(world)[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "name",
    ["participation", "unit_participation", "results", "roster_upload", "national_participation"],
)
def test_another_institutions_administrator_is_refused(client, world, name):
    client.force_login(world["admin_b"])
    assert client.get(pages(world)[name]).status_code == 403


def test_period_actions_are_refused_to_institution_staff(client, world):
    # No institution administrator can trigger a computation (METHOD.md §12): closing,
    # releasing and reopening are the national administrator's.
    code = world["period"].code
    for persona in ("admin_a", "admin_b", "evaluator_a", "liaison_a"):
        client.force_login(world[persona])
        for name in ("period_close", "period_release", "period_reopen"):
            assert client.post(reverse(name, args=[code]), {"reason": "x"}).status_code == 403
        assert client.get(reverse("period_manage", args=[code])).status_code == 403
    world["period"].refresh_from_db()
    assert world["period"].state == "open"


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("national", {"participation", "unit_participation", "results", "roster_upload",
                      "national_participation", "home"}),
        ("admin_a", {"participation", "unit_participation", "results", "roster_upload", "home"}),
        ("evaluator_a", {"participation", "unit_participation", "results", "home"}),
        ("liaison_a", {"unit_participation", "home"}),
    ],
)  # fmt: skip
def test_each_role_sees_exactly_its_pages(client, world, persona, allowed):
    client.force_login(world[persona])
    for name, url in pages(world).items():
        expected = 200 if name in allowed else 403
        assert client.get(url).status_code == expected, (persona, name)


def test_a_liaison_cannot_see_another_unit_of_the_same_institution(client, world):
    client.force_login(world["liaison_a"])
    url = reverse("unit_participation", args=[world["period"].code, "INST-A", "KECIL"])
    assert client.get(url).status_code == 403


def test_staff_sign_in_at_accounts_login_and_land_on_the_home_page(client, world):
    response = client.post(
        "/accounts/login/", {"username": "admin_a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    body = response.content.decode()
    assert reverse("participation", args=["P-2026", "INST-A"]) in body
    assert reverse("roster_upload", args=["P-2026", "INST-A"]) in body
    assert "INST-B" not in body


def test_the_home_page_links_the_national_admin_to_admin_and_every_institution(client, world):
    client.force_login(world["national"])
    body = client.get("/").content.decode()
    # Issue 12: every task has its page; Django's admin is linked for superusers only
    assert 'href="/admin/"' not in body
    assert reverse("period_list") in body and reverse("institution_list") in body
    world["national"].is_superuser = world["national"].is_staff = True
    world["national"].save()
    body = client.get("/").content.decode()
    assert 'href="/admin/"' in body
    assert reverse("national_participation", args=["P-2026"]) in body
    assert reverse("results", args=["P-2026", "INST-B"]) in body


def test_the_home_page_of_a_liaison_links_only_their_unit(client, world):
    client.force_login(world["liaison_a"])
    body = client.get("/").content.decode()
    assert reverse("unit_participation", args=["P-2026", "INST-A", "BESAR"]) in body
    assert reverse("participation", args=["P-2026", "INST-A"]) not in body


def test_the_django_admin_is_for_the_national_administrator_only(client, world, settings):
    from budaya.institutions.services import add_user

    national = add_user("pusat", PASSWORD, "national_admin")
    client.force_login(national)
    assert client.get("/admin/periods/period/").status_code == 200
    client.force_login(world["admin_a"])
    assert client.get("/admin/periods/period/").status_code == 302


def test_the_language_switch_changes_the_interface_language(client, world):
    client.force_login(world["admin_a"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings_language_cookie()].value == "en"


def settings_language_cookie():
    from django.conf import settings

    return settings.LANGUAGE_COOKIE_NAME


def test_a_refusal_is_a_page_that_says_why_in_indonesian_and_in_english(client, world):
    client.force_login(world["admin_b"])
    url = pages(world)["results"]
    refused = client.get(url)
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "Akses ditolak" in text and "Anda tidak berhak melihat instansi ini." in text
    assert reverse("home") in text  # a way back
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Access denied" in english and "You may not view this institution." in english
    assert "Akses ditolak" not in english


def test_an_unknown_address_gets_a_page_not_found_in_the_products_own_words(client, world):
    client.force_login(world["admin_a"])
    missing = client.get("/periode/TIDAK-ADA/instansi/TIDAK-ADA/hasil/")
    assert missing.status_code == 404
    assert "Halaman tidak ditemukan" in missing.content.decode()
