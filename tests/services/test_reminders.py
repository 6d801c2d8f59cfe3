"""Reminders due today: 复核 30 days ahead, cases past their deadline; each once."""

from datetime import date, timedelta

from sqlalchemy import select, update

from server.models.assistance import Application
from server.models.common import Notification
from server.models.users import User
from server.services import reminders
from tests.assistance_helpers import ready, step

TODAY = date(2026, 11, 30)


def user_id(session, openid):
    return session.scalar(select(User.id).where(User.openid == openid))


def kinds_for(session, openid, kind):
    return session.scalars(
        select(Notification).where(
            Notification.user_id == user_id(session, openid), Notification.kind == kind
        )
    ).all()


def test_the_yearly_review_is_announced_30_days_ahead_once(client, resident, session):
    app = ready(client, resident)
    session.execute(
        update(Application)
        .where(Application.id == app["id"])
        .values(status="approved", review_due_on=TODAY + timedelta(days=30))
    )
    session.flush()
    assert reminders.send_due(session, today=TODAY - timedelta(days=1))["review_due"] == 0
    assert reminders.send_due(session, today=TODAY)["review_due"] == 1
    assert reminders.send_due(session, today=TODAY + timedelta(days=1))["review_due"] == 0
    [notice] = kinds_for(session, "demo-resident", "assistance.review_due")
    assert "2026-12-30" in notice.body and notice.send_status == "pending"


def test_a_case_past_its_deadline_is_reported_to_the_township_once(client, resident, session):
    app = ready(client, resident)
    step(client, resident, app["id"], "submit")
    session.execute(update(Application).where(Application.id == app["id"]).values(due_on=TODAY))
    session.flush()
    assert reminders.send_due(session, today=TODAY)["overdue"] == 0  # due today: not yet late
    assert reminders.send_due(session, today=TODAY + timedelta(days=1))["overdue"] == 1
    assert reminders.send_due(session, today=TODAY + timedelta(days=2))["overdue"] == 0
    [notice] = kinds_for(session, "demo-worker-township", "assistance.overdue")
    assert notice.data["application_id"] == app["id"]
    assert not kinds_for(session, "demo-worker-county", "assistance.overdue")


def test_a_case_waiting_for_the_county_is_reported_to_the_county(client, resident, session):
    app = ready(client, resident)
    step(client, resident, app["id"], "submit")
    session.execute(
        update(Application)
        .where(Application.id == app["id"])
        .values(status="reviewed", due_on=TODAY - timedelta(days=3))
    )
    session.flush()
    assert reminders.send_due(session, today=TODAY)["overdue"] == 1
    assert kinds_for(session, "demo-worker-county", "assistance.overdue")


def test_a_home_visit_past_its_deadline_goes_to_the_community_worker(
    client, resident, township_worker, session
):
    app = ready(client, resident)
    step(client, resident, app["id"], "submit")
    step(client, township_worker, app["id"], "accept")
    session.execute(update(Application).where(Application.id == app["id"]).values(due_on=TODAY))
    session.flush()
    assert reminders.send_due(session, today=TODAY + timedelta(days=1))["overdue"] == 1
    assert kinds_for(session, "demo-worker-community", "assistance.overdue")
    assert not kinds_for(session, "demo-worker-township", "assistance.overdue")


def test_with_nobody_at_the_community_the_township_hears_of_it(client, resident, session):
    app = ready(client, resident)
    step(client, resident, app["id"], "submit")
    session.execute(
        update(Application)
        .where(Application.id == app["id"])
        .values(status="accepted", region_code="330802001002", due_on=TODAY)
    )
    session.flush()
    assert reminders.send_due(session, today=TODAY + timedelta(days=1))["overdue"] == 1
    assert kinds_for(session, "demo-worker-township", "assistance.overdue")


def _booking(session, *, starts_at, status="booked"):
    """A volunteer's booking of a one-hour slot starting at `starts_at`, written directly."""
    from datetime import timedelta as td

    from server.models.timebank import Booking, Opportunity

    volunteer = user_id(session, "demo-volunteer")
    opp = Opportunity(
        title="陪老人聊天",
        region_code="330802001001",
        starts_at=starts_at,
        ends_at=starts_at + td(hours=1),
        places=3,
        booked=1,
        check_code="123456",
        created_by=user_id(session, "demo-worker-community"),
    )
    session.add(opp)
    session.flush()
    booking = Booking(
        opportunity_id=opp.id,
        volunteer_id=volunteer,
        starts_at=opp.starts_at,
        ends_at=opp.ends_at,
        status=status,
    )
    session.add(booking)
    session.flush()
    return booking


def test_a_booking_is_recalled_the_day_before_once_in_local_days(session):
    from datetime import datetime

    from server.services.common import LOCAL_TZ

    # Tomorrow 00:30 in 衢州 is still today in UTC: the day is the local one.
    early = _booking(session, starts_at=datetime(2026, 12, 1, 0, 30, tzinfo=LOCAL_TZ))
    _booking(session, starts_at=datetime(2026, 12, 2, 9, 0, tzinfo=LOCAL_TZ))  # the day after
    _booking(session, starts_at=datetime(2026, 12, 1, 9, 0, tzinfo=LOCAL_TZ), status="cancelled")

    assert reminders.send_due(session, today=TODAY)["bookings_tomorrow"] == 1
    assert reminders.send_due(session, today=TODAY)["bookings_tomorrow"] == 0  # once
    (note,) = kinds_for(session, "demo-volunteer", "timebank.booking_tomorrow")
    assert note.data["booking_id"] == early.id
    assert "00:30" in note.body and "陪老人聊天" in note.body
    assert note.send_status == "pending"
