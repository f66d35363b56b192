"""Single values: digits, Arabic letters, dates, national ids, amounts, enums, codes, numbers."""
from __future__ import annotations

import json

import pytest

from desktop.domain.absent import ABSENT
from desktop.domain.jalali import JDate, JDateTime, JMonth
from desktop.intake import parse_batch
from intake_samples import VALID_NID, minimal_batch, prescription


def parse(doc):
    return parse_batch(doc, "t.json")


def one_rx(**kw):
    doc = minimal_batch()
    doc["prescriptions"] = [prescription(**kw)]
    return doc


def with_insured(**fields):
    rx = prescription()
    rx["insured"].update(fields)
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    return doc


def only_problem(res):
    assert not res.ok
    assert res.batch is None and res.normalized is None
    assert len(res.problems) == 1, [p.format_en() for p in res.problems]
    return res.problems[0]


# ---------------------------------------------------------------------------------------------------------------
# dates

@pytest.mark.parametrize("text, message_fa", [
    ("1404/07/31", "تاریخ ۱۴۰۴/۰۷/۳۱ معتبر نیست: مهر ماه ۳۰ روز دارد"),
    ("1403/12/31", "تاریخ ۱۴۰۳/۱۲/۳۱ معتبر نیست: اسفند سال ۱۴۰۳ ۳۰ روز دارد"),
    ("1404/12/30", "تاریخ ۱۴۰۴/۱۲/۳۰ معتبر نیست: اسفند سال ۱۴۰۴ ۲۹ روز دارد (سال ۱۴۰۴ کبیسه نیست)"),
])
def test_impossible_dates_rejected_with_the_reason(text, message_fa):
    p = only_problem(parse(one_rx(served_on=text)))
    assert p.path == "$.prescriptions[0].served_on"
    assert p.code == "invalid_date"
    assert p.message_fa == message_fa
    assert text in p.message_en


def test_leap_esfand_30_accepted_1403():
    res = parse(one_rx(served_on="1403/12/30"))
    assert res.ok, res.problems
    assert res.batch.prescriptions[0].served_on == JDate(1403, 12, 30)
    # 1403/12/30 is the day before 1404/01/01
    assert JDate(1404, 1, 1) - res.batch.prescriptions[0].served_on == 1


@pytest.mark.parametrize("raw", ["۱۴۰۴/۰۷/۰۵", "١٤٠٤/٠٧/٠٥", "1404-07-05", "۱۴۰۴-۷-۵", "1404/7/5", " 1404/07/05 "])
def test_dates_in_persian_arabic_digits_and_dashes_are_normalised(raw):
    res = parse(one_rx(served_on=raw))
    assert res.ok, res.problems
    assert res.batch.prescriptions[0].served_on == JDate(1404, 7, 5)
    assert res.normalized["prescriptions"][0]["served_on"] == "1404/07/05"


@pytest.mark.parametrize("raw, code", [
    ("1404/13/01", "invalid_date"), ("1404/00/10", "invalid_date"), ("1404/07/00", "invalid_date"),
    ("2025/10/01", "invalid_date"), ("05/07/1404", "invalid_date"), ("", "invalid_date"),
    (14040705, "invalid_type")])
def test_malformed_dates(raw, code):
    p = only_problem(parse(one_rx(prescribed_on=raw)))
    assert p.path == "$.prescriptions[0].prescribed_on"
    assert p.code == code


