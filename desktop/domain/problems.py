"""Located problems: what intake, loaders and rule-pack validation return instead of raising.

A problem names the file first, then the place inside it (a JSON path such as
`$.prescriptions[3].items[0].requested.total`, or `row 12, column rvu_professional` for CSV), then
what is wrong, in Persian for the user and in English for the log (design.md: error messages are
public API).
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Problem", "InputError"]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    path: str
    message_en: str
    message_fa: str
    code: str = "invalid"          # short machine tag: invalid_type, invalid_date, not_in_list, …

    def format_en(self) -> str:
        return f"{self.file}: {self.path}: {self.message_en}"

    def format_fa(self) -> str:
        return f"{self.file}: {self.path}: {self.message_fa}"

    def to_dict(self) -> dict:
        return {"file": self.file, "path": self.path, "code": self.code,
                "message_en": self.message_en, "message_fa": self.message_fa}


class InputError(Exception):
    """Raised at a boundary (CLI, GUI import) carrying every problem found; nothing was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = self.problems[0].format_en() if self.problems else "invalid input"
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)
