"""Anaesthesia units (relative-value guide, modifiers 31-46): base, time, modifiers and recovery.

Pure functions; the constants are the manual's and the rule packs pass them (rules/rvu.yaml params).

* `time_units(minutes)` — RVU-42: 1 unit per 15 minutes for the first 4 hours, 1 per 10 minutes after; a remainder of
  5 minutes or more counts as a block. The manual's example: 48 minutes → 3 units.
* `anesthesia_minutes(surgery, recorded)` — RVU-42: anaesthesia runs from 15 minutes before the surgery to 15 minutes
  after it; a recorded anaesthesia longer than that adds nothing (the rest is recovery, modifier 39).
* `recovery_units(surgery_minutes)` — RVU-39, RVU-39-N4: 1 unit per hour of surgery, 30 minutes or more counting as
  an hour, at most 4; none for surgery under 30 minutes.
* `anesthesia_units(AnesthesiaInput)` — RVU-41 and its exclusions: base (3 when the book prints none, RVU-31) + time +
  modifiers 32-38 + recovery, with the findings of every unit refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["time_units", "anesthesia_minutes", "recovery_units", "AnesthesiaInput", "AnesthesiaUnits",
           "anesthesia_units", "MODIFIER_UNITS", "RECOVERY_METHODS"]

MODIFIER_UNITS = {"32": 1, "33": 5, "34": 10, "35": 2, "36": 3, "37": 2, "38": 3}
RECOVERY_METHODS = ("general", "spinal", "epidural", "regional_brachial_plexus", "regional_lumbosacral_plexus",
                    "regional_cervical_plexus")


def time_units(minutes: int, *, first_period: int = 240, first_block: int = 15, later_block: int = 10,
               significant: int = 5) -> int:
    """RVU-42 time units of `minutes` of anaesthesia."""
    if minutes is None or minutes <= 0:
        return 0
    if minutes <= first_period:
        q, r = divmod(minutes, first_block)
        return q + (1 if r >= significant else 0)
    q, r = divmod(minutes - first_period, later_block)
    return first_period // first_block + q + (1 if r >= significant else 0)


def anesthesia_minutes(surgery_minutes: int | None, recorded_minutes: int | None, *, before: int = 15,
                       after: int = 15) -> int | None:
    """Anaesthesia minutes that earn time units: surgery + 15 min before + 15 min after, never more than the
    anaesthesia recorded; the recorded anaesthesia alone when the surgery times are not given (None: neither)."""
    if surgery_minutes is not None:
        allowed = max(0, surgery_minutes) + before + after
        return min(allowed, recorded_minutes) if recorded_minutes is not None else allowed
    return recorded_minutes


def recovery_units(surgery_minutes: int | None, *, per_minutes: int = 60, significant: int = 30,
                   min_surgery: int = 30, max_units: int = 4) -> int:
    """RVU-39-N4: full hours of surgery, a remainder of 30 minutes or more counting as an hour, at most 4; 0 under
    30 minutes of surgery."""
    if surgery_minutes is None or surgery_minutes < min_surgery:
        return 0
    q, r = divmod(surgery_minutes, per_minutes)
    return min(max_units, q + (1 if r >= significant else 0))


@dataclass(slots=True)
class AnesthesiaInput:
    """What one anaesthesia record says, already read from the bill."""
    book_base: Decimal | None                  # highest anaesthesia base among the session's procedures (RVU-41)
    method: str | None
    surgery_minutes: int | None
    recorded_minutes: int | None
    claimed_modifiers: list[str] = field(default_factory=list)
    recovery_minutes: int | None = None        # None: entry/exit not recorded
    recovery_recorded: bool = True             # False: the file says the times are missing (null)
    to_icu: bool = False
    recovery_standard: bool = True             # provider.recovery_standard
    total_value: bool = False                  # the book's base column is a total value (RVU-41-N2)
    age_years: int | None = None
    emergency: bool | None = None              # bill.emergency
    position: str | None = None
    remote_from_site: bool | None = None
    hypothermia: bool | None = None            # None: not recorded (absent)
    pump: bool | None = None
    controlled_hypotension: bool | None = None
    risk: bool | None = None                   # ASA ≥ 2 or a documented risk factor; None: unknown
    modifier_35_used_before: bool = False      # another anaesthesia of the admission already has 35 (RVU-35-N1)


@dataclass(slots=True)
class AnesthesiaUnits:
    base: Decimal = Decimal(0)
    time: int = 0
    modifiers: int = 0
    recovery: int = 0
    minutes: int | None = None
    refused: list[tuple[str, str, int]] = field(default_factory=list)   # (calc, detail, units refused)
    applied: list[str] = field(default_factory=list)                    # modifiers added

    @property
    def total(self) -> Decimal:
        return self.base + self.time + self.modifiers + self.recovery

    def as_dict(self) -> dict:
        b = self.base
        return {"base": int(b) if b == int(b) else float(b), "time": self.time, "modifiers": self.modifiers,
                "recovery": self.recovery}


SEDATION = ("iv_sedation", "standby")
POSITIONS_32 = ("prone", "lateral", "sitting", "semi_sitting", "lithotomy")


def anesthesia_units(a: AnesthesiaInput, *, base_when_none: int = 3, recovery: dict | None = None,
                     time: dict | None = None, min_age_37: int = 70) -> AnesthesiaUnits:
    """RVU-41: base + time + modifiers (32-38) + recovery (39) of one anaesthesia, with what was refused and why.

    Refusals are named by calc step (the rule packs' `calc` names): anes_base3 (RVU-31: base 3, no modifiers, no
    recovery), anes_sedation (RVU-41-N1: base and time only), anes_total_value (RVU-41-N2), mod_35_36 (RVU-36),
    mod_35_once (RVU-35-N1), mod_35, mod_36, mod_37_age, mod_32, mod_33, mod_34, mod_38, and the recovery
    conditions recovery_method, recovery_icu, recovery_stay, recovery_standard, recovery_times, recovery_surgery."""
    out = AnesthesiaUnits()
    rec = {"per_minutes": 60, "significant": 30, "min_surgery": 30, "max_units": 4, "min_stay": 30}
    rec.update(recovery or {})
    tm = {"first_period": 240, "first_block": 15, "later_block": 10, "significant": 5, "before": 15, "after": 15}
    tm.update(time or {})
    base3 = a.book_base is None or a.book_base == 0
    out.base = Decimal(base_when_none) if base3 else Decimal(a.book_base)
    minutes = anesthesia_minutes(a.surgery_minutes, a.recorded_minutes, before=tm["before"], after=tm["after"])
    out.minutes = minutes
    claimed = [m for m in dict.fromkeys(str(x) for x in a.claimed_modifiers) if m in MODIFIER_UNITS]
    if a.total_value:
        # RVU-41-N2: the base column is already the total value: nothing else is added (time included: our reading)
        for m in claimed:
            out.refused.append(("anes_total_value", m, MODIFIER_UNITS[m]))
        t = time_units(minutes or 0, first_period=tm["first_period"], first_block=tm["first_block"],
                       later_block=tm["later_block"], significant=tm["significant"])
        if t:
            out.refused.append(("anes_total_value", "time", t))
        return out
    out.time = time_units(minutes or 0, first_period=tm["first_period"], first_block=tm["first_block"],
                          later_block=tm["later_block"], significant=tm["significant"])
    # which exclusion stops modifiers and recovery
    stop = "anes_sedation" if a.method in SEDATION else ("anes_base3" if base3 else None)
    if stop:
        for m in claimed:
            out.refused.append((stop, m, MODIFIER_UNITS[m]))
        ru = recovery_units(a.surgery_minutes, per_minutes=rec["per_minutes"], significant=rec["significant"],
                            min_surgery=rec["min_surgery"], max_units=rec["max_units"])
        if ru and "39" in [str(x) for x in a.claimed_modifiers]:
            out.refused.append((stop, "39", ru))
        return out
    units = 0
    if "35" in claimed and "36" in claimed:
        drop = "35" if a.emergency is True else "36"
        out.refused.append(("mod_35_36", drop, MODIFIER_UNITS[drop]))
        claimed.remove(drop)
    for m in claimed:
        why = None
        if m == "35":
            if a.modifier_35_used_before:
                why = "mod_35_once"
            elif a.emergency is True:
                why = "mod_35_36"
            elif a.risk is False:
                why = "mod_35"
        elif m == "36" and a.emergency is False:
            why = "mod_36"
        elif m == "37" and a.age_years is not None and a.age_years < min_age_37:
            why = "mod_37_age"
        elif m == "32" and a.position is not None and a.position not in POSITIONS_32 and a.remote_from_site is not True:
            why = "mod_32"
        elif m == "33" and a.hypothermia is False:
            why = "mod_33"
        elif m == "34" and a.pump is False:
            why = "mod_34"
        elif m == "38" and a.controlled_hypotension is not True and a.controlled_hypotension is not None:
            why = "mod_38"
        if why:
            out.refused.append((why, m, MODIFIER_UNITS[m]))
        else:
            units += MODIFIER_UNITS[m]
            out.applied.append(m)
    out.modifiers = units
    # recovery (RVU-39 and its notes)
    ru = recovery_units(a.surgery_minutes, per_minutes=rec["per_minutes"], significant=rec["significant"],
                        min_surgery=rec["min_surgery"], max_units=rec["max_units"])
    possible = recovery_units(max(a.surgery_minutes or 0, rec["min_surgery"]), per_minutes=rec["per_minutes"],
                              significant=rec["significant"], min_surgery=rec["min_surgery"],
                              max_units=rec["max_units"]) if a.surgery_minutes is not None else 0
    why = None
    if a.method not in RECOVERY_METHODS:
        why = "recovery_regional" if (a.method or "").startswith("regional") else "recovery_method"
    elif a.to_icu:
        why = "recovery_icu"
    elif not a.recovery_standard:
        why = "recovery_standard"
    elif not a.recovery_recorded:
        why = "recovery_times"
    elif a.recovery_minutes is not None and a.recovery_minutes < rec["min_stay"]:
        why = "recovery_stay"
    elif ru == 0 and a.surgery_minutes is not None:
        why = "recovery_surgery"
    if why:
        claimed39 = "39" in [str(x) for x in a.claimed_modifiers]
        # recovery not claimed and no recovery times at all: nothing was asked for, nothing is refused
        if claimed39 or why not in ("recovery_method", "recovery_regional", "recovery_times"):
            out.refused.append((why, "39", ru if why != "recovery_surgery" else possible))
        out.recovery = 0
    else:
        out.recovery = ru
    return out
