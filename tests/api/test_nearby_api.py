"""GET /api/v1/facilities/nearby and GET /api/v1/emergencies/active over HTTP: defaults, 422s,
coordinate types, the index kept in step with writes, Redis down, and emergency mode."""

from __future__ import annotations

import itertools
import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from server.api import facilities as facilities_api
from server.errors import Conflict
from server.extensions import make_redis
from server.models.facilities import HAZARDS, Facility
from server.services import geo
from server.services.facility_search import READY_KEY, geo_key, mask_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 1, 1, 10, 0, tzinfo=SHANGHAI)  # a Monday morning
CENTRE = (28.97, 118.87)  # GCJ-02, in 柯城区
COMMUNITY = "330802001001"  # in 柯城区 (330802), the county worker's scope
# About 14.6 km east, placed in 衢江区 (330803) by its own facilities.
ELSEWHERE = (28.97, 119.02)
ELSEWHERE_COMMUNITY = "330803001001"
NEARBY = "/api/v1/facilities/nearby"
ACTIVE = "/api/v1/emergencies/active"
CLOSED_PORT = "redis://127.0.0.1:1/0"

_names = itertools.count(1)


def north_of(lat: float, lng: float, metres: float) -> tuple[float, float]:
    return lat + math.degrees(metres / geo.EARTH_RADIUS_M), lng


def make_facility(session, lat: float, lng: float, **values) -> Facility:
    """A row written straight to the database (the index rebuilds from it: see `fresh_index`)."""
    fields = {
        "name": f"测试场所{next(_names)}",
        "type": "home_care",
        "region_code": COMMUNITY,
        "lat": lat,
        "lng": lng,
        "always_open": True,
        "opening_hours": {},
    }
    fields.update(values)
    facility = Facility(**fields)
    session.add(facility)
    session.flush()
    return facility


def redis_of(app):
    return app.extensions["minzheng.redis"]


def fresh_index(app) -> None:
    """Drop the ready-marker: the next search rebuilds the index from the database."""
    redis_of(app).delete(READY_KEY)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(facilities_api, "now", lambda: NOW)


def nearby(client, at=CENTRE, **params):
    response = client.get(NEARBY, query_string={"lat": at[0], "lng": at[1], **params})
    assert response.status_code == 200, response.json
    return response.json


def ids(body) -> list[int]:
    return [item["id"] for item in body["items"]]


# --- answers --------------------------------------------------------------------------------------


def test_nearby_needs_no_login_and_describes_each_place(client, session):
    place = make_facility(
        session,
        *north_of(*CENTRE, 321.4),
        capacity=30,
        capacity_unit="beds",
        occupancy=12,
        always_open=False,
        opening_hours={"mon": ["08:00-17:00"]},
    )
    body = nearby(client)
    assert ids(body) == [place.id]
    item = body["items"][0]
    assert item["distance_m"] == 321
    assert item["open_now"] is True
    assert item["available"] == 18
    assert item["full"] is False
    assert item["occupancy_age_s"] is None
    assert body["emergencies"] == []
    assert (body["lat"], body["lng"]) == CENTRE


def test_results_are_sorted_by_distance(client, session):
    made = {d: make_facility(session, *north_of(*CENTRE, d)) for d in (900, 100, 2500, 40)}
    body = nearby(client)
    assert ids(body) == [made[d].id for d in (40, 100, 900, 2500)]
    assert [item["distance_m"] for item in body["items"]] == [40, 100, 900, 2500]


def test_default_radius_is_5_km(client, session):
    inside = make_facility(session, *north_of(*CENTRE, 4990))
    outside = make_facility(session, *north_of(*CENTRE, 5010))
    assert ids(nearby(client)) == [inside.id]
    assert ids(nearby(client, radius_m=6000)) == [inside.id, outside.id]


def test_default_limit_is_20_and_at_most_100(client, session):
    made = [make_facility(session, *north_of(*CENTRE, 10.0 * k)) for k in range(1, 26)]
    assert ids(nearby(client)) == [f.id for f in made[:20]]
    assert ids(nearby(client, limit=3)) == [f.id for f in made[:3]]
    assert ids(nearby(client, limit=100)) == [f.id for f in made]


