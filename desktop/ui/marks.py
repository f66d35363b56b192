"""Drawing the marks of ماده ۲۰ as a reviewer's pen would: ✓, a circle around the corrected figure, or 0 with
its short reason — in the pen colour of whoever made it; the engine's proposals grey, dashed, and labelled
«پیشنهادی» until confirmed."""
from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from . import fmt
from .theme import PROPOSED, pen_colour

__all__ = ["MarkInfo", "paint_mark", "MarkDelegate", "MARK_ROLE", "PROPOSED_FA"]

MARK_ROLE = Qt.ItemDataRole.UserRole + 7
PROPOSED_FA = "پیشنهادی"


class MarkInfo:
    """What the delegate draws for one amount (data of MARK_ROLE)."""
    __slots__ = ("mark", "approved", "requested", "reason", "pen", "proposed")

    def __init__(self, mark: str, approved: int, requested: int, reason: str | None, pen: str | None,
                 proposed: bool):
        self.mark, self.approved, self.requested = mark, approved, requested
        self.reason, self.pen, self.proposed = reason, pen, proposed


def _pen(colour: QColor, proposed: bool, width: float = 2.0) -> QPen:
    pen = QPen(colour, width)
    if proposed:
        pen.setStyle(Qt.PenStyle.DashLine)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def paint_mark(p: QPainter, rect: QRect, info: MarkInfo, font: QFont) -> None:
    """Draw the mark right-aligned in `rect` (right to left: the mark first, then its figure or reason)."""
    colour = PROPOSED if info.proposed else pen_colour(info.pen)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setLayoutDirection(Qt.LayoutDirection.RightToLeft)     # the reason reads right to left, whatever it starts with
    fm = QFontMetrics(font)
    h = rect.height()
    x_right = rect.right() - 6
    cy = rect.center().y()
    bold = QFont(font)
    bold.setBold(True)
    p.setFont(bold)
    p.setPen(_pen(colour, info.proposed))
    if info.mark == "tick":
        s = min(h - 8, 18)
        # a hand-drawn check, right to left
        x0 = x_right - s
        path = [(x0 + s * 0.05, cy), (x0 + s * 0.38, cy + s * 0.35), (x0 + s, cy - s * 0.45)]
        pen = _pen(colour, info.proposed, 2.6)
        p.setPen(pen)
        for (ax, ay), (bx, by) in zip(path, path[1:]):
            p.drawLine(int(ax), int(ay), int(bx), int(by))
        text_right = x0 - 8
        rest = ""
    elif info.mark == "circle":
        figure = fmt.amount(info.approved)
        w = fm.horizontalAdvance(figure) + 16
        ell = QRectF(x_right - w, cy - (fm.height() + 6) / 2, w, fm.height() + 6)
        p.setPen(_pen(colour, info.proposed, 2.0))
        p.drawEllipse(ell)
        p.setPen(colour)
        p.drawText(ell, Qt.AlignmentFlag.AlignCenter, figure)
        text_right = int(ell.left()) - 8
        rest = info.reason or ""
    else:   # zero: a written 0 (the Persian ۰ is a dot — too small to see), then the short reason
        zero_font = QFont(bold)
        zero_font.setPointSizeF(bold.pointSizeF() * 1.25)
        p.setFont(zero_font)
        zfm = QFontMetrics(zero_font)
        zw = zfm.horizontalAdvance("0")
        p.setPen(colour)
        p.drawText(QRect(x_right - zw - 2, rect.top(), zw + 4, h), Qt.AlignmentFlag.AlignCenter, "0")
        p.setFont(bold)
        text_right = x_right - zw - 10
        rest = info.reason or ""
    small = QFont(font)
    small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    if rest:
        p.setFont(small)
        p.setPen(colour)
        label_w = 0
        if info.proposed:
            label_w = QFontMetrics(small).horizontalAdvance(PROPOSED_FA) + 18
        avail = QRect(rect.left() + label_w, rect.top(), max(0, text_right - rect.left() - label_w), h)
        elided = QFontMetrics(small).elidedText(rest, Qt.TextElideMode.ElideRight, avail.width())   # cut its end
        p.drawText(avail, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, elided)
    if info.proposed:
        p.setFont(small)
        sfm = QFontMetrics(small)
        w = sfm.horizontalAdvance(PROPOSED_FA) + 12
        badge = QRect(rect.left() + 4, cy - sfm.height() // 2 - 2, w, sfm.height() + 4)
        p.setPen(QPen(PROPOSED, 1, Qt.PenStyle.DashLine))
        p.setBrush(QColor("#f3f4f6"))
        p.drawRoundedRect(badge, 6, 6)
        p.setPen(PROPOSED)
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, PROPOSED_FA)
    p.restore()


class MarkDelegate(QStyledItemDelegate):
    """Paints the MARK_ROLE data of a cell with paint_mark."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        info = index.data(MARK_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if isinstance(info, MarkInfo):
            paint_mark(painter, option.rect, info, option.font)

    def sizeHint(self, option, index) -> QSize:
        base = super().sizeHint(option, index)
        fm = QFontMetrics(option.font)
        return QSize(max(base.width(), fm.horizontalAdvance("۰" * 12) + 140), max(base.height(), fm.height() + 16))
