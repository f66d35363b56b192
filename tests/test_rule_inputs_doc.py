"""rule-inputs.md (shared/spec, the appendix of interchange.md) against the intake and the model.

The field tables of its §1 are read here directly from the document, independently of tools/gen_model.py: for
every documented field a batch holding just that field is built, taken in by the intake, and the model must carry
the value under the attribute the path names (JSON key; a Python keyword with a trailing `_`), converted by its
type -- not left in `extra_`, not ABSENT.  The committed generated modules must also be what the generator makes
of the document today.
"""
from __future__ import annotations

import importlib.util
import keyword
import re
from collections import deque
from pathlib import Path

import pytest

from desktop.domain.absent import ABSENT
from desktop.domain.jalali import JDate, JDateTime, JMonth
from desktop.domain.model import Record
from desktop.intake import parse_batch

REPO = Path(__file__).resolve().parents[1]
SPEC_DIR = REPO.parent / "shared" / "spec"
DOC = SPEC_DIR / "rule-inputs.md"

pytestmark = pytest.mark.skipif(not DOC.is_file(), reason=f"{DOC} not found (the shared spec lives beside the checkout)")


def doc_rows() -> list[dict]:
    text = DOC.read_text(encoding="utf-8")
    start = re.search(r"^## 1\.", text, re.M).start()
    end = re.search(r"^## 2\.", text, re.M).start()
    rows = []
    for line in text[start:end].splitlines():
        m = re.match(r"^\|\s*`([^`]+)`\s*\|([^|]*)\|([^|]*)\|", line)
        if m:
            rows.append({"path": m.group(1), "type": m.group(2).strip(), "values": m.group(3).strip()})
    return rows


ROWS = doc_rows() if DOC.is_file() else []
BY_PATH = {r["path"].replace("[]", ""): r for r in ROWS}


def routes() -> dict[str, list[tuple[str, bool]]]:
    """For every table, the JSON steps (key, is_list) from the file root to one object of it."""
    edges: dict[str, list[tuple[str, bool, str]]] = {}
    for r in ROWS:
        parts = r["path"].split(".")
        if len(parts) == 2 and r["type"].startswith("→"):
            edges.setdefault(parts[0], []).append((parts[1].removesuffix("[]"), parts[1].endswith("[]"),
                                                   r["type"][1:].strip()))
    out = {"claim_batch": []}
    todo = deque(["claim_batch"])
    while todo:
        t = todo.popleft()
        for key, is_list, target in edges.get(t, []):
            if target not in out:
                out[target] = out[t] + [(key, is_list)]
                todo.append(target)
    return out


ROUTES = routes() if ROWS else {}


def first_value(values: str):
    as_ = re.fullmatch(r"as `([^`]+)`", values)
    if as_:
        return first_value(BY_PATH[as_.group(1).replace("[]", "")]["values"])
    vals = re.findall(r"`([^`]*)`", values)
    return vals[0].replace("<n>", "16") if vals else None


MAP_WORDS = {"month": "1404/07", "date": "1404/08/05", "ward": "icu", "grade": "2", "region": "knee"}


def sample(row):
    """(value for the file, expected model value or a predicate)"""
    typ = row["type"]
    key = row["path"].split(".")[-1].removesuffix("[]")
    m = re.fullmatch(r"list<(\w+)>", typ)
    if m:
        inner = dict(row, type=m.group(1), path=row["path"].removesuffix("[]"))
        value, expected = sample(inner)
        return [value], (lambda got, e=expected: isinstance(got, list) and len(got) == 1 and matches(got[0], e))
    if typ.startswith("→") or typ == "object":
        if row["path"].endswith("[]"):       # a list of objects
            return [{}], (lambda got: isinstance(got, list) and len(got) == 1 and isinstance(got[0], Record))
        return {}, (lambda got: isinstance(got, Record))
    if typ == "map":
        k, v = [w.strip() for w in row["values"].split("→")]
        kv = MAP_WORDS.get(k, k)
        if v.startswith("list of"):
            return {kv: ["x"]}, (lambda got: isinstance(got, dict) and list(got.values()) == [["x"]])
        vv = MAP_WORDS.get(v, v)
        return {kv: vv}, (lambda got: isinstance(got, dict) and len(got) == 1)
    if key == "national_id":
        return "0012345679", "0012345679"
    table = {
        "string": ("S-1", "S-1"), "text": ("متن", "متن"), "slug": ("a_b", "a_b"), "code": ("700920", "700920"),
        "int": (3, 3), "number": (2.5, 2.5), "bool": (True, True), "rials": (1000, 1000),
        "date": ("1404/07/05", JDate(1404, 7, 5)),
        "datetime": ("1404/07/05 10:30", JDateTime(JDate(1404, 7, 5), 630)),
        "month": ("1404/07", JMonth(1404, 7)), "time": ("08:30", 510),
    }
    if typ == "enum":
        v = first_value(row["values"])
        assert v is not None, f"{row['path']}: enum without values"
        return v, v
    assert typ in table, f"{row['path']}: type {typ!r} unknown to this test"
    return table[typ]


