"""Charity schemas: campaigns, work units, donations, receipts, disbursements, the report."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.models.charity import CHANNELS, DONATION_KINDS, DONATION_STATUSES, PURPOSES, UNIT_KINDS
from server.schemas.facilities import REGION
from server.services.charity import MAX_GIFT_FEN

FEN = validate.Range(min=1, max=MAX_GIFT_FEN, error="应为 1 分到 1 亿元之间的整数（单位：分）。")
ID = validate.Range(min=1, max=2**31 - 1)


class CampaignCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    purpose = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))
    region_code = ma.fields.String(required=True, validate=REGION)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    target_fen = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=10**14)
    )
    purposes = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(PURPOSES)),
        required=True,
        validate=validate.Length(min=1, max=len(PURPOSES)),
    )


class CampaignSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    purpose = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True)
    region_name = ma.fields.String(allow_none=True)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    open = ma.fields.Boolean(required=True)
    target_fen = ma.fields.Integer(required=True)
    purposes = ma.fields.List(ma.fields.String(), required=True)
    purpose_names = ma.fields.List(ma.fields.String(), required=True)
    received_fen = ma.fields.Integer(required=True, metadata={"description": "confirmed money"})
    goods_received_fen = ma.fields.Integer(required=True)
    pledged_fen = ma.fields.Integer(required=True, metadata={"description": "not yet confirmed"})
    donors = ma.fields.Integer(required=True)
    disbursed_fen = ma.fields.Integer(required=True)
    goods_distributed_fen = ma.fields.Integer(required=True)
    balance_fen = ma.fields.Integer(required=True)
    goods_balance_fen = ma.fields.Integer(required=True)
    progress_percent = ma.fields.Float(allow_none=True)


class CampaignQueryArgsSchema(ma.Schema):
    region_code = ma.fields.String(validate=REGION)


class UnitCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = ma.fields.String(load_default="other", validate=validate.OneOf(UNIT_KINDS))
    region_code = ma.fields.String(required=True, validate=REGION)


class UnitSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True)


class UnitQueryArgsSchema(ma.Schema):
    q = ma.fields.String(validate=validate.Length(min=1, max=50))
    region_code = ma.fields.String(validate=REGION)


class DonationCreateSchema(ma.Schema):
    campaign_id = ma.fields.Integer(required=True, strict=True, validate=ID)
    kind = ma.fields.String(required=True, validate=validate.OneOf(DONATION_KINDS))
    amount_fen = ma.fields.Integer(
        strict=True, validate=FEN, metadata={"description": "money: the amount in fen"}
    )
    channel = ma.fields.String(validate=validate.OneOf(CHANNELS))
    description = ma.fields.String(
        validate=validate.Length(min=1, max=200), metadata={"description": "goods: what"}
    )
    quantity = ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=10**7))
    unit = ma.fields.String(validate=validate.Length(min=1, max=8), metadata={"example": "箱"})
    estimated_value_fen = ma.fields.Integer(strict=True, validate=FEN)
    donor_name = ma.fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "a worker logging a counter gift names the donor; mine otherwise"},
    )
    unit_name = ma.fields.String(
        validate=validate.Length(min=1, max=100), metadata={"description": "work unit (单位)"}
    )
    department = ma.fields.String(validate=validate.Length(min=1, max=64))
    anonymous = ma.fields.Boolean(load_default=False)
    message = ma.fields.String(validate=validate.Length(max=200))


class DonationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    campaign_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    amount_fen = ma.fields.Integer(required=True, metadata={"description": "goods: estimate"})
    amount_text = ma.fields.String(required=True)
    channel = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    quantity = ma.fields.Integer(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    donor_name = ma.fields.String(required=True)
    anonymous = ma.fields.Boolean(required=True)
    message = ma.fields.String(allow_none=True)
    unit_name = ma.fields.String(allow_none=True)
    department = ma.fields.String(allow_none=True)
    region_code = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    status_name = ma.fields.String(required=True)
    receipt_number = ma.fields.String(allow_none=True)
    confirmed_at = ma.fields.AwareDateTime(allow_none=True)
    voided_at = ma.fields.AwareDateTime(allow_none=True)
    void_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)


class DonationQueryArgsSchema(ma.Schema):
    mine = ma.fields.Boolean(load_default=False)
    campaign_id = ma.fields.Integer(validate=ID)
    status = ma.fields.String(validate=validate.OneOf(DONATION_STATUSES))


class VoidSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class ReceiptArgsSchema(ma.Schema):
    format = ma.fields.String(load_default="json", validate=validate.OneOf(("json", "pdf")))


class ReceiptSchema(ma.Schema):
    receipt_number = ma.fields.String(required=True, metadata={"example": "CS-2013-000001"})
    donor_name = ma.fields.String(required=True)
    unit_name = ma.fields.String(allow_none=True)
    kind = ma.fields.String(required=True)
    amount_fen = ma.fields.Integer(required=True)
    amount_figures = ma.fields.String(required=True, metadata={"example": "100.00 元"})
    amount_words = ma.fields.String(required=True, metadata={"example": "壹佰元整"})
    description = ma.fields.String(allow_none=True)
    quantity = ma.fields.Integer(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    campaign_name = ma.fields.String(required=True)
    date = ma.fields.Date(required=True)
    issuer = ma.fields.String(required=True)


class DisbursementCreateSchema(ma.Schema):
    kind = ma.fields.String(load_default="money", validate=validate.OneOf(DONATION_KINDS))
    amount_fen = ma.fields.Integer(
        required=True,
        strict=True,
        validate=FEN,
        metadata={"description": "money: the amount; goods: their estimated value"},
    )
    description = ma.fields.String(validate=validate.Length(min=1, max=200))
    purpose = ma.fields.String(required=True, validate=validate.OneOf(PURPOSES))
    recipient_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    region_code = ma.fields.String(required=True, validate=REGION)
    application_id = ma.fields.Integer(strict=True, validate=ID)
    note = ma.fields.String(validate=validate.Length(max=500))


class DisbursementSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    campaign_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    amount_fen = ma.fields.Integer(required=True)
    description = ma.fields.String(allow_none=True)
    purpose = ma.fields.String(required=True)
    purpose_name = ma.fields.String(required=True)
    recipient_name = ma.fields.String(required=True, metadata={"description": "masked in public"})
    region_code = ma.fields.String(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    application_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String(allow_none=True)


class PurposeTotalSchema(ma.Schema):
    purpose = ma.fields.String(required=True)
    purpose_name = ma.fields.String(required=True)
    money_fen = ma.fields.Integer(required=True)
    goods_fen = ma.fields.Integer(required=True)
    count = ma.fields.Integer(required=True)


class MonthTotalSchema(ma.Schema):
    month = ma.fields.String(required=True, metadata={"example": "2013-06"})
    in_fen = ma.fields.Integer(required=True)
    goods_in_fen = ma.fields.Integer(required=True)
    out_fen = ma.fields.Integer(required=True)


class PublicDonationSchema(ma.Schema):
    donor = ma.fields.String(required=True, metadata={"description": "张* or 爱心人士"})
    unit_name = ma.fields.String(allow_none=True)
    kind = ma.fields.String(required=True)
    amount_fen = ma.fields.Integer(required=True)
    description = ma.fields.String(allow_none=True)
    confirmed_on = ma.fields.Date(required=True)


class UnitTotalSchema(ma.Schema):
    unit_name = ma.fields.String(required=True)
    amount_fen = ma.fields.Integer(required=True)
    donations = ma.fields.Integer(required=True)


class ReportSchema(ma.Schema):
    campaign = ma.fields.Nested(CampaignSchema, required=True)
    by_purpose = ma.fields.List(ma.fields.Nested(PurposeTotalSchema), required=True)
    by_month = ma.fields.List(ma.fields.Nested(MonthTotalSchema), required=True)
    recent_donations = ma.fields.List(ma.fields.Nested(PublicDonationSchema), required=True)
    units = ma.fields.List(ma.fields.Nested(UnitTotalSchema), required=True)
    recent_disbursements = ma.fields.List(ma.fields.Nested(DisbursementSchema), required=True)
