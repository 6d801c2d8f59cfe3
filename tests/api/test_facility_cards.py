"""The nearest search's cards in Redis (server/services/facility_cards.py): the answer written from
cards is what the schema would write; a warm search makes no SQL; every committed change, by
any path, reaches the next search; a card written by a reader that raced a writer is never used.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from redis.exceptions import ResponseError as RedisResponseError
from sqlalchemy import event, update

from server.api import facilities as facilities_api
from server.extensions import db, make_redis
from server.models.facilities import Facility
from server.schemas.facilities import EmergencyBriefSchema, FacilitySchema, NearbySchema
from server.services import emergencies as emergency_service
from server.services import facilities as facility_service
from server.services import facility_cards
from server.services.facility_cards import (
    CARD_KEY,
    GEN_KEY,
    CardStore,
    publish,
    track_changes,
)
from tests.conftest import counting_sql
from tests.facility_helpers import FANGMEN_POS, create_facility, put_occupancy

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 1, 1, 10, 0, tzinfo=SHANGHAI)
NEARBY = "/api/v1/facilities/nearby"
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(facilities_api, "now", lambda: NOW)


@pytest.fixture
def redis(app):
    return app.extensions["minzheng.redis"]


def nearby(client, **params) -> dict:
    query = {"lat": FANGMEN_POS[0], "lng": FANGMEN_POS[1], "types": "shelter,home_care"}
    response = client.get(NEARBY, query_string={**query, **params})
    assert response.status_code == 200, response.json
    return response.json


def by_id(body) -> dict[int, dict]:
    return {item["id"]: item for item in body["items"]}


def test_the_answer_is_what_the_schema_would_write(app, client, county_worker):
    shelter = create_facility(client, county_worker, services=["meals"])
    assert put_occupancy(client, county_worker, shelter["id"], 40).status_code == 200
    create_facility(
        client,
        county_worker,
        type="home_care",
        capacity=None,
        capacity_unit=None,
        hazards=None,
        shelter_level=None,
        contact_name=None,
        contact_phone=None,
    )
    response = client.post(
        "/api/v1/emergencies",
        json={"name": "台风应急", "hazard": "typhoon", "region_code": "330802"},
        headers=county_worker,
    )
    assert response.status_code == 201, response.json

    cold = nearby(client)
    warm = nearby(client)  # from the cards the first one wrote
    assert warm == cold
    assert set(cold) == set(NearbySchema().fields)
    assert len(cold["items"]) == 2
    with app.app_context():
        for item in cold["items"]:
            facility = facility_service.get_facility(db.session, facility_id=item["id"])
            described = facility_service.describe(facility, now=NOW)
            expected = FacilitySchema().dump({**described, "distance_m": item["distance_m"]})
            assert item == expected
        open_ones = emergency_service.active_emergencies(db.session)
        expected_emergencies = EmergencyBriefSchema(many=True).dump(
            emergency_service.describe_many(db.session, open_ones)
        )
    assert cold["emergencies"] == expected_emergencies
    item = by_id(cold)[shelter["id"]]
    assert (item["occupancy"], item["available"], item["activated"]) == (40, 60, True)
    assert item["contact_name"] == "周**" and item["contact_phone"] == "138****0003"


def test_a_warm_search_makes_no_sql(app, client, county_worker):
    create_facility(client, county_worker)
    nearby(client)
    with counting_sql(app) as statements:
        body = nearby(client)
    assert len(body["items"]) == 1
    assert statements == []


def round_trips(monkeypatch, redis) -> list[str]:
    """Each round trip of the app's own Redis client (a command, a pipeline or a script takes one
    connection from its pool); the rate limiter's storage is not counted."""
    taken: list[str] = []
    get_connection = redis.connection_pool.get_connection

    def counted(*args, **kwargs):
        taken.append(args[0] if args else "pipeline")
        return get_connection(*args, **kwargs)

    monkeypatch.setattr(redis.connection_pool, "get_connection", counted)
    return taken


def test_a_warm_search_is_one_round_trip_to_redis(app, client, county_worker, redis, monkeypatch):
    for offset in range(3):
        create_facility(client, county_worker, lat=FANGMEN_POS[0] + offset * 0.001)
    nearby(client)
    taken = round_trips(monkeypatch, redis)
    body = nearby(client)
    assert len(body["items"]) == 3
    assert len(taken) == 1  # the prefetch script: stamps, circles and cards together


