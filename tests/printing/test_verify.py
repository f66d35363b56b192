"""`verify`: a sheet is authentic and unchanged, or it is rejected — altered totals, an altered row, another
sheet's seal, an unknown key, no seal at all."""
from __future__ import annotations

import re
import shutil

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from desktop.printing.seal import KEYWORDS_PREFIX, _b32d, _b32e, open_seal
from desktop.printing.sheet import write_sheet
from desktop.printing.verify import verify_pdf

from .conftest import NOW


def tamper(src, dst, pattern: bytes, repl, *, which: str = "all") -> int:
    """Edit the PDF's page content the way a PDF editor would: every (or only the last) text operand matching
    `pattern` (a regex over the raw content stream) is rewritten with `repl` (bytes or a function of the match,
    as for re.sub).  Returns how many were changed."""
    writer = PdfWriter(clone_from=PdfReader(str(src)))
    hits = []
    for i, page in enumerate(writer.pages):
        data = page.get_contents().get_data()
        hits += [(i, m.start(), m.end()) for m in re.finditer(pattern, data)]
    if which == "last":
        hits = hits[-1:]
    by_page: dict[int, list] = {}
    for i, a, b in hits:
        by_page.setdefault(i, []).append((a, b))
    for i, spans in by_page.items():
        page = writer.pages[i]
        data = page.get_contents().get_data()
        for a, b in reversed(spans):
            data = data[:a] + re.sub(pattern, repl, data[a:b]) + data[b:]
        stream = DecodedStreamObject()
        stream.set_data(data)
        page[NameObject("/Contents")] = writer._add_object(stream)
    writer.write(str(dst))
    return len(hits)


# an amount as reportlab writes it: ASCII digits, the separator ٬ as one escaped code (\\ooo)
SEP = rb"\\[0-7]{3}"


def _sheet(tmp_path, demo, name="sheet.pdf", **kw):
    batch, result = demo
    out = tmp_path / name
    info = write_sheet(result, out, batch=batch, now=NOW, **kw)
    return out, info


def test_an_issued_sheet_is_authentic(tmp_path, demo):
    out, info = _sheet(tmp_path, demo)
    v = verify_pdf(out)
    assert v.ok, v.problems
    assert v.kind == "sheet" and v.code == info.code and v.batch_id == "PRV-2231/1404-07/iranians"
    assert v.payload["tot"] == [34_178_000, 20_918_000, 13_260_000, 6_275_400, 14_642_600]
    assert "AUTHENTIC" in v.summary_en() and "اصیل" in v.summary_fa()


def test_altered_total_is_rejected(tmp_path, demo):
    out, _ = _sheet(tmp_path, demo)
    bad = tmp_path / "bad.pdf"
    # «جمع کسور» 13٬260٬000 → 12٬260٬000 in the totals box only (the last place it is printed)
    assert tamper(out, bad, rb"\(13(" + SEP + rb"260" + SEP + rb"000)\)", rb"(12\1)", which="last") == 1
    v = verify_pdf(bad)
    assert not v.ok
    assert any("جمع کسور" in en and "12260000" in en for en, _ in v.problems), v.problems
    assert "دست‌کاری" in v.summary_fa() or "نامعتبر" in v.summary_fa()


def test_totals_altered_everywhere_are_still_rejected(tmp_path, demo):
    out, _ = _sheet(tmp_path, demo)
    bad = tmp_path / "bad.pdf"
    # a careful forger changes every printed 13٬260٬000: the rows no longer add up, and the seal disagrees
    assert tamper(out, bad, rb"\(13(" + SEP + rb"260" + SEP + rb"000)\)", rb"(12\1)") == 3
    v = verify_pdf(bad)
    assert not v.ok
    text = " ".join(en for en, _ in v.problems)
    assert "rows add up to 13260000" in text and "signed total is 13260000" in text


def test_an_altered_row_is_rejected(tmp_path, demo):
    out, _ = _sheet(tmp_path, demo)
    bad = tmp_path / "bad.pdf"
    # the first zeroed 900٬000 of the table (seq 21) becomes 90٬000 deducted
    assert tamper(out, bad, rb"\(900(" + SEP + rb")000\)", rb"(90\g<1>000)", which="all") >= 1
    v = verify_pdf(bad)
    assert not v.ok
    assert any("differ from the signed rows" in en for en, _ in v.problems)


def test_another_sheets_seal_does_not_make_figures_authentic(tmp_path, demo):
    batch, result = demo
    genuine, _ = _sheet(tmp_path, demo, "genuine.pdf")
    forged_result = {**result, "totals": {**result["totals"], "deducted": 1_000_000,
                                          "approved": result["totals"]["requested"] - 1_000_000}}
    forged = tmp_path / "forged.pdf"
    write_sheet(forged_result, forged, batch=batch, now=NOW)
    # put the genuine sheet's seal on the forged figures
    seal = PdfReader(str(genuine)).metadata["/Keywords"]
    w = PdfWriter(clone_from=PdfReader(str(forged)))
    w.add_metadata({"/Keywords": seal})
    copied = tmp_path / "copied.pdf"
    w.write(str(copied))
    v = verify_pdf(copied)
    assert not v.ok
    assert any("جمع مبلغ تأییدشده" in en or "جمع کسور" in en for en, _ in v.problems)
    # and the seal itself cannot be edited: a changed total breaks the signature
    payload, body, sig = open_seal(seal[len(KEYWORDS_PREFIX):])
    text = seal.split(".")
    edited_body = _b32d(text[1]).replace(b"13260000", b"12260000")
    w2 = PdfWriter(clone_from=PdfReader(str(genuine)))
    w2.add_metadata({"/Keywords": ".".join([text[0], _b32e(edited_body), text[2]])})
    edited = tmp_path / "edited-seal.pdf"
    w2.write(str(edited))
    v2 = verify_pdf(edited)
    assert not v2.ok and any("signature" in en for en, _ in v2.problems)


