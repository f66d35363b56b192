"""Check kinds of the imaging rulebook and of the imaging / cardiology / standards circulars.

Manual 09 BK 004 00, ضوابط اختصاصی رسیدگی به اسناد پرتوپزشکی: radiography (الف, with bone densitometry), ultrasound
(ب), CT (پ), MRI (ت), nuclear medicine (ث) and appendix 1 (the alternative names and abbreviations of imaging
services); the bone-densitometry purchase standard, the 1404/08/21 cardiology circular, and the ECMO and palivizumab
standards.  The packs are rules/radiography.yaml, ultrasound.yaml, ct.yaml, mri.yaml, nuclear_medicine.yaml and the
circular-*.yaml packs; how each unclear clause is read is in docs/imaging-rules.md.

Most imaging clauses say "when A and B are requested together, only A is paid" about services that, apart from a
few the manual numbers, have no code the manual prints.  A line is therefore recognised by a *matcher* — a small
mapping in the rule's params, validated when the pack loads:

    match:
      codes: ["701715"]          # the billed code is one of these
      groups: [interventional]   # … or in params.code_groups[<group>] in force on the service date
      prefixes: ["80"]           # … or starts with one of these
      services: [hrct]           # … or details.service is one of these slugs
      regions: [wrist]           # … or a region of the line (details.region / details.regions) has these words
      text: ["HRCT", "با قدرت تفکیک بالا"]   # … or what was written (details.prescribed_as, item.description) says it
      synonyms: [6]              # … or it names a row of appendix 1 (RAD-APX-1): the service or one of its aliases
      technique: [cr, dr]        # … or details.technique / details.film_type / details.phase is one of these
      film_type: [BW]
      phase: [triphasic]
      any: true                  # … or every service line
      contrast: true             # AND with contrast (details.contrast, or a contrast route) / false: without
      category: [consumable]     # lines of category consumable / contrast_agent / drug match only when listed here
      text_fields: [prescribed_as, description, tariff]   # where `text` looks (default: prescription and line)
      not: {codes: ["701580"]}   # AND not this

Latin words match whole words (``NT`` does not match ``anterior``); Persian phrases match as written, after the
usual normalisation (Arabic ي/ك, ZWNJ, digits, punctuation).

The appendix-1 table ships as the params of the RAD-APX-1 entry (check kind ``img_synonyms``); a parameters file
may override it for a run with a dated table ``imaging_synonyms`` of the same shape (rule-inputs.md §4).
"""
from __future__ import annotations

import functools
import re
from decimal import Decimal

from desktop.domain.absent import ABSENT
from desktop.domain.fa import fa_amount, fa_digits
from desktop.domain.jalali import normalize_digits
from desktop.engine.conditions import compile_condition
from desktop.engine.evaluate import fact, rial
from desktop.engine.findings import ADJUST, DENY, PRICE, REVIEW, ZERO
from desktop.engine.rules import Gate, register

__all__ = ["norm_text", "Words", "Matcher", "synonym_rows", "imaging_title_matches", "line_text"]

SYNONYMS_RULE = "RAD-APX-1"
NOT_SERVICE = ("consumable", "contrast_agent", "drug")
CONTRAST_ROUTES = ("injection", "oral", "rectal")


def _v(x, default=None):
    return default if x is ABSENT or x is None else x


# ---------------------------------------------------------------------------------------------------- text

_CHARS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "\u200c": " ", "\u200f": " ",
                        "\u200e": " ", "ـ": "", "أ": "ا", "إ": "ا", "ٔ": ""})
_PUNCT = re.compile(r"[\-_/\\(),.:;|+«»\"'،؛!?\[\]{}<>*&%$#@=~`]+")
_LATIN = re.compile(r"^[a-z0-9 ]+$")


def norm_text(text) -> str:
    """Lower-case, Persian letters and digits normalised, punctuation to spaces, spaces collapsed."""
    if text is None or text is ABSENT:
        return ""
    return _norm_str(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=65536)
def _norm_str(text: str) -> str:
    # memoised: a batch repeats the same few hundred descriptions and titles thousands of times
    t = normalize_digits(text).translate(_CHARS).casefold()
    t = _PUNCT.sub(" ", t)
    return " ".join(t.split())


class Words:
    """A list of words or phrases to look for in normalised text (Latin ones as whole words)."""

    __slots__ = ("words", "_latin", "_plain")

    def __init__(self, words):
        if isinstance(words, str) or not isinstance(words, (list, tuple, set, frozenset)):
            raise ValueError(f"a list of words, got {words!r}")
        self.words = [str(w) for w in words]
        latin, plain = [], []
        for w in self.words:
            n = norm_text(w)
            if not n:
                continue
            if _LATIN.match(n):
                latin.append(re.escape(n))
            else:
                plain.append(n)
        self._latin = re.compile(r"(?<![a-z0-9])(?:" + "|".join(latin) + r")(?![a-z0-9])") if latin else None
        self._plain = tuple(plain)

    def __bool__(self):
        return bool(self._latin or self._plain)

    def search(self, normalised: str) -> bool:
        if not normalised:
            return False
        if self._latin is not None and self._latin.search(normalised):
            return True
        return any(p in normalised for p in self._plain)


def _words(params, key, where="") -> Words | None:
    w = params.get(key)
    if w is None:
        return None
    try:
        return Words(w)
    except ValueError as exc:
        raise ValueError(f"{where}{key}: {exc}") from None


# ---------------------------------------------------------------------------------------------------- line facts


def _details(item):
    return _v(getattr(item, "details", None)) if item is not None else None


def _d(item, name, default=None):
    d = _details(item)
    return _v(getattr(d, name, None), default) if d is not None else default


def _code(item):
    return _v(getattr(item, "code", None))


def _qty(item):
    q = _v(getattr(item, "qty", None), 1)
    return q if isinstance(q, (int, float)) and not isinstance(q, bool) else 1


def line_text(ev, item, fields=("prescribed_as", "description")) -> str:
    """Normalised text of what was written for a line: the prescriber's words, the line's description and (with
    `tariff`) the tariff book's description of the billed code."""
    parts = []
    for f in fields:
        if f == "prescribed_as":
            parts.append(_d(item, "prescribed_as", ""))
        elif f == "description":
            parts.append(_v(getattr(item, "description", None), ""))
        elif f == "name":
            parts.append(_v(getattr(item, "name", None), ""))
        elif f == "tariff":
            row = ev.ctx.tariff_row(_code(item)) if _code(item) else None
            parts.append(getattr(row, "description_fa", None) or "" if row is not None else "")
        elif f == "diagnosis":
            parts.append(_v(getattr(ev.doc, "diagnosis", None), ""))
    return norm_text(" | ".join(p for p in parts if p))


def _region_strings(item) -> list[str]:
    out = []
    r = _d(item, "region")
    if isinstance(r, str) and r:
        out.append(norm_text(r))
    for x in _d(item, "regions", []) or []:
        if isinstance(x, str) and x:
            out.append(norm_text(x))
    return out


def _region_has(item, region_words: list[tuple[str, ...]]) -> bool:
    for r in _region_strings(item):
        toks = r.split()
        for want in region_words:
            if all(w in toks for w in want):
                return True
    return False


def _side(item):
    lat = _d(item, "laterality")
    if lat in ("left", "right"):
        return lat
    for r in _region_strings(item):
        toks = r.split()
        if "left" in toks:
            return "left"
        if "right" in toks:
            return "right"
    return None


def _with_contrast(item) -> bool:
    return _d(item, "contrast") is True or _d(item, "contrast_route") in CONTRAST_ROUTES


def _franchise(ev) -> Decimal:
    f = ev.ctx.param("franchise", ev.date, "outpatient", default=None)
    return Decimal(str(f)) if f is not None else Decimal("0.30")


def _requested_org(item):
    req = _v(getattr(item, "requested", None))
    if req is None:
        return None
    org = _v(getattr(req, "org", None))
    return org if isinstance(org, int) and not isinstance(org, bool) else None


def _price(ev, item, code=None, qty=None):
    code = code or _code(item)
    if not code:
        return None
    ev.item = item
    on = ev.line_date()
    return ev.ctx.price(code, on, "government", _qty(item) if qty is None else qty)


def _exceeds(ev, item, basis: int) -> bool:
    """The organisation's share requested is above its share of `basis` (docs/general-rules.md, Amounts)."""
    org = _requested_org(item)
    if org is None:
        return False
    return org > rial(Decimal(basis) * (Decimal(1) - _franchise(ev)))


def _requested_total(item):
    req = _v(getattr(item, "requested", None))
    tot = _v(getattr(req, "total", None)) if req is not None else None
    return tot if isinstance(tot, int) and not isinstance(tot, bool) else None


def _is_service(item) -> bool:
    return _d(item, "category") not in NOT_SERVICE


def _line_no(item, idx):
    return _v(getattr(item, "line", None), idx + 1)


# ---------------------------------------------------------------------------------------------------- appendix 1


def _compile_synonyms(params):
    rows = params.get("rows")
    if not isinstance(rows, list) or not rows:
        raise ValueError("rows: the list of appendix-1 rows")
    seen = set()
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or not isinstance(r.get("row"), int) or not r.get("service_fa"):
            raise ValueError(f"rows[{i}]: {{row: n, service_fa: …, aliases: […]}}")
        if r["row"] in seen:
            raise ValueError(f"rows[{i}]: row {r['row']} twice")
        seen.add(r["row"])
        if not isinstance(r.get("aliases", []), list):
            raise ValueError(f"rows[{i}].aliases: a list")
    return {r["row"]: r for r in rows}


@register("img_synonyms", compile=_compile_synonyms, levels=("document",), gate=lambda rule: Gate(never=True))
def img_synonyms(rule, ev):
    """Appendix 1 of the imaging part (RAD-APX-1): services with several names or abbreviations. Data only: the
    other imaging checks read it (matcher `synonyms:`) to recognise what the prescriber wrote."""
    return []


def synonym_rows(ev) -> dict:
    """{row: {row, service_fa, service_en, aliases, codes}} in force: params `imaging_synonyms` (a list of rows), else
    the RAD-APX-1 entry of the loaded packs."""
    cache = ev.ctx.__dict__.setdefault("_img_cache", {})
    over = ev.ctx.param("imaging_synonyms", ev.date, default=None)
    key = ("syn", id(over))
    got = cache.get(key)
    if got is None:
        if isinstance(over, list) and over:
            try:
                got = _compile_synonyms({"rows": over})
            except ValueError:
                got = None
        if got is None:
            r = ev.ctx.rules.by_id(SYNONYMS_RULE) if ev.ctx.rules is not None else None
            got = r.compiled if r is not None and isinstance(r.compiled, dict) else {}
        cache[key] = got
    return got


def _row_words(ev, row: int) -> Words | None:
    cache = ev.ctx.__dict__.setdefault("_img_cache", {})
    rows = synonym_rows(ev)
    key = ("syn_words", id(rows), row)
    if key not in cache:
        r = rows.get(row)
        cache[key] = Words([r["service_fa"], *(r.get("aliases") or []), *([r["service_en"]] if r.get("service_en")
                                                                           else [])]) if r else None
    return cache[key]


