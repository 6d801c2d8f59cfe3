"""schemathesis over the whole OpenAPI document, as a county worker: no 5xx, and every
response conforms to what the document says (status code, content type, body schema).
New endpoints are fuzzed here without anyone asking."""

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import login

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_endpoint_conforms(app, client):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        fuzz_operation(operation, client)


def fuzz_operation(operation, client):
    # A fresh login per operation: fuzzing /auth/logout must not starve the others.
    headers = login(client, "demo-worker-county")

    @given(case=operation.as_strategy())
    @settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def fuzz(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
