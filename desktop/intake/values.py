"""The checks of single values of claim-batch/1 (interchange.md "General conventions", rule-inputs.md types).

`check(spec, value)` is the reference: it returns `(model_value, json_value)` -- the value for the domain model and
its canonical JSON form (digits normalised, Arabic ي/ك → Persian ی/ک, dates `yyyy/mm/dd`) -- or a `Bad`.  The
generated builders (codegen.py) accept the common already-canonical values inline and call `check` for
everything else, so `check` alone decides what is valid.

Caches: dates, date-times, months and times are parsed once per distinct string; a national id's checksum is
computed once per distinct id; a code's form once per distinct code.  The caches are plain dicts/sets bounded in
size (cleared when full), shared by every batch of the process.
"""
from __future__ import annotations

import math
import re

from desktop.domain.jalali import JDate, JDateTime, JMonth, days_in_month, normalize_digits
from desktop.intake.messages import Bad, MONTHS_FA, fa_digits, found, show, show_fa, type_bad

__all__ = ["Spec", "check", "check_element", "JSONConstant", "DATES", "DATETIMES", "MONTHS", "TIMES",
           "NATIONAL_IDS", "CODES", "nid_fast", "national_id_problem", "trusted_date", "trusted_datetime",
           "trusted_month", "trusted_time", "norm_text", "norm_ident"]

CACHE_LIMIT = 1_000_000
FLOAT_MAX = 1.7976931348623157e308

MONTHS_EN = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey",
             "Bahman", "Esfand")


