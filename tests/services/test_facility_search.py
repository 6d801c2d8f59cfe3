"""The nearest search (server/services/facility_search.py): the Redis path, the database fallback
and the brute-force definition agree; radius edges, the limit, every filter, deleted places, the
index's staged writes and its self-rebuild."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st
from sqlalchemy import select

from server.extensions import make_redis
from server.models.facilities import (
    FACILITY_STATUSES,
    FACILITY_TYPES,
    HAZARDS,
    SERVICES,
    Emergency,
    EmergencyShelter,
    Facility,
)
from server.models.users import User
from server.services import geo
from server.services import opening_hours as oh
from server.services.facility_cards import SNAPSHOT_KEY, CardStore
from server.services.facility_search import (
    READY_KEY,
    REBUILD_LOCK,
    Filters,
    GeoIndex,
    brute_force,
    geo_key,
    mask_of,
    search,
)
from tests.conftest import counting_sql

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2024-01-01, 10:00 in Shanghai.
MONDAY_10 = datetime(2024, 1, 1, 10, 0, tzinfo=SHANGHAI)
CENTRE = (28.97, 118.87)  # GCJ-02, in 柯城区
COMMUNITY = "330802001001"
CLOSED_PORT = "redis://127.0.0.1:1/0"

_names = itertools.count(1)


def north_of(lat: float, lng: float, metres: float) -> tuple[float, float]:
    """The point `metres` due north: along a meridian the haversine distance is exactly R·Δφ."""
    return lat + math.degrees(metres / geo.EARTH_RADIUS_M), lng


def make_facility(session, lat: float, lng: float, **values) -> Facility:
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


@pytest.fixture
def client(app):
    """The app's Redis (fakeredis, or the real one on the PostgreSQL leg), emptied."""
    client = app.extensions["minzheng.redis"]
    client.flushdb()
    return client


@pytest.fixture
def index(client):
    return GeoIndex(client)


def prefetched(client, *, at=CENTRE, radius_m=5000, limit=20, types=FACILITY_TYPES, **_rest):
    """A card store that has read, in one round trip, what the search of these arguments usually
    needs (as the nearby view does)."""
    cards = CardStore(client)
    cards.prefetch(types=types, lat=at[0], lng=at[1], radius_m=radius_m, limit=limit)
    return cards


def run(
    session, index, *, at=CENTRE, radius_m=5000, limit=20, now=MONDAY_10, cards=None, **filters
):
    hits, source = search(
        session,
        index,
        lat=at[0],
        lng=at[1],
        radius_m=radius_m,
        limit=limit,
        filters=Filters(**filters),
        now=now,
        cards=cards,
    )
    return hits, source


def both_paths(session, index, **kwargs) -> list[int]:
    """The ids found through Redis (rows, and cards) and through the database; asserts that they
    agree."""
    redis_hits, redis_source = run(session, index, **kwargs)
    card_hits, card_source = run(session, index, cards=fresh_cards(index.client), **kwargs)
    fresh_cards(index.client)
    ahead_hits, ahead_source = run(
        session, index, cards=prefetched(index.client, **kwargs), **kwargs
    )
    db_hits, db_source = run(session, GeoIndex(None), **kwargs)
    assert (redis_source, card_source, ahead_source, db_source) == (
        "redis",
        "redis",
        "redis",
        "database",
    )
    redis_ids = [hit.facility.id for hit in redis_hits]
    assert redis_ids == [hit.facility.id for hit in card_hits]
    assert redis_ids == [hit.facility.id for hit in ahead_hits]
    assert redis_ids == [hit.facility.id for hit in db_hits]
    return redis_ids


def fresh_cards(client) -> CardStore:
    """A card store that reads every card from the database (the test changes rows without
    committing, so nothing tells the cards)."""
    for key in client.scan_iter("facilities:card:*"):
        client.delete(key)
    client.delete(SNAPSHOT_KEY)
    return CardStore(client)


def test_a_prefetch_before_the_index_is_built_is_not_used(session, client):
    facility = make_facility(session, *north_of(*CENTRE, 300.0))
    client.flushdb()  # no index yet: the search builds it
    cards = prefetched(client)
    hits, source = run(session, GeoIndex(client), cards=cards)
    assert source == "redis"
    assert [hit.facility.id for hit in hits] == [facility.id]


