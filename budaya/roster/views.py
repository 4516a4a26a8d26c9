"""Roster upload with a preview of counts per unit before the administrator confirms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budaya.institutions.access import require_institution_admin
from budaya.institutions.models import Institution
from budaya.language import localized
from budaya.periods.models import Period
from budaya.roster import uploads
from budaya.roster.models import RosterEntry
from budaya.roster.services import (
    RosterImportError,
    RosterLocked,
    import_roster,
    refuse_oversized,
    validate_roster,
)

SESSION_KEY = "roster_upload"


@login_required
@require_http_methods(["GET", "POST"])
def roster_upload(request, period_code, institution_code):
    """GET: the form; POST file: validate and preview; POST confirm: import the previewed file."""
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_admin(request, institution)
    context = {
        "period": period,
        "institution": institution,
        "current": RosterEntry.objects.filter(period=period, institution=institution).count(),
        "locked": period.state != Period.State.DRAFT,
    }
    if request.method == "GET":
        return render(request, "roster/upload.html", context)
    if request.POST.get("confirm"):
        return _confirm(request, period, institution, context)
    upload = request.FILES.get("file")
    if upload is None:
        context["problems"] = [_("Pilih berkas CSV atau XLSX.")]
        return render(request, "roster/upload.html", context, status=400)
    try:
        refuse_oversized(upload.name, upload.size)  # before the file is read into memory
        content = upload.read()
        preview = validate_roster(period, institution, content, upload.name)
    except RosterLocked as error:
        context["problems"] = [localized(error)]
        return render(request, "roster/upload.html", context, status=409)
    except RosterImportError as error:
        context["problems"] = [problem.localized() for problem in error.problems]
        context["more"] = error.more
        context["filename"] = upload.name
        return render(request, "roster/upload.html", context, status=400)
    token = uploads.keep_upload(content, upload.name)
    previous = request.session.get(SESSION_KEY)
    if previous:
        uploads.discard_upload(previous.get("token", ""))
    request.session[SESSION_KEY] = {
        "token": token,
        "period": period.code,
        "institution": institution.code,
        "filename": upload.name,
    }
    context.update(preview=preview, token=token)
    return render(request, "roster/preview.html", context)


def _confirm(request, period, institution, context):
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    content = None
    if (
        pending.get("token") == token
        and pending.get("period") == period.code
        and pending.get("institution") == institution.code
    ):
        content = uploads.read_upload(token)
    if content is None:
        context["problems"] = [_("Pratinjau sudah kedaluwarsa; unggah berkas sekali lagi.")]
        return render(request, "roster/upload.html", context, status=400)
    try:
        summary = import_roster(
            validate_roster(period, institution, content, pending["filename"]), actor=request.user
        )
    except RosterLocked as error:
        context["problems"] = [localized(error)]
        return render(request, "roster/upload.html", context, status=409)
    except RosterImportError as error:
        context["problems"] = [problem.localized() for problem in error.problems]
        return render(request, "roster/upload.html", context, status=400)
    finally:
        uploads.discard_upload(token)
        request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _("Daftar pegawai tersimpan: %(total)s pegawai (baru %(new)s, dihapus %(removed)s).")
        % {"total": summary.total, "new": summary.created, "removed": summary.removed},
    )
    return redirect("participation", period.code, institution.code)
