"""The first-run wizard: Persian, right to left.  A thin face over desktop/firstrun.py (all checks live there).

    from desktop.ui.firstrun_wizard import run_first_run_wizard
    if desktop.firstrun.needs_first_run():
        outcome = run_first_run_wizard(parent)      # FirstRunOutcome, or None if the user cancelled

Pages: welcome → office (province, name) → where the data lives (this laptop / the office's PostgreSQL server, with
a connection test run off the UI thread) → administrator account (skipped when the server already has accounts)
→ tariff book and parameters (import the office's files, each checked before anything is copied, or keep the
SAMPLES, marked as such) → summary (finishing creates the database, the account, the signing key) → done.

`python -m desktop.ui.firstrun_wizard` shows it on its own.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication, QButtonGroup, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget, QWizard, QWizardPage,
)

from desktop import firstrun
from desktop.domain.fa import fa_digits
from desktop.firstrun import FirstRunError, FirstRunSetup

__all__ = ["FirstRunWizard", "run_first_run_wizard", "main"]

PAGE_WELCOME, PAGE_OFFICE, PAGE_DATABASE, PAGE_ADMIN, PAGE_REFERENCE, PAGE_SUMMARY, PAGE_DONE = range(7)

_ERROR_STYLE = "color: #b00020;"
_OK_STYLE = "color: #1b5e20;"
_WARN_STYLE = "color: #8a4b00; font-weight: bold;"


def _label(text: str, style: str = "") -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    if style:
        lab.setStyleSheet(style)
    return lab


def ensure_persian_font(app: QGuiApplication) -> None:
    """Vazirmatn (resources/fonts, OFL) for the Persian text, if the application has not set it already."""
    if "Vazirmatn" in app.font().family():
        return
    from desktop.paths import resources_dir

    family = None
    for name in ("Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf"):
        path = resources_dir() / "fonts" / name
        if path.is_file():
            fid = QFontDatabase.addApplicationFont(str(path))
            if fid >= 0 and family is None:
                families = QFontDatabase.applicationFontFamilies(fid)
                family = families[0] if families else None
    if family:
        app.setFont(QFont(family, 10))


# ---------------------------------------------------------------------------------------------------------------
# the connection test, off the UI thread

class _CheckSignals(QObject):
    done = Signal(object)


class _CheckTask(QRunnable):
    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.signals = _CheckSignals()

    def run(self) -> None:
        try:
            result = firstrun.check_database(self.url)
        except Exception as exc:  # noqa: BLE001  (shown to the user, never lost)
            result = firstrun.DbCheck(False, str(exc), f"خطای پیش‌بینی نشده: {exc}")
        self.signals.done.emit(result)


# ---------------------------------------------------------------------------------------------------------------
# pages

class WelcomePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("به سامانهٔ رسیدگی به اسناد پزشکی خوش آمدید")
        self.setSubTitle("راه‌اندازی نخست — چند پرسش کوتاه، یک بار برای همیشه")
        lay = QVBoxLayout(self)
        lay.addWidget(_label(
            "این راهنما برنامه را برای ادارهٔ شما آماده می‌کند:\n\n"
            "۱. نام اداره و استان (روی برگ‌های تعدیلات چاپ می‌شود)\n"
            "۲. محل نگهداری داده‌ها: همین رایانه یا سرور پایگاه دادهٔ اداره\n"
            "۳. حساب کاربری مدیر سامانه\n"
            "۴. تعرفه و پارامترهای مصوب اداره (یا نگه داشتن نمونه‌ها برای آزمایش)\n"
            "۵. ساخت کلید امضای دیجیتال اداره برای برگ‌های چاپی\n\n"
            "برنامه به اینترنت نیاز ندارد. همهٔ تنظیمات بعداً هم از منوی مدیریت قابل تغییر است."))
        lay.addStretch(1)


class OfficePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("اداره و استان")
        self.setSubTitle("این نام در سربرگ برگ‌های تعدیلات و گزارش‌ها چاپ می‌شود.")
        form = QFormLayout(self)
        self.province = QComboBox()
        self.province.addItem("— استان را انتخاب کنید —", "")
        for p in firstrun.PROVINCES:
            self.province.addItem(p, p)
        self.name = QLineEdit()
        self.name.setPlaceholderText("مثلاً: اداره کل بیمه سلامت استان اصفهان")
        self.error = _label("", _ERROR_STYLE)
        form.addRow("استان:", self.province)
        form.addRow("نام اداره:", self.name)
        form.addRow(self.error)
        self._auto_name = ""
        self.province.currentIndexChanged.connect(self._province_changed)
        self.name.textChanged.connect(self.completeChanged)
        self.province.currentIndexChanged.connect(self.completeChanged)

    def _province_changed(self) -> None:
        suggested = firstrun.default_office_name(self.province.currentData() or "")
        if not self.name.text().strip() or self.name.text() == self._auto_name:
            self.name.setText(suggested)
        self._auto_name = suggested

    def isComplete(self) -> bool:
        return bool(self.province.currentData()) and bool(self.name.text().strip())

    def validatePage(self) -> bool:
        try:
            name, _ = firstrun.check_office(self.name.text(), self.province.currentData() or "")
        except FirstRunError as exc:
            self.error.setText(exc.message_fa)
            return False
        self.name.setText(name)
        self.error.clear()
        return True


class DatabasePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("محل نگهداری داده‌ها")
        self.setSubTitle("اگر چند کارشناس روی یک فهرست کار می‌کنند، سرور پایگاه دادهٔ اداره را برگزینید.")
        lay = QVBoxLayout(self)
        self.local = QRadioButton("همین رایانه (پایگاه دادهٔ داخلی؛ بدون نیاز به سرور)")
        self.server = QRadioButton("سرور PostgreSQL اداره")
        self.local.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)
        lay.addWidget(self.local)
        lay.addWidget(self.server)
        box = QGroupBox("مشخصات سرور")
        form = QFormLayout(box)
        self.host = QLineEdit()
        self.host.setPlaceholderText("نام یا نشانی IP سرور")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.dbname = QLineEdit("rasidegi")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for w in (self.host, self.dbname, self.user, self.password):
            w.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        form.addRow("سرور:", self.host)
        form.addRow("درگاه (پورت):", self.port)
        form.addRow("نام پایگاه داده:", self.dbname)
        form.addRow("نام کاربری سرور:", self.user)
        form.addRow("گذرواژهٔ سرور:", self.password)
        row = QHBoxLayout()
        self.test_button = QPushButton("آزمون اتصال")
        self.test_button.clicked.connect(self.start_check)
        row.addWidget(self.test_button)
        row.addStretch(1)
        form.addRow(row)
        self.status = _label("")
        form.addRow(self.status)
        self.box = box
        lay.addWidget(box)
        lay.addStretch(1)
        self.check: firstrun.DbCheck | None = None
        self._checked_url: str | None = None
        self._running = False
        self.local.toggled.connect(self._mode_changed)
        for w in (self.host, self.dbname, self.user, self.password):
            w.textChanged.connect(self._invalidate)
        self.port.valueChanged.connect(self._invalidate)
        self._mode_changed()

    def _mode_changed(self) -> None:
        self.box.setEnabled(self.server.isChecked())
        self.completeChanged.emit()

    def _invalidate(self) -> None:
        self.check = None
        self._checked_url = None
        self.status.clear()
        self.completeChanged.emit()

    def url(self) -> str | None:
        if self.local.isChecked():
            return None
        return firstrun.postgres_url(self.host.text(), self.port.value(), self.dbname.text(), self.user.text(),
                                     self.password.text())

    def start_check(self) -> None:
        try:
            url = self.url()
        except FirstRunError as exc:
            self._show(False, exc.message_fa)
            return
        if url is None or self._running:
            return
        self._running = True
        self.test_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("در حال آزمون اتصال…")
        task = _CheckTask(url)
        task.setAutoDelete(False)          # Python keeps it (and its signals object) alive until the check is done
        self._task = task
        task.signals.done.connect(lambda result, u=url: self._check_done(u, result))
        QThreadPool.globalInstance().start(task)

    def _check_done(self, url: str, result: firstrun.DbCheck) -> None:
        self._running = False
        self._task = None
        self.test_button.setEnabled(True)
        self.check = result
        self._checked_url = url if result.ok else None
        text = result.message_fa
        if result.ok and result.accounts:
            text += f"\nروی این سرور {fa_digits(result.accounts)} حساب کاربری هست؛ حساب مدیر تازه ساخته نمی‌شود."
        self._show(result.ok, text)
        self.completeChanged.emit()

    def _show(self, ok: bool, text: str) -> None:
        self.status.setStyleSheet(_OK_STYLE if ok else _ERROR_STYLE)
        self.status.setText(text)

    @property
    def running(self) -> bool:
        return self._running

    def server_has_accounts(self) -> bool:
        return self.server.isChecked() and self.check is not None and self.check.ok and self.check.accounts > 0

    def isComplete(self) -> bool:
        if self.local.isChecked():
            return True
        return self._checked_url is not None and not self._running

    def validatePage(self) -> bool:
        if self.local.isChecked():
            return True
        try:
            return self._checked_url is not None and self._checked_url == self.url()
        except FirstRunError as exc:
            self._show(False, exc.message_fa)
            return False

    def nextId(self) -> int:
        return PAGE_REFERENCE if self.server_has_accounts() else PAGE_ADMIN


class AdminPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("حساب مدیر سامانه")
        self.setSubTitle("مدیر سامانه حساب کارشناسان فنی و حسابداری را می‌سازد. گذرواژه دست‌کم ۸ نویسه باشد.")
        form = QFormLayout(self)
        self.username = QLineEdit("admin")
        self.username.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText("نام و نام خانوادگی")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _label("", _ERROR_STYLE)
        form.addRow("نام کاربری (لاتین):", self.username)
        form.addRow("نام و نام خانوادگی:", self.full_name)
        form.addRow("گذرواژه:", self.password)
        form.addRow("تکرار گذرواژه:", self.again)
        form.addRow(self.error)
        for w in (self.username, self.full_name, self.password, self.again):
            w.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return all(w.text().strip() for w in (self.username, self.full_name, self.password, self.again))

    def validatePage(self) -> bool:
        if self.password.text() != self.again.text():
            self.error.setText("گذرواژه و تکرار آن یکسان نیستند")
            return False
        from desktop.review.users import MIN_PASSWORD
        if len(self.password.text()) < MIN_PASSWORD:
            self.error.setText(f"گذرواژه باید دست‌کم {fa_digits(MIN_PASSWORD)} نویسه باشد")
            return False
        self.error.clear()
        return True


class _FileRow(QWidget):
    def __init__(self, caption: str, filter_: str):
        super().__init__()
        self.caption, self.filter = caption, filter_
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit()
        self.path.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.path.setPlaceholderText("(نمونه نگه داشته می‌شود)")
        self.browse = QPushButton("انتخاب فایل…")
        self.browse.clicked.connect(self._pick)
        lay.addWidget(self.path, 1)
        lay.addWidget(self.browse)

    def _pick(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.caption, str(Path.home()), self.filter)
        if name:
            self.path.setText(name)

    def value(self) -> str | None:
        return self.path.text().strip() or None


class ReferencePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("تعرفه و پارامترها")
        self.setSubTitle("کتاب تعرفه (CSV) و پارامترهای مصوب (ضرایب K، فرانشیز، …؛ YAML) اداره.")
        lay = QVBoxLayout(self)
        self.keep = QRadioButton("نگه داشتن تعرفه و پارامترهای «نمونه» (فقط برای آزمایش)")
        self.office = QRadioButton("وارد کردن فایل‌های اداره")
        self.keep.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.keep)
        group.addButton(self.office)
        lay.addWidget(self.keep)
        self.sample_warning = _label(
            "هشدار: مقادیر نمونه رسمی نیستند. مبالغ محاسبه‌شده با آن‌ها معتبر نیست و روی هر نتیجه و برگ چاپی "
            "«نمونه» نوشته می‌شود تا مدیر تعرفهٔ رسمی را وارد کند.", _WARN_STYLE)
        lay.addWidget(self.sample_warning)
        lay.addWidget(self.office)
        box = QGroupBox("فایل‌های اداره")
        form = QFormLayout(box)
        self.tariff = _FileRow("کتاب تعرفه", "CSV (*.csv);;همهٔ فایل‌ها (*)")
        self.params = _FileRow("پارامترها", "YAML (*.yaml *.yml);;همهٔ فایل‌ها (*)")
        form.addRow("کتاب تعرفه (CSV):", self.tariff)
        form.addRow("پارامترها (YAML):", self.params)
        form.addRow(_label("فایلی که نگذارید از نمونه خوانده می‌شود. هر فایل پیش از رونوشت، کامل بررسی می‌شود."))
        self.check_button = QPushButton("بررسی فایل‌ها")
        self.check_button.clicked.connect(self.check_files)
        form.addRow(self.check_button)
        self.status = _label("")
        form.addRow(self.status)
        self.problems = QListWidget()
        self.problems.setVisible(False)
        form.addRow(self.problems)
        self.box = box
        lay.addWidget(box)
        self.office.toggled.connect(self._mode_changed)
        self._mode_changed()

    def _mode_changed(self) -> None:
        self.box.setEnabled(self.office.isChecked())
        self.sample_warning.setVisible(self.keep.isChecked())
        self.status.clear()
        self.problems.clear()
        self.problems.setVisible(False)

    def files(self) -> tuple[str | None, str | None]:
        if self.keep.isChecked():
            return None, None
        return self.tariff.value(), self.params.value()

    def check_files(self) -> bool:
        tariff, params = self.files()
        self.problems.clear()
        if tariff is None and params is None:
            self.status.setStyleSheet(_ERROR_STYLE)
            self.status.setText("دست‌کم یکی از دو فایل را انتخاب کنید، یا نمونه‌ها را نگه دارید")
            self.problems.setVisible(False)
            return False
        problems = firstrun.validate_reference(tariff, params)
        if problems:
            self.status.setStyleSheet(_ERROR_STYLE)
            self.status.setText(f"{fa_digits(len(problems))} مشکل پیدا شد؛ هیچ فایلی رونوشت نشد:")
            for p in problems[:500]:
                self.problems.addItem(f"{Path(p.file).name} — {p.path}: {p.message_fa}")
            self.problems.setVisible(True)
            return False
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText("فایل‌ها درست است و در پایان راه‌اندازی وارد می‌شود")
        self.problems.setVisible(False)
        return True

    def validatePage(self) -> bool:
        return True if self.keep.isChecked() else self.check_files()


class SummaryPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("پایان راه‌اندازی")
        self.setSubTitle("با زدن «راه‌اندازی»، پایگاه داده، حساب مدیر و کلید امضای اداره ساخته می‌شود.")
        lay = QVBoxLayout(self)
        self.summary = _label("")
        self.error = _label("", _ERROR_STYLE)
        lay.addWidget(self.summary)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "راه‌اندازی")

    def initializePage(self) -> None:
        wiz: FirstRunWizard = self.wizard()
        s = wiz.collect()
        lines = [f"اداره: {s.office_name}", f"استان: {s.province}"]
        if s.database_url:
            db = wiz.page_database
            lines.append(f"داده‌ها: سرور {db.host.text()}:{fa_digits(db.port.value())} / {db.dbname.text()}")
        else:
            lines.append("داده‌ها: همین رایانه (پایگاه دادهٔ داخلی)")
        if wiz.page_database.server_has_accounts():
            lines.append("حساب مدیر: حساب‌های موجود روی سرور")
        else:
            lines.append(f"حساب مدیر: {s.admin_username} — {s.admin_full_name}")
        if s.tariff is None and s.params is None:
            lines.append("تعرفه و پارامترها: «نمونه» (غیررسمی)")
        else:
            lines.append(f"کتاب تعرفه: {Path(s.tariff).name if s.tariff else 'نمونه (غیررسمی)'}")
            lines.append(f"پارامترها: {Path(s.params).name if s.params else 'نمونه (غیررسمی)'}")
        lines.append("کلید امضای اداره: ساخته می‌شود (کلید موجود هرگز جایگزین نمی‌شود)")
        self.summary.setText("\n".join(lines))
        self.error.clear()

    def validatePage(self) -> bool:
        wiz: FirstRunWizard = self.wizard()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            wiz.outcome = firstrun.complete_first_run(wiz.collect())
        except FirstRunError as exc:
            text = exc.message_fa
            if exc.problems:
                text += "\n" + "\n".join(p.format_fa() for p in exc.problems[:10])
            self.error.setText(text)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        return True


class DonePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("برنامه آمادهٔ کار است")
        lay = QVBoxLayout(self)
        self.text = _label("")
        lay.addWidget(self.text)
        lay.addStretch(1)

    def initializePage(self) -> None:
        out = self.wizard().outcome
        if out is None:
            return
        lines = ["راه‌اندازی با موفقیت انجام شد."]
        if out.signing_key is not None:
            lines.append(f"اثر انگشت کلید امضای اداره: {out.signing_key.fingerprint}")
            lines.append("این اثر انگشت را برای تطبیق برگ‌های امضاشده یادداشت کنید.")
        lines += out.notes_fa
        if out.admin is not None:
            lines.append(f"اکنون با نام کاربری «{out.admin.username}» وارد شوید.")
        self.text.setText("\n".join(lines))


# ---------------------------------------------------------------------------------------------------------------

class FirstRunWizard(QWizard):
    """The first-run wizard.  After exec() returns Accepted, `outcome` is the FirstRunOutcome."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("رسیدگی — راه‌اندازی نخست")
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, text in ((QWizard.WizardButton.NextButton, "بعدی"),
                             (QWizard.WizardButton.BackButton, "قبلی"),
                             (QWizard.WizardButton.CancelButton, "انصراف"),
                             (QWizard.WizardButton.FinishButton, "شروع کار"),
                             (QWizard.WizardButton.CommitButton, "راه‌اندازی")):
            self.setButtonText(button, text)
        self.outcome: firstrun.FirstRunOutcome | None = None
        self.page_office = OfficePage()
        self.page_database = DatabasePage()
        self.page_admin = AdminPage()
        self.page_reference = ReferencePage()
        self.page_summary = SummaryPage()
        self.setPage(PAGE_WELCOME, WelcomePage())
        self.setPage(PAGE_OFFICE, self.page_office)
        self.setPage(PAGE_DATABASE, self.page_database)
        self.setPage(PAGE_ADMIN, self.page_admin)
        self.setPage(PAGE_REFERENCE, self.page_reference)
        self.setPage(PAGE_SUMMARY, self.page_summary)
        self.setPage(PAGE_DONE, DonePage())
        self.setStartId(PAGE_WELCOME)
        self.resize(720, 560)

    def collect(self) -> FirstRunSetup:
        office, database, admin, ref = self.page_office, self.page_database, self.page_admin, self.page_reference
        tariff, params = ref.files()
        skip_admin = database.server_has_accounts()
        return FirstRunSetup(
            office_name=office.name.text(), province=office.province.currentData() or "",
            admin_username="" if skip_admin else admin.username.text(),
            admin_full_name="" if skip_admin else admin.full_name.text(),
            admin_password="" if skip_admin else admin.password.text(),
            admin_password_again=None if skip_admin else admin.again.text(),
            database_url=database.url(), tariff=tariff, params=params)


def run_first_run_wizard(parent=None) -> firstrun.FirstRunOutcome | None:
    """Show the wizard (modal); the FirstRunOutcome when the first run was completed, None if cancelled."""
    app = QApplication.instance()
    if app is not None:
        ensure_persian_font(app)
    wizard = FirstRunWizard(parent)
    wizard.exec()
    return wizard.outcome          # set once complete_first_run succeeded, whichever way the wizard was closed


def main(argv: list[str] | None = None) -> int:
    """Standalone: `python -m desktop.ui.firstrun_wizard` (exit 0 when completed, 1 when cancelled)."""
    app = QApplication.instance() or QApplication(list(argv if argv is not None else sys.argv))
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    return 0 if run_first_run_wizard() is not None else 1


if __name__ == "__main__":
    sys.exit(main())
