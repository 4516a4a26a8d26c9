"""The institution administrator's invitation page: export links, send e-mails, shared link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from budaya.institutions.access import require_institution_admin
from budaya.institutions.models import Institution
from budaya.periods.models import Period
from budaya.survey.export import csv_bytes, xlsx_bytes
from budaya.survey.models import SharedLink
from budaya.survey.services import (
    InvitationsSealed,
    create_invitations,
    get_or_create_shared_link,
    invitation_counts,
    refuse_sealed,
    send_invitation_emails,
    shared_link_url,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invitations(request, period_code, institution_code):
    """Show invitation counts; POST exports links (CSV/XLSX), sends e-mails or makes a shared link."""
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_admin(request, institution)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("csv", "xlsx", "email"):
                refuse_sealed(period)
        except InvitationsSealed as error:
            messages.error(request, str(error))
            return redirect(
                "survey:invitations", period_code=period.code, institution_code=institution.code
            )
        if action in ("csv", "xlsx"):
            issued = create_invitations(period, institution, actor=request.user)
            body = csv_bytes(issued) if action == "csv" else xlsx_bytes(issued)
            content_type = "text/csv; charset=utf-8" if action == "csv" else XLSX_TYPE
            response = HttpResponse(body, content_type=content_type)
            filename = f"undangan-{period.code}-{institution.code}.{action}"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        if action == "email":
            from budaya.safety import console_email_page_message, console_email_refused

            if console_email_refused():
                messages.error(request, console_email_page_message())
                return redirect(
                    "survey:invitations",
                    period_code=period.code,
                    institution_code=institution.code,
                )
            sent = send_invitation_emails(period, institution, actor=request.user)
            messages.success(
                request,
                _(
                    "%(count)d e-mail undangan dikirim. Tautan lama yang belum dipakai untuk "
                    "penerima ini tidak berlaku lagi."
                )
                % {"count": sent},
            )
        elif action == "shared":
            get_or_create_shared_link(period, institution, actor=request.user)
            messages.success(request, _("Tautan bersama siap dibagikan."))
        else:
            messages.error(request, _("Tindakan tidak dikenal."))
        return redirect(
            "survey:invitations", period_code=period.code, institution_code=institution.code
        )
    shared = SharedLink.objects.filter(period=period, institution=institution).first()
    return render(
        request,
        "survey/invitations.html",
        {
            "period": period,
            "institution": institution,
            "counts": invitation_counts(period, institution),
            "shared_url": shared_link_url(shared) if shared else "",
        },
    )
