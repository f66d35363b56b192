"""Printed, signed documents: the adjustment sheet of a batch, the provider's performance report, and their
verification (issue 4; docs/printing.md).

    from desktop.printing import write_sheet, write_report, verify_pdf, Signer

Importing this package loads reportlab lazily: the names below are resolved on first use.
"""
from __future__ import annotations

__all__ = ["write_sheet", "render_sheet", "SheetInfo", "write_report", "render_report", "ReportInfo",
           "Draft", "StaleDraft", "verify_pdf", "verify_seal", "VerifyOutcome",
           "Signer", "OfficeSettings", "load_office", "save_office", "objection_deadline"]

_FROM = {"write_sheet": "sheet", "render_sheet": "sheet", "SheetInfo": "sheet", "write_report": "report",
         "render_report": "report", "ReportInfo": "report", "Draft": "draft", "StaleDraft": "draft",
         "objection_deadline": "report", "verify_pdf": "verify", "verify_seal": "verify",
         "VerifyOutcome": "verify", "Signer": "common", "OfficeSettings": "settings", "load_office": "settings",
         "save_office": "settings"}


def __getattr__(name: str):
    if name not in _FROM:
        raise AttributeError(f"module 'desktop.printing' has no attribute {name!r}")
    from importlib import import_module
    value = getattr(import_module(f"desktop.printing.{_FROM[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
