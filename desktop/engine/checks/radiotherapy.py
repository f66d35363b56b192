"""Check kinds of the radiotherapy section (manual 09 BK 004 00, ج: ضوابط اختصاصی رسیدگی فنی به اسناد رادیوتراپی;
catalogue ids RT-*).  The pack is rules/radiotherapy.yaml; how each clause is read is docs/radiotherapy-rules.md.

A radiotherapy document belongs to a course (`prescription.course`: id, modality, machine, technique, start,
sessions up to the end of this document, regions, portal images, the fields of the treatment sheet).  "Once per
course" items count the insured's earlier services of the same course (engine.history): a record is of this course
when it carries the course id (`ServiceRecord.course_id`, once the history keeps it) or, failing that, when it was
served on or after `course.start`.  Reference data the manual prints (the code values, the energy groups, the
maximum-fields table RT-T1) ships in the pack's params; `params.rt_max_fields` (parameters YAML) overrides RT-T1.

Amounts: a clause that pays less than requested gives an `adjust` finding whose `approved` is the basis the
organisation's share is compared with (docs/general-rules.md, "Amounts"); it is only given when the requested
organisation share exceeds what that basis allows, so a correct request stays ticked.
"""
from __future__ import annotations

import math
from decimal import Decimal

from desktop.domain.absent import ABSENT
from desktop.domain.fa import fa_amount, fa_digits
from desktop.engine.evaluate import fact, rial
from desktop.engine.rules import register

GOV_SECTORS = ("government_university", "government_other")
MODALITIES = ("teletherapy", "brachytherapy")
ATTACHMENT_FA = {"pathology": "گزارش پاتولوژی", "metastasis_evidence": "مدارک متاستاز",
                 "treatment_plan": "برگهٔ طراحی درمان", "treatment_sheet": "برگهٔ پرتودرمانی ممهور",
                 "referral_letter": "درخواست اولیه و ارجاع", "dvh": "منحنی DVH", "shield_image": "تصویر شیلد",
                 "portal_film": "تصویر فیلم پورتال", "report": "گزارش"}


# ---------------------------------------------------------------------------------------------------- helpers


def _v(x, default=None):
    return default if x is ABSENT or x is None else x


def _given(x) -> bool:
    return x is not ABSENT and x is not None


def _num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _codes(params, key="codes") -> frozenset:
    c = params.get(key)
    if not isinstance(c, (list, tuple)) or not c:
        raise ValueError(f"`{key}`: a non-empty list of codes")
    return frozenset(str(x) for x in c)


def _modality_param(params):
    m = params.get("modality")
    if m is not None and m not in MODALITIES:
        raise ValueError(f"modality: one of {MODALITIES}")
    return m


def _course(ev):
    c = getattr(ev.doc, "course", ABSENT)
    return None if c in (ABSENT, None) else c


def _in_ranges(code, ranges) -> bool:
    return isinstance(code, str) and any(lo <= code <= hi for lo, hi in ranges)


BRACHY_RANGE = (("705505", "705555"),)


def modality(ev) -> str:
    """The course's modality; without one, brachytherapy when the document bills a brachytherapy code."""
    c = _course(ev)
    m = _v(getattr(c, "modality", None)) if c is not None else None
    if m:
        return m
    for item in ev.lines():
        if _in_ranges(_v(item.code), BRACHY_RANGE):
            return "brachytherapy"
    return "teletherapy"


def machine(ev, item=None):
    """The machine of a line (`details.machine`), else of the course (`course.machine`), else None."""
    if item is not None:
        d = _v(getattr(item, "details", None))
        m = _v(getattr(d, "machine", None)) if d is not None else None
        if m:
            return m
    c = _course(ev)
    return _v(getattr(c, "machine", None)) if c is not None else None


def _nid(ev):
    ins = _v(getattr(ev.doc, "insured", None))
    return _v(getattr(ins, "national_id", None)) if ins is not None else None


def course_records(ev, codes) -> list:
    """The insured's earlier (paid) services among `codes` that belong to this document's course: same course id
    when the history records carry one, else served on or after `course.start`.  No course → none."""
    nid, c = _nid(ev), _course(ev)
    if not nid or c is None:
        return []
    cid, start = _v(getattr(c, "id", None)), _v(getattr(c, "start", None))
    out = []
    for r in ev.ctx.history.services(nid, codes):
        rc = getattr(r, "course_id", None)
        if rc is not None and cid is not None:
            if rc == cid:
                out.append(r)
            continue
        if start is not None and r.on is not None and r.on >= start:
            out.append(r)
    return out


def _qty(item):
    q = getattr(item, "qty", ABSENT)
    if not _num(q):
        return 1
    return int(q) if float(q).is_integer() else q


def _details(item):
    return _v(getattr(item, "details", None))


def _dv(item, name):
    d = _details(item)
    return getattr(d, name, ABSENT) if d is not None else ABSENT


def _franchise_free_ranges(ev):
    """The code ranges of RT-3-5-N2 in force (None when that rule is not loaded or not in force)."""
    for r in ev.ctx.rules.rules:
        if r.check == "rt_franchise" and r.in_force(ev.date) and ev.provider_kind in r.providers:
            return r.compiled["ranges"]
    return None


def line_franchise(ev, item) -> Decimal:
    """The franchise the amount stage applies to this line: the outpatient franchise in force; 0 for a
    franchise-free radiotherapy line (RT-3-5-N2) once the engine applies a line's own franchise
    (`desktop.engine.evaluate.LINE_FRANCHISE`)."""
    from desktop.engine import evaluate
    if getattr(evaluate, "LINE_FRANCHISE", False):
        ranges = _franchise_free_ranges(ev)
        if ranges and _in_ranges(_v(item.code), ranges) and getattr(ev.doc, "setting", ABSENT) != "inpatient":
            return Decimal(0)
    f = ev.ctx.param("franchise", ev.date, "outpatient", default=None)
    return Decimal(str(f)) if f is not None else Decimal("0.30")


def payable_org(ev, item, basis: int) -> int:
    return rial(Decimal(basis) * (Decimal(1) - line_franchise(ev, item)))


def org_exceeds(ev, item, basis) -> bool:
    """The requested organisation share is above what `basis` allows (GEN-15-N2's comparison)."""
    if basis is None:
        return False
    req = getattr(item, "requested", ABSENT)
    org = getattr(req, "org", None) if req not in (ABSENT, None) else None
    if not isinstance(org, int) or isinstance(org, bool):
        return False
    return org > payable_org(ev, item, basis)


def k_professional(ev):
    k = ev.ctx.param("k_professional", ev.line_date(), "government", default=None)
    return Decimal(str(k)) if k is not None else None


def gov_price(ev, code, qty):
    try:
        return ev.ctx.price(code, ev.line_date(), "government", qty)
    except LookupError:
        return None


# ---------------------------------------------------------------------------------------------------- RT-T1


def _compile_table(params, key="table"):
    t = params.get(key)
    if not isinstance(t, dict) or not t:
        raise ValueError(f"`{key}`: the maximum-fields table RT-T1 (region → phase1, phase2, total)")
    out = {}
    for region, row in t.items():
        if not isinstance(row, dict):
            raise ValueError(f"{key}.{region}: a mapping")
        try:
            f1, s1 = (int(x) for x in row["phase1"])
            f2, s2 = (int(x) for x in row["phase2"])
            total = int(row["total"])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{key}.{region}: phase1 [fields, sessions], phase2 [fields, sessions], total") from None
        if f1 * s1 + f2 * s2 != total:
            raise ValueError(f"{key}.{region}: total {total} ≠ {f1}×{s1} + {f2}×{s2}")
        out[str(region)] = {"total": total, "phases": 1 if f2 == 0 else 2, "star": bool(row.get("star")),
                            "fa": str(row.get("fa") or region)}
    aliases = params.get("aliases") or {}
    nodal = params.get("nodal_sites") or []
    if not isinstance(aliases, dict) or not isinstance(nodal, list):
        raise ValueError("aliases: a mapping of site → RT-T1 region; nodal_sites: a list")
    return {"table": out, "aliases": {str(k): str(v) for k, v in aliases.items()}, "nodal": frozenset(map(str, nodal))}


