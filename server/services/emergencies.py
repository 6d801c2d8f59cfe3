"""Emergency mode: a county or city worker declares a typhoon, flood … over a region; the shelters
of that region that are safe for the hazard are activated (open day and night, shown first to
anyone who stands in the region), residents of the region are told, and the duty officer reads
back how many people each shelter holds.

Where a phone "stands" is the region of the nearest facility within `LOCATE_RADIUS_M`: facilities
are dense wherever people live (over a thousand in the demo city), so this is a fine-grained
Voronoi map of the regions without needing their boundaries.
"""

from __future__ import annotations

from datetime import datetime

import redis
from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.orm import Session

from server.errors import Conflict, NotFound
from server.models.base import UTCDateTime
from server.models.common import Notification
from server.models.facilities import (
    HAZARDS,
    OCCUPANT_GROUPS,
    Emergency,
    EmergencyShelter,
    Facility,
    FacilityEvent,
)
from server.models.regions import Region
from server.models.users import User
from server.services import facility_search, permissions
from server.services.facilities import HAZARD_NAMES
from server.services.facility_search import Filters, GeoIndex, mask_of
from server.services.regions import get_region, is_within, scope_prefix
from server.services.users import Principal

LOCATE_RADIUS_M = 20_000
NEARLY_FULL = 0.9


def describe(emergency: Emergency, *, region_name: str | None = None, shelters: int | None = None):
    return {
        "id": emergency.id,
        "name": emergency.name,
        "hazard": emergency.hazard,
        "hazard_name": HAZARD_NAMES[emergency.hazard],
        "region_code": emergency.region_code,
        "region_name": region_name,
        "starts_at": emergency.starts_at,
        "closed_at": emergency.closed_at,
        "active": emergency.closed_at is None,
        "shelters_activated": shelters,
    }


def _shelter_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(EmergencyShelter.emergency_id, func.count())
        .where(EmergencyShelter.emergency_id.in_(ids))
        .group_by(EmergencyShelter.emergency_id)
    )
    return dict(rows.all())


def describe_many(session: Session, emergencies: list[Emergency]) -> list[dict]:
    if not emergencies:
        return []  # the usual case of a nearby search: no query for nothing
    counts = _shelter_counts(session, [e.id for e in emergencies])
    names = dict(
        session.execute(
            select(Region.code, Region.name).where(
                Region.code.in_({e.region_code for e in emergencies})
            )
        ).all()
    )
    return [
        describe(e, region_name=names.get(e.region_code), shelters=counts.get(e.id, 0))
        for e in emergencies
    ]


def declare(
    session: Session,
    *,
    principal: Principal,
    name: str,
    hazard: str,
    region_code: str,
    starts_at: datetime,
) -> Emergency:
    """Open an emergency: activate the region's shelters that are safe for the hazard (not
    deleted, not suspended) and tell the residents who live there."""
    permissions.require(
        principal,
        roles=("worker",),
        min_level="county",
        level_message="只有县（市、区）级及以上民政工作人员可以启动应急响应。",
    )
    region = get_region(session, code=region_code)
    permissions.require(principal, region_code=region.code, check_scope=True)
    emergency = Emergency(
        name=name,
        hazard=hazard,
        region_code=region.code,
        starts_at=starts_at,
        created_by=principal.id,
    )
    session.add(emergency)
    session.flush()
    bit = mask_of([hazard], HAZARDS)
    safe_shelters = select(
        literal(emergency.id), Facility.id, literal(starts_at, UTCDateTime())
    ).where(
        Facility.type == "shelter",
        Facility.deleted_at.is_(None),
        Facility.status != "suspended",
        Facility.hazards_mask.op("&")(bit) == bit,
        Facility.region_code.startswith(scope_prefix(region.code)),
    )
    session.execute(
        insert(EmergencyShelter).from_select(
            ["emergency_id", "facility_id", "activated_at"], safe_shelters
        )
    )
    session.execute(
        insert(FacilityEvent).from_select(
            ["facility_id", "actor_id", "action", "emergency_id", "reason", "created_at"],
            select(
                EmergencyShelter.facility_id,
                literal(principal.id),
                literal("activated"),
                literal(emergency.id),
                literal(f"{HAZARD_NAMES[hazard]}应急：{name}"),
                literal(starts_at, UTCDateTime()),
            ).where(EmergencyShelter.emergency_id == emergency.id),
        )
    )
    residents = select(
        User.id,
        literal("facilities.emergency_opened"),
        literal(f"{HAZARD_NAMES[hazard]}应急响应已启动"),
        literal(
            f"{region.name}已启动“{name}”应急响应。打开小程序“找服务”可查看最近的避灾安置场所。"
        ),
        literal(f"emergency-{emergency.id}"),
    ).where(User.region_code.startswith(scope_prefix(region.code)))
    session.execute(
        insert(Notification).from_select(
            ["user_id", "kind", "title", "body", "dedupe_key"], residents
        )
    )
    return emergency


def get_emergency(session: Session, *, emergency_id: int) -> Emergency:
    emergency = session.get(Emergency, emergency_id)
    if emergency is None:
        raise NotFound("没有找到这次应急响应。", error="emergency_not_found")
    return emergency


