"""Whole files: encodings, JSON errors, located messages, every problem collected, unknown keys kept, round trips."""
from __future__ import annotations

import copy
import glob
import json
from pathlib import Path

import pytest

from desktop.domain.absent import ABSENT
from desktop.domain.jalali import JDate, JMonth
from desktop.domain.model import Bill, ClaimBatch, Details, Heading, Prescription
from desktop.domain.problems import InputError
from desktop.intake import (MAX_PROBLEMS, batch_to_dict, build_batch, build_bill, build_prescription, load_batch,
                            parse_batch, to_dict)
from intake_samples import minimal_batch, prescription, rich_batch

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"


def parse(doc, file="t.json"):
    return parse_batch(doc, file)


# ---------------------------------------------------------------------------------------------------------------
# bytes, encodings, JSON

def test_utf8_with_and_without_bom(tmp_path):
    doc = minimal_batch()
    doc["prescriptions"] = [prescription(diagnosis="درد زانو")]
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    for name, data in (("plain.json", raw), ("bom.json", b"\xef\xbb\xbf" + raw)):
        f = tmp_path / name
        f.write_bytes(data)
        res = load_batch(f)
        assert res.ok, res.problems
        assert res.file == str(f)
        assert res.batch.prescriptions[0].diagnosis == "درد زانو"
    assert parse_batch("\ufeff" + raw.decode(), "s.json").ok


def test_non_utf8_file_is_a_problem_not_a_crash(tmp_path):
    doc = minimal_batch()
    doc["batch"]["provider"]["name"] = "مرکز"
    data = json.dumps(doc, ensure_ascii=False, indent=1).encode("cp1256")
    f = tmp_path / "win.json"
    f.write_bytes(data)
    res = load_batch(f)
    assert not res.ok and res.batch is None
    (p,) = res.problems
    assert p.code == "encoding" and p.file == str(f)
    assert "UTF-8" in p.message_en and "UTF-8" in p.message_fa
    assert p.path.startswith("line ")


def test_not_json_gives_line_and_column():
    res = parse_batch(b'{\n  "format": "claim-batch/1",\n  "batch": {,}\n}', "broken.json")
    (p,) = res.problems
    assert (p.file, p.path, p.code) == ("broken.json", "line 3, column 13", "json_syntax")
    assert "سطر ۳، ستون ۱۳" in p.message_fa


def test_missing_file():
    res = load_batch("/nonexistent/batch.json")
    (p,) = res.problems
    assert p.code == "unreadable" and p.file == "/nonexistent/batch.json"


@pytest.mark.parametrize("doc, path", [([], "$"), ({"batch": {}}, "$.format"), ({"format": "claim-batch/2"}, "$.format")])
def test_not_a_claim_batch(doc, path):
    (p,) = parse(doc).problems
    assert p.path == path


def test_required_structure():
    res = parse({"format": "claim-batch/1"})
    assert [(p.path, p.code) for p in res.problems] == [("$.batch", "missing")]
    res = parse({"format": "claim-batch/1", "batch": {"provider": {}}})
    assert [(p.path, p.code) for p in res.problems] == [
        ("$.batch.id", "missing"), ("$.batch.period", "missing"), ("$.batch.provider.code", "missing")]
    doc = minimal_batch(id=None)
    doc["prescriptions"] = [{"insured": {}}]
    res = parse(doc)
    assert [(p.path, p.code) for p in res.problems] == [("$.batch.id", "null"), ("$.prescriptions[0].seq", "missing")]
    assert parse(dict(minimal_batch(), prescriptions=None)).problems[0].path == "$.prescriptions"


def test_duplicate_seq():
    doc = minimal_batch()
    doc["prescriptions"] = [prescription(1), prescription(2), prescription(1)]
    (p,) = parse(doc).problems
    assert (p.path, p.code) == ("$.prescriptions[2].seq", "duplicate_seq")
    assert "$.prescriptions[0]" in p.message_en
    doc["prescriptions"][2]["seq"] = 3
    doc["bills"] = [{"seq": 1}]          # bills are numbered apart from prescriptions
    assert parse(doc).ok


# ---------------------------------------------------------------------------------------------------------------
# what is valid

def test_a_header_alone_is_a_valid_batch():
    res = parse(minimal_batch())
    assert res.ok and res.problems == []
    assert isinstance(res.batch, ClaimBatch)
    assert res.batch.prescriptions == [] and res.batch.bills == []
    assert res.batch.batch.period == JMonth(1404, 7)
    res = parse(dict(minimal_batch(), prescriptions=[], bills=[]))
    assert res.ok


