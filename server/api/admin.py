"""Administration: the outbox of WeChat subscribe messages."""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma

from server.api import Blueprint
from server.api.security import current_principal
from server.extensions import db
from server.models.common import SEND_STATUSES
from server.schemas.common import ErrorSchema
from server.schemas.notifications import NotificationSchema
from server.services import outbox
from server.services.permissions import require

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="Administration")


class OutboxQueryArgsSchema(ma.Schema):
    status = ma.fields.String(load_default="failed", validate=ma.validate.OneOf(SEND_STATUSES))


class OutboxItemSchema(NotificationSchema):
    user_id = ma.fields.Integer(required=True)
    send_status = ma.fields.String(required=True)
    attempts = ma.fields.Integer(required=True)
    next_attempt_at = ma.fields.DateTime(required=True)
    last_error = ma.fields.String(allow_none=True)
    sent_at = ma.fields.DateTime(allow_none=True)


@blp.route("/outbox", methods=["GET"])
@blp.arguments(OutboxQueryArgsSchema, location="query")
@blp.response(200, OutboxItemSchema(many=True))
@blp.paginate()
@blp.alt_response(403, schema=ErrorSchema, description="Not an admin")
def list_outbox(args, pagination_parameters):
    """Subscribe messages in one state; `failed` ones are parked with their last error."""
    require(current_principal(), roles=("admin",))
    items, total = outbox.list_outbox(
        db.session,
        status=args["status"],
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/outbox/<int:notification_id>/replay", methods=["POST"])
@blp.response(200, OutboxItemSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not an admin")
@blp.alt_response(404, schema=ErrorSchema, description="No such message")
@blp.alt_response(409, schema=ErrorSchema, description="Not a failed message")
def replay_outbox_item(notification_id):
    """Put a parked message back in the queue."""
    require(current_principal(), roles=("admin",))
    return outbox.replay(db.session, notification_id=notification_id, now=datetime.now(UTC))
