"""The first start after an upgrade: back up the database, migrate it (Alembic, through Store.open), and if the
migration fails put the backup back and say so in Persian.

    from desktop.upgrade import open_store, upgrade_database
    outcome = upgrade_database()       # at program start (GUI, CLI): backs up + migrates when a migration is pending
    store = open_store()               # the same, then the open Store (what the GUI and the pipeline should call)

The embedded SQLite database: when its schema is older than the program's (a new version was installed over an old
one, data kept in the user-data folder), a consistent copy is taken first with SQLite's online-backup API into
`<database folder>/backups/rasidegi-<old revision>-<UTC time>.sqlite` (the newest KEEP_BACKUPS are kept).  If the
migration then fails for any reason, the database file (and its -wal / -shm companions) is replaced by that copy and
UpgradeError says, in Persian and English, that nothing was lost, where the copy is, and what failed.

The office's PostgreSQL server: the migration runs in one transaction (PostgreSQL's DDL is transactional, and
desktop.store.db.upgrade_to_head holds an advisory lock), so a failure leaves the server as it was; UpgradeError
says so.  Server backups are the office IT's pg_dump routine, not the laptop's.
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from desktop.store import Store, StoreError

__all__ = ["UpgradeError", "UpgradeOutcome", "schema_revisions", "sqlite_path", "backup_sqlite", "restore_sqlite",
           "upgrade_database", "open_store", "KEEP_BACKUPS"]

log = logging.getLogger(__name__)

KEEP_BACKUPS = 5


class UpgradeError(StoreError):
    """The migration failed.  `restored` tells whether the backup was put back; `backup` is its path (SQLite)."""

    def __init__(self, message_en: str, message_fa: str, *, backup: Path | None = None, restored: bool = False,
                 cause: str = ""):
        super().__init__(message_en, message_fa, "migration_failed")
        self.backup = backup
        self.restored = restored
        self.cause = cause


@dataclass(frozen=True)
class UpgradeOutcome:
    url: str
    before: tuple[str, ...]            # schema revisions before (empty: a new database)
    after: tuple[str, ...]             # the program's heads
    migrated: bool                     # a migration ran (False: the schema was already current, or new)
    backup: Path | None = None         # the copy taken before migrating (SQLite)

    @property
    def message_fa(self) -> str:
        if not self.migrated:
            return ""
        where = f"؛ نسخهٔ پشتیبان پیش از به‌روزرسانی: {self.backup}" if self.backup else ""
        return f"پایگاه داده برای نسخهٔ تازهٔ برنامه به‌روز شد{where}"


def _heads() -> tuple[set[str], set[str]]:
    from alembic.script import ScriptDirectory

    from desktop.store.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return set(script.get_heads()), {rev.revision for rev in script.walk_revisions()}


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///…` URL (None for PostgreSQL, memory or URI databases)."""
    from desktop.store.db import normalize_url

    u = normalize_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    db = u.database or ""
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db).expanduser()


