"""The document list over many documents: incremental fetching, filters, sort, names read a page at a time."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.review.session import ReviewSession
from desktop.store import Store
from desktop.ui.batch_model import PAGE, DocFilter, DocumentListModel

from .conftest import TECH


@pytest.fixture(scope="module")
def big(tmp_path_factory, rules, reference):
    """1,500 laboratory documents (three lines each, some defective), imported and reviewed once."""
    from desktop.review.importer import import_files
    from desktop.synth import main as synth_main
    folder = tmp_path_factory.mktemp("big")
    out = folder / "lab.json"
    synth_main(["--prescriptions", "1500", "--seed", "11", "--kind", "laboratory", "--out", str(out)])
    store = Store.open(f"sqlite:///{folder / 'big.sqlite'}")
    report = import_files([str(out)], store=store, rules=rules, ref=reference)
    yield store, report.batch_ids[0]
    store.close()


def test_rows_are_fetched_a_page_at_a_time(qtbot, big, rules, reference):
    store, batch_id = big
    s = ReviewSession(store, batch_id, TECH, rules=rules, reference=reference)
    m = DocumentListModel(s)
    assert m.total == 1500 and m.rowCount() == 0 and m.canFetchMore(QModelIndex())
    m.fetchMore(QModelIndex())
    assert m.rowCount() == PAGE
    while m.canFetchMore(QModelIndex()):
        m.fetchMore(QModelIndex())
    assert m.rowCount() == 1500
    # names come from the database a page at a time, not with the list
    assert not m._briefs
    name = m.index(PAGE + 3, 2).data()
    assert name and len(m._briefs) == PAGE
    assert name == s.document(m.doc_index(PAGE + 3)).doc["insured"]["name"]
    # row_of fetches up to a document far down
    m2 = DocumentListModel(s)
    assert m2.row_of(1400) == 1400 and m2.rowCount() == 1401


def test_filters_and_sort_agree_with_the_session(qtbot, big, rules, reference):
    store, batch_id = big
    s = ReviewSession(store, batch_id, TECH, rules=rules, reference=reference)
    m = DocumentListModel(s)
    m.set_filter(DocFilter(show="flagged"))
    flagged = {d.index for d in s.documents if d.flagged or d.mark != "tick"}
    assert 0 < m.total < 1500 and {m.doc_index(r) for r in range(m.total)} == flagged
    rule = next(r for r in s.rule_ids())
    m.set_filter(DocFilter(rule=rule))
    assert {m.doc_index(r) for r in range(m.total)} == s.with_rule(rule)
    code = s.document(0).amounts[0].label
    m.set_filter(DocFilter(code=code))
    assert 0 in {m.doc_index(r) for r in range(m.total)}
    assert all(code in [a.label for a in s.document(m.doc_index(r)).amounts] for r in range(min(m.total, 30)))
    council = s.document(5).doc["prescriber"]["council_no"]
    m.set_filter(DocFilter(prescriber=council))
    assert all(s.document(m.doc_index(r)).doc["prescriber"]["council_no"] == council for r in range(m.total))
    nid = s.documents[7].national_id
    m.set_filter(DocFilter(search=nid))
    assert {m.doc_index(r) for r in range(m.total)} == {d.index for d in s.documents if d.national_id == nid}
    m.set_filter(DocFilter())
    m.sort(6, Qt.SortOrder.DescendingOrder)
    approved = [s.documents[m.doc_index(r)].approved for r in range(m.total)]
    assert approved == sorted(approved, reverse=True) and m.total == 1500
