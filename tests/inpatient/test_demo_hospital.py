"""The demo hospital batch (resources/demo/demo-hospital.json) reviewed end to end through `rasidegi review`, on the
shipped sample reference data, with every figure computed by hand below.

Sample values used (rules/sample/params.yaml, in force on 1404/07): K professional 200,000, K technical 170,000,
K anaesthesia 260,000 (government); bed-day grade 1: general 21,000,000, ICU / NICU 63,000,000; visit RVs first day
2.0, newborn initial 2.0, day 2+ 1.5, discharge day 1.5; consultation 2.5; caesarean global package 210,000,000
(components: surgeon 45 RV); inpatient franchise 0.10. Tariff (rules/sample/tariff.csv): 602020 keratoplasty 60 RV,
anaesthesia base 5; 700245 0.8 + 2.2 RV; 800005 1 RV; 800010 0.5 RV; 801170 2.4 RV.
"""
import json
from pathlib import Path

import pytest

from desktop.cli import main as cli_main

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo-hospital.json"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.setenv("RASIDEGI_HOME", str(tmp / "home"))
    try:
        rc = cli_main(["review", str(DEMO), "--out", str(tmp / "r.json"), "--db", f"sqlite:///{tmp}/db.sqlite", "-q"])
    finally:
        mp.undo()
    assert rc == 0
    return json.loads((tmp / "r.json").read_text(encoding="utf-8"))


def bill(result, seq):
    return next(b for b in result["bills"] if b["seq"] == seq)


def heads(b):
    return {h: (e["mark"], e["requested"], e["approved"]) for h, e in b["headings"].items()}


def test_surgery_with_anaesthesia_and_assistant(result):
    b = bill(result, 1)
    assert heads(b) == {
        "hoteling": ("circle", 44_000_000, 42_000_000),        # 2 bed-days (07/07 − 07/05) × 21,000,000
        "nursing": ("circle", 2_640_000, 2_520_000),           # 6 % × 42,000,000
        "visits": ("circle", 700_000, 400_000),                # internist first day 2.0 × 200,000; surgeon's 0 (INP-8-3)
        "surgeon": ("tick", 12_000_000, 12_000_000),           # 60 RV × 200,000
        "assistant_surgeon": ("tick", 2_400_000, 2_400_000),   # 20 % × 60 = 12 RV × 200,000
        "anesthesia": ("tick", 3_900_000, 3_900_000),          # (5 + 7 + 2 + 1) × 260,000
        "operating_room": ("tick", 4_080_000, 4_080_000),      # 40 % × 60 = 24 × 170,000
        "drugs": ("circle", 1_100_000, 900_000),               # ketorolac without an order (INP-13-1)
    }
    c = b["computed"]
    # surgery 10:15-11:25 = 70 min → anaesthesia 70 + 30 = 100 min (recorded 100) → 6 × 15 + 10 → 7 units;
    # patient of 72: modifier 37 = 2; recovery: 70 min of surgery → 1 unit (45 min in recovery)
    assert c["anesthesia_units"] == {"base": 5, "time": 7, "modifiers": 2, "recovery": 1}
    assert c["bed_days"] == 2 and c["assistant_rvu"] == 12 and c["operating_room_units"] == 24
    assert c["procedures"][0]["code"] == "602020" and c["procedures"][0]["percent"] == 100
    assert (b["requested"], b["approved"]) == (70_820_000, 68_200_000)
    assert (c["insured_share"], c["org_share"]) == (6_820_000, 61_380_000)      # 10 % of 68,200,000
    assert b["headings"]["visits"]["rules"] == ["INP-8-3"]
    assert b["headings"]["drugs"]["lines"][1] == {"line": 2, "mark": "zero", "requested": 200_000, "approved": 0,
                                                   "rules": ["INP-13-1"]}


def test_icu_stay(result):
    b = bill(result, 2)
    assert heads(b) == {
        # 07/10 ICU, 07/11 ICU, 07/12 ICU (20 h; 4 h general), 07/13-14 general: 3 × 63,000,000 + 2 × 21,000,000
        "hoteling": ("tick", 231_000_000, 231_000_000),
        # 6 % × (70 % × 189,000,000 + 42,000,000) = 6 % × 174,300,000
        "nursing": ("circle", 13_860_000, 10_458_000),
        # 6 internist visits = 2.0 + 4 × 1.5 + 1.5 = 9.5 RV × 200,000; the in-house physician's visit is in the 30 %
        "visits": ("circle", 2_200_000, 1_900_000),
        "consultations": ("tick", 500_000, 500_000),           # 2.5 × 200,000
        "lab": ("circle", 900_000, 780_000),                   # 200,000 + 480,000 (ferritin 2.4 RV) + 100,000
        "imaging": ("tick", 961_200, 961_200),                 # portable at the bedside: 180 % × (160,000 + 374,000)
    }
    c = b["computed"]
    assert c["bed_days"] == 5 and c["bed_days_by_ward"] == {"icu": 3, "general": 2}
    assert c["nursing_base"] == 174_300_000 and c["visit_count_max"] == 6 and c["visit_count"] == 6
    assert b["headings"]["nursing"]["rules"] == ["INP-7-4"] and b["headings"]["visits"]["rules"] == ["INP-8-8"]
    assert (c["insured_share"], c["org_share"]) == (24_559_920, 221_039_280)    # 10 % of 245,599,200


def test_caesarean_in_a_global_package(result):
    b = bill(result, 3)
    assert heads(b) == {
        # tariff 210,000,000 + the full-time obstetrician's second K on the surgeon's 45 RV = 9,000,000 (INP-22-11)
        "global_package": ("tick", 219_000_000, 219_000_000),
        "visits": ("zero", 400_000, 0),                        # inside the package (INP-22-8)
        "lab": ("zero", 480_000, 0),                           # inside the package (INP-22-5)
    }
    c = b["computed"]
    assert c["global_package"]["tariff"] == 210_000_000 and c["global_package"]["additions"] == 9_000_000
    # the insured pays 10 % of the tariff, not of the second K (RVU-90: the insurer's alone)
    assert (c["insured_share"], c["org_share"]) == (21_000_000, 198_000_000)


def test_newborn_in_nicu(result):
    b = bill(result, 4)
    assert heads(b) == {
        "hoteling": ("tick", 252_000_000, 252_000_000),        # 4 NICU days × 63,000,000
        "nursing": ("tick", 10_584_000, 10_584_000),           # 6 % × 70 % × 252,000,000
        "visits": ("tick", 1_600_000, 1_600_000),              # 2.0 + 3 × 1.5 + 1.5 = 8 RV
        "other": ("zero", 1_500_000, 0),                       # phototherapy is in the NICU 30 % (INP-6-14-D)
    }
    assert b["computed"]["nursing_base"] == 176_400_000


def test_batch_totals(result):
    t = result["totals"]
    assert (t["requested"], t["approved"], t["deducted"]) == (805_805_200, 796_983_200, 8_822_000)
    assert t["insured_share"] + t["org_share"] == t["approved"]
    assert t["insured_share"] == 6_820_000 + 24_559_920 + 21_000_000 + 26_418_400
    assert t["by_rule"] == {"INP-7-4": 3_402_000, "INP-6-3": 2_000_000, "INP-6-14-D": 1_500_000, "INP-22-5": 480_000,
                            "INP-22-8": 400_000, "INP-8-3": 300_000, "INP-8-8": 300_000, "INP-13-1": 200_000,
                            "INP-3-A-1": 120_000, "INP-7-1": 120_000}
