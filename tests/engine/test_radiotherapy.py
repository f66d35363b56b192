"""The radiotherapy check kinds (desktop/engine/checks/radiotherapy.py) with the shipped pack rules/radiotherapy.yaml:
each kind fires on its case, stays silent on a near miss and refuses bad params; the maximum-fields table RT-T1 in
the pack is the manual's.  The clause-by-clause cases are tests/cases/RT/."""
from __future__ import annotations

import copy
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from desktop.domain.jalali import parse_date
from desktop.engine.checks import radiotherapy as rt
from desktop.engine.evaluate import review_batch
from desktop.engine.history import HistoryIndex
from desktop.engine.reference import load_default, load_params, load_tariff
from desktop.engine.rules import CHECK_KINDS, RuleSet, load_pack
from desktop.intake import parse_batch

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "rules" / "radiotherapy.yaml"
CATALOGUE = ROOT.parent / "shared" / "rule-catalogue.yaml"
K = 100_000
RV = {"901950": 5, "901955": 3, "705300": 5, "705305": 15, "705340": 15, "705315": 30, "705350": 40, "705320": 1.2,
      "705380": 2.2, "705325": 10, "705400": 15, "705355": 5, "705360": 9, "705370": 12, "705390": 9, "705395": 2,
      "705330": 4, "705405": 5, "705410": 5, "705420": 7, "705415": 6, "705425": 8.5, "705430": 1, "705435": 1.2,
      "705505": 130, "705510": 35, "705520": 35}


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def rules():
    pack, problems = load_pack(PACK)
    assert not problems, problems
    return RuleSet([pack])


