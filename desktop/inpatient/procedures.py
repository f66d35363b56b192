"""Procedure percentages and relative-value modifiers (relative-value guide, modifiers 27, 46, 51, 53, 63, 80, 85,
90, 95; inpatient ماده ۱۰-۱۲).

Pure functions on `ProcInput` rows (one per billed procedure) — the engine fills them from the bill and the tariff.

* `multiple_procedure_percents(procs)` — RVU-51 and its notes: one session (same date, same anaesthesia) through one
  incision 100/50/25/10/5; through separate incisions by one surgeon 100/80; by two surgeons 100/100; foot surgery
  100/75/25 on one foot and 100/80 for one operation on each foot; operations on different days 100 % each;
  add-on (+) codes 100 % outside the ranking. A procedure billed with qty n counts as n operations.
* `age_percent_63(birth, admitted)` — RVU-63: +50 % up to 6 full months of age, +25 % under 3 full years.
* `professional_multiplier(...)` — RVU-90 / RVU-95 / RVU-95-N1: ×2 for full-time faculty (government sector), × the
  deprived-area coefficient, together at most 3 (additive reading: 1 + 1 + (c − 1)).
* `or_technical_units(...)` — RVU-27 / INP-12: the operating-room technical component of one procedure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Sequence

from desktop.domain.jalali import JDate

__all__ = ["ProcInput", "ProcPercent", "multiple_procedure_percents", "age_percent_63", "professional_multiplier",
           "or_technical_units", "SAME_LADDER", "FOOT_LADDER"]

SAME_LADDER = (100, 50, 25, 10, 5)          # RVU-51 الف-1
FOOT_LADDER = (100, 75, 25)                 # RVU-51 الف-4-الف


@dataclass(slots=True)
class ProcInput:
    index: int                       # position in bill.procedures
    code: str | None
    rv: Decimal                      # professional RV of the book (the ranking value)
    on: JDate | None = None
    session: int | None = None
    incision: str | None = None      # same | different (relative to the session's main procedure)
    bilateral: bool = False
    bilateral_in_description: bool = False   # the book's description already covers both sides (RVU-51-N3)
    foot: bool = False
    laterality: str | None = None
    surgeon: str | None = None
    addon: bool = False
    qty: int = 1


@dataclass(slots=True)
class ProcPercent:
    index: int
    percents: list[int] = field(default_factory=list)   # one per unit (qty, bilateral sides)
    branch: str = "single"           # single | RVU-51 | RVU-51-N1 | RVU-51-N2 | RVU-51-N4 | RVU-51-N5 | addon | …
    review: str | None = None        # a case the manual does not cover (a human decides)

    @property
    def percent(self) -> int:
        return sum(self.percents)


def _ladder(ladder: Sequence[int], i: int) -> int:
    return ladder[i] if i < len(ladder) else ladder[-1]


def multiple_procedure_percents(procs: Sequence[ProcInput], *, same: Sequence[int] = SAME_LADDER,
                                separate_one_surgeon: int = 80, separate_two_surgeons: int = 100,
                                foot_one: Sequence[int] = FOOT_LADDER, foot_both: Sequence[int] = (100, 80)
                                ) -> dict[int, ProcPercent]:
    """Percent paid of each procedure's relative value (by `index`)."""
    out = {p.index: ProcPercent(p.index) for p in procs}
    groups: dict[tuple, list[tuple[ProcInput, int]]] = {}
    for p in procs:
        if p.addon:
            out[p.index].percents = [100] * max(1, p.qty)
            out[p.index].branch = "addon"
            continue
        key = (p.on.ordinal if p.on is not None else None, p.session)
        n = max(1, int(p.qty or 1))
        sides = 2 if (p.bilateral and not p.bilateral_in_description) else 1
        groups.setdefault(key, []).extend((p, k, side) for k in range(n) for side in range(sides))
    for units in groups.values():
        units.sort(key=lambda u: (-u[0].rv, u[0].index, u[1], u[2]))
        if len(units) == 1:
            out[units[0][0].index].percents.append(100)
            continue
        if all(u[0].foot for u in units):
            _foot(units, out, foot_one, foot_both)
            continue
        surgeons = {u[0].surgeon for u in units if u[0].surgeon}
        mixed = len({u[0].incision or "same" for u in units[1:]}) > 1
        seen_surgeons = {units[0][0].surgeon}
        same_rank = 0
        for i, (p, k, side) in enumerate(units):
            pp = out[p.index]
            if i == 0:
                pp.percents.append(100)
                pp.branch = "RVU-51"
                continue
            if p.incision == "different" or side == 1:
                if len(surgeons) > 1 and p.surgeon and p.surgeon not in seen_surgeons:
                    pp.percents.append(separate_two_surgeons)
                    pp.branch = "RVU-51-N2"
                else:
                    pp.percents.append(separate_one_surgeon)
                    pp.branch = "RVU-51-N1"
                seen_surgeons.add(p.surgeon)
            else:
                same_rank += 1
                pp.percents.append(_ladder(same, same_rank))
                pp.branch = "RVU-51"
            if mixed:
                pp.review = "mixed_incisions"
    return out


