"""The review pipeline as one service that the CLI and the GUI both call (design.md: ui and cli are thin).

    files ─► intake (all files validated before anything is stored) ─► store (one transaction per batch)
          ─► history (the store: earlier batches of the same insured) ─► engine ─► result (stored, returned)
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from desktop.domain.problems import InputError, Problem

log = logging.getLogger("rasidegi.pipeline")

__all__ = ["ReviewRun", "load_reference", "review_files", "review_loaded"]


@dataclass
class LoadedBatch:
    path: str
    sha256: str
    batch: object          # domain ClaimBatch
    normalized: dict | None
    rows: object = None    # or, read for the store (read_batches(..., for_store=True)): its prepared rows


@dataclass
class ReviewRun:
    results: list[dict] = field(default_factory=list)     # review-result/1, one per batch, in order
    outcomes: list = field(default_factory=list)          # engine BatchOutcome, same order
    imports: list = field(default_factory=list)           # store ImportOutcome
    sample_reference: bool = False
    db_url: str = ""
    notes: list[str] = field(default_factory=list)


def load_reference(tariff: str | None = None, params: str | None = None):
    """The loaded reference data (office files over the shipped samples), with `--tariff`/`--params` overlaid
    for this run only (interchange §5). InputError with located problems if an overlay file is invalid."""
    from desktop.engine.reference import load_default, load_params, load_tariff

    ref = load_default()
    problems: list[Problem] = []
    t = p = None
    if tariff:
        t, probs = load_tariff(tariff)
        problems += probs
    if params:
        p, probs = load_params(params)
        problems += probs
    if problems:
        raise InputError(problems)
    if t is not None or p is not None:
        ref = ref.overlay(tariff=t, params=p)
    return ref


def read_batches(paths: Iterable[str | Path], *, for_store: bool = False,
                 before: Callable[[int, Path], None] | None = None) -> list[LoadedBatch]:
    """Intake every file; InputError with every problem of every file if any is invalid (nothing stored).
    `before(i, path)` is called before each file is read (the desk's progress; it may raise to cancel).

    for_store=True (review_files): each document is read, checked and serialised for the store one at a time
    (desktop.store.document_row; `rows` instead of `normalized`): the file's JSON tree is never whole in memory
    (100,000 documents: 750 → <600 MB at the peak).  StoreError (bad_input) for a document that cannot be
    stored."""
    from desktop.intake import load_batch
    from desktop.store import document_row, prepare_rows

    loaded, problems = [], []
    for i, path in enumerate(paths):
        path = Path(path)
        if before is not None:
            before(i, path)
        res = load_batch(path, prepare=document_row if for_store and not problems else None)
        if not res.ok:
            problems.extend(res.problems)
            continue
        with open(path, "rb") as fh:        # in chunks: the file is not held a second time
            sha = hashlib.file_digest(fh, "sha256").hexdigest()
        if res.prepared is not None:
            loaded.append(LoadedBatch(str(path), sha, res.batch, None, prepare_rows(res.normalized, res.prepared)))
        else:
            loaded.append(LoadedBatch(str(path), sha, res.batch, res.normalized))
        res = None
    if problems:
        raise InputError(problems)
    return loaded


def history_for(store, b):
    """The history the engine reviews the ClaimBatch `b` with: its insured's earlier documents from the store, as
    an engine HistoryIndex, with the physicians' records of other batches' bills (_physician_history) and the
    bill facts of the batch itself (HistoryIndex.preload).  The pipeline's and the desk's re-run (review.rerun)."""
    from desktop.engine.history import HistoryIndex
    from desktop.intake import build_batch, build_bill, build_prescription

    index = HistoryIndex()
    nids = set()
    docs = [d for lst in (b.prescriptions, b.bills) if isinstance(lst, list) for d in lst]
    for doc in docs:
        ins = getattr(doc, "insured", None)
        nid = getattr(ins, "national_id", None) if ins is not None else None
        if isinstance(nid, str) and nid:
            nids.add(nid)
    if not nids:
        _physician_history(store, b, index)
        index.preload(b)
        return index
    headers: dict[str, object] = {}
    for h in store.history(nids, exclude_batch_id=b.batch.id):
        hid = h.batch.get("id")
        header = headers.get(hid)
        if header is None:
            header = headers[hid] = build_batch({"format": "claim-batch/1", "batch": h.batch,
                                                     "prescriptions": [], "bills": []}).batch
        if h.kind == "prescription":
            index.add_prescription(header, build_prescription(h.doc))
        else:
            index.add_bill(header, build_bill(h.doc))
    _physician_history(store, b, index)
    index.preload(b)
    return index


#: how long before the first anaesthesia / assisted month of a batch a stored bill's admission may lie and still
#: be read for its physicians' records (RVU-44, INP-11-B): two months (a longer stay's records are not seen)
PHYSICIAN_LOOKBACK_DAYS = 62
_BILL_PROVIDERS = ("hospital", "limited_surgery_center")


def _raw_person(p) -> str | None:
    """desktop.engine.history.person_key of a stored document's person dict."""
    if not isinstance(p, dict):
        return None
    c, n = p.get("council_no"), p.get("national_id")
    if isinstance(c, str) and c.strip():
        return c.strip()
    return "nid:" + n.strip() if isinstance(n, str) and n.strip() else None


def _physician_history(store, batch, index) -> None:
    """RVU-44, INP-11-B: the anaesthesia and assistant-surgeon records of the stored bills of other batches (of any
    insured) that name one of this batch's anaesthesiologists or assistants, admitted from PHYSICIAN_LOOKBACK_DAYS
    before the batch's first anaesthesia / assisted month up to its last date. Nothing is read for a batch without
    such records; the JSON is read only for other insured's bills in that window (desktop.review.queries)."""
    from desktop.domain.absent import ABSENT
    from desktop.engine.history import person_key

    bills = batch.bills if isinstance(batch.bills, list) else []
    people, dates = set(), []

    def val(obj, name):
        x = getattr(obj, name, None)
        return None if x is ABSENT else x

    for bill in bills:
        for a in val(bill, "anesthesia") or []:
            k, s, e = person_key(val(a, "anesthesiologist")), val(a, "start"), val(a, "end")
            if k and s is not None and e is not None:
                people.add(k)
                dates += [s.date, e.date]
        adm = val(bill, "admitted_at")
        for p in val(bill, "procedures") or []:
            k, on = person_key(val(p, "assistant")), val(p, "on") or (adm.date if adm is not None else None)
            if k and on is not None:
                people.add(k)
                dates += [on.period.first_day(), on.end_of_month()]
    if not people:
        return
    from desktop.intake import build_batch, build_bill
    from desktop.review.queries import batch_header, batch_rows, document_index, documents_json

    # the batch's insured's stored bills are in the index already (history_for)
    insured = {n for bill in bills
               if isinstance(n := getattr(getattr(bill, "insured", None), "national_id", None), str) and n}
    lo, hi = min(dates) + (-PHYSICIAN_LOOKBACK_DAYS), max(dates)
    lo_s, hi_s, lo_period = str(lo), str(hi), str(lo.period)
    rows = sorted((r for r in batch_rows(store) if r.batch_id != batch.batch.id and r.provider_kind in _BILL_PROVIDERS
                   and (r.period is None or r.period >= lo_period)), key=lambda r: (r.period or "", r.pk))
    for row in rows:
        pks = [d[0] for d in document_index(store, row.pk)      # (pk, kind, seq, national id, served_on, …)
               if d[1] == "bill" and isinstance(d[4], str) and lo_s <= d[4] <= hi_s and d[3] not in insured]
        if not pks:
            continue
        header = None
        found = documents_json(store, pks)
        for pk in pks:
            doc = found.get(pk)
            if not isinstance(doc, dict):
                continue
            named = {_raw_person(a.get("anesthesiologist")) for a in doc.get("anesthesia") or () if isinstance(a, dict)}
            named |= {_raw_person(p.get("assistant")) for p in doc.get("procedures") or () if isinstance(p, dict)}
            if not named & people:
                continue
            if header is None:
                top = batch_header(store, row.batch_id) or {}
                header = build_batch({"format": "claim-batch/1", "batch": top.get("batch") or {},
                                      "prescriptions": [], "bills": []}).batch
            index.add_bill_facts(header, build_bill(doc), stays=False)


def review_loaded(loaded: list[LoadedBatch], *, store, ref, rules,
                  progress: Callable[[str, int, int], None] | None = None, release: bool = False) -> ReviewRun:
    """Store, review and save each loaded batch in order.  release=True: the caller needs no batch's typed model
    afterwards; each is dropped (lb.batch = None) once reviewed, before its result is built (peak memory)."""
    from desktop.engine.evaluate import review_batch
    from desktop.engine.result import to_result

    run = ReviewRun(sample_reference=bool(getattr(ref, "sample", False)), db_url=store.url)
    for i, lb in enumerate(loaded):
        if progress:
            progress("import", i, len(loaded))
        if lb.rows is not None:     # serialised during intake (read_batches(..., for_store=True))
            outcome_import = store.import_rows(lb.rows, source_file=Path(lb.path).name, sha256=lb.sha256)
        else:
            outcome_import = store.import_batch(lb.normalized, source_file=Path(lb.path).name, sha256=lb.sha256,
                                                consume=True)  # the JSON tree is freed document by document
        run.imports.append(outcome_import)
        lb.normalized = lb.rows = None    # stored; the engine reads the typed model — free the JSON / the rows
        history = history_for(store, lb.batch)
        if progress:
            progress("review", i, len(loaded))
        outcome = review_batch(lb.batch, ref, rules, history)
        batch_id = lb.batch.batch.id
        if release:
            lb.batch = history = None
        result = to_result(outcome)
        if store.state(batch_id) == "signed":
            # a signed batch keeps its signed result: this review is reported, not stored (reopen it to re-review)
            result["stored"] = False
            run.notes.append(f"{batch_id}: the batch is signed; its stored result was kept / "
                             f"فهرست امضا شده است؛ نتیجهٔ ثبت‌شده تغییر نکرد")
        else:
            store.save_result(batch_id, result, rules_version=outcome.rules_version)
        run.outcomes.append(outcome)
        run.results.append(result)
    return run


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector for a batch run.

    A batch of 100,000 documents is millions of small objects that live until the run ends; the collector's
    generation-2 passes over them cost more than the review itself (measured: the engine 15 s → 9 s, the result
    4.8 s → 0.3 s). Nothing of the run is cyclic garbage worth collecting early; collection resumes afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def review_files(paths: list[str], *, db_url: str | None = None, tariff: str | None = None,
                 params: str | None = None, rules=None) -> ReviewRun:
    """Everything `rasidegi review` does but writing files. Raises InputError (nothing stored) on bad input."""
    from desktop.engine.rules import load_rules
    from desktop.store import Store

    ref = load_reference(tariff, params)
    rules = rules or load_rules()
    with gc_paused():
        loaded = read_batches(paths, for_store=True)
        store = Store.open(db_url)
        try:
            return review_loaded(loaded, store=store, ref=ref, rules=rules, release=True)
        finally:
            store.close()
