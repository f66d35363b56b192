"""Numbers, amounts and dates as the reviewer reads them: Persian digits with ٬ separators (QLocale(Persian,
Iran)), Jalali dates.  The data stays Latin; only the text on screen changes."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QLocale

__all__ = ["LOCALE", "amount", "number", "digits", "jalali_stamp", "parse_amount", "rtl_join", "ltr", "RLM"]

LOCALE = QLocale(QLocale.Language.Persian, QLocale.Country.Iran)
_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def amount(n: int | None) -> str:
    """1234567 → ۱٬۲۳۴٬۵۶۷ (Rials)."""
    if n is None:
        return "—"
    return LOCALE.toString(int(n))


def number(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, float) and not x.is_integer():
        return LOCALE.toString(x, "f", 2).rstrip("۰").rstrip("٫")
    return LOCALE.toString(int(x))


def digits(text) -> str:
    """Any text with its Latin digits drawn as Persian digits (dates `1404/07/05` → `۱۴۰۴/۰۷/۰۵`, codes)."""
    if text is None:
        return "—"
    return str(text).translate(_FA)


def jalali_stamp(iso: str | None) -> str:
    """A UTC ISO-8601 event time as a local Jalali date and time (jdatetime), Persian digits."""
    if not iso:
        return "—"
    import jdatetime
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return digits(iso)
    j = jdatetime.datetime.fromgregorian(datetime=moment.replace(tzinfo=None))
    return digits(j.strftime("%Y/%m/%d %H:%M"))


def parse_amount(text: str) -> int | None:
    """A typed amount (Persian, Arabic-Indic or Latin digits; ٬ , or spaces between groups) → int; None if it
    is not a whole number."""
    from desktop.domain.jalali import normalize_digits
    t = normalize_digits((text or "").strip())
    for sep in ("٬", ",", " ", "\u200c", "'", "_"):
        t = t.replace(sep, "")
    if not t.isdigit():
        return None
    return int(t)


RLM = "\u200f"


def rtl_join(items, sep: str = "، ") -> str:
    """Join Latin items (clause ids, `GEN-8: ۱٬۳۷۴٬۰۰۰`) for a right-to-left line: a right-to-left mark around
    each separator keeps the items in reading order (otherwise they would merge into one left-to-right run)."""
    return RLM + (RLM + sep + RLM).join(str(i) for i in items)


def ltr(text: str) -> str:
    """A left-to-right island in right-to-left text (a JSON path `$.prescriptions[2].served_on`, a file name):
    left-to-right embedding … pop, so that `$` and brackets stay where a reader of code expects them."""
    return "\u202a" + str(text) + "\u202c"
