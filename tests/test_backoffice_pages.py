"""Back-office pages of issue 12: periods (national administrators), institutions, the unit
tree and staff accounts (institution administrators), the role-aware menu and home page. Each
page refuses another institution's administrator and the wrong roles; each action is logged."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt
import html
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from budaya.audit.models import AuditEntry
from budaya.institutions.management import update_unit
from budaya.institutions.models import Institution, Role, Unit
from budaya.periods.models import Period
from tests.web_fixtures import PASSWORD, _fast_passwords, instrument, world  # noqa: F401


@pytest.fixture(autouse=True)
def _checks_run_at_once(settings, tmp_path):
    """Unit and institution files are checked by a background job: here it runs at once
    (test_import_jobs.py runs it with the worker); its file is kept in a scratch MEDIA_ROOT."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


OTHERS = ("admin_b", "evaluator_a", "liaison_a")


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# --- menu and home --------------------------------------------------------------------------


def test_the_menu_and_home_link_each_roles_daily_tasks(client, world):
    client.force_login(world["national"])
    page = client.get("/").content.decode()
    for url in ("/periode/", "/instansi/", "/log-audit/", "/periode/P-2026/kelola/"):
        assert f'href="{url}"' in page, url
    client.force_login(world["admin_a"])
    page = client.get("/").content.decode()
    for url in (
        "/instansi/INST-A/unit/",
        "/instansi/INST-A/unit/impor/",
        "/instansi/INST-A/petugas/",
        "/periode/P-2026/instansi/INST-A/daftar-pegawai/",
    ):
        assert f'href="{url}"' in page, url
    assert 'href="/periode/"' not in page and 'href="/admin/"' not in page
    assert "/instansi/INST-B/" not in page
    client.force_login(world["liaison_a"])
    page = client.get("/").content.decode()
    assert 'href="/instansi/INST-A/unit/"' not in page and 'href="/periode/"' not in page


def test_django_admin_is_for_superusers_only(client, world):
    staff = world["admin_a"]
    staff.is_staff = True  # even a staff flag set by hand does not open the admin
    staff.save()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    world["national"].is_superuser = world["national"].is_staff = True
    world["national"].save()
    client.force_login(world["national"])
    assert client.get("/admin/").status_code == 200
    assert 'href="/admin/"' in client.get("/").content.decode()


# --- periods --------------------------------------------------------------------------------

PERIOD = {
    "code": "P-2027",
    "name": "Survei 2027",
    "instrument": "berakhlak-2026",
    "opens_on": "2027-03-01",
    "closes_on": "2027-04-30",
    "threshold": "10",
    "previous": "",
}


def test_a_national_administrator_creates_edits_and_opens_a_period(client, world):
    client.force_login(world["national"])
    form = client.get("/periode/baru/").content.decode()
    assert '<option value="berakhlak-2026">' in form
    response = client.post("/periode/baru/", {**PERIOD, "previous": world["period"].pk})
    assert response.status_code == 302
    period = Period.objects.get(code="P-2027")
    assert period.state == "draft" and period.previous == world["period"]
    assert period.name == "Survei 2027"
    response = client.post("/periode/P-2027/ubah/", {**PERIOD, "threshold": "12"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.threshold == 12 and period.previous is None
    # "Buka" leads to a page that says what opening locks; only its button opens the period
    assert 'href="/periode/P-2027/buka/"' in client.get("/periode/").content.decode()
    confirm = client.get("/periode/P-2027/buka/")
    assert confirm.status_code == 200 and "terkunci" in confirm.content.decode()
    assert client.post("/periode/P-2027/buka/").status_code == 200  # without the confirmation
    period.refresh_from_db()
    assert period.state == "draft"
    assert client.post("/periode/P-2027/buka/", {"confirm": "yes"}).status_code == 302
    period.refresh_from_db()
    assert period.state == "open"
    response = client.get("/periode/P-2027/ubah/", follow=True)
    assert "terkunci" in response.content.decode()
    actions = set(AuditEntry.objects.filter(target="P-2027").values_list("action", flat=True))
    assert actions == {"period.create", "period.update", "period.open"}
    listing = client.get("/periode/").content.decode()
    assert 'href="/periode/P-2027/kelola/"' in listing


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"closes_on": "2027-01-01"}, "closes_on", "Tanggal tutup tidak boleh sebelum"),
        ({"threshold": "4"}, "threshold", ""),
        ({"code": "P-2026"}, "code", "sudah ada"),
        ({"instrument": "tidak-ada"}, "instrument", ""),
        ({"opens_on": "2027-02-30"}, "opens_on", ""),
    ],
)
def test_a_bad_period_form_names_the_field_and_saves_nothing(client, world, changes, field, text):
    client.force_login(world["national"])
    response = client.post("/periode/baru/", {**PERIOD, **changes})
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert text in response.content.decode()
    assert not Period.objects.filter(code="P-2027").exists()


