"""Check kinds used by the general rules (and reusable by every section).

Each kind: `compile(params)` validates the rule's params when the pack is loaded; `run(rule, ev)` returns the
findings for one document (ev: engine.evaluate.DocEval) or, for batch rules, the batch (BatchEval).
"""
from __future__ import annotations

import re

from desktop.domain.absent import ABSENT
from desktop.domain.fa import fa_digits
from desktop.domain.jalali import JDate, parse_date
from desktop.engine.conditions import _walk, compile_condition, fields_of, guard, resolve_path
from desktop.engine.evaluate import fact
from desktop.engine.rules import PROVIDER_GROUPS, Gate, register


def _v(x, default=None):
    return default if x is ABSENT or x is None else x


# ---------------------------------------------------------------------------------------------------- facts


@fact("doc_codes")
def _f_doc_codes(ev):
    return [i.code for i in ev.lines() if i.code not in (ABSENT, None)]


@fact("prescribed_after_period")
def _f_future(ev):
    d = getattr(ev.doc, "prescribed_on", ABSENT)
    if d in (ABSENT, None):
        return False
    return d > ev.batch.period.last_day()


@fact("served_after_period")
def _f_served_future(ev):
    """A service of the document is dated after the batch's month (after the last month of a cumulative delivery):
    a prescription of a future month (GEN-8)."""
    b = ev.batch
    end = ev.ctx.memo.get(("periods_end", id(b)))
    if end is None:
        periods = _v(getattr(b, "periods", None)) or [b.period]
        end = ev.ctx.memo[("periods_end", id(b))] = max(periods, key=lambda m: m.index).last_day()
    d = getattr(ev.doc, "served_on", ABSENT)
    if d not in (ABSENT, None) and d > end:
        return True
    for item in ev.lines():
        d = getattr(item, "served_on", ABSENT)
        if d not in (ABSENT, None) and d > end:
            return True
    return False


@fact("declared_amounts_mismatch")
def _f_declared_mismatch(ev):
    """The amounts written on the prescription (`prescription.declared`: total, insured's share, organization's share,
    6-1-15) are not all written, do not add up, or their total is not the sum of the priced lines. False when the
    document carries no written amounts (absent = as it should be) or a line has no amounts (GEN-15-N2 (a))."""
    dec = getattr(ev.doc, "declared", ABSENT)
    if dec in (ABSENT, None):
        return False
    vals = [getattr(dec, k, ABSENT) for k in ("total", "insured_share", "org_share")]
    if any(v is None for v in vals):
        return True
    total, ins, org = (v if isinstance(v, (int, float)) else None for v in vals)
    if total is not None and ins is not None and org is not None and abs(ins + org - total) > 1:
        return True
    s = 0
    for item in ev.lines():
        req = _v(getattr(item, "requested", None))
        t = _v(getattr(req, "total", None)) if req is not None else None
        if not isinstance(t, (int, float)):
            return False
        s += t
    return total is not None and abs(total - s) > 1


@fact("newborn_over_one_month")
def _f_newborn(ev):
    ins = _v(getattr(ev.doc, "insured", None))
    if ins is None or getattr(ins, "on_mother_booklet", ABSENT) is not True:
        return False
    birth = getattr(ins, "birth_date", ABSENT)
    if birth in (ABSENT, None):
        return False
    return ev.line_date() > birth.add_months(1)


@fact("newborn_admitted_over_one_month")
def _f_newborn_bill(ev):
    """A bill of a newborn on the mother's booklet whose admission came after the first month of life (GEN-8-N5:
    inpatient services go on the mother's booklet only in the first month after birth)."""
    if ev.kind != "bill":
        return False
    ins = _v(getattr(ev.doc, "insured", None))
    if ins is None or getattr(ins, "on_mother_booklet", ABSENT) is not True:
        return False
    birth = _v(getattr(ins, "birth_date", None))
    adm = _v(getattr(ev.doc, "admitted_at", None))
    if birth is None or adm is None:
        return False
    return adm.date > birth.add_months(1)


@fact("on_mother_booklet")
def _f_on_mother(ev):
    ins = _v(getattr(ev.doc, "insured", None))
    return ins is not None and getattr(ins, "on_mother_booklet", ABSENT) is True


# ---------------------------------------------------------------------------------------------------- condition


