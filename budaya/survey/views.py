"""Respondent pages: landing, one page per step, save for later, submit, shared-link entry.

Every page works without JavaScript. A used link, a period that is closed or not yet open, an
unknown link or a wrong code gets a friendly page and changes nothing.

The same pages serve two routes: the personal link (`/s/<token>/...`, the token in the address)
and the shared institution link (`/i/<slug>/...`, after NIP and e-mailed code, the browser's own
secret in a cookie). Either secret is the key material of the respondent's encrypted draft.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from functools import cached_property, wraps

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from budaya.security.middleware import count_as_failure
from budaya.survey import flow, shared
from budaya.survey.drafts import draft_key
from budaya.survey.forms import CodeForm, CommentForm, LikertPageForm, NipForm, PicksForm
from budaya.survey.models import Invitation, SharedLink
from budaya.survey.sealing import is_sealed
from budaya.survey.services import (
    InvalidAnswers,
    InvitationUsed,
    PeriodNotOpen,
    clean_submission,
    discard_leftover_draft,
    find_invitation,
    instrument_of,
    read_draft,
    save_draft,
    submit_response,
)

LANGS = ("id", "en")
logger = logging.getLogger(__name__)


def current_lang() -> str:
    """Return the active language as "id" or "en" (Indonesian by default)."""
    lang = (translation.get_language() or "id")[:2]
    return lang if lang in LANGS else "id"


def language_param(view):
    """Honour `?lang=id|en`: remember it in the language cookie and redirect without it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        lang = request.GET.get("lang")
        if request.method == "GET" and lang in LANGS:
            rest = request.GET.copy()
            del rest["lang"]
            target = request.path + (f"?{rest.urlencode()}" if rest else "")
            response = HttpResponseRedirect(target)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                lang,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
        return view(request, *args, **kwargs)

    return wrapper


def message_page(request, kind: str, status: int = 200, **context):
    """Render the friendly page for `kind` (unknown, used, not_open, closed, saved, ...)."""
    return render(request, "survey/message.html", {"kind": kind, **context}, status=status)


@dataclass
class Respondent:
    """Who answers on this request: the invitation, the secret the browser presented (link token
    or shared-link cookie secret) and the address argument of their route (token or slug)."""

    invitation: Invitation
    secret: str
    key: str
    shared: bool = False

    @property
    def route(self) -> dict:
        """Return the URL names of this route's pages and their first argument (for templates)."""
        prefix = "survey:shared_" if self.shared else "survey:"
        return {
            "landing": prefix + "landing",
            "step": prefix + "step",
            "saved": prefix + "saved",
            "key": self.key,
        }

    def url(self, page: str, *args) -> str:
        """Return the address of `page` ("landing", "step", "saved") on this route."""
        return reverse(self.route[page], args=[self.key, *args])

    @cached_property
    def draft_key(self) -> bytes:
        """Return the key of this respondent's encrypted draft (derived from their secret)."""
        return draft_key(self.secret)


def period_problem(request, period):
    """Return a friendly page when `period` is not open today, else None."""
    today = timezone.localdate()
    if period.is_open_on(today):
        return None
    not_yet = period.state == period.State.DRAFT or today < period.opens_on
    kind = "not_open" if not_yet and period.state != period.State.CLOSED else "closed"
    return message_page(request, kind, period=period)


def usable(request, invitation):
    """Return a friendly page when the invitation is used or its period not open, else None."""
    if invitation.used:
        discard_leftover_draft(invitation)
        return message_page(request, "used")
    return period_problem(request, invitation.period)


def load_invitation(request, token):
    """Return (respondent, None) for a usable personal token, else (None, a friendly page).

    An unknown token counts as a failure of the client's address (rate limits).
    """
    invitation = find_invitation(token)
    if invitation is None:
        return None, count_as_failure(message_page(request, "unknown", status=404))
    problem = usable(request, invitation)
    if problem is not None:
        return None, problem
    return Respondent(invitation, secret=token, key=token), None


def draft_data(respondent: Respondent) -> dict:
    """Return the respondent's saved draft data (normalised; empty when none opens with their key)."""
    return flow.normalised(read_draft(respondent.invitation, respondent.draft_key))


