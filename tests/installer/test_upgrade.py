"""First start after an upgrade (desktop/upgrade.py): back up, migrate, restore on failure and say so in Persian."""
from __future__ import annotations

import shutil
import sqlite3
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

import desktop.store.db as db
from desktop import upgrade
from desktop.paths import resources_dir
from desktop.pipeline import read_batches
from desktop.store import Store, StoreError
from desktop.upgrade import UpgradeError

DEMO_HISTORY = resources_dir() / "demo" / "demo-history.json"


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(db.alembic_config())
    return [r.revision for r in script.walk_revisions()]     # newest first


@pytest.fixture
def old_db(tmp_path):
    """A database made by the previous version: one batch imported, schema one revision behind the program."""
    revs = _revisions()
    if len(revs) < 2:
        pytest.skip("only one schema revision exists: nothing to upgrade from")
    path = tmp_path / "data" / "rasidegi.sqlite"
    path.parent.mkdir()
    url = f"sqlite:///{path}"
    (loaded,) = read_batches([DEMO_HISTORY])
    with Store.open(url) as store:
        store.import_batch(loaded.normalized, source_file=loaded.path, sha256=loaded.sha256)
        engine = store._engine
        with db.migration_connection(engine) as conn:
            with conn.begin():
                command.downgrade(db.alembic_config(conn), revs[1])
    return path, url, revs[1], loaded.normalized["batch"]["id"]


def _rev(path: Path) -> set[str]:
    with sqlite3.connect(path) as c:
        return {r[0] for r in c.execute("SELECT version_num FROM alembic_version")}


def _batch_ids(path: Path) -> list[str]:
    with sqlite3.connect(path) as c:
        return [r[0] for r in c.execute("SELECT batch_id FROM batches")]


def test_new_database_needs_no_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    out = upgrade.upgrade_database(url)
    assert not out.migrated and out.backup is None and out.before == ()
    assert not (tmp_path / "backups").exists()
    # already current: nothing to do either
    out = upgrade.upgrade_database(url)
    assert not out.migrated and out.backup is None and set(out.before) == set(out.after)


def test_upgrade_backs_up_then_migrates(old_db):
    path, url, old_rev, batch_id = old_db
    out = upgrade.upgrade_database(url)
    assert out.migrated and out.before == (old_rev,) and set(out.after) == {_revisions()[0]}
    assert out.backup is not None and out.backup.parent == path.parent / "backups" and old_rev in out.backup.name
    assert _rev(out.backup) == {old_rev} and _batch_ids(out.backup) == [batch_id]      # the copy is the old db
    assert _rev(path) == {_revisions()[0]} and _batch_ids(path) == [batch_id]          # data kept
    assert "به‌روز شد" in out.message_fa
    with upgrade.open_store(url) as store:          # and the program opens it
        assert store.batch_ids() == [batch_id]


def _failing_migrations(tmp_path: Path) -> Path:
    """The program's migrations plus a new head whose upgrade fails half-way."""
    copy = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "versions" / "9999_broken.py").write_text(textwrap.dedent(f'''
        import sqlalchemy as sa
        from alembic import op
        revision = "9999"
        down_revision = "{_revisions()[0]}"
        branch_labels = None
        depends_on = None
        def upgrade():
            op.create_table("half_done", sa.Column("pk", sa.Integer, primary_key=True))
            op.execute("DELETE FROM services")
            raise RuntimeError("disk full while copying the table")
        def downgrade():
            pass
    '''), encoding="utf-8")
    return copy


def test_failed_migration_restores_the_backup(old_db, tmp_path, monkeypatch):
    path, url, old_rev, batch_id = old_db
    with sqlite3.connect(path) as c:
        n_services = c.execute("SELECT count(*) FROM services").fetchone()[0]
    assert n_services > 0
    monkeypatch.setattr(db, "MIGRATIONS_DIR", _failing_migrations(tmp_path))
    with pytest.raises(UpgradeError) as e:
        upgrade.upgrade_database(url)
    err = e.value
    assert err.restored and err.backup is not None and err.backup.is_file() and err.code == "migration_failed"
    assert "نسخهٔ پشتیبان بازگردانده شد" in err.message_fa and "disk full" in err.message_fa
    assert "restored" in err.message_en and str(err.backup) in err.message_en
    assert isinstance(err, StoreError)           # the CLI's `except StoreError` prints it
    assert _rev(path) == {old_rev}
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT count(*) FROM services").fetchone()[0] == n_services
        assert not c.execute("SELECT 1 FROM sqlite_master WHERE name='half_done'").fetchone()
    assert _batch_ids(path) == [batch_id]


def test_a_destroyed_file_is_put_back(old_db, monkeypatch):
    """Whatever the failure did to the file (here: truncated it), the backup replaces it."""
    path, url, old_rev, batch_id = old_db

    def crash(u):
        path.write_bytes(b"")
        Path(str(path) + "-wal").write_bytes(b"garbage")
        raise OSError("the laptop lost power")

    monkeypatch.setattr(upgrade.Store, "open", staticmethod(crash))
    with pytest.raises(UpgradeError) as e:
        upgrade.upgrade_database(url)
    assert e.value.restored and "power" in e.value.cause
    assert not Path(str(path) + "-wal").exists()
    assert _rev(path) == {old_rev} and _batch_ids(path) == [batch_id]


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.sqlite"
    url = f"sqlite:///{path}"
    Store.open(url).close()
    with sqlite3.connect(path) as c:
        c.execute("UPDATE alembic_version SET version_num = 'ffff'")
    before = path.read_bytes()
    with pytest.raises(StoreError) as e:
        upgrade.upgrade_database(url)
    assert e.value.code == "newer_schema" and not isinstance(e.value, UpgradeError)
    assert not (tmp_path / "backups").exists()


def test_not_a_database(tmp_path):
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError) as e:
        upgrade.upgrade_database(f"sqlite:///{path}")
    assert str(path) in e.value.message_fa


def test_old_backups_are_pruned(tmp_path):
    path = tmp_path / "db.sqlite"
    Store.open(f"sqlite:///{path}").close()
    made = [upgrade.backup_sqlite(path, {"r"}) for _ in range(upgrade.KEEP_BACKUPS + 3)]
    left = sorted((tmp_path / "backups").glob("db-*.sqlite"))
    assert len(left) == upgrade.KEEP_BACKUPS and made[-1] in left and made[0] not in left


@pytest.mark.postgres
def test_server_migration_failure_leaves_it_unchanged(pg_fresh_url, tmp_path, monkeypatch):
    Store.open(pg_fresh_url).close()
    before = upgrade.schema_revisions(pg_fresh_url)
    monkeypatch.setattr(db, "MIGRATIONS_DIR", _failing_migrations(tmp_path))
    with pytest.raises(UpgradeError) as e:
        upgrade.upgrade_database(pg_fresh_url)
    assert e.value.backup is None and "هیچ تغییری" in e.value.message_fa
    monkeypatch.undo()
    assert upgrade.schema_revisions(pg_fresh_url) == before
