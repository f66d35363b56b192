"""The store's behaviour, the same on SQLite and PostgreSQL (`store` is parametrised over both)."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select, text

from desktop.store import HistoryDoc, ImportOutcome, Store, StoreError
from desktop.store.schema import batches, documents, events, results, services

from .batches import batch, bill, prescription, sha

NID_A = "0012345679"
NID_B = "0499370899"
NID_C = "1234567891"


def counts(store: Store) -> dict:
    with store._engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in (batches, documents, services, results, events)}


def imp(store: Store, b: dict, name: str = "b.json") -> ImportOutcome:
    return store.import_batch(b, source_file=name, sha256=sha(b))


def sample() -> dict:
    return batch("PRV-2231/1404-07/rural", "1404/07",
                 prescriptions=[prescription(1, NID_A, "1404/07/05", ("700920", 1, 18_500_000)),
                                prescription(2, NID_B, "1404/07/06", ("701736", 2, 3_000_000),
                                             ("701715", 1, 2_000_000), ("T2-36", 1, 0))],
                 bills=[bill(1, NID_A, "1404/07/10 10:30")])


# --- round trip --------------------------------------------------------------------------------------------

def test_round_trip_gives_the_identical_dict(store):
    b = sample()
    original = copy.deepcopy(b)
    out = imp(store, b)
    assert out == ImportOutcome(out.batch_pk, "PRV-2231/1404-07/rural", created=True, replaced=False)
    assert b == original                                   # the caller's dict is not touched
    back = store.load_batch("PRV-2231/1404-07/rural")
    assert back == original
    assert list(back) == list(original)                    # same keys in the same order
    assert back["prescriptions"][1]["items"][2]["code"] == "T2-36"
    assert back["bills"][0]["headings"]["drugs"]["lines"][0]["unit_price"] == 1500.5
    assert back["batch"]["declared"]["total"] == 987_654_000_000      # beyond 32 bits
    assert back["prescriptions"][0]["x_vendor_field"] == {"kept": True, "note": "unknown keys are kept"}
    assert store.batch_ids() == ["PRV-2231/1404-07/rural"]
    assert store.load_batch("no such batch") is None


def test_round_trip_of_a_header_only_batch_and_of_missing_keys(store):
    refused = batch("B/empty", "1404/06")
    imp(store, refused)
    assert store.load_batch("B/empty") == refused
    no_bills = batch("B/nobills", "1404/06", prescriptions=[prescription(1, NID_A, "1404/06/01", ("700920", 1, 1))])
    del no_bills["bills"]
    no_bills["x_top_level"] = ["kept", None, False, 1.25]
    imp(store, no_bills)
    back = store.load_batch("B/nobills")
    assert back == no_bills and "bills" not in back


def test_columns_and_services_index(store):
    imp(store, sample())
    with store._engine.connect() as conn:
        row = conn.execute(select(batches)).one()
        assert (row.period, row.fund, row.provider_code, row.provider_kind, row.submitted_on, row.state,
                row.source_file) == ("1404/07", "rural", "PRV-2231", "radiology", "1404/07/28", "received",
                                     "b.json")
        docs = conn.execute(select(documents.c.kind, documents.c.seq, documents.c.national_id,
                                   documents.c.served_on, documents.c.requested_total)
                            .order_by(documents.c.pk)).all()
        assert [tuple(d) for d in docs] == [
            ("prescription", 1, NID_A, "1404/07/05", 18_500_000),
            ("prescription", 2, NID_B, "1404/07/06", 5_000_000),
            ("bill", 1, NID_A, "1404/07/10", 30_000_000 + 4_500_000 + 1_234_567),
        ]
        svc = conn.execute(select(services.c.national_id, services.c.code, services.c.served_on, services.c.qty,
                                  services.c.provider_code).order_by(services.c.pk)).all()
        assert [tuple(s) for s in svc] == [
            (NID_A, "700920", "1404/07/05", 1, "PRV-2231"),
            (NID_B, "701736", "1404/07/06", 2, "PRV-2231"),
            (NID_B, "701715", "1404/07/06", 1, "PRV-2231"),
            (NID_B, "T2-36", "1404/07/06", 1, "PRV-2231"),
            (NID_A, "900672", "1404/07/10", None, "PRV-2231"),       # procedure
            (NID_A, "805000", "1404/07/10", 2, "PRV-2231"),          # coded heading line; code-less lines skipped
        ]


def test_bad_input_is_refused_with_a_located_message(store):
    with pytest.raises(StoreError) as e:
        store.import_batch({"format": "claim-batch/1", "batch": {"period": "1404/07"}}, source_file="x.json",
                           sha256="00")
    assert e.value.code == "bad_input" and "$.batch.id" in e.value.message_en and "$.batch.id" in e.value.message_fa
    b = sample()
    b["bills"][0]["headings"]["other"] = {"requested": 0, "lines": [{"qty": {1, 2}}]}   # not JSON
    with pytest.raises(StoreError) as e:
        store.import_batch(b, source_file="x.json", sha256="11")
    assert "$.bills[0]" in e.value.message_en
    assert counts(store)["batches"] == 0


# --- re-import -----------------------------------------------------------------------------------------------

def test_reimport_of_the_same_content_changes_nothing(store):
    b = sample()
    first = imp(store, b)
    before = counts(store)
    with store._engine.connect() as conn:
        imported_at = conn.execute(select(batches.c.imported_at)).scalar()
    again = store.import_batch(copy.deepcopy(b), source_file="renamed.json", sha256=sha(b))
    assert again == ImportOutcome(first.batch_pk, first.batch_id, created=False, replaced=False)
    assert counts(store) == before
    with store._engine.connect() as conn:
        assert conn.execute(select(batches.c.imported_at, batches.c.source_file)).one() == (imported_at, "b.json")


def test_reimport_of_changed_content_replaces_and_marks_result_and_events_stale(store):
    b = sample()
    first = imp(store, b)
    store.save_result(first.batch_id, {"format": "review-result/1", "batch_id": first.batch_id, "totals": {}},
                      rules_version="r1")
    decision = store.record_event(first.batch_id, {"who": "reviewer1", "role": "technical", "kind": "mark",
                                                   "seq": 2, "line": 1, "mark": "circle", "amount": 1_000_000,
                                                   "reason": "کد جایگزین"})
    store.set_state(first.batch_id, "technical_review", who="reviewer1")

    changed = copy.deepcopy(b)
    changed["prescriptions"] = [prescription(1, NID_C, "1404/07/09", ("700920", 1, 100), ("701736", 1, 200))]
    out = store.import_batch(changed, source_file="b-v2.json", sha256=sha(changed))
    assert out == ImportOutcome(first.batch_pk, first.batch_id, created=True, replaced=True)

    assert store.load_batch(first.batch_id) == changed
    c = counts(store)
    assert (c["batches"], c["documents"], c["services"], c["results"]) == (1, 2, 4, 1)  # 1 doc + 1 bill
    assert store.state(first.batch_id) == "received"
    assert store.load_result(first.batch_id) is None                       # stale: not for this content
    assert store.load_result(first.batch_id, include_stale=True)["totals"] == {}
    evs = store.events(first.batch_id)
    assert [e["kind"] for e in evs] == ["batch_imported", "mark", "state_changed", "batch_replaced"]
    assert [e["stale"] for e in evs] == [True, True, True, False]
    assert evs[1]["id"] == decision and evs[1]["reason"] == "کد جایگزین" and evs[1]["amount"] == 1_000_000
    assert evs[3]["previous_state"] == "technical_review" and evs[3]["previous_sha256"] == sha(b)
    assert store.history({NID_A, NID_B, NID_C}) and {h.doc["insured"]["national_id"]
                                                     for h in store.history({NID_A, NID_B, NID_C})} == {NID_A, NID_C}


def test_a_signed_batch_cannot_be_replaced(store):
    b = sample()
    imp(store, b)
    for state in ("technical_review", "accounting", "signed"):
        store.set_state(b["batch"]["id"], state, who="head")
    before = counts(store)
    changed = copy.deepcopy(b)
    changed["prescriptions"].pop()
    with pytest.raises(StoreError) as e:
        imp(store, changed)
    assert e.value.code == "signed_batch"
    assert "signed" in e.value.message_en and "امضا" in e.value.message_fa
    assert counts(store) == before and store.load_batch(b["batch"]["id"]) == b
    # the same content again is still a harmless no-op
    assert imp(store, b).created is False
    # reopened (with a reason), it can be replaced
    store.set_state(b["batch"]["id"], "accounting", who="head", reason="اعتراض مرکز")
    assert imp(store, changed).replaced is True


# --- history -------------------------------------------------------------------------------------------------

def test_history_across_batches_in_period_then_import_order(store):
    aug = batch("P1/1404-05", "1404/05", "P1", prescriptions=[
        prescription(2, NID_A, "1404/05/20", ("700920", 1, 10)),
        prescription(1, NID_A, "1404/05/03", ("701736", 1, 10)),
        prescription(3, NID_B, "1404/05/04", ("701736", 1, 10))])
    oct_other = batch("P2/1404-07", "1404/07", "P2", prescriptions=[
        prescription(1, NID_A, "1404/07/01", ("700920", 1, 10))], bills=[bill(1, NID_A, "1404/07/02 08:00")])
    sep = batch("P1/1404-06", "1404/06", "P1", prescriptions=[prescription(7, NID_A, "1404/06/30", ("T2-36", 1, 5))])
    current = batch("P1/1404-07", "1404/07", "P1", prescriptions=[
        prescription(1, NID_A, "1404/07/15", ("700920", 1, 10))])
    for b in (oct_other, aug, current, sep):               # imported out of period order
        imp(store, b)

    hist = store.history({NID_A}, exclude_batch_id="P1/1404-07")
    assert all(isinstance(h, HistoryDoc) for h in hist)
    assert [(h.batch["id"], h.kind, h.doc["seq"]) for h in hist] == [
        ("P1/1404-05", "prescription", 1), ("P1/1404-05", "prescription", 2),
        ("P1/1404-06", "prescription", 7),
        ("P2/1404-07", "prescription", 1), ("P2/1404-07", "bill", 1),      # same seq: filing order
    ]
    assert hist[0].batch == aug["batch"] and hist[-1].doc == oct_other["bills"][0]
    assert hist[0].batch is hist[1].batch                   # one header per batch

    everything = store.history({NID_A, NID_B})
    assert [(h.batch["id"], h.doc["seq"]) for h in everything] == [
        ("P1/1404-05", 1), ("P1/1404-05", 2), ("P1/1404-05", 3), ("P1/1404-06", 7),
        ("P2/1404-07", 1), ("P2/1404-07", 1), ("P1/1404-07", 1)]   # same period: import order
    assert store.history({NID_C}) == [] and store.history(set()) == []
    assert [h.doc["seq"] for h in store.history({NID_B}, exclude_batch_id="P1/1404-05")] == []


def test_history_of_many_national_ids(store):
    ids = [f"{i:010d}" for i in range(2500)]               # more than SQLite's 999 host parameters
    docs = [prescription(i + 1, nid, "1404/07/05", ("700920", 1, 10)) for i, nid in enumerate(ids)]
    imp(store, batch("BIG/1404-07", "1404/07", prescriptions=docs))
    wanted = set(ids[::2]) | {"not-there"}
    hist = store.history(wanted)
    assert [h.doc["seq"] for h in hist] == list(range(1, 2501, 2))
    assert {h.doc["insured"]["national_id"] for h in hist} == set(ids[::2])


# --- results -------------------------------------------------------------------------------------------------

def test_results_latest_wins_and_is_checked(store):
    b = sample()
    bid = imp(store, b).batch_id
    assert store.load_result(bid) is None
    r1 = {"format": "review-result/1", "batch_id": bid, "rules_version": "r1",
          "totals": {"requested": 23_500_000, "approved": 20_000_000, "by_rule": {"US-3": 3_500_000}},
          "findings": [{"rule": "GEN-21", "severity": "deny", "message_fa": "ارسال خارج از مهلت"}],
          "prescriptions": [], "bills": []}
    store.save_result(bid, r1, rules_version="r1")
    assert store.load_result(bid) == r1
    r2 = dict(r1, rules_version="r2")
    store.save_result(bid, r2, rules_version="r2")
    assert store.load_result(bid) == r2
    with pytest.raises(StoreError, match="not 'other'"):
        store.save_result("other", r1, rules_version="r1")
    with pytest.raises(StoreError) as e:
        store.save_result(bid, {"batch_id": bid}, rules_version="r1")
    assert e.value.code == "bad_result"
    with pytest.raises(StoreError) as e:
        store.save_result("nope", dict(r1, batch_id="nope"), rules_version="r1")
    assert e.value.code == "unknown_batch"
    for state in ("technical_review", "accounting", "signed"):
        store.set_state(bid, state, who="head")
    with pytest.raises(StoreError) as e:
        store.save_result(bid, r1, rules_version="r3")
    assert e.value.code == "signed_batch" and store.load_result(bid) == r2


# --- events and states ---------------------------------------------------------------------------------------

def test_events_are_appended_in_order_and_never_changed(store):
    bid = imp(store, sample()).batch_id
    ids = [store.record_event(bid, {"who": "r1", "role": "technical", "kind": "mark", "seq": s, "line": 1,
                                    "mark": "zero", "amount": 0, "reason": "بدون مهر", "at": f"1404/08/0{s} 10:00"})
           for s in (1, 2)]
    ids.append(store.record_event(bid, {"who": "r2", "kind": "note", "heading": "drugs"}))
    assert ids == sorted(ids) and len(set(ids)) == 3
    evs = [e for e in store.events(bid) if e["kind"] != "batch_imported"]
    assert [e["id"] for e in evs] == ids
    assert evs[0] == {"who": "r1", "role": "technical", "kind": "mark", "seq": 1, "line": 1, "mark": "zero",
                      "amount": 0, "reason": "بدون مهر", "at": "1404/08/01 10:00", "id": ids[0], "revision": 1,
                      "stale": False}
    assert evs[2]["at"] and evs[2]["heading"] == "drugs"
    # the database itself refuses to change or remove an event
    for sql in ("UPDATE events SET who = 'forger' WHERE pk = :pk", "DELETE FROM events WHERE pk = :pk"):
        with pytest.raises(Exception, match="append-only"):
            with store._engine.begin() as conn:
                conn.execute(text(sql), {"pk": ids[0]})
    assert store.events(bid)[1]["who"] == "r1"
    for bad in ({"kind": "mark"}, {"who": "r1"}, {"who": "r1", "kind": "mark", "id": 3},
                {"who": "r1", "kind": "mark", "amount": {1}}, "mark"):
        with pytest.raises(StoreError):
            store.record_event(bid, bad)
    with pytest.raises(StoreError) as e:
        store.record_event("nope", {"who": "r1", "kind": "mark"})
    assert e.value.code == "unknown_batch" and "nope" in e.value.message_fa


def test_state_machine(store):
    bid = imp(store, sample()).batch_id
    assert store.state(bid) == "received"
    with pytest.raises(StoreError) as e:
        store.set_state(bid, "signed", who="r1")               # no skipping
    assert e.value.code == "bad_transition"
    with pytest.raises(StoreError) as e:
        store.set_state(bid, "approved", who="r1")
    assert e.value.code == "bad_state"
    store.set_state(bid, "technical_review", who="r1", role="technical")
    store.set_state(bid, "technical_review", who="r1")         # no change, no event
    store.set_state(bid, "accounting", who="a1")
    store.set_state(bid, "technical_review", who="a1")         # sent back
    store.set_state(bid, "accounting", who="r1")
    store.set_state(bid, "signed", who="head")
    with pytest.raises(StoreError) as e:
        store.set_state(bid, "accounting", who="head")         # reopening needs a reason
    assert e.value.code == "reason_required" and "دلیل" in e.value.message_fa
    with pytest.raises(StoreError):
        store.set_state(bid, "accounting", who="head", reason="   ")
    assert store.state(bid) == "signed"
    store.set_state(bid, "received", who="head", reason="اعتراض مرکز به کسورات")
    changes = [(e["from"], e["to"], e["who"], e["reason"]) for e in store.events(bid) if e["kind"] == "state_changed"]
    assert changes == [("received", "technical_review", "r1", None), ("technical_review", "accounting", "a1", None),
                       ("accounting", "technical_review", "a1", None), ("technical_review", "accounting", "r1", None),
                       ("accounting", "signed", "head", None),
                       ("signed", "received", "head", "اعتراض مرکز به کسورات")]
    with pytest.raises(StoreError):
        store.state("nope")


# --- all or nothing ------------------------------------------------------------------------------------------

class Boom(RuntimeError):
    pass


def _fail_after_documents(store: Store, monkeypatch):
    """Make the import fail after the batch row, its event and every document row were written."""
    seen = {}

    def failing_insert_services(self, conn, batch_pk, doc_pks, rows, *provider):
        seen["documents_in_transaction"] = conn.execute(
            select(func.count()).select_from(documents).where(documents.c.batch_pk == batch_pk)).scalar()
        raise Boom("disk full (injected)")

    monkeypatch.setattr(Store, "_insert_services", failing_insert_services)
    return seen


def test_a_failure_mid_import_leaves_the_database_unchanged(store, monkeypatch):
    kept = batch("KEEP/1404-06", "1404/06", prescriptions=[prescription(1, NID_A, "1404/06/02", ("700920", 1, 5))])
    imp(store, kept)
    before = counts(store)
    seen = _fail_after_documents(store, monkeypatch)
    with pytest.raises(Boom):
        imp(store, sample())
    assert seen["documents_in_transaction"] == 3               # the rows were really written, then rolled back
    assert counts(store) == before
    assert store.batch_ids() == ["KEEP/1404-06"] and store.load_batch("PRV-2231/1404-07/rural") is None


def test_a_failure_mid_replacement_keeps_the_earlier_import(store, monkeypatch):
    b = sample()
    imp(store, b)
    store.set_state(b["batch"]["id"], "technical_review", who="r1")
    before = counts(store)
    changed = copy.deepcopy(b)
    changed["prescriptions"].append(prescription(3, NID_C, "1404/07/20", ("700920", 1, 7)))
    seen = _fail_after_documents(store, monkeypatch)
    with pytest.raises(Boom):
        imp(store, changed)
    assert seen["documents_in_transaction"] == 4               # old ones deleted, new ones written: rolled back
    assert counts(store) == before
    assert store.load_batch(b["batch"]["id"]) == b and store.state(b["batch"]["id"]) == "technical_review"
    assert [e["stale"] for e in store.events(b["batch"]["id"])] == [False, False]


# --- several programs at once ---------------------------------------------------------------------------------

def test_concurrent_imports_from_two_programs(db_url):
    """Two Store objects (two programs) import at the same time: every batch whole, document keys unique, and
    the same new batch imported twice at once is stored once."""
    import threading

    stores = [Store.open(db_url), Store.open(db_url)]
    try:
        twin = batch("TWIN/1404-07", "1404/07", prescriptions=[prescription(1, NID_A, "1404/07/01",
                                                                              ("700920", 1, 10))])
        work = [[batch(f"S{k}-{i}/1404-07", "1404/07", prescriptions=[
                    prescription(j + 1, f"{k}{i}{j:08d}", "1404/07/02", ("700920", 1, j)) for j in range(40)])
                 for i in range(4)] + [copy.deepcopy(twin)] for k in range(2)]
        outcomes, errors = [], []
        barrier = threading.Barrier(2)

        def run(store, batches_):
            try:
                barrier.wait()
                for b in batches_:
                    outcomes.append((b["batch"]["id"], imp(store, b)))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(stores[k], work[k])) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        twins = [o for bid, o in outcomes if bid == "TWIN/1404-07"]
        assert sorted((o.created, o.replaced) for o in twins) == [(False, False), (True, False)]
        c = counts(stores[0])
        assert (c["batches"], c["documents"], c["services"]) == (9, 8 * 40 + 1, 8 * 40 + 1)
        for k in range(2):
            for b in work[k]:
                assert stores[1].load_batch(b["batch"]["id"]) == b
    finally:
        for s in stores:
            s.close()
