"""Specialised builders per table, generated from the schema: desktop/intake/_validating.py and _trusted.py.

For every table of desktop.domain.schema two functions are generated as straight-line Python:

* `b_<table>(d, p, P)` (validating, in _validating.py): reads the JSON object `d`, checks every value, rewrites
  non-canonical values in `d` in place (so `d` becomes the normalised form), appends `((path chain), Bad)` to `P`
  for every bad value, and returns the model object.  `p` is the path chain of `d`: `(parent chain, key or
  index)`, None at the root; it is turned into a `$.a.b[0]` string only when a problem is reported.
* `t_<table>(d)` (trusted, in _trusted.py): the same object from an already-normalised dict (read back from the
  store), no checks.

Fields the interchange defines (`§1`) are read with one `d.get` each; the many optional fields added by
rule-inputs.md (and every field of `details`) are found by walking the keys the object actually has, since a
typical object carries few of them.  Unknown keys land in `extra_` (without any: the shared read-only
`runtime.NOEX`).  The common canonical values (an ASCII string, a non-negative int, a cached date, a known enum
value) are accepted inline, the strings shared through `runtime.IN`; everything else goes through `values.check`,
which alone decides what is valid.

The generated modules are committed (readable tracebacks, byte-compiled once).  Regenerate after the schema
changes (tools/gen_model.py does it too):

    python -m desktop.intake.codegen            # write both modules
    python -m desktop.intake.codegen --check    # exit 1 if a committed module is stale
"""
from __future__ import annotations

import sys
from pathlib import Path

from desktop.domain import model as _model
from desktop.domain.schema import TABLES
from desktop.intake import values as _v
from desktop.intake.runtime import SPECS

__all__ = ["SPECS", "fname", "render", "builder", "MODULES"]

HERE = Path(__file__).resolve().parent
MODULES = {False: HERE / "_validating.py", True: HERE / "_trusted.py"}

CACHED = {"date": "DATES", "datetime": "DATETIMES", "month": "MONTHS", "time": "TIMES"}
TRUSTED_PARSE = {"date": "TD", "datetime": "TDT", "month": "TM", "time": "TT"}
#: string types whose valid values the validating builders share through runtime.IN (one copy of each value)
INTERNED = ("string", "slug", "text", "code", "enum")


def fname(table: str) -> str:
    return table.replace(".", "__")


def is_dense(table: str, spec: _v.Spec) -> bool:
    return table != "details" and spec.src.startswith("§1")


