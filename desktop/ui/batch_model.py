"""The batch's document list: a QAbstractTableModel over ReviewSession.documents, fetched incrementally.

100,000 documents: the model holds only a list of document indexes (filtered and sorted); rows reach the view a
page at a time through canFetchMore/fetchMore, and the names on a page are read from the database for that page
only (ReviewSession.briefs).  No widget per row, no document JSON up front.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.review.session import CIRCLE, TICK, ZERO, ReviewSession

from . import fmt
from .theme import FLAG, PROPOSED, pen_colour

__all__ = ["DocumentListModel", "DocFilter", "DOC_INDEX_ROLE", "COLUMNS", "SHOW"]

DOC_INDEX_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE = 200

# (key, header) in logical order; the right-to-left view shows the first at the right
COLUMNS = (("seq", "ردیف"), ("national_id", "کد ملی"), ("name", "بیمه‌شده"), ("served_on", "تاریخ خدمت"),
           ("mark", "علامت"), ("requested", "درخواستی (ریال)"), ("approved", "تأییدی (ریال)"),
           ("findings", "یافته"), ("rules", "بندها"))
_COL = {key: i for i, (key, _) in enumerate(COLUMNS)}

SHOW = (("all", "همهٔ اسناد"), ("flagged", "دارای یافته یا کسر"), ("review", "نیازمند تصمیم کارشناس"),
        ("undecided", "بی‌تصمیم (پیشنهادی)"), ("decided", "علامت‌خورده"), ("changed", "تغییر یافته نسبت به پیشنهاد"))

_MARK_TEXT = {TICK: "✓", CIRCLE: "◯", ZERO: "0"}
_MARK_ORDER = {TICK: 0, CIRCLE: 1, ZERO: 2}


@dataclass
class DocFilter:
    show: str = "all"
    rule: str | None = None
    prescriber: str = ""
    code: str = ""
    search: str = ""

    @property
    def empty(self) -> bool:
        return self.show == "all" and not (self.rule or self.prescriber.strip() or self.code.strip()
                                           or self.search.strip())


class DocumentListModel(QAbstractTableModel):
    def __init__(self, session: ReviewSession, parent=None):
        super().__init__(parent)
        self.session = session
        self._all = list(range(len(session.documents)))
        self._rows: list[int] = self._all
        self._shown = 0
        self._row_of: dict[int, int] | None = None
        self._briefs: dict[int, tuple] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.filter = DocFilter()
        self._bold = QFont()
        self._bold.setBold(True)
        self._proposed_font = QFont()
        self._proposed_font.setItalic(True)

    # --- Qt model API ----------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid():
            return
        more = min(PAGE, len(self._rows) - self._shown)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return fmt.number(section + 1)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        doc_index = self._rows[index.row()]
        d = self.session.documents[doc_index]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "seq":
                return fmt.number(d.seq)
            if key == "national_id":
                return fmt.digits(d.national_id)
            if key == "name":
                return self._brief(index.row())[0] or ""
            if key == "served_on":
                return fmt.digits(d.served_on)
            if key == "mark":
                return _MARK_TEXT.get(d.mark, d.mark)
            if key == "requested":
                return fmt.amount(d.requested)
            if key == "approved":
                return fmt.amount(d.approved)
            if key == "findings":
                return fmt.number(d.findings) if d.findings else ""
            if key == "rules":
                return fmt.rtl_join(d.rules)
            return None
        if role == DOC_INDEX_ROLE:
            return doc_index
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("requested", "approved", "seq", "findings", "national_id", "served_on"):
                return int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft) if key in (
                    "requested", "approved") else int(Qt.AlignmentFlag.AlignCenter)
            if key == "mark":
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "mark":
                if d.decided:
                    return QBrush(pen_colour(d.pen))
                return QBrush(PROPOSED)
            if key == "findings" and d.findings:
                return QBrush(FLAG)
            return None
        if role == Qt.ItemDataRole.FontRole and key == "mark":
            return self._bold if d.decided else self._proposed_font
        if role == Qt.ItemDataRole.ToolTipRole and key == "mark":
            if d.confirmed:
                return "علامت‌خورده"
            return f"{fmt.number(d.decided)} از {fmt.number(d.amounts)} ردیف علامت‌خورده" if d.decided else \
                "پیشنهاد سامانه (هنوز تأیید نشده)"
        if role == Qt.ItemDataRole.BackgroundRole and d.mark == ZERO:
            return QBrush(QColor("#fff5f5"))
        if role == Qt.ItemDataRole.ToolTipRole and key == "rules" and d.rules:
            return fmt.rtl_join(d.rules)
        return None

    # --- names, a page at a time ---------------------------------------------------------------------------

    def _brief(self, row: int) -> tuple:
        doc_index = self._rows[row]
        got = self._briefs.get(doc_index)
        if got is None:
            start = row - row % PAGE
            page = [i for i in self._rows[start:start + PAGE] if i not in self._briefs]
            self._briefs.update(self.session.briefs(page))
            for i in page:
                self._briefs.setdefault(i, (None, None, None, None, None))
            got = self._briefs[doc_index]
        return got

    # --- rows ---------------------------------------------------------------------------------------------

    def doc_index(self, row: int) -> int | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, doc_index: int) -> int | None:
        """The row of a document in the current filter/sort (None when filtered out); fetches up to it."""
        if self._row_of is None:
            self._row_of = {d: r for r, d in enumerate(self._rows)}
        row = self._row_of.get(doc_index)
        if row is not None and row >= self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, row)
            self._shown = row + 1
            self.endInsertRows()
        return row

    @property
    def total(self) -> int:
        """Rows that match the filter (fetched or not)."""
        return len(self._rows)

    def document_changed(self, doc_index: int) -> None:
        """A document's marks changed: repaint its row (if it is in the list and fetched)."""
        if self._row_of is None:
            self._row_of = {d: r for r, d in enumerate(self._rows)}
        row = self._row_of.get(doc_index)
        if row is not None and row < self._shown:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- filtering and sorting ----------------------------------------------------------------------------

    def set_filter(self, f: DocFilter) -> None:
        self.filter = f
        self._apply()

    def _apply(self) -> None:
        s, f = self.session, self.filter
        docs = s.documents
        rows = self._all
        if f.show == "flagged":
            rows = [i for i in rows if docs[i].flagged or docs[i].mark != TICK]
        elif f.show == "review":
            rows = [i for i in rows if docs[i].review and not docs[i].confirmed]
        elif f.show == "undecided":
            rows = [i for i in rows if not docs[i].decided]
        elif f.show == "decided":
            rows = [i for i in rows if docs[i].decided]
        elif f.show == "changed":
            rows = [i for i in rows if docs[i].approved != docs[i].proposed_approved or docs[i].mark != docs[i].proposed_mark]
        if f.rule:
            keep = s.with_rule(f.rule)
            rows = [i for i in rows if i in keep]
        if f.prescriber.strip():
            keep = s.with_prescriber(f.prescriber)
            rows = [i for i in rows if i in keep]
        if f.code.strip():
            keep = s.with_code(fmt_code(f.code))
            rows = [i for i in rows if i in keep]
        if f.search.strip():
            keep = set(s.find(f.search))
            rows = [i for i in rows if i in keep]
        self.beginResetModel()
        self._rows = list(rows) if rows is not self._all else self._all
        self._row_of = None
        self._shown = min(PAGE, len(self._rows))
        self.endResetModel()
        if self._sort is not None:
            self.sort(*self._sort)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0]
        docs = self.session.documents
        keys = {
            "seq": lambda i: (docs[i].kind, docs[i].seq if docs[i].seq is not None else -1),
            "national_id": lambda i: docs[i].national_id or "",
            "served_on": lambda i: docs[i].served_on or "",
            "mark": lambda i: _MARK_ORDER.get(docs[i].mark, 9),
            "requested": lambda i: docs[i].requested,
            "approved": lambda i: docs[i].approved,
            "findings": lambda i: docs[i].findings,
            "rules": lambda i: docs[i].rules,
        }
        fn = keys.get(key)
        if fn is None:          # names are read a page at a time: not sortable
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._rows = sorted(self._rows, key=fn, reverse=order == Qt.SortOrder.DescendingOrder)
        self._row_of = None
        self.layoutChanged.emit()


def fmt_code(text: str) -> str:
    from desktop.domain.jalali import normalize_digits
    return normalize_digits(text.strip())
