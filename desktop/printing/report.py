"""The provider's performance report (گزارش عملکرد) over up to three months, with the last day an objection is
accepted: 15 days after the provider receives the report (manual ۶-۱-۲۴, catalogue GEN-24).

    info = write_report(store, "PRV-2231", "1404/05", "1404/07", "report.pdf", received_on="1404/08/20")

One row per batch of the provider whose month falls in the period (every fund), from the latest result the
store holds for it; the deductions by clause over the period; the objection deadline; signatures and the
office's seal (verified by `rasidegi verify` like a sheet).  Issuing records a `performance_report_issued`
event on every batch in it (the received date and the deadline: what GEN-24 later checks an objection against).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors

from desktop.domain.jalali import JDate, JMonth, parse_date, parse_month
from desktop.domain.problems import InputError, Problem

from . import persian as fa
from .common import (LABELS, Band, SealHolder, default_who, issue_stamp, normalize_signers, notes_block,
                     save_sealed, signature_block)
from .draft import Draft, issue_to
from .layout import Column, Document, GridSpec, draw_pair
from .seal import rows_digest
from .settings import OfficeSettings, load_office
from .sheet import CLAUSE_GRID, clause_rows, rule_texts, sheet_rows

__all__ = ["write_report", "render_report", "ReportInfo", "MONTH_GRID", "REPORT_EVENT", "OBJECTION_DAYS",
           "MAX_MONTHS", "objection_deadline", "check_period"]

REPORT_EVENT = "performance_report_issued"
OBJECTION_DAYS = 15       # ۶-۱-۲۴: «حداکثر ۱۵ روز بعد از دریافت برگ گزارش عملکرد»
MAX_MONTHS = 3            # ۶-۱-۲۴: «گزارش عملکرد سه ماه قبل»

SUMS = ("docs", "tick", "circle", "zero", "requested", "approved", "deducted", "insured_share", "org_share")

MONTH_GRID = GridSpec(
    name="months",
    columns=(
        Column("row", "ردیف", 26, "int", "center", signed=True),
        Column("month", "ماه", 56, "text", "center"),
        Column("fund", "صندوق", 58, "text", "center"),
        Column("batch", "شناسهٔ فهرست", 132, "latin", "center", signed=True),
        Column("docs", "تعداد اسناد", 40, "int", "center", signed=True),
        Column("tick", "بدون تعدیل", 36, "int", "center", signed=True),
        Column("circle", "تعدیل‌شده", 36, "int", "center", signed=True),
        Column("zero", "غیرقابل پرداخت", 40, "int", "center", signed=True),
        Column("requested", "درخواستی (ریال)", 64, "amount", signed=True),
        Column("approved", "تأییدشده (ریال)", 64, "amount", signed=True),
        Column("deducted", "کسور (ریال)", 64, "amount", signed=True),
        Column("insured_share", "سهم بیمه‌شده (ریال)", 64, "amount", signed=True),
        Column("org_share", "سهم سازمان (ریال)", 64, "amount", signed=True),
        Column("note", "درصد کسور", 50, "text", "center"),
    ),
    anchor="row", grand_label="جمع دوره", page_label="جمع این صفحه", sums=SUMS,
)


@dataclass
class ReportInfo:
    path: Path
    report_id: str
    provider_code: str
    first: str
    last: str
    batches: list[str]
    received_on: str
    objection_deadline: str
    code: str
    issued_at: str
    pages: int
    totals: dict
    key: str
    seal: str
    event_ids: list[int]


def objection_deadline(received_on: JDate) -> JDate:
    """The last day an objection is accepted: 15 days after the report is received (۶-۱-۲۴)."""
    return received_on + OBJECTION_DAYS


def _problem(path: str, en: str, fa_text: str, code: str = "invalid") -> InputError:
    return InputError([Problem("report", path, en, fa_text, code)])


def _months(first, last) -> tuple[JMonth, JMonth]:
    try:
        a = first if isinstance(first, JMonth) else parse_month(str(first))
    except ValueError as exc:
        raise _problem("--from", str(exc), f"ماه آغاز «{first}» به شکل yyyy/mm نیست", "invalid_month") from None
    try:
        b = last if isinstance(last, JMonth) else parse_month(str(last))
    except ValueError as exc:
        raise _problem("--to", str(exc), f"ماه پایان «{last}» به شکل yyyy/mm نیست", "invalid_month") from None
    if b < a:
        raise _problem("--to", f"the period ends ({b}) before it begins ({a})",
                       f"پایان دوره ({b}) پیش از آغاز آن ({a}) است", "invalid_period")
    if (b - a) + 1 > MAX_MONTHS:
        raise _problem("--to", f"a performance report covers at most {MAX_MONTHS} months ({a} … {b} is {(b - a) + 1})",
                       f"گزارش عملکرد حداکثر {MAX_MONTHS} ماه را در بر می‌گیرد (دورهٔ {a} تا {b}، "
                       f"{(b - a) + 1} ماه است)", "invalid_period")
    return a, b


#: (first, last) JMonths of a report period, or a located InputError (the rules `write_report` applies)
check_period = _months


def _collect(store, provider_code: str, a: JMonth, b: JMonth) -> list[tuple[dict, int, dict | None]]:
    """[(batch header, documents, latest result or None)] of the provider's batches in the period, by month then
    import.  Reads the batch list and only the headers and results of the provider's batches in the period (not
    every stored batch's documents)."""
    from desktop.review.queries import batch_header, batch_rows

    found = []
    for row in batch_rows(store):
        if row.provider_code != provider_code:
            continue
        try:
            month = parse_month(str(row.period))
        except ValueError:
            continue
        if not (a <= month <= b):
            continue
        header = (batch_header(store, row.batch_id) or {}).get("batch") or {}
        found.append((str(month), row.pk, header, row.documents, store.load_result(row.batch_id)))
    found.sort(key=lambda t: (t[0], t[1]))
    return [(h, docs, r) for _, _, h, docs, r in found]


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{part * 100 / whole:.1f}".replace(".", "٫") + "٪"


