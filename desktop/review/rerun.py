"""Paper facts the reviewer records from the keyboard, and the re-run of the rules for the documents they concern.

A reviewer reads the paper; the file may lack a fact or get it wrong (no council stamp, an uncertified erasure, no
report attached, the wrong sheet).  `FACTS` is the closed list of the facts a reviewer may record, each a field of
rule-inputs.md (§1.4 prescription, §1.5 paper, §1.9 item, §1.12 bill) with its Persian label and the values offered.
A value is checked by the intake's own checks (desktop.intake.values.check on the field's generated Spec, then the
whole document through the generated validating builder): never a second definition of what is valid.

    spec, line = fact_spec("prescription", "items[0].attachments")
    value = validate("prescription", doc, "paper.council_stamp", False)    # ReviewError (Persian) if refused
    doc2 = apply_facts(doc, {"paper.council_stamp": False})                   # a copy; `doc` is not changed
    entries, baseline = rerun(store, batch_id, header, rows, facts, rules=…, ref=…)

Paths are JSON paths inside one document: `paper.<key>`, `sheet`, `attachments`, `items[<n>].attachments`
(n: the 0-based position of the line in `items`, as intake's located problems write it), `diagnosis`,
`prescribed_on`, `tracking_code`, `referral`.  A value is a JSON value, or `ABSENT` for "the key is absent" — the
file's own way of saying "as it should be / it is there" (rule-inputs §0): a referral that is there, a tracking code
that is written, every required document attached.

The re-run (`rerun`) reviews, with the engine's public `review_batch` and the pipeline's history, the documents a
fact can change and nothing else — see `affected` for why that gives exactly what reviewing the whole batch gives;
tests/review/test_record_fact.py checks it against a whole-batch review (`rerun(..., full=True)` and the pipeline).
"""
from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from desktop.domain.absent import ABSENT

from . import labels
from .errors import ReviewError

__all__ = ["FactSpec", "FACTS", "fact_spec", "facts_for", "validate", "value_at", "apply_facts", "value_fa",
           "affected", "rerun", "DocRow", "ABSENT"]

log = logging.getLogger("rasidegi.review")

# --- the closed list -----------------------------------------------------------------------------------------------

_BOOL_FA = {True: "دارد", False: "ندارد"}
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One recordable fact.  `path` is the document path (`items[].attachments` for the per-line list); `table`
    and `key` name its field in the generated schema (desktop.domain.schema) for the given document kind; `form`
    decides what the desk offers: bool (دارد/ندارد), enum (the closed list), int, string, text, date, attachments
    (a subset of the closed list), missing (only «none» — null — or «there / not needed» — absent)."""
    path: str
    label_fa: str
    form: str
    kinds: tuple[str, ...]
    tables: dict = field(default_factory=dict)       # document kind → schema table of the field
    key: str = ""
    choices_fa: dict = field(default_factory=dict)   # value → Persian (enum, missing); attachments: per kind
    absent_fa: str | None = None                     # the Persian of ABSENT when it is offered
    null_fa: str | None = None                       # the Persian of null when it is offered
    hint_fa: str = ""

    def choices(self, kind: str) -> list[tuple[Any, str]]:
        """[(value, Persian)] offered for this document kind (enum, bool, missing); [] for typed values."""
        if self.form == "bool":
            return [(True, "دارد"), (False, "ندارد")]
        if self.form == "enum":
            return list(self.choices_fa.items())
        if self.form == "missing":
            return [(None, self.null_fa or "ندارد"), (ABSENT, self.absent_fa or "دارد")]
        return []

    def elements(self, kind: str) -> list[tuple[str, str]]:
        """The closed list of an attachments fact for this kind: [(slug, Persian)], in the schema's order."""
        from desktop.intake.runtime import SPECS
        spec = SPECS[self.tables[kind]][self.key]
        return [(v, labels.label(labels.ATTACHMENT, v)) for v in (spec.enum_list or [])]


_PAPER = ("prescription", "bill")


def _paper(key: str, label_fa: str, form: str = "bool", choices: dict | None = None, hint: str = "") -> FactSpec:
    return FactSpec(f"paper.{key}", label_fa, form, _PAPER, {"prescription": "paper", "bill": "paper"}, key,
                    choices or {}, hint_fa=hint)


