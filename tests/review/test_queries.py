"""The review layer's read queries, on SQLite and PostgreSQL (the JSON paths differ)."""
from __future__ import annotations

import pytest

from desktop.review import queries
from desktop.review.importer import import_files
from desktop.store import Store

from .conftest import DEMO_FILES, DEMO_ID


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def loaded(request, tmp_path, rules, reference):
    url = (f"sqlite:///{tmp_path / 'q.sqlite'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_fresh_url"))
    store = Store.open(url)
    import_files(DEMO_FILES, store=store, rules=rules, ref=reference)
    yield store
    store.close()


def test_index_briefs_and_finders(loaded):
    row = queries.batch_row(loaded, DEMO_ID)
    assert row.documents == 41 and row.has_result and row.period == "1404/07"
    index = queries.document_index(loaded, row.pk)
    assert len(index) == 41 and [r[2] for r in index[:3]] == [1, 2, 3]
    pk, kind, seq, nid, served_on, total = index[28]
    doc = queries.document_json(loaded, pk)
    assert doc["seq"] == seq == 29 and doc["insured"]["national_id"] == nid and kind == "prescription"
    briefs = queries.document_briefs(loaded, [pk])
    assert briefs[pk][0] == doc["insured"]["name"] and briefs[pk][2] == doc["prescriber"]["council_no"]
    assert pk in queries.find_by_prescriber(loaded, row.pk, doc["prescriber"]["council_no"])
    assert pk in queries.find_by_prescriber(loaded, row.pk, doc["prescriber"]["name"][-4:])
    assert queries.find_by_prescriber(loaded, row.pk, "%") == set()    # LIKE wildcards are literal
    assert pk in queries.find_by_code(loaded, row.pk, doc["items"][0]["code"])
    assert queries.documents_json(loaded, [pk]) == {pk: doc}
    rows = queries.batch_rows(loaded)
    assert [r.batch_id for r in rows][0] == DEMO_ID        # newest first


def test_the_desk_list_and_a_decision_on_both_databases(loaded, rules, reference):
    from desktop.review.session import Place, Reason, ReviewSession
    from .conftest import TECH
    s = ReviewSession(loaded, DEMO_ID, TECH, rules=rules, reference=reference)
    assert len(s.documents) == 41 and s.totals().as_result() == loaded.load_result(DEMO_ID)["totals"]
    row = queries.batch_row(loaded, DEMO_ID)
    index = queries.review_index(loaded, row)           # built at import: read back, the same
    assert index.result_pk == s.result_pk and len(index.rows) == 41
    assert [r[3] for r in index.rows[:3]] == [1, 2, 3] and index.rows[28][2] == "prescription"
    i = s.index_of("prescription", 1)
    s.circle(i, Place(line=1), 500_000, Reason(None, "تعدیل"))
    again = ReviewSession(loaded, DEMO_ID, TECH, rules=rules, reference=reference)
    assert again.totals().as_result() == s.totals().as_result()
    assert again.documents[i].approved == 500_000
    assert again.to_result()["prescriptions"][i]["lines"][0]["decision"]["who"] == "sara"
