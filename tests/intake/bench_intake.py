"""Intake speed on a synthetic batch (not a test; run by hand):

    .venv/bin/python tests/intake/bench_intake.py [N=100000] [REPEAT=5]

Builds a batch of N rich prescriptions (varied national ids and dates), writes it to a temporary file, and
times json.loads of the file's bytes against parse_batch (decode + json.loads + checks + objects) and
build_batch (objects from the normalised dict).  The target: checks + objects ≤ about 1 × json.loads.
"""
from __future__ import annotations

import gc
import json
import sys
import time


def national_id(i: int) -> str:
    body = f"{i % 10**9:09d}"
    s = sum(int(body[k]) * (10 - k) for k in range(9)) % 11
    nid = body + str(s if s < 2 else 11 - s)
    return nid if nid != nid[0] * 10 else national_id(i + 1)


RX = {
    "seq": 1,
    "insured": {"national_id": "0012345679", "name": "زهرا احمدی", "sex": "F", "birth_date": "1360/05/01",
                "insurance_no": "1234567890", "fund": "rural", "referral_required": True, "special_patient": False},
    "prescriber": {"council_no": "98765", "name": "دکتر علی رضایی", "specialty": "orthopedics",
                   "role": "physician", "resident_year": None, "full_time_faculty": False},
    "prescribed_on": "1404/07/02", "served_on": "1404/07/05", "diagnosis": "درد زانوی راست", "sheet": "first",
    "paper": {"signature": "original", "council_stamp": True, "erasure": "none", "handwritings": 1,
              "provider_stamp": True, "director_signed": True, "center_stamp": True, "emergency_stamp": False,
              "admission_stamp": False},
    "referral": {"from_council_no": None, "names_provider": None},
    "tracking_code": None, "approval": None, "attachments": ["report"],
    "items": [
        {"line": 1, "code": "700920", "description": "سنجش تراکم استخوان", "qty": 1,
         "requested": {"total": 18500000, "insured": 5550000, "org": 12950000},
         "details": {"region": "knee", "laterality": "right"}},
        {"line": 2, "code": "700925", "description": "سنجش تراکم استخوان دو ناحیه", "qty": 1,
         "requested": {"total": 18500000, "insured": 5550000, "org": 12950000}, "details": {}},
    ],
}


def make_batch(n: int) -> bytes:
    docs = []
    base = json.dumps(RX, ensure_ascii=False)
    for i in range(n):
        r = json.loads(base)
        r["seq"] = i + 1
        r["insured"]["national_id"] = national_id(7919 * i + 13)
        r["prescribed_on"] = f"1404/07/{i % 28 + 1:02d}"
        r["served_on"] = f"1404/07/{i % 28 + 2:02d}"
        r["items"][0]["code"] = f"{700900 + i % 50}"
        docs.append(r)
    batch = {"format": "claim-batch/1",
             "batch": {"id": "PRV-1/1404-07/rural", "period": "1404/07", "fund": "rural",
                       "submitted_on": "1404/08/10",
                       "provider": {"code": "PRV-1", "name": "مرکز نمونه", "kind": "radiology",
                                    "sector": "private"}},
             "prescriptions": docs, "bills": []}
    return json.dumps(batch, ensure_ascii=False).encode()


def best(f, repeat=3):
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        r = f()
        times.append(time.perf_counter() - t)
        del r
    return min(times)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    from desktop.intake import build_batch, parse_batch
    data = make_batch(n)
    print(f"{n} prescriptions, {len(data) / 1e6:.1f} MB")
    res = parse_batch(data, "bench.json")
    assert res.ok, res.problems[:3]
    normalized = res.normalized
    del res

    def loads_nogc():
        gc.disable()
        try:
            return json.loads(data)
        finally:
            gc.enable()

    def build():
        gc.disable()
        try:
            return build_batch(normalized)
        finally:
            gc.enable()
    # interleaved, best of `repeat`: the machine may be shared
    runs = {"loads": [], "loads_nogc": [], "parse": [], "build": []}
    for _ in range(repeat):
        runs["loads"].append(best(lambda: json.loads(data), 1))
        runs["loads_nogc"].append(best(loads_nogc, 1))
        runs["parse"].append(best(lambda: parse_batch(data, "bench.json"), 1))
        runs["build"].append(best(build, 1))
    t_loads, t_loads_nogc, t_parse, t_build = (min(runs[k]) for k in ("loads", "loads_nogc", "parse", "build"))
    print(f"json.loads (gc on):           {t_loads:6.2f} s")
    print(f"json.loads (gc off):          {t_loads_nogc:6.2f} s")
    print(f"parse_batch (all):            {t_parse:6.2f} s")
    print(f"  of which checks + objects:  {t_parse - t_loads_nogc:6.2f} s "
          f"({(t_parse - t_loads_nogc) / t_loads_nogc:.2f} × json.loads gc off, "
          f"{(t_parse - t_loads_nogc) / t_loads:.2f} × gc on)")
    print(f"build_batch (trusted):        {t_build:6.2f} s")


if __name__ == "__main__":
    main()
