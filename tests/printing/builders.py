"""A long batch and its review result, built directly (no engine): N adjusted or zeroed amounts, for the page
count test and tools/bench_sheet.py.  The figures are chosen so that every total is known in advance."""
from __future__ import annotations

NAMES = ("زهرا احمدی", "محمدرضا کریمی", "فاطمه حسینی", "علی‌اکبر موسوی", "مریم صادقی", "حسین رضایی", "نرگس قاسمی")
REASONS = (
    ("GEN-5", "نسخه بدون تاریخ"),
    ("GEN-8", "نسخهٔ کپی، کاربن، برگ بیمار، سفید یا دوخط"),
    ("GEN-15-N2", "مبلغ درخواستی بیش از تعرفه"),
    ("GEN-12", "نسخهٔ پرتوپزشکی بدون تشخیص"),
)


def long_case(n: int = 1000, *, long_reasons: bool = False, batch_id: str = "LONG-1/1404-07/iranians"):
    """(batch, result) with `n` adjusted lines: every 4th a circle (paid 600,000 of 840,000), the rest zeroes of
    900,000; one line per prescription.  With long_reasons the reasons wrap over several lines."""
    prescriptions, docs = [], []
    by_rule: dict[str, int] = {}
    requested = approved = 0
    for i in range(n):
        seq = i + 1
        rule, reason = REASONS[i % len(REASONS)]
        circle = rule == "GEN-15-N2"
        req, appr = (840_000, 600_000) if circle else (900_000, 0)
        if long_reasons:
            reason = f"{reason} — توضیح بیشتر برای کارشناس و مؤسسه: خدمت {700000 + i} در تاریخ ۱۴۰۴/۰۷/۱۲ " * 2
        requested += req
        approved += appr
        by_rule[rule] = by_rule.get(rule, 0) + (req - appr)
        prescriptions.append({
            "seq": seq, "insured": {"national_id": f"{1000000000 + i:010d}", "name": NAMES[i % len(NAMES)]},
            "items": [{"line": 1, "code": f"{701500 + i % 90}", "qty": 1,
                       "requested": {"total": req, "insured": req * 3 // 10, "org": req - req * 3 // 10}}]})
        docs.append({"seq": seq, "mark": "circle" if circle else "zero", "requested": req, "approved": appr,
                     "findings": [{"rule": rule, "severity": "adjust" if circle else "deny",
                                   "mark": "circle" if circle else "zero", "message_fa": reason, "line": None}],
                     "lines": [{"line": 1, "code": f"{701500 + i % 90}", "mark": "circle" if circle else "zero",
                                "requested": req, "approved": appr, "paid_code": f"{701500 + i % 90}",
                                "paid_qty": None, "rules": [rule]}]})
    insured = approved * 3 // 10
    batch = {"format": "claim-batch/1",
             "batch": {"id": batch_id, "period": "1404/07", "fund": "iranians", "submitted_on": "1404/08/10",
                       "provider": {"code": "LONG-1", "name": "آزمایشگاه بزرگ نمونه", "kind": "laboratory",
                                    "province": "isfahan", "city": "اصفهان"},
                       "declared": {"count": n, "total": requested, "insured_share": requested * 3 // 10,
                                    "org_share": requested - requested * 3 // 10}},
             "prescriptions": prescriptions, "bills": []}
    result = {"format": "review-result/1", "batch_id": batch_id, "rules_version": "test", "sample_reference": False,
              "totals": {"requested": requested, "approved": approved, "deducted": requested - approved,
                         "insured_share": insured, "org_share": approved - insured,
                         "by_rule": dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])))},
              "findings": [], "prescriptions": docs, "bills": []}
    return batch, result
