"""Social assistance: standards, applications, their events, attachments and objections."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.models.base import Base, TimestampMixin, UTCDateTime, utcnow

STATUSES = (
    "draft",
    "submitted",
    "returned",
    "accepted",
    "investigated",
    "reviewed",
    "in_notice",
    "approved",
    "rejected",
    "withdrawn",
)
FINAL_STATUSES = ("approved", "rejected", "withdrawn")
TEMPORARY_CAUSES = ("fire", "accident", "illness", "disaster", "crime", "other")
OPEN_CONDITION = "status NOT IN ('approved', 'rejected', 'withdrawn')"


class AssistanceStandard(Base):
    """A monthly standard per person, for a program in a region (and below), from a date."""

    __tablename__ = "assistance_standards"
    __table_args__ = (
        UniqueConstraint("program", "region_code", "is_urban", "effective_from"),
        Index("ix_assistance_standards_lookup", "program", "is_urban", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    is_urban: Mapped[bool]
    effective_from: Mapped[date] = mapped_column(Date)
    monthly_fen: Mapped[int]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Application(TimestampMixin, Base):
    __tablename__ = "assistance_applications"
    __table_args__ = (
        # The worker queues: by scope, state and deadline.
        Index("ix_assistance_queue_county", "county_code", "status", "due_on", "id"),
        Index("ix_assistance_queue_township", "township_code", "status", "due_on", "id"),
        Index("ix_assistance_queue_community", "region_code", "status", "due_on", "id"),
        # At most one open application per person and program, whoever files it.
        Index(
            "uq_assistance_open_per_program",
            "applicant_id_number_hash",
            "program",
            unique=True,
            postgresql_where=text(OPEN_CONDITION),
            sqlite_where=text(OPEN_CONDITION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    program: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(default=1)

    # Who applies, and who filed it for them (受委托代办) when that was a worker.
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(32))
    applicant_id_number_enc: Mapped[str] = mapped_column(String(128))
    applicant_id_number_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The phone number on file when filed (the profile's, or what the agent recorded).
    applicant_phone_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    # Where: the applicant's community, and its township and county for the queues.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))
    is_urban: Mapped[bool]

    # What the household declared.
    members: Mapped[list] = mapped_column(JSON, default=list)
    assets: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    emergency: Mapped[bool] = mapped_column(default=False)
    # 临时救助: what happened (TEMPORARY_CAUSES); granted at most once a year per cause.
    cause: Mapped[str | None] = mapped_column(String(16), default=None)
    medical_out_of_pocket_fen: Mapped[int] = mapped_column(default=0)
    relatives: Mapped[list] = mapped_column(JSON, default=list)
    near_relative: Mapped[bool] = mapped_column(default=False)

    # Fixed at submission: the standards in force that day (低保's, and the program's own).
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    dibao_standard_fen: Mapped[int | None] = mapped_column(default=None)
    program_standard_fen: Mapped[int | None] = mapped_column(default=None)

    # The home visit (家庭经济状况调查): what the workers verified.
    investigation: Mapped[dict | None] = mapped_column(JSON, default=None)
    verified_household_size: Mapped[int | None] = mapped_column(default=None)
    verified_income_fen: Mapped[int | None] = mapped_column(default=None)

    # The township's proposal and the notice (公示).
    proposed_amount_fen: Mapped[int | None] = mapped_column(default=None)
    proposal: Mapped[str | None] = mapped_column(String(8), default=None)
    notice_starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    notice_ends_on: Mapped[date | None] = mapped_column(Date, default=None)

    # The county's decision.
    amount_fen: Mapped[int | None] = mapped_column(default=None)
    start_month: Mapped[date | None] = mapped_column(Date, default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decision_reasons: Mapped[str | None] = mapped_column(Text, default=None)
    review_due_on: Mapped[date | None] = mapped_column(Date, default=None)

    # 急难型 temporary assistance paid first by the township.
    paid_first_fen: Mapped[int] = mapped_column(default=0)
    flagged: Mapped[bool] = mapped_column(default=False)

    # The deadline of the stage the case is in (working days from configuration).
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    missing: Mapped[list | None] = mapped_column(JSON, default=None)

    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", lazy="raise_on_sql"
    )

    __mapper_args__ = {"version_id_col": version}


class ApplicationEvent(Base):
    """An append-only record of every state change: who, when, from, to, why."""

    __tablename__ = "assistance_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_applications.id"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    data: Mapped[dict | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")


class Attachment(Base):
    """A document photo or PDF; the file lives in the storage directory, named by `id`."""

    __tablename__ = "assistance_attachments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_applications.id"), index=True
    )
    kind: Mapped[str | None] = mapped_column(String(32), default=None)
    filename: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Objection(Base):
    """An objection raised during the public notice; it sends the case back to investigation."""

    __tablename__ = "assistance_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_applications.id"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
