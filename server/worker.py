"""The background worker: sends the outbox. Run as its own process (`flask notifications work`,
Procfile `worker`) or, with the embedded defaults of `make run`, as a thread of the web process.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from flask import Flask

from server.extensions import db, redis_client
from server.services import outbox


def send_batch(app: Flask) -> dict[str, int]:
    """One batch of the outbox, committed."""
    with app.app_context():
        try:
            counts = outbox.send_pending(
                db.session,
                client=app.extensions["minzheng.wechat"],
                r=redis_client.client,
                settings=app.extensions["minzheng.outbox"],
                now=datetime.now(UTC),
                commit=db.session.commit,
            )
            return counts
        except Exception:  # noqa: BLE001 - the worker keeps going; the error is logged
            db.session.rollback()
            app.logger.exception("outbox batch failed")
            return {}


def run(app: Flask, *, max_seconds: float | None = None) -> None:
    """Send the outbox, pausing `OUTBOX_POLL_SECONDS` whenever it is empty."""
    started = time.monotonic()
    poll = app.config["OUTBOX_POLL_SECONDS"]
    while max_seconds is None or time.monotonic() - started < max_seconds:
        if not sum(send_batch(app).values()):
            time.sleep(poll)


def start_in_process(app: Flask) -> None:
    """Start the worker as a daemon thread with the web process's first request (so that
    `flask migrate` and other commands, which build the app too, never start one)."""
    started = threading.Event()
    lock = threading.Lock()

    def start_once() -> None:
        if started.is_set():
            return
        with lock:  # two first requests at once start one thread
            if not started.is_set():
                started.set()
                threading.Thread(target=run, args=(app,), name="outbox-worker", daemon=True).start()

    app.before_request(start_once)
