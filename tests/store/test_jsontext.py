"""The JSON text of the store: the same with orjson and with the standard library."""
from __future__ import annotations

import json

import pytest

from desktop.store import Store, jsontext
from desktop.store import store as store_module

from .batches import batch, bill, prescription, sha

AWKWARD = {"persian": "یک‌دو ي ك", "quote": "a\"b\\c/d", "control": "\x00\x1f\n", "ls": "\u2028",
           "floats": [1500.5, 0.1, -0.0, 1e16, 1e-7, 123456789.125], "ints": [0, -1, 2**63 - 1, -2**63],
           "u64": 2**64 - 1, "nested": {"a": [None, True, False, [], {}]}}


def test_dumps_is_compact_utf8_json_that_loads_back():
    text = jsontext.dumps(AWKWARD)
    assert json.loads(text) == AWKWARD
    assert "یک‌دو" in text and ", " not in text and ": " not in text
    assert text == json.dumps(AWKWARD, ensure_ascii=False, separators=(",", ":")) or jsontext.FAST
    with pytest.raises((TypeError, ValueError)):
        jsontext.dumps({"x": {1, 2}})


def test_integers_beyond_64_bits():
    big = {"amount": 2**70 + 1}
    if jsontext.FAST:                      # orjson would read it back as a float: refused instead
        with pytest.raises(ValueError, match="too large"):
            jsontext.dumps(big)
    else:
        assert jsontext.loads(jsontext.dumps(big)) == big


@pytest.mark.skipif(not jsontext.FAST, reason="orjson not installed: the standard library path is the only one")
def test_orjson_and_the_standard_library_write_the_same_values():
    docs = [prescription(1, "0012345679", "1404/07/01", ("700920", 2, 18_500_000)), bill(1, "0012345679",
                                                                                         "1404/07/02 10:00")]
    for doc in docs + [AWKWARD]:
        std = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        assert json.loads(jsontext.dumps(doc)) == json.loads(std) == doc


def test_a_store_round_trips_awkward_values(store):
    """Through the header (Core insert) and through the documents (executemany / COPY)."""
    doc = prescription(1, "0012345679", "1404/07/01", ("700920", 1, 10))
    doc["x_awkward"] = AWKWARD
    doc["items"][0]["description"] = "tab\there\\N back\\slash \\. end"
    b = batch("B/1404-07", "1404/07", prescriptions=[doc], x_awkward=AWKWARD)
    store.import_batch(b, source_file="b.json", sha256=sha(b))
    assert store.load_batch("B/1404-07") == b


def test_a_store_without_orjson_round_trips_too(sqlite_url, monkeypatch):
    std = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    monkeypatch.setattr(store_module, "_encode", std)
    monkeypatch.setattr(store_module, "_encode_utf8", std)
    monkeypatch.setattr(store_module, "_decode", json.loads)
    b = batch("B/1404-07", "1404/07", prescriptions=[prescription(1, "0012345679", "1404/07/01",
                                                                  ("700920", 1, 10))],
              bills=[bill(1, "0499370899", "1404/07/03 08:00")], x_awkward=dict(AWKWARD, big=2**70 + 1))
    with Store.open(sqlite_url) as store:
        store.import_batch(b, source_file="b.json", sha256=sha(b))
        assert store.load_batch("B/1404-07") == b
        assert [h.doc["seq"] for h in store.history({"0012345679", "0499370899"})] == [1, 1]


# --- the review result's file (cli._write_json): json.dumps's bytes, written by orjson where they are the same ----

def _std_file(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


FILE_CASES = [
    AWKWARD,
    {"small": [1e-05, 1e-07, -4.1009591407650154e-05, 0.0001, 0.00012, 5e-324]},     # orjson spells these others
    {"big": 2**64 + 1, "neg": -2**63 - 1},                                               # beyond orjson's integers
    {1: "int key", "k": {2.5: "float key", None: "null key", True: "bool key"}},        # keys that are not text
    {"text with e-": "post-op", "zeros": "0.0000"},                                     # harmless: the slow path
    {"زیرنویس": ["یک‌دو ي ك", "\u2028\u2029", "\x7f", "😀", "\\u00e9"], "n": [0, -0.0, 1e16, 1.5e300, 2**63 - 1]},
    [], "", 0, None,
]


@pytest.mark.parametrize("obj", FILE_CASES, ids=range(len(FILE_CASES)))
def test_the_result_file_is_byte_for_byte_what_json_dumps_wrote(obj):
    assert jsontext.dumps_file(obj) == _std_file(obj)


def test_a_review_result_through_the_cli_writer(tmp_path):
    """cli._write_json on a real review result of every provider kind's lines: the bytes the standard library
    wrote before (compact, Persian as is, then a line end)."""
    import os

    from desktop.cli import _write_json, main
    from desktop.synth import generate_batch, write_batch

    f = tmp_path / "b.json"
    write_batch(f, generate_batch(60, seed=9, provider_kind="hospital", n_bills=12))
    out = tmp_path / "r.json"
    assert main(["review", str(f), "--out", str(out), "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "-q"]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert any(isinstance(x, float) for d in result["bills"] for x in _numbers(d))      # floats are written too
    _write_json(str(tmp_path / "again.json"), result)
    expected = _std_file(result) + os.linesep.encode()
    assert (tmp_path / "again.json").read_bytes() == expected == out.read_bytes()


def _numbers(x):
    if isinstance(x, dict):
        for v in x.values():
            yield from _numbers(v)
    elif isinstance(x, list):
        for v in x:
            yield from _numbers(v)
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        yield x
