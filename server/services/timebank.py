"""Love time bank (爱心时间银行): volunteers, opportunities, bookings, check-in/out, service logs,
and what the banked hours are for (transfers to family, care asked for, grants from the fund).

Places are never oversold: a booking takes a place with one guarded UPDATE
(`booked = booked + 1 WHERE booked < places`). A volunteer never holds two overlapping bookings:
their volunteer row is locked while the overlap is checked, so their bookings are made one at a
time. Every state change is a guarded UPDATE from the state the reader saw, so two workers
approving one log at once credit it once. The ledger itself is `timebank_ledger`.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import redis
from sqlalchemy import case, extract, func, select, update
from sqlalchemy.orm import Session

from server.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.models.facilities import Facility
from server.models.timebank import (
    Account,
    Booking,
    Opportunity,
    Redemption,
    ServiceLog,
    TimebankEvent,
    Transfer,
    Volunteer,
)
from server.models.users import User
from server.services import common, geo, permissions
from server.services import timebank_ledger as ledger
from server.services.identity import Cipher, mask_name, mask_phone, phone_problem
from server.services.regions import get_region, is_within, scope_prefix
from server.services.users import Principal

log = logging.getLogger(__name__)

SKILL_NAMES = {
    "companionship": "陪伴聊天",
    "housekeeping": "家政保洁",
    "meal_help": "助餐送餐",
    "personal_care": "生活照料",
    "medical_escort": "陪同就医",
    "rehabilitation": "康复辅助",
    "haircut": "理发",
    "repairs": "维修",
    "digital_help": "智能手机教学",
    "legal_advice": "法律咨询",
    "cultural": "文体活动",
}
ACTIVE_BOOKING = ("booked", "checked_in")


@dataclass(frozen=True)
class TimebankSettings:
    cancel_before_minutes: int = 120
    check_in_opens_minutes: int = 30
    check_in_radius_m: int = 500
    balance_cap_minutes: int = 1500 * 60
    transfer_yearly_cap_minutes: int = 100 * 60
    log_max_minutes: int = 12 * 60
    log_max_age_days: int = 90

    @classmethod
    def from_config(cls, config) -> TimebankSettings:
        return cls(
            cancel_before_minutes=config["TIMEBANK_CANCEL_BEFORE_MINUTES"],
            check_in_opens_minutes=config["TIMEBANK_CHECK_IN_OPENS_MINUTES"],
            check_in_radius_m=config["TIMEBANK_CHECK_IN_RADIUS_M"],
            balance_cap_minutes=config["TIMEBANK_BALANCE_CAP_HOURS"] * 60,
            transfer_yearly_cap_minutes=config["TIMEBANK_TRANSFER_YEARLY_CAP_HOURS"] * 60,
        )


def _event(session: Session, obj, *, actor_id: int | None, action: str, from_status, reason=None):
    session.add(
        TimebankEvent(
            object_type=type(obj).__tablename__.rstrip("s"),
            object_id=obj.id,
            actor_id=actor_id,
            action=action,
            from_status=from_status,
            to_status=getattr(obj, "status", None),
            reason=reason,
        )
    )


def _transition(session: Session, model, obj_id: int, *, from_states, message: str, **values):
    """One guarded UPDATE from the states the caller expects; 409 when someone moved it first."""
    done = session.execute(
        update(model)
        .where(model.id == obj_id, model.status.in_(from_states))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise Conflict(message, error="wrong_state")
    obj = session.get(model, obj_id)
    session.refresh(obj)
    return obj


def local_day(at: datetime) -> date:
    return common.local_today(at)


def clean_phone(phone: str, *, field: str = "phone") -> str:
    """A mobile number as profiles store it (spaces and dashes dropped), or a 422 naming it."""
    value = "".join(ch for ch in phone if ch not in " -")
    problem = phone_problem(value)
    if problem:
        raise ValidationFailed({field: [problem]})
    return value


def hours_or_minutes(minutes: int) -> str:
    return f"{minutes // 60} 小时" if minutes % 60 == 0 else f"{minutes} 分钟"


# --- volunteers ----------------------------------------------------------------------------------


def describe_volunteer(user: User, volunteer: Volunteer) -> dict:
    return {
        "user_id": user.id,
        "real_name": mask_name(user.real_name),
        "skills": volunteer.skills,
        "skill_names": [SKILL_NAMES[s] for s in volunteer.skills],
        "team": volunteer.team,
        "region_code": volunteer.region_code,
        "registered_at": volunteer.created_at,
    }


def register(
    session: Session, *, principal: Principal, skills: list[str], team: str | None
) -> tuple[User, Volunteer, bool]:
    """Register the resident as a volunteer (real name and ID number needed); again, to update
    the skills and team. Returns whether they were new."""
    user = session.get(User, principal.id)
    missing = [
        name
        for name, value in (("real_name", user.real_name), ("id_number", user.id_number_hash))
        if not value
    ]
    if missing:
        raise Conflict(
            "志愿者实行实名登记：请先在“我的”页面填写姓名和身份证号码。",
            error="profile_incomplete",
            extra={"missing": missing},
        )
    volunteer = session.get(Volunteer, user.id)
    created = volunteer is None
    if created:
        volunteer = Volunteer(user_id=user.id)
        session.add(volunteer)
    volunteer.skills = list(dict.fromkeys(skills))
    volunteer.team = team
    volunteer.region_code = user.region_code
    if not user.is_volunteer:
        user.is_volunteer = True
    session.flush()
    ledger.account_of(session, user_id=user.id)
    return user, volunteer, created


def my_volunteer(session: Session, *, principal: Principal) -> tuple[User, Volunteer]:
    volunteer = session.get(Volunteer, principal.id)
    if volunteer is None:
        raise NotFound("您还没有登记为志愿者。", error="not_volunteer")
    return session.get(User, principal.id), volunteer


def _require_volunteer(session: Session, principal: Principal, *, lock: bool = False) -> Volunteer:
    query = select(Volunteer).where(Volunteer.user_id == principal.id)
    if lock:
        query = query.with_for_update()
    volunteer = session.scalar(query)
    if volunteer is None:
        raise Forbidden("请先登记为志愿者。", error="not_volunteer")
    return volunteer


# --- opportunities -------------------------------------------------------------------------------


def describe_opportunity(
    opp: Opportunity,
    *,
    facility_name: str | None = None,
    show_code: bool = False,
    distance_m: float | None = None,
) -> dict:
    item = {
        "id": opp.id,
        "title": opp.title,
        "facility_id": opp.facility_id,
        "facility_name": facility_name,
        "region_code": opp.region_code,
        "starts_at": opp.starts_at,
        "ends_at": opp.ends_at,
        "minutes": int((opp.ends_at - opp.starts_at).total_seconds() // 60),
        "places": opp.places,
        "places_left": max(opp.places - opp.booked, 0),
        "skills": opp.skills,
        "skill_names": [SKILL_NAMES[s] for s in opp.skills],
        "description": opp.description,
        "lat": opp.lat,
        "lng": opp.lng,
        "status": opp.status,
        "cancel_reason": opp.cancel_reason,
    }
    if distance_m is not None:
        item["distance_m"] = round(distance_m)
    if show_code:
        item["check_code"] = opp.check_code
    return item


def create_opportunity(
    session: Session,
    *,
    principal: Principal,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    places: int,
    now: datetime,
    facility_id: int | None = None,
    region_code: str | None = None,
    skills: list[str] | None = None,
    description: str | None = None,
) -> tuple[Opportunity, str | None]:
    """A slot of service (workers in scope). At a facility, its region and position are the
    facility's; otherwise a region is needed (and check-in is by code only)."""
    permissions.require(principal, roles=("worker",))
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = ["结束时间要晚于开始时间。"]
    elif ends_at - starts_at > timedelta(hours=12):
        errors["ends_at"] = ["一次服务最长 12 小时。"]
    if starts_at <= now:
        errors["starts_at"] = ["开始时间要在将来。"]
    facility = None
    if facility_id is not None:
        facility = session.get(Facility, facility_id)
        if facility is None or facility.deleted_at is not None:
            errors["facility_id"] = ["没有找到这个服务场所。"]
    elif not region_code:
        errors["region_code"] = ["请选择服务场所或所在地区。"]
    if errors:
        raise ValidationFailed(errors)
    region = get_region(session, code=facility.region_code if facility else region_code)
    permissions.require(principal, region_code=region.code, check_scope=True)
    opp = Opportunity(
        title=title,
        facility_id=facility.id if facility else None,
        region_code=region.code,
        starts_at=starts_at,
        ends_at=ends_at,
        places=places,
        skills=list(dict.fromkeys(skills or [])),
        description=description,
        lat=facility.lat if facility else None,
        lng=facility.lng if facility else None,
        check_code=f"{secrets.randbelow(10**6):06d}",
        created_by=principal.id,
    )
    session.add(opp)
    session.flush()
    return opp, facility.name if facility else None


