"""The public employer-branding survey page (no login) and its thanks page."""

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from budaya.instruments import load_instrument
from budaya.public import services
from budaya.public.forms import BrandingForm
from budaya.public.models import BrandingLink
from budaya.survey.views import current_lang, language_param


def _page(request, link, form, instrument, status=200, **extra):
    return render(
        request,
        "public/form.html",
        {
            "link": link,
            "form": form,
            "title": instrument.title.get(current_lang()),
            "max_reasons": instrument.branding_max_reasons,
            **extra,
        },
        status=status,
    )


def _message(request, kind, status=200, link=None):
    return render(request, "public/message.html", {"kind": kind, "link": link}, status=status)


@never_cache
@language_param
@require_http_methods(["GET", "POST"])
def survey(request, link_slug):
    """Show the public survey; a POST passes the abuse checks, then stores one response."""
    slug = link_slug
    link = get_object_or_404(
        BrandingLink.objects.select_related("period", "institution"), slug=slug
    )
    if not link.period.is_open_on(timezone.localdate()):
        return _message(request, "closed", link=link)
    if services.already_answered(request, link):
        return _message(request, "already", link=link)
    instrument = load_instrument(link.period.instrument)
    if not instrument.branding_items:  # a pulse round has no public survey (METHOD.md §15)
        return _message(request, "closed", link=link)
    lang = current_lang()
    if request.method == "GET":
        form = BrandingForm(instrument, lang, initial={"started": services.start_token(slug)})
        return _page(request, link, form, instrument)

    form = BrandingForm(instrument, lang, data=request.POST)
    if form.is_bot():
        return redirect("public:thanks")  # look like success; store nothing
    elapsed = services.seconds_since_start(request.POST.get("started", ""), slug)
    if elapsed is None:
        data = request.POST.copy()
        data["started"] = services.start_token(slug)
        form = BrandingForm(instrument, lang, data=data)
        form.is_valid()
        return _page(request, link, form, instrument, status=400, expired=True)
    if not form.is_valid():
        return _page(request, link, form, instrument, status=400)
    if elapsed < services.min_seconds():
        return _page(request, link, form, instrument, status=400, too_fast=True)
    if not services.take_rate_slot(services.client_address(request)):
        return _message(request, "throttled", status=429, link=link)
    with transaction.atomic():
        if not services.spend_start_token(request.POST.get("started", "")):
            data = request.POST.copy()
            data["started"] = services.start_token(slug)
            form = BrandingForm(instrument, lang, data=data)
            form.is_valid()
            return _page(request, link, form, instrument, status=400, spent=True)
        services.store_response(link, form.cleaned_data, instrument, timezone.localdate())
    response = redirect("public:thanks")
    services.remember_answer(response, link)
    return response


@never_cache
@language_param
@require_http_methods(["GET"])
def thanks(request):
    """Thank the respondent; the page carries nothing about them."""
    return _message(request, "thanks")
