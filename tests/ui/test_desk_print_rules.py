"""From the desk: issue the signed adjustment sheet of the marks as they stand and check a printed sheet's
authenticity (issue 4); an administrator installs a rule pack, validated before it takes effect (issue 6)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import DEMO_ID, make_window

GOOD_PACK = """pack: circular-from-desk
effective: {from: "1404/09/01"}
rules:
  - id: TEST-DESK-1
    text_fa: "آزمایش"
    reason_fa: "آزمایش"
    check: condition
    level: line
    params: {when: {field: item.code, in: ["801170"]}}
    action: flag_review
"""


def _silence(monkeypatch, seen):
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda parent, title, text, *a, _n=name, **k:
                                                            seen.append((_n, title, text))))


def test_issue_and_verify_the_sheet_from_the_desk(qtbot, demo_store, settings, rules, reference, tmp_path,
                                                  monkeypatch):
    from desktop.printing.verify import verify_pdf
    seen = []
    _silence(monkeypatch, seen)
    w = make_window(qtbot, demo_store, settings, rules, reference)
    w.open_batch(DEMO_ID, background=False)
    out = tmp_path / "sheet.pdf"
    w.write_sheet(str(out))
    assert out.exists() and verify_pdf(str(out)).ok
    assert any(e.get("kind") == "sheet_issued" for e in demo_store.events(DEMO_ID))
    text = w.show_verification(str(out))
    assert seen[-1][0] == "information" and text
    # an altered file is refused
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(out.read_bytes()[: len(out.read_bytes()) // 2])
    w.show_verification(str(bad))
    assert seen[-1][0] == "warning"


def test_install_a_rule_pack_from_the_desk(qtbot, demo_store, settings, rules, reference, tmp_path, monkeypatch):
    from desktop.engine.rules import load_rules, office_rules_dir
    seen = []
    _silence(monkeypatch, seen)
    w = make_window(qtbot, demo_store, settings, rules, reference)
    bad = tmp_path / "bad-pack.yaml"
    bad.write_text(GOOD_PACK.replace("check: condition", "check: nonexistent"), encoding="utf-8")
    assert w.install_rules_from(str(bad)) is False
    assert seen[-1][0] == "warning" and "nonexistent" in seen[-1][2]
    assert not (office_rules_dir() / "bad-pack.yaml").exists()
    good = tmp_path / "circular-from-desk.yaml"
    good.write_text(GOOD_PACK, encoding="utf-8")
    assert w.install_rules_from(str(good)) is True
    assert any(r.id == "TEST-DESK-1" for r in load_rules().rules)
