"""The history of bills' stays and physicians' records (desktop/engine/history.py) and its uses: INP-6-12's year
(desktop/inpatient/beddays.days_over_limit), INP-11-B's other bills of the month, and the store's physician
records (desktop/pipeline._physician_history). The clause cases themselves are in tests/cases/INP and RVU."""
from __future__ import annotations

import copy

import pytest

from desktop.domain.jalali import parse_date, parse_datetime
from desktop.engine.history import AnesthesiaRecord, HistoryIndex, StayRecord, person_key
from desktop.inpatient.beddays import days_over_limit
from desktop.intake import build_batch
from tests.inpatient import casegen
from tests.inpatient.casegen import ANESTHETIST, BILL, PROVIDER, RES3, anes, merge, proc
from tests.inpatient.runner import review_case


def claim(bills, *, bid="B/1", period="1404/07", provider=None):
    return build_batch({"format": "claim-batch/1",
                        "batch": {"id": bid, "period": period, "fund": "iranians", "submitted_on": "1404/08/10",
                                  "provider": merge(PROVIDER, provider)},
                        "prescriptions": [], "bills": [merge(BILL, b) for b in bills]})


def stamp(text):
    return parse_datetime(text).stamp


# ------------------------------------------------------------------------------------------------ HistoryIndex


def test_bill_facts_are_plain_tuples_of_the_stays_and_physicians():
    b = claim([{"seq": 4, "admitted_at": "1404/07/01 10:00", "discharged_at": "1404/07/06 09:00",
                "discharge_order_on": "1404/07/05", "leave_days": 1,
                "stays": [{"ward": "psychiatric", "beds": 3, "from": "1404/07/01 10:00", "to": "1404/07/03 10:00"},
                          {"ward": "general", "beds": 3, "from": "1404/07/03 10:00", "to": "1404/07/06 09:00"},
                          {"ward": "newborn_healthy", "patient": "newborn", "from": "1404/07/01 10:00",
                           "to": "1404/07/02 10:00"}],
                "procedures": [proc("300100", assistant=RES3)],
                "anesthesia": [anes(asa=3)]}])
    h = HistoryIndex()
    h.add_batch(b)
    [st] = list(h.stays(casegen.NID))
    assert st == StayRecord("B/1", 4, "G-1", stamp("1404/07/01 10:00"), stamp("1404/07/06 09:00"),
                            parse_date("1404/07/05").ordinal, 1,
                            (("psychiatric", stamp("1404/07/01 10:00"), stamp("1404/07/03 10:00")),
                             ("general", stamp("1404/07/03 10:00"), stamp("1404/07/06 09:00"))))
    [a] = list(h.anesthesia("A-100"))
    assert (a.start, a.end, a.asa, a.national_id, a.batch_id, a.seq, a.index) == (
        stamp("1404/07/02 09:45"), stamp("1404/07/02 11:15"), 3, casegen.NID, "B/1", 4, 0)
    [r] = list(h.assists("R-300"))
    assert (r.on, r.present, r.role, r.resident_year, r.seq, r.index) == (
        parse_date("1404/07/02").ordinal, None, "resident", 3, 4, 0)
    # memory-light: nothing but ints, strings, bools, None and tuples of them (no model object is kept alive)
    def plain(x):
        return x is None or type(x) in (int, str, bool) or (isinstance(x, tuple) and all(plain(i) for i in x))
    assert all(plain(rec) for rec in (st, a, r))
    assert h.bill_stay(casegen.NID, "B/1", 4) == st and h.bill_stay(casegen.NID, "B/1", 5) is None


def test_a_bill_is_added_once_preload_then_review():
    b = claim([{"seq": 1, "anesthesia": [anes()], "procedures": [proc("300100", assistant=RES3)]}])
    h = HistoryIndex()
    h.preload(b)
    for bill in b.bills:                       # what the engine does after reviewing each bill
        h.add_bill(b.batch, bill)
    h.add_batch(b)                             # and the same batch again (e.g. from the store)
    assert len(list(h.stays(casegen.NID))) == 1
    assert len(list(h.anesthesia("A-100"))) == 1
    assert len(list(h.assists("R-300"))) == 1
    assert len(h) == 2                         # the procedure's service record, once per add_bill / add_batch


