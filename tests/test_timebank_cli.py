"""`flask timebank audit`: every balance recomputed from the ledger's entries."""

from __future__ import annotations

from sqlalchemy import func, select, update

from server.models.timebank import Account, Entry
from server.models.users import User
from server.services import timebank_ledger as ledger


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def account_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Account))


def accounts_with_entries(session) -> dict[str, Account]:
    """Three accounts that add up: the volunteer's, the resident's, and the fund."""
    ids = dict(session.execute(select(User.openid, User.id)).all())
    volunteer = ledger.account_of(session, user_id=ids["demo-volunteer"])
    resident = ledger.account_of(session, user_id=ids["demo-resident"])
    ledger.credit_capped(
        session,
        user_id=volunteer.user_id,
        minutes=240,
        cap=180,
        kind="service",
        ref_type="service_log",
        ref_id=1,
        created_by=None,
    )
    ledger.move(
        session,
        source=volunteer,
        target=resident,
        minutes=60,
        out_kind="transfer_out",
        in_kind="transfer_in",
        ref_type="transfer",
        ref_id=1,
        reason=None,
        created_by=None,
    )
    session.commit()
    return {"volunteer": volunteer, "resident": resident, "fund": ledger.fund(session)}


def test_a_clean_ledger_passes_the_audit(app, session):
    accounts = accounts_with_entries(session)
    balances = {name: a.balance for name, a in accounts.items()}
    assert balances == {"volunteer": 120, "resident": 60, "fund": 60}

    result = run(app, "timebank", "audit")

    assert result.exit_code == 0, result.output
    assert f"{account_count(session)} accounts checked" in result.output
    assert "do not add up" not in result.output


def test_the_audit_finds_a_tampered_balance_and_fails(app, session):
    accounts = accounts_with_entries(session)
    tampered = accounts["resident"]
    session.execute(update(Account).where(Account.id == tampered.id).values(balance=6000))
    session.commit()

    result = run(app, "timebank", "audit")

    assert result.exit_code != 0
    assert (
        f"account {tampered.id} (user {tampered.user_id}, user): balance 6000 != entries 60"
        in result.output
    )
    assert f"1 of {account_count(session)} accounts do not add up" in result.output
    assert f"account {accounts['volunteer'].id} " not in result.output


def test_the_audit_finds_an_entry_that_moved_no_balance(app, session):
    accounts = accounts_with_entries(session)
    fund = accounts["fund"]
    session.add(Entry(account_id=fund.id, kind="fund_in", minutes=30))
    session.commit()

    result = run(app, "timebank", "audit")

    assert result.exit_code != 0
    assert f"account {fund.id} (user None, fund): balance 60 != entries 90" in result.output
