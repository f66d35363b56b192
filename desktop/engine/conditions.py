"""A small condition language for rule packs, compiled once into closures.

A rule pack says *what* the manual says in its own terms; most clauses are a condition on the document's facts:

    when:
      all:
        - {field: paper.signature, eq: stamp}
        - not: {field: approval, is_object: true}

Paths are read from the evaluation scope: `item.*` (the line under test), `batch.*` (the batch header),
`provider.*` (= batch.provider), `history.*` is not a path (frequency is a check kind); anything else is an attribute of
the document (`paper.signature`, `insured.fund`, `prescriber.specialty`, `referral.code`, …).  A path through an
absent or null object yields ABSENT or None.  `$name` reads a *derived fact* registered by the engine
(`$service_date`, `$prescriber_is_gp`, `$line_chapter`, `$line_attachments`, …: see engine.facts).

Operators (one per leaf, with `field`):
  eq, ne, in, not_in           value comparison (ABSENT never matches; `ne`/`not_in` need a present value)
  is_null, is_true, is_false   exactly None / True / False
  missing                      null, false, [] or "" (a fact the file says is missing)
  absent, present              key absent / a real value
  is_object                    the value is an object (a dict-like dataclass, e.g. an approval)
  has, lacks                   a list contains / is given and does not contain a value
  in_group                     value (a code) in params.code_groups[<group>] in force on the service date
  in_param                     value in the list params.<name> in force on the service date
  not_in_group, not_in_param   value outside a group / list — false when the group or list is empty or undefined
  any_in_group, all_in_group   a list (e.g. `$doc_codes`) has one / only codes of a group
  eq_field, ne_field           compared with another path (both present)
  gt, ge, lt, le               numeric comparison (present values only)
  contains_any                 text contains one of the given words (case-insensitive)
  on_or_after, before          a date (or date-time) compared with a Jalali date `yyyy/mm/dd`
Combinators: all: [...], any: [...], not: {...}.
"""
from __future__ import annotations

from typing import Any, Callable

from desktop.domain.absent import ABSENT, is_missing

__all__ = ["compile_condition", "compile_closures", "ConditionError", "resolve_path", "OPERATORS"]


class ConditionError(ValueError):
    pass


Scope = Any   # engine.context.Scope: .doc, .item, .batch, .ctx, .fact(name)


def _walk(obj, attrs):
    """Follow attribute names (already mapped from JSON keys); an absent or null object ends the walk."""
    for a in attrs:
        if obj is ABSENT or obj is None:
            return obj
        if type(obj) is dict:
            obj = obj.get(a, ABSENT)
        else:
            obj = getattr(obj, a, ABSENT)
    return obj


_KEYWORDS = {"from": "from_", "class": "class_", "global": "global_", "import": "import_", "in": "in_"}


def _attr(key: str) -> str:
    """The model's attribute for a JSON key: Python keywords get a trailing underscore."""
    return _KEYWORDS.get(key, key)


def resolve_path(path: str) -> Callable[[Scope], Any]:
    """Compile a dotted path into a reader of the scope."""
    if path.startswith("$"):
        name = path[1:]
        return lambda s: s.fact(name)
    parts = [_attr(p) for p in path.split(".")]
    head, rest = parts[0], parts[1:]
    if head == "item":
        if len(rest) == 1:
            a = rest[0]
            return lambda s: _step(s.item, a) if s.item is not None else ABSENT
        if len(rest) == 2:
            a, b = rest
            return lambda s: _step(_step(s.item, a), b) if s.item is not None else ABSENT
        return lambda s: _walk(s.item, rest) if s.item is not None else ABSENT
    if head == "batch":
        return lambda s: _walk(s.batch, rest)
    if head == "provider":
        return lambda s: _walk(s.batch.provider, rest)
    if len(parts) == 1:
        a = parts[0]
        return lambda s: _step(s.doc, a)
    if len(parts) == 2:
        a, b = parts
        return lambda s: _step(_step(s.doc, a), b)
    return lambda s: _walk(s.doc, parts)


def _step(obj, a):
    """One step of _walk (the same result as _walk(obj, [a]))."""
    if obj is ABSENT or obj is None:
        return obj
    if type(obj) is dict:
        return obj.get(a, ABSENT)
    return getattr(obj, a, ABSENT)


def _num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _leaf(spec: dict) -> Callable[[Scope], bool]:
    if "field" not in spec:
        raise ConditionError(f"a condition needs `field`, `all`, `any` or `not`: {spec!r}")
    get = resolve_path(str(spec["field"]))
    ops = [k for k in spec if k != "field"]
    if len(ops) != 1:
        raise ConditionError(f"one operator per condition on {spec['field']!r}, got {ops}")
    op, arg = ops[0], spec[ops[0]]
    if op not in OPERATORS:
        raise ConditionError(f"unknown operator {op!r} on {spec['field']!r}")
    return OPERATORS[op](get, arg)


