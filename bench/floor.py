"""The floor: the app itself, with bench-only routes made of its own layers and none of the feature.

The ceiling (bench/ceiling.py) is what a bare Flask route costs. A real endpoint also pays for
the app's layers, whatever it does: its hooks, authentication (for writes), the rate limiter,
webargs and marshmallow, the response wrapper and, for writes, a session and a transaction.
These routes pay exactly that, through the same decorators as the endpoints they stand beside,
and do nothing else, so a target set against the ceiling can be read against what any endpoint
of this stack can reach (docs/performance.md):

- `GET /bench/floor/nearby`: the layers of `GET /api/v1/facilities/nearby` (public, the public
  rate limit, its query schema, its response wrapper), answering an empty list;
- `GET /bench/floor/nearby-read`: the same, and the one Redis round trip in which the nearby view
  reads what its answer needs (`CardStore.prefetch`: the stamps, the circles, the nearest cards),
  without deciding or writing anything from it;
- `POST /bench/floor/insert`: the layers of `POST /api/v1/charity/donations` (authentication,
  the write rate limit, the donation's body schema, its response schema) and a bare one-row
  insert (the ceiling's yardstick table) in the request's session and transaction.

Served by `make bench` as its own gunicorn (`bench.floor:app`), after the app and before the
ceiling; never part of the app.
"""

from __future__ import annotations

from flask import Response
from sqlalchemy import insert

from bench.ceiling import BARE_TABLE
from server import create_app
from server.api import Blueprint, public_limit, rate_limited, write_limit
from server.extensions import db, redis_client
from server.schemas import charity as charity_schemas
from server.schemas import facilities as facility_schemas
from server.services.facility_cards import CardStore
from server.services.facility_search import FACILITY_TYPES

blp = Blueprint("bench_floor", __name__, url_prefix="/bench/floor")
EMPTY = '{"items":[],"emergencies":[]}'


@blp.route("/nearby", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(facility_schemas.NearbyArgsSchema, location="query")
@blp.response(200, facility_schemas.NearbySchema)
def nearby_layers(_args):
    return Response(EMPTY, mimetype="application/json")


@blp.route("/nearby-read", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(facility_schemas.NearbyArgsSchema, location="query")
@blp.response(200, facility_schemas.NearbySchema)
def nearby_read(args):
    CardStore(redis_client.client).prefetch(
        types=tuple(dict.fromkeys(args.get("types") or FACILITY_TYPES)),
        lat=args["lat"],
        lng=args["lng"],
        radius_m=args["radius_m"],
        limit=args["limit"],
    )
    return Response(EMPTY, mimetype="application/json")


@blp.route("/insert", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(charity_schemas.DonationCreateSchema)
@blp.response(201, charity_schemas.DonationSchema)
def insert_layers(body):
    row_id = db.session.execute(
        insert(BARE_TABLE).values(note=body.get("message") or "").returning(BARE_TABLE.c.id)
    ).scalar_one()
    return {"id": row_id}


app = create_app()
app.register_blueprint(blp)
