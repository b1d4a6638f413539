"""Initial schema: permit applications and their history, verification attempts, service points
(texts, languages, hours, closures), feedback, question log and seed bookkeeping.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STATUSES = ("'submitted', 'under_review', 'documents_needed', 'approved', 'permit_issued', "
            "'ready_for_collection', 'collected', 'rejected'")
TYPES = "'work_permit_new', 'work_permit_renewal', 'work_permit_change', 'work_permit_cancellation', 'residence_permit'"


def upgrade() -> None:
    op.create_table(
        "permit_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_number", sa.String(length=20), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=True),
        sa.Column("passport_hash", sa.String(length=80), nullable=False),
        sa.Column("passport_last4", sa.String(length=4), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=True),
        sa.Column("submitted", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("category IS NULL OR category IN ('A', 'B', 'C')", name=op.f("ck_permit_applications_category")),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_permit_applications_status")),
        sa.CheckConstraint(f"type IN ({TYPES})", name=op.f("ck_permit_applications_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit_applications")),
        sa.UniqueConstraint("application_number", name=op.f("uq_permit_applications_application_number")),
    )
    op.create_table(
        "permit_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_permit_status_history_status")),
        sa.ForeignKeyConstraint(["application_id"], ["permit_applications.id"], ondelete="CASCADE",
                                name=op.f("fk_permit_status_history_application_id_permit_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit_status_history")),
        sa.UniqueConstraint("application_id", "position", name=op.f("uq_permit_status_history_application_id_position")),
    )
    op.create_table(
        "permit_verification_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("number_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.CheckConstraint("outcome IN ('success', 'failure')", name=op.f("ck_permit_verification_attempts_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit_verification_attempts")),
    )
    op.create_index("ix_permit_verification_attempts_created_at", "permit_verification_attempts", ["created_at"])
    op.create_index("ix_verification_sender_outcome_time", "permit_verification_attempts",
                    ["sender_hash", "outcome", "created_at"])
    op.create_index("ix_verification_number_outcome_time", "permit_verification_attempts",
                    ["number_hash", "outcome", "created_at"])

    op.create_table(
        "service_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("hours_known", sa.Boolean(), nullable=False),
        sa.Column("always_open", sa.Boolean(), nullable=False),
        sa.Column("holidays", sa.String(length=8), nullable=False),
        sa.Column("unverified", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("holidays IN ('closed', 'open', 'unknown')", name=op.f("ck_service_points_holidays")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_points")),
        sa.UniqueConstraint("ref", name=op.f("uq_service_points_ref")),
    )
    op.create_index("ix_service_points_category_district_id", "service_points", ["category", "district", "id"])
    op.create_index("ix_service_points_category_id", "service_points", ["category", "id"])
    op.create_index("ix_service_points_district_id", "service_points", ["district", "id"])
    op.create_index("ix_service_points_category_lat_lon_id", "service_points", ["category", "lat", "lon", "id"])
    op.create_index("ix_service_points_lat_lon_id", "service_points", ["lat", "lon", "id"])

    op.create_table(
        "service_point_texts",
        sa.Column("service_point_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint("field IN ('name', 'address', 'directions', 'notes')", name=op.f("ck_service_point_texts_field")),
        sa.ForeignKeyConstraint(["service_point_id"], ["service_points.id"], ondelete="CASCADE",
                                name=op.f("fk_service_point_texts_service_point_id_service_points")),
        sa.PrimaryKeyConstraint("service_point_id", "field", "language", name=op.f("pk_service_point_texts")),
    )
    op.create_index("ix_service_point_texts_field_language", "service_point_texts", ["field", "language"])

    op.create_table(
        "service_point_languages",
        sa.Column("service_point_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=3), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["service_point_id"], ["service_points.id"], ondelete="CASCADE",
                                name=op.f("fk_service_point_languages_service_point_id_service_points")),
        sa.PrimaryKeyConstraint("service_point_id", "language", name=op.f("pk_service_point_languages")),
    )
    op.create_index("ix_service_point_languages_language", "service_point_languages", ["language", "service_point_id"])

    op.create_table(
        "service_point_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_point_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens", sa.Integer(), nullable=False),
        sa.Column("closes", sa.Integer(), nullable=False),
        sa.CheckConstraint("opens >= 0 AND opens < 1440 AND closes > opens AND closes <= 2880",
                           name=op.f("ck_service_point_hours_minutes")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_service_point_hours_weekday")),
        sa.ForeignKeyConstraint(["service_point_id"], ["service_points.id"], ondelete="CASCADE",
                                name=op.f("fk_service_point_hours_service_point_id_service_points")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_point_hours")),
    )
    op.create_index("ix_service_point_hours_point_weekday", "service_point_hours",
                    ["service_point_id", "weekday", "opens", "closes"])
    op.create_index("ix_service_point_hours_weekday_opens_closes", "service_point_hours", ["weekday", "opens", "closes"])

    op.create_table(
        "service_point_closures",
        sa.Column("service_point_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["service_point_id"], ["service_points.id"], ondelete="CASCADE",
                                name=op.f("fk_service_point_closures_service_point_id_service_points")),
        sa.PrimaryKeyConstraint("service_point_id", "date", name=op.f("pk_service_point_closures")),
    )
    op.create_index("ix_service_point_closures_date", "service_point_closures", ["date"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("article_id", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("sender_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])
    op.create_index("ix_feedback_article_language_created", "feedback", ["article_id", "language", "created_at"])
    op.create_index("ix_feedback_language_created", "feedback", ["language", "created_at"])

    op.create_table(
        "question_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(length=100), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("topic", sa.String(length=60), nullable=True),
        sa.Column("answer_id", sa.String(length=120), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.CheckConstraint("outcome IN ('answered', 'suggested', 'fallback', 'low_confidence')",
                           name=op.f("ck_question_log_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_log")),
    )
    op.create_index("ix_question_log_created_at", "question_log", ["created_at"])
    op.create_index("ix_question_log_answer_id", "question_log", ["answer_id"])
    op.create_index("ix_question_log_outcome_created", "question_log", ["outcome", "created_at"])
    op.create_index("ix_question_log_topic_created", "question_log", ["topic", "created_at"])
    op.create_index("ix_question_log_language_created", "question_log", ["language", "created_at"])

    op.create_table(
        "seed_files",
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("path", name=op.f("pk_seed_files")),
    )


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes.
    for table in ("seed_files", "question_log", "feedback", "service_point_closures", "service_point_hours",
                  "service_point_languages", "service_point_texts", "service_points",
                  "permit_verification_attempts", "permit_status_history", "permit_applications"):
        op.drop_table(table)
