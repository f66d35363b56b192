"""Reference data: tariff CSV and parameters YAML loading, dated lookups, overlay, pricing, the shipped samples."""
from __future__ import annotations

import importlib.util
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from desktop.domain.jalali import parse_date
from desktop.domain.problems import InputError
from desktop.engine.reference import (MissingParameter, Params, Price, ReferenceData, TariffBook, load_default,
                                      load_params, load_tariff)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "rules" / "sample"
SHARED = REPO.parent / "shared"
HEADER = "code,description_fa,rvu_total,rvu_professional,rvu_technical,anesthesia_base,flags,chapter\n"
D = parse_date


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def params_of(tmp_path, text, name="p.yaml") -> Params:
    p, problems = load_params(write(tmp_path, name, text))
    assert problems == [], [x.format_en() for x in problems]
    return p


def tariff_of(tmp_path, rows, name="t.csv") -> TariffBook:
    t, problems = load_tariff(write(tmp_path, name, HEADER + rows))
    assert problems == [], [x.format_en() for x in problems]
    return t


K = """
k_professional:
  government:
    "1403/01/01": {value: 150000, reference: "resolution 1403"}
    "1404/01/01": {value: 200000, reference: "resolution 1404"}
  private:
    "1404/01/01": {value: 330000, reference: "resolution 1404 private"}
k_technical:
  government: {"1404/01/01": {value: 170000, reference: "t"}}
  private: {"1404/01/01": {value: 240000, reference: "t"}}
k_dental:
  government: {"1404/01/01": {value: 120000, reference: "d"}}
  private: {"1404/01/01": {value: 240000, reference: "d"}}
franchise:
  outpatient: {"1395/01/01": {value: 0.30}}
  inpatient: {"1395/01/01": {value: 0.10}}
code_groups:
  "1395/02/01": {value: {high_cost: ["700920"], visit: []}, reference: "g1"}
  "1404/01/01": {value: {high_cost: ["700920", "700925"]}, reference: "g2"}
"""


# ----------------------------------------------------------------------------------------------------------------
# dated lookup


def test_value_in_force_before_and_after_a_change(tmp_path):
    p = params_of(tmp_path, K)
    assert p.value("k_professional", D("1403/12/29"), "government") == 150000
    assert p.value("k_professional", D("1404/01/01"), "government") == 200000     # the change date itself
    assert p.value("k_professional", D("1404/07/05"), "government") == 200000
    assert p.reference("k_professional", D("1403/06/01"), "government") == "resolution 1403"
    assert p.reference("k_professional", D("1404/06/01"), "government") == "resolution 1404"
    assert p.in_force_since("k_professional", D("1404/06/01"), "government") == D("1404/01/01")


def test_before_the_first_date_is_missing_with_a_located_message(tmp_path):
    p = params_of(tmp_path, K)
    with pytest.raises(MissingParameter) as e:
        p.value("k_professional", D("1402/12/29"), "government")
    err = e.value
    assert (err.table, err.key, err.on) == ("k_professional", "government", D("1402/12/29"))
    assert "k_professional" in err.message_en and "government" in err.message_en and "1402/12/29" in err.message_en
    assert "k_professional" in err.message_fa and "۱۴۰۲/۱۲/۲۹" in err.message_fa
    assert p.value("k_professional", D("1402/12/29"), "government", default=None) is None
    assert p.value("k_professional", D("1402/12/29"), "government", default=7) == 7
    prob = err.to_problem("p.yaml")
    assert (prob.file, prob.path) == ("p.yaml", "k_professional.government")


def test_missing_table_split_and_key(tmp_path):
    p = params_of(tmp_path, K)
    with pytest.raises(MissingParameter, match="not in the loaded parameters"):
        p.value("k_anesthesia", D("1404/01/01"), "government")
    with pytest.raises(MissingParameter):          # private K only from 1404
        p.value("k_professional", D("1403/05/01"), "private")
    with pytest.raises(MissingParameter):          # no such split
        p.value("franchise", D("1404/01/01"), "dental")
    with pytest.raises(MissingParameter):          # key of an unsplit mapping value, absent in 1404
        p.value("code_groups", D("1404/02/01"), "visit")
    assert p.value("code_groups", D("1400/01/01"), "visit") == []
    assert not p.has("k_anesthesia") and p.has("k_dental")


