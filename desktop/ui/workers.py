"""Background work on the QThreadPool; results are posted back to the UI thread as queued signals.

    task = Task(fn, *args, **kwargs)            # fn(*args, progress=…, cancelled=…, **kwargs) if with_progress
    task.signals.finished.connect(on_result)    # in the UI thread
    task.signals.failed.connect(on_error)
    QThreadPool.globalInstance().start(task)
    task.cancel()                               # cooperative: fn polls cancelled()
"""
from __future__ import annotations

import logging
import threading
import traceback

from PySide6.QtCore import QObject, QRunnable, Signal

__all__ = ["Task", "TaskSignals"]

log = logging.getLogger("rasidegi.ui")


class TaskSignals(QObject):
    progress = Signal(str, int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    def __init__(self, fn, *args, with_progress: bool = False, **kwargs):
        super().__init__()
        self.setAutoDelete(False)        # the caller keeps it (and its signals) alive until it reports
        self.signals = TaskSignals()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._with_progress = with_progress
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            kwargs = dict(self._kwargs)
            if self._with_progress:
                kwargs["progress"] = lambda *a: self.signals.progress.emit(*a)
                kwargs["cancelled"] = self._cancel.is_set
            result = self._fn(*self._args, **kwargs)
        except BaseException as exc:          # reported to the UI thread, never lost in the pool
            if not isinstance(exc, Exception) or type(exc).__name__ not in ("InputError", "Cancelled",
                                                                             "ReviewError", "StoreError"):
                log.error("background task failed:\n%s", traceback.format_exc())
            self.done.set()
            self.signals.failed.emit(exc)
            return
        self.done.set()
        self.signals.finished.emit(result)
