"""The time bank's ledger under requests at once, against PostgreSQL with real commits: a log is
credited once, a balance is never spent twice, the yearly transfer cap holds, nothing deadlocks."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, or_, select

from server.extensions import db
from server.models.common import AuditLog, Notification
from server.models.timebank import (
    Account,
    Entry,
    Redemption,
    ServiceLog,
    TimebankEvent,
    Transfer,
    Volunteer,
)
from server.models.users import User
from server.services import timebank_ledger as ledger
from server.services import users as users_service
from server.services.common import local_today
from tests.conftest import login
from tests.timebank_helpers import FANGMEN, id_number

pytestmark = [pytest.mark.postgres, pytest.mark.committing]

# Every user made here starts with this; the clean-up finds everything else through them.
PREFIX = "tb-ledger-conc-"
BASE = "/api/v1/timebank"


def today():
    return local_today(datetime.now(UTC))


def in_db(app, work):
    """Run `work(session)` in its own transaction and commit it."""
    with app.app_context():
        session = db.new_session()
        try:
            result = work(session)
            session.commit()
            return result
        finally:
            session.close()


def mine(session):
    """Subqueries: the ids of the users made here, and of their accounts."""
    users = select(User.id).where(User.openid.like(PREFIX + "%")).scalar_subquery()
    accounts = select(Account.id).where(Account.user_id.in_(users)).scalar_subquery()
    return users, accounts


@pytest.fixture
def committed(app):
    """Deletes everything the test committed, in dependency order, through the users made here
    (and the fund's row, if the test made it and nothing was posted to it)."""
    had_fund = in_db(app, lambda s: s.scalar(select(Account.id).where(Account.kind == "fund")))
    yield

    def clean(session):
        users, accounts = mine(session)
        logs = select(ServiceLog.id).where(ServiceLog.volunteer_id.in_(users)).scalar_subquery()
        redemptions = select(Redemption.id).where(Redemption.user_id.in_(users)).scalar_subquery()
        session.execute(
            delete(TimebankEvent).where(
                or_(
                    TimebankEvent.actor_id.in_(users),
                    (TimebankEvent.object_type == "service_log")
                    & TimebankEvent.object_id.in_(logs),
                    (TimebankEvent.object_type == "redemption")
                    & TimebankEvent.object_id.in_(redemptions),
                )
            )
        )
        session.execute(
            delete(Entry).where(
                or_(Entry.account_id.in_(accounts), Entry.counterparty_id.in_(accounts))
            )
        )
        session.execute(delete(Account).where(Account.user_id.in_(users)))
        session.execute(
            delete(Transfer).where(
                or_(Transfer.from_user_id.in_(users), Transfer.to_user_id.in_(users))
            )
        )
        session.execute(delete(Redemption).where(Redemption.user_id.in_(users)))
        session.execute(delete(ServiceLog).where(ServiceLog.volunteer_id.in_(users)))
        session.execute(delete(Volunteer).where(Volunteer.user_id.in_(users)))
        session.execute(delete(Notification).where(Notification.user_id.in_(users)))
        session.execute(delete(AuditLog).where(AuditLog.actor_id.in_(users)))
        session.execute(delete(User).where(User.openid.like(PREFIX + "%")))
        if had_fund is None:
            unused = ~select(Entry.id).where(Entry.account_id == Account.id).exists()
            session.execute(delete(Account).where(Account.kind == "fund", unused))

    in_db(app, clean)


@pytest.fixture
def tb_settings(app, monkeypatch):
    def change(**values):
        current = app.extensions["minzheng.timebank"]
        monkeypatch.setitem(
            app.extensions, "minzheng.timebank", dataclasses.replace(current, **values)
        )

    return change


def phone(index: int) -> str:
    return f"1395710{index:04d}"


def make_person(app, index: int, *, name: str = "测试居民", volunteer: bool = False) -> int:
    """A committed real-name user in 坊门街社区 with a phone; a registered volunteer if asked."""
    cipher = app.extensions["minzheng.cipher"]

    def work(session):
        user = users_service.find_or_create(session, openid=f"{PREFIX}{index}")
        users_service.update_profile(
            session,
            user_id=user.id,
            cipher=cipher,
            real_name=name,
            id_number=id_number(index, birth="19711111", area="330824"),
            phone=phone(index),
            region_code=FANGMEN,
        )
        if volunteer:
            user.is_volunteer = True
            session.add(Volunteer(user_id=user.id, skills=["companionship"], region_code=FANGMEN))
        return user.id

    return in_db(app, work)


def give(app, user_id: int, minutes: int) -> None:
    """A committed correction of `minutes` on the user's balance."""
    in_db(
        app,
        lambda session: ledger.post(
            session,
            ledger.account_of(session, user_id=user_id),
            kind="correction",
            minutes=minutes,
            reason="测试",
        ),
    )


def at_once(app, count, call):
    """`call(client, index)` in `count` threads, each with its own client, released together."""
    start = threading.Barrier(count)

    def run(index):
        client = app.test_client()
        start.wait()
        return call(client, index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def balances(app, *user_ids: int) -> list[tuple[int, int]]:
    """(stored balance, sum of entries) of each user's account."""

    def read(session):
        result = []
        for user_id in user_ids:
            account = session.scalar(select(Account).where(Account.user_id == user_id))
            total = session.scalar(
                select(func.coalesce(func.sum(Entry.minutes), 0)).where(
                    Entry.account_id == account.id
                )
            )
            result.append((account.balance, int(total)))
        return result

    return in_db(app, read)


def audit_of_mine(app) -> list[dict]:
    def read(session):
        ids = set(session.scalars(select(User.id).where(User.openid.like(PREFIX + "%"))))
        return [row for row in ledger.audit(session) if row["user_id"] in ids]

    return in_db(app, read)


def statuses(answers) -> list[int]:
    return sorted(a.status_code for a in answers)


def redeem_body(minutes: int) -> dict:
    return {
        "service": "companionship",
        "wanted_on": today().isoformat(),
        "place": "坊门街社区 3 幢 201 室",
        "region_code": FANGMEN,
        "minutes": minutes,
    }


# --- approval ------------------------------------------------------------------------------------


def test_ledger_two_workers_approving_one_log_at_once_credit_it_once(app, committed):
    client = app.test_client()
    volunteer_id = make_person(app, 1, name="测试志愿者", volunteer=True)
    make_person(app, 2, name="测试老人")
    volunteer = login(client, PREFIX + "1")
    served = login(client, PREFIX + "2")
    log = client.post(
        f"{BASE}/service-logs",
        headers=volunteer,
        json={
            "served_on": today().isoformat(),
            "minutes": 150,
            "region_code": FANGMEN,
            "served_name": "测试老人",
            "served_phone": phone(2),
            "description": "陪老人聊天",
        },
    )
    assert log.status_code == 201, log.json
    log_id = log.json["id"]
    assert client.post(f"{BASE}/service-logs/{log_id}/confirm", headers=served).status_code == 200
    workers = [login(client, "demo-worker-community"), login(client, "demo-worker-township")]

    answers = at_once(
        app,
        2,
        lambda c, i: c.post(f"{BASE}/service-logs/{log_id}/approve", headers=workers[i]),
    )

    assert statuses(answers) == [200, 409], [a.json for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json["error"] == "wrong_state"

    def facts(session):
        service_entries = session.scalars(
            select(Entry.minutes).where(
                Entry.kind == "service", Entry.ref_type == "service_log", Entry.ref_id == log_id
            )
        ).all()
        approvals = session.scalar(
            select(func.count())
            .select_from(TimebankEvent)
            .where(
                TimebankEvent.object_type == "service_log",
                TimebankEvent.object_id == log_id,
                TimebankEvent.action == "approved",
            )
        )
        told = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == volunteer_id, Notification.kind == "timebank.log_approved"
            )
        )
        return list(service_entries), approvals, told

    assert in_db(app, facts) == ([150], 1, 1)
    assert balances(app, volunteer_id) == [(150, 150)]
    assert audit_of_mine(app) == []


# --- redemptions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "requests", "minutes", "winners"),
    [(120, 5, 60, 2), (300, 12, 90, 3)],
    ids=["5x60-of-120", "12x90-of-300"],
)
def test_ledger_redemptions_at_once_never_spend_more_than_the_balance(
    app, committed, balance, requests, minutes, winners
):
    client = app.test_client()
    user_id = make_person(app, 3)
    give(app, user_id, balance)
    headers = login(client, PREFIX + "3")

    answers = at_once(
        app,
        requests,
        lambda c, i: c.post(f"{BASE}/redemptions", headers=headers, json=redeem_body(minutes)),
    )

    assert statuses(answers) == [201] * winners + [409] * (requests - winners), [
        a.json for a in answers
    ]
    refused = [a.json for a in answers if a.status_code == 409]
    assert {r["error"] for r in refused} == {"insufficient_balance"}
    assert all(0 <= r["available_minutes"] < minutes for r in refused)
    left = balance - winners * minutes
    assert balances(app, user_id) == [(left, left)]
    held = in_db(
        app,
        lambda s: s.scalars(select(Redemption.minutes).where(Redemption.user_id == user_id)).all(),
    )
    assert list(held) == [minutes] * winners
    assert audit_of_mine(app) == []


