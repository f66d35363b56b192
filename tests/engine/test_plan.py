"""The engine's speed-ups change no result (docs/engine.md, "Performance").

Each one is checked against the plain way on synthetic batches of every provider kind the generator supports
(desktop/synth.py: every rule-input field in realistic proportions, with deliberate defects):

* the per-date plan (rules indexed by their gates: billed codes, lines, present facts) gives exactly the findings and
  amounts of running every rule in force on every document;
* a generated condition is the same predicate as the closures of engine.conditions.OPERATORS;
* a memoised imaging matcher answers as the matcher itself.
"""
from __future__ import annotations

import functools

import pytest

from desktop.domain.absent import ABSENT
from desktop.engine.checks.imaging import Matcher
from desktop.engine.conditions import compile_closures, compile_condition
from desktop.engine.evaluate import (DocEval, EngineContext, _evaluate_prescription, _Plan, _RuleCache,
                                     review_batch)
from desktop.engine.result import to_result
from desktop.engine.rules import Gate, load_rules
from desktop.intake import parse_batch
from desktop.pipeline import load_reference
from desktop.synth import KINDS, generate_batch

PRESCRIPTION_KINDS = [k for k in KINDS if k != "hospital"]


@functools.lru_cache(maxsize=None)
def _batch(kind: str, n: int = 250):
    res = parse_batch(generate_batch(n, seed=11, provider_kind=kind), f"{kind}.json")
    assert res.ok, res.problems[:3]
    return res.batch


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _outcomes(batch, ref, rules, planned: bool):
    """Every prescription of the batch evaluated with the plan (as review_batch does) or with the plain rule list."""
    ctx = EngineContext(ref, rules)
    header = batch.batch
    st = getattr(header, "service_type", ABSENT)
    kind = st if st not in (ABSENT, None) else header.provider.kind
    cache = _RuleCache(rules, kind, None, ctx)
    out = []
    for order, rx in enumerate(batch.prescriptions):
        ev = DocEval(ctx, header, rx, "prescription", order)
        rules_in_force = cache.plan(ev.date) if planned else cache.get("prescription", ev.date)
        doc = _evaluate_prescription(ev, rules_in_force, [], None)
        ctx.history.add_prescription(header, rx, doc)
        out.append(doc)
    return out


@pytest.mark.parametrize("kind", PRESCRIPTION_KINDS)
def test_the_plan_gives_what_running_every_rule_gives(kind, ref, rules):
    batch = _batch(kind)
    planned = _outcomes(batch, ref, rules, planned=True)
    plain = _outcomes(batch, ref, rules, planned=False)
    assert len(planned) == len(batch.prescriptions)
    assert sum(len(d.findings) for d in plain) > 0          # the batch does exercise the rules
    for a, b in zip(planned, plain):
        assert a == b, f"{kind}: prescription seq {a.seq} differs"


def test_the_plan_skips_rules_whose_gate_is_closed(ref, rules):
    """On a one-line radiology batch the two-line and code-gated rules are not run at all."""
    batch = _batch("radiology")
    ctx = EngineContext(ref, rules)
    cache = _RuleCache(rules, "radiology", None, ctx)
    rx = next(r for r in batch.prescriptions if len(r.items) == 1)
    ev = DocEval(ctx, batch.batch, rx, "prescription", 0)
    plan = cache.plan(ev.date)
    met = plan.rules_for(ev, rx.items)
    in_force = [r for r in cache.get("prescription", ev.date) if r.check != "pricing"]
    assert 0 < len(met) < len(in_force)
    ids = {r.id for _, r in met}
    together = [r for r in in_force if r.check == "img_together"]
    assert together and not ids & {r.id for r in together}       # img_together needs two lines
    assert "RAD-APX-1" not in ids                                  # data only (appendix 1): never run
    # the same summary of a document is worked out once
    assert plan.rules_for(ev, rx.items) is met


def test_gates_of_the_shipped_packs_are_well_formed(rules):
    gated = [r for r in rules.rules if r.gate is not None]
    assert len(gated) > 100
    for r in gated:
        g = r.gate
        assert isinstance(g, Gate)
        assert g.never or g.by_code or g.by_doc, r.id
        assert all(isinstance(p, tuple) and p for p in g.doc_any + g.item_any), r.id
    # a line condition on `item.code in_group high_cost` is indexed by that group (GEN-13)
    gen13 = [r for r in rules.rules if r.id == "GEN-13" and r.check == "condition"]
    assert gen13 and all("high_cost" in r.gate.groups for r in gen13)


def _scopes(batch, ref, rules):
    ctx = EngineContext(ref, rules)
    for order, rx in enumerate(batch.prescriptions):
        ev = DocEval(ctx, batch.batch, rx, "prescription", order)
        yield ev, None
        for idx, item in enumerate(ev.lines()):
            yield ev, (item, idx)


