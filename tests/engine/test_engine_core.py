"""The engine's generic parts, each tested once: the condition language, rule-pack validation, the amount
model of GEN-15-N2 (organisation share against (1 − franchise) × government tariff), frequency over history."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.absent import ABSENT
from desktop.domain.jalali import parse_date, parse_month
from desktop.domain.model import (Batch, ClaimBatch, Details, Insured, Item, ItemRequested, Paper, Person,
                                  Prescription, Provider, ProviderContract)
from desktop.engine.conditions import ConditionError, compile_condition
from desktop.engine.evaluate import review_batch
from desktop.engine.history import HistoryIndex
from desktop.engine.result import to_result
from desktop.engine.rules import RuleSet, load_pack

D = parse_date


# ------------------------------------------------------------------------------------------ a small reference


@dataclass
class Row:
    code: str
    rvu: Decimal
    chapter: str | None = None
    flags: str = ""


@dataclass
class Price:
    professional: int
    technical: int
    total: int


class FakeParams:
    def __init__(self, tables):
        self.tables = tables

    def has(self, name):
        return name in self.tables

    def value(self, name, on, key=None, default=None):
        t = self.tables.get(name)
        if t is None:
            return default
        return t.get(key, default) if key is not None else t


class FakeTariff:
    def __init__(self, rows):
        self.rows = {r.code: r for r in rows}

    def get(self, code):
        return self.rows.get(code)


class FakeRef:
    sample = False

    def __init__(self, rows, k=100_000, **tables):
        self.tariff = FakeTariff(rows)
        self.k = k
        self.params = FakeParams({"franchise": {"outpatient": 0.30}, **tables})

    def price(self, code, on, sector="government", qty=1):
        r = self.tariff.get(code)
        if r is None:
            return None
        t = int(r.rvu * self.k)
        return Price(t, 0, t)


def pack(tmp_path: Path, body: str):
    f = tmp_path / "p.yaml"
    f.write_text("pack: t\neffective: {from: '1395/01/01'}\nrules:\n" + body, encoding="utf-8")
    p, problems = load_pack(f)
    assert not problems, problems
    return RuleSet([p])


def rx(seq=1, *, items, **kw):
    base = dict(seq=seq, insured=Insured(national_id="0499370899", fund="iranians", sex="M"),
                prescriber=Person(council_no="45678", specialty="internal_medicine", role="physician"),
                prescribed_on=D("1404/07/05"), served_on=D("1404/07/10"), diagnosis="x", items=items)
    base.update(kw)
    return Prescription(**base)


def line(code, total, insured=None, org=None, n=1, **kw):
    ins = round(total * 0.3) if insured is None else insured
    return Item(line=n, code=code, qty=1, requested=ItemRequested(total=total, insured=ins,
                                                                     org=total - ins if org is None else org), **kw)


def batch(*docs, kind="laboratory", sector="private"):
    prov = Provider(code="P-1", kind=kind, sector=sector,
                    contract=ProviderContract(from_=D("1390/01/01"), to=D("1409/12/29"), rural=True))
    return ClaimBatch(format="claim-batch/1", batch=Batch(id="B1", period=parse_month("1404/07"), fund="iranians",
                                                          submitted_on=D("1404/08/10"), provider=prov),
                      prescriptions=list(docs), bills=[])


# ------------------------------------------------------------------------------------------ conditions


class S:
    """A scope for condition tests."""

    def __init__(self, doc, item=None):
        self.doc, self.item, self.batch, self.ctx, self.date = doc, item, None, None, None

    def fact(self, name):
        return {"x": 5}[name]


def test_absent_is_not_missing_and_null_is_missing():
    absent = Paper()
    missing = Paper(council_stamp=False, signature=None)
    is_false = compile_condition({"field": "paper.council_stamp", "is_false": True})
    miss = compile_condition({"field": "paper.signature", "missing": True})
    assert not is_false(S(Prescription(paper=absent)))
    assert is_false(S(Prescription(paper=missing)))
    assert miss(S(Prescription(paper=missing))) and not miss(S(Prescription(paper=absent)))
    # a path through an absent object is absent, not an error
    assert not compile_condition({"field": "paper.signature", "eq": "stamp"})(S(Prescription()))


def test_operators_and_combinators():
    doc = Prescription(attachments=["report"], diagnosis="چکاپ سالانه", paper=Paper(handwritings=2))
    assert compile_condition({"field": "attachments", "has": "report"})(S(doc))
    assert compile_condition({"field": "attachments", "lacks": "images"})(S(doc))
    assert not compile_condition({"field": "attachments", "lacks": "report"})(S(doc))
    assert not compile_condition({"field": "attachments", "lacks": "report"})(S(Prescription()))  # absent = all there
    assert compile_condition({"field": "paper.handwritings", "gt": 1})(S(doc))
    assert compile_condition({"field": "diagnosis", "contains_any": ["چکاپ"]})(S(doc))
    assert compile_condition({"all": [{"field": "$x", "eq": 5}, {"not": {"field": "$x", "eq": 4}}]})(S(doc))
    assert compile_condition({"any": [{"field": "$x", "eq": 4}, {"field": "$x", "in": [5, 6]}]})(S(doc))


@pytest.mark.parametrize("bad", [{"field": "a", "frobnicate": 1}, {"field": "a", "eq": 1, "ne": 2}, {"eq": 1},
                                 {"all": [{"field": "a", "eq": 1}], "any": []}, ["not a mapping"]])
def test_malformed_conditions_are_refused(bad):
    with pytest.raises(ConditionError):
        compile_condition(bad)


def test_rule_pack_problems_are_located(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("pack: bad\nrules:\n"
                 "  - {id: X-1, check: no_such_kind, action: zero_line}\n"
                 "  - {id: X-2, check: condition, action: zero_line, params: {when: {field: a, zz: 1}}}\n"
                 "  - {id: X-3, check: condition, action: zero_line, effective: {from: '1404/07/31'},"
                 " params: {when: {field: a, eq: 1}}}\n", encoding="utf-8")
    p, problems = load_pack(f)
    assert p is None
    where = {(x.file, x.path.split(".")[0]) for x in problems}
    assert ("bad.yaml", "rules[0] (X-1)") in where
    assert any("X-2" in x.path and "params" in x.path for x in problems)
    assert any("X-3" in x.path and "effective" in x.path for x in problems)
    assert all(x.message_fa and x.message_en for x in problems)


# ------------------------------------------------------------------------------------------ amounts


PRICING = "  - {id: GEN-15-N2, check: pricing, action: reduce_line}\n"


def _review(tmp_path, b, rules_body=PRICING, ref=None, history=None):
    ref = ref or FakeRef([Row("801170", Decimal(4))])
    out = review_batch(b, ref, pack(tmp_path, rules_body), history)
    return to_result(out)


def test_requested_above_tariff_is_circled_at_the_payable_share(tmp_path):
    # tariff 4 RVU × 100,000 = 400,000; franchise 30 % → payable organisation share 280,000
    res = _review(tmp_path, batch(rx(items=[line("801170", 500_000, 150_000, 350_000)])))
    ln = res["prescriptions"][0]["lines"][0]
    assert (ln["mark"], ln["approved"], ln["rules"]) == ("circle", 400_000, ["GEN-15-N2"])
    assert res["totals"]["by_rule"] == {"GEN-15-N2": 100_000}
    assert res["totals"]["org_share"] == 280_000 and res["totals"]["insured_share"] == 120_000


def test_private_total_above_government_tariff_with_right_org_share_is_ticked(tmp_path):
    # the difference above the government tariff is the insured's (۶-۱-۲۷), never a deduction
    res = _review(tmp_path, batch(rx(items=[line("801170", 500_000, 220_000, 280_000)])))
    ln = res["prescriptions"][0]["lines"][0]
    assert (ln["mark"], ln["approved"], ln["rules"]) == ("tick", 500_000, [])


def test_requested_below_tariff_is_paid_as_requested(tmp_path):
    res = _review(tmp_path, batch(rx(items=[line("801170", 300_000)])))
    assert res["prescriptions"][0]["lines"][0]["approved"] == 300_000
    assert res["prescriptions"][0]["mark"] == "tick"


def test_missing_amounts_are_not_payable(tmp_path):
    it = Item(line=1, code="801170", qty=1, requested=ItemRequested(total=400_000, insured=None, org=280_000))
    res = _review(tmp_path, batch(rx(items=[it])))
    ln = res["prescriptions"][0]["lines"][0]
    assert (ln["mark"], ln["approved"], ln["rules"]) == ("zero", 0, ["GEN-15-N2"])


def test_document_zeroing_rule_takes_every_line(tmp_path):
    body = PRICING + ("  - {id: GEN-5, check: condition, level: document, action: zero_prescription,"
                      " params: {when: {field: prescribed_on, is_null: true}}}\n")
    res = _review(tmp_path, batch(rx(items=[line("801170", 400_000), line("801170", 200_000, n=2)],
                                     prescribed_on=None)), body)
    doc = res["prescriptions"][0]
    assert doc["mark"] == "zero" and doc["approved"] == 0
    assert all(l["rules"] == ["GEN-5"] for l in doc["lines"])
    assert res["totals"]["by_rule"] == {"GEN-5": 600_000}
    # a near miss: dated → nothing
    res = _review(tmp_path, batch(rx(items=[line("801170", 400_000)])), body)
    assert res["prescriptions"][0]["mark"] == "tick"


def test_review_findings_change_no_amount(tmp_path):
    body = PRICING + ("  - {id: GEN-17, check: condition, level: document, action: flag_review,"
                      " params: {when: {field: paper.provider_stamp, is_false: true}}}\n")
    res = _review(tmp_path, batch(rx(items=[line("801170", 400_000)], paper=Paper(provider_stamp=False))), body)
    doc = res["prescriptions"][0]
    assert doc["mark"] == "tick" and doc["approved"] == 400_000
    assert [(f["rule"], f["severity"]) for f in doc["findings"]] == [("GEN-17", "review")]


# ------------------------------------------------------------------------------------------ frequency


FREQ = PRICING + ("  - {id: T-FREQ, check: frequency, action: zero_line,"
                  " params: {codes: ['801170'], max: 1, per: jalali_year}}\n")


def test_frequency_counts_earlier_batches_and_earlier_documents(tmp_path):
    earlier = batch(rx(items=[line("801170", 400_000)], served_on=D("1404/02/01"), prescribed_on=D("1404/01/28")))
    h = HistoryIndex()
    h.add_batch(earlier)
    res = _review(tmp_path, batch(rx(items=[line("801170", 400_000)])), FREQ, history=h)
    ln = res["prescriptions"][0]["lines"][0]
    assert (ln["mark"], ln["rules"]) == ("zero", ["T-FREQ"])
    # near miss: the earlier service was last Jalali year
    earlier = batch(rx(items=[line("801170", 400_000)], served_on=D("1403/12/30"), prescribed_on=D("1403/12/01")))
    h = HistoryIndex()
    h.add_batch(earlier)
    res = _review(tmp_path, batch(rx(items=[line("801170", 400_000)])), FREQ, history=h)
    assert res["prescriptions"][0]["lines"][0]["mark"] == "tick"
    # within one batch: the second document is the excess
    res = _review(tmp_path, batch(rx(1, items=[line("801170", 400_000)]), rx(2, items=[line("801170", 400_000)])),
                  FREQ)
    assert [d["mark"] for d in res["prescriptions"]] == ["tick", "zero"]