def _op_eq(get, arg):
    return lambda s: (v := get(s)) is not ABSENT and v == arg


def _op_ne(get, arg):
    return lambda s: (v := get(s)) is not ABSENT and v is not None and v != arg


def _op_in(get, arg):
    vals = frozenset(arg)
    return lambda s: (v := get(s)) is not ABSENT and v is not None and not isinstance(v, list) and v in vals


def _op_not_in(get, arg):
    vals = frozenset(arg)
    return lambda s: (v := get(s)) is not ABSENT and v is not None and v not in vals


def _flag(expected):
    def make(get, arg):
        want = bool(arg)
        if expected is None:
            return lambda s: (get(s) is None) == want
        return lambda s: (get(s) is expected) == want
    return make


def _op_missing(get, arg):
    want = bool(arg)
    return lambda s: is_missing(get(s)) == want


def _op_absent(get, arg):
    want = bool(arg)
    return lambda s: (get(s) is ABSENT) == want


def _op_present(get, arg):
    want = bool(arg)
    return lambda s: ((v := get(s)) is not ABSENT and not is_missing(v)) == want


def _op_is_object(get, arg):
    want = bool(arg)

    def f(s):
        v = get(s)
        ok = v is not ABSENT and v is not None and not isinstance(v, (str, int, float, bool, list))
        return ok == want
    return f


def _op_has(get, arg):
    return lambda s: isinstance(v := get(s), list) and arg in v


def _op_lacks(get, arg):
    return lambda s: isinstance(v := get(s), list) and arg not in v


def _op_in_group(get, arg):
    group = str(arg)
    return lambda s: (v := get(s)) is not ABSENT and v is not None and v in s.ctx.code_group(group, s.date)


def _op_in_param(get, arg):
    name = str(arg)
    return lambda s: (v := get(s)) is not ABSENT and v is not None and v in s.ctx.param_set(name, s.date)


def _op_not_in_group(get, arg):
    """value not in the group — false when the group is empty or not defined (nothing to compare with)."""
    group = str(arg)

    def f(s):
        v = get(s)
        g = s.ctx.code_group(group, s.date)
        return bool(g) and v is not ABSENT and v is not None and v not in g
    return f


def _op_not_in_param(get, arg):
    name = str(arg)

    def f(s):
        v = get(s)
        g = s.ctx.param_set(name, s.date)
        return bool(g) and v is not ABSENT and v is not None and v not in g
    return f


def _op_any_in_group(get, arg):
    group = str(arg)
    return lambda s: isinstance(v := get(s), list) and any(c in s.ctx.code_group(group, s.date) for c in v)


def _op_all_in_group(get, arg):
    group = str(arg)

    def f(s):
        v = get(s)
        g = s.ctx.code_group(group, s.date)
        return isinstance(v, list) and bool(v) and bool(g) and all(c in g for c in v)
    return f


def _op_eq_field(get, arg):
    other = resolve_path(str(arg))

    def f(s):
        a, b = get(s), other(s)
        return a is not ABSENT and b is not ABSENT and a is not None and b is not None and a == b
    return f


def _op_ne_field(get, arg):
    other = resolve_path(str(arg))

    def f(s):
        a, b = get(s), other(s)
        return a is not ABSENT and b is not ABSENT and a is not None and b is not None and a != b
    return f


def _cmp(fn):
    def make(get, arg):
        return lambda s: (n := _num(get(s))) is not None and fn(n, arg)
    return make


def _date_op(after: bool):
    def make(get, arg):
        from desktop.domain.jalali import parse_date
        limit = parse_date(str(arg))

        def f(s):
            v = get(s)
            d = getattr(v, "date", v)        # a date-time compares by its date
            if not hasattr(d, "ordinal"):
                return False
            return d >= limit if after else d < limit
        return f
    return make


def _op_contains_any(get, arg):
    words = [str(w).casefold() for w in arg]

    def f(s):
        v = get(s)
        if not isinstance(v, str):
            return False
        t = v.casefold()
        return any(w in t for w in words)
    return f


OPERATORS: dict[str, Callable] = {
    "eq": _op_eq, "ne": _op_ne, "in": _op_in, "not_in": _op_not_in,
    "is_null": _flag(None), "is_true": _flag(True), "is_false": _flag(False),
    "missing": _op_missing, "absent": _op_absent, "present": _op_present, "is_object": _op_is_object,
    "has": _op_has, "lacks": _op_lacks, "in_group": _op_in_group, "in_param": _op_in_param,
    "not_in_group": _op_not_in_group, "not_in_param": _op_not_in_param,
    "any_in_group": _op_any_in_group, "all_in_group": _op_all_in_group,
    "eq_field": _op_eq_field, "ne_field": _op_ne_field,
    "gt": _cmp(lambda a, b: a > b), "ge": _cmp(lambda a, b: a >= b),
    "lt": _cmp(lambda a, b: a < b), "le": _cmp(lambda a, b: a <= b),
    "contains_any": _op_contains_any,
    "on_or_after": _date_op(True), "before": _date_op(False),
}


