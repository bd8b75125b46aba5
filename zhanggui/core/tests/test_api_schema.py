from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_schema_is_an_openapi_3_document_with_the_catalog(db, client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {"/api/v1/auth/token/", "/api/v1/products/", "/api/v1/skus/"} <= paths
    assert {"/api/v1/products/{item_no}/", "/api/v1/skus/{merchant_code}/"} <= paths


def test_schema_generates_without_warnings(db):
    # --fail-on-warn turns every spectacular warning (an undocumented view, a guessed
    # type) into an error, so new endpoints must describe themselves.
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert out.getvalue().startswith("openapi: 3.")
