"""HTTP only: parse, authorize, call a service, serialize. Blueprints are assembled here."""

from __future__ import annotations

import flask_smorest

from server.schemas.common import ErrorSchema


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        from server.errors import handle_http_exception

        return handle_http_exception(error)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with an explicit marker for the few public endpoints.

    Every route is authenticated unless marked with `@blp.public` (see server.api.security).
    Unknown fields are refused in bodies (marshmallow's RAISE) and ignored in query strings
    (webargs' EXCLUDE for the query location); both are the libraries' defaults, kept here.
    """

    def public(self, func):
        func._public = True
        return self.doc(security=[])(func)


def register_blueprints(api: Api) -> None:
    from server.api import auth, health, regions, users

    for module in (health, auth, users, regions):
        api.register_blueprint(module.blp)
