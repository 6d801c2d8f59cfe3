"""User profile schemas."""

from __future__ import annotations

import marshmallow as ma

from server.models.users import WORKER_LEVELS


class UserSchema(ma.Schema):
    """A user as they see themselves; personal numbers are masked."""

    id = ma.fields.Integer(required=True)
    real_name = ma.fields.String(allow_none=True, metadata={"example": "张*"})
    id_number = ma.fields.String(allow_none=True, metadata={"example": "330802********0012"})
    phone = ma.fields.String(allow_none=True, metadata={"example": "138****5678"})
    region_code = ma.fields.String(allow_none=True, metadata={"example": "330802001001"})
    roles = ma.fields.List(ma.fields.String(), required=True)
    worker_level = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(WORKER_LEVELS))
    worker_region_code = ma.fields.String(allow_none=True)
    profile_complete = ma.fields.Boolean(
        required=True, metadata={"description": "real name, ID number and region are all set"}
    )


class UserUpdateSchema(ma.Schema):
    """Real-name details; each is checked by the service (GB 11643, mobile, region exists)."""

    real_name = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    id_number = ma.fields.String(
        validate=ma.validate.Length(min=1, max=32),
        metadata={"description": "18-character citizen ID number (GB 11643)"},
    )
    phone = ma.fields.String(
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "11-digit mainland mobile number"},
    )
    region_code = ma.fields.String(validate=ma.validate.Length(min=2, max=12))


class PhoneCodeSchema(ma.Schema):
    """The code of a `<button open-type="getPhoneNumber">` tap (single use, five minutes)."""

    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=128),
        metadata={"description": "e.detail.code of bindgetphonenumber"},
    )
