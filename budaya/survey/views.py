"""Respondent pages: landing, one page per step, save for later, submit, shared-link entry.

Every page works without JavaScript. A used link, a period that is closed or not yet open, an
unknown link or a wrong NIP gets a friendly page and changes nothing.
"""

import time
from functools import wraps

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from budaya.survey import flow
from budaya.survey.forms import CommentForm, EligibilityForm, LikertPageForm, PicksForm
from budaya.survey.models import Draft, SharedLink
from budaya.survey.services import (
    InvalidAnswers,
    InvitationUsed,
    PeriodNotOpen,
    clean_submission,
    find_invitation,
    instrument_of,
    issue_token,
    save_draft,
    submit_response,
    verify_eligibility,
)

LANGS = ("id", "en")
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW_SECONDS = 15 * 60
THROTTLE_KEY = "budaya_shared_attempts"


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


def period_problem(request, period):
    """Return a friendly page when `period` is not open today, else None."""
    today = timezone.localdate()
    if period.is_open_on(today):
        return None
    not_yet = period.state == period.State.DRAFT or today < period.opens_on
    kind = "not_open" if not_yet and period.state != period.State.CLOSED else "closed"
    return message_page(request, kind, period=period)


def load_invitation(request, token):
    """Return (invitation, None) for a usable token, else (None, a friendly page)."""
    invitation = find_invitation(token)
    if invitation is None:
        return None, message_page(request, "unknown", status=404)
    if invitation.used:
        return None, message_page(request, "used")
    problem = period_problem(request, invitation.period)
    if problem is not None:
        return None, problem
    return invitation, None


def saved_draft(invitation) -> Draft | None:
    """Return the invitation's draft (loaded with it by `find_invitation`), or None."""
    try:
        return invitation.draft
    except Draft.DoesNotExist:
        return None


def draft_data(invitation) -> dict:
    """Return the invitation's saved draft data (normalised; empty when there is none)."""
    draft = saved_draft(invitation)
    return flow.normalised(draft.data if draft else None)


@never_cache
@language_param
@require_http_methods(["GET"])
def landing(request, token):
    """Show the purpose, time needed and privacy statement, with a start/resume button."""
    invitation, problem = load_invitation(request, token)
    if problem:
        return problem
    instrument = instrument_of(invitation.period)
    steps = flow.steps_of(instrument)
    has_draft = saved_draft(invitation) is not None
    start = flow.resume_step(steps, draft_data(invitation)) if has_draft else steps[0]
    return render(
        request,
        "survey/landing.html",
        {
            "token": token,
            "institution": invitation.roster_entry.institution,
            "period": invitation.period,
            "threshold": invitation.period.threshold,
            "step_count": len(steps),
            "has_draft": has_draft,
            "start": start,
            "instrument_title": instrument.title.get(current_lang()),
        },
    )


def step_url(token, number: int) -> str:
    """Return the address of page `number` of the flow for `token`."""
    return reverse("survey:step", args=[token, number])


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


