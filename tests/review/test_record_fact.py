"""Recording a paper fact from the keyboard: the event, the re-run of the rules, undo/redo, replay, the totals, and
the re-run against a review of the whole batch (desktop/review/rerun.py, ReviewSession.record_fact)."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from desktop.review.errors import ReviewError
from desktop.review.rerun import ABSENT, FACTS, DocRow, affected, fact_spec, rerun
from desktop.review.session import Place, Reason, ReviewSession
from desktop.store import Store

from .conftest import ACC, ADMIN, DEMO, DEMO_ID, TECH, doc, open_session



def check_totals(s: ReviewSession) -> None:
    """The session's totals (engine totals + deltas) equal the sums over the documents as they now stand."""
    t = s.totals()
    amounts = [a for i in range(len(s.documents)) for a in s.amounts(i)]
    assert t.requested == sum(d.requested for d in s.documents) == sum(a.requested for a in amounts)
    assert t.approved == sum(d.approved for d in s.documents) == sum(a.approved for a in amounts)
    assert t.insured_share + t.org_share == t.approved
    by_rule = Counter()
    for a in amounts:
        if a.deducted:
            by_rule[a.deduction_rule] += a.deducted
    assert t.by_rule == {k: v for k, v in by_rule.items() if v}
    assert t.marks == {m: Counter(d.mark for d in s.documents).get(m, 0) for m in ("tick", "circle", "zero")}


# --- the closed list -----------------------------------------------------------------------------------------------

def test_the_closed_list_of_facts_names_schema_fields():
    from desktop.intake.runtime import SPECS
    paths = {f.path for f in FACTS}
    for key in ("signature", "council_stamp", "erasure", "handwritings", "provider_stamp", "director_signed",
                "center_stamp", "emergency_stamp", "admission_stamp", "physio_diagnosis", "card_copy_photo",
                "assistant_signed_operation_note", "assistant_signed_or_sheet"):
        assert f"paper.{key}" in paths
    assert {"sheet", "attachments", "items[].attachments", "diagnosis", "prescribed_on", "tracking_code",
            "referral"} <= paths
    for f in FACTS:
        assert f.label_fa and all("\u0600" <= ch <= "\u06ff" or not ch.isalpha() for ch in f.label_fa if ch.isalpha())
        for kind in f.kinds:
            assert f.key in SPECS[f.tables[kind]]       # the intake's own field spec
        if f.form == "enum":
            assert set(f.choices_fa) == set(SPECS[f.tables[f.kinds[0]]][f.key].enum_list)
    assert fact_spec("prescription", "items[3].attachments")[1] == 3
    with pytest.raises(ReviewError) as e:
        fact_spec("bill", "sheet")
    assert e.value.code == "bad_fact" and "برگ دفترچه" in e.value.message_fa


# --- the session -----------------------------------------------------------------------------------------------

def test_no_council_stamp_zeroes_the_prescription_by_gen_2(s, demo_store):
    i = doc(s, 20)
    before = s.totals()
    assert (s.documents[i].proposed_mark, s.documents[i].approved, s.documents[i].rules) == ("tick", 534_000, ())
    n_events = len(demo_store.events(DEMO_ID))
    f = s.record_fact(i, "paper.council_stamp", False, note="مهر ندارد")
    e = s.documents[i]
    assert (e.proposed_mark, e.proposed_approved, e.mark, e.approved) == ("zero", 0, "zero", 0)
    assert e.rules == ("GEN-2",) and e.findings == 1
    view = s.document(i)
    assert [(x.rule, x.message_fa, x.severity) for x in view.findings] == [("GEN-2", "نسخه بدون مهر نظام پزشکی",
                                                                               "deny")]
    assert view.doc["paper"]["council_stamp"] is False                       # the paper as recorded
    assert view.recorded == {"paper.council_stamp": f}
    assert (f.value, f.previous, f.who, f.note) == (False, True, "sara", "مهر ندارد")
    assert (f.label_fa, f.value_fa, f.previous_fa) == ("مهر نظام پزشکی پزشک", "ندارد", "دارد")
    after = s.totals()
    assert after.approved == before.approved - 534_000
    assert after.by_rule["GEN-2"] == before.by_rule["GEN-2"] + 534_000
    check_totals(s)
    # the event: who, role, when, what
    events = demo_store.events(DEMO_ID)
    assert len(events) == n_events + 2           # the batch moved to technical review, then the fact
    ev = events[-1]
    assert ev["kind"] == "fact" and ev["id"] == f.id
    assert (ev["who"], ev["role"], ev["pen"], ev["doc"], ev["seq"]) == ("sara", "technical", "green",
                                                                         "prescription", 20)
    assert (ev["path"], ev["value"], ev["previous"], ev["note"]) == ("paper.council_stamp", False, True, "مهر ندارد")
    assert ev["at"].endswith("+00:00") and ev["at"] == f.at
    assert ev["result_pk"] == s.result_pk
    assert [(p["doc"], p["seq"], p["entry"]["approved"]) for p in ev["proposals"]] == [("prescription", 20, 0)]
    # the exported result carries the new proposal
    r = next(p for p in s.to_result()["prescriptions"] if p["seq"] == 20)
    assert (r["mark"], r["approved"], r["lines"][0]["rules"]) == ("zero", 0, ["GEN-2"])
    assert s.to_result()["totals"] == s.totals().as_result()


