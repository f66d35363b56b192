"""«ثبت واقعیت برگه»: the reviewer records from the keyboard a fact of the paper the file lacks or gets wrong (no
stamp, an uncertified erasure, no report attached, the wrong sheet).  The facts and their values are the closed list
of desktop/review/rerun.FACTS; the session checks the value as the intake does and re-runs the rules.

Keyboard: type to filter the facts (↑/↓ choose), Tab to the value (a list: ↑/↓; attachments: Space ticks; typed
values: type), Tab to the note, Enter records, Esc cancels.  A refused value is shown in the dialog, which stays
open."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QStackedWidget, QVBoxLayout)

from desktop.review.rerun import ABSENT, FactSpec, facts_for, value_at, value_fa

from . import fmt
from .dialogs import _buttons

__all__ = ["FactDialog"]


class _Filter(QLineEdit):
    """The facts filter: ↑/↓ move in the list under it while the text keeps the focus."""

    def __init__(self, target: QListWidget, parent=None):
        super().__init__(parent)
        self.target = target

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.target.count():
            row = self.target.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.target.setCurrentRow(max(0, min(row, self.target.count() - 1)))
            return
        super().keyPressEvent(event)


class FactDialog(QDialog):
    """Pick the fact, pick or type its value, an optional note; `record(path, value, note)` records it and returns
    None, or the Persian reason it was refused (the dialog then stays open)."""

    def __init__(self, kind: str, doc: dict, record: Callable[[str, Any, str | None], str | None],
                 title: str = "ثبت واقعیت برگه", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("factDialog")
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.kind, self.doc, self._record = kind, doc, record
        self.specs = facts_for(kind)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("واقعیتی از برگه که پرونده ندارد یا نادرست دارد:"))
        self.facts = QListWidget(objectName="factList")
        self.facts.setMinimumHeight(200)
        self.filter = _Filter(self.facts)
        self.filter.setObjectName("factFilter")
        self.filter.setPlaceholderText("بنویسید تا فهرست کوتاه شود (مهر، امضا، خدشه، پیوست، برگ…)")
        lay.addWidget(self.filter)
        lay.addWidget(self.facts)
        form = QFormLayout()
        self.line = QComboBox(objectName="factLine")
        items = doc.get("items") if isinstance(doc.get("items"), list) else []
        for n, item in enumerate(items):
            code = item.get("code") if isinstance(item, dict) else None
            self.line.addItem(f"ردیف {fmt.number(n + 1)} — {fmt.digits(code or '—')}", n)
        self.line_label = QLabel("ردیف:")
        form.addRow(self.line_label, self.line)
        self.current = QLabel(objectName="factCurrent")
        form.addRow("اکنون در پرونده:", self.current)
        self.stack = QStackedWidget()
        self.choices = QListWidget(objectName="factChoices")      # bool, enum, missing
        self.choices.setMaximumHeight(170)
        self.elements = QListWidget(objectName="factElements")    # attachments: tick what the paper has
        self.elements.setMaximumHeight(200)
        self.typed = QLineEdit(objectName="factTyped")             # int, string, text, date
        for w in (self.choices, self.elements, self.typed):
            self.stack.addWidget(w)
        form.addRow("بر برگه:", self.stack)
        self.hint = QLabel(objectName="factHint")
        self.hint.setStyleSheet("color:#6b7280")
        form.addRow("", self.hint)
        self.note = QLineEdit(objectName="factNote")
        self.note.setPlaceholderText("اختیاری")
        form.addRow("یادداشت:", self.note)
        lay.addLayout(form)
        self.error = QLabel(objectName="factError")
        self.error.setStyleSheet("color:#b91c1c")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        lay.addWidget(_buttons(self))
        self.filter.textChanged.connect(self._refilter)
        self.facts.currentRowChanged.connect(lambda _r: self._fact_changed())
        self.line.currentIndexChanged.connect(lambda _i: self._fact_changed())
        self._refilter("")
        self.filter.setFocus()
        self.resize(560, 640)

    # --- the list of facts --------------------------------------------------------------------------------------

    def _refilter(self, text: str) -> None:
        from desktop.domain.jalali import normalize_digits
        words = normalize_digits(text.strip()).lower().split()
        self.facts.blockSignals(True)
        self.facts.clear()
        for spec in self.specs:
            hay = f"{spec.label_fa} {spec.path}".lower()
            if all(w in hay for w in words):
                item = QListWidgetItem(spec.label_fa)
                item.setData(Qt.ItemDataRole.UserRole, spec)
                self.facts.addItem(item)
        self.facts.blockSignals(False)
        if self.facts.count():
            self.facts.setCurrentRow(0)
        self._fact_changed()

    def spec(self) -> FactSpec | None:
        item = self.facts.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def path(self) -> str | None:
        spec = self.spec()
        if spec is None:
            return None
        if spec.path == "items[].attachments":
            n = self.line.currentData()
            return f"items[{n if n is not None else 0}].attachments"
        return spec.path

    def _fact_changed(self) -> None:
        spec = self.spec()
        self.error.setText("")
        per_line = spec is not None and spec.path == "items[].attachments"
        self.line.setVisible(per_line)
        self.line_label.setVisible(per_line)
        if spec is None:
            self.current.setText("—")
            return
        now = value_at(self.doc, self.path())
        self.current.setText(value_fa(spec, now))
        self.hint.setText(spec.hint_fa)
        if spec.form in ("bool", "enum", "missing"):
            self.choices.clear()
            for value, fa in spec.choices(self.kind):
                item = QListWidgetItem(fa)
                item.setData(Qt.ItemDataRole.UserRole, value)
                self.choices.addItem(item)
            # the first value other than the file's: what the reviewer most likely came to record (an absent
            # stamp or signature reads "as it should be": present, original, no erasure, the right sheet)
            seen = now
            if now is ABSENT and spec.form == "bool":
                seen = True
            elif now is ABSENT and spec.form == "enum":
                seen = next(iter(spec.choices_fa), ABSENT)
            rows = [i for i in range(self.choices.count())
                    if not _same(self.choices.item(i).data(Qt.ItemDataRole.UserRole), seen)]
            self.choices.setCurrentRow(rows[0] if rows else 0)
            self.stack.setCurrentWidget(self.choices)
        elif spec.form == "attachments":
            self.elements.clear()
            if now is ABSENT and spec.path == "items[].attachments":     # the line holds the document's list
                now = value_at(self.doc, "attachments")
            have = set(now) if isinstance(now, list) else set()
            for slug, fa in spec.elements(self.kind):
                item = QListWidgetItem(fa)
                item.setData(Qt.ItemDataRole.UserRole, slug)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if slug in have else Qt.CheckState.Unchecked)
                self.elements.addItem(item)
            self.elements.setCurrentRow(0)
            self.stack.setCurrentWidget(self.elements)
        else:
            self.typed.setText("" if now is ABSENT or now is None else fmt.digits(now))
            self.typed.setPlaceholderText(spec.hint_fa)
            self.stack.setCurrentWidget(self.typed)

    # --- the value --------------------------------------------------------------------------------------------

    def value(self):
        spec = self.spec()
        if spec is None:
            return None
        if spec.form in ("bool", "enum", "missing"):
            item = self.choices.currentItem()
            return item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if spec.form == "attachments":
            return [self.elements.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.elements.count())
                    if self.elements.item(i).checkState() == Qt.CheckState.Checked]
        from desktop.domain.jalali import normalize_digits
        text = normalize_digits(self.typed.text().strip())
        if spec.form == "int":
            return int(text) if text.isdigit() else text or None
        return text or None

    def note_text(self) -> str | None:
        return self.note.text().strip() or None

    def accept(self) -> None:
        path = self.path()
        if path is None:
            self.error.setText("واقعیتی را از فهرست برگزینید")
            return
        refused = self._record(path, self.value(), self.note_text())
        if refused:
            self.error.setText(refused)
            return
        super().accept()


def _same(a, b) -> bool:
    return (a is ABSENT and b is ABSENT) or (a is not ABSENT and b is not ABSENT and a == b and type(a) is type(b))


def change_text(fact, before: tuple, entry) -> str:
    """The status-bar line after a fact was recorded: what was recorded and what the engine's proposal became,
    e.g. «مهر نظام پزشکی پزشک: ندارد — GEN-2: ۵۳۴٬۰۰۰ ریال صفر شد».  `before` is the document's (proposed mark,
    proposed approved, clauses) before the fact; `entry` the list row after it."""
    _mark, approved, rules = before
    added = [r for r in entry.rules if r not in rules]
    removed = [r for r in rules if r not in entry.rules]
    head = f"{fact.label_fa}: {fact.value_fa}"
    diff = approved - entry.proposed_approved
    if diff > 0:
        what = "صفر شد" if entry.proposed_approved == 0 else "کسر شد"
        change = f"{fmt.rtl_join(added) or 'پیشنهاد سامانه'}: {fmt.amount(diff)} ریال {what}"
    elif diff < 0:
        change = f"{fmt.rtl_join(removed) or 'پیشنهاد سامانه'}: {fmt.amount(-diff)} ریال بازگشت"
    elif added or removed:
        change = "بندهای تازه: " + fmt.rtl_join(added) if added else "بندهای برداشته: " + fmt.rtl_join(removed)
    else:
        change = "پیشنهاد سامانه تغییری نکرد"
    kept = entry.decided and (entry.mark != entry.proposed_mark or entry.approved != entry.proposed_approved)
    return f"{head} — {change}" + ("؛ علامت کارشناس بر جای ماند" if kept else "")
