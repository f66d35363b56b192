"""A document drawn like the paper it stands for: the header (insured, prescriber, dates, diagnosis, sheet), then
one row per line (or bill heading) with its requested amount and, beside it, the mark."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QTableView, QVBoxLayout, QWidget)

from desktop.review import labels
from desktop.review.session import HEADING_FA, MARK_FA, AmountState, DocView, Place

from . import fmt
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
                    h = ((self.view.doc.get("headings") or {}).get(a.place.heading) or {})
                    n = len(h.get("lines") or [])
                    return f"{fmt.number(n)} قلم" if n else ""
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
    """The paper's header: fixed slots (three fields on each of rows 0-2, one wide field on rows 3-4), made once
    and refilled for each document — moving to the next document re-creates no widget."""

    ROWS = ((0, 3), (1, 3), (2, 3), (3, 1), (4, 1))

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
        self.name_of = lambda username: username      # the main window passes ReviewSession.name_of
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.paper = QFrame(objectName="paper")
        outer.addWidget(self.paper)
        lay = QVBoxLayout(self.paper)
        lay.setContentsMargins(14, 10, 14, 10)
        top = QHBoxLayout()
        self.title = QLabel(objectName="paperTitle")
        self.badge = QLabel(objectName="proposedBadge")
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.badge)
        lay.addLayout(top)
        self.header_box = QWidget()
        self.header = QGridLayout(self.header_box)
        self.header.setContentsMargins(0, 4, 0, 4)
        self.header.setHorizontalSpacing(10)
        self.header.setVerticalSpacing(3)
        self.fields = _HeaderGrid(self.header)
        lay.addWidget(self.header_box)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet(f"color: {MUTED.name()};")
        lay.addWidget(rule)
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
        self.table.setStyleSheet("QTableView#lines { background: transparent; }"
                                 "QTableView#lines::item:selected { background: #e8f0fe; color: #111827; }")
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode([k for k, _ in LINE_COLUMNS].index("description"), QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode([k for k, _ in LINE_COLUMNS].index("mark"), QHeaderView.ResizeMode.Interactive)
        hh.resizeSection([k for k, _ in LINE_COLUMNS].index("mark"), 250)
        self.table.verticalHeader().setDefaultSectionSize(38)
        lay.addWidget(self.table, 1)
        self.who = QLabel()
        self.who.setObjectName("lineWho")
        self.who.setWordWrap(True)
        lay.addWidget(self.who)
        self.summary = QLabel()
        self.summary.setObjectName("docSummary")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.show_view(None)

    # --- showing ---------------------------------------------------------------------------------------

    def show_view(self, view: DocView | None, keep_row: bool = False) -> None:
        row = self.table.currentIndex().row() if keep_row else 0
        self.view = view
        self.lines_model.set_view(view)
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
        f(0, 1, "کد ملی", fmt.digits(insured.get("national_id")))
        f(0, 2, "جنس / تولد", f"{labels.label(labels.SEX, insured.get('sex'))} · "
                              f"{fmt.digits(insured.get('birth_date'))}")
        f(1, 0, "پزشک", presc.get("name") or "—")
        f(1, 1, "نظام پزشکی", fmt.digits(presc.get("council_no")))
        f(1, 2, "تخصص", labels.label(labels.SPECIALTY, presc.get("specialty")))
        if e.kind == "prescription":
            f(2, 0, "تاریخ تجویز", fmt.digits(doc.get("prescribed_on")) if doc.get("prescribed_on")
              else "بدون تاریخ")
            f(2, 1, "تاریخ خدمت", fmt.digits(doc.get("served_on")))
            f(2, 2, "شمارهٔ بیمه", fmt.digits(insured.get("insurance_no")))
            f(3, 0, "تشخیص", doc.get("diagnosis") or "نوشته نشده")
            paper = doc.get("paper") or {}
            facts = []
            if "signature" in paper:
                facts.append(labels.label(labels.SIGNATURE, paper.get("signature")))
            if paper.get("council_stamp") is False:
                facts.append("بدون مهر نظام پزشکی")
            if "erasure" in paper and paper.get("erasure") != "none":
                facts.append(labels.label(labels.ERASURE, paper.get("erasure")))
            if isinstance(paper.get("handwritings"), int) and paper["handwritings"] > 1:
                facts.append(f"{fmt.number(paper['handwritings'])} دست‌خط")
            att = doc.get("attachments")
            if isinstance(att, list):
                facts.append("پیوست: " + ("، ".join(labels.label(labels.ATTACHMENT, a) for a in att) if att
                                          else "ندارد"))
            if doc.get("tracking_code"):
                facts.append(f"کد رهگیری {fmt.digits(doc['tracking_code'])}")
            f(4, 0, "برگه", "، ".join(facts) if facts else "بی‌اشکال ظاهری")
        else:
            f(2, 0, "پذیرش", fmt.digits(doc.get("admitted_at")))
            f(2, 1, "ترخیص", fmt.digits(doc.get("discharged_at")))
            f(2, 2, "بیمه", fmt.digits(insured.get("insurance_no")))
            f(3, 0, "تشخیص", (doc.get("admission_order") or {}).get("diagnosis") or "نوشته نشده")
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
        self.placeChanged.emit(self.current_place())

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
