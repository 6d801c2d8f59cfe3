"""The demo city, 衢州 (Quzhou): regions and one demo user per role. Idempotent.

Region names are real (the six county-level divisions and townships of each); township and
community codes below county level are demo codes in the statistical format, not the official
ones. Later domains add their own demo data through `seed_demo`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models.assistance import AssistanceStandard
from server.models.regions import Region
from server.models.timebank import Volunteer
from server.models.users import User
from server.services import users as users_service
from server.services.identity import Cipher

CITY = ("330800", "衢州市")

# county code, county name, [(township name, is_urban, [community names])]
COUNTIES: list[tuple[str, str, list[tuple[str, bool, list[str]]]]] = [
    (
        "330802",
        "柯城区",
        [
            ("府山街道", True, ["坊门街社区", "县学街社区", "天王塔社区"]),
            ("信安街道", True, ["新安社区", "书院社区", "百家塘社区"]),
            ("荷花街道", True, ["荷一社区", "荷三社区"]),
            ("花园街道", True, ["花园社区", "芹江社区"]),
            ("石梁镇", False, ["石梁村", "坎底村"]),
            ("九华乡", False, ["妙源村", "上铺村"]),
        ],
    ),
    (
        "330803",
        "衢江区",
        [
            ("樟潭街道", True, ["樟潭社区", "沙湾社区"]),
            ("浮石街道", True, ["浮石社区", "东方社区"]),
            ("廿里镇", False, ["廿里村", "孟姜村"]),
            ("杜泽镇", False, ["杜泽村", "沐二村"]),
        ],
    ),
    (
        "330822",
        "常山县",
        [
            ("天马街道", True, ["文峰社区", "东门社区"]),
            ("紫港街道", True, ["紫港社区", "南门社区"]),
            ("球川镇", False, ["球川村", "红旗岗村"]),
        ],
    ),
    (
        "330824",
        "开化县",
        [
            ("芹阳办事处", True, ["城东社区", "城西社区"]),
            ("华埠镇", False, ["华埠村", "东岸村"]),
            ("马金镇", False, ["马金村", "霞田村"]),
        ],
    ),
    (
        "330825",
        "龙游县",
        [
            ("龙洲街道", True, ["太平社区", "荣昌社区"]),
            ("东华街道", True, ["东华社区", "张王社区"]),
            ("湖镇镇", False, ["湖镇村", "星火村"]),
        ],
    ),
    (
        "330881",
        "江山市",
        [
            ("双塔街道", True, ["城北社区", "鹿溪社区"]),
            ("虎山街道", True, ["虎山社区", "凤林社区"]),
            ("贺村镇", False, ["贺村村", "淤头村"]),
        ],
    ),
]

# The nested demo workers (DESIGN.md): 坊门街社区 ⊂ 府山街道 ⊂ 柯城区.
DEMO_COMMUNITY = "330802001001"
DEMO_TOWNSHIP = "330802001"
DEMO_COUNTY = "330802"

DEMO_USERS = [
    # openid, real name, ID number, phone, home region, volunteer, worker level, worker scope, admin
    (
        "demo-resident",
        "王秀英",
        "330802195001010012",
        "13857000001",
        DEMO_COMMUNITY,
        False,
        None,
        None,
        False,
    ),
    (
        "demo-volunteer",
        "李晓明",
        "330802199003150025",
        "13857000002",
        DEMO_COMMUNITY,
        True,
        None,
        None,
        False,
    ),
    (
        "demo-worker-community",
        "周丽萍",
        "330802197806120031",
        "13857000003",
        DEMO_COMMUNITY,
        False,
        "community",
        DEMO_COMMUNITY,
        False,
    ),
    (
        "demo-worker-township",
        "陈建国",
        "330802198209200046",
        "13857000004",
        DEMO_TOWNSHIP,
        False,
        "township",
        DEMO_TOWNSHIP,
        False,
    ),
    (
        "demo-worker-county",
        "徐卫东",
        "330802197101010051",
        "13857000005",
        DEMO_COUNTY,
        False,
        "county",
        DEMO_COUNTY,
        False,
    ),
    (
        "demo-admin",
        "吴志强",
        "330802196508080065",
        "13857000006",
        "330800",
        False,
        None,
        None,
        True,
    ),
]


def region_rows() -> list[dict]:
    """Every demo region as a row, from the province down."""
    rows = [
        {
            "code": "33",
            "name": "浙江省",
            "level": "province",
            "parent_code": None,
            "is_urban": True,
        },
        {"code": CITY[0], "name": CITY[1], "level": "city", "parent_code": "33", "is_urban": True},
    ]
    for county_code, county_name, townships in COUNTIES:
        rows.append(
            {
                "code": county_code,
                "name": county_name,
                "level": "county",
                "parent_code": CITY[0],
                "is_urban": True,
            }
        )
        for t_index, (township, urban, communities) in enumerate(townships, start=1):
            township_code = f"{county_code}{t_index:03d}"
            rows.append(
                {
                    "code": township_code,
                    "name": township,
                    "level": "township",
                    "parent_code": county_code,
                    "is_urban": urban,
                }
            )
            for c_index, community in enumerate(communities, start=1):
                rows.append(
                    {
                        "code": f"{township_code}{c_index:03d}",
                        "name": community,
                        "level": "community",
                        "parent_code": township_code,
                        "is_urban": urban,
                    }
                )
    return rows


def _upsert(session: Session, model, key: str, row: dict) -> None:
    obj = session.get(model, row[key])
    if obj is None:
        session.add(model(**row))
        return
    for field, value in row.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)


def seed_regions(session: Session) -> None:
    for row in region_rows():
        _upsert(session, Region, "code", row)
        session.flush()


def seed_users(session: Session, *, cipher: Cipher) -> list[User]:
    users = []
    for openid, name, id_number, phone, region, volunteer, level, scope, admin in DEMO_USERS:
        user = users_service.find_or_create(session, openid=openid)
        wanted_hash = cipher.lookup_hash("id_number", id_number)
        if (
            user.real_name != name
            or user.id_number_hash != wanted_hash
            or (user.phone_hash != cipher.lookup_hash("phone", phone))
            or user.region_code != region
        ):
            users_service.update_profile(
                session,
                user_id=user.id,
                cipher=cipher,
                real_name=name,
                id_number=id_number,
                phone=phone,
                region_code=region,
            )
        if user.is_volunteer != volunteer:
            user.is_volunteer = volunteer
        if volunteer and session.get(Volunteer, user.id) is None:
            # A registered volunteer of the time bank (as POST /timebank/volunteers makes one).
            session.add(
                Volunteer(
                    user_id=user.id,
                    skills=["companionship", "digital_help"],
                    team="义工之家",
                    region_code=region,
                )
            )
        if level and (user.worker_level, user.worker_region_code) != (level, scope):
            users_service.grant_worker(session, openid=openid, level=level, region_code=scope)
        if admin and not user.is_admin:
            users_service.grant_admin(session, openid=openid)
        session.flush()
        users.append(user)
    return users


# The seed document: 2013 低保 480 yuan urban / 332 rural, up 13.21% and 22.06% on 2012
# (so 424 and 272); orphans 1000 / 600 yuan a month. Set for the whole city from 1 January.
STANDARDS = [
    ("dibao", True, date(2012, 1, 1), 42_400),
    ("dibao", False, date(2012, 1, 1), 27_200),
    ("dibao", True, date(2013, 1, 1), 48_000),
    ("dibao", False, date(2013, 1, 1), 33_200),
    ("orphan", True, date(2013, 1, 1), 100_000),
    ("orphan", False, date(2013, 1, 1), 60_000),
]


def seed_standards(session: Session) -> None:
    for program, urban, start, fen in STANDARDS:
        exists = session.scalar(
            select(AssistanceStandard).where(
                AssistanceStandard.program == program,
                AssistanceStandard.region_code == CITY[0],
                AssistanceStandard.is_urban == urban,
                AssistanceStandard.effective_from == start,
            )
        )
        if exists is None:
            session.add(
                AssistanceStandard(
                    program=program,
                    region_code=CITY[0],
                    is_urban=urban,
                    effective_from=start,
                    monthly_fen=fen,
                )
            )
    session.flush()


def seed_demo(session: Session, *, cipher: Cipher, assistance_settings=None, now=None) -> None:
    """Seed the demo city; running it again changes nothing."""
    seed_regions(session)
    seed_users(session, cipher=cipher)
    seed_standards(session)
    if assistance_settings is not None:
        seed_applications(
            session,
            cipher=cipher,
            settings=assistance_settings,
            now=now,
            storage_dir=assistance_settings.storage_dir,
        )


# --- demo applications, one household per state, so that a worker sees a real queue ------------

# openid, name, birth (YYYYMMDD), community, program, the state to bring it to
DEMO_HOUSEHOLDS = [
    ("demo-household-01", "张桂兰", "19480312", "330802001001", "dibao", "draft"),
    ("demo-household-02", "刘建华", "19560721", "330802001002", "dibao", "submitted"),
    ("demo-household-03", "杨美珍", "19510105", "330802001003", "tekun", "returned"),
    ("demo-household-04", "赵国强", "19620918", "330802001001", "dibao", "accepted"),
    ("demo-household-05", "黄秀英", "19450630", "330802001002", "tekun", "investigated"),
    ("demo-household-06", "周志明", "19700214", "330802001003", "dibao", "reviewed"),
    ("demo-household-07", "吴小芳", "19830808", "330802001001", "dibao", "in_notice"),
    ("demo-household-08", "徐德胜", "19580101", "330802001002", "dibao", "approved"),
    ("demo-household-09", "孙丽娟", "19770520", "330802001003", "medical", "rejected"),
    ("demo-household-10", "胡永福", "19660409", "330802001001", "temporary", "withdrawn"),
    ("demo-household-11", "朱春梅", "19800311", "330802002001", "temporary", "submitted"),
    ("demo-household-12", "高文军", "19530927", "330803001001", "dibao", "accepted"),
]
PATH = {
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return"],
    "accepted": ["submit", "accept"],
    "investigated": ["submit", "accept", "investigate"],
    "reviewed": ["submit", "accept", "investigate", "review_reject"],
    "in_notice": ["submit", "accept", "investigate", "review"],
    "approved": ["submit", "accept", "investigate", "review", "approve"],
    "rejected": ["submit", "accept", "investigate", "review_reject", "reject"],
    "withdrawn": ["submit", "withdraw"],
}
# A tiny valid PNG: the demo's stand-in for a photographed document.
DEMO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _demo_id_number(birth: str, index: int) -> str:
    from server.services.identity import id_check_char

    first17 = f"330802{birth}{100 + index * 2:03d}"
    return first17 + id_check_char(first17)


def _demo_members(birth: str) -> list[dict]:
    age = 2026 - int(birth[:4])
    return [
        {"relation": "self", "age": age, "monthly_income_fen": 15_000},
        {"relation": "spouse", "age": max(age - 3, 18), "monthly_income_fen": 5_000},
    ]


def seed_applications(session: Session, *, cipher: Cipher, settings, now, storage_dir: str):
    """One demo household in every state of the review; skipped for households that have one."""
    import dataclasses
    from pathlib import Path

    from server.models.assistance import Application, Attachment
    from server.services import assistance
    from server.services import users as users_service

    def principal(openid: str):
        return users_service.principal_of(users_service.get_by_openid(session, openid=openid))

    workers = {
        level: principal(f"demo-worker-{level}") for level in ("community", "township", "county")
    }
    admin = principal("demo-admin")
    quick = dataclasses.replace(settings, notice_days=0)
    today = now.date()
    for index, (openid, name, birth, community, program, state) in enumerate(DEMO_HOUSEHOLDS):
        user = users_service.find_or_create(session, openid=openid)
        if user.real_name is None:
            users_service.update_profile(
                session,
                user_id=user.id,
                cipher=cipher,
                real_name=name,
                id_number=_demo_id_number(birth, index),
                region_code=community,
            )
        if session.scalar(select(Application.id).where(Application.applicant_id == user.id)):
            continue
        me = users_service.principal_of(user)
        app = assistance.create_application(
            session,
            principal=me,
            cipher=cipher,
            program=program,
            members=_demo_members(birth),
            assets={"financial_fen": 200_000},
            reason="演示数据：家庭收入低，生活困难。",
            emergency=program == "temporary",
            cause="illness" if program == "temporary" else None,
            medical_out_of_pocket_fen=800_000 if program == "medical" else 0,
        )
        file_id = f"demo{index:02d}" + "0" * 26
        Path(storage_dir).mkdir(parents=True, exist_ok=True)
        (Path(storage_dir) / file_id).write_bytes(DEMO_PNG)
        session.add(
            Attachment(
                id=file_id,
                application_id=app.id,
                kind="身份证",
                filename="身份证.png",
                content_type="image/png",
                size=len(DEMO_PNG),
                uploaded_by=user.id,
            )
        )
        session.flush()
        steps = {
            "submit": (me, {}),
            "withdraw": (me, {}),
            "return": (workers["township"], {"missing": ["户口簿首页复印件"]}),
            "accept": (workers["township"], {}),
            "investigate": (
                workers["community" if community == DEMO_COMMUNITY else "township"],
                {
                    "staff": ["周丽萍", "陈建国"],
                    "visited_on": today,
                    "members": _demo_members(birth),
                    "notes": "演示数据：已入户核实。",
                },
            ),
            "review": (workers["township"], {"decision": "approve"}),
            "review_reject": (
                workers["township"],
                {"decision": "reject", "reasons": "家庭存款超过规定。"},
            ),
            "approve": (workers["county"], {}),
            "reject": (workers["county"], {"reasons": "家庭存款超过规定。"}),
        }
        for step in PATH[state]:
            actor, payload = steps[step]
            if not community.startswith(DEMO_TOWNSHIP) and actor is not me:
                actor = admin  # outside the demo workers' township: the admin acts
            assistance.act(
                session,
                principal=actor,
                application_id=app.id,
                action=step.removesuffix("_reject"),
                version=app.version,
                payload=dict(payload),
                now=now,
                settings=quick if state == "approved" else settings,
            )