SIDES = ("_left", "_right", "_bilateral", "_both")


def _split_side(slug: str):
    s = str(slug).strip().lower()
    for suf in SIDES:
        if s.endswith(suf):
            return s[: -len(suf)], suf[1:]
    return s, None


def table_row(ev, t, region: str):
    """RT-T1 row of a region: `params.rt_max_fields` (a total, or a mapping with total_fields / phase2_fields /
    star) over the table shipped in the pack."""
    base = dict(t["table"].get(region) or {})
    over = ev.ctx.param("rt_max_fields", ev.date, default=None)
    if isinstance(over, dict) and region in over:
        o = over[region]
        if _num(o):
            base["total"] = int(o)
        elif isinstance(o, dict):
            if _num(o.get("total_fields", o.get("total"))):
                base["total"] = int(o.get("total_fields", o.get("total")))
            if _num(o.get("phase2_fields")):
                base["phases"] = 1 if int(o["phase2_fields"]) == 0 else 2
            if "star" in o:
                base["star"] = bool(o["star"])
    return base or None


def _is_nodal(t, base: str) -> bool:
    """A regional lymph-node site: one of the pack's nodal sites, or any slug naming nodes (`pelvic_lymph_nodes`,
    `para_aortic_nodes`, `lymph_node_inguinal`): the region slug is an open list (rule-inputs §1.10)."""
    return base in t["nodal"] or "lymph" in base or base.endswith("_nodes") or base.endswith("_node")


def treatment_regions(t, sites, context=()) -> tuple[set, int]:
    """Treatment regions (RT-2-4-N2: the organ of RT-T1 with its regional lymph nodes) of a list of written sites.

    Returns ({(region, side)}, number of nodal sites joined to an organ).  A nodal site (axilla, supraclavicular, …)
    joins an organ region of the same side among the sites or, failing that, among `context` (the course's regions);
    nodes with no organ form one region.  A site the table does not know is its own region."""
    organs, nodes = set(), []
    folded = 0
    for s in sites or ():
        if not isinstance(s, str) or not s.strip():
            continue
        base, side = _split_side(s)
        base = t["aliases"].get(base, base)
        if _is_nodal(t, base):
            nodes.append(side)
        else:
            organs.add((base, side))
    ctx_organs = set()
    for s in context or ():
        if isinstance(s, str):
            base, side = _split_side(s)
            base = t["aliases"].get(base, base)
            if not _is_nodal(t, base):
                ctx_organs.add((base, side))
    for side in nodes:
        target = None
        for pool in (organs, ctx_organs):
            same = [o for o in pool if o[1] == side] or [o for o in pool if o[1] is None or side is None]
            if not same and len(pool) == 1:
                same = list(pool)
            if same:
                target = sorted(same, key=str)[0]
                break
        if target is not None:
            folded += 1
        organs.add(target or ("regional_nodes", side))
    return organs, folded


def line_sites(item):
    regions = _dv(item, "regions")
    if isinstance(regions, list) and regions:
        return [r for r in regions if isinstance(r, str)]
    region = _dv(item, "region")
    return [region] if isinstance(region, str) and region else []


def course_regions(ev, t) -> set:
    c = _course(ev)
    sites = _v(getattr(c, "regions", None), []) if c is not None else []
    regs, _ = treatment_regions(t, sites)
    return regs


NODE_FA = {"axilla": "آگزیلا", "axillary": "آگزیلا", "supraclavicular": "سوپراکلاویکولار", "scf": "سوپراکلاویکولار",
           "infraclavicular": "اینفراکلاویکولار", "internal_mammary": "پستانی داخلی", "neck_nodes": "غدد گردنی",
           "cervical_nodes": "غدد گردنی", "inguinal": "اینگوینال", "pelvic_nodes": "غدد لگنی",
           "para_aortic": "پاراآئورتیک", "mediastinal_nodes": "غدد مدیاستن", "lymph_nodes": "غدد لنفاوی",
           "regional_nodes": "غدد لنفاوی ناحیه‌ای"}
SIDE_FA = {"left": " چپ", "right": " راست", "bilateral": " دوطرفه", "both": " دوطرفه"}


def site_names(t, sites) -> str:
    """The written sites in Persian (RT-T1 names, lymph-node names), joined."""
    out = []
    for s in sites:
        base, side = _split_side(s)
        key = t["aliases"].get(base, base)
        fa = (t["table"].get(key) or {}).get("fa") or NODE_FA.get(base) or NODE_FA.get(key) or s
        out.append(f"{fa}{SIDE_FA.get(side or '', '')}")
    return " + ".join(out)


def _region_fa(t, regs) -> str:
    names = []
    for base, side in sorted(regs, key=str):
        fa = (t["table"].get(base) or {}).get("fa") or NODE_FA.get(base, base)
        side_fa = SIDE_FA.get(side or "", "")
        names.append(f"{fa}{side_fa}")
    return "، ".join(names)


# ---------------------------------------------------------------------------------------------------- facts


@fact("rt_modality")
def _f_modality(ev):
    return modality(ev)


@fact("rt_mlc_claimed")
def _f_mlc_claimed(ev):
    """A line of the document claims the MLC surcharge (modifier 88, RT-2-7-N2 / RT-2-11-N4)."""
    for item in ev.lines():
        mods = _v(getattr(item, "modifiers", None), [])
        if "88" in [str(m) for m in mods]:
            return True
    return False


# ---------------------------------------------------------------------------------------------------- RT-1


def _compile_referral(params):
    excl = params.get("excluded_specialties") or []
    groups = params.get("required_attachments") or []
    ranges = params.get("radiotherapy_ranges") or []
    if not isinstance(excl, list) or not all(isinstance(g, list) and g for g in groups):
        raise ValueError("excluded_specialties: a list; required_attachments: a list of lists (one of each)")
    if not ranges or not all(isinstance(r, list) and len(r) == 2 for r in ranges):
        raise ValueError("radiotherapy_ranges: [[first code, last code], …]")
    return {"excluded": frozenset(excl), "groups": [list(map(str, g)) for g in groups],
            "ranges": [(str(a), str(b)) for a, b in ranges],
            "referral_attachment": str(params.get("referral_attachment") or "referral_letter"),
            "exempt_attachment": str(params.get("exempt_attachment") or "previous_treatment_records")}


