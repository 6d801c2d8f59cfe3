"""Charity (慈善一日捐): campaigns, gifts of money and goods, receipts, disbursements, and the
public ledger (阳光民政).

- No gift is logged twice: the Idempotency-Key is a unique key in the database, so a retry (or
  twenty racing retries) finds the first gift; the same key with another body is a 422.
- Receipt numbers (`CS-2013-000001`) come from a row-locked counter per year: unique, gap-free.
- A campaign's totals live on its row and move by guarded UPDATEs in the same transaction as the
  gift or the disbursement: nothing is disbursed beyond the confirmed balance, even by two
  workers at once; a voided gift leaves every total.
- Nothing is deleted. Every state change is an event.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import bindparam, case, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.errors import Conflict, DomainError, NotFound, ValidationFailed
from server.models.assistance import Application
from server.models.base import utcnow
from server.models.charity import Campaign, CharityEvent, Disbursement, Donation, WorkUnit
from server.models.regions import Region
from server.services import common, permissions
from server.services.identity import mask_name
from server.services.regions import get_region, is_within, scope_prefix
from server.services.users import Principal

PURPOSE_NAMES = {
    "education": "助学",
    "hardship": "助困",
    "medical": "助医",
    "disaster": "救灾",
    "elderly": "助老",
    "children": "助孤",
    "other": "其他",
}
CHANNEL_NAMES = {"wechat": "微信", "bank": "银行转账", "cash": "现金"}
STATUS_NAMES = {
    "pledged": "已登记",
    "received": "已收到",
    "confirmed": "已确认",
    "voided": "已作废",
}
ANONYMOUS = "爱心人士"
MAX_GIFT_FEN = 100_000_000 * 100  # 100 million yuan


# --- money in words -------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_BIG = ("", "万", "亿", "万亿")


def _four(n: int) -> str:
    """0 < n < 10000 in capital numerals, with inner zeros as 零 (e.g. 1005 → 壹仟零伍)."""
    out, zero = "", False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL[position]
    return out


def rmb_upper(fen: int) -> str:
    """An amount in fen as written on a receipt.

    10000 → 壹佰元整; 123456 → 壹仟贰佰叁拾肆元伍角陆分; 100000005 → 壹佰万元零伍分."""
    if fen < 0 or fen >= 10**18:
        raise ValueError("amount out of range")
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    words = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        need_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                need_zero = bool(words)
                continue
            if words and (need_zero or group < 1000):
                words += "零"
            words += _four(group) + _BIG[index]
            need_zero = False
        words += "元"
    if not jiao and not cents:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if cents:
        words += _DIGITS[cents] + "分"
    else:
        words += "整"
    return words


def yuan_text(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d} 元"


# --- campaigns -----------------------------------------------------------------------------------


def _donor_key():
    return func.coalesce(
        func.cast(Donation.donor_user_id, type_=Donation.donor_name.type),
        Donation.donor_name,
    )


def campaign_totals(session: Session, campaign: Campaign) -> dict:
    donors, pledged = session.execute(
        select(
            func.count(func.distinct(case((Donation.status == "confirmed", _donor_key())))),
            func.coalesce(
                func.sum(
                    case(
                        (
                            (Donation.status.in_(("pledged", "received")))
                            & (Donation.kind == "money"),
                            Donation.amount_fen,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(Donation.campaign_id == campaign.id)
    ).one()
    balance = campaign.received_fen - campaign.disbursed_fen
    return {
        "received_fen": campaign.received_fen,
        "goods_received_fen": campaign.goods_received_fen,
        "pledged_fen": int(pledged),
        "donors": int(donors),
        "disbursed_fen": campaign.disbursed_fen,
        "goods_distributed_fen": campaign.goods_distributed_fen,
        "balance_fen": balance,
        "goods_balance_fen": campaign.goods_received_fen - campaign.goods_distributed_fen,
        "progress_percent": (
            round(
                100 * (campaign.received_fen + campaign.goods_received_fen) / campaign.target_fen, 1
            )
            if campaign.target_fen
            else None
        ),
    }


def describe_campaign(session: Session, campaign: Campaign, *, today: date) -> dict:
    region = session.get(Region, campaign.region_code)
    return {
        "id": campaign.id,
        "name": campaign.name,
        "purpose": campaign.purpose,
        "region_code": campaign.region_code,
        "region_name": region.name if region else None,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "open": campaign.starts_on <= today <= campaign.ends_on,
        "target_fen": campaign.target_fen,
        "purposes": campaign.purposes,
        "purpose_names": [PURPOSE_NAMES[p] for p in campaign.purposes],
        **campaign_totals(session, campaign),
    }


def create_campaign(
    session: Session,
    *,
    principal: Principal,
    name: str,
    purpose: str,
    region_code: str,
    starts_on: date,
    ends_on: date,
    target_fen: int,
    purposes: list[str],
) -> Campaign:
    """A campaign (county or city workers, in their scope)."""
    permissions.require(
        principal,
        roles=("worker",),
        min_level="county",
        level_message="只有县（市、区）级及以上民政工作人员可以发起募捐活动。",
    )
    if ends_on < starts_on:
        raise ValidationFailed({"ends_on": ["结束日期不能早于开始日期。"]})
    region = get_region(session, code=region_code)
    permissions.require(principal, region_code=region.code, check_scope=True)
    campaign = Campaign(
        name=name,
        purpose=purpose,
        region_code=region.code,
        starts_on=starts_on,
        ends_on=ends_on,
        target_fen=target_fen,
        purposes=list(dict.fromkeys(purposes)),
        created_by=principal.id,
    )
    session.add(campaign)
    session.flush()
    return campaign


def get_campaign(session: Session, *, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("没有找到这个募捐活动。", error="campaign_not_found")
    return campaign


def list_campaigns(
    session: Session, *, region_code: str | None, page: int, page_size: int
) -> tuple[list[Campaign], int]:
    query = select(Campaign)
    if region_code:
        region = get_region(session, code=region_code)
        query = query.where(Campaign.region_code.startswith(scope_prefix(region.code)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Campaign.ends_on.desc(), Campaign.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(rows), total


# --- work units ----------------------------------------------------------------------------------


def find_or_create_unit(
    session: Session, *, name: str, region_code: str, within: str | None = None
) -> WorkUnit:
    """The unit of this name at `region_code`; failing that, the first of that name anywhere
    inside `within` (the campaign's region: its staff give from home, workers log its gifts
    at the counter, and its total must still be one line); else a new one at `region_code`."""
    query = select(WorkUnit).where(WorkUnit.name == name, WorkUnit.region_code == region_code)
    unit = session.scalar(query)
    if unit is None and within:
        unit = session.scalar(
            select(WorkUnit)
            .where(WorkUnit.name == name, WorkUnit.region_code.startswith(scope_prefix(within)))
            .order_by(WorkUnit.id)
            .limit(1)
        )
    if unit is not None:
        return unit
    try:
        with session.begin_nested():
            unit = WorkUnit(name=name, region_code=region_code)
            session.add(unit)
        return unit
    except IntegrityError:
        return session.scalar(query)


def list_units(
    session: Session, *, q: str | None, region_code: str | None, page: int, page_size: int
) -> tuple[list[WorkUnit], int]:
    # Only units a worker registered or that hold a confirmed gift: a name typed into a pledge
    # is not published until a worker has seen it.
    query = select(WorkUnit).where(WorkUnit.verified.is_(True))
    if q:
        query = query.where(WorkUnit.name.contains(q, autoescape=True))
    if region_code:
        query = query.where(WorkUnit.region_code.startswith(scope_prefix(region_code)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(WorkUnit.name).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return list(rows), total


def create_unit(
    session: Session, *, principal: Principal, name: str, kind: str, region_code: str
) -> WorkUnit:
    permissions.require(principal, roles=("worker",))
    region = get_region(session, code=region_code)
    permissions.require(principal, region_code=region.code, check_scope=True)
    if session.scalar(
        select(WorkUnit.id).where(WorkUnit.name == name, WorkUnit.region_code == region.code)
    ):
        raise Conflict("这个单位已经登记过了。", error="unit_exists")
    unit = WorkUnit(name=name, kind=kind, region_code=region.code, verified=True)
    try:
        with session.begin_nested():
            session.add(unit)
    except IntegrityError:  # registered by someone else a moment ago
        raise Conflict("这个单位已经登记过了。", error="unit_exists") from None
    return unit


# --- donations -----------------------------------------------------------------------------------


def fingerprint(body: dict) -> str:
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _event(session: Session, obj, *, actor_id, action, from_status, reason=None) -> None:
    session.add(
        CharityEvent(
            object_type="donation" if isinstance(obj, Donation) else "disbursement",
            object_id=obj.id,
            actor_id=actor_id,
            action=action,
            from_status=from_status,
            to_status=getattr(obj, "status", None),
            reason=reason,
        )
    )


def _replay(existing: Donation, print_: str) -> tuple[Donation, bool]:
    if existing.fingerprint != print_:
        raise ValidationFailed(
            {"Idempotency-Key": ["这个幂等键已用于另一笔不同的捐赠，请换一个新的键。"]},
            location="headers",
            error="idempotency_key_reused",
        )
    return existing, True


def _checked_donation(
    session: Session, *, principal: Principal, body: dict, today: date
) -> tuple[Campaign, bool, str, str, WorkUnit | None]:
    """What a gift needs before it is written, every check passed: its campaign, whether a
    worker logs it, the donor's name, the region and the work unit."""
    from server.models.users import User

    # The campaign, and the donor's name and region, in one round trip (no row: no campaign).
    found = session.execute(
        select(Campaign, User.real_name, User.region_code)
        .outerjoin(User, User.id == principal.id)
        .where(Campaign.id == body["campaign_id"])
    ).one_or_none()
    if found is None:
        raise NotFound("没有找到这个募捐活动。", error="campaign_not_found")
    campaign, real_name, user_region_code = found
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise Conflict("这个募捐活动不在进行中。", error="campaign_closed")
    worker = "worker" in principal.roles or permissions.is_admin(principal)
    if (
        worker
        and not permissions.is_admin(principal)
        and not (
            is_within(principal.worker_region_code, campaign.region_code)
            or is_within(campaign.region_code, principal.worker_region_code)
        )
    ):
        raise NotFound("没有找到这个募捐活动。", error="campaign_not_found")
    errors = _donation_problems(body)
    if errors:
        raise ValidationFailed(errors)
    donor_name = body.get("donor_name") or (None if worker else real_name)
    if not donor_name:
        raise ValidationFailed({"donor_name": ["请填写捐赠人姓名或单位名称。"]})
    region_code = (
        principal.worker_region_code
        if worker and principal.worker_region_code
        else user_region_code or campaign.region_code
    )
    unit = None
    if body.get("unit_name"):
        unit = find_or_create_unit(
            session, name=body["unit_name"], region_code=region_code, within=campaign.region_code
        )
    return campaign, worker, donor_name, region_code, unit


