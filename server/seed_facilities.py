"""The demo city's facilities, in the seed document's numbers, at generated positions.

衢州 2013: 271 home-care centres (居家养老服务照料中心), 112 elder institutions with 14 820 beds,
6 street elderly-service centres, 106 township-level and 492 community-level shelters, 1 322 rural
community service centres, the city welfare home (253 elders) and the children's welfare home
(60 children in rehabilitation). Names and positions are made up (and marked `is_demo`); they lie
around each county's seat, spread over its seeded townships and communities. The same rows come
out on every run, so seeding twice changes nothing.
"""

from __future__ import annotations

import math
import random

from sqlalchemy.orm import Session

from server.seed import COUNTIES
from server.services import facility_import

# County seats in GCJ-02 (lat, lng), and how far (km) their townships spread.
COUNTY_SEATS = {
    "330802": (28.9690, 118.8730, 6),
    "330803": (28.9800, 118.9590, 9),
    "330822": (28.9010, 118.5110, 9),
    "330824": (29.1370, 118.4150, 10),
    "330825": (29.0280, 119.1720, 9),
    "330881": (28.7380, 118.6270, 10),
}
CITY_WELFARE_HOME = (28.9563, 118.8820)
CHILDREN_WELFARE_HOME = (28.9421, 118.8905)
WEEKDAYS_9_TO_5 = {
    day: ["08:30-11:30", "13:30-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")
}
HOME_CARE_HOURS = {
    **{day: ["08:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": ["08:30-11:30"],
}
CENTRE_HOURS = {day: ["08:00-17:30"] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


def _offset(rng: random.Random, lat: float, lng: float, km: float) -> tuple[float, float]:
    """A point about `km` (normally spread) from (lat, lng)."""
    d_lat = rng.gauss(0, km) / 111.0
    d_lng = rng.gauss(0, km) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + d_lat, 6), round(lng + d_lng, 6)


def _places(rng: random.Random):
    """Township and community centres: {county: [(township_code, name, lat, lng, [(code, name,
    lat, lng)])]}."""
    places = {}
    for county_code, _county_name, townships in COUNTIES:
        seat_lat, seat_lng, spread = COUNTY_SEATS[county_code]
        rows = []
        for t_index, (township, urban, communities) in enumerate(townships, start=1):
            code = f"{county_code}{t_index:03d}"
            t_lat, t_lng = _offset(rng, seat_lat, seat_lng, 1.5 if urban else spread)
            comms = [
                (f"{code}{c_index:03d}", name, *_offset(rng, t_lat, t_lng, 0.8 if urban else 2))
                for c_index, name in enumerate(communities, start=1)
            ]
            rows.append((code, township, t_lat, t_lng, comms))
        places[county_code] = rows
    return places


def _phone(rng: random.Random) -> str:
    return f"0570-{rng.randint(2_000_000, 8_999_999)}"


def _split(total: int, parts: int, rng: random.Random, low: int, high: int) -> list[int]:
    """`parts` whole numbers between about `low` and `high` that add up to `total` exactly."""
    values = [rng.randint(low, high) for _ in range(parts)]
    scale = total / sum(values)
    values = [max(1, int(v * scale)) for v in values]
    values[-1] += total - sum(values)
    return values


def demo_rows(seed: int = 2013) -> list[dict]:
    """Every demo facility as an import row (the API's vocabulary)."""
    rng = random.Random(seed)
    places = _places(rng)
    counties = list(places)
    townships = [t for county in counties for t in places[county]]
    communities = [(c, t) for t in townships for c in t[4]]
    rows: list[dict] = []

    def add(kind: str, number: int, **fields) -> None:
        rows.append(
            {
                "external_id": f"demo-{kind}-{number:04d}",
                "is_demo": True,
                "phone": _phone(rng),
                **fields,
            }
        )

    def near_community(index: int, km: float):
        (code, name, lat, lng), township = communities[index % len(communities)]
        return code, name, township, _offset(rng, lat, lng, km)

    for n in range(271):
        code, name, _t, (lat, lng) = near_community(n, 0.6)
        capacity = rng.randint(15, 60)
        add(
            "home-care",
            n + 1,
            type="home_care",
            name=f"{name}居家养老服务照料中心"
            + (f"（{n // len(communities) + 1}号点）" if n >= len(communities) else ""),
            region_code=code,
            address=f"{name}活动中心一楼",
            lat=lat,
            lng=lng,
            opening_hours=HOME_CARE_HOURS,
            capacity=capacity,
            capacity_unit="persons",
            occupancy=rng.randint(0, capacity),
            services=rng.sample(["meals", "day_care", "rehabilitation", "bathing", "cleaning"], 3),
            step_free=rng.random() < 0.8,
            accessible_toilet=rng.random() < 0.6,
        )

    beds = _split(14_820, 112, rng, 40, 260)
    for n in range(112):
        code, name, township, (lat, lng) = near_community(n * 7 + 3, 1.5)
        occupied = int(beds[n] * rng.uniform(0.55, 0.95))
        services = ["meals", "rehabilitation"] + (["medical_care"] if rng.random() < 0.4 else [])
        add(
            "elder-institution",
            n + 1,
            type="elder_institution",
            name=f"{township[1]}{'颐养园' if n % 3 else '敬老院'}"
            + (f"{n // len(townships) + 1}号" if n >= len(townships) else ""),
            region_code=code,
            address=f"{township[1]}{name}附近",
            lat=lat,
            lng=lng,
            always_open=True,
            capacity=beds[n],
            capacity_unit="beds",
            occupancy=occupied,
            services=services,
            step_free=True,
            accessible_toilet=rng.random() < 0.9,
        )

    urban_townships = [t for t in townships if t[0][:6] == "330802"][:6]
    for n, (code, name, lat, lng, _comms) in enumerate(urban_townships):
        add(
            "elderly-service-centre",
            n + 1,
            type="elderly_service_centre",
            name=f"{name}养老服务中心",
            region_code=code,
            address=f"{name}综合服务楼",
            lat=_offset(rng, lat, lng, 0.3)[0],
            lng=_offset(rng, lat, lng, 0.3)[1],
            opening_hours=CENTRE_HOURS,
            capacity=rng.randint(30, 80),
            capacity_unit="persons",
            services=["meals", "day_care", "rehabilitation", "bathing", "respite"],
            step_free=True,
            accessible_toilet=True,
        )

    for n in range(106):
        code, name, lat, lng, _comms = townships[n % len(townships)]
        s_lat, s_lng = _offset(rng, lat, lng, 1.2)
        hazards = ["typhoon", "flood"] + (["earthquake"] if rng.random() < 0.5 else [])
        if rng.random() < 0.3:
            hazards.append("geological")
        add(
            "shelter-township",
            n + 1,
            type="shelter",
            shelter_level="township",
            name=f"{name}避灾安置中心"
            + (f"{n // len(townships) + 1}号" if n >= len(townships) else ""),
            region_code=code,
            address=f"{name}中心学校体育馆",
            lat=s_lat,
            lng=s_lng,
            always_open=True,
            capacity=rng.randint(150, 800),
            capacity_unit="persons",
            hazards=hazards,
            step_free=rng.random() < 0.7,
            accessible_toilet=rng.random() < 0.5,
            pets_allowed=rng.random() < 0.2,
            contact_name=f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('建国秀英志强丽华伟明')}",
            contact_phone=f"13{rng.randint(100_000_000, 999_999_999)}",
        )

    for n in range(492):
        code, name, _t, (lat, lng) = near_community(n, 0.7)
        hazards = ["typhoon", "flood"] if rng.random() < 0.85 else ["typhoon"]
        if rng.random() < 0.3:
            hazards.append("earthquake")
        add(
            "shelter-community",
            n + 1,
            type="shelter",
            shelter_level="community",
            name=f"{name}避灾安置点{n // len(communities) + 1}号",
            region_code=code,
            address=f"{name}文化礼堂",
            lat=lat,
            lng=lng,
            # Opened when an emergency activates it.
            opening_hours={},
            capacity=rng.randint(30, 200),
            capacity_unit="persons",
            hazards=hazards,
            step_free=rng.random() < 0.5,
            pets_allowed=rng.random() < 0.3,
            contact_name=f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('建国秀英志强丽华伟明')}",
            contact_phone=f"13{rng.randint(100_000_000, 999_999_999)}",
        )

    rural = [(c, t) for c, t in communities if c[1].endswith("村")] or communities
    for n in range(1322):
        (code, name, lat, lng), _township = rural[n % len(rural)]
        s_lat, s_lng = _offset(rng, lat, lng, 3)
        add(
            "service-centre",
            n + 1,
            type="service_centre",
            name=f"{name}社区服务中心{n // len(rural) + 1}号",
            region_code=code,
            address=f"{name}村委会",
            lat=s_lat,
            lng=s_lng,
            opening_hours=WEEKDAYS_9_TO_5,
            services=["cleaning"] if rng.random() < 0.3 else [],
            step_free=rng.random() < 0.5,
        )

    add(
        "welfare-home",
        1,
        type="welfare_home",
        name="衢州市社会福利院",
        region_code="330802002",
        address="衢州市柯城区（演示地址）",
        lat=CITY_WELFARE_HOME[0],
        lng=CITY_WELFARE_HOME[1],
        always_open=True,
        capacity=300,
        capacity_unit="beds",
        occupancy=253,
        services=["meals", "rehabilitation", "medical_care", "bathing"],
        step_free=True,
        accessible_toilet=True,
        description="“亲情家园”：爱心时间银行、心理疏导室。",
    )
    add(
        "welfare-home",
        2,
        type="welfare_home",
        name="衢州市儿童福利院",
        region_code="330802003",
        address="衢州市柯城区（演示地址）",
        lat=CHILDREN_WELFARE_HOME[0],
        lng=CHILDREN_WELFARE_HOME[1],
        always_open=True,
        capacity=100,
        capacity_unit="beds",
        occupancy=60,
        services=["rehabilitation", "medical_care"],
        step_free=True,
        accessible_toilet=True,
        description="省级“脑瘫儿童康复训练基地”。",
    )
    return rows


def seed_facilities(session: Session) -> facility_import.Report:
    """Insert or refresh the demo facilities (the Redis index rebuilds itself on first search)."""
    good, report = facility_import.validate(
        session, ((n, row, None) for n, row in enumerate(demo_rows(), start=1))
    )
    if report.errors:
        raise ValueError(f"demo facilities invalid: {report.errors[:3]}")
    return facility_import.upsert(
        session, [data for _n, data in good], index=None, actor_id=None, reason="演示数据"
    )
