"""The review of one batch by one user: the engine's proposal overlaid by the reviewers' decisions.

    session = ReviewSession(store, batch_id, user)       # or ReviewSession.open(...)
    session.documents[i]                                  # DocEntry: the list row of a document (current marks)
    view = session.document(i)                            # DocView: header JSON, amounts, findings
    session.decide(i, Place(line=2), "circle", amount=600_000, reason=Reason("GEN-15-N2", "…"))
    session.accept(i)                                     # the whole document as the engine proposed
    session.record_fact(i, "paper.council_stamp", False)  # a paper fact the file lacks: the rules re-run
    session.undo(); session.redo()                        # decisions and facts, one stack
    session.totals()                                      # Totals, derived from the marks
    session.to_result()                                   # review-result/1 with the decisions applied

Every decision is a store event at once (Store.record_event; nothing is overwritten): who, role, pen, at (UTC
ISO-8601), the document (kind, seq), the place (line or heading; none for the whole document), mark, amount,
reason (a clause id with its Persian reason, or free text), `accepts` (it confirms the engine's proposal) and
the proposal it saw.  Undo and redo are events too (`undo`/`redo` naming the decision).  The current state of
an amount is the engine's proposal overlaid by the active decisions about it, in event order; a tick or zero of
the whole document applies to each of its amounts, accepting the whole document confirms the proposals of the
amounts not decided yet (the reviewer's own marks stay).

Totals are never typed in: they are the engine's totals (result `totals`) plus, for each document a decision
changed, the difference its marks make.  Shares of an amount the reviewer changed follow the engine's pricing
(docs/general-rules.md, "Amounts"): a tick keeps the requested split; otherwise the organisation pays
(1 − franchise) × the approved amount, never more than it was asked for, and the insured the rest.

A recorded paper fact (`record_fact`: the paper shows no council stamp, an uncertified erasure, no report, the wrong
sheet — desktop/review/rerun.FACTS) is an event too (kind `fact`: document, path, value, previous value, who, role,
at, note).  The rules are re-run at once for the documents the fact can change (rerun.affected) and the new engine
proposals are stored in the same event (`proposals`, with the result they replace), so that opening the batch
replays them without running the engine; they replace the engine's entries of those documents in the list, the
marks, the totals and the result.  A decision already made keeps its mark and amount (an accepting decision keeps
the proposal it accepted).  Undoing or redoing a fact re-runs the rules again and stores the proposals in the
undo/redo event.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterable

from desktop.engine.findings import doc_mark

from . import queries
from .errors import ReviewError
from .users import User

__all__ = ["ReviewSession", "Place", "Reason", "Decision", "FactEntry", "AmountState", "DocEntry", "DocView",
           "FindingView",
           "Totals", "TICK", "CIRCLE", "ZERO", "MARKS", "FREE_TEXT_RULE", "STATE_FA", "HEADING_FA", "MARK_FA"]

log = logging.getLogger("rasidegi.review")

TICK, CIRCLE, ZERO = "tick", "circle", "zero"
MARKS = (TICK, CIRCLE, ZERO)
MARK_FA = {TICK: "تأیید", CIRCLE: "تعدیل", ZERO: "کسر کامل"}
#: by_rule key of deductions a reviewer justified in free text rather than with a clause (a project id)
FREE_TEXT_RULE = "REVIEWER"
STATE_FA = {"received": "دریافت‌شده", "technical_review": "رسیدگی فنی", "accounting": "رسیدگی حسابداری",
            "signed": "امضاشده"}
STATES = ("received", "technical_review", "accounting", "signed")
HEADING_FA = {"hoteling": "هتلینگ (تخت)", "nursing": "خدمات پرستاری", "visits": "ویزیت", "consultations": "مشاوره",
              "surgeon": "حق‌العمل جراح", "assistant_surgeon": "کمک جراح", "anesthesia": "بیهوشی",
              "operating_room": "اتاق عمل", "drugs": "دارو", "supplies": "لوازم مصرفی", "lab": "آزمایشگاه",
              "imaging": "تصویربرداری", "physiotherapy": "فیزیوتراپی", "other": "سایر"}


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _rial(x) -> int:
    from desktop.engine.evaluate import rial
    return rial(x)


def _int(x) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None


# --- values --------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Place:
    """One amount of a document: a prescription line (its `line` number), a bill heading, or — both None — the
    whole document."""
    line: int | None = None
    heading: str | None = None

    @property
    def whole(self) -> bool:
        return self.line is None and self.heading is None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an amount is reduced: a clause of the manual (`rule` its id, `text_fa` its short reason) or free text
    (`rule` None)."""
    rule: str | None
    text_fa: str

    def to_json(self) -> dict:
        return {"rule": self.rule, "text_fa": self.text_fa}

    @staticmethod
    def from_json(d: Any) -> "Reason | None":
        if not isinstance(d, dict):
            return None
        rule = d.get("rule") if isinstance(d.get("rule"), str) and d.get("rule") else None
        text = d.get("text_fa") if isinstance(d.get("text_fa"), str) else ""
        return Reason(rule, text) if rule or text else None

    @property
    def by_rule_key(self) -> str:
        return self.rule or FREE_TEXT_RULE


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision event as recorded (and replayed)."""
    id: int
    who: str
    role: str | None
    pen: str | None
    at: str
    kind: str                   # document kind: prescription | bill
    seq: int
    place: Place
    mark: str | None            # None when it accepts the proposal (the proposal decides the mark)
    amount: int | None
    reason: Reason | None
    accepts: bool
    basis: dict | None = None   # the proposal in force when it was made (None: the engine's stored result entry)


@dataclass(frozen=True, slots=True)
class FactEntry:
    """A recorded paper fact (an event of kind `fact`): `value` as recorded and `previous` the value the document
    had before it (ABSENT: the key absent, i.e. "as it should be"); the desk's facts panel reads these."""
    id: int
    who: str
    role: str | None
    pen: str | None
    at: str
    kind: str                   # document kind
    seq: int
    path: str                   # rerun.FACTS path: paper.council_stamp, sheet, items[0].attachments, …
    value: Any
    previous: Any
    note: str | None = None

    @property
    def spec(self):
        from .rerun import fact_spec
        return fact_spec(self.kind, self.path)[0]

    @property
    def label_fa(self) -> str:
        from .rerun import fact_spec
        spec, line = fact_spec(self.kind, self.path)
        return spec.label_fa if line is None else f"{spec.label_fa} (ردیف {str(line + 1).translate(_FA)})"

    @property
    def value_fa(self) -> str:
        from .rerun import value_fa
        return value_fa(self.spec, self.value)

    @property
    def previous_fa(self) -> str:
        from .rerun import value_fa
        return value_fa(self.spec, self.previous)


