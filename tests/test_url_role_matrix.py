"""Every URL of the site, with every role: allowed or denied exactly as the table says.

The URL list comes from the resolver, so pages other modules add are covered as they land: a
URL missing from EXPECTED fails with a message asking to add it (and its path parameters to
PARAMS). "Denied" means 403 or a redirect to a login page; "allowed" is any other answer below
400.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import uuid

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from budaya.survey.services import create_invitations, get_or_create_shared_link
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

ROLES = ("anonymous", "national", "admin_a", "evaluator_a", "liaison_a", "admin_b")
EVERYONE = frozenset(ROLES)
STAFF = EVERYONE - {"anonymous"}
NOBODY = frozenset()
NATIONAL = frozenset({"national"})
ADMIN_A = NATIONAL | {"admin_a"}
VIEW_A = ADMIN_A | {"evaluator_a"}
UNIT_A = VIEW_A | {"liaison_a"}

# URL name → (method, roles allowed), or None for a URL that is no access control point.
# Path parameters point at institution A, unit BESAR.
EXPECTED = {
    # sign-in and account pages
    "login": ("GET", EVERYONE),
    "logout": None,  # logging out is no access to anything; it ends on the login page
    "totp_verify": ("GET", NOBODY),  # only after a correct password (tested elsewhere)
    "totp_setup": ("GET", STAFF),
    "admin_login_redirect": ("GET", NOBODY),  # always sends to the one login page
    "password_change": ("GET", STAFF),
    "password_change_done": ("GET", STAFF),
    "password_reset": ("GET", EVERYONE),
    "password_reset_done": ("GET", EVERYONE),
    "password_reset_confirm": ("GET", EVERYONE),
    "password_reset_complete": ("GET", EVERYONE),
    "set_language": ("POST", EVERYONE),
    "healthz": ("GET", EVERYONE),  # liveness check, no database
    # back office
    "home": ("GET", STAFF),
    "roster_upload": ("GET", ADMIN_A),
    "roster_job": ("GET", ADMIN_A),
    "roster_job_progress": ("GET", ADMIN_A),
    "national_participation": ("GET", NATIONAL),
    "participation": ("GET", VIEW_A),
    "unit_participation": ("GET", UNIT_A),
    "results": ("GET", VIEW_A),
    # no compute button for anyone (METHOD.md §12): closing, releasing and reopening a period
    # are the national administrator's (reopening needs a reason: refused without one)
    "period_manage": ("GET", NATIONAL),
    "period_close": ("POST", NATIONAL),
    "period_release": ("POST", NATIONAL),
    "period_reopen": ("POST", NATIONAL),
    "results_download": ("GET", VIEW_A),
    "unit_results": ("GET", UNIT_A),
    "unit_results_download": ("GET", UNIT_A),
    # results downloads made by background jobs: queue (POST), follow, download
    "results_export_start": ("POST", VIEW_A),
    "unit_results_export_start": ("POST", UNIT_A),
    "results_export_job": ("GET", VIEW_A),
    "results_export_progress": ("GET", VIEW_A),
    "results_export_download": ("GET", VIEW_A),
    "trend": ("GET", VIEW_A),  # trend over annual periods and pulse rounds (METHOD §15)
    "unit_trend": ("GET", UNIT_A),
    "national_results": ("GET", NATIONAL),
    "results_glossary": ("GET", STAFF),  # "Cara membaca hasil": explanations, no data
    "report_jobs": ("GET", NATIONAL),
    "report_job_start": ("POST", NATIONAL),
    "report_job_cancel": ("POST", NATIONAL),
    "report_job_download": ("GET", NATIONAL),
    # a job about a whole period (here: all institutions' PDFs) is the national administrator's
    "report_job": ("GET", NATIONAL),
    "report_job_progress": ("GET", NATIONAL),
    "report_job_retry": ("POST", NATIONAL),
    "audit_log": ("GET", NATIONAL),
    "audit_export": ("GET", NATIONAL),
    "survey:invitations": ("GET", ADMIN_A),
    # a batch's links as csv (here the period is sealed: the links are no longer kept and the
    # administrator is sent back to the page), and the confirmed reissue
    "survey:invitations_download": ("GET", ADMIN_A),
    "survey:invitations_reissue": ("GET", ADMIN_A),
    "survey:letters_start": ("POST", ADMIN_A),
    "survey:letters_job": ("GET", ADMIN_A),
    "survey:letters_progress": ("GET", ADMIN_A),
    # the letters file (plain links) goes to whoever asked for it only (here admin_a)
    "survey:letters_download": ("GET", frozenset({"admin_a"})),
    # periods, institutions, units and staff (tests/test_backoffice_pages.py goes further)
    "period_list": ("GET", NATIONAL),
    "period_create": ("GET", NATIONAL),
    "period_edit": ("GET", NATIONAL),  # an open period: back to the list with a message
    "period_open": ("GET", NATIONAL),  # an open period: back to the list with a message
    "institution_list": ("GET", ADMIN_A | {"admin_b"}),
    "institution_import": ("GET", NATIONAL),
    "institution_edit": ("GET", NATIONAL),
    "institution_import_job": ("GET", NATIONAL),
    "institution_import_progress": ("GET", NATIONAL),
    "unit_import_job": ("GET", ADMIN_A),
    "unit_import_progress": ("GET", ADMIN_A),
    "unit_list": ("GET", ADMIN_A),
    "unit_import": ("GET", ADMIN_A),
    "unit_edit": ("GET", ADMIN_A),
    "staff_list": ("GET", ADMIN_A),
    "staff_edit": ("GET", ADMIN_A),  # the liaison of institution A
    "staff_sign_in": ("POST", ADMIN_A),  # unlock or reset TOTP of that liaison
    "account_activate": ("GET", EVERYONE),  # an invalid link says so; the token is the key
    # respondents (public; the token or slug is the key)
    "survey:landing": ("GET", EVERYONE),
    "survey:step": ("GET", EVERYONE),
    "survey:saved": ("GET", EVERYONE),
    "survey:thanks": ("GET", EVERYONE),
    "survey:shared": ("GET", EVERYONE),
    # shared-link pages: the browser's secret (cookie) is the key, never a role; here the
    # period is closed, so everyone gets the "closed" page (tests/test_survey_shared_link.py)
    "survey:shared_landing": ("GET", EVERYONE),
    "survey:shared_step": ("GET", EVERYONE),
    "survey:shared_saved": ("GET", EVERYONE),
    # Evaluasi Budaya Kerja (institution A; tests/test_evaluation_permissions.py goes further)
    "evaluation:national": ("GET", NATIONAL),
    "evaluation:queue": ("GET", NATIONAL | {"evaluator_a"}),
    "evaluation:deadline": ("GET", NATIONAL),
    "evaluation:overview": ("GET", VIEW_A),
    "evaluation:institution": ("GET", VIEW_A),
    "evaluation:institution_action": ("POST", VIEW_A),  # no action: back to the page
    "evaluation:unit": ("GET", UNIT_A),
    "evaluation:unit_action": ("POST", UNIT_A),
    "evaluation:evidence": None,  # needs a stored file: tests/test_evaluation_evidence.py
    # Rencana aksi (institution A; the plan, action and activity are unit BESAR's;
    # tests/test_actions.py goes further: POSTs per role, unit B's plan, read-only national)
    "actions:overview": ("GET", UNIT_A),
    "actions:plan_new": ("GET", frozenset({"admin_a", "liaison_a"})),  # national reads only
    "actions:plan": ("GET", UNIT_A),
    "actions:action": ("GET", UNIT_A),
    "actions:agents": ("GET", VIEW_A),
    "actions:activities": ("GET", UNIT_A),
    "actions:activity": ("GET", UNIT_A),
    "actions:export": ("GET", VIEW_A),
    "actions:evidence": None,  # needs a stored file: tests/test_actions.py
    # public employer-branding survey (no login)
    "public:survey": ("GET", EVERYONE),
    "public:thanks": ("GET", EVERYONE),
    # API tokens (one's own) and the open-data page (public)
    "api_tokens": ("GET", STAFF),
    "api_token_revoke": None,  # one's own token only: tests/test_api.py
    "open_data": ("GET", EVERYONE),
    "public:national_link": ("GET", NATIONAL),  # the back-office page of the links
    "public:institution_link": ("GET", ADMIN_A),
    # Django's admin: staff (the national administrator) only
    "admin:logout": None,
    "admin:autocomplete": ("GET", NOBODY),  # refuses a request without its query parameters
    "admin:results_resultset_add": ("GET", NOBODY),  # result sets come from the engine only
    "admin:audit_auditentry_add": ("GET", NOBODY),  # the audit log is written by code only
    "admin:evaluation_evaluation_add": ("GET", NOBODY),  # evaluations start in the workflow
    "admin:login": ("GET", NOBODY),  # shadowed by admin_login_redirect: the one login page
    # background tasks are enqueued by code only (django-tasks-db's admin lists them)
    "admin:django_tasks_database_dbtaskresult_add": ("GET", NOBODY),
}
# Admin URLs with an object id are skipped: they sit behind the same staff check as the index
# and the changelists tested here.
ADMIN_SKIPPED_PARAMS = {"object_id", "content_type_id", "url", "id"}


def url_patterns(resolver=None, prefix="", params=()):
    """Yield (full name, parameter names) of every named URL pattern, depth first."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        names = tuple(params) + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from url_patterns(entry, namespace, names)
        elif isinstance(entry, URLPattern):
            yield (f"{prefix}{entry.name}" if entry.name else None), names, entry


