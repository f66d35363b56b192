"""Persian and right to left: layout direction, Vazirmatn, the Persian locale for numbers on screen (data stays
Latin), qtbase_fa, and the keys — bound, in the help dialog, and in docs/desk.md."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt
from PySide6.QtGui import QFontInfo, QKeySequence
from PySide6.QtWidgets import QApplication, QTableWidget

from desktop.ui import fmt
from desktop.ui.app import _keep
from desktop.ui.dialogs import HelpDialog
from desktop.ui.keys import KEYS

from .conftest import DEMO_ID, make_window

DOC = Path(__file__).resolve().parents[2] / "docs" / "desk.md"


def test_right_to_left_vazirmatn_and_persian_numbers():
    app = QApplication.instance()
    assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert QFontInfo(app.font()).family() == "Vazirmatn"
    assert QLocale().language() == QLocale.Language.Persian
    assert fmt.amount(34178000) == "۳۴٬۱۷۸٬۰۰۰"
    assert fmt.digits("1404/07/05") == "۱۴۰۴/۰۷/۰۵"
    assert fmt.parse_amount("۴۵۰٬۰۰۰") == 450000 and fmt.parse_amount("450,000") == 450000
    assert fmt.parse_amount("۴۵ هزار") is None
    assert fmt.jalali_stamp("2025-11-23T08:30:00+00:00").startswith("۱۴۰۴/۰۹/۰۲")


def test_qtbase_fa_is_loaded_when_qt_ships_it():
    path = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / "qtbase_fa.qm"
    if path.exists():
        assert _keep, "qtbase_fa.qm exists but was not installed"
        assert QApplication.translate("QPlatformTheme", "Cancel") == "انصراف"


def test_the_list_shows_persian_digits_while_the_data_stays_latin(qtbot, demo_store, settings, rules, reference):
    w = make_window(qtbot, demo_store, settings, rules, reference)
    w.open_batch(DEMO_ID, background=False)
    assert w.layoutDirection() == Qt.LayoutDirection.RightToLeft
    m = w.model
    requested = m.index(0, 5).data()
    assert requested == fmt.amount(w.session.documents[0].requested) and "٬" in requested
    assert all(not ch.isascii() or not ch.isdigit() for ch in m.index(0, 1).data())      # national id, Persian
    assert w.session.documents[0].national_id.isascii()                                  # the data: Latin
    assert m.index(0, 3).data().startswith("۱۴۰۴/")


def test_every_key_is_bound_listed_in_help_and_documented(qtbot, demo_store, settings, rules, reference):
    w = make_window(qtbot, demo_store, settings, rules, reference)
    bound = {a: [sc.key().toString() for sc in scs] for a, scs in w.shortcuts.items()}
    doc = DOC.read_text(encoding="utf-8")
    for k in KEYS:
        if k.scope != "view":
            assert [QKeySequence(x).toString() for x in k.keys] == bound[k.action]
        for seq in k.keys:
            assert f"`{seq}`" in doc, f"{seq} ({k.action}) is not in docs/desk.md"
    assert len({s for k in KEYS for s in k.keys}) == sum(len(k.keys) for k in KEYS)      # no key used twice
    help_dialog = HelpDialog(w)
    qtbot.addWidget(help_dialog)
    table = help_dialog.findChild(QTableWidget, "keysTable")
    assert table.rowCount() == len(KEYS)
    texts = {table.item(r, 2).text() for r in range(table.rowCount())}
    assert {k.fa for k in KEYS} == texts