class JSONConstant:
    """NaN / Infinity / -Infinity in a file: not JSON numbers (json.loads accepts them); every check refuses it."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return self.name


class Spec:
    """One field of the schema (desktop.domain.schema), in the shape the checks use."""

    __slots__ = ("table", "key", "attr", "path", "type", "list", "enum", "enum_list", "pattern", "check",
                 "nullable", "required", "empty_when_absent", "ref", "object", "map_key", "map_value", "src")

    def __init__(self, table: str, f: dict):
        self.table = table
        self.key = f["key"]
        self.attr = f.get("attr", f["key"])
        self.path = f.get("path", f["key"])
        self.type = f["type"]
        self.list = bool(f.get("list"))
        self.enum_list = list(f["enum"]) if f.get("enum") else None
        self.enum = frozenset(f["enum"]) if f.get("enum") else None
        self.pattern = re.compile(f["pattern"]) if f.get("pattern") else None
        self.check = f.get("check")
        self.nullable = f.get("nullable", True)
        self.required = f.get("required", False)
        self.empty_when_absent = f.get("empty_when_absent", False)
        self.ref = f.get("ref")
        self.object = f.get("object")
        self.src = f.get("src", "")
        m = f.get("map")
        self.map_key = Spec(table, {"key": self.key, **m["key"], "nullable": False}) if m else None
        self.map_value = Spec(table, {"key": self.key, **m["value"]}) if m else None

    def __repr__(self):
        return f"Spec({self.table}.{self.key}: {self.type}{'[]' if self.list else ''})"


# ---------------------------------------------------------------------------------------------------------------
# text

def norm_text(v: str) -> str:
    """Arabic yeh/kaf → Persian (ZWNJ and everything else kept)."""
    return v.replace("ي", "ی").replace("ك", "ک")


def norm_ident(v: str) -> str:
    """An identifier: digits → Latin, Arabic yeh/kaf → Persian."""
    return normalize_digits(v).replace("ي", "ی").replace("ك", "ک")


def _check_string(spec, v):
    if v.__class__ is not str:
        return type_bad("string", v)
    if spec.check == "national_id":
        return _check_national_id(v)
    c = v if v.isascii() else norm_ident(v)
    return c, c


def _check_slug(spec, v):
    if v.__class__ is not str:
        return type_bad("slug", v)
    c = v if v.isascii() else norm_ident(v)
    return c, c


def _check_text(spec, v):
    if v.__class__ is not str:
        return type_bad("text", v)
    c = norm_text(v)
    return c, c


# ---------------------------------------------------------------------------------------------------------------
# national id

NATIONAL_IDS: set[str] = set()     # canonical ids whose checksum is right
_NID_RE = re.compile(r"^[0-9]{10}$")


def nid_fast(v: str) -> bool:
    """True (and remembered) when v is a canonical, valid national id; False means: ask national_id_problem."""
    if len(v) == 10 and v.isascii() and v.isdigit():
        b = v.encode()
        r = (b[0] * 10 + b[1] * 9 + b[2] * 8 + b[3] * 7 + b[4] * 6 + b[5] * 5 + b[6] * 4 + b[7] * 3 + b[8] * 2
             - 2592) % 11      # 2592 = 48 × (10 + 9 + … + 2): the ASCII offset of the digits
        if (r if r < 2 else 11 - r) == b[9] - 48 and v != v[0] * 10:
            if len(NATIONAL_IDS) >= CACHE_LIMIT:
                NATIONAL_IDS.clear()
            NATIONAL_IDS.add(v)
            return True
    return False


def national_id_problem(v: str) -> Bad | None:
    """Why a (normalised) string is not a national id, or None if it is one."""
    if not _NID_RE.match(v):
        return Bad("invalid_national_id", f"{show(v)} is not a national id: it must be 10 digits",
                   f"کد ملی «{show_fa(v)}» معتبر نیست: کد ملی باید ۱۰ رقم باشد")
    if v == v[0] * 10:
        return Bad("invalid_national_id", f"{v} is not a national id: ten repeated digits",
                   f"کد ملی {fa_digits(v)} معتبر نیست: کد ملی با ده رقم تکراری پذیرفته نیست")
    s = sum(int(v[i]) * (10 - i) for i in range(9))
    r = s % 11
    check_digit = r if r < 2 else 11 - r
    if check_digit != int(v[9]):
        return Bad("invalid_national_id",
                   f"{v} is not a national id: the check digit should be {check_digit}, not {v[9]}",
                   f"کد ملی {fa_digits(v)} معتبر نیست: رقم کنترل آن باید {fa_digits(check_digit)} باشد، "
                   f"نه {fa_digits(v[9])}")
    return None


def _check_national_id(v):
    c = normalize_digits(v).strip()
    bad = national_id_problem(c)
    if bad is not None:
        return bad
    nid_fast(c)
    return c, c


# ---------------------------------------------------------------------------------------------------------------
# codes

CODES: set[str] = set()            # canonical codes seen
_CODE_RE = re.compile(r"^(?:[0-9]+|T2-[0-9]+)$")


def _check_code(spec, v):
    if v.__class__ is not str:
        if isinstance(v, int) and not isinstance(v, bool):
            return Bad("invalid_type", f"a code must be a string: write \"{v}\", not {v}",
                       f"کد خدمت باید رشته باشد: آن را در گیومه بنویسید (\"{v}\")، نه به صورت عدد {fa_digits(v)}")
        return type_bad("code", v)
    c = normalize_digits(v).strip()
    if c[:3].upper() == "T2-":
        c = "T2-" + c[3:]
    if not _CODE_RE.match(c):
        return Bad("invalid_code",
                   f"{show(v)} is not a service code: a national code is digits (6 in the book), "
                   f"a dental Table-2 service is T2-<row>; write null for no code",
                   f"«{show_fa(v)}» کد خدمت نیست: کد ملی خدمت عددی (شش‌رقمی) است و خدمات جدول ۲ دندانپزشکی "
                   f"به شکل T2-ردیف؛ اگر کدی نوشته نشده null بنویسید")
    if len(CODES) >= CACHE_LIMIT:
        CODES.clear()
    CODES.add(c)
    return c, c


# ---------------------------------------------------------------------------------------------------------------
# enums

def _check_enum(spec, v):
    if v.__class__ is not str:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and spec.enum and str(v) in spec.enum:
            return Bad("invalid_type", f"expected the string \"{v}\", found the number {v}",
                       f"باید رشتهٔ \"{v}\" (در گیومه) باشد، اما عدد {fa_digits(v)} آمده است")
        return type_bad("enum", v)
    c = norm_ident(v).strip()
    if (spec.enum and c in spec.enum) or (spec.pattern is not None and spec.pattern.match(c)):
        return c, c
    allowed = list(spec.enum_list or [])
    if spec.pattern is not None:
        allowed.insert(0, spec.pattern.pattern.removeprefix("^(?:").removesuffix(")$").replace("[0-9]+", "<n>"))
    return Bad("not_in_list", f"{show(v)} is not one of: {', '.join(allowed)}",
               f"مقدار «{v}» در فهرست مقادیر مجاز نیست؛ مقادیر مجاز: {'، '.join(allowed)}")


# ---------------------------------------------------------------------------------------------------------------
# numbers

def _negative(v, what_en="a value", what_fa="مقدار"):
    return Bad("negative", f"{what_en} cannot be negative ({show(v)})",
               f"{what_fa} نمی‌تواند منفی باشد ({show_fa(v)})")


def _check_int(spec, v):
    if v.__class__ is int:
        return (v, v) if v >= 0 else _negative(v)
    if v.__class__ is float:
        if math.isfinite(v) and v == int(v):
            return (int(v), int(v)) if v >= 0 else _negative(v)
        return Bad("invalid_number", f"expected a whole number, found {show(v)}",
                   f"باید عدد صحیح باشد، اما {show_fa(v)} آمده است")
    return type_bad("int", v)


def _check_number(spec, v):
    if v.__class__ is int or v.__class__ is float:
        if not math.isfinite(v):
            return type_bad("number", v)
        return (v, v) if v >= 0 else _negative(v)
    return type_bad("number", v)


_DIGITS_RE = re.compile(r"^[0-9]+$")
_NEG_DIGITS_RE = re.compile(r"^-[0-9]+$")


def _check_rials(spec, v):
    if v.__class__ is int:
        return (v, v) if v >= 0 else _negative(v, "an amount", "مبلغ")
    if v.__class__ is float:
        if math.isfinite(v) and v == int(v):
            return (int(v), int(v)) if v >= 0 else _negative(v, "an amount", "مبلغ")
        return Bad("invalid_amount", f"an amount in Rials is a whole number, found {show(v)}",
                   f"مبلغ به ریال باید عدد صحیح باشد، اما {show_fa(v)} آمده است")
    if v.__class__ is str:
        s = normalize_digits(v).strip()
        if _DIGITS_RE.match(s):
            n = int(s)
            return n, n
        if _NEG_DIGITS_RE.match(s):
            return _negative(v, "an amount", "مبلغ")
        return Bad("invalid_amount", f"{show(v)} is not an amount in Rials (digits only)",
                   f"«{show_fa(v)}» مبلغ به ریال نیست (فقط رقم)")
    return type_bad("rials", v)


def _check_bool(spec, v):
    return type_bad("bool", v)


# ---------------------------------------------------------------------------------------------------------------
# dates

DATES: dict[str, JDate] = {}          # canonical "yyyy/mm/dd" → JDate
DATETIMES: dict[str, JDateTime] = {}  # canonical "yyyy/mm/dd HH:MM" → JDateTime
MONTHS: dict[str, JMonth] = {}        # canonical "yyyy/mm" → JMonth
TIMES: dict[str, int] = {}            # canonical "HH:MM" → minutes of the day
_RAW: dict[tuple[str, str], object] = {}   # (kind, raw string) → (value, canonical) or Bad

_DATE_RE = re.compile(r"^\s*([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})\s*$")
_DT_RE = re.compile(r"^\s*([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})(?:\s+|T)([0-9]{1,2}):([0-9]{2})\s*$")
_MONTH_RE = re.compile(r"^\s*([0-9]{4})[/-]([0-9]{1,2})\s*$")
_TIME_RE = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})\s*$")


def _remember(cache: dict, key, value):
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _year_month(y: int, mo: int, raw: str, kind_en: str, kind_fa: str) -> Bad | None:
    if y < 1200 or y > 1600:
        return Bad(f"invalid_{kind_en}", f"{show(raw)}: {y} is not a Jalali (Solar Hijri) year",
                   f"{kind_fa} «{show_fa(raw)}» معتبر نیست: سال {fa_digits(y)} سال شمسی نیست")
    if not 1 <= mo <= 12:
        return Bad(f"invalid_{kind_en}", f"{show(raw)}: there is no month {mo}",
                   f"{kind_fa} «{show_fa(raw)}» معتبر نیست: ماه {fa_digits(mo)} وجود ندارد (ماه از ۱ تا ۱۲ است)")
    return None


def _date_parts(y: int, mo: int, d: int, raw: str) -> JDate | Bad:
    bad = _year_month(y, mo, raw, "date", "تاریخ")
    if bad is not None:
        return bad
    canon = f"{y:04d}/{mo:02d}/{d:02d}"
    dim = days_in_month(y, mo)
    if d < 1 or d > dim:
        if d < 1:
            return Bad("invalid_date", f"{canon} is not a date: there is no day {d}",
                       f"تاریخ {fa_digits(canon)} معتبر نیست: روز {fa_digits(d)} وجود ندارد")
        if mo == 12:
            leap_en = f" ({y} is not a leap year)" if dim == 29 else ""
            leap_fa = f" (سال {fa_digits(y)} کبیسه نیست)" if dim == 29 else ""
            return Bad("invalid_date", f"{canon} is not a date: Esfand {y} has {dim} days{leap_en}",
                       f"تاریخ {fa_digits(canon)} معتبر نیست: اسفند سال {fa_digits(y)} {fa_digits(dim)} روز دارد"
                       f"{leap_fa}")
        return Bad("invalid_date", f"{canon} is not a date: {MONTHS_EN[mo - 1]} has {dim} days",
                   f"تاریخ {fa_digits(canon)} معتبر نیست: {MONTHS_FA[mo - 1]} ماه {fa_digits(dim)} روز دارد")
    jd = DATES.get(canon)
    if jd is None:
        jd = JDate.of(y, mo, d)
        _remember(DATES, canon, jd)
    return jd


def _check_date(spec, v):
    if v.__class__ is not str:
        return type_bad("date", v)
    hit = _RAW.get(("d", v))
    if hit is not None:
        return hit
    m = _DATE_RE.match(normalize_digits(v))
    if not m:
        res = Bad("invalid_date", f"{show(v)} is not a date of the form yyyy/mm/dd",
                  f"«{show_fa(v)}» تاریخ نیست؛ تاریخ باید به شکل سال/ماه/روز باشد، مثلاً ۱۴۰۴/۰۷/۰۵")
    else:
        jd = _date_parts(int(m[1]), int(m[2]), int(m[3]), v)
        res = jd if jd.__class__ is Bad else (jd, str(jd))
    _remember(_RAW, ("d", v), res)
    return res


def _check_datetime(spec, v):
    if v.__class__ is not str:
        return type_bad("datetime", v)
    hit = _RAW.get(("dt", v))
    if hit is not None:
        return hit
    m = _DT_RE.match(normalize_digits(v))
    if not m:
        res = Bad("invalid_datetime", f"{show(v)} is not a date-time of the form yyyy/mm/dd HH:MM",
                  f"«{show_fa(v)}» تاریخ و ساعت نیست؛ باید به شکل سال/ماه/روز ساعت:دقیقه باشد، "
                  f"مثلاً ۱۴۰۴/۰۷/۰۵ ۱۰:۳۰")
    else:
        jd = _date_parts(int(m[1]), int(m[2]), int(m[3]), v)
        hh, mi = int(m[4]), int(m[5])
        if jd.__class__ is Bad:
            res = Bad("invalid_datetime", jd.en, jd.fa)
        elif hh > 23 or mi > 59:
            res = Bad("invalid_datetime", f"{show(v)}: {hh:02d}:{mi:02d} is not a time of day",
                      f"«{show_fa(v)}» معتبر نیست: ساعت {fa_digits(f'{hh:02d}:{mi:02d}')} وجود ندارد")
        else:
            canon = f"{jd} {hh:02d}:{mi:02d}"
            jdt = DATETIMES.get(canon)
            if jdt is None:
                jdt = JDateTime(jd, hh * 60 + mi)
                _remember(DATETIMES, canon, jdt)
            res = (jdt, canon)
    _remember(_RAW, ("dt", v), res)
    return res


def _check_month(spec, v):
    if v.__class__ is not str:
        return type_bad("month", v)
    hit = _RAW.get(("m", v))
    if hit is not None:
        return hit
    m = _MONTH_RE.match(normalize_digits(v))
    if not m:
        res = Bad("invalid_month", f"{show(v)} is not a month of the form yyyy/mm",
                  f"«{show_fa(v)}» ماه نیست؛ ماه باید به شکل سال/ماه باشد، مثلاً ۱۴۰۴/۰۷")
    else:
        y, mo = int(m[1]), int(m[2])
        res = _year_month(y, mo, v, "month", "ماه")
        if res is None:
            canon = f"{y:04d}/{mo:02d}"
            jm = MONTHS.get(canon)
            if jm is None:
                jm = JMonth(y, mo)
                _remember(MONTHS, canon, jm)
            res = (jm, canon)
    _remember(_RAW, ("m", v), res)
    return res


def _check_time(spec, v):
    if v.__class__ is not str:
        return type_bad("time", v)
    hit = _RAW.get(("t", v))
    if hit is not None:
        return hit
    m = _TIME_RE.match(normalize_digits(v))
    if not m:
        res = Bad("invalid_time", f"{show(v)} is not a time of the form HH:MM",
                  f"«{show_fa(v)}» ساعت نیست؛ باید به شکل ساعت:دقیقه باشد، مثلاً ۰۸:۳۰")
    else:
        hh, mi = int(m[1]), int(m[2])
        if hh > 23 or mi > 59:
            res = Bad("invalid_time", f"{show(v)} is not a time of day",
                      f"ساعت «{show_fa(v)}» وجود ندارد")
        else:
            canon = f"{hh:02d}:{mi:02d}"
            TIMES[canon] = hh * 60 + mi
            res = (hh * 60 + mi, canon)
    _remember(_RAW, ("t", v), res)
    return res


# trusted (already canonical) strings: parse without messages

def trusted_date(v):
    if v is None:
        return None
    r = _check_date(None, v)
    if r.__class__ is Bad:
        raise ValueError(f"not a canonical date: {v!r} ({r.en})")
    return r[0]


def trusted_datetime(v):
    if v is None:
        return None
    r = _check_datetime(None, v)
    if r.__class__ is Bad:
        raise ValueError(f"not a canonical date-time: {v!r} ({r.en})")
    return r[0]


def trusted_month(v):
    if v is None:
        return None
    r = _check_month(None, v)
    if r.__class__ is Bad:
        raise ValueError(f"not a canonical month: {v!r} ({r.en})")
    return r[0]


def trusted_time(v):
    if v is None:
        return None
    r = _check_time(None, v)
    if r.__class__ is Bad:
        raise ValueError(f"not a canonical time: {v!r} ({r.en})")
    return r[0]


# ---------------------------------------------------------------------------------------------------------------
# dispatch

_SCALAR = {"string": _check_string, "slug": _check_slug, "text": _check_text, "code": _check_code,
           "enum": _check_enum, "int": _check_int, "number": _check_number, "rials": _check_rials,
           "bool": _check_bool, "date": _check_date, "datetime": _check_datetime, "month": _check_month,
           "time": _check_time}

_NONE = (None, None)
_NULL = Bad("null", "must not be null", "نباید null (خالی) باشد")
_NULL_ELEMENT = Bad("null", "a list element must not be null", "عضو فهرست نباید null (خالی) باشد")


def check(spec: Spec, v):
    """The whole value of a field (not a dict for a ref/object/map, not a list for a list field: the builders
    handle those) → (model value, canonical JSON value) or Bad."""
    if v is None:
        return _NONE if spec.nullable else _NULL
    if spec.list:
        return type_bad("list", v)
    t = spec.type
    if t == "ref" or t == "object" or t == "map":
        return type_bad("object", v)
    if t == "bool" and (v is True or v is False):
        return v, v
    return _SCALAR[t](spec, v)


def check_element(spec: Spec, v):
    """One element of a list field → (model value, canonical JSON value) or Bad."""
    if v is None:
        return _NULL_ELEMENT
    t = spec.type
    if t == "ref" or t == "object":
        return type_bad("object", v)
    if t == "bool" and (v is True or v is False):
        return v, v
    return _SCALAR[t](spec, v)


def check_scalar(spec: Spec, v, nullable: bool = True):
    """A map key or value (scalar)."""
    if v is None:
        return _NONE if nullable else _NULL
    if spec.type == "bool" and (v is True or v is False):
        return v, v
    return _SCALAR[spec.type](spec, v)


def not_found(expected_en: str, expected_fa: str, value) -> Bad:
    en_found, fa_found = found(value)
    return Bad("invalid_type", f"expected {expected_en}, found {en_found}",
               f"باید {expected_fa} باشد، اما {fa_found} آمده است")
