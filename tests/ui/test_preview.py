"""The print preview of the adjustment sheet and of the performance report (issue 4: "from the GUI (print
preview, then print or save) … produce the batch's adjustment sheet as a PDF made with reportlab").

Previewing records nothing; «ذخیره» writes exactly the previewed bytes and records one `sheet_issued`; printing
the same preview records nothing more; Esc closes without any event.  The screenshot of docs/screenshots:

    xvfb-run -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.ui.test_preview
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.conftest import DEMO_ID, make_window, press

HISTORY_ID = "PRV-2231/1404-06/iranians"


def _events(store, batch_id, kind="sheet_issued"):
    return [e for e in store.events(batch_id) if e.get("kind") == kind]


def _pdf_pages(path_or_bytes):
    import io

    from pypdf import PdfReader
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(src).pages]


@pytest.fixture
def silent(monkeypatch):
    seen = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda parent, title, text, *a, _n=name, **k:
                                                            seen.append((_n, title, text))))
    return seen


@pytest.fixture
def desk(qtbot, demo_store, settings, rules, reference):
    w = make_window(qtbot, demo_store, settings, rules, reference)
    w.open_batch(DEMO_ID, background=False)
    return w


def _sheet_preview(qtbot, desk):
    dlg = desk.issue_sheet()
    assert dlg is not None
    qtbot.waitExposed(dlg)
    return dlg


def test_preview_shows_the_sheet_page_by_page_and_records_nothing(qtbot, desk, demo_store, silent):
    before = _events(demo_store, DEMO_ID)
    dlg = _sheet_preview(qtbot, desk)
    pages = _pdf_pages(dlg.draft.pdf_bytes())
    # the demo month's sheet: three landscape A4 pages (842 × 595 pt), as the PDF says
    assert dlg.pages.count == len(pages) == dlg.draft.info.pages == 3
    assert all(round(w) == 842 and round(h) == 595 for w, h in pages)
    assert dlg.thumbs.count() == 3
    assert dlg.page_label.text() == "صفحه ۱ از ۳"
    assert dlg.draft.info.version == len(before) + 1 and "نسخهٔ ۱" in dlg.title_label.text()
    # the reviewer signs in the technical reviewer's box (the desk's role «technical» is that signer role)
    import io
    import unicodedata

    from pypdf import PdfReader
    last = unicodedata.normalize("NFKC", PdfReader(io.BytesIO(dlg.draft.pdf_bytes())).pages[-1].extract_text())
    assert "technical" not in last
    lines = last.splitlines()
    box = lines.index("کارشناس رسیدگی فنی")
    assert "سارا احمدی" in lines[box:box + 4]
    # the preview itself issues nothing
    assert _events(demo_store, DEMO_ID) == before and not dlg.draft.issued
    # keyboard: PgDown / PgUp move by a page; the indicator follows
    press(qtbot, dlg.scroll, Qt.Key.Key_PageDown)
    assert dlg.current_page == 1 and dlg.page_label.text() == "صفحه ۲ از ۳"
    press(qtbot, dlg.scroll, Qt.Key.Key_PageDown)
    press(qtbot, dlg.scroll, Qt.Key.Key_PageDown)                    # past the end: stays on the last
    assert dlg.page_label.text() == "صفحه ۳ از ۳" and not dlg.next_button.isEnabled()
    press(qtbot, dlg.scroll, Qt.Key.Key_PageUp)
    assert dlg.page_label.text() == "صفحه ۲ از ۳"
    assert dlg.thumbs.currentRow() == 1
    dlg.thumbs.setCurrentRow(0)                                       # a thumbnail goes to its page
    assert dlg.current_page == 0
    # zoom: fit width fills the viewport's width, fit page shows a whole page
    dlg.zoom_combo.setCurrentIndex(dlg.zoom_combo.findData("fit_width"))
    vp = dlg.scroll.viewport()
    assert abs(842 * dlg.view.zoom - (vp.width() - 2 * dlg.view.MARGIN)) < 24
    dlg.zoom_combo.setCurrentIndex(dlg.zoom_combo.findData("fit_page"))
    assert 595 * dlg.view.zoom <= vp.height() - 2 * dlg.view.MARGIN + 1
    assert 842 * dlg.view.zoom <= vp.width() - 2 * dlg.view.MARGIN + 1
    dlg.reject()


def test_save_writes_the_previewed_bytes_and_records_one_issue(qtbot, desk, demo_store, silent, tmp_path):
    from desktop.printing.verify import verify_pdf
    before = len(_events(demo_store, DEMO_ID))
    dlg = _sheet_preview(qtbot, desk)
    shown = dlg.draft.pdf_bytes()
    issued = []
    dlg.issued.connect(issued.append)
    out = tmp_path / "out" / "sheet.pdf"
    assert dlg.save_to(out)
    assert out.read_bytes() == shown                      # exactly what the preview shows
    evs = _events(demo_store, DEMO_ID)
    assert len(evs) == before + 1
    assert evs[-1]["code"] == dlg.draft.info.code and evs[-1]["version"] == dlg.draft.info.version
    assert evs[-1]["who"] == "sara" and evs[-1]["pages"] == 3
    assert len(issued) == 1 and issued[0].code == evs[-1]["code"]
    assert verify_pdf(out).ok
    # saving again (another copy) and printing the same preview: the same version, no second event
    again = tmp_path / "copy.pdf"
    assert dlg.save_to(again) and again.read_bytes() == shown
    from PySide6.QtPrintSupport import QPrinter
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(96)
    assert dlg.print_to(printer)
    assert len(_events(demo_store, DEMO_ID)) == before + 1 and len(issued) == 1
    assert "نسخهٔ ۱ صادر و در پرونده ثبت شد" in dlg.status.text() and dlg.draft.info.code in dlg.status.text()
    tmp_pdf = dlg.draft.path
    dlg.reject()
    assert not tmp_pdf.exists()                            # the preview's temporary file is gone
    # the next preview is the next version, naming the one it replaces
    dlg2 = _sheet_preview(qtbot, desk)
    assert dlg2.draft.info.version == evs[-1]["version"] + 1
    assert dlg2.draft.info.replaces["code"] == evs[-1]["code"]
    dlg2.reject()
    assert len(_events(demo_store, DEMO_ID)) == before + 1


def test_printing_gives_a_pdf_with_the_same_pages(qtbot, desk, demo_store, silent, tmp_path):
    from PySide6.QtPrintSupport import QPrinter
    before = len(_events(demo_store, DEMO_ID))
    dlg = _sheet_preview(qtbot, desk)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setResolution(150)                 # the page is rasterised at the printer's resolution
    assert dlg.print_to(printer)
    assert dlg.printed_pages == 3
    printed = _pdf_pages(out)
    assert len(printed) == dlg.pages.count == 3
    assert all(abs(w - 842) < 2 and abs(h - 595) < 2 for w, h in printed)      # A4 landscape, like the sheet
    assert len(_events(demo_store, DEMO_ID)) == before + 1                      # printing issued it, once
    # a page range prints only those pages
    printer2 = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer2.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer2.setOutputFileName(str(tmp_path / "page2.pdf"))
    printer2.setResolution(72)
    assert dlg.print_to(printer2, first=2, last=2)
    assert len(_pdf_pages(tmp_path / "page2.pdf")) == 1
    assert len(_events(demo_store, DEMO_ID)) == before + 1
    dlg.reject()


def test_printed_page_carries_the_rendered_page(qtbot, desk, silent, tmp_path):
    """The printed PDF's page is the preview's page: rendered back, its ink lies where the original's does (mean
    grey of 12×12-pixel blocks), far closer to its own page than to another page of the sheet."""
    import pypdfium2 as pdfium
    from PySide6.QtPrintSupport import QPrinter
    dlg = _sheet_preview(qtbot, desk)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setResolution(100)
    assert dlg.print_to(printer, first=1, last=1)

    def blocks(doc_bytes, index, cell=12):
        doc = pdfium.PdfDocument(doc_bytes)
        bm = doc[index].render(scale=60 / 72, grayscale=True)
        data, stride = bytes(bm.buffer), bm.stride
        size = (bm.width, bm.height)
        out = [sum(data[y * stride + x] for y in range(by, by + cell) for x in range(bx, bx + cell)) / cell ** 2
               for by in range(0, bm.height - cell + 1, cell) for bx in range(0, bm.width - cell + 1, cell)]
        doc.close()
        return size, out

    def distance(a, b):
        return sum(abs(x - y) for x, y in zip(a, b)) / len(a)

    size_o, original = blocks(dlg.draft.pdf_bytes(), 0)
    size_p, printed = blocks(out.read_bytes(), 0)
    _, other = blocks(dlg.draft.pdf_bytes(), 1)
    assert abs(size_o[0] - size_p[0]) <= 1 and abs(size_o[1] - size_p[1]) <= 1    # the same paper and orientation
    assert 255 - sum(original) / len(original) > 5           # the page has ink on it
    assert distance(original, printed) < distance(original, other) / 3
    dlg.reject()


def test_escape_closes_without_any_event(qtbot, desk, demo_store, silent):
    before = demo_store.events(DEMO_ID)
    dlg = _sheet_preview(qtbot, desk)
    path = dlg.draft.path
    assert path.exists()
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=3000)
    qtbot.keyClick(dlg.scroll, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=3000)
    assert demo_store.events(DEMO_ID) == before
    assert not path.exists()


def test_ctrl_s_saves_from_the_keyboard(qtbot, desk, demo_store, silent, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    target = tmp_path / "by-key.pdf"
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, start, flt: (asked.append(start) or str(target), flt)))
    before = len(_events(demo_store, DEMO_ID))
    dlg = _sheet_preview(qtbot, desk)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=3000)
    press(qtbot, dlg.scroll, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.read_bytes() == dlg.draft.pdf_bytes()
    assert asked and asked[0].endswith("PRV-2231_1404-07_iranians.sheet.pdf")
    assert len(_events(demo_store, DEMO_ID)) == before + 1
    dlg.reject()


def test_ctrl_p_prints_the_chosen_page_range(qtbot, desk, demo_store, silent, tmp_path, monkeypatch):
    """Ctrl+P opens the print dialog on A4 landscape with the pages 1…3; the range chosen there is printed."""
    from PySide6.QtGui import QPageLayout
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    out = tmp_path / "range.pdf"
    seen = {}

    def fake_exec(dialog):
        printer = dialog.printer()
        seen["orientation"] = printer.pageLayout().orientation()
        seen["size"] = printer.pageLayout().pageSize().id()
        seen["range"] = (dialog.minPage(), dialog.maxPage())
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(72)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    before = len(_events(demo_store, DEMO_ID))
    dlg = _sheet_preview(qtbot, desk)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=3000)
    press(qtbot, dlg.scroll, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    from PySide6.QtGui import QPageSize
    assert seen["orientation"] == QPageLayout.Orientation.Landscape and seen["size"] == QPageSize.PageSizeId.A4
    assert seen["range"] == (1, 3)
    assert dlg.printed_pages == 2 and len(_pdf_pages(out)) == 2
    assert len(_events(demo_store, DEMO_ID)) == before + 1
    dlg.reject()


def test_a_version_issued_meanwhile_makes_the_preview_stale(qtbot, desk, demo_store, silent, tmp_path):
    from desktop.printing.sheet import write_sheet
    dlg = _sheet_preview(qtbot, desk)
    write_sheet(desk.session.to_result(), tmp_path / "other.pdf", store=demo_store)   # another desk issued one
    n = len(_events(demo_store, DEMO_ID))
    out = tmp_path / "stale.pdf"
    assert not dlg.save_to(out)
    assert not out.exists() and len(_events(demo_store, DEMO_ID)) == n
    assert silent[-1][0] == "warning" and "دوباره" in silent[-1][2]
    dlg.reject()


def test_report_from_the_desk_defaults_to_the_open_batch_and_issues_on_save(qtbot, desk, demo_store, silent,
                                                                            tmp_path):
    from desktop.printing.verify import verify_pdf
    from desktop.ui.preview import preview_report, report_dialog
    form = report_dialog(desk, run=False)
    assert form.provider_code() == "PRV-2231"
    assert form.first.currentData() == form.last.currentData() == "1404/07"
    assert form.ok.isEnabled()
    # four months are refused with the manual's limit, a period ending before it starts too
    form.first.setCurrentIndex(form.first.findData("1404/04"))
    assert "حداکثر" in form.check() and not form.ok.isEnabled()
    form.first.setCurrentIndex(form.first.findData("1404/08"))
    assert form.check() and not form.ok.isEnabled()
    form.first.setCurrentIndex(form.first.findData("1404/06"))
    form.received.setText("۱۴۰۴/۰۸/۲۰")
    assert form.check() is None and form.received_on() == "1404/08/20"
    assert "۲" in form.note.text()                                   # two batches in 1404/06 … 1404/07
    before = (len(_events(demo_store, DEMO_ID, "performance_report_issued")),
              len(_events(demo_store, HISTORY_ID, "performance_report_issued")))
    dlg = preview_report(desk, form)
    qtbot.waitExposed(dlg)
    assert dlg.pages.count == dlg.draft.info.pages == len(_pdf_pages(dlg.draft.pdf_bytes()))
    assert dlg.draft.info.objection_deadline == "1404/09/05"             # 15 days after 1404/08/20 (۶-۱-۲۴)
    assert (len(_events(demo_store, DEMO_ID, "performance_report_issued")),
            len(_events(demo_store, HISTORY_ID, "performance_report_issued"))) == before
    out = tmp_path / "report.pdf"
    assert dlg.save_to(out) and out.read_bytes() == dlg.draft.pdf_bytes()
    assert verify_pdf(out).ok
    after = (len(_events(demo_store, DEMO_ID, "performance_report_issued")),
             len(_events(demo_store, HISTORY_ID, "performance_report_issued")))
    assert after == (before[0] + 1, before[1] + 1)                        # one event on each batch of the report
    dlg.reject()
    form.deleteLater()


def test_a_failed_record_leaves_no_file_and_can_be_retried(demo_store, tmp_path, monkeypatch):
    """The Draft underneath the preview: if the store cannot record the issue, no file is written and the draft
    stays unissued; the next attempt issues it, once."""
    from desktop.printing.sheet import render_sheet
    result = demo_store.load_result(DEMO_ID)
    before = len(_events(demo_store, DEMO_ID))
    draft = render_sheet(result, tmp_path / "draft" / "s.pdf", store=demo_store, who="sara")
    assert draft.info.version == before + 1 and len(_events(demo_store, DEMO_ID)) == before
    real = demo_store.record_event

    def broken(batch_id, event, **_kw):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(demo_store, "record_event", broken)
    out = tmp_path / "out.pdf"
    with pytest.raises(RuntimeError):
        draft.save_as(out)
    assert not out.exists() and not list(tmp_path.glob("out.pdf*")) and not draft.issued
    monkeypatch.setattr(demo_store, "record_event", real)
    draft.save_as(out)
    draft.save_as(tmp_path / "again.pdf")
    assert draft.issued and out.read_bytes() == (tmp_path / "again.pdf").read_bytes() == draft.pdf_bytes()
    evs = _events(demo_store, DEMO_ID)
    assert len(evs) == before + 1 and evs[-1]["sheet_id"] == draft.info.sheet_id
    assert draft.info.event_id is not None
    draft.discard()
    assert not draft.path.exists()


def _screenshot() -> int:
    """docs/screenshots/print-preview.png: the preview of the demo batch's sheet (throw-away home and database)."""
    import os
    import sys
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="rasidegi-shots-"))
    os.environ["RASIDEGI_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from desktop.paths import resources_dir
    from desktop.review.importer import import_files
    from desktop.review.users import User
    from desktop.store import Store
    from desktop.ui.app import setup_application
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    app = QApplication(sys.argv[:1])
    setup_application(app)
    out = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    store = Store.open(f"sqlite:///{home / 'shots.sqlite'}")
    demo = resources_dir() / "demo"
    batch_id = import_files([str(demo / "demo-history.json"), str(demo / "demo-batch.json")],
                            store=store).batch_ids[-1]
    w = MainWindow(store, User("sara", "سارا احمدی", "technical"),
                   settings=Settings(QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)))
    w.resize(1600, 900)
    w.show()
    w.open_batch(batch_id, background=False)
    dlg = w.issue_sheet()
    dlg.resize(1400, 900)
    dlg.zoom_combo.setCurrentIndex(dlg.zoom_combo.findData("fit_width"))
    loop = QEventLoop()
    QTimer.singleShot(500, loop.quit)
    loop.exec()
    dlg.grab().save(str(out / "print-preview.png"))
    print(out / "print-preview.png")
    dlg.reject()
    w.close()
    store.close()
    import shutil
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(_screenshot())