def test_an_uncertified_erasure_zeroes_by_gen_2(s):
    i = doc(s, 14)
    s.record_fact(i, "paper.erasure", "uncertified")
    e = s.documents[i]
    assert (e.proposed_mark, e.approved, e.rules) == ("zero", 0, ("GEN-2",))
    assert s.document(i).findings[0].message_fa == "خدشهٔ اصلاح‌نشده (بدون مهر و امضای پزشک)"
    check_totals(s)


def test_the_wrong_sheet_zeroes_by_gen_8(s):
    i = doc(s, 1)
    s.record_fact(i, "sheet", "copy")
    e = s.documents[i]
    assert (e.proposed_mark, e.approved, e.rules) == ("zero", 0, ("GEN-8",))
    assert s.document(i).doc["sheet"] == "copy"
    check_totals(s)


def test_no_report_attached_to_a_high_cost_service(s):
    """GEN-19 (and for bone densitometry RAD-12-N3) when nothing is attached; per line too; and the reverse."""
    i = doc(s, 19)                     # CT 701740 with its report
    s.record_fact(i, "attachments", [])
    assert (s.documents[i].approved, s.documents[i].rules) == (0, ("GEN-19",))
    j = doc(s, 7)                      # bone densitometry 700920 with its report, 631,000 Rials
    s.record_fact(j, "items[0].attachments", [])
    assert (s.documents[j].approved, s.documents[j].rules) == (0, ("GEN-19", "RAD-12-N3"))
    assert s.document(j).doc["items"][0]["attachments"] == []
    k = doc(s, 26)                     # filed with `attachments: []`: zeroed by the engine
    assert (s.documents[k].approved, s.documents[k].rules) == (0, ("GEN-19", "RAD-12-N3"))
    s.record_fact(k, "attachments", ["report"])
    assert (s.documents[k].mark, s.documents[k].approved, s.documents[k].rules) == ("tick", 631_000, ())
    check_totals(s)


def test_undo_and_redo_a_fact_with_the_decisions_stack(s, demo_store):
    i = doc(s, 20)
    engine_totals = s.totals().as_result()
    s.tick(doc(s, 2), Place())                           # a decision first, then a fact: one stack
    s.record_fact(i, "paper.council_stamp", False)
    check_totals(s)
    assert s.undo() == i
    assert (s.documents[i].mark, s.documents[i].approved, s.documents[i].rules) == ("tick", 534_000, ())
    assert s.facts(i) == [] and s.document(i).recorded == {}
    assert s.document(i).doc["paper"]["council_stamp"] is True
    check_totals(s)
    assert s.redo() == i
    assert (s.documents[i].approved, s.documents[i].rules) == (0, ("GEN-2",))
    check_totals(s)
    assert s.undo() == i and s.undo() == doc(s, 2)
    assert s.totals().as_result() == engine_totals
    undo_events = [e for e in demo_store.events(DEMO_ID) if e["kind"] in ("undo", "redo")]
    assert [e["kind"] for e in undo_events] == ["undo", "redo", "undo", "undo"]
    assert undo_events[0]["proposals"] == [] and "proposals" not in undo_events[-1]   # the last undoes a decision
    assert undo_events[1]["proposals"][0]["entry"]["approved"] == 0


