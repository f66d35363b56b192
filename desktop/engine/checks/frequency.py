"""Frequency over the insured's history: at most N services of a code set per day, per window, per year, ever.

    check: frequency
    params: {codes: ["900780"] | group: high_cost, max: 1, per: day | days: 365 | jalali_year | lifetime,
             same_provider: false, count: qty | lines}
    action: zero_line          # the services beyond the limit are zeroed (or cap_quantity: paid_qty = what is left)

History is everything reviewed before the line: earlier batches (store or earlier files) and earlier documents and
lines of this batch (engine.history).  A service this review zeroed does not count.
"""
from __future__ import annotations

from desktop.domain.absent import ABSENT
from desktop.domain.fa import fa_digits
from desktop.engine.rules import register


def _compile(params):
    if not params.get("codes") and not params.get("group"):
        raise ValueError("frequency needs `codes` or `group`")
    if not isinstance(params.get("max"), int) or params["max"] < 0:
        raise ValueError("frequency needs an integer `max` ≥ 0")
    per = params.get("per", "day")
    if per not in ("day", "jalali_year", "lifetime", "window"):
        raise ValueError("per: day | jalali_year | lifetime | window (with days: n)")
    if per == "window" and not isinstance(params.get("days"), int):
        raise ValueError("per: window needs `days`")
    return {"codes": frozenset(str(c) for c in params.get("codes") or ()), "group": params.get("group"),
            "max": params["max"], "per": per, "days": params.get("days"),
            "same_provider": bool(params.get("same_provider")), "count": params.get("count", "qty")}


def window(per, days, on):
    """The (since, until) dates a count runs over, ending on `on`: one day, the Jalali year so far, the year after
    the same calendar day a year earlier (`rolling_year`), `days` days, or a lifetime (since None)."""
    if per == "day":
        return on, on
    if per == "jalali_year":
        from desktop.domain.jalali import JDate
        return JDate.of(on.year, 1, 1), on
    if per == "rolling_year":          # after the same calendar day a year earlier (leap years included)
        return on.add_years(-1) + 1, on
    if per == "window":
        return on - (days - 1), on
    return None, on


_window = window


@register("frequency", compile=_compile, levels=("line",))
def frequency(rule, ev):
    """At most `max` services of the code set per day / Jalali year / rolling window / lifetime for one insured."""
    c = rule.compiled
    codes = c["codes"] or ev.ctx.code_group(c["group"], ev.date)
    if not codes:
        return []
    insured = getattr(ev.doc, "insured", ABSENT)
    nid = getattr(insured, "national_id", None) if insured not in (ABSENT, None) else None
    if nid in (ABSENT, None):
        return []
    provider = ev.batch.provider.code
    out = []
    used_here = 0
    for idx, item in enumerate(ev.lines()):
        code = item.code
        if code in (ABSENT, None) or code not in codes:
            continue
        ev.item = item
        on = ev.line_date()
        ev.item = None
        since, until = _window(c["per"], c["days"], on)
        n = 0
        for r in ev.ctx.history.services(nid, codes, since=since, until=until):
            if c["same_provider"] and r.provider_code != provider:
                continue
            n += (r.qty if c["count"] == "qty" else 1)
        qty = getattr(item, "qty", ABSENT)
        qty = 1 if qty in (ABSENT, None) else qty
        this = qty if c["count"] == "qty" else 1
        already = n + used_here
        if already + this > c["max"]:
            left = max(0, c["max"] - already)
            data = {"code": code, "earlier": already, "max": c["max"], "per": c["per"]}
            detail = (f"خدمت {fa_digits(code)}: {fa_digits(already)} بار پیش‌تر؛ سقف {fa_digits(c['max'])}")
            if rule.action == "cap_quantity" and left > 0:
                out.append(ev.finding(rule, line=idx, paid_qty=left, detail_fa=detail, data=data))
            elif rule.action == "cap_quantity":
                # nothing left under the cap: the line is not payable at all
                out.append(ev.finding(rule, line=idx, severity="deny", mark="zero", detail_fa=detail, data=data))
            else:
                out.append(ev.finding(rule, line=idx, detail_fa=detail, data=data))
        used_here += this
    return out
