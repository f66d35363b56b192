"""Reference data: the tariff book (relative values), the dated parameters, and pricing.

Formats (public interface): interchange.md §2 (tariff CSV), §3 (parameters YAML), §5 (`--tariff`/`--params` overlay)
and rule-inputs.md §3 (dental Table 2 rows `T2-<row>`), §4 (the named, dated tables), §5 (tariff rows).

* `load_tariff(path)` / `load_params(path)` return `(data, problems)`; a problem names the file, the place
  (`row 12, column rvu_professional`; `k_professional.government."1404/01/01".value`) and what is wrong, in Persian
  and English.  They never raise on bad content.
* `Params.value(name, on, key)` is the value in force on `on`: the latest dated entry whose date ≤ `on` (OpenFisca's
  "value in force"), found by bisection and memoised.
* `ReferenceData.price(code, on, sector, qty)` = professional RV × K_professional + technical RV × K_technical in
  force on `on` for the K sector, rounded half up to whole Rials; `T2-<row>` = Table-2 coefficient × K_dental.
  Memoised per (code, date, sector, qty).
* `load_default()` = the shipped samples (`rules/sample`) overlaid by the office's own files
  (`<user data>/reference/tariff.csv`, `params.yaml`), memoised on the files' size and modification time.

Pure Python: no Qt, no SQL, no clock.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import yaml

from desktop.domain.jalali import JDate, normalize_digits, parse_date
from desktop.domain.problems import InputError, Problem

__all__ = [
    "TariffRow", "TariffBook", "Params", "ReferenceData", "Price", "MissingParameter",
    "load_tariff", "load_params", "load_default", "k_sector",
    "TARIFF_COLUMNS", "SECTOR_SPLIT", "KNOWN_TABLES", "office_reference_dir",
]

TARIFF_COLUMNS = ("code", "description_fa", "rvu_total", "rvu_professional", "rvu_technical", "anesthesia_base",
                  "flags", "chapter")
SECTORS = ("government", "private")
SECTOR_SPLIT = SECTORS
_PROVIDER_SECTOR = {"government_university": "government", "government_other": "government",
                    "private": "private", "charity": "private", "government": "government"}

_RAISE = object()
_MISSING = object()          # cache marker: nothing in force
_CODE_RE = re.compile(r"^(?:\d{6}|T2-\d{1,3})$")
_DATE_LIKE = re.compile(r"^\s*[0-9۰-۹٠-٩]{2,4}\s*[/-]")
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_AR_TO_FA = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})


def _fa(text) -> str:
    """Latin digits → Persian digits, for the Persian half of a message."""
    return str(text).translate(_FA_DIGITS)


def _round_rial(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _dec(v) -> Decimal:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(str(v))
    raise TypeError(f"not a number: {v!r}")


def k_sector(provider_sector: str) -> str:
    """`provider.sector` → the K sector: `government` for government_university/government_other, else `private`
    (rule-inputs §1.3).  `government`/`private` pass through."""
    try:
        return _PROVIDER_SECTOR[provider_sector]
    except KeyError:
        raise ValueError(f"unknown provider sector {provider_sector!r} (expected one of "
                         f"government_university, government_other, private, charity)") from None


# ---------------------------------------------------------------------------------------------------------------
# tariff book


@dataclass(frozen=True, slots=True)
class TariffRow:
    """One row of the tariff book (interchange §2).  After loading, a single relative value is in
    `rvu_professional` (a lone `rvu_total` is moved there) and `rvu_total` = professional + technical when a
    technical value is given, else None."""
    code: str
    description_fa: str | None
    rvu_total: Decimal | None
    rvu_professional: Decimal | None
    rvu_technical: Decimal | None
    anesthesia_base: Decimal | None
    flags: str
    chapter: str | None
    #: the chapter was written in the book's `chapter` column (False: inferred by `infer_chapter`, or none)
    chapter_declared: bool = True

    @property
    def is_addon(self) -> bool:
        return "+" in self.flags

    @property
    def is_private_adjusted(self) -> bool:
        return "#" in self.flags

    @property
    def is_not_covered(self) -> bool:
        return "*" in self.flags

    @property
    def is_dental(self) -> bool:
        return self.code.startswith("T2-")


class TariffBook:
    """Tariff rows by code.  Immutable: `overlay` returns a new book."""

    __slots__ = ("_rows", "sources", "digests")

    def __init__(self, rows: Iterable[TariffRow] | Mapping[str, TariffRow] = (), *, sources: Iterable[str] = (),
                 digests: Iterable[str] = ()):
        if isinstance(rows, Mapping):
            self._rows = dict(rows)
        else:
            self._rows = {r.code: r for r in rows}
        self.sources = tuple(sources)
        self.digests = tuple(digests)

    def get(self, code) -> TariffRow | None:
        return self._rows.get(code)

    def __getitem__(self, code) -> TariffRow:
        return self._rows[code]

    def __contains__(self, code) -> bool:
        return code in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[TariffRow]:
        return iter(self._rows.values())

    def codes(self) -> list[str]:
        return list(self._rows)

    def overlay(self, other: "TariffBook") -> "TariffBook":
        """A new book: every row of `other` replaces the row of the same code; the other rows stay."""
        rows = dict(self._rows)
        for code, row in other._rows.items():
            base = rows.get(code)
            # a row written without its chapter keeps the chapter the loaded book declares for that code
            if not row.chapter_declared and base is not None and base.chapter_declared and base.chapter:
                row = replace(row, chapter=base.chapter, chapter_declared=True)
            rows[code] = row
        return TariffBook(rows, sources=self.sources + other.sources, digests=self.digests + other.digests)

    def __repr__(self):
        return f"TariffBook({len(self)} rows from {', '.join(self.sources) or '—'})"


def _read_text(path: Path, label: str, spreadsheet: bool) -> tuple[str | None, bytes, list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, b"", [Problem(label, "(file)", f"cannot read the file: {exc.strerror or exc}",
                                   "فایل خوانده نشد (وجود ندارد یا دسترسی به آن ممکن نیست)", "unreadable")]
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), data, []
    try:
        return data.decode("utf-8"), data, []
    except UnicodeDecodeError as exc:
        if spreadsheet:
            return data.decode("cp1256", errors="replace"), data, []
        return None, data, [Problem(label, "(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                    "فایل با کدگذاری UTF-8 ذخیره نشده است", "encoding")]


def _parse_decimal(raw: str) -> Decimal:
    s = normalize_digits(raw.strip()).replace("٫", ".").replace("٬", "").replace(" ", "")
    d = Decimal(s)
    if not d.is_finite():
        raise InvalidOperation
    return d


def load_tariff(path) -> tuple[TariffBook, list[Problem]]:
    """Read a tariff CSV (interchange §2).  UTF-8 (BOM accepted) or Windows-1256; `,` separated (a header with
    `;` or tabs and no comma is read with that separator).  The header must hold the eight columns of §2 in any
    order; other columns are ignored.  Row numbers are spreadsheet rows (the header is row 1)."""
    path = Path(path)
    label = str(path)
    text, raw, problems = _read_text(path, label, spreadsheet=True)
    if text is None:
        return TariffBook(sources=[label]), problems
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        return TariffBook(sources=[label]), [Problem(label, "row 1", "the file is empty: no header row",
                                                     "فایل خالی است: سطر عنوان ستون‌ها ندارد", "empty")]
    delim = ","
    if "," not in first:
        delim = ";" if ";" in first else ("\t" if "\t" in first else ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header: list[str] | None = None
    rows: dict[str, TariffRow] = {}
    first_row: dict[str, int] = {}
    rowno = 0
    for cells in reader:
        rowno += 1
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = [c.strip().lstrip("\ufeff").lower() for c in cells]
            missing = [c for c in TARIFF_COLUMNS if c not in header]
            for c in missing:
                problems.append(Problem(label, f"row {rowno} (header)",
                                        f"column '{c}' is missing (interchange §2: {','.join(TARIFF_COLUMNS)})",
                                        f"ستون «{c}» در سطر عنوان نیست (ستون‌های لازم: {','.join(TARIFF_COLUMNS)})",
                                        "missing_column"))
            if "code" in missing:
                return TariffBook(sources=[label]), problems
            index = {c: header.index(c) for c in TARIFF_COLUMNS if c in header}
            continue
        if not any(c.strip() for c in cells):
            continue                                   # blank line
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(Problem(
                label, f"row {rowno}",
                f"{len(cells)} cells but the header has {len(header)} (a description with a comma must be quoted)",
                f"این سطر {_fa(len(cells))} خانه دارد ولی سطر عنوان {_fa(len(header))} ستون (شرحی که ویرگول دارد "
                f"باید در گیومه \" \" باشد)", "extra_cells"))
            continue
        row = _parse_tariff_row(cells, index, rowno, label, problems)
        if row is None:
            continue
        if row.code in rows:
            m = first_row[row.code]
            problems.append(Problem(label, f"row {rowno}, column code",
                                    f"code {row.code} appears again (first on row {m})",
                                    f"کد {_fa(row.code)} تکراری است (نخستین بار در سطر {_fa(m)})", "duplicate"))
            continue
        rows[row.code] = row
        first_row[row.code] = rowno
    if header is None:
        problems.append(Problem(label, "row 1", "the file is empty: no header row",
                                "فایل خالی است: سطر عنوان ستون‌ها ندارد", "empty"))
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return TariffBook(rows, sources=[label], digests=[digest]), problems


def _parse_tariff_row(cells, index, rowno, label, problems) -> TariffRow | None:
    def cell(col):
        i = index.get(col)
        if i is None or i >= len(cells):
            return ""
        return cells[i].strip()

    where = lambda col: f"row {rowno}, column {col}"   # noqa: E731
    n_before = len(problems)
    code = normalize_digits(cell("code")).upper().replace(" ", "")
    if not code:
        problems.append(Problem(label, where("code"), "the code is empty", "کد خالی است", "missing_code"))
        return None
    if not _CODE_RE.match(code):
        problems.append(Problem(
            label, where("code"),
            f"'{cell('code')}' is not a national code (6 digits) or a dental Table 2 row (T2-<row>)",
            f"«{cell('code')}» کد ملی شش‌رقمی یا ردیف جدول ۲ دندانپزشکی (T2-ردیف) نیست", "invalid_code"))
        return None
    values: dict[str, Decimal | None] = {}
    for col in ("rvu_total", "rvu_professional", "rvu_technical", "anesthesia_base"):
        raw = cell(col)
        if not raw:
            values[col] = None
            continue
        try:
            d = _parse_decimal(raw)
        except (InvalidOperation, ValueError):
            problems.append(Problem(label, where(col),
                                    f"'{raw}' is not a number (relative values are decimals such as 4.5)",
                                    f"«{raw}» عدد نیست (ارزش نسبی عدد اعشاری است، مانند 4.5)", "invalid_number"))
            continue
        if d < 0:
            problems.append(Problem(label, where(col), f"{raw} is negative", f"مقدار {_fa(raw)} منفی است",
                                    "negative"))
            continue
        values[col] = d
    flags_raw = cell("flags").replace(" ", "")
    bad = sorted({ch for ch in flags_raw if ch not in "+#*"})
    if bad:
        problems.append(Problem(label, where("flags"), f"flag(s) {' '.join(bad)} not allowed: only + # *",
                                f"علامت «{' '.join(bad)}» مجاز نیست؛ فقط + و # و *", "invalid_flag"))
    flags = "".join(ch for ch in "+#*" if ch in flags_raw)
    if len(problems) > n_before:
        return None
    total, prof, tech = values["rvu_total"], values["rvu_professional"], values["rvu_technical"]
    if prof is None and tech is None:
        prof, total = total, None                     # a lone value is the professional component (§2)
    elif total is not None:
        s = (prof or Decimal(0)) + (tech or Decimal(0))
        if abs(s - total) > Decimal("0.005"):
            problems.append(Problem(
                label, where("rvu_total"),
                f"rvu_total {total} is not rvu_professional + rvu_technical ({prof or 0} + {tech or 0} = {s})",
                f"ارزش نسبی کل ({_fa(total)}) با جمع جزء حرفه‌ای و فنی ({_fa(s)}) برابر نیست", "total_mismatch"))
            return None
    total = (prof or Decimal(0)) + tech if tech is not None else None
    desc = cell("description_fa").translate(_AR_TO_FA) or None
    chapter = cell("chapter").strip().lower() or None
    if chapter is None:
        return TariffRow(code, desc, total, prof, tech, values["anesthesia_base"], flags, infer_chapter(code, desc),
                         chapter_declared=False)
    return TariffRow(code, desc, total, prof, tech, values["anesthesia_base"], flags, chapter)


# the book's code ranges whose chapter is not in doubt (the manual: laboratory 8xxxxx, physiotherapy 9016xx, the
# radiotherapy ranges of RT-3-5-N2, dental Table 2 rows), and the imaging codes 70xxxx by the words of their title
_RANGE_CHAPTERS = ((800000, 809999, "laboratory"), (901600, 901699, "physiotherapy"),
                   (705300, 705435, "radiotherapy"), (705505, 705555, "radiotherapy"),
                   (901950, 901955, "radiotherapy"))
_IMAGING_WORDS = tuple((chapter, re.compile("|".join(words), re.IGNORECASE)) for chapter, words in (
    ("ultrasound", (r"سونوگرافی", r"سونو گرافی", r"داپلر", r"\bultrasound\b", r"\bsonography\b", r"\bdoppler\b")),
    ("mri", (r"ام\s*\.?\s*آر\s*\.?\s*آی", r"ام\s*ار\s*ای", r"\bmri\b", r"\bmr\b", r"magnetic resonance")),
    ("ct", (r"سی\s*تی", r"\bct\b", r"\bcta\b", r"computed tomography")),
    ("nuclear_medicine", (r"ایزوتوپ", r"پزشکی هسته", r"اسپکت", r"\bspect\b", r"scintigraph"))))


def infer_chapter(code: str, description: str | None) -> str | None:
    """The chapter of a tariff row whose `chapter` cell is empty (outside authors and the published examples leave
    it empty): by the code's range where the manual fixes it, an imaging code (70xxxx) by its title's words, plain
    radiography 700xxx.  None when unsure.  The batch-service and licence checks (GEN-20-N3, GEN-28) read only a
    declared chapter (`TariffRow.chapter_declared`)."""
    if code.startswith("T2-"):
        return "dentistry"
    if not (len(code) == 6 and code.isdigit()):
        return None
    n = int(code)
    for lo, hi, chapter in _RANGE_CHAPTERS:
        if lo <= n <= hi:
            return chapter
    if 700000 <= n <= 705999:
        text = (description or "").replace("\u200c", " ")
        for chapter, pattern in _IMAGING_WORDS:
            if pattern.search(text):
                return chapter
        if n <= 700999:
            return "radiology"
    return None


# ---------------------------------------------------------------------------------------------------------------
# parameters


class MissingParameter(LookupError):
    """No value of a parameter is in force on the date asked (or the table / split / key is absent)."""

    def __init__(self, table: str, on: JDate | None, key: str | None = None, reason: str = "not_in_force"):
        self.table, self.on, self.key, self.reason = table, on, key, reason
        name = table + (f" ({key})" if key is not None else "")
        when = str(on) if on is not None else "—"
        if reason == "no_table":
            en = f"parameter table {table} is not in the loaded parameters"
            fa = f"جدول پارامتر {table} در پارامترهای بارشده نیست"
        elif reason == "no_key":
            en = f"parameter {name}: no entry '{key}' in force on {when}"
            fa = f"پارامتر {table}: مقدار «{key}» در تاریخ {_fa(when)} تعریف نشده است"
        elif reason == "no_date":
            en = f"parameter {name}: no date given to look the value up"
            fa = f"پارامتر {name}: تاریخی برای یافتن مقدار داده نشده است"
        else:
            en = f"parameter {name} has no value in force on {when}"
            fa = f"پارامتر {name} در تاریخ {_fa(when)} مقدار معتبری ندارد"
        self.message_en, self.message_fa = en, fa
        super().__init__(en)

    def to_problem(self, file: str = "parameters") -> Problem:
        path = self.table + (f".{self.key}" if self.key is not None else "")
        return Problem(file, path, self.message_en, self.message_fa, "missing_parameter")


@dataclass(frozen=True, slots=True)
class _Entry:
    start: JDate
    value: Any
    reference: str | None


class _Series:
    """One dated series: entries sorted by start date; a value holds until the next dated value."""
    __slots__ = ("entries", "ordinals", "origin")

    def __init__(self, entries: Iterable[_Entry], origin: str = ""):
        self.entries = sorted(entries, key=lambda e: e.start.ordinal)
        self.ordinals = [e.start.ordinal for e in self.entries]
        self.origin = origin

    def at(self, ordinal: int) -> _Entry | None:
        i = bisect_right(self.ordinals, ordinal) - 1
        return self.entries[i] if i >= 0 else None

    def raw(self) -> dict:
        return {str(e.start): {"value": e.value, "reference": e.reference} for e in self.entries}


class _Table:
    __slots__ = ("name", "split", "series")

    def __init__(self, name: str, split: bool, series: Mapping[str | None, _Series]):
        self.name, self.split, self.series = name, split, dict(series)


class Params:
    """The dated parameters (interchange §3, rule-inputs §4).  Immutable; lookups are memoised.

    A table is either unsplit — `name: {"yyyy/mm/dd": {value, reference}}` — or split by a key (sector, or
    outpatient/inpatient/…) — `name: {key: {"yyyy/mm/dd": {value, reference}}}`.  Numbers are `int` or `Decimal`,
    codes are strings, mapping keys are strings.  Returned values are shared: do not mutate them.
    """

    __slots__ = ("_tables", "_cache", "sources", "digests")

    def __init__(self, tables: Mapping[str, _Table] = (), *, sources: Iterable[str] = (),
                 digests: Iterable[str] = ()):
        self._tables: dict[str, _Table] = dict(tables)
        self._cache: dict = {}
        self.sources = tuple(sources)
        self.digests = tuple(digests)

    # -- lookups -----------------------------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return name in self._tables

    def names(self) -> list[str]:
        return list(self._tables)

    def is_split(self, name: str) -> bool:
        t = self._tables.get(name)
        return bool(t and t.split)

    def keys(self, name: str) -> list[str]:
        """The split keys of a split table (e.g. ['government', 'private']), [] otherwise."""
        t = self._tables.get(name)
        return [k for k in t.series] if t and t.split else []

    def table(self, name: str) -> dict | None:
        """The table's dated structure as in the YAML (dates normalised to yyyy/mm/dd), or None."""
        t = self._tables.get(name)
        if t is None:
            return None
        if not t.split:
            return t.series[None].raw()
        return {k: s.raw() for k, s in t.series.items()}

    def _entry(self, name: str, on: JDate | None, key: str | None):
        """(entry, value) in force, or raises MissingParameter."""
        t = self._tables.get(name)
        if t is None:
            raise MissingParameter(name, on, key, "no_table")
        if on is None:
            raise MissingParameter(name, on, key, "no_date")
        if t.split:
            if key is None:
                out = {k: e.value for k, s in t.series.items() if (e := s.at(on.ordinal)) is not None}
                if not out:
                    raise MissingParameter(name, on, key)
                return None, out
            s = t.series.get(key)
            if s is None:
                raise MissingParameter(name, on, key)
            e = s.at(on.ordinal)
            if e is None:
                raise MissingParameter(name, on, key)
            return e, e.value
        e = t.series[None].at(on.ordinal)
        if e is None:
            raise MissingParameter(name, on, key)
        if key is None:
            return e, e.value
        if isinstance(e.value, Mapping) and key in e.value:
            return e, e.value[key]
        raise MissingParameter(name, on, key, "no_key")

    def value(self, name: str, on: JDate, key: str | None = None, default=_RAISE) -> Any:
        """The value of table `name` in force on `on`: the latest dated entry whose date ≤ `on`.

        `key` selects a split (sector `government`/`private`; `outpatient`/`inpatient`/`limited_surgery_center`);
        on an unsplit table whose value is a mapping it selects that key of the value (`code_groups`, `high_cost`).
        On a split table without `key` the result is `{key: value in force}`.  When nothing is in force:
        `default` if given, else MissingParameter (Persian + English message naming table, key and date)."""
        ck = (name, on.ordinal if on is not None else None, key)
        v = self._cache.get(ck, _RAISE)
        if v is _RAISE:
            try:
                v = self._entry(name, on, key)[1]
            except MissingParameter:
                v = _MISSING
            self._cache[ck] = v
        if v is _MISSING:
            if default is _RAISE:
                self._entry(name, on, key)          # raises with the precise reason
            return default
        return v

    def reference(self, name: str, on: JDate, key: str | None = None) -> str | None:
        """The legal reference written for the value in force (None if none is written or nothing is in force)."""
        try:
            e, _ = self._entry(name, on, key)
        except MissingParameter:
            return None
        if e is None:   # a split table without key: no single reference
            return None
        return e.reference

    def in_force_since(self, name: str, on: JDate, key: str | None = None) -> JDate | None:
        """The date the value in force on `on` took effect (None if nothing is in force)."""
        try:
            e, _ = self._entry(name, on, key)
        except MissingParameter:
            return None
        return e.start if e is not None else None

    # -- overlay -----------------------------------------------------------------------------------------------
    def overlay(self, other: "Params") -> "Params":
        """A new Params: a table of `other` replaces the table of the same name, except that for two split tables
        each split (sector) of `other` replaces only that split (interchange §5)."""
        tables = dict(self._tables)
        for name, t in other._tables.items():
            mine = tables.get(name)
            if t.split and mine is not None and mine.split:
                series = dict(mine.series)
                series.update(t.series)
                tables[name] = _Table(name, True, series)
            else:
                tables[name] = t
        return Params(tables, sources=self.sources + other.sources, digests=self.digests + other.digests)

    def _origins(self) -> set[tuple[str, str | None]]:
        return {(n, k) for n, t in self._tables.items() for k in t.series}

    def __repr__(self):
        return f"Params({len(self._tables)} tables from {', '.join(self.sources) or '—'})"