@pytest.mark.parametrize("radius_m", [300, 1234.5678901234567, 1000.0000000000001, 5000])
def test_a_warm_prefetched_search_asks_redis_nothing_more(session, client, monkeypatch, radius_m):
    """Every circle the search looks at and every card it reads came with the prefetch (its radii
    to the last digit), so the search itself makes no round trip."""
    for metres in (100.0, 250.0, 280.0, 700.0, 1100.0, 1200.0, 4000.0):
        make_facility(session, *north_of(*CENTRE, metres))
    kwargs = {"radius_m": radius_m, "limit": 6}  # widened to the last circle
    expected, _ = run(session, GeoIndex(client), cards=CardStore(client), **kwargs)  # warms
    cards = prefetched(client, **kwargs)
    taken = []
    get_connection = client.connection_pool.get_connection
    monkeypatch.setattr(
        client.connection_pool,
        "get_connection",
        lambda *args, **kw: taken.append(args) or get_connection(*args, **kw),
    )
    hits, source = run(session, GeoIndex(client), cards=cards, **kwargs)
    assert source == "redis"
    assert [hit.facility.id for hit in hits] == [hit.facility.id for hit in expected]
    assert taken == []


def test_a_card_is_decided_once_per_request(app, session, client):
    near = [make_facility(session, *north_of(*CENTRE, metres)).id for metres in (50.0, 60.0)]
    cards = CardStore(client)
    with counting_sql(app) as statements:
        first = cards.cards(session, near)
        again = cards.cards(session, near)
    assert set(first) == set(again) == set(near)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


# --- the property: both paths against brute force -----------------------------------------------

HOURS = [
    {},
    {"mon": ["08:00-17:00"], "tue": ["08:00-17:00"]},
    dict.fromkeys(oh.WEEKDAYS, ["20:00-06:00"]),
    {"sun": ["22:00-11:00"], "mon": ["09:30-10:30"]},
]
NOWS = [
    MONDAY_10,
    datetime(2024, 1, 1, 21, 0, tzinfo=SHANGHAI),
    datetime(2024, 1, 2, 3, 0, tzinfo=UTC),  # Tuesday 11:00 in Shanghai
    datetime(2024, 1, 7, 23, 30, tzinfo=SHANGHAI),
]


@st.composite
def facility_specs(draw, types=FACILITY_TYPES[:3]):
    capacity = draw(st.none() | st.integers(0, 4))
    return {
        "type": draw(st.sampled_from(types)),
        # a 10 m grid within about 4 km of the centre: duplicates and ties happen
        "lat": CENTRE[0] + draw(st.integers(-400, 400)) * 1e-4,
        "lng": CENTRE[1] + draw(st.integers(-400, 400)) * 1e-4,
        "status": draw(st.sampled_from(FACILITY_STATUSES)),
        "always_open": draw(st.booleans()),
        "opening_hours": draw(st.sampled_from(HOURS)),
        "services_mask": draw(st.integers(0, 2 ** len(SERVICES) - 1)),
        "hazards_mask": draw(st.integers(0, 2 ** len(HAZARDS) - 1)),
        "step_free": draw(st.booleans()),
        "accessible_toilet": draw(st.booleans()),
        "capacity": capacity,
        "capacity_unit": None if capacity is None else "persons",
        "occupancy": draw(st.integers(0, capacity if capacity is not None else 3)),
        "deleted_at": draw(st.sampled_from([None, None, None, datetime(2024, 1, 1, tzinfo=UTC)])),
    }


rarely = st.sampled_from([False, False, False, True])


@st.composite
def queries(draw):
    """Each filter applies now and then, so that most queries still have answers to compare."""
    types = draw(
        st.just(FACILITY_TYPES)
        | st.lists(st.sampled_from(FACILITY_TYPES), min_size=1, max_size=3, unique=True)
    )
    return {
        "at": (
            CENTRE[0] + draw(st.integers(-300, 300)) * 1e-4,
            CENTRE[1] + draw(st.integers(-300, 300)) * 1e-4,
        ),
        "radius_m": draw(
            st.sampled_from([300, 499.5, 500, 1000, 2000, 3000, 5000, 8000, 50_000])
            | st.integers(1, 10_000)
        ),
        "limit": draw(st.integers(1, 12)),
        "now": draw(st.sampled_from(NOWS)),
        "types": tuple(types),
        "open_now": draw(rarely),
        "has_space": draw(rarely),
        "hazard": draw(st.sampled_from([None, None, None, *HAZARDS])),
        "services": tuple(
            draw(st.lists(st.sampled_from(SERVICES), max_size=2, unique=True) | st.just([]))
        ),
        "accessible": draw(rarely),
    }


