"""The time bank's ledger called directly: posting, the cap, moves, the audit, star levels, and a
stateful hypothesis test that no sequence of operations breaks balance == sum(entries) >= 0."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from server.errors import DomainError
from server.models.timebank import Account, Entry, Redemption, Transfer
from server.models.users import User
from server.seed import DEMO_USERS
from server.services import timebank as service
from server.services import timebank_ledger as ledger
from server.services import users as users_service
from server.services.timebank import TimebankSettings

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 in Quzhou
TODAY = date(2026, 3, 2)
FANGMEN = "330802001001"
NAMES_AND_PHONES = {row[0]: (row[1], row[3]) for row in DEMO_USERS}


def user_id(session, openid: str) -> int:
    return session.scalar(select(User.id).where(User.openid == openid))


def principal(session, openid: str):
    return users_service.principal_of(session.scalar(select(User).where(User.openid == openid)))


def stored_balance(session, account: Account) -> int:
    return session.scalar(select(Account.balance).where(Account.id == account.id))


def entries_sum(session, account: Account) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(Entry.minutes), 0)).where(Entry.account_id == account.id)
    )


def entry_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Entry))


def kinds(session, account: Account) -> list[tuple[str, int]]:
    return [
        (e.kind, e.minutes)
        for e in session.scalars(
            select(Entry).where(Entry.account_id == account.id).order_by(Entry.id)
        )
    ]


@pytest.fixture
def me(session) -> Account:
    return ledger.account_of(session, user_id=user_id(session, "demo-volunteer"))


@pytest.fixture
def them(session) -> Account:
    return ledger.account_of(session, user_id=user_id(session, "demo-resident"))


# --- star levels and hours ------------------------------------------------------------------------


def test_the_star_thresholds_are_the_policys():
    assert ledger.STAR_HOURS == (100, 300, 600, 1000, 1500)


@pytest.mark.parametrize(
    ("minutes", "stars"),
    [
        (0, 0),
        (100 * 60 - 30, 0),
        (100 * 60, 1),
        (300 * 60 - 1, 1),
        (300 * 60, 2),
        (600 * 60 - 30, 2),
        (600 * 60, 3),
        (1000 * 60 - 1, 3),
        (1000 * 60, 4),
        (1500 * 60 - 30, 4),
        (1500 * 60, 5),
        (100_000 * 60, 5),
    ],
)
def test_star_level_counts_whole_hours_of_recorded_service(minutes, stars):
    assert ledger.star_level(minutes) == stars


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "0 小时"), (30, "0.5 小时"), (60, "1 小时"), (90, "1.5 小时")]
)
def test_hours_text(minutes, text):
    assert ledger.hours_text(minutes) == text


# --- accounts ------------------------------------------------------------------------------------


def test_one_account_per_person_and_one_fund(session, me):
    again = ledger.account_of(session, user_id=me.user_id)
    assert again.id == me.id and again.kind == "user"
    pool = ledger.fund(session)
    assert ledger.fund(session).id == pool.id
    assert (pool.kind, pool.user_id) == ("fund", None)
    assert session.scalar(select(func.count()).select_from(Account)) == 2


# --- post ----------------------------------------------------------------------------------------


def test_post_appends_an_entry_and_moves_the_balance(session, me):
    credit = ledger.post(session, me, kind="correction", minutes=120, reason="补录")
    debit = ledger.post(
        session, me, kind="redemption", minutes=-90, ref_type="redemption", ref_id=1
    )
    assert (credit.minutes, debit.minutes) == (120, -90)
    assert stored_balance(session, me) == me.balance == 30
    assert kinds(session, me) == [("correction", 120), ("redemption", -90)]
    ledger.post(session, me, kind="redemption", minutes=-30, ref_type="redemption", ref_id=2)
    assert stored_balance(session, me) == 0


def test_a_debit_beyond_the_balance_changes_nothing(session, me):
    ledger.post(session, me, kind="correction", minutes=60)
    before = (stored_balance(session, me), entry_count(session))

    with pytest.raises(ledger.InsufficientBalance) as refused:
        ledger.post(session, me, kind="redemption", minutes=-90, ref_type="redemption", ref_id=1)

    assert refused.value.status == 409
    assert refused.value.extra == {"available_minutes": 60}
    assert "1 小时" in refused.value.message
    # No savepoint was rolled back: the guarded UPDATE itself refused.
    assert (stored_balance(session, me), entry_count(session)) == before


def test_an_empty_account_cannot_be_debited(session, me):
    with pytest.raises(ledger.InsufficientBalance) as refused:
        ledger.post(session, me, kind="correction", minutes=-30)
    assert refused.value.extra == {"available_minutes": 0}
    assert entry_count(session) == 0


def test_one_source_posts_once_per_account_and_kind(session, me, them):
    ledger.post(session, me, kind="service", minutes=60, ref_type="service_log", ref_id=7)
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            ledger.post(session, me, kind="service", minutes=60, ref_type="service_log", ref_id=7)
    assert stored_balance(session, me) == 60
    assert ledger.already_posted(session, me, kind="service", ref_type="service_log", ref_id=7)
    assert not ledger.already_posted(session, me, kind="service", ref_type="service_log", ref_id=8)
    # The same source on another account, or as another kind, is another line.
    ledger.post(session, them, kind="service", minutes=60, ref_type="service_log", ref_id=7)
    ledger.post(session, me, kind="release", minutes=30, ref_type="service_log", ref_id=7)
    assert entries_sum(session, me) == 90


def test_the_database_refuses_a_negative_balance(session, me):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(update(Account).where(Account.id == me.id).values(balance=-1))


# --- credit_capped -------------------------------------------------------------------------------


def credit(session, account: Account, minutes: int, *, cap: int, ref_id: int) -> ledger.Credit:
    return ledger.credit_capped(
        session,
        user_id=account.user_id,
        minutes=minutes,
        cap=cap,
        kind="service",
        ref_type="service_log",
        ref_id=ref_id,
        created_by=None,
    )


def test_a_credit_below_the_cap_is_whole(session, me):
    assert credit(session, me, 120, cap=180, ref_id=1) == ledger.Credit(120, 0)
    assert credit(session, me, 60, cap=180, ref_id=2) == ledger.Credit(60, 0)
    assert stored_balance(session, me) == 180
    assert kinds(session, me) == [("service", 120), ("service", 60)]
    assert kinds(session, ledger.fund(session)) == []


def test_a_credit_across_the_cap_sends_the_rest_to_the_fund(session, me):
    credit(session, me, 120, cap=180, ref_id=1)

    assert credit(session, me, 150, cap=180, ref_id=2) == ledger.Credit(60, 90)

    pool = ledger.fund(session)
    assert stored_balance(session, me) == 180
    assert stored_balance(session, pool) == 90
    assert kinds(session, me) == [("service", 120), ("service", 150), ("overflow", -90)]
    [fund_in] = session.scalars(select(Entry).where(Entry.account_id == pool.id)).all()
    assert (fund_in.kind, fund_in.minutes, fund_in.counterparty_id) == ("fund_in", 90, me.id)
    assert (fund_in.ref_type, fund_in.ref_id) == ("service_log", 2)
    assert ledger.totals(session, me) == {"service": 270, "overflow": -90}
    assert ledger.audit(session) == []


def test_a_credit_at_or_above_the_cap_all_goes_to_the_fund(session, me):
    ledger.post(session, me, kind="correction", minutes=300)  # above a cap lowered since
    assert credit(session, me, 60, cap=180, ref_id=1) == ledger.Credit(0, 60)
    assert stored_balance(session, me) == 300
    assert stored_balance(session, ledger.fund(session)) == 60
    assert ledger.audit(session) == []


# --- move ----------------------------------------------------------------------------------------


def move(session, source, target, minutes, ref_id=1):
    ledger.move(
        session,
        source=source,
        target=target,
        minutes=minutes,
        out_kind="transfer_out",
        in_kind="transfer_in",
        ref_type="transfer",
        ref_id=ref_id,
        reason="母亲",
        created_by=None,
    )


def test_a_move_writes_both_sides(session, me, them):
    ledger.post(session, me, kind="correction", minutes=120)
    move(session, me, them, 90)
    assert (stored_balance(session, me), stored_balance(session, them)) == (30, 90)
    out = session.scalar(select(Entry).where(Entry.kind == "transfer_out"))
    into = session.scalar(select(Entry).where(Entry.kind == "transfer_in"))
    assert (out.account_id, out.minutes, out.counterparty_id) == (me.id, -90, them.id)
    assert (into.account_id, into.minutes, into.counterparty_id) == (them.id, 90, me.id)


def test_a_move_beyond_the_source_writes_neither_side(session, me, them):
    ledger.post(session, me, kind="correction", minutes=60)
    before = entry_count(session)
    with pytest.raises(ledger.InsufficientBalance):
        move(session, me, them, 90)
    assert (stored_balance(session, me), stored_balance(session, them)) == (60, 0)
    assert entry_count(session) == before


# --- audit ---------------------------------------------------------------------------------------


def test_the_audit_is_empty_when_every_balance_adds_up(session, me, them):
    ledger.post(session, me, kind="correction", minutes=120)
    move(session, me, them, 30)
    assert ledger.audit(session) == []


def test_the_audit_finds_a_balance_changed_behind_the_ledgers_back(session, me, them):
    ledger.post(session, me, kind="correction", minutes=120)
    ledger.post(session, them, kind="correction", minutes=60)
    session.execute(update(Account).where(Account.id == me.id).values(balance=150))

    assert ledger.audit(session) == [
        {
            "account_id": me.id,
            "user_id": me.user_id,
            "kind": "user",
            "balance": 150,
            "entries_total": 120,
        }
    ]


def test_the_audit_finds_an_entry_without_its_balance_and_a_balance_without_entries(
    session, me, them
):
    session.add(Entry(account_id=me.id, kind="correction", minutes=30))
    session.execute(update(Account).where(Account.id == them.id).values(balance=45))
    session.flush()
    found = {
        row["account_id"]: (row["balance"], row["entries_total"]) for row in ledger.audit(session)
    }
    assert found == {me.id: (0, 30), them.id: (45, 0)}


# --- any sequence of operations ------------------------------------------------------------------

HALF_HOURS = st.integers(min_value=1, max_value=16).map(lambda n: n * 30)
SIGNED_HALF_HOURS = (
    st.integers(min_value=-16, max_value=16).filter(lambda n: n != 0).map(lambda n: n * 30)
)
PEOPLE = ("demo-resident", "demo-volunteer", "demo-worker-township")
WHO = st.sampled_from(PEOPLE)
CAP = 600
SETTINGS = TimebankSettings(balance_cap_minutes=CAP, transfer_yearly_cap_minutes=10**6)


class LedgerMachine(RuleBasedStateMachine):
    """Service credits (capped), raw debits, holds, releases, spending, transfers, gifts to the
    fund, grants and corrections, in any order; a plain dict of expected balances alongside."""

    def __init__(self, session, cipher):
        super().__init__()
        self.session = session
        self.cipher = cipher
        self.savepoint = session.begin_nested()
        self.accounts = {
            openid: ledger.account_of(session, user_id=user_id(session, openid))
            for openid in PEOPLE
        }
        self.principals = {openid: principal(session, openid) for openid in PEOPLE}
        self.county = principal(session, "demo-worker-county")
        self.admin = principal(session, "demo-admin")
        self.fund = ledger.fund(session)
        self.expected = {openid: 0 for openid in PEOPLE}
        self.expected_fund = 0
        self.held: list[tuple[int, str, int]] = []  # (redemption id, whose, minutes)
        self.minted = 0  # service credited plus corrections, less what was debited or spent
        self.refs = itertools.count(1)

    def teardown(self):
        self.savepoint.rollback()

    # -- helpers --

    def balance(self, openid: str) -> int:
        return stored_balance(self.session, self.accounts[openid])

    def ledger_state(self) -> dict[int, tuple[int, int]]:
        """Every account: (stored balance, sum of its entries), in one query."""
        sums = (
            select(Entry.account_id, func.sum(Entry.minutes).label("total"))
            .group_by(Entry.account_id)
            .subquery()
        )
        rows = self.session.execute(
            select(Account.id, Account.balance, func.coalesce(sums.c.total, 0)).outerjoin(
                sums, sums.c.account_id == Account.id
            )
        )
        return {account_id: (stored, int(total)) for account_id, stored, total in rows}

    def snapshot(self):
        counts = self.session.execute(
            select(
                select(func.count()).select_from(Entry).scalar_subquery(),
                select(func.count()).select_from(Redemption).scalar_subquery(),
                select(func.count()).select_from(Transfer).scalar_subquery(),
            )
        ).one()
        return self.ledger_state(), tuple(counts)

    def attempt(self, call, refused: str | None):
        """Run `call` in a savepoint, as a request would; `refused` is the error it must raise
        (then nothing may have changed), or None when it must succeed."""
        before = self.snapshot()
        try:
            with self.session.begin_nested():
                result = call()
        except DomainError as exc:
            assert refused is not None, f"refused unexpectedly: {exc.error} {exc.message}"
            assert exc.error == refused, (exc.error, refused)
            assert self.snapshot() == before
            return None
        assert refused is None, f"should have been refused: {refused}"
        return result

    # -- rules --

    @rule(who=WHO, minutes=HALF_HOURS)
    def service_credit(self, who, minutes):
        balance = self.expected[who]
        credited = max(0, min(minutes, CAP - balance))
        result = ledger.credit_capped(
            self.session,
            user_id=self.accounts[who].user_id,
            minutes=minutes,
            cap=CAP,
            kind="service",
            ref_type="service_log",
            ref_id=next(self.refs),
            created_by=None,
        )
        assert result == ledger.Credit(credited, minutes - credited)
        self.expected[who] += credited
        self.expected_fund += minutes - credited
        self.minted += minutes

    @rule(who=WHO, minutes=HALF_HOURS)
    def raw_debit(self, who, minutes):
        before = self.snapshot()
        try:
            ledger.post(
                self.session,
                self.accounts[who],
                kind="redemption",
                minutes=-minutes,
                ref_type="test_debit",
                ref_id=next(self.refs),
            )
        except ledger.InsufficientBalance as exc:
            assert minutes > self.expected[who]
            assert exc.extra == {"available_minutes": self.expected[who]}
            assert self.snapshot() == before  # no rollback needed: nothing was written
            return
        assert minutes <= self.expected[who]
        self.expected[who] -= minutes
        self.minted -= minutes

    @rule(who=WHO, minutes=HALF_HOURS)
    def hold(self, who, minutes):
        enough = minutes <= self.expected[who]
        r = self.attempt(
            lambda: service.redeem(
                self.session,
                principal=self.principals[who],
                service="companionship",
                wanted_on=TODAY,
                place="坊门街社区",
                region_code=FANGMEN,
                minutes=minutes,
                today=TODAY,
            ),
            None if enough else "insufficient_balance",
        )
        if r is not None:
            self.expected[who] -= minutes
            self.held.append((r.id, who, minutes))

    @precondition(lambda self: self.held)
    @rule(index=st.integers(min_value=0, max_value=100), by_worker=st.booleans())
    def release(self, index, by_worker):
        redemption_id, who, minutes = self.held.pop(index % len(self.held))
        self.attempt(
            lambda: service.cancel_redemption(
                self.session,
                principal=self.county if by_worker else self.principals[who],
                redemption_id=redemption_id,
                reason="老人住院了" if by_worker else None,
                now=NOW,
            ),
            None,
        )
        self.expected[who] += minutes
        # Released once: a second cancel is refused and gives nothing back.
        self.attempt(
            lambda: service.cancel_redemption(
                self.session,
                principal=self.principals[who],
                redemption_id=redemption_id,
                reason=None,
                now=NOW,
            ),
            "wrong_state",
        )

    @precondition(lambda self: self.held)
    @rule(index=st.integers(min_value=0, max_value=100))
    def spend(self, index):
        redemption_id, _who, minutes = self.held.pop(index % len(self.held))
        self.attempt(
            lambda: service.complete_redemption(
                self.session, principal=self.county, redemption_id=redemption_id, now=NOW
            ),
            None,
        )
        self.minted -= minutes

    @rule(giver=WHO, receiver=WHO, minutes=HALF_HOURS)
    def transfer(self, giver, receiver, minutes):
        name, phone = NAMES_AND_PHONES[receiver]
        if giver == receiver:
            refused = "validation_failed"  # not to oneself
        elif self.expected[receiver] + minutes > CAP:
            refused = "receiver_cap"
        elif minutes > self.expected[giver]:
            refused = "insufficient_balance"
        else:
            refused = None
        if self.attempt(lambda: self._transfer(giver, phone, name, minutes), refused):
            self.expected[giver] -= minutes
            self.expected[receiver] += minutes

    def _transfer(self, giver, phone, name, minutes):
        return service.transfer(
            self.session,
            principal=self.principals[giver],
            cipher=self.cipher,
            phone=phone,
            real_name=name,
            minutes=minutes,
            relation="家人",
            now=NOW,
            settings=SETTINGS,
        )

    @rule(who=WHO, minutes=HALF_HOURS)
    def grant(self, who, minutes):
        name, phone = NAMES_AND_PHONES[who]
        if minutes > self.expected_fund:
            refused = "insufficient_balance"
        elif self.expected[who] + minutes > CAP:
            refused = "receiver_cap"
        else:
            refused = None
        done = self.attempt(
            lambda: service.grant(
                self.session,
                principal=self.county,
                cipher=self.cipher,
                phone=phone,
                real_name=name,
                minutes=minutes,
                reason="空巢老人",
                settings=SETTINGS,
            ),
            refused,
        )
        if done:
            assert done["fund_balance_minutes"] == self.expected_fund - minutes
            self.expected_fund -= minutes
            self.expected[who] += minutes

    @rule(who=WHO, minutes=HALF_HOURS)
    def donation(self, who, minutes):
        refused = "insufficient_balance" if minutes > self.expected[who] else None
        self.attempt(
            lambda: service.give_to_fund(
                self.session, principal=self.principals[who], minutes=minutes
            ),
            refused,
        )
        if refused is None:
            self.expected[who] -= minutes
            self.expected_fund += minutes

    @rule(who=WHO, minutes=SIGNED_HALF_HOURS)
    def correction(self, who, minutes):
        refused = "insufficient_balance" if self.expected[who] + minutes < 0 else None
        if self.attempt(
            lambda: service.correct(
                self.session,
                principal=self.admin,
                user_id=self.accounts[who].user_id,
                minutes=minutes,
                reason="更正",
            ),
            refused,
        ):
            self.expected[who] += minutes
            self.minted += minutes

    # -- what must always hold --

    @invariant()
    def every_balance_is_the_sum_of_its_entries_and_never_negative(self):
        state = self.ledger_state()
        for openid in PEOPLE:
            stored, total = state[self.accounts[openid].id]
            assert stored == total == self.expected[openid] >= 0, openid
        stored, total = state[self.fund.id]
        assert stored == total == self.expected_fund >= 0, "fund"

    @invariant()
    def the_audit_is_clean(self):
        assert ledger.audit(self.session) == []

    @invariant()
    def nothing_is_invented_or_lost(self):
        held = sum(minutes for _id, _who, minutes in self.held)
        total = sum(self.expected.values()) + self.expected_fund + held
        assert total == self.minted
        status_held = self.session.scalar(
            select(func.coalesce(func.sum(Redemption.minutes), 0)).where(
                Redemption.status == "held"
            )
        )
        assert status_held == held


def test_no_sequence_of_operations_breaks_the_ledger(session, app):
    cipher = app.extensions["minzheng.cipher"]
    run_state_machine_as_test(
        lambda: LedgerMachine(session, cipher),
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_the_machine_notices_a_broken_ledger(session, app):
    """The stateful test can fail: a balance moved without an entry breaks its invariants."""
    machine = LedgerMachine(session, app.extensions["minzheng.cipher"])
    try:
        machine.service_credit(who="demo-volunteer", minutes=120)
        machine.every_balance_is_the_sum_of_its_entries_and_never_negative()
        session.execute(
            update(Account)
            .where(Account.id == machine.accounts["demo-volunteer"].id)
            .values(balance=Account.balance + 30)
        )
        with pytest.raises(AssertionError):
            machine.every_balance_is_the_sum_of_its_entries_and_never_negative()
        with pytest.raises(AssertionError):
            machine.the_audit_is_clean()
    finally:
        machine.teardown()