def test_a_sheet_of_an_unknown_office_is_not_authentic_until_its_key_is_trusted(tmp_path, demo, monkeypatch):
    out, info = _sheet(tmp_path, demo)
    other = tmp_path / "other-office"
    monkeypatch.setenv("RASIDEGI_HOME", str(other))
    v = verify_pdf(out)
    assert not v.ok and any("does not know" in en for en, _ in v.problems)
    (other / "keys" / "trusted").mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "home" / "keys" / "office-ed25519.pub.pem", other / "keys" / "trusted" / "isfahan.pem")
    assert verify_pdf(out).ok


def test_a_pdf_without_a_seal_or_not_a_pdf(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    plain = tmp_path / "plain.pdf"
    c = Canvas(str(plain))
    c.drawString(100, 700, "34,178,000")
    c.save()
    v = verify_pdf(plain)
    assert not v.ok and "rasidegi" in v.problems[0][0]
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    v = verify_pdf(junk)
    assert not v.ok and "not a readable PDF" in v.problems[0][0] and "PDF" in v.problems[0][1]


def test_the_printed_qr_code_holds_the_seal(tmp_path, demo):
    """Render the last page and read the QR code back (poppler's pdftoppm and zbar's zbarimg, when installed)."""
    import shutil as sh
    import subprocess

    import pytest

    from desktop.printing.verify import verify_seal

    if not (sh.which("pdftoppm") and sh.which("zbarimg")):
        pytest.skip("pdftoppm and zbarimg are needed to read the printed QR code")
    out, info = _sheet(tmp_path, demo)
    pages = len(PdfReader(str(out)).pages)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(pages), "-l", str(pages), str(out),
                    str(tmp_path / "last")], check=True)
    png = next(tmp_path.glob("last*.png"))
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.strip()
    assert scanned == info.seal
    v = verify_seal(scanned)
    assert v.ok and v.code == info.code and v.payload["tot"][2] == 13_260_000


def test_the_register_refuses_a_preview_never_issued_and_notes_a_replaced_version(tmp_path, demo, demo_store):
    """A print preview carries a valid seal; only the register of issued sheets tells it from an issued one."""
    from desktop.printing.sheet import render_sheet
    batch, result = demo
    draft = render_sheet(result, tmp_path / "preview.pdf", batch=batch, store=demo_store, now=NOW,
                         signers=[{"name": "سارا", "role": "technical_reviewer"}])
    copied = tmp_path / "copied-out.pdf"
    shutil.copyfile(draft.path, copied)
    assert verify_pdf(copied).ok                                   # the seal alone: authentic
    v = verify_pdf(copied, store=demo_store)
    assert not v.ok and any("صادر نشده" in fa for _, fa in v.problems), v.problems
    # issued: now it is in the register; a later version (after an objection) makes it «replaced», still authentic
    draft.issue()
    v1 = verify_pdf(copied, store=demo_store)
    assert v1.ok and not v1.notes, (v1.problems, v1.notes)
    write_sheet(result, tmp_path / "v2.pdf", batch=batch, store=demo_store, now=NOW, reason="اعتراض پذیرفته شد")
    v1 = verify_pdf(copied, store=demo_store)
    assert v1.ok and any("نسخهٔ ۲" in fa for _, fa in v1.notes), v1.notes
    assert "جایگزین" in v1.summary_fa()
    assert verify_pdf(tmp_path / "v2.pdf", store=demo_store).notes == []


def test_the_register_of_another_database_only_notes_it_does_not_hold_the_batch(tmp_path, demo):
    from desktop.store import Store
    out, _ = _sheet(tmp_path, demo)
    with Store.open(f"sqlite:///{tmp_path / 'other.sqlite'}") as other:
        v = verify_pdf(out, store=other)
    assert v.ok and any("در این پایگاه داده نیست" in fa for _, fa in v.notes)


def test_cli_verify_with_the_register(tmp_path, demo, demo_store, capsys):
    from desktop.cli import main
    from desktop.printing.sheet import render_sheet
    batch, result = demo
    draft = render_sheet(result, tmp_path / "p.pdf", batch=batch, store=demo_store, now=NOW)
    url = demo_store.url if "://" in demo_store.url else f"sqlite:///{demo_store.url}"
    assert main(["verify", str(draft.path)]) == 0
    assert main(["verify", "--db", url, str(draft.path)]) == 2
    assert "never printed or saved" in capsys.readouterr().out
