"""The time bank's ledger through HTTP: service logs and their approval, the balance cap, the
account, transfers, redemptions, the fund's grants and an admin's corrections."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.models.common import Notification
from server.models.timebank import Entry, Redemption, ServiceLog, Transfer
from server.models.users import User
from server.services import timebank_ledger as ledger
from server.services import users as users_service
from server.services.common import local_today
from tests.conftest import counting_sql, login
from tests.timebank_helpers import (
    FANGMEN,
    QUJIANG_COMMUNITY,
    XINAN_COMMUNITY,
    booked,
    check_in,
    check_out,
    create_opportunity,
    freeze,
    id_number,
    volunteer,
)

BASE = "/api/v1/timebank"
LOGS = f"{BASE}/service-logs"
ACCOUNT = f"{BASE}/account"
TRANSFERS = f"{BASE}/transfers"
REDEMPTIONS = f"{BASE}/redemptions"
GRANTS = f"{BASE}/fund/grants"
CORRECTIONS = f"{BASE}/corrections"

# server/seed.py DEMO_USERS
RESIDENT_NAME, RESIDENT_PHONE = "王秀英", "13857000001"
VOLUNTEER_NAME, VOLUNTEER_PHONE = "李晓明", "13857000002"


def today() -> date:
    return local_today(datetime.now(UTC))


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def tb_settings(app, monkeypatch):
    """Change the time bank's settings for one test: `tb_settings(balance_cap_minutes=60)`."""

    def change(**values):
        current = app.extensions["minzheng.timebank"]
        monkeypatch.setitem(
            app.extensions, "minzheng.timebank", dataclasses.replace(current, **values)
        )

    return change


@pytest.fixture
def vol(client):
    """The demo volunteer, registered; their headers."""
    return volunteer(client)


@pytest.fixture
def people(session):
    """User ids of the demo people."""
    rows = dict(session.execute(select(User.openid, User.id)).all())
    return {
        "volunteer": rows["demo-volunteer"],
        "resident": rows["demo-resident"],
        "community": rows["demo-worker-community"],
    }


def make_person(app, session, openid: str, *, name: str, phone: str, region: str, index: int):
    """A real-name user with a phone, committed to the test's transaction; their id."""
    user = users_service.find_or_create(session, openid=openid)
    users_service.update_profile(
        session,
        user_id=user.id,
        cipher=app.extensions["minzheng.cipher"],
        real_name=name,
        id_number=id_number(index, birth="19450303", area="330803"),
        phone=phone,
        region_code=region,
    )
    session.commit()
    return user.id


@pytest.fixture
def outsider(client, session):
    """A community worker in 衢江区, outside the demo community: their headers."""
    users_service.find_or_create(session, openid="tb-ledger-outsider")
    users_service.grant_worker(
        session, openid="tb-ledger-outsider", level="community", region_code=QUJIANG_COMMUNITY
    )
    session.commit()
    return login(client, "tb-ledger-outsider")


# --- helpers -------------------------------------------------------------------------------------


def field_errors(response) -> set[str]:
    return set(response.json.get("errors", {}).get("json", {}))


def log_body(**overrides) -> dict:
    body = {
        "served_on": today().isoformat(),
        "minutes": 120,
        "region_code": FANGMEN,
        "served_name": RESIDENT_NAME,
        "served_phone": RESIDENT_PHONE,
        "description": "上门陪老人聊天、读报。",
    }
    body.update(overrides)
    return body


def post_log(client, headers, **overrides):
    return client.post(LOGS, headers=headers, json=log_body(**overrides))


def logged(client, headers, **overrides) -> dict:
    response = post_log(client, headers, **overrides)
    assert response.status_code == 201, response.json
    return response.json


def confirm(client, headers, log_id: int):
    return client.post(f"{LOGS}/{log_id}/confirm", headers=headers)


def approve(client, headers, log_id: int):
    return client.post(f"{LOGS}/{log_id}/approve", headers=headers)


def reject(client, headers, log_id: int, **body):
    return client.post(f"{LOGS}/{log_id}/reject", headers=headers, json=body)


def earn(client, vol, resident, worker, minutes: int) -> list[dict]:
    """Log, confirm and approve `minutes` of service (in logs of up to 12 hours); the approvals."""
    answers = []
    while minutes > 0:
        chunk = min(minutes, 720)
        log = logged(client, vol, minutes=chunk)
        assert confirm(client, resident, log["id"]).status_code == 200
        answer = approve(client, worker, log["id"])
        assert answer.status_code == 200, answer.json
        answers.append(answer.json)
        minutes -= chunk
    return answers


