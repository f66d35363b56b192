"""Specialised builders per table, generated from the schema at import time.

For every table of desktop.domain.schema two functions are generated as straight-line Python and compiled once:

* `b_<table>(d, p, P)` (validating): reads the JSON object `d`, checks every value, rewrites non-canonical values
  in `d` in place (so `d` becomes the normalised form), appends `((path chain), Bad)` to `P` for every bad value,
  and returns the model object.  `p` is the path chain of `d`: `(parent chain, key or index)`, None at the root;
  it is turned into a `$.a.b[0]` string only when a problem is reported.
* `t_<table>(d)` (trusted): the same object from an already-normalised dict (read back from the store), no checks.

Fields the interchange defines (`§1`) are read with one `d.get` each; the many optional fields added by
rule-inputs.md (and every field of `details`) are found by walking the keys the object actually has, since a
typical object carries few of them.  Unknown keys land in `extra_`.  The common canonical values (an ASCII string,
a non-negative int, a cached date, a known enum value) are accepted inline; everything else goes through
`values.check`, which alone decides validity.

`python -m desktop.intake.codegen [--trusted]` prints the generated source.
"""
from __future__ import annotations

import sys

from desktop.domain import model as _model
from desktop.domain.absent import ABSENT
from desktop.domain.schema import TABLES
from desktop.intake import values as _v
from desktop.intake.messages import Bad, type_bad

__all__ = ["SPECS", "source", "VALIDATING", "TRUSTED", "fname"]

SPECS: dict[str, dict[str, _v.Spec]] = {
    name: {key: _v.Spec(name, f) for key, f in t["fields"].items()} for name, t in TABLES.items()}

IDENTITY_TYPES = {"string", "slug", "text", "code", "enum", "int", "number", "rials", "bool"}
CACHED = {"date": "DATES", "datetime": "DATETIMES", "month": "MONTHS", "time": "TIMES"}
TRUSTED_PARSE = {"date": "TD", "datetime": "TDT", "month": "TM", "time": "TT"}


def fname(table: str) -> str:
    return table.replace(".", "__")


def is_dense(table: str, spec: _v.Spec) -> bool:
    return table != "details" and spec.src.startswith("§1")


