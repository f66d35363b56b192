"""The import dialog: progress off the UI thread, cancel, and the located Persian list of problems when a file is
invalid — nothing stored."""
from __future__ import annotations

import json

from PySide6.QtWidgets import QDialog

from desktop.ui.import_dialog import ImportDialog

from .conftest import DEMO_FILES, DEMO_ID, make_window, on_next_dialog


def _bad_file(tmp_path):
    data = json.loads(open(DEMO_FILES[1], encoding="utf-8").read())
    data["batch"]["fund"] = "martians"
    data["prescriptions"][2]["served_on"] = "1404/07/45"
    data["prescriptions"][6]["items"][0]["requested"]["total"] = "نهصد هزار"
    bad = tmp_path / "bad-batch.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return bad


def test_an_invalid_file_lists_its_problems_in_persian_and_stores_nothing(qtbot, empty_store, tmp_path, rules,
                                                                         reference):
    dlg = ImportDialog(empty_store, [str(_bad_file(tmp_path))], rules=rules, ref=reference)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.table.isVisibleTo(dlg), timeout=10000)
    def plain(text):        # paths and file names are shown as left-to-right islands (embedding marks)
        return text.strip("\u202a\u202c")

    rows = {plain(dlg.table.item(r, 1).text()): dlg.table.item(r, 2).text() for r in range(dlg.table.rowCount())}
    assert set(rows) >= {"$.batch.fund", "$.prescriptions[2].served_on", "$.prescriptions[6].items[0].requested.total"}
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in msg) for msg in rows.values())     # Persian messages
    assert plain(dlg.table.item(0, 0).text()) == "bad-batch.json"
    assert "چیزی ذخیره نشد" in dlg.stage.text()
    assert empty_store.batch_ids() == []
    assert not dlg.running
    dlg.cancel_button.click()
    assert dlg.result() == QDialog.DialogCode.Rejected


def test_cancel_before_storing(qtbot, empty_store, rules, reference, monkeypatch):
    import threading

    from desktop.ui import import_dialog
    gate = threading.Event()
    real = import_dialog.import_files

    def held(*args, **kwargs):          # the worker waits until the reviewer has pressed «لغو»
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_dialog, "import_files", held)
    dlg = ImportDialog(empty_store, DEMO_FILES, rules=rules, ref=reference)
    qtbot.addWidget(dlg)
    assert dlg.running
    dlg.cancel()
    assert not dlg.cancel_button.isEnabled() and "لغو" in dlg.stage.text()
    gate.set()
    qtbot.waitUntil(lambda: not dlg.running, timeout=10000)
    qtbot.waitUntil(lambda: dlg.result() == QDialog.DialogCode.Rejected, timeout=5000)
    assert dlg.report is None and "لغو" in (dlg.error_fa or "")
    assert empty_store.batch_ids() == []


def test_progress_reaches_the_end_and_the_main_window_opens_the_batch(qtbot, empty_store, settings, rules,
                                                                      reference):
    w = make_window(qtbot, empty_store, settings, rules, reference)
    values = []

    def watch(d):
        d.bar.valueChanged.connect(values.append)

    on_next_dialog(qtbot, watch)
    dlg = w.import_files(DEMO_FILES, wait=True)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert values and values[-1] == 100 and values == sorted(values)
    assert w.session.batch_id == DEMO_ID


def test_the_main_window_shows_the_problems_of_a_bad_file(qtbot, empty_store, settings, rules, reference, tmp_path):
    w = make_window(qtbot, empty_store, settings, rules, reference)
    seen = []

    def check(d):
        qtbot.waitUntil(lambda: d.table.isVisibleTo(d), timeout=10000)
        seen.append(d.table.rowCount())
        d.reject()

    on_next_dialog(qtbot, check)
    w.import_files([str(_bad_file(tmp_path))], wait=True)
    assert seen and seen[0] >= 3
    assert w.session is None and empty_store.batch_ids() == []
