"""ReviewSession: the engine's proposal overlaid by decisions (events), totals derived from the marks, states."""
from __future__ import annotations

import pytest

from desktop.review.errors import ReviewError
from desktop.review.session import FREE_TEXT_RULE, Place, Reason, ReviewSession, shares
from desktop.store import Store

from .conftest import ACC, ADMIN, DEMO_FILES, DEMO_ID, TECH, doc, open_session

F = 0.30   # the outpatient franchise of the sample parameters (insured's share; manual: ۳۰٪ سرپایی)



def test_without_decisions_the_totals_are_the_engines(s):
    t = s.totals()
    engine = s.result["totals"]
    assert t.as_result() == engine
    assert t.documents == len(s.result["prescriptions"]) == 41
    assert t.confirmed == 0
    assert sum(t.marks.values()) == 41
    assert all(d.decided == 0 and not d.confirmed for d in s.documents)


def test_the_proposal_is_read_from_the_result(s):
    i = doc(s, 29)
    view = s.document(i)
    [a] = view.amounts
    r = next(p for p in s.result["prescriptions"] if p["seq"] == 29)
    assert (a.requested, a.proposed_mark, a.proposed_approved) == (r["lines"][0]["requested"], r["lines"][0]["mark"],
                                                                   r["lines"][0]["approved"])
    assert a.proposed and a.decision is None
    assert a.proposed_rule == "GEN-15-N2"
    assert view.doc["seq"] == 29 and view.doc["insured"]["national_id"] == s.documents[i].national_id
    f = view.findings[0]
    assert f.rule == "GEN-15-N2" and f.text_fa and f.clause and f.data["tariff"] == 600_000


