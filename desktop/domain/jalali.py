"""Jalali (Solar Hijri) dates for the whole product.

Every date in claim-batch/1 is Jalali (`yyyy/mm/dd`, date-times `yyyy/mm/dd HH:MM`, months `yyyy/mm`).
Conversion and validity come from jdatetime only (Qt's Jalali calendar disagrees with it on some leap
years).  jdatetime is slow to construct (~5 µs), and a batch of 100,000 documents holds only a few
hundred distinct dates, so parsing is memoised on the normalised string.

`JDate` compares and subtracts by its Gregorian ordinal, so `b - a` is a number of days.
Nothing here knows about files or errors: `parse_date` raises `ValueError` with an English reason;
the intake turns it into a located problem.
"""
from __future__ import annotations

import re
from functools import lru_cache

import jdatetime

__all__ = [
    "JDate", "JDateTime", "JMonth", "parse_date", "parse_datetime", "parse_month", "parse_time",
    "normalize_digits", "days_in_month", "today",
]

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def normalize_digits(text: str) -> str:
    """Persian (۰-۹) and Arabic-Indic (٠-٩) digits to Latin."""
    return text.translate(_DIGITS)


@lru_cache(maxsize=None)
def days_in_month(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12")
    if month < 12:
        return jdatetime.j_days_in_month[month - 1]
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


class JDate:
    """An immutable Jalali calendar date."""

    __slots__ = ("year", "month", "day", "ordinal")

    def __init__(self, year: int, month: int, day: int, ordinal: int | None = None):
        if ordinal is None:
            try:
                ordinal = jdatetime.date(year, month, day).togregorian().toordinal()
            except ValueError as exc:  # jdatetime: "day is out of range for month"
                raise ValueError(f"{year:04d}/{month:02d}/{day:02d} is not a Jalali date ({exc})") from None
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "ordinal", ordinal)

    def __setattr__(self, name, value):  # immutable
        raise AttributeError("JDate is immutable")

    # comparison and arithmetic by ordinal
    def __eq__(self, other):
        return isinstance(other, JDate) and self.ordinal == other.ordinal

    def __hash__(self):
        return self.ordinal

    def __lt__(self, other): return self.ordinal < other.ordinal
    def __le__(self, other): return self.ordinal <= other.ordinal
    def __gt__(self, other): return self.ordinal > other.ordinal
    def __ge__(self, other): return self.ordinal >= other.ordinal

    def __sub__(self, other):
        if isinstance(other, JDate):
            return self.ordinal - other.ordinal
        if isinstance(other, int):
            return JDate.from_ordinal(self.ordinal - other)
        return NotImplemented

    def __add__(self, days: int) -> "JDate":
        return JDate.from_ordinal(self.ordinal + int(days))

    def __str__(self):
        return f"{self.year:04d}/{self.month:02d}/{self.day:02d}"

    def __repr__(self):
        return f"JDate({self})"

    def __reduce__(self):
        return (JDate, (self.year, self.month, self.day, self.ordinal))

    @staticmethod
    @lru_cache(maxsize=65536)
    def of(year: int, month: int, day: int) -> "JDate":
        """A memoised constructor (jdatetime is slow to construct)."""
        return JDate(year, month, day)

    @property
    def period(self) -> "JMonth":
        return JMonth(self.year, self.month)

    @staticmethod
    @lru_cache(maxsize=65536)
    def from_ordinal(ordinal: int) -> "JDate":
        import datetime as _dt
        j = jdatetime.date.fromgregorian(date=_dt.date.fromordinal(ordinal))
        return JDate(j.year, j.month, j.day, ordinal)

    def end_of_month(self) -> "JDate":
        return JDate.of(self.year, self.month, days_in_month(self.year, self.month))

    def add_months(self, n: int) -> "JDate":
        """Same day number n months later, clipped to the month's last day."""
        m0 = self.year * 12 + (self.month - 1) + n
        y, m = divmod(m0, 12)
        m += 1
        return JDate.of(y, m, min(self.day, days_in_month(y, m)))

    def add_years(self, n: int) -> "JDate":
        y = self.year + n
        return JDate.of(y, self.month, min(self.day, days_in_month(y, self.month)))

    def weekday(self) -> int:
        """0 = Saturday … 6 = Friday (the Iranian week)."""
        return (self.ordinal + 1) % 7  # ordinal 1 (0001-01-01) was a Monday


