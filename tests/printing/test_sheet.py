"""The adjustment sheet: the figures of a known batch in the PDF's text, the long sheet's pages, versions and
events, signers, office settings."""
from __future__ import annotations

import json
import math
import os
import stat
import sys

import pytest
from pypdf import PdfReader

from desktop.domain.problems import InputError
from desktop.printing import persian as fa
from desktop.printing.layout import FOOTER_HEIGHT, MARGIN, PAGE, head_height, total_height
from desktop.printing.sheet import SHEET_EVENT, SHEET_GRID, sheet_rows, write_sheet
from desktop.printing.verify import _page_chunks, parse_grid, verify_pdf

from .builders import long_case
from .conftest import NOW, norm, pdf_text

# (seq, code, requested, approved, deducted, mark, clause ids) — every adjusted amount of the demo month, as the
# frozen result decides them (tests/printing/data/demo-result.json)
DEMO_ROWS = [
    (21, "701555", 900_000, 0, 900_000, "0", "GEN-5"),
    (22, "701655", 840_000, 0, 840_000, "0", "GEN-2-N2"),
    (23, "701520", 400_000, 0, 400_000, "0", "GEN-2"),
    (24, "700245", 534_000, 0, 534_000, "0", "GEN-8"),
    (25, "701611", 840_000, 0, 840_000, "0", "GEN-8"),
    (26, "700920", 631_000, 0, 631_000, "0", "GEN-19"),
    (27, "701740", 1_200_000, 0, 1_200_000, "0", "GEN-13"),
    (28, "701555", 900_000, 0, 900_000, "0", "GEN-8-N2"),
    (29, "701545", 840_000, 600_000, 240_000, "c600000", "GEN-15-N2"),
    (30, "700245", 534_000, 0, 534_000, "0", "GEN-7-N1"),
    (31, "701555", 900_000, 0, 900_000, "0", "GEN-20-N2"),
    (32, "701520", 400_000, 0, 400_000, "0", "GEN-12"),
    (33, "701715", 700_000, 0, 700_000, "0", "US-3"),
    (34, "701740", 1_200_000, 0, 1_200_000, "0", "US-16-6"),
    (35, "700925", 810_000, 0, 810_000, "0", "BMD-12"),
    (36, "701555", 900_000, 0, 900_000, "0", "GEN-9"),
    (37, "701715", 700_000, 0, 700_000, "0", "US-17"),
    (40, "700920", 631_000, 0, 631_000, "0", "BMD-6"),
]


def _grid_rows(path):
    pages = [_page_chunks(p) for p in PdfReader(str(path)).pages]
    return parse_grid(pages, SHEET_GRID, PAGE[0] - MARGIN, MARGIN + FOOTER_HEIGHT)


def test_known_batch_figures_are_printed(tmp_path, demo):
    batch, result = demo
    out = tmp_path / "sheet.pdf"
    info = write_sheet(result, out, batch=batch, now=NOW)
    text = "\n".join(pdf_text(out))
    flat = norm(text)
    # the header: office, provider, kind, fund, month, batch, dates of receipt and review
    for s in ("برگ تعدیلات و کسورات اسناد پزشکی", "اداره کل بیمه سلامت استان اصفهان",
              "مرکز تصویربرداری پزشکی سپاهان", "مرکز تصویربرداری", "ایرانیان"):
        assert norm(s) in flat, s
    for s in ("PRV-2231", "PRV-2231/1404-07/iranians", "1404/08/12", "1404/08/20", "10:30"):
        assert s in text, s
    # the totals: requested, approved, deducted, insured share, organisation share (٬ separators)
    for s in ("34٬178٬000", "20٬918٬000", "13٬260٬000", "6٬275٬400", "14٬642٬600"):
        assert s in text, s
    # reconciled with the declared cost-request form: 41 documents, 34,178,000 = 10,253,400 + 23,924,600
    for s in ("10٬253٬400", "23٬924٬600"):
        assert s in text, s
    # every adjusted amount, in its row: requested, approved, deducted, mark, clause
    grid = _grid_rows(out)
    got = [(int(r["seq"][0]), r["code"][0], *(int(fa_amount_digits(r[k])) for k in ("requested", "approved",
                                                                                  "deducted")),
            _mark(r["mark"]), r["rules"][0]) for r in grid.rows]
    assert got == DEMO_ROWS
    assert [int(r["row"][0]) for r in grid.rows] == list(range(1, len(DEMO_ROWS) + 1))
    assert info.rows == len(DEMO_ROWS)
    assert {k: int(fa_amount_digits([v])) for k, v in grid.grand.items()} == {
        "requested": sum(r[2] for r in DEMO_ROWS), "approved": 600_000, "deducted": 13_260_000}
    # the short reason beside the circled figure
    assert norm("مبلغ درخواستی بیش از تعرفه") in flat