def test_radius_edge_over_http(client, session):
    # 1000.3 m away: in with radius_m=1001, out with radius_m=1000
    place = make_facility(session, *north_of(*CENTRE, 1000.3))
    assert ids(nearby(client, radius_m=1001)) == [place.id]
    assert ids(nearby(client, radius_m=1000)) == []
    assert ids(nearby(client, radius_m=50_000)) == [place.id]


def test_filters_over_http(client, session):
    good = make_facility(
        session,
        *north_of(*CENTRE, 100),
        type="shelter",
        hazards_mask=mask_of(["typhoon", "flood"], HAZARDS),
        services_mask=0b11,  # meals, day_care
        step_free=True,
        accessible_toilet=True,
        capacity=10,
        capacity_unit="persons",
        occupancy=2,
        always_open=False,
        opening_hours={"mon": ["08:00-12:00"]},
    )
    closed_now = make_facility(
        session,
        *north_of(*CENTRE, 200),
        always_open=False,
        opening_hours={"mon": ["13:00-17:00"]},
        capacity=10,
        capacity_unit="persons",
    )
    no_room = make_facility(
        session, *north_of(*CENTRE, 300), capacity=5, capacity_unit="beds", occupancy=5
    )
    everything = [good.id, closed_now.id, no_room.id]
    assert ids(nearby(client)) == everything
    assert ids(nearby(client, open_now="true")) == [good.id, no_room.id]
    assert ids(nearby(client, has_space="true")) == [good.id, closed_now.id]
    assert ids(nearby(client, hazard="flood")) == [good.id]
    assert ids(nearby(client, services="meals,day_care")) == [good.id]
    assert ids(nearby(client, services="meals,bathing")) == []
    assert ids(nearby(client, accessible="true")) == [good.id]
    assert ids(nearby(client, types="home_care")) == [closed_now.id, no_room.id]
    assert ids(nearby(client, types="shelter,home_care")) == everything
    marks = {item["id"]: item["open_now"] for item in nearby(client)["items"]}
    assert marks == {good.id: True, closed_now.id: False, no_room.id: True}


def test_wgs84_query_gives_the_converted_gcj02_answer(client, session):
    wgs = (28.9597, 118.8594)
    gcj = geo.wgs84_to_gcj02(*wgs)
    assert geo.distance_m(*wgs, *gcj) > 500  # the shift at Quzhou
    place = make_facility(session, *north_of(*gcj, 100))
    as_wgs = nearby(client, at=wgs, coord_type="wgs84", radius_m=200)
    as_gcj = nearby(client, at=gcj, coord_type="gcj02", radius_m=200)
    assert ids(as_wgs) == [place.id]
    assert as_wgs["items"] == as_gcj["items"]
    assert as_wgs["lat"] == pytest.approx(gcj[0], abs=1e-12)
    assert as_wgs["lng"] == pytest.approx(gcj[1], abs=1e-12)
    # the same numbers read as GCJ-02 (the default) are about 580 m off: nothing within 200 m
    assert ids(nearby(client, at=wgs, radius_m=200)) == []
    assert ids(nearby(client, at=wgs, radius_m=200, coord_type="gcj02")) == []


def test_deleted_facilities_are_never_returned(client, session, county_worker):
    kept = make_facility(session, *north_of(*CENTRE, 200))
    gone = make_facility(session, *north_of(*CENTRE, 100))
    assert ids(nearby(client)) == [gone.id, kept.id]
    response = client.delete(f"/api/v1/facilities/{gone.id}", headers=county_worker)
    assert response.status_code == 204
    assert ids(nearby(client)) == [kept.id]
    fresh_index(client.application)
    assert ids(nearby(client)) == [kept.id]


# --- the index kept in step with the writes -------------------------------------------------------


def _position(app, facility_type: str, facility_id: int):
    found = redis_of(app).geopos(geo_key(facility_type), facility_id)[0]
    return None if found is None else (found[1], found[0])


