"""The INP / RVU clause cases: the JSON files are those tests/inpatient/casegen.py writes (one source of truth), and
each case's expected figures come out — including the `computed` block (bed-days, anaesthesia units, procedure
percentages …) that tests/test_cases.py does not compare. Run in-process with the packs loaded once."""
from __future__ import annotations

import json

import pytest

from tests.inpatient import casegen
from tests.inpatient.runner import review_case, same
from tests.test_cases import differences

CASES = casegen.ALL


def test_case_files_are_current():
    stale = [str(p.relative_to(casegen.CASES)) for p, text in casegen.files().items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"run `python -m tests.inpatient.casegen`: {stale[:10]}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["case"])
def test_bill_case(case):
    res = review_case(case)
    bad = differences(case, res)
    want = case["expect"].get("computed")
    if want:
        doc = next((x for x in res.get("bills", []) if x.get("seq") == 1), {})
        if not same(want, doc.get("computed") or {}):
            bad.append(f"computed {json.dumps(doc.get('computed'), ensure_ascii=False)} != {want}")
    assert not bad, f"{case['case']}: {case['story']}\n  " + "\n  ".join(bad)