def imaging_title_matches(ev, written: str, code: str | None) -> bool:
    """True when `written` (what the prescriber wrote) names, by appendix 1, the service billed under `code`: the
    written title and the billed code's tariff description are names or abbreviations of one row, or the row lists
    the code.  For the as-prescribed check (GEN-16-N1)."""
    w = norm_text(written)
    if not w:
        return False
    row_desc = ev.ctx.tariff_row(code) if code else None
    desc = norm_text(getattr(row_desc, "description_fa", None) or "") if row_desc is not None else ""
    for n, r in synonym_rows(ev).items():
        words = _row_words(ev, n)
        if words is None or not words.search(w):
            continue
        if code and code in [str(c) for c in (r.get("codes") or [])]:
            return True
        if desc and words.search(desc):
            return True
    return False


# ---------------------------------------------------------------------------------------------------- matchers

_MEMO_MAX = 200_000
_DETAIL_KEYS = ("category", "contrast", "contrast_route", "service", "technique", "film_type", "phase", "region",
                "regions", "prescribed_as")


def _line_sig(ev, item):
    """A small int naming everything a Matcher reads of a line (code, the details it looks at, the written texts),
    interned per run; computed once per line of the document under evaluation.  None when it cannot be hashed."""
    cache = getattr(ev, "line_sigs", None)
    if cache is not None:
        got = cache.get(id(item))
        if got is not None and got[0] is item:
            return got[1]
    d = _details(item)
    if d is None:
        dv = None
    else:
        dv = tuple(tuple(v) if isinstance(v, list) else v for v in (getattr(d, k, ABSENT) for k in _DETAIL_KEYS))
    sig = (getattr(item, "code", ABSENT), getattr(item, "description", ABSENT), getattr(item, "name", ABSENT), dv)
    table = getattr(ev.ctx, "line_sig_ids", None)
    if table is None:
        return None
    try:
        sid = table.get(sig)
    except TypeError:
        return None
    if sid is None:
        if len(table) >= _MEMO_MAX:
            table.clear()        # ids are never reused (a counter): a line already named keeps a valid name
        sid = table[sig] = next(ev.ctx.line_sig_count)
    if cache is not None:
        cache[id(item)] = (item, sid)
    return sid


_MATCH_KEYS = {"codes", "groups", "prefixes", "services", "regions", "text", "synonyms", "technique", "film_type",
               "phase", "any", "contrast", "category", "text_fields", "not"}
_TEXT_FIELDS = {"prescribed_as", "description", "tariff", "name", "diagnosis"}


class Matcher:
    """Recognises a service line (see the module docstring)."""

    __slots__ = ("codes", "groups", "prefixes", "services", "regions", "text", "synonyms", "technique", "any",
                 "contrast", "category", "text_fields", "exclude", "spec", "dated", "diag")

    def __init__(self, spec, where="match"):
        if not isinstance(spec, dict) or not spec:
            raise ValueError(f"{where}: a mapping of {sorted(_MATCH_KEYS)}")
        bad = set(spec) - _MATCH_KEYS
        if bad:
            raise ValueError(f"{where}: unknown keys {sorted(bad)} (known: {sorted(_MATCH_KEYS)})")
        self.spec = spec
        self.codes = frozenset(str(c) for c in spec.get("codes") or ())
        self.groups = tuple(str(g) for g in spec.get("groups") or ())
        self.prefixes = tuple(str(p) for p in spec.get("prefixes") or ())
        self.services = frozenset(str(s) for s in spec.get("services") or ())
        self.regions = tuple(tuple(norm_text(r).split()) for r in spec.get("regions") or ())
        self.text = _words(spec, "text", f"{where}.") if spec.get("text") else None
        syn = spec.get("synonyms") or ()
        if not all(isinstance(x, int) for x in syn):
            raise ValueError(f"{where}.synonyms: appendix-1 row numbers")
        self.synonyms = tuple(syn)
        self.technique = frozenset(norm_text(t) for k in ("technique", "film_type", "phase")
                                   for t in spec.get(k) or ())
        self.any = bool(spec.get("any"))
        c = spec.get("contrast")
        if c is not None and not isinstance(c, bool):
            raise ValueError(f"{where}.contrast: true or false")
        self.contrast = c
        self.category = frozenset(spec.get("category") or ())
        tf = spec.get("text_fields") or ("prescribed_as", "description")
        if set(tf) - _TEXT_FIELDS:
            raise ValueError(f"{where}.text_fields: some of {sorted(_TEXT_FIELDS)}")
        self.text_fields = tuple(tf)
        self.exclude = Matcher(spec["not"], f"{where}.not") if spec.get("not") else None
        # what the result depends on besides the line: the service date (code groups, appendix 1), the diagnosis
        self.dated = bool(self.groups or self.synonyms or (self.exclude is not None and self.exclude.dated))
        self.diag = "diagnosis" in self.text_fields or (self.exclude is not None and self.exclude.diag)
        if not (self.codes or self.groups or self.prefixes or self.services or self.regions or self.text
                or self.synonyms or self.technique or self.any or self.category):
            raise ValueError(f"{where}: names no code, group, service, region, text, synonym or `any`")

    def matches(self, ev, item) -> bool:
        # memoised per run on what the matcher reads of the line (a batch bills the same few services over and over)
        ctx = ev.ctx
        memo = getattr(ctx, "match_memo", None)
        sid = _line_sig(ev, item) if memo is not None else None
        if sid is None:
            return self._matches(ev, item)
        if self.diag:
            key = (self, sid, ev.date.ordinal if self.dated else None, _v(getattr(ev.doc, "diagnosis", None)))
        else:
            key = (self, sid, ev.date.ordinal if self.dated else None)
        r = memo.get(key)
        if r is None:
            r = self._matches(ev, item)
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            memo[key] = r
        return r

    def _matches(self, ev, item) -> bool:
        cat = _d(item, "category")
        if cat in NOT_SERVICE and cat not in self.category:
            return False
        if self.contrast is not None and _with_contrast(item) != self.contrast:
            return False
        if self.exclude is not None and self.exclude.matches(ev, item):
            return False
        return self._positive(ev, item)

    def code_gate(self):
        """(codes, prefixes, groups) a line's code must meet for the matcher to recognise it, or None when the
        matcher may recognise a line by something else (text, region, service, …)."""
        if (self.any or self.category or self.services or self.technique or self.regions or self.text is not None
                or self.synonyms):
            return None
        return self.codes, self.prefixes, self.groups

    def _positive(self, ev, item) -> bool:
        if self.any:
            return True
        code = _code(item)
        if code is not None:
            if code in self.codes:
                return True
            if self.prefixes and any(str(code).startswith(p) for p in self.prefixes):
                return True
            for g in self.groups:
                if code in ev.ctx.code_group(g, ev.date):
                    return True
        if self.category and _d(item, "category") in self.category:
            return True
        if self.services and _d(item, "service") in self.services:
            return True
        if self.technique:
            for k in ("technique", "film_type", "phase"):
                val = _d(item, k)
                if isinstance(val, str) and norm_text(val) in self.technique:
                    return True
        if self.regions and _region_has(item, list(self.regions)):
            return True
        if self.text is not None or self.synonyms:
            t = line_text(ev, item, self.text_fields)
            if self.text is not None and self.text.search(t):
                return True
            for row in self.synonyms:
                w = _row_words(ev, row)
                if w is not None and w.search(t):
                    return True
        return False


def _matcher(params, key, required=True):
    spec = params.get(key)
    if spec is None:
        if required:
            raise ValueError(f"needs `{key}` (a matcher)")
        return None
    return Matcher(spec, key)


def _cond(params, key):
    return compile_condition(params[key]) if params.get(key) is not None else None


def _detail(rule, data, default):
    if rule.detail_fa:
        try:
            return rule.detail_fa.format(**{k: fa_digits(v) for k, v in data.items()})
        except (KeyError, IndexError, ValueError):
            return rule.detail_fa
    return default


def _code_fa(code):
    return fa_digits(code) if code else "بدون کد"


# ---------------------------------------------------------------------------------------------------- facts


@fact("img_line_text")
def _f_line_text(ev):
    """What was written for the line under test (prescribed_as and description), normalised."""
    return line_text(ev, ev.item) if ev.item is not None else ABSENT


@fact("img_doc_has_contrast")
def _f_doc_contrast(ev):
    """A line of the document is a study with contrast (or bills the contrast agent)."""
    return any(_with_contrast(i) or _d(i, "category") == "contrast_agent" for i in ev.lines())


@fact("img_msct_slices")
def _f_msct(ev):
    """The most slices of the provider's registered CT scanners (provider.equipment: msct_<n>, ct_single_slice = 1);
    ABSENT when no equipment is registered, 0 when the list names no CT scanner."""
    eq = getattr(ev.batch.provider, "equipment", ABSENT)
    if eq is ABSENT or eq is None:
        return ABSENT
    best = 0
    for e in eq:
        m = re.fullmatch(r"msct_(\d+)", str(e))
        if m:
            best = max(best, int(m.group(1)))
        elif e == "ct_single_slice":
            best = max(best, 1)
    return best


def _performer(ev):
    p = getattr(ev.doc, "performer", ABSENT)
    if p not in (ABSENT, None):
        return p
    return _v(getattr(ev.batch.provider, "technical_director", None))


@fact("img_performer_specialty")
def _f_perf_spec(ev):
    """Specialty of who performed the service: prescription.performer, else the provider's technical director."""
    p = _performer(ev)
    return getattr(p, "specialty", ABSENT) if p is not None else ABSENT


@fact("img_performer_council_no")
def _f_perf_council(ev):
    p = _performer(ev)
    return getattr(p, "council_no", ABSENT) if p is not None else ABSENT


@fact("img_performer_certifications")
def _f_perf_cert(ev):
    p = _performer(ev)
    return getattr(p, "certifications", ABSENT) if p is not None else ABSENT


@fact("img_doc_region_count")
def _f_region_count(ev):
    """Regions the document's service lines cover: per line the largest of qty, details.region_count and the
    number of details.regions."""
    n = 0
    for i in ev.lines():
        if not _is_service(i):
            continue
        rc = _d(i, "region_count")
        regs = _d(i, "regions", []) or []
        n += max(int(_qty(i)), rc if isinstance(rc, int) else 0, len(regs))
    return n


@fact("img_bill_codes")
def _f_bill_codes(ev):
    """Codes of a bill's procedures."""
    procs = _v(getattr(ev.doc, "procedures", None), []) if ev.kind == "bill" else []
    return [str(p.code) for p in procs if _v(getattr(p, "code", None))]


