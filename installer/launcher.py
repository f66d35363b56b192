"""The installed program's entry point: the Linux bundle's executable (PyInstaller) and the Windows shortcuts
(`pythonw.exe rasidegi.pyw`) both start here.

    rasidegi                 the reviewer's desk (the `gui` command); on a fresh machine it begins with the
                             first-run wizard (desktop/ui/firstrun_wizard.py)
    rasidegi setup           the first-run wizard on its own
    rasidegi review …        and every other command of desktop.cli (interchange §5)

Before a command that opens the database (gui, review, demo, report) the first start after an upgrade backs the
database up and migrates it (desktop/upgrade.py); a failed migration restores the backup and says so in Persian.

Only for the installer's smoke test and tools/bench_install.py: with $RASIDEGI_FIRST_WINDOW_SHOT=FILE.png the first
window the program shows is saved to FILE.png as soon as it is on screen, a line `rasidegi-first-window <seconds>`
(seconds since $RASIDEGI_T0, a time.time() stamp taken by the caller before it started the process, else since this
module started) is printed on stderr, and with $RASIDEGI_QUIT_AFTER_SHOT=1 the program then quits.  Nothing in the
program changes: the launcher hands the program a QApplication subclass that looks for the window once it exists.
"""
from __future__ import annotations

import os
import sys
import time

_T_IMPORT = time.time()
_SHOT_TAKEN_AND_QUIT = False


def _t0() -> float:
    try:
        return float(os.environ["RASIDEGI_T0"])
    except (KeyError, ValueError):
        return _T_IMPORT


def _watch_first_window(path: str, quit_after: bool) -> None:
    """Save the first top-level window shown to `path` (see the module doc).  PySide6's QApplication is replaced,
    before the program imports it, by a subclass that starts a poll on the Qt main thread once it exists."""
    from PySide6 import QtWidgets
    from PySide6.QtCore import QTimer

    base = QtWidgets.QApplication
    state = {"seen": None}

    def shoot(app, w) -> None:
        global _SHOT_TAKEN_AND_QUIT
        ok = w.grab().save(path)
        print(f"rasidegi-first-window {state['seen'] - _t0():.3f} {w.metaObject().className()} "
              f"{'saved' if ok else 'NOT-SAVED'} {path}", file=sys.stderr, flush=True)
        if quit_after:
            _SHOT_TAKEN_AND_QUIT = True
            for top in base.topLevelWidgets():
                top.close()
            app.exit(0)
            QTimer.singleShot(2000, lambda: os._exit(0))      # a modal loop that will not end

    def poll(app) -> None:
        for w in base.topLevelWidgets():
            handle = w.windowHandle()
            if w.isVisible() and w.isWindow() and handle is not None and handle.isExposed() \
                    and w.width() > 50 and w.height() > 50:
                state["seen"] = time.time()
                QTimer.singleShot(150, lambda: shoot(app, w))   # let the first paint finish
                return
        QTimer.singleShot(20, lambda: poll(app))

    class WatchedApplication(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if state["seen"] is None:
                QTimer.singleShot(0, lambda: poll(self))

    QtWidgets.QApplication = WatchedApplication


def _gui_command_available() -> bool:
    from desktop.cli import build_parser

    parser = build_parser()
    for action in parser._subparsers._group_actions:          # argparse keeps the sub-commands here
        if "gui" in getattr(action, "choices", {}):
            return True
    return False


def _utf8_streams() -> None:
    """Persian text and ✓ ◯ on any console or pipe: a Windows pipe would otherwise be cp1252/cp1256 and refuse them."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if stream is not None and hasattr(stream, "reconfigure") and enc != "utf8":
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    shot = os.environ.get("RASIDEGI_FIRST_WINDOW_SHOT")
    if shot:
        _watch_first_window(shot, os.environ.get("RASIDEGI_QUIT_AFTER_SHOT") == "1")
    rc = _main(argv)
    return 0 if _SHOT_TAKEN_AND_QUIT else rc


#: commands that open the database: the first start after an upgrade backs it up and migrates it before them
DB_COMMANDS = {"gui", "review", "demo", "report"}


def _db_arg(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--db" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--db="):
            return a[5:]
    return None


def _qt_app():
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    return app


def _upgrade(argv: list[str], gui: bool) -> int:
    """desktop.upgrade.upgrade_database on the database the command will use; 0 to go on, 1 to stop."""
    from desktop.firstrun import configured_db_url
    from desktop.store import StoreError
    from desktop.upgrade import upgrade_database

    try:
        outcome = upgrade_database(_db_arg(argv) or configured_db_url())
    except StoreError as exc:
        print(f"database: {exc.message_en}", file=sys.stderr)
        print(f"پایگاه داده: {exc.message_fa}", file=sys.stderr)
        if gui:
            from PySide6.QtWidgets import QMessageBox
            _qt_app()
            QMessageBox.critical(None, "پایگاه داده", exc.message_fa)
        return 1
    if outcome.migrated:
        print(outcome.message_fa, file=sys.stderr)
        if gui:
            from PySide6.QtWidgets import QMessageBox
            _qt_app()
            QMessageBox.information(None, "به‌روزرسانی", outcome.message_fa)
    return 0


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["setup"]:                      # the first-run wizard on its own
        from desktop.ui.firstrun_wizard import main as wizard_main
        return wizard_main(sys.argv[:1])
    gui = not argv or argv[0] == "gui"
    if gui:
        from desktop.firstrun import needs_first_run
        if needs_first_run():                      # a fresh install: the wizard comes first
            _qt_app()
            from desktop.ui.firstrun_wizard import run_first_run_wizard
            if run_first_run_wizard() is None:
                return 1
        if not _gui_command_available():
            print("the reviewer's desk is not in this build / میز رسیدگی در این نسخه نیست", file=sys.stderr)
            return 1
    if gui or argv[0] in DB_COMMANDS:
        if _upgrade(argv, gui):
            return 1
    from desktop.cli import main as cli_main
    return cli_main(argv or ["gui"])


if __name__ == "__main__":
    if sys.stdout is None or sys.stderr is None:              # pythonw.exe on Windows: no console
        try:
            from desktop.paths import user_data_dir
            _logs = user_data_dir() / "logs"
            _logs.mkdir(exist_ok=True)
            _log = open(_logs / "rasidegi.log", "a", encoding="utf-8")
        except OSError:
            _log = open(os.devnull, "w", encoding="utf-8")
        sys.stdout = sys.stdout or _log
        sys.stderr = sys.stderr or _log
    sys.exit(main())
