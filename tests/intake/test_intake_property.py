"""Properties: one malformed field gives one problem at exactly that field; valid variants stay valid; the inline
fast checks of the generated builders agree with the reference checks (values.check)."""
from __future__ import annotations

import copy
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.absent import ABSENT
from desktop.intake import batch_to_dict, parse_batch
from desktop.intake import codegen
from desktop.intake.messages import Bad
from desktop.intake.values import check
from intake_samples import leaves, rich_batch

RICH = rich_batch()
LEAVES = leaves(RICH)

WRONG_TYPE = {
    "string": [12, [], {}, True], "text": [12, ["a"], {}], "slug": [3.5, {}, False], "code": [700920, [], {}],
    "enum": [7, [], {}, True], "int": ["2", True, [], 2.5, -1], "number": ["4.5", True, {}, -0.5, math.inf],
    "rials": [True, "12a", [], {}, -1, 1.5], "bool": ["yes", 1, 0, [], {}], "date": [14040705, [], {}],
    "datetime": [1, [], {}], "month": [140407, [], {}], "time": [830, [], {}],
}
IMPOSSIBLE = {
    "date": ["1404/07/31", "1403/12/31", "1404/12/30", "1404/13/01", "1404/07/00", "07/05/1404", "2025/10/01"],
    "datetime": ["1404/07/31 10:00", "1404/07/01 24:00", "1404/07/01 10:60", "1404/07/01"],
    "month": ["1404/13", "1404/00", "1404", "2025/10"],
    "time": ["24:00", "08:60", "8h30"],
    "enum": ["zzz", "", "FIRST"],
    "code": ["ABC", "70 0920", ""],
}
NATIONAL_ID_BAD = ["0012345678", "1111111111", "12345", "", "00123456789"]


def mutations(f: dict, element: bool):
    """Malformed values for a field (or one element of a list field)."""
    t = f["type"]
    if f["list"] and not element:
        return ["not a list", 3, {"a": 1}]
    if t in ("ref", "object", "map"):
        return ["x", 3, [1]] if not element else ["x", 3, None]
    out = list(WRONG_TYPE[t]) + list(IMPOSSIBLE.get(t, []))
    if f.get("check") == "national_id":
        out += NATIONAL_ID_BAD
    if element:
        out.append(None)
    elif not f.get("nullable", True):
        out.append(None)
    return out


ALL_MUTATIONS = [(i, m) for i, (path, _c, _k, f, el) in enumerate(LEAVES) for m in range(len(mutations(f, el)))]


def apply(doc, index, m):
    """The copy of doc with leaf `index` set to its m-th malformed value; returns (doc, path)."""
    path, container, key, f, el = LEAVES[index]
    doc = copy.deepcopy(doc)
    # find the same container in the copy by walking the path again
    target = _locate(doc, path)
    parent, last = target
    parent[last] = copy.deepcopy(mutations(f, el)[m])
    return doc, path


def _locate(doc, path):
    import re
    parts = re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", path)
    node = doc
    steps = [(k, int(i)) if i else (k, None) for k, i in parts]
    for j, (k, i) in enumerate(steps):
        key = k if i is None else i
        if j == len(steps) - 1:
            return node, key
        node = node[key]
    raise AssertionError(path)


def test_the_rich_batch_is_valid_and_covers_every_table():
    res = parse_batch(RICH, "rich.json")
    assert res.ok, res.problems[:5]
    tables = {f["path"].split(".")[0] for _p, _c, _k, f, _e in LEAVES}
    from desktop.domain.schema import TABLES
    assert tables == {name.split(".")[0] for name in TABLES}
    assert len(LEAVES) > 1000


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_MUTATIONS))
def test_one_malformed_field_is_reported_at_exactly_that_field(case):
    index, m = case
    doc, path = apply(RICH, index, m)
    res = parse_batch(doc, "mutated.json")
    assert not res.ok, (path, mutations(LEAVES[index][3], LEAVES[index][4])[m])
    assert res.batch is None and res.normalized is None
    assert [p.path for p in res.problems] == [path], [p.format_en() for p in res.problems]
    p = res.problems[0]
    assert p.file == "mutated.json" and p.message_en and p.message_fa and p.code


def test_every_field_once():
    """Every field of the schema (not only a sample): its first malformed value, reported at its path."""
    doc = copy.deepcopy(RICH)
    done = set()
    for index, m in ALL_MUTATIONS:
        if index in done:
            continue
        done.add(index)
        path, _c, _k, f, el = LEAVES[index]
        parent, key = _locate(doc, path)
        saved = parent[key]
        parent[key] = mutations(f, el)[m]
        try:
            res = parse_batch(doc, "m.json")
        finally:
            parent[key] = saved
        assert [p.path for p in res.problems] == [path], [p.format_en() for p in res.problems]
    assert len(done) == len(LEAVES)
    assert doc == RICH


PERSIANISE = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DIGIT_TYPES = {"date", "datetime", "month", "time", "code", "rials"}


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from([i for i, (_p, c, k, f, el) in enumerate(LEAVES)
                                if (f["type"] in DIGIT_TYPES or f.get("check") == "national_id")
                                and (el or not f["list"])]),
               min_size=1, max_size=25))
def test_persian_digits_anywhere_normalise_to_the_same_batch(indices):
    doc = copy.deepcopy(RICH)
    for index in indices:
        path = LEAVES[index][0]
        parent, key = _locate(doc, path)
        parent[key] = str(parent[key]).translate(PERSIANISE)
    res = parse_batch(doc, "fa.json")
    assert res.ok, [p.format_en() for p in res.problems]
    assert res.normalized == RICH
    assert batch_to_dict(res.batch) == RICH


# ---------------------------------------------------------------------------------------------------------------
# the generated fast paths against the reference checks

SCALAR_FIELDS = [(table, spec) for table, specs in codegen.SPECS.items() for spec in specs.values()
                 if spec.type not in ("ref", "object", "map") and not spec.list]

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["1404/07/05", "۱۴۰۴/۰۷/۰۵", "1404/07/31", "1404/07/05 10:30", "1404/07", "08:30", "25:00",
                     "0012345679", "۰۰۱۲۳۴۵۶۷۹", "1111111111", "700920", "T2-36", "msct_16", "first", "M",
                     "1_plus", "icu", "ي", "كد", "12", "-5", "4.5"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(SCALAR_FIELDS), json_scalars)
def test_generated_builders_agree_with_the_reference_check(field, value):
    table, spec = field
    builder = codegen.builder(table)
    d = {spec.key: value}
    problems = []
    obj = builder(d, None, problems)
    ref = check(spec, value)
    others = [pr for pr in problems if pr[0] != (None, spec.key)]
    assert all(pr[1].code == "missing" for pr in others)        # the table's other required keys
    problems = [pr for pr in problems if pr[0] == (None, spec.key)]
    if isinstance(ref, Bad):
        assert len(problems) == 1 and problems[0][1].code == ref.code
    else:
        assert problems == [], (spec, value, problems)
        got = getattr(obj, spec.attr)
        assert got is not ABSENT
        assert got == ref[0] and type(got) is type(ref[0])
        assert d[spec.key] == ref[1] and type(d[spec.key]) is type(ref[1])
