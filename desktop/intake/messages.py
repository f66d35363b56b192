"""What intake says about a bad value: a `Bad` (problem code, English, Persian) and the JSON path of the place.

Messages are public API (design.md): the English one for the log, the Persian one for the user, both naming the
value found and what was expected.  Numbers and dates in Persian text are written with Persian digits.
"""
from __future__ import annotations

import json
import re

__all__ = ["Bad", "fa_digits", "show", "show_fa", "path_str", "type_bad", "MONTHS_FA"]

_TO_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن",
             "اسفند")


def fa_digits(text) -> str:
    """Latin digits → Persian digits."""
    return str(text).translate(_TO_FA)


class Bad:
    """One problem with one value, before it is located (intake adds file and path)."""

    __slots__ = ("code", "en", "fa")

    def __init__(self, code: str, en: str, fa: str):
        self.code = code
        self.en = en
        self.fa = fa

    def __repr__(self):
        return f"Bad({self.code!r}, {self.en!r})"


def show(value, limit: int = 60) -> str:
    """A value as it appears in the file (JSON), shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


_NUMERIC = re.compile(r"^[-+0-9./: ]+$")


def show_fa(value, limit: int = 60) -> str:
    """A value for a Persian message: numbers and dates with Persian digits, other text as written."""
    if isinstance(value, bool) or value is None:
        return show(value, limit)
    if isinstance(value, (int, float)):
        return fa_digits(show(value, limit)).replace(".", "٫")
    if isinstance(value, str):
        if _NUMERIC.match(value):
            return fa_digits(value[:limit])
        return value if len(value) <= limit else value[:limit - 1] + "…"
    return show(value, limit)


def found(value) -> tuple[str, str]:
    """What kind of value was found: (English, Persian)."""
    if value is None:
        return "null", "null (خالی)"
    if value is True or value is False:
        return show(value), f"مقدار منطقی {show(value)}"
    if isinstance(value, (int, float)):
        return f"the number {show(value)}", f"عدد {show_fa(value)}"
    if isinstance(value, str):
        return f"the text {show(value)}", f"متن «{show_fa(value)}»"
    if isinstance(value, list):
        return "a list", "یک فهرست ([…])"
    if isinstance(value, dict):
        return "an object", "یک شیء ({…})"
    name = getattr(value, "name", None) or type(value).__name__
    return f"{name}", f"{name}"


EXPECTED = {
    "string": ("a string", "رشته (متن در گیومه)"),
    "text": ("a text", "متن"),
    "slug": ("a string identifier", "شناسهٔ متنی"),
    "code": ("a code string such as \"700920\"", "کد خدمت به صورت رشته، مثلاً \"700920\""),
    "enum": ("one of the listed values (a string)", "یکی از مقادیر مجاز (رشته)"),
    "int": ("a whole number ≥ 0", "عدد صحیح نامنفی"),
    "number": ("a number ≥ 0", "عدد نامنفی"),
    "rials": ("an amount in Rials (a whole number ≥ 0)", "مبلغ به ریال (عدد صحیح نامنفی)"),
    "bool": ("true or false", "true یا false"),
    "date": ("a date yyyy/mm/dd", "تاریخ به شکل سال/ماه/روز"),
    "datetime": ("a date-time yyyy/mm/dd HH:MM", "تاریخ و ساعت به شکل سال/ماه/روز ساعت:دقیقه"),
    "month": ("a month yyyy/mm", "ماه به شکل سال/ماه"),
    "time": ("a time HH:MM", "ساعت به شکل ساعت:دقیقه"),
    "object": ("an object {…}", "شیء ({…})"),
    "map": ("an object {…}", "شیء ({…})"),
    "list": ("a list […]", "فهرست ([…])"),
}


def type_bad(expected: str, value) -> Bad:
    en_exp, fa_exp = EXPECTED[expected]
    en_found, fa_found = found(value)
    return Bad("invalid_type", f"expected {en_exp}, found {en_found}",
               f"باید {fa_exp} باشد، اما {fa_found} آمده است")


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def path_str(chain) -> str:
    """A path chain (parent, segment) … (None = the root) → `$.prescriptions[3].items[0].requested.total`."""
    segs = []
    while chain is not None:
        chain, seg = chain
        segs.append(seg)
    out = ["$"]
    for seg in reversed(segs):
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        elif _IDENT.match(seg):
            out.append("." + seg)
        else:
            out.append("[" + json.dumps(seg, ensure_ascii=False) + "]")
    return "".join(out)