def test_month_and_datetime_and_time():
    doc = minimal_batch(period="۱۴۰۴-۰۷")
    doc["bills"] = [{"seq": 1, "admitted_at": "۱۴۰۴/۰۷/۰۱ ۱۰:۳۰", "discharged_at": "1404-07-04 8:05",
                     "headings": {"lab": {"requested": 0, "lines": [{"draw_time": "۰۷:۴۵"}]}}}]
    res = parse(doc)
    assert res.ok, res.problems
    assert res.batch.batch.period == JMonth(1404, 7)
    bill = res.batch.bills[0]
    assert bill.admitted_at == JDateTime(JDate(1404, 7, 1), 10 * 60 + 30)
    assert bill.discharged_at - bill.admitted_at == 3 * 1440 - 145
    assert bill.headings.lab.lines[0].draw_time == 7 * 60 + 45
    n = res.normalized
    assert n["batch"]["period"] == "1404/07"
    assert n["bills"][0]["admitted_at"] == "1404/07/01 10:30"
    assert n["bills"][0]["discharged_at"] == "1404/07/04 08:05"
    assert n["bills"][0]["headings"]["lab"]["lines"][0]["draw_time"] == "07:45"


@pytest.mark.parametrize("field, raw, code", [
    ("admitted_at", "1404/07/31 10:00", "invalid_datetime"),
    ("admitted_at", "1404/07/01 24:00", "invalid_datetime"),
    ("admitted_at", "1404/07/01", "invalid_datetime"),
    ("discharged_at", "1404/07/01 10:60", "invalid_datetime"),
])
def test_malformed_datetimes(field, raw, code):
    doc = minimal_batch()
    doc["bills"] = [{"seq": 1, field: raw}]
    p = only_problem(parse(doc))
    assert (p.path, p.code) == (f"$.bills[0].{field}", code)


def test_bad_month():
    p = only_problem(parse(minimal_batch(period="1404/13")))
    assert (p.path, p.code) == ("$.batch.period", "invalid_month")
    assert "ماه ۱۳ وجود ندارد" in p.message_fa


# ---------------------------------------------------------------------------------------------------------------
# national ids

def test_valid_national_id():
    res = parse(with_insured(national_id=VALID_NID))
    assert res.ok
    assert res.batch.prescriptions[0].insured.national_id == VALID_NID


def test_national_id_in_persian_digits_is_normalised():
    res = parse(with_insured(national_id="۰۰۱۲۳۴۵۶۷۹"))
    assert res.ok, res.problems
    assert res.batch.prescriptions[0].insured.national_id == VALID_NID
    assert res.normalized["prescriptions"][0]["insured"]["national_id"] == VALID_NID


def test_national_id_bad_checksum():
    p = only_problem(parse(with_insured(national_id="0012345678")))
    assert p.path == "$.prescriptions[0].insured.national_id"
    assert p.code == "invalid_national_id"
    assert "check digit should be 9" in p.message_en
    assert "رقم کنترل آن باید ۹ باشد" in p.message_fa


@pytest.mark.parametrize("digit", "0123456789")
def test_repeated_digit_national_ids_rejected_though_checksum_passes(digit):
    nid = digit * 10
    # the checksum itself passes: sum = d·54, 54·d mod 11 = 10·d mod 11 …, check digit d
    s = sum(int(nid[i]) * (10 - i) for i in range(9)) % 11
    assert (s if s < 2 else 11 - s) == int(digit)
    p = only_problem(parse(with_insured(national_id=nid)))
    assert p.code == "invalid_national_id"
    assert "repeated" in p.message_en


@pytest.mark.parametrize("nid", ["12345", "00123456790", "001234567X", "", 12345679])
def test_malformed_national_id(nid):
    p = only_problem(parse(with_insured(national_id=nid)))
    assert p.path == "$.prescriptions[0].insured.national_id"


def test_null_national_id_is_a_missing_fact_not_an_error():
    res = parse(with_insured(national_id=None))
    assert res.ok
    assert res.batch.prescriptions[0].insured.national_id is None


def test_prescriber_national_id_checked_too():
    rx = prescription()
    rx["prescriber"]["national_id"] = "0012345670"
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    assert only_problem(parse(doc)).path == "$.prescriptions[0].prescriber.national_id"


# ---------------------------------------------------------------------------------------------------------------
# amounts

def requested(**amounts):
    rx = prescription()
    rx["items"][0]["requested"] = amounts
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    return doc