def show_landing(request, respondent: Respondent):
    """Show the purpose, time needed and privacy statement, with a start/resume button."""
    invitation = respondent.invitation
    instrument = instrument_of(invitation.period)
    steps = flow.steps_of(instrument)
    saved_data = read_draft(invitation, respondent.draft_key)
    has_draft = saved_data is not None
    start = flow.resume_step(steps, saved_data) if has_draft else steps[0]
    return render(
        request,
        "survey/landing.html",
        {
            "route": respondent.route,
            "shared_route": respondent.shared,
            "institution": invitation.roster_entry.institution,
            "period": invitation.period,
            "threshold": invitation.period.threshold,
            "step_count": len(steps),
            "has_draft": has_draft,
            "start": start,
            "instrument_title": instrument.title.get(current_lang()),
            "pulse": instrument.is_pulse,
        },
    )


def likert_rows(form, step, instrument, lang, missing_codes=()):
    """Return template rows for a Likert page: number, item, text, choices, chosen, error."""
    labels = [label.get(lang) for label in instrument.scale_labels]
    rows = []
    for position, item in enumerate(step.items, start=1):
        bound = form[item.code]
        chosen = bound.value()
        chosen = str(chosen) if chosen not in (None, "") else ""
        rows.append(
            {
                "number": position,
                "code": item.code,
                "text": item.text.get(lang),
                "choices": [
                    {"value": str(k), "label": labels[k - 1] if k <= len(labels) else str(k)}
                    for k in range(1, item.points + 1)
                ],
                "chosen": chosen,
                "errors": bound.errors,
                "missing": item.code in missing_codes,
            }
        )
    return rows


def pick_rows(form, instrument, lang):
    """Return template rows for the values selection: name, question, options, chosen, errors."""
    questions = {question.code: question.text.get(lang) for question in instrument.pick_questions}
    rows = []
    for name in ("personal", "current", "wanted"):
        bound = form[f"pick_{name}"]
        chosen = set(bound.value() or [])
        rows.append(
            {
                "name": f"pick_{name}",
                "question": questions.get(name, name),
                "options": [
                    {"code": option.code, "label": option.label.get(lang)}
                    for option in instrument.pick_list
                ],
                "chosen": chosen,
                "errors": bound.errors,
            }
        )
    return rows


def render_step(request, respondent, steps, step, instrument, form=None, data=None, **extra):
    """Render page `step` with its form (bound or prefilled from the draft `data`)."""
    lang = current_lang()
    data = draft_data(respondent) if data is None else data
    context = {
        "route": respondent.route,
        "step": step,
        "step_count": len(steps),
        "title": step.title(instrument, lang),
        "is_first": step.number == 1,
        "max_picks": instrument.max_picks,
        **extra,
    }
    if step.items:
        form = form or LikertPageForm(
            step.items,
            initial={item.code: data["answers"].get(item.code) for item in step.items},
        )
        context["rows"] = likert_rows(form, step, instrument, lang, extra.get("missing_codes", ()))
    elif step.kind == flow.PICKS:
        form = form or PicksForm(
            instrument, lang, initial={f"pick_{k}": v for k, v in data["picks"].items()}
        )
        context["pick_rows"] = pick_rows(form, instrument, lang)
    elif step.kind == flow.COMMENT:
        form = form or CommentForm(initial={"comment": data["comment"]})
        context["form"] = form
    else:
        context["unanswered"] = [
            {
                "step": page,
                "title": page.title(instrument, lang),
                "numbers": [page.items.index(item) + 1 for item in missing],
            }
            for page, missing in flow.unanswered_by_step(steps, data)
        ]
        context["answered"] = len(data["answers"])
        context["item_count"] = sum(len(page.items) for page in steps)
        context["picks_count"] = sum(len(v) for v in data["picks"].values())
        context["has_picks"] = bool(instrument.pick_questions)
        context["has_comment"] = bool(data["comment"].strip())
    return render(request, "survey/step.html", context)


def go(respondent: Respondent, steps, step, action):
    """Return the redirect after a saved page: back, next, or the saved-for-later page."""
    if action == "later":
        return redirect(respondent.url("saved"))
    if action == "back":
        return redirect(respondent.url("step", max(1, step.number - 1)))
    return redirect(respondent.url("step", min(len(steps), step.number + 1)))


