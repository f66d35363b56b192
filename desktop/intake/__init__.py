"""Intake of claim-batch/1 files: decoding, JSON, checks, normalisation, domain objects (or located problems).

    result = load_batch("batch.json")          # or parse_batch(bytes | str | dict, file="name")
    if result.ok:
        result.batch        # desktop.domain.model.ClaimBatch
        result.normalized   # the canonical JSON dict (what the store keeps)
    else:
        result.problems     # [Problem(file, path, message_en, message_fa, code)], every problem of the file

    build_batch(normalized) / build_prescription(d) / build_bill(d): objects from already-normalised dicts.
    batch_to_dict(batch) / to_dict(obj): objects back to normalised JSON.
"""
from desktop.intake.dump import batch_to_dict, to_dict
from desktop.intake.reader import (FORMAT, MAX_PROBLEMS, IntakeResult, build_batch, build_bill,
                                   build_prescription, load_batch, parse_batch)

__all__ = ["IntakeResult", "load_batch", "parse_batch", "build_batch", "build_prescription", "build_bill",
           "batch_to_dict", "to_dict", "FORMAT", "MAX_PROBLEMS"]
