"""The reviewer's desk: users (argon2 password hashes, roles), the audit of account management, and the desk's
per-document copy of a review result (review_heads / review_rows / review_entries).

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-23

The tables are declared for the program in desktop/review/tables.py (the review layer owns them); this file
describes them as they were created, self-contained.  `user_events` is append-only like `events`.  The review_*
tables are derived data (rebuilt from `results` when missing); they reference `results` with ON DELETE CASCADE and
nothing of the store references them.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# The models of these tables live in desktop.review.tables (on the store's MetaData).  Importing it here makes
# sure that whoever compares the migrations with the MetaData (tests/store/test_migrations.py, autogenerate)
# sees them, whichever of the two modules was imported first.
import desktop.review.tables  # noqa: F401,E402

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SQLITE_TRIGGERS = [
    "CREATE TRIGGER user_events_append_only_update BEFORE UPDATE ON user_events "
    "BEGIN SELECT RAISE(ABORT, 'user_events are append-only'); END",
    "CREATE TRIGGER user_events_append_only_delete BEFORE DELETE ON user_events "
    "BEGIN SELECT RAISE(ABORT, 'user_events are append-only'); END",
]
PG_TRIGGERS = [
    "CREATE FUNCTION user_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'user_events are append-only'; END; $$",
    "CREATE TRIGGER user_events_append_only BEFORE UPDATE OR DELETE ON user_events "
    "FOR EACH ROW EXECUTE FUNCTION user_events_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("can_admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.Text(), nullable=True),
        sa.CheckConstraint("role IN ('technical', 'accounting', 'admin')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "user_events",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_user_events")),
    )
    op.create_index("ix_user_events_username", "user_events", ["username"])
    op.create_table(
        "review_heads",
        sa.Column("result_pk", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("batch_pk", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.Text(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("head_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["result_pk"], ["results.pk"], name=op.f("fk_review_heads_result_pk_results"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("result_pk", name=op.f("pk_review_heads")),
    )
    op.create_index("ix_review_heads_batch_pk", "review_heads", ["batch_pk"])
    op.create_table(
        "review_rows",
        sa.Column("result_pk", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document_pk", sa.Integer(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("national_id", sa.Text(), nullable=True),
        sa.Column("served_on", sa.Text(), nullable=True),
        sa.Column("mark", sa.Text(), nullable=False),
        sa.Column("requested", sa.BigInteger(), nullable=False),
        sa.Column("approved", sa.BigInteger(), nullable=False),
        sa.Column("amounts", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("review", sa.Boolean(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["result_pk"], ["review_heads.result_pk"],
                                name=op.f("fk_review_rows_result_pk_review_heads"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("result_pk", "position", name=op.f("pk_review_rows")),
    )
    op.create_table(
        "review_entries",
        sa.Column("result_pk", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entry_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["result_pk"], ["review_heads.result_pk"],
                                name=op.f("fk_review_entries_result_pk_review_heads"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("result_pk", "position", name=op.f("pk_review_entries")),
    )
    dialect = op.get_bind().dialect.name
    for ddl in SQLITE_TRIGGERS if dialect == "sqlite" else PG_TRIGGERS if dialect == "postgresql" else []:
        op.execute(ddl)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS user_events_append_only_update")
        op.execute("DROP TRIGGER IF EXISTS user_events_append_only_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS user_events_append_only ON user_events")
        op.execute("DROP FUNCTION IF EXISTS user_events_append_only()")
    op.drop_table("review_entries")
    op.drop_table("review_rows")
    op.drop_index("ix_review_heads_batch_pk", table_name="review_heads")
    op.drop_table("review_heads")
    op.drop_index("ix_user_events_username", table_name="user_events")
    op.drop_table("user_events")
    op.drop_table("users")
