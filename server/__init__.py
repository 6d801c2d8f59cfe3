"""minzheng: the API behind the civil-affairs mini-program."""

from __future__ import annotations

import logging

from flask import Flask, request
from flask.sessions import SessionInterface

from server.config import load_config


class MethodOverride:
    """WeChat's `wx.request` cannot send PATCH (its methods are GET, POST, PUT, DELETE and a few
    more): a POST with `X-HTTP-Method-Override: PATCH` is taken as the PATCH it stands for. Only
    POST → PATCH, so the header can never turn a read into a write or a write into a read."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "POST"
            and environ.get("HTTP_X_HTTP_METHOD_OVERRIDE", "").strip().upper() == "PATCH"
        ):
            environ["REQUEST_METHOD"] = "PATCH"
        return self.wsgi_app(environ, start_response)


class NoCookieSessions(SessionInterface):
    """The API is stateless (bearer tokens): no cookie session is read or written, so no request
    pays for signing one (Flask's default opens a signed-cookie session on every request)."""

    def open_session(self, app, request):
        return None  # Flask then uses a NullSession, which refuses writes

    def save_session(self, app, session, response):
        return None


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app for APP_ENV, with `overrides` applied to its configuration."""
    from server.api import Api, is_rate_limited, register_blueprints
    from server.api.security import authenticate_request, finish_transaction
    from server.errors import register_error_handlers
    from server.extensions import db, limiter, redis_client
    from server.services import auth as auth_service
    from server.services import facility_cards
    from server.services.identity import Cipher
    from server.services.outbox import OutboxSettings, parse_templates
    from server.services.timebank import TimebankSettings
    from server.services.wechat import WeChatClient

    config = load_config(overrides)
    app = Flask(__name__)
    app.config.from_object(config)
    app.wsgi_app = MethodOverride(app.wsgi_app)
    app.session_interface = NoCookieSessions()
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    db.init_app(app)
    facility_cards.track_changes()  # committed facility changes reach the nearest search's cache
    redis_client.init_app(app)
    app.extensions["minzheng.cipher"] = Cipher.from_data_key(config.DATA_KEY)
    app.extensions["minzheng.tokens"] = auth_service.TokenSettings(
        secret=config.SECRET_KEY,
        access_seconds=config.ACCESS_TOKEN_SECONDS,
        refresh_seconds=config.REFRESH_TOKEN_SECONDS,
    )
    app.extensions["minzheng.assistance"] = assistance_settings(config)
    app.extensions["minzheng.timebank"] = TimebankSettings.from_config(app.config)
    app.extensions["minzheng.outbox"] = OutboxSettings(
        templates=parse_templates(config.WECHAT_SUBSCRIBE_TEMPLATES),
        max_attempts=config.OUTBOX_MAX_ATTEMPTS,
        backoff_seconds=config.OUTBOX_BACKOFF_SECONDS,
        miniprogram_state=config.WECHAT_MINIPROGRAM_STATE,
    )
    app.extensions["minzheng.wechat"] = WeChatClient(
        base_url=config.WECHAT_API_BASE,
        app_id=config.WECHAT_APP_ID,
        app_secret=config.WECHAT_APP_SECRET,
        timeout=config.WECHAT_TIMEOUT_SECONDS,
        connect_retries=config.WECHAT_CONNECT_RETRIES,
    )

    # Order matters: refuse bad bodies, then authenticate (so that per-user rate limits know
    # the user), then the rate limiter's own before_request.
    app.before_request(_refuse_unsupported_media_type)
    app.before_request(_refuse_impossible_path_values)
    app.before_request(authenticate_request)
    app.config["RATELIMIT_STORAGE_URI"] = (
        "memory://" if config.REDIS_URL.startswith("memory://") else config.REDIS_URL
    )
    limiter.init_app(app)
    app.after_request(finish_transaction)

    api = Api(app)
    register_blueprints(api)
    # Every limit here is attached to its view, and flask-limiter's view decorator checks it;
    # the extension's before_request hook only serves application-wide default limits, which
    # this app does not have. Dropping the hook saves its work on every other request (GET /me
    # above all: docs/performance.md). The filter keeps any remaining check of an unlimited
    # view cheap.
    if limiter.enabled:
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    limiter.request_filter(lambda: not is_rate_limited(app, request.endpoint))
    register_error_handlers(app)

    from server.cli import register_cli

    register_cli(app)
    if app.config["OUTBOX_IN_PROCESS"]:
        from server.worker import start_in_process

        start_in_process(app)
    return app


def assistance_settings(config):
    from datetime import date

    from server.services.assistance import AssistanceSettings

    holidays = frozenset(
        date.fromisoformat(day.strip()) for day in config.HOLIDAYS.split(",") if day.strip()
    )
    return AssistanceSettings(
        notice_days=config.ASSISTANCE_NOTICE_DAYS,
        township_days=config.ASSISTANCE_TOWNSHIP_DAYS,
        county_days=config.ASSISTANCE_COUNTY_DAYS,
        pay_first_cap_fen=config.ASSISTANCE_PAY_FIRST_CAP_FEN,
        attachment_max_bytes=config.ATTACHMENT_MAX_BYTES,
        attachment_max_count=config.ATTACHMENT_MAX_COUNT,
        storage_dir=config.STORAGE_DIR,
        tekun_multiple_percent=config.ASSISTANCE_TEKUN_MULTIPLE_PERCENT,
        asset_months=config.ASSISTANCE_ASSET_MONTHS,
        low_income_percent=config.ASSISTANCE_LOW_INCOME_PERCENT,
        temporary_months=config.ASSISTANCE_TEMPORARY_MONTHS,
        medical_share_percent=config.ASSISTANCE_MEDICAL_SHARE_PERCENT,
        medical_yearly_cap_fen=config.ASSISTANCE_MEDICAL_YEARLY_CAP_FEN,
        holidays=holidays,
    )


BODY_TYPES = ("application/json", "multipart/form-data")


INT_ID_MAX = 2**31 - 1  # ids are 32-bit integers in the database


def _refuse_impossible_path_values():
    """A path parameter with control characters, or an id no row can have, names nothing."""
    from server.api import CONTROL_CHARS
    from server.errors import NotFound

    for value in (request.view_args or {}).values():
        if isinstance(value, str) and CONTROL_CHARS.search(value):
            raise NotFound()
        if isinstance(value, int) and not 0 < value <= INT_ID_MAX:
            raise NotFound()


def _refuse_unsupported_media_type():
    """A body that is neither JSON nor a file upload is a 415, never silently ignored."""
    if request.method in ("POST", "PUT", "PATCH") and request.content_length:
        if request.mimetype not in BODY_TYPES:
            from server.errors import UnsupportedMediaType

            raise UnsupportedMediaType()
