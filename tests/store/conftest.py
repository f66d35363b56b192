"""Fixtures of the store tests: a Store on SQLite (in tmp_path) and on a throw-away PostgreSQL server
(`pg_url` / `pg_fresh_url` of tests/pg.py, made available to every folder by tests/conftest.py)."""
from __future__ import annotations

import pytest

from desktop.store import Store


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
