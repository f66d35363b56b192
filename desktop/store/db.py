"""Engines and migrations: SQLite (the default, one file in the user's data folder) and PostgreSQL (psycopg 3).

SQLite, on every new DBAPI connection (the `connect` event):
  * `PRAGMA foreign_keys=ON` (SQLite's default is OFF, per connection);
  * `PRAGMA journal_mode=WAL` and `PRAGMA synchronous=FULL` (the decision log must survive a power cut);
  * the stdlib driver's own transaction handling is switched off (`isolation_level = None`): on Python 3.11
    it issues BEGIN only before DML and COMMITs silently before DDL, which breaks all-or-nothing imports.
    The `begin` event emits BEGIN itself (SQLAlchemy's pysqlite recipe "Serializable isolation /
    Savepoints / Transactional DDL").  A write transaction asks for `BEGIN IMMEDIATE` (execution option
    `sqlite_begin="IMMEDIATE"`), so that it holds the write lock from its first statement and can never
    fail half-way on a lock upgrade.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError

from .errors import StoreError

__all__ = ["normalize_url", "make_engine", "write_connection", "migration_connection", "upgrade_to_head",
           "alembic_config", "MIGRATIONS_DIR"]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0
_PG_MIGRATION_LOCK = 0x7261736964  # advisory lock key: "rasid"


def normalize_url(url: str) -> URL:
    """Parse a database URL; `postgresql://` (and `postgres://`) mean psycopg 3, the driver we ship."""
    try:
        u = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} ({exc})",
                         f"نشانی پایگاه داده نامعتبر است: {url}", "unsupported_url") from None
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if u.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StoreError(
            f"unsupported database {u.drivername!r}: use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB",
            f"پایگاه داده «{u.drivername}» پشتیبانی نمی‌شود؛ از sqlite:///مسیر-فایل یا "
            f"postgresql+psycopg://کاربر@میزبان/پایگاه استفاده کنید", "unsupported_url")
    return u


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):  # noqa: ARG001
        dbapi_connection.isolation_level = None      # we emit BEGIN ourselves (see module doc)
        cur = dbapi_connection.cursor()
        try:
            cur.execute("PRAGMA foreign_keys=ON")
            mode = cur.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() not in ("wal", "memory"):
                log.warning("SQLite refused WAL (journal_mode=%s); a network share? Use PostgreSQL there.", mode)
            cur.execute("PRAGMA synchronous=FULL")
            # 16 MiB: a 100,000-document import takes as long as with 64 MiB and holds 50 MB less (docs/engine.md)
            cur.execute("PRAGMA cache_size=-16384")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        mode = conn.get_execution_options().get("sqlite_begin")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def make_engine(url: str | URL) -> Engine:
    u = normalize_url(url) if isinstance(url, str) else url
    if u.get_backend_name() == "sqlite":
        database = u.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            parent = Path(database).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"database folder does not exist: {parent}",
                                 f"پوشهٔ پایگاه داده وجود ندارد: {parent}", "cannot_connect")
        engine = create_engine(u, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _sqlite_events(engine)
    else:
        engine = create_engine(u, pool_pre_ping=True)
    return engine


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one write transaction: committed when the block ends, rolled back on any error."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for migrations.  On SQLite foreign keys are switched off while it is out (batch mode
    copies and drops tables; with foreign keys on, dropping a parent would cascade-delete its children) and
    checked with `PRAGMA foreign_key_check` before commit."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection if engine.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")   # outside any transaction: takes effect
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        try:
            yield conn
        finally:
            if raw is not None:
                if conn.in_transaction():
                    conn.rollback()
                raw.execute("PRAGMA foreign_keys=ON")


def alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the newest schema; a no-op (one small query) when it is already there."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    heads = set(script.get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        conn.rollback()
    if current == heads:
        return
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = current - known
    if unknown:
        raise StoreError(
            f"the database schema ({', '.join(sorted(unknown))}) is newer than this program knows; "
            f"update the program",
            "ساختار پایگاه داده از نسخهٔ جدیدتری از برنامه است؛ برنامه را به‌روز کنید", "newer_schema")
    with migration_connection(engine) as conn:
        with conn.begin():
            if engine.dialect.name == "postgresql":    # two programs opening one server at once
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            command.upgrade(alembic_config(conn), "head")
            if engine.dialect.name == "sqlite":
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    log.info("database migrated to %s", ", ".join(sorted(heads)))