class _Gen:
    def __init__(self, trusted: bool):
        self.trusted = trusted
        self.lines: list[str] = []
        self.consts: dict[str, str] = {}      # name → defining expression
        self.names: dict[str, str] = {}       # defining expression → name

    def const(self, prefix: str, expr: str) -> str:
        name = self.names.get(expr)
        if name is None:
            name = f"{prefix}_{len(self.consts)}"
            self.consts[name] = expr
            self.names[expr] = name
        return name

    @staticmethod
    def spec_expr(spec: _v.Spec) -> str:
        return f"SPECS[{spec.table!r}][{spec.key!r}]"

    def emit(self, indent: int, text: str):
        self.lines.append("    " * indent + text)

    # -- validating ------------------------------------------------------------------------------------------

    def fast_cond(self, spec: _v.Spec, var: str) -> str | None:
        """An expression true when `var` is already valid and canonical (model value = `var`, or `x` for
        the cached types); None when there is no inline test."""
        t = spec.type
        if t in ("string", "slug"):
            if spec.check == "national_id":
                return f"{var}.__class__ is str and ({var} in NIDS or NID_FAST({var}))"
            return f"{var}.__class__ is str and {var}.isascii()"
        if t == "text":
            return f"{var}.__class__ is str and 'ي' not in {var} and 'ك' not in {var}"
        if t == "code":
            return f"{var}.__class__ is str and {var} in CODES"
        if t == "enum":
            return f"{var}.__class__ is str and {var} in {self.const('E', self.spec_expr(spec) + '.enum')}"
        if t in ("int", "rials"):
            return f"{var}.__class__ is int and {var} >= 0"
        if t == "number":
            return f"({var}.__class__ is int or {var}.__class__ is float) and 0 <= {var} <= FMAX"
        if t == "bool":
            return f"{var} is True or {var} is False"
        if t in CACHED:
            return f"{var}.__class__ is str and (x := {CACHED[t]}.get({var})) is not None"
        return None

    def slow(self, ind: int, spec: _v.Spec, key: str, attr: str):
        F = self.const("F", self.spec_expr(spec))
        self.emit(ind, f"r = S({F}, v)")
        self.emit(ind, "if r.__class__ is Bad:")
        self.emit(ind + 1, f"P.append(((p, {key!r}), r))")
        self.emit(ind + 1, f"o.{attr} = None")
        self.emit(ind, "else:")
        self.emit(ind + 1, f"o.{attr} = r[0]")
        self.emit(ind + 1, "if r[1] is not v:")
        self.emit(ind + 2, f"d[{key!r}] = r[1]")

    def value(self, ind: int, spec: _v.Spec, dense: bool = False):
        """Lines that check `v` and set `o.<attr>`.  In a rare-field handler `v` is present; for a dense field
        `v` is `d.get(key)`, so a None is told apart from an absent key here."""
        key, attr, t = spec.key, spec.attr, spec.type
        F = self.const("F", self.spec_expr(spec))
        if spec.list:
            self.emit(ind, "if v.__class__ is list:")
            if t in ("ref", "object"):
                target = spec.ref if t == "ref" else spec.object
                self.emit(ind + 1, f"pk = (p, {key!r})")
                self.emit(ind + 1, f"o.{attr} = [b_{fname(target)}(e, (pk, i), P) if e.__class__ is dict "
                                   f"else BADEL({F}, e, pk, i, P) for i, e in enumerate(v)]")
            elif t in CACHED:
                cond = self.fast_cond(spec, "e")
                self.emit(ind + 1, "xs = []")
                self.emit(ind + 1, "for i, e in enumerate(v):")
                self.emit(ind + 2, f"if {cond}:")
                self.emit(ind + 3, "xs.append(x)")
                self.emit(ind + 2, "else:")
                self.emit(ind + 3, f"r = SE({F}, e)")
                self.emit(ind + 3, "if r.__class__ is Bad:")
                self.emit(ind + 4, f"P.append((((p, {key!r}), i), r))")
                self.emit(ind + 4, "xs.append(None)")
                self.emit(ind + 3, "else:")
                self.emit(ind + 4, "xs.append(r[0])")
                self.emit(ind + 4, "if r[1] is not e:")
                self.emit(ind + 5, "v[i] = r[1]")
                self.emit(ind + 1, f"o.{attr} = xs")
            else:
                cond = self.fast_cond(spec, "e")
                self.emit(ind + 1, "for i, e in enumerate(v):")
                self.emit(ind + 2, f"if not ({cond}):")
                self.emit(ind + 3, f"r = SE({F}, e)")
                self.emit(ind + 3, "if r.__class__ is Bad:")
                self.emit(ind + 4, f"P.append((((p, {key!r}), i), r))")
                self.emit(ind + 3, "elif r[1] is not e:")
                self.emit(ind + 4, "v[i] = r[1]")
                self.emit(ind + 1, f"o.{attr} = v[:]")
        elif t in ("ref", "object"):
            target = spec.ref if t == "ref" else spec.object
            self.emit(ind, "if v.__class__ is dict:")
            self.emit(ind + 1, f"o.{attr} = b_{fname(target)}(v, (p, {key!r}), P)")
        elif t == "map":
            self.emit(ind, "if v.__class__ is dict:")
            self.emit(ind + 1, f"o.{attr} = MAP({F}, v, (p, {key!r}), P)")
        else:
            cond = self.fast_cond(spec, "v")
            self.emit(ind, f"if {cond}:")
            self.emit(ind + 1, f"o.{attr} = {'x' if t in CACHED else 'IN(v, v)' if t in INTERNED else 'v'}")
        if dense:
            self.emit(ind, "elif v is None:")
            self.emit(ind + 1, f"if {key!r} not in d:")
            self.absent(ind + 2, spec)
            if spec.nullable:
                self.emit(ind + 1, "else:")
                self.emit(ind + 2, f"o.{attr} = None")
            else:
                self.emit(ind + 1, "else:")
                self.slow(ind + 2, spec, key, attr)
        elif spec.nullable:
            self.emit(ind, "elif v is None:")
            self.emit(ind + 1, f"o.{attr} = None")
        self.emit(ind, "else:")
        self.slow(ind + 1, spec, key, attr)

    def absent(self, ind: int, spec: _v.Spec):
        if spec.required and not self.trusted:
            self.emit(ind, f"P.append(((p, {spec.key!r}), MISSING))")
        if spec.empty_when_absent:
            self.emit(ind, f"o.{spec.attr} = []")
            self.emit(ind, f"d[{spec.key!r}] = []")      # the normalised form always has the list
        else:
            self.emit(ind, f"o.{spec.attr} = A")

    # -- trusted -----------------------------------------------------------------------------------------------

    def trusted_value(self, ind: int, spec: _v.Spec, dense: bool = False):
        attr, t = spec.attr, spec.type
        F = self.const("F", self.spec_expr(spec))
        if spec.list:
            if t in ("ref", "object"):
                target = spec.ref if t == "ref" else spec.object
                expr = f"[t_{fname(target)}(e) for e in v]"
            elif t in CACHED:
                expr = f"[{CACHED[t]}.get(e) or {TRUSTED_PARSE[t]}(e) for e in v]"
            else:
                expr = "v[:]"
        elif t in ("ref", "object"):
            target = spec.ref if t == "ref" else spec.object
            expr = f"t_{fname(target)}(v)"
        elif t == "map":
            expr = f"TMAP({F}, v)"
        elif t == "time":
            expr = f"{TRUSTED_PARSE[t]}(v)"
        elif t in CACHED:
            expr = f"{CACHED[t]}.get(v) or {TRUSTED_PARSE[t]}(v)"
        else:
            expr = None
        if not dense:
            self.emit(ind, f"o.{attr} = None if v is None else {expr}" if expr else f"o.{attr} = v")
            return
        self.emit(ind, "if v is None:")
        absent = "[]" if spec.empty_when_absent else "A"
        self.emit(ind + 1, f"o.{attr} = None if {spec.key!r} in d else {absent}")
        self.emit(ind, "else:")
        self.emit(ind + 1, f"o.{attr} = {expr or 'v'}")

    # -- tables --------------------------------------------------------------------------------------------------

    def table(self, name: str):
        self.handlers(name)
        f = fname(name)
        if self.trusted:
            self.emit(0, f"def t_{f}(d):")
        else:
            self.emit(0, f"def b_{f}(d, p, P):")
        self.body(1, name)
        self.emit(1, "return o")
        self.emit(0, "")
        self.emit(0, "")

    def split(self, name: str):
        specs = SPECS[name]
        dense = [s for s in specs.values() if is_dense(name, s)]
        rare = [s for s in specs.values() if not is_dense(name, s)]
        for s in specs.values():
            if (s.required or s.empty_when_absent) and s in rare:
                raise AssertionError(f"{name}.{s.key}: a required field must be read directly")
        return dense, rare

    def handlers(self, name: str):
        """The module-level functions of the optional fields, found by walking the object's keys."""
        f = fname(name)
        handlers = {}
        for s in self.split(name)[1]:
            h = f"h_{f}__{s.key}"
            handlers[s.key] = h
            if self.trusted:
                self.emit(0, f"def {h}(o, v):")
                self.trusted_value(1, s)
            else:
                self.emit(0, f"def {h}(o, d, k, v, p, P):")
                self.value(1, s)
            self.emit(0, "")
        self.rare_maps[f"RARE_{f}"] = handlers

    def body(self, ind: int, name: str):
        """Build `o` from `d` (and, validating, the path chain `p` and the problem list `P`)."""
        dense, rare = self.split(name)
        cls = self.const("C", "model." + _model.TABLE_CLASSES[name].__name__)
        dense_keys = self.const("K", "frozenset(" + repr(sorted(s.key for s in dense)) + ")")
        rare_map = f"RARE_{fname(name)}"
        self.emit(ind, f"o = NEW({cls})")
        if dense:
            self.emit(ind, "g = d.get")
        for s in dense:
            self.emit(ind, f"v = g({s.key!r})")
            if self.trusted:
                self.trusted_value(ind, s, dense=True)
            else:
                self.value(ind, s, dense=True)
        for s in rare:
            self.emit(ind, f"o.{s.attr} = A")
        self.emit(ind, f"if not d.keys() <= {dense_keys}:")
        self.emit(ind + 1, "ex = {}")
        self.emit(ind + 1, "for k, v in d.items():")
        self.emit(ind + 2, f"if k in {dense_keys}:")
        self.emit(ind + 3, "continue")
        self.emit(ind + 2, f"h = {rare_map}.get(k)")
        self.emit(ind + 2, "if h is None:")
        self.emit(ind + 3, "ex[k] = v")
        self.emit(ind + 2, "else:")
        self.emit(ind + 3, "h(o, v)" if self.trusted else "h(o, d, k, v, p, P)")
        self.emit(ind + 1, "o.extra_ = ex or NOEX")
        self.emit(ind, "else:")
        self.emit(ind + 1, "o.extra_ = NOEX")

    def run(self) -> str:
        self.rare_maps: dict[str, dict[str, str]] = {}
        for name in TABLES:
            self.table(name)
        return "\n".join(self.lines) + "\n"


