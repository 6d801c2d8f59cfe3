"""Tokens: access and refresh JWTs, rotation, reuse detection and revocation in Redis.

- Access token: HS256, claims sub, roles, jti, fam (the login session), exp; 2 hours.
- Refresh token: HS256, typ=refresh, sub, jti, fam, exp; 30 days. Each login starts a family;
  Redis keeps the family's current refresh jti. Using it rotates it; presenting an older one is
  reuse (a stolen token), which revokes the whole family: its refresh and access tokens.
- Logout revokes the family the same way.

Redis keys: `rt:fam:<fam>` = current refresh jti (TTL refresh life);
`revoked:fam:<fam>` and `revoked:jti:<jti>` (TTL access life) are checked on every request.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jwt
import redis

from server.errors import Unauthorized

ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenSettings:
    secret: str
    access_seconds: int
    refresh_seconds: int


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    family: str


def _family_key(family: str) -> str:
    return f"rt:fam:{family}"


def _revoked_family_key(family: str) -> str:
    return f"revoked:fam:{family}"


def _revoked_jti_key(jti: str) -> str:
    return f"revoked:jti:{jti}"


def _encode(settings: TokenSettings, claims: dict, lifetime: int) -> tuple[str, str]:
    now = int(time.time())
    jti = uuid.uuid4().hex
    token = jwt.encode(
        {**claims, "jti": jti, "iat": now, "exp": now + lifetime},
        settings.secret,
        algorithm=ALGORITHM,
    )
    return token, jti


def _issue(
    r: redis.Redis, settings: TokenSettings, *, user_id: int, roles: list[str], family: str
) -> TokenPair:
    access, _ = _encode(
        settings, {"sub": str(user_id), "roles": roles, "fam": family}, settings.access_seconds
    )
    refresh, refresh_jti = _encode(
        settings, {"sub": str(user_id), "fam": family, "typ": "refresh"}, settings.refresh_seconds
    )
    r.set(_family_key(family), refresh_jti, ex=settings.refresh_seconds)
    return TokenPair(access, refresh, settings.access_seconds, family)


def issue_tokens(
    r: redis.Redis, settings: TokenSettings, *, user_id: int, roles: list[str]
) -> TokenPair:
    """Start a new login session (token family) for a user."""
    return _issue(r, settings, user_id=user_id, roles=roles, family=uuid.uuid4().hex)


@functools.lru_cache(maxsize=4096)
def _verified_claims(secret: str, token: str) -> tuple[tuple[str, object], ...]:
    """The claims of a token whose signature and shape are good (expiry checked by the caller).

    A memo of a pure function: the same token verifies the same way every time, so a phone
    making many requests with one token pays for the HMAC and the JSON once per process.
    Revocation is never cached: it is read from Redis on every request.
    """
    claims = jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],
        options={"require": ["exp", "sub", "jti", "fam"], "verify_exp": False},
    )
    return tuple(claims.items())


def _decode(settings: TokenSettings, token: str) -> dict:
    try:
        claims = dict(_verified_claims(settings.secret, token))
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("登录信息无效，请重新登录。", error="token_invalid") from exc
    if not isinstance(claims["exp"], int | float) or claims["exp"] <= time.time():
        raise Unauthorized("登录已过期，请重新登录。", error="token_expired")
    return claims


def _revoke_family(r: redis.Redis, settings: TokenSettings, family: str) -> None:
    pipe = r.pipeline(transaction=True)
    pipe.delete(_family_key(family))
    pipe.set(_revoked_family_key(family), "1", ex=settings.access_seconds)
    pipe.execute()


def rotate_refresh_token(
    r: redis.Redis,
    settings: TokenSettings,
    *,
    refresh_token: str,
    roles_of: Callable[[int], list[str] | None],
) -> tuple[int, TokenPair]:
    """Exchange a refresh token for a new pair; an already-used one revokes its family.

    `roles_of(user_id)` gives the user's current roles (None when the user is gone).
    """
    claims = _decode(settings, refresh_token)
    if claims.get("typ") != "refresh":
        raise Unauthorized("登录信息无效，请重新登录。", error="token_invalid")
    family = claims["fam"]
    user_id = int(claims["sub"])
    # One atomic step: put a placeholder in as the family's current token and read the old one.
    placeholder = "rotating:" + uuid.uuid4().hex
    previous = r.set(
        _family_key(family), placeholder, xx=True, get=True, ex=settings.refresh_seconds
    )
    if previous is None:
        raise Unauthorized("登录已失效，请重新登录。", error="token_revoked")
    if previous != claims["jti"]:
        _revoke_family(r, settings, family)
        raise Unauthorized("登录信息已被使用过，为了安全请重新登录。", error="token_reused")
    roles = roles_of(user_id)
    if roles is None:
        _revoke_family(r, settings, family)
        raise Unauthorized("账号不存在，请重新登录。", error="token_invalid")
    pair = _issue(r, settings, user_id=user_id, roles=roles, family=family)
    return user_id, pair


def check_access_token(
    r: redis.Redis,
    settings: TokenSettings,
    *,
    token: str,
    extra_keys_for: Callable[[dict], Sequence[str]] = lambda _claims: (),
) -> tuple[dict, list]:
    """Verify an access token and that it is not revoked; one Redis round trip.

    The keys `extra_keys_for(claims)` (the user's cached profile) are read in the same MGET,
    and their values returned.
    """
    claims = _decode(settings, token)
    if claims.get("typ") == "refresh":
        raise Unauthorized("登录信息无效，请重新登录。", error="token_invalid")
    values = r.mget(
        [
            _revoked_jti_key(claims["jti"]),
            _revoked_family_key(claims["fam"]),
            *extra_keys_for(claims),
        ]
    )
    if values[0] is not None or values[1] is not None:
        raise Unauthorized("登录已退出，请重新登录。", error="token_revoked")
    return claims, values[2:]


def logout(r: redis.Redis, settings: TokenSettings, *, claims: dict) -> None:
    """Revoke the login session (token family) that `claims` belong to."""
    _revoke_family(r, settings, claims["fam"])
    remaining = max(1, int(claims["exp"]) - int(time.time()))
    r.set(_revoked_jti_key(claims["jti"]), "1", ex=remaining)