def passes(facility: Facility, query: dict) -> bool:
    """The filters, as the API documents them, written out plainly."""
    if facility.type not in query["types"]:
        return False
    if query["hazard"] and not facility.hazards_mask & (1 << HAZARDS.index(query["hazard"])):
        return False
    for name in query["services"]:
        if not facility.services_mask & (1 << SERVICES.index(name)):
            return False
    if query["accessible"] and not (facility.step_free and facility.accessible_toilet):
        return False
    if query["has_space"]:
        if facility.capacity is None or facility.occupancy >= facility.capacity:
            return False
        if facility.status == "full":
            return False
    if query["open_now"]:
        if facility.status not in ("open", "full"):
            return False
        if not facility.always_open and not oh.is_open_at(
            facility.opening_hours, always_open=False, at=query["now"]
        ):
            return False
    return True


@given(specs=st.lists(facility_specs(), min_size=8, max_size=30), query=queries())
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_redis_database_and_brute_force_agree(session, client, specs, query):
    nested = session.begin_nested()
    try:
        for spec in specs:
            session.add(Facility(name=f"场所{next(_names)}", region_code=COMMUNITY, **spec))
        session.flush()
        client.flushdb()  # a fresh index for this example: the search rebuilds it

        kwargs = dict(query)
        filters = {k: kwargs.pop(k) for k in list(kwargs) if k in Filters.__dataclass_fields__}
        redis_hits, redis_source = run(session, GeoIndex(client), **kwargs, **filters)
        card_hits, card_source = run(
            session, GeoIndex(client), cards=CardStore(client), **kwargs, **filters
        )
        ahead_hits, ahead_source = run(
            session,
            GeoIndex(client),
            cards=prefetched(client, **kwargs, types=filters.get("types", FACILITY_TYPES)),
            **kwargs,
            **filters,
        )
        db_hits, db_source = run(session, GeoIndex(None), **kwargs, **filters)
        assert (redis_source, card_source, ahead_source, db_source) == (
            "redis",
            "redis",
            "redis",
            "database",
        )

        everything = session.scalars(select(Facility)).all()
        expected = brute_force(
            everything,
            lat=query["at"][0],
            lng=query["at"][1],
            radius_m=query["radius_m"],
            limit=query["limit"],
            accept=lambda f: passes(f, query),
        )
        # steer towards queries with many answers, and towards the limit cutting some off
        target(float(len(expected)), label="answers")
        event(f"answers: {min(len(expected), 5)}+")
        event("cut by the limit" if len(expected) == query["limit"] else "not cut")
        for hits in (redis_hits, card_hits, ahead_hits, db_hits):
            assert [h.facility.id for h in hits] == [fid for fid, _ in expected]
            for hit, (_, distance) in zip(hits, expected, strict=True):
                assert abs(hit.distance_m - distance) < 1.0
                assert hit.distance_m <= query["radius_m"]
                assert getattr(hit.facility, "deleted_at", None) is None
    finally:
        nested.rollback()
        session.expunge_all()  # SQLite hands the rolled-back ids out again


@pytest.fixture
def worker_id(session):
    return session.scalar(select(User.id).where(User.openid == "demo-worker-county"))


def expected_in_emergency(everything, activated: set[int], query: dict) -> list[int]:
    """Emergency mode by definition: shelters only if activated, open day and night unless
    suspended, full shelters after every other place; the first `limit` of that order."""

    def full(f):
        return f.status == "full" or (f.capacity is not None and f.occupancy >= f.capacity)

    def accept(f):
        if f.deleted_at is not None or f.type not in query["types"]:
            return False
        if query["emergency_mode"] and f.type == "shelter" and f.id not in activated:
            return False
        if query["has_space"] and (full(f) or f.capacity is None):
            return False
        if query["open_now"]:
            if f.status == "suspended":
                return False
            if f.id not in activated:
                if f.status not in ("open", "full"):
                    return False
                if not oh.is_open_at(f.opening_hours, always_open=f.always_open, at=query["now"]):
                    return False
        return True

    ranked = sorted(
        (query["emergency_mode"] and f.type == "shelter" and full(f), d, f.id)
        for f in everything
        if accept(f) and (d := geo.distance_m(*query["at"], f.lat, f.lng)) <= query["radius_m"]
    )
    return [fid for _, _, fid in ranked[: query["limit"]]]


