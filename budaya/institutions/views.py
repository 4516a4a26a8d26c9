"""Back-office pages of institutions, their unit tree and their staff accounts.

National administrators list, add, rename and reclassify institutions; an institution's administrator (or a
national administrator) manages its units (add, rename, move, retire, import a file with a
preview first) and its staff (invite by e-mail, change role or unit, deactivate). Every page
checks the institution against the signed-in user (budaya.institutions.access)."""

import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from budaya.audit.services import log_action
from budaya.institutions import importjobs
from budaya.institutions.access import is_national_admin, require_institution_admin
from budaya.institutions.forms import (
    InstitutionEditForm,
    InstitutionForm,
    StaffInviteForm,
    StaffRoleForm,
    UnitForm,
    UnitImportForm,
)
from budaya.institutions.importing import (
    TableImportError,
    apply_institution_rows,
    apply_unit_rows,
    refuse_oversized,
)
from budaya.institutions.management import (
    add_unit,
    create_institution,
    restore_unit,
    retire_unit,
    unit_tree,
    update_institution,
    update_unit,
)
from budaya.institutions.models import Institution, Role, Unit
from budaya.institutions.services import visible_institutions
from budaya.institutions.staff import (
    activation_path,
    assignable_roles,
    change_staff_role,
    deactivate_staff,
    invite_staff,
    staff_of,
)
from budaya.interchange.roster_import import RowProblem
from budaya.jobs.models import Job
from budaya.jobs.pages import progress_json

