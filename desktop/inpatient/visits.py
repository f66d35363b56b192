"""Visits and consultations (inpatient ماده ۸ and ۹): how many are payable.

* `visit_count_max(...)` — INP-8-12-N1: bed-days + the discharge-day visit; no discharge-day visit after a death or a
  personal-consent discharge unless a visit before the discharge that day is recorded.
* `cap_visits(...)` — keep the payable visits within that number (the discharge-date visits go first when the
  discharge-day visit is not due, then the latest).
* `one_visit_per_day(...)` — INP-8-2: one visit fee a day for each physician.
* `consultation_limits(...)` — INP-9-3: at most 6 consultations, at most 3 of one specialty; the rest are paid as
  day-2-onwards visits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from desktop.domain.jalali import JDate, JDateTime

__all__ = ["VisitIn", "visit_count_max", "cap_visits", "one_visit_per_day", "ConsultIn", "consultation_limits"]


@dataclass(slots=True)
class VisitIn:
    index: int
    on: JDate | None
    at: JDateTime | None = None
    physician: str | None = None       # council number (or another stable id)


def visit_count_max(bed_days: int, discharge: str | None, discharged_at: JDateTime | None,
                    visits: Sequence[VisitIn] = (), *, no_discharge_visit_if=("death", "personal_consent")) -> int:
    """INP-8-12-N1: the number of payable visits."""
    extra = 1
    if discharge in no_discharge_visit_if:
        extra = 0
        if discharged_at is not None:
            for v in visits:
                if v.at is not None and v.at.date == discharged_at.date and v.at < discharged_at:
                    extra = 1
                    break
    return bed_days + extra


def cap_visits(visits: Sequence[VisitIn], max_count: int, *, discharge_date: JDate | None = None,
               discharge_visit_due: bool = True) -> tuple[list[int], list[int]]:
    """(paid indices, refused indices): at most `max_count` visits, refusing first the visits of the discharge date
    when its visit is not due, then the latest."""
    order = sorted(visits, key=lambda v: ((v.on.ordinal if v.on is not None else 0), v.index))
    refused: list[int] = []
    if not discharge_visit_due and discharge_date is not None:
        keep = []
        for v in order:
            if v.on == discharge_date:
                refused.append(v.index)
            else:
                keep.append(v)
        order = keep
    if len(order) > max_count:
        refused += [v.index for v in order[max(0, max_count):]]
        order = order[:max(0, max_count)]
    return [v.index for v in order], refused


def one_visit_per_day(visits: Sequence[VisitIn], per_day: int = 1) -> tuple[list[int], list[int]]:
    """INP-8-2: (paid, refused) — at most `per_day` visits of one physician on one date (the first kept)."""
    seen: dict[tuple, int] = {}
    paid, refused = [], []
    for v in sorted(visits, key=lambda v: ((v.on.ordinal if v.on is not None else 0), v.index)):
        key = (v.on.ordinal if v.on is not None else None, v.physician)
        n = seen.get(key, 0)
        if n >= per_day and v.on is not None:
            refused.append(v.index)
        else:
            paid.append(v.index)
        seen[key] = n + 1
    return paid, refused


@dataclass(slots=True)
class ConsultIn:
    index: int
    on: JDate | None
    specialty: str | None


def consultation_limits(consults: Sequence[ConsultIn], *, max_total: int = 6, max_per_specialty: int = 3
                        ) -> tuple[list[int], list[int]]:
    """INP-9-3: (paid as consultations, paid as day-2-onwards visits), the later consultations being the excess."""
    paid, excess = [], []
    per: dict = {}
    for c in sorted(consults, key=lambda c: ((c.on.ordinal if c.on is not None else 0), c.index)):
        n = per.get(c.specialty, 0)
        if len(paid) < max_total and n < max_per_specialty:
            paid.append(c.index)
            per[c.specialty] = n + 1
        else:
            excess.append(c.index)
    return paid, excess
