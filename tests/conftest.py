"""Shared fixtures: the throw-away PostgreSQL server (tests/pg.py) for every test folder."""
from __future__ import annotations

import os
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# no test touches the real user-data folder: a session-wide throw-away home unless a test sets its own
if "RASIDEGI_HOME" not in os.environ:
    import tempfile
    os.environ["RASIDEGI_HOME"] = tempfile.mkdtemp(prefix="rasidegi-test-home-")

from tests.pg import pg_fresh_url, pg_url  # noqa: E402,F401  (fixtures)
