"""facilities and emergencies

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 07:05:55.833845
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emergencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("hazard", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_emergencies_closed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_emergencies_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_emergencies_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergencies")),
    )
    with op.batch_alter_table("emergencies", schema=None) as batch_op:
        batch_op.create_index("ix_emergencies_open", ["closed_at"], unique=False)

    op.create_table(
        "facilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=200), server_default="", nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("always_open", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("capacity_unit", sa.String(length=8), nullable=True),
        sa.Column("occupancy", sa.Integer(), server_default="0", nullable=False),
        sa.Column("occupancy_groups", sa.JSON(), nullable=True),
        sa.Column("occupancy_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("occupancy_updated_by", sa.Integer(), nullable=True),
        sa.Column("services_mask", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hazards_mask", sa.Integer(), server_default="0", nullable=False),
        sa.Column("step_free", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("accessible_toilet", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("pets_allowed", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=12), server_default="open", nullable=False),
        sa.Column("shelter_level", sa.String(length=12), nullable=True),
        sa.Column("contact_name", sa.String(length=32), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
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
        sa.ForeignKeyConstraint(
            ["occupancy_updated_by"],
            ["users.id"],
            name=op.f("fk_facilities_occupancy_updated_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_facilities_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("external_id", name=op.f("uq_facilities_external_id")),
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_index("ix_facilities_region", ["region_code"], unique=False)
        batch_op.create_index("ix_facilities_type_lat_lng", ["type", "lat", "lng"], unique=False)

    op.create_table(
        "emergency_shelters",
        sa.Column("emergency_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["emergency_id"],
            ["emergencies.id"],
            name=op.f("fk_emergency_shelters_emergency_id_emergencies"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_emergency_shelters_facility_id_facilities"),
        ),
        sa.PrimaryKeyConstraint("emergency_id", "facility_id", name=op.f("pk_emergency_shelters")),
    )
    with op.batch_alter_table("emergency_shelters", schema=None) as batch_op:
        batch_op.create_index("ix_emergency_shelters_facility", ["facility_id"], unique=False)

    op.create_table(
        "facility_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("emergency_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_facility_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["emergency_id"],
            ["emergencies.id"],
            name=op.f("fk_facility_events_emergency_id_emergencies"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_facility_events_facility_id_facilities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_events")),
    )
    with op.batch_alter_table("facility_events", schema=None) as batch_op:
        batch_op.create_index("ix_facility_events_facility", ["facility_id", "id"], unique=False)

    op.create_table(
        "facility_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("proposed", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=12), server_default="pending", nullable=False),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handle_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_facility_suggestions_facility_id_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["handled_by"], ["users.id"], name=op.f("fk_facility_suggestions_handled_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_facility_suggestions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_suggestions")),
    )
    with op.batch_alter_table("facility_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_facility_suggestions_status", ["status", "facility_id"], unique=False
        )

    op.create_table(
        "occupancy_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("emergency_id", sa.Integer(), nullable=True),
        sa.Column("occupancy", sa.Integer(), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["emergency_id"],
            ["emergencies.id"],
            name=op.f("fk_occupancy_updates_emergency_id_emergencies"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_occupancy_updates_facility_id_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_occupancy_updates_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupancy_updates")),
    )
    with op.batch_alter_table("occupancy_updates", schema=None) as batch_op:
        batch_op.create_index("ix_occupancy_updates_facility", ["facility_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("occupancy_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_occupancy_updates_facility")

    op.drop_table("occupancy_updates")
    with op.batch_alter_table("facility_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_facility_suggestions_status")

    op.drop_table("facility_suggestions")
    with op.batch_alter_table("facility_events", schema=None) as batch_op:
        batch_op.drop_index("ix_facility_events_facility")

    op.drop_table("facility_events")
    with op.batch_alter_table("emergency_shelters", schema=None) as batch_op:
        batch_op.drop_index("ix_emergency_shelters_facility")

    op.drop_table("emergency_shelters")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_index("ix_facilities_type_lat_lng")
        batch_op.drop_index("ix_facilities_region")

    op.drop_table("facilities")
    with op.batch_alter_table("emergencies", schema=None) as batch_op:
        batch_op.drop_index("ix_emergencies_open")

    op.drop_table("emergencies")
