"""Emergency mode over HTTP: declare, which shelters it opens, who is told, where a phone
stands, occupancy during the night, the duty officer's summary, and the close."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.models.common import Notification
from server.models.facilities import Emergency, EmergencyShelter, FacilityEvent
from server.models.users import User
from tests.facility_helpers import (
    FANGMEN,
    FANGMEN_POS,
    FUSHAN,
    KECHENG,
    QUJIANG,
    QUJIANG_COMMUNITY,
    QUJIANG_POS,
    XINAN_COMMUNITY,
    assert_error,
    create_facility,
    make_facility,
    named,
    put_occupancy,
)
from tests.factories import make_user

BASE = "/api/v1/emergencies"
FACILITIES = "/api/v1/facilities"


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def declare(client, headers, expect=201, **overrides):
    body = {"name": "台风“梅花”", "hazard": "typhoon", "region_code": KECHENG, **overrides}
    body = {key: value for key, value in body.items() if value is not None}
    response = client.post(BASE, headers=headers, json=body)
    assert response.status_code == expect, response.json
    return response.json


def activated_ids(session, emergency_id: int) -> set[int]:
    return set(
        session.scalars(
            select(EmergencyShelter.facility_id).where(
                EmergencyShelter.emergency_id == emergency_id
            )
        )
    )


# --- declare -----------------------------------------------------------------------------------


def test_declaring_activates_only_the_regions_shelters_safe_for_the_hazard(
    client, session, county_worker
):
    safe = make_facility(session, hazards=["typhoon"])
    safe_in_another_street = make_facility(
        session, region_code=XINAN_COMMUNITY, hazards=["flood", "typhoon"]
    )
    already_full = make_facility(session, hazards=["typhoon"], status="full", occupancy=100)
    flood_only = make_facility(session, hazards=["flood"])
    suspended = make_facility(session, hazards=["typhoon"], status="suspended")
    deleted = make_facility(session, hazards=["typhoon"], deleted_at=datetime.now(UTC))
    other_county = make_facility(session, region_code=QUJIANG_COMMUNITY, hazards=["typhoon"])
    home_care = make_facility(session, type="home_care", shelter_level=None)
    starts = datetime(2026, 8, 10, 14, 30, tzinfo=UTC)

    emergency = declare(client, county_worker, starts_at=starts.isoformat())

    assert emergency["active"] is True and emergency["closed_at"] is None
    assert emergency["hazard_name"] == "台风" and emergency["region_name"] == "柯城区"
    assert parse(emergency["starts_at"]) == starts
    assert emergency["shelters_activated"] == 3
    assert activated_ids(session, emergency["id"]) == {
        safe.id,
        safe_in_another_street.id,
        already_full.id,
    }
    logged = session.execute(
        select(FacilityEvent.facility_id, FacilityEvent.action, FacilityEvent.actor_id).where(
            FacilityEvent.emergency_id == emergency["id"]
        )
    ).all()
    county_id = session.scalar(select(User.id).where(User.openid == "demo-worker-county"))
    assert sorted(logged) == sorted(
        (f.id, "activated", county_id) for f in (safe, safe_in_another_street, already_full)
    )
    # Anyone sees which shelters are open for it.
    assert client.get(f"{FACILITIES}/{safe.id}").json["activated"] is True
    assert client.get(f"{FACILITIES}/{safe.id}").json["open_now"] is True
    for facility in (flood_only, suspended, other_county, home_care):
        assert client.get(f"{FACILITIES}/{facility.id}").json["activated"] is False
    assert client.get(f"{FACILITIES}/{deleted.id}").status_code == 404


def test_an_emergency_over_one_street_opens_that_streets_shelters(client, session, county_worker):
    here = make_facility(session, hazards=["earthquake"])
    make_facility(session, region_code=XINAN_COMMUNITY, hazards=["earthquake"])
    emergency = declare(client, county_worker, region_code=FUSHAN, hazard="earthquake")
    assert activated_ids(session, emergency["id"]) == {here.id}
    assert emergency["region_name"] == "府山街道"


def test_declaring_tells_the_residents_who_live_in_the_region(
    client, session, county_worker, resident, newcomer
):
    in_another_street = make_user(session, openid="em-xinan", region_code=XINAN_COMMUNITY)
    in_another_county = make_user(session, openid="em-qujiang", region_code=QUJIANG_COMMUNITY)
    before = datetime.now(UTC)
    emergency = declare(client, county_worker, region_code=FUSHAN)

    (note,) = [
        n
        for n in client.get("/api/v1/me/notifications", headers=resident).json["items"]
        if n["kind"] == "facilities.emergency_opened"
    ]
    assert "台风" in note["title"]
    assert "府山街道" in note["body"] and "梅花" in note["body"]
    newcomer_items = client.get("/api/v1/me/notifications", headers=newcomer).json["items"]
    assert [n for n in newcomer_items if n["kind"] == "facilities.emergency_opened"] == []

    rows = session.scalars(
        select(Notification).where(Notification.kind == "facilities.emergency_opened")
    ).all()
    living_there = set(session.scalars(select(User.id).where(User.region_code.like(FUSHAN + "%"))))
    assert {row.user_id for row in rows} == living_there
    assert len(living_there) >= 3  # the demo resident, volunteer and workers of the street
    assert not {in_another_street.id, in_another_county.id} & {row.user_id for row in rows}
    after = datetime.now(UTC)
    for row in rows:
        # Written by one INSERT … SELECT: the column defaults must still be right.
        assert row.send_status == "pending"
        assert row.attempts == 0
        assert row.read_at is None
        assert row.dedupe_key == f"emergency-{emergency['id']}"
        assert before - timedelta(seconds=5) <= row.created_at <= after + timedelta(seconds=5)
        assert row.created_at.tzinfo is not None
        assert row.next_attempt_at <= after + timedelta(seconds=5)


def test_only_county_workers_in_scope_declare(
    client, session, resident, community_worker, township_worker, county_worker, admin
):
    assert_error(
        client.post(BASE, json={"name": "x", "hazard": "flood", "region_code": FUSHAN}), 401
    )
    for headers in (resident, community_worker):
        response = client.post(
            BASE, headers=headers, json={"name": "x", "hazard": "flood", "region_code": FANGMEN}
        )
        assert_error(response, 403)
    assert_error(
        client.post(
            BASE,
            headers=township_worker,
            json={"name": "x", "hazard": "flood", "region_code": FUSHAN},
        ),
        403,
        "level_too_low",
    )
    assert_error(
        client.post(
            BASE,
            headers=county_worker,
            json={"name": "x", "hazard": "flood", "region_code": QUJIANG},
        ),
        404,
    )
    assert_error(
        client.post(
            BASE,
            headers=county_worker,
            json={"name": "x", "hazard": "flood", "region_code": "330802099"},
        ),
        404,
    )
    assert count(session, Emergency) == 0
    assert count(session, Notification, Notification.kind == "facilities.emergency_opened") == 0
    assert declare(client, admin, region_code=QUJIANG)["region_name"] == "衢江区"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hazard": "typhoon", "region_code": KECHENG}, "name"),
        ({"name": "", "hazard": "typhoon", "region_code": KECHENG}, "name"),
        ({"name": "x" * 65, "hazard": "typhoon", "region_code": KECHENG}, "name"),
        ({"name": "x", "region_code": KECHENG}, "hazard"),
        ({"name": "x", "hazard": "tsunami", "region_code": KECHENG}, "hazard"),
        ({"name": "x", "hazard": "typhoon"}, "region_code"),
        ({"name": "x", "hazard": "typhoon", "region_code": "3"}, "region_code"),
        (
            {
                "name": "x",
                "hazard": "typhoon",
                "region_code": KECHENG,
                "starts_at": "2026-08-10T14:30",
            },
            "starts_at",
        ),
        (
            {"name": "x", "hazard": "typhoon", "region_code": KECHENG, "starts_at": "tomorrow"},
            "starts_at",
        ),
        ({"name": "x", "hazard": "typhoon", "region_code": KECHENG, "level": 1}, "level"),
    ],
)
def test_declare_bad_input_is_422_naming_the_field_and_writes_nothing(
    client, session, county_worker, body, field
):
    make_facility(session, hazards=["typhoon"])
    response = client.post(BASE, headers=county_worker, json=body)
    assert_error(response, 422)
    assert field in named(response), response.json
    assert count(session, Emergency) == 0
    assert count(session, EmergencyShelter) == 0
    assert count(session, Notification, Notification.kind == "facilities.emergency_opened") == 0


# --- where a phone stands ----------------------------------------------------------------------


def test_active_without_a_position_lists_every_open_emergency(client, county_worker, admin):
    assert client.get(f"{BASE}/active").json == {
        "in_emergency": None,
        "region_code": None,
        "emergencies": [],
    }
    first = declare(client, county_worker)
    second = declare(client, admin, region_code=QUJIANG, hazard="flood", name="洪水")

    answer = client.get(f"{BASE}/active")  # no login needed

    assert answer.status_code == 200
    assert answer.json["in_emergency"] is None
    assert [e["id"] for e in answer.json["emergencies"]] == [first["id"], second["id"]]


def test_active_with_a_position_says_whether_it_stands_in_one(
    client, county_worker, community_worker, admin
):
    fangmen = create_facility(client, community_worker)
    create_facility(client, admin, region_code=QUJIANG_COMMUNITY)
    near_fangmen = {"lat": FANGMEN_POS[0] + 0.001, "lng": FANGMEN_POS[1]}
    near_qujiang = {"lat": QUJIANG_POS[0], "lng": QUJIANG_POS[1] + 0.001}
    quiet = client.get(f"{BASE}/active", query_string=near_fangmen).json
    assert quiet["in_emergency"] is False and quiet["emergencies"] == []

    emergency = declare(client, county_worker)

    inside = client.get(f"{BASE}/active", query_string=near_fangmen).json
    assert inside["in_emergency"] is True
    assert inside["region_code"] == fangmen["region_code"]
    assert [e["id"] for e in inside["emergencies"]] == [emergency["id"]]
    assert inside["emergencies"][0]["shelters_activated"] == 1
    outside = client.get(f"{BASE}/active", query_string=near_qujiang).json
    assert outside["in_emergency"] is False
    assert outside["region_code"] == QUJIANG_COMMUNITY
    assert outside["emergencies"] == []
    # Far from every facility (Hangzhou): nowhere we know.
    far = client.get(f"{BASE}/active", query_string={"lat": 30.27, "lng": 120.15}).json
    assert (far["in_emergency"], far["region_code"]) == (False, None)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lat": 28.96}, "lng"),
        ({"lng": 118.87}, "lat"),
        ({"lat": 91, "lng": 118.87}, "lat"),
        ({"lat": "x", "lng": 118.87}, "lat"),
        ({"lat": 48.85, "lng": 2.35}, "lat"),
        ({"lat": 28.96, "lng": 118.87, "coord_type": "bd09"}, "coord_type"),
    ],
)
def test_active_bad_position_is_422_naming_the_field(client, query, field):
    response = client.get(f"{BASE}/active", query_string=query)
    assert_error(response, 422)
    assert field in named(response), response.json
    assert set(response.json["errors"]) == {"query"}


# --- occupancy in the night, and the summary ---------------------------------------------------


def test_summary_after_a_night_of_occupancy_updates(
    client, session, county_worker, community_worker, township_worker
):
    big = create_facility(client, community_worker, capacity=100, hazards=["typhoon"])
    small = create_facility(client, township_worker, capacity=50, hazards=["typhoon"])
    unreported = create_facility(client, township_worker, capacity=20, hazards=["typhoon"])
    create_facility(client, township_worker, capacity=500, hazards=["flood"])  # not activated
    emergency = declare(client, county_worker)

    for occupancy, groups in ((40, {"men": 20, "women": 20}), (95, None)):
        assert (
            put_occupancy(client, community_worker, big["id"], occupancy, groups).status_code == 200
        )
    assert (
        put_occupancy(
            client,
            community_worker,
            big["id"],
            95,
            {"men": 40, "women": 55, "children": 10, "elderly": 20, "disabled": 3},
        ).status_code
        == 200
    )
    assert (
        put_occupancy(
            client, township_worker, small["id"], 10, {"men": 5, "women": 5, "infants": 2}
        ).status_code
        == 200
    )

    report = client.get(f"{BASE}/{emergency['id']}/summary", headers=county_worker)

    assert report.status_code == 200, report.json
    body = report.json
    assert body["emergency"]["id"] == emergency["id"]
    assert body["shelters_activated"] == 3
    assert body["shelters_in_use"] == 2
    assert body["shelters_reported"] == 2
    assert (body["capacity"], body["people"], body["available"]) == (170, 105, 65)
    assert body["groups"] == {
        "men": 45,
        "women": 60,
        "children": 10,
        "infants": 2,
        "elderly": 20,
        "disabled": 3,
    }
    assert [
        (s["id"], s["occupancy"], s["capacity"], s["percent"]) for s in body["nearly_full"]
    ] == [(big["id"], 95, 100, 95)]
    assert unreported["id"] not in {s["id"] for s in body["nearly_full"]}
    assert body["last_update_at"] is not None
    # The shelter's night, read back, is tied to the emergency.
    night = client.get(f"{FACILITIES}/{big['id']}/occupancy", headers=community_worker).json
    assert [r["occupancy"] for r in night] == [95, 95, 40]
    assert {r["emergency_id"] for r in night} == {emergency["id"]}


def test_a_full_shelter_counts_as_nearly_full_and_reopens(client, county_worker, community_worker):
    shelter = create_facility(client, community_worker, capacity=10, hazards=["typhoon"])
    emergency = declare(client, county_worker)
    assert put_occupancy(client, community_worker, shelter["id"], 10).json["status"] == "full"
    summary = client.get(f"{BASE}/{emergency['id']}/summary", headers=county_worker).json
    assert [(s["id"], s["percent"]) for s in summary["nearly_full"]] == [(shelter["id"], 100)]
    assert summary["available"] == 0
    assert put_occupancy(client, community_worker, shelter["id"], 5).json["status"] == "open"
    summary = client.get(f"{BASE}/{emergency['id']}/summary", headers=county_worker).json
    assert summary["nearly_full"] == [] and summary["people"] == 5


def test_summary_is_for_workers_in_scope(
    client, session, resident, community_worker, county_worker, admin
):
    emergency = declare(client, county_worker)
    elsewhere = declare(client, admin, region_code=QUJIANG)
    assert_error(client.get(f"{BASE}/{emergency['id']}/summary"), 401)
    assert_error(client.get(f"{BASE}/{emergency['id']}/summary", headers=resident), 403)
    assert_error(client.get(f"{BASE}/{emergency['id']}/summary", headers=community_worker), 404)
    assert_error(client.get(f"{BASE}/{elsewhere['id']}/summary", headers=county_worker), 404)
    assert_error(client.get(f"{BASE}/999999/summary", headers=admin), 404, "emergency_not_found")
    assert client.get(f"{BASE}/{elsewhere['id']}/summary", headers=admin).status_code == 200


def test_listing_emergencies_is_for_workers(client, resident, township_worker, county_worker):
    open_one = declare(client, county_worker)
    closed_one = declare(client, county_worker, region_code=FUSHAN)
    assert (
        client.post(f"{BASE}/{closed_one['id']}/close", headers=county_worker, json={}).status_code
        == 200
    )

    everything = client.get(BASE, headers=township_worker)
    assert everything.status_code == 200
    assert [e["id"] for e in everything.json] == [open_one["id"], closed_one["id"]]
    assert json.loads(everything.headers["X-Pagination"])["total"] == 2
    active = client.get(BASE, headers=township_worker, query_string={"active": "true"}).json
    assert [e["id"] for e in active] == [open_one["id"]]
    ended = client.get(BASE, headers=township_worker, query_string={"active": "false"}).json
    assert [e["id"] for e in ended] == [closed_one["id"]]
    assert_error(client.get(BASE, headers=resident), 403)
    assert_error(client.get(BASE, headers=township_worker, query_string={"active": "maybe"}), 422)


# --- close -------------------------------------------------------------------------------------


def test_closing_ends_the_emergency_once(client, session, county_worker, community_worker):
    shelter = create_facility(client, community_worker, hazards=["typhoon"])
    emergency = declare(client, county_worker)
    url = f"{BASE}/{emergency['id']}/close"

    closed = client.post(url, headers=county_worker, json={"note": "台风已过境"})

    assert closed.status_code == 200, closed.json
    assert closed.json["active"] is False and closed.json["closed_at"] is not None
    assert closed.json["shelters_activated"] == 1
    row = session.get(Emergency, emergency["id"])
    assert row.close_note == "台风已过境"
    assert row.closed_by == session.scalar(
        select(User.id).where(User.openid == "demo-worker-county")
    )
    again = client.post(url, headers=county_worker, json={})
    assert_error(again, 409, "already_closed")
    session.expire_all()
    assert session.get(Emergency, emergency["id"]).close_note == "台风已过境"
    # The shelter goes back to its usual hours; the phone is no longer in an emergency.
    assert client.get(f"{FACILITIES}/{shelter['id']}").json["activated"] is False
    assert client.get(f"{BASE}/active").json["emergencies"] == []
    standing = {"lat": FANGMEN_POS[0], "lng": FANGMEN_POS[1]}
    assert client.get(f"{BASE}/active", query_string=standing).json["in_emergency"] is False
    # Later occupancy reports belong to no emergency.
    assert put_occupancy(client, community_worker, shelter["id"], 3).status_code == 200
    night = client.get(f"{FACILITIES}/{shelter['id']}/occupancy", headers=community_worker).json
    assert night[0]["emergency_id"] is None


def test_closing_is_for_county_workers_in_scope(
    client, session, resident, township_worker, county_worker, admin
):
    in_street = declare(client, county_worker, region_code=FUSHAN)
    elsewhere = declare(client, admin, region_code=QUJIANG)
    assert_error(client.post(f"{BASE}/{in_street['id']}/close", json={}), 401)
    assert_error(client.post(f"{BASE}/{in_street['id']}/close", headers=resident, json={}), 403)
    assert_error(
        client.post(f"{BASE}/{in_street['id']}/close", headers=township_worker, json={}),
        403,
        "level_too_low",
    )
    assert_error(
        client.post(f"{BASE}/{elsewhere['id']}/close", headers=county_worker, json={}), 404
    )
    assert_error(client.post(f"{BASE}/999999/close", headers=county_worker, json={}), 404)
    too_long = client.post(
        f"{BASE}/{in_street['id']}/close", headers=county_worker, json={"note": "x" * 501}
    )
    assert_error(too_long, 422)
    assert named(too_long) == {"note"}
    assert count(session, Emergency, Emergency.closed_at.is_not(None)) == 0
    assert client.post(f"{BASE}/{elsewhere['id']}/close", headers=admin, json={}).status_code == 200
