"""Fixtures of the GUI tests (pytest-qt, QT_QPA_PLATFORM=offscreen set by tests/conftest.py): the application set
up as the desk sets it up (right to left, Vazirmatn, Persian locale), settings in a temporary file, databases."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from desktop.store import Store

# the demo template database, rules and reference data of the review tests
from tests.review.conftest import (CHEAP, DEMO_FILES, DEMO_ID, TECH, demo_store, demo_template,  # noqa: F401
                                   demo_url, reference, rules)


@pytest.fixture(scope="session", autouse=True)
def desk_app(qapp):
    from desktop.ui.app import setup_application
    setup_application(qapp)
    return qapp


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RASIDEGI_HOME", str(home))
    return home


@pytest.fixture
def settings(tmp_path):
    from desktop.ui.settings import Settings
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def empty_store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    yield store
    store.close()


def make_window(qtbot, store, settings, rules, reference, user=TECH):
    from desktop.ui.main_window import MainWindow
    w = MainWindow(store, user, settings=settings, rules=rules, reference=reference)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)
    return w


def press(qtbot, widget, key, modifier=None) -> None:
    """A key press as the reviewer makes it: in the active window (shortcuts only fire there; a closed modal
    dialog leaves no active window on the offscreen platform)."""
    from PySide6.QtCore import Qt
    win = widget.window()
    if QApplication.activeWindow() is not win:
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    widget.setFocus()          # shortcuts are matched against the focus widget, not the event's receiver
    qtbot.keyClick(widget, key, modifier if modifier is not None else Qt.KeyboardModifier.NoModifier)


def type_text(widget, text: str) -> None:
    """Type text as a keyboard with a Persian layout does: key events carrying the characters (QTest.keyClicks
    accepts ASCII only)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def on_next_dialog(qtbot, handler, timeout_ms: int = 5000) -> list:
    """Run `handler(dialog)` on the next modal dialog that opens (while the caller's keypress blocks in exec());
    returns a list that holds the dialog once handled (and the exception, if the handler failed: the dialog is
    then rejected, so that the test fails instead of hanging)."""
    seen: list = []

    def poll(waited=0):
        dlg = QApplication.activeModalWidget()
        if dlg is not None:
            seen.append(dlg)
            try:
                handler(dlg)
            except BaseException as exc:     # never leave a modal dialog open: the test would hang
                seen.append(exc)
                dlg.reject()
                raise
        elif waited < timeout_ms:
            QTimer.singleShot(20, lambda: poll(waited + 20))

    QTimer.singleShot(0, poll)
    return seen