#: every fact a reviewer may record, in the order the desk lists them
FACTS: tuple[FactSpec, ...] = (
    _paper("signature", "امضای پزشک", "enum", labels.SIGNATURE),
    _paper("council_stamp", "مهر نظام پزشکی پزشک"),
    _paper("erasure", "خدشه در تاریخ یا متن", "enum", labels.ERASURE),
    _paper("handwritings", "شمار دست‌خط‌های متن", "int", hint="یک عدد: ۱ یعنی یک دست‌خط"),
    _paper("provider_stamp", "مهر پذیرش مؤسسه"),
    _paper("provider_stamp_code", "کد مؤسسهٔ صاحب مهر پذیرش", "string", hint="کد مؤسسه‌ای که مهرش روی برگه است"),
    _paper("director_signed", "امضای مسئول فنی"),
    _paper("center_stamp", "مهر مرکز درمانی"),
    _paper("emergency_stamp", "مهر اورژانس بیمارستان"),
    _paper("admission_stamp", "مهر پذیرش بیمارستان آموزشی (نسخهٔ دستیار)"),
    _paper("physio_diagnosis", "تشخیص فیزیوتراپیست در فرم گزارش"),
    _paper("card_copy_photo", "عکس روی رونوشت کارت بیمه"),
    _paper("assistant_signed_operation_note", "امضای کمک‌جراح در شرح عمل"),
    _paper("assistant_signed_or_sheet", "امضای کمک‌جراح در برگ اتاق عمل"),
    FactSpec("sheet", "برگ دفترچه", "enum", ("prescription",), {"prescription": "prescription"}, "sheet",
             labels.SHEET),
    FactSpec("attachments", "پیوست‌های سند", "attachments", ("prescription", "bill"),
             {"prescription": "prescription", "bill": "bill"}, "attachments",
             absent_fa="همهٔ مدارک لازم پیوست است", hint_fa="پیوست‌هایی که روی برگه هست را برگزینید"),
    FactSpec("items[].attachments", "پیوست‌های یک ردیف", "attachments", ("prescription",), {"prescription": "item"},
             "attachments", absent_fa="همان پیوست‌های سند", hint_fa="فقط وقتی این ردیف پیوستی جدا از سند دارد"),
    FactSpec("diagnosis", "تشخیص یا شکایت اصلی", "text", ("prescription",), {"prescription": "prescription"},
             "diagnosis", null_fa="تشخیصی نوشته نشده", hint_fa="تشخیص را همان‌گونه که نوشته شده بنویسید"),
    FactSpec("prescribed_on", "تاریخ نسخه", "date", ("prescription",), {"prescription": "prescription"},
             "prescribed_on", null_fa="نسخه بدون تاریخ است", hint_fa="تاریخ نوشته‌شده (سال/ماه/روز)"),
    FactSpec("tracking_code", "کد رهگیری", "missing", ("prescription",), {"prescription": "prescription"},
             "tracking_code", absent_fa="درج شده یا لازم نیست", null_fa="درج نشده"),
    FactSpec("referral", "ارجاع", "missing", ("prescription",), {"prescription": "prescription"}, "referral",
             absent_fa="ارجاع هست یا لازم نیست", null_fa="ارجاع ندارد"),
)

_BY_PATH = {f.path: f for f in FACTS}
_ITEM_RE = re.compile(r"^items\[(\d+)\]\.attachments$")


def _bad(en: str, fa: str) -> ReviewError:
    return ReviewError(en, fa, "bad_fact")


def facts_for(kind: str) -> list[FactSpec]:
    return [f for f in FACTS if kind in f.kinds]


def fact_spec(kind: str, path: str) -> tuple[FactSpec, int | None]:
    """The fact of `path` for a document of `kind`, and the line position for `items[n].attachments`."""
    line = None
    key = path
    if isinstance(path, str) and (m := _ITEM_RE.match(path)):
        line, key = int(m.group(1)), "items[].attachments"
    spec = _BY_PATH.get(key) if isinstance(key, str) else None
    if spec is None:
        raise _bad(f"{path!r} is not a fact a reviewer records (one of: {', '.join(_BY_PATH)})",
                   f"«{path}» از واقعیت‌های قابل ثبت برگه نیست")
    if kind not in spec.kinds:
        raise _bad(f"{path!r} is not a fact of a {kind}", f"«{spec.label_fa}» در این نوع سند ثبت نمی‌شود")
    return spec, line


# --- reading and applying ------------------------------------------------------------------------------------------

def value_at(doc: dict, path: str):
    """The value of a fact in a document (ABSENT when its key is absent)."""
    m = _ITEM_RE.match(path)
    if m:
        items = doc.get("items") if isinstance(doc.get("items"), list) else []
        n = int(m.group(1))
        item = items[n] if n < len(items) and isinstance(items[n], dict) else {}
        return copy.deepcopy(item.get("attachments", ABSENT))
    if path.startswith("paper."):
        paper = doc.get("paper")
        return copy.deepcopy(paper.get(path[6:], ABSENT)) if isinstance(paper, dict) else ABSENT
    return copy.deepcopy(doc.get(path, ABSENT))


