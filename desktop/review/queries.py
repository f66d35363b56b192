"""Read queries the review layer needs and the store's API lacks, in SQLAlchemy Core against the store's tables.

Nothing here writes: decisions go through Store.record_event, states through Store.set_state.  The queries are
shaped for the desk's one hard figure — a batch of 100,000 documents opens in under a second — so the list of a
batch reads only the documents' indexed columns (never their JSON), and a document's JSON is read when it is
shown (one row by primary key).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import datetime, timezone
from dataclasses import dataclass
from typing import Iterable, Iterator

from sqlalchemy import Text, bindparam, func, literal_column, select
from sqlalchemy.engine import Engine

from desktop.store import jsontext
from desktop.store.schema import batches, documents, events, results, services

__all__ = ["engine_of", "BatchRow", "batch_rows", "batch_row", "document_index", "document_json",
           "documents_json", "document_briefs", "find_by_prescriber", "find_by_code", "batch_header", "paused_gc",
           "ReviewIndex", "ROW_COLUMNS", "review_index", "review_entries", "all_review_entries", "latest_result_pk",
           "events_after"]

#: SQLite's historical bound on host parameters
CHUNK = 900


def engine_of(store) -> Engine:
    """The store's SQLAlchemy engine (Store keeps it as `_engine`; a public `engine` is used when present)."""
    engine = getattr(store, "engine", None)
    return engine if isinstance(engine, Engine) else store._engine


@contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Decoding a 100,000-document result makes millions of acyclic objects; the cyclic collector would walk
    them again and again (1.6 s → 0.25 s without it).  Pausing only defers the cost: the first collection after
    it walks every object made meanwhile (≈ 0.5 s).  `freeze=True` (opening a batch for the desk) moves what
    exists into the collector's permanent generation instead (gc.freeze): those objects are never walked again;
    they are still freed by reference counting when the batch is closed (they hold no cycles)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze and was:
            gc.freeze()
        if was:
            gc.enable()


@dataclass(frozen=True, slots=True)
class BatchRow:
    pk: int
    batch_id: str
    period: str | None
    fund: str | None
    provider_code: str | None
    provider_kind: str | None
    submitted_on: str | None
    state: str
    revision: int
    imported_at: str
    source_file: str
    documents: int
    has_result: bool


def _batch_query(counts: bool = True):
    if counts:
        n_docs = (select(func.count()).select_from(documents).where(documents.c.batch_pk == batches.c.pk)
                  .scalar_subquery())
        has_result = (select(func.count()).select_from(results)
                      .where(results.c.batch_pk == batches.c.pk, results.c.batch_revision == batches.c.revision)
                      .scalar_subquery())
    else:       # opening a batch: its documents are counted as they are read
        n_docs = has_result = literal_column("-1")
    return select(batches.c.pk, batches.c.batch_id, batches.c.period, batches.c.fund, batches.c.provider_code,
                  batches.c.provider_kind, batches.c.submitted_on, batches.c.state, batches.c.revision,
                  batches.c.imported_at, batches.c.source_file, n_docs.label("n_docs"),
                  has_result.label("n_results"))


def _batch(r) -> BatchRow:
    return BatchRow(r.pk, r.batch_id, r.period, r.fund, r.provider_code, r.provider_kind, r.submitted_on,
                    r.state, r.revision, r.imported_at, r.source_file, r.n_docs, r.n_results != 0)


def batch_rows(store) -> list[BatchRow]:
    """Every stored batch, newest import first (for the «open batch» list)."""
    with engine_of(store).connect() as conn:
        return [_batch(r) for r in conn.execute(_batch_query().order_by(batches.c.pk.desc()))]


def batch_row(store, batch_id: str, *, counts: bool = True) -> BatchRow | None:
    """One batch; counts=False skips counting its documents and results (`documents` -1, `has_result` True)."""
    with engine_of(store).connect() as conn:
        r = conn.execute(_batch_query(counts).where(batches.c.batch_id == batch_id)).first()
    return None if r is None else _batch(r)


