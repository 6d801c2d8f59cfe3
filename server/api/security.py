"""Authentication of every request (authenticated by default) and the current principal."""

from __future__ import annotations

from flask import Flask, current_app, g, request

from server.errors import DomainError, Unauthorized
from server.extensions import db, redis_client
from server.services import auth as auth_service
from server.services import users as users_service
from server.services.identity import Cipher
from server.services.users import Principal

# Endpoints that flask-smorest and Flask register themselves: the OpenAPI document and its UI.
FRAMEWORK_PUBLIC_ENDPOINTS = frozenset(
    {"static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}
)


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None or endpoint in FRAMEWORK_PUBLIC_ENDPOINTS:
        return True
    view = app.view_functions.get(endpoint)
    return view is None or getattr(view, "_public", False)


def token_settings() -> auth_service.TokenSettings:
    return current_app.extensions["minzheng.tokens"]


def cipher() -> Cipher:
    return current_app.extensions["minzheng.cipher"]


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("请先登录。", error="token_missing")
    return token.strip()


def authenticate_request() -> None:
    """before_request: every non-public endpoint needs a valid, unrevoked access token."""
    if request.method == "OPTIONS" or is_public_endpoint(current_app, request.endpoint):
        return
    claims, (cached,) = auth_service.check_access_token(
        redis_client.client,
        token_settings(),
        token=_bearer_token(),
        extra_keys_for=lambda c: (users_service.cache_key(c["sub"]),),
    )
    parsed = users_service.parse_cached_entry(cached) if cached is not None else None
    if parsed is not None:
        principal, profile = parsed
    else:
        try:
            user = users_service.get_user(db.session, user_id=int(claims["sub"]))
        except DomainError as exc:
            raise Unauthorized("账号不存在，请重新登录。", error="token_invalid") from exc
        principal = users_service.principal_of(user)
        profile = users_service.profile_json(user, cipher=cipher())
        users_service.store_cache(
            redis_client.client,
            user=user,
            cipher=cipher(),
            seconds=current_app.config["USER_CACHE_SECONDS"],
        )
    g.principal = principal
    g.claims = claims
    g.profile_json = profile


def current_principal() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise Unauthorized()
    return principal


def after_commit(callback) -> None:
    """Run `callback()` once the request's transaction has committed (cache invalidation)."""
    g.setdefault("after_commit", []).append(callback)


def on_failure(callback) -> None:
    """Run `callback()` if the request's transaction does not commit (frees what it held)."""
    g.setdefault("on_failure", []).append(callback)


def finish_transaction(response):
    """after_request: the one commit per request, then the after-commit callbacks."""
    if response.status_code < 400:
        try:
            db.commit_if_used()
        except Exception:
            db.rollback_if_used()
            for callback in g.pop("on_failure", []):
                callback()
            raise
        for callback in g.pop("after_commit", []):
            callback()
    else:
        db.rollback_if_used()
        for callback in g.pop("on_failure", []):
            callback()
    return response
