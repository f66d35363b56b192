"""Starting the desk: the application (right to left, Vazirmatn, Persian locale, qtbase_fa), the database, the
log-in (or the first account of a fresh database), the main window.

    rasidegi gui [--db URL] [BATCH.json]        → desktop.ui.app.main(batch, db_url=…)
    rasidegi demo                               → desktop.ui.app.main(open_batch_id=…, first_run=False)
"""
from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

__all__ = ["main", "setup_application", "load_fonts", "FONT_FAMILY"]

log = logging.getLogger("rasidegi.ui")

FONT_FAMILY = "Vazirmatn"
_keep: list = []          # translators must outlive the application's use of them


def load_fonts() -> str:
    """Register the shipped Vazirmatn fonts (resources/fonts); returns the family name to use."""
    from desktop.paths import resources_dir
    family = None
    for name in ("Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf"):
        path = resources_dir() / "fonts" / name
        if not path.exists():
            log.warning("font %s is missing", path)
            continue
        fid = QFontDatabase.addApplicationFont(str(path))
        if fid < 0:
            log.warning("font %s could not be loaded", path)
            continue
        families = QFontDatabase.applicationFontFamilies(fid)
        family = family or (families[0] if families else None)
    return family or FONT_FAMILY


def setup_application(app: QApplication, font_size: int = 10) -> None:
    """Right to left, Vazirmatn, the Persian (Iran) locale for numbers on screen, Qt's own Persian strings."""
    app.setApplicationName("rasidegi")
    app.setOrganizationName("IHIO")
    app.setApplicationDisplayName("رسیدگی")
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    family = load_fonts()
    font = QFont(family)
    font.setPointSize(font_size)
    app.setFont(font)
    QLocale.setDefault(QLocale(QLocale.Language.Persian, QLocale.Country.Iran))
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_fa",):
        tr = QTranslator(app)
        if tr.load(name, translations):
            app.installTranslator(tr)
            _keep.append(tr)
        else:
            log.info("%s not found in %s; Qt's own dialogs stay in English", name, translations)


def _login(store, settings):
    """The user, or None if the person cancelled."""
    from desktop.review.users import Users

    from .login import AccountDialog, LoginDialog
    users = Users(store)
    if users.count() == 0:
        dlg = AccountDialog(users, None, first=True)
        return dlg.user if dlg.exec() else None
    dlg = LoginDialog(users, settings.get("last_user"))
    if not dlg.exec():
        return None
    settings.set("last_user", dlg.user.username)
    return dlg.user


def main(batch: str | None = None, *, db_url: str | None = None, open_batch_id: str | None = None,
         first_run: bool = True) -> int:
    """Run the desk.  `batch`: a claim-batch/1 file to import first; `open_batch_id`: a stored batch to open
    (e.g. the demo's); otherwise the batch opened last.

    On a machine where the first run was never completed (a plain `pip install`, not the installer, whose launcher
    does the same) and no database was named, the first-run wizard comes first: office, administrator, database,
    reference data, signing key.  `first_run=False` skips it (`rasidegi demo`: the embedded default, at once).
    The database is opened through desktop.upgrade.open_store: a newer program migrates it after a backup."""
    from desktop.store import StoreError
    from desktop.upgrade import open_store

    from .main_window import MainWindow
    from .settings import Settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = Settings()
    setup_application(app, settings.get("font_size"))
    if first_run and not db_url:
        from desktop.firstrun import needs_first_run
        if needs_first_run():
            from .firstrun_wizard import run_first_run_wizard
            if run_first_run_wizard() is None:
                log.info("first-run wizard cancelled; the desk was not opened")
                return 1
    try:
        store = open_store(db_url or None)
    except StoreError as exc:
        log.error("cannot open the database: %s", exc.message_en)
        QMessageBox.critical(None, "پایگاه داده", exc.message_fa)
        return 1
    try:
        user = _login(store, settings)
        if user is None:
            return 0
        window = MainWindow(store, user, settings=settings)
        geometry = settings.get("window_geometry")
        if geometry:
            window.restoreGeometry(geometry)
        window.show()
        if batch:
            QTimer.singleShot(0, lambda: window.import_files([batch]))
        else:
            target = open_batch_id or settings.get("last_batch")
            if target and target in store.batch_ids():
                QTimer.singleShot(0, lambda: window.open_batch(target))
        return app.exec()
    finally:
        store.close()