# Known tables: (allowed split keys or None for unsplit, value checker).  Other tables load without shape checks
# (rule packs may override their printed tables under their own names, rule-inputs §4).

def _is_number(v) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


class _Checker:
    """Shape checks of a value; each returns a list of (sub-path, en, fa)."""

    @staticmethod
    def number(v, sub=""):
        if not _is_number(v):
            return [(sub, f"{v!r} is not a number", f"«{v}» عدد نیست")]
        if v < 0:
            return [(sub, f"{v} is negative", f"مقدار {_fa(v)} منفی است")]
        return []

    @staticmethod
    def fraction(v, sub=""):
        if not _is_number(v):
            return [(sub, f"{v!r} is not a number", f"«{v}» عدد نیست")]
        if not 0 <= v <= 1:
            return [(sub, f"{v} is not a fraction between 0 and 1 (write 0.30 for 30%)",
                     f"مقدار {_fa(v)} کسری بین ۰ و ۱ نیست (۳۰٪ را 0.30 بنویسید)")]
        return []

    @staticmethod
    def code(v, sub=""):
        if not isinstance(v, str) or not _CODE_RE.match(v):
            return [(sub, f"{v!r} is not a national code (6 digits) or T2-<row>",
                     f"«{v}» کد ملی شش‌رقمی یا ردیف T2 نیست")]
        return []

    @classmethod
    def code_list(cls, v, sub=""):
        if not isinstance(v, list):
            return [(sub, "expected a list of codes", "فهرستی از کدها انتظار می‌رفت")]
        out = []
        for i, c in enumerate(v):
            out += cls.code(c, f"{sub}[{i}]")
        return out

    @staticmethod
    def mapping_of(inner: Callable, what_en: str = "a mapping", what_fa: str = "نگاشت (کلید: مقدار)"):
        def check(v, sub=""):
            if not isinstance(v, Mapping):
                return [(sub, f"expected {what_en}", f"{what_fa} انتظار می‌رفت")]
            out = []
            for k, x in v.items():
                out += inner(x, f"{sub}.{k}")
            return out
        return check


