"""The time bank under load, against PostgreSQL with real commits: places never oversold, one
volunteer never in two places at once, a retried booking booked once."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, or_, select

from server.extensions import db
from server.models.common import AuditLog, Notification
from server.models.timebank import (
    Account,
    Booking,
    Opportunity,
    ServiceLog,
    TimebankEvent,
    Volunteer,
)
from server.models.users import User
from tests.conftest import login
from tests.timebank_helpers import FANGMEN, make_opportunity, make_volunteer_user

pytestmark = [pytest.mark.postgres, pytest.mark.committing]

# Every user and opportunity the booking tests commit starts with this; the clean-up finds
# everything else through them.
BOOKING_PREFIX = "tb-book-conc-"


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


def at_once(app, count, call):
    """`call(client, index)` in `count` threads, each with its own client, released together."""
    start = threading.Barrier(count)

    def run(index):
        client = app.test_client()
        start.wait()
        return call(client, index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def booking_cleanup(app):
    """Deletes what a booking test committed: its opportunities with their bookings, events,
    logs and notifications, and its volunteers with their accounts."""
    yield

    def clean(session):
        users = select(User.id).where(User.openid.like(BOOKING_PREFIX + "%")).scalar_subquery()
        opps = (
            select(Opportunity.id)
            .where(Opportunity.title.like(BOOKING_PREFIX + "%"))
            .scalar_subquery()
        )
        bookings = (
            select(Booking.id)
            .where(or_(Booking.opportunity_id.in_(opps), Booking.volunteer_id.in_(users)))
            .scalar_subquery()
        )
        logs = select(ServiceLog.id).where(ServiceLog.booking_id.in_(bookings)).scalar_subquery()
        session.execute(
            delete(TimebankEvent).where(
                or_(
                    (TimebankEvent.object_type == "booking")
                    & TimebankEvent.object_id.in_(bookings),
                    (TimebankEvent.object_type == "service_log")
                    & TimebankEvent.object_id.in_(logs),
                    TimebankEvent.actor_id.in_(users),
                )
            )
        )
        session.execute(delete(ServiceLog).where(ServiceLog.id.in_(logs)))
        session.execute(delete(Booking).where(Booking.id.in_(bookings)))
        session.execute(delete(Opportunity).where(Opportunity.id.in_(opps)))
        session.execute(delete(Notification).where(Notification.user_id.in_(users)))
        session.execute(delete(AuditLog).where(AuditLog.actor_id.in_(users)))
        session.execute(delete(Account).where(Account.user_id.in_(users)))
        session.execute(delete(Volunteer).where(Volunteer.user_id.in_(users)))
        session.execute(delete(User).where(User.openid.like(BOOKING_PREFIX + "%")))

    in_db(app, clean)
    left = in_db(
        app,
        lambda session: session.scalar(
            select(func.count()).select_from(User).where(User.openid.like(BOOKING_PREFIX + "%"))
        ),
    )
    assert left == 0


def make_volunteers(app, count: int) -> list[int]:
    """`count` volunteers with a real-name profile, committed; their user ids."""

    def work(session):
        return [
            make_volunteer_user(
                session, openid=f"{BOOKING_PREFIX}vol-{i}", real_name=f"志愿者{i}", index=i
            ).id
            for i in range(count)
        ]

    return in_db(app, work)


def make_slots(app, count: int, *, places: int, starts_at=None, step=timedelta(0)) -> list[int]:
    """`count` opportunities in 坊门街社区, committed; their ids."""
    start = starts_at or datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)

    def work(session):
        worker = session.scalar(select(User.id).where(User.openid == "demo-worker-community"))
        return [
            make_opportunity(
                session,
                created_by=worker,
                starts_at=start + i * step,
                places=places,
                region_code=FANGMEN,
                title=f"{BOOKING_PREFIX}{i}",
            ).id
            for i in range(count)
        ]

    return in_db(app, work)


def headers_of(client, count: int) -> list[dict]:
    return [login(client, f"{BOOKING_PREFIX}vol-{i}") for i in range(count)]


def state(app, opportunity_id: int) -> tuple[int, int, int]:
    """(the opportunity's `booked`, its active bookings, its 'booked' events)."""

    def work(session):
        booked = session.scalar(select(Opportunity.booked).where(Opportunity.id == opportunity_id))
        active = session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(
                Booking.opportunity_id == opportunity_id,
                Booking.status.in_(("booked", "checked_in")),
            )
        )
        ids = select(Booking.id).where(Booking.opportunity_id == opportunity_id).scalar_subquery()
        events = session.scalar(
            select(func.count())
            .select_from(TimebankEvent)
            .where(
                TimebankEvent.object_type == "booking",
                TimebankEvent.object_id.in_(ids),
                TimebankEvent.action == "booked",
            )
        )
        return booked, active, events

    return in_db(app, work)


def url(opportunity_id: int) -> str:
    return f"/api/v1/timebank/opportunities/{opportunity_id}/bookings"


def test_booking_fifty_volunteers_at_five_places_exactly_five_succeed(app, booking_cleanup):
    client = app.test_client()
    volunteer_ids = make_volunteers(app, 50)
    headers = headers_of(client, 50)
    (opp,) = make_slots(app, 1, places=5)

    answers = at_once(app, 50, lambda c, i: c.post(url(opp), headers=headers[i]))

    statuses = [a.status_code for a in answers]
    assert sorted(statuses) == [201] * 5 + [409] * 45, [
        a.json for a in answers if a.status_code >= 500
    ]
    refused = [a.json for a in answers if a.status_code == 409]
    assert {r["error"] for r in refused} == {"fully_booked"}
    assert all("已约满" in r["message"] for r in refused)
    assert state(app, opp) == (5, 5, 5)
    winners = {volunteer_ids[i] for i, a in enumerate(answers) if a.status_code == 201}
    holders = in_db(
        app,
        lambda s: set(s.scalars(select(Booking.volunteer_id).where(Booking.opportunity_id == opp))),
    )
    assert holders == winners
    assert sorted(a.json["places_left"] for a in answers if a.status_code == 201) == [0, 1, 2, 3, 4]
    shown = client.get(f"/api/v1/timebank/opportunities/{opp}", headers=headers[0]).json
    assert shown["places_left"] == 0


