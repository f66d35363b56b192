"""Reading a claim-batch/1 file: bytes → JSON → checked, normalised dict + domain objects, or located problems."""
from __future__ import annotations

import gc
import json
import os
import re
from json.decoder import scanstring as _scanstring
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from desktop.domain.model import Bill, ClaimBatch, Prescription
from desktop.domain.problems import InputError, Problem
from desktop.intake import _trusted, _validating
from desktop.intake.runtime import BADEL, SPECS
from desktop.intake.runtime import IN as _same
from desktop.intake.runtime import STRINGS as _STRINGS
from desktop.intake.messages import Bad, fa_digits, path_str, show, show_fa, type_bad
from desktop.intake.values import JSONConstant

_WS = re.compile(r"[ \t\n\r]*").match       # JSON's whitespace, as json.decoder skips it

__all__ = ["IntakeResult", "load_batch", "parse_batch", "build_batch", "build_prescription", "build_bill",
           "FORMAT", "MAX_PROBLEMS"]

#: prepare(key, index, doc) → what the caller keeps of each document: see parse_batch
Prepare = Callable[[str, int, dict], object]

FORMAT = "claim-batch/1"
MAX_PROBLEMS = 200

_b_claim_batch = _validating.b_claim_batch
_t_claim_batch = _trusted.t_claim_batch
_t_prescription = _trusted.t_prescription
_t_bill = _trusted.t_bill


@dataclass(slots=True)
class IntakeResult:
    """What intake made of one file: the batch and its normalised JSON, or the problems (then both are None)."""

    file: str
    batch: ClaimBatch | None = None
    normalized: dict | None = None
    problems: list[Problem] = field(default_factory=list)
    #: with parse_batch(..., prepare=f): {"prescriptions": [f(...) of each], "bills": [...]}; `normalized` is then
    #: the header alone (its document lists empty)
    prepared: dict[str, list] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> "IntakeResult":
        """Raise InputError (every problem) unless the file was valid; returns self otherwise."""
        if self.problems:
            raise InputError(self.problems)
        return self


def _problem(file: str, path: str, bad: Bad) -> Problem:
    return Problem(file, path, bad.en, bad.fa, bad.code)


def _fail(file: str, path: str, code: str, en: str, fa: str) -> IntakeResult:
    return IntakeResult(file, problems=[Problem(file, path, en, fa, code)])


def _constant(name: str):
    return JSONConstant(name)


def _decode(data: bytes, file: str) -> str | IntakeResult:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return _fail(file, f"line {line}, column {col}", "encoding",
                     f"the file is not UTF-8 text (byte {exc.start}, line {line}, column {col}); "
                     f"save it as UTF-8",
                     f"پرونده متن UTF-8 نیست (بایت {fa_digits(exc.start)}، سطر {fa_digits(line)}، "
                     f"ستون {fa_digits(col)})؛ آن را با کدگذاری UTF-8 ذخیره کنید")


_JSON_TYPES = (str, int, float, bool, type(None))


def _copy_json(x):
    """A deep copy of JSON-like data (dicts, lists, scalars); other objects are kept and refused by the checks."""
    if x.__class__ is dict:
        return {k: _copy_json(v) for k, v in x.items()}
    if x.__class__ is list or x.__class__ is tuple:
        return [_copy_json(v) for v in x]
    return x


