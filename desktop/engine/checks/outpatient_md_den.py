"""Check kinds of the physicians' (بخش دوم الف, MD-*) and dentists' (بخش دوم ب, DEN-*) sections.

Generic kinds (usable by any section):

    not_together        two kinds of line in one document: one side is not payable (a visit with a service, NST with
                        502160, an EMG/NCV package with any other code)
    same_day_documents  the insured has another document of the same prescriber (or provider) on the same day
    keyed_frequency     `frequency` with a key: per prescriber (a second visit the same day), per jaw (scaling once a
                        year per jaw), per tooth (one fissure sealant per tooth)

(`replace_code_when`, used by MD-5, MD-6 and DEN-3-N1, is registered by checks/outpatient_pt_lab.py.)

Dental kinds (they read the manual's Table 2, shipped in rules/dentists.yaml as a YAML anchor `table2`):

    dental_row          the billed Table-2 row agrees with the tooth and the insured's age (DEN-T2)
    dental_extractions  extractions paid from posterior to anterior, at most three a session (DEN-2)
    dental_films        PA/bitewing films: at most three a session, no repeated region, tooth or region named (DEN-3)
    dental_price        a line's price basis: specialist +50 % in the own specialty (DEN-4), auxiliary staff 50 %
                        (DEN-5)
    dental_tooth_only   restorations and sealants only on the first permanent molar (DEN-11)
    same_tooth_conflict two services on one tooth in one session: one is not payable (DEN-12)

History (rule-inputs §2) is `ev.ctx.history`: earlier batches and earlier documents of this batch; a "session" is
one insured, one provider, one service date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from desktop.domain.absent import ABSENT
from desktop.domain.fa import fa_amount, fa_digits
from desktop.engine.evaluate import fact, rial, service_date
from desktop.engine.rules import register

__all__ = ["T2Row", "compile_table2", "tooth_position", "fa_code", "AUX_ROLES"]

#: the intermediate dental staff of DEN-5 / DEN-7 (بهداشتکار، کاردان بهداشت دهان، پرستار دندانپزشکی)
AUX_ROLES = frozenset({"dental_hygienist", "oral_health_worker", "oral_health_technician", "dental_nurse"})

_FDI = re.compile(r"^[1-8][1-8]$")


def _v(x, default=None):
    return default if x is ABSENT or x is None else x


def _details(item):
    d = getattr(item, "details", ABSENT)
    return None if d is ABSENT or d is None else d


def _det(item, name):
    d = _details(item)
    return ABSENT if d is None else getattr(d, name, ABSENT)


def _qty(item):
    q = getattr(item, "qty", ABSENT)
    return 1 if q in (ABSENT, None) else q


def _nid(ev):
    ins = _v(getattr(ev.doc, "insured", None))
    return _v(getattr(ins, "national_id", None)) if ins is not None else None


def _council(ev):
    p = _v(getattr(ev.doc, "prescriber", None))
    return _v(getattr(p, "council_no", None)) if p is not None else None


def _line_date(ev, item):
    ev.item = item
    try:
        return ev.line_date()
    finally:
        ev.item = None


def _is_self(ev, rec) -> bool:
    """A history record of the document under review (a batch reviewed again with its own history)."""
    return rec.batch_id == ev.batch.id and rec.seq == getattr(ev.doc, "seq", None)


def fa_code(code) -> str:
    """A code as a Persian reader sees it: `T2-23` → «ردیف ۲۳ جدول ۲», a national code in Persian digits."""
    if code is None or code is ABSENT or code == "":
        return "بدون کد"
    code = str(code)
    if code.startswith("T2-"):
        return f"ردیف {fa_digits(code[3:])} جدول ۲"
    return fa_digits(code)


def _codes_or_group(params, what="codes"):
    codes = params.get("codes")
    group = params.get("group")
    if not codes and not group:
        raise ValueError(f"{what}: give `codes` or `group`")
    if codes is not None and not (isinstance(codes, list) and all(isinstance(c, str) for c in codes)):
        raise ValueError(f"{what}: `codes` is a list of code strings")
    return frozenset(codes or ()), group


def _code_set(ev, codes, group):
    return codes or ev.ctx.code_group(group, ev.date)


# ------------------------------------------------------------------------------------------------ facts


@fact("den_performer_role")
def _f_performer_role(ev):
    """Role of who performed the line: `item.performer.role`, else the prescriber's role (DEN-5, DEN-7)."""
    perf = getattr(ev.item, "performer", ABSENT) if ev.item is not None else ABSENT
    if perf not in (ABSENT, None):
        r = getattr(perf, "role", ABSENT)
        if r is not ABSENT:
            return r
    p = getattr(ev.doc, "prescriber", ABSENT)
    return getattr(p, "role", ABSENT) if p not in (ABSENT, None) else ABSENT