def test_booking_ten_overlapping_slots_at_once_one_volunteer_gets_one(app, booking_cleanup):
    client = app.test_client()
    (volunteer_id,) = make_volunteers(app, 1)
    (headers,) = headers_of(client, 1)
    # Ten two-hour slots, each starting ten minutes after the one before: all overlap.
    opps = make_slots(app, 10, places=5, step=timedelta(minutes=10))

    answers = at_once(app, 10, lambda c, i: c.post(url(opps[i]), headers=headers))

    statuses = [a.status_code for a in answers]
    assert sorted(statuses) == [201] + [409] * 9, [a.json for a in answers]
    assert {a.json["error"] for a in answers if a.status_code == 409} == {"time_conflict"}
    mine = in_db(
        app,
        lambda s: s.scalars(
            select(Booking.opportunity_id).where(Booking.volunteer_id == volunteer_id)
        ).all(),
    )
    winner = next(opps[i] for i, a in enumerate(answers) if a.status_code == 201)
    assert mine == [winner]
    assert [state(app, o)[0] for o in opps] == [1 if o == winner else 0 for o in opps]


def test_booking_the_same_idempotency_key_fired_at_once_books_once(app, booking_cleanup):
    client = app.test_client()
    (volunteer_id,) = make_volunteers(app, 1)
    (headers,) = headers_of(client, 1)
    (opp,) = make_slots(app, 1, places=5)
    keyed = {**headers, "Idempotency-Key": "book-" + uuid.uuid4().hex}

    answers = at_once(app, 10, lambda c, i: c.post(url(opp), headers=keyed))

    succeeded = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert succeeded, [a.json for a in answers]
    assert {a.status_code for a in refused} <= {409}
    # A request that arrives while the first is running is told so, never booked again (nor
    # refused as "already booked": that would tell a retrying phone the booking failed).
    assert {a.json["error"] for a in refused} <= {"idempotency_in_progress"}
    assert len({a.json["id"] for a in succeeded}) == 1
    assert state(app, opp) == (1, 1, 1)
    again = client.post(url(opp), headers=keyed)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == succeeded[0].json["id"]
    count = in_db(
        app,
        lambda s: s.scalar(
            select(func.count()).select_from(Booking).where(Booking.volunteer_id == volunteer_id)
        ),
    )
    assert count == 1


def test_booking_while_others_cancel_keeps_the_count_true(app, booking_cleanup):
    """Five holders cancel while fifteen others book: `booked` always equals the active
    bookings, and never more than the places."""
    client = app.test_client()
    make_volunteers(app, 20)
    headers = headers_of(client, 20)
    (opp,) = make_slots(app, 1, places=5)
    held = [client.post(url(opp), headers=headers[i]).json["id"] for i in range(5)]

    def act(c, i):
        if i < 5:
            return c.delete(f"/api/v1/timebank/bookings/{held[i]}", headers=headers[i])
        return c.post(url(opp), headers=headers[i])

    answers = at_once(app, 20, act)

    assert all(a.status_code == 200 for a in answers[:5]), [a.json for a in answers[:5]]
    booked_now = [a for a in answers[5:] if a.status_code == 201]
    assert {a.json["error"] for a in answers[5:] if a.status_code != 201} <= {"fully_booked"}
    assert len(booked_now) <= 5
    booked, active, _events = state(app, opp)
    assert booked == active == len(booked_now)
    assert booked <= 5


def test_booking_cancelled_by_its_holders_while_the_site_cancels_it_stays_consistent(
    app, booking_cleanup
):
    """Five holders cancel while the worker cancels the whole slot: no error, no place counted
    twice, and every booking ends cancelled one way or the other."""
    client = app.test_client()
    make_volunteers(app, 5)
    headers = headers_of(client, 5)
    (opp,) = make_slots(app, 1, places=5)
    held = [client.post(url(opp), headers=headers[i]).json["id"] for i in range(5)]
    worker = login(client, "demo-worker-community")

    def act(c, i):
        if i == 5:
            return c.post(
                f"/api/v1/timebank/opportunities/{opp}/cancel",
                headers=worker,
                json={"reason": "台风"},
            )
        return c.delete(f"/api/v1/timebank/bookings/{held[i]}", headers=headers[i])

    answers = at_once(app, 6, act)

    assert answers[5].status_code == 200, answers[5].json
    assert {a.status_code for a in answers[:5]} <= {200, 409}, [a.json for a in answers[:5]]
    by_holder = {held[i] for i in range(5) if answers[i].status_code == 200}
    rows = in_db(
        app,
        lambda s: dict(
            s.execute(select(Booking.id, Booking.status).where(Booking.opportunity_id == opp)).all()
        ),
    )
    assert {b for b, status in rows.items() if status == "cancelled"} == by_holder
    assert {b for b, status in rows.items() if status == "cancelled_by_site"} == set(
        held
    ) - by_holder
    told = in_db(
        app,
        lambda s: s.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == "timebank.booking_cancelled")
            .where(Notification.data["opportunity_id"].as_integer() == opp)
        ),
    )
    assert told == 5 - len(by_holder)
    assert state(app, opp)[:2] == (0, 0)
