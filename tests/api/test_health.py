import redis
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from server.extensions import db


def test_healthz_answers(client):
    assert client.get("/healthz").json == {"status": "ok", "checks": {}}


def test_readyz_checks_database_and_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_is_503_naming_redis_when_it_is_down(app, client, monkeypatch):
    closed = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setitem(app.extensions, "minzheng.redis", closed)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "redis": "failed"}


def test_readyz_is_503_naming_the_database_when_it_is_down(app, client, monkeypatch):
    dead = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    state = dict(app.extensions[db.KEY], factory=sessionmaker(dead))
    monkeypatch.setitem(app.extensions, db.KEY, state)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "failed", "redis": "ok"}