def account(client, headers, **query) -> dict:
    response = client.get(ACCOUNT, headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def balance(client, headers) -> int:
    return account(client, headers)["balance_minutes"]


def correct(client, admin, user_id: int, minutes: int, reason: str = "补录"):
    return client.post(
        CORRECTIONS, headers=admin, json={"user_id": user_id, "minutes": minutes, "reason": reason}
    )


def give(client, admin, user_id: int, minutes: int) -> None:
    """Put `minutes` on a user's balance (an admin's correction)."""
    response = correct(client, admin, user_id, minutes)
    assert response.status_code == 201, response.json


def redeem(client, headers, minutes: int, **overrides):
    body = {
        "service": "companionship",
        "wanted_on": today().isoformat(),
        "place": "坊门街社区 3 幢 201 室",
        "region_code": FANGMEN,
        "minutes": minutes,
        **overrides,
    }
    return client.post(REDEMPTIONS, headers=headers, json=body)


def redeemed(client, headers, minutes: int, **overrides) -> dict:
    response = redeem(client, headers, minutes, **overrides)
    assert response.status_code == 201, response.json
    return response.json


def cancel_redemption(client, headers, redemption_id: int, **body):
    return client.post(f"{REDEMPTIONS}/{redemption_id}/cancel", headers=headers, json=body)


def done(client, headers, redemption_id: int):
    return client.post(f"{REDEMPTIONS}/{redemption_id}/done", headers=headers)


def transfer(client, headers, minutes: int, *, phone=RESIDENT_PHONE, name=RESIDENT_NAME, key=None):
    if key:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(
        TRANSFERS,
        headers=headers,
        json={"phone": phone, "real_name": name, "minutes": minutes, "relation": "母亲"},
    )


def grant(client, headers, minutes: int, *, phone=RESIDENT_PHONE, name=RESIDENT_NAME, **extra):
    body = {"phone": phone, "real_name": name, "minutes": minutes, "reason": "特困老人", **extra}
    return client.post(GRANTS, headers=headers, json=body)


def entries(session, user_id: int, kind: str | None = None) -> list[Entry]:
    session.expire_all()
    account_id = select(ledger.Account.id).where(ledger.Account.user_id == user_id)
    query = select(Entry).where(Entry.account_id.in_(account_id.scalar_subquery()))
    if kind:
        query = query.where(Entry.kind == kind)
    return list(session.scalars(query.order_by(Entry.id)))


def notes(session, user_id: int, kind: str) -> list[Notification]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def fund_balance(client, headers) -> int:
    return client.get(f"{BASE}/fund", headers=headers).json["balance_minutes"]


def fill_fund(client, tb_settings, vol, resident, worker, minutes: int) -> None:
    """Service approved while the volunteer is at a cap of 0: every minute goes to the fund."""
    tb_settings(balance_cap_minutes=0)
    earn(client, vol, resident, worker, minutes)
    tb_settings(balance_cap_minutes=1500 * 60)


def audit_clean(session) -> None:
    session.expire_all()
    assert ledger.audit(session) == []


# --- logging service outside a booking -----------------------------------------------------------


def test_only_a_registered_volunteer_may_log_service(client, resident, newcomer, session):
    for headers in (resident, newcomer):
        response = post_log(client, headers, served_phone=VOLUNTEER_PHONE)
        assert response.status_code == 403
        assert response.json["error"] == "not_volunteer"
    assert count(session, ServiceLog) == 0


@pytest.mark.parametrize(
    ("days_ago", "status"),
    [(-1, 422), (91, 422), (90, 201), (0, 201)],
    ids=["tomorrow", "91-days-ago", "90-days-ago", "today"],
)
def test_the_service_date_is_today_or_within_90_days(client, vol, days_ago, status):
    served_on = today() - timedelta(days=days_ago)
    response = post_log(client, vol, served_on=served_on.isoformat())
    assert response.status_code == status, response.json
    if status == 422:
        assert field_errors(response) == {"served_on"}


@pytest.mark.parametrize("minutes", [45, 100, 750, 0])
def test_minutes_are_whole_half_hours_of_at_most_12_hours(client, vol, minutes):
    response = post_log(client, vol, minutes=minutes)
    assert response.status_code == 422
    assert field_errors(response) == {"minutes"}


def test_the_longest_log_follows_the_setting(client, vol, tb_settings):
    assert post_log(client, vol, minutes=720).status_code == 201
    tb_settings(log_max_minutes=240)
    response = post_log(client, vol, minutes=270)
    assert response.status_code == 422 and field_errors(response) == {"minutes"}
    assert "4 小时" in response.json["message"]
    assert post_log(client, vol, minutes=240).status_code == 201


def test_a_volunteer_cannot_name_their_own_phone(client, vol, session):
    response = post_log(client, vol, served_phone=VOLUNTEER_PHONE, served_name=VOLUNTEER_NAME)
    assert response.status_code == 422
    assert field_errors(response) == {"served_phone"}
    assert count(session, ServiceLog) == 0


def test_only_the_person_whose_phone_the_log_names_may_confirm(
    client, vol, resident, newcomer, community_worker, township_worker, session, people
):
    log = logged(client, vol)
    assert log["status"] == "pending" and log["needs_confirmation"] is True
    asked = notes(session, people["resident"], "timebank.confirm_requested")
    assert [n.data["service_log_id"] for n in asked] == [log["id"]]
    waiting = client.get(LOGS, headers=resident, query_string={"to_confirm": 1}).json
    assert [item["id"] for item in waiting] == [log["id"]]
    for other in (newcomer, community_worker, township_worker, vol):
        refused = confirm(client, other, log["id"])
        assert refused.status_code == 404, refused.json
    assert confirm(client, resident, 999_999).status_code == 404
    confirmed = confirm(client, resident, log["id"])
    assert confirmed.status_code == 200
    assert confirmed.json["confirmed_at"] is not None
    again = confirm(client, resident, log["id"])
    assert again.status_code == 409 and again.json["error"] == "already_confirmed"
    assert client.get(LOGS, headers=resident, query_string={"to_confirm": 1}).json == []


def test_approval_before_confirmation_is_409_not_confirmed(
    client, vol, resident, community_worker, session, people
):
    log = logged(client, vol)
    early = approve(client, community_worker, log["id"])
    assert early.status_code == 409 and early.json["error"] == "not_confirmed"
    assert entries(session, people["volunteer"]) == []
    assert confirm(client, resident, log["id"]).status_code == 200
    assert approve(client, community_worker, log["id"]).status_code == 200


def test_approval_by_a_worker_in_scope_credits_once(
    client, vol, resident, community_worker, township_worker, session, people
):
    log = logged(client, vol, minutes=150)
    assert confirm(client, resident, log["id"]).status_code == 200

    approved = approve(client, community_worker, log["id"])

    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    assert (approved.json["credited_minutes"], approved.json["to_fund_minutes"]) == (150, 0)
    service = entries(session, people["volunteer"], "service")
    assert [(e.minutes, e.ref_type, e.ref_id) for e in service] == [(150, "service_log", log["id"])]
    assert balance(client, vol) == 150
    told = notes(session, people["volunteer"], "timebank.log_approved")
    assert len(told) == 1 and told[0].data == {"service_log_id": log["id"]}
    assert "2.5 小时" in told[0].body

    for worker in (community_worker, township_worker):
        twice = approve(client, worker, log["id"])
        assert twice.status_code == 409 and twice.json["error"] == "wrong_state"
    late_reject = reject(client, township_worker, log["id"], reason="重复")
    assert late_reject.status_code == 409
    assert len(entries(session, people["volunteer"], "service")) == 1
    assert balance(client, vol) == 150
    assert len(notes(session, people["volunteer"], "timebank.log_approved")) == 1
    audit_clean(session)


def test_a_worker_never_approves_their_own_log(
    client, community_worker, township_worker, resident, session
):
    # The community worker volunteers too (they have a real-name profile).
    assert (
        client.post(
            f"{BASE}/volunteers", headers=community_worker, json={"skills": ["companionship"]}
        ).status_code
        == 201
    )
    log = logged(client, community_worker)
    assert confirm(client, resident, log["id"]).status_code == 200
    own = approve(client, community_worker, log["id"])
    assert own.status_code == 403 and own.json["error"] == "own_log"
    own_reject = reject(client, community_worker, log["id"], reason="自己")
    assert own_reject.status_code == 403
    assert approve(client, township_worker, log["id"]).status_code == 200


def test_a_worker_out_of_scope_gets_404_and_a_resident_403(
    client,
    vol,
    resident,
    community_worker,
    township_worker,
    county_worker,
    outsider,
    session,
    people,
):
    log = logged(client, vol, region_code=XINAN_COMMUNITY)  # 新安社区, 柯城区: another street
    assert confirm(client, resident, log["id"]).status_code == 200
    for worker in (outsider, community_worker, township_worker):
        assert approve(client, worker, log["id"]).status_code == 404
        assert reject(client, worker, log["id"], reason="不在辖区").status_code == 404
    assert approve(client, resident, log["id"]).status_code == 403
    assert approve(client, county_worker, 999_999).status_code == 404
    assert entries(session, people["volunteer"]) == []
    assert approve(client, county_worker, log["id"]).status_code == 200


def test_a_rejection_needs_a_reason_and_tells_the_volunteer(
    client, vol, resident, community_worker, session, people
):
    log = logged(client, vol)
    assert confirm(client, resident, log["id"]).status_code == 200
    for body in ({}, {"reason": ""}):
        refused = reject(client, community_worker, log["id"], **body)
        assert refused.status_code == 422 and field_errors(refused) == {"reason"}
    rejected = reject(client, community_worker, log["id"], reason="服务时间与签到记录不符")
    assert rejected.status_code == 200
    assert rejected.json["status"] == "rejected"
    assert rejected.json["reject_reason"] == "服务时间与签到记录不符"
    told = notes(session, people["volunteer"], "timebank.log_rejected")
    assert len(told) == 1 and "服务时间与签到记录不符" in told[0].body
    assert approve(client, community_worker, log["id"]).status_code == 409
    assert entries(session, people["volunteer"]) == []


def test_a_log_from_a_check_out_needs_no_confirmation(
    client, vol, resident, community_worker, township_worker, monkeypatch, session, people
):
    opp = create_opportunity(client, community_worker, starts_in=timedelta(hours=3), hours=2)
    booking = booked(client, vol, opp["id"])
    starts = datetime.fromisoformat(opp["starts_at"])
    freeze(monkeypatch, starts - timedelta(minutes=10))
    assert check_in(client, vol, booking["id"], code=opp["check_code"]).status_code == 200
    freeze(monkeypatch, starts + timedelta(minutes=100))
    out = check_out(client, vol, booking["id"], code=opp["check_code"])
    assert out.status_code == 200, out.json
    assert out.json["served_minutes"] == 90  # 100 minutes, by the half hour
    log_id = out.json["service_log_id"]
    # Nobody named a phone: nobody can confirm, and nobody needs to.
    assert confirm(client, resident, log_id).status_code == 404

    approved = approve(client, township_worker, log_id)

    assert approved.status_code == 200, approved.json
    assert approved.json["needs_confirmation"] is False
    assert approved.json["credited_minutes"] == 90
    assert [e.minutes for e in entries(session, people["volunteer"], "service")] == [90]


# --- the balance cap -----------------------------------------------------------------------------


def test_hours_above_the_cap_go_to_the_fund_and_the_volunteer_is_told(
    client, vol, resident, community_worker, tb_settings, session, people
):
    tb_settings(balance_cap_minutes=180)
    earn(client, vol, resident, community_worker, 120)

    [second] = earn(client, vol, resident, community_worker, 180)

    assert (second["credited_minutes"], second["to_fund_minutes"]) == (60, 120)
    assert balance(client, vol) == 180
    assert fund_balance(client, vol) == 120
    summary = account(client, vol)
    assert summary["to_fund_minutes"] == 120
    assert summary["earned_minutes"] == 300  # the service was given, whoever keeps the hours
    told = notes(session, people["volunteer"], "timebank.log_approved")[-1]
    assert "公益基金" in told.body and "2 小时" in told.body and "3 小时" in told.body
    first = notes(session, people["volunteer"], "timebank.log_approved")[0]
    assert "公益基金" not in first.body

    [third] = earn(client, vol, resident, community_worker, 60)  # already at the cap

    assert (third["credited_minutes"], third["to_fund_minutes"]) == (0, 60)
    assert balance(client, vol) == 180
    fund = client.get(f"{BASE}/fund", headers=vol).json
    assert fund == {"balance_minutes": 180, "received_minutes": 180, "granted_minutes": 0}
    assert account(client, vol)["to_fund_minutes"] == 180
    audit_clean(session)


# --- the account ---------------------------------------------------------------------------------


def test_the_account_sums_up_earned_held_spent_given_and_received(
    client, vol, resident, community_worker, session
):
    earn(client, vol, resident, community_worker, 300)
    assert transfer(client, vol, 60).status_code == 201
    held = redeemed(client, vol, 60)
    spent = redeemed(client, vol, 90)
    cancelled = redeemed(client, vol, 30)
    assert done(client, community_worker, spent["id"]).status_code == 200
    assert cancel_redemption(client, vol, cancelled["id"]).status_code == 200

    mine = account(client, vol)

    assert mine["balance_minutes"] == 300 - 60 - 60 - 90
    assert mine["held_minutes"] == held["minutes"] == 60
    assert mine["earned_minutes"] == 300
    assert mine["spent_minutes"] == 90
    assert mine["given_minutes"] == 60
    assert mine["received_minutes"] == 0
    assert mine["star_level"] == 0 and mine["next_star_hours"] == 100
    theirs = account(client, resident)
    assert (theirs["balance_minutes"], theirs["received_minutes"]) == (60, 60)
    assert (theirs["earned_minutes"], theirs["given_minutes"]) == (0, 0)
    audit_clean(session)


def test_the_account_page_follows_every_change_after_it_was_cached(
    client, vol, resident, community_worker, session
):
    """The totals over the history are cached per account version: each change below comes
    after a read that cached the totals before it."""

    def totals():
        mine = account(client, vol)
        return {k: mine[k] for k in ("earned_minutes", "held_minutes", "spent_minutes")} | {
            "given": mine["given_minutes"],
            "entries": mine["entries_total"],
            "services": mine["certificate"]["services"],
        }

    base = {"held_minutes": 0, "spent_minutes": 0, "given": 0}
    assert totals() == base | {"earned_minutes": 0, "entries": 0, "services": 0}
    earn(client, vol, resident, community_worker, 300)
    assert totals() == base | {"earned_minutes": 300, "entries": 1, "services": 1}
    assert transfer(client, vol, 60).status_code == 201
    assert totals()["given"] == 60
    held = redeemed(client, vol, 90)
    assert totals()["held_minutes"] == 90
    assert done(client, community_worker, held["id"]).status_code == 200  # no entry: a touch
    after = totals()
    assert (after["held_minutes"], after["spent_minutes"], after["entries"]) == (0, 90, 3)
    assert account(client, vol)["balance_minutes"] == 300 - 60 - 90


def test_a_cached_account_page_skips_the_history_queries(app, client, vol):
    first = account(client, vol)
    with counting_sql(app) as statements:
        second = account(client, vol)
    assert second == first
    assert statements and not [s for s in statements if "GROUP BY" in s.upper()]


def test_a_history_filed_under_another_version_is_never_shown(app, client, vol, people, session):
    from server.services.timebank import SUMMARY_KEY

    account(client, vol)
    account_id = session.scalar(
        select(ledger.Account.id).where(ledger.Account.user_id == people["volunteer"])
    )
    redis = app.extensions["minzheng.redis"]
    stale = json.loads(redis.get(SUMMARY_KEY.format(account_id)))
    redis.set(
        SUMMARY_KEY.format(account_id),
        json.dumps(stale | {"version": stale["version"] - 1, "earned_minutes": 999_999}),
    )
    assert account(client, vol)["earned_minutes"] == 0


def test_the_account_page_answers_with_redis_down(app, vol, people, session):
    from server.extensions import make_redis
    from server.services import timebank as timebank_service
    from server.services.users import Principal

    principal = Principal(id=people["volunteer"], roles=("resident",))
    summary = timebank_service.account_summary(
        session,
        principal=principal,
        page=1,
        page_size=20,
        cache=make_redis("redis://127.0.0.1:1/0"),
    )
    assert summary["balance_minutes"] == 0 and summary["entries_total"] == 0


def approved_log(session, user_id: int, minutes: int, served_on: date, status="approved"):
    session.add(
        ServiceLog(
            volunteer_id=user_id,
            region_code=FANGMEN,
            served_on=served_on,
            minutes=minutes,
            description="测试",
            status=status,
        )
    )
    session.commit()


@pytest.mark.parametrize(
    ("hours", "star", "next_star"),
    [(0, 0, 100), (99.5, 0, 100), (100, 1, 300), (299.5, 1, 300), (300, 2, 600)]
    + [(600, 3, 1000), (999.5, 3, 1000), (1000, 4, 1500), (1500, 5, None), (4000, 5, None)],
)
def test_the_star_level_follows_the_policy_thresholds(
    client, vol, session, people, hours, star, next_star
):
    if hours:
        approved_log(session, people["volunteer"], int(hours * 60), today())
    mine = account(client, vol)
    assert (mine["star_level"], mine["next_star_hours"]) == (star, next_star)
    assert mine["certificate"]["star_level"] == star


def test_the_certificate_counts_verified_service_by_year(client, vol, session, people):
    me, other = people["volunteer"], people["resident"]
    approved_log(session, me, 120, date(2025, 6, 1))
    approved_log(session, me, 60, date(2025, 12, 31))
    approved_log(session, me, 90, date(2026, 1, 1))
    approved_log(session, me, 600, date(2026, 1, 2), status="pending")
    approved_log(session, me, 600, date(2026, 1, 3), status="rejected")
    approved_log(session, other, 600, date(2026, 1, 4))

    certificate = account(client, vol)["certificate"]

    assert certificate == {
        "name": VOLUNTEER_NAME,
        "verified_minutes": 270,
        "services": 3,
        "first_served_on": "2025-06-01",
        "last_served_on": "2026-01-01",
        "star_level": 0,
        "by_year": [{"year": 2025, "minutes": 180}, {"year": 2026, "minutes": 90}],
    }


def test_the_entries_are_paginated_newest_first(client, vol, admin, people):
    for minutes in (30, 60, 90, 120, 150):
        give(client, admin, people["volunteer"], minutes)

    first = client.get(ACCOUNT, headers=vol, query_string={"page": 1, "page_size": 2})
    last = client.get(ACCOUNT, headers=vol, query_string={"page": 3, "page_size": 2})

    assert first.status_code == last.status_code == 200
    pagination = json.loads(first.headers["X-Pagination"])
    assert (pagination["total"], pagination["total_pages"]) == (5, 3)
    assert first.json["entries_total"] == 5
    assert [e["minutes"] for e in first.json["entries"]] == [150, 120]
    assert [e["minutes"] for e in last.json["entries"]] == [30]
    assert first.json["entries"][0]["kind"] == "correction"
    assert first.json["balance_minutes"] == 450


# --- transfers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "name"),
    [(RESIDENT_PHONE, "王秀"), ("13857009999", RESIDENT_NAME), ("13857000003", RESIDENT_NAME)],
    ids=["wrong-name", "unknown-phone", "someone-elses-phone"],
)
def test_a_transfer_needs_phone_and_real_name_to_both_match(
    client, vol, admin, session, people, phone, name
):
    give(client, admin, people["volunteer"], 120)
    response = transfer(client, vol, 60, phone=phone, name=name)
    assert response.status_code == 422
    assert field_errors(response) == {"phone"}
    assert balance(client, vol) == 120
    assert count(session, Transfer) == 0


