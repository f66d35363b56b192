"""Check kinds of the hospital-bill rules (rules/inpatient.yaml: INP-*, rules/rvu.yaml: RVU-*).

How a bill is reviewed is in desktop/inpatient/bill.py and docs/inpatient-rules.md. The kinds:

* `bill_calc` (phase B) — a calculation step of a heading calculator (`params.calc`, or `calcs: [...]`), with the
  clause's numbers as params. It reports only where its step explains a heading's deduction (or raises a review).
  Severity `price` = a silent step (a number, a switch).
* `bill_condition` (phase A) — a condition (engine.conditions) on the bill (`over: bill`) or on each of its records
  (`over: procedures | anesthesia | visits | consultations | stays | pain_management | lines`). A finding on a record
  takes that record out of its heading's calculation (`data` names it: procedure, anesthesia, visit, consultation;
  `part: assistant` only the assistant's share); on a heading line it zeroes / raises that line; on the bill with a
  `heading` it zeroes / raises the heading; on the bill without one it zeroes the whole bill (deny).
* `bill_global_includes` — a global-package bill: headings and lines inside the package (INP-22-5, INP-22-8) with
  the package's exceptions (INP-22-3, INP-22-4, INP-10-H-3).
* `bill_bundled` — a procedure (codes or a code group) not payable with another (codes or group) of the same session.
* `addon_alone` — RVU-PLUS: an add-on (+) code with no primary service in the same session / prescription.
* `bill_accident_window` — INP-23-A-3: a traffic accident within two months of the first discharge.
* `bill_procedure_frequency` — at most N of a code per eye / stone / … over the insured's history (INP-10-K-4, …).
* `bill_line_repeat` — a heading line's code at most N times per bill / per month (INP-19-3, INP-17-6).
* `bill_simultaneous_anesthesia` — RVU-44: the third patient of one anaesthesiologist at once, over the history.
* `bill_assistant_absent_month` — INP-11-B: a resident found absent loses his assistant fees of that month.

Derived facts for conditions: `$bill_class`, `$global_bill`, `$stay_hours`, `$bed_days`, `$age_years`,
`$teaching`, `$has_anesthesia`, `$bill_codes`, `$session_codes`, `$procedure_rv`, `$visit_by_surgeon`,
`$visit_by_performer`, `$visit_by_anesthesiologist`, `$visit_ward`, `$in_house_physician`, `$icu_thirty_deducted`,
`$line_ward`, `$line_chapter_bill`, `$package_name`, `$anesthesia_by_surgeon`, `$surgeon_ids`, `$assistant_is_surgeon`,
`$stay_wards`, `$global_cap`.
"""
from __future__ import annotations

import re

from desktop.domain.absent import ABSENT
from desktop.domain.fa import fa_amount, fa_digits
from desktop.engine.conditions import compile_condition, fields_of, resolve_path
from desktop.engine.evaluate import fact
from desktop.engine.rules import register
from desktop.inpatient.bill import CALC_STEPS, HEADINGS, LINE_HEADINGS, current_review, package_exception, v

RECORDS = {"procedures": ("procedure", "surgeon"), "anesthesia": ("anesthesia", "anesthesia"),
           "visits": ("visit", "visits"), "consultations": ("consultation", "consultations"),
           "stays": ("stay", "hoteling"), "pain_management": ("pain", "anesthesia")}


def _scalar(x):
    if x is ABSENT:
        return None
    if isinstance(x, list):
        return [str(i) for i in x]
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if hasattr(x, "ordinal") or hasattr(x, "stamp"):
        return str(x)
    return type(x).__name__


# ---------------------------------------------------------------------------------------------------- facts


@fact("bill_class")
def _f_class(ev):
    return current_review(ev).bill_class() if ev.kind == "bill" else ABSENT


@fact("global_bill")
def _f_global(ev):
    return current_review(ev).global_bill if ev.kind == "bill" else False


@fact("package_name")
def _f_package(ev):
    gp = v(getattr(ev.doc, "global_package", None))
    return v(getattr(gp, "name", None)) if gp is not None else None


@fact("stay_wards")
def _f_stay_wards(ev):
    """INP-22-6 / INP-22-8: the wards of the bill's stays (a list, for `has` / `any_in`)."""
    if ev.kind != "bill":
        return ABSENT
    return [v(getattr(st, "ward", None)) for st in v(getattr(ev.doc, "stays", None), []) or []]


@fact("stay_hours")
def _f_stay_hours(ev):
    m = current_review(ev).stay_minutes if ev.kind == "bill" else None
    return ABSENT if m is None else m / 60


@fact("bed_days")
def _f_bed_days(ev):
    return current_review(ev).bed_days() if ev.kind == "bill" else ABSENT


@fact("age_years")
def _f_age(ev):
    if ev.kind != "bill":
        return ABSENT
    a = current_review(ev).insured_age()
    return ABSENT if a is None else a


@fact("teaching")
def _f_teaching(ev):
    """INP-11-A-1: a teaching centre — provider.teaching, or a government-university hospital when not given."""
    t = getattr(ev.batch.provider, "teaching", ABSENT)
    if t is not ABSENT and t is not None:
        return t
    return getattr(ev.batch.provider, "sector", None) == "government_university"


@fact("has_anesthesia")
def _f_has_anesthesia(ev):
    return bool(v(getattr(ev.doc, "anesthesia", None), []))


@fact("bill_codes")
def _f_bill_codes(ev):
    return [p.code for p in v(getattr(ev.doc, "procedures", None), []) if v(getattr(p, "code", None))]


@fact("session_codes")
def _f_session_codes(ev):
    """Codes of the procedures of the current record's session (all procedures when no session is recorded)."""
    item = ev.item
    sess = v(getattr(item, "session", None)) if item is not None else None
    return [p.code for p in v(getattr(ev.doc, "procedures", None), [])
            if v(getattr(p, "code", None)) and (sess is None or v(getattr(p, "session", None)) in (None, sess))]


@fact("earlier_operation_in_bill")
def _f_earlier_op(ev):
    """INP-10-D-1: another procedure of this bill (this admission) was done before the current one — an earlier
    date, or the same date in an earlier session."""
    item = ev.item
    if item is None:
        return ABSENT
    on, sess = v(getattr(item, "on", None)), v(getattr(item, "session", None))
    if on is None:
        return ABSENT
    for p in v(getattr(ev.doc, "procedures", None), []):
        if p is item:
            continue
        po, ps = v(getattr(p, "on", None)), v(getattr(p, "session", None))
        if po is None:
            continue
        if po < on or (po == on and sess is not None and ps is not None and ps < sess):
            return True
    return False


@fact("peripheral_angiography_share")
def _f_peripheral_share(ev):
    """INP-10-D-6-N1: of the coronary angiographies (code group `coronary_angiography`) the current record's
    physician did in the bills of the batch under review (the month), the share done together with a peripheral
    angiography (group `peripheral_angiography`) in the same session. Physician = the surgeon's council number."""
    item = ev.item
    sg = v(getattr(item, "surgeon", None)) if item is not None else None
    who = v(getattr(sg, "council_no", None)) if sg is not None else None
    if not who:
        return ABSENT
    coronary = ev.ctx.code_group("coronary_angiography", ev.date)
    peripheral = ev.ctx.code_group("peripheral_angiography", ev.date)
    bills = v(getattr(ev.ctx.batch, "bills", None), []) if ev.ctx.batch is not None else []
    if not any(b is ev.doc for b in bills):
        bills = list(bills) + [ev.doc]
    total = paired = 0
    for b in bills:
        procs = v(getattr(b, "procedures", None), [])
        for p in procs:
            ps = v(getattr(p, "surgeon", None))
            if v(getattr(p, "code", None)) not in coronary or ps is None or str(v(getattr(ps, "council_no", None))) != str(who):
                continue
            total += 1
            sess = v(getattr(p, "session", None))
            if any(v(getattr(q, "code", None)) in peripheral and v(getattr(q, "session", None)) == sess for q in procs):
                paired += 1
    return paired / total if total else ABSENT


