"""The store's tables (SQLAlchemy Core).  The Alembic migrations in `migrations/versions/` build exactly
this schema; tests/store/test_migrations.py checks that they agree on SQLite and PostgreSQL.

Storage choices (identical on SQLite and PostgreSQL):

* JSON is kept in `Text` columns holding compact JSON (`ensure_ascii=False`, separators `,` `:`), not in a
  JSON/JSONB type: SQLite has no JSON type, and PostgreSQL's JSONB reorders keys and drops duplicates, so
  only plain text gives byte-identical round trips on both.  Nothing queries inside the JSON: every field a
  query needs (national id, dates, codes, state) has its own column.
* Jalali dates are text `yyyy/mm/dd` (months `yyyy/mm`): fixed width, so text order is date order.
* Machine timestamps (imported_at, created_at, an event's default `at`) are UTC ISO-8601 text.
* Primary keys are BIGINT on PostgreSQL and INTEGER (the rowid) on SQLite.
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger, CheckConstraint, Column, Float, ForeignKey, Index, Integer, MetaData, Table, Text,
)

__all__ = ["metadata", "batches", "documents", "services", "results", "events", "STATES", "KINDS"]

# Constraint names are fixed so that Alembic's batch mode (SQLite) can find them again.
NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

#: batch states, in workflow order
STATES = ("received", "technical_review", "accounting", "signed")
#: document kinds
KINDS = ("prescription", "bill")

PK = BigInteger().with_variant(Integer(), "sqlite")


batches = Table(
    "batches", metadata,
    Column("pk", Integer, primary_key=True),
    Column("batch_id", Text, nullable=False, unique=True),
    Column("sha256", Text, nullable=False),
    Column("period", Text),                      # yyyy/mm
    Column("fund", Text),
    Column("provider_code", Text),
    Column("provider_kind", Text),
    Column("submitted_on", Text),                # yyyy/mm/dd
    Column("state", Text, nullable=False, server_default="received"),
    Column("revision", Integer, nullable=False, server_default="1"),   # +1 at each replacement
    Column("imported_at", Text, nullable=False),
    Column("source_file", Text, nullable=False),
    # the file's top level without its documents: {"format", "batch", "prescriptions": [], "bills": [], …}
    Column("header_json", Text, nullable=False),
    CheckConstraint("state IN ('received', 'technical_review', 'accounting', 'signed')", name="state"),
)

documents = Table(
    "documents", metadata,
    Column("pk", PK, primary_key=True),
    Column("batch_pk", Integer, ForeignKey("batches.pk", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("seq", Integer),
    Column("national_id", Text),
    Column("served_on", Text),                   # prescription.served_on, or the date of bill.admitted_at
    Column("requested_total", BigInteger),
    Column("doc_json", Text, nullable=False),
    CheckConstraint("kind IN ('prescription', 'bill')", name="kind"),
    Index("ix_documents_batch_pk", "batch_pk"),
    Index("ix_documents_national_id", "national_id"),
)

services = Table(
    "services", metadata,
    Column("pk", PK, primary_key=True),
    Column("batch_pk", Integer, ForeignKey("batches.pk", ondelete="CASCADE"), nullable=False),
    Column("document_pk", PK, ForeignKey("documents.pk", ondelete="CASCADE"), nullable=False),
    Column("national_id", Text),
    Column("code", Text, nullable=False),
    Column("served_on", Text),
    Column("qty", Float),
    Column("provider_code", Text),
    Index("ix_services_document_pk", "document_pk"),
    Index("ix_services_national_id_code", "national_id", "code"),
)

results = Table(
    "results", metadata,
    Column("pk", Integer, primary_key=True),
    Column("batch_pk", Integer, ForeignKey("batches.pk", ondelete="CASCADE"), nullable=False),
    Column("batch_revision", Integer, nullable=False),
    Column("rules_version", Text, nullable=False),
    Column("result_json", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Index("ix_results_batch_pk", "batch_pk"),
)

# Append-only: triggers created by the migration refuse UPDATE and DELETE (audit log).
events = Table(
    "events", metadata,
    Column("pk", PK, primary_key=True),
    Column("batch_pk", Integer, ForeignKey("batches.pk"), nullable=False),
    Column("batch_revision", Integer, nullable=False),
    Column("at", Text, nullable=False),
    Column("who", Text, nullable=False),
    Column("role", Text),
    Column("kind", Text, nullable=False),
    Column("payload_json", Text, nullable=False),
    Index("ix_events_batch_pk", "batch_pk"),
)