def test_the_index_follows_create_move_retype_and_delete(app, client, county_worker):
    assert ids(nearby(client)) == []
    assert redis_of(app).exists(READY_KEY)  # the index is ready: from here on it must keep up

    here = north_of(*CENTRE, 50)
    there = north_of(*CENTRE, 3000)
    response = client.post(
        "/api/v1/facilities",
        json={
            "name": "府山街道居家养老服务照料中心",
            "type": "home_care",
            "region_code": COMMUNITY,
            "lat": here[0],
            "lng": here[1],
            "always_open": True,
        },
        headers=county_worker,
    )
    assert response.status_code == 201, response.json
    facility_id, version = response.json["id"], response.json["version"]
    assert geo.distance_m(*_position(app, "home_care", facility_id), *here) < 1
    assert ids(nearby(client, radius_m=100)) == [facility_id]

    # moved
    response = client.patch(
        f"/api/v1/facilities/{facility_id}",
        json={"lat": there[0], "lng": there[1], "version": version},
        headers=county_worker,
    )
    assert response.status_code == 200, response.json
    version = response.json["version"]
    assert geo.distance_m(*_position(app, "home_care", facility_id), *there) < 1
    assert ids(nearby(client, radius_m=100)) == []
    assert ids(nearby(client, at=there, radius_m=100)) == [facility_id]

    # another type: out of the old type's key, into the new one's
    response = client.patch(
        f"/api/v1/facilities/{facility_id}",
        json={"type": "shelter", "shelter_level": "community", "version": version},
        headers=county_worker,
    )
    assert response.status_code == 200, response.json
    assert _position(app, "home_care", facility_id) is None
    assert geo.distance_m(*_position(app, "shelter", facility_id), *there) < 1
    assert ids(nearby(client, at=there, types="home_care")) == []
    assert ids(nearby(client, at=there, types="shelter")) == [facility_id]

    # deleted
    response = client.delete(f"/api/v1/facilities/{facility_id}", headers=county_worker)
    assert response.status_code == 204
    assert _position(app, "shelter", facility_id) is None
    assert ids(nearby(client, at=there)) == []
    # all along it was the index that answered, never a rebuild
    assert redis_of(app).exists(READY_KEY)


def test_a_rolled_back_change_never_reaches_the_index(app, client, county_worker, monkeypatch):
    assert ids(nearby(client)) == []
    here = north_of(*CENTRE, 50)
    there = north_of(*CENTRE, 3000)
    created = client.post(
        "/api/v1/facilities",
        json={
            "name": "柯城区社区服务中心",
            "type": "service_centre",
            "region_code": COMMUNITY,
            "lat": here[0],
            "lng": here[1],
        },
        headers=county_worker,
    ).json
    facility_id = created["id"]

    def fail(_facility):
        raise Conflict("模拟：写入之后请求失败。", error="simulated")

    # The service has staged the move when the request fails: the transaction rolls back.
    monkeypatch.setattr(facilities_api, "_worker_view", fail)
    response = client.patch(
        f"/api/v1/facilities/{facility_id}",
        json={"lat": there[0], "lng": there[1], "version": created["version"]},
        headers=county_worker,
    )
    assert response.status_code == 409
    response = client.post(
        "/api/v1/facilities",
        json={
            "name": "不该出现的场所",
            "type": "welfare_home",
            "region_code": COMMUNITY,
            "lat": here[0],
            "lng": here[1],
        },
        headers=county_worker,
    )
    assert response.status_code == 409
    monkeypatch.undo()
    monkeypatch.setattr(facilities_api, "now", lambda: NOW)

    assert geo.distance_m(*_position(app, "service_centre", facility_id), *here) < 1
    assert redis_of(app).zcard(geo_key("welfare_home")) == 0
    assert ids(nearby(client, radius_m=100)) == [facility_id]
    assert ids(nearby(client, at=there, radius_m=100)) == []
    row = client.get(f"/api/v1/facilities/{facility_id}").json
    assert (row["lat"], row["lng"]) == pytest.approx(here)


