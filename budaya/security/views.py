"""Login with lockout and an optional TOTP step, and the TOTP enrolment page of administrators."""

import time

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from budaya.audit.services import log_action
from budaya.institutions.access import is_national_admin, roles_of
from budaya.security import lockout, totp
from budaya.security.models import TOTPDevice

PENDING_KEY = "budaya_totp_pending"
ENROL_KEY = "budaya_totp_enrol"
PENDING_SECONDS = 300


class LockoutAuthenticationForm(AuthenticationForm):
    """The login form; a locked account gets its own message, without a password check."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
            "Coba lagi setelah %(minutes)d menit."
        ),
        "slow": _(
            "Terlalu banyak percobaan masuk yang gagal untuk akun ini. Tunggu %(seconds)d detik, "
            "lalu coba lagi."
        ),
    }

    locked = False

    def clean(self):
        refused = lockout.refusal(
            self.cleaned_data.get("username"), lockout.address_of(self.request)
        )
        if refused is not None and refused.kind == "locked":
            self.locked = True
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, refused.seconds // 60 + 1)},
            )
        if refused is not None:
            self.locked = True  # the template shows this message instead of "wrong password"
            raise forms.ValidationError(
                self.error_messages["slow"], code="slow", params={"seconds": refused.seconds}
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    """Django's login view; when the user has TOTP, the password only opens the code step."""

    form_class = LockoutAuthenticationForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        user = form.get_user()
        if not TOTPDevice.objects.filter(user=user).exists():
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
        }
        return HttpResponseRedirect(reverse("totp_verify"))


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("since", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _accept(device: TOTPDevice, code: str) -> bool:
    """Return True for a current code not used before (a code cannot be replayed)."""
    step = totp.matching_step(device.secret, code)
    if step is None:
        return False
    with transaction.atomic():
        claimed = TOTPDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
            last_used_step=step
        )
    return claimed == 1


@never_cache
@require_http_methods(["GET", "POST"])
def totp_verify(request):
    """Second login step: a correct code from the user's device completes the login."""
    user, pending = _pending_user(request)
    if user is None:
        messages.error(request, _("Silakan masuk lagi."))
        return redirect("login")
    if request.method == "GET":
        return render(request, "security/totp_verify.html", {})
    username = user.get_username()
    address = lockout.address_of(request)
    device = TOTPDevice.objects.filter(user=user).first()
    if lockout.refusal(username, address) is not None:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("Akun ini dikunci sementara. Coba lagi nanti."))
        return redirect("login")
    if device is None or not _accept(device, request.POST.get("code", "")):
        lockout.record_failure(username, address)
        return render(
            request,
            "security/totp_verify.html",
            {"error": _("Kode salah atau sudah dipakai.")},
            status=400,
        )
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=pending["backend"])
    target = pending.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


def may_use_totp(user) -> bool:
    """Return True for staff with a role (administrators above all), who may enrol a device."""
    return is_national_admin(user) or bool(roles_of(user))


def totp_required_for(user) -> bool:
    """Return True when `user` must use TOTP: every staff account with a role (national and
    institution administrators, unit liaisons, evaluators), unless BUDAYA_REQUIRE_TOTP is
    false. An invited account enrols at its first login."""
    from django.conf import settings

    if not getattr(settings, "BUDAYA_REQUIRE_TOTP", True):
        return False
    if user is None or not user.is_authenticated:
        return False
    return is_national_admin(user) or bool(roles_of(user))


