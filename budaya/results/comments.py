"""Release the respondents' comments with a release, and read them back (METHOD.md §14).

`release_comments` runs in the release transaction, after the result set is stored. For each
group of the release's document:

- a group whose survey scores are carried over (METHOD.md §12) keeps the comments row of the
  release it was carried from (none, if that release showed none): comments change only with
  the scores, so a later submission cannot change a released view;
- otherwise a shown (not suppressed) group gets a row when at least k of its respondents wrote a
  comment. Its comments (as redacted at submission) are put in a random order fixed for the
  release: sorted by text first (so nothing of the storage or submission order survives), then
  shuffled with a generator seeded by HMAC-SHA256(SECRET_KEY, release and group). Each comment
  carries the instrument's themes found in it (budaya.instruments.themes); a theme's count is
  kept only when at least k comments carry it.
- Complementary suppression, as METHOD.md §8 does for scores: among an institution's units, if
  the units without a comments row hold together at least one and fewer than k commenters, the
  shown unit with the fewest commenters (ties: lower code) loses its row too, until they hold k
  or none is left; otherwise the institution's list minus its units' lists would be the
  comments of fewer than k people of known units.
- The nation keeps its theme counts but no texts (every comment of the country is on its
  institution's page).

Comments never carry demographics, time or a unit at institution level. Nothing is stored for a
group that may not show its comments, so no reader can show them.
"""

import hashlib
import hmac
import random
from collections import defaultdict

from django.conf import settings
from django.db import connection

from budaya.institutions.models import Institution, Unit
from budaya.instruments import InstrumentError, load_instrument
from budaya.instruments.themes import themes_of
from budaya.results.models import ReleasedComments, ResultSet
from budaya.results.store import to_json
from budaya.survey.models import Response

EXAMPLES_PER_THEME = 3


