"""Facilities: what they are, who may change them, their history, corrections and occupancy.

Workers change the facilities inside their region scope (admins everywhere); every change is an
append-only event with the fields before and after. A delete is soft: the row and its history stay.
Writes stage their Redis index changes on the `GeoIndex` the caller applies after the commit.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from server.errors import Conflict, NotFound, ValidationFailed
from server.models.facilities import (
    HAZARDS,
    OCCUPANT_GROUPS,
    SERVICES,
    EmergencyShelter,
    Facility,
    FacilityEvent,
    FacilitySuggestion,
    OccupancyUpdate,
)
from server.models.users import User
from server.services import common, geo, permissions
from server.services.facility_search import (
    GeoIndex,
    Hit,
    active_shelter_ids,
    facility_open_now,
    is_full,
    mask_of,
    names_of,
)
from server.services.identity import mask_name, mask_phone
from server.services.regions import get_region, scope_prefix
from server.services.users import Principal

TYPE_NAMES = {
    "shelter": "避灾安置场所",
    "home_care": "居家养老服务照料中心",
    "elder_institution": "养老机构",
    "elderly_service_centre": "街道养老服务中心",
    "welfare_home": "福利院",
    "service_centre": "社区服务中心",
}
STATUS_NAMES = {"open": "开放", "closed": "关闭", "full": "已满", "suspended": "暂停使用"}
SERVICE_NAMES = {
    "meals": "助餐",
    "day_care": "日托",
    "rehabilitation": "康复",
    "medical_care": "医养结合",
    "bathing": "助浴",
    "cleaning": "助洁",
    "respite": "喘息服务",
}
HAZARD_NAMES = {"typhoon": "台风", "flood": "洪涝", "earthquake": "地震", "geological": "地质灾害"}

# The fields an event records (and a PATCH may change), in the API's vocabulary.
EDITABLE = (
    "type",
    "name",
    "region_code",
    "address",
    "lat",
    "lng",
    "phone",
    "always_open",
    "opening_hours",
    "capacity",
    "capacity_unit",
    "services",
    "hazards",
    "step_free",
    "accessible_toilet",
    "pets_allowed",
    "status",
    "shelter_level",
    "contact_name",
    "contact_phone",
    "description",
    "external_id",
)


def snapshot(facility: Facility) -> dict:
    """The editable fields of a facility, as the API names them."""
    values = {name: getattr(facility, name) for name in EDITABLE if hasattr(Facility, name)}
    values["services"] = names_of(facility.services_mask, SERVICES)
    values["hazards"] = names_of(facility.hazards_mask, HAZARDS)
    return values


def _apply(facility: Facility, fields: dict) -> None:
    for name, value in fields.items():
        if name == "services":
            facility.services_mask = mask_of(value, SERVICES)
        elif name == "hazards":
            facility.hazards_mask = mask_of(value, HAZARDS)
        else:
            setattr(facility, name, value)


def to_json(value) -> str:
    """JSON text of API data: datetimes as ISO 8601, as the schemas write them."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_iso)


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


class Card(NamedTuple):
    """A facility as the nearest search serves it from Redis (`facility_cards`): the facts its
    filters, distance, open-now and the emergency's region read (as attributes, like a row:
    `card.status`, `card.lat` …), the masks behind `services` and `hazards`, the cache's
    generation; and `public`, its public face without what depends on the moment or the query, as
    JSON text: `describe()`'s fields, less the closing brace, so that an answer is written by
    joining texts rather than by decoding and encoding every card."""

    id: int
    type: str
    region_code: str
    lat: float
    lng: float
    status: str
    capacity: int | None
    occupancy: int
    always_open: bool
    opening_hours: dict
    occupancy_updated_at: str | None
    step_free: bool
    accessible_toilet: bool
    services_mask: int
    hazards_mask: int
    gen: int
    public: str

    def dumps(self) -> str:
        """The card as Redis keeps it: its facts as a JSON list (in field order), a newline, the
        public text (JSON text has no raw newline, so the first one divides them)."""
        return to_json(self[:-1]) + "\n" + self.public

    @classmethod
    def loads(cls, text: str) -> Card:
        facts, public = text.split("\n", 1)
        return cls(*json.loads(facts), public)


