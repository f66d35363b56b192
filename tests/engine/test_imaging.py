"""The imaging check kinds (desktop/engine/checks/imaging.py): each fires on its case, stays silent on a near miss,
and refuses bad params when its pack loads. Also the appendix-1 synonyms, the circulars' dates and province."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.jalali import parse_date, parse_month
from desktop.domain.model import (Approval, Batch, Bill, ClaimBatch, Details, Insured, Item, ItemRequested,
                                  Person, Prescription, PrescriptionPregnancy, Procedure, Provider, ProviderContract,
                                  ProviderTechnicalDirector)
from desktop.engine.checks.imaging import Matcher, Words, imaging_title_matches, norm_text, synonym_rows
from desktop.engine.evaluate import DocEval, EngineContext, review_batch
from desktop.engine.history import HistoryIndex
from desktop.engine.result import to_result
from desktop.engine.rules import RuleSet, load_pack

D = parse_date
ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------------------ a small reference


@dataclass
class Row:
    code: str
    rvu: Decimal
    description_fa: str | None = None
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


class FakeRef:
    sample = False

    def __init__(self, rows: dict, **tables):
        self.rows = {c: Row(c, Decimal(str(v[0])) if isinstance(v, tuple) else Decimal(str(v)),
                            v[1] if isinstance(v, tuple) else None) for c, v in rows.items()}
        self.tariff = self
        self.params = FakeParams({"franchise": {"outpatient": 0.30}, **tables})

    def get(self, code):
        return self.rows.get(code)

    def price(self, code, on, sector="government", qty=1):
        r = self.rows.get(code)
        if r is None:
            return None
        t = int(r.rvu * 100_000)
        return Price(t, 0, t)


def rules(tmp_path: Path, body: str, *real_packs: str) -> RuleSet:
    f = tmp_path / "t.yaml"
    f.write_text("pack: t\neffective: {from: '1395/01/01'}\nrules:" + ("\n" + body if body else " []\n"), encoding="utf-8")
    packs = []
    for path in (f, *(ROOT / "rules" / p for p in real_packs)):
        p, problems = load_pack(path)
        assert not problems, problems
        packs.append(p)
    return RuleSet(packs)


def refused(tmp_path: Path, body: str) -> str:
    f = tmp_path / "bad.yaml"
    f.write_text("pack: t\neffective: {from: '1395/01/01'}\nrules:\n" + body, encoding="utf-8")
    p, problems = load_pack(f)
    assert p is None and problems
    return " ".join(x.message_en for x in problems)


def item(code, rvu, n=1, qty=1, total=None, **details):
    total = int(rvu * 100_000 * qty) if total is None else total
    ins = round(total * 0.3)
    return Item(line=n, code=code, qty=qty, requested=ItemRequested(total=total, insured=ins, org=total - ins),
                details=Details(**details) if details else Details())


def rx(*items, seq=1, served="1404/07/10", **kw):
    base = dict(seq=seq, insured=Insured(national_id="0499370899", fund="iranians", sex="F", birth_date=D("1360/01/01")),
                prescriber=Person(council_no="DR-33", specialty="orthopedics", role="physician"),
                prescribed_on=D(served[:8] + "05"), served_on=D(served), diagnosis="درد", items=list(items))
    base.update(kw)
    return Prescription(**base)


def batch(*docs, kind="radiology", period="1404/07", bills=(), **prov):
    p = Provider(code=prov.pop("code", "P-1"), kind=kind, sector="private",
                 technical_director=ProviderTechnicalDirector(council_no="DR-90", specialty=prov.pop("td", "radiology")),
                 contract=ProviderContract(from_=D("1390/01/01"), to=D("1409/12/29"), rural=True), **prov)
    return ClaimBatch(format="claim-batch/1", batch=Batch(id="B1", period=parse_month(period), fund="iranians",
                                                          submitted_on=D("1404/08/10"), provider=p),
                      prescriptions=list(docs), bills=list(bills))


def review(rs, b, ref, history=None):
    doc = to_result(review_batch(b, ref, rs, history))
    d = (doc["prescriptions"] or doc["bills"])[0]
    return d, {f["rule"] for f in d["findings"]}


# ------------------------------------------------------------------------------------------ text and matchers


def test_words_match_latin_whole_words_and_persian_phrases():
    w = Words(["NT", "KUB", "سه بعدی"])
    assert w.search(norm_text("سونوگرافی NT و NB"))
    assert not w.search(norm_text("anterior view"))
    assert w.search(norm_text("K.U.B")) is False          # letters apart are not the abbreviation
    assert w.search(norm_text("kub"))
    assert w.search(norm_text("سونوگرافی سه‌بعدی جنین"))   # ZWNJ
    assert norm_text("سي تي اسكن") == "سی تی اسکن"        # Arabic ي / ك
    assert norm_text("ید ۱۳۱") == "ید 131"


@pytest.mark.parametrize("spec, why", [
    ({}, "a mapping"), ({"cods": ["1"]}, "unknown keys"), ({"contrast": True}, "names no code"),
    ({"synonyms": ["KUB"]}, "row numbers"), ({"codes": ["1"], "text_fields": ["x"]}, "text_fields"),
    ({"text": "KUB"}, "a list of words")])
def test_matcher_refuses_bad_specs(spec, why):
    with pytest.raises(ValueError, match=why):
        Matcher(spec)


@pytest.mark.parametrize("body, why", [
    ("  - {id: X-1, check: img_line, params: {}, action: zero_line}\n", "needs `match`"),
    ("  - {id: X-1, check: img_line, params: {match: {codes: ['1']}, paid_code: '12'}, action: replace_code}\n", "paid_code"),
    ("  - {id: X-1, check: img_together, params: {keep: {codes: ['1']}, drop: {codes: ['2']}, same_region: maybe}, action: zero_line}\n", "same_region"),
    ("  - {id: X-1, check: img_units, params: {codes: ['1'], max: 1, per: week}, action: cap_quantity}\n", "per:"),
    ("  - {id: X-1, check: img_units, params: {codes: ['1'], max: -1}, action: cap_quantity}\n", "max"),
    ("  - {id: X-1, check: img_tooth_groups, params: {groups: {a: ['11'], b: ['11']}}, action: cap_quantity}\n", "two groups"),
    ("  - {id: X-1, check: img_nt_anomaly, params: {nt: '701730', anomaly: '701725'}, action: replace_code}\n", "combined"),
    ("  - {id: X-1, check: img_abdomen, params: {mode: all, abdomen_code: '701555', organs: {liver: {text: [x]}}}, action: replace_code}\n", "mode"),
    ("  - {id: X-1, check: img_standard_required, params: {text: [ECMO], criteria: {age: 3}}, action: flag_review}\n", "criteria"),
    ("  - {id: X-1, check: img_standard_required, params: {text: [ECMO], missing_approval: zero}, action: flag_review}\n", "missing_approval"),
    ("  - {id: X-1, check: img_synonyms, params: {rows: [{row: 1}]}, action: none}\n", "rows"),
    ("  - {id: X-1, check: img_bmd_interval, params: {codes: ['700920'], min_months: 0}, action: zero_line}\n", "min_months"),
])
def test_params_are_refused_when_the_pack_loads(tmp_path, body, why):
    assert why in refused(tmp_path, body)


# ------------------------------------------------------------------------------------------ the generic kinds

TOGETHER = """\
  - id: MRI-3
    check: img_together
    params: {keep: {regions: [wrist]}, drop: {regions: [hand]}, symmetric: true, same_side: true}
    action: zero_line
