"""Property-based checks of the HTTP API from its own OpenAPI schema (schemathesis): for
generated requests of every endpoint, no 5xx and every response matches the schema; read-only,
every review is refused (403); with review on, generated reviews carrying the token are stored
or refused with a 4xx, never a 5xx."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sitrep.api import create_app

from conftest import SAMPLES, Cli

TOKEN = "schema-test-token-0123456789"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("schema") / "api.db"
    Cli(db)("analyze", str(SAMPLES))
    return db


@pytest.mark.parametrize("review", [False, True], ids=["read-only", "review"])
def test_api_never_fails_and_keeps_its_schema(sample_db, tmp_path, review):
    db = tmp_path / "api.db"
    shutil.copy(sample_db, db)
    app = create_app(db, review_token=TOKEN if review else None)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    paths = {(op.method.upper(), op.path) for op in operations}
    assert {("GET", "/api/timeline"), ("GET", "/api/map"), ("GET", "/api/facets"),
            ("GET", "/api/actors"), ("GET", "/api/places"),
            ("POST", "/api/events/{event_id}/reviews"),
            ("POST", "/api/claims/{claim_key}/reviews")} <= paths
    headers = {"Authorization": f"Bearer {TOKEN}"} if review else None
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # The schema cannot say which strings are cursors this API gave out, which
            # bounding boxes are on Earth or which review values fit a field: such
            # schema-valid requests are rightly refused.
            response = case.call_and_validate(headers=headers,
                                              excluded_checks=[positive_data_acceptance])
            if case.method.upper() == "POST" and not review:
                assert response.status_code == 403, response.text

        check()