def test_missing_facts_are_not_intake_errors():
    rx = prescription(prescribed_on=None, diagnosis=None, sheet=None, referral=None, approval=None,
                      tracking_code=None, attachments=[],
                      paper={"signature": None, "council_stamp": False, "handwritings": None})
    rx["insured"].update(national_id=None, birth_date=None, fund=None)
    rx["prescriber"] = {"council_no": None, "specialty": None}
    rx["items"][0].update(code=None, requested=None, qty=None)
    doc = minimal_batch(fund=None, submitted_on=None)
    doc["prescriptions"] = [rx]
    doc["bills"] = [{"seq": 1, "admitted_at": None, "headings": {"drugs": {"requested": None, "lines": []}},
                     "global_package": None, "accident": None, "stays": []}]
    res = parse(doc)
    assert res.ok, [p.format_en() for p in res.problems]
    p = res.batch.prescriptions[0]
    assert p.prescribed_on is None and p.referral is None and p.attachments == []
    assert p.paper.signature is None and p.paper.council_stamp is False
    assert p.paper.erasure is ABSENT            # absent: as it should be
    assert p.items[0].requested is None


def test_absent_versus_null_versus_value():
    rx = prescription(referral=None)
    del rx["served_on"]
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    b = parse(doc).batch.prescriptions[0]
    assert b.served_on is ABSENT
    assert b.referral is None
    assert b.prescribed_on == JDate(1404, 7, 2)
    assert b.approval is ABSENT and b.sheet is ABSENT and b.attachments is ABSENT
    with pytest.raises(TypeError):
        bool(b.approval)


def test_model_attribute_names_are_the_json_keys():
    res = parse(rich_batch())
    assert res.ok, res.problems[:3]
    b = res.batch
    assert b.batch.provider.contract.suspensions[0].from_ == JDate(1404, 7, 5)
    assert b.batch.provider.contract.suspensions[0].to == JDate(1404, 7, 5)
    assert b.prescriptions[0].paper.signature == "missing"
    assert b.prescriptions[0].items[0].details.tooth == "S-1"
    assert isinstance(b.prescriptions[0].items[0].details, Details)
    assert isinstance(b.bills[0].headings.drugs, Heading)
    assert b.bills[0].headings.drugs.lines[0].qty == 4.5
    assert b.bills[0].procedures[0].standby.cardiac_surgeon.council_no == "S-1"
    assert b.batch.efile_submitted_on == {JMonth(1404, 7): JDate(1404, 8, 5)}
    assert b.prescriptions[0].items[0].details.modalities_by_region == {"knee": ["TENS", "hot_pack"]}


# ---------------------------------------------------------------------------------------------------------------
# unknown keys, normalised form, round trips

def test_unknown_keys_are_kept_exactly():
    doc = minimal_batch()
    doc["x_software"] = {"name": "HIS", "version": "۲.۱"}
    doc["batch"]["provider"]["x-local-code"] = "كد ١٢"
    rx = prescription()
    rx["items"][0]["details"] = {"tooth": "16", "x_note": ["ي", 1]}
    rx["x flag"] = True
    doc["prescriptions"] = [rx]
    res = parse(doc)
    assert res.ok
    b = res.batch
    assert b.extra_ == {"x_software": {"name": "HIS", "version": "۲.۱"}}
    assert b.batch.provider.extra_ == {"x-local-code": "كد ١٢"}       # as given: not normalised
    assert b.prescriptions[0].items[0].details.extra_ == {"x_note": ["ي", 1]}
    assert b.prescriptions[0].extra_ == {"x flag": True}
    n = res.normalized
    assert n["x_software"] == {"name": "HIS", "version": "۲.۱"}
    assert n["batch"]["provider"]["x-local-code"] == "كد ١٢"
    assert n["prescriptions"][0]["x flag"] is True
    assert batch_to_dict(b) == n
    assert batch_to_dict(build_batch(n)) == n


def test_round_trip_of_a_batch_with_every_field():
    doc = rich_batch()
    res = parse(doc)
    assert res.ok
    assert res.normalized == doc                       # already canonical: nothing changes
    assert batch_to_dict(res.batch) == doc
    rebuilt = build_batch(res.normalized)
    assert rebuilt == res.batch                        # the trusted builder gives the same objects
    rx = res.normalized["prescriptions"][0]
    assert build_prescription(rx) == res.batch.prescriptions[0]
    assert isinstance(build_prescription(rx), Prescription)
    bill = res.normalized["bills"][0]
    assert build_bill(bill) == res.batch.bills[0] and isinstance(build_bill(bill), Bill)
    assert to_dict(res.batch.bills[0]) == bill


def test_normalised_form_of_a_messy_file():
    doc = minimal_batch(period="١٤٠٤-٠٧", submitted_on="۱۴۰۴-۰۸-۱۲")
    rx = prescription(served_on="1404-7-5", diagnosis="درد زانوي راست")
    rx["insured"]["national_id"] = "۰۰۱۲۳۴۵۶۷۹"
    rx["items"][0]["requested"] = {"total": "۱۸۵۰۰۰۰۰", "insured": 5550000.0, "org": 12950000}
    doc["prescriptions"] = [rx]
    original = copy.deepcopy(doc)
    res = parse(doc)
    assert res.ok
    assert doc == original                             # a dict passed in is not modified
    n = res.normalized
    assert n["batch"]["period"] == "1404/07" and n["batch"]["submitted_on"] == "1404/08/12"
    nrx = n["prescriptions"][0]
    assert nrx["served_on"] == "1404/07/05"
    assert nrx["diagnosis"] == "درد زانوی راست"
    assert nrx["insured"]["national_id"] == "0012345679"
    assert nrx["items"][0]["requested"] == {"total": 18500000, "insured": 5550000, "org": 12950000}
    # the normalised form is itself valid and unchanged by a second intake
    again = parse(json.dumps(n, ensure_ascii=False).encode())
    assert again.ok and again.normalized == n
    assert batch_to_dict(build_batch(n)) == n


