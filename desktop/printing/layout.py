"""A small right-to-left page layout on the reportlab canvas: pages with a header band and a footer, blocks
that flow down the page, and grids (tables) whose columns run from the right edge, whose header row is
repeated on every page and which end each page with its subtotal.

Why not platypus `Table`: it does not mirror, and `rasidegi verify` reads the printed figures back from the
PDF by their place on the page, so writer and reader share the grid geometry defined here (`GridSpec`).  The
whole document is laid out first and drawn afterwards, so every page knows the page count ("صفحه ۱ از ۳").
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Callable, Iterable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from . import persian as fa
from .persian import FA, FA_BOLD, LATIN, LATIN_BOLD

__all__ = ["PAGE", "MARGIN", "FOOTER_HEIGHT", "Column", "GridSpec", "Document", "draw_text", "draw_pair", "cell_key",
           "head_height",
           "total_height", "baseline_offset",
           "parse_amount", "MARK_COLOR", "draw_circle_mark", "draw_tick_mark", "draw_qr"]

PAGE = landscape(A4)                 # 842 × 595 pt
MARGIN = 24
FOOTER_HEIGHT = 26                   # the footer band at the bottom of every page (above MARGIN)
MARK_COLOR = colors.HexColor("#15803d")    # the technical reviewer's green pen (manual, ماده ۲۰ بند ۳)
GRID_LINE = colors.HexColor("#9ca3af")
HEAD_FILL = colors.HexColor("#e5e7eb")
TOTAL_FILL = colors.HexColor("#f3f4f6")

_DIGITS_RE = re.compile(r"[^0-9-]")


def parse_amount(text: str) -> int | None:
    """A printed amount back to an int: the digits (and a leading minus) of the text; None if there are none."""
    from desktop.domain.jalali import normalize_digits
    t = _DIGITS_RE.sub("", normalize_digits(text or ""))
    neg = t.startswith("-")
    t = t.replace("-", "")
    if not t:
        return None
    return -int(t) if neg else int(t)


def draw_text(c: Canvas, x: float, y: float, text: str, *, font: str = FA, size: float = 9, align: str = "right",
              logical: bool = True, color=colors.black) -> float:
    """Draw one line.  `logical` Persian text is shaped and reordered first; `x` is the right edge for
    align='right', the centre for 'center', the left edge for 'left'.  Returns the drawn width."""
    s = fa.visual(text) if logical else text
    c.setFont(font, size)
    c.setFillColor(color)
    w = c.stringWidth(s, font, size)
    if align == "right":
        c.drawString(x - w, y, s)
    elif align == "center":
        c.drawString(x - w / 2, y, s)
    else:
        c.drawString(x, y, s)
    return w


def draw_pair(c: Canvas, x_right: float, y: float, label: str, value: str, *, size: float = 8.5,
              value_font: str = FA, value_logical: bool = True, max_width: float | None = None) -> float:
    """«label: value» right to left: the bold label at x_right, the value to its left.  Returns the width used."""
    lw = draw_text(c, x_right, y, label + ":", font=FA_BOLD, size=size)
    vx = x_right - lw - 4
    if value_logical:
        avail = (max_width - lw - 4) if max_width else None
        s = fa.fit(value, value_font, size, avail) if avail else fa.visual(value)
    else:
        s = value
    c.setFont(value_font, size)
    w = c.stringWidth(s, value_font, size)
    c.drawString(vx - w, y, s)
    return lw + 4 + w


# --- marks and the QR code (vector) -----------------------------------------------------------------------

def draw_circle_mark(c: Canvas, cx: float, cy: float, r: float = 3.4) -> None:
    c.saveState()
    c.setStrokeColor(MARK_COLOR)
    c.setLineWidth(1.1)
    c.circle(cx, cy, r, stroke=1, fill=0)
    c.restoreState()


def draw_tick_mark(c: Canvas, cx: float, cy: float, s: float = 4.0) -> None:
    c.saveState()
    c.setStrokeColor(MARK_COLOR)
    c.setLineWidth(1.2)
    p = c.beginPath()
    p.moveTo(cx - s, cy)
    p.lineTo(cx - s * 0.3, cy - s * 0.7)
    p.lineTo(cx + s, cy + s * 0.9)
    c.drawPath(p, stroke=1, fill=0)
    c.restoreState()


def draw_qr(c: Canvas, x: float, y: float, size: float, data: str) -> None:
    """The QR code of `data` (segno, error correction M), as vector squares, bottom-left corner at (x, y)."""
    import segno

    qr = segno.make(data, error="m", micro=False)
    matrix = qr.matrix
    n = len(matrix)
    quiet = 2
    module = size / (n + 2 * quiet)
    c.saveState()
    c.setFillColor(colors.white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(colors.black)
    p = c.beginPath()
    for r, row in enumerate(matrix):
        yy = y + size - (quiet + r + 1) * module
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                p.rect(x + (quiet + start) * module, yy, (col - start) * module, module)
            else:
                col += 1
    c.drawPath(p, stroke=0, fill=1)
    c.restoreState()


# --- grids -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    title: str               # Persian column title
    width: float
    kind: str                # int | amount | text | latin | code | mark
    align: str = "right"     # right | center | left
    signed: bool = False     # part of the signed digest of a row


@dataclass(frozen=True)
class GridSpec:
    """A table's columns (first = rightmost) and what ends it.  Shared by the writers and `verify`."""
    name: str
    columns: tuple[Column, ...]
    anchor: str                       # the column whose cell starts a row (every data row has it)
    grand_label: str | None           # label of the last row (the grid's total); None: no total row
    page_label: str | None = None     # label of each page's subtotal row (None: no page subtotals)
    sums: tuple[str, ...] = ()        # amount/int columns summed in the total rows
    label_col: str | None = None      # where the total rows put their label (default: the anchor's column)
    size: float = 8.0
    pad: float = 2.2

    @property
    def leading(self) -> float:
        return self.size * 1.4

    @property
    def width(self) -> float:
        return sum(col.width for col in self.columns)

    def col(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def spans(self, right: float) -> dict[str, tuple[float, float]]:
        """key → (x_left, x_right) with the first column at the right edge `right`."""
        out, x = {}, right
        for col in self.columns:
            out[col.key] = (x - col.width, x)
            x -= col.width
        return out

    def label_span(self, right: float) -> tuple[float, float]:
        """The total rows' label runs over the non-summed columns from the right up to the first summed one."""
        spans = self.spans(right)
        keys = [c.key for c in self.columns]
        first_sum = min((keys.index(k) for k in self.sums), default=len(keys))
        lead = keys[:first_sum] or keys[:1]
        return spans[lead[-1]][0], spans[lead[0]][1]


def head_height(spec: GridSpec) -> float:
    """Height of the grid's header row (titles wrap inside their column)."""
    n = max(len(fa.wrap(c.title, FA_BOLD, spec.size - 0.5, c.width - 2 * spec.pad - 1)) for c in spec.columns)
    return 2 * spec.pad + spec.leading * n


def total_height(spec: GridSpec) -> float:
    return 2 * spec.pad + spec.leading


def cell_key(kind: str, texts: Iterable[str]) -> str:
    """The canonical value of a printed cell, from its drawn lines (writer) or the extracted ones (verify)."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if kind in ("int", "amount"):
        v = parse_amount("".join(texts))
        return "" if v is None else str(v)
    if kind == "mark":
        joined = "".join(texts)
        if joined == "0":
            return "0"
        v = parse_amount(joined)
        return "t" if v is None else f"c{v}"
    joined = "|".join(texts)
    return joined if joined.isascii() else "*"


@dataclass
class Cell:
    lines: list[str]          # display lines (already shaped/reordered if Persian)
    font: str = FA
    mark: str | None = None   # for kind 'mark': tick | circle | zero


def _prepare(spec: GridSpec, row: dict) -> tuple[dict[str, Cell], float]:
    cells: dict[str, Cell] = {}
    inner = {c.key: c.width - 2 * spec.pad - 1 for c in spec.columns}
    n = 1
    for col in spec.columns:
        v = row.get(col.key)
        if col.kind == "amount":
            cell = Cell([fa.amount(v)] if v is not None else [])
        elif col.kind == "int":
            cell = Cell([str(int(v))] if v is not None else [])
        elif col.kind == "latin":
            items = v if isinstance(v, (list, tuple)) else ([v] if v else [])
            cell = Cell([str(i) for i in items], font=LATIN)
        elif col.kind == "code":
            text = "" if v is None else str(v)
            if text.isascii():
                cell = Cell([text] if text else [])
            else:
                cell = Cell(fa.wrap(text, FA, spec.size, inner[col.key], max_lines=3))
        elif col.kind == "mark":
            mark, amt = (v or ("tick", None))
            if mark == "zero":
                cell = Cell(["0"], font=LATIN_BOLD, mark="zero")
            elif mark == "circle":
                cell = Cell([fa.amount(amt)], mark="circle")
            else:
                cell = Cell([], mark="tick")
        else:   # text
            cell = Cell(fa.wrap(str(v), FA, spec.size, inner[col.key], max_lines=8) if v else [])
        cells[col.key] = cell
        n = max(n, len(cell.lines))
    return cells, 2 * spec.pad + n * spec.leading


def row_digest_key(spec: GridSpec, cells: dict[str, Cell]) -> str:
    return "\t".join(cell_key(c.kind, cells[c.key].lines) for c in spec.columns if c.signed)


class Document:
    """Pages of drawing operations; laid out first, drawn by `save`."""

    def __init__(self, *, header_height: float, draw_header: Callable[[Canvas, int, int], None],
                 draw_footer: Callable[[Canvas, int, int], None], footer_height: float = FOOTER_HEIGHT,
                 later_header_height: float | None = None):
        self.width, self.height = PAGE
        self.left, self.right = MARGIN, self.width - MARGIN
        self.first_top = self.height - MARGIN - header_height
        self.later_top = self.height - MARGIN - (header_height if later_header_height is None
                                                  else later_header_height)
        self.top = self.first_top
        self.bottom = MARGIN + footer_height
        self.draw_header, self.draw_footer = draw_header, draw_footer
        self.pages: list[list[Callable[[Canvas], None]]] = []
        self.y = 0.0
        self.new_page()

    # --- flow ---

    def new_page(self) -> None:
        self.top = self.first_top if not self.pages else self.later_top
        self.pages.append([])
        self.y = self.top

    @property
    def room(self) -> float:
        return self.y - self.bottom

    def add(self, height: float, draw: Callable[[Canvas, float], None], *, gap: float = 6) -> None:
        """A block of fixed height, drawn with its top at the current y (a new page if it does not fit)."""
        if height > self.room and self.y < self.top:
            self.new_page()
        top = self.y
        self.pages[-1].append(lambda c, top=top: draw(c, top))
        self.y -= height + gap

    def space(self, h: float) -> None:
        self.y -= h

    # --- grids ---

    def add_grid(self, spec: GridSpec, rows: list[dict], *, right: float | None = None,
                 empty_text: str = "موردی نیست", title: str | None = None) -> tuple[list[str], dict[str, int]]:
        """Lay out a grid (with an optional section title above it, kept with its first rows); returns the
        digest keys of its rows, in order, and the grand sums."""
        right = self.right if right is None else right
        head_h = head_height(spec)
        title_h = 18 if title else 0
        total_h = 2 * spec.pad + spec.leading
        prepared = [_prepare(spec, r) for r in rows]
        keys = [row_digest_key(spec, cells) for cells, _ in prepared]
        grand = {k: 0 for k in spec.sums}
        page_sum = {k: 0 for k in spec.sums}
        broke = False
        reserve = total_h if spec.page_label else 0

        seg = {"top": 0.0, "rules": []}

        def header():
            top = self.y
            seg["top"] = top
            seg["rules"] = []
            self.pages[-1].append(lambda c, top=top: _draw_head(c, spec, right, top, head_h))
            self.y -= head_h

        def close_segment():
            """The column rules of this page's part of the grid, drawn once (not per row)."""
            top, bottom, rules = seg["top"], self.y, list(seg["rules"])
            if bottom < top:
                self.pages[-1].append(lambda c, top=top, bottom=bottom, rules=rules:
                                      _draw_rules(c, spec, right, top, bottom, rules))

        def total_row(label: str, sums: dict[str, int], strong: bool):
            top = self.y
            values = dict(sums)
            self.pages[-1].append(lambda c, top=top: _draw_total(c, spec, right, top, total_h, label, values, strong))
            self.y -= total_h

        whole = title_h + head_h + sum(h for _, h in prepared) + 2 * total_h
        first = title_h + head_h + sum(h for _, h in prepared[:3]) + 2 * total_h   # no fewer than 3 rows on a page
        if self.y < self.top and (first > self.room or
                                  (whole > self.room and whole <= (self.later_top - self.bottom) * 0.6)):
            self.new_page()      # a short grid is not split, a long one leaves no orphans
        if title:
            top = self.y
            self.pages[-1].append(lambda c, top=top: draw_text(c, right, top - 12, title, font=FA_BOLD, size=10))
            self.y -= title_h
        header()
        if not prepared:
            top = self.y
            self.pages[-1].append(lambda c, top=top: _draw_note_row(c, spec, right, top, total_h, empty_text))
            self.y -= total_h
            seg["top"] = self.y
        for (cells, h), row in zip(prepared, rows):
            if h + reserve + total_h > self.room:
                close_segment()
                if spec.page_label:
                    total_row(spec.page_label, page_sum, False)
                self.new_page()
                broke = True
                page_sum = {k: 0 for k in spec.sums}
                header()
            top = self.y
            self.pages[-1].append(lambda c, top=top, cells=cells, h=h: _draw_row(c, spec, right, top, h, cells))
            self.y -= h
            seg["rules"].append(self.y)
            for k in spec.sums:
                v = row.get(k)
                if isinstance(v, int):
                    page_sum[k] += v
                    grand[k] += v
        close_segment()
        if spec.page_label and broke:
            total_row(spec.page_label, page_sum, False)
        if spec.grand_label:
            total_row(spec.grand_label, grand, True)
        self.y -= 8
        return keys, grand

    # --- output ---

    def save(self, c: Canvas) -> int:
        n = len(self.pages)
        for i, ops in enumerate(self.pages, start=1):
            self.draw_header(c, i, n)
            for op in ops:
                op(c)
            self.draw_footer(c, i, n)
            c.showPage()
        c.save()
        return n


class _Text:
    """One text object (BT … ET) for a whole grid row.  Each cell starts with a font operator (even an
    unchanged one: text extractors — pypdf, hence `verify` — end a text run at Tf, so every cell reads back as
    its own run at its own place) and a relative move (Td: two numbers where Tm takes six; half the parsing
    when `verify` reads a 40-page sheet back)."""

    def __init__(self, c: Canvas):
        self.c = c
        self.t = c.beginText()
        self.color = None
        self.at: tuple[float, float] | None = None

    def put(self, x: float, y: float, s: str, font: str, size: float, align: str = "right", color=colors.black):
        if not s:
            return
        w = _width(s, font, size)
        x0 = round(x - w if align == "right" else (x - w / 2 if align == "center" else x), 2)
        y = round(y, 2)
        self.t.setFont(font, size)
        if self.color is not color:
            self.t.setFillColor(color)
            self.color = color
        if self.at is None:
            self.t.setTextOrigin(x0, y)
        else:
            self.t.moveCursor(round(x0 - self.at[0], 2), round(self.at[1] - y, 2))
        self.at = (x0, y)
        self.t.textOut(s)

    def flush(self):
        if self.at is not None:
            self.c.drawText(self.t)


@lru_cache(maxsize=65536)
def _width(s: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(s, font, size)


def _draw_rules(c: Canvas, spec: GridSpec, right: float, top: float, bottom: float, rows: list[float]) -> None:
    """The column rules from `top` to `bottom` and a rule under every row, as one path."""
    c.setStrokeColor(GRID_LINE)
    c.setLineWidth(0.4)
    p = c.beginPath()
    x = right
    p.moveTo(x, top)
    p.lineTo(x, bottom)
    for col in spec.columns:
        x -= col.width
        p.moveTo(x, top)
        p.lineTo(x, bottom)
    for y in rows:
        p.moveTo(right - spec.width, y)
        p.lineTo(right, y)
    c.drawPath(p, stroke=1, fill=0)


def _grid_lines(c: Canvas, spec: GridSpec, right: float, top: float, h: float, *, verticals: bool = True) -> None:
    left = right - spec.width
    c.setStrokeColor(GRID_LINE)
    c.setLineWidth(0.4)
    c.rect(left, top - h, spec.width, h, stroke=1, fill=0)
    if verticals:
        x = right
        for col in spec.columns[:-1]:
            x -= col.width
            c.line(x, top, x, top - h)


def _text_x(align: str, x0: float, x1: float, pad: float) -> float:
    return {"right": x1 - pad, "center": (x0 + x1) / 2, "left": x0 + pad}[align]


def baseline_offset(spec: GridSpec) -> float:
    """Distance from a row's top to its first baseline."""
    return spec.pad + spec.size * 0.95


def _baseline(spec: GridSpec, top: float, i: int = 0) -> float:
    return top - baseline_offset(spec) - i * spec.leading


def _draw_head(c: Canvas, spec: GridSpec, right: float, top: float, h: float) -> None:
    c.setFillColor(HEAD_FILL)
    c.rect(right - spec.width, top - h, spec.width, h, stroke=0, fill=1)
    _grid_lines(c, spec, right, top, h)
    for col, (x0, x1) in zip(spec.columns, spec.spans(right).values()):
        lines = fa.wrap(col.title, FA_BOLD, spec.size - 0.5, col.width - 2 * spec.pad - 1)
        for i, line in enumerate(lines):
            draw_text(c, (x0 + x1) / 2, _baseline(spec, top, i), line, font=FA_BOLD, size=spec.size - 0.5,
                      align="center", logical=False)


def _draw_row(c: Canvas, spec: GridSpec, right: float, top: float, h: float, cells: dict[str, Cell]) -> None:
    text = _Text(c)
    y = _baseline(spec, top)
    for col, (x0, x1) in zip(spec.columns, spec.spans(right).values()):
        cell = cells[col.key]
        if col.kind == "mark":
            cy = y + spec.size * 0.3
            if cell.mark == "circle":
                draw_circle_mark(c, x1 - spec.pad - 4, cy)
                text.put(x1 - spec.pad - 10, y, cell.lines[0], FA, spec.size, "right", MARK_COLOR)
            elif cell.mark == "zero":
                text.put((x0 + x1) / 2, y, "0", LATIN_BOLD, spec.size + 1, "center", MARK_COLOR)
            else:
                draw_tick_mark(c, (x0 + x1) / 2, cy)
            continue
        x = _text_x(col.align, x0, x1, spec.pad)
        for i, line in enumerate(cell.lines):
            text.put(x, y - i * spec.leading, line, cell.font, spec.size, col.align)
    text.flush()


def _draw_total(c: Canvas, spec: GridSpec, right: float, top: float, h: float, label: str, sums: dict[str, int],
                strong: bool) -> None:
    c.setFillColor(TOTAL_FILL if not strong else HEAD_FILL)
    c.rect(right - spec.width, top - h, spec.width, h, stroke=0, fill=1)
    c.setFillColor(colors.black)
    spans = spec.spans(right)
    lx0, lx1 = spec.label_span(right)
    c.setStrokeColor(GRID_LINE)
    c.setLineWidth(0.4)
    c.rect(right - spec.width, top - h, spec.width, h, stroke=1, fill=0)
    x = lx0
    c.line(x, top, x, top - h)
    for col in spec.columns:
        x0, x1 = spans[col.key]
        if x1 <= lx0 + 0.01:
            c.line(x0, top, x0, top - h)
    font = FA_BOLD if strong else FA
    draw_text(c, lx1 - spec.pad, _baseline(spec, top), label, font=font, size=spec.size)
    for k, v in sums.items():
        col = spec.col(k)
        x0, x1 = spans[k]
        text = fa.amount(v) if col.kind == "amount" else str(v)
        draw_text(c, _text_x(col.align, x0, x1, spec.pad), _baseline(spec, top), text, font=font, size=spec.size,
                  align=col.align, logical=False)


def _draw_note_row(c: Canvas, spec: GridSpec, right: float, top: float, h: float, text: str) -> None:
    _grid_lines(c, spec, right, top, h, verticals=False)
    draw_text(c, right - spec.width / 2, _baseline(spec, top), text, size=spec.size, align="center")