def _set(target: dict, key: str, value) -> None:
    if value is ABSENT:
        target.pop(key, None)
    else:
        target[key] = copy.deepcopy(value)


def apply_facts(doc: dict, facts: dict[str, Any]) -> dict:
    """A copy of `doc` with each path set to its value (ABSENT removes the key); `doc` is left as it is."""
    if not facts:
        return doc
    out = dict(doc)
    for path, value in facts.items():
        m = _ITEM_RE.match(path)
        if m:
            items = list(out.get("items") or [])
            n = int(m.group(1))
            if n < len(items) and isinstance(items[n], dict):
                items[n] = dict(items[n])
                _set(items[n], "attachments", value)
                out["items"] = items
        elif path.startswith("paper."):
            paper = dict(out["paper"]) if isinstance(out.get("paper"), dict) else {}
            _set(paper, path[6:], value)
            out["paper"] = paper
        else:
            _set(out, path, value)
    return out


# --- checking a value as the intake checks it -------------------------------------------------------------------

def validate(kind: str, doc: dict, path: str, value) -> Any:
    """The canonical form of `value` for the fact `path` of this document (ReviewError `bad_fact`, Persian, if the
    value is refused).  The value's own check is the intake's (values.check / check_element on the field's Spec);
    then the document with the fact applied goes through the intake's validating builder, so that a recorded fact
    can never make a document the intake would refuse."""
    from desktop.intake import _validating
    from desktop.intake.messages import Bad, path_str
    from desktop.intake.runtime import SPECS
    from desktop.intake.values import check, check_element

    spec, line = fact_spec(kind, path)
    field_spec = SPECS[spec.tables[kind]][spec.key]
    if line is not None:
        items = doc.get("items") if isinstance(doc.get("items"), list) else []
        if line >= len(items):
            raise _bad(f"the document has no line at position {line}", "این ردیف در سند نیست")
    if value is ABSENT:         # the key absent: the file's own "as it should be" (every field here is optional)
        canonical = ABSENT
    elif spec.form == "missing":
        if value is not None:
            raise _bad(f"{path}: record null (none) or absent (there / not needed)",
                       f"«{spec.label_fa}»: یکی از دو حالت «{spec.null_fa}» یا «{spec.absent_fa}» را برگزینید")
        canonical = None
    elif spec.form == "attachments":
        if value is None:
            raise _bad(f"{path}: a list of attachments ([] = nothing attached)",
                       f"«{spec.label_fa}»: فهرست پیوست‌ها را برگزینید (هیچ‌کدام یعنی پیوستی نیست)")
        if not isinstance(value, (list, tuple)):
            raise _bad(f"{path}: expected a list of attachments", f"«{spec.label_fa}» باید فهرستی از پیوست‌ها باشد")
        canonical = []
        for i, e in enumerate(value):
            r = check_element(field_spec, e)
            if isinstance(r, Bad):
                raise _bad(f"{path}[{i}]: {r.en}", f"«{spec.label_fa}»: {r.fa}")
            if r[1] not in canonical:
                canonical.append(r[1])
    else:
        if spec.form == "date" and value is not None and not isinstance(value, str):
            raise _bad(f"{path}: a date yyyy/mm/dd", f"«{spec.label_fa}»: تاریخ را به شکل سال/ماه/روز بنویسید")
        if spec.form == "text" and isinstance(value, str) and not value.strip():
            value = None
        r = check(field_spec, value)
        if isinstance(r, Bad):
            raise _bad(f"{path}: {r.en}", f"«{spec.label_fa}»: {r.fa}")
        canonical = r[1]
    # the whole document as the intake would read it
    changed = copy.deepcopy(apply_facts(doc, {path: canonical}))
    builder = _validating.b_prescription if kind == "prescription" else _validating.b_bill
    problems: list = []
    builder(changed, None, problems)
    if problems:
        chain, bad = problems[0]
        where = path_str(chain)
        raise _bad(f"{path}: the document would not be valid ({where}: {bad.en})",
                   f"«{spec.label_fa}»: سند با این مقدار معتبر نمی‌ماند ({where}: {bad.fa})")
    return canonical


def value_fa(spec: FactSpec, value) -> str:
    """How a recorded value reads in Persian."""
    if value is ABSENT:
        return spec.absent_fa or "مطابق ضوابط (در پرونده ذکر نشده)"
    if value is None:
        return spec.null_fa or "ندارد"
    if spec.form == "bool":
        return _BOOL_FA.get(value, str(value))
    if spec.form == "enum":
        return spec.choices_fa.get(value, str(value))
    if spec.form == "attachments":
        return "، ".join(labels.label(labels.ATTACHMENT, v) for v in value) if value else "هیچ پیوستی ندارد"
    if spec.form in ("int", "date"):
        return str(value).translate(_FA_DIGITS)
    return str(value)


