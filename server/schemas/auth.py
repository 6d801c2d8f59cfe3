"""Login and token schemas."""

from __future__ import annotations

import marshmallow as ma

from server.schemas.users import UserSchema


class WeChatLoginSchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=128),
        metadata={"description": "The code from wx.login"},
    )


class DevLoginSchema(ma.Schema):
    openid = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))


class RefreshSchema(ma.Schema):
    refresh_token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2048))


class TokenSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    refresh_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(required=True, metadata={"description": "seconds"})
    user = ma.fields.Nested(UserSchema, required=True)