@fact("procedure_rv")
def _f_proc_rv(ev):
    item = ev.item
    row = ev.ctx.tariff_row(v(getattr(item, "code", None))) if item is not None else None
    if row is None or row.rvu_professional is None:
        return ABSENT
    return float(row.rvu_professional)


def _ids(people):
    out = set()
    for p in people:
        if p is None:
            continue
        c = v(getattr(p, "council_no", None))
        if c:
            out.add(str(c))
    return out


@fact("surgeon_ids")
def _f_surgeons(ev):
    return sorted(_ids(v(getattr(p, "surgeon", None)) for p in v(getattr(ev.doc, "procedures", None), [])))


@fact("visit_by_surgeon")
def _f_visit_surgeon(ev):
    """INP-8-3: the visiting physician operated on the patient in this admission.

    A bedside (ward) or cath-lab procedure such as an endoscopy or an angiography is not an operation: the
    daily visits of the physician who does it during an admission stay payable (ماده ۸-۱۱ and its تبصره ۲)."""
    pr = v(getattr(ev.item, "prescriber", None)) if ev.item is not None else None
    c = v(getattr(pr, "council_no", None)) if pr is not None else None
    if not c:
        return False
    ops = [p for p in v(getattr(ev.doc, "procedures", None), [])
           if v(getattr(p, "place", None)) not in ("ward", "cath_lab")]
    return str(c) in _ids(v(getattr(p, "surgeon", None)) for p in ops)


@fact("visit_by_performer")
def _f_visit_performer(ev):
    """INP-10-D-9: the visiting physician performed one of the bill's procedures, wherever it was done — an
    interventional cardiac procedure is done in the cath lab, and the visits before and after it are the ones the
    clause refuses («ویزیت قبل و بعد از اعمال Interventional و جراحی قلب قابل محاسبه نمی باشد»)."""
    pr = v(getattr(ev.item, "prescriber", None)) if ev.item is not None else None
    c = v(getattr(pr, "council_no", None)) if pr is not None else None
    if not c:
        return False
    return str(c) in _ids(v(getattr(p, "surgeon", None)) for p in v(getattr(ev.doc, "procedures", None), []))


@fact("visit_by_anesthesiologist")
def _f_visit_anes(ev):
    pr = v(getattr(ev.item, "prescriber", None)) if ev.item is not None else None
    c = v(getattr(pr, "council_no", None)) if pr is not None else None
    return bool(c) and str(c) in _ids(v(getattr(a, "anesthesiologist", None))
                                      for a in v(getattr(ev.doc, "anesthesia", None), []))


def _ward_on(ev, day, minute=None):
    if day is None:
        return ABSENT
    best = ABSENT
    for s in v(getattr(ev.doc, "stays", None), []):
        if v(getattr(s, "patient", None), "insured") == "newborn":
            continue
        f, t = v(getattr(s, "from_", None)), v(getattr(s, "to", None))
        if f is None or t is None:
            continue
        if f.date <= day <= t.date:
            if minute is not None:
                stamp = day.ordinal * 1440 + minute
                if f.stamp <= stamp < t.stamp:
                    return v(getattr(s, "ward", None))
            best = v(getattr(s, "ward", None))
    return best


@fact("visit_ward")
def _f_visit_ward(ev):
    item = ev.item
    at = v(getattr(item, "at", None)) if item is not None else None
    if at is not None:
        return _ward_on(ev, at.date, at.minute)
    return _ward_on(ev, v(getattr(item, "on", None)) if item is not None else None)


@fact("line_ward")
def _f_line_ward(ev):
    item = ev.item
    w = v(getattr(item, "ward", None)) if item is not None else None
    if w is not None:
        return w
    on = v(getattr(item, "on", None)) if item is not None else None
    if on is None:
        # an undated line of a bill whose insured stayed in one ward only was used in that ward
        wards = {v(getattr(s, "ward", None)) for s in v(getattr(ev.doc, "stays", None), [])
                 if v(getattr(s, "patient", None), "insured") != "newborn"}
        return wards.pop() if len(wards) == 1 and None not in wards else ABSENT
    return _ward_on(ev, on)


@fact("in_house_physician")
def _f_in_house(ev):
    """INP-8-8 / INP-8-10: the visiting physician is the ICU's in-house (on-duty) physician."""
    pr = v(getattr(ev.item, "prescriber", None)) if ev.item is not None else None
    if pr is None:
        return False
    if v(getattr(pr, "role", None)) == "in_house_physician":
        return True
    icu = v(getattr(ev.batch.provider, "icu", None))
    ids = v(getattr(icu, "in_house_physicians", None), []) if icu is not None else []
    c = v(getattr(pr, "council_no", None))
    return bool(c) and str(c) in [str(x) for x in ids]


@fact("technical_manager")
def _f_tech_manager(ev):
    pr = v(getattr(ev.item, "prescriber", None)) if ev.item is not None else None
    if pr is None:
        return False
    if v(getattr(pr, "role", None)) == "technical_manager":
        return True
    icu = v(getattr(ev.batch.provider, "icu", None))
    tm = v(getattr(icu, "technical_manager", None)) if icu is not None else None
    c = v(getattr(pr, "council_no", None))
    return bool(c) and tm is not None and str(c) == str(tm)


@fact("icu_thirty_deducted")
def _f_icu30(ev):
    """INP-8-9: the ICU's 30 % in-house share is deducted (5 beds or more and no in-house physician)."""
    icu = v(getattr(ev.batch.provider, "icu", None))
    if icu is None:
        return False
    beds = v(getattr(icu, "beds", None))
    return beds is not None and beds >= 5 and v(getattr(icu, "in_house_physician", None), True) is False


@fact("line_chapter_bill")
def _f_line_chapter(ev):
    row = ev.ctx.tariff_row(v(getattr(ev.item, "code", None))) if ev.item is not None else None
    return row.chapter if row is not None and row.chapter else ABSENT


@fact("anesthesia_by_surgeon")
def _f_anes_by_surgeon(ev):
    """RVU-45: the anaesthesia of the record was given by the treating (operating) physician."""
    a = ev.item
    if a is None:
        return False
    if v(getattr(a, "performed_by", None)) == "surgeon":
        return True
    person = v(getattr(a, "anesthesiologist", None))
    c = v(getattr(person, "council_no", None)) if person is not None else None
    return bool(c) and str(c) in _f_surgeons(ev)


@fact("assistant_is_surgeon")
def _f_assist_surgeon(ev):
    p = ev.item
    a = v(getattr(p, "assistant", None)) if p is not None else None
    s = v(getattr(p, "surgeon", None)) if p is not None else None
    ca = v(getattr(a, "council_no", None)) if a is not None else None
    cs = v(getattr(s, "council_no", None)) if s is not None else None
    return bool(ca) and ca == cs


@fact("visit_on_anesthesia_day")
def _f_visit_anes_day(ev):
    """RVU-ANES-BASE: the visit is on the date of an anaesthesia of this bill."""
    on = v(getattr(ev.item, "on", None)) if ev.item is not None else None
    if on is None:
        return False
    for a in v(getattr(ev.doc, "anesthesia", None), []):
        s = v(getattr(a, "start", None)) or v(getattr(a, "surgery_start", None))
        if s is not None and s.date == on:
            return True
    return False


