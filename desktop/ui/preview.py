"""The print preview of a signed document (the batch's adjustment sheet, the provider's performance report): the
exact PDF that will be issued, page by page, with «چاپ» and «ذخیره…» — which, and only which, issue it.

    preview_sheet(window)          # پرونده → صدور برگ تعدیلات: the open batch's sheet, rendered, previewed
    report_dialog(window)          # پرونده → گزارش عملکرد…: provider and period, then the preview

The document is rendered by desktop.printing into a temporary file as a `Draft` (nothing recorded); the pages are
drawn with PDFium (pypdfium2: PySide6-Essentials has no QtPdf).  Printing sends those same pages, rasterised at
the printer's resolution (at most PRINT_MAX_DPI), each page in its own orientation; saving writes the same bytes.
The first of them records the issue (`sheet_issued` with its version, or `performance_report_issued`); the
second records nothing more — one preview, one version.  Closing the preview without either records nothing and
removes the temporary file.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget)

from . import fmt

__all__ = ["PdfPages", "PageView", "PreviewDialog", "ReportDialog", "PrintError", "print_pdf", "preview_sheet",
           "report_dialog", "PRINT_MAX_DPI"]

log = logging.getLogger("rasidegi.ui.preview")

#: Printing rasterises each page at the printer's resolution, up to this.  300 dpi prints the sheet's 7–9 pt text
#: crisply on an office laser printer; 600 dpi took 1.1 s and 3.6 MB of spool a page (a 40-page sheet ~44 s)
#: against 0.21 s and 1.3 MB at 300 dpi, so faster printers get 300 dpi too.
PRINT_MAX_DPI = 300
#: Zoom steps offered beside «عرض صفحه» and «تمام صفحه» (1.0 = the page at its printed size on the screen)
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
FIT_WIDTH, FIT_PAGE = "fit_width", "fit_page"


class PrintError(RuntimeError):
    def __init__(self, message_en: str, message_fa: str):
        super().__init__(message_en)
        self.message_fa = message_fa


# --- the PDF's pages -------------------------------------------------------------------------------------------

class PdfPages:
    """The pages of one PDF held in memory (pypdfium2), rendered to QImage on demand."""

    def __init__(self, data: bytes):
        import pypdfium2 as pdfium
        self._doc = pdfium.PdfDocument(data)
        self.count = len(self._doc)
        self.sizes: list[tuple[float, float]] = []          # (width, height) in points, as the page is shown
        for i in range(self.count):
            page = self._doc[i]
            w, h = page.get_size()
            if page.get_rotation() in (90, 270):
                w, h = h, w
            self.sizes.append((float(w), float(h)))
            page.close()

    @property
    def closed(self) -> bool:
        return self._doc is None

    def landscape(self, i: int) -> bool:
        w, h = self.sizes[i]
        return w > h

    def render(self, i: int, scale: float) -> QImage:
        """Page i (0-based) at `scale` pixels per point, an RGB image that owns its pixels."""
        image, bitmap = self._render(i, scale)
        out = image.copy()
        bitmap.close()
        return out

    def _render(self, i: int, scale: float):
        """(QImage over PDFium's buffer, the bitmap that owns it): keep the bitmap until the image is drawn."""
        page = self._doc[i]
        try:
            bitmap = page.render(scale=scale, rev_byteorder=True)       # opaque white page: 3-byte RGB
        finally:
            page.close()
        fmt_ = {3: QImage.Format.Format_RGB888, 4: QImage.Format.Format_RGBA8888}[bitmap.n_channels]
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt_)
        return image, bitmap

    def page_layout(self, i: int) -> tuple[QPageSize, QPageLayout.Orientation]:
        """The paper of page i: its standard size where there is one (A4), and its orientation."""
        w, h = self.sizes[i]
        size = QPageSize(QSize(round(min(w, h)), round(max(w, h))), "",
                         QPageSize.SizeMatchPolicy.FuzzyOrientationMatch)
        orient = QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait
        return size, orient

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None


