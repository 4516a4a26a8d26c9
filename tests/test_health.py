"""`/healthz` answers "ok" to anyone without a database query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_ok_in_plain_text_without_a_database_query(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert len(queries) == 0


def test_healthz_refuses_a_post(client, db):
    assert client.post("/healthz").status_code == 405
