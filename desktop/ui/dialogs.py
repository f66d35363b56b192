"""Small dialogs of the desk: the corrected amount of a circle, the reason of a zero (a clause of the manual or
free text), a reason for reopening or sending back, and the list of keys (F1)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QTableWidget, QTableWidgetItem, QVBoxLayout)

from desktop.review.session import AmountState, Reason

from . import fmt
from .keys import KEYS

__all__ = ["ReasonPicker", "CircleDialog", "ZeroDialog", "TextReasonDialog", "HelpDialog", "FREE_TEXT"]

FREE_TEXT = "علت دیگر (متن آزاد)"


def _buttons(dialog: QDialog, ok_text: str = "ثبت") -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)      # Enter anywhere in the dialog confirms
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("انصراف")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ReasonPicker(QLineEdit):
    """Type to filter the manual's clauses (by id or words); ↑/↓ choose; what matches nothing is free text.
    Works as a line edit with a list below it (the list is a sibling the dialog lays out)."""

    def __init__(self, reasons: list[Reason], preferred: str | None = None, parent=None):
        super().__init__(parent)
        self.reasons = reasons
        self.setPlaceholderText("شمارهٔ بند یا واژه‌ای از علت را بنویسید…")
        self.list = QListWidget()
        self.list.setObjectName("reasonList")
        self.list.setMinimumHeight(220)
        self.textChanged.connect(self._refilter)
        self._refilter("")
        if preferred:
            for i in range(self.list.count()):
                r = self.list.item(i).data(Qt.ItemDataRole.UserRole)
                if isinstance(r, Reason) and r.rule == preferred:
                    self.list.setCurrentRow(i)
                    break

    def _refilter(self, text: str) -> None:
        from desktop.domain.jalali import normalize_digits
        t = normalize_digits(text.strip()).lower()
        self.list.clear()
        for r in self.reasons:
            hay = f"{r.rule} {r.text_fa}".lower()
            if not t or all(w in hay for w in t.split()):
                item = QListWidgetItem(f"{r.rule} — {r.text_fa}")
                item.setData(Qt.ItemDataRole.UserRole, r)
                self.list.addItem(item)
        if t:
            free = QListWidgetItem(f"{FREE_TEXT}: {text.strip()}")
            free.setData(Qt.ItemDataRole.UserRole, Reason(None, text.strip()))
            self.list.addItem(free)
        if self.list.count():
            self.list.setCurrentRow(0)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
            row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.list.setCurrentRow(max(0, min(row, self.list.count() - 1)))
            return
        super().keyPressEvent(event)

    def reason(self) -> Reason | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        r = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return r if isinstance(r, Reason) else None


class CircleDialog(QDialog):
    """◯: the corrected amount (Persian or Latin digits) and why."""

    def __init__(self, amount: AmountState, reasons: list[Reason], parent=None):
        super().__init__(parent)
        self.setWindowTitle("تعدیل مبلغ (◯)")
        self.state = amount
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("مبلغ درخواستی:", QLabel(f"<b>{fmt.amount(amount.requested)}</b> ریال"))
        if amount.proposed_approved != amount.requested:
            form.addRow("پیشنهاد سامانه:", QLabel(f"{fmt.amount(amount.proposed_approved)} ریال"))
        self.amount = QLineEdit()
        self.amount.setObjectName("circleAmount")
        self.amount.setPlaceholderText("مبلغ اصلاح‌شده به ریال")
        if amount.approved < amount.requested:
            self.amount.setText(fmt.amount(amount.approved))
        self.amount.selectAll()
        self.amount.textEdited.connect(self._reformat)
        form.addRow("مبلغ اصلاح‌شده:", self.amount)
        lay.addLayout(form)
        lay.addWidget(QLabel("علت تعدیل:"))
        preferred = amount.proposed_rule or (amount.rules[0] if amount.rules else None)
        self.picker = ReasonPicker(reasons, preferred)
        self.picker.setObjectName("circleReason")
        lay.addWidget(self.picker)
        lay.addWidget(self.picker.list)
        self.error = QLabel()
        self.error.setStyleSheet("color:#b91c1c")
        lay.addWidget(self.error)
        lay.addWidget(_buttons(self))
        self.amount.setFocus()

    def _reformat(self, text: str) -> None:
        value = fmt.parse_amount(text)
        if value is not None:
            shown = fmt.amount(value)
            if shown != text:
                self.amount.setText(shown)

    def value(self) -> int | None:
        return fmt.parse_amount(self.amount.text())

    def reason(self) -> Reason | None:
        return self.picker.reason()

    def accept(self) -> None:
        v = self.value()
        if v is None or v <= 0 or v >= self.state.requested:
            self.error.setText("مبلغ اصلاح‌شده باید عددی بزرگ‌تر از صفر و کمتر از مبلغ درخواستی باشد")
            return
        super().accept()


class ZeroDialog(QDialog):
    """0: the reason, picked from the manual's clauses or typed."""

    def __init__(self, reasons: list[Reason], preferred: str | None, title: str = "کسر کامل (۰)", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("علت کسر را برگزینید (بند دستورالعمل) یا بنویسید:"))
        self.picker = ReasonPicker(reasons, preferred)
        self.picker.setObjectName("zeroReason")
        lay.addWidget(self.picker)
        lay.addWidget(self.picker.list)
        self.error = QLabel()
        self.error.setStyleSheet("color:#b91c1c")
        lay.addWidget(self.error)
        lay.addWidget(_buttons(self))
        self.picker.setFocus()

    def reason(self) -> Reason | None:
        return self.picker.reason()

    def accept(self) -> None:
        if self.reason() is None:
            self.error.setText("علت را برگزینید یا بنویسید")
            return
        super().accept()


class TextReasonDialog(QDialog):
    def __init__(self, title: str, prompt: str, ok_text: str = "ثبت", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(prompt))
        self.text = QPlainTextEdit()
        self.text.setObjectName("reasonText")
        lay.addWidget(self.text)
        lay.addWidget(_buttons(self, ok_text))

    def value(self) -> str:
        return self.text.toPlainText().strip()

    def accept(self) -> None:
        if not self.value():
            self.text.setPlaceholderText("دلیل را بنویسید")
            return
        super().accept()


def _key_text(k: str) -> str:
    names = {"Space": "فاصله (Space)", "Return": "Enter", "PgDown": "Page Down", "PgUp": "Page Up",
             "Down": "↓", "Up": "↑"}
    return names.get(k, k)


class HelpDialog(QDialog):
    """The keys of the desk (keys.KEYS), grouped."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("کلیدهای میز رسیدگی")
        lay = QVBoxLayout(self)
        table = QTableWidget(len(KEYS), 3)
        table.setObjectName("keysTable")
        table.setHorizontalHeaderLabels(["گروه", "کلید", "کار"])
        for r, k in enumerate(KEYS):
            keys = [x for x in k.keys if x != "Enter"] if k.action == "accept_doc" else list(k.keys)
            for c, text in enumerate((k.group, " یا ".join(_key_text(x) for x in keys), k.fa)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                table.setItem(r, c, item)
        table.verticalHeader().setVisible(False)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(table)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.button(QDialogButtonBox.StandardButton.Close).setText("بستن")
        box.rejected.connect(self.reject)
        lay.addWidget(box)
        self.resize(720, 560)