def _in_scope(session: Session, *, principal: Principal, emergency_id: int) -> Emergency:
    permissions.require(principal, roles=("worker",))
    emergency = get_emergency(session, emergency_id=emergency_id)
    permissions.require(principal, region_code=emergency.region_code, check_scope=True)
    return emergency


def close(
    session: Session, *, principal: Principal, emergency_id: int, note: str | None, now: datetime
) -> Emergency:
    """End an emergency: its shelters go back to their usual hours."""
    emergency = _in_scope(session, principal=principal, emergency_id=emergency_id)
    permissions.require(
        principal,
        min_level="county",
        level_message="只有县（市、区）级及以上民政工作人员可以结束应急响应。",
    )
    if emergency.closed_at is not None:
        raise Conflict("这次应急响应已经结束了。", error="already_closed")
    # One UPDATE guarded by closed_at: two closes at once cannot both succeed.
    done = session.execute(
        update(Emergency)
        .where(Emergency.id == emergency.id, Emergency.closed_at.is_(None))
        .values(closed_at=now, closed_by=principal.id, close_note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise Conflict("这次应急响应已经结束了。", error="already_closed")
    session.refresh(emergency)
    return emergency


def list_emergencies(
    session: Session, *, principal: Principal, active: bool | None, page: int, page_size: int
) -> tuple[list[dict], int]:
    """Emergencies, open ones first, newest first (workers)."""
    permissions.require(principal, roles=("worker",))
    query = select(Emergency)
    if active is True:
        query = query.where(Emergency.closed_at.is_(None))
    elif active is False:
        query = query.where(Emergency.closed_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Emergency.closed_at.is_not(None), Emergency.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return describe_many(session, list(rows)), total


def active_emergencies(session: Session) -> list[Emergency]:
    return list(
        session.scalars(
            select(Emergency).where(Emergency.closed_at.is_(None)).order_by(Emergency.id)
        )
    )


def locate(
    session: Session,
    index: GeoIndex | None,
    *,
    lat: float,
    lng: float,
    now: datetime,
    cards=None,
) -> str | None:
    """The region a GCJ-02 position lies in: that of the nearest facility within 20 km."""
    hits, _ = facility_search.search(
        session,
        index,
        lat=lat,
        lng=lng,
        radius_m=LOCATE_RADIUS_M,
        limit=1,
        filters=Filters(),
        now=now,
        cards=cards,
    )
    return hits[0].facility.region_code if hits else None


def covering(
    session: Session,
    index: GeoIndex | None,
    *,
    lat: float,
    lng: float,
    now: datetime,
    cards=None,
) -> tuple[list[dict], str | None]:
    """The active emergencies whose region holds the position, described, and the region found.
    With `cards` (a `facility_cards.CardStore`) both come from Redis when they can."""
    active = None
    if cards is not None:
        try:
            active = cards.open_emergencies(session)
        except redis.RedisError:
            cards = None
    if active is None:
        active = describe_many(session, active_emergencies(session))
    if not active:
        return [], None
    region_code = locate(session, index, lat=lat, lng=lng, now=now, cards=cards)
    return [e for e in active if is_within(region_code, e["region_code"])], region_code


def summary(session: Session, *, principal: Principal, emergency_id: int) -> dict:
    """What the duty officer reports upward: shelters opened, people by group, the nearly full."""
    emergency = _in_scope(session, principal=principal, emergency_id=emergency_id)
    shelters = session.scalars(
        select(Facility)
        .join(EmergencyShelter, EmergencyShelter.facility_id == Facility.id)
        .where(EmergencyShelter.emergency_id == emergency.id)
        .order_by(Facility.region_code, Facility.id)
    ).all()
    live = [s for s in shelters if s.deleted_at is None and s.status != "suspended"]
    groups = dict.fromkeys(OCCUPANT_GROUPS, 0)
    for shelter in live:
        for name, count in (shelter.occupancy_groups or {}).items():
            if name in groups:
                groups[name] += count
    capacity = sum(s.capacity or 0 for s in live)
    people = sum(s.occupancy for s in live)
    nearly_full = [
        {
            "id": s.id,
            "name": s.name,
            "region_code": s.region_code,
            "occupancy": s.occupancy,
            "capacity": s.capacity,
            "percent": round(100 * s.occupancy / s.capacity),
            "occupancy_updated_at": s.occupancy_updated_at,
        }
        for s in live
        if s.capacity and s.occupancy >= NEARLY_FULL * s.capacity
    ]
    nearly_full.sort(key=lambda item: -item["occupancy"] / item["capacity"])
    updated = [s.occupancy_updated_at for s in live if s.occupancy_updated_at]
    return {
        "emergency": describe_many(session, [emergency])[0],
        "shelters_activated": len(shelters),
        "shelters_in_use": sum(1 for s in live if s.occupancy > 0),
        "shelters_reported": sum(
            1
            for s in live
            if s.occupancy_updated_at and s.occupancy_updated_at >= emergency.starts_at
        ),
        "capacity": capacity,
        "people": people,
        "available": max(capacity - people, 0),
        "groups": groups,
        "nearly_full": nearly_full,
        "last_update_at": max(updated) if updated else None,
    }
