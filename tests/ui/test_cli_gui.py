"""`rasidegi gui` and `rasidegi demo` open the desk (desktop.ui.app.main) — or not, without a display."""
from __future__ import annotations

import pytest

from desktop import cli

from .conftest import DEMO_FILES, DEMO_ID


@pytest.fixture
def opened(monkeypatch):
    calls = []
    import desktop.ui.app as app
    monkeypatch.setattr(app, "main", lambda batch=None, **kw: calls.append((batch, kw)) or 0)
    return calls


def test_gui_command(opened, tmp_path):
    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    assert cli.main(["gui", "--db", url, DEMO_FILES[1]]) == 0
    assert opened == [(DEMO_FILES[1], {"db_url": url, "open_batch_id": None, "first_run": True})]


def test_demo_opens_the_desk_on_the_demo_batch_when_asked_or_a_display_is_there(opened, tmp_path, monkeypatch,
                                                                                capsys):
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    out = str(tmp_path / "r.json")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    assert cli.main(["demo", "--db", url, "--out", out]) == 0
    assert opened == []                                  # no display: the totals only
    assert "34,178,000" in capsys.readouterr().out
    monkeypatch.setenv("DISPLAY", ":99")
    assert cli.main(["demo", "--db", url, "--out", out, "--no-gui"]) == 0
    assert opened == []
    assert cli.main(["demo", "--db", url, "--out", out]) == 0
    assert opened == [(None, {"db_url": url, "open_batch_id": DEMO_ID, "first_run": False})]
    monkeypatch.delenv("DISPLAY")
    assert cli.main(["demo", "--db", url, "--out", out, "--gui"]) == 0
    assert len(opened) == 2
