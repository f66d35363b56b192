"""The synthetic claim-batch generator (desktop/synth.py) and the shipped demo batches (resources/demo).

Every property is checked from the generated data itself with code written here (national-id checksum, Jalali
dates through desktop.domain.jalali, shares, closed lists from the generated schema of rule-inputs.md, tariff
prices from the shipped sample files), never by asking the generator what it meant to do.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from desktop import synth
from desktop.domain.jalali import parse_date, parse_datetime, parse_month, parse_time
from desktop.synth import (KINDS, build_demo, generate_batch, generate_batch_with_key, make_national_id,
                           national_id_ok, write_batch)

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "resources" / "demo"
SAMPLE = REPO / "rules" / "sample"
SPECIALTIES_CSV = Path("/work/shared/spec/specialties.csv")
PERIOD = "1404/07"


# ---------------------------------------------------------------------------------------------------- helpers

def nid_valid(nid: str) -> bool:
    """The national-id rule written out again: 10 digits, weights 10..2, r = sum % 11, check = r if r < 2 else
    11 - r, and never ten equal digits."""
    if not re.fullmatch(r"\d{10}", nid) or len(set(nid)) == 1:
        return False
    r = sum(int(d) * w for d, w in zip(nid[:9], range(10, 1, -1))) % 11
    return int(nid[9]) == (r if r < 2 else 11 - r)


def half_up(x) -> int:
    return int(Decimal(str(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


_CACHE: dict = {}


def batch_of(kind, n=600, **kw):
    """Generated batches are shared between tests (generation is deterministic)."""
    key = (kind, n, tuple(sorted(kw.items())))
    if key not in _CACHE:
        _CACHE[key] = generate_batch_with_key(n, seed=kw.pop("seed", 11), provider_kind=kind, **kw)
    return _CACHE[key]


def all_batches():
    for kind in KINDS:
        yield kind, batch_of(kind, n_bills=25 if kind == "hospital" else 0)


def sample_reference():
    """(tariff rows, K professional, K technical, K dental) of the shipped samples in force on 1404/07/01."""
    tariff, params = SAMPLE / "tariff.csv", SAMPLE / "params.yaml"
    if not (tariff.is_file() and params.is_file()):
        pytest.skip("the shipped sample tariff/parameters are not there yet")
    import yaml
    rows = {r["code"]: r for r in csv.DictReader(tariff.open(encoding="utf-8-sig"))}
    data = yaml.safe_load(params.read_text(encoding="utf-8"))

    def k(name):
        table = data[name]["government"]
        day = max(d for d in map(str, table) if d <= "1404/07/01")
        return Decimal(str(table[day]["value"] if day in table else table[int(day)]["value"]))
    return rows, k("k_professional"), k("k_technical"), k("k_dental")


def tariff_price(rows, kp, kt, kd, code, qty=1) -> int:
    r = rows[code]
    dec = lambda v: Decimal(v) if v not in (None, "") else Decimal(0)   # noqa: E731
    if code.startswith("T2-"):
        return half_up(dec(r["rvu_professional"] or r["rvu_total"]) * kd * qty)
    prof = dec(r["rvu_professional"]) or (dec(r["rvu_total"]) if not r["rvu_technical"] else Decimal(0))
    return half_up(prof * kp * qty) + half_up(dec(r["rvu_technical"]) * kt * qty)


def is_high_cost(code):
    return code in synth.HIGH_COST_CODES


# ---------------------------------------------------------------------------------------------------- determinism

def test_same_seed_gives_the_same_batch_and_another_seed_another():
    a = generate_batch(300, seed=5, provider_kind="laboratory", n_bills=3)
    b = generate_batch(300, seed=5, provider_kind="laboratory", n_bills=3)
    c = generate_batch(300, seed=6, provider_kind="laboratory", n_bills=3)
    assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)
    assert a["prescriptions"] != c["prescriptions"]


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    # Sets of strings iterate in an order that changes with PYTHONHASHSEED; the generator must never depend on it.
    digests = []
    for hs in ("1", "2"):
        out = tmp_path / f"b{hs}.json"
        env = dict(os.environ, PYTHONHASHSEED=hs)
        r = subprocess.run([sys.executable, "-m", "desktop.synth", "--prescriptions", "400", "--bills", "5",
                            "--seed", "9", "--out", str(out)], env=env, capture_output=True, text=True, cwd=REPO)
        assert r.returncode == 0, r.stderr
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_same_seed_earlier_period_is_a_history_of_the_same_provider():
    h = generate_batch(400, seed=21, provider_kind="radiology", period="1404/06")
    b = generate_batch(400, seed=21, provider_kind="radiology", period="1404/07")
    assert h["batch"]["provider"] == b["batch"]["provider"]
    assert h["batch"]["period"] == "1404/06" and b["batch"]["period"] == "1404/07"
    ids_h = {d["insured"]["national_id"] for d in h["prescriptions"]}
    ids_b = {d["insured"]["national_id"] for d in b["prescriptions"]}
    assert len(ids_h & ids_b) >= 50          # the same patients come back the next month


# ---------------------------------------------------------------------------------------------------- national ids

def test_national_id_check_agrees_with_the_rule_and_rejects_repeated_digits():
    import random
    rng = random.Random(3)
    for _ in range(3000):
        s = f"{rng.randrange(10 ** 10):010d}"
        assert national_id_ok(s) == nid_valid(s)
    assert nid_valid("0499370899") and national_id_ok("0499370899")      # the worked examples' insured
    for d in "0123456789":
        assert not national_id_ok(d * 10)                                 # pass mod-11, still refused
    assert not national_id_ok("049937089") and not national_id_ok("04993708990")
    for _ in range(2000):
        assert nid_valid(make_national_id(rng, "12"))


def test_every_national_id_in_every_kind_passes_the_checksum():
    for kind, (b, _) in all_batches():
        docs = b["prescriptions"] + b["bills"]
        assert docs, kind
        for d in docs:
            assert nid_valid(d["insured"]["national_id"]), (kind, d["seq"], d["insured"]["national_id"])
            pr = d.get("prescriber") or {}
            if "national_id" in pr:
                assert nid_valid(pr["national_id"])


# ---------------------------------------------------------------------------------------------------- dates

def test_dates_are_valid_jalali_dates_inside_the_period():
    P = parse_month(PERIOD)
    first, last = P.first_day(), P.last_day()
    prev_first = (P - 1).first_day()
    for kind, (b, key) in all_batches():
        h = b["batch"]
        assert parse_month(h["period"]) == P
        sub = parse_date(h["submitted_on"])
        assert (P + 1).first_day() <= sub <= (P + 1).last_day()
        c = h["provider"]["contract"]
        assert parse_date(c["from"]) < first and parse_date(c["to"]) > last
        for d in b["prescriptions"]:
            defects = key["prescriptions"].get(str(d["seq"]), [])
            served = parse_date(d["served_on"])
            assert parse_date(d["insured"]["birth_date"]) <= served
            if "GEN-7-N1" not in defects:
                assert first <= served <= last, (kind, d["seq"], d["served_on"])
            if d["prescribed_on"] is None:
                assert "GEN-5" in defects
                continue
            pres = parse_date(d["prescribed_on"])
            assert pres <= served                                   # prescribed before (or on) the service day
            if "GEN-7" not in defects and "GEN-7-N1" not in defects:
                assert pres >= prev_first                           # within GEN-7's window (this or last month)
            if d.get("approval"):
                assert pres <= parse_date(d["approval"]["on"]) <= served
            for it in d["items"]:
                for s in it["details"].get("sessions", []):
                    assert parse_date(s) <= served, (kind, d["seq"], defects, d["served_on"], it["details"]["sessions"])
                    if "GEN-7-N1" not in defects:
                        assert first <= parse_date(s) <= last
                if "sessions" in it["details"]:
                    assert it["qty"] == len(it["details"]["sessions"])
                    assert len(set(it["details"]["sessions"])) == it["qty"]      # one session a day
        for bill in b["bills"]:
            adm, dis = parse_datetime(bill["admitted_at"]), parse_datetime(bill["discharged_at"])
            assert adm < dis and first <= adm.date and dis.date <= last
            for st in bill["stays"]:
                assert adm <= parse_datetime(st["from"]) < parse_datetime(st["to"]) <= dis
            for a in bill["anesthesia"]:
                s, e = parse_datetime(a["start"]), parse_datetime(a["end"])
                assert s <= parse_datetime(a["surgery_start"]) < parse_datetime(a["surgery_end"]) <= e


# ---------------------------------------------------------------------------------------------------- schema

def _schema():
    try:
        from desktop.domain import schema
    except ImportError:
        pytest.skip("desktop.domain.schema (generated from rule-inputs.md) is not there")
    return schema.TABLES


_CHECKERS = {"date": parse_date, "datetime": parse_datetime, "month": parse_month, "time": parse_time}


def _check_value(tables, f, v, where, problems):
    t = f["type"]
    if t in ("ref", "object"):
        if not isinstance(v, dict):
            problems.append(f"{where}: not an object")
        else:
            _check_table(tables, f["ref"] or f["object"], v, where, problems)
    elif t == "enum":
        ok = v in (f["enum"] or ()) or (f.get("pattern") and isinstance(v, str) and re.match(f["pattern"], v))
        if not ok:
            problems.append(f"{where}: {v!r} not in {f['enum']}")
    elif t in _CHECKERS:
        try:
            _CHECKERS[t](v)
        except (ValueError, TypeError) as exc:
            problems.append(f"{where}: {exc}")
    elif t in ("int", "rials"):
        if not isinstance(v, int) or isinstance(v, bool) or (t == "rials" and v < 0):
            problems.append(f"{where}: {v!r} is not a {t}")
    elif t == "number":
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            problems.append(f"{where}: {v!r} is not a number")
    elif t == "bool":
        if not isinstance(v, bool):
            problems.append(f"{where}: {v!r} is not a bool")
    elif t == "map":
        if not isinstance(v, dict):
            problems.append(f"{where}: not a map")
    else:   # string text slug code
        if not isinstance(v, str):
            problems.append(f"{where}: {v!r} is not a string")
        elif t == "code" and not re.fullmatch(r"\d{6}|T2-\d+", v):
            problems.append(f"{where}: {v!r} is not a code")
        elif t == "slug" and not re.fullmatch(r"[A-Za-z0-9_\-+ ]+", v):
            problems.append(f"{where}: {v!r} is not a slug")
    if f.get("check") == "national_id" and isinstance(v, str) and not nid_valid(v):
        problems.append(f"{where}: bad national id {v}")


def _check_table(tables, name, obj, where, problems):
    fields = tables[name]["fields"]
    for k, f in fields.items():
        if f.get("required") and k not in obj:
            problems.append(f"{where}.{k}: required and missing")
    for k, v in obj.items():
        f = fields.get(k)
        if f is None:
            continue                                   # unknown fields are allowed (and kept by intake)
        w = f"{where}.{k}"
        if v is None:
            if not f.get("nullable"):
                problems.append(f"{w}: null not allowed")
            continue
        if f["list"]:
            if not isinstance(v, list):
                problems.append(f"{w}: not a list")
                continue
            for i, e in enumerate(v):
                _check_value(tables, f, e, f"{w}[{i}]", problems)
        else:
            _check_value(tables, f, v, w, problems)


def test_every_field_has_its_type_and_closed_list_value():
    tables = _schema()
    for kind, (b, _) in all_batches():
        problems: list[str] = []
        _check_table(tables, "claim_batch", b, "$", problems)
        assert not problems, (kind, problems[:10])
    for name in ("demo-batch.json", "demo-history.json"):
        problems = []
        _check_table(tables, "claim_batch", json.loads((DEMO / name).read_text(encoding="utf-8")), name, problems)
        assert not problems, problems[:10]


# ---------------------------------------------------------------------------------------------------- codes

KIND_CODES = {
    "laboratory": r"80\d{4}", "radiology": r"70\d{4}", "ultrasound": r"701\d{3}", "ct": r"70[23]\d{3}",
    "nuclear_medicine": r"70\d{4}",
    "physiotherapy": r"9016\d{2}", "dentist": r"T2-\d+", "physician_office": r"970\d{3}|[1-9]\d{5}",
    "clinic": r"970\d{3}|[1-9]\d{5}", "hospital": r"970\d{3}|[1-9]\d{5}",
}


def test_codes_are_well_formed_and_fit_the_kind():
    for kind, (b, key) in all_batches():
        for d in b["prescriptions"]:
            for it in d["items"]:
                code = it["code"]
                if code is None:                      # a dental service Table 2 has no row for (rule-inputs §3)
                    assert kind == "dentist" and it["details"].get("service")
                    assert "DEN-11" in key["prescriptions"][str(d["seq"])]
                    continue
                assert re.fullmatch(KIND_CODES[kind], code), (kind, code)
                if code.startswith("T2-"):
                    row = int(code[3:])
                    assert it["details"]["table2_row"] == row and row in synth.TABLE2_K
                    if "tooth" in it["details"]:
                        assert re.fullmatch(r"[1-8][1-8]", it["details"]["tooth"])
                assert isinstance(it["qty"], int) and it["qty"] >= 1
        for bill in b["bills"]:
            for pr in bill["procedures"]:
                assert pr["code"] is None or re.fullmatch(r"\d{6}", pr["code"])


def test_generated_codes_are_in_the_shipped_tariff_with_the_same_relative_values():
    rows, kp, kt, kd = sample_reference()
    for code, (_, prof, tech) in synth.SAMPLE_RVU.items():
        assert code in rows, code
        r = rows[code]
        assert Decimal(str(prof)) == Decimal(r["rvu_professional"] or r["rvu_total"] or "0"), code
        assert Decimal(str(tech)) == Decimal(r["rvu_technical"] or "0"), code
    for row, (_, k) in synth.TABLE2_K.items():
        assert Decimal(rows[f"T2-{row}"]["rvu_professional"]) == k
    assert (kp, kt, kd) == tuple(Decimal(synth.SAMPLE_K[x]) for x in ("professional", "technical", "dental"))


def test_specialties_are_slugs_of_the_specialty_list():
    if not SPECIALTIES_CSV.is_file():
        pytest.skip("shared/spec/specialties.csv not available")
    slugs = {r["slug"] for r in csv.DictReader(SPECIALTIES_CSV.open(encoding="utf-8"))}
    seen = set()
    for _, (b, _) in all_batches():
        people = [b["batch"]["provider"]["technical_director"]]
        for d in b["prescriptions"]:
            people += [d["prescriber"], d.get("performer") or {}]
        for bill in b["bills"]:
            people += [bill["admission_order"]["prescriber"]] + [v["prescriber"] for v in bill["visits"]]
            people += [a["anesthesiologist"] for a in bill["anesthesia"]]
        for p in people:
            if p.get("specialty"):
                seen.add(p["specialty"])
    assert seen and seen <= slugs, seen - slugs


# ---------------------------------------------------------------------------------------------------- amounts

def test_requested_shares_add_up_and_split_30_70():
    for kind, (b, _) in all_batches():
        tot = ins = org = 0
        for d in b["prescriptions"]:
            for it in d["items"]:
                r = it["requested"]
                assert r["total"] > 0 and r["total"] == r["insured"] + r["org"], (kind, d["seq"], r)
                assert r["insured"] == half_up(Decimal(r["total"]) * Decimal("0.3")), (kind, r)
                tot, ins, org = tot + r["total"], ins + r["insured"], org + r["org"]
            if "declared" in d:
                assert d["declared"]["total"] == sum(i["requested"]["total"] for i in d["items"])
        bills = 0
        for bill in b["bills"]:
            for name, h in bill["headings"].items():
                if "lines" in h:
                    assert h["requested"] == sum(x["requested"] for x in h["lines"]), (name, h)
                    for x in h["lines"]:
                        assert x["requested"] == x["qty"] * x["unit_price"]
            bills += sum(h["requested"] for h in bill["headings"].values())
            bills += (bill["global_package"] or {}).get("requested", 0)
        dec = b["batch"]["declared"]
        assert dec["count"] == len(b["prescriptions"]) + len(b["bills"])
        assert dec["total"] == tot + bills and dec["total"] == dec["insured_share"] + dec["org_share"]


def test_clean_lines_ask_exactly_the_shipped_tariff():
    rows, kp, kt, kd = sample_reference()
    for kind, (b, key) in all_batches():
        for d in b["prescriptions"]:
            if str(d["seq"]) in key["prescriptions"]:
                continue
            for it in d["items"]:
                assert it["requested"]["total"] == tariff_price(rows, kp, kt, kd, it["code"], it["qty"]), \
                    (kind, d["seq"], it["code"])


def test_bills_headings_follow_the_sample_parameters():
    _, kind_b = "hospital", batch_of("hospital", n_bills=25)
    b, key = kind_b
    import yaml
    params = yaml.safe_load((SAMPLE / "params.yaml").read_text(encoding="utf-8")) if (SAMPLE / "params.yaml").is_file() \
        else None
    grade = b["batch"]["provider"]["accreditation"]["hospital"]
    assert b["bills"]
    for bill in b["bills"]:
        if bill["global_package"]:
            assert bill["headings"] == {}                      # everything is inside the package (INP-22-5)
            if bill["global_package"]["name"] in ("normal_delivery", "caesarean_section"):
                assert bill["insured"]["sex"] == "F"
            continue
        days = {"icu": 0, "general": 0}
        for st in bill["stays"]:
            days[st["ward"]] += parse_date(st["to"][:10]) - parse_date(st["from"][:10])
        assert sum(days.values()) == parse_date(bill["discharged_at"][:10]) - parse_date(bill["admitted_at"][:10])
        h = bill["headings"]
        if params:
            v = params["bed_day"]["government"]
            rates = v[max(d for d in map(str, v) if d <= "1404/07/01")]["value"][grade]
            hotel_g, hotel_i = days["general"] * rates["general"], days["icu"] * rates["icu"]
            assert h["hoteling"]["requested"] == hotel_g + hotel_i
            assert h["nursing"]["requested"] == half_up(Decimal("0.06") * (hotel_g + Decimal("0.7") * hotel_i))
        assert len(bill["visits"]) == sum(days.values()) + 1
        for ln in h["lab"]["lines"]:
            assert parse_date(bill["admitted_at"][:10]) <= parse_date(ln["on"]) <= parse_date(bill["discharged_at"][:10])
        assert [ln["code"] for ln in h["lab"]["lines"]].count("800005") == 1      # one admission per stay (LAB-1)


# ---------------------------------------------------------------------------------------------------- defects

VISITS = {"970000", "970005", "970010"}
DEEP_HEAT = {"continuous_ultrasound", "short_wave_diathermy", "micro_wave_diathermy"}
PARACLINIC = {"laboratory", "radiology", "ultrasound", "ct", "nuclear_medicine", "physiotherapy"}


def _facts(b, d, rows=None):
    """Defects read off the document, independently of the generator's key: {rule id: bool}."""
    P = parse_month(b["batch"]["period"])
    kind = b["batch"]["provider"]["kind"]
    gp = d["prescriber"].get("specialty") == "general_practitioner"
    paper = d.get("paper") or {}
    ins = d["insured"]
    items = d["items"]
    codes = [it["code"] for it in items]
    served = parse_date(d["served_on"])
    high = [it for it in items if it["code"] and is_high_cost(it["code"])]
    f = {
        "GEN-5": d["prescribed_on"] is None,
        "GEN-2-N2": paper.get("signature") == "stamp",
        "GEN-2": paper.get("erasure") == "uncertified",
        "GEN-8": paper.get("handwritings", 1) > 1 or d.get("sheet") in ("copy", "carbon", "patient_copy", "blank"),
        "GEN-8-N2": ins.get("fund", "x") is None and ins.get("insurer") not in (None, "iran_health_insurance"),
        "GEN-8-N3": paper.get("provider_stamp_code", b["batch"]["provider"]["code"]) != b["batch"]["provider"]["code"],
        "GEN-17": paper.get("provider_stamp") is False,
        "GEN-14": d.get("purpose") == "screening",
        "GEN-7-N1": served.period != P,
        "GEN-7": d["prescribed_on"] is not None and parse_date(d["prescribed_on"]) < (P - 1).first_day()
        and served.period == P,
        "GEN-12": d.get("diagnosis") in (None, ""),
        "GEN-19": bool(high) and d.get("attachments") == [],
        "GEN-20-N2": ins.get("fund") == "rural" and not b["batch"]["provider"]["contract"]["rural"],
        "GEN-9": d["prescriber"]["council_no"] == b["batch"]["provider"]["technical_director"]["council_no"]
        and b["batch"]["provider"]["kind"] != "physician_office" and b["batch"]["provider"]["kind"] != "dentist",
        "US-17": d["prescriber"].get("role") == "midwife" and kind in ("radiology", "ultrasound", "ct",
                                                                       "nuclear_medicine"),
        "US-3": "701715" in codes and "701736" in codes,
        "US-16-6": "701740" in codes and "701865" in codes,
        "LAB-4-7": "801590" in codes and "802875" in codes,
        "BMD-12": "700925" in codes and parse_date(ins["birth_date"]).add_years(18) <= served,
        "GEN-16-N2": ins["sex"] == "F" and "801820" in codes,
        "PT-3": "sessions_ordered" in d and d["sessions_ordered"] is None,
        "PT-4": any(it["code"] == "901645" and it["qty"] > 15 for it in items),
        "PT-11": d.get("place_of_service") == "home",
        "PT-9": b["batch"]["provider"]["kind"] == "physiotherapy" and d.get("attachments") == [],
        "MD-ADJ-1": d["prescriber"].get("national_id") == ins["national_id"],
        "MD-ADJ-5": d.get("purpose") == "sick_leave_certificate",
        "DEN-11": any(it["code"] is None for it in items),
        "DEN-2": sum(1 for c in codes if c and c.startswith("T2-") and 29 <= int(c[3:]) <= 60) >= 4,
        "CT-2": kind == "ct" and d.get("diagnosis") in (None, ""),
        "GEN-13": bool(high) and gp,
        "GEN-29-N1": "tracking_code" in d and d["tracking_code"] is None,
        "BMD-14": "tracking_code" in d and d["tracking_code"] is None and bool({"700920", "700925"} & set(codes)),
        "LAB-7-1": "805079" in codes and d.get("approval") is None,
        "LAB-3": "800005" in codes and parse_date(ins["birth_date"]).add_years(5) > served,
        "PT-10": kind == "physiotherapy" and gp,
        "PT-15-N2": any(it["code"] == "901646" and not DEEP_HEAT & set(it["details"].get("modalities", []))
                        for it in items),
        "MD-8": any(c in VISITS for c in codes) and any(c not in VISITS for c in codes),
        "GEN-8-N1": (kind in PARACLINIC and d.get("sheet") == "second")
        or (kind in ("physician_office", "clinic") and (d.get("sheet") == "single"
                                                        or (d.get("sheet") == "first" and set(codes) <= VISITS))),
    }
    if rows is not None:
        rows_, kp, kt, kd = rows
        f["GEN-15-N2"] = any(it["code"] and it["requested"]["total"] > tariff_price(rows_, kp, kt, kd, it["code"],
                                                                                     it["qty"]) for it in items)
    return f