def handle_step(request, respondent: Respondent, number: int):
    """Show page `number`; a POST saves the draft, then goes back, on, or to "saved"."""
    invitation = respondent.invitation
    instrument = instrument_of(invitation.period)
    steps = flow.steps_of(instrument)
    if not 1 <= number <= len(steps):
        return redirect(respondent.url("step", 1))
    step = steps[number - 1]
    if request.method == "GET":
        return render_step(request, respondent, steps, step, instrument)

    action = request.POST.get("action", "next")
    data = draft_data(respondent)
    if step.kind == flow.REVIEW:
        if action != "submit":
            return go(respondent, steps, step, action)
        return submit(request, respondent, instrument, data)

    lang = current_lang()
    if step.items:
        form = LikertPageForm(step.items, data=request.POST)
        if not form.is_valid():
            return render_step(request, respondent, steps, step, instrument, form=form)
        data = flow.merge_answers(data, form.answers())
        missing = form.unanswered()
    elif step.kind == flow.PICKS:
        form = PicksForm(instrument, lang, data=request.POST)
        if not form.is_valid():
            return render_step(request, respondent, steps, step, instrument, form=form)
        data["picks"] = form.picks()
        missing = []
    else:
        form = CommentForm(data=request.POST)
        if not form.is_valid():
            return render_step(request, respondent, steps, step, instrument, form=form)
        data["comment"] = form.cleaned_data["comment"]
        missing = []

    next_number = {"back": max(1, step.number - 1), "later": step.number}.get(
        action, min(len(steps), step.number + 1)
    )
    stay = action == "next" and missing
    data["step"] = step.number if stay else next_number
    try:
        save_draft(invitation, data, respondent.draft_key)
    except InvitationUsed:
        discard_leftover_draft(invitation)
        return message_page(request, "used")
    if stay:
        return render_step(
            request,
            respondent,
            steps,
            step,
            instrument,
            form=form,
            data=data,
            missing_codes={item.code for item in missing},
            missing_numbers=[step.items.index(item) + 1 for item in missing],
        )
    return go(respondent, steps, step, "next" if action == "skip" else action)


def submit(request, respondent: Respondent, instrument, data):
    """Store the response from the draft, then delete that draft; a second submit (other tab,
    double click) is harmless."""
    invitation = respondent.invitation
    try:
        cleaned = clean_submission(instrument, data)
        submit_response(invitation, cleaned, respondent.draft_key)
    except InvitationUsed:
        discard_leftover_draft(invitation)  # e.g. the other route's draft of the same person
        return message_page(request, "used")
    except PeriodNotOpen:
        return period_problem(request, invitation.period) or message_page(request, "closed")
    except InvalidAnswers:
        return message_page(request, "invalid", status=400)
    return redirect("survey:thanks")


@never_cache
@language_param
@require_http_methods(["GET"])
def landing(request, token):
    """Landing page of a personal link."""
    respondent, problem = load_invitation(request, token)
    return problem or show_landing(request, respondent)


@never_cache
@language_param
@require_http_methods(["GET", "POST"])
def step_page(request, token, number):
    """Page `number` of the flow on a personal link."""
    respondent, problem = load_invitation(request, token)
    return problem or handle_step(request, respondent, number)


@never_cache
@language_param
@require_http_methods(["GET"])
def saved(request, token):
    """Confirm the answers are saved and explain how to continue later."""
    respondent, problem = load_invitation(request, token)
    return problem or message_page(request, "saved", route=respondent.route)


@never_cache
@language_param
@require_http_methods(["GET"])
def thanks(request):
    """Confirm the submission; the page carries no token and nothing about the respondent."""
    return message_page(request, "thanks")


# --- The shared institution link -------------------------------------------------------------


def shared_problem(request, link: SharedLink):
    """Return a friendly page when the shared link cannot be used now, else None.

    Closed or not yet open: the usual page. Sealed (closed once) and reopened: the shared link is
    refused; people answer with their own links only (METHOD §12).
    """
    problem = period_problem(request, link.period)
    if problem is not None:
        return problem
    if is_sealed(link.period):
        return message_page(request, "shared_sealed", status=403)
    return None


def get_shared_link(slug) -> SharedLink:
    """Return the shared link of `slug` with its period and institution, or raise 404."""
    return get_object_or_404(SharedLink.objects.select_related("period", "institution"), slug=slug)


def load_shared_respondent(request, slug):
    """Return (respondent, None) for a browser admitted on this shared link, else (None, page).

    A browser without a valid secret counts as a failure of its address (rate limits).
    """
    link = get_shared_link(slug)
    problem = shared_problem(request, link)
    if problem is not None:
        return None, problem
    secret = request.COOKIES.get(shared.COOKIE_NAME, "")
    invitation = shared.find_access(link, secret)
    if invitation is None:
        page = message_page(request, "shared_expired", status=403, link=link)
        return None, count_as_failure(page)
    problem = usable(request, invitation)
    if problem is not None:
        return None, problem
    return Respondent(invitation, secret=secret, key=slug, shared=True), None