def test_sector_split_and_unsplit_tables(tmp_path):
    p = params_of(tmp_path, K)
    on = D("1404/03/01")
    assert p.value("k_professional", on, "private") == 330000
    assert p.value("k_professional", on) == {"government": 200000, "private": 330000}
    assert p.value("franchise", on, "outpatient") == Decimal("0.30")
    assert p.value("franchise", on, "inpatient") == Decimal("0.10")
    assert p.value("code_groups", on) == {"high_cost": ["700920", "700925"]}
    assert p.value("code_groups", on, "high_cost") == ["700920", "700925"]
    assert p.value("code_groups", D("1400/01/01"), "high_cost") == ["700920"]
    assert p.reference("franchise", on, "outpatient") is None      # reference may be omitted
    assert p.table("k_technical") == {"government": {"1404/01/01": {"value": 170000, "reference": "t"}},
                                      "private": {"1404/01/01": {"value": 240000, "reference": "t"}}}
    assert p.keys("k_professional") == ["government", "private"] and p.is_split("franchise")


def test_yaml_dates_numbers_and_codes_are_normalised(tmp_path):
    p = params_of(tmp_path, """
k_professional:
  government:
    ۱۴۰۴/۰۱/۰۱: {value: 200000.5, reference: "persian digits, unquoted"}
    1403-01-01: {value: 150000, reference: "dash date read by YAML as a date"}
code_groups:
  "1395/02/01": {value: {high_cost: [700920, "۷۰۰۹۲۵"]}}
""")
    assert p.value("k_professional", D("1404/02/01"), "government") == Decimal("200000.5")
    assert p.value("k_professional", D("1403/02/01"), "government") == 150000
    assert p.value("code_groups", D("1404/02/01"), "high_cost") == ["700920", "700925"]


# ----------------------------------------------------------------------------------------------------------------
# overlay


def test_overlay_replaces_a_whole_unsplit_table_and_only_the_sectors_given(tmp_path):
    base = params_of(tmp_path, K)
    over = params_of(tmp_path, """
k_professional:
  private: {"1404/01/01": {value: 400000, reference: "office"}}
code_groups:
  "1404/01/01": {value: {visit: ["970000"]}, reference: "office"}
""", name="o.yaml")
    p = base.overlay(over)
    on = D("1404/05/01")
    assert p.value("k_professional", on, "private") == 400000
    assert p.value("k_professional", on, "government") == 200000        # the other sector is kept
    assert p.value("k_professional", D("1403/05/01"), "government") == 150000
    assert p.value("code_groups", on) == {"visit": ["970000"]}          # a table replaces the table
    assert p.value("code_groups", D("1400/01/01"), default=None) is None
    assert p.value("franchise", on, "outpatient") == Decimal("0.30")    # untouched tables stay
    assert base.value("k_professional", on, "private") == 330000        # the base is not changed


def test_tariff_overlay_replaces_rows_by_code(tmp_path):
    a = tariff_of(tmp_path, "700920,a,,25,,,,radiology\n901645,b,,1.2,,,,physiotherapy\n")
    b = tariff_of(tmp_path, "700920,c,,30,,,,radiology\n", name="u.csv")
    t = a.overlay(b)
    assert t.get("700920").rvu_professional == 30 and t.get("700920").description_fa == "c"
    assert t.get("901645").rvu_professional == Decimal("1.2")
    assert len(t) == 2 and "700920" in t and "100000" not in t and t.get("100000") is None
    assert a.get("700920").rvu_professional == 25


def test_reference_data_overlay_and_sample_flag(tmp_path):
    base = ReferenceData(tariff_of(tmp_path, "700920,a,,25,,,,radiology\n"), params_of(tmp_path, K), sample=True)
    assert base.sample
    only_tariff = base.overlay(tariff=tariff_of(tmp_path, "700920,b,,26,,,,radiology\n", name="o.csv"))
    assert only_tariff.sample and only_tariff.sample_parts["tariff"] == []
    full = only_tariff.overlay(params=params_of(tmp_path, K, name="o.yaml"))
    assert not full.sample
    assert full.price("700920", D("1404/05/01")).total == 26 * 200000