CARD_FACTS = Card._fields[:-1]


# What a card is built from: a Facility, or a row of these columns (the editable fields stored as
# they are, the masks behind `services` and `hazards`, and what the system keeps).
CARD_COLUMNS = tuple(
    getattr(Facility, name)
    for name in (
        "id",
        *(name for name in EDITABLE if name not in ("services", "hazards", "external_id")),
        "services_mask",
        "hazards_mask",
        "occupancy",
        "occupancy_updated_at",
        "is_demo",
        "version",
    )
)


def public_fields(facility) -> dict:
    """A facility's public face (a Facility, or a row of CARD_COLUMNS), JSON-ready, the contact
    masked: what `describe` shows less what depends on the moment."""
    services = names_of(facility.services_mask, SERVICES)
    hazards = names_of(facility.hazards_mask, HAZARDS)
    updated = facility.occupancy_updated_at
    return {
        "id": facility.id,
        "type": facility.type,
        "type_name": TYPE_NAMES[facility.type],
        "name": facility.name,
        "region_code": facility.region_code,
        "address": facility.address,
        "lat": facility.lat,
        "lng": facility.lng,
        "phone": facility.phone,
        "always_open": facility.always_open,
        "opening_hours": facility.opening_hours,
        "capacity": facility.capacity,
        "capacity_unit": facility.capacity_unit,
        "occupancy": facility.occupancy,
        "available": (
            max(facility.capacity - facility.occupancy, 0)
            if facility.capacity is not None
            else None
        ),
        "full": is_full(facility),
        "occupancy_updated_at": updated.isoformat() if updated else None,
        "services": services,
        "service_names": [SERVICE_NAMES[s] for s in services],
        "hazards": hazards,
        "hazard_names": [HAZARD_NAMES[h] for h in hazards],
        "step_free": facility.step_free,
        "accessible_toilet": facility.accessible_toilet,
        "pets_allowed": facility.pets_allowed,
        "status": facility.status,
        "status_name": STATUS_NAMES[facility.status],
        "shelter_level": facility.shelter_level,
        # A shelter's contact is a person: the public sees the facility's own phone instead.
        "contact_name": mask_name(facility.contact_name),
        "contact_phone": mask_phone(facility.contact_phone),
        "description": facility.description,
        "is_demo": facility.is_demo,
        "version": facility.version,
    }


def card_of(facility, *, gen: int = 0) -> Card:
    """The card of a Facility (or of a row of CARD_COLUMNS), stamped with generation `gen`."""
    fields = public_fields(facility)
    facts = {
        **fields,
        "services_mask": facility.services_mask,
        "hazards_mask": facility.hazards_mask,
        "gen": gen,
    }
    return Card(*(facts[name] for name in CARD_FACTS), to_json(fields)[:-1])


def _occupancy_age_s(updated: str | None, now: datetime) -> int | None:
    return int((now - datetime.fromisoformat(updated)).total_seconds()) if updated else None


def public_item(fields: dict, *, now: datetime, activated: bool, open_now: bool) -> dict:
    """What the API shows of a facility at `now`: its public fields, open now, activated and the
    age of the occupancy figure."""
    return {
        **fields,
        "open_now": open_now,
        "activated": activated,
        "occupancy_age_s": _occupancy_age_s(fields["occupancy_updated_at"], now),
    }


_JSON = {True: "true", False: "false", None: "null"}


def hit_json(hit: Hit, *, now: datetime) -> str:
    """A search hit as the API shows it (`public_item` and its distance), as JSON text, whichever
    path found it (a card, or a Facility)."""
    card = hit.facility if isinstance(hit.facility, Card) else card_of(hit.facility)
    age = _occupancy_age_s(card.occupancy_updated_at, now)
    return (
        f'{card.public},"open_now":{_JSON[hit.open_now]},"activated":{_JSON[hit.activated]},'
        f'"occupancy_age_s":{_JSON[None] if age is None else age},'
        f'"distance_m":{round(hit.distance_m)}}}'
    )