UNIT_IMPORT_KEY = "unit_import"
INSTITUTION_IMPORT_KEY = "institution_import"


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            form.add_error(field if field in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


def _institution(request, institution_code) -> Institution:
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_admin(request, institution)
    return institution


@login_required
@require_http_methods(["GET", "POST"])
def institution_list(request):
    """Institutions the user administers; a national administrator sees all and adds one."""
    national = is_national_admin(request.user)
    admin_ids = {
        role.institution_id
        for role in Role.objects.filter(user=request.user, role=Role.Name.INSTITUTION_ADMIN)
    }
    institutions = [
        inst for inst in visible_institutions(request.user) if national or inst.pk in admin_ids
    ]
    if not institutions and not national:
        raise PermissionDenied(_("Anda bukan administrator instansi."))
    form = InstitutionForm(request.POST or None) if national else None
    if request.method == "POST":
        if not national:
            raise PermissionDenied(_("Hanya administrator nasional yang dapat menambah instansi."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                institution = create_institution(
                    data["code"], data["name"], data["kind"], data["region"], actor=request.user
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(
                    request, _("Instansi %(name)s ditambahkan.") % {"name": institution.name}
                )
                return redirect("institution_list")
    return render(
        request,
        "institutions/list.html",
        {"institutions": institutions, "form": form, "national": national},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request, institution_code):
    """National administrators: rename an institution or change its kind or region."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional yang dapat mengubah instansi."))
    institution = get_object_or_404(Institution, code=institution_code)
    initial = {
        "code": institution.code,
        "name": institution.name,
        "kind": institution.kind,
        "region": institution.region,
    }
    form = InstitutionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_institution(
                institution, data["name"], data["kind"], data["region"], actor=request.user
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Instansi %(code)s disimpan.") % {"code": institution.code})
            return redirect("institution_list")
    return render(
        request,
        "institutions/institution_edit.html",
        {"institution": institution, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def institution_import(request):
    """National administrators: a file of institutions, checked and previewed, then written
    (the rules of `budaya import-institutions`)."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    context = {"form": UnitImportForm(), "kind": "institutions"}
    context["form"].fields["file"].label = _("Berkas instansi (XLSX atau CSV)")
    context["form"].fields["file"].help_text = _(
        "Kolom: code, name, kind (kementerian, lembaga, provinsi, kabupaten, kota), region "
        "(barat, tengah, timur, pusat)."
    )
    if request.method == "GET":
        return render(request, "institutions/institution_import.html", context)
    if request.POST.get("confirm"):
        pending = request.session.pop(INSTITUTION_IMPORT_KEY, None) or {}
        rows = _checked_rows(pending, importjobs.INSTITUTION_CHECK, None)
        if not rows:
            context["problems"] = [_("Pratinjau sudah kedaluwarsa; unggah berkas sekali lagi.")]
            return render(request, "institutions/institution_import.html", context, status=400)
        created, updated = apply_institution_rows(rows)
        log_action(
            request.user,
            "institution.import",
            target=pending["filename"],
            detail={"created": created, "updated": updated},
        )
        messages.success(
            request,
            _("Instansi tersimpan: %(created)s baru, %(updated)s diperbarui.")
            % {"created": created, "updated": updated},
        )
        return redirect("institution_list")
    upload = request.FILES.get("file")
    if upload is None:
        context["problems"] = [_("Pilih berkas XLSX atau CSV.")]
        return render(request, "institutions/institution_import.html", context, status=400)
    try:
        refuse_oversized(upload.name, upload.size)  # before the file is read
    except TableImportError as error:
        context["problems"] = [problem.localized() for problem in error.problems]
        context["filename"] = upload.name
        return render(request, "institutions/institution_import.html", context, status=400)
    name = importjobs.keep_file(upload.read(), upload.name)
    job = importjobs.queue_check(importjobs.INSTITUTION_CHECK, name, upload.name, user=request.user)
    request.session[INSTITUTION_IMPORT_KEY] = {"filename": upload.name, "job": job.pk}
    return redirect("institution_import_job", job.pk)


def _checked_rows(pending, kind, institution) -> list[tuple] | None:
    """Return the checked rows of the session's check job (and empty its result: the
    confirmation is single-use), or None when there is none."""
    job = Job.objects.filter(
        pk=pending.get("job") or 0, kind=kind, institution=institution, state=Job.State.DONE
    ).first()
    if job is None or not job.result.get("rows"):
        return None
    rows = [tuple(row) for row in job.result["rows"]]
    Job.objects.filter(pk=job.pk).update(result={})
    return rows


def _import_job_page(request, job, context, form_template, preview_template):
    """Render a check job: the bar while it runs, then the problems or the preview."""
    context.update(job=job)
    result = job.result if job.state == Job.State.DONE else {}
    if "problems" in result:
        context["problems"] = [RowProblem.from_data(p).localized() for p in result["problems"]]
        context["filename"] = result.get("filename", "")
        return render(request, form_template, context, status=400)
    if "preview" in result:
        context.update(filename=result.get("filename", ""), preview=result["preview"])
        return render(request, preview_template, context)
    return render(request, "institutions/import_job.html", context)


@login_required
@require_GET
def institution_import_job(request, institution_job_id):
    """A national administrator's institution-file check: bar, then problems or preview."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    job = get_object_or_404(Job, pk=institution_job_id, kind=importjobs.INSTITUTION_CHECK)
    context = {
        "form": UnitImportForm(),
        "kind": "institutions",
        "back": reverse("institution_import"),
        "progress_url": reverse("institution_import_progress", args=[job.pk]),
    }
    return _import_job_page(
        request,
        job,
        context,
        "institutions/institution_import.html",
        "institutions/institution_preview.html",
    )


@login_required
@require_GET
def institution_import_progress(request, institution_job_id):
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    return progress_json(
        get_object_or_404(Job, pk=institution_job_id, kind=importjobs.INSTITUTION_CHECK)
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_list(request, institution_code):
    """The institution's unit tree, with a form to add a unit."""
    institution = _institution(request, institution_code)
    form = UnitForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = add_unit(
                institution, data["code"], data["name"], data["parent"], actor=request.user
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Unit %(code)s ditambahkan.") % {"code": unit.code})
            return redirect("unit_list", institution.code)
    return render(
        request,
        "institutions/units.html",
        {"institution": institution, "tree": unit_tree(institution), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, institution_code, unit_code):
    """Rename a unit, move it under another parent, retire it or make it active again."""
    institution = _institution(request, institution_code)
    unit = get_object_or_404(Unit, institution=institution, code=unit_code)
    initial = {"code": unit.code, "name": unit.name, "parent": unit.parent}
    form = UnitForm(request.POST or None, initial=initial, institution=institution, unit=unit)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "retire":
                retire_unit(unit, actor=request.user)
                messages.success(request, _("Unit %(code)s dinonaktifkan.") % {"code": unit.code})
                return redirect("unit_list", institution.code)
            if action == "restore":
                restore_unit(unit, actor=request.user)
                messages.success(request, _("Unit %(code)s diaktifkan lagi.") % {"code": unit.code})
                return redirect("unit_list", institution.code)
            if form.is_valid():
                update_unit(
                    unit, form.cleaned_data["name"], form.cleaned_data["parent"], actor=request.user
                )
                messages.success(request, _("Unit %(code)s disimpan.") % {"code": unit.code})
                return redirect("unit_list", institution.code)
        except ValidationError as error:
            _put_errors(form, error)
    return render(
        request,
        "institutions/unit_edit.html",
        {"institution": institution, "unit": unit, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request, institution_code):
    """GET: the form; POST file: check and preview; POST confirm: write the previewed rows."""
    institution = _institution(request, institution_code)
    form = UnitImportForm()
    context = {"institution": institution, "form": form}
    if request.method == "GET":
        return render(request, "institutions/unit_import.html", context)
    if request.POST.get("confirm"):
        pending = request.session.pop(UNIT_IMPORT_KEY, None) or {}
        rows = (
            _checked_rows(pending, importjobs.UNIT_CHECK, institution)
            if pending.get("institution") == institution.code
            else None
        )
        if not rows:
            context["problems"] = [_("Pratinjau sudah kedaluwarsa; unggah berkas sekali lagi.")]
            return render(request, "institutions/unit_import.html", context, status=400)
        try:
            created, updated = apply_unit_rows(institution, rows, pending["filename"])
        except TableImportError as error:
            context["problems"] = [problem.localized() for problem in error.problems]
            context["filename"] = pending["filename"]
            return render(request, "institutions/unit_import.html", context, status=400)
        log_action(
            request.user,
            "unit.import",
            institution=institution,
            target=pending["filename"],
            detail={"created": created, "updated": updated},
        )
        messages.success(
            request,
            _("Unit kerja tersimpan: %(created)s baru, %(updated)s diperbarui.")
            % {"created": created, "updated": updated},
        )
        return redirect("unit_list", institution.code)
    upload = request.FILES.get("file")
    if upload is None:
        context["problems"] = [_("Pilih berkas XLSX atau CSV.")]
        return render(request, "institutions/unit_import.html", context, status=400)
    try:
        refuse_oversized(upload.name, upload.size)  # before the file is read
    except TableImportError as error:
        context["problems"] = [problem.localized() for problem in error.problems]
        context["filename"] = upload.name
        return render(request, "institutions/unit_import.html", context, status=400)
    name = importjobs.keep_file(upload.read(), upload.name)
    job = importjobs.queue_check(
        importjobs.UNIT_CHECK, name, upload.name, institution=institution, user=request.user
    )
    request.session[UNIT_IMPORT_KEY] = {
        "institution": institution.code,
        "filename": upload.name,
        "job": job.pk,
    }
    return redirect("unit_import_job", institution.code, job.pk)


def _unit_job(request, institution_code, import_job_id):
    institution = _institution(request, institution_code)
    job = get_object_or_404(
        Job, pk=import_job_id, kind=importjobs.UNIT_CHECK, institution=institution
    )
    return institution, job


@login_required
@require_GET
def unit_import_job(request, institution_code, import_job_id):
    """A unit-file check: its bar, then the problems or the preview and its confirmation."""
    institution, job = _unit_job(request, institution_code, import_job_id)
    context = {
        "institution": institution,
        "form": UnitImportForm(),
        "back": reverse("unit_import", args=[institution.code]),
        "progress_url": reverse("unit_import_progress", args=[institution.code, job.pk]),
    }
    return _import_job_page(
        request,
        job,
        context,
        "institutions/unit_import.html",
        "institutions/unit_preview.html",
    )


@login_required
@require_GET
def unit_import_progress(request, institution_code, import_job_id):
    _institution_, job = _unit_job(request, institution_code, import_job_id)
    return progress_json(job)


def _send_activation(request, user, institution) -> None:
    uidb64, token = activation_path(user)
    link = request.build_absolute_uri(reverse("account_activate", args=[uidb64, token]))
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    send_mail(
        _("Akun Budaya Anda di %(institution)s") % {"institution": institution.name},
        _(
            "Anda didaftarkan sebagai petugas survei budaya kerja %(institution)s.\n\n"
            "Buka tautan berikut untuk membuat kata sandi (berlaku %(days)s hari, sekali pakai):\n"
            "%(link)s\n\nSetelah masuk pertama kali, Anda akan mengaktifkan verifikasi dua "
            "langkah (TOTP) dengan aplikasi autentikator."
        )
        % {"institution": institution.name, "days": days, "link": link},
        None,
        [user.email],
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_list(request, institution_code):
    """The institution's staff and their roles, with the invitation form."""
    institution = _institution(request, institution_code)
    roles = assignable_roles(request.user)
    form = StaffInviteForm(request.POST or None, institution=institution, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # no account when the e-mail cannot be sent
                user = invite_staff(
                    institution, data["email"], data["role"], data["unit"], actor=request.user
                )
                _send_activation(request, user, institution)
        except ValidationError as error:
            _put_errors(form, error)
        except (OSError, smtplib.SMTPException) as error:
            form.add_error(
                None,
                _("E-mail tidak dapat dikirim (%(error)s); tidak ada akun yang dibuat.")
                % {"error": error},
            )
        else:
            messages.success(
                request,
                _("Undangan akun dikirim ke %(email)s.") % {"email": user.email},
            )
            return redirect("staff_list", institution.code)
    return render(
        request,
        "institutions/staff.html",
        {
            "institution": institution,
            "staff": staff_of(institution),
            "form": form,
            "editable": roles,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, institution_code, user_id):
    """Change a staff member's role or unit in the institution, resend the link, deactivate."""
    institution = _institution(request, institution_code)
    user = get_object_or_404(get_user_model(), pk=user_id)
    assignment = (
        Role.objects.filter(user=user, institution=institution).select_related("unit").first()
    )
    if assignment is None:
        raise PermissionDenied(_("Pengguna ini bukan petugas instansi ini."))
    roles = assignable_roles(request.user)
    initial = {"role": assignment.role, "unit": assignment.unit}
    form = StaffRoleForm(
        request.POST or None, initial=initial, institution=institution, roles=roles
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "deactivate":
                deactivate_staff(institution, user, actor=request.user)
                messages.success(
                    request, _("Akses %(name)s dicabut.") % {"name": user.get_username()}
                )
                return redirect("staff_list", institution.code)
            if action == "resend":
                if user.has_usable_password():
                    raise ValidationError(_("Pengguna ini sudah membuat kata sandi."))
                _send_activation(request, user, institution)
                messages.success(
                    request, _("Tautan dikirim ulang ke %(email)s.") % {"email": user.email}
                )
                return redirect("staff_list", institution.code)
            if form.is_valid():
                change_staff_role(
                    assignment,
                    form.cleaned_data["role"],
                    form.cleaned_data["unit"],
                    actor=request.user,
                )
                messages.success(
                    request, _("Peran %(name)s disimpan.") % {"name": user.get_username()}
                )
                return redirect("staff_list", institution.code)
        except ValidationError as error:
            _put_errors(form, error)
    return render(
        request,
        "institutions/staff_edit.html",
        {
            "institution": institution,
            "member": user,
            "assignment": assignment,
            "form": form,
            "may_change": assignment.role in roles,
        },
        status=400 if form.errors else 200,
    )