_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fact_value(ev: dict, key: str):
    from desktop.domain.absent import ABSENT
    return ABSENT if ev.get(key + "_absent") else ev.get(key)


@dataclass(slots=True)
class AmountState:
    """The current state of one amount: the engine's proposal, or the last active decision about it."""
    place: Place
    label: str                  # the line's code or the heading's name
    requested: int
    proposed_mark: str
    proposed_approved: int
    proposed_rule: str | None   # the clause the engine deducted by (None: nothing deducted)
    rules: tuple[str, ...]      # every clause the engine cited for this amount
    mark: str
    approved: int
    reason: Reason | None = None
    decision: Decision | None = None    # None: the engine's proposal, not yet confirmed («پیشنهادی»)
    requested_insured: int | None = None
    requested_org: int | None = None

    @property
    def proposed(self) -> bool:
        return self.decision is None

    @property
    def pen(self) -> str | None:
        return self.decision.pen if self.decision is not None else None

    @property
    def deducted(self) -> int:
        return self.requested - self.approved

    @property
    def deduction_rule(self) -> str | None:
        """The by_rule key of this amount's deduction (None when nothing is deducted)."""
        if self.approved >= self.requested:
            return None
        if self.reason is not None:
            return self.reason.by_rule_key
        return self.proposed_rule or (self.rules[0] if self.rules else FREE_TEXT_RULE)


@dataclass(slots=True)
class DocEntry:
    """A document as the batch list shows it."""
    index: int
    kind: str
    seq: int
    pk: int | None
    national_id: str | None
    served_on: str | None
    requested: int
    approved: int
    mark: str
    proposed_approved: int
    proposed_mark: str
    findings: int
    rules: tuple[str, ...]          # clauses the engine cited
    review: bool                    # a finding asks for a human decision
    decided: int = 0                # amounts with a decision
    amounts: int = 0
    pen: str | None = None          # the pen of the latest decision

    @property
    def flagged(self) -> bool:
        return self.findings > 0 or self.proposed_mark != TICK

    @property
    def confirmed(self) -> bool:
        return self.amounts > 0 and self.decided >= self.amounts


@dataclass(frozen=True, slots=True)
class FindingView:
    rule: str
    clause: str | None
    text_fa: str | None             # the clause's Persian text (rule pack)
    message_fa: str
    severity: str
    mark: str | None
    place: Place
    approved: int | None
    data: dict


@dataclass(slots=True)
class DocView:
    entry: DocEntry
    doc: dict                       # the document as imported (claim-batch/1)
    result: dict                    # the engine's result entry
    amounts: list[AmountState]
    findings: list[FindingView]
    recorded: dict = field(default_factory=dict)    # path → FactEntry: the paper facts recorded (active, latest)


@dataclass(slots=True)
class Totals:
    requested: int = 0
    approved: int = 0
    insured_share: int = 0
    org_share: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    marks: dict[str, int] = field(default_factory=dict)
    confirmed: int = 0              # documents whose every amount has a decision

    @property
    def deducted(self) -> int:
        return self.requested - self.approved

    def as_result(self) -> dict:
        by_rule = {k: v for k, v in sorted(self.by_rule.items(), key=lambda kv: (-kv[1], kv[0])) if v}
        return {"requested": self.requested, "approved": self.approved, "deducted": self.deducted,
                "insured_share": self.insured_share, "org_share": self.org_share, "by_rule": by_rule}


@dataclass(slots=True)
class _Delta:
    requested: int = 0
    approved: int = 0
    insured: int = 0
    org: int = 0
    by_rule: Counter = field(default_factory=Counter)
    marks: Counter = field(default_factory=Counter)
    confirmed: int = 0


# --- the engine's proposal, read from review-result/1 -----------------------------------------------------------

def _engine_rule(result_doc: dict, mark: str, line_no: int | None, rules: list) -> str | None:
    """The clause the engine deducted an amount by, as the engine attributes it (desktop/engine/evaluate.py): a
    zeroed amount to the document's first deny (batch-level first), else the line's first deny; a reduced one to
    the adjusting clause of the line; else the first clause cited."""
    findings = result_doc.get("findings") or []
    if mark == ZERO:
        for f in findings:
            if f.get("severity") == "deny" and f.get("line") is None and not f.get("heading"):
                return f.get("rule")
        if line_no is not None:
            for f in findings:
                if f.get("severity") == "deny" and f.get("line") == line_no:
                    return f.get("rule")
    if line_no is not None:
        for f in findings:
            if f.get("severity") == "adjust" and f.get("line") == line_no:
                return f.get("rule")
    return rules[0] if rules else None


def _proposal_amounts(kind: str, result_doc: dict) -> list[AmountState]:
    out = []
    if kind == "prescription":
        for line in result_doc.get("lines") or []:
            no = line.get("line")
            req, appr, mark = line.get("requested") or 0, line.get("approved") or 0, line.get("mark") or TICK
            rules = list(line.get("rules") or [])
            rule = _engine_rule(result_doc, mark, no, rules) if appr < req else None
            out.append(AmountState(Place(line=no), line.get("code") or "", req, mark, appr, rule, tuple(rules),
                                   mark, appr))
    else:
        for name, h in (result_doc.get("headings") or {}).items():
            req, appr, mark = h.get("requested") or 0, h.get("approved") or 0, h.get("mark") or TICK
            rules = list(h.get("rules") or [])
            rule = _engine_rule(result_doc, mark, None, rules) if appr < req else None
            out.append(AmountState(Place(heading=name), name, req, mark, appr, rule, tuple(rules), mark, appr))
    return out


def _requested_shares(kind: str, doc: dict | None, amounts: list[AmountState]) -> None:
    """Fill each amount's requested insured/organisation shares from the document (prescription lines)."""
    if kind != "prescription" or not isinstance(doc, dict):
        return
    items = doc.get("items") if isinstance(doc.get("items"), list) else []
    by_line = {}
    for i, item in enumerate(items):
        if isinstance(item, dict):
            no = item.get("line") if _int(item.get("line")) is not None else i + 1
            by_line[no] = item
    for a in amounts:
        item = by_line.get(a.place.line)
        req = item.get("requested") if isinstance(item, dict) else None
        if isinstance(req, dict):
            a.requested_insured = _int(req.get("insured"))
            a.requested_org = _int(req.get("org"))


def shares(a: AmountState, approved: int, franchise: Decimal) -> tuple[int, int]:
    """(insured, organisation) shares of `approved` for this amount (see the module doc)."""
    if approved <= 0:
        return 0, 0
    if approved == a.requested and a.requested_insured is not None and a.requested_org is not None:
        return a.requested_insured, a.requested_org
    org = _rial(Decimal(approved) * (Decimal(1) - franchise))
    if a.requested_org is not None:
        org = min(org, a.requested_org)
    org = max(0, min(org, approved))
    return approved - org, org


