"""All models, imported here so that Base.metadata knows every table (Alembic reads it)."""

from server.models.base import Base
from server.models.regions import Region
from server.models.users import User

__all__ = ["Base", "Region", "User"]
