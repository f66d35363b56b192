"""Hospital bills (interchange §1 "Bill"): the document-level clauses that apply to bills.

The heading-by-heading calculators of ماده ۲۰ (bed-days, nursing, visits, anaesthesia units, procedure
percentages, …) are the inpatient rulebook's work (desktop/inpatient, issue "Hospital bills").  Until a heading
has its calculator, a heading is proposed as requested (tick) and only clauses that concern the whole bill
(contract, insurer, fund, batch-level findings) change its amounts.
"""
from __future__ import annotations

from desktop.domain.absent import ABSENT
from desktop.engine.findings import DENY, TICK, ZERO, DocOutcome, Finding, LineOutcome

HEADINGS = ("hoteling", "nursing", "visits", "consultations", "surgeon", "assistant_surgeon", "anesthesia",
            "operating_room", "drugs", "supplies", "lab", "imaging", "physiotherapy", "other")


def _v(x, default=None):
    return default if x is ABSENT or x is None else x


def evaluate_bill(ev, rules, batch_findings, batch_deny) -> DocOutcome:
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.kind.run(rule, ev))
    for bf in (f for f in batch_findings if f.severity == DENY):
        findings.insert(0, Finding(rule=bf.rule, severity=bf.severity, mark=bf.mark, message_fa=bf.message_fa,
                                   data=dict(bf.data), batch_level=True))
    deny = next((f for f in findings if f.severity == DENY and f.line is None), None)
    headings_obj = _v(getattr(ev.doc, "headings", None))
    heads: dict = {}
    lines: list[LineOutcome] = []
    for i, name in enumerate(HEADINGS):
        h = _v(getattr(headings_obj, name, None)) if headings_obj is not None else None
        if h is None:
            continue
        req = _v(getattr(h, "requested", None), 0)
        lo = LineOutcome(index=i, line_no=i + 1, code=name, requested=req, requested_org=0, requested_insured=0)
        if deny is not None:
            lo.mark, lo.approved = ZERO, 0
            if req:
                lo.deducted_by[deny.rule] = req
            lo.rules.append(deny.rule)
        else:
            lo.mark, lo.approved = TICK, req
        entry = {"mark": lo.mark, "requested": req, "approved": lo.approved, "rules": list(lo.rules)}
        hl = _v(getattr(h, "lines", None))
        if hl:
            entry["lines"] = []
            for j, line in enumerate(hl):
                lreq = _v(getattr(line, "requested", None))
                if lreq is None:
                    up, q = _v(getattr(line, "unit_price", None)), _v(getattr(line, "qty", None), 1)
                    lreq = int(up * q) if up is not None else 0
                entry["lines"].append({"line": j + 1, "mark": lo.mark, "requested": lreq,
                                       "approved": 0 if deny is not None else lreq, "rules": list(lo.rules)})
        heads[name] = entry
        lines.append(lo)
    return DocOutcome(kind="bill", seq=ev.doc.seq, findings=findings, lines=lines, headings=heads, computed={})
