"""Login (WeChat and development), token refresh and logout."""

from __future__ import annotations

from flask import current_app, g

from server.api import Blueprint, login_limit, rate_limited
from server.api.security import cipher, token_settings
from server.errors import NotFound
from server.extensions import db, redis_client
from server.schemas.auth import DevLoginSchema, RefreshSchema, TokenSchema, WeChatLoginSchema
from server.schemas.common import ErrorSchema
from server.services import auth as auth_service
from server.services import users as users_service

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Login and tokens")


def _token_answer(user, pair: auth_service.TokenPair | None = None) -> dict:
    if pair is None:
        pair = auth_service.issue_tokens(
            redis_client.client, token_settings(), user_id=user.id, roles=user.roles
        )
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "user": users_service.profile(user, cipher=cipher()),
    }


@blp.route("/wechat", methods=["POST"])
@blp.public
@rate_limited(login_limit)
@blp.arguments(WeChatLoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="The wx.login code is invalid or used")
@blp.alt_response(403, schema=ErrorSchema, description="WeChat blocked this user")
@blp.alt_response(429, schema=ErrorSchema, description="Too many logins")
@blp.alt_response(503, schema=ErrorSchema, description="WeChat did not answer")
def wechat_login(body):
    """Log in with a wx.login code: exchange it at WeChat, find or create the user."""
    wechat = current_app.extensions["minzheng.wechat"]
    session_info = wechat.code2session(body["code"])
    user = users_service.find_or_create(
        db.session, openid=session_info.openid, unionid=session_info.unionid
    )
    return _token_answer(user)


@blp.route("/dev-login", methods=["POST"])
@blp.public
@blp.arguments(DevLoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not available in production")
def dev_login(body):
    """Log in by openid without WeChat (development and testing only)."""
    if not current_app.config["DEV_LOGIN_ENABLED"]:
        raise NotFound()
    user = users_service.find_or_create(db.session, openid=body["openid"])
    return _token_answer(user)


@blp.route("/refresh", methods=["POST"])
@blp.public
@rate_limited(login_limit)
@blp.arguments(RefreshSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Expired, revoked or reused token")
def refresh(body):
    """Exchange a refresh token for a new pair; reusing an old one ends the session."""

    def roles_of(user_id: int):
        user = db.session.get(users_service.User, user_id)
        return user.roles if user else None

    user_id, pair = auth_service.rotate_refresh_token(
        redis_client.client,
        token_settings(),
        refresh_token=body["refresh_token"],
        roles_of=roles_of,
    )
    return _token_answer(users_service.get_user(db.session, user_id=user_id), pair)


@blp.route("/logout", methods=["POST"])
@blp.response(204)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
def logout():
    """Log out: this login session's access and refresh tokens stop working."""
    auth_service.logout(redis_client.client, token_settings(), claims=g.claims)
