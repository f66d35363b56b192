"""The store's one exception: a clear message in Persian for the user and in English for the log."""
from __future__ import annotations

__all__ = ["StoreError"]


class StoreError(Exception):
    """Something the store refused or could not do.  Nothing was changed when it is raised.

    `code` is a short machine tag: `signed_batch`, `unknown_batch`, `bad_state`, `bad_transition`,
    `reason_required`, `bad_input`, `bad_event`, `bad_result`, `unsupported_url`, `cannot_connect`,
    `newer_schema`, `conflict`.
    """

    def __init__(self, message_en: str, message_fa: str, code: str = "store"):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa
        self.code = code

    def to_dict(self) -> dict:
        return {"code": self.code, "message_en": self.message_en, "message_fa": self.message_fa}
