"""Extensions, created here and bound to an app in `create_app`."""

from __future__ import annotations

import fakeredis
import redis
from flask import Flask, current_app, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        kwargs: dict = {}
        if url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            kwargs = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        engine = create_engine(url, **kwargs)

        # pysqlite's own transaction handling breaks SAVEPOINT and emits BEGIN too late;
        # take over as SQLAlchemy's documentation recommends.
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if url not in ("sqlite://", "sqlite:///:memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # IMMEDIATE: take the write lock at the start. A deferred transaction that reads and
            # then writes fails at once ("database is locked") if another connection (the
            # in-process outbox worker) wrote in between; an immediate one waits its turn.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """The SQLAlchemy engine (per app) and one Session per app context, that is per request."""

    KEY = "minzheng.db"

    def init_app(self, app: Flask) -> None:
        engine = _make_engine(app.config["DATABASE_URL"])
        app.extensions[self.KEY] = {
            "engine": engine,
            "factory": sessionmaker(engine, expire_on_commit=False),
        }
        app.teardown_appcontext(self._close)

    @property
    def engine(self) -> Engine:
        return current_app.extensions[self.KEY]["engine"]

    def bind_to(self, app: Flask, connection: Connection) -> None:
        """Make every session of `app` join `connection`'s transaction (tests roll it back)."""
        app.extensions[self.KEY]["factory"] = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def unbind(self, app: Flask) -> None:
        state = app.extensions[self.KEY]
        state["factory"] = sessionmaker(state["engine"], expire_on_commit=False)

    def new_session(self) -> Session:
        return current_app.extensions[self.KEY]["factory"]()

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self.new_session()
        return g.db_session

    def commit_if_used(self) -> None:
        """Commit the request's session if it was opened (the one commit at the edge)."""
        session = g.get("db_session")
        if session is not None:
            session.commit()

    def rollback_if_used(self) -> None:
        session = g.get("db_session")
        if session is not None:
            session.rollback()

    def _close(self, _exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def make_redis(url: str) -> redis.Redis:
    """A Redis client for `url`; `memory://` is an in-process fakeredis server."""
    if url.startswith("memory://"):
        return fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True)
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
    )


class RedisHolder:
    """The app's Redis client, reached as `redis_client.get(...)` inside an app context."""

    KEY = "minzheng.redis"

    def init_app(self, app: Flask) -> None:
        app.extensions[self.KEY] = make_redis(app.config["REDIS_URL"])

    @property
    def client(self) -> redis.Redis:
        return current_app.extensions[self.KEY]

    def __getattr__(self, name: str):
        return getattr(current_app.extensions[self.KEY], name)


def _limiter_key() -> str:
    principal = g.get("principal")
    if principal is not None:
        return f"user:{principal.id}"
    return f"ip:{get_remote_address()}"


db = Database()
redis_client = RedisHolder()
limiter = Limiter(key_func=_limiter_key, default_limits=[])
