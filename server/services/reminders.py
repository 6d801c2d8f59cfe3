"""Time-based reminders (`flask notifications send-due`), each written to the outbox once.

- 复核: an approved monthly benefit is reviewed every year; the applicant is reminded
  `REVIEW_NOTICE_DAYS` (30) days before `review_due_on`.
- Deadlines: a case past its stage's deadline (`due_on`) is reported to the workers in charge
  of that stage: the township's for submitted / accepted / investigated, the county's for a
  case in notice or awaiting its decision.
- Bookings: a volunteer is reminded the day before a booked slot of the time bank.
A reminder is sent once: a notification of the same kind about the same case and date is
looked for first.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.models.assistance import Application
from server.models.common import Notification
from server.models.facilities import Facility
from server.models.timebank import Booking, Opportunity
from server.models.users import User
from server.services.common import LOCAL_TZ
from server.services.programs import PROGRAMS

REVIEW_NOTICE_DAYS = 30
TOWNSHIP_STAGES = ("submitted", "accepted", "investigated")
COUNTY_STAGES = ("in_notice", "reviewed")


def _once(
    session: Session, *, user_id: int, kind: str, key: str, title: str, body: str, data: dict
) -> bool:
    """Write the reminder unless it was written before (a unique key, so two runs at once
    write it once)."""
    try:
        with session.begin_nested():
            session.add(
                Notification(
                    user_id=user_id, kind=kind, title=title, body=body, data=data, dedupe_key=key
                )
            )
    except IntegrityError:
        return False
    return True


def review_reminders(session: Session, *, today: date) -> int:
    """Remind applicants whose yearly review (复核) falls due within 30 days."""
    due = session.scalars(
        select(Application).where(
            Application.status == "approved",
            Application.applicant_id.is_not(None),
            Application.review_due_on.is_not(None),
            Application.review_due_on <= today + timedelta(days=REVIEW_NOTICE_DAYS),
            Application.review_due_on >= today,
        )
    ).all()
    sent = 0
    for app in due:
        program = PROGRAMS[app.program].name
        sent += _once(
            session,
            user_id=app.applicant_id,
            kind="assistance.review_due",
            key=f"{app.id}:{app.review_due_on.isoformat()}",
            title="救助待复核",
            body=f"您的{program}将于 {app.review_due_on.isoformat()} 到期复核，"
            "请准备好家庭收入和财产情况，社区工作人员会联系您。",
            data={"application_id": app.id, "review_due_on": app.review_due_on.isoformat()},
        )
    return sent


def _stage_owner(app: Application) -> list[tuple[str, str]]:
    """Who acts next on a case, then who is above them (when nobody holds that post)."""
    if app.near_relative or app.status in COUNTY_STAGES:
        return [("county", app.county_code), ("city", app.county_code[:4] + "00")]
    chain = [("township", app.township_code), ("county", app.county_code)]
    if app.status == "accepted":  # the home visit: the community's, or the township's
        chain.insert(0, ("community", app.region_code))
    return chain


def _workers_in_charge(session: Session, app: Application) -> list[int]:
    for level, scope in _stage_owner(app):
        workers = session.scalars(
            select(User.id).where(User.worker_level == level, User.worker_region_code == scope)
        ).all()
        if workers:
            return list(workers)
    return []


def overdue_reminders(session: Session, *, today: date) -> int:
    """Tell the workers in charge about cases past their stage's deadline."""
    overdue = session.scalars(
        select(Application).where(
            Application.status.in_(TOWNSHIP_STAGES + COUNTY_STAGES),
            Application.due_on < today,
        )
    ).all()
    sent = 0
    for app in overdue:
        workers = _workers_in_charge(session, app)
        for worker_id in workers:
            sent += _once(
                session,
                user_id=worker_id,
                kind="assistance.overdue",
                key=f"{app.id}:{app.status}:{app.due_on.isoformat()}",
                title="申请办理已超期",
                body=f"申请 {app.number} 应在 {app.due_on.isoformat()} 前办理，"
                "已超期，请尽快处理。",
                data={"application_id": app.id, "status": app.status},
            )
    return sent


def booking_reminders(session: Session, *, today: date) -> int:
    """Remind volunteers of the slots they booked for tomorrow (Asia/Shanghai days)."""
    tomorrow = today + timedelta(days=1)
    start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=LOCAL_TZ)
    rows = session.execute(
        select(Booking, Opportunity, Facility.name)
        .join(Opportunity, Opportunity.id == Booking.opportunity_id)
        .outerjoin(Facility, Facility.id == Opportunity.facility_id)
        .where(
            Booking.status == "booked",
            Booking.starts_at >= start,
            Booking.starts_at < start + timedelta(days=1),
        )
    ).all()
    sent = 0
    for booking, opp, place in rows:
        at = booking.starts_at.astimezone(LOCAL_TZ)
        sent += _once(
            session,
            user_id=booking.volunteer_id,
            kind="timebank.booking_tomorrow",
            key=f"{booking.id}:{tomorrow.isoformat()}",
            title="明天有志愿服务",
            body=f"您预约了明天 {at:%H:%M} 的“{opp.title}”"
            + (f"（{place}）" if place else "")
            + "，请按时到达；不能去请尽早在小程序里取消。",
            data={"booking_id": booking.id, "opportunity_id": opp.id},
        )
    return sent


def send_due(session: Session, *, today: date) -> dict[str, int]:
    """Every time-based reminder due today; each goes to the outbox once."""
    result = {
        "review_due": review_reminders(session, today=today),
        "overdue": overdue_reminders(session, today=today),
        "bookings_tomorrow": booking_reminders(session, today=today),
    }
    session.flush()
    return result