@pytest.mark.parametrize("source", ["demo", "synthetic-laboratory"])
def test_shares_and_deductions_agree_with_the_engine_line_by_line(source, tmp_path, rules, reference):
    """The share rule the session applies to a changed amount reproduces the engine's own split of every proposed
    line, and the clause a deduction is attributed to is the engine's."""
    from desktop.review.importer import import_files

    if source == "demo":
        files = DEMO_FILES
    else:
        from desktop.synth import main as synth_main
        out = tmp_path / "lab.json"
        synth_main(["--prescriptions", "150", "--seed", "5", "--kind", "laboratory", "--out", str(out)])
        files = [str(out)]
    store = Store.open(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        report = import_files(files, store=store, rules=rules, ref=reference)
        batch_id = report.batch_ids[-1]
        session = ReviewSession(store, batch_id, TECH, rules=rules, reference=reference)
        # the engine's own outcome (line-level shares are not in review-result/1): run it again on the stored batch
        from desktop.engine.evaluate import review_batch
        from desktop.intake import build_batch
        from desktop.pipeline import history_for
        batch = build_batch(store.load_batch(batch_id))
        outcome = review_batch(batch, reference, rules, history_for(store, batch))
        checked = 0
        for d in outcome.documents:
            i = session.index_of(d.kind, d.seq)
            view = session.document(i)
            by_line = {a.place.line: a for a in view.amounts}
            franchise = session._franchise(session.documents[i])
            for line in d.lines:
                a = by_line[line.line_no]
                assert a.proposed_approved == line.approved
                assert shares(a, a.proposed_approved, franchise) == (line.approved_insured, line.approved_org), \
                    (d.seq, line.line_no)
                expected_rule = next(iter(line.deducted_by), None)
                assert a.deduction_rule == expected_rule, (d.seq, line.line_no)
                checked += 1
        assert checked >= 40
    finally:
        store.close()


def test_circle_changes_the_totals_by_the_manuals_arithmetic(s):
    before = s.totals()
    i = doc(s, 1)          # a clean abdominal ultrasound: 900,000 requested, 270,000 insured / 630,000 organisation
    d = s.circle(i, Place(line=1), 500_000, Reason(None, "بیش از نیاز بالینی"))
    assert d.mark == "circle" and d.amount == 500_000 and not d.accepts
    after = s.totals()
    assert after.approved == before.approved - 400_000
    assert after.deducted == before.deducted + 400_000
    # the organisation pays (1 − 0.30) × 500,000 = 350,000; the insured the rest, 150,000
    assert after.org_share == before.org_share - (630_000 - 350_000)
    assert after.insured_share == before.insured_share - (270_000 - 150_000)
    assert after.by_rule[FREE_TEXT_RULE] == 400_000
    e = s.documents[i]
    assert (e.mark, e.approved, e.decided, e.confirmed, e.pen) == ("circle", 500_000, 1, True, "green")
    assert after.marks["circle"] == before.marks["circle"] + 1
    assert after.marks["tick"] == before.marks["tick"] - 1


def test_zero_needs_a_reason_and_moves_the_deduction_to_its_clause(s):
    i = doc(s, 1)
    with pytest.raises(ReviewError) as e:
        s.zero(i, Place(line=1), Reason(None, "  "))
    assert e.value.code == "reason_required" and "علت" in e.value.message_fa
    before = s.totals()
    s.zero(i, Place(line=1), Reason("GEN-12", "تشخیص نوشته نشده"))
    after = s.totals()
    assert after.approved == before.approved - 900_000
    assert after.by_rule["GEN-12"] == before.by_rule.get("GEN-12", 0) + 900_000
    assert (after.insured_share, after.org_share) == (before.insured_share - 270_000, before.org_share - 630_000)
    # re-zeroing an engine zero with another clause moves its deduction, the amount stays
    j = doc(s, 21)      # GEN-5: undated prescription
    engine_rule = s.document(j).amounts[0].proposed_rule
    s.zero(j, Place(), Reason("GEN-2", "نسخه بدون امضا"))
    later = s.totals()
    assert later.approved == after.approved
    assert later.by_rule.get(engine_rule, 0) == after.by_rule[engine_rule] - 900_000
    assert later.by_rule["GEN-2"] == after.by_rule.get("GEN-2", 0) + 900_000


def test_circle_bounds_and_default_reason(s):
    i = doc(s, 29)
    for bad in (840_000, 900_000, -1, 0):
        with pytest.raises(ReviewError) as e:
            s.circle(i, Place(line=1), bad)
        assert e.value.code == "bad_amount"
    d = s.circle(i, Place(line=1), 550_000)        # no reason given: the clause the engine cited
    assert d.reason.rule == "GEN-15-N2" and d.reason.text_fa
    with pytest.raises(ReviewError) as e:
        s.circle(doc(s, 1), Place(line=1), 100_000)      # nothing cited there: a reason is required
    assert e.value.code == "reason_required"
    with pytest.raises(ReviewError) as e:
        s.decide(i, Place(), "circle", amount=1)
    assert e.value.code == "bad_mark"
    with pytest.raises(ReviewError) as e:
        s.decide(i, Place(line=9), "tick")
    assert e.value.code == "unknown_place"


def test_accepting_every_proposal_confirms_without_changing_an_amount(s):
    before = s.totals()
    for e in list(s.documents):
        s.accept(e.index)
    after = s.totals()
    assert after.as_result() == before.as_result()
    assert after.confirmed == after.documents == 41
    assert all(e.confirmed and e.pen == "green" for e in s.documents)
    view = s.document(doc(s, 29))
    assert not view.amounts[0].proposed and view.amounts[0].decision.accepts


def test_a_line_decision_after_a_document_decision_wins_for_that_line(s):
    i = doc(s, 33)        # two lines
    s.zero(i, Place(), Reason("GEN-5", "نسخه بدون تاریخ"))
    s.tick(i, Place(line=2))
    a1, a2 = s.document(i).amounts
    assert (a1.mark, a1.approved) == ("zero", 0)
    assert (a2.mark, a2.approved) == ("tick", a2.requested)
    assert s.documents[i].mark == "circle"        # neither all ticked nor all zeroed


def test_accepting_the_document_keeps_the_marks_already_made(s):
    i = doc(s, 33)
    s.circle(i, Place(line=2), 500_000, Reason(None, "تعدیل"))
    s.accept(i)
    a1, a2 = s.document(i).amounts
    assert a1.decision is not None and a1.decision.accepts and (a1.mark, a1.approved) == (a1.proposed_mark,
                                                                                         a1.proposed_approved)
    assert (a2.mark, a2.approved, a2.decision.accepts) == ("circle", 500_000, False)
    assert s.documents[i].confirmed


def test_decisions_are_events_with_who_role_pen_and_reason(s, demo_store):
    i = doc(s, 29)
    s.accept(i, Place(line=1))
    s.zero(doc(s, 1), Place(line=1), Reason("GEN-12", "تشخیص نوشته نشده"))
    evs = [e for e in demo_store.events(DEMO_ID) if e["kind"] == "decision"]
    assert len(evs) == 2
    a, z = evs
    assert a["who"] == "sara" and a["role"] == "technical" and a["pen"] == "green" and a["accepts"] is True
    assert a["seq"] == 29 and a["line"] == 1 and a["doc"] == "prescription"
    assert a["proposal"] == {"mark": "circle", "approved": 600_000}
    assert a["at"].endswith("+00:00")                 # UTC ISO-8601
    assert z["mark"] == "zero" and z["amount"] == 0 and z["reason"] == {"rule": "GEN-12", "text_fa": "تشخیص نوشته نشده"}
    # the first technical decision started the technical review (an audited state change)
    assert demo_store.state(DEMO_ID) == "technical_review"


def test_undo_and_redo_are_events_and_nothing_is_overwritten(s, demo_store):
    i = doc(s, 1)
    base = s.totals().approved
    s.circle(i, Place(line=1), 700_000, Reason(None, "تعدیل"))
    s.zero(i, Place(line=1), Reason("GEN-12", "تشخیص نوشته نشده"))
    assert s.totals().approved == base - 900_000
    assert s.undo() == i
    assert s.documents[i].approved == 700_000 and s.totals().approved == base - 200_000
    assert s.undo() == i
    assert s.documents[i].approved == 900_000 and s.documents[i].decided == 0
    assert s.totals().approved == base
    with pytest.raises(ReviewError) as e:
        s.undo()
    assert e.value.code == "nothing_to_undo"
    assert s.redo() == i
    assert s.documents[i].approved == 700_000
    kinds = [e["kind"] for e in demo_store.events(DEMO_ID) if e["kind"] in ("decision", "undo", "redo")]
    assert kinds == ["decision", "decision", "undo", "undo", "redo"]
    # a new decision clears the redo stack
    s.tick(i, Place(line=1))
    assert not s.can_redo


def test_undo_is_per_user(demo_store, rules, reference):
    tech = open_session(demo_store, TECH, rules, reference)
    tech.circle(doc(tech, 1), Place(line=1), 800_000, Reason(None, "تعدیل"))
    acc = open_session(demo_store, ACC, rules, reference)
    assert not acc.can_undo                        # the accountant cannot undo the reviewer's mark
    acc.zero(doc(acc, 1), Place(line=1), Reason("GEN-12", "تشخیص نوشته نشده"))
    a = acc.document(doc(acc, 1)).amounts[0]
    assert (a.mark, a.pen) == ("zero", "red")
    acc.undo()
    a = acc.document(doc(acc, 1)).amounts[0]
    assert (a.mark, a.approved, a.pen) == ("circle", 800_000, "green")


def test_decisions_survive_closing_and_reopening_the_database(demo_url, rules, reference):
    store = Store.open(demo_url)
    s = open_session(store, rules=rules, reference=reference)
    s.circle(doc(s, 1), Place(line=1), 500_000, Reason(None, "بیش از نیاز"))
    s.zero(doc(s, 33), Place(line=2), Reason("US-3", "فقط یکی از دو سونوگرافی"))
    s.circle(doc(s, 29), Place(line=1), 400_000)
    s.undo()
    totals = s.totals().as_result()
    store.close()

    store = Store.open(demo_url)
    try:
        again = open_session(store, rules=rules, reference=reference)
        assert again.totals().as_result() == totals
        a = again.document(doc(again, 1)).amounts[0]
        assert (a.mark, a.approved, a.pen, a.reason.text_fa) == ("circle", 500_000, "green", "بیش از نیاز")
        z = again.document(doc(again, 33)).amounts[1]
        assert (z.mark, z.approved, z.reason.rule) == ("zero", 0, "US-3")
        assert again.document(doc(again, 29)).amounts[0].proposed      # the undone circle stays undone
        assert again.can_undo and again.can_redo                         # the stacks are derived from the events
        again.redo()
        assert again.document(doc(again, 29)).amounts[0].approved == 400_000
    finally:
        store.close()


def test_a_signed_batch_is_not_marked_until_reopened_with_a_reason(demo_store, rules, reference):
    tech = open_session(demo_store, TECH, rules, reference)
    assert [m for m, _ in tech.allowed_moves()] == ["technical_review"]
    tech.move_to("technical_review")
    tech.move_to("accounting")
    with pytest.raises(ReviewError):
        tech.move_to("signed")                        # a technical reviewer does not sign
    acc = open_session(demo_store, ACC, rules, reference)
    acc.accept(doc(acc, 29))
    acc.move_to("signed")
    with pytest.raises(ReviewError) as e:
        acc.tick(doc(acc, 1))
    assert e.value.code == "signed" and "بازگشایی" in e.value.message_fa
    with pytest.raises(ReviewError) as e:
        tech.zero(doc(tech, 1), Place(line=1), Reason("GEN-12", "x"))    # an older session sees it too
    assert e.value.code == "signed"
    with pytest.raises(ReviewError) as e:
        acc.undo()
    assert e.value.code == "signed"
    with pytest.raises(ReviewError) as e:
        acc.reopen("  ")
    assert e.value.code == "reason_required"
    with pytest.raises(ReviewError):
        tech.reopen("اشتباه در امضا")                 # only accounting (or an account manager) reopens
    acc.reopen("سند ۱ نیاز به بازبینی دارد")
    assert acc.state == "accounting"
    acc.tick(doc(acc, 1))
    reopened = [e for e in demo_store.events(DEMO_ID) if e["kind"] == "state_changed" and e["from"] == "signed"]
    assert len(reopened) == 1 and reopened[0]["who"] == "reza" and reopened[0]["reason"] == "سند ۱ نیاز به بازبینی دارد"


def test_an_administrator_has_no_pen(demo_store, rules, reference):
    s = open_session(demo_store, ADMIN, rules, reference)
    with pytest.raises(ReviewError) as e:
        s.accept(0)
    assert e.value.code == "forbidden"


def test_to_result_applies_the_decisions(s):
    s.circle(doc(s, 1), Place(line=1), 500_000, Reason(None, "تعدیل"))
    s.accept(doc(s, 29))
    out = s.to_result()
    assert out["format"] == "review-result/1" and out["batch_id"] == DEMO_ID
    assert out["totals"] == s.totals().as_result()
    p1 = next(p for p in out["prescriptions"] if p["seq"] == 1)
    assert (p1["mark"], p1["approved"]) == ("circle", 500_000)
    line = p1["lines"][0]
    assert (line["mark"], line["approved"], line["rules"]) == ("circle", 500_000, [FREE_TEXT_RULE])
    assert line["decision"]["who"] == "sara" and line["decision"]["pen"] == "green"
    p29 = next(p for p in out["prescriptions"] if p["seq"] == 29)
    assert p29["lines"][0]["decision"]["accepts"] is True and p29["approved"] == 600_000
    engine = {p["seq"]: p for p in s.result["prescriptions"]}
    untouched = [p for p in out["prescriptions"] if p["seq"] not in (1, 29)]
    assert all(p == engine[p["seq"]] for p in untouched)
    assert sum(p["approved"] for p in out["prescriptions"]) == out["totals"]["approved"]
    assert s.result["prescriptions"][0]["lines"][0]["mark"] == "tick"      # the engine's result is not modified


def test_search_and_filters(s):
    i = doc(s, 29)
    nid = s.documents[i].national_id
    assert i in s.find(nid)
    persian = nid.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert i in s.find(persian)
    assert s.find("۲۹") == [i] or i in s.find("۲۹")
    assert s.find("") == []
    assert i in s.with_rule("GEN-15-N2")
    assert i in s.with_code("701545")
    presc = s.document(i).doc["prescriber"]
    assert i in s.with_prescriber(presc["council_no"])
    assert i in s.with_prescriber(presc["name"].split()[-1])
    assert "GEN-15-N2" in s.rule_ids()
    s.zero(doc(s, 1), Place(line=1), Reason("GEN-12", "تشخیص نوشته نشده"))
    assert doc(s, 1) in s.with_rule("GEN-12")
    briefs = s.briefs([i])
    assert briefs[i][0] == s.document(i).doc["insured"]["name"]


def test_reasons_are_the_manuals_clauses(s):
    reasons = s.reasons()
    ids = {r.rule for r in reasons}
    assert {"GEN-5", "GEN-12", "GEN-15-N2"} <= ids
    assert all(r.text_fa for r in reasons)
    assert len({(r.rule, r.text_fa) for r in reasons}) == len(reasons)


def test_a_batch_not_yet_reviewed_by_the_engine_is_refused_with_a_clear_message(tmp_path, rules, reference):
    from desktop.review.importer import review_stored
    from desktop.intake import load_batch
    import hashlib
    store = Store.open(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        res = load_batch(DEMO_FILES[1])
        store.import_batch(res.normalized, source_file="demo-batch.json",
                           sha256=hashlib.sha256(open(DEMO_FILES[1], "rb").read()).hexdigest())
        with pytest.raises(ReviewError) as e:
            ReviewSession(store, DEMO_ID, TECH, rules=rules, reference=reference)
        assert e.value.code == "no_result" and "بررسی خودکار" in e.value.message_fa
        result = review_stored(store, DEMO_ID, rules=rules, ref=reference)
        assert result["batch_id"] == DEMO_ID
        s = ReviewSession(store, DEMO_ID, TECH, rules=rules, reference=reference)
        assert len(s.documents) == 41
    finally:
        store.close()


def test_bill_headings_are_marked_like_lines(tmp_path, rules, reference):
    from desktop.review.importer import import_files
    from desktop.synth import main as synth_main
    out = tmp_path / "h.json"
    synth_main(["--prescriptions", "2", "--bills", "2", "--seed", "2", "--kind", "hospital", "--out", str(out)])
    store = Store.open(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        report = import_files([str(out)], store=store, rules=rules, ref=reference)
        s = ReviewSession(store, report.batch_ids[0], TECH, rules=rules, reference=reference)
        bills = [d for d in s.documents if d.kind == "bill"]
        assert len(bills) == 2
        b = bills[0]
        view = s.document(b.index)
        heads = [a for a in view.amounts if a.requested > 0]
        h = heads[0]
        assert h.place.heading and h.place.line is None
        before = s.totals().approved
        s.zero(b.index, h.place, Reason(None, "سرفصل بدون مستند"))
        assert s.totals().approved == before - h.approved
        out_result = s.to_result()
        rb = next(x for x in out_result["bills"] if x["seq"] == b.seq)
        assert rb["headings"][h.place.heading]["mark"] == "zero"
        assert rb["headings"][h.place.heading]["decision"]["reason"]["text_fa"] == "سرفصل بدون مستند"
    finally:
        store.close()


def test_a_batch_reviewed_from_the_command_line_is_cut_for_the_desk_at_its_first_opening(tmp_path, rules, reference):
    from sqlalchemy import func, select

    from desktop.pipeline import review_files
    from desktop.review.queries import engine_of
    from desktop.review.tables import review_heads, review_rows
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    review_files(DEMO_FILES, db_url=url, rules=rules)

    def count(store, table):
        with engine_of(store).connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar()

    store = Store.open(url)
    try:
        assert count(store, review_heads) == 0
        s = ReviewSession(store, DEMO_ID, TECH, rules=rules, reference=reference)
        assert count(store, review_heads) == 1 and count(store, review_rows) == 41
        assert s.totals().as_result() == store.load_result(DEMO_ID)["totals"]
        first = s.result_pk
        # the engine reviews the batch again (new rules): the desk's copy follows the newest result
        from desktop.review.importer import review_stored
        review_stored(store, DEMO_ID, rules=rules, ref=reference)
        again = ReviewSession(store, DEMO_ID, TECH, rules=rules, reference=reference)
        assert again.result_pk != first and count(store, review_heads) == 1     # the older copy is dropped
        assert len(again.documents) == 41
    finally:
        store.close()