@fact("line_flags_bill")
def _f_flags(ev):
    row = ev.ctx.tariff_row(v(getattr(ev.item, "code", None))) if ev.item is not None else None
    return (row.flags or "") if row is not None else ABSENT


@fact("chemo_on_visit_day")
def _f_chemo_on_visit(ev):
    """INP-17-1: a chemotherapy line (params code list in INP-17-1: the chemo codes) on the visit's date."""
    item = ev.item
    on = v(getattr(item, "on", None)) if item is not None else None
    if on is None:
        return False
    chemo = {"901533", "901540", "901550", "901555", "901565"}
    review = current_review(ev)
    for name in LINE_HEADINGS:
        for line in review.heading_lines(name):
            if v(getattr(line, "code", None)) in chemo and v(getattr(line, "on", None)) in (None, on):
                return True
    return False


@fact("age_days")
def _f_age_days(ev):
    if ev.kind != "bill":
        return ABSENT
    r = current_review(ev)
    b, a = r.birth, r.admitted
    if b is None:
        return ABSENT
    return (a.date if a is not None else ev.date) - b


@fact("or_list_lines")
def _f_or_lines(ev):
    """INP-4-B-11: drug or supply lines from the operating-room list."""
    review = current_review(ev)
    return any(v(getattr(l, "list", None)) == "operating_room"
               for h in ("drugs", "supplies") for l in review.heading_lines(h))


@fact("implant_has_specific_code")
def _f_implant_code(ev):
    """INP-10-B-5: the implant removed has a specific removal code (params.implant_removal_codes)."""
    det = v(getattr(ev.item, "details", None)) if ev.item is not None else None
    imp = v(getattr(det, "implant", None)) if det is not None else None
    if imp is None:
        return False
    table = ev.ctx.param("implant_removal_codes", ev.date, default=None) or {}
    code = table.get(imp)
    return code is not None and code != v(getattr(ev.item, "code", None))


@fact("in_package_codes")
def _f_in_package(ev):
    """INP-22-8: the procedure's code is one that must be billed as a global package."""
    code = v(getattr(ev.item, "code", None)) if ev.item is not None else None
    table = ev.ctx.param("global_package_codes", ev.date, default=None) or {}
    return code is not None and any(code in codes for codes in table.values())


@fact("global_cap")
def _f_global_cap(ev):
    """INP-22-8 / INP-10-H-1: whether an itemised global operation is capped at its global tariff — `applied`, or
    why not: `global_bill`, `off`, `no_package`, `exit` (INP-22-6, INP-22-10 53), `no_tariff` (BillReview.
    global_cap_basis). The review stays where the cap cannot be computed."""
    return current_review(ev).global_cap_basis()["state"] if ev.kind == "bill" else ABSENT


@fact("invited_specialty_on_staff")
def _f_invited_on_staff(ev):
    """INP-9-8: the invited consultant's specialty exists in the hospital (provider.specialties_on_staff)."""
    pr = v(getattr(ev.item, "prescriber", None)) if ev.item is not None else None
    spec = v(getattr(pr, "specialty", None)) if pr is not None else None
    staff = getattr(ev.batch.provider, "specialties_on_staff", ABSENT)
    if spec is None or staff in (ABSENT, None):
        return False
    return spec in staff


@fact("has_desferal")
def _f_desferal(ev):
    """INP-17-5: the bill gives deferoxamine (a drug line named desferal / deferoxamine)."""
    review = current_review(ev)
    for line in review.heading_lines("drugs") + review.heading_lines("other"):
        text = " ".join(str(x) for x in (v(getattr(line, "name", None)), v(getattr(line, "drug", None))) if x).lower()
        if any(w in text for w in ("desferal", "deferoxamine", "دسفرال", "دفروکسامین")):
            return True
    return False


def _is_desferal(line) -> bool:
    text = " ".join(str(x) for x in (v(getattr(line, "name", None)), v(getattr(line, "drug", None))) if x).lower()
    return any(w in text for w in ("desferal", "deferoxamine", "دسفرال", "دفروکسامین"))


@fact("desferal_only")
def _f_desferal_only(ev):
    """INP-17-5: a desferal-injection bill — every drug (and other-service) line is deferoxamine and no operation or
    procedure is billed, so every consumable belongs to the desferal injection."""
    review = current_review(ev)
    lines = review.heading_lines("drugs") + review.heading_lines("other")
    if not lines or not all(_is_desferal(x) for x in lines):
        return False
    return not v(getattr(ev.doc, "procedures", None), [])


# ---------------------------------------------------------------------------------------------------- bill_calc


def _compile_calc(params):
    calcs = params.get("calcs") or ([params["calc"]] if params.get("calc") else [])
    if not calcs:
        raise ValueError("bill_calc needs `calc` (or `calcs`)")
    unknown = [c for c in calcs if c not in CALC_STEPS]
    if unknown:
        raise ValueError(f"unknown calc step(s) {unknown} (known: {', '.join(sorted(CALC_STEPS))})")
    return {"calcs": tuple(calcs)}


@register("bill_calc", compile=_compile_calc, levels=("document",))
def bill_calc(rule, ev):
    """A calculation step of a bill heading (desktop.inpatient.bill); reports where it explains a deduction."""
    if ev.kind != "bill" or rule.severity == "price":
        return []
    review = current_review(ev)
    calcs = rule.compiled["calcs"]
    out = []
    if "burn_tbsa" in calcs:
        out += _burn(rule, ev, review)
    for name in HEADINGS:
        if review.heading(name) is None:
            continue
        for calc, eff, share, line in review.citations(name):
            # a step two rules share (the RVU guide's clause and its restatement in ماده ۱۱ / ۱۲: RVU-27-N1..N3 and
            # INP-12-1..3, RVU-80 and INP-11-A) is cited under both; its Rials go to the first (engine.bills)
            if calc not in calcs or calc not in review.calc_rules:
                continue
            kind = eff.kind if eff is not None else "reduce"
            if line is not None:
                hc = review.heading(name)
                lc = hc.lines[line]
                approved = review.line_approved(name, lc)
                paid_code = lc.paid_code
            else:
                approved = review.approved(name)
                paid_code = None
            if kind == "review":
                sev, mark = "review", "circle"
            elif approved == 0:
                sev, mark = "deny", "zero"
            else:
                sev, mark = "adjust", "circle"
            detail = eff.detail_fa if eff is not None and eff.detail_fa else None
            data = dict(eff.data) if eff is not None else {}
            data.update({"heading": name, "deducted": share})
            if approved is not None and kind != "review":
                data["approved"] = approved
            if detail is None and kind != "review":
                hc = review.heading(name)
                comp = hc.lines[line].computed if line is not None else hc.computed
                detail = f"مبلغ قابل پرداخت طبق تعرفه دولتی {fa_amount(comp)} ریال"
            out.append(ev.finding(rule, heading=name, line=line, severity=sev, mark=mark,
                                  approved=None if kind == "review" else approved, paid_code=paid_code,
                                  detail_fa=detail, data=data))
    return out


def _burn(rule, ev, review):
    info = review.burn_tbsa()
    if info is None:
        return []
    review.computed["burn"] = info
    burn = v(getattr(ev.doc, "burn", None))
    declared = v(getattr(burn, "tbsa_declared", None))
    tol = float(rule.params.get("tolerance_percent", 1))
    if declared is None or abs(float(declared) - info["tbsa_percent"]) <= tol:
        return []
    return [ev.finding(rule, severity="review", mark="circle",
                       detail_fa=f"درصد سوختگی اعلام‌شده {fa_digits(declared)}٪؛ طبق جدول قانون ۹ "
                                 f"{fa_digits(info['tbsa_percent'])}٪",
                       data={"tbsa_declared": float(declared), **info})]


