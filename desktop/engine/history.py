"""The insured's and the physicians' history, as the rules see it (rule-inputs.md §2).

History is not a separate structure: earlier services are ordinary documents — from earlier batches (the store,
or earlier files on the command line) and earlier documents of the batch under review.  This index flattens them
into records, in the order they were added:

* service records (`services`) keyed by national id: the frequency rules;
* the stays of earlier bills (`stays`, `bill_stay`) keyed by national id: the psychiatric days of earlier
  admissions (INP-6-12) and the discharge of an earlier operation's stay (RVU-53-N1);
* anaesthesia records (`anesthesia`) and assistant-surgeon records (`assists`) keyed by the physician
  (`person_key`: the council number, else the national id): simultaneous anaesthesias of one anaesthesiologist
  (RVU-44) and a resident's other bills of the month (INP-11-B), across patients, hospitals and batches.

The bill facts are plain tuples of ints and strings (a 100,000-document history keeps no model objects alive).
A bill's facts are added once per (batch id, seq): `preload(batch)` adds those of the batch under review before
it is reviewed, so a bill's checks also see the batch's later bills; `add_bill` (called by the engine after each
bill) then adds only its service records.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, NamedTuple

from desktop.domain.absent import ABSENT
from desktop.domain.jalali import JDate

__all__ = ["ServiceRecord", "StayRecord", "AnesthesiaRecord", "AssistRecord", "HistoryIndex", "person_key"]


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


class StayRecord(NamedTuple):
    """An earlier bill's stay: admission and discharge (minute stamps, JDateTime.stamp), the date its bed-days are
    counted to (INP-6-2, an ordinal), the leave days, and its ward stays ((ward, from stamp, to stamp), …) — the
    insured's own, newborn stays left out."""
    batch_id: str
    seq: int | None
    provider_code: str | None
    admitted: int | None
    discharged: int | None
    basis: int | None
    leave_days: int
    stays: tuple


class AnesthesiaRecord(NamedTuple):
    """One anaesthesia of a physician: start / end (minute stamps), ASA class (0 = not given), the patient."""
    start: int
    end: int
    asa: int
    national_id: str | None
    batch_id: str
    seq: int | None
    index: int          # 0-based, in bill.anesthesia[]
    order: int          # the order it was added: ties of start time go to the earlier-filed record


class AssistRecord(NamedTuple):
    """One procedure a physician assisted: its date (ordinal), `present` (False: found absent), role and year."""
    on: int | None
    present: bool | None
    role: str | None
    resident_year: int | None
    national_id: str | None
    batch_id: str
    seq: int | None
    index: int          # 0-based, in bill.procedures[]
    provider_code: str | None


def _v(x, default=None):
    return default if x is ABSENT or x is None else x


def person_key(person) -> str | None:
    """How the history names a physician (rule-inputs.md §1.7): the council number, else `nid:` + national id."""
    if person is None or person is ABSENT:
        return None
    c = _v(getattr(person, "council_no", None))
    if isinstance(c, str) and c.strip():
        return c.strip()
    n = _v(getattr(person, "national_id", None))
    if isinstance(n, str) and n.strip():
        return "nid:" + n.strip()
    return None


def _stamp(x) -> int | None:
    x = _v(x)
    return x.stamp if x is not None else None


def discharge_basis(bill) -> int | None:
    """INP-6-2: the date (ordinal) a bill's bed-days are counted to — the physician's discharge order when it is
    earlier than the discharge and the discharge is on the physician's order, else the discharge date."""
    d = _v(getattr(bill, "discharged_at", None))
    if d is None:
        return None
    order = _v(getattr(bill, "discharge_order_on", None))
    if order is not None and order < d.date and _v(getattr(bill, "discharge", None)) in (None, "physician_order"):
        return order.ordinal
    return d.date.ordinal


