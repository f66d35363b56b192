"""The store's share of the review's peak memory (docs/engine.md, "Performance"): documents serialised at their
size, the JSON tree given up document by document, the result bound as UTF-8 bytes — and nothing else changes."""
from __future__ import annotations

import copy
import json
import tracemalloc

from desktop.store import Store, jsontext

from .batches import batch, prescription, sha


def _big_batch(n: int = 300) -> dict:
    docs = [prescription(i, f"{1000000000 + i}", "1404/07/05", ("801000", 1, 1_000_000), ("700920", 2, 50_000))
            for i in range(1, n + 1)]
    b = batch("B-MEM", "1404/07", prescriptions=docs)
    return b


def test_a_document_is_held_at_its_size():
    doc = prescription(1, "1234567891", "1404/07/05", ("801000", 1, 1_000_000))
    n = 200
    tracemalloc.start()
    try:
        kept = [jsontext.dumps_utf8(doc) for _ in range(n)]
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = len(kept[0])
    assert json.loads(kept[0]) == doc
    # about the text itself (plus the bytes object's header), not the encoder's 4 KiB write buffer
    assert held < n * (size + 200), (held, n * size)


def test_consume_frees_the_documents_and_stores_the_same(sqlite_url, tmp_path):
    b = _big_batch()
    original = copy.deepcopy(b)
    with Store.open(sqlite_url) as store:
        store.import_batch(b, source_file="b.json", sha256=sha(original), consume=True)
        assert b["prescriptions"] == [None] * len(original["prescriptions"])
        assert store.load_batch("B-MEM") == original
    other = Store.open(f"sqlite:///{tmp_path / 'plain.sqlite'}")
    with other:
        kept = copy.deepcopy(original)
        other.import_batch(kept, source_file="b.json", sha256=sha(original))
        assert kept == original                       # without consume the caller's dict is untouched
        assert other.load_batch("B-MEM") == original


def test_consume_leaves_an_already_stored_batch_alone(sqlite_url):
    b = _big_batch(5)
    with Store.open(sqlite_url) as store:
        store.import_batch(copy.deepcopy(b), source_file="b.json", sha256=sha(b))
        again = copy.deepcopy(b)
        out = store.import_batch(again, source_file="b.json", sha256=sha(b), consume=True)
        assert not out.created and again == b


def test_a_result_saved_as_bytes_loads_back(sqlite_url):
    b = _big_batch(3)
    result = {"format": "review-result/1", "batch_id": "B-MEM", "totals": {"requested": 1},
              "prescriptions": [{"seq": 1, "findings": [{"message_fa": "نسخه بدون تاریخ — ي ك"}]}]}
    with Store.open(sqlite_url) as store:
        store.import_batch(b, source_file="b.json", sha256=sha(b))
        store.save_result("B-MEM", result, rules_version="general@1")
        assert store.load_result("B-MEM") == result


def test_the_pipeline_releases_the_model_and_gives_the_same_result(tmp_path):
    from desktop.engine.rules import load_rules
    from desktop.intake import load_batch, parse_batch
    from desktop.pipeline import load_reference, read_batches, review_loaded
    from desktop.synth import generate_batch, write_batch

    f = tmp_path / "b.json"
    write_batch(f, generate_batch(150, seed=3, provider_kind="ultrasound"))
    # load_batch frees the file's bytes and text early: the same batch as parsing the bytes
    a, b = load_batch(f), parse_batch(f.read_bytes(), str(f))
    assert a.ok and a.normalized == b.normalized and repr(a.batch) == repr(b.batch)
    ref, rules = load_reference(), load_rules()
    results = []
    for release in (False, True):
        loaded = read_batches([f])
        with Store.open(f"sqlite:///{tmp_path / f'r{release}.sqlite'}") as store:
            run = review_loaded(loaded, store=store, ref=ref, rules=rules, release=release)
            assert store.load_result(loaded[0].batch.batch.id if not release else run.results[0]["batch_id"]) \
                == run.results[0]
        assert (loaded[0].batch is None) is release and loaded[0].normalized is None
        results.append(run.results[0])
    assert results[0] == results[1]


def _table(url: str, sql: str) -> list:
    import sqlite3
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_rows_prepared_during_intake_store_what_import_batch_stores(tmp_path):
    """The pipeline's path (intake prepare=document_row, prepare_rows, import_rows) against import_batch: the
    same batch row, documents (JSON text and columns, in order) and services."""
    from desktop.intake import load_batch
    from desktop.store import document_row, prepare_rows
    from desktop.synth import generate_batch, write_batch

    f = tmp_path / "b.json"
    doc = generate_batch(40, seed=6, provider_kind="hospital", n_bills=10)
    doc = {"bills": doc.pop("bills"), **doc}          # the lists in another order: kept as the file has them
    write_batch(f, doc)
    whole, streamed = load_batch(f), load_batch(f, prepare=document_row)
    assert whole.ok and streamed.ok
    urls = [f"sqlite:///{tmp_path / n}" for n in ("a.sqlite", "b.sqlite")]
    with Store.open(urls[0]) as store:
        store.import_batch(whole.normalized, source_file="b.json", sha256="s")
    with Store.open(urls[1]) as store:
        out = store.import_rows(prepare_rows(streamed.normalized, streamed.prepared), source_file="b.json",
                                sha256="s")
        assert out.created and not out.replaced
        again = store.import_rows(prepare_rows(streamed.normalized, streamed.prepared), source_file="b.json",
                                  sha256="s")
        assert not again.created                      # the same file again: nothing changes
        assert store.load_batch(doc["batch"]["id"]) == whole.normalized
    for sql in ("SELECT batch_id, period, fund, provider_code, provider_kind, submitted_on, header_json, sha256 "
                "FROM batches",
                "SELECT pk, kind, seq, national_id, served_on, requested_total, doc_json, typeof(doc_json) "
                "FROM documents ORDER BY pk",
                "SELECT document_pk, national_id, code, served_on, qty, provider_code FROM services ORDER BY pk"):
        a, b = (_table(u, sql) for u in urls)
        assert a == b and a, sql
    kinds = [r[0] for r in _table(urls[1], "SELECT kind FROM documents ORDER BY pk")]
    assert kinds[0] == "bill" and kinds[-1] == "prescription"
