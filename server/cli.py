"""`flask` commands: migrate, seed-demo, users grant-worker / grant-admin."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from server.errors import DomainError
from server.extensions import db, redis_client
from server.services import users as users_service

users_cli = AppGroup("users", help="Manage users' roles.")


def _finish(user) -> None:
    db.session.commit()
    users_service.invalidate_cache(redis_client.client, user_id=user.id)


def _fail(exc: DomainError):
    detail = f" {exc.errors}" if exc.errors else ""
    raise click.ClickException(f"{exc.message}{detail}")


@users_cli.command("grant-worker")
@click.option("--openid", required=True)
@click.option(
    "--level", required=True, type=click.Choice(["community", "township", "county", "city"])
)
@click.option("--region", "region_code", required=True, help="The region code of the scope")
def grant_worker(openid: str, level: str, region_code: str) -> None:
    """Make a user a worker at LEVEL over REGION."""
    try:
        user = users_service.grant_worker(
            db.session, openid=openid, level=level, region_code=region_code
        )
    except DomainError as exc:
        _fail(exc)
    _finish(user)
    click.echo(f"{openid}: worker, {level}, {user.worker_region_code}")


@users_cli.command("revoke-worker")
@click.option("--openid", required=True)
def revoke_worker(openid: str) -> None:
    """Take the worker role away from a user."""
    try:
        user = users_service.revoke_worker(db.session, openid=openid)
    except DomainError as exc:
        _fail(exc)
    _finish(user)
    click.echo(f"{openid}: no longer a worker")


@users_cli.command("grant-admin")
@click.option("--openid", required=True)
def grant_admin(openid: str) -> None:
    """Make a user an admin."""
    try:
        user = users_service.grant_admin(db.session, openid=openid)
    except DomainError as exc:
        _fail(exc)
    _finish(user)
    click.echo(f"{openid}: admin")


@click.command("seed-demo")
def seed_demo() -> None:
    """Seed the demo city (衢州): regions, demo users of every role. Idempotent."""
    from server.seed import seed_demo as run_seed

    run_seed(db.session, cipher=current_app.extensions["minzheng.cipher"])
    db.session.commit()
    redis_client.client.delete(*[k for k in redis_client.client.scan_iter("user:*")] or ["-"])
    click.echo("demo city seeded")


@click.command("migrate")
def migrate() -> None:
    """Upgrade the database to the newest migration (Alembic)."""
    from server.migrations import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database at head")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(migrate)
