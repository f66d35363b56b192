"""The INP and RVU clause cases (tests/cases/INP, tests/cases/RVU), written from compact specs.

Every figure in an `expect` below is computed by hand from the manual and the case's own parameters (the comments
show the arithmetic); nothing is taken from the engine. Run `python -m tests.inpatient.casegen` (from the repository)
to rewrite the JSON files; tests/inpatient/test_bill_cases.py checks they are current and that every case's
`computed` figures come out.

Conventions of these cases (besides tests/cases/README.md):
- Provider G-1, a government-university hospital of accreditation grade 1 (so a teaching centre); batch of Mehr
  1404 filed 1404/08/10; one insured (born 1360/01/01), admitted 1404/07/01 10:00, discharged 1404/07/04 10:00 on
  the physician's order, three-bed general ward — 3 bed-days — unless the case is about one of these.
- K = 1,000,000 Rials per unit (professional, technical, anaesthesia; both sectors); inpatient franchise 0.10.
- Government bed-day rates, grade 1: general 20,000,000, single 30,000,000, double 25,000,000, isolation 30,000,000,
  ICU / NICU / PICU 60,000,000, CCU 50,000,000, burn 40,000,000, psychiatric 20,000,000, newborn healthy
  8,000,000, newborn sick 20,000,000; grade 3: general 16,000,000, ICU 45,000,000, psychiatric 15,000,000.
- Visit RVs: first day 2.0, day 2 onwards 1.5, discharge day 1.5, newborn initial 2.0, ER comprehensive 2.5, ER
  limited 1.2, critical care 4.0, outpatient 1.0; consultation 2.5.
- Procedure codes the manual does not give are case-local (their tariff row in the case defines them).
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE.parent / "cases"

NID = "0499370899"
REF = "golden-case sample value"


def dated(value, since="1390/01/01"):
    return {since: {"value": value, "reference": REF}}


K = 1_000_000
BED_1 = {"general": 20_000_000, "single": 30_000_000, "double": 25_000_000, "isolation": 30_000_000,
         "icu": 60_000_000, "ccu": 50_000_000, "nicu": 60_000_000, "picu": 60_000_000, "post_ccu": 30_000_000,
         "burn": 40_000_000, "psychiatric": 20_000_000, "newborn_healthy": 8_000_000, "newborn_sick": 20_000_000}
BED_3 = {"general": 16_000_000, "single": 24_000_000, "icu": 45_000_000, "psychiatric": 15_000_000,
         "newborn_healthy": 6_000_000}
PARAMS = {
    "k_professional": {"government": dated(K), "private": dated(K)},
    "k_technical": {"government": dated(K), "private": dated(K)},
    "k_anesthesia": {"government": dated(K), "private": dated(K)},
    "franchise": {"inpatient": dated(0.10), "outpatient": dated(0.30), "limited_surgery_center": dated(0.10)},
    "bed_day": {"government": dated({"1": BED_1, "3": BED_3})},
    "visit_rvu": dated({"first_day": 2.0, "day2plus": 1.5, "discharge_day": 1.5, "newborn_initial": 2.0,
                        "er_comprehensive": 2.5, "er_limited": 1.2, "critical_care": 4.0, "outpatient": 1.0}),
    "consultation_rvu": dated(2.5),
}

PROVIDER = {
    "code": "G-1", "name": "بیمارستان آزمون", "kind": "hospital", "sector": "government_university",
    "technical_director": {"council_no": "11111", "name": "مسئول فنی", "specialty": "general_surgery"},
    "contract": {"from": "1390/01/01", "to": "1409/12/29", "rural": True, "suspensions": []},
    "accreditation": {"hospital": "1"},
}
INSURED = {"national_id": NID, "name": "بیمه شده آزمون", "sex": "M", "birth_date": "1360/01/01", "fund": "iranians"}
SURGEON = {"council_no": "S-100", "name": "جراح آزمون", "specialty": "general_surgery", "role": "physician"}
SURGEON2 = {"council_no": "S-200", "name": "جراح دوم", "specialty": "orthopedics", "role": "physician"}
ANESTHETIST = {"council_no": "A-100", "name": "متخصص بیهوشی", "specialty": "anesthesiology", "role": "physician"}
INTERNIST = {"council_no": "P-100", "name": "متخصص داخلی", "specialty": "internal_medicine", "role": "physician"}

BILL = {
    "seq": 1, "insured": INSURED,
    "admission_order": {"prescriber": INTERNIST, "diagnosis": "بیماری آزمون", "on": "1404/07/01", "sheet": "second"},
    "admitted_at": "1404/07/01 10:00", "discharged_at": "1404/07/04 10:00", "discharge": "physician_order",
    "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
    "headings": {},
}

ALL: list[dict] = []


def merge(base, over):
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not k.startswith("="):
            out[k] = merge(out[k], v)
        else:
            out[k.lstrip("=")] = copy.deepcopy(v)
    return out


def row(code, prof, tech=None, base=None, flags=None, chapter=None, desc=None):
    return {"code": code, "description_fa": desc, "rvu_total": (prof + tech) if tech is not None else None,
            "rvu_professional": prof, "rvu_technical": tech, "anesthesia_base": base, "flags": flags,
            "chapter": chapter}


def H(**kw):
    """headings: name=amount or name=(amount, [lines])"""
    out = {}
    for k, v in kw.items():
        if isinstance(v, tuple):
            out[k] = {"requested": v[0], "lines": v[1]}
        else:
            out[k] = {"requested": v}
    return out


def proc(code, **kw):
    p = {"code": code, "on": "1404/07/02", "session": 1, "incision": "same", "surgeon": SURGEON,
         "place": "operating_room"}
    p.update(kw)
    return p


def anes(**kw):
    a = {"session": 1, "start": "1404/07/02 09:45", "end": "1404/07/02 11:15", "surgery_start": "1404/07/02 10:00",
         "surgery_end": "1404/07/02 11:00", "method": "general", "asa": 1, "modifiers": [], "recovery_minutes": 40,
         "to_icu": False, "anesthesiologist": ANESTHETIST}
    a.update(kw)
    return a


def case(cid, rule, story, *, bill=None, provider=None, tariff=(), params=None, history=(), expect, batch=None,
         more_bills=(), first_bills=()):
    prov = merge(PROVIDER, provider)
    b = merge(BILL, bill)
    hdr = merge({"id": f"G/{cid}", "period": "1404/07", "fund": "iranians", "submitted_on": "1404/08/10",
                 "provider": prov}, batch)
    e = {"rules": [], "mark": None, "line": None, "paid_code": None, "paid_qty": None}
    e.update(expect)
    if not e["rules"]:
        e.setdefault("absent_rules", [rule])
    if e["mark"] is None and e.get("action") is None:
        e["action"] = "flag_review"
    c = {"case": cid, "rule": rule, "story": story,
         "inputs": {"history": list(history),
                    "batch": {"format": "claim-batch/1", "batch": hdr, "prescriptions": [],
                              "bills": [merge(BILL, m) for m in first_bills] + [b]
                              + [merge(BILL, m) for m in more_bills]},
                    "tariff_rows": list(tariff), "params": merge(PARAMS, params)},
         "expect": e}
    ALL.append(c)
    return c


def history_bill(cid, period, bill, provider=None):
    prov = merge(PROVIDER, provider)
    return {"format": "claim-batch/1",
            "batch": {"id": f"G/{cid}/history/{period}", "period": period, "fund": "iranians",
                      "submitted_on": "1404/08/10", "provider": prov},
            "prescriptions": [], "bills": [merge(BILL, bill)]}


GENERAL3 = [{"ward": "general", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}]

# ======================================================================================================= hoteling

case("INP-6-3-hoteling-above-rate", "INP-6-3",
     "3 bed-days in a three-bed room billed at 22,000,000 a day: 3 × 20,000,000 = 60,000,000",
     bill={"headings": H(hoteling=66_000_000)},
     expect={"rules": ["INP-6-3"], "mark": "circle", "heading": "hoteling", "approved_rial": 60_000_000,
             "computed": {"bed_days": 3, "bed_days_by_ward": {"general": 3}}})
case("INP-6-3-hoteling-at-rate-ok", "INP-6-3", "3 bed-days × 20,000,000 billed exactly",
     bill={"headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 60_000_000, "computed": {"bed_days": 3}})
case("INP-6-2-discharge-order-date", "INP-6-2",
     "The physician ordered the discharge on 07/03, the patient left on 07/04: bed-days 07/03 − 07/01 = 2 → "
     "40,000,000 (60,000,000 billed)",
     bill={"discharge_order_on": "1404/07/03", "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-6-2"], "mark": "circle", "heading": "hoteling", "approved_rial": 40_000_000,
             "computed": {"bed_days": 2}})
case("INP-6-2-discharge-order-same-day-ok", "INP-6-2", "Discharge ordered and done on 07/04: 3 bed-days",
     bill={"discharge_order_on": "1404/07/04", "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "computed": {"bed_days": 3}})
case("INP-6-5-exactly-six-hours", "INP-6-5",
     "08:00 → 14:00 the same day: exactly 6 hours is not more than 6 hours — no bed-day",
     bill={"admitted_at": "1404/07/01 08:00", "discharged_at": "1404/07/01 14:00",
           "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 08:00", "to": "1404/07/01 14:00"}],
           "headings": H(hoteling=20_000_000)},
     expect={"rules": ["INP-6-5"], "mark": "zero", "heading": "hoteling", "approved_rial": 0,
             "computed": {"bed_days": 0}})
case("INP-6-5-six-hours-one-minute-ok", "INP-6-5",
     "08:00 → 14:01 the same day: more than 6 hours — one bed-day (INP-6-1), 20,000,000",
     bill={"admitted_at": "1404/07/01 08:00", "discharged_at": "1404/07/01 14:01",
           "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 08:00", "to": "1404/07/01 14:01"}],
           "headings": H(hoteling=20_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 20_000_000, "computed": {"bed_days": 1}})
case("INP-6-1-N1-limited-surgery-centre", "INP-6-1-N1", "A limited surgery centre bills one bed-day: not payable",
     provider={"kind": "limited_surgery_center"},
     bill={"discharged_at": "1404/07/02 10:00",
           "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/02 10:00"}],
           "headings": H(hoteling=20_000_000)},
     expect={"rules": ["INP-6-1-N1"], "mark": "zero", "heading": "hoteling", "approved_rial": 0})
case("INP-6-1-N1-hospital-ok", "INP-6-1-N1", "The same day billed by a hospital: one bed-day paid",
     bill={"discharged_at": "1404/07/02 10:00",
           "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/02 10:00"}],
           "headings": H(hoteling=20_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 20_000_000})
case("INP-6-7-single-room-paid-as-three-bed", "INP-6-7",
     "Single room chosen by the patient, 3 days billed at 30,000,000: the insurer pays the three-bed rate, 60,000,000",
     bill={"stays": [{"ward": "single", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=90_000_000)},
     expect={"rules": ["INP-6-7"], "mark": "circle", "heading": "hoteling", "approved_rial": 60_000_000})
case("INP-6-7-vip-general-rate-billed-ok", "INP-6-7", "VIP room billed at the three-bed rate: nothing to deduct",
     bill={"stays": [{"ward": "general", "beds": 1, "vip": True, "from": "1404/07/01 10:00",
                      "to": "1404/07/04 10:00"}], "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 60_000_000})
case("INP-6-8-icu-four-hours-paid-as-general", "INP-6-8",
     "ICU 07/01 10:00 → 07/02 04:00, then general: 07/01 ICU (14 h), 07/02 only 4 h in ICU → general, 07/03 general: "
     "60 + 20 + 20 = 100,000,000 (billed two ICU days, 140,000,000)",
     bill={"stays": [{"ward": "icu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/02 04:00"},
                     {"ward": "general", "beds": 3, "from": "1404/07/02 04:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=140_000_000)},
     expect={"rules": ["INP-6-8"], "mark": "circle", "heading": "hoteling", "approved_rial": 100_000_000,
             "computed": {"bed_days": 3, "bed_days_by_ward": {"icu": 1, "general": 2}}})
case("INP-6-8-icu-six-hours-one-minute-ok", "INP-6-8",
     "ICU until 07/02 06:01: 6 h 01 in ICU that day — the dearer bed is paid: 60 + 60 + 20 = 140,000,000",
     bill={"stays": [{"ward": "icu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/02 06:01"},
                     {"ward": "general", "beds": 3, "from": "1404/07/02 06:01", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=140_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 140_000_000,
             "computed": {"bed_days_by_ward": {"icu": 2, "general": 1}}})
case("INP-6-9-isolation-without-indication", "INP-6-9",
     "Isolation room billed at the single-room rate with no indication recorded: the reviewer decides",
     bill={"stays": [{"ward": "isolation", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00",
                      "isolation_indication": None, "physician_request": True}],
           "headings": H(hoteling=90_000_000)},
     expect={"rules": ["INP-6-9"], "mark": None, "heading": "hoteling", "action": "flag_review"})
case("INP-6-9-isolation-with-indication-ok", "INP-6-9",
     "Isolation for an infectious disease on the physician's request: single-room rate, 3 × 30,000,000",
     bill={"stays": [{"ward": "isolation", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00",
                      "isolation_indication": "infectious_disease", "physician_request": True}],
           "headings": H(hoteling=90_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 90_000_000})
case("INP-6-11-leave-day", "INP-6-11", "One day of temporary leave: 3 − 1 = 2 bed-days, 40,000,000",
     bill={"leave_days": 1, "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-6-11"], "mark": "circle", "heading": "hoteling", "approved_rial": 40_000_000,
             "computed": {"bed_days": 2}})
case("INP-6-12-psychiatric-day-57-onwards", "INP-6-12",
     "Psychiatric ward 1404/01/01 → 1404/02/30: 60 days; days 57-60 at the grade-3 psychiatric rate: "
     "56 × 20,000,000 + 4 × 15,000,000 = 1,180,000,000 (billed 1,200,000,000)",
     batch={"period": "1404/02", "submitted_on": "1404/03/10"},
     bill={"admitted_at": "1404/01/01 10:00", "discharged_at": "1404/02/30 10:00",
           "stays": [{"ward": "psychiatric", "beds": 3, "from": "1404/01/01 10:00", "to": "1404/02/30 10:00"}],
           "headings": H(hoteling=1_200_000_000)},
     expect={"rules": ["INP-6-12"], "mark": "circle", "heading": "hoteling", "approved_rial": 1_180_000_000,
             "computed": {"bed_days": 60}})
case("INP-6-12-psychiatric-eight-weeks-ok", "INP-6-12",
     "Psychiatric ward 1404/01/01 → 1404/02/26: 56 days = 8 weeks, all acute: 1,120,000,000",
     batch={"period": "1404/02", "submitted_on": "1404/03/10"},
     bill={"admitted_at": "1404/01/01 10:00", "discharged_at": "1404/02/26 10:00",
           "stays": [{"ward": "psychiatric", "beds": 3, "from": "1404/01/01 10:00", "to": "1404/02/26 10:00"}],
           "headings": H(hoteling=1_120_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 1_120_000_000, "computed": {"bed_days": 56}})
case("INP-6-13-companion-stay", "INP-6-13", "A companion's two nights billed under other services",
     bill={"headings": H(other=(4_000_000, [{"name": "اقامت همراه", "service": "companion_stay", "nights": 2,
                                              "qty": 2, "unit_price": 2_000_000, "requested": 4_000_000}]))},
     expect={"rules": ["INP-6-13"], "mark": "zero", "heading": "other", "heading_line": 0, "approved_rial": 0})
case("INP-6-13-phototherapy-ok", "INP-6-13", "Another service line (no code, no companion): left as requested",
     bill={"headings": H(other=(4_000_000, [{"name": "خدمت آزمون", "service": "phototherapy", "qty": 1,
                                              "requested": 4_000_000}]))},
     expect={"mark": "tick", "heading": "other", "heading_line": 0, "approved_rial": 4_000_000})
case("INP-6-14-A-newborn-after-caesarean", "INP-6-14-A",
     "Caesarean; the healthy newborn stays 3 days with the mother: at most 2 — 60,000,000 + 2 × 8,000,000 = "
     "76,000,000 (billed 84,000,000)",
     bill={"delivery": "caesarean", "insured": {"sex": "F"},
           "stays": GENERAL3 + [{"ward": "newborn_healthy", "beds": 1, "patient": "newborn",
                                 "from": "1404/07/01 12:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=84_000_000)},
     expect={"rules": ["INP-6-14-A"], "mark": "circle", "heading": "hoteling", "approved_rial": 76_000_000,
             "computed": {"bed_days": 3, "newborn_bed_days": {"newborn_healthy": 2}}})
case("INP-6-14-A-newborn-one-day-normal-ok", "INP-6-14-A",
     "Normal delivery; the newborn stays one day: 60,000,000 + 8,000,000",
     bill={"delivery": "normal", "insured": {"sex": "F"},
           "stays": GENERAL3 + [{"ward": "newborn_healthy", "beds": 1, "patient": "newborn",
                                 "from": "1404/07/01 12:00", "to": "1404/07/02 12:00"}],
           "headings": H(hoteling=68_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 68_000_000})
case("INP-6-14-B-mother-illness-no-approval", "INP-6-14-B",
     "The newborn kept because of the mother's illness without the supervising expert's approval",
     bill={"delivery": "normal", "insured": {"sex": "F"}, "mother_illness": "پره اکلامپسی", "approval": None,
           "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-6-14-B"], "mark": None, "heading": "hoteling", "action": "flag_review"})
case("INP-6-14-B-approved-by-supervisor-ok", "INP-6-14-B", "The same with the supervisor's approval",
     bill={"delivery": "normal", "insured": {"sex": "F"}, "mother_illness": "پره اکلامپسی",
           "approval": {"by": "کارشناس ناظر", "on": "1404/07/02", "kind": "supervisor", "ref": "55"},
           "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "heading": "hoteling"})
case("INP-6-14-C-sick-newborn-bed-at-40-days", "INP-6-14-C",
     "A 40-day-old infant billed on the sick-newborn (level 2) bed: the newborn rate is up to 28 days",
     bill={"insured": {"birth_date": "1404/05/22"},
           "stays": [{"ward": "newborn_sick", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-6-14-C"], "mark": None, "heading": "hoteling", "action": "flag_review"})
case("INP-6-14-C-newborn-20-days-ok", "INP-6-14-C", "A 20-day-old newborn on the sick-newborn bed",
     bill={"insured": {"birth_date": "1404/06/12"},
           "stays": [{"ward": "newborn_sick", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 60_000_000})
case("INP-6-14-D-phototherapy-in-nicu", "INP-6-14-D",
     "Phototherapy billed apart for a newborn in NICU: inside the 30 % global part of the NICU bed-day",
     bill={"insured": {"birth_date": "1404/06/28"},
           "stays": [{"ward": "nicu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(other=(3_000_000, [{"name": "فتوتراپی", "service": "phototherapy", "on": "1404/07/02",
                                              "qty": 1, "requested": 3_000_000}]))},
     expect={"rules": ["INP-6-14-D"], "mark": "zero", "heading": "other", "heading_line": 0, "approved_rial": 0})
case("INP-6-14-D-chest-tube-in-nicu-ok", "INP-6-14-D", "A chest tube in NICU is billed apart (the note's list)",
     bill={"insured": {"birth_date": "1404/06/28"},
           "stays": [{"ward": "nicu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(other=(3_000_000, [{"name": "chest tube", "service": "chest_tube", "on": "1404/07/02",
                                              "qty": 1, "requested": 3_000_000}]))},
     expect={"mark": "tick", "heading": "other", "heading_line": 0})
case("INP-6-15-icu-without-in-house-physician", "INP-6-15",
     "8-bed ICU without an in-house physician: 70 % of 3 × 60,000,000 = 126,000,000",
     provider={"icu": {"beds": 8, "in_house_physician": False}},
     bill={"stays": [{"ward": "icu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=180_000_000)},
     expect={"rules": ["INP-6-15"], "mark": "circle", "heading": "hoteling", "approved_rial": 126_000_000})
case("INP-6-15-icu-four-beds-ok", "INP-6-15", "4-bed ICU without an in-house physician: 100 % paid",
     provider={"icu": {"beds": 4, "in_house_physician": False}},
     bill={"stays": [{"ward": "icu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=180_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 180_000_000})
case("INP-6-15-N1-icu-thirty-percent-not-doubled", "INP-6-15-N1",
     "Full-time faculty bill: the hospital added 2K to the 30 % of 3 ICU days (54,000,000); 180,000,000 is paid",
     bill={"full_time_faculty": True,
           "stays": [{"ward": "icu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=234_000_000)},
     expect={"rules": ["INP-6-15-N1"], "mark": "circle", "heading": "hoteling", "approved_rial": 180_000_000})
case("INP-6-16-observation-eight-hours-no-file", "INP-6-16",
     "8 hours under observation in the emergency department, no disposition and no inpatient file: no bed-day",
     bill={"admitted_at": "1404/07/01 08:00", "discharged_at": "1404/07/01 16:00", "inpatient_file": False,
           "stays": [{"ward": "emergency_observation", "from": "1404/07/01 08:00", "to": "1404/07/01 16:00"}],
           "headings": H(hoteling=20_000_000)},
     expect={"rules": ["INP-6-16"], "mark": "zero", "heading": "hoteling", "approved_rial": 0,
             "computed": {"bill_class": "inpatient", "franchise": 0.1}})
case("INP-6-16-observation-with-file-ok", "INP-6-16",
     "8 hours under observation, admitted (inpatient file opened): one bed-day at the ordinary rate",
     bill={"admitted_at": "1404/07/01 08:00", "discharged_at": "1404/07/01 16:00", "inpatient_file": True,
           "stays": [{"ward": "emergency_observation", "from": "1404/07/01 08:00", "to": "1404/07/01 16:00"}],
           "headings": H(hoteling=20_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 20_000_000})
case("INP-6-6-stroke-unit-without-tariff", "INP-6-6",
     "Stroke unit (no rate in the Cabinet table) billed at 30,000,000 a day: ordinary bed-day, 60,000,000",
     bill={"stays": [{"ward": "stroke_unit", "beds": 2, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=90_000_000)},
     expect={"rules": ["INP-6-6"], "mark": "circle", "heading": "hoteling", "approved_rial": 60_000_000})
case("INP-6-4-no-accreditation-certificate", "INP-6-4",
     "No valid accreditation certificate (grade null): the bed-day rate is the reviewer's (resolution 60)",
     provider={"accreditation": {"hospital": None}},
     bill={"headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-6-4"], "mark": None, "heading": "hoteling", "action": "flag_review"})
case("INP-6-4-N3-new-hospital-first-year", "INP-6-4-N3",
     "Hospital opened 1404/01/01 without a certificate yet: grade 1 in its first year — 3 × 20,000,000",
     provider={"accreditation": {"hospital": None}, "opened_on": "1404/01/01"},
     bill={"headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 60_000_000, "absent_rules": ["INP-6-4-N3", "INP-6-4"]})
case("INP-6-4-N2-icu-graded-apart", "INP-6-4-N2",
     "Grade-1 hospital whose ICU is graded 3: 3 ICU days at the grade-3 ICU rate, 3 × 45,000,000 = 135,000,000",
     provider={"accreditation": {"hospital": "1", "wards": {"icu": "3"}}},
     bill={"stays": [{"ward": "icu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=180_000_000)},
     expect={"rules": ["INP-6-3"], "mark": "circle", "heading": "hoteling", "approved_rial": 135_000_000})
case("INP-6-10-burn-rate-only-in-burn-ward", "INP-6-10",
     "Burn ward until 07/03 00:00, then plastic surgery, all 3 days billed at the burn rate: 07/03 is an ordinary "
     "bed — 2 × 40,000,000 + 20,000,000",
     bill={"stays": [{"ward": "burn", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/03 00:00"},
                     {"ward": "general", "beds": 3, "from": "1404/07/03 00:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=120_000_000)},
     expect={"rules": ["INP-6-3"], "mark": "circle", "heading": "hoteling", "approved_rial": 100_000_000,
             "computed": {"bed_days_by_ward": {"burn": 2, "general": 1}}})
case("INP-6-17-monitored-in-general-ward", "INP-6-17",
     "Monitored in the general ward on the physician's order: 3 × (20,000,000 + 900770 at 2 RV = 2,000,000) = "
     "66,000,000",
     tariff=[row("900770", 1.2, 0.8, chapter="other")],
     bill={"stays": [{"ward": "general", "beds": 3, "monitoring": True, "from": "1404/07/01 10:00",
                      "to": "1404/07/04 10:00"}], "headings": H(hoteling=66_000_000)},
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 66_000_000})
case("INP-5-B-N1-emergency-ward-not-approved", "INP-5-B-N1",
     "Emergency ward billed as a ward while the Ministry licence does not approve one",
     provider={"approved_wards": ["general", "icu"]},
     bill={"stays": [{"ward": "emergency_ward", "beds": 6, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}],
           "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-5-B-N1"], "mark": None, "heading": "hoteling", "action": "flag_review"})

# ======================================================================================================= nursing

case("INP-7-1-nursing-above-six-percent", "INP-7-1",
     "Nursing billed 4,000,000 on 60,000,000 of hoteling: 6 % = 3,600,000",
     bill={"headings": H(hoteling=60_000_000, nursing=4_000_000)},
     expect={"rules": ["INP-7-1"], "mark": "circle", "heading": "nursing", "approved_rial": 3_600_000,
             "computed": {"nursing_base": 60_000_000}})
case("INP-7-1-nursing-six-percent-ok", "INP-7-1", "Nursing 6 % of 60,000,000 = 3,600,000 billed",
     bill={"headings": H(hoteling=60_000_000, nursing=3_600_000)},
     expect={"mark": "tick", "heading": "nursing", "approved_rial": 3_600_000})
case("INP-7-1-nursing-follows-reduced-hoteling", "INP-7-1",
     "Leave day: hoteling 40,000,000 approved; nursing 6 % of it = 2,400,000 (billed 3,600,000)",
     bill={"leave_days": 1, "headings": H(hoteling=60_000_000, nursing=3_600_000)},
     expect={"rules": ["INP-7-1"], "mark": "circle", "heading": "nursing", "approved_rial": 2_400_000})
case("INP-7-4-icu-nursing-billed-right-ok", "INP-7-4",
     "ICU 2 days + general 2 days, nursing billed on 70 % of the ICU tariff: 6 % × 124,000,000 = 7,440,000",
     bill={"admitted_at": "1404/07/01 08:00", "discharged_at": "1404/07/05 09:00",
           "stays": [{"ward": "icu", "beds": 1, "from": "1404/07/01 08:00", "to": "1404/07/03 04:00"},
                     {"ward": "general", "beds": 3, "from": "1404/07/03 04:00", "to": "1404/07/05 09:00"}],
           "headings": H(hoteling=160_000_000, nursing=7_440_000)},
     expect={"mark": "tick", "heading": "nursing", "approved_rial": 7_440_000,
             "computed": {"nursing_base": 124_000_000}})
case("INP-7-5-newborn-nursing-after-caesarean", "INP-7-5",
     "Caesarean: nursing is not due on the healthy-newborn bed — 6 % × 60,000,000 = 3,600,000 "
     "(billed 6 % × 76,000,000 = 4,560,000)",
     bill={"delivery": "caesarean", "insured": {"sex": "F"},
           "stays": GENERAL3 + [{"ward": "newborn_healthy", "beds": 1, "patient": "newborn",
                                 "from": "1404/07/01 12:00", "to": "1404/07/03 12:00"}],
           "headings": H(hoteling=76_000_000, nursing=4_560_000)},
     expect={"rules": ["INP-7-5"], "mark": "circle", "heading": "nursing", "approved_rial": 3_600_000})
case("INP-7-5-newborn-nursing-after-normal-delivery-ok", "INP-7-5",
     "Normal delivery: nursing also on the healthy-newborn bed — 6 % × (60,000,000 + 8,000,000) = 4,080,000",
     bill={"delivery": "normal", "insured": {"sex": "F"},
           "stays": GENERAL3 + [{"ward": "newborn_healthy", "beds": 1, "patient": "newborn",
                                 "from": "1404/07/01 12:00", "to": "1404/07/02 12:00"}],
           "headings": H(hoteling=68_000_000, nursing=4_080_000)},
     expect={"mark": "tick", "heading": "nursing", "approved_rial": 4_080_000})
case("INP-7-2-syringes-on-the-ward-list", "INP-7-2", "Syringes billed apart from the ward list: inside the 6 %",
     bill={"headings": H(hoteling=60_000_000, supplies=(500_000, [
         {"name": "سرنگ ۵ سی سی", "category": "syringe", "list": "ward", "qty": 10, "unit_price": 50_000,
          "ordered": True}]))},
     expect={"rules": ["INP-7-2"], "mark": "zero", "heading": "supplies", "heading_line": 0, "approved_rial": 0})
case("INP-7-2-syringes-operating-room-ok", "INP-7-2",
     "Syringes on the operating-room list are billable (INP-7-3)",
     bill={"headings": H(hoteling=60_000_000, supplies=(500_000, [
         {"name": "سرنگ ۵ سی سی", "category": "syringe", "list": "operating_room", "qty": 10, "unit_price": 50_000,
          "ordered": True}]))},
     expect={"mark": "tick", "heading": "supplies", "heading_line": 0, "approved_rial": 500_000})
case("INP-7-3-shoe-covers-in-operating-room", "INP-7-3", "Shoe covers on the operating-room list: never billable",
     bill={"headings": H(supplies=(200_000, [
         {"name": "کاور کفش", "category": "shoe_cover", "list": "operating_room", "qty": 4, "unit_price": 50_000,
          "ordered": True}]))},
     expect={"rules": ["INP-7-3"], "mark": "zero", "heading": "supplies", "heading_line": 0, "approved_rial": 0})

# ======================================================================================================= visits

def visit(on, kind, who=INTERNIST, **kw):
    v = {"on": on, "kind": kind, "prescriber": who}
    v.update(kw)
    return v


V4 = [visit("1404/07/01", "first_day"), visit("1404/07/02", "day2plus"), visit("1404/07/03", "day2plus"),
      visit("1404/07/04", "discharge_day", at="1404/07/04 09:00")]

case("INP-8-12-N1-personal-consent-visit-after-discharge", "INP-8-12-N1",
     "Left on personal consent 07/04 10:00; the discharge-date visit is recorded at 11:00 (after): 3 visits paid, "
     "2 + 1.5 + 1.5 = 5.0 RV = 5,000,000 (billed 6,500,000)",
     bill={"discharge": "personal_consent",
           "visits": V4[:3] + [visit("1404/07/04", "discharge_day", at="1404/07/04 11:00")],
           "headings": H(visits=6_500_000)},
     expect={"rules": ["INP-8-12-N1"], "mark": "circle", "heading": "visits", "approved_rial": 5_000_000,
             "computed": {"visit_count_max": 3, "visit_count": 3}})
case("INP-8-12-N1-physician-order-four-visits-ok", "INP-8-12-N1",
     "Discharged on the physician's order: 3 bed-days + the discharge-day visit = 4 visits, 6,500,000",
     bill={"visits": V4, "headings": H(visits=6_500_000)},
     expect={"mark": "tick", "heading": "visits", "approved_rial": 6_500_000, "computed": {"visit_count_max": 4}})
case("INP-8-2-two-visits-one-day", "INP-8-2",
     "The internist billed two visits on 07/02: one visit fee a day — 6,500,000 of 8,000,000",
     bill={"visits": V4[:2] + [visit("1404/07/02", "day2plus")] + V4[2:], "headings": H(visits=8_000_000)},
     expect={"rules": ["INP-8-2"], "mark": "circle", "heading": "visits", "approved_rial": 6_500_000})
case("INP-8-1-visit-above-book-value", "INP-8-1",
     "Four visits billed at 2,000,000 each: the book values give 6,500,000",
     bill={"visits": V4, "headings": H(visits=8_000_000)},
     expect={"rules": ["INP-8-1"], "mark": "circle", "heading": "visits", "approved_rial": 6_500_000})
case("INP-8-3-surgeon-post-operative-visit", "INP-8-3",
     "The operating surgeon bills his post-operative visit on 07/03: part of the surgical fee",
     tariff=[row("300100", 40, base=5)],
     bill={"procedures": [proc("300100")],
           "visits": [visit("1404/07/01", "first_day"), visit("1404/07/03", "day2plus", SURGEON)],
           "headings": H(visits=3_500_000)},
     expect={"rules": ["INP-8-3"], "mark": "circle", "heading": "visits", "approved_rial": 2_000_000})
case("INP-8-3-internist-visit-ok", "INP-8-3", "The internist's visits after the operation are payable",
     tariff=[row("300100", 40, base=5)],
     bill={"procedures": [proc("300100")],
           "visits": [visit("1404/07/01", "first_day"), visit("1404/07/03", "day2plus")],
           "headings": H(visits=3_500_000)},
     expect={"mark": "tick", "heading": "visits", "approved_rial": 3_500_000})
case("INP-8-4-pre-med-visit", "INP-8-4", "The anaesthesiologist's pre-med visit billed as a visit",
     tariff=[row("300100", 40, base=5)],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()],
           "visits": [visit("1404/07/01", "first_day"), visit("1404/07/01", "pre_med", ANESTHETIST)],
           "headings": H(visits=3_500_000)},
     expect={"rules": ["INP-8-4"], "mark": "circle", "heading": "visits", "approved_rial": 2_000_000})
ICU3 = [{"ward": "icu", "beds": 1, "from": "1404/07/01 10:00", "to": "1404/07/04 10:00"}]
INHOUSE = {"council_no": "M-100", "name": "پزشک مقیم", "specialty": "anesthesiology", "role": "in_house_physician"}
case("INP-8-8-in-house-physician-visit-in-icu", "INP-8-8",
     "The ICU's in-house physician bills a daily visit: inside the 30 % of the bed-day",
     bill={"stays": ICU3, "visits": [visit("1404/07/01", "first_day"), visit("1404/07/02", "day2plus", INHOUSE)],
           "headings": H(visits=3_500_000)},
     expect={"rules": ["INP-8-8"], "mark": "circle", "heading": "visits", "approved_rial": 2_000_000})
case("INP-8-8-critical-care-fellow-treating-ok", "INP-8-8",
     "An ICU (critical-care) subspecialist who is the treating physician bills the visit (INP-8-10 note)",
     bill={"stays": ICU3, "visits": [visit("1404/07/01", "first_day"),
                                     visit("1404/07/02", "day2plus", {**INHOUSE, "specialty": "critical_care"})],
           "headings": H(visits=3_500_000)},
     expect={"mark": "tick", "heading": "visits", "approved_rial": 3_500_000})
MANAGER = {"council_no": "T-100", "name": "مسئول فنی ICU", "specialty": "anesthesiology", "role": "physician"}
case("INP-8-9-technical-manager-visit-thirty-not-deducted", "INP-8-9",
     "ICU technical manager bills a daily visit while the ICU has an in-house physician (the 30 % is paid)",
     provider={"icu": {"beds": 8, "in_house_physician": True, "technical_manager": "T-100"}},
     bill={"stays": ICU3, "visits": [visit("1404/07/01", "first_day"), visit("1404/07/02", "day2plus", MANAGER)],
           "headings": H(visits=3_500_000)},
     expect={"rules": ["INP-8-9"], "mark": "circle", "heading": "visits", "approved_rial": 2_000_000})
case("INP-8-9-technical-manager-thirty-deducted-ok", "INP-8-9",
     "No in-house physician in an 8-bed ICU (30 % deducted): one daily visit of the technical manager is paid",
     provider={"icu": {"beds": 8, "in_house_physician": False, "technical_manager": "T-100"}},
     bill={"stays": ICU3, "visits": [visit("1404/07/01", "first_day"), visit("1404/07/02", "day2plus", MANAGER)],
           "headings": H(visits=3_500_000)},
     expect={"mark": "tick", "heading": "visits", "approved_rial": 3_500_000})
case("INP-8-11-admitted-only-for-angiography", "INP-8-11", "Admitted only for an angiography: no visit is payable",
     bill={"admission_order": {"purpose": "angiography"}, "visits": V4[:2], "headings": H(visits=3_500_000)},
     expect={"rules": ["INP-8-11"], "mark": "zero", "heading": "visits", "approved_rial": 0})
RESIDENT2 = {"council_no": "R-200", "name": "دستیار", "specialty": "internal_medicine", "role": "resident",
             "resident_year": 2}
case("INP-8-11-N1-second-year-resident-visit", "INP-8-11-N1",
     "A second-year resident's visit in a university hospital: not payable",
     bill={"visits": [visit("1404/07/01", "first_day"), visit("1404/07/02", "day2plus", RESIDENT2)],
           "headings": H(visits=3_500_000)},
     expect={"rules": ["INP-8-11-N1"], "mark": "circle", "heading": "visits", "approved_rial": 2_000_000})
case("INP-8-11-N1-third-year-resident-ok", "INP-8-11-N1", "A third-year resident's visit is payable",
     bill={"visits": [visit("1404/07/01", "first_day"),
                      visit("1404/07/02", "day2plus", {**RESIDENT2, "resident_year": 3})],
           "headings": H(visits=3_500_000)},
     expect={"mark": "tick", "heading": "visits", "approved_rial": 3_500_000})
case("INP-8-11-N2-admitted-for-colonoscopy", "INP-8-11-N2", "Admitted only for a colonoscopy: no inpatient visit",
     bill={"admission_order": {"purpose": "colonoscopy"}, "visits": V4[:1], "headings": H(visits=2_000_000)},
     expect={"rules": ["INP-8-11-N2"], "mark": "zero", "heading": "visits", "approved_rial": 0})
case("INP-8-12-triage-5-limited-visit", "INP-8-12",
     "An emergency visit billed as limited (1.2 RV) for a triage-5 patient: paid as an outpatient visit (1.0 RV)",
     bill={"visits": [visit("1404/07/01", "er_limited", {**INTERNIST, "specialty": "emergency_medicine"},
                            triage="5")], "headings": H(visits=1_200_000)},
     expect={"rules": ["INP-8-12"], "mark": "circle", "heading": "visits", "approved_rial": 1_000_000})
PSY = {"council_no": "Y-100", "name": "روانپزشک", "specialty": "psychiatry", "role": "physician"}
case("INP-8-7-fifth-psychiatry-visit-in-a-month", "INP-8-7",
     "Chronic psychiatric inpatient: 5 psychiatry visits in Mehr — the 5th is not payable",
     bill={"psychiatric_status": "chronic", "admitted_at": "1404/07/01 10:00", "discharged_at": "1404/07/20 10:00",
           "stays": [{"ward": "psychiatric", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/20 10:00"}],
           "visits": [visit(f"1404/07/{d:02d}", "day2plus", PSY) for d in (2, 6, 10, 14, 18)],
           "headings": H(visits=7_500_000)},
     expect={"rules": ["INP-8-7"], "mark": "circle", "heading": "visits", "approved_rial": 6_000_000})
case("INP-17-1-visit-with-outpatient-chemotherapy", "INP-17-1",
     "Day-care chemotherapy (4 hours, no admission): the visit that day is not payable",
     tariff=[row("901540", 6, chapter="other")],
     bill={"admitted_at": "1404/07/02 08:00", "discharged_at": "1404/07/02 12:00", "inpatient_file": False,
           "stays": [{"ward": "general", "beds": 3, "from": "1404/07/02 08:00", "to": "1404/07/02 12:00"}],
           "visits": [visit("1404/07/02", "outpatient")],
           "headings": H(visits=1_000_000, other=(6_000_000, [{"code": "901540", "name": "شیمی درمانی",
                                                                "on": "1404/07/02", "qty": 1,
                                                                "requested": 6_000_000}]))},
     expect={"rules": ["INP-17-1"], "mark": "zero", "heading": "visits", "approved_rial": 0})

# ======================================================================================================= consultations

def consult(on, specialty, council, **kw):
    c = {"on": on, "prescriber": {"council_no": council, "name": "مشاور", "specialty": specialty,
                                  "role": "physician"},
         "requested_by_specialist": True, "answered": True, "invited": False}
    c.update(kw)
    return c


SEVEN = [consult("1404/07/01", "cardiology", "C-1"), consult("1404/07/01", "neurology", "C-2"),
         consult("1404/07/02", "nephrology", "C-3"), consult("1404/07/02", "endocrinology", "C-4"),
         consult("1404/07/03", "infectious_disease", "C-5"), consult("1404/07/03", "pulmonology", "C-6"),
         consult("1404/07/03", "rheumatology", "C-7")]
case("INP-9-3-seventh-consultation", "INP-9-3",
     "Seven consultations of seven specialties: six at 2.5 RV, the seventh as a day-2 visit (1.5 RV) — "
     "15,000,000 + 1,500,000 = 16,500,000 (billed 17,500,000)",
     bill={"consultations": SEVEN, "headings": H(consultations=17_500_000)},
     expect={"rules": ["INP-9-3"], "mark": "circle", "heading": "consultations", "approved_rial": 16_500_000})
case("INP-9-3-sixth-consultation-ok", "INP-9-3", "Six consultations: all paid, 6 × 2,500,000 = 15,000,000",
     bill={"consultations": SEVEN[:6], "headings": H(consultations=15_000_000)},
     expect={"mark": "tick", "heading": "consultations", "approved_rial": 15_000_000})
case("INP-9-3-fourth-cardiology-consultation", "INP-9-3",
     "Four cardiology consultations: the 4th as a day-2 visit — 3 × 2,500,000 + 1,500,000 = 9,000,000",
     bill={"consultations": [consult(f"1404/07/0{d}", "cardiology", "C-1") for d in (1, 2, 3, 4)],
           "headings": H(consultations=10_000_000)},
     expect={"rules": ["INP-9-3"], "mark": "circle", "heading": "consultations", "approved_rial": 9_000_000})
case("INP-9-2-consultation-above-book-value", "INP-9-2",
     "One consultation billed at 3,000,000: the book's value is 2.5 RV = 2,500,000",
     bill={"consultations": SEVEN[:1], "headings": H(consultations=3_000_000)},
     expect={"rules": ["INP-9-2"], "mark": "circle", "heading": "consultations", "approved_rial": 2_500_000})
case("INP-9-1-consultation-not-requested-by-specialist", "INP-9-1",
     "A consultation the treating specialist did not request: not payable",
     bill={"consultations": [consult("1404/07/01", "cardiology", "C-1", requested_by_specialist=False)],
           "headings": H(consultations=2_500_000)},
     expect={"rules": ["INP-9-1"], "mark": "zero", "heading": "consultations", "approved_rial": 0})
case("INP-9-4-anesthesia-consultation-before-surgery", "INP-9-4",
     "An anaesthesia consultation followed by the operation under anaesthesia: not payable",
     tariff=[row("300100", 40, base=5)],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()],
           "consultations": [consult("1404/07/01", "anesthesiology", "A-100")],
           "headings": H(consultations=2_500_000)},
     expect={"rules": ["INP-9-4"], "mark": "zero", "heading": "consultations", "approved_rial": 0})
case("INP-9-4-anesthesia-consultation-no-surgery-ok", "INP-9-4",
     "An anaesthesia consultation and no operation followed: payable",
     bill={"consultations": [consult("1404/07/01", "anesthesiology", "A-100")],
           "headings": H(consultations=2_500_000)},
     expect={"mark": "tick", "heading": "consultations", "approved_rial": 2_500_000})
case("INP-9-6-nutrition-consultation-without-code", "INP-9-6",
     "A nutrition consultation billed as a generic consultation (no book code): «تنها بر اساس کدهای موجود در کتاب "
     "قابل پرداخت» — not paid",
     bill={"consultations": [consult("1404/07/01", "nutrition", "N-1", code=None)],
           "headings": H(consultations=2_500_000)},
     expect={"rules": ["INP-9-6"], "mark": "zero", "heading": "consultations", "approved_rial": 0})
case("INP-9-7-first-year-resident-consultation", "INP-9-7",
     "A first-year resident's consultation in a university hospital: not payable",
     bill={"consultations": [consult("1404/07/01", "cardiology", "R-1", prescriber={
         "council_no": "R-1", "specialty": "cardiology", "role": "resident", "resident_year": 1})]},
     expect={"rules": ["INP-9-7"], "mark": "zero", "heading": "consultations", "approved_rial": 0})
ALL[-1]["inputs"]["batch"]["bills"][0]["headings"] = H(consultations=2_500_000)
case("INP-9-8-invited-specialty-on-staff", "INP-9-8",
     "An invited cardiologist although the hospital employs cardiologists: the invited-physician conditions fail",
     provider={"specialties_on_staff": ["cardiology", "internal_medicine"]},
     bill={"consultations": [consult("1404/07/01", "cardiology", "C-9", invited=True, request_in_file=True,
                                     bedside=True, works_in_hospital_clinics=False)],
           "headings": H(consultations=2_500_000)},
     expect={"rules": ["INP-9-8"], "mark": None, "heading": "consultations", "action": "flag_review"})
case("INP-9-8-invited-resident", "INP-9-8", "An invited consultant who is a resident: never paid",
     bill={"consultations": [consult("1404/07/01", "cardiology", "R-9", invited=True, prescriber={
         "council_no": "R-9", "specialty": "cardiology", "role": "resident", "resident_year": 4})],
           "headings": H(consultations=2_500_000)},
     expect={"rules": ["INP-9-8"], "mark": "zero", "heading": "consultations", "approved_rial": 0})


# ======================================================================================================= surgeon (RVU)

T_MAIN = row("300100", 40, base=5, desc="عمل آزمون اصلی")
T_SECOND = row("300200", 20, base=7, desc="عمل آزمون دوم")
T_THIRD = row("300300", 10, base=4, desc="عمل آزمون سوم")
T_ADDON = row("300199", 5, base=0, flags="+", desc="عمل آزمون، هر مورد اضافه")
T_25 = row("300500", 25, base=5, desc="عمل آزمون ۲۵ واحدی")
T_30 = row("300800", 30, base=5, desc="عمل آزمون ۳۰ واحدی")
T_100 = row("300900", 100, base=8, desc="عمل آزمون ۱۰۰ واحدی")
T_THREE = row("300600", 12, 8, base=5, desc="خدمت آزمون با سه ارزش نسبی")
FOOT = [row("201000", 20, base=3, desc="جراحی پا الف"), row("201010", 10, base=3, desc="جراحی پا ب"),
        row("201020", 8, base=3, desc="جراحی پا ج")]

case("RVU-51-three-procedures-one-incision", "RVU-51",
     "Three operations through one incision: 40 × 100 % + 20 × 50 % + 10 × 25 % = 52.5 RV = 52,500,000 "
     "(billed 70,000,000)",
     tariff=[T_MAIN, T_SECOND, T_THIRD],
     bill={"procedures": [proc("300100"), proc("300200"), proc("300300")], "headings": H(surgeon=70_000_000)},
     expect={"rules": ["RVU-51"], "mark": "circle", "heading": "surgeon", "approved_rial": 52_500_000,
             "computed": {"procedures": [{"code": "300100", "percent": 100}, {"code": "300200", "percent": 50},
                                         {"code": "300300", "percent": 25}], "surgeon_rvu": 52.5}})
case("RVU-51-single-procedure-ok", "RVU-51", "One operation: 100 %, 40,000,000",
     tariff=[T_MAIN], bill={"procedures": [proc("300100")], "headings": H(surgeon=40_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 40_000_000,
             "computed": {"procedures": [{"code": "300100", "percent": 100}]}})
case("RVU-51-N1-two-incisions-one-surgeon", "RVU-51-N1",
     "Two regions through two incisions by one surgeon: 40 + 20 × 80 % = 56,000,000 (billed 60,000,000)",
     tariff=[T_MAIN, T_SECOND],
     bill={"procedures": [proc("300100"), proc("300200", incision="different")], "headings": H(surgeon=60_000_000)},
     expect={"rules": ["RVU-51-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 56_000_000,
             "computed": {"procedures": [{"code": "300200", "percent": 80}]}})
case("RVU-51-N2-two-incisions-two-surgeons-ok", "RVU-51-N2",
     "Two regions, two incisions, two surgeons: 100 % and 100 %, 60,000,000",
     tariff=[T_MAIN, T_SECOND],
     bill={"procedures": [proc("300100"), proc("300200", incision="different", surgeon=SURGEON2)],
           "headings": H(surgeon=60_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 60_000_000,
             "absent_rules": ["RVU-51-N2", "RVU-51", "RVU-51-N1"],
             "computed": {"procedures": [{"code": "300200", "percent": 100}]}})
case("RVU-51-N3-bilateral-is-two-operations", "RVU-51-N3",
     "A bilateral operation whose description does not say «دو طرفه»: two operations by one surgeon, "
     "25 + 25 × 80 % = 45,000,000 (billed 50,000,000)",
     tariff=[T_25], bill={"procedures": [proc("300500", bilateral=True)], "headings": H(surgeon=50_000_000)},
     expect={"rules": ["RVU-51-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 45_000_000,
             "computed": {"procedures": [{"code": "300500", "percent": 180}]}})
case("RVU-51-N3-description-says-both-sides-ok", "RVU-51-N3",
     "The book's description covers «یک یا دو طرفه»: billed once, 25,000,000",
     tariff=[row("300500", 25, base=5, desc="عمل آزمون یک یا دو طرفه")],
     bill={"procedures": [proc("300500", bilateral=True)], "headings": H(surgeon=25_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 25_000_000, "absent_rules": ["RVU-51-N3", "RVU-51-N1"]})
case("RVU-51-N4-three-operations-one-foot", "RVU-51-N4",
     "Three operations on the right foot: 20 + 10 × 75 % + 8 × 25 % = 29.5 RV (billed 38,000,000)",
     tariff=FOOT,
     bill={"procedures": [proc(c, foot=True, details={"laterality": "right"}) for c in ("201000", "201010", "201020")],
           "headings": H(surgeon=38_000_000)},
     expect={"rules": ["RVU-51-N4"], "mark": "circle", "heading": "surgeon", "approved_rial": 29_500_000,
             "computed": {"procedures": [{"code": "201010", "percent": 75}, {"code": "201020", "percent": 25}]}})
case("RVU-51-N5-one-operation-each-foot", "RVU-51-N5",
     "One operation on each foot: 20 + 10 × 80 % = 28,000,000 (billed 30,000,000)",
     tariff=FOOT,
     bill={"procedures": [proc("201000", foot=True, details={"laterality": "right"}),
                          proc("201010", foot=True, details={"laterality": "left"})],
           "headings": H(surgeon=30_000_000)},
     expect={"rules": ["RVU-51-N5"], "mark": "circle", "heading": "surgeon", "approved_rial": 28_000_000})
case("RVU-51-N6-same-operation-next-day", "RVU-51-N6",
     "The same operation again on a later day of the stay: 100 % each — unless it is a complication (a human looks)",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100"), proc("300100", on="1404/07/03", session=2)],
           "headings": H(surgeon=80_000_000)},
     expect={"rules": ["RVU-51-N6"], "mark": None, "heading": "surgeon", "action": "flag_review",
             "computed": {"procedures": [{"code": "300100", "percent": 100}]}})
case("RVU-51-N6-other-region-next-day-ok", "RVU-51-N6",
     "Two different operations on two regions on different days: 100 % each, nothing to look at",
     tariff=[T_MAIN, T_SECOND],
     bill={"procedures": [proc("300100", details={"region": "abdomen"}),
                          proc("300200", on="1404/07/03", session=2, details={"region": "knee"})],
           "headings": H(surgeon=60_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 60_000_000})
case("RVU-PLUS-add-on-alone", "RVU-PLUS", "An add-on (+) code billed with no primary operation: not payable",
     tariff=[T_ADDON], bill={"procedures": [proc("300199")], "headings": H(surgeon=5_000_000)},
     expect={"rules": ["RVU-PLUS"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("RVU-PLUS-N1-add-on-at-100-percent", "RVU-PLUS-N1",
     "Two operations and an add-on in one session: 40 + 20 × 50 % + the add-on at 100 % (no 51) = 55,000,000",
     tariff=[T_MAIN, T_SECOND, T_ADDON],
     bill={"procedures": [proc("300100"), proc("300200"), proc("300199")], "headings": H(surgeon=55_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 55_000_000,
             "computed": {"procedures": [{"code": "300199", "percent": 100}, {"code": "300200", "percent": 50}]}})
case("RVU-85-worked-example-endoscopic-25-units", "RVU-85",
     "The manual's example: an operation of 25 RV done endoscopically = 30 RV, operating room 40 % × 30 = 12 "
     "(government) — surgeon 30,000,000, operating room 12,000,000",
     tariff=[T_25],
     bill={"procedures": [proc("300500", modifiers=["85"], details={"technology": ["endoscope"]})],
           "headings": H(surgeon=30_000_000, operating_room=12_000_000)},
     expect={"mark": "tick", "heading": "operating_room", "approved_rial": 12_000_000,
             "computed": {"surgeon_rvu": 30, "operating_room_units": 12}})
case("RVU-85-worked-example-private-centre", "RVU-85",
     "The same in a private hospital: the centre may charge 25 % × 30 = 7.5 units; the insurer's basis stays 40 % at "
     "the government tariff (12), so 7,500,000 is paid as billed",
     provider={"sector": "private", "teaching": False},
     tariff=[T_25],
     bill={"procedures": [proc("300500", modifiers=["85"], details={"technology": ["endoscope", "c_arm"]})],
           "headings": H(surgeon=30_000_000, operating_room=7_500_000)},
     expect={"mark": "tick", "heading": "operating_room", "approved_rial": 7_500_000,
             "computed": {"operating_room_units": 12, "operating_room_units_private_centre": 7.5}})
case("RVU-85-no-technology-recorded", "RVU-85",
     "Modifier 85 claimed but the operation note records no semi-invasive technology: 25,000,000 (billed 30,000,000)",
     tariff=[T_25],
     bill={"procedures": [proc("300500", modifiers=["85"], details={"technology": []})],
           "headings": H(surgeon=30_000_000)},
     expect={"rules": ["RVU-85"], "mark": "circle", "heading": "surgeon", "approved_rial": 25_000_000})
case("RVU-63-child-of-15-months", "RVU-63",
     "A child of 1 year 3 months at admission: +25 % — 40 × 1.25 = 50,000,000",
     tariff=[T_MAIN], bill={"insured": {"birth_date": "1403/04/01"}, "procedures": [proc("300100", modifiers=["63"])],
                            "headings": H(surgeon=50_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 50_000_000})
case("RVU-63-infant-exactly-six-months", "RVU-63",
     "Born 1404/01/01, admitted 1404/07/01: exactly 6 months — «۶ ماه تمام یا کمتر» +50 %, 60,000,000",
     tariff=[T_MAIN], bill={"insured": {"birth_date": "1404/01/01"}, "procedures": [proc("300100", modifiers=["63"])],
                            "headings": H(surgeon=60_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 60_000_000})
case("RVU-63-infant-six-months-and-a-day", "RVU-63",
     "Born 1403/12/30, admitted 1404/07/01: 6 months and a day — +25 %, 50,000,000 (billed +50 %, 60,000,000)",
     tariff=[T_MAIN], bill={"insured": {"birth_date": "1403/12/30"}, "procedures": [proc("300100", modifiers=["63"])],
                            "headings": H(surgeon=60_000_000)},
     expect={"rules": ["INP-3-A-1"], "mark": "circle", "heading": "surgeon", "approved_rial": 50_000_000})
case("RVU-63-third-birthday", "RVU-63",
     "Born 1401/07/01, admitted on the 3rd birthday: no longer under 3 — 63 refused, 40,000,000 (billed 50,000,000)",
     tariff=[T_MAIN], bill={"insured": {"birth_date": "1401/07/01"}, "procedures": [proc("300100", modifiers=["63"])],
                            "headings": H(surgeon=50_000_000)},
     expect={"rules": ["RVU-63"], "mark": "circle", "heading": "surgeon", "approved_rial": 40_000_000})
H53 = [history_bill("RVU-53", "1404/03", {"admitted_at": "1404/03/09 10:00", "discharged_at": "1404/03/12 10:00",
                                          "stays": [], "procedures": [proc("300100", on="1404/03/10")],
                                          "headings": H(surgeon=40_000_000)})]
case("RVU-53-repeat-operation-months-later", "RVU-53",
     "The same operation repeated 4 months after the first (history): +30 % = 52,000,000, recurrence or "
     "complication for a human to confirm",
     tariff=[T_MAIN], history=H53,
     bill={"procedures": [proc("300100", modifiers=["53"])], "headings": H(surgeon=52_000_000)},
     expect={"rules": ["RVU-53"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("RVU-53-N1-repeat-within-a-month", "RVU-53-N1",
     "The same operation 3 weeks after the first: a complication, not a repeat — 53 refused, 40,000,000",
     tariff=[T_MAIN],
     history=[history_bill("RVU-53-N1", "1404/06", {"admitted_at": "1404/06/09 10:00",
                                                    "discharged_at": "1404/06/12 10:00", "stays": [],
                                                    "procedures": [proc("300100", on="1404/06/10")],
                                                    "headings": H(surgeon=40_000_000)})],
     bill={"procedures": [proc("300100", modifiers=["53"])], "headings": H(surgeon=52_000_000)},
     expect={"rules": ["RVU-53-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 40_000_000})
case("RVU-53-N2-repeat-caesarean", "RVU-53-N2", "A repeat caesarean billed with modifier 53: not eligible",
     tariff=[row("501900", 40, base=6, desc="سزارین آزمون")],
     bill={"delivery": "caesarean", "insured": {"sex": "F"}, "procedures": [proc("501900", modifiers=["53"])],
           "headings": H(surgeon=52_000_000)},
     expect={"rules": ["RVU-53-N2"], "mark": "circle", "heading": "surgeon", "approved_rial": 40_000_000})
case("RVU-90-full-time-faculty-ok", "RVU-90",
     "A full-time faculty surgeon in a university hospital: professional ×2 = 80,000,000; the insured pays 10 % of "
     "the base 40,000,000 only",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100", modifiers=["90"], surgeon={**SURGEON, "full_time_faculty": True})],
           "headings": H(surgeon=80_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 80_000_000,
             "computed": {"insured_share": 4_000_000, "org_share": 76_000_000}})
case("RVU-90-not-full-time", "RVU-90", "Modifier 90 for a surgeon who is not full-time: 40,000,000 (billed ×2)",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100", modifiers=["90"])], "headings": H(surgeon=80_000_000)},
     expect={"rules": ["RVU-90"], "mark": "circle", "heading": "surgeon", "approved_rial": 40_000_000})
case("RVU-95-deprived-area-grade-2", "RVU-95",
     "A grade-2 deprived area (coefficient 1.6): 40 × 1.6 = 64,000,000",
     provider={"deprivation_grade": "2"}, params={"deprivation_coefficient": dated({"1": 2.0, "2": 1.6, "3": 1.3})},
     tariff=[T_MAIN], bill={"procedures": [proc("300100", modifiers=["95"])], "headings": H(surgeon=64_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 64_000_000})
case("RVU-95-not-deprived", "RVU-95", "Modifier 95 claimed in a centre that is not in a deprived area",
     tariff=[T_MAIN], bill={"procedures": [proc("300100", modifiers=["95"])], "headings": H(surgeon=64_000_000)},
     expect={"rules": ["RVU-95"], "mark": "circle", "heading": "surgeon", "approved_rial": 40_000_000})
case("RVU-95-N1-faculty-in-deprived-area-three-k", "RVU-95-N1",
     "Full-time faculty in a grade-1 deprived area (coefficient 2): 1 + 1 + 1 = 3 K at most — 120,000,000 "
     "(billed 2 × 2 = 4 K, 160,000,000)",
     provider={"deprivation_grade": "1"}, params={"deprivation_coefficient": dated({"1": 2.0, "2": 1.6, "3": 1.3})},
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100", modifiers=["90", "95"], surgeon={**SURGEON, "full_time_faculty": True})],
           "headings": H(surgeon=160_000_000)},
     expect={"rules": ["RVU-95-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 120_000_000})
case("RVU-44-N1-surgery-times-not-recorded", "RVU-44-N1",
     "The operation note has no start and end of surgery: 10 % of the surgeon's fee deducted — 36,000,000",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100", surgery_start=None, surgery_end=None)], "headings": H(surgeon=40_000_000)},
     expect={"rules": ["RVU-44-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 36_000_000})
case("RVU-46-local-anaesthesia-by-surgeon", "RVU-46",
     "The surgeon operated under his own local anaesthesia: +20 % of 40 = 8 RV to the surgeon, no anaesthesia fee",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")],
           "anesthesia": [anes(method="local", performed_by="surgeon", anesthesiologist=SURGEON)],
           "headings": H(surgeon=48_000_000, anesthesia=12_000_000)},
     expect={"rules": ["RVU-46"], "mark": "zero", "heading": "anesthesia", "approved_rial": 0})
case("RVU-46-surgeon-gets-twenty-percent-ok", "RVU-46", "The same bill: the surgeon's 48,000,000 is paid",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")],
           "anesthesia": [anes(method="local", performed_by="surgeon", anesthesiologist=SURGEON)],
           "headings": H(surgeon=48_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 48_000_000})
case("RVU-46-N1-capped-at-15-units", "RVU-46-N1",
     "Local anaesthesia by the surgeon on a 100-RV operation: 20 % = 20 units, capped at 15 — 115,000,000",
     tariff=[T_100],
     bill={"procedures": [proc("300900")],
           "anesthesia": [anes(method="local", performed_by="surgeon", anesthesiologist=SURGEON)],
           "headings": H(surgeon=120_000_000)},
     expect={"rules": ["RVU-46-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 115_000_000})
case("RVU-CODE-procedure-not-in-the-book", "RVU-CODE", "An operation billed under a code the book does not have",
     tariff=[T_MAIN], bill={"procedures": [proc("399999")], "headings": H(surgeon=40_000_000)},
     expect={"rules": ["RVU-CODE"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("RVU-STAR-cosmetic-star-procedure", "RVU-STAR", "A star (*) code done for a cosmetic purpose: not covered",
     tariff=[row("300700", 30, base=5, flags="*", desc="عمل زیبایی آزمون")],
     bill={"procedures": [proc("300700", details={"purpose": "cosmetic"})], "headings": H(surgeon=30_000_000)},
     expect={"rules": ["RVU-STAR"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("RVU-STAR-star-purpose-not-recorded", "RVU-STAR", "A star (*) code without a recorded purpose: a human decides",
     tariff=[row("300700", 30, base=5, flags="*", desc="عمل زیبایی آزمون")],
     bill={"procedures": [proc("300700")], "headings": H(surgeon=30_000_000)},
     expect={"rules": ["RVU-STAR"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("RVU-STAR-star-medical-purpose-ok", "RVU-STAR", "A star (*) code done for a medical purpose: covered",
     tariff=[row("300700", 30, base=5, flags="*", desc="عمل زیبایی آزمون")],
     bill={"procedures": [proc("300700", details={"purpose": "medical"})], "headings": H(surgeon=30_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 30_000_000})
case("RVU-20-independent-procedure-with-main", "RVU-20",
     "An independent procedure (401270) with the main operation in the same session and region",
     tariff=[T_MAIN, row("401270", 8, base=3, desc="(عمل مستقل)")],
     bill={"procedures": [proc("300100", details={"region": "abdomen"}), proc("401270", details={"region": "abdomen"})],
           "headings": H(surgeon=44_000_000)},
     expect={"rules": ["RVU-20"], "mark": None, "heading": "surgeon", "action": "flag_review"})

# ======================================================================================================= assistant

RES3 = {"council_no": "R-300", "name": "دستیار سال سوم", "specialty": "general_surgery", "role": "resident",
        "resident_year": 3}
case("INP-11-A-assistant-twenty-percent", "INP-11-A",
     "Assistant (3rd-year resident) on a 40-RV operation: 20 % = 8,000,000 (billed 10,000,000)",
     tariff=[T_MAIN], bill={"procedures": [proc("300100", modifiers=["80"], assistant=RES3)],
                            "headings": H(assistant_surgeon=10_000_000)},
     expect={"rules": ["INP-11-A"], "mark": "circle", "heading": "assistant_surgeon", "approved_rial": 8_000_000,
             "computed": {"assistant_rvu": 8}})
case("INP-11-A-assistant-on-two-operations-ok", "INP-11-A",
     "Assistant on two operations through one incision: 20 % of (40 + 30 × 50 %) = 11,000,000",
     tariff=[T_MAIN, T_30],
     bill={"procedures": [proc("300100", assistant=RES3), proc("300800", assistant=RES3)],
           "headings": H(assistant_surgeon=11_000_000)},
     expect={"mark": "tick", "heading": "assistant_surgeon", "approved_rial": 11_000_000})
case("INP-11-A-no-assistant-recorded", "INP-11-A", "Assistant-surgeon fee billed but no assistant in the operation note",
     tariff=[T_MAIN], bill={"procedures": [proc("300100")], "headings": H(assistant_surgeon=8_000_000)},
     expect={"rules": ["INP-11-A"], "mark": "zero", "heading": "assistant_surgeon", "approved_rial": 0})
case("INP-11-A-1-second-year-resident-assistant", "INP-11-A-1",
     "Teaching hospital, the assistant is a 2nd-year resident: no assistant fee",
     tariff=[T_MAIN], bill={"procedures": [proc("300100", assistant={**RES3, "resident_year": 2})],
                            "headings": H(assistant_surgeon=8_000_000)},
     expect={"rules": ["INP-11-A-1"], "mark": "zero", "heading": "assistant_surgeon", "approved_rial": 0})
case("INP-11-A-1-third-year-resident-ok", "INP-11-A-1", "Teaching hospital, 3rd-year resident assistant: 8,000,000",
     tariff=[T_MAIN], bill={"procedures": [proc("300100", assistant=RES3)], "headings": H(assistant_surgeon=8_000_000)},
     expect={"mark": "tick", "heading": "assistant_surgeon", "approved_rial": 8_000_000})
GP = {"council_no": "G-500", "name": "پزشک عمومی", "specialty": "general_practitioner", "role": "physician"}
case("INP-11-A-2-gp-assistant-in-private-hospital", "INP-11-A-2",
     "Private (non-teaching) hospital, the assistant is a general practitioner: not a related specialist",
     provider={"sector": "private", "teaching": False},
     tariff=[T_MAIN], bill={"procedures": [proc("300100", assistant=GP)], "headings": H(assistant_surgeon=8_000_000)},
     expect={"rules": ["INP-11-A-2"], "mark": "zero", "heading": "assistant_surgeon", "approved_rial": 0})
case("INP-11-A-2-specialist-assistant-ok", "INP-11-A-2", "Private hospital, an orthopaedic specialist assists",
     provider={"sector": "private", "teaching": False},
     tariff=[T_MAIN], bill={"procedures": [proc("300100", assistant=SURGEON2)],
                            "headings": H(assistant_surgeon=8_000_000)},
     expect={"mark": "tick", "heading": "assistant_surgeon", "approved_rial": 8_000_000})
case("INP-11-B-assistant-not-present", "INP-11-B", "Inspection found the named resident assistant absent",
     tariff=[T_MAIN], bill={"procedures": [proc("300100", assistant={**RES3, "present": False})],
                            "headings": H(assistant_surgeon=8_000_000)},
     expect={"rules": ["INP-11-B"], "mark": "zero", "heading": "assistant_surgeon", "approved_rial": 0})
case("INP-11-C-under-30-k", "INP-11-C", "Assistant on a 25-RV operation: services under 30 K have no assistant fee",
     tariff=[T_25], bill={"procedures": [proc("300500", assistant=RES3)], "headings": H(assistant_surgeon=5_000_000)},
     expect={"rules": ["INP-11-C"], "mark": "zero", "heading": "assistant_surgeon", "approved_rial": 0})
case("INP-11-C-exactly-30-k-ok", "INP-11-C", "Assistant on a 30-RV operation: 20 % = 6,000,000",
     tariff=[T_30], bill={"procedures": [proc("300800", assistant=RES3)], "headings": H(assistant_surgeon=6_000_000)},
     expect={"mark": "tick", "heading": "assistant_surgeon", "approved_rial": 6_000_000})
case("INP-11-N1-assistant-did-not-sign", "INP-11-N1",
     "The assistant did not sign the operation note: his participation is undocumented",
     tariff=[T_MAIN], bill={"paper": {"assistant_signed_operation_note": False},
                            "procedures": [proc("300100", assistant=RES3)], "headings": H(assistant_surgeon=8_000_000)},
     expect={"rules": ["INP-11-N1"], "mark": None, "heading": "assistant_surgeon", "action": "flag_review"})

# ======================================================================================================= anaesthesia

case("RVU-41-highest-base-only", "RVU-41",
     "Two operations under one anaesthesia, bases 5 and 7: base 7 only; 90 min (surgery 60 + 30) = 6 time units; "
     "1 recovery unit — 14,000,000 (billed with both bases, 19,000,000)",
     tariff=[T_MAIN, T_SECOND],
     bill={"procedures": [proc("300100"), proc("300200")], "anesthesia": [anes()], "headings": H(anesthesia=19_000_000)},
     expect={"rules": ["RVU-41"], "mark": "circle", "heading": "anesthesia", "approved_rial": 14_000_000,
             "computed": {"anesthesia_units": {"base": 7, "time": 6, "modifiers": 0, "recovery": 1}}})
case("RVU-42-anaesthesia-longer-than-surgery", "RVU-42",
     "Anaesthesia recorded 09:00-11:30 (150 min) for 60 minutes of surgery: time = 60 + 15 + 15 = 90 min = 6 units, "
     "not 10 — 5 + 6 + 1 = 12,000,000 (billed 16,000,000)",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(start="1404/07/02 09:00", end="1404/07/02 11:30")],
           "headings": H(anesthesia=16_000_000)},
     expect={"rules": ["RVU-42"], "mark": "circle", "heading": "anesthesia", "approved_rial": 12_000_000,
             "computed": {"anesthesia_units": {"time": 6}}})
case("RVU-42-four-hours-and-five-minutes", "RVU-42",
     "Surgery 3 h 35 min: anaesthesia 4 h 05 min = 16 + 1 = 17 time units; base 5, recovery 4 — 26,000,000",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")],
           "anesthesia": [anes(start="1404/07/02 09:45", end="1404/07/02 13:50", surgery_start="1404/07/02 10:00",
                               surgery_end="1404/07/02 13:35")], "headings": H(anesthesia=26_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 26_000_000,
             "computed": {"anesthesia_units": {"base": 5, "time": 17, "recovery": 4}}})
case("RVU-31-base-three-no-modifiers", "RVU-31",
     "A service without an anaesthesia base: base 3 + 6 time units; modifier 37 and recovery cannot be added — "
     "9,000,000 (billed 12,000,000)",
     tariff=[row("300110", 6, base=0, desc="خدمت بدون ارزش پایه بیهوشی")],
     bill={"insured": {"birth_date": "1329/01/01"}, "procedures": [proc("300110")],
           "anesthesia": [anes(modifiers=["37", "39"])], "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-31"], "mark": "circle", "heading": "anesthesia", "approved_rial": 9_000_000,
             "computed": {"anesthesia_units": {"base": 3, "time": 6, "modifiers": 0, "recovery": 0}}})
case("RVU-36-with-35-for-an-emergency", "RVU-36",
     "Emergency operation billed with 35 and 36: 35 (for non-emergency patients) is dropped — 5 + 6 + 3 + 1 = "
     "15,000,000 (billed 17,000,000)",
     tariff=[T_MAIN],
     bill={"emergency": True, "procedures": [proc("300100")],
           "anesthesia": [anes(modifiers=["35", "36"], asa=3, emergency_reason="خونریزی")],
           "headings": H(anesthesia=17_000_000)},
     expect={"rules": ["RVU-36"], "mark": "circle", "heading": "anesthesia", "approved_rial": 15_000_000})
case("RVU-37-patient-of-65", "RVU-37", "Modifier 37 for a patient of 65: 12,000,000 (billed 14,000,000)",
     tariff=[T_MAIN],
     bill={"insured": {"birth_date": "1339/01/01"}, "procedures": [proc("300100")],
           "anesthesia": [anes(modifiers=["37"])], "headings": H(anesthesia=14_000_000)},
     expect={"rules": ["RVU-37"], "mark": "circle", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-37-patient-exactly-70-ok", "RVU-37", "Born 1334/07/02, anaesthesia on 1404/07/02: 70 years — +2 units",
     tariff=[T_MAIN],
     bill={"insured": {"birth_date": "1334/07/02"}, "procedures": [proc("300100")],
           "anesthesia": [anes(modifiers=["37"])], "headings": H(anesthesia=14_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 14_000_000,
             "computed": {"anesthesia_units": {"modifiers": 2}}})
case("RVU-32-supine-position", "RVU-32", "Modifier 32 with the patient supine: not a difficult position",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(modifiers=["32"], position="supine")],
           "headings": H(anesthesia=13_000_000)},
     expect={"rules": ["RVU-32"], "mark": "circle", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-32-prone-position-ok", "RVU-32", "Modifier 32 with the patient prone: +1 unit",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(modifiers=["32"], position="prone")],
           "headings": H(anesthesia=13_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 13_000_000})
case("RVU-33-hypothermia-not-recorded", "RVU-33", "Modifier 33 with no temperature recorded (null)",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(modifiers=["33"], lowest_temperature_c=None)],
           "headings": H(anesthesia=17_000_000)},
     expect={"rules": ["RVU-33"], "mark": "circle", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-34-no-pump", "RVU-34", "Modifier 34 while the anaesthesia record says no extracorporeal pump",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(modifiers=["34"], extracorporeal_pump=False)],
           "headings": H(anesthesia=22_000_000)},
     expect={"rules": ["RVU-34"], "mark": "circle", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-38-hypotension-not-documented", "RVU-38", "Modifier 38 while controlled hypotension is not documented",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(modifiers=["38"], controlled_hypotension=None)],
           "headings": H(anesthesia=15_000_000)},
     expect={"rules": ["RVU-38"], "mark": "circle", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-35-no-predisposing-condition", "RVU-35", "Modifier 35 for an ASA-1 patient with no risk factor recorded",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(modifiers=["35"], asa=1, risk_factors=[])],
           "headings": H(anesthesia=14_000_000)},
     expect={"rules": ["RVU-35"], "mark": "circle", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-35-N1-second-anaesthesia-of-the-stay", "RVU-35-N1",
     "Two anaesthesias in one admission, both with 35 (controlled diabetes): 35 once — 2 × 12 + 2 = 26,000,000",
     tariff=[T_MAIN, T_SECOND],
     bill={"procedures": [proc("300100"), proc("300200", on="1404/07/03", session=2)],
           "anesthesia": [anes(modifiers=["35"], asa=2, risk_factors=["controlled_diabetes"]),
                          anes(session=2, start="1404/07/03 09:45", end="1404/07/03 11:15",
                               surgery_start="1404/07/03 10:00", surgery_end="1404/07/03 11:00", modifiers=["35"],
                               asa=2, risk_factors=["controlled_diabetes"])],
           "headings": H(anesthesia=30_000_000)},
     expect={"rules": ["RVU-35-N1"], "mark": "circle", "heading": "anesthesia", "approved_rial": 28_000_000})
case("RVU-39-transferred-to-icu", "RVU-39", "Moved to ICU after the operation: no recovery — 11,000,000",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(to_icu=True, modifiers=["39"])],
           "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-39"], "mark": "circle", "heading": "anesthesia", "approved_rial": 11_000_000})
case("RVU-39-twenty-five-minutes-in-recovery", "RVU-39", "25 minutes in the recovery room: under 30 — no recovery",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(recovery_minutes=25, modifiers=["39"])],
           "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-39"], "mark": "circle", "heading": "anesthesia", "approved_rial": 11_000_000})
case("RVU-39-N1-recovery-after-local", "RVU-39-N1",
     "Recovery claimed after local anaesthesia given by the anaesthesiologist: not payable",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")],
           "anesthesia": [anes(method="local", performed_by="anesthesiologist", modifiers=["39"])],
           "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-39-N1"], "mark": "circle", "heading": "anesthesia", "approved_rial": 11_000_000})
case("RVU-39-N2-recovery-not-standard", "RVU-39-N2", "The centre's recovery room is not verified as standard",
     provider={"recovery_standard": False}, tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(modifiers=["39"])], "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-39-N2"], "mark": "circle", "heading": "anesthesia", "approved_rial": 11_000_000})
case("RVU-39-N3-recovery-times-missing", "RVU-39-N3",
     "The recovery entry and exit times are not on the operating-room statement",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(recovery_minutes=None, modifiers=["39"])],
           "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-39-N3"], "mark": "circle", "heading": "anesthesia", "approved_rial": 11_000_000})
case("RVU-39-N4-surgery-25-minutes", "RVU-39-N4",
     "25 minutes of surgery: no recovery; anaesthesia 55 min = 4 time units — 5 + 4 = 9,000,000 (billed 10,000,000)",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")],
           "anesthesia": [anes(start="1404/07/02 09:45", end="1404/07/02 10:40", surgery_end="1404/07/02 10:25",
                               modifiers=["39"])], "headings": H(anesthesia=10_000_000)},
     expect={"rules": ["RVU-39-N4"], "mark": "circle", "heading": "anesthesia", "approved_rial": 9_000_000,
             "computed": {"anesthesia_units": {"time": 4, "recovery": 0}}})
case("RVU-39-N4-surgery-30-minutes-ok", "RVU-39-N4",
     "30 minutes of surgery: one recovery unit; anaesthesia 60 min = 4 units — 5 + 4 + 1 = 10,000,000",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")],
           "anesthesia": [anes(start="1404/07/02 09:45", end="1404/07/02 10:45", surgery_end="1404/07/02 10:30",
                               modifiers=["39"])], "headings": H(anesthesia=10_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 10_000_000,
             "computed": {"anesthesia_units": {"time": 4, "recovery": 1}}})
case("RVU-39-N4-fourth-recovery-hour", "RVU-39-N4",
     "3 h 30 min of surgery: the 4th recovery unit (and never a 5th); anaesthesia 240 min = 16 units — "
     "5 + 16 + 4 = 25,000,000",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")],
           "anesthesia": [anes(start="1404/07/02 09:45", end="1404/07/02 13:45", surgery_end="1404/07/02 13:30")],
           "headings": H(anesthesia=25_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 25_000_000,
             "computed": {"anesthesia_units": {"time": 16, "recovery": 4}}})
case("RVU-41-N1-sedation-with-modifiers", "RVU-41-N1",
     "IV sedation billed with modifier 37 and recovery: base and time only — 5 + 6 = 11,000,000",
     tariff=[T_MAIN],
     bill={"insured": {"birth_date": "1329/01/01"}, "procedures": [proc("300100")],
           "anesthesia": [anes(method="iv_sedation", modifiers=["37", "39"])], "headings": H(anesthesia=14_000_000)},
     expect={"rules": ["RVU-41-N1"], "mark": "circle", "heading": "anesthesia", "approved_rial": 11_000_000})
case("RVU-41-N2-total-value-code", "RVU-41-N2",
     "A code whose anaesthesia column is a total value (10): nothing is added to it — 10,000,000 (billed 17,000,000)",
     tariff=[row("300120", 30, base=10, desc="خدمت با ارزش تام بیهوشی")],
     params={"code_groups": dated({"anesthesia_total_value": ["300120"]})},
     bill={"procedures": [proc("300120")], "anesthesia": [anes()], "headings": H(anesthesia=17_000_000)},
     expect={"rules": ["RVU-41-N2"], "mark": "circle", "heading": "anesthesia", "approved_rial": 10_000_000})
case("RVU-42-N1-other-block-no-recovery", "RVU-42-N1",
     "Recovery claimed after a peripheral nerve block that is not a plexus block",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(method="regional_other", modifiers=["39"])],
           "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-42-N1"], "mark": "circle", "heading": "anesthesia", "approved_rial": 11_000_000})
case("RVU-43-pain-management-peripheral", "RVU-43",
     "Post-operative pain management by peripheral injections: not payable (10 units claimed)",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()],
           "pain_management": [{"on": "1404/07/02", "route": "peripheral_injection", "mode": "intermittent_bolus",
                                "by": ANESTHETIST, "units_claimed": 10}],
           "headings": H(anesthesia=22_000_000)},
     expect={"rules": ["RVU-43"], "mark": "circle", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-43-epidural-catheter-ok", "RVU-43", "Pain management by epidural catheter: 10 units once — 22,000,000",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()],
           "pain_management": [{"on": "1404/07/02", "route": "epidural_catheter", "mode": "continuous",
                                "by": ANESTHETIST, "units_claimed": 10}],
           "headings": H(anesthesia=22_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 22_000_000})
case("RVU-45-spinal-by-the-surgeon", "RVU-45", "The operating surgeon gave the spinal anaesthesia himself",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(method="spinal", anesthesiologist=SURGEON)],
           "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-45"], "mark": "zero", "heading": "anesthesia", "approved_rial": 0})
case("INP-10-L-6-sedation-by-gastroenterologist", "INP-10-L-6",
     "A colonoscopy under sedation given by the gastroenterologist, no anaesthesiologist: not payable",
     tariff=[row("400700", 15, base=3, desc="کولونوسکوپی آزمون")],
     bill={"procedures": [proc("400700", surgeon={**SURGEON, "specialty": "gastroenterology"}, place="ward")],
           "anesthesia": [anes(method="iv_sedation", anesthesiologist={"council_no": "GI-1",
                                                                       "specialty": "gastroenterology"})],
           "headings": H(anesthesia=9_000_000)},
     expect={"rules": ["INP-10-L-6"], "mark": "zero", "heading": "anesthesia", "approved_rial": 0})
case("RVU-63-anaesthesia-of-an-infant", "RVU-63",
     "Infant of 3 months: anaesthesia +50 % — (5 + 6 + 1) × 1.5 = 18,000,000",
     tariff=[T_MAIN],
     bill={"insured": {"birth_date": "1404/04/01"}, "procedures": [proc("300100", modifiers=["63"])],
           "anesthesia": [anes(modifiers=["63"])], "headings": H(anesthesia=18_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 18_000_000})
case("INP-4-B-5-anaesthesia-without-record", "INP-4-B-5",
     "An anaesthesia fee billed with no anaesthesia record in the file",
     tariff=[T_MAIN], bill={"procedures": [proc("300100")], "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["INP-4-B-5"], "mark": None, "heading": "anesthesia", "action": "flag_review"})
case("RVU-40-two-modifiers-each-in-full-ok", "RVU-40",
     "Modifiers 37 and 32 on one anaesthesia: each added in full — 5 + 6 + 2 + 1 + 1 = 15,000,000",
     tariff=[T_MAIN],
     bill={"insured": {"birth_date": "1330/01/01"}, "procedures": [proc("300100")],
           "anesthesia": [anes(modifiers=["37", "32"], position="lateral")], "headings": H(anesthesia=15_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 15_000_000,
             "computed": {"anesthesia_units": {"modifiers": 3}}})

# ======================================================================================================= operating room

case("INP-12-1-one-value-in-operating-room", "INP-12-1",
     "A 40-RV operation in the operating room: 40 % × 40 = 16 technical units = 16,000,000 (billed 20,000,000)",
     tariff=[T_MAIN], bill={"procedures": [proc("300100")], "headings": H(operating_room=20_000_000)},
     expect={"rules": ["INP-12-1"], "mark": "circle", "heading": "operating_room", "approved_rial": 16_000_000,
             "computed": {"operating_room_units": 16}})
case("INP-12-1-after-multiple-procedures-ok", "INP-12-1",
     "Two operations through one incision: 40 % × (40 + 20 × 50 %) = 20,000,000",
     tariff=[T_MAIN, T_SECOND], bill={"procedures": [proc("300100"), proc("300200")],
                                      "headings": H(operating_room=20_000_000)},
     expect={"mark": "tick", "heading": "operating_room", "approved_rial": 20_000_000})
case("INP-12-2-three-values", "INP-12-2",
     "A service printed with three values (20 / 12 / 8): the technical component is 8 — billed 40 % of 20",
     tariff=[T_THREE], bill={"procedures": [proc("300600")], "headings": H(operating_room=8_800_000)},
     expect={"rules": ["INP-12-2"], "mark": "circle", "heading": "operating_room", "approved_rial": 8_000_000})
case("INP-12-3-outside-operating-room", "INP-12-3",
     "A one-value service done at the bedside: no technical component",
     tariff=[T_MAIN], bill={"procedures": [proc("300100", place="ward")], "headings": H(operating_room=16_000_000)},
     expect={"rules": ["INP-12-3"], "mark": "zero", "heading": "operating_room", "approved_rial": 0})
case("INP-12-4-oxygen-on-operating-room-list", "INP-12-4",
     "Oxygen billed from the operating-room list: part of the technical component",
     bill={"headings": H(supplies=(300_000, [{"name": "اکسیژن", "category": "o2_gas", "list": "operating_room",
                                              "qty": 1, "unit_price": 300_000, "ordered": True}]))},
     expect={"rules": ["INP-12-4"], "mark": "zero", "heading": "supplies", "heading_line": 0, "approved_rial": 0})


# ======================================================================================================= heading lines

def line(code=None, **kw):
    d = {"code": code, "on": "1404/07/02", "qty": 1}
    d.update(kw)
    return d


case("INP-13-1-drug-without-order", "INP-13-1", "A drug line with no physician's order in the file",
     bill={"headings": H(drugs=(1_000_000, [line(None, name="سفتریاکسون", irc="IRC-1", qty=4, unit_price=250_000,
                                                ordered=False)]))},
     expect={"rules": ["INP-13-1"], "mark": "zero", "heading": "drugs", "heading_line": 0, "approved_rial": 0})
case("INP-13-1-drug-ordered-ok", "INP-13-1", "The same drug with its order: as requested",
     bill={"headings": H(drugs=(1_000_000, [line(None, name="سفتریاکسون", irc="IRC-1", qty=4, unit_price=250_000,
                                                ordered=True)]))},
     expect={"mark": "tick", "heading": "drugs", "heading_line": 0, "approved_rial": 1_000_000})
case("INP-13-3-suture-above-minimum-rate", "INP-13-3",
     "Two sutures at 400,000: the insurer pays the minimum approved rate 250,000 — 500,000",
     params={"supply_min_rate": dated({"suture": 250_000})},
     bill={"headings": H(supplies=(800_000, [line(None, name="نخ بخیه", category="suture", qty=2,
                                                  unit_price=400_000, ordered=True, list="operating_room")]))},
     expect={"rules": ["INP-13-3"], "mark": "circle", "heading": "supplies", "heading_line": 0,
             "approved_rial": 500_000})
case("INP-13-4-chest-lead-in-icu", "INP-13-4", "Chest leads billed in the ICU: not payable",
     bill={"stays": ICU3, "headings": H(supplies=(200_000, [line(None, name="چست لید", category="chest_lead", qty=5,
                                                                  unit_price=40_000, ordered=True, ward="icu")]))},
     expect={"rules": ["INP-13-4"], "mark": "zero", "heading": "supplies", "heading_line": 0, "approved_rial": 0})
case("INP-13-4-chest-lead-in-operating-room-ok", "INP-13-4",
     "Chest leads in the operating room are outside the OR bundle (INP-12-6): payable",
     bill={"headings": H(supplies=(200_000, [line(None, name="چست لید", category="chest_lead", qty=5,
                                                  unit_price=40_000, ordered=True, list="operating_room")]))},
     expect={"mark": "tick", "heading": "supplies", "heading_line": 0, "approved_rial": 200_000})
case("INP-13-5-prosthesis-above-covered-price", "INP-13-5",
     "A mesh at 12,000,000 with the covered price 9,000,000",
     params={"prosthesis_covered_price": dated({"hernia_mesh_15x15": 9_000_000})},
     bill={"headings": H(supplies=(12_000_000, [line(None, name="مش", category="hernia_mesh_15x15", prosthesis=True,
                                                     qty=1, unit_price=12_000_000, ordered=True, in_operation_note=True,
                                                     sticker=True, invoice=True)]))},
     expect={"rules": ["INP-13-5"], "mark": "circle", "heading": "supplies", "heading_line": 0,
             "approved_rial": 9_000_000})
case("INP-13-5-prosthesis-not-in-operation-note", "INP-13-5",
     "A plate billed but its use is not in the operation note",
     bill={"headings": H(supplies=(12_000_000, [line(None, name="پلاک", category="plate", prosthesis=True, qty=1,
                                                     unit_price=12_000_000, ordered=True, in_operation_note=False)]))},
     expect={"rules": ["INP-13-5"], "mark": "zero", "heading": "supplies", "heading_line": 0, "approved_rial": 0})
case("INP-4-B-6-prosthesis-without-invoice", "INP-4-B-6",
     "A plate billed with no purchase invoice in the monthly batch",
     bill={"headings": H(supplies=(12_000_000, [line(None, name="پلاک", category="plate", prosthesis=True, qty=1,
                                                     unit_price=12_000_000, ordered=True, invoice_ref=None)]))},
     expect={"rules": ["INP-4-B-6"], "mark": None, "heading": "supplies", "heading_line": 0, "action": "flag_review"})
case("INP-14-imaging-without-request", "INP-14", "An ultrasound with no request by the treating physician",
     tariff=[row("701555", 25, chapter="ultrasound")],
     bill={"headings": H(imaging=(25_000_000, [line("701555", ordered=False, report=True, requested=25_000_000)]))},
     expect={"rules": ["INP-14"], "mark": "zero", "heading": "imaging", "heading_line": 0, "approved_rial": 0})
case("INP-14-N1-mri-requested-by-gp", "INP-14-N1", "A brain MRI requested by a general practitioner",
     tariff=[row("703560", 30, chapter="mri")],
     bill={"headings": H(imaging=(30_000_000, [line("703560", ordered=True, report=True, requested=30_000_000,
                                                   ordered_by=GP)]))},
     expect={"rules": ["INP-14-N1"], "mark": "zero", "heading": "imaging", "heading_line": 0, "approved_rial": 0})
case("INP-14-N1-mri-requested-by-neurologist-ok", "INP-14-N1", "The same MRI requested by a neurologist",
     tariff=[row("703560", 30, chapter="mri")],
     bill={"headings": H(imaging=(30_000_000, [line("703560", ordered=True, report=True, requested=30_000_000,
                                                   ordered_by={**INTERNIST, "specialty": "neurology"})]))},
     expect={"mark": "tick", "heading": "imaging", "heading_line": 0, "approved_rial": 30_000_000})
case("INP-14-N2-exercise-test-physician-absent", "INP-14-N2",
     "An exercise test whose physician was not physically present: the professional part is not payable",
     tariff=[row("900800", 3.8, 1.9, chapter="other")],
     bill={"headings": H(other=(5_700_000, [line("900800", ordered=True, physician_present=False, report=True,
                                                 requested=5_700_000)]))},
     expect={"rules": ["INP-14-N2"], "mark": "circle", "heading": "other", "heading_line": 0, "approved_rial": 1_900_000})
case("INP-15-lab-without-results", "INP-15", "A laboratory test with no results sheet in the file",
     tariff=[row("801170", 4, chapter="laboratory")],
     bill={"headings": H(lab=(4_000_000, [line("801170", ordered=True, results=False, requested=4_000_000)]))},
     expect={"rules": ["INP-15"], "mark": "zero", "heading": "lab", "heading_line": 0, "approved_rial": 0})
LABT = [row("800005", 0.4, chapter="laboratory"), row("800010", 0.2, chapter="laboratory")]
case("INP-15-N1-lab-admission-on-day-two", "INP-15-N1",
     "The lab admission fee billed on the second day of the stay: paid as a blood draw (800010), 200,000",
     tariff=LABT,
     bill={"headings": H(lab=(400_000, [line("800005", ordered=True, results=True, requested=400_000)]))},
     expect={"rules": ["INP-15-N1"], "mark": "circle", "heading": "lab", "heading_line": 0, "paid_code": "800010",
             "approved_rial": 200_000})
case("INP-15-N1-lab-admission-on-day-one-ok", "INP-15-N1", "The lab admission fee on the first day: 400,000",
     tariff=LABT,
     bill={"headings": H(lab=(400_000, [line("800005", on="1404/07/01", ordered=True, results=True,
                                             requested=400_000)]))},
     expect={"mark": "tick", "heading": "lab", "heading_line": 0, "approved_rial": 400_000})
case("INP-16-1-respiratory-physiotherapy-in-icu", "INP-16-1",
     "901640 (respiratory physiotherapy of the wards) billed in the ICU",
     tariff=[row("901640", 1.5, chapter="physiotherapy")],
     bill={"stays": ICU3, "headings": H(physiotherapy=(1_500_000, [line("901640", requested=1_500_000)]))},
     expect={"rules": ["INP-16-1"], "mark": None, "heading": "physiotherapy", "heading_line": 0,
             "action": "flag_review"})
CHEMO = [row("901540", 6, chapter="other"), row("901550", 10, chapter="other"), row("901555", 8, chapter="other"),
         row("901565", 3, chapter="other")]
case("INP-17-2-chemotherapy-physician-absent", "INP-17-2", "A chemotherapy session without the physician in the centre",
     tariff=CHEMO, bill={"headings": H(other=(6_000_000, [line("901540", physician_present=False,
                                                               requested=6_000_000)]))},
     expect={"rules": ["INP-17-2"], "mark": "zero", "heading": "other", "heading_line": 0, "approved_rial": 0})
case("INP-17-3-pleural-chemotherapy-by-nurse", "INP-17-3", "901555 (into the pleural cavity) done by a nurse",
     tariff=CHEMO, bill={"headings": H(other=(8_000_000, [line("901555", requested=8_000_000, performed_by={
         "council_no": None, "name": "پرستار", "role": "nurse"})]))},
     expect={"rules": ["INP-17-3"], "mark": "zero", "heading": "other", "heading_line": 0, "approved_rial": 0})
case("INP-17-6-ten-hour-infusion-as-two-sessions", "INP-17-6",
     "A 10-hour chemotherapy billed as two 901540 (12,000,000): one 901550 — 10,000,000",
     tariff=CHEMO, bill={"headings": H(other=(12_000_000, [line("901540", qty=2, hours=10, requested=12_000_000)]))},
     expect={"rules": ["INP-17-6"], "mark": "circle", "heading": "other", "heading_line": 0, "paid_code": "901550",
             "approved_rial": 10_000_000})
case("INP-17-6-pump-code-twice", "INP-17-6", "901550 with the pump billed twice in one bill: only once",
     tariff=CHEMO, bill={"headings": H(other=(20_000_000, [line("901550", pump=True, requested=10_000_000),
                                                           line("901550", on="1404/07/03", pump=True,
                                                                requested=10_000_000)]))},
     expect={"rules": ["INP-17-6"], "mark": "zero", "heading": "other", "heading_line": 1, "approved_rial": 0})
case("INP-17-7-pump-refill-next-day", "INP-17-7", "The pump refilled on the next day billed as 901550: 901565",
     tariff=CHEMO, bill={"headings": H(other=(10_000_000, [line("901550", on="1404/07/03", pump=True, refill=True,
                                                                requested=10_000_000)]))},
     expect={"rules": ["INP-17-7"], "mark": "circle", "heading": "other", "heading_line": 0, "paid_code": "901565",
             "approved_rial": 3_000_000})
case("INP-17-8-rituximab-injection-during-chemo", "INP-17-8",
     "The physician's rituximab injection billed apart on the chemotherapy day",
     tariff=CHEMO + [row("901520", 2, chapter="other")],
     bill={"headings": H(other=(8_000_000, [line("901540", requested=6_000_000),
                                            line("901520", drug="rituximab", service="injection",
                                                 requested=2_000_000)]))},
     expect={"rules": ["INP-17-8"], "mark": "zero", "heading": "other", "heading_line": 1, "approved_rial": 0})
case("INP-18-1-three-lead-ecg", "INP-18-1", "An ECG of 3 leads (a rhythm strip) billed as 900710",
     tariff=[row("900710", 0.7, 0.3, chapter="other")],
     bill={"headings": H(other=(1_000_000, [line("900710", leads=3, ordered=True, requested=1_000_000)]))},
     expect={"rules": ["INP-18-1"], "mark": "zero", "heading": "other", "heading_line": 0, "approved_rial": 0})
case("INP-18-1-twelve-lead-ecg-ok", "INP-18-1", "A standard 12-lead ECG ordered by the physician: 1,000,000",
     tariff=[row("900710", 0.7, 0.3, chapter="other")],
     bill={"headings": H(other=(1_000_000, [line("900710", leads=12, ordered=True, requested=1_000_000)]))},
     expect={"mark": "tick", "heading": "other", "heading_line": 0, "approved_rial": 1_000_000})
case("INP-18-2-monitoring-six-hours", "INP-18-2", "Cardiac monitoring 900770 for 6 hours: at least 8 are needed",
     tariff=[row("900770", 1.2, 0.8, chapter="other")],
     bill={"headings": H(other=(2_000_000, [line("900770", hours=6, requested=2_000_000)]))},
     expect={"rules": ["INP-18-2"], "mark": "zero", "heading": "other", "heading_line": 0, "approved_rial": 0})
DIAL = [row("900140", 17, chapter="other"), row("900145", 15, chapter="other"), row("900155", 12, chapter="other")]
case("INP-19-1-acute-dialysis-private", "INP-19-1",
     "Acute haemodialysis in a private hospital billed at 30,000,000: 26 K a session = 26,000,000",
     provider={"sector": "private", "teaching": False}, tariff=DIAL,
     bill={"headings": H(other=(30_000_000, [line("900140", requested=30_000_000)]))},
     expect={"rules": ["INP-19-1"], "mark": "circle", "heading": "other", "heading_line": 0,
             "approved_rial": 26_000_000})
case("INP-19-1-seventh-acute-session", "INP-19-1", "A 7th acute dialysis session: beyond the first six",
     tariff=DIAL,
     bill={"discharged_at": "1404/07/09 10:00",
           "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/09 10:00"}],
           "headings": H(other=(119_000_000, [line("900140", on=f"1404/07/0{d}", requested=17_000_000)
                                              for d in range(1, 8)]))},
     expect={"rules": ["INP-19-1"], "mark": None, "heading": "other", "heading_line": 6, "action": "flag_review"})
case("INP-19-2-chronic-dialysis-government", "INP-19-2",
     "Chronic haemodialysis in a government hospital billed at 16,000,000: 15 K = 15,000,000",
     tariff=DIAL, bill={"headings": H(other=(16_000_000, [line("900145", requested=16_000_000)]))},
     expect={"rules": ["INP-19-2"], "mark": "circle", "heading": "other", "heading_line": 0,
             "approved_rial": 15_000_000})
case("INP-19-3-nephrologist-management-twice-a-month", "INP-19-3",
     "900155 (training and management by the nephrologist) twice in Mehr: once a month",
     tariff=DIAL, bill={"headings": H(other=(24_000_000, [line("900155", requested=12_000_000),
                                                          line("900155", on="1404/07/03", requested=12_000_000)]))},
     expect={"rules": ["INP-19-3"], "mark": "zero", "heading": "other", "heading_line": 1, "approved_rial": 0})
case("RVU-86-portable-claimed-in-department", "RVU-86",
     "Modifier 86 (+80 %) on a radiograph done in the radiology department: 4,500,000 (billed 8,100,000)",
     tariff=[row("700245", 4.5, chapter="radiology")],
     bill={"headings": H(imaging=(8_100_000, [line("700245", ordered=True, modifiers=["86"],
                                                   place="radiology_department", requested=8_100_000)]))},
     expect={"rules": ["RVU-86"], "mark": "circle", "heading": "imaging", "heading_line": 0,
             "approved_rial": 4_500_000})
case("RVU-86-portable-at-bedside-ok", "RVU-86", "The same radiograph done portably at the bedside: 180 % = 8,100,000",
     tariff=[row("700245", 4.5, chapter="radiology")],
     bill={"headings": H(imaging=(8_100_000, [line("700245", ordered=True, modifiers=["86"], place="bedside",
                                                   requested=8_100_000)]))},
     expect={"mark": "tick", "heading": "imaging", "heading_line": 0, "approved_rial": 8_100_000})
PRIVATE = {"sector": "private", "teaching": False}
case("INP-3-A-N1-private-tariff-lab-line", "INP-3-A-N1",
     "A private hospital bills ferritin at its private tariff (6,000,000): the insurer pays the government 4,000,000",
     provider=PRIVATE, tariff=[row("801170", 4, chapter="laboratory")],
     bill={"headings": H(lab=(6_000_000, [line("801170", ordered=True, results=True, requested=6_000_000)]))},
     expect={"rules": ["INP-3-A-N1"], "mark": "circle", "heading": "lab", "heading_line": 0,
             "approved_rial": 4_000_000})
case("INP-3-A-N1-private-hoteling", "INP-3-A-N1",
     "A private hospital bills 3 bed-days at its private rate (36,000,000 a day): government rate, 60,000,000",
     provider=PRIVATE, bill={"headings": H(hoteling=108_000_000)},
     expect={"rules": ["INP-3-A-N1"], "mark": "circle", "heading": "hoteling", "approved_rial": 60_000_000})
case("INP-3-A-N2-star-service-line", "INP-3-A-N2", "A star (*) service line on the bill: not the insurer's unless covered",
     tariff=[row("100015", 2, flags="*", chapter="other")],
     bill={"headings": H(other=(2_000_000, [line("100015", requested=2_000_000)]))},
     expect={"rules": ["INP-3-A-N2"], "mark": None, "heading": "other", "heading_line": 0, "action": "flag_review"})
case("INP-10-K-1-ocular-shell", "INP-10-K-1", "The cosmetic shell of an eye prosthesis billed as a supply",
     bill={"headings": H(supplies=(5_000_000, [line(None, name="پوسته چشم مصنوعی", category="ocular_shell",
                                                    unit_price=5_000_000, ordered=True)]))},
     expect={"rules": ["INP-10-K-1"], "mark": "zero", "heading": "supplies", "heading_line": 0, "approved_rial": 0})
case("INP-10-K-3-cornea-as-supply", "INP-10-K-3", "A donor cornea charged as a supply item at 20,000,000: paid "
     "under 602055 (15 RV × 1,000,000 = 15,000,000)",
     tariff=[row("602055", 15, chapter="other")],
     bill={"headings": H(supplies=(20_000_000, [line(None, name="قرنیه", category="cornea", unit_price=20_000_000,
                                                     ordered=True)]))},
     expect={"rules": ["INP-10-K-3"], "mark": "circle", "heading": "supplies", "heading_line": 0,
             "paid_code": "602055", "approved_rial": 15_000_000})

# ======================================================================================================= global packages

APPX = {"global_package_tariff": dated({"appendectomy": {"1": {"total": 40_000_000, "hoteling": 6_000_000},
                                                          "2": {"total": 38_000_000, "hoteling": 4_000_000}},
                                         "caesarean_section": {"any": {"total": 60_000_000,
                                                                       "hoteling": 12_000_000}},
                                         "normal_delivery": {"any": {"total": 45_000_000, "hoteling": 8_000_000}},
                                         "incisional_hernia_repair": {"1": {"total": 50_000_000,
                                                                            "hoteling": 6_000_000}}}),
        "global_package_components": dated({"appendectomy": {"surgeon_rvu": 40, "anesthesia_units": 7},
                                            "caesarean_section": {"surgeon_rvu": 45, "anesthesia_units": 8,
                                                                  "healthy_newborn_initial_visit_rvu": 2},
                                            "normal_delivery": {"surgeon_rvu": 40, "anesthesia_units": 6,
                                                                "healthy_newborn_initial_visit_rvu": 2}})}


def gp(name="appendectomy", requested=40_000_000, **kw):
    g = {"name": name, "name_fa": "عمل گلوبال", "grade": "1", "requested": requested}
    g.update(kw)
    return g


case("INP-22-1-package-above-tariff", "INP-22-1", "Appendectomy package billed 45,000,000: grade-1 tariff 40,000,000",
     params=APPX, bill={"global_package": gp(requested=45_000_000)},
     expect={"rules": ["INP-22-1"], "mark": "circle", "heading": "global_package", "approved_rial": 40_000_000})
case("INP-22-1-priced-at-another-grade", "INP-22-1",
     "A grade-2 hospital bills the package at the grade-1 tariff (40,000,000): its own grade's 38,000,000",
     params=APPX, provider={"accreditation": {"hospital": "2"}}, bill={"global_package": gp()},
     expect={"rules": ["INP-22-1"], "mark": "circle", "heading": "global_package", "approved_rial": 38_000_000})
case("INP-22-2-limited-surgery-centre-package", "INP-22-2",
     "The package in a limited surgery centre: the hoteling part (6,000,000) comes off — 34,000,000",
     params=APPX, provider={"kind": "limited_surgery_center"},
     bill={"global_package": gp(), "admitted_at": "1404/07/01 08:00", "discharged_at": "1404/07/01 14:00",
           "stays": []},
     expect={"rules": ["INP-22-2"], "mark": "circle", "heading": "global_package", "approved_rial": 34_000_000})
case("INP-22-3-N1-mesh-in-appendectomy", "INP-22-3-N1", "A mesh added to an appendectomy package: mesh only for incisional hernia",
     params=APPX, bill={"global_package": gp(), "headings": H(supplies=(9_000_000, [
         line(None, name="مش", category="hernia_mesh_15x15", prosthesis=True, unit_price=9_000_000, ordered=True,
              in_operation_note=True)]))},
     expect={"rules": ["INP-22-3-N1"], "mark": "zero", "heading": "supplies", "heading_line": 0, "approved_rial": 0})
case("INP-22-3-N1-mesh-in-incisional-hernia-ok", "INP-22-3-N1",
     "A mesh in an incisional hernia package: a prosthesis added to the package (INP-22-3)",
     params=APPX, bill={"global_package": gp("incisional_hernia_repair", 50_000_000), "headings": H(supplies=(
         9_000_000, [line(None, name="مش", category="hernia_mesh_15x15", prosthesis=True, unit_price=9_000_000,
                          ordered=True, in_operation_note=True)]))},
     expect={"mark": "tick", "heading": "supplies", "heading_line": 0, "approved_rial": 9_000_000,
             "absent_rules": ["INP-22-3-N1", "INP-22-5"]})
case("INP-22-5-ct-outside-the-package-ok", "INP-22-5",
     "A CT scan in a global appendectomy is not in the package (INP-22-4): added apart",
     params=APPX, tariff=[row("702875", 35, chapter="ct")],
     bill={"global_package": gp(), "headings": H(imaging=(35_000_000, [line("702875", ordered=True, report=True,
                                                                          requested=35_000_000)]))},
     expect={"mark": "tick", "heading": "imaging", "heading_line": 0, "approved_rial": 35_000_000})
case("INP-22-6-icu-stay-in-a-package", "INP-22-6",
     "A global appendectomy with an ICU stay: the file leaves the package and is priced item by item",
     params=APPX, bill={"global_package": gp(), "stays": ICU3},
     expect={"rules": ["INP-22-6"], "mark": None, "heading": "global_package", "action": "flag_review"})
case("INP-22-8-surgeon-fee-beside-the-package", "INP-22-8",
     "A surgeon's fee billed beside the appendectomy package: inside the package",
     params=APPX, tariff=[T_MAIN],
     bill={"global_package": gp(), "procedures": [proc("300100")], "headings": H(surgeon=40_000_000)},
     expect={"rules": ["INP-22-8"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-22-8-package-billed-itemised", "INP-22-8",
     "An appendectomy (a package code) billed item by item: paid at most the grade-1 package tariff (40,000,000); "
     "the itemised bill (surgeon 40 RV × 1,000,000 = 40,000,000) is not above it — paid as billed (ماده ۲۲-۸: only "
     "the excess over the tariff is not payable)",
     params={**APPX, "global_package_codes": dated({"appendectomy": ["470100"]})},
     tariff=[row("470100", 40, base=5, desc="آپاندکتومی")],
     bill={"procedures": [proc("470100")], "headings": H(surgeon=40_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 40_000_000,
             "computed": {"global_cap": {"package": "appendectomy", "grade": "1", "tariff": 40_000_000,
                                         "itemised": 40_000_000, "deducted": 0}}})
case("INP-22-10-modifier-63-on-the-package", "INP-22-10",
     "Appendectomy package for a 2-year-old: +25 % of the surgeon (40) and anaesthesia (7) values = 11,750,000 "
     "added; 20,000,000 was claimed for the modifier",
     params=APPX, bill={"insured": {"birth_date": "1402/05/01"},
                        "global_package": gp(modifiers=["63"], modifier_requested=20_000_000)},
     expect={"rules": ["INP-22-10"], "mark": "circle", "heading": "global_package", "approved_rial": 51_750_000})
case("INP-22-10-modifier-63-right-ok", "INP-22-10", "The same with 11,750,000 claimed: 51,750,000",
     params=APPX, bill={"insured": {"birth_date": "1402/05/01"},
                        "global_package": gp(modifiers=["63"], modifier_requested=11_750_000)},
     expect={"mark": "tick", "heading": "global_package", "approved_rial": 51_750_000})
case("INP-22-10-repeat-operation-leaves-package", "INP-22-10",
     "A global operation with modifier 53: it leaves the package and is priced item by item",
     params=APPX, bill={"global_package": gp(modifiers=["53"])},
     expect={"rules": ["INP-22-10"], "mark": None, "heading": "global_package", "action": "flag_review"})
case("INP-22-11-second-k-surgeon-only", "INP-22-11",
     "Full-time surgeon, ordinary anaesthesiologist: the second K is the surgeon's 40 RV only (40,000,000); "
     "47,000,000 was claimed",
     params=APPX, tariff=[row("470100", 40, base=5)],
     bill={"global_package": gp(full_time_addition_requested=47_000_000),
           "procedures": [proc("470100", surgeon={**SURGEON, "full_time_faculty": True})], "anesthesia": [anes()]},
     expect={"rules": ["INP-22-11"], "mark": "circle", "heading": "global_package", "approved_rial": 80_000_000})
case("INP-10-H-1-government-delivery-itemised", "INP-10-H-1",
     "A caesarean billed item by item in a government hospital: deliveries there are paid as a global package",
     tariff=[row("501900", 40, base=6)],
     bill={"insured": {"sex": "F"}, "delivery": "caesarean", "procedures": [proc("501900")],
           "headings": H(surgeon=40_000_000)},
     expect={"rules": ["INP-10-H-1"], "mark": None, "action": "flag_review"})
case("INP-10-H-3-labour-analgesia-added", "INP-10-H-3",
     "Government hospital, global normal delivery with the anaesthesiologist's labour analgesia: the delivery's "
     "anaesthesia value (6 units) = 6,000,000 added to the package",
     params=APPX,
     bill={"insured": {"sex": "F"}, "delivery": "normal", "global_package": gp("normal_delivery", 45_000_000),
           "anesthesia": [anes(method="epidural_labour_analgesia")], "headings": H(anesthesia=6_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 6_000_000,
             "absent_rules": ["INP-10-H-3", "INP-22-8"]})
case("INP-10-H-3-labour-analgesia-above-value", "INP-10-H-3",
     "The same labour analgesia billed at 9,000,000: the delivery's anaesthesia value is 6,000,000",
     params=APPX,
     bill={"insured": {"sex": "F"}, "delivery": "normal", "global_package": gp("normal_delivery", 45_000_000),
           "anesthesia": [anes(method="epidural_labour_analgesia")], "headings": H(anesthesia=9_000_000)},
     expect={"rules": ["INP-10-H-3"], "mark": "circle", "heading": "anesthesia", "approved_rial": 6_000_000})
case("INP-10-H-5-caesarean-on-request", "INP-10-H-5",
     "A global caesarean (tariff 60,000,000) whose admission order says «به درخواست مادر» (no medical indication): "
     "20 K × 1,000,000 off the global total → 40,000,000",
     params=APPX,
     bill={"insured": {"sex": "F"}, "delivery": "caesarean", "global_package": gp("caesarean_section", 60_000_000),
           "admission_order": {"diagnosis": "سزارین انتخابی به درخواست مادر"}},
     expect={"rules": ["INP-10-H-5"], "mark": "circle", "heading": "global_package", "approved": 40_000_000})
case("INP-10-H-5-elective-caesarean-review", "INP-10-H-5",
     "A global caesarean recorded only as «انتخابی» (elective): whether it had an indication is the reviewer's call",
     params=APPX,
     bill={"insured": {"sex": "F"}, "delivery": "caesarean", "global_package": gp("caesarean_section", 60_000_000),
           "admission_order": {"diagnosis": "سزارین انتخابی"}},
     expect={"rules": ["INP-10-H-5"], "mark": None, "heading": "global_package", "action": "flag_review",
             "approved": 60_000_000})
case("INP-10-H-6-nst-with-global-delivery", "INP-10-H-6", "NST (502090) billed beside a global caesarean",
     params=APPX, tariff=[row("502090", 2, chapter="other")],
     bill={"insured": {"sex": "F"}, "delivery": "caesarean", "global_package": gp("caesarean_section", 60_000_000),
           "headings": H(other=(2_000_000, [line("502090", requested=2_000_000)]))},
     expect={"rules": ["INP-10-H-6"], "mark": "zero", "heading": "other", "heading_line": 0, "approved_rial": 0})


# -- an itemised global operation at most at the global tariff (INP-22-8, INP-10-H-1): the headings inside the package
# (hoteling, nursing, visits, surgeon, assistant, anaesthesia, OR — INP-22-8; consultations, lab, imaging, drugs,
# supplies, other less INP-22-3/4's exceptions — INP-22-5) capped at the tariff of the grade + ماده ۲۲-۱۰ additions;
# the excess off them in proportion to their approved amounts (the rounding remainder to the largest).
CAP = {"global_package_tariff": dated({"caesarean_section": {"1": {"total": 89_000_000, "hoteling": 40_000_000},
                                                             "2": {"total": 80_000_000, "hoteling": 31_000_000}},
                                       "normal_delivery": {"1": {"total": 31_700_000, "hoteling": 20_000_000}},
                                       "appendectomy": {"1": {"total": 65_300_000, "hoteling": 15_000_000}}}),
       "global_package_components": dated({"caesarean_section": {"surgeon_rvu": 30, "anesthesia_units": 7,
                                                                 "healthy_newborn_initial_visit_rvu": 2},
                                           "normal_delivery": {"surgeon_rvu": 20, "anesthesia_units": 5,
                                                               "healthy_newborn_initial_visit_rvu": 2},
                                           "appendectomy": {"surgeon_rvu": 40, "anesthesia_units": 5}}),
       "global_package_codes": dated({"caesarean_section": ["502175"], "normal_delivery": ["502165"],
                                      "appendectomy": ["470100"]})}
T_CS = row("502175", 30, base=7, desc="سزارین")
T_NVD = row("502165", 20, base=5, desc="زایمان طبیعی")
T_APPX = row("470100", 40, base=5, desc="آپاندکتومی")
T_CBC = row("801195", 1.0, chapter="laboratory", desc="شمارش کامل سلول‌های خون")
T_CT = row("702875", 35, chapter="ct", desc="سی تی اسکن شکم و لگن")
OBGYN = {"council_no": "S-300", "name": "متخصص زنان", "specialty": "obstetrics_gynecology", "role": "physician"}
MOTHER = {"sex": "F", "birth_date": "1375/03/01"}
CS_ORDER = {"prescriber": OBGYN, "diagnosis": "حاملگی ترم - دیسترس جنین", "on": "1404/07/01", "sheet": "second"}
CS_2DAYS = {"insured": MOTHER, "delivery": "caesarean", "admission_order": CS_ORDER,
            "discharged_at": "1404/07/03 10:00",
            "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/03 10:00"}],
            "procedures": [proc("502175", surgeon=OBGYN)], "anesthesia": [anes()]}
CS_DRUGS = [line(None, name="سفازولین", irc="IRC-1", qty=4, unit_price=400_000, ordered=True)]
case("INP-22-8-cap-caesarean-above-the-tariff", "INP-22-8",
     "Government university hospital, grade 1: a caesarean (502175, a code of the caesarean_section package) billed "
     "item by item, every heading at its computed amount — hoteling 2 bed-days × 20,000,000 = 40,000,000; nursing "
     "6 % = 2,400,000; surgeon 30 RV = 30,000,000; anaesthesia base 7 + time 6 + recovery 1 = 14 units = "
     "14,000,000; OR 40 % × 30 = 12 units = 12,000,000; drugs 4 × 400,000 = 1,600,000 (inside the package, ماده "
     "۲۲-۵): 100,000,000. Global tariff of grade 1 = 89,000,000 + modifier 39 (1 recovery unit × 1,000,000, "
     "ماده ۲۲-۱۰) = 90,000,000 (ماده ۲۲-۸ and ۱۰-ح-۱). Excess 10,000,000 = 10 % of each heading: hoteling "
     "36,000,000, nursing 2,160,000, surgeon 27,000,000, anaesthesia 12,600,000, OR 10,800,000, drugs 1,440,000 — "
     "approved 90,000,000",
     params=CAP, tariff=[T_CS],
     bill={**CS_2DAYS, "headings": H(hoteling=40_000_000, nursing=2_400_000, surgeon=30_000_000,
                                     anesthesia=14_000_000, operating_room=12_000_000,
                                     drugs=(1_600_000, CS_DRUGS))},
     expect={"rules": ["INP-22-8", "INP-10-H-1"], "mark": "circle", "heading": "surgeon",
             "approved_rial": 27_000_000, "bill_approved": 90_000_000,
             "computed": {"bed_days": 2,
                          "global_cap": {"package": "caesarean_section", "grade": "1", "tariff": 89_000_000,
                                         "additions": 1_000_000, "cap": 90_000_000, "itemised": 100_000_000,
                                         "deducted": 10_000_000}}})
case("INP-22-8-cap-caesarean-below-the-tariff-ok", "INP-22-8",
     "The same caesarean with one bed-day (admitted 1404/07/02 08:00, discharged 1404/07/03 08:00): hoteling "
     "20,000,000 + nursing 1,200,000 + surgeon 30,000,000 + anaesthesia 14,000,000 + OR 12,000,000 + drugs "
     "1,600,000 = 78,800,000, below the 90,000,000 of the global tariff with its addition: paid item by item as "
     "billed (the tariff is a ceiling, never a raise)",
     params=CAP, tariff=[T_CS],
     bill={**CS_2DAYS, "admitted_at": "1404/07/02 08:00", "discharged_at": "1404/07/03 08:00",
           "admission_order": {**CS_ORDER, "on": "1404/07/02"},
           "stays": [{"ward": "general", "beds": 3, "from": "1404/07/02 08:00", "to": "1404/07/03 08:00"}],
           "headings": H(hoteling=20_000_000, nursing=1_200_000, surgeon=30_000_000, anesthesia=14_000_000,
                         operating_room=12_000_000, drugs=(1_600_000, CS_DRUGS))},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 30_000_000,
             "absent_rules": ["INP-22-8", "INP-10-H-1"],
             "computed": {"bed_days": 1,
                          "global_cap": {"package": "caesarean_section", "grade": "1", "cap": 90_000_000,
                                         "itemised": 78_800_000, "deducted": 0}}})
case("INP-22-8-cap-caesarean-with-icu-exit-ok", "INP-22-8",
     "The caesarean of the first case with its second day in the ICU: ماده ۲۲-۶ takes the file out of the global "
     "scheme (the manual's own exit), so the itemised bill (surgeon 30,000,000 + anaesthesia 14,000,000 + OR "
     "12,000,000 + hoteling, well above 90,000,000) is not capped: the surgeon is paid his 30 RV; ماده ۱۰ ح-۱ is "
     "still raised for the reviewer as before",
     params=CAP, tariff=[T_CS],
     bill={**CS_2DAYS, "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/02 10:00"},
                                 {"ward": "icu", "beds": 1, "from": "1404/07/02 10:00", "to": "1404/07/03 10:00"}],
           "headings": H(hoteling=80_000_000, surgeon=30_000_000, anesthesia=14_000_000,
                         operating_room=12_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 30_000_000, "absent_rules": ["INP-22-8"]})
case("INP-22-8-cap-no-tariff-for-the-grade", "INP-22-8",
     "The caesarean of the first case in a grade-3 hospital: the parameters give the caesarean_section package a "
     "tariff for grades 1 and 2 only (no `any` row) — the cap cannot be computed and nothing is invented: raised for "
     "the reviewer (ماده ۲۲-۸, ۱۰-ح-۱), amounts as computed item by item",
     params=CAP, tariff=[T_CS], provider={"accreditation": {"hospital": "3"}},
     bill={**CS_2DAYS, "headings": H(surgeon=30_000_000, anesthesia=14_000_000, operating_room=12_000_000)},
     expect={"rules": ["INP-22-8", "INP-10-H-1"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-10-H-1-cap-normal-delivery-above-the-tariff", "INP-10-H-1",
     "Government university hospital, grade 1: a normal delivery (502165) by the obstetrician billed item by item — "
     "hoteling 2 bed-days × 20,000,000 = 40,000,000, nursing 6 % = 2,400,000, surgeon 20 RV = 20,000,000, a blood "
     "count (801195, 1 RV) 1,000,000 = 63,400,000; ماده ۱۰ ح-۱: paid under the global regulations — the normal "
     "delivery tariff of grade 1 is 31,700,000 (no anaesthesia, no modifier to add). Excess 31,700,000 = 50 % of each: "
     "hoteling 20,000,000, nursing 1,200,000, surgeon 10,000,000, lab 500,000",
     params=CAP, tariff=[T_NVD, T_CBC],
     bill={"insured": MOTHER, "delivery": "normal", "admission_order": CS_ORDER,
           "discharged_at": "1404/07/03 10:00",
           "stays": [{"ward": "general", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/03 10:00"}],
           "procedures": [proc("502165", surgeon=OBGYN, surgery_start="1404/07/02 10:00",
                               surgery_end="1404/07/02 11:00")],
           "headings": H(hoteling=40_000_000, nursing=2_400_000, surgeon=20_000_000,
                         lab=(1_000_000, [line("801195", ordered=True, results=True, requested=1_000_000)]))},
     expect={"rules": ["INP-10-H-1", "INP-22-8"], "mark": "circle", "heading": "lab", "heading_line": 0,
             "approved_rial": 500_000,
             "computed": {"global_cap": {"package": "normal_delivery", "grade": "1", "tariff": 31_700_000,
                                         "additions": 0, "cap": 31_700_000, "itemised": 63_400_000,
                                         "deducted": 31_700_000}}})
case("INP-22-8-cap-appendectomy-ct-outside-the-package", "INP-22-8",
     "Government hospital, grade 1 (not a delivery: ماده ۱۰ ح-۱ not cited): an appendectomy (470100) billed item by "
     "item — hoteling 3 × 20,000,000 = 60,000,000, nursing 3,600,000, surgeon 40,000,000, anaesthesia 5 + 6 + 1 = "
     "12,000,000, OR 40 % × 40 = 16,000,000, a blood count 1,000,000 = 132,600,000 inside the package, and an "
     "abdominal CT (702875, 35,000,000) outside it (ماده ۲۲-۴). Tariff 65,300,000 + 39 (1 unit) = 66,300,000: "
     "excess 66,300,000 = half of each heading inside (hoteling 30,000,000, nursing 1,800,000, surgeon 20,000,000, "
     "anaesthesia 6,000,000, OR 8,000,000, lab 500,000); the CT is paid apart as billed",
     params=CAP, tariff=[T_APPX, T_CBC, T_CT],
     bill={"procedures": [proc("470100")], "anesthesia": [anes()],
           "headings": H(hoteling=60_000_000, nursing=3_600_000, surgeon=40_000_000, anesthesia=12_000_000,
                         operating_room=16_000_000,
                         lab=(1_000_000, [line("801195", ordered=True, results=True, requested=1_000_000)]),
                         imaging=(35_000_000, [line("702875", ordered=True, report=True, requested=35_000_000)]))},
     expect={"rules": ["INP-22-8"], "mark": "tick", "heading": "imaging", "heading_line": 0,
             "approved_rial": 35_000_000, "absent_rules": ["INP-10-H-1"],
             "computed": {"global_cap": {"package": "appendectomy", "grade": "1", "tariff": 65_300_000,
                                         "additions": 1_000_000, "cap": 66_300_000, "itemised": 132_600_000,
                                         "deducted": 66_300_000}}})


# ======================================================================================================= accidents, coverage

case("INP-23-A-3-traffic-accident-admission", "INP-23-A-3",
     "Admitted after a road accident: the Ministry of Health pays up to two months after discharge — the whole bill",
     bill={"accident": {"kind": "traffic", "on": "1404/07/01"}, "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-23-A-3"], "mark": "zero", "approved_rial": 0})
case("INP-23-A-3-student-accident-ok", "INP-23-A-3",
     "A school student's accident: the basic insurer pays its share (INP-23-B), the accident insurance the rest",
     bill={"accident": {"kind": "student", "on": "1404/07/01"}, "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "approved_rial": 60_000_000, "absent_rules": ["INP-23-A-3", "INP-23-B"]})
case("INP-23-A-3-readmission-after-three-months-ok", "INP-23-A-3",
     "Readmitted for the accident 3 months after the first discharge (1404/04/01): past the two months — paid",
     bill={"accident": {"kind": "traffic", "on": "1404/03/20", "first_discharged_on": "1404/04/01"},
           "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "approved_rial": 60_000_000, "absent_rules": ["INP-23-A-3", "RVU-99"]})
case("RVU-99-readmission-in-follow-up-period", "RVU-99",
     "Readmitted on 07/01 after a first discharge on 1404/06/10: inside the two-month follow-up — not the insurer's",
     bill={"accident": {"kind": "traffic", "on": "1404/06/01", "first_discharged_on": "1404/06/10"},
           "headings": H(hoteling=60_000_000)},
     expect={"rules": ["RVU-99", "INP-23-A-3"], "mark": "zero", "approved_rial": 0})
case("INP-10-L-3-assault-assailant-known", "INP-10-L-3",
     "Injuries from an assault by a known stranger who did not flee: not the insurer's",
     bill={"injury": {"cause": "assault", "assailant": {"relation": "none", "identity": "known", "fled": False,
                                                        "mental_disorder": False}, "judicial_confirmation": True},
           "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-10-L-3"], "mark": "zero", "approved_rial": 0})
case("INP-10-L-3-family-fight-ok", "INP-10-L-3", "Injuries from a fight with the spouse: covered",
     bill={"injury": {"cause": "assault", "assailant": {"relation": "spouse", "identity": "known", "fled": False}},
           "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "approved_rial": 60_000_000})
case("INP-10-L-3-assailant-fled-confirmed-ok", "INP-10-L-3",
     "The assailant fled and the judiciary confirms it: covered",
     bill={"injury": {"cause": "assault", "assailant": {"relation": "none", "identity": "unknown", "fled": True},
                      "judicial_confirmation": True}, "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "approved_rial": 60_000_000})
case("INP-10-L-4-work-accident-employer-liable", "INP-10-L-4", "A work accident the employer is liable for",
     bill={"accident": {"kind": "work", "on": "1404/07/01", "employer_liable": True},
           "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-10-L-4"], "mark": "zero", "approved_rial": 0})
case("INP-10-L-4-work-accident-liability-unknown", "INP-10-L-4",
     "A work accident, the employer's liability not established: a human decides",
     bill={"accident": {"kind": "work", "on": "1404/07/01", "employer_liable": None},
           "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-10-L-4"], "mark": None, "action": "flag_review"})
case("INP-3-A-N3-special-patient", "INP-3-A-N3",
     "A registered special patient: the franchise follows the Supreme Insurance Council's rules",
     bill={"insured": {"special_patient": True}, "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-3-A-N3"], "mark": None, "action": "flag_review"})
case("INP-21-1-operation-off-the-lsc-list", "INP-21-1",
     "A limited surgery centre operates outside the Ministry's permitted list",
     provider={"kind": "limited_surgery_center"}, params={"lsc_permitted_codes": dated(["100165"])},
     tariff=[T_MAIN],
     bill={"discharged_at": "1404/07/01 16:00", "stays": [], "procedures": [proc("300100", on="1404/07/01")],
           "headings": H(surgeon=40_000_000)},
     expect={"rules": ["INP-21-1"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-21-2-limited-surgery-centre-franchise", "INP-21-2",
     "A limited surgery centre: franchise 10 %, the insurer 90 % of the government tariff — 40,000,000 → "
     "36,000,000 / 4,000,000",
     provider={"kind": "limited_surgery_center"}, params={"lsc_permitted_codes": dated(["300100"])},
     tariff=[T_MAIN],
     bill={"discharged_at": "1404/07/01 16:00", "stays": [], "procedures": [proc("300100", on="1404/07/01")],
           "headings": H(surgeon=40_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 40_000_000,
             "computed": {"bill_class": "lsc", "franchise": 0.1, "org_share": 36_000_000,
                          "insured_share": 4_000_000}})
case("INP-3-B-1-observation-franchise", "INP-3-B-1",
     "Four hours under observation in the emergency department: observation class — the outpatient franchise (0.30)",
     tariff=[row("801170", 4, chapter="laboratory")],
     bill={"admitted_at": "1404/07/01 08:00", "discharged_at": "1404/07/01 12:00", "inpatient_file": False,
           "stays": [{"ward": "emergency_observation", "from": "1404/07/01 08:00", "to": "1404/07/01 12:00"}],
           "headings": H(lab=(4_000_000, [line("801170", on="1404/07/01", ordered=True, results=True,
                                               requested=4_000_000)]))},
     expect={"mark": "tick", "heading": "lab", "approved_rial": 4_000_000,
             "computed": {"bill_class": "observation", "franchise": 0.3, "org_share": 2_800_000,
                          "insured_share": 1_200_000}})
case("INP-5-A-1-inpatient-franchise", "INP-5-A-1",
     "Three days in a ward with an inpatient file: inpatient class, franchise 10 % — 60,000,000 → 54,000,000 / "
     "6,000,000",
     bill={"headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "approved_rial": 60_000_000,
             "computed": {"bill_class": "inpatient", "franchise": 0.1, "org_share": 54_000_000,
                          "insured_share": 6_000_000}})

# ======================================================================================================= supporting documents

case("INP-4-B-1-no-diagnosis-on-admission-order", "INP-4-B-1", "The admission order has no initial diagnosis",
     bill={"admission_order": {"diagnosis": None}, "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-4-B-1"], "mark": None, "action": "flag_review"})
case("INP-4-B-1-N1-letterhead-order-not-emergency", "INP-4-B-1-N1",
     "An admission order on hospital letterhead for a non-emergency admission",
     bill={"emergency": False, "admission_order": {"sheet": "letterhead"}, "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-4-B-1-N1"], "mark": None, "action": "flag_review"})
case("INP-4-B-1-N1-letterhead-in-emergency-ok", "INP-4-B-1-N1", "The same order in the emergency department",
     bill={"emergency": True, "admission_order": {"sheet": "letterhead"}, "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick"})
case("INP-4-B-2-card-copy-without-photo", "INP-4-B-2",
     "The insurance-card copy has no photograph; the insured (iranians fund) is 44",
     bill={"paper": {"card_copy_photo": False}, "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-4-B-2"], "mark": None, "action": "flag_review"})
case("INP-4-B-2-rural-child-of-six-ok", "INP-4-B-2", "A rural insured of 6: no photograph is needed",
     bill={"insured": {"fund": "rural", "birth_date": "1398/05/01"}, "paper": {"card_copy_photo": False},
           "headings": H(hoteling=60_000_000)},
     batch={"fund": "rural"},
     expect={"mark": "tick"})
case("INP-4-B-4-no-operation-note", "INP-4-B-4", "An operation billed with no operation note attached",
     tariff=[T_MAIN],
     bill={"attachments": ["insurance_card_copy", "anesthesia_sheet"], "procedures": [proc("300100")],
           "headings": H(surgeon=40_000_000)},
     expect={"rules": ["INP-4-B-4"], "mark": None, "action": "flag_review"})
case("INP-4-B-5-no-anaesthesia-sheet", "INP-4-B-5", "An anaesthesia billed without the anaesthesia sheet",
     tariff=[T_MAIN],
     bill={"attachments": ["insurance_card_copy", "operation_note"], "procedures": [proc("300100")],
           "anesthesia": [anes()], "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["INP-4-B-5"], "mark": None, "action": "flag_review"})
case("INP-4-B-8-no-drug-list", "INP-4-B-8", "Drugs billed without the pharmacy's drug list",
     bill={"attachments": ["insurance_card_copy"], "headings": H(drugs=(1_000_000, [
         line(None, name="دارو", irc="IRC-1", qty=1, unit_price=1_000_000, ordered=True)]))},
     expect={"rules": ["INP-4-B-8"], "mark": None, "heading": "drugs", "action": "flag_review"})
case("INP-4-B-8-global-bill-needs-no-drug-list-ok", "INP-4-B-8",
     "A global bill needs no drug list (INP-4-B-N3): its drugs are inside the package anyway",
     params=APPX, bill={"attachments": ["insurance_card_copy"], "global_package": gp()},
     expect={"mark": "tick", "heading": "global_package", "absent_rules": ["INP-4-B-8", "INP-4-B-N3"]})
case("INP-4-B-9-no-lab-list", "INP-4-B-9", "Laboratory tests billed without the certified lab list",
     tariff=[row("801170", 4, chapter="laboratory")],
     bill={"attachments": ["insurance_card_copy"], "headings": H(lab=(4_000_000, [
         line("801170", ordered=True, results=True, requested=4_000_000)]))},
     expect={"rules": ["INP-4-B-9"], "mark": None, "heading": "lab", "action": "flag_review"})
case("INP-4-B-10-no-imaging-list", "INP-4-B-10", "Imaging billed without the certified imaging list",
     tariff=[row("700245", 4.5, chapter="radiology")],
     bill={"attachments": ["insurance_card_copy"], "headings": H(imaging=(4_500_000, [
         line("700245", ordered=True, requested=4_500_000)]))},
     expect={"rules": ["INP-4-B-10"], "mark": None, "heading": "imaging", "action": "flag_review"})
case("INP-4-B-11-no-operating-room-list", "INP-4-B-11",
     "Supplies from the operating-room list billed without that list",
     bill={"attachments": ["insurance_card_copy", "drug_list"], "headings": H(supplies=(500_000, [
         line(None, name="نخ", category="suture", list="operating_room", qty=1, unit_price=500_000, ordered=True)]))},
     expect={"rules": ["INP-4-B-11"], "mark": None, "action": "flag_review"})

# ======================================================================================================= burns (ماده ۱۰ الف)

case("INP-10-A-4-declared-tbsa-differs", "INP-10-A-4",
     "An adult with both lower limbs and the head burnt: 18 + 18 + 9 = 45 % (declared 60 %)",
     bill={"burn": {"regions": [{"region": "lower_limb", "side": "left"}, {"region": "lower_limb", "side": "right"},
                                {"region": "head_face_neck"}], "tbsa_declared": 60},
           "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-10-A-4"], "mark": None, "action": "flag_review",
             "computed": {"burn": {"tbsa_percent": 45, "table": "adult"}}})
case("INP-10-A-4-child-table-ok", "INP-10-A-4",
     "A child of 10 with both lower limbs and the head burnt: 14 + 14 + 18 = 46 %, as declared",
     bill={"insured": {"birth_date": "1394/05/01"},
           "burn": {"regions": [{"region": "lower_limb", "side": "left"}, {"region": "lower_limb", "side": "right"},
                                {"region": "head_face_neck"}], "tbsa_declared": 46},
           "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "computed": {"burn": {"tbsa_percent": 46, "table": "child"}}})
case("INP-10-A-4-adult-area-cm2", "INP-10-A-4",
     "An adult: 3,400 cm² burnt = 3,400 / 170 = 20 %; the regions (upper limb and anterior trunk) give 27 % — "
     "declared 27 %",
     bill={"burn": {"regions": [{"region": "upper_limb", "side": "left"}, {"region": "trunk_anterior"}],
                    "tbsa_declared": 27, "area_cm2": 3400}, "headings": H(hoteling=60_000_000)},
     expect={"mark": "tick", "computed": {"burn": {"tbsa_percent": 27, "tbsa_from_area": 20}}})
case("INP-10-A-1-malignant-excision-no-pathology", "INP-10-A-1",
     "A malignant-lesion excision code with no specimen sent to pathology",
     params={"code_groups": dated({"malignant_excision": ["100700"]})}, tariff=[row("100700", 12, base=3)],
     bill={"procedures": [proc("100700", details={"specimen_to_pathology": False})], "headings": H(surgeon=12_000_000)},
     expect={"rules": ["INP-10-A-1"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-10-A-N1-burn-scar-cosmetic", "INP-10-A-N1",
     "A burn-scar operation marked cosmetic: burn scars are covered — the reviewer checks the purpose",
     tariff=[row("100800", 15, base=3)],
     bill={"admission_order": {"diagnosis": "اسکار سوختگی دست با محدودیت حرکتی"},
           "procedures": [proc("100800", details={"purpose": "cosmetic"})], "headings": H(surgeon=15_000_000)},
     expect={"rules": ["INP-10-A-N1"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-10-A-N2-donor-skin-with-100325", "INP-10-A-N2", "Skin harvesting billed with the graft code 100325",
     params={"code_groups": dated({"skin_graft_harvest": ["100330"]})},
     tariff=[row("100325", 20, base=4), row("100330", 6, base=3)],
     bill={"procedures": [proc("100325"), proc("100330")], "headings": H(surgeon=23_000_000)},
     expect={"rules": ["INP-10-A-N2"], "mark": "circle", "heading": "surgeon", "approved_rial": 20_000_000})

# ======================================================================================================= ماده ۱۰ by body system

def grp(**groups):
    return {"code_groups": dated({k: list(v) for k, v in groups.items()})}


case("INP-10-B-1-exploration-with-repair", "INP-10-B-1", "Wound exploration billed with the tendon repair it led to",
     params=grp(wound_exploration=["200100"], nerve_tendon_repair=["200200"]),
     tariff=[row("200100", 8, base=3), row("200200", 20, base=4)],
     bill={"procedures": [proc("200100", details={"region": "hand"}), proc("200200", details={"region": "hand"})],
           "headings": H(surgeon=24_000_000)},
     expect={"rules": ["INP-10-B-1"], "mark": "circle", "heading": "surgeon", "approved_rial": 20_000_000})
case("INP-10-B-2-osteotomy-in-orif", "INP-10-B-2", "Osteotomy billed with the open reduction of the same bone",
     params=grp(osteotomy=["201500"], orif=["201600"]), tariff=[row("201500", 12, base=4), row("201600", 30, base=5)],
     bill={"procedures": [proc("201600", details={"region": "tibia"}), proc("201500", details={"region": "tibia"})],
           "headings": H(surgeon=36_000_000)},
     expect={"rules": ["INP-10-B-2"], "mark": "circle", "heading": "surgeon", "approved_rial": 30_000_000})
CAST = [row("204535", 3, base=0), row("204400", 10, base=3)]
case("INP-10-B-3-cast-without-reduction", "INP-10-B-3",
     "A forearm cast billed with the fracture treated without reduction: the cast is part of the fracture code",
     tariff=CAST,
     bill={"procedures": [proc("204400", details={"region": "forearm", "reduction": False}),
                          proc("204535", details={"region": "forearm"})], "headings": H(surgeon=11_500_000)},
     expect={"rules": ["INP-10-B-3"], "mark": "circle", "heading": "surgeon", "approved_rial": 10_000_000})
case("INP-10-B-3-cast-after-reduction-ok", "INP-10-B-3",
     "The same cast after a reduction: not this clause (one incision: 10 + 3 × 50 %)",
     tariff=CAST,
     bill={"procedures": [proc("204400", details={"region": "forearm", "reduction": True}),
                          proc("204535", details={"region": "forearm"})], "headings": H(surgeon=11_500_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 11_500_000})
case("INP-10-B-4-capsulotomy-in-joint-operation", "INP-10-B-4", "Capsulotomy billed with an intra-articular operation",
     params=grp(capsulotomy=["202700"], intra_articular=["202800"]),
     tariff=[row("202700", 8, base=3), row("202800", 25, base=5)],
     bill={"procedures": [proc("202800", details={"region": "knee"}), proc("202700", details={"region": "knee"})],
           "headings": H(surgeon=29_000_000)},
     expect={"rules": ["INP-10-B-4"], "mark": "circle", "heading": "surgeon", "approved_rial": 25_000_000})
case("INP-10-B-5-hip-prosthesis-removed-with-general-code", "INP-10-B-5",
     "A hip prosthesis removed under the general implant-removal code: it has a specific code, so it is paid as "
     "203100 (35 RV, more than the 10,000,000 requested: paid at the request)",
     params={**grp(implant_removal_general=["203000"]), "implant_removal_codes": dated({"hip_prosthesis": "203100"})},
     tariff=[row("203000", 10, base=3), row("203100", 35, base=6)],
     bill={"procedures": [proc("203000", details={"implant": "hip_prosthesis"})], "headings": H(surgeon=10_000_000)},
     expect={"rules": ["INP-10-B-5"], "mark": "tick", "heading": "surgeon", "approved_rial": 10_000_000,
             "computed": {"procedures": [{"code": "203000", "paid_code": "203100"}]}})
case("INP-10-B-6-implant-removal-once-per-incision", "INP-10-B-6",
     "Three screws removed through one incision billed as 3 × the removal code (10 RV): once — 10,000,000 "
     "(billed 17,500,000 with the multiple-procedure percentages)",
     params=grp(implant_removal_general=["203000"]), tariff=[row("203000", 10, base=3)],
     bill={"procedures": [proc("203000", qty=3)], "headings": H(surgeon=17_500_000)},
     expect={"rules": ["INP-10-B-6"], "mark": "circle", "heading": "surgeon", "approved_rial": 10_000_000})
case("INP-10-B-8-hip-reduction-with-traction", "INP-10-B-8",
     "A hip fracture's first operation billed as skeletal traction and a reduction",
     params=grp(fracture_reduction_hip=["204800"], skeletal_traction=["204900"]),
     tariff=[row("204800", 30, base=5), row("204900", 10, base=4)],
     bill={"procedures": [proc("204900"), proc("204800")], "headings": H(surgeon=35_000_000)},
     expect={"rules": ["INP-10-B-8"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-10-B-9-scoliosis-at-thirty-without-approval", "INP-10-B-9",
     "Scoliosis correction at 44 without the scientific council's approval",
     params=grp(scoliosis_correction=["205000"]), tariff=[row("205000", 80, base=10)],
     bill={"procedures": [proc("205000", approval=None)], "headings": H(surgeon=80_000_000)},
     expect={"rules": ["INP-10-B-9"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-B-9-scoliosis-at-sixteen-ok", "INP-10-B-9", "Scoliosis correction at 16 (growth age): payable",
     params=grp(scoliosis_correction=["205000"]), tariff=[row("205000", 80, base=10)],
     bill={"insured": {"birth_date": "1388/01/01"}, "procedures": [proc("205000", approval=None)],
           "headings": H(surgeon=80_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 80_000_000})
case("INP-10-B-10-fixation-in-nonunion-repair", "INP-10-B-10", "Internal fixation billed with a nonunion repair",
     params=grp(internal_fixation=["205500"], malunion_repair=["205600"]),
     tariff=[row("205500", 15, base=4), row("205600", 35, base=6)],
     bill={"procedures": [proc("205600", details={"region": "femur"}), proc("205500", details={"region": "femur"})],
           "headings": H(surgeon=42_500_000)},
     expect={"rules": ["INP-10-B-10"], "mark": "circle", "heading": "surgeon", "approved_rial": 35_000_000})
case("INP-10-B-11-joint-replacement", "INP-10-B-11", "A knee replacement: the Cabinet's conditions are for the reviewer",
     params=grp(joint_replacement=["206000"]), tariff=[row("206000", 70, base=8)],
     bill={"procedures": [proc("206000")], "headings": H(surgeon=70_000_000)},
     expect={"rules": ["INP-10-B-11"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-10-C-1-septoplasty-and-smr-common-code", "INP-10-C-1",
     "Septoplasty (20) and SMR (15) billed apart in one session (27,500,000): their common code (25) — 25,000,000",
     params={"combined_codes": dated({"300210+300220": "300230"})},
     tariff=[row("300210", 20, base=4), row("300220", 15, base=4), row("300230", 25, base=4)],
     bill={"procedures": [proc("300210"), proc("300220")], "headings": H(surgeon=27_500_000)},
     expect={"rules": ["INP-10-C-1"], "mark": "circle", "heading": "surgeon", "approved_rial": 25_000_000,
             "computed": {"procedures": [{"code": "300210", "paid_code": "300230"}, {"code": "300220", "percent": 0}]}})
case("INP-10-C-1-2-septorhinoplasty", "INP-10-C-1-2", "A septorhinoplasty: only the septoplasty, with the expert's approval",
     params=grp(septorhinoplasty=["300240"]), tariff=[row("300240", 40, base=5)],
     bill={"procedures": [proc("300240")], "headings": H(surgeon=40_000_000)},
     expect={"rules": ["INP-10-C-1-2"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-10-C-2-maxillofacial-without-approval", "INP-10-C-2", "Jaw surgery without the insurer expert's approval",
     params=grp(maxillofacial=["300250"]), tariff=[row("300250", 50, base=6)],
     bill={"procedures": [proc("300250", approval=None)], "approval": None, "headings": H(surgeon=50_000_000)},
     expect={"rules": ["INP-10-C-2"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-C-2-maxillofacial-approved-ok", "INP-10-C-2", "The same with the expert's approval",
     params=grp(maxillofacial=["300250"]), tariff=[row("300250", 50, base=6)],
     bill={"procedures": [proc("300250", approval={"by": "کارشناس", "on": "1404/06/30", "kind": "office",
                                                   "ref": "A-9"})], "headings": H(surgeon=50_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 50_000_000})
case("INP-10-D-1-reoperation-for-bleeding", "INP-10-D-1",
     "A second operation in the same stay to stop post-operative bleeding: no separate surgeon fee (a human checks)",
     tariff=[T_MAIN, row("300260", 15, base=5)],
     bill={"procedures": [proc("300100"), proc("300260", on="1404/07/03", session=2,
                                               details={"complication": True})], "headings": H(surgeon=55_000_000)},
     expect={"rules": ["INP-10-D-1"], "mark": None, "heading": "surgeon", "action": "flag_review"})
OPEN_HEART = grp(open_heart=["600100"], cabg=["600100"], graft_harvest=["600110"], temporary_pacemaker=["600120"],
                 open_heart_prerequisite=["600130"], valve_repair=["600140"], valve_replacement=["600150"])
CARD_T = [row("600100", 120, base=20), row("600110", 10, base=4), row("600120", 8, base=4), row("600130", 6, base=3),
          row("600140", 60, base=15), row("600150", 90, base=18)]
case("INP-10-D-2-vein-harvest-with-cabg", "INP-10-D-2", "Saphenous-vein harvesting billed with the bypass",
     params=OPEN_HEART, tariff=CARD_T,
     bill={"procedures": [proc("600100"), proc("600110")], "headings": H(surgeon=125_000_000)},
     expect={"rules": ["INP-10-D-2"], "mark": "circle", "heading": "surgeon", "approved_rial": 120_000_000})
case("INP-10-D-3-N1-temporary-pacemaker-with-cabg", "INP-10-D-3-N1", "A temporary pacemaker billed with CABG",
     params=OPEN_HEART, tariff=CARD_T,
     bill={"procedures": [proc("600100"), proc("600120")], "headings": H(surgeon=124_000_000)},
     expect={"rules": ["INP-10-D-3-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 120_000_000})
case("INP-10-D-4-swan-ganz-with-open-heart", "INP-10-D-4", "A Swan-Ganz catheter billed with open-heart surgery",
     params=OPEN_HEART, tariff=CARD_T,
     bill={"procedures": [proc("600100"), proc("600130")], "headings": H(surgeon=123_000_000)},
     expect={"rules": ["INP-10-D-4"], "mark": "circle", "heading": "surgeon", "approved_rial": 120_000_000})
case("INP-10-D-5-repair-of-the-replaced-valve", "INP-10-D-5", "Repair of the mitral valve billed with its replacement",
     params=OPEN_HEART, tariff=CARD_T,
     bill={"procedures": [proc("600150", details={"valve": "mitral"}), proc("600140", details={"valve": "mitral"})],
           "headings": H(surgeon=120_000_000)},
     expect={"rules": ["INP-10-D-5"], "mark": "circle", "heading": "surgeon", "approved_rial": 90_000_000})
case("INP-10-D-5-repair-of-another-valve-ok", "INP-10-D-5",
     "Aortic replacement and tricuspid repair: another valve — 90 + 60 × 50 % = 120,000,000",
     params=OPEN_HEART, tariff=CARD_T,
     bill={"procedures": [proc("600150", details={"valve": "aortic"}), proc("600140", details={"valve": "tricuspid"})],
           "headings": H(surgeon=120_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 120_000_000})
ANGIO = grp(coronary_angiography=["900750"], peripheral_angiography=["900755"])
case("INP-10-D-6-peripheral-with-coronary-angiography", "INP-10-D-6",
     "Coronary (20) and peripheral (16) angiography in one session, separate approaches billed 100/100: the peripheral "
     "at 50 % — 20 + 8 = 28,000,000",
     params=ANGIO, tariff=[row("900750", 20, base=3), row("900755", 16, base=3)],
     bill={"procedures": [proc("900750", place="cath_lab"), proc("900755", place="cath_lab", incision="different",
                                                                  surgeon=SURGEON2)],
           "headings": H(surgeon=36_000_000)},
     expect={"rules": ["INP-10-D-6"], "mark": "circle", "heading": "surgeon", "approved_rial": 28_000_000})
case("INP-10-D-6-N1-peripheral-angiography-share", "INP-10-D-6-N1",
     "A peripheral angiography with a coronary one: the physician's 30 % share is for the reviewer",
     params=ANGIO, tariff=[row("900750", 20, base=3), row("900755", 16, base=3)],
     bill={"procedures": [proc("900750", place="cath_lab"), proc("900755", place="cath_lab")],
           "headings": H(surgeon=28_000_000)},
     expect={"rules": ["INP-10-D-6-N1"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-10-D-7-cardiac-fluoroscopy-twice", "INP-10-D-7", "Cardiac fluoroscopy billed twice (qty 2): once",
     params=grp(cardiac_fluoroscopy=["900760"]), tariff=[row("900760", 5, base=0)],
     bill={"procedures": [proc("900760", qty=2, place="cath_lab")], "headings": H(surgeon=7_500_000)},
     expect={"rules": ["INP-10-D-7"], "mark": "circle", "heading": "surgeon", "approved_rial": 5_000_000})
case("INP-10-D-8-angioplasty-without-standby", "INP-10-D-8",
     "A coronary stent with no standby cardiac surgeon recorded: nothing is payable",
     params=grp(interventional_therapeutic=["900672"]), tariff=[row("900672", 50, base=5)],
     provider={"departments": ["cath_lab", "cardiac_surgery"]},
     bill={"procedures": [proc("900672", place="cath_lab", standby={"cardiac_surgeon": None,
                                                                     "anesthesiologist": ANESTHETIST})],
           "headings": H(surgeon=50_000_000)},
     expect={"rules": ["INP-10-D-8"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-D-10-cpr-in-icu", "INP-10-D-10", "CPR billed in the ICU",
     params=grp(cpr=["900300"]), tariff=[row("900300", 10, base=0)],
     bill={"stays": ICU3, "procedures": [proc("900300", ward="icu", place="ward")], "headings": H(surgeon=10_000_000)},
     expect={"rules": ["INP-10-D-10"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-D-10-cpr-in-ccu-ok", "INP-10-D-10", "CPR in the CCU is payable",
     params=grp(cpr=["900300"]), tariff=[row("900300", 10, base=0)],
     bill={"stays": [{**ICU3[0], "ward": "ccu"}], "procedures": [proc("900300", ward="ccu", place="ward")],
           "headings": H(surgeon=10_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 10_000_000})
case("INP-10-F-1-radical-tonsillectomy-no-pathology", "INP-10-F-1",
     "A radical tonsillectomy without the pathology result in the file",
     params=grp(radical_tonsillectomy=["400300"]), tariff=[row("400300", 25, base=5)],
     bill={"attachments": ["insurance_card_copy", "operation_note", "anesthesia_sheet"],
           "procedures": [proc("400300")], "headings": H(surgeon=25_000_000)},
     expect={"rules": ["INP-10-F-1"], "mark": None, "heading": "surgeon", "action": "flag_review"})
case("INP-10-F-2-1-ercp-bed-days", "INP-10-F-2-1", "An ERCP admission's bed-days: as the insurer's expert approves",
     tariff=[row("700305", 12, 8, base=5)],
     bill={"procedures": [proc("700305", place="ward")], "headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-10-F-2-1"], "mark": None, "heading": "hoteling", "action": "flag_review"})
case("INP-10-F-3-gastric-bypass-bmi-35", "INP-10-F-3", "A gastric bypass for a BMI of 35",
     params=grp(bariatric=["400900"]), tariff=[row("400900", 60, base=8)],
     bill={"insured": {"bmi": 35}, "procedures": [proc("400900", approval={"by": "شورا", "on": "1404/06/01",
                                                                          "kind": "committee", "ref": "C-1"})],
           "headings": H(surgeon=60_000_000)},
     expect={"rules": ["INP-10-F-3"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-F-3-bmi-40-with-approval-ok", "INP-10-F-3", "BMI 40 with the scientific council's approval: payable",
     params=grp(bariatric=["400900"]), tariff=[row("400900", 60, base=8)],
     bill={"insured": {"bmi": 40}, "procedures": [proc("400900", approval={"by": "شورا", "on": "1404/06/01",
                                                                          "kind": "committee", "ref": "C-1"})],
           "headings": H(surgeon=60_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 60_000_000})
case("INP-10-G-1-bladder-stone-with-prostatectomy", "INP-10-G-1",
     "A bladder stone removed during a suprapubic prostatectomy billed apart",
     params=grp(bladder_stone_removal=["500500"], suprapubic_prostatectomy=["500600"]),
     tariff=[row("500500", 15, base=4), row("500600", 45, base=6)],
     bill={"procedures": [proc("500600"), proc("500500")], "headings": H(surgeon=52_500_000)},
     expect={"rules": ["INP-10-G-1"], "mark": "circle", "heading": "surgeon", "approved_rial": 45_000_000})
case("INP-10-G-2-urodynamics-without-report", "INP-10-G-2", "A urodynamic study without its report",
     params=grp(urodynamic=["500700"]), tariff=[row("500700", 6, 4, base=0)],
     bill={"procedures": [proc("500700", place="ward", attachments=[])], "headings": H(surgeon=6_000_000)},
     expect={"rules": ["INP-10-G-2"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-G-4-catheter-with-turbt", "INP-10-G-4", "A Foley catheter (500440) billed with a TURBT",
     params=grp(transurethral_major=["500800"]), tariff=[row("500800", 35, base=5), row("500440", 2, base=0)],
     bill={"procedures": [proc("500800"), proc("500440")], "headings": H(surgeon=36_000_000)},
     expect={"rules": ["INP-10-G-4"], "mark": "circle", "heading": "surgeon", "approved_rial": 35_000_000})
ESWL_H = [history_bill("INP-10-G-5", "1404/0" + str(m), {
    "admitted_at": f"1404/0{m}/05 08:00", "discharged_at": f"1404/0{m}/05 12:00", "stays": [],
    "procedures": [proc("501000", on=f"1404/0{m}/05", place="ward", details={"stone_id": "L-kidney-1"})],
    "headings": H(surgeon=10_000_000)}) for m in (4, 5, 6)]
case("INP-10-G-5-fourth-eswl-session", "INP-10-G-5",
     "A 4th ESWL session for the same left-kidney stone (3 earlier in the history): borne by the centre",
     params=grp(eswl=["501000"]), tariff=[row("501000", 10, base=3)], history=ESWL_H,
     bill={"discharged_at": "1404/07/01 14:00", "stays": [],
           "procedures": [proc("501000", on="1404/07/01", place="ward", details={"stone_id": "L-kidney-1"})],
           "headings": H(surgeon=10_000_000)},
     expect={"rules": ["INP-10-G-5"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-G-5-new-stone-ok", "INP-10-G-5", "The first ESWL session for another stone: payable",
     params=grp(eswl=["501000"]), tariff=[row("501000", 10, base=3)], history=ESWL_H,
     bill={"discharged_at": "1404/07/01 14:00", "stays": [],
           "procedures": [proc("501000", on="1404/07/01", place="ward", details={"stone_id": "R-ureter-1"})],
           "headings": H(surgeon=10_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 10_000_000})
case("INP-10-G-6-eswl-anaesthesia-by-urologist", "INP-10-G-6",
     "Sedation for ESWL given by the urologist: anaesthesia needs an anaesthesiologist present",
     params=grp(eswl=["501000"]), tariff=[row("501000", 10, base=3)],
     bill={"procedures": [proc("501000", place="ward")],
           "anesthesia": [anes(method="iv_sedation", anesthesiologist={"council_no": "U-1", "specialty": "urology"})],
           "headings": H(anesthesia=9_000_000)},
     expect={"rules": ["INP-10-G-6"], "mark": "zero", "heading": "anesthesia", "approved_rial": 0})
case("INP-10-G-8-intersex-surgery-without-legal-medicine", "INP-10-G-8",
     "Surgery for a disorder of sex development without the Legal Medicine Organization's confirmation",
     params=grp(intersex_surgery=["501200"]), tariff=[row("501200", 50, base=6)],
     bill={"procedures": [proc("501200", approval=None)], "headings": H(surgeon=50_000_000)},
     expect={"rules": ["INP-10-G-8"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-H-2-curettage-after-home-delivery", "INP-10-H-2",
     "A curettage after a delivery outside the hospital billed under another code (8 RV): paid as 501730 (6 RV)",
     params=grp(curettage=["501700", "501730"]), tariff=[row("501700", 8, base=3), row("501730", 6, base=3)],
     bill={"insured": {"sex": "F"}, "delivery_place": "outside_hospital", "procedures": [proc("501700")],
           "headings": H(surgeon=8_000_000)},
     expect={"rules": ["INP-10-H-2"], "mark": "circle", "heading": "surgeon", "approved_rial": 6_000_000,
             "computed": {"procedures": [{"code": "501700", "paid_code": "501730"}]}})
case("INP-10-H-8-ivf", "INP-10-H-8", "An IVF procedure: assisted reproduction is not covered",
     params=grp(assisted_reproduction=["502500"]), tariff=[row("502500", 30, base=3)],
     bill={"insured": {"sex": "F"}, "procedures": [proc("502500")], "headings": H(surgeon=30_000_000)},
     expect={"rules": ["INP-10-H-8"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-H-10-tubectomy-without-legal-approval", "INP-10-H-10", "A tubal ligation without the legal authority's confirmation",
     params=grp(sterilisation=["502600"], iud_insertion=["502650"]), tariff=[row("502600", 20, base=5)],
     bill={"insured": {"sex": "F"}, "procedures": [proc("502600", approval=None)], "headings": H(surgeon=20_000_000)},
     expect={"rules": ["INP-10-H-10"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-H-10-tube-reopening-ok", "INP-10-H-10",
     "Re-opening the tubes after an earlier sterilisation is payable (INP-10-H-9)",
     params=grp(sterilisation=["502600"], iud_insertion=["502650"]), tariff=[row("502700", 30, base=5)],
     bill={"insured": {"sex": "F"}, "procedures": [proc("502700")], "headings": H(surgeon=30_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 30_000_000,
             "absent_rules": ["INP-10-H-10", "INP-10-H-9"]})
case("INP-10-I-1-duraplasty-during-craniotomy", "INP-10-I-1", "A dural repair billed within a craniotomy",
     params=grp(dural_repair=["601000"], cranial_surgery=["601100"]),
     tariff=[row("601000", 20, base=6), row("601100", 80, base=12)],
     bill={"procedures": [proc("601100"), proc("601000")], "headings": H(surgeon=90_000_000)},
     expect={"rules": ["INP-10-I-1"], "mark": "circle", "heading": "surgeon", "approved_rial": 80_000_000})
case("INP-10-I-2-spinal-dural-repair", "INP-10-I-2", "A spinal dural-leak repair billed with the laminectomy",
     params=grp(spinal_dural_repair=["601200"], spinal_surgery=["601300"]),
     tariff=[row("601200", 15, base=6), row("601300", 60, base=10)],
     bill={"procedures": [proc("601300"), proc("601200")], "headings": H(surgeon=67_500_000)},
     expect={"rules": ["INP-10-I-2"], "mark": "circle", "heading": "surgeon", "approved_rial": 60_000_000})
case("INP-10-K-2-keratoplasty-other-code", "INP-10-K-2", "A lamellar keratoplasty billed under another code: 602020",
     params=grp(keratoplasty=["602030"]), tariff=[row("602030", 45, base=6), row("602020", 40, base=6)],
     bill={"procedures": [proc("602030")], "headings": H(surgeon=45_000_000)},
     expect={"rules": ["INP-10-K-2"], "mark": "circle", "heading": "surgeon", "approved_rial": 40_000_000,
             "computed": {"procedures": [{"code": "602030", "paid_code": "602020"}]}})
PRP_H = [history_bill("INP-10-K-4", "1404/0" + str(m), {
    "admitted_at": f"1404/0{m}/05 08:00", "discharged_at": f"1404/0{m}/05 12:00", "stays": [],
    "procedures": [proc("602370", on=f"1404/0{m}/05", place="ward", details={"laterality": "right"})],
    "headings": H(surgeon=8_000_000)}) for m in (4, 5, 6)]
case("INP-10-K-4-fourth-prp-right-eye", "INP-10-K-4", "A 4th PRP session on the right eye: 3 sessions per eye",
     tariff=[row("602370", 8, base=3)], history=PRP_H,
     bill={"discharged_at": "1404/07/01 14:00", "stays": [],
           "procedures": [proc("602370", on="1404/07/01", place="ward", details={"laterality": "right"})],
           "headings": H(surgeon=8_000_000)},
     expect={"rules": ["INP-10-K-4"], "mark": "zero", "heading": "surgeon", "approved_rial": 0})
case("INP-10-K-4-first-prp-left-eye-ok", "INP-10-K-4", "The first PRP session on the left eye: payable",
     tariff=[row("602370", 8, base=3)], history=PRP_H,
     bill={"discharged_at": "1404/07/01 14:00", "stays": [],
           "procedures": [proc("602370", on="1404/07/01", place="ward", details={"laterality": "left"})],
           "headings": H(surgeon=8_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 8_000_000})
case("INP-10-K-5-avastin-under-another-code", "INP-10-K-5",
     "Intravitreal bevacizumab billed as a subconjunctival injection (602600, 5 RV): paid as 602275 (4 RV)",
     tariff=[row("602600", 5, base=2), row("602275", 4, base=2)],
     bill={"procedures": [proc("602600", place="ward", details={"related_drug": "bevacizumab"})],
           "headings": H(surgeon=5_000_000)},
     expect={"rules": ["INP-10-K-5"], "mark": "circle", "heading": "surgeon", "approved_rial": 4_000_000})
case("INP-10-K-6-visudyne-under-another-code", "INP-10-K-6",
     "Photodynamic therapy with verteporfin billed under another code (12 RV): paid as 602375 (10 RV)",
     tariff=[row("602380", 12, base=2), row("602375", 10, base=2)],
     bill={"procedures": [proc("602380", place="ward", details={"related_drug": "verteporfin"})],
           "headings": H(surgeon=12_000_000)},
     expect={"rules": ["INP-10-K-6"], "mark": "circle", "heading": "surgeon", "approved_rial": 10_000_000})

# ======================================================================================================= anaesthesia base visits

case("RVU-ANES-BASE-anaesthesiologist-visit-on-operation-day", "RVU-ANES-BASE",
     "The anaesthesiologist bills a day visit on the day of the operation: inside the anaesthesia base",
     tariff=[T_MAIN],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()],
           "visits": [visit("1404/07/01", "first_day"), visit("1404/07/02", "day2plus", ANESTHETIST)],
           "headings": H(visits=3_500_000)},
     expect={"rules": ["RVU-ANES-BASE"], "mark": "circle", "heading": "visits", "approved_rial": 2_000_000})
case("RVU-ANES-BASE-N1-clinic-visit-without-operation", "RVU-ANES-BASE-N1",
     "An anaesthesia-clinic visit billed while no operation was done in this hospital",
     bill={"visits": [visit("1404/07/01", "anesthesia_clinic_outpatient", ANESTHETIST)],
           "headings": H(visits=1_000_000)},
     params={"visit_rvu": dated({"first_day": 2.0, "day2plus": 1.5, "discharge_day": 1.5,
                                 "anesthesia_clinic_outpatient": 1.0})},
     expect={"rules": ["RVU-ANES-BASE-N1"], "mark": None, "heading": "visits", "action": "flag_review"})


# ======================================================================================================= later additions

case("RVU-HASH-private-line-above-capped-k", "RVU-HASH",
     "A private hospital bills a # service (4 RV) at 1,600,000 while RV × the capped private K (300,000) = "
     "1,200,000: the insured may not be charged the excess",
     provider=PRIVATE, params={"k_professional": {"private": dated(400_000)}, "k_hash_cap": {"private": dated(300_000)}},
     tariff=[row("900900", 4, flags="#", chapter="other")],
     bill={"headings": H(other=(1_600_000, [line("900900", requested=1_600_000)]))},
     expect={"rules": ["RVU-HASH"], "mark": None, "heading": "other", "heading_line": 0, "action": "flag_review"})
case("RVU-HASH-within-cap-ok", "RVU-HASH", "The same # service billed at 1,200,000: within the cap",
     provider=PRIVATE, params={"k_professional": {"private": dated(400_000)}, "k_hash_cap": {"private": dated(300_000)}},
     tariff=[row("900900", 4, flags="#", chapter="other")],
     bill={"headings": H(other=(1_200_000, [line("900900", requested=1_200_000)]))},
     expect={"mark": None, "heading": "other", "heading_line": 0, "action": "flag_review",
             "absent_rules": ["RVU-HASH"]})
OTHER_PATIENT = {"national_id": "0012345679", "name": "بیمار دیگر", "sex": "F", "birth_date": "1365/01/01",
                 "fund": "iranians"}
case("RVU-44-third-simultaneous-patient", "RVU-44",
     "The same anaesthesiologist anaesthetises three patients from 09:45 on 07/02, this bill filed last: the third "
     "is beyond the two a specialist may be responsible for — its anaesthesia is not payable (billed 12,000,000)",
     tariff=[T_MAIN],
     first_bills=[{"seq": 2, "insured": OTHER_PATIENT, "procedures": [proc("300100")], "anesthesia": [anes()]},
                  {"seq": 3, "insured": {**OTHER_PATIENT, "national_id": "1234567891"},
                   "procedures": [proc("300100")], "anesthesia": [anes()]}],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()], "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-44"], "mark": "zero", "heading": "anesthesia", "approved_rial": 0})
case("RVU-44-two-simultaneous-patients-ok", "RVU-44", "Two patients at once (ASA I): allowed",
     tariff=[T_MAIN],
     first_bills=[{"seq": 2, "insured": OTHER_PATIENT, "procedures": [proc("300100")], "anesthesia": [anes()]}],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()], "headings": H(anesthesia=12_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 12_000_000})


# ----------------------------------------------------------------------------- the physicians' and stays' history
# (HistoryIndex keeps earlier bills' stays per insured and anaesthesia / assistant records per physician)

def history_batch(cid, period, bills, provider=None, tag="h"):
    """An earlier batch of several bills (another hospital when `provider` says so)."""
    prov = merge(PROVIDER, provider)
    return {"format": "claim-batch/1",
            "batch": {"id": f"G/{cid}/{tag}/{period}", "period": period, "fund": "iranians",
                      "submitted_on": "1404/08/10", "provider": prov},
            "prescriptions": [], "bills": [merge(BILL, b) for b in bills]}


OTHER_HOSPITAL = {"code": "G-2", "name": "بیمارستان دیگر"}
PATIENT_B = {**OTHER_PATIENT, "national_id": "1234567891"}


def other_anes(seq, patient, start, end, **kw):
    """A bill of another patient anaesthetised by A-100 on 07/02 between start and end."""
    return {"seq": seq, "insured": patient, "procedures": [proc("300100")],
            "anesthesia": [anes(start=f"1404/07/02 {start}", end=f"1404/07/02 {end}",
                                surgery_start=f"1404/07/02 {start}", surgery_end=f"1404/07/02 {end}", **kw)]}


case("RVU-44-third-patient-across-batches", "RVU-44",
     "Another hospital's batch (stored earlier) has A-100 anaesthetising two other patients 08:30-09:46 and "
     "09:00-12:00; this bill's anaesthesia starts at 09:45, one minute before the first ends: a third patient at "
     "once — not payable (billed 12,000,000)",
     tariff=[T_MAIN],
     history=[history_batch("RVU-44-third-patient-across-batches", "1404/07",
                            [other_anes(1, OTHER_PATIENT, "08:30", "09:46"), other_anes(2, PATIENT_B, "09:00", "12:00")],
                            provider=OTHER_HOSPITAL)],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()], "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-44"], "mark": "zero", "heading": "anesthesia", "approved_rial": 0})
case("RVU-44-earlier-anaesthesia-ends-at-the-start-ok", "RVU-44",
     "The same, the first anaesthesia ending at 09:45, the minute this one starts: touching is not overlapping — "
     "two patients at once, paid as billed",
     tariff=[T_MAIN],
     history=[history_batch("RVU-44-earlier-anaesthesia-ends-at-the-start-ok", "1404/07",
                            [other_anes(1, OTHER_PATIENT, "08:30", "09:45"), other_anes(2, PATIENT_B, "09:00", "12:00")],
                            provider=OTHER_HOSPITAL)],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()], "headings": H(anesthesia=12_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-44-third-by-start-time-filed-first", "RVU-44",
     "This bill is filed first but its anaesthesia starts at 09:45, after two later-filed bills' (09:00, 09:30) of "
     "the same anaesthesiologist that are still running: it is the third patient whatever the filing order",
     tariff=[T_MAIN],
     more_bills=[other_anes(2, OTHER_PATIENT, "09:00", "11:00"), other_anes(3, PATIENT_B, "09:30", "11:00")],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()], "headings": H(anesthesia=12_000_000)},
     expect={"rules": ["RVU-44"], "mark": "zero", "heading": "anesthesia", "approved_rial": 0})
case("RVU-44-first-of-three-ok", "RVU-44",
     "This bill's anaesthesia starts first (09:45); two later-filed bills start at 10:00 and 10:15: it is the first "
     "patient, paid (the third is the other bill's matter)",
     tariff=[T_MAIN],
     more_bills=[other_anes(2, OTHER_PATIENT, "10:00", "11:00"), other_anes(3, PATIENT_B, "10:15", "11:00")],
     bill={"procedures": [proc("300100")], "anesthesia": [anes()], "headings": H(anesthesia=12_000_000)},
     expect={"mark": "tick", "heading": "anesthesia", "approved_rial": 12_000_000})
case("RVU-44-second-patient-asa-3", "RVU-44",
     "A-100 anaesthetises this ASA III patient from 09:45 while another patient's anaesthesia (another hospital, "
     "09:00-10:30) is running: with ASA III only one patient at once — for the reviewer (which one is unpaid is not "
     "said)",
     tariff=[T_MAIN],
     history=[history_batch("RVU-44-second-patient-asa-3", "1404/07", [other_anes(1, OTHER_PATIENT, "09:00", "10:30")],
                            provider=OTHER_HOSPITAL)],
     bill={"procedures": [proc("300100")], "anesthesia": [anes(asa=3)], "headings": H(anesthesia=15_000_000)},
     expect={"rules": ["RVU-44"], "mark": None, "heading": "anesthesia", "action": "flag_review"})

# INP-6-12: 56 days a year from the first admission, earlier admissions counted (any hospital)
PSY = "psychiatric"


def psy_bill(admitted, discharged, **kw):
    b = {"admitted_at": f"{admitted} 10:00", "discharged_at": f"{discharged} 10:00",
         "stays": [{"ward": PSY, "beds": 3, "from": f"{admitted} 10:00", "to": f"{discharged} 10:00"}]}
    b.update(kw)
    return b


PSY_BATCH = {"period": "1404/03", "submitted_on": "1404/04/10"}
case("INP-6-12-earlier-admission-day-57", "INP-6-12",
     "An earlier psychiatric admission 1404/01/01-01/31 (30 bed-days, another hospital); this one 1404/03/01-03/28 "
     "(27 bed-days): its 27th day is the 57th of the year from the first admission — 26 × 20,000,000 + 1 × "
     "15,000,000 (grade-3 psychiatric) = 535,000,000 (billed 540,000,000)",
     batch=PSY_BATCH,
     history=[history_batch("INP-6-12-earlier-admission-day-57", "1404/01", [psy_bill("1404/01/01", "1404/01/31")],
                            provider=OTHER_HOSPITAL)],
     bill=psy_bill("1404/03/01", "1404/03/28", headings=H(hoteling=540_000_000)),
     expect={"rules": ["INP-6-12"], "mark": "circle", "heading": "hoteling", "approved_rial": 535_000_000,
             "computed": {"bed_days": 27}})
case("INP-6-12-earlier-admission-day-56-ok", "INP-6-12",
     "The same with this admission 1404/03/01-03/27 (26 bed-days): 30 + 26 = 56 days = 8 weeks, all acute — "
     "26 × 20,000,000 = 520,000,000",
     batch=PSY_BATCH,
     history=[history_batch("INP-6-12-earlier-admission-day-56-ok", "1404/01", [psy_bill("1404/01/01", "1404/01/31")],
                            provider=OTHER_HOSPITAL)],
     bill=psy_bill("1404/03/01", "1404/03/27", headings=H(hoteling=520_000_000)),
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 520_000_000, "computed": {"bed_days": 26}})
case("INP-6-12-within-the-year-of-the-first-admission", "INP-6-12",
     "A first psychiatric admission 1403/03/02-04/27 (56 bed-days); this one 1404/03/01-03/04: 1404/03/01 is still "
     "in the year from 1403/03/02, its 57th day — 15,000,000; 03/02 opens a new year: 2 × 20,000,000 — "
     "55,000,000 (billed 60,000,000)",
     batch=PSY_BATCH,
     history=[history_batch("INP-6-12-within-the-year-of-the-first-admission", "1403/04",
                            [psy_bill("1403/03/02", "1403/04/27")])],
     bill=psy_bill("1404/03/01", "1404/03/04", headings=H(hoteling=60_000_000)),
     expect={"rules": ["INP-6-12"], "mark": "circle", "heading": "hoteling", "approved_rial": 55_000_000})
case("INP-6-12-a-year-after-the-first-admission-ok", "INP-6-12",
     "The first admission 1403/03/01-04/26 (56 bed-days); this one from 1404/03/01, a year after it: a new year, "
     "3 × 20,000,000 = 60,000,000",
     batch=PSY_BATCH,
     history=[history_batch("INP-6-12-a-year-after-the-first-admission-ok", "1403/04",
                            [psy_bill("1403/03/01", "1403/04/26")])],
     bill=psy_bill("1404/03/01", "1404/03/04", headings=H(hoteling=60_000_000)),
     expect={"mark": "tick", "heading": "hoteling", "approved_rial": 60_000_000})

# RVU-53-N1: one month from the earlier stay's discharge
H53_1 = ("1404/05/28", "1404/06/01")        # operated 05/29, discharged 06/01: a month later is 07/01
case("RVU-53-N1-a-month-after-the-discharge", "RVU-53-N1",
     "The same operation done 1404/05/29 in a stay discharged 06/01; readmitted 07/01 — within one month of the "
     "discharge (a month from the operation would have ended 06/29): a complication, 53 refused — 40,000,000",
     tariff=[T_MAIN],
     history=[history_bill("RVU-53-N1-a-month-after-the-discharge", "1404/06",
                           {"admitted_at": f"{H53_1[0]} 10:00", "discharged_at": f"{H53_1[1]} 10:00", "stays": [],
                            "procedures": [proc("300100", on="1404/05/29")], "headings": H(surgeon=40_000_000)})],
     bill={"procedures": [proc("300100", modifiers=["53"])], "headings": H(surgeon=52_000_000)},
     expect={"rules": ["RVU-53-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 40_000_000})
case("RVU-53-N1-a-month-and-a-day-after-the-discharge-ok", "RVU-53-N1",
     "Discharged 1404/05/31 (operated 05/29); readmitted 07/01, one day after 06/31: a re-operation — +30 %, "
     "52,000,000, for the reviewer to confirm (RVU-53)",
     tariff=[T_MAIN],
     history=[history_bill("RVU-53-N1-a-month-and-a-day-after-the-discharge-ok", "1404/06",
                           {"admitted_at": "1404/05/28 10:00", "discharged_at": "1404/05/31 10:00", "stays": [],
                            "procedures": [proc("300100", on="1404/05/29")], "headings": H(surgeon=40_000_000)})],
     bill={"procedures": [proc("300100", modifiers=["53"])], "headings": H(surgeon=52_000_000)},
     expect={"rules": ["RVU-53"], "mark": None, "heading": "surgeon", "action": "flag_review",
             "absent_rules": ["RVU-53-N1"]})

# INP-11-B: the resident's other bills of the month (any hospital, any batch)
case("INP-11-B-absent-earlier-in-the-month", "INP-11-B",
     "Another hospital's Mehr batch records the resident R-300 absent from an operation on 07/20; he assists here on "
     "07/02: no assistant payment of his in Mehr — 0 (billed 8,000,000)",
     tariff=[T_MAIN],
     history=[history_batch("INP-11-B-absent-earlier-in-the-month", "1404/07",
                            [{"seq": 1, "insured": OTHER_PATIENT,
                              "procedures": [proc("300100", on="1404/07/20", assistant={**RES3, "present": False})]}],
                            provider={"code": "G-2", "name": "بیمارستان دیگر"})],
     bill={"procedures": [proc("300100", assistant=RES3)], "headings": H(assistant_surgeon=8_000_000)},
     expect={"rules": ["INP-11-B"], "mark": "zero", "heading": "assistant_surgeon", "approved_rial": 0})
case("INP-11-B-absent-the-month-before-ok", "INP-11-B",
     "The resident was found absent on 1404/06/31 (Shahrivar); he assists here on 07/02 (Mehr): another month — "
     "paid 8,000,000",
     tariff=[T_MAIN],
     history=[history_batch("INP-11-B-absent-the-month-before-ok", "1404/06",
                            [{"seq": 1, "insured": OTHER_PATIENT,
                              "procedures": [proc("300100", on="1404/06/31", assistant={**RES3, "present": False})]}],
                            provider={"code": "G-2", "name": "بیمارستان دیگر"})],
     bill={"procedures": [proc("300100", assistant=RES3)], "headings": H(assistant_surgeon=8_000_000)},
     expect={"mark": "tick", "heading": "assistant_surgeon", "approved_rial": 8_000_000})
case("INP-11-B-absent-in-a-later-bill-of-the-batch", "INP-11-B",
     "Bill 2 of this batch records R-300 absent on 07/29; in bill 1 (filed first) he assisted on 07/02: the month's "
     "assistant payments go — 0 (billed 8,000,000)",
     tariff=[T_MAIN],
     more_bills=[{"seq": 2, "insured": OTHER_PATIENT,
                  "procedures": [proc("300100", on="1404/07/29", assistant={**RES3, "present": False})]}],
     bill={"procedures": [proc("300100", assistant=RES3)], "headings": H(assistant_surgeon=8_000_000)},
     expect={"rules": ["INP-11-B"], "mark": "zero", "heading": "assistant_surgeon", "approved_rial": 0})

STENT = row("900672", 60, base=5, desc="بالون آنژیوپلاستی با تعبیه استنت")
STANDBY = {"cardiac_surgeon": {"council_no": "CS-1", "specialty": "cardiac_surgery"}, "anesthesiologist": ANESTHETIST}
case("RVU-60-standby-government", "RVU-60",
     "A stent (60 RV) with standby cardiac surgeon and anaesthesiologist, government hospital: surgeon 60 + 25 % = "
     "75,000,000; the anaesthesiologist 25 % × 60 = 15 RV, no base or time (billed 5 + 6 + 1 = 12 units + 10)",
     params=grp(interventional_therapeutic=["900672"]), tariff=[STENT],
     provider={"departments": ["cath_lab", "cardiac_surgery"]},
     bill={"procedures": [proc("900672", modifiers=["60"], place="cath_lab", standby=STANDBY)],
           "anesthesia": [anes(method="standby")], "headings": H(surgeon=75_000_000, anesthesia=22_000_000)},
     expect={"rules": ["RVU-60"], "mark": "circle", "heading": "anesthesia", "approved_rial": 15_000_000})
case("RVU-60-standby-surgeon-share-ok", "RVU-60", "The same bill: the surgeon's 75,000,000 is paid as billed",
     params=grp(interventional_therapeutic=["900672"]), tariff=[STENT],
     provider={"departments": ["cath_lab", "cardiac_surgery"]},
     bill={"procedures": [proc("900672", modifiers=["60"], place="cath_lab", standby=STANDBY)],
           "anesthesia": [anes(method="standby")], "headings": H(surgeon=75_000_000)},
     expect={"mark": "tick", "heading": "surgeon", "approved_rial": 75_000_000})
case("RVU-60-N1-standby-on-diagnostic-angiography", "RVU-60-N1",
     "Modifier 60 on a diagnostic coronary angiography (20 RV): 25 % standby refused — 20,000,000 (billed 25,000,000)",
     params=grp(interventional_therapeutic=["900672"]), tariff=[row("900750", 20, base=3)],
     bill={"procedures": [proc("900750", modifiers=["60"], place="cath_lab", standby=STANDBY)],
           "headings": H(surgeon=25_000_000)},
     expect={"rules": ["RVU-60-N1"], "mark": "circle", "heading": "surgeon", "approved_rial": 20_000_000})
case("INP-6-4-N1-certificate-after-four-months", "INP-6-4-N1",
     "An objection asking back the accreditation deductions: the certificate expired 1404/01/15, the new one came "
     "1404/06/01 (more than 4 months): not refundable",
     batch={"objection": {"kind": "accreditation_deduction_refund", "previous_expired_on": "1404/01/15",
                          "new_certificate_submitted_on": "1404/06/01", "report_received_on": "1404/08/01",
                          "filed_on": "1404/08/05", "months": ["1404/02", "1404/03"]}},
     bill={"headings": H(hoteling=60_000_000)},
     expect={"rules": ["INP-6-4-N1"], "mark": None, "action": "flag_review"})
case("INP-6-4-N1-certificate-within-four-months-ok", "INP-6-4-N1",
     "The new certificate came 1404/05/10, within 4 months of 1404/01/15: the deductions may be refunded",
     batch={"objection": {"kind": "accreditation_deduction_refund", "previous_expired_on": "1404/01/15",
                          "new_certificate_submitted_on": "1404/05/10", "report_received_on": "1404/08/01",
                          "filed_on": "1404/08/05", "months": ["1404/02", "1404/03"]}},
     bill={"headings": H(hoteling=60_000_000)},
     expect={"mark": "tick"})



def rx_case(cid, rule, story, *, items, tariff, expect, place="home"):
    """An outpatient prescription case (RVU-86-N1 concerns imaging at the patient's home)."""
    prov = merge(PROVIDER, {"kind": "radiology", "sector": "private", "name": "مرکز تصویربرداری آزمون",
                            "technical_director": {"council_no": "11111", "name": "مسئول فنی",
                                                   "specialty": "radiology"}, "accreditation": None})
    rx = {"seq": 1, "insured": INSURED, "prescriber": INTERNIST, "prescribed_on": "1404/07/01",
          "served_on": "1404/07/02", "diagnosis": "شکستگی لگن، بیمار بستری در منزل", "place_of_service": place,
          "items": items}
    e = {"rules": [], "mark": None, "line": None, "paid_code": None, "paid_qty": None}
    e.update(expect)
    if not e["rules"]:
        e.setdefault("absent_rules", [rule])
    if e["mark"] is None and e.get("action") is None:
        e["action"] = "flag_review"
    ALL.append({"case": cid, "rule": rule, "story": story,
                "inputs": {"history": [], "batch": {"format": "claim-batch/1",
                                                    "batch": {"id": f"G/{cid}", "period": "1404/07",
                                                              "fund": "iranians", "submitted_on": "1404/08/10",
                                                              "provider": prov},
                                                    "prescriptions": [rx], "bills": []},
                           "tariff_rows": list(tariff), "params": merge(PARAMS, {})},
                "expect": e})


XRAY = {"line": 1, "code": "700245", "description": "رادیوگرافی لگن", "qty": 1, "modifiers": ["86"],
        "requested": {"total": 8_100_000, "insured": 2_430_000, "org": 5_670_000}, "details": {}}
HOME = {"line": 2, "code": "901995", "description": "خدمت در منزل", "qty": 1,
        "requested": {"total": 1_000_000, "insured": 300_000, "org": 700_000}, "details": {}}
RX_T = [row("700245", 4.5, chapter="radiology"), row("901995", 1, chapter="radiology")]
rx_case("RVU-86-N1-home-imaging-without-901995", "RVU-86-N1",
        "A radiograph at the patient's home with modifier 86 but without the home-service code 901995",
        items=[XRAY], tariff=RX_T,
        expect={"rules": ["RVU-86-N1"], "mark": None, "line": 0, "action": "flag_review"})
rx_case("RVU-86-N1-home-imaging-with-901995-ok", "RVU-86-N1",
        "The same with 901995 on the prescription: the radiograph is priced at 180 % (4.5 RV × 1,000,000 × 1.8 = "
        "8,100,000, RVU-86) and ticked",
        items=[XRAY, HOME], tariff=RX_T,
        expect={"mark": "tick", "line": 0, "absent_rules": ["RVU-86-N1"]})


def main(argv=None) -> int:
    written = write()
    print(f"{written} case files written under {CASES}")
    return 0


def files() -> dict[Path, str]:
    out = {}
    for c in ALL:
        fam = c["rule"].split("-")[0]
        out[CASES / fam / f"{c['case']}.json"] = json.dumps(c, ensure_ascii=False, indent=1) + "\n"
    return out


def write() -> int:
    fs = files()
    for p, text in fs.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return len(fs)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