@pytest.mark.parametrize("kind", KINDS)
def test_every_listed_defect_is_in_the_data_and_clean_documents_have_none(kind):
    rows = sample_reference() if (SAMPLE / "params.yaml").is_file() else None
    b, key = batch_of(kind, n=800, error_rate=0.3, seed=4)
    seen = Counter()
    for d in b["prescriptions"]:
        facts = _facts(b, d, rows)
        listed = key["prescriptions"].get(str(d["seq"]), [])
        primary = listed[0] if listed else None
        if primary in facts:
            assert facts[primary], (kind, d["seq"], primary)
            seen[primary] += 1
        if not listed:
            assert not any(facts.values()), (kind, d["seq"], [k for k, v in facts.items() if v])
    assert sum(seen.values()) >= 0.9 * len(key["prescriptions"])       # nearly every defect is checked here


@pytest.mark.parametrize("rate", [0.15, 0.4])
def test_error_rate_is_roughly_as_asked(rate):
    n = 3000
    b, key = generate_batch_with_key(n, seed=8, provider_kind="radiology", error_rate=rate)
    share = len(key["prescriptions"]) / n
    assert abs(share - rate) < 0.03, share
    defective = sum(1 for d in b["prescriptions"] if any(_facts(b, d).values()))
    assert defective <= len(key["prescriptions"])                       # facts read here never exceed the key
    assert defective >= 0.6 * len(key["prescriptions"])
    ids = Counter(e for v in key["prescriptions"].values() for e in v)
    assert len(ids) >= 12 and set(ids) <= set(synth.ERROR_IDS)          # a realistic mix, not one kind of defect


