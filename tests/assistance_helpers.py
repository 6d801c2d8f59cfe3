"""Helpers for assistance tests: a ready application, and one step of the review."""

from __future__ import annotations

import io

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64

MEMBERS = [
    {"relation": "self", "age": 62, "monthly_income_fen": 20_000},
    {"relation": "spouse", "age": 60, "monthly_income_fen": 10_000},
]
VERIFIED = [
    {"relation": "self", "age": 62, "monthly_income_fen": 24_000},
    {"relation": "spouse", "age": 60, "monthly_income_fen": 12_000},
]


def upload(client, headers, app_id, content=PNG, name="id.png", kind="身份证"):
    return client.post(
        f"/api/v1/assistance/applications/{app_id}/attachments",
        headers=headers,
        data={"file": (io.BytesIO(content), name), "kind": kind},
        content_type="multipart/form-data",
    )


def draft(client, headers, program="dibao", **fields):
    if program == "temporary":
        fields.setdefault("cause", "illness")
    fields = {key: value for key, value in fields.items() if value is not None}
    body = {
        "program": program,
        "members": MEMBERS,
        "assets": {"financial_fen": 100_000},
        "reason": "老两口退休金低，看病花钱多，生活困难。",
        **fields,
    }
    response = client.post("/api/v1/assistance/applications", headers=headers, json=body)
    assert response.status_code == 201, response.json
    return response.json


def ready(client, headers, program="dibao", **fields):
    """A draft with a document uploaded: complete, ready to submit."""
    app = draft(client, headers, program, **fields)
    assert upload(client, headers, app["id"]).status_code == 201
    return app


def step(client, headers, app_id, action, expect=200, **payload):
    """Do one action with the application's current version."""
    current = client.get(f"/api/v1/assistance/applications/{app_id}", headers=headers)
    version = current.json["version"] if current.status_code == 200 else 1
    response = client.post(
        f"/api/v1/assistance/applications/{app_id}/{action.replace('_', '-')}",
        headers=headers,
        json={"version": version, **payload},
    )
    assert response.status_code == expect, (action, response.json)
    return response.json


INVESTIGATION = {
    "staff": ["周丽萍", "陈建国"],
    "members": VERIFIED,
    "assets": {"financial_fen": 100_000},
    "notes": "入户核实，两位老人身体较差。",
}


def to_notice(client, resident, township, community, app_id, today):
    step(client, resident, app_id, "submit")
    step(client, township, app_id, "accept")
    step(client, community, app_id, "investigate", visited_on=today.isoformat(), **INVESTIGATION)
    return step(client, township, app_id, "review", decision="approve")