class HistoryIndex:
    def __init__(self):
        self._by_id: dict[str, list[ServiceRecord]] = defaultdict(list)
        self.documents = 0
        self._stays: dict[str, list[StayRecord]] = {}
        self._anesthesia: dict[str, list[AnesthesiaRecord]] = {}
        self._assists: dict[str, list[AssistRecord]] = {}
        self._facts: set[tuple] = set()         # (batch id, seq) of the bills whose facts are in
        self._order = 0

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
        self.add_bill_facts(header, bill)
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

    def add_bill_facts(self, header, bill, *, stays: bool = True) -> bool:
        """The bill's stay (per insured), anaesthesia and assistant records (per physician), once per (batch id,
        seq); `stays=False` keeps only the physicians' records (a bill of another insured). False when already in."""
        bid = header.id
        seq = _v(getattr(bill, "seq", None))
        key = (bid, seq if seq is not None else id(bill))
        if key in self._facts:
            return False
        self._facts.add(key)
        insured = _v(getattr(bill, "insured", None))
        nid = _v(getattr(insured, "national_id", None)) if insured is not None else None
        prov = _v(getattr(header.provider, "code", None))
        if stays and nid:
            own = []
            for st in _v(getattr(bill, "stays", None), []):
                if _v(getattr(st, "patient", None), "insured") == "newborn":
                    continue
                f, t = _stamp(getattr(st, "from_", None)), _stamp(getattr(st, "to", None))
                if f is None or t is None:
                    continue
                own.append((_v(getattr(st, "ward", None), "general"), f, t))
            leave = _v(getattr(bill, "leave_days", None), 0)
            self._stays.setdefault(nid, []).append(StayRecord(
                bid, seq, prov, _stamp(getattr(bill, "admitted_at", None)),
                _stamp(getattr(bill, "discharged_at", None)), discharge_basis(bill),
                leave if isinstance(leave, int) else 0, tuple(own)))
        for i, a in enumerate(_v(getattr(bill, "anesthesia", None), [])):
            who = person_key(_v(getattr(a, "anesthesiologist", None)))
            s, e = _stamp(getattr(a, "start", None)), _stamp(getattr(a, "end", None))
            if who is None or s is None or e is None:
                continue
            asa = _v(getattr(a, "asa", None), 0)
            self._order += 1
            self._anesthesia.setdefault(who, []).append(AnesthesiaRecord(
                s, e, asa if isinstance(asa, int) else 0, nid, bid, seq, i, self._order))
        for i, p in enumerate(_v(getattr(bill, "procedures", None), [])):
            person = _v(getattr(p, "assistant", None))
            who = person_key(person)
            if who is None:
                continue
            on = _v(getattr(p, "on", None))
            if on is None:
                adm = _v(getattr(bill, "admitted_at", None))
                on = adm.date if adm is not None else None
            year = _v(getattr(person, "resident_year", None))
            self._assists.setdefault(who, []).append(AssistRecord(
                on.ordinal if on is not None else None, _v(getattr(person, "present", None)),
                _v(getattr(person, "role", None)), year if isinstance(year, int) else None, nid, bid, seq, i, prov))
        return True

    def preload(self, batch) -> None:
        """The bill facts of the batch under review (a domain ClaimBatch), before it is reviewed."""
        for bill in _v(batch.bills, []):
            self.add_bill_facts(batch.batch, bill)

    def stays(self, national_id: str | None) -> Iterator[StayRecord]:
        """The insured's bills' stays, in the order they were added."""
        if national_id:
            yield from self._stays.get(national_id, ())

    def bill_stay(self, national_id: str | None, batch_id: str, seq) -> StayRecord | None:
        """The stay of one bill of the insured (by batch id and seq), or None."""
        for r in self.stays(national_id):
            if r.batch_id == batch_id and r.seq == seq:
                return r
        return None

    def anesthesia(self, person: str | None, *, start: int | None = None,
                   end: int | None = None) -> Iterator[AnesthesiaRecord]:
        """A physician's anaesthesias, optionally only those overlapping [start, end) (minute stamps; touching
        is not overlapping)."""
        if not person:
            return
        for r in self._anesthesia.get(person, ()):
            if start is not None and r.end <= start:
                continue
            if end is not None and r.start >= end:
                continue
            yield r

    def assists(self, person: str | None, *, since: int | None = None,
                until: int | None = None) -> Iterator[AssistRecord]:
        """The procedures a physician assisted, optionally dated within [since, until] (ordinals, inclusive)."""
        if not person:
            return
        for r in self._assists.get(person, ()):
            if since is not None and (r.on is None or r.on < since):
                continue
            if until is not None and (r.on is None or r.on > until):
                continue
            yield r

    def physicians(self) -> Iterable[str]:
        """Every physician with an anaesthesia or an assistant record."""
        return set(self._anesthesia) | set(self._assists)

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