def test_replayed_on_open_by_another_user_with_the_same_outcome(s, demo_store, rules, reference):
    s.record_fact(doc(s, 20), "paper.council_stamp", False)
    s.record_fact(doc(s, 1), "sheet", "copy")
    s.record_fact(doc(s, 1), "sheet", "first")       # a later fact on the same path replaces the earlier
    s.record_fact(doc(s, 19), "attachments", [])
    s.undo()                                           # attachments of 19 undone
    s.decide(doc(s, 14), Place(line=1), "circle", amount=300_000, reason=Reason(None, "متن"))
    other = open_session(demo_store, ACC, rules, reference)
    for a, b in zip(s.documents, other.documents):
        assert (a.mark, a.approved, a.proposed_mark, a.proposed_approved, a.rules, a.findings) == \
               (b.mark, b.approved, b.proposed_mark, b.proposed_approved, b.rules, b.findings)
    assert other.totals() == s.totals()
    assert other.to_result() == s.to_result()
    assert [f.value for f in other.facts(doc(s, 1))] == ["copy", "first"]
    assert other.recorded(doc(s, 1))["sheet"].value == "first"
    assert other.facts(doc(s, 19)) == [] and other.fact_history(doc(s, 19))[0][1] is False
    assert other.documents[doc(s, 1)].approved == 900_000
    assert not other.can_undo                           # the accountant cannot undo the reviewer's facts
    check_totals(other)
    # the reviewer's own undo stack survives the reopening (the decision after the undo cleared the redo)
    again = open_session(demo_store, TECH, rules, reference)
    assert again.can_undo and not again.can_redo
    assert again.undo() == doc(s, 14) and again.undo() == doc(s, 1)      # the decision, then the fact «first»
    assert again.recorded(doc(s, 1))["sheet"].value == "copy" and again.documents[doc(s, 1)].approved == 0


def test_opening_does_not_run_the_engine_when_the_proposals_are_stored(s, demo_store, rules, reference,
                                                                      monkeypatch):
    s.record_fact(doc(s, 20), "paper.council_stamp", False)
    import desktop.review.rerun as rr

    def boom(*a, **k):
        raise AssertionError("the engine ran on opening")
    monkeypatch.setattr(rr, "rerun", boom)
    other = open_session(demo_store, ACC, rules, reference)
    assert other.documents[doc(s, 20)].approved == 0


def test_a_new_engine_result_derives_the_proposals_again(s, demo_store, rules, reference):
    """The batch reviewed again (a new stored result): the stored proposals belong to the old one; opening re-runs
    the rules for the recorded facts."""
    from desktop.review.importer import review_stored
    s.record_fact(doc(s, 20), "paper.council_stamp", False)
    review_stored(demo_store, DEMO_ID, rules=rules, ref=reference)
    other = open_session(demo_store, TECH, rules, reference)
    assert other.result_pk != s.result_pk
    assert (other.documents[doc(s, 20)].approved, other.documents[doc(s, 20)].rules) == (0, ("GEN-2",))
    check_totals(other)


def test_a_decision_already_made_keeps_its_mark(s, demo_store, rules, reference):
    i, j = doc(s, 20), doc(s, 13)
    s.accept(i)                                   # accepted the engine's ✓ at 534,000
    s.circle(j, Place(line=1), 200_000, Reason(None, "تعرفه"))
    s.record_fact(i, "paper.council_stamp", False)
    s.record_fact(j, "paper.council_stamp", False)
    for k, approved, mark in ((i, 534_000, "tick"), (j, 200_000, "circle")):
        e = s.documents[k]
        assert (e.proposed_mark, e.proposed_approved, e.rules) == ("zero", 0, ("GEN-2",))   # the new proposal
        assert (e.mark, e.approved, e.confirmed) == (mark, approved, True)                 # the decision stays
    check_totals(s)
    other = open_session(demo_store, ACC, rules, reference)
    assert (other.documents[i].mark, other.documents[i].approved) == ("tick", 534_000)
    assert other.totals() == s.totals()
    # accepting again confirms the new proposal
    s.accept(i, Place(line=1))
    assert (s.documents[i].mark, s.documents[i].approved) == ("zero", 0)
    check_totals(s)