def test_no_defects_at_error_rate_zero_and_all_at_one():
    b, key = generate_batch_with_key(1500, seed=2, provider_kind="laboratory", error_rate=0.0, n_bills=10)
    assert key == {"prescriptions": {}, "bills": {}}
    assert not any(any(_facts(b, d).values()) for d in b["prescriptions"])
    b1, key1 = generate_batch_with_key(200, seed=2, provider_kind="ultrasound", error_rate=1.0, n_bills=5)
    assert len(key1["prescriptions"]) == 200 and len(key1["bills"]) == 5


# ---------------------------------------------------------------------------------------------------- realism

def test_realistic_features_are_present():
    b, key = batch_of("ultrasound", n=2000, seed=12)
    docs = b["prescriptions"]
    per_insured = Counter(d["insured"]["national_id"] for d in docs)
    assert max(per_insured.values()) >= 4 and sum(1 for v in per_insured.values() if v > 1) >= 100
    assert all(1 <= len(d["items"]) <= 3 for d in docs if str(d["seq"]) not in key["prescriptions"])
    assert sum(1 for d in docs if re.search("[۰-۹]", d["served_on"])) >= 20           # Persian digits
    assert sum(1 for d in docs if re.search("[يك]", d["insured"]["name"])) >= 20      # Arabic ya / kaf
    assert sum(1 for d in docs if "\u200c" in d["insured"]["name"]) >= 50              # ZWNJ in names
    assert sum(1 for d in docs if "his_ref" in d) >= 5                                 # unknown extra fields
    assert sum(1 for d in docs if "paper" in d) >= 400                                 # explicit paper facts
    assert sum(1 for d in docs if d.get("sheet") == "first") >= 800
    obstetric = [d for d in docs if {"701715", "701725", "701730", "701736"} & {i["code"] for i in d["items"]}]
    assert obstetric
    for d in obstetric:
        assert d["insured"]["sex"] == "F" and 4 <= d["pregnancy"]["weeks"] <= 42
        codes = {i["code"] for i in d["items"]}
        if "701730" in codes:
            assert 11 <= d["pregnancy"]["weeks"] <= 13              # NT/NB scan in the first trimester
    for d in docs:
        if any(is_high_cost(i["code"]) for i in d["items"] if i["code"]):
            assert d["prescriber"]["specialty"] != "general_practitioner" or key["prescriptions"].get(str(d["seq"]))