"""


def test_together_pays_one_of_the_pair_on_the_same_side(tmp_path):
    rs = rules(tmp_path, TOGETHER)
    ref = FakeRef({"703550": 35, "703555": 35})
    d, cited = review(rs, batch(rx(item("703555", 35, 1, region="hand", laterality="right"),
                                   item("703550", 35, 2, region="wrist", laterality="right")), kind="mri"), ref)
    assert cited == {"MRI-3"}
    assert [l["mark"] for l in d["lines"]] == ["tick", "zero"]          # the later line of the pair
    d, cited = review(rs, batch(rx(item("703555", 35, 1, region="hand", laterality="right"),
                                   item("703550", 35, 2, region="wrist", laterality="left")), kind="mri"), ref)
    assert cited == set() and d["mark"] == "tick"


UNITS = """\
  - id: BMD-11
    check: img_units
    params: {codes: ['700920'], max: 1, per: day}
    action: cap_quantity
"""


def test_units_cap_the_quantity_and_count_the_day_across_documents(tmp_path):
    rs = rules(tmp_path, UNITS)
    ref = FakeRef({"700920": 25})
    d, cited = review(rs, batch(rx(item("700920", 25, qty=2))), ref)
    assert cited == {"BMD-11"} and d["lines"][0]["paid_qty"] == 1 and d["lines"][0]["approved"] == 2_500_000
    h = HistoryIndex()
    h.add_batch(batch(rx(item("700920", 25)), code="P-2"))
    d, cited = review(rs, batch(rx(item("700920", 25))), ref, h)
    assert cited == {"BMD-11"} and d["lines"][0]["mark"] == "zero"
    d, cited = review(rs, batch(rx(item("700920", 25), served="1404/07/11")), ref, h)
    assert cited == set()


CAP = """\
  - id: CT-11
    check: img_tariff_cap
    params: {match: {services: [ct_enterography]}, cap_code: '702875'}
    action: reduce_line
