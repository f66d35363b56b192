"""The findings panel: for each finding the clause id, the clause's Persian text, the data that triggered it and
the proposal (mark and amount) — the finding of the amount under the cursor highlighted."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QTextBrowser

from desktop.review import labels
from desktop.review.session import DocView, FindingView, Place

from . import fmt

__all__ = ["FindingsPanel", "finding_html", "data_text"]

_SEVERITY_COLOUR = {"deny": "#b91c1c", "adjust": "#b45309", "review": "#1d4ed8"}
_MARK_SIGN = {"tick": "✓", "circle": "◯", "zero": "0"}


def _value(v) -> str:
    if isinstance(v, bool):
        return "بله" if v else "خیر"
    if isinstance(v, int):
        return fmt.amount(v) if abs(v) >= 10000 else fmt.number(v)
    if isinstance(v, float):
        return fmt.number(v)
    if isinstance(v, (list, tuple)):
        return "، ".join(_value(x) for x in v)
    if isinstance(v, dict):
        return "، ".join(f"{labels.DATA_KEY.get(k, k)}: {_value(x)}" for k, x in v.items())
    if v is None:
        return "ندارد"
    return fmt.digits(v)


def data_text(data: dict) -> str:
    """The facts that triggered a finding, in Persian (`tariff: ۶۰۰٬۰۰۰` …)."""
    return " · ".join(f"{labels.DATA_KEY.get(k, k)}: {_value(v)}" for k, v in data.items())


def _place_text(view: DocView, place: Place) -> str:
    if place.line is not None:
        return f"ردیف {fmt.number(place.line)}"
    if place.heading:
        from desktop.review.session import HEADING_FA
        return f"سرفصل {HEADING_FA.get(place.heading, place.heading)}"
    return "کل سند"


def finding_html(view: DocView, f: FindingView, current: bool) -> str:
    colour = _SEVERITY_COLOUR.get(f.severity, "#374151")
    bg = "#fff7ed" if current else "#ffffff"
    # right-to-left marks keep the Latin clause id and the clause number (digits) from merging into one run
    head = (f"<span style='background:{colour}; color:white; padding:1px 6px;'>&nbsp;{html.escape(f.rule)}&nbsp;</span>"
            f"{fmt.RLM} &nbsp;{fmt.RLM}<b>{html.escape(('بند ' + fmt.digits(f.clause)) if f.clause else '')}</b>"
            f" &nbsp;<span style='color:{colour}'>{labels.SEVERITY.get(f.severity, f.severity)}</span>"
            f" &nbsp;<span style='color:#6b7280'>({_place_text(view, f.place)})</span>")
    parts = [head]
    if f.text_fa:
        parts.append(f"<span style='color:#374151'>متن بند: {html.escape(f.text_fa)}</span>")
    parts.append(f"یافته: <b>{html.escape(f.message_fa)}</b>")
    if f.data:
        parts.append(f"<span style='color:#4b5563'>داده‌ها: {html.escape(data_text(f.data))}</span>")
    if f.mark:
        amount = ""
        if f.mark == "zero":
            amount = " — مبلغ قابل پرداخت: ۰"
        elif f.approved is not None:
            amount = f" — مبلغ قابل پرداخت: {fmt.amount(f.approved)} ریال"
        parts.append(f"پیشنهاد: <b>{_MARK_SIGN.get(f.mark, f.mark)}</b>{amount}")
    else:
        parts.append("پیشنهاد: مبلغی تغییر نمی‌کند تا کارشناس تصمیم بگیرد")
    return (f"<table width='100%' cellpadding='6' style='background:{bg}; border-bottom:1px solid #e5e7eb'>"
            f"<tr><td>{'<br>'.join(parts)}</td></tr></table>")


class FindingsPanel(QTextBrowser):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("findings")
        self.setOpenLinks(False)
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        opt = QTextOption(self.document().defaultTextOption())
        opt.setTextDirection(Qt.LayoutDirection.RightToLeft)
        opt.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.document().setDefaultTextOption(opt)
        self.view: DocView | None = None
        self.show_findings(None, None)

    def show_findings(self, view: DocView | None, place: Place | None) -> None:
        self.view = view
        if view is None:
            self.setHtml("<p style='color:#6b7280'>یافته‌های سند اینجا می‌آید.</p>")
            return
        if not view.findings:
            self.setHtml("<p style='color:#15803d'><b>یافته‌ای نیست:</b> سامانه این سند را بی‌اشکال یافته است.</p>")
            return
        rows = []
        for f in view.findings:
            current = place is not None and (f.place == place or (f.place.line is None and f.place.heading is None))
            rows.append(finding_html(view, f, current))
        self.setHtml(f"<div><b>یافته‌ها ({fmt.number(len(view.findings))})</b></div>" + "".join(rows))

    def plain(self) -> str:
        return self.toPlainText()
