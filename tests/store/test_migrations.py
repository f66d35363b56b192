"""The Alembic migrations build exactly the tables of desktop/store/schema.py, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from desktop.store import Store, StoreError
from desktop.store.db import alembic_config, make_engine, migration_connection
from desktop.store.schema import metadata

from .batches import batch, prescription, sha


def _diff(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(ctx, metadata)


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_open_migrates_to_head_and_the_models_match(db_url):
    store = Store.open(db_url)
    try:
        engine = store._engine
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == _head()
        assert _diff(engine) == []
        names = set(inspect(engine).get_table_names())
        assert {"batches", "documents", "services", "results", "events", "alembic_version"} <= names
        indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("services")}
        assert indexes["ix_services_national_id_code"] == ["national_id", "code"]
        assert {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("documents")}[
            "ix_documents_national_id"] == ["national_id"]
    finally:
        store.close()


def test_the_diff_check_can_fail(sqlite_url):
    """compare_metadata really looks: a column the migration lacks shows up."""
    store = Store.open(sqlite_url)
    try:
        with store._engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE batches ADD COLUMN stray TEXT")
        diff = _diff(store._engine)
        assert any(d[0] == "remove_column" and d[3].name == "stray" for d in diff)
    finally:
        store.close()


def test_downgrade_and_upgrade_again(db_url):
    Store.open(db_url).close()
    engine = make_engine(db_url)
    try:
        with migration_connection(engine) as conn, conn.begin():
            command.downgrade(alembic_config(conn), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    store = Store.open(db_url)          # upgrades again
    try:
        b = batch("B/1404-07", "1404/07", prescriptions=[prescription(1, "0012345679", "1404/07/01",
                                                                      ("700920", 1, 10))])
        store.import_batch(b, source_file="b.json", sha256=sha(b))
        assert store.load_batch("B/1404-07") == b
        assert _diff(store._engine) == []
    finally:
        store.close()


def test_reopening_is_cheap_and_keeps_the_data(sqlite_url):
    b = batch("B/1404-07", "1404/07")
    with Store.open(sqlite_url) as store:
        store.import_batch(b, source_file="b.json", sha256="aa")
    with Store.open(sqlite_url) as store:
        assert store.batch_ids() == ["B/1404-07"]


def test_a_database_from_a_newer_program_is_refused(sqlite_url):
    Store.open(sqlite_url).close()
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(StoreError) as e:
        Store.open(sqlite_url)
    assert e.value.code == "newer_schema" and "به‌روز" in e.value.message_fa