# ----------------------------------------------------------------------------------------------------------------
# pricing


@pytest.fixture
def ref(tmp_path):
    t = tariff_of(tmp_path, "\n".join([
        "700920,سنجش تراکم استخوان,3.5,1.2,2.3,0,,radiology",
        "901645,فیزیوتراپی,1.2,,,0,,physiotherapy",           # a lone value under rvu_total
        "901646,دیاترمی,,0.5,,0,+,physiotherapy",
        "100001,rounding,,0.333335,,,,surgery",
        "100002,hash,,10,,,#,surgery",
        "100003,technical only,,,2,,,radiology",
        "T2-36,کشیدن - هشت بالا راست,,55,,,,dentistry",
        "T2-23,وارنیش,,10,,,,dentistry",
    ]) + "\n")
    p = params_of(tmp_path, K + """
k_hash_cap:
  private: {"1404/01/01": {value: 280000, reference: "cap"}}
""")
    return ReferenceData(t, p)


def test_professional_plus_technical(ref):
    on = D("1404/07/05")
    # 1.2 × 200,000 + 2.3 × 170,000 = 240,000 + 391,000
    assert ref.price("700920", on) == Price(240000, 391000, 631000)
    # private: 1.2 × 330,000 + 2.3 × 240,000 = 396,000 + 552,000
    assert ref.price("700920", on, "private") == Price(396000, 552000, 948000)
    assert ref.price("700920", on, "charity") == ref.price("700920", on, "private")
    assert ref.price("700920", on, "government_university") == ref.price("700920", on, "government")
    assert ref.price("700920", on, qty=3).total == 3 * 631000


def test_single_value_is_professional(ref):
    on = D("1404/07/05")
    row = ref.tariff.get("901645")
    assert (row.rvu_professional, row.rvu_technical, row.rvu_total) == (Decimal("1.2"), None, None)
    assert ref.price("901645", on) == Price(240000, 0, 240000)
    assert ref.price("901646", on).total == 100000 and ref.tariff.get("901646").is_addon
    # the technical K is not needed for a professional-only code: before 1404 only k_professional is in force
    assert ref.price("901645", D("1403/07/05")).total == 180000


def test_technical_needs_k_technical_in_force(ref):
    with pytest.raises(MissingParameter) as e:
        ref.price("700920", D("1403/07/05"))
    assert (e.value.table, e.value.key) == ("k_technical", "government")
    assert ref.price("100003", D("1404/07/05")) == Price(0, 340000, 340000)


def test_dental_rows_use_k_dental(ref):
    on = D("1404/07/05")
    assert ref.price("T2-36", on) == Price(55 * 120000, 0, 6600000)
    assert ref.price("T2-36", on, "private").total == 55 * 240000
    assert ref.price("T2-99", on) is None                        # not in the book
    with_table = ReferenceData(ref.tariff, ref.params, dental_table={"T2-99": 41})
    assert with_table.price("T2-99", on).total == 41 * 120000


def test_rounding_half_up_to_whole_rials(ref):
    # 0.333335 × 150,000 = 50,000.25 → 50,000 ; × 3 = 150,000.75 → 150,001
    assert ref.price("100001", D("1403/07/01")).total == 50000
    assert ref.price("100001", D("1403/07/01"), qty=3).total == 150001
    # 0.333335 × 200,000 = 66,667.0 ; × 1.5 = 100,000.5 → 100,001 (half up, not to even)
    assert ref.price("100001", D("1404/07/01"), qty=Decimal("1.5")).total == 100001


def test_hash_codes_capped_in_the_private_sector(ref):
    on = D("1404/07/05")
    assert ref.price("100002", on, "private").total == 10 * 280000     # min(330,000, cap 280,000)
    assert ref.price("100002", on, "government").total == 10 * 200000  # # has no effect in the government sector
    assert ref.tariff.get("100002").is_private_adjusted


