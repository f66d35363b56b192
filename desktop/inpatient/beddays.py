"""Bed-days (manual, inpatient ماده ۶): how many days of hoteling a stay earns and in which bed each day is paid.

Pure functions of date-times (desktop.domain.jalali): no model objects, no reference data.

* `stay_minutes(admitted, discharged)` — the length of the stay.
* `count_bed_days(...)` — INP-6-1, INP-6-2, INP-6-5, INP-6-11: discharge date − admission date − leave days; a stay of
  more than 6 hours within one date is one day; a stay of 6 hours or less earns none (the manual says "more than 6
  hours" earns a day and "less than 6 hours" none: exactly 6 hours earns none, as the catalogue's DECISION on INP-5-B).
* `counted_days(...)` — the calendar dates those bed-days are (admission date onwards, leave taken off the end).
* `ward_of_day(...)` — INP-6-8: on a date with two bed types the dearer is paid if the patient spent more than 6 hours
  in it, otherwise the cheaper.
* `record_days(...)` — the bed-days and wards of an earlier admission (from the history's stay record).
* `days_over_limit(...)` — INP-6-12: psychiatric days beyond 56 in a year from the first admission.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Sequence

from desktop.domain.jalali import JDate, JDateTime

__all__ = ["DAY_MINUTES", "Span", "stay_minutes", "count_bed_days", "counted_days", "minutes_by_ward",
           "ward_of_day", "DayWard", "assign_wards", "days_over_limit", "record_days"]

DAY_MINUTES = 1440


@dataclass(frozen=True, slots=True)
class Span:
    """One ward stay: [start, end) as JDateTimes, with the stay's index in the bill."""
    ward: str
    start: JDateTime
    end: JDateTime
    index: int = 0


def stay_minutes(admitted: JDateTime, discharged: JDateTime) -> int:
    """Minutes between admission and discharge (0 when the discharge is not after the admission)."""
    return max(0, discharged - admitted)


def count_bed_days(admitted: JDateTime, discharged: JDateTime, *, basis_date: JDate | None = None,
                   leave_days: int = 0, min_minutes: int = 360) -> int:
    """Bed-days of one admission (INP-6-1, INP-6-2, INP-6-5, INP-6-11).

    `basis_date` is the discharge date the manual counts to (the physician's discharge order, the personal-consent
    discharge or the death; default: the discharge date-time's date). A stay of `min_minutes` or less earns no
    bed-day; a longer stay earns at least one; otherwise the date difference minus the leave days."""
    minutes = stay_minutes(admitted, discharged)
    if minutes <= min_minutes:
        return 0
    end = basis_date if basis_date is not None else discharged.date
    days = (end - admitted.date) - max(0, int(leave_days or 0))
    return max(days, 1)


def counted_days(admitted: JDateTime, n: int) -> list[JDate]:
    """The calendar dates of `n` bed-days: the admission date and the following dates (the discharge date is not a
    bed-day unless the whole stay is within one date)."""
    return [admitted.date + i for i in range(max(0, n))]


def minutes_by_ward(spans: Iterable[Span], day: JDate) -> dict[str, int]:
    """Minutes spent in each ward on one calendar date (00:00–24:00)."""
    lo = day.ordinal * DAY_MINUTES
    hi = lo + DAY_MINUTES
    out: dict[str, int] = {}
    for s in spans:
        a, b = max(lo, s.start.stamp), min(hi, s.end.stamp)
        if b > a:
            out[s.ward] = out.get(s.ward, 0) + (b - a)
    return out


def ward_of_day(minutes: dict[str, int], rate: Callable[[str], Decimal | int | None],
                min_minutes: int = 360) -> tuple[str | None, str | None]:
    """INP-6-8: (ward paid, dearer ward passed over or None).

    One ward that day: that ward. Several: the dearest ward in which the patient stayed more than `min_minutes`;
    if there is none, the cheapest ward of the day (the manual: "otherwise the cheaper one")."""
    if not minutes:
        return None, None
    if len(minutes) == 1:
        return next(iter(minutes)), None
    priced = sorted(minutes, key=lambda w: (Decimal(rate(w) or 0), w), reverse=True)
    for w in priced:
        if minutes[w] > min_minutes:
            passed = priced[0] if priced[0] != w else None
            return w, passed
    return priced[-1], priced[0]


@dataclass(slots=True)
class DayWard:
    date: JDate
    ward: str
    minutes: dict[str, int] = field(default_factory=dict)
    passed_over: str | None = None     # a dearer ward of that day not paid (INP-6-8)


def assign_wards(spans: Sequence[Span], days: Sequence[JDate], rate: Callable[[str], Decimal | int | None],
                 *, default_ward: str = "general", min_minutes: int = 360) -> list[DayWard]:
    """The ward each counted date is paid in (INP-6-8). A date no stay covers takes the ward of the last stay that
    began before it (or `default_ward` when the bill records no stay)."""
    out = []
    ordered = sorted(spans, key=lambda s: s.start.stamp)
    for d in days:
        mins = minutes_by_ward(ordered, d)
        ward, passed = ward_of_day(mins, rate, min_minutes)
        if ward is None:
            before = [s for s in ordered if s.start.date <= d]
            ward = before[-1].ward if before else (ordered[0].ward if ordered else default_ward)
        out.append(DayWard(d, ward, mins, passed))
    return out


def days_over_limit(days: Iterable[JDate], limit: int, window_months: int = 12) -> set[int]:
    """INP-6-12: the days (ordinals) beyond the first `limit` of their window. The days are every psychiatric
    bed-day of the insured (this bill's and earlier admissions', a date counted once); a window opens on the first
    day not inside an earlier window — the first admission — and lasts `window_months` months ("۸ هفته در سال از
    زمان اولین بستری": 56 days a year from the first admission), its last day excluded."""
    over: set[int] = set()
    end: JDate | None = None
    n = 0
    for d in sorted(set(days), key=lambda x: x.ordinal):
        if end is None or d >= end:
            end, n = d.add_months(window_months), 0
        n += 1
        if n > limit:
            over.add(d.ordinal)
    return over


def record_days(admitted: JDateTime, discharged: JDateTime, spans: Sequence[Span], rate: Callable,
                *, basis_date: JDate | None = None, leave_days: int = 0,
                min_minutes: int = 360) -> list[DayWard]:
    """The counted bed-days of an earlier admission and the ward each is paid in (INP-6-1, 6-2, 6-5, 6-8, 6-11)."""
    n = count_bed_days(admitted, discharged, basis_date=basis_date, leave_days=leave_days, min_minutes=min_minutes)
    return assign_wards(spans, counted_days(admitted, n), rate, min_minutes=min_minutes)
