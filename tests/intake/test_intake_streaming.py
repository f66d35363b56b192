"""Intake with `prepare` (the pipeline's path, docs/engine.md "Performance"): each document parsed, checked,
prepared and dropped one at a time.  It must say exactly what the whole-file reading says — the same problems in
the same order, the same model, the same normalised documents — on good files, bad values and bad JSON alike."""
from __future__ import annotations

import copy
import json
import pickle
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.absent import ABSENT
from desktop.intake import load_batch, parse_batch
from desktop.intake import runtime
from desktop.intake import _validating
from desktop.synth import KINDS, generate_batch
from intake_samples import minimal_batch, prescription, rich_batch


def _prep(key, i, doc):
    return key, i, json.dumps(doc, ensure_ascii=False)


def both(text: str, file: str = "t.json"):
    """(whole-file reading, streamed reading) of the same text."""
    calls = []

    def prepare(key, i, doc):
        calls.append((key, i))
        return _prep(key, i, doc)

    whole = parse_batch(text, file)
    streamed = parse_batch(text, file, prepare=prepare)
    return whole, streamed, calls


def assert_same(whole, streamed):
    assert [(p.path, p.code, p.message_en, p.message_fa) for p in streamed.problems] == \
           [(p.path, p.code, p.message_en, p.message_fa) for p in whole.problems]
    assert streamed.ok is whole.ok
    if not whole.ok:
        assert streamed.batch is None and streamed.prepared is None
        return
    assert repr(streamed.batch) == repr(whole.batch)
    full = whole.normalized
    header = {k: ([] if k in ("prescriptions", "bills") else v) for k, v in full.items()}
    assert streamed.normalized == header and list(streamed.normalized) == list(full)
    for key in ("prescriptions", "bills"):
        assert streamed.prepared[key] == [_prep(key, i, d) for i, d in enumerate(full.get(key) or [])]


@pytest.mark.parametrize("kind", KINDS)
def test_every_provider_kind_streams_to_the_same_batch(kind):
    doc = generate_batch(40, seed=5, provider_kind=kind, n_bills=15 if kind == "hospital" else 0)
    whole, streamed, calls = both(json.dumps(doc, ensure_ascii=False))
    assert whole.ok
    assert_same(whole, streamed)
    assert len(calls) == len(doc["prescriptions"]) + len(doc["bills"])


def test_the_rich_batch_and_pretty_printed_text():
    doc = rich_batch()
    for text in (json.dumps(doc, ensure_ascii=False), json.dumps(doc, ensure_ascii=False, indent=3),
                 "\n\t " + json.dumps(doc, separators=(" ,\r\n", " :\t")) + " \n"):
        whole, streamed, _ = both(text)
        assert whole.ok, whole.problems
        assert_same(whole, streamed)


def test_bad_values_everywhere_are_reported_in_the_same_order():
    doc = minimal_batch()
    good = prescription(1)
    doc["bills"] = [{"seq": "x"}, 7]                       # bills before prescriptions in the file
    doc["prescriptions"] = [dict(good, seq=1), dict(good, seq="two"), "not an object", dict(good, seq=1)]
    doc = {"bills": doc.pop("bills"), **doc}
    doc["batch"]["period"] = "14040/7"                     # the header, after the documents, is wrong too
    whole, streamed, calls = both(json.dumps(doc, ensure_ascii=False))
    assert not whole.ok and len(whole.problems) >= 4
    assert_same(whole, streamed)
    assert calls == []            # the first document list read (bills) is wrong from its first document


def test_nothing_is_prepared_after_the_first_problem():
    doc = minimal_batch()
    doc["prescriptions"] = [prescription(1), prescription(2), dict(prescription(3), seq=-1), prescription(4)]
    whole, streamed, calls = both(json.dumps(doc))
    assert not streamed.ok and streamed.prepared is None
    assert calls == [("prescriptions", 0), ("prescriptions", 1)]
    assert_same(whole, streamed)


def test_duplicate_seq_found_after_preparing_still_fails():
    doc = minimal_batch()
    doc["prescriptions"] = [prescription(1), prescription(1)]
    whole, streamed, calls = both(json.dumps(doc))
    assert [p.code for p in streamed.problems] == ["duplicate_seq"] and len(calls) == 2
    assert_same(whole, streamed)


def test_a_repeated_key_keeps_its_first_place_and_its_last_value():
    doc = minimal_batch()
    good = json.dumps([prescription(1)])
    bad = json.dumps([prescription("x")])
    head = json.dumps(doc)[1:-1]
    for lists in ((good, bad), (bad, good), (good, "null"), ("null", good), (good, good)):
        text = f'{{"prescriptions":{lists[0]},{head},"prescriptions":{lists[1]}}}'
        whole, streamed, _ = both(text)
        assert_same(whole, streamed)


