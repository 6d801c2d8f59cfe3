"""The facility and emergency services called directly: writes, history, occupancy, corrections,
and an emergency from declaration to summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from server.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.models.common import Notification
from server.models.facilities import (
    EmergencyShelter,
    Facility,
    FacilityEvent,
    FacilitySuggestion,
    OccupancyUpdate,
)
from server.models.users import User
from server.services import emergencies
from server.services import facilities as service
from server.services import users as users_service
from server.services.facility_search import GeoIndex
from tests.facility_helpers import (
    FANGMEN,
    FANGMEN_POS,
    FUSHAN,
    KECHENG,
    QUJIANG,
    QUJIANG_COMMUNITY,
    XINAN_COMMUNITY,
    make_facility,
)
from tests.factories import make_user

# Monday 2 March 2026, 10:00 in Quzhou.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def principal_of(session, openid: str):
    return users_service.principal_of(session.scalar(select(User).where(User.openid == openid)))


@pytest.fixture
def people(session):
    return SimpleNamespace(
        resident=principal_of(session, "demo-resident"),
        community=principal_of(session, "demo-worker-community"),
        township=principal_of(session, "demo-worker-township"),
        county=principal_of(session, "demo-worker-county"),
        admin=principal_of(session, "demo-admin"),
    )


def events(session, facility_id: int) -> list[FacilityEvent]:
    return list(
        session.scalars(
            select(FacilityEvent)
            .where(FacilityEvent.facility_id == facility_id)
            .order_by(FacilityEvent.id)
        )
    )


def create(session, principal, index=None, **fields) -> Facility:
    body = {
        "name": "坊门街避灾点",
        "type": "shelter",
        "region_code": FANGMEN,
        "lat": FANGMEN_POS[0],
        "lng": FANGMEN_POS[1],
        "shelter_level": "community",
        "hazards": ["typhoon"],
        "capacity": 50,
        "capacity_unit": "persons",
        **fields,
    }
    return service.create_facility(
        session, principal=principal, index=index or GeoIndex(None), **body
    )


# --- create ------------------------------------------------------------------------------------


def test_create_records_a_created_event_with_every_field_after(session, people):
    index = GeoIndex(None)
    facility = create(session, people.community, index, services=["meals", "day_care"])

    assert facility.id and facility.version == 1 and facility.status == "open"
    (event,) = events(session, facility.id)
    assert event.action == "created"
    assert event.actor_id == people.community.id
    assert event.before is None
    assert event.after["name"] == "坊门街避灾点"
    assert event.after["hazards"] == ["typhoon"]
    assert event.after["services"] == ["meals", "day_care"]
    assert event.after["capacity"] == 50
    # The index change waits for the commit.
    assert index._staged == {facility.id: (None, ("shelter", FANGMEN_POS[1], FANGMEN_POS[0]))}


def test_create_refuses_a_resident_and_a_region_outside_the_scope(session, people):
    with pytest.raises(Forbidden):
        create(session, people.resident)
    with pytest.raises(NotFound):
        create(session, people.township, region_code=QUJIANG_COMMUNITY)
    with pytest.raises(NotFound):
        create(session, people.community, region_code=XINAN_COMMUNITY)
    with pytest.raises(NotFound):
        create(session, people.admin, region_code="330899999999")
    assert session.scalar(select(func.count()).select_from(Facility)) == 0


def test_an_admin_creates_anywhere(session, people):
    facility = create(session, people.admin, region_code=QUJIANG_COMMUNITY)
    assert facility.region_code == QUJIANG_COMMUNITY


def test_a_padded_region_code_is_stored_as_the_region_itself(session, people):
    facility = create(
        session,
        people.township,
        region_code="330802001000",
        type="home_care",
        hazards=[],
        shelter_level=None,
    )
    assert facility.region_code == FUSHAN


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"shelter_level": None}, "shelter_level"),
        ({"type": "home_care", "shelter_level": None}, "hazards"),
        ({"type": "home_care", "hazards": [], "shelter_level": "township"}, "shelter_level"),
        ({"capacity_unit": None}, "capacity_unit"),
        ({"lat": 10.0, "lng": 10.0}, "lat"),
    ],
)
def test_create_checks_rules_across_fields(session, people, fields, field):
    with pytest.raises(ValidationFailed) as caught:
        create(session, people.community, **fields)
    assert field in caught.value.errors["json"]
    assert session.scalar(select(func.count()).select_from(Facility)) == 0


def test_an_external_id_belongs_to_one_facility(session, people):
    create(session, people.community, external_id="QZ-0001")
    with pytest.raises(ValidationFailed) as caught:
        create(session, people.community, external_id="QZ-0001")
    assert "external_id" in caught.value.errors["json"]


# --- update ------------------------------------------------------------------------------------


def test_update_keeps_only_the_changed_fields_before_and_after(session, people):
    facility = make_facility(session, phone="0570-1111111", name="旧名")
    index = GeoIndex(None)

    updated = service.update_facility(
        session,
        principal=people.township,
        index=index,
        facility_id=facility.id,
        version=1,
        reason="电话变了",
        name="旧名",
        phone="0570-2222222",
        services=["meals"],
    )

    assert updated.version == 2
    (event,) = events(session, facility.id)
    assert event.action == "updated"
    assert event.actor_id == people.township.id
    assert event.before == {"phone": "0570-1111111", "services": []}
    assert event.after == {"phone": "0570-2222222", "services": ["meals"]}
    assert event.reason == "电话变了"
    # Neither position nor type changed: the index is left alone.
    assert index._staged == {}


def test_an_update_that_changes_nothing_writes_nothing(session, people):
    facility = make_facility(session, phone="0570-1111111")
    service.update_facility(
        session,
        principal=people.community,
        index=GeoIndex(None),
        facility_id=facility.id,
        version=1,
        phone="0570-1111111",
    )
    session.flush()
    assert facility.version == 1
    assert events(session, facility.id) == []


def test_a_move_is_staged_for_the_index(session, people):
    facility = make_facility(session)
    index = GeoIndex(None)
    service.update_facility(
        session,
        principal=people.community,
        index=index,
        facility_id=facility.id,
        version=1,
        lat=28.95,
        lng=118.86,
    )
    assert index._staged == {facility.id: ("shelter", ("shelter", 118.86, 28.95))}
    (event,) = events(session, facility.id)
    assert set(event.after) == {"lat", "lng"}


def test_a_stale_version_is_a_conflict_and_changes_nothing(session, people):
    facility = make_facility(session, name="原名")
    with pytest.raises(Conflict) as caught:
        service.update_facility(
            session,
            principal=people.community,
            index=GeoIndex(None),
            facility_id=facility.id,
            version=7,
            name="新名",
        )
    assert caught.value.error == "stale_version"
    assert caught.value.extra == {"version": 1}
    assert facility.name == "原名"
    assert events(session, facility.id) == []


def test_update_checks_scope_of_the_facility_and_of_a_new_region(session, people):
    elsewhere = make_facility(session, region_code=QUJIANG_COMMUNITY)
    with pytest.raises(NotFound):
        service.update_facility(
            session,
            principal=people.township,
            index=GeoIndex(None),
            facility_id=elsewhere.id,
            version=1,
            name="x",
        )
    mine = make_facility(session)
    with pytest.raises(NotFound):
        service.update_facility(
            session,
            principal=people.township,
            index=GeoIndex(None),
            facility_id=mine.id,
            version=1,
            region_code=QUJIANG_COMMUNITY,
        )
    assert mine.region_code == FANGMEN
    with pytest.raises(Forbidden):
        service.update_facility(
            session,
            principal=people.resident,
            index=GeoIndex(None),
            facility_id=mine.id,
            version=1,
            name="x",
        )


def test_capacity_cannot_drop_below_the_people_inside(session, people):
    facility = make_facility(session, capacity=100, occupancy=60)
    with pytest.raises(ValidationFailed) as caught:
        service.update_facility(
            session,
            principal=people.community,
            index=GeoIndex(None),
            facility_id=facility.id,
            version=1,
            capacity=59,
        )
    assert "capacity" in caught.value.errors["json"]
    assert facility.capacity == 100


# --- delete ------------------------------------------------------------------------------------


def test_delete_is_soft_and_keeps_the_history(session, people):
    facility = create(session, people.community)
    index = GeoIndex(None)
    service.delete_facility(
        session,
        principal=people.community,
        index=index,
        facility_id=facility.id,
        reason="拆除",
        now=NOW,
    )

    assert session.get(Facility, facility.id).deleted_at == NOW
    assert index._staged == {facility.id: ("shelter", None)}
    assert [e.action for e in events(session, facility.id)] == ["created", "deleted"]
    assert events(session, facility.id)[1].reason == "拆除"
    with pytest.raises(NotFound):
        service.get_facility(session, facility_id=facility.id)
    assert service.get_facility(session, facility_id=facility.id, include_deleted=True)
    rows, total = service.list_facilities(
        session, types=None, region_code=FANGMEN, q=None, page=1, page_size=20
    )
    assert (rows, total) == ([], 0)
    items, total = service.history(
        session, principal=people.township, facility_id=facility.id, page=1, page_size=20
    )
    assert total == 2 and [i["action"] for i in items] == ["deleted", "created"]
    assert items[0]["actor_name"] == "周**"
    with pytest.raises(NotFound):
        service.delete_facility(
            session,
            principal=people.community,
            index=GeoIndex(None),
            facility_id=facility.id,
            reason=None,
            now=NOW,
        )


def test_list_by_region_type_and_name(session, people):
    a = make_facility(session, name="坊门街避灾点")
    b = make_facility(session, type="home_care", name="坊门街照料中心")
    c = make_facility(session, region_code=QUJIANG_COMMUNITY, name="樟潭避灾点")
    rows, total = service.list_facilities(
        session, types=None, region_code=KECHENG, q=None, page=1, page_size=20
    )
    assert {r.id for r in rows} == {a.id, b.id} and total == 2
    rows, _ = service.list_facilities(
        session, types=["shelter"], region_code=None, q=None, page=1, page_size=20
    )
    assert {r.id for r in rows} == {a.id, c.id}
    rows, _ = service.list_facilities(
        session, types=None, region_code=None, q="照料", page=1, page_size=20
    )
    assert [r.id for r in rows] == [b.id]


# --- occupancy ---------------------------------------------------------------------------------


def occupy(session, principal, facility, occupancy, groups=None, version=None, now=NOW):
    return service.update_occupancy(
        session,
        principal=principal,
        facility_id=facility.id,
        version=facility.version if version is None else version,
        occupancy=occupancy,
        groups=groups,
        now=now,
    )


def test_occupancy_is_kept_and_flips_the_status(session, people):
    facility = make_facility(session, capacity=10)
    occupy(session, people.community, facility, 4, {"men": 2, "women": 2, "children": 1})
    assert (facility.occupancy, facility.status, facility.version) == (4, "open", 2)
    assert facility.occupancy_updated_by == people.community.id
    assert facility.occupancy_updated_at == NOW

    occupy(session, people.township, facility, 10, now=NOW + timedelta(hours=1))
    assert facility.status == "full"
    occupy(session, people.township, facility, 9, now=NOW + timedelta(hours=2))
    assert facility.status == "open"

    rows, total = service.occupancy_history(
        session, principal=people.community, facility_id=facility.id, page=1, page_size=20
    )
    assert total == 3
    assert [r.occupancy for r in rows] == [9, 10, 4]
    assert rows[2].groups == {"men": 2, "women": 2, "children": 1}
    assert rows[0].updated_by == people.township.id
    occupancy_events = [e for e in events(session, facility.id) if e.action == "occupancy"]
    assert occupancy_events[1].before == {
        "occupancy": 4,
        "groups": {"men": 2, "women": 2, "children": 1},
        "status": "open",
    }
    assert occupancy_events[1].after == {"occupancy": 10, "groups": None, "status": "full"}


def test_a_closed_facility_stays_closed_when_it_fills(session, people):
    facility = make_facility(session, capacity=10, status="closed")
    occupy(session, people.community, facility, 10)
    assert facility.status == "closed"


@pytest.mark.parametrize(
    ("occupancy", "groups", "field"),
    [
        (11, None, "occupancy"),
        (5, {"children": 6}, "groups.children"),
        (5, {"men": 3, "women": 3}, "groups.women"),
    ],
)
def test_occupancy_refuses_impossible_counts_and_changes_nothing(
    session, people, occupancy, groups, field
):
    facility = make_facility(session, capacity=10)
    with pytest.raises(ValidationFailed) as caught:
        occupy(session, people.community, facility, occupancy, groups)
    assert field in caught.value.errors["json"]
    assert (facility.occupancy, facility.version) == (0, 1)
    assert session.scalar(select(func.count()).select_from(OccupancyUpdate)) == 0


def test_occupancy_with_a_stale_version_changes_nothing(session, people):
    facility = make_facility(session, capacity=10)
    occupy(session, people.community, facility, 3)
    with pytest.raises(Conflict):
        occupy(session, people.township, facility, 5, version=1)
    assert facility.occupancy == 3
    assert session.scalar(select(func.count()).select_from(OccupancyUpdate)) == 1


def test_occupancy_outside_the_scope_is_not_found(session, people):
    facility = make_facility(session, region_code=XINAN_COMMUNITY)
    with pytest.raises(NotFound):
        occupy(session, people.community, facility, 3)
    with pytest.raises(Forbidden):
        occupy(session, people.resident, facility, 3)
    with pytest.raises(NotFound):
        service.occupancy_history(
            session, principal=people.community, facility_id=facility.id, page=1, page_size=20
        )


# --- corrections -------------------------------------------------------------------------------


def suggest(session, principal, facility, kind="wrong_phone", message=None, proposed=None):
    return service.suggest(
        session,
        principal=principal,
        facility_id=facility.id,
        kind=kind,
        message=message,
        proposed=proposed,
    )


def handle(session, principal, suggestion, accept, note=None):
    return service.handle_suggestion(
        session,
        principal=principal,
        index=GeoIndex(None),
        suggestion_id=suggestion.id,
        accept=accept,
        note=note,
        now=NOW,
    )


def notifications_of(session, user_id: int, kind: str) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
        )
    )


@pytest.mark.parametrize(
    ("kind", "message", "proposed", "field"),
    [
        ("wrong_phone", None, None, "message"),
        ("moved", None, {"lat": 28.9}, "proposed.lng"),
        ("moved", None, {"lat": 10.0, "lng": 10.0}, "proposed.lat"),
    ],
)
def test_a_suggestion_must_say_something(session, people, kind, message, proposed, field):
    facility = make_facility(session)
    with pytest.raises(ValidationFailed) as caught:
        suggest(session, people.resident, facility, kind, message, proposed)
    assert field in caught.value.errors["json"]
    assert session.scalar(select(func.count()).select_from(FacilitySuggestion)) == 0


def test_closed_needs_no_words_and_a_deleted_facility_takes_none(session, people):
    facility = make_facility(session)
    assert suggest(session, people.resident, facility, "closed").status == "pending"
    gone = make_facility(session, deleted_at=NOW)
    with pytest.raises(NotFound):
        suggest(session, people.resident, gone, "closed")


def test_accepting_applies_the_proposed_values_and_tells_the_resident(session, people):
    facility = make_facility(session, phone="0570-1111111", address="旧地址")
    suggestion = suggest(
        session,
        people.resident,
        facility,
        "moved",
        "搬到新地址了",
        {"phone": "0570-2222222", "address": "新地址 8 号", "lat": 28.961, "lng": 118.872},
    )

    handled = handle(session, people.community, suggestion, True, "已核实")

    assert handled["status"] == "accepted"
    assert (facility.phone, facility.address, facility.lat, facility.lng) == (
        "0570-2222222",
        "新地址 8 号",
        28.961,
        118.872,
    )
    assert suggestion.handled_by == people.community.id and suggestion.handled_at == NOW
    (event,) = events(session, facility.id)
    assert event.action == "updated"
    assert f"#{suggestion.id}" in event.reason
    assert set(event.after) == {"phone", "address", "lat", "lng"}
    (note,) = notifications_of(session, people.resident.id, "facilities.suggestion_handled")
    assert note.data == {
        "facility_id": facility.id,
        "suggestion_id": suggestion.id,
        "status": "accepted",
    }


def test_accepting_closed_closes_the_facility(session, people):
    facility = make_facility(session)
    suggestion = suggest(session, people.resident, facility, "closed")
    handle(session, people.township, suggestion, True)
    assert facility.status == "closed"


def test_dismissing_needs_a_note_and_then_it_is_done(session, people):
    facility = make_facility(session, phone="0570-1111111")
    suggestion = suggest(session, people.resident, facility, proposed={"phone": "0570-9"})
    with pytest.raises(ValidationFailed) as caught:
        handle(session, people.community, suggestion, False)
    assert "note" in caught.value.errors["json"]
    assert suggestion.status == "pending"

    handle(session, people.community, suggestion, False, "电话核实无误")
    assert suggestion.status == "dismissed"
    assert facility.phone == "0570-1111111"
    (note,) = notifications_of(session, people.resident.id, "facilities.suggestion_handled")
    assert "电话核实无误" in note.body
    with pytest.raises(Conflict) as caught:
        handle(session, people.county, suggestion, True)
    assert caught.value.error == "already_handled"


def test_handling_is_for_workers_in_scope(session, people):
    facility = make_facility(session, region_code=QUJIANG_COMMUNITY)
    suggestion = suggest(session, people.resident, facility, "closed")
    with pytest.raises(NotFound):
        handle(session, people.county, suggestion, True)
    with pytest.raises(Forbidden):
        handle(session, people.resident, suggestion, True)
    assert suggestion.status == "pending"
    items, total = service.list_suggestions(
        session, principal=people.county, status=None, page=1, page_size=20
    )
    assert total == 0 and items == []
    items, total = service.list_suggestions(
        session, principal=people.admin, status="pending", page=1, page_size=20
    )
    assert [i["id"] for i in items] == [suggestion.id]


def test_accepting_for_a_deleted_facility_is_a_conflict(session, people):
    facility = make_facility(session)
    suggestion = suggest(session, people.resident, facility, "closed")
    facility.deleted_at = NOW
    session.flush()
    with pytest.raises(Conflict):
        handle(session, people.community, suggestion, True)
    assert suggestion.status == "pending"


# --- emergencies -------------------------------------------------------------------------------


def declare(session, principal, region_code=KECHENG, hazard="typhoon", name="台风“梅花”"):
    return emergencies.declare(
        session,
        principal=principal,
        name=name,
        hazard=hazard,
        region_code=region_code,
        starts_at=NOW,
    )


def activated(session, emergency_id: int) -> set[int]:
    return set(
        session.scalars(
            select(EmergencyShelter.facility_id).where(
                EmergencyShelter.emergency_id == emergency_id
            )
        )
    )


def test_declare_activates_only_the_safe_live_shelters_of_the_region(session, people):
    safe = make_facility(session, hazards=["typhoon"])
    safe_elsewhere_in_county = make_facility(
        session, region_code=XINAN_COMMUNITY, hazards=["typhoon", "earthquake"]
    )
    make_facility(session, hazards=["flood"])
    make_facility(session, hazards=["typhoon"], status="suspended")
    make_facility(session, hazards=["typhoon"], deleted_at=NOW)
    make_facility(session, region_code=QUJIANG_COMMUNITY, hazards=["typhoon"])
    make_facility(session, type="home_care", shelter_level=None)
    full = make_facility(session, hazards=["typhoon"], status="full")

    emergency = declare(session, people.county)

    assert activated(session, emergency.id) == {safe.id, safe_elsewhere_in_county.id, full.id}
    logged = session.scalars(
        select(FacilityEvent).where(FacilityEvent.emergency_id == emergency.id)
    ).all()
    assert {e.facility_id for e in logged} == {safe.id, safe_elsewhere_in_county.id, full.id}
    assert {(e.action, e.actor_id, e.created_at) for e in logged} == {
        ("activated", people.county.id, NOW)
    }
    township_only = declare(session, people.county, region_code=FUSHAN, hazard="earthquake")
    assert activated(session, township_only.id) == set()


def test_declare_is_for_county_workers_in_scope(session, people):
    with pytest.raises(Forbidden) as caught:
        declare(session, people.township, region_code=FUSHAN)
    assert caught.value.error == "level_too_low"
    with pytest.raises(Forbidden):
        declare(session, people.resident)
    with pytest.raises(NotFound):
        declare(session, people.county, region_code=QUJIANG)
    assert declare(session, people.admin, region_code=QUJIANG).region_code == QUJIANG


def test_declare_tells_the_residents_of_the_region(session, people):
    neighbour = make_user(session, openid="em-xinan", region_code=XINAN_COMMUNITY)
    elsewhere = make_user(session, openid="em-qujiang", region_code=QUJIANG_COMMUNITY)
    before = datetime.now(UTC)
    emergency = declare(session, people.county, region_code=FUSHAN)
    rows = session.scalars(
        select(Notification).where(Notification.kind == "facilities.emergency_opened")
    ).all()
    told = {row.user_id for row in rows}
    in_fushan = set(session.scalars(select(User.id).where(User.region_code.startswith(FUSHAN))))
    assert people.resident.id in told
    assert told == in_fushan
    assert not {neighbour.id, elsewhere.id} & told
    for row in rows:
        assert row.send_status == "pending"
        assert row.attempts == 0
        assert row.dedupe_key == f"emergency-{emergency.id}"
        assert (
            before - timedelta(minutes=5)
            <= row.created_at
            <= datetime.now(UTC) + timedelta(minutes=5)
        )


def test_close_once_and_only_once(session, people):
    emergency = declare(session, people.county, region_code=FUSHAN)
    # In the township worker's own street, but only a county worker ends an emergency.
    with pytest.raises(Forbidden) as caught:
        emergencies.close(
            session, principal=people.township, emergency_id=emergency.id, note=None, now=NOW
        )
    assert caught.value.error == "level_too_low"
    county_wide = declare(session, people.county)
    with pytest.raises(NotFound):
        emergencies.close(
            session, principal=people.township, emergency_id=county_wide.id, note=None, now=NOW
        )
    closed = emergencies.close(
        session, principal=people.county, emergency_id=emergency.id, note="解除", now=NOW
    )
    assert closed.closed_at == NOW and closed.closed_by == people.county.id
    assert closed.close_note == "解除"
    with pytest.raises(Conflict) as caught:
        emergencies.close(
            session, principal=people.county, emergency_id=emergency.id, note=None, now=NOW
        )
    assert caught.value.error == "already_closed"
    assert emergencies.active_emergencies(session) == [county_wide]


def test_occupancy_in_an_emergency_is_tied_to_it_and_summed_up(session, people):
    a = make_facility(session, hazards=["typhoon"], capacity=100)
    b = make_facility(session, region_code=XINAN_COMMUNITY, hazards=["typhoon"], capacity=50)
    c = make_facility(session, hazards=["typhoon"], capacity=20)
    emergency = declare(session, people.county)
    occupy(session, people.community, a, 95, {"men": 40, "women": 55, "elderly": 20})
    occupy(session, people.county, b, 10, {"men": 5, "women": 5, "infants": 2, "disabled": 1})

    record = session.scalar(select(OccupancyUpdate).where(OccupancyUpdate.facility_id == a.id))
    assert record.emergency_id == emergency.id
    report = emergencies.summary(session, principal=people.county, emergency_id=emergency.id)

    assert report["shelters_activated"] == 3
    assert report["shelters_in_use"] == 2
    assert report["shelters_reported"] == 2
    assert (report["capacity"], report["people"], report["available"]) == (170, 105, 65)
    assert report["groups"] == {
        "men": 45,
        "women": 60,
        "children": 0,
        "infants": 2,
        "elderly": 20,
        "disabled": 1,
    }
    assert [(s["id"], s["percent"]) for s in report["nearly_full"]] == [(a.id, 95)]
    assert report["last_update_at"] == NOW
    assert c.id not in {s["id"] for s in report["nearly_full"]}
    with pytest.raises(NotFound):
        emergencies.summary(
            session,
            principal=principal_of(session, "demo-worker-community"),
            emergency_id=emergency.id,
        )
