"""Intake of claim-batch/1 files: decoding, JSON, checks, normalisation, domain objects (or located problems).

    result = load_batch("batch.json")          # or parse_batch(bytes | str | dict, file="name")
    if result.ok:
        result.batch        # desktop.domain.model.ClaimBatch
        result.normalized   # the canonical JSON dict (what the store keeps)
    else:
        result.problems     # [Problem(file, path, message_en, message_fa, code)], every problem of the file

    build_batch(normalized) / build_prescription(d) / build_bill(d): objects from already-normalised dicts.
    batch_to_dict(batch) / to_dict(obj): objects back to normalised JSON.

The names are loaded on first use, so that `python -m desktop.intake.codegen` can regenerate the builder modules
even when they are missing or stale.
"""
from __future__ import annotations

__all__ = ["IntakeResult", "load_batch", "parse_batch", "build_batch", "build_prescription", "build_bill",
           "batch_to_dict", "to_dict", "FORMAT", "MAX_PROBLEMS"]

_FROM = {"batch_to_dict": "dump", "to_dict": "dump"}


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module 'desktop.intake' has no attribute {name!r}")
    from importlib import import_module
    value = getattr(import_module("desktop.intake." + _FROM.get(name, "reader")), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