# ---------------------------------------------------------------------------------------------------------------
# problems: located, bilingual, all collected

def test_problems_are_located_in_both_languages():
    doc = minimal_batch()
    rx = prescription()
    rx["items"] = [rx["items"][0], copy.deepcopy(rx["items"][0])]
    rx["items"][1]["requested"]["total"] = -5
    doc["prescriptions"] = [prescription(1), prescription(2), prescription(3), rx]
    doc["prescriptions"][3]["seq"] = 4
    res = parse(doc, "PRV-1-1404-07.json")
    (p,) = res.problems
    assert p.file == "PRV-1-1404-07.json"
    assert p.path == "$.prescriptions[3].items[1].requested.total"
    assert p.message_en == "an amount cannot be negative (-5)"
    assert p.message_fa == "مبلغ نمی‌تواند منفی باشد (۵-)" or p.message_fa == "مبلغ نمی‌تواند منفی باشد (-۵)"
    assert p.format_en() == f"PRV-1-1404-07.json: {p.path}: {p.message_en}"
    assert p.format_fa().startswith("PRV-1-1404-07.json: $.prescriptions[3]")
    with pytest.raises(InputError) as exc:
        res.raise_for_problems()
    assert exc.value.problems == res.problems


def test_every_problem_of_a_file_is_collected_in_order():
    doc = minimal_batch(fund="farmers", period="1404/13")
    doc["prescriptions"] = [prescription(1, served_on="1404/07/31"),
                            prescription(2, sheet="third"),
                            prescription(3)]
    doc["prescriptions"][2]["insured"]["national_id"] = "1111111111"
    doc["prescriptions"][2]["items"][0]["code"] = 700920
    doc["bills"] = [{"seq": 1, "stays": [{"ward": "vip", "beds": -1}], "discharge": "escape"}]
    res = parse(doc)
    assert [p.path for p in res.problems] == [
        "$.batch.period", "$.batch.fund",
        "$.prescriptions[0].served_on", "$.prescriptions[1].sheet",
        "$.prescriptions[2].insured.national_id", "$.prescriptions[2].items[0].code",
        "$.bills[0].discharge", "$.bills[0].stays[0].ward", "$.bills[0].stays[0].beds"]
    assert all(p.message_en and p.message_fa for p in res.problems)


def test_problems_are_capped_with_a_final_count():
    doc = minimal_batch()
    doc["prescriptions"] = [prescription(i, served_on="1404/07/31") for i in range(1, 251)]
    res = parse(doc)
    assert len(res.problems) == MAX_PROBLEMS + 1
    last = res.problems[-1]
    assert last.code == "too_many" and "50 more" in last.message_en and "۵۰" in last.message_fa
    assert res.problems[MAX_PROBLEMS - 1].path == f"$.prescriptions[{MAX_PROBLEMS - 1}].served_on"


def test_paths_of_odd_keys():
    doc = minimal_batch(efile_submitted_on={"1404/07": "1404/07/31"})
    (p,) = parse(doc).problems
    assert p.path == '$.batch.efile_submitted_on["1404/07"]'


def test_wrong_container_types():
    doc = minimal_batch()
    doc["prescriptions"] = [prescription(1, insured="زهرا", items={"line": 1}, attachments="report"), 5]
    res = parse(doc)
    assert [(p.path, p.code) for p in res.problems] == [
        ("$.prescriptions[0].insured", "invalid_type"), ("$.prescriptions[0].attachments", "invalid_type"),
        ("$.prescriptions[0].items", "invalid_type"), ("$.prescriptions[1]", "invalid_type")]
    assert "فهرست" in res.problems[1].message_fa


# ---------------------------------------------------------------------------------------------------------------
# the worked examples of shared/examples

@pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"shared examples not found at {EXAMPLES}")
def test_worked_examples_are_valid_and_round_trip():
    files = sorted(glob.glob(str(EXAMPLES / "*.json")))
    assert files
    for f in files:
        case = json.loads(Path(f).read_text(encoding="utf-8"))
        for doc in case["inputs"]["history"] + [case["inputs"]["batch"]]:
            res = parse_batch(json.dumps(doc, ensure_ascii=False).encode(), f)
            assert res.ok, [p.format_en() for p in res.problems]
            assert batch_to_dict(res.batch) == res.normalized
            assert build_batch(res.normalized) == res.batch
