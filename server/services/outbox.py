"""The outbox: pending notifications sent as WeChat subscribe messages by the worker process.

- Which notifications become which subscribe message is configuration
  (`WECHAT_SUBSCRIBE_TEMPLATES`): per notification kind, the template id, the page to open and
  the template's fields, each filled from the notification (`title`, `body`) or its `data`
  (`data.<key>`), and cut to WeChat's limits (thing 20, phrase 5, name 10, character_string 32).
  A kind without a template is `skipped`: the inbox has it.
- Rows are taken with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so two workers never send
  the same row; the row's new state commits with the batch. A worker that dies between WeChat's
  answer and its commit sends that row again: delivery is at least once.
- The access token comes from `stable_token`, cached in Redis until a few minutes before it
  expires; one worker at a time refreshes it (a Redis lock), the others wait for its result.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server.errors import Conflict, NotFound
from server.models.common import Notification
from server.models.users import User
from server.services import wechat
from server.services.wechat import WeChatClient, WeChatUnavailable, access_token

log = logging.getLogger(__name__)

FIELD_LIMITS = {"thing": 20, "phrase": 5, "name": 10, "character_string": 32, "number": 32}


@dataclass(frozen=True)
class OutboxSettings:
    templates: dict  # kind -> {"template_id", "page", "data": {field: source}}
    max_attempts: int = 6
    backoff_seconds: int = 30
    lease_seconds: int = 120  # a claimed row is due again after this if its worker died
    miniprogram_state: str = "formal"


def parse_templates(raw: str) -> dict:
    """WECHAT_SUBSCRIBE_TEMPLATES, a JSON object; empty means every kind is inbox-only."""
    templates = json.loads(raw) if raw.strip() else {}
    if not isinstance(templates, dict):
        raise ValueError("WECHAT_SUBSCRIBE_TEMPLATES must be a JSON object")
    for kind, template in templates.items():
        if not template.get("template_id") or not isinstance(template.get("data"), dict):
            raise ValueError(f"WECHAT_SUBSCRIBE_TEMPLATES[{kind!r}] needs template_id and data")
    return templates


def cut(field: str, value: str) -> str:
    """A value cut to the limit of its WeChat field type (thing1 → thing: 20 characters)."""
    kind = field.rstrip("0123456789")
    limit = FIELD_LIMITS.get(kind)
    if limit is not None and len(value) > limit:
        return value[: limit - 1] + "…" if kind == "thing" else value[:limit]
    return value


def _source(notification, source: str) -> str:
    if source.startswith("data."):
        value = (notification.data or {}).get(source.removeprefix("data."), "")
    else:
        value = getattr(notification, source, "")
    return "" if value is None else str(value)


def message_fields(notification, template: dict) -> dict[str, str]:
    return {
        field: cut(field, _source(notification, source))
        for field, source in template["data"].items()
    }


@dataclass(frozen=True)
class Claimed:
    """A snapshot of a claimed row: sending needs no open transaction."""

    id: int
    openid: str
    kind: str
    title: str
    body: str
    data: dict | None
    attempts: int


def claim(session: Session, *, now: datetime, batch: int, lease_seconds: int) -> list[Claimed]:
    """Take up to `batch` due rows for this worker: each is pushed `lease_seconds` into the
    future with a conditional UPDATE, so another worker (or, on SQLite, another thread) that
    saw the same row gets nothing; a worker that dies leaves its rows due again after the
    lease, and only those."""
    rows = session.execute(
        select(Notification, User.openid)
        .join(User, User.id == Notification.user_id)
        .where(Notification.send_status == "pending", Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(batch)
        .with_for_update(of=Notification, skip_locked=True)
    ).all()
    claimed = []
    for notification, openid in rows:
        taken = session.execute(
            update(Notification)
            .where(
                Notification.id == notification.id,
                Notification.send_status == "pending",
                Notification.next_attempt_at <= now,
            )
            .values(
                next_attempt_at=now + timedelta(seconds=lease_seconds),
                attempts=Notification.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        session.expire(notification, ["attempts", "next_attempt_at"])
        if taken:
            claimed.append(
                Claimed(
                    notification.id,
                    openid,
                    notification.kind,
                    notification.title,
                    notification.body,
                    notification.data,
                    notification.attempts,  # read again: the UPDATE counted this attempt
                )
            )
    return claimed


def _send_one(client, r, item: Claimed, template, settings) -> wechat.SendResult:
    page = template.get("page")
    if page:
        page = page.format(**(item.data or {}))

    def send(token: str) -> wechat.SendResult:
        return wechat.send_subscribe_message(
            client,
            access_token=token,
            touser=item.openid,
            template_id=template["template_id"],
            page=page,
            data=message_fields(item, template),
            miniprogram_state=settings.miniprogram_state,
        )

    token = access_token(client, r)
    result = send(token)
    if result.errcode in wechat.TOKEN_INVALID:
        result = send(access_token(client, r, rejected=token))
    return result


def send_pending(
    session: Session,
    *,
    client: WeChatClient,
    r: redis.Redis,
    settings: OutboxSettings,
    now: datetime,
    commit,
    batch: int = 50,
) -> dict[str, int]:
    """Claim a batch of due notifications, then send them one by one, recording each result in
    its own short transaction (`commit()` is the caller's): no lock is held while WeChat is
    asked, and a failure of one row never holds back the others."""
    items = claim(session, now=now, batch=batch, lease_seconds=settings.lease_seconds)
    commit()
    counts = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    for item in items:
        template = settings.templates.get(item.kind)
        result, error, park = None, None, False
        if template is None:
            error = "no subscribe template for this kind"
        else:
            try:
                result = _send_one(client, r, item, template, settings)
                error = None if result.errcode == 0 else f"{result.errcode} {result.errmsg}"
            except WeChatUnavailable as exc:
                error = f"unavailable: {exc}"
            except Exception as exc:  # noqa: BLE001 - a broken row is parked, never retried blind
                log.exception("outbox row %s could not be sent", item.id)
                error, park = f"error: {exc!r}", True
        notification = session.get(Notification, item.id)
        outcome = _record(notification, item, template, result, error, park, now, settings)
        session.flush()
        commit()
        counts[outcome] += 1
    return counts


def _record(notification, item, template, result, error, park, now, settings) -> str:
    notification.last_error = error
    if template is None:
        notification.send_status = "skipped"  # inbox only
        return "skipped"
    if result is not None and result.errcode == 0:
        notification.send_status, notification.sent_at = "sent", now
        return "sent"
    if result is not None and result.errcode == wechat.USER_REFUSED:
        notification.send_status = "skipped"  # the inbox still has it; retrying cannot help
        return "skipped"
    if park or (result is not None and result.errcode in wechat.BAD_MESSAGE):
        notification.send_status = "failed"  # parked: fix the cause, then replay
        return "failed"
    if item.attempts >= settings.max_attempts:
        notification.send_status = "failed"
        return "failed"
    delay = settings.backoff_seconds * 2 ** (item.attempts - 1)
    notification.next_attempt_at = now + timedelta(seconds=delay)
    return "retry"


def list_outbox(session: Session, *, status: str, page: int, page_size: int):
    """Outbox rows in one state (admins look at the failed ones), newest first."""
    query = select(Notification).where(Notification.send_status == status)
    total = session.scalar(query.with_only_columns(func.count(), maintain_column_froms=True))
    items = session.scalars(
        query.order_by(Notification.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return items, total


def replay(session: Session, *, notification_id: int, now: datetime) -> Notification:
    """Put a parked message back in the queue (after its template was fixed, say)."""
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound("没有找到这条消息。", error="notification_not_found")
    if notification.send_status != "failed":
        raise Conflict("只有发送失败的消息可以重新发送。", error="not_failed")
    notification.send_status, notification.attempts = "pending", 0
    notification.next_attempt_at = now
    session.flush()
    return notification
