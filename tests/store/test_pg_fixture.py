"""tests/pg.py says why PostgreSQL tests did not run, and can be told to fail instead of skipping."""
from __future__ import annotations

import pytest

from tests import pg as pgmod


def test_missing_binaries_are_named(monkeypatch):
    monkeypatch.setenv("RASIDEGI_PG_BINDIR", "/nonexistent/bin")
    with pytest.raises(pgmod.PostgresUnavailable, match=r"initdb, pg_ctl\) not found in /nonexistent/bin"):
        pgmod._find_bindir()


def test_unavailable_skips_with_the_reason_or_fails_when_required(monkeypatch):
    monkeypatch.delenv("RASIDEGI_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL unavailable: initdb failed"):
        pgmod._unavailable("initdb failed")
    monkeypatch.setenv("RASIDEGI_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="required"):
        pgmod._unavailable("initdb failed")


@pytest.mark.postgres
def test_the_server_answers(pg_url):
    import psycopg

    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        assert conn.execute("SHOW server_encoding").fetchone()[0] == "UTF8"
        assert conn.execute("SELECT current_user").fetchone()[0] == "postgres"
