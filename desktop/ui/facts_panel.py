"""The facts panel: every fact of claim-batch/1 the rules read (rule-inputs.md §1.4–1.13), where a reviewer looks
for it, beside the document's lines.

A prescription has four tabs — the paper and its documents, referral and approval, the prescription and its
patient, the current line's details (following the row selected in the lines table); a bill has eight — the file
and its documents, stays, operations, anaesthesia, visits and consultations, the headings (requested, computed,
approved), the current heading's items, and the engine's `computed` block.

The spec's absent/null rule (§0) is drawn as the reviewer reads it: a fact that is absent is «طبق ضابطه» (as it
should be), muted; a document, stamp or signature written as null / false / [] is missing, in red ink, and the tab
holding it is marked.  A fact the reviewer recorded (DocView.recorded, dotted paths such as `paper.council_stamp`
or `items[0].attachments`) carries «ثبت کارشناس», with who and when in its tooltip.

Speed: the widgets and models are made once; showing a document computes the facts (plain Python) and fills only
the visible tab's model — the other tabs are filled when they are shown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableView, QTabWidget, QVBoxLayout,
                               QWidget)

from desktop.domain.absent import ABSENT as _ABSENT_VALUE
from desktop.review import labels
from desktop.review.session import HEADING_FA as _SESSION_HEADING_FA
from desktop.review.session import MARK_FA

from . import fmt
from .theme import INK, MUTED

__all__ = ["HEADING_FA", "Fact", "FactsPanel", "FactGridModel", "RecordModel", "value_text", "FACT_ROLE",
           "ABSENT", "MISSING_INK", "RECORDED"]

#: the bill headings in Persian (the session's list, and the global package's own amount)
HEADING_FA = {**_SESSION_HEADING_FA, "global_package": "بستهٔ گلوبال"}
ABSENT = "طبق ضابطه"
RECORDED = "ثبت کارشناس"
MISSING_INK = QColor("#b91c1c")
ABSENT_INK = QColor("#9ca3af")
COMPUTED_INK = QColor("#1d4ed8")
RECORDED_BG = QColor("#e0f2fe")
MISSING_BG = QColor("#fef2f2")
FACT_ROLE = Qt.ItemDataRole.UserRole + 11

#: facts whose false / null / [] means a document, stamp, signature or order is missing (spec §0)
EVIDENCE = {
    "paper.signature", "paper.council_stamp", "paper.provider_stamp", "paper.director_signed", "paper.center_stamp",
    "paper.emergency_stamp", "paper.admission_stamp", "paper.physio_diagnosis", "paper.card_copy_photo",
    "paper.assistant_signed_operation_note", "paper.assistant_signed_or_sheet", "paper.provider_stamp_code",
    "prescription.attachments", "prescription.referral", "prescription.approval", "prescription.tracking_code",
    "prescription.diagnosis", "prescription.prescribed_on", "item.attachments", "item.requested",
    "bill.attachments", "bill.approval", "procedure.approval", "procedure.attachments", "admission_order.diagnosis",
    "prescriber.council_no", "consultation.requested_by_specialist", "consultation.answered",
    "consultation.request_in_file", "visit.documented", "line.ordered", "line.report", "line.report_signed",
    "line.results", "line.sticker", "line.invoice", "line.in_operation_note", "line.physician_present",
    "line.physician_assessment", "details.code_on_paper", "details.supervisor_confirmed", "details.spect_in_report",
    "details.in_report", "details.specimen_to_pathology", "prescriber.present", "injury.judicial_confirmation",
    "procedure.surgery_start", "procedure.surgery_end", "anesthesia.recovery_in", "anesthesia.recovery_out",
    "anesthesia.recovery_minutes", "declared.total", "declared.insured_share", "declared.org_share",
}
#: values that are themselves a defect on the paper
BAD_VALUES = {("paper.signature", "missing"), ("paper.erasure", "uncertified")}
RIALS = {"declared.total", "declared.insured_share", "declared.org_share", "global_package.requested",
         "global_package.modifier_requested", "global_package.full_time_addition_requested", "requested.total",
         "requested.insured", "requested.org", "line.requested", "line.unit_price", "procedure.requested",
         "heading.requested"}
#: the paper facts a prescription shows always (absent → «طبق ضابطه»); a bill shows its own three
PAPER_PRESCRIPTION = ("signature", "council_stamp", "erasure", "handwritings", "provider_stamp", "provider_stamp_code",
                      "director_signed", "center_stamp", "emergency_stamp", "admission_stamp", "physio_diagnosis")
PAPER_BILL = ("card_copy_photo", "assistant_signed_operation_note", "assistant_signed_or_sheet")
PERSON_KEYS = ("name", "council_no", "specialty")
_DATETIME = re.compile(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}")


@dataclass(slots=True)
class Fact:
    """One fact as shown: its Persian name and value, and how to draw it."""
    name: str
    text: str
    tone: str = "value"            # value | absent | missing | computed | head
    path: str = ""                 # the data path (for a recorded fact)
    tip: str = ""
    recorded: bool = False

    @property
    def missing(self) -> bool:
        return self.tone == "missing"


# --- values in Persian ---------------------------------------------------------------------------------------------

def _enum(path: str, value) -> str:
    table = labels.FIELD_VALUES.get(path)
    if table is not None and isinstance(value, str):
        return table.get(value, fmt.digits(value))
    return fmt.digits(value)


def person_text(p) -> str:
    """A person (prescriber, surgeon, …): name, council number, specialty, role."""
    if not isinstance(p, dict):
        return value_text("", p)
    bits = []
    if p.get("council_no"):
        bits.append(f"نظام پزشکی {fmt.digits(p['council_no'])}")
    elif "council_no" in p:
        bits.append("بدون شمارهٔ نظام")
    if p.get("specialty"):
        bits.append(labels.label(labels.SPECIALTY, p["specialty"]))
    if p.get("role") and p.get("role") != "physician":
        role = labels.label(labels.ROLE, p["role"])
        if p.get("resident_year"):
            role += f" سال {fmt.number(p['resident_year'])}"
        bits.append(role)
    if p.get("present") is False:
        bits.append("حاضر نبود")
    name = p.get("name") or "—"
    return f"{name} ({'، '.join(bits)})" if bits else name


def value_text(path: str, value) -> str:
    """A value of the field at `path` (`object.field`) in Persian: enums by their labels, Rials with separators,
    dates and codes with Persian digits, booleans «دارد/ندارد» for documents and «بله/خیر» otherwise."""
    if value is None:
        return "ندارد" if path in EVIDENCE else "نوشته نشده"
    if isinstance(value, bool):
        if path in EVIDENCE:
            return "دارد" if value else "ندارد"
        return "بله" if value else "خیر"
    if isinstance(value, (int, float)):
        if path in RIALS or path.endswith(".requested"):
            return f"{fmt.amount(value)} ریال"
        return fmt.number(value)
    if isinstance(value, list):
        if not value:
            return "هیچ" if path.endswith("attachments") else "ندارد"
        return "، ".join(value_text(path, v) if not isinstance(v, str) else _enum(path, v) for v in value)
    if isinstance(value, dict):
        if any(k in value for k in PERSON_KEYS):
            return person_text(value)
        obj = path.rsplit(".", 1)[-1] if path else ""
        return "، ".join(f"{labels.field_name(f'{obj}.{k}')}: {value_text(f'{obj}.{k}', v)}" for k, v in value.items())
    return _enum(path, value)


def _tone(path: str, value) -> str:
    if value is None or value is False or (isinstance(value, list) and not value and path in EVIDENCE):
        return "missing" if (path in EVIDENCE or value is None) else "value"
    if isinstance(value, str) and (path, value) in BAD_VALUES:
        return "missing"
    if value == "" and path in EVIDENCE:
        return "missing"
    return "value"


# --- the models ----------------------------------------------------------------------------------------------------

def _fact_data(f: Fact | None, role):
    if f is None:
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        # a right-to-left mark first: a value of digits and signs alone (`۶٪ × ۴۲٬۰۰۰٬۰۰۰ = …`, a date and a
        # time) then reads right to left like the Persian around it
        return fmt.RLM + f.text + (f" ● {RECORDED}" if f.recorded else "")
    if role == FACT_ROLE:
        return f
    if role == Qt.ItemDataRole.ToolTipRole:
        return "\n".join(t for t in (f.text if len(f.text) > 25 else "", f.tip) if t) or None
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush({"absent": ABSENT_INK, "missing": MISSING_INK, "computed": COMPUTED_INK}.get(f.tone, INK))
    if role == Qt.ItemDataRole.BackgroundRole:
        if f.recorded:
            return QBrush(RECORDED_BG)
        if f.tone == "missing":
            return QBrush(MISSING_BG)
        return None
    if role == Qt.ItemDataRole.FontRole and f.tone in ("missing", "head"):
        font = QFont()
        font.setBold(True)
        return font
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
    return None


class FactGridModel(QAbstractTableModel):
    """Name–value facts laid out `pairs` to a row (columns: name, value, name, value, …)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.facts: list[Fact] = []
        self.pairs = 2

    def set_facts(self, facts: list[Fact], pairs: int | None = None) -> None:
        self.beginResetModel()
        self.facts = list(facts)
        if pairs:
            self.pairs = max(1, pairs)
        self.endResetModel()

    def set_pairs(self, pairs: int) -> None:
        if max(1, pairs) != self.pairs:
            self.set_facts(self.facts, pairs)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else -(-len(self.facts) // self.pairs)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 2 * self.pairs

    def fact(self, row: int, col: int) -> Fact | None:
        i = row * self.pairs + col // 2
        return self.facts[i] if 0 <= i < len(self.facts) else None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        f = self.fact(index.row(), index.column())
        if f is None:
            return None
        if index.column() % 2 == 0:          # the name
            if role == Qt.ItemDataRole.DisplayRole:
                return f.name
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(MUTED if f.tone != "missing" else MISSING_INK)
            if role == FACT_ROLE:
                return f
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _fact_data(f, role)
            return None
        return _fact_data(f, role)


class RecordModel(QAbstractTableModel):
    """Records (stays, operations, …) one to a row, under Persian column heads."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[list[Fact]] = []

    def set_rows(self, headers: list[str], rows: list[list[Fact]]) -> None:
        self.beginResetModel()
        self.headers, self.rows = list(headers), [list(r) for r in rows]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()] if 0 <= index.row() < len(self.rows) else []
        f = row[index.column()] if index.column() < len(row) else None
        return _fact_data(f, role)


# --- a page of the panel -------------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Content:
    """What a tab shows for the current document (computed at once, pushed to the models when the tab shows)."""
    caption: str = ""
    facts: list[Fact] | None = None                       # a name–value grid …
    headers: list[str] | None = None                      # … or a table of records
    rows: list[list[Fact]] | None = None
    missing: int = 0
    count: int | None = None                              # records, for the tab's title


class _Page(QWidget):
    def __init__(self, key: str, title: str, grid: bool):
        super().__init__()
        self.key, self.title, self.grid = key, title, grid
        self.setObjectName(f"facts_{key}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(2)
        self.caption = QLabel()
        self.caption.setObjectName("factsCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.caption)
        self.model = FactGridModel(self) if grid else RecordModel(self)
        self.table = QTableView()
        self.table.setObjectName(f"factsTable_{key}")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)       # the keyboard stays on the lines
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.table.setStyleSheet("QTableView { background: #ffffff; }")
        hh = self.table.horizontalHeader()
        hh.setVisible(not grid)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setStretchLastSection(True)
        hh.setMinimumSectionSize(40)
        lay.addWidget(self.table, 1)
        self.content = _Content()
        self.dirty = False

    def set_content(self, content: _Content) -> None:
        self.content = content
        self.dirty = True

    def flush(self) -> None:
        if not self.dirty:
            return
        self.dirty = False
        c = self.content
        self.caption.setText(c.caption)
        self.caption.setVisible(bool(c.caption))
        if self.grid:
            self.model.set_facts(c.facts or [], self._pairs())
            hh = self.table.horizontalHeader()
            for col in range(self.model.columnCount()):
                hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents if col % 2 == 0
                                        else QHeaderView.ResizeMode.Stretch)
        else:
            self.model.set_rows(c.headers or [], c.rows or [])

    def _pairs(self) -> int:
        w = self.table.viewport().width() or self.width()
        return max(1, min(3, w // 320))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.grid and not self.dirty:
            pairs = self._pairs()
            if pairs != self.model.pairs:
                self.model.set_pairs(pairs)
                hh = self.table.horizontalHeader()
                for col in range(self.model.columnCount()):
                    hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents if col % 2 == 0
                                            else QHeaderView.ResizeMode.Stretch)

    def text(self) -> str:
        """Everything the page shows, as plain text (caption, heads, cells row by row)."""
        self.flush()
        out = [self.caption.text()] if self.content.caption else []
        if not self.grid:
            out.append(" | ".join(self.model.headers))
        m = self.model
        for r in range(m.rowCount()):
            cells = [m.index(r, c).data() for c in range(m.columnCount())]
            out.append(" | ".join(str(c) for c in cells if c is not None))
        return "\n".join(out).replace(fmt.RLM, "")


PRESCRIPTION_TABS = (("paper", "برگه و مدارک", True), ("referral", "ارجاع و مجوز", True),
                     ("prescription", "نسخه و بیمار", True), ("line", "جزئیات ردیف", True))
BILL_TABS = (("file", "پرونده و مدارک", True), ("stays", "اقامت", False), ("procedures", "جراحی", False),
             ("anesthesia", "بیهوشی", False), ("visits", "ویزیت و مشاوره", False), ("headings", "سرفصل‌ها", False),
             ("heading", "اقلام", False), ("computed", "محاسبه", True))


class FactsPanel(QTabWidget):
    """The tabs of facts under the document's header.  `show_view(view)` on each document, `show_place(place)`
    when the selected line changes; clicking the open tab folds the panel to its tab bar (and back)."""

    collapsedChanged = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("factsPanel")
        self.setDocumentMode(True)
        self.setUsesScrollButtons(True)
        self.tabBar().setExpanding(False)
        self.setStyleSheet("QTabBar::tab { padding: 3px 7px; }")
        self.name_of: Callable[[str], str] = lambda username: username
        self.view = None
        self.place = None
        self.kind: str | None = None
        self.collapsed = False
        self.pages: dict[str, _Page] = {}
        for key, title, grid in PRESCRIPTION_TABS + BILL_TABS:
            page = _Page(key, title, grid)
            self.pages[key] = page
            self.addTab(page, title)
        self._recorded: dict = {}
        self._used: set[str] = set()
        self.currentChanged.connect(self._tab_changed)
        self.tabBar().tabBarClicked.connect(self._tab_clicked)
        self._set_kind("prescription")
        self.show_view(None)

    # --- showing -----------------------------------------------------------------------------------------------

    def _set_kind(self, kind: str) -> None:
        if kind == self.kind:
            return
        self.kind = kind
        keys = {k for k, _t, _g in (PRESCRIPTION_TABS if kind == "prescription" else BILL_TABS)}
        for i in range(self.count()):
            self.setTabVisible(i, self.widget(i).key in keys)
        if self.currentWidget() is None or self.currentWidget().key not in keys:
            self.setCurrentWidget(self.pages[PRESCRIPTION_TABS[0][0] if kind == "prescription" else BILL_TABS[0][0]])

    def show_view(self, view, place=None) -> None:
        self.view, self.place = view, place
        if view is None:
            for page in self.pages.values():
                page.set_content(_Content(caption="سندی انتخاب نشده است"))
            self._refresh_titles()
            self._flush_current()
            return
        self._set_kind(view.entry.kind)
        self._recorded = dict(getattr(view, "recorded", {}) or {})
        self._used = set()
        doc = view.doc or {}
        if view.entry.kind == "prescription":
            self.pages["paper"].set_content(self._paper_page(doc))
            self.pages["referral"].set_content(self._referral_page(doc))
            self.pages["prescription"].set_content(self._prescription_page(doc))
            self.pages["line"].set_content(self._line_page(doc, place))
        else:
            computed = (view.result or {}).get("computed") or {}
            self.pages["file"].set_content(self._file_page(doc))
            self.pages["stays"].set_content(self._stays_page(doc, computed))
            self.pages["procedures"].set_content(self._procedures_page(doc, computed))
            self.pages["anesthesia"].set_content(self._anesthesia_page(doc, computed))
            self.pages["visits"].set_content(self._visits_page(doc, computed))
            self.pages["headings"].set_content(self._headings_page(view, computed))
            self.pages["heading"].set_content(self._heading_page(view, place))
            self.pages["computed"].set_content(self._computed_page(computed))
        self._add_unshown_recorded()
        self._refresh_titles()
        self._flush_current()

    def show_place(self, place) -> None:
        """The selected line (prescription) or heading (bill) changed: its details follow."""
        self.place = place
        if self.view is None:
            return
        if self.view.entry.kind == "prescription":
            self.pages["line"].set_content(self._line_page(self.view.doc or {}, place))
        else:
            self.pages["heading"].set_content(self._heading_page(self.view, place))
        self._refresh_titles()
        self._flush_current()

    def _flush_current(self) -> None:
        page = self.currentWidget()
        if isinstance(page, _Page):
            page.flush()

    def _tab_changed(self, _index: int) -> None:
        self._flush_current()

    def _tab_clicked(self, index: int) -> None:
        if index == self.currentIndex():
            self.set_collapsed(not self.collapsed)
        elif self.collapsed:
            self.set_collapsed(False)

    def set_collapsed(self, collapsed: bool) -> None:
        if collapsed == self.collapsed:
            return
        self.collapsed = collapsed
        self.setMaximumHeight(self.tabBar().sizeHint().height() + 2 if collapsed else 16777215)
        self.collapsedChanged.emit(collapsed)

    def next_tab(self, step: int = 1) -> None:
        """The next (or previous) visible tab; a folded panel opens."""
        visible = [i for i in range(self.count()) if self.isTabVisible(i)]
        if not visible:
            return
        pos = visible.index(self.currentIndex()) if self.currentIndex() in visible else 0
        self.setCurrentIndex(visible[(pos + step) % len(visible)])
        self.set_collapsed(False)

    def _refresh_titles(self) -> None:
        for i in range(self.count()):
            page = self.widget(i)
            c = page.content
            title = page.title + (f" ({fmt.number(c.count)})" if c.count is not None else "")
            if c.missing:
                title = "● " + title
            self.setTabText(i, title)
            self.tabBar().setTabTextColor(i, MISSING_INK if c.missing else (
                ABSENT_INK if c.count == 0 else INK))
            self.setTabToolTip(i, f"{fmt.number(c.missing)} مورد نبودِ مدرک یا مهر" if c.missing else "")

    def page(self, key: str) -> _Page:
        return self.pages[key]

    def text(self, key: str) -> str:
        """The plain text a tab shows (filled if it was waiting)."""
        return self.pages[key].text()

    def facts(self, key: str) -> list[Fact]:
        c = self.pages[key].content
        if c.facts is not None:
            return list(c.facts)
        return [f for row in (c.rows or []) for f in row]

    # --- recorded facts ------------------------------------------------------------------------------------------

    def _recorded_at(self, path: str):
        if not path or not self._recorded:
            return None
        if path in self._recorded:
            self._used.add(path)
            return self._recorded[path]
        for key, entry in self._recorded.items():
            if key.startswith(path + ".") or key.startswith(path + "["):
                self._used.add(key)
                return entry
        return None

    def _recorded_tip(self, entry) -> str:
        def get(name):
            return entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)
        who = get("who")
        return f"{RECORDED}: {self.name_of(who) if who else '—'}، {fmt.jalali_stamp(get('at'))}"

    def _mark_recorded(self, fact: Fact) -> Fact:
        entry = self._recorded_at(fact.path)
        if entry is not None:
            fact.recorded = True
            fact.tip = (fact.tip + "\n" if fact.tip else "") + self._recorded_tip(entry)
        return fact

    def _add_unshown_recorded(self) -> None:
        """A recorded fact no tab shows (a path the panel does not draw) is listed on the first tab."""
        rest = [k for k in self._recorded if k not in self._used]
        if not rest:
            return
        first = self.pages["paper" if self.kind == "prescription" else "file"]
        facts = list(first.content.facts or [])
        for key in rest:
            entry = self._recorded[key]
            value = entry.get("value") if isinstance(entry, dict) else getattr(entry, "value", None)
            if value is _ABSENT_VALUE:            # recorded as "the key absent": as it should be
                f = Fact(labels.FIELD.get(key) or fmt.ltr(key), ABSENT, "absent", key, self._recorded_tip(entry), True)
                facts.append(f)
                continue
            m = re.fullmatch(r"items\[(\d+)\]\.(\w+)", key)
            if m:                                  # a fact of another line than the current one
                fpath = f"item.{m.group(2)}"
                name = f"ردیف {fmt.number(int(m.group(1)) + 1)}: {labels.field_name(fpath)}"
            else:
                fpath = key if key.count(".") == 1 else key.rsplit(".", 1)[-1]
                name = labels.FIELD.get(fpath) or fmt.ltr(key)
            f = Fact(name, value_text(fpath, value), _tone(fpath, value), key, self._recorded_tip(entry), True)
            facts.append(f)
        first.content.facts = facts
        first.content.missing = sum(f.missing for f in facts)

    # --- facts of an object --------------------------------------------------------------------------------------

    def _fact(self, obj: dict, table: str, key: str, path: str, always: bool = False,
              name: str | None = None) -> Fact | None:
        """The fact `table.key` of `obj` (data path `path`): None when absent and not `always` shown."""
        fpath = f"{table}.{key}"
        name = name or labels.field_name(fpath)
        if key not in obj:
            if not always:
                return None
            return self._mark_recorded(Fact(name, ABSENT, "absent", path))
        v = obj[key]
        text = value_text(fpath, v)
        return self._mark_recorded(Fact(name, text, _tone(fpath, v), path))

    def _object_facts(self, obj, table: str, base: str, always=(), skip=(), prefix: str = "") -> list[Fact]:
        """Every fact of an object: the `always` fields (absent → «طبق ضابطه»), then every other key present
        (an unknown key is shown under its own name, never dropped)."""
        if not isinstance(obj, dict):
            return []
        out = []
        for key in list(always) + [k for k in obj if k not in always and k not in skip]:
            f = self._fact(obj, table, key, f"{base}{key}", always=key in always)
            if f is not None:
                if prefix:
                    f.name = f"{prefix} {f.name}"
                out.append(f)
        return out

    def _sub_object(self, doc: dict, key: str, table: str, title: str, base: str = "") -> list[Fact]:
        """An optional sub-object (referral, approval, pregnancy …): absent → «طبق ضابطه», null → missing,
        present → one fact per field."""
        path = f"{base}{key}"
        fpath = f"{table}.{key}" if table != key else key
        if key not in doc:
            return [self._mark_recorded(Fact(title, ABSENT, "absent", path))]
        obj = doc[key]
        if not isinstance(obj, dict):
            return [self._mark_recorded(Fact(title, value_text(fpath, obj), _tone(fpath, obj), path))]
        sub = {"referral": "referral", "approval": "approval", "pregnancy": "pregnancy", "course": "course",
               "declared": "declared", "global_package": "global_package", "accident": "accident",
               "injury": "injury", "burn": "burn", "admission_order": "admission_order"}.get(key, key)
        out = []
        for k, v in obj.items():
            if isinstance(v, dict) and not any(p in v for p in PERSON_KEYS):
                nested = k if k != "standby" else "procedure"
                for k2, v2 in v.items():
                    out.append(self._mark_recorded(Fact(f"{title}: {labels.field_name(f'{nested}.{k2}')}",
                                                        value_text(f"{nested}.{k2}", v2),
                                                        _tone(f"{nested}.{k2}", v2), f"{path}.{k}.{k2}")))
                continue
            if k == "fields" and isinstance(v, list):      # a radiotherapy course's fields
                text = "؛ ".join(value_text("course", x) for x in v) or "ندارد"
                out.append(self._mark_recorded(Fact(f"{title}: {labels.field_name('course.fields')}", text,
                                                    "value", f"{path}.{k}")))
                continue
            if k == "regions" and key == "burn" and isinstance(v, list):
                text = "، ".join(" ".join(x for x in (labels.label(labels.BURN_REGION, r.get("region")),
                                                      labels.label(labels.SIDE, r.get("side")) if r.get("side")
                                                      else "") if x) for r in v if isinstance(r, dict)) or "ندارد"
                out.append(self._mark_recorded(Fact(f"{title}: {labels.field_name('burn.regions')}", text,
                                                    "value", f"{path}.{k}")))
                continue
            f = f"{sub}.{k}"
            out.append(self._mark_recorded(Fact(f"{title}: {labels.field_name(f)}", value_text(f, v),
                                                _tone(f, v), f"{path}.{k}")))
        if not obj:
            out.append(self._mark_recorded(Fact(title, "ثبت شده (بی‌جزئیات)", "value", path)))
        return out

    @staticmethod
    def _grid(facts: list[Fact], caption: str = "") -> _Content:
        return _Content(caption=caption, facts=facts, missing=sum(f.missing for f in facts))

    # --- prescription tabs ---------------------------------------------------------------------------------------

    def _paper_page(self, doc: dict) -> _Content:
        facts = [self._fact(doc, "prescription", "sheet", "sheet", always=True)]
        paper = doc.get("paper")
        if "paper" in doc and not isinstance(paper, dict):
            facts.append(self._mark_recorded(Fact(labels.field_name("bill.paper"), "ثبت نشده", "missing", "paper")))
            paper = {}
        facts += self._object_facts(paper or {}, "paper", "paper.", always=PAPER_PRESCRIPTION)
        facts.append(self._fact(doc, "prescription", "attachments", "attachments", always=True))
        facts.append(self._fact(doc, "prescription", "diagnosis", "diagnosis", always=True))
        facts.append(self._fact(doc, "prescription", "prescribed_on", "prescribed_on", always=True))
        return self._grid([f for f in facts if f is not None])

    def _referral_page(self, doc: dict) -> _Content:
        facts = self._sub_object(doc, "referral", "prescription", labels.field_name("prescription.referral"))
        facts += self._sub_object(doc, "approval", "prescription", labels.field_name("prescription.approval"))
        facts.append(self._fact(doc, "prescription", "tracking_code", "tracking_code", always=True))
        ins = doc.get("insured") or {}
        for key in ("referral_required", "fund", "insurer"):
            f = self._fact(ins, "insured", key, f"insured.{key}")
            if f is not None:
                facts.append(f)
        return self._grid(facts)

    def _prescription_page(self, doc: dict) -> _Content:
        facts = []
        for key in ("purpose", "setting", "ward", "sessions_ordered", "treatment_plan_by", "place_of_service"):
            f = self._fact(doc, "prescription", key, key)
            if f is not None:
                facts.append(f)
        if "performer" in doc:
            facts.append(self._mark_recorded(Fact(labels.field_name("prescription.performer"),
                                                  value_text("prescription.performer", doc["performer"]),
                                                  _tone("prescription.performer", doc["performer"]), "performer")))
        for key in ("pregnancy", "course", "declared"):
            if key in doc:
                facts += self._sub_object(doc, key, key, labels.field_name(f"prescription.{key}"))
        known = {"seq", "insured", "prescriber", "prescribed_on", "served_on", "diagnosis", "sheet", "paper",
                 "referral", "tracking_code", "approval", "attachments", "items", "declared", "purpose", "setting",
                 "ward", "sessions_ordered", "treatment_plan_by", "place_of_service", "performer", "pregnancy",
                 "course"}
        for key in doc:
            if key not in known:
                f = self._fact(doc, "prescription", key, key)
                if f is not None:
                    facts.append(f)
        facts += self._insured_prescriber(doc, doc.get("prescriber") or {})
        if not facts:
            facts.append(Fact("نسخه", "درمانی، سرپایی، در مرکز — " + ABSENT, "absent"))
        return self._grid(facts)

    def _insured_prescriber(self, doc: dict, presc: dict, base: str = "prescriber.") -> list[Fact]:
        ins = doc.get("insured") or {}
        facts = self._object_facts(ins, "insured", "insured.", skip=("national_id", "name", "sex", "birth_date",
                                                                     "referral_required", "fund", "insurer"),
                                   prefix="بیمه‌شده:")
        facts += self._object_facts(presc, "prescriber", base, skip=("name", "council_no", "specialty"),
                                    prefix="پزشک:")
        return facts

    def _line_page(self, doc: dict, place) -> _Content:
        items = [i for i in (doc.get("items") or []) if isinstance(i, dict)]
        if place is None or place.line is None:
            return _Content(caption="ردیفی انتخاب نشده است", facts=[])
        idx, item = next(((n, it) for n, it in enumerate(items)
                          if (it.get("line") if isinstance(it.get("line"), int) else n + 1) == place.line),
                         (None, None))
        if item is None:
            return _Content(caption=f"ردیف {fmt.number(place.line)} در سند نیست", facts=[])
        base = f"items[{idx}]."
        facts = []
        for key in ("code", "description", "qty", "served_on"):
            f = self._fact(item, "item", key, base + key)
            if f is not None:
                facts.append(f)
        req = item.get("requested") if "requested" in item else ABSENT
        if req is None:
            facts.append(self._mark_recorded(Fact(labels.field_name("item.requested"), "نوشته نشده", "missing",
                                                  base + "requested")))
        elif isinstance(req, dict):
            for k in ("total", "insured", "org"):
                if k in req:
                    name = {"total": "مبلغ درخواستی", "insured": "سهم بیمه‌شدهٔ درخواستی",
                            "org": "سهم سازمان درخواستی"}[k]
                    facts.append(self._mark_recorded(Fact(name, value_text(f"requested.{k}", req[k]),
                                                          _tone(f"requested.{k}", req[k]), f"{base}requested.{k}")))
        if "attachments" in item:
            facts.append(self._fact(item, "item", "attachments", base + "attachments"))
        else:
            docs = doc.get("attachments")
            text = ("همان پیوست‌های سند: " + value_text("prescription.attachments", docs)) if "attachments" in doc \
                else ABSENT
            tone = "absent" if "attachments" not in doc else _tone("prescription.attachments", docs)
            facts.append(self._mark_recorded(Fact(labels.field_name("item.attachments"), text, tone,
                                                  base + "attachments")))
        for key in ("modifiers",):
            f = self._fact(item, "item", key, base + key)
            if f is not None:
                facts.append(f)
        if "performer" in item:
            facts.append(self._mark_recorded(Fact(labels.field_name("item.performer"),
                                                  value_text("item.performer", item["performer"]),
                                                  _tone("item.performer", item["performer"]), base + "performer")))
        details = item.get("details")
        if isinstance(details, dict):
            for key, v in details.items():
                facts.append(self._details_fact(key, v, f"{base}details.{key}"))
        for key in item:
            if key not in ("line", "code", "description", "qty", "served_on", "requested", "attachments",
                           "modifiers", "performer", "details"):
                f = self._fact(item, "item", key, base + key)
                if f is not None:
                    facts.append(f)
        caption = f"ردیف {fmt.number(place.line)}" + (f" — {fmt.digits(item.get('code'))}" if item.get("code") else "")
        return self._grid(facts, caption)

    def _details_fact(self, key: str, v, path: str) -> Fact:
        fpath = f"details.{key}"
        if key == "modalities_by_region" and isinstance(v, dict):
            text = "؛ ".join(f"{fmt.digits(r)}: {value_text(fpath, m)}" for r, m in v.items())
        else:
            text = value_text(fpath, v)
        return self._mark_recorded(Fact(labels.field_name(fpath), text, _tone(fpath, v), path))

    # --- bill tabs -----------------------------------------------------------------------------------------------

    def _file_page(self, doc: dict) -> _Content:
        facts = []
        paper = doc.get("paper") if isinstance(doc.get("paper"), dict) else {}
        facts += self._object_facts(paper, "paper", "paper.", always=PAPER_BILL)
        facts.append(self._fact(doc, "bill", "attachments", "attachments", always=True))
        facts += self._sub_object(doc, "approval", "bill", labels.field_name("bill.approval"))
        order = doc.get("admission_order")
        if isinstance(order, dict):
            for key in order:
                f = self._fact(order, "admission_order", key, f"admission_order.{key}",
                               name=f"دستور بستری: {labels.field_name(f'admission_order.{key}')}")
                if f is not None:
                    facts.append(f)
        elif "admission_order" in doc:
            facts.append(self._mark_recorded(Fact(labels.field_name("bill.admission_order"), "ندارد", "missing",
                                                  "admission_order")))
        for key in ("arrived_at", "admitted_at", "discharge_order_on", "discharged_at", "discharge", "leave_days",
                    "emergency", "inpatient_file", "delivery", "delivery_place", "mother_illness",
                    "needs_special_ward", "psychiatric_status", "full_time_faculty"):
            f = self._fact(doc, "bill", key, key)
            if f is not None:
                facts.append(f)
        for key in ("global_package", "accident", "injury", "burn", "declared"):
            if key not in doc:
                continue
            if doc[key] is None:          # null = none (itemised bill, no accident): a fact, not a missing paper
                facts.append(self._mark_recorded(Fact(labels.field_name(f"bill.{key}"), "ندارد", "value", key)))
            else:
                facts += self._sub_object(doc, key, key, labels.field_name(f"bill.{key}"))
        known = {"seq", "insured", "admission_order", "admitted_at", "discharged_at", "arrived_at", "discharge_order_on",
                 "discharge", "leave_days", "emergency", "inpatient_file", "global_package", "accident", "injury", "burn",
                 "delivery", "delivery_place", "mother_illness", "needs_special_ward", "psychiatric_status",
                 "full_time_faculty", "approval", "declared", "paper", "stays", "visits", "consultations",
                 "procedures", "anesthesia", "pain_management", "headings", "attachments"}
        for key in doc:
            if key not in known:
                f = self._fact(doc, "bill", key, key)
                if f is not None:
                    facts.append(f)
        facts += self._insured_prescriber(doc, (doc.get("admission_order") or {}).get("prescriber") or {},
                                          "admission_order.prescriber.")
        return self._grid([f for f in facts if f is not None])

    def _records(self, doc: dict, key: str, table: str, columns: tuple[str, ...]) -> tuple[list[str], list[list[Fact]]]:
        """A table of a bill's records: the given columns, then «سایر» holding every other fact present."""
        recs = [r for r in (doc.get(key) or []) if isinstance(r, dict)]
        headers = ["ردیف"] + [labels.field_name(f"{table}.{c}") for c in columns] + ["سایر"]
        rows = []
        for i, r in enumerate(recs):
            base = f"{key}[{i}]."
            row = [Fact("ردیف", fmt.number(i + 1))]
            day = None
            for c in columns:
                if c in r:
                    text = value_text(f"{table}.{c}", r[c])
                    tip = fmt.digits(r[c]) if isinstance(r[c], str) else ""
                    if isinstance(r[c], dict) and any(k in r[c] for k in PERSON_KEYS):
                        # a person in a table: name and council number; the specialty and role in the tooltip
                        tip = text
                        no = r[c].get("council_no")
                        text = (r[c].get("name") or "—") + (f" ({fmt.digits(no)})" if no else "")
                    if isinstance(r[c], str) and _DATETIME.fullmatch(r[c]):
                        # a time on the day of the row's first date and time is written as the time alone
                        d, t = r[c].split()
                        text = fmt.digits(t) if d == day else text
                        day = day or d
                    row.append(self._mark_recorded(Fact(labels.field_name(f"{table}.{c}"), text,
                                                        _tone(f"{table}.{c}", r[c]), base + c, tip)))
                else:
                    row.append(Fact(labels.field_name(f"{table}.{c}"), "—", "absent", base + c))
            rest = [k for k in r if k not in columns]
            bits, tone, tips, rec = [], "value", [], False
            for k in rest:
                fpath = f"{table}.{k}"
                v = r[k]
                text = (value_text(fpath, v) if k != "details" else
                        "، ".join(f"{labels.field_name(f'details.{d}')}: {value_text(f'details.{d}', x)}"
                                  for d, x in (v or {}).items()))
                bits.append(f"{labels.field_name(fpath)}: {text}")
                if _tone(fpath, v) == "missing":
                    tone = "missing"
                entry = self._recorded_at(base + k)
                if entry is not None:
                    rec = True
                    tips.append(self._recorded_tip(entry))
            row.append(Fact("سایر", "؛ ".join(bits) if bits else "", tone, base, "\n".join(tips), rec))
            rows.append(row)
        return headers, rows

    def _stays_page(self, doc: dict, computed: dict) -> _Content:
        headers, rows = self._records(doc, "stays", "stay", ("ward", "beds", "from", "to", "patient"))
        bits = []
        if "bed_days" in computed:
            bits.append(f"روز تخت محاسبه‌شده: <b>{fmt.number(computed['bed_days'])}</b>")
        by_ward = computed.get("bed_days_by_ward")
        if isinstance(by_ward, dict) and by_ward:
            bits.append("(" + "، ".join(f"{labels.label(labels.WARD, w)} {fmt.number(n)}" for w, n in by_ward.items())
                        + ")")
        if computed.get("newborn_bed_days"):
            bits.append(f"روز تخت نوزاد: {fmt.number(computed['newborn_bed_days'])}")
        if "leave_days" in doc:
            bits.append(f"مرخصی: {value_text('bill.leave_days', doc['leave_days'])} روز")
        if computed.get("stay_hours") is not None:
            bits.append(f"ساعت اقامت: {fmt.number(computed['stay_hours'])}")
        return self._table(headers, rows, " · ".join(bits))

    def _table(self, headers, rows, caption: str = "") -> _Content:
        missing = sum(f.missing for r in rows for f in r)
        return _Content(caption=f"<span style='color:{COMPUTED_INK.name()}'>{caption}</span>" if caption else "",
                        headers=headers, rows=rows, missing=missing, count=len(rows))

    def _procedures_page(self, doc: dict, computed: dict) -> _Content:
        cols = ("code", "description", "on", "session", "surgeon", "assistant", "incision", "bilateral",
                "modifiers", "place")
        headers, rows = self._records(doc, "procedures", "procedure", cols)
        # the engine's percentages beside each operation (computed.procedures, matched by code in order)
        pending = list(computed.get("procedures") or [])
        headers = headers[:-1] + ["درصد (محاسبه)", "ارزش نسبی", "ارزش نهایی"] + headers[-1:]
        procs = [r for r in (doc.get("procedures") or []) if isinstance(r, dict)]
        for row, proc in zip(rows, procs):
            match = next((p for p in pending if p.get("code") == proc.get("code")), None)
            if match is not None:
                pending.remove(match)
            row[-1:-1] = self._percent_cells(match)
        for extra in pending:                      # a computed row no billed operation matched (kept, not dropped)
            rows.append([Fact("ردیف", "محاسبه", "computed"), Fact("کد", fmt.digits(extra.get("code")), "computed")]
                        + [Fact("", "")] * (len(cols) - 1) + self._percent_cells(extra) + [Fact("سایر", "")])
        bits = []
        for key in ("surgeon_rvu", "assistant_rvu", "operating_room_units", "operating_room_units_private_centre"):
            if key in computed:
                bits.append(f"{labels.COMPUTED_KEY[key]}: <b>{fmt.number(computed[key])}</b>")
        return self._table(headers, rows, " · ".join(bits))

    @staticmethod
    def _percent_cells(p: dict | None) -> list[Fact]:
        if p is None:
            return [Fact("درصد", "—", "absent"), Fact("ارزش نسبی", "—", "absent"), Fact("ارزش نهایی", "—", "absent")]
        pct = f"{fmt.number(p.get('percent'))}٪"
        extra = [f"{labels.COMPUTED_KEY.get(k, k)}: {fmt.number(v) if isinstance(v, (int, float)) else fmt.digits(v)}"
                 for k, v in p.items() if k not in ("code", "percent", "rvu", "final_rvu")]
        return [Fact("درصد", pct + (f" ({'، '.join(extra)})" if extra else ""), "computed"),
                Fact("ارزش نسبی", fmt.number(p.get("rvu")), "computed"),
                Fact("ارزش نهایی", fmt.number(p.get("final_rvu")), "computed")]

    def _anesthesia_page(self, doc: dict, computed: dict) -> _Content:
        cols = ("session", "method", "start", "end", "surgery_start", "surgery_end", "asa", "modifiers",
                "recovery_minutes", "anesthesiologist")
        headers, rows = self._records(doc, "anesthesia", "anesthesia", cols)
        per_session = {d.get("session"): d for d in (computed.get("anesthesia") or []) if isinstance(d, dict)}
        if per_session:
            headers = headers[:-1] + ["واحدها (محاسبه)"] + headers[-1:]
            recs = [r for r in (doc.get("anesthesia") or []) if isinstance(r, dict)]
            for row, rec in zip(rows, recs):
                d = per_session.get(rec.get("session"))
                row[-1:-1] = [Fact("واحدها", _units_text(d) if d else "—", "computed" if d else "absent")]
        ph, prow = self._records(doc, "pain_management", "pain_management",
                                 ("on", "route", "mode", "by", "units_claimed"))
        for r in prow:                          # post-operative pain management under the same heads
            r[0] = Fact("ردیف", "مدیریت درد")
            cells = r[1:-1]
            line = [r[0]] + [Fact("", "")] * (len(headers) - 2) + [r[-1]]
            line[-1] = Fact("سایر", "؛ ".join(f"{c.name}: {c.text}" for c in cells if c.text != "—")
                            + ("؛ " + r[-1].text if r[-1].text else ""), r[-1].tone, r[-1].path, r[-1].tip,
                            r[-1].recorded)
            rows.append(line)
        units = computed.get("anesthesia_units")
        caption = ""
        if isinstance(units, dict):
            caption = "واحد بیهوشی محاسبه‌شده: " + _units_text(units, bold=True)
        if computed.get("labour_analgesia_units"):
            caption += f" · {labels.COMPUTED_KEY['labour_analgesia_units']}: {fmt.number(computed['labour_analgesia_units'])}"
        return self._table(headers, rows, caption)

    def _visits_page(self, doc: dict, computed: dict) -> _Content:
        vh, vrows = self._records(doc, "visits", "visit", ("on", "kind", "prescriber"))
        ch, crows = self._records(doc, "consultations", "consultation", ("on", "code", "prescriber"))
        headers = ["ردیف", "نوع", "تاریخ", "ویزیت / کد مشاوره", "پزشک", "سایر"]
        rows = [[r[0], Fact("نوع", "ویزیت")] + r[1:] for r in vrows]
        rows += [[r[0], Fact("نوع", "مشاوره")] + r[1:] for r in crows]
        bits = []
        if "visit_count" in computed:
            n = len(vrows)
            bits.append(f"ویزیت قابل پرداخت: <b>{fmt.number(computed['visit_count'])}</b> از {fmt.number(n)}"
                        + (f" (سقف {fmt.number(computed['visit_count_max'])})" if "visit_count_max" in computed else ""))
        if "consultations_paid" in computed:
            bits.append(f"مشاورهٔ قابل پرداخت: <b>{fmt.number(computed['consultations_paid'])}</b> از "
                        f"{fmt.number(len(crows))}")
        if computed.get("consultations_as_visits"):
            bits.append(f"{labels.COMPUTED_KEY['consultations_as_visits']}: "
                        f"{fmt.number(computed['consultations_as_visits'])}")
        return self._table(headers, rows, " · ".join(bits))

    def _headings_page(self, view, computed: dict) -> _Content:
        headers = ["سرفصل", "درخواستی (ریال)", "محاسبه‌شده", "تأییدی (ریال)", "علامت", "بندها", "اقلام"]
        heads = (view.result or {}).get("headings") or {}
        doc_heads = (view.doc or {}).get("headings") or {}
        rows = []
        for a in view.amounts:
            h = a.place.heading
            if h is None:
                continue
            r = heads.get(h) or {}
            n = len((doc_heads.get(h) or {}).get("lines") or [])
            comp = heading_computed(h, computed)
            rows.append([Fact("سرفصل", HEADING_FA.get(h, h), "head", f"headings.{h}"),
                         Fact("درخواستی", fmt.amount(a.requested)),
                         Fact("محاسبه‌شده", comp or "—", "computed" if comp else "absent"),
                         Fact("تأییدی", fmt.amount(a.approved), "value" if a.approved == a.requested else "missing"),
                         Fact("علامت", MARK_FA.get(a.mark, a.mark) + ("" if a.decision else " (پیشنهادی)")),
                         Fact("بندها", fmt.rtl_join(r.get("rules") or []) if r.get("rules") else ""),
                         Fact("اقلام", fmt.number(n) if n else "")])
        content = self._table(headers, rows)
        content.missing = 0               # a deduction is the engine's proposal, not a missing document
        return content

    def _heading_page(self, view, place) -> _Content:
        if place is None or place.heading is None:
            return _Content(caption="سرفصلی انتخاب نشده است", headers=[], rows=[], count=None)
        h = place.heading
        doc_head = ((view.doc or {}).get("headings") or {}).get(h) or {}
        res_lines = {ln.get("line"): ln for ln in (((view.result or {}).get("headings") or {}).get(h) or {})
                     .get("lines") or []}
        lines = [ln for ln in (doc_head.get("lines") or []) if isinstance(ln, dict)]
        cols = ("code", "name", "irc", "on", "qty", "unit_price", "requested")
        headers, rows = self._records({"x": lines}, "x", "line", cols)
        # paths of the heading's lines
        for i, row in enumerate(rows):
            for f in row:
                if f.path.startswith("x["):
                    f.path = f"headings.{h}.lines" + f.path[1:]
        headers = headers[:-1] + ["تأییدی", "بندها"] + headers[-1:]
        for i, row in enumerate(rows):
            r = res_lines.get(i + 1) or {}
            row[-1:-1] = [Fact("تأییدی", fmt.amount(r["approved"]) if "approved" in r else "—",
                               "missing" if r.get("mark") == "zero" else "value"),
                          Fact("بندها", fmt.rtl_join(r.get("rules")) if r.get("rules") else "")]
        caption = f"{HEADING_FA.get(h, h)}: درخواستی {fmt.amount(doc_head.get('requested'))} ریال"
        comp = heading_computed(h, (view.result or {}).get("computed") or {})
        if comp:
            caption += f" · محاسبه‌شده: {comp}"
        if not lines:
            caption += " — این سرفصل قلم جداگانه ندارد"
        content = self._table(headers, rows, caption)
        content.missing = sum(f.missing for r in rows for f in r[1:len(cols) + 1])
        content.count = len(lines)
        return content

    def _computed_page(self, computed: dict) -> _Content:
        facts = []
        for key, v in computed.items():
            name = labels.COMPUTED_KEY.get(key, key)
            facts.append(Fact(name, computed_text(key, v), "computed", f"computed.{key}"))
        if not facts:
            facts.append(Fact("محاسبه", "سامانه محاسبه‌ای برای این صورتحساب ثبت نکرده است", "absent"))
        return self._grid(facts)


def _units_text(u: dict, bold: bool = False) -> str:
    parts = [(labels.COMPUTED_KEY[k], u.get(k)) for k in ("base", "time", "modifiers", "recovery") if k in u]
    total = sum(v for _n, v in parts if isinstance(v, (int, float)))
    tot = fmt.number(total)
    text = (f"<b>{tot}</b>" if bold else tot) + " (" + "، ".join(f"{n} {fmt.number(v)}" for n, v in parts) + ")"
    if "standby_rvu" in u:
        text = f"{labels.COMPUTED_KEY['standby_rvu']} {fmt.number(u['standby_rvu'])}"
    if u.get("minutes") is not None:
        text += f" — {fmt.number(u['minutes'])} دقیقه"
    return text


def computed_text(key: str, v: Any) -> str:
    """A value of the bill's `computed` block in Persian."""
    if key == "bill_class":
        return labels.label(labels.BILL_CLASS, v)
    if key == "franchise" and isinstance(v, (int, float)):
        return f"{fmt.number(round(v * 100, 2))}٪"
    if key == "anesthesia_units" and isinstance(v, dict):
        return _units_text(v)
    if key == "bed_days_by_ward" and isinstance(v, dict):
        return "، ".join(f"{labels.label(labels.WARD, w)}: {fmt.number(n)}" for w, n in v.items())
    if key.endswith(("_computed", "_approved", "_share", "_base")) and isinstance(v, (int, float)):
        return f"{fmt.amount(v)} ریال"
    if isinstance(v, bool):
        return "بله" if v else "خیر"
    if isinstance(v, (int, float)):
        return fmt.number(v)
    if isinstance(v, list):
        return "؛ ".join(computed_text(key, x) for x in v) or "—"
    if isinstance(v, dict):
        if key == "anesthesia" or "base" in v:
            return (f"جلسه {fmt.number(v['session'])}: " if v.get("session") is not None else "") + _units_text(v)
        out = []
        for k, x in v.items():
            if key == "procedures" and k == "code":
                out.append(fmt.digits(x))
                continue
            if k in ("tariff", "hoteling", "additions") and isinstance(x, (int, float)):
                out.append(f"{labels.COMPUTED_KEY.get(k, k)}: {fmt.amount(x)} ریال")
            elif k == "percent":
                out.append(f"{fmt.number(x)}٪")
            elif k == "grade":
                out.append(f"{labels.COMPUTED_KEY['grade']}: {labels.label(labels.GRADE, x)}")
            else:
                out.append(f"{labels.COMPUTED_KEY.get(k, k)}: {computed_text(k, x) if isinstance(x, (dict, list)) else (fmt.number(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else fmt.digits(x))}")
        return "، ".join(out)
    return fmt.digits(v)


def heading_computed(heading: str, computed: dict, short: bool = False) -> str:
    """The figure the engine computed behind a heading (`short`: the count alone, for the lines table)."""
    c = computed or {}
    if short:
        if heading == "hoteling" and "bed_days" in c:
            return f"{fmt.number(c['bed_days'])} روز تخت"
        if heading == "anesthesia" and isinstance(c.get("anesthesia_units"), dict):
            u = c["anesthesia_units"]
            return f"{fmt.number(sum(u.get(k) or 0 for k in ('base', 'time', 'modifiers', 'recovery')))} واحد"
        if heading in ("surgeon", "assistant_surgeon") and f"{'surgeon' if heading == 'surgeon' else 'assistant'}_rvu" in c:
            return f"ارزش نسبی {fmt.number(c['surgeon_rvu' if heading == 'surgeon' else 'assistant_rvu'])}"
        if heading == "nursing" and "nursing_base" in c:
            return "۶٪ هتلینگ"
    if heading == "hoteling" and "bed_days" in c:
        s = f"{fmt.number(c['bed_days'])} روز تخت"
        if "hoteling_computed" in c:
            s += f" = {fmt.amount(c['hoteling_computed'])}"
        return s
    if heading == "nursing" and "nursing_computed" in c:
        return f"۶٪ × {fmt.amount(c.get('nursing_base'))} = {fmt.amount(c['nursing_computed'])}" \
            if "nursing_base" in c else fmt.amount(c["nursing_computed"])
    if heading == "visits" and "visit_count" in c:
        return f"{fmt.number(c['visit_count'])} ویزیت" + (f" (سقف {fmt.number(c['visit_count_max'])})"
                                                        if "visit_count_max" in c else "")
    if heading == "consultations" and "consultations_paid" in c:
        return f"{fmt.number(c['consultations_paid'])} مشاوره"
    if heading == "surgeon" and "surgeon_rvu" in c:
        pcts = "، ".join(f"{fmt.number(p.get('percent'))}٪" for p in c.get("procedures") or [])
        return f"ارزش نسبی {fmt.number(c['surgeon_rvu'])}" + (f" ({pcts})" if pcts else "")
    if heading == "assistant_surgeon" and "assistant_rvu" in c:
        return f"ارزش نسبی {fmt.number(c['assistant_rvu'])}"
    if heading == "anesthesia" and isinstance(c.get("anesthesia_units"), dict):
        return f"{_units_text(c['anesthesia_units'])} واحد".replace(") واحد", ")").replace(" (", " واحد (", 1)
    if heading == "operating_room" and "operating_room_units" in c:
        return f"{fmt.number(c['operating_room_units'])} واحد فنی"
    if heading == "global_package" and isinstance(c.get("global_package"), dict):
        return f"تعرفه {fmt.amount(c['global_package'].get('tariff'))}"
    return ""
