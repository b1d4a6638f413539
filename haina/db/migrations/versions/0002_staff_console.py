"""Staff console (issue 8): staff accounts, sessions, sign-in attempts, the append-only permit-lookup
audit log, and the human handoff queue with the staff's replies.

The audit log is append-only in the database too: triggers refuse UPDATE and DELETE on SQLite and
PostgreSQL, so not even a bug in the application can rewrite who looked up what.

Revision ID: 0002_staff
Revises: 0001
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = "0002_staff"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = "staff_audit is append-only"


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("role IN ('agent', 'supervisor', 'editor')", name=op.f("ck_staff_accounts_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_accounts_username")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_staff_sessions_account_id_staff_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
    )
    op.create_index("ix_staff_sessions_account_id", "staff_sessions", ["account_id"])
    op.create_table(
        "staff_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_login_attempts")),
    )
    op.create_index("ix_staff_login_attempts_username_created", "staff_login_attempts", ["username", "created_at"])
    op.create_index("ix_staff_login_attempts_address_created", "staff_login_attempts", ["address_hash", "created_at"])
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("application_number", sa.String(length=20), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint("outcome IN ('found', 'not_verified', 'locked', 'invalid')",
                           name=op.f("ck_staff_audit_outcome")),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], name=op.f("fk_staff_audit_account_id_staff_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_audit")),
    )
    op.create_index("ix_staff_audit_created_at", "staff_audit", ["created_at"])
    op.create_index("ix_staff_audit_account_created", "staff_audit", ["account_id", "created_at"])
    op.create_index("ix_staff_audit_number_created", "staff_audit", ["application_number", "created_at"])
    _append_only_triggers()

    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('waiting', 'taken', 'closed')", name=op.f("ck_handoffs_state")),
        sa.CheckConstraint("reason IN ('asked', 'failures')", name=op.f("ck_handoffs_reason")),
        sa.ForeignKeyConstraint(["taken_by"], ["staff_accounts.id"], name=op.f("fk_handoffs_taken_by_staff_accounts")),
        sa.ForeignKeyConstraint(["closed_by"], ["staff_accounts.id"], name=op.f("fk_handoffs_closed_by_staff_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    op.create_index("ix_handoffs_state_created", "handoffs", ["state", "created_at"])
    op.create_index("ix_handoffs_sender_created", "handoffs", ["sender_id", "created_at"])
    op.create_index("uq_handoffs_open_sender", "handoffs", ["sender_id"], unique=True,
                    sqlite_where=sa.text("state != 'closed'"), postgresql_where=sa.text("state != 'closed'"))
    op.create_table(
        "handoff_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE",
                                name=op.f("fk_handoff_replies_handoff_id_handoffs")),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"],
                                name=op.f("fk_handoff_replies_account_id_staff_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_replies")),
    )
    op.create_index("ix_handoff_replies_handoff_delivered", "handoff_replies", ["handoff_id", "delivered_at"])


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER staff_audit_no_{event.lower()} BEFORE {event} ON staff_audit "
                       f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION staff_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$")
        op.execute("CREATE TRIGGER staff_audit_no_change BEFORE UPDATE OR DELETE ON staff_audit "
                   "FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only()")
        op.execute("CREATE TRIGGER staff_audit_no_truncate BEFORE TRUNCATE ON staff_audit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_append_only()")


def downgrade() -> None:
    op.drop_index("ix_handoff_replies_handoff_delivered", table_name="handoff_replies")
    op.drop_table("handoff_replies")
    op.drop_index("uq_handoffs_open_sender", table_name="handoffs")
    op.drop_index("ix_handoffs_sender_created", table_name="handoffs")
    op.drop_index("ix_handoffs_state_created", table_name="handoffs")
    op.drop_table("handoffs")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS staff_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS staff_audit_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS staff_audit_no_change ON staff_audit")
        op.execute("DROP TRIGGER IF EXISTS staff_audit_no_truncate ON staff_audit")
    op.drop_index("ix_staff_audit_number_created", table_name="staff_audit")
    op.drop_index("ix_staff_audit_account_created", table_name="staff_audit")
    op.drop_index("ix_staff_audit_created_at", table_name="staff_audit")
    op.drop_table("staff_audit")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS staff_audit_append_only()")
    op.drop_index("ix_staff_login_attempts_address_created", table_name="staff_login_attempts")
    op.drop_index("ix_staff_login_attempts_username_created", table_name="staff_login_attempts")
    op.drop_table("staff_login_attempts")
    op.drop_index("ix_staff_sessions_account_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_table("staff_accounts")
