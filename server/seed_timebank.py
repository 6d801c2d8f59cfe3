"""Demo slots of the time bank: a week of service at the demo community's care centres, so that
the demo volunteer has something to book. Seeding again adds nothing while future slots remain."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models.facilities import Facility
from server.models.timebank import Opportunity
from server.models.users import User
from server.services.common import LOCAL_TZ

SLOTS = [
    # days ahead, local start hour, hours, title, places, skills
    (1, 9, 2, "陪老人聊天、读报", 4, ["companionship"]),
    (1, 14, 2, "教老人用智能手机", 3, ["digital_help"]),
    (2, 10, 3, "助餐送餐", 5, ["meal_help"]),
    (3, 9, 2, "义务理发", 2, ["haircut"]),
    (5, 15, 2, "文体活动：合唱排练", 6, ["cultural"]),
    (6, 9, 3, "陪同就医", 2, ["medical_escort"]),
]


def seed_timebank(session: Session, *, now: datetime) -> int:
    if session.scalar(
        select(Opportunity.id).where(Opportunity.status == "open", Opportunity.starts_at > now)
    ):
        return 0
    worker = session.scalar(select(User.id).where(User.openid == "demo-worker-community"))
    places = session.scalars(
        select(Facility)
        .where(Facility.region_code.startswith("330802001"), Facility.type == "home_care")
        .order_by(Facility.id)
        .limit(3)
    ).all()
    if worker is None or not places:
        return 0
    today = now.astimezone(LOCAL_TZ).date()
    for index, (days, hour, hours, title, count, skills) in enumerate(SLOTS):
        place = places[index % len(places)]
        day = today + timedelta(days=days)
        start = datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ)
        session.add(
            Opportunity(
                title=title,
                facility_id=place.id,
                region_code=place.region_code,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                places=count,
                skills=skills,
                description=f"地点：{place.name}（演示数据）",
                lat=place.lat,
                lng=place.lng,
                check_code=f"{secrets.randbelow(10**6):06d}",
                created_by=worker,
            )
        )
    session.flush()
    return len(SLOTS)
