"""Hospital bills (interchange §1 "Bill"; manual, inpatient ماده ۲۰): each heading ticked, circled with its corrected
amount, or zeroed with a reason, and the figures behind them.

`evaluate_bill(ev, rules, batch_findings, batch_deny)` is called by engine.evaluate.review_batch for every bill. It runs
the bill's rules in two phases (desktop/inpatient/bill.py explains them), then settles each heading:

* a whole-bill `deny` (a batch-level deny, INP-23-A-3, INP-10-L-3, …) zeroes every heading;
* a heading `deny` of phase A (INP-22-5 inside a global package, …) zeroes the heading;
* otherwise approved = min(requested, computed) — a heading with lines: requested − the lines' deductions;
* each Rial deducted is attributed to one clause (totals.by_rule);
* the organisation's share: the franchise of the bill's class (inpatient / limited surgery centre / observation,
  ماده ۳ and ۲۱-۲) on the bill's approved total at the government tariff (INP-20-2), the full-time and deprived-area
  increases (RVU-90 / RVU-95) being the insurer's alone.

The result (review-result/1 `bills[]`): `headings` {name: {mark, requested, approved, rules, qty?, paid_qty?,
lines?}} — `global_package` is a heading of its own when the bill is billed as a package — and `computed` (bed_days,
bed_days_by_ward, nursing_base, visit_count_max, anesthesia_units {base, time, modifiers, recovery}, procedures
[{code, percent, paid_code?}], surgeon_rvu, operating_room_units, bill_class, franchise, org_share, insured_share …).
"""
from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from desktop.engine.findings import ADJUST, CIRCLE, DENY, REVIEW, TICK, ZERO, DocOutcome, Finding, LineOutcome
from desktop.domain.fa import fa_amount
from desktop.inpatient.bill import HEADINGS, BillReview, v
from desktop.inpatient.shares import split_shares

__all__ = ["evaluate_bill", "HEADINGS", "PHASE_B"]

PHASE_B = frozenset({"bill_calc"})
_RECORD_KEYS = ("procedure", "anesthesia", "visit", "consultation", "stay", "pain")


def _run(rule, ev) -> list[Finding]:
    try:
        res = rule.kind.run(rule, ev)
    finally:
        ev.item = None
        ev.index = None
    return list(res or [])


def _is_bill_deny(f: Finding) -> bool:
    return f.severity == DENY and f.heading is None and f.line is None \
        and not any(k in (f.data or {}) for k in _RECORD_KEYS)


def evaluate_bill(ev, rules, batch_findings, batch_deny) -> DocOutcome:
    with BillReview(ev, rules) as review:
        phase_a: list[Finding] = []
        for rule in rules:
            if rule.check not in PHASE_B:
                phase_a.extend(_run(rule, ev))
        review.absorb(phase_a)
        phase_b: list[Finding] = []
        for rule in rules:
            if rule.check in PHASE_B:
                phase_b.extend(_run(rule, ev))
        findings = phase_a + phase_b
        for bf in (f for f in batch_findings if f.severity == DENY):
            findings.insert(0, Finding(rule=bf.rule, severity=bf.severity, mark=bf.mark, message_fa=bf.message_fa,
                                       data=dict(bf.data), batch_level=True))
        doc_deny = next((f for f in findings if _is_bill_deny(f)), None)
        out = _settle(ev, review, findings, doc_deny)
        out.findings.extend(_declared_shares(ev, review, rules, out))
        _class_ids(review, rules, out)
        return out


