"""Occupancy updates and emergency closes at once against PostgreSQL, with real commits: one
winner, the other a 409, and nothing written twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, or_, select

from server.extensions import db
from server.models.common import Notification
from server.models.facilities import (
    Emergency,
    EmergencyShelter,
    Facility,
    FacilityEvent,
    FacilitySuggestion,
    OccupancyUpdate,
)
from server.models.users import User
from server.services import facilities as facility_service
from server.services import permissions
from tests.conftest import login
from tests.facility_helpers import KECHENG, make_facility

pytestmark = [pytest.mark.postgres, pytest.mark.committing]

# Every facility and emergency made here is named with this; the clean-up finds them by it.
PREFIX = "fac-conc-"


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


@pytest.fixture
def committed(app):
    """Deletes, in dependency order, everything made here: the facilities and emergencies named
    with PREFIX, their events, occupancy reports, activations, suggestions and notifications."""
    yield

    def clean(session):
        facilities = select(Facility.id).where(Facility.name.like(PREFIX + "%")).scalar_subquery()
        emergencies = (
            select(Emergency.id).where(Emergency.name.like(PREFIX + "%")).scalar_subquery()
        )
        emergency_ids = list(
            session.scalars(select(Emergency.id).where(Emergency.name.like(PREFIX + "%")))
        )
        session.execute(
            delete(OccupancyUpdate).where(
                or_(
                    OccupancyUpdate.facility_id.in_(facilities),
                    OccupancyUpdate.emergency_id.in_(emergencies),
                )
            )
        )
        session.execute(
            delete(FacilityEvent).where(
                or_(
                    FacilityEvent.facility_id.in_(facilities),
                    FacilityEvent.emergency_id.in_(emergencies),
                )
            )
        )
        session.execute(
            delete(EmergencyShelter).where(
                or_(
                    EmergencyShelter.facility_id.in_(facilities),
                    EmergencyShelter.emergency_id.in_(emergencies),
                )
            )
        )
        session.execute(
            delete(FacilitySuggestion).where(FacilitySuggestion.facility_id.in_(facilities))
        )
        if emergency_ids:
            session.execute(
                delete(Notification).where(
                    Notification.kind == "facilities.emergency_opened",
                    Notification.dedupe_key.in_([f"emergency-{i}" for i in emergency_ids]),
                )
            )
        session.execute(delete(Emergency).where(Emergency.name.like(PREFIX + "%")))
        session.execute(delete(Facility).where(Facility.name.like(PREFIX + "%")))

    in_db(app, clean)
    assert (
        in_db(
            app,
            lambda s: s.scalar(
                select(func.count()).select_from(Facility).where(Facility.name.like(PREFIX + "%"))
            ),
        )
        == 0
    )


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def at_once(app, count, call):
    """`call(client, index)` in `count` threads, each with its own client, released together."""
    start = threading.Barrier(count)

    def run(index):
        client = app.test_client()
        start.wait()
        return call(client, index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def new_shelter(app, **fields) -> int:
    return in_db(
        app,
        lambda session: (
            make_facility(session, name=f"{PREFIX}shelter", hazards=["typhoon"], **fields).id
        ),
    )


def occupancy_rows(app, facility_id: int) -> list[int]:
    return in_db(
        app,
        lambda session: list(
            session.scalars(
                select(OccupancyUpdate.occupancy).where(OccupancyUpdate.facility_id == facility_id)
            )
        ),
    )


def put(client, headers, facility_id, occupancy, version):
    return client.put(
        f"/api/v1/facilities/{facility_id}/occupancy",
        headers=headers,
        json={"occupancy": occupancy, "version": version},
    )


def test_two_occupancy_reports_with_one_version_one_wins(app, committed, monkeypatch):
    client = app.test_client()
    facility_id = new_shelter(app, capacity=100)
    workers = [login(client, "demo-worker-community"), login(client, "demo-worker-township")]
    # Both requests pass the version check before either writes: the database must decide.
    checked = threading.Barrier(2, timeout=10)
    original = facility_service._check_version

    def check_then_wait(facility, version):
        original(facility, version)
        checked.wait()

    monkeypatch.setattr(facility_service, "_check_version", check_then_wait)

    answers = at_once(app, 2, lambda c, i: put(c, workers[i], facility_id, 10 + i, 1))

    assert sorted(a.status_code for a in answers) == [200, 409], [a.json for a in answers]
    winner = next(a for a in answers if a.status_code == 200)
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json["error"] == "stale_version"
    assert occupancy_rows(app, facility_id) == [winner.json["occupancy"]]
    current = client.get(f"/api/v1/facilities/{facility_id}").json
    assert (current["occupancy"], current["version"]) == (winner.json["occupancy"], 2)
    events = in_db(
        app,
        lambda s: s.scalar(
            select(func.count())
            .select_from(FacilityEvent)
            .where(FacilityEvent.facility_id == facility_id, FacilityEvent.action == "occupancy")
        ),
    )
    assert events == 1


def test_six_reports_racing_on_one_version_write_once(app, committed):
    client = app.test_client()
    facility_id = new_shelter(app, capacity=100)
    headers = login(client, "demo-worker-community")

    answers = at_once(app, 6, lambda c, i: put(c, headers, facility_id, 20 + i, 1))

    assert sorted(a.status_code for a in answers) == [200] + [409] * 5, [a.json for a in answers]
    assert {a.json["error"] for a in answers if a.status_code == 409} == {"stale_version"}
    winner = next(a for a in answers if a.status_code == 200)
    assert occupancy_rows(app, facility_id) == [winner.json["occupancy"]]


def declared(app, county_id: int) -> int:
    def work(session):
        emergency = Emergency(
            name=f"{PREFIX}typhoon",
            hazard="typhoon",
            region_code=KECHENG,
            starts_at=datetime.now(UTC),
            created_by=county_id,
        )
        session.add(emergency)
        session.flush()
        return emergency.id

    return in_db(app, work)


def test_two_closes_of_one_emergency_one_wins(app, committed, monkeypatch):
    client = app.test_client()
    county_id = in_db(
        app, lambda s: s.scalar(select(User.id).where(User.openid == "demo-worker-county"))
    )
    emergency_id = declared(app, county_id)
    headers = login(client, "demo-worker-county")
    admin = login(client, "demo-admin")
    # Both requests see the emergency open before either closes it: the guarded UPDATE decides.
    read = threading.Barrier(2, timeout=10)
    original = permissions.require

    def require_then_wait(principal, **kwargs):
        original(principal, **kwargs)
        if kwargs.get("min_level") == "county" and "结束" in kwargs.get("level_message", ""):
            read.wait()

    monkeypatch.setattr(permissions, "require", require_then_wait)

    answers = at_once(
        app,
        2,
        lambda c, i: c.post(
            f"/api/v1/emergencies/{emergency_id}/close",
            headers=(headers, admin)[i],
            json={"note": f"{PREFIX}{i}"},
        ),
    )

    assert sorted(a.status_code for a in answers) == [200, 409], [a.json for a in answers]
    assert next(a for a in answers if a.status_code == 409).json["error"] == "already_closed"
    winner = next(a for a in answers if a.status_code == 200)
    row = in_db(app, lambda s: s.get(Emergency, emergency_id))
    assert row.closed_at is not None
    assert parse(winner.json["closed_at"]) == row.closed_at
    assert row.close_note in (f"{PREFIX}0", f"{PREFIX}1")


def test_many_closes_at_once_one_wins(app, committed):
    client = app.test_client()
    county_id = in_db(
        app, lambda s: s.scalar(select(User.id).where(User.openid == "demo-worker-county"))
    )
    emergency_id = declared(app, county_id)
    headers = login(client, "demo-worker-county")

    answers = at_once(
        app,
        6,
        lambda c, i: c.post(f"/api/v1/emergencies/{emergency_id}/close", headers=headers, json={}),
    )

    assert sorted(a.status_code for a in answers) == [200] + [409] * 5, [a.json for a in answers]
    assert {a.json["error"] for a in answers if a.status_code == 409} == {"already_closed"}


def test_a_declared_emergency_commits_its_notifications(app, committed):
    """On PostgreSQL, the INSERT … SELECT of the notifications fills every column default."""
    client = app.test_client()
    new_shelter(app, capacity=30)
    headers = login(client, "demo-worker-county")
    before = datetime.now(UTC)

    response = client.post(
        "/api/v1/emergencies",
        headers=headers,
        json={"name": f"{PREFIX}flood", "hazard": "typhoon", "region_code": KECHENG},
    )

    assert response.status_code == 201, response.json
    assert response.json["shelters_activated"] == 1
    after = datetime.now(UTC)
    rows = in_db(
        app,
        lambda s: [
            (n.send_status, n.attempts, n.created_at, n.next_attempt_at)
            for n in s.scalars(
                select(Notification).where(
                    Notification.dedupe_key == f"emergency-{response.json['id']}"
                )
            )
        ],
    )
    assert rows
    for send_status, attempts, created_at, next_attempt_at in rows:
        assert (send_status, attempts) == ("pending", 0)
        assert before.replace(microsecond=0) <= created_at.replace(microsecond=0)
        assert created_at <= after
        assert next_attempt_at <= after
