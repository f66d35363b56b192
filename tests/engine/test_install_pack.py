"""An administrator installs a new rule pack (a circular): it is validated first and only a valid pack takes effect."""
from pathlib import Path

from desktop.cli import main
from desktop.engine.rules import load_rules, office_rules_dir

GOOD = """pack: circular-test
source: "بخشنامهٔ آزمایشی"
effective: {from: "1404/09/01"}
rules:
  - id: TEST-CIRCULAR-1
    text_fa: "آزمایش"
    reason_fa: "آزمایش"
    check: condition
    level: line
    params: {when: {field: item.code, in: ["801170"]}}
    action: flag_review
"""


def test_install_valid_pack_takes_effect(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "home"))
    f = tmp_path / "circular-test.yaml"
    f.write_text(GOOD, encoding="utf-8")
    before = len(load_rules().rules)
    assert main(["rules", "install", str(f)]) == 0
    assert (office_rules_dir() / "circular-test.yaml").exists()
    rules = load_rules()
    assert len(rules.rules) == before + 1
    assert any(r.pack == "circular-test" and str(r.eff_from) == "1404/09/01" for r in rules.rules)


def test_invalid_pack_is_refused_and_not_installed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RASIDEGI_HOME", str(tmp_path / "home"))
    f = tmp_path / "bad.yaml"
    f.write_text(GOOD.replace("check: condition", "check: no_such_check").replace('"1404/09/01"', '"1404/07/31"'),
                 encoding="utf-8")
    assert main(["rules", "install", str(f)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "no_such_check" in err and "1404/07/31" in err
    assert not (office_rules_dir() / "bad.yaml").exists()
