"""The insured's history, as the frequency rules see it (rule-inputs.md §2).

History is not a separate structure: earlier services are ordinary documents — from earlier batches (the store,
or earlier files on the command line) and earlier documents of the batch under review.  This index flattens them
into service records keyed by national id, in the order they were reviewed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterator

from desktop.domain.absent import ABSENT
from desktop.domain.jalali import JDate

__all__ = ["ServiceRecord", "HistoryIndex"]


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    national_id: str
    code: str | None
    on: JDate | None
    qty: float
    provider_code: str | None
    batch_id: str
    seq: int
    line: int
    kind: str                      # "prescription" | "bill"
    prescriber: str | None         # council number
    details: Any                   # the line's Details (tooth, jaw, agent, …) or None
    paid: bool                     # False when this review zeroed it
    course_id: str | None = None   # radiotherapy course (`prescription.course.id`)


def _v(x, default=None):
    return default if x is ABSENT or x is None else x


class HistoryIndex:
    def __init__(self):
        self._by_id: dict[str, list[ServiceRecord]] = defaultdict(list)
        self.documents = 0

    def __len__(self):
        return sum(len(v) for v in self._by_id.values())

    def add_prescription(self, header, rx, outcome=None) -> None:
        insured = _v(getattr(rx, "insured", None))
        nid = _v(getattr(insured, "national_id", None)) if insured is not None else None
        self.documents += 1
        if not nid:
            return
        zeroed = set()
        if outcome is not None:
            zeroed = {l.index for l in outcome.lines if l.mark == "zero"}
        served = _v(getattr(rx, "served_on", None)) or _v(getattr(rx, "prescribed_on", None))
        prescriber = _v(getattr(rx, "prescriber", None))
        council = _v(getattr(prescriber, "council_no", None)) if prescriber is not None else None
        prov = _v(getattr(header.provider, "code", None))
        course = _v(getattr(rx, "course", None))
        course_id = _v(getattr(course, "id", None)) if course is not None else None
        for i, item in enumerate(_v(getattr(rx, "items", None), [])):
            qty = _v(getattr(item, "qty", None), 1)
            on = _v(getattr(item, "served_on", None)) or served
            self._by_id[nid].append(ServiceRecord(
                nid, _v(item.code), on, qty, prov, header.id, rx.seq, i, "prescription", council,
                _v(getattr(item, "details", None)), i not in zeroed, course_id))

    def add_bill(self, header, bill) -> None:
        insured = _v(getattr(bill, "insured", None))
        nid = _v(getattr(insured, "national_id", None)) if insured is not None else None
        self.documents += 1
        if not nid:
            return
        prov = _v(getattr(header.provider, "code", None))
        for i, proc in enumerate(_v(getattr(bill, "procedures", None), [])):
            surgeon = _v(getattr(proc, "surgeon", None))
            self._by_id[nid].append(ServiceRecord(
                nid, _v(getattr(proc, "code", None)), _v(getattr(proc, "on", None)), _v(getattr(proc, "qty", None), 1),
                prov, header.id, bill.seq, i, "bill",
                _v(getattr(surgeon, "council_no", None)) if surgeon is not None else None,
                _v(getattr(proc, "details", None)), True))

    def add_batch(self, batch) -> None:
        """Add every document of an earlier batch (a domain ClaimBatch)."""
        for rx in _v(batch.prescriptions, []):
            self.add_prescription(batch.batch, rx)
        for bill in _v(batch.bills, []):
            self.add_bill(batch.batch, bill)

    def services(self, national_id: str | None, codes=None, *, since: JDate | None = None,
                 until: JDate | None = None, paid_only: bool = True) -> Iterator[ServiceRecord]:
        """Earlier services of one insured, optionally restricted to a code set and a date window (inclusive)."""
        if not national_id:
            return
        for r in self._by_id.get(national_id, ()):
            if paid_only and not r.paid:
                continue
            if codes is not None and r.code not in codes:
                continue
            if since is not None and (r.on is None or r.on < since):
                continue
            if until is not None and (r.on is None or r.on > until):
                continue
            yield r
