"""The time bank's ledger: append-only entries in minutes, and balances that never go below zero.

Every change of a balance is one entry plus one guarded UPDATE of the account row in the same
transaction: `balance = balance + m WHERE balance + m >= 0`. Two debits at once cannot both pass
(the second waits for the first's row lock, then sees the lower balance), so nothing is spent
twice; a unique key on (account, kind, source) means one service log credits once and one
redemption is held and released once, whatever the retries. `audit` recomputes every balance from
the entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.errors import Conflict
from server.models.timebank import Account, Entry

STAR_HOURS = (100, 300, 600, 1000, 1500)  # 1★ … 5★ (POLICY.md)


def hours_text(minutes: int) -> str:
    """90 -> "1.5 小时"."""
    hours = minutes / 60
    return f"{hours:g} 小时"


def star_level(earned_minutes: int) -> int:
    hours = earned_minutes // 60
    return sum(1 for threshold in STAR_HOURS if hours >= threshold)


class InsufficientBalance(Conflict):
    def __init__(self, available: int):
        super().__init__(
            f"可用时间不足：您现在可用 {hours_text(available)}。",
            error="insufficient_balance",
            extra={"available_minutes": available},
        )


def _get_or_create(session: Session, *, user_id: int | None, kind: str) -> Account:
    query = select(Account).where(
        Account.user_id == user_id if user_id is not None else Account.kind == kind
    )
    account = session.scalar(query)
    if account is not None:
        return account
    try:
        with session.begin_nested():
            account = Account(user_id=user_id, kind=kind, balance=0)
            session.add(account)
        return account
    except IntegrityError:
        return session.scalar(query)


def account_of(session: Session, *, user_id: int) -> Account:
    return _get_or_create(session, user_id=user_id, kind="user")


def fund(session: Session) -> Account:
    """The bank's fund: hours above the cap, gifts, and what it grants to elders in need."""
    account = session.scalar(select(Account).where(Account.kind == "fund"))
    if account is None:
        account = _get_or_create(session, user_id=None, kind="fund")
    return account


def lock(session: Session, *accounts: Account) -> dict[int, int]:
    """Lock accounts in id order (so that two operations over the same accounts never wait for
    each other in a circle) and return their balances by id."""
    ids = sorted({account.id for account in accounts})
    rows = session.execute(
        select(Account.id, Account.balance)
        .where(Account.id.in_(ids))
        .order_by(Account.id)
        .with_for_update()
    )
    return dict(rows.all())


def balance_for_update(session: Session, account: Account) -> int:
    """The balance, with the account row locked until the transaction ends (PostgreSQL)."""
    return session.execute(
        select(Account.balance).where(Account.id == account.id).with_for_update()
    ).scalar_one()


def post(
    session: Session,
    account: Account,
    *,
    kind: str,
    minutes: int,
    ref_type: str | None = None,
    ref_id: int | None = None,
    counterparty: Account | None = None,
    reason: str | None = None,
    created_by: int | None = None,
) -> Entry:
    """Append one entry and move the balance by `minutes`; refuses to go below zero."""
    moved = session.execute(
        update(Account)
        .where(Account.id == account.id, Account.balance + minutes >= 0)
        .values(balance=Account.balance + minutes, version=Account.version + 1)
        .returning(Account.balance)
        .execution_options(synchronize_session=False)
    ).scalar()
    if moved is None:
        available = session.scalar(select(Account.balance).where(Account.id == account.id))
        raise InsufficientBalance(available or 0)
    entry = Entry(
        account_id=account.id,
        kind=kind,
        minutes=minutes,
        ref_type=ref_type,
        ref_id=ref_id,
        counterparty_id=counterparty.id if counterparty else None,
        reason=reason,
        created_by=created_by,
    )
    session.add(entry)
    session.flush()
    session.expire(account, ["balance", "version"])
    return entry


def touch(session: Session, account: Account) -> None:
    """A new version of the account without an entry (care it held is now spent)."""
    session.execute(
        update(Account)
        .where(Account.id == account.id)
        .values(version=Account.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(account, ["version"])


def already_posted(
    session: Session, account: Account, *, kind: str, ref_type: str, ref_id: int
) -> bool:
    return (
        session.scalar(
            select(Entry.id).where(
                Entry.account_id == account.id,
                Entry.kind == kind,
                Entry.ref_type == ref_type,
                Entry.ref_id == ref_id,
            )
        )
        is not None
    )


@dataclass(frozen=True)
class Credit:
    credited: int
    overflow: int


def credit_capped(
    session: Session,
    *,
    user_id: int,
    minutes: int,
    cap: int,
    kind: str,
    ref_type: str,
    ref_id: int,
    created_by: int | None,
    reason: str | None = None,
) -> Credit:
    """Credit a person, up to the balance cap; what is above the cap goes to the fund.

    The whole service is credited, then the part above the cap moves out as an `overflow` entry
    (the fund's `fund_in`): the person's own entries show where their hours went."""
    account = account_of(session, user_id=user_id)
    pool = fund(session)
    # The person's and the fund's rows, in id order, as every two-account operation locks them.
    balance = lock(session, account, pool)[account.id]
    credited = max(0, min(minutes, cap - balance))
    overflow = minutes - credited
    post(
        session,
        account,
        kind=kind,
        minutes=minutes,
        ref_type=ref_type,
        ref_id=ref_id,
        reason=reason,
        created_by=created_by,
    )
    if overflow:
        move(
            session,
            source=account,
            target=pool,
            minutes=overflow,
            out_kind="overflow",
            in_kind="fund_in",
            ref_type=ref_type,
            ref_id=ref_id,
            reason="超出余额上限，转入时间银行公益基金",
            created_by=created_by,
        )
    return Credit(credited, overflow)


def move(
    session: Session,
    *,
    source: Account,
    target: Account,
    minutes: int,
    out_kind: str,
    in_kind: str,
    ref_type: str | None,
    ref_id: int | None,
    reason: str | None,
    created_by: int | None,
) -> None:
    """Move minutes between two accounts: both entries or neither."""
    post(
        session,
        source,
        kind=out_kind,
        minutes=-minutes,
        ref_type=ref_type,
        ref_id=ref_id,
        counterparty=target,
        reason=reason,
        created_by=created_by,
    )
    post(
        session,
        target,
        kind=in_kind,
        minutes=minutes,
        ref_type=ref_type,
        ref_id=ref_id,
        counterparty=source,
        reason=reason,
        created_by=created_by,
    )


def totals(session: Session, account: Account) -> dict[str, int]:
    """Minutes by entry kind."""
    rows = session.execute(
        select(Entry.kind, func.coalesce(func.sum(Entry.minutes), 0))
        .where(Entry.account_id == account.id)
        .group_by(Entry.kind)
    )
    return {kind: int(total) for kind, total in rows}


def audit(session: Session) -> list[dict]:
    """Accounts whose stored balance differs from the sum of their entries (should be none)."""
    sums = (
        select(Entry.account_id, func.sum(Entry.minutes).label("total"))
        .group_by(Entry.account_id)
        .subquery()
    )
    rows = session.execute(
        select(Account.id, Account.user_id, Account.kind, Account.balance, sums.c.total).outerjoin(
            sums, sums.c.account_id == Account.id
        )
    )
    return [
        {
            "account_id": account_id,
            "user_id": user_id,
            "kind": kind,
            "balance": balance,
            "entries_total": int(total or 0),
        }
        for account_id, user_id, kind, balance, total in rows
        if balance != int(total or 0) or balance < 0
    ]
