"""Issue 9 item 3, the store half: a batch with one malformed value anywhere makes `rasidegi review` exit 2 naming
that value's JSON path — and the database is unchanged (property test over every field of a batch that fills them
all; the intake half, one problem at exactly that path, is tests/intake/test_intake_property.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent / "intake"))

from test_intake_property import ALL_MUTATIONS, RICH, apply  # noqa: E402

from desktop.cli import main  # noqa: E402
from tests.dbcounts import table_counts  # noqa: E402

GOOD_ID = "GOOD/1404-07"




@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ALL_MUTATIONS))
def test_malformed_value_exits_2_and_stores_nothing(tmp_path_factory, mutation):
    tmp = tmp_path_factory.mktemp("mut")
    db = tmp / "db.sqlite"
    good = json.loads(json.dumps(RICH))
    good["batch"]["id"] = GOOD_ID
    (tmp / "good.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    assert main(["review", str(tmp / "good.json"), "--db", f"sqlite:///{db}", "-q"]) == 0
    before = table_counts(db)
    index, m = mutation
    bad, path = apply(RICH, index, m)
    (tmp / "bad.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    import io
    import contextlib
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["review", str(tmp / "bad.json"), "--db", f"sqlite:///{db}", "-q"])
    assert rc == 2
    assert "bad.json" in err.getvalue() and path in err.getvalue(), (path, err.getvalue()[:500])
    assert table_counts(db) == before
