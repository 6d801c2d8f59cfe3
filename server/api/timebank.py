"""Love time bank (爱心时间银行)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from server.api import Blueprint, rate_limited, write_limit
from server.api.idempotency import HEADER_DOC, idempotent
from server.api.security import after_commit, cipher, current_principal
from server.extensions import db, redis_client
from server.schemas import timebank as schemas
from server.schemas.common import ErrorSchema
from server.services import common, geo
from server.services import timebank as service
from server.services import users as users_service

blp = Blueprint("timebank", __name__, url_prefix="/api/v1/timebank", description="Time bank")


def settings() -> service.TimebankSettings:
    return current_app.extensions["minzheng.timebank"]


def now() -> datetime:
    return datetime.now(UTC)


def _position(args: dict) -> tuple[float, float] | None:
    if "lat" not in args:
        return None
    return geo.to_gcj02(args["lat"], args["lng"], args.get("coord_type", "gcj02"))


# --- volunteers ----------------------------------------------------------------------------------


@blp.route("/volunteers", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.VolunteerCreateSchema)
@blp.response(201, schemas.VolunteerSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Real name or ID number missing")
def register_volunteer(body):
    """Register myself as a volunteer (real name and ID number needed); again to change skills."""
    principal = current_principal()
    user, volunteer, _created = service.register(
        db.session, principal=principal, skills=body["skills"], team=body.get("team")
    )
    # The role changed: the cached profile (and principal) must be read again.
    after_commit(lambda: users_service.invalidate_cache(redis_client.client, user_id=user.id))
    return service.describe_volunteer(user, volunteer)


@blp.route("/volunteers/me", methods=["GET"])
@blp.response(200, schemas.VolunteerSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not registered")
def my_volunteer():
    """My volunteer registration."""
    user, volunteer = service.my_volunteer(db.session, principal=current_principal())
    return service.describe_volunteer(user, volunteer)


# --- opportunities -------------------------------------------------------------------------------


@blp.route("/opportunities", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.OpportunityCreateSchema)
@blp.response(201, schemas.OpportunitySchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Region outside the scope")
def create_opportunity(body):
    """Offer a slot of service at a facility or in a region (workers in scope)."""
    principal = current_principal()
    opp, _name = service.create_opportunity(db.session, principal=principal, now=now(), **body)
    return service.describe_one(db.session, opp, principal=principal)


@blp.route("/opportunities", methods=["GET"])
@blp.arguments(schemas.OpportunityQueryArgsSchema, location="query")
@blp.response(200, schemas.OpportunitySchema(many=True))
@blp.paginate()
def list_opportunities(args, pagination_parameters):
    """Future slots with places left: soonest first, or nearest first with lat/lng."""
    items, total = service.list_opportunities(
        db.session,
        principal=current_principal(),
        now=now(),
        start=args.get("start"),
        end=args.get("end"),
        region_code=args.get("region_code"),
        skill=args.get("skill"),
        near=_position(args),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/opportunities/<int:opportunity_id>", methods=["GET"])
@blp.response(200, schemas.OpportunitySchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such opportunity")
def get_opportunity(opportunity_id):
    """One slot, with its places left."""
    principal = current_principal()
    opp = service.get_opportunity(db.session, opportunity_id=opportunity_id)
    return service.describe_one(db.session, opp, principal=principal)


@blp.route("/opportunities/<int:opportunity_id>/cancel", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.OpportunityCancelSchema)
@blp.response(200, schemas.OpportunitySchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already cancelled")
def cancel_opportunity(body, opportunity_id):
    """Cancel a slot: its volunteers are told."""
    principal = current_principal()
    opp = service.cancel_opportunity(
        db.session,
        principal=principal,
        opportunity_id=opportunity_id,
        reason=body["reason"],
        now=now(),
    )
    return service.describe_one(db.session, opp, principal=principal)


@blp.route("/opportunities/<int:opportunity_id>/bookings", methods=["POST"])
@rate_limited(write_limit)
@idempotent("timebank.book")
@blp.response(201, schemas.BookingSchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(403, schema=ErrorSchema, description="Not a volunteer")
@blp.alt_response(404, schema=ErrorSchema, description="No such opportunity")
@blp.alt_response(409, schema=ErrorSchema, description="已约满, time conflict, or started")
def book(opportunity_id):
    """Book a place (a retried request with the same Idempotency-Key books once)."""
    booking, opp = service.book(
        db.session, principal=current_principal(), opportunity_id=opportunity_id, now=now()
    )
    return {
        **service.booking_view(db.session, booking, opp),
        "places_left": opp.places - opp.booked,
    }


@blp.route("/opportunities/<int:opportunity_id>/bookings", methods=["GET"])
@blp.response(200, schemas.RosterSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
def opportunity_roster(opportunity_id):
    """Who booked this slot (workers in scope)."""
    return service.roster(
        db.session, principal=current_principal(), opportunity_id=opportunity_id, cipher=cipher()
    )


# --- bookings ------------------------------------------------------------------------------------


@blp.route("/bookings", methods=["GET"])
@blp.arguments(schemas.BookingQueryArgsSchema, location="query")
@blp.response(200, schemas.BookingSchema(many=True))
@blp.paginate()
def list_bookings(_args, pagination_parameters):
    """My bookings, latest first."""
    items, total = service.my_bookings(
        db.session,
        principal=current_principal(),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/bookings/<int:booking_id>", methods=["DELETE"])
@rate_limited(write_limit)
@blp.response(200, schemas.BookingSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not mine")
@blp.alt_response(409, schema=ErrorSchema, description="Too late to cancel, or not booked")
def cancel_booking(booking_id):
    """Cancel my booking (up to 2 hours before the start, by default)."""
    booking, opp = service.cancel_booking(
        db.session,
        principal=current_principal(),
        booking_id=booking_id,
        now=now(),
        settings=settings(),
    )
    return {
        **service.booking_view(db.session, booking, opp),
        "places_left": opp.places - opp.booked,
    }


@blp.route("/bookings/<int:booking_id>/check-in", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.PresenceSchema)
@blp.response(200, schemas.BookingSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not mine")
@blp.alt_response(409, schema=ErrorSchema, description="Not open yet, over, or not booked")
def check_in(body, booking_id):
    """Check in at the site: by the phone's position (within 500 m) or the site's code."""
    booking, opp = service.check_in(
        db.session,
        principal=current_principal(),
        booking_id=booking_id,
        code=body.get("code"),
        position=_position(body),
        now=now(),
        settings=settings(),
    )
    return service.booking_view(db.session, booking, opp)


@blp.route("/bookings/<int:booking_id>/check-out", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.PresenceSchema)
@blp.response(200, schemas.BookingSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not mine")
@blp.alt_response(409, schema=ErrorSchema, description="Not checked in")
def check_out(body, booking_id):
    """Check out: the time served (within the slot, by the half hour) goes for approval."""
    booking, opp, log = service.check_out(
        db.session,
        principal=current_principal(),
        booking_id=booking_id,
        code=body.get("code"),
        position=_position(body),
        now=now(),
        settings=settings(),
    )
    return {
        **service.booking_view(db.session, booking, opp),
        "service_log_id": log.id if log else None,
        "served_minutes": log.minutes if log else 0,
    }


# --- service logs --------------------------------------------------------------------------------


@blp.route("/service-logs", methods=["POST"])
@rate_limited(write_limit)
@idempotent("timebank.log")
@blp.arguments(schemas.ServiceLogCreateSchema)
@blp.response(201, schemas.ServiceLogSchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(403, schema=ErrorSchema, description="Not a volunteer")
def log_service(body):
    """Log service given outside a booking: the person served confirms, then a worker."""
    log = service.log_service(
        db.session,
        principal=current_principal(),
        cipher=cipher(),
        today=common.local_today(now()),
        settings=settings(),
        **body,
    )
    return service.describe_log(log)


@blp.route("/service-logs", methods=["GET"])
@blp.arguments(schemas.ServiceLogQueryArgsSchema, location="query")
@blp.response(200, schemas.ServiceLogSchema(many=True))
@blp.paginate()
def list_service_logs(args, pagination_parameters):
    """My logs (`mine`), those waiting for my confirmation (`to_confirm`), or a worker's queue."""
    items, total = service.list_logs(
        db.session,
        principal=current_principal(),
        mine=args["mine"],
        to_confirm=args["to_confirm"],
        status=args.get("status"),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/service-logs/<int:log_id>/confirm", methods=["POST"])
@rate_limited(write_limit)
@blp.response(200, schemas.ServiceLogSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not a log I was served by")
@blp.alt_response(409, schema=ErrorSchema, description="Already confirmed or decided")
def confirm_log(log_id):
    """I (or my family member) was served: confirm it."""
    log = service.confirm_log(db.session, principal=current_principal(), log_id=log_id, now=now())
    return service.describe_log(log)


@blp.route("/service-logs/<int:log_id>/approve", methods=["POST"])
@rate_limited(write_limit)
@blp.response(200, schemas.ServiceLogSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker, or my own log")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already decided, or not confirmed")
def approve_log(log_id):
    """Approve a log: the hours are banked once (above the cap, into the fund)."""
    log, credit = service.decide_log(
        db.session,
        principal=current_principal(),
        log_id=log_id,
        approve=True,
        reason=None,
        now=now(),
        settings=settings(),
    )
    return {
        **service.describe_log(log),
        "credited_minutes": credit.credited,
        "to_fund_minutes": credit.overflow,
    }


@blp.route("/service-logs/<int:log_id>/reject", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.LogRejectSchema)
@blp.response(200, schemas.ServiceLogSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker, or my own log")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already decided")
def reject_log(body, log_id):
    """Reject a log, with the reason the volunteer will read."""
    log, _ = service.decide_log(
        db.session,
        principal=current_principal(),
        log_id=log_id,
        approve=False,
        reason=body["reason"],
        now=now(),
        settings=settings(),
    )
    return service.describe_log(log)


# --- the account ---------------------------------------------------------------------------------


@blp.route("/account", methods=["GET"])
@blp.response(200, schemas.AccountSchema)
@blp.paginate()
def account(pagination_parameters):
    """My balance, hours earned and spent, star level, ledger entries and certificate summary."""
    summary = service.account_summary(
        db.session,
        principal=current_principal(),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
        cache=redis_client.client,
    )
    pagination_parameters.item_count = summary["entries_total"]
    return summary


@blp.route("/transfers", methods=["POST"])
@rate_limited(write_limit)
@idempotent("timebank.transfer")
@blp.arguments(schemas.TransferCreateSchema)
@blp.response(201, schemas.TransferSchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(409, schema=ErrorSchema, description="Not enough hours, or a cap reached")
def transfer(body):
    """Give hours to a family member (their phone number and real name must both match)."""
    record = service.transfer(
        db.session,
        principal=current_principal(),
        cipher=cipher(),
        now=now(),
        settings=settings(),
        **body,
    )
    return {
        "id": record.id,
        "to_user_id": record.to_user_id,
        "minutes": record.minutes,
        "relation": record.relation,
        "created_at": record.created_at,
    }


@blp.route("/redemptions", methods=["POST"])
@rate_limited(write_limit)
@idempotent("timebank.redeem")
@blp.arguments(schemas.RedemptionCreateSchema)
@blp.response(201, schemas.RedemptionSchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(409, schema=ErrorSchema, description="Not enough hours (says how many)")
def redeem(body):
    """Ask for care with my hours: they are held at once."""
    r = service.redeem(
        db.session, principal=current_principal(), today=common.local_today(now()), **body
    )
    return service.describe_redemption(r)


@blp.route("/redemptions", methods=["GET"])
@blp.arguments(schemas.RedemptionQueryArgsSchema, location="query")
@blp.response(200, schemas.RedemptionSchema(many=True))
@blp.paginate()
def list_redemptions(args, pagination_parameters):
    """My requests for care; for a worker, those in their scope."""
    items, total = service.list_redemptions(
        db.session,
        principal=current_principal(),
        mine=args["mine"],
        status=args.get("status"),
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/redemptions/<int:redemption_id>/cancel", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.RedemptionCancelSchema)
@blp.response(200, schemas.RedemptionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already done or cancelled")
def cancel_redemption(body, redemption_id):
    """Cancel a request for care: the held hours come back."""
    r = service.cancel_redemption(
        db.session,
        principal=current_principal(),
        redemption_id=redemption_id,
        reason=body.get("reason"),
        now=now(),
    )
    return service.describe_redemption(r)


@blp.route("/redemptions/<int:redemption_id>/done", methods=["POST"])
@rate_limited(write_limit)
@blp.response(200, schemas.RedemptionSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
@blp.alt_response(409, schema=ErrorSchema, description="Already done or cancelled")
def complete_redemption(redemption_id):
    """The care was given: the held hours are spent (workers in scope)."""
    r = service.complete_redemption(
        db.session, principal=current_principal(), redemption_id=redemption_id, now=now()
    )
    return service.describe_redemption(r)


# --- the fund and corrections --------------------------------------------------------------------


@blp.route("/fund", methods=["GET"])
@blp.response(200, schemas.FundSchema)
def fund():
    """The bank's fund: hours received (above the cap) and granted."""
    return service.fund_summary(db.session)


@blp.route("/fund/donations", methods=["POST"])
@rate_limited(write_limit)
@idempotent("timebank.give")
@blp.arguments(schemas.FundDonationSchema)
@blp.response(201, schemas.FundSchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(409, schema=ErrorSchema, description="Not enough hours (says how many)")
def give_to_fund(body):
    """Give some of my hours to the bank's fund, for elders in need."""
    service.give_to_fund(db.session, principal=current_principal(), minutes=body["minutes"])
    return service.fund_summary(db.session)


@blp.route("/fund/grants", methods=["POST"])
@rate_limited(write_limit)
@idempotent("timebank.grant")
@blp.arguments(schemas.GrantCreateSchema)
@blp.response(201, schemas.GrantSchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(409, schema=ErrorSchema, description="The fund has not enough")
def grant(body):
    """Grant hours from the fund to an elder in need in my scope, with a reason."""
    return service.grant(
        db.session, principal=current_principal(), cipher=cipher(), settings=settings(), **body
    )


@blp.route("/corrections", methods=["POST"])
@rate_limited(write_limit)
@idempotent("timebank.correct")
@blp.arguments(schemas.CorrectionCreateSchema)
@blp.response(201, schemas.EntrySchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(403, schema=ErrorSchema, description="Not an admin")
@blp.alt_response(409, schema=ErrorSchema, description="Would make the balance negative")
def correct(body):
    """Correct a balance (admins), with a reason; it is an entry like any other."""
    entry = service.correct(db.session, principal=current_principal(), **body)
    return {
        "id": entry.id,
        "kind": entry.kind,
        "minutes": entry.minutes,
        "ref_type": entry.ref_type,
        "ref_id": entry.ref_id,
        "reason": entry.reason,
        "created_at": entry.created_at,
    }