def test_kind_specific_details():
    lab, _ = batch_of("laboratory", n=800, seed=13)
    assert all(it["details"].get("test") for d in lab["prescriptions"] for it in d["items"])
    assert any(d.get("approval") and d["approval"]["kind"] == "office" for d in lab["prescriptions"])
    for d in lab["prescriptions"]:                     # one admission (800005/800015/807000) per prescription
        assert sum(1 for it in d["items"] if it["code"] in ("800005", "800015", "807000")) <= 1
    pt, _ = batch_of("physiotherapy", n=600, seed=13)
    for d in pt["prescriptions"]:
        main = d["items"][0]
        assert main["code"] == "901645" and main["details"]["limbs"] >= 1 and main["details"]["modalities"]
        assert d["prescriber"]["specialty"] != "general_practitioner" or d["seq"]
    den, _ = batch_of("dentist", n=600, seed=13)
    assert any("jaw" in it["details"] for d in den["prescriptions"] for it in d["items"])
    assert any("tooth" in it["details"] for d in den["prescriptions"] for it in d["items"])
    ct, _ = batch_of("ct", n=300, seed=13)
    assert all(it["details"]["contrast"] is True for d in ct["prescriptions"] for it in d["items"])
    assert ct["batch"]["provider"]["equipment"][0].startswith("msct_")


