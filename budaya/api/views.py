"""Pages of the API: a user's own tokens, and the open-data page that explains the columns."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.api.models import ApiToken
from budaya.api.opendata import COLUMNS, LICENCE
from budaya.api.tokens import MAX_DAYS, TokenError, create_token, revoke
from budaya.periods.models import Period
from budaya.results.store import is_released

DEFAULT_DAYS = 90


@login_required
def tokens(request):
    """List the signed-in user's tokens; create one (shown once) or revoke one."""
    shown = None
    error = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        raw_days = request.POST.get("days", "").strip()
        try:
            days = int(raw_days) if raw_days else DEFAULT_DAYS
        except ValueError:
            days = None
            error = _("Masa berlaku harus bilangan bulat hari.")
        if error is None and not name:
            error = _("Beri nama token, misalnya untuk apa token dipakai.")
        if error is None:
            try:
                _token, shown = create_token(request.user, name, days, actor=request.user)
            except TokenError:
                error = _("Masa berlaku harus antara 1 dan %(max)s hari.") % {"max": MAX_DAYS}
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user),
            "shown": shown,
            "error": error,
            "default_days": DEFAULT_DAYS,
            "max_days": MAX_DAYS,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    """Revoke one of the signed-in user's own tokens."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    revoke(token, actor=request.user)
    messages.success(request, _("Token %(prefix)s… dicabut.") % {"prefix": token.prefix})
    return redirect("api_tokens")


def open_data(request):
    """Explain the open data: what is published, the columns, the licence, the released
    periods with their download links (no login)."""
    periods = [p for p in Period.objects.order_by("-opens_on") if is_released(p)]
    return render(
        request,
        "api/open_data.html",
        {"columns": COLUMNS, "licence": LICENCE, "periods": periods},
    )
