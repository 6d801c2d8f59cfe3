"""timebank account version (bumped with every ledger change: keys the account page's cache);
redemptions by user

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 11:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timebank_accounts") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
    op.create_index("ix_redemptions_user", "redemptions", ["user_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_redemptions_user", table_name="redemptions")
    with op.batch_alter_table("timebank_accounts") as batch:
        batch.drop_column("version")