def _facility_names(session: Session, opps) -> dict[int, str]:
    ids = {o.facility_id for o in opps if o.facility_id}
    if not ids:
        return {}
    return dict(
        session.execute(select(Facility.id, Facility.name).where(Facility.id.in_(ids))).all()
    )


def list_opportunities(
    session: Session,
    *,
    principal: Principal,
    now: datetime,
    start: datetime | None,
    end: datetime | None,
    region_code: str | None,
    skill: str | None,
    near: tuple[float, float] | None,
    page: int,
    page_size: int,
) -> tuple[list[dict], int]:
    """Future open opportunities with their places left: soonest first, or nearest first."""
    query = select(Opportunity).where(
        Opportunity.status == "open", Opportunity.starts_at >= max(start or now, now)
    )
    if end is not None:
        query = query.where(Opportunity.starts_at < end)
    if region_code:
        region = get_region(session, code=region_code)
        query = query.where(Opportunity.region_code.startswith(scope_prefix(region.code)))
    rows = list(session.scalars(query.order_by(Opportunity.starts_at, Opportunity.id)))
    if skill:
        rows = [o for o in rows if skill in (o.skills or [])]
    distances = {}
    if near is not None:
        for o in rows:
            if o.lat is not None:
                distances[o.id] = geo.distance_m(near[0], near[1], o.lat, o.lng)
        rows.sort(key=lambda o: (distances.get(o.id, float("inf")), o.starts_at, o.id))
    total = len(rows)
    rows = rows[(page - 1) * page_size : page * page_size]
    names = _facility_names(session, rows)
    return [
        describe_opportunity(
            o,
            facility_name=names.get(o.facility_id),
            show_code=_may_manage(principal, o),
            distance_m=distances.get(o.id),
        )
        for o in rows
    ], total


def _may_manage(principal: Principal, opp: Opportunity) -> bool:
    return (
        "worker" in principal.roles or permissions.is_admin(principal)
    ) and permissions.in_scope(principal, opp.region_code)


def get_opportunity(session: Session, *, opportunity_id: int) -> Opportunity:
    opp = session.get(Opportunity, opportunity_id)
    if opp is None:
        raise NotFound("没有找到这个服务项目。", error="opportunity_not_found")
    return opp


def describe_one(session: Session, opp: Opportunity, *, principal: Principal) -> dict:
    return describe_opportunity(
        opp,
        facility_name=_facility_names(session, [opp]).get(opp.facility_id),
        show_code=_may_manage(principal, opp),
    )


def _managed(session: Session, *, principal: Principal, opportunity_id: int) -> Opportunity:
    permissions.require(principal, roles=("worker",))
    opp = get_opportunity(session, opportunity_id=opportunity_id)
    permissions.require(principal, region_code=opp.region_code, check_scope=True)
    return opp