def _compile_condition(params: dict):
    if "when" not in params:
        raise ValueError("`condition` needs params.when")
    g = guard(params["when"])
    doc_guard = tuple(a for k, a in g if k == "doc") if g and all(k == "doc" for k, _ in g) else None
    item_guard = tuple(a for k, a in g if k == "item") if g and all(k == "item" for k, _ in g) else None
    readers = [(p, resolve_path(p)) for p in fields_of(params["when"])]
    return (compile_condition(params["when"]), compile_condition(params["unless"]) if "unless" in params else None,
            doc_guard, item_guard, readers)


def _trigger(ev, readers) -> dict:
    """The facts the condition read, as the reviewer should see them (only those the file gives)."""
    data = {}
    for path, read in readers:
        v = read(ev)
        if v is ABSENT:
            continue
        if isinstance(v, list):
            v = [str(x) for x in v]
        elif not isinstance(v, (str, int, float, bool)) and v is not None:
            v = str(v) if hasattr(v, "ordinal") or hasattr(v, "index") else type(v).__name__
        data[path] = v
    return data


def _line_data(ev, item, idx):
    return {"code": _v(item.code, ""), "line": _v(getattr(item, "line", None), idx + 1)}


def _gate_condition(rule):
    """A condition whose `when` needs a fact of the document (or, on each line, of the line) that is absent cannot
    fire: the same guards `condition` tests, taken out so that the engine need not call it.  A line condition whose
    `when` requires the line's code to be given codes (`item.code` eq / in / in_group / in_param) cannot fire on a
    document without such a line: the engine indexes it by those codes."""
    _, _, doc_guard, item_guard, _ = rule.compiled
    doc_any = tuple(doc_guard) if doc_guard else ()
    item_any = tuple(item_guard) if item_guard and rule.level != "document" else ()
    by_code: dict = {}
    if rule.level != "document":
        when = rule.params.get("when")
        leaves = [when] if isinstance(when, dict) and "field" in when else \
            (when.get("all") or [] if isinstance(when, dict) and len(when) == 1 else [])
        for leaf in leaves:
            if not isinstance(leaf, dict) or leaf.get("field") != "item.code" or len(leaf) != 2:
                continue
            op = next(k for k in leaf if k != "field")
            arg = leaf[op]
            if op == "eq" and isinstance(arg, str):
                by_code = {"codes": frozenset([arg])}
            elif op == "in" and isinstance(arg, list):
                by_code = {"codes": frozenset(arg)}
            elif op == "in_group":
                by_code = {"groups": (str(arg),)}
            elif op == "in_param":
                by_code = {"param_sets": (str(arg),)}
            else:
                continue
            break
    if doc_any or item_any or by_code:
        return Gate(doc_any=doc_any, item_any=item_any, **by_code)
    return None


def _condition_open(rule, ev):
    """`condition` once its document guard is known to hold (the engine's plan tested it: engine.rules.Gate)."""
    when, unless, _, item_guard, readers = rule.compiled
    if rule.level == "document":
        if when(ev) and not (unless and unless(ev)):
            return [ev.finding(rule, data=_trigger(ev, readers))]
        return []
    out = []
    doc_wide = rule.action == "zero_prescription"
    for idx, item in enumerate(ev.lines()):
        if item_guard is not None:
            for path in item_guard:
                if _walk(item, path) is not ABSENT:
                    break
            else:
                continue
        ev.item, ev.index = item, idx
        if when(ev) and not (unless and unless(ev)):
            data = _line_data(ev, item, idx)
            data.update(_trigger(ev, readers))
            out.append(ev.finding(rule, line=None if doc_wide else idx, data=data,
                                  detail_fa=_detail(rule, data)))
            if doc_wide:
                break
    ev.item = ev.index = None
    return out


@register("condition", compile=_compile_condition, gate=_gate_condition, run_open=_condition_open)
def condition(rule, ev):
    """A condition (engine.conditions) on the document (`level: document`) or on each line (`level: line`).
    A line-level condition with `action: zero_prescription` zeroes the whole document."""
    doc_guard = rule.compiled[2]
    if doc_guard is not None:
        doc = ev.doc
        for path in doc_guard:
            if _walk(doc, path) is not ABSENT:
                break
        else:
            return []          # none of the facts the condition needs is in the document
    return _condition_open(rule, ev)


