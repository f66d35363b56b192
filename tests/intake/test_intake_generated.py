"""The committed generated builders are what codegen makes of the committed schema."""
from __future__ import annotations

from desktop.intake import codegen


def test_generated_builder_modules_are_up_to_date():
    for trusted, path in codegen.MODULES.items():
        assert path.read_text(encoding="utf-8") == codegen.render(trusted), \
            f"{path.name} is stale: run python -m desktop.intake.codegen"


def test_every_table_has_both_builders():
    from desktop.domain.schema import TABLES
    for table in TABLES:
        assert callable(codegen.builder(table))
        assert callable(codegen.builder(table, trusted=True))