def test_a_previous_period_must_open_before(client, world):
    client.force_login(world["national"])
    later = Period.objects.create(
        code="P-2030",
        instrument="berakhlak-2026",
        opens_on=dt.date(2030, 1, 1),
        closes_on=dt.date(2030, 2, 1),
    )
    response = client.post("/periode/baru/", {**PERIOD, "previous": later.pk})
    assert response.status_code == 400 and "P-2030" in response.content.decode()


def test_opening_twice_is_refused_with_a_message(client, world):
    client.force_login(world["national"])
    for response in (
        client.post("/periode/P-2026/buka/", {"confirm": "yes"}, follow=True),
        client.get("/periode/P-2026/buka/", follow=True),
    ):
        assert "hanya draf yang dapat dibuka" in response.content.decode()
    assert AuditEntry.objects.filter(action="period.open").count() == 0


@pytest.mark.parametrize("persona", ["admin_a", *OTHERS])
def test_period_pages_are_for_national_administrators_only(client, world, persona):
    client.force_login(world[persona])
    for url in ("/periode/", "/periode/baru/", "/periode/P-2026/ubah/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/periode/baru/", PERIOD).status_code == 403
    assert client.post("/periode/P-2026/buka/").status_code == 403
    assert not Period.objects.filter(code="P-2027").exists()


# --- institutions and units -----------------------------------------------------------------


def test_a_national_administrator_adds_an_institution(client, world):
    client.force_login(world["national"])
    data = {"code": "KOTA-X", "name": "Kota X", "kind": "kota", "region": "barat"}
    assert client.post("/instansi/", data).status_code == 302
    assert Institution.objects.get(code="KOTA-X").kind == "kota"
    response = client.post("/instansi/", data)
    assert response.status_code == 400 and "sudah ada" in response.content.decode()
    assert AuditEntry.objects.filter(action="institution.create", target="KOTA-X").count() == 1


def test_an_institution_administrator_sees_only_its_own_and_adds_none(client, world):
    client.force_login(world["admin_a"])
    page = client.get("/instansi/").content.decode()
    assert "INST-A" in page and "INST-B" not in page and 'name="kind"' not in page
    data = {"code": "KOTA-X", "name": "Kota X", "kind": "kota", "region": "barat"}
    assert client.post("/instansi/", data).status_code == 403
    client.force_login(world["liaison_a"])
    assert client.get("/instansi/").status_code == 403


