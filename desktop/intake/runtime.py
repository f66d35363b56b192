"""What the generated builders (_validating.py, _trusted.py) use: the field specs, the value checks and caches,
and the helpers for `map` fields and bad list elements.  See codegen.py."""
from __future__ import annotations

from desktop.domain import model
from desktop.domain.absent import ABSENT as A
from desktop.domain.schema import TABLES
from desktop.intake import values as _v
from desktop.intake.messages import Bad, type_bad

__all__ = ["A", "Bad", "NEW", "S", "SE", "BADEL", "MAP", "TMAP", "MISSING", "DATES", "DATETIMES", "MONTHS",
           "TIMES", "NIDS", "NID_FAST", "CODES", "FMAX", "TD", "TDT", "TM", "TT", "SPECS", "model", "NOEX", "IN",
           "STRINGS"]

#: table → key → Spec, in schema order
SPECS: dict[str, dict[str, _v.Spec]] = {
    name: {key: _v.Spec(name, f) for key, f in t["fields"].items()} for name, t in TABLES.items()}

NEW = object.__new__
S = _v.check
SE = _v.check_element
DATES, DATETIMES, MONTHS, TIMES = _v.DATES, _v.DATETIMES, _v.MONTHS, _v.TIMES
NIDS, NID_FAST, CODES, FMAX = _v.NATIONAL_IDS, _v.nid_fast, _v.CODES, _v.FLOAT_MAX
TD, TDT, TM, TT = _v.trusted_date, _v.trusted_datetime, _v.trusted_month, _v.trusted_time

MISSING = Bad("missing", "this required key is missing", "این کلید الزامی در پرونده نیست")


def _no_extra():
    return NOEX


class _NoExtra(dict):
    """The `extra_` of every model object without unknown keys: one shared empty dict, read-only (a batch of
    100,000 prescriptions has ~700,000 model objects; an empty dict each held ~55 MB).  A dict for every reader;
    whoever would add keys assigns a dict of its own."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("this extra_ is the shared empty one and read-only: assign a new dict instead")

    __setitem__ = __delitem__ = __ior__ = setdefault = update = pop = popitem = clear = _refuse

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return _no_extra, ()

    def __repr__(self):
        return "{}"


NOEX = _NoExtra()

#: The strings of the file being read: while desktop.intake.reader checks a file, the validating builders'
#: IN(s, s) is STRINGS.setdefault(s, s), which gives the first equal string met (the names, codes, enum values of
#: 100,000 documents repeat: the model holds one copy of each, ~90 MB less); afterwards STRINGS is emptied and IN
#: gives its argument back, so that nothing outlives the model that uses it (a builder called on its own shares
#: nothing).
STRINGS: dict[str, str] = {}


def IN(s: str, _same: str) -> str:
    return s


def BADEL(spec, e, pk, i, P):
    """A list element that should be an object and is not: record the problem, yield None."""
    P.append(((pk, i), _v.check_element(spec, e) if e is None else type_bad("object", e)))
    return None


def MAP(spec: _v.Spec, v: dict, pk, P) -> dict:
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


_TRUSTED_SCALAR = {"date": TD, "datetime": TDT, "month": TM, "time": TT}


def TMAP(spec: _v.Spec, v: dict) -> dict:
    """A normalised `map` field → its model dict."""
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