class _Gen:
    def __init__(self, trusted: bool):
        self.trusted = trusted
        self.lines: list[str] = []
        self.consts: dict[str, object] = {}
        self.spec_names: dict[int, str] = {}

    def const(self, prefix: str, value) -> str:
        key = id(value)
        name = self.spec_names.get(key)
        if name is None:
            name = f"{prefix}_{len(self.consts)}"
            self.consts[name] = value
            self.spec_names[key] = name
        return name

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
            return f"{var}.__class__ is str and {var} in {self.const('E', spec.enum)}"
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
        F = self.const("F", spec)
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
        F = self.const("F", spec)
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
            self.emit(ind + 1, f"o.{attr} = {'x' if t in CACHED else 'v'}")
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
        F = self.const("F", spec)
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
        specs = SPECS[name]
        cls = self.const("C", _model.TABLE_CLASSES[name])
        dense = [s for s in specs.values() if is_dense(name, s)]
        rare = [s for s in specs.values() if not is_dense(name, s)]
        for s in specs.values():
            if (s.required or s.empty_when_absent) and s in rare:
                raise AssertionError(f"{name}.{s.key}: a required field must be read directly")
        f = fname(name)
        dense_keys = self.const("K", frozenset(s.key for s in dense))
        rare_map = f"RARE_{f}"
        # rare-field handlers
        handlers = {}
        for s in rare:
            h = f"h_{f}__{s.key}"
            handlers[s.key] = h
            if self.trusted:
                self.emit(0, f"def {h}(o, v):")
                self.trusted_value(1, s)
            else:
                self.emit(0, f"def {h}(o, d, k, v, p, P):")
                self.value(1, s)
            self.emit(0, "")
        self.consts[rare_map] = None   # filled after exec
        self.rare_maps[rare_map] = handlers
        # the builder
        if self.trusted:
            self.emit(0, f"def t_{f}(d):")
        else:
            self.emit(0, f"def b_{f}(d, p, P):")
        self.emit(1, f"o = NEW({cls})")
        if dense:
            self.emit(1, "g = d.get")
        for s in dense:
            self.emit(1, f"v = g({s.key!r})")
            if self.trusted:
                self.trusted_value(1, s, dense=True)
            else:
                self.value(1, s, dense=True)
        for s in rare:
            self.emit(1, f"o.{s.attr} = A")
        self.emit(1, f"if not d.keys() <= {dense_keys}:")
        self.emit(2, "ex = {}")
        self.emit(2, "for k, v in d.items():")
        self.emit(3, f"if k in {dense_keys}:")
        self.emit(4, "continue")
        self.emit(3, f"h = {rare_map}.get(k)")
        self.emit(3, "if h is None:")
        self.emit(4, "ex[k] = v")
        self.emit(3, "else:")
        self.emit(4, "h(o, v)" if self.trusted else "h(o, d, k, v, p, P)")
        self.emit(2, "o.extra_ = ex")
        self.emit(1, "else:")
        self.emit(2, "o.extra_ = {}")
        self.emit(1, "return o")
        self.emit(0, "")
        self.emit(0, "")

    def run(self) -> str:
        self.rare_maps: dict[str, dict[str, str]] = {}
        for name in TABLES:
            self.table(name)
        return "\n".join(self.lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# helpers the generated code calls

def _bad_element(spec, e, pk, i, P):
    P.append(((pk, i), _v.check_element(spec, e) if e is None else type_bad("object", e)))
    return None


def build_map(spec: _v.Spec, v: dict, pk, P) -> dict:
    """A `map` field: keys and values checked by their types; non-canonical keys/values rewritten in `v`."""
    out, js, changed = {}, {}, False
    kspec, vspec = spec.map_key, spec.map_value
    for key, val in v.items():
        rk = _v.check_scalar(kspec, key, nullable=False)
        if rk.__class__ is Bad:
            P.append(((pk, key), rk))
            continue
        if vspec.list:
            if val is None:
                mv = jv = None
            elif val.__class__ is not list:
                P.append(((pk, key), type_bad("list", val)))
                continue
            else:
                mv, jv = [], []
                for i, e in enumerate(val):
                    r = _v.check_element(vspec, e)
                    if r.__class__ is Bad:
                        P.append((((pk, key), i), r))
                    else:
                        mv.append(r[0])
                        jv.append(r[1])
        else:
            r = _v.check_scalar(vspec, val)
            if r.__class__ is Bad:
                P.append(((pk, key), r))
                continue
            mv, jv = r
        out[rk[0]] = mv
        js[rk[1]] = jv
        if rk[1] != key or jv != val:
            changed = True
    if changed:
        v.clear()
        v.update(js)
    return out


_TRUSTED_SCALAR = {"date": _v.trusted_date, "datetime": _v.trusted_datetime, "month": _v.trusted_month,
                   "time": _v.trusted_time}


def trusted_map(spec: _v.Spec, v: dict) -> dict:
    kconv = _TRUSTED_SCALAR.get(spec.map_key.type)
    vconv = _TRUSTED_SCALAR.get(spec.map_value.type)
    out = {}
    for key, val in v.items():
        k = kconv(key) if kconv else key
        if val is None:
            out[k] = None
        elif spec.map_value.list:
            out[k] = [vconv(e) for e in val] if vconv else list(val)
        else:
            out[k] = vconv(val) if vconv else val
    return out


MISSING = Bad("missing", "this required key is missing", "این کلید الزامی در پرونده نیست")


def _namespace() -> dict:
    return {
        "A": ABSENT, "Bad": Bad, "NEW": object.__new__, "S": _v.check, "SE": _v.check_element,
        "BADEL": _bad_element, "MAP": build_map, "TMAP": trusted_map, "MISSING": MISSING,
        "DATES": _v.DATES, "DATETIMES": _v.DATETIMES, "MONTHS": _v.MONTHS, "TIMES": _v.TIMES,
        "NIDS": _v.NATIONAL_IDS, "NID_FAST": _v.nid_fast, "CODES": _v.CODES, "FMAX": _v.FLOAT_MAX,
        "TD": _v.trusted_date, "TDT": _v.trusted_datetime, "TM": _v.trusted_month, "TT": _v.trusted_time,
    }


def _compile(trusted: bool):
    gen = _Gen(trusted)
    src = gen.run()
    ns = _namespace()
    ns.update(gen.consts)
    code = compile(src, f"<desktop.intake generated {'trusted' if trusted else 'validating'} builders>", "exec")
    exec(code, ns)
    for rare_map, handlers in gen.rare_maps.items():
        ns[rare_map] = {key: ns[h] for key, h in handlers.items()}
    return src, ns


_VALIDATING_SRC, VALIDATING = _compile(trusted=False)
_TRUSTED_SRC, TRUSTED = _compile(trusted=True)


def source(trusted: bool = False) -> str:
    """The generated source (for reading and debugging)."""
    return _TRUSTED_SRC if trusted else _VALIDATING_SRC


if __name__ == "__main__":
    sys.stdout.write(source(trusted="--trusted" in sys.argv))