def test_no_transfer_to_oneself_or_in_odd_minutes(client, vol, admin, session, people):
    give(client, admin, people["volunteer"], 120)
    to_me = transfer(client, vol, 60, phone=VOLUNTEER_PHONE, name=VOLUNTEER_NAME)
    assert to_me.status_code == 422 and field_errors(to_me) == {"phone"}
    odd = transfer(client, vol, 45)
    assert odd.status_code == 422 and field_errors(odd) == {"minutes"}
    assert balance(client, vol) == 120
    assert count(session, Transfer) == 0


def test_transfers_stop_at_the_yearly_cap(client, vol, admin, tb_settings, session, people):
    tb_settings(transfer_yearly_cap_minutes=120)
    give(client, admin, people["volunteer"], 600)
    assert transfer(client, vol, 90).status_code == 201

    over = transfer(client, vol, 60)

    assert over.status_code == 409
    assert over.json["error"] == "yearly_cap"
    assert over.json["available_minutes"] == 30
    assert transfer(client, vol, 30).status_code == 201
    spent = transfer(client, vol, 30)
    assert spent.status_code == 409 and spent.json["available_minutes"] == 0
    assert balance(client, vol) == 600 - 120
    assert balance(client, login(client, "demo-resident")) == 120


def test_a_transfer_beyond_the_balance_says_what_is_available(client, vol, admin, session, people):
    give(client, admin, people["volunteer"], 90)

    response = transfer(client, vol, 120)

    assert response.status_code == 409
    assert response.json["error"] == "insufficient_balance"
    assert response.json["available_minutes"] == 90
    assert "1.5 小时" in response.json["message"]
    assert balance(client, vol) == 90
    assert count(session, Transfer) == 0
    assert entries(session, people["resident"]) == []