def parse_batch(data: bytes | bytearray | str | dict | list, file: str = "<batch>",
                prepare: Prepare | None = None) -> IntakeResult:
    """Check a claim-batch/1 document (bytes of the file, its text, or the parsed JSON) and build its objects.

    Every problem of the file is reported (up to MAX_PROBLEMS, then one "and N more"), each with the file, the
    JSON path and the problem in English and Persian.  With any problem, `batch` and `normalized` are None.
    A dict passed in is not modified (it is copied first).

    prepare(key, index, doc): called with each document ("prescriptions" | "bills", its index in the list, its
    normalised dict) as soon as it is read and checked, while the file shows no problem; what it returns is kept
    in `prepared[key]` and the document's JSON is dropped at once (`normalized` is the header alone).  The
    pipeline serialises each document for the store there (desktop.store.document_row): a file's JSON tree is
    never whole in memory — from text, the documents are even parsed one at a time (`_stream`)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        text = _decode(bytes(data), file)
        if isinstance(text, IntakeResult):
            return text
    elif isinstance(data, str):
        text = data[1:] if data.startswith("\ufeff") else data
    elif isinstance(data, (dict, list)):
        text = None
    else:
        raise TypeError(f"parse_batch: expected bytes, str or dict, not {type(data).__name__}")

    if text is not None:
        holder = [text]
        del text
        return _parse_text(holder, file, prepare)
    enabled = gc.isenabled()
    gc.disable()      # a batch is a large tree of fresh objects without cycles: collecting while building is waste
    try:
        return _check(_copy_json(data), file, prepare)
    finally:
        if enabled:
            gc.enable()


def _parse_text(holder: list, file: str, prepare: Prepare | None = None) -> IntakeResult:
    """JSON text (the one item of `holder`, taken out so that the text is freed once parsed) → checked batch."""
    enabled = gc.isenabled()
    gc.disable()      # a batch is a large tree of fresh objects without cycles: collecting while building is waste
    try:
        text = holder.pop()
        if prepare is not None:
            streamed = _stream(text, file, prepare)
            if streamed is not None:
                return streamed
            # not a JSON object as _stream reads one: the whole text through json.loads, which says where
        try:
            doc = json.loads(text, parse_constant=_constant)
        except json.JSONDecodeError as exc:
            return _fail(file, f"line {exc.lineno}, column {exc.colno}", "json_syntax",
                         f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         f"پرونده JSON معتبر نیست: سطر {fa_digits(exc.lineno)}، ستون {fa_digits(exc.colno)} "
                         f"({exc.msg})")
        except RecursionError:
            return _fail(file, "$", "json_syntax", "the JSON is nested too deeply",
                         "ساختار JSON بیش از حد تودرتو است")
        del text          # 100,000 documents: ~120 MB of text, not kept while the objects are built
        return _check(doc, file, prepare)
    finally:
        if enabled:
            gc.enable()


def _format_problem(doc, file: str) -> IntakeResult | None:
    if doc.__class__ is not dict:
        bad = type_bad("object", doc)
        return _fail(file, "$", "invalid_type", "the file must hold one JSON object (a claim batch): " + bad.en,
                     "پرونده باید یک شیء JSON (یک دستهٔ اسناد) باشد: " + bad.fa)
    fmt = doc.get("format")
    if fmt != FORMAT:
        if fmt is None:
            return _fail(file, "$.format", "format", f'the key "format" is missing: expected "{FORMAT}"',
                         f'کلید «format» در پرونده نیست؛ باید "{FORMAT}" باشد')
        return _fail(file, "$.format", "format", f'unsupported format {show(fmt)}: expected "{FORMAT}"',
                     f'قالب «{show_fa(fmt)}» پشتیبانی نمی‌شود؛ باید "{FORMAT}" باشد')
    return None


def _check(doc, file: str, prepare: Prepare | None = None) -> IntakeResult:
    bad = _format_problem(doc, file)
    if bad is not None:
        return bad
    raw: list = []
    _validating.IN = _STRINGS.setdefault      # equal strings shared while this file is read (runtime.STRINGS)
    try:
        if prepare is None:
            batch, prepared = _b_claim_batch(doc, None, raw), None
        else:
            batch, prepared = _check_lists(doc, raw, prepare)
    finally:
        _validating.IN = _same
        _STRINGS.clear()      # the model holds what it uses
    return _result(file, batch, doc, raw, prepared)


def _result(file: str, batch: ClaimBatch, normalized: dict, raw: list, prepared) -> IntakeResult:
    if not raw:
        _check_seqs(batch, raw)
    if raw:
        return IntakeResult(file, problems=_located(file, raw))
    return IntakeResult(file, batch=batch, normalized=normalized, prepared=prepared)


_DOC_LISTS = (("prescriptions", _validating.b_prescription, SPECS["claim_batch"]["prescriptions"]),
              ("bills", _validating.b_bill, SPECS["claim_batch"]["bills"]))
_BUILD = {key: (build, spec) for key, build, spec in _DOC_LISTS}


class _DocList:
    """One document list read document by document: the model objects, the problems, what `prepare` made."""

    __slots__ = ("key", "build", "spec", "pk", "objects", "problems", "prepared")

    def __init__(self, key: str):
        self.key = key
        self.build, self.spec = _BUILD[key]
        self.pk = (None, key)
        self.objects: list = []
        self.problems: list = []
        self.prepared: list = []

    def add(self, e, prepare, clean: bool) -> bool:
        """Check and build one element; prepare it while the file is clean.  Whether the file is still clean."""
        i = len(self.objects)
        if e.__class__ is dict:
            self.objects.append(self.build(e, (self.pk, i), self.problems))
            if clean and not self.problems:
                self.prepared.append(prepare(self.key, i, e))
                return True
        else:
            self.objects.append(BADEL(self.spec, e, self.pk, i, self.problems))
        return False


def _finish_lists(doc: dict, lists: dict, raw: list):
    """The header (`doc`, its streamed lists left as []) checked by the generated builder, then the documents'
    objects and problems put in: the problems in the builder's order (format, batch, prescriptions, bills)."""
    batch = _b_claim_batch(doc, None, raw)
    prepared = {}
    for key, _build, _spec in _DOC_LISTS:
        dl = lists.get(key)
        if dl is None:
            continue
        setattr(batch, key, dl.objects)
        raw.extend(dl.problems)
        prepared[key] = dl.prepared
    raw.sort(key=_problem_rank)        # stable: the header's, then each list's problems, each in their order
    for key, _build, _spec in _DOC_LISTS:
        if key not in prepared and isinstance(getattr(batch, key), list):
            prepared[key] = []
    return batch, prepared


