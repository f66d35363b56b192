"""The review layer's exception: Persian for the user, English for the log (like the store's StoreError)."""
from __future__ import annotations

__all__ = ["ReviewError"]


class ReviewError(Exception):
    """A refused review action; nothing was recorded.  `code`: `signed`, `forbidden`, `bad_mark`,
    `bad_amount`, `reason_required`, `unknown_document`, `unknown_place`, `nothing_to_undo`, `nothing_to_redo`,
    `bad_login`, `bad_username`, `bad_name`, `bad_role`, `weak_password`, `duplicate_user`, `unknown_user`,
    `last_admin`, `no_result`, `cancelled`."""

    def __init__(self, message_en: str, message_fa: str, code: str = "review"):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa
        self.code = code