def expectation(name):
    """Return (method, allowed roles), None for an unlisted URL, or False when not checked."""
    if name in EXPECTED:
        return EXPECTED[name] if EXPECTED[name] is not None else False
    if name.startswith("admin:"):
        return "GET", NATIONAL
    if name.startswith("api:"):
        # Bearer tokens, not sessions: tests/test_api.py has the role × endpoint matrix.
        return False
    return None


@pytest.fixture
def params(world):
    period, inst_a = world["period"], world["inst_a"]
    # A national administrator made by `budaya user add` is staff and superuser (Django admin).
    world["national"].is_staff = world["national"].is_superuser = True
    world["national"].save()
    entry_token = create_invitations(period, inst_a)[0][1]
    shared = get_or_create_shared_link(period, inst_a)
    from budaya.jobs.models import Job
    from budaya.public.services import link_for

    release(period)  # results pages and downloads need stored results
    import datetime as dt

    from budaya.actions import services as actions

    besar = world["units"]["BESAR"]
    plan = actions.create_plan(period, inst_a, besar, None, focus="BP1", title="Rencana")
    action = actions.add_action(
        plan, None, title="Tindakan", owner=f"u:{world['admin_a'].pk}",
        starts_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 7, 1),
    )  # fmt: skip
    activity = actions.log_activity(
        inst_a, besar, None, held_on=dt.date(2026, 6, 2), kind="apel_nilai", focus="BP",
        participants=10, title="Apel",
    )  # fmt: skip
    job = Job.objects.create(task_id="matrix-job", kind="all_pdfs", period=period)
    letters = Job.objects.create(
        task_id="matrix-letters", kind="letters", period=period, institution=inst_a,
        requested_by=world["admin_a"],
    )  # fmt: skip
    roster_job = Job.objects.create(
        task_id="matrix-roster", kind="roster_check", period=period, institution=inst_a
    )
    unit_job = Job.objects.create(task_id="matrix-units", kind="unit_check", institution=inst_a)
    export = Job.objects.create(
        task_id="matrix-export", kind="results_export", period=period, institution=inst_a,
        result={"unit": "", "fmt": "xlsx"},
    )  # fmt: skip
    institution_job = Job.objects.create(task_id="matrix-inst", kind="institution_check")
    return {
        "period_code": period.code,
        "institution_code": inst_a.code,
        "unit_code": "BESAR",
        "token": entry_token,
        "number": 1,
        "slug": shared.slug,
        "uidb64": "MQ",
        "app_label": "periods",
        "evidence_id": uuid.UUID(int=1),
        "link_slug": link_for(period, inst_a).slug,
        "fmt": "csv",
        "job_id": job.pk,
        "letters_id": letters.pk,
        "roster_job_id": roster_job.pk,
        "import_job_id": unit_job.pk,
        "export_id": export.pk,
        "institution_job_id": institution_job.pk,
        "plan_id": plan.pk,
        "action_id": action.pk,
        "activity_id": activity.pk,
        "user_id": world["liaison_a"].pk,
    }