def _detail(rule, data):
    if rule.detail_fa:
        try:
            return rule.detail_fa.format(**{k: fa_digits(v) for k, v in data.items()})
        except (KeyError, IndexError, ValueError):
            return rule.detail_fa
    return f"خدمت {fa_digits(data.get('code', ''))}" if data.get("code") else None


# ---------------------------------------------------------------------------------------------------- pricing


@register("pricing", levels=("line",), gate=lambda rule: Gate(never=True))
def pricing(rule, ev):
    """Marker: the amount stage (engine.evaluate._price_line) applies this clause — GEN-15-N2 (a/b/c), GEN-15-N3."""
    return []


# ---------------------------------------------------------------------------------------------------- validity


def _compile_validity(params):
    groups = params.get("until") or {}
    for k, v in groups.items():
        if v not in ("end_of_next_month",) and not (isinstance(v, dict) and "months" in v):
            raise ValueError(f"until.{k}: `end_of_next_month` or {{months: n}}")
    return params


@register("prescription_validity", compile=_compile_validity, levels=("document",))
def prescription_validity(rule, ev):
    """A prescription is accepted from its date until a limit by provider group (GEN-7): `until: {paraclinic:
    end_of_next_month, referral: end_of_next_month, pharmacy: {months: 1}}`; `rescued_by_approval: true` lets an
    approval (GEN-29 b) stand in."""
    p = rule.params
    doc = ev.doc
    written = getattr(doc, "prescribed_on", ABSENT)
    served = getattr(doc, "served_on", ABSENT)
    if written in (ABSENT, None) or served in (ABSENT, None):
        return []
    if p.get("rescued_by_approval") and ev.fact("approval_given"):
        return []
    until = p.get("until") or {}
    kind = ev.provider_kind
    limit_spec = None
    if kind in PROVIDER_GROUPS["paraclinic"] and "paraclinic" in until:
        limit_spec = until["paraclinic"]
    elif kind == "pharmacy" and "pharmacy" in until:
        limit_spec = until["pharmacy"]
    elif kind in PROVIDER_GROUPS["physician"] and "referral" in until and ev.fact("referral_prescription"):
        limit_spec = until["referral"]
    if limit_spec is None:
        return []
    key = (written.ordinal, "eonm" if limit_spec == "end_of_next_month" else int(limit_spec["months"]))
    limits = ev.ctx.__dict__.setdefault("_validity_limits", {})      # per run: a batch has few prescription dates
    limit = limits.get(key)
    if limit is None:
        if limit_spec == "end_of_next_month":
            limit = written.period.__add__(1).last_day()
        else:
            limit = written.add_months(int(limit_spec["months"]))
        limits[key] = limit
    last = served
    first = served
    for item in ev.lines():
        d = getattr(item, "served_on", ABSENT)
        if d not in (ABSENT, None):
            last = max(last, d)
            first = min(first, d)
    if kind == "physiotherapy":
        # a course is accepted when it STARTS within the validity (its running length is PT-1/PT-2's)
        last = first
    if last > limit:
        return [ev.finding(rule, detail_fa=f"تاریخ نسخه {fa_digits(written)}، اعتبار تا {fa_digits(limit)}، "
                                           f"ارائهٔ خدمت {fa_digits(last)}",
                           data={"prescribed_on": str(written), "valid_until": str(limit), "served_on": str(last)})]
    return []


@register("served_in_period", levels=("document",))
def served_in_period(rule, ev):
    """Every service of the document falls in the batch's month (or the months of a cumulative delivery,
    `batch.periods`) — GEN-7-N1."""
    b = ev.batch
    periods = _v(getattr(b, "periods", None)) or [b.period]
    allowed = {m.index for m in periods}
    dates = []
    served = getattr(ev.doc, "served_on", ABSENT)
    if served not in (ABSENT, None):
        dates.append(served)
    if ev.provider_kind != "physiotherapy":
        # a physiotherapy course is filed in the month of its last session (PT-2-N1): `served_on` alone counts
        for item in ev.lines():
            d = getattr(item, "served_on", ABSENT)
            if d not in (ABSENT, None):
                dates.append(d)
    bad = [d for d in dates if d.year * 12 + d.month - 1 not in allowed]     # d.period.index
    if bad:
        return [ev.finding(rule, detail_fa=f"تاریخ خدمت {fa_digits(bad[0])} در ماه {fa_digits(b.period)} نیست",
                           data={"served_on": str(bad[0]), "period": str(b.period)})]
    return []