def schema_revisions(url: str) -> set[str]:
    """The Alembic revisions the database is at (empty: no database yet, or no tables of ours)."""
    path = sqlite_path(url)
    if path is not None:
        if not path.is_file() or path.stat().st_size == 0:
            return set()
        conn = sqlite3.connect(str(path))
        try:
            has = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()
            return {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")} if has else set()
        finally:
            conn.close()
    from alembic.runtime.migration import MigrationContext

    from desktop.store.db import make_engine
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def backup_sqlite(path: Path, revisions: set[str] | None = None, dest_dir: Path | None = None) -> Path:
    """A consistent copy of the SQLite database `path` (online-backup API: includes what is still in the WAL)."""
    dest_dir = dest_dir or path.parent / "backups"
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    rev = "-".join(sorted(revisions or ())) or "none"
    dest = dest_dir / f"{path.stem}-{rev}-{stamp}.sqlite"
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    try:
        os.chmod(dest, 0o600)
    except OSError:
        pass
    _prune(dest_dir, path.stem)
    return dest


def _prune(dest_dir: Path, stem: str) -> None:
    old = sorted(dest_dir.glob(f"{stem}-*.sqlite"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for p in old[KEEP_BACKUPS:]:
        try:
            p.unlink()
        except OSError:
            log.warning("could not remove the old backup %s", p)


def restore_sqlite(backup: Path, path: Path) -> None:
    """Put `backup` back as the database `path` (the -wal and -shm files of the failed attempt are removed)."""
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    tmp = path.with_name(path.name + ".restore.tmp")
    shutil.copyfile(backup, tmp)
    os.replace(tmp, path)


def upgrade_database(url: str | None = None) -> UpgradeOutcome:
    """Bring the database at `url` (default: the one chosen at the first run) to the program's schema, with a
    backup first and the backup restored on failure (see the module doc).  Raises UpgradeError (Persian + English)
    when the migration failed, or the StoreError of Store.open for anything else (unreachable server, newer
    schema)."""
    if url is None:
        from desktop.firstrun import configured_db_url
        url = configured_db_url()
    heads, known = _heads()
    path = sqlite_path(url)
    try:
        before = schema_revisions(url)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a readable SQLite database ({exc})",
                         f"{path}: فایل پایگاه داده خراب است یا پایگاه داده نیست ({exc})", "cannot_connect") from None
    pending = bool(before) and before != heads and not (before - known)
    backup = None
    if pending and path is not None:
        backup = backup_sqlite(path, before)
        log.info("database %s at %s: backed up to %s before migrating to %s", path, sorted(before), backup,
                 sorted(heads))
    try:
        Store.open(url).close()
    except Exception as exc:  # noqa: BLE001  (any failure of the migration: restore, then report)
        if not pending:
            raise
        cause = exc.message_en if isinstance(exc, StoreError) else f"{exc.__class__.__name__}: {exc}"
        cause = cause.strip().splitlines()[0] if cause.strip() else exc.__class__.__name__
        old = ", ".join(sorted(before))
        if backup is not None:
            try:
                restore_sqlite(backup, path)
            except OSError as rexc:
                raise UpgradeError(
                    f"migrating {path} from {old} failed ({cause}) and the backup could not be restored ({rexc}); "
                    f"copy {backup} over {path} by hand",
                    f"به‌روزرسانی پایگاه داده ناموفق بود و بازگرداندن نسخهٔ پشتیبان هم انجام نشد. "
                    f"فایل {backup} را به‌جای {path} بگذارید یا از مسئول فناوری اطلاعات کمک بخواهید. "
                    f"علت: {cause}", backup=backup, restored=False, cause=cause) from exc
            log.error("migration of %s failed (%s); restored %s", path, cause, backup)
            raise UpgradeError(
                f"migrating {path} from {old} failed ({cause}); the backup {backup} was restored, nothing was lost; "
                f"the program cannot use this database until the problem is fixed",
                f"به‌روزرسانی پایگاه داده برای نسخهٔ تازهٔ برنامه ناموفق بود؛ نسخهٔ پشتیبان بازگردانده شد و "
                f"هیچ داده‌ای از دست نرفت (پشتیبان: {backup}). تا رفع مشکل، این نسخه از برنامه با این پایگاه داده "
                f"کار نمی‌کند؛ به مسئول فناوری اطلاعات اطلاع دهید. علت: {cause}",
                backup=backup, restored=True, cause=cause) from exc
        raise UpgradeError(
            f"migrating the server database from {old} failed ({cause}); it was rolled back and is unchanged",
            f"به‌روزرسانی پایگاه داده روی سرور ناموفق بود؛ هیچ تغییری در آن داده نشد و داده‌ها سالم است. "
            f"به مسئول فناوری اطلاعات اطلاع دهید. علت: {cause}", restored=True, cause=cause) from exc
    from desktop.store.db import normalize_url
    shown = str(path) if path is not None else normalize_url(url).render_as_string(hide_password=True)
    return UpgradeOutcome(shown, tuple(sorted(before)), tuple(sorted(heads)), pending, backup)


def open_store(url: str | None = None) -> Store:
    """upgrade_database(url), then the open Store (its own migration check is then a no-op)."""
    if url is None:
        from desktop.firstrun import configured_db_url
        url = configured_db_url()
    upgrade_database(url)
    return Store.open(url)