@pytest.mark.parametrize("text", [
    "", "  ", "[]", '"text"', "{", "{}", '{"format":"claim-batch/1"', '{"format":"claim-batch/1",}',
    '{"format":"claim-batch/1","batch":{"id":"B","period":"1404/07","provider":{"code":"P"}},"prescriptions":[',
    '{"format":"claim-batch/1","batch":{},"prescriptions":[{"seq":1},]}',
    '{"format":"claim-batch/1","batch":{},"prescriptions":[{"seq":1} {"seq":2}]}',
    '{"format":"claim-batch/1","batch":{},"prescriptions":[NaN, {"seq": Infinity}]}',
    '{"format":"claim-batch/1","batch":{},"prescriptions":[]} extra',
    '{"format":"claim-batch/1" "batch":{}}', '{format:"claim-batch/1"}', '{"a":1}',
    '{"format":"claim-batch/2","prescriptions":[{"seq":"x"}]}', '{"prescriptions":[{"seq":"x"}]}',
    '{"format":"claim-batch/1","prescriptions":[' + "[" * 5000 + "]" * 5000 + "]}",
    '{"format":"claim-batch/1","bills":{"seq":1},"prescriptions":[{"seq":"x"}]}',
])
def test_bad_json_is_located_as_json_loads_locates_it(text):
    whole, streamed, _ = both(text)
    assert_same(whole, streamed)


BASE = json.dumps(dict(minimal_batch(), prescriptions=[prescription(1), prescription(2, diagnosis="سردرد")],
                       bills=[]), ensure_ascii=False)
PIECES = ["", " ", ",", ":", "[", "]", "{", "}", '"', "\\", "1", "-", "NaN", "null", '"seq"', "\n", "\u0000"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(BASE)), st.integers(0, 3), st.sampled_from(PIECES)),
                min_size=1, max_size=3))
def test_mutated_text_reads_the_same_both_ways(edits):
    text = BASE
    for at, cut, piece in edits:
        at = min(at, len(text))
        text = text[:at] + piece + text[at + cut:]
    whole, streamed, _ = both(text)
    assert_same(whole, streamed)


def test_load_batch_streams_files(tmp_path):
    doc = generate_batch(30, seed=2, provider_kind="laboratory")
    f = tmp_path / "b.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc, ensure_ascii=False).encode())
    whole, streamed = load_batch(f), load_batch(f, prepare=_prep)
    assert whole.ok
    assert_same(whole, streamed)
    f.write_bytes(b'{"format": "claim-batch/1", "batch": \xff}')
    assert [p.code for p in load_batch(f, prepare=_prep).problems] == ["encoding"]


def test_a_dict_with_prepare_gives_the_same_and_is_not_modified():
    doc = generate_batch(20, seed=4, provider_kind="dentist")
    kept = copy.deepcopy(doc)
    whole, streamed = parse_batch(doc), parse_batch(doc, prepare=_prep)
    assert doc == kept
    assert_same(whole, streamed)


def test_the_streamed_reading_holds_less_memory(tmp_path):
    text = json.dumps(generate_batch(1500, seed=1, provider_kind="radiology"), ensure_ascii=False)
    peaks = []
    for prepare in (None, lambda k, i, d: None):
        tracemalloc.start()
        try:
            res = parse_batch(text, "m.json", prepare=prepare)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert res.ok
        del res
    # the whole tree (several times the text) is never built: the streamed peak is the text and the model
    assert peaks[1] < 0.7 * peaks[0], peaks


# --- the model's shared values ------------------------------------------------------------------------------

def test_objects_without_unknown_keys_share_one_read_only_extra():
    res = parse_batch(json.dumps(dict(minimal_batch(), prescriptions=[prescription(1), prescription(2)])))
    a, b = res.batch.prescriptions
    assert a.extra_ is b.extra_ is runtime.NOEX and a.extra_ == {} and isinstance(a.extra_, dict)
    for mutate in (lambda d: d.__setitem__("x", 1), lambda d: d.update(x=1), lambda d: d.setdefault("x"),
                   lambda d: d.pop("x", None), lambda d: d.clear()):
        with pytest.raises(TypeError, match="read-only"):
            mutate(a.extra_)
    assert copy.deepcopy(a).extra_ is runtime.NOEX and pickle.loads(pickle.dumps(a.extra_)) is runtime.NOEX
    assert repr(a.extra_) == "{}" and a == copy.deepcopy(a)
    own = parse_batch(json.dumps(dict(minimal_batch(), prescriptions=[dict(prescription(1), custom=1)])))
    assert own.batch.prescriptions[0].extra_ == {"custom": 1} and own.batch.prescriptions[0].extra_ is not \
        runtime.NOEX


def test_equal_strings_of_a_file_are_one_object_and_nothing_is_kept_after():
    docs = [prescription(i, diagnosis="درد " + "زانو") for i in (1, 2)]
    res = parse_batch(json.dumps(dict(minimal_batch(), prescriptions=docs), ensure_ascii=False),
                      prepare=lambda k, i, d: None)
    a, b = res.batch.prescriptions
    assert a.diagnosis == "درد زانو" and a.diagnosis is b.diagnosis
    assert runtime.STRINGS == {} and _validating.IN is runtime.IN
    # a builder called on its own (the desk's recorded facts) shares nothing and keeps nothing
    d1, d2 = json.loads(json.dumps(docs[0])), json.loads(json.dumps(docs[1]))
    x, y = _validating.b_prescription(d1, None, []), _validating.b_prescription(d2, None, [])
    assert x.diagnosis == y.diagnosis and x.diagnosis is not y.diagnosis and runtime.STRINGS == {}
    assert a.prescriber is not ABSENT
