"""Fixtures of the store tests: a Store on SQLite (in tmp_path) and on a throw-away PostgreSQL server."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:          # `tests.pg` whether or not tests/ is a package
    sys.path.insert(0, _ROOT)

from tests.pg import pg_fresh_url, pg_url  # noqa: E402,F401  (fixtures)

from desktop.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    """Nothing may touch the real user folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RASIDEGI_HOME", str(home))
    return home


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("pg_fresh_url")


@pytest.fixture
def store(db_url):
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(sqlite_url):
    s = Store.open(sqlite_url)
    yield s
    s.close()