# ---------------------------------------------------------------------------------------------------- bill_condition


def _compile_bill_condition(params):
    over = params.get("over", "bill")
    if over not in ("bill", "lines") and over not in RECORDS:
        raise ValueError(f"over: bill | lines | {' | '.join(RECORDS)}")
    if over == "lines":
        hs = params.get("headings") or []
        bad = [h for h in hs if h not in LINE_HEADINGS]
        if not hs or bad:
            raise ValueError(f"over: lines needs `headings` among {', '.join(LINE_HEADINGS)}")
    if "when" not in params:
        raise ValueError("bill_condition needs `when`")
    h = params.get("heading")
    if h is not None and h not in HEADINGS:
        raise ValueError(f"heading {h!r} is not a bill heading ({', '.join(HEADINGS)})")
    return {"over": over, "when": compile_condition(params["when"]),
            "unless": compile_condition(params["unless"]) if "unless" in params else None,
            "readers": [(p, resolve_path(p)) for p in fields_of(params["when"])],
            "heading": h, "headings": tuple(params.get("headings") or ()), "part": params.get("part"),
            "paid_code": params.get("paid_code"), "paid_qty": params.get("paid_qty"), "percent": params.get("percent"),
            # the paid code looked up in a parameters table by a fact of the record (INP-10-B-5: the implant's own
            # removal code, params.implant_removal_codes[details.implant])
            "paid_code_from": _paid_code_from(params.get("paid_code_from"))}


def _paid_code_from(spec):
    if spec is None:
        return None
    if not isinstance(spec, dict) or set(spec) != {"param", "key"} or not isinstance(spec["key"], str):
        raise ValueError("paid_code_from: {param: <parameters table>, key: <condition path, e.g. item.details.implant>}")
    return str(spec["param"]), resolve_path(spec["key"])


def _looked_up_code(ev, spec):
    table, path = spec
    key = path(ev)
    if key in (ABSENT, None):
        return None
    code = (ev.ctx.param(table, ev.date, default=None) or {}).get(key)
    return str(code) if code is not None else None


def _data(ev, readers):
    d = {}
    for path, read in readers:
        x = read(ev)
        if x is ABSENT:
            continue
        d[path] = _scalar(x)
    return d


@register("bill_condition", compile=_compile_bill_condition, levels=("document", "line"))
def bill_condition(rule, ev):
    """A condition on the bill or on each of its records / heading lines (see the module docstring)."""
    if ev.kind != "bill":
        return []
    c = rule.compiled
    when, unless = c["when"], c["unless"]
    out = []
    if c["over"] == "bill":
        ev.item = None
        if when(ev) and not (unless and unless(ev)):
            out.append(ev.finding(rule, heading=c["heading"], data=_data(ev, c["readers"])))
        return out
    if c["over"] == "lines":
        review = current_review(ev)
        for h in c["headings"]:
            for j, line in enumerate(review.heading_lines(h)):
                ev.item, ev.index = line, j
                if when(ev) and not (unless and unless(ev)):
                    data = {"heading": h, "line": j + 1, "code": v(getattr(line, "code", None)),
                            "name": v(getattr(line, "name", None))}
                    data.update(_data(ev, c["readers"]))
                    detail = None
                    if rule.detail_fa:
                        try:
                            detail = rule.detail_fa.format(**{k: fa_digits(x) for k, x in data.items()})
                        except (KeyError, IndexError, ValueError):
                            detail = rule.detail_fa
                    elif data.get("code") or data.get("name"):
                        detail = f"ردیف {fa_digits(j + 1)}: {fa_digits(data.get('code') or data.get('name'))}"
                    kw = {}
                    if c["paid_code"] is not None:
                        kw["paid_code"] = str(c["paid_code"])
                    if c["paid_qty"] is not None:
                        kw["paid_qty"] = c["paid_qty"]
                    out.append(ev.finding(rule, heading=h, line=j, data=data, detail_fa=detail, **kw))
        ev.item = ev.index = None
        return out
    key, default_heading = RECORDS[c["over"]]
    heading = c["heading"] or ("assistant_surgeon" if c["part"] == "assistant" else default_heading)
    for i, rec in enumerate(v(getattr(ev.doc, c["over"], None), [])):
        ev.item, ev.index = rec, i
        if when(ev) and not (unless and unless(ev)):
            data = {key: i + 1}
            if c["part"]:
                data["part"] = c["part"]
            if c["percent"] is not None:
                data["percent"] = c["percent"]
            code = v(getattr(rec, "code", None))
            if code:
                data["code"] = code
            data.update(_data(ev, c["readers"]))
            detail = None
            if rule.detail_fa:
                try:
                    detail = rule.detail_fa.format(**{k: fa_digits(x) for k, x in data.items()})
                except (KeyError, IndexError, ValueError):
                    detail = rule.detail_fa
            else:
                label = {"procedure": "عمل", "anesthesia": "بیهوشی", "visit": "ویزیت", "consultation": "مشاوره",
                         "stay": "اقامت", "pain": "مدیریت درد"}[key]
                detail = f"{label} ردیف {fa_digits(i + 1)}" + (f" (کد {fa_digits(code)})" if code else "")
            kw = {}
            if c["paid_code"] is not None:
                kw["paid_code"] = str(c["paid_code"])
            if c["paid_code_from"] is not None:
                looked = _looked_up_code(ev, c["paid_code_from"])
                if looked is None:
                    continue
                kw["paid_code"] = data["paid_code"] = looked
            if c["paid_qty"] is not None:
                kw["paid_qty"] = c["paid_qty"]
            out.append(ev.finding(rule, heading=heading, data=data, detail_fa=detail, **kw))
    ev.item = ev.index = None
    return out


# ---------------------------------------------------------------------------------------------------- global package


def _compile_includes(params):
    hs = params.get("headings") or []
    bad = [h for h in hs if h not in HEADINGS or h == "global_package"]
    if not hs or bad:
        raise ValueError(f"`headings` among {', '.join(h for h in HEADINGS if h != 'global_package')}")
    return {"headings": tuple(hs), "except_codes": frozenset(str(x) for x in params.get("except_codes") or ()),
            "except_chapters": frozenset(params.get("except_chapters") or ()),
            "except_groups": tuple(params.get("except_groups") or ()),
            "except_prosthesis": bool(params.get("except_prosthesis")),
            "except_labour_analgesia": bool(params.get("except_labour_analgesia"))}


@register("bill_global_includes", compile=_compile_includes, levels=("document",))
def bill_global_includes(rule, ev):
    """A global-package bill: what the package includes is not billed apart (its exceptions are added)."""
    if ev.kind != "bill":
        return []
    review = current_review(ev)
    if not review.global_bill:
        return []
    c = rule.compiled
    out = []
    for h in c["headings"]:
        R = review.requested(h)
        if R is None:
            continue
        if h == "anesthesia" and c["except_labour_analgesia"] and review.sector_gov and any(
                v(getattr(a, "method", None)) == "epidural_labour_analgesia" for a in review.records("anesthesia")):
            continue
        lines = review.heading_lines(h)
        if not lines:
            if R > 0:
                out.append(ev.finding(rule, heading=h, data={"heading": h, "requested": R},
                                      detail_fa=f"سرفصل {_HEADING_FA.get(h, h)} در سرجمع گلوبال منظور است"))
            continue
        for j, line in enumerate(lines):
            if _excepted(ev, c, line):
                continue
            out.append(ev.finding(rule, heading=h, line=j,
                                  data={"heading": h, "line": j + 1, "code": v(getattr(line, "code", None)),
                                        "name": v(getattr(line, "name", None))},
                                  detail_fa=f"{_HEADING_FA.get(h, h)} ردیف {fa_digits(j + 1)} در سرجمع گلوبال منظور است"))
    return out


