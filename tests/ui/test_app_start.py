"""Starting the desk (desktop.ui.app.main): the first-run wizard on a machine never set up, the database chosen
at the first run, a damaged settings file refused with a message instead of a silent switch to a local database."""
from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QMessageBox

import desktop.ui.app as app_mod
from desktop import firstrun
from desktop.store import Store, StoreError


@pytest.fixture
def desk(monkeypatch, settings):
    """app.main with the log-in, the wizard and message boxes recorded instead of shown."""
    import desktop.ui.firstrun_wizard as wizard
    import desktop.ui.settings as settings_mod
    calls = {"wizard": 0, "login": [], "critical": []}
    monkeypatch.setattr(settings_mod, "Settings", lambda: settings)

    def fake_wizard(parent=None):
        calls["wizard"] += 1
        return calls.get("wizard_outcome")
    monkeypatch.setattr(wizard, "run_first_run_wizard", fake_wizard)

    def fake_login(store, _settings):
        calls["login"].append(store.url)
        return None                                  # the person cancels the log-in: main returns 0
    monkeypatch.setattr(app_mod, "_login", fake_login)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: calls["critical"].append(a[2]))
    return calls


def test_a_machine_never_set_up_gets_the_wizard_and_cancelling_it_opens_nothing(desk, _private_home):
    assert firstrun.needs_first_run()
    assert app_mod.main() == 1
    assert desk["wizard"] == 1 and desk["login"] == []
    assert not (_private_home / "rasidegi.sqlite").exists()          # nothing created behind the wizard's back


def test_the_demo_and_a_named_database_skip_the_wizard(desk, _private_home, tmp_path):
    assert app_mod.main(first_run=False) == 0                         # `rasidegi demo`: the embedded default
    assert desk["wizard"] == 0
    assert desk["login"] and desk["login"][0].endswith("rasidegi.sqlite")
    url = f"sqlite:///{tmp_path / 'named.sqlite'}"
    assert app_mod.main(db_url=url) == 0                              # `rasidegi gui --db URL`
    assert desk["wizard"] == 0 and desk["login"][-1].endswith("named.sqlite")


def test_after_the_first_run_the_desk_opens_the_database_it_chose(desk, tmp_path):
    chosen = tmp_path / "office.sqlite"
    firstrun.save_settings({"first_run_completed_at": "2026-11-23T10:00:00Z",
                            "database_url": f"sqlite:///{chosen}"})
    assert not firstrun.needs_first_run()
    assert app_mod.main() == 0
    assert desk["wizard"] == 0
    assert len(desk["login"]) == 1 and desk["login"][0].endswith("office.sqlite")
    assert chosen.exists()


def test_a_damaged_settings_file_is_refused_not_replaced_by_a_local_database(desk, _private_home):
    (_private_home / "settings.json").parent.mkdir(parents=True, exist_ok=True)
    firstrun.settings_path().write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError) as err:
        firstrun.configured_db_url()
    assert "settings" == err.value.code and "تنظیمات" in err.value.message_fa
    assert app_mod.main(first_run=False) == 1
    assert desk["login"] == [] and desk["critical"] and "تنظیمات" in desk["critical"][0]
    assert not (_private_home / "rasidegi.sqlite").exists()


def test_store_open_without_a_url_uses_the_first_run_choice(tmp_path):
    chosen = tmp_path / "chosen.sqlite"
    firstrun.save_settings({"database_url": f"sqlite:///{chosen}"})
    with Store.open() as store:
        assert store.url.endswith("chosen.sqlite")
    assert chosen.exists()
    firstrun.save_settings({"database_url": 42})
    with pytest.raises(StoreError):
        Store.open()
    assert json.loads(firstrun.settings_path().read_text(encoding="utf-8"))["database_url"] == 42
