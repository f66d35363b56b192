"""The store: imported claim batches, their documents, the insured's service history, review results and the
reviewer's decision events, in SQLite (default) or PostgreSQL.

Everything here works on the plain dicts of claim-batch/1 and review-result/1 as the intake and the engine
produce them (interchange.md §1, §4); nothing outside desktop/store writes SQL.

Import is one write transaction: either the whole batch (batch row, every document, every service row, the
import event) is stored, or nothing is.  Each document is serialised once, before the transaction starts; the
rows go in with one executemany per table (SQLite) or COPY (PostgreSQL), the documents' primary keys allotted
up front so that the service rows can point at them without a RETURNING round trip.
"""
from __future__ import annotations

import gc
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from sqlalchemy import Text, bindparam, cast, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from . import jsontext
from .db import make_engine, normalize_url, upgrade_to_head, write_connection
from .errors import StoreError
from .schema import STATES, batches, documents, events, results, services

__all__ = ["Store", "document_row", "prepare_rows", "ImportOutcome", "HistoryDoc", "StoreError", "STATES"]

log = logging.getLogger(__name__)

_encode = jsontext.dumps
_encode_utf8 = jsontext.dumps_utf8     # documents: bytes (orjson) or str, both stored as TEXT
_decode = jsontext.loads


@contextmanager
def _no_gc():
    """Bulk JSON work allocates millions of acyclic containers; the cyclic collector would walk the whole heap
    again and again meanwhile (≈ half the time of decoding 100,000 documents).  Nothing made here is cyclic."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: SQLite's historical bound on host parameters; the fallback history query stays under it
SQLITE_IN_CHUNK = 900

STATE_FA = {"received": "دریافت‌شده", "technical_review": "رسیدگی فنی", "accounting": "رسیدگی حسابداری",
            "signed": "امضاشده"}
_RESERVED_EVENT_KEYS = ("id", "revision", "stale")


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What import_batch did.  (created, replaced): (True, False) a new batch; (False, False) the same
    content was already stored, nothing changed; (True, True) an earlier import was replaced."""
    batch_pk: int
    batch_id: str
    created: bool
    replaced: bool