def _excepted(ev, c, line) -> bool:
    return package_exception(ev.ctx, ev.date, c, line)


_HEADING_FA = {"hoteling": "هتلینگ", "nursing": "خدمات پرستاری", "visits": "ویزیت", "consultations": "مشاوره",
               "surgeon": "حق‌العمل جراح", "assistant_surgeon": "کمک جراح", "anesthesia": "بیهوشی",
               "operating_room": "اتاق عمل", "drugs": "دارو", "supplies": "لوازم مصرفی", "lab": "آزمایشگاه",
               "imaging": "تصویربرداری", "physiotherapy": "فیزیوتراپی", "other": "سایر خدمات"}


# ---------------------------------------------------------------------------------------------------- bundling


def _codes_or_group(params, prefix):
    codes = params.get(f"{prefix}codes")
    group = params.get(f"{prefix}group")
    if not codes and not group:
        raise ValueError(f"needs `{prefix}codes` or `{prefix}group`")
    return frozenset(str(x) for x in codes or ()), group


def _compile_bundled(params):
    a = _codes_or_group(params, "")
    b = None if params.get("with_any") else _codes_or_group(params, "with_")
    same = params.get("same", "session")
    if same not in ("session", "bill", "region"):
        raise ValueError("same: session | bill | region")
    return {"codes": a, "with": b, "same": same, "same_field": params.get("same_field"),
            "with_when": compile_condition(params["with_when"]) if "with_when" in params else None,
            "percent": params.get("percent")}


def _in(ev, spec, code):
    codes, group = spec
    return code in codes or (group is not None and code in ev.ctx.code_group(group, ev.date))


@register("bill_bundled", compile=_compile_bundled, levels=("line",))
def bill_bundled(rule, ev):
    """A procedure of `codes` is not payable with a procedure of `with_codes` in the same session (or bill)."""
    if ev.kind != "bill":
        return []
    c = rule.compiled
    procs = v(getattr(ev.doc, "procedures", None), [])
    out = []
    for i, p in enumerate(procs):
        code = v(getattr(p, "code", None))
        if code is None or not _in(ev, c["codes"], code):
            continue
        for j, q in enumerate(procs):
            if j == i:
                continue
            qc = v(getattr(q, "code", None))
            if qc is None or (c["with"] is not None and not _in(ev, c["with"], qc)) or qc == code:
                continue
            if c["same"] in ("session", "region") and v(getattr(p, "session", None)) != v(getattr(q, "session", None)):
                continue
            dp, dq = v(getattr(p, "details", None)), v(getattr(q, "details", None))
            if c["same"] == "region":
                rp = v(getattr(dp, "region", None)) if dp is not None else None
                rq = v(getattr(dq, "region", None)) if dq is not None else None
                if rp is not None and rq is not None and rp != rq:
                    continue
            if c["same_field"]:
                fp = v(getattr(dp, c["same_field"], None)) if dp is not None else None
                fq = v(getattr(dq, c["same_field"], None)) if dq is not None else None
                if fp is None or fq is None or fp != fq:
                    continue
            if c["with_when"] is not None:
                ev.item = q
                ok = c["with_when"](ev)
                ev.item = None
                if not ok:
                    continue
            data = {"procedure": i + 1, "code": code, "with": qc}
            if c["percent"] is not None:
                data["percent"] = c["percent"]
                detail = f"کد {fa_digits(code)} همراه کد {fa_digits(qc)}: {fa_digits(c['percent'])}٪ تعرفه"
            else:
                detail = f"کد {fa_digits(code)} با کد {fa_digits(qc)} در همان عمل جداگانه قابل محاسبه نیست"
            out.append(ev.finding(rule, heading="surgeon", data=data, detail_fa=detail))
            break
    return out


# ---------------------------------------------------------------------------------------------------- add-on codes


@register("addon_alone", levels=("line",))
def addon_alone(rule, ev):
    """RVU-PLUS: an add-on (+) code is never reported alone — zeroed without a primary (non-+) service of the same
    operating session (bill) or prescription."""
    out = []
    if ev.kind == "prescription":
        items = ev.lines()
        rows = [ev.ctx.tariff_row(i.code) if i.code not in (ABSENT, None) else None for i in items]
        primary = any(r is not None and not r.is_addon for r in rows)
        if primary:
            return []
        for idx, (item, row) in enumerate(zip(items, rows)):
            if row is not None and row.is_addon:
                out.append(ev.finding(rule, line=idx, data={"code": item.code},
                                      detail_fa=f"کد ضمیمه {fa_digits(item.code)} بدون خدمت اصلی"))
        return out
    if ev.kind != "bill":
        return []
    procs = v(getattr(ev.doc, "procedures", None), [])
    rows = [ev.ctx.tariff_row(v(getattr(p, "code", None))) for p in procs]
    for i, (p, row) in enumerate(zip(procs, rows)):
        if row is None or not row.is_addon:
            continue
        sess, on = v(getattr(p, "session", None)), v(getattr(p, "on", None))
        ok = any(r is not None and not r.is_addon and j != i
                 and v(getattr(q, "session", None)) == sess and (sess is not None or v(getattr(q, "on", None)) == on)
                 for j, (q, r) in enumerate(zip(procs, rows)))
        if not ok:
            out.append(ev.finding(rule, heading="surgeon", data={"procedure": i + 1, "code": row.code},
                                  detail_fa=f"کد ضمیمه {fa_digits(row.code)} بدون عمل اصلی در همان جلسه"))
    return out


# ---------------------------------------------------------------------------------------------------- accidents


def _compile_accident(params):
    if not isinstance(params.get("months"), int):
        raise ValueError("needs `months` (int)")
    return {"months": params["months"], "kinds": tuple(params.get("kinds") or ("traffic",)),
            "follow_up_only": bool(params.get("follow_up_only"))}


@register("bill_accident_window", compile=_compile_accident, levels=("document",))
def bill_accident_window(rule, ev):
    """INP-23-A-3: a traffic-accident patient's costs up to two months after the (first) discharge are the
    Ministry of Health's: the whole bill is zeroed."""
    if ev.kind != "bill":
        return []
    acc = v(getattr(ev.doc, "accident", None))
    if acc is None or v(getattr(acc, "kind", None)) not in rule.compiled["kinds"]:
        return []
    first = v(getattr(acc, "first_discharged_on", None))
    adm = v(getattr(ev.doc, "admitted_at", None))
    on = adm.date if adm is not None else ev.date
    if rule.compiled["follow_up_only"] and (first is None or first >= on):
        return []          # RVU-99: the follow-up period — a later admission after the first discharge
    if first is not None and first < on and on > first.add_months(rule.compiled["months"]):
        return []
    until = (first or ev.date).add_months(rule.compiled["months"])
    return [ev.finding(rule, data={"accident": v(getattr(acc, "kind", None)),
                                   "first_discharged_on": str(first) if first else None, "until": str(until)},
                       detail_fa=f"هزینه‌ها تا دو ماه پس از ترخیص ({fa_digits(until)}) بر عهده وزارت بهداشت است")]


# ---------------------------------------------------------------------------------------------------- frequency


def _compile_pfreq(params):
    if not (params.get("codes") or params.get("group")) or not isinstance(params.get("max"), int):
        raise ValueError("needs `codes` (or `group`) and an integer `max`")
    return {"codes": frozenset(str(c) for c in params.get("codes") or ()), "group": params.get("group"),
            "max": params["max"], "key": params.get("key")}