def _ref(tmp: Path, extra_params: dict | None = None, franchise=0):
    with open(tmp / "t.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "description_fa", "rvu_total", "rvu_professional", "rvu_technical", "anesthesia_base",
                    "flags", "chapter"])
        for code, rv in RV.items():
            w.writerow([code, "خدمت رادیوتراپی", "", rv, "", "", "", "radiotherapy"])
        w.writerow(["702405", "سی‌تی اسکن مغز", 10, 3, 7, "", "", "ct"])
        w.writerow(["702410", "سی‌تی اسکن بدون تفکیک اجزا", "", 10, "", "", "", "ct"])
    dated = lambda v: {"1390/01/01": {"value": v, "reference": "test"}}   # noqa: E731
    params = {"k_professional": {"government": dated(K), "private": dated(K)},
              "k_technical": {"government": dated(K), "private": dated(K)},
              "franchise": {"outpatient": dated(franchise)}}
    for name, value in (extra_params or {}).items():
        params[name] = dated(value)
    (tmp / "p.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    t, p1 = load_tariff(tmp / "t.csv")
    p, p2 = load_params(tmp / "p.yaml")
    assert not p1 and not p2, p1 + p2
    return load_default().overlay(tariff=t, params=p)


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    """Outpatient radiotherapy is franchise-free (RT-3-5-N2): the radiotherapy tests price with franchise 0 and
    requests that ask the organisation for the whole tariff, so their amounts hold whether the franchise comes from
    the parameters or from the line (engine.evaluate.LINE_FRANCHISE)."""
    return _ref(tmp_path_factory.mktemp("ref"))


@pytest.fixture(scope="module")
def ref30(tmp_path_factory):
    """Franchise 0.30, for documents that mix radiotherapy with other (imaging) lines."""
    return _ref(tmp_path_factory.mktemp("ref30"), franchise=0.3)


def req(total, franchise=0.0):
    ins = round(total * franchise)
    return {"total": total, "insured": ins, "org": total - ins}


def item(code, qty=1, total=None, mult=1.0, franchise=0.0, **kw):
    t = round(RV.get(code, 10) * K * qty * mult) if total is None else total
    d = {"code": code, "qty": qty, "requested": req(t, franchise)}
    d.update(kw)
    return d


def rx(items, seq=1, course=None, **kw):
    c = {"id": "C1", "modality": "teletherapy", "machine": "linac", "start": "1404/07/01", "sessions": 25,
         "regions": ["prostate"]}
    c.update(course or {})
    d = {"seq": seq,
         "insured": {"national_id": "0499370899", "fund": "iranians", "sex": "M", "birth_date": "1345/01/01"},
         "prescriber": {"council_no": "45678", "specialty": "urology", "role": "physician"},
         "prescribed_on": "1404/06/28", "served_on": "1404/07/29", "diagnosis": "prostate adenocarcinoma",
         "referral": {"from_specialty": "urology"}, "course": c,
         "items": [dict(x, line=i + 1) for i, x in enumerate(items)]}
    d.update(kw)
    return d


def batch(docs, period="1404/07", bid="B7", **provider):
    prov = {"code": "G-1", "kind": "radiotherapy", "sector": "private",
            "technical_director": {"council_no": "11111", "specialty": "radiation_oncology"},
            "contract": {"from": "1390/01/01", "to": "1409/12/29", "rural": True, "suspensions": []}}
    prov.update(provider)
    return {"format": "claim-batch/1",
            "batch": {"id": bid, "period": period, "fund": "iranians", "submitted_on": "1404/08/10", "provider": prov},
            "prescriptions": docs, "bills": []}


def earlier(docs, **provider):
    """A Shahrivar batch of the same insured (course C1 from 1404/06/10 unless the documents say otherwise)."""
    for d in docs:
        d.setdefault("course", {}).setdefault("start", "1404/06/10")
        d["prescribed_on"], d["served_on"] = "1404/05/25", "1404/06/30"
    return batch(docs, period="1404/06", bid="B6", **provider)


def _build(b):
    res = parse_batch(copy.deepcopy(b))
    assert res.ok, [p.message_en for p in res.problems]
    return res.batch


def review(rules, ref, b, history=(), hist_index=None):
    h = hist_index or HistoryIndex()
    for hb in history:
        h.add_batch(_build(hb))
    out = review_batch(_build(b), ref, rules, h)
    return out.documents[0]


def cited(doc, line=None):
    return {f.rule for f in doc.findings if line is None or f.line == line}


def finding(doc, rule, line=None):
    return next(f for f in doc.findings if f.rule == rule and (line is None or f.line == line))


# ------------------------------------------------------------------------------------------ the pack and RT-T1


def test_pack_loads_with_every_kind(rules):
    kinds = {r.check for r in rules.rules}
    assert {"rt_referral", "rt_course_limit", "rt_session_units", "rt_one_per_session", "rt_planning",
            "rt_physics_phases", "rt_portal_images", "rt_fields", "rt_field_max", "rt_simulation_imaging", "rt_value",
            "rt_machine_percent", "rt_franchise"} <= kinds


@pytest.mark.skipif(not CATALOGUE.exists(), reason="../shared/rule-catalogue.yaml is not beside the checkout")
def test_rt_t1_is_the_manuals_table(rules):
    cat = {e["id"]: e for e in yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))}
    rows = cat["RT-T1"]["params"]["rows"]
    table = rules.by_id("RT-2-4-N2").compiled["table"]
    assert len(table) == len(rows) == 38
    for group, region, fa, f1, s1, f2, s2, total, star in rows:
        mine = table[region]
        assert (mine["total"], mine["phases"], mine["star"]) == (total, 1 if f2 == 0 else 2, star), region
    assert table["breast"]["total"] == 160 and table["prostate"]["total"] == 200 and table["liver"]["phases"] == 1


def test_params_refused():
    bad = {
        "rt_referral": {"excluded_specialties": [], "required_attachments": [[]], "radiotherapy_ranges": [["1", "2"]]},
        "rt_course_limit": {"codes": ["901950"], "max": -1},
        "rt_session_units": {"codes": ["901955"], "per_sessions": 0},
        "rt_one_per_session": {"codes": []},
        "rt_planning": {"codes": ["705315"], "report": "x", "table": {}},
        "rt_physics_phases": {"codes": ["705325"],
                              "table": {"liver": {"phase1": [3, 20], "phase2": [0, 0], "total": 61}}},
        "rt_portal_images": {},
        "rt_fields": {"report": "RT-2-11", "fields": {"705330": {"machine": "linac", "group": "A", "complex": False}}},
        "rt_field_max": {"mode": "below", "field_codes": ["705330"]},
        "rt_simulation_imaging": {"ct_simulator_pct": 0, "imaging_chapters": ["ct"]},
        "rt_value": {"values": {"901950": 0}},
        "rt_machine_percent": {"codes": ["705505"], "pct": 170},
        "rt_franchise": {"ranges": [["901950"]]},
    }
    for kind, params in bad.items():
        with pytest.raises(ValueError):
            CHECK_KINDS[kind].compile(params)
    with pytest.raises(ValueError, match="modality"):
        CHECK_KINDS["rt_course_limit"].compile({"codes": ["901950"], "max": 1, "modality": "proton"})


