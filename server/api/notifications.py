"""My inbox (我的消息)."""

from __future__ import annotations

from datetime import UTC, datetime

from server.api import Blueprint
from server.api.security import current_principal
from server.extensions import db
from server.schemas.common import ErrorSchema
from server.schemas.notifications import InboxSchema, NotificationSchema, ReadAllSchema
from server.services import notifications as service

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1/me/notifications", description="My inbox"
)


@blp.route("", methods=["GET"])
@blp.response(200, InboxSchema)
@blp.paginate()
def list_notifications(pagination_parameters):
    """My notifications, newest first, with how many are unread."""
    items, total, unread = service.inbox(
        db.session,
        user_id=current_principal().id,
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return {"unread": unread, "items": items}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not mine")
def read_notification(notification_id):
    """Mark one notification read."""
    return service.mark_read(
        db.session,
        user_id=current_principal().id,
        notification_id=notification_id,
        now=datetime.now(UTC),
    )


@blp.route("/read-all", methods=["POST"])
@blp.response(200, ReadAllSchema)
def read_all_notifications():
    """Mark all my notifications read."""
    marked = service.mark_all_read(
        db.session, user_id=current_principal().id, now=datetime.now(UTC)
    )
    return {"marked": marked}