@register("rt_referral", compile=_compile_referral, levels=("document",))
def rt_referral(rule, ev):
    """RT-1: radiotherapy is paid only with the initial request and referral of a clinical specialist or
    subspecialist who is not a radiotherapist attached (`referral` null, `referral.from_specialty` in
    `excluded_specialties`, or an `attachments` list without `referral_attachment` → deny); the pathology or
    metastasis evidence, planning sheet and stamped treatment sheet must be attached (an `attachments` list lacking
    one → review).  RT-1-N1: an insured with earlier radiotherapy (a paid service of `radiotherapy_ranges` in the
    history, or `previous_treatment_records` attached) needs no referral."""
    c = rule.compiled
    attachments = getattr(ev.doc, "attachments", ABSENT)
    att = attachments if isinstance(attachments, list) else None
    exempt = att is not None and c["exempt_attachment"] in att
    if not exempt:
        nid = _nid(ev)
        if nid:
            exempt = any(_in_ranges(r.code, c["ranges"]) for r in ev.ctx.history.services(nid))
    out = []
    ref = getattr(ev.doc, "referral", ABSENT)
    if not exempt:
        if ref is None:
            out.append(ev.finding(rule, detail_fa="ارجاع متخصص بالینی ثبت نشده است", data={"referral": None}))
        elif ref is not ABSENT:
            spec = getattr(ref, "from_specialty", ABSENT)
            if _given(spec) and spec in c["excluded"]:
                out.append(ev.finding(rule, detail_fa=f"ارجاع از سوی «{spec}» پذیرفته نیست (متخصص بالینی غیر از "
                                                      f"رادیوتراپیست)", data={"from_specialty": spec}))
            elif spec is None:
                out.append(ev.finding(rule, severity="review", mark="zero",
                                      detail_fa="تخصص پزشک ارجاع‌دهنده نوشته نشده است؛ بررسی شود",
                                      data={"from_specialty": None}))
    if att is not None:
        if not exempt and not out and c["referral_attachment"] not in att:
            out.append(ev.finding(rule, detail_fa="درخواست اولیه و ارجاع پزشک معالج پیوست نیست",
                                  data={"missing": [c["referral_attachment"]]}))
        missing = [g for g in c["groups"] if not any(a in att for a in g) and c["referral_attachment"] not in g]
        if missing:
            names = ["/".join(ATTACHMENT_FA.get(a, a) for a in g) for g in missing]
            out.append(ev.finding(rule, severity="review", mark="zero",
                                  detail_fa="پیوست نیست: " + "، ".join(names) + "؛ بررسی شود",
                                  data={"missing": ["|".join(g) for g in missing]}))
    return out


# ---------------------------------------------------------------------------------------------------- per course


def _compile_course_limit(params):
    m = params.get("max")
    if not isinstance(m, int) or isinstance(m, bool) or m < 0:
        raise ValueError("`max`: an integer ≥ 0 (services per course)")
    return {"codes": _codes(params), "max": m, "modality": _modality_param(params)}


def _cap_finding(rule, ev, idx, left, detail, data):
    """A line beyond a limit: capped to what is left (adjust), or zeroed when nothing is left (deny)."""
    if left > 0:
        return ev.finding(rule, line=idx, paid_qty=left, severity="adjust", mark="circle", detail_fa=detail, data=data)
    return ev.finding(rule, line=idx, severity="deny", mark="zero", detail_fa=detail, data=data)


@register("rt_course_limit", compile=_compile_course_limit, levels=("line",))
def rt_course_limit(rule, ev):
    """At most `max` units of `codes` in one radiotherapy course (RT-2-2-N1, RT-2-3-N1, RT-2-7-N1, RT-2-8, RT-2-9,
    RT-3-2-N1, RT-3-3-N1), counting the course's earlier documents (history) and the lines before.  `modality`
    restricts the clause to teletherapy or brachytherapy courses.  Beyond the limit a line is capped (paid_qty)
    or, when nothing is left, zeroed."""
    c = rule.compiled
    if c["modality"] and modality(ev) != c["modality"]:
        return []
    lines = [(i, it) for i, it in enumerate(ev.lines()) if _v(it.code) in c["codes"]]
    if not lines:
        return []
    used = sum(r.qty for r in course_records(ev, c["codes"]))
    out = []
    for idx, item in lines:
        q = _qty(item)
        left = max(0, c["max"] - used)
        if q > left:
            detail = (f"خدمت {fa_digits(item.code)}: در این دوره {fa_digits(used)} بار پیش‌تر؛ "
                      f"حداکثر {fa_digits(c['max'])} بار در هر دوره")
            out.append(_cap_finding(rule, ev, idx, left, detail,
                                    {"code": item.code, "earlier": used, "max": c["max"], "paid_qty": left}))
        used += q
    return out


def _compile_session_units(params):
    per = params.get("per_sessions")
    if not isinstance(per, int) or per < 1:
        raise ValueError("`per_sessions`: sessions per payable unit (an integer ≥ 1)")
    return {"codes": _codes(params), "per": per, "modality": _modality_param(params)}


@register("rt_session_units", compile=_compile_session_units, levels=("line",))
def rt_session_units(rule, ev):
    """Units of `codes` in a course ≤ ceil(course.sessions / per_sessions): on-treatment management once per 5
    sessions, up to 4 left-over sessions counting as a set (RT-2-2, RT-3-2); per-session codes once per session
    (RT-2-5, RT-3-5).  `course.sessions` counts the sessions up to the end of this document; units of the course's
    earlier documents (history) count."""
    c = rule.compiled
    if c["modality"] and modality(ev) != c["modality"]:
        return []
    course = _course(ev)
    sessions = _v(getattr(course, "sessions", None)) if course is not None else None
    if not isinstance(sessions, int) or isinstance(sessions, bool):
        return []
    lines = [(i, it) for i, it in enumerate(ev.lines()) if _v(it.code) in c["codes"]]
    if not lines:
        return []
    allowed = math.ceil(sessions / c["per"])
    used = sum(r.qty for r in course_records(ev, c["codes"]))
    out = []
    for idx, item in lines:
        q = _qty(item)
        left = max(0, allowed - used)
        if q > left:
            detail = (f"{fa_digits(sessions)} جلسه تا این نسخه: حداکثر {fa_digits(allowed)} واحد"
                      + (f" (هر {fa_digits(c['per'])} جلسه یک واحد)" if c["per"] > 1 else "")
                      + (f"؛ {fa_digits(used)} واحد پیش‌تر" if used else ""))
            out.append(_cap_finding(rule, ev, idx, left, detail,
                                    {"code": item.code, "sessions": sessions, "allowed": allowed, "earlier": used,
                                     "paid_qty": left}))
        used += q
    return out


def _compile_per_session(params):
    return {"codes": _codes(params), "by_region": bool(params.get("by_region")), "modality": _modality_param(params)}


@register("rt_one_per_session", compile=_compile_per_session, levels=("line",))
def rt_one_per_session(rule, ev):
    """One unit of one code of `codes` per session (RT-2-5-N1; RT-3-4 with `by_region`: one brachytherapy code per
    region per session).  The session is `details.session` (this document and the course's earlier ones); lines
    without one but with the same `served_on`: two different codes → the later is zeroed, the same code twice →
    review (a day may hold two fractions)."""
    c = rule.compiled
    if c["modality"] and modality(ev) != c["modality"]:
        return []
    lines = [(i, it) for i, it in enumerate(ev.lines()) if _v(it.code) in c["codes"]]
    if not lines:
        return []

    def region_key(item):
        return (tuple(sorted(line_sites(item))) or None) if c["by_region"] else None

    seen: dict = {}
    for r in course_records(ev, c["codes"]):
        s = _v(getattr(r.details, "session", None)) if r.details is not None else None
        if isinstance(s, int):
            key = ("s", s, _record_region(r) if c["by_region"] else None)
            seen[key] = seen.get(key, 0) + r.qty
    by_date: dict = {}
    out = []
    for idx, item in lines:
        sess = _dv(item, "session")
        q = _qty(item)
        reg = region_key(item)
        if isinstance(sess, int) and not isinstance(sess, bool):
            key = ("s", sess, reg)
            n = seen.get(key, 0)
            if n + q > 1:
                left = max(0, 1 - n)
                out.append(_cap_finding(rule, ev, idx, left,
                                        f"جلسهٔ {fa_digits(sess)}: فقط یک نوع و یک بار در هر جلسه",
                                        {"code": item.code, "session": sess, "paid_qty": left}))
            seen[key] = n + q
            continue
        on = getattr(item, "served_on", ABSENT)
        if not _given(on):
            continue
        key = (str(on), reg)
        prev = by_date.get(key)
        if prev is not None:
            if item.code not in prev:
                out.append(ev.finding(rule, line=idx, severity="deny", mark="zero",
                                      detail_fa=f"در {fa_digits(on)} کد {fa_digits(prev[0])} هم محاسبه شده؛ فقط یک نوع "
                                                f"در هر جلسه", data={"code": item.code, "date": str(on)}))
            else:
                out.append(ev.finding(rule, line=idx, severity="review", mark="zero",
                                      detail_fa=f"دو بار در {fa_digits(on)} بدون شمارهٔ جلسه؛ اگر دو جلسه در یک روز "
                                                f"نبوده پرداخت نشود", data={"code": item.code, "date": str(on)}))
            prev.append(item.code)
        else:
            by_date[key] = [item.code]
    return out


