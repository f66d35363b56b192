"""The issuing office as printed at the top of every sheet: `office.json` in the user data folder.

    {
      "organization": "سازمان بیمه سلامت ایران",
      "office": "اداره کل بیمه سلامت استان اصفهان",
      "unit": "اداره رسیدگی به اسناد پزشکی",
      "province": "اصفهان"
    }

Every key is optional; a missing file or key takes the Persian default (the province from the batch's provider
when the file does not name one).  A file that is not valid JSON, or a value that is not text, is a located
error (file, key, problem), never silently ignored.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop.domain.problems import InputError, Problem
from desktop.paths import user_data_dir

from .persian import PROVINCE_FA

__all__ = ["OfficeSettings", "SETTINGS_FILE", "load_office", "save_office"]

SETTINGS_FILE = "office.json"

DEFAULT_ORGANIZATION = "سازمان بیمه سلامت ایران"
DEFAULT_UNIT = "اداره رسیدگی به اسناد پزشکی"


@dataclass(frozen=True)
class OfficeSettings:
    organization: str = DEFAULT_ORGANIZATION
    office: str = ""              # empty: «اداره کل بیمه سلامت استان <province>»
    unit: str = DEFAULT_UNIT
    province: str = ""            # Persian name

    def office_line(self) -> str:
        if self.office:
            return self.office
        if self.province:
            return f"اداره کل بیمه سلامت استان {self.province}"
        return "اداره کل بیمه سلامت استان"

    def to_dict(self) -> dict:
        return asdict(self)


def _path() -> Path:
    return user_data_dir() / SETTINGS_FILE


def load_office(*, province_slug: str | None = None, path: str | Path | None = None) -> OfficeSettings:
    """The office settings; the defaults for whatever the file does not say.  InputError if the file is bad."""
    p = Path(path) if path is not None else _path()
    data: dict = {}
    if p.exists():
        try:
            data = json.loads(p.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError([Problem(str(p), "$", f"office settings are not readable JSON ({exc})",
                                      f"تنظیمات اداره قابل خواندن نیست (JSON نامعتبر): {exc}", "invalid_settings")])
        if not isinstance(data, dict):
            raise InputError([Problem(str(p), "$", "office settings must be a JSON object",
                                      "تنظیمات اداره باید یک شیء JSON باشد", "invalid_settings")])
    problems = []
    values = {}
    for key in ("organization", "office", "unit", "province"):
        if key in data:
            v = data[key]
            if not isinstance(v, str):
                problems.append(Problem(str(p), f"$.{key}", f"{key} must be text, not {type(v).__name__}",
                                        f"مقدار «{key}» باید متن باشد", "invalid_type"))
            elif v.strip():
                values[key] = v.strip()
    if problems:
        raise InputError(problems)
    if not values.get("province") and province_slug:
        values["province"] = PROVINCE_FA.get(province_slug, "")
    return OfficeSettings(**values)


def save_office(settings: OfficeSettings, *, path: str | Path | None = None) -> Path:
    p = Path(path) if path is not None else _path()
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(settings.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return p
