"""First schema: batches, documents, services (history index), results, events (append-only).

Revision ID: 0001
Revises:
Create Date: 2025-11-23

Self-contained on purpose (no import of desktop.store.schema): a migration describes the schema as it was.
Note for later migrations: on SQLite, batch mode re-creates a table, which drops its triggers; a migration
that touches `events` must re-create the append-only triggers below.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

SQLITE_TRIGGERS = [
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
]
PG_TRIGGERS = [
    "CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'events are append-only'; END; $$",
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "CREATE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=True),
        sa.Column("fund", sa.Text(), nullable=True),
        sa.Column("provider_code", sa.Text(), nullable=True),
        sa.Column("provider_kind", sa.Text(), nullable=True),
        sa.Column("submitted_on", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), server_default="received", nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column("imported_at", sa.Text(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("header_json", sa.Text(), nullable=False),
        sa.CheckConstraint("state IN ('received', 'technical_review', 'accounting', 'signed')",
                           name=op.f("ck_batches_state")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_batches")),
        sa.UniqueConstraint("batch_id", name=op.f("uq_batches_batch_id")),
    )
    op.create_table(
        "documents",
        sa.Column("pk", PK, nullable=False),
        sa.Column("batch_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("national_id", sa.Text(), nullable=True),
        sa.Column("served_on", sa.Text(), nullable=True),
        sa.Column("requested_total", sa.BigInteger(), nullable=True),
        sa.Column("doc_json", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('prescription', 'bill')", name=op.f("ck_documents_kind")),
        sa.ForeignKeyConstraint(["batch_pk"], ["batches.pk"], name=op.f("fk_documents_batch_pk_batches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_documents")),
    )
    op.create_index("ix_documents_batch_pk", "documents", ["batch_pk"])
    op.create_index("ix_documents_national_id", "documents", ["national_id"])

    op.create_table(
        "services",
        sa.Column("pk", PK, nullable=False),
        sa.Column("batch_pk", sa.Integer(), nullable=False),
        sa.Column("document_pk", PK, nullable=False),
        sa.Column("national_id", sa.Text(), nullable=True),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("served_on", sa.Text(), nullable=True),
        sa.Column("qty", sa.Float(), nullable=True),
        sa.Column("provider_code", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["batch_pk"], ["batches.pk"], name=op.f("fk_services_batch_pk_batches"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_pk"], ["documents.pk"],
                                name=op.f("fk_services_document_pk_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_services")),
    )
    op.create_index("ix_services_document_pk", "services", ["document_pk"])
    op.create_index("ix_services_national_id_code", "services", ["national_id", "code"])

    op.create_table(
        "results",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("batch_pk", sa.Integer(), nullable=False),
        sa.Column("batch_revision", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["batch_pk"], ["batches.pk"], name=op.f("fk_results_batch_pk_batches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_results")),
    )
    op.create_index("ix_results_batch_pk", "results", ["batch_pk"])

    op.create_table(
        "events",
        sa.Column("pk", PK, nullable=False),
        sa.Column("batch_pk", sa.Integer(), nullable=False),
        sa.Column("batch_revision", sa.Integer(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["batch_pk"], ["batches.pk"], name=op.f("fk_events_batch_pk_batches")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_events")),
    )
    op.create_index("ix_events_batch_pk", "events", ["batch_pk"])

    dialect = op.get_bind().dialect.name
    for ddl in SQLITE_TRIGGERS if dialect == "sqlite" else PG_TRIGGERS if dialect == "postgresql" else []:
        op.execute(ddl)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS events_append_only_update")
        op.execute("DROP TRIGGER IF EXISTS events_append_only_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP TRIGGER IF EXISTS events_append_only_truncate ON events")
        op.execute("DROP FUNCTION IF EXISTS events_append_only()")
    op.drop_table("events")
    op.drop_table("results")
    op.drop_table("services")
    op.drop_table("documents")
    op.drop_table("batches")
