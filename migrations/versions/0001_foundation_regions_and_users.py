"""foundation: regions and users

Revision ID: 0001
Revises:
Create Date: 2026-11-30 04:41:43.760502
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
        sa.Column("is_urban", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["regions.code"], name=op.f("fk_regions_parent_code_regions")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_regions_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("unionid", sa.String(length=64), nullable=True),
        sa.Column("real_name", sa.String(length=32), nullable=True),
        sa.Column("id_number_enc", sa.String(length=128), nullable=True),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("phone_enc", sa.String(length=128), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("is_volunteer", sa.Boolean(), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("worker_level", sa.String(length=16), nullable=True),
        sa.Column("worker_region_code", sa.String(length=12), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_users_region_code_regions")
        ),
        sa.ForeignKeyConstraint(
            ["worker_region_code"],
            ["regions.code"],
            name=op.f("fk_users_worker_region_code_regions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("id_number_hash", name=op.f("uq_users_id_number_hash")),
        sa.UniqueConstraint("openid", name=op.f("uq_users_openid")),
        sa.UniqueConstraint("phone_hash", name=op.f("uq_users_phone_hash")),
    )


def downgrade() -> None:
    op.drop_table("users")
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_regions_parent_code"))

    op.drop_table("regions")