# ---------------------------------------------------------------------------------------------------- speed, I/O

def test_a_thousand_prescriptions_are_generated_fast():
    t = time.perf_counter()
    b = generate_batch(1000, seed=99, provider_kind="laboratory")
    dt = time.perf_counter() - t
    assert len(b["prescriptions"]) == 1000
    assert dt < 1.5, f"{dt:.2f} s for 1,000 prescriptions (100,000 must stay under 10 s)"


def test_write_batch_writes_compact_utf8(tmp_path):
    b = generate_batch(20, seed=1, provider_kind="radiology")
    p = tmp_path / "b.json"
    write_batch(p, b)
    raw = p.read_bytes()
    text = raw.decode("utf-8")
    assert json.loads(text) == b
    assert "\\u06" not in text and "مرکز" in text and '": ' not in text and ", " not in text.split('"name"')[0]


def test_cli(tmp_path):
    out, keyf = tmp_path / "b.json", tmp_path / "k.json"
    assert synth.main(["--prescriptions", "60", "--seed", "3", "--kind", "laboratory", "--bills", "2",
                       "--error-rate", "0.5", "--out", str(out), "--key", str(keyf)]) == 0
    b, k = json.loads(out.read_text(encoding="utf-8")), json.loads(keyf.read_text(encoding="utf-8"))
    assert b["format"] == "claim-batch/1" and len(b["prescriptions"]) == 60 and len(b["bills"]) == 2
    assert b == generate_batch(60, seed=3, provider_kind="laboratory", n_bills=2, error_rate=0.5)
    assert set(k) == {"prescriptions", "bills"} and k["prescriptions"]
    with pytest.raises(SystemExit):
        synth.main(["--prescriptions", "5", "--kind", "spaceport", "--out", str(out)])
    r = subprocess.run([sys.executable, "-m", "desktop.synth", "--help"], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0 and "--prescriptions" in r.stdout


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="error_rate"):
        generate_batch(5, error_rate=1.5)
    with pytest.raises(ValueError, match="provider kind"):
        generate_batch(5, provider_kind="spaceport")
    with pytest.raises(ValueError, match="fund"):
        generate_batch(5, fund="martians")
    with pytest.raises(ValueError):
        generate_batch(5, period="1404/13")
    with pytest.raises(KeyError, match="no price"):
        generate_batch(5, provider_kind="laboratory", prices={"800005": 1})


