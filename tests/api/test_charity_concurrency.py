"""Charity requests at once against PostgreSQL, with real commits: one gift per Idempotency-Key,
receipt numbers unique and gap-free, and never a fen disbursed beyond what came in."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, func, or_, select, update

from server.extensions import db
from server.models.charity import Campaign, CharityEvent, Disbursement, Donation, WorkUnit
from server.models.common import Counter, Notification
from tests.charity_helpers import (
    DONATIONS,
    campaign,
    campaign_url,
    create_campaign,
    disbursement_body,
    donation_url,
    gift,
    money_body,
    new_key,
    received,
    today,
)
from tests.conftest import login

pytestmark = [pytest.mark.postgres, pytest.mark.committing]

# Every campaign made here starts with this; the clean-up finds everything else through them.
PREFIX = "并发测试"
RECEIPTS = "charity.receipt."


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


@pytest.fixture
def committed(app):
    """Deletes what the test committed: the campaigns named PREFIX… with their gifts,
    disbursements and events, the notifications and work units made meanwhile, and the receipt
    counters (new ones deleted, bumped ones put back). Answers the counters as they were."""

    def snapshot(session):
        counters = dict(
            session.execute(
                select(Counter.name, Counter.value).where(Counter.name.startswith(RECEIPTS))
            ).all()
        )
        last_notification = session.scalar(select(func.max(Notification.id))) or 0
        last_unit = session.scalar(select(func.max(WorkUnit.id))) or 0
        return counters, last_notification, last_unit

    counters, last_notification, last_unit = in_db(app, snapshot)
    yield counters

    def clean(session):
        campaigns = select(Campaign.id).where(Campaign.name.startswith(PREFIX)).scalar_subquery()
        gifts = select(Donation.id).where(Donation.campaign_id.in_(campaigns)).scalar_subquery()
        outs = (
            select(Disbursement.id).where(Disbursement.campaign_id.in_(campaigns)).scalar_subquery()
        )
        session.execute(
            delete(CharityEvent).where(
                or_(
                    (CharityEvent.object_type == "donation") & CharityEvent.object_id.in_(gifts),
                    (CharityEvent.object_type == "disbursement") & CharityEvent.object_id.in_(outs),
                )
            )
        )
        session.execute(delete(Notification).where(Notification.id > last_notification))
        session.execute(delete(Donation).where(Donation.campaign_id.in_(campaigns)))
        session.execute(delete(Disbursement).where(Disbursement.campaign_id.in_(campaigns)))
        session.execute(delete(WorkUnit).where(WorkUnit.id > last_unit))
        session.execute(delete(Campaign).where(Campaign.name.startswith(PREFIX)))
        session.execute(
            delete(Counter).where(
                Counter.name.startswith(RECEIPTS), Counter.name.not_in(list(counters) or [""])
            )
        )
        for name, value in counters.items():
            session.execute(update(Counter).where(Counter.name == name).values(value=value))

    in_db(app, clean)
    left = in_db(
        app,
        lambda s: s.scalar(
            select(func.count()).select_from(Campaign).where(Campaign.name.startswith(PREFIX))
        ),
    )
    assert left == 0


def at_once(app, count, call):
    """`call(client, index)` in `count` threads, each with its own client, released together."""
    start = threading.Barrier(count)

    def run(index):
        client = app.test_client()
        start.wait()
        return call(client, index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def new_campaign(client, county) -> dict:
    return create_campaign(client, county, name=f"{PREFIX}{new_key()[-8:]}")


def stored(app, campaign_id: int) -> Campaign:
    return in_db(app, lambda s: s.get(Campaign, campaign_id))


def confirmed_money(app, campaign_id: int) -> int:
    return in_db(
        app,
        lambda s: s.scalar(
            select(func.coalesce(func.sum(Donation.amount_fen), 0)).where(
                Donation.campaign_id == campaign_id,
                Donation.status == "confirmed",
                Donation.kind == "money",
            )
        ),
    )


def disbursed_money(app, campaign_id: int) -> int:
    return in_db(
        app,
        lambda s: s.scalar(
            select(func.coalesce(func.sum(Disbursement.amount_fen), 0)).where(
                Disbursement.campaign_id == campaign_id, Disbursement.kind == "money"
            )
        ),
    )


def test_twenty_retries_of_one_gift_at_once_log_it_once(app, committed):
    client = app.test_client()
    county, resident = login(client, "demo-worker-county"), login(client, "demo-resident")
    drive = new_campaign(client, county)
    key = new_key()
    headers = {**resident, "Idempotency-Key": key}
    body = money_body(drive["id"], 52_000, message="一日捐")

    answers = at_once(app, 20, lambda c, i: c.post(DONATIONS, headers=headers, json=body))

    assert {a.status_code for a in answers} <= {200, 201}, [a.json for a in answers]
    assert [a.status_code for a in answers].count(201) == 1
    assert len({a.json["id"] for a in answers}) == 1
    assert all(
        a.headers.get("Idempotent-Replayed") == "true" for a in answers if a.status_code == 200
    )
    gift_id = answers[0].json["id"]
    rows = in_db(
        app,
        lambda s: s.scalar(
            select(func.count()).select_from(Donation).where(Donation.campaign_id == drive["id"])
        ),
    )
    events = in_db(
        app,
        lambda s: s.scalar(
            select(func.count())
            .select_from(CharityEvent)
            .where(CharityEvent.object_type == "donation", CharityEvent.object_id == gift_id)
        ),
    )
    assert (rows, events) == (1, 1)
    assert campaign(client, drive["id"])["pledged_fen"] == 52_000
    # And the same key with another body, sent at once, is refused every time.
    other = {**body, "amount_fen": 1}
    refused = at_once(app, 5, lambda c, i: c.post(DONATIONS, headers=headers, json=other))
    assert {a.status_code for a in refused} == {422}
    assert {a.json["error"] for a in refused} == {"idempotency_key_reused"}


def test_fifty_confirmations_at_once_get_fifty_consecutive_receipt_numbers(app, committed):
    client = app.test_client()
    county = login(client, "demo-worker-county")
    drive = new_campaign(client, county)
    year = today().year
    counter = f"{RECEIPTS}{year}"
    gifts = [
        gift(client, county, money_body(drive["id"], 1_000 + i, donor_name=f"捐款人{i}"))
        for i in range(50)
    ]

    answers = at_once(
        app, 50, lambda c, i: c.post(donation_url(gifts[i]["id"], "confirm"), headers=county)
    )

    assert [a.status_code for a in answers] == [200] * 50, [a.json for a in answers]
    numbers = [a.json["receipt_number"] for a in answers]
    assert all(re.fullmatch(rf"CS-{year}-\d{{6}}", n) for n in numbers)
    assert len(set(numbers)) == 50
    first = committed.get(counter, 0) + 1
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(first, first + 50))
    value = in_db(app, lambda s: s.scalar(select(Counter.value).where(Counter.name == counter)))
    assert value == first + 49
    assert stored(app, drive["id"]).received_fen == sum(1_000 + i for i in range(50))


@pytest.mark.parametrize(("workers", "amount", "winners"), [(2, 6_000, 1), (10, 3_000, 3)])
def test_disbursements_at_once_never_exceed_what_came_in(app, committed, workers, amount, winners):
    client = app.test_client()
    county = login(client, "demo-worker-county")
    drive = new_campaign(client, county)
    received(client, county, drive["id"], 10_000)
    url = campaign_url(drive["id"], "disbursements")

    answers = at_once(
        app,
        workers,
        lambda c, i: c.post(url, headers=county, json=disbursement_body(amount)),
    )

    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * winners + [409] * (workers - winners), [a.json for a in answers]
    losers = [a.json for a in answers if a.status_code == 409]
    assert {body["error"] for body in losers} == {"insufficient_balance"}
    assert all(0 <= body["available_fen"] < amount for body in losers)
    row = stored(app, drive["id"])
    assert row.disbursed_fen == disbursed_money(app, drive["id"]) == winners * amount
    assert row.disbursed_fen <= row.received_fen == 10_000


def test_a_confirmation_and_a_void_at_once_leave_the_totals_true(app, committed):
    """Whichever lands first, the campaign counts exactly the confirmed gifts."""
    client = app.test_client()
    county = login(client, "demo-worker-county")
    community = login(client, "demo-worker-community")
    drive = new_campaign(client, county)
    gifts = [
        gift(client, community, money_body(drive["id"], 1_000 * (i + 1), donor_name=f"甲{i}"))
        for i in range(10)
    ]

    def call(c, i):
        gift_id = gifts[i // 2]["id"]
        if i % 2:
            return c.post(donation_url(gift_id, "void"), headers=county, json={"reason": "撤回"})
        return c.post(donation_url(gift_id, "confirm"), headers=community)

    answers = at_once(app, 20, call)

    assert {a.status_code for a in answers} <= {200, 409}, [a.json for a in answers]
    statuses = dict(
        in_db(
            app,
            lambda s: s.execute(
                select(Donation.id, Donation.status).where(Donation.campaign_id == drive["id"])
            ).all(),
        )
    )
    for index, g in enumerate(gifts):
        confirmed, voided = (answers[2 * index].status_code, answers[2 * index + 1].status_code)
        assert (confirmed, voided) != (409, 409)
        assert statuses[g["id"]] == ("voided" if voided == 200 else "confirmed")
    assert stored(app, drive["id"]).received_fen == confirmed_money(app, drive["id"])


def test_voiding_a_gift_while_its_money_is_disbursed_lets_only_one_through(app, committed):
    client = app.test_client()
    county = login(client, "demo-worker-county")
    for _ in range(5):
        drive = new_campaign(client, county)
        money = received(client, county, drive["id"], 10_000)
        url = campaign_url(drive["id"], "disbursements")

        def call(c, i, money=money, url=url):
            if i:
                return c.post(url, headers=county, json=disbursement_body(10_000))
            return c.post(donation_url(money["id"], "void"), headers=county, json={"reason": "错"})

        answers = at_once(app, 2, call)

        codes = sorted(a.status_code for a in answers)
        assert codes in ([200, 409], [201, 409]), [a.json for a in answers]
        loser = next(a for a in answers if a.status_code == 409).json
        assert loser["error"] in ("already_disbursed", "insufficient_balance")
        row = stored(app, drive["id"])
        assert row.received_fen == confirmed_money(app, drive["id"])
        assert row.disbursed_fen == disbursed_money(app, drive["id"])
        assert row.disbursed_fen <= row.received_fen
