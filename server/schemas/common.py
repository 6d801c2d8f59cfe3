"""Schemas shared by every domain."""

from __future__ import annotations

import marshmallow as ma


class ErrorSchema(ma.Schema):
    """The one error shape (DESIGN.md)."""

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status"})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = ma.fields.String(
        required=True, metadata={"description": "One sentence for a resident, in Chinese"}
    )
    error = ma.fields.String(required=True, metadata={"description": "snake_case reason"})
    errors = ma.fields.Dict(
        metadata={"description": "Field errors by location: {json: {field: [reasons]}}"}
    )
    # Extras some conflicts carry, so that a screen can recover without another request.
    allowed_actions = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "409 wrong_state: what the reader may do in the current state"},
    )
    version = ma.fields.Integer(
        metadata={"description": "409 stale_version: the object's current version"}
    )
    available_minutes = ma.fields.Integer(
        metadata={"description": "409 insufficient_balance / yearly_cap: minutes still available"}
    )
    available_fen = ma.fields.Integer(
        metadata={"description": "409 insufficient_balance (charity): what may still be paid out"}
    )
    missing = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "409 profile_incomplete: the profile fields still to fill"},
    )
