"""SQLite specifics: pragmas on every connection, real transactions, the default location."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from desktop.store import Store, StoreError
from desktop.store.db import write_connection
from desktop.store.schema import batches

from .batches import batch, prescription, sha


def test_default_database_lives_under_rasidegi_home(_private_home):
    with Store.open() as store:
        assert store.dialect == "sqlite"
        assert store.url == f"sqlite:///{_private_home / 'rasidegi.sqlite'}"
        store.import_batch(batch("B/1", "1404/07"), source_file="b.json", sha256="aa")
    assert (_private_home / "rasidegi.sqlite").is_file()


def test_every_connection_has_foreign_keys_wal_and_full_sync(sqlite_store):
    engine = sqlite_store._engine
    conns = [engine.connect() for _ in range(3)]            # several pooled DBAPI connections
    try:
        for conn in conns:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2      # FULL
    finally:
        for conn in conns:
            conn.close()
    # WAL is recorded in the file itself: a plain sqlite3 connection sees it too
    path = engine.url.database
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_foreign_keys_are_enforced(sqlite_store):
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        with sqlite_store._engine.begin() as conn:
            conn.execute(text("INSERT INTO documents (batch_pk, kind, doc_json) VALUES (4242, 'bill', '{}')"))
    with pytest.raises(IntegrityError, match="CHECK"):
        with sqlite_store._engine.begin() as conn:
            conn.execute(text("INSERT INTO batches (batch_id, sha256, state, imported_at, source_file, header_json)"
                              " VALUES ('x', 'y', 'approved', 'now', 'f', '{}')"))


def test_our_begin_makes_ddl_and_dml_one_transaction(sqlite_store):
    """With the stdlib driver's own handling, the DDL below would COMMIT the insert before it (Python 3.11)."""
    engine = sqlite_store._engine
    with pytest.raises(RuntimeError):
        with write_connection(engine) as conn:
            assert conn.connection.dbapi_connection.in_transaction     # BEGIN sent before any DML
            conn.execute(batches.insert().values(batch_id="T", sha256="s", imported_at="now", source_file="f",
                                                 header_json="{}"))
            conn.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
            raise RuntimeError("roll back")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM batches").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'").scalar() == 0


def test_readers_are_not_blocked_by_an_import_in_progress(sqlite_url):
    """WAL: another program reading the database sees the last committed state while an import runs."""
    first = batch("B/1404-06", "1404/06", prescriptions=[prescription(1, "0012345679", "1404/06/01",
                                                                      ("700920", 1, 10))])
    with Store.open(sqlite_url) as writer, Store.open(sqlite_url) as reader:
        writer.import_batch(first, source_file="a.json", sha256=sha(first))
        with write_connection(writer._engine) as conn:
            conn.execute(batches.insert().values(batch_id="IN-FLIGHT", sha256="s", imported_at="now",
                                                 source_file="f", header_json="{}"))
            assert reader.batch_ids() == ["B/1404-06"]
            assert [h.doc["seq"] for h in reader.history({"0012345679"})] == [1]
        assert reader.batch_ids() == ["B/1404-06", "IN-FLIGHT"]


def test_history_without_sqlite_json_uses_chunked_in(sqlite_store):
    ids = [f"{i:010d}" for i in range(2000)]
    docs = [prescription(i + 1, nid, "1404/07/05", ("700920", 1, 10)) for i, nid in enumerate(ids)]
    sqlite_store.import_batch(batch("B/1404-07", "1404/07", prescriptions=docs[1000:]), source_file="b",
                              sha256="1")
    sqlite_store.import_batch(batch("A/1404-06", "1404/06", prescriptions=docs[:1000]), source_file="a",
                              sha256="2")
    fast = sqlite_store.history(set(ids))
    sqlite_store._sqlite_json = False
    slow = sqlite_store.history(set(ids))
    assert [(h.batch["id"], h.doc["seq"]) for h in slow] == [(h.batch["id"], h.doc["seq"]) for h in fast]
    assert [h.doc["seq"] for h in slow] == list(range(1, 2001))     # June's batch first, though imported second


def test_bad_urls_and_missing_folders(tmp_path):
    with pytest.raises(StoreError) as e:
        Store.open("mysql://u@h/db")
    assert e.value.code == "unsupported_url"
    with pytest.raises(StoreError) as e:
        Store.open(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.sqlite'}")
    assert e.value.code == "cannot_connect" and "پوشه" in e.value.message_fa
    (tmp_path / "not-a-db.sqlite").write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError) as e:
        Store.open(f"sqlite:///{tmp_path / 'not-a-db.sqlite'}")
    assert e.value.code == "cannot_connect"


def test_an_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreError) as e:
        Store.open("postgresql://postgres@127.0.0.1:1/rasidegi")      # plain postgresql:// means psycopg 3
    assert e.value.code == "cannot_connect"
    assert "127.0.0.1:1" in e.value.message_en and "باز نشد" in e.value.message_fa


def test_documents_are_stored_as_text(sqlite_store):
    """doc_json may be bound as UTF-8 bytes; SQLite must still hold TEXT (not BLOB), equal to the JSON."""
    b = batch("B/1404-07", "1404/07", prescriptions=[prescription(1, "0012345679", "1404/07/01",
                                                                  ("700920", 1, 10))])
    sqlite_store.import_batch(b, source_file="b.json", sha256="1")
    with sqlite_store._engine.connect() as conn:
        kind, text_ = conn.exec_driver_sql("SELECT typeof(doc_json), doc_json FROM documents").one()
        assert kind == "text" and "زهرا احمدی‌نژاد" in text_
        assert conn.exec_driver_sql("SELECT typeof(header_json) FROM batches").scalar() == "text"
        assert conn.exec_driver_sql("SELECT count(*) FROM documents WHERE doc_json LIKE '%احمدی%'").scalar() == 1