def test_unknown_code_and_sector(ref):
    assert ref.price("999999", D("1404/07/05")) is None
    with pytest.raises(ValueError):
        ref.price("700920", D("1404/07/05"), "cooperative")
    assert ref.k_sector("government_other") == "government" and ref.k_sector("charity") == "private"


def test_price_is_fast_on_a_warm_cache(ref):
    import time
    dates = [D(f"1404/0{m}/0{d}") for m in range(1, 8) for d in range(1, 9)]
    codes = ["700920", "901645", "901646", "T2-36", "T2-23", "100001"]
    for c in codes:
        for on in dates:
            ref.price(c, on, "government")
    n, t0 = 0, time.perf_counter()
    for _ in range(50):
        for c in codes:
            for on in dates:
                ref.price(c, on, "government")
                n += 1
    per_call = (time.perf_counter() - t0) / n
    assert per_call < 5e-6, f"{per_call * 1e6:.2f} µs per call"


# ----------------------------------------------------------------------------------------------------------------
# tariff CSV problems


def test_csv_problems_are_located_by_row_and_column(tmp_path):
    text = HEADER + "\n".join([
        "700920,ok,,1.2,,,,radiology",                 # row 2
        "70092,short code,,1,,,,radiology",            # row 3
        "700925,bad number,,1.2.3,,,,radiology",       # row 4
        "700930,negative,,-1,,,,radiology",            # row 5
        "700935,bad flag,,1,,,+x,radiology",           # row 6
        "700920,duplicate,,1,,,,radiology",            # row 7
        "700940,total,5,1,2,,,radiology",              # row 8
        "700945,a, b,,1,,,,radiology",                 # row 9: an unquoted comma in the description
        "",                                            # row 10: blank line
        ",no code,,1,,,,radiology",                    # row 11
    ]) + "\n"
    book, problems = load_tariff(write(tmp_path, "t.csv", text))
    where = {(p.path, p.code) for p in problems}
    assert where == {
        ("row 3, column code", "invalid_code"),
        ("row 4, column rvu_professional", "invalid_number"),
        ("row 5, column rvu_professional", "negative"),
        ("row 6, column flags", "invalid_flag"),
        ("row 7, column code", "duplicate"),
        ("row 8, column rvu_total", "total_mismatch"),
        ("row 9", "extra_cells"),
        ("row 11, column code", "missing_code"),
    }
    assert all(p.file == str(tmp_path / "t.csv") and p.message_fa and p.message_en for p in problems)
    dup = next(p for p in problems if p.code == "duplicate")
    assert "row 2" in dup.message_en and "۲" in dup.message_fa
    assert book.codes() == ["700920"]


def test_csv_missing_columns_and_empty_file(tmp_path):
    _, problems = load_tariff(write(tmp_path, "a.csv", "code,description_fa,rvu_professional\n700920,x,1\n"))
    assert sorted(p.message_en.split("'")[1] for p in problems) == \
        ["anesthesia_base", "chapter", "flags", "rvu_technical", "rvu_total"]
    assert {p.path for p in problems} == {"row 1 (header)"}
    _, problems = load_tariff(write(tmp_path, "b.csv", ""))
    assert [p.code for p in problems] == ["empty"]
    _, problems = load_tariff(tmp_path / "none.csv")
    assert [p.code for p in problems] == ["unreadable"]


def test_csv_windows_1256_bom_extra_columns_and_persian_digits(tmp_path):
    rows = "700920,سنجش تراکم استخوان,3.5,1.2,2.3,0,,radiology\n"
    t, problems = load_tariff(write(tmp_path, "w.csv", HEADER + rows, encoding="cp1256"))
    assert problems == []
    row = t.get("700920")
    assert row.description_fa == "سنجش تراکم استخوان"
    assert (row.rvu_total, row.rvu_professional, row.rvu_technical) == (Decimal("3.5"), Decimal("1.2"), Decimal("2.3"))
    t, problems = load_tariff(write(tmp_path, "fa.csv", HEADER + "۷۰۰۹۲۵,تمام بدن,,۱٫۵,۳,,,radiology\n"))
    assert problems == [] and t.get("700925").rvu_total == Decimal("4.5")
    bom = "\ufeff" + HEADER.strip() + ",note\n700920,سنجش,,1.2,,,,radiology,extra\n"
    t, problems = load_tariff(write(tmp_path, "b.csv", bom))
    assert problems == [] and t.get("700920").rvu_professional == Decimal("1.2")
    # Arabic yeh/kaf are normalised to Persian
    t, _ = load_tariff(write(tmp_path, "k.csv", HEADER + "700920,كد يك,,1,,,,radiology\n"))
    assert t.get("700920").description_fa == "کد یک"