def _record_region(r):
    d = r.details
    if d is None:
        return None
    regions = _v(getattr(d, "regions", None))
    if isinstance(regions, list) and regions:
        return tuple(sorted(x for x in regions if isinstance(x, str))) or None
    region = _v(getattr(d, "region", None))
    return (region,) if isinstance(region, str) else None


# ---------------------------------------------------------------------------------------------------- planning


def _compile_planning(params):
    report = params.get("report", "per_region")
    if report not in ("per_region", "region_definition"):
        raise ValueError("report: per_region (RT-2-4-N1) | region_definition (RT-2-4-N2)")
    return {"codes": _codes(params), "report": report, **_compile_table(params)}


def _record_sites(r):
    d = r.details
    if d is None:
        return []
    regions = _v(getattr(d, "regions", None))
    if isinstance(regions, list) and regions:
        return [x for x in regions if isinstance(x, str)]
    region = _v(getattr(d, "region", None))
    return [region] if isinstance(region, str) and region else []


@register("rt_planning", compile=_compile_planning, levels=("line",))
def rt_planning(rule, ev):
    """Treatment planning (705315 / 705350) once per treatment region per course (RT-2-4-N1); a treatment region is
    the organ of RT-T1 with its regional lymph nodes — one breast with its axilla and supraclavicular area is one
    region (RT-2-4-N2).  A line's regions are `details.regions` / `details.region` (else the course's); plannings
    already paid in the course (history) count.  `report: region_definition` reports only the lines whose written
    sites were merged into fewer regions."""
    c = rule.compiled
    lines = [(i, it) for i, it in enumerate(ev.lines()) if _v(it.code) in c["codes"]]
    if not lines:
        return []
    course = _course(ev)
    ctx_sites = _v(getattr(course, "regions", None), []) if course is not None else []
    course_regs = course_regions(ev, c)
    planned: set = set()
    unknown_earlier = 0
    for r in course_records(ev, c["codes"]):
        sites = _record_sites(r)
        if sites:
            regs, _ = treatment_regions(c, sites, ctx_sites)
            planned |= regs
        else:
            unknown_earlier += int(r.qty)
    out = []
    for idx, item in lines:
        sites = line_sites(item)
        covered, folded = treatment_regions(c, sites, ctx_sites)
        if not covered:
            covered = set(course_regs) or {("?", None)}
        new = covered - planned
        take = min(unknown_earlier, len(new))
        unknown_earlier -= take
        allowed = len(new) - take
        q = _qty(item)
        merged = folded > 0
        if q > allowed and (c["report"] == "per_region" or merged):
            names = _region_fa(c, covered)
            if c["report"] == "per_region":
                detail = (f"{fa_digits(q)} طراحی درمان برای {fa_digits(len(covered))} ناحیهٔ درمانی ({names})؛ "
                          f"هر ناحیه یک بار در دوره" + (f"؛ {fa_digits(len(covered) - len(new))} ناحیه پیش‌تر طراحی شده"
                                                       if len(new) < len(covered) else ""))
            else:
                detail = (f"{site_names(c, sites)} = {fa_digits(len(covered))} ناحیهٔ درمانی ({names}): عضو "
                          f"به‌علاوهٔ غدد لنفاوی مربوطه یک ناحیه است")
            out.append(_cap_finding(rule, ev, idx, allowed, detail,
                                    {"code": item.code, "sites": sites, "regions": sorted(f"{b}{'_' + s if s else ''}"
                                                                                         for b, s in covered),
                                     "paid_qty": allowed}))
        planned |= covered
    return out


# ---------------------------------------------------------------------------------------------------- physics


def _compile_physics(params):
    return {"codes": _codes(params), **_compile_table(params)}


@register("rt_physics_phases", compile=_compile_physics, levels=("line",))
def rt_physics_phases(rule, ev):
    """Basic physics calculations (705325 / 705400): one per treatment phase per region (RT-2-6-N1); the phases of a
    region are RT-T1's (1 when its phase-2 field count is 0, else 2).  A starred region may need one more phase:
    a unit within that margin is raised for review; beyond it the line is capped.  Also the same `details.phase`
    billed twice for the same region.  Units of the course's earlier documents count."""
    c = rule.compiled
    lines = [(i, it) for i, it in enumerate(ev.lines()) if _v(it.code) in c["codes"]]
    if not lines:
        return []
    course = _course(ev)
    ctx_sites = _v(getattr(course, "regions", None), []) if course is not None else []
    regs = course_regions(ev, c)
    if not regs:
        for _, item in lines:
            r, _ = treatment_regions(c, line_sites(item), ctx_sites)
            regs |= r
    rows = {reg: table_row(ev, c, reg[0]) for reg in regs}
    records = course_records(ev, c["codes"])
    used = sum(r.qty for r in records)
    phases_seen: dict = {}
    for r in records:
        ph = _v(getattr(r.details, "phase", None)) if r.details is not None else None
        if ph is not None:
            k = (_record_region(r), str(ph))
            phases_seen[k] = phases_seen.get(k, 0) + 1
    decidable = bool(rows) and all(row is not None and "phases" in row for row in rows.values())
    allowed = sum(row["phases"] for row in rows.values()) if decidable else None
    star = sum(1 for row in rows.values() if row and row.get("star")) if decidable else 0
    out = []
    for idx, item in lines:
        q = _qty(item)
        ph = _dv(item, "phase")
        if _given(ph):
            k = (tuple(sorted(line_sites(item))) or None, str(ph))
            if phases_seen.get(k, 0) >= 1:
                out.append(ev.finding(rule, line=idx, severity="deny", mark="zero",
                                      detail_fa=f"محاسبات فیزیک فاز {fa_digits(ph)} این ناحیه پیش‌تر محاسبه شده است",
                                      data={"code": item.code, "phase": str(ph)}))
                used += q
                continue
            phases_seen[k] = phases_seen.get(k, 0) + 1
        if allowed is not None:
            left = max(0, allowed - used)
            names = _region_fa(c, regs)
            if q > left:
                if q <= left + star:
                    out.append(ev.finding(rule, line=idx, severity="review", mark="circle",
                                          detail_fa=f"حداکثر {fa_digits(allowed)} فاز برای {names}؛ ناحیهٔ ستاره‌دار "
                                                    f"ممکن است یک فاز بیشتر بخواهد — برگ پرتودرمانی بررسی شود",
                                          data={"code": item.code, "allowed": allowed, "earlier": used}))
                else:
                    cap = max(0, left + star)
                    out.append(_cap_finding(rule, ev, idx, cap,
                                            f"حداکثر {fa_digits(allowed)} فاز درمانی برای {names} "
                                            f"(جدول حداکثر شان‌ها)؛ "
                                            f"{fa_digits(used)} واحد پیش‌تر",
                                            {"code": item.code, "allowed": allowed, "earlier": used, "paid_qty": cap}))
        used += q
    return out


