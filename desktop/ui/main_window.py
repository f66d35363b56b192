"""The reviewer's desk: the batch (header, declared vs computed), the document list, the document drawn like its
paper, the findings, the running totals; keyboard-first marking (keys.py)."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFrame, QGridLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMainWindow, QMessageBox, QPushButton, QSizePolicy, QSplitter,
                               QStackedWidget, QTableView, QVBoxLayout, QWidget)

from desktop.review import labels
from desktop.review.errors import ReviewError
from desktop.review.session import STATE_FA, TICK, Place, ReviewSession
from desktop.review.users import PEN_FA, User, Users

from . import fmt
from .batch_model import COLUMNS, SHOW, DocFilter, DocumentListModel
from .dialogs import CircleDialog, HelpDialog, TextReasonDialog, ZeroDialog
from .document_view import PaperView
from .findings import FindingsPanel
from .keys import KEYS
from .settings import Settings
from .theme import STYLE, pen_colour
from .totals import TotalsPanel
from .workers import Task

__all__ = ["MainWindow"]

log = logging.getLogger("rasidegi.ui")

_MOVE_FA = {"technical_review": "آغاز رسیدگی فنی", "accounting": "فرستادن به حسابداری", "signed": "امضا و بستن پرونده"}


class BatchHeader(QFrame):
    """Provider, fund, month, state; the provider's declared figures against the computed ones."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("batchHeader")
        g = QGridLayout(self)
        g.setContentsMargins(10, 6, 10, 6)
        g.setHorizontalSpacing(16)
        self.provider = QLabel()
        self.provider.setObjectName("headerProvider")
        self.provider.setStyleSheet("font-weight:bold; font-size:13pt")
        self.meta = QLabel()
        self.meta.setObjectName("headerMeta")
        self.state = QLabel(objectName="stateBadge")
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.declared = QLabel()
        self.declared.setObjectName("headerDeclared")
        self.declared.setWordWrap(True)
        self.moves = QHBoxLayout()
        g.addWidget(self.provider, 0, 0)
        g.addWidget(self.meta, 1, 0)
        g.addWidget(self.declared, 0, 1, 2, 1)
        g.addWidget(self.state, 0, 2)
        g.addLayout(self.moves, 1, 2)
        g.setColumnStretch(1, 1)

    def show_session(self, s: ReviewSession | None) -> None:
        if s is None:
            self.provider.setText("پرونده‌ای باز نیست")
            self.meta.setText("")
            self.declared.setText("")
            self.state.setVisible(False)
            return
        b = s.header.get("batch") or {}
        p = s.provider
        self.provider.setText(f"{p.get('name') or '—'} ({fmt.digits(p.get('code'))})")
        self.meta.setText(
            f"{labels.label(labels.PROVIDER_KIND, p.get('kind'))} · {labels.label(labels.SECTOR, p.get('sector'))} · "
            f"{p.get('city') or ''} — صندوق {labels.label(labels.FUND, b.get('fund'))} — ماه {fmt.digits(b.get('period'))}"
            f" — ارسال {fmt.digits(b.get('submitted_on'))}")
        self.state.setText(STATE_FA.get(s.state, s.state))
        self.state.setVisible(True)
        self.show_declared(s)

    def show_declared(self, s: ReviewSession) -> None:
        d = s.declared
        count = len(s.documents)
        requested = s.totals().requested

        def cmp(name: str, declared, computed) -> str:
            if declared is None:
                return f"{name}: اعلام نشده / محاسبه {fmt.amount(computed)}"
            same = declared == computed
            colour = "#15803d" if same else "#b91c1c"
            sign = "=" if same else "≠"
            return (f"{name}: اعلامی {fmt.amount(declared)} <span style='color:{colour}'><b>{sign}</b></span> "
                    f"محاسبه {fmt.amount(computed)}")

        parts = [cmp("تعداد اسناد", d.get("count"), count), cmp("جمع درخواستی (ریال)", d.get("total"), requested)]
        if d.get("insured_share") is not None or d.get("org_share") is not None:
            parts.append(f"سهم بیمه‌شدهٔ اعلامی {fmt.amount(d.get('insured_share'))} · سهم سازمان اعلامی "
                         f"{fmt.amount(d.get('org_share'))}")
        self.declared.setText("<br>".join(parts))