def test_energy_groups():
    b = {"A": 8.0, "B": 15.0, "C": 16.0}
    assert [rt.energy_group(mv, b) for mv in (4, 6, 8, 8.5, 10, 15, 15.5, 16, 18)] == \
        ["A", "A", "A", "B", "B", "B", "B", "C", "C"]


def test_treatment_regions(rules):
    t = rules.by_id("RT-2-4-N2").compiled
    regs, folded = rt.treatment_regions(t, ["breast_left", "axilla_left", "supraclavicular_left"])
    assert regs == {("breast", "left")} and folded == 2
    assert rt.treatment_regions(t, ["breast_left", "breast_right"])[0] == {("breast", "left"), ("breast", "right")}
    assert rt.treatment_regions(t, ["axilla_right"], ["breast_left", "breast_right"])[0] == {("breast", "right")}
    assert rt.treatment_regions(t, ["esophagus"])[0] == {("oesophagus", None)}
    assert rt.treatment_regions(t, ["pelvic_nodes"])[0] == {("regional_nodes", None)}
    assert rt.treatment_regions(t, ["kneecap"])[0] == {("kneecap", None)}


# ------------------------------------------------------------------------------------------ RT-1


def test_referral(rules, ref):
    fields = [item("705330", 50)]
    assert "RT-1" in cited(review(rules, ref, batch([rx(fields, referral=None)])))
    doc = review(rules, ref, batch([rx(fields, referral={"from_specialty": "radiation_oncology"})]))
    assert finding(doc, "RT-1").severity == "deny" and doc.mark == "zero"
    assert "RT-1" not in cited(review(rules, ref, batch([rx(fields)])))
    # RT-1-N1: earlier radiotherapy in the history, or its records attached
    assert "RT-1" not in cited(review(rules, ref, batch([rx(fields, referral=None)]),
                                      history=[earlier([rx([item("705330", 50)], course={"id": "C0"})])]))
    assert "RT-1" not in cited(review(rules, ref, batch([rx(fields, referral=None, attachments=[
        "previous_treatment_records", "pathology", "treatment_plan", "treatment_sheet", "report"])])))
    partial = ["referral_letter", "pathology", "treatment_sheet", "report"]
    doc = review(rules, ref, batch([rx(fields, attachments=partial)]))
    f = finding(doc, "RT-1")
    assert f.severity == "review" and f.data["missing"] == ["treatment_plan"] and doc.mark == "tick"
    # the request and referral themselves not attached: not payable
    doc = review(rules, ref, batch([rx(fields, attachments=["pathology", "treatment_plan", "treatment_sheet"])]))
    assert finding(doc, "RT-1").severity == "deny" and doc.mark == "zero"


# ------------------------------------------------------------------------------------------ courses and sessions


def test_course_limit_in_document_and_across_batches(rules, ref):
    doc = review(rules, ref, batch([rx([item("705300"), item("705305")])]))
    assert cited(doc, 1) == {"RT-2-3-N1"} and doc.lines[1].mark == "zero" and doc.lines[0].mark == "tick"
    same = earlier([rx([item("705305")])])
    doc = review(rules, ref, batch([rx([item("705305")], course={"start": "1404/06/10"})]), history=[same])
    assert finding(doc, "RT-2-3-N1", 0).data["earlier"] == 1
    # a new course (another id, started after the earlier simulator) has its own
    assert not cited(review(rules, ref, batch([rx([item("705305")], course={"id": "C2"})]), history=[same]))
    # quantity 2 → capped to 1
    doc = review(rules, ref, batch([rx([item("705305", 2)])]))
    assert finding(doc, "RT-2-3-N1", 0).paid_qty == 1 and doc.lines[0].approved == 1_500_000


@dataclass
class Rec:
    code: str
    on: Any
    qty: float
    course_id: str | None
    details: Any = None
    paid: bool = True


class IdHistory(HistoryIndex):
    """A history whose records carry the course id (what engine.history is asked to keep)."""

    def __init__(self, records):
        super().__init__()
        self.records = records

    def __len__(self):
        return len(self.records)

    def services(self, national_id, codes=None, *, since=None, until=None, paid_only=True):
        return [r for r in self.records if codes is None or r.code in codes]