"""


def test_tariff_cap_circles_at_the_cap_code_tariff(tmp_path):
    rs = rules(tmp_path, CAP)
    ref = FakeRef({"702880": 110, "702875": 90, "702870": 80})
    d, cited = review(rs, batch(rx(item("702880", 110, service="ct_enterography")), kind="ct"), ref)
    assert cited == {"CT-11"} and d["lines"][0]["mark"] == "circle" and d["lines"][0]["approved"] == 9_000_000
    d, cited = review(rs, batch(rx(item("702870", 80, service="ct_enterography")), kind="ct"), ref)
    assert cited == set() and d["lines"][0]["approved"] == 8_000_000


SPECT = """\
  - id: NM-1-1
    check: img_spect
    params:
      always_planar: {codes: ['704725'], text: [thyroid]}
      always_spect: {regions: [brain, heart]}
    action: reduce_line
"""


def test_spect_addon_is_priced_in_or_deducted(tmp_path):
    rs = rules(tmp_path, SPECT)
    ref = FakeRef({"704725": 20, "704900": 60}, spect_addon={"704725": 3_000_000, "704900": 3_000_000})
    d, _ = review(rs, batch(rx(item("704725", 20, total=5_000_000, spect=True, spect_prescribed=True)),
                            kind="nuclear_medicine"), ref)
    assert d["lines"][0]["approved"] == 2_000_000 and d["lines"][0]["rules"] == ["NM-1-1"]
    # brain: always SPECT, even unrequested, when the report states it — the add-on is the price basis
    d, cited = review(rs, batch(rx(item("704900", 60, total=9_000_000, region="brain", spect=True,
                                       spect_prescribed=False, spect_in_report=True)), kind="nuclear_medicine"), ref)
    assert cited == set() and d["lines"][0]["mark"] == "tick" and d["lines"][0]["approved"] == 9_000_000


def test_tooth_groups_pay_one_film_per_group(tmp_path):
    rs = rules(tmp_path, "", "radiography.yaml")
    ref = FakeRef({"700415": 1.5})
    d, cited = review(rs, batch(rx(item("700415", 1.5, qty=4, film_type="PA", teeth=["12", "11", "21", "22"]))), ref)
    assert cited == {"RAD-3"} and d["lines"][0]["paid_qty"] == 1 and d["lines"][0]["approved"] == 150_000
    # primary canine c (53) is in the permanent canine's group (Decision): 13 + 53 = one film
    d, cited = review(rs, batch(rx(item("700415", 1.5, qty=2, film_type="PA", teeth=["13", "53"]))), ref)
    assert d["lines"][0]["paid_qty"] == 1
    d, cited = review(rs, batch(rx(item("700415", 1.5, qty=2, film_type="PA", teeth=["16", "15"]))), ref)
    assert "RAD-3" not in cited


def test_nt_with_anomaly_scan_by_trimester(tmp_path):
    rs = rules(tmp_path, "", "ultrasound.yaml")
    ref = FakeRef({"701730": 8, "701725": 12, "701731": 15})
    lines = (item("701730", 8, 1), item("701725", 12, 2))
    d, _ = review(rs, batch(rx(*lines, pregnancy=PrescriptionPregnancy(weeks=13)), kind="ultrasound"), ref)
    assert [l["mark"] for l in d["lines"]] == ["zero", "circle"] and d["lines"][1]["paid_code"] == "701731"
    d, _ = review(rs, batch(rx(*lines, pregnancy=PrescriptionPregnancy(weeks=14)), kind="ultrasound"), ref)
    assert [l["mark"] for l in d["lines"]] == ["zero", "tick"] and d["lines"][1]["paid_code"] == "701725"
    d, _ = review(rs, batch(rx(*lines), kind="ultrasound"), ref)
    assert [f["severity"] for f in d["findings"]] == ["review"] and d["mark"] == "tick"


def test_multiple_pregnancy_first_and_further_foetuses(tmp_path):
    rs = rules(tmp_path, "", "ultrasound.yaml")
    ref = FakeRef({"701715": 6, "701735": 4})
    d, cited = review(rs, batch(rx(item("701715", 6, qty=3), pregnancy=PrescriptionPregnancy(weeks=20, fetuses=3)),
                                kind="ultrasound"), ref)
    assert cited == {"US-7"} and d["lines"][0]["approved"] == 600_000 + 2 * 400_000
    d, cited = review(rs, batch(rx(item("701715", 6), item("701735", 4, 2, qty=2),
                                   pregnancy=PrescriptionPregnancy(weeks=20, fetuses=2)), kind="ultrasound"), ref)
    assert d["lines"][1]["paid_qty"] == 1


def test_abdominal_organs_are_capped_at_the_abdominal_tariff(tmp_path):
    rs = rules(tmp_path, "", "ultrasound.yaml")
    ref = FakeRef({"701555": 6, "701500": 2.5, "701515": 3, "701505": 2},
                  code_groups={"abdominal_ultrasound": ["701555", "701500", "701515", "701505"]})
    d, cited = review(rs, batch(rx(item("701500", 2.5, 1), item("701515", 3, 2), item("701505", 2, 3)),
                                kind="ultrasound"), ref)
    assert cited == {"US-11-N1"} and d["approved"] == 600_000
    assert [l["approved"] for l in d["lines"]] == [250_000, 300_000, 50_000]
    d, cited = review(rs, batch(rx(item("701500", 2.5, 1), item("701515", 3, 2)), kind="ultrasound"), ref)
    assert cited == set()


def test_spiral_spine_once_per_region(tmp_path):
    rs = rules(tmp_path, "", "ct.yaml")
    ref = FakeRef({"702300": 40})
    d, cited = review(rs, batch(rx(item("702300", 40, qty=2, spiral=True, vertebrae=["T12", "L1"])), kind="ct"), ref)
    assert cited == set()                                  # two regions involved: two tariffs (Decision)
    d, cited = review(rs, batch(rx(item("702300", 40, qty=3, spiral=True, vertebrae=["L3", "L4", "L5"])), kind="ct"), ref)
    assert cited == {"CT-7"} and d["lines"][0]["paid_qty"] == 1


def test_mri_regions_need_approval_unless_one_protocol(tmp_path):
    rs = rules(tmp_path, "", "mri.yaml")
    ref = FakeRef({"703500": 40, "703520": 40, "703550": 35, "703555": 35})
    neuro = Person(council_no="DR-71", specialty="neurosurgery", role="physician")
    d, cited = review(rs, batch(rx(item("703500", 40, 1, region="brain"), item("703520", 40, 2, region="lumbar"),
                                   prescriber=neuro, approval=None), kind="mri"), ref)
    assert "MRI-1-N2" in cited and d["mark"] == "zero"
    d, cited = review(rs, batch(rx(item("703500", 40, 1, region="brain"), item("703520", 40, 2, region="lumbar"),
                                   prescriber=neuro, approval=Approval(kind="office", ref="A-1")), kind="mri"), ref)
    assert cited == set()
    d, cited = review(rs, batch(rx(item("703550", 35, 1, region="wrist"), item("703555", 35, 2, region="hand"),
                                   prescriber=neuro, approval=None), kind="mri"), ref)
    assert cited == {"MRI-3"}


def test_bmd_indication_covered_refused_or_raised(tmp_path):
    rs = rules(tmp_path, "", "circular-bmd-standard.yaml")
    ref = FakeRef({"700920": 25})
    ortho = Person(council_no="DR-33", specialty="orthopedics", role="physician")

    def doc(ins, indication):
        return rx(item("700920", 25, technique="dexa", indication=indication), prescriber=ortho, insured=ins,
                  diagnosis=indication)
    sle = Insured(national_id="0499370899", sex="F", birth_date=D("1369/01/01"), menopausal=False, conditions=["SLE"])
    d, cited = review(rs, batch(doc(sle, "lupus")), ref)
    assert "BMD-13" not in cited
    pre = Insured(national_id="0499370899", sex="F", birth_date=D("1364/01/01"), menopausal=False, conditions=[])
    d, cited = review(rs, batch(doc(pre, "کمردرد")), ref)
    assert "BMD-13" in cited and d["mark"] == "zero"
    man = Insured(national_id="0499370899", sex="M", birth_date=D("1349/01/01"))
    d, cited = review(rs, batch(doc(man, "درد استخوانی")), ref)
    assert [f["severity"] for f in d["findings"] if f["rule"] == "BMD-13"] == ["review"]
    d, cited = review(rs, batch(doc(pre, None)), ref)
    assert "BMD-13" in cited and d["mark"] == "zero"


def test_bmd_interval_reads_the_history(tmp_path):
    rs = rules(tmp_path, "", "circular-bmd-standard.yaml")
    ref = FakeRef({"700920": 25})
    ins = Insured(national_id="0499370899", sex="F", birth_date=D("1346/01/01"), menopausal=True,
                  conditions=["long_term_corticosteroid"])
    ortho = Person(council_no="DR-33", specialty="orthopedics", role="physician")
    h = HistoryIndex()
    h.add_batch(batch(rx(item("700920", 25, technique="dexa"), served="1403/06/10", insured=ins, prescriber=ortho),
                      period="1403/06", code="P-2"))
    now = batch(rx(item("700920", 25, technique="dexa", indication="steroids"), insured=ins, prescriber=ortho))
    d, cited = review(rs, now, ref, h)
    assert "BMD-6" in cited and d["mark"] == "zero"
    renewed = batch(rx(item("700920", 25, technique="dexa", indication="steroids", new_indication=True), insured=ins,
                       prescriber=ortho))
    d, cited = review(rs, renewed, ref, h)
    assert "BMD-6" not in cited


STANDARD = """\
  - id: PALI-2
    check: img_standard_required
    params: {text: [palivizumab], missing_approval: deny, criteria: {diagnosis_any: [premature, نارس]}}
    action: flag_review
