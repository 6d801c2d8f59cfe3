"""minzheng: the API behind the civil-affairs mini-program."""

from __future__ import annotations

import logging

from flask import Flask, request

from server.config import load_config


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app for APP_ENV, with `overrides` applied to its configuration."""
    from server.api import Api, register_blueprints
    from server.api.security import authenticate_request, finish_transaction
    from server.errors import register_error_handlers
    from server.extensions import db, limiter, redis_client
    from server.services import auth as auth_service
    from server.services.identity import Cipher
    from server.services.wechat import WeChatClient

    config = load_config(overrides)
    app = Flask(__name__)
    app.config.from_object(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    db.init_app(app)
    redis_client.init_app(app)
    app.extensions["minzheng.cipher"] = Cipher.from_data_key(config.DATA_KEY)
    app.extensions["minzheng.tokens"] = auth_service.TokenSettings(
        secret=config.SECRET_KEY,
        access_seconds=config.ACCESS_TOKEN_SECONDS,
        refresh_seconds=config.REFRESH_TOKEN_SECONDS,
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
    app.before_request(_refuse_control_chars_in_path)
    app.before_request(authenticate_request)
    app.config["RATELIMIT_STORAGE_URI"] = (
        "memory://" if config.REDIS_URL.startswith("memory://") else config.REDIS_URL
    )
    limiter.init_app(app)
    app.after_request(finish_transaction)

    api = Api(app)
    register_blueprints(api)
    register_error_handlers(app)

    from server.cli import register_cli

    register_cli(app)
    return app


BODY_TYPES = ("application/json", "multipart/form-data")


def _refuse_control_chars_in_path():
    """A path parameter with control characters names nothing that exists."""
    from server.api import CONTROL_CHARS
    from server.errors import NotFound

    if request.view_args and any(
        isinstance(v, str) and CONTROL_CHARS.search(v) for v in request.view_args.values()
    ):
        raise NotFound()


def _refuse_unsupported_media_type():
    """A body that is neither JSON nor a file upload is a 415, never silently ignored."""
    if request.method in ("POST", "PUT", "PATCH") and request.content_length:
        if request.mimetype not in BODY_TYPES:
            from server.errors import UnsupportedMediaType

            raise UnsupportedMediaType()