def qr_svg(uri: str) -> str:
    """Return the QR code of an otpauth URI as inline SVG markup, drawn here with segno (no
    network, no image file); the page shows the secret as text beside it."""
    code = segno.make(uri, error="m")
    return code.svg_inline(
        scale=4, dark="#000", light="#fff", title=_("Kode QR untuk aplikasi autentikator")
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    """Enrol (secret shown as text and otpauth URI, confirmed by a code) or disable TOTP."""
    if not may_use_totp(request.user):
        raise PermissionDenied(
            _("Verifikasi dua langkah tersedia untuk akun petugas yang mempunyai peran.")
        )
    device = TOTPDevice.objects.filter(user=request.user).first()
    context, status = {"device": device, "required": totp_required_for(request.user)}, 200
    if request.method == "POST":
        code = request.POST.get("code", "")
        action = request.POST.get("action")
        if device is not None and action == "disable":
            if totp_required_for(request.user):
                context["error"], status = (
                    _(
                        "Verifikasi dua langkah wajib untuk administrator dan tidak dapat "
                        "dinonaktifkan."
                    ),
                    400,
                )
            elif _accept(device, code):
                device.delete()
                log_action(request.user, "security.totp_disable", target=request.user.username)
                messages.success(request, _("Verifikasi dua langkah dinonaktifkan."))
                return redirect("totp_setup")
            context["error"], status = _("Kode salah atau sudah dipakai."), 400
        elif device is None and action == "confirm":
            secret = request.session.get(ENROL_KEY)
            step = totp.matching_step(secret, code) if secret else None
            if step is not None:
                TOTPDevice.objects.create(
                    user=request.user,
                    secret=secret,
                    last_used_step=step,
                    confirmed_on=timezone.localdate(),
                )
                request.session.pop(ENROL_KEY, None)
                log_action(request.user, "security.totp_enable", target=request.user.username)
                messages.success(request, _("Verifikasi dua langkah aktif."))
                return redirect("totp_setup")
            context["error"], status = _("Kode tidak cocok. Periksa jam perangkat Anda."), 400
    if device is None:
        secret = request.session.get(ENROL_KEY) or totp.new_secret()
        request.session[ENROL_KEY] = secret
        context.update(
            secret=secret,
            grouped_secret=_grouped(secret),
            uri=totp.provisioning_uri(secret, request.user.get_username()),
        )
        context["qr_svg"] = qr_svg(context["uri"])
    return render(request, "security/totp_setup.html", context, status=status)


def admin_login(request):
    """Send the admin site's login to the one login page (lockout and TOTP apply there too)."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(reverse("login") + "?" + urlencode({"next": target}))


@never_cache
@require_http_methods(["GET", "POST"])
def account_activate(request, uidb64, token):
    """The one-time link of an invited staff account: set a password (Django's validators),
    then sign in, where TOTP enrolment follows. The link expires (PASSWORD_RESET_TIMEOUT) and
    stops working once a password is set."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
        user = get_user_model().objects.get(pk=pk, is_active=True)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "security/activate.html", {"invalid": True})
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        log_action(user, "user.activate", target=user.get_username())
        messages.success(request, _("Kata sandi tersimpan. Silakan masuk."))
        return redirect("login")
    return render(request, "security/activate.html", {"form": form, "member": user})


@login_required
@require_http_methods(["POST"])
def staff_sign_in(request, institution_code, user_id):
    """An administrator helps a staff member of the institution who cannot sign in: "unlock"
    forgets the failed attempts of the account (every address), "reset_totp" removes its TOTP
    device so the next sign-in, with the password, enrols a new one (a lost phone). Only for a
    member whose every role the administrator may give (an institution administrator: unit
    liaisons and evaluators); each change is logged."""
    from django.shortcuts import get_object_or_404

    from budaya.institutions.access import require_institution_admin
    from budaya.institutions.models import Institution, Role
    from budaya.institutions.staff import assignable_roles

    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_admin(request, institution)
    member = get_object_or_404(get_user_model(), pk=user_id)
    held = set(Role.objects.filter(user=member).values_list("role", flat=True))
    if not Role.objects.filter(user=member, institution=institution).exists():
        raise PermissionDenied(_("Pengguna ini bukan petugas instansi ini."))
    if not held <= set(assignable_roles(request.user)):
        raise PermissionDenied(_("Peran ini hanya dapat diubah oleh administrator nasional."))
    action = request.POST.get("action")
    name = member.get_username()
    if action == "unlock":
        lockout.clear(name)
        log_action(request.user, "user.unlock", institution=institution, target=name)
        messages.success(
            request, _("Percobaan masuk %(name)s yang gagal dilupakan.") % {"name": name}
        )
    elif action == "reset_totp":
        removed, _detail = TOTPDevice.objects.filter(user=member).delete()
        if removed:
            log_action(request.user, "user.totp_reset", institution=institution, target=name)
            messages.success(
                request,
                _(
                    "Verifikasi dua langkah %(name)s diatur ulang: saat masuk berikutnya, dengan "
                    "kata sandinya, ia mendaftarkan aplikasi autentikator lagi."
                )
                % {"name": name},
            )
        else:
            messages.error(
                request,
                _("%(name)s belum mendaftarkan verifikasi dua langkah.") % {"name": name},
            )
    else:
        messages.error(request, _("Tindakan tidak dikenal."))
    return redirect("staff_edit", institution.code, member.pk)