@fact("img_bill_supply_text")
def _f_bill_supply_text(ev):
    """The names of a bill's supply lines (headings.supplies.lines[].name and .category), normalised, " | "-joined;
    ABSENT for a prescription or a bill without supply lines."""
    if ev.kind != "bill":
        return ABSENT
    heads = _v(getattr(ev.doc, "headings", None))
    sup = _v(getattr(heads, "supplies", None)) if heads is not None else None
    lines = _v(getattr(sup, "lines", None), []) if sup is not None else []
    names = [x for ln in lines for x in (_v(getattr(ln, "name", None)), _v(getattr(ln, "category", None))) if x]
    return norm_text(" | ".join(names)) if names else ABSENT


# ---------------------------------------------------------------------------------------------------- gates
# When a rule cannot fire (engine.rules.Gate): the engine then need not run it on a document.


def _code_gate(matchers, **kw):
    """A gate for "one of these matchers recognises a line": on the billed codes when every matcher is by code alone,
    else on the matchers themselves when none reads the diagnosis (the engine asks them once per kind of line)."""
    codes, prefixes, groups = set(), [], []
    for m in matchers:
        g = m.code_gate() if m is not None else None
        if g is None:
            if matchers and all(m is not None and not m.diag for m in matchers):
                return Gate(matchers=tuple(matchers), **kw)
            return Gate(**kw) if kw else None
        codes |= g[0]
        prefixes += [p for p in g[1] if p not in prefixes]
        groups += [x for x in g[2] if x not in groups]
    return Gate(codes=frozenset(codes), prefixes=tuple(prefixes), groups=tuple(groups), **kw)


def _gate_match(rule):
    return _code_gate([rule.compiled["match"]])


def _gate_together(rule):
    # a line recognised by `drop` and another by `keep`: two lines at least, and per pair one of them by code
    picks = []
    for keep, drop in rule.compiled["pairs"]:
        picks.append(drop if drop.code_gate() is not None else keep)
    return _code_gate(picks, min_lines=2)


def _gate_codes(*keys):
    def gate(rule):
        c = rule.compiled
        codes = set()
        for k in keys:
            v = c[k]
            codes |= set(v) if isinstance(v, frozenset) else {v}
        return Gate(codes=frozenset(codes))
    return gate


def _gate_nt(rule):
    c = rule.compiled
    codes = {c["nt"], c["anomaly"], c["combined"]}
    # a finding needs the combined code with NT or anomaly, or NT with anomaly: two lines when the codes differ
    return Gate(codes=frozenset(codes), min_lines=2 if len(codes) == 3 else 0)


def _gate_detail(name):
    return lambda rule: Gate(item_any=(("details", name),))


def _gate_abdomen(rule):
    # US-11-N1 (cap) needs two organ lines; US-11 (whole) needs two organ lines or, alone, the abdominal code
    c = rule.compiled
    if c["mode"] == "cap":
        return Gate(min_lines=2)
    return Gate(codes=frozenset([c["code"]]), codes_below_lines=2)



# ---------------------------------------------------------------------------------------------------- img_line


def _compile_line(params):
    out = {"match": _matcher(params, "match"), "when": _cond(params, "when"), "unless": _cond(params, "unless"),
           "unless_match": _matcher(params, "unless_match", required=False),
           "paid_code": None, "paid_qty": None, "once": bool(params.get("once"))}
    pc = params.get("paid_code")
    if pc is not None:
        if not re.fullmatch(r"\d{6}", str(pc)):
            raise ValueError("paid_code: a six-digit national code")
        out["paid_code"] = str(pc)
    pq = params.get("paid_qty")
    if pq is not None:
        if not isinstance(pq, int) or pq < 1:
            raise ValueError("paid_qty: a whole number ≥ 1")
        out["paid_qty"] = pq
    out["by_row"] = _compile_by_row(params.get("paid_code_by_row"))
    return out


def _compile_by_row(spec):
    """`paid_code_by_row: {codes: [...], groups: [{request: [...], row: [...]}, ...]}` — the paid code is the one of
    `codes` whose tariff row names what was requested: the line's request (details.prescribed_as) names exactly one
    group, and exactly one of `codes` has a tariff description with that group's `row` words and none of the other
    groups' words.  Otherwise the rule's own action stands (e.g. a review)."""
    if spec is None:
        return None
    if not isinstance(spec, dict) or not isinstance(spec.get("codes"), list) or not isinstance(spec.get("groups"), list):
        raise ValueError("paid_code_by_row: {codes: [six-digit codes], groups: [{request: [...], row: [...]}]}")
    codes = [str(c) for c in spec["codes"]]
    if not codes or not all(re.fullmatch(r"\d{6}", c) for c in codes):
        raise ValueError("paid_code_by_row.codes: six-digit national codes")
    groups = []
    for n, g in enumerate(spec["groups"]):
        if not isinstance(g, dict) or not g.get("request") or not g.get("row"):
            raise ValueError(f"paid_code_by_row.groups[{n}]: {{request: [words], row: [words]}}")
        groups.append((_words(g, "request", f"paid_code_by_row.groups[{n}]."),
                       _words(g, "row", f"paid_code_by_row.groups[{n}].")))
    return {"codes": codes, "groups": groups}


def _code_by_row(ev, item, spec):
    """The one code of `spec` whose tariff row names the service requested on the line, or None."""
    asked = norm_text(_d(item, "prescribed_as", "") or "")
    hit = [g for g in spec["groups"] if g[0].search(asked)]
    if len(hit) != 1:
        return None
    want, others = hit[0][1], [g[1] for g in spec["groups"] if g is not hit[0]]
    found = []
    for code in spec["codes"]:
        row = ev.ctx.tariff_row(code)
        desc = norm_text(getattr(row, "description_fa", None) or "") if row is not None else ""
        if desc and want.search(desc) and not any(o.search(desc) for o in others):
            found.append(code)
    return found[0] if len(found) == 1 else None


@register("img_line", compile=_compile_line, levels=("line",), gate=_gate_match)
def img_line(rule, ev):
    """Each line the matcher recognises, where `when` holds and neither `unless` nor the matcher `unless_match`
    does: zeroed or raised (the rule's action), or paid as `paid_code` (at most `paid_qty`).  `once: true` — only the first such line is paid (as
    `paid_code`), later ones are zeroed."""
    c = rule.compiled
    out = []
    seen = False
    for idx, item in enumerate(ev.lines()):
        ev.item, ev.index = item, idx
        if not c["match"].matches(ev, item):
            continue
        if c["when"] is not None and not c["when"](ev):
            continue
        if c["unless"] is not None and c["unless"](ev):
            continue
        if c["unless_match"] is not None and c["unless_match"].matches(ev, item):
            continue
        code = _code(item)
        data = {"code": code or "", "line": _line_no(item, idx)}
        if c["once"] and seen:
            out.append(ev.finding(rule, line=idx, severity=DENY, mark=ZERO, data=data,
                                  detail_fa=f"خدمت {_code_fa(code)} بخشی از همان خدمت است و جداگانه پرداخت نمی‌شود"))
            continue
        seen = True
        pc, pq = c["paid_code"], c["paid_qty"]
        qty = _qty(item)
        if pc is not None:
            cap = pq if pq is not None and qty > pq else None
            if code == pc and cap is None:
                continue
            data["paid_code"] = pc
            out.append(ev.finding(rule, line=idx, paid_code=pc, paid_qty=cap, data=data,
                                  detail_fa=_detail(rule, data, f"خدمت {_code_fa(code)} به تعرفهٔ کد {fa_digits(pc)}"
                                                    + (f" و {fa_digits(cap)} بار" if cap else ""))))
        elif pq is not None:
            if qty > pq:
                out.append(ev.finding(rule, line=idx, paid_qty=pq, data=data,
                                      detail_fa=_detail(rule, data, f"خدمت {_code_fa(code)}: حداکثر {fa_digits(pq)} بار")))
        else:
            chosen = _code_by_row(ev, item, c["by_row"]) if c["by_row"] is not None else None
            if chosen is not None and chosen != code:
                data["paid_code"] = chosen
                out.append(ev.finding(rule, line=idx, paid_code=chosen, severity=ADJUST, data=data,
                                      detail_fa=f"خدمت {_code_fa(code)} به تعرفهٔ کد {fa_digits(chosen)} "
                                                f"(خدمت درخواست‌شده)"))
                continue
            out.append(ev.finding(rule, line=idx, data=data, detail_fa=_detail(rule, data, f"خدمت {_code_fa(code)}")))
    ev.item = ev.index = None
    return out


# ---------------------------------------------------------------------------------------------------- img_together


def _compile_together(params):
    pairs = []
    if params.get("pairs") is not None:
        if not isinstance(params["pairs"], list) or not params["pairs"]:
            raise ValueError("pairs: a list of {keep: matcher, drop: matcher}")
        for i, p in enumerate(params["pairs"]):
            if not isinstance(p, dict):
                raise ValueError(f"pairs[{i}]: {{keep, drop}}")
            pairs.append((Matcher(p.get("keep") or {}, f"pairs[{i}].keep"),
                          Matcher(p.get("drop") or {}, f"pairs[{i}].drop")))
    else:
        pairs.append((_matcher(params, "keep"), _matcher(params, "drop")))
    same_region = params.get("same_region", "none")
    if same_region not in ("none", "loose", "strict"):
        raise ValueError("same_region: none | loose (absent region counts as the same) | strict")
    pc = params.get("paid_code")
    if pc is not None and not re.fullmatch(r"\d{6}", str(pc)):
        raise ValueError("paid_code: a six-digit national code")
    return {"pairs": pairs, "same_region": same_region, "same_side": bool(params.get("same_side")),
            "symmetric": bool(params.get("symmetric")), "paid_code": str(pc) if pc else None,
            "when": _cond(params, "when"), "unless": _cond(params, "unless")}


def _same_region(a, b, mode) -> bool:
    if mode == "none":
        return True
    ra, rb = set(_region_strings(a)), set(_region_strings(b))
    if not ra or not rb:
        return mode == "loose"
    if ra & rb:
        return True
    # `brain` and `brain_left` concern one region: compare without the side words
    strip = lambda s: " ".join(t for t in s.split() if t not in ("left", "right", "both"))  # noqa: E731
    return bool({strip(x) for x in ra} & {strip(x) for x in rb})


def _same_side(a, b) -> bool:
    sa, sb = _side(a), _side(b)
    return sa is None or sb is None or sa == sb


