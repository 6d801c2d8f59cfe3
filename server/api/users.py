"""The logged-in user's own profile."""

from __future__ import annotations

from flask import current_app, g

from server.api import Blueprint, rate_limited, write_limit
from server.api.security import after_commit, cipher, current_principal
from server.extensions import db, redis_client
from server.schemas.common import ErrorSchema
from server.schemas.users import PhoneCodeSchema, UserSchema, UserUpdateSchema
from server.services import users as users_service
from server.services import wechat

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="My profile")


@blp.route("/me", methods=["GET"])
@blp.response(200, UserSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
def get_me():
    """My profile, with my ID and phone numbers masked."""
    # Served as cached (see users_service.cached_entry): no second serialization.
    return current_app.response_class(g.profile_json, mimetype="application/json")


@blp.route("/me", methods=["PATCH"])
@rate_limited(write_limit)
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(409, schema=ErrorSchema, description="ID or phone number belongs to another")
def update_me(body):
    """Set my real name, ID number, mobile number or region."""
    principal = current_principal()
    user = users_service.update_profile(db.session, user_id=principal.id, cipher=cipher(), **body)
    after_commit(lambda: users_service.invalidate_cache(redis_client.client, user_id=user.id))
    return users_service.profile(user, cipher=cipher())


@blp.route("/me/phone", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(PhoneCodeSchema)
@blp.response(200, UserSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(409, schema=ErrorSchema, description="The number belongs to another account")
@blp.alt_response(422, schema=ErrorSchema, description="The code is invalid, used or expired")
@blp.alt_response(503, schema=ErrorSchema, description="WeChat is busy or unreachable")
def phone_from_wechat(body):
    """Set my mobile number to the one WeChat verified (the code of a getPhoneNumber tap)."""
    principal = current_principal()
    phone = wechat.phone_number(
        current_app.extensions["minzheng.wechat"], redis_client.client, code=body["code"]
    )
    user = users_service.update_profile(
        db.session, user_id=principal.id, cipher=cipher(), phone=phone
    )
    after_commit(lambda: users_service.invalidate_cache(redis_client.client, user_id=user.id))
    return users_service.profile(user, cipher=cipher())