def describe(facility: Facility, *, now: datetime, worker_view: bool = False) -> dict:
    """A facility as the API shows it: public fields, and for a worker who updated occupancy."""
    activated = bool(getattr(facility, "_activated", False))
    item = public_item(
        public_fields(facility),
        now=now,
        activated=activated,
        open_now=facility_open_now(facility, activated=activated, now=now),
    )
    item["occupancy_updated_at"] = facility.occupancy_updated_at  # the schema writes it
    if worker_view:
        item["contact_name"] = facility.contact_name
        item["contact_phone"] = facility.contact_phone
        item["external_id"] = facility.external_id
        item["occupancy_groups"] = facility.occupancy_groups
        item["occupancy_updated_by"] = facility.occupancy_updated_by
        item["deleted_at"] = facility.deleted_at
    return item


def get_facility(session: Session, *, facility_id: int, include_deleted: bool = False) -> Facility:
    facility = session.get(Facility, facility_id)
    if facility is None or (facility.deleted_at is not None and not include_deleted):
        raise NotFound("没有找到这个服务场所。", error="facility_not_found")
    facility._activated = facility.type == "shelter" and bool(
        session.scalar(
            select(func.count()).select_from(
                active_shelter_ids().where(EmergencyShelter.facility_id == facility.id).subquery()
            )
        )
    )
    return facility


def _writable(session: Session, *, principal: Principal, facility_id: int) -> Facility:
    """A live facility the principal may change (404 outside their scope)."""
    permissions.require(principal, roles=("worker",))
    facility = get_facility(session, facility_id=facility_id)
    permissions.require(principal, region_code=facility.region_code, check_scope=True)
    return facility


def _check_fields(session: Session, fields: dict, *, facility: Facility | None = None) -> None:
    """Rules across fields (the schema checks each field alone)."""
    errors: dict[str, list[str]] = {}
    merged = {**(snapshot(facility) if facility else {}), **fields}
    if "lat" in fields or "lng" in fields:
        if not geo.in_china(merged["lat"], merged["lng"]):
            errors["lat"] = ["位置不在中国境内，请检查经纬度。"]
    if merged.get("type") == "shelter":
        if not merged.get("shelter_level"):
            errors["shelter_level"] = ["避灾安置场所需注明级别（乡镇级或村社区级）。"]
    elif fields.get("shelter_level") or fields.get("hazards"):
        name = "shelter_level" if fields.get("shelter_level") else "hazards"
        errors[name] = ["只有避灾安置场所才有此项。"]
    if (merged.get("capacity") is None) != (merged.get("capacity_unit") is None):
        errors["capacity_unit"] = ["容量和单位要一起填写。"]
    if facility is not None and "capacity" in fields and fields["capacity"] is not None:
        if fields["capacity"] < facility.occupancy:
            errors["capacity"] = [f"容量不能小于当前在住人数（{facility.occupancy}）。"]
    if "external_id" in fields and fields["external_id"]:
        other = session.scalar(
            select(Facility.id).where(Facility.external_id == fields["external_id"])
        )
        if other is not None and (facility is None or other != facility.id):
            errors["external_id"] = ["这个外部编号已被另一场所使用。"]
    if errors:
        raise ValidationFailed(errors)


def _event(
    session: Session,
    facility: Facility,
    *,
    actor_id: int | None,
    action: str,
    before: dict | None,
    after: dict | None,
    reason: str | None = None,
    emergency_id: int | None = None,
) -> None:
    session.add(
        FacilityEvent(
            facility_id=facility.id,
            actor_id=actor_id,
            action=action,
            before=_jsonable(before),
            after=_jsonable(after),
            reason=reason,
            emergency_id=emergency_id,
        )
    )


