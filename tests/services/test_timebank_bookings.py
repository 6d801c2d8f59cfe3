"""The time bank's booking side called directly: registration, opportunities, bookings,
presence and the minutes a check-out banks, with the clock given explicitly."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from server.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.models.common import Notification
from server.models.timebank import Account, Booking, Opportunity, ServiceLog, TimebankEvent
from server.models.users import User
from server.services import geo
from server.services import timebank as service
from server.services import users as users_service
from server.services.timebank import TimebankSettings
from tests.facility_helpers import make_facility
from tests.timebank_helpers import (
    FANGMEN,
    FANGMEN_POS,
    XINAN_COMMUNITY,
    make_booking,
    make_opportunity,
    make_volunteer_user,
)

# Monday 2 March 2026, 10:00 in Quzhou; the slots below start a day later.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
START = NOW + timedelta(days=1)
SETTINGS = TimebankSettings()


def principal_of(session, openid: str):
    return users_service.principal_of(session.scalar(select(User).where(User.openid == openid)))


def principal_for(user: User):
    return users_service.principal_of(user)


@pytest.fixture
def people(session):
    return SimpleNamespace(
        resident=principal_of(session, "demo-resident"),
        community=principal_of(session, "demo-worker-community"),
        township=principal_of(session, "demo-worker-township"),
        county=principal_of(session, "demo-worker-county"),
        admin=principal_of(session, "demo-admin"),
    )


@pytest.fixture
def volunteers(session):
    """Three volunteers made directly, with their principals."""
    users = [make_volunteer_user(session) for _ in range(3)]
    return [principal_for(u) for u in users]


def slot(session, people, **values) -> Opportunity:
    values.setdefault("starts_at", START)
    return make_opportunity(session, created_by=people.community.id, **values)


# --- registration --------------------------------------------------------------------------------


def test_register_needs_a_real_name_and_an_id_number(session):
    user = users_service.find_or_create(session, openid="tb-svc-new")
    principal = principal_for(user)
    with pytest.raises(Conflict) as caught:
        service.register(session, principal=principal, skills=["haircut"], team=None)
    assert caught.value.error == "profile_incomplete"
    assert caught.value.extra == {"missing": ["real_name", "id_number"]}
    user.real_name = "赵六"
    session.flush()
    with pytest.raises(Conflict) as caught:
        service.register(session, principal=principal, skills=["haircut"], team=None)
    assert caught.value.extra == {"missing": ["id_number"]}


def test_register_creates_then_updates_and_opens_an_account(session, people):
    user, volunteer, created = service.register(
        session,
        principal=people.resident,
        skills=["haircut", "repairs", "haircut"],
        team="义工之家",
    )
    assert created is True
    assert user.is_volunteer is True
    assert volunteer.skills == ["haircut", "repairs"]
    assert volunteer.region_code == FANGMEN
    assert session.scalar(select(Account).where(Account.user_id == user.id)) is not None
    _user, again, created = service.register(
        session, principal=people.resident, skills=["meal_help"], team=None
    )
    assert created is False
    assert again is volunteer
    assert (again.skills, again.team) == (["meal_help"], None)
    assert (
        session.scalar(select(func.count()).select_from(Account).where(Account.user_id == user.id))
        == 1
    )


def test_my_volunteer_is_not_found_before_registering(session, people):
    with pytest.raises(NotFound):
        service.my_volunteer(session, principal=people.resident)


# --- opportunities -------------------------------------------------------------------------------


def create(session, principal, **values):
    values = {
        "title": "陪伴",
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "places": 3,
        "now": NOW,
        "region_code": FANGMEN,
        **values,
    }
    return service.create_opportunity(session, principal=principal, **values)


def test_create_reports_every_bad_field_at_once(session, people):
    with pytest.raises(ValidationFailed) as caught:
        create(
            session,
            people.community,
            starts_at=NOW - timedelta(hours=1),
            ends_at=NOW - timedelta(hours=2),
            region_code=None,
        )
    assert set(caught.value.errors["json"]) == {"starts_at", "ends_at", "region_code"}


def test_create_refuses_a_start_equal_to_now_and_a_slot_over_12_hours(session, people):
    with pytest.raises(ValidationFailed) as caught:
        create(session, people.community, starts_at=NOW, ends_at=NOW + timedelta(hours=1))
    assert set(caught.value.errors["json"]) == {"starts_at"}
    with pytest.raises(ValidationFailed) as caught:
        create(session, people.community, ends_at=START + timedelta(hours=12, minutes=1))
    assert set(caught.value.errors["json"]) == {"ends_at"}
    opp, _ = create(session, people.community, ends_at=START + timedelta(hours=12))
    assert opp.id


def test_create_needs_a_worker_in_scope(session, people, volunteers):
    with pytest.raises(Forbidden):
        create(session, people.resident)
    with pytest.raises(Forbidden):
        create(session, volunteers[0])
    with pytest.raises(NotFound):
        create(session, people.community, region_code=XINAN_COMMUNITY)
    opp, _ = create(session, people.county, region_code=XINAN_COMMUNITY)
    assert opp.region_code == XINAN_COMMUNITY
    opp, _ = create(session, people.admin, region_code=XINAN_COMMUNITY)
    assert opp.created_by == people.admin.id


def test_create_at_a_facility_takes_its_region_and_position(session, people):
    facility = make_facility(session, name="坊门街照料中心", type="home_care_center")
    opp, name = create(
        session, people.community, facility_id=facility.id, region_code=XINAN_COMMUNITY
    )
    assert name == "坊门街照料中心"
    assert (opp.region_code, opp.lat, opp.lng) == (FANGMEN, facility.lat, facility.lng)
    assert opp.booked == 0 and opp.status == "open"
    assert len(opp.check_code) == 6 and opp.check_code.isdigit()


def test_a_deleted_facility_is_not_a_place(session, people):
    facility = make_facility(session, deleted_at=NOW - timedelta(days=1))
    with pytest.raises(ValidationFailed) as caught:
        create(session, people.community, facility_id=facility.id)
    assert set(caught.value.errors["json"]) == {"facility_id"}


def test_list_pages_and_counts(session, people):
    opps = [slot(session, people, starts_at=START + timedelta(hours=3 * i)) for i in range(5)]
    items, total = service.list_opportunities(
        session,
        principal=people.resident,
        now=NOW,
        start=None,
        end=None,
        region_code=None,
        skill=None,
        near=None,
        page=2,
        page_size=2,
    )
    assert total == 5
    assert [i["id"] for i in items] == [opps[2].id, opps[3].id]
    assert all("check_code" not in i for i in items)
    # A later `now` hides what has started.
    items, total = service.list_opportunities(
        session,
        principal=people.community,
        now=START + timedelta(hours=7),
        start=None,
        end=None,
        region_code=None,
        skill=None,
        near=None,
        page=1,
        page_size=20,
    )
    assert [i["id"] for i in items] == [opps[3].id, opps[4].id]
    assert all(i["check_code"] == "123456" for i in items)


def test_places_left_never_shows_below_zero(session, people):
    opp = slot(session, people, places=2)
    opp.booked = 2
    assert service.describe_opportunity(opp)["places_left"] == 0


def test_cancel_opportunity_frees_every_place_and_tells_each_booked_volunteer(
    session, people, volunteers
):
    opp = slot(session, people, places=3)
    active = [make_booking(session, opp, v.id) for v in volunteers[:2]]
    done = make_booking(session, opp, volunteers[2].id, status="cancelled")
    service.cancel_opportunity(
        session, principal=people.township, opportunity_id=opp.id, reason="场地维修", now=NOW
    )
    session.refresh(opp)
    assert (opp.status, opp.cancel_reason, opp.booked) == ("cancelled", "场地维修", 0)
    for booking in active:
        session.refresh(booking)
        assert (booking.status, booking.cancelled_at) == ("cancelled_by_site", NOW)
    session.refresh(done)
    assert done.status == "cancelled"
    told = session.scalars(
        select(Notification.user_id).where(Notification.kind == "timebank.booking_cancelled")
    ).all()
    assert sorted(told) == sorted(v.id for v in volunteers[:2])
    with pytest.raises(Conflict):
        service.cancel_opportunity(
            session, principal=people.township, opportunity_id=opp.id, reason="again", now=NOW
        )
    assert session.scalar(select(func.count()).select_from(Notification)) == 2


def test_cancel_opportunity_out_of_scope_is_not_found(session, people):
    opp = slot(session, people, region_code=XINAN_COMMUNITY)
    with pytest.raises(NotFound):
        service.cancel_opportunity(
            session, principal=people.community, opportunity_id=opp.id, reason="x", now=NOW
        )
    with pytest.raises(Forbidden):
        service.cancel_opportunity(
            session, principal=people.resident, opportunity_id=opp.id, reason="x", now=NOW
        )
    assert session.get(Opportunity, opp.id).status == "open"


# --- booking -------------------------------------------------------------------------------------


def test_book_takes_a_place_and_copies_the_slot(session, people, volunteers):
    opp = slot(session, people, places=2)
    booking, after = service.book(session, principal=volunteers[0], opportunity_id=opp.id, now=NOW)
    assert after.booked == 1
    assert (booking.starts_at, booking.ends_at) == (opp.starts_at, opp.ends_at)
    assert (booking.status, booking.volunteer_id) == ("booked", volunteers[0].id)
    event = session.scalar(select(TimebankEvent).where(TimebankEvent.object_id == booking.id))
    assert (event.object_type, event.action, event.to_status) == ("booking", "booked", "booked")


def test_book_never_exceeds_the_places(session, people, volunteers):
    opp = slot(session, people, places=2)
    service.book(session, principal=volunteers[0], opportunity_id=opp.id, now=NOW)
    service.book(session, principal=volunteers[1], opportunity_id=opp.id, now=NOW)
    with pytest.raises(Conflict) as caught:
        service.book(session, principal=volunteers[2], opportunity_id=opp.id, now=NOW)
    assert caught.value.error == "fully_booked"
    assert "已约满" in caught.value.message
    session.refresh(opp)
    assert opp.booked == 2
    assert (
        session.scalar(
            select(func.count()).select_from(Booking).where(Booking.opportunity_id == opp.id)
        )
        == 2
    )


def test_book_refuses_a_non_volunteer(session, people):
    opp = slot(session, people)
    with pytest.raises(Forbidden) as caught:
        service.book(session, principal=people.resident, opportunity_id=opp.id, now=NOW)
    assert caught.value.error == "not_volunteer"
    assert session.get(Opportunity, opp.id).booked == 0


def test_book_refuses_a_started_or_cancelled_slot(session, people, volunteers):
    opp = slot(session, people)
    with pytest.raises(Conflict) as caught:
        service.book(session, principal=volunteers[0], opportunity_id=opp.id, now=START)
    assert caught.value.error == "already_started"
    gone = slot(session, people, status="cancelled", starts_at=START + timedelta(days=1))
    with pytest.raises(Conflict) as caught:
        service.book(session, principal=volunteers[0], opportunity_id=gone.id, now=NOW)
    assert caught.value.error == "opportunity_cancelled"
    with pytest.raises(NotFound):
        service.book(session, principal=volunteers[0], opportunity_id=10**9, now=NOW)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        ("booked", "time_conflict"),
        ("checked_in", "time_conflict"),
        ("completed", None),
        ("cancelled", None),
        ("cancelled_by_site", None),
    ],
)
def test_only_active_bookings_block_an_overlapping_one(session, people, volunteers, status, error):
    first = slot(session, people)
    make_booking(session, first, volunteers[0].id, status=status)
    other = slot(session, people, starts_at=START + timedelta(minutes=90))
    if error is None:
        service.book(session, principal=volunteers[0], opportunity_id=other.id, now=NOW)
        return
    with pytest.raises(Conflict) as caught:
        service.book(session, principal=volunteers[0], opportunity_id=other.id, now=NOW)
    assert caught.value.error == error
    assert session.get(Opportunity, other.id).booked == 0


def test_another_volunteers_booking_does_not_clash(session, people, volunteers):
    first = slot(session, people)
    make_booking(session, first, volunteers[1].id)
    other = slot(session, people, starts_at=START + timedelta(minutes=30))
    service.book(session, principal=volunteers[0], opportunity_id=other.id, now=NOW)


# --- cancelling a booking ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before_start", "allowed"),
    [
        (timedelta(days=1), True),
        (timedelta(hours=2), True),
        (timedelta(hours=2) - timedelta(seconds=1), False),
        (timedelta(minutes=10), False),
        (-timedelta(minutes=10), False),
    ],
)
def test_cancel_booking_up_to_two_hours_before(session, people, volunteers, before_start, allowed):
    opp = slot(session, people)
    booking, _ = service.book(session, principal=volunteers[0], opportunity_id=opp.id, now=NOW)
    when = START - before_start
    if allowed:
        booking, opp = service.cancel_booking(
            session, principal=volunteers[0], booking_id=booking.id, now=when, settings=SETTINGS
        )
        assert (booking.status, booking.cancelled_at, opp.booked) == ("cancelled", when, 0)
        return
    with pytest.raises(Conflict) as caught:
        service.cancel_booking(
            session, principal=volunteers[0], booking_id=booking.id, now=when, settings=SETTINGS
        )
    assert caught.value.error == "too_late_to_cancel"
    assert "2 小时" in caught.value.message
    assert session.get(Opportunity, opp.id).booked == 1


def test_the_cancel_message_follows_the_setting(session, people, volunteers):
    settings = dataclasses.replace(SETTINGS, cancel_before_minutes=24 * 60)
    opp = slot(session, people)
    booking, _ = service.book(session, principal=volunteers[0], opportunity_id=opp.id, now=NOW)
    with pytest.raises(Conflict) as caught:
        service.cancel_booking(
            session,
            principal=volunteers[0],
            booking_id=booking.id,
            now=START - timedelta(hours=23),
            settings=settings,
        )
    assert "24 小时" in caught.value.message


def test_cancel_someone_elses_booking_is_not_found(session, people, volunteers):
    opp = slot(session, people)
    booking, _ = service.book(session, principal=volunteers[0], opportunity_id=opp.id, now=NOW)
    for principal in (volunteers[1], people.community, people.admin):
        with pytest.raises(NotFound):
            service.cancel_booking(
                session, principal=principal, booking_id=booking.id, now=NOW, settings=SETTINGS
            )
    assert session.get(Booking, booking.id).status == "booked"


# --- presence and minutes ------------------------------------------------------------------------


def presence(opp, **kwargs):
    return service._verify_presence(
        opp, code=kwargs.get("code"), position=kwargs.get("position"), settings=SETTINGS
    )


def test_presence_by_code_or_position(session, people):
    opp = slot(session, people, lat=FANGMEN_POS[0], lng=FANGMEN_POS[1], check_code="654321")
    assert presence(opp, code="654321") == "code"
    assert presence(opp, position=FANGMEN_POS) == "location"
    edge = (FANGMEN_POS[0] + 499 / 111_195, FANGMEN_POS[1])
    assert geo.distance_m(*edge, *FANGMEN_POS) <= 500
    assert presence(opp, position=edge) == "location"
    with pytest.raises(ValidationFailed) as caught:
        presence(opp, position=(FANGMEN_POS[0] + 510 / 111_195, FANGMEN_POS[1]))
    assert set(caught.value.errors["json"]) == {"lat"}
    with pytest.raises(ValidationFailed) as caught:
        presence(opp, code="123456")
    assert set(caught.value.errors["json"]) == {"code"}
    with pytest.raises(ValidationFailed) as caught:
        presence(opp)
    assert set(caught.value.errors["json"]) == {"code"}
    # A code that is wrong is wrong even with a good position.
    with pytest.raises(ValidationFailed):
        presence(opp, code="000000", position=FANGMEN_POS)


def test_presence_without_a_place_needs_the_code(session, people):
    opp = slot(session, people)
    with pytest.raises(ValidationFailed) as caught:
        presence(opp, position=FANGMEN_POS)
    assert set(caught.value.errors["json"]) == {"code"}


def booking_at(start: datetime, hours: float, checked_in_at: datetime) -> Booking:
    return Booking(
        starts_at=start, ends_at=start + timedelta(hours=hours), checked_in_at=checked_in_at
    )


@pytest.mark.parametrize(
    ("hours", "checked_in", "checked_out", "minutes"),
    [
        (2, 0, 120, 120),
        (2, -30, 90, 90),
        (2, -30, 89, 60),
        (2, 10, 69, 30),
        (2, 10, 70, 60),
        (2, 0, 29, 0),
        (2, -30, -1, 0),
        (2, 0, 600, 120),
        (1.5, 100, 200, 0),  # checked in after the end
        (0.5, -10, 45, 30),
        (3, 15, 15, 0),
    ],
)
def test_served_minutes_within_the_slot_down_to_the_half_hour(
    hours, checked_in, checked_out, minutes
):
    booking = booking_at(START, hours, START + timedelta(minutes=checked_in))
    assert (
        service.served_minutes(booking, checked_out_at=START + timedelta(minutes=checked_out))
        == minutes
    )


def test_seconds_do_not_round_up(session):
    booking = booking_at(START, 2, START)
    out = START + timedelta(minutes=59, seconds=59)
    assert service.served_minutes(booking, checked_out_at=out) == 30


def check_in(session, principal, booking, *, now, settings=SETTINGS, code="123456"):
    return service.check_in(
        session,
        principal=principal,
        booking_id=booking.id,
        code=code,
        position=None,
        now=now,
        settings=settings,
    )


def test_check_in_window_follows_the_setting(session, people, volunteers):
    opp = slot(session, people)
    booking = make_booking(session, opp, volunteers[0].id)
    settings = dataclasses.replace(SETTINGS, check_in_opens_minutes=60)
    with pytest.raises(Conflict) as caught:
        check_in(
            session, volunteers[0], booking, now=START - timedelta(minutes=61), settings=settings
        )
    assert caught.value.error == "check_in_not_open"
    assert "60 分钟" in caught.value.message
    booking, _ = check_in(
        session, volunteers[0], booking, now=START - timedelta(minutes=60), settings=settings
    )
    assert (booking.status, booking.checked_in_at, booking.check_in_method) == (
        "checked_in",
        START - timedelta(minutes=60),
        "code",
    )


def test_check_in_closes_at_the_end(session, people, volunteers):
    opp = slot(session, people)
    booking = make_booking(session, opp, volunteers[0].id)
    with pytest.raises(Conflict) as caught:
        check_in(session, volunteers[0], booking, now=opp.ends_at)
    assert caught.value.error == "check_in_closed"
    check_in(session, volunteers[0], booking, now=opp.ends_at - timedelta(seconds=1))


def test_check_out_logs_the_minutes_on_the_local_day(session, people, volunteers):
    # 00:30 on 4 March in Quzhou is still 3 March in UTC: the log is dated the local day.
    start = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)
    opp = slot(session, people, starts_at=start, hours=2)
    booking = make_booking(session, opp, volunteers[0].id)
    check_in(session, volunteers[0], booking, now=start)
    booking, _opp, log = service.check_out(
        session,
        principal=volunteers[0],
        booking_id=booking.id,
        code="123456",
        position=None,
        now=start + timedelta(minutes=100),
        settings=SETTINGS,
    )
    assert booking.status == "completed" and booking.check_out_method == "code"
    assert (log.minutes, log.status, log.booking_id) == (90, "pending", booking.id)
    assert log.served_on.isoformat() == "2026-03-04"
    assert log.needs_confirmation is False
    assert session.scalar(select(func.count()).select_from(ServiceLog)) == 1