@register("img_together", compile=_compile_together, levels=("line",), gate=_gate_together)
def img_together(rule, ev):
    """Two services requested on one prescription of which only one is paid: a line recognised by `drop` is zeroed
    (or paid as `paid_code`) when another line recognised by `keep` is on the prescription — of the same region
    (`same_region`), the same side (`same_side`).  `symmetric: true`: the two are one service done once, the later
    line is the one not paid.  `when`/`unless` are conditions on the line not paid."""
    c = rule.compiled
    items = ev.lines()
    targets: dict[int, int] = {}
    for keep, drop in c["pairs"]:
        keeps = [i for i, it in enumerate(items) if keep.matches(ev, it)]
        drops = [i for i, it in enumerate(items) if drop.matches(ev, it)]
        for d in drops:
            for k in keeps:
                if k == d:
                    continue
                a, b = items[k], items[d]
                if not _same_region(a, b, c["same_region"]) or (c["same_side"] and not _same_side(a, b)):
                    continue
                if c["symmetric"]:
                    t, partner = max(k, d), min(k, d)
                else:
                    if d in keeps:       # the line is itself a paid service of the pair
                        continue
                    t, partner = d, k
                targets.setdefault(t, partner)
    out = []
    for t in sorted(targets):
        item, partner = items[t], items[targets[t]]
        ev.item, ev.index = item, t
        if c["when"] is not None and not c["when"](ev):
            continue
        if c["unless"] is not None and c["unless"](ev):
            continue
        data = {"code": _code(item) or "", "line": _line_no(item, t), "with_code": _code(partner) or "",
                "with_line": _line_no(partner, targets[t])}
        default = (f"خدمت {_code_fa(data['code'])} (ردیف {fa_digits(data['line'])}) همراه خدمت "
                   f"{_code_fa(data['with_code'])} (ردیف {fa_digits(data['with_line'])}) درخواست شده است")
        if c["paid_code"] and data["code"] != c["paid_code"]:
            data["paid_code"] = c["paid_code"]
            out.append(ev.finding(rule, line=t, paid_code=c["paid_code"], data=data, detail_fa=_detail(rule, data, default)))
        elif not c["paid_code"]:
            out.append(ev.finding(rule, line=t, data=data, detail_fa=_detail(rule, data, default)))
    ev.item = ev.index = None
    return out


# ---------------------------------------------------------------------------------------------------- img_units


def _compile_units(params):
    codes = params.get("codes")
    if not codes or not isinstance(codes, list):
        raise ValueError("codes: the codes whose units are counted")
    mx = params.get("max")
    if not isinstance(mx, int) or mx < 0:
        raise ValueError("max: a whole number ≥ 0")
    per = params.get("per", "prescription")
    if per not in ("prescription", "day"):
        raise ValueError("per: prescription | day (with the insured's other documents of that day)")
    return {"codes": frozenset(str(c) for c in codes), "max": mx, "per": per}


@register("img_units", compile=_compile_units, levels=("line",), gate=_gate_codes("codes"))
def img_units(rule, ev):
    """At most `max` units of `codes` on one prescription (`per: prescription`) or for one insured in one day (`per:
    day`, counting the insured's earlier documents of that day): the units beyond are not paid (quantity capped, a
    line with nothing left is zeroed)."""
    c = rule.compiled
    used_by_day: dict = {}
    nid = None
    if c["per"] == "day":
        ins = _v(getattr(ev.doc, "insured", None))
        nid = _v(getattr(ins, "national_id", None)) if ins is not None else None
    out = []
    for idx, item in enumerate(ev.lines()):
        code = _code(item)
        if code not in c["codes"]:
            continue
        ev.item = item
        day = ev.line_date()
        if day.ordinal not in used_by_day:
            earlier = 0
            if c["per"] == "day" and nid:
                earlier = sum(r.qty for r in ev.ctx.history.services(nid, c["codes"], since=day, until=day))
            used_by_day[day.ordinal] = earlier
        used = used_by_day[day.ordinal]
        q = _qty(item)
        left = max(0, c["max"] - used)
        if q > left:
            data = {"code": code, "line": _line_no(item, idx), "earlier": used, "max": c["max"]}
            where = "در این نسخه" if c["per"] == "prescription" else "در یک روز"
            detail = _detail(rule, data, f"خدمت {fa_digits(code)}: حداکثر {fa_digits(c['max'])} واحد {where}؛ "
                                         f"{fa_digits(used)} واحد پیش‌تر، {fa_digits(q)} واحد در این ردیف")
            if left > 0:
                out.append(ev.finding(rule, line=idx, paid_qty=left, data=data, detail_fa=detail))
            else:
                out.append(ev.finding(rule, line=idx, severity=DENY, mark=ZERO, data=data, detail_fa=detail))
        used_by_day[day.ordinal] = used + q
    ev.item = None
    return out


# ---------------------------------------------------------------------------------------------------- tariff caps


def _compile_cap(params):
    out = {"match": _matcher(params, "match"), "when": _cond(params, "when"), "unless": _cond(params, "unless")}
    cc = params.get("cap_code")
    if cc is not None and not re.fullmatch(r"\d{6}", str(cc)):
        raise ValueError("cap_code: a six-digit national code")
    out["cap_code"] = str(cc) if cc else None
    # cap_row: the book's row a written service is paid as, found by its description when the manual prints no
    # code (RAD-2 the periapical film, MRI-5 MR mammography with contrast):
    #   {all: [[words], …] (each list must match the row's description), not: [words], fallback: own | none}
    row = params.get("cap_row")
    out["cap_row"] = None
    if row is not None:
        if not isinstance(row, dict) or not isinstance(row.get("all"), list) or not row["all"]:
            raise ValueError("cap_row: {all: [[words], …], not: [words], fallback: own | none}")
        fb = row.get("fallback", "none")
        if fb not in ("own", "none"):
            raise ValueError("cap_row.fallback: own (the billed row's own tariff) | none")
        out["cap_row"] = {"all": tuple(Words(w) for w in row["all"]),
                          "not": Words(row["not"]) if row.get("not") else None, "fallback": fb}
    pc = params.get("as_paid_code", False)
    if not isinstance(pc, bool):
        raise ValueError("as_paid_code: true (report the cap's code as the paid code) | false")
    out["as_paid_code"] = pc
    return out


def _cap_row_codes(ev, rule) -> tuple:
    """Codes of the tariff book in force whose description matches the rule's `cap_row` (cached per run)."""
    spec = rule.compiled["cap_row"]
    book = ev.ctx.ref.tariff
    cache = ev.ctx.__dict__.setdefault("_img_cache", {})
    key = ("cap_row", rule.id, id(spec), id(book))
    got = cache.get(key)
    if got is None:
        found = []
        for r in book:
            desc = norm_text(getattr(r, "description_fa", None) or "")
            if not desc or not all(w.search(desc) for w in spec["all"]):
                continue
            if spec["not"] is not None and spec["not"].search(desc):
                continue
            found.append(str(r.code))
        got = cache[key] = tuple(found)
    return got


@register("img_tariff_cap", compile=_compile_cap, levels=("line",), gate=_gate_match)
def img_tariff_cap(rule, ev):
    """A recognised line is paid at most the tariff of `cap_code` (or of its own code when none is named): when the
    organisation's share requested is above its share of that tariff, the line is circled at that tariff and the
    difference is this clause's deduction (RAD-2 BW = PA, RAD-8 digital = analogue, CT-11 enterography).  `cap_row`
    finds the cap's row in the tariff book by its description (the cheapest match; `fallback: own` = the line's own
    tariff when none matches); `as_paid_code: true` reports the cap's code as the paid code (replace_code clauses)."""
    c = rule.compiled
    out = []
    for idx, item in enumerate(ev.lines()):
        ev.item, ev.index = item, idx
        if not c["match"].matches(ev, item):
            continue
        if c["when"] is not None and not c["when"](ev):
            continue
        if c["unless"] is not None and c["unless"](ev):
            continue
        code = _code(item)
        own = _price(ev, item)
        cap_code = c["cap_code"]
        if not cap_code and c["cap_row"] is not None:
            priced = [(p, k) for k in _cap_row_codes(ev, rule) if k != code
                      for p in [_price(ev, item, k)] if p is not None]
            if priced:
                cap_code = min(priced)[1]
            elif c["cap_row"]["fallback"] == "none":
                continue
        if cap_code:
            if code == cap_code:
                continue
            cap = _price(ev, item, cap_code)
            if cap is None or (own is not None and own <= cap):
                continue
        else:
            cap = own
        if cap is None or not _exceeds(ev, item, cap):
            continue
        data = {"code": code or "", "line": _line_no(item, idx), "cap": cap}
        kw = {}
        if cap_code:
            data["cap_code"] = cap_code
            if c["as_paid_code"]:
                kw["paid_code"] = cap_code
        out.append(ev.finding(rule, line=idx, approved=cap, data=data, **kw,
                              detail_fa=_detail(rule, data, f"حداکثر قابل پرداخت {fa_amount(cap)} ریال"
                                                + (f" (تعرفهٔ کد {fa_digits(cap_code)})" if cap_code else ""))))
    ev.item = ev.index = None
    return out


def _compile_ct_sim(params):
    s = params.get("surcharge", 0.25)
    if not isinstance(s, (int, float)) or not 0 < s < 1:
        raise ValueError("surcharge: a fraction, e.g. 0.25")
    return {"surcharge": Decimal(str(s)), "equipment": str(params.get("equipment", "ct_simulator"))}


@register("img_ct_simulator", compile=_compile_ct_sim, levels=("line",), gate=_gate_detail("ct_simulator"))
def img_ct_simulator(rule, ev):
    """CT-8: a CT done on the CT simulator (details.ct_simulator) is paid `surcharge` above the CT tariff of the
    region when the centre has the simulator (provider.equipment; absent = it has).  Without it the surcharge
    billed is deducted."""
    c = rule.compiled
    eq = getattr(ev.batch.provider, "equipment", ABSENT)
    has = eq is ABSENT or (eq is not None and c["equipment"] in eq)
    out = []
    for idx, item in enumerate(ev.lines()):
        if _d(item, "ct_simulator") is not True:
            continue
        base = _price(ev, item)
        if base is None:
            continue
        data = {"code": _code(item) or "", "line": _line_no(item, idx), "tariff": base}
        if has:
            with_sim = rial(Decimal(base) * (Decimal(1) + c["surcharge"]))
            out.append(ev.finding(rule, line=idx, severity=PRICE, approved=with_sim, data=data))
        elif _exceeds(ev, item, base):
            out.append(ev.finding(rule, line=idx, approved=base, data=data,
                                  detail_fa=_detail(rule, data, f"مرکز CT-Simulator ندارد؛ تعرفهٔ پایه {fa_amount(base)} ریال")))
    return out


# ---------------------------------------------------------------------------------------------------- SPECT


def _compile_spect(params):
    return {"always_planar": _matcher(params, "always_planar"), "always_spect": _matcher(params, "always_spect"),
            "table": str(params.get("addon_table", "spect_addon"))}


def _addon(ev, table, code):
    t = ev.ctx.param(table, ev.date, default=None) or {}
    if not isinstance(t, dict):
        return None
    v = t.get(code, t.get(int(code)) if code and code.isdigit() else None)
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


