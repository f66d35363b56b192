"""Importing claim-batch/1 files off the UI thread: a progress bar, a cancel button (until storing begins), and —
when a file is invalid — every problem listed in Persian with its place (file, JSON path).  Nothing is stored
unless the whole file is valid (desktop.review.importer)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from desktop.domain.problems import InputError
from desktop.review.importer import STAGE_FA, Cancelled, ImportReport, import_files

from . import fmt
from .workers import Task

__all__ = ["ImportDialog"]


def _progress_value(stage: str, i: int, n: int) -> int:
    n = max(n, 1)
    if stage == "read":
        return int(35 * i / n)
    if stage == "store":
        return int(35 + 65 * i / n)
    if stage == "review":
        return int(35 + 65 * (i + 0.3) / n)
    return 100


class ImportDialog(QDialog):
    """exec() → Accepted with `report` set, or Rejected (cancelled, invalid — `problems` set — or failed)."""

    def __init__(self, store, paths: list[str], *, rules=None, ref=None, parent=None, start: bool = True):
        super().__init__(parent)
        self.store, self.paths = store, [str(p) for p in paths]
        self._rules, self._ref = rules, ref
        self.report: ImportReport | None = None
        self.problems: list = []
        self.error_fa: str | None = None
        self.task: Task | None = None
        self.setWindowTitle("ورود پرونده")
        self.resize(760, 240)
        lay = QVBoxLayout(self)
        names = "، ".join(Path(p).name for p in self.paths)
        self.heading = QLabel(f"ورود {names}")
        self.heading.setWordWrap(True)
        lay.addWidget(self.heading)
        self.stage = QLabel("آماده‌سازی…")
        self.stage.setObjectName("importStage")
        lay.addWidget(self.stage)
        self.bar = QProgressBar()
        self.bar.setObjectName("importProgress")
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p٪")
        lay.addWidget(self.bar)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("importProblems")
        self.table.setHorizontalHeaderLabels(["پرونده", "جای ایراد", "ایراد"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(False)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("لغو")
        self.cancel_button.setObjectName("importCancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        if start:
            self.start()

    # --- running -------------------------------------------------------------------------------------------

    def start(self) -> None:
        self.task = Task(import_files, self.paths, store=self.store, rules=self._rules, ref=self._ref,
                         with_progress=True)
        self.task.signals.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.task.signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.task.signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        QThreadPool.globalInstance().start(self.task)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done.is_set()

    def cancel(self) -> None:
        if self.running:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.stage.setText("در حال لغو… (پس از پایان مرحلهٔ جاری)")
        else:
            self.reject()

    def _on_progress(self, stage: str, i: int, n: int, name: str) -> None:
        self.bar.setValue(_progress_value(stage, i, n))
        count = f" ({fmt.number(i + 1)} از {fmt.number(n)})" if n > 1 and stage != "done" else ""
        self.stage.setText(f"{STAGE_FA.get(stage, stage)}{count}: {name}" if name else STAGE_FA.get(stage, stage))
        if stage in ("store", "review"):
            # storing has begun: the batch goes in whole (one transaction) or not at all
            self.cancel_button.setEnabled(False)
            self.cancel_button.setToolTip("ذخیره آغاز شده است و تا پایان همین پرونده ادامه می‌یابد")

    def _on_finished(self, report: ImportReport) -> None:
        self.report = report
        self.bar.setValue(100)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("بستن")
        if isinstance(exc, Cancelled):
            self.error_fa = exc.message_fa
            self.stage.setText(exc.message_fa)
            self.reject()
            return
        if isinstance(exc, InputError):
            self.show_problems(exc.problems)
            return
        self.error_fa = getattr(exc, "message_fa", None) or f"خطای پیش‌بینی‌نشده: {exc}"
        self.stage.setText(self.error_fa)
        self.stage.setStyleSheet("color:#b91c1c")

    def show_problems(self, problems: list) -> None:
        self.problems = list(problems)
        self.bar.setVisible(False)
        self.stage.setText(f"<b>پرونده وارد نشد و چیزی ذخیره نشد.</b> {fmt.number(len(problems))} ایراد یافت شد؛ "
                           f"آن‌ها را در نرم‌افزار فرستنده اصلاح کنید و دوباره بفرستید:")
        self.stage.setStyleSheet("color:#7f1d1d")
        self.table.setVisible(True)
        self.table.setRowCount(len(problems))
        for r, p in enumerate(problems):
            for c, text in enumerate((fmt.ltr(Path(p.file).name), fmt.ltr(p.path), p.message_fa)):
                item = QTableWidgetItem(text)
                item.setToolTip(p.message_en if c == 2 else text)
                if c == 1:
                    item.setData(Qt.ItemDataRole.UserRole, p)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.resize(max(self.width(), 980), 460)

    def reject(self) -> None:
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
