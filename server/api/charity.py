"""Charity (慈善捐赠) and its public ledger (阳光民政)."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import UTC, datetime

import redis
from flask import Response, request

from server.api import Blueprint, public_limit, rate_limited, write_limit
from server.api.idempotency import HEADER_DOC, idempotent
from server.api.security import after_commit, current_principal
from server.errors import ValidationFailed
from server.extensions import db, redis_client
from server.schemas import charity as schemas
from server.schemas.common import ErrorSchema
from server.services import charity as service
from server.services import common, receipts

log = logging.getLogger(__name__)

blp = Blueprint("charity", __name__, url_prefix="/api/v1/charity", description="Charity")
public_blp = Blueprint(
    "public_charity", __name__, url_prefix="/api/v1/public/charity", description="阳光民政"
)

REPORT_SECONDS = 300
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 128},
    "description": "Required: one key per gift, generated once per form; a retry logs nothing.",
}


def now() -> datetime:
    return datetime.now(UTC)


def today():
    return common.local_today(now())


def report_key(campaign_id: int) -> str:
    return f"charity:report:{campaign_id}"


def forget_report(campaign_id: int) -> None:
    """Drop the cached public report once the change has committed."""

    def drop():
        try:
            redis_client.client.delete(report_key(campaign_id))
        except redis.RedisError:
            log.warning("charity report cache not cleared for campaign %s", campaign_id)

    after_commit(drop)


# --- campaigns -----------------------------------------------------------------------------------


@blp.route("/campaigns", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.CampaignCreateSchema)
@blp.response(201, schemas.CampaignSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Below county level")
@blp.alt_response(404, schema=ErrorSchema, description="Region outside the scope")
def create_campaign(body):
    """Start a campaign (county or city workers)."""
    campaign = service.create_campaign(db.session, principal=current_principal(), **body)
    return service.describe_campaign(db.session, campaign, today=today())


@blp.route("/campaigns", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(schemas.CampaignQueryArgsSchema, location="query")
@blp.response(200, schemas.CampaignSchema(many=True))
@blp.paginate()
@blp.alt_response(404, schema=ErrorSchema, description="No such region")
def list_campaigns(args, pagination_parameters):
    """Campaigns with their live totals, the latest first."""
    rows, total = service.list_campaigns(
        db.session,
        region_code=args.get("region_code"),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    day = today()
    return [service.describe_campaign(db.session, c, today=day) for c in rows]


@blp.route("/campaigns/<int:campaign_id>", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.response(200, schemas.CampaignSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such campaign")
def get_campaign(campaign_id):
    """One campaign: received, goods, donors, disbursed, balance, progress."""
    campaign = service.get_campaign(db.session, campaign_id=campaign_id)
    return service.describe_campaign(db.session, campaign, today=today())


@blp.route("/campaigns/<int:campaign_id>/disbursements", methods=["POST"])
@rate_limited(write_limit)
@idempotent("charity.disburse")
@blp.arguments(schemas.DisbursementCreateSchema)
@blp.response(201, schemas.DisbursementSchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="No such campaign, or region out of scope")
@blp.alt_response(409, schema=ErrorSchema, description="More than the confirmed balance")
def disburse(body, campaign_id):
    """Give out money or goods for one of the campaign's purposes (never beyond the balance)."""
    out = service.disburse(
        db.session, principal=current_principal(), campaign_id=campaign_id, **body
    )
    forget_report(campaign_id)
    return service.describe_disbursement(out, public=False)


