"""Validate the clause test cases under tests/cases/ (format of ../shared/examples/README.md).

Usage:  .venv/bin/python tests/cases/check_cases.py [CASE.json | DIR ...] [--coverage]

Checks that every case file loads, has the required keys, and that its batch is a plausible claim-batch/1
(interchange.md §1 + rule-inputs.md): Jalali dates and months that exist (desktop.domain.jalali), national
ids that pass the checksum and are not a repeated digit, values of the closed lists, six-digit codes present in
the case's tariff rows (a GEN-25 case may bill a code that is absent or null), requested shares that add up,
dated parameter tables, and an `expect` block the runner can read. With --coverage it also lists, for every
GEN clause the catalogue marks automatable `full` or `partial`, how many firing cases and near misses it has.

Exit status 0 when every file is clean, 1 otherwise; each problem is printed as `file: place: problem`.
"""
from __future__ import annotations

import csv
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, REPO)

from desktop.domain.jalali import parse_date, parse_month  # noqa: E402

SHARED = os.environ.get("RASIDEGI_SHARED") or os.path.join(os.path.dirname(REPO), "shared")

FUNDS = {"civil_servants", "iranians", "other_groups", "rural"}
KINDS = {"physician_office", "clinic", "laboratory", "radiology", "ultrasound", "ct", "mri", "nuclear_medicine",
         "radiotherapy", "physiotherapy", "dentist", "hospital", "limited_surgery_center", "pharmacy"}
SECTORS = {"government_university", "government_other", "private", "charity"}
SHEETS = {"first", "second", "first_and_second", "single", "copy", "carbon", "patient_copy", "blank", "electronic"}
ROLES = {"physician", "resident", "intern", "dentist", "midwife", "dental_hygienist", "physiotherapist", "dental_nurse",
         "oral_health_worker", "oral_health_technician", "nurse", "in_house_physician", "technical_manager"}
ATTACHMENTS = {"report", "pathology", "images", "treatment_plan", "dvh", "portal_film", "shield_image", "physio_form",
               "certificate", "lab_results", "indication", "referral_letter", "treatment_sheet",
               "previous_treatment_records", "metastasis_evidence", "anesthesia_sheet"}
PURPOSES = {"pre_marriage", "sick_leave_certificate", "cosmetic", "employment", "screening"}
LICENCE_SERVICES = {"radiography", "ct", "mri", "ultrasound", "nuclear_medicine", "radiotherapy", "laboratory", "hydrotherapy"}
APPROVAL_KINDS = {"office", "committee", "online", "supervisor"}
PAPER_ENUMS = {"signature": {"original", "stamp", "missing"}, "erasure": {"none", "certified", "uncertified"}}
PAPER_BOOLS = {"council_stamp", "provider_stamp", "director_signed", "center_stamp", "emergency_stamp", "admission_stamp",
               "physio_diagnosis", "card_copy_photo", "assistant_signed_operation_note", "assistant_signed_or_sheet"}
TARIFF_COLS = ["code", "description_fa", "rvu_total", "rvu_professional", "rvu_technical", "anesthesia_base", "flags", "chapter"]
MARKS = {"tick", "circle", "zero", None}
SECTOR_SPLIT = {"k_professional", "k_technical", "k_anesthesia", "k_dental", "bed_day", "k_hash_cap"}
KEY_SPLIT = {"franchise"}
CODE_RE = re.compile(r"^(\d{6}|T2-\d+)$")
RULE_RE = re.compile(r"^[A-Z]+(-[A-Z0-9]+)*$")
# keys whose values are dates wherever they appear in a batch
DATE_KEYS = {"submitted_on", "prescribed_on", "served_on", "birth_date", "from", "to", "on", "report_received_on",
             "filed_on", "previous_expired_on", "new_certificate_submitted_on", "opened_on", "transplant_on",
             "osteoporosis_treatment_start", "start", "first_discharged_on"}


def load_specialties():
    path = os.path.join(SHARED, "spec", "specialties.csv")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        return {row["slug"] for row in csv.DictReader(fh)}


