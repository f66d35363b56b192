"""Fixtures of the review-layer tests: a private home, the demo batches imported once into a template database
(copied for each test), a cheap argon2 hasher, users of each role."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from desktop.paths import resources_dir
from desktop.review.session import ReviewSession
from desktop.review.users import User, Users
from desktop.store import Store

DEMO = resources_dir() / "demo"
DEMO_FILES = [str(DEMO / "demo-history.json"), str(DEMO / "demo-batch.json")]
DEMO_ID = "PRV-2231/1404-07/iranians"
HISTORY_ID = "PRV-2231/1404-06/iranians"

#: argon2id with the smallest cost: the tests check the hashing, not its strength
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

TECH = User("sara", "سارا احمدی", "technical")
ACC = User("reza", "رضا کریمی", "accounting")
ADMIN = User("admin", "مدیر", "admin")


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RASIDEGI_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def rules():
    from desktop.engine.rules import load_rules
    return load_rules()


@pytest.fixture(scope="session")
def reference():
    from desktop.pipeline import load_reference
    return load_reference()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, rules, reference) -> Path:
    """A database holding the two demo months, imported and reviewed (built once per session)."""
    from desktop.review.importer import import_files
    path = tmp_path_factory.mktemp("demo-db") / "demo.sqlite"
    store = Store.open(f"sqlite:///{path}")
    try:
        import_files(DEMO_FILES, store=store, rules=rules, ref=reference)
    finally:
        store.close()
    return path


@pytest.fixture
def demo_url(demo_template, tmp_path) -> str:
    target = tmp_path / "demo.sqlite"
    shutil.copy(demo_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def demo_store(demo_url):
    store = Store.open(demo_url)
    yield store
    store.close()


@pytest.fixture
def users(demo_store) -> Users:
    return Users(demo_store, CHEAP)


def open_session(store, user=TECH, rules=None, reference=None) -> ReviewSession:
    return ReviewSession(store, DEMO_ID, user, rules=rules, reference=reference)


@pytest.fixture
def s(demo_store, rules, reference):
    return open_session(demo_store, rules=rules, reference=reference)


def doc(s: ReviewSession, seq: int) -> int:
    i = s.index_of("prescription", seq)
    assert i is not None
    return i
