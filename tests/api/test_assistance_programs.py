"""Every program from application to approval, through HTTP, with the amount it comes to."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from server.models.assistance import Application
from server.services.common import local_today
from tests.assistance_helpers import ready, step

TODAY = local_today(datetime.now(UTC))

PROGRAMS = {
    # program: (members, extra fields, the approved amount in fen)
    "dibao": (
        [
            {"relation": "self", "age": 66, "monthly_income_fen": 30_000},
            {"relation": "spouse", "age": 64, "monthly_income_fen": 10_000},
        ],
        {},
        48_000 * 2 - 40_000,
    ),
    "tekun": (
        [{"relation": "self", "age": 78, "monthly_income_fen": 0}],
        {},
        48_000 * 130 // 100,
    ),
    "temporary": (
        [
            {"relation": "self", "age": 45, "monthly_income_fen": 50_000},
            {"relation": "child", "age": 12, "monthly_income_fen": 0, "student": True},
        ],
        {"emergency": True, "cause": "fire"},
        48_000 * 2 * 3,
    ),
    "medical": (
        [{"relation": "self", "age": 58, "monthly_income_fen": 40_000}],
        {"medical_out_of_pocket_fen": 1_000_000},
        700_000,
    ),
    "orphan": (
        [{"relation": "self", "age": 9, "monthly_income_fen": 0}],
        {},
        100_000,
    ),
    "child_rehab": (
        [
            {"relation": "self", "age": 38, "monthly_income_fen": 60_000},
            {"relation": "child", "age": 6, "monthly_income_fen": 0, "disability_grade": 2},
        ],
        {},
        0,  # no standard set: the rehabilitation institution's own rate
    ),
}


def investigate_and_review(client, township, app_id, members):
    step(client, township, app_id, "accept")
    step(
        client,
        township,
        app_id,
        "investigate",
        staff=["陈建国", "周丽萍"],
        visited_on=TODAY.isoformat(),
        members=members,
    )
    return step(client, township, app_id, "review", decision="approve")


@pytest.mark.parametrize("program", PROGRAMS)
def test_each_program_runs_from_application_to_approval(
    program, client, resident, township_worker, county_worker, assistance_settings
):
    assistance_settings(notice_days=0)
    members, extra, amount = PROGRAMS[program]
    app = ready(client, resident, program, members=members, **extra)
    submitted = step(client, resident, app["id"], "submit")
    prefix = {
        "dibao": "DB",
        "tekun": "TK",
        "temporary": "LS",
        "medical": "YL",
        "orphan": "GE",
        "child_rehab": "KF",
    }[program]
    assert submitted["number"].startswith(f"{prefix}-330802-{TODAY.year}-")
    reviewed = investigate_and_review(client, township_worker, app["id"], members)
    assert reviewed["status"] == "in_notice" and reviewed["proposed_amount_fen"] == amount
    approved = step(client, county_worker, app["id"], "approve")
    assert approved["status"] == "approved" and approved["amount_fen"] == amount


def test_temporary_assistance_is_granted_once_a_year_for_one_cause(
    client, resident, township_worker, county_worker, assistance_settings, session
):
    assistance_settings(notice_days=0)
    members, extra, _ = PROGRAMS["temporary"]
    first = ready(client, resident, "temporary", members=members, **extra)
    step(client, resident, first["id"], "submit")
    investigate_and_review(client, township_worker, first["id"], members)
    step(client, county_worker, first["id"], "approve")

    again = ready(client, resident, "temporary", members=members, **extra)
    refused = step(client, resident, again["id"], "submit", expect=409)
    assert refused["error"] == "temporary_once_a_year"
    # Another cause is another matter.
    other = client.patch(
        f"/api/v1/assistance/applications/{again['id']}",
        headers=resident,
        json={"version": again["version"], "cause": "illness"},
    )
    assert other.status_code == 200
    assert step(client, resident, again["id"], "submit")["status"] == "submitted"

    # And a year on, the same cause may come again.
    step(client, resident, again["id"], "withdraw")
    session.execute(
        update(Application)
        .where(Application.id == first["id"])
        .values(decided_at=datetime.now(UTC) - timedelta(days=366))
    )
    session.flush()
    later = ready(client, resident, "temporary", members=members, **extra)
    assert step(client, resident, later["id"], "submit")["status"] == "submitted"


def test_temporary_assistance_needs_a_cause(client, resident):
    members, _, _ = PROGRAMS["temporary"]
    app = ready(client, resident, "temporary", members=members, emergency=True, cause=None)
    refused = step(client, resident, app["id"], "submit", expect=422)
    assert "cause" in refused["errors"]["json"]
