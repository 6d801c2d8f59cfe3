"""Administrative regions: statistical division codes from province down to community."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base

# Levels from the top; a worker's level is one of the last four.
REGION_LEVELS = ("province", "city", "county", "township", "community")


class Region(Base):
    __tablename__ = "regions"

    # The significant digits only: 33, 330800, 330802, 330802001, 330802001001.
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
    # Urban (城镇) or rural (农村): decides which assistance standard applies.
    is_urban: Mapped[bool] = mapped_column(default=True)
