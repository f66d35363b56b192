"""Where the product finds its shipped data and keeps the user's data.

Shipped data (rule packs, the sample tariff and parameters, fonts, demo batches) lives in the top-level
`rules/` and `resources/` folders of the checkout (design card).  An installed wheel carries them as the
packages `desktop.rules` / `desktop.resources` (see pyproject.toml); a checkout or an editable install
reads the folders directly.  User data (database, settings, signing key, logs) lives in the platform's
user-data folder (platformdirs), or under $RASIDEGI_HOME when that is set (tests, portable installs).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

APP_NAME = "rasidegi"
APP_AUTHOR = "IHIO"


def _shipped(name: str) -> Path:
    here = Path(__file__).resolve().parent
    repo = here.parent / name
    if repo.is_dir():
        return repo
    packaged = here / name
    if packaged.is_dir():
        return packaged
    import sys
    for prefix in (sys.prefix, sys.base_prefix):
        shared = Path(prefix) / "share" / APP_NAME / name
        if shared.is_dir():
            return shared
    raise FileNotFoundError(f"shipped data folder {name!r} not found next to {here}")


@lru_cache(maxsize=None)
def rules_dir() -> Path:
    return _shipped("rules")


@lru_cache(maxsize=None)
def resources_dir() -> Path:
    return _shipped("resources")


def user_data_dir() -> Path:
    home = os.environ.get("RASIDEGI_HOME")
    if home:
        p = Path(home)
    else:
        from platformdirs import user_data_dir as _udd
        p = Path(_udd(APP_NAME, APP_AUTHOR))
    p.mkdir(parents=True, exist_ok=True)
    return p


def default_db_url() -> str:
    return "sqlite:///" + str(user_data_dir() / "rasidegi.sqlite")
