"""Check kinds of the physiotherapy (PT-*) and laboratory (LAB-*) sections of the manual (09 BK 004 00).

How each clause is read is in docs/physio-lab-rules.md; the numbers and code lists live in rules/physiotherapy.yaml
and rules/laboratory.yaml.  Kinds written here and reusable by any section:

- `replace_code_when`   a condition on a line → the line is paid under another code (LAB-3, LAB-4-11)
- `attachment_required` lines of a code set (or of a named test) need a document attached (LAB-5, LAB-7-4, LAB-11)
- `co_billed`           a line is cut when another line of the same prescription covers it (LAB-4-4, LAB-4-7, …)
- `qty_cap`             a line's quantity capped at a number or at a count the report gives (LAB-9, LAB-11)
- `test_lines`          a condition on a laboratory test → every line of that test (LAB-7-1, LAB-8, LAB-11-H, …)
- `lab_composite`       the tariff of a test is a closed set of codes, one of each slot (LAB-7-6 … LAB-11-F)

and the section's own: `physio_units` (the sessions × limbs a physiotherapy prescription may be paid, PT-2 … PT-19),
`physio_start`, `physio_filing_month`, `physio_specialty_fit`, `physio_condition_registration`, `admission_once`,
`pcr_admission`, `pcr_frequency`, `pcr_pair`, `lab_method`, `lab_lipids`, `lab_panel`, `ecl_tumour_marker`,
`karyotype_extra_cells`, `inpatient_lab_draws`.

A laboratory *test* is the group of lines that serve one test: the lines sharing `details.test`; lines without a test
name whose code is an admission, extraction or molecular code join the test of their agent (or the only test of the
prescription).  A shared admission line falls with a test only when every other line of the prescription falls too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from desktop.domain.absent import ABSENT
from desktop.domain.fa import fa_digits
from desktop.domain.jalali import normalize_digits
from desktop.engine.conditions import compile_condition
from desktop.engine.evaluate import fact
from desktop.engine.rules import Gate, register

# ---------------------------------------------------------------------------------------------------- helpers


def _v(x, default=None):
    return default if x is ABSENT or x is None else x


_RANGE = re.compile(r"^(\d{6})\s*-\s*(\d{6})$")


class CodeSet:
    """National codes and inclusive ranges (`"805079-805086"`), from a rule pack's params."""

    __slots__ = ("singles", "ranges")

    def __init__(self, spec=()):
        if isinstance(spec, (str, int)):
            spec = [spec]
        if not isinstance(spec, (list, tuple, set, frozenset)):
            raise ValueError(f"a code list is a list of codes or ranges 'aaaaaa-bbbbbb', got {spec!r}")
        singles, ranges = set(), []
        for c in spec:
            s = str(c).strip()
            m = _RANGE.match(s)
            if m:
                lo, hi = int(m.group(1)), int(m.group(2))
                if lo > hi:
                    raise ValueError(f"range {s} runs backwards")
                ranges.append((lo, hi))
            elif s:
                singles.add(s)
            else:
                raise ValueError("an empty code in a code list")
        self.singles = frozenset(singles)
        self.ranges = tuple(ranges)

    def __contains__(self, code) -> bool:
        if code is ABSENT or code is None:
            return False
        code = str(code)
        if code in self.singles:
            return True
        if self.ranges and code.isdigit():
            n = int(code)
            return any(lo <= n <= hi for lo, hi in self.ranges)
        return False

    def __bool__(self):
        return bool(self.singles or self.ranges)


_TR = str.maketrans({"ي": "ی", "ك": "ک", "\u200c": " ", "ـ": "", "ۀ": "ه", "ة": "ه"})


def norm(text) -> str:
    """Text for matching: Latin digits, Persian ye/kaf, no ZWNJ, case-folded, single spaces."""
    if text is ABSENT or text is None:
        return ""
    return _norm(str(text))


@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    t = normalize_digits(text).translate(_TR).casefold()
    return " ".join(t.replace("_", " ").split())


class Words:
    """Keywords matched in text: an ASCII word starts a word (`malignan` finds `malignant`) and, when it has at most
    four letters (an abbreviation), ends one too (`LDL` is not inside `VLDL`); other words match as substrings."""

    __slots__ = ("words", "_rx", "_seen")

    def __init__(self, words=()):
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, (list, tuple)):
            raise ValueError(f"a word list is a list of strings, got {words!r}")
        self.words = tuple(norm(w) for w in words if norm(w))
        parts = []
        for w in self.words:
            if w.isascii():
                parts.append(r"(?<![a-z0-9])" + re.escape(w) + (r"(?![a-z0-9])" if len(w) <= 4 else ""))
            else:
                parts.append(re.escape(w))
        self._rx = re.compile("|".join(parts)) if parts else None
        self._seen: dict = {}

    def __call__(self, text) -> bool:
        if self._rx is None:
            return False
        t = norm(text)
        hit = self._seen.get(t)
        if hit is None:
            if len(self._seen) > 8192:
                self._seen.clear()
            hit = self._seen[t] = bool(self._rx.search(t))
        return hit

    def __bool__(self):
        return bool(self.words)


def _details(item):
    return _v(getattr(item, "details", None))


def _det(item, name, default=ABSENT):
    d = _details(item)
    if d is None:
        return default
    v = getattr(d, name, ABSENT)
    return default if v is ABSENT else v


def _qty(item) -> float:
    q = getattr(item, "qty", ABSENT)
    return 1 if q in (ABSENT, None) else q


