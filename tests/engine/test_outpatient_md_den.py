"""Check kinds of desktop/engine/checks/outpatient_md_den.py (physicians' and dentists' sections), each tested once:
fires, near miss, params refused; the Table 1 / Table 2 data shipped in the packs against the manual; and the clauses
whose cases need a line without a code (rule-inputs §3: a dental service Table 2 has no row for is `code: null`),
which tests/cases cannot hold."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from desktop.engine.checks.outpatient_md_den import compile_table2, fa_code, tooth_position
from desktop.engine.evaluate import review_batch
from desktop.engine.history import HistoryIndex
from desktop.engine.reference import ReferenceData, load_params, load_tariff
from desktop.engine.result import to_result
from desktop.engine.rules import RuleSet, load_pack
from desktop.intake import parse_batch

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
NID = "0499370899"

PARAMS = """
k_professional: {government: {"1390/01/01": {value: 100000}}, private: {"1390/01/01": {value: 100000}}}
k_technical: {government: {"1390/01/01": {value: 100000}}, private: {"1390/01/01": {value: 100000}}}
k_dental: {government: {"1390/01/01": {value: 100000}}, private: {"1390/01/01": {value: 100000}}}
franchise: {outpatient: {"1390/01/01": {value: 0.3}}}
code_groups: {"1390/01/01": {value: {visit: ["970000", "970005"]}}}
"""


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    """The shipped sample tariff (Table 1 RVs, Table 2 K coefficients) with K = 100,000 Rials and a 30 % franchise."""
    d = tmp_path_factory.mktemp("ref")
    (d / "p.yaml").write_text(PARAMS, encoding="utf-8")
    tariff, p1 = load_tariff(RULES / "sample" / "tariff.csv")
    params, p2 = load_params(RULES / "sample" / "params.yaml")
    over, p3 = load_params(d / "p.yaml")
    assert not (p1 or p2 or p3)
    return ReferenceData(tariff, params).overlay(params=over)


@pytest.fixture(scope="module")
def packs():
    out = {}
    for name in ("physicians", "dentists"):
        p, problems = load_pack(RULES / f"{name}.yaml")
        assert not problems, problems
        out[name] = p
    return out


PRICING = {"id": "GEN-15-N2", "check": "pricing", "action": "reduce_line"}


def mini_pack(tmp_path, *rules, table2=False):
    """A pack of the given rules (dicts) plus the pricing rule; `table2: true` params get the shipped Table 2."""
    t2 = yaml.safe_load((RULES / "dentists.yaml").read_text(encoding="utf-8"))["table2"]
    rules = copy.deepcopy(list(rules))
    for r in rules:
        r.setdefault("text_fa", "آزمون")
        if r.get("params", {}).get("table2") is True:
            r["params"]["table2"] = t2
    f = tmp_path / "t.yaml"
    f.write_text(yaml.safe_dump({"pack": "t", "effective": {"from": "1395/01/01"}, "rules": [PRICING] + rules},
                                allow_unicode=True), encoding="utf-8")
    p, problems = load_pack(f)
    assert not problems, problems
    return RuleSet([p])


def refused(tmp_path, rule) -> str:
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump({"pack": "bad", "rules": [dict(rule, text_fa="آزمون")]}, allow_unicode=True),
                 encoding="utf-8")
    p, problems = load_pack(f)
    assert p is None and problems
    return problems[0].message_en


# ---------------------------------------------------------------------------------------------------- claims


def line(n, code, total=None, qty=1, ref=None, **details):
    it = {"line": n, "code": code, "qty": qty, "details": details}
    if total is None:
        total = ref.price(code, _D, "government", qty).total
    ins = round(total * 0.3)
    it["requested"] = {"total": total, "insured": ins, "org": total - ins}
    return it


def doc(items, seq=1, served="1404/07/10", prescriber=None, birth="1364/01/01", **kw):
    d = {"seq": seq, "insured": {"national_id": NID, "name": "آزمون", "sex": "M", "birth_date": birth,
                                 "fund": "iranians"},
         "prescriber": prescriber or {"council_no": "45678", "specialty": "dentist", "role": "dentist"},
         "prescribed_on": served, "served_on": served, "diagnosis": "x", "items": items}
    d.update(kw)
    return d


def claim(docs, kind="dentist", sector="private", period="1404/07", bid="B1", code="G-1"):
    raw = {"format": "claim-batch/1",
           "batch": {"id": bid, "period": period, "fund": "iranians", "submitted_on": "1404/08/10",
                     "provider": {"code": code, "name": "آزمون", "kind": kind, "sector": sector,
                                  "technical_director": {"council_no": "45678", "specialty": "dentist"},
                                  "contract": {"from": "1390/01/01", "to": "1409/12/29", "rural": True,
                                               "suspensions": []}}},
           "prescriptions": docs, "bills": []}
    return parse_batch(raw).raise_for_problems().batch


def review(rules, ref, batch, *earlier):
    h = HistoryIndex()
    for b in earlier:
        h.add_batch(b)
    return to_result(review_batch(batch, ref, rules, h))


def lines_of(res, seq=1):
    d = next(x for x in res["prescriptions"] if x["seq"] == seq)
    return [(l["mark"], l["approved"], l["paid_code"], l["paid_qty"], l["rules"]) for l in d["lines"]]


def findings(res, seq=1):
    d = next(x for x in res["prescriptions"] if x["seq"] == seq)
    return [(f["rule"], f["severity"], f.get("line")) for f in d["findings"]]


from desktop.domain.jalali import parse_date  # noqa: E402

_D = parse_date("1404/07/10")


# ---------------------------------------------------------------------------------------------------- the tables


def test_table2_is_the_manuals_table(ref):
    raw = yaml.safe_load((RULES / "dentists.yaml").read_text(encoding="utf-8"))["table2"]
    t = compile_table2(raw)
    assert sorted(t) == list(range(1, 117))
    assert all(t[r].k is None for r in (1, 2, 3, 4, 5))                       # rows 1-5 print no K
    k = {r: t[r].k for r in t}
    assert (k[6], k[7], k[8], k[9], k[11], k[17], k[21], k[23], k[25]) == (14, 76, 76, 22, 42, 12, 35, 10, 44)
    # extraction: 1-3 = 41, 4-7 = 45, 8 = 55 in every quadrant; primary A-C = 41, D-E = 45
    ext = {t[r].tooth: t[r].k for r in range(29, 81)}
    assert len(ext) == 52 and all(ext[f"{q}{p}"] == (41 if p <= 3 else 55 if p == 8 else 45)
                                  for q in "1234" for p in range(1, 9))
    assert all(ext[f"{q}{p}"] == (41 if p <= 3 else 45) for q in "5678" for p in range(1, 6))
    assert (t[36].tooth, t[44].tooth, t[52].tooth, t[60].tooth) == ("18", "28", "38", "48")   # 45-52 lower LEFT
    assert (t[61].tooth, t[66].tooth, t[71].tooth, t[76].tooth) == ("51", "61", "81", "71")   # 71-75 lower RIGHT
    assert (t[81].k, t[85].k, t[89].k, t[93].k, t[101].k, t[105].k, t[109].k, t[113].k) == \
        (71, 97, 108, 64, 86, 78, 104, 126)
    assert {t[r].tooth for r in list(range(25, 29)) + list(range(81, 117))} == {"16", "26", "36", "46"}
    assert t[2].specialty == t[6].specialty == frozenset({"all"}) and t[1].specialty == frozenset()
    assert t[85].specialty == {"dentist_pediatric", "dentist_restorative"} and t[36].specialty == {"dentist_oral_surgery"}
    assert (t[7].ages, t[8].ages, t[12].jaw, t[15].jaw, t[23].jaw) == ((6, 14), (15, None), "lower", "upper", "upper")
    # the shipped sample tariff carries the same coefficients (rows 6-116)
    assert all(ref.tariff.get(f"T2-{r}").rvu_professional == t[r].k for r in range(6, 117))


def test_table1_lists_the_printed_codes():
    codes = yaml.safe_load((RULES / "physicians.yaml").read_text(encoding="utf-8"))["table1"]
    assert len(codes) == 116 and len(set(codes)) == 116 and all(len(c) == 6 and c.isdigit() for c in codes)
    assert {"100005", "100085", "502090", "900275", "900375", "900780", "900785", "900800", "901255", "901533",
            "901600"} <= set(codes)
    assert "3002820" not in codes and "502160" not in codes


def test_table2_malformed_rows_are_refused():
    with pytest.raises(ValueError, match="row 3 twice"):
        compile_table2([{"row": 3, "service": "x"}, {"row": 3, "service": "x"}])
    with pytest.raises(ValueError, match="FDI"):
        compile_table2([{"row": 9, "service": "x", "tooth": "6"}])
    assert tooth_position("18") == 8 and tooth_position("55") == 5 and tooth_position("x") is None
    assert fa_code("T2-36") == "ردیف ۳۶ جدول ۲" and fa_code("900785") == "۹۰۰۷۸۵"


# ---------------------------------------------------------------------------------------------------- not_together


def test_not_together(tmp_path, ref):
    rules = mini_pack(tmp_path,
                      {"id": "MD-8", "check": "not_together", "action": "zero_line",
                       "params": {"group": "visit", "with": {"other": True}}},
                      {"id": "MD-T1", "check": "not_together", "action": "zero_line",
                       "params": {"codes": ["900275"], "with": {"other": True}, "zero": "with"}})
    b = claim([doc([line(1, "970005", ref=ref), line(2, "900785", ref=ref)])], kind="physician_office")
    assert lines_of(review(rules, ref, b)) == [("zero", 0, "970005", None, ["MD-8"]),
                                               ("tick", 950_000, "900785", None, [])]
    b = claim([doc([line(1, "900275", ref=ref), line(2, "900270", ref=ref), line(3, "900255", ref=ref)])],
              kind="physician_office")
    assert [m for m, *_ in lines_of(review(rules, ref, b))] == ["tick", "zero", "zero"]
    # near miss: a visit alone, perimetry alone
    b = claim([doc([line(1, "970005", ref=ref)]), doc([line(1, "900275", ref=ref)], seq=2)], kind="physician_office")
    res = review(rules, ref, b)
    assert findings(res, 1) == [] and findings(res, 2) == []
    assert "zero: self | with" in refused(tmp_path, {"id": "X", "check": "not_together", "action": "zero_line",
                                                     "params": {"codes": ["1"], "with": {"other": True},
                                                                "zero": "both"}})
    assert "`with`" in refused(tmp_path, {"id": "X", "check": "not_together", "action": "zero_line",
                                          "params": {"codes": ["1"]}})


# ---------------------------------------------------------------------------------------------------- same_day_documents


def test_same_day_documents(tmp_path, ref):
    rules = mini_pack(tmp_path, {"id": "DEN-1", "check": "same_day_documents", "level": "document",
                                 "action": "flag_review", "params": {"same": "prescriber"}})
    b = claim([doc([line(1, "T2-3", ref=ref, tooth="16")]), doc([line(1, "T2-36", ref=ref, tooth="18")], seq=2)])
    res = review(rules, ref, b)
    # both sheets of the session are raised, the first (filed before the other) too
    assert findings(res, 1) == [("DEN-1", "review", None)] and findings(res, 2) == [("DEN-1", "review", None)]
    assert res["prescriptions"][1]["approved"] == 5_500_000          # review: no amount changes
    # near miss: another dentist the same day
    other = {"council_no": "99999", "specialty": "dentist", "role": "dentist"}
    b = claim([doc([line(1, "T2-3", ref=ref, tooth="16")]), doc([line(1, "T2-36", ref=ref, tooth="18")], seq=2,
                                                                 prescriber=other)])
    res = review(rules, ref, b)
    assert findings(res, 1) == [] and findings(res, 2) == []
    assert "same:" in refused(tmp_path, {"id": "X", "check": "same_day_documents", "action": "flag_review",
                                         "params": {"same": "insured"}})


# ---------------------------------------------------------------------------------------------------- keyed_frequency


def test_keyed_frequency_per_jaw_and_year_window(tmp_path, ref):
    rules = mini_pack(tmp_path, {"id": "DEN-13", "check": "keyed_frequency", "action": "zero_line",
                                 "params": {"codes": ["T2-7", "T2-8"], "key": ["jaw"], "max": 1,
                                            "per": "rolling_year", "count": "lines", "table2": True}})
    earlier = claim([doc([line(1, "T2-8", ref=ref, jaw="upper")], served="1403/07/11")], period="1403/07", bid="H")
    now = claim([doc([line(1, "T2-8", ref=ref, jaw="upper"), line(2, "T2-8", ref=ref, jaw="lower"),
                      line(3, "T2-8", ref=ref, jaw="lower")])])
    # 1403/07/11 → 1404/07/10 is inside the year (365 days: Esfand 1403 has 30); the second lower jaw is the excess
    assert [m for m, *_ in lines_of(review(rules, ref, now, earlier))] == ["zero", "tick", "zero"]
    # exactly one year later (same day, 1403/07/10) is allowed
    earlier = claim([doc([line(1, "T2-8", ref=ref, jaw="upper")], served="1403/07/10")], period="1403/07", bid="H")
    assert lines_of(review(rules, ref, now, earlier))[0][0] == "tick"
    # a jaw-level line whose jaw is not written is not counted
    b = claim([doc([line(1, "T2-8", ref=ref), line(2, "T2-8", ref=ref)])])
    assert findings(review(rules, ref, b)) == []
    # per prescriber (MD-ADJ-3): the same physician's second visit of the day
    rules = mini_pack(tmp_path, {"id": "MD-ADJ-3", "check": "keyed_frequency", "action": "zero_line",
                                 "params": {"group": "visit", "key": ["prescriber"], "max": 1, "per": "day"}})
    gp = {"council_no": "45678", "specialty": "general_practitioner", "role": "physician"}
    gp2 = dict(gp, council_no="56789")
    b = claim([doc([line(1, "970000", ref=ref)], prescriber=gp), doc([line(1, "970000", ref=ref)], seq=2,
                                                                     prescriber=gp2),
               doc([line(1, "970000", ref=ref)], seq=3, prescriber=gp)], kind="clinic")
    res = review(rules, ref, b)
    assert [res["prescriptions"][i]["mark"] for i in range(3)] == ["tick", "tick", "zero"]
    assert "key:" in refused(tmp_path, {"id": "X", "check": "keyed_frequency", "action": "zero_line",
                                        "params": {"codes": ["1"], "max": 1, "key": ["colour"]}})
    assert "table2" in refused(tmp_path, {"id": "X", "check": "keyed_frequency", "action": "zero_line",
                                          "params": {"codes": ["1"], "max": 1, "key": ["jaw"]}})
    assert "days" in refused(tmp_path, {"id": "X", "check": "keyed_frequency", "action": "zero_line",
                                        "params": {"codes": ["1"], "max": 1, "per": "window"}})


# ---------------------------------------------------------------------------------------------------- replace_code_when


def test_bitewing_paid_as_row_3_through_replace_code_when(tmp_path, ref):
    rule = {"id": "DEN-3-N1", "check": "replace_code_when", "action": "replace_code",
            "params": {"when": {"field": "item.details.film_type", "eq": "BW"}, "paid_code": "T2-3"}}
    rules = mini_pack(tmp_path, rule, dict(rule, id="DEN-3", severity="review",
                                           params={"when": {"field": "item.details.film_type", "eq": "PA"},
                                                   "paid_code": "T2-3"}))
    b = claim([doc([line(1, "T2-4", ref=ref, film_type="BW"), line(2, "T2-5", ref=ref, film_type="PA"),
                    line(3, "T2-3", ref=ref, film_type="BW")])])
    res = review(rules, ref, b)
    # BW billed as a full series (K 80 in the sample book = 8,000,000) is paid as one film of row 3 (1,000,000)
    assert lines_of(res)[0] == ("circle", 1_000_000, "T2-3", None, ["DEN-3-N1"])
    # a review entry only proposes the code; row 3 billed as row 3 is left alone
    assert lines_of(res)[1][:3] == ("tick", 11_000_000, "T2-5") and lines_of(res)[2][:2] == ("tick", 1_000_000)
    assert ("DEN-3", "review", 2) in findings(res)
    assert "paid_code" in refused(tmp_path, {"id": "X", "check": "replace_code_when", "action": "replace_code",
                                             "params": {"when": {"field": "item.code", "eq": "1"}}})


# ---------------------------------------------------------------------------------------------------- dental_row


def test_dental_row(tmp_path, ref):
    rules = mini_pack(tmp_path, {"id": "DEN-T2", "check": "dental_row", "action": "replace_code",
                                 "params": {"table2": True}})
    b = claim([doc([line(1, "T2-36", ref=ref, tooth="17"),                 # 8 (K 55) billed for 7 (K 45)
                    line(2, "T2-35", ref=ref, tooth="18"),                 # 7 billed for 8: dearer, only raised
                    line(3, "T2-85", ref=ref, tooth="15"),                 # no row for tooth 5: DEN-11's business
                    line(4, "T2-36", ref=ref, tooth="18", table2_row=35),  # row written ≠ code
                    line(5, "T2-10", ref=ref, jaw="upper")], birth="1394/01/01")])   # over-14 row for a 10-year-old
    res = review(rules, ref, b)
    assert lines_of(res)[0] == ("circle", 4_500_000, "T2-35", None, ["DEN-T2"])
    assert findings(res) == [("DEN-T2", "adjust", 1), ("DEN-T2", "review", 2), ("DEN-T2", "review", 4),
                             ("DEN-T2", "review", 5)]
    assert [m for m, *_ in lines_of(res)[1:]] == ["tick"] * 4
    assert "table2" in refused(tmp_path, {"id": "X", "check": "dental_row", "action": "replace_code"})


# ---------------------------------------------------------------------------------------------------- dental_extractions


def test_dental_extractions_per_session_and_per_quadrant(tmp_path, ref):
    rule = {"id": "DEN-2", "check": "dental_extractions", "action": "zero_line",
            "params": {"table2": True, "max": 3, "per": "session"}}
    teeth = [("T2-36", "18"), ("T2-44", "28"), ("T2-31", "13"), ("T2-33", "15")]
    b = claim([doc([line(i + 1, c, ref=ref, tooth=t) for i, (c, t) in enumerate(teeth)])])
    res = review(mini_pack(tmp_path, rule), ref, b)
    assert [m for m, *_ in lines_of(res)] == ["tick", "tick", "zero", "tick"]      # 8, 8, 5 paid; 3 is not
    quad = dict(rule, params=dict(rule["params"], per="quadrant"))
    assert findings(review(mini_pack(tmp_path, quad), ref, b)) == []                # 3 + 1 in two quadrants
    # primary teeth: E before D before A
    b = claim([doc([line(1, "T2-61", ref=ref, tooth="51"), line(2, "T2-64", ref=ref, tooth="54"),
                    line(3, "T2-65", ref=ref, tooth="55"), line(4, "T2-62", ref=ref, tooth="52")])], )
    assert [m for m, *_ in lines_of(review(mini_pack(tmp_path, rule), ref, b))] == ["zero", "tick", "tick", "tick"]
    # one line for two teeth of one row after two paid: one is paid (quantity cut)
    b = claim([doc([line(1, "T2-36", ref=ref, tooth="18"), line(2, "T2-35", ref=ref, tooth="17"),
                    line(3, "T2-33", ref=ref, qty=2)])])
    assert lines_of(review(mini_pack(tmp_path, rule), ref, b))[2][:4] == ("circle", 4_500_000, "T2-33", 1)
    assert "max" in refused(tmp_path, {"id": "X", "check": "dental_extractions", "action": "zero_line",
                                       "params": {"table2": [{"row": 1, "service": "x"}]}})


# ---------------------------------------------------------------------------------------------------- dental_films


def test_dental_films_count_the_session_across_sheets(tmp_path, ref):
    rules = mini_pack(tmp_path,
                      {"id": "DEN-3", "check": "dental_films", "action": "cap_quantity",
                       "params": {"part": "cap", "codes": ["T2-3"], "max": 3}},
                      {"id": "DEN-3-N2", "check": "dental_films", "action": "zero_line",
                       "params": {"part": "duplicates", "codes": ["T2-3"]}})
    earlier = claim([doc([line(1, "T2-3", ref=ref, qty=2, teeth=["16", "17"])])], bid="H")
    now = claim([doc([line(1, "T2-3", ref=ref, tooth="16"), line(2, "T2-3", ref=ref, qty=2, teeth=["26", "27"])])])
    res = review(rules, ref, now, earlier)
    # tooth 16 was filmed earlier that day (repeated); 2 earlier films + 26 → the third; 27 is the fourth
    assert lines_of(res) == [("zero", 0, "T2-3", None, ["DEN-3-N2"]), ("circle", 1_000_000, "T2-3", 1, ["DEN-3"])]
    # near miss: another day
    earlier = claim([doc([line(1, "T2-3", ref=ref, qty=2, teeth=["16", "17"])], served="1404/07/09")], bid="H")
    assert findings(review(rules, ref, now, earlier)) == []
    assert "part" in refused(tmp_path, {"id": "X", "check": "dental_films", "action": "zero_line",
                                        "params": {"part": "all", "codes": ["T2-3"]}})


# ---------------------------------------------------------------------------------------------------- dental_price


def test_dental_price_specialist_and_auxiliary(tmp_path, ref):
    rules = mini_pack(tmp_path,
                      {"id": "DEN-4", "check": "dental_price", "action": "price",
                       "params": {"mode": "specialist", "factor": 1.5, "table2": True, "no_uplift_rows": [2]}},
                      {"id": "DEN-5", "check": "dental_price", "action": "price",
                       "params": {"mode": "auxiliary", "factor": 0.5, "table2": True,
                                  "sectors": ["government_university", "government_other"]}})
    ped = {"council_no": "45678", "specialty": "dentist_pediatric", "role": "dentist"}
    b = claim([doc([line(1, "T2-23", total=1_500_000, jaw="upper"),        # own specialty: 150 %
                    line(2, "T2-36", total=8_250_000, tooth="18"),         # oral surgery's row: general tariff
                    line(3, "T2-2", total=4_500_000)], prescriber=ped)])   # row 2 is the specialist's own exam
    res = review(rules, ref, b)
    assert [(m, a) for m, a, *_ in lines_of(res)] == [("tick", 1_500_000), ("circle", 5_500_000),
                                                      ("circle", 3_000_000)]
    assert findings(res) == [("GEN-15-N2", "adjust", 2), ("GEN-15-N2", "adjust", 3)]   # price results are silent
    hyg = dict(line(1, "T2-23", ref=ref, jaw="upper"), performer={"role": "oral_health_worker"})
    res = review(rules, ref, claim([doc([hyg])], sector="government_university"))
    assert lines_of(res)[0][:2] == ("circle", 500_000)
    res = review(rules, ref, claim([doc([hyg])], sector="private"))       # the price rule is for government only
    assert lines_of(res)[0][:2] == ("tick", 1_000_000)
    assert "mode" in refused(tmp_path, {"id": "X", "check": "dental_price", "action": "price",
                                        "params": {"mode": "nurse", "factor": 0.5}})


# ---------------------------------------------------------------------------------------------------- tooth rules


def test_dental_tooth_only_and_same_tooth_conflict(tmp_path, ref):
    rules = mini_pack(tmp_path,
                      {"id": "DEN-11", "check": "dental_tooth_only", "action": "zero_line",
                       "params": {"services": ["fissure_sealant"], "service_prefixes": ["restoration"],
                                  "teeth": ["16", "26", "36", "46"], "table2": True}},
                      {"id": "DEN-12", "check": "same_tooth_conflict", "action": "zero_line",
                       "params": {"first": {"services": ["fissure_sealant"]},
                                  "second": {"service_prefixes": ["restoration"]}, "table2": True}})
    uncoded = {"line": 2, "code": None, "qty": 1, "requested": {"total": 4_400_000, "insured": 1_320_000,
                                                                "org": 3_080_000},
               "details": {"service": "fissure_sealant", "tooth": "17"}}
    b = claim([doc([line(1, "T2-25", ref=ref, tooth="16"), uncoded, line(3, "T2-93", ref=ref, tooth="55")])])
    assert findings(review(rules, ref, b)) == [("DEN-11", "deny", 2), ("DEN-11", "deny", 3)]
    # the sealant was paid on an earlier sheet of the day; now the restoration of the same tooth → raised
    earlier = claim([doc([line(1, "T2-25", ref=ref, tooth="16")])], bid="H")
    now = claim([doc([line(1, "T2-81", ref=ref, tooth="16")])])
    res = review(rules, ref, now, earlier)
    assert findings(res) == [("DEN-12", "review", 1)] and lines_of(res)[0][0] == "tick"
    assert "teeth" in refused(tmp_path, {"id": "X", "check": "dental_tooth_only", "action": "zero_line",
                                         "params": {"services": ["x"], "teeth": ["6"], "table2": []}})
    assert "first" in refused(tmp_path, {"id": "X", "check": "same_tooth_conflict", "action": "zero_line",
                                         "params": {"table2": [{"row": 1, "service": "x"}]}})


# ---------------------------------------------------------------------------------------------------- the packs


def test_uncoded_lines_of_the_packs(packs, ref):
    """Clauses about a line without a national code (not expressible in tests/cases)."""
    md = RuleSet([packs["physicians"]])
    cardio = {"council_no": "45678", "specialty": "cardiology", "role": "physician"}
    blank = {"line": 2, "code": None, "description": "نوار قلب", "qty": 1,
             "requested": {"total": 200_000, "insured": 60_000, "org": 140_000}, "details": {}}
    res = review(md, ref, claim([doc([line(1, "900785", ref=ref), blank], prescriber=cardio)],
                                kind="physician_office"))
    assert lines_of(res)[1][:2] == ("zero", 0) and ("MD-ADJ-4", "deny", 2) in findings(res)
    den = RuleSet([packs["dentists"]])
    materials = {"line": 2, "code": None, "description": "هزینه مواد", "qty": 1,
                 "requested": {"total": 500_000, "insured": 150_000, "org": 350_000},
                 "details": {"service": "materials"}}
    res = review(den, ref, claim([doc([line(1, "T2-85", ref=ref, tooth="16"), materials])]))
    assert lines_of(res)[1][:2] == ("zero", 0) and findings(res) == [("DEN-9", "deny", 2)]


def test_sealant_age_window_in_months(packs, ref):
    """DEN-10: review from the day the insured is 9 years (108 months) old — 6 years to erupt + 3."""
    den = RuleSet([packs["dentists"]])
    for birth, raised in (("1395/07/11", False), ("1395/07/10", True)):
        res = review(den, ref, claim([doc([line(1, "T2-25", ref=ref, tooth="16")], birth=birth)]))
        assert (("DEN-10", "review", 1) in findings(res)) is raised, birth