@fact("age_months_at_line")
def _f_age_months(ev):
    """Whole months from the insured's birth date to the line's service date (ABSENT when no birth date)."""
    ins = _v(getattr(ev.doc, "insured", None))
    birth = _v(getattr(ins, "birth_date", None)) if ins is not None else None
    if birth is None:
        return ABSENT
    on = ev.line_date()
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day and not (on.day == on.end_of_month().day and birth.day > on.day):
        months -= 1
    return months


# ------------------------------------------------------------------------------------------------ not_together

_SIDE_KEYS = ("codes", "group", "chapters", "other", "other_than", "other_than_group")


def _compile_side(spec, where):
    if not isinstance(spec, dict) or not spec or set(spec) - set(_SIDE_KEYS) or len(spec) != 1:
        raise ValueError(f"{where}: one of {', '.join(_SIDE_KEYS)}")
    (k, v), = spec.items()
    if k == "other":
        if v is not True:
            raise ValueError(f"{where}.other: true")
        return (k, None)
    if k in ("group", "other_than_group"):
        if not isinstance(v, str):
            raise ValueError(f"{where}.{k}: a code-group name")
        return (k, v)
    if not (isinstance(v, list) and v and all(isinstance(c, str) for c in v)):
        raise ValueError(f"{where}.{k}: a list of strings")
    return (k, frozenset(v))


def _compile_not_together(params):
    side = {k: params[k] for k in ("codes", "group") if k in params}
    if len(side) != 1:
        raise ValueError("give the first side as `codes` or `group`")
    a = _compile_side(side, "codes/group")
    if "with" not in params:
        raise ValueError("`with`: the other side (codes, group, chapters, other, other_than, other_than_group)")
    b = _compile_side(params["with"], "with")
    zero = params.get("zero", "self")
    if zero not in ("self", "with"):
        raise ValueError("zero: self | with")
    return {"a": a, "b": b, "zero": zero}


def _matches(ev, side, item, a_side=None):
    kind, v = side
    code = _v(item.code)
    if kind == "codes":
        return code in v
    if kind == "group":
        return code is not None and code in ev.ctx.code_group(v, ev.date)
    if kind == "chapters":
        row = ev.ctx.tariff_row(code) if code else None
        return row is not None and row.chapter in v
    if kind == "other":
        return not _matches(ev, a_side, item)
    if kind == "other_than":
        return code not in v
    return code is None or code not in ev.ctx.code_group(v, ev.date)       # other_than_group


@register("not_together", compile=_compile_not_together, levels=("line",))
def not_together(rule, ev):
    """Lines of one document that are not paid together: when a line of the first side (`codes` or `group`) and a
    line of the `with` side (codes, group, tariff chapters, `other: true` = any other line, `other_than: [codes]`,
    `other_than_group`) are both billed, the lines of side `zero` (self = the first side, or `with`) are not payable.
    A line with no code counts as a service of `other` / `other_than`."""
    c = rule.compiled
    lines = ev.lines()
    a_idx = [i for i, it in enumerate(lines) if _matches(ev, c["a"], it)]
    if not a_idx:
        return []
    b_idx = [i for i, it in enumerate(lines) if i not in a_idx and _matches(ev, c["b"], it, c["a"])]
    if not b_idx:
        return []
    targets, others = (a_idx, b_idx) if c["zero"] == "self" else (b_idx, a_idx)
    other_codes = "، ".join(fa_code(_v(lines[i].code)) for i in others)
    out = []
    for i in targets:
        code = _v(lines[i].code, "")
        out.append(ev.finding(rule, line=i, detail_fa=f"خدمت {fa_code(code)} همراه با {other_codes}",
                              data={"code": code, "with": [_v(lines[j].code) for j in others]}))
    return out


# ------------------------------------------------------------------------------------------------ same_day_documents


def _compile_same_day(params):
    same = params.get("same", "prescriber")
    if same not in ("prescriber", "provider"):
        raise ValueError("same: prescriber | provider")
    return {"same": same}