def test_prices_from_a_tariff_file(tmp_path):
    t = tmp_path / "t.csv"
    t.write_text("code,description_fa,rvu_total,rvu_professional,rvu_technical,anesthesia_base,flags,chapter\n"
                 "700920,x,3.5,1.2,2.3,0,,radiology\n901645,y,,1.2,,0,,physiotherapy\nT2-6,z,,15,,,,dentistry\n",
                 encoding="utf-8")
    p = synth.prices_from_tariff(t, 100000, 50000, 1000)
    assert p["700920"] == 120000 + 115000 and p["901645"] == 120000
    assert p["T2-6"] == 15000 and p["T2-8"] == 76 * 1000           # a row overrides Table 2; others from Table 2


# ---------------------------------------------------------------------------------------------------- intake

def test_generated_batches_and_demo_pass_intake():
    try:
        from desktop.intake import parse_batch
    except ImportError:
        pytest.skip("desktop.intake.parse_batch is not there yet")
    for kind, (b, _) in all_batches():
        res = parse_batch(json.loads(json.dumps(b)), file=f"synth-{kind}.json")
        assert res.ok, (kind, [str(p) for p in res.problems[:5]])
    for name in ("demo-history.json", "demo-batch.json"):
        res = parse_batch((DEMO / name).read_text(encoding="utf-8"), file=name)
        assert res.ok, (name, [str(p) for p in res.problems[:5]])