def test_without_scripting_the_search_reads_redis_step_by_step(
    app, client, county_worker, redis, monkeypatch
):
    for offset in range(3):
        create_facility(client, county_worker, lat=FANGMEN_POS[0] + offset * 0.001)
    prefetched = nearby(client)

    def refused(**_kwargs):
        raise RedisResponseError("unknown command 'evalsha'")

    monkeypatch.setattr(facility_cards, "_PREFETCH", refused)
    taken = round_trips(monkeypatch, redis)
    assert nearby(client) == prefetched
    assert len(taken) > 1


def test_a_committed_change_reaches_the_next_search(app, client, county_worker, redis):
    shelter = create_facility(client, county_worker, capacity=50)
    assert by_id(nearby(client))[shelter["id"]]["available"] == 50

    assert put_occupancy(client, county_worker, shelter["id"], 50).status_code == 200
    item = by_id(nearby(client))[shelter["id"]]
    assert (item["occupancy"], item["available"], item["full"], item["status"]) == (
        50,
        0,
        True,
        "full",
    )
    assert nearby(client, has_space="true")["items"] == []

    response = client.patch(
        f"/api/v1/facilities/{shelter['id']}",
        json={"name": "新的名字", "version": item["version"]},
        headers=county_worker,
    )
    assert response.status_code == 200, response.json
    assert by_id(nearby(client))[shelter["id"]]["name"] == "新的名字"
    assert int(redis.get(GEN_KEY)) >= 3  # one generation per committed change at least


def test_a_bulk_statement_invalidates_every_card(app, client, county_worker):
    shelter = create_facility(client, county_worker, capacity=50)
    nearby(client)
    with app.app_context():
        db.session.execute(
            update(Facility).where(Facility.id == shelter["id"]).values(phone="0570-9999999")
        )
        db.session.commit()
    assert by_id(nearby(client))[shelter["id"]]["phone"] == "0570-9999999"


def test_a_card_written_by_a_reader_that_raced_a_writer_is_never_used(app, client, county_worker):
    shelter = create_facility(client, county_worker)
    with app.app_context():
        redis = app.extensions["minzheng.redis"]
        reader = CardStore(redis)
        old = reader.cards(db.session, [shelter["id"]])[shelter["id"]]  # reads the generation
        # A writer commits a change and publishes it...
        db.session.execute(
            update(Facility).where(Facility.id == shelter["id"]).values(name="改过的名字")
        )
        db.session.commit()
        # ...then the reader, which read the row before that commit, writes its card back.
        redis.set(CARD_KEY.format(shelter["id"]), old.dumps())
        with counting_sql(app) as statements:
            card = CardStore(redis).cards(db.session, [shelter["id"]])[shelter["id"]]
    assert json.loads(card.public + "}")["name"] == "改过的名字"
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1  # the stale card was read again from the database


def test_a_deleted_facility_has_no_card(app, client, county_worker):
    shelter = create_facility(client, county_worker)
    with app.app_context():
        db.session.execute(
            update(Facility).where(Facility.id == shelter["id"]).values(deleted_at=NOW)
        )
        db.session.commit()
        store = CardStore(app.extensions["minzheng.redis"])
        assert store.cards(db.session, [shelter["id"]]) == {}


def test_a_rolled_back_change_leaves_the_cards_right(app, client, county_worker):
    shelter = create_facility(client, county_worker)
    nearby(client)
    with app.app_context():
        db.session.execute(
            update(Facility).where(Facility.id == shelter["id"]).values(name="没有提交的名字")
        )
        db.session.rollback()
    assert by_id(nearby(client))[shelter["id"]]["name"] == shelter["name"]


def test_redis_unreachable_when_publishing_is_logged_not_raised(caplog):
    with caplog.at_level(logging.WARNING):
        publish(make_redis(CLOSED_PORT), {1})
    assert "not invalidated" in caplog.text


def test_listening_twice_adds_no_second_listener():
    from sqlalchemy.orm import Session

    from server.services import facility_cards

    track_changes()
    track_changes()
    assert event.contains(Session, "after_commit", facility_cards._after_commit)