@register("same_day_documents", compile=_compile_same_day, levels=("document",))
def same_day_documents(rule, ev):
    """The insured already has a document of the same prescriber (`same: prescriber`, by council number) or the same
    provider (`same: provider`) with the same service date — in an earlier batch or earlier in this one: the
    services of one day (one session) belong on one prescription (MD-2, DEN-1).  A session is one insured, one
    provider, one day: the same physician's document filed by another provider (a clinic where he also works) could
    not have been written on this provider's sheet, so `same: prescriber` also requires the same provider."""
    nid = _nid(ev)
    if nid is None:
        return []
    same = rule.compiled["same"]
    key = _council(ev) if same == "prescriber" else _v(ev.batch.provider.code)
    if key is None:
        return []
    own_provider = _v(ev.batch.provider.code)
    day = ev.date
    who = 'پزشک' if same == 'prescriber' else 'مؤسسه'
    for r in ev.ctx.history.services(nid, since=day, until=day, paid_only=False):
        if r.kind != "prescription" or _is_self(ev, r):
            continue
        if (r.prescriber if same == "prescriber" else r.provider_code) != key:
            continue
        if same == "prescriber" and own_provider is not None and r.provider_code not in (None, own_provider):
            continue
        return [ev.finding(rule, detail_fa=f"نسخهٔ دیگری از همین {who} "
                                           f"در {fa_digits(day)} (فهرست {r.batch_id}، نسخهٔ {fa_digits(r.seq)})",
                           data={"date": str(day), "other_batch": r.batch_id, "other_seq": r.seq})]
    # a later document of this batch: both sheets of the day are raised, whichever was filed first
    for order, rx in ev.ctx.batch_prescriptions(nid):
        if order <= ev.order:
            continue
        if service_date(ev.batch, rx, "prescription") != day:
            continue
        if same == "prescriber":
            p = _v(getattr(rx, "prescriber", None))
            if p is None or _v(getattr(p, "council_no", None)) != key:
                continue
        seq = _v(getattr(rx, "seq", None))
        return [ev.finding(rule, detail_fa=f"نسخهٔ دیگری از همین {who} در {fa_digits(day)} (همین فهرست، نسخهٔ "
                                           f"{fa_digits(seq if seq is not None else order + 1)})",
                           data={"date": str(day), "other_batch": ev.batch.id, "other_seq": seq})]
    return []


# ------------------------------------------------------------------------------------------------ Table 2


@dataclass(frozen=True, slots=True)
class T2Row:
    row: int
    k: int | None
    service: str
    tooth: str | None          # FDI, for per-tooth rows
    jaw: str | None            # upper | lower, for jaw-level rows (derived from the tooth for per-tooth rows)
    surfaces: int | None
    ages: tuple | None         # (min, max) whole years; max None = no upper bound
    specialty: frozenset       # related specialties; {"all"} = every dental specialty
    fa: str

    @property
    def code(self) -> str:
        return f"T2-{self.row}"


def _jaw_of_tooth(tooth: str | None) -> str | None:
    if not tooth or not _FDI.match(tooth):
        return None
    return "upper" if tooth[0] in "1256" else "lower"


def tooth_position(tooth: str | None) -> int | None:
    """Position from the midline (1 = central incisor … 8 = third molar; primary A-E = 1-5): posterior is higher."""
    if not tooth or not _FDI.match(tooth):
        return None
    return int(tooth[1])