def load_catalogue():
    path = os.path.join(SHARED, "rule-catalogue.yaml")
    if not os.path.exists(path):
        return None
    import yaml
    with open(path, encoding="utf-8") as fh:
        return {e["id"]: e for e in yaml.safe_load(fh)}


def national_id_ok(nid) -> bool:
    if not isinstance(nid, str) or not re.fullmatch(r"\d{10}", nid) or len(set(nid)) == 1:
        return False
    r = sum(int(nid[i]) * (10 - i) for i in range(9)) % 11
    return int(nid[9]) == (r if r < 2 else 11 - r)


class Checker:
    def __init__(self, specialties, catalogue):
        self.specialties = specialties
        self.catalogue = catalogue
        self.problems: list[str] = []
        self.file = ""

    def bad(self, place, message):
        problem = f"{self.file}: {place}: {message}"
        if problem not in self.problems:
            self.problems.append(problem)

    # -- primitives
    def date(self, place, value, nullable=True):
        if value is None:
            if not nullable:
                self.bad(place, "date is required")
            return None
        if not isinstance(value, str):
            self.bad(place, f"date must be a string, got {value!r}")
            return None
        try:
            if " " in value.strip():            # a date-time (bills: stays, anaesthesia)
                from desktop.domain.jalali import parse_datetime
                return parse_datetime(value).date
            return parse_date(value)
        except ValueError as exc:
            self.bad(place, str(exc))
            return None

    def month(self, place, value):
        if not isinstance(value, str):
            self.bad(place, f"month must be a 'yyyy/mm' string, got {value!r}")
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            self.bad(place, str(exc))
            return None

    def enum(self, place, value, allowed, nullable=False):
        if value is None and nullable:
            return
        if value not in allowed:
            self.bad(place, f"{value!r} is not one of {sorted(allowed)}")

    def boolean(self, place, value, nullable=False):
        if value is None and nullable:
            return
        if not isinstance(value, bool):
            self.bad(place, f"expected true/false, got {value!r}")

    # -- structure
    def walk_dates(self, place, node):
        if isinstance(node, dict):
            for k, v in node.items():
                p = f"{place}.{k}"
                if k in DATE_KEYS and (v is None or isinstance(v, str)):
                    self.date(p, v)
                elif k == "period":
                    self.month(p, v)
                elif k in ("periods", "months") and isinstance(v, list):
                    for i, m in enumerate(v):
                        self.month(f"{p}[{i}]", m)
                elif k == "efile_submitted_on" and isinstance(v, dict):
                    for m, d in v.items():
                        self.month(f"{p} key", m)
                        self.date(f"{p}[{m}]", d)
                else:
                    self.walk_dates(p, v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self.walk_dates(f"{place}[{i}]", v)

    def person(self, place, p):
        if not isinstance(p, dict):
            self.bad(place, "must be an object")
            return
        if "role" in p:
            self.enum(f"{place}.role", p["role"], ROLES)
        if self.specialties is not None and p.get("specialty") is not None:
            self.enum(f"{place}.specialty", p["specialty"], self.specialties)
        if p.get("fellowship") is not None and self.specialties is not None:
            self.enum(f"{place}.fellowship", p["fellowship"], self.specialties)
        for b in ("full_time_faculty", "emergency_duty", "present"):
            if b in p:
                self.boolean(f"{place}.{b}", p[b], nullable=True)
        if "sector" in p:
            self.enum(f"{place}.sector", p["sector"], SECTORS)
        if "council_no" in p and p["council_no"] is not None and not isinstance(p["council_no"], str):
            self.bad(f"{place}.council_no", "must be a string or null")

    def provider(self, place, pv):
        for k in ("code", "name", "kind", "sector", "technical_director", "contract"):
            if k not in pv:
                self.bad(place, f"missing key '{k}'")
        self.enum(f"{place}.kind", pv.get("kind"), KINDS)
        self.enum(f"{place}.sector", pv.get("sector"), SECTORS)
        td = pv.get("technical_director") or {}
        self.person(f"{place}.technical_director", td)
        ct = pv.get("contract") or {}
        f, t = self.date(f"{place}.contract.from", ct.get("from"), False), self.date(f"{place}.contract.to", ct.get("to"), False)
        if f and t and f > t:
            self.bad(f"{place}.contract", "from is after to")
        self.boolean(f"{place}.contract.rural", ct.get("rural"))
        if not isinstance(ct.get("suspensions"), list):
            self.bad(f"{place}.contract.suspensions", "must be a list")
        for i, s in enumerate(ct.get("suspensions") or []):
            a, b = self.date(f"{place}.contract.suspensions[{i}].from", s.get("from"), False), \
                self.date(f"{place}.contract.suspensions[{i}].to", s.get("to"), False)
            if a and b and a > b:
                self.bad(f"{place}.contract.suspensions[{i}]", "from is after to")
        if "services" in ct and not all(isinstance(c, str) and CODE_RE.match(c) for c in ct["services"]):
            self.bad(f"{place}.contract.services", "must list national codes")
        if "cumulative_delivery" in ct:
            self.boolean(f"{place}.contract.cumulative_delivery", ct["cumulative_delivery"])
        lic = pv.get("licence")
        if lic is not None:
            for i, s in enumerate(lic.get("services") or []):
                self.enum(f"{place}.licence.services[{i}]", s, LICENCE_SERVICES)
        for b in ("hospital_based", "teaching"):
            if b in pv:
                self.boolean(f"{place}.{b}", pv[b])

    def requested(self, place, req):
        if req is None:
            return None
        if not isinstance(req, dict):
            self.bad(place, "must be an object or null")
            return None
        for k in ("total", "insured", "org"):
            if k not in req:
                self.bad(place, f"missing key '{k}' (write null for a blank amount)")
            elif req[k] is not None and (not isinstance(req[k], int) or isinstance(req[k], bool) or req[k] < 0):
                self.bad(f"{place}.{k}", f"must be whole Rials, got {req[k]!r}")
        if all(isinstance(req.get(k), int) for k in ("total", "insured", "org")) \
                and req["total"] != req["insured"] + req["org"]:
            self.bad(place, f"total {req['total']} != insured {req['insured']} + org {req['org']}")
        return req.get("total")

    def prescription(self, place, rx, codes, rule):
        for k in ("seq", "insured", "prescriber", "prescribed_on", "served_on", "items"):
            if k not in rx:
                self.bad(place, f"missing key '{k}'")
        ins = rx.get("insured") or {}
        if not national_id_ok(ins.get("national_id")):
            self.bad(f"{place}.insured.national_id", f"{ins.get('national_id')!r} fails the national-id checksum")
        self.enum(f"{place}.insured.sex", ins.get("sex"), {"M", "F"})
        self.enum(f"{place}.insured.fund", ins.get("fund"), FUNDS, nullable=True)
        born = self.date(f"{place}.insured.birth_date", ins.get("birth_date"), False)
        for b in ("referral_required", "special_patient", "on_mother_booklet", "menopausal"):
            if b in ins:
                self.boolean(f"{place}.insured.{b}", ins[b], nullable=True)
        self.person(f"{place}.prescriber", rx.get("prescriber"))
        served = self.date(f"{place}.served_on", rx.get("served_on"), False)
        self.date(f"{place}.prescribed_on", rx.get("prescribed_on"))
        if born and served and born > served:
            self.bad(f"{place}.insured.birth_date", "after the service date")
        if "sheet" in rx:
            self.enum(f"{place}.sheet", rx["sheet"], SHEETS)
        if "purpose" in rx:
            self.enum(f"{place}.purpose", rx["purpose"], PURPOSES)
        for k, v in (rx.get("paper") or {}).items():
            if k in PAPER_ENUMS:
                self.enum(f"{place}.paper.{k}", v, PAPER_ENUMS[k])
            elif k in PAPER_BOOLS:
                self.boolean(f"{place}.paper.{k}", v)
            elif k == "handwritings" and not (isinstance(v, int) and v >= 0):
                self.bad(f"{place}.paper.handwritings", "must be a count")
        for i, a in enumerate(rx.get("attachments") or []):
            self.enum(f"{place}.attachments[{i}]", a, ATTACHMENTS)
        ap = rx.get("approval")
        if ap is not None:
            self.enum(f"{place}.approval.kind", ap.get("kind"), APPROVAL_KINDS)
        if "diagnosis" in rx and rx["diagnosis"] is not None and not isinstance(rx["diagnosis"], str):
            self.bad(f"{place}.diagnosis", "must be text or null")
        if "declared" in rx:
            d = rx["declared"]
            for k in ("total", "insured_share", "org_share"):
                if d.get(k) is not None and not isinstance(d.get(k), int):
                    self.bad(f"{place}.declared.{k}", "must be whole Rials or null")
            if all(isinstance(d.get(k), int) for k in ("total", "insured_share", "org_share")) \
                    and d["total"] != d["insured_share"] + d["org_share"]:
                self.bad(f"{place}.declared", "total != insured_share + org_share")
        lines = set()
        for i, it in enumerate(rx.get("items") or []):
            p = f"{place}.items[{i}]"
            if it.get("line") in lines or not isinstance(it.get("line"), int):
                self.bad(f"{p}.line", "must be a unique line number")
            lines.add(it.get("line"))
            code = it.get("code")
            if code is None:
                # null = no code written (GEN-25, MD-ADJ-4) or a service its table has no row for (DEN-11,
                # `details.service`): the line must then say what it is
                det = it.get("details") or {}
                if not rule.startswith("GEN-25") and not (it.get("description") or det.get("prescribed_as")
                                                          or det.get("service")):
                    self.bad(f"{p}.code", "null code without a description or details.service (what was served?)")
            elif not isinstance(code, str) or not CODE_RE.match(code):
                self.bad(f"{p}.code", f"{code!r} is not a six-digit code string")
            elif code.startswith("T2-"):
                pass        # dental Table 2 rows ship with the dental rule pack (interchange §2)
            elif code not in codes and not rule.startswith("GEN-25"):
                self.bad(f"{p}.code", f"{code} is not in the case's tariff_rows")
            if not isinstance(it.get("qty"), (int, float)) or it.get("qty") <= 0:
                self.bad(f"{p}.qty", "must be a positive number")
            if "requested" not in it:
                self.bad(p, "missing key 'requested' (write null for a blank price)")
            self.requested(f"{p}.requested", it.get("requested"))
            if not isinstance(it.get("details", {}), dict):
                self.bad(f"{p}.details", "must be an object")
            det = it.get("details") or {}
            if "purpose" in det:
                self.enum(f"{p}.details.purpose", det["purpose"], {"medical", "cosmetic"})
            for b in ("contrast", "spiral", "spect"):
                if b in det:
                    self.boolean(f"{p}.details.{b}", det[b])
            for j, a in enumerate(it.get("attachments") or []):
                self.enum(f"{p}.attachments[{j}]", a, ATTACHMENTS)
        if not lines:
            self.bad(f"{place}.items", "no service line")

    def tariff(self, rows):
        codes = set()
        for i, r in enumerate(rows):
            p = f"inputs.tariff_rows[{i}]"
            if sorted(r) != sorted(TARIFF_COLS):
                self.bad(p, f"columns must be exactly {TARIFF_COLS}")
            c = r.get("code")
            if not isinstance(c, str) or not CODE_RE.match(c):
                self.bad(f"{p}.code", f"{c!r} is not a code string")
            if c in codes:
                self.bad(f"{p}.code", f"{c} listed twice")
            codes.add(c)
            if not isinstance(r.get("rvu_professional"), (int, float)):
                self.bad(f"{p}.rvu_professional", "a relative value is required")
            if r.get("rvu_technical") is not None:
                if not isinstance(r.get("rvu_total"), (int, float)) or \
                        abs(r["rvu_total"] - (r["rvu_professional"] + r["rvu_technical"])) > 1e-6:
                    self.bad(f"{p}.rvu_total", "must be professional + technical")
            if r.get("flags") and set(r["flags"]) - set("+#*"):
                self.bad(f"{p}.flags", "only + # * are flags")
        return codes

    def dated(self, place, table):
        if not isinstance(table, dict) or not table:
            self.bad(place, "must be a map of dates to {value, reference}")
            return
        for d, v in table.items():
            self.date(f"{place} key", d, False)
            if not isinstance(v, dict) or "value" not in v:
                self.bad(f"{place}[{d}]", "must hold a 'value'")

    def params(self, params):
        for name, table in params.items():
            p = f"inputs.params.{name}"
            if name in SECTOR_SPLIT or name in KEY_SPLIT:
                if not isinstance(table, dict):
                    self.bad(p, "must be split by key")
                    continue
                for key, sub in table.items():
                    if name in SECTOR_SPLIT:
                        self.enum(f"{p} key", key, {"government", "private"})
                    self.dated(f"{p}.{key}", sub)
            else:
                self.dated(p, table)
        for name in ("code_groups", "code_title_candidates"):
            for d, v in (params.get(name) or {}).items():
                for group, codes in (v.get("value") or {}).items():
                    if not all(isinstance(c, str) and CODE_RE.match(c) for c in codes):
                        self.bad(f"inputs.params.{name}[{d}].{group}", "must list code strings")

    def expect(self, case, rule):
        e = case.get("expect")
        if not isinstance(e, dict):
            self.bad("expect", "missing")
            return
        for k in ("rules", "mark", "line", "paid_code", "paid_qty"):
            if k not in e:
                self.bad("expect", f"missing key '{k}'")
        rules = e.get("rules")
        if not isinstance(rules, list) or not all(isinstance(r, str) and RULE_RE.match(r) for r in rules):
            self.bad("expect.rules", "must be a list of clause ids")
            rules = []
        self.enum("expect.mark", e.get("mark"), MARKS)
        if e.get("mark") is None and e.get("action") != "flag_review" and not e.get("computed"):
            self.bad("expect", "mark null needs action 'flag_review' (or the bill's `computed` figures to compare)")
        if "action" in e:
            self.enum("expect.action", e["action"], {"flag_review"})
        if e.get("line") is not None and not isinstance(e.get("line"), int):
            self.bad("expect.line", "must be a 0-based item index or null")
        for k in ("absent_rules",):
            if k in e and not (isinstance(e[k], list) and all(isinstance(r, str) for r in e[k])):
                self.bad(f"expect.{k}", "must be a list of clause ids")
            if k in e and set(e[k]) & set(rules):
                self.bad(f"expect.{k}", "a clause cannot be both cited and absent")
        if not rules and rule not in e.get("absent_rules", [rule]):
            self.bad("expect.absent_rules", "a near miss must list its own rule as absent")
        if self.catalogue is not None:
            for r in [rule] + rules + e.get("absent_rules", []):
                if r not in self.catalogue:
                    self.bad("expect", f"{r} is not a catalogue id")
        if "approved" in e:
            a = e["approved"]
            if not isinstance(a, int) or a < 0:
                self.bad("expect.approved", "must be whole Rials")
            if e.get("mark") == "zero" and a != 0:
                self.bad("expect.approved", "a zeroed target is approved 0")
            # the prescription's requested amounts bound the approved one (a bill's target is a heading: the
            # runner compares it; its requested amount is the heading's, not checked here)
            rxs = [d for d in case["inputs"]["batch"].get("prescriptions") or [] if d.get("seq") == 1]
            items = (rxs[0].get("items") or []) if rxs and not e.get("heading") else []
            if isinstance(e.get("line"), int) and e["line"] < len(items):
                req = items[e["line"]].get("requested")
                total = req.get("total") if isinstance(req, dict) else None
            else:
                totals = [(it.get("requested") or {}).get("total") for it in items]
                total = sum(totals) if totals and all(isinstance(t, int) for t in totals) else None
            if isinstance(total, int) and isinstance(a, int) and a > total:
                self.bad("expect.approved", f"{a} exceeds the requested {total}")
            if e.get("mark") == "tick" and isinstance(total, int) and a != total:
                self.bad("expect.approved", f"a ticked target is approved as requested ({total})")

    def check(self, path):
        self.file = os.path.relpath(path)
        try:
            with open(path, encoding="utf-8-sig") as fh:
                case = json.load(fh)
        except (OSError, ValueError) as exc:
            self.bad("file", f"does not load: {exc}")
            return None
        for k in ("case", "rule", "story", "inputs", "expect"):
            if k not in case:
                self.bad("(top)", f"missing key '{k}'")
        if set(case) - {"case", "rule", "story", "inputs", "expect", "disputed"}:
            self.bad("(top)", f"unknown keys {sorted(set(case) - {'case', 'rule', 'story', 'inputs', 'expect', 'disputed'})}")
        if "disputed" in case and not (isinstance(case["disputed"], str) and case["disputed"].strip()):
            self.bad("disputed", "must say in one line why")
        rule = case.get("rule") or ""
        stem = os.path.splitext(os.path.basename(path))[0]
        if case.get("case") != stem:
            self.bad("case", f"{case.get('case')!r} differs from the file name {stem!r}")
        if not stem.startswith(rule + "-"):
            self.bad("rule", f"file name must start with the rule id {rule!r}")
        inp = case.get("inputs") or {}
        for k, t in (("history", list), ("batch", dict), ("tariff_rows", list), ("params", dict)):
            if not isinstance(inp.get(k), t):
                self.bad(f"inputs.{k}", f"must be a {t.__name__}")
                return None
        codes = self.tariff(inp["tariff_rows"])
        self.params(inp["params"])
        for hi, batch in [(None, inp["batch"])] + list(enumerate(inp["history"])):
            place = "inputs.batch" if hi is None else f"inputs.history[{hi}]"
            if batch.get("format") != "claim-batch/1":
                self.bad(f"{place}.format", "must be 'claim-batch/1'")
            hdr = batch.get("batch") or {}
            for k in ("id", "period", "fund", "submitted_on", "provider"):
                if k not in hdr:
                    self.bad(f"{place}.batch", f"missing key '{k}'")
            self.enum(f"{place}.batch.fund", hdr.get("fund"), FUNDS)
            if "service_type" in hdr:
                self.enum(f"{place}.batch.service_type", hdr["service_type"], KINDS)
            self.walk_dates(place, batch)
            self.provider(f"{place}.batch.provider", hdr.get("provider") or {})
            rxs = batch.get("prescriptions")
            if not isinstance(rxs, list) or not isinstance(batch.get("bills"), list):
                self.bad(place, "prescriptions and bills must be lists")
                continue
            seqs = [r.get("seq") for r in rxs] + [b.get("seq") for b in batch["bills"]]
            if len(seqs) != len(set(seqs)):
                self.bad(place, "document seq numbers repeat")
            if hi is None and 1 not in seqs:
                self.bad(place, "the case's own document must be seq 1")
            for i, rx in enumerate(rxs):
                self.prescription(f"{place}.prescriptions[{i}]", rx, codes, rule)
        self.expect(case, rule)
        return case


def coverage(cases, catalogue):
    fire, miss = {}, {}
    for c in cases:
        (fire if c["expect"].get("rules") else miss).setdefault(c["rule"], []).append(c["case"])
    ids = [i for i, e in catalogue.items() if i.startswith("GEN-") and e.get("automatable") in ("full", "partial")]
    print(f"{'clause':12} {'auto':8} fire miss")
    for i in ids:
        print(f"{i:12} {catalogue[i].get('automatable'):8} {len(fire.get(i, [])):4} {len(miss.get(i, [])):4}")
    disputed = [c["case"] for c in cases if "disputed" in c]
    print(f"{len(cases)} cases, {len(disputed)} disputed: {', '.join(disputed)}")


def main(argv):
    want_cov = "--coverage" in argv
    targets = [a for a in argv if a != "--coverage"] or [HERE]
    files = []
    for t in targets:
        files += sorted(glob.glob(os.path.join(t, "**", "*.json"), recursive=True)) if os.path.isdir(t) else [t]
    catalogue = load_catalogue()
    chk = Checker(load_specialties(), catalogue)
    cases, names = [], {}
    for f in files:
        c = chk.check(f)
        if c:
            cases.append(c)
            if c.get("case") in names:
                chk.bad("case", f"same case name as {names[c['case']]}")
            names[c.get("case")] = chk.file
    for p in chk.problems:
        print(p)
    print(f"{len(files)} files checked, {len(chk.problems)} problems")
    if want_cov and catalogue:
        coverage(cases, catalogue)
    return 1 if chk.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
