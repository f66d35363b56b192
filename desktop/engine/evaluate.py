"""The engine: documents + history + reference data + rules → findings and proposed marks.

A pure function of its inputs (design.md): no Qt, no SQL, no clock.  `review_batch` walks the batch's documents
in filing order; each document sees the rules in force on its service date, for the provider's kind and province;
the insured's history is everything reviewed before it (earlier batches, then earlier documents of this batch).
"""
from __future__ import annotations

import dataclasses

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from desktop.domain.absent import ABSENT, is_missing
from desktop.domain.fa import fa_amount
from desktop.domain.jalali import JDate
from desktop.engine.findings import (ADJUST, CIRCLE, DENY, PRICE, REVIEW, TICK, ZERO, BatchOutcome, DocOutcome,
                                     Finding, LineOutcome)
from desktop.engine.history import HistoryIndex
from desktop.engine.conditions import _walk
from desktop.engine.rules import PROVIDER_GROUPS, Rule, RuleSet

__all__ = ["EngineContext", "DocEval", "BatchEval", "review_batch", "FACTS", "fact", "LINE_FRANCHISE"]

LINE_FRANCHISE = True      # price results may set a line's own franchise (data["franchise"])

_GOV_SECTORS = ("government_university", "government_other")


def rial(x) -> int:
    """Round a Decimal/number to whole Rials, half up."""
    return int(Decimal(x).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _list(v) -> list:
    return v if isinstance(v, list) else []


class _NamedGroup(frozenset):
    """A code group with a service class (engine.rules.ServiceClass): its members are the parameters' codes and the
    batch's codes named by the class; `code in group` also asks the tariff book's description of any other code."""

    def __new__(cls, codes, by_book):
        obj = super().__new__(cls, codes)
        obj._by_book = by_book
        obj._asked = {}
        return obj

    def __contains__(self, code) -> bool:
        if frozenset.__contains__(self, code):
            return True
        hit = self._asked.get(code)
        if hit is None:
            hit = self._asked[code] = self._by_book(code)
        return hit


class EngineContext:
    """Reference data and history as the rules see them, with per-run caches."""

    def __init__(self, ref, rules: RuleSet, history: HistoryIndex | None = None):
        self.ref = ref
        self.rules = rules
        self.history = history if history is not None else HistoryIndex()
        self.batch = None                    # the ClaimBatch under review (review_batch sets it)
        self._batch_rx: dict | None = None   # national id → [(order, prescription)] of that batch, built on first use
        self._class_memo: dict = {}          # service class → codes recognised by name (engine.rules.ServiceClass)
        self._bill_text_list: list | None = None
        self._groups: dict = {}
        self._sets: dict = {}
        self._params: dict = {}
        self._price: dict = {}
        # memo of check kinds over what they read of a line (checks.imaging.Matcher): per run, over its reference data
        self.match_memo: dict = {}
        self.memo: dict = {}                 # per-run answers of the checks that depend on the batch header only
        self.line_sig_ids: dict = {}
        self.line_sig_count = itertools.count()

    def batch_prescriptions(self, national_id) -> list:
        """[(order, prescription)] of the insured in the batch under review, in filing order — the documents *after*
        the one being reviewed too (the history holds only the earlier ones).  For the clauses that concern the
        documents of one insured together whatever their order (MD-2, DEN-1: the services of one day on one sheet).
        The desk's re-run reviews every document of an insured together, so it sees the same list."""
        if self._batch_rx is None:
            idx: dict = {}
            rxs = getattr(self.batch, "prescriptions", None) if self.batch is not None else None
            for order, rx in enumerate(rxs if isinstance(rxs, list) else ()):
                ins = getattr(rx, "insured", None)
                nid = getattr(ins, "national_id", None) if ins not in (None, ABSENT) else None
                if nid not in (None, ABSENT):
                    idx.setdefault(nid, []).append((order, rx))
            self._batch_rx = idx
        return self._batch_rx.get(national_id, [])

    def param(self, name: str, on: JDate, key: str | None = None, default=None):
        k = (name, on.ordinal if on is not None else None, key)
        try:
            return self._params[k]
        except KeyError:
            pass
        try:
            v = self.ref.params.value(name, on, key, default=default)
        except TypeError:   # a Params without the default keyword
            v = self.ref.params.value(name, on, key) if self.ref.params.has(name) else default
        self._params[k] = v
        return v

    def code_group(self, group: str, on: JDate) -> frozenset:
        k = (group, on.ordinal if on is not None else None)
        g = self._groups.get(k)
        if g is None:
            table = self.param("code_groups", on, default=None) or {}
            g = frozenset(str(c) for c in (table.get(group) or ()))
            classes = self.rules.service_classes.get(group) if self.rules is not None else None
            if classes:
                named, by_book = self._class_codes(group, classes)
                g = _NamedGroup(g | named, by_book)
            self._groups[k] = g
        return g

    def _class_codes(self, group: str, classes) -> frozenset:
        """The codes a service class recognises by name (engine.rules.ServiceClass): the codes of this batch's bills
        whose tariff description, or whose procedure description / line name as written, names the class — and, on
        demand, any other code whose tariff description names it (`_NamedGroup.__contains__`: a code of an earlier
        batch or of a prescription).  Not a scan of the whole book: a book holds some 10,000 rows.  Per run."""
        memo = self._class_memo
        if group in memo:
            return memo[group]
        from desktop.engine.checks.imaging import norm_text

        def named(text) -> bool:
            t = norm_text(text)
            return bool(t) and any(c.words.search(t) and not (c.not_words and c.not_words.search(t)) for c in classes)

        tariff = getattr(self.ref, "tariff", None)

        def by_book(code) -> bool:
            row = tariff.get(code) if tariff is not None and isinstance(code, str) else None
            return row is not None and bool(row.description_fa) and named(row.description_fa)

        codes = set()
        for code, text in self._bill_texts():
            if code not in codes and (by_book(code) or (text and named(text))):
                codes.add(code)
        memo[group] = (frozenset(codes), by_book)
        return memo[group]

    def _bill_texts(self) -> list:
        """[(code, written text or None)] of the batch's bills: procedures (`description`) and heading lines (`name`)."""
        if self._bill_text_list is None:
            out = []
            bills = getattr(self.batch, "bills", None) if self.batch is not None else None
            for bill in (bills if isinstance(bills, list) else ()):
                for p in _list(getattr(bill, "procedures", None)):
                    code, text = getattr(p, "code", None), getattr(p, "description", None)
                    if isinstance(code, str):
                        out.append((code, text if isinstance(text, str) else None))
                heads = getattr(bill, "headings", None)
                for h in ((getattr(heads, f.name, None) for f in dataclasses.fields(heads))
                          if dataclasses.is_dataclass(heads) else ()):
                    for ln in _list(getattr(h, "lines", None)):
                        code, text = getattr(ln, "code", None), getattr(ln, "name", None)
                        if isinstance(code, str):
                            out.append((code, text if isinstance(text, str) else None))
            self._bill_text_list = out
        return self._bill_text_list

    def param_set(self, name: str, on: JDate) -> frozenset:
        k = (name, on.ordinal if on is not None else None)
        s = self._sets.get(k)
        if s is None:
            v = self.param(name, on, default=None) or ()
            s = frozenset(str(c) for c in v)
            self._sets[k] = s
        return s

    def tariff_row(self, code):
        if code is None or code is ABSENT:
            return None
        return self.ref.tariff.get(code)

    def price(self, code: str, on: JDate, sector: str = "government", qty=1) -> int | None:
        """Total Rials of `code` × qty on `on` in `sector` (None: not in the tariff book)."""
        k = (code, on.ordinal, sector)
        unit = self._price.get(k, ABSENT)
        if unit is ABSENT:
            p = self.ref.price(code, on, sector)
            unit = None if p is None else p.total
            self._price[k] = unit
        if unit is None:
            return None
        return rial(Decimal(unit) * Decimal(str(qty if qty not in (None, ABSENT) else 1)))


# ----------------------------------------------------------------------------------------------------------
# derived facts: `$name` in conditions


FACTS: dict[str, Any] = {}


def fact(name):
    def deco(fn):
        FACTS[name] = fn
        return fn
    return deco


@fact("service_date")
def _f_service_date(ev):
    return ev.date


@fact("line_date")
def _f_line_date(ev):
    return ev.line_date()


@fact("provider_kind")
def _f_provider_kind(ev):
    return ev.provider_kind


@fact("prescriber_is_gp")
def _f_is_gp(ev):
    return ev.prescriber_is_gp()


@fact("line_chapter")
def _f_line_chapter(ev):
    row = ev.ctx.tariff_row(ev.item.code) if ev.item is not None else None
    return row.chapter if row is not None else ABSENT


@fact("line_flags")
def _f_line_flags(ev):
    row = ev.ctx.tariff_row(ev.item.code) if ev.item is not None else None
    return (row.flags or "") if row is not None else ABSENT


@fact("line_in_tariff")
def _f_line_in_tariff(ev):
    if ev.item is None:
        return ABSENT
    code = ev.item.code
    return code not in (None, ABSENT) and ev.ctx.tariff_row(code) is not None


@fact("line_attachments")
def _f_line_attachments(ev):
    if ev.item is not None:
        a = getattr(ev.item, "attachments", ABSENT)
        if a is not ABSENT:
            return a
    return getattr(ev.doc, "attachments", ABSENT)


@fact("line_star")
def _f_line_star(ev):
    flags = _f_line_flags(ev)
    return flags is not ABSENT and "*" in flags


@fact("referral_prescription")
def _f_referral_rx(ev):
    ref = getattr(ev.doc, "referral", ABSENT)
    if ref is ABSENT or ref is None:
        return False
    v = getattr(ref, "from_council_no", ABSENT)
    return v is not ABSENT and v is not None


@fact("approval_given")
def _f_approval(ev):
    a = getattr(ev.doc, "approval", ABSENT)
    return a is not ABSENT and a is not None


@fact("sector")
def _f_sector(ev):
    return ev.k_sector


# ----------------------------------------------------------------------------------------------------------


class DocEval:
    """One document under evaluation: the scope conditions and check kinds read."""

    __slots__ = ("ctx", "batch", "doc", "kind", "date", "item", "index", "provider_kind", "k_sector", "order",
                 "_gp", "_rx_date", "line_sigs", "_items")

    def __init__(self, ctx: EngineContext, batch, doc, kind: str, order: int):
        self.ctx = ctx
        self.batch = batch
        self.doc = doc
        self.kind = kind
        self.order = order
        self.item = None
        self.index = None
        prov = batch.provider
        st = getattr(batch, "service_type", ABSENT)
        self.provider_kind = st if st not in (ABSENT, None) else prov.kind
        self.k_sector = "government" if getattr(prov, "sector", None) in _GOV_SECTORS else "private"
        self.date = service_date(batch, doc, kind)
        self._gp = None
        self.line_sigs: dict = {}      # id(line) → (line, its name for memoised line checks): checks.imaging
        self._items = None

    def fact(self, name):
        fn = FACTS.get(name)
        if fn is None:
            raise KeyError(f"unknown derived fact ${name}")
        return fn(self)

    def line_date(self) -> JDate:
        if self.item is not None:
            d = getattr(self.item, "served_on", ABSENT)
            if d not in (ABSENT, None):
                return d
        return self.date

    def lines(self):
        items = self._items
        if items is None:
            if self.kind != "prescription":
                return []
            items = getattr(self.doc, "items", ABSENT)
            items = self._items = [] if items is ABSENT or items is None else items
        return items

    def prescriber_is_gp(self) -> bool:
        """A GP for the high-cost rules: a general practitioner, an intern (GEN-10), or a resident whose imaging
        request lacks the university admission stamp (GEN-11)."""
        if self._gp is None:
            p = getattr(self.doc, "prescriber", ABSENT)
            gp = False
            if p not in (ABSENT, None):
                role = getattr(p, "role", ABSENT)
                spec = getattr(p, "specialty", ABSENT)
                if spec == "general_practitioner" or role == "intern":
                    gp = True
                elif role == "resident" and self.provider_kind in PROVIDER_GROUPS["imaging"]:
                    paper = getattr(self.doc, "paper", ABSENT)
                    stamp = getattr(paper, "admission_stamp", ABSENT) if paper not in (ABSENT, None) else ABSENT
                    gp = stamp is False
            self._gp = gp
        return self._gp

    def finding(self, rule: Rule, *, line: int | None = None, detail_fa: str | None = None, data=None,
                severity: str | None = None, mark: str | None = None, **kw) -> Finding:
        msg = rule.reason_fa
        if detail_fa is None and rule.detail_fa:
            try:
                detail_fa = rule.detail_fa.format(**(data or {}))
            except (KeyError, IndexError, ValueError):
                detail_fa = rule.detail_fa
        if detail_fa:
            msg = f"{msg} — {detail_fa}"
        return Finding(rule=rule.id, severity=severity or rule.severity, mark=mark or rule.mark or TICK,
                       message_fa=msg, line=line, data=dict(data or {}), **kw)


def service_date(batch, doc, kind: str) -> JDate:
    """The date a document's rules and prices are taken on: service, else prescription, else the period's end."""
    if kind == "prescription":
        for attr in ("served_on", "prescribed_on"):
            d = getattr(doc, attr, ABSENT)
            if d not in (ABSENT, None):
                return d
    else:
        for attr in ("discharged_at", "admitted_at"):
            d = getattr(doc, attr, ABSENT)
            if d not in (ABSENT, None):
                return d.date
    return batch.period.last_day()


class BatchEval:
    """The batch under evaluation, for `applies_to: batch` rules."""

    def __init__(self, ctx: EngineContext, batch):
        self.ctx = ctx
        self.batch = batch
        prov = batch.provider
        st = getattr(batch, "service_type", ABSENT)
        self.provider_kind = st if st not in (ABSENT, None) else prov.kind
        self.date = batch.period.last_day()
        self.doc = batch
        self.item = None

    def fact(self, name):
        raise KeyError(f"derived fact ${name} is not defined for batch rules")

    def finding(self, rule: Rule, *, detail_fa: str | None = None, data=None, **kw) -> Finding:
        msg = rule.reason_fa + (f" — {detail_fa}" if detail_fa else "")
        return Finding(rule=rule.id, severity=kw.pop("severity", rule.severity), mark=kw.pop("mark", rule.mark or TICK),
                       message_fa=msg, data=dict(data or {}), batch_level=True, **kw)


# ----------------------------------------------------------------------------------------------------------


def _requested(item):
    req = getattr(item, "requested", ABSENT)
    if req in (ABSENT, None):
        return None, None, None, req
    return (getattr(req, "total", None), getattr(req, "insured", None), getattr(req, "org", None), req)


def _int(v):
    return v if isinstance(v, int) and not isinstance(v, bool) else None


class _Plan:
    """The prescription rules in force on one service date for one provider kind and province, indexed once.

    Every rule's gate (engine.rules.Gate) is a necessary condition on the billed codes, the number of lines and the
    presence of a few facts.  A document is summed up by its codes, which of the gates' facts it carries and how many
    lines it has; the rules it must meet are worked out once per distinct summary and kept, in the packs' order.
    Most documents of a batch share a handful of summaries, so a document meets only the rules that can concern it
    at the cost of one dictionary look-up."""

    __slots__ = ("rules", "pricing", "_entries", "_doc_heads", "_item_heads", "_max_lines", "_by_key", "_matchers")

    def __init__(self, ctx: "EngineContext", rules: list[Rule], on: JDate):
        self.rules = rules
        self.pricing = [r for r in rules if r.check == "pricing"]
        doc_paths: list = []
        item_paths: list = []
        self._max_lines = 0
        self._entries = []    # ((run, rule), codes or None, prefixes, min_lines, doc bits, item bits,
        #                       codes_below_lines, matchers, named groups)
        for r in rules:
            g = r.gate
            if r.check == "pricing" or (g is not None and g.never):
                continue
            if g is None:
                self._entries.append(((r.kind.run, r), None, (), 0, 0, 0, 0, (), ()))
                continue
            # (the function to call, the rule): once the gate holds every fact the kind would test first, its body
            run = r.kind.run_open if g.by_doc and r.kind.run_open is not None else r.kind.run
            r = (run, r)
            codes = None
            named = ()
            if g.by_code:
                codes = set(g.codes)
                for grp in g.groups:
                    members = ctx.code_group(grp, on)
                    codes |= members
                    if isinstance(members, _NamedGroup):
                        named += (members,)     # also a code the tariff book names (asked, not listed)
                for name in g.param_sets:
                    codes |= ctx.param_set(name, on)
                codes = frozenset(codes)
            dbits = ibits = 0
            for path in g.doc_any:
                if path not in doc_paths:
                    doc_paths.append(path)
                dbits |= 1 << doc_paths.index(path)
            for path in g.item_any:
                if path not in item_paths:
                    item_paths.append(path)
                ibits |= 1 << item_paths.index(path)
            self._max_lines = max(self._max_lines, g.min_lines, g.codes_below_lines)
            self._entries.append((r, codes, g.prefixes, g.min_lines, dbits, ibits, g.codes_below_lines, g.matchers,
                                  named))
        self._matchers = None
        if any(e[7] for e in self._entries):
            # what line matchers read of each line, named: their answers follow from it (checks.imaging)
            from desktop.engine.checks.imaging import _line_sig
            self._matchers = _line_sig
        self._doc_heads = _heads(doc_paths)
        self._item_heads = _heads(item_paths)
        self._by_key: dict = {}

    def rules_for(self, ev: "DocEval", items) -> list[tuple]:
        """The rules a document with these lines meets, in order: [(function to call, rule), …]."""
        doc = ev.doc
        dbits = _present_bits(doc, self._doc_heads) if self._doc_heads else 0
        ibits = 0
        if self._item_heads:
            for it in items:
                ibits |= _present_bits(it, self._item_heads)
        sigs = None
        if self._matchers is not None and items:
            line_sig = self._matchers
            sigs = tuple([line_sig(ev, it) for it in items])
        key = (tuple([it.code for it in items]), sigs, dbits, ibits, min(len(items), self._max_lines))
        got = self._by_key.get(key)
        if got is None:
            codes = [c for c in key[0] if isinstance(c, str)]
            got = []
            n = len(items)
            for r, gcodes, prefixes, min_lines, rd, ri, below, matchers, named in self._entries:
                if gcodes is not None and (not below or n < below) \
                        and not any(c in gcodes or (prefixes and c.startswith(prefixes))
                                    or (named and any(c in ng for ng in named)) for c in codes):
                    continue
                if n < min_lines or (rd and not rd & dbits) or (ri and not ri & ibits):
                    continue
                if matchers and (sigs is None or None not in sigs) \
                        and not any(m.matches(ev, it) for m in matchers for it in items):
                    continue
                got.append(r)
            if len(self._by_key) > 8192:
                self._by_key.clear()
            self._by_key[key] = got
        return got


def _heads(paths: list) -> tuple:
    """((head attribute, ((bit, rest of the path), …)), …) for _present_bits."""
    by_head: dict = {}
    for i, path in enumerate(paths):
        by_head.setdefault(path[0], []).append((1 << i, tuple(path[1:])))
    return tuple((h, tuple(v)) for h, v in by_head.items())


def _present_bits(obj, heads) -> int:
    """Bits of the paths that are present in obj (conditions._walk(obj, path) is not ABSENT)."""
    bits = 0
    for head, rests in heads:
        v = obj.get(head, ABSENT) if type(obj) is dict else getattr(obj, head, ABSENT)
        if v is ABSENT:
            continue
        for bit, rest in rests:
            if not rest or v is None or _walk(v, rest) is not ABSENT:
                bits |= bit
    return bits


class _RuleCache:
    """Rules in force per (applies_to, date) for one batch's provider kind and province."""

    def __init__(self, rules: RuleSet, provider_kind: str, province, ctx: "EngineContext | None" = None):
        self._base = {a: rules.applicable(a, provider_kind, province) for a in ("prescription", "bill", "batch")}
        self._by_date: dict = {}
        self._plans: dict = {}
        self._ctx = ctx

    def get(self, applies_to: str, on: JDate) -> list[Rule]:
        k = (applies_to, on.ordinal)
        r = self._by_date.get(k)
        if r is None:
            r = [x for x in self._base[applies_to] if x.in_force(on)]
            self._by_date[k] = r
        return r

    def plan(self, on: JDate) -> _Plan:
        p = self._plans.get(on.ordinal)
        if p is None:
            p = self._plans[on.ordinal] = _Plan(self._ctx, self.get("prescription", on), on)
        return p


def review_batch(batch, ref, rules: RuleSet, history: HistoryIndex | None = None) -> BatchOutcome:
    """Review one batch (a domain ClaimBatch). `history` holds the insured's earlier documents; this batch's
    documents are added to it as they are reviewed, so later documents see earlier ones."""
    ctx = EngineContext(ref, rules, history)
    ctx.batch = batch
    header = batch.batch
    prov = header.provider
    st = getattr(header, "service_type", ABSENT)
    kind = st if st not in (ABSENT, None) else prov.kind
    province = getattr(prov, "province", None)
    province = None if province is ABSENT else province
    cache = _RuleCache(rules, kind, province, ctx)

    bev = BatchEval(ctx, header)
    batch_findings: list[Finding] = []
    for rule in cache.get("batch", bev.date):
        batch_findings.extend(rule.kind.run(rule, bev))
    batch_deny = next((f for f in batch_findings if f.severity == DENY), None)

    docs: list[DocOutcome] = []
    prescriptions = batch.prescriptions if batch.prescriptions not in (ABSENT, None) else []
    for order, rx in enumerate(prescriptions):
        ev = DocEval(ctx, header, rx, "prescription", order)
        out = _evaluate_prescription(ev, cache.plan(ev.date), batch_findings, batch_deny)
        docs.append(out)
        ctx.history.add_prescription(header, rx, out)
    bills = batch.bills if batch.bills not in (ABSENT, None) else []
    from desktop.engine.bills import evaluate_bill
    for order, bill in enumerate(bills):
        ev = DocEval(ctx, header, bill, "bill", order)
        out = evaluate_bill(ev, cache.get("bill", ev.date), batch_findings, batch_deny)
        docs.append(out)
        ctx.history.add_bill(header, bill)
    return BatchOutcome(batch_id=header.id, findings=batch_findings, documents=docs, rules_version=rules.version,
                        sample_reference=bool(getattr(ref, "sample", False)))


def _run_rules(ev: DocEval, rules: list[Rule]) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules:
        if rule.check == "pricing":
            continue
        res = rule.kind.run(rule, ev)
        if res:
            found.extend(res)
        ev.item = None
        ev.index = None
    return found


def _run_plan(ev: DocEval, plan: _Plan) -> list[Finding]:
    found: list[Finding] = []
    for run, rule in plan.rules_for(ev, ev.lines()):
        res = run(rule, ev)
        if res:
            found.extend(res)
        ev.item = None
        ev.index = None
    return found


def _evaluate_prescription(ev: DocEval, rules, batch_findings, batch_deny) -> DocOutcome:
    """One prescription: `rules` is the plan of the rules in force on its date (or a plain list of rules)."""
    rx = ev.doc
    items = ev.lines()
    if isinstance(rules, _Plan):
        findings = _run_plan(ev, rules)
        pricing_rules = rules.pricing
    else:
        findings = _run_rules(ev, rules)
        pricing_rules = [r for r in rules if r.check == "pricing"]
    # `price` results set a line's price basis (a multiplier the manual prices in, e.g. DEN-4): not findings
    basis_by_line = {f.line: f.approved for f in findings
                     if f.severity == PRICE and f.line is not None and f.approved is not None}
    # a price result may also carry the line's own franchise (e.g. radiotherapy billed franchise-free, RT-3-5-N2)
    franchise_by_line = {f.line: Decimal(str(f.data["franchise"])) for f in findings
                         if f.severity == PRICE and f.line is not None and "franchise" in (f.data or {})}
    findings = [f for f in findings if f.severity != PRICE]
    for bf in (f for f in batch_findings if f.severity == DENY):
        findings.insert(0, Finding(rule=bf.rule, severity=bf.severity, mark=bf.mark, message_fa=bf.message_fa,
                                   data=dict(bf.data), batch_level=True))
    # the legal franchise (GEN-27): a service given to a hospitalised patient (`setting: inpatient`) takes the
    # inpatient rate of ماده ۳ الف, anything else the outpatient rate (ماده ۳ ب)
    setting = "inpatient" if getattr(ev.doc, "setting", ABSENT) == "inpatient" else "outpatient"
    f = ev.ctx.param("franchise", ev.date, setting, default=None)
    if f is None and setting == "inpatient":
        f = ev.ctx.param("franchise", ev.date, "outpatient", default=None)
    franchise = Decimal(str(f)) if f is not None else Decimal("0.30")

    doc_deny = next((x for x in findings if x.severity == DENY and x.line is None), None)
    lines: list[LineOutcome] = []
    for idx, item in enumerate(items):
        tot, ins, org, req_obj = _requested(item)
        line_no = getattr(item, "line", ABSENT)
        lo = LineOutcome(index=idx, line_no=line_no if isinstance(line_no, int) else idx + 1,
                         code=None if item.code in (ABSENT, None) else item.code,
                         requested=_int(tot) or 0, requested_org=_int(org) or 0, requested_insured=_int(ins) or 0)
        ev.item, ev.index = item, idx
        on = ev.line_date()
        qty = getattr(item, "qty", ABSENT)
        qty = 1 if qty in (ABSENT, None) else qty
        lo.tariff = ev.ctx.price(lo.code, on, "government", qty) if lo.code else None
        factor = None
        if idx in basis_by_line and basis_by_line[idx] is not None:
            if lo.tariff:
                factor = Decimal(basis_by_line[idx]) / Decimal(lo.tariff)   # e.g. a specialist's +50 %
            lo.tariff = basis_by_line[idx]
        for x in findings:
            if x.line is None or x.line == idx:
                if x.rule not in lo.rules:
                    lo.rules.append(x.rule)
        line_deny = doc_deny or next((x for x in findings if x.severity == DENY and x.line == idx), None)
        if line_deny is not None:
            _zero(lo, line_deny.rule)
        else:
            adjust = next((x for x in findings if x.severity == ADJUST and x.line == idx), None)
            _price_line(ev, lo, item, adjust, pricing_rules, franchise_by_line.get(idx, franchise), req_obj,
                        (tot, ins, org), on, findings, factor)
        lines.append(lo)
        ev.item = ev.index = None
    return DocOutcome(kind="prescription", seq=rx.seq, findings=findings, lines=lines)


def _zero(lo: LineOutcome, rule_id: str):
    lo.mark = ZERO
    lo.approved = lo.approved_org = lo.approved_insured = 0
    if lo.requested:
        lo.deducted_by[rule_id] = lo.requested


def _price_line(ev, lo: LineOutcome, item, adjust: Finding | None, pricing_rules, franchise: Decimal, req_obj,
                amounts, on, findings: list[Finding], factor: Decimal | None = None):
    """Amounts of a line no clause zeroed (docs/general-rules.md, "Amounts").

    The basis is the government tariff of what is paid: the billed code × qty, or an adjusting clause's paid
    code / paid quantity / corrected amount.  The organisation's share requested is compared with
    (1 − franchise) × basis (GEN-15-N2, DECISION of the catalogue); an excess is deducted in total terms,
    attributed to the adjusting clause if there is one, else to the pricing clause.  Approved ≤ requested.
    """
    tot, ins, org = amounts
    pricing = pricing_rules[0] if pricing_rules else None
    one_minus_f = Decimal(1) - franchise
    basis = lo.tariff
    changed = False
    if adjust is not None:
        billed_qty = getattr(item, "qty", ABSENT)
        billed_qty = 1 if billed_qty in (ABSENT, None) else billed_qty
        lo.paid_code = adjust.paid_code or lo.code
        lo.paid_qty = adjust.paid_qty if adjust.paid_qty is not None else None
        if adjust.paid_code or adjust.paid_qty is not None:
            qty = adjust.paid_qty if adjust.paid_qty is not None else billed_qty
            basis = ev.ctx.price(lo.paid_code, on, "government", qty) if lo.paid_code else None
            if basis is not None and factor is not None:
                basis = rial(Decimal(basis) * factor)      # the price result's multiplier holds for the paid code
            changed = (lo.paid_code != lo.code) or (adjust.paid_qty is not None and adjust.paid_qty != billed_qty)
        if adjust.approved is not None:
            basis = adjust.approved          # the clause's corrected amount is the basis (still ≤ requested)
            changed = True
    if req_obj is None or _int(tot) is None or _int(org) is None or _int(ins) is None:
        # GEN-15-N2 (a): the three amounts are not recorded — unless GEN-15-N3 (declared total = tariffs)
        matched = _declared_total_matches(ev) if basis is not None else None
        if pricing is not None and matched is None:
            _zero(lo, pricing.id)
            if pricing.id not in lo.rules:
                lo.rules.append(pricing.id)
            findings.append(ev.finding(pricing, line=lo.index, severity=DENY, mark=ZERO,
                                       detail_fa="مبالغ سه‌گانهٔ خدمت (کل، سهم بیمه‌شده، سهم سازمان) ثبت نشده است",
                                       data={"requested": None}))
            return
        # GEN-15-N3: the unpriced line is in the declared total at the approved tariff: paid at that tariff
        qty = getattr(item, "qty", ABSENT)
        sector_total = ev.ctx.price(lo.code, on, matched or "government", 1 if qty in (ABSENT, None) else qty) \
            if lo.code else None
        base = basis or 0
        lo.requested = lo.requested or (sector_total or base)
        lo.approved = min(lo.requested, sector_total or base)
        lo.approved_org = min(lo.approved, rial(Decimal(base) * one_minus_f))
        lo.approved_insured = lo.approved - lo.approved_org
        lo.mark = TICK
        return
    payable = rial(Decimal(basis) * one_minus_f) if basis is not None else None
    full_tot = tot
    if adjust is not None and adjust.paid_qty is not None and adjust.approved is None \
            and adjust.paid_code in (None, lo.code):
        # a capped quantity of the same service: only the paid share of what was requested is on the table (a
        # franchise-free line requested with an insured's share would otherwise keep the cut units in its approved
        # total); a service paid as another code keeps the whole request (the provider's price for the service)
        billed = getattr(item, "qty", ABSENT)
        billed = 1 if billed in (ABSENT, None) else billed
        if isinstance(billed, (int, float)) and billed > 0 and adjust.paid_qty < billed:
            part = Decimal(str(adjust.paid_qty)) / Decimal(str(billed))
            tot, ins = rial(Decimal(tot) * part), rial(Decimal(ins) * part)
            org = tot - ins
    if payable is None or org <= payable:
        lo.approved, lo.approved_org, lo.approved_insured = tot, org, ins
        lo.mark = CIRCLE if changed else TICK
        if tot < full_tot and adjust is not None:
            lo.deducted_by[adjust.rule] = full_tot - tot
            if adjust.rule not in lo.rules:
                lo.rules.append(adjust.rule)
        return
    excess = rial(Decimal(org - payable) / one_minus_f) if one_minus_f > 0 else org - payable
    approved = max(0, min(tot, tot - excess))
    lo.mark = CIRCLE if approved > 0 else ZERO
    lo.approved = approved
    lo.approved_org = min(payable, approved)
    lo.approved_insured = max(0, approved - lo.approved_org)
    rule_id = adjust.rule if adjust is not None else (pricing.id if pricing is not None else None)
    if rule_id is not None:
        lo.deducted_by[rule_id] = full_tot - approved
        if rule_id not in lo.rules:
            lo.rules.append(rule_id)
        if adjust is None:
            findings.append(ev.finding(pricing, line=lo.index, severity=ADJUST, mark=lo.mark, approved=approved,
                                       detail_fa=f"سهم سازمان درخواستی {fa_amount(org)} ریال؛ قابل پرداخت {fa_amount(payable)} ریال",
                                       data={"requested_org": org, "payable_org": payable, "tariff": basis}))


def _declared_total_matches(ev: DocEval) -> str | None:
    """GEN-15-N3: the document's declared total equals the sum of its lines at the approved tariff — the
    government tariff, or the provider's sector tariff (a private provider's total is at the private tariff).
    Returns the sector that matched, or None."""
    decl = getattr(ev.doc, "declared", ABSENT)
    if decl in (ABSENT, None):
        return None
    total = getattr(decl, "total", None)
    if not isinstance(total, int) or isinstance(total, bool):
        return None
    sectors = ["government"] + (["private"] if ev.k_sector == "private" else [])
    items = ev.lines()
    for sector in sectors:
        s = 0
        for item in items:
            if item.code in (ABSENT, None):
                return None
            qty = getattr(item, "qty", ABSENT)
            on = getattr(item, "served_on", ABSENT)
            p = ev.ctx.price(item.code, ev.date if on in (ABSENT, None) else on, sector,
                             1 if qty in (ABSENT, None) else qty)
            if p is None:
                return None
            s += p
        if abs(s - total) <= max(1, len(items)):
            return sector
    return None