_C = _Checker
_NUM_MAP = _C.mapping_of(_C.number)
KNOWN_TABLES: dict[str, tuple[tuple[str, ...] | None, Callable]] = {
    "k_professional": (SECTORS, _C.number),
    "k_technical": (SECTORS, _C.number),
    "k_anesthesia": (SECTORS, _C.number),
    "k_dental": (SECTORS, _C.number),
    "k_hash_cap": (("private",), _C.number),
    "franchise": (("outpatient", "inpatient", "limited_surgery_center"), _C.fraction),
    "deprivation_coefficient": (None, _NUM_MAP),
    "bed_day": (SECTORS, _C.mapping_of(_NUM_MAP)),
    "global_package_tariff": (None, _C.mapping_of(_C.mapping_of(_NUM_MAP))),
    "global_package_components": (None, _C.mapping_of(_NUM_MAP)),
    "global_package_codes": (None, _C.mapping_of(_C.code_list)),
    "prosthesis_covered_price": (None, _NUM_MAP),
    "supply_min_rate": (None, _NUM_MAP),
    "approval_required_codes": (None, _C.code_list),
    "online_approval_codes": (None, _C.code_list),
    "rural_level1_services": (None, _C.code_list),
    "method_variant_groups": (None, _C.mapping_of(_C.mapping_of(_C.code))),
    "lsc_permitted_codes": (None, _C.code_list),
    "code_title_candidates": (None, _C.mapping_of(_C.code_list)),
    "combined_codes": (None, _C.mapping_of(_C.code)),
    "implant_removal_codes": (None, _C.mapping_of(_C.code)),
    "visit_rvu": (None, _NUM_MAP),
    "consultation_rvu": (None, _C.number),
    "spect_addon": (None, _NUM_MAP),
    "code_groups": (None, _C.mapping_of(_C.code_list)),
}
# tables whose lists / values / keys are codes: YAML integers there are read as code strings
_CODE_TABLES = {"global_package_codes", "approval_required_codes", "online_approval_codes", "rural_level1_services",
                "method_variant_groups", "lsc_permitted_codes", "code_title_candidates", "combined_codes",
                "implant_removal_codes", "code_groups"}