def _jsonable(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


def create_facility(
    session: Session, *, principal: Principal, index: GeoIndex, **fields
) -> Facility:
    """Add a facility inside the worker's scope."""
    permissions.require(principal, roles=("worker",))
    # The region as stored (a padded 12-digit code names the same region).
    fields["region_code"] = get_region(session, code=fields["region_code"]).code
    permissions.require(principal, region_code=fields["region_code"], check_scope=True)
    _check_fields(session, fields)
    facility = Facility(opening_hours={})
    _apply(facility, fields)
    session.add(facility)
    session.flush()
    _event(
        session,
        facility,
        actor_id=principal.id,
        action="created",
        before=None,
        after=snapshot(facility),
    )
    index.stage_put(facility)
    facility._activated = False
    return facility


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(
            "这个场所的信息已被他人更新，请刷新后再操作。", error="stale_version"
        ) from exc


def _check_version(facility: Facility, version: int) -> None:
    if facility.version != version:
        raise Conflict(
            "这个场所的信息已被他人更新，请刷新后再操作。",
            error="stale_version",
            extra={"version": facility.version},
        )


def update_facility(
    session: Session,
    *,
    principal: Principal,
    index: GeoIndex,
    facility_id: int,
    version: int,
    reason: str | None = None,
    **fields,
) -> Facility:
    """Change some fields; the event keeps only what changed, before and after."""
    facility = _writable(session, principal=principal, facility_id=facility_id)
    _check_version(facility, version)
    if fields.get("type") and fields["type"] != "shelter":
        # Hazards and the shelter level belong to shelters only: they go with the type.
        fields.setdefault("hazards", [])
        fields.setdefault("shelter_level", None)
    if "region_code" in fields:
        fields["region_code"] = get_region(session, code=fields["region_code"]).code
        permissions.require(principal, region_code=fields["region_code"], check_scope=True)
    _check_fields(session, fields, facility=facility)
    before_all = snapshot(facility)
    old_type = facility.type
    _apply(facility, fields)
    after_all = snapshot(facility)
    changed = [name for name in after_all if after_all[name] != before_all[name]]
    if not changed:
        return facility
    _flush(session)
    _event(
        session,
        facility,
        actor_id=principal.id,
        action="updated",
        before={name: before_all[name] for name in changed},
        after={name: after_all[name] for name in changed},
        reason=reason,
    )
    if {"lat", "lng", "type"} & set(changed):
        index.stage_put(facility, old_type=old_type)
    return facility


def delete_facility(
    session: Session,
    *,
    principal: Principal,
    index: GeoIndex,
    facility_id: int,
    reason: str | None,
    now: datetime,
) -> None:
    """Soft delete: it leaves every search and listing; the row and its history stay."""
    facility = _writable(session, principal=principal, facility_id=facility_id)
    facility.deleted_at = now
    _flush(session)
    _event(
        session,
        facility,
        actor_id=principal.id,
        action="deleted",
        before=None,
        after=None,
        reason=reason,
    )
    index.stage_remove(facility)


def list_facilities(
    session: Session,
    *,
    types: list[str] | None,
    region_code: str | None,
    q: str | None,
    page: int,
    page_size: int,
) -> tuple[list[Facility], int]:
    """Live facilities by type and region (and a name fragment), by region then id."""
    query = select(Facility).where(Facility.deleted_at.is_(None))
    if types:
        query = query.where(Facility.type.in_(types))
    if region_code:
        region = get_region(session, code=region_code)
        query = query.where(Facility.region_code.startswith(scope_prefix(region.code)))
    if q:
        query = query.where(Facility.name.contains(q, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Facility.region_code, Facility.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    activated = set()
    shelter_ids = [row.id for row in rows if row.type == "shelter"]
    if shelter_ids:
        activated = set(
            session.scalars(
                active_shelter_ids().where(EmergencyShelter.facility_id.in_(shelter_ids))
            )
        )
    for row in rows:
        row._activated = row.id in activated
    return list(rows), total


def history(
    session: Session, *, principal: Principal, facility_id: int, page: int, page_size: int
) -> tuple[list[dict], int]:
    """A facility's events, newest first (workers in scope; deleted ones too)."""
    permissions.require(principal, roles=("worker",))
    facility = get_facility(session, facility_id=facility_id, include_deleted=True)
    permissions.require(principal, region_code=facility.region_code, check_scope=True)
    query = select(FacilityEvent, User.real_name).outerjoin(User, User.id == FacilityEvent.actor_id)
    query = query.where(FacilityEvent.facility_id == facility_id)
    total = session.scalar(
        select(func.count())
        .select_from(FacilityEvent)
        .where(FacilityEvent.facility_id == facility_id)
    )
    rows = session.execute(
        query.order_by(FacilityEvent.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return [
        {
            "id": event.id,
            "action": event.action,
            "actor_id": event.actor_id,
            "actor_name": mask_name(name) if name else None,
            "before": event.before,
            "after": event.after,
            "reason": event.reason,
            "emergency_id": event.emergency_id,
            "created_at": event.created_at,
        }
        for event, name in rows
    ], total


# --- occupancy -----------------------------------------------------------------------------------


def update_occupancy(
    session: Session,
    *,
    principal: Principal,
    facility_id: int,
    version: int,
    occupancy: int,
    groups: dict[str, int] | None,
    now: datetime,
) -> Facility:
    """Report how many people are in a facility now (a stale `version` changes nothing)."""
    facility = _writable(session, principal=principal, facility_id=facility_id)
    _check_version(facility, version)
    errors: dict[str, list[str]] = {}
    if facility.capacity is not None and occupancy > facility.capacity:
        errors["occupancy"] = [f"超过了容量（{facility.capacity}），请核实人数。"]
    groups = {k: v for k, v in (groups or {}).items() if v is not None}
    for name, count in groups.items():
        if count > occupancy:
            errors[f"groups.{name}"] = ["分类人数不能超过总人数。"]
    if groups.get("men", 0) + groups.get("women", 0) > occupancy:
        errors["groups.women"] = ["男女人数之和不能超过总人数。"]
    if errors:
        raise ValidationFailed(errors)
    before = {
        "occupancy": facility.occupancy,
        "groups": facility.occupancy_groups,
        "status": facility.status,
    }
    facility.occupancy = occupancy
    facility.occupancy_groups = groups or None
    facility.occupancy_updated_at = now
    facility.occupancy_updated_by = principal.id
    if facility.capacity is not None:
        if occupancy >= facility.capacity and facility.status == "open":
            facility.status = "full"
        elif occupancy < facility.capacity and facility.status == "full":
            facility.status = "open"
    _flush(session)
    emergency_id = session.scalar(
        active_shelter_ids()
        .with_only_columns(EmergencyShelter.emergency_id)
        .where(EmergencyShelter.facility_id == facility.id)
        .order_by(EmergencyShelter.emergency_id.desc())
        .limit(1)
    )
    session.add(
        OccupancyUpdate(
            facility_id=facility.id,
            emergency_id=emergency_id,
            occupancy=occupancy,
            groups=groups or None,
            updated_by=principal.id,
            created_at=now,
        )
    )
    _event(
        session,
        facility,
        actor_id=principal.id,
        action="occupancy",
        before=before,
        after={"occupancy": occupancy, "groups": groups or None, "status": facility.status},
        emergency_id=emergency_id,
    )
    return facility


def occupancy_history(
    session: Session, *, principal: Principal, facility_id: int, page: int, page_size: int
) -> tuple[list[OccupancyUpdate], int]:
    facility = _writable(session, principal=principal, facility_id=facility_id)
    where = OccupancyUpdate.facility_id == facility.id
    total = session.scalar(select(func.count()).select_from(OccupancyUpdate).where(where))
    rows = session.scalars(
        select(OccupancyUpdate)
        .where(where)
        .order_by(OccupancyUpdate.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(rows), total


# --- corrections from residents ------------------------------------------------------------------

SUGGESTION_APPLIES = ("phone", "address", "lat", "lng", "opening_hours", "always_open")


def suggest(
    session: Session,
    *,
    principal: Principal,
    facility_id: int,
    kind: str,
    message: str | None,
    proposed: dict | None,
) -> FacilitySuggestion:
    """A resident reports something wrong with a facility."""
    facility = get_facility(session, facility_id=facility_id)
    proposed = {k: v for k, v in (proposed or {}).items() if v is not None} or None
    if proposed and ("lat" in proposed) != ("lng" in proposed):
        raise ValidationFailed({"proposed.lng": ["经纬度要一起填写。"]})
    if proposed and "lat" in proposed and not geo.in_china(proposed["lat"], proposed["lng"]):
        raise ValidationFailed({"proposed.lat": ["位置不在中国境内，请检查经纬度。"]})
    if not message and not proposed and kind != "closed":
        raise ValidationFailed({"message": ["请说明哪里不对，或填写正确的信息。"]})
    suggestion = FacilitySuggestion(
        facility_id=facility.id,
        user_id=principal.id,
        kind=kind,
        message=message,
        proposed=proposed,
    )
    session.add(suggestion)
    session.flush()
    return suggestion


def describe_suggestion(suggestion: FacilitySuggestion, facility: Facility | None = None) -> dict:
    item = {
        "id": suggestion.id,
        "facility_id": suggestion.facility_id,
        "kind": suggestion.kind,
        "message": suggestion.message,
        "proposed": suggestion.proposed,
        "status": suggestion.status,
        "handled_at": suggestion.handled_at,
        "handle_note": suggestion.handle_note,
        "created_at": suggestion.created_at,
    }
    if facility is not None:
        item["facility_name"] = facility.name
    return item


def list_suggestions(
    session: Session, *, principal: Principal, status: str | None, page: int, page_size: int
) -> tuple[list[dict], int]:
    """Corrections about facilities in the worker's scope, oldest pending first."""
    permissions.require(principal, roles=("worker",))
    query = select(FacilitySuggestion, Facility).join(
        Facility, Facility.id == FacilitySuggestion.facility_id
    )
    if not permissions.is_admin(principal):
        query = query.where(
            Facility.region_code.startswith(scope_prefix(principal.worker_region_code))
        )
    if status:
        query = query.where(FacilitySuggestion.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(
        query.order_by(FacilitySuggestion.id).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return [describe_suggestion(s, f) for s, f in rows], total


def handle_suggestion(
    session: Session,
    *,
    principal: Principal,
    index: GeoIndex,
    suggestion_id: int,
    accept: bool,
    note: str | None,
    now: datetime,
) -> dict:
    """Accept (apply what was proposed; "closed" closes the facility) or dismiss a correction;
    the resident is told either way."""
    permissions.require(principal, roles=("worker",))
    suggestion = session.get(FacilitySuggestion, suggestion_id)
    if suggestion is None:
        raise NotFound("没有找到这条纠错。", error="suggestion_not_found")
    facility = session.get(Facility, suggestion.facility_id)
    permissions.require(principal, region_code=facility.region_code, check_scope=True)
    if suggestion.status != "pending":
        raise Conflict("这条纠错已经处理过了。", error="already_handled")
    if not accept and not note:
        raise ValidationFailed({"note": ["不采纳时请写明原因。"]})
    if accept:
        if facility.deleted_at is not None:
            raise Conflict("这个场所已被删除，无法采纳。", error="facility_deleted")
        changes = {k: v for k, v in (suggestion.proposed or {}).items() if k in SUGGESTION_APPLIES}
        if suggestion.kind == "closed":
            changes["status"] = "closed"
        if changes:
            update_facility(
                session,
                principal=principal,
                index=index,
                facility_id=facility.id,
                version=facility.version,
                reason=f"采纳群众纠错 #{suggestion.id}" + (f"：{note}" if note else ""),
                **changes,
            )
    suggestion.status = "accepted" if accept else "dismissed"
    suggestion.handled_by = principal.id
    suggestion.handled_at = now
    suggestion.handle_note = note
    verdict = "已采纳，谢谢您" if accept else "未被采纳"
    common.notify(
        session,
        user_id=suggestion.user_id,
        kind="facilities.suggestion_handled",
        title="场所纠错处理结果",
        body=f"您对“{facility.name}”的纠错{verdict}。" + (f"说明：{note}" if note else ""),
        data={
            "facility_id": facility.id,
            "suggestion_id": suggestion.id,
            "status": suggestion.status,
        },
    )
    session.flush()
    return describe_suggestion(suggestion, facility)


OCCUPANT_GROUP_NAMES = {
    "men": "男性",
    "women": "女性",
    "children": "儿童",
    "infants": "婴幼儿",
    "elderly": "老人",
    "disabled": "残疾人",
}
assert set(OCCUPANT_GROUP_NAMES) == set(OCCUPANT_GROUPS)