def log_donation(
    session: Session,
    *,
    principal: Principal,
    idempotency_key: str,
    body: dict,
    today: date,
) -> tuple[Donation | Row, bool]:
    """Log a gift: a resident's own as pledged, a worker's counter gift as received. Returns the
    gift (a new one as its row, a replayed one as a Donation: both read alike) and whether it was
    a replay of an earlier request with the same key."""
    print_ = fingerprint(body)
    existing_query = select(Donation).where(
        Donation.logged_by == principal.id, Donation.idempotency_key == idempotency_key
    )
    if body.get("unit_name"):
        # A retry must not create the work unit again (the donor may have moved since): the
        # earlier gift first.
        existing = session.scalar(existing_query)
        if existing is not None:
            return _replay(existing, print_)
    try:
        campaign, worker, donor_name, region_code, unit = _checked_donation(
            session, principal=principal, body=body, today=today
        )
    except DomainError:
        # A retry of a gift that was logged answers as the first time, whatever changed since
        # (the campaign closed, say). On the usual path there is no such read: the INSERT below
        # finds an earlier gift with the key by its unique constraint.
        existing = session.scalar(existing_query)
        if existing is not None:
            return _replay(existing, print_)
        raise
    gift = _insert_unless_taken(
        session,
        campaign_id=campaign.id,
        kind=body["kind"],
        amount_fen=body["amount_fen"] if body["kind"] == "money" else body["estimated_value_fen"],
        channel=body.get("channel"),
        goods_description=body.get("description"),
        goods_quantity=body.get("quantity"),
        goods_unit=body.get("unit"),
        donor_name=donor_name,
        donor_user_id=None if worker and body.get("donor_name") else principal.id,
        anonymous=body.get("anonymous", False),
        message=body.get("message"),
        unit_id=unit.id if unit else None,
        department=body.get("department"),
        region_code=region_code,
        status="received" if worker else "pledged",
        logged_by=principal.id,
        idempotency_key=idempotency_key,
        fingerprint=print_,
    )
    if gift is None:
        # The same key was used by a request that committed meanwhile: that is the gift.
        return _replay(session.scalars(existing_query).one(), print_)
    return gift, False


