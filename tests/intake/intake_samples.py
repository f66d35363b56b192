"""Sample claim-batch/1 documents for the intake tests.

`rich_batch()` sets every field of the schema (desktop.domain.schema) to a valid value, so a test can mutate any
one of them; `leaves(doc)` lists the places of its scalar values with the schema spec of each.
"""
from __future__ import annotations

import copy

from desktop.domain.schema import TABLES

VALID_NID = "0012345679"          # 0·10+0·9+1·8+2·7+3·6+4·5+5·4+6·3+7·2 = 134, 134 % 11 = 2 → 11 − 2 = 9
OTHER_NID = "0499370899"          # the worked examples' insured

SAMPLE = {"string": "S-1", "text": "متن نمونه", "slug": "sample_slug", "code": "700920", "int": 2,
          "number": 4.5, "bool": True, "rials": 1500000, "date": "1404/07/05", "datetime": "1404/07/05 10:30",
          "month": "1404/07", "time": "08:30"}

MAP_SAMPLES = {"batch.efile_submitted_on": {"1404/07": "1404/08/05"},
               "provider.accreditation.wards": {"icu": "2"},
               "details.modalities_by_region": {"knee": ["TENS", "hot_pack"]}}


def sample_value(table: str, f: dict):
    t = f["type"]
    if t == "ref":
        return table_doc(f["ref"])
    if t == "object":
        return table_doc(f["object"])
    if t == "map":
        return copy.deepcopy(MAP_SAMPLES[f["path"]])
    if t == "enum":
        if f.get("pattern") and f["key"] == "equipment":
            return "msct_16"
        return f["enum"][-1]
    if f.get("check") == "national_id":
        return VALID_NID
    if f["path"] == "claim_batch.format":
        return "claim-batch/1"
    return SAMPLE[t]


def table_doc(table: str) -> dict:
    out = {}
    for key, f in TABLES[table]["fields"].items():
        v = sample_value(table, f)
        out[key] = [v] if f["list"] else v
    return out


def rich_batch() -> dict:
    """A claim-batch/1 document with every field of the schema set (one element per list)."""
    doc = table_doc("claim_batch")
    doc["format"] = "claim-batch/1"
    doc["batch"]["period"] = "1404/07"
    return doc


def minimal_batch(**batch) -> dict:
    header = {"id": "PRV-1/1404-07/rural", "period": "1404/07", "fund": "rural", "submitted_on": "1404/08/12",
              "provider": {"code": "PRV-1", "name": "مرکز نمونه", "kind": "radiology", "sector": "private"}}
    header.update(batch)
    return {"format": "claim-batch/1", "batch": header}


def prescription(seq: int = 1, **kw) -> dict:
    rx = {"seq": seq,
          "insured": {"national_id": VALID_NID, "name": "زهرا احمدی", "sex": "F", "birth_date": "1360/05/01",
                      "fund": "rural"},
          "prescriber": {"council_no": "98765", "specialty": "orthopedics", "role": "physician"},
          "prescribed_on": "1404/07/02", "served_on": "1404/07/05", "diagnosis": "درد زانو",
          "items": [{"line": 1, "code": "700920", "qty": 1,
                     "requested": {"total": 18500000, "insured": 5550000, "org": 12950000}, "details": {}}]}
    rx.update(kw)
    return rx


def leaves(doc, table: str = "claim_batch", path: str = "$"):
    """(json path, container, key, spec dict, in_list) for every scalar value (and every list/object field
    itself) of a document built from the schema."""
    out = []
    fields = TABLES[table]["fields"]
    for key, value in doc.items():
        f = fields.get(key)
        if f is None:
            continue
        p = f"{path}.{key}"
        out.append((p, doc, key, f, False))
        if f["type"] in ("ref", "object"):
            target = f["ref"] or f["object"]
            if f["list"]:
                for i, e in enumerate(value):
                    out.extend(leaves(e, target, f"{p}[{i}]"))
            elif isinstance(value, dict):
                out.extend(leaves(value, target, p))
        elif f["list"] and isinstance(value, list):
            for i in range(len(value)):
                out.append((f"{p}[{i}]", value, i, f, True))
    return out
