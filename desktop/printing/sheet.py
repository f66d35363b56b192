"""The printed adjustment sheet (برگ تعدیلات و کسورات) of one reviewed batch.

    info = write_sheet(result, "sheet.pdf", store=store, signers=[...])

What it prints (issue 4): the office and the batch on every page; one row per adjusted or zeroed amount (the
document's sheet number, the insured, the service's national code or the bill heading, requested, approved,
deducted, the mark — ◯ with the corrected figure, or 0 — the clause ids and a short Persian reason); the
subtotal of every page and the grand total; deductions by clause; the totals (requested, approved, deducted,
insured share, organisation share) reconciled with the provider's declared cost-request form; the technical
reviewer's and the accountant's signatures; the office's digital seal (QR + verification code).

Issuing a sheet with a store records a `sheet_issued` event on the batch; issuing it again (after an
objection) makes the next version, which names the one it replaces.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors

from . import persian as fa
from .common import (LABELS, Band, SealHolder, default_who, issue_stamp, normalize_signers, notes_block,
                     save_sealed, signature_block)
from .draft import Draft, StaleDraft, issue_to
from .layout import MARGIN, PAGE, Column, Document, GridSpec, draw_text
from .persian import FA, FA_BOLD
from .seal import rows_digest
from .settings import OfficeSettings, load_office

__all__ = ["write_sheet", "render_sheet", "SheetInfo", "sheet_rows", "SHEET_GRID", "CLAUSE_GRID", "RECON_GRID",
           "TOTAL_KEYS", "SHEET_EVENT"]

SHEET_EVENT = "sheet_issued"
TOTAL_KEYS = ("requested", "approved", "deducted", "insured_share", "org_share")

SHEET_GRID = GridSpec(
    name="adjustments",
    columns=(
        Column("row", "ردیف", 26, "int", "center", signed=True),
        Column("seq", "شمارهٔ سند", 36, "int", "center", signed=True),
        Column("insured", "بیمه‌شده", 98, "text"),
        Column("national_id", "کد ملی", 58, "code", "center"),
        Column("code", "کد خدمت / سرفصل", 58, "code", "center", signed=True),
        Column("requested", "درخواستی (ریال)", 66, "amount", signed=True),
        Column("approved", "تأییدشده (ریال)", 66, "amount", signed=True),
        Column("deducted", "کسور (ریال)", 66, "amount", signed=True),
        Column("mark", "علامت و رقم اصلاحی", 70, "mark", signed=True),
        Column("rules", "بند", 60, "latin", "center", signed=True),
        Column("reason", "علت", 190, "text"),
    ),
    anchor="row", grand_label="جمع کل موارد تعدیل‌شده", page_label="جمع این صفحه",
    sums=("requested", "approved", "deducted"),
)

CLAUSE_GRID = GridSpec(
    name="by_clause",
    columns=(
        Column("rule", "بند", 70, "latin", "center", signed=True),
        Column("clause", "شمارهٔ بند در دستورالعمل", 90, "text", "center"),
        Column("reason", "شرح", 330, "text"),
        Column("count", "تعداد موارد", 60, "int", "center", signed=True),
        Column("amount", "مبلغ کسور (ریال)", 90, "amount", signed=True),
    ),
    anchor="rule", grand_label="جمع کسور به تفکیک بند", sums=("amount",),
)

TOTALS_WIDTH = 300                                   # the totals box, at the right under the tables
RECON_RIGHT = PAGE[0] - MARGIN - TOTALS_WIDTH - 24     # the reconciliation grid's right edge, beside it

RECON_GRID = GridSpec(
    name="reconciliation",
    columns=(
        Column("item", "شرح", 110, "text", signed=True),
        Column("declared", "اعلامی مؤسسه", 95, "amount", signed=True),
        Column("documents", "طبق اسناد فهرست", 95, "amount", signed=True),
        Column("difference", "مغایرت", 75, "amount", signed=True),
        Column("approved", "پس از رسیدگی", 90, "amount", signed=True),
    ),
    anchor="item", grand_label=None,
)


@dataclass
class SheetInfo:
    """What was issued.  `replaces` names the version it replaces ({sheet_id, version, code, issued_at})."""
    path: Path
    sheet_id: str
    batch_id: str
    version: int
    replaces: dict | None
    code: str
    issued_at: str
    pages: int
    rows: int
    totals: dict
    key: str
    seal: str
    event_id: int | None = None

    def to_event(self, who: str, role: str | None = None, reason: str | None = None) -> dict:
        return {"kind": SHEET_EVENT, "who": who, "role": role, "sheet_id": self.sheet_id, "version": self.version,
                "replaces": self.replaces, "code": self.code, "issued_at": self.issued_at, "pages": self.pages,
                "rows": self.rows, "totals": self.totals, "key": self.key, "reason": reason}


# --- the rows ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleText:
    clause: str
    reason_fa: str


_RULE_TEXTS: dict[tuple, dict[str, RuleText]] = {}


def rule_texts() -> dict[str, RuleText]:
    """Rule id → (clause, short reason) from the rule packs in force, for the deductions-by-clause table.

    Only these two fields are printed, so the packs are read with libyaml's C loader when available (the full
    `load_rules` validation takes seconds on the whole manual and adds nothing to a sheet); cached per set of
    pack files and their modification times.  Empty if the packs cannot be read: the findings' own messages
    are printed instead."""
    import yaml

    try:
        from desktop.engine.rules import default_pack_paths
        paths = default_pack_paths()
        stamp = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    except Exception:      # noqa: BLE001 — a sheet prints without the rule texts (the findings carry reasons)
        return {}
    if stamp in _RULE_TEXTS:
        return _RULE_TEXTS[stamp]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: dict[str, RuleText] = {}
    for p in paths:
        try:
            with open(p, encoding="utf-8") as fh:
                data = yaml.load(fh, Loader=loader)
        except (OSError, yaml.YAMLError):
            continue
        for r in (data or {}).get("rules") or [] if isinstance(data, dict) else []:
            if isinstance(r, dict) and isinstance(r.get("id"), str) and r["id"] not in out:
                out[r["id"]] = RuleText(str(r.get("clause") or ""), str(r.get("reason_fa") or ""))
    _RULE_TEXTS.clear()
    _RULE_TEXTS[stamp] = out
    return out


def _doc_index(batch: dict | None) -> dict[tuple[str, Any], dict]:
    out: dict[tuple[str, Any], dict] = {}
    if not batch:
        return out
    for kind, key in (("prescription", "prescriptions"), ("bill", "bills")):
        for d in batch.get(key) or []:
            if isinstance(d, dict):
                out.setdefault((kind, d.get("seq")), d)
    return out


def _insured(doc: dict | None) -> tuple[str | None, str | None]:
    ins = (doc or {}).get("insured") or {}
    if not isinstance(ins, dict):
        return None, None
    return ins.get("name"), ins.get("national_id")


def _reasons(findings: list[dict], rules: list[str], *, line=None, heading=None) -> tuple[list[str], str]:
    """(clause ids, reason text) of one amount: the findings on it that change money (a finding only for the
    reviewer's eye is named only when nothing else is)."""
    applicable = []
    for f in findings:
        if rules and f.get("rule") not in rules:
            continue
        if heading is not None and f.get("heading") not in (None, heading):
            continue
        if line is not None and f.get("line") not in (None, line):
            continue
        applicable.append(f)
    money = [f for f in applicable if f.get("severity") != "review"] or applicable
    ids: list[str] = []
    texts: list[str] = []
    for f in money:
        if f.get("rule") and f["rule"] not in ids:
            ids.append(f["rule"])
        msg = f.get("message_fa")
        if msg and msg not in texts:
            texts.append(msg)
    for r in rules:
        if r not in ids and not any(f.get("rule") == r for f in applicable):
            ids.append(r)          # a rule on the line without a finding (e.g. a reviewer's decision)
    return ids, "؛ ".join(texts)


def sheet_rows(result: dict, batch: dict | None = None) -> list[dict]:
    """One row per adjusted or zeroed amount, in the result's order (prescriptions, then bills)."""
    docs = _doc_index(batch)
    rows: list[dict] = []
    for p in result.get("prescriptions") or []:
        name, nid = _insured(docs.get(("prescription", p.get("seq"))))
        for line in p.get("lines") or []:
            req, appr = int(line.get("requested") or 0), int(line.get("approved") or 0)
            if line.get("mark") == "tick" and req == appr:
                continue
            ids, reason = _reasons(p.get("findings") or [], list(line.get("rules") or []), line=line.get("line"))
            extra = []
            if line.get("paid_code") not in (None, line.get("code")):
                extra.append(f"پرداخت با کد {line['paid_code']}")
            if line.get("paid_qty") is not None:
                extra.append(f"تعداد پرداختی {line['paid_qty']}")
            if extra:
                reason = "؛ ".join([reason] + extra) if reason else "؛ ".join(extra)
            mark = line.get("mark") if line.get("mark") in ("circle", "zero") else ("zero" if appr == 0 else "circle")
            rows.append({"seq": p.get("seq"), "insured": name, "national_id": nid, "code": line.get("code"),
                         "requested": req, "approved": appr, "deducted": req - appr, "mark": (mark, appr),
                         "rules": ids, "reason": reason})
    for b in result.get("bills") or []:
        name, nid = _insured(docs.get(("bill", b.get("seq"))))
        for heading, h in (b.get("headings") or {}).items():
            req, appr = int(h.get("requested") or 0), int(h.get("approved") or 0)
            lines = [ln for ln in (h.get("lines") or []) if ln.get("mark") != "tick"]
            if h.get("mark") == "tick" and req == appr and not lines:
                continue
            rules = list(h.get("rules") or [])
            for ln in lines:
                rules += [r for r in ln.get("rules") or [] if r not in rules]
            ids, reason = _reasons(b.get("findings") or [], rules, heading=heading)
            details = []
            for ln in lines:
                lmark = "صفر" if ln.get("mark") == "zero" else "اصلاح"
                cited = " ".join(ln.get("rules") or [])
                details.append(f"قلم {ln.get('line')}: {fa.amount(ln.get('requested'))} ← "
                               f"{fa.amount(ln.get('approved'))} ({lmark}{' ' + cited if cited else ''})")
            if details:
                reason = "؛ ".join([reason] + details) if reason else "؛ ".join(details)
            mark = h.get("mark") if h.get("mark") in ("circle", "zero") else ("zero" if appr == 0 else "circle")
            rows.append({"seq": b.get("seq"), "insured": name, "national_id": nid,
                         "code": fa.HEADING_FA.get(heading, heading), "requested": req, "approved": appr,
                         "deducted": req - appr, "mark": (mark, appr), "rules": ids, "reason": reason})
    for i, r in enumerate(rows, start=1):
        r["row"] = i
    return rows


def clause_rows(result: dict, rows: list[dict], rules: dict[str, RuleText] | None = None) -> list[dict]:
    by_rule = (result.get("totals") or {}).get("by_rule") or {}
    counts: dict[str, int] = {}
    for r in rows:
        for rid in r["rules"]:
            counts[rid] = counts.get(rid, 0) + 1
    first_msg: dict[str, str] = {}
    docs = (result.get("prescriptions") or []) + (result.get("bills") or [])
    for doc in docs + [{"findings": result.get("findings") or []}]:
        for f in doc.get("findings") or []:
            first_msg.setdefault(f.get("rule"), (f.get("message_fa") or "").split(" — ")[0])
    out = []
    for rid, amount in by_rule.items():
        rule = (rules or {}).get(rid)
        out.append({"rule": rid, "clause": rule.clause if rule else "",
                    "reason": (rule.reason_fa if rule and rule.reason_fa else first_msg.get(rid, "")),
                    "count": counts.get(rid, 0), "amount": int(amount)})
    return out


def _batch_sums(batch: dict | None) -> dict | None:
    """Count and requested figures of the batch's own documents (None where the documents do not say)."""
    if not batch:
        return None
    count = total = ins = org = 0
    shares_known = True
    for p in batch.get("prescriptions") or []:
        count += 1
        for it in p.get("items") or []:
            rq = it.get("requested") or {}
            total += int(rq.get("total") or 0)
            if isinstance(rq.get("insured"), int) and isinstance(rq.get("org"), int):
                ins += rq["insured"]
                org += rq["org"]
            else:
                shares_known = False
    for b in batch.get("bills") or []:
        count += 1
        shares_known = False
        for h in (b.get("headings") or {}).values():
            if isinstance(h, dict):
                total += int(h.get("requested") or 0)
    return {"count": count, "total": total, "insured_share": ins if shares_known else None,
            "org_share": org if shares_known else None}


def _recon_rows(result: dict, batch: dict | None) -> list[dict]:
    t = result.get("totals") or {}
    header = (batch or {}).get("batch") or {}
    declared = header.get("declared") or {}
    docs = _batch_sums(batch) or {}
    all_docs = (result.get("prescriptions") or []) + (result.get("bills") or [])
    paid_docs = sum(1 for d in all_docs if d.get("mark") != "zero")

    def diff(a, b):
        return a - b if isinstance(a, int) and isinstance(b, int) else None

    rows = []
    for item, dkey, doc_v, after in (
            ("تعداد اسناد", "count", docs.get("count", len(all_docs)), paid_docs),
            ("مبلغ کل", "total", docs.get("total", t.get("requested")), t.get("approved")),
            ("سهم بیمه‌شده", "insured_share", docs.get("insured_share"), t.get("insured_share")),
            ("سهم سازمان", "org_share", docs.get("org_share"), t.get("org_share"))):
        dv = declared.get(dkey) if isinstance(declared.get(dkey), int) else None
        rows.append({"item": item, "declared": dv, "documents": doc_v, "difference": diff(dv, doc_v),
                     "approved": after})
    return rows


# --- previous versions ---------------------------------------------------------------------------------------

def _previous(previous, store, batch_id: str) -> dict | None:
    if previous is None and store is not None:
        evs = [e for e in store.events(batch_id) if e.get("kind") == SHEET_EVENT]
        previous = evs[-1] if evs else None
    if previous is None:
        return None
    if isinstance(previous, SheetInfo):
        return {"sheet_id": previous.sheet_id, "version": previous.version, "code": previous.code,
                "issued_at": previous.issued_at}
    if isinstance(previous, dict):
        if not isinstance(previous.get("version"), int):
            raise ValueError("the previous sheet must say its version")
        return {k: previous.get(k) for k in ("sheet_id", "version", "code", "issued_at")}
    raise TypeError("previous must be a SheetInfo, a sheet_issued event or None")



# --- the sheet -------------------------------------------------------------------------------------------------

def write_sheet(result: dict, path, *, batch: dict | None = None, store=None, signers=None,
                office: OfficeSettings | dict | None = None, previous=None, reason: str | None = None,
                who: str | None = None, now: datetime | None = None) -> SheetInfo:
    """Write the adjustment sheet of `result` (review-result/1, the engine's or a reviewed one) to `path` and
    issue it: `render_sheet` to a temporary file beside `path`, the issue recorded, then the file put in place
    (if the event cannot be recorded, no file is left).  Arguments: those of `render_sheet`."""
    return issue_to(path, lambda tmp: render_sheet(result, tmp, batch=batch, store=store, signers=signers,
                                                   office=office, previous=previous, reason=reason, who=who,
                                                   now=now))


def _check_not_overtaken(store, batch_id: str, prev: dict | None, version: int) -> None:
    """Issuing a rendered sheet: the store's last issued version must still be the one it replaces."""
    evs = [e for e in store.events(batch_id) if e.get("kind") == SHEET_EVENT]
    last = evs[-1] if evs else None
    if (last or {}).get("sheet_id") != (prev or {}).get("sheet_id"):
        now_v = (last or {}).get("version")
        raise StaleDraft(f"sheet version {version} of {batch_id} was rendered after version "
                         f"{(prev or {}).get('version') or 0}, but version {now_v} has been issued since",
                         f"پس از آماده شدن این پیش‌نمایش، نسخهٔ {now_v} برگ تعدیلات این پرونده صادر شده است؛ "
                         "برگ را دوباره آماده کنید.")


def render_sheet(result: dict, path, *, batch: dict | None = None, store=None, signers=None,
                 office: OfficeSettings | dict | None = None, previous=None, reason: str | None = None,
                 who: str | None = None, now: datetime | None = None) -> Draft:
    """Render the adjustment sheet of `result` (review-result/1, the engine's or a reviewed one) to `path`
    without issuing it: nothing is recorded until the returned Draft's `issue()` / `save_as()` (the desk's
    print preview).  The version printed is the one the issue records; if another version is issued
    meanwhile, issuing the draft raises StaleDraft.

    batch: the normalised claim batch (header, insured names, declared form); loaded from `store` if omitted.
    store: records the `sheet_issued` event and finds the version this one replaces.
    signers: Signer objects or dicts (name, role technical_reviewer|accountant|…, signed_on, image, title);
    none → blank signature lines.  office: OfficeSettings or a dict of its fields (default: office.json).
    previous: the sheet this one replaces (SheetInfo or its event); default the last one the store knows.
    reason: why it is issued again (printed and recorded).  who: recorded as the issuer (default: first signer).
    """
    if not isinstance(result, dict) or result.get("format") != "review-result/1":
        raise ValueError("write_sheet needs a review-result/1 dict")
    batch_id = str(result.get("batch_id") or "")
    if batch is None and store is not None:
        batch = store.load_batch(batch_id)
    header = (batch or {}).get("batch") or {}
    provider = header.get("provider") or {}
    if isinstance(office, dict):
        office = OfficeSettings(**{k: v for k, v in office.items() if k in OfficeSettings.__dataclass_fields__})
    office = office or load_office(province_slug=provider.get("province"))
    signer_list = normalize_signers(signers)
    prev = _previous(previous, store, batch_id)
    version = (prev["version"] + 1) if prev else 1
    issued, issued_on = issue_stamp(now)
    sheet_id = uuid.uuid4().hex[:12]
    rules = rule_texts()
    rows = sheet_rows(result, batch)
    totals = {k: int((result.get("totals") or {}).get(k) or 0) for k in TOTAL_KEYS}

    fa.register_fonts()
    holder = SealHolder()
    fields = [
        ("نام مؤسسه", provider.get("name") or "", False),
        ("کد مؤسسه", provider.get("code") or "", True),
        ("نوع مؤسسه", fa.KIND_FA.get(provider.get("kind"), provider.get("kind") or ""), False),
        ("صندوق", fa.FUND_FA.get(header.get("fund"), header.get("fund") or ""), False),
        ("ماه عملکرد", fa.month_fa(header.get("period")), False),
        (LABELS["batch"], batch_id, True),
        ("تاریخ دریافت اسناد", header.get("submitted_on") or "", False),
        ("تاریخ رسیدگی", issued_on, False),
        ("شهر", provider.get("city") or "", False),
    ]
    band = Band(title="برگ تعدیلات و کسورات اسناد پزشکی",
                subtitle="نتیجهٔ رسیدگی فنی و حسابداری فهرست اسناد ارسالی مؤسسه",
                office=office, fields=fields, issued=issued, holder=holder,
                version_line=f"نسخهٔ {version}" + (f" (جایگزین نسخهٔ {prev['version']})" if prev else ""),
                footer_left=f"rasidegi · {batch_id} · v{version}",
                short=[fields[0], fields[1], fields[4], fields[5]])
    doc = Document(header_height=band.height, later_header_height=band.later_height, draw_header=band.draw,
                   draw_footer=band.draw_footer)

    notes = []
    if result.get("sample_reference"):
        notes.append(("این برگ با تعرفه و پارامترهای نمونه (غیررسمی) محاسبه شده و برای پرداخت معتبر نیست.",
                      colors.HexColor("#b91c1c")))
    if prev:
        text = (f"این برگ نسخهٔ {version} است و جایگزین نسخهٔ {prev['version']} "
                f"(کد تأیید {prev.get('code') or '—'}، صادره {prev.get('issued_at') or '—'}) می‌شود.")
        if reason:
            text += f" علت صدور مجدد: {reason}"
        notes.append((text, colors.HexColor("#1d4ed8")))
    for f in result.get("findings") or []:
        notes.append((f"کل فهرست — بند {f.get('rule')}: {f.get('message_fa') or ''}", colors.HexColor("#b91c1c")))
    pending = sum(1 for d in (result.get("prescriptions") or []) + (result.get("bills") or [])
                  if d.get("mark") != "zero" for f in d.get("findings") or [] if f.get("severity") == "review")
    if pending:
        notes.append((f"{pending} مورد برای تصمیم کارشناس علامت خورده که در این برگ مبلغی بابت آن کسر نشده است.",
                      colors.HexColor("#92400e")))
    notes_block(doc, notes)

    keys, grand = doc.add_grid(SHEET_GRID, rows, empty_text="هیچ مبلغی تعدیل یا کسر نشده است")
    c_rows = clause_rows(result, rows, rules)
    ckeys, cgrand = doc.add_grid(CLAUSE_GRID, c_rows, empty_text="کسری اعمال نشده است",
                                 title="کسور به تفکیک بند دستورالعمل")
    recon = _recon_rows(result, batch)
    rkeys = _totals_and_reconciliation(doc, totals, recon, has_declared=bool(header.get("declared")))
    signature_block(doc, signer_list, holder, issued_on=issued_on)

    payload = {"t": "s", "id": sheet_id, "b": batch_id, "n": version, "at": issued,
               "tot": [totals[k] for k in TOTAL_KEYS],
               "g": [grand["requested"], grand["approved"], grand["deducted"]], "rows": len(rows),
               "d": rows_digest(keys), "cg": cgrand["amount"], "cd": rows_digest(ckeys), "p": len(doc.pages),
               "rd": rows_digest(rkeys), "pc": provider.get("code"), "rc": header.get("submitted_on")}
    if prev:
        payload["r"] = prev.get("code")
    path = Path(path)
    seal, pages, fingerprint = save_sealed(doc, holder, payload, path, office=office,
                                           title=f"برگ تعدیلات و کسورات — {batch_id}",
                                           subject=f"rasidegi adjustment sheet {batch_id} v{version}")

    info = SheetInfo(path=path, sheet_id=sheet_id, batch_id=batch_id, version=version, replaces=prev,
                     code=holder.code, issued_at=issued, pages=pages, rows=len(rows), totals=totals,
                     key=fingerprint, seal=seal)
    prev_from_store = previous is None

    def record() -> None:
        issuer = who or default_who(signer_list)
        role = signer_list[0].role if signer_list and not who else None
        if not prev_from_store:
            info.event_id = store.record_event(batch_id, info.to_event(issuer, role, reason))
            return
        _check_not_overtaken(store, batch_id, prev, version)         # the Persian message, in the common case
        from desktop.store import StoreError
        try:        # and atomically: the check and the record in one transaction (two desks at the same moment)
            info.event_id = store.record_event(batch_id, info.to_event(issuer, role, reason),
                                               expect_last=(SHEET_EVENT, "sheet_id", (prev or {}).get("sheet_id")))
        except StoreError as exc:
            if exc.code != "conflict":
                raise
            _check_not_overtaken(store, batch_id, prev, version)
            raise

    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in batch_id) or "sheet"
    return Draft("sheet", path, info, record if store is not None else None,
                 suggested_name=f"{safe}.sheet.pdf" if version == 1 else f"{safe}.sheet-v{version}.pdf",
                 title_fa=f"برگ تعدیلات و کسورات — {batch_id} — نسخهٔ {version}")


