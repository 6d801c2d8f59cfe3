"""Helpers for charity tests: a campaign, a gift, its confirmation, a disbursement, the report.

Through the API (a test client and header dicts from `tests.conftest.login`). The demo people
(server/seed.py): `demo-resident` (王秀英, 13857000001, 330802195001010012) lives in 坊门街社区
330802001001; the community worker's scope is that community, the township worker's 府山街道
330802001, the county worker's 柯城区 330802. Campaigns are created by the county worker over
柯城区 unless a test says otherwise, with dates spanning today.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

from server.services import users as users_service
from server.services.common import local_today
from tests.conftest import login

FANGMEN = "330802001001"  # 坊门街社区: the demo resident's home, the community worker's scope
FANGMEN_2 = "330802001002"  # 县学街社区, 府山街道: beside it, outside the community worker's scope
FUSHAN = "330802001"  # 府山街道: the township worker's scope
XINAN = "330802002001"  # 新安社区, 柯城区, outside 府山街道
KECHENG = "330802"  # 柯城区: the county worker's scope
QUJIANG = "330803"  # 衢江区: outside every demo worker's scope
QUJIANG_COMMUNITY = "330803001001"  # 樟潭社区, 衢江区

# server/seed.py DEMO_USERS
RESIDENT_NAME, RESIDENT_PHONE, RESIDENT_ID = "王秀英", "13857000001", "330802195001010012"

CAMPAIGNS = "/api/v1/charity/campaigns"
DONATIONS = "/api/v1/charity/donations"
UNITS = "/api/v1/charity/units"

_serial = itertools.count(1)


def today() -> date:
    return local_today(datetime.now(UTC))


def campaign_url(campaign_id: int, tail: str | None = None) -> str:
    return f"{CAMPAIGNS}/{campaign_id}/{tail}" if tail else f"{CAMPAIGNS}/{campaign_id}"


def donation_url(donation_id: int, tail: str | None = None) -> str:
    return f"{DONATIONS}/{donation_id}/{tail}" if tail else f"{DONATIONS}/{donation_id}"


def report_url(campaign_id: int) -> str:
    return f"/api/v1/public/charity/campaigns/{campaign_id}/report"


def new_key() -> str:
    return "gift-" + uuid.uuid4().hex


# --- campaigns -----------------------------------------------------------------------------------


def campaign_body(**overrides) -> dict:
    """A POST body: 柯城区, from 30 days ago to 30 days ahead, 1 000 000 yuan, three purposes.
    A value of None drops the key."""
    day = today()
    body = {
        "name": f"测试慈善一日捐{next(_serial)}",
        "purpose": "捐出一天的收入，帮助困难家庭的孩子上学、看病。",
        "region_code": KECHENG,
        "starts_on": (day - timedelta(days=30)).isoformat(),
        "ends_on": (day + timedelta(days=30)).isoformat(),
        "target_fen": 100_000_000,
        "purposes": ["education", "hardship", "medical"],
        **overrides,
    }
    return {key: value for key, value in body.items() if value is not None}


def create_campaign(client, headers: dict, **overrides) -> dict:
    """Create a campaign as `headers`' worker (the county worker, usually); the answer."""
    response = client.post(CAMPAIGNS, headers=headers, json=campaign_body(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def campaign(client, campaign_id: int) -> dict:
    """The public view of a campaign, with its live totals."""
    response = client.get(campaign_url(campaign_id))
    assert response.status_code == 200, response.json
    return response.json


# --- donations -----------------------------------------------------------------------------------


def money_body(campaign_id: int, amount_fen: int = 10_000, **overrides) -> dict:
    body = {"campaign_id": campaign_id, "kind": "money", "amount_fen": amount_fen}
    body["channel"] = "wechat"
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def goods_body(campaign_id: int, value_fen: int = 50_000, **overrides) -> dict:
    body = {
        "campaign_id": campaign_id,
        "kind": "goods",
        "description": "冬衣",
        "quantity": 20,
        "unit": "件",
        "estimated_value_fen": value_fen,
        **overrides,
    }
    return {key: value for key, value in body.items() if value is not None}


def give(client, headers: dict, body: dict, *, key: str | None = None):
    """POST a gift with an Idempotency-Key (a fresh one unless given); the response."""
    return client.post(
        DONATIONS, headers={**headers, "Idempotency-Key": key or new_key()}, json=body
    )


def gift(client, headers: dict, body: dict, *, key: str | None = None) -> dict:
    """Log a gift and assert 201; the gift."""
    response = give(client, headers, body, key=key)
    assert response.status_code == 201, response.json
    return response.json


def confirm(client, headers: dict, donation_id: int, expect: int = 200) -> dict:
    response = client.post(donation_url(donation_id, "confirm"), headers=headers)
    assert response.status_code == expect, response.json
    return response.json


def void(client, headers: dict, donation_id: int, reason="登记错误", expect: int = 200) -> dict:
    response = client.post(
        donation_url(donation_id, "void"), headers=headers, json={"reason": reason}
    )
    assert response.status_code == expect, response.json
    return response.json


def received(client, worker: dict, campaign_id: int, amount_fen: int, **overrides) -> dict:
    """A counter gift logged by `worker` and confirmed at once; the confirmed gift."""
    overrides.setdefault("donor_name", "柜台捐款人")
    overrides.setdefault("channel", "cash")
    logged = gift(client, worker, money_body(campaign_id, amount_fen, **overrides))
    return confirm(client, worker, logged["id"])


def disbursement_body(amount_fen: int, **overrides) -> dict:
    body = {
        "amount_fen": amount_fen,
        "purpose": "education",
        "recipient_name": "测试受助人",
        "region_code": FANGMEN,
        **overrides,
    }
    return {key: value for key, value in body.items() if value is not None}


def disburse(client, headers: dict, campaign_id: int, amount_fen: int, **overrides):
    """POST a disbursement; the response."""
    return client.post(
        campaign_url(campaign_id, "disbursements"),
        headers=headers,
        json=disbursement_body(amount_fen, **overrides),
    )


def disbursed(client, headers: dict, campaign_id: int, amount_fen: int, **overrides) -> dict:
    response = disburse(client, headers, campaign_id, amount_fen, **overrides)
    assert response.status_code == 201, response.json
    return response.json


# --- people --------------------------------------------------------------------------------------


def make_worker(session, client, openid: str, level: str, region_code: str) -> dict:
    """A worker at `level` over `region_code`, made in the test's transaction; their headers."""
    users_service.find_or_create(session, openid=openid)
    users_service.grant_worker(session, openid=openid, level=level, region_code=region_code)
    session.commit()
    return login(client, openid)


def make_person(client, openid: str, *, name: str, phone: str, id_number: str, region=FANGMEN):
    """A resident with a real-name profile (name, phone, ID number) set through the API."""
    headers = login(client, openid)
    response = client.patch(
        "/api/v1/me",
        headers=headers,
        json={"real_name": name, "phone": phone, "id_number": id_number, "region_code": region},
    )
    assert response.status_code == 200, response.json
    return headers
