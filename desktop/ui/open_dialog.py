"""Choosing a stored batch to open: provider, fund, month, documents, state, imported when."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from desktop.review import labels, queries
from desktop.review.session import STATE_FA

from . import fmt

__all__ = ["OpenBatchDialog"]


class OpenBatchDialog(QDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.setWindowTitle("گشودن پروندهٔ ذخیره‌شده")
        self.batch_id: str | None = None
        lay = QVBoxLayout(self)
        rows = queries.batch_rows(store)
        self.table = QTableWidget(len(rows), 7)
        self.table.setObjectName("batchesTable")
        self.table.setHorizontalHeaderLabels(["شناسهٔ پرونده", "مؤسسه", "صندوق", "ماه", "اسناد", "وضعیت",
                                              "تاریخ ورود"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for r, b in enumerate(rows):
            state = STATE_FA.get(b.state, b.state) + ("" if b.has_result else " (بررسی خودکار نشده)")
            cells = (b.batch_id, fmt.digits(b.provider_code), labels.label(labels.FUND, b.fund), fmt.digits(b.period),
                     fmt.number(b.documents), state, fmt.jalali_stamp(b.imported_at))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, b.batch_id)
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        if rows:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _i: self.accept())
        lay.addWidget(self.table)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Open).setText("گشودن")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("انصراف")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        lay.addWidget(box)
        self.resize(900, 420)

    def accept(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            return
        self.batch_id = item.data(Qt.ItemDataRole.UserRole)
        super().accept()
