"""The review of one hospital bill, heading by heading (manual, inpatient ماده ۲۰): the engine's glue between the bill
(interchange §1 "Bill"), the reference data, the rule packs (rules/inpatient.yaml, rules/rvu.yaml) and the pure
calculators of this package.

How it works (docs/inpatient-rules.md, "How a bill is reviewed"):

* The rules in force on the bill's service date are of two phases. Phase A (conditions, bundling, coverage: every
  kind but `bill_calc`) runs first; its findings zero a whole heading, a heading line, or one record behind a heading
  (a procedure, an anaesthesia, a visit, a consultation — `data` names it), and those records are left out of the
  calculations. Phase B (`bill_calc` rules) are the calculation steps: each rule's `params.calc` names a step of a
  heading calculator below and carries the clause's numbers.
* A heading calculator returns the amount the heading may be paid (government tariff, the insurer's basis in every
  sector — INP-3-A-N1) and the `Effect`s of its steps: what a step removed from the heading (Rials), or that it only
  raises the heading for review. A step whose rule is not in force is skipped; a heading whose primary step is not in
  force is not computed (proposed as requested).
* Heading approved = min(requested, computed). When the request is above, the deduction is explained by the effects
  whose size fits within it (the hospital evidently billed without that step), the rest by the heading's primary
  clause (or INP-3-A-N1 in the private sector). `citations()` is deterministic: every `bill_calc` rule reads it.

Everything is pure: amounts are whole Rials, rounded half up; K coefficients and bed-day rates are those in force on
the day of the service (the procedure, the visit, the bed-day).
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop.domain.absent import ABSENT
from desktop.domain.fa import fa_amount, fa_digits
from desktop.domain.jalali import JDate, JDateTime
from desktop.inpatient import anesthesia as anes
from desktop.inpatient import beddays as bd
from desktop.inpatient import procedures as pr
from desktop.inpatient import visits as vs
from desktop.inpatient.burns import BurnRegionIn, tbsa, tbsa_from_area, is_adult
from desktop.inpatient.shares import age_years, rial

__all__ = ["BillReview", "Effect", "HeadingCalc", "LineCalc", "current_review", "HEADINGS", "LINE_HEADINGS",
           "CALC_STEPS", "v"]

HEADINGS = ("global_package", "hoteling", "nursing", "visits", "consultations", "surgeon", "assistant_surgeon",
            "anesthesia", "operating_room", "drugs", "supplies", "lab", "imaging", "physiotherapy", "other")
LINE_HEADINGS = ("drugs", "supplies", "lab", "imaging", "physiotherapy", "other")
SPECIAL_WARDS = ("icu", "ccu", "nicu", "picu", "bicu", "ricu")
ROOM_WARDS = ("single", "double")
GOV = ("government_university", "government_other")

# Every calculation step a `bill_calc` rule may name: (heading, role). role: primary (the heading's own clause),
# reduce (removes an amount), deny (zeroes the heading), review (raises it), price (silent: a number or a switch).
CALC_STEPS: dict[str, tuple[str, str]] = {
    # class and shares (ماده ۳, ۵, ۲۰, ۲۱)
    "inpatient_share": ("*", "price"), "observation_share": ("*", "price"), "lsc_share": ("*", "price"),
    "bill_class": ("*", "price"), "tariff_cap": ("*", "primary"),
    # hoteling (ماده ۶)
    "bed_rate": ("hoteling", "primary"), "bed_days": ("hoteling", "reduce"), "min_stay": ("hoteling", "deny"),
    "lsc_no_hoteling": ("hoteling", "deny"), "observation_no_bed_day": ("hoteling", "deny"),
    "leave_days": ("hoteling", "reduce"), "two_bed_types": ("hoteling", "reduce"),
    "room_general": ("hoteling", "reduce"), "isolation": ("hoteling", "review"), "ward_no_tariff": ("hoteling", "reduce"),
    "grade": ("hoteling", "review"), "ward_grade": ("hoteling", "reduce"), "first_year_grade": ("hoteling", "price"),
    "latest_grade": ("hoteling", "price"), "burn_ward": ("hoteling", "price"), "icu_in_house": ("hoteling", "reduce"),
    "icu_30_no_2k": ("hoteling", "reduce"), "psychiatric": ("hoteling", "reduce"),
    "newborn_cap": ("hoteling", "reduce"), "newborn_sick_age": ("hoteling", "review"),
    "monitoring": ("hoteling", "price"), "approved_wards": ("hoteling", "review"), "one_bed_day": ("hoteling", "price"),
    # nursing (ماده ۷)
    "nursing_rate": ("nursing", "primary"), "nursing_icu": ("nursing", "reduce"),
    "nursing_newborn": ("nursing", "reduce"),
    # visits (ماده ۸)
    "visit_rvu": ("visits", "primary"), "visit_one_per_day": ("visits", "reduce"), "visit_cap": ("visits", "reduce"),
    "visit_triage": ("visits", "reduce"), "visit_faculty": ("visits", "price"),
    "observation_visit": ("visits", "reduce"),
    # consultations (ماده ۹)
    "consultation_rvu": ("consultations", "primary"), "consult_limits": ("consultations", "reduce"),
    # surgeon (ماده ۱۰, modifiers)
    "surgeon_fee": ("surgeon", "primary"), "mp_same": ("surgeon", "reduce"), "mp_separate": ("surgeon", "reduce"),
    "mp_pacemaker": ("surgeon", "reduce"), "mp_urodynamic": ("surgeon", "reduce"),
    "mp_two_surgeons": ("surgeon", "price"), "mp_foot": ("surgeon", "reduce"), "mp_foot_both": ("surgeon", "reduce"),
    "mp_mixed": ("surgeon", "review"), "mp_days": ("surgeon", "review"), "addon_full": ("surgeon", "price"),
    "addon_anes": ("anesthesia", "reduce"),
    "mp_bilateral": ("surgeon", "price"), "mod_63": ("surgeon", "reduce"), "mod_63_burn": ("surgeon", "price"),
    "mod_85": ("surgeon", "reduce"), "mod_85_once": ("surgeon", "reduce"), "mod_53": ("surgeon", "reduce"), "mod_53_window": ("surgeon", "reduce"),
    "mod_53_caesarean": ("surgeon", "reduce"), "mod_90": ("surgeon", "reduce"), "mod_95": ("surgeon", "reduce"),
    "mod_90_95_cap": ("surgeon", "reduce"), "mod_46": ("surgeon", "reduce"), "mod_46_cap": ("surgeon", "reduce"),
    "mod_46_professional": ("surgeon", "price"), "mod_46_or": ("operating_room", "reduce"), "surgery_times": ("surgeon", "reduce"),
    "burn_services": ("surgeon", "price"), "mod_60": ("surgeon", "reduce"), "mod_60_diagnostic": ("surgeon", "reduce"),
    "mod_60_anesthesia": ("anesthesia", "reduce"),
    # assistant (ماده ۱۱, modifier 80)
    "assistant_fee": ("assistant_surgeon", "primary"), "assistant_none": ("assistant_surgeon", "deny"),
    # anaesthesia (modifiers 31-46)
    "anes_total": ("anesthesia", "primary"), "anes_time": ("anesthesia", "reduce"),
    "anes_base3": ("anesthesia", "reduce"), "anes_sedation": ("anesthesia", "reduce"),
    "anes_total_value": ("anesthesia", "reduce"), "anes_each_modifier": ("anesthesia", "price"),
    "mod_32": ("anesthesia", "reduce"), "mod_33": ("anesthesia", "reduce"), "mod_34": ("anesthesia", "reduce"),
    "mod_35": ("anesthesia", "reduce"), "mod_35_once": ("anesthesia", "reduce"), "mod_35_36": ("anesthesia", "reduce"),
    "mod_36": ("anesthesia", "reduce"), "mod_37_age": ("anesthesia", "reduce"), "mod_38": ("anesthesia", "reduce"),
    "recovery": ("anesthesia", "price"), "recovery_method": ("anesthesia", "reduce"),
    "recovery_icu": ("anesthesia", "reduce"), "recovery_stay": ("anesthesia", "reduce"),
    "recovery_standard": ("anesthesia", "reduce"), "recovery_times": ("anesthesia", "reduce"),
    "recovery_surgery": ("anesthesia", "reduce"), "recovery_regional": ("anesthesia", "reduce"),
    "anes_63": ("anesthesia", "price"), "anes_local_surgeon": ("anesthesia", "deny"),
    "pain_management": ("anesthesia", "reduce"), "anes_no_record": ("anesthesia", "review"),
    "labour_analgesia": ("anesthesia", "price"),
    # operating room (ماده ۱۲, modifier 27)
    "or_one_value": ("operating_room", "primary"), "or_three_values": ("operating_room", "reduce"),
    "or_outside": ("operating_room", "deny"),
    # heading lines
    "line_tariff": ("lines", "primary"), "mod_86": ("lines", "reduce"), "mod_86_home": ("lines", "price"),
    "lab_admission": ("lines", "reduce"), "supply_min_rate": ("lines", "reduce"),
    "prosthesis_price": ("lines", "reduce"), "dialysis_acute": ("lines", "reduce"),
    "dialysis_chronic": ("lines", "reduce"), "dialysis_peritoneal": ("lines", "reduce"),
    "chemo_long": ("lines", "reduce"), "chemo_refill": ("lines", "reduce"), "ecg_professional": ("lines", "price"),
    "exercise_professional": ("lines", "reduce"),
    # global packages (ماده ۲۲, ۱۰-ح)
    "global_tariff": ("global_package", "primary"), "global_lsc_hoteling": ("global_package", "reduce"),
    "global_caesarean_no_indication": ("global_package", "reduce"),
    "global_modifiers": ("global_package", "reduce"), "global_second_k": ("global_package", "reduce"),
    "global_exit": ("global_package", "review"), "global_53": ("global_package", "review"),
    "global_day_case": ("global_package", "price"), "global_prosthesis": ("global_package", "price"),
    # an itemised global operation: the package's headings at most at the global tariff (INP-22-8, INP-10-H-1)
    "global_cap": ("*", "reduce"), "global_cap_delivery": ("*", "reduce"),
    # burns (ماده ۱۰ الف-۴)
    "burn_tbsa": ("*", "review"),
}

# the primaries that only say "the government tariff": in the private sector the deduction is INP-3-A-N1's
GENERIC_PRIMARY = frozenset({"bed_rate", "surgeon_fee", "line_tariff", "or_one_value", "anes_total", "visit_rvu",
                             "consultation_rvu", "assistant_fee"})

_CURRENT: ContextVar["BillReview | None"] = ContextVar("rasidegi_bill_review", default=None)
_BUSY = object()        # a memo being computed


def _spread(total: int, weights: dict) -> dict:
    """`total` Rials over the keys in proportion to their weights, whole Rials rounded down, the remainder to the
    largest weight (the first of equal ones)."""
    W = sum(weights.values())
    if not total or W <= 0:
        return {k: 0 for k in weights}
    out = {k: total * w // W for k, w in weights.items()}
    top = max(weights, key=lambda k: weights[k])
    out[top] += total - sum(out.values())
    return out


def package_exception(ctx, on, spec: dict, line) -> bool:
    """A heading line a global package does not include (a `bill_global_includes` rule's exceptions): a prosthesis
    (INP-22-3), a code or chapter the package leaves out (INP-22-4), a code of an `except_groups` group."""
    if spec.get("except_prosthesis") and v(getattr(line, "prosthesis", None)) is True:
        return True
    code = v(getattr(line, "code", None))
    if code is None:
        return False
    if code in spec.get("except_codes", ()):
        return True
    row = ctx.tariff_row(code)
    if row is not None and row.chapter in spec.get("except_chapters", ()):
        return True
    return any(code in ctx.code_group(g, on) for g in spec.get("except_groups", ()))


def v(x, default=None):
    """The value, or `default` where the key is absent or null."""
    return default if x is ABSENT or x is None else x


def _fact3(x) -> bool | None:
    """A recorded fact: absent → None (as it should be), null/false → False (not recorded / not done), a value →
    its truth (a number is a recorded measurement: True)."""
    if x is ABSENT:
        return None
    if x is None or x is False:
        return False
    return True


def _dec(x) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


@dataclass(slots=True)
class Effect:
    calc: str | None                 # the calc step (a rule's params.calc); None for a phase-A exclusion
    kind: str                        # reduce | deny | review | add | excluded
    amount: int | None               # Rials removed (None: unknown size)
    detail_fa: str = ""
    data: dict = field(default_factory=dict)
    line: int | None = None          # heading line (0-based) the effect concerns
    finding: Any = None              # the phase-A finding behind an exclusion


@dataclass(slots=True)
class LineCalc:
    index: int
    requested: int
    computed: int | None = None
    effects: list[Effect] = field(default_factory=list)
    primary: str | None = None
    paid_code: str | None = None
    paid_qty: float | None = None


@dataclass(slots=True)
class HeadingCalc:
    name: str
    requested: int
    computed: int | None = None      # payable amount; None = not computed (proposed as requested)
    primary: str | None = None
    effects: list[Effect] = field(default_factory=list)
    base_insured: int | None = None  # the amount the insured's franchise is computed on (RVU-90/95: without them)
    qty: float | None = None
    paid_qty: float | None = None
    lines: list[LineCalc] | None = None


def current_review(ev) -> "BillReview":
    """The review of the bill under evaluation (set by engine.bills.evaluate_bill), or a fresh one for `ev`."""
    r = _CURRENT.get()
    if r is not None and r.doc is ev.doc:
        return r
    return BillReview(ev, [])


class BillReview:
    """Facts, calculators and citations of one bill (see the module docstring)."""

    def __init__(self, ev, rules):
        self.ev = ev
        self.doc = ev.doc
        self.ctx = ev.ctx
        self.provider = ev.batch.provider
        self.rules = list(rules)
        self.calc_rules: dict[str, Any] = {}
        for r in self.rules:
            if r.check == "bill_calc":
                for c in r.compiled["calcs"]:
                    self.calc_rules.setdefault(c, r)
        self.phase_a: list = []
        self.excluded: dict[str, dict[int, Any]] = {"procedure": {}, "assistant": {}, "anesthesia": {}, "visit": {},
                                                     "consultation": {}}
        self.heading_denies: dict[str, Any] = {}
        self.proc_adjust: dict[int, Any] = {}      # procedure index → adjusting finding (paid_code / qty / percent)
        self.line_findings: dict[tuple[str, int], list] = {}
        self._headings: dict[str, HeadingCalc] = {}
        self._cit: dict[str, list] = {}
        self._memo: dict[str, Any] = {}
        self.computed: dict[str, Any] = {}
        self.bill_denied = False         # a phase-A deny of the whole bill (the amount stage zeroes everything)
        self.token = None

    # ------------------------------------------------------------------------------------------------ plumbing
    def __enter__(self):
        self.token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc):
        _CURRENT.reset(self.token)
        return False

    def enabled(self, calc: str) -> bool:
        return calc in self.calc_rules

    def const(self, calc: str, key: str, default=None):
        r = self.calc_rules.get(calc)
        if r is None:
            return default
        val = r.params.get(key, default)
        return default if val is None else val

    def memo(self, key, fn):
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def absorb(self, findings) -> None:
        """Phase-A findings: exclusions of records, heading denies, line findings."""
        self.phase_a = list(findings)
        for f in findings:
            d = f.data or {}
            if f.heading is None and f.line is None and not any(k in d for k in self.excluded) \
                    and f.severity == "deny":
                self.bill_denied = True
                continue            # a whole-bill deny: the amount stage zeroes everything
            if f.severity != "deny" and f.severity != "adjust":
                if f.heading and f.line is not None:
                    self.line_findings.setdefault((f.heading, f.line), []).append(f)
                continue
            if f.heading and f.line is not None:
                self.line_findings.setdefault((f.heading, f.line), []).append(f)
                continue
            if f.severity == "adjust" and "procedure" in d and d.get("part") != "assistant":
                self.proc_adjust.setdefault(int(d["procedure"]) - 1, f)
                continue
            key = next((k for k in ("assistant", "procedure", "anesthesia", "visit", "consultation")
                        if k in d and (k != "assistant" or d.get("part") == "assistant")), None)
            if d.get("part") == "assistant" and "procedure" in d:
                self.excluded["assistant"].setdefault(int(d["procedure"]) - 1, f)
            elif key is not None and f.severity == "deny":
                self.excluded[key].setdefault(int(d[key]) - 1, f)
            elif f.heading and f.severity == "deny":
                self.heading_denies.setdefault(f.heading, f)
        self._headings.clear()
        self._cit.clear()
        self._memo.pop("global_cap", None)
        self.computed.pop("global_cap", None)

    # ------------------------------------------------------------------------------------------------ basic facts
    @property
    def sector_gov(self) -> bool:
        return v(getattr(self.provider, "sector", None)) in GOV

    @property
    def is_lsc(self) -> bool:
        return self.ev.provider_kind == "limited_surgery_center"

    @property
    def admitted(self) -> JDateTime | None:
        return v(getattr(self.doc, "admitted_at", None))

    @property
    def discharged(self) -> JDateTime | None:
        return v(getattr(self.doc, "discharged_at", None))

    @property
    def stay_minutes(self) -> int | None:
        a, d = self.admitted, self.discharged
        if a is None or d is None:
            return None
        start = a
        arrived = v(getattr(self.doc, "arrived_at", None))
        return bd.stay_minutes(start, d) if arrived is None else bd.stay_minutes(min(arrived, start), d)

    @property
    def global_bill(self) -> bool:
        gp = v(getattr(self.doc, "global_package", None))
        return gp is not None

    def insured_age(self, on: JDate | None = None) -> int | None:
        ins = v(getattr(self.doc, "insured", None))
        birth = v(getattr(ins, "birth_date", None)) if ins is not None else None
        on = on or (self.admitted.date if self.admitted else self.ev.date)
        return age_years(birth, on)

    @property
    def birth(self) -> JDate | None:
        ins = v(getattr(self.doc, "insured", None))
        return v(getattr(ins, "birth_date", None)) if ins is not None else None

    def k(self, name: str, on: JDate | None) -> Decimal | None:
        val = self.ctx.param(name, on or self.ev.date, "government", default=None)
        return None if val is None else _dec(val)

    def tariff(self, code):
        if code in (None, ABSENT):
            return None
        return self.ctx.tariff_row(code)

    def headings_obj(self):
        return v(getattr(self.doc, "headings", None))

    def heading_obj(self, name):
        h = self.headings_obj()
        return v(getattr(h, name, None)) if h is not None else None

    def requested(self, name: str) -> int | None:
        if name == "global_package":
            gp = v(getattr(self.doc, "global_package", None))
            if gp is None:
                return None
            parts = [v(getattr(gp, k, None)) for k in ("requested", "modifier_requested",
                                                       "full_time_addition_requested")]
            if all(p is None for p in parts):
                return 0
            return sum(p for p in parts if isinstance(p, int))
        h = self.heading_obj(name)
        if h is None:
            return None
        r = v(getattr(h, "requested", None))
        if r is None:
            lines = self.heading_lines(name)
            return sum(self.line_requested(x) for x in lines) if lines else 0
        return r

    def heading_lines(self, name) -> list:
        h = self.heading_obj(name)
        return v(getattr(h, "lines", None), []) if h is not None else []

    @staticmethod
    def line_requested(line) -> int:
        r = v(getattr(line, "requested", None))
        if r is not None:
            return r
        up, q = v(getattr(line, "unit_price", None)), v(getattr(line, "qty", None), 1)
        return rial(_dec(up) * _dec(q)) if up is not None else 0

    def records(self, name) -> list:
        return v(getattr(self.doc, name, None), [])

    # ------------------------------------------------------------------------------------------------ class, shares
    def bill_class(self) -> str:
        """lsc | inpatient | observation (INP-5-A-1, INP-5-A-2, INP-5-B, INP-6-16)."""
        return self.memo("class", self._bill_class)

    def _bill_class(self) -> str:
        if self.is_lsc:
            return "lsc"
        if self.global_bill:
            return "inpatient"                 # INP-22-9: a global operation, even as a day case
        minutes = self.stay_minutes
        limit = int(self.const("bill_class", "min_hours", 6)) * 60
        if self._surgical():
            return "inpatient"                 # INP-5-A-2
        stays = self.records("stays")
        wards = {v(getattr(s, "ward", None)) for s in stays}
        only_observation = bool(stays) and wards <= {"emergency_observation"}
        if only_observation:
            if minutes is not None and minutes > limit:
                return "inpatient"             # INP-6-16: inpatient franchise, with or without a bed-day
            return "observation"
        if minutes is not None and minutes <= limit and v(getattr(self.doc, "inpatient_file", None)) is False:
            return "observation"
        return "inpatient"

    def _surgical(self) -> bool:
        """INP-5-A-2: an operation in the operating room (not the outpatient one) with anaesthesia."""
        places = [v(getattr(p, "place", None)) for p in self.records("procedures")]
        has_or = any(p in ("operating_room", None) for p in places) and bool(places)
        methods = [v(getattr(a, "method", None)) for a in self.records("anesthesia")]
        return has_or and any(m not in (None, "local") for m in methods)

    def franchise(self) -> Decimal:
        cls = self.bill_class()
        key = {"lsc": "limited_surgery_center", "observation": "outpatient"}.get(cls, "inpatient")
        calc = {"lsc": "lsc_share", "observation": "observation_share"}.get(cls, "inpatient_share")
        if not self.enabled(calc) and not self.enabled("inpatient_share"):
            key = "inpatient"
        val = self.ctx.param("franchise", self.ev.date, key, default=None)
        if val is None:
            val = self.const(calc, "default_franchise", "0.10")
        return _dec(val)

    # ------------------------------------------------------------------------------------------------ bed-days
    def spans(self, newborn: bool = False) -> list[bd.Span]:
        out = []
        for i, s in enumerate(self.records("stays")):
            pat = v(getattr(s, "patient", None), "insured")
            if (pat == "newborn") != newborn:
                continue
            f, t = v(getattr(s, "from_", None)), v(getattr(s, "to", None))
            w = v(getattr(s, "ward", None), "general")
            if f is None or t is None:
                continue
            out.append(bd.Span(w, f, t, i))
        return out

    def stay_of(self, span: bd.Span):
        return self.records("stays")[span.index]

    def discharge_basis(self) -> JDate | None:
        d = self.discharged
        if d is None:
            return None
        order = v(getattr(self.doc, "discharge_order_on", None))
        if order is not None and order < d.date and v(getattr(self.doc, "discharge", None)) in (None, "physician_order"):
            return order
        return d.date

    def bed_days(self) -> int:
        return self.memo("bed_days", self._bed_days)

    def observation_no_file(self) -> bool:
        """INP-6-16, INP-7-1-N1: an emergency-observation patient without an inpatient file (no bed-day)."""
        stays = self.records("stays")
        only_obs = {v(getattr(s, "ward", None)) for s in stays} <= {"emergency_observation"}
        f = v(getattr(self.doc, "inpatient_file", None))
        return f is False and only_obs or (f is None and bool(stays) and only_obs)

    def _bed_days(self) -> int:
        a, d = self.admitted, self.discharged
        if a is None or d is None:
            return 0
        if self.observation_no_file() and self.enabled("observation_no_bed_day"):
            return 0                           # INP-6-16: «بدون تخت روز»
        mins = int(self.const("min_stay", "min_hours", 6) * 60) if self.enabled("min_stay") else 360
        return bd.count_bed_days(a, d, basis_date=self.discharge_basis(),
                                 leave_days=v(getattr(self.doc, "leave_days", None), 0) if self.enabled("leave_days")
                                 else 0, min_minutes=mins)

    def grade_on(self, ward: str, day: JDate) -> str | None:
        """INP-6-4 (+ N2, N3), INP-6-17-N1: the accreditation grade a bed-day is paid at."""
        acc = v(getattr(self.provider, "accreditation", None))
        opened = v(getattr(self.provider, "opened_on", None))
        if opened is not None and self.enabled("first_year_grade"):
            months = int(self.const("first_year_grade", "months", 12))
            if opened <= day < opened.add_months(months):
                return str(self.const("first_year_grade", "grade", "1"))
        if acc is None:
            return None
        separately = self.const("ward_grade", "wards", ["icu", "ccu", "nicu", "picu", "bicu", "ricu"])
        wards = v(getattr(acc, "wards", None), {})
        if ward in separately and wards.get(ward) not in (None, ABSENT) and self.enabled("ward_grade"):
            return str(wards[ward])
        hist = v(getattr(acc, "history", None), [])
        if hist and self.enabled("latest_grade"):
            inforce = [h for h in hist if v(getattr(h, "from_", None)) is not None and h.from_ <= day
                       and (v(getattr(h, "to", None)) is None or day <= h.to)]
            if inforce:
                return str(v(inforce[-1].grade))
        g = v(getattr(acc, "hospital", None))
        return str(g) if g is not None else None

    def _grade_changed(self, ward: str, day: JDate) -> bool:
        """INP-6-17-N1: the day's grade comes from the latest certificate and an earlier one carried another grade."""
        acc = v(getattr(self.provider, "accreditation", None))
        hist = v(getattr(acc, "history", None), []) if acc is not None else []
        if len(hist) < 2:
            return False
        g = self.grade_on(ward, day)
        return any(str(v(getattr(h, "grade", None))) != g for h in hist
                   if v(getattr(h, "from_", None)) is not None and h.from_ <= day)

    def bed_rate(self, ward: str, day: JDate, grade: str | None = None) -> Decimal | None:
        """Government bed-day rate of a ward on a date (INP-6-3), by the ward's grade; grades 1_plus / 1_excellent
        are paid as 1 (INP-6-4: «درجه یک عالی و یک مثبت و یک مطابق تعرفه تخت روز درجه یک»), also when the table
        carries a row of their own (that row is what the hospital may bill, not what the insurer pays)."""
        grade = grade if grade is not None else self.grade_on(ward, day)
        if grade is None:
            return None
        table = self.ctx.param("bed_day", day, "government", default=None) or {}
        row = None
        if grade in self.const("grade", "paid_as_1", ["1_plus", "1_excellent"]):
            row = table.get("1")
        if row is None:
            row = table.get(grade)
        if row is None:
            return None
        r = row.get(ward)
        return None if r is None else _dec(r)

    # ------------------------------------------------------------------------------------------------ headings
    def heading(self, name: str) -> HeadingCalc | None:
        if name not in self._headings:
            R = self.requested(name)
            if R is None:
                self._headings[name] = None
            elif name in self.heading_denies:
                self._headings[name] = HeadingCalc(name, R, 0)
            else:
                fn = getattr(self, f"_h_{name}", None)
                if name in LINE_HEADINGS:
                    hc = self._line_heading(name, R)
                elif fn is None:
                    hc = HeadingCalc(name, R)
                else:
                    hc = fn(R)
                self._headings[name] = hc
        return self._headings[name]

    def approved(self, name: str, capped: bool = True) -> int | None:
        """The heading's approved amount; `capped=False`: before the global cap of an itemised global operation
        (INP-22-8), the amount the cap itself is computed on."""
        hc = self.heading(name)
        if hc is None:
            return None
        if name in self.heading_denies:
            return 0
        if hc.lines is not None and hc.computed is None:
            ded = sum(max(0, lc.requested - self.line_approved(name, lc, capped)) for lc in hc.lines)
            amt = max(0, hc.requested - ded)
        elif hc.computed is None:
            amt = hc.requested
        else:
            amt = max(0, min(hc.requested, hc.computed))
        if capped:
            amt -= self.cap_share(name, None)
        return max(0, amt)

    def line_approved(self, heading: str, lc: LineCalc, capped: bool = True) -> int:
        fs = self.line_findings.get((heading, lc.index), [])
        if any(f.severity == "deny" for f in fs):
            return 0
        amt = lc.requested
        for f in fs:
            if f.severity == "adjust" and f.approved is not None:
                amt = min(amt, f.approved)
        if lc.computed is not None:
            amt = min(amt, lc.computed)
        if capped:
            amt -= self.cap_share(heading, lc.index)
        return max(0, amt)

    # -- hoteling (ماده ۶)
    def day_plan(self) -> list[dict]:
        return self.memo("day_plan", self._day_plan)

    def _day_plan(self) -> list[dict]:
        a = self.admitted
        n = self.bed_days()
        if a is None or n <= 0:
            return []
        spans = self.spans()
        days = bd.counted_days(a, n)
        min_m = int(self.const("two_bed_types", "min_hours", 6) * 60)
        plan = []
        for dw in bd.assign_wards(spans, days, lambda w, d=None: self._sort_rate(w, days[0]),
                                  min_minutes=min_m if self.enabled("two_bed_types") else 0):
            # with INP-6-8 off the dearest ward of the day is paid
            plan.append({"date": dw.date, "ward": dw.ward, "passed_over": dw.passed_over, "minutes": dw.minutes})
        return plan

    def psychiatric_over(self, plan) -> set[int]:
        """INP-6-12: the psychiatric bed-days (ordinals) of this bill beyond the 56 of their year, counting the
        psychiatric days of the insured's earlier admissions (the history's stays, any hospital)."""
        if "psychiatric_over" in self._memo:
            return self._memo["psychiatric_over"]
        mine = [d["date"] for d in plan if d["ward"] == "psychiatric"]
        earlier = self._earlier_psychiatric_days(plan[0]["date"]) if mine else []
        mine_set = {d.ordinal for d in mine}
        earlier = [d for d in earlier if d.ordinal not in mine_set]
        limit = int(self.const("psychiatric", "acute_max_days", 56))
        months = int(self.const("psychiatric", "window_months", 12))
        over = bd.days_over_limit(earlier + mine, limit, months) - {d.ordinal for d in earlier}
        # the earlier days in the window of this bill's first psychiatric day (shown in the finding)
        if mine and earlier:
            start, end = None, None
            for d in sorted(earlier + mine, key=lambda x: x.ordinal):
                if end is None or d >= end:
                    start, end = d, d.add_months(months)
                if d == mine[0]:
                    break
            self._memo["psychiatric_earlier"] = sum(1 for d in earlier if start <= d < mine[0])
        self._memo["psychiatric_over"] = over
        return over

    def _earlier_psychiatric_days(self, rate_day: JDate) -> list[JDate]:
        """The psychiatric bed-days of the insured's other bills in the history (bed-days recomputed from their
        stays, rule-inputs.md §2; a day with two wards is given by INP-6-8 at this hospital's rates)."""
        ins = v(getattr(self.doc, "insured", None))
        nid = v(getattr(ins, "national_id", None)) if ins is not None else None
        bid, seq = self.ev.batch.id, v(getattr(self.doc, "seq", None))
        out = []

        def at(stamp):
            return JDateTime(JDate.from_ordinal(stamp // bd.DAY_MINUTES), stamp % bd.DAY_MINUTES)

        for rec in self.ctx.history.stays(nid):
            if (rec.batch_id == bid and rec.seq == seq) or rec.admitted is None or rec.discharged is None \
                    or not any(w == "psychiatric" for w, _f, _t in rec.stays):
                continue
            spans = [bd.Span(w, at(f), at(t), i) for i, (w, f, t) in enumerate(rec.stays)]
            days = bd.record_days(at(rec.admitted), at(rec.discharged), spans,
                                  lambda w: self._sort_rate(w, rate_day),
                                  basis_date=JDate.from_ordinal(rec.basis) if rec.basis is not None else None,
                                  leave_days=rec.leave_days)
            out.extend(dw.date for dw in days if dw.ward == "psychiatric")
        return out

    def _sort_rate(self, ward, day) -> Decimal:
        r = self.bed_rate(self._rate_ward(ward)[0], day)
        return r if r is not None else Decimal(0)

    def _stay_for(self, ward: str, day: JDate):
        for s in self.records("stays"):
            if v(getattr(s, "ward", None)) == ward and v(getattr(s, "patient", None), "insured") != "newborn":
                f, t = v(getattr(s, "from_", None)), v(getattr(s, "to", None))
                if f is not None and t is not None and f.date <= day <= t.date:
                    return s
        return None

    def _rate_ward(self, ward: str, stay=None) -> tuple[str, str | None]:
        """(ward whose rate is paid, calc step that decided it)."""
        if stay is not None and v(getattr(stay, "vip", None)) is True and self.enabled("room_general"):
            return "general", "room_general"
        if ward in ROOM_WARDS and self.enabled("room_general"):
            return "general", "room_general"
        if ward == "isolation":
            return "single", "isolation"
        if ward == "emergency_observation":
            return "general", "observation"
        return ward, None

    def _h_hoteling(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("hoteling", R, primary="bed_rate")
        if not self.enabled("bed_rate"):
            return hc
        if self.is_lsc and self.enabled("lsc_no_hoteling"):
            hc.computed = 0
            hc.effects.append(Effect("lsc_no_hoteling", "deny", R, "هتلینگ در مرکز جراحی محدود قابل محاسبه نیست"))
            return hc
        stays = self.records("stays")
        only_obs = bool(stays) and {v(getattr(s, "ward", None)) for s in stays} <= {"emergency_observation"}
        minutes = self.stay_minutes
        n = self.bed_days()
        hc.qty = self._claimed_qty("hoteling")
        if only_obs and (minutes or 0) > 360 and v(getattr(self.doc, "inpatient_file", None)) is not True \
                and self.enabled("observation_no_bed_day"):
            hc.computed, hc.paid_qty = 0, 0
            hc.effects.append(Effect("observation_no_bed_day", "deny", R,
                                     "بیمار تحت نظر بیش از ۶ ساعت بدون تعیین تکلیف و تشکیل پرونده بستری: بدون تخت روز"))
            return hc
        if n <= 0:
            if self.admitted is None or self.discharged is None:
                return hc
            hc.computed, hc.paid_qty = 0, 0
            arrived = v(getattr(self.doc, "arrived_at", None))
            ward_min = bd.stay_minutes(self.admitted, self.discharged)
            if arrived is not None and (minutes or 0) > 360 and ward_min <= 360 and self.enabled("one_bed_day"):
                # INP-6-1: more than 6 h in the hospital, but not in an approved ward («صرفاً بخش مصوب بیمارستانی»)
                hc.effects.append(Effect("one_bed_day", "deny", R, f"اقامت در بخش مصوب {fa_digits(round(ward_min / 60, 1))} "
                                         "ساعت؛ یک روز تخت فقط برای بیش از ۶ ساعت در بخش مصوب بیمارستانی",
                                         {"stay_minutes": minutes, "ward_minutes": ward_min}))
            elif self.enabled("min_stay"):
                hc.effects.append(Effect("min_stay", "deny", R, f"مدت اقامت {fa_digits(round((minutes or 0) / 60, 1))} "
                                         "ساعت؛ برای اقامت ۶ ساعت و کمتر هتلینگ قابل محاسبه نیست",
                                         {"stay_minutes": minutes}))
            return hc
        plan = self.day_plan()
        total = Decimal(0)
        by_ward: dict[str, int] = {}
        eff: dict[str, Decimal] = {}
        notes: dict[str, list] = {}
        icu_tariff = Decimal(0)
        unknown = []
        for day in plan:
            ward = day["ward"]
            stay = self._stay_for(ward, day["date"])
            paid_ward, step = self._rate_ward(ward, stay)
            if step == "isolation":
                ind = v(getattr(stay, "isolation_indication", None)) if stay is not None else None
                req = v(getattr(stay, "physician_request", None)) if stay is not None else None
                if (ind is None or req is False) and self.enabled("isolation"):
                    notes.setdefault("isolation", []).append(day["date"])
                elif self.enabled("isolation"):
                    notes.setdefault("isolation_rate", []).append(day["date"])
            grade = self.grade_on(ward, day["date"])
            if grade is None:
                if self.enabled("grade"):
                    hc.effects.append(Effect("grade", "review", None, "درجه اعتباربخشی بیمارستان (گواهینامه معتبر) "
                                             "در پرونده نیست؛ تعرفه تخت روز را کارشناس تعیین کند"))
                hc.computed = None
                return hc
            rate = self.bed_rate(paid_ward, day["date"], grade)
            if rate is None:
                rate = self.bed_rate("general", day["date"], grade)
                if rate is None:
                    unknown.append(ward)
                    continue
                if self.enabled("ward_no_tariff"):
                    notes.setdefault("ward_no_tariff", []).append(ward)
            if self.enabled("ward_grade"):
                # INP-6-4-N2: a ward's own grade is for that ward only — the part of a deduction that comes from
                # a bill pricing the other wards of the stay at a special ward's grade (or the reverse)
                other = self._other_grades(ward, day["date"], plan)
                dearer = [r2 for g2 in other for r2 in [self.bed_rate(paid_ward, day["date"], g2)]
                          if r2 is not None and r2 > rate]
                if dearer:
                    eff["ward_grade"] = eff.get("ward_grade", Decimal(0)) + max(dearer) - rate
                elif ward in self.const("ward_grade", "wards", ["icu", "ccu", "nicu", "picu", "bicu", "ricu"]):
                    # a separately graded ward whose own grade is cheaper than the hospital's: a bill priced at
                    # the hospital's grade is explained by its own grade (amount unknown, cited with the rate)
                    g = self.grade_on("general", day["date"])
                    r2 = self.bed_rate(paid_ward, day["date"], g) if g is not None and g != grade else None
                    if r2 is not None and r2 > rate:
                        notes.setdefault("ward_grade_own", []).append(day["date"])
            if grade in self.const("grade", "paid_as_1", ["1_plus", "1_excellent"]) and self.enabled("grade"):
                own_row = (self.ctx.param("bed_day", day["date"], "government", default=None) or {}).get(grade) or {}
                own = own_row.get(paid_ward)
                if own is not None and _dec(own) > rate:
                    eff["grade"] = eff.get("grade", Decimal(0)) + _dec(own) - rate
            if step == "room_general":
                own = self.bed_rate(ward if ward in ROOM_WARDS else "single", day["date"], grade)
                if own is not None and own > rate:
                    eff["room_general"] = eff.get("room_general", Decimal(0)) + own - rate
            if day["passed_over"] and self.enabled("two_bed_types"):
                dear = self.bed_rate(self._rate_ward(day["passed_over"])[0], day["date"], grade)
                if dear is not None and dear > rate:
                    eff["two_bed_types"] = eff.get("two_bed_types", Decimal(0)) + dear - rate
            amount = rate
            if ward == "icu" or ward in self.const("icu_in_house", "wards", ["icu"]):
                icu = v(getattr(self.provider, "icu", None))
                beds = v(getattr(icu, "beds", None)) if icu is not None else None
                inhouse = v(getattr(icu, "in_house_physician", None), True) if icu is not None else True
                threshold = int(self.const("icu_in_house", "min_beds", 5))
                if self.enabled("icu_in_house") and beds is not None and beds >= threshold and inhouse is False:
                    share = _dec(self.const("icu_in_house", "conditional_share", "0.3"))
                    eff["icu_in_house"] = eff.get("icu_in_house", Decimal(0)) + rate * share
                    amount = rate * (1 - share)
            if ward in ("icu", "nicu"):
                icu_tariff += rate
            if ward == "psychiatric" and self.enabled("psychiatric"):
                if day["date"].ordinal in self.psychiatric_over(plan):
                    chronic = self.bed_rate("psychiatric", day["date"], str(self.const("psychiatric", "chronic_grade", "3")))
                    if chronic is not None and chronic < amount:
                        eff["psychiatric"] = eff.get("psychiatric", Decimal(0)) + amount - chronic
                        amount = chronic
            if stay is not None and v(getattr(stay, "monitoring", None)) is True and ward not in SPECIAL_WARDS \
                    and self.enabled("monitoring"):
                code = str(self.const("monitoring", "code", "900770"))
                p = self.ctx.price(code, day["date"], "government", 1)
                if p is not None:
                    amount += p
                    self.computed.setdefault("monitored_days", 0)
                    self.computed["monitored_days"] += 1
                    notes.setdefault("monitoring", []).append(day["date"])
            if ward not in self.const("burn_ward", "burn_rate_only_in", ["burn"]) and self.enabled("burn_ward") \
                    and any(d2["ward"] in self.const("burn_ward", "burn_rate_only_in", ["burn"]) and d2["date"] < day["date"]
                            for d2 in plan):
                notes.setdefault("burn_ward", []).append(day["date"])      # INP-6-10: after the burn ward
            if self.enabled("latest_grade") and self._grade_changed(ward, day["date"]):
                notes.setdefault("latest_grade", []).append(day["date"])
            by_ward[ward] = by_ward.get(ward, 0) + 1
            total += amount
        if unknown:
            hc.effects.append(Effect("grade", "review", None, "تعرفه تخت روز برای این بخش/درجه در پارامترها نیست"))
            hc.computed = None
            return hc
        # leave days (INP-6-11): the bed-days left off the end, at the rate of the last day
        leave = v(getattr(self.doc, "leave_days", None), 0)
        if leave and self.enabled("leave_days") and plan:
            last = plan[-1]
            r = self.bed_rate(self._rate_ward(last["ward"])[0], last["date"]) or Decimal(0)
            eff["leave_days"] = r * leave
        basis = self.discharge_basis()
        if basis is not None and self.discharged is not None and basis < self.discharged.date and plan \
                and self.enabled("bed_days"):
            last = plan[-1]
            r = self.bed_rate(self._rate_ward(last["ward"])[0], last["date"]) or Decimal(0)
            eff["bed_days"] = r * (self.discharged.date - basis)
        newborn_total, newborn_days, nb_eff = self._newborn_hoteling()
        total += newborn_total
        for k2, a2 in nb_eff.items():
            eff[k2] = eff.get(k2, Decimal(0)) + a2
        if (v(getattr(self.doc, "full_time_faculty", None)) is True
                or v(getattr(self.provider, "deprivation_grade", None)) is not None) and icu_tariff \
                and self.enabled("icu_30_no_2k"):
            eff["icu_30_no_2k"] = icu_tariff * _dec(self.const("icu_30_no_2k", "share", "0.3"))
        hc.computed = rial(total)
        hc.paid_qty = n
        if hc.qty is not None and hc.qty > n and self.enabled("bed_days"):
            avg = total / n if n else Decimal(0)
            eff["bed_days"] = eff.get("bed_days", Decimal(0)) + avg * Decimal(str(hc.qty - n))
        elif hc.qty is None and n and not eff and not notes and total > 0 and hc.requested and self.enabled("bed_days"):
            # no day count claimed: an amount that is a whole number of MORE bed-days at the payable rate is a
            # bill for too many days (INP-6-2; a same-date stay of more than 6 h is one bed-day, INP-6-1)
            k = Decimal(hc.requested) * n / total
            if k > n and k == k.to_integral_value():
                same_date = self.admitted is not None and self.discharged is not None \
                    and self.admitted.date == self.discharged.date
                step = "one_bed_day" if same_date and n == 1 and self.enabled("one_bed_day") else "bed_days"
                eff[step] = Decimal(hc.requested) - total
        texts = {
            "room_general": "تعهد بیمه برای تخت یک/دوتخته و VIP معادل اتاق سه‌تخته بخش دولتی است",
            "two_bed_types": "روزی که در دو نوع تخت گذشته: تخت گران‌تر فقط با اقامت بیش از ۶ ساعت در آن",
            "icu_in_house": "ICU با ۵ تخت و بیشتر بدون پزشک مقیم: ۳۰٪ هتلینگ قابل پرداخت نیست",
            "psychiatric": "بیش از ۸ هفته بستری روانپزشکی در سال از اولین بستری"
                           + (f" (با {fa_digits(self._memo['psychiatric_earlier'])} روز بستری‌های قبلی)"
                              if self._memo.get("psychiatric_earlier") else "")
                           + ": مازاد به تعرفه تخت روانی درجه ۳",
            "leave_days": f"{fa_digits(leave)} روز مرخصی موقت از تخت روز کسر می‌شود",
            "bed_days": f"تعداد روز بستری قابل پرداخت {fa_digits(n)} روز (تاریخ ترخیص منهای تاریخ بستری)",
            "one_bed_day": "اقامت بیش از ۶ ساعت در همان تاریخ: یک روز تخت",
            "newborn_cap": "تخت نوزاد سالم: حداکثر ۱ روز پس از زایمان طبیعی و ۲ روز پس از سزارین",
            "icu_30_no_2k": "۳۰٪ هزینه ICU/NICU مشمول ۲K هیئت علمی و ترجیحی مناطق محروم نمی‌شود",
            "grade": "بیمارستان و بخش درجه یک عالی، یک مثبت و یک: تعرفه تخت روز درجه یک",
            "ward_grade": "درجه اعتباربخشی هر بخش ویژه صرفاً مخصوص همان بخش است",
        }
        for k2, amt in eff.items():
            data = {"bed_days": n}
            if k2 == "psychiatric":
                data["earlier_psychiatric_days"] = self._memo.get("psychiatric_earlier", 0)
            hc.effects.append(Effect(k2, "reduce", rial(amt), texts.get(k2, ""), data))
        if notes.get("ward_no_tariff"):
            hc.effects.append(Effect("ward_no_tariff", "reduce", None,
                                     "بخش فاقد تعرفه مصوب: معادل تخت روز عادی محاسبه شد",
                                     {"wards": sorted(set(notes["ward_no_tariff"]))}))
        # steps that set the rate of some days: a bill priced above it is explained by them (amount unknown)
        for k2, txt in (("isolation_rate", "اتاق ایزوله با اندیکاسیون و درخواست پزشک معالج: معادل اتاق یک تختی بخش دولتی"),
                        ("burn_ward", "ادامه درمان بیمار سوختگی در سایر بخشها: تخت عادی"),
                        ("monitoring", "بیمار نیازمند بخش ویژه تحت مونیتورینگ در بخش عادی: تخت عادی + کد ۹۰۰۷۷۰"),
                        ("latest_grade", "آخرین ارزشیابی و اعتباربخشی بیمارستان ملاک است"),
                        ("ward_grade_own", "درجه اعتباربخشی هر بخش ویژه صرفاً مخصوص همان بخش است")):
            if notes.get(k2):
                calc = {"isolation_rate": "isolation", "ward_grade_own": "ward_grade"}.get(k2, k2)
                hc.effects.append(Effect(calc, "reduce", None, txt,
                                         {"days": len(notes[k2]), "with_primary": True}))
        if notes.get("isolation"):
            hc.effects.append(Effect("isolation", "review", None,
                                     "اتاق ایزوله بدون اندیکاسیون ثبت‌شده یا درخواست پزشک معالج",
                                     {"days": len(notes["isolation"])}))
        self.computed["bed_days"] = n
        self.computed["bed_days_by_ward"] = by_ward
        if newborn_days:
            self.computed["newborn_bed_days"] = newborn_days
        self.computed["hoteling_computed"] = hc.computed
        self._memo["icu_tariff"] = icu_tariff
        self._memo["hoteling_total_dec"] = total
        return hc

    def _other_grades(self, ward: str, day: JDate, plan) -> set:
        """The grades of the stay's other wards that differ from this ward's (INP-6-4-N2)."""
        mine = self.grade_on(ward, day)
        out = set()
        for d in plan:
            g = self.grade_on(d["ward"], d["date"])
            if g is not None and g != mine:
                out.add(g)
        return out

    def _claimed_qty(self, name):
        h = self.heading_obj(name)
        if h is None:
            return None
        q = h.extra_.get("qty") if isinstance(getattr(h, "extra_", None), dict) else None
        return q if isinstance(q, (int, float)) and not isinstance(q, bool) else None

    def _newborn_hoteling(self):
        """INP-6-14: newborn stays in the mother's bill — healthy newborn at most 1 day after a normal delivery, 2
        after a caesarean (unless the supervising expert approved a longer stay for the mother's illness)."""
        spans = self.spans(newborn=True)
        if not spans:
            return Decimal(0), {}, {}
        delivery = v(getattr(self.doc, "delivery", None))
        caps = self.const("newborn_cap", "max_days", {"normal": 1, "caesarean": 2}) or {}
        approved = v(getattr(self.doc, "approval", None))
        exempt = approved is not None and v(getattr(approved, "kind", None)) == "supervisor" \
            and v(getattr(self.doc, "mother_illness", None)) is not None
        total, days_by, eff = Decimal(0), {}, {}
        for sp in spans:
            n = bd.count_bed_days(sp.start, sp.end)
            rate = self.bed_rate(sp.ward, sp.start.date)
            if rate is None:
                rate = self.bed_rate("general", sp.start.date) or Decimal(0)
            if sp.ward == "newborn_healthy" and delivery in caps and not exempt and self.enabled("newborn_cap"):
                cap = int(caps[delivery])
                if n > cap:
                    eff["newborn_cap"] = eff.get("newborn_cap", Decimal(0)) + rate * (n - cap)
                    n = cap
            days_by[sp.ward] = days_by.get(sp.ward, 0) + n
            total += rate * n
            self._memo.setdefault("newborn_amounts", []).append((sp.ward, rate * n))
        return total, days_by, eff

    # -- nursing (ماده ۷)
    def _h_nursing(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("nursing", R, primary="nursing_rate")
        if not self.enabled("nursing_rate"):
            return hc
        rate = _dec(self.const("nursing_rate", "rate", "0.06"))
        hot = self.heading("hoteling")
        if hot is None or hot.computed is None:
            if self.is_lsc or (hot is not None and hot.computed == 0):
                pass
            else:
                # no hoteling heading: compute the bed-days' amounts on their own
                if hot is None and self.requested("hoteling") is None and self.bed_days() > 0:
                    self._h_hoteling(0)
                elif hot is not None:
                    return hc
        if self.is_lsc or (hot is not None and hot.computed == 0):
            hc.computed = 0
            hc.effects.append(Effect("nursing_rate", "deny", R, "هزینه هتلینگ قابل پرداخت نیست؛ ۶٪ خدمات پرستاری "
                                     "به آن تعلق نمی‌گیرد"))
            return hc
        plan = self.day_plan()
        base = Decimal(0)
        red = Decimal(0)
        share = _dec(self.const("nursing_icu", "base_share", "0.7"))
        wards70 = self.const("nursing_icu", "wards", ["icu", "nicu"])
        for day in plan:
            ward = day["ward"]
            stay = self._stay_for(ward, day["date"])
            rate_w = self.bed_rate(self._rate_ward(ward, stay)[0], day["date"])
            if rate_w is None:
                rate_w = self.bed_rate("general", day["date"]) or Decimal(0)
            if ward in wards70 and self.enabled("nursing_icu"):
                base += rate_w * share
                red += rate_w * (1 - share) * rate
            else:
                base += rate_w
        delivery = v(getattr(self.doc, "delivery", None))
        for ward, amt in self._memo.get("newborn_amounts", []):
            if ward == "newborn_healthy":
                allowed = self.const("nursing_newborn", "deliveries", ["normal"])
                if delivery in allowed or not self.enabled("nursing_newborn"):
                    base += amt
                else:
                    red += amt * rate
            elif ward in wards70 and self.enabled("nursing_icu"):
                base += amt * share
                red += amt * (1 - share) * rate
            else:
                base += amt
        # the base follows the approved hoteling when a clause reduced it
        if hot is not None and hot.computed:
            happ = self.approved("hoteling", capped=False)
            if happ is not None and happ < hot.computed:
                base = base * Decimal(happ) / Decimal(hot.computed)
        hc.computed = rial(base * rate)
        if red:
            hc.effects.append(Effect("nursing_icu" if any(d["ward"] in wards70 for d in plan) else "nursing_newborn",
                                     "reduce", rial(red),
                                     f"۶٪ خدمات پرستاری در ICU/NICU فقط به ۷۰٪ تعرفه تخت تعلق می‌گیرد؛ پایه "
                                     f"{fa_amount(rial(base))} ریال", {"nursing_base": rial(base)}))
        self.computed["nursing_base"] = rial(base)
        self.computed["nursing_computed"] = hc.computed
        return hc

    # -- visits (ماده ۸)
    def _visit_k(self, on) -> Decimal | None:
        return self.k("k_professional", on)

    def _person_id(self, p) -> str | None:
        if p is None:
            return None
        c = v(getattr(p, "council_no", None))
        if c:
            return str(c)
        n = v(getattr(p, "name", None))
        return f"name:{n}" if n else None

    def _h_visits(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("visits", R, primary="visit_rvu")
        visits = self.records("visits")
        hc.qty = len(visits)
        if not self.enabled("visit_rvu") or not visits:
            if visits == [] and R > 0 and self.enabled("visit_rvu"):
                hc.computed = None
            return hc
        table = self.ctx.param("visit_rvu", self.ev.date, default=None) or {}
        cand = [i for i in range(len(visits)) if i not in self.excluded["visit"]]
        ins = [vs.VisitIn(i, v(getattr(visits[i], "on", None)), v(getattr(visits[i], "at", None)),
                          self._person_id(v(getattr(visits[i], "prescriber", None)))) for i in cand]
        refused: dict[int, str] = {}
        if self.enabled("visit_one_per_day"):
            _, r1 = vs.one_visit_per_day(ins, int(self.const("visit_one_per_day", "per_day", 1)))
            for i in r1:
                refused[i] = "visit_one_per_day"
        ins2 = [x for x in ins if x.index not in refused]
        maxc = None
        if self.enabled("visit_cap") and self.admitted is not None and self.discharged is not None:
            disc = v(getattr(self.doc, "discharge", None))
            no_visit = self.const("visit_cap", "no_discharge_visit_if", ["death", "personal_consent"])
            # the inpatient-visit count of INP-8-12-N1 leaves out the outpatient anaesthesia-clinic visit (INP-8-5)
            # and the special ward technical manager's own daily visit where no in-house physician serves (INP-8-9)
            icu = v(getattr(self.provider, "icu", None))
            tm = v(getattr(icu, "technical_manager", None)) if icu is not None else None
            no_inhouse = icu is not None and v(getattr(icu, "in_house_physician", None)) is False

            def _outside_cap(x):
                vis = visits[x.index]
                if v(getattr(vis, "kind", None)) == "anesthesia_clinic_outpatient":
                    return True
                return bool(tm) and no_inhouse and x.physician == str(tm)
            ins3 = [x for x in ins2 if not _outside_cap(x)]
            maxc = vs.visit_count_max(self.bed_days(), disc, self.discharged, ins3, no_discharge_visit_if=no_visit)
            due = maxc > self.bed_days()
            _, r2 = vs.cap_visits(ins3, maxc, discharge_date=self.discharged.date, discharge_visit_due=due)
            for i in r2:
                refused[i] = "visit_cap"
            self.computed["visit_count_max"] = maxc
        total = Decimal(0)
        base_ins = Decimal(0)
        eff: dict[str, Decimal] = {}
        paid = 0
        missing = []
        for i, vis in enumerate(visits):
            kind = v(getattr(vis, "kind", None))
            kind2, why = self._visit_kind(vis)
            rv = table.get(kind2)
            on = v(getattr(vis, "on", None)) or self.ev.date
            K = self._visit_k(on)
            if rv is None or K is None:
                if i in self.excluded["visit"]:
                    hc.effects.append(Effect(None, "excluded", None, finding=self.excluded["visit"][i]))
                elif i not in refused:
                    missing.append(kind2)
                continue
            amt = _dec(rv) * K
            mult = self._prof_multiplier(v(getattr(vis, "prescriber", None)))
            if i in self.excluded["visit"]:
                hc.effects.append(Effect(None, "excluded", rial(amt), finding=self.excluded["visit"][i]))
                continue
            if i in refused:
                eff[refused[i]] = eff.get(refused[i], Decimal(0)) + amt
                continue
            if why and kind in table:
                orig = _dec(table[kind]) * K
                if orig > amt:
                    eff[why] = eff.get(why, Decimal(0)) + orig - amt
            total += amt * mult
            base_ins += amt
            paid += 1
        if missing:
            hc.effects.append(Effect("visit_rvu", "review", None, "ارزش نسبی این نوع ویزیت در پارامترها نیست: "
                                     + "، ".join(sorted(set(str(m) for m in missing)))))
            return hc
        texts = {"visit_one_per_day": "بیش از یک حق ویزیت در روز برای پزشک معالج قابل محاسبه نیست",
                 "visit_cap": f"تعداد ویزیت قابل پرداخت = روزهای بستری به اضافه ویزیت روز ترخیص "
                              f"({fa_digits(maxc if maxc is not None else '')})",
                 "visit_triage": "نوع ویزیت اورژانس با سطح تریاژ بیمار همخوانی ندارد"}
        for k2, amt in eff.items():
            hc.effects.append(Effect(k2, "reduce", rial(amt), texts.get(k2, ""), {"visit_count_max": maxc}))
        hc.computed = rial(total)
        hc.base_insured = rial(base_ins)
        hc.paid_qty = paid
        self.computed["visit_count"] = paid
        return hc

    def _visit_kind(self, vis) -> tuple[str | None, str | None]:
        """INP-8-12: the kind a visit is paid as (triage 1-2 critical care, 3-4 limited, 5 outpatient)."""
        kind = v(getattr(vis, "kind", None))
        if kind in self.const("observation_visit", "kinds", ["first_day", "day2plus", "discharge_day"]) \
                and self.enabled("observation_visit") and self.observation_no_file():
            # INP-7-1-N1: «ویزیت پزشک عمومی و متخصص معادل ویزیت سرپایی» for an observation patient without an
            # inpatient file and bed-day
            return str(self.const("observation_visit", "paid_as", "outpatient")), "observation_visit"
        triage = v(getattr(vis, "triage", None))
        if not self.enabled("visit_triage") or triage is None or kind not in ("er_comprehensive", "er_limited",
                                                                              "critical_care"):
            return kind, None
        t = str(triage)
        if kind == "critical_care" and t not in ("1", "2"):
            return ("er_limited" if t in ("3", "4") else "outpatient"), "visit_triage"
        if kind in ("er_limited", "er_comprehensive") and t == "5":
            return "outpatient", "visit_triage"
        return kind, None

    def _prof_multiplier(self, person, capped: bool = True) -> Decimal:
        """RVU-90 / RVU-95 for a professional fee of `person` (uncapped: as if RVU-95-N1 did not cap them, the
        figure a hospital multiplying 2 × coefficient would bill)."""
        full = person is not None and v(getattr(person, "full_time_faculty", None)) is True and self.enabled("mod_90")
        grade = v(getattr(self.provider, "deprivation_grade", None)) if self.enabled("mod_95") else None
        coef = None
        if grade is not None:
            table = self.ctx.param("deprivation_coefficient", self.ev.date, default=None) or {}
            c = table.get(str(grade))
            coef = _dec(c) if c is not None else None
        cap = _dec(self.const("mod_90_95_cap", "max_multiplier", 3))
        if not capped:
            m = Decimal(1)
            if full and self.sector_gov:
                m *= _dec(self.const("mod_90", "multiplier", 2))
            if coef is not None and coef > 1:
                m *= min(coef, _dec(self.const("mod_95", "max_multiplier", 2)))
            return m
        return pr.professional_multiplier(full_time=full, government=self.sector_gov, deprivation=coef,
                                          faculty_multiplier=_dec(self.const("mod_90", "multiplier", 2)), cap=cap,
                                          deprivation_cap=_dec(self.const("mod_95", "max_multiplier", 2)))

    # -- consultations (ماده ۹)
    def _h_consultations(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("consultations", R, primary="consultation_rvu")
        cons = self.records("consultations")
        hc.qty = len(cons)
        if not self.enabled("consultation_rvu") or not cons:
            return hc
        rv = self.ctx.param("consultation_rvu", self.ev.date, default=None)
        if rv is None:
            hc.effects.append(Effect("consultation_rvu", "review", None, "ارزش نسبی مشاوره در پارامترها نیست"))
            return hc
        vt = self.ctx.param("visit_rvu", self.ev.date, default=None) or {}
        excess_kind = str(self.const("consult_limits", "excess_paid_as", "day2plus"))
        cand = [i for i in range(len(cons)) if i not in self.excluded["consultation"]]
        paid_i, excess_i = cand, []
        if self.enabled("consult_limits"):
            ins = [vs.ConsultIn(i, v(getattr(cons[i], "on", None)),
                                v(getattr(v(getattr(cons[i], "prescriber", None)), "specialty", None))
                                if v(getattr(cons[i], "prescriber", None)) is not None else None) for i in cand]
            paid_i, excess_i = vs.consultation_limits(ins, max_total=int(self.const("consult_limits", "max_total", 6)),
                                                      max_per_specialty=int(self.const("consult_limits",
                                                                                       "max_per_specialty", 3)))
        total = Decimal(0)
        red = Decimal(0)
        for i, c in enumerate(cons):
            on = v(getattr(c, "on", None)) or self.ev.date
            K = self.k("k_professional", on) or Decimal(0)
            amt = _dec(rv) * K
            if i in self.excluded["consultation"]:
                hc.effects.append(Effect(None, "excluded", rial(amt), finding=self.excluded["consultation"][i]))
            elif i in excess_i:
                alt = _dec(vt.get(excess_kind, 0)) * K
                total += alt
                red += amt - alt
            else:
                total += amt
        hc.computed = rial(total)
        hc.paid_qty = len(paid_i)
        if red > 0:
            hc.effects.append(Effect("consult_limits", "reduce", rial(red),
                                     f"حداکثر ۶ مشاوره و از هر تخصص ۳ مشاوره؛ {fa_digits(len(excess_i))} مشاوره مازاد "
                                     "به صورت ویزیت روز دوم به بعد محاسبه شد", {"excess": len(excess_i)}))
        self.computed["consultations_paid"] = len(paid_i)
        self.computed["consultations_as_visits"] = len(excess_i)
        return hc

    # -- procedures (ماده ۱۰, modifiers)
    def procedure_table(self) -> list[dict]:
        return self.memo("procs", self._procedure_table)

    def _procedure_table(self) -> list[dict]:
        procs = self.records("procedures")
        rows = []
        ins = []
        markers = self.const("mp_bilateral", "bilateral_markers_fa", ["یک طرفه یا دو طرفه", "دو طرفه"])
        for i, p in enumerate(procs):
            code = v(getattr(p, "code", None))
            row = self.tariff(code)
            orig_rv = row.rvu_professional if row is not None else None
            adj = self.proc_adjust.get(i)
            paid_code = None
            if adj is not None and adj.paid_code and self.tariff(adj.paid_code) is not None:
                paid_code = adj.paid_code
                row = self.tariff(paid_code)
            rv = row.rvu_professional if row is not None else None
            addon = row is not None and row.is_addon and self.enabled("addon_full")
            desc = (row.description_fa or "") if row is not None else ""
            on = v(getattr(p, "on", None)) or (self.admitted.date if self.admitted else self.ev.date)
            det = v(getattr(p, "details", None))
            info = {"index": i, "code": code, "row": row, "rv": rv, "on": on, "proc": p, "addon": addon,
                    "modifiers": [str(m) for m in v(getattr(p, "modifiers", None), [])],
                    "qty": v(getattr(p, "qty", None), 1), "excluded": i in self.excluded["procedure"],
                    "details": det, "paid_code": paid_code, "orig_rv": orig_rv, "adj": adj,
                    "orig_qty": v(getattr(p, "qty", None), 1),
                    "adj_percent": (adj.data or {}).get("percent") if adj is not None else None}
            if adj is not None and adj.paid_qty is not None:
                info["qty"] = adj.paid_qty
            rows.append(info)
            if rv is None:
                continue
            ins.append(pr.ProcInput(
                i, code, Decimal(rv), on, v(getattr(p, "session", None)), v(getattr(p, "incision", None)),
                v(getattr(p, "bilateral", None)) is True and self.enabled("mp_bilateral"),
                any(m in desc for m in markers), v(getattr(p, "foot", None)) is True,
                v(getattr(det, "laterality", None)) if det is not None else None,
                self._person_id(v(getattr(p, "surgeon", None))), addon, int(info["qty"] or 1)))
        kw = dict(same=self.const("mp_same", "percents", list(pr.SAME_LADDER)),
                  separate_one_surgeon=int(self.const("mp_separate", "later_percent", 80)),
                  separate_two_surgeons=int(self.const("mp_two_surgeons", "percent", 100)),
                  foot_one=self.const("mp_foot", "percents", list(pr.FOOT_LADDER)),
                  foot_both=self.const("mp_foot_both", "percents", [100, 80]))
        # the percentages as billed (every procedure ranked) and as paid (the excluded ones left out)
        pct_all = pr.multiple_procedure_percents(ins, **kw)
        pct = pr.multiple_procedure_percents([p for p in ins if p.index not in self.excluded["procedure"]], **kw)
        age63 = 0
        if self.enabled("mod_63"):
            age63 = pr.age_percent_63(self.birth, self.admitted.date if self.admitted else self.ev.date,
                                      infant_months=int(self.const("mod_63", "infant_max_months", 6)),
                                      infant_percent=int(self.const("mod_63", "infant_percent", 50)),
                                      child_years=int(self.const("mod_63", "child_max_years", 3)),
                                      child_percent=int(self.const("mod_63", "child_percent", 25)))
        for info in rows:
            pa = pct_all.get(info["index"])
            info["percent_all"] = pa.percent if pa is not None else 0
            pp = pct.get(info["index"])
            info["percents"] = pp.percents if pp is not None else []
            info["percent"] = pp.percent if pp is not None else 0
            info["branch"] = pp.branch if pp is not None else None
            info["review"] = pp.review if pp is not None else None
            self._proc_modifiers(info, age63)
        return rows

    def _proc_modifiers(self, info: dict, age63: int) -> None:
        """Per procedure: 85, 53, 63 factors and what was refused."""
        mods = info["modifiers"]
        refused = []
        det = info["details"]
        f85 = Decimal(1)
        if "85" in mods and self.enabled("mod_85"):
            techs = getattr(det, "technology", ABSENT) if det is not None else ABSENT
            if isinstance(techs, list) and not techs:
                refused.append("mod_85")
            else:
                f85 = 1 + _dec(self.const("mod_85", "percent", 20)) / 100
                # RVU-85: however many technologies, 85 only once — an extra +20 % claimed is refused under 85
                if (mods.count("85") > 1 or (isinstance(techs, list) and len(set(map(str, techs))) > 1)) \
                        and self.enabled("mod_85_once"):
                    refused.append("mod_85_once")
        f53 = Decimal(1)
        if "53" in mods and self.enabled("mod_53"):
            why = self._mod53_refusal(info)
            if why:
                refused.append(why)
            else:
                f53 = 1 + _dec(self.const("mod_53", "percent", 30)) / 100
        p63 = 0
        if age63 and not info["addon"]:
            code = info["code"]
            semi = self.ctx.code_group("semi_invasive", info["on"])
            burn = self.ctx.code_group("burn_repair", info["on"])
            desc = (info["row"].description_fa or "") if info["row"] is not None else ""
            words = self.const("mod_63", "child_words_fa", ["نوزاد", "شیرخوار", "کودک", "اطفال"])
            mentions = any(w in desc for w in words)
            if code in semi or (mentions and not (code in burn and self.enabled("mod_63_burn"))):
                if "63" in mods:
                    refused.append("mod_63")
            else:
                p63 = age63
        elif "63" in mods and self.enabled("mod_63") and not age63:
            refused.append("mod_63")
        info["f85"], info["f53"], info["p63"], info["refused"] = f85, f53, p63, refused

    def _mod53_refusal(self, info) -> str | None:
        # a caesarean: the bill's delivery, the pack's code list, or the word سزارین in the book's / bill's description
        desc = ((info["row"].description_fa or "") if info.get("row") is not None else "") + " " + \
            str(v(getattr(info["proc"], "description", None)) or "")
        if v(getattr(self.doc, "delivery", None)) == "caesarean" or info["code"] in set(
                self.const("mod_53_caesarean", "codes", []) or []) or "سزارین" in desc:
            return "mod_53_caesarean" if self.enabled("mod_53_caesarean") else None
        ins = v(getattr(self.doc, "insured", None))
        nid = v(getattr(ins, "national_id", None)) if ins is not None else None
        earlier = [r for r in self.ctx.history.services(nid, {info["code"]}) if r.on is not None and r.on < info["on"]]
        if not earlier:
            return "mod_53"
        # RVU-53-N1 "حداکثر یک ماه پس از ترخیص": from the discharge of the earlier operation's stay (the history
        # keeps bills' stays); an operation of an outpatient document, or a bill without a discharge, from its date
        ends = []
        for r in earlier:
            stay = self.ctx.history.bill_stay(nid, r.batch_id, r.seq) if r.kind == "bill" else None
            ends.append(JDate.from_ordinal(stay.discharged // bd.DAY_MINUTES)
                        if stay is not None and stay.discharged is not None else r.on)
        last = max(ends)
        months = int(self.const("mod_53_window", "months", 1))
        if self.enabled("mod_53_window") and self.admitted is not None and self.admitted.date <= last.add_months(months):
            return "mod_53_window"
        return None

    def _h_surgeon(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("surgeon", R, primary="surgeon_fee")
        if not self.enabled("surgeon_fee"):
            return hc
        rows = self.procedure_table()
        if not rows:
            return hc
        total = Decimal(0)
        base_ins = Decimal(0)
        units_total = Decimal(0)
        eff: dict[str, Decimal] = {}
        reviews = []
        out = []
        local46 = self._local_by_surgeon()
        unknown95 = False
        billed_total = Decimal(0)
        excluded_infos = []
        for info in rows:
            entry = {"code": info["code"], "percent": info["percent"]}
            if info["rv"] is None:
                entry["percent"] = 0
                if info["excluded"]:
                    hc.effects.append(Effect(None, "excluded", None, finding=self.excluded["procedure"][info["index"]]))
                out.append(entry)
                continue
            K = self.k("k_professional", info["on"]) or Decimal(0)
            rv = _dec(info["rv"])
            qty = max(1, int(info["qty"] or 1))
            full_units = rv * qty * (2 if (v(getattr(info["proc"], "bilateral", None)) is True
                                           and info["branch"] is not None) else 1)
            pct = base_pct = Decimal(info["percent"]) / 100
            if info["adj_percent"] is not None:
                # a clause's own percentage for this combination (INP-10-D-6 «۵۰٪ تعرفه آنژیوگرافی عروق محیطی») is
                # what the line is paid: it takes the place of modifier 51's rank, not a further cut of it
                units = max(1, len(info["percents"]))
                base_pct = Decimal(units)
                pct = Decimal(str(info["adj_percent"])) / 100 * units
                entry["percent"] = int(info["adj_percent"]) * units
            final = rv * pct * info["f85"] * info["f53"]
            final = final * (1 + Decimal(info["p63"]) / 100)
            if info["adj"] is not None and not info["excluded"]:
                orig_rv = _dec(info["orig_rv"]) if info["orig_rv"] is not None else rv
                oq = max(1, int(info["orig_qty"] or 1))
                per_unit = base_pct / max(1, qty)
                orig = orig_rv * per_unit * oq * info["f85"] * info["f53"] * (1 + Decimal(info["p63"]) / 100)
                if orig > final:
                    hc.effects.append(Effect(None, "excluded", rial((orig - final) * K), finding=info["adj"]))
                if info["paid_code"]:
                    entry["paid_code"] = info["paid_code"]
            surgeon = v(getattr(info["proc"], "surgeon", None))
            mult = self._prof_multiplier(surgeon)
            add46 = Decimal(0)
            if local46 and info["index"] in local46:
                raw46 = rv * pct * info["f85"] * _dec(self.const("mod_46", "percent", 20)) / 100
                cap46 = _dec(self.const("mod_46_cap", "max_units", 15)) if self.enabled("mod_46_cap") else raw46
                add46 = min(raw46, cap46)
                if raw46 > add46:
                    eff["mod_46_cap"] = eff.get("mod_46_cap", Decimal(0)) + (raw46 - add46) * K
            info["final_rv"] = final
            entry.update({"rvu": float(rv), "final_rvu": float(round(final, 4))})
            if info["p63"]:
                entry["modifier_63"] = info["p63"]
            if info["f85"] != 1:
                entry["modifier_85"] = True
            final_all = rv * Decimal(info["percent_all"]) / 100 * info["f85"] * info["f53"] \
                * (1 + Decimal(info["p63"]) / 100)
            billed_total += (final_all * mult + add46) * K
            if info["excluded"]:
                excluded_infos.append((info, final_all * K))
                entry["percent"] = 0
                out.append(entry)
                continue
            if info["percent"] < 100 * max(1, len(info["percents"])) and info["adj_percent"] is None \
                    and info["branch"] in ("RVU-51", "RVU-51-N1", "RVU-51-N4", "RVU-51-N5"):
                calc = {"RVU-51": "mp_same", "RVU-51-N1": "mp_separate", "RVU-51-N4": "mp_foot",
                        "RVU-51-N5": "mp_foot_both"}[info["branch"]]
                # INP-10-D-3 / INP-10-G-3: the clauses that send a pacemaker with other surgery, or a further
                # urodynamic study, to modifier 51 are cited for that reduction (the same percentages)
                for special, group in (("mp_pacemaker", "pacemaker"), ("mp_urodynamic", "urodynamic")):
                    if self.enabled(special) and info["code"] in self.ctx.code_group(group, info["on"]):
                        calc = special
                        break
                eff[calc] = eff.get(calc, Decimal(0)) + (full_units - rv * pct) * K
            if info["review"]:
                reviews.append(("mp_mixed" if info["review"] == "mixed_incisions" else "mp_foot_both", info))
            for r in info["refused"]:
                size = {"mod_85": rv * pct * _dec(self.const("mod_85", "percent", 20)) / 100,
                        "mod_85_once": rv * pct * _dec(self.const("mod_85", "percent", 20)) / 100,
                        "mod_63": rv * pct * Decimal(25) / 100}.get(r, rv * pct * _dec(self.const("mod_53", "percent", 30)) / 100)
                eff[r] = eff.get(r, Decimal(0)) + size * K
            if "90" in info["modifiers"] and mult == 1 and self.enabled("mod_90"):
                eff["mod_90"] = eff.get("mod_90", Decimal(0)) + final * K      # the doubling claimed
            if "95" in info["modifiers"] and mult == 1 and self.enabled("mod_95"):
                unknown95 = True                                                 # coefficient claimed: unknown
            uncapped = self._prof_multiplier(surgeon, capped=False)
            if uncapped > mult and self.enabled("mod_90_95_cap"):
                eff["mod_90_95_cap"] = eff.get("mod_90_95_cap", Decimal(0)) + (uncapped - mult) * final * K
            if add46:
                entry["modifier_46_units"] = float(round(add46, 4))
            add60 = Decimal(0)
            if "60" in info["modifiers"] and self.enabled("mod_60"):
                share = self._standby_share("cardiac_surgeon")
                if info["code"] in self.ctx.code_group("interventional_therapeutic", info["on"]):
                    sb = v(getattr(info["proc"], "standby", None))
                    cs = v(getattr(sb, "cardiac_surgeon", None)) if sb is not None else None
                    if cs is not None:
                        add60 = rv * pct * share / 100
                        entry["modifier_60_units"] = float(round(add60, 4))
                elif self.enabled("mod_60_diagnostic"):
                    eff["mod_60_diagnostic"] = eff.get("mod_60_diagnostic", Decimal(0)) + rv * pct * share / 100 * K
            total += (final * mult + add46 + add60) * K
            base_ins += (final + add46 + add60) * K
            units_total += final * mult + add46 + add60
            if info["p63"] and self.enabled("mod_63"):
                pass
            if "53" in info["modifiers"] and info["f53"] != 1:
                reviews.append(("mod_53", info))
            out.append(entry)
        if excluded_infos:
            gone = max(Decimal(0), billed_total - total)
            weight = sum(w for _, w in excluded_infos) or Decimal(1)
            for info, w in excluded_infos:
                hc.effects.insert(0, Effect(None, "excluded", rial(gone * w / weight),
                                            finding=self.excluded["procedure"][info["index"]]))
        # RVU-44-N1: surgery times missing on the operation note → 10 % of the surgeon's fee
        if self.enabled("surgery_times") and self._surgery_times_missing():
            pct = _dec(self.const("surgery_times", "deduction_percent", 10)) / 100
            eff["surgery_times"] = total * pct
            total -= total * pct
            base_ins -= base_ins * pct
        hc.computed = rial(total)
        hc.base_insured = rial(base_ins)
        texts = {"mp_same": "اعمال متعدد در یک ناحیه/شکاف: ۱۰۰٪، ۵۰٪، ۲۵٪، ۱۰٪، ۵٪",
                 "mp_separate": "اعمال متعدد در دو ناحیه/شکاف توسط یک جراح: ۱۰۰٪ و ۸۰٪",
                 "mp_pacemaker": "تعبیه پیس‌میکر همراه سایر اعمال جراحی با کد تعدیلی ۵۱",
                 "mp_urodynamic": "بیش از یک بررسی یورودینامیک با کد تعدیلی ۵۱",
                 "mp_foot": "جراحی پا روی یک پا: ۱۰۰٪، ۷۵٪، ۲۵٪",
                 "mp_foot_both": "جراحی دو پا: ۱۰۰٪ و ۸۰٪",
                 "mod_85": "کد تعدیلی ۸۵ بدون ثبت فناوری نیمه‌تهاجمی",
                 "mod_85_once": "کد تعدیلی ۸۵ با بیش از یک فناوری تنها یکبار (۲۰٪) قابل اخذ است", "mod_63": "شرایط کد تعدیلی ۶۳ (سن کودک) احراز نشد",
                 "mod_53": "سابقه همان عمل برای کد تعدیلی ۵۳ (عمل مجدد) یافت نشد",
                 "mod_53_window": "عمل مجدد کمتر از یک ماه پس از ترخیص قبلی عارضه محسوب می‌شود نه عمل مجدد",
                 "mod_53_caesarean": "سزارین تکراری مشمول کد تعدیلی ۵۳ نیست",
                 "mod_90": "پزشک تمام وقت جغرافیایی در بخش دولتی نیست (کد ۹۰)",
                 "mod_95": "مرکز در منطقه محروم نیست (کد ۹۵)",
                 "surgery_times": "زمان شروع و پایان جراحی در شرح عمل درج نشده: ۱۰٪ حق‌العمل جراح کسر می‌شود",
                 "mod_46_cap": "کد ۴۶ (بی‌حسی موضعی توسط جراح) حداکثر ۱۵ واحد",
                 "mod_60_diagnostic": "کد ۶۰ (استندبای) فقط برای اعمال اینترونشنال درمانی است، نه تشخیصی",
                 "mod_90_95_cap": "کدهای ۹۰ و ۹۵ با هم حداکثر ۳ کا"}
        for k2, amt in eff.items():
            hc.effects.append(Effect(k2, "reduce", rial(amt), texts.get(k2, "")))
        if unknown95:
            hc.effects.append(Effect("mod_95", "reduce", None, texts["mod_95"]))
        for calc, info in reviews:
            hc.effects.append(Effect(calc, "review", None, {
                "mp_mixed": "ترکیب اعمال هم‌شکاف و جدا در یک جلسه در دستورالعمل نیامده است؛ درصدها را کارشناس تأیید کند",
                "mp_foot_both": "بیش از دو عمل روی دو پا: درصدها را کارشناس تأیید کند",
                "mod_53": "عمل مجدد (۵۳): عود بیماری یا عارضه عمل قبلی را کارشناس بررسی کند"}.get(calc, ""),
                {"code": info["code"]}))
        # RVU-51-N6: a later-day operation on the same code or region may be a complication
        if self.enabled("mp_days"):
            dates = {}
            for info in rows:
                if info["rv"] is None or info["excluded"]:
                    continue
                det = info["details"]
                region = v(getattr(det, "region", None)) if det is not None else None
                for key in {("code", info["code"]), ("region", region)} - {("region", None)}:
                    dates.setdefault(key, set()).add(info["on"])
            if any(len(d) > 1 for d in dates.values()):
                hc.effects.append(Effect("mp_days", "review", None, "عمل دوم در روز دیگری از همان بستری روی همان "
                                         "ناحیه/کد: اگر عارضه عمل اول باشد ۱۰۰٪ قابل پرداخت نیست"))
        self.computed["procedures"] = out
        self.computed["surgeon_rvu"] = float(round(units_total, 4))
        return hc

    def _surgery_times_missing(self) -> bool:
        """RVU-44-N1: an operation in the operating room whose operation note (procedure or anaesthesia record)
        lacks the start or end of surgery (null = not recorded)."""
        for p in self.records("procedures"):
            if v(getattr(p, "place", None), "operating_room") != "operating_room":
                continue
            s, e = getattr(p, "surgery_start", ABSENT), getattr(p, "surgery_end", ABSENT)
            if s is None or e is None:
                return True
        for a in self.records("anesthesia"):
            s, e = getattr(a, "surgery_start", ABSENT), getattr(a, "surgery_end", ABSENT)
            if s is None or e is None:
                return True
        return False

    def _standby_share(self, who: str) -> Decimal:
        """RVU-60: the standby percent of the professional component for the cardiac surgeon or the
        anaesthesiologist (government 25 + 25, private 12.5 + 12.5)."""
        table = self.const("mod_60", "percent", {"government": {"cardiac_surgeon": 25, "anesthesiologist": 25},
                                                 "private": {"cardiac_surgeon": 12.5, "anesthesiologist": 12.5}})
        return _dec(table["government" if self.sector_gov else "private"][who])

    def _standby_session(self, sess) -> Decimal | None:
        """RVU-60: the professional RV of the therapeutic interventional procedures with modifier 60 (and a standby
        anaesthesiologist) of a session, or None when the session has none."""
        total = None
        for info in self.procedure_table():
            p = info["proc"]
            if sess is not None and v(getattr(p, "session", None)) not in (None, sess):
                continue
            if "60" not in info["modifiers"] or info["rv"] is None or info["excluded"]:
                continue
            if info["code"] not in self.ctx.code_group("interventional_therapeutic", info["on"]):
                continue
            sb = v(getattr(p, "standby", None))
            if sb is None or v(getattr(sb, "anesthesiologist", None)) is None:
                continue
            total = (total or Decimal(0)) + _dec(info["rv"]) * Decimal(info["percent"]) / 100
        return total

    def local_by_surgeon(self, a) -> bool:
        """RVU-46: a local anaesthesia the treating surgeon gave himself (performed_by surgeon, or given by a
        surgeon of the bill / by no anaesthesiologist)."""
        if v(getattr(a, "method", None)) != "local":
            return False
        by = v(getattr(a, "performed_by", None))
        if by is not None:
            return by == "surgeon"
        person = v(getattr(a, "anesthesiologist", None))
        if person is None:
            return True
        c = v(getattr(person, "council_no", None))
        surgeons = {self._person_id(v(getattr(p, "surgeon", None))) for p in self.records("procedures")}
        return (c is not None and str(c) in surgeons) or v(getattr(person, "specialty", None)) != "anesthesiology"

    def _local_by_surgeon(self) -> set[int]:
        """RVU-46: procedures of a session whose anaesthesia is local, given by the surgeon."""
        out = set()
        if not self.enabled("mod_46"):
            return out
        for a in self.records("anesthesia"):
            if not self.local_by_surgeon(a):
                continue
            sess = v(getattr(a, "session", None))
            for i, p in enumerate(self.records("procedures")):
                if sess is None or v(getattr(p, "session", None)) == sess:
                    out.add(i)
        # modifier 46 claimed on the procedure itself (the manual's way of reporting it), with no anaesthesia record
        # of that session showing another method or an anaesthesiologist
        anes = self.records("anesthesia")
        for i, p in enumerate(self.records("procedures")):
            if "46" not in [str(m) for m in v(getattr(p, "modifiers", None), [])]:
                continue
            sess = v(getattr(p, "session", None))
            recs = [a for a in anes if sess is None or v(getattr(a, "session", None)) in (None, sess)]
            if all(self.local_by_surgeon(a) for a in recs):
                out.add(i)
        return out

    # -- assistant (ماده ۱۱, modifier 80)
    def _h_assistant_surgeon(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("assistant_surgeon", R, primary="assistant_fee")
        if not self.enabled("assistant_fee"):
            return hc
        rows = self.procedure_table()
        pct = _dec(self.const("assistant_fee", "percent", 20)) / 100
        total = Decimal(0)
        units = Decimal(0)
        any_assist = False
        for info in rows:
            p = info["proc"]
            if v(getattr(p, "assistant", None)) is None or info["rv"] is None:
                continue
            any_assist = True
            K = self.k("k_professional", info["on"]) or Decimal(0)
            final = info.get("final_rv")
            if final is None:
                final = _dec(info["rv"]) * Decimal(info["percent"]) / 100 * info["f85"] * info["f53"] \
                    * (1 + Decimal(info["p63"]) / 100)
            amt = final * pct * K
            if info["excluded"] or info["index"] in self.excluded["assistant"]:
                f = self.excluded["assistant"].get(info["index"]) or self.excluded["procedure"].get(info["index"])
                hc.effects.append(Effect(None, "excluded", rial(amt), finding=f))
                continue
            total += amt
            units += final * pct
        if not any_assist:
            if R > 0 and self.enabled("assistant_none") and rows:
                hc.computed = 0
                hc.effects.append(Effect("assistant_none", "deny", R, "در شرح عمل کمک جراح ثبت نشده است"))
            return hc
        hc.computed = rial(total)
        self.computed["assistant_rvu"] = float(round(units, 4))
        return hc

    # -- anaesthesia (modifiers 31-46)
    def anesthesia_results(self) -> list:
        return self.memo("anes", self._anesthesia_results)

    def _session_base(self, sess, on) -> Decimal | None:
        best = None
        for info in self.procedure_table():
            if info["excluded"] or info["addon"] or info["row"] is None:
                continue
            p = info["proc"]
            if sess is not None and v(getattr(p, "session", None)) not in (None, sess):
                continue
            b = info["row"].anesthesia_base
            if b is not None and (best is None or b > best):
                best = b
        return best

    def _hypothermia(self, t) -> bool | None:
        """RVU-33: absent → None (as it should be); null → not recorded; a temperature → hypothermia only when it
        is below `mod_33.hypothermia_below_c` (a normothermic reading is no hypothermia, whatever the text's
        «بالای ۳۰ درجه» means)."""
        t = _fact3(t) if not isinstance(t, (int, float)) or isinstance(t, bool) else t
        if t is None or isinstance(t, bool):
            return t
        return Decimal(str(t)) < _dec(self.const("mod_33", "hypothermia_below_c", 35))

    def _session_addon_base(self, sess) -> Decimal | None:
        """The highest anaesthesia base printed on the session's add-on (+) rows: never used (RVU-PLUS-N1)."""
        best = None
        for info in self.procedure_table():
            if info["excluded"] or not info["addon"] or info["row"] is None:
                continue
            if sess is not None and v(getattr(info["proc"], "session", None)) not in (None, sess):
                continue
            b = info["row"].anesthesia_base
            if b is not None and (best is None or b > best):
                best = b
        return best

    def _anesthesia_results(self) -> list:
        out = []
        used35 = False
        total_value = self.ctx.code_group("anesthesia_total_value", self.ev.date)
        for i, a in enumerate(self.records("anesthesia")):
            sess = v(getattr(a, "session", None))
            start, end = v(getattr(a, "start", None)), v(getattr(a, "end", None))
            ss, se = v(getattr(a, "surgery_start", None)), v(getattr(a, "surgery_end", None))
            surgery = (se - ss) if ss is not None and se is not None else None
            recorded = (end - start) if start is not None and end is not None else None
            rin, rout = getattr(a, "recovery_in", ABSENT), getattr(a, "recovery_out", ABSENT)
            rmin = getattr(a, "recovery_minutes", ABSENT)
            rec_min = v(rmin)
            if rec_min is None and v(rin) is not None and v(rout) is not None:
                rec_min = rout - rin
            recorded_ok = not (rmin is None and (rin is None or rout is None)) if self.enabled("recovery_times") \
                else True
            if rmin is None and rin is ABSENT and rout is ABSENT:
                recorded_ok = False if self.enabled("recovery_times") else True
            risk_factors = getattr(a, "risk_factors", ABSENT)
            asa = v(getattr(a, "asa", None))
            risk = None
            if isinstance(risk_factors, list):
                risk = bool(risk_factors) or (asa is not None and asa >= 2)
            elif asa is not None:
                risk = asa >= 2
            codes = {info["code"] for info in self.procedure_table()
                     if sess is None or v(getattr(info["proc"], "session", None)) in (None, sess)}
            inp = anes.AnesthesiaInput(
                book_base=self._session_base(sess, None), method=v(getattr(a, "method", None)),
                surgery_minutes=surgery, recorded_minutes=recorded,
                claimed_modifiers=[str(m) for m in v(getattr(a, "modifiers", None), [])],
                recovery_minutes=rec_min, recovery_recorded=recorded_ok,
                to_icu=v(getattr(a, "to_icu", None)) is True,
                recovery_standard=v(getattr(self.provider, "recovery_standard", None), True) is not False
                or not self.enabled("recovery_standard"),
                total_value=bool(codes & total_value) and self.enabled("anes_total_value"),
                age_years=self.insured_age(start.date if start else None),
                emergency=v(getattr(self.doc, "emergency", None)),
                position=v(getattr(a, "position", None)), remote_from_site=v(getattr(a, "remote_from_site", None)),
                hypothermia=self._hypothermia(getattr(a, "lowest_temperature_c", ABSENT)),
                pump=_fact3(getattr(a, "extracorporeal_pump", ABSENT)),
                controlled_hypotension=_fact3(getattr(a, "controlled_hypotension", ABSENT)),
                risk=risk, modifier_35_used_before=used35 and self.enabled("mod_35_once"))
            if inp.method == "epidural_labour_analgesia":
                inp.method = "epidural"
            if inp.method == "regional_other" and self.enabled("recovery_regional"):
                pass
            rec = {"per_minutes": 60, "significant": int(self.const("recovery", "significant_minutes", 30)),
                   "min_surgery": int(self.const("recovery", "min_surgery_minutes", 30)),
                   "max_units": int(self.const("recovery", "max_units", 4)),
                   "min_stay": int(self.const("recovery", "min_stay_minutes", 30))}
            tm = {"first_period": int(self.const("anes_time", "first_period_minutes", 240)),
                  "first_block": int(self.const("anes_time", "first_block_minutes", 15)),
                  "later_block": int(self.const("anes_time", "later_block_minutes", 10)),
                  "significant": int(self.const("anes_time", "significant_minutes", 5)),
                  "before": int(self.const("anes_time", "before_minutes", 15)),
                  "after": int(self.const("anes_time", "after_minutes", 15))}
            u = anes.anesthesia_units(inp, base_when_none=int(self.const("anes_base3", "base_units", 3)),
                                      recovery=rec, time=tm, min_age_37=int(self.const("mod_37_age", "min_age", 70)))
            if "35" in u.applied:
                used35 = True
            out.append((i, a, u, surgery, recorded))
        return out

    def _h_anesthesia(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("anesthesia", R, primary="anes_total")
        if not self.enabled("anes_total"):
            return hc
        results = self.anesthesia_results()
        if not results:
            if R > 0 and self.enabled("anes_no_record"):
                hc.effects.append(Effect("anes_no_record", "review", None,
                                         "حق‌الزحمه بیهوشی درخواست شده ولی برگه بیهوشی (زمان‌ها و روش) در پرونده نیست"))
            return hc
        if self.global_bill:
            return self._labour_analgesia(hc)
        total = Decimal(0)
        base_ins = Decimal(0)
        eff: dict[str, Decimal] = {}
        units_sum = {"base": Decimal(0), "time": 0, "modifiers": 0, "recovery": 0}
        detail = []
        local = False
        standby_seen = False
        singles: list = []      # (units, surgery minutes, Rials per unit) of each anaesthesia priced normally
        pct63 = 0
        if self.enabled("anes_63"):
            pct63 = pr.age_percent_63(self.birth, self.admitted.date if self.admitted else self.ev.date,
                                      infant_months=int(self.const("mod_63", "infant_max_months", 6)),
                                      infant_percent=int(self.const("mod_63", "infant_percent", 50)),
                                      child_years=int(self.const("mod_63", "child_max_years", 3)),
                                      child_percent=int(self.const("mod_63", "child_percent", 25)))
        for i, a, u, surgery, recorded in results:
            start = v(getattr(a, "start", None))
            K = self.k("k_anesthesia", start.date if start else None) or Decimal(0)
            if self.local_by_surgeon(a) and self.enabled("anes_local_surgeon"):
                local = True
                amt = u.total * K
                eff["anes_local_surgeon"] = eff.get("anes_local_surgeon", Decimal(0)) + amt
                continue
            factor = 1 + Decimal(pct63) / 100
            mult = self._prof_multiplier(v(getattr(a, "anesthesiologist", None)))
            amt = u.total * K * factor
            standby_rv = self._standby_session(v(getattr(a, "session", None))) if self.enabled("mod_60") else None
            if standby_rv is not None and v(getattr(a, "method", None)) == "standby":
                # RVU-60: the anaesthesiologist's standby share of the professional component, not base and time
                Kp = self.k("k_professional", start.date if start else None) or Decimal(0)
                paid = standby_rv * self._standby_share("anesthesiologist") / 100 * Kp
                if self.enabled("mod_60_anesthesia"):
                    standby_seen = True
                    if amt > paid:
                        eff["mod_60_anesthesia"] = eff.get("mod_60_anesthesia", Decimal(0)) + amt - paid
                total += paid
                base_ins += paid
                detail.append({"session": v(getattr(a, "session", None)), "standby_rvu": float(standby_rv)})
                continue
            if i in self.excluded["anesthesia"]:
                hc.effects.append(Effect(None, "excluded", rial(amt * mult), finding=self.excluded["anesthesia"][i]))
                continue
            for calc, _m, units in u.refused:
                eff[calc] = eff.get(calc, Decimal(0)) + Decimal(units) * K * factor
            ab = self._session_addon_base(v(getattr(a, "session", None))) if self.enabled("addon_anes") else None
            if ab is not None and ab > u.base:
                # RVU-PLUS-N1: an add-on's printed base is worth nothing; a claim built on it is refused under N1
                eff["addon_anes"] = eff.get("addon_anes", Decimal(0)) + (Decimal(ab) - u.base) * K * factor
            if recorded is not None and u.minutes is not None and recorded > u.minutes and self.enabled("anes_time"):
                extra = anes.time_units(recorded) - u.time
                if extra > 0:
                    eff["anes_time"] = eff.get("anes_time", Decimal(0)) + Decimal(extra) * K * factor
            total += amt * mult
            base_ins += amt
            singles.append((u, surgery, K * factor * mult))
            units_sum["base"] += u.base
            units_sum["time"] += u.time
            units_sum["modifiers"] += u.modifiers
            units_sum["recovery"] += u.recovery
            detail.append({"session": v(getattr(a, "session", None)), **u.as_dict(), "minutes": u.minutes,
                           "modifiers_applied": u.applied})
        if standby_seen and "mod_60_anesthesia" not in eff:
            hc.effects.append(Effect("mod_60_anesthesia", "reduce", None,
                                     "استندبای اعمال اینترونشنال: فقط سهم استندبای از جزء حرفه‌ای، بدون پایه و زمان"))
        # RVU-43: post-operative pain management, 10 units once per admission by catheter or pump
        pain = self.records("pain_management")
        if pain and self.enabled("pain_management"):
            routes = self.const("pain_management", "routes", ["epidural_catheter", "iv_pca"])
            units = _dec(self.const("pain_management", "units", 10))
            ok = [p for p in pain if v(getattr(p, "route", None)) in routes]
            K = self.k("k_anesthesia", None) or Decimal(0)
            if ok:
                total += units * K
                base_ins += units * K
            refused = (len(pain) - (1 if ok else 0))
            if refused > 0:
                eff["pain_management"] = units * K * refused
        hc.computed = rial(total)
        hc.base_insured = rial(base_ins)
        texts = {"anes_base3": "ارزش پایه بیهوشی ۳ (کد ۳۱): تعدیل‌کننده‌ها و ریکاوری قابل اضافه شدن نیست",
                 "anes_sedation": "IV Sedation / Stand by: فقط ارزش پایه و زمان",
                 "anes_total_value": "ارزش تام بیهوشی در کتاب درج شده: کد تعدیلی دیگری قابل گزارش نیست",
                 "mod_35_36": "کدهای ۳۵ و ۳۶ همزمان قابل گزارش نیستند", "mod_35_once": "کد ۳۵ برای هر بیمار یکبار",
                 "mod_35": "زمینه خطرناک (کد ۳۵) در پرونده ثبت نشده", "mod_36": "بیمار اورژانسی نیست (کد ۳۶)",
                 "mod_37_age": "سن بیمار کمتر از ۷۰ سال است (کد ۳۷)", "mod_32": "وضعیت قرارگیری مشمول کد ۳۲ نیست",
                 "mod_33": "هیپوترمی ثبت نشده (کد ۳۳)", "mod_34": "پمپ برون‌پیکری استفاده نشده (کد ۳۴)",
                 "mod_38": "هیپوتانسیون کنترل‌شده ثبت نشده (کد ۳۸)",
                 "addon_anes": "کد ضمیمه (+) ارزش بیهوشی ندارد: ارزش پایه از عمل اصلی",
                 "recovery_method": "ریکاوری فقط پس از بیهوشی جنرال، رژیونال (شبکه بازویی، کمری-خاجی، گردنی)، "
                                    "اپیدورال یا اسپینال",
                 "recovery_icu": "انتقال به بخش مراقبت ویژه پس از عمل: ریکاوری قابل گزارش نیست",
                 "recovery_stay": "اقامت در ریکاوری کمتر از ۳۰ دقیقه",
                 "recovery_standard": "تجهیزات استاندارد ریکاوری مرکز احراز نشده",
                 "recovery_times": "زمان ورود و خروج ریکاوری در صورت وضعیت اتاق عمل درج نشده",
                 "recovery_surgery": "عمل جراحی کمتر از ۳۰ دقیقه: ریکاوری قابل محاسبه نیست",
                 "recovery_regional": "بلوک رژیونال مشمول ریکاوری فقط شبکه بازویی، کمری-خاجی و گردنی",
                 "anes_time": "زمان بیهوشی از ۱۵ دقیقه قبل تا ۱۵ دقیقه بعد از جراحی محاسبه می‌شود",
                 "anes_local_surgeon": "بی‌حسی موضعی توسط پزشک معالج: ارزش پایه بیهوشی استفاده نمی‌شود "
                                       "(۲۰٪ به حق‌العمل جراح)",
                 "pain_management": "مدیریت درد: یکبار در هر بستری و فقط با کاتتر مرکزی یا پمپ",
                 "mod_60_anesthesia": "استندبای اعمال اینترونشنال: فقط سهم استندبای از جزء حرفه‌ای، بدون پایه و زمان"}
        for k2, amt in eff.items():
            kind = "deny" if (k2 == "anes_local_surgeon" and not detail) else "reduce"
            hc.effects.append(Effect(k2, kind, rial(amt), texts.get(k2, "")))
        if not eff and len(singles) == 1 and len(results) == 1 and not pain:
            hc.effects += self._anes_rounding(hc.requested, total, *singles[0])
        if local and not detail:
            hc.computed = 0
        self.computed["anesthesia_units"] = {"base": int(units_sum["base"]) if units_sum["base"] == int(units_sum["base"])
                                             else float(units_sum["base"]), "time": units_sum["time"],
                                             "modifiers": units_sum["modifiers"], "recovery": units_sum["recovery"]}
        if len(detail) > 1:
            self.computed["anesthesia"] = detail
        if pct63:
            self.computed["anesthesia_modifier_63"] = pct63
        return hc

    def _anes_rounding(self, R: int, total: Decimal, u, surgery, per_unit: Decimal) -> list:
        """A request above the computed value by exactly the units a looser rounding gives is explained by the
        rounding clause rather than left to the total value (RVU-41): RVU-39-N4 (a remainder under 30 minutes of
        surgery is no hour of recovery) and RVU-42 (a remainder under 5 minutes is no time block). Only the exact
        difference is attributed; anything else stays with the heading's primary clause."""
        if R <= total or per_unit <= 0:
            return []
        d = Decimal(R) - total
        tol = max(2, R // 1000)
        cands = []
        if surgery is not None and u.recovery > 0 and self.enabled("recovery_surgery"):
            per = 60
            mx = int(self.const("recovery", "max_units", 4))
            alt = min(mx, -(-surgery // per))
            if alt > u.recovery:
                cands.append(("recovery_surgery", alt - u.recovery,
                              "ریکاوری: هر یک ساعت عمل جراحی یک واحد؛ باقیمانده کمتر از ۳۰ دقیقه ساعت کامل محسوب "
                              "نمی‌شود (کد ۳۹ تبصره ۴)"))
        if u.minutes and u.time and self.enabled("anes_time"):
            alt = anes.time_units(u.minutes, first_period=int(self.const("anes_time", "first_period_minutes", 240)),
                                  first_block=int(self.const("anes_time", "first_block_minutes", 15)),
                                  later_block=int(self.const("anes_time", "later_block_minutes", 10)), significant=1)
            if alt > u.time:
                cands.append(("anes_time", alt - u.time,
                              "زمان بیهوشی: باقیمانده کمتر از ۵ دقیقه واحد زمانی محسوب نمی‌شود (کد ۴۲)"))
        for pick in ([c] for c in cands) if len(cands) < 2 else ([cands[0]], [cands[1]], cands):
            if abs(d - sum(Decimal(c[1]) for c in pick) * per_unit) <= tol:
                return [Effect(c[0], "reduce", rial(Decimal(c[1]) * per_unit), c[2]) for c in pick]
        return []

    def _labour_analgesia(self, hc: HeadingCalc) -> HeadingCalc:
        """INP-10-H-3: in the government sector an anaesthesiologist's labour analgesia is added to the global
        total at the anaesthesia value of the delivery (global_package_components.anesthesia_units)."""
        if not self.enabled("labour_analgesia"):
            return hc
        gp = v(getattr(self.doc, "global_package", None))
        name = v(getattr(gp, "name", None)) if gp is not None else None
        comps = (self.ctx.param("global_package_components", self.ev.date, default=None) or {}).get(name) or {}
        total = self._labour_analgesia_amount(comps)
        hc.computed = rial(total)
        hc.primary = "labour_analgesia"
        self.computed["labour_analgesia_units"] = float(comps.get("anesthesia_units", 0)) if total else 0
        return hc

    def _labour_analgesia_records(self) -> list:
        """INP-10-H-3: the anaesthesiologist's labour analgesias of a government hospital (not left out)."""
        out = []
        for i, a, u, *_r in self.anesthesia_results():
            method = v(getattr(a, "method", None))
            spec = v(getattr(v(getattr(a, "anesthesiologist", None)), "specialty", None)) \
                if v(getattr(a, "anesthesiologist", None)) is not None else None
            if method == "epidural_labour_analgesia" and self.sector_gov and spec in (None, "anesthesiology") \
                    and i not in self.excluded["anesthesia"]:
                out.append(a)
        return out

    def _labour_analgesia_amount(self, comps: dict) -> Decimal:
        """INP-10-H-3: the delivery's anaesthesia value (global_package_components.anesthesia_units) × K
        anaesthesia for each labour analgesia."""
        total = Decimal(0)
        for a in self._labour_analgesia_records():
            start = v(getattr(a, "start", None))
            K = self.k("k_anesthesia", start.date if start else None) or Decimal(0)
            total += _dec(comps.get("anesthesia_units", 0)) * K
        return total

    # -- operating room (ماده ۱۲)
    def _h_operating_room(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("operating_room", R, primary="or_one_value")
        if not self.enabled("or_one_value"):
            return hc
        rows = self.procedure_table()
        if not rows:
            return hc
        total = Decimal(0)
        units = Decimal(0)
        units_private = Decimal(0)
        three = False
        outside = Decimal(0)
        ins_pct = _dec(self.const("or_one_value", "insurer_percent", 40))
        priv_pct = _dec(self.const("or_one_value", "private_percent", 25))
        local46 = self._local_by_surgeon() if self.enabled("mod_46_or") else None
        eff46 = None
        for info in rows:
            row = info["row"]
            if row is None or info["rv"] is None:
                continue
            place = v(getattr(info["proc"], "place", None))
            in_or = place == "operating_room" or (place is None and R > 0)
            pct = Decimal(info["percent"])
            u, how = pr.or_technical_units(rv_professional=_dec(info["rv"]), rv_technical=row.rvu_technical,
                                           in_operating_room=in_or, percent=pct, plus_85=info["f85"] != 1,
                                           insurer_percent=ins_pct, private_percent=priv_pct,
                                           technology_percent=_dec(self.const("mod_85", "percent", 20)))
            up, _ = pr.or_technical_units(rv_professional=_dec(info["rv"]), rv_technical=row.rvu_technical,
                                          in_operating_room=in_or, percent=pct, plus_85=info["f85"] != 1,
                                          sector="private_centre", insurer_percent=ins_pct, private_percent=priv_pct,
                                          technology_percent=_dec(self.const("mod_85", "percent", 20)))
            K = self.k("k_technical", info["on"]) or Decimal(0)
            if how == "three_values":
                three = True
            if how == "outside_or":
                outside += _dec(info["rv"]) * pct / 100 * ins_pct / 100 * K
                continue
            if info["excluded"]:
                hc.effects.append(Effect(None, "excluded", rial(u * K), finding=self.excluded["procedure"][info["index"]]))
                continue
            total += u * K
            units += u
            units_private += up
            if local46 and info["index"] in local46 and self.enabled("mod_46_or"):
                # RVU-46-N2: the OR technical is computed without 46; an OR claim on the raised RV is cut under N2
                add = u * _dec(self.const("mod_46", "percent", 20)) / 100 * K
                eff46 = eff46 + add if eff46 is not None else add
        hc.computed = rial(total)
        if eff46:
            hc.effects.append(Effect("mod_46_or", "reduce", rial(eff46),
                                     "کد ۴۶: جزء فنی اتاق عمل بدون احتساب ۲۰٪ بی‌حسی موضعی محاسبه می‌شود"))
        if outside and self.enabled("or_outside"):
            kind = "deny" if total == 0 else "reduce"
            hc.effects.append(Effect("or_outside", kind, rial(outside) if kind == "reduce" else R,
                                     "خدمت با یک ارزش نسبی خارج از اتاق عمل جزء فنی ندارد"))
        if three and self.enabled("or_three_values"):
            hc.effects.append(Effect("or_three_values", "reduce", None,
                                     "برای خدمات دارای سه ارزش نسبی فقط جزء فنی (ارزش سوم) قابل محاسبه است"))
        self.computed["operating_room_units"] = float(round(units, 4))
        if not self.sector_gov:
            self.computed["operating_room_units_private_centre"] = float(round(units_private, 4))
        return hc

    # -- global package (ماده ۲۲)
    def package_tariff(self) -> tuple[dict | None, str | None]:
        gp = v(getattr(self.doc, "global_package", None))
        if gp is None:
            return None, None
        name = v(getattr(gp, "name", None))
        acc = v(getattr(self.provider, "accreditation", None))
        grade = v(getattr(acc, "hospital", None)) if acc is not None else None
        return self._tariff_for(name, grade or v(getattr(gp, "grade", None)))

    def _tariff_for(self, name, grade) -> tuple[dict | None, str | None]:
        """INP-22-1: the package's tariff row for the grade (`1_plus` / `1_excellent` as `1`), else its `any` row."""
        table = self.ctx.param("global_package_tariff", self.ev.date, default=None) or {}
        pk = table.get(name)
        if pk is None:
            return None, None
        for g in (grade, "1" if grade in ("1_plus", "1_excellent") else None, "any"):
            if g is not None and g in pk:
                return pk[g], g
        return None, None

    def _h_global_package(self, R: int) -> HeadingCalc:
        hc = HeadingCalc("global_package", R, primary="global_tariff")
        if not self.enabled("global_tariff"):
            return hc
        gp = v(getattr(self.doc, "global_package", None))
        tar, grade = self.package_tariff()
        if tar is None:
            hc.effects.append(Effect("global_tariff", "review", None, "تعرفه گلوبال این عمل برای درجه بیمارستان "
                                     "در پارامترها نیست"))
            return hc
        total = _dec(tar.get("total", 0))
        hotel = _dec(tar.get("hoteling", 0))
        eff: dict[str, Decimal] = {}
        if self.is_lsc and self.enabled("global_lsc_hoteling"):
            total -= hotel
            eff["global_lsc_hoteling"] = hotel
        comps = (self.ctx.param("global_package_components", self.ev.date, default=None) or {}).get(
            v(getattr(gp, "name", None))) or {}
        kp = self.k("k_professional", None) or Decimal(0)
        if self.enabled("global_caesarean_no_indication") and self._caesarean_without_indication(gp):
            # INP-10-H-5: «از سرجمع تعرفه گلوبال ۲۰ کا کسر می‌گردد» (the sector's professional K)
            cut = min(total, _dec(self.const("global_caesarean_no_indication", "deduct_k", 20)) * kp)
            total -= cut
            eff["global_caesarean_no_indication"] = cut
        ka = self.k("k_anesthesia", None) or Decimal(0)
        mods = [str(m) for m in v(getattr(gp, "modifiers", None), [])]
        add = Decimal(0)
        surgeon_amt = _dec(comps.get("surgeon_rvu", 0)) * kp
        anes_amt = _dec(comps.get("anesthesia_units", 0)) * ka
        if "63" in mods and self.enabled("global_modifiers"):
            p63 = pr.age_percent_63(self.birth, self.admitted.date if self.admitted else self.ev.date)
            add += (surgeon_amt + anes_amt) * p63 / 100
        if "85" in mods and self.enabled("global_modifiers"):
            add += surgeon_amt * _dec(self.const("mod_85", "percent", 20)) / 100
        if "39" in mods and self.enabled("global_modifiers"):
            rec = sum(r[2].recovery for r in self.anesthesia_results())
            add += Decimal(rec) * ka
        if "95" in mods and self.enabled("global_modifiers"):
            g = v(getattr(self.provider, "deprivation_grade", None))
            c = (self.ctx.param("deprivation_coefficient", self.ev.date, default=None) or {}).get(str(g)) if g else None
            if c is not None:
                add += (surgeon_amt + anes_amt) * (min(_dec(c), Decimal(2)) - 1)
        mod_req = v(getattr(gp, "modifier_requested", None), 0)
        if mod_req > rial(add):
            eff["global_modifiers"] = Decimal(mod_req) - add
        second = Decimal(0)
        if self.enabled("global_second_k"):
            if any(v(getattr(v(getattr(p, "surgeon", None)), "full_time_faculty", None)) is True
                   for p in self.records("procedures") if v(getattr(p, "surgeon", None)) is not None):
                second += surgeon_amt
            if any(v(getattr(v(getattr(a, "anesthesiologist", None)), "full_time_faculty", None)) is True
                   for a in self.records("anesthesia") if v(getattr(a, "anesthesiologist", None)) is not None):
                second += anes_amt
            if any(v(getattr(vi, "kind", None)) == "newborn_initial" and
                   v(getattr(v(getattr(vi, "prescriber", None)), "full_time_faculty", None)) is True
                   for vi in self.records("visits") if v(getattr(vi, "prescriber", None)) is not None):
                second += _dec(comps.get("healthy_newborn_initial_visit_rvu", 0)) * kp
            ft_req = v(getattr(gp, "full_time_addition_requested", None), 0)
            if ft_req > rial(second):
                eff["global_second_k"] = Decimal(ft_req) - second
        hc.computed = rial(total + add + second)
        hc.base_insured = rial(total)
        texts = {"global_lsc_hoteling": "در مراکز جراحی محدود هزینه هتلینگ از تعرفه گلوبال کسر می‌شود",
                 "global_modifiers": "کدهای تعدیلی قابل اضافه به سرجمع گلوبال: ۳۹، ۶۳، ۸۵، ۹۰، ۹۵ (در صورت احراز)",
                 "global_second_k": "کای دوم پزشک تمام وقت فقط برای حق‌العمل جراحی، بیهوشی و ویزیت اولیه نوزاد سالم",
                 "global_caesarean_no_indication": "سزارین بدون اندیکاسیون پزشکی (درخواست مادر): ۲۰ کا از سرجمع "
                                                   "تعرفه گلوبال کسر می‌شود"}
        for k2, amt in eff.items():
            hc.effects.append(Effect(k2, "reduce", rial(amt), texts.get(k2, "")))
        if "53" in mods and self.enabled("global_53"):
            hc.effects.append(Effect("global_53", "review", None, "عمل گلوبال مشمول کد ۵۳: از گلوبال خارج و بر "
                                     "اساس ریز خدمات محاسبه شود"))
        why = self._global_exit()
        if why and self.enabled("global_exit"):
            hc.effects.append(Effect("global_exit", "review", None, why))
        self.computed["global_package"] = {"name": v(getattr(gp, "name", None)), "grade": grade,
                                           "tariff": int(_dec(tar.get("total", 0))), "hoteling": int(hotel),
                                           "additions": rial(add + second)}
        return hc

    def _caesarean_without_indication(self, gp) -> bool:
        """INP-10-H-5, the decidable case: a caesarean (the bill's delivery or its global package) whose record
        says in words that it had no medical indication (the mother's request) — the procedure's
        `details.indication` or the admission order's diagnosis. A caesarean with no indication written, or an
        «elective» one, stays the human's call (the pack's review entries)."""
        name = str(v(getattr(gp, "name", None)) or "")
        if v(getattr(self.doc, "delivery", None)) != "caesarean" and "caesarean" not in name and "سزارین" not in name:
            return False
        words = [str(w).lower() for w in self.const("global_caesarean_no_indication", "words", [])]
        texts = []
        order = v(getattr(self.doc, "admission_order", None))
        if order is not None:
            texts.append(v(getattr(order, "diagnosis", None)))
        for p in self.records("procedures"):
            det = v(getattr(p, "details", None))
            if det is not None:
                texts.append(v(getattr(det, "indication", None)))
        return any(isinstance(t, str) and any(w in t.lower() for w in words) for t in texts)

    def _global_exit(self) -> str | None:
        """INP-22-6: two global operations, a global and a non-global operation, or an ICU/CCU stay."""
        wards = set(self.const("global_exit", "wards", ["icu", "ccu"]))
        if any(v(getattr(s, "ward", None)) in wards for s in self.records("stays")):
            return "بستری در ICU/CCU: پرونده از گلوبال خارج و با کتاب ارزش نسبی محاسبه شود"
        codes = self.ctx.param("global_package_codes", self.ev.date, default=None) or {}
        procs = [p for p in self.records("procedures") if v(getattr(p, "code", None)) is not None]
        pkgs = set()
        non_global = 0
        for p in procs:
            c = p.code
            hit = [n for n, cs in codes.items() if c in cs]
            if hit or v(getattr(p, "global_package", None)) is True:
                pkgs.update(hit or [c])
            else:
                non_global += 1
        if len(pkgs) >= 2:
            return "دو عمل گلوبال در یک بستری: پرونده از گلوبال خارج شود"
        if pkgs and non_global:
            return "یک عمل گلوبال و یک عمل غیرگلوبال: پرونده از گلوبال خارج شود"
        return None

    # -- an itemised global operation (ماده ۲۲-۸, ۱۰-ح-۱)
    def global_cap_basis(self) -> dict:
        """Whether an itemised bill's operation is capped at its global tariff (INP-22-8), from the bill's records
        and the parameters alone (phase A reads it: `$global_cap`). state: `applied` (one package, no exit, a
        tariff for the grade), else why not: `global_bill`, `off` (the step not in force), `no_package` (no
        procedure of `global_package_codes`), `exit` (INP-22-6: ICU/CCU, two global operations, a global and a
        non-global one; INP-22-10: modifier 53), `no_tariff` (no row of the package for the grade)."""
        return self.memo("global_cap_basis", self._global_cap_basis)

    def _global_cap_basis(self) -> dict:
        if self.global_bill:
            return {"state": "global_bill"}
        if not self.enabled("global_cap"):
            return {"state": "off"}
        codes = self.ctx.param("global_package_codes", self.ev.date, default=None) or {}
        procs = [p for p in self.records("procedures") if v(getattr(p, "code", None)) is not None]
        names = sorted({n for p in procs for n, cs in codes.items() if p.code in cs})
        if not names:
            return {"state": "no_package"}
        why = self._global_exit()
        if why is None and any("53" in [str(m) for m in v(getattr(p, "modifiers", None), [])] for p in procs
                               if any(p.code in codes[n] for n in names)):
            why = "عمل گلوبال مشمول کد ۵۳: از گلوبال خارج و بر اساس ریز خدمات محاسبه می‌شود (ماده ۲۲-۱۰)"
        if why is None and len(names) > 1:
            why = "کد عمل در بیش از یک بسته گلوبال"
        if why is not None:
            return {"state": "exit", "why": why, "packages": names}
        acc = v(getattr(self.provider, "accreditation", None))
        grade = v(getattr(acc, "hospital", None)) if acc is not None else None
        tar, row = self._tariff_for(names[0], grade)
        if tar is None:
            return {"state": "no_tariff", "package": names[0], "grade": grade}
        return {"state": "applied", "package": names[0], "grade": row, "tariff": tar}

    def cap_share(self, heading: str, line: int | None) -> int:
        """What the global cap takes off a heading (line None) or one of its lines (INP-22-8)."""
        cap = self.global_cap()
        return cap["shares"].get((heading, line), 0) if cap else 0

    def global_cap(self) -> dict | None:
        """INP-22-8 (with INP-10-H-1 for a delivery in a government hospital): an itemised bill of one global
        operation is paid at most the package's global tariff for the hospital's grade (INP-22-1; less its hoteling
        in a limited surgery centre, INP-22-2) plus what ماده ۲۲-۱۰ / ۲۲-۱۱ / ۱۰-ح-۳ add on top (see
        `_cap_additions`). The headings inside the package are those of the pack's `bill_global_includes` rules
        (INP-22-8: hoteling … operating room; INP-22-5: consultations, lab, imaging, drugs, supplies, other, less
        the lines outside the package, INP-22-3/4). When their approved amounts add up to more, the excess is
        taken off them in proportion to their approved amounts (whole Rials, the rounding remainder to the
        largest), a line heading's share over its lines inside the package the same way. Below the tariff the
        itemised amounts are paid (never raised). None when the cap does not apply (`global_cap_basis`)."""
        if "global_cap" not in self._memo:
            self._memo["global_cap"] = _BUSY
            try:
                self._memo["global_cap"] = self._global_cap()
            except BaseException:
                self._memo.pop("global_cap", None)
                raise
        val = self._memo["global_cap"]
        if val is _BUSY:
            raise RuntimeError("the global cap depends on itself: a heading calculator read a capped amount")
        return val

    def _cap_includes(self) -> dict[str, dict]:
        """heading → the `bill_global_includes` rule's compiled params that puts it inside the package."""
        out: dict[str, dict] = {}
        for r in self.rules:
            if r.check == "bill_global_includes":
                for h in r.compiled["headings"]:
                    out.setdefault(h, r.compiled)
        return out

    def outside_package(self, spec: dict, line) -> bool:
        """A heading line the package does not include (INP-22-3 prostheses, INP-22-4 chapters and codes)."""
        return package_exception(self.ctx, self.ev.date, spec, line)

    def _global_cap(self) -> dict | None:
        basis = self.global_cap_basis()
        if basis["state"] != "applied" or self.bill_denied:
            return None
        name, grade, tar = basis["package"], basis["grade"], basis["tariff"]
        comps = (self.ctx.param("global_package_components", self.ev.date, default=None) or {}).get(name)
        total = _dec(tar.get("total", 0))
        cap_base = total
        if self.is_lsc and self.enabled("global_lsc_hoteling"):
            cap_base -= _dec(tar.get("hoteling", 0))
        add, used, needs = self._cap_additions(comps or {})
        delivery = v(getattr(self.doc, "delivery", None)) in self.const(
            "global_cap_delivery", "deliveries", ["normal", "caesarean"]) and v(getattr(
                self.provider, "sector", None)) in self.const("global_cap_delivery", "sectors", list(GOV))
        includes = self._cap_includes()
        parts: dict[str, dict[int | None, int]] = {}
        for h in HEADINGS:
            if h not in includes or h in self.heading_denies:
                continue
            hc = self.heading(h)
            if hc is None:
                continue
            if hc.lines:
                lines = self.heading_lines(h)
                for lc in hc.lines:
                    if self.outside_package(includes[h], lines[lc.index]):
                        continue
                    a = self.line_approved(h, lc, capped=False)
                    if a > 0:
                        parts.setdefault(h, {})[lc.index] = a
            else:
                a = self.approved(h, capped=False) or 0
                if a > 0:
                    parts.setdefault(h, {})[None] = a
        itemised = sum(sum(x.values()) for x in parts.values())
        out = {"package": name, "grade": grade, "delivery": delivery, "shares": {}, "review": None}
        if needs and comps is None:
            # an addition of ماده ۲۲-۱۰ applies but the package's components are not in the parameters: the cap
            # cannot be computed (nothing is invented) — the reviewer decides
            out["review"] = Effect("global_cap", "review", None,
                                   f"اجزای ارزش نسبی بسته گلوبال ({name}) برای محاسبه {'، '.join(needs)} در پارامترها "
                                   f"نیست: سقف تعرفه گلوبال را کارشناس محاسبه کند", {"package": name})
            out["review_heading"] = "surgeon" if "surgeon" in parts else next(iter(parts), None) or next(
                (h for h in HEADINGS if h in includes and self.heading(h) is not None), None)
            return out
        cap = rial(cap_base + add)
        excess = max(0, itemised - cap)
        self.computed["global_cap"] = {"package": name, "grade": grade, "tariff": int(total), "additions": rial(add),
                                       "cap": cap, "itemised": itemised, "deducted": excess}
        if used:
            self.computed["global_cap"]["added"] = used
        if not excess:
            return out
        by_heading = _spread(excess, {h: sum(x.values()) for h, x in parts.items()})
        for h, x in parts.items():
            for line, share in _spread(by_heading.get(h, 0), x).items():
                if share:
                    out["shares"][(h, line)] = share
        names_fa = {"63": "۶۳", "85": "۸۵", "39": "۳۹", "95": "۹۵", "90": "کای دوم تمام وقت",
                    "labour_analgesia": "بی‌دردی زایمان"}
        out["detail_fa"] = (f"عمل گلوبال به صورت ریز خدمات اعلام شده: سرجمع سرفصل‌های داخل تعرفه گلوبال "
                            f"{fa_amount(itemised)} ریال؛ تعرفه گلوبال درجه {fa_digits(grade)} "
                            f"{fa_amount(rial(cap_base))} ریال"
                            + (f" + اضافات ({'، '.join(names_fa.get(u, u) for u in used)}) {fa_amount(rial(add))} "
                               f"ریال = {fa_amount(cap)} ریال" if rial(add) else "")
                            + f"؛ مازاد {fa_amount(excess)} ریال به نسبت مبالغ تأییدشده سرفصل‌ها کسر شد")
        out["data"] = {"package": name, "grade": grade, "tariff": int(total), "cap": cap, "itemised": itemised,
                       "excess": excess}
        return out

    def _cap_additions(self, comps: dict) -> tuple[Decimal, list[str], list[str]]:
        """What is added to the global tariff of an itemised operation, as `_h_global_package` adds it to a
        package bill: modifiers 63, 85, 95 on the package's components and 39 (the recovery units) where the
        itemised review established them (ماده ۲۲-۱۰), the second K of full-time physicians (ماده ۲۲-۱۱, the
        RVU-90 of a package) and the labour analgesia of a government hospital (INP-10-H-3). Returns (amount,
        what was added, what needed the components table)."""
        kp = self.k("k_professional", None) or Decimal(0)
        ka = self.k("k_anesthesia", None) or Decimal(0)
        surgeon_amt = _dec(comps.get("surgeon_rvu", 0)) * kp
        anes_amt = _dec(comps.get("anesthesia_units", 0)) * ka
        add = Decimal(0)
        used: list[str] = []
        needs: list[str] = []
        codes = self.ctx.param("global_package_codes", self.ev.date, default=None) or {}
        pkg = set(codes.get(self.global_cap_basis()["package"]) or [])
        rows = [info for info in self.procedure_table() if info["code"] in pkg and not info["excluded"]]
        if self.enabled("global_modifiers"):
            p63 = max((info["p63"] for info in rows), default=0)
            if p63:
                add += (surgeon_amt + anes_amt) * Decimal(p63) / 100
                used.append("63")
                needs.append("۶۳")
            if any(info["f85"] != 1 for info in rows):
                add += surgeon_amt * _dec(self.const("mod_85", "percent", 20)) / 100
                used.append("85")
                needs.append("۸۵")
            rec = sum(u.recovery for i, _a, u, *_r in self.anesthesia_results() if i not in self.excluded["anesthesia"])
            if rec:
                add += Decimal(rec) * ka
                used.append("39")
            g = v(getattr(self.provider, "deprivation_grade", None)) if self.enabled("mod_95") else None
            c = (self.ctx.param("deprivation_coefficient", self.ev.date, default=None) or {}).get(str(g)) if g else None
            if c is not None and _dec(c) > 1:
                add += (surgeon_amt + anes_amt) * (min(_dec(c), _dec(self.const("mod_95", "max_multiplier", 2))) - 1)
                used.append("95")
                needs.append("۹۵")
        if self.enabled("global_second_k"):
            def full_time(rec, who):
                p = v(getattr(rec, who, None))
                return p is not None and v(getattr(p, "full_time_faculty", None)) is True
            ft = (any(full_time(p, "surgeon") for p in self.records("procedures")),
                  any(full_time(a, "anesthesiologist") for a in self.records("anesthesia")),
                  any(v(getattr(vi, "kind", None)) == "newborn_initial" and full_time(vi, "prescriber")
                      for vi in self.records("visits")))
            if any(ft):
                add += surgeon_amt * ft[0] + anes_amt * ft[1] \
                    + _dec(comps.get("healthy_newborn_initial_visit_rvu", 0)) * kp * ft[2]
                used.append("90")
                needs.append("کای دوم تمام وقت")
        if self.enabled("labour_analgesia") and self._labour_analgesia_records():
            add += self._labour_analgesia_amount(comps)
            used.append("labour_analgesia")
            needs.append("بی‌دردی زایمان")
        return add, used, needs

    def _cap_cites(self, name: str, line: int | None) -> list:
        cap = self.global_cap()
        if not cap:
            return []
        share = cap["shares"].get((name, line), 0)
        if not share:
            return []
        eff = Effect("global_cap", "reduce", share, cap["detail_fa"], dict(cap["data"]), line=line)
        out = [("global_cap", eff, share, line)]
        if cap["delivery"] and self.enabled("global_cap_delivery"):
            out.append(("global_cap_delivery", eff, 0, line))      # ماده ۱۰ ح-۱ cited beside it, no Rials
        return out

    def _cap_review(self, name: str) -> list:
        cap = self.global_cap()
        if not cap or cap["review"] is None or cap.get("review_heading") != name:
            return []
        out = [("global_cap", cap["review"], 0, None)]
        if cap["delivery"] and self.enabled("global_cap_delivery"):
            out.append(("global_cap_delivery", cap["review"], 0, None))
        return out

    # -- heading lines
    def _line_heading(self, name: str, R: int) -> HeadingCalc:
        hc = HeadingCalc(name, R, lines=[])
        for i, line in enumerate(self.heading_lines(name)):
            lc = LineCalc(i, self.line_requested(line))
            self._line_calc(name, line, lc)
            hc.lines.append(lc)
        return hc

    def _priced_by_clause(self, f, lc: LineCalc, code, on, qty) -> bool:
        """A phase-A clause's paid code and/or quantity prices the line at the government tariff; its finding takes
        the difference. False when that price is not in the book."""
        paid = f.paid_code if f.paid_code and self.tariff(f.paid_code) is not None else code
        if f.paid_qty is not None:
            qty = lc.paid_qty = f.paid_qty
        price = self.ctx.price(paid, on, "government", qty) if paid is not None else None
        if price is None:
            return False
        lc.computed = price
        lc.paid_code = paid if paid != code else None
        lc.effects.append(Effect(None, "excluded", max(0, lc.requested - price), finding=f, line=lc.index))
        return True

    def _line_calc(self, heading: str, line, lc: LineCalc) -> None:
        code = v(getattr(line, "code", None))
        on = v(getattr(line, "on", None)) or self.ev.date
        qty = v(getattr(line, "qty", None), 1)
        if heading == "supplies":
            # a phase-A clause that pays the supply as a service code (INP-10-K-3: a donor cornea as 602055)
            for f in self.line_findings.get((heading, lc.index), []):
                if f.severity == "adjust" and f.paid_code and self.tariff(f.paid_code) is not None \
                        and self._priced_by_clause(f, lc, code, on, 1):
                    return
            cat = v(getattr(line, "category", None))
            up = v(getattr(line, "unit_price", None))
            if cat is not None and up is not None:
                if v(getattr(line, "prosthesis", None)) is True and self.enabled("prosthesis_price"):
                    cap = (self.ctx.param("prosthesis_covered_price", on, default=None) or {}).get(cat)
                    if cap is not None and up > cap:
                        lc.computed = rial(_dec(cap) * _dec(qty))
                        lc.effects.append(Effect("prosthesis_price", "reduce", lc.requested - lc.computed,
                                                 f"قیمت مورد تعهد پروتز {fa_amount(int(cap))} ریال", line=lc.index))
                        return
                if self.enabled("supply_min_rate"):
                    cap = (self.ctx.param("supply_min_rate", on, default=None) or {}).get(cat)
                    if cap is not None and up > cap:
                        lc.computed = rial(_dec(cap) * _dec(qty))
                        lc.effects.append(Effect("supply_min_rate", "reduce", lc.requested - lc.computed,
                                                 f"حداقل نرخ مصوب {fa_amount(int(cap))} ریال", line=lc.index))
            return
        if code is None or heading == "drugs":
            return
        row = self.tariff(code)
        if row is None:
            return
        # INP-15-N1: one lab admission (800005) on the first day; on later days a blood draw (800010)
        lab_paid = code
        if heading == "lab" and self.enabled("lab_admission"):
            adm = str(self.const("lab_admission", "admission_code", "800005"))
            draw = str(self.const("lab_admission", "draw_code", "800010"))
            if code == adm:
                first = self.admitted.date if self.admitted else None
                earlier = [j for j, l2 in enumerate(self.heading_lines("lab"))
                           if j < lc.index and v(getattr(l2, "code", None)) == adm]
                if (first is not None and on > first) or earlier:
                    lab_paid = draw
        # a phase-A clause that pays the line as another code / quantity (INP-17-6, INP-17-7, INP-10-K-3 …)
        for f in self.line_findings.get((heading, lc.index), []):
            if lab_paid != code and f.paid_code == lab_paid and (f.paid_qty is None or f.paid_qty == qty):
                continue      # the lab part's same rule (LAB-1): the inpatient clause prices the line itself
            if f.severity == "adjust" and (f.paid_code or f.paid_qty is not None):
                self._priced_by_clause(f, lc, code, on, qty)
                return
        paid = lab_paid
        sector = "government"
        if code in ("900140", "900145") and self.enabled("dialysis_acute" if code == "900140" else "dialysis_chronic"):
            calc = "dialysis_acute" if code == "900140" else "dialysis_chronic"
            rvs = self.const(calc, "rvu_per_session", {"government": 17, "private": 26})
            rv = _dec(rvs.get("government" if self.sector_gov else "private"))
            K = self.k("k_professional", on) or Decimal(0)
            lc.computed = rial(rv * K * _dec(qty))
            lc.primary = calc
            return
        price = self.ctx.price(paid, on, sector, qty)
        if price is None:
            return
        mods = [str(m) for m in v(getattr(line, "modifiers", None), [])]
        if "86" in mods and self.enabled("mod_86"):
            place = v(getattr(line, "place", None))
            pct = _dec(self.const("mod_86", "percent_added", 80)) / 100
            if place in (None, "bedside", "home"):
                price = rial(_dec(price) * (1 + pct))
            else:
                lc.effects.append(Effect("mod_86", "reduce", rial(_dec(price) * pct),
                                         "کد ۸۶ فقط برای تصویربرداری پرتابل بر بالین بیمار", line=lc.index))
        if (self.enabled("exercise_professional") and paid in {str(c) for c in self.const("exercise_professional", "codes", ["900800"])}
                and (v(getattr(line, "physician_present", None)) is False or v(getattr(line, "report", None)) is False)):
            # INP-14-N2: the professional part of an exercise test needs the physician's physical presence and a
            # report; without either only the technical component is paid
            row = self.tariff(paid)
            rv_p = _dec(getattr(row, "rvu_professional", None) or 0) if row is not None else Decimal(0)
            if row is not None and getattr(row, "rvu_technical", None) not in (None, ABSENT) and rv_p > 0:
                prof = rial(rv_p * (self.k("k_professional", on) or Decimal(0)) * _dec(qty))
                prof = min(prof, price)
                price -= prof
                lc.effects.append(Effect("exercise_professional", "reduce", prof,
                                         "تست ورزش بدون حضور فیزیکی پزشک یا گزارش: فقط جزء فنی", line=lc.index))
        lc.computed = price
        lc.primary = "line_tariff"
        if paid != code:
            lc.paid_code = paid
            lc.primary = "lab_admission"
            lc.effects.append(Effect("lab_admission", "reduce", None,
                                     "تعرفه پذیرش آزمایشگاه فقط روز اول بستری؛ روزهای بعد خونگیری (۸۰۰۰۱۰)",
                                     line=lc.index))

    # ------------------------------------------------------------------------------------------------ citations
    def citations(self, name: str) -> list[tuple[str, Effect | None, int, int | None]]:
        """[(calc, effect, Rials attributed, heading line or None)] for the heading: which steps explain its
        deduction (see the module docstring)."""
        if name in self._cit:
            return self._cit[name]
        out: list = []
        hc = self.heading(name)
        if hc is None or name in self.heading_denies:
            self._cit[name] = out
            return out
        if hc.lines is not None:
            for lc in hc.lines:
                appr = self.line_approved(name, lc, capped=False)
                fs = self.line_findings.get((name, lc.index), [])
                decided = next((f for f in fs if f.severity == "adjust" and f.approved is not None
                                and f.approved == appr and not (f.paid_code or f.paid_qty is not None)), None)
                if any(f.severity == "deny" for f in fs) or decided is not None:
                    # a phase-A clause decided this line (the amount stage attributes it); when the global cap
                    # takes a share of it too, that clause's part is cited here
                    cap = self._cap_cites(name, lc.index)
                    if cap and decided is not None and lc.requested > appr:
                        out.append((None, Effect(None, "excluded", lc.requested - appr, finding=decided,
                                                 line=lc.index), lc.requested - appr, lc.index))
                    out += cap
                    continue
                out += self._cite(lc.requested, appr, lc.effects, lc.primary if lc.computed is not None else None,
                                  lc.index)
                out += self._cap_cites(name, lc.index)
            out += self._cap_cites(name, None)
        else:
            appr = self.approved(name, capped=False)
            out += self._cite(hc.requested, appr, hc.effects, hc.primary if hc.computed is not None else None, None)
            out += self._cap_cites(name, None)
        out += self._cap_review(name)
        self._cit[name] = out
        return out

    def _over_private_rate(self, R, approved, tol) -> bool:
        """A professional-K heading claimed above its amount at the private K (its government amount × K private /
        K government): the private-government difference alone does not explain the deduction."""
        kg = self.k("k_professional", None)
        kp = self.ctx.param("k_professional", self.ev.date, "private", default=None)
        if approved is None or not kg or kp is None:
            return False
        return R > rial(_dec(approved) * _dec(kp) / kg) + tol

    @staticmethod
    def _exact_effects(red: list, D: int, tol: int) -> list | None:
        """The steps the hospital evidently billed without: when some of the fitting effects of known size add up to
        the deduction exactly (within `tol`), those alone explain it — the smallest such set, in step order — and a
        step the bill already applied itself (e.g. INP-6-8 on a day billed at the cheaper bed) is not cited."""
        from itertools import combinations
        known = [e for e in red if e.amount is not None]
        if not known or len(known) > 10:
            return None
        for k in range(1, len(known) + 1):
            for combo in combinations(known, k):
                if abs(sum(e.amount for e in combo) - D) <= tol:
                    return list(combo)
        return None

    def _cite(self, R, approved, effects, primary, line):
        out = []
        D = max(0, R - approved) if approved is not None else 0
        rest = D
        unknown_excl = []
        for e in effects:
            if e.kind == "excluded":
                if e.amount is None:
                    unknown_excl.append(e)
                    continue
                share = min(rest, e.amount)
                rest -= share
                out.append((None, e, share, line))
        for e in effects:
            if e.kind == "review":
                out.append((e.calc, e, 0, line))
        if unknown_excl:
            out.append((None, unknown_excl[0], rest, line))
            out += [(None, e, 0, line) for e in unknown_excl[1:]]
            rest = 0
        if D <= 0 or rest <= 0:
            return out
        tol = max(2, R // 1000)
        deny = [e for e in effects if e.kind == "deny" and e.calc]
        if deny:
            out.append((deny[0].calc, deny[0], rest, line))
            return out
        red = [e for e in effects if e.kind == "reduce" and e.calc and (e.amount is None or 0 < e.amount <= D + tol)]
        exact = self._exact_effects(red, D, tol)
        if exact is not None:
            red = exact
        oversize = sorted((e for e in effects if e.kind == "reduce" and e.calc and e.amount is not None
                           and e.amount > D + tol), key=lambda e: e.amount)
        for e in red:
            share = min(rest, e.amount) if e.amount is not None else 0
            rest -= share
            out.append((e.calc, e, share, line))
        if rest > 0:
            unknown = [i for i, c in enumerate(out) if c[1] is not None and c[1].amount is None and c[1].kind == "reduce"]
            if unknown:
                i = unknown[0]
                c = out[i]
                out[i] = (c[0], c[1], c[2] + rest, line)
                if c[1].data.get("with_primary") and primary is not None and self.enabled(primary):
                    out.append((primary, None, 0, line))     # a rate step: the heading's rate clause is cited too
            elif red:
                c = out[-1]
                out[-1] = (c[0], c[1], c[2] + rest, line)
            elif oversize:
                # a step whose full effect exceeds the deduction (the bill applied it to part of its days
                # itself, e.g. INP-6-8 on one of two passed-over days) still explains what is left of it
                out.append((oversize[0].calc, oversize[0], rest, line))
            elif primary == "or_one_value" and not self.sector_gov and self.enabled("or_one_value"):
                # ماده ۱۲ بند ۱ names the private sector itself: the insurer's basis is 40% at the government
                # tariff in both sectors (the general rule of ماده ۳ تبصره ۱ is cited beside it)
                out.append(("or_one_value", None, rest, line))
                if self.enabled("tariff_cap"):
                    out.append(("tariff_cap", None, 0, line))
            elif (primary == "assistant_fee" and not self.sector_gov and self.enabled(primary)
                  and self._over_private_rate(R, approved, tol)):
                # ماده ۱۱ الف: the claim exceeds 20% of the final RV even at the private K — the clause's own
                # percentage explains the deduction (ماده ۳ تبصره ۱ beside it for the private-government difference)
                out.append((primary, None, rest, line))
                if self.enabled("tariff_cap"):
                    out.append(("tariff_cap", None, 0, line))
            else:
                p = primary
                generic = p in GENERIC_PRIMARY
                if (not self.sector_gov and generic and self.enabled("tariff_cap")) or (p is None or not self.enabled(p)):
                    p = "tariff_cap" if self.enabled("tariff_cap") else p
                if p is not None:
                    out.append((p, None, rest, line))
        return out

    def summary(self) -> dict:
        """The `computed` block: the figures behind the headings, also for the records a bill lists without a
        heading to pay them (bed-days, procedure percentages, anaesthesia units)."""
        self.global_cap()                      # computed.global_cap of an itemised global operation
        if "bed_days" not in self.computed and self.admitted is not None and self.discharged is not None:
            self.computed["bed_days"] = self.bed_days()
            by_ward: dict[str, int] = {}
            for d in self.day_plan():
                by_ward[d["ward"]] = by_ward.get(d["ward"], 0) + 1
            if by_ward:
                self.computed["bed_days_by_ward"] = by_ward
        if "procedures" not in self.computed and self.records("procedures") and self.enabled("surgeon_fee") \
                and not self.global_bill:
            self._h_surgeon(0)
        if "anesthesia_units" not in self.computed and self.records("anesthesia") and self.enabled("anes_total") \
                and not self.global_bill:
            self._h_anesthesia(0)
        if self.heading("hoteling") is not None and "hoteling_computed" in self.computed:
            self.computed["hoteling_approved"] = self.approved("hoteling")
        if self.heading("nursing") is not None and "nursing_computed" in self.computed:
            self.computed["nursing_approved"] = self.approved("nursing")
        return dict(self.computed)

    # ------------------------------------------------------------------------------------------------ burns
    def burn_tbsa(self) -> dict | None:
        burn = v(getattr(self.doc, "burn", None))
        if burn is None:
            return None
        age = self.insured_age()
        regions = []
        for r in v(getattr(burn, "regions", None), []):
            reg = v(getattr(r, "region", None))
            if reg:
                regions.append(BurnRegionIn(reg, v(getattr(r, "side", None))))
        adult = self.const("burn_tbsa", "adult_table", None)
        child = self.const("burn_tbsa", "child_table", None)
        over = int(self.const("burn_tbsa", "adult_over_years", 12))
        pct, unknown = tbsa(regions, age, **({"adult_table": adult} if adult else {}),
                            **({"child_table": child} if child else {}), over=over)
        out = {"tbsa_percent": float(pct), "table": "adult" if is_adult(age, over) else "child"}
        area = v(getattr(burn, "area_cm2", None))
        if area is not None and is_adult(age, over):
            out["tbsa_from_area"] = float(round(tbsa_from_area(area, cm2_per_percent=int(
                self.const("burn_tbsa", "cm2_per_percent", 170))), 2))
        if unknown:
            out["unknown_regions"] = unknown
        return out
