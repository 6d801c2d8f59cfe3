"""The charity rules called directly: money in Chinese capitals, the Idempotency-Key, totals that
confirmations, voids and disbursements move, receipt numbers per year, and the export."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from server.errors import Conflict, Forbidden, ValidationFailed
from server.models.charity import Campaign, CharityEvent, Disbursement, Donation
from server.models.common import Counter
from server.models.users import User
from server.services import charity as service
from server.services import users as users_service

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Quzhou
TODAY = date(2026, 3, 2)
FANGMEN = "330802001001"
KECHENG = "330802"


# --- money in words: an independent reader -------------------------------------------------------

DIGIT_VALUES = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL_UNITS = {"拾": 1, "佰": 2, "仟": 3}  # power of ten


class Malformed(AssertionError):
    pass


GROUP_PART = re.compile("(零?)([壹贰叁肆伍陆柒捌玖])([拾佰仟]?)")


def read_group(text: str, shift: int) -> list[tuple[int, int, bool]]:
    """Up to four digits with their units (壹仟零伍), as (power of ten + shift, digit, written
    after 零), highest first. A digit without a unit must be the last; powers must fall."""
    parts = GROUP_PART.findall(text)
    if "".join("".join(part) for part in parts) != text:
        raise Malformed(f"not digits with units: {text!r}")
    digits = [(SMALL_UNITS.get(unit, 0) + shift, DIGIT_VALUES[d], bool(z)) for z, d, unit in parts]
    powers = [power for power, _, _ in digits]
    if powers != sorted(set(powers), reverse=True):
        raise Malformed(f"units out of order in {text!r}")
    return digits


def read_integer(text: str) -> list[tuple[int, int, bool]]:
    """The yuan part of an amount in capitals (below 10^12), as (power of ten, digit, written
    after 零) for every non-zero digit, highest first. Strict: 亿 and 万 each close a group that
    is not empty, at most once, in that order; 零 stands only before a digit."""
    high, _, rest = text.rpartition("亿")
    middle, _, low = rest.rpartition("万")
    if ("亿" in text and not high) or ("万" in rest and not middle):
        raise Malformed(f"亿 or 万 closes nothing in {text}")
    return read_group(high, 8) + read_group(middle, 4) + read_group(low, 0)


def read_fraction(text: str, *, has_yuan: bool) -> tuple[int, int]:
    """角 and 分 from what follows 元: 整 | X角整 | X角Y分 | 零Y分 (after yuan) | Y分."""
    jiao = fen = 0
    rest = text
    if rest.startswith("零"):
        if not has_yuan:
            raise Malformed(f"零 before 分 with no yuan: {text}")
        rest = rest[1:]
        if len(rest) != 2 or rest[1] != "分":
            raise Malformed(f"零 must introduce 分: {text}")
    if len(rest) >= 2 and rest[1] == "角":
        jiao = DIGIT_VALUES[rest[0]]
        if jiao == 0:
            raise Malformed(f"零角 in {text}")
        rest = rest[2:]
    if len(rest) >= 2 and rest[1] == "分":
        fen = DIGIT_VALUES[rest[0]]
        if fen == 0:
            raise Malformed(f"零分 in {text}")
        rest = rest[2:]
        if rest:
            raise Malformed(f"something after 分: {text}")
        if has_yuan and not jiao and not text.startswith("零"):
            raise Malformed(f"零 missing between 元 and 分: {text}")
    elif rest != "整":
        raise Malformed(f"an amount without 分 must end with 整: {text}")
    return jiao, fen


def parse_capitals(words: str) -> int:
    """Words back to fen, checking how zeros are written (会计基础工作规范 第五十二条): a 零
    stands where digits are missing between two non-zero digits; one 零 for a run of them; at
    a 万 or 元 boundary before a 仟 it may be left out; never two in a row, never at either end."""
    if words == "零元整":
        return 0
    assert words[0] != "零", words
    if "元" in words:
        integer, fraction = words.split("元")  # ValueError if 元 is written twice
        assert integer, words
        digits = read_integer(integer)
    else:
        digits, fraction = [], words
    jiao, fen = read_fraction(fraction, has_yuan=bool(digits))
    present = {power for power, _, _ in digits}
    for index, (power, _digit, after_zero) in enumerate(digits):
        if index == 0:
            assert not after_zero, words
            continue
        gap = power + 1 not in present
        if not gap:
            assert not after_zero, f"零 where no digit is missing: {words}"
        elif power % 4 != 3:
            assert after_zero, f"零 missing before 10^{power}: {words}"
    yuan = sum(digit * 10**power for power, digit, _ in digits)
    return yuan * 100 + jiao * 10 + fen


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (0, "零元整"),
        (1, "壹分"),
        (50, "伍角整"),
        (100, "壹元整"),
        (105, "壹元零伍分"),
        (1000, "壹拾元整"),
        (10_000, "壹佰元整"),
        (123_456, "壹仟贰佰叁拾肆元伍角陆分"),
        (1_000_500, "壹万零伍元整"),
        (1_010_000, "壹万零壹佰元整"),
        (100_000_005, "壹佰万元零伍分"),
        (895_890_000, "捌佰玖拾伍万捌仟玖佰元整"),  # 2013's 慈善一日捐, 8 958 900 yuan
        (10_000_000_000, "壹亿元整"),
        (10_000_000_100, "壹亿零壹元整"),
        (10_000_100_000, "壹亿零壹仟元整"),
        (10_001_000_000, "壹亿零壹万元整"),
        (10_010_000_000, "壹亿零壹拾万元整"),
    ],
)
def test_rmb_upper_writes_amounts_as_on_a_receipt(fen, words):
    assert service.rmb_upper(fen) == words
    assert parse_capitals(words) == fen  # the reader agrees with the examples


@pytest.mark.parametrize(
    "bad",
    ["壹佰元", "壹佰零元整", "零壹佰元整", "壹佰元零零伍分", "壹万伍元整", "佰元整", "壹佰元伍分"],
)
def test_the_reader_in_this_test_refuses_malformed_words(bad):
    with pytest.raises(AssertionError):
        parse_capitals(bad)


@settings(max_examples=3000, deadline=None)
@given(st.integers(min_value=0, max_value=10**10))
@example(10**10)
@example(10**10 - 1)
@example(100_000_100)
@example(1_000_000_001)
@example(1_000_100_000)
def test_rmb_upper_reads_back_to_the_same_amount(fen):
    words = service.rmb_upper(fen)
    assert parse_capitals(words) == fen, words


@given(st.integers(min_value=-(10**10), max_value=-1))
def test_rmb_upper_refuses_a_negative_amount(fen):
    with pytest.raises(ValueError):
        service.rmb_upper(fen)


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00 元"), (5, "0.05 元"), (123_456, "1,234.56 元"), (10**10, "100,000,000.00 元")],
)
def test_yuan_text(fen, text):
    assert service.yuan_text(fen) == text


# --- campaigns, gifts, totals --------------------------------------------------------------------


def principal(session, openid: str):
    return users_service.principal_of(session.scalar(select(User).where(User.openid == openid)))


@pytest.fixture
def county(session):
    return principal(session, "demo-worker-county")


@pytest.fixture
def community(session):
    return principal(session, "demo-worker-community")


@pytest.fixture
def me(session):
    return principal(session, "demo-resident")


@pytest.fixture
def drive(session, county):
    return service.create_campaign(
        session,
        principal=county,
        name="测试募捐",
        purpose="助学助困",
        region_code=KECHENG,
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY + timedelta(days=10),
        target_fen=1_000_000,
        purposes=["education", "hardship", "education"],
    )


def money(drive, amount_fen=10_000, **extra) -> dict:
    return {
        "campaign_id": drive.id,
        "kind": "money",
        "amount_fen": amount_fen,
        "channel": "wechat",
        "anonymous": False,
        **extra,
    }


def log(session, who, body, key) -> Donation:
    gift, replayed = service.log_donation(
        session, principal=who, idempotency_key=key, body=body, today=TODAY
    )
    assert not replayed
    return gift


def gifts_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Donation))


def totals(session, drive) -> dict:
    session.expire_all()
    return service.campaign_totals(session, session.get(Campaign, drive.id))


def test_a_campaign_keeps_each_purpose_once_and_needs_a_county_worker(session, drive, community):
    assert drive.purposes == ["education", "hardship"]
    with pytest.raises(Forbidden):
        service.create_campaign(
            session,
            principal=community,
            name="社区募捐",
            purpose="x",
            region_code=FANGMEN,
            starts_on=TODAY,
            ends_on=TODAY,
            target_fen=1,
            purposes=["other"],
        )


def test_the_same_key_and_body_give_back_the_first_gift_and_write_nothing(session, drive, me):
    first = log(session, me, money(drive), "k-1")
    before = gifts_count(session)
    again, replayed = service.log_donation(
        session, principal=me, idempotency_key="k-1", body=money(drive), today=TODAY
    )
    assert replayed and again.id == first.id
    assert gifts_count(session) == before
    with pytest.raises(ValidationFailed) as refused:
        service.log_donation(
            session, principal=me, idempotency_key="k-1", body=money(drive, 20_000), today=TODAY
        )
    assert refused.value.error == "idempotency_key_reused"
    assert "Idempotency-Key" in refused.value.errors["headers"]
    assert gifts_count(session) == before


def test_one_key_is_one_persons_so_another_may_use_it(session, drive, me, county):
    mine = log(session, me, money(drive), "shared-key")
    theirs = log(session, county, money(drive, donor_name="柜台捐款人"), "shared-key")
    assert mine.id != theirs.id
    assert (mine.status, theirs.status) == ("pledged", "received")
    assert mine.donor_name == "王秀英" and mine.donor_user_id == me.id
    assert theirs.donor_user_id is None and theirs.region_code == KECHENG


def test_the_fingerprint_ignores_key_order_but_not_values():
    assert service.fingerprint({"a": 1, "b": 2}) == service.fingerprint({"b": 2, "a": 1})
    assert service.fingerprint({"a": 1}) != service.fingerprint({"a": 2})


def test_a_closed_campaign_takes_no_gift(session, drive, me):
    with pytest.raises(Conflict) as closed:
        service.log_donation(
            session,
            principal=me,
            idempotency_key="late",
            body=money(drive),
            today=TODAY + timedelta(days=11),
        )
    assert closed.value.error == "campaign_closed"


def test_totals_follow_confirmations_and_voids(session, drive, me, county):
    a = log(session, me, money(drive, 10_000), "a")
    b = log(session, me, money(drive, 5_000), "b")
    c = log(session, county, money(drive, 7_000, donor_name="柜台"), "c")
    t = totals(session, drive)
    assert (t["received_fen"], t["pledged_fen"], t["donors"]) == (0, 22_000, 0)
    for gift in (a, b, c):
        service.confirm(session, principal=county, donation_id=gift.id, now=NOW)
    t = totals(session, drive)
    assert (t["received_fen"], t["pledged_fen"], t["donors"]) == (22_000, 0, 2)
    assert t["balance_fen"] == 22_000
    assert t["progress_percent"] == 2.2
    service.void(session, principal=county, donation_id=b.id, reason="重复登记", now=NOW)
    t = totals(session, drive)
    assert (t["received_fen"], t["donors"], t["balance_fen"]) == (17_000, 2, 17_000)
    service.void(session, principal=county, donation_id=a.id, reason="退款", now=NOW)
    assert totals(session, drive)["donors"] == 1
    actions = session.scalars(
        select(CharityEvent.action)
        .where(CharityEvent.object_type == "donation", CharityEvent.object_id == b.id)
        .order_by(CharityEvent.id)
    ).all()
    assert actions == ["logged", "confirmed", "voided"]


def test_receipt_numbers_count_per_year_without_gaps(session, drive, me, county):
    def counter(year):
        return session.scalar(
            select(Counter.value).where(Counter.name == f"charity.receipt.{year}")
        )

    start13, start14 = (counter(2013) or 0) + 1, (counter(2014) or 0) + 1
    gifts = [log(session, me, money(drive, 100 + i), f"y-{i}") for i in range(3)]
    at13, at14 = datetime(2013, 6, 1, 2, tzinfo=UTC), datetime(2014, 1, 1, 1, tzinfo=UTC)
    numbers = [
        service.confirm(session, principal=county, donation_id=gifts[0].id, now=at13),
        service.confirm(session, principal=county, donation_id=gifts[1].id, now=at14),
        service.confirm(session, principal=county, donation_id=gifts[2].id, now=at13),
    ]
    assert [g.receipt_number for g in numbers] == [
        f"CS-2013-{start13:06d}",
        f"CS-2014-{start14:06d}",
        f"CS-2013-{start13 + 1:06d}",
    ]
    # 2013-12-31 17:00 UTC is already 2014 in Quzhou: the year is the local one.
    late = log(session, me, money(drive, 99), "y-late")
    new_year = datetime(2013, 12, 31, 17, tzinfo=UTC)
    confirmed = service.confirm(session, principal=county, donation_id=late.id, now=new_year)
    assert confirmed.receipt_number == f"CS-2014-{start14 + 1:06d}"


def test_a_void_decided_on_a_stale_read_leaves_no_money_counted(session, drive, me, county):
    """The race of a confirm and a void: the void read the gift as pledged; meanwhile it was
    confirmed (and counted). The void must then either refuse or take the money out again."""
    gift = log(session, me, money(drive, 10_000), "race")
    session.flush()
    assert session.get(Donation, gift.id).status == "pledged"  # what the void will see
    # Another worker's confirmation, committed meanwhile (the identity map does not see it):
    session.execute(
        update(Donation)
        .where(Donation.id == gift.id)
        .values(status="confirmed", confirmed_at=NOW, receipt_number="CS-2026-999999")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Campaign)
        .where(Campaign.id == drive.id)
        .values(received_fen=Campaign.received_fen + 10_000)
        .execution_options(synchronize_session=False)
    )
    try:
        service.void(session, principal=county, donation_id=gift.id, reason="x", now=NOW)
    except Conflict:
        pass
    session.expire_all()
    counted = session.scalar(
        select(func.coalesce(func.sum(Donation.amount_fen), 0)).where(
            Donation.campaign_id == drive.id,
            Donation.status == "confirmed",
            Donation.kind == "money",
        )
    )
    assert session.get(Campaign, drive.id).received_fen == counted


def test_nothing_goes_out_beyond_what_came_in(session, drive, me, county):
    gift = log(session, me, money(drive, 10_000), "in")
    service.confirm(session, principal=county, donation_id=gift.id, now=NOW)

    def out(amount, kind="money", **extra):
        return service.disburse(
            session,
            principal=county,
            campaign_id=drive.id,
            kind=kind,
            amount_fen=amount,
            purpose="education",
            recipient_name="受助学生",
            region_code=FANGMEN,
            **extra,
        )

    out(6_000)
    with pytest.raises(Conflict) as short:
        out(4_001)
    assert short.value.error == "insufficient_balance"
    assert short.value.extra == {"available_fen": 4_000}
    out(4_000)
    with pytest.raises(Conflict) as goods:
        out(1, kind="goods", description="大米")
    assert goods.value.extra == {"available_fen": 0}
    t = totals(session, drive)
    assert (t["disbursed_fen"], t["balance_fen"]) == (10_000, 0)
    assert session.scalar(select(func.sum(Disbursement.amount_fen))) == 10_000
    with pytest.raises(Conflict) as spent:
        service.void(session, principal=county, donation_id=gift.id, reason="x", now=NOW)
    assert spent.value.error == "already_disbursed"


def test_a_disbursement_below_county_level_is_forbidden(session, drive, community):
    with pytest.raises(Forbidden):
        service.disburse(
            session,
            principal=community,
            campaign_id=drive.id,
            kind="money",
            amount_fen=1,
            purpose="education",
            recipient_name="某人",
            region_code="330802001002",
        )


def test_the_export_has_a_header_and_a_row_per_gift_and_disbursement(session, drive, me, county):
    gift = log(session, me, money(drive, 12_345, anonymous=True), "e-1")
    service.confirm(session, principal=county, donation_id=gift.id, now=NOW)
    service.disburse(
        session,
        principal=county,
        campaign_id=drive.id,
        kind="money",
        amount_fen=10_000,
        purpose="hardship",
        recipient_name="孙丽娟",
        region_code=FANGMEN,
    )
    rows = list(service.export_rows(session, principal=county, campaign_id=drive.id))
    assert rows[0][:3] == ("record", "id", "status")
    assert [r[0] for r in rows[1:]] == ["donation", "disbursement"]
    assert rows[1][5] == "123.45" and rows[1][7] == "王秀英"
    assert rows[2][7] == "孙丽娟"
    assert all(len(r) == len(rows[0]) for r in rows)
