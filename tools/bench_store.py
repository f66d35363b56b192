#!/usr/bin/env python
"""Benchmark of the store: import a synthetic batch of N prescriptions (~1 KB of JSON each, 1-3 items) and
query the history of every insured in it.

    .venv/bin/python tools/bench_store.py                 # 100,000 documents, SQLite in a temp folder
    .venv/bin/python tools/bench_store.py -n 20000 --db postgresql+psycopg://postgres@127.0.0.1:5432/bench

The target (issue): importing 100,000 prescriptions on SQLite well under 3 s.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.store import Store  # noqa: E402

CODES = ["700920", "701736", "701715", "703120", "805000", "901645", "901646", "T2-36"]


def synthetic_batch(n: int, *, batch_id: str = "BENCH/1404-07", period: str = "1404/07",
                    insured: int | None = None, seed: int = 1) -> dict:
    """A claim-batch/1 dict of n prescriptions for `insured` distinct national ids (default n // 2)."""
    rnd = random.Random(seed)
    insured = insured or max(1, n // 2)
    docs = []
    for seq in range(1, n + 1):
        nid = f"{rnd.randrange(insured):010d}"
        day = rnd.randint(1, 30)
        items = []
        for line in range(1, rnd.randint(1, 3) + 1):
            total = rnd.randrange(1_000_000, 50_000_000, 1000)
            items.append({"line": line, "code": rnd.choice(CODES), "description": "خدمت تصویربرداری نمونه",
                          "qty": rnd.randint(1, 3),
                          "requested": {"total": total, "insured": total * 3 // 10, "org": total - total * 3 // 10},
                          "details": {"laterality": rnd.choice(["left", "right", "both"])}})
        docs.append({
            "seq": seq,
            "insured": {"national_id": nid, "name": "بیمه‌شدهٔ آزمایشی", "sex": rnd.choice("MF"),
                        "birth_date": f"13{rnd.randint(20, 99)}/0{rnd.randint(1, 9)}/1{rnd.randint(0, 9)}",
                        "insurance_no": f"{rnd.randrange(10**9):09d}", "fund": "rural",
                        "referral_required": True, "special_patient": False},
            "prescriber": {"council_no": f"{rnd.randrange(10**5):05d}", "name": "پزشک نمونه",
                           "specialty": "orthopedics", "role": "physician", "resident_year": None,
                           "full_time_faculty": False},
            "prescribed_on": f"{period}/{max(1, day - 2):02d}", "served_on": f"{period}/{day:02d}",
            "diagnosis": "درد زانوی راست", "sheet": "first",
            "paper": {"signature": "original", "council_stamp": True, "erasure": "none"},
            "referral": {"from_council_no": None, "names_provider": None},
            "tracking_code": None, "approval": None, "attachments": ["report"],
            "items": items,
        })
    return {"format": "claim-batch/1",
            "batch": {"id": batch_id, "period": period, "fund": "rural", "submitted_on": "1404/08/12",
                      "provider": {"code": "PRV-2231", "name": "مرکز تصویربرداری نمونه", "kind": "radiology",
                                   "sector": "private", "province": "isfahan"},
                      "declared": {"count": n, "total": 0, "insured_share": 0, "org_share": 0}},
            "prescriptions": docs, "bills": []}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100_000, help="prescriptions in the batch (default 100000)")
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file in a temp folder)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="also time the import into this many fresh SQLite files; report min and median")
    args = ap.parse_args(argv)

    batch = synthetic_batch(args.n)
    import json
    size = sum(len(json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode()) for d in batch["prescriptions"])
    ids = {d["insured"]["national_id"] for d in batch["prescriptions"]}
    print(f"{args.n} prescriptions, {sum(len(d['items']) for d in batch['prescriptions'])} items, "
          f"{size / args.n:.0f} bytes of JSON per document, {len(ids)} insured")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.sqlite"
        with Store.open(url) as store:
            sha = hashlib.sha256(b"bench-%d" % args.n).hexdigest()
            t = time.perf_counter()
            store.import_batch(batch, source_file="bench.json", sha256=sha)
            print(f"import:          {time.perf_counter() - t:6.2f} s  ({store.dialect})")
            t = time.perf_counter()
            out = store.import_batch(batch, source_file="bench.json", sha256=sha)
            print(f"re-import no-op: {time.perf_counter() - t:6.2f} s  (created={out.created})")
            t = time.perf_counter()
            hist = store.history(ids)
            print(f"history:         {time.perf_counter() - t:6.2f} s  "
                  f"({len(ids)} national ids -> {len(hist)} documents)")
            t = time.perf_counter()
            hist = store.history(ids, exclude_batch_id=batch["batch"]["id"])
            print(f"history, batch excluded: {time.perf_counter() - t:6.2f} s  ({len(hist)} documents)")
            changed = synthetic_batch(args.n, seed=2)
            t = time.perf_counter()
            store.import_batch(changed, source_file="bench2.json", sha256=sha + "x")
            print(f"replace:         {time.perf_counter() - t:6.2f} s")
            t = time.perf_counter()
            back = store.load_batch(batch["batch"]["id"])
            print(f"load_batch:      {time.perf_counter() - t:6.2f} s  (identical: {back == changed})")
        if args.repeat > 1 and not args.db:
            walls, cpus = [], []
            for i in range(args.repeat):
                with Store.open(f"sqlite:///{tmp}/bench-{i}.sqlite") as store:
                    t, c = time.perf_counter(), time.process_time()
                    store.import_batch(batch, source_file="bench.json", sha256=sha)
                    walls.append(time.perf_counter() - t)
                    cpus.append(time.process_time() - c)
            walls.sort()
            cpus.sort()
            print(f"import x{args.repeat}: wall min {walls[0]:.2f} s, median {walls[len(walls) // 2]:.2f} s; "
                  f"CPU min {cpus[0]:.2f} s, median {cpus[len(cpus) // 2]:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
