"""The running totals of the batch (requested, approved, deducted by clause, insured and organisation share),
derived from the marks by ReviewSession.totals() and redrawn after every decision."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel

from desktop.review.session import FREE_TEXT_RULE, Totals

from . import fmt

__all__ = ["TotalsPanel"]

_FIELDS = (("requested", "درخواستی"), ("approved", "تأییدی"), ("deducted", "کسور"),
           ("insured_share", "سهم بیمه‌شده"), ("org_share", "سهم سازمان"))


def _rule_name(rule: str) -> str:
    return "علت متنی کارشناس" if rule == FREE_TEXT_RULE else rule


class TotalsPanel(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("totals")
        g = QGridLayout(self)
        g.setContentsMargins(10, 4, 10, 4)
        g.setHorizontalSpacing(14)
        self.values: dict[str, QLabel] = {}
        col = 0
        for key, name in _FIELDS:
            n = QLabel(name)
            n.setStyleSheet("color:#4b5563")
            v = QLabel("—")
            v.setObjectName(f"total_{key}")
            v.setStyleSheet("font-weight:bold")
            g.addWidget(n, 0, col)
            g.addWidget(v, 1, col)
            self.values[key] = v
            col += 1
        n = QLabel("اسناد")
        n.setStyleSheet("color:#4b5563")
        self.marks = QLabel("—")
        self.marks.setObjectName("total_marks")
        g.addWidget(n, 0, col)
        g.addWidget(self.marks, 1, col)
        col += 1
        n = QLabel("کسور به تفکیک بند")
        n.setStyleSheet("color:#4b5563")
        self.by_rule = QLabel("—")
        self.by_rule.setObjectName("total_by_rule")
        self.by_rule.setWordWrap(True)
        g.addWidget(n, 0, col)
        g.addWidget(self.by_rule, 1, col)
        g.setColumnStretch(col, 1)
        self.totals: Totals | None = None

    def show_totals(self, t: Totals | None) -> None:
        self.totals = t
        if t is None:
            for v in self.values.values():
                v.setText("—")
            self.marks.setText("—")
            self.by_rule.setText("—")
            return
        for key, _ in _FIELDS:
            self.values[key].setText(f"{fmt.amount(getattr(t, key))} ریال")
        m = t.marks
        self.marks.setText(f"✓ تأیید {fmt.number(m.get('tick', 0))} · ◯ تعدیل {fmt.number(m.get('circle', 0))} · "
                           f"0 کسر کامل {fmt.number(m.get('zero', 0))} — علامت‌خورده {fmt.number(t.confirmed)} از "
                           f"{fmt.number(t.documents)}")
        items = sorted(t.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = fmt.rtl_join((f"{_rule_name(rule)}: {fmt.amount(v)}" for rule, v in items[:5]), " · ")
        if len(items) > 5:
            shown += f"{fmt.RLM} … و {fmt.number(len(items) - 5)} بند دیگر"
        self.by_rule.setText(shown or "کسری نیست")
        self.by_rule.setToolTip("\n".join(f"{fmt.RLM}{_rule_name(rule)}: {fmt.amount(v)} ریال" for rule, v in items))