"""


def test_standard_requires_an_approval_and_applies_loaded_criteria(tmp_path):
    rs = rules(tmp_path, STANDARD)
    ref = FakeRef({"990501": 150})
    pal = Item(line=1, code="990501", qty=1, description="Palivizumab 100 mg",
               requested=ItemRequested(total=15_000_000, insured=4_500_000, org=10_500_000))
    d, cited = review(rs, batch(rx(pal, approval=None, diagnosis="نوزاد نارس"), kind="pharmacy"), ref)
    assert cited == {"PALI-2"} and d["mark"] == "zero"                     # missing_approval: deny
    d, cited = review(rs, batch(rx(pal, approval=Approval(kind="office"), diagnosis="نوزاد نارس"), kind="pharmacy"), ref)
    assert cited == set()
    d, cited = review(rs, batch(rx(pal, approval=Approval(kind="office"), diagnosis="آسم"), kind="pharmacy"), ref)
    assert [f["severity"] for f in d["findings"]] == ["review"]            # criteria loaded: diagnosis not among them


def test_shipped_ecmo_and_palivizumab_packs_say_the_criteria_are_absent():
    for name, rid in (("circular-ecmo.yaml", "ECMO-2"), ("circular-palivizumab.yaml", "PALI-2")):
        p, problems = load_pack(ROOT / "rules" / name)
        assert not problems
        r = next(r for r in p.rules if r.id == rid)
        assert r.params["criteria"] is None and r.compiled["criteria"] is None
        assert "NOT" in (ROOT / "rules" / name).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ appendix 1


def test_synonyms_recognise_kub_and_may_be_overridden(tmp_path):
    rs = rules(tmp_path, "", "radiography.yaml")
    ref = FakeRef({"700245": (2.5, "رادیوگرافی ساده شکم خوابیده"), "700250": (3, "رادیوگرافی ساده شکم ایستاده")})
    b = batch(rx(Item(line=1, code="700250", qty=1, requested=ItemRequested(total=300_000, insured=90_000, org=210_000),
                      details=Details(prescribed_as="KUB"))))
    d, cited = review(rs, b, ref)
    assert cited == {"RAD-5"} and d["lines"][0]["paid_code"] == "700245" and d["lines"][0]["approved"] == 250_000
    ev = DocEval(EngineContext(ref, rs), b.batch, b.prescriptions[0], "prescription", 0)
    assert len(synonym_rows(ev)) == 24
    assert imaging_title_matches(ev, "KUB", "700245")
    assert imaging_title_matches(ev, "IVP", "700250") is False
    ref2 = FakeRef({"700245": 2.5, "700250": 3},
                   imaging_synonyms=[{"row": 6, "service_fa": "رادیوگرافی ساده شکم", "aliases": ["KUBX"]}])
    d, cited = review(rs, b, ref2)
    assert cited == set()                                   # the override's row 6 no longer names KUB


# ------------------------------------------------------------------------------------------ circulars


def test_circulars_have_their_dates_and_province():
    bmd, _ = load_pack(ROOT / "rules" / "circular-bmd-standard.yaml")
    assert all(r.in_force(D("1398/08/01")) and not r.in_force(D("1398/07/30")) for r in bmd.rules)
    rad, _ = load_pack(ROOT / "rules" / "radiography.yaml")
    office = [r for r in rad.rules if r.id == "RAD-12-N1"]
    assert office and all(r.in_force(D("1398/07/30")) and not r.in_force(D("1398/08/01")) for r in office)
    card, _ = load_pack(ROOT / "rules" / "circular-1404-08-21-cardiology.yaml")
    rs = RuleSet([card])
    assert rs.applicable("bill", "hospital", "isfahan") and not rs.applicable("bill", "hospital", "tehran")
    assert all(r.in_force(D("1404/08/21")) and not r.in_force(D("1404/08/20")) for r in card.rules)


def test_card_post_dilation_excludes_the_balloon_of_the_stented_vessel(tmp_path):
    rs = rules(tmp_path, "", "circular-1404-08-21-cardiology.yaml")

    def proc(code, desc, vessel, **kw):
        return Procedure(code=code, description=desc, on=D("1404/09/15"), details=Details(vessel=vessel, **kw))
    bill = Bill(seq=1, insured=Insured(national_id="0499370899", fund="iranians"),
                discharged_at=None, admitted_at=None, attachments=["angiography_report"],
                procedures=[proc("900672", "stent", "LAD", stents=1), proc("900665", "post-dilation balloon", "LAD")])
    b = batch(kind="hospital", province="isfahan", period="1404/09", bills=[bill])
    d, cited = review(rs, b, FakeRef({}))
    # both vessels recorded: the balloon is not payable (a deny on that procedure)
    assert cited == {"CARD-4"} and d["findings"][0]["severity"] == "deny"
    # the balloon's vessel not recorded: raised for the reviewer with the zero proposed
    bill.procedures[1] = proc("900665", "post-dilation balloon", None)
    d, cited = review(rs, b, FakeRef({}))
    assert cited == {"CARD-4"} and d["findings"][0]["severity"] == "review" and d["findings"][0]["mark"] == "zero"
    bill.procedures[1] = proc("900665", "balloon angioplasty", "RCA")
    d, cited = review(rs, b, FakeRef({}))
    assert cited == set()