def test_course_records_use_the_course_id_when_the_history_has_it(rules, ref):
    recs = [Rec("705305", parse_date("1404/07/05"), 1, "C0"), Rec("705300", parse_date("1404/06/20"), 1, "C1")]
    doc = review(rules, ref, batch([rx([item("901950")])]), hist_index=IdHistory(recs))
    assert not cited(doc)
    doc = review(rules, ref, batch([rx([item("705340")])]), hist_index=IdHistory(recs))
    # C1's simulator of Shahrivar counts although it is before course.start; C0's of Mehr does not
    assert finding(doc, "RT-2-3-N1", 0).data["earlier"] == 1


def test_session_units(rules, ref):
    doc = review(rules, ref, batch([rx([item("901955", 6)])]))
    assert finding(doc, "RT-2-2", 0).paid_qty == 5 and doc.lines[0].approved == 1_500_000
    assert not cited(review(rules, ref, batch([rx([item("901955", 5)], course={"sessions": 21})])))
    assert not cited(review(rules, ref, batch([rx([item("901955", 9)], course={"sessions": None})])))
    doc = review(rules, ref, batch([rx([item("901955", 3)], course={"start": "1404/06/10"})]),
                 history=[earlier([rx([item("901955", 3)])])])
    assert finding(doc, "RT-2-2", 0).paid_qty == 2
    # brachytherapy: RT-3-2, not RT-2-2
    doc = review(rules, ref, batch([rx([item("705505", 4), item("901955", 2)],
                                       course={"modality": "brachytherapy", "machine": "hdr", "sessions": 4})]))
    assert cited(doc, 1) == {"RT-3-2"} and finding(doc, "RT-3-2", 1).paid_qty == 1


def test_one_per_session(rules, ref):
    two = [item("705320", details={"session": 5}), item("705380", details={"session": 5})]
    doc = review(rules, ref, batch([rx(two)]))
    assert cited(doc, 1) == {"RT-2-5-N1"} and doc.lines[1].mark == "zero"
    same_day = [item("705380", served_on="1404/07/20"), item("705380", served_on="1404/07/20")]
    assert finding(review(rules, ref, batch([rx(same_day)])), "RT-2-5-N1", 1).severity == "review"
    other_day = [item("705380", served_on="1404/07/20"), item("705380", served_on="1404/07/21")]
    assert not cited(review(rules, ref, batch([rx(other_day)])))


# ------------------------------------------------------------------------------------------ regions and phases


def test_planning_per_region(rules, ref):
    b = batch([rx([item("705350", 3, details={"regions": ["breast_left", "axilla_left", "supraclavicular_left"]})],
                  course={"regions": ["breast_left"]})])
    doc = review(rules, ref, b)
    assert {f.rule for f in doc.findings} == {"RT-2-4-N1", "RT-2-4-N2"}
    assert all(f.paid_qty == 1 for f in doc.findings) and doc.lines[0].approved == 4_000_000
    # two plannings of one region, no merged site: RT-2-4-N1 only
    doc = review(rules, ref, batch([rx([item("705350", 2, details={"region": "prostate"})])]))
    assert cited(doc) == {"RT-2-4-N1"}
    both = batch([rx([item("705350", 2, details={"regions": ["breast_left", "breast_right"]})],
                     course={"regions": ["breast_left", "breast_right"]})])
    assert not cited(review(rules, ref, both))
    # the region already planned in an earlier batch of the course
    again = rx([item("705350", details={"region": "prostate"})], course={"start": "1404/06/10"})
    doc = review(rules, ref, batch([again]),
                 history=[earlier([rx([item("705350", details={"region": "prostate"})])])])
    assert doc.lines[0].mark == "zero"


def test_physics_phases(rules, ref, tmp_path):
    doc = review(rules, ref, batch([rx([item("705325", 2)], course={"regions": ["liver"]})]))
    assert finding(doc, "RT-2-6-N1", 0).paid_qty == 1
    assert not cited(review(rules, ref, batch([rx([item("705400", 2)], course={"regions": ["breast_left"]})])))
    assert finding(review(rules, ref, batch([rx([item("705400", 3)])])), "RT-2-6-N1", 0).severity == "review"
    assert finding(review(rules, ref, batch([rx([item("705400", 4)])])), "RT-2-6-N1", 0).paid_qty == 3
    # params.rt_max_fields overrides the shipped table: breast with no second phase
    ref2 = _ref(tmp_path, {"rt_max_fields": {"breast": {"total_fields": 150, "phase2_fields": 0}}})
    doc = review(rules, ref2, batch([rx([item("705400", 2)], course={"regions": ["breast_left"]})]))
    assert finding(doc, "RT-2-6-N1", 0).paid_qty == 1


