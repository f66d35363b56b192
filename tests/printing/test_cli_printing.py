"""`rasidegi review --sheet`, `rasidegi verify`, `rasidegi report` end to end."""
from __future__ import annotations

from desktop.cli import main
from desktop.paths import resources_dir

from .test_verify import SEP, tamper


def test_review_writes_a_sheet_that_verifies(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    batch = str(resources_dir() / "demo" / "demo-batch.json")
    sheet = tmp_path / "sheet.pdf"
    assert main(["review", batch, "--out", str(tmp_path / "r.json"), "--db", db, "--sheet", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert sheet.exists() and "version / نسخهٔ 1" in out
    assert main(["verify", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert "AUTHENTIC and UNCHANGED" in out and "اصیل و بدون تغییر" in out
    bad = tmp_path / "bad.pdf"
    # the last amount printed (the totals box) gets another first digit
    assert tamper(sheet, bad, rb"\((\d{1,3})(" + SEP + rb"\d{3}" + SEP + rb"\d{3}\))",
                  lambda m: b"(" + (b"1" if m.group(1) != b"1" else b"2") + m.group(2), which="last") == 1
    assert main(["verify", str(bad)]) == 2
    assert "NOT AUTHENTIC or ALTERED" in capsys.readouterr().out


def test_report_command(tmp_path, demo_store, capsys):
    out = tmp_path / "report.pdf"
    rc = main(["report", "--provider", "PRV-2231", "--from", "1404/06", "--to", "1404/07", "--out", str(out),
               "--db", demo_store.url, "--received-on", "1404/08/20"])
    assert rc == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "1404/09/05" in printed and "2 batches" in printed
    assert main(["verify", str(out)]) == 0
    rc = main(["report", "--provider", "PRV-2231", "--from", "1404/03", "--to", "1404/07", "--out", str(out),
               "--db", demo_store.url])
    assert rc == 2
    err = capsys.readouterr().err
    assert "--to" in err and "حداکثر 3 ماه" in err
