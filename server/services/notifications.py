"""The in-app inbox: what happened to a person's applications, bookings and gifts.

Notifications are written by the other services (`common.notify`) in the same transaction as
the change they report; here they are read and marked read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server.errors import NotFound
from server.models.common import Notification


def inbox(session: Session, *, user_id: int, page: int, page_size: int):
    """A page of a person's notifications, newest first; with the total and the unread count."""
    mine = select(Notification).where(Notification.user_id == user_id)
    total = session.scalar(mine.with_only_columns(func.count(), maintain_column_froms=True))
    unread = session.scalar(
        mine.where(Notification.read_at.is_(None)).with_only_columns(
            func.count(), maintain_column_froms=True
        )
    )
    items = session.scalars(
        mine.order_by(Notification.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return items, total, unread


def mark_read(session: Session, *, user_id: int, notification_id: int, now: datetime):
    """Mark one of a person's notifications read (again is fine; the first time is kept)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFound("没有找到这条消息。", error="notification_not_found")
    if notification.read_at is None:
        notification.read_at = now
        session.flush()
    return notification


def mark_all_read(session: Session, *, user_id: int, now: datetime) -> int:
    """Mark every unread notification of a person read; answers how many were."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return result.rowcount
