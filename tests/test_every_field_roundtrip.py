"""Issue 9, "done when": a batch holding every documented field round-trips into the store and out to
review-result/1 — on SQLite, and on PostgreSQL when a server can be started."""
from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.intake import batch_to_dict, build_batch, parse_batch
from desktop.store import Store
from tests.intake.intake_samples import rich_batch


def _roundtrip(url, tmp_path):
    data = rich_batch()
    res = parse_batch(json.dumps(data, ensure_ascii=False), "rich.json")
    assert res.ok, res.problems[:3]
    store = Store.open(url)
    try:
        store.import_batch(res.normalized, source_file="rich.json", sha256="x")
        back = store.load_batch(res.normalized["batch"]["id"])
    finally:
        store.close()
    assert back == res.normalized                                  # the store gives back every field
    assert batch_to_dict(build_batch(back)) == batch_to_dict(res.batch)   # and the model reads every field again
    (tmp_path / "rich.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["review", str(tmp_path / "rich.json"), "--out", str(tmp_path / "r.json"), "--db", url, "-q"]) == 0
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["format"] == "review-result/1"
    assert {d["seq"] for d in result["prescriptions"]} == {d["seq"] for d in res.normalized["prescriptions"]}
    assert {d["seq"] for d in result["bills"]} == {d["seq"] for d in res.normalized["bills"]}


def test_every_field_roundtrips_sqlite(tmp_path, monkeypatch):
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "home"))
    _roundtrip(f"sqlite:///{tmp_path}/db.sqlite", tmp_path)


@pytest.mark.postgres
def test_every_field_roundtrips_postgresql(tmp_path, monkeypatch, pg_fresh_url):
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "home"))
    _roundtrip(pg_fresh_url, tmp_path)
