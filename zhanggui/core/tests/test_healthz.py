from __future__ import annotations

from django.db import connections
from django.db.utils import OperationalError


def test_healthz_reports_ok_when_database_answers(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker_seen_at": None}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_database_is_unreachable(db, client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    # Undone inside the test: the test database's own teardown needs a cursor.
    with monkeypatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", unreachable)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_healthz_answers_get_only(db, client):
    assert client.post("/healthz").status_code == 405
