"""`Idempotency-Key`: a retried write returns the first answer and writes nothing more.

The first request with a key marks it pending in Redis (SET NX); its successful answer is stored
once the transaction has committed, for IDEMPOTENCY_SECONDS. A retry with the same key and the
same body gets that answer again (with `Idempotent-Replayed: true`); with another body, a 422;
while the first is still running, a 409. A failed request frees its key for a corrected retry.
"""

from __future__ import annotations

import functools
import hashlib
import json

from flask import current_app, jsonify, make_response, request

from server.api.security import after_commit, current_principal, on_failure
from server.errors import Conflict, ValidationFailed
from server.extensions import redis_client

HEADER = "Idempotency-Key"
PENDING_SECONDS = 60

HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": 128},
    "description": "Any unique string per intended write; a retry with it writes nothing more.",
}


def idempotent(scope: str):
    """Decorate a view (outside flask-smorest's response decorator) to honour the header."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            key = request.headers.get(HEADER)
            if not key:
                return view(*args, **kwargs)
            if len(key) > 128:
                raise ValidationFailed({HEADER: ["长度不能超过 128。"]}, location="headers")
            r = redis_client.client
            redis_key = f"idem:{scope}:{current_principal().id}:{key}"
            # The same key for another request (another path, another body) is a mistake.
            fingerprint = hashlib.sha256(
                f"{request.method} {request.path}\n".encode() + request.get_data()
            ).hexdigest()
            pending = json.dumps({"fp": fingerprint, "pending": True})
            if not r.set(redis_key, pending, nx=True, ex=PENDING_SECONDS):
                return _replay(r.get(redis_key), fingerprint)
            try:
                response = make_response(view(*args, **kwargs))
            except BaseException:
                r.delete(redis_key)
                raise
            if response.status_code >= 400:
                r.delete(redis_key)
                return response
            stored = json.dumps(
                {"fp": fingerprint, "status": response.status_code, "body": response.get_json()}
            )
            seconds = current_app.config["IDEMPOTENCY_SECONDS"]
            after_commit(lambda: r.set(redis_key, stored, ex=seconds))
            on_failure(lambda: r.delete(redis_key))  # the commit failed: a retry may go ahead
            return response

        return wrapper

    return decorator


def _replay(raw: str | None, fingerprint: str):
    if raw is None:
        raise Conflict("请求正在处理中，请稍后刷新查看结果。", error="idempotency_in_progress")
    stored = json.loads(raw)
    if stored["fp"] != fingerprint:
        raise ValidationFailed(
            {HEADER: ["这个幂等键已用于另一份不同的请求。"]},
            location="headers",
            error="idempotency_key_reused",
        )
    if stored.get("pending"):
        raise Conflict("请求正在处理中，请稍后刷新查看结果。", error="idempotency_in_progress")
    response = jsonify(stored["body"])
    response.status_code = stored["status"]
    response.headers["Idempotent-Replayed"] = "true"
    return response