def test_a_transfer_may_not_lift_the_receiver_above_the_cap(
    client, vol, admin, tb_settings, session, people
):
    give(client, admin, people["volunteer"], 300)
    give(client, admin, people["resident"], 90)
    tb_settings(balance_cap_minutes=120)

    over = transfer(client, vol, 60)

    assert over.status_code == 409 and over.json["error"] == "receiver_cap"
    assert balance(client, vol) == 300
    assert transfer(client, vol, 30).status_code == 201
    assert balance(client, login(client, "demo-resident")) == 120


def test_the_receiver_is_told_and_can_spend_the_hours(
    client, vol, admin, resident, session, people
):
    give(client, admin, people["volunteer"], 120)

    response = transfer(client, vol, 60)

    assert response.status_code == 201
    assert response.json["to_user_id"] == people["resident"]
    [told] = notes(session, people["resident"], "timebank.transfer_received")
    assert "1 小时" in told.body and "李**" in told.body
    assert told.data == {"transfer_id": response.json["id"]}
    out = entries(session, people["volunteer"], "transfer_out")
    into = entries(session, people["resident"], "transfer_in")
    assert [(e.minutes, e.ref_id) for e in out] == [(-60, response.json["id"])]
    assert [(e.minutes, e.ref_id) for e in into] == [(60, response.json["id"])]
    assert redeem(client, resident, 60).status_code == 201
    assert balance(client, resident) == 0
    audit_clean(session)


