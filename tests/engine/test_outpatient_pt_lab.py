"""Check kinds of desktop/engine/checks/outpatient_pt_lab.py (physiotherapy and laboratory sections), each tested
once: fires, near miss, params refused; plus what the clause cases cannot hold (the inpatient laboratory heading of a
hospital bill, LAB-1, whose heading lines the bill evaluator does not price yet; two caps on one physiotherapy line)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from desktop.domain.jalali import parse_date
from desktop.engine.checks.outpatient_pt_lab import CodeSet, Words, norm
from desktop.engine.evaluate import review_batch
from desktop.engine.history import HistoryIndex
from desktop.engine.reference import ReferenceData, load_params, load_tariff
from desktop.engine.result import to_result
from desktop.engine.rules import RuleSet, load_pack
from desktop.intake import parse_batch

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
NID = "0499370899"
_D = parse_date("1404/07/10")

PARAMS = """
k_professional: {government: {"1390/01/01": {value: 100000}}, private: {"1390/01/01": {value: 100000}}}
franchise: {outpatient: {"1390/01/01": {value: 0.3}}}
method_variant_groups: {"1390/01/01": {value: {CRP: {qualitative: "803300", quantitative: "803305"}}}}
"""
TARIFF = """code,description_fa,rvu_total,rvu_professional,rvu_technical,anesthesia_base,flags,chapter
803300,CRP کیفی,,1.5,,,,laboratory
803305,CRP کمی,,2.5,,,,laboratory
800445,LDL,,0.8,,,,laboratory
901645,فیزیوتراپی هر جلسه,,4.5,,,,physiotherapy
"""


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    d = tmp_path_factory.mktemp("ref")
    (d / "p.yaml").write_text(PARAMS, encoding="utf-8")
    (d / "t.csv").write_text(TARIFF, encoding="utf-8")
    tariff, p1 = load_tariff(RULES / "sample" / "tariff.csv")
    params, p2 = load_params(RULES / "sample" / "params.yaml")
    over, p3 = load_params(d / "p.yaml")
    t2, p4 = load_tariff(d / "t.csv")
    assert not (p1 or p2 or p3 or p4)
    return ReferenceData(tariff, params).overlay(tariff=t2, params=over)


PRICING = {"id": "GEN-15-N2", "check": "pricing", "action": "reduce_line"}


def mini_pack(tmp_path, *rules):
    rules = copy.deepcopy(list(rules))
    for r in rules:
        r.setdefault("text_fa", "آزمون")
    f = tmp_path / "t.yaml"
    f.write_text(yaml.safe_dump({"pack": "t", "effective": {"from": "1395/01/01"}, "rules": [PRICING] + rules},
                                allow_unicode=True), encoding="utf-8")
    p, problems = load_pack(f)
    assert not problems, problems
    return RuleSet([p])


def shipped(*ids):
    """Entries of the shipped packs, by id (all entries of an id)."""
    out = []
    for name in ("physiotherapy", "laboratory"):
        for r in yaml.safe_load((RULES / f"{name}.yaml").read_text(encoding="utf-8"))["rules"]:
            if r["id"] in ids:
                out.append(r)
    assert out
    return out


def refused(tmp_path, rule) -> str:
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump({"pack": "bad", "rules": [dict(rule, text_fa="آزمون")]}, allow_unicode=True),
                 encoding="utf-8")
    p, problems = load_pack(f)
    assert p is None and problems
    return problems[0].message_en


def line(n, code, qty=1, ref=None, total=None, served_on=None, attachments=None, **details):
    it = {"line": n, "code": code, "qty": qty, "details": details}
    if total is None:
        total = ref.price(code, _D, "government", qty).total
    ins = round(total * 0.3)
    it["requested"] = {"total": total, "insured": ins, "org": total - ins}
    if served_on:
        it["served_on"] = served_on
    if attachments is not None:
        it["attachments"] = attachments
    return it


def doc(items, seq=1, served="1404/07/10", prescribed="1404/07/05", specialty="internal_medicine", role="physician",
        birth="1364/01/01", insured=None, **kw):
    ins = {"national_id": NID, "name": "آزمون", "sex": "M", "birth_date": birth, "fund": "iranians"}
    ins.update(insured or {})
    d = {"seq": seq, "insured": ins, "prescriber": {"council_no": "45678", "specialty": specialty, "role": role},
         "prescribed_on": prescribed, "served_on": served, "diagnosis": "x", "items": items}
    d.update(kw)
    return d


def claim(docs, kind="laboratory", period="1404/07", bid="B1", code="G-1", bills=()):
    raw = {"format": "claim-batch/1",
           "batch": {"id": bid, "period": period, "fund": "iranians", "submitted_on": "1404/08/10",
                     "provider": {"code": code, "name": "آزمون", "kind": kind, "sector": "private",
                                  "technical_director": {"council_no": "11111", "specialty": "pathology"},
                                  "contract": {"from": "1390/01/01", "to": "1409/12/29", "rural": True,
                                               "suspensions": []}}},
           "prescriptions": list(docs), "bills": list(bills)}
    return parse_batch(raw).raise_for_problems().batch


def review(rules, ref, batch, *earlier):
    h = HistoryIndex()
    for b in earlier:
        h.add_batch(b)
    return to_result(review_batch(batch, ref, rules, h))


def lines_of(res, seq=1):
    d = next(x for x in res["prescriptions"] if x["seq"] == seq)
    return [(l["mark"], l["approved"], l["paid_code"], l["paid_qty"], l["rules"]) for l in d["lines"]]


def rules_of(res, seq=1):
    d = next(x for x in res["prescriptions"] if x["seq"] == seq)
    return {(f["rule"], f["severity"]) for f in d["findings"]}


# ---------------------------------------------------------------------------------------------------- helpers


def test_code_sets_and_words():
    c = CodeSet(["805079-805086", "800005"])
    assert "805083" in c and "800005" in c and "805087" not in c and None not in c
    with pytest.raises(ValueError):
        CodeSet(["805086-805079"])
    w = Words(["LDL", "malignan", "بدخیم"])
    assert w("VLDL و LDL") and not w("VLDL") and w("Malignant melanoma") and w("تومور بدخیم")
    assert norm("تست‌های كبدي ۱۲") == "تست های کبدی 12"


# ---------------------------------------------------------------------------------------------------- generic kinds


def test_replace_code_when(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-3"))
    adult = claim([doc([line(1, "800015", ref=ref), line(2, "801170", ref=ref)])])
    assert lines_of(review(rules, ref, adult))[0] == ("circle", 100_000, "800005", None, ["LAB-3"])
    child = claim([doc([line(1, "800015", ref=ref)], birth="1402/01/01")])
    assert lines_of(review(rules, ref, child))[0] == ("tick", 150_000, "800015", None, [])
    assert "paid_code" in refused(tmp_path, {"id": "X", "check": "replace_code_when", "action": "replace_code",
                                             "params": {"when": {"field": "x", "eq": 1}}})


def test_attachment_required_by_codes_and_by_test(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-5-3", "LAB-11-F-N2"))
    jak2 = [line(1, "800005", ref=ref, test="JAK2"), line(2, "805000", ref=ref, test="JAK2"),
            line(3, "805055", ref=ref, test="JAK2")]
    res = review(rules, ref, claim([doc(jak2, attachments=["pathology"])]))
    marks = lines_of(res)
    assert [m[0] for m in marks] == ["zero", "zero", "zero"]
    assert "LAB-11-F-N2" in marks[0][4] and "LAB-5-3" in marks[1][4]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(jak2, attachments=["report"])])))] == ["tick"] * 3
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(jak2)])))] == ["tick"] * 3    # absent = attached
    assert "attachment" in refused(tmp_path, {"id": "X", "check": "attachment_required", "action": "zero_line",
                                              "params": {"codes": ["805000"]}})


def test_co_billed(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-4-7"))
    both = claim([doc([line(1, "801590", ref=ref), line(2, "802875", ref=ref)])])
    assert [m[0] for m in lines_of(review(rules, ref, both))] == ["tick", "zero"]
    alone = claim([doc([line(1, "802875", ref=ref)])])
    assert lines_of(review(rules, ref, alone))[0][0] == "tick"
    assert "with" in refused(tmp_path, {"id": "X", "check": "co_billed", "action": "zero_line",
                                        "params": {"cut": {"codes": ["1"]}}})


def test_qty_cap_by_number_and_by_report(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-9-A"))
    res = review(rules, ref, claim([doc([line(1, "805106", qty=120, ref=ref, primers=100)])]))
    assert lines_of(res)[0][3] == 96
    res = review(rules, ref, claim([doc([line(1, "805106", qty=60, ref=ref, primers=48)])]))
    assert lines_of(res)[0][3] == 48
    res = review(rules, ref, claim([doc([line(1, "805106", qty=48, ref=ref, primers=48)])]))
    assert lines_of(res)[0][0] == "tick"
    assert "max" in refused(tmp_path, {"id": "X", "check": "qty_cap", "action": "cap_quantity", "params": {}})


def test_test_lines_take_the_whole_test_but_a_shared_admission(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-11-H"))
    cx = [line(1, "800005", ref=ref), line(2, "805000", ref=ref, test="Connexin 26"),
          line(3, "805057", ref=ref, test="Connexin 26")]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(cx)])))] == ["zero"] * 3
    # the admission also serves a ferritin: it stays
    res = review(rules, ref, claim([doc(cx + [line(4, "801170", ref=ref)])]))
    assert [m[0] for m in lines_of(res)] == ["tick", "zero", "zero", "tick"]
    other = [line(1, "800005", ref=ref), line(2, "805000", ref=ref, test="Factor V Leiden")]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(other)])))] == ["tick", "tick"]
    assert "match" in refused(tmp_path, {"id": "X", "check": "test_lines", "action": "zero_line", "params": {}})


def test_lab_composite_closed_set_and_one_of_each_slot(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-7-6", "LAB-11-D"))
    vl = [line(1, "800005", ref=ref, test="HCV viral load", agent="HCV"),
          line(2, "805005", ref=ref, test="HCV viral load"), line(3, "805000", ref=ref, test="HCV viral load"),
          line(4, "805079", ref=ref, test="HCV viral load")]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(vl)])))] == ["tick", "tick", "zero", "tick"]
    # no agent written: the RNA extraction tells an RNA virus
    anon = [line(1, "800005", ref=ref), line(2, "805005", ref=ref), line(3, "805079", ref=ref)]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(anon)])))] == ["tick"] * 3
    jak = [line(1, "800005", ref=ref, test="JAK2"), line(2, "805000", ref=ref, test="JAK2"),
           line(3, "805010", ref=ref, test="JAK2"), line(4, "805055", ref=ref, test="JAK2")]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(jak)])))] == ["tick", "tick", "tick", "zero"]
    assert "slots" in refused(tmp_path, {"id": "X", "check": "lab_composite", "action": "zero_line",
                                         "params": {"match": {"test": ["x"]}}})


# ---------------------------------------------------------------------------------------------------- laboratory


def test_admission_once_and_pcr_admission(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-2", "LAB-4-9"))
    res = review(rules, ref, claim([doc([line(1, "800005", ref=ref), line(2, "800005", ref=ref),
                                         line(3, "807000", ref=ref)])]))
    assert [m[0] for m in lines_of(res)] == ["tick", "zero", "tick"]
    res = review(rules, ref, claim([doc([line(1, "804600", ref=ref, test="JAK2"), line(2, "805055", ref=ref,
                                                                                      test="JAK2")])]))
    assert lines_of(res)[0][:3] == ("circle", 100_000, "800005")
    kary = [line(1, "804600", ref=ref), line(2, "804605", ref=ref), line(3, "804815", ref=ref)]
    assert lines_of(review(rules, ref, claim([doc(kary)])))[0][0] == "tick"      # karyotype: its own admission
    assert "classes" in refused(tmp_path, {"id": "X", "check": "admission_once", "action": "cap_quantity",
                                           "params": {}})
    assert "tissue_code" in refused(tmp_path, {"id": "X", "check": "pcr_admission", "action": "replace_code",
                                               "params": {"code": "804600", "blood_code": "800005"}})


def test_lab_method_prescribed_and_both(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-4-6", "LAB-4-6-N1"))
    res = review(rules, ref, claim([doc([line(1, "803305", ref=ref, test="CRP", prescribed_method=None)])]))
    assert lines_of(res)[0][:3] == ("circle", 150_000, "803300")
    res = review(rules, ref, claim([doc([line(1, "803305", ref=ref, test="CRP", prescribed_method="quantitative")])]))
    assert lines_of(res)[0][0] == "tick"
    res = review(rules, ref, claim([doc([line(1, "803300", ref=ref), line(2, "803305", ref=ref)])]))
    assert [m[0] for m in lines_of(res)] == ["zero", "tick"]
    assert "mode" in refused(tmp_path, {"id": "X", "check": "lab_method", "action": "zero_line", "params": {}})


def test_lab_lipids(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-6-3", "LAB-4-2"))
    base = [line(1, "800430", ref=ref, tg_mg_dl=180), line(2, "800440", ref=ref), line(3, "800445", ref=ref,
                                                                                       test="LDL")]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(base)])))] == ["tick", "tick", "zero"]
    high = copy.deepcopy(base)
    high[0]["details"]["tg_mg_dl"] = 401
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(high)])))] == ["tick"] * 3
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(high, attachments=[])])))][2] == "zero"
    calc = copy.deepcopy(high)
    calc[2]["details"]["method"] = "calculated"
    assert ("LAB-4-2", "deny") in rules_of(review(rules, ref, claim([doc(calc)])))
    unknown = [line(1, "800445", ref=ref, test="LDL")]
    res = review(rules, ref, claim([doc(unknown)]))
    assert ("LAB-6-3", "review") in rules_of(res) and lines_of(res)[0][0] == "tick"
    assert "mode" in refused(tmp_path, {"id": "X", "check": "lab_lipids", "action": "zero_line", "params": {}})


def test_lab_panel_and_ecl(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-4-1", "LAB-4-10"))
    res = review(rules, ref, claim([doc([line(1, "801415", ref=ref, prescribed_as="TFT")])]))
    assert lines_of(res)[0][0] == "zero"
    res = review(rules, ref, claim([doc([line(1, "801415", ref=ref, prescribed_as="TSH")])]))
    assert lines_of(res)[0][0] == "tick"
    res = review(rules, ref, claim([doc([line(1, "801800", ref=ref, analyte="ferritin")])]))
    assert lines_of(res)[0][0] == "zero"
    res = review(rules, ref, claim([doc([line(1, "801820", ref=ref), line(2, "801800", ref=ref)])]))
    assert lines_of(res)[1][0] == "tick"
    res = review(rules, ref, claim([doc([line(1, "801800", ref=ref)])]))
    assert ("LAB-4-10", "review") in rules_of(res)
    assert "panels" in refused(tmp_path, {"id": "X", "check": "lab_panel", "action": "zero_line", "params": {}})
    assert "code" in refused(tmp_path, {"id": "X", "check": "ecl_tumour_marker", "action": "zero_line",
                                        "params": {}})


def _vl(ref, date, agent="HCV", dx="هپاتیت C", **kw):
    return doc([line(1, "800005", ref=ref, test=f"{agent} viral load", agent=agent),
                line(2, "805079", ref=ref, test=f"{agent} viral load", agent=agent)],
               served=date, prescribed=date, diagnosis=dx,
               approval={"by": "اداره کل", "on": date, "kind": "office", "ref": "A"}, **kw)


def test_pcr_frequency_across_batches(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-7-A1", "LAB-7-A1-N1", "LAB-7-A3"))
    hist = [claim([_vl(ref, d)], period=d[:7], bid=f"H{i}") for i, d in
            enumerate(["1403/11/10", "1404/01/15", "1404/03/20", "1404/05/25"])]
    res = review(rules, ref, claim([_vl(ref, "1404/07/10")]), *hist)
    assert [m[0] for m in lines_of(res)] == ["zero", "zero"] and ("LAB-7-A1", "deny") in rules_of(res)
    res = review(rules, ref, claim([_vl(ref, "1404/07/10")]), *hist[:3])
    assert [m[0] for m in lines_of(res)] == ["tick", "tick"]
    committee = _vl(ref, "1404/07/10")
    committee["approval"]["kind"] = "committee"
    assert [m[0] for m in lines_of(review(rules, ref, claim([committee]), *hist))] == ["tick", "tick"]
    # within one batch: the fifth document of the year is the excess
    one = claim([_vl(ref, d, seq=i + 1) for i, d in enumerate(
        ["1404/07/01", "1404/07/05", "1404/07/10", "1404/07/15", "1404/07/20"])])
    res = review(rules, ref, one)
    assert [lines_of(res, s)[1][0] for s in range(1, 6)] == ["tick"] * 4 + ["zero"]
    # malignancy: the third in twelve months (another agent), per LAB-7-A3
    lym = [claim([_vl(ref, d, agent="EBV", dx="لنفوم")], period=d[:7], bid=f"L{i}")
           for i, d in enumerate(["1403/09/15", "1404/03/15"])]
    res = review(rules, ref, claim([_vl(ref, "1404/07/10", agent="EBV", dx="لنفوم")]), *lym)
    assert ("LAB-7-A3", "deny") in rules_of(res)
    res = review(rules, ref, claim([_vl(ref, "1404/07/10", agent="EBV", dx="عفونت")]), *lym)
    assert not rules_of(res)
    assert "from" in refused(tmp_path, {"id": "X", "check": "pcr_frequency", "action": "zero_line",
                                        "params": {"codes": ["805079"], "max": 1}})


def test_pcr_pair(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-7-A2-N2", "LAB-11-F-N1"))
    pair = [line(1, "805090", ref=ref, agent="HBV"), line(2, "805079", ref=ref, agent="HBV")]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(pair)])))] == ["tick", "zero"]
    earlier = claim([_vl(ref, "1404/03/10", agent="HBV")], period="1404/03", bid="H")
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(pair)]), earlier))] == ["zero", "tick"]
    other = [line(1, "805090", ref=ref, agent="HBV"), line(2, "805079", ref=ref, agent="CMV")]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(other)])))] == ["tick", "tick"]
    geno = [line(1, "805090", ref=ref, test="HCV genotype", agent="HCV"),
            line(2, "805055", ref=ref, test="HCV genotype", agent="HCV"),
            line(3, "805079", ref=ref, test="HCV viral load", agent="HCV")]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(geno)])))] == ["tick", "tick", "zero"]
    assert "mode" in refused(tmp_path, {"id": "X", "check": "pcr_pair", "action": "zero_line", "params": {}})


def test_karyotype_extra_cells(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("LAB-8-A-N2"))
    stated = [line(1, "804815", ref=ref), line(2, "804820", ref=ref, in_report=True)]
    assert [m[0] for m in lines_of(review(rules, ref, claim([doc(stated)])))] == ["zero", "tick"]
    unstated = [line(1, "804820", ref=ref, in_report=False)]
    assert lines_of(review(rules, ref, claim([doc(unstated)])))[0][2] == "804815"
    assert "codes" in refused(tmp_path, {"id": "X", "check": "karyotype_extra_cells", "action": "replace_code",
                                         "params": {}})


def test_inpatient_lab_draws_on_a_bill(tmp_path, ref):
    """LAB-1: admission once per stay, no re-draw on day one, one re-draw a day after.  The bill evaluator does not
    price heading lines yet, so the findings (heading `lab`, 0-based line, paid quantity) are what is asserted."""
    rules = mini_pack(tmp_path, dict(shipped("LAB-1")[0]))
    bill = {"seq": 1, "insured": {"national_id": NID, "name": "آزمون", "sex": "M", "birth_date": "1364/01/01",
                                  "fund": "iranians"},
            "admitted_at": "1404/07/03 08:00", "discharged_at": "1404/07/06 10:00",
            "headings": {"lab": {"requested": 1_000_000, "lines": [
                {"code": "800005", "on": "1404/07/03", "qty": 1, "requested": 100_000},
                {"code": "800010", "on": "1404/07/03", "qty": 1, "requested": 50_000},
                {"code": "800010", "on": "1404/07/04", "qty": 2, "requested": 100_000},
                {"code": "800010", "on": "1404/07/05", "qty": 1, "requested": 50_000},
                {"code": "800005", "on": "1404/07/05", "qty": 1, "requested": 100_000},
                {"code": "800005", "on": "1404/07/06", "qty": 1, "requested": 100_000}]}}}
    b = claim([], kind="hospital", bills=[bill])
    out = review_batch(b, ref, rules, HistoryIndex())
    fs = [(f.rule, f.heading, f.line, f.severity, f.paid_code, f.paid_qty) for f in out.documents[0].findings]
    # day 3 already has its re-sampling fee: the second admission falls; day 4 has none: paid as one re-sampling
    assert fs == [("LAB-1", "lab", 1, "deny", None, None), ("LAB-1", "lab", 2, "adjust", None, 1),
                  ("LAB-1", "lab", 4, "deny", None, None), ("LAB-1", "lab", 5, "adjust", "800010", 1)]


# ---------------------------------------------------------------------------------------------------- physiotherapy


def _pt(ref, items, **kw):
    kw.setdefault("specialty", "orthopedics")
    kw.setdefault("sessions_ordered", 10)
    return doc(items, **kw)


def _s(ref, n, day, qty=1, regions=("knee",), code="901645", **det):
    return line(n, code, qty=qty, ref=ref, served_on=f"1404/07/{day:02d}", regions=list(regions),
                limbs=len(regions), **det)


PT_UNITS = ("PT-2", "PT-3", "PT-4", "PT-5", "PT-6", "PT-14", "PT-15", "PT-15-N1", "PT-15-N2", "PT-18", "PT-19")


def test_physio_units_two_caps_on_one_line_pay_the_lower(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped(*PT_UNITS))
    # 20 sessions of two limbs, ordered by an internist (unrelated: one limb): 15 sessions × 1 limb
    dates = [f"1404/07/{d:02d}" for d in range(1, 21)]
    it = line(1, "901645", qty=40, ref=ref, sessions=dates, regions=["knee", "shoulder"], limbs=2)
    res = review(rules, ref, claim([_pt(ref, [it], specialty="internal_medicine", sessions_ordered=20,
                                        prescribed="1404/06/28", served="1404/07/20")], kind="physiotherapy"))
    mark, approved, _, paid_qty, cited = lines_of(res)[0]
    assert (mark, paid_qty, approved) == ("circle", 15, 15 * 450_000)
    assert {("PT-4", "adjust"), ("PT-5", "adjust")} <= rules_of(res) and cited[0] in ("PT-4", "PT-5")
    # near miss: 10 sessions of one limb by an orthopaedist
    it = line(1, "901645", qty=10, ref=ref, sessions=dates[:10], regions=["knee"], limbs=1)
    res = review(rules, ref, claim([_pt(ref, [it], served="1404/07/10")], kind="physiotherapy"))
    assert lines_of(res)[0][0] == "tick"
    assert "reason" in refused(tmp_path, {"id": "X", "check": "physio_units", "action": "cap_quantity",
                                          "params": {"reason": "nonsense"}})
    assert "max_related" in refused(tmp_path, {"id": "X", "check": "physio_units", "action": "cap_quantity",
                                               "params": {"reason": "limbs"}})


def test_physio_one_a_day_across_providers(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped(*PT_UNITS))
    other = claim([_pt(ref, [_s(ref, 1, 10)])], kind="physiotherapy", code="G-2", bid="H")
    res = review(rules, ref, claim([_pt(ref, [_s(ref, 1, 8), _s(ref, 2, 10)])], kind="physiotherapy"), other)
    assert [m[0] for m in lines_of(res)] == ["tick", "zero"]
    res = review(rules, ref, claim([_pt(ref, [_s(ref, 1, 8), _s(ref, 2, 11)])], kind="physiotherapy"), other)
    assert [m[0] for m in lines_of(res)] == ["tick", "tick"]


def test_physio_start_filing_month_fit_and_registration(tmp_path, ref):
    rules = mini_pack(tmp_path, *shipped("PT-1", "PT-2-N1", "PT-5-N2", "PT-6-N1"))
    late = claim([_pt(ref, [_s(ref, 1, 6)], prescribed="1404/06/05", served="1404/07/06")], kind="physiotherapy")
    assert ("PT-1", "deny") in rules_of(review(rules, ref, late))
    ok = claim([_pt(ref, [_s(ref, 1, 5)], prescribed="1404/06/05", served="1404/07/05")], kind="physiotherapy")
    assert not rules_of(review(rules, ref, ok))
    # several sessions on one undated line: only the last date is known → for the reviewer
    undated = claim([_pt(ref, [line(1, "901645", qty=5, ref=ref)], prescribed="1404/06/05", served="1404/07/20")],
                    kind="physiotherapy")
    assert ("PT-1", "review") in rules_of(review(rules, ref, undated))
    nxt = claim([_pt(ref, [line(1, "901645", qty=2, ref=ref, sessions=["1404/07/25", "1404/08/02"])],
                     served="1404/08/02")], kind="physiotherapy")
    assert ("PT-2-N1", "deny") in rules_of(review(rules, ref, nxt))
    derm = claim([_pt(ref, [_s(ref, 1, 10)], specialty="dermatology")], kind="physiotherapy")
    assert ("PT-5-N2", "review") in rules_of(review(rules, ref, derm))
    pulm = claim([_pt(ref, [_s(ref, 1, 10, regions=("chest",))], specialty="pulmonology")], kind="physiotherapy")
    assert not rules_of(review(rules, ref, pulm))
    ms = _pt(ref, [_s(ref, 1, 10, qty=4, regions=("a", "b", "c", "d"))], specialty="neurology",
             diagnosis="multiple sclerosis", insured={"registered_conditions": []})
    assert ("PT-6-N1", "review") in rules_of(review(rules, ref, claim([ms], kind="physiotherapy")))
    ms["insured"]["registered_conditions"] = ["multiple_sclerosis"]
    assert not rules_of(review(rules, ref, claim([ms], kind="physiotherapy")))
    assert "months" in refused(tmp_path, {"id": "X", "check": "physio_start", "action": "zero_prescription",
                                          "params": {}})
    assert "related" in refused(tmp_path, {"id": "X", "check": "physio_specialty_fit", "action": "flag_review",
                                           "params": {}})
    assert "conditions" in refused(tmp_path, {"id": "X", "check": "physio_condition_registration",
                                              "action": "flag_review", "params": {}})


def test_shipped_packs_load_with_their_ids():
    for name in ("physiotherapy", "laboratory"):
        p, problems = load_pack(RULES / f"{name}.yaml")
        assert not problems, problems
        fam = "PT-" if name == "physiotherapy" else "LAB-"
        assert all(r.id.startswith(fam) for r in p.rules)
