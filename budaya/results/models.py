"""Stored, versioned result sets: the engine's results document for a period."""

import orjson
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

BATCH = 500  # rows read (or written, budaya.results.store) at a time


def json_bytes(value) -> bytes:
    """Return `value` as JSON (UTF-8) encoded with orjson: fast when every key is a string (a
    results document's are), else with the other keys turned into strings as json.dumps does."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


class JSONTextField(models.JSONField):
    """A JSON value kept as its text: a `text` column on every database (on PostgreSQL,
    rather than `jsonb`), encoded and decoded with orjson.

    For a result set's head and a group's summary and whole data, which are only ever read whole
    and never queried inside. Storing a national release's 270 MB of group JSON as jsonb made the server
    parse every value into its binary form, the larger part of the release's storing time; as
    text it is only copied (docs/performance.md). Keys keep the order they were written in
    (jsonb reorders them), so a stored document reads back as the engine wrote it.
    """

    def db_type(self, connection) -> str:
        return "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or hasattr(value, "resolve_expression"):
            return value
        return json_bytes(value).decode()

    def from_db_value(self, value, expression, connection):
        return None if value is None else orjson.loads(value)


class ResultSet(models.Model):
    """One computation of a period's results (METHOD.md §11 document), never edited.

    The document is stored in two parts: `head`, the document with an empty `groups` list (its
    other top-level keys, in their order), and one ResultGroup row per group, in document
    order. A national document does not fit one PostgreSQL jsonb value (its `groups` array is
    larger than the 256 MB jsonb limit), and pages read only the groups they show. `document`
    returns the whole document, reassembled from the rows on first use (or the one given).
    """

    class Trigger(models.TextChoices):
        CLOSE = "close", _("Penutupan periode")
        MANUAL = "manual", _("Hitung sekarang")
        CLI = "cli", _("Baris perintah")

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="result_sets",
        verbose_name=_("periode"),
    )
    version = models.PositiveIntegerField(_("versi"))
    computed_on = models.DateField(_("dihitung pada"))
    head = JSONTextField(_("dokumen hasil tanpa kelompok"))
    trigger = models.CharField(_("pemicu"), max_length=8, choices=Trigger.choices)

    _document = None  # the whole document, once given or reassembled

    class Meta:
        ordering = ["period", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="result_version_per_period")
        ]
        verbose_name = _("set hasil")
        verbose_name_plural = _("set hasil")

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"

    @property
    def document(self) -> dict | None:
        """Return the whole §11 document: the one given, or the stored one reassembled."""
        if self._document is None and self.pk is not None:
            self._document = assemble(self)
        return self._document

    @document.setter
    def document(self, value: dict) -> None:
        self._document = value


class ResultGroup(models.Model):
    """One group of a result set's document, stored apart so a page reads only what it shows.

    `summary` is the group without its behaviours, values selection and breakdowns, and with
    only the indices of its benchmark (what rankings, unit lists, heat maps and the next
    period's change figures need: `store.summary_of`); `data` is the whole group as the document holds it.
    Rows are written with the result set (`store.create_result_set`); the document's top-level
    keys other than "groups" are in the result set's `head`. `basis` says on which responses the
    group's survey scores rest (METHOD.md §12): {"release": the release that computed them,
    "n": the group's responses then, "cells": {cell key: responses then}} (see
    budaya.results.release); null for rows stored before releases existed.
    """

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="groups")
    level = models.CharField(max_length=12)
    code = models.CharField(max_length=64)
    parent = models.CharField(max_length=64, blank=True, default="")
    position = models.PositiveIntegerField()
    summary = JSONTextField()
    data = JSONTextField()
    basis = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["result_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["result_set", "level", "parent", "code"], name="result_group_once"
            )
        ]
        indexes = [models.Index(fields=["result_set", "level", "parent"])]

    def __str__(self) -> str:
        return f"{self.result_set} {self.level} {self.code}"


def group_texts(result_set: "ResultSet", institution_code: str | None = None):
    """Yield the JSON text of the result set's groups in document order, read in chunks;
    with an institution code only the nation, that institution and its units."""
    table = connection.ops.quote_name(ResultGroup._meta.db_table)
    data = "data::text" if connection.vendor == "postgresql" else "data"
    where, params = "result_set_id = %s", [result_set.pk]
    if institution_code is not None:
        where += (
            " AND (level = 'nation' OR (level = 'institution' AND code = %s)"
            " OR (level = 'unit' AND parent = %s))"
        )
        params += [institution_code, institution_code]
    sql = f"SELECT {data} FROM {table} WHERE {where} ORDER BY position"
    # Inside a transaction PostgreSQL's server-side cursor streams (see survey_data.chunks).
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            for (text,) in rows:
                yield text


def assemble(result_set: "ResultSet") -> dict:
    """Return the result set's whole document: its head with the groups of its rows, in their
    order (the same document as the one stored, keys in the same order)."""
    document = dict(result_set.head)
    groups = [orjson.loads(text) for text in group_texts(result_set)]
    if "groups" in document or groups:
        document["groups"] = groups
    return document


class ReleasedComments(models.Model):
    """The comments and comment themes one group of a release shows (METHOD.md §14).

    Written with the release (budaya.results.comments.release_comments), never edited, and only
    for a group that may show them: the group is shown and at least k of its respondents wrote
    a comment (a unit also passes complementary suppression among its institution's units). So
    whatever reads these rows can show nothing of a group under k. `texts` are the comments (as
    redacted at submission) in the release's random order, each with its theme codes: [{"text",
    "themes"}]; the nation keeps none (its page shows the themes). `themes` holds only the
    counts of at least k: {theme code: count}. A group whose survey scores are carried over
    (METHOD.md §12) keeps its comments of that release (`carried_from`), so a later submission
    cannot change a released view.
    """

    result_set = models.ForeignKey(
        ResultSet, on_delete=models.CASCADE, related_name="comment_groups"
    )
    level = models.CharField(max_length=12)
    code = models.CharField(max_length=64)
    parent = models.CharField(max_length=64, blank=True, default="")
    commenters = models.PositiveIntegerField()
    themes = models.JSONField(default=dict)
    texts = models.JSONField(default=list)
    carried_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["result_set", "level", "parent", "code"], name="released_comments_once"
            )
        ]
        verbose_name = _("komentar rilis")
        verbose_name_plural = _("komentar rilis")

    def __str__(self) -> str:
        return f"{self.result_set} {self.level} {self.code}: {self.commenters}"
