"""Row counts of every table of an SQLite database: what "nothing was stored" is measured with."""
from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["table_counts"]


def table_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()