def test_a_retried_transfer_with_one_idempotency_key_moves_the_hours_once(
    client, vol, admin, session, people
):
    give(client, admin, people["volunteer"], 120)
    key = "transfer-" + uuid.uuid4().hex

    first = transfer(client, vol, 60, key=key)
    again = transfer(client, vol, 60, key=key)

    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json["id"] == first.json["id"]
    assert balance(client, vol) == 60
    assert count(session, Transfer) == 1
    assert len(entries(session, people["resident"], "transfer_in")) == 1
    # Another key is another transfer.
    assert transfer(client, vol, 60, key=key + "-2").status_code == 201
    assert balance(client, vol) == 0


# --- redemptions ---------------------------------------------------------------------------------


def test_a_redemption_holds_the_hours_at_once(client, vol, admin, session, people):
    give(client, admin, people["volunteer"], 120)

    r = redeemed(client, vol, 60, recipient_name="李大妈", recipient_relation="母亲")

    assert r["status"] == "held" and r["recipient_name"] == "李**"
    mine = account(client, vol)
    assert (mine["balance_minutes"], mine["held_minutes"]) == (60, 60)
    held = entries(session, people["volunteer"], "redemption")
    assert [(e.minutes, e.ref_type, e.ref_id) for e in held] == [(-60, "redemption", r["id"])]


