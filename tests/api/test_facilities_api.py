"""Facility writes over HTTP: create, change, delete, history, occupancy and residents'
corrections; who may do each, bad input, stale versions."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from server.models.common import Notification
from server.models.facilities import (
    Facility,
    FacilityEvent,
    FacilitySuggestion,
    OccupancyUpdate,
)
from server.models.users import User
from tests.facility_helpers import (
    FANGMEN,
    FANGMEN_POS,
    FUSHAN,
    QUJIANG_COMMUNITY,
    XINAN_COMMUNITY,
    assert_error,
    create_facility,
    facility_body,
    make_facility,
    named,
    patch,
    put_occupancy,
)

BASE = "/api/v1/facilities"


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def user_id(session, openid: str) -> int:
    return session.scalar(select(User.id).where(User.openid == openid))


def events(client, headers, facility_id: int) -> list[dict]:
    response = client.get(f"{BASE}/{facility_id}/events", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def nearby_ids(client, lat=FANGMEN_POS[0], lng=FANGMEN_POS[1]) -> set[int]:
    response = client.get(f"{BASE}/nearby", query_string={"lat": lat, "lng": lng})
    assert response.status_code == 200, response.json
    return {item["id"] for item in response.json["items"]}


# --- create ------------------------------------------------------------------------------------


def test_a_community_worker_creates_a_shelter_in_their_community(client, session, community_worker):
    created = create_facility(
        client,
        community_worker,
        name="坊门街社区避灾安置点",
        services=["meals", "meals", "bathing"],
        opening_hours={"mon": ["08:00-17:00"]},
        external_id="QZ-FM-001",
    )

    assert created["name"] == "坊门街社区避灾安置点"
    assert created["type_name"] == "避灾安置场所"
    assert created["services"] == ["meals", "bathing"]
    assert created["service_names"] == ["助餐", "助浴"]
    assert created["hazards"] == ["typhoon", "flood"]
    assert created["version"] == 1 and created["status"] == "open"
    assert created["external_id"] == "QZ-FM-001"  # the worker view
    assert created["available"] == 100 and created["occupancy"] == 0
    # Anyone reads it back, without the worker-only fields.
    public = client.get(f"{BASE}/{created['id']}")
    assert public.status_code == 200
    assert public.json["name"] == created["name"]
    assert "external_id" not in public.json and "deleted_at" not in public.json
    assert created["id"] in nearby_ids(client)
    listing = client.get(BASE, query_string={"region_code": FUSHAN})
    assert [item["id"] for item in listing.json] == [created["id"]]
    assert json.loads(listing.headers["X-Pagination"])["total"] == 1
    # The change is an event: who, what, before, after.
    (event,) = events(client, community_worker, created["id"])
    assert event["action"] == "created"
    assert event["actor_id"] == user_id(session, "demo-worker-community")
    assert event["actor_name"] == "周**"
    assert event["before"] is None
    assert event["after"]["name"] == "坊门街社区避灾安置点"
    assert event["after"]["services"] == ["meals", "bathing"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"lat": None}, "lat"),
        ({"lat": 91}, "lat"),
        ({"lng": -181}, "lng"),
        ({"lat": "north"}, "lat"),
        ({"type": "hospital"}, "type"),
        ({"phone": "call me"}, "phone"),
        ({"capacity": -1}, "capacity"),
        ({"capacity": "100"}, "capacity"),
        ({"capacity_unit": "rooms"}, "capacity_unit"),
        ({"hazards": ["tsunami"]}, "hazards.0"),
        ({"services": ["karaoke"]}, "services.0"),
        ({"opening_hours": {"mon": ["25:00-26:00"]}}, "opening_hours"),
        ({"shelter_level": "city"}, "shelter_level"),
        ({"colour": "red"}, "colour"),
        # Rules across fields, checked by the service.
        ({"shelter_level": None}, "shelter_level"),
        ({"type": "home_care", "shelter_level": None}, "hazards"),
        ({"capacity_unit": None}, "capacity_unit"),
        ({"lat": 48.85, "lng": 2.35}, "lat"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(
    client, session, community_worker, overrides, field
):
    response = client.post(BASE, headers=community_worker, json=facility_body(**overrides))

    body = assert_error(response, 422)
    assert field in named(response), body
    assert set(body["errors"]) == {"json"}
    assert count(session, Facility) == 0
    assert count(session, FacilityEvent) == 0


def test_a_duplicate_external_id_is_422(client, session, community_worker):
    create_facility(client, community_worker, external_id="QZ-1")
    response = client.post(BASE, headers=community_worker, json=facility_body(external_id="QZ-1"))
    assert_error(response, 422)
    assert named(response) == {"external_id"}
    assert count(session, Facility) == 1


def test_creating_needs_a_worker_in_scope(client, session, resident, township_worker, admin):
    assert_error(client.post(BASE, json=facility_body()), 401)
    assert_error(client.post(BASE, headers=resident, json=facility_body()), 403, "role_required")
    outside = facility_body(region_code=QUJIANG_COMMUNITY)
    assert_error(client.post(BASE, headers=township_worker, json=outside), 404)
    unknown = facility_body(region_code="330802099099")
    assert_error(client.post(BASE, headers=township_worker, json=unknown), 404)
    assert count(session, Facility) == 0
    assert client.post(BASE, headers=admin, json=outside).status_code == 201


def test_a_padded_region_code_names_the_region(client, session, township_worker):
    created = create_facility(client, township_worker, region_code="330802001000")
    assert created["region_code"] == FUSHAN
    listing = client.get(BASE, query_string={"region_code": FUSHAN})
    assert [item["id"] for item in listing.json] == [created["id"]]


# --- change ------------------------------------------------------------------------------------


def test_patch_changes_fields_and_the_event_keeps_only_what_changed(
    client, session, community_worker, township_worker
):
    created = create_facility(client, community_worker, phone="0570-1111111")

    response = client.patch(
        f"{BASE}/{created['id']}",
        headers=township_worker,
        json={
            "version": created["version"],
            "name": created["name"],  # unchanged: not in the event
            "phone": "0570-2222222",
            "capacity": 120,
            "hazards": ["typhoon", "earthquake"],
            "reason": "核实后更正",
        },
    )

    assert response.status_code == 200, response.json
    assert response.json["phone"] == "0570-2222222"
    assert response.json["version"] == created["version"] + 1
    latest = events(client, township_worker, created["id"])[0]
    assert latest["action"] == "updated"
    assert latest["actor_id"] == user_id(session, "demo-worker-township")
    assert latest["reason"] == "核实后更正"
    assert latest["before"] == {
        "phone": "0570-1111111",
        "capacity": 100,
        "hazards": ["typhoon", "flood"],
    }
    assert latest["after"] == {
        "phone": "0570-2222222",
        "capacity": 120,
        "hazards": ["typhoon", "earthquake"],
    }
    assert client.get(f"{BASE}/{created['id']}").json["capacity"] == 120


def test_patch_that_changes_nothing_writes_no_event(client, session, community_worker):
    created = create_facility(client, community_worker)
    response = patch(client, community_worker, created["id"], name=created["name"])
    assert response.status_code == 200
    assert response.json["version"] == created["version"]
    assert len(events(client, community_worker, created["id"])) == 1


def test_patch_with_a_stale_version_is_409_and_changes_nothing(client, session, community_worker):
    created = create_facility(client, community_worker, name="原来的名字")
    assert patch(client, community_worker, created["id"], phone="0570-5555555").status_code == 200

    response = client.patch(
        f"{BASE}/{created['id']}",
        headers=community_worker,
        json={"version": created["version"], "name": "别人改的名字"},
    )

    body = assert_error(response, 409, "stale_version")
    assert body["version"] == created["version"] + 1
    current = client.get(f"{BASE}/{created['id']}").json
    assert current["name"] == "原来的名字"
    assert current["version"] == created["version"] + 1
    assert len(events(client, community_worker, created["id"])) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x"}, "version"),  # no version
        ({"version": "1", "name": "x"}, "version"),
        ({"version": 1, "lat": 100}, "lat"),
        ({"version": 1, "status": "demolished"}, "status"),
        ({"version": 1, "capacity": 10}, "capacity"),  # below the 40 inside
        ({"version": 1, "lat": 10.0, "lng": 10.0}, "lat"),
        ({"version": 1, "type": "home_care", "hazards": ["flood"]}, "hazards"),
        ({"version": 1, "reason": "x" * 501}, "reason"),
    ],
)
def test_patch_bad_input_is_422_and_changes_nothing(client, session, community_worker, body, field):
    facility = make_facility(session, occupancy=40)
    response = client.patch(f"{BASE}/{facility.id}", headers=community_worker, json=body)
    assert_error(response, 422)
    assert field in named(response), response.json
    session.expire_all()
    assert session.get(Facility, facility.id).version == 1
    assert count(session, FacilityEvent, FacilityEvent.facility_id == facility.id) == 0


def test_a_shelter_that_becomes_another_type_sheds_its_hazards_and_level(client, community_worker):
    created = create_facility(client, community_worker)
    response = patch(client, community_worker, created["id"], type="home_care")
    assert response.status_code == 200, response.json
    assert (response.json["hazards"], response.json["shelter_level"]) == ([], None)
    latest = events(client, community_worker, created["id"])[0]
    assert latest["before"] == {
        "type": "shelter",
        "hazards": ["typhoon", "flood"],
        "shelter_level": "community",
    }
    assert latest["after"] == {"type": "home_care", "hazards": [], "shelter_level": None}
    # The search index moved it from the shelters to the home-care centres.
    shelters = client.get(
        f"{BASE}/nearby",
        query_string={"lat": FANGMEN_POS[0], "lng": FANGMEN_POS[1], "types": "shelter"},
    )
    assert shelters.json["items"] == []
    assert created["id"] in nearby_ids(client)


def test_patch_needs_a_worker_in_scope(client, session, resident, township_worker, admin):
    elsewhere = make_facility(session, region_code=QUJIANG_COMMUNITY, name="樟潭避灾点")
    mine = make_facility(session)
    url = f"{BASE}/{elsewhere.id}"
    assert_error(client.patch(url, json={"version": 1, "name": "x"}), 401)
    assert_error(client.patch(url, headers=resident, json={"version": 1, "name": "x"}), 403)
    assert_error(client.patch(url, headers=township_worker, json={"version": 1, "name": "x"}), 404)
    assert_error(
        client.patch(f"{BASE}/999999", headers=township_worker, json={"version": 1, "name": "x"}),
        404,
    )
    # Moving one's own facility out of one's scope is refused the same way.
    moved = client.patch(
        f"{BASE}/{mine.id}",
        headers=township_worker,
        json={"version": 1, "region_code": QUJIANG_COMMUNITY},
    )
    assert_error(moved, 404)
    session.expire_all()
    assert session.get(Facility, elsewhere.id).name == "樟潭避灾点"
    assert session.get(Facility, mine.id).region_code == FANGMEN
    assert count(session, FacilityEvent) == 0
    assert client.patch(url, headers=admin, json={"version": 1, "name": "x"}).status_code == 200


# --- delete ------------------------------------------------------------------------------------


def test_delete_is_soft_keeps_history_and_leaves_every_listing(
    client, session, community_worker, township_worker
):
    created = create_facility(client, community_worker)
    other = create_facility(client, community_worker)
    assert {created["id"], other["id"]} <= nearby_ids(client)

    response = client.delete(
        f"{BASE}/{created['id']}", headers=township_worker, query_string={"reason": "已拆除"}
    )

    assert response.status_code == 204
    assert_error(client.get(f"{BASE}/{created['id']}"), 404, "facility_not_found")
    assert [item["id"] for item in client.get(BASE).json] == [other["id"]]
    assert nearby_ids(client) == {other["id"]}
    # The row and its history stay, readable by a worker in scope.
    session.expire_all()
    row = session.get(Facility, created["id"])
    assert row is not None and row.deleted_at is not None
    history = events(client, community_worker, created["id"])
    assert [e["action"] for e in history] == ["deleted", "created"]
    assert history[0]["reason"] == "已拆除"
    assert history[0]["actor_id"] == user_id(session, "demo-worker-township")
    # Gone for every write.
    assert_error(client.delete(f"{BASE}/{created['id']}", headers=township_worker), 404)
    assert_error(patch_version_1(client, community_worker, created["id"]), 404)
    assert_error(put_occupancy(client, community_worker, created["id"], 1, version=1), 404)


def patch_version_1(client, headers, facility_id):
    return client.patch(f"{BASE}/{facility_id}", headers=headers, json={"version": 1, "name": "x"})


def test_delete_needs_a_worker_in_scope_and_valid_input(
    client, session, resident, township_worker, community_worker
):
    elsewhere = make_facility(session, region_code=QUJIANG_COMMUNITY)
    neighbour = make_facility(session, region_code=XINAN_COMMUNITY)
    mine = make_facility(session)
    assert_error(client.delete(f"{BASE}/{mine.id}"), 401)
    assert_error(client.delete(f"{BASE}/{mine.id}", headers=resident), 403)
    assert_error(client.delete(f"{BASE}/{elsewhere.id}", headers=township_worker), 404)
    assert_error(client.delete(f"{BASE}/{neighbour.id}", headers=community_worker), 404)
    too_long = client.delete(
        f"{BASE}/{mine.id}", headers=community_worker, query_string={"reason": "x" * 501}
    )
    assert_error(too_long, 422)
    assert named(too_long) == {"reason"}
    assert set(too_long.json["errors"]) == {"query"}
    session.expire_all()
    assert all(session.get(Facility, f.id).deleted_at is None for f in (elsewhere, neighbour, mine))
    assert count(session, FacilityEvent) == 0


# --- history -----------------------------------------------------------------------------------


def test_history_is_newest_first_paginated_and_for_workers_in_scope(
    client, session, community_worker, township_worker, resident
):
    created = create_facility(client, community_worker)
    for phone in ("0570-1", "0570-2", "0570-3"):
        assert patch(client, community_worker, created["id"], phone=phone).status_code == 200

    page = client.get(
        f"{BASE}/{created['id']}/events",
        headers=township_worker,
        query_string={"page": 1, "page_size": 2},
    )

    assert page.status_code == 200
    assert json.loads(page.headers["X-Pagination"])["total"] == 4
    assert [e["after"]["phone"] for e in page.json] == ["0570-3", "0570-2"]
    assert_error(client.get(f"{BASE}/{created['id']}/events", headers=resident), 403)
    assert_error(client.get(f"{BASE}/{created['id']}/events"), 401)
    elsewhere = make_facility(session, region_code=XINAN_COMMUNITY)
    assert_error(client.get(f"{BASE}/{elsewhere.id}/events", headers=community_worker), 404)


# --- occupancy ---------------------------------------------------------------------------------


def test_occupancy_updates_flip_full_and_open_and_read_back(
    client, session, community_worker, township_worker
):
    created = create_facility(client, community_worker, capacity=10)

    first = put_occupancy(
        client, community_worker, created["id"], 6, {"men": 3, "women": 3, "children": 2}
    )
    assert first.status_code == 200, first.json
    assert first.json["occupancy"] == 6 and first.json["available"] == 4
    assert first.json["status"] == "open" and first.json["full"] is False
    assert first.json["occupancy_groups"] == {"men": 3, "women": 3, "children": 2}
    assert first.json["occupancy_updated_by"] == user_id(session, "demo-worker-community")
    assert first.json["occupancy_age_s"] is not None and first.json["occupancy_age_s"] <= 60

    full = put_occupancy(client, township_worker, created["id"], 10)
    assert full.json["status"] == "full" and full.json["full"] is True
    assert full.json["available"] == 0
    assert client.get(f"{BASE}/{created['id']}").json["status"] == "full"
    reopened = put_occupancy(client, township_worker, created["id"], 8)
    assert reopened.json["status"] == "open"
    assert reopened.json["version"] == created["version"] + 3

    night = client.get(f"{BASE}/{created['id']}/occupancy", headers=community_worker)
    assert night.status_code == 200
    assert [r["occupancy"] for r in night.json] == [8, 10, 6]
    assert night.json[2]["groups"] == {"men": 3, "women": 3, "children": 2}
    assert night.json[0]["updated_by"] == user_id(session, "demo-worker-township")
    assert all(r["emergency_id"] is None for r in night.json)
    assert json.loads(night.headers["X-Pagination"])["total"] == 3
    statuses = [
        (e["before"]["status"], e["after"]["status"])
        for e in events(client, community_worker, created["id"])
        if e["action"] == "occupancy"
    ]
    assert statuses == [("full", "open"), ("open", "full"), ("open", "open")]


def test_occupancy_above_capacity_is_422_and_changes_nothing(client, session, community_worker):
    created = create_facility(client, community_worker, capacity=10)
    assert put_occupancy(client, community_worker, created["id"], 4).status_code == 200

    response = put_occupancy(client, community_worker, created["id"], 11)

    assert_error(response, 422)
    assert named(response) == {"occupancy"}
    current = client.get(f"{BASE}/{created['id']}").json
    assert (current["occupancy"], current["version"]) == (4, created["version"] + 1)
    assert count(session, OccupancyUpdate, OccupancyUpdate.facility_id == created["id"]) == 1


def test_occupancy_with_a_stale_version_is_409_and_changes_nothing(
    client, session, community_worker, township_worker
):
    created = create_facility(client, community_worker, capacity=10)
    version = created["version"]
    assert (
        put_occupancy(client, community_worker, created["id"], 4, version=version).status_code
        == 200
    )

    response = put_occupancy(client, township_worker, created["id"], 7, version=version)

    body = assert_error(response, 409, "stale_version")
    assert body["version"] == version + 1
    assert client.get(f"{BASE}/{created['id']}").json["occupancy"] == 4
    assert count(session, OccupancyUpdate, OccupancyUpdate.facility_id == created["id"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"occupancy": 3}, "version"),
        ({"version": 1}, "occupancy"),
        ({"occupancy": -1, "version": 1}, "occupancy"),
        ({"occupancy": "3", "version": 1}, "occupancy"),
        ({"occupancy": 3.5, "version": 1}, "occupancy"),
        ({"occupancy": 3, "version": 1, "groups": {"pets": 2}}, "groups.pets"),
        ({"occupancy": 3, "version": 1, "groups": {"men": -1}}, "groups.men"),
        ({"occupancy": 3, "version": 1, "groups": {"elderly": 4}}, "groups.elderly"),
        ({"occupancy": 3, "version": 1, "groups": {"men": 2, "women": 2}}, "groups.women"),
    ],
)
def test_occupancy_bad_input_is_422_naming_the_field(
    client, session, community_worker, body, field
):
    facility = make_facility(session, capacity=10)
    response = client.put(f"{BASE}/{facility.id}/occupancy", headers=community_worker, json=body)
    assert_error(response, 422)
    assert field in named(response), response.json
    assert count(session, OccupancyUpdate) == 0
    session.expire_all()
    assert session.get(Facility, facility.id).version == 1


def test_occupancy_needs_a_worker_in_scope(
    client, session, resident, township_worker, community_worker
):
    elsewhere = make_facility(session, region_code=QUJIANG_COMMUNITY)
    neighbour = make_facility(session, region_code=XINAN_COMMUNITY)
    assert_error(put_occupancy(client, {}, elsewhere.id, 1, version=1), 401)
    assert_error(put_occupancy(client, resident, elsewhere.id, 1, version=1), 403)
    assert_error(put_occupancy(client, township_worker, elsewhere.id, 1, version=1), 404)
    assert_error(put_occupancy(client, community_worker, neighbour.id, 1, version=1), 404)
    assert_error(put_occupancy(client, community_worker, 999999, 1, version=1), 404)
    assert_error(client.get(f"{BASE}/{elsewhere.id}/occupancy", headers=resident), 403)
    assert_error(client.get(f"{BASE}/{elsewhere.id}/occupancy", headers=township_worker), 404)
    assert count(session, OccupancyUpdate) == 0


def test_a_facility_without_capacity_takes_any_count(client, community_worker):
    created = create_facility(
        client,
        community_worker,
        type="service_centre",
        hazards=None,
        shelter_level=None,
        capacity=None,
        capacity_unit=None,
    )
    response = put_occupancy(client, community_worker, created["id"], 500)
    assert response.status_code == 200
    assert response.json["available"] is None and response.json["status"] == "open"


# --- corrections from residents ----------------------------------------------------------------


def suggest(client, headers, facility_id, **body):
    return client.post(f"{BASE}/{facility_id}/suggestions", headers=headers, json=body)


def inbox(client, headers, kind: str) -> list[dict]:
    response = client.get("/api/v1/me/notifications", headers=headers)
    assert response.status_code == 200
    return [item for item in response.json["items"] if item["kind"] == kind]


def test_a_resident_suggests_and_a_worker_accepts_what_was_proposed(
    client, session, resident, community_worker
):
    created = create_facility(client, community_worker, phone="0570-1111111", address="旧址")

    made = suggest(
        client,
        resident,
        created["id"],
        kind="moved",
        message="已经搬到新址",
        proposed={"phone": "0570-2222222", "address": "新址 8 号", "lat": 28.962, "lng": 118.873},
    )
    assert made.status_code == 201, made.json
    assert made.json["status"] == "pending"
    pending = client.get(
        f"{BASE}/suggestions", headers=community_worker, query_string={"status": "pending"}
    )
    assert [s["id"] for s in pending.json] == [made.json["id"]]
    assert pending.json[0]["facility_name"] == created["name"]

    accepted = client.post(
        f"{BASE}/suggestions/{made.json['id']}/accept",
        headers=community_worker,
        json={"note": "已核实"},
    )

    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "accepted"
    assert accepted.json["handle_note"] == "已核实"
    facility = client.get(f"{BASE}/{created['id']}").json
    assert (facility["phone"], facility["address"], facility["lat"], facility["lng"]) == (
        "0570-2222222",
        "新址 8 号",
        28.962,
        118.873,
    )
    latest = events(client, community_worker, created["id"])[0]
    assert latest["after"] == {
        "phone": "0570-2222222",
        "address": "新址 8 号",
        "lat": 28.962,
        "lng": 118.873,
    }
    assert f"#{made.json['id']}" in latest["reason"]
    (note,) = inbox(client, resident, "facilities.suggestion_handled")
    assert note["data"]["status"] == "accepted"
    assert note["data"]["suggestion_id"] == made.json["id"]
    assert created["name"] in note["body"]
    # Moved: the search finds it at the new place.
    assert created["id"] in nearby_ids(client, 28.962, 118.873)


def test_accepting_closed_closes_the_facility(client, resident, township_worker, community_worker):
    created = create_facility(client, community_worker)
    made = suggest(client, resident, created["id"], kind="closed")
    assert made.status_code == 201
    accepted = client.post(
        f"{BASE}/suggestions/{made.json['id']}/accept", headers=township_worker, json={}
    )
    assert accepted.status_code == 200
    facility = client.get(f"{BASE}/{created['id']}").json
    assert facility["status"] == "closed" and facility["status_name"] == "关闭"


def test_dismissing_needs_a_note_and_tells_the_resident(
    client, session, resident, community_worker
):
    created = create_facility(client, community_worker, phone="0570-1111111")
    made = suggest(client, resident, created["id"], kind="wrong_phone", proposed={"phone": "110"})
    url = f"{BASE}/suggestions/{made.json['id']}"

    no_note = client.post(f"{url}/dismiss", headers=community_worker, json={})
    assert_error(no_note, 422)
    assert named(no_note) == {"note"}
    assert session.get(FacilitySuggestion, made.json["id"]).status == "pending"
    assert inbox(client, resident, "facilities.suggestion_handled") == []

    dismissed = client.post(f"{url}/dismiss", headers=community_worker, json={"note": "号码无误"})
    assert dismissed.status_code == 200
    assert dismissed.json["status"] == "dismissed"
    assert client.get(f"{BASE}/{created['id']}").json["phone"] == "0570-1111111"
    (note,) = inbox(client, resident, "facilities.suggestion_handled")
    assert note["data"]["status"] == "dismissed" and "号码无误" in note["body"]

    again = client.post(f"{url}/accept", headers=community_worker, json={})
    assert_error(again, 409, "already_handled")
    assert client.get(f"{BASE}/{created['id']}").json["phone"] == "0570-1111111"
    assert len(inbox(client, resident, "facilities.suggestion_handled")) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "kind"),
        ({"kind": "haunted", "message": "x"}, "kind"),
        ({"kind": "wrong_phone"}, "message"),
        ({"kind": "wrong_phone", "message": "x" * 501}, "message"),
        ({"kind": "wrong_phone", "proposed": {"phone": "abc"}}, "proposed.phone"),
        ({"kind": "moved", "proposed": {"lat": 28.9}}, "proposed.lng"),
        ({"kind": "moved", "proposed": {"lat": 95, "lng": 118.8}}, "proposed.lat"),
        ({"kind": "moved", "proposed": {"lat": 1.0, "lng": 1.0}}, "proposed.lat"),
        ({"kind": "other", "proposed": {"name": "新名"}}, "proposed.name"),
    ],
)
def test_suggestion_bad_input_is_422_and_writes_nothing(client, session, resident, body, field):
    facility = make_facility(session)
    response = suggest(client, resident, facility.id, **body)
    assert_error(response, 422)
    assert field in named(response), response.json
    assert count(session, FacilitySuggestion) == 0


def test_suggestions_need_a_login_and_a_live_facility(client, session, resident):
    facility = make_facility(session)
    assert_error(suggest(client, {}, facility.id, kind="closed"), 401)
    gone = make_facility(session, deleted_at=facility.created_at)
    assert_error(suggest(client, resident, gone.id, kind="closed"), 404)
    assert_error(suggest(client, resident, 999999, kind="closed"), 404)
    assert count(session, FacilitySuggestion) == 0


def test_handling_suggestions_is_for_workers_in_scope(
    client, session, resident, township_worker, county_worker, admin
):
    elsewhere = make_facility(session, region_code=QUJIANG_COMMUNITY)
    made = suggest(client, resident, elsewhere.id, kind="closed")
    url = f"{BASE}/suggestions/{made.json['id']}"

    assert_error(client.post(f"{url}/accept", headers=resident, json={}), 403)
    assert_error(client.post(f"{url}/accept", headers=township_worker, json={}), 404)
    assert_error(client.post(f"{url}/dismiss", headers=county_worker, json={"note": "x"}), 404)
    assert_error(client.post(f"{BASE}/suggestions/999999/accept", headers=admin, json={}), 404)
    assert_error(client.get(f"{BASE}/suggestions", headers=resident), 403)
    assert client.get(f"{BASE}/suggestions", headers=township_worker).json == []
    assert session.get(FacilitySuggestion, made.json["id"]).status == "pending"
    assert count(session, Notification, Notification.kind == "facilities.suggestion_handled") == 0
    session.expire_all()
    assert session.get(Facility, elsewhere.id).status == "open"

    assert client.post(f"{url}/accept", headers=admin, json={}).status_code == 200
    session.expire_all()
    assert session.get(Facility, elsewhere.id).status == "closed"