@register("img_spect", compile=_compile_spect, levels=("line",), gate=_gate_detail("spect"))
def img_spect(rule, ev):
    """NM-1-1: nuclear-medicine scans are priced planar; the SPECT add-on (params.spect_addon[code]) is added when
    the physician asked for SPECT and the report states it; heart and brain scans always (report must state it);
    lacrimal, VCUG, thyroid, dynamic renal, gastric emptying and reflux scans never."""
    c = rule.compiled
    out = []
    for idx, item in enumerate(ev.lines()):
        if _d(item, "spect") is not True:
            continue
        ev.item, ev.index = item, idx
        code = _code(item)
        planar = _price(ev, item)
        if planar is None:
            continue
        addon = _addon(ev, c["table"], code)
        in_report = _d(item, "spect_in_report")
        prescribed = _d(item, "spect_prescribed")
        data = {"code": code or "", "line": _line_no(item, idx), "planar": planar, "addon": addon}
        why = None
        if c["always_planar"].matches(ev, item):
            why = "این اسکن همیشه به روش planar انجام می‌شود؛ تعرفهٔ SPECT اضافه نمی‌شود"
        elif c["always_spect"].matches(ev, item):
            if in_report is False:
                why = "انجام SPECT در گزارش ذکر نشده است"
        elif prescribed is False:
            why = "SPECT را پزشک معالج درخواست نکرده است"
        elif in_report is False:
            why = "انجام SPECT در گزارش ذکر نشده است"
        if why is not None:
            if _exceeds(ev, item, planar):
                out.append(ev.finding(rule, line=idx, approved=planar, data=data,
                                      detail_fa=f"{why}؛ مبنای planar {fa_amount(planar)} ریال"))
        elif addon is not None:
            out.append(ev.finding(rule, line=idx, severity=PRICE, approved=planar + addon * int(_qty(item)), data=data))
        elif _exceeds(ev, item, planar):
            out.append(ev.finding(rule, line=idx, severity=REVIEW, mark="circle", data=data,
                                  detail_fa="تعرفهٔ افزودهٔ SPECT این کد در پارامترها (spect_addon) نیست؛ کارشناس مبلغ را تعیین کند"))
    ev.item = ev.index = None
    return out


# ---------------------------------------------------------------------------------------------------- dental films


def _compile_teeth(params):
    groups = params.get("groups")
    if not isinstance(groups, dict) or not groups:
        raise ValueError("groups: {group name: [FDI teeth]}")
    tooth_group = {}
    for g, teeth in groups.items():
        for t in teeth:
            t = str(t)
            if t in tooth_group:
                raise ValueError(f"tooth {t} in two groups ({tooth_group[t]}, {g})")
            tooth_group[t] = str(g)
    return {"tooth_group": tooth_group, "film_types": frozenset(params.get("film_types") or ("PA",))}


def _gate_teeth(rule):
    return Gate(item_any=(("details", "teeth"), ("details", "tooth")))


@register("img_tooth_groups", compile=_compile_teeth, levels=("line",), gate=_gate_teeth)
def img_tooth_groups(rule, ev):
    """RAD-3: one dental film per group of teeth (canine, incisors, molars, premolars of each side of each jaw):
    the films billed for teeth of groups already filmed on the prescription are not paid.  A film line names its
    teeth in `details.teeth`, or one tooth in `details.tooth` (then its `film_type` must say it is a counted film)."""
    c = rule.compiled
    seen: set = set()
    out = []
    for idx, item in enumerate(ev.lines()):
        teeth = _d(item, "teeth")
        ft = _d(item, "film_type")
        if not isinstance(teeth, list) or not teeth:
            tooth = _d(item, "tooth")
            if tooth is None or ft not in c["film_types"]:
                continue
            teeth = [tooth]
        if ft is not None and ft not in c["film_types"]:
            continue
        groups = {c["tooth_group"][str(t)] for t in teeth if str(t) in c["tooth_group"]}
        if not groups:
            continue
        new = groups - seen
        seen |= groups
        q = _qty(item)
        if q > len(new):
            data = {"code": _code(item) or "", "line": _line_no(item, idx), "groups": sorted(groups),
                    "films": len(new)}
            detail = f"دندان‌های {fa_digits('، '.join(str(t) for t in teeth))}: {fa_digits(len(new))} کلیشه قابل پرداخت"
            if new:
                out.append(ev.finding(rule, line=idx, paid_qty=len(new), data=data, detail_fa=detail))
            else:
                out.append(ev.finding(rule, line=idx, severity=DENY, mark=ZERO, data=data, detail_fa=detail))
    return out


# ---------------------------------------------------------------------------------------------------- pregnancy


def _pregnancy(ev, attr):
    p = getattr(ev.doc, "pregnancy", ABSENT)
    if p in (ABSENT, None):
        return None
    v = getattr(p, attr, ABSENT)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _compile_nt(params):
    for k in ("nt", "anomaly", "combined"):
        if not re.fullmatch(r"\d{6}", str(params.get(k, ""))):
            raise ValueError(f"{k}: a six-digit code")
    w = params.get("first_trimester_max_weeks", 13)
    if not isinstance(w, int):
        raise ValueError("first_trimester_max_weeks: whole weeks")
    return {"nt": str(params["nt"]), "anomaly": str(params["anomaly"]), "combined": str(params["combined"]),
            "weeks": w}


@register("img_nt_anomaly", compile=_compile_nt, levels=("line",), gate=_gate_nt)
def img_nt_anomaly(rule, ev):
    """US-5: NT/NB (nt) with the anomaly scan (anomaly): in the first trimester (pregnancy.weeks ≤
    first_trimester_max_weeks) only the combined code is paid — the anomaly line is paid as `combined`, the NT line
    zeroed; later only the anomaly scan is paid (NT zeroed).  A combined line billed with either is paid alone.
    Without the gestational age the pair is raised for the reviewer."""
    c = rule.compiled
    items = ev.lines()
    nts = [i for i, it in enumerate(items) if _code(it) == c["nt"]]
    ans = [i for i, it in enumerate(items) if _code(it) == c["anomaly"]]
    comb = [i for i, it in enumerate(items) if _code(it) == c["combined"]]
    out = []

    def data(i):
        return {"code": _code(items[i]), "line": _line_no(items[i], i)}

    if comb:
        for i in nts + ans:
            out.append(ev.finding(rule, line=i, severity=DENY, mark=ZERO, data=data(i),
                                  detail_fa=f"کد {fa_digits(c['combined'])} شامل شرح این خدمت است"))
        return out
    if not nts or not ans:
        return out
    weeks = _pregnancy(ev, "weeks")
    if weeks is None:
        out.append(ev.finding(rule, line=nts[0], severity=REVIEW, mark=ZERO, data=data(nts[0]),
                              detail_fa="سن بارداری ثبت نشده؛ در سه‌ماههٔ اول فقط کد " + fa_digits(c["combined"])
                                        + " و پس از آن فقط " + fa_digits(c["anomaly"])))
        return out
    first = weeks <= c["weeks"]
    if first:
        i = ans[0]
        out.append(ev.finding(rule, line=i, paid_code=c["combined"], data={**data(i), "weeks": weeks},
                              detail_fa=f"هفتهٔ {fa_digits(weeks)} بارداری (سه‌ماههٔ اول): فقط کد {fa_digits(c['combined'])}"))
        for j in ans[1:]:
            out.append(ev.finding(rule, line=j, severity=DENY, mark=ZERO, data=data(j)))
    for i in nts:
        out.append(ev.finding(rule, line=i, severity=DENY, mark=ZERO, data={**data(i), "weeks": weeks},
                              detail_fa=(f"هفتهٔ {fa_digits(weeks)} بارداری: "
                                         + (f"فقط کد {fa_digits(c['combined'])}" if first
                                            else f"پس از سه‌ماههٔ اول فقط کد {fa_digits(c['anomaly'])}"))))
    return out


def _compile_multi(params):
    for k in ("first", "further"):
        if not re.fullmatch(r"\d{6}", str(params.get(k, ""))):
            raise ValueError(f"{k}: a six-digit code")
    return {"first": str(params["first"]), "further": str(params["further"])}


@register("img_multiple_pregnancy", compile=_compile_multi, levels=("line",),
          gate=_gate_codes("first", "further"))
def img_multiple_pregnancy(rule, ev):
    """US-7: multiple pregnancy — `first` for the first foetus, `further` for each further one: a second `first`
    line is paid as `further`; `first` × n is paid first + (n − 1) × further; `further` units beyond the foetuses
    recorded (pregnancy.fetuses) are not paid."""
    c = rule.compiled
    items = ev.lines()
    fetuses = _pregnancy(ev, "fetuses")
    out = []
    firsts = [i for i, it in enumerate(items) if _code(it) == c["first"]]
    recoded = 0
    for n, i in enumerate(firsts):
        item = items[i]
        ev.item, ev.index = item, i
        q = int(_qty(item))
        data = {"code": c["first"], "line": _line_no(item, i), "fetuses": fetuses}
        if n > 0:
            if fetuses is not None and 1 + recoded >= fetuses:
                out.append(ev.finding(rule, line=i, severity=DENY, mark=ZERO, data=data,
                                      detail_fa=f"تعداد قل‌ها {fa_digits(fetuses)}؛ قل اضافه‌ای برای این ردیف نیست"))
                continue
            recoded += q
            out.append(ev.finding(rule, line=i, paid_code=c["further"], data={**data, "paid_code": c["further"]},
                                  detail_fa=f"قل بعدی: کد {fa_digits(c['further'])}"))
        elif q > 1:
            count = min(q, fetuses) if fetuses is not None else q
            t1, t2 = _price(ev, item, c["first"], 1), _price(ev, item, c["further"], 1)
            if t1 is None or t2 is None:
                continue
            basis = t1 + (count - 1) * t2
            recoded += count - 1
            if _exceeds(ev, item, basis):
                out.append(ev.finding(rule, line=i, approved=basis, data={**data, "basis": basis},
                                      detail_fa=f"قل اول کد {fa_digits(c['first'])} و {fa_digits(count - 1)} قل بعدی کد "
                                                f"{fa_digits(c['further'])}: {fa_amount(basis)} ریال"))
    if fetuses is not None:
        allowed = max(0, fetuses - 1 - recoded)
        for i, item in enumerate(items):
            if _code(item) != c["further"]:
                continue
            q = int(_qty(item))
            data = {"code": c["further"], "line": _line_no(item, i), "fetuses": fetuses}
            if q > allowed:
                detail = f"تعداد قل‌ها {fa_digits(fetuses)}: {fa_digits(allowed)} واحد کد {fa_digits(c['further'])}"
                if allowed > 0:
                    out.append(ev.finding(rule, line=i, paid_qty=allowed, data=data, detail_fa=detail))
                else:
                    out.append(ev.finding(rule, line=i, severity=DENY, mark=ZERO, data=data, detail_fa=detail))
            allowed = max(0, allowed - q)
    ev.item = ev.index = None
    return out


# ---------------------------------------------------------------------------------------------------- abdomen


def _compile_abdomen(params):
    mode = params.get("mode")
    if mode not in ("whole", "cap"):
        raise ValueError("mode: whole (US-11) | cap (US-11-N1)")
    code = str(params.get("abdomen_code", ""))
    if not re.fullmatch(r"\d{6}", code):
        raise ValueError("abdomen_code: a six-digit code")
    organs = params.get("organs")
    if not isinstance(organs, dict) or not organs:
        raise ValueError("organs: {organ: {regions: [...], text: [...]}}")
    om = {o: Matcher(spec, f"organs.{o}") for o, spec in organs.items()}
    return {"mode": mode, "code": code, "group": params.get("group"), "organs": om,
            "generic": Words(params.get("generic_text") or []), "stop": Words(params.get("organ_words") or [])}