# ---------------------------------------------------------------------------------------------------- portal film


def _compile_portal(params):
    return {"codes": _codes(params)}


@register("rt_portal_images", compile=_compile_portal, levels=("line",))
def rt_portal_images(rule, ev):
    """Portal-film verification (705395) is paid per verification with its image (RT-2-10): units in the course ≤
    `course.portal_images`, counting the course's earlier documents."""
    c = rule.compiled
    course = _course(ev)
    images = _v(getattr(course, "portal_images", None)) if course is not None else None
    if not isinstance(images, int) or isinstance(images, bool):
        return []
    lines = [(i, it) for i, it in enumerate(ev.lines()) if _v(it.code) in c["codes"]]
    used = sum(r.qty for r in course_records(ev, c["codes"])) if lines else 0
    out = []
    for idx, item in lines:
        q = _qty(item)
        left = max(0, images - used)
        if q > left:
            out.append(_cap_finding(rule, ev, idx, left,
                                    f"{fa_digits(images)} تصویر فیلم پورتال ارائه شده و {fa_digits(used + q)} بار "
                                    f"محاسبه شده",
                                    {"code": item.code, "portal_images": images, "earlier": used, "paid_qty": left}))
        used += q
    return out


# ---------------------------------------------------------------------------------------------------- fields


FIELD_REPORTS = ("RT-2-11", "RT-2-11-N1", "RT-2-11-N2", "RT-2-11-N3", "RT-2-11-N4", "RT-2-12", "RT-2-7-N2")


def _compile_fields(params):
    report = params.get("report")
    if report not in FIELD_REPORTS:
        raise ValueError(f"report: one of {FIELD_REPORTS}")
    codes = params.get("fields")
    if not isinstance(codes, dict) or not codes:
        raise ValueError("fields: {code: {machine: linac|cobalt, group: A|B|C, complex: bool, rv}}")
    by_code, linac, cobalt = {}, {}, {}
    for code, row in codes.items():
        m, g, cx = row.get("machine"), row.get("group"), row.get("complex")
        if m not in ("linac", "cobalt") or not isinstance(cx, bool) or (m == "linac" and g not in ("A", "B", "C")):
            raise ValueError(f"fields.{code}: machine linac|cobalt, group A|B|C (linac), complex true|false")
        by_code[str(code)] = (m, g, cx)
        if m == "linac":
            linac[(g, cx)] = str(code)
        else:
            cobalt[cx] = str(code)
    if len(linac) != 6 or len(cobalt) != 2:
        raise ValueError("fields: the six linac codes (A/B/C × simple/complex) and the two cobalt codes")
    groups = params.get("energy_groups") or {}
    try:
        bounds = {"A": float(groups["A"]["max_mv"]), "B": float(groups["B"]["max_mv"]),
                  "C": float(groups["C"]["min_mv"])}
    except (KeyError, TypeError, ValueError):
        raise ValueError("energy_groups: {A: {max_mv}, B: {max_mv}, C: {min_mv}}") from None
    sur = params.get("surcharge_pct") or {}
    if not all(k in ("linac_mlc", "linac_portal") and _num(v) for k, v in sur.items()):
        raise ValueError("surcharge_pct: {linac_mlc: pct, linac_portal: pct}")
    return {"report": report, "by_code": by_code, "linac": linac, "cobalt": cobalt, "bounds": bounds,
            "surcharge": {k: Decimal(str(v)) for k, v in sur.items()},
            "mlc_modifier": str(params.get("mlc_modifier", "88")),
            "shield_codes": frozenset(str(x) for x in params.get("shield_codes") or ())}


_RANK = {"A": 0, "B": 1, "C": 2}


def energy_group(mv, bounds):
    """A (≤ 8 MV), B (> 8 to 15 MV), C (≥ 16 MV); an energy between B and C is paid as B (the lower group)."""
    if mv <= bounds["A"]:
        return "A"
    if mv <= bounds["B"] or mv < bounds["C"]:
        return "B"
    return "C"


