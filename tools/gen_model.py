#!/usr/bin/env python3
"""Generate desktop/domain/schema.py and desktop/domain/model.py from rule-inputs.md.

    python tools/gen_model.py [RULE_INPUTS_MD] [--check]

rule-inputs.md (shared/spec, the appendix of interchange.md) lists in its §1 field tables every field of a
claim-batch/1 file that a rule reads: the first column is the dotted path in backticks, the second the type,
the third the closed list (enum) or examples.  This script turns those tables into

* desktop/domain/schema.py: plain data (dicts, lists, strings) -- per table the fields with their type, enum
  values, list-ness, the referenced table (`-> name`) or the nested object (`object`: the rows below with the
  longer path), the map key/value types;
* desktop/domain/model.py: one `@dataclass(slots=True)` class per table and per nested object;
* then (through `python -m desktop.intake.codegen`) the intake's generated builders desktop/intake/_validating.py
  and _trusted.py, which are made from schema.py.

The files are committed; run this script again after the document changes (`--check` only compares and
exits 1 when a committed file differs from what the document gives).  The few facts the document does not
state in its tables (the key/value types of the three `map` fields, the fields intake requires, the national-id
checksum) are the constants below.
"""
from __future__ import annotations

import keyword
import pprint
import re
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DOC = REPO.parent / "shared" / "spec" / "rule-inputs.md"
SCHEMA_PY = REPO / "desktop" / "domain" / "schema.py"
MODEL_PY = REPO / "desktop" / "domain" / "model.py"

SCALAR_TYPES = {"string", "text", "slug", "code", "int", "number", "bool", "rials", "date", "datetime", "month",
                "time", "enum"}

# The `map` fields: the document describes key and value in prose ("month → date"); their types here.
MAP_SPECS = {
    "batch.efile_submitted_on": {"key": {"type": "month"}, "value": {"type": "date", "list": False}},
    "provider.accreditation.wards": {"key": {"type": "enum", "enum_as": "stay.ward"},
                                     "value": {"type": "enum", "enum_as": "provider.accreditation.hospital",
                                               "list": False}},
    "details.modalities_by_region": {"key": {"type": "slug"}, "value": {"type": "slug", "list": True}},
}

# Structure, not facts of the paper: without these a batch cannot be stored, matched or reported.
REQUIRED = {"claim_batch.format", "claim_batch.batch", "batch.id", "batch.period", "batch.provider",
            "provider.code", "prescription.seq", "bill.seq"}

# Lists that are never null and read as empty when absent (a header alone is a valid batch).
EMPTY_WHEN_ABSENT = {"claim_batch.prescriptions", "claim_batch.bills"}

# String fields with a checked form.
CHECKS = {"insured.national_id": "national_id", "prescriber.national_id": "national_id"}

CLASS_NAMES = {"prescriber": "Person", "item.requested": "ItemRequested"}


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_.]", name) if part)


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def class_name(table: str, is_list: bool) -> str:
    if table in CLASS_NAMES:
        return CLASS_NAMES[table]
    parts = table.split(".")
    if is_list:
        parts[-1] = singular(parts[-1])
    return "".join(camel(p) for p in parts)


def attr_name(key: str) -> str:
    return key + "_" if keyword.iskeyword(key) else key


# ---------------------------------------------------------------------------------------------------------------
# parsing the document

ROW_RE = re.compile(r"^\|\s*`([^`]+)`\s*\|")


def parse_rows(text: str) -> list[dict]:
    """The rows of §1's field tables, in document order."""
    m1 = re.search(r"^## 1\..*$", text, re.M)
    m2 = re.search(r"^## 2\..*$", text, re.M)
    if not m1 or not m2:
        raise SystemExit("rule-inputs.md: section '## 1.' (field tables) not found")
    section = ""
    rows = []
    for lineno, line in enumerate(text[m1.start():m2.start()].splitlines(), 1):
        if line.startswith("### "):
            section = line[4:].split()[0]
            continue
        if not ROW_RE.match(line):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6:
            raise SystemExit(f"rule-inputs.md §1: row {line!r} has {len(cells)} cells, expected 6")
        path, typ, values, meaning, read_by, src = cells
        rows.append({"path": path.strip("`"), "type": typ, "values": values, "meaning": meaning,
                     "read_by": read_by, "src": src, "section": section})
    if not rows:
        raise SystemExit("rule-inputs.md §1: no field rows found")
    return rows