def fa_amount_digits(texts) -> str:
    return "".join(ch for ch in "".join(texts) if ch.isdigit())


def _mark(texts):
    t = "".join(texts)
    return "0" if t == "0" else ("c" + fa_amount_digits([t]) if t else "t")


def test_table_deductions_add_up_to_the_result(tmp_path, demo):
    batch, result = demo
    out = tmp_path / "s.pdf"
    write_sheet(result, out, batch=batch, now=NOW)
    grid = _grid_rows(out)
    deducted = sum(int(fa_amount_digits(r["deducted"])) for r in grid.rows)
    assert deducted == result["totals"]["deducted"] == 13_260_000
    assert int(fa_amount_digits([grid.grand["deducted"]])) == 13_260_000


def test_long_sheet_pages_and_header_on_every_page(tmp_path):
    batch, result = long_case(1000)
    out = tmp_path / "long.pdf"
    info = write_sheet(result, out, batch=batch, now=NOW)
    reader = PdfReader(str(out))
    assert len(reader.pages) == info.pages
    # every row is one line here: the page count follows from the geometry
    spec = SHEET_GRID
    row_h = 2 * spec.pad + spec.leading
    first_room = (PAGE[1] - MARGIN - 100) - (MARGIN + FOOTER_HEIGHT)
    later_room = (PAGE[1] - MARGIN - 46) - (MARGIN + FOOTER_HEIGHT)
    per_first = math.floor((first_room - head_height(spec) - 2 * total_height(spec)) / row_h + 1e-9)
    per_later = math.floor((later_room - head_height(spec) - 2 * total_height(spec)) / row_h + 1e-9)
    table_pages = 1 + math.ceil((1000 - per_first) / per_later)
    pages = [_page_chunks(p) for p in reader.pages]
    grid = parse_grid(pages, spec, PAGE[0] - MARGIN, MARGIN + FOOTER_HEIGHT)
    assert grid.pages == list(range(1, table_pages + 1))        # the table header on every page of the table
    assert [int(r["row"][0]) for r in grid.rows] == list(range(1, 1001))
    assert len(grid.page_totals) == table_pages                 # «جمع این صفحه» closes every page
    assert info.pages >= table_pages
    for i, chunks in enumerate(pages, start=1):
        texts = {c.text for c in chunks}
        assert info.code in texts                                # the verification code on every page
        assert "LONG-1/1404-07/iranians" in texts                # the batch on every page
        keys = {fa.label_key(c.text) for c in chunks}
        assert fa.label_key("برگ تعدیلات و کسورات اسناد پزشکی") in keys
        page_no = [c.text for c in chunks if fa.label_key(c.text) == fa.label_key("صفحه از")]
        assert page_no and sorted(fa_amount_digits([page_no[0]])) == sorted(f"{i}{info.pages}")


def test_reissue_names_the_version_it_replaces_and_records_events(tmp_path, demo, demo_store):
    store = demo_store
    result = store.load_result("PRV-2231/1404-07/iranians")
    first = write_sheet(result, tmp_path / "v1.pdf", store=store, now=NOW,
                        signers=[{"name": "مریم احمدی", "role": "technical_reviewer"}])
    second = write_sheet(result, tmp_path / "v2.pdf", store=store, now=NOW, reason="اعتراض مؤسسه به ردیف ۹")
    events = [e for e in store.events(result["batch_id"]) if e["kind"] == SHEET_EVENT]
    assert (first.version, second.version) == (1, 2)
    assert first.replaces is None
    assert second.replaces["code"] == first.code and second.replaces["version"] == 1
    assert [e["version"] for e in events] == [1, 2]
    assert events[0]["who"] == "مریم احمدی" and events[0]["code"] == first.code
    assert events[1]["replaces"]["sheet_id"] == first.sheet_id
    assert events[1]["reason"] == "اعتراض مؤسسه به ردیف ۹"
    assert events[1]["totals"]["deducted"] == result["totals"]["deducted"]
    text = "\n".join(pdf_text(tmp_path / "v2.pdf"))
    assert first.code in text                                    # the replaced version is named on the new one
    assert norm("جایگزین نسخهٔ") in norm(text) and norm("علت صدور مجدد: اعتراض مؤسسه به ردیف ۹") in norm(text)
    assert verify_pdf(tmp_path / "v1.pdf").ok and verify_pdf(tmp_path / "v2.pdf").ok