HEADER = '''"""GENERATED by desktop/intake/codegen.py from desktop/domain/schema.py -- do not edit; regenerate with
`python -m desktop.intake.codegen` (tools/gen_model.py does it too).

{what}
"""
# flake8: noqa
from desktop.intake.runtime import (A, Bad, NEW, S, SE, BADEL, MAP, TMAP, MISSING, DATES, DATETIMES, MONTHS,
                                    TIMES, NIDS, NID_FAST, CODES, FMAX, TD, TDT, TM, TT, SPECS, model, NOEX, IN)
'''

WHAT = {False: "Validating builders b_<table>(d, p, P): check, normalise `d` in place, build the model object.",
        True: "Trusted builders t_<table>(d): the model object of an already normalised dict, without checks."}


def render(trusted: bool) -> str:
    """The source of the generated module."""
    gen = _Gen(trusted)
    body = gen.run()
    out = [HEADER.format(what=WHAT[trusted])]
    for name, expr in gen.consts.items():
        out.append(f"{name} = {expr}")
    out.append("")
    out.append("")
    out.append(body.rstrip("\n"))
    out.append("")
    out.append("")
    for rare_map, handlers in gen.rare_maps.items():
        if not handlers:
            out.append(f"{rare_map} = {{}}")
            continue
        out.append(f"{rare_map} = {{")
        for key, h in handlers.items():
            out.append(f"    {key!r}: {h},")
        out.append("}")
    out.append("")
    return "\n".join(out)


def builder(table: str, trusted: bool = False):
    """The generated builder function of a table."""
    if trusted:
        from desktop.intake import _trusted as mod
        return getattr(mod, "t_" + fname(table))
    from desktop.intake import _validating as mod
    return getattr(mod, "b_" + fname(table))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    status = 0
    for trusted, path in MODULES.items():
        src = render(trusted)
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == src:
            continue
        if check:
            print(f"{path.name} is stale: run python -m desktop.intake.codegen", file=sys.stderr)
            status = 1
        else:
            path.write_text(src, encoding="utf-8")
            print(f"{path.relative_to(HERE.parent.parent)}: written")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
