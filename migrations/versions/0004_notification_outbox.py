"""notification outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 06:30:52.497741
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("send_status", sa.String(length=8), nullable=False, server_default="pending")
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "next_attempt_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.now(),
            )
        )
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_notifications_outbox", ["send_status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "uq_notifications_dedupe", ["user_id", "kind", "dedupe_key"], unique=True
        )
    # What was written before the outbox existed is history, not a message to send now.
    op.execute("UPDATE notifications SET send_status = 'skipped'")


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("uq_notifications_dedupe")
        batch_op.drop_column("dedupe_key")
        batch_op.drop_index("ix_notifications_outbox")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("send_status")