def test_redeeming_more_than_the_balance_says_how_much_is_available(
    client, vol, admin, session, people
):
    give(client, admin, people["volunteer"], 90)

    response = redeem(client, vol, 120)

    assert response.status_code == 409
    assert response.json["error"] == "insufficient_balance"
    assert response.json["available_minutes"] == 90
    assert "1.5 小时" in response.json["message"]
    assert count(session, Redemption) == 0
    assert balance(client, vol) == 90
    assert redeem(client, vol, 90).status_code == 201
    assert balance(client, vol) == 0


def test_the_requester_cancelling_gets_the_hours_back_once(client, vol, admin, session, people):
    give(client, admin, people["volunteer"], 120)
    r = redeemed(client, vol, 60)

    cancelled = cancel_redemption(client, vol, r["id"])

    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert balance(client, vol) == 120
    again = cancel_redemption(client, vol, r["id"])
    assert again.status_code == 409
    assert balance(client, vol) == 120
    release = entries(session, people["volunteer"], "release")
    assert [(e.minutes, e.ref_id) for e in release] == [(60, r["id"])]
    assert account(client, vol)["held_minutes"] == 0
    audit_clean(session)


def test_a_worker_in_scope_cancels_with_a_reason_and_the_requester_is_told(
    client, vol, admin, community_worker, session, people
):
    give(client, admin, people["volunteer"], 120)
    r = redeemed(client, vol, 90)

    for body in ({}, {"reason": ""}):
        refused = cancel_redemption(client, community_worker, r["id"], **body)
        assert refused.status_code == 422 and field_errors(refused) == {"reason"}
    assert balance(client, vol) == 30
    cancelled = cancel_redemption(client, community_worker, r["id"], reason="服务人员临时有事")

    assert cancelled.status_code == 200
    assert cancelled.json["cancel_reason"] == "服务人员临时有事"
    assert balance(client, vol) == 120
    [told] = notes(session, people["volunteer"], "timebank.redemption_cancelled")
    assert "服务人员临时有事" in told.body and "1.5 小时" in told.body
    assert cancel_redemption(client, community_worker, r["id"], reason="再来").status_code == 409
    assert len(entries(session, people["volunteer"], "release")) == 1