def matches(got, expected) -> bool:
    if callable(expected):
        return expected(got)
    return got == expected and type(got) is type(expected)


def skeleton() -> dict:
    return {"format": "claim-batch/1",
            "batch": {"id": "B-1", "period": "1404/07", "provider": {"code": "P-1"}}}


def place(row):
    """A batch holding the row's field, and the (key, index) steps from the root to it."""
    doc = skeleton()
    parts = row["path"].split(".")
    table = parts[0]
    steps = list(ROUTES[table])
    node = doc
    walk = []
    for key, is_list in steps:
        if key not in node:
            node[key] = [{"seq": 1}] if is_list and key in ("prescriptions", "bills") else ([{}] if is_list else {})
        walk.append((key, 0 if is_list else None))
        node = node[key][0] if is_list else node[key]
    for seg in parts[1:-1]:
        key = seg.removesuffix("[]")
        is_list = seg.endswith("[]")
        node.setdefault(key, [{}] if is_list else {})
        walk.append((key, 0 if is_list else None))
        node = node[key][0] if is_list else node[key]
    last = parts[-1].removesuffix("[]")
    value, expected = sample(row)
    if row["path"] == "claim_batch.format":
        value, expected = "claim-batch/1", "claim-batch/1"
    if last in ("prescriptions", "bills") and table == "claim_batch":
        value = [{"seq": 1}]      # seq is required
    if isinstance(value, (dict, list)) and last in node:
        pass                      # the skeleton's own object (batch, provider): keep its required keys
    else:
        node[last] = value
    walk.append((last, None))
    return doc, walk, expected


def attr(key: str) -> str:
    return key + "_" if keyword.iskeyword(key) else key


def test_every_table_is_reachable_from_the_file_root():
    tables = {r["path"].split(".")[0] for r in ROWS}
    assert tables - set(ROUTES) == set()
    assert len(ROWS) > 400


@pytest.mark.parametrize("row", ROWS, ids=[r["path"] for r in ROWS])
def test_documented_field_is_mapped_by_the_intake(row):
    doc, walk, expected = place(row)
    res = parse_batch(doc, "doc.json")
    assert res.ok, [p.format_en() for p in res.problems]
    obj = res.batch
    for key, index in walk[:-1]:
        assert hasattr(obj, attr(key)), f"{type(obj).__name__} has no attribute {attr(key)!r} ({row['path']})"
        obj = getattr(obj, attr(key))
        if index is not None:
            obj = obj[index]
    key = walk[-1][0]
    assert isinstance(obj, Record)
    assert key not in obj.extra_, f"{row['path']} was kept as an unknown key"
    assert hasattr(obj, attr(key)), f"{type(obj).__name__} has no attribute {attr(key)!r} ({row['path']})"
    got = getattr(obj, attr(key))
    assert got is not ABSENT
    assert matches(got, expected), (row["path"], got, expected)


def test_generated_modules_are_up_to_date():
    spec = importlib.util.spec_from_file_location("gen_model", REPO / "tools" / "gen_model.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    schema_src, model_src = gen.generate(DOC)
    assert (REPO / "desktop" / "domain" / "schema.py").read_text(encoding="utf-8") == schema_src, \
        "desktop/domain/schema.py is stale: run tools/gen_model.py"
    assert (REPO / "desktop" / "domain" / "model.py").read_text(encoding="utf-8") == model_src, \
        "desktop/domain/model.py is stale: run tools/gen_model.py"