def field_plans(ev, c) -> dict:
    """What each field line (linac or cobalt field code) is paid: {line index: plan} with paid_code, paid_qty,
    basis (government tariff of what is paid, with the equipment surcharges), reasons {clause id: detail} and
    `exceeds` (the requested organisation share is above what the basis allows)."""
    prov = ev.batch.provider
    equipment = set(_v(getattr(prov, "equipment", None), []))
    max_mv = _v(getattr(prov, "linac_max_energy_mv", None))
    lines = [(i, it) for i, it in enumerate(ev.lines()) if _v(it.code) in c["by_code"]]
    if not lines:
        return {}
    course = _course(ev)
    mlc_claimed_doc = bool(ev.fact("rt_mlc_claimed"))
    shield_hist = bool(course_records(ev, c["shield_codes"])) if c["shield_codes"] else False
    shield_doc = any(_v(it.code) in c["shield_codes"] for it in ev.lines())
    shield_in_course = shield_hist or (shield_doc and not mlc_claimed_doc)
    # RT-2-11-N3: the fields of the treatment sheet, by the code they are paid under
    planned = None
    fields = _v(getattr(course, "fields", None)) if course is not None else None
    if isinstance(fields, list) and fields:
        planned = {}
        cm = machine(ev) or "linac"
        for f in fields:
            per, sess = _v(getattr(f, "per_session", None)), _v(getattr(f, "sessions", None))
            cx = _v(getattr(f, "complex_field", None), False)
            mv = _v(getattr(f, "energy_mv", None))
            if not isinstance(per, int) or not isinstance(sess, int):
                planned = None
                break
            if cm == "cobalt":
                code = c["cobalt"][bool(cx)]
            elif _num(mv):
                code = c["linac"][(energy_group(mv, c["bounds"]), bool(cx))]
            else:
                planned = None
                break
            planned[code] = planned.get(code, 0) + per * sess
    billed_earlier: dict = {}
    if planned is not None:
        for r in course_records(ev, frozenset(c["by_code"])):
            billed_earlier[r.code] = billed_earlier.get(r.code, 0) + r.qty
    plans = {}
    for idx, item in lines:
        code = item.code
        m_b, g_b, cx_b = c["by_code"][code]
        reasons: dict = {}
        m = machine(ev, item) or m_b
        # complexity (RT-2-11-N2): simple when no beam shaping and every gantry angle is 0
        cx = cx_b
        shaping = _dv(item, "beam_shaping")
        angles = _dv(item, "gantry_angles")
        if cx_b and shaping == "none" and isinstance(angles, list) and angles and all(a == 0 for a in angles):
            cx = False
            reasons["RT-2-11-N2"] = "بدون شیلد و با زاویهٔ صفر هد دستگاه، فیلد ساده است"
        if m == "cobalt":
            paid = c["cobalt"][cx]
            if m_b == "linac":
                reasons["RT-2-12"] = f"درمان با دستگاه کبالت: کد {fa_digits(paid)}"
        elif m_b == "cobalt":
            paid = c["cobalt"][cx]
        else:
            mv = _dv(item, "energy_mv")
            eg = _dv(item, "energy_group")
            group = None
            if _num(mv):
                group = energy_group(mv, c["bounds"])
            elif eg in _RANK:
                group = eg
            missing = (mv is None and eg in (None, ABSENT)) or (eg is None and mv in (None, ABSENT))
            if group is None and missing:
                cheapest = c["linac"][("A", False)]
                paid = cheapest
                if code != cheapest:
                    reasons["RT-2-11-N1"] = (f"انرژی فیلد نوشته نشده: با حداقل تعرفه (کد {fa_digits(cheapest)}) "
                                             f"محاسبه می‌شود")
            else:
                g = group if group is not None and _RANK[group] < _RANK[g_b] else g_b
                if g != g_b:
                    shown = f"{fa_digits(mv)} مگاولت" if _num(mv) else f"گروه {group}"
                    reasons["RT-2-11"] = f"انرژی فیلد {shown} (گروه {g}) و محاسبه با گروه {g_b}"
                    if _num(max_mv) and energy_group(max_mv, c["bounds"]) == g_b:
                        reasons["RT-2-11-N1"] = (f"ملاک انرژی فیلد درمانی است نه حداکثر انرژی دستگاه "
                                                 f"({fa_digits(max_mv)} مگاولت)")
                paid = c["linac"][(g, cx)]
        q = _qty(item)
        paid_qty = q
        if planned is not None:
            exp = planned.get(paid, 0)
            before = billed_earlier.get(paid, 0)
            left = max(0, exp - before)
            if q > left:
                paid_qty = left
                reasons["RT-2-11-N3"] = (f"برگ پرتودرمانی {fa_digits(exp)} فیلد از این نوع (کد {fa_digits(paid)}) "
                                         f"دارد" + (f"؛ {fa_digits(before)} پیش‌تر محاسبه شده" if before else ""))
            billed_earlier[paid] = before + q
        # surcharges (RT-2-11-N4): MLC and portal film 10 % each on linac fields; no MLC with a shield (RT-2-7-N2)
        pct = Decimal(0)
        if c["by_code"][paid][0] == "linac":
            if "linac_mlc" in equipment and not shield_in_course:
                pct += c["surcharge"].get("linac_mlc", Decimal(0))
            if "linac_portal" in equipment:
                pct += c["surcharge"].get("linac_portal", Decimal(0))
        ev.item = item
        base = gov_price(ev, paid, paid_qty) if paid_qty else 0
        ev.item = None
        if base is None:
            plans[idx] = None
            continue
        basis = rial(Decimal(base) * (Decimal(100) + pct) / Decimal(100))
        exceeds = org_exceeds(ev, item, basis)
        mods = [str(x) for x in _v(getattr(item, "modifiers", None), [])]
        if c["mlc_modifier"] in mods and exceeds:
            allowed = f"مبنای پرداخت {fa_amount(basis)} ریال" + (f" (با {fa_digits(pct)}٪ اضافه)" if pct else "")
            if "linac_mlc" not in equipment:
                reasons["RT-2-11-N4"] = (f"کد تعدیلی {fa_digits(c['mlc_modifier'])} بدون مولتی‌لیف در تجهیزات مرکز؛ "
                                         f"{allowed}")
            elif shield_in_course:
                reasons["RT-2-7-N2"] = f"طراحی و ساخت شیلد در این دوره محاسبه شده؛ {allowed}"
        if exceeds and c["by_code"][paid][0] == "linac" and not reasons:
            # a surcharge priced in (+10 % per device) that the centre's equipment does not earn: the request is
            # above the basis but within what the full surcharges would allow → RT-2-11-N4, not a plain overcharge
            lacking = [k for k in ("linac_mlc", "linac_portal") if k not in equipment and c["surcharge"].get(k)]
            full = pct + sum((c["surcharge"][k] for k in lacking), Decimal(0))
            if lacking and not org_exceeds(ev, item, rial(Decimal(base) * (Decimal(100) + full) / Decimal(100))):
                names = {"linac_mlc": "مولتی‌لیف", "linac_portal": "پورتال فیلم"}
                reasons["RT-2-11-N4"] = ("اضافه تعرفهٔ " + " و ".join(names[k] for k in lacking) + " بدون این تجهیز "
                                         f"در مرکز؛ مبنای پرداخت {fa_amount(basis)} ریال"
                                         + (f" (با {fa_digits(pct)}٪ اضافه)" if pct else ""))
        plans[idx] = {"code": code, "paid_code": paid, "paid_qty": paid_qty, "qty": q, "basis": basis, "pct": pct,
                      "reasons": reasons, "exceeds": exceeds}
    return plans


@register("rt_fields", compile=_compile_fields, levels=("line",))
def rt_fields(rule, ev):
    """Linac and cobalt treatment fields, paid per field-fraction (RT-2-11 … RT-2-12).  One computation, reported
    per clause (`report`): RT-2-11 the energy group of the field used (not of the machine) — a field billed under
    a higher group is paid at its own; RT-2-11-N1 energy not written → the cheapest field 705330; RT-2-11-N2 a field
    without shielding and with head angle 0 is simple; RT-2-11-N3 field-fractions ≤ the treatment sheet's
    (`course.fields`); RT-2-12 cobalt treatment at the cobalt codes; RT-2-11-N4 +10 % for MLC and +10 % for portal
    film on linac fields of an equipped centre (the price basis; a surcharge claimed without the equipment is
    deducted); RT-2-7-N2 no MLC surcharge in a course that was paid a shield."""
    c = rule.compiled
    out = []
    for idx, plan in field_plans(ev, c).items():
        if plan is None:
            continue
        reasons = plan["reasons"]
        changed = plan["paid_code"] != plan["code"] or plan["paid_qty"] != plan["qty"]
        data = {"code": plan["code"], "paid_code": plan["paid_code"], "paid_qty": plan["paid_qty"],
                "basis": plan["basis"], "surcharge_pct": float(plan["pct"])}
        if c["report"] in reasons:
            kw = {}
            if plan["paid_code"] != plan["code"]:
                kw["paid_code"] = plan["paid_code"]
            if plan["paid_qty"] != plan["qty"]:
                kw["paid_qty"] = plan["paid_qty"]
            if plan["paid_qty"] == 0:
                out.append(ev.finding(rule, line=idx, severity="deny", mark="zero", detail_fa=reasons[c["report"]],
                                      data=data))
            else:
                out.append(ev.finding(rule, line=idx, severity="adjust", mark="circle", approved=plan["basis"],
                                      detail_fa=reasons[c["report"]], data=data, **kw))
        elif c["report"] == "RT-2-11-N4" and plan["pct"] and not changed and not reasons:
            # the equipped centre's surcharge: the line's price basis, not a finding
            out.append(ev.finding(rule, line=idx, severity="price", approved=plan["basis"], data=data))
    return out


# ---------------------------------------------------------------------------------------------------- RT-T1 fields


def _compile_field_max(params):
    mode = params.get("mode")
    if mode not in ("above", "at"):
        raise ValueError("mode: above (RT-2-12-N1) | at (RT-2-12-N2)")
    inc = params.get("increase_pct") or {}
    if not all(_num(v) for v in inc.values()):
        raise ValueError("increase_pct: {technique: pct}")
    return {"mode": mode, "field_codes": _codes(params, "field_codes"), "increase": inc, **_compile_table(params)}


def _doc_course_static(ev, c, doc):
    """(course, regions, table maximum, limit, technique, own field-fractions) of a document billing field codes of
    regions RT-T1 knows, else None."""
    c_codes = c["field_codes"]
    items = _v(getattr(doc, "items", None), [])
    lines = [it for it in items if _v(getattr(it, "code", None)) in c_codes]
    if not lines:
        return None
    course = _v(getattr(doc, "course", None))
    ctx_sites = _v(getattr(course, "regions", None), []) if course is not None else []
    regs, _ = treatment_regions(c, ctx_sites)
    if not regs:
        for item in lines:
            r, _ = treatment_regions(c, line_sites(item), ctx_sites)
            regs |= r
    if not regs:
        return None
    rows = [table_row(ev, c, base) for base, _ in regs]
    if any(r is None or "total" not in r for r in rows):
        return None
    base_max = sum(r["total"] for r in rows)
    technique = _v(getattr(course, "technique", None), "conventional") if course is not None else "conventional"
    pct = c["increase"].get(technique, 0)
    limit = base_max + (base_max * pct) // 100
    return course, frozenset(regs), base_max, limit, technique, sum(_qty(it) for it in lines)


