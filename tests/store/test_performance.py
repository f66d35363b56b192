"""Bulk import and history stay linear and fast (tools/bench_store.py gives the 100,000-document figures)."""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from desktop.store import Store

_BENCH = Path(__file__).resolve().parents[2] / "tools" / "bench_store.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_store", _BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_twenty_thousand_documents_import_and_history(bench, sqlite_url):
    batch = bench.synthetic_batch(20_000)
    ids = {d["insured"]["national_id"] for d in batch["prescriptions"]}
    with Store.open(sqlite_url) as store:
        t = time.perf_counter()
        store.import_batch(batch, source_file="big.json", sha256="1")
        import_s = time.perf_counter() - t
        t = time.perf_counter()
        hist = store.history(ids)
        history_s = time.perf_counter() - t
        assert len(hist) == 20_000
        assert [h.doc["seq"] for h in hist[:3]] == [1, 2, 3]
    # ~0.7 s and ~0.5 s on the development machine; the bounds catch a row-by-row or quadratic regression
    assert import_s < 4.0, f"importing 20,000 documents took {import_s:.2f} s"
    assert history_s < 4.0, f"history of {len(ids)} insured took {history_s:.2f} s"


def test_the_benchmark_script_runs(bench, capsys):
    assert bench.main(["-n", "300"]) == 0
    out = capsys.readouterr().out
    assert "import:" in out and "history:" in out and "identical: True" in out
