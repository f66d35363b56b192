"""What the engine says about a document: findings and the proposed marks (manual, ماده ۲۰)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TICK", "CIRCLE", "ZERO", "DENY", "ADJUST", "REVIEW", "PRICE", "Finding", "LineOutcome", "DocOutcome",
           "BatchOutcome", "doc_mark"]

TICK, CIRCLE, ZERO = "tick", "circle", "zero"
DENY, ADJUST, REVIEW = "deny", "adjust", "review"
PRICE = "price"     # not a finding: sets the price basis of a line (e.g. a specialist's +50 %), never reported


@dataclass(slots=True)
class Finding:
    """One clause applied to one place.

    `line` is the 0-based index of the item in the document (None: the whole document); `mark` is the mark the
    clause proposes for that place; `severity` deny/adjust/review (review changes no amount until a reviewer
    decides). `data` holds the facts that triggered it, for the reviewer; `message_fa` explains it in Persian.
    """
    rule: str
    severity: str
    mark: str
    message_fa: str
    line: int | None = None
    heading: str | None = None
    paid_code: str | None = None
    paid_qty: float | None = None
    approved: int | None = None           # an adjusting clause's corrected amount (total Rials), if it gives one
    data: dict[str, Any] = field(default_factory=dict)
    batch_level: bool = False


@dataclass(slots=True)
class LineOutcome:
    index: int
    line_no: int
    code: str | None
    requested: int
    requested_org: int
    requested_insured: int
    mark: str = TICK
    approved: int = 0
    approved_org: int = 0
    approved_insured: int = 0
    paid_code: str | None = None
    paid_qty: float | None = None
    tariff: int | None = None             # government tariff of the billed code × qty (Rials), None if unpriced
    rules: list[str] = field(default_factory=list)
    deducted_by: dict[str, int] = field(default_factory=dict)   # rule → Rials deducted from this line

    @property
    def deducted(self) -> int:
        return self.requested - self.approved


def doc_mark(marks: list[str]) -> str:
    """tick when every amount is ticked, zero when everything is zeroed, circle otherwise (interchange §4)."""
    if not marks or all(m == TICK for m in marks):
        return TICK
    if all(m == ZERO for m in marks):
        return ZERO
    return CIRCLE


@dataclass(slots=True)
class DocOutcome:
    kind: str                              # "prescription" | "bill"
    seq: int
    findings: list[Finding]
    lines: list[LineOutcome]
    headings: dict[str, Any] | None = None
    computed: dict[str, Any] | None = None

    @property
    def requested(self) -> int:
        return sum(l.requested for l in self.lines)

    @property
    def approved(self) -> int:
        return sum(l.approved for l in self.lines)

    @property
    def mark(self) -> str:
        return doc_mark([l.mark for l in self.lines])


@dataclass(slots=True)
class BatchOutcome:
    batch_id: str
    findings: list[Finding]
    documents: list[DocOutcome]
    rules_version: str
    sample_reference: bool = False