# ---------------------------------------------------------------------------------------------------- the demo

def _demo(name):
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


def test_demo_batch_is_the_isfahan_imaging_centre_of_1404_07():
    b, h = _demo("demo-batch.json"), _demo("demo-history.json")
    head = b["batch"]
    assert head["period"] == "1404/07" and head["submitted_on"] == "1404/08/12"
    pv = head["provider"]
    assert (pv["kind"], pv["sector"], pv["province"], pv["city"]) == ("radiology", "private", "isfahan", "اصفهان")
    assert pv["technical_director"]["specialty"] == "radiology"
    assert 35 <= len(b["prescriptions"]) <= 45
    assert [d["seq"] for d in b["prescriptions"]] == list(range(1, len(b["prescriptions"]) + 1))
    tot = sum(it["requested"]["total"] for d in b["prescriptions"] for it in d["items"])
    assert head["declared"] == {"count": len(b["prescriptions"]), "total": tot,
                                "insured_share": sum(it["requested"]["insured"] for d in b["prescriptions"]
                                                     for it in d["items"]),
                                "org_share": sum(it["requested"]["org"] for d in b["prescriptions"]
                                                 for it in d["items"])}
    assert h["batch"]["period"] == "1404/06" and h["batch"]["provider"]["code"] == pv["code"]
    shared = {d["insured"]["national_id"] for d in h["prescriptions"]} & \
        {d["insured"]["national_id"] for d in b["prescriptions"]}
    assert len(shared) >= 5
    codes = {it["code"] for d in b["prescriptions"] + h["prescriptions"] for it in d["items"]}
    assert all(re.fullmatch(r"70\d{4}", c) for c in codes)
    # the teaching cases are on the paper
    docs = {d["seq"]: d for d in b["prescriptions"]}
    assert docs[21]["prescribed_on"] is None
    assert docs[22]["paper"]["signature"] == "stamp"
    assert docs[25]["sheet"] == "copy"
    assert docs[28]["insured"]["insurer"] == "social_security"
    assert docs[30]["served_on"] == "1404/06/28"
    assert docs[31]["insured"]["fund"] == "rural" and pv["contract"]["rural"] is False
    assert docs[38]["served_on"] == "۱۴۰۴/۰۷/۱۴" and parse_date(docs[38]["served_on"]) == parse_date("1404/07/14")
    bmd_history = [d for d in h["prescriptions"] if d["insured"]["national_id"] == docs[40]["insured"]["national_id"]]
    assert bmd_history and bmd_history[0]["items"][0]["code"] == "700920"