def test_a_national_administrator_renames_and_reclassifies_an_institution(client, world):
    client.force_login(world["national"])
    assert "/instansi/INST-A/ubah/" in client.get("/instansi/").content.decode()
    page = client.get("/instansi/INST-A/ubah/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    data = {"code": "ignored", "name": "  Kota A Baru ", "kind": "kota", "region": "timur"}
    assert client.post("/instansi/INST-A/ubah/", data).status_code == 302
    institution = Institution.objects.get(code="INST-A")  # the code never changes
    assert (institution.name, institution.kind, institution.region) == (
        "Kota A Baru",
        "kota",
        "timur",
    )
    entry = AuditEntry.objects.get(action="institution.update", target="INST-A")
    assert entry.detail["new"] == "Kota A Baru" and entry.detail["region"].endswith("timur")
    # saving the same values again changes and logs nothing
    assert client.post("/instansi/INST-A/ubah/", data).status_code == 302
    assert AuditEntry.objects.filter(action="institution.update").count() == 1


@pytest.mark.parametrize(
    "changes, field",
    [({"name": "   "}, "name"), ({"kind": "desa"}, "kind"), ({"region": "utara"}, "region")],
)
def test_a_bad_institution_form_names_the_field_and_changes_nothing(client, world, changes, field):
    client.force_login(world["national"])
    before = Institution.objects.values().get(code="INST-A")
    data = {"name": "Nama Baru", "kind": "kota", "region": "barat", **changes}
    response = client.post("/instansi/INST-A/ubah/", data)
    assert response.status_code == 400
    assert f'id="id_{field}"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert Institution.objects.values().get(code="INST-A") == before
    assert not AuditEntry.objects.filter(action="institution.update").exists()


@pytest.mark.parametrize("persona", ["admin_a", "admin_b", "liaison_a", "evaluator_a"])
def test_only_national_administrators_change_an_institution(client, world, persona):
    client.force_login(world[persona])
    data = {"name": "Diambil alih", "kind": "kota", "region": "barat"}
    assert client.get("/instansi/INST-A/ubah/").status_code == 403
    assert client.post("/instansi/INST-A/ubah/", data).status_code == 403
    assert Institution.objects.get(code="INST-A").name != "Diambil alih"
    if persona == "admin_a":
        assert "/instansi/INST-A/ubah/" not in client.get("/instansi/").content.decode()


def test_units_are_added_renamed_moved_and_retired(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        "/instansi/INST-A/unit/", {"code": "ANAK", "name": "Unit Anak", "parent": ""}
    )
    assert response.status_code == 302
    besar = world["units"]["BESAR"]
    response = client.post(
        "/instansi/INST-A/unit/ANAK/ubah/",
        {"action": "save", "name": "Unit Anak Baru", "parent": besar.pk},
    )
    assert response.status_code == 302
    anak = Unit.objects.get(institution=world["inst_a"], code="ANAK")
    assert anak.name == "Unit Anak Baru" and anak.parent == besar
    # BESAR under its own child: the form offers no such choice and the service says why
    response = client.post(
        "/instansi/INST-A/unit/BESAR/ubah/", {"action": "save", "name": "x", "parent": anak.pk}
    )
    assert response.status_code == 400
    with pytest.raises(ValidationError, match="lingkaran"):
        update_unit(besar, besar.name, anak)
    besar.refresh_from_db()
    assert besar.parent is None and besar.name == "Unit BESAR"
    # retiring a unit with an active child is refused; the child first
    response = client.post("/instansi/INST-A/unit/BESAR/ubah/", {"action": "retire"})
    assert response.status_code == 400 and "ANAK" in response.content.decode()
    assert client.post("/instansi/INST-A/unit/ANAK/ubah/", {"action": "retire"}).status_code == 302
    anak.refresh_from_db()
    assert anak.retired_on is not None
    page = client.get("/instansi/INST-A/unit/").content.decode()
    assert "nonaktif sejak" in page
    # a retired unit is no parent for a new unit
    response = client.post(
        "/instansi/INST-A/unit/", {"code": "CUCU", "name": "Cucu", "parent": anak.pk}
    )
    assert response.status_code == 400
    actions = list(
        AuditEntry.objects.filter(institution=world["inst_a"], action__startswith="unit.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["unit.create", "unit.rename", "unit.move", "unit.retire"]


def test_units_import_from_xlsx_after_a_preview(client, world):
    client.force_login(world["admin_a"])
    content = xlsx(
        [["code", "name", "parent"], ["BARU", "Unit Baru", "BESAR"], ["KECIL", "Kecil Baru", ""]]
    )
    response = client.post(
        "/instansi/INST-A/unit/impor/", {"file": upload("unit.xlsx", content)}, follow=True
    )
    assert response.status_code == 200
    summary = re.search(r'id="unit-preview-summary">(.*?)</p>', response.content.decode(), re.S)
    assert "Unit baru: 1; diganti nama: 1; dipindah: 0" in summary.group(1)
    assert not Unit.objects.filter(code="BARU").exists()  # nothing before the confirmation
    assert client.post("/instansi/INST-A/unit/impor/", {"confirm": "1"}).status_code == 302
    assert Unit.objects.get(code="BARU").parent == world["units"]["BESAR"]
    assert Unit.objects.get(institution=world["inst_a"], code="KECIL").name == "Kecil Baru"
    assert AuditEntry.objects.filter(action="unit.import").count() == 1
    # the confirmation is single-use
    assert client.post("/instansi/INST-A/unit/impor/", {"confirm": "1"}).status_code == 400


def test_a_unit_file_with_a_loop_is_refused_naming_the_row(client, world):
    client.force_login(world["admin_a"])
    content = xlsx([["code", "name", "parent"], ["BESAR", "Besar", "X1"], ["X1", "X1", "BESAR"]])
    response = client.post(
        "/instansi/INST-A/unit/impor/", {"file": upload("unit.xlsx", content)}, follow=True
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Baris 2, kolom parent: susunan induk membentuk lingkaran (" in page
    assert "parent loop" not in page
    # in English, the same problem in English alone
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/instansi/INST-A/unit/impor/", {"file": upload("unit.xlsx", content)}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert "Row 2, column parent: parent loop (" in page and "lingkaran" not in page
    assert not Unit.objects.filter(code="X1").exists()


@pytest.mark.parametrize("persona", OTHERS)
def test_unit_and_staff_pages_refuse_other_institutions_and_roles(client, world, persona):
    client.force_login(world[persona])
    liaison = world["liaison_a"].pk
    for url in (
        "/instansi/INST-A/unit/",
        "/instansi/INST-A/unit/impor/",
        "/instansi/INST-A/unit/BESAR/ubah/",
        "/instansi/INST-A/petugas/",
        f"/instansi/INST-A/petugas/{liaison}/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/instansi/INST-A/unit/", {"code": "Z", "name": "Z"}).status_code == 403
    assert client.post("/instansi/INST-A/unit/BESAR/ubah/", {"action": "retire"}).status_code == 403
    assert (
        client.post(
            "/instansi/INST-A/petugas/", {"email": "x@example.go.id", "role": "evaluator"}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/instansi/INST-A/petugas/{liaison}/", {"action": "deactivate"}).status_code
        == 403
    )
    assert not Unit.objects.filter(code="Z").exists()
    assert (
        world["units"]["BESAR"].__class__.objects.get(pk=world["units"]["BESAR"].pk).retired_on
        is None
    )
    assert Role.objects.filter(user_id=liaison).exists()


def test_an_administrator_cannot_reach_another_institutions_staff_by_id(client, world):
    client.force_login(world["admin_a"])
    assert client.get(f"/instansi/INST-A/petugas/{world['admin_b'].pk}/").status_code == 403


# --- staff accounts -------------------------------------------------------------------------


def test_an_invited_liaison_sets_a_password_once_then_must_enrol_totp(client, world, settings):
    client.force_login(world["admin_a"])
    besar = world["units"]["BESAR"]
    response = client.post(
        "/instansi/INST-A/petugas/",
        {"email": "Penghubung@Example.go.id", "role": "unit_liaison", "unit": besar.pk},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="penghubung@example.go.id")
    assert not user.has_usable_password()
    assert Role.objects.get(user=user).unit == besar
    (message,) = mail.outbox
    assert message.to == ["penghubung@example.go.id"]
    link = re.search(r"http://testserver(/akun/aktifkan/\S+/)", message.body).group(1)
    client.logout()
    assert "Buat kata sandi" in client.get(link).content.decode()
    new = "rumah-Pohon-sembilan-7"
    response = client.post(link, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert "tidak berlaku lagi" in client.get(link).content.decode()  # one-time
    settings.BUDAYA_REQUIRE_TOTP = True
    client.post("/accounts/login/", {"username": user.username, "password": new})
    assert client.get("/").get("Location") == "/akun/dua-langkah/"
    page = client.get("/akun/dua-langkah/").content.decode()
    assert "<svg" in page and "otpauth://totp/" in page
    actions = set(AuditEntry.objects.filter(target=user.username).values_list("action", flat=True))
    assert actions == {"user.invite", "user.activate"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "bukan-alamat", "role": "evaluator"}, "email"),
        ({"email": "p@example.go.id", "role": "unit_liaison"}, "unit"),
        ({"email": "p@example.go.id", "role": "institution_admin"}, "role"),
        ({"email": "admin_a", "role": "evaluator"}, "email"),
    ],
)
def test_a_bad_invitation_names_the_field_and_creates_nobody(client, world, data, field):
    client.force_login(world["admin_a"])
    before = get_user_model().objects.count()
    response = client.post("/instansi/INST-A/petugas/", data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert get_user_model().objects.count() == before and not mail.outbox


def test_a_national_administrator_may_invite_an_institution_administrator(client, world):
    client.force_login(world["national"])
    response = client.post(
        "/instansi/INST-B/petugas/", {"email": "kepala@example.go.id", "role": "institution_admin"}
    )
    assert response.status_code == 302
    assert Role.objects.get(user__username="kepala@example.go.id").institution == world["inst_b"]


def test_staff_role_changes_and_deactivation(client, world):
    client.force_login(world["admin_a"])
    liaison = world["liaison_a"]
    url = f"/instansi/INST-A/petugas/{liaison.pk}/"
    sedang = world["units"]["SEDANG"]
    assert (
        client.post(url, {"action": "save", "role": "unit_liaison", "unit": sedang.pk}).status_code
        == 302
    )
    assert Role.objects.get(user=liaison).unit == sedang
    assert client.post(url, {"action": "save", "role": "evaluator", "unit": ""}).status_code == 302
    assert Role.objects.get(user=liaison).role == "evaluator"
    # an institution administrator cannot touch another administrator
    other = get_user_model().objects.create_user("admin_a2", password=PASSWORD)
    Role.objects.create(user=other, role="institution_admin", institution=world["inst_a"])
    response = client.post(f"/instansi/INST-A/petugas/{other.pk}/", {"action": "deactivate"})
    assert response.status_code == 400 and Role.objects.filter(user=other).exists()
    assert client.post(url, {"action": "deactivate"}).status_code == 302
    liaison.refresh_from_db()
    assert not liaison.is_active and not Role.objects.filter(user=liaison).exists()
    actions = list(
        AuditEntry.objects.filter(target="liaison_a")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["user.role_change", "user.role_change", "user.deactivate"]


def test_an_administrator_unlocks_a_liaison_and_resets_their_two_step_verification(client, world):
    from budaya.security import lockout
    from budaya.security.models import TOTPDevice

    liaison = world["liaison_a"]
    for _ in range(5):
        lockout.record_failure("liaison_a", "203.0.113.9")
    assert lockout.is_locked("liaison_a", "203.0.113.9")
    TOTPDevice.objects.create(user=liaison, secret="JBSWY3DPEHPK3PXP", confirmed_on=dt.date.today())
    client.force_login(world["admin_a"])
    page = client.get(f"/instansi/INST-A/petugas/{liaison.pk}/").content.decode()
    assert "Buka kunci masuk" in page and "Atur ulang verifikasi dua langkah" in page
    url = f"/instansi/INST-A/petugas/{liaison.pk}/masuk/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"action": "unlock"}).status_code == 302
    assert not lockout.is_locked("liaison_a", "203.0.113.9")
    response = client.post(url, {"action": "reset_totp"}, follow=True)
    assert "mendaftarkan aplikasi autentikator lagi" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=liaison).exists()
    response = client.post(url, {"action": "reset_totp"}, follow=True)
    assert "belum mendaftarkan verifikasi dua langkah" in response.content.decode()
    assert "Atur ulang verifikasi dua langkah" not in response.content.decode()
    actions = list(
        AuditEntry.objects.filter(target="liaison_a")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["user.unlock", "user.totp_reset"]


def test_sign_in_help_is_refused_beyond_the_administrators_reach(client, world):
    from budaya.security.models import TOTPDevice

    other_admin = get_user_model().objects.create_user("admin_a2", password=PASSWORD)
    Role.objects.create(user=other_admin, role="institution_admin", institution=world["inst_a"])
    national = world["national"]
    for member in (other_admin, world["liaison_a"]):
        TOTPDevice.objects.create(
            user=member, secret="JBSWY3DPEHPK3PXP", confirmed_on=dt.date.today()
        )
    cases = [
        ("admin_a", other_admin),  # another administrator: national administrators only
        ("admin_b", world["liaison_a"]),  # another institution's administrator
        ("liaison_a", world["liaison_a"]),  # not an administrator
        ("evaluator_a", world["liaison_a"]),
        ("admin_a", national),  # no staff member of this institution
    ]
    for persona, member in cases:
        client.force_login(world[persona])
        response = client.post(
            f"/instansi/INST-A/petugas/{member.pk}/masuk/", {"action": "reset_totp"}
        )
        assert response.status_code == 403, (persona, member)
    assert TOTPDevice.objects.count() == 2
    assert not AuditEntry.objects.filter(action__in=["user.unlock", "user.totp_reset"]).exists()
    # a national administrator may help the institution's administrator
    client.force_login(national)
    response = client.post(
        f"/instansi/INST-A/petugas/{other_admin.pk}/masuk/", {"action": "reset_totp"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=other_admin).exists()


def test_a_roster_naming_a_retired_unit_is_refused(db):
    from budaya.institutions.management import retire_unit
    from budaya.interchange.nip import make_nip
    from budaya.roster.services import RosterImportError, validate_roster

    institution = Institution.objects.create(
        code="KAB-R", name="Kabupaten R", kind="kabupaten", region="barat"
    )
    unit = Unit.objects.create(institution=institution, code="LAMA", name="Unit Lama")
    period = Period.objects.create(
        code="R-2026",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 4, 30),
    )
    nip = make_nip(dt.date(1980, 1, 1), "L", (2010, 1), 1)
    content = f"nip,nama,jenis_kelamin,jenis_pegawai,unit_kerja\n{nip},A,L,PNS,LAMA\n".encode()
    assert validate_roster(period, institution, content, "r.csv").total == 1
    retire_unit(unit)
    with pytest.raises(RosterImportError, match="LAMA' sudah dinonaktifkan"):
        validate_roster(period, institution, content, "r.csv")


def test_branding_links_are_created_on_request_and_scoped(client, world):
    from budaya.public.models import BrandingLink

    url = "/periode/P-2026/instansi/INST-A/tautan-eb/"
    client.force_login(world["admin_b"])
    assert client.get(url).status_code == 403 and client.post(url).status_code == 403
    client.force_login(world["admin_a"])
    assert "/eb/" not in client.get(url).content.decode()
    assert not BrandingLink.objects.exists()  # looking creates nothing
    assert client.post(url).status_code == 302
    link = BrandingLink.objects.get(institution=world["inst_a"])
    assert f"/eb/{link.slug}/" in client.get(url).content.decode()
    assert f'href="{url}"' in client.get("/").content.decode()
    assert client.get("/periode/P-2026/tautan-eb/").status_code == 403
    client.force_login(world["national"])
    assert client.post("/periode/P-2026/tautan-eb/").status_code == 302
    assert BrandingLink.objects.filter(institution=None).count() == 1
    assert AuditEntry.objects.filter(action="branding.link_create").count() == 2


def test_the_evaluation_deadline_is_set_on_its_page(client, world):
    from budaya.evaluation.models import deadline_for

    url = "/evaluasi/P-2026/batas/"
    client.force_login(world["admin_a"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"deadline": "2026-04-15"}).status_code == 403
    client.force_login(world["national"])
    assert f'href="{url}"' in client.get("/").content.decode()
    assert 'value="2026-04-30"' in client.get(url).content.decode()  # the closing date
    response = client.post(url, {"deadline": "2026-02-01"})
    assert response.status_code == 400 and "2026-03-01" in response.content.decode()
    assert client.post(url, {"deadline": "2026-04-15"}).status_code == 302
    assert deadline_for(world["period"]) == dt.date(2026, 4, 15)
    assert AuditEntry.objects.filter(action="evaluation.schedule", target="P-2026").exists()


def test_an_invitation_whose_mail_fails_creates_no_account(client, world, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPException("server menolak")

    monkeypatch.setattr("budaya.institutions.views.send_mail", refuse)
    client.force_login(world["admin_a"])
    response = client.post(
        "/instansi/INST-A/petugas/", {"email": "e@example.go.id", "role": "evaluator"}
    )
    assert response.status_code == 400 and "tidak ada akun yang dibuat" in response.content.decode()
    assert not get_user_model().objects.filter(username="e@example.go.id").exists()
    assert not AuditEntry.objects.filter(action="user.invite").exists()


def test_the_command_line_gives_no_role_on_a_retired_unit(world, monkeypatch, capsys):
    import sys

    from budaya.cli import main
    from budaya.institutions.management import retire_unit

    retire_unit(world["units"]["KECIL"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("rumah-Pohon-sembilan-7\n"))
    args = ["user", "add", "baru", "--role", "unit_liaison", "--institution", "INST-A"]
    assert main([*args, "--unit", "KECIL"]) == 1
    assert "dinonaktifkan" in capsys.readouterr().err
    assert not Role.objects.filter(user__username="baru").exists()


def test_institutions_import_from_xlsx_after_a_preview(client, world):
    url = "/instansi/impor/"
    content = xlsx(
        [
            ["code", "name", "kind", "region"],
            ["KOTA-Y", "Kota Y", "kota", "timur"],
            ["INST-A", "Instansi A Baru", "kabupaten", "tengah"],
        ]
    )
    client.force_login(world["admin_a"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload("i.xlsx", content)}).status_code == 403
    client.force_login(world["national"])
    assert 'href="/instansi/impor/"' in client.get("/instansi/").content.decode()
    response = client.post(url, {"file": upload("i.xlsx", content)}, follow=True)
    assert "Instansi baru: 1; diubah: 1; tidak berubah: 0" in response.content.decode()
    assert not Institution.objects.filter(code="KOTA-Y").exists()
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert Institution.objects.get(code="KOTA-Y").region == "timur"
    assert Institution.objects.get(code="INST-A").name == "Instansi A Baru"
    assert AuditEntry.objects.filter(action="institution.import").count() == 1
    bad = xlsx([["code", "name", "kind", "region"], ["KOTA-Z", "Kota Z", "desa", "timur"]])
    response = client.post(url, {"file": upload("bad.xlsx", bad)}, follow=True)
    assert response.status_code == 400
    assert "'desa' bukan jenis" in html.unescape(response.content.decode())


def test_a_revoked_account_can_be_invited_again_and_must_set_a_new_password(client, world):
    client.force_login(world["admin_a"])
    liaison = world["liaison_a"]
    assert client.post(f"/instansi/INST-A/petugas/{liaison.pk}/", {"action": "deactivate"})
    response = client.post(
        "/instansi/INST-A/petugas/", {"email": "liaison_a", "role": "evaluator"}, follow=True
    )
    assert response.status_code == 400  # 'liaison_a' is no e-mail address
    liaison.email = "liaison@example.go.id"
    liaison.username = "liaison@example.go.id"
    liaison.save()
    response = client.post(
        "/instansi/INST-A/petugas/", {"email": "liaison@example.go.id", "role": "evaluator"}
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.is_active and not liaison.has_usable_password()
    assert Role.objects.get(user=liaison).role == "evaluator"


def test_an_institutions_file_with_problems_is_refused_in_the_readers_language(client, world):
    client.force_login(world["national"])
    content = xlsx([["code", "name", "kind", "region"], ["KOTA-Z", "", "desa", "timur"]])
    response = client.post("/instansi/impor/", {"file": upload("i.xlsx", content)}, follow=True)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Baris 2, kolom name: sel wajib kosong" in page
    assert "Baris 2, kolom kind: 'desa' bukan jenis; isi " in page
    assert "empty cell" not in page and "not a kind" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/instansi/impor/", {"file": upload("i.xlsx", content)}, follow=True)
    page = html.unescape(response.content.decode())
    assert "Row 2, column name: empty cell" in page and "Row 2, column kind: not a kind" in page
    assert "sel wajib kosong" not in page and "bukan jenis" not in page
    assert not Institution.objects.filter(code="KOTA-Z").exists()