def _organ_lines(ev, c):
    """[(index, {organs})] of the ultrasound lines of single abdominal organs."""
    out = []
    group = ev.ctx.code_group(c["group"], ev.date) if c["group"] else frozenset()
    for i, it in enumerate(ev.lines()):
        code = _code(it)
        if code == c["code"] or not _is_service(it):
            continue
        row = ev.ctx.tariff_row(code)
        if row is not None and row.chapter and row.chapter != "ultrasound":
            continue        # another modality's line naming an abdominal organ (a liver radiotherapy course)
        organs = {o for o, m in c["organs"].items() if m.matches(ev, it)}
        if organs or (code is not None and code in group):
            out.append((i, organs))
    return out


def _generic_request(ev, c, item) -> bool:
    """What the prescriber wrote for the line is 'abdominal ultrasound' naming no organ."""
    w = norm_text(_d(item, "prescribed_as", ""))
    return bool(w) and c["generic"].search(w) and not c["stop"].search(w)


def _whole_abdomen(ev, c, organ_lines) -> bool:
    if len(organ_lines) < 2:
        return False
    named = set().union(*(o for _, o in organ_lines))
    if set(c["organs"]) <= named:
        return True
    items = ev.lines()
    return any(_generic_request(ev, c, items[i]) for i, _ in organ_lines)


@register("img_abdomen", compile=_compile_abdomen, levels=("line",), gate=_gate_abdomen)
def img_abdomen(rule, ev):
    """US-11 (`mode: whole`): 'abdominal ultrasound' requested without naming organs, or every abdominal organ
    requested separately at once, is paid only as the abdominal code — the first organ line is paid as it, what its
    request leaves of that tariff goes to the next organ lines in order, the rest is zeroed; an abdominal code billed
    where one organ alone was requested is raised.  US-11-N1 (`mode: cap`):
    separately requested organs are paid together at most the abdominal tariff (lines paid in order until it is
    reached)."""
    c = rule.compiled
    items = ev.lines()
    organ_lines = _organ_lines(ev, c)
    whole = _whole_abdomen(ev, c, organ_lines)
    out = []
    if c["mode"] == "whole":
        if whole:
            # the first organ line is paid as the abdominal code; what its request leaves of that tariff is shared
            # by the other organ lines in order, the rest is zeroed (total = at most the abdominal tariff)
            first = organ_lines[0][0]
            cap = _price(ev, items[first], c["code"], 1)
            req0 = _requested_total(items[first])
            used = min(req0 if req0 is not None else (cap or 0), cap or 0)
            for n, (i, organs) in enumerate(organ_lines):
                item = items[i]
                data = {"code": _code(item) or "", "line": _line_no(item, i), "abdomen_code": c["code"]}
                if n == 0:
                    out.append(ev.finding(rule, line=i, paid_code=c["code"], data={**data, "paid_code": c["code"]},
                                          detail_fa=f"سونوگرافی شکم: فقط کد {fa_digits(c['code'])}"))
                    continue
                t = _price(ev, item)
                allotted = min(t, max(0, (cap or 0) - used)) if t is not None else 0
                used += allotted
                where = f"در کد {fa_digits(c['code'])} (ردیف {fa_digits(_line_no(items[first], first))}) منظور است"
                if allotted == 0:
                    out.append(ev.finding(rule, line=i, severity=DENY, mark=ZERO, data=data, detail_fa=where))
                else:
                    out.append(ev.finding(rule, line=i, approved=allotted, data={**data, "allotted": allotted},
                                          detail_fa=f"{where}؛ باقی‌ماندهٔ تعرفهٔ آن {fa_amount(allotted)} ریال"))
            ev.item = None
            return out
        for i, it in enumerate(items):
            if _code(it) != c["code"]:
                continue
            ev.item = it
            named = {o for o, m in c["organs"].items()
                     if m.text is not None and m.text.search(norm_text(_d(it, "prescribed_as", "")))}
            if len(named) == 1:
                out.append(ev.finding(rule, line=i, severity=REVIEW, mark="circle",
                                      data={"code": c["code"], "line": _line_no(it, i), "organ": next(iter(named))},
                                      detail_fa="فقط یک عضو درخواست شده؛ فقط کد همان عضو قابل پرداخت است"))
        ev.item = None
        return out
    if whole or len(organ_lines) < 2:
        return out
    ev.item = items[organ_lines[0][0]]
    cap = _price(ev, items[organ_lines[0][0]], c["code"], 1)
    if cap is None:
        return out
    tariffs = []
    for i, _ in organ_lines:
        t = _price(ev, items[i])
        if t is None:
            return out
        tariffs.append(t)
    if sum(tariffs) <= cap:
        return out
    left = cap
    for (i, _), t in zip(organ_lines, tariffs):
        allotted = min(t, left)
        left -= allotted
        item = items[i]
        data = {"code": _code(item) or "", "line": _line_no(item, i), "tariff": t, "allotted": allotted,
                "cap": cap, "sum": sum(tariffs)}
        detail = (f"مجموع تعرفهٔ احشاء {fa_amount(sum(tariffs))} ریال بیش از تعرفهٔ سونوگرافی شکم "
                  f"({fa_amount(cap)} ریال)؛ سهم این ردیف {fa_amount(allotted)} ریال")
        if allotted == 0:
            out.append(ev.finding(rule, line=i, severity=DENY, mark=ZERO, data=data, detail_fa=detail))
        elif allotted < t and _exceeds(ev, item, allotted):
            out.append(ev.finding(rule, line=i, approved=allotted, data=data, detail_fa=detail))
    ev.item = None
    return out


# ---------------------------------------------------------------------------------------------------- spine


def _compile_spine(params):
    regions = params.get("regions")
    if not isinstance(regions, dict) or not regions:
        raise ValueError("regions: {region: {prefix: C, regions: [...], text: [...]}}")
    out = {}
    for r, spec in regions.items():
        if not isinstance(spec, dict) or not spec.get("prefix"):
            raise ValueError(f"regions.{r}: needs the vertebra prefix (C, T, L)")
        m = {k: v for k, v in spec.items() if k != "prefix"}
        out[r] = (str(spec["prefix"]).upper(), Matcher(m, f"regions.{r}") if m else None)
    return {"regions": out}


def _spine_regions(ev, c, item) -> set:
    found = set()
    for v in _d(item, "vertebrae", []) or []:
        s = str(v).strip().upper()
        for r, (prefix, _) in c["regions"].items():
            if s.startswith(prefix) and s[len(prefix):].isdigit():
                found.add(r)
    if found:
        return found
    for r, (_, m) in c["regions"].items():
        if m is not None and m.matches(ev, item):
            found.add(r)
    return found


@register("img_spine_regions", compile=_compile_spine, levels=("line",))
def img_spine_regions(rule, ev):
    """CT-7: spiral CT of several vertebrae is paid once per spine region (cervical C1-C7, thoracic T1-T12, lumbar
    L1-L5): the units beyond one per region on the prescription are not paid."""
    c = rule.compiled
    seen: set = set()
    out = []
    for idx, item in enumerate(ev.lines()):
        if _d(item, "spiral") is False or not _is_service(item):
            continue
        regs = _spine_regions(ev, c, item)
        if not regs:
            continue
        new = regs - seen
        seen |= regs
        q = _qty(item)
        if q > len(new):
            data = {"code": _code(item) or "", "line": _line_no(item, idx), "regions": sorted(regs),
                    "paid": len(new)}
            detail = (f"اسپیرال فقرات ناحیهٔ {'، '.join(sorted(regs))}: برای هر ناحیه یک بار"
                      + (f"؛ {fa_digits(len(new))} بار قابل پرداخت" if new else "؛ پیش‌تر محاسبه شده است"))
            if new:
                out.append(ev.finding(rule, line=idx, paid_qty=len(new), data=data, detail_fa=detail))
            else:
                out.append(ev.finding(rule, line=idx, severity=DENY, mark=ZERO, data=data, detail_fa=detail))
    return out


# ---------------------------------------------------------------------------------------------------- MRI


def _compile_mri_regions(params):
    out = {"match": _matcher(params, "match"), "one_region": [], "exception": _cond(params, "exception")}
    for i, p in enumerate(params.get("one_region_pairs") or []):
        if not isinstance(p, list) or len(p) != 2:
            raise ValueError(f"one_region_pairs[{i}]: [matcher, matcher]")
        out["one_region"].append((Matcher(p[0], f"one_region_pairs[{i}][0]"), Matcher(p[1], f"one_region_pairs[{i}][1]")))
    jt = params.get("junction_text") or []
    if not isinstance(jt, list):
        raise ValueError("junction_text: a list of words")
    out["junction"] = [(norm_text(w), Words([w])) for w in jt if norm_text(w)]
    return out


def _approval_missing(doc) -> bool:
    return getattr(doc, "approval", ABSENT) is None


@register("img_mri_regions", compile=_compile_mri_regions, levels=("line",))
def img_mri_regions(rule, ev):
    """MRI-1-N2: an MRI request of more than one region (or tariff row) needs the insurer's approval (approval
    null = none), except in an emergency with the disease described by the specialist (`exception`).  Regions
    done with one protocol (`one_region_pairs`, a junction of the spine written as such) count once.  Without the
    approval every MRI line of the request is held (not paid)."""
    c = rule.compiled
    if not _approval_missing(ev.doc):
        return []
    items = ev.lines()
    mri = [i for i, it in enumerate(items) if c["match"].matches(ev, it)]
    if not mri:
        return []
    regions = 0
    merged = set()
    for a_m, b_m in c["one_region"]:
        for i in mri:
            for j in mri:
                if i != j and i not in merged and j not in merged and a_m.matches(ev, items[i]) \
                        and b_m.matches(ev, items[j]) and _same_side(items[i], items[j]):
                    merged.add(max(i, j))
    junctions = set()
    for i in mri:
        if i in merged:
            continue
        it = items[i]
        text = line_text(ev, it)
        key = next((k for k, w in c["junction"] if w.search(text)), None)
        if key is not None:           # a junction of the spine written as such: one region, however billed
            if key not in junctions:
                junctions.add(key)
                regions += 1
            continue
        regions += max(int(_qty(it)), len(_d(it, "regions", []) or []))
    if regions <= 1:
        return []
    if c["exception"] is not None and c["exception"](ev):
        return []
    out = []
    for i in mri:
        data = {"code": _code(items[i]) or "", "line": _line_no(items[i], i), "regions": regions}
        out.append(ev.finding(rule, line=i, data=data,
                              detail_fa=f"درخواست MRI {fa_digits(regions)} ناحیه بدون تأیید سازمان"))
    return out