def test_demo_codes_are_priced_at_the_shipped_tariff():
    rows, kp, kt, kd = sample_reference()
    for name in ("demo-batch.json", "demo-history.json"):
        for d in _demo(name)["prescriptions"]:
            for it in d["items"]:
                assert it["code"] in rows, it["code"]
                if not (name == "demo-batch.json" and d["seq"] == 29):          # 29 asks 40 % above on purpose
                    assert it["requested"]["total"] == tariff_price(rows, kp, kt, kd, it["code"], it["qty"])


def test_demo_files_are_what_the_generator_writes_now(tmp_path):
    """Fails when the sample tariff or K values changed without `python -m desktop.synth --demo resources/demo`."""
    build_demo(tmp_path)
    for name in ("demo-batch.json", "demo-history.json"):
        assert json.loads((tmp_path / name).read_text(encoding="utf-8")) == _demo(name), \
            f"resources/demo/{name} is stale: run python -m desktop.synth --demo resources/demo"


def test_demo_reviews_with_its_general_rules(tmp_path, monkeypatch):
    """The README's first command on the demo: clean documents ticked, each general-rule teaching case caught."""
    try:
        from desktop.cli import main as cli_main
    except ImportError:
        pytest.skip("desktop.cli is not there yet")
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "home"))
    out = tmp_path / "r.json"
    rc = cli_main(["review", str(DEMO / "demo-history.json"), str(DEMO / "demo-batch.json"), "--out", str(out),
                   "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "-q"])
    assert rc == 0
    res = {p["seq"]: p for p in json.loads(out.read_text(encoding="utf-8"))["prescriptions"]}
    for seq in list(range(1, 21)) + [38, 39, 41]:
        assert res[seq]["mark"] == "tick" and not res[seq]["findings"], (seq, res[seq]["findings"])
    expected = {21: "GEN-5", 22: "GEN-2-N2", 23: "GEN-2", 24: "GEN-8", 25: "GEN-8", 26: "GEN-19", 27: "GEN-13",
                28: "GEN-8-N2", 29: "GEN-15-N2", 30: "GEN-7-N1", 31: "GEN-20-N2", 32: "GEN-12", 36: "GEN-9"}
    for seq, rule in expected.items():
        assert rule in {f["rule"] for f in res[seq]["findings"]}, (seq, rule, res[seq]["findings"])
        assert res[seq]["mark"] == ("circle" if rule == "GEN-15-N2" else "zero")
    assert res[29]["approved"] == tariff_price(*sample_reference(), "701545")
