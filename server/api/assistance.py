"""Assistance: programs, standards, the self-check, applications and the staged review."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, send_file

from server.api import Blueprint, public_limit, rate_limited, write_limit
from server.api.idempotency import HEADER_DOC, idempotent
from server.api.security import cipher, current_principal, on_failure
from server.errors import NotFound
from server.extensions import db
from server.schemas import assistance as schemas
from server.schemas.common import ErrorSchema
from server.services import assistance as service
from server.services import common, storage

blp = Blueprint(
    "assistance", __name__, url_prefix="/api/v1/assistance", description="Social assistance"
)


def settings() -> service.AssistanceSettings:
    return current_app.extensions["minzheng.assistance"]


def now() -> datetime:
    return datetime.now(UTC)


def today():
    return common.local_today(now())


def _describe(app, *, detail: bool = False) -> dict:
    return service.describe(
        db.session,
        app,
        principal=current_principal(),
        cipher=cipher(),
        today=today(),
        detail=detail,
    )


# --- programs, standards, self-check -------------------------------------------------------


@blp.route("/programs", methods=["GET"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(schemas.ProgramQueryArgsSchema, location="query")
@blp.response(200, schemas.ProgramSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="No such region")
def list_programs(args):
    """The programs, what each is for, who may apply, the documents, and the standards."""
    return service.list_programs(
        db.session, region_code=args.get("region_code"), on=today(), settings=settings()
    )


@blp.route("/standards", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.StandardCreateSchema)
@blp.response(201, schemas.StandardSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Below county level")
@blp.alt_response(404, schema=ErrorSchema, description="Region outside the worker's scope")
@blp.alt_response(409, schema=ErrorSchema, description="A standard already starts that day")
def add_standard(body):
    """Add a standard from a date (county workers and above, in their scope)."""
    return service.add_standard(db.session, principal=current_principal(), **body)


@blp.route("/eligibility", methods=["POST"])
@blp.public
@rate_limited(public_limit)
@blp.arguments(schemas.EligibilityQuerySchema)
@blp.response(200, schemas.EligibilitySchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such region")
@blp.alt_response(409, schema=ErrorSchema, description="No standard set for the region")
def check_eligibility(body):
    """Self-check: may this household qualify, for how much, and why (nothing is stored)."""
    return service.self_check(db.session, on=today(), settings=settings(), **body)


# --- applications ----------------------------------------------------------------------------


@blp.route("/applications", methods=["POST"])
@rate_limited(write_limit)
@idempotent("assistance.create")
@blp.arguments(schemas.ApplicationCreateSchema)
@blp.response(201, schemas.ApplicationSchema)
@blp.doc(parameters=[HEADER_DOC])
@blp.alt_response(409, schema=ErrorSchema, description="Profile incomplete, or one already open")
def create_application(body):
    """Start a draft application (for myself, or as a worker for a resident: 受委托代办)."""
    app = service.create_application(
        db.session, principal=current_principal(), cipher=cipher(), **body
    )
    return _describe(app)


@blp.route("/applications", methods=["GET"])
@blp.arguments(schemas.ApplicationQueryArgsSchema, location="query")
@blp.response(200, schemas.ApplicationSchema(many=True))
@blp.paginate()
def list_applications(args, pagination_parameters):
    """My applications; for a worker, the queue of their scope, soonest deadline first."""
    principal = current_principal()
    page, size = pagination_parameters.page, pagination_parameters.page_size
    worker = "worker" in principal.roles or "admin" in principal.roles
    if args.get("mine") or not worker:
        items, total = service.list_mine(db.session, principal=principal, page=page, page_size=size)
    else:
        items, total = service.list_queue(
            db.session,
            principal=principal,
            statuses=args.get("status"),
            program=args.get("program"),
            overdue=args.get("overdue"),
            today=today(),
            page=page,
            page_size=size,
        )
    pagination_parameters.item_count = total
    return service.describe_many(
        db.session, items, principal=principal, cipher=cipher(), today=today()
    )


@blp.route("/applications/<int:application_id>", methods=["GET"])
@blp.response(200, schemas.ApplicationDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not yours")
def get_application(application_id):
    """One application with its whole timeline and its documents."""
    app = service.get_application(
        db.session, principal=current_principal(), application_id=application_id
    )
    return _describe(app, detail=True)


@blp.route("/applications/<int:application_id>", methods=["PATCH"])
@rate_limited(write_limit)
@blp.arguments(schemas.ApplicationUpdateSchema)
@blp.response(200, schemas.ApplicationSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not yours")
@blp.alt_response(409, schema=ErrorSchema, description="Stale version, or not editable now")
def update_application(body, application_id):
    """Edit a draft or a returned application."""
    app = service.update_draft(
        db.session,
        principal=current_principal(),
        application_id=application_id,
        today=today(),
        **body,
    )
    return _describe(app)


@blp.route("/applications/<int:application_id>/identity", methods=["GET"])
@blp.response(200, schemas.IdentitySchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a worker")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or outside the scope")
def reveal_identity(application_id):
    """The applicant's full ID number, for the reviewing worker (every read is audited)."""
    return service.reveal_identity(
        db.session,
        principal=current_principal(),
        application_id=application_id,
        cipher=cipher(),
    )