def test_ledger_one_redemption_cancelled_many_times_at_once_releases_once(app, committed):
    client = app.test_client()
    user_id = make_person(app, 4)
    give(app, user_id, 120)
    headers = login(client, PREFIX + "4")
    made = client.post(f"{BASE}/redemptions", headers=headers, json=redeem_body(90))
    assert made.status_code == 201
    url = f"{BASE}/redemptions/{made.json['id']}/cancel"
    worker = login(client, "demo-worker-community")
    callers = [(headers, {}), (worker, {"reason": "服务人员有事"})] * 3

    answers = at_once(app, 6, lambda c, i: c.post(url, headers=callers[i][0], json=callers[i][1]))

    assert statuses(answers) == [200] + [409] * 5, [a.json for a in answers]
    releases = in_db(
        app,
        lambda s: s.scalar(
            select(func.count())
            .select_from(Entry)
            .where(Entry.kind == "release", Entry.ref_id == made.json["id"])
        ),
    )
    assert releases == 1
    assert balances(app, user_id) == [(120, 120)]


# --- transfers -----------------------------------------------------------------------------------


def test_ledger_transfers_at_once_never_pass_the_yearly_cap(app, committed, tb_settings):
    tb_settings(transfer_yearly_cap_minutes=120)
    client = app.test_client()
    giver_id = make_person(app, 5, name="测试甲")
    receiver_id = make_person(app, 6, name="测试乙")
    give(app, giver_id, 600)
    headers = login(client, PREFIX + "5")
    body = {"phone": phone(6), "real_name": "测试乙", "minutes": 60, "relation": "母亲"}

    answers = at_once(app, 6, lambda c, i: c.post(f"{BASE}/transfers", headers=headers, json=body))

    assert statuses(answers) == [201] * 2 + [409] * 4, [a.json for a in answers]
    assert {a.json["error"] for a in answers if a.status_code == 409} == {"yearly_cap"}
    given = in_db(
        app,
        lambda s: s.scalar(
            select(func.coalesce(func.sum(Transfer.minutes), 0)).where(
                Transfer.from_user_id == giver_id
            )
        ),
    )
    assert given == 120
    assert balances(app, giver_id, receiver_id) == [(480, 480), (120, 120)]
    assert audit_of_mine(app) == []


def test_ledger_transfers_both_ways_at_once_neither_deadlock_nor_lose_a_minute(app, committed):
    client = app.test_client()
    first = make_person(app, 7, name="测试丙")
    second = make_person(app, 8, name="测试丁")
    give(app, first, 600)
    give(app, second, 600)
    people = [
        (login(client, PREFIX + "7"), {"phone": phone(8), "real_name": "测试丁"}),
        (login(client, PREFIX + "8"), {"phone": phone(7), "real_name": "测试丙"}),
    ]

    answers = at_once(
        app,
        8,
        lambda c, i: c.post(
            f"{BASE}/transfers",
            headers=people[i % 2][0],
            json={**people[i % 2][1], "minutes": 30 * (1 + i // 2)},
        ),
    )

    assert statuses(answers) == [201] * 8, [a.json for a in answers]
    # Each gave 30 + 60 + 90 + 120 minutes and received as much.
    assert balances(app, first, second) == [(600, 600), (600, 600)]
    assert audit_of_mine(app) == []