# ---------------------------------------------------------------------------------------------------- contract


def _compile_contract(params):
    allowed = {"before_contract", "suspension", "after_contract", "licence_expired", "director_absent"}
    checks = params.get("checks") or []
    bad = [c for c in checks if c not in allowed]
    if bad or not checks:
        raise ValueError(f"checks: a list of {sorted(allowed)}")
    return params


def _in(d: JDate, frm, to) -> bool:
    return (frm in (ABSENT, None) or d >= frm) and (to in (ABSENT, None) or d <= to)


@register("provider_status", compile=_compile_contract, levels=("document",))
def provider_status(rule, ev):
    """The provider could be paid on the service date: within its contract (GEN-8, GEN-22), outside suspensions,
    with a valid licence (GEN-22 e), with its technical director present (GEN-23)."""
    prov = ev.batch.provider
    dates = []
    served = getattr(ev.doc, "served_on", ABSENT)
    if ev.kind == "bill":
        for a in ("admitted_at", "discharged_at"):
            d = getattr(ev.doc, a, ABSENT)
            if d not in (ABSENT, None):
                dates.append(d.date)
    elif served not in (ABSENT, None):
        dates.append(served)
    for item in ev.lines():
        d = getattr(item, "served_on", ABSENT)
        if d not in (ABSENT, None):
            dates.append(d)
    if not dates:
        return []
    # memoised per run: the provider is the batch's, and a batch's documents share a few dozen service dates
    memo = ev.ctx.__dict__.setdefault("_provider_status", {})
    key = (id(rule), id(prov), tuple([d.ordinal for d in dates]))
    hit = memo.get(key)
    if hit is None or hit[0] is not prov:      # (the provider is kept with its answer: an id is not reused)
        hit = memo[key] = (prov, _provider_status_why(rule, prov, dates))
    got = hit[1]
    if got == ():
        return []
    why, check, d = got
    return [ev.finding(rule, detail_fa=why, data={"check": check, "date": str(d)})]


def _provider_status_why(rule, prov, dates) -> tuple:
    """(why, check, date) of the first check that fails on one of the dates, or () when none does."""
    contract = _v(getattr(prov, "contract", None))
    licence = _v(getattr(prov, "licence", None))
    director = _v(getattr(prov, "technical_director", None))
    for check in rule.params["checks"]:
        for d in dates:
            why = None
            if check == "before_contract" and contract is not None:
                frm = getattr(contract, "from_", ABSENT)
                if frm not in (ABSENT, None) and d < frm:
                    why = f"خدمت {fa_digits(d)} پیش از شروع قرارداد ({fa_digits(frm)})"
            elif check == "after_contract" and contract is not None:
                to = getattr(contract, "to", ABSENT)
                if to not in (ABSENT, None) and d > to:
                    why = f"خدمت {fa_digits(d)} پس از پایان قرارداد ({fa_digits(to)})"
            elif check == "suspension" and contract is not None:
                for s in _v(getattr(contract, "suspensions", None), []):
                    if _in(d, getattr(s, "from_", ABSENT), getattr(s, "to", ABSENT)):
                        why = f"خدمت {fa_digits(d)} در دورهٔ تعلیق قرارداد"
                        break
            elif check == "licence_expired" and licence is not None:
                to = getattr(licence, "to", ABSENT)
                if to not in (ABSENT, None) and d > to:
                    why = f"خدمت {fa_digits(d)} پس از پایان اعتبار پروانه ({fa_digits(to)})"
            elif check == "director_absent" and director is not None:
                for a in _v(getattr(director, "absences", None), []):
                    if _in(d, getattr(a, "from_", ABSENT), getattr(a, "to", ABSENT)):
                        why = f"مسئول فنی در {fa_digits(d)} حضور نداشته است"
                        break
            if why:
                return why, check, d
    return ()


# ---------------------------------------------------------------------------------------------------- filing