def test_done_spends_the_held_hours_for_good(
    client, vol, admin, community_worker, township_worker, session, people
):
    give(client, admin, people["volunteer"], 120)
    r = redeemed(client, vol, 60)
    assert done(client, vol, r["id"]).status_code == 403  # the requester is no worker

    finished = done(client, community_worker, r["id"])

    assert finished.status_code == 200 and finished.json["status"] == "done"
    mine = account(client, vol)
    assert (mine["balance_minutes"], mine["held_minutes"], mine["spent_minutes"]) == (60, 0, 60)
    assert cancel_redemption(client, vol, r["id"]).status_code == 409
    late = cancel_redemption(client, township_worker, r["id"], reason="搞错了")
    assert late.status_code == 409
    assert done(client, township_worker, r["id"]).status_code == 409
    assert balance(client, vol) == 60
    assert entries(session, people["volunteer"], "release") == []
    audit_clean(session)


def test_a_worker_out_of_scope_or_another_resident_gets_404(
    client, vol, admin, outsider, newcomer, resident, session, people
):
    give(client, admin, people["volunteer"], 120)
    r = redeemed(client, vol, 60)
    for stranger in (outsider, newcomer, resident):
        assert cancel_redemption(client, stranger, r["id"], reason="不是我的").status_code == 404
    assert done(client, outsider, r["id"]).status_code == 404
    assert cancel_redemption(client, vol, 999_999).status_code == 404
    assert balance(client, vol) == 60
    assert entries(session, people["volunteer"], "release") == []
    mine = client.get(REDEMPTIONS, headers=newcomer, query_string={"mine": 1}).json
    assert mine == []


# --- the fund ------------------------------------------------------------------------------------