def print_pdf(pages: PdfPages, printer, *, first: int = 1, last: int | None = None,
              max_dpi: int = PRINT_MAX_DPI, progress=None) -> int:
    """Print pages first…last (1-based, inclusive) of `pages` on `printer` (a QPrinter, e.g. from QPrintDialog):
    each page on paper of its own size and orientation, rasterised at the printer's resolution (≤ max_dpi) and
    drawn over the whole sheet (the PDF carries its own margins).  `progress(done, total)` is called before each
    page; when it returns False the job is aborted (PrintError).  Returns the number of pages sent."""
    last = pages.count if last is None else min(int(last), pages.count)
    first = max(1, int(first))
    if first > last:
        raise PrintError(f"no page to print ({first}…{last} of {pages.count})",
                         "صفحه‌ای برای چاپ انتخاب نشده است.")

    def set_paper(i: int) -> None:
        size, orient = pages.page_layout(i)
        printer.setPageSize(size)
        printer.setPageOrientation(orient)

    printer.setFullPage(True)
    set_paper(first - 1)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("the printer could not be opened", "چاپگر آمادهٔ چاپ نیست؛ چاپگر و اتصال آن را بررسی کنید.")
    sent = 0
    try:
        for i in range(first - 1, last):
            if progress is not None and progress(sent, last - first + 1) is False:
                printer.abort()
                raise PrintError("printing cancelled", "چاپ لغو شد.")
            if sent:
                set_paper(i)                  # before newPage(): applies to the page it starts
                if not printer.newPage():
                    raise PrintError(f"the printer refused page {i + 1}",
                                     f"چاپگر صفحهٔ {fmt.number(i + 1)} را نپذیرفت.")
            dpi = min(printer.resolution(), max_dpi)
            image, bitmap = pages._render(i, dpi / 72.0)
            target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
            painter.drawImage(target, image)
            del image
            bitmap.close()
            sent += 1
    finally:
        painter.end()
    return sent


def last_page(first: int, last: int | None, count: int) -> int:
    return count if last is None else min(int(last), count)


# --- the page view -----------------------------------------------------------------------------------------------

class PageView(QWidget):
    """The pages one under another on a grey desk, drawn as they come into view (a few kept in a cache)."""

    MARGIN, GAP, CACHE = 16, 16, 8

    def __init__(self, pages: PdfPages, parent=None):
        super().__init__(parent)
        self.setObjectName("previewPages")
        self.pages = pages
        self.zoom = 1.0                      # pixels per point
        self._cache: dict[tuple[int, float], QImage] = {}
        self._order: list[tuple[int, float]] = []
        self.tops: list[int] = []
        self.renders = 0                     # how many pages were rasterised (tests: only those in view)
        self.set_zoom(1.0)

    def page_rect(self, i: int) -> QRectF:
        w, h = self.pages.sizes[i]
        pw, ph = w * self.zoom, h * self.zoom
        return QRectF((self.width() - pw) / 2, self.tops[i], pw, ph)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(0.05, float(zoom))
        y = self.MARGIN
        self.tops = []
        for _w, h in self.pages.sizes:
            self.tops.append(y)
            y += round(h * self.zoom) + self.GAP
        width = max((w for w, _h in self.pages.sizes), default=0) * self.zoom + 2 * self.MARGIN
        self.setMinimumSize(round(width), y - self.GAP + self.MARGIN)
        self.update()

    def page_at(self, y: float) -> int:
        """The page under the vertical position y (0-based)."""
        idx = 0
        for i, top in enumerate(self.tops):
            if top <= y + self.GAP / 2:
                idx = i
        return idx

    def _image(self, i: int) -> QImage:
        dpr = self.devicePixelRatioF()
        key = (i, round(self.zoom * dpr, 4))
        img = self._cache.get(key)
        if img is None:
            img = self.pages.render(i, self.zoom * dpr)
            img.setDevicePixelRatio(dpr)
            self.renders += 1
            self._cache[key] = img
            self._order.append(key)
            while len(self._order) > self.CACHE:
                self._cache.pop(self._order.pop(0), None)
        return img

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(event.rect(), QColor("#9ca3af"))
        exposed = QRectF(event.rect())
        for i in range(self.pages.count if not self.pages.closed else 0):
            r = self.page_rect(i)
            if not r.intersects(exposed):
                continue
            p.fillRect(r.translated(3, 3), QColor("#6b7280"))          # a shadow under the sheet
            p.drawImage(r, self._image(i))
        p.end()


