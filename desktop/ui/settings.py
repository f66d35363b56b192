"""The desk's settings, declared once with their type and default, kept in QSettings (Picard's pattern)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["Option", "OPTIONS", "Settings"]


@dataclass(frozen=True)
class Option:
    key: str
    type: type
    default: Any
    doc: str


OPTIONS = {o.key: o for o in (
    Option("last_user", str, "", "the user name offered at log-in"),
    Option("last_dir", str, "", "the folder of the last imported file"),
    Option("last_batch", str, "", "the batch opened last (reopened at start)"),
    Option("font_size", int, 11, "screen font size in points"),
    Option("window_geometry", QByteArray, QByteArray(), "main window geometry"),
    Option("window_state", QByteArray, QByteArray(), "main window toolbars and docks"),
    Option("splitter_state", QByteArray, QByteArray(), "list / document / findings proportions"),
)}


class Settings:
    """settings.get("font_size") → 11; settings.set("last_user", "sara")."""

    def __init__(self, qsettings: QSettings | None = None):
        self._q = qsettings if qsettings is not None else QSettings("IHIO", "rasidegi")

    def get(self, key: str):
        opt = OPTIONS[key]
        value = self._q.value(key, opt.default)
        if value is None:
            return opt.default
        if opt.type is int:
            try:
                return int(value)
            except (TypeError, ValueError):
                return opt.default
        if opt.type is str:
            return str(value)
        return value

    def set(self, key: str, value) -> None:
        OPTIONS[key]           # unknown keys are a programming error
        self._q.setValue(key, value)

    def sync(self) -> None:
        self._q.sync()
