"""HTTP only: parse, authorize, call a service, serialize. Blueprints are assembled here."""

from __future__ import annotations

import re

import flask_smorest
import marshmallow as ma
from flask import current_app
from webargs.flaskparser import FlaskParser

from server.schemas.common import ErrorSchema

# C0 control characters other than tab, newline and carriage return: never meaningful in input,
# and PostgreSQL refuses NUL in text.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _fields_with_control_chars(data, prefix: str = "") -> list[str]:
    found = []
    if isinstance(data, str):
        return [prefix] if CONTROL_CHARS.search(data) else []
    if isinstance(data, dict) or hasattr(data, "items"):
        multi = hasattr(data, "getlist")
        for key in data:
            # A repeated query parameter is one field: report it by its own name.
            value = " ".join(map(str, data.getlist(key))) if multi else data[key]
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str) and CONTROL_CHARS.search(key):
                found.append(name)
            found.extend(_fields_with_control_chars(value, name))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found.extend(_fields_with_control_chars(value, f"{prefix}.{index}"))
    return found


def rate_limited(limit_value):
    """flask-limiter's `limit`, marking the view so that unlimited views skip the limiter."""

    def decorator(func):
        from server.extensions import limiter

        limited = limiter.limit(limit_value)(func)
        limited._rate_limited = True
        return limited

    return decorator


def is_rate_limited(app, endpoint: str | None) -> bool:
    """Whether the endpoint has a rate limit of its own (read from its view, so a blueprint
    registered after `create_app` is covered too)."""
    return getattr(app.view_functions.get(endpoint), "_rate_limited", False)


def login_limit() -> str:
    """Rate limit of login and refresh, per client address."""
    return current_app.config["RATE_LIMIT_LOGIN"]


def public_limit() -> str:
    """Rate limit of public endpoints, per client address."""
    return current_app.config["RATE_LIMIT_PUBLIC"]


def write_limit() -> str:
    """Rate limit of writes, per user."""
    return current_app.config["RATE_LIMIT_WRITE"]


class Parser(FlaskParser):
    """webargs' parser, refusing control characters in any string of any location."""

    def pre_load(self, location_data, *, schema, req, location):
        bad = _fields_with_control_chars(location_data)
        if bad:
            raise ma.ValidationError({name or "_body": ["不能包含控制字符。"] for name in bad})
        return location_data


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        from server.errors import handle_http_exception

        return handle_http_exception(error)


MAX_PAGE = 1_000_000
_smorest_pagination_factory = flask_smorest.pagination._pagination_parameters_schema_factory


def _bounded_pagination_schema(def_page, def_page_size, def_max_page_size):
    """flask-smorest's pagination schema with an upper bound on `page`: an offset must fit the
    database's integers (flask-smorest has no setting for it, hence this wrapper)."""
    base = _smorest_pagination_factory(def_page, def_page_size, def_max_page_size)

    class PaginationParametersSchema(base):
        page = ma.fields.Integer(
            load_default=def_page, validate=ma.validate.Range(min=1, max=MAX_PAGE)
        )

    return PaginationParametersSchema


flask_smorest.pagination._pagination_parameters_schema_factory = _bounded_pagination_schema


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with an explicit marker for the few public endpoints.

    Every route is authenticated unless marked with `@blp.public` (see server.api.security).
    Unknown fields are refused in bodies (marshmallow's RAISE) and ignored in query strings
    (webargs' EXCLUDE for the query location); both are the libraries' defaults, kept here.
    """

    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema, **kwargs):
        """flask-smorest's `arguments`, with a schema class made an instance once, here: given a
        class, webargs builds a new schema (deep copies of every field) on every request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)

    def public(self, func):
        func._public = True
        return self.doc(security=[])(func)


def register_blueprints(api: Api) -> None:
    from server.api import (
        admin,
        assistance,
        auth,
        charity,
        facilities,
        health,
        notifications,
        public,
        regions,
        timebank,
        users,
    )

    for module in (health, auth, users, notifications, regions, assistance, public, admin):
        api.register_blueprint(module.blp)
    api.register_blueprint(facilities.blp)
    api.register_blueprint(facilities.emergency_blp)
    api.register_blueprint(timebank.blp)
    api.register_blueprint(charity.blp)
    api.register_blueprint(charity.public_blp)