def backquoted(values: str) -> list[str]:
    return re.findall(r"`([^`]*)`", values)


def build_schema(rows: list[dict]) -> dict:
    tables: dict[str, dict] = {}
    order: list[str] = []

    def table(name: str, section: str, is_list_element: bool = False):
        if name not in tables:
            tables[name] = {"class": class_name(name, is_list_element), "section": section, "fields": {}}
            order.append(name)
        return tables[name]

    by_path = {}
    for row in rows:
        path = row["path"]
        segments = path.split(".")
        owner = ".".join(s.removesuffix("[]") for s in segments[:-1])
        last = segments[-1]
        is_list = last.endswith("[]")
        key = last.removesuffix("[]")
        typ = row["type"]
        field = {"path": path, "key": key, "attr": attr_name(key), "type": None, "list": is_list,
                 "enum": None, "pattern": None, "enum_as": None, "ref": None, "object": None, "map": None,
                 "check": CHECKS.get(path), "required": path.removesuffix("[]") in REQUIRED,
                 "nullable": path.removesuffix("[]") not in REQUIRED | EMPTY_WHEN_ABSENT,
                 "empty_when_absent": path.removesuffix("[]") in EMPTY_WHEN_ABSENT,
                 "src": row["src"], "section": row["section"], "meaning": row["meaning"],
                 "values": row["values"], "read_by": row["read_by"]}
        m = re.fullmatch(r"list<(\w+)>", typ)
        if m:
            if not is_list:
                raise SystemExit(f"rule-inputs.md: {path}: type {typ} on a path without []")
            typ = m.group(1)
        if typ.startswith("→"):
            field["type"] = "ref"
            field["ref"] = typ[1:].strip()
        elif typ == "object":
            field["type"] = "object"
            field["object"] = owner + "." + key if owner else key
        elif typ == "map":
            field["type"] = "map"
            spec = MAP_SPECS.get(path)
            if spec is None:
                raise SystemExit(f"rule-inputs.md: {path} is a map; add its key/value types to MAP_SPECS")
            field["map"] = {"key": dict(spec["key"]), "value": dict(spec["value"])}
        elif typ in SCALAR_TYPES:
            field["type"] = typ
        else:
            raise SystemExit(f"rule-inputs.md: {path}: unknown type {row['type']!r}")
        if field["type"] == "enum":
            as_ = re.fullmatch(r"as `([^`]+)`", row["values"].strip())
            if as_:
                field["enum_as"] = as_.group(1)
            else:
                vals = backquoted(row["values"])
                if not vals:
                    raise SystemExit(f"rule-inputs.md: {path}: enum without values")
                plain = [v for v in vals if "<" not in v]
                patterns = [v for v in vals if "<" in v]
                field["enum"] = plain
                if patterns:
                    field["pattern"] = "^(?:" + "|".join(
                        re.escape(p.split("<")[0]) + r"[0-9]+" for p in patterns) + ")$"
        t = table(owner, row["section"]) if owner in tables or "." not in owner else tables.get(owner)
        if t is None:
            raise SystemExit(f"rule-inputs.md: {path}: its object {owner} is not declared above it")
        if key in t["fields"]:
            raise SystemExit(f"rule-inputs.md: {path} is listed twice")
        t["fields"][key] = field
        by_path[path.removesuffix("[]")] = field
        if field["type"] == "object":
            table(field["object"], row["section"], is_list)

    # resolve `as <path>` enums
    def resolve(f):
        if f.get("enum_as"):
            src = by_path.get(f["enum_as"].removesuffix("[]"))
            if src is None or src["type"] != "enum" or src.get("enum_as"):
                raise SystemExit(f"rule-inputs.md: enum 'as {f['enum_as']}' does not name an enum field")
            f["enum"] = list(src["enum"])
            if src.get("pattern"):
                f["pattern"] = src["pattern"]
    for t in tables.values():
        for f in t["fields"].values():
            resolve(f)
            if f["map"]:
                resolve(f["map"]["key"])
                resolve(f["map"]["value"])
    # refs must name tables
    for t in tables.values():
        for f in t["fields"].values():
            if f["type"] == "ref" and f["ref"] not in tables:
                raise SystemExit(f"rule-inputs.md: {f['path']}: → {f['ref']} names no table")
    for name in sorted(REQUIRED):
        if name not in by_path:
            raise SystemExit(f"gen_model: required field {name} is not in the document")
    return {name: tables[name] for name in order}