def _compile_deadline(params):
    mode = params.get("mode")
    if mode not in ("deadline", "months_late"):
        raise ValueError("mode: deadline | months_late")
    if mode == "months_late" and not isinstance(params.get("months"), int):
        raise ValueError("months_late needs an integer `months`")
    parts = params.get("parts", ["deadline", "cumulative"])
    if not isinstance(parts, list) or not parts or set(parts) - {"deadline", "cumulative"}:
        raise ValueError("parts: a list of deadline | cumulative")
    return params


def _deadline(period, kind, params):
    """GEN-21: outpatient the `outpatient_day` of the next month, hospitals the end of the next month, Esfand the
    end of Farvardin (GEN-21-N2)."""
    nxt = period + 1
    if period.month == 12 and params.get("esfand_end_of_farvardin", True):
        return nxt.last_day()
    if kind in PROVIDER_GROUPS["hospital"]:
        return nxt.last_day()
    day = int(params.get("outpatient_day", 15))
    return JDate.of(nxt.year, nxt.month, day)


@register("filing_deadline", compile=_compile_deadline, levels=("batch",))
def filing_deadline(rule, ev):
    """When the batch reached the office. mode `deadline` (GEN-21, with GEN-21-N1 cumulative delivery: the paper
    of up to `max_cumulative_months` months may come together, by the deadline of the last month) or `months_late`
    (GEN-22 d: more than `months` months after the end of the period).  `parts` (mode `deadline`) chooses what the
    rule reports: `deadline` (the paper came after its deadline, GEN-21 / GEN-21-N2) and/or `cumulative` (a
    cumulative delivery not scheduled, of more than `max_cumulative_months` months, or a month's electronic file
    not sent monthly: GEN-21-N1); both by default."""
    b = ev.batch
    sub = getattr(b, "submitted_on", ABSENT)
    if sub in (ABSENT, None):
        return []
    p = rule.params
    periods = _v(getattr(b, "periods", None)) or [b.period]
    last_period = max(periods, key=lambda m: m.index)
    if p["mode"] == "months_late":
        limit = b.period.last_day().add_months(p["months"])
        if sub > limit:
            return [ev.finding(rule, detail_fa=f"اسناد ماه {fa_digits(b.period)} در {fa_digits(sub)} تحویل شده؛ "
                                               f"بیش از {fa_digits(p['months'])} ماه پس از پایان ماه",
                               data={"submitted_on": str(sub), "limit": str(limit)})]
        return []
    cumulative = bool(_v(getattr(getattr(b.provider, "contract", None), "cumulative_delivery", None), False)) \
        if _v(getattr(b.provider, "contract", None)) is not None else False
    parts = p.get("parts", ["deadline", "cumulative"])
    out = []
    if len(periods) > 1 and "cumulative" in parts:
        maxm = int(p.get("max_cumulative_months", 3))
        if not cumulative or len(periods) > maxm:
            out.append(ev.finding(rule, severity="review",
                                  detail_fa=f"تحویل تجمعی {fa_digits(len(periods))} ماه بدون برنامهٔ اداره کل یا بیش از "
                                            f"{fa_digits(maxm)} ماه", data={"periods": [str(m) for m in periods]}))
        efile = _v(getattr(b, "efile_submitted_on", None), {})
        for m in periods:
            due = _deadline(m, ev.provider_kind, p)
            d = (efile.get(m) or efile.get(str(m))) if isinstance(efile, dict) else None
            if d is not None and not isinstance(d, JDate):
                try:
                    d = parse_date(str(d))
                except ValueError:
                    d = None
            if d is None or d > due:
                out.append(ev.finding(rule, detail_fa=f"فایل الکترونیکی ماه {fa_digits(m)} ماهانه ارسال نشده است",
                                      data={"month": str(m), "efile": str(d) if d else None}))
    if len(periods) > 1:
        deadline = _deadline(last_period, ev.provider_kind, p)
    else:
        deadline = _deadline(b.period, ev.provider_kind, p)
    if sub > deadline and "deadline" in parts:
        out.append(ev.finding(rule, detail_fa=f"تحویل در {fa_digits(sub)}؛ مهلت تا {fa_digits(deadline)}",
                              data={"submitted_on": str(sub), "deadline": str(deadline)}))
    return out


