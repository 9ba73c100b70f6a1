"""Property-based checks of the HTTP API from its own OpenAPI schema (schemathesis): for
generated requests of every endpoint, no 5xx and every response matches the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sitrep.api import create_app

from conftest import SAMPLES, Cli


def test_api_never_fails_and_keeps_its_schema(tmp_path):
    db = tmp_path / "api.db"
    Cli(db)("analyze", str(SAMPLES))
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(db))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # The schema cannot say which strings are cursors this API gave out or which
            # bounding boxes are on Earth: such schema-valid requests are rightly refused.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
