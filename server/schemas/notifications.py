"""Inbox schemas."""

from __future__ import annotations

import marshmallow as ma


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"example": "assistance.accept"})
    title = ma.fields.String(required=True, metadata={"example": "申请已受理"})
    body = ma.fields.String(required=True)
    data = ma.fields.Dict(allow_none=True, metadata={"description": "what the message is about"})
    read_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime(required=True)


class InboxSchema(ma.Schema):
    unread = ma.fields.Integer(required=True, metadata={"description": "unread, in all pages"})
    items = ma.fields.List(ma.fields.Nested(NotificationSchema), required=True)


class ReadAllSchema(ma.Schema):
    marked = ma.fields.Integer(required=True, metadata={"description": "how many were unread"})
