"""All models, imported here so that Base.metadata knows every table (Alembic reads it)."""

from server.models.assistance import (
    Application,
    ApplicationEvent,
    AssistanceStandard,
    Attachment,
    Objection,
)
from server.models.base import Base
from server.models.charity import Campaign, CharityEvent, Disbursement, Donation, WorkUnit
from server.models.common import AuditLog, Counter, Notification
from server.models.facilities import (
    Emergency,
    EmergencyShelter,
    Facility,
    FacilityEvent,
    FacilitySuggestion,
    OccupancyUpdate,
)
from server.models.regions import Region
from server.models.timebank import (
    Account,
    Booking,
    Entry,
    Opportunity,
    Redemption,
    ServiceLog,
    TimebankEvent,
    Transfer,
    Volunteer,
)
from server.models.users import User

__all__ = [
    "Account",
    "Booking",
    "Campaign",
    "CharityEvent",
    "Entry",
    "Opportunity",
    "Redemption",
    "ServiceLog",
    "TimebankEvent",
    "Transfer",
    "Volunteer",
    "WorkUnit",
    "Application",
    "ApplicationEvent",
    "AssistanceStandard",
    "Attachment",
    "AuditLog",
    "Base",
    "Counter",
    "Disbursement",
    "Donation",
    "Emergency",
    "EmergencyShelter",
    "Facility",
    "FacilityEvent",
    "FacilitySuggestion",
    "Notification",
    "Objection",
    "OccupancyUpdate",
    "Region",
    "User",
]
