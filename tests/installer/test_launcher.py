"""The installed program's entry point (installer/launcher.py), run from the checkout."""
from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from alembic import command

import desktop.store.db as db
from desktop.paths import resources_dir
from desktop.store import Store

ROOT = Path(__file__).resolve().parents[2]
HISTORY = resources_dir() / "demo" / "demo-history.json"


def _launcher():
    spec = importlib.util.spec_from_file_location("rasidegi_launcher", ROOT / "installer" / "launcher.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def old_default_db(tmp_path, monkeypatch):
    """The default database of a user-data folder, left one schema revision behind by the previous version."""
    from alembic.script import ScriptDirectory
    revs = [r.revision for r in ScriptDirectory.from_config(db.alembic_config()).walk_revisions()]
    if len(revs) < 2:
        pytest.skip("only one schema revision exists")
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "home"))
    path = tmp_path / "home" / "rasidegi.sqlite"
    path.parent.mkdir()
    with Store.open(f"sqlite:///{path}") as store:
        with db.migration_connection(store._engine) as conn:
            with conn.begin():
                command.downgrade(db.alembic_config(conn), revs[1])
    return path, revs


def test_review_after_an_upgrade_backs_up_first(old_default_db, tmp_path, capsys):
    path, revs = old_default_db
    out = tmp_path / "r.json"
    rc = _launcher().main(["review", str(HISTORY), "--out", str(out), "-q"])
    assert rc == 0 and out.is_file()
    backups = list((path.parent / "backups").glob("rasidegi-*.sqlite"))
    assert len(backups) == 1 and revs[1] in backups[0].name
    assert "به‌روز شد" in capsys.readouterr().err
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == revs[0]


def test_failed_migration_stops_the_command_and_says_so(old_default_db, tmp_path, monkeypatch, capsys):
    path, revs = old_default_db
    import shutil
    copy = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "versions" / "9999_broken.py").write_text(textwrap.dedent(f'''
        revision = "9999"
        down_revision = "{revs[0]}"
        branch_labels = depends_on = None
        def upgrade():
            raise RuntimeError("broken migration")
    '''), encoding="utf-8")
    monkeypatch.setattr(db, "MIGRATIONS_DIR", copy)
    out = tmp_path / "r.json"
    rc = _launcher().main(["review", str(HISTORY), "--out", str(out), "-q"])
    err = capsys.readouterr().err
    assert rc == 1 and not out.exists()
    assert "نسخهٔ پشتیبان بازگردانده شد" in err and "broken migration" in err
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == revs[1]


def test_first_window_hook_saves_the_wizard(tmp_path):
    pytest.importorskip("PySide6.QtWidgets")
    shot = tmp_path / "w.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RASIDEGI_HOME=str(tmp_path / "home"),
               RASIDEGI_FIRST_WINDOW_SHOT=str(shot), RASIDEGI_QUIT_AFTER_SHOT="1", RASIDEGI_T0=repr(time.time()))
    res = subprocess.run([sys.executable, str(ROOT / "installer" / "launcher.py"), "setup"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    line = next(ln for ln in res.stderr.splitlines() if ln.startswith("rasidegi-first-window "))
    seconds, cls, status = line.split()[1:4]
    assert cls == "FirstRunWizard" and status == "saved" and 0 < float(seconds) < 60
    assert shot.read_bytes()[:4] == b"\x89PNG"
