"""The demo city's charity: 2013's 慈善一日捐 as the seed document reports it, and this year's,
open, so that a resident can give in the demo.

2013: 8 958 900 yuan and 180 000 yuan of goods in, 7 856 800 yuan out as 助学, 助困 and 助医 aid.
The gifts are spread over made-up work units and months (marked as demo data by their names);
the totals are exact. Seeding twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models.charity import Campaign, Disbursement, Donation, WorkUnit
from server.models.common import Counter
from server.models.users import User
from server.seed_facilities import _split
from server.services import common

CITY = "330800"
HISTORIC = "2013年慈善一日捐"
UNITS = [
    ("衢州市第一中学（演示）", "school"),
    ("衢州市人民医院（演示）", "hospital"),
    ("柯城区教育局（演示）", "department"),
    ("衢江区财政局（演示）", "department"),
    ("江山市某电力公司（演示）", "company"),
    ("龙游县某造纸厂（演示）", "company"),
    ("常山县实验小学（演示）", "school"),
    ("开化县某茶叶合作社（演示）", "company"),
    ("衢州市民政局机关（演示）", "department"),
    ("柯城区府山街道（演示）", "community"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英志强丽华伟明芳军敏静洁磊涛燕勇艳杰娟"


def _admin_id(session: Session) -> int:
    return session.scalar(select(User.id).where(User.openid == "demo-worker-county"))


def seed_charity(session: Session, *, now: datetime) -> None:
    worker = _admin_id(session)
    if not session.scalar(select(Campaign.id).where(Campaign.name == HISTORIC)):
        _seed_2013(session, worker=worker)
    year = common.local_today(now).year
    name = f"{year}年慈善一日捐"
    if not session.scalar(select(Campaign.id).where(Campaign.name == name)):
        session.add(
            Campaign(
                name=name,
                purpose="捐出一天的收入，帮助困难家庭的孩子上学、看病和过冬。",
                region_code=CITY,
                starts_on=date(year, 1, 1),
                ends_on=date(year, 12, 31),
                target_fen=1_000_000_000,
                purposes=["education", "hardship", "medical", "elderly"],
                created_by=worker,
            )
        )
    session.flush()


def _seed_2013(session: Session, *, worker: int) -> None:
    rng = random.Random(2013)
    units = []
    for name, kind in UNITS:
        unit = WorkUnit(name=name, kind=kind, region_code=CITY, verified=True)
        session.add(unit)
        units.append(unit)
    session.flush()

    historic = Campaign(
        name=HISTORIC,
        purpose="“慈善一日捐”：机关、企事业单位和个人捐出一天的收入，用于助学、助困、助医。",
        region_code=CITY,
        starts_on=date(2013, 1, 1),
        ends_on=date(2013, 12, 31),
        target_fen=900_000_000,
        purposes=["education", "hardship", "medical"],
        created_by=worker,
    )
    session.add(historic)
    session.flush()

    money = _split(895_890_000, 400, rng, 50_000, 5_000_000)  # 8 958 900 yuan
    goods = _split(18_000_000, 40, rng, 100_000, 900_000)  # 180 000 yuan of goods
    gifts = []
    for index, amount in enumerate(money + goods):
        is_goods = index >= len(money)
        on = datetime(2013, 3, 1, 2, tzinfo=UTC) + timedelta(days=rng.randint(0, 270))
        unit = rng.choice(units) if rng.random() < 0.8 else None
        name = (
            unit.name
            if unit and rng.random() < 0.5
            else rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        )
        gifts.append((on, amount, is_goods, unit, name))
    gifts.sort(key=lambda gift: gift[0])
    for number, (on, amount, is_goods, unit, name) in enumerate(gifts, start=1):
        session.add(
            Donation(
                campaign_id=historic.id,
                kind="goods" if is_goods else "money",
                amount_fen=amount,
                channel=None if is_goods else rng.choice(("bank", "cash", "wechat")),
                goods_description=rng.choice(("棉被", "大米", "食用油", "冬衣"))
                if is_goods
                else None,
                goods_quantity=rng.randint(10, 200) if is_goods else None,
                goods_unit="件" if is_goods else None,
                donor_name=name,
                anonymous=rng.random() < 0.1,
                unit_id=unit.id if unit else None,
                region_code=CITY,
                status="confirmed",
                logged_by=worker,
                idempotency_key=f"seed-2013-{number}",
                fingerprint="seed",
                receipt_number=f"CS-2013-{number:06d}",
                confirmed_at=on,
                confirmed_by=worker,
                created_at=on,
                updated_at=on,
            )
        )
    session.flush()
    session.merge(Counter(name="charity.receipt.2013", value=len(gifts)))

    out = {"education": 262_000_000, "hardship": 311_680_000, "medical": 212_000_000}
    for purpose, total in out.items():  # 7 856 800 yuan in all
        for amount in _split(total, 60, rng, 100_000, 1_000_000):
            on = datetime(2013, 4, 1, 2, tzinfo=UTC) + timedelta(days=rng.randint(0, 260))
            session.add(
                Disbursement(
                    campaign_id=historic.id,
                    kind="money",
                    amount_fen=amount,
                    purpose=purpose,
                    recipient_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    region_code=rng.choice(
                        ("330802", "330803", "330822", "330824", "330825", "330881")
                    ),
                    created_by=worker,
                    created_at=on,
                )
            )
    historic.received_fen = sum(money)
    historic.goods_received_fen = sum(goods)
    historic.disbursed_fen = sum(out.values())

    session.flush()