# ----------------------------------------------------------------------------------------------------------------
# parameters YAML problems


def test_yaml_problems_are_located(tmp_path):
    text = """
k_professional:
  government:
    "1404/13/01": {value: 1, reference: "bad month"}
    "1404/02/01": {value: -5, reference: "negative"}
    "1404/03/01": 200000
  state: {"1404/01/01": {value: 1}}
  "1404/01/01": {value: 1}
franchise:
  outpatient: {"1395/01/01": {value: 30}}
code_groups:
  "1395/02/01": {value: {high_cost: ["70092"]}, reference: 5}
  "1396/02/01": {value: {high_cost: ["70092"]}}
bed_day:
  government: {"1404/01/01": {value: {"1": {general: "many"}}}}
"""
    _, problems = load_params(write(tmp_path, "p.yaml", text))
    paths = {p.path for p in problems}
    assert paths == {
        'k_professional.government."1404/13/01"',
        'k_professional.government."1404/02/01".value',
        'k_professional.government."1404/03/01"',
        "k_professional.state",
        'k_professional."1404/01/01"',
        'franchise.outpatient."1395/01/01".value',
        'code_groups."1395/02/01".reference',
        'code_groups."1396/02/01".value.high_cost[0]',
        'bed_day.government."1404/01/01".value.1.general',
    }
    assert all(p.file == str(tmp_path / "p.yaml") and p.message_fa for p in problems)
    bad_date = next(p for p in problems if p.path.endswith('"1404/13/01"'))
    assert bad_date.code == "invalid_date" and "تاریخ" in bad_date.message_fa


def test_yaml_syntax_error_and_duplicate_keys(tmp_path):
    _, problems = load_params(write(tmp_path, "s.yaml", "k_professional:\n  government: [\n"))
    assert len(problems) == 1 and problems[0].path.startswith("line ") and problems[0].code == "yaml"
    _, problems = load_params(write(tmp_path, "d.yaml", 'franchise:\n  outpatient:\n'
                                    '    "1395/01/01": {value: 0.3}\n    "1395/01/01": {value: 0.2}\n'))
    assert [(p.path, p.code) for p in problems] == [("line 4", "duplicate")]
    _, problems = load_params(write(tmp_path, "l.yaml", "- a\n- b\n"))
    assert [p.path for p in problems] == ["(top level)"]


def test_unknown_tables_are_kept(tmp_path):
    p = params_of(tmp_path, """
rt_max_fields:
  "1395/02/01": {value: {breast: 160}, reference: "override of a printed table"}
""")
    assert p.value("rt_max_fields", D("1404/01/01"), "breast") == 160


# ----------------------------------------------------------------------------------------------------------------
# the shipped samples


def test_sample_files_load_without_problems():
    t, p1 = load_tariff(SAMPLE / "tariff.csv")
    p, p2 = load_params(SAMPLE / "params.yaml")
    assert p1 == [] and p2 == []
    assert len(t) >= 400
    # every table of rule-inputs §4
    for name in ("k_professional", "k_technical", "k_anesthesia", "k_dental", "k_hash_cap", "franchise",
                 "deprivation_coefficient", "bed_day", "global_package_tariff", "global_package_components",
                 "global_package_codes", "prosthesis_covered_price", "supply_min_rate", "approval_required_codes",
                 "online_approval_codes", "rural_level1_services", "method_variant_groups", "lsc_permitted_codes",
                 "code_title_candidates", "combined_codes", "implant_removal_codes", "visit_rvu",
                 "consultation_rvu", "spect_addon", "code_groups"):
        assert p.has(name), name


