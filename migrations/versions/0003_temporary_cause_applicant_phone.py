"""temporary cause, applicant phone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 06:12:45.823516
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assistance_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applicant_phone_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("cause", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assistance_applications", schema=None) as batch_op:
        batch_op.drop_column("cause")
        batch_op.drop_column("applicant_phone_hash")