def _side(unit) -> str:
    p, _k, second = unit
    lat = p.laterality if p.laterality in ("left", "right") else "right"
    return lat if second == 0 else {"left": "right", "right": "left"}[lat]


def _foot(units, out, foot_one, foot_both):
    sides = {_side(u) for u in units}
    if len(sides) == 1:
        for i, (p, *_r) in enumerate(units):
            out[p.index].percents.append(_ladder(foot_one, i))
            out[p.index].branch = "RVU-51-N4"
        return
    if len(units) == 2:
        for i, (p, *_r) in enumerate(units):
            out[p.index].percents.append(foot_both[min(i, len(foot_both) - 1)])
            out[p.index].branch = "RVU-51-N5"
        return
    # both feet, three or more operations: not covered by the manual — one-foot ladder per foot, the second
    # foot's main operation at the bilateral percentage; a human confirms
    first_side = _side(units[0])
    rank: dict[str, int] = {}
    for p, _k, sd in units:
        side = _side((p, _k, sd))
        r = rank.get(side, 0)
        if r == 0 and side != first_side:
            pc = foot_both[1]
        else:
            pc = _ladder(foot_one, r)
        rank[side] = r + 1
        out[p.index].percents.append(pc)
        out[p.index].branch = "RVU-51-N5"
        out[p.index].review = "both_feet_three_or_more"


def age_percent_63(birth: JDate | None, admitted: JDate | None, *, infant_months: int = 6, infant_percent: int = 50,
                   child_years: int = 3, child_percent: int = 25) -> int:
    """RVU-63: +50 % for an infant of 6 full months or less at admission (up to and including the day the infant
    is 6 months old), +25 % for a child under 3 full years (the 3rd birthday is no longer eligible), else 0."""
    if birth is None or admitted is None or admitted < birth:
        return 0
    if admitted <= birth.add_months(infant_months):
        return infant_percent
    if admitted < birth.add_years(child_years):
        return child_percent
    return 0


def professional_multiplier(*, full_time: bool, government: bool, deprivation: Decimal | None,
                            faculty_multiplier: Decimal = Decimal(2), cap: Decimal = Decimal(3),
                            deprivation_cap: Decimal = Decimal(2)) -> Decimal:
    """RVU-90, RVU-95, RVU-95-N1: the multiplier of the professional component the insurer pays.

    Full-time faculty in the government sector ×2 (RVU-90); deprived area × coefficient up to 2 (RVU-95); both:
    1 + (2 − 1) + (c − 1), at most 3 (RVU-95-N1, additive reading)."""
    m = Decimal(1)
    if full_time and government:
        m += faculty_multiplier - 1
    if deprivation is not None and deprivation > 1:
        m += min(Decimal(deprivation), deprivation_cap) - 1
    return min(m, cap)


def or_technical_units(*, rv_professional: Decimal, rv_technical: Decimal | None, in_operating_room: bool,
                       percent: Decimal, plus_85: bool, sector: str = "government",
                       insurer_percent: Decimal = Decimal(40), private_percent: Decimal = Decimal(25),
                       technology_percent: Decimal = Decimal(20)) -> tuple[Decimal, str]:
    """RVU-27 / INP-12: technical units of one procedure and the method used.

    Three values printed → 100 % of the third value (INP-12-2), in or out of the operating room; one value inside
    the operating room → 40 % of the final RV (the insurer's basis in both sectors, INP-12-1; a private centre may
    charge 25 %, `sector='private_centre'` gives that figure); one value outside → none (INP-12-3). The final RV is
    after the multiple-procedure percent and modifier 85 (+20 %: the manual's example 25 → 30 → 12 / 7.5)."""
    factor = percent / 100
    if plus_85:
        factor *= (1 + technology_percent / 100)
    if rv_technical is not None:
        return rv_technical * factor, "three_values"
    if not in_operating_room:
        return Decimal(0), "outside_or"
    pct = private_percent if sector == "private_centre" else insurer_percent
    return rv_professional * factor * pct / 100, "one_value_or"
