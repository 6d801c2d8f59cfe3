"""Domain errors and the one JSON error shape every failure answers with.

Shape (DESIGN.md): {"code", "status", "message", "error", "errors"?}. `message` is one sentence
a resident can read, in Chinese; `error` is a snake_case reason for programs; `errors` holds field
errors keyed by location (json, query, files, form) as webargs does.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

import redis
from flask import Flask, jsonify
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# What each status means to a resident, when nothing more specific was said.
DEFAULT_MESSAGES = {
    400: "请求格式不正确。",
    401: "请先登录。",
    403: "您没有权限进行此操作。",
    404: "没有找到您要的内容。",
    405: "不支持这种请求方式。",
    409: "当前状态不允许此操作，请刷新后重试。",
    413: "上传的内容太大了。",
    415: "请求内容的格式不受支持，请使用 JSON。",
    422: "填写的内容有误，请检查后重试。",
    429: "操作太频繁了，请稍后再试。",
    500: "系统出了点问题，请稍后再试。",
    503: "服务暂时不可用，请稍后再试。",
}

DEFAULT_REASONS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class DomainError(Exception):
    """A rule said no. Services raise these; the API turns them into the error shape."""

    status = 400
    error = "bad_request"
    message = DEFAULT_MESSAGES[400]

    def __init__(
        self,
        message: str | None = None,
        *,
        error: str | None = None,
        errors: dict | None = None,
        headers: dict | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if error:
            self.error = error
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


class Unauthorized(DomainError):
    status, error, message = 401, "unauthorized", DEFAULT_MESSAGES[401]


class Forbidden(DomainError):
    status, error, message = 403, "forbidden", DEFAULT_MESSAGES[403]


class NotFound(DomainError):
    status, error, message = 404, "not_found", DEFAULT_MESSAGES[404]


class Conflict(DomainError):
    status, error, message = 409, "conflict", DEFAULT_MESSAGES[409]


class ValidationFailed(DomainError):
    """422 naming the fields: `errors` is {"<field>": ["<reason>"]} within one location."""

    status, error, message = 422, "validation_failed", DEFAULT_MESSAGES[422]

    def __init__(self, fields: dict[str, list[str]], *, location: str = "json", **kwargs) -> None:
        kwargs.setdefault("message", field_message(fields))
        super().__init__(errors={location: fields}, **kwargs)


class UnsupportedMediaType(DomainError):
    status, error, message = 415, "unsupported_media_type", DEFAULT_MESSAGES[415]


class RateLimited(DomainError):
    status, error, message = 429, "rate_limited", DEFAULT_MESSAGES[429]


class ServiceUnavailable(DomainError):
    status, error, message = 503, "service_unavailable", DEFAULT_MESSAGES[503]


def field_message(fields: dict) -> str:
    """A sentence naming, in Chinese, the fields that are wrong; the reason when there is one."""
    from flask import has_request_context, request

    from server.schemas.messages import FIELD_LABELS, FIELD_LABELS_BY_PATH

    labels = FIELD_LABELS
    if has_request_context():
        for prefix, overrides in FIELD_LABELS_BY_PATH.items():
            if request.path.startswith(prefix):
                labels = {**labels, **overrides}
    names = [labels.get(str(name), str(name)) for name in fields]
    if not names:
        return DEFAULT_MESSAGES[422]
    if len(names) > 1:
        return f"请检查以下各项：{'、'.join(names)}。"
    first = next(iter(fields.values()))
    reason = first[0] if isinstance(first, list) and first and isinstance(first[0], str) else ""
    return f"请检查{names[0]}：{reason}" if reason else f"请检查{names[0]}。"


def error_body(
    status: int, *, message: str | None = None, error: str | None = None, errors=None
) -> dict:
    body = {
        "code": status,
        "status": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "",
        "message": message or DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[500]),
        "error": error or DEFAULT_REASONS.get(status, "error"),
    }
    if errors:
        body["errors"] = errors
    return body


def _flatten_first_location(errors: dict) -> dict:
    for value in errors.values():
        if isinstance(value, dict):
            return value
    return {}


def handle_http_exception(exc: HTTPException):
    """Every werkzeug/flask-smorest HTTP error, webargs' 422 included."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message")
    if not message and status == 422 and errors:
        message = field_message(_flatten_first_location(errors))
    if not message and status == 400 and errors:
        message = "请求格式不正确，请检查提交的内容。"
    if status == 429:
        message = message or DEFAULT_MESSAGES[429]
    body = error_body(status, message=message, error=data.get("error"), errors=errors)
    response = jsonify(body)
    response.status_code = status
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    retry_after = getattr(exc, "retry_after", None)
    if status == 429 and not retry_after and isinstance(exc, RateLimitExceeded):
        # The limiter's own X-RateLimit-* headers are off (two Redis round trips on every limited
        # request): the limit's window is when to come back, at the latest.
        retry_after = exc.limit.limit.get_expiry()
    if status == 429 and retry_after:
        headers.setdefault("Retry-After", str(int(retry_after)))
    response.headers.update(headers)
    return response


def handle_domain_error(exc: DomainError):
    body = error_body(exc.status, message=exc.message, error=exc.error, errors=exc.errors)
    body.update(exc.extra)
    response = jsonify(body)
    response.status_code = exc.status
    response.headers.update(exc.headers)
    return response


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    log.exception("unhandled exception")
    response = jsonify(error_body(500))
    response.status_code = 500
    return response


def _redis_down(exc: redis.RedisError):
    """Redis unreachable where a request cannot do without it (a token's revocation check, say):
    a 503 that says to come back, not a 500. The public search and the rate limiter go on
    without Redis by themselves."""
    log.warning("redis unavailable: %s", exc)
    return handle_domain_error(ServiceUnavailable())


def register_error_handlers(app: Flask) -> None:
    from sqlalchemy.exc import NoResultFound

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(NoResultFound, lambda _exc: handle_domain_error(NotFound()))
    app.register_error_handler(redis.RedisError, _redis_down)
    app.register_error_handler(Exception, handle_unexpected)
