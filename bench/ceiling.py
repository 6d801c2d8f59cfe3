"""The ceiling: a bare Flask app with one JSON route, served exactly like the real app.

Whatever gunicorn, the sockets, wrk and Flask itself cost on this machine, this route pays too
and does nothing else; a scenario's requests per second divided by this one's is the share of
the machine's "hello world" throughput that the real endpoint keeps.

`POST /ceiling/insert` is the yardstick of a write (issue 6): one row inserted in a transaction
on the bench database, by SQLAlchemy Core on an engine made as the app makes its own
(`server.extensions._make_engine`: the same pool and pre-ping), and nothing else: no
authentication, no rate limit, no validation, no ORM. Its table, `bench_bare_insert`, is made by
the scenario's setup (bench/charity.py).
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

app = Flask(__name__)
BARE_TABLE = Table(
    "bench_bare_insert",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("note", String(200), nullable=False),
)
_engines: list = []


def _engine():
    if not _engines:
        from server.extensions import _make_engine

        _engines.append(_make_engine(os.environ["DATABASE_URL"]))
    return _engines[0]


@app.get("/ceiling")
def ceiling():
    return jsonify({"ok": True})


@app.post("/ceiling/insert")
def bare_insert():
    with _engine().begin() as connection:
        row_id = connection.execute(
            insert(BARE_TABLE).values(note=request.get_json()["note"]).returning(BARE_TABLE.c.id)
        ).scalar_one()
    return jsonify({"id": row_id}), 201
