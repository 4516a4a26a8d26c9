"""Login lockout per account, Argon2 hashing, and the optional TOTP second step."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import base64
import datetime as dt
import hashlib
import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from budaya.audit.models import AuditEntry
from budaya.security import lockout, totp
from budaya.security.models import LoginFailure, TOTPDevice
from tests.web_fixtures import PASSWORD, _fast_passwords, instrument, world  # noqa: F401

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_hotp_matches_the_rfc_4226_test_values():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676"]
    assert [totp.hotp(RFC_SECRET, counter) for counter in range(6)] == expected


@pytest.mark.parametrize(
    ("at", "code"),
    [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"),
     (2000000000, "69279037")],
)  # fmt: skip
def test_totp_matches_the_rfc_6238_sha1_test_values(at, code):
    assert totp.totp(RFC_SECRET, at=at, digits=8, digest=hashlib.sha1) == code


def test_a_code_from_the_previous_step_is_accepted_but_not_one_from_two_steps_ago():
    secret = totp.new_secret()
    now = 1_700_000_000
    assert totp.matching_step(secret, totp.totp(secret, at=now - 30), at=now) is not None
    old = totp.totp(secret, at=now - 90)
    assert old == totp.totp(secret, at=now) or totp.matching_step(secret, old, at=now) is None


def test_the_provisioning_uri_names_issuer_account_and_secret():
    uri = totp.provisioning_uri("ABCDEFGH", "admin_a")
    assert uri.startswith("otpauth://totp/Budaya%3Aadmin_a?")
    assert "secret=ABCDEFGH" in uri and "issuer=Budaya" in uri and "period=30" in uri


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from budaya import settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("rahasia-sekali", hasher.salt())
    assert encoded.startswith("argon2$argon2id$") and hasher.verify("rahasia-sekali", encoded)


def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, world):
    for _ in range(5):
        assert login(client, "admin_a", "salah").status_code == 200
    response = login(client, "admin_a", PASSWORD)
    assert response.status_code == 200
    assert "dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.get(username="admin_a").failures == 5


def test_a_lock_is_per_account_so_colleagues_behind_the_same_address_can_sign_in(client, world):
    for _ in range(5):
        login(client, "admin_a", "salah")
    response = login(client, "evaluator_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_lock_ends_after_its_minutes_and_a_success_clears_the_count(client, world):
    for _ in range(5):
        login(client, "ADMIN_A", "salah")  # usernames are counted case-insensitively
    assert lockout.is_locked("admin_a")
    LoginFailure.objects.filter(username="admin_a").update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert login(client, "admin_a", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="admin_a").exists()


def test_fewer_failures_than_the_limit_do_not_lock(client, world):
    for _ in range(4):
        login(client, "admin_a", "salah")
    assert login(client, "admin_a", PASSWORD).status_code == 302


def test_the_admin_login_goes_through_the_same_login_page(client, world):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def enrol(user, secret=None):
    secret = secret or totp.new_secret()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_on=timezone.localdate())
    return secret


def test_with_totp_the_password_alone_does_not_sign_in(client, world):
    enrol(world["admin_a"])
    response = login(client, "admin_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/verifikasi/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still anonymous


def test_a_correct_code_completes_the_login_and_cannot_be_replayed(client, world):
    secret = enrol(world["admin_a"])
    login(client, "admin_a", PASSWORD)
    code = totp.totp(secret)
    response = client.post("/accounts/verifikasi/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(world["admin_a"].pk)
    client.logout()
    login(client, "admin_a", PASSWORD)
    assert client.post("/accounts/verifikasi/", {"code": code}).status_code == 400


def test_wrong_codes_count_towards_the_lockout(client, world):
    secret = enrol(world["admin_a"])
    login(client, "admin_a", PASSWORD)
    wrong = str((int(totp.totp(secret)) + 1) % 1_000_000).zfill(6)
    for _ in range(5):
        client.post("/accounts/verifikasi/", {"code": wrong})
    assert lockout.is_locked("admin_a")
    response = client.post("/accounts/verifikasi/", {"code": totp.totp(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_the_code_step_expires_after_five_minutes(client, world, monkeypatch):
    secret = enrol(world["admin_a"])
    login(client, "admin_a", PASSWORD)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/accounts/verifikasi/", {"code": totp.totp(secret, at=later)})
    assert response["Location"] == "/accounts/login/"


def test_an_administrator_enrols_with_the_secret_shown_as_text_and_uri(client, world):
    client.force_login(world["admin_a"])
    page = client.get("/akun/dua-langkah/").content.decode()
    secret = client.session["budaya_totp_enrol"]
    assert "otpauth://totp/Budaya%3Aadmin_a?secret=" + secret in page.replace("&amp;", "&")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    response = client.post("/akun/dua-langkah/", {"action": "confirm", "code": totp.totp(secret)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=world["admin_a"]).secret == secret
    assert AuditEntry.objects.filter(action="security.totp_enable", actor_name="admin_a").exists()


def test_a_wrong_enrolment_code_creates_no_device(client, world):
    client.force_login(world["admin_a"])
    client.get("/akun/dua-langkah/")
    secret = client.session["budaya_totp_enrol"]
    wrong = str((int(totp.totp(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post("/akun/dua-langkah/", {"action": "confirm", "code": wrong})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=world["admin_a"]).exists()


def test_disabling_totp_needs_a_current_code(client, world):
    secret = enrol(world["admin_a"])
    client.force_login(world["admin_a"])
    response = client.post("/akun/dua-langkah/", {"action": "disable", "code": "12"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=world["admin_a"]).exists()
    client.post("/akun/dua-langkah/", {"action": "disable", "code": totp.totp(secret)})
    assert not TOTPDevice.objects.filter(user=world["admin_a"]).exists()


def test_a_user_without_any_role_cannot_enrol(client, db):
    user = get_user_model().objects.create_user("tanpa_peran", password=PASSWORD)
    client.force_login(user)
    assert client.get("/akun/dua-langkah/").status_code == 403