def batch_header(store, batch_id: str) -> dict | None:
    """The stored file's top level without its documents (`{"format", "batch": {…}, …}`)."""
    with engine_of(store).connect() as conn:
        text = conn.execute(select(batches.c.header_json).where(batches.c.batch_id == batch_id)).scalar()
    return None if text is None else jsontext.loads(text)


def document_index(store, batch_pk: int) -> list[tuple]:
    """(pk, kind, seq, national_id, served_on, requested_total) of every document of the batch, in filing order:
    plain tuples (100,000 of them), the JSON not read."""
    q = (select(documents.c.pk, documents.c.kind, documents.c.seq, documents.c.national_id, documents.c.served_on,
                documents.c.requested_total)
         .where(documents.c.batch_pk == bindparam("b")).order_by(documents.c.pk))
    engine = engine_of(store)
    with engine.connect() as conn:
        compiled = q.compile(dialect=conn.dialect)
        params = compiled.construct_params({"b": batch_pk})
        if compiled.positional:
            params = tuple(params[name] for name in compiled.positiontup)
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(str(compiled), params)
            return cursor.fetchall()
        finally:
            cursor.close()


def document_json(store, pk: int) -> dict | None:
    with engine_of(store).connect() as conn:
        text = conn.execute(select(documents.c.doc_json).where(documents.c.pk == pk)).scalar()
    return None if text is None else jsontext.loads(text)


def documents_json(store, pks: Iterable[int]) -> dict[int, dict]:
    """{pk: document} for these documents (chunked primary-key lookups)."""
    pks = sorted(set(pks))
    out: dict[int, dict] = {}
    with engine_of(store).connect() as conn:
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start:start + CHUNK]
            for pk, text in conn.execute(select(documents.c.pk, documents.c.doc_json)
                                         .where(documents.c.pk.in_(chunk))):
                out[pk] = jsontext.loads(text)
    return out


def _json_field(conn, *path: str):
    """A text field inside doc_json, read by the database (SQLite json_extract, PostgreSQL jsonb ->>)."""
    if conn.dialect.name == "postgresql":
        return literal_column(f"(documents.doc_json::jsonb #>> '{{{','.join(path)}}}')", Text)
    return func.json_extract(documents.c.doc_json, "$." + ".".join(path))


_BRIEF_FIELDS = (("insured", "name"), ("prescriber", "name"), ("prescriber", "council_no"),
                 ("prescriber", "specialty"), ("insured", "insurance_no"))


def document_briefs(store, pks: Iterable[int]) -> dict[int, tuple]:
    """{pk: (insured name, prescriber name, prescriber council no, prescriber specialty, insurance no)} read
    from the documents' JSON by the database, for the rows of the list on screen (a page at a time)."""
    pks = sorted(set(pks))
    out: dict[int, tuple] = {}
    with engine_of(store).connect() as conn:
        cols = [_json_field(conn, *p) for p in _BRIEF_FIELDS]
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start:start + CHUNK]
            for row in conn.execute(select(documents.c.pk, *cols).where(documents.c.pk.in_(chunk))):
                out[row[0]] = tuple(None if v is None else str(v) for v in row[1:])
    return out


def find_by_prescriber(store, batch_pk: int, text: str) -> set[int]:
    """The pks of the batch's documents whose prescriber's council number is `text`, or whose name contains it
    (prescriptions' prescriber; bills' admission-order prescriber)."""
    text = (text or "").strip()
    if not text:
        return set()
    with engine_of(store).connect() as conn:
        council = _json_field(conn, "prescriber", "council_no")
        name = _json_field(conn, "prescriber", "name")
        bill_council = _json_field(conn, "admission_order", "prescriber", "council_no")
        bill_name = _json_field(conn, "admission_order", "prescriber", "name")
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = select(documents.c.pk).where(documents.c.batch_pk == batch_pk).where(
            (council == text) | name.like(like, escape="\\") | (bill_council == text)
            | bill_name.like(like, escape="\\"))
        return set(conn.execute(q).scalars())