def render_step(request, token, invitation, steps, step, instrument, form=None, data=None, **extra):
    """Render page `step` with its form (bound or prefilled from the draft `data`)."""
    lang = current_lang()
    data = draft_data(invitation) if data is None else data
    context = {
        "token": token,
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
        context["has_comment"] = bool(data["comment"].strip())
    return render(request, "survey/step.html", context)


def go(token, steps, step, action, invitation):
    """Return the redirect after a saved page: back, next, or the saved-for-later page."""
    if action == "later":
        return redirect("survey:saved", token=token)
    if action == "back":
        return redirect(step_url(token, max(1, step.number - 1)))
    return redirect(step_url(token, min(len(steps), step.number + 1)))


@never_cache
@language_param
@require_http_methods(["GET", "POST"])
def step_page(request, token, number):
    """Show page `number`; a POST saves the draft, then goes back, on, or to "saved"."""
    invitation, problem = load_invitation(request, token)
    if problem:
        return problem
    instrument = instrument_of(invitation.period)
    steps = flow.steps_of(instrument)
    if not 1 <= number <= len(steps):
        return redirect(step_url(token, 1))
    step = steps[number - 1]
    if request.method == "GET":
        return render_step(request, token, invitation, steps, step, instrument)

    action = request.POST.get("action", "next")
    data = draft_data(invitation)
    if step.kind == flow.REVIEW:
        if action != "submit":
            return go(token, steps, step, action, invitation)
        return submit(request, invitation, instrument, data)

    lang = current_lang()
    if step.items:
        form = LikertPageForm(step.items, data=request.POST)
        if not form.is_valid():
            return render_step(request, token, invitation, steps, step, instrument, form=form)
        data = flow.merge_answers(data, form.answers())
        missing = form.unanswered()
    elif step.kind == flow.PICKS:
        form = PicksForm(instrument, lang, data=request.POST)
        if not form.is_valid():
            return render_step(request, token, invitation, steps, step, instrument, form=form)
        data["picks"] = form.picks()
        missing = []
    else:
        form = CommentForm(data=request.POST)
        if not form.is_valid():
            return render_step(request, token, invitation, steps, step, instrument, form=form)
        data["comment"] = form.cleaned_data["comment"]
        missing = []

    next_number = {"back": max(1, step.number - 1), "later": step.number}.get(
        action, min(len(steps), step.number + 1)
    )
    stay = action == "next" and missing
    data["step"] = step.number if stay else next_number
    try:
        save_draft(invitation, data)
    except InvitationUsed:
        return message_page(request, "used")
    if stay:
        return render_step(
            request,
            token,
            invitation,
            steps,
            step,
            instrument,
            form=form,
            data=data,
            missing_codes={item.code for item in missing},
            missing_numbers=[step.items.index(item) + 1 for item in missing],
        )
    return go(token, steps, step, "next" if action == "skip" else action, invitation)


def submit(request, invitation, instrument, data):
    """Store the response from the draft; a second submit (other tab, double click) is harmless."""
    try:
        cleaned = clean_submission(instrument, data)
        submit_response(invitation, cleaned)
    except InvitationUsed:
        return message_page(request, "used")
    except PeriodNotOpen:
        return period_problem(request, invitation.period) or message_page(request, "closed")
    except InvalidAnswers:
        return message_page(request, "invalid", status=400)
    return redirect("survey:thanks")


@never_cache
@language_param
@require_http_methods(["GET"])
def saved(request, token):
    """Confirm the answers are saved and explain how to continue later."""
    invitation, problem = load_invitation(request, token)
    if problem:
        return problem
    return message_page(request, "saved", token=token)


@never_cache
@language_param
@require_http_methods(["GET"])
def thanks(request):
    """Confirm the submission; the page carries no token and nothing about the respondent."""
    return message_page(request, "thanks")


def attempts_left(request) -> int:
    """Return how many NIP/birth-date attempts this session has left in the current window."""
    record = request.session.get(THROTTLE_KEY) or {}
    if time.time() - record.get("since", 0) > ATTEMPT_WINDOW_SECONDS:
        return MAX_FAILED_ATTEMPTS
    return max(0, MAX_FAILED_ATTEMPTS - int(record.get("failed", 0)))


def record_failure(request) -> None:
    """Count one failed NIP/birth-date attempt in this session's window."""
    record = request.session.get(THROTTLE_KEY) or {}
    if time.time() - record.get("since", 0) > ATTEMPT_WINDOW_SECONDS:
        record = {"since": time.time(), "failed": 0}
    record["failed"] = int(record.get("failed", 0)) + 1
    request.session[THROTTLE_KEY] = record


@never_cache
@language_param
@require_http_methods(["GET", "POST"])
def shared_entry(request, slug):
    """Shared institution link: NIP and birth date lead to the employee's own invitation."""
    shared = get_object_or_404(
        SharedLink.objects.select_related("period", "institution"), slug=slug
    )
    problem = period_problem(request, shared.period)
    if problem is not None:
        return problem
    context = {"shared": shared, "institution": shared.institution, "period": shared.period}
    if request.method == "GET":
        return render(request, "survey/shared.html", {**context, "form": EligibilityForm()})
    if attempts_left(request) <= 0:
        return message_page(request, "throttled", status=429)
    form = EligibilityForm(data=request.POST)
    if not form.is_valid():
        return render(request, "survey/shared.html", {**context, "form": form})
    invitation = verify_eligibility(
        shared, form.cleaned_data["nip"], form.cleaned_data["birth_date"]
    )
    if invitation is None:
        record_failure(request)
        return render(
            request,
            "survey/shared.html",
            {
                **context,
                "form": EligibilityForm(),
                "not_found": True,
                "attempts_left": attempts_left(request),
            },
        )
    request.session.pop(THROTTLE_KEY, None)
    if invitation.used:
        return message_page(request, "used")
    token = issue_token(invitation)
    return redirect("survey:landing", token=token)
