"""`flask` commands: migrate, seed-demo, users grant-worker / grant-admin."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from server.errors import DomainError
from server.extensions import db, redis_client
from server.models.users import WORKER_LEVELS
from server.services import users as users_service

users_cli = AppGroup("users", help="Manage users' roles.")


def _change_user(change, describe) -> None:
    """Apply `change()` (a users service call), commit, and clear the user's cached profile."""
    try:
        user = change()
    except DomainError as exc:
        detail = f" {exc.errors}" if exc.errors else ""
        raise click.ClickException(f"{exc.message}{detail}") from exc
    db.session.commit()
    users_service.invalidate_cache(redis_client.client, user_id=user.id)
    click.echo(describe(user))


@users_cli.command("grant-worker")
@click.option("--openid", required=True)
@click.option("--level", required=True, type=click.Choice(WORKER_LEVELS))
@click.option("--region", "region_code", required=True, help="The region code of the scope")
def grant_worker(openid: str, level: str, region_code: str) -> None:
    """Make a user a worker at LEVEL over REGION."""
    _change_user(
        lambda: users_service.grant_worker(
            db.session, openid=openid, level=level, region_code=region_code
        ),
        lambda user: f"{openid}: worker, {level}, {user.worker_region_code}",
    )


@users_cli.command("revoke-worker")
@click.option("--openid", required=True)
def revoke_worker(openid: str) -> None:
    """Take the worker role away from a user."""
    _change_user(
        lambda: users_service.revoke_worker(db.session, openid=openid),
        lambda _user: f"{openid}: no longer a worker",
    )


@users_cli.command("grant-admin")
@click.option("--openid", required=True)
def grant_admin(openid: str) -> None:
    """Make a user an admin."""
    _change_user(
        lambda: users_service.grant_admin(db.session, openid=openid),
        lambda _user: f"{openid}: admin",
    )


facilities_cli = AppGroup("facilities", help="Import facilities and rebuild their geo index.")


