"""Assistance schemas: programs, standards, the self-check, applications and the review."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from server.models.assistance import STATUSES, TEMPORARY_CAUSES
from server.services.eligibility import RELATIONS
from server.services.programs import PROGRAMS, PROGRAMS_WITH_STANDARDS

FEN_MAX = 1_000_000_000  # 10 million yuan: above any household figure, inside a 32-bit column
PROGRAM = validate.OneOf(tuple(PROGRAMS))


class ProgramSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "dibao"})
    name = ma.fields.String(required=True)
    purpose = ma.fields.String(required=True)
    who_may_apply = ma.fields.String(required=True)
    documents = ma.fields.List(ma.fields.String(), required=True)
    amount_kind = ma.fields.String(required=True, validate=validate.OneOf(("monthly", "one_off")))
    standard_urban_fen = ma.fields.Integer(
        allow_none=True, metadata={"description": "monthly standard in force (urban), fen"}
    )
    standard_rural_fen = ma.fields.Integer(allow_none=True)


class ProgramQueryArgsSchema(ma.Schema):
    region_code = ma.fields.String(validate=validate.Length(min=2, max=12))


class StandardCreateSchema(ma.Schema):
    program = ma.fields.String(required=True, validate=validate.OneOf(PROGRAMS_WITH_STANDARDS))
    region_code = ma.fields.String(required=True, validate=validate.Length(min=2, max=12))
    is_urban = ma.fields.Boolean(required=True)
    effective_from = ma.fields.Date(required=True)
    monthly_fen = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=10**8)
    )


class StandardSchema(StandardCreateSchema):
    id = ma.fields.Integer(required=True)


class MemberSchema(ma.Schema):
    name = ma.fields.String(validate=validate.Length(max=32))
    relation = ma.fields.String(required=True, validate=validate.OneOf(RELATIONS))
    age = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=130))
    monthly_income_fen = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=FEN_MAX)
    )
    disability_grade = ma.fields.Integer(
        allow_none=True, strict=True, validate=validate.Range(min=1, max=4)
    )
    student = ma.fields.Boolean(load_default=False)


class AssetsSchema(ma.Schema):
    financial_fen = ma.fields.Integer(
        load_default=0, strict=True, validate=validate.Range(min=0, max=FEN_MAX)
    )
    vehicles = ma.fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 1000))
    properties = ma.fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 1000))


MEMBERS = ma.fields.List(
    ma.fields.Nested(MemberSchema),
    validate=validate.Length(min=1, max=20, error="家庭成员应为 1 到 20 人。"),
)


class EligibilityQuerySchema(ma.Schema):
    program = ma.fields.String(required=True, validate=PROGRAM)
    region_code = ma.fields.String(required=True, validate=validate.Length(min=2, max=12))
    is_urban = ma.fields.Boolean(
        metadata={"description": "城镇 (true) or 农村 (false); the region's own when absent"}
    )
    members = ma.fields.List(
        ma.fields.Nested(MemberSchema),
        required=True,
        validate=validate.Length(min=1, max=20, error="家庭成员应为 1 到 20 人。"),
    )
    assets = ma.fields.Nested(AssetsSchema, load_default=dict)
    medical_out_of_pocket_fen = ma.fields.Integer(
        load_default=0, strict=True, validate=validate.Range(min=0, max=FEN_MAX)
    )


class ReasonSchema(ma.Schema):
    test = ma.fields.String(required=True)
    passed = ma.fields.Boolean(required=True)
    message = ma.fields.String(required=True)


class EligibilitySchema(ma.Schema):
    program = ma.fields.String(required=True)
    eligible = ma.fields.Boolean(required=True)
    standard_fen = ma.fields.Integer(required=True)
    household_size = ma.fields.Integer(required=True)
    total_income_fen = ma.fields.Integer(required=True)
    per_capita_income_fen = ma.fields.Integer(required=True)
    amount_fen = ma.fields.Integer(required=True)
    amount_kind = ma.fields.String(required=True)
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema), required=True)


class RelativeSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))
    relation = ma.fields.String(required=True, validate=validate.Length(min=1, max=16))
    workplace = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "where the relative works as a worker or cadre"},
    )


class ApplicantSchema(ma.Schema):
    real_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    id_number = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))
    phone = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "the resident's mobile: with the ID number, it links the case"},
    )
    region_code = ma.fields.String(required=True, validate=validate.Length(min=2, max=12))


class _DraftFields(ma.Schema):
    members = MEMBERS
    assets = ma.fields.Nested(AssetsSchema)
    reason = ma.fields.String(validate=validate.Length(max=2000))
    emergency = ma.fields.Boolean(metadata={"description": "急难型 (temporary assistance)"})
    cause = ma.fields.String(
        validate=validate.OneOf(TEMPORARY_CAUSES),
        metadata={"description": "临时救助: fire, accident, illness, disaster, crime or other"},
    )
    medical_out_of_pocket_fen = ma.fields.Integer(
        strict=True, validate=validate.Range(min=0, max=FEN_MAX)
    )
    relatives = ma.fields.List(
        ma.fields.Nested(RelativeSchema),
        validate=validate.Length(max=20),
        metadata={"description": "near relatives who are workers or cadres (申报近亲属)"},
    )


class ApplicationCreateSchema(_DraftFields):
    program = ma.fields.String(required=True, validate=PROGRAM)
    region_code = ma.fields.String(
        validate=validate.Length(min=2, max=12),
        metadata={"description": "the community of household registration; the profile's"},
    )
    applicant = ma.fields.Nested(
        ApplicantSchema, metadata={"description": "受委托代办: the resident a worker files for"}
    )


class ApplicationUpdateSchema(_DraftFields):
    version = ma.fields.Integer(required=True, strict=True)


class VersionSchema(ma.Schema):
    version = ma.fields.Integer(required=True, strict=True)
    comment = ma.fields.String(validate=validate.Length(max=1000))


class ReturnSchema(VersionSchema):
    missing = ma.fields.List(
        ma.fields.String(validate=validate.Length(min=1, max=200)),
        required=True,
        validate=validate.Length(min=1, max=50),
    )


class InvestigateSchema(VersionSchema):
    staff = ma.fields.List(
        ma.fields.String(validate=validate.Length(min=1, max=32)),
        required=True,
        validate=validate.Length(min=2, max=10),
    )
    visited_on = ma.fields.Date(required=True)
    members = ma.fields.List(
        ma.fields.Nested(MemberSchema), required=True, validate=validate.Length(min=1, max=20)
    )
    assets = ma.fields.Nested(AssetsSchema)
    notes = ma.fields.String(validate=validate.Length(max=4000))


class ReviewSchema(VersionSchema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    reasons = ma.fields.String(validate=validate.Length(max=2000))


class RejectSchema(VersionSchema):
    reasons = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))


class PayFirstSchema(VersionSchema):
    amount_fen = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=FEN_MAX)
    )


class EventSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    actor_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String(required=True)
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(required=True)
    comment = ma.fields.String(allow_none=True)
    data = ma.fields.Dict(allow_none=True)
    created_at = ma.fields.DateTime(required=True)


class AttachmentSchema(ma.Schema):
    id = ma.fields.String(required=True)
    kind = ma.fields.String(allow_none=True)
    filename = ma.fields.String(required=True)
    content_type = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)


class FileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "JPEG, PNG or PDF, 5 MB at most"})


class AttachmentUploadSchema(ma.Schema):
    kind = ma.fields.String(validate=validate.Length(max=32))


class ApplicationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    number = ma.fields.String(allow_none=True, metadata={"example": "DB-330802-2013-000123"})
    program = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_name = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
    applicant_name = ma.fields.String(required=True)
    applicant_id_number = ma.fields.String(
        required=True, metadata={"example": "330802********0012"}
    )
    agent_id = ma.fields.Integer(allow_none=True)
    region_code = ma.fields.String(required=True)
    is_urban = ma.fields.Boolean(required=True)
    members = ma.fields.List(ma.fields.Dict(), required=True)
    assets = ma.fields.Dict(required=True)
    reason = ma.fields.String(allow_none=True)
    emergency = ma.fields.Boolean(required=True)
    cause = ma.fields.String(allow_none=True)
    medical_out_of_pocket_fen = ma.fields.Integer(required=True)
    relatives = ma.fields.List(ma.fields.Dict(), required=True)
    near_relative = ma.fields.Boolean(required=True)
    submitted_at = ma.fields.DateTime(allow_none=True)
    dibao_standard_fen = ma.fields.Integer(allow_none=True)
    program_standard_fen = ma.fields.Integer(allow_none=True)
    investigation = ma.fields.Dict(allow_none=True)
    verified_household_size = ma.fields.Integer(allow_none=True)
    verified_income_fen = ma.fields.Integer(allow_none=True)
    proposal = ma.fields.String(allow_none=True)
    proposed_amount_fen = ma.fields.Integer(allow_none=True)
    notice_starts_on = ma.fields.Date(allow_none=True)
    notice_ends_on = ma.fields.Date(allow_none=True)
    amount_fen = ma.fields.Integer(allow_none=True)
    start_month = ma.fields.Date(allow_none=True)
    decided_at = ma.fields.DateTime(allow_none=True)
    decision_reasons = ma.fields.String(allow_none=True)
    review_due_on = ma.fields.Date(allow_none=True)
    paid_first_fen = ma.fields.Integer(required=True)
    flagged = ma.fields.Boolean(required=True)
    due_on = ma.fields.Date(allow_none=True)
    overdue = ma.fields.Boolean(required=True)
    missing = ma.fields.List(ma.fields.String(), allow_none=True)
    allowed_actions = ma.fields.List(ma.fields.String(), required=True)
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class ApplicationDetailSchema(ApplicationSchema):
    events = ma.fields.List(ma.fields.Nested(EventSchema), required=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema), required=True)


class ApplicationQueryArgsSchema(ma.Schema):
    mine = ma.fields.Boolean(
        load_default=None,
        metadata={"description": "a worker's own applications instead of their queue"},
    )
    status = ma.fields.List(ma.fields.String(validate=validate.OneOf(STATUSES)))
    program = ma.fields.String(validate=PROGRAM)
    overdue = ma.fields.Boolean(load_default=None)


class IdentitySchema(ma.Schema):
    applicant_name = ma.fields.String(required=True)
    applicant_id_number = ma.fields.String(required=True)
    members = ma.fields.List(ma.fields.String(allow_none=True), required=True)


class NoticeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True, metadata={"example": "王**"})
    community = ma.fields.String(required=True)
    program = ma.fields.String(required=True)
    program_name = ma.fields.String(required=True)
    household_size = ma.fields.Integer(allow_none=True)
    monthly_amount_fen = ma.fields.Integer(allow_none=True)
    status = ma.fields.String(required=True)
    notice_starts_on = ma.fields.Date(allow_none=True)
    notice_ends_on = ma.fields.Date(allow_none=True)


class NoticeQueryArgsSchema(ma.Schema):
    region_code = ma.fields.String(required=True, validate=validate.Length(min=2, max=12))


class ObjectionCreateSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ObjectionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    application_id = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)