@blp.route("/campaigns/<int:campaign_id>/disbursements", methods=["GET"])
@blp.response(200, schemas.DisbursementSchema(many=True))
@blp.paginate()
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
def list_disbursements(campaign_id, pagination_parameters):
    """A campaign's disbursements in full (workers in scope)."""
    rows, total = service.list_disbursements(
        db.session,
        principal=current_principal(),
        campaign_id=campaign_id,
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return [service.describe_disbursement(o, public=False) for o in rows]


def _cell(value):
    """A CSV cell that a spreadsheet will not run as a formula (a name like "=HYPERLINK(…)")."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@blp.route("/campaigns/<int:campaign_id>/export.csv", methods=["GET"])
@blp.response(200, description="CSV: every donation and disbursement", content_type="text/csv")
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
def export_csv(campaign_id):
    """Every gift and disbursement of a campaign, for the auditors (workers in scope)."""
    rows = service.export_rows(db.session, principal=current_principal(), campaign_id=campaign_id)
    out = io.StringIO()
    out.write("\ufeff")  # so that Excel reads the Chinese as UTF-8
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=campaign-{campaign_id}.csv"},
    )


# --- work units ----------------------------------------------------------------------------------


@blp.route("/units", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(schemas.UnitQueryArgsSchema, location="query")
@blp.response(200, schemas.UnitSchema(many=True))
@blp.paginate()
def list_units(args, pagination_parameters):
    """Work units (单位), to pick one when giving."""
    rows, total = service.list_units(
        db.session,
        q=args.get("q"),
        region_code=args.get("region_code"),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return rows


@blp.route("/units", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.UnitCreateSchema)
@blp.response(201, schemas.UnitSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(409, schema=ErrorSchema, description="Already registered")
def create_unit(body):
    """Register a work unit (workers in scope)."""
    return service.create_unit(db.session, principal=current_principal(), **body)


# --- donations -----------------------------------------------------------------------------------


def _idempotency_key() -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 128:
        raise ValidationFailed(
            {"Idempotency-Key": ["请求头必须带一个 1 到 128 个字符的幂等键，每份表单生成一次。"]},
            location="headers",
        )
    return key


@blp.route("/donations", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.DonationCreateSchema)
@blp.response(201, schemas.DonationSchema)
@blp.doc(parameters=[IDEMPOTENCY_HEADER])
@blp.alt_response(200, schema=schemas.DonationSchema, description="A replay of the same key")
@blp.alt_response(404, schema=ErrorSchema, description="No such campaign")
@blp.alt_response(409, schema=ErrorSchema, description="The campaign is not open")
def log_donation(body):
    """Log a gift of money or goods (mine as pledged; a worker's counter gift as received).

    The Idempotency-Key is required: a retry with it returns the first gift and writes nothing;
    the same key with a different body is a 422."""
    gift, replayed = service.log_donation(
        db.session,
        principal=current_principal(),
        idempotency_key=_idempotency_key(),
        body=body,
        today=today(),
    )
    if not replayed and gift.status != "pledged":
        # A pledge is not in the report until it is confirmed (only the campaign's pledged
        # total shows it, and that may lag by the cache's few minutes).
        forget_report(gift.campaign_id)
    data = service.describe_donation(db.session, gift)
    if replayed:
        return data, 200, {"Idempotent-Replayed": "true"}
    return data


@blp.route("/donations", methods=["GET"])
@blp.arguments(schemas.DonationQueryArgsSchema, location="query")
@blp.response(200, schemas.DonationSchema(many=True))
@blp.paginate()
def list_donations(args, pagination_parameters):
    """My gifts (`mine=1`, or anyone not a worker); for a worker, the gifts in their scope."""
    principal = current_principal()
    page, size = pagination_parameters.page, pagination_parameters.page_size
    if args["mine"] or "worker" not in principal.roles and "admin" not in principal.roles:
        rows, total = service.my_donations(
            db.session, principal=principal, page=page, page_size=size
        )
    else:
        rows, total = service.list_donations(
            db.session,
            principal=principal,
            campaign_id=args.get("campaign_id"),
            status=args.get("status"),
            page=page,
            page_size=size,
        )
    pagination_parameters.item_count = total
    units = service.unit_names(db.session, rows)
    return [service.describe_donation(db.session, gift, units=units) for gift in rows]


@blp.route("/donations/<int:donation_id>", methods=["GET"])
@blp.response(200, schemas.DonationSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not mine")
def get_donation(donation_id):
    """One gift (its donor, or a worker in scope)."""
    gift = service.get_donation(db.session, principal=current_principal(), donation_id=donation_id)
    return service.describe_donation(db.session, gift)


@blp.route("/donations/<int:donation_id>/confirm", methods=["POST"])
@rate_limited(write_limit)
@blp.response(200, schemas.DonationSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already confirmed, or voided")
def confirm_donation(donation_id):
    """The money arrived or the goods were taken in: issue the receipt number."""
    gift = service.confirm(
        db.session, principal=current_principal(), donation_id=donation_id, now=now()
    )
    forget_report(gift.campaign_id)
    return service.describe_donation(db.session, gift)


@blp.route("/donations/<int:donation_id>/void", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.VoidSchema)
@blp.response(200, schemas.DonationSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already voided, or already disbursed")
def void_donation(body, donation_id):
    """Void a gift logged in error, with a reason: it stays on record and leaves every total."""
    gift = service.void(
        db.session,
        principal=current_principal(),
        donation_id=donation_id,
        reason=body["reason"],
        now=now(),
    )
    forget_report(gift.campaign_id)
    return service.describe_donation(db.session, gift)


@blp.route("/donations/<int:donation_id>/receipt", methods=["GET"])
@blp.arguments(schemas.ReceiptArgsSchema, location="query")
@blp.response(200, schemas.ReceiptSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not mine")
@blp.alt_response(409, schema=ErrorSchema, description="Not confirmed yet")
def get_receipt(args, donation_id):
    """The receipt, as JSON, or as a PDF to save (`format=pdf`)."""
    data = service.receipt(db.session, principal=current_principal(), donation_id=donation_id)
    if args["format"] == "pdf":
        return Response(
            receipts.render_pdf(data),
            mimetype="application/pdf",
            headers={
                "Content-Disposition": f"inline; filename={data['receipt_number']}.pdf",
            },
        )
    return data


# --- the public ledger ---------------------------------------------------------------------------


@public_blp.route("/campaigns/<int:campaign_id>/report", methods=["GET"])
@public_blp.public
@rate_limited(public_limit)
@public_blp.response(200, schemas.ReportSchema)
@public_blp.alt_response(404, schema=ErrorSchema, description="No such campaign")
def campaign_report(campaign_id):
    """Money and goods in and out, by purpose and by month; recent gifts (surname kept, or
    爱心人士); unit totals; disbursements with recipients masked. Cached for a few minutes and
    refreshed on every change."""
    key = report_key(campaign_id)
    try:
        cached = redis_client.client.get(key)
    except redis.RedisError:
        cached = None
    if cached is not None:
        return Response(cached, mimetype="application/json")
    report = service.public_report(db.session, campaign_id=campaign_id, today=today())
    text = json.dumps(schemas.ReportSchema().dump(report), ensure_ascii=False)
    try:
        redis_client.client.set(key, text, ex=REPORT_SECONDS)
    except redis.RedisError:
        log.warning("charity report not cached")
    return Response(text, mimetype="application/json")
