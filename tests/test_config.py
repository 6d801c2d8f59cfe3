import pytest

from server.config import DEFAULT_DATA_KEY, DEFAULT_SECRET_KEY, load_config

GOOD = {
    "APP_ENV": "production",
    "SECRET_KEY": "s" * 48,
    "DATA_KEY": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
    "DATABASE_URL": "postgresql+psycopg://app@db/minzheng",
    "REDIS_URL": "redis://cache:6379/0",
    "DEV_LOGIN_ENABLED": False,
}


def test_a_proper_production_configuration_starts():
    config = load_config(GOOD)
    assert config.APP_ENV == "production" and config.DEV_LOGIN_ENABLED is False


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"SECRET_KEY": DEFAULT_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DATA_KEY": DEFAULT_DATA_KEY}, "DATA_KEY"),
        ({"REDIS_URL": "memory://"}, "memory://"),
        ({"DATABASE_URL": "sqlite:///x.db"}, "SQLite"),
        ({"DEV_LOGIN_ENABLED": True}, "DEV_LOGIN_ENABLED"),
    ],
)
def test_production_refuses_development_defaults(override, complaint):
    with pytest.raises(RuntimeError, match=complaint):
        load_config({**GOOD, **override})


def test_production_turns_dev_login_off_by_default():
    from server.config import ProductionConfig

    assert ProductionConfig.DEV_LOGIN_ENABLED is False


def test_an_unknown_app_env_is_refused():
    with pytest.raises(RuntimeError, match="APP_ENV"):
        load_config({"APP_ENV": "staging"})