@register("bill_procedure_frequency", compile=_compile_pfreq, levels=("line",))
def bill_procedure_frequency(rule, ev):
    """At most `max` procedures of `codes` for one insured over the history (per `key`: a details field such as
    laterality or stone_id); the excess procedures of this bill are zeroed."""
    if ev.kind != "bill":
        return []
    c = dict(rule.compiled)
    if not c["codes"]:
        c["codes"] = ev.ctx.code_group(c["group"], ev.date)
        if not c["codes"]:
            return []
    ins = v(getattr(ev.doc, "insured", None))
    nid = v(getattr(ins, "national_id", None)) if ins is not None else None
    key = c["key"]

    def k_of(details):
        if key is None or details is None:
            return None
        return v(getattr(details, key, None))
    counts: dict = {}
    for r in ev.ctx.history.services(nid, c["codes"]) if nid else ():
        k = k_of(r.details)
        counts[k] = counts.get(k, 0) + (r.qty or 1)
    out = []
    for i, p in enumerate(v(getattr(ev.doc, "procedures", None), [])):
        code = v(getattr(p, "code", None))
        if code not in c["codes"]:
            continue
        k = k_of(v(getattr(p, "details", None)))
        n = counts.get(k, 0)
        q = v(getattr(p, "qty", None), 1)
        if n + q > c["max"]:
            out.append(ev.finding(rule, heading="surgeon", data={"procedure": i + 1, "code": code, "earlier": n,
                                                                 "max": c["max"], key or "key": k},
                                  detail_fa=f"کد {fa_digits(code)}: {fa_digits(n)} جلسه پیش‌تر؛ سقف "
                                            f"{fa_digits(c['max'])} جلسه"))
        counts[k] = n + q
    return out


def _compile_repeat(params):
    if not params.get("codes") or not isinstance(params.get("max"), int):
        raise ValueError("needs `codes` and an integer `max`")
    per = params.get("per", "bill")
    if per not in ("bill", "month", "day"):
        raise ValueError("per: bill | month | day")
    hs = params.get("headings") or list(LINE_HEADINGS)
    return {"codes": frozenset(str(c) for c in params["codes"]), "max": params["max"], "per": per,
            "headings": tuple(hs),
            "unless": compile_condition(params["unless"]) if "unless" in params else None}


@register("bill_line_repeat", compile=_compile_repeat, levels=("line",))
def bill_line_repeat(rule, ev):
    """A heading line's code at most `max` times per bill / Jalali month / day: the later lines are zeroed; a line
    whose own quantity passes the limit while some of it is still within is paid at the remaining quantity
    (`paid_qty`). Lines matching `unless` (a condition on the line) are not counted."""
    if ev.kind != "bill":
        return []
    c = rule.compiled
    review = current_review(ev)
    seen: dict = {}
    out = []
    for h in c["headings"]:
        for j, line in enumerate(review.heading_lines(h)):
            code = v(getattr(line, "code", None))
            if code not in c["codes"]:
                continue
            if c["unless"] is not None:
                ev.item, ev.index = line, j
                skip = c["unless"](ev)
                ev.item = ev.index = None
                if skip:
                    continue
            on = v(getattr(line, "on", None)) or ev.date
            key = {"bill": None, "month": (on.year, on.month), "day": on.ordinal}[c["per"]]
            n = seen.get(key, 0)
            q = v(getattr(line, "qty", None), 1)
            if n + q > c["max"]:
                data = {"heading": h, "line": j + 1, "code": code, "earlier": n, "max": c["max"]}
                detail = f"کد {fa_digits(code)} بیش از {fa_digits(c['max'])} بار"
                if n < c["max"]:
                    out.append(ev.finding(rule, heading=h, line=j, data=data, detail_fa=detail, severity="adjust",
                                          mark="circle", paid_qty=c["max"] - n))
                else:
                    out.append(ev.finding(rule, heading=h, line=j, data=data, detail_fa=detail))
            seen[key] = n + q
    return out


# ---------------------------------------------------------------------------------------------------- combined codes


def _compile_combined(params):
    kw = [str(x).lower() for x in params.get("keywords") or ()]
    ex = [str(x).lower() for x in params.get("except_keywords") or ()]
    return {"table": params.get("table", "combined_codes"), "codes": params.get("codes"), "keywords": kw,
            "except_keywords": ex}


def _combo_text(ev, procs, codes) -> str:
    """What a combination is called: the billed descriptions of its procedures and the tariff descriptions of its
    codes (the manual names the clauses' services, not their codes)."""
    parts = []
    for p in procs:
        d = v(getattr(p, "description", None))
        if d:
            parts.append(str(d))
    for c in codes:
        row = ev.ctx.tariff_row(c)
        if row is not None and getattr(row, "description_fa", None):
            parts.append(str(row.description_fa))
    return " ".join(parts).lower()


_COMBINATION_SPLIT = re.compile(r"\s*(?:\+|,|،|&|/|\s+و\s+|\s+and\s+|\s+with\s+)\s*", re.IGNORECASE)


def _combination_parts(key) -> list[str]:
    """A key of params.combined_codes (rule-inputs: `{combination: code}`): the two services of the combination,
    written `"<code>+<code>"` (our sample) or with another plain separator («،», «,», «&», «/», « و », « and »), each a
    national code or the service's name (`"septoplasty+smr"`, `"سپتوپلاستی و SMR"`)."""
    return [x.strip() for x in _COMBINATION_SPLIT.split(str(key).strip()) if x and x.strip()]


def _combination_part_is(ev, part: str, proc) -> bool:
    """A procedure is the combination's part: by its code, or — a part written as a name — by its `details.service`
    slug or the name inside its billed description or its tariff row's description (case and ZWNJ folded)."""
    code = v(getattr(proc, "code", None))
    if code is not None and str(code) == part:
        return True
    if part.isdigit():
        return False
    want = part.lower().replace("\u200c", "").replace("_", " ")
    det = v(getattr(proc, "details", None))
    svc = v(getattr(det, "service", None)) if det is not None else None
    if isinstance(svc, str) and svc.lower().replace("_", " ") == want:
        return True
    texts = [v(getattr(proc, "description", None))]
    row = ev.ctx.tariff_row(code) if code is not None else None
    if row is not None:
        texts.append(getattr(row, "description_fa", None))
    return any(isinstance(t, str) and want in t.lower().replace("\u200c", "") for t in texts)


@register("bill_combined", compile=_compile_combined, levels=("line",))
def bill_combined(rule, ev):
    """INP-10-C-1, INP-10-E-1: two procedures of one session that have one common code (params.combined_codes:
    {"<code>+<code>": common code}) — the first is paid as the common code, the second is zeroed."""
    if ev.kind != "bill":
        return []
    table = rule.compiled["codes"] or ev.ctx.param(rule.compiled["table"], ev.date, default=None) or {}
    procs = v(getattr(ev.doc, "procedures", None), [])
    out = []
    done = set()
    for key, common in table.items():
        parts = _combination_parts(key)
        if len(parts) != 2:
            continue
        pa, pb = parts
        for i, p in enumerate(procs):
            if i in done or not _combination_part_is(ev, pa, p):
                continue
            a = str(v(getattr(p, "code", None)) or pa)
            for j, q in enumerate(procs):
                if j == i or j in done or not _combination_part_is(ev, pb, q):
                    continue
                b = str(v(getattr(q, "code", None)) or pb)
                if v(getattr(p, "session", None)) != v(getattr(q, "session", None)):
                    continue
                c = rule.compiled
                if c["keywords"] or c["except_keywords"]:
                    text = _combo_text(ev, (p, q), (a, b, str(common)))
                    if c["keywords"] and not any(k in text for k in c["keywords"]):
                        continue
                    if any(k in text for k in c["except_keywords"]):
                        continue
                done |= {i, j}
                out.append(ev.finding(rule, heading="surgeon", paid_code=str(common), severity="adjust",
                                      mark="circle", data={"procedure": i + 1, "code": a, "with": b,
                                                           "paid_code": str(common)},
                                      detail_fa=f"کدهای {fa_digits(a)} و {fa_digits(b)} در یک جلسه: کد مشترک "
                                                f"{fa_digits(common)}"))
                out.append(ev.finding(rule, heading="surgeon", severity="deny", mark="zero",
                                      data={"procedure": j + 1, "code": b, "with": a},
                                      detail_fa=f"کد {fa_digits(b)} در کد مشترک {fa_digits(common)} منظور است"))
                break
    return out


