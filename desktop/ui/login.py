"""Log-in, and the first account of a fresh database (which may manage accounts)."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout)

from desktop.review.errors import ReviewError
from desktop.review.users import ROLE_FA, PEN_FA, PEN, User, Users

__all__ = ["LoginDialog", "AccountDialog"]


def _ok_cancel(dialog: QDialog, ok: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    box.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("انصراف")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def role_combo(current: str | None = None, allow_admin: bool = True) -> QComboBox:
    combo = QComboBox()
    for role, fa in ROLE_FA.items():
        if role == "admin" and not allow_admin:
            continue
        pen = PEN.get(role)
        combo.addItem(f"{fa}" + (f" — قلم {PEN_FA[pen]}" if pen else ""), role)
    if current:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class LoginDialog(QDialog):
    """`user` is set when accepted."""

    def __init__(self, users: Users, last_user: str = "", parent=None):
        super().__init__(parent)
        self.users = users
        self.user: User | None = None
        self.setWindowTitle("ورود به میز رسیدگی")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<b>رسیدگی به اسناد پزشکی</b>"))
        form = QFormLayout()
        self.username = QLineEdit(last_user)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("نام کاربری:", self.username)
        form.addRow("گذرواژه:", self.password)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setStyleSheet("color:#b91c1c")
        lay.addWidget(self.error)
        lay.addWidget(_ok_cancel(self, "ورود"))
        (self.password if last_user else self.username).setFocus()

    def accept(self) -> None:
        try:
            self.user = self.users.authenticate(self.username.text(), self.password.text())
        except ReviewError as exc:
            self.error.setText(exc.message_fa)
            self.password.selectAll()
            self.password.setFocus()
            return
        super().accept()


class AccountDialog(QDialog):
    """A new account (by an administrator), or the first account of an empty database (`first=True`)."""

    def __init__(self, users: Users, actor: User | None, first: bool = False, parent=None):
        super().__init__(parent)
        self.users, self.actor = users, actor
        self.user: User | None = None
        self.setWindowTitle("نخستین حساب کاربری" if first else "حساب کاربری تازه")
        lay = QVBoxLayout(self)
        if first:
            note = QLabel("پایگاه داده هنوز کاربری ندارد. نخستین حساب را بسازید؛ این حساب می‌تواند حساب‌های دیگر "
                          "را نیز مدیریت کند.")
            note.setWordWrap(True)
            lay.addWidget(note)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("newUsername")
        self.username.setPlaceholderText("حروف لاتین، مانند s.ahmadi")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("newFullName")
        self.role = role_combo("technical")
        self.role.setObjectName("newRole")
        self.password = QLineEdit()
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("newPasswordAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.can_admin = QCheckBox("مدیریت حساب‌ها را هم بتواند")
        form.addRow("نام کاربری:", self.username)
        form.addRow("نام و نام خانوادگی:", self.full_name)
        form.addRow("نقش:", self.role)
        form.addRow("گذرواژه:", self.password)
        form.addRow("تکرار گذرواژه:", self.again)
        if not first:
            form.addRow("", self.can_admin)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("accountError")
        self.error.setStyleSheet("color:#b91c1c")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        lay.addWidget(_ok_cancel(self, "ساختن حساب"))

    def accept(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText("گذرواژه و تکرار آن یکی نیستند")
            return
        try:
            self.user = self.users.create(self.actor, self.username.text(), self.full_name.text(),
                                          self.role.currentData(), self.password.text(),
                                          can_admin=self.can_admin.isChecked())
        except ReviewError as exc:
            self.error.setText(exc.message_fa)
            return
        super().accept()
