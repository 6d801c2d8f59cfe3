"""schemathesis over the whole OpenAPI document: no 5xx, and every response conforms to what
the document says (status code, content type, body schema). New endpoints are fuzzed here
without anyone asking. It runs as a county worker and as a resident, against the demo city's
applications in every state, so that the id-taking endpoints reach real objects too."""

import os
from datetime import UTC, datetime

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from server.models.assistance import Application
from server.seed import seed_applications
from tests.conftest import login

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# The county worker of 柯城区, and a resident with an application in notice.
READERS = ("demo-worker-county", "demo-household-07")


def test_every_endpoint_conforms(app, client, session):
    assistance = app.extensions["minzheng.assistance"]
    seed_applications(
        session,
        cipher=app.extensions["minzheng.cipher"],
        settings=assistance,
        now=datetime.now(UTC),
        storage_dir=assistance.storage_dir,
    )
    session.flush()
    ids = session.scalars(select(Application.id)).all()
    assert len(ids) >= 10

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        for openid in READERS:
            fuzz_operation(operation, client, openid, ids)


def fuzz_operation(operation, client, openid, ids):
    # A fresh login per operation: fuzzing /auth/logout must not starve the others.
    headers = login(client, openid)

    @given(case=operation.as_strategy(), real_id=st.sampled_from(ids), use_real=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def fuzz(case, real_id, use_real):
        if use_real and "application_id" in (case.path_parameters or {}):
            case.path_parameters["application_id"] = real_id
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
