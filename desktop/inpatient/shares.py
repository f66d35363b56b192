"""Franchise and organisation share of a bill (inpatient ماده ۳, ۲۰-۲, ۲۱-۲), accident windows (ماده ۲۳, modifier 99)
and ages.

* `split_shares(amounts, bases, franchise)` — INP-20-2: the franchise is computed once on the bill's approved total
  (rounded half up to whole Rials) and shared out over the headings; the insured pays the franchise on the base
  amount — without the full-time (RVU-90) or deprived-area (RVU-95) increase, which only the insurer pays.
* `in_accident_window(on, discharged_on, months)` — INP-23-A-3 / RVU-99: a service on or before the day two months
  after the (first) discharge.
* `age_years(birth, on)`, `age_days(birth, on)` — full years / days at a date.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from desktop.domain.jalali import JDate

__all__ = ["rial", "split_shares", "in_accident_window", "age_years", "age_days"]


def rial(x) -> int:
    return int(Decimal(x).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_shares(approved: Sequence[int], bases: Sequence[int], franchise) -> list[tuple[int, int]]:
    """[(organisation share, insured share)] per heading. The insured's share = franchise × base, computed on the
    bill's total and distributed by largest remainder so the headings add up to the total; never above the heading's
    approved amount."""
    f = Decimal(str(franchise))
    raw = [Decimal(min(b, a)) * f for a, b in zip(approved, bases)]
    total = rial(sum(raw, Decimal(0)))
    floors = [int(r) for r in raw]
    rest = total - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - floors[i]), reverse=True)
    for i in order[:max(0, rest)]:
        floors[i] += 1
    out = []
    for a, ins in zip(approved, floors):
        ins = min(ins, a)
        out.append((a - ins, ins))
    return out


def in_accident_window(on: JDate, discharged_on: JDate, months: int = 2) -> bool:
    """The service date is within `months` calendar months after the discharge (inclusive of that day)."""
    return on <= discharged_on.add_months(months)


def age_years(birth: JDate | None, on: JDate | None) -> int | None:
    if birth is None or on is None:
        return None
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return max(0, years)


def age_days(birth: JDate | None, on: JDate | None) -> int | None:
    if birth is None or on is None:
        return None
    return on - birth
