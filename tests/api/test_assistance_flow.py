"""The whole lifecycle through HTTP."""

from datetime import UTC, datetime

from sqlalchemy import select

from server.models.common import Notification
from server.services.common import local_today
from tests.assistance_helpers import INVESTIGATION, ready, step, to_notice


def today():
    return local_today(datetime.now(UTC))


def test_dibao_from_draft_to_approval(
    client, resident, township_worker, community_worker, county_worker, assistance_settings, session
):
    assistance_settings(notice_days=0)
    app = ready(client, resident)
    assert app["status"] == "draft" and app["number"] is None
    submitted = step(client, resident, app["id"], "submit")
    assert submitted["status"] == "submitted"
    assert submitted["number"].startswith(f"DB-330802-{today().year}-")
    assert submitted["dibao_standard_fen"] == 48_000
    accepted = step(client, township_worker, app["id"], "accept")
    assert accepted["status"] == "accepted"
    investigated = step(
        client,
        community_worker,
        app["id"],
        "investigate",
        visited_on=today().isoformat(),
        **INVESTIGATION,
    )
    assert investigated["verified_income_fen"] == 36_000
    reviewed = step(client, township_worker, app["id"], "review", decision="approve")
    # The verified incomes decide: 480 × 2 − 360 = 600 yuan.
    assert reviewed["status"] == "in_notice"
    assert reviewed["proposed_amount_fen"] == 60_000
    approved = step(client, county_worker, app["id"], "approve")
    assert approved["status"] == "approved" and approved["amount_fen"] == 60_000
    assert approved["start_month"] > today().isoformat()

    detail = client.get(f"/api/v1/assistance/applications/{app['id']}", headers=resident).json
    assert [e["action"] for e in detail["events"]] == [
        "create",
        "submit",
        "accept",
        "investigate",
        "review",
        "approve",
    ]
    titles = session.scalars(
        select(Notification.title)
        .where(Notification.user_id == detail["events"][0]["actor_id"])
        .order_by(Notification.id)
    ).all()
    assert titles[-1] == "申请已批准" and len(titles) == 5


def test_the_notice_must_run_its_course(
    client, resident, township_worker, community_worker, county_worker
):
    app = ready(client, resident)
    to_notice(client, resident, township_worker, community_worker, app["id"], today())
    early = step(client, county_worker, app["id"], "approve", expect=409)
    assert early["error"] == "notice_not_over"


def test_an_objection_sends_the_case_back_and_the_notice_starts_again(
    client,
    resident,
    township_worker,
    community_worker,
    county_worker,
    newcomer,
    assistance_settings,
):
    app = ready(client, resident)
    to_notice(client, resident, township_worker, community_worker, app["id"], today())
    assert step(client, resident, app["id"], "submit", expect=409)  # in notice now
    notices = client.get("/api/v1/public/notices?region_code=330802").json
    assert [n["id"] for n in notices] == [app["id"]]
    objection = client.post(
        f"/api/v1/public/notices/{app['id']}/objections",
        headers=newcomer,
        json={"reason": "他家儿子在城里开公司，收入很高。"},
    )
    assert objection.status_code == 201
    back = client.get(f"/api/v1/assistance/applications/{app['id']}", headers=resident).json
    assert back["status"] == "accepted"
    assistance_settings(notice_days=0)  # the new notice, shortened for the test
    step(
        client,
        community_worker,
        app["id"],
        "investigate",
        visited_on=today().isoformat(),
        **INVESTIGATION,
    )
    step(client, township_worker, app["id"], "review", decision="approve")
    assert step(client, county_worker, app["id"], "approve")["status"] == "approved"


def test_return_then_resubmit_keeps_the_number(client, resident, township_worker):
    app = ready(client, resident)
    first = step(client, resident, app["id"], "submit")
    returned = step(
        client, township_worker, app["id"], "return", missing=["户口簿首页", "2013年收入证明"]
    )
    assert returned["status"] == "returned" and returned["missing"] == [
        "户口簿首页",
        "2013年收入证明",
    ]
    again = step(client, resident, app["id"], "submit")
    assert again["number"] == first["number"]


def test_rejection_needs_reasons(
    client, resident, township_worker, community_worker, county_worker
):
    app = ready(client, resident)
    step(client, resident, app["id"], "submit")
    step(client, township_worker, app["id"], "accept")
    step(
        client,
        community_worker,
        app["id"],
        "investigate",
        visited_on=today().isoformat(),
        **INVESTIGATION,
    )
    step(client, township_worker, app["id"], "review", decision="reject", expect=422)
    step(
        client,
        township_worker,
        app["id"],
        "review",
        decision="reject",
        reasons="家庭存款超过规定。",
    )
    rejected = step(client, county_worker, app["id"], "reject", reasons="家庭存款超过规定。")
    assert rejected["status"] == "rejected"