@facilities_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and write nothing.")
@click.option(
    "--skip-invalid", is_flag=True, help="Import the good rows; write the bad ones to --rejects."
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False),
    help="Where the bad rows go with --skip-invalid (default: FILE.rejects.csv|json).",
)
def import_facilities(path: str, dry_run: bool, skip_invalid: bool, rejects: str | None) -> None:
    """Import facilities from a CSV or JSON file (docs/facilities.md), upserting by external_id."""
    from pathlib import Path

    from server.services import facility_import
    from server.services.facility_search import GeoIndex

    fmt = "json" if path.lower().endswith(".json") else "csv"
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{path} is not UTF-8 (save it as CSV UTF-8 / UTF-8 JSON): {exc}"
        ) from exc
    good, report = facility_import.validate(db.session, facility_import.read_rows(text, fmt=fmt))
    for line, _row, reason in report.errors:
        click.echo(f"line {line}: {reason}", err=True)
    click.echo(f"{report.total} rows: {report.valid} valid, {len(report.errors)} invalid")
    if report.errors and not skip_invalid:
        raise click.ClickException("nothing imported: fix the rows above, or use --skip-invalid")
    if dry_run:
        click.echo("dry run: nothing written")
        return
    if report.errors:
        rejects = rejects or str(Path(path).with_suffix(f".rejects.{fmt}"))
        facility_import.write_rejects(rejects, report.errors, fmt=fmt)
        click.echo(f"{len(report.errors)} invalid rows written to {rejects}")
    index = GeoIndex(redis_client.client)
    with click.progressbar(length=len(good), label="importing") as bar:
        result = facility_import.upsert(
            db.session,
            [data for _line, data in good],
            index=index,
            actor_id=None,
            reason=f"导入 {Path(path).name}",
            progress=bar.update,
        )
    db.session.commit()
    index.apply()
    click.echo(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged")


@facilities_cli.command("reindex")
def reindex_facilities() -> None:
    """Rebuild the Redis geo index of facilities from the database, and retire every facility
    card (after Redis missed writes, or a deploy from a version that did not keep them)."""
    from server.services import facility_cards
    from server.services.facility_search import GeoIndex

    count = GeoIndex(redis_client.client).rebuild(db.session)
    facility_cards.publish(redis_client.client, {facility_cards.ALL, facility_cards.EMERGENCIES})
    click.echo(f"{count} facilities indexed")


timebank_cli = AppGroup("timebank", help="Time bank checks.")


@timebank_cli.command("audit")
def audit_timebank() -> None:
    """Recompute every balance from the ledger's entries; report any mismatch (exit 1)."""
    from server.services import timebank_ledger

    problems = timebank_ledger.audit(db.session)
    for row in problems:
        click.echo(
            f"account {row['account_id']} (user {row['user_id']}, {row['kind']}): "
            f"balance {row['balance']} != entries {row['entries_total']}",
            err=True,
        )
    accounts = db.session.scalar(select(func.count()).select_from(timebank_ledger.Account))
    if problems:
        raise click.ClickException(f"{len(problems)} of {accounts} accounts do not add up")
    click.echo(f"{accounts} accounts checked: every balance equals the sum of its entries")


@click.command("seed-demo")
def seed_demo() -> None:
    """Seed the demo city (衢州): regions, users of every role, cases, facilities. Idempotent."""
    from datetime import UTC, datetime

    from server.seed import seed_demo as run_seed

    run_seed(
        db.session,
        cipher=current_app.extensions["minzheng.cipher"],
        assistance_settings=current_app.extensions["minzheng.assistance"],
        now=datetime.now(UTC),
    )
    from server.seed_charity import seed_charity
    from server.seed_facilities import seed_facilities
    from server.seed_timebank import seed_timebank
    from server.services.facility_search import READY_KEY

    facilities = seed_facilities(db.session)
    seed_charity(db.session, now=datetime.now(UTC))
    seed_timebank(db.session, now=datetime.now(UTC))
    db.session.commit()
    if facilities.created or facilities.updated:
        redis_client.client.delete(READY_KEY)  # the geo index rebuilds on the next search
    # The demo users' profiles may have changed: drop every cached profile.
    for key in redis_client.client.scan_iter(users_service.cache_key("*")):
        redis_client.client.delete(key)
    click.echo("demo city seeded")


@click.command("migrate")
def migrate() -> None:
    """Upgrade the database to the newest migration (Alembic)."""
    from server.migrations import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database at head")


notifications_cli = AppGroup("notifications", help="Send the outbox.")


@notifications_cli.command("send-pending")
def send_pending() -> None:
    """Send the due notifications as WeChat subscribe messages, until none is left."""
    from server import worker

    total: dict[str, int] = {}
    while True:
        counts = worker.send_batch(current_app._get_current_object())
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
        if not sum(counts.values()):
            break
    click.echo(" ".join(f"{key}={value}" for key, value in sorted(total.items())) or "nothing")


@notifications_cli.command("send-due")
def send_due() -> None:
    """Write today's reminders (复核 due in 30 days, cases past their deadline, bookings
    tomorrow) to the outbox."""
    from datetime import UTC, datetime

    from server.services import reminders
    from server.services.common import local_today

    counts = reminders.send_due(db.session, today=local_today(datetime.now(UTC)))
    db.session.commit()
    click.echo(" ".join(f"{key}={value}" for key, value in counts.items()))


@notifications_cli.command("work")
@click.option("--max-seconds", type=float, default=None, help="Stop after this long.")
def work(max_seconds: float | None) -> None:
    """The worker process (Procfile `worker`): send the outbox, poll, repeat."""
    from server import worker

    worker.run(current_app._get_current_object(), max_seconds=max_seconds)


def register_cli(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(facilities_cli)
    app.cli.add_command(timebank_cli)
    app.cli.add_command(migrate)
