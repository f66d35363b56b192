"""Domain objects back to their normalised JSON form (the inverse of the builders)."""
from __future__ import annotations

from desktop.domain.absent import ABSENT
from desktop.domain.jalali import JDate, JDateTime, JMonth
from desktop.domain.model import ClaimBatch, Record
from desktop.intake.runtime import SPECS

__all__ = ["to_dict", "batch_to_dict"]


def _scalar(spec_type: str, v):
    if v is None:
        return None
    if spec_type == "time":
        return f"{v // 60:02d}:{v % 60:02d}"
    if isinstance(v, (JDate, JDateTime, JMonth)):
        return str(v)
    return v


def _value(spec, v):
    if v is None:
        return None
    if spec.list:
        return [to_dict(e) if isinstance(e, Record) else _scalar(spec.type, e) for e in v]
    if isinstance(v, Record):
        return to_dict(v)
    if spec.type == "map":
        kt, vs = spec.map_key.type, spec.map_value
        return {_scalar(kt, k): (None if x is None else
                                 [_scalar(vs.type, e) for e in x] if vs.list else _scalar(vs.type, x))
                for k, x in v.items()}
    return _scalar(spec.type, v)


def to_dict(obj: Record) -> dict:
    """A model object → its normalised JSON dict: the keys the file gave (absent stays absent), then extra_."""
    specs = SPECS[obj._table]
    out = {}
    for spec in specs.values():
        v = getattr(obj, spec.attr)
        if v is ABSENT:
            continue
        out[spec.key] = _value(spec, v)
    out.update(obj.extra_)
    return out


def batch_to_dict(batch: ClaimBatch) -> dict:
    """A ClaimBatch → claim-batch/1 JSON (normalised form)."""
    return to_dict(batch)