# ---------------------------------------------------------------------------------------------------- visits a month


def _compile_visit_month(params):
    if not isinstance(params.get("max_per_month"), int):
        raise ValueError("needs `max_per_month` (int)")
    return {"max": params["max_per_month"], "specialty": params.get("specialty"), "status": params.get("status")}


@register("bill_visit_month", compile=_compile_visit_month, levels=("line",))
def bill_visit_month(rule, ev):
    """INP-8-7: a chronic psychiatric inpatient — at most N psychiatry visits a Jalali month (the later ones are
    zeroed)."""
    if ev.kind != "bill":
        return []
    c = rule.compiled
    if c["status"] and v(getattr(ev.doc, "psychiatric_status", None)) != c["status"]:
        return []
    seen: dict = {}
    out = []
    visits = v(getattr(ev.doc, "visits", None), [])
    order = sorted(range(len(visits)), key=lambda i: (v(getattr(visits[i], "on", None)).ordinal
                                                      if v(getattr(visits[i], "on", None)) else 0, i))
    for i in order:
        vis = visits[i]
        pr = v(getattr(vis, "prescriber", None))
        if c["specialty"] and (pr is None or v(getattr(pr, "specialty", None)) != c["specialty"]):
            continue
        on = v(getattr(vis, "on", None))
        if on is None:
            continue
        key = (on.year, on.month)
        n = seen.get(key, 0) + 1
        seen[key] = n
        if n > c["max"]:
            out.append(ev.finding(rule, heading="visits", data={"visit": i + 1, "month": f"{on.year}/{on.month:02d}",
                                                                "max": c["max"]},
                                  detail_fa=f"ویزیت ردیف {fa_digits(i + 1)}: بیش از {fa_digits(c['max'])} ویزیت "
                                            f"روانپزشکی در ماه"))
    return out


# ---------------------------------------------------------------------------------------------------- RVU-HASH


@fact("above_hash_cap")
def _f_hash(ev):
    """RVU-HASH: a `#` code of a private provider claimed above its capped private tariff (RV × min(K, k_hash_cap))."""
    item = ev.item
    if item is None or ev.k_sector != "private":
        return False
    code = v(getattr(item, "code", None))
    row = ev.ctx.tariff_row(code)
    if row is None or not row.is_private_adjusted:
        return False
    req = v(getattr(item, "requested", None))
    if req is not None and not isinstance(req, (int, float)):
        req = v(getattr(req, "total", None))          # a prescription line's {total, insured, org}
    if req is None:
        up = v(getattr(item, "unit_price", None))
        req = up * v(getattr(item, "qty", None), 1) if up is not None else None
    if not isinstance(req, (int, float)):
        return False
    on = v(getattr(item, "on", None)) or ev.date
    cap = ev.ctx.price(code, on, "private", v(getattr(item, "qty", None), 1))
    return cap is not None and req > cap


# ---------------------------------------------------------------------------------------------------- RVU-44


def _compile_simultaneous(params):
    if not isinstance(params.get("max_patients"), int) or not isinstance(params.get("max_if_asa_3"), int):
        raise ValueError("needs `max_patients` and `max_if_asa_3` (int)")
    return {"max": params["max_patients"], "max3": params["max_if_asa_3"]}


def _bills_fa(pairs) -> str:
    """«پرونده B سند ۱، ۲؛ پرونده C سند ۴» for (batch id, seq) pairs (batch ids as filed, seq in Persian digits)."""
    by: dict[str, list] = {}
    for b, q in pairs:
        by.setdefault(b, []).append(q)
    return "؛ ".join(f"پرونده {b} سند " + "، ".join(fa_digits(q) for q in sorted(set(qs))) for b, qs in by.items())


@register("bill_simultaneous_anesthesia", compile=_compile_simultaneous, levels=("line",))
def bill_simultaneous_anesthesia(rule, ev):
    """RVU-44: an anaesthesiologist may not be responsible for more than two patients at once, nor for more than
    one when a patient is ASA III or more. Reads the anaesthesiologist's records in the history (every batch of the
    store, earlier files of the run, the whole batch under review: engine.history). An anaesthesia is the third when,
    at its start, two other patients' anaesthesias of the same anaesthesiologist are running (begun earlier — at the
    same minute, filed earlier — and not yet ended; an end at the very minute of the start is not overlapping):
    not payable (the record is left out of the anaesthesia heading). The second with an ASA III patient on either
    side is raised for the reviewer (the manual does not say which of the two is unpaid)."""
    if ev.kind != "bill":
        return []
    from desktop.engine.history import person_key
    c = rule.compiled
    hist = ev.ctx.history
    bid = ev.batch.id
    seq = v(getattr(ev.doc, "seq", None))
    ins = v(getattr(ev.doc, "insured", None))
    nid = v(getattr(ins, "national_id", None)) if ins is not None else None
    out = []
    for i, a in enumerate(v(getattr(ev.doc, "anesthesia", None), [])):
        who = person_key(v(getattr(a, "anesthesiologist", None)))
        s, e = v(getattr(a, "start", None)), v(getattr(a, "end", None))
        if who is None or s is None or e is None or e.stamp <= s.stamp:
            continue
        s0 = s.stamp
        records = list(hist.anesthesia(who, start=s0, end=s0 + 1))   # running at the start minute
        mine = next((r for r in records if r.batch_id == bid and r.seq == seq and r.index == i), None)
        order = mine.order if mine is not None else float("inf")      # not preloaded: after everything so far
        running = [r for r in records
                   if not (r.batch_id == bid and r.seq == seq) and (nid is None or r.national_id != nid)
                   and (r.start < s0 or (r.start == s0 and r.order < order))]
        patients = {r.national_id or (r.batch_id, r.seq) for r in running}
        if not patients:
            continue
        asa = v(getattr(a, "asa", None)) or 0
        asa3 = asa >= 3 or any(r.asa >= 3 for r in running)
        others = sorted({(r.batch_id, r.seq if r.seq is not None else 0) for r in running})
        data = {"anesthesia": i + 1, "anesthesiologist": who, "patients": len(patients) + 1,
                "overlapping_bills": [f"{b}#{q}" for b, q in others]}
        where = _bills_fa(others)
        if len(patients) + 1 > c["max"]:
            out.append(ev.finding(rule, heading="anesthesia", data=data, severity="deny", mark="zero",
                                  detail_fa=f"متخصص بیهوشی {fa_digits(who)} هم‌زمان مسئول "
                                            f"{fa_digits(len(patients) + 1)} بیمار ({where}): بیهوشی بیمار سوم "
                                            f"قابل پرداخت نیست"))
        elif asa3 and len(patients) + 1 > c["max3"]:
            data["asa_3_or_more"] = True
            out.append(ev.finding(rule, heading="anesthesia", data=data, severity="review", mark=None,
                                  detail_fa=f"متخصص بیهوشی {fa_digits(who)} هم‌زمان مسئول دو بیمار ({where}) "
                                            f"و یکی ASA III یا بالاتر است: کارشناس تعیین کند"))
    return out


