"""The Persian first-run wizard, driven offscreen (pytest-qt)."""
from __future__ import annotations

import json
import socket

import pytest

pytest.importorskip("PySide6.QtWidgets")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QWizard  # noqa: E402

from desktop import firstrun  # noqa: E402
from desktop.paths import rules_dir  # noqa: E402
from desktop.ui import firstrun_wizard as fw  # noqa: E402


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("RASIDEGI_HOME", str(h))
    return h


@pytest.fixture
def wizard(qtbot, home):
    w = fw.FirstRunWizard()
    qtbot.addWidget(w)
    w.show()
    return w


def _next(w):
    before = w.currentId()
    w.next()
    return w.currentId() != before


def _fill_office(w):
    w.page_office.province.setCurrentIndex(w.page_office.province.findData("اصفهان"))


def test_right_to_left_and_persian(wizard):
    assert wizard.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert "راه‌اندازی" in wizard.windowTitle()
    assert wizard.buttonText(QWizard.WizardButton.NextButton).startswith("بعدی")


def test_office_page_suggests_the_name_from_the_province(wizard):
    assert _next(wizard) and wizard.currentId() == fw.PAGE_OFFICE
    assert not wizard.page_office.isComplete()
    _fill_office(wizard)
    assert wizard.page_office.name.text() == "اداره کل بیمه سلامت استان اصفهان"
    wizard.page_office.province.setCurrentIndex(wizard.page_office.province.findData("یزد"))
    assert wizard.page_office.name.text() == "اداره کل بیمه سلامت استان یزد"      # still the suggestion
    wizard.page_office.name.setText("اداره رسیدگی شهرستان میبد")
    wizard.page_office.province.setCurrentIndex(wizard.page_office.province.findData("اصفهان"))
    assert wizard.page_office.name.text() == "اداره رسیدگی شهرستان میبد"          # typed by hand: kept


def test_whole_wizard_on_this_laptop(wizard, home):
    _next(wizard)
    _fill_office(wizard)
    assert _next(wizard) and wizard.currentId() == fw.PAGE_DATABASE
    assert wizard.page_database.isComplete()                 # this laptop: nothing to test
    assert _next(wizard) and wizard.currentId() == fw.PAGE_ADMIN
    a = wizard.page_admin
    a.full_name.setText("مریم احمدی")
    a.password.setText("Khorshid-1404")
    a.again.setText("Khorshid-14")
    assert not _next(wizard) and "یکسان" in a.error.text()   # refused, says why
    a.again.setText("Khorshid-1404")
    assert _next(wizard) and wizard.currentId() == fw.PAGE_REFERENCE
    assert wizard.page_reference.sample_warning.isVisibleTo(wizard) and "نمونه" in \
        wizard.page_reference.sample_warning.text()
    assert _next(wizard) and wizard.currentId() == fw.PAGE_SUMMARY
    assert "«نمونه»" in wizard.page_summary.summary.text() and "اصفهان" in wizard.page_summary.summary.text()
    assert firstrun.needs_first_run()
    assert _next(wizard) and wizard.currentId() == fw.PAGE_DONE
    assert not firstrun.needs_first_run()
    assert wizard.outcome is not None and wizard.outcome.admin.username == "admin"
    done = wizard.currentPage().text.text()
    assert wizard.outcome.signing_key.fingerprint in done and "admin" in done
    assert (home / "keys").is_dir() and json.loads((home / "office.json").read_text())["province"] == "اصفهان"


def test_bad_tariff_lists_located_problems_and_blocks(wizard, tmp_path):
    bad = tmp_path / "tariff.csv"
    text = (rules_dir() / "sample" / "tariff.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",,3.8,", ",,x,", 1), encoding="utf-8")
    wizard.setStartId(fw.PAGE_REFERENCE)
    wizard.restart()
    page = wizard.page_reference
    page.office.setChecked(True)
    page.tariff.path.setText(str(bad))
    assert not _next(wizard) and wizard.currentId() == fw.PAGE_REFERENCE
    assert page.problems.count() >= 1
    assert "tariff.csv" in page.problems.item(0).text() and "row 2" in page.problems.item(0).text()
    good = tmp_path / "good.csv"
    good.write_text(text, encoding="utf-8")
    page.tariff.path.setText(str(good))
    assert page.check_files() and "درست" in page.status.text()


def test_server_connection_test_runs_off_the_ui_thread(wizard, qtbot):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _next(wizard)
    _fill_office(wizard)
    _next(wizard)
    db = wizard.page_database
    db.server.setChecked(True)
    assert not db.isComplete()                          # a server must pass the test first
    db.host.setText("127.0.0.1")
    db.port.setValue(port)
    db.user.setText("reviewer")
    db.start_check()
    qtbot.waitUntil(lambda: not db.running, timeout=60_000)
    assert not db.isComplete() and ("نپذیرفت" in db.status.text() or "برقرار نشد" in db.status.text())
    assert not _next(wizard)


@pytest.mark.postgres
def test_server_with_accounts_skips_the_admin_page(wizard, qtbot, pg_fresh_url, monkeypatch, tmp_path):
    from sqlalchemy.engine import make_url
    # another laptop has set the server up already
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "laptop1"))
    firstrun.complete_first_run(firstrun.FirstRunSetup("اداره کل بیمه سلامت استان یزد", "یزد", "admin", "مدیر",
                                                       "Khorshid-1404", database_url=pg_fresh_url))
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "laptop2"))
    u = make_url(pg_fresh_url)
    _next(wizard)
    _fill_office(wizard)
    _next(wizard)
    db = wizard.page_database
    db.server.setChecked(True)
    db.host.setText(u.host)
    db.port.setValue(u.port)
    db.dbname.setText(u.database)
    db.user.setText(u.username)
    db.start_check()
    qtbot.waitUntil(lambda: not db.running, timeout=60_000)
    assert db.isComplete() and "حساب کاربری" in db.status.text(), db.status.text()
    assert _next(wizard) and wizard.currentId() == fw.PAGE_REFERENCE
    _next(wizard)
    assert _next(wizard) and wizard.currentId() == fw.PAGE_DONE
    assert wizard.outcome.admin is None and firstrun.configured_db_url().startswith("postgresql+psycopg://")