def cancel_opportunity(
    session: Session, *, principal: Principal, opportunity_id: int, reason: str, now: datetime
) -> Opportunity:
    """Cancel a slot: every booking on it is cancelled by the site and its volunteer told."""
    opp = _managed(session, principal=principal, opportunity_id=opportunity_id)
    if opp.starts_at <= now:
        raise Conflict("服务已经开始，不能再取消。", error="already_started")
    opp = _transition(
        session,
        Opportunity,
        opp.id,
        from_states=("open",),
        message="这个服务项目已经取消了。",
        status="cancelled",
        cancel_reason=reason,
    )
    bookings = session.scalars(
        select(Booking).where(Booking.opportunity_id == opp.id, Booking.status.in_(ACTIVE_BOOKING))
    ).all()
    for booking in bookings:
        before = booking.status
        booking.status = "cancelled_by_site"
        booking.cancelled_at = now
        session.flush()
        _event(
            session,
            booking,
            actor_id=principal.id,
            action="cancelled_by_site",
            from_status=before,
            reason=reason,
        )
        common.notify(
            session,
            user_id=booking.volunteer_id,
            kind="timebank.booking_cancelled",
            title="志愿服务已取消",
            body=f"您预约的“{opp.title}”（{_local(opp.starts_at)}）已被服务点取消：{reason}",
            data={"booking_id": booking.id, "opportunity_id": opp.id},
        )
    opp.booked = 0
    session.flush()
    return opp


def _local(at: datetime) -> str:
    return at.astimezone(common.LOCAL_TZ).strftime("%m月%d日 %H:%M")


# --- bookings ------------------------------------------------------------------------------------


def describe_booking(booking: Booking, opp: Opportunity, *, facility_name: str | None = None):
    return {
        "id": booking.id,
        "opportunity_id": opp.id,
        "title": opp.title,
        "facility_name": facility_name,
        "region_code": opp.region_code,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "status": booking.status,
        "checked_in_at": booking.checked_in_at,
        "checked_out_at": booking.checked_out_at,
        "cancelled_at": booking.cancelled_at,
    }


def booking_view(session: Session, booking: Booking, opp: Opportunity) -> dict:
    return describe_booking(
        booking, opp, facility_name=_facility_names(session, [opp]).get(opp.facility_id)
    )