def test_amount_as_string_of_persian_digits_is_accepted_and_normalised():
    res = parse(requested(total="۱۸۵۰۰۰۰۰", insured="5550000", org=12950000.0))
    assert res.ok, res.problems
    req = res.batch.prescriptions[0].items[0].requested
    assert (req.total, req.insured, req.org) == (18500000, 5550000, 12950000)
    assert type(req.org) is int
    assert res.normalized["prescriptions"][0]["items"][0]["requested"] == {
        "total": 18500000, "insured": 5550000, "org": 12950000}


@pytest.mark.parametrize("bad, code", [(-1, "negative"), ("-100", "negative"), (1500.5, "invalid_amount"),
                                       ("12a", "invalid_amount"), ("", "invalid_amount"), (True, "invalid_type"),
                                       ([1], "invalid_type"), ({"x": 1}, "invalid_type")])
def test_bad_amounts(bad, code):
    p = only_problem(parse(requested(total=bad, insured=0, org=0)))
    assert p.path == "$.prescriptions[0].items[0].requested.total"
    assert p.code == code


def test_null_amount_is_a_missing_fact():
    res = parse(requested(total=None, insured=None, org=None))
    assert res.ok
    assert res.batch.prescriptions[0].items[0].requested.total is None
    doc = one_rx()
    doc["prescriptions"][0]["items"][0]["requested"] = None
    assert parse(doc).batch.prescriptions[0].items[0].requested is None


# ---------------------------------------------------------------------------------------------------------------
# enums, codes, text, numbers

def test_enum_values_exactly():
    p = only_problem(parse(one_rx(sheet="First")))
    assert (p.path, p.code) == ("$.prescriptions[0].sheet", "not_in_list")
    assert "first" in p.message_en and "electronic" in p.message_en
    assert "مقادیر مجاز" in p.message_fa


def test_enum_number_for_a_digit_value_is_refused_with_a_hint():
    doc = minimal_batch()
    doc["batch"]["provider"]["deprivation_grade"] = 2
    p = only_problem(parse(doc))
    assert p.path == "$.batch.provider.deprivation_grade"
    assert '"2"' in p.message_en


def test_equipment_pattern_msct_n():
    doc = minimal_batch()
    doc["batch"]["provider"]["equipment"] = ["msct_16", "msct_۶۴", "ct_simulator"]
    res = parse(doc)
    assert res.ok, res.problems
    assert res.batch.batch.provider.equipment == ["msct_16", "msct_64", "ct_simulator"]
    doc["batch"]["provider"]["equipment"] = ["ct_simulator", "msct_", "laser"]
    res = parse(doc)
    assert [p.path for p in res.problems] == ["$.batch.provider.equipment[1]", "$.batch.provider.equipment[2]"]


def test_codes():
    rx = prescription()
    rx["items"] = [{"line": 1, "code": "۷۰۰۹۲۰"}, {"line": 2, "code": "t2-36"}, {"line": 3, "code": None},
                   {"line": 4, "code": "3002820"}]
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    res = parse(doc)
    assert res.ok, res.problems
    assert [i.code for i in res.batch.prescriptions[0].items] == ["700920", "T2-36", None, "3002820"]


@pytest.mark.parametrize("bad, code, path_suffix", [(700920, "invalid_type", "code"), ("70-0920", "invalid_code", "code"),
                                                    ("ABC", "invalid_code", "code")])
def test_bad_codes(bad, code, path_suffix):
    rx = prescription()
    rx["items"][0]["code"] = bad
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    p = only_problem(parse(doc))
    assert (p.path, p.code) == ("$.prescriptions[0].items[0].code", code)
    if bad == 700920:
        assert "must be a string" in p.message_en and '"700920"' in p.message_en


