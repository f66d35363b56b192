"""INP-10-C-1 / INP-10-E-1: params.combined_codes is `{combination: code}` (rule-inputs §4). The combination is
read as two services joined by a plain separator, each a national code or the service's name."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from desktop.engine.checks.inpatient import _combination_parts
from tests.test_cases import differences, run_case

CASE = Path(__file__).resolve().parents[1] / "cases" / "INP" / "INP-10-C-1-audit5-septoplasty-plus-smr.json"


@pytest.mark.parametrize("key, parts", [
    ("300500+300510", ["300500", "300510"]), ("300500 + 300510", ["300500", "300510"]),
    ("300500, 300510", ["300500", "300510"]), ("300500،300510", ["300500", "300510"]),
    ("سپتوپلاستی و SMR", ["سپتوپلاستی", "SMR"]), ("septoplasty & smr", ["septoplasty", "smr"]),
    ("300500", ["300500"]),
])
def test_the_combination_key_is_split_into_its_two_services(key, parts):
    assert _combination_parts(key) == parts


@pytest.mark.parametrize("key", ["300500, 300510", "سپتوپلاستی و SMR", "سپتوپلاستی + 300510"])
def test_a_combination_written_otherwise_is_paid_as_its_common_code(key, tmp_path):
    ex = json.loads(CASE.read_text(encoding="utf-8"))
    ex = copy.deepcopy(ex)
    ex["inputs"]["params"]["combined_codes"] = {"1390/01/01": {"value": {key: "300520"}, "reference": "test"}}
    res = run_case(ex, tmp_path)
    assert not differences(ex, res)


def test_a_name_that_no_procedure_carries_does_not_combine(tmp_path):
    ex = json.loads(CASE.read_text(encoding="utf-8"))
    ex["inputs"]["params"]["combined_codes"] = {"1390/01/01": {"value": {"سپتوپلاستی و کورنکتومی": "300520"},
                                                               "reference": "test"}}
    res = run_case(ex, tmp_path)
    bill = next(b for b in res["bills"] if b["seq"] == 1)
    assert not any(f["rule"] == "INP-10-C-1" for f in bill["findings"])