@register("objection_deadline", levels=("batch",))
def objection_deadline(rule, ev):
    """An objection to a review report is accepted within `days` days of receiving the report (GEN-24)."""
    obj = _v(getattr(ev.batch, "objection", None))
    if obj is None:
        return []
    kind = _v(getattr(obj, "kind", None), "review_report")
    if kind != "review_report":
        return []
    rec, filed = _v(getattr(obj, "report_received_on", None)), _v(getattr(obj, "filed_on", None))
    if rec is None or filed is None:
        return []
    days = int(rule.params.get("days", 15))
    if filed - rec > days:
        return [ev.finding(rule, detail_fa=f"گزارش در {fa_digits(rec)} دریافت و اعتراض در {fa_digits(filed)} ثبت شده؛ "
                                           f"مهلت {fa_digits(days)} روز", data={"received": str(rec), "filed": str(filed)})]
    return []


# ---------------------------------------------------------------------------------------------------- titles


@register("title_candidates", levels=("line",),
          gate=lambda rule: Gate(item_any=(("details", "prescribed_as"),)))
def title_candidates(rule, ev):
    """An incomplete title (`details.prescribed_as` is a generic title of params.code_title_candidates) is paid at
    the lowest tariff among the codes it may mean (GEN-26)."""
    out = []
    for idx, item in enumerate(ev.lines()):
        details = _v(getattr(item, "details", None))
        title = _v(getattr(details, "prescribed_as", None)) if details is not None else None
        code = _v(item.code)
        if not title or not code:
            continue
        on = ev.date
        table = ev.ctx.param("code_title_candidates", on, default=None) or {}
        cands = table.get(str(title).strip())
        if not cands:
            continue
        priced = [(ev.ctx.price(str(c), on, "government", 1), str(c)) for c in cands]
        priced = [(p, c) for p, c in priced if p is not None]
        if not priced:
            continue
        cheapest_price, cheapest = min(priced)
        billed = ev.ctx.price(code, on, "government", 1)
        if billed is not None and billed > cheapest_price and code != cheapest:
            out.append(ev.finding(rule, line=idx, paid_code=cheapest,
                                  detail_fa=f"عنوان ناقص «{title}»: کمترین تعرفه، کد {fa_digits(cheapest)}",
                                  data={"title": title, "billed": code, "paid_code": cheapest}))
    return out


# ---------------------------------------------------------------------------------------------------- licence


def _compile_licence(params):
    m = params.get("chapter_to_service") or {}
    if not isinstance(m, dict):
        raise ValueError("chapter_to_service: a mapping of tariff chapter → licence service")
    return params


@register("licence_services", compile=_compile_licence, levels=("line",))
def licence_services(rule, ev):
    """The service matches the provider's licence (`provider.licence.services`, by tariff chapter) and contract
    (`provider.contract.services`) — GEN-28."""
    prov = ev.batch.provider
    lic = _v(getattr(prov, "licence", None))
    lic_services = _v(getattr(lic, "services", None)) if lic is not None else None
    contract = _v(getattr(prov, "contract", None))
    con_services = _v(getattr(contract, "services", None)) if contract is not None else None
    if lic_services is None and con_services is None:
        return []
    m = rule.params.get("chapter_to_service") or {}
    out = []
    for idx, item in enumerate(ev.lines()):
        code = _v(item.code)
        if not code:
            continue
        why = None
        if con_services is not None and code not in con_services:
            why = f"خدمت {fa_digits(code)} در فهرست خدمات قرارداد نیست"
        elif lic_services is not None:
            row = ev.ctx.tariff_row(code)
            # only a chapter the book declares: an inferred one (reference.infer_chapter) never zeroes a line here
            svc = m.get(row.chapter) if row is not None and row.chapter and row.chapter_declared else None
            if svc is not None and svc not in lic_services:
                why = f"خدمت {fa_digits(code)} ({svc}) در پروانهٔ بهره‌برداری نیست"
        if why:
            out.append(ev.finding(rule, line=idx, detail_fa=why, data={"code": code}))
    return out


# ---------------------------------------------------------------------------------------------------- chapters


@register("service_chapter", levels=("line",))
def service_chapter(rule, ev):
    """Each line belongs to the service the batch is filed for (GEN-20-N3): `allowed: {provider kind: [tariff
    chapters]}`; kinds not listed are not checked."""
    allowed = (rule.params.get("allowed") or {}).get(ev.provider_kind)
    if not allowed:
        return []
    out = []
    for idx, item in enumerate(ev.lines()):
        row = ev.ctx.tariff_row(_v(item.code))
        if row is not None and row.chapter and row.chapter not in allowed:
            out.append(ev.finding(rule, line=idx, detail_fa=f"خدمت {fa_digits(item.code)} از فصل «{row.chapter}» "
                                                           f"در نسخ این خدمت ثبت شده است",
                                  data={"code": item.code, "chapter": row.chapter}))
    return out


