"""Small services every domain uses: counters, notifications, the audit log, the clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.models.common import AuditLog, Counter, Notification

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_today(now: datetime) -> date:
    """The date in Asia/Shanghai at the instant `now`."""
    return now.astimezone(LOCAL_TZ).date()


def next_counter(session: Session, *, name: str) -> int:
    """The next value of a named counter: unique and gap-free, since the row stays locked
    until the transaction ends (and a rolled-back transaction gives its number back)."""
    bump = (
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    value = session.execute(bump).scalar()
    if value is not None:
        return value
    try:
        with session.begin_nested():
            session.add(Counter(name=name, value=1))
        return 1
    except IntegrityError:
        # Another transaction created it first: bump it (waiting for its lock).
        return session.execute(bump).scalar_one()


def notify(
    session: Session, *, user_id: int, kind: str, title: str, body: str, data: dict | None = None
) -> Notification:
    """Store a notification for a person, in the caller's transaction."""
    notification = Notification(user_id=user_id, kind=kind, title=title, body=body, data=data)
    session.add(notification)
    return notification


def audit(
    session: Session, *, actor_id: int | None, action: str, object_type: str, object_id, detail=None
) -> None:
    """Record an accountable act (a read of full personal data, say)."""
    session.add(
        AuditLog(
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
        )
    )


def add_working_days(start: date, days: int, *, holidays: frozenset[date] = frozenset()) -> date:
    """The date `days` working days after `start` (weekends and `holidays` skipped)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            remaining -= 1
    return current