def _compile_focus(params):
    pairs = []
    for i, p in enumerate(params.get("pairs") or []):
        if not isinstance(p, dict) or "general" not in p or "specific" not in p:
            raise ValueError(f"pairs[{i}]: {{general: matcher, specific: matcher, specific_named: bool}}")
        pairs.append((Matcher(p["general"], f"pairs[{i}].general"), Matcher(p["specific"], f"pairs[{i}].specific"),
                      bool(p.get("specific_named", True))))
    if not pairs:
        raise ValueError("pairs: the MRI region pairs of the clause")
    return {"pairs": pairs, "focus": _words(params, "focus_text") or Words([])}


@register("img_mri_focus", compile=_compile_focus, levels=("line",))
def img_mri_focus(rule, ev):
    """MRI-2: brain with orbit, ear or pituitary; ankle with foot.  A request focused on the specific region (the
    prescriber's words say so) pays the specific region only; two regions requested separately are paid as two
    only when done separately with their own reports (details.separate_report; absent = yes).  Where the clause
    names no specific region (ankle and foot) the case is raised for the reviewer."""
    c = rule.compiled
    items = ev.lines()
    out = []
    done = set()
    for general, specific, named in c["pairs"]:
        gs = [i for i, it in enumerate(items) if general.matches(ev, it)]
        ss = [i for i, it in enumerate(items) if specific.matches(ev, it)]
        for g in gs:
            for s in ss:
                if g == s or g in done or not _same_side(items[g], items[s]):
                    continue
                focused = any(c["focus"].search(norm_text(_d(items[k], "prescribed_as", ""))) for k in (g, s))
                separate_false = any(_d(items[k], "separate_report") is False for k in (g, s))
                if not (focused or separate_false):
                    continue
                target = g if named else max(g, s)
                done.add(target)
                why = "درخواست با فوکوس بر ناحیهٔ اختصاصی" if focused else "دو ناحیه بدون انجام و گزارش جداگانه"
                data = {"code": _code(items[target]) or "", "line": _line_no(items[target], target),
                        "with_line": _line_no(items[s if target == g else g], s if target == g else g),
                        "focused": focused}
                if named:
                    out.append(ev.finding(rule, line=target, data=data,
                                          detail_fa=f"{why}: فقط ناحیهٔ اختصاصی قابل پرداخت است"))
                else:
                    out.append(ev.finding(rule, line=target, severity=REVIEW, mark=ZERO, data=data,
                                          detail_fa=f"{why}: یک ناحیه قابل پرداخت است (ناحیهٔ اختصاصی در دستورالعمل نیامده)"))
    return out


def _compile_junction(params):
    j = params.get("junctions")
    if not isinstance(j, dict) or not j:
        raise ValueError("junctions: {name: {text: [...], parts: [matcher, matcher]}}")
    out = {}
    for name, spec in j.items():
        parts = spec.get("parts") if isinstance(spec, dict) else None
        if not isinstance(parts, list) or len(parts) != 2:
            raise ValueError(f"junctions.{name}.parts: two matchers")
        out[name] = (Words(spec.get("text") or [name]), tuple(norm_text(r).split() for r in spec.get("regions") or [name]),
                     Matcher(parts[0], f"junctions.{name}.parts[0]"), Matcher(parts[1], f"junctions.{name}.parts[1]"))
    return {"junctions": out}


@register("img_mri_junction", compile=_compile_junction, levels=("line",))
def img_mri_junction(rule, ev):
    """MRI-4: a cervicothoracic, thoracolumbar or lumbosacral MRI request is paid as one anatomical region: one line
    of the junction billed more than once is capped at one; the junction billed as its two spine regions pays the
    first line only."""
    c = rule.compiled
    items = ev.lines()
    out = []
    for name, (words, regions, a_m, b_m) in c["junctions"].items():
        lines = [i for i, it in enumerate(items)
                 if words.search(line_text(ev, it)) or _region_has(it, list(regions))]
        if not lines:
            continue
        for i in lines:
            it = items[i]
            n = max(int(_qty(it)), len(_d(it, "regions", []) or []))
            if n > 1:
                out.append(ev.finding(rule, line=i, paid_qty=1, data={"code": _code(it) or "", "line": _line_no(it, i),
                                                                      "junction": name},
                                      detail_fa=f"MRI {name}: منحصراً یک ناحیهٔ آناتومیک"))
        a = [i for i, it in enumerate(items) if a_m.matches(ev, it)]
        b = [i for i, it in enumerate(items) if b_m.matches(ev, it)]
        for i in a:
            for j in b:
                if i == j:
                    continue
                t = max(i, j)
                if t in lines and min(i, j) not in lines:
                    t = min(i, j)
                it = items[t]
                out.append(ev.finding(rule, line=t, severity=DENY, mark=ZERO,
                                      data={"code": _code(it) or "", "line": _line_no(it, t), "junction": name},
                                      detail_fa=f"MRI {name} به صورت دو ناحیه ثبت شده؛ منحصراً یک ناحیه قابل پرداخت است"))
                break
            else:
                continue
            break
    return out


def _compile_field(params):
    return {"match": _matcher(params, "match"), "specialists": frozenset(params.get("specialists") or ()),
            "related": {s: Matcher(m, f"related.{s}") for s, m in (params.get("related") or {}).items()}}


@register("img_specialty_field", compile=_compile_field, levels=("line",))
def img_specialty_field(rule, ev):
    """MRI-1-N1: an MRI prescribed by another specialist (`specialists`) is paid in the prescriber's related field:
    a region `related` to the specialty passes, any other is raised for the reviewer."""
    c = rule.compiled
    pr = _v(getattr(ev.doc, "prescriber", None))
    spec = _v(getattr(pr, "specialty", None)) if pr is not None else None
    if spec not in c["specialists"]:
        return []
    rel = c["related"].get(spec)
    out = []
    for idx, item in enumerate(ev.lines()):
        ev.item, ev.index = item, idx
        if not c["match"].matches(ev, item):
            continue
        if rel is not None and rel.matches(ev, item):
            continue
        out.append(ev.finding(rule, line=idx, data={"code": _code(item) or "", "line": _line_no(item, idx),
                                                    "specialty": spec, "region": _d(item, "region")},
                              detail_fa=f"MRI {_d(item, 'region') or ''} به تجویز {spec}: در حوزهٔ تخصصی مرتبط است؟"))
    ev.item = ev.index = None
    return out


# ---------------------------------------------------------------------------------------------------- densitometry


def _compile_bmd(params):
    codes = params.get("codes")
    if not codes:
        raise ValueError("codes: the densitometry codes")
    out = {"codes": frozenset(str(x) for x in codes)}
    for k in ("risk_factors", "secondary_causes", "monitoring"):
        out[k] = _words(params, k) or Words([])
    out["women_max_age"] = int(params.get("women_max_age", 65))
    out["men_below_age"] = int(params.get("men_below_age", 70))
    return out


def _age(ev):
    a = ev.fact("insured_age_years")
    return a if isinstance(a, int) else None


def _bmd_texts(ev, item):
    ins = _v(getattr(ev.doc, "insured", None))
    conds = _v(getattr(ins, "conditions", None)) if ins is not None else None
    words = [norm_text(c) for c in (conds or [])]
    texts = [norm_text(_d(item, "indication", "")), norm_text(_v(getattr(ev.doc, "diagnosis", None), ""))]
    return conds, words, [t for t in texts if t]


@register("img_bmd_indication", compile=_compile_bmd, levels=("line",), gate=_gate_codes("codes"))
def img_bmd_indication(rule, ev):
    """BMD-13 (with the indications BMD-1 … BMD-5): densitometry is paid for a covered indication written by the
    prescriber — (a) postmenopausal women up to 65 with a major risk factor, (b) men under 70 with a fracture risk
    factor, (c) women over 65 and men over 70 with a major risk factor, (d) a secondary cause of osteoporosis, (e)
    monitoring of treatment.  No indication written → not paid; the documented facts exclude every indication →
    not paid; otherwise, when no indication is recognised, raised for the reviewer."""
    c = rule.compiled
    out = []
    ins = _v(getattr(ev.doc, "insured", None))
    for idx, item in enumerate(ev.lines()):
        if _code(item) not in c["codes"]:
            continue
        ev.item, ev.index = item, idx
        data = {"code": _code(item), "line": _line_no(item, idx)}
        det = _details(item)
        indication = getattr(det, "indication", ABSENT) if det is not None else ABSENT
        if indication is None or (isinstance(indication, str) and not indication.strip()):
            out.append(ev.finding(rule, line=idx, data=data, detail_fa="اندیکاسیون در درخواست پزشک ذکر نشده است"))
            continue
        conds, cwords, texts = _bmd_texts(ev, item)

        def has(words: Words) -> bool:
            return any(words.search(w) for w in cwords) or any(words.search(t) for t in texts)

        sex = _v(getattr(ins, "sex", None)) if ins is not None else None
        age = _age(ev)
        meno = _v(getattr(ins, "menopausal", None)) if ins is not None else None
        bmi = _v(getattr(ins, "bmi", None)) if ins is not None else None
        meno_age = _v(getattr(ins, "menopause_age", None)) if ins is not None else None
        treat = _v(getattr(ins, "osteoporosis_treatment_start", None)) if ins is not None else None
        risk = has(c["risk_factors"]) or (isinstance(bmi, (int, float)) and bmi < 18) \
            or (isinstance(meno_age, int) and meno_age < 40)
        # (d) a secondary cause, at any age; (e) monitoring of a treatment
        covered = has(c["secondary_causes"]) or has(c["monitoring"]) or treat is not None
        if not covered and risk and age is not None and age >= 18:
            if sex == "F" and (age > c["women_max_age"] or meno is True):          # (a), (c)
                covered = True
            elif sex == "M" and age != c["men_below_age"]:                          # (b), (c); exactly 70: a gap
                covered = True
        if covered:
            continue
        # the documented facts close the risk-factor routes (a)-(c): a premenopausal woman up to 65, a child
        route_closed = (sex == "F" and meno is False and age is not None and age <= c["women_max_age"]) \
            or (age is not None and age < 18)
        explicit = isinstance(conds, list)          # the insured's conditions are documented ([] = none)
        data.update(age=age, sex=sex)
        if explicit and (route_closed or (not risk and not _unrecognised_text(texts))):
            out.append(ev.finding(rule, line=idx, data=data,
                                  detail_fa="با مشخصات ثبت‌شدهٔ بیمه‌شده هیچ‌یک از اندیکاسیون‌های تعهدی برقرار نیست"))
        else:
            out.append(ev.finding(rule, line=idx, severity=REVIEW, mark=ZERO, data=data,
                                  detail_fa="اندیکاسیون تعهدی شناخته نشد؛ اندیکاسیون نوشته‌شده با بندهای الف تا هـ "
                                            "استاندارد تطبیق داده شود"))
    ev.item = ev.index = None
    return out


_NON_INDICATION = Words(["screening", "check up", "checkup", "غربالگری", "چکاپ", "چک آپ", "روتین", "routine"])


def _unrecognised_text(texts) -> bool:
    """Free text that is neither empty nor a known non-indication (screening, routine): it may hold a risk factor
    the tables do not list, so a human reads it."""
    return any(t and not _NON_INDICATION.search(t) for t in texts)