@pytest.mark.parametrize("kind", ["laboratory", "radiology", "physician_office", "dentist", "physiotherapy"])
def test_generated_conditions_are_the_closures(kind, ref, rules):
    batch = _batch(kind, 120)
    specs = []
    for r in rules.rules:
        if r.check == "condition":
            specs.append(r.params["when"])
            if "unless" in r.params:
                specs.append(r.params["unless"])
    assert len(specs) > 80
    pairs = [(compile_condition(s), compile_closures(s)) for s in specs]
    true = 0
    for ev, line in _scopes(batch, ref, rules):
        ev.item, ev.index = line if line else (None, None)
        for fast, slow in pairs:
            try:
                want = slow(ev)
            except Exception as exc:          # a fact undefined here: the generated code must fail alike
                with pytest.raises(type(exc)):
                    fast(ev)
                continue
            got = fast(ev)
            assert bool(got) == bool(want)
            true += bool(want)
    assert true > 0


def test_generated_condition_operators_one_by_one():
    class S:
        item = None
        doc = None
        batch = None

    class Paper:
        signature = "stamp"
        erasure = None
        handwritings = 2

    class Doc:
        paper = Paper()
        purpose = ABSENT
        tags = ["a"]

    s = S()
    s.doc = Doc()
    cases = [
        ({"field": "paper.signature", "eq": "stamp"}, True),
        ({"field": "paper.signature", "ne": "stamp"}, False),
        ({"field": "paper.erasure", "ne": "x"}, False),          # ne needs a present value
        ({"field": "paper.signature", "in": ["stamp", "copy"]}, True),
        ({"field": "tags", "in": ["a"]}, False),                 # a list is never `in`
        ({"field": "paper.signature", "not_in": ["copy"]}, True),
        ({"field": "paper.erasure", "is_null": True}, True),
        ({"field": "paper.erasure", "missing": True}, True),
        ({"field": "purpose", "absent": True}, True),
        ({"field": "purpose", "present": False}, True),
        ({"field": "paper.nothing.deeper", "eq": 1}, False),
        ({"field": "paper.handwritings", "gt": 1}, True),         # an operator left to its closure
        ({"all": [{"field": "paper.signature", "eq": "stamp"}, {"not": {"field": "purpose", "absent": True}}]}, False),
        ({"any": []}, False),
        ({"all": []}, True),
    ]
    for spec, want in cases:
        assert bool(compile_condition(spec)(s)) is want, spec
        assert bool(compile_closures(spec)(s)) is want, spec


@pytest.mark.parametrize("kind", ["radiology", "ultrasound", "ct", "physician_office"])
def test_memoised_matchers_answer_as_the_matchers(kind, ref, rules):
    batch = _batch(kind, 150)
    matchers = []

    def collect(x):
        if isinstance(x, Matcher):
            matchers.append(x)
        elif isinstance(x, dict):
            for v in x.values():
                collect(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                collect(v)

    for r in rules.rules:
        collect(r.compiled)
    assert len(matchers) > 50
    checked = 0
    for _ in range(2):                       # the second round answers from the memo
        for ev, line in _scopes(batch, ref, rules):
            if line is None:
                continue
            for m in matchers:
                assert m.matches(ev, line[0]) == m._matches(ev, line[0])
                checked += 1
    assert checked > 1000


def test_review_batch_uses_the_plan_and_gives_the_same_result(ref, rules):
    batch = _batch("ultrasound", 200)
    result = to_result(review_batch(batch, ref, rules))
    plain = _outcomes(batch, ref, rules, planned=False)
    assert [d["approved"] for d in result["prescriptions"]] == [d.approved for d in plain]
    assert [[f["rule"] for f in d["findings"]] for d in result["prescriptions"]] == \
        [[f.rule for f in d.findings] for d in plain]
    assert isinstance(_RuleCache(rules, "ultrasound", None, EngineContext(ref, rules)).plan(
        batch.prescriptions[0].served_on), _Plan)


def test_a_wrong_gate_would_be_caught(ref, rules, monkeypatch):
    """The comparison above is not vacuous: closing the gate of a rule that fires changes the outcome."""
    batch = _batch("radiology")
    plain = _outcomes(batch, ref, rules, planned=False)
    fired = {f.rule for d in plain for f in d.findings} - {"GEN-15-N2", "GEN-15-N3"}
    victim = sorted(fired)[0]
    for r in rules.rules:
        if r.id == victim:
            monkeypatch.setattr(r, "gate", Gate(never=True))
    planned = _outcomes(batch, ref, rules, planned=True)
    assert planned != plain
