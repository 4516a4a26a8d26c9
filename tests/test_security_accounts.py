"""Accounts: password validators on the command line and the web, TOTP required for every staff
account with a role (BUDAYA_REQUIRE_TOTP), and a lockout nobody can turn against the
account's owner."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from budaya.cli import main
from budaya.security import lockout, totp
from budaya.security.models import AccountThrottle, LoginFailure, TOTPDevice
from tests.web_fixtures import PASSWORD, _fast_passwords, instrument, world  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.2"


def login(client, username, password, address="127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


# --- password validators -------------------------------------------------------------------


def add_user_with(monkeypatch, username, password):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(["user", "add", username, "--role", "national_admin"])


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [
        ("pusat_a", "8234567812345", "password_entirely_numeric"),
        ("budisantoso", "budisantoso77", "password_too_similar"),
        ("pusat_b", "pendek-1", "password_too_short"),
        ("pusat_c", "password123", "password_too_common"),
    ],
)
def test_the_command_line_refuses_passwords_the_validators_reject(
    db, monkeypatch, capsys, username, password, code
):
    assert add_user_with(monkeypatch, username, password) == 1
    expected = validator_message(username, password, code)
    assert expected in capsys.readouterr().err
    assert not get_user_model().objects.filter(username=username).exists()


def validator_message(username, password, code) -> str:
    """Return the message Django's validators give for `code` (in the active language)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user=get_user_model()(username=username))
    except ValidationError as error:
        return next(e.messages[0] for e in error.error_list if e.code == code)
    raise AssertionError(f"{password!r} passed the validators")


def test_the_command_line_accepts_a_good_password(db, monkeypatch, capsys):
    assert add_user_with(monkeypatch, "pusat", "rumah-Pohon-sembilan-7") == 0
    assert get_user_model().objects.get(username="pusat").check_password("rumah-Pohon-sembilan-7")


@pytest.mark.parametrize(
    ("new", "code"),
    [("8234567812345", "password_entirely_numeric"), ("evaluator_a1", "password_too_similar")],
)
def test_the_web_password_change_refuses_passwords_the_validators_reject(client, world, new, code):
    client.force_login(world["evaluator_a"])
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["new_password2"]]
    assert code in codes
    world["evaluator_a"].refresh_from_db()
    assert world["evaluator_a"].check_password(PASSWORD)


def test_the_web_password_change_accepts_a_good_password(client, world):
    client.force_login(world["evaluator_a"])
    good = "rumah-Pohon-sembilan-7"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": good, "new_password2": good},
    )
    assert response.status_code == 302
    world["evaluator_a"].refresh_from_db()
    assert world["evaluator_a"].check_password(good)


# --- TOTP required for administrators ------------------------------------------------------


@pytest.mark.parametrize("persona", ["national", "admin_a", "admin_b"])
def test_an_administrator_without_a_device_is_sent_to_enrol_before_any_page(
    client, world, settings, persona
):
    settings.BUDAYA_REQUIRE_TOTP = True
    username = world[persona].username
    assert login(client, username, PASSWORD).status_code == 302
    for page in ("/", "/admin/", "/audit/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == "/akun/dua-langkah/", page
    assert client.get("/akun/dua-langkah/").status_code == 200


@pytest.mark.parametrize("persona", ["evaluator_a", "liaison_a"])
def test_liaisons_and_evaluators_are_sent_to_enrol_too(client, world, settings, persona):
    # Issue 12: every staff account enrols TOTP at its first login, invited ones included.
    settings.BUDAYA_REQUIRE_TOTP = True
    client.force_login(world[persona])
    assert client.get("/").get("Location") == "/akun/dua-langkah/"


def test_an_account_without_a_role_is_not_sent_to_enrol(client, db, settings):
    settings.BUDAYA_REQUIRE_TOTP = True
    client.force_login(get_user_model().objects.create_user("tanpa-peran", password="x"))
    assert client.get("/").get("Location") != "/akun/dua-langkah/"


def test_an_enrolled_administrator_must_give_a_code_at_each_login(client, world, settings):
    settings.BUDAYA_REQUIRE_TOTP = True
    secret = totp.new_secret()
    TOTPDevice.objects.create(
        user=world["admin_a"], secret=secret, confirmed_on=timezone.localdate()
    )
    response = login(client, "admin_a", PASSWORD)
    assert response["Location"] == "/accounts/verifikasi/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/verifikasi/", {"code": totp.totp(secret)})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert client.get("/").get("Location") != "/akun/dua-langkah/"


