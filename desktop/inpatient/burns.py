"""Burnt body-surface percent (inpatient ماده ۱۰ الف-۴, the manual's tables 1 and 2: the rule of nines).

The tables ship in rules/inpatient.yaml (INP-10-A-4 params) and reach `tbsa()` from there; the defaults below are
the manual's own figures so the function can be used on its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping

__all__ = ["ADULT_TABLE", "CHILD_TABLE", "ADULT_CM2_PER_PERCENT", "ADULT_SURFACE_CM2", "BurnRegionIn", "tbsa",
           "tbsa_from_area", "is_adult"]

# جدول شماره ۱ (adults, older than 12 years) and جدول شماره ۲ (children): percent of body surface per region;
# limbs are per limb ("هر کدام").
ADULT_TABLE = {"lower_limb": 18, "trunk_posterior": 18, "trunk_anterior": 18, "upper_limb": 9,
               "head_face_neck": 9, "genital": 1}
CHILD_TABLE = {"lower_limb": 14, "trunk_posterior": 18, "trunk_anterior": 18, "upper_limb": 9,
               "head_face_neck": 18}
ADULT_SURFACE_CM2 = 17000        # ۴.۱
ADULT_CM2_PER_PERCENT = 170      # ۴.۲
ADULT_OVER_YEARS = 12            # ۴.۳: «بالای ۱۲ سال»


@dataclass(slots=True)
class BurnRegionIn:
    region: str
    side: str | None = None
    fraction: Decimal = Decimal(1)     # part of the region burnt (1 = the whole region)


def is_adult(age_years: int | None, over: int = ADULT_OVER_YEARS) -> bool:
    """۴.۳: an adult is older than 12 (full years); a child of exactly 12 uses the children's table."""
    return age_years is not None and age_years > over


def tbsa(regions: Iterable[BurnRegionIn], age_years: int | None, *, adult_table: Mapping[str, int] = ADULT_TABLE,
         child_table: Mapping[str, int] = CHILD_TABLE, over: int = ADULT_OVER_YEARS) -> tuple[Decimal, list[str]]:
    """(TBSA %, regions the table has no row for). A limb counts once per side named; the same region and side
    named twice count once."""
    table = adult_table if is_adult(age_years, over) else child_table
    seen: dict[tuple, Decimal] = {}
    unknown = []
    for r in regions:
        if r.region not in table:
            unknown.append(r.region)
            continue
        key = (r.region, r.side if r.region in ("lower_limb", "upper_limb") else None)
        seen[key] = max(seen.get(key, Decimal(0)), Decimal(r.fraction))
    total = sum((Decimal(table[k[0]]) * f for k, f in seen.items()), Decimal(0))
    return total, unknown


def tbsa_from_area(area_cm2, *, cm2_per_percent: int = ADULT_CM2_PER_PERCENT) -> Decimal:
    """۴.۲: an adult's burnt area in cm² as a percent of the body surface (170 cm² = 1 %)."""
    return Decimal(str(area_cm2)) / Decimal(cm2_per_percent)