def test_refused_values_write_nothing(s, demo_store):
    i = doc(s, 20)
    n = len(demo_store.events(DEMO_ID))
    cases = [("sheet", "xerox", "در فهرست مقادیر مجاز نیست"), ("paper.handwritings", -1, "منفی"),
             ("prescribed_on", "1404/07/31", "۳۰ روز"), ("tracking_code", "ABC", "درج نشده"),
             ("items[5].attachments", [], "ردیف"), ("attachments", ["x-ray"], "مجاز نیست"),
             ("paper.council_stamp", True, "همین مقدار"), ("insured.national_id", "0", "قابل ثبت"),
             ("paper.council_stamp", "no", "")]
    for path, value, fa in cases:
        with pytest.raises(ReviewError) as e:
            s.record_fact(i, path, value)
        assert fa in e.value.message_fa, (path, e.value.message_fa)
        assert any("\u0600" <= ch <= "\u06ff" for ch in e.value.message_fa)
    assert len(demo_store.events(DEMO_ID)) == n
    assert s.documents[i].approved == 534_000 and s.facts(i) == []


def test_a_signed_batch_and_an_administrator_are_refused(demo_store, rules, reference):
    admin = open_session(demo_store, ADMIN, rules, reference)
    with pytest.raises(ReviewError) as e:
        admin.record_fact(doc(admin, 20), "paper.council_stamp", False)
    assert e.value.code == "forbidden"
    demo_store.set_state(DEMO_ID, "technical_review", who="sara")
    demo_store.set_state(DEMO_ID, "accounting", who="sara")
    demo_store.set_state(DEMO_ID, "signed", who="reza")
    acc = open_session(demo_store, ACC, rules, reference)
    n = len(demo_store.events(DEMO_ID))
    with pytest.raises(ReviewError) as e:
        acc.record_fact(doc(acc, 20), "paper.council_stamp", False)
    assert e.value.code == "signed" and "امضا" in e.value.message_fa
    assert len(demo_store.events(DEMO_ID)) == n


def test_another_desks_fact_is_not_overwritten(demo_store, rules, reference):
    a = open_session(demo_store, TECH, rules, reference)
    b = open_session(demo_store, ACC, rules, reference)
    a.record_fact(doc(a, 20), "paper.council_stamp", False)
    with pytest.raises(ReviewError) as e:
        b.record_fact(doc(b, 1), "sheet", "copy")
    assert e.value.code == "stale_facts"
    b = open_session(demo_store, ACC, rules, reference)
    b.record_fact(doc(b, 1), "sheet", "copy")
    assert b.documents[doc(b, 20)].approved == 0 and b.documents[doc(b, 1)].approved == 0


def test_prescription_facts_of_every_form(s):
    i = doc(s, 28)
    s.record_fact(i, "prescribed_on", None)
    assert "GEN-5" in s.documents[i].rules
    s.record_fact(i, "prescribed_on", "۱۴۰۴/۰۷/۰۲")             # Persian digits, normalised as the intake does
    assert s.recorded(i)["prescribed_on"].value == "1404/07/02" and "GEN-5" not in s.documents[i].rules
    j = doc(s, 32)                                              # imaging without a diagnosis: GEN-12
    assert "GEN-12" in s.documents[j].rules
    s.record_fact(j, "diagnosis", "ندول تیروئید")
    assert s.documents[j].rules == () and s.documents[j].approved == 400_000
    s.record_fact(doc(s, 5), "referral", None)
    s.record_fact(doc(s, 5), "tracking_code", None)
    assert s.recorded(doc(s, 5))["referral"].value_fa == "ارجاع ندارد"
    s.record_fact(doc(s, 5), "referral", ABSENT)
    assert "referral" not in s.document(doc(s, 5)).doc
    check_totals(s)


# --- the re-run against the whole batch ----------------------------------------------------------------------------

def _modified_batch(path, facts: dict[int, dict], out) -> str:
    """The demo batch file with the facts written in (what the provider would have sent)."""
    from desktop.review.rerun import apply_facts
    batch = json.loads(path.read_text(encoding="utf-8"))
    batch["prescriptions"] = [apply_facts(p, facts.get(p["seq"], {})) for p in batch["prescriptions"]]
    out.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    return str(out)