def test_anaesthesia_overlap_touching_is_not_overlapping():
    h = HistoryIndex()
    h.add_batch(claim([{"seq": 1, "anesthesia": [anes(start="1404/07/02 08:00", end="1404/07/02 09:45")]},
                       {"seq": 2, "insured": casegen.OTHER_PATIENT,
                        "anesthesia": [anes(start="1404/07/02 08:00", end="1404/07/02 09:46")]}]))
    s = stamp("1404/07/02 09:45")
    assert [r.seq for r in h.anesthesia("A-100", start=s, end=s + 1)] == [2]
    assert [r.seq for r in h.anesthesia("A-100", start=s - 1, end=s)] == [1, 2]
    assert list(h.anesthesia("A-999")) == [] and list(h.anesthesia(None)) == []
    orders = [r.order for r in h.anesthesia("A-100")]
    assert orders == sorted(orders) and len(set(orders)) == 2


def test_assists_window_is_inclusive():
    h = HistoryIndex()
    h.add_batch(claim([{"seq": 1, "procedures": [proc("300100", on="1404/06/31", assistant=RES3),
                                                 proc("300100", on="1404/07/01", assistant=RES3),
                                                 proc("300100", on="1404/07/30", assistant=RES3),
                                                 proc("300100", on="1404/08/01", assistant=RES3)]}]))
    first, last = parse_date("1404/07/01").ordinal, parse_date("1404/07/30").ordinal
    assert [r.index for r in h.assists("R-300", since=first, until=last)] == [1, 2]


def test_person_key_council_number_else_national_id():
    class P:
        council_no = None
        national_id = "0012345679"
    assert person_key(P()) == "nid:0012345679"
    P.council_no = " 12345 "
    assert person_key(P()) == "12345"
    P.council_no, P.national_id = None, None
    assert person_key(P()) is None and person_key(None) is None


def test_anesthesia_record_is_a_tuple():
    assert issubclass(AnesthesiaRecord, tuple) and issubclass(StayRecord, tuple)


# ------------------------------------------------------------------------------------------------ INP-6-12 year


def _days(first, n):
    d = parse_date(first)
    return [d + i for i in range(n)]


def test_days_over_limit_56_then_57():
    assert days_over_limit(_days("1404/01/01", 56), 56) == set()
    assert days_over_limit(_days("1404/01/01", 57), 56) == {parse_date("1404/01/01").ordinal + 56}


def test_days_over_limit_year_from_the_first_admission():
    # 56 days from 1403/03/02, then 1404/03/01 (still the first year: the 57th) and 1404/03/02 (a new year)
    earlier = _days("1403/03/02", 56)
    over = days_over_limit(earlier + _days("1404/03/01", 3), 56)
    assert over == {parse_date("1404/03/01").ordinal}
    earlier = _days("1403/03/01", 56)
    assert days_over_limit(earlier + _days("1404/03/01", 3), 56) == set()
    # a date counted twice (two bills on one date) is one day
    assert days_over_limit(_days("1404/01/01", 56) * 2, 56) == set()


# ------------------------------------------------------------------------------------------------ INP-11-B review


def _absent_case(other_on):
    c = copy.deepcopy(next(x for x in casegen.ALL if x["case"] == "INP-11-B-assistant-not-present"))
    c["inputs"]["history"] = [casegen.history_batch("T/INP-11-B", "1404/07", [
        {"seq": 7, "insured": casegen.OTHER_PATIENT, "procedures": [proc("300100", on=other_on, assistant=RES3)]}],
        provider=casegen.OTHER_HOSPITAL)]
    return c


def _findings(res, rule):
    doc = next(x for x in res["bills"] if x["seq"] == 1)
    return [f for f in doc["findings"] if f["rule"] == rule]


def test_absence_raises_the_residents_bills_of_the_month_already_reviewed():
    res = review_case(_absent_case("1404/07/30"))
    fs = _findings(res, "INP-11-B")
    review = [f for f in fs if f["severity"] == "review"]
    assert len(review) == 1 and review[0]["data"]["other_bills"] == ["G/T/INP-11-B/h/1404/07#7"]
    assert any(f["severity"] == "deny" for f in fs)           # the absent operation itself (bill_condition)


