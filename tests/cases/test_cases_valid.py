"""Every case file is a valid case (tests/cases/check_cases.py): keys, national ids, dates, closed lists, codes."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_case_files_are_valid():
    r = subprocess.run([sys.executable, str(HERE / "check_cases.py"), str(HERE)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
