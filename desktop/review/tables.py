"""The review layer's own tables (SQLAlchemy Core), declared on the store's MetaData.

Built by the Alembic migration `desktop/store/migrations/versions/0002_review.py`; tests/store/test_migrations.py
compares the two (the migration imports this module so that the comparison sees these tables).

* `users`: who may log in, with which role (the role decides the pen: ماده ۲۰-۳) and an argon2 password hash.
  Nobody is ever deleted (decision events name them): an account is deactivated instead.
* `user_events`: append-only audit of account management and logins (who did what to which account, when).
* `review_heads` / `review_rows` / `review_entries`: the desk's list of a reviewed batch (see below).
Decisions on documents are not here: they are batch events of the store (`Store.record_event`).
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, Table, Text

from desktop.store.schema import metadata

__all__ = ["users", "user_events", "review_heads", "review_rows", "review_entries", "ROLES"]

#: technical reviewer (کارشناس فنی), accountant (کارشناس حسابداری), administrator (manages users)
ROLES = ("technical", "accounting", "admin")

users = Table(
    "users", metadata,
    Column("pk", Integer, primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("full_name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("can_admin", Boolean, nullable=False),      # a reviewer who also manages accounts
    Column("active", Boolean, nullable=False),
    Column("password_hash", Text, nullable=False),      # argon2id, PHC string
    Column("created_at", Text, nullable=False),         # UTC ISO-8601
    Column("created_by", Text),
    Column("changed_at", Text),
    CheckConstraint("role IN ('technical', 'accounting', 'admin')", name="role"),
)

user_events = Table(
    "user_events", metadata,
    Column("pk", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("who", Text, nullable=False),                # the acting user (or "system")
    Column("username", Text, nullable=False),           # the account concerned
    Column("action", Text, nullable=False),             # created | password | role | active | login | login_failed
    Column("detail_json", Text, nullable=False),
    Index("ix_user_events_username", "username"),
)

# --- the desk's list of a reviewed batch ------------------------------------------------------------------------
# A derived copy of one stored review result (Store.save_result), cut per document, so that the desk opens a batch of
# 100,000 documents without decoding the whole result (25 MB of JSON): the list reads the narrow `review_rows`, a
# document's page reads its one `review_entries` row.  Built once per result (desktop.review.queries.review_index),
# at import or at the first opening; never edited; deleted with its result (and so with its batch).

review_heads = Table(
    "review_heads", metadata,
    Column("result_pk", Integer, ForeignKey("results.pk", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("batch_pk", Integer, nullable=False),
    Column("built_at", Text, nullable=False),
    Column("documents", Integer, nullable=False),
    Column("head_json", Text, nullable=False),        # the result without its documents: format, totals, findings…
    Index("ix_review_heads_batch_pk", "batch_pk"),
)

review_rows = Table(
    "review_rows", metadata,
    Column("result_pk", Integer, ForeignKey("review_heads.result_pk", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),   # prescriptions, then bills, as in the result
    Column("document_pk", Integer),                    # documents.pk (no foreign key: re-imports delete documents)
    Column("kind", Text, nullable=False),
    Column("seq", Integer),
    Column("national_id", Text),
    Column("served_on", Text),
    Column("mark", Text, nullable=False),
    Column("requested", BigInteger, nullable=False),
    Column("approved", BigInteger, nullable=False),
    Column("amounts", Integer, nullable=False),        # lines (or bill headings)
    Column("findings", Integer, nullable=False),
    Column("review", Boolean, nullable=False),         # a finding waits for a human decision
    Column("rules", Text, nullable=False),             # clause ids cited, space-separated, in the result's order
)

review_entries = Table(
    "review_entries", metadata,
    Column("result_pk", Integer, ForeignKey("review_heads.result_pk", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("entry_json", Text, nullable=False),        # the result's entry for the document, as the engine wrote it
)