def find_by_code(store, batch_pk: int, code: str) -> set[int]:
    """The pks of the batch's documents that bill the national code `code` (the store's services index: lines,
    procedures, consultations and coded heading lines)."""
    code = (code or "").strip()
    if not code:
        return set()
    with engine_of(store).connect() as conn:
        return set(conn.execute(select(services.c.document_pk).distinct()
                                .where(services.c.batch_pk == batch_pk, services.c.code == code)).scalars())


# --- the desk's per-document copy of a review result (tables.review_heads / review_rows / review_entries) ---------

@dataclass(frozen=True, slots=True)
class ReviewIndex:
    result_pk: int
    head: dict              # the result without its documents (format, batch_id, rules_version, totals, findings)
    rows: list[tuple]       # ROW_COLUMNS of every document, in the result's order (prescriptions, then bills)


ROW_COLUMNS = ("position", "document_pk", "kind", "seq", "national_id", "served_on", "mark", "requested", "approved",
               "amounts", "findings", "review", "rules")


def latest_result_pk(store, batch: BatchRow) -> int | None:
    """The newest result saved for the batch's current import (what Store.load_result returns), by key only."""
    with engine_of(store).connect() as conn:
        return conn.execute(select(results.c.pk).where(results.c.batch_pk == batch.pk,
                                                       results.c.batch_revision == batch.revision)
                            .order_by(results.c.pk.desc()).limit(1)).scalar()


def _cut(result: dict, index: list[tuple]) -> tuple[dict, list[tuple], list[tuple]]:
    """(head, rows, entries) of a review-result/1 dict; `index` is document_index() of its batch."""
    by_key = {(r[1], r[2]): r for r in index}
    head = {k: v for k, v in result.items() if k not in ("prescriptions", "bills")}
    rows, entries = [], []
    none = (None,) * 6
    for kind, key, parts in (("prescription", "prescriptions", "lines"), ("bill", "bills", "headings")):
        for entry in result.get(key) or []:
            seq = entry.get("seq")
            doc = by_key.get((kind, seq), none)
            findings = entry.get("findings") or []
            rules = " ".join(dict.fromkeys(f["rule"] for f in findings if isinstance(f.get("rule"), str)))
            position = len(rows)
            rows.append((position, doc[0], kind, seq, doc[3], doc[4], entry.get("mark") or "tick",
                         int(entry.get("requested") or 0), int(entry.get("approved") or 0),
                         len(entry.get(parts) or ()), len(findings),
                         any(f.get("severity") == "review" for f in findings), rules))
            entries.append((position, jsontext.dumps(entry)))
    return head, rows, entries


def review_index(store, batch: BatchRow) -> ReviewIndex | None:
    """The desk's list of the batch's current result, built (once per result) if it is not there yet; None if the
    batch has no result.  Reading it costs one narrow query, whatever the size of the result."""
    from sqlalchemy import delete, insert
    from sqlalchemy.exc import IntegrityError

    from desktop.store.db import write_connection

    from .tables import review_entries, review_heads, review_rows

    result_pk = latest_result_pk(store, batch)
    if result_pk is None:
        return None
    engine = engine_of(store)
    with engine.connect() as conn:
        head_json = conn.execute(select(review_heads.c.head_json)
                                 .where(review_heads.c.result_pk == result_pk)).scalar()
    if head_json is None:
        with paused_gc():
            with engine.connect() as conn:
                text = conn.execute(select(results.c.result_json).where(results.c.pk == result_pk)).scalar()
            head, rows, entries = _cut(jsontext.loads(text), document_index(store, batch.pk))
            del text
        head_json = jsontext.dumps(head)
        now = datetime.now(timezone.utc).isoformat()
        try:
            with write_connection(engine) as conn:
                if conn.execute(select(review_heads.c.result_pk)
                                .where(review_heads.c.result_pk == result_pk)).first() is None:
                    # the copies of older results of this batch are of no use any more
                    conn.execute(delete(review_heads).where(review_heads.c.batch_pk == batch.pk))
                    conn.execute(insert(review_heads).values(result_pk=result_pk, batch_pk=batch.pk, built_at=now,
                                                             documents=len(rows), head_json=head_json))
                    _insert_many(conn, review_rows, ("result_pk",) + ROW_COLUMNS,
                                 [(result_pk,) + r for r in rows])
                    _insert_many(conn, review_entries, ("result_pk", "position", "entry_json"),
                                 [(result_pk,) + e for e in entries])
        except IntegrityError:       # another desk built the same copy meanwhile: use theirs
            pass
    with engine.connect() as conn:
        q = (select(*[review_rows.c[c] for c in ROW_COLUMNS]).where(review_rows.c.result_pk == bindparam("r"))
             .order_by(review_rows.c.position))
        rows = _fetch(conn, q, {"r": result_pk})
    return ReviewIndex(result_pk, jsontext.loads(head_json), rows)