def test_every_sample_parameter_says_it_is_a_sample():
    doc = yaml.safe_load((SAMPLE / "params.yaml").read_text(encoding="utf-8"))
    seen = 0

    def entries(body):
        for k, v in body.items():
            if isinstance(v, dict) and "value" in v:
                yield k, v
            else:
                yield from entries(v)
    for name, body in doc.items():
        for date, entry in entries(body):
            seen += 1
            ref = entry.get("reference") or ""
            assert "نمونه" in ref and "sample" in ref, f"{name} {date}: {ref!r}"
    assert seen >= 30


def test_sample_figures_the_manual_gives():
    p, _ = load_params(SAMPLE / "params.yaml")
    on = D("1404/07/01")
    assert p.value("franchise", on, "outpatient") == Decimal("0.30")
    assert p.value("franchise", on, "inpatient") == Decimal("0.10")
    assert p.value("franchise", on, "limited_surgery_center") == Decimal("0.10")
    assert p.value("k_professional", on, "private") > p.value("k_professional", on, "government")
    high = p.value("code_groups", on, "high_cost")
    assert {"700920", "700925", "900780", "900785", "900800", "901220", "702875"} <= set(high)
    assert "704725" not in high                    # thyroid scan is not high-cost (DEF-HIGH-COST)
    assert p.value("code_groups", on, "abdominal_ultrasound") == ["701555"]
    t, _ = load_tariff(SAMPLE / "tariff.csv")
    # printed values: Table 1, radiotherapy, Table 2, dialysis, US-1
    assert t.get("400565").rvu_professional == Decimal("10.5") and t.get("400565").rvu_technical == Decimal("5.5")
    assert t.get("100085").rvu_professional == 2 and t.get("100085").is_not_covered
    assert t.get("705505").rvu_professional == 130 and t.get("705425").rvu_professional == Decimal("8.5")
    assert t.get("901950").rvu_professional == 5 and t.get("901955").rvu_professional == 3
    assert t.get("T2-36").rvu_professional == 55 and t.get("T2-23").rvu_professional == 10
    assert t.get("900140").rvu_professional == 17 and t.get("701611").rvu_professional == Decimal("4.2")
    assert t.get("901646").is_addon and t.get("901660").is_addon
    assert {f"T2-{n}" for n in range(1, 117)} <= set(t.codes())


def _extract_module():
    spec = importlib.util.spec_from_file_location("extract_codes", REPO / "tools" / "extract_codes.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds (the manual) is not beside the checkout")
def test_every_code_the_manual_names_is_in_the_sample_tariff():
    mod = _extract_module()
    named = mod.codes(sorted((SHARED / "seeds").glob("*.txt")))
    assert len(named) >= 280 and {"700920", "900700", "900672", "705505"} <= named
    catalogue = SHARED / "rule-catalogue.yaml"
    if catalogue.is_file():
        text = catalogue.read_text(encoding="utf-8").translate(mod._DIGITS)
        named |= set(mod.CODE_RE.findall(text))
    t, _ = load_tariff(SAMPLE / "tariff.csv")
    assert sorted(named - set(t.codes())) == []


@pytest.mark.skipif(not (SHARED / "rule-catalogue.yaml").is_file(), reason="../shared/rule-catalogue.yaml is absent")
def test_sample_tariff_carries_the_printed_table_values():
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = (SHARED / "rule-catalogue.yaml").read_text(encoding="utf-8")
    cat = {r["id"]: r for r in yaml.load(text, Loader=loader)}
    t, _ = load_tariff(SAMPLE / "tariff.csv")
    for r in cat["MD-T1"]["params"]["codes"]:
        if not re.fullmatch(r"\d{6}", r["code"]):
            continue
        row = t.get(r["code"])
        if r.get("rv_technical") is not None:
            assert (row.rvu_professional, row.rvu_technical) == \
                (Decimal(str(r["rv_professional"])), Decimal(str(r["rv_technical"]))), r["code"]
        else:
            assert row.rvu_professional == Decimal(str(r["rv"])), r["code"]
    for r in cat["DEN-T2"]["params"]["rows"]:
        if r["k"] is not None:
            assert t.get(f"T2-{r['row']}").rvu_professional == Decimal(str(r["k"])), r["row"]
    for code, v in cat["RT-2"]["params"]["codes"].items():
        assert t.get(code).rvu_professional == Decimal(str(v["rv"])), code