# ---------------------------------------------------------------------------------------------------------------
# rendering

HEADER = '''"""GENERATED by tools/gen_model.py from shared/spec/rule-inputs.md -- do not edit; run the script again.'''


def render_schema(tables: dict, doc_name: str) -> str:
    out = [HEADER]
    out.append("")
    out.append("The claim-batch/1 schema as plain data: per table (the file root is `claim_batch`; a nested `object`")
    out.append("is a table named by its dotted path, e.g. `provider.contract.suspensions`), its fields in document")
    out.append("order, each a dict with:")
    out.append("")
    out.append("  path      the dotted path of the document (`provider.contract.suspensions[]`)")
    out.append("  key, attr the JSON key and the model attribute (a Python keyword gets a trailing `_`: `from_`)")
    out.append("  type      string text slug code int number bool rials date datetime month time enum ref object map")
    out.append("  list      the value is a list of such values")
    out.append("  enum      the closed list (type enum); pattern: a regex for the patterned values (`msct_<n>`)")
    out.append("  ref       the table of a `→ name` field; object: the nested table of an `object` field")
    out.append("  map       {key: {...}, value: {...}} for a `map` field")
    out.append("  check     a checked string form (`national_id`); required: intake refuses the file without it")
    out.append("  nullable  null is accepted (a missing fact); empty_when_absent: an absent list reads as []")
    out.append("  src, section, meaning, values, read_by: the document's columns")
    out.append('"""')
    out.append("")
    out.append(f"SOURCE = {doc_name!r}")
    out.append("")
    out.append("TABLES = " + pprint.pformat(tables, width=116, sort_dicts=False))
    out.append("")
    out.append("CLASS_OF_TABLE = " + pprint.pformat({n: t["class"] for n, t in tables.items()}, width=116,
                                                   sort_dicts=False))
    out.append("")
    return "\n".join(out)


PY_TYPES = {"string": "str", "text": "str", "slug": "str", "code": "str", "int": "int", "number": "int | float",
            "bool": "bool", "rials": "int", "date": "JDate", "datetime": "JDateTime", "month": "JMonth",
            "time": "int", "enum": "str"}


def annotation(f: dict, tables: dict) -> str:
    t = f["type"]
    if t == "ref":
        base = tables[f["ref"]]["class"]
    elif t == "object":
        base = tables[f["object"]]["class"]
    elif t == "map":
        k = PY_TYPES[f["map"]["key"]["type"]]
        v = PY_TYPES[f["map"]["value"]["type"]]
        if f["map"]["value"].get("list"):
            v = f"list[{v}]"
        base = f"dict[{k}, {v} | None]"
    else:
        base = PY_TYPES[t]
    if f["list"]:
        base = f"list[{base}]"
    if f["empty_when_absent"]:
        return base
    if not f["nullable"]:
        return f"{base} | Absent"
    return f"{base} | None | Absent"


