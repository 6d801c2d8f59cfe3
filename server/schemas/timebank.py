"""Time bank schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.models.timebank import LOG_STATUSES, REDEMPTION_STATUSES, SKILLS
from server.schemas.facilities import LAT, LNG, REGION

SKILL = validate.OneOf(SKILLS)
MINUTES = validate.Range(min=30, max=12 * 60)
PHONE = validate.Length(min=5, max=20)


class VolunteerCreateSchema(ma.Schema):
    skills = ma.fields.List(
        ma.fields.String(validate=SKILL), required=True, validate=validate.Length(min=1, max=11)
    )
    team = ma.fields.String(
        allow_none=True,
        validate=validate.Length(max=32),
        metadata={"description": "e.g. 义工之家, 幸福驿站"},
    )


class VolunteerSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    real_name = ma.fields.String(allow_none=True, metadata={"description": "masked"})
    skills = ma.fields.List(ma.fields.String(), required=True)
    skill_names = ma.fields.List(ma.fields.String(), required=True)
    team = ma.fields.String(allow_none=True)
    region_code = ma.fields.String(allow_none=True)
    registered_at = ma.fields.AwareDateTime(required=True)


class OpportunityCreateSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    facility_id = ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    region_code = ma.fields.String(validate=REGION)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    places = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=500))
    skills = ma.fields.List(ma.fields.String(validate=SKILL), validate=validate.Length(max=11))
    description = ma.fields.String(validate=validate.Length(max=2000))


class OpportunitySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    facility_id = ma.fields.Integer(allow_none=True)
    facility_name = ma.fields.String(allow_none=True)
    region_code = ma.fields.String(required=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    minutes = ma.fields.Integer(required=True)
    places = ma.fields.Integer(required=True)
    places_left = ma.fields.Integer(required=True)
    skills = ma.fields.List(ma.fields.String(), required=True)
    skill_names = ma.fields.List(ma.fields.String(), required=True)
    description = ma.fields.String(allow_none=True)
    lat = ma.fields.Float(allow_none=True)
    lng = ma.fields.Float(allow_none=True)
    status = ma.fields.String(required=True)
    cancel_reason = ma.fields.String(allow_none=True)
    distance_m = ma.fields.Integer()
    check_code = ma.fields.String(metadata={"description": "for the site's workers only"})


class OpportunityQueryArgsSchema(ma.Schema):
    # `from` is a Python keyword: the fields are `start` / `end`, read from `from` / `to`.
    start = ma.fields.AwareDateTime(data_key="from")
    end = ma.fields.AwareDateTime(data_key="to")
    region_code = ma.fields.String(validate=REGION)
    skill = ma.fields.String(validate=SKILL)
    lat = ma.fields.Float(validate=LAT, allow_nan=False)
    lng = ma.fields.Float(validate=LNG, allow_nan=False)
    coord_type = ma.fields.String(load_default="gcj02", validate=validate.OneOf(("gcj02", "wgs84")))

    @ma.validates_schema
    def _pair(self, data, **_kwargs):
        if ("lat" in data) != ("lng" in data):
            raise ma.ValidationError("经纬度要一起提供。", "lng" if "lat" in data else "lat")


class OpportunityCancelSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class BookingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    opportunity_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    facility_name = ma.fields.String(allow_none=True)
    region_code = ma.fields.String(required=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    status = ma.fields.String(required=True)
    checked_in_at = ma.fields.AwareDateTime(allow_none=True)
    checked_out_at = ma.fields.AwareDateTime(allow_none=True)
    cancelled_at = ma.fields.AwareDateTime(allow_none=True)
    places_left = ma.fields.Integer()
    service_log_id = ma.fields.Integer(allow_none=True)
    served_minutes = ma.fields.Integer(allow_none=True)


class RosterSchema(BookingSchema):
    volunteer_id = ma.fields.Integer(required=True)
    volunteer_name = ma.fields.String(allow_none=True, metadata={"description": "masked"})
    volunteer_phone = ma.fields.String(allow_none=True, metadata={"description": "masked"})


class BookingQueryArgsSchema(ma.Schema):
    mine = ma.fields.Boolean(load_default=True)


class PresenceSchema(ma.Schema):
    """The phone's position, or the code the site's worker shows."""

    code = ma.fields.String(validate=validate.Regexp(r"^\d{6}$", error="签到码是 6 位数字。"))
    lat = ma.fields.Float(validate=LAT, allow_nan=False)
    lng = ma.fields.Float(validate=LNG, allow_nan=False)
    coord_type = ma.fields.String(load_default="gcj02", validate=validate.OneOf(("gcj02", "wgs84")))

    @ma.validates_schema
    def _pair(self, data, **_kwargs):
        if ("lat" in data) != ("lng" in data):
            raise ma.ValidationError("经纬度要一起提供。", "lng" if "lat" in data else "lat")


class ServiceLogCreateSchema(ma.Schema):
    served_on = ma.fields.Date(required=True)
    minutes = ma.fields.Integer(required=True, strict=True, validate=MINUTES)
    region_code = ma.fields.String(required=True, validate=REGION)
    served_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))
    served_phone = ma.fields.String(
        required=True,
        validate=PHONE,
        metadata={"description": "the person served, or their family: they confirm the log"},
    )
    description = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class ServiceLogSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    volunteer_id = ma.fields.Integer(required=True)
    volunteer_name = ma.fields.String(allow_none=True)
    booking_id = ma.fields.Integer(allow_none=True)
    region_code = ma.fields.String(required=True)
    served_on = ma.fields.Date(required=True)
    minutes = ma.fields.Integer(required=True)
    served_name = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    status = ma.fields.String(required=True)
    needs_confirmation = ma.fields.Boolean(required=True)
    confirmed_at = ma.fields.AwareDateTime(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)
    credited_minutes = ma.fields.Integer()
    to_fund_minutes = ma.fields.Integer()


class ServiceLogQueryArgsSchema(ma.Schema):
    mine = ma.fields.Boolean(load_default=False)
    to_confirm = ma.fields.Boolean(
        load_default=False, metadata={"description": "logs waiting for my confirmation"}
    )
    status = ma.fields.String(validate=validate.OneOf(LOG_STATUSES))


class LogRejectSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class EntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    minutes = ma.fields.Integer(required=True)
    ref_type = ma.fields.String(allow_none=True)
    ref_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)


class YearSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    minutes = ma.fields.Integer(required=True)


class CertificateSchema(ma.Schema):
    name = ma.fields.String(allow_none=True)
    verified_minutes = ma.fields.Integer(required=True)
    services = ma.fields.Integer(required=True)
    first_served_on = ma.fields.Date(allow_none=True)
    last_served_on = ma.fields.Date(allow_none=True)
    star_level = ma.fields.Integer(required=True)
    by_year = ma.fields.List(ma.fields.Nested(YearSchema), required=True)


class AccountSchema(ma.Schema):
    balance_minutes = ma.fields.Integer(required=True)
    held_minutes = ma.fields.Integer(required=True)
    earned_minutes = ma.fields.Integer(required=True)
    spent_minutes = ma.fields.Integer(required=True)
    received_minutes = ma.fields.Integer(required=True)
    given_minutes = ma.fields.Integer(required=True)
    to_fund_minutes = ma.fields.Integer(required=True)
    star_level = ma.fields.Integer(required=True, metadata={"description": "0–5"})
    next_star_hours = ma.fields.Integer(allow_none=True)
    entries_total = ma.fields.Integer(required=True)
    entries = ma.fields.List(ma.fields.Nested(EntrySchema), required=True)
    certificate = ma.fields.Nested(CertificateSchema, required=True)


class TransferCreateSchema(ma.Schema):
    phone = ma.fields.String(required=True, validate=PHONE)
    real_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))
    minutes = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=30, max=1500 * 60)
    )
    relation = ma.fields.String(validate=validate.Length(max=16))


class TransferSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    to_user_id = ma.fields.Integer(required=True)
    minutes = ma.fields.Integer(required=True)
    relation = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)


class RedemptionCreateSchema(ma.Schema):
    service = ma.fields.String(required=True, validate=SKILL)
    wanted_on = ma.fields.Date(required=True)
    place = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    region_code = ma.fields.String(required=True, validate=REGION)
    minutes = ma.fields.Integer(required=True, strict=True, validate=MINUTES)
    recipient_name = ma.fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "a family member; myself when absent"},
    )
    recipient_relation = ma.fields.String(validate=validate.Length(max=16))
    note = ma.fields.String(validate=validate.Length(max=500))


class RedemptionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    service = ma.fields.String(required=True)
    service_name = ma.fields.String(required=True)
    wanted_on = ma.fields.Date(required=True)
    place = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True)
    minutes = ma.fields.Integer(required=True)
    recipient_name = ma.fields.String(allow_none=True)
    recipient_relation = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    status = ma.fields.String(required=True)
    handled_at = ma.fields.AwareDateTime(allow_none=True)
    cancel_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)


class RedemptionQueryArgsSchema(ma.Schema):
    mine = ma.fields.Boolean(load_default=False)
    status = ma.fields.String(validate=validate.OneOf(REDEMPTION_STATUSES))


class RedemptionCancelSchema(ma.Schema):
    reason = ma.fields.String(validate=validate.Length(min=1, max=500))


class FundDonationSchema(ma.Schema):
    minutes = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=30, max=1500 * 60)
    )


class GrantCreateSchema(ma.Schema):
    phone = ma.fields.String(required=True, validate=PHONE)
    real_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))
    minutes = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=30, max=1500 * 60)
    )
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class GrantSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    real_name = ma.fields.String(allow_none=True)
    minutes = ma.fields.Integer(required=True)
    fund_balance_minutes = ma.fields.Integer(required=True)


class FundSchema(ma.Schema):
    balance_minutes = ma.fields.Integer(required=True)
    received_minutes = ma.fields.Integer(required=True)
    granted_minutes = ma.fields.Integer(required=True)


class CorrectionCreateSchema(ma.Schema):
    user_id = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1)
    )
    minutes = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=-1500 * 60, max=1500 * 60)
    )
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))