# --- the re-run ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DocRow:
    """A document of the batch as the re-run needs it (the desk's list row: no JSON)."""
    kind: str
    seq: int
    pk: int | None
    national_id: str | None


def affected(rows: list[DocRow], keys: Iterable[tuple[str, int]]) -> tuple[list[DocRow], set[tuple[str, int]]]:
    """(the documents to review, the documents whose outcome a fact on `keys` can change).

    Why this gives, for those documents, exactly what reviewing the whole batch gives: the engine
    (desktop/engine/evaluate.review_batch) reviews documents in filing order, each from (1) the batch header — batch
    rules read only the header; (2) the document itself; (3) the history (engine.history.HistoryIndex): the
    insured's services, looked up by national id only (the store's other batches of that insured, then this batch's
    earlier documents of that insured, their zeroed lines unpaid); for bills also the physicians' records
    (anaesthesia RVU-44, assistant surgeons INP-11-B), looked up by physician over the store's bills and every bill
    of this batch (preloaded from the bills themselves, any insured); everything else on the engine context is a
    pure cache.  So a fact on document D can change D and the documents of D's insured, nothing else (the
    physicians' records are read from the bills, not from their outcomes, and no recordable fact is one of them);
    the prescriptions among them depend only on the header and the documents of the same insured, the bills among
    them also on the batch's other bills.  The documents to review are therefore the documents named, every
    document of their insureds and, when a bill is among those, every bill of the batch; the rest of the batch
    cannot change the outcome of the ones taken.  tests/review/test_record_fact.py compares with a whole-batch
    review (an outpatient and a hospital batch)."""
    keys = set(keys)
    nids = {r.national_id for r in rows if (r.kind, r.seq) in keys and r.national_id}
    take = {(r.kind, r.seq) for r in rows if (r.kind, r.seq) in keys or (r.national_id and r.national_id in nids)}
    with_bills = any(k[0] == "bill" for k in take)
    review = [r for r in rows if (r.kind, r.seq) in take or (with_bills and r.kind == "bill")]
    return review, take


def _review(store, header: dict, docs: list[tuple[DocRow, dict]], rules, ref) -> dict[tuple[str, int], dict]:
    """The engine's result entries of these documents reviewed as one batch (the batch's header, history from the
    store as the pipeline reads it)."""
    from desktop.engine.evaluate import review_batch
    from desktop.engine.result import to_result
    from desktop.intake import build_batch
    from desktop.pipeline import history_for

    normalized = {k: v for k, v in header.items() if k not in ("prescriptions", "bills")}
    normalized["prescriptions"] = [d for r, d in docs if r.kind == "prescription"]
    normalized["bills"] = [d for r, d in docs if r.kind == "bill"]
    batch = build_batch(normalized)
    history = history_for(store, batch)
    result = to_result(review_batch(batch, ref, rules, history))
    out = {}
    for kind, key in (("prescription", "prescriptions"), ("bill", "bills")):
        for entry in result.get(key) or []:
            out[(kind, entry.get("seq"))] = entry
    return out


def rerun(store, header: dict, rows: list[DocRow], facts: dict[tuple[str, int], dict[str, Any]], *, rules, ref,
          also: Iterable[tuple[str, int]] = (), full: bool = False, docs: dict[int, dict] | None = None
          ) -> tuple[dict[tuple[str, int], dict], dict[tuple[str, int], dict]]:
    """Review again the documents the recorded `facts` ({(kind, seq): {path: value}}) can change, plus `also`:
    returns (entries with the facts applied, entries of the same documents without them), each {(kind, seq):
    review-result/1 entry}.  `full=True` reviews the whole batch (the reference the reduced review is tested
    against).  `docs` ({pk: document}) spares reading documents already at hand."""
    from . import queries

    keys = {k for k, f in facts.items() if f} | set(also)
    if full:
        review, take = list(rows), {(r.kind, r.seq) for r in rows}
    else:
        review, take = affected(rows, keys)
    if not review:
        return {}, {}
    have = docs or {}
    missing = [r.pk for r in review if r.pk is not None and r.pk not in have]
    read = queries.documents_json(store, missing) if missing else {}
    plain = [(r, have.get(r.pk) if r.pk in have else read.get(r.pk, {})) for r in review]
    changed = [(r, apply_facts(d, facts.get((r.kind, r.seq)) or {})) for r, d in plain]
    with_facts = _review(store, header, changed, rules, ref)
    without = _review(store, header, plain, rules, ref)
    return ({k: v for k, v in with_facts.items() if k in take}, {k: v for k, v in without.items() if k in take})