# ---------------------------------------------------------------------------------------------------- INP-11-B


def _compile_absent_month(params):
    roles = params.get("roles", ["resident"])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ValueError("`roles` must be a list of prescriber roles")
    y = params.get("min_resident_year", 3)
    if not isinstance(y, int):
        raise ValueError("`min_resident_year` must be an int")
    return {"roles": frozenset(roles), "min_year": y}


def _assist_month(ev, proc):
    on = v(getattr(proc, "on", None))
    if on is None:
        adm = v(getattr(ev.doc, "admitted_at", None))
        on = adm.date if adm is not None else None
    return on


@register("bill_assistant_absent_month", compile=_compile_absent_month, levels=("line",))
def bill_assistant_absent_month(rule, ev):
    """INP-11-B: a resident (year 3 or above) found absent as assistant surgeon loses every assistant payment of that
    month (the Jalali month of the operation), in every bill the office reviews. On this bill: each procedure the
    resident assisted in a month of an absence recorded anywhere in the history (this batch included) has its
    assistant share zeroed; and a bill that records the absence raises the resident's bills of that month already
    reviewed in other batches (their payments are to be taken back by the reviewer). The absent operation itself is
    the other INP-11-B entry (bill_condition)."""
    if ev.kind != "bill":
        return []
    from desktop.engine.history import person_key
    c = rule.compiled
    hist = ev.ctx.history
    bid = ev.batch.id
    seq = v(getattr(ev.doc, "seq", None))
    procs = v(getattr(ev.doc, "procedures", None), [])

    def qualifies(role, year):
        return role in c["roles"] and (year is None or year >= c["min_year"])

    out = []
    raised = set()
    for i, p in enumerate(procs):
        person = v(getattr(p, "assistant", None))
        who = person_key(person)
        on = _assist_month(ev, p)
        if who is None or on is None:
            continue
        first, last = on.period.first_day().ordinal, on.end_of_month().ordinal
        month = f"{on.year:04d}/{on.month:02d}"
        present = v(getattr(person, "present", None))
        if present is False:
            year = v(getattr(person, "resident_year", None))
            if not qualifies(v(getattr(person, "role", None)), year if isinstance(year, int) else None) \
                    or (who, month) in raised:
                continue
            raised.add((who, month))
            paid = sorted({(r.batch_id, r.seq if r.seq is not None else 0)
                           for r in hist.assists(who, since=first, until=last)
                           if r.batch_id != bid and r.present is not False})
            if paid:
                where = _bills_fa(paid)
                out.append(ev.finding(rule, heading="assistant_surgeon", severity="review", mark=None,
                                      data={"assistant": who, "month": month,
                                            "other_bills": [f"{b}#{q}" for b, q in paid]},
                                      detail_fa=f"رزیدنت {fa_digits(who)} در ماه {fa_digits(month)} کمک جراح "
                                                f"اسناد دیگری هم بوده است ({where}): پرداخت کمک جراحی آن ماه "
                                                f"قابل پرداخت نیست"))
            continue
        # an absence of this resident in the same month: on this bill's other procedures or anywhere in the history
        absent = [(bid, seq, j) for j, q in enumerate(procs) if j != i
                  and person_key(v(getattr(q, "assistant", None))) == who
                  and v(getattr(v(getattr(q, "assistant", None)), "present", None)) is False
                  and _assist_month(ev, q) is not None and first <= _assist_month(ev, q).ordinal <= last
                  and qualifies(v(getattr(q.assistant, "role", None)),
                                v(getattr(q.assistant, "resident_year", None)))]
        absent += [(r.batch_id, r.seq, r.index) for r in hist.assists(who, since=first, until=last)
                   if r.present is False and qualifies(r.role, r.resident_year)
                   and not (r.batch_id == bid and r.seq == seq)]
        if not absent:
            continue
        b0, q0, j0 = absent[0]
        where = (f"عمل ردیف {fa_digits(j0 + 1)} همین سند" if (b0, q0) == (bid, seq)
                 else _bills_fa([(b0, q0 if q0 is not None else 0)]))
        out.append(ev.finding(rule, heading="assistant_surgeon", severity="deny", mark="zero",
                              data={"procedure": i + 1, "part": "assistant", "assistant": who, "month": month,
                                    "absent_in": f"{b0}#{q0}"},
                              detail_fa=f"عمل ردیف {fa_digits(i + 1)}: رزیدنت {fa_digits(who)} در ماه "
                                        f"{fa_digits(month)} در عملی حضور نداشته است ({where})"))
    return out


# ---------------------------------------------------------------------------------------------------- INP-6-4-N1


def _compile_refund(params):
    if not isinstance(params.get("months"), int):
        raise ValueError("needs `months` (int)")
    return {"months": params["months"]}


@register("accreditation_refund_window", compile=_compile_refund, levels=("batch",))
def accreditation_refund_window(rule, ev):
    """INP-6-4-N1: an objection asking back the accreditation deductions — not refundable when the new certificate
    came more than 4 months after the previous one expired."""
    obj = v(getattr(ev.doc, "objection", None))
    if obj is None or v(getattr(obj, "kind", None)) != "accreditation_deduction_refund":
        return []
    exp = v(getattr(obj, "previous_expired_on", None))
    new = v(getattr(obj, "new_certificate_submitted_on", None))
    if exp is None or new is None:
        return []
    limit = exp.add_months(rule.compiled["months"])
    if new <= limit:
        return []
    return [ev.finding(rule, data={"previous_expired_on": str(exp), "new_certificate_submitted_on": str(new),
                                   "limit": str(limit)},
                       detail_fa=f"گواهینامه جدید {fa_digits(new)} ارائه شده؛ مهلت تا {fa_digits(limit)}")]


# ---------------------------------------------------------------------------------------------------- RVU-86 outpatient


def _compile_86(params):
    if not isinstance(params.get("percent_added"), (int, float)):
        raise ValueError("needs `percent_added`")
    return {"pct": params["percent_added"], "places": tuple(params.get("places") or ("home",))}


@register("portable_imaging_price", compile=_compile_86, levels=("line",))
def portable_imaging_price(rule, ev):
    """RVU-86 on a prescription: an imaging line with modifier 86 done portably (the prescription's place of service
    is the patient's home, or the line's `details.portable`) is priced at its tariff + 80 % (a price basis, not a
    finding)."""
    if ev.kind != "prescription":
        return []
    place = v(getattr(ev.doc, "place_of_service", None))
    out = []
    for idx, item in enumerate(ev.lines()):
        mods = [str(m) for m in v(getattr(item, "modifiers", None), [])]
        if "86" not in mods or item.code in (ABSENT, None):
            continue
        det = v(getattr(item, "details", None))
        portable = det is not None and v(getattr(det, "portable", None)) is True
        if place not in rule.compiled["places"] and not portable:
            continue
        ev.item = item
        on = ev.line_date()
        ev.item = None
        qty = v(getattr(item, "qty", None), 1)
        base = ev.ctx.price(item.code, on, "government", qty)
        if base is None:
            continue
        from decimal import Decimal, ROUND_HALF_UP
        basis = int((Decimal(base) * (1 + Decimal(str(rule.compiled["pct"])) / 100)).quantize(Decimal(1),
                                                                                              rounding=ROUND_HALF_UP))
        out.append(ev.finding(rule, line=idx, severity="price", approved=basis, data={"code": item.code}))
    return out
