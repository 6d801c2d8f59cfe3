"""Facilities (shelters, home-care centres, elder care …), their history, and emergencies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, TimestampMixin, UTCDateTime, utcnow

FACILITY_TYPES = (
    "shelter",  # 避灾安置场所
    "home_care",  # 居家养老服务照料中心
    "elder_institution",  # 养老机构
    "elderly_service_centre",  # 街道养老服务中心
    "welfare_home",  # 福利院、儿童福利院
    "service_centre",  # 社区服务中心
)
FACILITY_STATUSES = ("open", "closed", "full", "suspended")
CAPACITY_UNITS = ("beds", "persons")
SHELTER_LEVELS = ("township", "community")
# Fixed lists, stored as bit masks so that "has all of these" is one indexed-column test in SQL.
HAZARDS = ("typhoon", "flood", "earthquake", "geological")
SERVICES = ("meals", "day_care", "rehabilitation", "medical_care", "bathing", "cleaning", "respite")
OCCUPANT_GROUPS = ("men", "women", "children", "infants", "elderly", "disabled")
SUGGESTION_KINDS = ("wrong_phone", "closed", "moved", "wrong_hours", "other")
SUGGESTION_STATUSES = ("pending", "accepted", "dismissed")


class Facility(TimestampMixin, Base):
    """A place that helps: its position is GCJ-02, as WeChat's map shows it."""

    __tablename__ = "facilities"
    __table_args__ = (
        # The bounding-box fallback of the nearest search when the Redis index is unavailable.
        Index("ix_facilities_type_lat_lng", "type", "lat", "lng"),
        Index("ix_facilities_region", "region_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    always_open: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # {"mon": ["08:00-11:30", "13:30-17:00"], ..., "sun": []}; "22:00-06:00" runs past midnight.
    opening_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    capacity: Mapped[int | None] = mapped_column(default=None)
    capacity_unit: Mapped[str | None] = mapped_column(String(8), default=None)
    occupancy: Mapped[int] = mapped_column(default=0, server_default="0")
    occupancy_groups: Mapped[dict | None] = mapped_column(JSON, default=None)
    occupancy_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    occupancy_updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    services_mask: Mapped[int] = mapped_column(default=0, server_default="0")
    hazards_mask: Mapped[int] = mapped_column(default=0, server_default="0")
    step_free: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    accessible_toilet: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    pets_allowed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    shelter_level: Mapped[str | None] = mapped_column(String(12), default=None)
    contact_name: Mapped[str | None] = mapped_column(String(32), default=None)
    contact_phone: Mapped[str | None] = mapped_column(String(32), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class FacilityEvent(Base):
    """Append-only history of a facility: who changed what, from what, to what."""

    __tablename__ = "facility_events"
    __table_args__ = (Index("ix_facility_events_facility", "facility_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(24))
    before: Mapped[dict | None] = mapped_column(JSON, default=None)
    after: Mapped[dict | None] = mapped_column(JSON, default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    emergency_id: Mapped[int | None] = mapped_column(ForeignKey("emergencies.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FacilitySuggestion(Base):
    """A resident's correction (wrong phone, closed, moved …), accepted or dismissed by a worker."""

    __tablename__ = "facility_suggestions"
    __table_args__ = (Index("ix_facility_suggestions_status", "status", "facility_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    message: Mapped[str | None] = mapped_column(Text, default=None)
    # The corrected values the resident proposes, applied when a worker accepts.
    proposed: Mapped[dict | None] = mapped_column(JSON, default=None)
    status: Mapped[str] = mapped_column(String(12), default="pending", server_default="pending")
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    handle_note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Emergency(Base):
    """A typhoon, flood … declared over a region: it activates that region's safe shelters."""

    __tablename__ = "emergencies"
    __table_args__ = (Index("ix_emergencies_open", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    hazard: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    close_note: Mapped[str | None] = mapped_column(Text, default=None)


class EmergencyShelter(Base):
    """A shelter activated by an emergency."""

    __tablename__ = "emergency_shelters"
    __table_args__ = (Index("ix_emergency_shelters_facility", "facility_id"),)

    emergency_id: Mapped[int] = mapped_column(ForeignKey("emergencies.id"), primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), primary_key=True)
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OccupancyUpdate(Base):
    """Every occupancy report of a facility, so that a shelter's night can be read back."""

    __tablename__ = "occupancy_updates"
    __table_args__ = (Index("ix_occupancy_updates_facility", "facility_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    emergency_id: Mapped[int | None] = mapped_column(ForeignKey("emergencies.id"), default=None)
    occupancy: Mapped[int] = mapped_column()
    groups: Mapped[dict | None] = mapped_column(JSON, default=None)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
