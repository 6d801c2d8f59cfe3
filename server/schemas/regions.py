"""Region schemas."""

from __future__ import annotations

import marshmallow as ma

from server.models.regions import REGION_LEVELS


class RegionSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "330802"})
    name = ma.fields.String(required=True, metadata={"example": "柯城区"})
    level = ma.fields.String(required=True, validate=ma.validate.OneOf(REGION_LEVELS))
    parent_code = ma.fields.String(allow_none=True)
    is_urban = ma.fields.Boolean(required=True)
    children = ma.fields.List(
        ma.fields.Nested(lambda: RegionSchema()),
        metadata={"description": "present when depth > 1"},
    )


class RegionQueryArgsSchema(ma.Schema):
    parent = ma.fields.String(
        validate=ma.validate.Length(min=2, max=12),
        metadata={"description": "parent region code; the top level when absent"},
    )
    depth = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1, max=4),
        metadata={"description": "levels of children to nest"},
    )