def _all(subs):
    """Conjunction, unrolled for the short lists rule packs use (generator + all() costs more than the test)."""
    if not subs:
        return lambda s: True
    if len(subs) == 1:
        return subs[0]
    if len(subs) == 2:
        a, b = subs
        return lambda s: a(s) and b(s)
    if len(subs) == 3:
        a, b, c = subs
        return lambda s: a(s) and b(s) and c(s)

    def f(s):
        for g in subs:
            if not g(s):
                return False
        return True
    return f


def _any(subs):
    if not subs:
        return lambda s: False
    if len(subs) == 1:
        return subs[0]
    if len(subs) == 2:
        a, b = subs
        return lambda s: a(s) or b(s)
    if len(subs) == 3:
        a, b, c = subs
        return lambda s: a(s) or b(s) or c(s)

    def f(s):
        for g in subs:
            if g(s):
                return True
        return False
    return f


def compile_condition(spec) -> Callable[[Scope], bool]:
    """Compile a condition tree (YAML data) into a predicate over a scope; ConditionError if malformed.

    The tree becomes one generated Python function (`_generate`): the same tests as the closures of OPERATORS,
    without a call per node (conditions are most of the engine's work).  `compile_closures` builds the closures."""
    check = compile_closures(spec)          # validates the tree (ConditionError) and is the reference semantics
    try:
        ns: dict = {"ABSENT": ABSENT, "is_missing": is_missing, "_step": _step, "_walk": _walk}
        expr = _generate(spec, ns, [0])
        return eval(f"lambda s: {expr}", ns)     # noqa: S307 - source generated from validated rule data
    except (SyntaxError, RecursionError, MemoryError):
        return check


def compile_closures(spec) -> Callable[[Scope], bool]:
    """A condition tree as nested closures (one per node); ConditionError if malformed."""
    if spec is None or spec is True:
        return lambda s: True
    if not isinstance(spec, dict):
        raise ConditionError(f"a condition is a mapping, got {spec!r}")
    if "all" in spec or "any" in spec:
        key = "all" if "all" in spec else "any"
        if len(spec) != 1:
            raise ConditionError(f"`{key}` stands alone in its mapping: {spec!r}")
        subs = [compile_closures(x) for x in spec[key]]
        return _all(subs) if key == "all" else _any(subs)
    if "not" in spec:
        if len(spec) != 1:
            raise ConditionError(f"`not` stands alone in its mapping: {spec!r}")
        sub = compile_closures(spec["not"])
        return lambda s: not sub(s)
    return _leaf(spec)


def _const(ns: dict, value, n: list) -> str:
    n[0] += 1
    name = f"_k{n[0]}"
    ns[name] = value
    return name


def _path_expr(path: str, ns: dict, n: list) -> str:
    """Source of the reader of `path` (what resolve_path's closure returns)."""
    if path.startswith("$"):
        return f"s.fact({path[1:]!r})"
    parts = [_attr(p) for p in path.split(".")]
    head, rest = parts[0], parts[1:]

    def chain(base: str, attrs: list) -> str:
        if len(attrs) <= 2 and all(a.isidentifier() for a in attrs):
            e = base
            for a in attrs:
                e = _step_expr(e, a, n)
            return e
        return f"_walk({base}, {_const(ns, list(attrs), n)})"

    if head == "item":
        return f"({chain('s.item', rest)} if s.item is not None else ABSENT)"
    if head == "batch":
        return f"_walk(s.batch, {_const(ns, list(rest), n)})"
    if head == "provider":
        return f"_walk(s.batch.provider, {_const(ns, list(rest), n)})"
    return chain("s.doc", parts)


def _step_expr(e: str, a: str, n: list) -> str:
    """Source of `_step(e, a)` without the call (a condition reads ~40 attributes a document)."""
    n[0] += 1
    x = f"_s{n[0]}"
    return (f"({x} if ({x} := {e}) is ABSENT or {x} is None else "
            f"({x}.get({a!r}, ABSENT) if {x}.__class__ is dict else getattr({x}, {a!r}, ABSENT)))")


