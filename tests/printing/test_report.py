"""The performance report: up to three months of a provider, the objection deadline (۶-۱-۲۴: 15 days after
the report is received), events, verification."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from desktop.domain.jalali import parse_date
from desktop.domain.problems import InputError
from desktop.printing.layout import FOOTER_HEIGHT, MARGIN, PAGE
from desktop.printing.report import MONTH_GRID, REPORT_EVENT, objection_deadline, write_report
from desktop.printing.verify import _page_chunks, parse_grid, verify_pdf

from .conftest import NOW, norm, pdf_text
from .test_verify import SEP, tamper


@pytest.mark.parametrize("received, deadline", [
    ("1404/08/20", "1404/09/05"),     # Aban has 30 days
    ("1404/06/31", "1404/07/15"),     # Shahrivar has 31
    ("1403/12/25", "1404/01/10"),     # 1403 is a leap year: Esfand has 30 days
    ("1404/12/25", "1405/01/11"),     # 1404 is not: 29
])
def test_objection_deadline_is_fifteen_days_after_receipt(received, deadline):
    assert str(objection_deadline(parse_date(received))) == deadline


def test_report_of_two_months(tmp_path, demo_store):
    out = tmp_path / "report.pdf"
    info = write_report(demo_store, "PRV-2231", "1404/06", "1404/07", out, received_on="1404/08/20", now=NOW,
                        signers=[{"name": "مریم احمدی", "role": "technical_reviewer"}])
    assert info.objection_deadline == "1404/09/05"
    assert info.batches == ["PRV-2231/1404-06/iranians", "PRV-2231/1404-07/iranians"]
    assert info.totals == {"requested": 48_361_000, "approved": 35_101_000, "deducted": 13_260_000,
                           "insured_share": 10_530_300, "org_share": 24_570_700}
    text = "\n".join(pdf_text(out))
    flat = norm(text)
    for s in ("گزارش عملکرد مؤسسه", "مرکز تصویربرداری پزشکی سپاهان", "شهریور", "مهر",
              "آخرین مهلت اعتراض", "به نتیجهٔ رسیدگی کتبا اعتراض نماید"):  # (tanween is not drawn)
        assert norm(s) in flat, s
    assert "1404/09/05" in text and "1404/08/20" in text
    # one row per batch: documents, marks, requested, approved, deducted, shares — as the stored results say
    pages = [_page_chunks(p) for p in PdfReader(str(out)).pages]
    grid = parse_grid(pages, MONTH_GRID, PAGE[0] - MARGIN, MARGIN + FOOTER_HEIGHT)
    got = [[r["batch"][0]] + [int("".join(ch for ch in "".join(r[k]) if ch.isdigit()))
                              for k in ("docs", "tick", "circle", "zero", "requested", "approved", "deducted",
                                        "insured_share", "org_share")] for r in grid.rows]
    assert got == [
        ["PRV-2231/1404-06/iranians", 19, 19, 0, 0, 14_183_000, 14_183_000, 0, 4_254_900, 9_928_100],
        ["PRV-2231/1404-07/iranians", 41, 23, 3, 15, 34_178_000, 20_918_000, 13_260_000, 6_275_400, 14_642_600],
    ]
    assert norm("38٫8٪") in flat                        # 13,260,000 of 34,178,000 deducted
    # issuing it is recorded on both batches, with the deadline GEN-24 will check objections against
    for bid in info.batches:
        ev = [e for e in demo_store.events(bid) if e["kind"] == REPORT_EVENT]
        assert len(ev) == 1 and ev[0]["objection_deadline"] == "1404/09/05" and ev[0]["code"] == info.code
        assert ev[0]["who"] == "مریم احمدی"
    assert verify_pdf(out).ok


def test_the_deadline_cannot_be_altered(tmp_path, demo_store):
    out = tmp_path / "report.pdf"
    write_report(demo_store, "PRV-2231", "1404/07", "1404/07", out, received_on="1404/08/20", now=NOW)
    bad = tmp_path / "bad.pdf"
    assert tamper(out, bad, rb"\(1404/09/05\)", b"(1404/09/25)", which="last") == 1
    v = verify_pdf(bad)
    assert not v.ok and any("1404/09/25" in en for en, _ in v.problems)
    bad2 = tmp_path / "bad2.pdf"
    assert tamper(out, bad2, rb"\(13(" + SEP + rb"260" + SEP + rb"000)\)", rb"(12\1)", which="last") == 1
    assert not verify_pdf(bad2).ok


@pytest.mark.parametrize("first, last, path, fragment", [
    ("1404/04", "1404/07", "--to", "حداکثر 3 ماه"),
    ("1404/07", "1404/06", "--to", "پیش از آغاز"),
    ("1404-13", "1404/07", "--from", "yyyy/mm"),
])
def test_bad_periods_are_located(tmp_path, demo_store, first, last, path, fragment):
    with pytest.raises(InputError) as exc:
        write_report(demo_store, "PRV-2231", first, last, tmp_path / "r.pdf", now=NOW)
    p = exc.value.problems[0]
    assert p.path == path and fragment in p.message_fa
    assert not (tmp_path / "r.pdf").exists()


def test_no_batches_of_the_provider(tmp_path, demo_store):
    with pytest.raises(InputError) as exc:
        write_report(demo_store, "PRV-9999", "1404/06", "1404/07", tmp_path / "r.pdf", now=NOW)
    assert exc.value.problems[0].code == "no_batches" and "PRV-9999" in exc.value.problems[0].message_fa
