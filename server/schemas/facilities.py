"""Facilities, the nearest search, corrections, occupancy and emergencies."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from server.models.facilities import (
    CAPACITY_UNITS,
    FACILITY_STATUSES,
    FACILITY_TYPES,
    HAZARDS,
    SERVICES,
    SHELTER_LEVELS,
    SUGGESTION_KINDS,
    SUGGESTION_STATUSES,
)
from server.services import opening_hours

DEFAULT_RADIUS_M = 5_000
MAX_RADIUS_M = 50_000
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

LAT = validate.Range(min=-90, max=90)
LNG = validate.Range(min=-180, max=180)
PHONE = validate.Regexp(r"^[0-9+\-() ]{3,32}$", error="电话号码只能包含数字、空格和 +-()。")
REGION = validate.Length(min=2, max=12)


def _hours(value: dict) -> None:
    problems = opening_hours.validate(value)
    if problems:
        raise ma.ValidationError(problems)


class OpeningHoursField(ma.fields.Dict):
    def __init__(self, **kwargs):
        super().__init__(
            keys=ma.fields.String(),
            values=ma.fields.List(ma.fields.String(validate=validate.Length(max=11))),
            validate=_hours,
            metadata={
                "description": 'weekday (mon … sun) → ["08:00-11:30", "13:30-17:00"]; '
                '"20:00-06:00" runs past midnight',
                "example": {"mon": ["08:00-17:00"], "sat": [], "sun": []},
            },
            **kwargs,
        )


class _FacilityFields(ma.Schema):
    name = ma.fields.String(validate=validate.Length(min=1, max=100))
    type = ma.fields.String(validate=validate.OneOf(FACILITY_TYPES))
    region_code = ma.fields.String(validate=REGION)
    address = ma.fields.String(validate=validate.Length(max=200))
    lat = ma.fields.Float(validate=LAT, allow_nan=False, metadata={"description": "GCJ-02"})
    lng = ma.fields.Float(validate=LNG, allow_nan=False, metadata={"description": "GCJ-02"})
    phone = ma.fields.String(allow_none=True, validate=PHONE)
    always_open = ma.fields.Boolean()
    opening_hours = OpeningHoursField()
    capacity = ma.fields.Integer(
        allow_none=True, strict=True, validate=validate.Range(min=0, max=1_000_000)
    )
    capacity_unit = ma.fields.String(allow_none=True, validate=validate.OneOf(CAPACITY_UNITS))
    services = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(SERVICES)), validate=validate.Length(max=20)
    )
    hazards = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(HAZARDS)), validate=validate.Length(max=10)
    )
    step_free = ma.fields.Boolean()
    accessible_toilet = ma.fields.Boolean()
    pets_allowed = ma.fields.Boolean()
    status = ma.fields.String(validate=validate.OneOf(FACILITY_STATUSES))
    shelter_level = ma.fields.String(allow_none=True, validate=validate.OneOf(SHELTER_LEVELS))
    contact_name = ma.fields.String(allow_none=True, validate=validate.Length(max=32))
    contact_phone = ma.fields.String(allow_none=True, validate=PHONE)
    description = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    external_id = ma.fields.String(allow_none=True, validate=validate.Length(min=1, max=64))

    @ma.post_load
    def _unique_lists(self, data, **_kwargs):
        for name in ("services", "hazards"):
            if name in data:
                data[name] = list(dict.fromkeys(data[name]))
        return data


class FacilityCreateSchema(_FacilityFields):
    """The required fields; the rest default (no opening hours, no capacity, status open)."""

    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = ma.fields.String(required=True, validate=validate.OneOf(FACILITY_TYPES))
    region_code = ma.fields.String(required=True, validate=REGION)
    lat = ma.fields.Float(
        required=True, validate=LAT, allow_nan=False, metadata={"description": "GCJ-02"}
    )
    lng = ma.fields.Float(
        required=True, validate=LNG, allow_nan=False, metadata={"description": "GCJ-02"}
    )


class FacilityUpdateSchema(_FacilityFields):
    version = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    reason = ma.fields.String(validate=validate.Length(max=500))


class FacilitySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    type = ma.fields.String(required=True)
    type_name = ma.fields.String(required=True, metadata={"example": "避灾安置场所"})
    name = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True)
    address = ma.fields.String(required=True)
    lat = ma.fields.Float(required=True, metadata={"description": "GCJ-02"})
    lng = ma.fields.Float(required=True, metadata={"description": "GCJ-02"})
    phone = ma.fields.String(allow_none=True)
    always_open = ma.fields.Boolean(required=True)
    opening_hours = ma.fields.Dict(required=True)
    open_now = ma.fields.Boolean(required=True, metadata={"description": "in Asia/Shanghai time"})
    capacity = ma.fields.Integer(allow_none=True)
    capacity_unit = ma.fields.String(allow_none=True)
    occupancy = ma.fields.Integer(required=True)
    available = ma.fields.Integer(
        allow_none=True, metadata={"description": "capacity − occupancy; null when unknown"}
    )
    full = ma.fields.Boolean(required=True)
    occupancy_updated_at = ma.fields.AwareDateTime(allow_none=True)
    occupancy_age_s = ma.fields.Integer(
        allow_none=True, metadata={"description": "how old the occupancy figure is, seconds"}
    )
    services = ma.fields.List(ma.fields.String(), required=True)
    service_names = ma.fields.List(ma.fields.String(), required=True)
    hazards = ma.fields.List(ma.fields.String(), required=True)
    hazard_names = ma.fields.List(ma.fields.String(), required=True)
    step_free = ma.fields.Boolean(required=True)
    accessible_toilet = ma.fields.Boolean(required=True)
    pets_allowed = ma.fields.Boolean(required=True)
    status = ma.fields.String(required=True)
    status_name = ma.fields.String(required=True)
    shelter_level = ma.fields.String(allow_none=True)
    contact_name = ma.fields.String(allow_none=True)
    contact_phone = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    activated = ma.fields.Boolean(
        required=True, metadata={"description": "a shelter opened by an active emergency"}
    )
    is_demo = ma.fields.Boolean(
        required=True, metadata={"description": "generated demo data, not a real place"}
    )
    version = ma.fields.Integer(required=True)
    distance_m = ma.fields.Integer(metadata={"description": "from the query point, metres"})
    # For workers only.
    external_id = ma.fields.String(allow_none=True)
    occupancy_groups = ma.fields.Dict(allow_none=True)
    occupancy_updated_by = ma.fields.Integer(allow_none=True)
    deleted_at = ma.fields.AwareDateTime(allow_none=True)


class CoordinatesArgs(ma.Schema):
    lat = ma.fields.Float(required=True, validate=LAT, allow_nan=False)
    lng = ma.fields.Float(required=True, validate=LNG, allow_nan=False)
    coord_type = ma.fields.String(
        load_default="gcj02",
        validate=validate.OneOf(("gcj02", "wgs84")),
        metadata={"description": "gcj02 (wx.getLocation type gcj02, the default) or wgs84"},
    )


class NearbyArgsSchema(CoordinatesArgs):
    types = DelimitedList(
        ma.fields.String(validate=validate.OneOf(FACILITY_TYPES)),
        metadata={"description": "comma-separated; all types when absent"},
    )
    radius_m = ma.fields.Integer(
        load_default=DEFAULT_RADIUS_M, validate=validate.Range(min=1, max=MAX_RADIUS_M)
    )
    limit = ma.fields.Integer(
        load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT)
    )
    open_now = ma.fields.Boolean(load_default=False)
    has_space = ma.fields.Boolean(load_default=False)
    hazard = ma.fields.String(validate=validate.OneOf(HAZARDS))
    services = DelimitedList(
        ma.fields.String(validate=validate.OneOf(SERVICES)),
        metadata={"description": "comma-separated; places offering all of them"},
    )
    accessible = ma.fields.Boolean(
        load_default=False, metadata={"description": "step-free with an accessible toilet"}
    )


class EmergencyBriefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    hazard = ma.fields.String(required=True)
    hazard_name = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True)
    region_name = ma.fields.String(allow_none=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    active = ma.fields.Boolean(required=True)
    shelters_activated = ma.fields.Integer(allow_none=True)


class NearbySchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FacilitySchema), required=True)
    emergencies = ma.fields.List(
        ma.fields.Nested(EmergencyBriefSchema),
        required=True,
        metadata={"description": "active emergencies where the point stands (shelters filtered)"},
    )
    lat = ma.fields.Float(required=True, metadata={"description": "the query point in GCJ-02"})
    lng = ma.fields.Float(required=True)


class FacilityListArgsSchema(ma.Schema):
    type = DelimitedList(ma.fields.String(validate=validate.OneOf(FACILITY_TYPES)))
    region_code = ma.fields.String(validate=REGION)
    q = ma.fields.String(validate=validate.Length(min=1, max=50))


class DeleteArgsSchema(ma.Schema):
    reason = ma.fields.String(validate=validate.Length(max=500))


class FacilityEventSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    action = ma.fields.String(required=True)
    actor_id = ma.fields.Integer(allow_none=True)
    actor_name = ma.fields.String(allow_none=True, metadata={"description": "masked"})
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    emergency_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)


class GroupsSchema(ma.Schema):
    men = ma.fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))
    women = ma.fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))
    children = ma.fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))
    infants = ma.fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))
    elderly = ma.fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))
    disabled = ma.fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))


class OccupancyUpdateSchema(ma.Schema):
    occupancy = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=1_000_000)
    )
    groups = ma.fields.Nested(GroupsSchema)
    version = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class OccupancyRecordSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    occupancy = ma.fields.Integer(required=True)
    groups = ma.fields.Dict(allow_none=True)
    emergency_id = ma.fields.Integer(allow_none=True)
    updated_by = ma.fields.Integer(required=True)
    created_at = ma.fields.AwareDateTime(required=True)


class ProposedSchema(ma.Schema):
    phone = ma.fields.String(validate=PHONE)
    address = ma.fields.String(validate=validate.Length(min=1, max=200))
    lat = ma.fields.Float(validate=LAT, allow_nan=False, metadata={"description": "GCJ-02"})
    lng = ma.fields.Float(validate=LNG, allow_nan=False, metadata={"description": "GCJ-02"})
    opening_hours = OpeningHoursField()
    always_open = ma.fields.Boolean()


class SuggestionCreateSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(SUGGESTION_KINDS))
    message = ma.fields.String(validate=validate.Length(max=500))
    proposed = ma.fields.Nested(ProposedSchema)


class SuggestionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    facility_id = ma.fields.Integer(required=True)
    facility_name = ma.fields.String()
    kind = ma.fields.String(required=True)
    message = ma.fields.String(allow_none=True)
    proposed = ma.fields.Dict(allow_none=True)
    status = ma.fields.String(required=True)
    handled_at = ma.fields.AwareDateTime(allow_none=True)
    handle_note = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)


class SuggestionListArgsSchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(SUGGESTION_STATUSES))


class SuggestionHandleSchema(ma.Schema):
    note = ma.fields.String(validate=validate.Length(max=500))


class EmergencyCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    hazard = ma.fields.String(required=True, validate=validate.OneOf(HAZARDS))
    region_code = ma.fields.String(required=True, validate=REGION)
    starts_at = ma.fields.AwareDateTime(metadata={"description": "now when absent"})


class EmergencyCloseSchema(ma.Schema):
    note = ma.fields.String(validate=validate.Length(max=500))


class EmergencyListArgsSchema(ma.Schema):
    active = ma.fields.Boolean()


class ActiveArgsSchema(ma.Schema):
    lat = ma.fields.Float(validate=LAT, allow_nan=False)
    lng = ma.fields.Float(validate=LNG, allow_nan=False)
    coord_type = ma.fields.String(load_default="gcj02", validate=validate.OneOf(("gcj02", "wgs84")))


class ActiveSchema(ma.Schema):
    in_emergency = ma.fields.Boolean(
        allow_none=True, metadata={"description": "null when no position was given"}
    )
    region_code = ma.fields.String(
        allow_none=True, metadata={"description": "the region the position was placed in"}
    )
    emergencies = ma.fields.List(ma.fields.Nested(EmergencyBriefSchema), required=True)


class NearlyFullSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True)
    occupancy = ma.fields.Integer(required=True)
    capacity = ma.fields.Integer(required=True)
    percent = ma.fields.Integer(required=True)
    occupancy_updated_at = ma.fields.AwareDateTime(allow_none=True)


class SummarySchema(ma.Schema):
    emergency = ma.fields.Nested(EmergencyBriefSchema, required=True)
    shelters_activated = ma.fields.Integer(required=True)
    shelters_in_use = ma.fields.Integer(required=True)
    shelters_reported = ma.fields.Integer(
        required=True, metadata={"description": "shelters that reported since the start"}
    )
    capacity = ma.fields.Integer(required=True)
    people = ma.fields.Integer(required=True)
    available = ma.fields.Integer(required=True)
    groups = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)
    nearly_full = ma.fields.List(ma.fields.Nested(NearlyFullSchema), required=True)
    last_update_at = ma.fields.AwareDateTime(allow_none=True)