ACTION_SCHEMAS = {
    "submit": (schemas.VersionSchema, "Submit: checks everything and answers every problem."),
    "withdraw": (schemas.VersionSchema, "Withdraw before a decision (the applicant)."),
    "accept": (schemas.VersionSchema, "Accept a complete file (township)."),
    "return": (schemas.ReturnSchema, "Return with the full list of what is missing (township)."),
    "investigate": (schemas.InvestigateSchema, "Record the home visit (community/township)."),
    "review": (schemas.ReviewSchema, "Propose approval (starts the notice) or rejection."),
    "approve": (schemas.VersionSchema, "Approve after the notice (county)."),
    "reject": (schemas.RejectSchema, "Reject with reasons (county)."),
    "pay_first": (schemas.PayFirstSchema, "Pay a small amount first (急难型, township)."),
}


def _action_view(action: str, schema, summary: str):
    def view(body, application_id):
        app = service.act(
            db.session,
            principal=current_principal(),
            application_id=application_id,
            action=action,
            version=body.pop("version"),
            payload=body,
            now=now(),
            settings=settings(),
        )
        return _describe(app)

    view.__name__ = f"{action}_application"
    view.__doc__ = summary
    view = blp.alt_response(422, schema=ErrorSchema, description="Incomplete or wrong")(view)
    view = blp.alt_response(409, schema=ErrorSchema, description="Wrong state or stale version")(
        view
    )
    view = blp.alt_response(404, schema=ErrorSchema, description="Not found, or not yours")(view)
    view = blp.alt_response(403, schema=ErrorSchema, description="Wrong role or level")(view)
    view = blp.response(200, schemas.ApplicationSchema)(view)
    view = blp.arguments(schema)(view)
    if action == "submit":
        view = blp.doc(parameters=[HEADER_DOC])(view)
        view = idempotent("assistance.submit")(view)
    view = rate_limited(write_limit)(view)
    route = action.replace("_", "-")
    return blp.route(f"/applications/<int:application_id>/{route}", methods=["POST"])(view)


for _action, (_schema, _summary) in ACTION_SCHEMAS.items():
    _action_view(_action, _schema, _summary)


# --- attachments -----------------------------------------------------------------------------


@blp.route("/applications/<int:application_id>/attachments", methods=["POST"])
@rate_limited(write_limit)
@blp.arguments(schemas.AttachmentUploadSchema, location="form")
@blp.arguments(schemas.FileSchema, location="files")
@blp.response(201, schemas.AttachmentSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not yours")
@blp.alt_response(409, schema=ErrorSchema, description="Not editable now, or too many files")
@blp.alt_response(413, schema=ErrorSchema, description="Larger than the limit")
def upload_attachment(form, files, application_id):
    """Upload a document (JPEG, PNG or PDF, told by its content; 5 MB at most)."""
    upload = files["file"]
    attachment = service.add_attachment(
        db.session,
        principal=current_principal(),
        application_id=application_id,
        stream=upload.stream,
        filename=upload.filename,
        kind=form.get("kind"),
        settings=settings(),
        today=today(),
    )
    directory = settings().storage_dir
    # The file is written before the commit: if the commit fails, it must not stay behind.
    on_failure(lambda: storage.delete(attachment.id, directory=directory))
    return attachment


@blp.route("/applications/<int:application_id>/attachments", methods=["GET"])
@blp.response(200, schemas.AttachmentSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not yours")
def list_attachments(application_id):
    """The documents of an application."""
    return service.list_attachments(
        db.session, principal=current_principal(), application_id=application_id
    )


@blp.route("/applications/<int:application_id>/attachments/<string:attachment_id>", methods=["GET"])
@blp.response(200, description="The file itself", content_type="application/octet-stream")
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not yours")
def download_attachment(application_id, attachment_id):
    """One document's content (the applicant, their agent and the reviewing workers)."""
    attachment = service.get_attachment(
        db.session,
        principal=current_principal(),
        application_id=application_id,
        attachment_id=attachment_id,
    )
    path = storage.path_of(attachment.id, directory=settings().storage_dir)
    if not path.is_file():
        current_app.logger.error("attachment %s has no file in STORAGE_DIR", attachment.id)
        raise NotFound("文件暂时无法读取，请联系工作人员。", error="attachment_file_missing")
    return send_file(
        path.resolve(),
        mimetype=attachment.content_type,
        download_name=attachment.filename,
        max_age=0,
    )


@blp.route(
    "/applications/<int:application_id>/attachments/<string:attachment_id>", methods=["DELETE"]
)
@rate_limited(write_limit)
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema, description="Not found, or not yours")
@blp.alt_response(409, schema=ErrorSchema, description="No longer a draft")
def delete_attachment(application_id, attachment_id):
    """Remove a document while the application is a draft."""
    from server.api.security import after_commit

    file_id = service.delete_attachment(
        db.session,
        principal=current_principal(),
        application_id=application_id,
        attachment_id=attachment_id,
        settings=settings(),
        today=today(),
    )
    directory = settings().storage_dir
    after_commit(lambda: storage.delete(file_id, directory=directory))
