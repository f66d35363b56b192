"""Colours and the style sheet of the desk.  Pens follow the manual (ماده ۲۰-۳): technical review green,
accounting red; the engine's proposals are grey and dashed until a reviewer confirms them."""
from __future__ import annotations

from PySide6.QtGui import QColor

__all__ = ["PEN_COLOUR", "PROPOSED", "PAPER", "PAPER_EDGE", "INK", "MUTED", "FLAG", "pen_colour", "STYLE"]

PEN_COLOUR = {"green": QColor("#13803a"), "red": QColor("#c62828")}
PROPOSED = QColor("#6b7280")
PAPER = QColor("#fffdf6")
PAPER_EDGE = QColor("#d8d2c0")
INK = QColor("#1f2937")
MUTED = QColor("#6b7280")
FLAG = QColor("#b45309")


def pen_colour(pen: str | None) -> QColor:
    return PEN_COLOUR.get(pen or "", PROPOSED)


STYLE = """
QFrame#paper { background: #fffdf6; border: 1px solid #d8d2c0; border-radius: 4px; }
QFrame#paper QLabel { background: transparent; }
QLabel.fieldname { color: #6b7280; }
QLabel#paperTitle { font-weight: bold; font-size: 13pt; }
QLabel#stateBadge { border-radius: 8px; padding: 2px 10px; background: #e0e7ff; color: #1e3a8a; }
QLabel#proposedBadge { border-radius: 8px; padding: 2px 10px; background: #f3f4f6; color: #4b5563; }
QLabel#confirmedBadge { border-radius: 8px; padding: 2px 10px; background: #dcfce7; color: #14532d; }
QLabel#signedBanner { background: #fee2e2; color: #7f1d1d; padding: 4px; }
QFrame#totals { background: #f8fafc; border-top: 1px solid #e5e7eb; }
QLabel.totalValue { font-weight: bold; }
QLabel.totalName { color: #4b5563; }
QTableView { gridline-color: #e5e7eb; }
"""
