"""Back-office home page (links to every daily task of the signed-in user's roles) and the
national administrator's period pages: list, create, change a draft, open. Closing and
reopening are on the period's management page (budaya.reports, `period_manage`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budaya.institutions.access import is_national_admin
from budaya.institutions.services import home_links
from budaya.periods.forms import PeriodForm
from budaya.periods.models import Period
from budaya.periods.services import (
    PeriodStateError,
    create_period,
    open_period,
    update_period,
    visible_periods,
)


@login_required
def home(request):
    """Render the home page listing the institutions, units and periods the user may see."""
    context = home_links(request.user)
    context["periods"] = visible_periods(request.user)
    return render(request, "backoffice/home.html", context)


def _require_national(request) -> None:
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))


def _form_errors(form: PeriodForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
def period_list(request):
    """List every period with its state and the actions its state allows."""
    _require_national(request)
    periods = Period.objects.select_related("previous").order_by("-opens_on", "code")
    return render(request, "periods/list.html", {"periods": periods})


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request):
    """Create a draft period (the rules of `budaya period create`)."""
    _require_national(request)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = create_period(
                data["code"].strip(),
                data["instrument"],
                data["opens_on"],
                data["closes_on"],
                threshold=data["threshold"],
                name=data["name"].strip(),
                previous=data["previous"],
                actor=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Periode %(code)s dibuat sebagai draf.") % {"code": period.code}
            )
            return redirect("period_list")
    status = 400 if form.errors else 200
    return render(request, "periods/form.html", {"form": form, "period": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, period_code):
    """Change a draft period; an opened period's settings are locked (shown, not editable)."""
    _require_national(request)
    period = get_object_or_404(Period, code=period_code)
    if period.state != Period.State.DRAFT:
        messages.error(
            request,
            _("Periode %(code)s sudah dibuka; pengaturannya terkunci dan tidak dapat diubah.")
            % {"code": period.code},
        )
        return redirect("period_list")
    initial = {
        "code": period.code,
        "name": period.name,
        "instrument": period.instrument,
        "opens_on": period.opens_on,
        "closes_on": period.closes_on,
        "threshold": period.threshold,
        "previous": period.previous,
    }
    form = PeriodForm(request.POST or None, initial=initial, period=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            "name": data["name"].strip(),
            "instrument": data["instrument"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "threshold": data["threshold"],
            "previous": data["previous"],
        }
        try:
            update_period(period, changes, actor=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        except PeriodStateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Periode %(code)s disimpan.") % {"code": period.code})
            return redirect("period_list")
    status = 400 if form.errors else 200
    return render(request, "periods/form.html", {"form": form, "period": period}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def period_open(request, period_code):
    """Open a draft period (the rules of `budaya period open`) after a confirmation page that
    says what opening locks; a POST without the confirmation goes to that page."""
    _require_national(request)
    period = get_object_or_404(Period, code=period_code)
    if period.state != Period.State.DRAFT:
        messages.error(
            request,
            _("Periode %(code)s berstatus %(state)s; hanya draf yang dapat dibuka.")
            % {"code": period.code, "state": period.get_state_display()},
        )
        return redirect("period_list")
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return render(request, "periods/open_confirm.html", {"period": period})
    try:
        open_period(period, actor=request.user)
    except PeriodStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Periode %(code)s dibuka; pengaturan metodenya kini terkunci.")
            % {"code": period.code},
        )
    return redirect("period_list")
