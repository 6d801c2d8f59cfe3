"""Facilities (找服务) and emergency mode."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response

from server.api import Blueprint, public_limit, rate_limited, write_limit
from server.api.security import after_commit, current_principal
from server.errors import ValidationFailed
from server.extensions import db, redis_client
from server.schemas import facilities as schemas
from server.schemas.common import ErrorSchema
from server.services import emergencies as emergency_service
from server.services import facilities as service
from server.services import facility_search, geo
from server.services.facilities import to_json
from server.services.facility_cards import CardStore
from server.services.facility_search import Filters, GeoIndex

blp = Blueprint(
    "facilities", __name__, url_prefix="/api/v1/facilities", description="Facilities nearby"
)
emergency_blp = Blueprint(
    "emergencies", __name__, url_prefix="/api/v1/emergencies", description="Emergency mode"
)


def now() -> datetime:
    return datetime.now(UTC)


def read_index() -> GeoIndex:
    return GeoIndex(redis_client.client)


def write_index() -> GeoIndex:
    """An index whose staged changes reach Redis once the request's transaction commits."""
    index = GeoIndex(redis_client.client)
    after_commit(index.apply)
    return index


def gcj02(args: dict) -> tuple[float, float]:
    """The query position in GCJ-02; a 422 naming the field when it is outside China."""
    if not geo.in_china(args["lat"], args["lng"]):
        raise ValidationFailed(
            {"lat": ["位置不在中国境内。"], "lng": ["位置不在中国境内。"]},
            location="query",
        )
    return geo.to_gcj02(args["lat"], args["lng"], args["coord_type"])


def _worker_view(facility) -> dict:
    return service.describe(facility, now=now(), worker_view=True)


# --- the public search ----------------------------------------------------------------------------


