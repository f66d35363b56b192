"""`rasidegi verify SHEET.pdf`: is this sheet (or performance report) ours, and is it unchanged?

1. The seal in the PDF's metadata (the same text as the QR code) must carry a valid Ed25519 signature by a key
   this office trusts (its own, or one in `keys/trusted/`).
2. What is *printed* must agree with what was signed: the figures are read back from the pages' text (pypdf),
   by their place in the grids whose geometry the writer and this reader share (`layout.GridSpec`):
   every row's amounts, mark and clause ids (digest), each page's subtotal, the grand totals, the totals box,
   the batch id, the page count and the verification code on every page.  Editing a figure in the PDF, or
   printing other figures under a copied seal, fails here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.domain.fa import fa_digits

from . import persian as fa
from .common import LABELS
from .layout import FOOTER_HEIGHT, MARGIN, PAGE, GridSpec, baseline_offset, cell_key, head_height, parse_amount
from .seal import (KEYWORDS_PREFIX, SealError, check_signature, open_seal, rows_digest, trusted_keys,
                   verification_code)

__all__ = ["VerifyOutcome", "verify_pdf", "verify_seal", "check_register"]

_TOL = 1.0      # points


@dataclass
class VerifyOutcome:
    ok: bool
    kind: str | None = None                 # "sheet" | "report"
    payload: dict = field(default_factory=dict)
    code: str | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)    # (English, Persian)
    notes: list[tuple[str, str]] = field(default_factory=list)       # said, not failing: replaced, not in register

    @property
    def batch_id(self) -> str | None:
        return self.payload.get("b")

    def add(self, en: str, fa_text: str) -> None:
        self.problems.append((en, fa_text))
        self.ok = False

    def _what_en(self) -> str:
        p = self.payload
        if self.kind == "report":
            return (f"performance report of {p.get('pc')} for {p.get('f')} … {p.get('to')}, received {p.get('rc')}, "
                    f"objections until {p.get('dl')}")
        return f"adjustment sheet of batch {p.get('b')}, version {p.get('n', 1)}"

    def _what_fa(self) -> str:
        p = self.payload
        if self.kind == "report":
            return (f"گزارش عملکرد مؤسسهٔ {p.get('pc')} برای {p.get('f')} تا {p.get('to')}، دریافت {p.get('rc')}، "
                    f"مهلت اعتراض تا {p.get('dl')}")
        return f"برگ تعدیلات فهرست {p.get('b')}، نسخهٔ {fa_digits(p.get('n', 1))}"

    def note(self, en: str, fa_text: str) -> None:
        self.notes.append((en, fa_text))

    def summary_en(self) -> str:
        if self.ok:
            return (f"AUTHENTIC and UNCHANGED: {self._what_en()}; issued {self.payload.get('at')}; "
                    f"verification code {self.code}") + "".join(f"\n  * {en}" for en, _ in self.notes)
        return "NOT AUTHENTIC or ALTERED:\n" + "\n".join(f"  - {en}" for en, _ in self.problems)

    def summary_fa(self) -> str:
        if self.ok:
            return (f"اصیل و بدون تغییر: {self._what_fa()}؛ صادره {fa_digits(self.payload.get('at'))}؛ "
                    f"کد تأیید {self.code}"
                    + "".join(f"\n  * {f}" for _, f in self.notes))
        return "نامعتبر یا دست‌کاری‌شده:\n" + "\n".join(f"  - {f}" for _, f in self.problems)


# --- the printed text ---------------------------------------------------------------------------------------

@dataclass
class Chunk:
    x: float
    y: float
    text: str


def _page_chunks(page) -> list[Chunk]:
    raw: list[Chunk] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        raw.append(Chunk(x, y, text))

    page.extract_text(visitor_text=visit)
    merged: list[Chunk] = []
    for ch in raw:      # one drawString may be several text runs (font subsets) at one position
        if merged and abs(merged[-1].x - ch.x) < 0.01 and abs(merged[-1].y - ch.y) < 0.01:
            merged[-1].text += ch.text
        else:
            merged.append(Chunk(ch.x, ch.y, ch.text))
    out = []
    for ch in merged:
        t = ch.text.replace("\n", " ").strip()
        if t:
            out.append(Chunk(ch.x, ch.y, t))
    return out


def _find_label(chunks: list[Chunk], label: str) -> list[Chunk]:
    key = fa.label_key(label)
    return [c for c in chunks if fa.label_key(c.text) == key]


def _value_left_of(chunks: list[Chunk], label: Chunk) -> Chunk | None:
    same = [c for c in chunks if abs(c.y - label.y) < _TOL and c.x < label.x - 0.5]
    return max(same, key=lambda c: c.x) if same else None


@dataclass
class ParsedGrid:
    rows: list[dict] = field(default_factory=list)          # per row: key → [texts]
    page_totals: list[tuple[int, dict, int, int]] = field(default_factory=list)  # (page, key → text, rows[a:b])
    grand: dict | None = None
    pages: list[int] = field(default_factory=list)


def _baselines(chunks: list[Chunk]) -> list[tuple[float, list[Chunk]]]:
    groups: list[tuple[float, list[Chunk]]] = []
    for c in sorted(chunks, key=lambda c: -c.y):
        if groups and abs(groups[-1][0] - c.y) < _TOL:
            groups[-1][1].append(c)
        else:
            groups.append((c.y, [c]))
    return groups


def _col_of(spans: dict[str, tuple[float, float]], x: float) -> str | None:
    for key, (x0, x1) in spans.items():
        if x0 - 0.5 <= x < x1 + 0.5:
            return key
    return None


def _anchor_ok(kind: str, texts: list[str]) -> bool:
    t = "".join(texts).strip()
    if kind == "int":
        return t.isdigit()
    if kind == "text":
        return bool(t)
    return bool(t) and t.isascii()


def parse_grid(pages: list[list[Chunk]], spec: GridSpec, right: float, bottom: float,
               max_rows: int | None = None) -> ParsedGrid:
    """The grid's rows and totals as printed, across pages (see the module docstring).  Only text above
    `bottom` (the footer's top) belongs to a grid; a grid without a total row ends after `max_rows` rows."""
    spans = spec.spans(right)
    lx0, lx1 = spec.label_span(right)
    titles = {c.key: fa.label_key(fa.wrap(c.title, fa.FA_BOLD, spec.size - 0.5, c.width - 2 * spec.pad - 1)[0])
              for c in spec.columns}
    page_key = fa.label_key(spec.page_label) if spec.page_label else None
    grand_key = fa.label_key(spec.grand_label) if spec.grand_label else None
    anchor_kind = spec.col(spec.anchor).kind
    out = ParsedGrid()
    for pno, chunks in enumerate(pages, start=1):
        lines = _baselines([c for c in chunks if c.y > bottom])
        i = 0
        while i < len(lines):
            y, group = lines[i]
            hits = sum(1 for c in group if (k := _col_of(spans, c.x)) and titles.get(k) == fa.label_key(c.text))
            i += 1
            if hits < max(2, len(spec.columns) // 2):
                continue
            # a header row: the rows below it, until a total row or the end of the grid
            out.pages.append(pno)
            segment_start = len(out.rows)
            data_top = y + baseline_offset(spec) - head_height(spec)
            current = None
            after_page_total = empty_note = False
            while i < len(lines):
                y, group = lines[i]
                if y > data_top:
                    i += 1
                    continue
                in_grid = [c for c in group if right - spec.width - 0.5 <= c.x <= right + 0.5]
                if not in_grid:             # text beside the grid (the totals box beside the reconciliation)
                    i += 1
                    continue
                label = [c for c in in_grid if lx0 - 0.5 <= c.x <= lx1 + 0.5
                         and fa.label_key(c.text) in (page_key, grand_key)]
                if label:
                    values = {k: c.text for c in in_grid if (k := _col_of(spans, c.x)) in spec.sums}
                    i += 1
                    if fa.label_key(label[0].text) == grand_key:
                        out.grand = values
                        break
                    out.page_totals.append((pno, values, segment_start, len(out.rows)))
                    after_page_total = True        # only the grand total may follow on this page
                    continue
                if after_page_total:
                    break
                anchor = [c.text for c in in_grid if _col_of(spans, c.x) == spec.anchor]
                if anchor:
                    if not _anchor_ok(anchor_kind, anchor) or (max_rows is not None and len(out.rows) >= max_rows):
                        break
                    current = {k: [] for k in spans}
                    out.rows.append(current)
                elif current is None and in_grid and not empty_note:
                    empty_note = True          # «موردی نیست»: a grid without rows, its total follows
                    i += 1
                    continue
                elif current is None:
                    break
                for c in in_grid:
                    k = _col_of(spans, c.x)
                    if k is not None:
                        current[k].append(c.text)
                i += 1
    return out


def _digest(spec: GridSpec, rows: list[dict]) -> str:
    return rows_digest(["\t".join(cell_key(c.kind, r.get(c.key, [])) for c in spec.columns if c.signed)
                        for r in rows])


def _check_grid(out: VerifyOutcome, parsed: ParsedGrid, spec: GridSpec, name_fa: str, *, rows: int | None,
                digest: str | None, grand: list[int] | None) -> None:
    if not parsed.pages:
        out.add(f"the {spec.name} table is not on the pages", f"جدول «{name_fa}» در صفحات یافت نشد")
        return
    if rows is not None and len(parsed.rows) != rows:
        out.add(f"{spec.name}: {len(parsed.rows)} rows printed, {rows} signed",
                f"«{name_fa}»: {len(parsed.rows)} ردیف چاپ شده ولی {rows} ردیف امضا شده است")
    if digest is not None and _digest(spec, parsed.rows) != digest:
        out.add(f"{spec.name}: the printed rows differ from the signed rows",
                f"«{name_fa}»: ردیف‌های چاپ‌شده با ردیف‌های امضاشده یکی نیست")
    sums = {k: 0 for k in spec.sums}
    for k in spec.sums:
        for r in parsed.rows:
            sums[k] += parse_amount("".join(r.get(k, []))) or 0
    for pno, values, a, b in parsed.page_totals:      # each page's subtotal, from its own rows
        for k in spec.sums:
            s = sum(parse_amount("".join(r.get(k, []))) or 0 for r in parsed.rows[a:b])
            printed = parse_amount(values.get(k, ""))
            if printed != s:
                out.add(f"{spec.name}: page {pno} subtotal of {k} is {printed}, its rows add up to {s}",
                        f"«{name_fa}»: جمع صفحهٔ {pno} ستون «{spec.col(k).title}» {printed} است ولی جمع ردیف‌های "
                        f"آن {s} می‌شود")
    if spec.grand_label is None:
        return
    if parsed.grand is None:
        out.add(f"{spec.name}: the grand total row is missing", f"«{name_fa}»: ردیف جمع کل یافت نشد")
        return
    for i, k in enumerate(spec.sums):
        printed = parse_amount(parsed.grand.get(k, ""))
        if printed != sums[k]:
            out.add(f"{spec.name}: printed total of {k} is {printed}, the rows add up to {sums[k]}",
                    f"«{name_fa}»: جمع چاپ‌شدهٔ ستون «{spec.col(k).title}» {printed} است ولی جمع ردیف‌ها "
                    f"{sums[k]} می‌شود")
        if grand is not None and printed != grand[i]:
            out.add(f"{spec.name}: printed total of {k} is {printed}, the signed total is {grand[i]}",
                    f"«{name_fa}»: جمع چاپ‌شدهٔ ستون «{spec.col(k).title}» {printed} است ولی جمع امضاشده "
                    f"{grand[i]} است")


def _check_labels(out: VerifyOutcome, pages: list[list[Chunk]], expected: list[tuple[str, str, int | str]]) -> None:
    """Every place a (label, kind amount|text, signed value) is printed, the value beside it is the signed one."""
    for label, kind, value in expected:
        seen = 0
        for pno, chunks in enumerate(pages, start=1):
            for found in _find_label(chunks, label):
                seen += 1
                v = _value_left_of(chunks, found)
                printed = (parse_amount(v.text) if kind == "amount" else v.text.strip()) if v else None
                if printed != value:
                    out.add(f"page {pno}, {label!r}: printed {printed!r}, signed {value!r}",
                            f"صفحهٔ {pno}، «{label}»: مقدار چاپ‌شده {printed if printed is not None else '—'} "
                            f"با مقدار امضاشده {value} یکی نیست")
        if not seen:
            out.add(f"the label {label!r} is not printed", f"عنوان «{label}» در برگ یافت نشد")


# --- the entry points -----------------------------------------------------------------------------------------

def verify_seal(seal: str) -> VerifyOutcome:
    """Check a seal text alone (e.g. scanned from the QR code): signature and key only."""
    out = VerifyOutcome(ok=True)
    try:
        payload, body, sig = open_seal(seal)
    except SealError as exc:
        out.add(f"the seal cannot be read ({exc})", "مهر رقمی قابل خواندن نیست")
        return out
    out.payload = payload
    out.kind = {"s": "sheet", "r": "report"}.get(payload.get("t"))
    keys = trusted_keys()
    pub = keys.get(payload.get("k"))
    if pub is None:
        out.add(f"signed with key {payload.get('k')}, which this office does not know",
                f"با کلید {payload.get('k')} امضا شده که برای این اداره شناخته‌شده نیست")
        return out
    if not check_signature(pub, body, sig):
        out.add("the digital signature does not match the seal's content",
                "امضای رقمی با محتوای مهر سازگار نیست")
        return out
    out.code = verification_code(sig)
    return out


def verify_pdf(path, store=None) -> VerifyOutcome:
    """Whether the PDF at `path` is a sheet or report this office issued, unchanged.

    With `store` (the desk, `rasidegi verify --db`), a sealed and unchanged document is also looked up in the
    register of issued documents (check_register): the seal alone cannot tell an issued sheet from a print
    preview copied out before it was printed or saved, nor a version since replaced after an objection."""
    out = _verify_pdf(path)
    if store is not None and out.ok:
        check_register(out, store)
    return out


def check_register(out: VerifyOutcome, store) -> None:
    """The issue events of the store: a sealed document never issued here fails (a preview, or a version whose
    issue was refused); a sheet replaced by a later version, or a batch this database does not hold, is noted."""
    from .report import REPORT_EVENT
    from .sheet import SHEET_EVENT

    p = out.payload
    if out.kind == "sheet":
        batch_id = p.get("b")
        if not isinstance(batch_id, str) or batch_id not in set(store.batch_ids()):
            out.note(f"batch {batch_id} is not in this database: only the seal and the printed figures were checked",
                     f"فهرست {batch_id} در این پایگاه داده نیست؛ فقط مهر رقمی و ارقام چاپی بررسی شد")
            return
        issued = [e for e in store.events(batch_id) if e.get("kind") == SHEET_EVENT]
        mine = [e for e in issued if e.get("code") == out.code]
        if not mine:
            out.add(f"no sheet with verification code {out.code} was issued for batch {batch_id} (a print preview "
                    f"or a copy that was never printed or saved)",
                    f"برگی با کد تأیید {out.code} برای این فهرست صادر نشده است (پیش‌نمایش یا نسخه‌ای که چاپ یا "
                    f"ذخیره نشده)")
            return
        later = [e for e in issued if isinstance(e.get("version"), int) and e["version"] > (mine[-1].get("version")
                                                                                             or 0)]
        if later:
            last = later[-1]
            out.note(f"replaced by version {last['version']} issued {last.get('issued_at')}",
                     f"این نسخه با نسخهٔ {fa_digits(last['version'])} (صادره {fa_digits(last.get('issued_at'))}) جایگزین "
                     f"شده است")
    elif out.kind == "report":
        from desktop.review.queries import batch_rows
        ids = [r.batch_id for r in batch_rows(store) if r.provider_code == p.get("pc")]
        if not ids:
            out.note(f"provider {p.get('pc')} has no batch in this database: only the seal and the figures were "
                     f"checked", f"مؤسسهٔ {p.get('pc')} در این پایگاه داده فهرستی ندارد؛ فقط مهر رقمی و ارقام بررسی شد")
            return
        if not any(e.get("kind") == REPORT_EVENT and e.get("code") == out.code
                   for bid in ids for e in store.events(bid)):
            out.add(f"no performance report with verification code {out.code} was issued (a print preview or a "
                    f"copy that was never printed or saved)",
                    f"گزارشی با کد تأیید {out.code} صادر نشده است (پیش‌نمایش یا نسخه‌ای که چاپ یا ذخیره نشده)")


def _verify_pdf(path) -> VerifyOutcome:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    path = Path(path)
    try:
        reader = PdfReader(str(path))
        meta = reader.metadata or {}
        keywords = str(meta.get("/Keywords") or "")
    except (OSError, PdfReadError, ValueError) as exc:
        out = VerifyOutcome(ok=False)
        out.add(f"{path}: not a readable PDF ({exc})", f"{path}: فایل PDF قابل خواندن نیست")
        return out
    if not keywords.startswith(KEYWORDS_PREFIX):
        out = VerifyOutcome(ok=False)
        out.add(f"{path}: carries no rasidegi seal", f"{path}: مهر رقمی رسیدگی ندارد (صادرهٔ این سامانه نیست)")
        return out
    out = verify_seal(keywords[len(KEYWORDS_PREFIX):])
    if not out.ok:
        return out
    p = out.payload
    pages = [_page_chunks(pg) for pg in reader.pages]
    if p.get("p") is not None and len(pages) != p["p"]:
        out.add(f"{len(pages)} pages, {p['p']} signed", f"برگ {len(pages)} صفحه دارد ولی {p['p']} صفحه امضا شده است")
    for i, chunks in enumerate(pages, start=1):
        if not any(c.text == out.code for c in chunks):
            out.add(f"page {i} does not carry the verification code {out.code}",
                    f"صفحهٔ {i} کد تأیید {out.code} را ندارد")
    right = PAGE[0] - MARGIN
    if out.kind == "sheet":
        from .sheet import CLAUSE_GRID, RECON_GRID, RECON_RIGHT, SHEET_GRID, TOTAL_KEYS
        if not any(c.text == p.get("b") for page in pages for c in page):
            out.add(f"the batch id {p.get('b')} is not printed", f"شناسهٔ فهرست {p.get('b')} در برگ چاپ نشده است")
        _grid(out, pages, SHEET_GRID, right, "موارد تعدیل‌شده", rows=p.get("rows"), digest=p.get("d"), grand=p.get("g"))
        _grid(out, pages, CLAUSE_GRID, right, "کسور به تفکیک بند", rows=None, digest=p.get("cd"),
              grand=[p.get("cg")])
        _grid(out, pages, RECON_GRID, RECON_RIGHT, "تطبیق با فرم درخواست هزینه", rows=4, digest=p.get("rd"),
              grand=None, max_rows=4)
        _check_labels(out, pages, [(LABELS[k], "amount", v) for k, v in zip(TOTAL_KEYS, p.get("tot") or [])])
        for key, what_en, what_fa in (("pc", "provider code", "کد مؤسسه"), ("rc", "date of receipt", "تاریخ دریافت")):
            if p.get(key) and not any(c.text == p[key] for c in pages[0]):
                out.add(f"the {what_en} {p[key]} is not printed on page 1",
                        f"{what_fa} ({p[key]}) در صفحهٔ ۱ چاپ نشده است")
    elif out.kind == "report":
        from .report import MONTH_GRID
        from .sheet import CLAUSE_GRID
        _grid(out, pages, MONTH_GRID, right, "عملکرد ماهانه", rows=p.get("rows"), digest=p.get("d"),
              grand=p.get("g"))
        _grid(out, pages, CLAUSE_GRID, right, "کسور به تفکیک بند", rows=None, digest=p.get("cd"), grand=[p.get("cg")])
        _check_labels(out, pages, [(LABELS["deadline"], "text", p.get("dl"))])
    else:
        out.add(f"unknown document kind {p.get('t')!r}", "نوع سند مهرشده شناخته‌شده نیست")
    return out


def _grid(out, pages, spec, right, name_fa, *, rows, digest, grand, max_rows=None):
    bottom = MARGIN + FOOTER_HEIGHT
    _check_grid(out, parse_grid(pages, spec, right, bottom, max_rows), spec, name_fa, rows=rows, digest=digest,
                grand=grand)
