"""Import claim-batch/1 files for the desk: intake (every file validated first) → store → engine → result, with
progress reports and cancellation, for a background thread of the GUI.  No Qt here.

Cancelling is possible until storing begins: a cancelled import stores nothing of the batch it was working on
(batches of earlier files in the same call stay stored and reviewed).  An invalid file stores nothing at all:
InputError carries every located problem of every file (desktop.domain.problems).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable


from .errors import ReviewError

__all__ = ["import_files", "review_stored", "ImportReport", "Cancelled", "STAGE_FA"]

#: progress(stage, done, total, file): stages in order
STAGE_FA = {"read": "خواندن و بررسی درستی پرونده", "store": "ذخیره در پایگاه داده",
            "review": "بررسی خودکار بر پایهٔ دستورالعمل", "done": "پایان"}


class Cancelled(ReviewError):
    def __init__(self):
        super().__init__("the import was cancelled", "ورود پرونده لغو شد؛ چیزی از آن ذخیره نشد", "cancelled")


@dataclass
class ImportReport:
    batch_ids: list[str] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)
    imports: list = field(default_factory=list)        # store ImportOutcome, one per batch
    sample_reference: bool = False


Progress = Callable[[str, int, int, str], None]


def _noop(*_a) -> None:
    return None


def import_files(paths: Iterable[str | Path], *, store, rules=None, ref=None, progress: Progress | None = None,
                 cancelled: Callable[[], bool] = lambda: False) -> ImportReport:
    """Validate every file, then store and review each batch in order (earlier files are the insured's history
    for later ones, as on the command line).  Raises InputError (nothing stored) if any file is invalid,
    Cancelled if `cancelled()` turned true before storing began."""
    from desktop.pipeline import gc_paused, load_reference, read_batches, review_loaded

    progress = progress or _noop
    paths = [Path(p) for p in paths]

    def before(i: int, path: Path) -> None:
        if cancelled():
            raise Cancelled()
        progress("read", i, len(paths), path.name)

    with gc_paused():
        # as `rasidegi review` reads: document by document, serialised for the store as read (the file's JSON tree
        # is never whole in memory); InputError with every problem of every file, nothing stored
        loaded = read_batches(paths, for_store=True, before=before)
        if cancelled():
            raise Cancelled()
        if rules is None:
            from desktop.engine.rules import load_rules
            rules = load_rules()
        ref = ref if ref is not None else load_reference()
        report = ImportReport(sample_reference=bool(getattr(ref, "sample", False)))

        def step(stage: str, i: int, n: int) -> None:
            name = Path(loaded[i].path).name
            if stage == "import":
                if cancelled():
                    raise Cancelled()
                progress("store", i, n, name)
            else:
                progress(stage, i, n, name)

        for i in range(len(loaded)):
            # one batch per call, so that a cancel between batches keeps the earlier ones whole
            run = review_loaded([loaded[i]], store=store, ref=ref, rules=rules,
                                progress=lambda stage, _j, _n, i=i: step(stage, i, len(loaded)))
            report.imports.extend(run.imports)
            report.results.extend(run.results)
            batch_id = loaded[i].batch.batch.id
            report.batch_ids.append(batch_id)
            _index(store, batch_id)
    progress("done", len(loaded), len(loaded), "")
    return report


def review_stored(store, batch_id: str, *, rules=None, ref=None) -> dict:
    """Run the engine on a batch already in the store (imported, but its review was not finished) and save the
    result; returns it."""
    from sqlalchemy import select

    from desktop.intake import build_batch
    from desktop.pipeline import LoadedBatch, gc_paused, load_reference, review_loaded
    from desktop.store.schema import batches

    from .queries import engine_of

    with engine_of(store).connect() as conn:
        row = conn.execute(select(batches.c.sha256, batches.c.source_file)
                           .where(batches.c.batch_id == batch_id)).first()
    if row is None:
        raise ReviewError(f"no batch {batch_id!r} in the database", f"پرونده «{batch_id}» در پایگاه داده نیست",
                          "unknown_document")
    with gc_paused():
        normalized = store.load_batch(batch_id)
        if rules is None:
            from desktop.engine.rules import load_rules
            rules = load_rules()
        ref = ref if ref is not None else load_reference()
        lb = LoadedBatch(row.source_file, row.sha256, build_batch(normalized), normalized)
        run = review_loaded([lb], store=store, ref=ref, rules=rules)
        _index(store, batch_id)
    return run.results[0]


def _index(store, batch_id: str) -> None:
    """Cut the new result per document for the desk now (queries.review_index), while we are in the background."""
    from .queries import batch_row, review_index
    row = batch_row(store, batch_id, counts=False)
    if row is not None:
        review_index(store, row)