def book(
    session: Session, *, principal: Principal, opportunity_id: int, now: datetime
) -> tuple[Booking, Opportunity]:
    """Take a place: never oversold, never two overlapping bookings for one volunteer."""
    _require_volunteer(session, principal, lock=True)  # the volunteer's bookings, one at a time
    opp = get_opportunity(session, opportunity_id=opportunity_id)
    if opp.status != "open":
        raise Conflict("这个服务项目已经取消了。", error="opportunity_cancelled")
    if opp.starts_at <= now:
        raise Conflict("这个服务项目已经开始，不能再预约了。", error="already_started")
    clash = session.scalar(
        select(Booking).where(
            Booking.volunteer_id == principal.id,
            Booking.status.in_(ACTIVE_BOOKING),
            Booking.starts_at < opp.ends_at,
            Booking.ends_at > opp.starts_at,
        )
    )
    if clash is not None:
        same = clash.opportunity_id == opp.id
        raise Conflict(
            "您已经预约了这个服务项目。" if same else "这个时间段您已有其他预约，时间冲突。",
            error="already_booked" if same else "time_conflict",
        )
    taken = session.execute(
        update(Opportunity)
        .where(
            Opportunity.id == opp.id,
            Opportunity.status == "open",
            Opportunity.booked < Opportunity.places,
        )
        .values(booked=Opportunity.booked + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise Conflict("已约满：这个服务项目的名额已经约完了。", error="fully_booked")
    booking = Booking(
        opportunity_id=opp.id,
        volunteer_id=principal.id,
        starts_at=opp.starts_at,
        ends_at=opp.ends_at,
    )
    session.add(booking)
    session.flush()
    _event(session, booking, actor_id=principal.id, action="booked", from_status=None)
    session.refresh(opp)
    return booking, opp


def _my_booking(session: Session, *, principal: Principal, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or booking.volunteer_id != principal.id:
        raise NotFound("没有找到这个预约。", error="booking_not_found")
    return booking


def cancel_booking(
    session: Session,
    *,
    principal: Principal,
    booking_id: int,
    now: datetime,
    settings: TimebankSettings,
) -> tuple[Booking, Opportunity]:
    """The volunteer cancels, up to `cancel_before_minutes` before the start; the place is freed."""
    booking = _my_booking(session, principal=principal, booking_id=booking_id)
    if booking.status != "booked":
        raise Conflict("这个预约已不能取消。", error="wrong_state")
    deadline = booking.starts_at - timedelta(minutes=settings.cancel_before_minutes)
    if now > deadline:
        raise Conflict(
            f"开始前 {hours_or_minutes(settings.cancel_before_minutes)}内不能在线取消，"
            "请直接联系服务点，以免老人空等。",
            error="too_late_to_cancel",
        )
    # The slot's row before the booking's, in the order cancel_opportunity takes them: the two
    # at once would otherwise deadlock.
    session.execute(
        select(Opportunity.id).where(Opportunity.id == booking.opportunity_id).with_for_update()
    )
    booking = _transition(
        session,
        Booking,
        booking.id,
        from_states=("booked",),
        message="这个预约已不能取消。",
        status="cancelled",
        cancelled_at=now,
    )
    session.execute(
        update(Opportunity)
        .where(Opportunity.id == booking.opportunity_id, Opportunity.booked > 0)
        .values(booked=Opportunity.booked - 1)
        .execution_options(synchronize_session=False)
    )
    _event(session, booking, actor_id=principal.id, action="cancelled", from_status="booked")
    opp = session.get(Opportunity, booking.opportunity_id)
    session.refresh(opp)
    return booking, opp


def my_bookings(
    session: Session, *, principal: Principal, page: int, page_size: int
) -> tuple[list[dict], int]:
    where = Booking.volunteer_id == principal.id
    total = session.scalar(select(func.count()).select_from(Booking).where(where))
    rows = session.execute(
        select(Booking, Opportunity)
        .join(Opportunity, Opportunity.id == Booking.opportunity_id)
        .where(where)
        .order_by(Booking.starts_at.desc(), Booking.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    names = _facility_names(session, [o for _b, o in rows])
    return [describe_booking(b, o, facility_name=names.get(o.facility_id)) for b, o in rows], total


def roster(
    session: Session, *, principal: Principal, opportunity_id: int, cipher: Cipher
) -> list[dict]:
    """Who booked a slot (workers in scope), names and phones masked."""
    opp = _managed(session, principal=principal, opportunity_id=opportunity_id)
    rows = session.execute(
        select(Booking, User)
        .join(User, User.id == Booking.volunteer_id)
        .where(Booking.opportunity_id == opp.id)
        .order_by(Booking.id)
    ).all()
    return [
        {
            **describe_booking(b, opp),
            "volunteer_id": u.id,
            "volunteer_name": mask_name(u.real_name),
            "volunteer_phone": mask_phone(cipher.decrypt(u.phone_enc)) if u.phone_enc else None,
        }
        for b, u in rows
    ]


def _verify_presence(
    opp: Opportunity,
    *,
    code: str | None,
    position: tuple[float, float] | None,
    settings: TimebankSettings,
) -> str:
    """How the volunteer proved they are there: the site's code, or a position near it."""
    if code is not None:
        if not secrets.compare_digest(code, opp.check_code):
            raise ValidationFailed({"code": ["签到码不对，请向现场工作人员核对。"]})
        return "code"
    if position is None:
        raise ValidationFailed({"code": ["请提供位置，或输入现场工作人员出示的签到码。"]})
    if opp.lat is None:
        raise ValidationFailed({"code": ["这个服务项目没有固定地点，请输入签到码。"]})
    distance = geo.distance_m(position[0], position[1], opp.lat, opp.lng)
    if distance > settings.check_in_radius_m:
        raise ValidationFailed(
            {
                "lat": [
                    f"您离服务地点约 {round(distance)} 米，需在 {settings.check_in_radius_m} 米内"
                    "签到；也可以输入签到码。"
                ]
            }
        )
    return "location"


def check_in(
    session: Session,
    *,
    principal: Principal,
    booking_id: int,
    code: str | None,
    position: tuple[float, float] | None,
    now: datetime,
    settings: TimebankSettings,
) -> tuple[Booking, Opportunity]:
    booking = _my_booking(session, principal=principal, booking_id=booking_id)
    opp = session.get(Opportunity, booking.opportunity_id)
    if booking.status != "booked":
        raise Conflict("这个预约现在不能签到。", error="wrong_state")
    opens = booking.starts_at - timedelta(minutes=settings.check_in_opens_minutes)
    if now < opens:
        raise Conflict(
            f"签到在开始前 {settings.check_in_opens_minutes} 分钟开放（{_local(opens)} 起）。",
            error="check_in_not_open",
        )
    if now >= booking.ends_at:
        raise Conflict("这个服务时段已经结束，不能签到了。", error="check_in_closed")
    method = _verify_presence(opp, code=code, position=position, settings=settings)
    booking = _transition(
        session,
        Booking,
        booking.id,
        from_states=("booked",),
        message="这个预约现在不能签到。",
        status="checked_in",
        checked_in_at=now,
        check_in_method=method,
    )
    _event(session, booking, actor_id=principal.id, action="checked_in", from_status="booked")
    return booking, opp


def served_minutes(booking: Booking, *, checked_out_at: datetime) -> int:
    """Time actually served, within the booked slot, rounded down to the half hour."""
    start = max(booking.checked_in_at, booking.starts_at)
    end = min(checked_out_at, booking.ends_at)
    minutes = max(0, int((end - start).total_seconds() // 60))
    return minutes // 30 * 30


def check_out(
    session: Session,
    *,
    principal: Principal,
    booking_id: int,
    code: str | None,
    position: tuple[float, float] | None,
    now: datetime,
    settings: TimebankSettings,
) -> tuple[Booking, Opportunity, ServiceLog | None]:
    """Finish: the served time becomes a service log for a worker to approve."""
    booking = _my_booking(session, principal=principal, booking_id=booking_id)
    opp = session.get(Opportunity, booking.opportunity_id)
    if booking.status != "checked_in":
        raise Conflict("请先签到，再签退。", error="wrong_state")
    method = _verify_presence(opp, code=code, position=position, settings=settings)
    booking = _transition(
        session,
        Booking,
        booking.id,
        from_states=("checked_in",),
        message="这个预约已经签退了。",
        status="completed",
        checked_out_at=now,
        check_out_method=method,
    )
    _event(session, booking, actor_id=principal.id, action="checked_out", from_status="checked_in")
    minutes = served_minutes(booking, checked_out_at=now)
    log = None
    if minutes > 0:
        log = ServiceLog(
            volunteer_id=principal.id,
            booking_id=booking.id,
            region_code=opp.region_code,
            served_on=local_day(booking.checked_in_at),
            minutes=minutes,
            description=opp.title,
        )
        session.add(log)
        session.flush()
        _event(session, log, actor_id=principal.id, action="logged", from_status=None)
    return booking, opp, log


# --- service logs --------------------------------------------------------------------------------


def describe_log(log: ServiceLog, *, volunteer_name: str | None = None) -> dict:
    return {
        "id": log.id,
        "volunteer_id": log.volunteer_id,
        "volunteer_name": mask_name(volunteer_name) if volunteer_name else None,
        "booking_id": log.booking_id,
        "region_code": log.region_code,
        "served_on": log.served_on,
        "minutes": log.minutes,
        "served_name": mask_name(log.served_name),
        "description": log.description,
        "status": log.status,
        "needs_confirmation": log.needs_confirmation,
        "confirmed_at": log.confirmed_at,
        "decided_at": log.decided_at,
        "reject_reason": log.reject_reason,
        "created_at": log.created_at,
    }


def log_service(
    session: Session,
    *,
    principal: Principal,
    cipher: Cipher,
    served_on: date,
    minutes: int,
    region_code: str,
    served_name: str,
    served_phone: str,
    description: str,
    today: date,
    settings: TimebankSettings,
) -> ServiceLog:
    """Service given outside a booking: the person served (or their family, on the phone number
    given) confirms it, then a worker approves it."""
    _require_volunteer(session, principal)
    errors: dict[str, list[str]] = {}
    if served_on > today:
        errors["served_on"] = ["服务日期不能晚于今天。"]
    elif (today - served_on).days > settings.log_max_age_days:
        errors["served_on"] = [f"只能补记 {settings.log_max_age_days} 天内的服务。"]
    if minutes % 30:
        errors["minutes"] = ["服务时长以半小时为单位（30 分钟的整数倍）。"]
    if minutes > settings.log_max_minutes:
        errors["minutes"] = [f"一次服务最长 {settings.log_max_minutes // 60} 小时。"]
    phone_hash = cipher.lookup_hash("phone", clean_phone(served_phone, field="served_phone"))
    own = session.get(User, principal.id)
    if own.phone_hash and own.phone_hash == phone_hash:
        errors["served_phone"] = ["请填写被服务老人（或其家属）的手机号，不能是您自己的。"]
    if errors:
        raise ValidationFailed(errors)
    region = get_region(session, code=region_code)
    log = ServiceLog(
        volunteer_id=principal.id,
        region_code=region.code,
        served_on=served_on,
        minutes=minutes,
        served_name=served_name,
        served_phone_hash=phone_hash,
        description=description,
        needs_confirmation=True,
    )
    session.add(log)
    session.flush()
    _event(session, log, actor_id=principal.id, action="logged", from_status=None)
    confirmer = session.scalar(select(User.id).where(User.phone_hash == phone_hash))
    if confirmer is not None:
        common.notify(
            session,
            user_id=confirmer,
            kind="timebank.confirm_requested",
            title="请确认志愿服务",
            body=f"志愿者{mask_name(own.real_name)}登记了 {served_on:%m月%d日} 为"
            f"{mask_name(served_name)}提供的 {ledger.hours_text(minutes)}服务，请确认。",
            data={"service_log_id": log.id},
        )
    return log


def _log_in_scope(session: Session, *, principal: Principal, log_id: int) -> ServiceLog:
    permissions.require(principal, roles=("worker",))
    log = session.get(ServiceLog, log_id)
    if log is None:
        raise NotFound("没有找到这条服务记录。", error="service_log_not_found")
    permissions.require(principal, region_code=log.region_code, check_scope=True)
    return log


def confirm_log(session: Session, *, principal: Principal, log_id: int, now: datetime):
    """The person served (or their family, by the phone number the log names) confirms."""
    log = session.get(ServiceLog, log_id)
    me = session.get(User, principal.id)
    if (
        log is None
        or log.volunteer_id == principal.id
        or not log.needs_confirmation
        or not me.phone_hash
        or me.phone_hash != log.served_phone_hash
    ):
        raise NotFound("没有找到这条服务记录。", error="service_log_not_found")
    if log.confirmed_at is not None:
        raise Conflict("您已经确认过了。", error="already_confirmed")
    if log.status != "pending":
        raise Conflict("这条服务记录已经审核过了。", error="wrong_state")
    log.confirmed_by, log.confirmed_at = principal.id, now
    session.flush()
    _event(session, log, actor_id=principal.id, action="confirmed", from_status="pending")
    return log


def decide_log(
    session: Session,
    *,
    principal: Principal,
    log_id: int,
    approve: bool,
    reason: str | None,
    now: datetime,
    settings: TimebankSettings,
) -> tuple[ServiceLog, ledger.Credit | None]:
    """Approve (credit the hours, once) or reject (with a reason) a pending log."""
    log = _log_in_scope(session, principal=principal, log_id=log_id)
    if log.volunteer_id == principal.id:
        raise Forbidden("不能审核自己的服务记录。", error="own_log")
    if log.confirmed_by == principal.id:
        raise Forbidden("确认过这次服务的人不能再审核它，请由其他工作人员审核。", error="own_log")
    if approve and log.needs_confirmation and log.confirmed_at is None:
        raise Conflict(
            "被服务人（或家属）还没有确认这次服务，确认后才能审核通过。", error="not_confirmed"
        )
    if not approve and not reason:
        raise ValidationFailed({"reason": ["不通过时请写明原因。"]})
    log = _transition(
        session,
        ServiceLog,
        log.id,
        from_states=("pending",),
        message="这条服务记录已经审核过了。",
        status="approved" if approve else "rejected",
        decided_by=principal.id,
        decided_at=now,
        reject_reason=None if approve else reason,
    )
    _event(
        session, log, actor_id=principal.id, action=log.status, from_status="pending", reason=reason
    )
    credit = None
    if approve:
        credit = ledger.credit_capped(
            session,
            user_id=log.volunteer_id,
            minutes=log.minutes,
            cap=settings.balance_cap_minutes,
            kind="service",
            ref_type="service_log",
            ref_id=log.id,
            created_by=principal.id,
            reason=log.description,
        )
        body = (
            f"您 {log.served_on:%m月%d日} 的 {ledger.hours_text(log.minutes)}志愿服务"
            "已审核通过，已存入时间银行。"
        )
        if credit.overflow:
            body += (
                f"您的余额已达上限 {settings.balance_cap_minutes // 60} 小时，"
                f"超出的 {ledger.hours_text(credit.overflow)}已转入时间银行公益基金，"
                "用于帮助困难老人。"
            )
        common.notify(
            session,
            user_id=log.volunteer_id,
            kind="timebank.log_approved",
            title="志愿服务已入账",
            body=body,
            data={"service_log_id": log.id},
        )
    else:
        common.notify(
            session,
            user_id=log.volunteer_id,
            kind="timebank.log_rejected",
            title="志愿服务未通过审核",
            body=f"您 {log.served_on:%m月%d日} 的服务记录未通过：{reason}",
            data={"service_log_id": log.id},
        )
    return log, credit


def list_logs(
    session: Session,
    *,
    principal: Principal,
    mine: bool,
    to_confirm: bool,
    status: str | None,
    page: int,
    page_size: int,
) -> tuple[list[dict], int]:
    """My logs; logs waiting for my confirmation; or, for a worker, the logs in their scope."""
    query = select(ServiceLog, User.real_name).join(User, User.id == ServiceLog.volunteer_id)
    if to_confirm:
        me = session.get(User, principal.id)
        query = query.where(
            ServiceLog.needs_confirmation.is_(True),
            ServiceLog.served_phone_hash == (me.phone_hash or "-"),
            ServiceLog.confirmed_at.is_(None),
            ServiceLog.status == "pending",
        )
    elif mine or "worker" not in principal.roles and not permissions.is_admin(principal):
        query = query.where(ServiceLog.volunteer_id == principal.id)
    elif not permissions.is_admin(principal):
        query = query.where(
            ServiceLog.region_code.startswith(scope_prefix(principal.worker_region_code))
        )
    if status:
        query = query.where(ServiceLog.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(
        query.order_by(ServiceLog.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return [describe_log(log, volunteer_name=name) for log, name in rows], total


# --- the account ---------------------------------------------------------------------------------


SUMMARY_KEY = "timebank:summary:{}"
SUMMARY_SECONDS = 3600


def _history(session: Session, *, user_id: int, account_id: int) -> dict:
    """What the account page adds up over the whole history, each table read once: the entries'
    totals and their count by kind in one scan, the approved service by year (the certificate's
    totals are the years' sums), the held and spent care in one query. JSON-ready."""
    by_kind = session.execute(
        select(ledger.Entry.kind, func.coalesce(func.sum(ledger.Entry.minutes), 0), func.count())
        .where(ledger.Entry.account_id == account_id)
        .group_by(ledger.Entry.kind)
    ).all()
    sums = {kind: int(total) for kind, total, _count in by_kind}
    year = extract("year", ServiceLog.served_on)
    by_year = session.execute(
        select(
            year,
            func.sum(ServiceLog.minutes),
            func.count(),
            func.min(ServiceLog.served_on),
            func.max(ServiceLog.served_on),
        )
        .where(ServiceLog.volunteer_id == user_id, ServiceLog.status == "approved")
        .group_by(year)
        .order_by(year)
    ).all()
    held, spent = session.execute(
        select(
            func.coalesce(
                func.sum(case((Redemption.status == "held", Redemption.minutes), else_=0)), 0
            ),
            func.coalesce(
                func.sum(case((Redemption.status == "done", Redemption.minutes), else_=0)), 0
            ),
        ).where(Redemption.user_id == user_id, Redemption.status.in_(("held", "done")))
    ).one()
    first = min((row[3] for row in by_year), default=None)
    last = max((row[4] for row in by_year), default=None)
    return {
        "held_minutes": int(held),
        "earned_minutes": sum(int(minutes) for _y, minutes, _n, _first, _last in by_year),
        "spent_minutes": int(spent),
        "received_minutes": sums.get("transfer_in", 0) + sums.get("grant", 0),
        "given_minutes": -sums.get("transfer_out", 0),
        "to_fund_minutes": -sums.get("overflow", 0),
        "entries_total": sum(int(n) for _kind, _total, n in by_kind),
        "services": sum(int(n) for _y, _minutes, n, _first, _last in by_year),
        "first_served_on": first.isoformat() if first else None,
        "last_served_on": last.isoformat() if last else None,
        "by_year": [{"year": int(y), "minutes": int(m)} for y, m, _n, _f, _l in by_year],
    }


def _cached_history(
    session: Session, cache: redis.Redis | None, *, user_id: int, account_id: int, version: int
) -> dict:
    """`_history`, from Redis when it was written for the account's current version.

    Every ledger entry bumps the version in the same UPDATE as the balance (and marking care
    given bumps it too), so a history kept for an older version is never used. A history
    computed while a change commits may be newer than the version it is filed under, never
    older: the version is read first."""
    key = SUMMARY_KEY.format(account_id)
    if cache is not None:
        try:
            text = cache.get(key)
        except redis.RedisError:
            cache, text = None, None
        if text is not None:
            history = json.loads(text)
            if history["version"] == version:
                return history
    history = _history(session, user_id=user_id, account_id=account_id)
    history["version"] = version
    if cache is not None:
        try:
            cache.set(key, json.dumps(history), ex=SUMMARY_SECONDS)
        except redis.RedisError:
            log.warning("time bank account history not cached")
    return history


def account_summary(
    session: Session,
    *,
    principal: Principal,
    page: int,
    page_size: int,
    cache: redis.Redis | None = None,
) -> dict:
    """Balance, earned, spent, star level, entries, and the certificate summary. The totals over
    the whole history are cached per account version (`_cached_history`); the balance, the page
    of entries and the name are read every time (the account and the name in one query, the
    entries as plain rows)."""
    mine = (
        select(Account.id, Account.balance, Account.version, User.real_name)
        .join(User, User.id == Account.user_id)
        .where(Account.user_id == principal.id)
    )
    row = session.execute(mine).one_or_none()
    if row is None:  # the first visit: the account is made
        ledger.account_of(session, user_id=principal.id)
        row = session.execute(mine).one()
    account_id, balance, version, real_name = row
    history = _cached_history(
        session, cache, user_id=principal.id, account_id=account_id, version=version
    )
    entry = ledger.Entry
    entries = session.execute(
        select(
            entry.id,
            entry.kind,
            entry.minutes,
            entry.ref_type,
            entry.ref_id,
            entry.reason,
            entry.created_at,
        )
        .where(entry.account_id == account_id)
        .order_by(entry.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).mappings()
    verified = history["earned_minutes"]
    star = ledger.star_level(verified)
    first, last = history["first_served_on"], history["last_served_on"]
    return {
        "balance_minutes": balance,
        "held_minutes": history["held_minutes"],
        "earned_minutes": verified,
        "spent_minutes": history["spent_minutes"],
        "received_minutes": history["received_minutes"],
        "given_minutes": history["given_minutes"],
        "to_fund_minutes": history["to_fund_minutes"],
        "star_level": star,
        "next_star_hours": ledger.STAR_HOURS[star] if star < len(ledger.STAR_HOURS) else None,
        "entries_total": history["entries_total"],
        "entries": list(entries),
        "certificate": {
            "name": real_name,
            "verified_minutes": verified,
            "services": history["services"],
            "first_served_on": date.fromisoformat(first) if first else None,
            "last_served_on": date.fromisoformat(last) if last else None,
            "star_level": star,
            "by_year": history["by_year"],
        },
    }


def transfer(
    session: Session,
    *,
    principal: Principal,
    cipher: Cipher,
    phone: str,
    real_name: str,
    minutes: int,
    now: datetime,
    settings: TimebankSettings,
    relation: str | None = None,
) -> Transfer:
    """Give hours to a family member, found by phone number and real name (both must match)."""
    if minutes % 30:
        raise ValidationFailed({"minutes": ["以半小时为单位（30 分钟的整数倍）。"]})
    receiver = session.scalar(
        select(User).where(User.phone_hash == cipher.lookup_hash("phone", clean_phone(phone)))
    )
    if receiver is None or receiver.real_name != real_name:
        raise ValidationFailed(
            {"phone": ["没有找到手机号和姓名都相符的已实名用户，请让家人先在小程序完成实名登记。"]}
        )
    if receiver.id == principal.id:
        raise ValidationFailed({"phone": ["不能转给自己。"]})
    source = ledger.account_of(session, user_id=principal.id)
    target = ledger.account_of(session, user_id=receiver.id)
    # Both rows, in id order: one transfer of mine at a time (the yearly cap), and no deadlock
    # with a transfer the other way.
    balances = ledger.lock(session, source, target)
    year_start = datetime(local_day(now).year, 1, 1, tzinfo=common.LOCAL_TZ)
    given = session.scalar(
        select(func.coalesce(func.sum(Transfer.minutes), 0)).where(
            Transfer.from_user_id == principal.id, Transfer.created_at >= year_start
        )
    )
    left = settings.transfer_yearly_cap_minutes - int(given)
    if minutes > left:
        raise Conflict(
            f"每年最多转赠 {settings.transfer_yearly_cap_minutes // 60} 小时，"
            f"今年还可转赠 {ledger.hours_text(max(left, 0))}。",
            error="yearly_cap",
            extra={"available_minutes": max(left, 0)},
        )
    if balances[target.id] + minutes > settings.balance_cap_minutes:
        raise Conflict(
            f"对方的余额将超过上限 {settings.balance_cap_minutes // 60} 小时，请少转一些。",
            error="receiver_cap",
        )
    record = Transfer(
        from_user_id=principal.id,
        to_user_id=receiver.id,
        minutes=minutes,
        relation=relation,
        created_at=now,
    )
    session.add(record)
    session.flush()
    ledger.move(
        session,
        source=source,
        target=target,
        minutes=minutes,
        out_kind="transfer_out",
        in_kind="transfer_in",
        ref_type="transfer",
        ref_id=record.id,
        reason=relation,
        created_by=principal.id,
    )
    giver = session.get(User, principal.id)
    common.notify(
        session,
        user_id=receiver.id,
        kind="timebank.transfer_received",
        title="收到爱心时间",
        body=f"{mask_name(giver.real_name)}转给您 {ledger.hours_text(minutes)}爱心时间，"
        "可用于兑换养老服务。",
        data={"transfer_id": record.id},
    )
    return record


# --- redemptions ---------------------------------------------------------------------------------


def describe_redemption(r: Redemption) -> dict:
    return {
        "id": r.id,
        "service": r.service,
        "service_name": SKILL_NAMES.get(r.service, r.service),
        "wanted_on": r.wanted_on,
        "place": r.place,
        "region_code": r.region_code,
        "minutes": r.minutes,
        "recipient_name": mask_name(r.recipient_name),
        "recipient_relation": r.recipient_relation,
        "note": r.note,
        "status": r.status,
        "handled_at": r.handled_at,
        "cancel_reason": r.cancel_reason,
        "created_at": r.created_at,
    }


def redeem(
    session: Session,
    *,
    principal: Principal,
    service: str,
    wanted_on: date,
    place: str,
    region_code: str,
    minutes: int,
    today: date,
    recipient_name: str | None = None,
    recipient_relation: str | None = None,
    note: str | None = None,
) -> Redemption:
    """Ask for care with banked hours: they are held at once (409 when not enough)."""
    errors = {}
    if wanted_on < today:
        errors["wanted_on"] = ["日期不能早于今天。"]
    if minutes % 30:
        errors["minutes"] = ["以半小时为单位（30 分钟的整数倍）。"]
    if errors:
        raise ValidationFailed(errors)
    region = get_region(session, code=region_code)
    redemption = Redemption(
        user_id=principal.id,
        service=service,
        wanted_on=wanted_on,
        place=place,
        region_code=region.code,
        minutes=minutes,
        recipient_name=recipient_name,
        recipient_relation=recipient_relation,
        note=note,
    )
    session.add(redemption)
    session.flush()
    ledger.post(
        session,
        ledger.account_of(session, user_id=principal.id),
        kind="redemption",
        minutes=-minutes,
        ref_type="redemption",
        ref_id=redemption.id,
        reason=SKILL_NAMES.get(service, service),
        created_by=principal.id,
    )
    _event(session, redemption, actor_id=principal.id, action="requested", from_status=None)
    return redemption


def _redemption(session: Session, *, principal: Principal, redemption_id: int) -> Redemption:
    r = session.get(Redemption, redemption_id)
    if r is None:
        raise NotFound("没有找到这个兑换申请。", error="redemption_not_found")
    if r.user_id == principal.id:
        return r
    if "worker" not in principal.roles and not permissions.is_admin(principal):
        # Someone else's request: as if it did not exist (DESIGN: 404, not 403).
        raise NotFound("没有找到这个兑换申请。", error="redemption_not_found")
    permissions.require(principal, region_code=r.region_code, check_scope=True)
    return r


def cancel_redemption(
    session: Session, *, principal: Principal, redemption_id: int, reason: str | None, now: datetime
) -> Redemption:
    """Cancel care asked for (the requester, or a worker in scope): the hours come back."""
    r = _redemption(session, principal=principal, redemption_id=redemption_id)
    if r.user_id != principal.id and not reason:
        raise ValidationFailed({"reason": ["请写明取消原因。"]})
    r = _transition(
        session,
        Redemption,
        r.id,
        from_states=("held",),
        message="这个兑换申请已经处理过了。",
        status="cancelled",
        handled_by=principal.id,
        handled_at=now,
        cancel_reason=reason,
    )
    ledger.post(
        session,
        ledger.account_of(session, user_id=r.user_id),
        kind="release",
        minutes=r.minutes,
        ref_type="redemption",
        ref_id=r.id,
        reason=reason or "本人取消",
        created_by=principal.id,
    )
    _event(session, r, actor_id=principal.id, action="cancelled", from_status="held", reason=reason)
    if r.user_id != principal.id:
        common.notify(
            session,
            user_id=r.user_id,
            kind="timebank.redemption_cancelled",
            title="兑换服务已取消",
            body=f"您申请的{SKILL_NAMES.get(r.service, r.service)}服务已取消：{reason}。"
            f"{ledger.hours_text(r.minutes)}已退回您的账户。",
            data={"redemption_id": r.id},
        )
    return r


def complete_redemption(
    session: Session, *, principal: Principal, redemption_id: int, now: datetime
) -> Redemption:
    """A worker marks the care given: the held hours are spent."""
    permissions.require(principal, roles=("worker",))
    r = _redemption(session, principal=principal, redemption_id=redemption_id)
    permissions.require(principal, region_code=r.region_code, check_scope=True)
    r = _transition(
        session,
        Redemption,
        r.id,
        from_states=("held",),
        message="这个兑换申请已经处理过了。",
        status="done",
        handled_by=principal.id,
        handled_at=now,
    )
    # No entry (the hours left the balance when held), but the account page's "spent" moves.
    ledger.touch(session, ledger.account_of(session, user_id=r.user_id))
    _event(session, r, actor_id=principal.id, action="done", from_status="held")
    return r


def list_redemptions(
    session: Session,
    *,
    principal: Principal,
    mine: bool,
    status: str | None,
    page: int,
    page_size: int,
) -> tuple[list[dict], int]:
    query = select(Redemption)
    if mine or ("worker" not in principal.roles and not permissions.is_admin(principal)):
        query = query.where(Redemption.user_id == principal.id)
    elif not permissions.is_admin(principal):
        query = query.where(
            Redemption.region_code.startswith(scope_prefix(principal.worker_region_code))
        )
    if status:
        query = query.where(Redemption.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Redemption.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return [describe_redemption(r) for r in rows], total


# --- the fund and corrections --------------------------------------------------------------------


def _find_person(session: Session, *, cipher: Cipher, phone: str, real_name: str) -> User:
    user = session.scalar(
        select(User).where(User.phone_hash == cipher.lookup_hash("phone", clean_phone(phone)))
    )
    if user is None or user.real_name != real_name:
        raise ValidationFailed({"phone": ["没有找到手机号和姓名都相符的已实名用户。"]})
    return user


def grant(
    session: Session,
    *,
    principal: Principal,
    cipher: Cipher,
    phone: str,
    real_name: str,
    minutes: int,
    reason: str,
    settings: TimebankSettings,
) -> dict:
    """Grant hours from the fund to an elder in need (特困, 空巢) living in the worker's scope."""
    permissions.require(principal, roles=("worker",))
    user = _find_person(session, cipher=cipher, phone=phone, real_name=real_name)
    if user.id == principal.id:
        raise ValidationFailed({"phone": ["不能把公益基金的时间赠送给自己。"]})
    if not is_within(user.region_code, principal.worker_region_code) and not permissions.is_admin(
        principal
    ):
        raise ValidationFailed({"phone": ["这位老人不住在您负责的地区。"]})
    pool = ledger.fund(session)
    target = ledger.account_of(session, user_id=user.id)
    balances = ledger.lock(session, pool, target)
    available = balances[pool.id]
    if minutes > available:
        raise Conflict(
            f"公益基金余额不足：现有 {ledger.hours_text(available)}。",
            error="insufficient_balance",
            extra={"available_minutes": available},
        )
    if balances[target.id] + minutes > settings.balance_cap_minutes:
        raise Conflict("对方的余额将超过上限。", error="receiver_cap")
    ledger.move(
        session,
        source=pool,
        target=target,
        minutes=minutes,
        out_kind="grant_out",
        in_kind="grant",
        ref_type=None,
        ref_id=None,
        reason=reason,
        created_by=principal.id,
    )
    common.notify(
        session,
        user_id=user.id,
        kind="timebank.grant_received",
        title="收到公益基金赠送的服务时间",
        body=f"时间银行公益基金为您提供 {ledger.hours_text(minutes)}服务时间，可用于兑换养老服务。",
    )
    return {
        "user_id": user.id,
        "real_name": mask_name(user.real_name),
        "minutes": minutes,
        "fund_balance_minutes": available - minutes,
    }


def correct(
    session: Session, *, principal: Principal, user_id: int, minutes: int, reason: str
) -> ledger.Entry:
    """An admin's correction, with a reason (the balance still never goes below zero)."""
    if not permissions.is_admin(principal):
        raise Forbidden("只有管理员可以更正余额。", error="role_required")
    if minutes == 0:
        raise ValidationFailed({"minutes": ["更正的分钟数不能为 0。"]})
    user = session.get(User, user_id)
    if user is None:
        raise ValidationFailed({"user_id": ["没有这个用户。"]})
    return ledger.post(
        session,
        ledger.account_of(session, user_id=user.id),
        kind="correction",
        minutes=minutes,
        reason=reason,
        created_by=principal.id,
    )


def give_to_fund(session: Session, *, principal: Principal, minutes: int) -> None:
    """A volunteer gives hours to the fund (409 when they have fewer)."""
    if minutes % 30:
        raise ValidationFailed({"minutes": ["以半小时为单位（30 分钟的整数倍）。"]})
    account = ledger.account_of(session, user_id=principal.id)
    pool = ledger.fund(session)
    ledger.lock(session, account, pool)
    ledger.move(
        session,
        source=account,
        target=pool,
        minutes=minutes,
        out_kind="donation",
        in_kind="fund_in",
        ref_type=None,
        ref_id=None,
        reason="捐赠给时间银行公益基金",
        created_by=principal.id,
    )


def fund_summary(session: Session) -> dict:
    pool = ledger.fund(session)
    totals = ledger.totals(session, pool)
    return {
        "balance_minutes": pool.balance,
        "received_minutes": totals.get("fund_in", 0),
        "granted_minutes": -totals.get("grant_out", 0),
    }