@st.composite
def emergency_queries(draw):
    return {
        "at": (
            CENTRE[0] + draw(st.integers(-100, 100)) * 1e-4,
            CENTRE[1] + draw(st.integers(-100, 100)) * 1e-4,
        ),
        "radius_m": draw(st.sampled_from([2000, 3000, 5000, 8000]) | st.integers(1, 10_000)),
        "limit": draw(st.integers(1, 4) | st.integers(1, 10)),
        "now": draw(st.sampled_from(NOWS)),
        "types": draw(
            st.sampled_from([("shelter",), ("shelter",), ("shelter", "home_care"), ("home_care",)])
        ),
        "open_now": draw(rarely),
        "has_space": draw(rarely),
        "emergency_mode": draw(st.sampled_from([True, True, False])),
    }


@given(
    specs=st.lists(
        st.tuples(
            facility_specs(types=("shelter", "shelter", "home_care")),
            st.sampled_from([True, True, True, False]),  # activated, if a shelter
        ),
        min_size=12,
        max_size=30,
    ),
    emergency_open=st.sampled_from([True, True, True, False]),
    query=emergency_queries(),
)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_emergency_mode_on_both_paths(session, client, worker_id, specs, emergency_open, query):
    nested = session.begin_nested()
    try:
        rows = [
            (Facility(name=f"场所{next(_names)}", region_code=COMMUNITY, **spec), chosen)
            for spec, chosen in specs
        ]
        session.add_all([facility for facility, _ in rows])
        emergency = Emergency(
            name="台风",
            hazard="typhoon",
            region_code="330802",
            starts_at=datetime(2024, 1, 1, tzinfo=UTC),
            created_by=worker_id,
            closed_at=None if emergency_open else datetime(2024, 1, 1, 1, tzinfo=UTC),
        )
        session.add(emergency)
        session.flush()
        chosen_ids = {f.id for f, chosen in rows if chosen and f.type == "shelter"}
        session.add_all(
            EmergencyShelter(emergency_id=emergency.id, facility_id=fid) for fid in chosen_ids
        )
        session.flush()
        activated = chosen_ids if emergency_open else set()
        client.flushdb()

        kwargs = dict(query)
        filters = {k: kwargs.pop(k) for k in list(kwargs) if k in Filters.__dataclass_fields__}
        redis_hits, redis_source = run(session, GeoIndex(client), **kwargs, **filters)
        card_hits, card_source = run(
            session, GeoIndex(client), cards=CardStore(client), **kwargs, **filters
        )
        ahead_hits, ahead_source = run(
            session,
            GeoIndex(client),
            cards=prefetched(client, **kwargs, types=filters.get("types", FACILITY_TYPES)),
            **kwargs,
            **filters,
        )
        db_hits, db_source = run(session, GeoIndex(None), **kwargs, **filters)
        assert (redis_source, card_source, ahead_source, db_source) == (
            "redis",
            "redis",
            "redis",
            "database",
        )

        expected = expected_in_emergency(session.scalars(select(Facility)).all(), activated, query)
        event(f"answers: {min(len(expected), 5)}+")
        by_id = {f.id: f for f in session.scalars(select(Facility))}
        distances = [geo.distance_m(*query["at"], by_id[i].lat, by_id[i].lng) for i in expected]
        moved = distances != sorted(distances)
        event(f"full shelters moved after farther places: {moved}")
        # steer towards the interesting case: full shelters among the answers, put last
        target(float(moved) + len(expected) / 10, label="full shelters moved")
        for hits in (redis_hits, card_hits, ahead_hits, db_hits):
            assert [hit.facility.id for hit in hits] == expected
            for hit in hits:
                assert hit.activated is (hit.facility.id in activated)
    finally:
        nested.rollback()
        session.expunge_all()


# --- radius edges and the limit -----------------------------------------------------------------


@pytest.mark.parametrize("distance", [1000.0, 499.9, 4321.0, 30_000.0])
def test_a_point_just_inside_the_radius_is_found_just_outside_is_not(session, index, distance):
    facility = make_facility(session, *north_of(*CENTRE, distance))
    assert geo.distance_m(*CENTRE, facility.lat, facility.lng) == pytest.approx(distance, abs=1e-6)
    assert both_paths(session, index, radius_m=distance + 0.5) == [facility.id]
    assert both_paths(session, index, radius_m=distance - 0.5) == []
    hits, _ = run(session, index, radius_m=distance + 0.5)
    assert hits[0].distance_m == pytest.approx(distance, abs=1e-6)