def _declared_shares(ev, review: BillReview, rules, out) -> list[Finding]:
    """ماده ۳ الف/ب ۱ و ۲: the franchise and organisation share the hospital declared for the bill (bill.declared)
    against the Cabinet rate of the bill's class. The declared franchise is compared as a rate of the declared total
    (a deduction elsewhere changes the amounts, not the rate); the declared organisation share with the declared total
    less the franchise. The rule whose share step the bill's class uses carries `declared_check` {franchise_id,
    org_id}; special patients are the reviewer's (INP-3-A-N3)."""
    decl = v(getattr(ev.doc, "declared", None))
    if decl is None:
        return []
    ins = _int(v(getattr(decl, "insured_share", None)))
    org = _int(v(getattr(decl, "org_share", None)))
    total = _int(v(getattr(decl, "total", None)))
    if total is None:
        total = out.requested
    if ins is None or not total:
        return []
    ins_ = v(getattr(ev.doc, "insured", None))
    if ins_ is not None and v(getattr(ins_, "special_patient", None)) is True:
        return []
    step = {"lsc": "lsc_share", "observation": "observation_share"}.get(review.bill_class(), "inpatient_share")
    rule = next((r for r in rules if isinstance(r.params, dict) and r.params.get("declared_check")
                 and step in (r.params.get("calcs") or [r.params.get("calc")])), None)
    if rule is None:
        return []
    ids = rule.params["declared_check"]
    f = review.franchise()
    want = int((Decimal(total) * f).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    tol = max(int(ids.get("tolerance_rial", 1000)), total // 1000)
    found = []
    pct = f"{(f * 100).normalize():f}٪"
    if abs(ins - want) > tol:
        found.append((ids.get("franchise_id", rule.id),
                      f"فرانشیز اعلامی {fa_amount(ins)} ریال؛ فرانشیز {pct} از {fa_amount(total)} ریال = {fa_amount(want)} ریال",
                      {"declared_insured_share": ins, "insured_share": want}))
    if org is not None and abs(org - (total - want)) > tol and abs(org - (total - ins)) > tol:
        found.append((ids.get("org_id", rule.id),
                      f"سهم سازمان اعلامی {fa_amount(org)} ریال؛ سهم سازمان {fa_amount(total)} − {fa_amount(want)} = "
                      f"{fa_amount(total - want)} ریال",
                      {"declared_org_share": org, "org_share": total - want}))
    res = []
    for rid, detail, data in found:
        fi = ev.finding(rule, severity=ADJUST, mark=CIRCLE, detail_fa=detail, data=data)
        fi.rule = rid
        res.append(fi)
    return res


def _class_ids(review: BillReview, rules, out) -> None:
    """ماده ۳ ب: on an observation bill a clause the pack implements for both classes (ماده ۳ الف with its ب twin in
    `covers`) is cited by its ب id (`params.observation_id`)."""
    if review.bill_class() != "observation":
        return
    ids = {r.id: r.params["observation_id"] for r in rules
           if isinstance(r.params, dict) and r.params.get("observation_id")}
    if not ids:
        return
    for f in out.findings:
        if f.rule in ids:
            f.rule = ids[f.rule]
    for lo in out.lines:
        lo.rules = [ids.get(r, r) for r in lo.rules]
        lo.deducted_by = {ids.get(r, r): a for r, a in lo.deducted_by.items()}
    for h in (out.headings or {}).values():
        h["rules"] = list(dict.fromkeys(ids.get(r, r) for r in h.get("rules", [])))
        for le in h.get("lines") or []:
            le["rules"] = list(dict.fromkeys(ids.get(r, r) for r in le.get("rules", [])))


def _int(x):
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def _mark(requested: int, approved: int) -> str:
    if approved == requested:
        return TICK
    if approved == 0:
        return ZERO
    return CIRCLE


def _settle(ev, review: BillReview, findings: list[Finding], doc_deny: Finding | None) -> DocOutcome:
    heads: dict = {}
    lines: list[LineOutcome] = []
    bases: list[int] = []
    by_heading = defaultdict(list)
    for f in findings:
        if f.heading:
            by_heading[f.heading].append(f)
    for i, name in enumerate(HEADINGS):
        R = review.requested(name)
        if R is None:
            continue
        hc = review.heading(name)
        lo = LineOutcome(index=i, line_no=i + 1, code=name, requested=R, requested_org=0, requested_insured=0)
        entry: dict = {}
        cited = [f.rule for f in by_heading.get(name, [])]
        line_entries = None
        if doc_deny is not None:
            lo.approved = 0
            if R:
                lo.deducted_by[doc_deny.rule] = R
            cited.insert(0, doc_deny.rule)
        elif name in review.heading_denies:
            f = review.heading_denies[name]
            lo.approved = 0
            if R:
                lo.deducted_by[f.rule] = R
        else:
            lo.approved = review.approved(name)
            for calc, eff, share, line in review.citations(name):
                if not share:
                    continue
                rid = eff.finding.rule if (eff is not None and eff.kind == "excluded" and eff.finding is not None) \
                    else (review.calc_rules[calc].id if calc in review.calc_rules else None)
                if rid:
                    lo.deducted_by[rid] = lo.deducted_by.get(rid, 0) + share
        if hc is not None and hc.lines is not None:
            line_entries = _lines(review, name, hc, lo, doc_deny)
        # what no clause explains (rounding) goes to the clause that deducted most
        gap = (R - lo.approved) - sum(lo.deducted_by.values())
        if gap and lo.deducted_by:
            top = max(lo.deducted_by, key=lambda k: lo.deducted_by[k])
            lo.deducted_by[top] += gap
            if lo.deducted_by[top] <= 0:
                del lo.deducted_by[top]
        lo.mark = _mark(R, lo.approved)
        lo.rules = list(dict.fromkeys(cited + [r for r in lo.deducted_by if r not in cited]))
        if line_entries:
            for le in line_entries:
                for r in le["rules"]:
                    if r not in lo.rules:
                        lo.rules.append(r)
        entry = {"mark": lo.mark, "requested": R, "approved": lo.approved, "rules": list(lo.rules)}
        if hc is not None and hc.qty is not None:
            entry["qty"] = hc.qty
        if hc is not None and hc.paid_qty is not None:
            entry["paid_qty"] = hc.paid_qty
        if line_entries is not None:
            entry["lines"] = line_entries
        heads[name] = entry
        lines.append(lo)
        base = lo.approved
        if hc is not None and hc.base_insured is not None and hc.computed:
            base = min(lo.approved, int(Decimal(lo.approved) * Decimal(hc.base_insured) / Decimal(hc.computed)))
        bases.append(base)
    f = review.franchise()
    for lo, (org, ins) in zip(lines, split_shares([l.approved for l in lines], bases, f)):
        lo.approved_org, lo.approved_insured = org, ins
    computed = review.summary()
    for name in ("hoteling", "nursing"):
        if f"{name}_approved" in computed and name in heads:
            computed[f"{name}_approved"] = heads[name]["approved"]
    computed["bill_class"] = review.bill_class()
    computed["franchise"] = float(f)
    if review.stay_minutes is not None:
        computed["stay_hours"] = round(review.stay_minutes / 60, 2)
    computed["org_share"] = sum(l.approved_org for l in lines)
    computed["insured_share"] = sum(l.approved_insured for l in lines)
    return DocOutcome(kind="bill", seq=ev.doc.seq, findings=findings, lines=lines, headings=heads, computed=computed)


def _lines(review: BillReview, name: str, hc, lo: LineOutcome, doc_deny) -> list[dict]:
    out = []
    cites = defaultdict(list)
    for calc, eff, share, line in review.citations(name):
        if line is not None:
            cites[line].append((calc, eff, share))
    for lc in hc.lines:
        fs = review.line_findings.get((name, lc.index), [])
        rules = [f.rule for f in fs]
        if doc_deny is not None or name in review.heading_denies:
            appr = 0
        else:
            appr = review.line_approved(name, lc)
            deny = next((f for f in fs if f.severity == DENY), None)
            d = lc.requested - appr
            if deny is not None and d > 0:
                pass                      # attributed below with the heading's phase-A denies
            for calc, eff, share in cites.get(lc.index, []):
                if eff is not None and eff.kind == "excluded" and eff.finding is not None:
                    rid = eff.finding.rule
                else:
                    rid = review.calc_rules[calc].id if calc in review.calc_rules else None
                if rid and rid not in rules:
                    rules.append(rid)
            if deny is not None and d > 0:
                lo.deducted_by[deny.rule] = lo.deducted_by.get(deny.rule, 0) + d
            elif d > 0:
                adj = next((f for f in fs if f.severity == ADJUST and f.approved is not None and f.approved == appr),
                           None)
                if adj is not None:
                    lo.deducted_by[adj.rule] = lo.deducted_by.get(adj.rule, 0) + d
        mark = _mark(lc.requested, appr)
        if mark == TICK and (lc.paid_code or lc.paid_qty is not None) and doc_deny is None:
            mark = CIRCLE                      # paid as another code / quantity
        e = {"line": lc.index + 1, "mark": mark, "requested": lc.requested, "approved": appr,
             "rules": list(dict.fromkeys(rules))}
        if lc.paid_code:
            e["paid_code"] = lc.paid_code
        if lc.paid_qty is not None:
            e["paid_qty"] = lc.paid_qty
        out.append(e)
    return out
