"""Every shipped rule pack loads and validates; every rule id is a catalogue id; docs/rules.md is current."""
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from desktop.engine.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT.parent / "shared" / "rule-catalogue.yaml"


def test_packs_load():
    rules = load_rules()
    assert rules.rules, "no rules loaded"
    assert all(r.text_fa and r.reason_fa for r in rules.rules)


@pytest.mark.skipif(not CATALOGUE.exists(), reason="../shared/rule-catalogue.yaml is not beside the checkout")
def test_rule_ids_are_catalogue_ids():
    ids = {c["id"] for c in yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))}
    rules = load_rules()
    unknown = sorted({r.id for r in rules.rules if r.id not in ids} | {c for r in rules.rules for c in r.covers
                                                                       if c not in ids})
    assert not unknown, f"rule ids not in the catalogue: {unknown}"


@pytest.mark.skipif(not CATALOGUE.exists(), reason="../shared/rule-catalogue.yaml is not beside the checkout")
def test_rules_doc_is_current():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_rules_doc.py"), "--check"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