_GIFTS = Donation.__table__
_EVENTS = CharityEvent.__table__
# What `log_donation` writes of a gift: every statement below binds these per execution, so it is
# built (and compiled) once.
_GIFT_COLUMNS = (
    "campaign_id",
    "kind",
    "amount_fen",
    "channel",
    "goods_description",
    "goods_quantity",
    "goods_unit",
    "donor_name",
    "donor_user_id",
    "anonymous",
    "message",
    "unit_id",
    "department",
    "region_code",
    "status",
    "logged_by",
    "idempotency_key",
    "fingerprint",
    "created_at",
)


def _gift_insert(insert):
    """INSERT the gift unless a gift with its (logged_by, Idempotency-Key) exists, RETURNING it."""
    return (
        insert(_GIFTS)
        .values({name: bindparam(name) for name in _GIFT_COLUMNS})
        .on_conflict_do_nothing(index_elements=["logged_by", "idempotency_key"])
        .returning(*_GIFTS.c)
    )


def _gift_and_its_event():
    """PostgreSQL: the gift and its "logged" event in one statement (a data-modifying WITH); the
    event is written exactly when the gift is."""
    gift = _gift_insert(postgresql.insert).cte("gift")
    logged = (
        insert(_EVENTS)
        .from_select(
            ["object_type", "object_id", "actor_id", "action", "to_status", "created_at"],
            select(
                literal("donation"),
                gift.c.id,
                gift.c.logged_by,
                literal("logged"),
                gift.c.status,
                gift.c.created_at,
            ),
        )
        .cte("logged")
    )
    return select(gift).add_cte(logged)