# --- the session -------------------------------------------------------------------------------------------

class ReviewSession:
    """The review of one stored batch by one user (see the module doc)."""

    def __init__(self, store, batch_id: str, user: User, *, rules=None, reference=None):
        with queries.paused_gc(freeze=True):    # 100,000 documents: millions of acyclic objects made at once
            self._open(store, batch_id, user, rules, reference)

    def _open(self, store, batch_id: str, user: User, rules, reference) -> None:
        self.store = store
        self.user = user
        self._rules = rules
        self._reference = reference
        row = queries.batch_row(store, batch_id, counts=False)
        if row is None:
            raise ReviewError(f"no batch {batch_id!r} in the database",
                              f"پرونده «{batch_id}» در پایگاه داده نیست", "unknown_document")
        self.batch = row
        self.batch_id = batch_id
        self.header = queries.batch_header(store, batch_id) or {}
        index = queries.review_index(store, row)
        if index is None:
            raise ReviewError(f"batch {batch_id!r} has not been reviewed by the engine yet",
                              f"پرونده «{batch_id}» هنوز بررسی خودکار نشده است", "no_result")
        self.result_pk = index.result_pk
        self.head = index.head                               # the engine's result without its documents
        self.state = row.state
        self._build_index(index.rows)
        self._entries: dict[int, dict] = {}                  # position → the engine's entry (read on demand)
        self._full_result: dict | None = None
        self._docs_cache: dict[int, dict] = {}
        self._decisions: dict[int, list[Decision]] = {}     # doc index → its decisions, in event order
        self._active: set[int] = set()                       # ids of decisions not undone
        self._undo: list[int] = []                           # this user's decisions, undoable
        self._redo: list[int] = []
        self._by_id: dict[int, tuple[int, Decision]] = {}
        self._deltas: dict[int, _Delta] = {}
        self._facts: dict[int, tuple[int, FactEntry]] = {}   # fact event id → (doc index, entry), event order
        self._overrides: dict[int, dict] = {}                # doc index → the re-run's entry (facts applied)
        self._engine_rows: dict[int, tuple] = {}             # doc index → its list fields from the engine's entry
        self._fact_log_last = 0                              # id of the latest event that set the proposals
        self.changed_documents: set[int] = set()             # documents the latest fact change re-proposed
        self._base = self._engine_totals()
        self._replay(store.events(batch_id))

    @classmethod
    def open(cls, store, batch_id: str, user: User, **kw) -> "ReviewSession":
        return cls(store, batch_id, user, **kw)

    # --- building ------------------------------------------------------------------------------------

    def _build_index(self, rows: list[tuple]) -> None:
        """DocEntry of every document from the desk's list (queries.ROW_COLUMNS): no JSON read."""
        docs: list[DocEntry] = []
        key_index: dict[tuple[str, int], int] = {}
        for (position, pk, kind, seq, nid, served_on, mark, requested, approved, amounts, findings, review,
             rules) in rows:       # the hot loop of a 100,000-document batch
            docs.append(DocEntry(position, kind, seq, pk, nid, served_on, requested, approved, mark, approved, mark,
                                 findings, tuple(rules.split()) if rules else (), bool(review), 0, amounts))
            key_index[(kind, seq)] = position
        self.documents: list[DocEntry] = docs
        self._key_index = key_index

    def _entry(self, index: int) -> dict:
        """The proposal in force for a document: the re-run's entry when a recorded fact changed it, else the
        engine's result entry."""
        over = self._overrides.get(index)
        return over if over is not None else self._engine_entry(index)

    def _engine_entry(self, index: int) -> dict:
        """The engine's stored result entry of a document (one row, cached)."""
        entry = self._entries.get(index)
        if entry is None:
            if len(self._entries) > 5000:
                self._entries.clear()
            entry = queries.review_entries(self.store, self.result_pk, [index]).get(index) or {}
            self._entries[index] = entry
        return entry

    @property
    def result(self) -> dict:
        """The engine's whole review-result/1 for this batch (read on first use: every document's entry)."""
        if self._full_result is None:
            entries = queries.all_review_entries(self.store, self.result_pk)
            out = dict(self.head)
            out["prescriptions"] = [e for d, e in zip(self.documents, entries) if d.kind == "prescription"]
            out["bills"] = [e for d, e in zip(self.documents, entries) if d.kind == "bill"]
            self._full_result = out
        return self._full_result

    def _engine_totals(self) -> Totals:
        t = self.head.get("totals") or {}
        marks = Counter(d.mark for d in self.documents)
        return Totals(requested=t.get("requested", 0), approved=t.get("approved", 0),
                      insured_share=t.get("insured_share", 0), org_share=t.get("org_share", 0),
                      by_rule=dict(t.get("by_rule") or {}), documents=len(self.documents), marks=dict(marks),
                      confirmed=0)

    def _replay(self, events: list[dict]) -> None:
        touched: set[int] = set()
        proposals: dict[int, dict] = {}        # the proposals in force at this point of the log (recorded facts)
        proposals_ok = True                    # they were derived from the engine result the session reads
        for ev in events:
            if ev.get("stale"):
                continue
            kind = ev.get("kind")
            if "proposals" in ev and kind in ("fact", "undo", "redo"):
                self._fact_log_last = max(self._fact_log_last, ev["id"])
            if kind == "decision":
                d = self._decision_from_event(ev)
                if d is None:
                    continue
                index = self._key_index.get((d.kind, d.seq))
                if index is None:
                    log.warning("decision %s names a document not in batch %s", d.id, self.batch_id)
                    continue
                if index in proposals:
                    d = replace(d, basis=proposals[index])
                self._decisions.setdefault(index, []).append(d)
                self._by_id[d.id] = (index, d)
                self._active.add(d.id)
                touched.add(index)
                if d.who == self.user.username:
                    self._undo.append(d.id)
                    self._redo.clear()
            elif kind == "fact":
                f = self._fact_from_event(ev)
                index = self._key_index.get((f.kind, f.seq)) if f is not None else None
                if index is None:
                    log.warning("fact event %s names no document of batch %s", ev.get("id"), self.batch_id)
                    continue
                self._facts[f.id] = (index, f)
                self._active.add(f.id)
                touched.add(index)
                if f.who == self.user.username:
                    self._undo.append(f.id)
                    self._redo.clear()
                proposals, proposals_ok = self._read_proposals(ev, proposals, proposals_ok)
            elif kind in ("undo", "redo"):
                target = ev.get("target")
                if target in self._facts:
                    touched.add(self._facts[target][0])
                    proposals, proposals_ok = self._read_proposals(ev, proposals, proposals_ok)
                elif target not in self._by_id:
                    continue
                else:
                    touched.add(self._by_id[target][0])
                mine = ev.get("who") == self.user.username
                if kind == "undo":
                    self._active.discard(target)
                    if mine and target in self._undo:
                        self._undo.remove(target)
                        self._redo.append(target)
                else:
                    self._active.add(target)
                    if mine and target in self._redo:
                        self._redo.remove(target)
                        self._undo.append(target)
        if self._facts:
            if not proposals_ok:
                # the engine's result was replaced since the facts were recorded: derive the proposals again
                log.info("batch %s: re-running the rules for its recorded facts (the engine's result changed)",
                         self.batch_id)
                proposals = self._derive(set())
            self._set_overrides(proposals, refresh=False)
            touched |= set(proposals)
        if touched:
            self._entries.update(queries.review_entries(self.store, self.result_pk, touched))
            # only documents whose amounts changed need their JSON (the requested shares): one query for all
            changed = [i for i in touched if self.documents[i].pk is not None
                       and any(a.approved != a.proposed_approved for a in self.amounts(i))]
            docs = queries.documents_json(self.store, [self.documents[i].pk for i in changed])
            for i in touched:
                self._refresh(i, docs.get(self.documents[i].pk))

    def _read_proposals(self, ev: dict, current: dict[int, dict], ok: bool) -> tuple[dict[int, dict], bool]:
        """The proposals a fact-changing event stored (the whole map in force after it)."""
        if ev.get("result_pk") != self.result_pk or not isinstance(ev.get("proposals"), list):
            return current, False
        out: dict[int, dict] = {}
        for p in ev["proposals"]:
            index = self._key_index.get((p.get("doc"), p.get("seq"))) if isinstance(p, dict) else None
            if index is not None and isinstance(p.get("entry"), dict):
                out[index] = p["entry"]
        return out, True

    @staticmethod
    def _fact_from_event(ev: dict) -> "FactEntry | None":
        from .rerun import fact_spec
        seq = _int(ev.get("seq"))
        if seq is None or ev.get("doc") not in ("prescription", "bill") or not isinstance(ev.get("path"), str):
            return None
        try:
            fact_spec(ev["doc"], ev["path"])
        except ReviewError:
            return None
        return FactEntry(id=ev["id"], who=ev.get("who"), role=ev.get("role"), pen=ev.get("pen"), at=ev.get("at") or "",
                         kind=ev["doc"], seq=seq, path=ev["path"], value=_fact_value(ev, "value"),
                         previous=_fact_value(ev, "previous"), note=ev.get("note"))

    @staticmethod
    def _decision_from_event(ev: dict) -> Decision | None:
        seq = _int(ev.get("seq"))
        if seq is None or ev.get("doc") not in ("prescription", "bill"):
            return None
        return Decision(id=ev["id"], who=ev.get("who"), role=ev.get("role"), pen=ev.get("pen"),
                        at=ev.get("at") or "", kind=ev["doc"], seq=seq,
                        place=Place(_int(ev.get("line")), ev.get("heading") or None),
                        mark=ev.get("mark") if ev.get("mark") in MARKS else None,
                        amount=_int(ev.get("amount")), reason=Reason.from_json(ev.get("reason")),
                        accepts=bool(ev.get("accepts")))

    # --- reference data ----------------------------------------------------------------------------------

    @property
    def rules(self):
        if self._rules is None:
            from desktop.engine.rules import load_rules
            self._rules = load_rules()
        return self._rules

    def _franchise(self, entry: DocEntry) -> Decimal:
        """The insured's share of an outpatient (or inpatient) amount on the document's date."""
        if self._reference is None:
            from desktop.engine.reference import load_default
            self._reference = load_default()
        from desktop.domain.jalali import parse_date
        key = "outpatient" if entry.kind == "prescription" else (
            "limited_surgery_center" if self.provider.get("kind") == "limited_surgery_center" else "inpatient")
        default = Decimal("0.30") if entry.kind == "prescription" else Decimal("0.10")
        on = entry.served_on or (self.header.get("batch") or {}).get("period", "") + "/01"
        try:
            value = self._reference.params.value("franchise", parse_date(on), key, default=None)
        except (ValueError, LookupError):
            value = None
        return Decimal(str(value)) if value is not None else default

    # --- reading -----------------------------------------------------------------------------------------

    @property
    def provider(self) -> dict:
        return (self.header.get("batch") or {}).get("provider") or {}

    @property
    def declared(self) -> dict:
        return (self.header.get("batch") or {}).get("declared") or {}

    def name_of(self, username: str | None) -> str:
        """The full name of the account that made a decision (the user name if unknown)."""
        if not username:
            return ""
        names = getattr(self, "_names", None)
        if names is None or username not in names:
            names = self._names = queries.user_names(self.store)
        return names.get(username) or username

    def index_of(self, kind: str, seq: int) -> int | None:
        return self._key_index.get((kind, seq))

    def _doc_json(self, index: int) -> dict:
        entry = self.documents[index]
        if entry.pk is None:
            return {}
        doc = self._docs_cache.get(entry.pk)
        if doc is None:
            doc = queries.document_json(self.store, entry.pk) or {}
            if len(self._docs_cache) > 2000:
                self._docs_cache.clear()
            self._docs_cache[entry.pk] = doc
        return doc

    def amounts(self, index: int) -> list[AmountState]:
        """The current state of each amount of the document (its lines, or its bill headings)."""
        entry = self.documents[index]
        current = self._overrides.get(index)
        amounts = _proposal_amounts(entry.kind, self._entry(index))
        for d in self._decisions.get(index, ()):
            if d.id not in self._active:
                continue
            accepted = None
            if d.accepts and not (d.basis is current or d.basis == current):
                # it accepted a proposal a recorded fact has since changed: it keeps what it accepted
                basis = d.basis if d.basis is not None else self._engine_entry(index)
                accepted = {b.place: b for b in _proposal_amounts(entry.kind, basis)}
            for a in amounts:
                if d.place == a.place or (d.place.whole and not (d.accepts and a.decision is not None)):
                    # accepting the whole document confirms the proposals of the amounts not yet decided;
                    # a tick or zero of the whole document applies to every amount
                    self._apply(a, d, accepted.get(a.place) if accepted is not None else None)
        return amounts

    def _apply(self, a: AmountState, d: Decision, accepted: AmountState | None = None) -> None:
        if d.accepts and accepted is not None:
            a.mark, a.approved = accepted.proposed_mark, min(accepted.proposed_approved, a.requested)
            rule = accepted.proposed_rule if a.approved < a.requested else None
            r = self.rule(rule) if rule else None
            a.reason = Reason(rule, (r.reason_fa or r.text_fa) if r is not None else "") if rule else None
        elif d.accepts:
            a.mark, a.approved, a.reason = a.proposed_mark, a.proposed_approved, None
        elif d.mark == TICK:
            a.mark, a.approved, a.reason = TICK, a.requested, None
        elif d.mark == ZERO:
            a.mark, a.approved, a.reason = ZERO, 0, d.reason
        elif d.mark == CIRCLE:
            amount = d.amount if d.amount is not None else a.approved
            a.approved = max(0, min(amount, a.requested))
            a.mark = CIRCLE
            a.reason = d.reason
        a.decision = d

    def document(self, index: int) -> DocView:
        """Everything the document's page shows (reads the document's JSON: one row)."""
        self._check_index(index)
        entry = self.documents[index]
        r = self._entry(index)
        doc = self._doc_json(index)
        amounts = self.amounts(index)
        _requested_shares(entry.kind, doc, amounts)
        recorded = self.recorded(index)
        if recorded:
            from .rerun import apply_facts
            doc = apply_facts(doc, {path: f.value for path, f in recorded.items()})
        return DocView(entry, doc, r, amounts, self._finding_views(r), recorded)

    def _finding_views(self, r: dict) -> list[FindingView]:
        out = []
        for f in r.get("findings") or []:
            rule = self.rule(f.get("rule"), f.get("message_fa"))
            out.append(FindingView(
                rule=f.get("rule") or "", clause=getattr(rule, "clause", None), text_fa=getattr(rule, "text_fa", None),
                message_fa=f.get("message_fa") or "", severity=f.get("severity") or "", mark=f.get("mark"),
                place=Place(f.get("line"), f.get("heading")), approved=f.get("approved"),
                data=dict(f.get("data") or {})))
        return out

    def rule(self, rule_id: str | None, message_fa: str | None = None):
        """The rule-pack entry of a clause id (of several entries with one id, the one whose reason the message
        quotes); None when no loaded pack has it."""
        if not rule_id:
            return None
        entries = [r for r in self.rules.rules if r.id == rule_id]
        if not entries:
            return None
        if message_fa:
            for r in entries:
                if r.reason_fa and r.reason_fa in message_fa:
                    return r
        return entries[0]

    def reasons(self) -> list[Reason]:
        """The manual's clauses a reviewer may cite, as (id, short reason), in the rule packs' order."""
        seen, out = set(), []
        for r in self.rules.rules:
            text = r.reason_fa or r.text_fa
            if r.severity == "price" or not text or (r.id, text) in seen:
                continue
            seen.add((r.id, text))
            out.append(Reason(r.id, text))
        return out

    def _check_index(self, index: int) -> None:
        if not isinstance(index, int) or not 0 <= index < len(self.documents):
            raise ReviewError(f"no document #{index} in this batch", "این سند در پرونده نیست", "unknown_document")

    # --- totals ------------------------------------------------------------------------------------------

    def _refresh(self, index: int, doc: dict | None = None) -> None:
        """Recompute a document's list row and its contribution to the totals after its decisions changed."""
        entry = self.documents[index]
        amounts = self.amounts(index)
        # the totals start from the engine's stored result: a document's delta is its state now minus the
        # engine's stored proposal (which a recorded fact may have replaced: then they differ per amount)
        if index in self._overrides:
            engine = {a.place: a for a in _proposal_amounts(entry.kind, self._engine_entry(index))}
            engine_mark = self._engine_rows[index][0]
        else:
            engine, engine_mark = None, entry.proposed_mark
        pairs = [(a, engine.pop(a.place, None) if engine is not None else a) for a in amounts]
        gone = list(engine.values()) if engine else []       # an amount the re-run no longer has (none expected)
        if any(w is None or a.approved != w.proposed_approved for a, w in pairs) or gone:
            doc = doc if doc is not None else self._doc_json(index)
            _requested_shares(entry.kind, doc, amounts)
            _requested_shares(entry.kind, doc, gone)
            for a, w in pairs:
                if w is not None and w is not a:
                    w.requested_insured, w.requested_org = a.requested_insured, a.requested_org
        delta = _Delta()
        franchise = None
        for a, w in pairs + [(None, g) for g in gone]:
            now_appr = a.approved if a is not None else 0
            was_appr = w.proposed_approved if w is not None else 0
            if a is not None and w is None:
                delta.requested += a.requested
            elif a is None:
                delta.requested -= w.requested
            if now_appr != was_appr or (a is None) != (w is None):
                franchise = franchise if franchise is not None else self._franchise(entry)
                now_ins, now_org = shares(a, now_appr, franchise) if a is not None else (0, 0)
                was_ins, was_org = shares(w, was_appr, franchise) if w is not None else (0, 0)
                delta.approved += now_appr - was_appr
                delta.insured += now_ins - was_ins
                delta.org += now_org - was_org
            if a is not None and a.deducted:
                delta.by_rule[a.deduction_rule] += a.deducted
            if w is not None and was_appr < w.requested and w.proposed_rule:
                delta.by_rule[w.proposed_rule] -= w.requested - was_appr
        entry.approved = sum(a.approved for a in amounts)
        entry.mark = doc_mark([a.mark for a in amounts]) if amounts else entry.proposed_mark
        entry.decided = sum(1 for a in amounts if a.decision is not None)
        latest = max((a.decision for a in amounts if a.decision is not None), key=lambda d: d.id, default=None)
        entry.pen = latest.pen if latest is not None else None
        delta.marks[entry.mark] += 1
        delta.marks[engine_mark] -= 1
        delta.confirmed = 1 if entry.confirmed else 0
        self._deltas[index] = delta

    def totals(self) -> Totals:
        base = self._base
        t = Totals(requested=base.requested, approved=base.approved, insured_share=base.insured_share,
                   org_share=base.org_share, by_rule=dict(base.by_rule), documents=base.documents,
                   marks=dict(base.marks), confirmed=0)
        by_rule = Counter(t.by_rule)
        marks = Counter(t.marks)
        for d in self._deltas.values():
            t.requested += d.requested
            t.approved += d.approved
            t.insured_share += d.insured
            t.org_share += d.org
            by_rule.update(d.by_rule)
            marks.update(d.marks)
            t.confirmed += d.confirmed
        t.by_rule = {k: v for k, v in by_rule.items() if v}
        t.marks = {m: marks.get(m, 0) for m in MARKS}
        return t

    # --- deciding ----------------------------------------------------------------------------------------

    def _require_markable(self) -> None:
        if not self.user.may_mark:
            raise ReviewError(f"{self.user.username} ({self.user.role}) has no pen",
                              "مدیر سامانه سندی را علامت نمی‌زند؛ با حساب کارشناس وارد شوید", "forbidden")
        self.state = self.store.state(self.batch_id)
        if self.state == "signed":
            raise ReviewError(f"batch {self.batch_id!r} is signed; reopen it (with a reason) to mark",
                              "پرونده امضا شده است؛ برای علامت‌گذاری نخست آن را با ذکر دلیل بازگشایی کنید",
                              "signed")

    def decide(self, index: int, place: Place, mark: str | None = None, *, amount: int | None = None,
               reason: Reason | None = None, accepts: bool = False) -> Decision:
        """Record one decision (see the module doc) and apply it.  `accepts=True` confirms the engine's
        proposal of the place (mark and amount come from it); otherwise `mark` is tick, circle (with `amount`,
        0 < amount < requested) or zero, and a reduction needs a reason (a circle without one cites the clause
        the engine cited for that amount, if any).  A decision about the whole document (`Place()`) may accept,
        tick or zero.  ReviewError (nothing recorded) if refused."""
        self._check_index(index)
        self._require_markable()
        entry = self.documents[index]
        amounts = self.amounts(index)
        targets = amounts if place.whole else [a for a in amounts if a.place == place]
        if not targets:
            raise ReviewError(f"document {entry.seq} has no amount {place}", "این ردیف در سند نیست", "unknown_place")
        if accepts:
            mark, amount, reason = None, None, None
        elif mark not in MARKS:
            raise ReviewError(f"unknown mark {mark!r}", "علامت نامعتبر است", "bad_mark")
        elif mark == TICK:
            amount, reason = (targets[0].requested if not place.whole else None), None
        elif mark == ZERO:
            amount = 0
            if reason is None or not (reason.rule or reason.text_fa.strip()):
                raise ReviewError("a zero needs a reason (a clause or a short text)",
                                  "برای کسر کامل (۰) علت را از بندهای دستورالعمل برگزینید یا بنویسید",
                                  "reason_required")
        else:   # circle
            if place.whole:
                raise ReviewError("circle one amount at a time", "تعدیل (◯) برای هر ردیف جداگانه است", "bad_mark")
            a = targets[0]
            if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
                raise ReviewError("the corrected amount must be a whole number of Rials",
                                  "مبلغ اصلاح‌شده باید عدد صحیح (ریال) باشد", "bad_amount")
            if amount >= a.requested:
                raise ReviewError("a corrected amount must be less than the requested one",
                                  "مبلغ اصلاح‌شده باید کمتر از مبلغ درخواستی باشد؛ برای پذیرش کامل «✓» بزنید",
                                  "bad_amount")
            if amount == 0:
                raise ReviewError("a corrected amount of 0 is a zero: give its reason",
                                  "مبلغ صفر یعنی کسر کامل؛ علامت «۰» را با ذکر علت بزنید", "bad_amount")
            if reason is None:
                rule_id = a.proposed_rule or (a.rules[0] if a.rules else None)
                if rule_id is None:
                    raise ReviewError("a reduced amount needs a reason (a clause or a short text)",
                                      "برای تعدیل مبلغ علت را از بندهای دستورالعمل برگزینید یا بنویسید",
                                      "reason_required")
                r = self.rule(rule_id)
                reason = Reason(rule_id, (r.reason_fa or r.text_fa) if r is not None else "")
        proposal = ({"mark": entry.proposed_mark, "approved": entry.proposed_approved} if place.whole else
                    {"mark": targets[0].proposed_mark, "approved": targets[0].proposed_approved})
        at = _utc_now()
        basis = self._overrides.get(index)
        event = {"kind": "decision", "who": self.user.username, "role": self.user.role, "pen": self.user.pen,
                 "at": at, "doc": entry.kind, "seq": entry.seq, "line": place.line, "heading": place.heading,
                 "mark": mark, "amount": amount, "reason": reason.to_json() if reason else None,
                 "accepts": bool(accepts), "proposal": proposal}
        self._maybe_start_review()
        event_id = self.store.record_event(self.batch_id, event)
        d = Decision(event_id, self.user.username, self.user.role, self.user.pen, at, entry.kind, entry.seq, place,
                     mark, amount, reason, bool(accepts), basis)
        self._decisions.setdefault(index, []).append(d)
        self._by_id[event_id] = (index, d)
        self._active.add(event_id)
        self._undo.append(event_id)
        self._redo.clear()
        self._refresh(index)
        return d

    def accept(self, index: int, place: Place = Place()) -> Decision:
        """Confirm the engine's proposal (the whole document by default)."""
        return self.decide(index, place, accepts=True)

    def tick(self, index: int, place: Place = Place()) -> Decision:
        return self.decide(index, place, TICK)

    def circle(self, index: int, place: Place, amount: int, reason: Reason | None = None) -> Decision:
        return self.decide(index, place, CIRCLE, amount=amount, reason=reason)

    def zero(self, index: int, place: Place, reason: Reason) -> Decision:
        return self.decide(index, place, ZERO, reason=reason)

    def _maybe_start_review(self) -> None:
        if self.state == "received" and self.user.role == "technical":
            self.store.set_state(self.batch_id, "technical_review", who=self.user.username, role=self.user.role)
            self.state = "technical_review"

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> int:
        """Undo this user's latest active decision or recorded fact (an `undo` event); returns the document index
        it concerned."""
        if not self._undo:
            raise ReviewError("nothing to undo", "کاری برای برگرداندن نیست", "nothing_to_undo")
        self._require_markable()
        return self._undo_redo("undo", self._undo[-1])

    def redo(self) -> int:
        if not self._redo:
            raise ReviewError("nothing to redo", "کاری برای انجام دوباره نیست", "nothing_to_redo")
        self._require_markable()
        return self._undo_redo("redo", self._redo[-1])

    def _undo_redo(self, kind: str, target: int) -> int:
        self.changed_documents = set()
        event = {"kind": kind, "who": self.user.username, "role": self.user.role, "target": target}
        fact = self._facts.get(target)
        if fact is not None:
            # a recorded fact: the rules run again without it (or with it again); the proposals go in the event
            self._check_fact_log()
            index = fact[0]
            active = set(self._active) - {target} if kind == "undo" else set(self._active) | {target}
            proposals = self._derive({index}, active)
            event.update(self._proposals_event(proposals))
        else:
            index = self._by_id[target][0]
        event_id = self.store.record_event(self.batch_id, event)
        if kind == "undo":
            self._undo.pop()
            self._redo.append(target)
            self._active.discard(target)
        else:
            self._redo.pop()
            self._undo.append(target)
            self._active.add(target)
        if fact is not None:
            self._fact_log_last = event_id
            self._set_overrides(proposals)
        self._refresh(index)
        return index

    def history(self, index: int) -> list[tuple[Decision, bool]]:
        """Every decision about the document, oldest first, with whether it is still active."""
        return [(d, d.id in self._active) for d in self._decisions.get(index, ())]

    # --- paper facts -----------------------------------------------------------------------------------------

    def record_fact(self, index: int, path: str, value, note: str | None = None) -> FactEntry:
        """Record a fact the reviewer reads on the paper and the file lacks or gets wrong (rerun.FACTS: `path` such
        as `paper.council_stamp`, `sheet`, `attachments`, `items[0].attachments`; `value` a JSON value or
        rerun.ABSENT), then re-run the rules for the documents it can change.  The event (kind `fact`) names the
        document, the path, the value and the previous one, who, role and when, the note, and the new proposals.
        ReviewError (Persian; nothing recorded) for a value the intake would refuse, a value the document already
        has, a signed batch or a user without a pen."""
        from desktop.domain.absent import ABSENT

        from .rerun import validate, value_at

        self._check_index(index)
        self._require_markable()
        entry = self.documents[index]
        current = self._doc_with_facts(index)
        value = validate(entry.kind, current, path, value)
        previous = value_at(current, path)
        if previous == value or (previous is ABSENT and value is ABSENT):
            raise ReviewError(f"{path} is already {value!r} on document {entry.seq}",
                              "این واقعیت همین اکنون همین مقدار را در سند دارد؛ چیزی ثبت نشد", "same_fact")
        if note is not None and not isinstance(note, str):
            raise ReviewError("a note is text", "یادداشت باید متن باشد", "bad_fact")
        note = note.strip() if isinstance(note, str) and note.strip() else None
        self._check_fact_log()
        at = _utc_now()
        provisional = FactEntry(0, self.user.username, self.user.role, self.user.pen, at, entry.kind, entry.seq,
                                path, value, previous, note)
        proposals = self._derive({index}, set(self._active), extra=(index, provisional))
        event = {"kind": "fact", "who": self.user.username, "role": self.user.role, "pen": self.user.pen, "at": at,
                 "doc": entry.kind, "seq": entry.seq, "path": path,
                 "value": None if value is ABSENT else value, "previous": None if previous is ABSENT else previous,
                 "note": note}
        if value is ABSENT:
            event["value_absent"] = True
        if previous is ABSENT:
            event["previous_absent"] = True
        event.update(self._proposals_event(proposals))
        self._maybe_start_review()
        event_id = self.store.record_event(self.batch_id, event)
        fact = replace(provisional, id=event_id)
        self._facts[event_id] = (index, fact)
        self._active.add(event_id)
        self._undo.append(event_id)
        self._redo.clear()
        self._fact_log_last = event_id
        self._set_overrides(proposals)
        self._refresh(index)
        return fact

    def facts(self, index: int) -> list[FactEntry]:
        """The document's active recorded facts, oldest first (a later fact on the same path replaces an earlier)."""
        return [f for fid, (i, f) in self._facts.items() if i == index and fid in self._active]

    def recorded(self, index: int) -> dict[str, FactEntry]:
        """{path: the fact in force} for the document (the latest active fact of each path)."""
        return {f.path: f for f in self.facts(index)}

    def fact_history(self, index: int) -> list[tuple[FactEntry, bool]]:
        """Every fact recorded on the document, oldest first, with whether it is still active."""
        return [(f, fid in self._active) for fid, (i, f) in self._facts.items() if i == index]

    def _doc_with_facts(self, index: int) -> dict:
        from .rerun import apply_facts
        return apply_facts(self._doc_json(index), {p: f.value for p, f in self.recorded(index).items()})

    def _derive(self, changed: set[int], active: set[int] | None = None, extra: tuple | None = None
                ) -> dict[int, dict]:
        """{doc index: entry} — the re-run's proposals of every document the active facts (`active`: event ids,
        default the session's; `extra`: (index, FactEntry) not recorded yet) make differ from the engine's answer
        without them.  `changed` (and the documents already replaced) are reviewed again whatever they hold."""
        from .rerun import DocRow, rerun

        active = self._active if active is None else active
        by_doc: dict[tuple[str, int], dict] = {}
        facts = [f for fid, (_i, f) in self._facts.items() if fid in active]
        if extra is not None:
            facts.append(extra[1])
        for f in facts:
            by_doc.setdefault((f.kind, f.seq), {})[f.path] = f.value
        also = {(self.documents[i].kind, self.documents[i].seq) for i in set(changed) | set(self._overrides)}
        if not by_doc:
            return {}
        if self._reference is None:
            from desktop.engine.reference import load_default
            self._reference = load_default()
        rows = [DocRow(d.kind, d.seq, d.pk, d.national_id) for d in self.documents]
        with_facts, without = rerun(self.store, self.header, rows, by_doc, rules=self.rules, ref=self._reference,
                                    also=also)
        out = {}
        for key, entry in with_facts.items():
            if by_doc.get(key) or entry != without.get(key):
                out[self._key_index[key]] = entry
        return out

    def _proposals_event(self, proposals: dict[int, dict]) -> dict:
        return {"result_pk": self.result_pk, "rules_version": getattr(self.rules, "version", None),
                "proposals": [{"doc": self.documents[i].kind, "seq": self.documents[i].seq, "entry": e}
                              for i, e in sorted(proposals.items())]}

    def _set_overrides(self, proposals: dict[int, dict], refresh: bool = True) -> None:
        """Make `proposals` the documents' proposals in force (the others: the engine's) and redo their rows."""
        touched = set(self._overrides) | set(proposals)
        for i in touched:
            e = self.documents[i]
            if i not in self._engine_rows:
                self._engine_rows[i] = (e.proposed_mark, e.proposed_approved, e.findings, e.rules, e.review)
            new = proposals.get(i)
            if new is None:
                (e.proposed_mark, e.proposed_approved, e.findings, e.rules, e.review) = self._engine_rows.pop(i)
                continue
            findings = new.get("findings") or []
            e.proposed_mark = new.get("mark") or TICK
            e.proposed_approved = int(new.get("approved") or 0)
            e.findings = len(findings)
            e.rules = tuple(dict.fromkeys(f["rule"] for f in findings if isinstance(f.get("rule"), str)))
            e.review = any(f.get("severity") == "review" for f in findings)
        self._overrides = dict(proposals)
        self._full_result = None
        self.changed_documents = touched         # the rows a list must redraw (the document and its insured's)
        if refresh:
            for i in touched:
                self._refresh(i)

    def _check_fact_log(self) -> None:
        """Refuse when someone else changed the batch's facts since this session read them (its proposals would be
        derived without theirs)."""
        for ev in queries.events_after(self.store, self.batch, self._fact_log_last, ("fact", "undo", "redo")):
            if "proposals" in ev:
                raise ReviewError(f"another desk changed the paper facts of batch {self.batch_id} (event {ev['id']}); "
                                  "reopen the batch",
                                  "کاربر دیگری واقعیت‌های برگهٔ این پرونده را تغییر داده است؛ پرونده را دوباره "
                                  "بگشایید", "stale_facts")

    # --- batch states --------------------------------------------------------------------------------------

    def allowed_moves(self) -> list[tuple[str, bool]]:
        """[(state, needs a reason)] this user may move the batch to from its current state."""
        self.state = self.store.state(self.batch_id)
        role, admin = self.user.role, self.user.may_manage_users
        moves = {
            "received": [("technical_review", False)] if role == "technical" else [],
            "technical_review": [("accounting", False)] if role == "technical" else [],
            "accounting": ([("signed", False), ("technical_review", True)] if role == "accounting" else []),
            "signed": [("accounting", True)] if role == "accounting" or admin else [],
        }
        return moves.get(self.state, [])

    def move_to(self, state: str, reason: str | None = None) -> None:
        """Move the batch to `state` (Store.set_state, which records the change as an event).  Leaving `signed`
        (reopening) or sending a batch back needs a reason."""
        allowed = dict(self.allowed_moves())
        if state not in allowed:
            raise ReviewError(f"{self.user.username} ({self.user.role}) may not move the batch from {self.state} "
                              f"to {state}",
                              f"شما نمی‌توانید پرونده را از «{STATE_FA.get(self.state, self.state)}» به "
                              f"«{STATE_FA.get(state, state)}» ببرید", "forbidden")
        if allowed[state] and not (isinstance(reason, str) and reason.strip()):
            raise ReviewError("this move needs a reason", "دلیل این تغییر وضعیت را بنویسید", "reason_required")
        self.store.set_state(self.batch_id, state, who=self.user.username, reason=reason, role=self.user.role)
        self.state = state

    def reopen(self, reason: str) -> None:
        """Reopen a signed batch (audited: the reason is in the state-change event)."""
        self.move_to("accounting", reason)

    # --- the result ------------------------------------------------------------------------------------------

    def to_result(self) -> dict:
        """review-result/1 (interchange §4) as the batch now stands: the engine's result with every decision
        applied (marks, approved amounts, `rules` + the reason's clause) and the totals derived from the marks.
        Optional additions: per amount `decision` {who, role, pen, at, reason, accepts}; at the top `review`
        {state, decided_documents}."""
        out = {k: v for k, v in self.head.items() if k not in ("prescriptions", "bills", "totals")}
        out["totals"] = self.totals().as_result()
        lists: dict[str, list] = {"prescriptions": [], "bills": []}
        for entry, r in zip(self.documents, queries.all_review_entries(self.store, self.result_pk)):
            key = "prescriptions" if entry.kind == "prescription" else "bills"
            r = self._overrides.get(entry.index, r)         # a recorded fact's re-run replaces the engine's entry
            if entry.index not in self._decisions:
                lists[key].append(r)
                continue
            lists[key].append(self._decided_result(entry, r))
        out["prescriptions"], out["bills"] = lists["prescriptions"], lists["bills"]
        out["review"] = {"state": self.state, "decided_documents": sum(1 for i in self._decisions
                                                                         if self.documents[i].decided)}
        return out

    def _decided_result(self, entry: DocEntry, r: dict) -> dict:
        amounts = {a.place: a for a in self.amounts(entry.index)}
        doc = dict(r)

        def apply(target: dict, a: AmountState) -> dict:
            target = dict(target)
            target["mark"], target["approved"] = a.mark, a.approved
            if a.decision is not None:
                rules = list(target.get("rules") or [])
                if a.reason is not None and a.reason.by_rule_key not in rules and a.deducted:
                    rules.append(a.reason.by_rule_key)
                target["rules"] = rules
                d = a.decision
                target["decision"] = {"who": d.who, "role": d.role, "pen": d.pen, "at": d.at,
                                      "accepts": d.accepts, "reason": a.reason.to_json() if a.reason else None}
            return target

        if entry.kind == "prescription":
            doc["lines"] = [apply(l, amounts[Place(line=l.get("line"))]) if Place(line=l.get("line")) in amounts
                            else l for l in r.get("lines") or []]
        else:
            doc["headings"] = {name: apply(h, amounts[Place(heading=name)]) if Place(heading=name) in amounts else h
                               for name, h in (r.get("headings") or {}).items()}
        doc["mark"], doc["approved"] = entry.mark, entry.approved
        return doc

    # --- searching ---------------------------------------------------------------------------------------------

    def find(self, text: str) -> list[int]:
        """Documents whose national id is `text` (10 digits) or whose seq (the sheet's number in the batch) is
        `text`; Persian digits accepted."""
        from desktop.domain.jalali import normalize_digits
        t = normalize_digits((text or "").strip())
        if not t:
            return []
        out = [d.index for d in self.documents if d.national_id == t]
        if t.isdigit():
            n = int(t)
            out += [d.index for d in self.documents if d.seq == n and d.index not in out]
        return out

    def with_rule(self, rule_id: str) -> set[int]:
        """Documents the engine cited `rule_id` for, or a decision cited it as its reason (active decisions)."""
        out = {d.index for d in self.documents if rule_id in d.rules}
        for index, ds in self._decisions.items():
            if any(x.id in self._active and x.reason is not None and x.reason.rule == rule_id for x in ds):
                out.add(index)
        return out

    def with_code(self, code: str) -> set[int]:
        pks = queries.find_by_code(self.store, self.batch.pk, code.strip())
        return {d.index for d in self.documents if d.pk in pks}

    def with_prescriber(self, text: str) -> set[int]:
        pks = queries.find_by_prescriber(self.store, self.batch.pk, text)
        return {d.index for d in self.documents if d.pk in pks}

    def rule_ids(self) -> list[str]:
        """Every clause cited in this batch (engine findings and decisions' reasons), sorted."""
        ids = {r for d in self.documents for r in d.rules}
        ids.update(d.reason.rule for ds in self._decisions.values() for d in ds if d.reason and d.reason.rule)
        return sorted(ids)

    def briefs(self, indexes: Iterable[int]) -> dict[int, tuple]:
        """{index: (insured name, prescriber name, council no, specialty, insurance no)} (one query)."""
        pk_to_index = {self.documents[i].pk: i for i in indexes if self.documents[i].pk is not None}
        return {pk_to_index[pk]: v for pk, v in queries.document_briefs(self.store, pk_to_index).items()}