def _norm(v, codes: bool = False):
    """YAML value → product value: floats → Decimal, mapping keys → str, dates → yyyy/mm/dd, strings normalised;
    in code tables integers become code strings."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, float):
        return Decimal(str(v))
    if isinstance(v, int):
        return str(v) if codes else v
    if isinstance(v, str):
        s = v.translate(_AR_TO_FA)
        if codes:
            s = normalize_digits(s).strip().upper()
        return s
    if isinstance(v, (_dt.date, _dt.datetime)):
        return f"{v.year:04d}/{v.month:02d}/{v.day:02d}"
    if isinstance(v, Mapping):
        return {_key(k): _norm(x, codes) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_norm(x, codes) for x in v]
    return v


def _key(k) -> str:
    if isinstance(k, (_dt.date, _dt.datetime)):
        return f"{k.year:04d}/{k.month:02d}/{k.day:02d}"
    if isinstance(k, bool):
        return str(k).lower()
    return normalize_digits(str(k)).strip()


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that reports a key written twice in one mapping (YAML would silently keep the last)."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        try:
            k = loader.construct_object(key_node, deep=True)
            hash(k)
        except Exception:   # unhashable key: let the default constructor report it
            continue
        k = _key(k)
        if k in seen:
            loader.duplicates.append((k, key_node.start_mark.line + 1, seen[k]))
        else:
            seen[k] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _q(date_key: str) -> str:
    return f'"{date_key}"'


def load_params(path) -> tuple[Params, list[Problem]]:
    """Read a parameters YAML (interchange §3, rule-inputs §4).  Every dated key must be a valid Jalali date and
    every entry `{value: …, reference: …}` (`reference` may be omitted); known tables are checked for their split
    keys and value shape.  Problems are located like `k_professional.government."1404/01/01".value`."""
    path = Path(path)
    label = str(path)
    text, raw, problems = _read_text(path, label, spreadsheet=False)
    if text is None:
        return Params(sources=[label]), problems
    try:
        loader = _UniqueKeyLoader(text)
        loader.duplicates = []
        try:
            doc = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(file)"
        what = getattr(exc, "problem", None) or str(exc)
        return Params(sources=[label]), [Problem(label, where, f"not valid YAML: {what}",
                                                 f"قالب YAML نادرست است ({what})", "yaml")]
    for k, line, first in loader.duplicates:
        problems.append(Problem(label, f"line {line}", f"key '{k}' is written twice (first on line {first})",
                                f"کلید «{k}» دو بار نوشته شده است (نخستین بار در سطر {_fa(first)})", "duplicate"))
    if doc is None:
        doc = {}
    if not isinstance(doc, Mapping):
        problems.append(Problem(label, "(top level)", "the file must be a mapping of table names",
                                "فایل باید نگاشتی از نام جدول‌ها باشد", "invalid_type"))
        return Params(sources=[label]), problems
    tables: dict[str, _Table] = {}
    for name_raw, body in doc.items():
        name = _key(name_raw)
        t = _load_table(name, body, label, problems)
        if t is not None:
            tables[name] = t
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return Params(tables, sources=[label], digests=[digest]), problems


def _load_table(name: str, body, label: str, problems: list[Problem]) -> _Table | None:
    known = KNOWN_TABLES.get(name)
    if not isinstance(body, Mapping) or not body:
        problems.append(Problem(label, name, "expected dated entries: {\"yyyy/mm/dd\": {value: …, reference: …}}",
                                "مقدارهای تاریخ‌دار انتظار می‌رفت: {\"yyyy/mm/dd\": {value: …, reference: …}}",
                                "invalid_type"))
        return None
    keys = [_key(k) for k in body]
    date_like = [bool(_DATE_LIKE.match(k)) for k in keys]
    if known is not None:
        split = known[0] is not None
    else:
        split = not any(date_like)
    n0 = len(problems)
    if split:
        allowed = known[0] if known is not None else None
        series = {}
        for (k_raw, sub), k, dl in zip(body.items(), keys, date_like):
            if dl:
                problems.append(Problem(
                    label, f"{name}.{_q(k)}",
                    f"{name} is split by {' / '.join(allowed or ('key',))}: write {name}: {{{(allowed or ('key',))[0]}: "
                    f"{{\"{k}\": {{value: …}}}}}}",
                    f"جدول {name} بر حسب {' / '.join(allowed or ('کلید',))} تفکیک می‌شود؛ تاریخ باید زیر آن کلید بیاید",
                    "not_split"))
                continue
            if allowed is not None and k not in allowed:
                problems.append(Problem(label, f"{name}.{k}",
                                        f"'{k}' is not a split of {name} (expected: {', '.join(allowed)})",
                                        f"«{k}» از تفکیک‌های {name} نیست (مجاز: {', '.join(allowed)})", "not_in_list"))
                continue
            s = _load_series(name, f"{name}.{k}", sub, label, problems, known)
            if s is not None:
                series[k] = s
        if len(problems) > n0 or not series:
            return None
        return _Table(name, True, series)
    s = _load_series(name, name, body, label, problems, known)
    if s is None or len(problems) > n0:
        return None
    return _Table(name, False, {None: s})


def _load_series(name, where, body, label, problems, known) -> _Series | None:
    if not isinstance(body, Mapping) or not body:
        problems.append(Problem(label, where, "expected dated entries: {\"yyyy/mm/dd\": {value: …, reference: …}}",
                                "مقدارهای تاریخ‌دار انتظار می‌رفت: {\"yyyy/mm/dd\": {value: …, reference: …}}",
                                "invalid_type"))
        return None
    codes = name in _CODE_TABLES
    entries: list[_Entry] = []
    seen: dict[int, str] = {}
    n0 = len(problems)
    for k_raw, entry in body.items():
        k = _key(k_raw)
        at = f"{where}.{_q(k)}"
        try:
            start = parse_date(k)
        except ValueError:
            problems.append(Problem(label, at, f"'{k}' is not a valid Jalali date (yyyy/mm/dd)",
                                    f"«{k}» تاریخ شمسی معتبر (yyyy/mm/dd) نیست", "invalid_date"))
            continue
        if start.ordinal in seen:
            problems.append(Problem(label, at, f"the date {start} is given twice (also as '{seen[start.ordinal]}')",
                                    f"تاریخ {_fa(start)} دو بار آمده است", "duplicate"))
            continue
        seen[start.ordinal] = k
        if not isinstance(entry, Mapping) or "value" not in entry:
            problems.append(Problem(label, at, "each dated entry must be {value: …, reference: …}",
                                    "هر مقدار تاریخ‌دار باید به شکل {value: …, reference: …} باشد", "invalid_type"))
            continue
        ref = entry.get("reference")
        if ref is not None and not isinstance(ref, str):
            problems.append(Problem(label, f"{at}.reference", "the reference must be text",
                                    "مرجع (reference) باید متن باشد", "invalid_type"))
            continue
        value = _norm(entry["value"], codes)
        if known is not None:
            bad = known[1](value, "")
            for sub, en, fa in bad:
                problems.append(Problem(label, f"{at}.value{sub}", en, fa, "invalid_value"))
            if bad:
                continue
        entries.append(_Entry(start, value, ref.translate(_AR_TO_FA) if isinstance(ref, str) else None))
    if len(problems) > n0:
        return None
    return _Series(entries, origin=label)


# ---------------------------------------------------------------------------------------------------------------
# reference data and pricing


@dataclass(frozen=True, slots=True)
class Price:
    """Rials: professional + technical = total (each component rounded half up to whole Rials)."""
    professional: int
    technical: int
    total: int


class ReferenceData:
    """The tariff book and the parameters the engine prices with.

    `sample` is True while some row or parameter still comes from the shipped samples (rules/sample)."""

    def __init__(self, tariff: TariffBook, params: Params, *, sample: bool = False,
                 sources: Iterable[str] | None = None, dental_table: Mapping[str, Any] | None = None,
                 _sample_codes: frozenset | None = None, _sample_params: frozenset | None = None):
        self.tariff = tariff
        self.params = params
        self.sources = list(sources) if sources is not None else list(tariff.sources) + list(params.sources)
        self.dental_table = {str(k): _dec(v) for k, v in (dental_table or {}).items()}
        if _sample_codes is None:
            _sample_codes = frozenset(tariff.codes()) if sample else frozenset()
        if _sample_params is None:
            _sample_params = frozenset(params._origins()) if sample else frozenset()
        self._sample_codes = _sample_codes
        self._sample_params = _sample_params
        self._pcache: dict = {}

    @property
    def sample(self) -> bool:
        return bool(self._sample_codes or self._sample_params)

    @property
    def sample_parts(self) -> dict:
        """What still comes from the samples: {'tariff': [codes], 'params': ['table' or 'table.key']}."""
        return {"tariff": sorted(self._sample_codes),
                "params": sorted(n if k is None else f"{n}.{k}" for n, k in self._sample_params)}

    @property
    def fingerprint(self) -> str:
        """A short digest of every file loaded, in order (for the result's rules_version)."""
        h = hashlib.sha256("|".join(self.tariff.digests + self.params.digests).encode())
        return h.hexdigest()[:12]

    def overlay(self, tariff: TariffBook | None = None, params: Params | None = None) -> "ReferenceData":
        """A new ReferenceData: a tariff row, or a parameter table / one split of it, in the overlay takes precedence
        (interchange §5); everything else is kept."""
        t = self.tariff.overlay(tariff) if tariff is not None else self.tariff
        p = self.params.overlay(params) if params is not None else self.params
        codes = self._sample_codes - set(tariff.codes()) if tariff is not None else self._sample_codes
        sp = self._sample_params
        if params is not None:
            replaced = set()
            for name, tab in params._tables.items():
                mine = self.params._tables.get(name)
                if tab.split and mine is not None and mine.split:
                    replaced |= {(name, k) for k in tab.series}
                else:
                    replaced |= {(name, k) for k in (mine.series if mine is not None else ())}
            sp = sp - replaced
        sources = self.sources + (list(tariff.sources) if tariff is not None else []) \
            + (list(params.sources) if params is not None else [])
        return ReferenceData(t, p, sources=sources, dental_table=self.dental_table,
                             _sample_codes=frozenset(codes), _sample_params=frozenset(sp))

    @staticmethod
    def k_sector(provider_sector: str) -> str:
        return k_sector(provider_sector)

    def k(self, name: str, on: JDate, sector: str) -> Decimal:
        """A K coefficient (`k_professional`, `k_technical`, `k_anesthesia`, `k_dental`) in force, as Decimal."""
        if sector not in SECTORS:
            sector = k_sector(sector)
        return _dec(self.params.value(name, on, sector))

    def price(self, code: str, on: JDate, sector: str = "government", qty=1) -> Price | None:
        """The tariff of `code` × `qty` on `on` for `sector` (a K sector, or a provider sector), or None if the code
        is not in the book (or its row carries no relative value).

        Ordinary codes: professional RV × k_professional + technical RV × k_technical (k_technical is only needed
        when the row has a technical value).  `#` codes in the private sector: each K is capped by
        `k_hash_cap.private` when that is in force.  `T2-<row>`: the Table-2 coefficient (the row's
        rvu_professional, else the `dental_table` given to the constructor) × k_dental.  Raises MissingParameter
        when a K needed is not in force."""
        ck = (code, on.ordinal, sector, qty)
        p = self._pcache.get(ck, _RAISE)
        if p is _RAISE:
            p = self._price(code, on, sector, qty)
            if len(self._pcache) > 1_000_000:
                self._pcache.clear()
            self._pcache[ck] = p
        return p

    def _price(self, code, on, sector, qty) -> Price | None:
        if sector not in SECTORS:
            sector = k_sector(sector)
        q = qty if isinstance(qty, Decimal) else _dec(qty)
        row = self.tariff.get(code)
        if isinstance(code, str) and code.startswith("T2-"):
            coef = row.rvu_professional if row is not None else None
            if coef is None and row is not None:
                coef = row.rvu_total
            if coef is None:
                coef = self.dental_table.get(code)
            if coef is None:
                return None
            prof = _round_rial(coef * self.k("k_dental", on, sector) * q)
            return Price(prof, 0, prof)
        if row is None or (row.rvu_professional is None and row.rvu_technical is None):
            return None
        cap = None
        if sector == "private" and row.is_private_adjusted:
            c = self.params.value("k_hash_cap", on, "private", default=None)
            cap = _dec(c) if c is not None else None
        prof = tech = 0
        if row.rvu_professional:
            k = self.k("k_professional", on, sector)
            prof = _round_rial(row.rvu_professional * (min(k, cap) if cap is not None else k) * q)
        if row.rvu_technical:
            k = self.k("k_technical", on, sector)
            tech = _round_rial(row.rvu_technical * (min(k, cap) if cap is not None else k) * q)
        return Price(prof, tech, prof + tech)

    def __repr__(self):
        return (f"ReferenceData({len(self.tariff)} tariff rows, {len(self.params.names())} parameter tables"
                f"{', sample' if self.sample else ''})")


# ---------------------------------------------------------------------------------------------------------------
# the loaded data: shipped samples overlaid by the office's own files

_DEFAULT_CACHE: dict = {}


def _stat(p: Path):
    try:
        st = p.stat()
        return (str(p), st.st_mtime_ns, st.st_size)
    except OSError:
        return (str(p), None, None)


def office_reference_dir() -> Path:
    """Where the office's own tariff.csv and params.yaml live (user data folder)."""
    from desktop.paths import user_data_dir
    return user_data_dir() / "reference"


def load_default() -> ReferenceData:
    """The shipped samples (rules/sample/tariff.csv, params.yaml) overlaid by the office's own files in
    `<user data>/reference/` (tariff.csv, params.yaml) when present.  Raises InputError (every problem located)
    when a file is malformed.  Memoised on the files' paths, sizes and modification times."""
    from desktop.paths import rules_dir
    sample_dir = rules_dir() / "sample"
    office = office_reference_dir()
    files = [sample_dir / "tariff.csv", sample_dir / "params.yaml", office / "tariff.csv", office / "params.yaml"]
    key = tuple(_stat(f) for f in files)
    hit = _DEFAULT_CACHE.get(key)
    if hit is not None:
        return hit
    tariff, p1 = load_tariff(files[0])
    params, p2 = load_params(files[1])
    if p1 or p2:
        raise InputError(p1 + p2)
    ref = ReferenceData(tariff, params, sample=True)
    o_tariff = o_params = None
    problems: list[Problem] = []
    if files[2].is_file():
        o_tariff, p = load_tariff(files[2])
        problems += p
    if files[3].is_file():
        o_params, p = load_params(files[3])
        problems += p
    if problems:
        raise InputError(problems)
    if o_tariff is not None or o_params is not None:
        ref = ref.overlay(o_tariff, o_params)
    _DEFAULT_CACHE.clear()
    _DEFAULT_CACHE[key] = ref
    return ref