def test_extract_codes_reads_persian_digits_and_skips_dates(tmp_path):
    mod = _extract_module()
    f = write(tmp_path, "m.txt", "کد ملی ۷۰۰۹۲۰ و 801590. تاریخ ۱۴۰۴/۰۸/۲۱ کد ۳۰۰۲۸۲۰\n")
    assert mod.codes([f]) == {"700920", "801590"}
    assert set(mod.extract([f], mod.LONG_RE)) == {"3002820"}


def test_load_default_overlays_the_office_files(tmp_path, monkeypatch):
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path))
    ref = load_default()
    assert ref.sample and len(ref.tariff) >= 400
    on = D("1404/07/05")
    sample_price = ref.price("700920", on)
    assert sample_price is not None and sample_price.total > 0
    office = tmp_path / "reference"
    office.mkdir()
    (office / "tariff.csv").write_text(HEADER + "700920,سنجش تراکم استخوان,,30,,,,radiology\n", encoding="utf-8")
    (office / "params.yaml").write_text(
        'k_professional:\n  government: {"1404/01/01": {value: 1000000, reference: "office"}}\n', encoding="utf-8")
    ref2 = load_default()
    assert ref2.price("700920", on) == Price(30000000, 0, 30000000)
    assert ref2.params.value("k_professional", on, "private") == ref.params.value("k_professional", on, "private")
    assert ref2.sample and any("reference" in s for s in ref2.sources)
    assert load_default() is ref2                     # memoised while the files do not change
    (office / "params.yaml").write_text("k_professional: [\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_default()
    assert e.value.problems[0].file.endswith("params.yaml")


# ------------------------------------------------------------------------------------------ the chapter column


@pytest.mark.parametrize("code, desc, chapter", [
    ("800005", "پذیرش", "laboratory"), ("901645", "الکتروتراپی", "physiotherapy"),
    ("705420", None, "radiotherapy"), ("901955", "براکی تراپی", "radiotherapy"), ("T2-23", None, "dentistry"),
    ("702875", "سی تی اسکن شکم و لگن", "ct"), ("703035", "CT scan of the brain", "ct"),
    ("701555", "سونوگرافی شکم و لگن", "ultrasound"), ("701870", "داپلر ترانس کرانیال (TCCS)", "ultrasound"),
    ("703500", "ام‌آر‌آی مغز", "mri"), ("704725", "اسکن ایزوتوپ تیروئید", "nuclear_medicine"),
    ("700245", "رادیوگرافی ساده شکم (KUB)", "radiology"),
    # unsure → none: another chapter's code, an imaging code of no recognisable title outside 700xxx
    ("900780", "اکوکاردیوگرافی", None), ("100085", "میخچه", None), ("702000", None, None),
])
def test_an_empty_chapter_is_inferred_only_where_the_code_or_title_is_plain(tmp_path, code, desc, chapter):
    t = tariff_of(tmp_path, f"{code},{desc or ''},,1,,,,\n")
    row = t.get(code)
    assert row.chapter == chapter and row.chapter_declared is False


def test_a_declared_chapter_is_kept_and_an_overlay_without_one_keeps_the_books(tmp_path):
    base = tariff_of(tmp_path, "702875,سی تی,,1,,,,imaging\n", "a.csv")
    assert base.get("702875").chapter == "imaging" and base.get("702875").chapter_declared
    over = tariff_of(tmp_path, "702875,سی تی شکم,,2,,,,\n", "b.csv")
    row = base.overlay(over).get("702875")
    assert (row.rvu_professional, row.description_fa, row.chapter, row.chapter_declared) == \
        (Decimal(2), "سی تی شکم", "imaging", True)
    # a chapter written in the overlay wins
    over2 = tariff_of(tmp_path, "702875,سی تی,,2,,,,ct\n", "c.csv")
    assert base.overlay(over2).get("702875").chapter == "ct"
