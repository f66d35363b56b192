"""Log-in and accounts in the GUI: the first account of a fresh database, wrong passwords, the users dialog."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog

from desktop.review.users import Users
from desktop.ui.login import AccountDialog, LoginDialog
from desktop.ui.users_dialog import UsersDialog

from .conftest import CHEAP, type_text


def test_first_account_then_log_in(qtbot, empty_store):
    users = Users(empty_store, CHEAP)
    first = AccountDialog(users, None, first=True)
    qtbot.addWidget(first)
    qtbot.keyClicks(first.username, "sara")
    type_text(first.full_name, "سارا احمدی")
    qtbot.keyClicks(first.password, "secret-123")
    qtbot.keyClicks(first.again, "secret-12")
    first.accept()
    assert first.result() != QDialog.DialogCode.Accepted and "یکی نیستند" in first.error.text()
    qtbot.keyClicks(first.again, "3")
    first.accept()
    assert first.result() == QDialog.DialogCode.Accepted
    assert first.user.full_name == "سارا احمدی" and first.user.may_manage_users and first.user.pen == "green"

    login = LoginDialog(users, "sara")
    qtbot.addWidget(login)
    qtbot.keyClicks(login.password, "wrong-one")
    login.accept()
    assert login.user is None and login.error.text() == "نام کاربری یا گذرواژه نادرست است یا حساب غیرفعال است"
    login.password.clear()
    qtbot.keyClicks(login.password, "secret-123")
    login.accept()
    assert login.result() == QDialog.DialogCode.Accepted and login.user.username == "sara"


def test_the_users_dialog_lists_and_guards_accounts(qtbot, empty_store):
    users = Users(empty_store, CHEAP)
    sara = users.create(None, "sara", "سارا احمدی", "technical", "secret-123")
    users.create(sara, "reza", "رضا کریمی", "accounting", "secret-456")
    dlg = UsersDialog(users, sara)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2
    assert {dlg.table.item(r, 2).text() for r in range(2)} == {"کارشناس فنی + مدیریت حساب‌ها", "کارشناس حسابداری"}
    row = next(r for r in range(2) if dlg.table.item(r, 0).text() == "sara")
    dlg.table.selectRow(row)
    dlg._run(users.set_active, sara, "sara", False)
    assert "خودتان" in dlg.error.text()