def denied(response) -> bool:
    """Return True for a refusal: 403, or a redirect to a login page."""
    if response.status_code == 403:
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return location.startswith(("/accounts/login/", "/admin/login/"))


def test_every_url_has_an_expectation_and_fillable_parameters(params):
    problems = []
    for name, names, entry in url_patterns():
        if name is None:
            if not set(names) & ADMIN_SKIPPED_PARAMS:  # the admin's catch-all and redirects
                problems.append(f"unnamed URL pattern {entry.pattern}: give it a name")
            continue
        if name.startswith("admin:") and set(names) & ADMIN_SKIPPED_PARAMS:
            continue
        if expectation(name) is None:
            problems.append(
                f"URL '{name}' is not in tests/test_url_role_matrix.py EXPECTED: add it with "
                f"the roles that may use it"
            )
        missing = [p for p in names if p not in params]
        if missing and expectation(name) is not False:
            problems.append(f"URL '{name}': add a value for {missing} to the params fixture")
    assert not problems, "\n".join(problems)


def test_every_url_allows_and_denies_each_role_as_the_table_says(client, world, params):
    cache.clear()  # rate-limit counters of earlier tests
    seen, wrong = set(), []
    for name, names, _entry in url_patterns():
        if name is None or name in seen:
            continue
        if name.startswith("admin:") and set(names) & ADMIN_SKIPPED_PARAMS:
            continue
        seen.add(name)
        found = expectation(name)
        if not found or any(p not in params for p in names):
            continue  # not checked, or reported by the test above
        method, allowed = found
        url = reverse(name, kwargs={p: params[p] for p in names})
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(world[role])
            response = client.post(url) if method == "POST" else client.get(url)
            if response.status_code >= 500 or (
                response.status_code >= 400 and response.status_code != 403
            ):
                wrong.append(f"{name} {url} as {role}: status {response.status_code}")
            elif denied(response) == (role in allowed):
                verdict = "denied" if denied(response) else "allowed"
                wrong.append(f"{name} {url} as {role}: {verdict} ({response.status_code})")
    assert len(seen) >= len(EXPECTED) - 3
    assert not wrong, "\n".join(wrong)