def render_model(tables: dict) -> str:
    out = [HEADER]
    out.append("")
    out.append("The domain model of claim-batch/1: one slotted dataclass per table of rule-inputs.md §1 and per nested")
    out.append("object.  Attribute names are the JSON keys (a Python keyword gets a trailing `_`: `from_`).")
    out.append("")
    out.append("Values: an absent key is ABSENT (\"as it should be\"); JSON null is None (a missing fact); dates are JDate,")
    out.append("date-times JDateTime, months JMonth, times int minutes of the day; rials and int are int; number is int")
    out.append("or float as given; enum/slug/string/code/text are str; lists are lists; a map is a dict (keys and values")
    out.append("converted by their types); nested objects are their dataclass.  `extra_` holds the keys the schema does")
    out.append("not know, exactly as given.  Objects are built by desktop.intake; no Qt, no SQL here.")
    out.append('"""')
    out.append("from __future__ import annotations")
    out.append("")
    out.append("from dataclasses import dataclass, field")
    out.append("from typing import ClassVar")
    out.append("")
    out.append("from desktop.domain.absent import ABSENT, Absent")
    out.append("from desktop.domain.jalali import JDate, JDateTime, JMonth")
    out.append("")
    classes = [t["class"] for t in tables.values()]
    out.append("__all__ = [")
    line = "   "
    for name in ["Record", *classes, "TABLE_CLASSES"]:
        item = f" {name!r},"
        if len(line) + len(item) > 116:
            out.append(line)
            line = "   "
        line += item
    out.append(line)
    out.append("]")
    out.append("")
    out.append("")
    out.append("class Record:")
    out.append('    """Base of every model class: a repr that shows only the keys the file gave."""')
    out.append("")
    out.append("    __slots__ = ()")
    out.append("    _table: ClassVar[str] = ''")
    out.append("")
    out.append("    def __repr__(self) -> str:")
    out.append("        parts = []")
    out.append("        for name in self.__slots__:")
    out.append("            value = getattr(self, name)")
    out.append("            if value is ABSENT or (name == 'extra_' and not value):")
    out.append("                continue")
    out.append("            parts.append(f'{name}={value!r}')")
    out.append("        return f\"{type(self).__name__}({', '.join(parts)})\"")
    out.append("")
    out.append("    def present(self) -> dict:")
    out.append('        """The attributes the file gave (not ABSENT), as a dict (extra_ not included)."""')
    out.append("        return {n: getattr(self, n) for n in self.__slots__")
    out.append("                if n != 'extra_' and getattr(self, n) is not ABSENT}")
    for name, t in tables.items():
        out.append("")
        out.append("")
        out.append("@dataclass(slots=True, kw_only=True, repr=False)")
        out.append(f"class {t['class']}(Record):")
        doc = f"Table `{name}` (rule-inputs.md §{t['section']})."
        out.append(f'    """{doc}"""')
        out.append("")
        out.append(f"    _table: ClassVar[str] = {name!r}")
        for f in t["fields"].values():
            meaning = re.sub(r"\s+", " ", f["meaning"]).strip()
            out.extend(textwrap.wrap(meaning, 112, initial_indent="    #: ", subsequent_indent="    #: ")
                       or ["    #:"])
            default = "field(default_factory=list)" if f["empty_when_absent"] else "ABSENT"
            out.append(f"    {f['attr']}: {annotation(f, tables)} = {default}")
        out.append("    #: keys the schema does not know, kept exactly as given")
        out.append("    extra_: dict = field(default_factory=dict)")
    out.append("")
    out.append("")
    out.append("#: table name (rule-inputs.md) → class")
    out.append("TABLE_CLASSES = {")
    for name, t in tables.items():
        out.append(f"    {name!r}: {t['class']},")
    out.append("}")
    out.append("")
    return "\n".join(out)


def generate(doc: Path) -> tuple[str, str]:
    tables = build_schema(parse_rows(doc.read_text(encoding="utf-8")))
    return render_schema(tables, "shared/spec/" + doc.name), render_model(tables)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    doc = Path(args[0]) if args else DEFAULT_DOC
    if not doc.is_file():
        print(f"gen_model: {doc} not found", file=sys.stderr)
        return 2
    schema_src, model_src = generate(doc)
    status = 0
    for path, src in ((SCHEMA_PY, schema_src), (MODEL_PY, model_src)):
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == src:
            print(f"{path.relative_to(REPO)}: up to date")
            continue
        if check:
            print(f"{path.relative_to(REPO)}: differs from {doc.name}; run tools/gen_model.py", file=sys.stderr)
            status = 1
        else:
            path.write_text(src, encoding="utf-8")
            print(f"{path.relative_to(REPO)}: written")
    # the intake's builders are generated from schema.py: regenerate (or check) them in a fresh interpreter
    cmd = [sys.executable, "-m", "desktop.intake.codegen"] + (["--check"] if check else [])
    status |= subprocess.run(cmd, cwd=REPO).returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
