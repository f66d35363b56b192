"""Reading a claim-batch/1 file: bytes → JSON → checked, normalised dict + domain objects, or located problems."""
from __future__ import annotations

import gc
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from desktop.domain.model import Bill, ClaimBatch, Prescription
from desktop.domain.problems import InputError, Problem
from desktop.intake import _trusted, _validating
from desktop.intake.messages import Bad, fa_digits, path_str, show, show_fa, type_bad
from desktop.intake.values import JSONConstant

__all__ = ["IntakeResult", "load_batch", "parse_batch", "build_batch", "build_prescription", "build_bill",
           "FORMAT", "MAX_PROBLEMS"]

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


def parse_batch(data: bytes | bytearray | str | dict | list, file: str = "<batch>") -> IntakeResult:
    """Check a claim-batch/1 document (bytes of the file, its text, or the parsed JSON) and build its objects.

    Every problem of the file is reported (up to MAX_PROBLEMS, then one "and N more"), each with the file, the
    JSON path and the problem in English and Persian.  With any problem, `batch` and `normalized` are None.
    A dict passed in is not modified (it is copied first)."""
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
        return _parse_text(holder, file)
    enabled = gc.isenabled()
    gc.disable()      # a batch is a large tree of fresh objects without cycles: collecting while building is waste
    try:
        return _check(_copy_json(data), file)
    finally:
        if enabled:
            gc.enable()


def _parse_text(holder: list, file: str) -> IntakeResult:
    """JSON text (the one item of `holder`, taken out so that the text is freed once parsed) → checked batch."""
    enabled = gc.isenabled()
    gc.disable()      # a batch is a large tree of fresh objects without cycles: collecting while building is waste
    try:
        text = holder.pop()
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
        return _check(doc, file)
    finally:
        if enabled:
            gc.enable()


def _check(doc, file: str) -> IntakeResult:
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
    raw: list = []
    batch = _b_claim_batch(doc, None, raw)
    if not raw:
        _check_seqs(batch, raw)
    if raw:
        return IntakeResult(file, problems=_located(file, raw))
    return IntakeResult(file, batch=batch, normalized=doc)


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


def load_batch(path: str | os.PathLike) -> IntakeResult:
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
    return _parse_text(holder, name)


def build_batch(normalized: dict) -> ClaimBatch:
    """The batch of an already checked, normalised document (e.g. read back from the store): no checks."""
    return _t_claim_batch(normalized)


def build_prescription(d: dict) -> Prescription:
    """One normalised prescription → Prescription (no checks)."""
    return _t_prescription(d)


def build_bill(d: dict) -> Bill:
    """One normalised bill → Bill (no checks)."""
    return _t_bill(d)