def _fetch(conn, stmt, params: dict) -> list[tuple]:
    """Plain tuples through the driver's cursor (SQLAlchemy rows cost as much as the query for 100,000 rows)."""
    compiled = stmt.compile(dialect=conn.dialect)
    values = compiled.construct_params(params)
    if compiled.positional:
        values = tuple(values[name] for name in compiled.positiontup)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled), values)
        return cursor.fetchall()
    finally:
        cursor.close()


def _insert_many(conn, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Many rows in this transaction: the driver's executemany on SQLite, COPY on PostgreSQL."""
    if not rows:
        return
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    from sqlalchemy import insert
    compiled = insert(table).values({c: bindparam(c) for c in columns}).compile(dialect=conn.dialect)
    assert tuple(compiled.positiontup) == tuple(columns)
    cursor = driver.cursor()
    try:
        cursor.executemany(str(compiled), [tuple(int(v) if isinstance(v, bool) else v for v in r) for r in rows])
    finally:
        cursor.close()


def review_entries(store, result_pk: int, positions) -> dict[int, dict]:
    """{position: the result's entry for that document} (chunked primary-key lookups)."""
    from .tables import review_entries as table
    positions = sorted(set(positions))
    out: dict[int, dict] = {}
    with engine_of(store).connect() as conn:
        for start in range(0, len(positions), CHUNK):
            chunk = positions[start:start + CHUNK]
            for pos, text in conn.execute(select(table.c.position, table.c.entry_json)
                                          .where(table.c.result_pk == result_pk, table.c.position.in_(chunk))):
                out[pos] = jsontext.loads(text)
    return out


def all_review_entries(store, result_pk: int) -> list[dict]:
    from .tables import review_entries as table
    with paused_gc(), engine_of(store).connect() as conn:
        return [jsontext.loads(t) for t in conn.execute(select(table.c.entry_json)
                                                       .where(table.c.result_pk == result_pk)
                                                       .order_by(table.c.position)).scalars()]


def user_names(store) -> dict[str, str]:
    """{username: full name} of every account (for showing who made a mark)."""
    from .tables import users
    with engine_of(store).connect() as conn:
        return dict(conn.execute(select(users.c.username, users.c.full_name)).all())


def events_after(store, batch: BatchRow, after_id: int, kinds: Iterable[str]) -> list[dict]:
    """The batch's events of these kinds recorded after event `after_id` for its current import (as Store.events
    gives them: the payload plus `id`), read by key — not the whole log of a batch with many decisions."""
    with engine_of(store).connect() as conn:
        revision = conn.execute(select(batches.c.revision).where(batches.c.pk == batch.pk)).scalar()
        rows = conn.execute(select(events.c.pk, events.c.payload_json)
                            .where(events.c.batch_pk == batch.pk, events.c.pk > after_id,
                                   events.c.batch_revision == revision, events.c.kind.in_(list(kinds)))
                            .order_by(events.c.pk)).all()
    out = []
    for pk, payload in rows:
        ev = jsontext.loads(payload)
        ev["id"] = pk
        out.append(ev)
    return out
