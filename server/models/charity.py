"""Charity (慈善一日捐): campaigns, work units, donations, receipts and disbursements."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, TimestampMixin, UTCDateTime, utcnow

PURPOSES = ("education", "hardship", "medical", "disaster", "elderly", "children", "other")
CHANNELS = ("wechat", "bank", "cash")
DONATION_KINDS = ("money", "goods")
DONATION_STATUSES = ("pledged", "received", "confirmed", "voided")
UNIT_KINDS = ("company", "school", "department", "hospital", "community", "other")


class Campaign(TimestampMixin, Base):
    """A fundraising campaign. Its running totals are kept on the row and moved by guarded
    UPDATEs in the same transaction as each gift or disbursement, so that a disbursement can
    never take more than the confirmed balance, even when two workers disburse at once."""

    __tablename__ = "charity_campaigns"
    __table_args__ = (
        CheckConstraint("disbursed_fen <= received_fen", name="money_not_overdrawn"),
        CheckConstraint("goods_distributed_fen <= goods_received_fen", name="goods_not_overdrawn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    target_fen: Mapped[int] = mapped_column(BigInteger)
    purposes: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Confirmed money in, money out; goods' estimated value in and out (fen).
    received_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    disbursed_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    goods_received_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    goods_distributed_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class WorkUnit(Base):
    """A 单位 (company, school, department …) that gives as one, with its departments."""

    __tablename__ = "work_units"
    __table_args__ = (UniqueConstraint("name", "region_code", name="uq_work_units_name_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="other", server_default="other")
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    # Registered by a worker, or holding a confirmed gift: only these are listed in public.
    verified: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Donation(TimestampMixin, Base):
    __tablename__ = "donations"
    __table_args__ = (
        # The Idempotency-Key: one gift per key per person, even when the retries race.
        UniqueConstraint("logged_by", "idempotency_key", name="uq_donations_idempotency"),
        UniqueConstraint("receipt_number", name="uq_donations_receipt_number"),
        Index("ix_donations_campaign", "campaign_id", "status", "id"),
        Index("ix_donations_donor", "donor_user_id", "id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("charity_campaigns.id"))
    kind: Mapped[str] = mapped_column(String(8))
    # Money: the amount; goods: their estimated value. Always positive whole fen.
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str | None] = mapped_column(String(8), default=None)
    goods_description: Mapped[str | None] = mapped_column(String(200), default=None)
    goods_quantity: Mapped[int | None] = mapped_column(default=None)
    goods_unit: Mapped[str | None] = mapped_column(String(8), default=None)
    donor_name: Mapped[str] = mapped_column(String(64))
    donor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    anonymous: Mapped[bool] = mapped_column(default=False, server_default="0")
    message: Mapped[str | None] = mapped_column(String(200), default=None)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("work_units.id"), default=None)
    department: Mapped[str | None] = mapped_column(String(64), default=None)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    status: Mapped[str] = mapped_column(String(10))
    logged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    receipt_number: Mapped[str | None] = mapped_column(String(20), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    void_reason: Mapped[str | None] = mapped_column(Text, default=None)


class Disbursement(Base):
    """Money or goods given out from a campaign, to a purpose on its list."""

    __tablename__ = "disbursements"
    __table_args__ = (
        Index("ix_disbursements_campaign", "campaign_id", "id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("charity_campaigns.id"))
    kind: Mapped[str] = mapped_column(String(8))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    goods_description: Mapped[str | None] = mapped_column(String(200), default=None)
    purpose: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("assistance_applications.id"), default=None
    )
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CharityEvent(Base):
    """Append-only history of donations and disbursements: who, when, from, to, why."""

    __tablename__ = "charity_events"
    __table_args__ = (Index("ix_charity_events_object", "object_type", "object_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(10), default=None)
    to_status: Mapped[str | None] = mapped_column(String(10), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