_RANK = {"format": 0, "batch": 1, "prescriptions": 2, "bills": 3}


def _problem_rank(problem) -> int:
    """The rank of a problem's top-level key in the order the generated builder checks them."""
    chain = problem[0]
    while chain[0] is not None:
        chain = chain[0]
    return _RANK.get(chain[1], 4)


def _check_lists(doc: dict, raw: list, prepare: Prepare):
    """A parsed batch with `prepare`: the document lists taken out of `doc` and checked one document at a time,
    each document dropped once prepared."""
    lists: dict[str, _DocList] = {}
    clean = True
    for key, _build, _spec in _DOC_LISTS:
        v = doc.get(key)
        if v.__class__ is list:
            doc[key] = []           # the key keeps its place; the header is checked with empty lists
            dl = lists[key] = _DocList(key)
            for i, e in enumerate(v):
                clean = dl.add(e, prepare, clean)
                v[i] = None
    return _finish_lists(doc, lists, raw)


def _stream(s: str, file: str, prepare: Prepare) -> IntakeResult | None:
    """Read the text of a batch, the documents of its lists parsed, checked and prepared one at a time (the
    standard library's parser for each value), so that the file's JSON tree never exists whole (100,000
    documents: ~300 MB).  None when the text is not a JSON object this reading accepts exactly as json.loads
    would — the caller then reads it whole, for json.loads's located message of what is wrong.

    As json.loads: a repeated key keeps its first place and its last value."""
    raw_decode = json.JSONDecoder(parse_constant=_constant).raw_decode     # its own: the scanner keeps state
    ws = _WS
    lists: dict[str, _DocList] = {}
    top: dict = {}
    clean = True
    _validating.IN = _STRINGS.setdefault
    try:
        i = ws(s, 0).end()
        if s[i:i + 1] != "{":
            return None
        i = ws(s, i + 1).end()
        if s[i:i + 1] == "}":
            i += 1
        else:
            while True:
                if s[i:i + 1] != '"':
                    return None
                key, i = _scanstring(s, i + 1)
                i = ws(s, i).end()
                if s[i:i + 1] != ":":
                    return None
                i = ws(s, i + 1).end()
                if key in _BUILD and s[i:i + 1] == "[":
                    dl = lists[key] = _DocList(key)      # a repeated key: the last list counts
                    clean = not any(d.problems for d in lists.values())
                    top[key] = []
                    i = ws(s, i + 1).end()
                    if s[i:i + 1] == "]":
                        i += 1
                    else:
                        while True:
                            e, i = raw_decode(s, i)
                            clean = dl.add(e, prepare, clean)
                            del e
                            i = ws(s, i).end()
                            c = s[i:i + 1]
                            if c == ",":
                                i = ws(s, i + 1).end()
                                continue
                            if c != "]":
                                return None
                            i += 1
                            break
                else:
                    lists.pop(key, None)
                    top[key], i = raw_decode(s, i)
                i = ws(s, i).end()
                c = s[i:i + 1]
                if c == ",":
                    i = ws(s, i + 1).end()
                    continue
                if c != "}":
                    return None
                i += 1
                break
        if ws(s, i).end() != len(s):
            return None
        bad = _format_problem(top, file)
        if bad is not None:
            return bad
        raw: list = []
        batch, prepared = _finish_lists(top, lists, raw)
    except (json.JSONDecodeError, RecursionError):
        return None
    finally:
        _validating.IN = _same
        _STRINGS.clear()
    return _result(file, batch, top, raw, prepared)


