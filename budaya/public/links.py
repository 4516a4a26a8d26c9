"""Back-office page of a period's employer-branding links: an institution administrator gets
its institution's public link (a national administrator also the national one), created on
request, as `budaya branding-link` does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budaya.audit.services import log_action
from budaya.institutions.access import is_national_admin, require_institution_admin
from budaya.institutions.models import Institution
from budaya.periods.models import Period
from budaya.public.models import BrandingLink
from budaya.public.services import link_for, link_url


def _page(request, period, institution):
    link = BrandingLink.objects.filter(period=period, institution=institution).first()
    if request.method == "POST" and link is None:
        link = link_for(period, institution)
        log_action(
            request.user,
            "branding.link_create",
            institution=institution,
            target=str(link),
            detail={"period": period.code},
        )
        messages.success(request, _("Tautan survei citra pemberi kerja dibuat."))
        if institution is None:
            return redirect("public:national_link", period.code)
        return redirect("public:institution_link", period.code, institution.code)
    return render(
        request,
        "public/links.html",
        {
            "period": period,
            "institution": institution,
            "url": link_url(link) if link else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def institution_link(request, period_code, institution_code):
    """The institution's public employer-branding link of the period."""
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_admin(request, institution)
    return _page(request, period, institution)


@login_required
@require_http_methods(["GET", "POST"])
def national_link(request, period_code):
    """The national public employer-branding link of the period (national administrators)."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    return _page(request, get_object_or_404(Period, code=period_code), None)