_LOG_GIFT = {"postgresql": _gift_and_its_event(), "sqlite": _gift_insert(sqlite.insert)}


def _insert_unless_taken(session: Session, **values):
    """The new gift's row, with its "logged" event; None when a gift with its Idempotency-Key
    exists (nothing is written then).

    `ON CONFLICT DO NOTHING` on the key's unique constraint: a racing request with the same key
    waits for the first to commit and inserts nothing, with no savepoint around the INSERT. On
    PostgreSQL the event is written by the same statement (one round trip per gift); SQLite,
    which has no INSERT in a WITH, writes it next. Core statements and a plain row: the ORM's
    bookkeeping of an instance is most of a gift's time otherwise (docs/performance.md)."""
    values["created_at"] = utcnow()
    session.flush()  # Core statements do not autoflush: the unit of work goes first
    dialect = session.get_bind().dialect.name
    gift = session.execute(_LOG_GIFT[dialect], values).one_or_none()
    if gift is not None and dialect != "postgresql":
        session.execute(
            insert(_EVENTS),
            {
                "object_type": "donation",
                "object_id": gift.id,
                "actor_id": gift.logged_by,
                "action": "logged",
                "to_status": gift.status,
                "created_at": gift.created_at,
            },
        )
    return gift


def _donation_problems(body: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if body["kind"] == "money":
        if body.get("amount_fen") is None:
            errors["amount_fen"] = ["请填写捐款金额（分）。"]
        if not body.get("channel"):
            errors["channel"] = ["请选择捐款方式（微信、银行转账或现金）。"]
        for name in ("description", "quantity", "unit", "estimated_value_fen"):
            if body.get(name) is not None:
                errors[name] = ["捐款不需要填写此项（这是捐物的信息）。"]
    else:
        for name, message in (
            ("description", "请填写物品名称。"),
            ("quantity", "请填写数量。"),
            ("unit", "请填写单位（件、箱、袋……）。"),
            ("estimated_value_fen", "请填写估价（分）。"),
        ):
            if body.get(name) is None:
                errors[name] = [message]
        if body.get("amount_fen") is not None:
            errors["amount_fen"] = ["捐物请填写估价（estimated_value_fen），不填金额。"]
    return errors


def unit_names(session: Session, gifts) -> dict[int, str]:
    """The names of the gifts' work units, in one query."""
    ids = {gift.unit_id for gift in gifts if gift.unit_id}
    if not ids:
        return {}
    return dict(
        session.execute(select(WorkUnit.id, WorkUnit.name).where(WorkUnit.id.in_(ids))).all()
    )


def describe_donation(
    session: Session, gift: Donation, *, full: bool = True, units: dict | None = None
) -> dict:
    unit_name = None
    if gift.unit_id:
        unit_name = (units or {}).get(gift.unit_id) or session.scalar(
            select(WorkUnit.name).where(WorkUnit.id == gift.unit_id)
        )
    return {
        "id": gift.id,
        "campaign_id": gift.campaign_id,
        "kind": gift.kind,
        "amount_fen": gift.amount_fen,
        "amount_text": yuan_text(gift.amount_fen),
        "channel": gift.channel,
        "description": gift.goods_description,
        "quantity": gift.goods_quantity,
        "unit": gift.goods_unit,
        "donor_name": gift.donor_name if full else mask_name(gift.donor_name),
        "anonymous": gift.anonymous,
        "message": gift.message,
        "unit_name": unit_name,
        "department": gift.department,
        "region_code": gift.region_code,
        "status": gift.status,
        "status_name": STATUS_NAMES[gift.status],
        "receipt_number": gift.receipt_number,
        "confirmed_at": gift.confirmed_at,
        "voided_at": gift.voided_at,
        "void_reason": gift.void_reason,
        "created_at": gift.created_at,
    }


def _mine(gift: Donation, principal: Principal) -> bool:
    return principal.id in (gift.donor_user_id, gift.logged_by)


def get_donation(session: Session, *, principal: Principal, donation_id: int) -> Donation:
    """A gift its donor (or who logged it) or a worker in scope may read; 404 otherwise."""
    gift = session.get(Donation, donation_id)
    if gift is None or not (
        _mine(gift, principal)
        or (
            ("worker" in principal.roles or permissions.is_admin(principal))
            and permissions.in_scope(principal, gift.region_code)
        )
    ):
        raise NotFound("没有找到这笔捐赠。", error="donation_not_found")
    return gift


def _in_scope(session: Session, *, principal: Principal, donation_id: int) -> Donation:
    permissions.require(principal, roles=("worker",))
    gift = session.get(Donation, donation_id)
    if gift is None:
        raise NotFound("没有找到这笔捐赠。", error="donation_not_found")
    permissions.require(principal, region_code=gift.region_code, check_scope=True)
    return gift


def confirm(session: Session, *, principal: Principal, donation_id: int, now: datetime) -> Donation:
    """Money arrived or goods were taken in: the gift counts, and gets its receipt number."""
    gift = _in_scope(session, principal=principal, donation_id=donation_id)
    before = gift.status
    year = common.local_today(now).year
    done = session.execute(
        update(Donation)
        .where(Donation.id == gift.id, Donation.status.in_(("pledged", "received")))
        .values(status="confirmed", confirmed_at=now, confirmed_by=principal.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        now_status = session.scalar(select(Donation.status).where(Donation.id == gift.id))
        raise Conflict(
            "这笔捐赠已经确认过了。" if now_status == "confirmed" else "这笔捐赠已作废，不能确认。",
            error="wrong_state",
        )
    number = common.next_counter(session, name=f"charity.receipt.{year}")
    session.execute(
        update(Donation)
        .where(Donation.id == gift.id)
        .values(receipt_number=f"CS-{year}-{number:06d}")
        .execution_options(synchronize_session=False)
    )
    if gift.unit_id:  # a unit with a confirmed gift is a real one: list it in public
        session.execute(
            update(WorkUnit)
            .where(WorkUnit.id == gift.unit_id, WorkUnit.verified.is_(False))
            .values(verified=True)
            .execution_options(synchronize_session=False)
        )
    column = "received_fen" if gift.kind == "money" else "goods_received_fen"
    session.execute(
        update(Campaign)
        .where(Campaign.id == gift.campaign_id)
        .values({column: getattr(Campaign, column) + gift.amount_fen})
        .execution_options(synchronize_session=False)
    )
    session.refresh(gift)
    _event(session, gift, actor_id=principal.id, action="confirmed", from_status=before)
    if gift.donor_user_id:
        what = yuan_text(gift.amount_fen) if gift.kind == "money" else gift.goods_description
        common.notify(
            session,
            user_id=gift.donor_user_id,
            kind="charity.donation_confirmed",
            title="捐赠已确认",
            body=f"您的捐赠（{what}）已确认，收据编号 {gift.receipt_number}。感谢您的爱心！",
            data={"donation_id": gift.id, "receipt_number": gift.receipt_number},
        )
    return gift


def void(
    session: Session, *, principal: Principal, donation_id: int, reason: str, now: datetime
) -> Donation:
    """Void a gift logged in error: it stays on record and leaves every total. A confirmed gift
    whose money was already disbursed cannot be voided (the totals would not add up)."""
    gift = _in_scope(session, principal=principal, donation_id=donation_id)
    before = gift.status
    if before == "voided":
        raise Conflict("这笔捐赠已经作废了。", error="wrong_state")
    # Only from the state read above: a confirmation landing in between has counted the gift,
    # and this void would leave that money in the totals.
    done = session.execute(
        update(Donation)
        .where(Donation.id == gift.id, Donation.status == before)
        .values(status="voided", voided_at=now, voided_by=principal.id, void_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise Conflict("这笔捐赠的状态刚刚有了变化，请刷新后重试。", error="wrong_state")
    if before == "confirmed":
        if gift.kind == "money":
            moved = session.execute(
                update(Campaign)
                .where(
                    Campaign.id == gift.campaign_id,
                    Campaign.received_fen - Campaign.disbursed_fen >= gift.amount_fen,
                )
                .values(received_fen=Campaign.received_fen - gift.amount_fen)
                .execution_options(synchronize_session=False)
            ).rowcount
        else:
            moved = session.execute(
                update(Campaign)
                .where(
                    Campaign.id == gift.campaign_id,
                    Campaign.goods_received_fen - Campaign.goods_distributed_fen >= gift.amount_fen,
                )
                .values(goods_received_fen=Campaign.goods_received_fen - gift.amount_fen)
                .execution_options(synchronize_session=False)
            ).rowcount
        if not moved:
            raise Conflict(
                "这笔捐赠已计入的款物已经支出，不能作废；请先核对支出记录。",
                error="already_disbursed",
            )
    session.refresh(gift)
    _event(session, gift, actor_id=principal.id, action="voided", from_status=before, reason=reason)
    return gift


def my_donations(
    session: Session, *, principal: Principal, page: int, page_size: int
) -> tuple[list[Donation], int]:
    where = (Donation.donor_user_id == principal.id) | (Donation.logged_by == principal.id)
    total = session.scalar(select(func.count()).select_from(Donation).where(where))
    rows = session.scalars(
        select(Donation)
        .where(where)
        .order_by(Donation.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(rows), total


def list_donations(
    session: Session,
    *,
    principal: Principal,
    campaign_id: int | None,
    status: str | None,
    page: int,
    page_size: int,
) -> tuple[list[Donation], int]:
    """For a worker: the gifts logged in their scope (to confirm), newest first."""
    permissions.require(principal, roles=("worker",))
    query = select(Donation)
    if not permissions.is_admin(principal):
        query = query.where(
            Donation.region_code.startswith(scope_prefix(principal.worker_region_code))
        )
    if campaign_id:
        query = query.where(Donation.campaign_id == campaign_id)
    if status:
        query = query.where(Donation.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Donation.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return list(rows), total


def receipt(session: Session, *, principal: Principal, donation_id: int) -> dict:
    """The receipt of a confirmed gift (free, as the charity law requires)."""
    gift = get_donation(session, principal=principal, donation_id=donation_id)
    if gift.status == "voided":
        raise Conflict("这笔捐赠已作废，没有收据。", error="voided")
    if gift.status != "confirmed":
        raise Conflict("捐赠确认后才能开具收据。", error="not_confirmed")
    campaign = session.get(Campaign, gift.campaign_id)
    organiser = session.get(Region, campaign.region_code)
    unit = session.get(WorkUnit, gift.unit_id) if gift.unit_id else None
    confirmed_on = common.local_today(gift.confirmed_at)
    return {
        "receipt_number": gift.receipt_number,
        "donor_name": gift.donor_name,
        "unit_name": unit.name if unit else None,
        "kind": gift.kind,
        "amount_fen": gift.amount_fen,
        "amount_figures": yuan_text(gift.amount_fen),
        "amount_words": rmb_upper(gift.amount_fen),
        "description": gift.goods_description,
        "quantity": gift.goods_quantity,
        "unit": gift.goods_unit,
        "campaign_name": campaign.name,
        "date": confirmed_on,
        "issuer": f"{organiser.name}民政局",
    }


# --- money out -----------------------------------------------------------------------------------


def disburse(
    session: Session,
    *,
    principal: Principal,
    campaign_id: int,
    kind: str,
    amount_fen: int,
    purpose: str,
    recipient_name: str,
    region_code: str,
    description: str | None = None,
    application_id: int | None = None,
    note: str | None = None,
) -> Disbursement:
    """Give out money (never more than the confirmed balance) or goods (never more than taken
    in), for a purpose on the campaign's list, to a recipient in the worker's scope. Money out
    is a county or city worker's act (DESIGN: they run the disbursements)."""
    permissions.require(
        principal,
        roles=("worker",),
        min_level="county",
        level_message="善款物资的支出由县（市、区）级及以上民政工作人员办理。",
    )
    campaign = get_campaign(session, campaign_id=campaign_id)
    region = get_region(session, code=region_code)
    permissions.require(principal, region_code=region.code, check_scope=True)
    errors: dict[str, list[str]] = {}
    if purpose not in campaign.purposes:
        names = "、".join(PURPOSE_NAMES[p] for p in campaign.purposes)
        errors["purpose"] = [f"这个活动的善款只能用于：{names}。"]
    if not is_within(region.code, campaign.region_code):
        errors["region_code"] = ["受助人所在地区不在这个活动的范围内。"]
    if kind == "goods" and not description:
        errors["description"] = ["请填写发放的物品。"]
    if application_id is not None:
        app = session.get(Application, application_id)
        if app is None or not permissions.in_scope(principal, app.region_code):
            errors["application_id"] = ["没有找到这份救助申请。"]
    if errors:
        raise ValidationFailed(errors)
    if kind == "money":
        moved = session.execute(
            update(Campaign)
            .where(
                Campaign.id == campaign.id,
                Campaign.received_fen - Campaign.disbursed_fen >= amount_fen,
            )
            .values(disbursed_fen=Campaign.disbursed_fen + amount_fen)
            .execution_options(synchronize_session=False)
        ).rowcount
    else:
        moved = session.execute(
            update(Campaign)
            .where(
                Campaign.id == campaign.id,
                Campaign.goods_received_fen - Campaign.goods_distributed_fen >= amount_fen,
            )
            .values(goods_distributed_fen=Campaign.goods_distributed_fen + amount_fen)
            .execution_options(synchronize_session=False)
        ).rowcount
    if not moved:
        session.refresh(campaign)
        left = (
            campaign.received_fen - campaign.disbursed_fen
            if kind == "money"
            else campaign.goods_received_fen - campaign.goods_distributed_fen
        )
        raise Conflict(
            f"余额不足：这个活动现在可支出 {yuan_text(left)}"
            + ("（已确认的善款）。" if kind == "money" else "（已入库物资的估价）。"),
            error="insufficient_balance",
            extra={"available_fen": left},
        )
    out = Disbursement(
        campaign_id=campaign.id,
        kind=kind,
        amount_fen=amount_fen,
        goods_description=description,
        purpose=purpose,
        recipient_name=recipient_name,
        region_code=region.code,
        application_id=application_id,
        note=note,
        created_by=principal.id,
    )
    session.add(out)
    session.flush()
    _event(session, out, actor_id=principal.id, action="disbursed", from_status=None)
    session.refresh(campaign)
    return out


def describe_disbursement(out: Disbursement, *, public: bool) -> dict:
    item = {
        "id": out.id,
        "campaign_id": out.campaign_id,
        "kind": out.kind,
        "amount_fen": out.amount_fen,
        "description": out.goods_description,
        "purpose": out.purpose,
        "purpose_name": PURPOSE_NAMES[out.purpose],
        "recipient_name": mask_name(out.recipient_name) if public else out.recipient_name,
        # In public, the township at most: a village and a masked surname can name a person.
        "region_code": out.region_code[:9] if public else out.region_code,
        "created_at": out.created_at,
    }
    if not public:
        item["application_id"] = out.application_id
        item["note"] = out.note
    return item


def list_disbursements(
    session: Session, *, principal: Principal, campaign_id: int, page: int, page_size: int
) -> tuple[list[Disbursement], int]:
    permissions.require(principal, roles=("worker",))
    campaign = get_campaign(session, campaign_id=campaign_id)
    permissions.require(principal, region_code=campaign.region_code, check_scope=True)
    where = Disbursement.campaign_id == campaign.id
    total = session.scalar(select(func.count()).select_from(Disbursement).where(where))
    rows = session.scalars(
        select(Disbursement)
        .where(where)
        .order_by(Disbursement.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(rows), total


# --- the public ledger ---------------------------------------------------------------------------

RECENT = 20


def _month(column, dialect: str):
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", func.datetime(column, "+8 hours"))


def public_report(session: Session, *, campaign_id: int, today: date) -> dict:
    """Everything the public may see of a campaign: totals, by purpose and month, recent gifts
    (surname kept, anonymous as 爱心人士), units, and disbursements with recipients masked."""
    campaign = get_campaign(session, campaign_id=campaign_id)
    dialect = session.get_bind().dialect.name
    confirmed = (Donation.campaign_id == campaign.id) & (Donation.status == "confirmed")
    month = _month(Donation.confirmed_at, dialect)
    months: dict[str, dict[str, int]] = defaultdict(
        lambda: {"in_fen": 0, "goods_in_fen": 0, "out_fen": 0}
    )
    for key, kind, total in session.execute(
        select(month, Donation.kind, func.sum(Donation.amount_fen))
        .where(confirmed)
        .group_by(month, Donation.kind)
    ):
        months[key]["in_fen" if kind == "money" else "goods_in_fen"] += int(total)
    out_month = _month(Disbursement.created_at, dialect)
    by_purpose: dict[str, dict[str, int]] = {
        p: {"money_fen": 0, "goods_fen": 0, "count": 0} for p in campaign.purposes
    }
    for key, purpose, kind, total, count in session.execute(
        select(
            out_month,
            Disbursement.purpose,
            Disbursement.kind,
            func.sum(Disbursement.amount_fen),
            func.count(),
        )
        .where(Disbursement.campaign_id == campaign.id)
        .group_by(out_month, Disbursement.purpose, Disbursement.kind)
    ):
        if kind == "money":
            months[key]["out_fen"] += int(total)
        bucket = by_purpose.setdefault(purpose, {"money_fen": 0, "goods_fen": 0, "count": 0})
        bucket["money_fen" if kind == "money" else "goods_fen"] += int(total)
        bucket["count"] += int(count)
    recent = session.execute(
        select(Donation, WorkUnit.name)
        .outerjoin(WorkUnit, WorkUnit.id == Donation.unit_id)
        .where(confirmed)
        .order_by(Donation.confirmed_at.desc(), Donation.id.desc())
        .limit(RECENT)
    ).all()
    units = session.execute(
        # Anonymous gifts stay out of the unit lines: a unit's only gift would name its giver.
        select(WorkUnit.name, func.sum(Donation.amount_fen), func.count())
        .join(Donation, Donation.unit_id == WorkUnit.id)
        .where(confirmed, Donation.kind == "money", Donation.anonymous.is_(False))
        .group_by(WorkUnit.id, WorkUnit.name)
        .order_by(func.sum(Donation.amount_fen).desc())
        .limit(50)
    ).all()
    outs = session.scalars(
        select(Disbursement)
        .where(Disbursement.campaign_id == campaign.id)
        .order_by(Disbursement.id.desc())
        .limit(RECENT)
    ).all()
    return {
        "campaign": describe_campaign(session, campaign, today=today),
        "by_purpose": [
            {"purpose": p, "purpose_name": PURPOSE_NAMES[p], **v} for p, v in by_purpose.items()
        ],
        "by_month": [{"month": m, **v} for m, v in sorted(months.items())],
        "recent_donations": [
            {
                "donor": ANONYMOUS if gift.anonymous else mask_name(gift.donor_name),
                "unit_name": None if gift.anonymous else unit_name,
                "kind": gift.kind,
                "amount_fen": gift.amount_fen,
                # Free text could name the giver: kept back for anonymous gifts.
                "description": None if gift.anonymous else gift.goods_description,
                "confirmed_on": common.local_today(gift.confirmed_at),
            }
            for gift, unit_name in recent
        ],
        "units": [
            {"unit_name": name, "amount_fen": int(total), "donations": int(count)}
            for name, total, count in units
        ],
        "recent_disbursements": [describe_disbursement(o, public=True) for o in outs],
    }


def export_rows(session: Session, *, principal: Principal, campaign_id: int):
    """Every gift and disbursement of a campaign, in full, for the auditors (workers in scope)."""
    permissions.require(principal, roles=("worker",))
    campaign = get_campaign(session, campaign_id=campaign_id)
    permissions.require(principal, region_code=campaign.region_code, check_scope=True)
    # A bulk read of real names (anonymous donors, recipients): accountable.
    common.audit(
        session,
        actor_id=principal.id,
        action="charity_export",
        object_type="campaign",
        object_id=campaign.id,
    )
    yield (
        "record",
        "id",
        "status",
        "kind",
        "amount_fen",
        "amount_yuan",
        "purpose",
        "name",
        "anonymous",
        "unit",
        "department",
        "channel",
        "goods",
        "receipt_number",
        "region_code",
        "created_at",
        "confirmed_at",
        "voided_at",
        "void_reason",
    )
    units = dict(session.execute(select(WorkUnit.id, WorkUnit.name)).all())
    for gift in session.scalars(
        select(Donation).where(Donation.campaign_id == campaign.id).order_by(Donation.id)
    ):
        goods = (
            f"{gift.goods_description} {gift.goods_quantity}{gift.goods_unit}"
            if gift.kind == "goods"
            else ""
        )
        yield (
            "donation",
            gift.id,
            gift.status,
            gift.kind,
            gift.amount_fen,
            f"{gift.amount_fen // 100}.{gift.amount_fen % 100:02d}",
            "",
            gift.donor_name,
            gift.anonymous,
            units.get(gift.unit_id, ""),
            gift.department or "",
            gift.channel or "",
            goods,
            gift.receipt_number or "",
            gift.region_code,
            gift.created_at.isoformat(),
            gift.confirmed_at.isoformat() if gift.confirmed_at else "",
            gift.voided_at.isoformat() if gift.voided_at else "",
            gift.void_reason or "",
        )
    for out in session.scalars(
        select(Disbursement)
        .where(Disbursement.campaign_id == campaign.id)
        .order_by(Disbursement.id)
    ):
        yield (
            "disbursement",
            out.id,
            "",
            out.kind,
            out.amount_fen,
            f"{out.amount_fen // 100}.{out.amount_fen % 100:02d}",
            out.purpose,
            out.recipient_name,
            "",
            "",
            "",
            "",
            out.goods_description or "",
            "",
            out.region_code,
            out.created_at.isoformat(),
            "",
            "",
            "",
        )