@dataclass(frozen=True, slots=True)
class HistoryDoc:
    """One earlier document of an insured.  `batch` is its batch header (`claim_batch.batch`), shared by the
    documents of one batch within one history() answer: read it, do not change it."""
    batch: dict
    kind: str            # "prescription" | "bill"
    doc: dict


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _number_or_none(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _bad_input(path: str, en: str, fa: str) -> StoreError:
    return StoreError(f"{path}: {en}", f"{path}: {fa}", "bad_input")


def _unknown_batch(batch_id: str) -> StoreError:
    return StoreError(f"no batch {batch_id!r} in the database", f"پرونده (بچ) «{batch_id}» در پایگاه داده نیست",
                      "unknown_batch")


# --- what a document contributes to the columns and to the services index --------------------------------

def _prescription_scan(doc: dict, doc_date: str | None) -> tuple[int | None, list[tuple]]:
    """(requested total, [(code, served_on, qty), …]) of a prescription.  The hot loop of a 100,000-document
    import, hence the plain `type(x) is …` tests (they also keep bools out of numbers)."""
    total, seen, found = 0, False, []
    items = doc.get("items")
    if type(items) is not list:
        return None, found
    for item in items:
        if type(item) is not dict:
            continue
        requested = item.get("requested")
        if type(requested) is dict:
            amount = requested.get("total")
            if type(amount) is int or type(amount) is float:
                total += amount
                seen = True
        code = item.get("code")
        if type(code) is str and code:
            served_on = item.get("served_on")
            qty = item.get("qty")
            found.append((code, served_on if type(served_on) is str and served_on else doc_date,
                          qty if type(qty) is int or type(qty) is float else None))
    return (int(total) if seen else None), found


def _bill_scan(doc: dict, doc_date: str | None) -> tuple[int | None, list[tuple]]:
    """(requested total of the headings, [(code, served_on, qty), …]) of a bill: the global package, procedures,
    consultations and heading lines that carry a code (code-less lines are not indexed)."""
    total, seen, found = 0, False, []
    package = doc.get("global_package")
    if isinstance(package, dict) and (code := _str_or_none(package.get("code"))):
        found.append((code, doc_date, None))
    for group in ("procedures", "consultations"):
        for entry in _list(doc.get(group)):
            if isinstance(entry, dict) and (code := _str_or_none(entry.get("code"))):
                found.append((code, _str_or_none(entry.get("on")) or doc_date, _number_or_none(entry.get("qty"))))
    for heading in _dict(doc.get("headings")).values():
        heading = _dict(heading)
        amount = _number_or_none(heading.get("requested"))
        if amount is not None:
            total += amount
            seen = True
        for line in _list(heading.get("lines")):
            if isinstance(line, dict) and (code := _str_or_none(line.get("code"))):
                found.append((code, _str_or_none(line.get("on")) or doc_date, _number_or_none(line.get("qty"))))
    return (int(total) if seen else None), found


def _doc_date(kind: str, doc: dict) -> str | None:
    if kind == "prescription":
        return _str_or_none(doc.get("served_on"))
    admitted = _str_or_none(doc.get("admitted_at"))
    return admitted[:10] if admitted else None


DOC_COLUMNS = ("pk", "batch_pk", "kind", "seq", "national_id", "served_on", "requested_total", "doc_json")
SERVICE_COLUMNS = ("batch_pk", "document_pk", "national_id", "code", "served_on", "qty", "provider_code")


@dataclass(slots=True)
class _Prepared:
    batch_id: str
    columns: dict            # batch-row columns taken from the header (and header_json)
    docs: list[tuple]        # (kind, seq, national_id, served_on, requested_total, doc_json: UTF-8 bytes or str)
    services: list[tuple]    # (document index, national_id, code, served_on, qty); provider_code: in columns


_KINDS = {"prescriptions": "prescription", "bills": "bill"}


def document_row(key: str, i: int, doc) -> tuple:
    """What the store keeps of document `i` of the list `key` ("prescriptions" | "bills"), a normalised dict:
    (kind, seq, national_id, served_on, requested_total, doc_json, [(code, served_on, qty) of its services]).
    The intake calls it as each document is checked (desktop.pipeline: `load_batch(path, prepare=document_row)`),
    so that the document's JSON is dropped at once.  StoreError (bad_input) if it cannot be stored."""
    kind = _KINDS[key]
    if not isinstance(doc, dict):
        raise _bad_input(f"$.{key}[{i}]", "a document must be a JSON object", "سند باید یک شیء JSON باشد")
    try:
        doc_json = _encode_utf8(doc)
    except (TypeError, ValueError, RecursionError) as exc:
        raise _bad_input(f"$.{key}[{i}]", f"cannot be stored as JSON ({exc})",
                         "قابل ذخیره به صورت JSON نیست") from None
    seq = doc.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        seq = None
    insured = doc.get("insured")
    national_id = _str_or_none(insured.get("national_id")) if isinstance(insured, dict) else None
    date = _doc_date(kind, doc)
    requested_total, found = (_prescription_scan if kind == "prescription" else _bill_scan)(doc, date)
    return (kind, seq, national_id, date, requested_total, doc_json, found)


def prepare_rows(header: dict, rows: dict[str, list[tuple]]) -> _Prepared:
    """The batch for `Store.import_rows`: `header` the normalised batch with its document lists empty, `rows`
    the document_row of each document by list ("prescriptions", "bills"), in the file's order."""
    if not isinstance(header, dict):
        raise _bad_input("$", "a claim batch must be a JSON object", "پروندهٔ ادعا باید یک شیء JSON باشد")
    top = header.get("batch")
    if not isinstance(top, dict):
        raise _bad_input("$.batch", "the batch header is missing", "سرفصل پرونده (batch) نیامده است")
    batch_id = top.get("id")
    if not isinstance(batch_id, str) or not batch_id.strip():
        raise _bad_input("$.batch.id", "the batch id is missing", "شناسهٔ پرونده (batch.id) نیامده است")
    provider = _dict(top.get("provider"))
    try:
        envelope_json = _encode(header)
    except (TypeError, ValueError, RecursionError) as exc:
        raise _bad_input("$.batch", f"cannot be stored as JSON ({exc})",
                         "قابل ذخیره به صورت JSON نیست") from None
    columns = {
        "period": _str_or_none(top.get("period")),
        "fund": _str_or_none(top.get("fund")),
        "provider_code": _str_or_none(provider.get("code")),
        "provider_kind": _str_or_none(provider.get("kind")),
        "submitted_on": _str_or_none(top.get("submitted_on")),
        "header_json": envelope_json,
    }
    docs: list[tuple] = []
    services: list[tuple] = []
    for key in [k for k in header if k in _KINDS]:      # the lists in the file's order, as the documents' keys
        for row in rows.get(key) or ():
            index = len(docs)
            national_id = row[2]
            docs.append(row[:6])
            for code, served_on, qty in row[6]:
                services.append((index, national_id, code, served_on, qty))
    return _Prepared(batch_id, columns, docs, services)


def _prepare(normalized: dict, consume: bool = False) -> _Prepared:
    """Validate the little the store relies on and serialise every document once (no lock held yet); with
    `consume`, each document is dropped from its list once serialised (Store.import_batch)."""
    if not isinstance(normalized, dict):
        raise _bad_input("$", "a claim batch must be a JSON object", "پروندهٔ ادعا باید یک شیء JSON باشد")
    header = normalized.get("batch")
    if not isinstance(header, dict):
        raise _bad_input("$.batch", "the batch header is missing", "سرفصل پرونده (batch) نیامده است")
    batch_id = header.get("id")
    if not isinstance(batch_id, str) or not batch_id.strip():
        raise _bad_input("$.batch.id", "the batch id is missing", "شناسهٔ پرونده (batch.id) نیامده است")

    envelope: dict = {}
    doc_lists: list[tuple[str, list]] = []
    for key, value in normalized.items():
        if key in _KINDS:
            if not isinstance(value, list):
                raise _bad_input(f"$.{key}", "must be a list", "باید فهرست باشد")
            doc_lists.append((key, value))
            envelope[key] = []        # keeps the key, its place and its presence; load_batch refills it
        else:
            envelope[key] = value
    prepare_rows(envelope, {})        # the header's checks and JSON before any document, as always
    rows: dict[str, list[tuple]] = {}
    with _no_gc():
        for key, items in doc_lists:
            out = rows.setdefault(key, [])
            for i, doc in enumerate(items):
                out.append(document_row(key, i, doc))
                if consume:
                    items[i] = None
    return prepare_rows(envelope, rows)


def _fetch_all(conn: Connection, stmt, params: dict) -> list[tuple]:
    """Run a Core select through the driver's cursor and return plain tuples.  For the two big reads (history,
    load_batch) SQLAlchemy's Row objects cost about as much as SQLite's own work; the statement has only plain
    bind parameters of text and integer columns, which need no conversion."""
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


class Store:
    """A connection to the database.  Open with Store.open(url); close() when done (or use `with`)."""

    def __init__(self, engine: Engine, url: str):
        self._engine = engine
        self.url: str = url
        self.dialect: str = engine.dialect.name
        self._now: Callable[[], str] = _utc_now
        self._sqlite_json = True
        if self.dialect == "sqlite":
            with engine.connect() as conn:
                try:
                    conn.exec_driver_sql("SELECT value FROM json_each('[1]')").fetchall()
                except OperationalError:   # SQLite built without JSON: chunked IN instead
                    self._sqlite_json = False

    # --- opening and closing ------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None) -> "Store":
        """Open (creating if need be) the database at `url` and migrate it to the newest schema.  Default: the
        database chosen at the first run (desktop.firstrun.configured_db_url: the office server, else the embedded
        SQLite in the user-data folder)."""
        if url is None:
            from desktop.firstrun import configured_db_url
            url = configured_db_url()
        u = normalize_url(url)
        shown = u.render_as_string(hide_password=True)
        engine = make_engine(u)
        try:
            upgrade_to_head(engine)
            store = cls(engine, shown)
        except DBAPIError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise StoreError(f"cannot open the database {shown}: {reason}",
                             f"پایگاه داده {shown} باز نشد: {reason}", "cannot_connect") from None
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """A read-only transaction whose statements all see one state of the database."""
        with self._engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    # --- import ---------------------------------------------------------------------------------------------

    def import_batch(self, normalized: dict, *, source_file: str, sha256: str,
                     who: str = "system", consume: bool = False) -> ImportOutcome:
        """Store a normalised claim-batch/1 dict in one transaction (see ImportOutcome).  The same batch id
        with other content replaces the earlier import (documents and services deleted; its results and events
        kept and marked stale; state back to `received`) unless that batch is signed.

        consume=True: the caller has no further use for `normalized`; each document is dropped from its list
        (replaced by None) once serialised, so that the JSON tree and its serialised form are not both held
        (100,000 documents: about 300 MB less at the peak).  Unless the batch was already stored as it is."""
        if not isinstance(sha256, str) or not sha256:
            raise StoreError("sha256 of the source file is required", "چکیدهٔ sha256 فایل لازم است", "bad_input")
        if isinstance(normalized, dict) and isinstance(_dict(normalized.get("batch")).get("id"), str):
            with self._engine.connect() as conn:      # the common "already imported" case costs one query
                row = self._batch_row(conn, normalized["batch"].get("id"))
            if row is not None and row.sha256 == sha256:
                return ImportOutcome(row.pk, row.batch_id, created=False, replaced=False)
        with _no_gc():      # nothing here is cyclic; 300,000 row tuples would set off full collections
            return self._import(_prepare(normalized, consume), str(source_file), sha256, who)

    def import_rows(self, rows: "_Prepared", *, source_file: str, sha256: str, who: str = "system") -> ImportOutcome:
        """Store a batch prepared document by document (`prepare_rows(header, rows)`; the pipeline's path):
        the same transaction and the same rules as import_batch."""
        if not isinstance(sha256, str) or not sha256:
            raise StoreError("sha256 of the source file is required", "چکیدهٔ sha256 فایل لازم است", "bad_input")
        with _no_gc():
            return self._import(rows, str(source_file), sha256, who)

    def _import(self, prepared: "_Prepared", source_file: str, sha256: str, who: str) -> ImportOutcome:
        try:
            return self._import_prepared(prepared, source_file, sha256, who)
        except IntegrityError:
            # PostgreSQL: another program inserted the same new batch id meanwhile.  Once more: now its row is
            # there and the usual rules (same content: no-op; other content: replace) apply.
            try:
                return self._import_prepared(prepared, source_file, sha256, who)
            except IntegrityError as exc:
                raise StoreError(
                    f"batch {prepared.batch_id!r} could not be stored: {str(exc.orig).splitlines()[0]}",
                    f"پرونده «{prepared.batch_id}» ذخیره نشد (شاید هم‌زمان از جای دیگری وارد می‌شود)؛ "
                    f"دوباره تلاش کنید", "conflict") from None

    def _import_prepared(self, prepared: _Prepared, source_file: str, sha256: str, who: str) -> ImportOutcome:
        batch_id = prepared.batch_id
        with write_connection(self._engine) as conn:
            row = self._batch_row(conn, batch_id, lock=True)
            if row is not None and row.sha256 == sha256:
                return ImportOutcome(row.pk, batch_id, created=False, replaced=False)
            now = self._now()
            values = dict(prepared.columns, sha256=sha256, imported_at=now, source_file=source_file,
                          state="received")
            if row is None:
                revision = 1
                pk = conn.execute(insert(batches).values(dict(values, batch_id=batch_id, revision=revision))
                                  ).inserted_primary_key[0]
                payload = {"kind": "batch_imported", "sha256": sha256, "source_file": source_file,
                           "documents": len(prepared.docs)}
            else:
                if row.state == "signed":
                    raise StoreError(
                        f"batch {batch_id!r} is signed; it cannot be replaced by a new import "
                        f"(reopen it first, with a reason)",
                        f"پرونده «{batch_id}» امضا شده است و با ورود دوباره جایگزین نمی‌شود؛ "
                        f"نخست آن را با ذکر دلیل بازگشایی کنید", "signed_batch")
                pk, revision = row.pk, row.revision + 1
                self._delete_documents(conn, pk)
                conn.execute(update(batches).where(batches.c.pk == pk).values(dict(values, revision=revision)))
                payload = {"kind": "batch_replaced", "sha256": sha256, "previous_sha256": row.sha256,
                           "source_file": source_file, "previous_state": row.state,
                           "documents": len(prepared.docs)}
            self._append_event(conn, pk, revision, dict(payload, who=who, role=None, at=now))
            doc_pks = self._insert_documents(conn, pk, prepared.docs)
            self._insert_services(conn, pk, doc_pks, prepared.services, prepared.columns["provider_code"])
        return ImportOutcome(pk, batch_id, created=True, replaced=row is not None)

    def _delete_documents(self, conn: Connection, batch_pk: int) -> None:
        doc_pks = select(documents.c.pk).where(documents.c.batch_pk == batch_pk)
        conn.execute(delete(services).where(services.c.document_pk.in_(doc_pks)))
        conn.execute(delete(documents).where(documents.c.batch_pk == batch_pk))

    def _allot_document_pks(self, conn: Connection, n: int) -> list[int]:
        if n == 0:
            return []
        if self.dialect == "postgresql":
            rows = conn.execute(text("SELECT nextval(pg_get_serial_sequence('documents', 'pk')) "
                                     "FROM generate_series(1, :n)"), {"n": n})
            return [r[0] for r in rows]
        # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so nobody else can take these keys.
        top = conn.execute(select(func.max(documents.c.pk))).scalar() or 0
        return list(range(top + 1, top + n + 1))

    def _executemany(self, conn: Connection, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """INSERT many rows in this connection's transaction, at the speed of the driver: SQLAlchemy's per-row
        parameter processing would cost as much as the database itself for 100,000 documents.

        SQLite: Core's `insert(table)` through the driver's executemany with tuples; a JSON column may come as
        UTF-8 bytes, bound as such and stored as TEXT by `CAST(? AS TEXT)` (SQLite reads a blob cast to text in
        the database encoding, UTF-8), which spares decoding and re-encoding every document.
        PostgreSQL: COPY (bytes decoded first)."""
        if not rows:
            return
        driver = conn.connection.driver_connection
        if self.dialect == "sqlite":
            sql = self._sqlite_insert_sql(conn, table, columns)
            cursor = driver.cursor()
            try:
                cursor.executemany(sql, rows)
            finally:
                cursor.close()
        else:
            json_at = [i for i, c in enumerate(columns) if c.endswith("_json")]
            with driver.cursor() as cursor:
                with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        if json_at:
                            row = list(row)
                            for i in json_at:
                                if isinstance(row[i], bytes):
                                    row[i] = row[i].decode()
                        copy.write_row(row)

    @staticmethod
    def _sqlite_insert_sql(conn: Connection, table, columns: tuple[str, ...]) -> str:
        values = {c: cast(bindparam(c), Text) if c.endswith("_json") else bindparam(c) for c in columns}
        compiled = insert(table).values(values).compile(dialect=conn.dialect)
        assert tuple(compiled.positiontup) == tuple(columns), compiled.positiontup   # tuples go in this order
        return str(compiled)

    def _insert_documents(self, conn: Connection, batch_pk: int, docs: list[tuple]) -> list[int]:
        pks = self._allot_document_pks(conn, len(docs))
        self._executemany(conn, documents, DOC_COLUMNS,
                          [(pk, batch_pk, *doc) for pk, doc in zip(pks, docs)])
        return pks

    def _insert_services(self, conn: Connection, batch_pk: int, doc_pks: list[int], rows: list[tuple],
                         provider: str | None = None) -> None:
        self._executemany(conn, services, SERVICE_COLUMNS,
                          [(batch_pk, doc_pks[i], nid, code, served_on, qty, provider)
                           for i, nid, code, served_on, qty in rows])

    # --- reading batches ------------------------------------------------------------------------------------

    @staticmethod
    def _batch_row(conn: Connection, batch_id: str, *, lock: bool = False):
        q = select(batches.c.pk, batches.c.batch_id, batches.c.sha256, batches.c.state, batches.c.revision).where(
            batches.c.batch_id == batch_id)
        if lock and conn.dialect.name == "postgresql":
            q = q.with_for_update()
        return conn.execute(q).first()

    def _require_batch(self, conn: Connection, batch_id: str, *, lock: bool = False):
        row = self._batch_row(conn, batch_id, lock=lock)
        if row is None:
            raise _unknown_batch(batch_id)
        return row

    def batch_ids(self) -> list[str]:
        """Every stored batch id, in import order."""
        with self._engine.connect() as conn:
            return list(conn.execute(select(batches.c.batch_id).order_by(batches.c.pk)).scalars())

    def load_batch(self, batch_id: str) -> dict | None:
        """The normalised batch dict as imported (None if there is no such batch)."""
        with _no_gc():
            return self._load_batch(batch_id)

    def _load_batch(self, batch_id: str) -> dict | None:
        with self._snapshot() as conn:
            row = conn.execute(select(batches.c.pk, batches.c.header_json)
                               .where(batches.c.batch_id == batch_id)).first()
            if row is None:
                return None
            docs = _fetch_all(conn, select(documents.c.kind, documents.c.doc_json)
                              .where(documents.c.batch_pk == bindparam("batch_pk")).order_by(documents.c.pk),
                              {"batch_pk": row.pk})
        envelope = _decode(row.header_json)
        for kind, doc_json in docs:
            envelope["prescriptions" if kind == "prescription" else "bills"].append(_decode(doc_json))
        return envelope

    # --- the insured's history ------------------------------------------------------------------------------

    def history(self, national_ids: set[str], *, exclude_batch_id: str | None = None) -> list[HistoryDoc]:
        """Every stored document of these insured, from every batch except `exclude_batch_id`, ordered by
        (batch period, batch import order, seq)."""
        ids = sorted({n for n in national_ids if isinstance(n, str) and n})
        if not ids:
            return []
        with _no_gc():      # 100,000 fresh dicts: see _no_gc
            return self._history(ids, exclude_batch_id)

    def _history(self, ids: list[str], exclude_batch_id: str | None) -> list[HistoryDoc]:
        cols = (batches.c.period, documents.c.batch_pk, documents.c.seq, documents.c.pk,
                documents.c.kind, documents.c.doc_json)
        base = select(*cols).join_from(documents, batches, documents.c.batch_pk == batches.c.pk)
        if exclude_batch_id is not None:
            base = base.where(batches.c.batch_id != exclude_batch_id)
        with self._snapshot() as conn:
            if self.dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import ARRAY
                wanted = select(func.unnest(bindparam("ids", type_=ARRAY(Text))))
                rows = _fetch_all(conn, base.where(documents.c.national_id.in_(wanted)), {"ids": ids})
            elif self._sqlite_json:
                wanted = select(func.json_each(bindparam("ids", type_=Text)).table_valued("value").c.value)
                rows = _fetch_all(conn, base.where(documents.c.national_id.in_(wanted)), {"ids": _encode(ids)})
            else:
                rows = []
                for start in range(0, len(ids), SQLITE_IN_CHUNK):
                    chunk = ids[start:start + SQLITE_IN_CHUNK]
                    rows.extend(conn.execute(base.where(documents.c.national_id.in_(chunk))).all())
            # (period, import order, seq, filing order), NULLs first.  Sorted here, not by ORDER BY: the database
            # would sort the whole rows, JSON included (twice the time of the query on SQLite); the periods are
            # fixed-width `yyyy/mm`, so text order is time order in any collation.
            rows.sort(key=lambda r: (r[0] is not None, r[0] or "", r[1], r[2] is not None, r[2] or 0, r[3]))
            batch_pks = sorted({r[1] for r in rows})
            headers: dict[int, dict] = {}
            for start in range(0, len(batch_pks), SQLITE_IN_CHUNK):
                chunk = batch_pks[start:start + SQLITE_IN_CHUNK]
                for pk, header_json in conn.execute(select(batches.c.pk, batches.c.header_json)
                                                    .where(batches.c.pk.in_(chunk))):
                    headers[pk] = _decode(header_json).get("batch") or {}
        return [HistoryDoc(headers[r[1]], r[4], _decode(r[5])) for r in rows]

    # --- results --------------------------------------------------------------------------------------------

    def save_result(self, batch_id: str, result: dict, *, rules_version: str) -> None:
        """Store a review-result/1 dict for the batch as it now stands (earlier results are kept)."""
        if not isinstance(result, dict) or result.get("format") != "review-result/1":
            raise StoreError("a review result must be a review-result/1 object",
                             "نتیجهٔ رسیدگی باید در قالب review-result/1 باشد", "bad_result")
        if result.get("batch_id", batch_id) != batch_id:
            raise StoreError(f"the result is for batch {result.get('batch_id')!r}, not {batch_id!r}",
                             f"این نتیجه مربوط به پرونده «{result.get('batch_id')}» است، نه «{batch_id}»",
                             "bad_result")
        if not isinstance(rules_version, str) or not rules_version:
            raise StoreError("rules_version is required", "نسخهٔ قواعد لازم است", "bad_result")
        try:
            # SQLite: UTF-8 bytes bound as TEXT (see _executemany) — a 100,000-document result is 26 MB of JSON,
            # which as a Python str would be 52 MB (Persian text) and then encoded once more by the driver
            result_json = jsontext.dumps_utf8(result) if self.dialect == "sqlite" else _encode(result)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"the result cannot be stored as JSON ({exc})",
                             "نتیجهٔ رسیدگی قابل ذخیره به صورت JSON نیست", "bad_result") from None
        with write_connection(self._engine) as conn:
            row = self._require_batch(conn, batch_id, lock=True)
            if row.state == "signed":
                raise StoreError(f"batch {batch_id!r} is signed; its result cannot change (reopen it first)",
                                 f"پرونده «{batch_id}» امضا شده است و نتیجهٔ آن تغییر نمی‌کند؛ "
                                 f"نخست آن را بازگشایی کنید", "signed_batch")
            if isinstance(result_json, bytes):
                self._executemany(conn, results, ("batch_pk", "batch_revision", "rules_version", "result_json",
                                                  "created_at"),
                                  [(row.pk, row.revision, rules_version, result_json, self._now())])
            else:
                conn.execute(insert(results).values(batch_pk=row.pk, batch_revision=row.revision,
                                                    rules_version=rules_version, result_json=result_json,
                                                    created_at=self._now()))

    def load_result(self, batch_id: str, *, include_stale: bool = False) -> dict | None:
        """The latest result saved for the batch's current content; None if there is none (or the batch is
        unknown).  include_stale=True also considers results of an import since replaced."""
        with self._engine.connect() as conn:
            q = (select(results.c.result_json).join_from(results, batches, results.c.batch_pk == batches.c.pk)
                 .where(batches.c.batch_id == batch_id).order_by(results.c.pk.desc()).limit(1))
            if not include_stale:
                q = q.where(results.c.batch_revision == batches.c.revision)
            found = conn.execute(q).scalar()
        return None if found is None else _decode(found)

    # --- events and states ----------------------------------------------------------------------------------

    def _append_event(self, conn: Connection, batch_pk: int, revision: int, payload: dict) -> int:
        return conn.execute(insert(events).values(
            batch_pk=batch_pk, batch_revision=revision, at=payload["at"], who=payload["who"],
            role=payload.get("role"), kind=payload["kind"], payload_json=_encode(payload),
        )).inserted_primary_key[0]

    def record_event(self, batch_id: str, event: dict, *, expect_last: tuple[str, str, object] | None = None) -> int:
        """Append a decision/audit event (who, role, at, kind, seq, line, heading, mark, amount, reason, …).
        Events are never updated or deleted (the database refuses it).  `at` defaults to now (UTC ISO-8601).
        Returns the event's id.

        expect_last=(kind, key, value): append only if the batch's last event of `kind` has `key` == value (None:
        there is no such event), checked in the same write transaction with the batch locked — two desks issuing
        version 2 of one sheet at once cannot both succeed.  Otherwise StoreError `conflict`, nothing written."""
        if not isinstance(event, dict):
            raise StoreError("an event must be a dict", "رویداد باید یک شیء باشد", "bad_event")
        for key in ("who", "kind"):
            if not isinstance(event.get(key), str) or not event[key].strip():
                raise StoreError(f"an event needs {key!r}", f"رویداد باید «{key}» داشته باشد", "bad_event")
        if event.get("role") is not None and not isinstance(event["role"], str):
            raise StoreError("an event's role must be text", "نقش در رویداد باید متن باشد", "bad_event")
        if "at" in event and not isinstance(event["at"], str):
            raise StoreError("an event's 'at' must be text", "زمان رویداد باید متن باشد", "bad_event")
        if reserved := [k for k in _RESERVED_EVENT_KEYS if k in event]:
            raise StoreError(f"an event cannot carry {reserved} (set by the store)",
                             f"رویداد نمی‌تواند {reserved} داشته باشد", "bad_event")
        payload = dict(event)
        payload.setdefault("at", self._now())
        try:
            _encode(payload)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"the event cannot be stored as JSON ({exc})",
                             "رویداد قابل ذخیره به صورت JSON نیست", "bad_event") from None
        with write_connection(self._engine) as conn:
            row = self._require_batch(conn, batch_id, lock=expect_last is not None)
            if expect_last is not None:
                kind, key, value = expect_last
                last = None
                for (text,) in conn.execute(select(events.c.payload_json).where(events.c.batch_pk == row.pk)
                                            .order_by(events.c.pk.desc())):
                    ev = _decode(text)
                    if ev.get("kind") == kind:
                        last = ev
                        break
                if (last or {}).get(key) != value:
                    raise StoreError(f"batch {batch_id!r}: the last {kind} event has {key}="
                                     f"{(last or {}).get(key)!r}, not {value!r} (recorded meanwhile by another desk)",
                                     f"پرونده «{batch_id}» در این فاصله در میز دیگری تغییر کرده است", "conflict")
            return self._append_event(conn, row.pk, row.revision, payload)

    def events(self, batch_id: str) -> list[dict]:
        """The batch's events, oldest first: each the dict as recorded, plus `id`, `revision` (the batch's import
        revision it belongs to) and `stale` (True once that import has been replaced)."""
        with self._engine.connect() as conn:
            row = self._require_batch(conn, batch_id)
            rows = conn.execute(select(events.c.pk, events.c.batch_revision, events.c.payload_json)
                                .where(events.c.batch_pk == row.pk).order_by(events.c.pk)).all()
        out = []
        for pk, revision, payload_json in rows:
            ev = _decode(payload_json)
            ev.update(id=pk, revision=revision, stale=revision < row.revision)
            out.append(ev)
        return out

    def state(self, batch_id: str) -> str:
        with self._engine.connect() as conn:
            return self._require_batch(conn, batch_id).state

    def set_state(self, batch_id: str, state: str, *, who: str, reason: str | None = None,
                  role: str | None = None) -> None:
        """Move the batch along received → technical_review → accounting → signed (one step forward, or back
        to any earlier state; leaving `signed` needs a reason).  Each change is also an event
        (kind `state_changed`, with `from`, `to`, `reason`).  Setting the current state again does nothing."""
        if state not in STATES:
            raise StoreError(f"unknown batch state {state!r} (one of {', '.join(STATES)})",
                             f"وضعیت «{state}» برای پرونده تعریف نشده است", "bad_state")
        if not isinstance(who, str) or not who.strip():
            raise StoreError("who changes the state is required", "کاربر تغییردهندهٔ وضعیت مشخص نیست", "bad_event")
        with write_connection(self._engine) as conn:
            row = self._require_batch(conn, batch_id, lock=True)
            current = row.state
            if state == current:
                return
            if STATES.index(state) > STATES.index(current) + 1:
                raise StoreError(
                    f"batch {batch_id!r} cannot go from {current} to {state}: one step at a time",
                    f"پرونده «{batch_id}» نمی‌تواند از «{STATE_FA[current]}» مستقیم به «{STATE_FA[state]}» برود",
                    "bad_transition")
            if current == "signed" and not (isinstance(reason, str) and reason.strip()):
                raise StoreError(f"reopening the signed batch {batch_id!r} needs a reason",
                                 f"بازگشایی پروندهٔ امضاشدهٔ «{batch_id}» نیازمند ذکر دلیل است", "reason_required")
            conn.execute(update(batches).where(batches.c.pk == row.pk).values(state=state))
            self._append_event(conn, row.pk, row.revision, {
                "kind": "state_changed", "who": who, "role": role, "at": self._now(),
                "from": current, "to": state, "reason": reason})
