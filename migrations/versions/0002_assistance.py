"""assistance

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 05:00:18.039788
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "assistance_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("program", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=True),
        sa.Column("applicant_name", sa.String(length=32), nullable=False),
        sa.Column("applicant_id_number_enc", sa.String(length=128), nullable=False),
        sa.Column("applicant_id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("is_urban", sa.Boolean(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("assets", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("medical_out_of_pocket_fen", sa.Integer(), nullable=False),
        sa.Column("relatives", sa.JSON(), nullable=False),
        sa.Column("near_relative", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dibao_standard_fen", sa.Integer(), nullable=True),
        sa.Column("program_standard_fen", sa.Integer(), nullable=True),
        sa.Column("investigation", sa.JSON(), nullable=True),
        sa.Column("verified_household_size", sa.Integer(), nullable=True),
        sa.Column("verified_income_fen", sa.Integer(), nullable=True),
        sa.Column("proposed_amount_fen", sa.Integer(), nullable=True),
        sa.Column("proposal", sa.String(length=8), nullable=True),
        sa.Column("notice_starts_on", sa.Date(), nullable=True),
        sa.Column("notice_ends_on", sa.Date(), nullable=True),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("start_month", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.Column("paid_first_fen", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("missing", sa.JSON(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["users.id"], name=op.f("fk_assistance_applications_agent_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["users.id"],
            name=op.f("fk_assistance_applications_applicant_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["regions.code"],
            name=op.f("fk_assistance_applications_region_code_regions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_applications")),
        sa.UniqueConstraint("number", name=op.f("uq_assistance_applications_number")),
    )
    with op.batch_alter_table("assistance_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assistance_applications_applicant_id"), ["applicant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assistance_applications_applicant_id_number_hash"),
            ["applicant_id_number_hash"],
            unique=False,
        )
        batch_op.create_index(
            "ix_assistance_queue_community", ["region_code", "status", "due_on", "id"], unique=False
        )
        batch_op.create_index(
            "ix_assistance_queue_county", ["county_code", "status", "due_on", "id"], unique=False
        )
        batch_op.create_index(
            "ix_assistance_queue_township",
            ["township_code", "status", "due_on", "id"],
            unique=False,
        )
        batch_op.create_index(
            "uq_assistance_open_per_program",
            ["applicant_id_number_hash", "program"],
            unique=True,
            postgresql_where=sa.text("status NOT IN ('approved', 'rejected', 'withdrawn')"),
            sqlite_where=sa.text("status NOT IN ('approved', 'rejected', 'withdrawn')"),
        )

    op.create_table(
        "assistance_standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("is_urban", sa.Boolean(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("monthly_fen", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_assistance_standards_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["regions.code"],
            name=op.f("fk_assistance_standards_region_code_regions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_standards")),
        sa.UniqueConstraint(
            "program",
            "region_code",
            "is_urban",
            "effective_from",
            name=op.f("uq_assistance_standards_program"),
        ),
    )
    with op.batch_alter_table("assistance_standards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assistance_standards_lookup",
            ["program", "is_urban", "effective_from"],
            unique=False,
        )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_created", ["user_id", "id"], unique=False)

    op.create_table(
        "assistance_attachments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("filename", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["assistance_applications.id"],
            name=op.f("fk_assistance_attachments_application_id_assistance_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_assistance_attachments_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_attachments")),
    )
    with op.batch_alter_table("assistance_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assistance_attachments_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "assistance_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_assistance_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["assistance_applications.id"],
            name=op.f("fk_assistance_events_application_id_assistance_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_events")),
    )
    with op.batch_alter_table("assistance_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assistance_events_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "assistance_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["assistance_applications.id"],
            name=op.f("fk_assistance_objections_application_id_assistance_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assistance_objections_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_objections")),
    )
    with op.batch_alter_table("assistance_objections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assistance_objections_application_id"), ["application_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assistance_objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_objections_application_id"))

    op.drop_table("assistance_objections")
    with op.batch_alter_table("assistance_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_events_application_id"))

    op.drop_table("assistance_events")
    with op.batch_alter_table("assistance_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_attachments_application_id"))

    op.drop_table("assistance_attachments")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_created")

    op.drop_table("notifications")
    op.drop_table("audit_log")
    with op.batch_alter_table("assistance_standards", schema=None) as batch_op:
        batch_op.drop_index("ix_assistance_standards_lookup")

    op.drop_table("assistance_standards")
    with op.batch_alter_table("assistance_applications", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assistance_open_per_program",
            postgresql_where=sa.text("status NOT IN ('approved', 'rejected', 'withdrawn')"),
            sqlite_where=sa.text("status NOT IN ('approved', 'rejected', 'withdrawn')"),
        )
        batch_op.drop_index("ix_assistance_queue_township")
        batch_op.drop_index("ix_assistance_queue_county")
        batch_op.drop_index("ix_assistance_queue_community")
        batch_op.drop_index(batch_op.f("ix_assistance_applications_applicant_id_number_hash"))
        batch_op.drop_index(batch_op.f("ix_assistance_applications_applicant_id"))

    op.drop_table("assistance_applications")
    op.drop_table("counters")