def _generate(spec, ns: dict, n: list) -> str:
    """Python source (an expression over `s`) of a validated condition tree."""
    if spec is None or spec is True:
        return "True"
    if "all" in spec or "any" in spec:
        key = "all" if "all" in spec else "any"
        subs = [_generate(x, ns, n) for x in spec[key]]
        if not subs:
            return "True" if key == "all" else "False"
        return "(" + (" and " if key == "all" else " or ").join(subs) + ")"
    if "not" in spec:
        return f"(not {_generate(spec['not'], ns, n)})"
    field = str(spec["field"])
    op = next(k for k in spec if k != "field")
    arg = spec[op]
    if op in _INLINE:
        n[0] += 1
        v = f"_v{n[0]}"
        return _INLINE[op](v, _path_expr(field, ns, n), arg, ns, n)
    # the other operators: their closure, called from the generated code
    return f"{_const(ns, _leaf(spec), n)}(s)"


_INLINE = {
    "eq": lambda v, p, a, ns, n: f"(({v} := {p}) is not ABSENT and {v} == {_const(ns, a, n)})",
    "ne": lambda v, p, a, ns, n: f"(({v} := {p}) is not ABSENT and {v} is not None and {v} != {_const(ns, a, n)})",
    "in": lambda v, p, a, ns, n: (f"(({v} := {p}) is not ABSENT and {v} is not None and not isinstance({v}, list) "
                                  f"and {v} in {_const(ns, frozenset(a), n)})"),
    "not_in": lambda v, p, a, ns, n: (f"(({v} := {p}) is not ABSENT and {v} is not None "
                                      f"and {v} not in {_const(ns, frozenset(a), n)})"),
    "is_null": lambda v, p, a, ns, n: f"(({p} is None) == {bool(a)})",
    "is_true": lambda v, p, a, ns, n: f"(({p} is True) == {bool(a)})",
    "is_false": lambda v, p, a, ns, n: f"(({p} is False) == {bool(a)})",
    "missing": lambda v, p, a, ns, n: f"(is_missing({p}) == {bool(a)})",
    "absent": lambda v, p, a, ns, n: f"(({p} is ABSENT) == {bool(a)})",
    "present": lambda v, p, a, ns, n: f"((({v} := {p}) is not ABSENT and not is_missing({v})) == {bool(a)})",
}


# ---------------------------------------------------------------------------------------------------- guards
# A guard is a necessary condition computed once per rule: "at least one of these attributes is present (not
# ABSENT)". Most documents carry few of the optional facts, so most rules can be skipped without evaluating them.

_ABSENT_FALSE = {"eq", "ne", "in", "not_in", "has", "lacks", "in_group", "in_param", "not_in_group", "not_in_param",
                 "any_in_group", "all_in_group", "eq_field", "ne_field", "gt", "ge", "lt", "le", "contains_any",
                 "on_or_after", "before"}
_ABSENT_FALSE_IF_TRUE = {"is_null", "is_true", "is_false", "missing", "present", "is_object"}


def _root(path: str):
    if path.startswith("$"):
        return None
    parts = [_attr(p) for p in path.split(".")]
    if parts[0] == "item":
        return ("item", tuple(parts[1:])) if len(parts) > 1 else None
    if parts[0] in ("batch", "provider"):
        return None
    return ("doc", tuple(parts))


def guard(spec):
    """frozenset of ('doc'|'item', attribute path) of which one must be present for `spec` to hold, or None."""
    if not isinstance(spec, dict):
        return None
    if "all" in spec:
        gs = [g for g in (guard(x) for x in spec["all"]) if g]
        # the deepest paths are the rarest facts: prefer them
        return max(gs, key=lambda g: (min(len(p) for _, p in g), -len(g))) if gs else None
    if "any" in spec:
        gs = [guard(x) for x in spec["any"]]
        if not gs or any(g is None for g in gs):
            return None
        return frozenset().union(*gs)
    if "not" in spec or "field" not in spec:
        return None
    ops = [k for k in spec if k != "field"]
    if len(ops) != 1:
        return None
    op, arg = ops[0], spec[ops[0]]
    if op in _ABSENT_FALSE or (op in _ABSENT_FALSE_IF_TRUE and arg is True):
        r = _root(str(spec["field"]))
        return frozenset([r]) if r else None
    return None


def fields_of(spec) -> list[str]:
    """Every field path a condition reads, in order (for the finding's data: what triggered it)."""
    out: list[str] = []

    def walk(x):
        if isinstance(x, dict):
            if "field" in x:
                out.append(str(x["field"]))
                for k, v in x.items():
                    if k in ("eq_field", "ne_field"):
                        out.append(str(v))
            for k in ("all", "any"):
                for y in x.get(k, ()):
                    walk(y)
            if "not" in x:
                walk(x["not"])
    walk(spec)
    seen, res = set(), []
    for p in out:
        if p not in seen:
            seen.add(p)
            res.append(p)
    return res
