"""Every staff page, for every staff role, on a 360 px wide screen in Debian's Chromium: nothing
scrolls sideways (wide tables scroll inside their own box), and a screenshot of each page is
saved (into pytest's tmp_path, for a person to look at when a check fails).

The pages come from the URL table of tests/test_url_role_matrix.py: every GET page a staff
role may open (downloads and Django's admin left out), so a page added there is checked here
too. Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is
set, in which case it fails.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    sync_playwright_or_skip,
)
from tests.test_url_role_matrix import EXPECTED, params, url_patterns  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_ROLES = ("national", "admin_a", "evaluator_a", "liaison_a")
# Every role in Indonesian; the two roles that see the most pages in English too (English
# words are often longer).
RUNS = [(role, "id") for role in STAFF_ROLES] + [("national", "en"), ("admin_a", "en")]
# Pages that answer with a file, not a page.
DOWNLOADS = {"results_download", "unit_results_download", "report_job_download", "audit_export"}
# ... and any URL named like one (pages other modules add: "…_download", "…:export").
DOWNLOAD_NAME_ENDINGS = ("download", "export")
# Staff pages with query strings worth a look of their own (filters change the tables).
EXTRA = (("national_results", "?wilayah=timur", "national"),)
# The site header's background colour: empty without a header (Django's admin pages), clear
# when app.css did not load.
STYLED = (
    "(() => { const h = document.querySelector('.site-header');"
    " return h ? getComputedStyle(h).backgroundColor : ''; })()"
)

# The innermost elements that reach past the screen's right edge, to name in a failure.
WIDEST = """(() => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 0.5 && ![...e.children].some(
        c => c.getBoundingClientRect().right > window.innerWidth + 0.5)) {
      out.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
               + ' ' + Math.round(r.right) + 'px');
    }
  }
  return out.slice(0, 5).join(', ');
})()"""

# A box that scrolls sideways must be reachable and named (keyboard users scroll it with the
# arrow keys) and show its "geser" hint; a box that does not scroll shows no hint.
SCROLL_BOXES = """(() => {
  const problems = [];
  for (const box of document.querySelectorAll('.table-wrap, .table-scroll, .chart-figure')) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    const hint = box.previousElementSibling;
    const shown = hint && hint.classList.contains('scroll-hint') && !hint.hidden;
    const what = (box.id || box.className) + ': ';
    if (scrolls && !box.classList.contains('scrolls')) problems.push(what + 'not marked');
    if (scrolls && box.getAttribute('tabindex') !== '0') problems.push(what + 'not focusable');
    if (scrolls && !box.getAttribute('aria-label') && !box.getAttribute('aria-labelledby'))
      problems.push(what + 'no label');
    if (scrolls !== Boolean(shown)) problems.push(what + 'hint ' + (shown ? 'shown' : 'missing'));
  }
  return problems;
})()"""

# The axe rules a scroll box touches (other rules belong to the pages' own tests).
AXE_SCROLL_RULES = {
    "runOnly": {
        "type": "rule",
        "values": [
            "scrollable-region-focusable",
            "aria-allowed-role",
            "aria-allowed-attr",
            "aria-prohibited-attr",
            "landmark-unique",
            "nested-interactive",
            "color-contrast",
        ],
    },
    "resultTypes": ["violations"],
}


def staff_pages() -> list[tuple[str, frozenset]]:
    """Return (URL name, roles allowed) of every staff page in the URL table."""
    pages = []
    for name, spec in EXPECTED.items():
        if not spec or name.startswith("admin:") or name in DOWNLOADS:
            continue
        if name.endswith(DOWNLOAD_NAME_ENDINGS):
            continue
        method, allowed = spec
        if method == "GET" and "anonymous" not in allowed and set(allowed) & set(STAFF_ROLES):
            pages.append((name, allowed))
    return pages


def page_urls(params) -> list[tuple[str, str, str]]:
    """Return (role, label, path) for every staff page each staff role may open."""
    names = {name: names for name, names, _entry in url_patterns() if name}
    visits = []
    for name, allowed in staff_pages():
        path = reverse(name, kwargs={p: params[p] for p in names[name]})
        visits.extend((role, name, path) for role in STAFF_ROLES if role in allowed)
    for name, query, role in EXTRA:
        path = reverse(name, kwargs={p: params[p] for p in names[name]}) + query
        visits.append((role, f"{name}{query}", path))
    return visits


def test_the_page_list_covers_the_staff_pages():
    names = {name for name, _allowed in staff_pages()}
    assert {"home", "results", "unit_results", "national_results", "audit_log"} <= names
    assert {"period_manage", "roster_upload", "report_jobs", "evaluation:institution"} <= names
    assert not names & DOWNLOADS


def test_no_staff_page_scrolls_sideways_at_360_px(live_server, world, params, tmp_path):
    sync_playwright = sync_playwright_or_skip()
    # Database work happens before Playwright starts (its event loop forbids sync ORM calls).
    visits = page_urls(params)
    sessions = {}
    for role in STAFF_ROLES:
        client = Client()
        client.force_login(world[role])
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = live_server.url
    wide, unusable, checked, axed = [], [], 0, set()
    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            for role, language in RUNS:
                context = browser.new_context(viewport=VIEWPORT)
                context.add_cookies(
                    [
                        {"name": settings.SESSION_COOKIE_NAME, "value": sessions[role], "url": url},
                        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url},
                    ]
                )
                page = context.new_page()
                for visit_role, label, path in visits:
                    if visit_role != role:
                        continue
                    response = page.goto(url + path)
                    assert response.status < 400, (
                        f"{label} as {role} ({language}): {response.status}"
                    )
                    colour = page.evaluate(STYLED)
                    # Django's own password pages (no site header) are width-checked only.
                    assert colour != "rgba(0, 0, 0, 0)", f"{label}: app.css did not load"
                    width = page.evaluate("document.documentElement.scrollWidth")
                    shot = (
                        tmp_path
                        / f"{role}-{language}-{label.replace(':', '-').replace('?', '-')}.png"
                    )
                    page.screenshot(path=str(shot), full_page=True)
                    checked += 1
                    for problem in page.evaluate(SCROLL_BOXES):
                        unusable.append(f"{label} as {role} ({language}): {problem}")
                    if page.locator(".scrolls").count() and (label, language) not in axed:
                        axed.add((label, language))
                        found = axe.run(page, options=AXE_SCROLL_RULES)
                        if found.violations_count:
                            unusable.append(
                                f"{label} as {role} ({language}): axe: {found.generate_report()}"
                            )
                    if width > VIEWPORT["width"]:
                        culprits = page.evaluate(WIDEST)
                        wide.append(
                            f"{label} as {role} ({language}) ({path}): {width}px wide ({culprits}), see {shot}"
                        )
                context.close()
        finally:
            browser.close()
    assert checked >= 50
    assert not wide, "\n".join(wide)
    assert not unusable, "\n".join(unusable)
    assert axed, "no page had a table that scrolls sideways at 360 px: the cue went unchecked"
