"""Account management for administrators: add, change role, set a password, deactivate/reactivate."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from desktop.review.errors import ReviewError
from desktop.review.users import ROLE_FA, User, Users

from .login import AccountDialog, role_combo

__all__ = ["UsersDialog"]


class UsersDialog(QDialog):
    def __init__(self, users: Users, actor: User, parent=None):
        super().__init__(parent)
        self.users, self.actor = users, actor
        self.setWindowTitle("مدیریت حساب‌های کاربری")
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels(["نام کاربری", "نام", "نقش", "وضعیت"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        for text, slot in (("حساب تازه", self._add), ("تغییر نقش", self._role), ("گذرواژهٔ تازه", self._password),
                           ("فعال / غیرفعال", self._toggle)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        close = QPushButton("بستن")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        lay.addLayout(row)
        self.error = QLabel()
        self.error.setStyleSheet("color:#b91c1c")
        lay.addWidget(self.error)
        self.resize(640, 420)
        self.reload()

    def reload(self) -> None:
        people = self.users.list()
        self.table.setRowCount(len(people))
        for r, u in enumerate(people):
            role = ROLE_FA[u.role] + (" + مدیریت حساب‌ها" if u.can_admin and u.role != "admin" else "")
            for c, text in enumerate((u.username, u.full_name, role, "فعال" if u.active else "غیرفعال")):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, u)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def _selected(self) -> User | None:
        item = self.table.item(self.table.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _run(self, fn, *args, **kw) -> None:
        try:
            fn(*args, **kw)
            self.error.setText("")
        except ReviewError as exc:
            self.error.setText(exc.message_fa)
        self.reload()

    def _add(self) -> None:
        dlg = AccountDialog(self.users, self.actor, parent=self)
        if dlg.exec():
            self.reload()

    def _role(self) -> None:
        u = self._selected()
        if u is None:
            return
        dlg = QDialog(self)
        dlg.setWindowTitle(f"نقش {u.full_name}")
        lay = QVBoxLayout(dlg)
        combo = role_combo(u.role)
        lay.addWidget(combo)
        ok = QPushButton("ثبت")
        ok.clicked.connect(dlg.accept)
        lay.addWidget(ok)
        if dlg.exec():
            self._run(self.users.set_role, self.actor, u.username, combo.currentData())

    def _password(self) -> None:
        u = self._selected()
        if u is None:
            return
        text, ok = QInputDialog.getText(self, "گذرواژهٔ تازه", f"گذرواژهٔ تازهٔ {u.full_name}:",
                                        QLineEdit.EchoMode.Password)
        if ok:
            self._run(self.users.set_password, self.actor, u.username, text)

    def _toggle(self) -> None:
        u = self._selected()
        if u is None:
            return
        if u.active and QMessageBox.question(self, "غیرفعال کردن", f"حساب {u.full_name} غیرفعال شود؟") \
                != QMessageBox.StandardButton.Yes:
            return
        self._run(self.users.set_active, self.actor, u.username, not u.active)
