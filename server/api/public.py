"""阳光民政: what the public may read without logging in, and objections to a notice."""

from __future__ import annotations

from flask import current_app

from server.api import Blueprint, public_limit, rate_limited, write_limit
from server.api.assistance import today
from server.api.security import current_principal
from server.extensions import db
from server.schemas import assistance as schemas
from server.schemas.common import ErrorSchema
from server.services import assistance as assistance_service

blp = Blueprint("public", __name__, url_prefix="/api/v1/public", description="Public disclosure")


@blp.route("/notices", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(schemas.NoticeQueryArgsSchema, location="query")
@blp.response(200, schemas.NoticeSchema(many=True))
@blp.paginate()
@blp.alt_response(404, schema=ErrorSchema, description="No such region")
def list_notices(args, pagination_parameters):
    """Assistance in notice, or approved in the last 12 months, in a region (names masked)."""
    notices, total = assistance_service.public_notices(
        db.session,
        region_code=args["region_code"],
        today=today(),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return notices


@blp.route("/notices/<int:application_id>/objections", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.ObjectionCreateSchema)
@blp.response(201, schemas.ObjectionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not in notice")
def object_to_notice(body, application_id):
    """Object to a case in notice, with a reason: it goes back to investigation."""
    return assistance_service.object_to_notice(
        db.session,
        principal=current_principal(),
        application_id=application_id,
        reason=body["reason"],
        today=today(),
        settings=current_app.extensions["minzheng.assistance"],
    )
