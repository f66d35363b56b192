"""Persian presentation helpers: digits and Rial amounts as a reader expects them (data stays Latin)."""
from __future__ import annotations

_TO_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa_digits(text) -> str:
    """Latin digits → Persian digits (۰-۹)."""
    return str(text).translate(_TO_FA)


def fa_amount(n: int | None) -> str:
    """1234567 → ۱٬۲۳۴٬۵۶۷ (Persian digits, Arabic thousands separator ٬)."""
    if n is None:
        return "—"
    s = f"{int(n):,}".replace(",", "٬")
    return fa_digits(s)


def fa_number(x) -> str:
    """A number with Persian digits and the Persian decimal separator ٫."""
    return fa_digits(str(x).replace(".", "٫"))