def _period_comments(period) -> list[tuple[str, str, str]]:
    """Return (institution code, unit code, text) of the period's non-empty comments."""
    rows = list(
        Response.objects.filter(period=period)
        .exclude(comment="")
        .order_by()
        .values_list("institution_id", "unit_id", "comment")
    )
    institutions = dict(
        Institution.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "code")
    )
    units = dict(Unit.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", "code"))
    return [
        (institutions[inst], units[unit], text.strip())
        for inst, unit, text in rows
        if text and text.strip()
    ]


def release_order(texts: list[str], period_code: str, version: int, key: tuple) -> list[str]:
    """Return `texts` in the random order fixed for this release and group."""
    label = f"budaya-comments:{period_code}:{version}:{':'.join(key)}".encode()
    seed = hmac.new(settings.SECRET_KEY.encode(), label, hashlib.sha256).digest()
    ordered = sorted(texts)
    random.Random(int.from_bytes(seed, "big")).shuffle(ordered)
    return ordered


def group_row(key, texts, period, version, themes, threshold) -> dict:
    """Return the fields of a fresh comments row of one group."""
    level = key[0]
    entries = [
        {"text": text, "themes": themes_of(text, themes)}
        for text in release_order(texts, period.code, version, key)
    ]
    counts: dict[str, int] = defaultdict(int)
    for entry in entries:
        for code in entry["themes"]:
            counts[code] += 1
    return {
        "commenters": len(entries),
        "themes": {t.code: counts[t.code] for t in themes if counts[t.code] >= threshold},
        "texts": [] if level == "nation" else entries,
        "carried_from": None,
    }


def _complementary(rows: dict, counts: dict, keys: list, threshold: int) -> None:
    """Drop unit rows until the units without a row hold 0 or at least k commenters, per
    institution (see module doc). `counts`: commenters per unit key."""
    by_institution = defaultdict(list)
    for key in keys:
        if key[0] == "unit":
            by_institution[key[1]].append(key)
    for units in by_institution.values():
        while True:
            hidden = sum(counts.get(key, 0) for key in units if key not in rows)
            shown = [key for key in units if key in rows]
            if hidden == 0 or hidden >= threshold or not shown:
                break
            smallest = min(shown, key=lambda key: (rows[key]["commenters"], key[2]))
            del rows[smallest]


def release_comments(period, result_set: ResultSet, carried: dict, previous, groups) -> int:
    """Store the comments rows of `result_set` (see module doc); return how many were stored.
    `carried`: {group key: release carried from} of the groups whose survey scores are carried
    over; `previous`: the release before (None for the first); `groups`: (group key,
    suppressed) of each group of the release, in document order."""
    threshold = int(period.threshold)
    instrument = load_instrument(period.instrument)
    themes = instrument.comment_themes
    keys = [key for key, _ in groups]
    suppressed = {key for key, hidden in groups if hidden}
    texts: dict[tuple, list[str]] = defaultdict(list)
    for inst, unit, text in _period_comments(period):
        texts[("nation", "", "ID")].append(text)
        texts[("institution", "ID", inst)].append(text)
        texts[("unit", inst, unit)].append(text)
    old = {}
    if previous is not None and carried:
        for row in ReleasedComments.objects.filter(result_set=previous):
            old[(row.level, row.parent, row.code)] = row
    rows: dict[tuple, dict] = {}
    counts: dict[tuple, int] = {}
    for key in keys:
        if key in carried:
            row = old.get(key)
            counts[key] = row.commenters if row else len(texts.get(key, ()))
            if row is not None:
                rows[key] = {
                    "commenters": row.commenters,
                    "themes": row.themes,
                    "texts": row.texts,
                    "carried_from": row.carried_from or previous.version,
                }
            continue
        found = texts.get(key, [])
        counts[key] = len(found)
        if key in suppressed or len(found) < threshold:
            continue
        rows[key] = group_row(key, found, period, result_set.version, themes, threshold)
    _complementary(rows, counts, keys, threshold)
    _store(result_set, rows)
    return len(rows)


COMMENT_COLUMNS = (
    "result_set_id", "level", "parent", "code", "commenters", "themes", "texts", "carried_from"
)  # fmt: skip


def _store(result_set: ResultSet, rows: dict) -> None:
    """Insert the comments rows of a release: with COPY on PostgreSQL (JSON encoded with
    orjson, as the result groups), with bulk INSERTs elsewhere."""
    if connection.vendor != "postgresql":
        ReleasedComments.objects.bulk_create(
            [
                ReleasedComments(
                    result_set=result_set, level=key[0], parent=key[1], code=key[2], **fields
                )
                for key, fields in rows.items()
            ],
            batch_size=200,
        )
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in COMMENT_COLUMNS)
    table = quote(ReleasedComments._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for (level, parent, code), fields in rows.items():
                copy.write_row((
                    result_set.pk, level, parent, code, fields["commenters"],
                    to_json(fields["themes"]), to_json(fields["texts"]), fields["carried_from"],
                ))  # fmt: skip


def released_comments(result_set, level: str, code: str, parent: str = ""):
    """Return the comments row of one group of a release, or None (nothing to show)."""
    if result_set is None:
        return None
    rows = ReleasedComments.objects.filter(result_set=result_set, level=level, code=code)
    if level == "unit":
        rows = rows.filter(parent=parent)
    return rows.first()


def comments_view(result_set, level: str, code: str, parent: str, edition: str):
    """Return what a results page, workbook, CSV and PDF show of a group's comments: None when
    there is nothing to show, else {"commenters", "themes": [{"code", "label" (Indonesian),
    "label_en", "count", "examples"}], "texts": [text, ...], "carried_from"}."""
    row = released_comments(result_set, level, code, parent)
    if row is None:
        return None
    try:
        catalogue = load_instrument(edition).comment_themes
    except InstrumentError:
        catalogue = ()
    themes = []
    for theme in catalogue:
        count = row.themes.get(theme.code)
        if count is None:
            continue
        examples = [e["text"] for e in row.texts if theme.code in e["themes"]]
        themes.append(
            {
                "code": theme.code,
                "label": theme.label.id,
                "label_en": theme.label.en,
                "count": count,
                "examples": examples[:EXAMPLES_PER_THEME],
            }
        )
    return {
        "commenters": row.commenters,
        "themes": themes,
        "texts": [entry["text"] for entry in row.texts],
        "carried_from": row.carried_from,
    }
