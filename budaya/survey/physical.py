"""The physical order of stored responses and invitations says nothing about who answered when.

SQLite: an ordinary table keeps its rows in a hidden, insertion-ordered `rowid`, so whoever opens
the database file reads the submission order. The response table is therefore a WITHOUT ROWID
table keyed by its random UUID: rows are stored in key order, which is random. Django's SQLite
schema editor rebuilds a table without that clause whenever a later migration alters it, so
`ensure_responses_without_rowid` runs after every `migrate` (apps.py) and restores it.

PostgreSQL: rows carry their physical position (`ctid`) and the id of the transaction that wrote
them (`xmin`); both follow the submission order (a submit writes only the response and its
submission mark, budaya.survey.marks, nothing that names the invitation). At sealing (budaya.survey.sealing) every
invitation and response of the period is rewritten in the closing transaction, so all carry its
`xmin`; `compact_tables` (CLUSTER on the primary key, outside any transaction) then rewrites both
tables in key order, random for responses, as SQLite stores them, and drops the dead old
versions.
"""

import re

from django.db import connection as default_connection

RESPONSE_TABLE = "survey_response"
INVITATION_TABLE = "survey_invitation"


def is_without_rowid(connection, table: str = RESPONSE_TABLE) -> bool:
    """Return True when the SQLite table is declared WITHOUT ROWID."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        row = cursor.fetchone()
    return bool(row) and bool(re.search(r"\)\s*WITHOUT\s+ROWID\s*$", row[0], re.IGNORECASE))


def ensure_responses_without_rowid(connection=None) -> bool:
    """Rebuild the SQLite response table WITHOUT ROWID (rows in random-id order) if it is not;
    return whether it rebuilt. Does nothing on other databases or when the table is missing."""
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [RESPONSE_TABLE]
        )
        row = cursor.fetchone()
        if row is None or is_without_rowid(connection):
            return False
        create_sql = row[0]
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [RESPONSE_TABLE],
        )
        indexes = [index_sql for (index_sql,) in cursor.fetchall()]
        rebuilt = "survey_response__rebuilt"
        header = re.match(r'\s*CREATE\s+TABLE\s+("?)survey_response\1', create_sql, re.IGNORECASE)
        if header is None:
            raise RuntimeError(f"unexpected definition of {RESPONSE_TABLE}: {create_sql}")
        new_sql = f'CREATE TABLE "{rebuilt}"{create_sql[header.end() :]} WITHOUT ROWID'
        # Nothing references the response table (tests/test_anonymity_model.py), so it can be
        # dropped and renamed; the schema is changed in the migration's transaction.
        cursor.execute(new_sql)
        cursor.execute(f'INSERT INTO "{rebuilt}" SELECT * FROM "{RESPONSE_TABLE}" ORDER BY id')
        cursor.execute(f'DROP TABLE "{RESPONSE_TABLE}"')
        cursor.execute(f'ALTER TABLE "{rebuilt}" RENAME TO "{RESPONSE_TABLE}"')
        for index_sql in indexes:
            cursor.execute(index_sql)
    return True


def rebuild_responses_without_rowid(apps, schema_editor) -> None:
    """Migration step: see `ensure_responses_without_rowid`."""
    ensure_responses_without_rowid(schema_editor.connection)


def rewrite_period_responses(period, connection=None) -> None:
    """PostgreSQL, inside the sealing transaction: write a new version of every response of the
    period, so that all of them carry this transaction's `xmin` (an update that changes no key
    column fires no foreign-key check; sealing rewrites the invitations itself). No-op on other
    databases."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RESPONSE_TABLE} SET period_id = period_id WHERE period_id = %s", [period.pk]
        )


def compact_tables(connection=None) -> None:
    """PostgreSQL, outside any transaction: CLUSTER the invitation and response tables on their
    primary keys. Each table is rewritten in key order (responses: random UUIDs; invitations:
    issue order, not answer order) without its dead row versions, which kept the old order and
    the submitting transactions' ids; `xmin` values are copied as they are. It holds the two
    tables' exclusive lock meanwhile (seconds for hundreds of thousands of rows). No-op on other
    databases."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (INVITATION_TABLE, RESPONSE_TABLE):
            cursor.execute(
                "SELECT indexrelid::regclass::text FROM pg_index "
                "WHERE indrelid = %s::regclass AND indisprimary",
                [table],
            )
            (primary,) = cursor.fetchone()
            cursor.execute(f"CLUSTER {table} USING {primary}")
