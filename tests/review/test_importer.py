"""Import for the desk: progress stages, nothing stored on an invalid file or a cancel before storing."""
from __future__ import annotations

import json

import pytest

from desktop.domain.problems import InputError
from desktop.review.importer import Cancelled, import_files
from desktop.review.queries import batch_rows
from desktop.store import Store

from .conftest import DEMO_FILES, DEMO_ID, HISTORY_ID


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'i.sqlite'}")
    yield s
    s.close()


def test_progress_runs_through_the_stages_and_both_batches_are_reviewed(store, rules, reference):
    seen = []
    report = import_files(DEMO_FILES, store=store, rules=rules, ref=reference,
                          progress=lambda *a: seen.append(a))
    assert report.batch_ids == [HISTORY_ID, DEMO_ID]
    assert [s[0] for s in seen] == ["read", "read", "store", "review", "store", "review", "done"]
    assert seen[0][3] == "demo-history.json"
    rows = {r.batch_id: r for r in batch_rows(store)}
    assert rows[DEMO_ID].has_result and rows[DEMO_ID].documents == 41 and rows[DEMO_ID].state == "received"
    assert store.load_result(DEMO_ID)["totals"] == report.results[-1]["totals"]


def test_an_invalid_file_stores_nothing_and_every_problem_is_located(store, tmp_path, rules, reference):
    data = json.loads(open(DEMO_FILES[1], encoding="utf-8").read())
    data["prescriptions"][2]["served_on"] = "1404/07/45"
    data["prescriptions"][5]["sheet"] = "napkin"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_files([DEMO_FILES[0], str(bad)], store=store, rules=rules, ref=reference)
    paths = {p.path for p in e.value.problems}
    assert "$.prescriptions[2].served_on" in paths and "$.prescriptions[5].sheet" in paths
    assert all(p.file.endswith("bad.json") and p.message_fa for p in e.value.problems)
    assert store.batch_ids() == []              # not even the valid first file


def test_cancel_before_storing_stores_nothing(store, rules, reference):
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2          # let the two files be read, cancel before storing

    with pytest.raises(Cancelled) as e:
        import_files(DEMO_FILES, store=store, rules=rules, ref=reference, cancelled=cancelled)
    assert e.value.code == "cancelled" and "لغو" in e.value.message_fa
    assert store.batch_ids() == []


def test_cancel_between_batches_keeps_the_earlier_one_whole(store, rules, reference):
    stages = []

    def progress(stage, i, n, name):
        stages.append((stage, i))

    def cancelled():
        return ("review", 0) in stages          # after the first batch was stored and reviewed

    with pytest.raises(Cancelled):
        import_files(DEMO_FILES, store=store, rules=rules, ref=reference, progress=progress, cancelled=cancelled)
    assert store.batch_ids() == [HISTORY_ID]
    assert store.load_result(HISTORY_ID) is not None
