"""Charity through HTTP: campaigns with live totals, gifts with an Idempotency-Key, confirmation
and receipts, voids, disbursements, the public ledger (cached, and masked), and the export."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from server.extensions import redis_client
from server.models.charity import Campaign, CharityEvent, Disbursement, Donation, WorkUnit
from server.models.common import Notification
from server.services import identity
from tests.assistance_helpers import draft
from tests.charity_helpers import (
    CAMPAIGNS,
    DONATIONS,
    FANGMEN,
    FANGMEN_2,
    FUSHAN,
    QUJIANG,
    QUJIANG_COMMUNITY,
    RESIDENT_ID,
    RESIDENT_NAME,
    RESIDENT_PHONE,
    UNITS,
    XINAN,
    campaign,
    campaign_body,
    campaign_url,
    confirm,
    create_campaign,
    disburse,
    disbursed,
    donation_url,
    gift,
    give,
    goods_body,
    make_person,
    make_worker,
    money_body,
    new_key,
    received,
    report_url,
    today,
    void,
)

# --- helpers -------------------------------------------------------------------------------------


def field_errors(response, location: str = "json") -> set[str]:
    return set(response.json.get("errors", {}).get(location, {}))


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def written(session) -> tuple[int, int, int, int]:
    """How many gifts, disbursements, events and work units there are."""
    return (
        count(session, Donation),
        count(session, Disbursement),
        count(session, CharityEvent),
        count(session, WorkUnit),
    )


def public_text(client, campaign_id: int) -> str:
    """The public report as served, and as its parsed JSON written out without escapes."""
    response = client.get(report_url(campaign_id))
    assert response.status_code == 200, response.json
    return response.get_data(as_text=True) + json.dumps(response.json, ensure_ascii=False)


def id_number(first17: str) -> str:
    return first17 + identity.id_check_char(first17)


@pytest.fixture
def drive(client, county_worker) -> dict:
    """An open campaign over 柯城区: 助学, 助困, 助医; target 1 000 000 yuan."""
    return create_campaign(client, county_worker)


@pytest.fixture
def outsider(session, client) -> dict:
    """A community worker in 衢江区, outside every demo campaign and gift: their headers."""
    return make_worker(session, client, "charity-outsider", "community", QUJIANG_COMMUNITY)


# --- campaigns -----------------------------------------------------------------------------------


def test_a_county_worker_starts_a_campaign_with_nothing_in_it_yet(client, county_worker):
    body = campaign_body(purposes=["education", "medical", "education"], target_fen=500_000)
    response = client.post(CAMPAIGNS, headers=county_worker, json=body)
    assert response.status_code == 201, response.json
    made = response.json
    assert made["name"] == body["name"] and made["region_name"] == "柯城区"
    assert made["open"] is True
    assert made["purposes"] == ["education", "medical"]
    assert made["purpose_names"] == ["助学", "助医"]
    for total in ("received_fen", "goods_received_fen", "pledged_fen", "disbursed_fen"):
        assert made[total] == 0
    assert (made["donors"], made["balance_fen"], made["progress_percent"]) == (0, 0, 0.0)


@pytest.mark.parametrize("who", ["township_worker", "community_worker", "resident"])
def test_only_county_or_city_workers_start_campaigns(request, client, session, who):
    headers = request.getfixturevalue(who)
    before = count(session, Campaign)
    response = client.post(CAMPAIGNS, headers=headers, json=campaign_body(region_code=FANGMEN))
    assert response.status_code == 403, response.json
    assert response.json["error"] in ("level_too_low", "role_required")
    assert response.json["message"]
    assert count(session, Campaign) == before


def test_a_campaign_outside_the_workers_county_is_not_found(client, session, county_worker, admin):
    before = count(session, Campaign)
    response = client.post(
        CAMPAIGNS, headers=county_worker, json=campaign_body(region_code=QUJIANG)
    )
    assert response.status_code == 404, response.json
    assert count(session, Campaign) == before
    # A township inside the county is fine; so is anywhere for an admin.
    assert create_campaign(client, county_worker, region_code=FUSHAN)["region_name"] == "府山街道"
    assert create_campaign(client, admin, region_code=QUJIANG)["region_code"] == QUJIANG


def test_a_campaign_may_not_end_before_it_starts(client, session, county_worker):
    day = today()
    before = count(session, Campaign)
    response = client.post(
        CAMPAIGNS,
        headers=county_worker,
        json=campaign_body(
            starts_on=day.isoformat(), ends_on=(day - timedelta(days=1)).isoformat()
        ),
    )
    assert response.status_code == 422, response.json
    assert field_errors(response) == {"ends_on"}
    assert count(session, Campaign) == before
    one_day = campaign_body(starts_on=day.isoformat(), ends_on=day.isoformat())
    assert client.post(CAMPAIGNS, headers=county_worker, json=one_day).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_fen", 0),
        ("target_fen", "1000"),
        ("target_fen", 1.5),
        ("purposes", []),
        ("purposes", ["lottery"]),
        ("name", ""),
        ("starts_on", "2026-02-30"),
    ],
)
def test_a_bad_campaign_field_is_named(client, session, county_worker, field, value):
    before = count(session, Campaign)
    response = client.post(CAMPAIGNS, headers=county_worker, json=campaign_body(**{field: value}))
    assert response.status_code == 422, response.json
    assert field in field_errors(response)
    assert count(session, Campaign) == before


def test_anyone_sees_campaigns_with_live_totals(client, county_worker, resident, community_worker):
    drive = create_campaign(client, county_worker, target_fen=1_000_000)
    mine = [gift(client, resident, money_body(drive["id"], n)) for n in (100_000, 50_000, 7_000)]
    for g in mine[:2]:
        confirm(client, community_worker, g["id"])
    received(client, county_worker, drive["id"], 150_000, donor_name="赵国强")
    goods = gift(client, county_worker, goods_body(drive["id"], 50_000, donor_name="某超市"))
    confirm(client, county_worker, goods["id"])
    disbursed(client, county_worker, drive["id"], 120_000)

    seen = campaign(client, drive["id"])  # no Authorization header: public
    assert seen["received_fen"] == 300_000
    assert seen["goods_received_fen"] == 50_000
    assert seen["pledged_fen"] == 7_000  # logged, not yet confirmed: not received
    assert seen["donors"] == 3  # the resident twice counts once
    assert seen["disbursed_fen"] == 120_000
    assert seen["balance_fen"] == 180_000
    assert seen["goods_balance_fen"] == 50_000
    assert seen["progress_percent"] == 35.0  # (300 000 + 50 000) / 1 000 000
    listed = client.get(CAMPAIGNS, query_string={"page_size": 100})
    assert listed.status_code == 200
    assert next(c for c in listed.json if c["id"] == drive["id"]) == seen
    assert json.loads(listed.headers["X-Pagination"])["total"] >= 1
    by_region = client.get(CAMPAIGNS, query_string={"region_code": QUJIANG})
    assert drive["id"] not in [c["id"] for c in by_region.json]
    missing = client.get(campaign_url(10**6))
    assert missing.status_code == 404 and missing.json["error"] == "campaign_not_found"


# --- donations: the Idempotency-Key --------------------------------------------------------------


def test_a_gift_needs_an_idempotency_key(client, session, resident, drive):
    before = written(session)
    for headers in (resident, {**resident, "Idempotency-Key": "  "}):
        response = client.post(DONATIONS, headers=headers, json=money_body(drive["id"]))
        assert response.status_code == 422, response.json
        assert field_errors(response, "headers") == {"Idempotency-Key"}
        assert "幂等键" in response.json["errors"]["headers"]["Idempotency-Key"][0]
    too_long = give(client, resident, money_body(drive["id"]), key="k" * 129)
    assert too_long.status_code == 422
    assert written(session) == before


def test_a_retry_with_the_same_key_and_body_returns_the_first_gift(
    client, session, resident, community_worker, drive
):
    key = new_key()
    first = give(client, resident, money_body(drive["id"], 8_800), key=key)
    assert first.status_code == 201, first.json
    assert "Idempotent-Replayed" not in first.headers
    after_first = written(session)
    for _ in range(3):
        again = give(client, resident, money_body(drive["id"], 8_800), key=key)
        assert again.status_code == 200, again.json
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json == first.json
    assert written(session) == after_first
    assert count(session, Donation, Donation.idempotency_key == key) == 1
    # Even once confirmed, the retry answers the same gift as it now is, and writes nothing.
    confirm(client, community_worker, first.json["id"])
    later = give(client, resident, money_body(drive["id"], 8_800), key=key)
    assert later.status_code == 200 and later.json["status"] == "confirmed"
    assert campaign(client, drive["id"])["received_fen"] == 8_800


def test_a_retry_after_the_campaign_closed_still_returns_the_first_gift(
    client, session, resident, drive
):
    key = new_key()
    first = give(client, resident, money_body(drive["id"], 6_600), key=key)
    assert first.status_code == 201, first.json
    session.execute(
        update(Campaign)
        .where(Campaign.id == drive["id"])
        .values(ends_on=today() - timedelta(days=1))
    )
    session.commit()
    after_first = written(session)
    again = give(client, resident, money_body(drive["id"], 6_600), key=key)
    assert again.status_code == 200 and again.json == first.json
    assert written(session) == after_first
    fresh = give(client, resident, money_body(drive["id"], 6_600))
    assert fresh.status_code == 409 and fresh.json["error"] == "campaign_closed"


def test_the_same_key_with_another_body_is_refused(client, session, resident, drive):
    key = new_key()
    gift(client, resident, money_body(drive["id"], 8_800), key=key)
    before = written(session)
    for body in (
        money_body(drive["id"], 8_801),
        money_body(drive["id"], 8_800, channel="bank"),
        money_body(drive["id"], 8_800, anonymous=True),
        goods_body(drive["id"]),
    ):
        response = give(client, resident, body, key=key)
        assert response.status_code == 422, response.json
        assert response.json["error"] == "idempotency_key_reused"
        assert field_errors(response, "headers") == {"Idempotency-Key"}
    assert written(session) == before
    assert campaign(client, drive["id"])["pledged_fen"] == 8_800


def test_a_key_is_one_persons_own(client, session, resident, newcomer, drive):
    key = new_key()
    mine = gift(client, resident, money_body(drive["id"]), key=key)
    theirs = gift(client, newcomer, money_body(drive["id"], donor_name="新来的"), key=key)
    assert mine["id"] != theirs["id"]


# --- donations: what a gift must say -------------------------------------------------------------


@pytest.mark.parametrize("missing", ["amount_fen", "channel"])
def test_money_needs_an_amount_and_a_channel(client, session, resident, drive, missing):
    before = written(session)
    response = give(client, resident, money_body(drive["id"], **{missing: None}))
    assert response.status_code == 422, response.json
    assert field_errors(response) == {missing}
    assert written(session) == before


@pytest.mark.parametrize("missing", ["description", "quantity", "unit", "estimated_value_fen"])
def test_goods_need_what_how_many_and_an_estimate(client, session, resident, drive, missing):
    before = written(session)
    response = give(client, resident, goods_body(drive["id"], **{missing: None}))
    assert response.status_code == 422, response.json
    assert field_errors(response) == {missing}
    assert written(session) == before


def test_money_and_goods_fields_do_not_mix(client, session, resident, drive):
    before = written(session)
    response = give(client, resident, money_body(drive["id"], description="冬衣", quantity=2))
    assert response.status_code == 422
    assert field_errors(response) == {"description", "quantity"}
    response = give(client, resident, goods_body(drive["id"], amount_fen=100))
    assert response.status_code == 422
    assert field_errors(response) == {"amount_fen"}
    assert give(client, resident, {**money_body(drive["id"]), "kind": "stocks"}).status_code == 422
    assert written(session) == before


BAD_AMOUNTS = [0, -1, -10_000, 1.5, 100.0, "10000", "一百", True, False, None, 10**10 + 1, 10**20]


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("amount_fen", lambda cid, amount: {**money_body(cid), "amount_fen": amount}),
        ("estimated_value_fen", lambda cid, v: {**goods_body(cid), "estimated_value_fen": v}),
    ],
    ids=["money", "goods"],
)
def test_a_bad_amount_is_refused_naming_the_field(
    client, session, resident, drive, field, body, amount
):
    before = written(session)
    response = give(client, resident, body(drive["id"], amount))
    assert response.status_code == 422, response.json
    assert field_errors(response) == {field}
    assert response.json["error"] == "validation_failed" and response.json["message"]
    assert written(session) == before


def test_the_largest_gift_is_one_hundred_million_yuan(client, resident, drive):
    largest = gift(client, resident, money_body(drive["id"], 10**10))
    assert largest["amount_fen"] == 10**10
    assert largest["amount_text"] == "100,000,000.00 元"
    goods = gift(client, resident, goods_body(drive["id"], 10**10))
    assert goods["amount_fen"] == 10**10


def test_a_resident_pledges_and_a_worker_logs_a_counter_gift_as_received(
    client, resident, community_worker, drive
):
    pledged = gift(client, resident, money_body(drive["id"], 5_000, message="一点心意"))
    assert pledged["status"] == "pledged" and pledged["status_name"] == "已登记"
    assert pledged["donor_name"] == RESIDENT_NAME  # from the real-name profile
    assert pledged["region_code"] == FANGMEN and pledged["message"] == "一点心意"
    assert pledged["receipt_number"] is None
    counter = gift(
        client,
        community_worker,
        money_body(drive["id"], 20_000, channel="cash", donor_name="刘建华"),
    )
    assert counter["status"] == "received"
    assert counter["donor_name"] == "刘建华" and counter["region_code"] == FANGMEN
    # A worker must say whose gift it is.
    nameless = give(client, community_worker, money_body(drive["id"]))
    assert nameless.status_code == 422 and field_errors(nameless) == {"donor_name"}


def test_someone_without_a_real_name_names_the_donor(client, newcomer, drive):
    response = give(client, newcomer, money_body(drive["id"]))
    assert response.status_code == 422 and field_errors(response) == {"donor_name"}
    named = gift(client, newcomer, money_body(drive["id"], donor_name="陈小明"))
    assert named["donor_name"] == "陈小明" and named["status"] == "pledged"


@pytest.mark.parametrize(("starts", "ends"), [(-400, -35), (5, 40)], ids=["over", "not-yet"])
def test_a_closed_campaign_takes_no_gift(client, session, county_worker, resident, starts, ends):
    day = today()
    shut = create_campaign(
        client,
        county_worker,
        starts_on=(day + timedelta(days=starts)).isoformat(),
        ends_on=(day + timedelta(days=ends)).isoformat(),
    )
    assert shut["open"] is False
    before = written(session)
    for headers, body in (
        (resident, money_body(shut["id"])),
        (county_worker, money_body(shut["id"], donor_name="某人")),
    ):
        response = give(client, headers, body)
        assert response.status_code == 409, response.json
        assert response.json["error"] == "campaign_closed"
    assert written(session) == before


def test_a_gift_to_no_campaign_is_not_found(client, session, resident):
    before = written(session)
    response = give(client, resident, money_body(10**6))
    assert response.status_code == 404 and response.json["error"] == "campaign_not_found"
    assert written(session) == before


def test_a_gift_needs_a_login(client, drive):
    response = client.post(
        DONATIONS, headers={"Idempotency-Key": new_key()}, json=money_body(drive["id"])
    )
    assert response.status_code == 401


def test_a_retry_after_the_donor_moved_creates_no_second_unit(client, session, newcomer, drive):
    """A donor from outside the campaign's county (衢江区, giving to 柯城区's) logs a gift for
    their unit, moves, and retries: the retry answers the first gift and makes no unit there."""
    home = {"real_name": "陈小明", "region_code": "330803001001"}
    assert client.patch("/api/v1/me", headers=newcomer, json=home).status_code == 200
    key = new_key()
    body = money_body(drive["id"], 4_000, unit_name="樟潭某某公司")
    first = give(client, newcomer, body, key=key)
    assert first.status_code == 201, first.json
    units = count(session, WorkUnit)
    moved = client.patch("/api/v1/me", headers=newcomer, json={"region_code": "330881001001"})
    assert moved.status_code == 200, moved.json
    again = give(client, newcomer, body, key=key)
    assert again.status_code == 200 and again.json == first.json
    assert count(session, WorkUnit) == units


def test_a_unit_name_registers_the_unit_once_and_finds_it_again(
    client, session, resident, community_worker, county_worker, drive
):
    units_before = count(session, WorkUnit)
    logged = [
        gift(
            client,
            community_worker,
            money_body(
                drive["id"],
                30_000,
                donor_name="李老师",
                unit_name="坊门街小学",
                department="三年级组",
            ),
        ),
        gift(
            client,
            community_worker,
            money_body(drive["id"], 20_000, donor_name="王老师", unit_name="坊门街小学"),
        ),
        # Its staff at home and the county's counter log gifts for the same school.
        gift(client, resident, money_body(drive["id"], 10_000, unit_name="坊门街小学")),
        gift(
            client,
            county_worker,
            money_body(drive["id"], 5_000, donor_name="赵老师", unit_name="坊门街小学"),
        ),
    ]
    assert {g["unit_name"] for g in logged} == {"坊门街小学"}
    assert logged[0]["department"] == "三年级组"
    assert count(session, WorkUnit) == units_before + 1
    stored = session.scalars(
        select(Donation.unit_id).where(Donation.id.in_([g["id"] for g in logged]))
    ).all()
    assert len(set(stored)) == 1 and stored[0] is not None
    # Not in the public list until a worker has confirmed one of its gifts.
    assert client.get(UNITS, query_string={"q": "坊门街小"}).json == []
    confirm(client, community_worker, logged[0]["id"])
    listed = client.get(UNITS, query_string={"q": "坊门街小"})
    assert [u["name"] for u in listed.json] == ["坊门街小学"]
    other = gift(client, resident, money_body(drive["id"], 1_000, unit_name="柯城区教育局"))
    assert other["unit_name"] == "柯城区教育局"
    assert count(session, WorkUnit) == units_before + 2


def test_my_gifts_and_one_gift_are_for_their_donor_and_workers_in_scope(
    client, resident, newcomer, community_worker, county_worker, outsider, drive
):
    mine = gift(client, resident, money_body(drive["id"], 1_000))
    counter = gift(client, county_worker, money_body(drive["id"], 2_000, donor_name="某人"))
    listed = client.get(DONATIONS, headers=resident, query_string={"mine": 1})
    assert listed.status_code == 200
    ids = [g["id"] for g in listed.json]
    assert mine["id"] in ids and counter["id"] not in ids
    # A resident's list is theirs even without mine=1.
    assert [g["id"] for g in client.get(DONATIONS, headers=resident).json] == ids
    assert client.get(DONATIONS, headers=newcomer).json == []

    assert client.get(donation_url(mine["id"]), headers=resident).json == mine
    assert client.get(donation_url(mine["id"]), headers=community_worker).status_code == 200
    for headers in (newcomer, outsider):
        response = client.get(donation_url(mine["id"]), headers=headers)
        assert response.status_code == 404, response.json
        assert response.json["message"]
    # The county gift lies outside the community worker's community.
    assert client.get(donation_url(counter["id"]), headers=community_worker).status_code == 404
    assert client.get(donation_url(counter["id"]), headers=resident).status_code == 404
    assert client.get(donation_url(10**6), headers=resident).status_code == 404
    # A worker's list holds the gifts of their scope.
    theirs = [g["id"] for g in client.get(DONATIONS, headers=community_worker).json]
    assert mine["id"] in theirs and counter["id"] not in theirs


# --- confirmation --------------------------------------------------------------------------------


def test_a_worker_in_scope_confirms_and_the_donor_is_told(
    client, session, resident, community_worker, drive
):
    a = gift(client, resident, money_body(drive["id"], 10_000))
    b = gift(client, resident, goods_body(drive["id"], 30_000))
    done_a = confirm(client, community_worker, a["id"])
    done_b = confirm(client, community_worker, b["id"])
    year = today().year
    assert re.fullmatch(rf"CS-{year}-\d{{6}}", done_a["receipt_number"])
    first = int(done_a["receipt_number"].rsplit("-", 1)[1])
    assert done_b["receipt_number"] == f"CS-{year}-{first + 1:06d}"
    assert done_a["status"] == "confirmed" and done_a["confirmed_at"]
    totals = campaign(client, drive["id"])
    assert (totals["received_fen"], totals["goods_received_fen"]) == (10_000, 30_000)
    inbox = client.get("/api/v1/me/notifications", headers=resident).json["items"]
    told = [n for n in inbox if n["kind"] == "charity.donation_confirmed"]
    assert {n["data"]["donation_id"] for n in told} == {a["id"], b["id"]}
    assert any(done_a["receipt_number"] in n["body"] for n in told)


def test_confirming_outside_the_scope_is_not_found(
    client, session, resident, community_worker, county_worker, outsider, drive
):
    mine = gift(client, resident, money_body(drive["id"]))
    counter = gift(client, county_worker, money_body(drive["id"], donor_name="某人"))
    confirm(client, outsider, mine["id"], expect=404)
    confirm(client, community_worker, counter["id"], expect=404)  # logged in 柯城区 itself
    confirm(client, community_worker, 10**6, expect=404)
    assert client.get(donation_url(mine["id"]), headers=resident).json["status"] == "pledged"
    assert campaign(client, drive["id"])["received_fen"] == 0


def test_a_resident_may_not_confirm_even_their_own_gift(client, resident, drive):
    mine = gift(client, resident, money_body(drive["id"]))
    refused = confirm(client, resident, mine["id"], expect=403)
    assert refused["error"] == "role_required"
    assert campaign(client, drive["id"])["received_fen"] == 0


def test_confirming_twice_is_a_conflict_and_counts_once(
    client, session, resident, community_worker, drive
):
    mine = gift(client, resident, money_body(drive["id"], 4_200))
    done = confirm(client, community_worker, mine["id"])
    again = confirm(client, community_worker, mine["id"], expect=409)
    assert again["error"] == "wrong_state"
    now = client.get(donation_url(mine["id"]), headers=resident).json
    assert now["receipt_number"] == done["receipt_number"]
    assert campaign(client, drive["id"])["received_fen"] == 4_200
    assert count(session, Notification, Notification.kind == "charity.donation_confirmed") == 1


# --- voids ---------------------------------------------------------------------------------------


def test_a_void_needs_a_reason(client, session, county_worker, drive):
    g = gift(client, county_worker, money_body(drive["id"], donor_name="某人"))
    for body in ({}, {"reason": ""}, {"reason": None}):
        response = client.post(donation_url(g["id"], "void"), headers=county_worker, json=body)
        assert response.status_code == 422, response.json
        assert field_errors(response) == {"reason"}
    assert client.get(donation_url(g["id"]), headers=county_worker).json["status"] == "received"


def test_a_voided_gift_leaves_every_total_and_stays_on_record(
    client, resident, county_worker, community_worker, drive
):
    money = gift(client, resident, money_body(drive["id"], 10_000))
    goods = gift(client, resident, goods_body(drive["id"], 30_000))
    pledged = gift(client, resident, money_body(drive["id"], 7_000))
    other = received(client, county_worker, drive["id"], 5_000, donor_name="赵国强")
    for g in (money, goods):
        confirm(client, community_worker, g["id"])
    before = campaign(client, drive["id"])
    assert (before["received_fen"], before["goods_received_fen"]) == (15_000, 30_000)
    assert (before["pledged_fen"], before["donors"]) == (7_000, 2)

    gone = void(client, community_worker, money["id"], reason="重复登记")
    void(client, community_worker, goods["id"], reason="物资未送达")
    void(client, community_worker, pledged["id"], reason="捐赠人撤回")
    after = campaign(client, drive["id"])
    assert after["received_fen"] == 5_000 == after["balance_fen"]
    assert after["goods_received_fen"] == 0 and after["pledged_fen"] == 0
    assert after["donors"] == 1
    assert after["progress_percent"] == round(100 * 5_000 / drive["target_fen"], 1)
    assert gone["status"] == "voided" and gone["void_reason"] == "重复登记"
    assert gone["voided_at"] and gone["receipt_number"]  # nothing is deleted
    assert client.get(donation_url(money["id"]), headers=resident).json["status"] == "voided"
    assert other["status"] == "confirmed"


def test_a_voided_gift_cannot_be_confirmed_or_voided_again(
    client, resident, community_worker, drive
):
    g = gift(client, resident, money_body(drive["id"]))
    void(client, community_worker, g["id"])
    assert confirm(client, community_worker, g["id"], expect=409)["error"] == "wrong_state"
    assert void(client, community_worker, g["id"], expect=409)["error"] == "wrong_state"
    assert campaign(client, drive["id"])["received_fen"] == 0


def test_a_confirmed_gift_already_disbursed_cannot_be_voided(client, county_worker, drive):
    big = received(client, county_worker, drive["id"], 10_000, donor_name="甲")
    small = received(client, county_worker, drive["id"], 3_000, donor_name="乙")
    disbursed(client, county_worker, drive["id"], 9_000)
    refused = void(client, county_worker, big["id"], expect=409)
    assert refused["error"] == "already_disbursed"
    assert client.get(donation_url(big["id"]), headers=county_worker).json["status"] == "confirmed"
    totals = campaign(client, drive["id"])
    assert (totals["received_fen"], totals["disbursed_fen"]) == (13_000, 9_000)
    # What was not spent may still be voided.
    void(client, county_worker, small["id"])
    totals = campaign(client, drive["id"])
    assert (totals["received_fen"], totals["balance_fen"]) == (10_000, 1_000)


def test_voids_are_for_workers_in_scope(client, resident, outsider, drive):
    g = gift(client, resident, money_body(drive["id"]))
    assert void(client, resident, g["id"], expect=403)["error"] == "role_required"
    void(client, outsider, g["id"], expect=404)
    assert client.get(donation_url(g["id"]), headers=resident).json["status"] == "pledged"


# --- receipts ------------------------------------------------------------------------------------


def test_the_receipt_of_a_confirmed_gift(client, resident, community_worker, drive):
    g = gift(client, resident, money_body(drive["id"], 10_000, unit_name="衢州市第一中学"))
    done = confirm(client, community_worker, g["id"])
    response = client.get(donation_url(g["id"], "receipt"), headers=resident)
    assert response.status_code == 200, response.json
    assert response.json == {
        "receipt_number": done["receipt_number"],
        "donor_name": RESIDENT_NAME,
        "unit_name": "衢州市第一中学",
        "kind": "money",
        "amount_fen": 10_000,
        "amount_figures": "100.00 元",
        "amount_words": "壹佰元整",
        "description": None,
        "quantity": None,
        "unit": None,
        "campaign_name": drive["name"],
        "date": today().isoformat(),
        # The campaign's organising region issues it (the test campaign is 柯城区's).
        "issuer": "柯城区民政局",
    }
    # The worker in scope reads it too.
    assert client.get(donation_url(g["id"], "receipt"), headers=community_worker).status_code == 200


def test_the_receipt_as_a_pdf(client, resident, community_worker, drive):
    money = gift(client, resident, money_body(drive["id"], 123_456))
    goods = gift(client, resident, goods_body(drive["id"], 50_000))
    for g in (money, goods):
        number = confirm(client, community_worker, g["id"])["receipt_number"]
        response = client.get(
            donation_url(g["id"], "receipt"), headers=resident, query_string={"format": "pdf"}
        )
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
        assert response.data.rstrip().endswith(b"%%EOF")
        assert number in response.headers["Content-Disposition"]
    of_goods = client.get(donation_url(goods["id"], "receipt"), headers=resident).json
    assert (of_goods["kind"], of_goods["description"], of_goods["quantity"], of_goods["unit"]) == (
        "goods",
        "冬衣",
        20,
        "件",
    )
    assert of_goods["amount_words"] == "伍佰元整"
    words = client.get(donation_url(money["id"], "receipt"), headers=resident).json
    assert words["amount_words"] == "壹仟贰佰叁拾肆元伍角陆分"
    assert words["amount_figures"] == "1,234.56 元"
    unknown = client.get(
        donation_url(money["id"], "receipt"), headers=resident, query_string={"format": "docx"}
    )
    assert unknown.status_code == 422


def test_no_receipt_before_confirmation_or_after_a_void(client, resident, community_worker, drive):
    g = gift(client, resident, money_body(drive["id"]))
    for fmt in ("json", "pdf"):
        response = client.get(
            donation_url(g["id"], "receipt"), headers=resident, query_string={"format": fmt}
        )
        assert response.status_code == 409 and response.json["error"] == "not_confirmed"
    confirm(client, community_worker, g["id"])
    void(client, community_worker, g["id"])
    response = client.get(donation_url(g["id"], "receipt"), headers=resident)
    assert response.status_code == 409 and response.json["error"] == "voided"


def test_someone_elses_receipt_is_not_found(
    client, resident, newcomer, community_worker, outsider, drive
):
    g = gift(client, resident, money_body(drive["id"]))
    confirm(client, community_worker, g["id"])
    for headers in (newcomer, outsider):
        for fmt in ("json", "pdf"):
            response = client.get(
                donation_url(g["id"], "receipt"), headers=headers, query_string={"format": fmt}
            )
            assert response.status_code == 404, response.json
            assert response.mimetype == "application/json"


# --- disbursements -------------------------------------------------------------------------------


def test_money_goes_only_to_the_campaigns_purposes(client, session, county_worker, drive):
    received(client, county_worker, drive["id"], 10_000)
    before = written(session)
    for purpose in ("disaster", "elderly"):  # known purposes, not this campaign's
        response = disburse(client, county_worker, drive["id"], 1_000, purpose=purpose)
        assert response.status_code == 422, response.json
        assert field_errors(response) == {"purpose"}
        assert "助学" in response.json["errors"]["json"]["purpose"][0]
    unknown = disburse(client, county_worker, drive["id"], 1_000, purpose="lottery")
    assert unknown.status_code == 422 and field_errors(unknown) == {"purpose"}
    assert written(session) == before
    out = disbursed(client, county_worker, drive["id"], 1_000, purpose="medical")
    assert (out["purpose"], out["purpose_name"]) == ("medical", "助医")


def test_a_recipient_outside_the_campaigns_region_is_refused(client, session, county_worker):
    fushan = create_campaign(client, county_worker, region_code=FUSHAN)
    received(client, county_worker, fushan["id"], 10_000)
    before = written(session)
    response = disburse(client, county_worker, fushan["id"], 1_000, region_code=XINAN)
    assert response.status_code == 422, response.json
    assert field_errors(response) == {"region_code"}
    assert written(session) == before
    disbursed(client, county_worker, fushan["id"], 1_000, region_code=FANGMEN_2)


def test_a_recipient_outside_the_workers_scope_is_not_found(
    client, session, community_worker, county_worker, resident, drive
):
    received(client, county_worker, drive["id"], 10_000)
    before = written(session)
    response = disburse(client, county_worker, drive["id"], 1_000, region_code=QUJIANG_COMMUNITY)
    assert response.status_code == 404, response.json
    # Money out is a county or city worker's act: below that, a 403 saying so.
    response = disburse(client, community_worker, drive["id"], 1_000, region_code=FANGMEN)
    assert (response.status_code, response.json["error"]) == (403, "level_too_low")
    assert disburse(client, resident, drive["id"], 1_000).status_code == 403
    assert disburse(client, county_worker, 10**6, 1_000).status_code == 404
    assert written(session) == before
    disbursed(client, county_worker, drive["id"], 1_000, region_code=FANGMEN)


def test_nothing_is_disbursed_beyond_the_confirmed_balance(
    client, session, resident, community_worker, county_worker, drive
):
    received(client, county_worker, drive["id"], 10_000)
    gift(client, resident, money_body(drive["id"], 50_000))  # pledged: not money in hand
    disbursed(client, county_worker, drive["id"], 6_000)
    before = written(session)
    response = disburse(client, county_worker, drive["id"], 4_001)
    assert response.status_code == 409, response.json
    assert response.json["error"] == "insufficient_balance"
    assert response.json["available_fen"] == 4_000
    assert "40.00" in response.json["message"]
    assert written(session) == before
    disbursed(client, county_worker, drive["id"], 4_000)
    empty = disburse(client, county_worker, drive["id"], 1)
    assert empty.status_code == 409 and empty.json["available_fen"] == 0
    totals = campaign(client, drive["id"])
    assert (totals["received_fen"], totals["disbursed_fen"], totals["balance_fen"]) == (
        10_000,
        10_000,
        0,
    )


@pytest.mark.parametrize("amount", [0, -5, 1.5, "100", True, 10**10 + 1])
def test_a_bad_disbursement_amount_is_named(client, session, county_worker, drive, amount):
    received(client, county_worker, drive["id"], 10_000)
    before = written(session)
    response = disburse(client, county_worker, drive["id"], amount)
    assert response.status_code == 422 and field_errors(response) == {"amount_fen"}
    assert written(session) == before


def test_goods_are_distributed_down_to_what_was_received(client, session, county_worker, drive):
    received(client, county_worker, drive["id"], 5_000)
    goods = gift(client, county_worker, goods_body(drive["id"], 50_000, donor_name="某超市"))
    response = disburse(client, county_worker, drive["id"], 1, kind="goods", description="冬衣")
    assert response.status_code == 409  # logged, not yet taken in
    confirm(client, county_worker, goods["id"])
    nameless = disburse(client, county_worker, drive["id"], 1_000, kind="goods")
    assert nameless.status_code == 422 and field_errors(nameless) == {"description"}
    out = disbursed(
        client, county_worker, drive["id"], 30_000, kind="goods", description="冬衣 12 件"
    )
    assert (out["kind"], out["description"]) == ("goods", "冬衣 12 件")
    over = disburse(client, county_worker, drive["id"], 20_001, kind="goods", description="冬衣")
    assert over.status_code == 409 and over.json["available_fen"] == 20_000
    disbursed(client, county_worker, drive["id"], 20_000, kind="goods", description="冬衣 8 件")
    totals = campaign(client, drive["id"])
    assert (totals["goods_distributed_fen"], totals["goods_balance_fen"]) == (50_000, 0)
    assert (totals["disbursed_fen"], totals["balance_fen"]) == (0, 5_000)  # money untouched


def test_a_linked_application_must_exist_in_the_workers_scope(
    client, session, resident, county_worker, drive
):
    received(client, county_worker, drive["id"], 10_000)
    application = draft(client, resident)
    before = written(session)
    for headers, region, application_id in (
        (county_worker, FANGMEN, 10**6),  # no such application
    ):
        response = disburse(
            client, headers, drive["id"], 1_000, region_code=region, application_id=application_id
        )
        assert response.status_code == 422, response.json
        assert field_errors(response) == {"application_id"}
    assert written(session) == before
    out = disbursed(
        client, county_worker, drive["id"], 1_000, application_id=application["id"], note="低保户"
    )
    assert (out["application_id"], out["note"]) == (application["id"], "低保户")
    listed = client.get(campaign_url(drive["id"], "disbursements"), headers=county_worker)
    assert listed.status_code == 200
    assert listed.json[0]["recipient_name"] == "测试受助人"  # in full, for workers
    assert listed.json[0]["application_id"] == application["id"]


# --- the public ledger ---------------------------------------------------------------------------


def test_the_report_adds_up_in_and_out(client, resident, community_worker, county_worker, drive):
    mine = gift(client, resident, money_body(drive["id"], 10_000, unit_name="坊门街小学"))
    confirm(client, community_worker, mine["id"])
    received(client, county_worker, drive["id"], 30_000, unit_name="坊门街小学", donor_name="李四")
    received(
        client, county_worker, drive["id"], 50_000, unit_name="柯城区教育局", donor_name="张三"
    )
    goods = gift(client, county_worker, goods_body(drive["id"], 40_000, donor_name="某超市"))
    confirm(client, county_worker, goods["id"])
    gift(client, resident, money_body(drive["id"], 99_000))  # pledged only: not in the ledger
    disbursed(client, county_worker, drive["id"], 20_000, purpose="education")
    disbursed(client, county_worker, drive["id"], 15_000, purpose="medical")
    disbursed(client, county_worker, drive["id"], 5_000, purpose="medical")
    disbursed(client, county_worker, drive["id"], 10_000, kind="goods", description="棉被")

    report = client.get(report_url(drive["id"])).json
    assert report["campaign"]["received_fen"] == 90_000
    assert report["campaign"]["disbursed_fen"] == 40_000
    by_purpose = {p["purpose"]: p for p in report["by_purpose"]}
    assert set(by_purpose) == {"education", "hardship", "medical"}
    assert by_purpose["education"] == {
        "purpose": "education",
        "purpose_name": "助学",
        "money_fen": 20_000,
        "goods_fen": 10_000,
        "count": 2,
    }
    assert (by_purpose["medical"]["money_fen"], by_purpose["medical"]["count"]) == (20_000, 2)
    assert by_purpose["hardship"]["count"] == 0
    month = today().strftime("%Y-%m")
    assert report["by_month"] == [
        {"month": month, "in_fen": 90_000, "goods_in_fen": 40_000, "out_fen": 40_000}
    ]
    assert report["units"] == [
        {"unit_name": "柯城区教育局", "amount_fen": 50_000, "donations": 1},
        {"unit_name": "坊门街小学", "amount_fen": 40_000, "donations": 2},
    ]
    assert sorted(d["amount_fen"] for d in report["recent_donations"]) == [
        10_000,
        30_000,
        40_000,
        50_000,
    ]
    assert [d["amount_fen"] for d in report["recent_disbursements"]] == [
        10_000,
        5_000,
        15_000,
        20_000,
    ]
    assert client.get(report_url(10**6)).status_code == 404


def test_recent_gifts_show_a_surname_or_a_kind_heart(client, resident, county_worker, drive):
    mine = gift(client, resident, money_body(drive["id"], 10_000))
    confirm(client, county_worker, mine["id"])
    received(client, county_worker, drive["id"], 2_000, donor_name="诸葛明亮", unit_name="某公司")
    received(client, county_worker, drive["id"], 3_000, donor_name="钱多多", anonymous=True)
    received(
        client,
        county_worker,
        drive["id"],
        4_000,
        donor_name="孙某",
        anonymous=True,
        unit_name="某厂",
    )
    disbursed(client, county_worker, drive["id"], 1_000, recipient_name="上官婉儿")
    report = client.get(report_url(drive["id"])).json
    donors = {d["amount_fen"]: (d["donor"], d["unit_name"]) for d in report["recent_donations"]}
    assert donors == {
        10_000: ("王**", None),
        2_000: ("诸***", "某公司"),
        3_000: ("爱心人士", None),
        4_000: ("爱心人士", None),  # the unit would tell who gave
    }
    assert report["recent_disbursements"][0]["recipient_name"] == "上***"
    assert "note" not in report["recent_disbursements"][0]
    assert "application_id" not in report["recent_disbursements"][0]


def test_the_report_is_cached_and_refreshed_after_every_write(
    app, client, session, resident, community_worker, county_worker, drive
):
    def cached() -> str | None:
        with app.app_context():
            return redis_client.client.get(f"charity:report:{drive['id']}")

    def report() -> dict:
        return client.get(report_url(drive["id"])).json["campaign"]

    assert report()["received_fen"] == 0
    assert cached() is not None
    # Served from the cache: a change behind the API's back does not show ...
    session.execute(update(Campaign).where(Campaign.id == drive["id"]).values(name="改过的名字"))
    session.commit()
    assert report()["name"] == drive["name"]
    # A pledge changes nothing the report counts: it keeps the cache (one user's pledges must
    # not keep the public report uncached) ...
    key = new_key()
    pledged = gift(client, resident, money_body(drive["id"], 10_000), key=key)
    assert cached() is not None
    assert report()["name"] == drive["name"]
    # ... until a write that counts drops it.
    confirm(client, community_worker, pledged["id"])
    assert cached() is None
    fresh = report()
    assert (fresh["name"], fresh["received_fen"]) == ("改过的名字", 10_000)
    disbursed(client, county_worker, drive["id"], 4_000)
    assert report()["disbursed_fen"] == 4_000
    void(client, community_worker, gift(client, resident, money_body(drive["id"], 1))["id"])
    other = received(client, county_worker, drive["id"], 5_000)
    assert report()["received_fen"] == 15_000
    void(client, county_worker, other["id"])
    assert report()["received_fen"] == 10_000
    # A refused write leaves the cache alone, and a replay writes nothing to drop it for.
    assert disburse(client, county_worker, drive["id"], 10**9).status_code == 409
    assert cached() is not None
    assert give(client, resident, money_body(drive["id"], 10_000), key=key).status_code == 200
    assert cached() is not None


def test_no_private_detail_of_a_donor_or_recipient_is_ever_public(
    client, session, resident, county_worker, community_worker, drive
):
    """Anonymous donors and every recipient: their full names, phones and ID numbers are known
    here; none of them may appear anywhere in the public report, nor in the campaign pages."""
    person_id = id_number("33080219880505001")
    person = make_person(
        client,
        "charity-privacy-donor",
        name="欧阳明月",
        phone="13912345678",
        id_number=person_id,
    )
    secrets = [
        "欧阳明月",
        "13912345678",
        person_id,
        RESIDENT_NAME,
        RESIDENT_PHONE,
        RESIDENT_ID,
        "司马光辉",
        "13600001111",
        "330881195001010018",
        "上官婉儿",
        "13700002222",
        "11010519491231002X",
        "端木蓉蓉",
        "13800003333",
        "440524188001010014",
        "叶知秋",
    ]
    # Anonymous gifts, logged by the donors themselves and at the counter.
    g1 = gift(
        client,
        person,
        money_body(drive["id"], 66_600, anonymous=True, message="电话 13912345678"),
    )
    g2 = gift(client, resident, goods_body(drive["id"], 20_000, anonymous=True))
    g3 = gift(
        client,
        county_worker,
        money_body(
            drive["id"],
            88_800,
            anonymous=True,
            donor_name="司马光辉",
            channel="bank",
            message="身份证 330881195001010018 手机 13600001111",
        ),
    )
    # A named donor is shown by surname only.
    g4 = gift(client, county_worker, money_body(drive["id"], 1_000, donor_name="叶知秋"))
    for g in (g1, g2, g3, g4):
        confirm(client, county_worker, g["id"])
    disbursed(
        client,
        county_worker,
        drive["id"],
        50_000,
        purpose="hardship",
        recipient_name="上官婉儿",
        note="电话 13700002222，身份证 11010519491231002X",
    )
    disbursed(
        client,
        county_worker,
        drive["id"],
        10_000,
        kind="goods",
        description="大米 2 袋",
        purpose="hardship",
        recipient_name="端木蓉蓉",
        note="身份证 440524188001010014 电话 13800003333",
    )

    report = public_text(client, drive["id"])
    listed = client.get(CAMPAIGNS, query_string={"page_size": 100})
    one = client.get(campaign_url(drive["id"]))
    pages = {
        "report": report,
        "list": listed.get_data(as_text=True) + json.dumps(listed.json, ensure_ascii=False),
        "campaign": one.get_data(as_text=True) + json.dumps(one.json, ensure_ascii=False),
    }
    for page, text in pages.items():
        for secret in secrets:
            assert secret not in text, f"{secret} appears in the public {page}"
    # The report did show them, masked.
    for shown in ("爱心人士", "叶**", "上***", "端***"):
        assert shown in report
    donors = [d["donor"] for d in client.get(report_url(drive["id"])).json["recent_donations"]]
    assert sorted(donors) == sorted(["爱心人士"] * 3 + ["叶**"])
    # The real names stay on record, for workers.
    assert (
        client.get(donation_url(g3["id"]), headers=county_worker).json["donor_name"] == "司马光辉"
    )


# --- the export ----------------------------------------------------------------------------------


def test_the_export_has_every_row_in_full_for_a_worker_in_scope(
    client, resident, community_worker, county_worker, drive
):
    mine = gift(client, resident, money_body(drive["id"], 12_345, anonymous=True))
    confirm(client, community_worker, mine["id"])
    voided = gift(client, county_worker, money_body(drive["id"], 500, donor_name="错登的人"))
    void(client, county_worker, voided["id"], reason="登记错误")
    gift(client, county_worker, goods_body(drive["id"], 8_000, donor_name="某超市"))
    disbursed(client, county_worker, drive["id"], 10_000, recipient_name="上官婉儿")

    response = client.get(campaign_url(drive["id"], "export.csv"), headers=county_worker)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"campaign-{drive['id']}.csv" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [(r["record"], r["status"]) for r in rows] == [
        ("donation", "confirmed"),
        ("donation", "voided"),
        ("donation", "received"),
        ("disbursement", ""),
    ]
    assert rows[0]["name"] == RESIDENT_NAME and rows[0]["anonymous"] == "True"
    assert (rows[0]["amount_fen"], rows[0]["amount_yuan"]) == ("12345", "123.45")
    assert rows[0]["receipt_number"].startswith("CS-")
    assert (rows[1]["name"], rows[1]["void_reason"]) == ("错登的人", "登记错误")
    assert rows[2]["goods"] == "冬衣 20件"
    assert (rows[3]["name"], rows[3]["purpose"]) == ("上官婉儿", "education")


def test_the_export_is_for_workers_whose_scope_holds_the_campaign(
    client, resident, community_worker, outsider, drive
):
    refused = client.get(campaign_url(drive["id"], "export.csv"), headers=resident)
    assert refused.status_code == 403 and refused.mimetype == "application/json"
    for headers in (community_worker, outsider):  # 柯城区's campaign: wider than their scope
        response = client.get(campaign_url(drive["id"], "export.csv"), headers=headers)
        assert response.status_code == 404, response.data
    assert client.get(campaign_url(drive["id"], "export.csv")).status_code == 401
    missing = client.get(campaign_url(10**6, "export.csv"), headers=community_worker)
    assert missing.status_code == 404
