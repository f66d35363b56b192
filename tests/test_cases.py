"""The manual's cases as data: every tests/cases/**/*.json (format of shared/examples/README.md) is reviewed through
the `rasidegi review` command, in-process, on a fresh SQLite database, and compared with what it expects.

The published examples of ../shared/examples whose clause families are implemented run too.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from desktop.cli import main as cli_main
from tests.inpatient.runner import same      # the comparison of ../shared/tools/run-examples, once

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "cases").rglob("*.json"))
SHARED_EXAMPLES = HERE.parent.parent / "shared" / "examples"


def _implemented_ids() -> set[str]:
    from desktop.engine.rules import load_rules
    return {r.id for r in load_rules().rules}


COLS = ["code", "description_fa", "rvu_total", "rvu_professional", "rvu_technical", "anesthesia_base", "flags",
        "chapter"]


def _shared_cases():
    if not SHARED_EXAMPLES.is_dir():
        return []
    ids = _implemented_ids()
    out = []
    for f in sorted(SHARED_EXAMPLES.glob("*.json")):
        ex = json.loads(f.read_text(encoding="utf-8"))
        # a published example runs once every clause it names has a rule
        wanted = set(ex["expect"].get("rules") or []) | {ex["rule"]}
        if all(any(i == w or i.startswith(w + "-") for i in ids) for w in wanted):
            out.append(f)
    return out


def run_case(ex: dict, tmp: Path) -> dict:
    inp = ex["inputs"]
    files = []
    for i, h in enumerate(inp.get("history") or []):
        files.append(tmp / f"h{i}.json")
        files[-1].write_text(json.dumps(h, ensure_ascii=False), encoding="utf-8")
    files.append(tmp / "b.json")
    files[-1].write_text(json.dumps(inp["batch"], ensure_ascii=False), encoding="utf-8")
    args = ["review", *map(str, files), "--out", str(tmp / "r.json"), "--db", f"sqlite:///{tmp}/db.sqlite", "-q"]
    if inp.get("tariff_rows"):
        with open(tmp / "t.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, COLS, extrasaction="ignore")
            w.writeheader()
            for r in inp["tariff_rows"]:
                w.writerow({k: ("" if v is None else v) for k, v in r.items()})
        args += ["--tariff", str(tmp / "t.csv")]
    if inp.get("params"):
        (tmp / "p.yaml").write_text(yaml.safe_dump(inp["params"], allow_unicode=True), encoding="utf-8")
        args += ["--params", str(tmp / "p.yaml")]
    rc = cli_main(args)
    assert rc == 0, f"review exited {rc}"
    return json.loads((tmp / "r.json").read_text(encoding="utf-8"))


def cited(res, doc):
    ids = {f.get("rule") for f in res.get("findings", []) + doc.get("findings", [])}
    for ln in doc.get("lines", []):
        ids |= set(ln.get("rules", []))
    for h in (doc.get("headings") or {}).values():
        ids |= set(h.get("rules", []))
        for ln in h.get("lines", []):
            ids |= set(ln.get("rules", []))
    return {i for i in ids if i}


def target(doc, exp):
    if exp.get("heading"):
        h = (doc.get("headings") or {}).get(exp["heading"]) or {}
        if isinstance(exp.get("heading_line"), int):
            return next((l for l in h.get("lines", []) if l.get("line") == exp["heading_line"] + 1), {})
        return h
    if isinstance(exp.get("line"), int):
        return next((l for l in doc.get("lines", []) if l.get("line") == exp["line"] + 1), {})
    return doc


def differences(ex: dict, res: dict) -> list[str]:
    exp = ex["expect"]
    doc = next((x for x in res.get("prescriptions", []) + res.get("bills", []) if x.get("seq") == 1), {})
    got, bad = cited(res, doc), []
    for w in exp.get("rules") or []:
        if not any(g == w or g.startswith(w + "-") for g in got):
            bad.append(f"{w} not cited (cited {sorted(got)})")
    if not exp.get("rules") and ex["rule"] in got:
        bad.append(f"{ex['rule']} cited on a near miss")
    for w in exp.get("absent_rules") or []:      # clauses that must not be cited (an exception applies)
        if w in got:
            bad.append(f"{w} cited but must not be")
    t = target(doc, exp)
    if exp.get("mark") and t.get("mark") != exp["mark"]:
        bad.append(f"mark {t.get('mark')} != {exp['mark']}")
    for k in ("paid_code", "paid_qty"):
        if exp.get(k) is not None and str(t.get(k)) != str(exp[k]):
            bad.append(f"{k} {t.get(k)} != {exp[k]}")
    for k in ("approved", "approved_rial", "paid_amount"):
        if isinstance(exp.get(k), (int, float)):
            if not same(exp[k], t.get("approved")):
                bad.append(f"approved {t.get('approved')} != {exp[k]}")
            break
    comp = {k: v for k, v in (exp.get("computed") or {}).items() if k in ("bed_days", "anesthesia_units", "procedures")}
    if comp and not same(comp, doc.get("computed") or {}):
        bad.append(f"computed {doc.get('computed')} != {comp}")
    if exp.get("action") == "flag_review":
        # the clause only raises the case for a human: its finding is a `review`, and it changed no amount
        for w in exp.get("rules") or []:
            sev = [f["severity"] for f in doc.get("findings", []) + res.get("findings", [])
                   if f["rule"] == w or f["rule"].startswith(w + "-")]
            if sev and "review" not in sev:
                bad.append(f"{w} should be a review finding, got {sev}")
    return bad


@pytest.mark.parametrize("case_file", CASES + _shared_cases(), ids=lambda p: p.stem)
def test_case(case_file: Path, tmp_path, monkeypatch):
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "home"))
    ex = json.loads(case_file.read_text(encoding="utf-8"))
    res = run_case(ex, tmp_path)
    bad = differences(ex, res)
    assert not bad, f"{ex['case']}: {ex.get('story', '')}\n  " + "\n  ".join(bad)
