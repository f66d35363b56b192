"""Benchmark: time to produce the adjustment sheet of 1,000 findings (target ≤ 3 s), and to verify it.

    python tools/bench_sheet.py [N] [--repeat K]

Builds a batch with N adjusted amounts (tests/printing/builders.py: every 4th circled, the rest zeroed), writes
its sheet into a temporary user-data folder (its own office key), verifies it, and prints wall and CPU times.
The first run in a process also reads the rule packs' clause texts (cached afterwards): it is reported apart.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["RASIDEGI_HOME"] = home
        from desktop.printing.sheet import write_sheet
        from desktop.printing.verify import verify_pdf
        from tests.printing.builders import long_case

        batch, result = long_case(args.n)
        out = Path(home) / "sheet.pdf"
        for i in range(args.repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            info = write_sheet(result, out, batch=batch)
            w1, c1 = time.perf_counter(), time.process_time()
            label = "first (cold: fonts, rule texts, key)" if i == 0 else f"run {i + 1}"
            print(f"write_sheet {args.n} findings, {info.pages} pages, {out.stat().st_size // 1024} KiB: "
                  f"{w1 - w0:.2f} s wall, {c1 - c0:.2f} s CPU  [{label}]")
        w0, c0 = time.perf_counter(), time.process_time()
        v = verify_pdf(out)
        print(f"verify_pdf: {'authentic' if v.ok else 'REJECTED'}: {time.perf_counter() - w0:.2f} s wall, "
              f"{time.process_time() - c0:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
