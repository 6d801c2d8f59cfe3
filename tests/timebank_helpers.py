"""Helpers for time bank tests: a volunteer, an opportunity, a booking, the clock.

Through the API (a test client and header dicts from `tests.conftest.login`) or as rows made
directly in a Session (flushed, not committed). These signatures are shared with other test
modules: keep them stable.

The demo people (server/seed.py): `demo-volunteer` (李晓明) and `demo-resident` (王秀英) live in
坊门街社区 330802001001 with a real name and ID number set; the demo community worker's scope is
that community, the township worker's 府山街道 330802001, the county worker's 柯城区 330802.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from server.models.timebank import Booking, Opportunity, Volunteer
from server.models.users import User
from server.services import identity
from tests.conftest import login

FANGMEN = "330802001001"  # 坊门街社区: home of the demo volunteer, the community worker's scope
FUSHAN = "330802001"  # 府山街道
KECHENG = "330802"  # 柯城区
XINAN_COMMUNITY = "330802002001"  # 新安社区, 柯城区: outside the community worker's scope
QUJIANG_COMMUNITY = "330803001001"  # 樟潭社区, 衢江区: outside every demo worker's scope

# GCJ-02 position of the facilities `tests.facility_helpers` makes in 坊门街社区.
FANGMEN_POS = (28.9590, 118.8700)

BOOKINGS = "/api/v1/timebank/bookings"
OPPORTUNITIES = "/api/v1/timebank/opportunities"
VOLUNTEERS = "/api/v1/timebank/volunteers"

_serial = itertools.count(1)


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(at: datetime) -> str:
    return at.isoformat()


def freeze(monkeypatch, at: datetime) -> None:
    """Make the time bank API see `at` as now (the service rules take `now` from the API)."""
    monkeypatch.setattr("server.api.timebank.now", lambda: at)


# --- volunteers ----------------------------------------------------------------------------------


def register(client, headers: dict, *, skills=("companionship",), team=None) -> dict:
    """Register the logged-in user as a volunteer (they need a real-name profile); the answer."""
    body = {"skills": list(skills)}
    if team is not None:
        body["team"] = team
    response = client.post(VOLUNTEERS, headers=headers, json=body)
    assert response.status_code == 201, response.json
    return response.json


def volunteer(client, openid: str = "demo-volunteer", *, skills=("companionship",)) -> dict:
    """Log in as `openid` (default the demo volunteer), register them; their headers."""
    headers = login(client, openid)
    register(client, headers, skills=skills)
    return headers


def id_number(index: int, *, birth: str = "19800101", area: str = "330802") -> str:
    """A valid 18-digit ID number, distinct for each index (0–999)."""
    first17 = f"{area}{birth}{index % 1000:03d}"
    return first17 + identity.id_check_char(first17)


def make_volunteer_user(
    session: Session,
    *,
    openid: str | None = None,
    real_name: str = "测试志愿者",
    region_code: str = FANGMEN,
    skills=("companionship",),
    index: int | None = None,
) -> User:
    """A user with a real-name profile and a Volunteer row, flushed. The ID number is only its
    keyed hash here (no cipher needed): enough for registration and booking."""
    n = next(_serial) if index is None else index
    openid = openid or f"tb-volunteer-{n}-{datetime.now(UTC).timestamp():.0f}"
    user = User(
        openid=openid,
        real_name=real_name,
        id_number_hash=hashlib.sha256(f"test-id:{openid}".encode()).hexdigest(),
        region_code=region_code,
        is_volunteer=True,
    )
    session.add(user)
    session.flush()
    session.add(Volunteer(user_id=user.id, skills=list(skills), region_code=region_code))
    session.flush()
    return user


# --- opportunities -------------------------------------------------------------------------------


def opportunity_body(*, starts_in=timedelta(days=1), hours: float = 2, **overrides) -> dict:
    """A POST body: a 2-hour slot in 坊门街社区 starting a day from now, 5 places.

    `starts_in` is measured from the real clock; override `starts_at`/`ends_at` (datetimes or
    strings) for exact times. None drops a key."""
    starts_at = overrides.pop("starts_at", None) or utcnow() + starts_in
    if isinstance(starts_at, datetime):
        starts_at = starts_at.replace(microsecond=0)
    ends_at = overrides.pop("ends_at", None)
    if ends_at is None:
        ends_at = starts_at + timedelta(hours=hours)
    body = {
        "title": f"陪伴老人聊天{next(_serial)}",
        "region_code": FANGMEN,
        "starts_at": iso(starts_at) if isinstance(starts_at, datetime) else starts_at,
        "ends_at": iso(ends_at) if isinstance(ends_at, datetime) else ends_at,
        "places": 5,
        "skills": ["companionship"],
        "description": "到福利院陪老人聊天、读报。",
        **overrides,
    }
    return {key: value for key, value in body.items() if value is not None}


def create_opportunity(client, headers: dict, **overrides) -> dict:
    """Create an opportunity through the API as `headers`' worker; the answer (with check_code)."""
    response = client.post(OPPORTUNITIES, headers=headers, json=opportunity_body(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def make_opportunity(
    session: Session,
    *,
    created_by: int,
    starts_at: datetime | None = None,
    hours: float = 2,
    places: int = 5,
    region_code: str = FANGMEN,
    facility_id: int | None = None,
    lat: float | None = None,
    lng: float | None = None,
    check_code: str = "123456",
    title: str | None = None,
    skills=("companionship",),
    status: str = "open",
) -> Opportunity:
    """An opportunity row, flushed: any time (even past), no validation. Default a day ahead."""
    starts_at = starts_at or utcnow().replace(microsecond=0) + timedelta(days=1)
    opp = Opportunity(
        title=title or f"测试服务{next(_serial)}",
        facility_id=facility_id,
        region_code=region_code,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        places=places,
        skills=list(skills),
        lat=lat,
        lng=lng,
        check_code=check_code,
        status=status,
        created_by=created_by,
    )
    session.add(opp)
    session.flush()
    return opp


# --- bookings ------------------------------------------------------------------------------------


def book(client, headers: dict, opportunity_id: int, *, key: str | None = None):
    """POST a booking; the response (not asserted)."""
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(f"{OPPORTUNITIES}/{opportunity_id}/bookings", headers=headers)


def booked(client, headers: dict, opportunity_id: int) -> dict:
    """Book and assert 201; the booking."""
    response = book(client, headers, opportunity_id)
    assert response.status_code == 201, response.json
    return response.json


def make_booking(session: Session, opp: Opportunity, user_id: int, **values) -> Booking:
    """A booking row (taking a place), flushed."""
    booking = Booking(
        opportunity_id=opp.id,
        volunteer_id=user_id,
        starts_at=opp.starts_at,
        ends_at=opp.ends_at,
        **values,
    )
    opp.booked += 1
    session.add(booking)
    session.flush()
    return booking


def check_in(client, headers: dict, booking_id: int, **body):
    return client.post(f"{BOOKINGS}/{booking_id}/check-in", headers=headers, json=body)


def check_out(client, headers: dict, booking_id: int, **body):
    return client.post(f"{BOOKINGS}/{booking_id}/check-out", headers=headers, json=body)


def cancel(client, headers: dict, booking_id: int):
    return client.delete(f"{BOOKINGS}/{booking_id}", headers=headers)
