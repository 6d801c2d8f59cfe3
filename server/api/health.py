"""Liveness and readiness probes."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text

from server.api import Blueprint
from server.extensions import db, redis_client
from server.schemas.health import HealthSchema

blp = Blueprint("health", __name__, url_prefix="/", description="Health checks")


@blp.route("/healthz", methods=["GET"])
@blp.public
@blp.response(200, HealthSchema)
def healthz():
    """The process is alive."""
    return {"status": "ok", "checks": {}}


@blp.route("/readyz", methods=["GET"])
@blp.public
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database or Redis did not answer")
def readyz():
    """The database and Redis both answer."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        current_app.logger.warning("readyz: database failed: %s", exc)
        checks["database"] = "failed"
    try:
        redis_client.client.ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        current_app.logger.warning("readyz: redis failed: %s", exc)
        checks["redis"] = "failed"
    ready = all(value == "ok" for value in checks.values())
    return {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
