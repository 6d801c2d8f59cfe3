"""Configuration, read once from the environment.

Every setting has a documented default (README.md lists them). `APP_ENV` picks the class:
development (the default), testing or production. Production refuses to start on the
development defaults (see `ProductionConfig.check`).
"""

from __future__ import annotations

import os

DEFAULT_SECRET_KEY = "dev-secret-key-change-me-in-production"  # noqa: S105 - refused in production
# 32 zero bytes, base64: a development key only, refused in production.
DEFAULT_DATA_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    APP_ENV = "development"
    SECRET_KEY = _env("SECRET_KEY", DEFAULT_SECRET_KEY)
    DATA_KEY = _env("DATA_KEY", DEFAULT_DATA_KEY)
    DATABASE_URL = _env("DATABASE_URL", "sqlite:///var/minzheng.sqlite3")
    REDIS_URL = _env("REDIS_URL", "memory://")
    # Requests bodies above this size answer 413.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)

    ACCESS_TOKEN_SECONDS = _env_int("ACCESS_TOKEN_SECONDS", 2 * 3600)
    REFRESH_TOKEN_SECONDS = _env_int("REFRESH_TOKEN_SECONDS", 30 * 24 * 3600)
    # How long a user's profile may be served from the Redis cache before it is read again.
    USER_CACHE_SECONDS = _env_int("USER_CACHE_SECONDS", 600)
    DEV_LOGIN_ENABLED = _env_bool("DEV_LOGIN_ENABLED", True)

    WECHAT_API_BASE = _env("WECHAT_API_BASE", "https://api.weixin.qq.com")
    WECHAT_APP_ID = _env("WECHAT_APP_ID", "")
    WECHAT_APP_SECRET = _env("WECHAT_APP_SECRET", "")
    WECHAT_TIMEOUT_SECONDS = _env_float("WECHAT_TIMEOUT_SECONDS", 5.0)
    WECHAT_CONNECT_RETRIES = _env_int("WECHAT_CONNECT_RETRIES", 2)

    # Subscribe messages: {"<notification kind>": {"template_id", "page", "data": {field: src}}}
    WECHAT_SUBSCRIBE_TEMPLATES = _env("WECHAT_SUBSCRIBE_TEMPLATES", "")
    WECHAT_MINIPROGRAM_STATE = _env("WECHAT_MINIPROGRAM_STATE", "formal")
    OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 6)
    OUTBOX_BACKOFF_SECONDS = _env_int("OUTBOX_BACKOFF_SECONDS", 30)
    OUTBOX_POLL_SECONDS = _env_float("OUTBOX_POLL_SECONDS", 2.0)
    # Run the worker as a thread of the web process (the embedded defaults of `make run`).
    OUTBOX_IN_PROCESS = _env_bool("OUTBOX_IN_PROCESS", False)

    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False
    # With Redis down, limit in process memory rather than fail: the public search must answer.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATE_LIMIT_LOGIN = _env("RATE_LIMIT_LOGIN", "30/minute")
    RATE_LIMIT_PUBLIC = _env("RATE_LIMIT_PUBLIC", "120/minute")
    RATE_LIMIT_WRITE = _env("RATE_LIMIT_WRITE", "60/minute")

    # Assistance (POLICY.md): stage limits in working days, the notice in calendar days.
    ASSISTANCE_NOTICE_DAYS = _env_int("ASSISTANCE_NOTICE_DAYS", 7)
    ASSISTANCE_TOWNSHIP_DAYS = _env_int("ASSISTANCE_TOWNSHIP_DAYS", 15)
    ASSISTANCE_COUNTY_DAYS = _env_int("ASSISTANCE_COUNTY_DAYS", 10)
    ASSISTANCE_PAY_FIRST_CAP_FEN = _env_int("ASSISTANCE_PAY_FIRST_CAP_FEN", 100_000)

    # Time bank: cancelling, checking in, the balance cap and the yearly cap on gifts to family.
    TIMEBANK_CANCEL_BEFORE_MINUTES = _env_int("TIMEBANK_CANCEL_BEFORE_MINUTES", 120)
    TIMEBANK_CHECK_IN_OPENS_MINUTES = _env_int("TIMEBANK_CHECK_IN_OPENS_MINUTES", 30)
    TIMEBANK_CHECK_IN_RADIUS_M = _env_int("TIMEBANK_CHECK_IN_RADIUS_M", 500)
    TIMEBANK_BALANCE_CAP_HOURS = _env_int("TIMEBANK_BALANCE_CAP_HOURS", 1500)
    TIMEBANK_TRANSFER_YEARLY_CAP_HOURS = _env_int("TIMEBANK_TRANSFER_YEARLY_CAP_HOURS", 100)
    ASSISTANCE_TEKUN_MULTIPLE_PERCENT = _env_int("ASSISTANCE_TEKUN_MULTIPLE_PERCENT", 130)
    ASSISTANCE_ASSET_MONTHS = _env_int("ASSISTANCE_ASSET_MONTHS", 24)
    ASSISTANCE_LOW_INCOME_PERCENT = _env_int("ASSISTANCE_LOW_INCOME_PERCENT", 150)
    ASSISTANCE_TEMPORARY_MONTHS = _env_int("ASSISTANCE_TEMPORARY_MONTHS", 3)
    ASSISTANCE_MEDICAL_SHARE_PERCENT = _env_int("ASSISTANCE_MEDICAL_SHARE_PERCENT", 70)
    ASSISTANCE_MEDICAL_YEARLY_CAP_FEN = _env_int("ASSISTANCE_MEDICAL_YEARLY_CAP_FEN", 5_000_000)
    # Public holidays (YYYY-MM-DD, comma separated) that do not count as working days.
    HOLIDAYS = _env("HOLIDAYS", "")
    # Uploaded documents: outside any static folder.
    STORAGE_DIR = _env("STORAGE_DIR", "var/uploads")
    ATTACHMENT_MAX_BYTES = _env_int("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
    ATTACHMENT_MAX_COUNT = _env_int("ATTACHMENT_MAX_COUNT", 20)
    IDEMPOTENCY_SECONDS = _env_int("IDEMPOTENCY_SECONDS", 24 * 3600)

    # flask-smorest / OpenAPI
    API_TITLE = "minzheng API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "v1/openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = _env(
        "OPENAPI_SWAGGER_UI_URL", "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"
    )
    API_SPEC_OPTIONS = {
        "info": {
            "description": "衢州民政 (minzheng): assistance, nearby help, love time bank, charity.",
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
        },
        "security": [{"bearerAuth": []}],
    }

    def check(self) -> None:
        """Refuse a configuration that must not run (production only)."""


class DevelopmentConfig(Config):
    APP_ENV = "development"
    OUTBOX_IN_PROCESS = _env_bool("OUTBOX_IN_PROCESS", Config.REDIS_URL.startswith("memory://"))


class TestingConfig(Config):
    APP_ENV = "testing"
    TESTING = True
    OUTBOX_IN_PROCESS = False
    DATABASE_URL = _env("TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = _env("TEST_REDIS_URL", "memory://")


class ProductionConfig(Config):
    APP_ENV = "production"
    DEV_LOGIN_ENABLED = _env_bool("DEV_LOGIN_ENABLED", False)

    def check(self) -> None:
        problems = []
        if self.SECRET_KEY == DEFAULT_SECRET_KEY or len(self.SECRET_KEY) < 32:
            problems.append("SECRET_KEY is the development default or shorter than 32 characters")
        if self.DATA_KEY == DEFAULT_DATA_KEY:
            problems.append("DATA_KEY is the development default")
        if self.REDIS_URL.startswith("memory://"):
            problems.append("REDIS_URL is memory:// (in-process Redis)")
        if self.DATABASE_URL.startswith("sqlite"):
            problems.append("DATABASE_URL is SQLite")
        if self.DEV_LOGIN_ENABLED:
            problems.append("DEV_LOGIN_ENABLED is on")
        if problems:
            raise RuntimeError("refusing to start in production: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(overrides: dict | None = None) -> Config:
    """Build the configuration object for APP_ENV, with overrides applied on top."""
    overrides = dict(overrides or {})
    env = overrides.get("APP_ENV") or os.environ.get("APP_ENV", "development")
    if env not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {sorted(CONFIGS)}, not {env!r}")
    config = CONFIGS[env]()
    for key, value in overrides.items():
        setattr(config, key, value)
    config.check()
    return config
