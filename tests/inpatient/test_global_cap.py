"""INP-22-8 / INP-10-H-1: an itemised global operation paid at most at the global tariff (BillReview.global_cap,
the `global_cap` step). The cases themselves are in tests/inpatient/casegen.py (INP-22-8-cap-*, INP-10-H-1-cap-*);
these check what the cases' expect blocks cannot say: the attribution, the shares, the rounding, the exits, the
additions and where the review stays."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from desktop.inpatient.bill import _spread
from tests.inpatient import casegen
from tests.inpatient.runner import review_case

BY_NAME = {c["case"]: c for c in casegen.ALL}
CASES = Path(__file__).resolve().parents[1] / "cases" / "INP"
ABOVE = "INP-22-8-cap-caesarean-above-the-tariff"


def _variant(name, **bill):
    c = copy.deepcopy(BY_NAME[name])
    b = c["inputs"]["batch"]["bills"][0]
    for k, v in bill.items():
        b[k] = v
    return c


def _bill(res):
    return res["bills"][0]


def _findings(res, rule):
    return [f for f in _bill(res)["findings"] if f["rule"] == rule]


def test_spread_in_proportion_remainder_to_the_largest():
    assert _spread(6_000_000, {"hoteling": 10, "surgeon": 20, "anesthesia": 8, "operating_room": 8}) == {
        "hoteling": 1_304_347, "surgeon": 2_608_697, "anesthesia": 1_043_478, "operating_room": 1_043_478}
    assert _spread(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}      # equal weights: the first
    assert _spread(0, {"a": 5}) == {"a": 0}


def test_excess_attributed_to_inp_22_8_and_shares_add_up():
    res = review_case(BY_NAME[ABOVE])
    b = _bill(res)
    assert b["approved"] == 90_000_000
    assert res["totals"]["by_rule"] == {"INP-22-8": 10_000_000}
    assert res["totals"]["insured_share"] + res["totals"]["org_share"] == 90_000_000
    want = {"hoteling": 36_000_000, "nursing": 2_160_000, "surgeon": 27_000_000, "anesthesia": 12_600_000,
            "operating_room": 10_800_000, "drugs": 1_440_000}
    assert {n: h["approved"] for n, h in b["headings"].items()} == want
    for h in b["headings"].values():
        assert h["mark"] == "circle" and {"INP-22-8", "INP-10-H-1"} <= set(h["rules"])
    assert b["headings"]["drugs"]["lines"][0]["approved"] == 1_440_000
    # every INP-22-8 finding is an adjustment carrying its share; INP-10-H-1 is cited beside it without Rials
    f = _findings(res, "INP-22-8")
    assert {x["severity"] for x in f} == {"adjust"} and sum(x["data"]["deducted"] for x in f) == 10_000_000
    assert {x["data"]["deducted"] for x in _findings(res, "INP-10-H-1")} == {0}
    assert b["computed"]["global_cap"]["added"] == ["39"]


def test_nursing_is_not_reduced_twice():
    """INP-7-1 scales nursing to the approved hoteling before the cap; the cap then takes its own share."""
    b = _bill(review_case(BY_NAME[ABOVE]))
    assert b["computed"]["nursing_base"] == 40_000_000
    assert b["headings"]["nursing"]["approved"] == 2_160_000


def test_rounding_remainder_goes_to_the_largest_heading():
    case = json.loads((CASES / "INP-22-8-audit2-appendectomy-itemised.json").read_text(encoding="utf-8"))
    b = _bill(review_case(case))
    assert {n: h["approved"] for n, h in b["headings"].items()} == {
        "hoteling": 8_695_653, "surgeon": 17_391_303, "anesthesia": 6_956_522, "operating_room": 6_956_522}
    assert b["approved"] == 40_000_000


def test_not_a_delivery_cites_inp_22_8_only():
    res = review_case(BY_NAME["INP-22-8-cap-appendectomy-ct-outside-the-package"])
    assert _findings(res, "INP-22-8") and not _findings(res, "INP-10-H-1")
    assert _bill(res)["headings"]["imaging"]["rules"] == []


def test_private_hospital_delivery_is_capped_without_inp_10_h_1():
    """ماده ۲۲-۲: the global tariffs apply in every contracted hospital; ۱۰-ح-۱ names government hospitals."""
    c = copy.deepcopy(BY_NAME[ABOVE])
    c["inputs"]["batch"]["batch"]["provider"]["sector"] = "private"
    res = review_case(c)
    assert _bill(res)["computed"]["global_cap"]["deducted"] > 0
    assert _findings(res, "INP-22-8") and not _findings(res, "INP-10-H-1")


def test_modifier_53_leaves_the_package_and_the_review_stays():
    c = _variant(ABOVE, procedures=[casegen.proc("502175", surgeon=casegen.OBGYN, modifiers=["53"])])
    res = review_case(c)
    b = _bill(res)
    assert "global_cap" not in b["computed"]
    assert {f["severity"] for f in _findings(res, "INP-22-8")} == {"review"}
    assert {f["severity"] for f in _findings(res, "INP-10-H-1")} == {"review"}
    assert "INP-22-8" not in res["totals"]["by_rule"]


def test_two_global_operations_leave_the_package():
    c = _variant(ABOVE, procedures=[casegen.proc("502175", surgeon=casegen.OBGYN),
                                    casegen.proc("470100", incision="different")])
    c["inputs"]["tariff_rows"].append(casegen.T_APPX)
    res = review_case(c)
    assert "global_cap" not in _bill(res)["computed"]
    assert _findings(res, "INP-22-8") and {f["severity"] for f in _findings(res, "INP-22-8")} == {"review"}


def test_full_time_surgeon_raises_the_cap_by_the_second_k():
    """ماده ۲۲-۱۱: + the package's surgeon RV (30) × K for a full-time surgeon: 90,000,000 + 30,000,000 = 120,000,000
    is above the itemised 100,000,000 — nothing deducted."""
    c = _variant(ABOVE, procedures=[casegen.proc("502175", surgeon={**casegen.OBGYN, "full_time_faculty": True})])
    b = _bill(review_case(c))
    cap = b["computed"]["global_cap"]
    assert (cap["cap"], cap["additions"], cap["deducted"]) == (120_000_000, 31_000_000, 0)
    assert "90" in cap["added"]


def test_missing_components_with_an_addition_keeps_the_review():
    """A full-time surgeon's second K needs the package's surgeon RV: with no row of the package in
    global_package_components the cap cannot be computed — a review, no amount changed."""
    c = _variant(ABOVE, procedures=[casegen.proc("502175", surgeon={**casegen.OBGYN, "full_time_faculty": True})])
    c["inputs"]["params"]["global_package_components"] = casegen.dated(
        {"appendectomy": {"surgeon_rvu": 40, "anesthesia_units": 5}})
    res = review_case(c)
    b = _bill(res)
    assert "global_cap" not in b["computed"]
    assert {f["severity"] for f in _findings(res, "INP-22-8")} == {"review"}
    assert "INP-22-8" not in res["totals"]["by_rule"]


def test_labour_analgesia_is_added_on_top():
    """INP-10-H-3: in a government hospital the anaesthesiologist's labour analgesia is added to the global total at
    the delivery's anaesthesia value (5 units × 1,000,000)."""
    c = copy.deepcopy(BY_NAME["INP-10-H-1-cap-normal-delivery-above-the-tariff"])
    b = c["inputs"]["batch"]["bills"][0]
    b["anesthesia"] = [casegen.anes(method="epidural_labour_analgesia", recovery_minutes=0)]
    cap = _bill(review_case(c))["computed"]["global_cap"]
    assert cap["added"] == ["labour_analgesia"] and cap["additions"] == 5_000_000
    assert cap["cap"] == 36_700_000


def test_limited_surgery_centre_cap_is_without_hoteling():
    """ماده ۲۲-۲: in a limited surgery centre the package's hoteling (15,000,000) comes off its tariff."""
    c = copy.deepcopy(BY_NAME["INP-22-8-cap-appendectomy-ct-outside-the-package"])
    c["inputs"]["batch"]["batch"]["provider"]["kind"] = "limited_surgery_center"
    b = _bill(review_case(c))
    cap = b["computed"]["global_cap"]
    assert cap["cap"] == 65_300_000 - 15_000_000 + 1_000_000
    inside = sum(h["approved"] for n, h in b["headings"].items() if n != "imaging")
    assert inside == min(cap["cap"], cap["itemised"])


def test_whole_bill_deny_takes_no_cap():
    c = _variant(ABOVE, accident={"kind": "traffic", "on": "1404/07/01"})
    res = review_case(c)
    assert res["totals"]["by_rule"] == {"INP-23-A-3": 100_000_000}
    assert "global_cap" not in _bill(res)["computed"]
