"""Rule packs: the manual as data (design.md, "Rules are data, checks are code").

A pack is a YAML file under `rules/` — one per section of the manual and one per circular:

    pack: general
    source: "09 BK 004 00 — ۶-۱ ضوابط عمومی رسیدگی به اسناد پزشکی"
    effective: {from: "1395/02/01"}          # default for the pack's rules; a rule may narrow it
    province: null                          # a provincial circular names its province slug
    rules:
      - id: GEN-5                           # the id of shared/rule-catalogue.yaml
        clause: "۶-۱-۵"
        text_fa: "نسخ بدون تاریخ قابل پذیرش نمی‌باشد"
        reason_fa: "نسخه بدون تاریخ"        # the short reason printed beside a zero
        applies_to: [prescription]          # prescription | bill | batch
        providers: [all]                    # provider kinds or groups (paraclinic, imaging, physician, …)
        check: condition                    # a registered check kind
        level: document                     # document | line (for condition-like kinds)
        params: {when: {field: prescribed_on, is_null: true}}
        action: zero_prescription           # zero_prescription | zero_line | reduce_line | cap_quantity |
                                            # replace_code | flag_review | compute | none
        severity: deny                      # deny | adjust | review | price (derived from action when omitted)
        covers: [GEN-13-N1]                 # clause ids this entry also implements (an exception, a folded note)

A replaced clause gets an `effective.to`, never an edit in place; a new circular is a new file.
Every pack is validated before it takes effect (schema, known check kinds, dates, compiled params): problems are
located values (file, path, message), like intake's.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from desktop.domain.jalali import JDate, parse_date
from desktop.domain.problems import InputError, Problem

__all__ = ["Rule", "RulePack", "RuleSet", "CheckKind", "Gate", "register", "CHECK_KINDS", "load_pack", "load_rules",
           "PROVIDER_GROUPS", "ACTIONS", "expand_providers"]

ACTIONS = {
    "zero_prescription": ("deny", "zero"), "zero_line": ("deny", "zero"), "reduce_line": ("adjust", "circle"),
    "cap_quantity": ("adjust", "circle"), "replace_code": ("adjust", "circle"), "flag_review": ("review", None),
    "require_approval": ("deny", "zero"), "compute": ("adjust", "circle"), "none": ("review", None),
    "price": ("price", None),
}
SEVERITIES = {"deny", "adjust", "review", "price"}

ALL_KINDS = ("physician_office", "clinic", "laboratory", "radiology", "ultrasound", "ct", "mri", "nuclear_medicine",
             "radiotherapy", "physiotherapy", "dentist", "hospital", "limited_surgery_center", "pharmacy")
PROVIDER_GROUPS = {
    "all": ALL_KINDS,
    "paraclinic": ("laboratory", "radiology", "ultrasound", "ct", "mri", "nuclear_medicine", "radiotherapy",
                   "physiotherapy"),
    "imaging": ("radiology", "ultrasound", "ct", "mri", "nuclear_medicine", "radiotherapy"),
    "physician": ("physician_office", "clinic"),
    "hospital": ("hospital", "limited_surgery_center"),
    "outpatient": tuple(k for k in ALL_KINDS if k not in ("hospital", "limited_surgery_center")),
}


def expand_providers(names: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for n in names:
        if n in PROVIDER_GROUPS:
            out.update(PROVIDER_GROUPS[n])
        elif n in ALL_KINDS:
            out.add(n)
        else:
            raise ValueError(f"unknown provider kind or group {n!r}")
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Gate:
    """A necessary condition for a rule to give anything on a document, known when the pack loads (performance only:
    the engine skips a rule whose gate is closed without running it; a gate must never close on a document the rule
    would report on).  Every part that is given must hold:

    - codes / prefixes / groups / param_sets: a line's code is one of `codes`, starts with one of `prefixes`, is in
      params.code_groups[<group>] or in the list params.<param_set> in force on the service date;
    - codes_below_lines: the code part holds only for documents of fewer lines than this (0: always);
    - matchers: one of these line matchers (objects with `matches(ev, item)` whose answer depends only on the line
      and the service date, e.g. checks.imaging.Matcher without `diagnosis`) recognises a line of the document;
    - min_lines: the document has at least this many lines;
    - doc_any: one of these attribute paths of the document is present (not ABSENT);
    - item_any: a line has one of these attribute paths present;
    - never: the rule gives nothing on a document (data-only entries such as appendix 1).
    """
    codes: frozenset = frozenset()
    prefixes: tuple = ()
    groups: tuple = ()
    param_sets: tuple = ()
    codes_below_lines: int = 0
    matchers: tuple = ()
    min_lines: int = 0
    doc_any: tuple = ()
    item_any: tuple = ()
    never: bool = False

    @property
    def by_code(self) -> bool:
        return bool(self.codes or self.prefixes or self.groups or self.param_sets)

    @property
    def by_doc(self) -> bool:
        return bool(self.min_lines or self.doc_any or self.item_any or self.matchers)


@dataclass(slots=True)
class CheckKind:
    """A generic check, written and tested once, registered by name.

    `compile(params) -> compiled` validates the rule's params at load time (raise ValueError with a clear reason);
    `run(rule, ev) -> iterable of Finding` evaluates one document (ev: engine.evaluate.DocEval) or, for
    `applies_to: batch`, the batch (ev: BatchEval); the optional `gate(rule) -> Gate | None` says when the rule
    cannot fire (see Gate), so the engine need not run it.
    """
    name: str
    run: Callable
    compile: Callable[[dict], Any]
    levels: tuple[str, ...] = ("document", "line")
    doc: str = ""
    gate: Callable | None = None
    run_open: Callable | None = None    # run(rule, ev) once the gate's facts are known present (no guard)


CHECK_KINDS: dict[str, CheckKind] = {}


def register(name: str, *, compile: Callable[[dict], Any] | None = None, levels=("document", "line"),
             gate: Callable | None = None, run_open: Callable | None = None):
    def deco(fn):
        old = CHECK_KINDS.get(name)
        if old is not None and (old.run.__module__, old.run.__qualname__) != (fn.__module__, fn.__qualname__):
            raise RuntimeError(f"check kind {name!r} is registered twice: {old.run.__module__}.{old.run.__qualname__}"
                               f" and {fn.__module__}.{fn.__qualname__}")
        CHECK_KINDS[name] = CheckKind(name, fn, compile or (lambda p: p), tuple(levels), (fn.__doc__ or "").strip(),
                                      gate, run_open)
        return fn
    return deco


@dataclass(slots=True)
class Rule:
    id: str
    pack: str
    clause: str
    text_fa: str
    reason_fa: str
    check: str
    level: str
    params: dict
    action: str
    severity: str
    mark: str | None
    applies_to: frozenset[str]
    providers: frozenset[str]
    eff_from: JDate | None
    eff_to: JDate | None
    province: str | None
    source: str
    detail_fa: str | None = None
    covers: tuple[str, ...] = ()      # other clause ids this entry implements (exceptions, notes folded in)
    compiled: Any = None
    kind: CheckKind | None = None
    order: int = 0
    gate: Gate | None = None          # when the rule cannot fire (performance only; None = run it on every document)

    def in_force(self, on: JDate | None) -> bool:
        if on is None:
            return True
        if self.eff_from is not None and on < self.eff_from:
            return False
        if self.eff_to is not None and on > self.eff_to:
            return False
        return True


@dataclass(slots=True)
class RulePack:
    name: str
    file: str
    source: str
    rules: list[Rule]
    sha256: str
    # service classes recognised by their written names (top-level `service_classes:` of a pack): group →
    # (words, not-words); see ServiceClass
    service_classes: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ServiceClass:
    """A class of services the rules name (a `code_groups` group) recognised by the words of its title: a code is in
    the class when the tariff book's description of it, or a procedure or bill line written with it, names the
    class (`words`) and none of `not`.  For the classes the public parameters cannot carry (rule-inputs §4 names only
    a few groups) and codes the manual does not print: the title is what the book and the bill always carry."""
    group: str
    words: Any        # checks.imaging.Words
    not_words: Any    # Words or None


@dataclass
class RuleSet:
    packs: list[RulePack] = field(default_factory=list)

    @property
    def rules(self) -> list[Rule]:
        return [r for p in self.packs for r in p.rules]

    @functools.cached_property
    def service_classes(self) -> dict[str, list[ServiceClass]]:
        """group → the packs' ServiceClass entries for it (a code is in the group if any entry recognises it)."""
        out: dict[str, list[ServiceClass]] = {}
        for p in self.packs:
            for g, sc in p.service_classes.items():
                out.setdefault(g, []).append(sc)
        return out

    @property
    def version(self) -> str:
        h = hashlib.sha256()
        for p in sorted(self.packs, key=lambda p: p.name):
            h.update(p.name.encode() + b"\0" + p.sha256.encode())
        names = "+".join(sorted(p.name for p in self.packs))
        return f"{names}@{h.hexdigest()[:12]}"

    def by_id(self, rule_id: str) -> Rule | None:
        for r in self.rules:
            if r.id == rule_id:
                return r
        return None

    def applicable(self, applies_to: str, provider_kind: str, province: str | None) -> list[Rule]:
        return [r for r in self.rules
                if applies_to in r.applies_to and provider_kind in r.providers
                and (r.province is None or r.province == province)]


