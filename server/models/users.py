"""People who use the service: residents, volunteers, workers and admins."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, TimestampMixin

WORKER_LEVELS = ("community", "township", "county", "city")


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64), default=None)
    real_name: Mapped[str | None] = mapped_column(String(32), default=None)
    # Encrypted at rest (identity.Cipher); the keyed hash beside each is for look-ups.
    id_number_enc: Mapped[str | None] = mapped_column(String(128), default=None)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    phone_enc: Mapped[str | None] = mapped_column(String(128), default=None)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)
    is_volunteer: Mapped[bool] = mapped_column(default=False)
    is_admin: Mapped[bool] = mapped_column(default=False)
    worker_level: Mapped[str | None] = mapped_column(String(16), default=None)
    worker_region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def roles(self) -> list[str]:
        roles = ["resident"]
        if self.is_volunteer:
            roles.append("volunteer")
        if self.worker_level:
            roles.append("worker")
        if self.is_admin:
            roles.append("admin")
        return roles