def test_the_index_rebuilds_when_its_marker_is_missing(app, client, session):
    first = make_facility(session, *north_of(*CENTRE, 100))
    assert ids(nearby(client)) == [first.id]
    # written behind the index's back: not seen while the index is ready
    second = make_facility(session, *north_of(*CENTRE, 50))
    assert ids(nearby(client)) == [first.id]
    redis_of(app).delete(READY_KEY)
    assert ids(nearby(client)) == [second.id, first.id]
    assert redis_of(app).exists(READY_KEY)


# --- Redis down -----------------------------------------------------------------------------------


def _city(session):
    """A small city: every type, shelters for some hazards, some full, one deleted."""
    made = []
    for k in range(30):
        angle = k * 2.4
        distance = 150.0 * (k + 1)
        lat = CENTRE[0] + math.degrees(distance * math.cos(angle) / geo.EARTH_RADIUS_M)
        lng = CENTRE[1] + math.degrees(
            distance * math.sin(angle) / (geo.EARTH_RADIUS_M * math.cos(math.radians(CENTRE[0])))
        )
        facility_type = ("shelter", "home_care", "elder_institution")[k % 3]
        values = {"type": facility_type, "capacity": 10, "capacity_unit": "persons"}
        if facility_type == "shelter":
            values["hazards_mask"] = mask_of([HAZARDS[k % 4]], HAZARDS)
            values["shelter_level"] = "community"
        values["occupancy"] = 10 if k % 5 == 0 else k % 7
        values["status"] = "full" if k % 5 == 0 else "open"
        if k == 7:
            values["deleted_at"] = NOW
        made.append(make_facility(session, lat, lng, **values))
    make_facility(session, *ELSEWHERE, region_code=ELSEWHERE_COMMUNITY)
    return made


QUERIES = [
    {},
    {"types": "shelter"},
    {"types": "shelter", "has_space": "true"},
    {"types": "home_care,elder_institution", "limit": 4},
    {"radius_m": 1500},
    {"radius_m": 50_000, "limit": 100},
    {"hazard": "typhoon"},
]


def test_redis_unreachable_gives_the_same_answers(app, client, session, county_worker, monkeypatch):
    _city(session)
    emergency = client.post(
        "/api/v1/emergencies",
        json={"name": "台风“海葵”", "hazard": "typhoon", "region_code": "330802"},
        headers=county_worker,
    )
    assert emergency.status_code == 201, emergency.json

    with_redis = [nearby(client, **query) for query in QUERIES]
    active_with_redis = client.get(ACTIVE, query_string={"lat": CENTRE[0], "lng": CENTRE[1]}).json
    assert redis_of(app).exists(READY_KEY)  # these answers came through the index
    for query, body in zip(QUERIES, with_redis, strict=True):
        has_shelters = "shelter" in query.get("types", "shelter")
        assert bool(body["emergencies"]) is has_shelters, query
    assert len(with_redis[-2]["items"]) > 20

    # the app's Redis client now points at a closed port
    monkeypatch.setitem(app.extensions, "minzheng.redis", make_redis(CLOSED_PORT))
    without = [nearby(client, **query) for query in QUERIES]
    active_without = client.get(ACTIVE, query_string={"lat": CENTRE[0], "lng": CENTRE[1]}).json
    for query, expected, got in zip(QUERIES, with_redis, without, strict=True):
        assert got == expected, query
    assert active_without == active_with_redis
    assert active_without["in_emergency"] is True


# --- 422s -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 91, "lng": 118.87}, "lat"),
        ({"lat": -90.5, "lng": 118.87}, "lat"),
        ({"lat": 28.97, "lng": 181}, "lng"),
        ({"lat": 28.97, "lng": -180.01}, "lng"),
        ({"lat": "nan", "lng": 118.87}, "lat"),
        ({"lat": "north", "lng": 118.87}, "lat"),
        ({"lat": None}, "lat"),
        ({"lng": None}, "lng"),
        ({"lat": 51.5074, "lng": -0.1278}, "lat"),  # London: outside China
        ({"lat": 35.68, "lng": 139.65, "coord_type": "wgs84"}, "lng"),  # Tokyo
        ({"radius_m": 50_001}, "radius_m"),
        ({"radius_m": 0}, "radius_m"),
        ({"radius_m": "far"}, "radius_m"),
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"types": "shelter,castle"}, "types"),
        ({"hazard": "wind"}, "hazard"),
        ({"services": "meals,massage"}, "services"),
        ({"coord_type": "bd09"}, "coord_type"),
        ({"open_now": "perhaps"}, "open_now"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, params, field):
    query = {"lat": CENTRE[0], "lng": CENTRE[1], **params}
    query = {name: value for name, value in query.items() if value is not None}
    response = client.get(NEARBY, query_string=query)
    assert response.status_code == 422, response.json
    body = response.json
    assert field in body["errors"]["query"], body
    assert body["code"] == 422
    assert body["message"]
    assert body["error"]