def _p(file, path, en, fa, code="invalid_rule"):
    return Problem(file=file, path=path, message_en=en, message_fa=fa, code=code)


def _date(value, file, path, problems) -> JDate | None:
    if value is None:
        return None
    try:
        return parse_date(str(value))
    except ValueError as exc:
        problems.append(_p(file, path, f"not a Jalali date: {exc}", f"تاریخ {value} معتبر نیست"))
        return None


def load_pack(path: str | Path) -> tuple[RulePack | None, list[Problem]]:
    """Read and validate one rule pack; (None, problems) if anything is wrong."""
    # the check kinds register themselves on import
    from desktop.engine import checks  # noqa: F401

    path = Path(path)
    file = path.name
    problems: list[Problem] = []
    try:
        raw_bytes = path.read_bytes()
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml when present: several times faster
        data = yaml.load(raw_bytes.decode("utf-8-sig"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [_p(file, "$", f"cannot read the rule pack: {exc}", f"فایل بستهٔ قواعد خوانده نشد: {exc}")]
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return None, [_p(file, "$", "a rule pack is a mapping with a `rules` list",
                         "بستهٔ قواعد باید فهرست rules داشته باشد")]
    name = str(data.get("pack") or path.stem)
    source = str(data.get("source") or "")
    eff = data.get("effective") or {}
    pack_from = _date(eff.get("from"), file, "effective.from", problems)
    pack_to = _date(eff.get("to"), file, "effective.to", problems)
    province = data.get("province")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, r in enumerate(data["rules"]):
        where = f"rules[{i}]"
        if not isinstance(r, dict):
            problems.append(_p(file, where, "a rule is a mapping", "هر قاعده باید یک نگاشت باشد"))
            continue
        rid = r.get("id")
        if not isinstance(rid, str) or not rid:
            problems.append(_p(file, f"{where}.id", "a rule needs an id", "قاعده شناسه ندارد"))
            continue
        where = f"rules[{i}] ({rid})"
        seen.add(rid)   # one clause may be implemented by several entries (several facts, one id)
        check = r.get("check")
        kind = CHECK_KINDS.get(check)
        if kind is None:
            problems.append(_p(file, f"{where}.check", f"unknown check kind {check!r} (known: "
                               f"{', '.join(sorted(CHECK_KINDS))})", f"نوع بررسی «{check}» شناخته نیست"))
            continue
        action = r.get("action", "none")
        if action not in ACTIONS:
            problems.append(_p(file, f"{where}.action", f"unknown action {action!r}", f"اقدام «{action}» شناخته نیست"))
            continue
        severity = r.get("severity") or ACTIONS[action][0]
        if severity not in SEVERITIES:
            problems.append(_p(file, f"{where}.severity", f"unknown severity {severity!r}",
                               f"شدت «{severity}» شناخته نیست"))
            continue
        mark = r.get("mark") or ACTIONS[action][1] or ("zero" if action in ("zero_line", "zero_prescription") else None)
        level = r.get("level") or ("document" if action == "zero_prescription" else "line")
        if level not in ("document", "line", "batch"):
            problems.append(_p(file, f"{where}.level", f"unknown level {level!r}", f"سطح «{level}» شناخته نیست"))
            continue
        applies = r.get("applies_to") or (["batch"] if level == "batch" else ["prescription"])
        if isinstance(applies, str):
            applies = [applies]
        try:
            providers = expand_providers(r.get("providers") or ["all"])
        except ValueError as exc:
            problems.append(_p(file, f"{where}.providers", str(exc), f"نوع مؤسسه نامعتبر: {exc}"))
            continue
        reff = r.get("effective") or {}
        rf = _date(reff.get("from"), file, f"{where}.effective.from", problems) if "from" in reff else pack_from
        rt = _date(reff.get("to"), file, f"{where}.effective.to", problems) if "to" in reff else pack_to
        params = r.get("params") or {}
        try:
            compiled = kind.compile(params)
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(_p(file, f"{where}.params", f"invalid params for {check}: {exc}",
                               f"پارامترهای قاعده {rid} نامعتبر است: {exc}"))
            continue
        text_fa = str(r.get("text_fa") or "")
        rules.append(Rule(
            id=rid, pack=name, clause=str(r.get("clause") or ""), text_fa=text_fa,
            reason_fa=str(r.get("reason_fa") or text_fa[:60]), check=check, level=level, params=params,
            action=action, severity=severity, mark=mark, applies_to=frozenset(applies), providers=providers,
            eff_from=rf, eff_to=rt, province=r.get("province", province), source=source,
            detail_fa=r.get("detail_fa"), covers=tuple(r.get("covers") or ()), compiled=compiled, kind=kind,
            order=len(rules)))
        if kind.gate is not None:       # used for prescriptions (bills are evaluated by engine.bills)
            rules[-1].gate = kind.gate(rules[-1])
    classes = _service_classes(data.get("service_classes"), file, problems)
    if problems:
        return None, problems
    return RulePack(name, file, source, rules, hashlib.sha256(raw_bytes).hexdigest(), classes), []


def _service_classes(raw, file, problems) -> dict[str, ServiceClass]:
    """`service_classes: {group: {words: [...], not: [...]}}` of a pack (see ServiceClass)."""
    from desktop.engine.checks.imaging import Words
    out: dict[str, ServiceClass] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        problems.append(_p(file, "service_classes", "a mapping {group: {words: [...], not: [...]}}",
                           "service_classes باید نگاشت گروه به واژه‌ها باشد"))
        return out
    for g, spec in raw.items():
        where = f"service_classes.{g}"
        try:
            if not isinstance(spec, dict) or set(spec) - {"words", "not", "note"}:
                raise ValueError("keys: words, not (and note)")
            words = Words(spec.get("words"))
            if not words:
                raise ValueError("words: at least one word")
            nots = Words(spec["not"]) if spec.get("not") else None
        except ValueError as exc:
            problems.append(_p(file, where, f"invalid service class: {exc}", f"ردهٔ خدمت {g} نامعتبر است: {exc}"))
            continue
        out[str(g)] = ServiceClass(str(g), words, nots)
    return out


def office_rules_dir() -> Path:
    """Rule packs an administrator installed (`rasidegi rules install`): loaded after the shipped ones."""
    from desktop.paths import user_data_dir
    return user_data_dir() / "rules"


def default_pack_paths() -> list[Path]:
    from desktop.paths import rules_dir

    shipped = sorted(p for p in rules_dir().glob("*.yaml"))
    office = office_rules_dir()
    installed = sorted(p for p in office.glob("*.yaml")) if office.is_dir() else []
    names = {p.name for p in installed}
    # an installed pack of the same file name replaces the shipped one (a corrected circular)
    return [p for p in shipped if p.name not in names] + installed


def install_pack(path: str | Path) -> tuple[Path | None, list[Problem]]:
    """Validate a rule pack (schema, known check kinds, dates, params, ids unique across packs) and, if it is
    valid, copy it into the office's rules folder where it takes effect at the next load. Nothing is copied when
    anything is wrong."""
    import shutil

    path = Path(path)
    pack, problems = load_pack(path)
    if problems:
        return None, problems
    others = [p for p in default_pack_paths() if p.name != path.name]
    try:
        load_rules(others + [path])
    except InputError as exc:
        return None, exc.problems
    dest_dir = office_rules_dir()
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / path.name
    tmp = dest.with_suffix(".yaml.tmp")
    shutil.copyfile(path, tmp)
    tmp.replace(dest)
    return dest, []


_CACHE: dict = {}


def load_rules(paths: Iterable[str | Path] | None = None) -> RuleSet:
    """Load every pack (default: the shipped packs under rules/, then the office's installed packs); InputError
    listing every problem. Memoised on the files' names, sizes and modification times (a pack edited or installed
    is read again)."""
    if paths is None:
        paths = default_pack_paths()
    paths = [Path(p) for p in paths]
    try:
        key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    rs = _load_rules(paths)
    if key is not None:
        _CACHE.clear()
        _CACHE[key] = rs
    return rs


def _load_rules(paths: list[Path]) -> RuleSet:
    packs, problems = [], []
    ids: dict[str, str] = {}
    for p in paths:
        pack, probs = load_pack(p)
        problems.extend(probs)
        if pack is None:
            continue
        for r in pack.rules:
            if r.id in ids and ids[r.id] != pack.file:
                problems.append(_p(pack.file, r.id, f"rule id {r.id} is also defined in {ids[r.id]}",
                                   f"شناسهٔ {r.id} در {ids[r.id]} هم تعریف شده است"))
            ids.setdefault(r.id, pack.file)
        packs.append(pack)
    if problems:
        raise InputError(problems)
    return RuleSet(packs)