def test_a_required_device_cannot_be_disabled(client, world, settings):
    settings.BUDAYA_REQUIRE_TOTP = True
    secret = totp.new_secret()
    TOTPDevice.objects.create(
        user=world["national"], secret=secret, confirmed_on=timezone.localdate()
    )
    client.force_login(world["national"])
    response = client.post("/akun/dua-langkah/", {"action": "disable", "code": totp.totp(secret)})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=world["national"]).exists()


def test_budaya_require_totp_false_relaxes_it(client, world, settings):
    settings.BUDAYA_REQUIRE_TOTP = False
    assert login(client, "admin_a", PASSWORD).status_code == 302
    assert client.get("/").get("Location") != "/akun/dua-langkah/"


@pytest.mark.parametrize(("value", "expected"), [(None, "True"), ("false", "False")])
def test_totp_is_required_unless_the_variable_says_false(tmp_path, value, expected):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    if value is not None:
        env["BUDAYA_REQUIRE_TOTP"] = value
    code = "from budaya import settings; print(settings.BUDAYA_REQUIRE_TOTP)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.stdout.strip() == expected, result.stderr


# --- lockout cannot be turned against the owner --------------------------------------------


def test_fifty_attempts_from_one_address_cannot_stop_the_owner_at_another(client, world):
    for _ in range(50):
        login(client, "admin_a", "tebakan-salah", address=ATTACKER)
    # The attacker's own address is locked for this account, even with the right password …
    response = login(client, "admin_a", PASSWORD, address=ATTACKER)
    assert "dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # … but the owner signs in at once from another address.
    response = login(client, "admin_a", PASSWORD, address=OWNER)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(world["admin_a"].pk)


def test_refused_attempts_are_not_counted(client, world):
    for _ in range(50):
        login(client, "admin_a", "tebakan-salah", address=ATTACKER)
    assert LoginFailure.objects.get(username="admin_a").failures == lockout.max_failures()
    assert AccountThrottle.objects.get(username="admin_a").failures == lockout.max_failures()


def test_addresses_are_stored_only_as_keyed_hashes(client, world):
    login(client, "admin_a", "tebakan-salah", address=ATTACKER)
    row = LoginFailure.objects.get(username="admin_a")
    assert ATTACKER not in row.address and len(row.address) == 64


def test_guessing_from_many_addresses_is_slowed_by_a_growing_delay(client, world):
    login(client, "admin_a", PASSWORD, address=OWNER)  # the owner's usual address
    client.logout()
    for number in range(lockout.free_account_failures()):
        login(client, "admin_a", "tebakan-salah", address=f"192.0.2.{number + 1}")
    throttle = AccountThrottle.objects.get(username="admin_a")
    assert throttle.failures == lockout.free_account_failures()
    # Three more failures just now (as if from three more addresses): an 8-second delay.
    throttle.failures += 3
    throttle.last_failure_at = timezone.now()
    throttle.save()
    assert lockout.delay_after(throttle.failures) == 8
    # A new address must wait: the password is not even checked.
    response = login(client, "admin_a", PASSWORD, address="192.0.2.200")
    assert "Tunggu" in response.content.decode() and "_auth_user_id" not in client.session
    # The owner at an address they signed in from before is not slowed down.
    response = login(client, "admin_a", PASSWORD, address=OWNER)
    assert response.status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    # Once the delay has passed, a new address may try again.
    AccountThrottle.objects.filter(username="admin_a").update(
        last_failure_at=timezone.now() - dt.timedelta(seconds=9)
    )
    response = login(client, "admin_a", PASSWORD, address="192.0.2.200")
    assert response.status_code == 302


def test_the_delay_grows_and_is_capped(settings):
    settings.BUDAYA_LOCKOUT_FAILURES = 5
    settings.BUDAYA_LOGIN_DELAY_MAX_SECONDS = 30
    delays = [lockout.delay_after(n) for n in range(8, 18)]
    assert delays == [0, 0, 1, 2, 4, 8, 16, 30, 30, 30]