def test_redis_slack_does_not_leak_a_point_past_the_radius(session, index):
    # 1.5 m outside: inside the circle Redis is asked for (radius + 2 m), but cut exactly
    make_facility(session, *north_of(*CENTRE, 1001.5))
    assert both_paths(session, index, radius_m=1000) == []


def test_the_limit_keeps_the_nearest_in_order(session, index):
    made = [make_facility(session, *north_of(*CENTRE, 100.0 * k)) for k in range(10, 0, -1)]
    nearest_first = [f.id for f in reversed(made)]
    assert both_paths(session, index, limit=3) == nearest_first[:3]
    assert both_paths(session, index, limit=100) == nearest_first
    hits, _ = run(session, index, limit=3)
    assert [round(h.distance_m) for h in hits] == [100, 200, 300]


def test_the_search_widens_past_the_first_circle(session, index):
    far = make_facility(session, *north_of(*CENTRE, 3900))
    farther = make_facility(session, *north_of(*CENTRE, 4900))
    make_facility(session, *north_of(*CENTRE, 5100))
    assert both_paths(session, index, radius_m=5000, limit=5) == [far.id, farther.id]
    assert both_paths(session, index, radius_m=5000, limit=1) == [far.id]
    assert both_paths(session, index, radius_m=3000) == []


def test_ties_are_broken_by_id(session, index):
    spot = north_of(*CENTRE, 250)
    first = make_facility(session, *spot)
    second = make_facility(session, *spot)
    assert both_paths(session, index, limit=1) == [first.id]
    assert both_paths(session, index) == [first.id, second.id]


def test_types_filter_reads_only_those_types(session, index):
    shelter = make_facility(session, *north_of(*CENTRE, 100), type="shelter")
    home = make_facility(session, *north_of(*CENTRE, 200), type="home_care")
    elder = make_facility(session, *north_of(*CENTRE, 300), type="elder_institution")
    assert both_paths(session, index, types=("shelter",)) == [shelter.id]
    assert both_paths(session, index, types=("elder_institution", "home_care")) == [
        home.id,
        elder.id,
    ]
    assert both_paths(session, index, types=("welfare_home",)) == []


# --- filters ------------------------------------------------------------------------------------


def test_open_now_uses_the_hours_at_the_given_instant(session, index):
    weekdays = make_facility(
        session,
        *north_of(*CENTRE, 100),
        always_open=False,
        opening_hours={"mon": ["08:00-17:00"]},
    )
    nights = make_facility(
        session,
        *north_of(*CENTRE, 200),
        always_open=False,
        opening_hours={"mon": ["20:00-06:00"]},
    )
    always = make_facility(session, *north_of(*CENTRE, 300), always_open=True)
    closed = make_facility(session, *north_of(*CENTRE, 400), always_open=True, status="closed")
    suspended = make_facility(
        session, *north_of(*CENTRE, 500), always_open=True, status="suspended"
    )
    full = make_facility(
        session,
        *north_of(*CENTRE, 600),
        always_open=False,
        opening_hours={"mon": ["08:00-17:00"]},
        status="full",
        capacity=2,
        capacity_unit="beds",
        occupancy=2,
    )
    monday_10 = MONDAY_10
    tuesday_03 = datetime(2024, 1, 2, 3, 0, tzinfo=SHANGHAI)
    tuesday_07 = datetime(2024, 1, 2, 7, 0, tzinfo=SHANGHAI)
    assert both_paths(session, index, open_now=True, now=monday_10) == [
        weekdays.id,
        always.id,
        full.id,
    ]
    assert both_paths(session, index, open_now=True, now=tuesday_03) == [nights.id, always.id]
    assert both_paths(session, index, open_now=True, now=tuesday_07) == [always.id]
    # without the filter every one is listed, each marked
    hits, _ = run(session, index, now=monday_10)
    marks = {hit.facility.id: hit.open_now for hit in hits}
    assert marks == {
        weekdays.id: True,
        nights.id: False,
        always.id: True,
        closed.id: False,
        suspended.id: False,
        full.id: True,
    }


