"""`rasidegi review` end to end: exit codes, located messages, nothing stored on bad input, the same result on
SQLite and PostgreSQL, history across files on one command line."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from desktop.cli import main
from tests.dbcounts import table_counts

GOOD = {
    "format": "claim-batch/1",
    "batch": {
        "id": "T-1/1404-07/iranians", "period": "1404/07", "fund": "iranians", "submitted_on": "1404/08/10",
        "provider": {"code": "T-1", "name": "آزمایشگاه نمونه", "kind": "laboratory", "sector": "private",
                     "technical_director": {"council_no": "11111", "name": "مسئول فنی", "specialty": "pathology"},
                     "contract": {"from": "1390/01/01", "to": "1409/12/29", "rural": True, "suspensions": []}},
        "declared": {"count": 2, "total": 800000, "insured_share": 240000, "org_share": 560000},
    },
    "prescriptions": [
        {"seq": 1, "insured": {"national_id": "0499370899", "name": "بیمه شده", "sex": "M", "birth_date": "1364/01/01",
                               "fund": "iranians"},
         "prescriber": {"council_no": "45678", "specialty": "internal_medicine", "role": "physician"},
         "prescribed_on": "1404/07/05", "served_on": "1404/07/10", "diagnosis": "کم‌خونی",
         "items": [{"line": 1, "code": "801170", "qty": 1,
                    "requested": {"total": 400000, "insured": 120000, "org": 280000}, "details": {}}]},
        {"seq": 2, "insured": {"national_id": "0499370899", "name": "بیمه شده", "sex": "M", "birth_date": "1364/01/01",
                               "fund": "iranians"},
         "prescriber": {"council_no": "45678", "specialty": "internal_medicine", "role": "physician"},
         "prescribed_on": None, "served_on": "1404/07/12", "diagnosis": "کم‌خونی",
         "items": [{"line": 1, "code": "801170", "qty": 1,
                    "requested": {"total": 400000, "insured": 120000, "org": 280000}, "details": {}}]},
    ],
    "bills": [],
}
TARIFF = "code,description_fa,rvu_total,rvu_professional,rvu_technical,anesthesia_base,flags,chapter\n" \
         "801170,آزمایش نمونه,,4,,0,,laboratory\n"
PARAMS = ("k_professional:\n  government: {'1390/01/01': {value: 100000, reference: test}}\n"
          "  private: {'1390/01/01': {value: 100000, reference: test}}\n")


def _files(tmp_path: Path, batch: dict) -> list[str]:
    (tmp_path / "b.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "t.csv").write_text(TARIFF, encoding="utf-8")
    (tmp_path / "p.yaml").write_text(PARAMS, encoding="utf-8")
    return [str(tmp_path / "b.json"), "--tariff", str(tmp_path / "t.csv"), "--params", str(tmp_path / "p.yaml")]


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "home"))




def test_review_writes_the_result(tmp_path):
    db = tmp_path / "db.sqlite"
    rc = main(["review", *_files(tmp_path, GOOD), "--out", str(tmp_path / "r.json"), "--db", f"sqlite:///{db}",
               "-q"])
    assert rc == 0
    r = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert r["format"] == "review-result/1" and r["batch_id"] == GOOD["batch"]["id"]
    marks = [d["mark"] for d in r["prescriptions"]]
    assert marks == ["tick", "zero"]                       # the undated second prescription: GEN-5
    assert r["prescriptions"][1]["findings"][0]["rule"] == "GEN-5"
    assert r["totals"]["requested"] == 800000 and r["totals"]["approved"] == 400000
    assert r["totals"]["by_rule"] == {"GEN-5": 400000}
    assert r["totals"]["org_share"] == 280000 and r["totals"]["insured_share"] == 120000


def test_malformed_file_exits_2_names_file_and_path_and_stores_nothing(tmp_path, capsys):
    db = tmp_path / "db.sqlite"
    assert main(["review", *_files(tmp_path, GOOD), "--out", str(tmp_path / "r.json"), "--db",
                 f"sqlite:///{db}", "-q"]) == 0
    before = table_counts(db)
    bad = copy.deepcopy(GOOD)
    bad["batch"]["id"] = "T-1/1404-07/iranians-second"
    bad["prescriptions"][1]["served_on"] = "1404/07/31"          # Mehr has 30 days
    capsys.readouterr()
    rc = main(["review", *_files(tmp_path, bad), "--out", str(tmp_path / "r2.json"), "--db", f"sqlite:///{db}"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "b.json" in err and "prescriptions[1].served_on" in err
    assert any("\u0600" <= ch <= "\u06ff" for ch in err)        # the Persian message too
    assert not (tmp_path / "r2.json").exists()
    assert table_counts(db) == before


def test_earlier_files_on_the_command_line_are_history(tmp_path):
    earlier = copy.deepcopy(GOOD)
    earlier["batch"]["id"] = "T-1/1404-06/iranians"
    earlier["batch"]["period"] = "1404/06"
    for rx in earlier["prescriptions"]:
        rx["prescribed_on"], rx["served_on"] = "1404/06/01", "1404/06/02"
    (tmp_path / "h.json").write_text(json.dumps(earlier, ensure_ascii=False), encoding="utf-8")
    rc = main(["review", str(tmp_path / "h.json"), *_files(tmp_path, GOOD), "--out-dir", str(tmp_path / "o"),
               "--out", str(tmp_path / "r.json"), "--db", f"sqlite:///{tmp_path}/db.sqlite", "-q"])
    assert rc == 0
    assert len(list((tmp_path / "o").glob("*.result.json"))) == 2
    r = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert r["batch_id"] == GOOD["batch"]["id"]


def test_reviewing_twice_does_not_duplicate(tmp_path):
    args = ["review", *_files(tmp_path, GOOD), "--out", str(tmp_path / "r.json"), "--db",
            f"sqlite:///{tmp_path}/db.sqlite", "-q"]
    assert main(args) == 0
    first = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    counts = table_counts(tmp_path / "db.sqlite")
    assert main(args) == 0
    second = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert first == second
    after = table_counts(tmp_path / "db.sqlite")
    assert {k: v for k, v in after.items() if k not in ("results", "events")} == \
           {k: v for k, v in counts.items() if k not in ("results", "events")}


@pytest.mark.postgres
def test_same_result_on_sqlite_and_postgresql(tmp_path, pg_fresh_url):
    sq = tmp_path / "sq"
    sq.mkdir()
    pg = tmp_path / "pg"
    pg.mkdir()
    assert main(["review", *_files(sq, GOOD), "--out", str(sq / "r.json"), "--db",
                 f"sqlite:///{tmp_path}/db.sqlite", "-q"]) == 0
    assert main(["review", *_files(pg, GOOD), "--out", str(pg / "r.json"), "--db", pg_fresh_url, "-q"]) == 0
    a = json.loads((sq / "r.json").read_text(encoding="utf-8"))
    b = json.loads((pg / "r.json").read_text(encoding="utf-8"))
    assert a == b


def test_a_signed_batch_keeps_its_stored_result(tmp_path, capsys):
    from desktop.store import Store

    url = f"sqlite:///{tmp_path}/db.sqlite"
    args = ["review", *_files(tmp_path, GOOD), "--out", str(tmp_path / "r.json"), "--db", url, "-q"]
    assert main(args) == 0
    st = Store.open(url)
    bid = GOOD["batch"]["id"]
    stored = st.load_result(bid)
    for state in ("technical_review", "accounting", "signed"):
        st.set_state(bid, state, who="test")
    st.close()
    capsys.readouterr()
    assert main(args) == 0
    assert "signed" in capsys.readouterr().err
    st = Store.open(url)
    assert st.load_result(bid) == stored
    st.close()