def _check_seqs(batch: ClaimBatch, raw: list):
    for key, docs in (("prescriptions", batch.prescriptions), ("bills", batch.bills)):
        seen: dict[int, int] = {}
        for i, d in enumerate(docs):
            first = seen.setdefault(d.seq, i)
            if first != i:
                raw.append(((((None, key), i), "seq"),
                            Bad("duplicate_seq",
                                f"seq {d.seq} is used twice in {key} (first at $.{key}[{first}])",
                                f"شمارهٔ سند (seq) {fa_digits(d.seq)} تکراری است (نخستین بار در "
                                f"$.{key}[{first}])")))


def _located(file: str, raw: list) -> list[Problem]:
    out = [_problem(file, path_str(chain), bad) for chain, bad in raw[:MAX_PROBLEMS]]
    if len(raw) > MAX_PROBLEMS:
        more = len(raw) - MAX_PROBLEMS
        out.append(Problem(file, "$", f"… and {more} more problems", f"… و {fa_digits(more)} ایراد دیگر",
                           "too_many"))
    return out


def load_batch(path: str | os.PathLike, prepare: Prepare | None = None) -> IntakeResult:
    """Read and check a claim-batch/1 file (see parse_batch)."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _fail(name, "$", "unreadable", f"cannot read the file: {exc.strerror or exc}",
                     f"پرونده خوانده نشد: {exc.strerror or exc}")
    text = _decode(data, name)
    del data          # the bytes and then the text are freed as soon as they are read (peak memory)
    if isinstance(text, IntakeResult):
        return text
    holder = [text]
    del text
    return _parse_text(holder, name, prepare)


def build_batch(normalized: dict) -> ClaimBatch:
    """The batch of an already checked, normalised document (e.g. read back from the store): no checks."""
    return _t_claim_batch(normalized)


def build_prescription(d: dict) -> Prescription:
    """One normalised prescription → Prescription (no checks)."""
    return _t_prescription(d)


def build_bill(d: dict) -> Bill:
    """One normalised bill → Bill (no checks)."""
    return _t_bill(d)