def test_has_space(session, index):
    def make(distance, **values):
        return make_facility(session, *north_of(*CENTRE, distance), **values)

    roomy = make(100, capacity=10, capacity_unit="beds", occupancy=3)
    make(200)  # capacity unknown
    make(300, capacity=5, capacity_unit="beds", occupancy=5)
    make(400, capacity=5, capacity_unit="beds", occupancy=1, status="full")
    make(500, capacity=0, capacity_unit="persons", occupancy=0)
    last_bed = make(600, capacity=5, capacity_unit="persons", occupancy=4)
    assert both_paths(session, index, has_space=True) == [roomy.id, last_bed.id]
    hits, _ = run(session, index)
    assert [hit.full for hit in hits] == [False, False, True, True, True, False]


def test_when_the_nearest_fail_the_filters_the_whole_circle_is_read(session, index, monkeypatch):
    """Redis is asked for the 2 x limit nearest of each type first; when too few of those pass,
    the circle is read whole, and the answer is still the nearest that pass."""
    for n in range(10):
        make_facility(session, *north_of(*CENTRE, 100 + 10 * n))  # no services
    wanted = [
        make_facility(session, *north_of(*CENTRE, d), services_mask=mask_of(["meals"], SERVICES))
        for d in (300, 320, 340)
    ]
    counts = []
    within = GeoIndex.within

    def spy(self, *args, **kwargs):
        counts.append(kwargs.get("count"))
        return within(self, *args, **kwargs)

    monkeypatch.setattr(GeoIndex, "within", spy)
    assert both_paths(session, index, services=("meals",), limit=2) == [f.id for f in wanted[:2]]
    assert 4 in counts and None in counts  # the first ask, then the whole circle


def test_hazard(session, index):
    both = mask_of(["typhoon", "flood"], HAZARDS)
    safe = make_facility(session, *north_of(*CENTRE, 100), type="shelter", hazards_mask=both)
    make_facility(
        session,
        *north_of(*CENTRE, 200),
        type="shelter",
        hazards_mask=mask_of(["earthquake"], HAZARDS),
    )
    assert both_paths(session, index, hazard="flood") == [safe.id]
    assert both_paths(session, index, hazard="typhoon") == [safe.id]
    assert both_paths(session, index, hazard="geological") == []


def test_services_must_all_be_offered(session, index):
    meals_day = make_facility(
        session, *north_of(*CENTRE, 100), services_mask=mask_of(["meals", "day_care"], SERVICES)
    )
    meals = make_facility(
        session, *north_of(*CENTRE, 200), services_mask=mask_of(["meals"], SERVICES)
    )
    everything = make_facility(
        session, *north_of(*CENTRE, 300), services_mask=mask_of(SERVICES, SERVICES)
    )
    assert both_paths(session, index, services=("meals",)) == [
        meals_day.id,
        meals.id,
        everything.id,
    ]
    assert both_paths(session, index, services=("meals", "day_care")) == [
        meals_day.id,
        everything.id,
    ]
    assert both_paths(session, index, services=("meals", "bathing")) == [everything.id]


def test_accessible_needs_step_free_and_a_toilet(session, index):
    make_facility(session, *north_of(*CENTRE, 100), step_free=True)
    make_facility(session, *north_of(*CENTRE, 200), accessible_toilet=True)
    good = make_facility(session, *north_of(*CENTRE, 300), step_free=True, accessible_toilet=True)
    assert both_paths(session, index, accessible=True) == [good.id]


# --- deleted places and the index ---------------------------------------------------------------


def test_deleted_facilities_are_never_returned(session, index, client):
    kept = make_facility(session, *north_of(*CENTRE, 200))
    gone = make_facility(session, *north_of(*CENTRE, 100))
    assert both_paths(session, index) == [gone.id, kept.id]
    # deleted in the database only: the index still holds it, the search must not return it
    gone.deleted_at = datetime(2024, 1, 1, tzinfo=UTC)
    session.flush()
    assert client.zscore(geo_key("home_care"), gone.id) is not None
    assert both_paths(session, index) == [kept.id]
    # and a rebuild leaves it out of the index
    index.rebuild(session)
    assert client.zscore(geo_key("home_care"), gone.id) is None