def _compile_interval(params):
    codes = params.get("codes")
    if not codes:
        raise ValueError("codes: the densitometry codes")
    m = params.get("min_months", 24)
    if not isinstance(m, int) or m < 1:
        raise ValueError("min_months: whole months")
    return {"codes": frozenset(str(x) for x in codes), "months": m, "second_year": int(params.get("second_at_year", 5)),
            "first_year": int(params.get("first_at_year", 2))}


@register("img_bmd_interval", compile=_compile_interval, levels=("line",), gate=_gate_codes("codes"))
def img_bmd_interval(rule, ev):
    """BMD-6 (with BMD-7): a repeat densitometry is paid 2 years after the start of treatment and at the end of its
    5th year — no earlier than `min_months` after the insured's previous one, and under treatment
    (insured.osteoporosis_treatment_start) not again before the end of year 5 once the year-2 test is done —
    unless a new indication is written (details.new_indication, BMD-7)."""
    c = rule.compiled
    ins = _v(getattr(ev.doc, "insured", None))
    nid = _v(getattr(ins, "national_id", None)) if ins is not None else None
    if not nid:
        return []
    treat = _v(getattr(ins, "osteoporosis_treatment_start", None))
    out = []
    for idx, item in enumerate(ev.lines()):
        if _code(item) not in c["codes"]:
            continue
        if _d(item, "new_indication") is True:
            continue
        ev.item = item
        on = ev.line_date()
        earlier = [r for r in ev.ctx.history.services(nid, c["codes"], until=on) if r.on is not None]
        if not earlier:
            continue
        last = max(r.on for r in earlier)
        why = None
        if on < last.add_months(c["months"]):
            why = (f"سنجش قبلی در {fa_digits(last)}؛ تکرار کمتر از {fa_digits(c['months'] // 12)} سال بدون "
                   f"اندیکاسیون جدید")
        elif treat is not None:
            y2, y5 = treat.add_months(12 * c["first_year"]), treat.add_months(12 * c["second_year"])
            if any(r.on >= y2 for r in earlier) and on < y5:
                why = f"شروع درمان {fa_digits(treat)}؛ سنجش بعدی در پایان سال {fa_digits(c['second_year'])} درمان ({fa_digits(y5)})"
        if why:
            out.append(ev.finding(rule, line=idx, data={"code": _code(item), "line": _line_no(item, idx),
                                                        "previous": str(last)}, detail_fa=why))
    ev.item = None
    return out


# ---------------------------------------------------------------------------------------------------- bills


def _procedures(ev):
    if ev.kind != "bill":
        return []
    return _v(getattr(ev.doc, "procedures", None), [])


def _proc_text(p) -> str:
    return norm_text(" | ".join(x for x in (_v(getattr(p, "description", None)), _d(p, "service")) if x))


def _compile_proc(params):
    out = {"words": _words(params, "text") or Words([]), "services": frozenset(params.get("services") or ()),
           "paid_code": str(params.get("paid_code", ""))}
    if not re.fullmatch(r"\d{6}", out["paid_code"]):
        raise ValueError("paid_code: a six-digit code")
    if not out["words"] and not out["services"]:
        raise ValueError("text or services: how the procedure is recognised")
    return out


@register("img_procedure_code", compile=_compile_proc, levels=("line",))
def img_procedure_code(rule, ev):
    """A bill's procedure recognised by its description (or details.service) is paid under `paid_code` (CARD-2: IVL
    under 900700): billed under another code it is paid as `paid_code` (the rule's severity, adjust for replace_code;
    the inpatient calculator prices the procedure at that code and lists it in computed.procedures[].paid_code)."""
    c = rule.compiled
    out = []
    for i, p in enumerate(_procedures(ev)):
        code = _v(getattr(p, "code", None))
        if not (c["words"].search(_proc_text(p)) or _d(p, "service") in c["services"]):
            continue
        if code == c["paid_code"]:
            continue
        out.append(ev.finding(rule, heading="surgeon", paid_code=c["paid_code"], mark="circle",
                              data={"procedure": i + 1, "code": code, "paid_code": c["paid_code"]},
                              detail_fa=f"عمل ردیف {fa_digits(i + 1)} ({_code_fa(code)}): به کد {fa_digits(c['paid_code'])}"))
    return out


def _compile_post(params):
    stent = str(params.get("stent_code", ""))
    if not re.fullmatch(r"\d{6}", stent):
        raise ValueError("stent_code: a six-digit code")
    return {"stent": stent, "balloon": _words(params, "balloon_text") or Words([]),
            "services": frozenset(params.get("balloon_services") or ())}


@register("img_post_dilation", compile=_compile_post, levels=("line",))
def img_post_dilation(rule, ev):
    """CARD-4: one stent in a vessel (stent_code with details.stents = 1) and a balloon angioplasty (pre- or
    post-dilation) of the same vessel: only stent_code is paid — the balloon procedure is excluded from the surgeon's
    fees when both vessels are recorded; raised for the reviewer with a zero proposed when the balloon's vessel is not
    recorded (the bill's procedure amounts are the inpatient calculator's)."""
    c = rule.compiled
    procs = _procedures(ev)
    stented = {}
    for i, p in enumerate(procs):
        if _v(getattr(p, "code", None)) == c["stent"] and _d(p, "stents") == 1:
            stented[_d(p, "vessel")] = i
    if not stented:
        return []
    out = []
    for i, p in enumerate(procs):
        code = _v(getattr(p, "code", None))
        if code == c["stent"]:
            continue
        if not (c["balloon"].search(_proc_text(p)) or _d(p, "service") in c["services"]):
            continue
        vessel = _d(p, "vessel")
        if vessel is not None and vessel not in stented and None not in stented:
            continue
        # both vessels read from the procedure records: the balloon is not payable (the rule's severity); a vessel
        # not recorded: the reviewer reads it from the angiography report, with the zero proposed
        known = vessel is not None and vessel in stented
        out.append(ev.finding(rule, heading="surgeon", severity=None if known else REVIEW, mark=ZERO,
                              data={"procedure": i + 1, "code": code, "vessel": vessel},
                              detail_fa=f"بالون آنژیوپلاستی رگ {vessel or ''} با یک استنت در همان رگ: فقط کد {fa_digits(c['stent'])}"))
    return out


# ---------------------------------------------------------------------------------------------------- standards


def _compile_standard(params):
    out = {"match": _words(params, "text") or Words([]), "codes": frozenset(str(x) for x in params.get("codes") or ()),
           "services": frozenset(params.get("services") or ()), "standard_fa": str(params.get("standard_fa", ""))}
    if not out["match"] and not out["codes"] and not out["services"]:
        raise ValueError("text, codes or services: how the service is recognised")
    sev = params.get("missing_approval", "review")
    if sev not in ("review", "deny"):
        raise ValueError("missing_approval: review | deny")
    out["missing_approval"] = sev
    absent = params.get("absent_approval", "given")
    if absent not in ("given", "missing"):
        raise ValueError("absent_approval: given | missing")
    out["absent_missing"] = absent == "missing"
    crit = params.get("criteria")
    if crit is not None:
        if not isinstance(crit, dict) or set(crit) - {"diagnosis_any"} or not crit.get("diagnosis_any"):
            raise ValueError("criteria: null (not loaded) or {diagnosis_any: [words]}")
        out["criteria"] = Words(crit["diagnosis_any"])
    else:
        out["criteria"] = None
    return out


def _standard_hits(ev, c):
    """[(line index or None, place text, approval)] of the services the standard concerns."""
    hits = []
    if ev.kind == "prescription":
        for i, it in enumerate(ev.lines()):
            t = line_text(ev, it, ("prescribed_as", "description", "tariff"))
            if _code(it) in c["codes"] or _d(it, "service") in c["services"] or c["match"].search(t):
                hits.append((i, f"ردیف {fa_digits(_line_no(it, i))}", getattr(ev.doc, "approval", ABSENT)))
        return hits
    for i, p in enumerate(_procedures(ev)):
        if _v(getattr(p, "code", None)) in c["codes"] or _d(p, "service") in c["services"] \
                or c["match"].search(_proc_text(p)):
            a = getattr(p, "approval", ABSENT)
            hits.append((None, f"عمل ردیف {fa_digits(i + 1)}", a if a is not ABSENT else getattr(ev.doc, "approval", ABSENT)))
    heads = _v(getattr(ev.doc, "headings", None))
    if heads is not None:
        for hname in ("drugs", "supplies", "other"):
            h = _v(getattr(heads, hname, None))
            for j, ln in enumerate(_v(getattr(h, "lines", None), []) if h is not None else []):
                t = norm_text(" | ".join(x for x in (_v(getattr(ln, "name", None)), _v(getattr(ln, "service", None)),
                                                     _v(getattr(ln, "drug", None))) if x))
                if _v(getattr(ln, "code", None)) in c["codes"] or _v(getattr(ln, "service", None)) in c["services"] \
                        or c["match"].search(t):
                    hits.append((None, f"{hname} ردیف {fa_digits(j + 1)}", getattr(ev.doc, "approval", ABSENT)))
    return hits


@register("img_standard_required", compile=_compile_standard, levels=("line",))
def img_standard_required(rule, ev):
    """A service bought by a Ministry standard whose criteria are not in the seeds (ECMO-2, PALI-2): it is paid with
    the organisation's approval (approval null = none; absent = given, or with `absent_approval: missing` = none:
    the standard states no approval, so only an approval shown settles it).  Without it the line is raised (or,
    with `missing_approval: deny`, zeroed).  An administrator may load the standard's criteria later (`criteria:
    {diagnosis_any: [...]}`): a diagnosis naming none of them is then raised even with an approval."""
    c = rule.compiled
    out = []
    diag = _v(getattr(ev.doc, "diagnosis", None))
    if diag is None and ev.kind == "bill":
        ao = _v(getattr(ev.doc, "admission_order", None))
        diag = _v(getattr(ao, "diagnosis", None)) if ao is not None else None
    for line, place, approval in _standard_hits(ev, c):
        data = {"place": place}
        sev = c["missing_approval"] if ev.kind == "prescription" else "review"
        if approval is ABSENT and c["absent_missing"]:
            approval = None         # no approval shown: nothing says the service was checked against the standard
        if approval is None:
            out.append(ev.finding(rule, line=line, severity=sev, mark=ZERO, data={**data, "approval": None},
                                  detail_fa=f"{place}: بدون تأیید سازمان؛ معیارهای {c['standard_fa']} در دست نیست و "
                                            f"انطباق با استاندارد باید بررسی شود"))
        elif c["criteria"] is not None and not c["criteria"].search(norm_text(diag or "")):
            out.append(ev.finding(rule, line=line, severity="review", mark=ZERO, data={**data, "diagnosis": diag},
                                  detail_fa=f"{place}: تشخیص با معیارهای بارگذاری‌شدهٔ {c['standard_fa']} تطبیق ندارد"))
    return out