def write_report(store, provider_code: str, first, last, path, *, received_on=None, signers=None,
                 office: OfficeSettings | dict | None = None, who: str | None = None,
                 now: datetime | None = None) -> ReportInfo:
    """Write the performance report of `provider_code` for the months first…last (at most three) to `path` and
    issue it: `render_report` to a temporary file beside `path`, the events recorded, then the file put in place
    (if an event cannot be recorded, no file is left).  Arguments: those of `render_report`."""
    return issue_to(path, lambda tmp: render_report(store, provider_code, first, last, tmp, received_on=received_on,
                                                    signers=signers, office=office, who=who, now=now))


def render_report(store, provider_code: str, first, last, path, *, received_on=None, signers=None,
                  office: OfficeSettings | dict | None = None, who: str | None = None,
                  now: datetime | None = None) -> Draft:
    """Render the performance report of `provider_code` for the months first…last (at most three) to `path`
    without issuing it: the `performance_report_issued` events are recorded by the returned Draft's `issue()` /
    `save_as()` (the desk's print preview).

    received_on: the day the provider receives it (Jalali yyyy/mm/dd or JDate; default the issue date); the
    objection deadline is 15 days later.  InputError (located, Persian and English) on a bad period or when the
    store holds no batch of the provider in it."""
    a, b = _months(first, last)
    issued, issued_on = issue_stamp(now)
    if received_on is None:
        received = parse_date(issued_on)
    elif isinstance(received_on, JDate):
        received = received_on
    else:
        try:
            received = parse_date(str(received_on))
        except ValueError as exc:
            raise _problem("--received-on", str(exc), f"تاریخ دریافت «{received_on}» به شکل yyyy/mm/dd نیست",
                           "invalid_date") from None
    deadline = objection_deadline(received)
    batches = _collect(store, provider_code, a, b)
    if not batches:
        raise _problem("--provider", f"no batch of provider {provider_code} for {a} … {b} in the database",
                       f"فهرستی از مؤسسهٔ {provider_code} برای دورهٔ {a} تا {b} در پایگاه داده نیست", "no_batches")
    provider = batches[-1][0].get("provider") or {}
    if isinstance(office, dict):
        office = OfficeSettings(**{k: v for k, v in office.items() if k in OfficeSettings.__dataclass_fields__})
    office = office or load_office(province_slug=provider.get("province"))
    signer_list = normalize_signers(signers)
    rules = rule_texts()

    rows: list[dict] = []
    by_rule: dict[str, int] = {}
    all_rows: list[dict] = []
    unreviewed = 0
    for i, (header, ndocs, result) in enumerate(batches, start=1):
        row = {"row": i, "month": fa.month_fa(header.get("period")), "fund": fa.FUND_FA.get(header.get("fund"), ""),
               "batch": header.get("id"), "docs": ndocs}
        if result is None:
            unreviewed += 1
            row["note"] = "رسیدگی نشده"
        else:
            docs = (result.get("prescriptions") or []) + (result.get("bills") or [])
            t = result.get("totals") or {}
            row.update({m: sum(1 for d in docs if d.get("mark") == m) for m in ("tick", "circle", "zero")})
            row.update({k: int(t.get(k) or 0) for k in ("requested", "approved", "deducted", "insured_share",
                                                          "org_share")})
            row["note"] = _percent(row["deducted"], row["requested"])
            for rid, amount in (t.get("by_rule") or {}).items():
                by_rule[rid] = by_rule.get(rid, 0) + int(amount)
            all_rows.extend(sheet_rows(result))
        rows.append(row)
    merged = {"totals": {"by_rule": dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])))}}
    c_rows = clause_rows(merged, all_rows, rules)

    fa.register_fonts()
    holder = SealHolder()
    period_fa = fa.month_fa(str(a)) if a == b else f"{fa.month_fa(str(a))} تا {fa.month_fa(str(b))}"
    fields = [
        ("نام مؤسسه", provider.get("name") or "", False),
        ("کد مؤسسه", provider_code, True),
        ("نوع مؤسسه", fa.KIND_FA.get(provider.get("kind"), provider.get("kind") or ""), False),
        ("دورهٔ گزارش", period_fa, False),
        ("تاریخ دریافت گزارش", str(received), False),
        ("آخرین مهلت اعتراض", str(deadline), False),
        ("شهر", provider.get("city") or "", False),
        ("تعداد فهرست‌ها", str(len(batches)), False),
    ]
    band = Band(title="گزارش عملکرد مؤسسه", subtitle="نتیجهٔ رسیدگی به اسناد پزشکی ارسالی مؤسسه در دورهٔ گزارش",
                office=office, fields=fields, issued=issued, holder=holder,
                footer_left=f"rasidegi · {provider_code} · {a}-{b}",
                short=[fields[0], fields[1], fields[3], fields[5]])
    doc = Document(header_height=band.height, later_header_height=band.later_height, draw_header=band.draw,
                   draw_footer=band.draw_footer)

    notes = [(f"به استناد بند ۲۴-۱-۶ دستورالعمل، مؤسسه می‌تواند حداکثر {OBJECTION_DAYS} روز پس از دریافت این گزارش "
              f"(دریافت: {received})، یعنی تا پایان روز {deadline}، به نتیجهٔ رسیدگی کتباً اعتراض نماید؛ "
              "پس از آن اعتراضی پذیرفته نخواهد بود.", colors.HexColor("#1d4ed8"))]
    if any(r is not None and r.get("sample_reference") for _, _, r in batches):
        notes.append(("برخی مبالغ این گزارش با تعرفه و پارامترهای نمونه (غیررسمی) محاسبه شده است.",
                      colors.HexColor("#b91c1c")))
    if unreviewed:
        notes.append((f"{unreviewed} فهرست هنوز رسیدگی نشده و مبالغ آن در جمع دوره نیامده است.",
                      colors.HexColor("#92400e")))
    notes_block(doc, notes)

    keys, grand = doc.add_grid(MONTH_GRID, rows, title="عملکرد به تفکیک فهرست")
    ckeys, cgrand = doc.add_grid(CLAUSE_GRID, c_rows, title="کسور دوره به تفکیک بند دستورالعمل",
                                 empty_text="کسری اعمال نشده است")

    def deadline_box(c, top):
        w = 330
        x1 = doc.right
        c.setStrokeColor(colors.HexColor("#1d4ed8"))
        c.setLineWidth(1.2)
        c.roundRect(x1 - w, top - 30, w, 30, 4, stroke=1, fill=0)
        draw_pair(c, x1 - 10, top - 19, LABELS["deadline"], str(deadline), size=11, value_logical=False)
    doc.add(30, deadline_box, gap=10)
    signature_block(doc, signer_list, holder, issued_on=issued_on)

    report_id = uuid.uuid4().hex[:12]
    payload = {"t": "r", "id": report_id, "pc": provider_code, "f": str(a), "to": str(b), "at": issued,
               "rc": str(received), "dl": str(deadline), "rows": len(rows),
               "d": rows_digest(keys), "g": [grand[k] for k in SUMS],
               "cg": cgrand["amount"], "cd": rows_digest(ckeys), "p": len(doc.pages)}
    path = Path(path)
    seal, pages, fingerprint = save_sealed(doc, holder, payload, path, office=office,
                                           title=f"گزارش عملکرد — {provider_code} — {a} تا {b}",
                                           subject=f"rasidegi performance report {provider_code} {a}-{b}")

    totals = {k: grand[k] for k in ("requested", "approved", "deducted", "insured_share", "org_share")}
    info = ReportInfo(path=path, report_id=report_id, provider_code=provider_code, first=str(a), last=str(b),
                      batches=[h.get("id") for h, _, _ in batches], received_on=str(received),
                      objection_deadline=str(deadline), code=holder.code, issued_at=issued, pages=pages,
                      totals=totals, key=fingerprint, seal=seal, event_ids=[])

    def record() -> None:
        issuer = who or default_who(signer_list)
        for bid in info.batches:
            info.event_ids.append(store.record_event(bid, {
                "kind": REPORT_EVENT, "who": issuer, "report_id": report_id, "code": holder.code,
                "from": str(a), "to": str(b), "received_on": str(received), "objection_deadline": str(deadline),
                "issued_at": issued}))

    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in provider_code) or "report"
    return Draft("report", path, info, record,
                 suggested_name=f"{safe}.report.{a.year:04d}-{a.month:02d}.{b.year:04d}-{b.month:02d}.pdf",
                 title_fa=f"گزارش عملکرد — {provider_code} — {a} تا {b}")
