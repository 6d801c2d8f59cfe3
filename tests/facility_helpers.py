"""Helpers for facility tests: a facility row made directly, or one created through the API.

The test database holds no demo facilities: every test makes the ones it needs.
"""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from server.models.facilities import HAZARDS, SERVICES, Facility
from server.services.facility_search import mask_of

# The demo regions (server/seed.py): the demo workers are nested 坊门街社区 ⊂ 府山街道 ⊂ 柯城区.
KECHENG = "330802"  # 柯城区: the demo county worker's scope
FUSHAN = "330802001"  # 府山街道: the demo township worker's scope
FANGMEN = (
    "330802001001"  # 坊门街社区: the demo community worker's scope (and home of demo-resident)
)
XINAN = "330802002"  # 信安街道, 柯城区
XINAN_COMMUNITY = "330802002001"  # 新安社区
QUJIANG = "330803"  # 衢江区: outside every demo worker's scope
QUJIANG_COMMUNITY = "330803001001"  # 樟潭社区

# GCJ-02 positions in each (about 9 km apart).
FANGMEN_POS = (28.9590, 118.8700)
XINAN_POS = (28.9650, 118.8800)
QUJIANG_POS = (28.9800, 118.9600)
POSITIONS = {FANGMEN: FANGMEN_POS, XINAN_COMMUNITY: XINAN_POS, QUJIANG_COMMUNITY: QUJIANG_POS}

_serial = itertools.count(1)


def facility_body(**overrides) -> dict:
    """A POST body for a community shelter in 坊门街社区 (override anything; None drops a key)."""
    region = overrides.get("region_code", FANGMEN)
    lat, lng = POSITIONS.get(region, FANGMEN_POS)
    body = {
        "name": f"测试避灾安置点{next(_serial)}",
        "type": "shelter",
        "region_code": FANGMEN,
        "address": "坊门街 1 号",
        "lat": lat,
        "lng": lng,
        "phone": "0570-3000000",
        "capacity": 100,
        "capacity_unit": "persons",
        "hazards": ["typhoon", "flood"],
        "shelter_level": "community",
        "contact_name": "周丽萍",
        "contact_phone": "13857000003",
        **overrides,
    }
    return {key: value for key, value in body.items() if value is not None}


def create_facility(client, headers, **overrides) -> dict:
    """Create a facility through the API (a worker's headers); answers the worker view."""
    response = client.post("/api/v1/facilities", headers=headers, json=facility_body(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def make_facility(session: Session, **overrides) -> Facility:
    """A facility row, flushed (not committed): a shelter in 坊门街社区 unless told otherwise.

    `services` and `hazards` take names, as the API does; everything else is a column."""
    services = overrides.pop("services", [])
    hazards = overrides.pop("hazards", ["typhoon", "flood"] if _is_shelter(overrides) else [])
    region = overrides.get("region_code", FANGMEN)
    lat, lng = POSITIONS.get(region, FANGMEN_POS)
    values = {
        "name": f"测试场所{next(_serial)}",
        "type": "shelter",
        "region_code": FANGMEN,
        "address": "测试地址",
        "lat": lat,
        "lng": lng,
        "opening_hours": {},
        "capacity": 100,
        "capacity_unit": "persons",
        "shelter_level": "community" if _is_shelter(overrides) else None,
        "services_mask": mask_of(services, SERVICES),
        "hazards_mask": mask_of(hazards, HAZARDS),
        **overrides,
    }
    facility = Facility(**values)
    session.add(facility)
    session.flush()
    return facility


def _is_shelter(overrides: dict) -> bool:
    return overrides.get("type", "shelter") == "shelter"


def patch(client, headers, facility_id: int, **fields):
    """PATCH with the facility's current version (read as `headers`' worker); the response."""
    version = client.get(f"/api/v1/facilities/{facility_id}").json["version"]
    return client.patch(
        f"/api/v1/facilities/{facility_id}", headers=headers, json={"version": version, **fields}
    )


def put_occupancy(client, headers, facility_id: int, occupancy: int, groups=None, version=None):
    """PUT an occupancy report (the current version unless one is given); the response."""
    if version is None:
        version = client.get(f"/api/v1/facilities/{facility_id}").json["version"]
    body = {"occupancy": occupancy, "version": version}
    if groups is not None:
        body["groups"] = groups
    return client.put(f"/api/v1/facilities/{facility_id}/occupancy", headers=headers, json=body)


def named(response) -> set[str]:
    """Every field a 422 names, as dotted paths, whatever the location and nesting."""
    found: set[str] = set()

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            found.add(prefix)

    for fields in (response.json.get("errors") or {}).values():
        walk("", fields)
    return found


def assert_error(response, status: int, error: str | None = None) -> dict:
    """The documented error shape (code, status, a Chinese message, a snake_case reason)."""
    assert response.status_code == status, response.json
    body = response.json
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert body["error"] and body["error"] == body["error"].lower()
    if error is not None:
        assert body["error"] == error, body
    return body