def _doc_course_fields(ev, c, doc):
    """The field-fractions of one document's course against RT-T1: (course key, regions, table maximum, limit with
    the technique's increase, field-fractions of the course, technique) — or None when the document bills no field
    code or its regions are not in the table.  The course's earlier documents (history) count; for a document other
    than the one under review its own lines are never taken twice (history already holds the documents before it)."""
    c_codes = c["field_codes"]
    # what the document itself says (its field lines, regions, table row) is read once per run; only the course's
    # earlier documents in the history change as the batch is reviewed
    memo_key = ("rt_course_fields", id(c), id(doc))
    static = ev.ctx.memo.get(memo_key)
    if static is None:
        static = ev.ctx.memo[memo_key] = _doc_course_static(ev, c, doc) or ()
    if not static:
        return None
    course, regs, base_max, limit, technique, own = static
    ins = _v(getattr(doc, "insured", None))
    nid = _v(getattr(ins, "national_id", None)) if ins is not None else None
    cid = _v(getattr(course, "id", None)) if course is not None else None
    earlier = 0
    if doc is ev.doc:
        earlier = sum(r.qty for r in course_records(ev, c_codes))
    elif nid and course is not None:
        start, bid, seq = _v(getattr(course, "start", None)), getattr(ev.batch, "id", None), getattr(doc, "seq", None)
        for r in ev.ctx.history.services(nid, c_codes):
            if r.batch_id == bid and r.seq == seq:
                continue
            rc = getattr(r, "course_id", None)
            if (rc == cid) if (rc is not None and cid is not None) else (start is not None and r.on is not None
                                                                        and r.on >= start):
                earlier += r.qty
    total = earlier + own
    key = (nid, cid) if nid and cid else ("doc", id(doc))
    return key, regs, base_max, limit, total, technique


def _batch_courses(ev, c) -> list:
    """The courses of the batch under review (one provider), one entry per course (its latest document), each as
    `_doc_course_fields`; the document under review first."""
    me = _doc_course_fields(ev, c, ev.doc)
    if me is None:
        return []
    out = {me[0]: me}
    batch = getattr(ev.ctx, "batch", None)
    rxs = _v(getattr(batch, "prescriptions", None), []) if batch is not None else []
    for rx in rxs if isinstance(rxs, list) else ():
        if rx is ev.doc:
            continue
        f = _doc_course_fields(ev, c, rx)
        if f is None or f[0] == me[0]:
            continue
        if f[0] not in out or f[4] > out[f[0]][4]:
            out[f[0]] = f
    return [me] + [v for k, v in out.items() if k != me[0]]


@register("rt_field_max", compile=_compile_field_max, levels=("line",))
def rt_field_max(rule, ev):
    """The treatment fields declared by a centre against the maximum-fields table RT-T1 (+ the technique's increase,
    up to 100 % for IMRT and stereotactic), over the courses of the batch (one centre, one month):
    `mode: above` (RT-2-12-N1) — "متوسط تعداد فیلدهای درمانی در هر ناحیه آناتومیک ... نباید از حداکثر ... بیشتر
    باشد": when the centre's average field-fractions per course of a region exceed the table, each course of that
    region above its maximum is raised for review (one patient above an average within the table is not);
    `mode: at` (RT-2-12-N2) — "یک مرکز برای اکثر درمانهای خود حداکثر تعداد فیلد ... را اعلام می نماید": when more than
    half of the centre's courses are declared exactly at their maximum, each such course is raised for the reviewer
    to check the stamped treatment sheet.  Field-fractions of a course's earlier documents count; a region the table
    does not know is not judged."""
    c = rule.compiled
    me = _doc_course_fields(ev, c, ev.doc)
    # the batch's other courses matter only for a course above (N1) or at (N2) its maximum
    if me is None or (me[4] <= me[3] if c["mode"] == "above" else me[4] not in (me[2], me[3])):
        return []
    courses = _batch_courses(ev, c)
    if not courses:
        return []
    _key, regs, base_max, limit, total, technique = courses[0]
    pct = c["increase"].get(technique, 0)
    last = max(i for i, it in enumerate(ev.lines()) if _v(it.code) in c["field_codes"])
    names = _region_fa(c, regs)
    data = {"regions": sorted(f"{b}{'_' + s if s else ''}" for b, s in regs), "fields": total, "table_max": base_max,
            "limit": limit, "technique": technique, "courses": len(courses)}
    if c["mode"] == "above":
        if total <= limit:
            return []
        peers = [f for f in courses if f[1] == regs]
        mean_total = Decimal(sum(f[4] for f in peers)) / len(peers)
        mean_limit = Decimal(sum(f[3] for f in peers)) / len(peers)
        if mean_total <= mean_limit:
            return []
        data.update(region_courses=len(peers), mean_fields=float(round(mean_total, 1)))
        extra = f" (با {fa_digits(pct)}٪ افزایش برای {technique})" if pct else ""
        avg = (f"؛ میانگین {fa_digits(len(peers))} دورهٔ این ناحیه در مرکز {fa_digits(round(mean_total, 1))}"
               if len(peers) > 1 else "")
        return [ev.finding(rule, line=last, severity="review", mark="circle",
                           detail_fa=f"{fa_digits(total)} شان درمانی در دوره برای {names}؛ حداکثر جدول "
                                     f"{fa_digits(limit)}{extra}{avg} — برگ پرتودرمانی بررسی شود", data=data)]
    at_max = [f for f in courses if f[4] in (f[2], f[3])]
    if total in (base_max, limit) and 2 * len(at_max) > len(courses):
        data.update(courses_at_max=len(at_max))
        return [ev.finding(rule, line=last, severity="review", mark="tick",
                           detail_fa=f"{fa_digits(total)} شان درمانی برای {names}، برابر حداکثر جدول "
                                     f"({fa_digits(len(at_max))} از {fa_digits(len(courses))} دورهٔ مرکز)؛ برگ "
                                     f"پرتودرمانی ممهور بررسی شود", data=data)]
    return []


# ---------------------------------------------------------------------------------------------------- simulation


def _compile_sim_imaging(params):
    pct = params.get("ct_simulator_pct")
    if not _num(pct) or not 0 < pct <= 100:
        raise ValueError("ct_simulator_pct: the share of the imaging tariff paid (0 < pct ≤ 100)")
    chapters = params.get("imaging_chapters") or []
    if not chapters:
        raise ValueError("imaging_chapters: the tariff chapters of imaging services")
    return {"pct": Decimal(str(pct)), "imaging": frozenset(chapters),
            "ct": frozenset(params.get("ct_chapters") or ["ct"]),
            "radiologists": frozenset(params.get("radiologist_specialties") or ["radiology"]),
            "modality": _modality_param(params)}


def _imaging_chapter(code, row):
    """Chapter of a tariff row written without one (interchange §2 leaves `chapter` optional): the imaging codes of
    the relative-value book are 700000–704999 (radiotherapy starts at 705000); a CT row names CT in its description."""
    try:
        n = int(str(code))
    except (TypeError, ValueError):
        return None
    if not 700000 <= n <= 704999:
        return None
    desc = str(getattr(row, "description_fa", None) or "").lower()
    return "ct" if ("سی تی" in desc or "سی‌تی" in desc or "ct" in desc.split() or "ct " in desc) else "radiology"