def test_portal_images(rules, ref):
    doc = review(rules, ref, batch([rx([item("705395", 5)], course={"portal_images": 3})]))
    assert finding(doc, "RT-2-10", 0).paid_qty == 3
    assert not cited(review(rules, ref, batch([rx([item("705395", 3)], course={"portal_images": 3})])))


# ------------------------------------------------------------------------------------------ fields


def test_field_energy_complexity_and_machine(rules, ref):
    def one(details, code="705420", course=None, **prov):
        return review(rules, ref, batch([rx([item(code, 50, details=details)], course=course)], **prov))

    doc = one({"energy_mv": 6, "beam_shaping": "custom_shield"})
    assert cited(doc) == {"RT-2-11"} and doc.lines[0].paid_code == "705405" and doc.lines[0].approved == 25_000_000
    assert not cited(one({"energy_mv": 10, "beam_shaping": "custom_shield"}))
    doc = one({"energy_mv": None}, code="705425")
    assert cited(doc) == {"RT-2-11-N1"} and doc.lines[0].paid_code == "705330"
    doc = one({"energy_mv": 10, "beam_shaping": "none", "gantry_angles": [0]})
    assert cited(doc) == {"RT-2-11-N2"} and doc.lines[0].paid_code == "705410"
    assert not cited(one({"energy_mv": 10, "beam_shaping": "none", "gantry_angles": [0, 270]}))
    # 6 MV, no shielding, head angle 0, billed as group B complex: both clauses, one paid code
    doc = one({"energy_mv": 6, "beam_shaping": "none", "gantry_angles": [0]})
    assert cited(doc) == {"RT-2-11", "RT-2-11-N2"} and doc.lines[0].paid_code == "705330"
    doc = one({}, code="705330", course={"machine": "cobalt"})
    assert cited(doc) == {"RT-2-12"} and doc.lines[0].approved == 5_000_000
    doc = one({"energy_mv": 6, "beam_shaping": "mlc"}, code="705425", linac_max_energy_mv=18)
    assert cited(doc) == {"RT-2-11", "RT-2-11-N1"}


def test_fields_against_the_treatment_sheet(rules, ref):
    sheet = [{"energy_mv": 6, "complex_field": False, "per_session": 2, "sessions": 25}]
    doc = review(rules, ref, batch([rx([item("705330", 60)], course={"fields": sheet})]))
    assert finding(doc, "RT-2-11-N3", 0).paid_qty == 50 and doc.lines[0].approved == 20_000_000
    assert not cited(review(rules, ref, batch([rx([item("705330", 50)], course={"fields": sheet})])))


def test_surcharges(rules, ref):
    both = {"equipment": ["linac_mlc", "linac_portal"]}
    doc = review(rules, ref, batch([rx([item("705330", 50, mult=1.2, modifiers=["88"])])], **both))
    assert not doc.findings and doc.lines[0].approved == 24_000_000 and doc.lines[0].tariff == 24_000_000
    # 20 % claimed without an MLC: only the portal film's 10 %
    doc = review(rules, ref, batch([rx([item("705330", 50, mult=1.2, modifiers=["88"])])],
                                   equipment=["linac_portal"]))
    assert cited(doc) == {"RT-2-11-N4"} and doc.lines[0].approved == 22_000_000
    # a shield with the MLC surcharge in one document: the shield goes (RT-2-7-N2)
    doc = review(rules, ref, batch([rx([item("705330", 50, mult=1.1, modifiers=["88"]), item("705360")])],
                                   equipment=["linac_mlc"]))
    assert cited(doc, 1) == {"RT-2-7-N2"} and doc.lines[0].mark == "tick"
    # … and a surcharge in a course that was paid a shield (vice versa)
    fields = item("705330", 50, mult=1.1, modifiers=["88"])
    doc = review(rules, ref, batch([rx([fields], course={"start": "1404/06/10"})],
                                   equipment=["linac_mlc"]), history=[earlier([rx([item("705360")])])])
    assert cited(doc) == {"RT-2-7-N2"} and doc.lines[0].approved == 20_000_000


