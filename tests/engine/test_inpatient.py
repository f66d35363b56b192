"""The bill check kinds (desktop/engine/checks/inpatient.py): each fires on its case, stays silent on a near miss,
and refuses bad params when the pack is loaded; plus the amount stage of engine/bills.py (marks, attribution,
shares)."""
import copy

import pytest

import desktop.engine.checks  # noqa: F401  (the kinds register on import)
from desktop.engine.rules import CHECK_KINDS
from tests.inpatient import casegen
from tests.inpatient.runner import review_case

BY_NAME = {c["case"]: c for c in casegen.ALL}


def _cited(res):
    doc = res["bills"][0] if res["bills"] else res["prescriptions"][0]
    ids = {f["rule"] for f in doc["findings"] + res["findings"]}
    return ids, doc


@pytest.mark.parametrize("kind,fires,miss,rule", [
    ("bill_calc", "INP-6-3-hoteling-above-rate", "INP-6-3-hoteling-at-rate-ok", "INP-6-3"),
    ("bill_condition", "INP-8-3-surgeon-post-operative-visit", "INP-8-3-internist-visit-ok", "INP-8-3"),
    ("bill_global_includes", "INP-22-8-surgeon-fee-beside-the-package", "RVU-51-single-procedure-ok", "INP-22-8"),
    ("bill_bundled", "INP-10-B-3-cast-without-reduction", "INP-10-B-3-cast-after-reduction-ok", "INP-10-B-3"),
    ("bill_accident_window", "INP-23-A-3-traffic-accident-admission",
     "INP-23-A-3-readmission-after-three-months-ok", "INP-23-A-3"),
    ("bill_procedure_frequency", "INP-10-K-4-fourth-prp-right-eye", "INP-10-K-4-first-prp-left-eye-ok",
     "INP-10-K-4"),
    ("bill_line_repeat", "INP-19-3-nephrologist-management-twice-a-month", "INP-13-1-drug-ordered-ok", "INP-19-3"),
    ("bill_combined", "INP-10-C-1-septoplasty-and-smr-common-code", "RVU-51-three-procedures-one-incision",
     "INP-10-C-1"),
    ("bill_visit_month", "INP-8-7-fifth-psychiatry-visit-in-a-month", "INP-8-2-two-visits-one-day", "INP-8-7"),
    ("addon_alone", "RVU-PLUS-add-on-alone", "RVU-PLUS-N1-add-on-at-100-percent", "RVU-PLUS"),
])
def test_kind_fires_and_near_miss(kind, fires, miss, rule):
    assert kind in CHECK_KINDS
    got, _ = _cited(review_case(BY_NAME[fires]))
    assert rule in got
    got, _ = _cited(review_case(BY_NAME[miss]))
    assert rule not in got


def _rx_case(codes):
    c = copy.deepcopy(BY_NAME["RVU-PLUS-add-on-alone"])
    b = c["inputs"]["batch"]
    b["batch"]["provider"]["kind"] = "physiotherapy"
    b["bills"] = []
    b["prescriptions"] = [{
        "seq": 1, "insured": casegen.INSURED, "prescriber": casegen.INTERNIST, "prescribed_on": "1404/07/01",
        "served_on": "1404/07/02", "diagnosis": "کمردرد", "items": [
            {"line": i + 1, "code": code, "qty": 1, "requested": {"total": 1_000_000, "insured": 300_000,
                                                                  "org": 700_000}} for i, code in enumerate(codes)]}]
    c["inputs"]["tariff_rows"] = [casegen.row("901646", 0.5, flags="+", chapter="physiotherapy"),
                                  casegen.row("901610", 1.0, chapter="physiotherapy")]
    return c


def test_addon_alone_on_a_prescription():
    got, doc = _cited(review_case(_rx_case(["901646"])))
    assert "RVU-PLUS" in got and doc["lines"][0]["mark"] == "zero"
    got, doc = _cited(review_case(_rx_case(["901610", "901646"])))
    assert "RVU-PLUS" not in got


@pytest.mark.parametrize("kind,params,why", [
    ("bill_calc", {}, "needs `calc`"),
    ("bill_calc", {"calc": "no_such_step"}, "unknown calc step"),
    ("bill_condition", {"over": "nowhere", "when": {"field": "x", "eq": 1}}, "over:"),
    ("bill_condition", {"over": "lines", "when": {"field": "x", "eq": 1}}, "headings"),
    ("bill_condition", {"over": "bill"}, "needs `when`"),
    ("bill_condition", {"over": "bill", "heading": "kitchen", "when": {"field": "x", "eq": 1}}, "not a bill heading"),
    ("bill_global_includes", {"headings": ["global_package"]}, "headings"),
    ("bill_bundled", {"codes": ["1"]}, "with_codes"),
    ("bill_bundled", {"with_any": True}, "needs `codes`"),
    ("bill_accident_window", {}, "months"),
    ("bill_procedure_frequency", {"codes": ["602370"]}, "max"),
    ("bill_line_repeat", {"codes": ["900155"], "max": 1, "per": "week"}, "per:"),
    ("bill_visit_month", {}, "max_per_month"),
])
def test_params_refused(kind, params, why):
    with pytest.raises(ValueError, match=why.replace("`", ".").replace("(", ".")):
        CHECK_KINDS[kind].compile(params)


def test_deductions_are_attributed_and_shares_add_up():
    res = review_case(BY_NAME["RVU-51-three-procedures-one-incision"])
    b = res["bills"][0]
    assert res["totals"]["by_rule"] == {"RVU-51": 17_500_000}
    assert res["totals"]["insured_share"] + res["totals"]["org_share"] == b["approved"] == 52_500_000
    assert b["headings"]["surgeon"]["rules"] == ["RVU-51"]


def test_whole_bill_deny_zeroes_every_heading():
    res = review_case(BY_NAME["INP-23-A-3-traffic-accident-admission"])
    b = res["bills"][0]
    assert b["mark"] == "zero" and all(h["mark"] == "zero" for h in b["headings"].values())
    assert res["totals"]["by_rule"] == {"INP-23-A-3": 60_000_000}


def test_review_finding_changes_no_amount():
    res = review_case(BY_NAME["INP-6-9-isolation-without-indication"])
    h = res["bills"][0]["headings"]["hoteling"]
    assert (h["mark"], h["approved"]) == ("tick", 90_000_000) and h["rules"] == ["INP-6-9"]
    f = next(f for f in res["bills"][0]["findings"] if f["rule"] == "INP-6-9")
    assert f["severity"] == "review"


def test_heading_line_paid_as_another_code():
    res = review_case(BY_NAME["INP-15-N1-lab-admission-on-day-two"])
    line = res["bills"][0]["headings"]["lab"]["lines"][0]
    assert line == {"line": 1, "mark": "circle", "requested": 400_000, "approved": 200_000, "paid_code": "800010",
                    "rules": ["INP-15-N1"]}