def _totals_and_reconciliation(doc: Document, totals: dict, recon: list[dict], *, has_declared: bool) -> None:
    """The totals box (right) beside the reconciliation with the declared cost-request form (left)."""
    row_h, box_w = 16, TOTALS_WIDTH
    labels = [(LABELS[k], totals[k]) for k in TOTAL_KEYS]
    box_h = row_h * len(labels) + 22
    recon_h = 30 + 4 * (2 * RECON_GRID.pad + RECON_GRID.leading) + 18
    need = max(box_h, recon_h) + 6
    if need > doc.room:
        doc.new_page()
    top = doc.y

    def draw_totals(c, top):
        x1, x0 = doc.right, doc.right - box_w
        draw_text(c, x1, top - 11, "خلاصهٔ مبالغ (ریال)", font=FA_BOLD, size=10)
        c.setStrokeColor(colors.HexColor("#6b7280"))
        c.setLineWidth(0.6)
        y = top - 18
        c.rect(x0, y - row_h * len(labels), box_w, row_h * len(labels), stroke=1, fill=0)
        for i, (label, value) in enumerate(labels):
            yy = y - (i + 1) * row_h
            if i:
                c.line(x0, yy + row_h, x1, yy + row_h)
            strong = i in (1, 2)
            draw_text(c, x1 - 6, yy + 5, label, font=FA_BOLD if strong else FA, size=9)
            draw_text(c, x0 + 6, yy + 5, fa.amount(value), font=FA_BOLD, size=9.5, align="left", logical=False)

    doc.add(box_h, draw_totals)
    after_totals = doc.y
    doc.y = top
    recon_right = RECON_RIGHT
    doc.add(16, lambda c, t: draw_text(c, recon_right, t - 11, "تطبیق با فرم درخواست هزینهٔ مؤسسه", font=FA_BOLD,
                                       size=10), gap=2)
    rkeys, _ = doc.add_grid(RECON_GRID, recon, right=recon_right)
    if not has_declared:
        doc.add(12, lambda c, t: draw_text(c, recon_right, t - 9, "فرم درخواست هزینهٔ مؤسسه در دسترس نیست.",
                                           size=8), gap=2)
    doc.y = min(doc.y, after_totals)
    return rkeys