def test_signers_names_and_signature_images(tmp_path, demo):
    from PIL import Image, ImageDraw

    img = tmp_path / "sig.png"
    im = Image.new("RGBA", (240, 90), (255, 255, 255, 0))
    ImageDraw.Draw(im).line([(10, 70), (80, 20), (150, 75), (230, 15)], fill=(20, 40, 160, 255), width=4)
    im.save(img)
    batch, result = demo
    out = tmp_path / "signed.pdf"
    write_sheet(result, out, batch=batch, now=NOW, signers=[
        {"name": "مریم احمدی", "role": "technical_reviewer", "signed_on": "1404/08/19", "image": str(img)},
        {"name": "رضا کاظمی", "role": "accountant", "image": img.read_bytes()}])
    reader = PdfReader(str(out))
    last = reader.pages[-1]
    flat = norm(last.extract_text())
    for s in ("کارشناس رسیدگی فنی", "کارشناس حسابداری", "مریم احمدی", "رضا کاظمی"):
        assert norm(s) in flat, s
    assert "1404/08/19" in last.extract_text()
    assert last.get_contents().get_data().count(b" Do") == 2      # both signature images are drawn


def test_without_signers_the_signature_lines_are_blank(tmp_path, demo):
    batch, result = demo
    out = tmp_path / "blank.pdf"
    write_sheet(result, out, batch=batch, now=NOW)
    last = PdfReader(str(out)).pages[-1]
    assert norm("کارشناس حسابداری") in norm(last.extract_text())
    assert last.get_contents().get_data().count(b" Do") == 0


