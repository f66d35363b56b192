#!/usr/bin/env python3
"""List the national codes the review manual and the circulars name.

A national code of the relative-value book is a run of exactly six digits (Persian, Arabic-Indic or Latin digits).
Dates (1404/08/21) never form a six-digit run; numbers of seven or more digits are reported apart as malformed codes
(the manual prints bone-marrow aspiration as 3002820 and 901550 once as 9015509).

Usage:
    tools/extract_codes.py [FILE …]          (default: ../shared/seeds/*.txt beside the checkout)
    tools/extract_codes.py --where            code, then file:line of every mention
    tools/extract_codes.py --malformed        the seven-or-more-digit numbers instead
    tools/extract_codes.py --check TARIFF.csv exit 1 if a named code is missing from the tariff book
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
CODE_RE = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")
LONG_RE = re.compile(r"(?<![0-9])([0-9]{7,})(?![0-9])")

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def default_files() -> list[Path]:
    return sorted(DEFAULT_SEEDS.glob("*.txt"))


def extract(paths, pattern=CODE_RE) -> dict[str, list[tuple[str, int]]]:
    """{code: [(file name, line number), …]} over the given text files."""
    found: dict[str, list[tuple[str, int]]] = {}
    for p in map(Path, paths):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            for m in pattern.finditer(line.translate(_DIGITS)):
                found.setdefault(m.group(1), []).append((p.name, n))
    return dict(sorted(found.items()))


def codes(paths=None) -> set[str]:
    return set(extract(paths if paths is not None else default_files()))


def tariff_codes(tariff_csv) -> set[str]:
    with open(tariff_csv, encoding="utf-8-sig", newline="") as fh:
        return {row["code"].strip() for row in csv.DictReader(fh)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--where", action="store_true", help="show where each code is mentioned")
    ap.add_argument("--malformed", action="store_true", help="list numbers of seven or more digits instead")
    ap.add_argument("--check", metavar="TARIFF.csv", help="exit 1 if a named code is missing from this tariff")
    a = ap.parse_args(argv)
    files = a.files or default_files()
    if not files:
        print(f"no source files (looked in {DEFAULT_SEEDS})", file=sys.stderr)
        return 2
    found = extract(files, LONG_RE if a.malformed else CODE_RE)
    if a.check:
        missing = sorted(set(found) - tariff_codes(a.check))
        for c in missing:
            print(c, " ".join(f"{f}:{n}" for f, n in found[c]))
        print(f"{len(found)} codes named, {len(missing)} missing from {a.check}", file=sys.stderr)
        return 1 if missing else 0
    for c, where in found.items():
        print(c + ("  " + " ".join(f"{f}:{n}" for f, n in where) if a.where else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