@register("rt_simulation_imaging", compile=_compile_sim_imaging, levels=("line",))
def rt_simulation_imaging(rule, ev):
    """Imaging billed with a radiotherapy simulation (RT-2-3, RT-3-3): at a centre equipped with a CT simulator
    (`provider.equipment` ct_simulator, or `details.ct_simulator`) the CT is paid at `ct_simulator_pct` % of its
    tariff on top of the simulator code; without a radiologist as technical director the imaging's professional
    component is not paid (technical component only; a row without a technical value → review)."""
    c = rule.compiled
    if c["modality"] and modality(ev) != c["modality"]:
        return []
    prov = ev.batch.provider
    equipment = set(_v(getattr(prov, "equipment", None), []))
    td = _v(getattr(prov, "technical_director", None))
    spec = getattr(td, "specialty", ABSENT) if td is not None else ABSENT
    no_radiologist = _given(spec) and spec not in c["radiologists"]
    out = []
    for idx, item in enumerate(ev.lines()):
        code = _v(item.code)
        row = ev.ctx.tariff_row(code) if code else None
        if row is None:
            continue
        chapter = row.chapter or _imaging_chapter(code, row)
        ct_sim = _dv(item, "ct_simulator") is True or (chapter in c["ct"] and "ct_simulator" in equipment)
        if chapter not in c["imaging"] and not ct_sim:
            continue
        ev.item = item
        try:
            price = ev.ctx.ref.price(code, ev.line_date(), "government", _qty(item))
        except LookupError:
            price = None
        ev.item = None
        if price is None:
            continue
        why = []
        base = price.total
        if no_radiologist:
            if not row.rvu_technical:
                out.append(ev.finding(rule, line=idx, severity="review", mark="circle",
                                      detail_fa=f"مسئول فنی رادیولوژیست نیست: جزء حرفه‌ای خدمت {fa_digits(code)} "
                                                f"پرداخت نمی‌شود و جزء فنی آن در کتاب جدا نشده است — بررسی شود",
                                      data={"code": code}))
                continue
            base = price.technical
            why.append("بدون مسئول فنی رادیولوژیست فقط جزء فنی")
        if ct_sim:
            base = rial(Decimal(base) * c["pct"] / Decimal(100))
            why.append(f"سی‌تی سیمولاتور: {fa_digits(c['pct'])}٪ تعرفهٔ تصویربرداری")
        if why and org_exceeds(ev, item, base):
            out.append(ev.finding(rule, line=idx, severity="adjust", mark="circle", approved=base,
                                  detail_fa="؛ ".join(why) + f" = {fa_amount(base)} ریال",
                                  data={"code": code, "basis": base, "ct_simulator": ct_sim,
                                        "professional_removed": no_radiologist}))
    return out


# ---------------------------------------------------------------------------------------------------- values


def _compile_values(params):
    vals = params.get("values")
    if not isinstance(vals, dict) or not vals or not all(_num(v) and v > 0 for v in vals.values()):
        raise ValueError("values: {code: relative value (> 0)}")
    return {"values": {str(k): Decimal(str(v)) for k, v in vals.items()}, "modality": _modality_param(params)}


@register("rt_value", compile=_compile_values, levels=("line",))
def rt_value(rule, ev):
    """A code at the relative value the manual gives it (RT-2-1 901950 = 5, RT-2-4 705315 = 30, …): the basis is
    value × k_professional (government) × qty; a request whose organisation share is above what that basis allows
    is circled to it."""
    c = rule.compiled
    if c["modality"] and modality(ev) != c["modality"]:
        return []
    out = []
    for idx, item in enumerate(ev.lines()):
        code = _v(item.code)
        rv = c["values"].get(code)
        if rv is None:
            continue
        ev.item = item
        k = k_professional(ev)
        ev.item = None
        if k is None:
            continue
        q = _qty(item)
        basis = rial(rv * k * Decimal(str(q)))
        if org_exceeds(ev, item, basis):
            out.append(ev.finding(rule, line=idx, approved=basis,
                                  detail_fa=f"کد {fa_digits(code)} با ارزش نسبی {fa_digits(format(rv, 'f'))} × "
                                            f"{fa_digits(q)} = {fa_amount(basis)} ریال",
                                  data={"code": code, "rv": float(rv), "qty": q, "basis": basis}))
    return out


# ---------------------------------------------------------------------------------------------------- MDR


def _compile_percent(params):
    pct = params.get("pct")
    if not _num(pct) or not 0 < pct < 100:
        raise ValueError("pct: the share paid (0 < pct < 100)")
    return {"codes": _codes(params), "pct": Decimal(str(pct)), "machine": str(params.get("machine") or "mdr")}


@register("rt_machine_percent", compile=_compile_percent, levels=("line",))
def rt_machine_percent(rule, ev):
    """A code paid at `pct` % of its tariff on a given machine (RT-3-5-N1: 705505 on an MDR machine at 70 %). The
    machine is `details.machine`, else `course.machine`, else the centre's only brachytherapy machine
    (`provider.equipment`)."""
    c = rule.compiled
    equipment = set(_v(getattr(ev.batch.provider, "equipment", None), []))
    out = []
    for idx, item in enumerate(ev.lines()):
        if _v(item.code) not in c["codes"]:
            continue
        m = machine(ev, item)
        if m is None and "brachy_mdr" in equipment and "brachy_hdr" not in equipment:
            m = "mdr"
        if m != c["machine"]:
            continue
        ev.item = item
        t = gov_price(ev, item.code, _qty(item))
        ev.item = None
        if t is None:
            continue
        basis = rial(Decimal(t) * c["pct"] / Decimal(100))
        if org_exceeds(ev, item, basis):
            out.append(ev.finding(rule, line=idx, approved=basis,
                                  detail_fa=f"دستگاه {c['machine'].upper()}: {fa_digits(c['pct'])}٪ تعرفهٔ کد "
                                            f"{fa_digits(item.code)} = {fa_amount(basis)} ریال",
                                  data={"code": item.code, "tariff": t, "pct": float(c["pct"]), "basis": basis}))
    return out


# ---------------------------------------------------------------------------------------------------- franchise


def _compile_franchise(params):
    ranges = params.get("ranges") or []
    if not ranges or not all(isinstance(r, list) and len(r) == 2 for r in ranges):
        raise ValueError("ranges: [[first code, last code], …]")
    f = params.get("franchise", 0)
    if not _num(f) or not 0 <= f < 1:
        raise ValueError("franchise: a fraction (0 ≤ f < 1)")
    return {"ranges": [(str(a), str(b)) for a, b in ranges], "franchise": f}


@register("rt_franchise", compile=_compile_franchise, levels=("line",))
def rt_franchise(rule, ev):
    """Outpatient radiotherapy is franchise-free (RT-3-5-N2): a line whose code is in `ranges`, on a document not
    served to an inpatient, gets the line franchise `franchise` (0).  A `price` result (never reported) carrying
    `data.franchise`; the amount stage applies it where it supports a line's own franchise."""
    c = rule.compiled
    if getattr(ev.doc, "setting", ABSENT) == "inpatient":
        return []
    out = []
    for idx, item in enumerate(ev.lines()):
        if _in_ranges(_v(item.code), c["ranges"]):
            out.append(ev.finding(rule, line=idx, severity="price", approved=None,
                                  data={"code": item.code, "franchise": c["franchise"]}))
    return out