def test_office_settings_are_printed_and_a_bad_file_is_located(tmp_path, demo, home):
    batch, result = demo
    home.mkdir(parents=True, exist_ok=True)
    (home / "office.json").write_text(json.dumps({"office": "اداره کل بیمه سلامت استان فارس",
                                                  "unit": "اداره اسناد پزشکی شیراز"}, ensure_ascii=False),
                                      encoding="utf-8")
    out = tmp_path / "o.pdf"
    write_sheet(result, out, batch=batch, now=NOW)
    flat = norm(pdf_text(out)[0])
    assert norm("اداره کل بیمه سلامت استان فارس") in flat and norm("اداره اسناد پزشکی شیراز") in flat
    (home / "office.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        write_sheet(result, tmp_path / "x.pdf", batch=batch, now=NOW)
    p = exc.value.problems[0]
    assert p.file.endswith("office.json") and "JSON" in p.message_en and "تنظیمات" in p.message_fa
    (home / "office.json").write_text(json.dumps({"office": 12}), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        write_sheet(result, tmp_path / "x.pdf", batch=batch, now=NOW)
    assert exc.value.problems[0].path == "$.office"
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_office_key_is_created_once_private(tmp_path, demo, home):
    batch, result = demo
    a = write_sheet(result, tmp_path / "a.pdf", batch=batch, now=NOW)
    key = home / "keys" / "office-ed25519.pem"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    b = write_sheet(result, tmp_path / "b.pdf", batch=batch, now=NOW)
    assert a.key == b.key                       # the same office key signs every sheet


def test_rows_of_a_bill_list_its_headings(demo):
    result = {"format": "review-result/1", "batch_id": "H", "totals": {}, "findings": [], "prescriptions": [],
              "bills": [{"seq": 3, "mark": "circle", "requested": 5_000_000, "approved": 4_200_000,
                         "findings": [{"rule": "INP-6-2", "severity": "adjust", "mark": "circle",
                                       "message_fa": "روز بستری اضافه", "heading": "hoteling"}],
                         "headings": {"hoteling": {"mark": "circle", "requested": 3_000_000, "approved": 2_200_000,
                                                   "rules": ["INP-6-2"]},
                                      "drugs": {"mark": "circle", "requested": 2_000_000, "approved": 1_880_000,
                                                "rules": [], "lines": [
                                                    {"line": 1, "mark": "tick", "requested": 1_880_000,
                                                     "approved": 1_880_000, "rules": []},
                                                    {"line": 2, "mark": "zero", "requested": 120_000,
                                                     "approved": 0, "rules": ["INP-13-1"]}]},
                                      "visits": {"mark": "tick", "requested": 500_000, "approved": 500_000,
                                                 "rules": []}}}]}
    rows = sheet_rows(result)
    assert len(rows) == 2                    # the two headings with an adjustment; the ticked one is not listed
    r = rows[0]
    assert (r["seq"], r["code"], r["requested"], r["approved"], r["deducted"]) == (3, "هتلینگ", 3_000_000,
                                                                                   2_200_000, 800_000)
    assert r["mark"] == ("circle", 2_200_000) and r["rules"] == ["INP-6-2"] and r["reason"] == "روز بستری اضافه"
    d = rows[1]
    assert (d["code"], d["deducted"], d["mark"], d["rules"]) == ("دارو", 120_000, ("circle", 1_880_000), ["INP-13-1"])
    assert d["reason"] == "قلم 2: 120٬000 ← 0 (صفر INP-13-1)"     # the zeroed line of the heading, named


def test_an_all_ticked_batch_prints_an_empty_table(tmp_path):
    batch, result = long_case(3)
    for d in result["prescriptions"]:
        d["mark"] = "tick"
        d["approved"] = d["requested"]
        for ln in d["lines"]:
            ln.update(mark="tick", approved=ln["requested"], rules=[])
        d["findings"] = []
    result["totals"].update(approved=result["totals"]["requested"], deducted=0, by_rule={})
    out = tmp_path / "clean.pdf"
    info = write_sheet(result, out, batch=batch, now=NOW)
    assert info.rows == 0
    assert norm("هیچ مبلغی تعدیل یا کسر نشده است") in norm("\n".join(pdf_text(out)))
    assert verify_pdf(out).ok


def test_two_desks_issuing_the_same_version_at_once_cannot_both_succeed(tmp_path, demo, demo_store, monkeypatch):
    """The check that no version was issued since the preview and the record are one transaction: with the
    early (read-only) check out of the way, as when two desks pass it in the same instant, the second issue of
    version 1 is refused and nothing is written."""
    import pytest

    import desktop.printing.sheet as sheet_mod
    from desktop.printing.draft import StaleDraft
    from desktop.store import StoreError
    batch, result = demo
    a = sheet_mod.render_sheet(result, tmp_path / "a.pdf", batch=batch, store=demo_store, now=NOW)
    b = sheet_mod.render_sheet(result, tmp_path / "b.pdf", batch=batch, store=demo_store, now=NOW)
    assert a.info.version == b.info.version == 1
    monkeypatch.setattr(sheet_mod, "_check_not_overtaken", lambda *args: None)
    a.issue()
    with pytest.raises((StoreError, StaleDraft)):
        b.issue()
    issued = [e for e in demo_store.events(result["batch_id"]) if e.get("kind") == sheet_mod.SHEET_EVENT]
    assert [e["version"] for e in issued] == [1] and issued[0]["code"] == a.info.code


def test_record_event_expect_last(demo_store, demo):
    import pytest

    from desktop.store import StoreError
    bid = demo[1]["batch_id"]
    n = len(demo_store.events(bid))
    demo_store.record_event(bid, {"kind": "probe", "who": "t", "tag": "x"}, expect_last=("probe", "tag", None))
    demo_store.record_event(bid, {"kind": "other", "who": "t"})
    demo_store.record_event(bid, {"kind": "probe", "who": "t", "tag": "y"}, expect_last=("probe", "tag", "x"))
    with pytest.raises(StoreError) as err:
        demo_store.record_event(bid, {"kind": "probe", "who": "t", "tag": "z"}, expect_last=("probe", "tag", "x"))
    assert err.value.code == "conflict" and "میز دیگری" in err.value.message_fa
    assert [e.get("tag") for e in demo_store.events(bid)[n:]] == ["x", None, "y"]