@never_cache
@language_param
@require_http_methods(["GET"])
def shared_landing(request, slug):
    """Landing page of a browser admitted through the shared link."""
    respondent, problem = load_shared_respondent(request, slug)
    return problem or show_landing(request, respondent)


@never_cache
@language_param
@require_http_methods(["GET", "POST"])
def shared_step(request, slug, number):
    """Page `number` of the flow for a browser admitted through the shared link."""
    respondent, problem = load_shared_respondent(request, slug)
    return problem or handle_step(request, respondent, number)


@never_cache
@language_param
@require_http_methods(["GET"])
def shared_saved(request, slug):
    """Confirm the answers are saved (shared-link route)."""
    respondent, problem = load_shared_respondent(request, slug)
    return problem or message_page(request, "saved", route=respondent.route, shared_route=True)


def send_after_response(response, message) -> None:
    """Send `message` once the response has been delivered (when the server closes it).

    The page's timing then does not depend on whether a message is sent at all (real entries
    only). Django closes every response after the body has been sent (its test client too).
    """

    def send():
        try:
            message.send()
        except Exception:  # the respondent asks again; the error must not reach anyone else
            logger.exception("sending a shared-link code failed")

    response._resource_closers.append(send)


def shared_cookie_age(link: SharedLink) -> int:
    """Return the seconds the shared-link cookie lives: until the day after the period closes."""
    end = dt.datetime.combine(link.period.closes_on + dt.timedelta(days=1), dt.time())
    end = timezone.make_aware(end) if settings.USE_TZ else end
    return max(60, int((end - timezone.now()).total_seconds()))


@never_cache
@language_param
@require_http_methods(["GET", "POST"])
def shared_entry(request, slug):
    """Shared institution link: NIP, then the code e-mailed to the roster's address.

    Every NIP gets the same pages until the code is right. A right code admits this browser (a
    random secret in a cookie) without touching the personal link.
    """
    link = get_shared_link(slug)
    problem = shared_problem(request, link)
    if problem is not None:
        return problem
    context = {"shared": link, "institution": link.institution, "period": link.period}
    stage = request.POST.get("stage") if request.method == "POST" else None
    if stage == "code":
        return shared_code_stage(request, link, context)
    if stage == "nip":
        form = NipForm(data=request.POST)
        if not form.is_valid():
            return render(request, "survey/shared.html", {**context, "form": form})
        nip = form.cleaned_data["nip"]
        try:
            message = shared.request_code(link, nip)
        except shared.TooManyTries:
            return message_page(request, "throttled", status=429)
        response = render(
            request,
            "survey/shared.html",
            {**context, "stage": "code", "code_form": CodeForm(initial={"nip": nip})},
        )
        if message is not None:
            send_after_response(response, message)
        return response
    admitted = shared.find_access(link, request.COOKIES.get(shared.COOKIE_NAME, ""))
    resume = admitted is not None and not admitted.used
    return render(request, "survey/shared.html", {**context, "form": NipForm(), "resume": resume})


def shared_code_stage(request, link: SharedLink, context: dict):
    """Check the NIP's code; admit this browser when it is right, else say it is not."""
    form = CodeForm(data=request.POST)
    if not form.is_valid():
        if form.has_error("nip"):  # the NIP is a hidden field: only a forged form gets here
            return render(request, "survey/shared.html", {**context, "form": NipForm()})
        page = render(
            request, "survey/shared.html", {**context, "stage": "code", "code_form": form}
        )
        return count_as_failure(page)
    nip = form.cleaned_data["nip"]
    try:
        invitation = shared.check_code(link, nip, form.cleaned_data["code"])
    except shared.TooManyTries:
        return count_as_failure(message_page(request, "throttled", status=429))
    if invitation is None:
        page = render(
            request,
            "survey/shared.html",
            {
                **context,
                "stage": "code",
                "wrong_code": True,
                "code_form": CodeForm(initial={"nip": nip}),
            },
        )
        return count_as_failure(page)
    if invitation.used:
        return message_page(request, "used")
    secret = shared.grant_access(invitation)
    response = redirect("survey:shared_landing", slug=link.slug)
    response.set_cookie(
        shared.COOKIE_NAME,
        secret,
        max_age=shared_cookie_age(link),
        path=reverse("survey:shared", args=[link.slug]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
