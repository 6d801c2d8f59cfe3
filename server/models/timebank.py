"""Love time bank (爱心时间银行): volunteers, opportunities, bookings, service logs, the ledger."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, TimestampMixin, UTCDateTime, utcnow

SKILLS = (
    "companionship",  # 陪伴聊天
    "housekeeping",  # 家政保洁
    "meal_help",  # 助餐送餐
    "personal_care",  # 生活照料
    "medical_escort",  # 陪同就医
    "rehabilitation",  # 康复辅助
    "haircut",  # 理发
    "repairs",  # 维修
    "digital_help",  # 智能手机教学
    "legal_advice",  # 法律咨询
    "cultural",  # 文体活动
)
BOOKING_STATUSES = ("booked", "checked_in", "completed", "cancelled", "cancelled_by_site")
LOG_STATUSES = ("pending", "approved", "rejected")
REDEMPTION_STATUSES = ("held", "done", "cancelled")
ENTRY_KINDS = (
    "service",  # credit for verified service
    "redemption",  # debit: hours held for care asked for
    "release",  # credit: a cancelled redemption gives its hours back
    "transfer_out",
    "transfer_in",
    "overflow",  # debit: hours above the balance cap, moved to the fund
    "donation",  # debit: hours a volunteer gives to the fund
    "fund_in",  # the fund's side of an overflow or a gift
    "grant",  # credit from the fund to an elder in need
    "grant_out",  # the fund's side of a grant
    "correction",  # by an admin, with a reason
)


class Volunteer(TimestampMixin, Base):
    __tablename__ = "volunteers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    team: Mapped[str | None] = mapped_column(String(32), default=None)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)


class Opportunity(TimestampMixin, Base):
    """A slot of service at a place and time, with a number of places."""

    __tablename__ = "opportunities"
    __table_args__ = (
        Index("ix_opportunities_starts", "status", "starts_at"),
        Index("ix_opportunities_region", "region_code", "starts_at"),
        CheckConstraint("booked >= 0 AND booked <= places", name="booked_within_places"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(64))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"), default=None)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    places: Mapped[int] = mapped_column()
    booked: Mapped[int] = mapped_column(default=0, server_default="0")
    skills: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    lat: Mapped[float | None] = mapped_column(default=None)
    lng: Mapped[float | None] = mapped_column(default=None)
    check_code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    cancel_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Booking(TimestampMixin, Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_volunteer", "volunteer_id", "starts_at"),
        Index("ix_bookings_opportunity", "opportunity_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Copied from the opportunity, so that overlaps are one indexed query.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="booked", server_default="booked")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    check_in_method: Mapped[str | None] = mapped_column(String(8), default=None)
    check_out_method: Mapped[str | None] = mapped_column(String(8), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ServiceLog(TimestampMixin, Base):
    """Service given: from a booking's check-out, or logged by the volunteer afterwards."""

    __tablename__ = "service_logs"
    __table_args__ = (
        Index("ix_service_logs_volunteer", "volunteer_id", "id"),
        Index("ix_service_logs_queue", "status", "region_code"),
        UniqueConstraint("booking_id", name="uq_service_logs_booking"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), default=None)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    served_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column()
    served_name: Mapped[str | None] = mapped_column(String(32), default=None)
    served_phone_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(12), default="pending", server_default="pending")
    needs_confirmation: Mapped[bool] = mapped_column(default=False, server_default="0")
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reject_reason: Mapped[str | None] = mapped_column(Text, default=None)


class Account(Base):
    """A balance in minutes: one per person, and the bank's fund (user_id NULL, kind 'fund').

    The balance is the sum of the account's entries; it is kept here too so that a debit is one
    guarded UPDATE (never below zero), and `flask timebank audit` checks the two agree."""

    __tablename__ = "timebank_accounts"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        # One fund, even if two requests create it at once.
        Index(
            "uq_timebank_accounts_fund",
            "kind",
            unique=True,
            sqlite_where=text("kind = 'fund'"),
            postgresql_where=text("kind = 'fund'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True, default=None)
    kind: Mapped[str] = mapped_column(String(8), default="user", server_default="user")
    balance: Mapped[int] = mapped_column(default=0, server_default="0")
    # Bumped by every entry (and by what changes the account page without one, such as care
    # marked given): the account page's cached history is valid for one version.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Entry(Base):
    """One append-only line of the ledger, in minutes (positive credits, negative debits)."""

    __tablename__ = "timebank_entries"
    __table_args__ = (
        Index("ix_timebank_entries_account", "account_id", "id"),
        # One service log credits once, one redemption holds once and is released once.
        UniqueConstraint(
            "account_id", "kind", "ref_type", "ref_id", name="uq_timebank_entries_ref"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("timebank_accounts.id"))
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column()
    ref_type: Mapped[str | None] = mapped_column(String(16), default=None)
    ref_id: Mapped[int | None] = mapped_column(default=None)
    counterparty_id: Mapped[int | None] = mapped_column(
        ForeignKey("timebank_accounts.id"), default=None
    )
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Redemption(TimestampMixin, Base):
    """Care asked for with banked hours: held at once, spent when done, released if cancelled."""

    __tablename__ = "redemptions"
    __table_args__ = (
        Index("ix_redemptions_queue", "status", "region_code"),
        # A person's own requests (the account page's held and spent, "mine" lists).
        Index("ix_redemptions_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # For whom: the account holder themself, or a family member named here.
    recipient_name: Mapped[str | None] = mapped_column(String(32), default=None)
    recipient_relation: Mapped[str | None] = mapped_column(String(16), default=None)
    service: Mapped[str] = mapped_column(String(24))
    wanted_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    minutes: Mapped[int] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(12), default="held", server_default="held")
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    cancel_reason: Mapped[str | None] = mapped_column(Text, default=None)


class Transfer(Base):
    """Hours given to a family member."""

    __tablename__ = "timebank_transfers"
    __table_args__ = (Index("ix_timebank_transfers_from", "from_user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    minutes: Mapped[int] = mapped_column()
    relation: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TimebankEvent(Base):
    """Append-only history of bookings, service logs and redemptions: who, when, from, to, why."""

    __tablename__ = "timebank_events"
    __table_args__ = (Index("ix_timebank_events_object", "object_type", "object_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(20), default=None)
    to_status: Mapped[str | None] = mapped_column(String(20), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
