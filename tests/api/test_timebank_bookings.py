"""Love time bank through HTTP, the booking side: volunteers, opportunities, bookings,
check-in and check-out, and the events every change writes."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.models.common import Notification
from server.models.timebank import Booking, Opportunity, ServiceLog, TimebankEvent, Volunteer
from server.models.users import User
from server.services import geo
from tests.facility_helpers import assert_error, make_facility, named
from tests.timebank_helpers import (
    BOOKINGS,
    FANGMEN,
    FANGMEN_POS,
    KECHENG,
    OPPORTUNITIES,
    QUJIANG_COMMUNITY,
    VOLUNTEERS,
    XINAN_COMMUNITY,
    book,
    booked,
    cancel,
    check_in,
    check_out,
    create_opportunity,
    freeze,
    opportunity_body,
    register,
    utcnow,
    volunteer,
)

XINAN_POS = (28.9650, 118.8800)  # 新安社区, about 1.2 km from FANGMEN_POS
QUJIANG_POS = (28.9800, 118.9600)


@pytest.fixture
def timebank_settings(app, monkeypatch):
    """Change the time bank settings for one test: `timebank_settings(check_in_radius_m=100)`."""

    def change(**values):
        current = app.extensions["minzheng.timebank"]
        monkeypatch.setitem(
            app.extensions, "minzheng.timebank", dataclasses.replace(current, **values)
        )

    return change


@pytest.fixture
def vol(client):
    """The demo volunteer (李晓明), registered."""
    return volunteer(client, "demo-volunteer")


@pytest.fixture
def vol2(client):
    """The demo resident (王秀英), registered as a volunteer too."""
    return volunteer(client, "demo-resident")


def user_id(session, openid: str) -> int:
    return session.scalar(select(User.id).where(User.openid == openid))


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def events(session, object_type: str, object_id: int) -> list[tuple]:
    return session.execute(
        select(
            TimebankEvent.action,
            TimebankEvent.from_status,
            TimebankEvent.to_status,
            TimebankEvent.actor_id,
            TimebankEvent.reason,
        )
        .where(TimebankEvent.object_type == object_type, TimebankEvent.object_id == object_id)
        .order_by(TimebankEvent.id)
    ).all()


def bookings_of(session, opportunity_id: int) -> list[Booking]:
    return list(
        session.scalars(
            select(Booking).where(Booking.opportunity_id == opportunity_id).order_by(Booking.id)
        )
    )


def at_facility(session, client, worker, **overrides) -> dict:
    """An opportunity at a facility in 坊门街社区 (position FANGMEN_POS)."""
    facility = make_facility(session, type="home_care_center", name="坊门街居家养老服务照料中心")
    return create_opportunity(
        client, worker, facility_id=facility.id, region_code=None, **overrides
    )


# --- volunteers ----------------------------------------------------------------------------------


def test_me_is_404_before_registering(client, resident):
    response = client.get(f"{VOLUNTEERS}/me", headers=resident)
    body = assert_error(response, 404, "not_volunteer")
    assert "志愿者" in body["message"]


def test_registering_without_a_real_name_profile_is_409_saying_what_is_missing(
    client, newcomer, session
):
    response = client.post(VOLUNTEERS, headers=newcomer, json={"skills": ["companionship"]})
    body = assert_error(response, 409, "profile_incomplete")
    assert body["missing"] == ["real_name", "id_number"]
    assert session.get(Volunteer, user_id(session, "newcomer-openid")) is None
    assert client.get(f"{VOLUNTEERS}/me", headers=newcomer).status_code == 404


@pytest.mark.parametrize(
    "skills",
    [["flying"], [], "companionship", ["companionship", "flying"], None],
)
def test_skills_are_checked_against_the_list(client, resident, skills):
    response = client.post(VOLUNTEERS, headers=resident, json={"skills": skills})
    assert_error(response, 422)
    assert any(field.startswith("skills") for field in named(response)), response.json
    assert client.get(f"{VOLUNTEERS}/me", headers=resident).status_code == 404


def test_a_too_long_team_name_is_422(client, resident):
    response = client.post(
        VOLUNTEERS, headers=resident, json={"skills": ["haircut"], "team": "队" * 33}
    )
    assert_error(response, 422)
    assert "team" in named(response)


def test_registering_makes_a_volunteer_and_again_updates_them(client, resident, session):
    first = register(
        client, resident, skills=["companionship", "haircut", "haircut"], team="义工之家"
    )
    assert first["skills"] == ["companionship", "haircut"]
    assert first["skill_names"] == ["陪伴聊天", "理发"]
    assert first["team"] == "义工之家"
    assert first["real_name"] == "王**"
    assert first["region_code"] == FANGMEN
    assert "volunteer" in client.get("/api/v1/me", headers=resident).json["roles"]

    second = register(client, resident, skills=["digital_help"], team="幸福驿站")
    assert second["skills"] == ["digital_help"]
    assert second["team"] == "幸福驿站"
    assert second["user_id"] == first["user_id"]
    me = client.get(f"{VOLUNTEERS}/me", headers=resident).json
    assert me["skills"] == ["digital_help"]
    assert me["skill_names"] == ["智能手机教学"]
    assert me["team"] == "幸福驿站"
    rows = session.scalar(
        select(func.count()).select_from(Volunteer).where(Volunteer.user_id == first["user_id"])
    )
    assert rows == 1


# --- opportunities -------------------------------------------------------------------------------


def test_a_worker_creates_an_opportunity_in_a_region(client, community_worker):
    starts = utcnow().replace(microsecond=0) + timedelta(days=2)
    opp = create_opportunity(
        client,
        community_worker,
        title="福利院陪伴",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        places=8,
        skills=["companionship", "cultural"],
    )
    assert opp["title"] == "福利院陪伴"
    assert opp["region_code"] == FANGMEN
    assert opp["facility_id"] is None and opp["lat"] is None
    assert parse(opp["starts_at"]) == starts
    assert opp["minutes"] == 180
    assert opp["places"] == 8 and opp["places_left"] == 8
    assert opp["skill_names"] == ["陪伴聊天", "文体活动"]
    assert opp["status"] == "open"
    assert len(opp["check_code"]) == 6 and opp["check_code"].isdigit()


def test_a_worker_creates_an_opportunity_at_a_facility(client, community_worker, session):
    facility = make_facility(session, type="home_care_center", name="坊门街照料中心")
    opp = create_opportunity(client, community_worker, facility_id=facility.id, region_code=None)
    assert opp["facility_id"] == facility.id
    assert opp["facility_name"] == "坊门街照料中心"
    assert opp["region_code"] == facility.region_code == FANGMEN
    assert (opp["lat"], opp["lng"]) == (facility.lat, facility.lng)


def test_a_resident_cannot_create_an_opportunity(client, resident, vol, session):
    for headers in (resident, vol):
        response = client.post(OPPORTUNITIES, headers=headers, json=opportunity_body())
        assert_error(response, 403)
    assert session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_an_opportunity_outside_the_workers_scope_is_404(client, community_worker, session):
    response = client.post(
        OPPORTUNITIES,
        headers=community_worker,
        json=opportunity_body(region_code=XINAN_COMMUNITY),
    )
    assert_error(response, 404)
    far = make_facility(
        session, region_code=QUJIANG_COMMUNITY, lat=QUJIANG_POS[0], lng=QUJIANG_POS[1]
    )
    response = client.post(
        OPPORTUNITIES,
        headers=community_worker,
        json=opportunity_body(facility_id=far.id, region_code=None),
    )
    assert_error(response, 404)
    assert session.scalar(select(func.count()).select_from(Opportunity)) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_in": timedelta(days=1), "hours": -1}, "ends_at"),
        ({"starts_in": timedelta(days=1), "hours": 0}, "ends_at"),
        ({"starts_in": timedelta(days=1), "hours": 13}, "ends_at"),
        ({"starts_in": -timedelta(hours=1)}, "starts_at"),
        ({"places": 0}, "places"),
        ({"skills": ["flying"]}, "skills.0"),
        ({"facility_id": 999999, "region_code": None}, "facility_id"),
        ({"region_code": None}, "region_code"),
        (
            {"starts_at": "2030-01-01T09:00:00", "ends_at": "2030-01-01T11:00:00+08:00"},
            "starts_at",
        ),  # no offset
    ],
)
def test_a_bad_opportunity_is_422_naming_the_field(
    client, community_worker, session, overrides, field
):
    response = client.post(
        OPPORTUNITIES, headers=community_worker, json=opportunity_body(**overrides)
    )
    assert_error(response, 422)
    assert field in named(response), response.json
    assert session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_the_list_shows_future_open_ones_soonest_first_with_places_left(
    client, community_worker, vol, session
):
    later = create_opportunity(client, community_worker, starts_in=timedelta(days=3), places=2)
    sooner = create_opportunity(client, community_worker, starts_in=timedelta(days=1), places=3)
    cancelled = create_opportunity(client, community_worker, starts_in=timedelta(days=2))
    client.post(
        f"{OPPORTUNITIES}/{cancelled['id']}/cancel", headers=community_worker, json={"reason": "雨"}
    )
    booked(client, vol, later["id"])
    past = Opportunity(
        title="已过去",
        region_code=FANGMEN,
        starts_at=utcnow() - timedelta(days=1),
        ends_at=utcnow() - timedelta(days=1) + timedelta(hours=2),
        places=5,
        skills=[],
        check_code="000000",
        created_by=user_id(session, "demo-worker-community"),
    )
    session.add(past)
    session.flush()

    response = client.get(OPPORTUNITIES, headers=vol)
    assert response.status_code == 200
    items = response.json
    assert [o["id"] for o in items] == [sooner["id"], later["id"]]
    assert [o["places_left"] for o in items] == [3, 1]
    assert "X-Pagination" in response.headers


def test_the_list_filters_by_time_region_and_skill(client, county_worker, vol):
    base = utcnow().replace(microsecond=0) + timedelta(days=1)
    a = create_opportunity(client, county_worker, starts_at=base, skills=["haircut"])
    b = create_opportunity(
        client,
        county_worker,
        starts_at=base + timedelta(days=1),
        region_code=XINAN_COMMUNITY,
        skills=["companionship", "haircut"],
    )
    c = create_opportunity(client, county_worker, starts_at=base + timedelta(days=2), skills=[])

    def ids(**query):
        response = client.get(OPPORTUNITIES, headers=vol, query_string=query)
        assert response.status_code == 200, response.json
        return [o["id"] for o in response.json]

    assert ids() == [a["id"], b["id"], c["id"]]
    assert ids(**{"from": (base + timedelta(hours=1)).isoformat()}) == [b["id"], c["id"]]
    assert ids(to=(base + timedelta(days=1, hours=1)).isoformat()) == [a["id"], b["id"]]
    assert ids(
        **{
            "from": (base + timedelta(hours=1)).isoformat(),
            "to": (base + timedelta(days=1, hours=1)).isoformat(),
        }
    ) == [b["id"]]
    assert ids(region_code=XINAN_COMMUNITY) == [b["id"]]
    assert ids(region_code="330802001") == [a["id"], c["id"]]
    assert ids(region_code=KECHENG) == [a["id"], b["id"], c["id"]]
    assert ids(skill="haircut") == [a["id"], b["id"]]
    assert ids(skill="companionship") == [b["id"]]
    assert ids(region_code=QUJIANG_COMMUNITY) == []


def test_the_list_rejects_a_bad_filter(client, vol):
    for query, field in (
        ({"skill": "flying"}, "skill"),
        ({"from": "tomorrow"}, "from"),
        ({"lat": "95", "lng": "118.87"}, "lat"),
    ):
        response = client.get(OPPORTUNITIES, headers=vol, query_string=query)
        assert_error(response, 422)
        assert field in named(response), response.json


def test_the_list_is_nearest_first_with_a_position(client, county_worker, vol, session):
    near = make_facility(session, region_code=FANGMEN, lat=FANGMEN_POS[0], lng=FANGMEN_POS[1])
    far = make_facility(session, region_code=XINAN_COMMUNITY, lat=XINAN_POS[0], lng=XINAN_POS[1])
    base = utcnow().replace(microsecond=0) + timedelta(days=1)
    # The far one starts first, and one with no place at all starts before both.
    at_far = create_opportunity(
        client, county_worker, facility_id=far.id, region_code=None, starts_at=base
    )
    at_near = create_opportunity(
        client,
        county_worker,
        facility_id=near.id,
        region_code=None,
        starts_at=base + timedelta(hours=3),
    )
    nowhere = create_opportunity(client, county_worker, starts_at=base - timedelta(hours=3))

    plain = client.get(OPPORTUNITIES, headers=vol).json
    assert [o["id"] for o in plain] == [nowhere["id"], at_far["id"], at_near["id"]]
    assert all("distance_m" not in o for o in plain)

    response = client.get(
        OPPORTUNITIES, headers=vol, query_string={"lat": FANGMEN_POS[0], "lng": FANGMEN_POS[1]}
    )
    items = response.json
    assert [o["id"] for o in items] == [at_near["id"], at_far["id"], nowhere["id"]]
    assert items[0]["distance_m"] == 0
    expected = geo.distance_m(*FANGMEN_POS, *XINAN_POS)
    assert abs(items[1]["distance_m"] - expected) <= 1
    assert "distance_m" not in items[2]


def test_the_check_code_is_shown_only_to_workers_in_scope(
    client, community_worker, township_worker, county_worker, vol, admin
):
    mine = create_opportunity(client, community_worker)
    xinan = create_opportunity(client, county_worker, region_code=XINAN_COMMUNITY)

    def code(headers, opp):
        single = client.get(f"{OPPORTUNITIES}/{opp['id']}", headers=headers)
        assert single.status_code == 200
        listed = next(
            o for o in client.get(OPPORTUNITIES, headers=headers).json if o["id"] == opp["id"]
        )
        assert single.json.get("check_code") == listed.get("check_code")
        return single.json.get("check_code")

    assert code(community_worker, mine) == mine["check_code"]
    assert code(township_worker, mine) == mine["check_code"]
    assert code(county_worker, mine) == mine["check_code"]
    assert code(admin, mine) == mine["check_code"]
    assert code(vol, mine) is None
    assert code(community_worker, xinan) is None
    assert code(township_worker, xinan) is None
    assert code(county_worker, xinan) == xinan["check_code"]


def test_an_unknown_opportunity_is_404(client, vol):
    response = client.get(f"{OPPORTUNITIES}/999999", headers=vol)
    body = assert_error(response, 404, "opportunity_not_found")
    assert body["message"]


def test_cancelling_an_opportunity_cancels_its_bookings_and_tells_each_volunteer(
    client, community_worker, vol, vol2, session
):
    opp = create_opportunity(client, community_worker, title="重阳节敬老")
    first = booked(client, vol, opp["id"])
    second = booked(client, vol2, opp["id"])

    response = client.post(
        f"{OPPORTUNITIES}/{opp['id']}/cancel",
        headers=community_worker,
        json={"reason": "台风预警，活动取消"},
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled"
    assert response.json["cancel_reason"] == "台风预警，活动取消"

    rows = bookings_of(session, opp["id"])
    assert {b.id for b in rows} == {first["id"], second["id"]}
    assert {b.status for b in rows} == {"cancelled_by_site"}
    assert all(b.cancelled_at is not None for b in rows)
    worker_id = user_id(session, "demo-worker-community")
    for b in rows:
        assert events(session, "booking", b.id)[-1] == (
            "cancelled_by_site",
            "booked",
            "cancelled_by_site",
            worker_id,
            "台风预警，活动取消",
        )
    notes = session.scalars(
        select(Notification)
        .where(Notification.kind == "timebank.booking_cancelled")
        .order_by(Notification.id)
    ).all()
    assert sorted(n.user_id for n in notes) == sorted(
        [user_id(session, "demo-volunteer"), user_id(session, "demo-resident")]
    )
    for note in notes:
        assert "重阳节敬老" in note.body and "台风预警" in note.body
        assert note.data["opportunity_id"] == opp["id"]
    assert {n.data["booking_id"] for n in notes} == {first["id"], second["id"]}
    # The volunteers see it, and nobody can book it any more.
    mine = client.get(BOOKINGS, headers=vol).json
    assert [(b["id"], b["status"]) for b in mine] == [(first["id"], "cancelled_by_site")]
    assert opp["id"] not in [o["id"] for o in client.get(OPPORTUNITIES, headers=vol).json]
    assert_error(book(client, vol, opp["id"]), 409, "opportunity_cancelled")


def test_cancelling_an_opportunity_does_not_touch_a_booking_already_cancelled(
    client, community_worker, vol, vol2, session
):
    opp = create_opportunity(client, community_worker)
    gone = booked(client, vol, opp["id"])
    booked(client, vol2, opp["id"])
    assert cancel(client, vol, gone["id"]).status_code == 200
    client.post(
        f"{OPPORTUNITIES}/{opp['id']}/cancel", headers=community_worker, json={"reason": "x"}
    )
    statuses = {b.id: b.status for b in bookings_of(session, opp["id"])}
    assert statuses[gone["id"]] == "cancelled"
    notes = session.scalars(
        select(Notification).where(Notification.kind == "timebank.booking_cancelled")
    )
    assert [n.user_id for n in notes] == [user_id(session, "demo-resident")]


def test_cancelling_an_opportunity_needs_a_worker_in_scope_a_reason_and_an_open_one(
    client, community_worker, county_worker, vol
):
    opp = create_opportunity(client, county_worker, region_code=XINAN_COMMUNITY)
    url = f"{OPPORTUNITIES}/{opp['id']}/cancel"
    assert_error(client.post(url, headers=vol, json={"reason": "x"}), 403)
    assert_error(client.post(url, headers=community_worker, json={"reason": "x"}), 404)
    response = client.post(url, headers=county_worker, json={})
    assert_error(response, 422)
    assert "reason" in named(response)
    assert client.post(url, headers=county_worker, json={"reason": "x"}).status_code == 200
    assert_error(client.post(url, headers=county_worker, json={"reason": "x"}), 409)
    assert_error(
        client.post(f"{OPPORTUNITIES}/999999/cancel", headers=county_worker, json={"reason": "x"}),
        404,
    )


# --- bookings ------------------------------------------------------------------------------------


def test_someone_not_registered_as_a_volunteer_cannot_book(
    client, community_worker, resident, newcomer, session
):
    opp = create_opportunity(client, community_worker)
    for headers in (resident, newcomer, community_worker):
        assert_error(book(client, headers, opp["id"]), 403, "not_volunteer")
    assert bookings_of(session, opp["id"]) == []
    assert client.get(f"{OPPORTUNITIES}/{opp['id']}", headers=resident).json["places_left"] == 5


def test_a_volunteer_books_a_place(client, community_worker, vol, session):
    facility = make_facility(session, type="home_care_center", name="坊门街照料中心")
    opp = create_opportunity(
        client, community_worker, facility_id=facility.id, region_code=None, places=3
    )
    response = book(client, vol, opp["id"])
    assert response.status_code == 201, response.json
    booking = response.json
    assert booking["status"] == "booked"
    assert booking["opportunity_id"] == opp["id"]
    assert booking["title"] == opp["title"]
    assert booking["facility_name"] == "坊门街照料中心"
    assert booking["starts_at"] == opp["starts_at"] and booking["ends_at"] == opp["ends_at"]
    assert booking["places_left"] == 2
    assert booking["checked_in_at"] is None and booking["cancelled_at"] is None
    assert client.get(f"{OPPORTUNITIES}/{opp['id']}", headers=vol).json["places_left"] == 2
    assert session.get(Opportunity, opp["id"]).booked == 1

    mine = client.get(BOOKINGS, headers=vol, query_string={"mine": 1})
    assert mine.status_code == 200
    assert [b["id"] for b in mine.json] == [booking["id"]]
    assert mine.json[0]["status"] == "booked"
    # Nobody else sees it among theirs.
    assert client.get(BOOKINGS, headers=community_worker).json == []

    row = session.get(Booking, booking["id"])
    assert row.volunteer_id == user_id(session, "demo-volunteer")
    assert events(session, "booking", booking["id"]) == [
        ("booked", None, "booked", row.volunteer_id, None)
    ]


def test_booking_the_same_opportunity_twice_is_409(client, community_worker, vol, session):
    opp = create_opportunity(client, community_worker)
    booked(client, vol, opp["id"])
    body = assert_error(book(client, vol, opp["id"]), 409, "already_booked")
    assert "已经预约" in body["message"]
    assert len(bookings_of(session, opp["id"])) == 1
    assert session.get(Opportunity, opp["id"]).booked == 1


@pytest.mark.parametrize(
    ("offset", "hours"),
    [
        (timedelta(hours=1), 2),  # starts inside
        (-timedelta(hours=1), 2),  # ends inside
        (timedelta(minutes=30), 1),  # wholly inside
        (-timedelta(hours=1), 4),  # wholly around
    ],
)
def test_booking_a_slot_that_overlaps_another_booking_is_409_time_conflict(
    client, community_worker, vol, session, offset, hours
):
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    first = create_opportunity(client, community_worker, starts_at=start, hours=2)
    other = create_opportunity(client, community_worker, starts_at=start + offset, hours=hours)
    booked(client, vol, first["id"])
    body = assert_error(book(client, vol, other["id"]), 409, "time_conflict")
    assert "时间冲突" in body["message"]
    assert bookings_of(session, other["id"]) == []
    assert session.get(Opportunity, other["id"]).booked == 0


def test_back_to_back_slots_do_not_overlap(client, community_worker, vol):
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    first = create_opportunity(client, community_worker, starts_at=start, hours=2)
    after = create_opportunity(client, community_worker, starts_at=start + timedelta(hours=2))
    before = create_opportunity(
        client, community_worker, starts_at=start - timedelta(hours=1), hours=1
    )
    for opp in (first, after, before):
        booked(client, vol, opp["id"])


def test_a_cancelled_booking_no_longer_blocks_an_overlapping_one(client, community_worker, vol):
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    first = create_opportunity(client, community_worker, starts_at=start)
    other = create_opportunity(client, community_worker, starts_at=start + timedelta(hours=1))
    mine = booked(client, vol, first["id"])
    assert cancel(client, vol, mine["id"]).status_code == 200
    booked(client, vol, other["id"])


def test_a_full_opportunity_is_409_fully_booked(client, community_worker, vol, vol2, session):
    opp = create_opportunity(client, community_worker, places=1)
    first = booked(client, vol, opp["id"])
    assert first["places_left"] == 0
    body = assert_error(book(client, vol2, opp["id"]), 409, "fully_booked")
    assert "已约满" in body["message"]
    assert [b.id for b in bookings_of(session, opp["id"])] == [first["id"]]
    assert session.get(Opportunity, opp["id"]).booked == 1
    assert client.get(f"{OPPORTUNITIES}/{opp['id']}", headers=vol2).json["places_left"] == 0


def test_a_started_opportunity_cannot_be_booked(
    client, community_worker, vol, monkeypatch, session
):
    opp = create_opportunity(client, community_worker)
    freeze(monkeypatch, parse(opp["starts_at"]))
    body = assert_error(book(client, vol, opp["id"]), 409, "already_started")
    assert "开始" in body["message"]
    freeze(monkeypatch, parse(opp["starts_at"]) + timedelta(minutes=10))
    assert_error(book(client, vol, opp["id"]), 409, "already_started")
    assert bookings_of(session, opp["id"]) == []
    # A second before the start it still could.
    freeze(monkeypatch, parse(opp["starts_at"]) - timedelta(seconds=1))
    booked(client, vol, opp["id"])


def test_booking_an_unknown_opportunity_is_404(client, vol):
    assert_error(book(client, vol, 999999), 404, "opportunity_not_found")


def test_a_retried_booking_with_the_same_key_returns_the_first_answer(
    client, community_worker, vol, session
):
    opp = create_opportunity(client, community_worker)
    key = "book-" + uuid.uuid4().hex
    first = book(client, vol, opp["id"], key=key)
    assert first.status_code == 201, first.json
    again = book(client, vol, opp["id"], key=key)
    assert again.status_code == 201, again.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json == first.json
    assert len(bookings_of(session, opp["id"])) == 1
    assert session.get(Opportunity, opp["id"]).booked == 1
    # Without the key, the same request is a second attempt, and refused.
    assert_error(book(client, vol, opp["id"]), 409, "already_booked")
    # Another key for another opportunity is a new booking.
    other = create_opportunity(client, community_worker, starts_in=timedelta(days=3))
    assert book(client, vol, other["id"], key="book-" + uuid.uuid4().hex).status_code == 201


def test_a_failed_booking_frees_its_key_for_a_retry(client, community_worker, vol, vol2, session):
    opp = create_opportunity(client, community_worker, places=1)
    mine = booked(client, vol, opp["id"])
    key = "book-" + uuid.uuid4().hex
    assert_error(book(client, vol2, opp["id"], key=key), 409, "fully_booked")
    assert cancel(client, vol, mine["id"]).status_code == 200
    retry = book(client, vol2, opp["id"], key=key)
    assert retry.status_code == 201, retry.json
    assert retry.headers.get("Idempotent-Replayed") != "true"


def test_the_owner_cancels_two_hours_ahead_and_the_place_is_freed(
    client, community_worker, vol, vol2, monkeypatch, session
):
    opp = create_opportunity(client, community_worker, places=1)
    mine = booked(client, vol, opp["id"])
    assert_error(book(client, vol2, opp["id"]), 409, "fully_booked")
    when = parse(opp["starts_at"]) - timedelta(hours=2)
    freeze(monkeypatch, when)
    response = cancel(client, vol, mine["id"])
    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled"
    assert parse(response.json["cancelled_at"]) == when
    assert response.json["places_left"] == 1
    assert session.get(Opportunity, opp["id"]).booked == 0
    assert events(session, "booking", mine["id"])[-1] == (
        "cancelled",
        "booked",
        "cancelled",
        user_id(session, "demo-volunteer"),
        None,
    )
    # Someone else takes the place; cancelling twice is refused.
    booked(client, vol2, opp["id"])
    assert_error(cancel(client, vol, mine["id"]), 409, "wrong_state")
    assert session.get(Opportunity, opp["id"]).booked == 1


def test_cancelling_later_than_two_hours_ahead_is_409_saying_why(
    client, community_worker, vol, monkeypatch, session
):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]) - timedelta(hours=2) + timedelta(seconds=1))
    body = assert_error(cancel(client, vol, mine["id"]), 409, "too_late_to_cancel")
    assert "2 小时" in body["message"] and "服务点" in body["message"]
    assert session.get(Booking, mine["id"]).status == "booked"
    assert session.get(Opportunity, opp["id"]).booked == 1


def test_the_cancel_deadline_is_configurable(
    client, community_worker, vol, monkeypatch, timebank_settings
):
    timebank_settings(cancel_before_minutes=30)
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]) - timedelta(hours=1))
    assert cancel(client, vol, mine["id"]).status_code == 200


def test_someone_elses_booking_is_404(client, community_worker, vol, vol2, session):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    for headers in (vol2, community_worker):
        assert_error(cancel(client, headers, mine["id"]), 404, "booking_not_found")
        assert_error(
            check_in(client, headers, mine["id"], code=opp["check_code"]), 404, "booking_not_found"
        )
        assert_error(
            check_out(client, headers, mine["id"], code=opp["check_code"]), 404, "booking_not_found"
        )
    assert_error(cancel(client, vol, 999999), 404, "booking_not_found")
    assert session.get(Booking, mine["id"]).status == "booked"


def test_the_roster_shows_workers_in_scope_masked_names_and_phones(
    client, community_worker, township_worker, vol, vol2, session
):
    opp = create_opportunity(client, community_worker)
    a = booked(client, vol, opp["id"])
    b = booked(client, vol2, opp["id"])
    for headers in (community_worker, township_worker):
        response = client.get(f"{OPPORTUNITIES}/{opp['id']}/bookings", headers=headers)
        assert response.status_code == 200, response.json
        rows = response.json
        assert [r["id"] for r in rows] == [a["id"], b["id"]]
        assert [r["volunteer_name"] for r in rows] == ["李**", "王**"]
        assert [r["volunteer_phone"] for r in rows] == ["138****0002", "138****0001"]
        assert [r["volunteer_id"] for r in rows] == [
            user_id(session, "demo-volunteer"),
            user_id(session, "demo-resident"),
        ]
        assert all(r["status"] == "booked" for r in rows)
        text = response.get_data(as_text=True)
        assert "李晓明" not in text and "13857000002" not in text


def test_the_roster_is_404_out_of_scope_and_403_for_a_volunteer(
    client, community_worker, county_worker, vol
):
    opp = create_opportunity(client, county_worker, region_code=XINAN_COMMUNITY)
    booked(client, vol, opp["id"])
    url = f"{OPPORTUNITIES}/{opp['id']}/bookings"
    assert_error(client.get(url, headers=community_worker), 404)
    assert_error(client.get(url, headers=vol), 403)
    assert_error(client.get(f"{OPPORTUNITIES}/999999/bookings", headers=county_worker), 404)
    assert len(client.get(url, headers=county_worker).json) == 1


# --- check-in ------------------------------------------------------------------------------------


def test_check_in_opens_thirty_minutes_before_the_start(
    client, community_worker, vol, monkeypatch, session
):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    start = parse(opp["starts_at"])
    freeze(monkeypatch, start - timedelta(minutes=30, seconds=1))
    body = assert_error(
        check_in(client, vol, mine["id"], code=opp["check_code"]), 409, "check_in_not_open"
    )
    assert "30 分钟" in body["message"]
    assert session.get(Booking, mine["id"]).status == "booked"
    freeze(monkeypatch, start - timedelta(minutes=30))
    response = check_in(client, vol, mine["id"], code=opp["check_code"])
    assert response.status_code == 200, response.json
    assert response.json["status"] == "checked_in"
    assert parse(response.json["checked_in_at"]) == start - timedelta(minutes=30)


def test_check_in_by_the_sites_code(client, community_worker, vol, monkeypatch, session):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]) + timedelta(minutes=5))
    response = check_in(client, vol, mine["id"], code=opp["check_code"])
    assert response.status_code == 200, response.json
    row = session.get(Booking, mine["id"])
    assert (row.status, row.check_in_method) == ("checked_in", "code")
    assert events(session, "booking", mine["id"])[-1][:3] == ("checked_in", "booked", "checked_in")
    # Checking in again is refused.
    assert_error(check_in(client, vol, mine["id"], code=opp["check_code"]), 409, "wrong_state")


def test_a_wrong_code_is_422(client, community_worker, vol, monkeypatch, session):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]))
    wrong = f"{(int(opp['check_code']) + 1) % 10**6:06d}"
    response = check_in(client, vol, mine["id"], code=wrong)
    assert_error(response, 422)
    assert "code" in named(response)
    for bad in ("12345", "abcdef"):
        response = check_in(client, vol, mine["id"], code=bad)
        assert_error(response, 422)
        assert "code" in named(response)
    response = check_in(client, vol, mine["id"])
    assert_error(response, 422)
    assert session.get(Booking, mine["id"]).status == "booked"


def test_check_in_by_location_within_500_m(client, community_worker, vol, monkeypatch, session):
    opp = at_facility(session, client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]))
    # About 400 m north of the facility.
    lat = FANGMEN_POS[0] + 400 / 111_195
    assert 350 < geo.distance_m(lat, FANGMEN_POS[1], *FANGMEN_POS) < 450
    response = check_in(client, vol, mine["id"], lat=lat, lng=FANGMEN_POS[1])
    assert response.status_code == 200, response.json
    assert session.get(Booking, mine["id"]).check_in_method == "location"


def test_check_in_too_far_away_is_422_naming_lat(
    client, community_worker, vol, monkeypatch, session
):
    opp = at_facility(session, client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]))
    lat = FANGMEN_POS[0] + 600 / 111_195
    response = check_in(client, vol, mine["id"], lat=lat, lng=FANGMEN_POS[1])
    body = assert_error(response, 422)
    assert "lat" in named(response)
    assert "500 米" in body["errors"]["json"]["lat"][0]
    assert session.get(Booking, mine["id"]).status == "booked"
    # The code still works for a volunteer far from the site.
    assert check_in(client, vol, mine["id"], code=opp["check_code"]).status_code == 200


def test_the_check_in_radius_is_configurable(
    client, community_worker, vol, monkeypatch, session, timebank_settings
):
    timebank_settings(check_in_radius_m=1000)
    opp = at_facility(session, client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]))
    lat = FANGMEN_POS[0] + 600 / 111_195
    assert check_in(client, vol, mine["id"], lat=lat, lng=FANGMEN_POS[1]).status_code == 200


def test_a_wgs84_position_is_converted_before_measuring(
    client, community_worker, vol, vol2, monkeypatch, session, timebank_settings
):
    timebank_settings(check_in_radius_m=100)
    opp = at_facility(session, client, community_worker)
    wgs = geo.gcj02_to_wgs84(*FANGMEN_POS)
    # The two datums are hundreds of metres apart here: read as GCJ-02, it is too far.
    assert geo.distance_m(*wgs, *FANGMEN_POS) > 200
    first = booked(client, vol, opp["id"])
    second = booked(client, vol2, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]))
    response = check_in(client, vol, first["id"], lat=wgs[0], lng=wgs[1])
    assert_error(response, 422)
    assert "lat" in named(response)
    response = check_in(client, vol, first["id"], lat=wgs[0], lng=wgs[1], coord_type="wgs84")
    assert response.status_code == 200, response.json
    response = check_in(
        client, vol2, second["id"], lat=FANGMEN_POS[0], lng=FANGMEN_POS[1], coord_type="gcj02"
    )
    assert response.status_code == 200, response.json


def test_a_position_needs_both_coordinates_and_a_place(
    client, community_worker, vol, monkeypatch, session
):
    opp = create_opportunity(client, community_worker)  # in a region: no fixed place
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]))
    response = check_in(client, vol, mine["id"], lat=FANGMEN_POS[0])
    assert_error(response, 422)
    assert "lng" in named(response)
    response = check_in(client, vol, mine["id"], lat=FANGMEN_POS[0], lng=FANGMEN_POS[1])
    assert_error(response, 422)
    assert "code" in named(response)
    assert session.get(Booking, mine["id"]).status == "booked"


def test_check_in_after_the_slot_has_ended_is_409(client, community_worker, vol, monkeypatch):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["ends_at"]))
    assert_error(check_in(client, vol, mine["id"], code=opp["check_code"]), 409, "check_in_closed")


def test_a_cancelled_booking_cannot_check_in(client, community_worker, vol, monkeypatch):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    assert cancel(client, vol, mine["id"]).status_code == 200
    freeze(monkeypatch, parse(opp["starts_at"]))
    assert_error(check_in(client, vol, mine["id"], code=opp["check_code"]), 409, "wrong_state")


# --- check-out -----------------------------------------------------------------------------------


def served(client, monkeypatch, headers, opp, booking, *, check_in_at, check_out_at):
    """Check in and out at the given times (by code); the check-out response."""
    freeze(monkeypatch, check_in_at)
    response = check_in(client, headers, booking["id"], code=opp["check_code"])
    assert response.status_code == 200, response.json
    freeze(monkeypatch, check_out_at)
    return check_out(client, headers, booking["id"], code=opp["check_code"])


@pytest.mark.parametrize(
    ("check_in_after", "check_out_after", "minutes"),
    [
        (-timedelta(minutes=20), timedelta(hours=1, minutes=50), 90),  # early: counted from start
        (timedelta(minutes=45), timedelta(hours=1, minutes=50), 60),  # late: 65 min, down to 60
        (timedelta(0), timedelta(hours=2), 120),  # the whole slot
        (-timedelta(minutes=30), timedelta(hours=5), 120),  # stayed on: capped at the slot
        (timedelta(minutes=1), timedelta(minutes=60), 30),  # 59 min: down to 30
        (timedelta(0), timedelta(minutes=30), 30),
    ],
)
def test_check_out_banks_the_time_served_capped_and_rounded_down_to_the_half_hour(
    client, community_worker, vol, monkeypatch, session, check_in_after, check_out_after, minutes
):
    opp = create_opportunity(client, community_worker, hours=2)
    mine = booked(client, vol, opp["id"])
    start = parse(opp["starts_at"])
    response = served(
        client,
        monkeypatch,
        vol,
        opp,
        mine,
        check_in_at=start + check_in_after,
        check_out_at=start + check_out_after,
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "completed"
    assert response.json["served_minutes"] == minutes
    assert parse(response.json["checked_out_at"]) == start + check_out_after
    assert parse(response.json["checked_in_at"]) == start + check_in_after
    log = session.get(ServiceLog, response.json["service_log_id"])
    assert log.minutes == minutes
    assert log.status == "pending"
    assert log.booking_id == mine["id"]
    assert log.volunteer_id == user_id(session, "demo-volunteer")
    assert log.region_code == FANGMEN
    assert log.description == opp["title"]
    # Nothing is banked before a worker approves it.
    account = client.get("/api/v1/timebank/account", headers=vol).json
    assert account["balance_minutes"] == 0


def test_check_out_with_less_than_half_an_hour_served_makes_no_log(
    client, community_worker, vol, monkeypatch, session
):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    start = parse(opp["starts_at"])
    response = served(
        client,
        monkeypatch,
        vol,
        opp,
        mine,
        check_in_at=start,
        check_out_at=start + timedelta(minutes=29, seconds=59),
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "completed"
    assert response.json["served_minutes"] == 0
    assert response.json["service_log_id"] is None
    assert session.scalar(select(func.count()).select_from(ServiceLog)) == 0


def test_check_out_before_the_start_serves_nothing(
    client, community_worker, vol, monkeypatch, session
):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    start = parse(opp["starts_at"])
    response = served(
        client,
        monkeypatch,
        vol,
        opp,
        mine,
        check_in_at=start - timedelta(minutes=25),
        check_out_at=start - timedelta(minutes=5),
    )
    assert response.status_code == 200, response.json
    assert response.json["served_minutes"] == 0
    assert session.scalar(select(func.count()).select_from(ServiceLog)) == 0


def test_check_out_needs_a_check_in_first_and_happens_once(
    client, community_worker, vol, monkeypatch, session
):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    start = parse(opp["starts_at"])
    freeze(monkeypatch, start + timedelta(hours=1))
    assert_error(check_out(client, vol, mine["id"], code=opp["check_code"]), 409, "wrong_state")
    response = served(
        client,
        monkeypatch,
        vol,
        opp,
        mine,
        check_in_at=start,
        check_out_at=start + timedelta(hours=1),
    )
    assert response.status_code == 200
    assert_error(check_out(client, vol, mine["id"], code=opp["check_code"]), 409, "wrong_state")
    assert session.scalar(select(func.count()).select_from(ServiceLog)) == 1


def test_check_out_checks_presence_too(client, community_worker, vol, monkeypatch, session):
    opp = at_facility(session, client, community_worker)
    mine = booked(client, vol, opp["id"])
    start = parse(opp["starts_at"])
    freeze(monkeypatch, start)
    assert (
        check_in(client, vol, mine["id"], lat=FANGMEN_POS[0], lng=FANGMEN_POS[1]).status_code == 200
    )
    freeze(monkeypatch, start + timedelta(hours=1))
    far = FANGMEN_POS[0] + 0.02
    response = check_out(client, vol, mine["id"], lat=far, lng=FANGMEN_POS[1])
    assert_error(response, 422)
    assert "lat" in named(response)
    assert session.get(Booking, mine["id"]).status == "checked_in"
    response = check_out(client, vol, mine["id"], lat=FANGMEN_POS[0], lng=FANGMEN_POS[1])
    assert response.status_code == 200, response.json
    row = session.get(Booking, mine["id"])
    assert (row.check_in_method, row.check_out_method) == ("location", "location")
    assert response.json["served_minutes"] == 60


def test_every_step_writes_an_event(client, community_worker, vol, monkeypatch, session):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    start = parse(opp["starts_at"])
    response = served(
        client,
        monkeypatch,
        vol,
        opp,
        mine,
        check_in_at=start,
        check_out_at=start + timedelta(hours=1, minutes=40),
    )
    me = user_id(session, "demo-volunteer")
    assert events(session, "booking", mine["id"]) == [
        ("booked", None, "booked", me, None),
        ("checked_in", "booked", "checked_in", me, None),
        ("checked_out", "checked_in", "completed", me, None),
    ]
    log_id = response.json["service_log_id"]
    assert events(session, "service_log", log_id) == [("logged", None, "pending", me, None)]
    times = session.scalars(
        select(TimebankEvent.created_at)
        .where(TimebankEvent.object_type == "booking", TimebankEvent.object_id == mine["id"])
        .order_by(TimebankEvent.id)
    ).all()
    assert all(t is not None for t in times)


def test_a_started_opportunity_can_no_longer_be_cancelled(
    client, community_worker, vol, monkeypatch, session
):
    opp = create_opportunity(client, community_worker)
    mine = booked(client, vol, opp["id"])
    freeze(monkeypatch, parse(opp["starts_at"]))
    response = client.post(
        f"{OPPORTUNITIES}/{opp['id']}/cancel", headers=community_worker, json={"reason": "x"}
    )
    assert_error(response, 409, "already_started")
    assert session.get(Opportunity, opp["id"]).status == "open"
    assert session.get(Booking, mine["id"]).status == "booked"
    assert session.scalar(select(func.count()).select_from(Notification)) == 0
