"""Review a case (the format of ../shared/examples) in-process, with the rule packs loaded once: the engine as
`rasidegi review` runs it (intake, reference overlay, history of the earlier batches, review, review-result/1)
without the database. Used by the inpatient tests to compare the `computed` figures quickly."""
from __future__ import annotations

import csv
import json
import tempfile
from functools import lru_cache
from pathlib import Path

import yaml

COLS = ["code", "description_fa", "rvu_total", "rvu_professional", "rvu_technical", "anesthesia_base", "flags",
        "chapter"]


@lru_cache(maxsize=1)
def rules():
    from desktop.engine.rules import load_rules
    return load_rules()


@lru_cache(maxsize=1)
def base_reference():
    from desktop.engine.reference import load_default
    return load_default()


def _batch(obj: dict, tmp: Path, name: str):
    from desktop.intake import load_batch
    p = tmp / name
    p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    res = load_batch(p)
    res.raise_for_problems()
    return res.batch


def review_case(case: dict) -> dict:
    from desktop.engine.evaluate import review_batch
    from desktop.engine.history import HistoryIndex
    from desktop.engine.reference import load_params, load_tariff
    from desktop.engine.result import to_result

    inp = case["inputs"]
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        ref = base_reference()
        t = p = None
        if inp.get("tariff_rows"):
            with open(tmp / "t.csv", "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, COLS, extrasaction="ignore")
                w.writeheader()
                for r in inp["tariff_rows"]:
                    w.writerow({k: ("" if v is None else v) for k, v in r.items()})
            t, probs = load_tariff(tmp / "t.csv")
            assert not probs, probs
        if inp.get("params"):
            (tmp / "p.yaml").write_text(yaml.safe_dump(inp["params"], allow_unicode=True), encoding="utf-8")
            p, probs = load_params(tmp / "p.yaml")
            assert not probs, probs
        if t is not None or p is not None:
            ref = ref.overlay(tariff=t, params=p)
        history = HistoryIndex()
        rs = rules()
        for i, h in enumerate(inp.get("history") or []):
            history.add_batch(_batch(h, tmp, f"h{i}.json"))   # as the CLI reads earlier batches back from the store
        batch = _batch(inp["batch"], tmp, "b.json")
        history.preload(batch)      # as pipeline.history_for: the batch's own bills' stays and physicians
        return to_result(review_batch(batch, ref, rs, history))


def same(want, got) -> bool:
    """`want` ⊆ `got` (the comparison of ../shared/tools/run-examples)."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and same(v, got[k]) for k, v in want.items())
    if isinstance(want, list):
        if not isinstance(got, list):
            return False
        if all(isinstance(w, dict) and "code" in w for w in want):
            return all(any(isinstance(g, dict) and g.get("code") == w["code"] and same(w, g) for g in got)
                       for w in want)
        return len(want) <= len(got) and all(same(w, g) for w, g in zip(want, got))
    if isinstance(want, (int, float)) and isinstance(got, (int, float)) and not isinstance(want, bool):
        return abs(want - got) <= max(0.01, 1e-6 * abs(want))
    return want == got
