"""The whole loop at the desk, driven from the keyboard (offscreen): import the demo batch, open a flagged document,
accept a proposal, circle an amount, zero a line with a reason, undo, reach the totals — and the decisions
survive closing and reopening the database."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop.review.session import Place
from desktop.store import Store
from desktop.ui import fmt
from desktop.ui.dialogs import CircleDialog, ZeroDialog
from desktop.ui.marks import MARK_ROLE

from .conftest import DEMO_FILES, DEMO_ID, make_window, on_next_dialog, press, type_text


def _search(qtbot, w, text: str) -> None:
    w.search_edit.clear()
    type_text(w.search_edit, text)
    press(qtbot, w.search_edit, Qt.Key.Key_Return)


def _line(w, row: int):
    return w.paper.lines_model.amount(row)


def _mark_info(w, row: int):
    return w.paper.lines_model.index(row, 5).data(MARK_ROLE)


def test_the_whole_loop_from_the_keyboard(qtbot, tmp_path, settings, rules, reference):
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    store = Store.open(url)
    w = make_window(qtbot, store, settings, rules, reference)
    assert w.stack.currentIndex() == 0 and not w.actions["circle"].isEnabled()

    # 1. import the demo batch (the dialog runs the import on the thread pool)
    dlg = w.import_files(DEMO_FILES, wait=True)
    assert dlg.report.batch_ids == ["PRV-2231/1404-06/iranians", DEMO_ID]
    s = w.session
    assert s.batch_id == DEMO_ID and w.stack.currentIndex() == 1
    assert w.model.rowCount() == 41 and w.count_label.text() == "۴۱ سند"
    base = s.totals()
    assert w.totals_panel.values["approved"].text() == f"{fmt.amount(base.approved)} ریال"

    # 2. open a flagged document: F8 from the first document
    w.list_view.setFocus()
    press(qtbot, w.list_view, Qt.Key.Key_F8)
    flagged = next(d for d in s.documents if d.flagged or d.mark != "tick")
    assert w.current_doc == flagged.index
    first = s.document(flagged.index).findings[0]
    text = w.findings.toPlainText()
    assert first.rule in text and first.message_fa in text and (first.text_fa or "") in text
    assert "پیشنهادی" in w.paper.badge.text()

    # 3. accept a proposal: document 29 (GEN-15-N2: circled to the tariff), Space on its line
    _search(qtbot, w, "۲۹")
    assert w.model.total == 1 and s.documents[w.current_doc].seq == 29
    info = _mark_info(w, 0)
    assert info.proposed and info.mark == "circle" and info.approved == 600_000
    w.paper.table.setFocus()
    press(qtbot, w.paper.table, Qt.Key.Key_Space)
    a = _line(w, 0)
    assert a.decision is not None and a.decision.accepts and (a.mark, a.approved) == ("circle", 600_000)
    info = _mark_info(w, 0)
    assert not info.proposed and info.pen == "green"
    assert "پذیرش پیشنهاد" in w.paper.who.text()

    # 4. circle an amount: document 3, line 2 (600,000 requested) → ۴۵۰٬۰۰۰, reason typed as a clause id
    _search(qtbot, w, "3")
    doc3 = w.current_doc
    assert s.documents[doc3].seq == 3
    w.paper.table.setFocus()
    press(qtbot, w.paper.table, Qt.Key.Key_Down)
    assert w.paper.current_place() == Place(line=2)

    def circle(d):
        assert isinstance(d, CircleDialog)
        d.amount.clear()
        type_text(d.amount, "۴۵۰۰۰۰")
        assert d.amount.text() == "۴۵۰٬۰۰۰"
        qtbot.keyClicks(d.picker, "GEN-15-N2")
        assert d.reason().rule == "GEN-15-N2"
        d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    handled = on_next_dialog(qtbot, circle)
    press(qtbot, w.paper.table, Qt.Key.Key_F3)
    assert handled
    a = _line(w, 1)
    assert (a.mark, a.approved, a.reason.rule, a.pen) == ("circle", 450_000, "GEN-15-N2", "green")

    # 5. zero a line with a reason: line 1 (900,000), the reason picked from the manual's clauses
    press(qtbot, w.paper.table, Qt.Key.Key_Up)
    assert w.paper.current_place() == Place(line=1)

    def zero(d):
        assert isinstance(d, ZeroDialog)
        qtbot.keyClicks(d.picker, "GEN-12")
        assert d.reason().rule == "GEN-12" and d.reason().text_fa
        press(qtbot, d.picker, Qt.Key.Key_Return)

    handled = on_next_dialog(qtbot, zero)
    press(qtbot, w.paper.table, Qt.Key.Key_F4)
    assert handled
    a = _line(w, 0)
    assert (a.mark, a.approved, a.reason.rule) == ("zero", 0, "GEN-12")
    assert _mark_info(w, 0).reason.lstrip(fmt.RLM).startswith("GEN-12")
    row3 = w.model.row_of(doc3)
    assert w.model.index(row3, 4).data() == "◯"           # the list follows: neither all ✓ nor all 0
    after_zero = s.totals()
    assert after_zero.approved == base.approved - 150_000 - 900_000

    # 6. undo (Ctrl+Z): the zero goes, the circle stays
    press(qtbot, w.paper.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    a1, a2 = _line(w, 0), _line(w, 1)
    assert a1.proposed and a1.mark == "tick" and (a2.mark, a2.approved) == ("circle", 450_000)

    # 7. the totals: 600,000 → 450,000 with the organisation paying 70 % of it (315,000 of the 420,000 asked)
    t = s.totals()
    assert t.approved == base.approved - 150_000
    assert t.deducted == base.deducted + 150_000
    assert t.org_share == base.org_share - (420_000 - 315_000)
    assert t.insured_share == base.insured_share - (180_000 - 135_000)
    assert t.by_rule["GEN-15-N2"] == base.by_rule.get("GEN-15-N2", 0) + 150_000
    values = w.totals_panel.values
    assert values["approved"].text() == f"{fmt.amount(t.approved)} ریال"
    assert values["deducted"].text() == f"{fmt.amount(t.deducted)} ریال"
    assert values["insured_share"].text() == f"{fmt.amount(t.insured_share)} ریال"
    assert values["org_share"].text() == f"{fmt.amount(t.org_share)} ریال"
    assert "GEN-15-N2" in w.totals_panel.by_rule.toolTip()

    # Enter: accept the rest of the document as proposed and move on
    press(qtbot, w.paper.table, Qt.Key.Key_Return)
    assert s.documents[doc3].confirmed
    w.close()
    store.close()

    # 8. the decisions survive closing and reopening the database
    store = Store.open(url)
    try:
        w2 = make_window(qtbot, store, settings, rules, reference)
        w2.open_batch(DEMO_ID, background=False)
        s2 = w2.session
        assert s2.totals().as_result() == s.totals().as_result()
        w2.go_to_document(s2.index_of("prescription", 3))
        a1, a2 = _line(w2, 0), _line(w2, 1)
        assert (a2.mark, a2.approved, a2.pen, a2.reason.rule) == ("circle", 450_000, "green", "GEN-15-N2")
        assert a1.decision is not None and a1.decision.accepts and a1.mark == "tick"
        assert w2.totals_panel.values["approved"].text() == f"{fmt.amount(t.approved)} ریال"
        w2.close()
    finally:
        store.close()


def test_open_in_the_background_and_navigate(qtbot, demo_store, settings, rules, reference):
    w = make_window(qtbot, demo_store, settings, rules, reference)
    with qtbot.waitSignal(w.sessionOpened, timeout=10000):
        w.open_batch(DEMO_ID)
    s = w.session
    assert w.current_doc == 0
    press(qtbot, w.list_view, Qt.Key.Key_PageDown)
    assert w.current_doc == 1
    press(qtbot, w.list_view, Qt.Key.Key_PageUp)
    assert w.current_doc == 0
    press(qtbot, w.list_view, Qt.Key.Key_F8)
    here = w.current_doc
    press(qtbot, w.list_view, Qt.Key.Key_F8)
    assert w.current_doc > here and s.documents[w.current_doc].flagged
    press(qtbot, w.list_view, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert w.current_doc == here
    # filters: only flagged documents, then by clause
    w.show_combo.setCurrentIndex(w.show_combo.findData("flagged"))
    flagged = [d.index for d in s.documents if d.flagged or d.mark != "tick"]
    assert w.model.total == len(flagged) and w.count_label.text() == f"{fmt.number(len(flagged))} از ۴۱ سند"
    w.rule_combo.setCurrentIndex(w.rule_combo.findData("GEN-15-N2"))
    assert [s.documents[w.model.doc_index(r)].seq for r in range(w.model.total)] == [29]
    # Space inside the search box types a space: no mark is taken
    w.search_edit.setFocus()
    qtbot.keyClick(w.search_edit, Qt.Key.Key_Space)
    assert not any(d.decided for d in s.documents)
    # sorting by requested amount, largest first (two clicks on the header)
    w.show_combo.setCurrentIndex(0)
    w.rule_combo.setCurrentIndex(0)
    w.search_edit.clear()
    w.apply_filter()
    col = 5
    w.list_view.horizontalHeader().sectionClicked.emit(col)
    w.list_view.horizontalHeader().sectionClicked.emit(col)
    amounts = [s.documents[w.model.doc_index(r)].requested for r in range(w.model.total)]
    assert amounts == sorted(amounts, reverse=True)


def test_a_signed_batch_refuses_marks_and_reopens_with_a_reason(qtbot, demo_store, settings, rules, reference,
                                                                 monkeypatch):
    from desktop.review.users import User
    from PySide6.QtWidgets import QMessageBox
    acc = User("reza", "رضا کریمی", "accounting")
    demo_store.set_state(DEMO_ID, "technical_review", who="sara")
    demo_store.set_state(DEMO_ID, "accounting", who="sara")
    w = make_window(qtbot, demo_store, settings, rules, reference, user=acc)
    w.open_batch(DEMO_ID, background=False)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    assert w.move_batch("signed", False)
    assert w.signed_banner.isVisibleTo(w) and demo_store.state(DEMO_ID) == "signed"
    w.paper.table.setFocus()
    press(qtbot, w.paper.table, Qt.Key.Key_F2)
    assert warnings and "بازگشایی" in warnings[0]
    assert not w.session.documents[0].decided

    def reason(d):
        type_text(d.text, "اصلاح مبلغ سند ۱")
        d.accept()

    on_next_dialog(qtbot, reason)
    assert w.move_batch("accounting", True)
    assert not w.signed_banner.isVisibleTo(w)
    press(qtbot, w.paper.table, Qt.Key.Key_F2)
    assert w.session.documents[0].decided
    assert w.session.document(0).amounts[0].pen == "red"
    ev = [e for e in demo_store.events(DEMO_ID) if e["kind"] == "state_changed" and e["from"] == "signed"]
    assert ev[0]["reason"] == "اصلاح مبلغ سند ۱" and ev[0]["who"] == "reza"


def test_drop_a_file_to_import_it(qtbot, empty_store, settings, rules, reference):
    w = make_window(qtbot, empty_store, settings, rules, reference)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(DEMO_FILES[1])])
    drop = QDropEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(w.sessionOpened, timeout=20000):
        w.dropEvent(drop)
    assert w.session.batch_id == DEMO_ID and empty_store.batch_ids() == [DEMO_ID]


def test_export_writes_the_result_with_the_decisions(qtbot, demo_store, settings, rules, reference, tmp_path):
    import json
    w = make_window(qtbot, demo_store, settings, rules, reference)
    w.open_batch(DEMO_ID, background=False)
    w.paper.table.setFocus()
    press(qtbot, w.paper.table, Qt.Key.Key_Return)          # accept document 1 → document 2
    out = tmp_path / "r.json"
    w.write_result(str(out))
    data = json.loads(Path(out).read_text(encoding="utf-8"))
    assert data["format"] == "review-result/1" and data["totals"] == w.session.totals().as_result()
    assert data["prescriptions"][0]["lines"][0]["decision"]["accepts"] is True
    assert QApplication.activeModalWidget() is None