def test_field_max(rules, ref, tmp_path):
    doc = review(rules, ref, batch([rx([item("705410", 210)])]))
    f = finding(doc, "RT-2-12-N1", 0)
    assert f.severity == "review" and f.data["table_max"] == 200 and doc.lines[0].approved == doc.lines[0].requested
    assert not cited(review(rules, ref, batch([rx([item("705410", 300)], course={"technique": "imrt"})])))
    assert cited(review(rules, ref, batch([rx([item("705410", 200)])]))) == {"RT-2-12-N2"}
    ref2 = _ref(tmp_path, {"rt_max_fields": {"prostate": 150}})
    assert cited(review(rules, ref2, batch([rx([item("705410", 160)])]))) == {"RT-2-12-N1"}


# ------------------------------------------------------------------------------------------ imaging, values, MDR


def test_simulation_imaging(rules, ref30):
    radiologist = {"technical_director": {"council_no": "11111", "specialty": "radiology"},
                   "equipment": ["ct_simulator"]}
    sim, ct = item("705305", franchise=0.3), item("702405", franchise=0.3)
    doc = review(rules, ref30, batch([rx([sim, ct])], **radiologist))
    assert cited(doc) == {"RT-2-3"} and doc.lines[1].approved == 250_000
    doc = review(rules, ref30, batch([rx([sim, ct])]))
    assert doc.lines[1].approved == 700_000                       # technical component only
    doc = review(rules, ref30, batch([rx([sim, item("702410", franchise=0.3)])]))
    assert finding(doc, "RT-2-3", 1).severity == "review"          # no technical value to pay
    billed_25 = item("702405", total=250_000, franchise=0.3)
    assert not cited(review(rules, ref30, batch([rx([sim, billed_25])], **radiologist)))


def test_values(rules, ref):
    doc = review(rules, ref, batch([rx([item("901950", total=600_000)])]))
    assert cited(doc) == {"RT-2-1"} and doc.lines[0].approved == 500_000
    assert not cited(review(rules, ref, batch([rx([item("901950")])])))
    doc = review(rules, ref, batch([rx([item("901950", total=600_000)], course={"modality": "brachytherapy"})]))
    assert cited(doc) == {"RT-3-1"}


def test_mdr(rules, ref):
    brachy = {"modality": "brachytherapy", "machine": "mdr", "sessions": 1}
    doc = review(rules, ref, batch([rx([item("705505")], course=brachy)]))
    assert cited(doc) == {"RT-3-5-N1"} and doc.lines[0].approved == 9_100_000
    assert not cited(review(rules, ref, batch([rx([item("705505", total=9_100_000)], course=brachy)])))
    assert not cited(review(rules, ref, batch([rx([item("705505")], course=dict(brachy, machine="hdr"))])))


# ------------------------------------------------------------------------------------------ franchise (RT-3-5-N2)


def _price_results(rules, ref, b):
    """The `price` results of RT-3-5-N2 (the engine keeps them out of the outcome): run the rule directly."""
    from desktop.engine.evaluate import DocEval, EngineContext
    cb = _build(b)
    ev = DocEval(EngineContext(ref, rules), cb.batch, cb.prescriptions[0], "prescription", 0)
    rule = rules.by_id("RT-3-5-N2")
    return rule.kind.run(rule, ev)


def test_franchise_free_lines(rules, ref):
    out = _price_results(rules, ref, batch([rx([item("705330", 50), item("702405", franchise=0.3), item("901950")])]))
    assert [(f.line, f.severity, f.data["franchise"]) for f in out] == [(0, "price", 0), (2, "price", 0)]
    assert _price_results(rules, ref, batch([rx([item("705330", 50)], setting="inpatient")])) == []


def test_franchise_free_amount(rules, ref30):
    # with the outpatient franchise at 0.30, outpatient radiotherapy billed franchise-free: the organisation pays
    # the whole government tariff of the radiotherapy line, the CT keeps its franchise
    doc = review(rules, ref30, batch([rx([item("705330", 50), item("702405", franchise=0.3)])],
                                     technical_director={"council_no": "11111", "specialty": "radiology"}))
    assert doc.lines[0].mark == "tick" and doc.lines[0].approved == doc.lines[0].approved_org == 20_000_000
    assert doc.lines[1].approved_org == 700_000