def test_a_worker_grants_from_the_fund_to_an_elder_in_scope(
    client, vol, resident, community_worker, tb_settings, session, people
):
    fill_fund(client, tb_settings, vol, resident, community_worker, 180)
    assert fund_balance(client, vol) == 180

    response = grant(client, community_worker, 120, reason="特困供养老人，需要助浴")

    assert response.status_code == 201, response.json
    assert response.json == {
        "user_id": people["resident"],
        "real_name": "王**",
        "minutes": 120,
        "fund_balance_minutes": 60,
    }
    assert balance(client, resident) == 120
    assert account(client, resident)["received_minutes"] == 120
    fund = client.get(f"{BASE}/fund", headers=resident).json
    assert (fund["balance_minutes"], fund["granted_minutes"]) == (60, 120)
    assert [e.reason for e in entries(session, people["resident"], "grant")] == [
        "特困供养老人，需要助浴"
    ]
    assert len(notes(session, people["resident"], "timebank.grant_received")) == 1
    audit_clean(session)


def test_a_grant_beyond_the_fund_is_409(
    client, vol, resident, community_worker, tb_settings, session, people
):
    fill_fund(client, tb_settings, vol, resident, community_worker, 120)

    response = grant(client, community_worker, 150)

    assert response.status_code == 409
    assert response.json["error"] == "insufficient_balance"
    assert response.json["available_minutes"] == 120
    assert fund_balance(client, vol) == 120
    assert entries(session, people["resident"]) == []


def test_a_grant_needs_a_worker_and_a_reason(
    client, vol, resident, community_worker, tb_settings, session, people
):
    fill_fund(client, tb_settings, vol, resident, community_worker, 120)
    for body in ({"reason": ""}, {"reason": None}):
        refused = grant(client, community_worker, 60, **body)
        assert refused.status_code == 422 and field_errors(refused) == {"reason"}
    no_reason = client.post(
        GRANTS,
        headers=community_worker,
        json={"phone": RESIDENT_PHONE, "real_name": RESIDENT_NAME, "minutes": 60},
    )
    assert no_reason.status_code == 422 and field_errors(no_reason) == {"reason"}
    assert grant(client, vol, 60).status_code == 403
    assert grant(client, resident, 60).status_code == 403
    assert fund_balance(client, vol) == 120


def test_a_grant_goes_only_to_someone_living_in_the_workers_scope(
    app, client, vol, resident, community_worker, county_worker, tb_settings, session
):
    fill_fund(client, tb_settings, vol, resident, community_worker, 120)
    elder = make_person(
        app,
        session,
        "tb-ledger-elder",
        name="赵桂兰",
        phone="13957000071",
        region=QUJIANG_COMMUNITY,
        index=71,
    )
    far = grant(client, community_worker, 60, phone="13957000071", name="赵桂兰")
    assert far.status_code == 422 and field_errors(far) == {"phone"}
    county = grant(client, county_worker, 60, phone="13957000071", name="赵桂兰")
    assert county.status_code == 422  # 衢江区 is not 柯城区 either
    wrong_name = grant(client, community_worker, 60, name="王秀")
    assert wrong_name.status_code == 422 and field_errors(wrong_name) == {"phone"}
    assert fund_balance(client, vol) == 120
    assert entries(session, elder) == []


# --- corrections ---------------------------------------------------------------------------------


def test_only_an_admin_corrects_a_balance(
    client, vol, admin, community_worker, county_worker, session, people
):
    for headers in (vol, community_worker, county_worker):
        refused = correct(client, headers, people["volunteer"], 120)
        assert refused.status_code == 403
    assert entries(session, people["volunteer"]) == []

    made = correct(client, admin, people["volunteer"], 120, reason="线下服务补录")

    assert made.status_code == 201
    assert (made.json["kind"], made.json["minutes"], made.json["reason"]) == (
        "correction",
        120,
        "线下服务补录",
    )
    assert balance(client, vol) == 120


def test_a_negative_correction_never_takes_the_balance_below_zero(
    client, vol, admin, session, people
):
    give(client, admin, people["volunteer"], 60)

    over = correct(client, admin, people["volunteer"], -90, reason="重复记录")

    assert over.status_code == 409
    assert over.json["error"] == "insufficient_balance"
    assert over.json["available_minutes"] == 60
    assert balance(client, vol) == 60
    assert correct(client, admin, people["volunteer"], -60, reason="重复记录").status_code == 201
    assert balance(client, vol) == 0
    audit_clean(session)


def test_a_correction_of_zero_or_for_nobody_is_422(client, admin, people):
    zero = correct(client, admin, people["volunteer"], 0)
    assert zero.status_code == 422 and field_errors(zero) == {"minutes"}
    nobody = correct(client, admin, 999_999, 60)
    assert nobody.status_code == 422 and field_errors(nobody) == {"user_id"}
    no_reason = client.post(
        CORRECTIONS, headers=admin, json={"user_id": people["volunteer"], "minutes": 60}
    )
    assert no_reason.status_code == 422 and field_errors(no_reason) == {"reason"}
