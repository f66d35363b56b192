"""The desk's keys, declared once: the main window binds them, the help dialog (F1) and docs/desk.md list them.

Chosen for eight hours a day with a Persian keyboard layout active: the marking keys are layout-independent
(Space, Enter, function keys, Page Up/Down), so they work whichever layout the reviewer typed a name in;
Ctrl+Z/Ctrl+Y follow every Windows program (Qt maps them by the key, not the letter).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Key", "KEYS", "by_action"]


@dataclass(frozen=True)
class Key:
    action: str
    keys: tuple[str, ...]          # QKeySequence strings (portable text)
    fa: str                        # what it does, in Persian
    group: str                     # علامت‌گذاری | حرکت | پرونده
    scope: str = "window"          # window: anywhere in the main window; area: the list and the document only
                                   # (so that typing in a search box is never taken for a mark);
                                   # view: the focused table's own key (listed, not bound)


KEYS: tuple[Key, ...] = (
    Key("accept_line", ("Space",), "پذیرش پیشنهاد سامانه برای ردیف جاری و رفتن به ردیف بعد", "علامت‌گذاری", "area"),
    Key("accept_doc", ("Return", "Enter"), "پذیرش همهٔ پیشنهادهای سند و رفتن به سند بعد", "علامت‌گذاری", "area"),
    Key("tick", ("F2",), "تأیید ✓ ردیف جاری به مبلغ درخواستی", "علامت‌گذاری"),
    Key("circle", ("F3",), "تعدیل ◯: نوشتن مبلغ اصلاح‌شده (و علت)", "علامت‌گذاری"),
    Key("zero", ("F4",), "کسر کامل ۰ با علت (بند دستورالعمل یا متن)", "علامت‌گذاری"),
    Key("tick_doc", ("Shift+F2",), "تأیید ✓ همهٔ ردیف‌های سند", "علامت‌گذاری"),
    Key("zero_doc", ("Shift+F4",), "کسر کامل ۰ همهٔ سند با علت", "علامت‌گذاری"),
    Key("record_fact", ("F6",), "ثبت واقعیت برگه (مهر، امضا، خدشه، پیوست، برگ) و بررسی دوبارهٔ سند",
        "علامت‌گذاری"),
    Key("undo", ("Ctrl+Z",), "برگرداندن آخرین علامت یا واقعیت ثبت‌شدهٔ خودتان", "علامت‌گذاری"),
    Key("redo", ("Ctrl+Y", "Ctrl+Shift+Z"), "انجام دوبارهٔ علامت برگردانده‌شده", "علامت‌گذاری"),
    Key("next_line", ("Down",), "ردیف بعد", "حرکت", "view"),
    Key("prev_line", ("Up",), "ردیف قبل", "حرکت", "view"),
    Key("next_doc", ("PgDown",), "سند بعد", "حرکت"),
    Key("prev_doc", ("PgUp",), "سند قبل", "حرکت"),
    Key("next_flagged", ("F8",), "سند دارای یافتهٔ بعد", "حرکت"),
    Key("prev_flagged", ("Shift+F8",), "سند دارای یافتهٔ قبل", "حرکت"),
    Key("facts_tab", ("F7", "Shift+F7"), "زبانهٔ بعد / قبل واقعیت‌های سند (برگه، ارجاع، ردیف؛ اقامت، جراحی، بیهوشی…)",
        "حرکت", "view"),
    Key("search", ("Ctrl+F",), "جست‌وجوی کد ملی یا شمارهٔ سند", "حرکت"),
    Key("import", ("Ctrl+I",), "ورود پروندهٔ تازه (JSON)", "پرونده"),
    Key("open", ("Ctrl+O",), "گشودن پروندهٔ ذخیره‌شده", "پرونده"),
    Key("export", ("Ctrl+E",), "ذخیرهٔ نتیجهٔ رسیدگی (review-result/1)", "پرونده"),
    Key("help", ("F1",), "فهرست کلیدها", "پرونده"),
)


def by_action(action: str) -> Key:
    for k in KEYS:
        if k.action == action:
            return k
    raise KeyError(action)