def test_the_largest_allowed_values_are_accepted(client):
    body = nearby(client, radius_m=50_000, limit=100)
    assert body["items"] == []


# --- emergency mode -------------------------------------------------------------------------------


@pytest.fixture
def shelters(session):
    """Shelters in 柯城区 around CENTRE, and places in 衢江区 around ELSEWHERE."""
    typhoon = mask_of(["typhoon", "flood"], HAZARDS)

    def shelter(distance, at=CENTRE, **values):
        fields = {
            "type": "shelter",
            "shelter_level": "community",
            "hazards_mask": typhoon,
            "capacity": 100,
            "capacity_unit": "persons",
            "occupancy": 10,
            "always_open": False,
            "opening_hours": {"sat": ["08:00-12:00"]},  # closed on a Monday in normal times
        }
        fields.update(values)
        return make_facility(session, *north_of(*at, distance), **fields)

    return {
        "full": shelter(100, capacity=10, occupancy=10, status="full"),
        "unsafe": shelter(200, hazards_mask=mask_of(["earthquake"], HAZARDS)),
        "suspended": shelter(250, status="suspended"),
        "safe": shelter(300),
        "safe_far": shelter(900, occupancy=99),
        "home": make_facility(session, *north_of(*CENTRE, 50), type="home_care"),
        "elsewhere": shelter(10, at=ELSEWHERE, region_code=ELSEWHERE_COMMUNITY),
    }