def compile_table2(raw) -> dict[int, T2Row]:
    """The manual's Table 2 as shipped in the dental pack: a list of {row, k, service, tooth?, jaw?, surfaces?, ages?,
    specialty, fa}. ValueError with the row when something is malformed."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("table2: the list of Table 2 rows")
    out: dict[int, T2Row] = {}
    for i, r in enumerate(raw):
        if not isinstance(r, dict) or not isinstance(r.get("row"), int):
            raise ValueError(f"table2[{i}]: needs an integer `row`")
        n = r["row"]
        if n in out:
            raise ValueError(f"table2: row {n} twice")
        k = r.get("k")
        if k is not None and not isinstance(k, (int, float)):
            raise ValueError(f"table2 row {n}: k must be a number or null")
        tooth = r.get("tooth")
        if tooth is not None and not (isinstance(tooth, str) and _FDI.match(tooth)):
            raise ValueError(f"table2 row {n}: tooth must be an FDI number like \"16\"")
        jaw = r.get("jaw") or _jaw_of_tooth(tooth)
        if jaw not in (None, "upper", "lower"):
            raise ValueError(f"table2 row {n}: jaw upper | lower")
        ages = r.get("ages")
        if ages is not None and not (isinstance(ages, list) and len(ages) == 2 and isinstance(ages[0], int)):
            raise ValueError(f"table2 row {n}: ages [min, max|null]")
        spec = r.get("specialty")
        spec = frozenset({"all"}) if spec == "all" else frozenset(spec or ())
        if not isinstance(r.get("service"), str):
            raise ValueError(f"table2 row {n}: needs `service`")
        out[n] = T2Row(n, k, r["service"], tooth, jaw, r.get("surfaces"), tuple(ages) if ages else None, spec,
                       str(r.get("fa") or ""))
    return out


def _row_no(code, details) -> int | None:
    if isinstance(code, str) and code.startswith("T2-") and code[3:].isdigit():
        return int(code[3:])
    if details is not None:
        n = getattr(details, "table2_row", ABSENT)
        if isinstance(n, int) and not isinstance(n, bool):
            return n
    return None


def _row(table, code, details) -> T2Row | None:
    n = _row_no(code, details)
    return table.get(n) if n is not None else None


def _service_of(table, code, details) -> str | None:
    s = getattr(details, "service", ABSENT) if details is not None else ABSENT
    if isinstance(s, str):
        return s
    r = _row(table, code, details)
    return r.service if r is not None else None


def _tooth_of(table, code, details) -> str | None:
    t = getattr(details, "tooth", ABSENT) if details is not None else ABSENT
    if isinstance(t, str) and t:
        return t.strip()
    r = _row(table, code, details)
    return r.tooth if r is not None else None


def _jaw_of(table, code, details) -> str | None:
    j = getattr(details, "jaw", ABSENT) if details is not None else ABSENT
    if j in ("upper", "lower"):
        return j
    r = _row(table, code, details)
    if r is not None and r.jaw:
        return r.jaw
    return _jaw_of_tooth(_tooth_of(table, code, details))


def _table_param(params, required=True):
    if "table2" not in params:
        if required:
            raise ValueError("needs `table2` (the manual's Table 2: use the pack's anchor *table2)")
        return None
    return compile_table2(params["table2"])


# ------------------------------------------------------------------------------------------------ keyed_frequency

_KEYS = ("prescriber", "provider", "jaw", "tooth")


def _compile_keyed(params):
    codes, group = _codes_or_group(params)
    if not isinstance(params.get("max"), int) or params["max"] < 0:
        raise ValueError("needs an integer `max` ≥ 0")
    per = params.get("per", "day")
    if per not in ("day", "jalali_year", "rolling_year", "window", "lifetime"):
        raise ValueError("per: day | jalali_year | rolling_year | window (with days) | lifetime")
    if per == "window" and not (isinstance(params.get("days"), int) and params["days"] > 0):
        raise ValueError("per: window needs `days`")
    key = params.get("key") or []
    if not isinstance(key, list) or set(key) - set(_KEYS):
        raise ValueError(f"key: a list of {', '.join(_KEYS)}")
    table = _table_param(params, required=bool({"jaw", "tooth"} & set(key)))
    count = params.get("count", "qty")
    if count not in ("qty", "lines"):
        raise ValueError("count: qty | lines")
    return {"codes": codes, "group": group, "max": params["max"], "per": per, "days": params.get("days"),
            "key": tuple(key), "table": table or {}, "count": count}


from desktop.engine.checks.frequency import window as _window  # noqa: E402  (one definition of the windows)


_KEY_FA = {"prescriber": "همین پزشک", "provider": "همین مؤسسه", "jaw": "همین فک", "tooth": "همین دندان"}
_PER_FA = {"day": "در یک روز", "jalali_year": "در سال", "rolling_year": "در یک سال گذشته", "lifetime": "در طول عمر"}


@register("keyed_frequency", compile=_compile_keyed, levels=("line",))
def keyed_frequency(rule, ev):
    """At most `max` services of a code set (`codes` or `group`) per day / Jalali year / rolling year (after the same
    day a year earlier) / rolling window of `days` / lifetime for one insured, counted separately for each value of `key` (prescriber = council number, provider, jaw,
    tooth — jaw and tooth from the line's details, else from its Table-2 row `table2`). Services a review zeroed do not
    count; a line whose key cannot be told is not counted."""
    c = rule.compiled
    codes = _code_set(ev, c["codes"], c["group"])
    nid = _nid(ev)
    if not codes or nid is None:
        return []
    table = c["table"]
    council, provider = _council(ev), _v(ev.batch.provider.code)

    def key_of(code, details, prescriber, prov):
        k = []
        for part in c["key"]:
            v = {"prescriber": prescriber, "provider": prov}.get(part) if part in ("prescriber", "provider") else \
                (_jaw_of(table, code, details) if part == "jaw" else _tooth_of(table, code, details))
            if v is None:
                return None
            k.append(v)
        return tuple(k)

    out, used_here = [], {}
    for idx, item in enumerate(ev.lines()):
        code = _v(item.code)
        if code is None or code not in codes:
            continue
        key = key_of(code, _details(item), council, provider)
        if key is None:
            continue
        on = _line_date(ev, item)
        since, until = _window(c["per"], c["days"], on)
        n = 0
        for r in ev.ctx.history.services(nid, codes, since=since, until=until):
            if _is_self(ev, r) or key_of(r.code, r.details, r.prescriber, r.provider_code) != key:
                continue
            n += r.qty if c["count"] == "qty" else 1
        this = _qty(item) if c["count"] == "qty" else 1
        already = n + used_here.get(key, 0)
        if already + this > c["max"]:
            per = _PER_FA.get(c["per"]) or f"در {fa_digits(c['days'])} روز"
            where = "، ".join(_KEY_FA[p] for p in c["key"])
            detail = (f"خدمت {fa_code(code)}{' (' + where + ')' if where else ''}: {fa_digits(already)} بار پیش‌تر "
                      f"{per}؛ سقف {fa_digits(c['max'])}")
            out.append(ev.finding(rule, line=idx, detail_fa=detail,
                                  data={"code": code, "key": list(key), "earlier": already, "max": c["max"],
                                        "per": c["per"]}))
        used_here[key] = used_here.get(key, 0) + this
    return out


# ------------------------------------------------------------------------------------------------ dental_row


def _compile_dental_row(params):
    return {"table": _table_param(params)}


def _age_years(ev, item):
    ins = _v(getattr(ev.doc, "insured", None))
    birth = _v(getattr(ins, "birth_date", None)) if ins is not None else None
    if birth is None:
        return None
    on = _line_date(ev, item)
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _in_band(ages, age):
    lo, hi = ages
    return age >= lo and (hi is None or age <= hi)


@register("dental_row", compile=_compile_dental_row, levels=("line",))
def dental_row(rule, ev):
    """The Table-2 row billed (`T2-<row>`) is the row of what was done: the tooth written (`details.tooth`) and the
    insured's age band (6-14 / over 14) select the row; a dearer row is paid as the right one (replace code), a
    disagreement that costs nothing, or a `details.table2_row` that differs from the code, is raised for review."""
    table = rule.compiled["table"]
    out = []
    for idx, item in enumerate(ev.lines()):
        code = _v(item.code)
        if not (isinstance(code, str) and code.startswith("T2-")):
            continue
        billed = _row(table, code, None)
        if billed is None:
            continue
        d = _details(item)
        stated = getattr(d, "table2_row", ABSENT) if d is not None else ABSENT
        if isinstance(stated, int) and stated != billed.row:
            out.append(ev.finding(rule, line=idx, severity="review",
                                  detail_fa=f"ردیف جدول ۲ نوشته‌شده ({fa_digits(stated)}) با کد {fa_code(code)} یکی نیست",
                                  data={"code": code, "table2_row": stated}))
            continue
        want = billed
        tooth = getattr(d, "tooth", ABSENT) if d is not None else ABSENT
        if billed.tooth and isinstance(tooth, str) and _FDI.match(tooth.strip()) and tooth.strip() != billed.tooth:
            same = [r for r in table.values() if r.service == billed.service and r.tooth == tooth.strip()
                    and r.surfaces == billed.surfaces]
            if not same:
                continue          # no row for that tooth: DEN-11 decides
            want = same[0]
        age = _age_years(ev, item) if want.ages else None
        if age is not None and not _in_band(want.ages, age):
            sib = [r for r in table.values() if r.service == want.service and r.jaw == want.jaw and r.ages
                   and r.tooth == want.tooth and _in_band(r.ages, age)]
            if sib:
                want = sib[0]
        if want is billed:
            continue
        on = _line_date(ev, item)
        p_billed = ev.ctx.price(billed.code, on, "government", 1)
        p_want = ev.ctx.price(want.code, on, "government", 1)
        why = f"ردیف {fa_digits(billed.row)} ({billed.fa}) محاسبه شده؛ خدمت انجام‌شده ردیف {fa_digits(want.row)} ({want.fa}) است"
        data = {"code": code, "row_for_service": want.row}
        if p_billed is not None and p_want is not None and p_want < p_billed:
            out.append(ev.finding(rule, line=idx, paid_code=want.code, detail_fa=why, data=data))
        else:
            out.append(ev.finding(rule, line=idx, severity="review", detail_fa=why, data=data))
    return out


# ------------------------------------------------------------------------------------------------ dental_extractions


def _compile_extractions(params):
    table = _table_param(params)
    mx = params.get("max")
    if not isinstance(mx, int) or mx < 1:
        raise ValueError("needs an integer `max` ≥ 1 (extractions paid a session)")
    per = params.get("per", "session")
    if per not in ("session", "quadrant"):
        raise ValueError("per: session | quadrant")
    service = params.get("service", "extraction")
    return {"table": table, "max": mx, "per": per, "service": service}


@register("dental_extractions", compile=_compile_extractions, levels=("line",))
def dental_extractions(rule, ev):
    """Extractions are paid from posterior to anterior (tooth position 8 → 1, primary E → A; a dearer row first on a
    tie), at most `max` a session (`per: session`: one insured, one provider, one day, earlier documents of the day
    counted) or a quadrant of a session (`per: quadrant`); the teeth beyond are not payable (DEN-2)."""
    c = rule.compiled
    table = c["table"]
    lines = ev.lines()
    found = []
    for idx, item in enumerate(lines):
        d = _details(item)
        code = _v(item.code)
        if _service_of(table, code, d) != c["service"]:
            continue
        tooth = _tooth_of(table, code, d)
        row = _row(table, code, d)
        found.append((idx, item, tooth, row))
    if not found:
        return []
    nid, provider = _nid(ev), _v(ev.batch.provider.code)

    def group(tooth):
        return tooth[0] if (c["per"] == "quadrant" and tooth) else "*"

    earlier: dict = {}
    if nid is not None:
        for r in ev.ctx.history.services(nid, since=ev.date, until=ev.date):
            if r.provider_code != provider or _is_self(ev, r):
                continue
            if _service_of(table, r.code, r.details) == c["service"]:
                g = group(_tooth_of(table, r.code, r.details))
                earlier[g] = earlier.get(g, 0) + r.qty
    rank = sorted(found, key=lambda f: (-(tooth_position(f[2]) or 0), -((f[3].k or 0) if f[3] else 0), f[0]))
    paid: dict = {}
    out = []
    for idx, item, tooth, row in rank:
        g = group(tooth)
        before = earlier.get(g, 0) + paid.get(g, 0)
        q = _qty(item)
        left = c["max"] - before
        paid[g] = paid.get(g, 0) + q
        if left >= q:
            continue
        order = [fa_digits((t or "؟")[-1]) for _, _, t, _ in rank]
        detail = (f"کشیدن دندان {fa_digits(tooth or '؟')}: به ترتیب از خلفی به قدامی ({'، '.join(order)}) "
                  f"حداکثر {fa_digits(c['max'])} دندان در هر جلسه قابل پرداخت است")
        data = {"code": _v(item.code), "tooth": tooth, "earlier": before, "max": c["max"]}
        if left > 0:
            out.append(ev.finding(rule, line=idx, severity="adjust", mark="circle", paid_qty=left, detail_fa=detail,
                                  data=data))
        else:
            out.append(ev.finding(rule, line=idx, detail_fa=detail, data=data))
    return out


# ------------------------------------------------------------------------------------------------ dental_films


def _compile_films(params):
    part = params.get("part")
    if part not in ("cap", "duplicates", "unspecified"):
        raise ValueError("part: cap | duplicates | unspecified")
    codes = params.get("codes")
    if not (isinstance(codes, list) and codes and all(isinstance(x, str) for x in codes)):
        raise ValueError("codes: the film codes (PA / bitewing)")
    mx = params.get("max")
    if part == "cap" and not (isinstance(mx, int) and mx >= 1):
        raise ValueError("part cap needs an integer `max`")
    return {"part": part, "codes": frozenset(codes), "max": mx}


def _film_keys(details):
    """What a film line shows: its teeth (`teeth`, `tooth`) or regions (`regions`, `region`); None when unknown."""
    if details is None:
        return None
    for name in ("teeth", "regions"):
        v = getattr(details, name, ABSENT)
        if isinstance(v, list) and v:
            return [str(x).strip() for x in v]
    for name in ("tooth", "region"):
        v = getattr(details, name, ABSENT)
        if isinstance(v, str) and v.strip():
            return [v.strip()]
    return None


def _film_unspecified(details) -> bool:
    """The file says the tooth / region is not written: every one of tooth, teeth, region, regions is absent or
    missing, and at least one is given as null / []."""
    if details is None:
        return False
    vals = [getattr(details, n, ABSENT) for n in ("tooth", "teeth", "region", "regions")]
    if any(v is not ABSENT and v not in (None, [], "") for v in vals):
        return False
    return any(v is not ABSENT for v in vals)


@register("dental_films", compile=_compile_films, levels=("line",))
def dental_films(rule, ev):
    """Periapical / bitewing films of one session (one insured, one provider, one day, earlier documents of the day
    counted): `part: duplicates` — a film of a tooth or region already filmed in the session is not payable (DEN-3-N2);
    `part: cap` — at most `max` films are paid, the excess is cut from the quantity (DEN-3); `part: unspecified` — the
    tooth and region are not written (DEN-3: raised for review)."""
    c = rule.compiled
    lines = ev.lines()
    mine = [(i, it) for i, it in enumerate(lines) if _v(it.code) in c["codes"]]
    if not mine:
        return []
    out = []
    if c["part"] == "unspecified":
        for i, it in mine:
            if _film_unspecified(_details(it)):
                out.append(ev.finding(rule, line=i, detail_fa="دندان و ناحیهٔ کلیشه مشخص نشده است",
                                      data={"code": _v(it.code)}))
        return out
    seen: set = set()
    count = 0
    nid, provider = _nid(ev), _v(ev.batch.provider.code)
    if nid is not None:
        for r in ev.ctx.history.services(nid, c["codes"], since=ev.date, until=ev.date):
            if r.provider_code != provider or _is_self(ev, r):
                continue
            count += r.qty
            seen.update(_film_keys(r.details) or ())
    for i, it in mine:
        q = _qty(it)
        keys = _film_keys(_details(it))
        dup = 0
        for k in keys or ():
            if k in seen:
                dup += 1
            seen.add(k)
        dup = min(dup, q)
        new = q - dup
        if c["part"] == "duplicates":
            if dup:
                detail = f"کلیشهٔ تکراری از یک ناحیه در یک جلسه ({'، '.join(fa_digits(k) for k in keys)})"
                data = {"code": _v(it.code), "repeated": dup}
                if new > 0:
                    out.append(ev.finding(rule, line=i, severity="adjust", mark="circle", paid_qty=new,
                                          detail_fa=detail, data=data))
                else:
                    out.append(ev.finding(rule, line=i, detail_fa=detail, data=data))
            continue
        left = c["max"] - count
        count += new
        if new > left:
            detail = (f"{fa_digits(new)} کلیشه؛ {fa_digits(c['max'] - left)} کلیشه پیش‌تر در همین جلسه؛ "
                      f"حداکثر {fa_digits(c['max'])} کلیشه در یک جلسه")
            data = {"code": _v(it.code), "films": new, "earlier": c["max"] - left, "max": c["max"]}
            if left > 0:
                out.append(ev.finding(rule, line=i, paid_qty=left, detail_fa=detail, data=data))
            else:
                out.append(ev.finding(rule, line=i, severity="deny", mark="zero", detail_fa=detail, data=data))
    return out


# ------------------------------------------------------------------------------------------------ dental_price


def _compile_price(params):
    mode = params.get("mode")
    if mode not in ("specialist", "auxiliary"):
        raise ValueError("mode: specialist | auxiliary")
    f = params.get("factor")
    if not isinstance(f, (int, float)) or f <= 0:
        raise ValueError("factor: the multiplier of the general dentist's tariff (1.5, 0.5)")
    sectors = params.get("sectors")
    if sectors is not None and not (isinstance(sectors, list) and all(isinstance(s, str) for s in sectors)):
        raise ValueError("sectors: a list of provider sectors")
    return {"mode": mode, "factor": Decimal(str(f)), "table": _table_param(params),
            "no_uplift_rows": frozenset(params.get("no_uplift_rows") or ()),
            "sectors": frozenset(sectors) if sectors else None}


def _performer(ev, item):
    perf = getattr(item, "performer", ABSENT)
    if perf not in (ABSENT, None):
        return perf
    return _v(getattr(ev.doc, "prescriber", None))


@register("dental_price", compile=_compile_price, levels=("line",))
def dental_price(rule, ev):
    """The price basis of a Table-2 line (a `price` result, never a finding): `mode: specialist` — a dental specialist
    (`item.performer`, else the prescriber) doing a row of the own specialty (Table 2's related specialty; "all" = any
    dental specialist) is paid `factor` × the general tariff (DEN-4); `mode: auxiliary` — a line performed by the
    intermediate staff (dental hygienist, oral-health worker or technician, dental nurse) in a provider of `sectors`
    is paid `factor` × the general dentist's tariff (DEN-5)."""
    c = rule.compiled
    if c["sectors"] is not None and getattr(ev.batch.provider, "sector", None) not in c["sectors"]:
        return []
    out = []
    for idx, item in enumerate(ev.lines()):
        code = _v(item.code)
        row = _row(c["table"], code, None) if code else None
        if row is None:
            continue
        who = _performer(ev, item)
        role = _v(getattr(who, "role", None)) if who is not None else None
        if c["mode"] == "auxiliary":
            if role not in AUX_ROLES:
                continue
        else:
            if role in AUX_ROLES or row.row in c["no_uplift_rows"]:
                continue
            spec = _v(getattr(who, "specialty", None)) if who is not None else None
            if not (isinstance(spec, str) and spec.startswith("dentist_")):
                continue
            if not (spec in row.specialty or ("all" in row.specialty)):
                continue
        on = _line_date(ev, item)
        base = ev.ctx.price(code, on, "government", _qty(item))
        if base is None:
            continue
        basis = rial(Decimal(base) * c["factor"])
        out.append(ev.finding(rule, line=idx, approved=basis,
                              data={"code": code, "general_tariff": base, "factor": float(c["factor"])}))
        if c["mode"] == "auxiliary" and _requested_above(ev, item, basis):
            # the 50 % of ب-5 is why the line is circled: cite the clause beside the deduction (GEN-15-N2 makes it)
            out.append(ev.finding(rule, line=idx, severity="review", mark=None,
                                  detail_fa=f"درخواست بیش از آن؛ قابل پرداخت {fa_amount(basis)} ریال",
                                  data={"code": code, "general_tariff": base, "factor": float(c["factor"]),
                                        "basis": basis}))
    return out


def _requested_above(ev, item, basis) -> bool:
    """The organisation's share requested for the line exceeds (1 − franchise) × `basis` (the comparison of
    GEN-15-N2), i.e. the line is billed above the price the clause allows."""
    req = getattr(item, "requested", ABSENT)
    org = _v(getattr(req, "org", None)) if req not in (ABSENT, None) else None
    if not isinstance(org, int) or isinstance(org, bool):
        return False
    f = ev.ctx.param("franchise", ev.date, "outpatient", default=None)
    f = Decimal(str(f)) if f is not None else Decimal("0.30")
    return org > rial(Decimal(basis) * (Decimal(1) - f))


# ------------------------------------------------------------------------------------------------ dental_tooth_only


def _compile_tooth_only(params):
    services = params.get("services") or []
    prefixes = params.get("service_prefixes") or []
    teeth = params.get("teeth")
    if not services and not prefixes:
        raise ValueError("services or service_prefixes: the services limited to some teeth")
    if not (isinstance(teeth, list) and teeth and all(isinstance(t, str) and _FDI.match(t) for t in teeth)):
        raise ValueError("teeth: the FDI teeth allowed (e.g. [\"16\", \"26\", \"36\", \"46\"])")
    return {"services": frozenset(services), "prefixes": tuple(prefixes), "teeth": frozenset(teeth),
            "table": _table_param(params)}


def _service_in(service, services, prefixes):
    return service is not None and (service in services or any(service.startswith(p) for p in prefixes))


@register("dental_tooth_only", compile=_compile_tooth_only, levels=("line",))
def dental_tooth_only(rule, ev):
    """Services (`services`, `service_prefixes`; the line's `details.service`, else its Table-2 row) payable only for
    the listed teeth: a line of such a service on another tooth (`details.tooth`) is not payable (DEN-11)."""
    c = rule.compiled
    out = []
    for idx, item in enumerate(ev.lines()):
        code, d = _v(item.code), _details(item)
        svc = _service_of(c["table"], code, d)
        if not _service_in(svc, c["services"], c["prefixes"]):
            continue
        tooth = _tooth_of(c["table"], code, d)
        if tooth is None or tooth in c["teeth"]:
            continue
        out.append(ev.finding(rule, line=idx, detail_fa=f"خدمت «{svc}» برای دندان {fa_digits(tooth)}",
                              data={"code": code, "service": svc, "tooth": tooth}))
    return out


# ------------------------------------------------------------------------------------------------ same_tooth_conflict


def _compile_conflict(params):
    out = {"table": _table_param(params)}
    for side in ("first", "second"):
        s = params.get(side)
        if not isinstance(s, dict) or not (s.get("services") or s.get("service_prefixes")):
            raise ValueError(f"{side}: {{services: [...]}} or {{service_prefixes: [...]}}")
        out[side] = (frozenset(s.get("services") or ()), tuple(s.get("service_prefixes") or ()))
    return out


@register("same_tooth_conflict", compile=_compile_conflict, levels=("line",))
def same_tooth_conflict(rule, ev):
    """Two services on one tooth in one session (the document, and the insured's other documents of the day) are not
    paid together: a line of `first` on a tooth that also has a `second` service is not payable; a `second` line whose
    tooth already had a paid `first` service earlier the same day is raised for review (DEN-12)."""
    c = rule.compiled
    table = c["table"]
    lines = ev.lines()
    first, second = {}, {}
    for idx, item in enumerate(lines):
        code, d = _v(item.code), _details(item)
        svc = _service_of(table, code, d)
        tooth = _tooth_of(table, code, d)
        if tooth is None:
            continue
        if _service_in(svc, *c["first"]):
            first.setdefault(tooth, []).append(idx)
        elif _service_in(svc, *c["second"]):
            second.setdefault(tooth, []).append(idx)
    if not first and not second:
        return []
    earlier_first, earlier_second = set(), set()
    nid = _nid(ev)
    if nid is not None:
        for r in ev.ctx.history.services(nid, since=ev.date, until=ev.date):
            if _is_self(ev, r):
                continue
            svc = _service_of(table, r.code, r.details)
            tooth = _tooth_of(table, r.code, r.details)
            if _service_in(svc, *c["first"]):
                earlier_first.add(tooth)
            elif _service_in(svc, *c["second"]):
                earlier_second.add(tooth)
    out = []
    for tooth, idxs in first.items():
        if tooth in second or tooth in earlier_second:
            for i in idxs:
                out.append(ev.finding(rule, line=i, detail_fa=f"دندان {fa_digits(tooth)}: دو خدمت همزمان",
                                      data={"code": _v(lines[i].code), "tooth": tooth}))
    for tooth, idxs in second.items():
        if tooth in earlier_first and tooth not in first:
            for i in idxs:
                out.append(ev.finding(rule, line=i, severity="review", mark="zero",
                                      detail_fa=f"دندان {fa_digits(tooth)}: خدمت دیگر همین دندان در همین روز پرداخت شده",
                                      data={"code": _v(lines[i].code), "tooth": tooth}))
    return out
