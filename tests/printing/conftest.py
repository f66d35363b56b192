"""Fixtures for the printed sheets: a private user-data folder (its own office key) for every test, the known
batch (the demo month) with a frozen review result, and PDF text helpers."""
from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"

#: 2025-11-11 10:30 local = 1404/08/20 10:30 (Jalali)
NOW = datetime(2025, 11, 11, 10, 30)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("RASIDEGI_HOME", str(h))
    return h


@pytest.fixture
def demo():
    """(batch, result): the demo month of PRV-2231 and its review result as frozen in tests/printing/data."""
    batch = json.loads((DATA / "demo-batch.json").read_text(encoding="utf-8"))
    result = json.loads((DATA / "demo-result.json").read_text(encoding="utf-8"))
    return batch, result


def norm(text: str) -> str:
    """Extracted PDF text and expected Persian on one footing: presentation forms → letters (NFKC), no ZWNJ,
    «هٔ» as «ۀ», runs of spaces as one."""
    text = unicodedata.normalize("NFKC", text.replace("\u0647\u0654", "\u06c0"))
    return " ".join(text.replace("\u200c", "").split())


def pdf_text(path) -> list[str]:
    from pypdf import PdfReader
    return [p.extract_text() for p in PdfReader(str(path)).pages]


@pytest.fixture
def demo_store(tmp_path):
    """A store holding the demo months 1404/06 and 1404/07 of PRV-2231 and their frozen results (imported
    through intake, no engine run).  Yields the open Store."""
    import hashlib

    from desktop.intake import load_batch
    from desktop.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    for batch_file, result_file in (("demo-history.json", "demo-history-result.json"),
                                    ("demo-batch.json", "demo-result.json")):
        res = load_batch(DATA / batch_file)
        assert res.ok, res.problems[:3]
        raw = (DATA / batch_file).read_bytes()
        store.import_batch(res.normalized, source_file=batch_file, sha256=hashlib.sha256(raw).hexdigest())
        result = json.loads((DATA / result_file).read_text(encoding="utf-8"))
        store.save_result(result["batch_id"], result, rules_version=result["rules_version"])
    yield store
    store.close()
