"""The region tree: city, counties, townships and communities."""

from __future__ import annotations

from server.api import Blueprint, public_limit, rate_limited
from server.extensions import db
from server.schemas.common import ErrorSchema
from server.schemas.regions import RegionQueryArgsSchema, RegionSchema
from server.services import regions as regions_service

blp = Blueprint("regions", __name__, url_prefix="/api/v1/regions", description="Regions")


@blp.route("", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(RegionQueryArgsSchema, location="query")
@blp.response(200, RegionSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="No such parent region")
def list_regions(args):
    """The regions directly under `parent` (nested `depth` levels), for a region picker."""
    return regions_service.list_children(
        db.session, parent_code=args.get("parent"), depth=args["depth"]
    )


@blp.route("/<string:code>", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.response(200, RegionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such region")
def get_region(code):
    """One region."""
    return regions_service.get_region(db.session, code=code)