def declare(client, headers, region_code="330802", hazard="typhoon") -> int:
    response = client.post(
        "/api/v1/emergencies",
        json={"name": "台风应急", "hazard": hazard, "region_code": region_code},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_in_an_emergency_only_activated_shelters_full_ones_last(client, shelters, county_worker):
    s = {name: f.id for name, f in shelters.items()}
    before = nearby(client, types="shelter")
    assert ids(before) == [s["full"], s["unsafe"], s["suspended"], s["safe"], s["safe_far"]]
    assert before["emergencies"] == []

    emergency_id = declare(client, county_worker)
    body = nearby(client, types="shelter")
    assert ids(body) == [s["safe"], s["safe_far"], s["full"]]
    assert [e["id"] for e in body["emergencies"]] == [emergency_id]
    assert body["emergencies"][0]["active"] is True
    items = {item["id"]: item for item in body["items"]}
    assert items[s["full"]]["full"] is True
    assert items[s["safe"]]["full"] is False
    assert all(item["activated"] for item in body["items"])
    # activated shelters are open day and night, whatever their usual hours
    assert all(item["open_now"] for item in body["items"])

    # with room only: the full one goes
    assert ids(nearby(client, types="shelter", has_space="true")) == [s["safe"], s["safe_far"]]
    # other types are not filtered by the emergency
    assert ids(nearby(client)) == [s["home"], s["safe"], s["safe_far"], s["full"]]
    assert ids(nearby(client, types="home_care")) == [s["home"]]
    assert nearby(client, types="home_care")["emergencies"] == []


def test_a_full_shelter_never_displaces_one_with_room(client, shelters, county_worker):
    s = {name: f.id for name, f in shelters.items()}
    declare(client, county_worker)
    assert ids(nearby(client, types="shelter", limit=1)) == [s["safe"]]
    assert ids(nearby(client, types="shelter", limit=2)) == [s["safe"], s["safe_far"]]
    assert ids(nearby(client, types="shelter", limit=3)) == [s["safe"], s["safe_far"], s["full"]]


def test_outside_the_emergency_region_results_are_normal(client, shelters, county_worker):
    s = {name: f.id for name, f in shelters.items()}
    emergency_id = declare(client, county_worker)
    body = nearby(client, at=ELSEWHERE, types="shelter", radius_m=20_000)
    assert body["emergencies"] == []
    # (the 柯城区 shelters lie due north of CENTRE, so their order is kept seen from the east)
    assert ids(body) == [
        s["elsewhere"],
        s["full"],
        s["unsafe"],
        s["suspended"],
        s["safe"],
        s["safe_far"],
    ]
    # the shelters the emergency activated stay marked and open; the others keep their hours
    items = {item["id"]: item for item in body["items"]}
    assert items[s["safe"]]["activated"] is True
    assert items[s["elsewhere"]]["activated"] is False
    assert items[s["elsewhere"]]["open_now"] is False

    active = client.get(ACTIVE, query_string={"lat": ELSEWHERE[0], "lng": ELSEWHERE[1]})
    assert active.status_code == 200
    assert active.json == {
        "in_emergency": False,
        "region_code": ELSEWHERE_COMMUNITY,
        "emergencies": [],
    }
    inside = client.get(ACTIVE, query_string={"lat": CENTRE[0], "lng": CENTRE[1]}).json
    assert inside["in_emergency"] is True
    assert inside["region_code"] == COMMUNITY
    assert [e["id"] for e in inside["emergencies"]] == [emergency_id]


def test_after_the_emergency_is_closed_results_are_normal(client, shelters, county_worker):
    s = {name: f.id for name, f in shelters.items()}
    emergency_id = declare(client, county_worker)
    assert ids(nearby(client, types="shelter")) == [s["safe"], s["safe_far"], s["full"]]
    response = client.post(
        f"/api/v1/emergencies/{emergency_id}/close", json={}, headers=county_worker
    )
    assert response.status_code == 200, response.json
    body = nearby(client, types="shelter")
    assert body["emergencies"] == []
    assert ids(body) == [s["full"], s["unsafe"], s["suspended"], s["safe"], s["safe_far"]]
    assert not any(item["activated"] for item in body["items"])
    assert not any(item["open_now"] for item in body["items"])  # Saturday hours again
    active = client.get(ACTIVE, query_string={"lat": CENTRE[0], "lng": CENTRE[1]}).json
    assert active["in_emergency"] is False
    assert active["emergencies"] == []


def test_an_emergency_elsewhere_leaves_this_point_alone(client, shelters, county_worker, admin):
    s = {name: f.id for name, f in shelters.items()}
    declare(client, admin, region_code="330803")
    body = nearby(client, types="shelter")
    assert body["emergencies"] == []
    assert ids(body) == [s["full"], s["unsafe"], s["suspended"], s["safe"], s["safe_far"]]
    there = nearby(client, at=ELSEWHERE, types="shelter")
    assert len(there["emergencies"]) == 1
    assert ids(there) == [s["elsewhere"]]


def test_active_emergencies_by_position(client, shelters, county_worker):
    assert client.get(ACTIVE).json == {"in_emergency": None, "region_code": None, "emergencies": []}
    emergency_id = declare(client, county_worker)
    every = client.get(ACTIVE).json
    assert every["in_emergency"] is None
    assert [e["id"] for e in every["emergencies"]] == [emergency_id]
    # a GPS reading works too
    wgs = geo.gcj02_to_wgs84(*CENTRE)
    body = client.get(ACTIVE, query_string={"lat": wgs[0], "lng": wgs[1], "coord_type": "wgs84"})
    assert body.status_code == 200
    assert body.json["in_emergency"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 28.97}, "lng"),
        ({"lng": 118.87}, "lat"),
        ({"lat": 95, "lng": 118.87}, "lat"),
        ({"lat": 51.5, "lng": -0.12}, "lat"),
        ({"lat": 28.97, "lng": 118.87, "coord_type": "bd09"}, "coord_type"),
    ],
)
def test_active_emergencies_bad_position_is_a_422(client, params, field):
    response = client.get(ACTIVE, query_string=params)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["query"]
    assert response.json["message"]