# ---------------------------------------------------------------------------------------------------- as prescribed


def _norm_title(text: str) -> str:
    from desktop.domain.jalali import normalize_digits
    t = normalize_digits(str(text)).replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ")
    return " ".join(t.casefold().split())


_NOT_WORD = re.compile(r"[\W_]+")


def _compact(title: str) -> str:
    return _NOT_WORD.sub("", title)


def _same_title(a: str, b: str) -> bool:
    """One normalised title names the other: equal, or one (of 3 characters or more) inside the other."""
    return a == b or (len(a) >= 3 and a in b) or (len(b) >= 3 and b in a)


@register("as_prescribed", levels=("line",), gate=lambda rule: Gate(item_any=(("details", "prescribed_as"),)))
def as_prescribed(rule, ev):
    """What was billed is what the physician wrote (GEN-16-N1): `details.prescribed_as` null → the line was not
    prescribed (`not_prescribed` severity, default deny; the pack raises it for review); written and naming neither the billed code, nor its
    description on the line or in the tariff book → raised for the reviewer (`changed` severity, default review)."""
    p = rule.params
    out = []
    for idx, item in enumerate(ev.lines()):
        details = _v(getattr(item, "details", None))
        if details is None:
            continue
        written = getattr(details, "prescribed_as", ABSENT)
        if written is ABSENT:
            continue
        code = _v(item.code, "")
        if written is None:
            out.append(ev.finding(rule, line=idx, severity=p.get("not_prescribed", "deny"), mark="zero",
                                  detail_fa=f"خدمت {fa_digits(code)} در نسخه تجویز نشده است",
                                  data={"code": code, "prescribed_as": None}))
            continue
        w = _norm_title(written)
        if not w:
            continue
        names = [code]
        desc = _v(getattr(item, "description", None))
        if desc:
            names.append(desc)
        row = ev.ctx.tariff_row(code) if code else None
        if row is not None and getattr(row, "description_fa", None):
            names.append(row.description_fa)
        names = [_norm_title(n) for n in names if n]
        # as written, or spelt with other spacing or punctuation ("Free T4" / "FreeT4", "T4-free" / "T4 free")
        if any(_same_title(w, n) or _same_title(_compact(w), _compact(n)) for n in names):
            continue
        # an incomplete title (۶-۱-۲۶) that may mean the billed code: the centre chose among the codes it may mean,
        # it did not alter the order — GEN-26 prices it at the lowest of them
        cands = (ev.ctx.param("code_title_candidates", ev.date, default=None) or {}).get(str(written).strip())
        if code and cands and code in {str(c) for c in cands}:
            continue
        if code and ev.provider_kind in PROVIDER_GROUPS["imaging"]:
            # an alternative name or abbreviation of appendix 1 (RAD-APX-1) is the same service
            from desktop.engine.checks.imaging import imaging_title_matches
            if imaging_title_matches(ev, written, code):
                continue
        out.append(ev.finding(rule, line=idx, severity=p.get("changed", "review"), mark="zero",
                              detail_fa=f"در نسخه «{written}» نوشته شده و خدمت {fa_digits(code)} محاسبه شده است",
                              data={"code": code, "prescribed_as": written}))
    return out


@fact("line_title")
def _f_line_title(ev):
    """What the line is, as written: the prescriber's words, the line's description and the tariff book's description
    of the billed code (normalised), for clauses that name a service rather than a code (GEN-16-N3)."""
    if ev.item is None:
        return ABSENT
    from desktop.engine.checks.imaging import line_text
    return line_text(ev, ev.item, ("prescribed_as", "description", "tariff"))


@fact("insured_age_years")
def _f_age_years(ev):
    """Whole years from the insured's birth date to the line's (or document's) service date."""
    ins = _v(getattr(ev.doc, "insured", None))
    birth = _v(getattr(ins, "birth_date", None)) if ins is not None else None
    if birth is None:
        return ABSENT
    on = ev.line_date()
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return years