def test_arabic_yeh_and_kaf_become_persian_zwnj_kept():
    text = "كيست\u200cها در زانوي راست"
    res = parse(one_rx(diagnosis=text))
    assert res.ok
    want = "کیست\u200cها در زانوی راست"
    assert res.batch.prescriptions[0].diagnosis == want
    assert res.normalized["prescriptions"][0]["diagnosis"] == want
    assert "\u200c" in want


def test_identifiers_get_latin_digits():
    rx = prescription()
    rx["prescriber"]["council_no"] = "۹۸۷۶۵"
    rx["tracking_code"] = "TR-١٢٣"
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    res = parse(doc)
    assert res.batch.prescriptions[0].prescriber.council_no == "98765"
    assert res.batch.prescriptions[0].tracking_code == "TR-123"


@pytest.mark.parametrize("field, value, ok", [("qty", 2, True), ("qty", 4.5, True), ("qty", -1, False),
                                              ("qty", "2", False), ("qty", True, False), ("line", 2.0, True),
                                              ("line", 2.5, False), ("line", -3, False)])
def test_numbers(field, value, ok):
    rx = prescription()
    rx["items"][0][field] = value
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    res = parse(doc)
    assert res.ok is ok, res.problems
    if ok:
        got = getattr(res.batch.prescriptions[0].items[0], field)
        assert got == value
        if field == "qty" and isinstance(value, float):
            assert type(got) is float
        if field == "line":
            assert type(got) is int


def test_nan_and_infinity_are_not_numbers():
    text = json.dumps(one_rx()).replace('"qty": 1', '"qty": NaN')
    p = only_problem(parse_batch(text, "t.json"))
    assert p.path == "$.prescriptions[0].items[0].qty"
    assert "NaN" in p.message_en


def test_booleans_exactly():
    rx = prescription(paper={"council_stamp": "yes", "provider_stamp": 1, "center_stamp": False,
                             "emergency_stamp": None})
    doc = minimal_batch()
    doc["prescriptions"] = [rx]
    res = parse(doc)
    assert [p.path for p in res.problems] == ["$.prescriptions[0].paper.council_stamp",
                                              "$.prescriptions[0].paper.provider_stamp"]
    rx["paper"] = {"center_stamp": False, "emergency_stamp": None}
    res = parse(doc)
    paper = res.batch.prescriptions[0].paper
    assert paper.center_stamp is False and paper.emergency_stamp is None and paper.council_stamp is ABSENT


# ---------------------------------------------------------------------------------------------------------------
# maps

def test_map_keys_and_values_are_checked_and_normalised():
    doc = minimal_batch(efile_submitted_on={"۱۴۰۴-۰۷": "۱۴۰۴/۰۸/۰۵", "1404/06": None})
    doc["batch"]["provider"]["accreditation"] = {"hospital": "1", "wards": {"icu": "2", "ccu": None}}
    res = parse(doc)
    assert res.ok, res.problems
    assert res.batch.batch.efile_submitted_on == {JMonth(1404, 7): JDate(1404, 8, 5), JMonth(1404, 6): None}
    assert res.normalized["batch"]["efile_submitted_on"] == {"1404/07": "1404/08/05", "1404/06": None}
    assert res.batch.batch.provider.accreditation.wards == {"icu": "2", "ccu": None}


def test_map_problems_name_the_key():
    doc = minimal_batch(efile_submitted_on={"1404/13": "1404/08/05", "1404/07": "1404/07/31"})
    doc["batch"]["provider"]["accreditation"] = {"wards": {"vip": "2", "icu": "6"}}
    res = parse(doc)
    # objects in document order; inside one object the interchange (§1) fields come first
    assert [(p.path, p.code) for p in res.problems] == [
        ("$.batch.provider.accreditation.wards.vip", "not_in_list"),
        ("$.batch.provider.accreditation.wards.icu", "not_in_list"),
        ('$.batch.efile_submitted_on["1404/13"]', "invalid_month"),
        ('$.batch.efile_submitted_on["1404/07"]', "invalid_date")]