# --- the dialog ------------------------------------------------------------------------------------------------------

class PreviewDialog(QDialog):
    """The print preview of one Draft.  `issued` is emitted (with the draft's info) when printing or saving has
    issued it; `saved` with the path of every file written."""

    issued = Signal(object)
    saved = Signal(str)

    def __init__(self, draft, parent=None, *, settings=None, cleanup_dir: str | Path | None = None):
        super().__init__(parent)
        self.draft = draft
        self.settings = settings
        self._cleanup_dir = Path(cleanup_dir) if cleanup_dir else None
        self.pages = PdfPages(draft.pdf_bytes())
        self.printed_pages = 0
        self.last_error: str | None = None
        self.setObjectName("printPreview")
        self.setWindowTitle("پیش‌نمایش چاپ — " + draft.title_fa)
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.setModal(True)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        self.title_label = QLabel(self._title_text())
        self.title_label.setObjectName("previewTitle")
        self.title_label.setStyleSheet("font-weight:bold; font-size:12pt")
        lay.addWidget(self.title_label)

        bar = QHBoxLayout()
        self.print_button = QPushButton("چاپ…")
        self.print_button.setObjectName("previewPrint")
        self.print_button.setToolTip("Ctrl+P")
        self.save_button = QPushButton("ذخیره…")
        self.save_button.setObjectName("previewSave")
        self.save_button.setToolTip("Ctrl+S")
        self.prev_button = QPushButton("صفحهٔ قبل")
        self.prev_button.setToolTip("PgUp")
        self.next_button = QPushButton("صفحهٔ بعد")
        self.next_button.setToolTip("PgDown")
        self.page_label = QLabel()
        self.page_label.setObjectName("previewPageLabel")
        self.page_label.setMinimumWidth(110)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_combo = QComboBox()
        self.zoom_combo.setObjectName("previewZoom")
        self.zoom_combo.addItem("عرض صفحه", FIT_WIDTH)
        self.zoom_combo.addItem("تمام صفحه", FIT_PAGE)
        for z in ZOOMS:
            self.zoom_combo.addItem(fmt.number(round(z * 100)) + "٪", z)
        self.close_button = QPushButton("بستن")
        self.close_button.setToolTip("Esc")
        for w in (self.print_button, self.save_button):
            bar.addWidget(w)
        bar.addSpacing(24)
        for w in (self.prev_button, self.page_label, self.next_button):
            bar.addWidget(w)
        bar.addSpacing(24)
        bar.addWidget(QLabel("بزرگ‌نمایی:"))
        bar.addWidget(self.zoom_combo)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        lay.addLayout(bar)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.thumbs = QListWidget()
        self.thumbs.setObjectName("previewThumbs")
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)        # the page number under its thumbnail
        self.thumbs.setFlow(QListWidget.Flow.TopToBottom)
        self.thumbs.setWrapping(False)
        self.thumbs.setMovement(QListWidget.Movement.Static)
        self.thumbs.setIconSize(QSize(150, 150))
        self.thumbs.setSpacing(6)
        self.thumbs.setMaximumWidth(200)
        self.thumbs.setMinimumWidth(170)
        for i in range(self.pages.count):
            w, h = self.pages.sizes[i]
            item = QListWidgetItem(QIcon(QPixmap.fromImage(self.pages.render(i, 150 / max(w, h)))),
                                   fmt.number(i + 1))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.thumbs.addItem(item)
        self.view = PageView(self.pages)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("previewScroll")
        self.scroll.setWidget(self.view)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.viewport().installEventFilter(self)
        split.addWidget(self.thumbs)
        split.addWidget(self.scroll)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)

        self.status = QLabel()
        self.status.setObjectName("previewStatus")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self._show_status()

        self.print_button.clicked.connect(self.print_dialog)
        self.save_button.clicked.connect(self.save_dialog)
        self.prev_button.clicked.connect(self.prev_page)
        self.next_button.clicked.connect(self.next_page)
        self.close_button.clicked.connect(self.reject)
        self.zoom_combo.currentIndexChanged.connect(lambda _i: self.apply_zoom())
        self.thumbs.currentRowChanged.connect(self._thumb_chosen)
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._update_page())
        keys = ((QKeySequence.StandardKey.Print, self.print_dialog), (QKeySequence.StandardKey.Save, self.save_dialog),
                (Qt.Key.Key_PageDown, self.next_page), (Qt.Key.Key_PageUp, self.prev_page),
                (Qt.Key.Key_Home, lambda: self.go_to_page(0)),
                (Qt.Key.Key_End, lambda: self.go_to_page(self.pages.count - 1)),
                (QKeySequence.StandardKey.ZoomIn, lambda: self.step_zoom(1)),
                (QKeySequence.StandardKey.ZoomOut, lambda: self.step_zoom(-1)))
        self._shortcuts = []
        for seq, slot in keys:
            sc = QShortcut(QKeySequence(seq), self)
            sc.activated.connect(slot)
            self._shortcuts.append(sc)
        self.current_page = 0
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(min(1400, screen.width() - 40) if screen else 1400,
                    min(940, screen.height() - 40) if screen else 940)
        self.apply_zoom()
        self._update_page()

    # text

    def _title_text(self) -> str:
        info = self.draft.info
        n = fmt.number(self.draft.pages)
        if self.draft.kind == "sheet":
            return (f"برگ تعدیلات و کسورات — پروندهٔ {fmt.ltr(info.batch_id)} — نسخهٔ {fmt.number(info.version)}"
                    f" — {n} صفحه")
        return (f"گزارش عملکرد — مؤسسهٔ {fmt.ltr(info.provider_code)} — {fmt.digits(info.first)} تا "
                f"{fmt.digits(info.last)} — {n} صفحه")

    def _show_status(self, extra: str | None = None, error: bool = False) -> None:
        info = self.draft.info
        if self.draft.issued:
            what = f"نسخهٔ {fmt.number(info.version)} " if self.draft.kind == "sheet" else ""
            text = f"{what}صادر و در پرونده ثبت شد — کد تأیید: {fmt.ltr(info.code)}"
        else:
            text = ("پیش‌نمایش — هنوز صادر نشده است؛ با «چاپ» یا «ذخیره» صادر و در پرونده ثبت می‌شود "
                    "(چاپ و ذخیرهٔ همین پیش‌نمایش یک نسخه است).")
        if extra:
            text += "\n" + extra
        self.status.setStyleSheet("color:#b91c1c" if error else ("color:#15803d" if self.draft.issued else
                                                                 "color:#374151"))
        self.status.setText(text)

    # pages and zoom

    def eventFilter(self, obj, event) -> bool:
        if obj is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            if self.zoom_combo.currentData() in (FIT_WIDTH, FIT_PAGE):
                self.apply_zoom()
        return super().eventFilter(obj, event)

    def _fit(self, mode: str) -> float:
        vp = self.scroll.viewport().size()
        max_w = max(w for w, _h in self.pages.sizes)
        max_h = max(h for _w, h in self.pages.sizes)
        vbar = self.scroll.verticalScrollBar()
        room = vp.width() - 2 * PageView.MARGIN - (0 if vbar.isVisible() else vbar.sizeHint().width())
        width_zoom = room / max_w
        if mode == FIT_WIDTH:
            return width_zoom
        return min(width_zoom, (vp.height() - 2 * PageView.MARGIN) / max_h)

    def apply_zoom(self) -> None:
        mode = self.zoom_combo.currentData()
        page = self.current_page if hasattr(self, "current_page") else 0
        if mode in (FIT_WIDTH, FIT_PAGE):
            zoom = self._fit(mode)
        else:
            zoom = float(mode) * self.logicalDpiX() / 72.0
        if abs(zoom - self.view.zoom) > 1e-3:
            self.view.set_zoom(zoom)
            self.go_to_page(page)

    def step_zoom(self, step: int) -> None:
        zooms = [z * self.logicalDpiX() / 72.0 for z in ZOOMS]
        now = self.view.zoom
        if step > 0:
            target = next((i for i, z in enumerate(zooms) if z > now + 1e-3), len(zooms) - 1)
        else:
            target = next((i for i in range(len(zooms) - 1, -1, -1) if zooms[i] < now - 1e-3), 0)
        self.zoom_combo.setCurrentIndex(2 + target)

    def go_to_page(self, i: int) -> None:
        i = max(0, min(int(i), self.pages.count - 1))
        self.view.adjustSize()
        self.scroll.verticalScrollBar().setValue(max(0, self.view.tops[i] - PageView.MARGIN // 2))
        self.current_page = i
        self._update_page(force=i)

    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    def prev_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    def _update_page(self, force: int | None = None) -> None:
        bar = self.scroll.verticalScrollBar()
        if force is not None:
            self.current_page = force
        elif bar.maximum() > 0 and bar.value() >= bar.maximum():
            self.current_page = self.pages.count - 1           # scrolled to the end: the last page is in view
        else:
            self.current_page = self.view.page_at(bar.value() + PageView.MARGIN)
        n = self.pages.count
        self.page_label.setText(f"صفحه {fmt.number(self.current_page + 1)} از {fmt.number(n)}")
        self.prev_button.setEnabled(self.current_page > 0)
        self.next_button.setEnabled(self.current_page < n - 1)
        if self.thumbs.currentRow() != self.current_page:
            self.thumbs.blockSignals(True)
            self.thumbs.setCurrentRow(self.current_page)
            self.thumbs.blockSignals(False)

    def _thumb_chosen(self, row: int) -> None:
        if row >= 0 and row != self.current_page:
            self.go_to_page(row)

    # issuing

    def _issue(self) -> bool:
        """Record the issue (once per preview); a located Persian message when it cannot be recorded."""
        if self.draft.issued:
            return True
        from desktop.printing.draft import StaleDraft
        try:
            info = self.draft.issue()
        except StaleDraft as exc:
            return self._fail(str(exc), exc.message_fa)
        except Exception as exc:  # noqa: BLE001 — the store's error, shown; nothing was recorded
            log.exception("issuing %s failed", self.draft.kind)
            return self._fail(str(exc), getattr(exc, "message_fa", None) or f"ثبت صدور در پایگاه داده انجام نشد: {exc}")
        log.info("issued %s %s (code %s)", self.draft.kind, getattr(info, "version", ""), info.code)
        self.issued.emit(info)
        return True

    def _fail(self, en: str, fa: str) -> bool:
        self.last_error = fa
        log.warning("print preview: %s", en)
        self._show_status(fa, error=True)
        QMessageBox.warning(self, "صادر نشد", fa)
        return False

    def save_to(self, path: str | Path) -> bool:
        """Issue (once) and write the previewed PDF's bytes to `path`."""
        from desktop.printing.draft import StaleDraft
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        was_issued = self.draft.issued
        try:
            self.draft.save_as(path)
        except StaleDraft as exc:
            return self._fail(str(exc), exc.message_fa)
        except OSError as exc:
            return self._fail(f"{path}: {exc}", f"پرونده در «{fmt.ltr(str(path))}» نوشته نشد: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001
            log.exception("saving the preview failed")
            return self._fail(str(exc), getattr(exc, "message_fa", None) or f"ثبت صدور در پایگاه داده انجام نشد: {exc}")
        if not was_issued:
            self.issued.emit(self.draft.info)
        if self.settings is not None:
            self.settings.set("last_dir", str(path.parent))
        self.saved.emit(str(path))
        self._show_status(f"در «{fmt.ltr(str(path))}» ذخیره شد.")
        return True

    def save_dialog(self) -> None:
        start = Path((self.settings.get("last_dir") if self.settings is not None else None) or os.getcwd())
        path, _ = QFileDialog.getSaveFileName(self, "ذخیرهٔ " + ("برگ تعدیلات" if self.draft.kind == "sheet"
                                                                 else "گزارش عملکرد"),
                                              str(start / self.draft.suggested_name), "PDF (*.pdf)")
        if path:
            self.save_to(path)

    def print_to(self, printer, *, first: int = 1, last: int | None = None) -> bool:
        """Issue (once) and print the previewed pages on `printer`."""
        if not self._issue():
            return False
        from PySide6.QtWidgets import QProgressDialog
        bar = QProgressDialog("در حال فرستادن صفحه‌ها به چاپگر…", "لغو", 0, last_page(first, last, self.pages.count)
                              - first + 1, self)
        bar.setWindowTitle("چاپ")
        bar.setMinimumDuration(400)
        bar.setWindowModality(Qt.WindowModality.WindowModal)

        def progress(done: int, total: int) -> bool:
            bar.setValue(done)
            QApplication.processEvents()
            return not bar.wasCanceled()

        try:
            self.printed_pages = print_pdf(self.pages, printer, first=first, last=last, progress=progress)
        except PrintError as exc:
            self.last_error = exc.message_fa
            log.warning("printing failed: %s", exc)
            self._show_status(exc.message_fa, error=True)
            QMessageBox.warning(self, "چاپ انجام نشد", exc.message_fa)
            return False
        finally:
            bar.close()
        self._show_status(f"{fmt.number(self.printed_pages)} صفحه به چاپگر فرستاده شد.")
        return True

    def print_dialog(self) -> None:
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.draft.suggested_name.removesuffix(".pdf"))
        size, orient = self.pages.page_layout(0)
        printer.setPageSize(size)
        printer.setPageOrientation(orient)
        dlg = QPrintDialog(printer, self)
        dlg.setWindowTitle("چاپ")
        dlg.setMinMax(1, self.pages.count)
        dlg.setFromTo(1, self.pages.count)
        dlg.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
        dlg.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        first, last = 1, self.pages.count
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), printer.toPage() or self.pages.count
        elif printer.printRange() == QPrinter.PrintRange.CurrentPage:
            first = last = self.current_page + 1
        self.print_to(printer, first=first, last=last)

    def done(self, result: int) -> None:
        """Closing (Esc, «بستن», after issuing or not): the temporary PDF goes; an unissued draft records nothing."""
        super().done(result)
        self.cleanup()

    def cleanup(self) -> None:
        if self.pages is not None:
            self.pages.close()
        self.draft.discard()
        if self._cleanup_dir is not None:
            shutil.rmtree(self._cleanup_dir, ignore_errors=True)
            self._cleanup_dir = None


# --- from the desk --------------------------------------------------------------------------------------------------

def _signers(window) -> list[dict]:
    return [{"name": window.user.full_name or window.user.username, "role": window.user.role}]


def _render_failed(window, exc: BaseException, what_fa: str) -> None:
    log.exception("rendering the %s failed", what_fa)
    problems = getattr(exc, "problems", None)
    if problems:
        text = "\n".join(p.format_fa() for p in problems[:10])
    else:
        text = getattr(exc, "message_fa", None) or str(exc)
    QMessageBox.warning(window, f"{what_fa} آماده نشد", text)


def _open(window, draft, tmp: str) -> PreviewDialog:
    dlg = PreviewDialog(draft, window, settings=getattr(window, "settings", None), cleanup_dir=tmp)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    if hasattr(window, "message"):
        dlg.saved.connect(lambda path: window.message(f"در {path} ذخیره شد"))
    dlg.open()
    return dlg


def preview_sheet(window) -> PreviewDialog | None:
    """The open batch's adjustment sheet (the marks as they stand, signed) in the print preview; «چاپ» or
    «ذخیره» issue it.  None (and a message) when nothing is open or it cannot be rendered."""
    if window.session is None:
        return None
    from desktop.printing.sheet import render_sheet
    return _preview(window, "sheet.pdf", "برگ تعدیلات",
                    lambda path: render_sheet(window.session.to_result(), path, store=window.store,
                                              signers=_signers(window), who=window.user.username),
                    lambda info: f"برگ تعدیلات نسخهٔ {fmt.number(info.version)} صادر شد (کد تأیید {fmt.ltr(info.code)})")


def _preview(window, name: str, what_fa: str, render, issued_fa) -> PreviewDialog | None:
    """Render (`render(path)` → Draft) into a temporary folder under a wait cursor and open the preview on it;
    a failure is a located message and nothing is issued."""
    tmp = tempfile.mkdtemp(prefix="rasidegi-preview-")
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        draft = render(Path(tmp) / name)
    except Exception as exc:  # noqa: BLE001 — a located message, nothing issued
        shutil.rmtree(tmp, ignore_errors=True)
        _render_failed(window, exc, what_fa)
        return None
    finally:
        QApplication.restoreOverrideCursor()
    dlg = _open(window, draft, tmp)
    dlg.issued.connect(lambda info: window.message(issued_fa(info)))
    return dlg


class ReportDialog(QDialog):
    """The performance report's provider and period (at most three months) and the day the provider receives it."""

    def __init__(self, store, parent=None, *, provider: str | None = None, period: str | None = None):
        super().__init__(parent)
        from desktop.domain.jalali import parse_month
        from desktop.printing.persian import month_fa
        from desktop.review import queries
        self.store = store
        self.setWindowTitle("گزارش عملکرد مؤسسه")
        self.setObjectName("reportDialog")
        rows = queries.batch_rows(store)
        self._months_of: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for r in rows:                      # newest import first
            if not r.provider_code:
                continue
            self._months_of.setdefault(r.provider_code, set()).add(str(r.period))
            if r.provider_code not in names:
                header = queries.batch_header(store, r.batch_id) or {}
                names[r.provider_code] = str(((header.get("batch") or {}).get("provider") or {}).get("name") or "")
        import jdatetime
        j = jdatetime.date.today()
        this_month = parse_month(f"{j.year:04d}/{j.month:02d}")
        months = {this_month - k for k in range(0, 24)}
        for ms in self._months_of.values():
            for m in ms:
                try:
                    months.add(parse_month(m))
                except ValueError:
                    pass
        self.months = sorted(months, reverse=True)

        form = QFormLayout(self)
        self.provider = QComboBox()
        self.provider.setObjectName("reportProvider")
        self.provider.setEditable(True)
        self.provider.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code in sorted(names):
            self.provider.addItem(f"{names[code]} — {code}" if names[code] else code, code)
        self.first = QComboBox()
        self.first.setObjectName("reportFrom")
        self.last = QComboBox()
        self.last.setObjectName("reportTo")
        for m in self.months:
            for box in (self.first, self.last):
                box.addItem(fmt.digits(month_fa(str(m))), str(m))
        self.received = QLineEdit(fmt.digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}"))
        self.received.setObjectName("reportReceived")
        self.received.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.received.setToolTip("روزی که مؤسسه گزارش را دریافت می‌کند؛ مهلت اعتراض ۱۵ روز پس از آن است (بند ۲۴-۱-۶).")
        self.note = QLabel()
        self.note.setObjectName("reportNote")
        self.note.setWordWrap(True)
        form.addRow("مؤسسه:", self.provider)
        form.addRow("از ماه:", self.first)
        form.addRow("تا ماه:", self.last)
        form.addRow("تاریخ دریافت گزارش:", self.received)
        form.addRow(self.note)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("پیش‌نمایش")
        self.ok.setDefault(True)
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("انصراف")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)

        if provider:
            i = self.provider.findData(provider)
            if i < 0:
                self.provider.addItem(provider, provider)
                i = self.provider.count() - 1
            self.provider.setCurrentIndex(i)
        default = period or max(self._months_of.get(self.provider_code() or "", {""}), default="")
        for b in (self.first, self.last):
            k = b.findData(default)
            if k >= 0:
                b.setCurrentIndex(k)
        for w in (self.provider, self.first, self.last):
            w.currentIndexChanged.connect(lambda _i: self.check())
        self.provider.editTextChanged.connect(lambda _t: self.check())
        self.received.textChanged.connect(lambda _t: self.check())
        self.check()
        self.resize(520, self.sizeHint().height())

    def provider_code(self) -> str | None:
        text = self.provider.currentText().strip()
        i = self.provider.findText(text)
        if i >= 0:
            return self.provider.itemData(i)
        code = text.rsplit("—", 1)[-1].strip()
        return code or None

    def received_on(self) -> str | None:
        from desktop.domain.jalali import normalize_digits, parse_date
        try:
            return str(parse_date(normalize_digits(self.received.text().strip())))
        except ValueError:
            return None

    def check(self) -> str | None:
        """The problem with the choice, in Persian (None: the report can be made); shown under the fields."""
        from desktop.domain.problems import InputError
        from desktop.printing.report import check_period
        code = self.provider_code()
        problem = None
        if not code:
            problem = "مؤسسه را انتخاب کنید."
        else:
            try:
                a, b = check_period(self.first.currentData(), self.last.currentData())
            except InputError as exc:
                problem = fmt.digits(exc.problems[0].message_fa)
            else:
                n = sum(1 for m in self._months_of.get(code, ()) if a <= _parse(m) <= b)
                if not n:
                    problem = f"فهرستی از مؤسسهٔ {fmt.ltr(code)} در این دوره در پایگاه داده نیست."
                elif self.received_on() is None:
                    problem = "تاریخ دریافت باید به شکل سال/ماه/روز باشد (مثلاً ۱۴۰۴/۰۸/۲۰)."
                else:
                    from desktop.domain.jalali import parse_date
                    from desktop.printing.report import objection_deadline
                    deadline = objection_deadline(parse_date(self.received_on()))
                    self.note.setStyleSheet("color:#374151")
                    self.note.setText(f"{fmt.number(n)} فهرست از این مؤسسه در این دوره. آخرین مهلت اعتراض "
                                      f"(۱۵ روز پس از دریافت، بند ۲۴-۱-۶): {fmt.digits(deadline)}")
        if problem:
            self.note.setStyleSheet("color:#b91c1c")
            self.note.setText(problem)
        self.ok.setEnabled(problem is None)
        return problem

    def accept(self) -> None:
        if self.check() is None:
            super().accept()