def test_absence_does_not_raise_another_months_bill():
    res = review_case(_absent_case("1404/08/01"))
    assert [f["severity"] for f in _findings(res, "INP-11-B")] == ["deny"]


def test_a_resident_absent_elsewhere_loses_every_assistant_fee_of_the_month_on_this_bill():
    c = copy.deepcopy(next(x for x in casegen.ALL if x["case"] == "INP-11-B-absent-earlier-in-the-month"))
    b = c["inputs"]["batch"]["bills"][0]
    b["procedures"] = [proc("300100", assistant=RES3), proc("300100", on="1404/07/03", session=2, assistant=RES3)]
    res = review_case(c)
    denied = sorted(f["data"]["procedure"] for f in _findings(res, "INP-11-B") if f["severity"] == "deny")
    assert denied == [1, 2]


# ------------------------------------------------------------------------------------------------ the store


def _store_with(tmp_path, batches):
    from desktop.intake import load_batch
    from desktop.store import Store
    import json
    st = Store.open(f"sqlite:///{tmp_path}/db.sqlite")
    for i, obj in enumerate(batches):
        p = tmp_path / f"h{i}.json"
        p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        res = load_batch(p)
        res.raise_for_problems()
        st.import_batch(res.normalized, source_file=p.name, sha256=str(i))
    return st


def _loaded(obj, tmp_path):
    import json
    from desktop.pipeline import read_batches
    p = tmp_path / "b.json"
    p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return read_batches([p])[0]


def _current(bills):
    return {"format": "claim-batch/1",
            "batch": {"id": "CUR/1", "period": "1404/07", "fund": "iranians", "submitted_on": "1404/08/10",
                      "provider": PROVIDER},
            "prescriptions": [], "bills": [merge(BILL, b) for b in bills]}


def test_store_physician_records_of_other_patients_within_the_window(tmp_path):
    from desktop.pipeline import PHYSICIAN_LOOKBACK_DAYS, history_for
    other = casegen.OTHER_PATIENT
    # admitted 62 days before the anaesthesia date (07/02 − 62 = 05/02): read; 05/01: outside the window
    near = {"seq": 1, "insured": other, "admitted_at": "1404/05/02 10:00", "discharged_at": "1404/07/04 10:00",
            "stays": [], "anesthesia": [anes()]}
    far = {"seq": 2, "insured": casegen.PATIENT_B, "admitted_at": "1404/05/01 10:00",
           "discharged_at": "1404/07/04 10:00", "stays": [], "anesthesia": [anes()]}
    unrelated = {"seq": 3, "insured": casegen.PATIENT_B, "anesthesia": [anes(anesthesiologist={
        **ANESTHETIST, "council_no": "A-999"})]}
    hist = casegen.history_batch("T/store", "1404/05", [near, far, unrelated], provider=casegen.OTHER_HOSPITAL)
    assert PHYSICIAN_LOOKBACK_DAYS == 62
    st = _store_with(tmp_path, [hist])
    try:
        index = history_for(st, _loaded(_current([{"anesthesia": [anes()]}]), tmp_path).batch)
    finally:
        st.close()
    got = sorted((r.batch_id, r.seq) for r in index.anesthesia("A-100"))
    assert got == [("CUR/1", 1), ("G/T/store/h/1404/05", 1)]
    assert list(index.anesthesia("A-999")) == []
    assert list(index.stays(other["national_id"])) == []          # another insured's stays are not kept


def test_store_not_read_for_a_batch_without_physician_records(tmp_path, monkeypatch):
    import desktop.review.queries as q
    from desktop.pipeline import history_for
    st = _store_with(tmp_path, [])
    monkeypatch.setattr(q, "batch_rows", lambda store: pytest.fail("the store was scanned"))
    try:
        index = history_for(st, _loaded(_current([{"procedures": [proc("300100")]}]), tmp_path).batch)
    finally:
        st.close()
    assert len(list(index.stays(casegen.NID))) == 1                # the batch's own bill, preloaded
