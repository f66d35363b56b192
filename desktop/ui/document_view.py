"""A document drawn like the paper it stands for: the header (insured, prescriber, dates, diagnosis), the facts
panel (facts_panel.py: the paper, its documents, referral and approval, the current line's details; a bill's stays,
operations, anaesthesia, visits, headings and the engine's computed figures), then one row per line (or bill
heading) with its requested amount and, beside it, the mark."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QSplitter, QTableView, QVBoxLayout, QWidget)

from desktop.review import labels
from desktop.review.session import MARK_FA, AmountState, DocView, Place

from . import fmt
from .facts_panel import HEADING_FA, FactsPanel, heading_computed
from .marks import MARK_ROLE, MarkDelegate, MarkInfo
from .theme import INK, MUTED, PROPOSED, pen_colour

__all__ = ["PaperView", "LinesModel", "LINE_COLUMNS"]

LINE_COLUMNS = (("line", "ردیف"), ("code", "کد خدمت"), ("description", "شرح خدمت"), ("qty", "تعداد"),
                ("requested", "مبلغ درخواستی (ریال)"), ("mark", "علامت رسیدگی"), ("approved", "مبلغ تأییدی (ریال)"))


def _reason_text(a: AmountState) -> str | None:
    """The short reason beside a mark: `GEN-12 — تشخیص نوشته نشده`, right to left (the clause id first)."""
    if a.reason is not None:
        text = f"{a.reason.rule} — {a.reason.text_fa}" if a.reason.rule and a.reason.text_fa else (
            a.reason.rule or a.reason.text_fa)
    elif a.approved < a.requested:
        text = a.deduction_rule
    else:
        return None
    return fmt.RLM + text if text else None


class LinesModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.view: DocView | None = None
        self._items: dict = {}
        self.name_of = lambda username: username

    def set_view(self, view: DocView | None) -> None:
        self.beginResetModel()
        self.view = view
        self._items = {}
        if view is not None and view.entry.kind == "prescription":
            for i, item in enumerate(view.doc.get("items") or []):
                if isinstance(item, dict):
                    no = item.get("line") if isinstance(item.get("line"), int) else i + 1
                    self._items[no] = item
        self.endResetModel()

    def amount(self, row: int) -> AmountState | None:
        if self.view is None or not 0 <= row < len(self.view.amounts):
            return None
        return self.view.amounts[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.view is None else len(self.view.amounts)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(LINE_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if self.view is not None and self.view.entry.kind == "bill" and section == 1:
                return "سرفصل"
            if self.view is not None and self.view.entry.kind == "bill" and section == 2:
                return "محاسبه"
            return LINE_COLUMNS[section][1]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        a = self.amount(index.row())
        if a is None:
            return None
        key = LINE_COLUMNS[index.column()][0]
        item = self._items.get(a.place.line, {}) if a.place.line is not None else {}
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "line":
                return fmt.number(a.place.line) if a.place.line is not None else fmt.number(index.row() + 1)
            if key == "code":
                return fmt.digits(a.label) if a.place.line is not None else HEADING_FA.get(a.label, a.label)
            if key == "description":
                if a.place.heading is not None:
                    # the figure the engine computed behind the heading, beside it (result `computed`)
                    h = ((self.view.doc.get("headings") or {}).get(a.place.heading) or {})
                    n = len(h.get("lines") or [])
                    comp = heading_computed(a.place.heading, (self.view.result or {}).get("computed") or {},
                                            short=True)
                    items = f"{fmt.number(n)} قلم" if n else ""
                    return " · ".join(x for x in (comp, items) if x)
                return item.get("description") or ""
            if key == "qty":
                q = item.get("qty")
                return fmt.number(q) if isinstance(q, (int, float)) and not isinstance(q, bool) else ""
            if key == "requested":
                return fmt.amount(a.requested)
            if key == "approved":
                return fmt.amount(a.approved)
            return None
        if role == MARK_ROLE and key == "mark":
            return MarkInfo(a.mark, a.approved, a.requested, _reason_text(a), a.pen, a.proposed)
        if role == Qt.ItemDataRole.ToolTipRole and key == "mark":
            return who_text(a, self.name_of)
        if role == Qt.ItemDataRole.ToolTipRole and key == "description" and a.place.heading is not None:
            comp = heading_computed(a.place.heading, (self.view.result or {}).get("computed") or {})
            return f"محاسبهٔ سامانه: {comp}" if comp else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("requested", "approved"):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            if key in ("line", "qty", "code"):
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "approved":
                return QBrush(PROPOSED if a.proposed else pen_colour(a.pen))
        if role == Qt.ItemDataRole.FontRole and key == "approved" and not a.proposed:
            f = QFont()
            f.setBold(True)
            return f
        return None

    def row_of(self, place: Place) -> int | None:
        if self.view is None:
            return None
        for i, a in enumerate(self.view.amounts):
            if a.place == place:
                return i
        return None


def who_text(a: AmountState, name_of=lambda username: username) -> str:
    """The mark of an amount in words, with who made it (`name_of(username)` → full name) and when."""
    r = _reason_text(a)
    what = MARK_FA.get(a.mark, a.mark) + (f" ({r})" if r else "")
    if a.decision is None:
        return f"{what} — پیشنهاد سامانه، هنوز تأیید نشده"
    d = a.decision
    how = "پذیرش پیشنهاد" if d.accepts else "علامت"
    return f"{what} — {how} {name_of(d.who)} ({'قلم سبز' if d.pen == 'green' else 'قلم قرمز'})، {fmt.jalali_stamp(d.at)}"


class _HeaderGrid:
    """The paper's header: fixed slots (three fields on each of rows 0-2), made once
    and refilled for each document — moving to the next document re-creates no widget."""

    ROWS = ((0, 3), (1, 3), (2, 3))

    def __init__(self, grid: QGridLayout):
        self.slots: dict[tuple[int, int], tuple[QLabel, QLabel]] = {}
        for row, n in self.ROWS:
            for col in range(n):
                name = QLabel()
                name.setStyleSheet(f"color: {MUTED.name()};")
                value = QLabel()
                value.setObjectName(f"field_{row}_{col}")
                # absolute right: a value of digits only (an id, a date) has no strong direction and would drift
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute
                                   | Qt.AlignmentFlag.AlignVCenter)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setWordWrap(True)
                grid.addWidget(name, row, col * 2)
                grid.addWidget(value, row, col * 2 + 1, 1, 1 if n > 1 else 5)
                self.slots[(row, col)] = (name, value)
        for c in (1, 3, 5):
            grid.setColumnStretch(c, 1)

    def set(self, row: int, col: int, name: str, value: str) -> None:
        n, v = self.slots[(row, col)]
        n.setText(name + ":")
        v.setText(value)
        n.setVisible(True)
        v.setVisible(True)

    def clear(self) -> None:
        for n, v in self.slots.values():
            n.setVisible(False)
            v.setVisible(False)


class PaperView(QWidget):
    """The document's page.  `current_place()` is the amount the keyboard marks."""

    placeChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view: DocView | None = None
        self.facts = FactsPanel()
        self.name_of = lambda username: username      # the main window passes ReviewSession.name_of
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        self.paper = QFrame(objectName="paper")
        outer.addWidget(self.paper)
        lay = QVBoxLayout(self.paper)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(4)
        top = QHBoxLayout()
        self.title = QLabel(objectName="paperTitle")
        self.badge = QLabel(objectName="proposedBadge")
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.badge)
        lay.addLayout(top)
        self.header_box = QWidget()
        self.header = QGridLayout(self.header_box)
        self.header.setContentsMargins(0, 2, 0, 2)
        self.header.setHorizontalSpacing(10)
        self.header.setVerticalSpacing(1)
        self.fields = _HeaderGrid(self.header)
        lay.addWidget(self.header_box)
        self.lines_model = LinesModel(self)
        self.table = QTableView()
        self.table.setObjectName("lines")
        self.table.setModel(self.lines_model)
        self.table.setItemDelegateForColumn([k for k, _ in LINE_COLUMNS].index("mark"), MarkDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(False)
        self.table.setShowGrid(True)
        self.table.setStyleSheet("QTableView#lines { background: #fffdf6; }"     # the paper; not transparent: the scroll
                                 # bars of a transparent view paint black
                                 "QTableView#lines::item:selected { background: #e8f0fe; color: #111827; }")
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode([k for k, _ in LINE_COLUMNS].index("description"), QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode([k for k, _ in LINE_COLUMNS].index("mark"), QHeaderView.ResizeMode.Interactive)
        hh.resizeSection([k for k, _ in LINE_COLUMNS].index("mark"), 250)
        self.table.verticalHeader().setDefaultSectionSize(38)
        # the facts over the lines, in a splitter: the reviewer drags the border (or folds the facts to their tab
        # bar by clicking the open tab); both stay in view on a 1366×768 laptop
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("paperSplit")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.facts)
        self.split.addWidget(self.table)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([170, 160])
        self.facts.setMinimumHeight(self.facts.tabBar().sizeHint().height() + 2)
        self.table.setMinimumHeight(70)
        lay.addWidget(self.split, 1)
        # F7 / Shift+F7: the next / previous tab of facts (F6 records a paper fact; the marking keys stay)
        for seq, step in (("F7", 1), ("Shift+F7", -1)):
            sc = QShortcut(QKeySequence(seq), self, context=Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(lambda step=step: self.facts.next_tab(step))
        self.who = QLabel()
        self.who.setObjectName("lineWho")
        self.who.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("docSummary")
        self.summary.setWordWrap(False)
        bottom = QHBoxLayout()          # who marked the current line | the document's sums: one line, not two
        bottom.addWidget(self.who, 1)
        bottom.addWidget(self.summary)
        lay.addLayout(bottom)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.show_view(None)

    @property
    def name_of(self):
        return self._name_of

    @name_of.setter
    def name_of(self, fn) -> None:
        self._name_of = fn
        self.facts.name_of = fn

    # --- showing ---------------------------------------------------------------------------------------

    def show_view(self, view: DocView | None, keep_row: bool = False) -> None:
        row = self.table.currentIndex().row() if keep_row else 0
        self.view = view
        self.lines_model.set_view(view)
        self.facts.show_view(view, None)           # the current line's details follow in _row_changed
        self._fill_header(view)
        if view is not None and self.lines_model.rowCount() > 0:
            row = max(0, min(row, self.lines_model.rowCount() - 1))
            self.table.setCurrentIndex(self.lines_model.index(row, 0))
        self._fill_summary(view)
        self._row_changed()

    def _fill_header(self, view: DocView | None) -> None:
        self.fields.clear()
        if view is None:
            self.title.setText("سندی انتخاب نشده است")
            self.badge.setText("")
            self.badge.setVisible(False)
            return
        e, doc = view.entry, view.doc
        insured = doc.get("insured") or {}
        if e.kind == "prescription":
            self.title.setText(f"نسخهٔ شمارهٔ {fmt.number(e.seq)} — {labels.label(labels.SHEET, doc.get('sheet'))}"
                               if doc.get("sheet") else f"نسخهٔ شمارهٔ {fmt.number(e.seq)}")
            presc = doc.get("prescriber") or {}
        else:
            self.title.setText(f"صورتحساب بستری شمارهٔ {fmt.number(e.seq)}")
            presc = (doc.get("admission_order") or {}).get("prescriber") or {}
        f = self.fields.set
        f(0, 0, "بیمه‌شده", insured.get("name") or "—")
        f(0, 1, "کد ملی / بیمه", fmt.rtl_join([fmt.digits(insured.get("national_id"))]
                                              + ([fmt.digits(insured["insurance_no"])]
                                                 if insured.get("insurance_no") else []), " · "))
        f(0, 2, "جنس / تولد", f"{labels.label(labels.SEX, insured.get('sex'))} · "
                              f"{fmt.digits(insured.get('birth_date'))}")
        f(1, 0, "پزشک", presc.get("name") or "—")
        f(1, 1, "نظام پزشکی", fmt.digits(presc.get("council_no")))
        f(1, 2, "تخصص", labels.label(labels.SPECIALTY, presc.get("specialty")))
        if e.kind == "prescription":
            f(2, 0, "تاریخ تجویز", fmt.digits(doc.get("prescribed_on")) if doc.get("prescribed_on")
              else "بدون تاریخ")
            f(2, 1, "تاریخ خدمت", fmt.digits(doc.get("served_on")))
            f(2, 2, "تشخیص", doc.get("diagnosis") or "نوشته نشده")
        else:
            f(2, 0, "پذیرش", fmt.digits(doc.get("admitted_at")))
            f(2, 1, "ترخیص", fmt.digits(doc.get("discharged_at")))
            f(2, 2, "تشخیص", (doc.get("admission_order") or {}).get("diagnosis") or "نوشته نشده")
        self._set_badge(view)

    def _set_badge(self, view: DocView) -> None:
        e = view.entry
        if e.confirmed:
            self.badge.setObjectName("confirmedBadge")
            self.badge.setText("علامت‌خورده")
        elif e.decided:
            self.badge.setObjectName("proposedBadge")
            self.badge.setText(f"{fmt.number(e.decided)} از {fmt.number(e.amounts)} ردیف علامت‌خورده")
        else:
            self.badge.setObjectName("proposedBadge")
            self.badge.setText("پیشنهادی — هنوز تأیید نشده")
        self.badge.setVisible(True)
        self.badge.style().unpolish(self.badge)
        self.badge.style().polish(self.badge)

    def _fill_summary(self, view: DocView | None) -> None:
        if view is None:
            self.summary.setText("")
            return
        e = view.entry
        colour = (pen_colour(e.pen) if e.decided else PROPOSED).name()
        self.summary.setText(
            f"<span style='color:{INK.name()}'>جمع درخواستی: <b>{fmt.amount(e.requested)}</b> ریال</span>"
            f" &nbsp;·&nbsp; <span style='color:{colour}'>جمع تأییدی: <b>{fmt.amount(e.approved)}</b> ریال</span>"
            f" &nbsp;·&nbsp; کسر: <b>{fmt.amount(e.requested - e.approved)}</b> ریال")

    def _row_changed(self, *_args) -> None:
        a = self.current_amount()
        if a is None:
            self.who.setText("")
        else:
            place = f"ردیف {fmt.number(a.place.line)}" if a.place.line is not None else HEADING_FA.get(a.label, a.label)
            colour = (PROPOSED if a.proposed else pen_colour(a.pen)).name()
            self.who.setText(f"<span style='color:{colour}'>{place}: {who_text(a, self.name_of)}</span>")
        place = self.current_place()
        if self.facts.place != place:
            self.facts.show_place(place)
        self.placeChanged.emit(place)

    # --- the place the keyboard marks -------------------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def current_place(self) -> Place | None:
        a = self.lines_model.amount(self.current_row())
        return a.place if a is not None else None

    def current_amount(self) -> AmountState | None:
        return self.lines_model.amount(self.current_row())

    def select_place(self, place: Place) -> None:
        row = self.lines_model.row_of(place)
        if row is not None:
            self.table.setCurrentIndex(self.lines_model.index(row, 0))

    def next_row(self) -> bool:
        row = self.current_row()
        if row + 1 < self.lines_model.rowCount():
            self.table.setCurrentIndex(self.lines_model.index(row + 1, 0))
            return True
        return False