@blp.route("/nearby", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(schemas.NearbyArgsSchema, location="query")
@blp.response(200, schemas.NearbySchema)
def nearby(args):
    """The nearest places that can help, nearest first, with distance, open-now and room.

    In an active emergency where the point stands, shelters are only those it activated, and the
    full ones come last."""
    lat, lng = gcj02(args)
    index = read_index()
    cards = CardStore(index.client)
    at = now()
    types = tuple(dict.fromkeys(args.get("types") or facility_search.FACILITY_TYPES))
    # The usual answer's Redis reads in one round trip; the search then reads only what it lacks.
    cards.prefetch(types=types, lat=lat, lng=lng, radius_m=args["radius_m"], limit=args["limit"])
    covering = []
    if "shelter" in types:
        covering, _ = emergency_service.covering(
            db.session, index, lat=lat, lng=lng, now=at, cards=cards
        )
    filters = Filters(
        types=types,
        open_now=args["open_now"],
        has_space=args["has_space"],
        hazard=args.get("hazard"),
        services=tuple(args.get("services") or ()),
        accessible=args["accessible"],
        emergency_mode=bool(covering),
    )
    hits, _source = facility_search.search(
        db.session,
        index,
        lat=lat,
        lng=lng,
        radius_m=args["radius_m"],
        limit=args["limit"],
        filters=filters,
        now=at,
        cards=cards,
    )
    # Written here rather than by the schema: the items join the cards' JSON texts as they are
    # (tests/api/test_nearby_api.py checks that this is what NearbySchema would write).
    items = ",".join(service.hit_json(hit, now=at) for hit in hits)
    rest = to_json({"emergencies": covering, "lat": lat, "lng": lng})
    return Response(f'{{"items":[{items}],{rest[1:]}', mimetype="application/json")


@blp.route("", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(schemas.FacilityListArgsSchema, location="query")
@blp.response(200, schemas.FacilitySchema(many=True))
@blp.paginate()
@blp.alt_response(404, schema=ErrorSchema, description="No such region")
def list_facilities(args, pagination_parameters):
    """Facilities by type and region (and a name fragment), paginated."""
    rows, total = service.list_facilities(
        db.session,
        types=args.get("type"),
        region_code=args.get("region_code"),
        q=args.get("q"),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    at = now()
    return [service.describe(row, now=at) for row in rows]


@blp.route("/<int:facility_id>", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.response(200, schemas.FacilitySchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such facility")
def get_facility(facility_id):
    """One facility: hours, services, accessibility, phone, room."""
    return service.describe(service.get_facility(db.session, facility_id=facility_id), now=now())


# --- changes by workers ---------------------------------------------------------------------------


@blp.route("", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.FacilityCreateSchema)
@blp.response(201, schemas.FacilitySchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Region unknown or outside the scope")
def create_facility(body):
    """Add a facility in my region (workers; admins anywhere)."""
    facility = service.create_facility(
        db.session, principal=current_principal(), index=write_index(), **body
    )
    return _worker_view(facility)


@blp.route("/<int:facility_id>", methods=["PATCH"])
@rate_limited(write_limit)
@blp.arguments(schemas.FacilityUpdateSchema)
@blp.response(200, schemas.FacilitySchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Stale version")
def update_facility(body, facility_id):
    """Change a facility (with the `version` read); the change is kept as an event."""
    facility = service.update_facility(
        db.session,
        principal=current_principal(),
        index=write_index(),
        facility_id=facility_id,
        **body,
    )
    return _worker_view(facility)


@blp.route("/<int:facility_id>", methods=["DELETE"])
@rate_limited(write_limit)
@blp.arguments(schemas.DeleteArgsSchema, location="query")
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
def delete_facility(args, facility_id):
    """Remove a facility from every search (soft delete: its history stays)."""
    service.delete_facility(
        db.session,
        principal=current_principal(),
        index=write_index(),
        facility_id=facility_id,
        reason=args.get("reason"),
        now=now(),
    )


@blp.route("/<int:facility_id>/events", methods=["GET"])
@blp.response(200, schemas.FacilityEventSchema(many=True))
@blp.paginate()
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
def facility_events(facility_id, pagination_parameters):
    """Every change of a facility, newest first: who, what, before, after."""
    items, total = service.history(
        db.session,
        principal=current_principal(),
        facility_id=facility_id,
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/<int:facility_id>/occupancy", methods=["PUT"])
@rate_limited(write_limit)
@blp.arguments(schemas.OccupancyUpdateSchema)
@blp.response(200, schemas.FacilitySchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Stale version")
def update_occupancy(body, facility_id):
    """Report how many people are here now (and who); above capacity is a 422."""
    facility = service.update_occupancy(
        db.session,
        principal=current_principal(),
        facility_id=facility_id,
        version=body["version"],
        occupancy=body["occupancy"],
        groups=body.get("groups"),
        now=now(),
    )
    return _worker_view(facility)


@blp.route("/<int:facility_id>/occupancy", methods=["GET"])
@blp.response(200, schemas.OccupancyRecordSchema(many=True))
@blp.paginate()
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
def occupancy_history(facility_id, pagination_parameters):
    """Every occupancy report of a facility, newest first (a shelter's night, read back)."""
    rows, total = service.occupancy_history(
        db.session,
        principal=current_principal(),
        facility_id=facility_id,
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return rows


# --- corrections from residents -------------------------------------------------------------------


@blp.route("/<int:facility_id>/suggestions", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.SuggestionCreateSchema)
@blp.response(201, schemas.SuggestionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such facility")
def suggest(body, facility_id):
    """Tell the bureau something is wrong: wrong phone, closed, moved …"""
    suggestion = service.suggest(
        db.session,
        principal=current_principal(),
        facility_id=facility_id,
        kind=body["kind"],
        message=body.get("message"),
        proposed=body.get("proposed"),
    )
    return service.describe_suggestion(suggestion)


@blp.route("/suggestions", methods=["GET"])
@blp.arguments(schemas.SuggestionListArgsSchema, location="query")
@blp.response(200, schemas.SuggestionSchema(many=True))
@blp.paginate()
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
def list_suggestions(args, pagination_parameters):
    """Corrections about facilities in my scope, oldest first."""
    items, total = service.list_suggestions(
        db.session,
        principal=current_principal(),
        status=args.get("status"),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


def _handle(body, suggestion_id, *, accept: bool) -> dict:
    return service.handle_suggestion(
        db.session,
        principal=current_principal(),
        index=write_index(),
        suggestion_id=suggestion_id,
        accept=accept,
        note=body.get("note"),
        now=now(),
    )


@blp.route("/suggestions/<int:suggestion_id>/accept", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.SuggestionHandleSchema)
@blp.response(200, schemas.SuggestionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already handled")
def accept_suggestion(body, suggestion_id):
    """Accept a correction: what it proposes is applied (\"closed\" closes the facility)."""
    return _handle(body, suggestion_id, accept=True)


@blp.route("/suggestions/<int:suggestion_id>/dismiss", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.SuggestionHandleSchema)
@blp.response(200, schemas.SuggestionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already handled")
def dismiss_suggestion(body, suggestion_id):
    """Dismiss a correction, with a note saying why."""
    return _handle(body, suggestion_id, accept=False)


# --- emergencies ---------------------------------------------------------------------------------


@emergency_blp.route("", methods=["POST"])
@rate_limited(write_limit)
@emergency_blp.arguments(schemas.EmergencyCreateSchema)
@emergency_blp.response(201, schemas.EmergencyBriefSchema)
@emergency_blp.alt_response(403, schema=ErrorSchema, description="Below county level")
@emergency_blp.alt_response(404, schema=ErrorSchema, description="Region outside the scope")
def declare_emergency(body):
    """Open an emergency over a region: its shelters safe for the hazard are activated and the
    residents who live there are told."""
    emergency = emergency_service.declare(
        db.session,
        principal=current_principal(),
        name=body["name"],
        hazard=body["hazard"],
        region_code=body["region_code"],
        starts_at=body.get("starts_at") or now(),
    )
    return emergency_service.describe_many(db.session, [emergency])[0]


@emergency_blp.route("", methods=["GET"])
@emergency_blp.arguments(schemas.EmergencyListArgsSchema, location="query")
@emergency_blp.response(200, schemas.EmergencyBriefSchema(many=True))
@emergency_blp.paginate()
@emergency_blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
def list_emergencies(args, pagination_parameters):
    """Emergencies, open ones first (workers)."""
    items, total = emergency_service.list_emergencies(
        db.session,
        principal=current_principal(),
        active=args.get("active"),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@emergency_blp.route("/active", methods=["GET"])
@emergency_blp.public
@rate_limited(public_limit)
@emergency_blp.arguments(schemas.ActiveArgsSchema, location="query")
@emergency_blp.response(200, schemas.ActiveSchema)
def active_emergencies(args):
    """Whether a phone stands in an active emergency (with a position), or every active one."""
    if ("lat" in args) != ("lng" in args):
        missing = "lng" if "lat" in args else "lat"
        raise ValidationFailed({missing: ["经纬度要一起提供。"]}, location="query")
    if "lat" not in args:
        active = emergency_service.active_emergencies(db.session)
        return {
            "in_emergency": None,
            "region_code": None,
            "emergencies": emergency_service.describe_many(db.session, active),
        }
    lat, lng = gcj02(args)
    index = read_index()
    covering, region_code = emergency_service.covering(
        db.session, index, lat=lat, lng=lng, now=now(), cards=CardStore(index.client)
    )
    body = {"in_emergency": bool(covering), "region_code": region_code, "emergencies": covering}
    return Response(to_json(body), mimetype="application/json")  # as ActiveSchema writes it


@emergency_blp.route("/<int:emergency_id>/close", methods=["POST"])
@rate_limited(write_limit)
@emergency_blp.arguments(schemas.EmergencyCloseSchema)
@emergency_blp.response(200, schemas.EmergencyBriefSchema)
@emergency_blp.alt_response(403, schema=ErrorSchema, description="Below county level")
@emergency_blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@emergency_blp.alt_response(409, schema=ErrorSchema, description="Already closed")
def close_emergency(body, emergency_id):
    """End an emergency: its shelters go back to their usual hours."""
    emergency = emergency_service.close(
        db.session,
        principal=current_principal(),
        emergency_id=emergency_id,
        note=body.get("note"),
        now=now(),
    )
    return emergency_service.describe_many(db.session, [emergency])[0]


@emergency_blp.route("/<int:emergency_id>/summary", methods=["GET"])
@emergency_blp.response(200, schemas.SummarySchema)
@emergency_blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@emergency_blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
def emergency_summary(emergency_id):
    """Shelters opened, people sheltered by group, shelters above 90%: the duty report."""
    return emergency_service.summary(
        db.session, principal=current_principal(), emergency_id=emergency_id
    )
