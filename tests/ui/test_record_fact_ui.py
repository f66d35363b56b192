"""F6 at the desk: the reviewer records a paper fact from the keyboard; the rules re-run for the document, its page
shows the new finding and mark, the status bar says what changed; a signed batch refuses."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.ui.batch_model import COLUMNS
from desktop.ui.fact_dialog import FactDialog
from desktop.ui.marks import MARK_ROLE

from .conftest import DEMO_ID, make_window, on_next_dialog, press, type_text


def _search(qtbot, w, text: str) -> None:
    w.search_edit.clear()
    type_text(w.search_edit, text)
    press(qtbot, w.search_edit, Qt.Key.Key_Return)


def _open(qtbot, demo_store, settings, rules, reference, seq: int):
    w = make_window(qtbot, demo_store, settings, rules, reference)
    w.open_batch(DEMO_ID, background=False)
    _search(qtbot, w, str(seq))
    assert w.session.documents[w.current_doc].seq == seq
    return w


def test_f6_records_a_missing_stamp_and_the_line_is_zeroed(qtbot, demo_store, settings, rules, reference, tmp_path):
    w = _open(qtbot, demo_store, settings, rules, reference, 20)
    info = w.paper.lines_model.index(0, 5).data(MARK_ROLE)
    assert info.proposed and info.mark == "tick" and info.approved == 534_000
    seen = {}

    def fill(dlg):
        assert isinstance(dlg, FactDialog)
        type_text(dlg.filter, "مهر نظام")
        assert dlg.spec().path == "paper.council_stamp"
        assert dlg.current.text() == "دارد"
        assert dlg.choices.currentItem().text() == "ندارد"          # what the reviewer came to record
        type_text(dlg.note, "مهر پزشک روی برگه نیست")
        if os.environ.get("RASIDEGI_SHOTS"):
            dlg.grab().save(os.environ["RASIDEGI_SHOTS"] + "/fact-dialog.png")
        seen["dlg"] = dlg
        press(qtbot, dlg.note, Qt.Key.Key_Return)                  # Enter records

    done = on_next_dialog(qtbot, fill)
    w.paper.table.setFocus()
    press(qtbot, w.paper.table, Qt.Key.Key_F6)
    assert done and done[0] is seen["dlg"] and len(done) == 1
    # the document page: the new finding, the line's proposed mark is now 0
    info = w.paper.lines_model.index(0, 5).data(MARK_ROLE)
    assert info.proposed and info.mark == "zero" and info.approved == 0
    assert [f.rule for f in w.paper.view.findings] == ["GEN-2"]
    assert w.paper.view.recorded["paper.council_stamp"].note == "مهر پزشک روی برگه نیست"
    # the list row and the status bar
    row = w.model.row_of(w.current_doc)
    col = {key: i for i, (key, _) in enumerate(COLUMNS)}
    assert "GEN-2" in w.model.index(row, col["rules"]).data()
    assert w.model.index(row, col["approved"]).data() == "۰"
    text = w.statusBar().currentMessage()
    assert "مهر نظام پزشکی پزشک: ندارد" in text and "GEN-2" in text and "۵۳۴٬۰۰۰ ریال صفر شد" in text
    assert w.session.totals().by_rule["GEN-2"] == 400_000 + 534_000
    if os.environ.get("RASIDEGI_SHOTS"):
        w.grab().save(os.environ["RASIDEGI_SHOTS"] + "/after-fact.png")
    # Ctrl+Z undoes the fact like a mark
    press(qtbot, w.paper.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    info = w.paper.lines_model.index(0, 5).data(MARK_ROLE)
    assert info.mark == "tick" and info.approved == 534_000 and w.paper.view.recorded == {}


def test_a_refused_value_keeps_the_dialog_open(qtbot, demo_store, settings, rules, reference):
    w = _open(qtbot, demo_store, settings, rules, reference, 20)
    n = len(demo_store.events(DEMO_ID))

    def fill(dlg):
        type_text(dlg.filter, "دست‌خط")
        assert dlg.spec().path == "paper.handwritings"
        dlg.typed.clear()
        type_text(dlg.typed, "دو")
        dlg.accept()
        assert dlg.isVisible() and "شمار دست‌خط‌های متن" in dlg.error.text(), dlg.error.text()
        dlg.typed.clear()
        type_text(dlg.typed, "۲")                                   # Persian digits: two handwritings
        dlg.accept()

    on_next_dialog(qtbot, fill)
    w.record_fact()
    assert w.session.documents[w.current_doc].rules == ("GEN-8",)
    assert len(demo_store.events(DEMO_ID)) == n + 2                 # technical review began, then the fact


def test_per_line_attachments_and_a_signed_batch(qtbot, demo_store, settings, rules, reference, monkeypatch):
    w = _open(qtbot, demo_store, settings, rules, reference, 7)

    def fill(dlg):
        type_text(dlg.filter, "ردیف")
        assert dlg.spec().path == "items[].attachments" and dlg.line.isVisibleTo(dlg)
        assert dlg.path() == "items[0].attachments"
        report = next(i for i in range(dlg.elements.count()) if dlg.elements.item(i).data(Qt.ItemDataRole.UserRole)
                      == "report")
        assert dlg.elements.item(report).checkState() == Qt.CheckState.Checked    # the document's list holds
        dlg.elements.item(report).setCheckState(Qt.CheckState.Unchecked)
        assert dlg.value() == []
        if os.environ.get("RASIDEGI_SHOTS"):
            dlg.grab().save(os.environ["RASIDEGI_SHOTS"] + "/fact-dialog-attachments.png")
        dlg.accept()

    on_next_dialog(qtbot, fill)
    w.record_fact()
    info = w.paper.lines_model.index(0, 5).data(MARK_ROLE)
    assert info.mark == "zero" and "GEN-19" in [f.rule for f in w.paper.view.findings]
    # signed: refused, nothing recorded
    for state in ("accounting", "signed"):
        demo_store.set_state(DEMO_ID, state, who="reza")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    n = len(demo_store.events(DEMO_ID))

    def again(dlg):
        type_text(dlg.filter, "برگ دفترچه")
        dlg.accept()

    on_next_dialog(qtbot, again)
    dlg = w.record_fact()
    assert warnings and "امضا" in warnings[0] and not dlg.result()
    assert len(demo_store.events(DEMO_ID)) == n
