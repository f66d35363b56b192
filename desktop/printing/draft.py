"""A signed PDF rendered but not yet issued: what the desk's print preview shows, and what «چاپ» or «ذخیره» issue.

    draft = render_sheet(result, tmp_pdf, store=store, signers=[...])   # nothing recorded yet
    draft.pdf_bytes()                                                    # the exact bytes shown and issued
    draft.save_as("sheet.pdf")       # records the issue (once), then writes the same bytes
    draft.issue()                    # records the issue (once) — before printing
    draft.discard()                  # a preview closed without issuing: the file goes, nothing is recorded

Issuing records the events exactly as `write_sheet` / `write_report` do; a draft records them at most once, so
printing and saving the same preview is one issue, one version.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable

__all__ = ["Draft", "StaleDraft", "issue_to"]


class StaleDraft(RuntimeError):
    """The draft names a version that another issue has overtaken since it was rendered: render it again."""

    def __init__(self, message_en: str, message_fa: str):
        super().__init__(message_en)
        self.message_fa = message_fa


class Draft:
    """One rendered document (`kind` "sheet" or "report") at `path`, with `info` (SheetInfo / ReportInfo) and the
    `record` callable that records its issue in the store (None: nothing to record, e.g. no store)."""

    def __init__(self, kind: str, path: Path, info: Any, record: Callable[[], None] | None, *,
                 suggested_name: str, title_fa: str):
        self.kind = kind
        self.path = Path(path)
        self.info = info
        self.suggested_name = suggested_name
        self.title_fa = title_fa
        self._record = record
        self._issued = False
        self._lock = threading.Lock()
        self._bytes: bytes | None = None

    @property
    def issued(self) -> bool:
        return self._issued

    @property
    def pages(self) -> int:
        return int(self.info.pages)

    def pdf_bytes(self) -> bytes:
        """The rendered PDF (read once and kept: what is shown, printed and saved is this)."""
        if self._bytes is None:
            self._bytes = self.path.read_bytes()
        return self._bytes

    def issue(self):
        """Record the issue (the first call only) and return `info`.  Raises what the store raises, or
        StaleDraft; either way nothing is recorded and a later call tries again."""
        with self._lock:
            if not self._issued:
                self.pdf_bytes()               # the bytes exist before the issue is recorded
                if self._record is not None:
                    self._record()
                self._issued = True
        return self.info

    def save_as(self, dest) -> Path:
        """Issue (once) and write the draft's bytes to `dest`.  The bytes go to a temporary file beside `dest`
        first: if the issue cannot be recorded, or the file not written, no file is left and nothing recorded
        (as `write_sheet`)."""
        dest = Path(dest)
        data = self.pdf_bytes()
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".tmp")
        try:
            tmp.write_bytes(data)
            self.issue()
            os.replace(tmp, dest)
        finally:
            if tmp.exists():
                tmp.unlink()
        return dest

    def discard(self) -> None:
        """Remove the rendered file (the preview is closed).  An issued draft's info stays valid."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def issue_to(path, render: Callable[[Path], Draft]):
    """Render (`render(tmp)` → Draft) to a temporary file beside `path`, issue it, then put the file in place;
    if rendering or the issue fails no file is left and nothing is recorded.  Returns the issued info, its
    `path` set to `path` (write_sheet, write_report: the CLI and the desk's direct issue)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        draft = render(tmp)
        draft.issue()
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    draft.info.path = path
    return draft.info