class MainWindow(QMainWindow):
    sessionOpened = Signal(object)
    decisionMade = Signal(object)

    def __init__(self, store, user: User, *, settings: Settings | None = None, rules=None, reference=None):
        super().__init__()
        self.store, self.user = store, user
        self.settings = settings or Settings()
        self._rules, self._reference = rules, reference
        self.session: ReviewSession | None = None
        self.model: DocumentListModel | None = None
        self.current_doc: int | None = None
        self._tasks: list[Task] = []
        self.setWindowTitle("رسیدگی — میز کارشناس")
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE)
        self._build()
        self._build_menus()
        self._bind_keys()
        self._show_user()
        self.resize(1600, 900)
        self._set_open(False)

    # --- layout ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.signed_banner = QLabel("این پرونده امضا شده است؛ علامت‌گذاری فقط پس از بازگشایی (با ذکر دلیل) ممکن است.")
        self.signed_banner.setObjectName("signedBanner")
        self.signed_banner.setVisible(False)
        outer.addWidget(self.signed_banner)
        self.header = BatchHeader()
        outer.addWidget(self.header)
        # filters
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 4)
        self.show_combo = QComboBox()
        self.show_combo.setObjectName("filterShow")
        for key, fa in SHOW:
            self.show_combo.addItem(fa, key)
        self.rule_combo = QComboBox()
        self.rule_combo.setObjectName("filterRule")
        self.prescriber_edit = QLineEdit()
        self.prescriber_edit.setObjectName("filterPrescriber")
        self.prescriber_edit.setPlaceholderText("پزشک: نام یا شمارهٔ نظام")
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("filterCode")
        self.code_edit.setPlaceholderText("کد خدمت")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText("جست‌وجو: کد ملی یا شمارهٔ سند (Ctrl+F)")
        self.count_label = QLabel()
        self.count_label.setObjectName("listCount")
        for w in (QLabel("نمایش:"), self.show_combo, QLabel("بند:"), self.rule_combo, self.prescriber_edit,
                  self.code_edit, self.search_edit, self.count_label):
            bar.addWidget(w)
        bar.setStretch(6, 1)
        outer.addLayout(bar)
        self.show_combo.currentIndexChanged.connect(self.apply_filter)
        self.rule_combo.currentIndexChanged.connect(self.apply_filter)
        for edit in (self.prescriber_edit, self.code_edit, self.search_edit):
            edit.returnPressed.connect(self.apply_filter)
        # the review area: list | (paper over findings)
        self.stack = QStackedWidget()
        self.placeholder = QLabel("پرونده‌ای باز نیست.\n\nورود پروندهٔ تازه: Ctrl+I — گشودن پروندهٔ ذخیره‌شده: Ctrl+O\n"
                                  "یا فایل JSON پرونده را اینجا رها کنید.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color:#6b7280; font-size:13pt")
        self.stack.addWidget(self.placeholder)
        self.area = QWidget()
        self.area.setObjectName("reviewArea")
        area_lay = QVBoxLayout(self.area)
        area_lay.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list_view = QTableView()
        self.list_view.setObjectName("documentList")
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setSortingEnabled(False)
        self.list_view.horizontalHeader().setSectionsClickable(True)
        self.list_view.horizontalHeader().sectionClicked.connect(self._sort_clicked)
        self.list_view.verticalHeader().setVisible(False)
        self.list_view.verticalHeader().setDefaultSectionSize(26)
        self.list_view.setWordWrap(False)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.paper = PaperView()
        self.findings = FindingsPanel()
        self.right.addWidget(self.paper)
        self.right.addWidget(self.findings)
        # the document's page gets most of the room (header, facts and lines on a 1366×768 laptop); the list and
        # the findings keep enough to read a row (the reviewer drags the borders; the proportions are kept)
        self.right.setStretchFactor(0, 4)
        self.right.setStretchFactor(1, 1)
        self.right.setSizes([800, 200])
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([640, 860])
        area_lay.addWidget(self.splitter)
        self.stack.addWidget(self.area)
        outer.addWidget(self.stack, 1)
        self.totals_panel = TotalsPanel()
        outer.addWidget(self.totals_panel)
        self.setCentralWidget(central)
        self.paper.placeChanged.connect(self._place_changed)
        self.user_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self._sort_state: tuple[int, Qt.SortOrder] | None = None

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.actions: dict[str, QAction] = {}

        def act(menu, name: str, text: str, slot, enabled: bool = True) -> QAction:
            a = QAction(text, self)
            a.triggered.connect(lambda _checked=False: slot())      # never pass `checked` on as an argument
            a.setEnabled(enabled)
            menu.addAction(a)
            self.actions[name] = a
            return a

        m = mb.addMenu("پرونده")
        act(m, "import", "ورود پروندهٔ تازه…", self.import_dialog)
        act(m, "open", "گشودن پروندهٔ ذخیره‌شده…", self.open_dialog)
        act(m, "export", "ذخیرهٔ نتیجهٔ رسیدگی (JSON)…", self.export_result)
        act(m, "sheet", "صدور برگ تعدیلات (PDF)…", self.issue_sheet)
        act(m, "report", "گزارش عملکرد…", self.performance_report)
        act(m, "verify", "بررسی اصالت برگ چاپی…", self.verify_sheet)
        m.addSeparator()
        act(m, "quit", "خروج", self.close)
        m = mb.addMenu("علامت")
        act(m, "accept_line", "پذیرش پیشنهاد ردیف", self.accept_line)
        act(m, "accept_doc", "پذیرش همهٔ پیشنهادهای سند", self.accept_doc)
        act(m, "tick", "تأیید ✓", self.tick_line)
        act(m, "circle", "تعدیل ◯…", self.circle_line)
        act(m, "zero", "کسر کامل ۰…", self.zero_line)
        act(m, "tick_doc", "تأیید ✓ همهٔ سند", self.tick_doc)
        act(m, "zero_doc", "کسر کامل ۰ همهٔ سند…", self.zero_doc)
        m.addSeparator()
        act(m, "record_fact", "ثبت واقعیت برگه…", self.record_fact)
        m.addSeparator()
        act(m, "undo", "برگرداندن", self.undo)
        act(m, "redo", "انجام دوباره", self.redo)
        m = mb.addMenu("حرکت")
        act(m, "next_doc", "سند بعد", self.next_doc)
        act(m, "prev_doc", "سند قبل", self.prev_doc)
        act(m, "next_flagged", "سند دارای یافتهٔ بعد", self.next_flagged)
        act(m, "prev_flagged", "سند دارای یافتهٔ قبل", lambda: self.next_flagged(-1))
        act(m, "search", "جست‌وجو", self.focus_search)
        self.state_menu = mb.addMenu("وضعیت پرونده")
        m = mb.addMenu("کاربران")
        act(m, "users", "مدیریت حساب‌ها…", self.users_dialog, enabled=self.user.may_manage_users)
        act(m, "password", "تغییر گذرواژهٔ من…", self.change_password)
        m.addSeparator()
        act(m, "install_rules", "نصب بستهٔ قواعد (بخشنامهٔ تازه)…", self.install_rule_pack,
            enabled=self.user.may_manage_users)
        m = mb.addMenu("راهنما")
        act(m, "help", "کلیدها", self.help_dialog)

    def _bind_keys(self) -> None:
        self.shortcuts: dict[str, list[QShortcut]] = {}
        for k in KEYS:
            if k.scope == "view":
                continue
            slot = self.actions[k.action].trigger
            parent = self.area if k.scope == "area" else self
            context = (Qt.ShortcutContext.WidgetWithChildrenShortcut if k.scope == "area"
                       else Qt.ShortcutContext.WindowShortcut)
            for seq in k.keys:
                sc = QShortcut(QKeySequence(seq), parent)
                sc.setContext(context)
                sc.activated.connect(slot)
                self.shortcuts.setdefault(k.action, []).append(sc)
            self.actions[k.action].setText(self.actions[k.action].text() + "\t" + k.keys[0])

    def _show_user(self) -> None:
        pen = self.user.pen
        colour = pen_colour(pen).name()
        pen_text = f" — قلم <span style='color:{colour}'><b>{PEN_FA[pen]}</b></span>" if pen else ""
        self.user_label.setText(f"{self.user.full_name} ({self.user.role_fa}){pen_text}")

    def _set_open(self, is_open: bool) -> None:
        self.stack.setCurrentIndex(1 if is_open else 0)
        for name in ("export", "accept_line", "accept_doc", "tick", "circle", "zero", "tick_doc", "zero_doc",
                     "record_fact", "undo", "redo", "next_doc", "prev_doc", "next_flagged", "prev_flagged", "search"):
            self.actions[name].setEnabled(is_open)
        for w in (self.show_combo, self.rule_combo, self.prescriber_edit, self.code_edit, self.search_edit):
            w.setEnabled(is_open)

    def message(self, text: str, error: bool = False, timeout: int = 6000) -> None:
        self.statusBar().setStyleSheet("color:#b91c1c" if error else "")
        self.statusBar().showMessage(text, timeout)

    # --- opening and importing -----------------------------------------------------------------------------

    def open_batch(self, batch_id: str, *, background: bool = True) -> None:
        """Open a stored batch (on the thread pool unless background=False); the list appears when it is read."""
        def make():
            return ReviewSession(self.store, batch_id, self.user, rules=self._rules, reference=self._reference)

        if not background:
            try:
                self.set_session(make())
            except ReviewError as exc:
                self._open_failed(exc, batch_id)
            return
        self.message(f"گشودن پروندهٔ {batch_id}…", timeout=0)
        task = Task(make)
        task.signals.finished.connect(self.set_session, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(lambda exc: self._open_failed(exc, batch_id), Qt.ConnectionType.QueuedConnection)
        self._start(task)

    def _start(self, task: Task) -> None:
        self._tasks = [t for t in self._tasks if not t.done.is_set()] + [task]
        QThreadPool.globalInstance().start(task)

    def _open_failed(self, exc: BaseException, batch_id: str) -> None:
        if isinstance(exc, ReviewError) and exc.code == "no_result":
            answer = QMessageBox.question(self, "بررسی خودکار", exc.message_fa + "\nاکنون بررسی شود؟")
            if answer == QMessageBox.StandardButton.Yes:
                from desktop.review.importer import review_stored
                task = Task(review_stored, self.store, batch_id, rules=self._rules, ref=self._reference)
                task.signals.finished.connect(lambda _r: self.open_batch(batch_id), Qt.ConnectionType.QueuedConnection)
                task.signals.failed.connect(lambda e: self.message(getattr(e, "message_fa", str(e)), True),
                                            Qt.ConnectionType.QueuedConnection)
                self.message("بررسی خودکار پرونده…", timeout=0)
                self._start(task)
            return
        self.message(getattr(exc, "message_fa", None) or f"پرونده گشوده نشد: {exc}", error=True)

    def set_session(self, session: ReviewSession) -> None:
        self.session = session
        self.paper.name_of = self.paper.lines_model.name_of = session.name_of
        self.model = DocumentListModel(session, self)
        self.list_view.setModel(self.model)
        hh = self.list_view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = {"seq": 46, "national_id": 98, "name": 124, "served_on": 84, "mark": 40, "requested": 92,
                  "approved": 92, "findings": 40, "rules": 110}
        for i, (key, _) in enumerate(COLUMNS):
            hh.resizeSection(i, widths.get(key, 90))
        self.list_view.selectionModel().currentRowChanged.connect(self._list_row_changed)
        self.rule_combo.blockSignals(True)
        self.rule_combo.clear()
        self.rule_combo.addItem("همهٔ بندها", None)
        for rule_id in session.rule_ids():
            self.rule_combo.addItem(rule_id, rule_id)
        self.rule_combo.blockSignals(False)
        self.header.show_session(session)
        self._refresh_state()
        self._set_open(True)
        self.settings.set("last_batch", session.batch_id)
        self._update_count()
        self.totals_panel.show_totals(session.totals())
        self.message(f"پروندهٔ {session.batch_id} گشوده شد: {fmt.number(len(session.documents))} سند")
        if session.documents:
            self.go_to_row(0)
        self.list_view.setFocus()
        self.sessionOpened.emit(session)

    def import_files(self, paths: list[str], *, wait: bool = False):
        """Import claim-batch/1 files (the import dialog: progress, cancel, problems); opens the last batch."""
        from .import_dialog import ImportDialog
        dlg = ImportDialog(self.store, paths, rules=self._rules, ref=self._reference, parent=self)
        self.import_dlg = dlg
        if dlg.exec() and dlg.report is not None and dlg.report.batch_ids:
            self.settings.set("last_dir", str(Path(paths[-1]).parent))
            self.open_batch(dlg.report.batch_ids[-1], background=not wait)
        elif dlg.error_fa:
            self.message(dlg.error_fa, error=True)
        return dlg

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "ورود پرونده", self.settings.get("last_dir") or os.getcwd(),
                                                "پروندهٔ ادعا (*.json);;همهٔ فایل‌ها (*)")
        if paths:
            self.import_files(paths)

    def open_dialog(self) -> None:
        from .open_dialog import OpenBatchDialog
        dlg = OpenBatchDialog(self.store, self)
        if dlg.exec() and dlg.batch_id:
            self.open_batch(dlg.batch_id)

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and all(u.isLocalFile() and u.toLocalFile().lower().endswith(".json") for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_files(paths))

    def export_result(self) -> None:
        if self.session is None:
            return
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.session.batch_id)
        path, _ = QFileDialog.getSaveFileName(self, "ذخیرهٔ نتیجهٔ رسیدگی",
                                              str(Path(self.settings.get("last_dir") or os.getcwd()) /
                                                  f"{safe}.result.json"), "JSON (*.json)")
        if path:
            self.write_result(path)

    def issue_sheet(self):
        """The batch's adjustment sheet (the current marks, signed with the office key) in the print preview;
        only «چاپ» or «ذخیره» there issue it (record its version).  Returns the preview dialog (None: not shown)."""
        if self.session is None:
            return None
        from .preview import preview_sheet
        return preview_sheet(self)

    def performance_report(self):
        """The provider's performance report: provider and period asked (default: the open batch's), then the
        print preview, where «چاپ» or «ذخیره» issue it."""
        from .preview import report_dialog
        return report_dialog(self)

    def write_sheet(self, path: str):
        """Issue the sheet straight to `path`, without a preview (and open it in the system viewer)."""
        from desktop.printing.sheet import write_sheet
        signer = {"name": self.user.full_name or self.user.username, "role": self.user.role}
        info = write_sheet(self.session.to_result(), path, store=self.store, signers=[signer],
                           who=self.user.username)
        self.message(f"برگ تعدیلات در {path} صادر شد")
        try:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices
            if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))   # the system viewer prints it
        except Exception:  # noqa: BLE001  (opening a viewer is a convenience)
            pass
        return info

    def verify_sheet(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "بررسی اصالت برگ چاپی", os.getcwd(), "PDF (*.pdf)")
        if path:
            self.show_verification(path)

    def show_verification(self, path: str) -> str:
        from desktop.printing.verify import verify_pdf
        out = verify_pdf(path, store=self.store)     # the seal, the printed figures and this office's register
        text = out.summary_fa()
        (QMessageBox.information if out.ok else QMessageBox.warning)(self, "بررسی اصالت", text)
        return text

    def install_rule_pack(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "نصب بستهٔ قواعد", os.getcwd(), "YAML (*.yaml *.yml)")
        if path:
            self.install_rules_from(path)

    def install_rules_from(self, path: str) -> bool:
        """Validate a rule pack (schema, check kinds, dates, params, ids) and install it; problems listed in
        Persian with their place. Nothing is installed when anything is wrong."""
        from desktop.engine.rules import install_pack
        dest, problems = install_pack(path)
        if problems:
            lines = "\n".join(p.format_fa() for p in problems[:20])
            QMessageBox.warning(self, "بستهٔ قواعد نصب نشد", lines)
            return False
        QMessageBox.information(self, "بستهٔ قواعد نصب شد",
                                f"بستهٔ قواعد «{Path(path).name}» معتبر است و از بررسی بعدی به کار می‌رود.")
        return True

    def write_result(self, path: str) -> None:
        data = self.session.to_result()
        tmp = Path(path).with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        self.message(f"نتیجه در {path} ذخیره شد")

    # --- the list and the current document ---------------------------------------------------------------------

    def apply_filter(self) -> None:
        if self.model is None:
            return
        f = DocFilter(show=self.show_combo.currentData() or "all", rule=self.rule_combo.currentData(),
                      prescriber=self.prescriber_edit.text(), code=self.code_edit.text(),
                      search=self.search_edit.text())
        keep = self.current_doc
        self.model.set_filter(f)
        self._update_count()
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and self.model.total:
            row = 0
        if row is not None:
            self.go_to_row(row)
        else:
            self.show_document(None)

    def _update_count(self) -> None:
        if self.model is None:
            self.count_label.setText("")
            return
        total = len(self.session.documents)
        shown = self.model.total
        self.count_label.setText(f"{fmt.number(shown)} سند" if shown == total
                                 else f"{fmt.number(shown)} از {fmt.number(total)} سند")

    def _sort_clicked(self, column: int) -> None:
        if self.model is None:
            return
        order = Qt.SortOrder.AscendingOrder
        if self._sort_state and self._sort_state[0] == column and self._sort_state[1] == Qt.SortOrder.AscendingOrder:
            order = Qt.SortOrder.DescendingOrder
        self._sort_state = (column, order)
        keep = self.current_doc
        self.model.sort(column, order)
        self.list_view.horizontalHeader().setSortIndicatorShown(True)
        self.list_view.horizontalHeader().setSortIndicator(column, order)
        if keep is not None:
            row = self.model.row_of(keep)
            if row is not None:
                self.go_to_row(row)

    def go_to_row(self, row: int) -> None:
        if self.model is None or not 0 <= row < self.model.total:
            return
        if row >= self.model.rowCount():
            self.model.row_of(self.model.doc_index(row))      # fetches up to it
        idx = self.model.index(row, 0)
        self.list_view.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.list_view.scrollTo(idx)

    def go_to_document(self, doc_index: int) -> bool:
        """Select a document (clearing the filter if it hides it)."""
        if self.model is None:
            return False
        row = self.model.row_of(doc_index)
        if row is None:
            self.show_combo.setCurrentIndex(0)
            self.rule_combo.setCurrentIndex(0)
            for e in (self.prescriber_edit, self.code_edit, self.search_edit):
                e.clear()
            self.model.set_filter(DocFilter())
            self._update_count()
            row = self.model.row_of(doc_index)
        if row is None:
            return False
        self.go_to_row(row)
        return True

    def _list_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.model is None or not current.isValid():
            return
        self.show_document(self.model.doc_index(current.row()))

    def show_document(self, doc_index: int | None, keep_row: bool = False) -> None:
        self.current_doc = doc_index
        if self.session is None or doc_index is None:
            self.paper.show_view(None)
            self.findings.show_findings(None, None)
            return
        view = self.session.document(doc_index)
        self.paper.show_view(view, keep_row=keep_row)
        self.findings.show_findings(view, self.paper.current_place())

    def _place_changed(self, place) -> None:
        if self.paper.view is not None:
            self.findings.show_findings(self.paper.view, place)

    def current_row(self) -> int:
        return self.list_view.currentIndex().row() if self.model is not None else -1

    def next_doc(self, step: int = 1) -> bool:
        row = self.current_row() + step
        if self.model is None or not 0 <= row < self.model.total:
            self.message("به پایان فهرست رسیدید" if step > 0 else "به آغاز فهرست رسیدید")
            return False
        self.go_to_row(row)
        return True

    def prev_doc(self) -> bool:
        return self.next_doc(-1)

    def next_flagged(self, step: int = 1) -> bool:
        if self.model is None:
            return False
        docs = self.session.documents
        row = self.current_row() + step
        step = 1 if step >= 0 else -1
        while 0 <= row < self.model.total:
            d = docs[self.model.doc_index(row)]
            if d.flagged or d.mark != TICK:
                self.go_to_row(row)
                return True
            row += step
        self.message("سند دارای یافتهٔ دیگری در این جهت نیست")
        return False

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    # --- marking ----------------------------------------------------------------------------------------------------

    def _decide(self, fn, *args, **kwargs):
        if self.session is None or self.current_doc is None:
            return None
        try:
            d = fn(*args, **kwargs)
        except ReviewError as exc:
            self.message(exc.message_fa, error=True)
            if exc.code in ("signed", "forbidden"):
                QMessageBox.warning(self, "علامت ثبت نشد", exc.message_fa)
            return None
        self._after_change(self.current_doc)
        self.decisionMade.emit(d)
        return d

    def _after_change(self, doc_index: int) -> None:
        self.model.document_changed(doc_index)
        if doc_index == self.current_doc:
            self.show_document(doc_index, keep_row=True)
        self.totals_panel.show_totals(self.session.totals())
        self._refresh_state()

    def accept_line(self) -> None:
        place = self.paper.current_place()
        if place is None:
            return
        if self._decide(self.session.accept, self.current_doc, place) is not None:
            if not self.paper.next_row():
                self.message("ردیف پایانی سند؛ Enter: پذیرش همهٔ سند و سند بعد")

    def accept_doc(self) -> None:
        if self._decide(self.session.accept, self.current_doc) is not None:
            self.next_doc()

    def tick_line(self) -> None:
        place = self.paper.current_place()
        if place is not None and self._decide(self.session.tick, self.current_doc, place) is not None:
            self.paper.next_row()

    def tick_doc(self) -> None:
        self._decide(self.session.tick, self.current_doc)

    def circle_line(self) -> None:
        a = self.paper.current_amount()
        if a is None or self.session is None:
            return
        dlg = CircleDialog(a, self.session.reasons(), self)
        if dlg.exec():
            self._decide(self.session.circle, self.current_doc, a.place, dlg.value(), dlg.reason())

    def zero_line(self) -> None:
        a = self.paper.current_amount()
        if a is None or self.session is None:
            return
        dlg = ZeroDialog(self.session.reasons(), a.proposed_rule or (a.rules[0] if a.rules else None),
                         parent=self)
        if dlg.exec():
            if self._decide(self.session.zero, self.current_doc, a.place, dlg.reason()) is not None:
                self.paper.next_row()

    def zero_doc(self) -> None:
        if self.session is None or self.current_doc is None:
            return
        e = self.session.documents[self.current_doc]
        dlg = ZeroDialog(self.session.reasons(), e.rules[0] if e.rules else None, "کسر کامل همهٔ سند (۰)", self)
        if dlg.exec():
            self._decide(self.session.zero, self.current_doc, Place(), dlg.reason())

    def record_fact(self):
        """F6: record a fact of the paper (fact_dialog.FactDialog); the rules re-run for the document, its page and
        the totals are redrawn, the status bar says what changed.  Returns the dialog (None: no document)."""
        if self.session is None or self.current_doc is None:
            return None
        from .fact_dialog import FactDialog, change_text
        index = self.current_doc
        before = self.session.documents[index]
        before = (before.proposed_mark, before.proposed_approved, before.rules)
        view = self.session.document(index)
        done: list = []

        def record(path, value, note):
            try:
                done.append(self.session.record_fact(index, path, value, note))
            except ReviewError as exc:
                if exc.code in ("signed", "forbidden"):     # no value would do: close the dialog and say why
                    dlg.reject()
                    self.message(exc.message_fa, error=True)
                    QMessageBox.warning(self, "واقعیت ثبت نشد", exc.message_fa)
                return exc.message_fa
            return None

        dlg = FactDialog(view.entry.kind, view.doc, record,
                         f"ثبت واقعیت برگه — سند {fmt.number(view.entry.seq)}", self)
        self.fact_dlg = dlg
        if dlg.exec() and done:
            for i in self.session.changed_documents - {index}:
                self.model.document_changed(i)
            self._after_change(index)
            self.message(change_text(done[-1], before, self.session.documents[index]))
        return dlg

    def undo(self) -> None:
        self._undo_redo(self.session.undo if self.session else None)

    def redo(self) -> None:
        self._undo_redo(self.session.redo if self.session else None)

    def _undo_redo(self, fn) -> None:
        if fn is None:
            return
        try:
            doc_index = fn()
        except ReviewError as exc:
            self.message(exc.message_fa, error=True)
            return
        if doc_index != self.current_doc:
            self.go_to_document(doc_index)
        for i in self.session.changed_documents - {doc_index}:     # a fact undone: its insured's other rows
            self.model.document_changed(i)
        self._after_change(doc_index)

    # --- batch states -----------------------------------------------------------------------------------------------

    def _refresh_state(self) -> None:
        s = self.session
        self.state_menu.clear()
        header_moves = self.header.moves
        while header_moves.count():
            w = header_moves.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        if s is None:
            return
        self.header.state.setText(STATE_FA.get(s.state, s.state))
        self.signed_banner.setVisible(s.state == "signed")
        for state, needs_reason in s.allowed_moves():
            if s.state == "signed":
                text = "بازگشایی پرونده…"
            elif needs_reason:
                text = f"بازگرداندن به {STATE_FA[state]}…"
            else:
                text = _MOVE_FA.get(state, STATE_FA[state])
            a = QAction(text, self)
            a.triggered.connect(lambda _c=False, st=state, nr=needs_reason: self.move_batch(st, nr))
            self.state_menu.addAction(a)
            b = QPushButton(text)
            b.setObjectName(f"move_{state}")
            b.clicked.connect(a.trigger)
            header_moves.addWidget(b)
        if not s.allowed_moves():
            self.state_menu.addAction("تغییری برای شما ممکن نیست").setEnabled(False)

    def move_batch(self, state: str, needs_reason: bool, reason: str | None = None) -> bool:
        if self.session is None:
            return False
        if needs_reason and reason is None:
            title = "بازگشایی پروندهٔ امضاشده" if self.session.state == "signed" else "تغییر وضعیت پرونده"
            dlg = TextReasonDialog(title, "دلیل را بنویسید (در سابقهٔ پرونده ثبت می‌شود):", parent=self)
            if not dlg.exec():
                return False
            reason = dlg.value()
        elif state == "signed" and reason is None:
            if QMessageBox.question(self, "امضای پرونده", "پرونده امضا شود؟ پس از امضا علامت‌ها تغییر نمی‌کنند "
                                                            "مگر با بازگشایی.") != QMessageBox.StandardButton.Yes:
                return False
        try:
            self.session.move_to(state, reason)
        except (ReviewError,) as exc:
            self.message(exc.message_fa, error=True)
            return False
        except Exception as exc:       # StoreError from the store
            self.message(getattr(exc, "message_fa", str(exc)), error=True)
            return False
        self._refresh_state()
        self.message(f"وضعیت پرونده: {STATE_FA[state]}")
        return True

    # --- users and help ---------------------------------------------------------------------------------------------

    def users_dialog(self) -> None:
        from .users_dialog import UsersDialog
        UsersDialog(Users(self.store), self.user, self).exec()

    def change_password(self) -> None:
        from PySide6.QtWidgets import QInputDialog
        text, ok = QInputDialog.getText(self, "تغییر گذرواژه", "گذرواژهٔ تازه:", QLineEdit.EchoMode.Password)
        if ok:
            try:
                Users(self.store).set_password(self.user, self.user.username, text)
                self.message("گذرواژه تغییر کرد")
            except ReviewError as exc:
                self.message(exc.message_fa, error=True)

    def help_dialog(self) -> None:
        HelpDialog(self).exec()

    def closeEvent(self, event) -> None:
        self.settings.set("window_geometry", self.saveGeometry())
        self.settings.set("splitter_state", self.splitter.saveState())
        super().closeEvent(event)
