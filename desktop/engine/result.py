"""review-result/1 (interchange §4) from the engine's outcome; totals derived from the marks (settlement)."""
from __future__ import annotations

from collections import defaultdict

from desktop.engine.findings import BatchOutcome, DocOutcome, Finding

__all__ = ["to_result", "totals"]


def _finding(f: Finding, doc: DocOutcome | None = None) -> dict:
    d = {"rule": f.rule, "severity": f.severity, "mark": f.mark, "message_fa": f.message_fa}
    if doc is not None:
        line = None
        if f.line is not None and doc.kind == "prescription" and f.line < len(doc.lines):
            line = doc.lines[f.line].line_no
        d["line"] = line
        d["paid_code"] = f.paid_code
        d["paid_qty"] = f.paid_qty
        if f.heading:
            d["heading"] = f.heading
    if f.approved is not None:
        d["approved"] = f.approved
    if f.data:
        d["data"] = f.data
    return d


def totals(outcome: BatchOutcome) -> dict:
    requested = approved = insured = org = 0
    by_rule: dict[str, int] = defaultdict(int)
    for doc in outcome.documents:
        for l in doc.lines:
            requested += l.requested
            approved += l.approved
            insured += l.approved_insured
            org += l.approved_org
            for rule, amount in l.deducted_by.items():
                by_rule[rule] += amount
    return {"requested": requested, "approved": approved, "deducted": requested - approved,
            "insured_share": insured, "org_share": org,
            "by_rule": dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])))}


def _prescription(doc: DocOutcome) -> dict:
    return {
        "seq": doc.seq, "mark": doc.mark, "requested": doc.requested, "approved": doc.approved,
        "findings": [_finding(f, doc) for f in doc.findings],
        "lines": [{"line": l.line_no, "code": l.code, "mark": l.mark, "requested": l.requested,
                   "approved": l.approved, "paid_code": l.paid_code if l.paid_code is not None else l.code,
                   "paid_qty": l.paid_qty, "rules": list(l.rules)} for l in doc.lines],
    }


def _bill(doc: DocOutcome) -> dict:
    return {"seq": doc.seq, "mark": doc.mark, "requested": doc.requested, "approved": doc.approved,
            "findings": [_finding(f, doc) for f in doc.findings], "headings": doc.headings or {},
            "computed": doc.computed or {}}


def to_result(outcome: BatchOutcome) -> dict:
    return {
        "format": "review-result/1",
        "batch_id": outcome.batch_id,
        "rules_version": outcome.rules_version,
        "sample_reference": outcome.sample_reference,
        "totals": totals(outcome),
        "findings": [_finding(f) for f in outcome.findings],
        "prescriptions": [_prescription(d) for d in outcome.documents if d.kind == "prescription"],
        "bills": [_bill(d) for d in outcome.documents if d.kind == "bill"],
    }