def _parse(m: str):
    from desktop.domain.jalali import parse_month
    try:
        return parse_month(m)
    except ValueError:
        return None


def report_dialog(window, *, run: bool = True) -> ReportDialog | PreviewDialog | None:
    """Ask provider and period (default: the open batch's provider and month), then preview the report.
    run=False returns the (unopened) ReportDialog; `preview_report(window, dlg)` continues from it."""
    provider = period = None
    if getattr(window, "session", None) is not None:
        from desktop.review import queries
        row = queries.batch_row(window.store, window.session.batch_id, counts=False)
        if row is not None:
            provider, period = row.provider_code, row.period
    dlg = ReportDialog(window.store, window, provider=provider, period=period)
    if not run:
        return dlg
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return preview_report(window, dlg)


def preview_report(window, dlg: ReportDialog) -> PreviewDialog | None:
    from desktop.printing.report import render_report
    return _preview(window, "report.pdf", "گزارش عملکرد",
                    lambda path: render_report(window.store, dlg.provider_code(), dlg.first.currentData(),
                                               dlg.last.currentData(), path, received_on=dlg.received_on(),
                                               signers=_signers(window), who=window.user.username),
                    lambda info: f"گزارش عملکرد صادر شد (کد تأیید {fmt.ltr(info.code)})")