def test_the_index_rebuilds_itself_when_its_marker_is_gone(session, index, client):
    first = make_facility(session, *north_of(*CENTRE, 100), type="shelter")
    assert not client.exists(READY_KEY)
    assert both_paths(session, index, types=("shelter",)) == [first.id]
    assert client.exists(READY_KEY)
    assert client.zscore(geo_key("shelter"), first.id) is not None

    # a row written behind the index's back (no staged write): the ready index does not see it
    second = make_facility(session, *north_of(*CENTRE, 50), type="shelter")
    # junk (an id no row has) that the search ignores and a rebuild drops
    client.geoadd(geo_key("shelter"), (CENTRE[1], CENTRE[0], "999999999"))
    hits, source = run(session, index, types=("shelter",))
    assert source == "redis"
    assert [h.facility.id for h in hits] == [first.id]

    # the marker is lost (a Redis restart, an eviction): the next search rebuilds
    client.delete(READY_KEY)
    hits, source = run(session, index, types=("shelter",))
    assert source == "redis"
    assert [h.facility.id for h in hits] == [second.id, first.id]
    assert client.zscore(geo_key("shelter"), "999999999") is None
    assert int(client.get(READY_KEY)) == 2


def test_while_another_process_rebuilds_the_database_answers(session, index, client):
    facility = make_facility(session, *north_of(*CENTRE, 100))
    assert client.set(REBUILD_LOCK, "another-process", nx=True, ex=30)
    hits, source = run(session, index)
    assert source == "database"
    assert [h.facility.id for h in hits] == [facility.id]
    assert not client.exists(READY_KEY)
    # the other process's lock is left alone
    assert client.get(REBUILD_LOCK) == "another-process"
    client.delete(REBUILD_LOCK)
    hits, source = run(session, index)
    assert source == "redis"
    assert [h.facility.id for h in hits] == [facility.id]
    assert not client.exists(REBUILD_LOCK)


def test_an_unreachable_redis_falls_back_to_the_database(session):
    near = make_facility(session, *north_of(*CENTRE, 100))
    far = make_facility(session, *north_of(*CENTRE, 2000))
    down = GeoIndex(make_redis(CLOSED_PORT))
    hits, source = run(session, down)
    assert source == "database"
    assert [h.facility.id for h in hits] == [near.id, far.id]
    # a write to a dead index is logged, never raised
    down.stage_put(near)
    down.apply()


def test_a_redis_failure_during_the_search_falls_back(session, index, client, monkeypatch):
    facility = make_facility(session, *north_of(*CENTRE, 100))
    assert index.ensure_ready(session)

    def broken(*_args, **_kwargs):
        raise redis.ConnectionError("gone")

    monkeypatch.setattr(index, "within", broken)
    hits, source = run(session, index)
    assert source == "database"
    assert [h.facility.id for h in hits] == [facility.id]


def test_staged_writes_reach_redis_only_when_applied(session, index, client):
    facility = make_facility(session, *north_of(*CENTRE, 100), type="home_care")
    index.stage_put(facility)
    assert client.zscore(geo_key("home_care"), facility.id) is None
    index.apply()
    lng, lat = client.geopos(geo_key("home_care"), facility.id)[0]
    assert geo.distance_m(lat, lng, facility.lat, facility.lng) < 1.0

    # a move and a type change: gone from the old key, at the new place in the new key
    facility.type, facility.lat = "shelter", facility.lat + 0.01
    index.stage_put(facility, old_type="home_care")
    index.apply()
    assert client.zscore(geo_key("home_care"), facility.id) is None
    lng, lat = client.geopos(geo_key("shelter"), facility.id)[0]
    assert geo.distance_m(lat, lng, facility.lat, facility.lng) < 1.0

    index.stage_remove(facility)
    index.apply()
    assert client.zscore(geo_key("shelter"), facility.id) is None

    # staged but dropped (the transaction rolled back): nothing reaches Redis
    dropped = GeoIndex(client)
    dropped.stage_put(facility)
    assert client.zscore(geo_key("shelter"), facility.id) is None


def test_rebuild_counts_live_facilities_per_type(session, index, client):
    for k, facility_type in enumerate(FACILITY_TYPES):
        make_facility(session, *north_of(*CENTRE, 100 + k), type=facility_type)
    make_facility(session, *north_of(*CENTRE, 50), deleted_at=datetime.now(UTC) - timedelta(days=1))
    assert index.rebuild(session) == len(FACILITY_TYPES)
    for facility_type in FACILITY_TYPES:
        assert client.zcard(geo_key(facility_type)) == 1
    assert not any(client.exists(f"{geo_key(t)}:new") for t in FACILITY_TYPES)