class JMonth:
    """A Jalali month (`yyyy/mm`), e.g. a batch period."""

    __slots__ = ("year", "month")

    def __init__(self, year: int, month: int):
        if not 1 <= month <= 12:
            raise ValueError(f"{year:04d}/{month:02d} is not a Jalali month")
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)

    def __setattr__(self, name, value):
        raise AttributeError("JMonth is immutable")

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    def __eq__(self, other): return isinstance(other, JMonth) and self.index == other.index
    def __hash__(self): return self.index
    def __lt__(self, other): return self.index < other.index
    def __le__(self, other): return self.index <= other.index
    def __gt__(self, other): return self.index > other.index
    def __ge__(self, other): return self.index >= other.index

    def __add__(self, n: int) -> "JMonth":
        y, m = divmod(self.index + int(n), 12)
        return JMonth(y, m + 1)

    def __sub__(self, other):
        if isinstance(other, JMonth):
            return self.index - other.index
        return self + (-int(other))

    def first_day(self) -> JDate:
        return JDate.of(self.year, self.month, 1)

    def last_day(self) -> JDate:
        return JDate.of(self.year, self.month, days_in_month(self.year, self.month))

    def __str__(self): return f"{self.year:04d}/{self.month:02d}"
    def __repr__(self): return f"JMonth({self})"

    def __reduce__(self):
        return (JMonth, (self.year, self.month))


class JDateTime:
    """A Jalali date with a time of day (minutes)."""

    __slots__ = ("date", "minute")

    def __init__(self, date: JDate, minute: int):
        if not 0 <= minute < 24 * 60:
            raise ValueError("time of day out of range")
        object.__setattr__(self, "date", date)
        object.__setattr__(self, "minute", minute)

    def __setattr__(self, name, value):
        raise AttributeError("JDateTime is immutable")

    @property
    def stamp(self) -> int:
        """Minutes since the Gregorian epoch: differences are durations in minutes."""
        return self.date.ordinal * 1440 + self.minute

    def __eq__(self, other): return isinstance(other, JDateTime) and self.stamp == other.stamp
    def __hash__(self): return self.stamp
    def __lt__(self, other): return self.stamp < other.stamp
    def __le__(self, other): return self.stamp <= other.stamp
    def __gt__(self, other): return self.stamp > other.stamp
    def __ge__(self, other): return self.stamp >= other.stamp

    def __sub__(self, other: "JDateTime") -> int:
        """Minutes between two date-times."""
        return self.stamp - other.stamp

    def __str__(self):
        return f"{self.date} {self.minute // 60:02d}:{self.minute % 60:02d}"

    def __repr__(self): return f"JDateTime({self})"

    def __reduce__(self):
        return (JDateTime, (self.date, self.minute))


_DATE_RE = re.compile(r"^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s*$")
_DT_RE = re.compile(r"^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T]+(\d{1,2}):(\d{2})\s*$")
_MONTH_RE = re.compile(r"^\s*(\d{4})[/-](\d{1,2})\s*$")
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


@lru_cache(maxsize=65536)
def parse_date(text: str) -> JDate:
    """`yyyy/mm/dd` (Persian or Arabic-Indic digits and `-` accepted) → JDate; ValueError if not a date."""
    m = _DATE_RE.match(normalize_digits(text))
    if not m:
        raise ValueError(f"{text!r} is not a date of the form yyyy/mm/dd")
    y, mo, d = (int(g) for g in m.groups())
    if not 1 <= mo <= 12:
        raise ValueError(f"{text!r}: month {mo} is not 1-12")
    if y < 1200 or y > 1600:
        raise ValueError(f"{text!r}: year {y} is not a plausible Jalali year")
    return JDate.of(y, mo, d)


@lru_cache(maxsize=65536)
def parse_datetime(text: str) -> JDateTime:
    m = _DT_RE.match(normalize_digits(text))
    if not m:
        raise ValueError(f"{text!r} is not a date-time of the form yyyy/mm/dd HH:MM")
    y, mo, d, hh, mi = (int(g) for g in m.groups())
    date = parse_date(f"{y:04d}/{mo:02d}/{d:02d}")
    if hh > 23 or mi > 59:
        raise ValueError(f"{text!r}: {hh:02d}:{mi:02d} is not a time of day")
    return JDateTime(date, hh * 60 + mi)


@lru_cache(maxsize=4096)
def parse_month(text: str) -> JMonth:
    m = _MONTH_RE.match(normalize_digits(text))
    if not m:
        raise ValueError(f"{text!r} is not a month of the form yyyy/mm")
    y, mo = int(m.group(1)), int(m.group(2))
    if y < 1200 or y > 1600:
        raise ValueError(f"{text!r}: year {y} is not a plausible Jalali year")
    return JMonth(y, mo)


@lru_cache(maxsize=4096)
def parse_time(text: str) -> int:
    """`HH:MM` → minutes of the day."""
    m = _TIME_RE.match(normalize_digits(text))
    if not m:
        raise ValueError(f"{text!r} is not a time of the form HH:MM")
    hh, mi = int(m.group(1)), int(m.group(2))
    if hh > 23 or mi > 59:
        raise ValueError(f"{text!r} is not a time of day")
    return hh * 60 + mi


def today() -> JDate:
    """Today's Jalali date (for the UI and printing only: the engine never reads the clock)."""
    t = jdatetime.date.today()
    return JDate(t.year, t.month, t.day)