def test_the_session_equals_a_whole_batch_review_with_the_facts_written_in(s, tmp_path, rules, reference):
    """Every document's proposal and the totals after recording facts equal the engine's review of the whole batch
    whose file carries those facts (history from the store: the earlier month)."""
    from desktop.review.importer import import_files
    facts = {20: {"paper.council_stamp": False}, 14: {"paper.erasure": "uncertified"}, 1: {"sheet": "copy"},
             19: {"attachments": []}, 32: {"diagnosis": "ندول تیروئید"}, 28: {"prescribed_on": None},
             7: {"items[0].attachments": []}, 26: {"attachments": ["report"]}}
    for seq, fs in facts.items():
        for path, value in fs.items():
            s.record_fact(doc(s, seq), path, value)
    mine = s.to_result()
    store = Store.open(f"sqlite:///{tmp_path / 'whole.sqlite'}")
    try:
        report = import_files([str(DEMO / "demo-history.json"),
                               _modified_batch(DEMO / "demo-batch.json", facts, tmp_path / "b.json")],
                              store=store, rules=rules, ref=reference)
    finally:
        store.close()
    whole = report.results[-1]
    assert mine["prescriptions"] == whole["prescriptions"]
    assert mine["totals"] == whole["totals"]
    # four of them share an insured (0931…/2894079273: seqs 3, 7, 14, 19): later documents see earlier ones
    assert {s.documents[doc(s, q)].national_id for q in (3, 7, 14, 19)} == {"2894079273"}


def _synthetic(tmp_path, rules, reference, kind: str, **kw):
    from desktop.review.importer import import_files
    from desktop.synth import main as synth_main
    out = tmp_path / f"{kind}.json"
    args = ["--kind", kind, "--seed", "7", "--out", str(out)] + [f"--{k}={v}" for k, v in kw.items()]
    synth_main(args)
    store = Store.open(f"sqlite:///{tmp_path / (kind + '.sqlite')}")
    import_files([str(out)], store=store, rules=rules, ref=reference)
    return store, json.loads(out.read_text(encoding="utf-8"))["batch"]["id"]


@pytest.mark.parametrize("kind, kw", [("radiology", {"prescriptions": 400}),
                                      ("hospital", {"prescriptions": 0, "bills": 40})])
def test_the_reduced_re_run_equals_the_whole_batch(tmp_path, rules, reference, kind, kw):
    """rerun.affected: the documents a fact can change, reviewed with what they depend on, give what the whole batch
    gives; and the documents left out are exactly as the whole batch's review leaves them."""
    import random
    store, batch_id = _synthetic(tmp_path, rules, reference, kind, **kw)
    try:
        s = ReviewSession(store, batch_id, TECH, rules=rules, reference=reference)
        rows = [DocRow(d.kind, d.seq, d.pk, d.national_id) for d in s.documents]
        nids = Counter(d.national_id for d in s.documents)
        rnd = random.Random(1)
        # documents of insureds with several documents, so that later documents see the fact
        pick = [d for d in s.documents if nids[d.national_id] > 1][:6] + rnd.sample(s.documents, 4)
        facts = {}
        for n, d in enumerate(pick):
            if d.kind == "prescription":
                facts[(d.kind, d.seq)] = [{"paper.council_stamp": False}, {"sheet": "copy"}, {"attachments": []},
                                          {"paper.signature": "stamp"}][n % 4]
            else:
                facts[(d.kind, d.seq)] = [{"paper.card_copy_photo": False}, {"attachments": []},
                                          {"paper.assistant_signed_operation_note": False}][n % 3]
        reduced, reduced_plain = rerun(store, s.header, rows, facts, rules=rules, ref=reference)
        full, full_plain = rerun(store, s.header, rows, facts, rules=rules, ref=reference, full=True)
        review, take = affected(rows, facts)
        assert set(reduced) == take and len(take) < len(rows)
        for key, entry in reduced.items():
            assert entry == full[key], key
            assert reduced_plain[key] == full_plain[key], key
        stored = {(d.kind, d.seq): e for d, e in zip(s.documents, s.result["prescriptions"] + s.result["bills"])}
        assert all(full[k] == stored[k] for k in full if k not in take)   # nothing outside `take` moves
        assert full_plain == stored                                        # without facts: the engine's result
        changed = sum(1 for k in take if reduced[k] != stored[k])
        assert changed >= 3
    finally:
        store.close()
