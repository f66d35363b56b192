#!/usr/bin/env python3
"""Installer figures: bundle size and cold start time to the first window.

    python3 installer/build.py --linux            # first (or give --bundle)
    python3 tools/bench_install.py [--bundle DIR] [--runs 5] [--drop-caches] [--xvfb]

* size: the installed Linux bundle (what /opt/rasidegi holds), the .deb, and — from dist/BUILD-INFO.json when the
  Windows build ran — the Windows installer and its installed tree.  Goal: at most 250 MB installed.
* start: the bundle is started the way a reviewer starts it (no arguments) on a fresh user-data folder, offscreen
  (or under Xvfb with --xvfb); the time from just before the process is spawned until its first window is exposed
  (installer/launcher.py's $RASIDEGI_FIRST_WINDOW_SHOT hook prints it), then the program is closed.  The first run
  is "cold": with --drop-caches (root) the kernel's page cache is dropped before it, so every file of the bundle
  comes from disk; the next runs are warm (files cached).  Goal: first window within 3 s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_BYTES = 250 * 10**6
GOAL_START_S = 3.0


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def first_window(exe: Path, xvfb: bool) -> tuple[float, float]:
    """(seconds to the first window, seconds until the process ended) for one start on a fresh user-data folder."""
    with tempfile.TemporaryDirectory(prefix="rasidegi-bench-") as tmp:
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "LANG": "C.UTF-8", "RASIDEGI_HOME": str(Path(tmp) / "data"),
               "XDG_RUNTIME_DIR": tmp, "RASIDEGI_FIRST_WINDOW_SHOT": str(Path(tmp) / "w.png"),
               "RASIDEGI_QUIT_AFTER_SHOT": "1"}
        cmd = [str(exe)]
        if xvfb:
            cmd = ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24"] + cmd
        else:
            env["QT_QPA_PLATFORM"] = "offscreen"
        t0 = time.time()
        env["RASIDEGI_T0"] = repr(t0)
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        total = time.time() - t0
        for line in res.stderr.splitlines():
            if line.startswith("rasidegi-first-window "):
                return float(line.split()[1]), total
        raise SystemExit(f"no first window (rc={res.returncode}):\n{res.stderr[-3000:]}")


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bundle", type=Path, default=ROOT / "build" / "installer" / "pyinstaller-dist" / "rasidegi")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--drop-caches", action="store_true", help="drop the page cache before the first run (root)")
    ap.add_argument("--xvfb", action="store_true", help="a real X server (xvfb-run) instead of offscreen")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args(argv)
    exe = args.bundle / "rasidegi"
    if not exe.is_file():
        raise SystemExit(f"{exe} not found: run `python3 installer/build.py --linux` first")
    if args.xvfb and not shutil.which("xvfb-run"):
        raise SystemExit("xvfb-run not found (apt-get install xvfb)")
    figures: dict = {"bundle": str(args.bundle), "installed_bytes": du(args.bundle)}
    info_file = ROOT / "dist" / "BUILD-INFO.json"
    info = json.loads(info_file.read_text(encoding="utf-8")) if info_file.is_file() else {}
    lin, win = info.get("linux", {}), info.get("windows", {})
    if lin.get("deb_bytes"):
        figures["deb_bytes"] = lin["deb_bytes"]
    if win.get("setup_bytes"):
        figures["windows_setup_bytes"] = win["setup_bytes"]
        figures["windows_installed_bytes"] = win["installed_bytes"]

    cold_note = "page cache dropped" if args.drop_caches and drop_caches() else "page cache NOT dropped"
    runs = [first_window(exe, args.xvfb) for _ in range(max(1, args.runs))]
    figures["first_window_cold_s"] = round(runs[0][0], 3)
    figures["cold_note"] = cold_note
    warm = [r[0] for r in runs[1:]] or [runs[0][0]]
    figures["first_window_warm_median_s"] = round(statistics.median(warm), 3)
    figures["first_window_all_s"] = [round(r[0], 3) for r in runs]
    figures["display"] = "xvfb" if args.xvfb else "offscreen"

    mb = lambda n: f"{n / 1e6:.1f} MB"  # noqa: E731
    print(f"bundle            {args.bundle}")
    print(f"installed (Linux) {mb(figures['installed_bytes'])}   goal ≤ 250 MB   "
          f"{'OK' if figures['installed_bytes'] <= GOAL_BYTES else 'OVER'}")
    if "deb_bytes" in figures:
        print(f".deb              {mb(figures['deb_bytes'])}")
    if "windows_setup_bytes" in figures:
        print(f"Windows setup.exe {mb(figures['windows_setup_bytes'])}, installed "
              f"{mb(figures['windows_installed_bytes'])}   goal ≤ 250 MB   "
              f"{'OK' if figures['windows_installed_bytes'] <= GOAL_BYTES else 'OVER'}")
    print(f"first window      cold {figures['first_window_cold_s']:.2f} s ({cold_note}), warm median "
          f"{figures['first_window_warm_median_s']:.2f} s over {len(warm)} runs ({figures['display']})   goal ≤ 3 s   "
          f"{'OK' if figures['first_window_cold_s'] <= GOAL_START_S else 'OVER'}")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