def _num(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x


_TEXTS: dict = {}


def _item_text(item) -> str:
    """What names the line: its test, analyte, description and what the physician wrote."""
    hit = _TEXTS.get(id(item))
    if hit is not None and hit[0] is item:
        return hit[1]
    if len(_TEXTS) > 4096:
        _TEXTS.clear()
    parts = [_det(item, "test"), _det(item, "analyte"), getattr(item, "description", ABSENT),
             _det(item, "prescribed_as")]
    text = " | ".join(norm(p) for p in parts if isinstance(p, str))
    _TEXTS[id(item)] = (item, text)
    return text


def _line_names(ev, item) -> str:
    """The line's names and, after them, its tariff description (a case-local code may say what it is only there)."""
    row = ev.ctx.tariff_row(item.code) if item.code not in (ABSENT, None) else None
    desc = getattr(row, "description_fa", None) if row is not None else None
    text = _item_text(item)
    return f"{text} | {norm(desc)}" if isinstance(desc, str) and desc else text


@fact("lab_line_text")
def _f_line_text(ev):
    """The line's names (test, analyte, description, prescribed-as, tariff description), normalised for
    `contains_any`."""
    return _line_names(ev, ev.item) if ev.item is not None else ABSENT


def _codes_of(params, key, required=False):
    if key not in params:
        if required:
            raise ValueError(f"needs `{key}` (codes or ranges)")
        return CodeSet()
    return CodeSet(params[key])


def _price(ev, code, qty=1):
    if code in (ABSENT, None):
        return None
    return ev.ctx.price(str(code), ev.date, "government", qty)


def _insured(ev):
    return _v(getattr(ev.doc, "insured", None))


def _nid(ev):
    ins = _insured(ev)
    return _v(getattr(ins, "national_id", None)) if ins is not None else None


def _line_dates(ev, item):
    """Session dates of a line: `details.sessions`, else the line's date, else the document's."""
    ss = _det(item, "sessions")
    if isinstance(ss, list) and ss:
        return list(ss)
    d = getattr(item, "served_on", ABSENT)
    if d not in (ABSENT, None):
        return [d]
    d = getattr(ev.doc, "served_on", ABSENT)
    return [d if d not in (ABSENT, None) else None]


def _compile_when(params, key="when", required=False):
    if key not in params:
        if required:
            raise ValueError(f"needs `{key}` (a condition)")
        return None
    return compile_condition(params[key])


def _doc_detail(rule, data, default):
    if rule.detail_fa:
        try:
            return rule.detail_fa.format(**{k: fa_digits(v) for k, v in data.items()})
        except (KeyError, IndexError, ValueError):
            return rule.detail_fa
    return default


# ---------------------------------------------------------------------------------------------------- generic


def _compile_replace(params):
    if not params.get("paid_code"):
        raise ValueError("needs `paid_code`")
    return {"when": _compile_when(params, required=True), "unless": _compile_when(params, "unless"),
            "paid_code": str(params["paid_code"]), "codes": _codes_of(params, "codes")}


@register("replace_code_when", compile=_compile_replace, levels=("line",))
def replace_code_when(rule, ev):
    """A line (of `codes`, when given) that meets `when` (and not `unless`) is paid under `paid_code` (never above the
    request)."""
    c = rule.compiled
    out = []
    for idx, item in enumerate(ev.lines()):
        if item.code in (ABSENT, None) or item.code == c["paid_code"]:
            continue
        if c["codes"] and item.code not in c["codes"]:
            continue
        ev.item, ev.index = item, idx
        if c["when"](ev) and not (c["unless"] and c["unless"](ev)):
            data = {"code": item.code, "paid_code": c["paid_code"]}
            out.append(ev.finding(rule, line=idx, paid_code=c["paid_code"], data=data,
                                  detail_fa=_doc_detail(rule, data, f"خدمت {fa_digits(item.code)} با کد "
                                                                    f"{fa_digits(c['paid_code'])} محاسبه می‌شود")))
    ev.item = ev.index = None
    return out


def _compile_attach(params):
    acc = params.get("attachments") or ([params["attachment"]] if params.get("attachment") else None)
    if not acc:
        raise ValueError("needs `attachment` or `attachments` (any of them will do)")
    codes = _codes_of(params, "codes")
    match = _compile_match(params["match"]) if "match" in params else None
    if not codes and match is None:
        raise ValueError("needs `codes` or `match` (a test)")
    return {"accepted": tuple(acc), "codes": codes, "match": match}


@register("attachment_required", compile=_compile_attach, levels=("line",))
def attachment_required(rule, ev):
    """Lines of `codes` (or of a test `match`es) need one of `attachments` — the line's list, else the document's.
    Absent attachments mean everything required is attached (rule-inputs §0)."""
    c = rule.compiled
    wanted = set()
    for idx, item in enumerate(ev.lines()):
        if item.code in c["codes"]:
            wanted.add(idx)
    if c["match"] is not None:
        for g in lab_groups(ev):
            if c["match"](g, ev):
                wanted.update(g.members)
    out = []
    for idx in sorted(wanted):
        item = ev.lines()[idx]
        att = getattr(item, "attachments", ABSENT)
        if att is ABSENT:
            att = getattr(ev.doc, "attachments", ABSENT)
        if att is ABSENT:
            continue
        att = att or []
        if not any(a in att for a in c["accepted"]):
            data = {"code": _v(item.code, ""), "attachment": c["accepted"][0]}
            out.append(ev.finding(rule, line=idx, data=data,
                                  detail_fa=_doc_detail(rule, data, f"گزارش خدمت {fa_digits(data['code'])} "
                                                                    f"پیوست نسخه نیست")))
    return out


class _LineMatch:
    """A line is named by `codes` or by `words` (its test, analyte, description or what was prescribed)."""

    def __init__(self, spec, key):
        if not isinstance(spec, dict) or not (spec.get("codes") or spec.get("words")):
            raise ValueError(f"`{key}` needs `codes` or `words`")
        self.codes = CodeSet(spec.get("codes") or [])
        self.words = Words(spec.get("words") or [])

    def __call__(self, ev, item) -> bool:
        return item.code in self.codes or (bool(self.words) and self.words(_line_names(ev, item)))


def _compile_cobilled(params):
    return {"cut": _LineMatch(params.get("cut"), "cut"), "with": _LineMatch(params.get("with"), "with")}


@register("co_billed", compile=_compile_cobilled, levels=("line",), gate=lambda rule: Gate(min_lines=2))  # another line
def co_billed(rule, ev):
    """A line that `cut` names is not payable when another line of the same prescription is what `with` names
    (its cost is included there, or only the other is payable)."""
    c = rule.compiled
    items = ev.lines()
    keepers = [i for i, it in enumerate(items) if c["with"](ev, it)]
    out = []
    for idx, item in enumerate(items):
        if not c["cut"](ev, item):
            continue
        others = [k for k in keepers if k != idx]
        if not others:
            continue
        data = {"code": _v(item.code, ""), "with": _v(items[others[0]].code, "")}
        out.append(ev.finding(rule, line=idx, data=data,
                              detail_fa=_doc_detail(rule, data, f"خدمت {fa_digits(data['code'])} همراه خدمت "
                                                                f"{fa_digits(data['with'])} قابل پرداخت نیست")))
    return out


def _compile_qty_cap(params):
    mx = params.get("max")
    fld = params.get("field")
    if mx is None and fld is None:
        raise ValueError("needs `max` (a number) and/or `field` (a details count: probes, primers, …)")
    if mx is not None and (not isinstance(mx, (int, float)) or isinstance(mx, bool) or mx < 0):
        raise ValueError("`max` is a number ≥ 0")
    codes = _codes_of(params, "codes")
    if not codes and fld is None:
        raise ValueError("a cap without `codes` needs a `field`")
    return {"codes": codes, "max": mx, "field": fld}


@register("qty_cap", compile=_compile_qty_cap, levels=("line",))
def qty_cap(rule, ev):
    """A line's quantity is capped at `max` and/or at the count `details.<field>` the report gives (lines of `codes`,
    or every line carrying that field when no codes are given)."""
    c = rule.compiled
    out = []
    for idx, item in enumerate(ev.lines()):
        if c["codes"] and item.code not in c["codes"]:
            continue
        caps = []
        if c["max"] is not None:
            caps.append(c["max"])
        if c["field"]:
            n = _det(item, c["field"])
            if isinstance(n, (int, float)) and not isinstance(n, bool):
                caps.append(n)
            elif not c["codes"] or c["max"] is None:
                continue
        if not caps:
            continue
        cap = min(caps)
        q = _qty(item)
        if q > cap:
            data = {"code": _v(item.code, ""), "qty": _num(q), "cap": _num(cap)}
            kw = {"paid_qty": _num(cap)} if cap > 0 else {"severity": "deny", "mark": "zero"}
            out.append(ev.finding(rule, line=idx, data=data, **kw,
                                  detail_fa=_doc_detail(rule, data, f"خدمت {fa_digits(data['code'])}: "
                                                                    f"{fa_digits(data['qty'])} واحد؛ قابل پرداخت "
                                                                    f"{fa_digits(data['cap'])}")))
    return out


# ---------------------------------------------------------------------------------------------------- lab tests

ADMISSION = CodeSet(["800005", "800015", "807000", "804600"])
MOLECULAR = CodeSet(["804600-804855", "805000-805108", "806500-806575"])


@dataclass
class LabGroup:
    """The lines of one laboratory test."""
    key: str | None
    members: list[int] = field(default_factory=list)      # every line of the test (admissions included)
    text: str = ""
    agents: set = field(default_factory=set)
    samples: set = field(default_factory=set)
    codes: list = field(default_factory=list)


_GROUPS: dict = {}


def lab_groups(ev) -> list[LabGroup]:
    """The prescription's laboratory tests (see the module docstring), computed once per document."""
    k = id(ev)
    hit = _GROUPS.get(k)
    if hit is not None and hit[0] is ev:
        return hit[1]
    if len(_GROUPS) > 256:
        _GROUPS.clear()
    items = ev.lines()
    tagged: dict[str, LabGroup] = {}
    loose: list[int] = []
    for idx, item in enumerate(items):
        t = norm(_det(item, "test", None))
        if t:
            tagged.setdefault(t, LabGroup(t)).members.append(idx)
        elif item.code in MOLECULAR or item.code in ADMISSION:
            loose.append(idx)
    groups = list(tagged.values())
    for g in groups:
        _fill(g, items)
    anon: dict = {}
    admissions = []
    for idx in loose:
        item = items[idx]
        if item.code in ADMISSION:
            admissions.append(idx)
            continue
        agent = norm(_det(item, "agent", None))
        cands = [g for g in groups if agent and agent in g.agents] if agent else []
        if not cands and len(groups) == 1 and (not agent or not groups[0].agents):
            cands = groups
        if len(cands) == 1:
            cands[0].members.append(idx)
        else:
            anon.setdefault(agent or None, LabGroup(None)).members.append(idx)
    for g in anon.values():
        _fill(g, items)
        groups.append(g)
    # an admission without a test name serves every test of the prescription
    for idx in admissions:
        for g in groups:
            g.members.append(idx)
        if not groups:
            g = LabGroup(None, [idx])
            groups.append(g)
    for g in groups:
        g.members = sorted(set(g.members))
        _fill(g, items)
    _GROUPS[k] = (ev, groups)
    return groups


def _fill(g: LabGroup, items):
    texts, agents, samples, codes = [], set(), set(), []
    for i in g.members:
        it = items[i]
        texts.append(_item_text(it))
        a = norm(_det(it, "agent", None))
        if a:
            agents.add(a)
        s = norm(_det(it, "sample", None))
        if s:
            samples.add(s)
        if it.code not in (ABSENT, None):
            codes.append(it.code)
    g.text = " | ".join(t for t in texts if t)
    g.agents, g.samples, g.codes = agents, samples, codes


def _lines_to_zero(ev, idxs: set[int]) -> set[int]:
    """A test's lines; its admission lines only when every other line of the prescription falls with it."""
    items = ev.lines()
    others = [i for i, it in enumerate(items) if i not in idxs and it.code not in ADMISSION]
    out = set()
    for i in idxs:
        if items[i].code in ADMISSION and others:
            continue
        out.add(i)
    return out


class _GroupMatch:
    """Which test a clause is about: `test` words (any) or `codes` (any line), plus `test_all`, `test_not`,
    `agents`, `not_agents`, `samples` (with `sample_codes`: codes that tell the sample when none is written),
    `infer_agent: {has: [codes], lacks: [codes]}` (when no agent is written)."""

    KEYS = {"test", "test_all", "test_not", "codes", "agents", "not_agents", "samples", "sample_codes", "infer_agent"}

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("`match` is a mapping")
        bad = set(spec) - self.KEYS
        if bad:
            raise ValueError(f"unknown keys in match: {sorted(bad)}")
        if not (spec.get("test") or spec.get("codes")):
            raise ValueError("`match` needs `test` words or `codes`")
        self.test = Words(spec.get("test") or [])
        self.test_all = [Words([w]) for w in spec.get("test_all") or []]
        self.test_not = Words(spec.get("test_not") or [])
        self.codes = CodeSet(spec.get("codes") or [])
        self.agents = {norm(a) for a in spec.get("agents") or []}
        self.not_agents = {norm(a) for a in spec.get("not_agents") or []}
        self.samples = {norm(s) for s in spec.get("samples") or []}
        self.sample_codes = CodeSet(spec.get("sample_codes") or [])
        self._agent_words = Words(sorted(self.agents))
        inf = spec.get("infer_agent")
        self.infer = (CodeSet(inf.get("has") or []), CodeSet(inf.get("lacks") or [])) if inf else None

    def line(self, item) -> bool:
        return item.code in self.codes or (bool(self.test) and self.test(_item_text(item)))

    def __call__(self, g: LabGroup, ev) -> bool:
        named = (bool(self.test) and self.test(g.text)) or any(c in self.codes for c in g.codes)
        if not named:
            return False
        if any(not w(g.text) for w in self.test_all):
            return False
        if self.test_not and self.test_not(g.text):
            return False
        if self.agents:
            if g.agents:
                if not g.agents & self.agents:
                    return False
            elif self._agent_words(g.text):
                pass
            elif self.infer is not None:
                has, lacks = self.infer
                if not any(c in has for c in g.codes) or any(c in lacks for c in g.codes):
                    return False
            else:
                return False
        if self.not_agents and g.agents and g.agents <= self.not_agents:
            return False
        if self.samples:
            if g.samples:
                if not g.samples & self.samples:
                    return False
            elif not self.sample_codes or not any(c in self.sample_codes for c in g.codes):
                return False
        return True


def _compile_match(spec):
    return _GroupMatch(spec)


def _compile_test_lines(params):
    if "match" not in params:
        raise ValueError("needs `match` (the test)")
    zero = params.get("zero", "test")
    if zero not in ("test", "line"):
        raise ValueError("zero: test | line")
    return {"match": _compile_match(params["match"]), "when": _compile_when(params),
            "unless": _compile_when(params, "unless"), "zero": zero}


@register("test_lines", compile=_compile_test_lines, levels=("line",))
def test_lines(rule, ev):
    """A clause about a laboratory test: when the test is on the prescription and `when` holds on one of its lines
    (not `unless`), every line of the test (`zero: test`, shared admission per the module docstring) or only the
    lines `match` names (`zero: line`) get the finding."""
    c = rule.compiled
    items = ev.lines()
    hit: set[int] = set()
    names = []
    for g in lab_groups(ev):
        if not c["match"](g, ev):
            continue
        fires = False
        for i in g.members:
            ev.item, ev.index = items[i], i
            if (c["when"] is None or c["when"](ev)) and not (c["unless"] and c["unless"](ev)):
                fires = True
                break
        ev.item = ev.index = None
        if not fires:
            continue
        names.append(g.key or "")
        if c["zero"] == "line":
            hit.update(i for i in g.members if c["match"].line(items[i]))
        else:
            hit.update(g.members)
    if not hit:
        return []
    if rule.severity == "deny":
        hit = _lines_to_zero(ev, hit) if c["zero"] == "test" else hit
    out = []
    for i in sorted(hit):
        data = {"code": _v(items[i].code, ""), "test": names[0] if names else ""}
        out.append(ev.finding(rule, line=i, data=data,
                              detail_fa=_doc_detail(rule, data, f"خدمت {fa_digits(data['code'])}"
                                                    + (f" (آزمایش {data['test']})" if data["test"] else ""))))
    return out


def _compile_composite(params):
    if "match" not in params or not isinstance(params.get("slots"), list) or not params["slots"]:
        raise ValueError("needs `match` (the test) and `slots` (a list of code lists: one of each is paid)")
    slots = [CodeSet(s) for s in params["slots"]]
    return {"match": _compile_match(params["match"]), "slots": slots, "allow": CodeSet(params.get("allow") or []),
            "family": CodeSet(params.get("family") or ["800005", "800015", "807000", "804600-804855",
                                                        "805000-805108"])}


@register("lab_composite", compile=_compile_composite, levels=("line",))
def lab_composite(rule, ev):
    """The tariff of a test is the sum of its listed rows (a closed set): a laboratory code of the `family` billed for
    the test outside every slot (and not in `allow`, codes other clauses decide) is cut; of a slot's alternatives one
    is paid — the cheapest — and the other lines of the slot are cut."""
    c = rule.compiled
    items = ev.lines()
    out, done = [], set()
    for g in lab_groups(ev):
        if not c["match"](g, ev):
            continue
        by_slot: dict[int, list[int]] = {}
        for i in g.members:
            code = items[i].code
            if i in done or code in (ABSENT, None) or code not in c["family"]:
                continue
            slot = next((k for k, s in enumerate(c["slots"]) if code in s), None)
            if slot is None:
                if code in c["allow"]:
                    continue
                done.add(i)
                data = {"code": code, "test": g.key or ""}
                out.append(ev.finding(rule, line=i, data=data,
                                      detail_fa=_doc_detail(rule, data, f"کد {fa_digits(code)} جزو ردیف‌های "
                                                                        f"تعرفهٔ این آزمایش نیست")))
            else:
                by_slot.setdefault(slot, []).append(i)
        for slot, idxs in by_slot.items():
            if len(idxs) < 2:
                continue
            keep = min(idxs, key=lambda i: (_price(ev, items[i].code) or 0, i))
            for i in idxs:
                if i == keep or i in done:
                    continue
                done.add(i)
                data = {"code": items[i].code, "kept": items[keep].code}
                out.append(ev.finding(rule, line=i, data=data,
                                      detail_fa=_doc_detail(rule, data, f"از ردیف‌های جایگزین فقط یکی (کد "
                                                                        f"{fa_digits(items[keep].code)}) پرداخت می‌شود")))
    return out


# ---------------------------------------------------------------------------------------------------- LAB-2, LAB-4-9


def _compile_admission(params):
    classes = params.get("classes")
    if not isinstance(classes, dict) or not classes:
        raise ValueError("needs `classes`: {sample class: [admission codes]}")
    mx = params.get("max", 1)
    if not isinstance(mx, int) or mx < 1:
        raise ValueError("`max` is an integer ≥ 1")
    prefer = []
    for p in params.get("prefer") or []:
        if not isinstance(p, dict) or not p.get("codes"):
            raise ValueError("`prefer` is a list of {codes, when}")
        prefer.append((CodeSet(p["codes"]), _compile_when(p)))
    return {"classes": {k: CodeSet(v) for k, v in classes.items()}, "max": mx, "prefer": prefer}


def _admission_preferred(c, ev, items, i):
    """The line's code is the one a `prefer` entry gives this patient (e.g. 800015 under 5, LAB-3): kept first."""
    for codes, when in c["prefer"]:
        if items[i].code in codes:
            ev.item, ev.index = items[i], i
            try:
                if when is None or when(ev):
                    return True
            finally:
                ev.item = ev.index = None
    return False


@register("admission_once", compile=_compile_admission, levels=("line",))
def admission_once(rule, ev):
    """At most `max` admission-and-sampling fee per prescription and sample class (LAB-2): the line of a `prefer` code
    whose condition holds (the code the manual gives this patient) is kept, else the cheapest (its quantity capped);
    the others are cut."""
    c = rule.compiled
    items = ev.lines()
    out = []
    for cls, codes in c["classes"].items():
        idxs = [i for i, it in enumerate(items) if it.code in codes]
        if not idxs or sum(_qty(items[i]) for i in idxs) <= c["max"]:
            continue
        keep = min(idxs, key=lambda i: (not _admission_preferred(c, ev, items, i), _price(ev, items[i].code) or 0, i))
        for i in idxs:
            data = {"code": items[i].code, "max": c["max"]}
            if i == keep:
                if _qty(items[i]) > c["max"]:
                    out.append(ev.finding(rule, line=i, paid_qty=c["max"], data=data,
                                          detail_fa=f"حق پذیرش {fa_digits(items[i].code)}: یک بار در هر نسخه"))
            else:
                out.append(ev.finding(rule, line=i, severity="deny", mark="zero", data=data,
                                      detail_fa=f"حق پذیرش تکراری {fa_digits(items[i].code)} در همین نسخه"))
    return out


def _compile_pcr_admission(params):
    for k in ("code", "blood_code", "tissue_code"):
        if not params.get(k):
            raise ValueError(f"needs `{k}`")
    return {"code": str(params["code"]), "pcr": _codes_of(params, "pcr_codes", required=True),
            "blood": str(params["blood_code"]), "tissue": str(params["tissue_code"]),
            "tissue_samples": {norm(s) for s in params.get("tissue_samples") or []},
            "except": [_compile_match(m) for m in params.get("except") or []]}


@register("pcr_admission", compile=_compile_pcr_admission, levels=("line",))
def pcr_admission(rule, ev):
    """The cytogenetics admission is not the admission of a PCR test (LAB-4-9): paid as the blood/body-fluid admission,
    or the cytopathology admission for a tissue sample — except for the tests `except` names."""
    c = rule.compiled
    items = ev.lines()
    groups = lab_groups(ev)
    out = []
    for idx, item in enumerate(items):
        if item.code != c["code"]:
            continue
        mine = [g for g in groups if idx in g.members]
        if any(m(g, ev) for g in mine for m in c["except"]):
            continue
        pcr = [g for g in mine if any(code in c["pcr"] for code in g.codes)]
        if not pcr:
            continue
        samples = set().union(*(g.samples for g in pcr))
        s = norm(_det(item, "sample", None))
        if s:
            samples.add(s)
        paid = c["tissue"] if samples & c["tissue_samples"] else c["blood"]
        data = {"code": item.code, "paid_code": paid}
        out.append(ev.finding(rule, line=idx, paid_code=paid, data=data,
                              detail_fa=f"پذیرش سیتوژنتیک برای آزمایش PCR؛ با کد {fa_digits(paid)} محاسبه می‌شود"))
    return out


# ---------------------------------------------------------------------------------------------------- LAB-4


def _compile_method(params):
    mode = params.get("mode")
    if mode not in ("prescribed", "both_methods"):
        raise ValueError("mode: prescribed | both_methods")
    return {"mode": mode, "skip": CodeSet(params.get("skip_codes") or []),
            "keep": params.get("keep", "quantitative"), "cut": params.get("cut", "qualitative")}


def _variant_groups(ev):
    table = ev.ctx.param("method_variant_groups", ev.date, default=None) or {}
    out = {}
    for test, by_method in table.items():
        if isinstance(by_method, dict):
            out[test] = {m: str(code) for m, code in by_method.items()}
    return out


@register("lab_method", compile=_compile_method, levels=("line",))
def lab_method(rule, ev):
    """Tests with separate codes by method (params.method_variant_groups {test: {method: code}}).
    `prescribed` (LAB-4-6): the method the physician asked for is paid; none stated (`prescribed_method` null) → the
    cheapest method.  `both_methods` (LAB-4-6-N1): one test billed by the `keep` and the `cut` method on one
    prescription → the `cut` line is not paid."""
    c = rule.compiled
    items = ev.lines()
    groups = _variant_groups(ev)
    out = []
    if c["mode"] == "prescribed":
        for idx, item in enumerate(items):
            code = _v(item.code)
            if not code or code in c["skip"]:
                continue
            for test, by_method in groups.items():
                if code not in by_method.values():
                    continue
                pm = _det(item, "prescribed_method")
                if pm is ABSENT:
                    break
                if pm is None:
                    cands = [(_price(ev, cd), cd) for cd in by_method.values()]
                    cands = [(p, cd) for p, cd in cands if p is not None]
                    if not cands:
                        break
                    target = min(cands)[1]
                    why = "روش در نسخه ذکر نشده؛ کمترین تعرفه"
                else:
                    target = by_method.get(pm)
                    why = f"روش درخواستی پزشک: {pm}"
                if not target or target == code:
                    break
                pt, pb = _price(ev, target), _price(ev, code)
                if pt is None or pb is None or pt >= pb:
                    break
                out.append(ev.finding(rule, line=idx, paid_code=target,
                                      data={"code": code, "paid_code": target, "test": test},
                                      detail_fa=f"{why} — کد {fa_digits(target)}"))
                break
        return out
    # both methods on one prescription
    by_test: dict = {}
    for idx, item in enumerate(items):
        code = _v(item.code)
        if not code or code in c["skip"]:
            continue
        method = None
        test = None
        for t, by_method in groups.items():
            for m, cd in by_method.items():
                if cd == code:
                    test, method = t, m
        if test is None:
            m = _det(item, "method")
            t = norm(_det(item, "test", None) or _det(item, "analyte", None))
            if m in (c["keep"], c["cut"]) and t:
                test, method = t, m
        if test is not None:
            by_test.setdefault(test, []).append((idx, method))
    for test, lst in by_test.items():
        methods = {m for _, m in lst}
        if c["keep"] in methods and c["cut"] in methods:
            for idx, m in lst:
                if m == c["cut"]:
                    out.append(ev.finding(rule, line=idx, data={"code": items[idx].code, "test": test},
                                          detail_fa=f"آزمایش {test} به دو روش کمی و کیفی؛ فقط روش کمی پرداخت می‌شود"))
    return out


def _compile_lipids(params):
    mode = params.get("mode")
    if mode not in ("calculated", "tg_threshold"):
        raise ValueError("mode: calculated | tg_threshold")
    t = params.get("tg_threshold_mg_dl", 400)
    if not isinstance(t, (int, float)):
        raise ValueError("tg_threshold_mg_dl is a number")
    return {"mode": mode, "threshold": t, "attachments": tuple(params.get("attachments") or ("report", "lab_results")),
            "words": Words(params.get("words") or ["ldl", "vldl"])}


@register("lab_lipids", compile=_compile_lipids, levels=("line",))
def lab_lipids(rule, ev):
    """LDL and VLDL lines (LAB-4-2, LAB-6-3). `calculated`: a line done by calculation (details.method calculated) is
    not covered. `tg_threshold`: HDL and TG codes cover LDL/VLDL unless triglyceride > threshold (details.tg_mg_dl on
    any line), and then the TG report is attached; TG unknown → raised for the reviewer."""
    c = rule.compiled
    items = ev.lines()
    lines = [i for i, it in enumerate(items) if c["words"](_line_names(ev, it))]
    if not lines:
        return []
    out = []
    if c["mode"] == "calculated":
        for i in lines:
            if _det(items[i], "method") == "calculated":
                out.append(ev.finding(rule, line=i, data={"code": _v(items[i].code, "")},
                                      detail_fa="LDL/VLDL به روش محاسبه‌ای و بدون کیت"))
        return out
    tgs = [_det(it, "tg_mg_dl") for it in items]
    tgs = [t for t in tgs if isinstance(t, (int, float)) and not isinstance(t, bool)]
    tg = max(tgs) if tgs else None
    for i in lines:
        item = items[i]
        data = {"code": _v(item.code, ""), "tg": tg, "threshold": c["threshold"]}
        if tg is None:
            out.append(ev.finding(rule, line=i, severity="review", mark="zero", data=data,
                                  detail_fa=f"مقدار تری‌گلیسیرید معلوم نیست؛ LDL/VLDL فقط با TG بیش از "
                                            f"{fa_digits(c['threshold'])} و الصاق گزارش TG پرداخت می‌شود"))
        elif tg <= c["threshold"]:
            out.append(ev.finding(rule, line=i, data=data,
                                  detail_fa=f"TG = {fa_digits(_num(tg))} mg/dL (نه بیش از {fa_digits(c['threshold'])})؛ "
                                            f"کدهای HDL و TG کفایت می‌کند"))
        else:
            att = getattr(item, "attachments", ABSENT)
            if att is ABSENT:
                att = getattr(ev.doc, "attachments", ABSENT)
            if att is not ABSENT and not any(a in (att or []) for a in c["attachments"]):
                out.append(ev.finding(rule, line=i, data=data,
                                      detail_fa=f"TG = {fa_digits(_num(tg))} mg/dL؛ گزارش TG پیوست نسخه نیست"))
    return out


def _compile_panel(params):
    names = params.get("panels")
    if not names:
        raise ValueError("needs `panels` (the collective names)")
    return {"panels": Words(names), "review": Words(params.get("review_words") or [])}


@register("lab_panel", compile=_compile_panel, levels=("line",))
def lab_panel(rule, ev):
    """A test requested under a collective (panel) name — `details.prescribed_as` names one of `panels` — is not
    covered (LAB-4-1); a request naming one of `review_words` is raised for the reviewer."""
    c = rule.compiled
    out = []
    for idx, item in enumerate(ev.lines()):
        w = _det(item, "prescribed_as")
        if not isinstance(w, str):
            continue
        if c["panels"](w):
            out.append(ev.finding(rule, line=idx, data={"code": _v(item.code, ""), "prescribed_as": w},
                                  detail_fa=f"در نسخه به صورت کلی «{w}» درخواست شده است"))
        elif c["review"] and c["review"](w):
            out.append(ev.finding(rule, line=idx, severity="review", mark="zero",
                                  data={"code": _v(item.code, ""), "prescribed_as": w},
                                  detail_fa=f"درخواست «{w}» ممکن است پانل باشد؛ آزمایش‌ها جداگانه نام برده نشده‌اند"))
    return out


def _compile_ecl(params):
    if not params.get("code"):
        raise ValueError("needs `code` (the luminescence / ECL code)")
    return {"code": str(params["code"]), "markers": Words(params.get("tumour_markers") or []),
            "marker_codes": CodeSet(params.get("tumour_marker_codes") or [])}


@register("ecl_tumour_marker", compile=_compile_ecl, levels=("line",))
def ecl_tumour_marker(rule, ev):
    """The luminescence / ECL code is payable only for a tumour marker (LAB-4-10): the analyte written on the line
    (details.analyte or test) is not a tumour marker → cut; no analyte written and no tumour-marker line on the
    prescription → raised for the reviewer."""
    c = rule.compiled
    items = ev.lines()
    out = []
    marker_line = any(it.code in c["marker_codes"] or c["markers"](_item_text(it))
                      for it in items if it.code != c["code"])
    for idx, item in enumerate(items):
        if item.code != c["code"]:
            continue
        analyte = " ".join(str(x) for x in (_det(item, "analyte"), _det(item, "test")) if isinstance(x, str))
        if analyte.strip():
            if not c["markers"](analyte):
                out.append(ev.finding(rule, line=idx, data={"code": item.code, "analyte": analyte},
                                      detail_fa=f"روش ECL برای «{analyte}» که تومورمارکر نیست"))
        elif not marker_line:
            out.append(ev.finding(rule, line=idx, severity="review", mark="zero", data={"code": item.code},
                                  detail_fa="آزمایشی که با روش ECL انجام شده مشخص نیست؛ فقط برای تومورمارکرها"))
    return out


# ---------------------------------------------------------------------------------------------------- LAB-7 PCR


def _compile_pcr_freq(params):
    frm = params.get("from")
    if frm not in ("first_on_record", "transplant", "rolling"):
        raise ValueError("from: first_on_record | transplant | rolling")
    mx = params.get("max")
    if not isinstance(mx, int) or mx < 0:
        raise ValueError("needs an integer `max`")
    years = params.get("years", [1, 1])
    if frm != "rolling" and (not isinstance(years, list) or len(years) != 2 or years[0] > years[1]):
        raise ValueError("years: [first, last] year of treatment the cap applies to")
    pop = params.get("population") or {}
    return {"codes": _codes_of(params, "codes", required=True), "from": frm, "max": mx, "years": years,
            "months": int(params.get("months", 12)),
            "agents": {norm(a) for a in params.get("agents") or []},
            "not_agents": {norm(a) for a in params.get("not_agents") or []},
            "population": Words(pop.get("diagnosis") or []),
            "population_transplant": bool(pop.get("transplant")),
            "lift": set(params.get("lifted_by_approval") or []),
            "except_transplant_year": {norm(a) for a in params.get("except_transplant_year") or []},
            "beyond": params.get("beyond_years")}


def _agent_of(ev, idx):
    item = ev.lines()[idx]
    a = norm(_det(item, "agent", None))
    if a:
        return a
    for g in lab_groups(ev):
        if idx in g.members and len(g.agents) == 1:
            return next(iter(g.agents))
    return ""


@register("pcr_frequency", compile=_compile_pcr_freq, levels=("line",))
def pcr_frequency(rule, ev):
    """Quantitative PCRs of one insured (LAB-7-A): at most `max` in the years `years` of treatment, counted from the
    first on record for the agent (`first_on_record`) or from `insured.transplant_on` (`transplant`), or at most `max`
    in any `months` (`rolling`); `agents` / `not_agents` and a `population` (diagnosis words; with `transplant:
    true` also any insured with an earlier `transplant_on`) say whom the clause is
    about; an approval of a kind in `lifted_by_approval` lifts the cap; `beyond_years: review` raises a PCR after the
    last year.  The PCR line falls with its test."""
    c = rule.compiled
    nid = _nid(ev)
    if not nid:
        return []
    items = ev.lines()
    if c["population"] and not c["population"](_v(getattr(ev.doc, "diagnosis", None), "")) \
            and not (c["population_transplant"] and _transplanted(ev)):
        return []
    appr = _v(getattr(ev.doc, "approval", None))
    if appr is not None and _v(getattr(appr, "kind", None)) in c["lift"]:
        return []
    anchor = None
    if c["from"] == "transplant":
        ins = _insured(ev)
        anchor = _v(getattr(ins, "transplant_on", None)) if ins is not None else None
        if anchor is None:
            return []
    hit: set[int] = set()
    details = []
    review = []
    seen_here: list = []
    for idx, item in enumerate(items):
        if item.code not in c["codes"]:
            continue
        agent = _agent_of(ev, idx)
        if c["agents"] and agent not in c["agents"]:
            continue
        if c["not_agents"] and agent in c["not_agents"]:
            continue
        ev.item = item
        on = ev.line_date()
        ev.item = None
        if agent in c["except_transplant_year"]:
            ins = _insured(ev)
            tx = _v(getattr(ins, "transplant_on", None)) if ins is not None else None
            if tx is not None and tx <= on < tx.add_months(c["months"]):
                continue

        def same(a):
            a = norm(a)
            if c["agents"]:
                return a == agent
            return not (c["not_agents"] and a in c["not_agents"])

        earlier = [r.on for r in ev.ctx.history.services(nid, c["codes"])
                   if r.on is not None and same(getattr(r.details, "agent", None) if r.details is not None else None)]
        earlier += [d for d, a in seen_here if same(a)]
        seen_here.append((on, agent))
        if c["from"] == "rolling":
            since = on.add_months(-c["months"]) + 1
            n = sum(1 for d in earlier if since <= d <= on) + 1
            if n > c["max"]:
                hit.add(idx)
                details.append((on, n))
            continue
        start = anchor if anchor is not None else min(earlier + [on])
        if on < start:
            continue
        year = 1
        while on >= start.add_months(c["months"]):
            start = start.add_months(c["months"])
            year += 1
        lo, hi = c["years"]
        if year > hi:
            if c["beyond"] == "review":
                review.append((idx, year))
            continue
        if year < lo:
            continue
        end = start.add_months(c["months"])
        n = sum(1 for d in earlier if start <= d < end and d <= on) + 1
        if n > c["max"]:
            hit.add(idx)
            details.append((on, n))
    out = []
    if hit:
        zero = _lines_to_zero(ev, _test_of(ev, hit))
        n = max(x[1] for x in details)
        for i in sorted(zero):
            out.append(ev.finding(rule, line=i, data={"code": _v(items[i].code, ""), "count": n, "max": c["max"]},
                                  detail_fa=f"نوبت {fa_digits(n)} PCR کمی؛ حداکثر {fa_digits(c['max'])} نوبت"))
    for idx, year in review:
        out.append(ev.finding(rule, line=idx, severity="review", mark="zero",
                              data={"code": items[idx].code, "year": year},
                              detail_fa=f"PCR کمی در سال {fa_digits(year)} درمان؛ دستورالعمل تا سه سال را پیش‌بینی کرده است"))
    return out


def _transplanted(ev) -> bool:
    """The insured received an organ transplant before this document (`insured.transplant_on`): immunosuppressed."""
    ins = _insured(ev)
    tx = _v(getattr(ins, "transplant_on", None)) if ins is not None else None
    return tx is not None and (ev.date is None or tx <= ev.date)


def _test_of(ev, idxs: set[int]) -> set[int]:
    """The lines of the tests the given lines belong to (their admissions and extractions)."""
    out = set(idxs)
    for g in lab_groups(ev):
        if idxs & set(g.members):
            out.update(g.members)
    return out


def _compile_pcr_pair(params):
    mode = params.get("mode")
    if mode not in ("quantitative_qualitative", "genotype_first"):
        raise ValueError("mode: quantitative_qualitative | genotype_first")
    return {"mode": mode, "quant": _codes_of(params, "quantitative_codes", required=True),
            "qual": _codes_of(params, "qualitative_codes", required=True),
            "genotype": Words(params.get("genotype_words") or []),
            "history_codes": CodeSet(params.get("history_codes") or []),
            # a known (established) disease of the agent named in the diagnosis is a history too (LAB-7-A2-N2)
            "dx_known": Words((params.get("history_diagnosis") or {}).get("words") or []),
            "dx_agents": {norm(a): Words(ws) for a, ws in
                          ((params.get("history_diagnosis") or {}).get("agents") or {}).items()}}


@register("pcr_pair", compile=_compile_pcr_pair, levels=("line",))
def pcr_pair(rule, ev):
    """Two PCRs for one agent on one prescription. `quantitative_qualitative` (LAB-7-A2-N2): with an earlier PCR of
    the agent on record, or a diagnosis naming a known disease of the agent (`history_diagnosis`: words such as
    'chronic' together with a name of the agent) — a history of the disease — only the quantitative is paid, without
    one only the qualitative.
    `genotype_first` (LAB-11-F-N1): a genotype with a PCR of the same agent → only the genotype.  Qualitative PCRs
    that are part of a genotype (tests named by `genotype_words`) are not counted."""
    c = rule.compiled
    items = ev.lines()
    groups = lab_groups(ev)
    geno_lines = set()
    geno_agents = set()
    for g in groups:
        if c["genotype"] and c["genotype"](g.text):
            geno_lines.update(g.members)
            geno_agents |= g.agents or {""}
    quant, qual = {}, {}
    for idx, item in enumerate(items):
        if idx in geno_lines:
            continue
        if item.code in c["quant"]:
            quant.setdefault(_agent_of(ev, idx), []).append(idx)
        elif item.code in c["qual"]:
            qual.setdefault(_agent_of(ev, idx), []).append(idx)
    out = []
    if c["mode"] == "genotype_first":
        if not geno_lines:
            return []
        for agent, idxs in list(quant.items()) + list(qual.items()):
            if agent and "" not in geno_agents and agent not in geno_agents:
                continue
            for i in idxs:
                out.append(ev.finding(rule, line=i, data={"code": items[i].code, "agent": agent},
                                      detail_fa="ژنوتیپ و PCR همزمان درخواست شده؛ تنها ژنوتیپ قابل تأیید است"))
        return out
    nid = _nid(ev)
    for agent in set(quant) & set(qual):
        before = False
        if nid:
            for r in ev.ctx.history.services(nid, c["history_codes"] or None):
                ra = norm(getattr(r.details, "agent", None)) if r.details is not None else ""
                if (r.code in c["quant"] or r.code in c["qual"] or r.code in c["history_codes"]) and ra == agent:
                    before = True
                    break
        if not before and c["dx_known"]:
            dx = _v(getattr(ev.doc, "diagnosis", None), "")
            names = c["dx_agents"].get(agent) or Words([agent] if agent else [])
            before = bool(c["dx_known"](dx) and names(dx))
        cut = qual[agent] if before else quant[agent]
        why = ("سابقهٔ بیماری در پرونده هست؛ فقط PCR کمی" if before
               else "سابقهٔ بیماری در پرونده نیست؛ فقط PCR کیفی")
        for i in cut:
            out.append(ev.finding(rule, line=i, data={"code": items[i].code, "agent": agent, "history": before},
                                  detail_fa=f"PCR کمی و کیفی برای یک عامل ({agent or 'نامشخص'})؛ {why}"))
    return out


# ---------------------------------------------------------------------------------------------------- LAB-8


def _compile_extra_cells(params):
    return {"codes": _codes_of(params, "codes", required=True), "routine": str(params.get("routine_code", "804815"))}


@register("karyotype_extra_cells", compile=_compile_extra_cells, levels=("line",))
def karyotype_extra_cells(rule, ev):
    """The extra-cell analyses (LAB-8-A-N2) replace the routine analysis case by case when the report says they were
    done: billed beside the routine code, the routine line is cut; not stated in the report
    (`details.in_report` false or null), the line is paid as the routine code."""
    c = rule.compiled
    items = ev.lines()
    extras = [i for i, it in enumerate(items) if it.code in c["codes"]]
    if not extras:
        return []
    out = []
    for i in extras:
        ir = _det(items[i], "in_report")
        if ir is False or ir is None:
            out.append(ev.finding(rule, line=i, paid_code=c["routine"],
                                  data={"code": items[i].code, "paid_code": c["routine"]},
                                  detail_fa=f"انجام کد {fa_digits(items[i].code)} در گزارش قید نشده؛ "
                                            f"با کد {fa_digits(c['routine'])} محاسبه می‌شود"))
    stated = [i for i in extras if _det(items[i], "in_report") not in (False, None)]
    if stated:
        for i, it in enumerate(items):
            if it.code == c["routine"]:
                out.append(ev.finding(rule, line=i, severity="deny", mark="zero",
                                      data={"code": it.code, "replaced_by": items[stated[0]].code},
                                      detail_fa=f"کد {fa_digits(items[stated[0]].code)} به جای کد "
                                                f"{fa_digits(it.code)} محاسبه شده است"))
    return out


# ---------------------------------------------------------------------------------------------------- LAB-9-B fact


@fact("hla_first_stage_on_record")
def _f_hla_first(ev):
    """An HLA first stage (805106) on this prescription or earlier in the insured's record."""
    if any(it.code == "805106" for it in ev.lines()):
        return True
    nid = _nid(ev)
    if not nid:
        return False
    return any(True for _ in ev.ctx.history.services(nid, frozenset({"805106"})))


# ---------------------------------------------------------------------------------------------------- LAB-1 bills


def _compile_draws(params):
    return {"admission": str(params.get("admission_code", "800005")),
            "redraw": str(params.get("resampling_code", "800010")),
            "per_day": int(params.get("resampling_max_per_day", 1))}


@register("inpatient_lab_draws", compile=_compile_draws, levels=("line",))
def inpatient_lab_draws(rule, ev):
    """Inpatient laboratory heading (LAB-1): the admission fee once per stay; no re-sampling fee on the first day; from
    the second day one re-sampling fee per day with a new draw.  Findings name the heading line (`heading: lab`)."""
    if ev.kind != "bill":
        return []
    c = rule.compiled
    heads = _v(getattr(ev.doc, "headings", None))
    lab = _v(getattr(heads, "lab", None)) if heads is not None else None
    lines = _v(getattr(lab, "lines", None), []) if lab is not None else []
    adm = _v(getattr(ev.doc, "admitted_at", None))
    day1 = adm.date if adm is not None else None
    out = []
    admissions = 0
    per_day: dict = {}
    for ln in lines:          # the days that have a re-sampling line of their own
        if _v(getattr(ln, "code", None)) == c["redraw"]:
            on = _v(getattr(ln, "on", None))
            per_day.setdefault(on.ordinal if on is not None else None, 0)
    drawn = set(per_day)
    per_day = {}
    for j, ln in enumerate(lines):
        code = _v(getattr(ln, "code", None))
        q = _v(getattr(ln, "qty", None), 1)
        on = _v(getattr(ln, "on", None))
        if code == c["admission"]:
            left = max(0, 1 - admissions)
            admissions += q
            if q <= left:
                continue
            data = {"code": code, "line": j + 1}
            if left:
                out.append(ev.finding(rule, line=j, heading="lab", paid_qty=left, data=data,
                                      detail_fa="حق پذیرش آزمایشگاه در هر بستری فقط یک بار"))
            elif on is not None and day1 is not None and on > day1 and on.ordinal not in drawn:
                # a later day's sampling billed as an admission: that day's re-sampling fee
                drawn.add(on.ordinal)
                out.append(ev.finding(rule, line=j, heading="lab", paid_code=c["redraw"], paid_qty=1, data=data,
                                      detail_fa=f"پذیرش آزمایشگاه فقط یک بار در بستری؛ روز {fa_digits(on)} "
                                                f"خونگیری مجدد ({fa_digits(c['redraw'])})"))
            else:
                out.append(ev.finding(rule, line=j, heading="lab", severity="deny", mark="zero", data=data,
                                      detail_fa="حق پذیرش آزمایشگاه در هر بستری فقط یک بار"))
        elif code == c["redraw"]:
            if on is not None and day1 is not None and on <= day1:
                out.append(ev.finding(rule, line=j, heading="lab", severity="deny", mark="zero",
                                      data={"code": code, "line": j + 1},
                                      detail_fa="خونگیری مجدد در روز اول بستری قابل پرداخت نیست"))
                continue
            key = on.ordinal if on is not None else None
            used = per_day.get(key, 0)
            left = max(0, c["per_day"] - used)
            per_day[key] = used + q
            if q > left:
                kw = {"paid_qty": left} if left else {"severity": "deny", "mark": "zero"}
                out.append(ev.finding(rule, line=j, heading="lab", data={"code": code, "line": j + 1}, **kw,
                                      detail_fa=f"خونگیری مجدد {fa_digits(on) if on else ''}: یک بار در روز"))
    return out


# ---------------------------------------------------------------------------------------------------- physiotherapy

PHYSIO_CODES = CodeSet(["901600-901699"])


def _is_physio_line(ev, item) -> bool:
    if item.code in PHYSIO_CODES:
        return True
    row = ev.ctx.tariff_row(item.code) if item.code not in (ABSENT, None) else None
    return row is not None and row.chapter == "physiotherapy"


@fact("physio_doc")
def _f_physio_doc(ev):
    """The document bills physiotherapy: a physiotherapy provider, or a line of the physiotherapy chapter (9016xx)."""
    if ev.provider_kind == "physiotherapy":
        return True
    return any(_is_physio_line(ev, it) for it in ev.lines())


@fact("physio_line")
def _f_physio_line(ev):
    return ev.item is not None and _is_physio_line(ev, ev.item)


def _physio_dates(ev):
    out = []
    for it in ev.lines():
        if _is_physio_line(ev, it):
            out += [d for d in _line_dates(ev, it) if d is not None]
    return out


def _compile_start(params):
    m = params.get("months")
    if not isinstance(m, int) or m < 0:
        raise ValueError("needs an integer `months`")
    return params


@register("physio_start", compile=_compile_start, levels=("document",))
def physio_start(rule, ev):
    """The first physiotherapy session is at most `months` month(s) after the request (PT-1): same day number, clipped
    to the month's end."""
    if not _f_physio_doc(ev):
        return []
    written = getattr(ev.doc, "prescribed_on", ABSENT)
    if written in (ABSENT, None):
        return []
    lines = [it for it in ev.lines() if _is_physio_line(ev, it)]
    explicit = any(isinstance(_det(it, "sessions"), list) and _det(it, "sessions")
                   or getattr(it, "served_on", ABSENT) not in (ABSENT, None) for it in lines)
    dates = _physio_dates(ev)
    if not dates:
        return []
    first = min(dates)
    limit = written.add_months(rule.params["months"])
    if first <= limit:
        return []
    data = {"prescribed_on": str(written), "first": str(first), "limit": str(limit)}
    if not explicit and any(_qty(it) > 1 for it in lines):
        # several sessions on a line without their dates: the document's date is the last session's
        return [ev.finding(rule, severity="review", mark="zero", data=data,
                           detail_fa=f"درخواست {fa_digits(written)}، آخرین جلسه {fa_digits(first)}؛ تاریخ نخستین جلسه "
                                     f"در نسخه نیست — شروع تا {fa_digits(limit)} بررسی شود")]
    return [ev.finding(rule, data=data, detail_fa=f"درخواست {fa_digits(written)}، نخستین جلسه {fa_digits(first)}؛ "
                                                  f"شروع تا {fa_digits(limit)}")]


@register("physio_filing_month", levels=("document",))
def physio_filing_month(rule, ev):
    """A physiotherapy prescription belongs to the batch of the month of its last session (PT-2-N1)."""
    if not _f_physio_doc(ev):
        return []
    dates = _physio_dates(ev)
    served = getattr(ev.doc, "served_on", ABSENT)
    if served not in (ABSENT, None):
        dates.append(served)
    if not dates:
        return []
    last = max(dates)
    if last.period != ev.batch.period:
        return [ev.finding(rule, data={"last": str(last), "period": str(ev.batch.period)},
                           detail_fa=f"آخرین جلسه {fa_digits(last)} در ماه {fa_digits(ev.batch.period)} نیست")]
    return []


def _specialty(ev):
    p = _v(getattr(ev.doc, "prescriber", None))
    return _v(getattr(p, "specialty", None)) if p is not None else None


def _compile_fit(params):
    rel = params.get("related")
    if not isinstance(rel, list) or not rel:
        raise ValueError("needs `related` (the related specialties)")
    fit = params.get("fit") or {}
    if not isinstance(fit, dict):
        raise ValueError("`fit` is {specialty: [regions]}")
    return {"related": set(rel), "fit": {k: set(v or []) for k, v in fit.items()},
            "codes": CodeSet(params.get("codes") or ["901645"])}


@register("physio_specialty_fit", compile=_compile_fit, levels=("document",))
def physio_specialty_fit(rule, ev):
    """A physiotherapy request by a specialist outside the related list must fit the specialty (PT-5-N2): raised for
    the reviewer unless every region treated is one `fit` lists for that specialty.  Inpatient requests follow the
    treating physician (PT-19-N1, PT-19-N2); a GP's request is PT-10's."""
    c = rule.compiled
    if not _f_physio_doc(ev) or getattr(ev.doc, "setting", ABSENT) == "inpatient" or ev.prescriber_is_gp():
        return []
    spec = _specialty(ev)
    if spec is None or spec in c["related"]:
        return []
    regions = set()
    known = True
    for it in ev.lines():
        if it.code not in c["codes"]:
            continue
        r = _regions(it)
        if not r:
            known = False
        regions |= set(r)
    if known and regions and regions <= c["fit"].get(spec, set()):
        return []
    what = "، ".join(sorted(regions)) if regions else "ناحیهٔ درمان مشخص نیست"
    return [ev.finding(rule, data={"specialty": spec, "regions": sorted(regions)},
                       detail_fa=f"درخواست فیزیوتراپی ({what}) توسط متخصص {spec}؛ تناسب با تخصص بررسی شود")]


def _regions(item) -> list[str]:
    rs = _det(item, "regions")
    if isinstance(rs, list) and rs:
        return [norm(r) for r in rs]
    r = _det(item, "region")
    if isinstance(r, str) and r:
        return [norm(r)]
    return []


def _limbs_billed(item, units):
    lb = _det(item, "limbs")
    if isinstance(lb, (int, float)) and not isinstance(lb, bool) and lb > 0:
        return lb
    rs = _regions(item)
    return len(rs) if rs else None


# the clauses of the physiotherapy plan; one rule entry each, all read together

_REASONS = ("ward_codes", "per_session", "limbs", "condition_limbs", "radicular", "one_a_day", "duration",
            "ordered", "max_sessions", "deep_heat_addon", "heat_per_region")


def _compile_units(params):
    r = params.get("reason")
    if r not in _REASONS:
        raise ValueError(f"reason: one of {', '.join(_REASONS)}")
    p = dict(params)
    for k in ("codes", "session_codes", "addon_codes"):
        if k in p:
            p[k] = CodeSet(p[k])
    for k in ("related", "icu_wards"):
        if k in p:
            p[k] = set(p[k])
    if r == "condition_limbs":
        conds = p.get("conditions")
        if not isinstance(conds, dict) or not conds:
            raise ValueError("condition_limbs needs `conditions`: {registry slug: [diagnosis words]}")
        p["conditions"] = {k: Words(v or []) for k, v in conds.items()}
    if r == "radicular":
        p["words"] = Words(p.get("words") or [])
        pairs = p.get("pairs") or []
        if not pairs:
            raise ValueError("radicular needs `pairs` of region lists")
        p["pairs"] = [(set(norm(x) for x in a), set(norm(x) for x in b)) for a, b in pairs]
    if r in ("deep_heat_addon", "heat_per_region"):
        p["deep"] = {norm(x) for x in p.get("deep") or []}
        p["superficial"] = {norm(x) for x in p.get("superficial") or []}
        if not p["deep"]:
            raise ValueError(f"{r} needs `deep` modalities")
    for k, need in (("limbs", ("max_related", "max_unrelated")), ("condition_limbs", ("max_limbs",)),
                    ("duration", ("months",)), ("max_sessions", ("max",)), ("ordered", ("default_sessions",))):
        if r == k:
            for n in need:
                if not isinstance(p.get(n), int):
                    raise ValueError(f"{r} needs an integer `{n}`")
    return p


_PLANS: dict = {}


def _plan_rules(ev):
    prov = ev.batch.provider
    province = getattr(prov, "province", None)
    province = None if province is ABSENT else province
    cfg = {}
    for r in ev.ctx.rules.rules:
        if r.check != "physio_units" or "prescription" not in r.applies_to or ev.provider_kind not in r.providers:
            continue
        if r.province is not None and r.province != province:
            continue
        if not r.in_force(ev.date):
            continue
        cfg.setdefault(r.compiled["reason"], (r, r.compiled))
    return cfg


@dataclass
class _Sess:
    line: int
    key: object          # a date, or ("?", line, n) when the session's date is not known
    date: object
    units: float
    addon: bool
    ward: bool


class PhysioPlan:
    """What a physiotherapy prescription may be paid: units (limbs) per session per line, and why units were taken
    off (reason → [(line, detail)])."""

    def __init__(self):
        self.sessions: list[_Sess] = []
        self.reasons: dict[str, dict[int, list[str]]] = {}
        self.billed: dict[int, float] = {}

    def take(self, reason, s: _Sess, units, detail):
        units = min(units, s.units)
        if units <= 0:
            return
        s.units -= units
        self.reasons.setdefault(reason, {}).setdefault(s.line, [])
        if detail not in self.reasons[reason][s.line]:
            self.reasons[reason][s.line].append(detail)

    def also(self, reason, line, detail):
        """Another clause the same units were taken under (two clauses say the same of one line)."""
        self.reasons.setdefault(reason, {}).setdefault(line, [])
        if detail not in self.reasons[reason][line]:
            self.reasons[reason][line].append(detail)

    def paid(self, line) -> float:
        return sum(s.units for s in self.sessions if s.line == line)


def physio_plan(ev) -> PhysioPlan:
    k = id(ev)
    hit = _PLANS.get(k)
    if hit is not None and hit[0] is ev:
        return hit[1]
    if len(_PLANS) > 256:
        _PLANS.clear()
    plan = _build_plan(ev, _plan_rules(ev))
    _PLANS[k] = (ev, plan)
    return plan


def _fd(d):
    return fa_digits(d) if d is not None else "؟"


def _build_plan(ev, cfg) -> PhysioPlan:
    plan = PhysioPlan()
    items = ev.lines()
    if not cfg or not _f_physio_doc(ev):
        return plan
    p = lambda reason: cfg[reason][1] if reason in cfg else None  # noqa: E731
    base_codes = CodeSet(["901645"])
    for reason in ("limbs", "per_session"):
        if p(reason) and p(reason).get("session_codes"):
            base_codes = p(reason)["session_codes"]
            break
    ward_codes = p("ward_codes")["codes"] if p("ward_codes") else CodeSet(["901635", "901636", "901640"])
    addon_codes = CodeSet(["901646"])
    for reason in ("deep_heat_addon", "heat_per_region"):
        if p(reason) and p(reason).get("addon_codes"):
            addon_codes = p(reason)["addon_codes"]
            break
    # 0. sessions of each line
    for idx, item in enumerate(items):
        code = item.code
        if code in base_codes or code in ward_codes or code in addon_codes:
            q = _qty(item)
            plan.billed[idx] = q
            dates = _line_dates(ev, item)
            explicit = isinstance(_det(item, "sessions"), list) and bool(_det(item, "sessions"))
            n = len(dates)
            lb = _limbs_billed(item, None)
            if not explicit and getattr(item, "served_on", ABSENT) in (ABSENT, None) and lb and code in base_codes \
                    and q > lb and float(q / lb).is_integer():
                n = int(q / lb)          # one line, several sessions of `limbs` units, dates not written
                dates = [dates[0]] + [None] * (n - 1)
            u = q / n if n else q
            for j, d in enumerate(dates):
                plan.sessions.append(_Sess(idx, d if d is not None else ("?", idx, j), d, u,
                                           code in addon_codes, code in ward_codes))
    base = [s for s in plan.sessions if not s.addon and not s.ward]
    wards = [s for s in plan.sessions if s.ward]
    addons = [s for s in plan.sessions if s.addon]

    def by_date(lst):
        out = {}
        for s in lst:
            out.setdefault(s.key, []).append(s)
        return out

    # 1. hospital codes: one of them a session (PT-19), two 901635 in intensive care (PT-19-N3)
    c = p("ward_codes")
    if c:
        icu = getattr(ev.doc, "ward", ABSENT) in c.get("icu_wards", {"icu", "ccu", "nicu", "picu"})
        double = str(c.get("icu_double_code", "901635"))
        for day, lst in by_date(wards).items():
            codes = {items[s.line].code for s in lst}
            if len(codes) > 1:
                keep = min(codes, key=lambda cd: (_price(ev, cd) or 0, cd))
                for s in lst:
                    if items[s.line].code != keep:
                        plan.take("ward_codes", s, s.units, f"کدهای {', '.join(fa_digits(x) for x in sorted(codes))} "
                                                           f"در یک جلسه ({_fd(s.date)}) همزمان قابل پرداخت نیستند")
            seen: dict = {}
            for s in lst:
                if s.units <= 0:
                    continue
                cd = items[s.line].code
                seen[cd] = seen.get(cd, 0) + 1
                allowed = 2 if (icu and cd == double) else 1
                if seen[cd] > allowed:
                    if p("one_a_day"):
                        plan.also("one_a_day", s.line, f"دو جلسه یا دو بار کد {fa_digits(cd)} در {_fd(s.date)}")
                    plan.take("ward_codes", s, s.units, f"کد {fa_digits(cd)} بیش از یک بار در جلسهٔ {_fd(s.date)}")
    # 2. one value of 901645 per session whatever the methods (PT-15)
    if p("per_session"):
        for day, lst in by_date(base).items():
            seen_regions: list = []
            for s in lst:
                item = items[s.line]
                rk = frozenset(_regions(item))
                if seen_regions and (not rk or any(not r or r & rk for r in seen_regions)):
                    if s.units > 0 and p("one_a_day"):      # or a second session that day (PT-14)
                        plan.also("one_a_day", s.line, f"دو جلسه یا دو بار کد {fa_digits(item.code)} در "
                                                       f"{_fd(s.date)}")
                    plan.take("per_session", s, s.units, f"کد {fa_digits(item.code)} بیش از یک بار در جلسهٔ "
                                                        f"{_fd(s.date)}")
                    continue
                seen_regions.append(rk)
                lb = _limbs_billed(item, s.units)
                if lb is not None and s.units > lb:
                    plan.take("per_session", s, s.units - lb, f"{fa_digits(_num(s.units))} واحد برای "
                                                              f"{fa_digits(_num(lb))} اندام در جلسهٔ {_fd(s.date)}")
    # 3. limbs per session (PT-5, PT-6, PT-18)
    spec = _specialty(ev)
    lim, cond = p("limbs"), p("condition_limbs")
    related = spec is not None and lim is not None and spec in lim.get("related", set())
    condition = _condition(ev, cond) if cond else None
    spec_cap, spec_reason = None, None
    if lim:
        spec_cap, spec_reason = (lim["max_related"] if related else lim["max_unrelated"]), "limbs"
    if cond and condition and related:
        spec_cap, spec_reason = cond["max_limbs"], "condition_limbs"
    rad = p("radicular")
    radicular = rad is not None and rad["words"](_v(getattr(ev.doc, "diagnosis", None), ""))
    for day, lst in by_date(base).items():
        live = [s for s in lst if s.units > 0]
        total = sum(s.units for s in live)
        regions = set()
        for s in live:
            regions |= set(_regions(items[s.line]))
        caps = []
        if spec_cap is not None:
            caps.append((spec_cap, spec_reason))
        if radicular and any(regions & a and regions & b for a, b in rad["pairs"]):
            caps.append((rad.get("max_regions", 1), "radicular"))
        if not caps:
            continue
        cap = min(x[0] for x in caps)
        if total <= cap:
            continue
        over = total - cap
        why = [r for cp, r in caps if total > cp]
        for s in reversed(live):
            if over <= 0:
                break
            t = min(over, s.units)
            for r in why:
                if r == "radicular":
                    det = f"درد رادیکولار: یک ناحیه در جلسهٔ {_fd(s.date)}"
                elif r == "condition_limbs":
                    det = f"حداکثر {fa_digits(cap)} اندام در هر جلسه ({condition})"
                else:
                    det = f"حداکثر {fa_digits(spec_cap)} اندام در هر جلسه برای " + \
                          ("متخصص مرتبط" if related else "متخصص غیرمرتبط")
                plan.reasons.setdefault(r, {}).setdefault(s.line, [])
                if det not in plan.reasons[r][s.line]:
                    plan.reasons[r][s.line].append(det)
            s.units -= t
            over -= t
    # 4. sessions (dates)
    def session_keys():
        keys, seen = [], set()
        for s in sorted(base + wards, key=lambda s: (s.date is None, s.date.ordinal if s.date else 0, s.line)):
            k2 = s.key
            if s.units > 0 and k2 not in seen:
                seen.add(k2)
                keys.append(k2)
        return keys

    def drop(reason, k2, detail):
        for s in base + wards:
            if s.key == k2:
                plan.take(reason, s, s.units, detail)

    c = p("one_a_day")
    nid = _nid(ev)
    if c and nid:
        codes = c.get("codes") or CodeSet(["901645", "901635", "901636", "901640"])
        earlier = set()
        for r in ev.ctx.history.services(nid):
            if r.code not in codes:
                continue
            ss = getattr(r.details, "sessions", ABSENT) if r.details is not None else ABSENT
            if isinstance(ss, list) and ss:
                earlier.update(d.ordinal for d in ss if d is not None)
            elif r.on is not None:
                earlier.add(r.on.ordinal)
        for k2 in session_keys():
            if hasattr(k2, "ordinal") and k2.ordinal in earlier:
                drop("one_a_day", k2, f"جلسهٔ دیگری در {fa_digits(k2)} پرداخت شده است")
    c = p("duration")
    known = [s.date for s in base + wards if s.date is not None]
    if c and known:
        first = min(known)
        limit = first.add_months(c["months"])
        for k2 in session_keys():
            if hasattr(k2, "ordinal") and k2 > limit:
                drop("duration", k2, f"جلسهٔ {fa_digits(k2)} بیش از {fa_digits(c['months'])} ماه پس از نخستین "
                                     f"جلسه ({fa_digits(first)})")
    c = p("ordered")
    if c:
        so = getattr(ev.doc, "sessions_ordered", ABSENT)
        keep, det = None, None
        if so is None:
            keep, det = c["default_sessions"], "تعداد جلسات در نسخه درج نشده؛ یک جلسه"
        elif isinstance(so, int) and c.get("cap_to_ordered", True):
            keep, det = so, f"بیش از {fa_digits(so)} جلسهٔ درخواستی پزشک"
        if keep is not None:
            for k2 in session_keys()[keep:]:
                drop("ordered", k2, det)
    c = p("max_sessions")
    if c and not (c.get("exempt_inpatient", True) and getattr(ev.doc, "setting", ABSENT) == "inpatient"):
        mx, reason = c["max"], "max_sessions"
        if cond and condition and related and isinstance(cond.get("max_sessions"), int):
            mx, reason = cond["max_sessions"], "condition_limbs"
        for k2 in session_keys()[mx:]:
            drop(reason, k2, f"بیش از {fa_digits(mx)} جلسه")
    # 5. add-ons: with their session, with deep heat (PT-15-N2), one heat per region (PT-15-N1)
    base_by_day = by_date(base)
    deep_c, heat_c = p("deep_heat_addon"), p("heat_per_region")
    for s in addons:
        day = s.date if s.date is not None else None
        if day is None:
            continue
        same = base_by_day.get(day, [])
        if same and sum(b.units for b in same) <= 0:
            lost = [r for r, lines in plan.reasons.items() if any(b.line in lines for b in same)]
            plan.take(lost[0] if lost else "per_session", s, s.units,
                      f"جلسهٔ {fa_digits(day)} پرداخت نمی‌شود؛ خدمت + آن نیز")
            continue
        mods = _session_modalities(items, [s] + same)
        if mods is None:
            continue
        if deep_c:
            deep = deep_c["deep"]
            if not any(m in deep for ms in mods.values() for m in ms):
                plan.take("deep_heat_addon", s, s.units, f"در جلسهٔ {fa_digits(day)} درمان حرارتی عمقی انجام نشده")
                continue
        if heat_c:
            deep, sup = heat_c["deep"], heat_c["superficial"]
            allowed = sum(1 for ms in mods.values() if any(m in deep for m in ms) and not any(m in sup for m in ms))
            if s.units > allowed:
                plan.take("heat_per_region", s, s.units - allowed,
                          f"بیش از یک درمان حرارتی برای یک ناحیه در جلسهٔ {fa_digits(day)}")
    return plan


def _session_modalities(items, sessions):
    """{region: {modalities}} of one session, from `modalities_by_region` or the lines' `modalities`; None when no
    line says which modalities were given."""
    out: dict = {}
    known = False
    for s in sessions:
        item = items[s.line]
        mbr = _det(item, "modalities_by_region")
        if isinstance(mbr, dict) and mbr:
            known = True
            for region, ms in mbr.items():
                out.setdefault(norm(region), set()).update(norm(m) for m in (ms or []))
            continue
        ms = _det(item, "modalities")
        if isinstance(ms, list):
            known = True
            regions = _regions(item) or ["_"]
            key = regions[0] if len(regions) == 1 else "_"
            out.setdefault(key, set()).update(norm(m) for m in ms)
    if not known:
        return None
    if "_" in out and len(out) > 1:
        rest = out.pop("_")
        for v in out.values():
            v.update(rest)
    return out


def _condition(ev, cond) -> str | None:
    """The PT-6 condition the patient has: a registry the insured is enrolled in, else named in the diagnosis."""
    ins = _insured(ev)
    reg = _v(getattr(ins, "registered_conditions", None), []) if ins is not None else []
    for slug in cond["conditions"]:
        if slug in reg:
            return slug
    dx = _v(getattr(ev.doc, "diagnosis", None), "")
    for slug, words in cond["conditions"].items():
        if words(dx):
            return slug
    return None


@register("physio_units", compile=_compile_units, levels=("line",))
def physio_units(rule, ev):
    """One clause of the physiotherapy plan (`reason`): the plan reads every `physio_units` rule in force together
    and takes units (limbs of a session, whole sessions, add-ons) off each line; each rule reports the lines it took
    units from, with the line's final paid quantity (zero → the line is zeroed)."""
    plan = physio_plan(ev)
    lines = plan.reasons.get(rule.compiled["reason"]) or {}
    items = ev.lines()
    out = []
    for idx, details in sorted(lines.items()):
        paid = _num(round(plan.paid(idx), 6))
        billed = plan.billed.get(idx, _qty(items[idx]))
        if paid >= billed:
            continue
        data = {"code": _v(items[idx].code, ""), "billed": _num(billed), "paid_qty": paid}
        det = "؛ ".join(details)
        if paid <= 0:
            out.append(ev.finding(rule, line=idx, severity="deny", mark="zero", data=data, detail_fa=det))
        else:
            out.append(ev.finding(rule, line=idx, paid_qty=paid, data=data,
                                  detail_fa=f"{det} — قابل پرداخت {fa_digits(paid)} از {fa_digits(_num(billed))}"))
    return out


def _compile_registration(params):
    conds = params.get("conditions")
    if not isinstance(conds, dict) or not conds:
        raise ValueError("needs `conditions`: {registry slug: [diagnosis words]}")
    return {"conditions": {k: Words(v or []) for k, v in conds.items()}, "related": set(params.get("related") or []),
            "above": int(params.get("limbs_above", 2)), "codes": CodeSet(params.get("codes") or ["901645"])}


@register("physio_condition_registration", compile=_compile_registration, levels=("document",))
def physio_condition_registration(rule, ev):
    """The four-limb allowance of PT-6 rests on the patient's registration (PT-6-N1): a session billed above
    `limbs_above` limbs for a condition the diagnosis names while the insured's registries (given) do not list it is
    raised for the reviewer (the certificate and paraclinical evidence are paper)."""
    c = rule.compiled
    if not _f_physio_doc(ev):
        return []
    ins = _insured(ev)
    reg = getattr(ins, "registered_conditions", ABSENT) if ins is not None else ABSENT
    if reg is ABSENT:
        return []
    reg = reg or []
    named = _condition(ev, {"conditions": c["conditions"]})
    if named is None or named in reg:
        return []
    over = False
    for it in ev.lines():
        if it.code not in c["codes"]:
            continue
        dates = _line_dates(ev, it)
        per = _qty(it) / max(1, len(dates))
        lb = _limbs_billed(it, per)
        if max(per, lb or 0) > c["above"]:
            over = True
    if not over:
        return []
    return [ev.finding(rule, data={"condition": named},
                       detail_fa=f"بیمار ({named}) در سامانه ثبت‌نام نشده؛ گواهی پزشک معالج و مدارک پاراکلینیکی بررسی شود")]
