"""charity

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 07:25:05.886915
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default="other", nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("verified", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_work_units_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_units")),
        sa.UniqueConstraint("name", "region_code", name="uq_work_units_name_region"),
    )
    op.create_table(
        "charity_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("target_fen", sa.BigInteger(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("received_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("disbursed_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("goods_received_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("goods_distributed_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "disbursed_fen <= received_fen", name=op.f("ck_charity_campaigns_money_not_overdrawn")
        ),
        sa.CheckConstraint(
            "goods_distributed_fen <= goods_received_fen",
            name=op.f("ck_charity_campaigns_goods_not_overdrawn"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_charity_campaigns_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_charity_campaigns_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charity_campaigns")),
    )
    op.create_table(
        "charity_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=10), nullable=True),
        sa.Column("to_status", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_charity_events_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charity_events")),
    )
    with op.batch_alter_table("charity_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_charity_events_object", ["object_type", "object_id", "id"], unique=False
        )

    op.create_table(
        "disbursements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("goods_description", sa.String(length=200), nullable=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("recipient_name", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_disbursements_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["assistance_applications.id"],
            name=op.f("fk_disbursements_application_id_assistance_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["charity_campaigns.id"],
            name=op.f("fk_disbursements_campaign_id_charity_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_disbursements_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_disbursements_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursements")),
    )
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.create_index("ix_disbursements_campaign", ["campaign_id", "id"], unique=False)

    op.create_table(
        "donations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("goods_description", sa.String(length=200), nullable=True),
        sa.Column("goods_quantity", sa.Integer(), nullable=True),
        sa.Column("goods_unit", sa.String(length=8), nullable=True),
        sa.Column("donor_name", sa.String(length=64), nullable=False),
        sa.Column("donor_user_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("message", sa.String(length=200), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("logged_by", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("receipt_number", sa.String(length=20), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_donations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["charity_campaigns.id"],
            name=op.f("fk_donations_campaign_id_charity_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["users.id"], name=op.f("fk_donations_confirmed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["donor_user_id"], ["users.id"], name=op.f("fk_donations_donor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["logged_by"], ["users.id"], name=op.f("fk_donations_logged_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_donations_region_code_regions")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["work_units.id"], name=op.f("fk_donations_unit_id_work_units")
        ),
        sa.ForeignKeyConstraint(
            ["voided_by"], ["users.id"], name=op.f("fk_donations_voided_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donations")),
        sa.UniqueConstraint("logged_by", "idempotency_key", name="uq_donations_idempotency"),
        sa.UniqueConstraint("receipt_number", name="uq_donations_receipt_number"),
    )
    with op.batch_alter_table("donations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_donations_campaign", ["campaign_id", "status", "id"], unique=False
        )
        batch_op.create_index("ix_donations_donor", ["donor_user_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("donations", schema=None) as batch_op:
        batch_op.drop_index("ix_donations_donor")
        batch_op.drop_index("ix_donations_campaign")

    op.drop_table("donations")
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.drop_index("ix_disbursements_campaign")

    op.drop_table("disbursements")
    with op.batch_alter_table("charity_events", schema=None) as batch_op:
        batch_op.drop_index("ix_charity_events_object")

    op.drop_table("charity_events")
    op.drop_table("charity_campaigns")
    op.drop_table("work_units")
