"""Test fixtures: one app per run, the schema made once by the migrations, a transaction
rolled back around every test, Redis emptied before every test.

Runs on SQLite + fakeredis by default; on PostgreSQL and Redis when TEST_DATABASE_URL and
TEST_REDIS_URL are set (`make test` runs both legs).
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from server import create_app
from server.extensions import db, redis_client
from server.migrations import alembic_config
from server.models import Base
from tests.fake_wechat import APP_ID, APP_SECRET, FakeWeChat

DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
REDIS_URL = os.environ.get("TEST_REDIS_URL") or "memory://"
ON_POSTGRES = DATABASE_URL.startswith("postgresql")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "committing: the test commits for real (concurrency); it cleans up after itself"
    )
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (skipped on SQLite)")


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def fake_wechat():
    server = FakeWeChat(slow_seconds=1.0).start()
    yield server
    server.stop()


def _create_schema(app) -> None:
    from alembic import command

    with app.app_context():
        with db.engine.begin() as connection:
            if ON_POSTGRES:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            else:
                Base.metadata.drop_all(connection)
            config = alembic_config(DATABASE_URL)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


@pytest.fixture(scope="session")
def app(fake_wechat, tmp_path_factory):
    app = create_app(
        {
            "STORAGE_DIR": str(tmp_path_factory.mktemp("uploads")),
            "APP_ENV": "testing",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "WECHAT_API_BASE": fake_wechat.base_url,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_TIMEOUT_SECONDS": 0.5,
            # The limiter runs in every test, with allowances no test reaches by accident.
            "RATELIMIT_ENABLED": True,
            "RATE_LIMIT_LOGIN": "10000/minute",
            "RATE_LIMIT_WRITE": "10000/minute",
            "RATE_LIMIT_PUBLIC": "10000/minute",
        }
    )
    _create_schema(app)
    from server.seed import seed_demo

    with app.app_context():
        seed_demo(db.session, cipher=app.extensions["minzheng.cipher"])
        db.session.commit()
    return app


@pytest.fixture(autouse=True)
def _isolation(request, app, fake_wechat):
    """A transaction per test, rolled back; Redis emptied; the fake WeChat forgotten.

    No app context stays pushed while the test runs: each request then gets its own, with its
    own `g` and database session, as in production.
    """
    fake_wechat.reset()
    with app.app_context():
        redis_client.client.flushdb()
        engine = db.engine
    if request.node.get_closest_marker("committing"):
        yield
        return
    connection = engine.connect()
    transaction = connection.begin()
    db.bind_to(app, connection)
    try:
        yield
    finally:
        db.unbind(app)
        transaction.rollback()
        connection.close()


@pytest.fixture
def session(app):
    """A Session on the test's transaction, for factories and for reading rows back.

    No app context stays pushed during the test: a request would reuse it, and with it `g`,
    so that requests would share one database session and one list of callbacks.
    """
    with app.app_context():
        s = db.new_session()
    yield s
    s.close()


@pytest.fixture
def client(app):
    return app.test_client()


@contextmanager
def counting_sql(app):
    """Every SQL statement the app sends while the block runs (a list, filled as they go)."""
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def login(client, openid: str) -> dict:
    """Authorization headers for a dev-login as `openid` (created if new)."""
    response = client.post("/api/v1/auth/dev-login", json={"openid": openid})
    assert response.status_code == 200, response.json
    return {"Authorization": "Bearer " + response.json["access_token"]}


@pytest.fixture
def resident(client):
    return login(client, "demo-resident")


@pytest.fixture
def county_worker(client):
    return login(client, "demo-worker-county")


@pytest.fixture
def township_worker(client):
    return login(client, "demo-worker-township")


@pytest.fixture
def newcomer(client):
    return login(client, "newcomer-openid")


@pytest.fixture
def community_worker(client):
    return login(client, "demo-worker-community")


@pytest.fixture
def admin(client):
    return login(client, "demo-admin")


@pytest.fixture
def assistance_settings(app, monkeypatch):
    """Change assistance settings for one test: `assistance_settings(notice_days=0)`."""
    import dataclasses

    def change(**values):
        current = app.extensions["minzheng.assistance"]
        monkeypatch.setitem(
            app.extensions, "minzheng.assistance", dataclasses.replace(current, **values)
        )

    return change
