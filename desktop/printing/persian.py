"""Persian on paper with reportlab: fonts, shaping, right-to-left order, wrapping, digits and amounts.

reportlab draws glyphs left to right and knows nothing of Arabic-script joining or of bidirectional text, so
every Persian string goes through three steps (design.md, "Pitfalls already found"):

1. shape the *logical* text with arabic-reshaper (letters take their joined presentation forms);
2. wrap it to the width available (`simpleSplit`) while it is still in logical order, so that the lines of a
   paragraph print top to bottom in reading order;
3. reorder each line for display with `bidi.algorithm.get_display(..., base_dir="R")` (the pure-Python
   algorithm: it mirrors brackets, the Rust `bidi.get_display` does not) and draw it right-aligned.

Digits: the sheets use Vazirmatn's FD ("Farsi digits") faces, which draw the Latin digits 0-9 as ۰-۹.  The
text handed to reportlab keeps Latin digits, so figures print in Persian but a PDF text extractor (and
`rasidegi verify`) reads them back as plain numbers.  Clause ids, batch ids and the verification code are set
in the Latin-digit face (`LATIN`) so that "GEN-15-N2" stays as the manual and the rule list write it.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.paths import resources_dir

__all__ = ["FA", "FA_BOLD", "LATIN", "LATIN_BOLD", "register_fonts", "shape", "visual", "wrap", "width",
           "amount", "fit", "label_key", "MONTHS_FA", "FUND_FA", "KIND_FA", "HEADING_FA", "PROVINCE_FA",
           "month_fa", "warm_up"]

FA, FA_BOLD = "Rasidegi-FD", "Rasidegi-FD-Bold"            # Persian digits (Vazirmatn FD)
LATIN, LATIN_BOLD = "Rasidegi-Latin", "Rasidegi-Latin-Bold"  # Latin digits (Vazirmatn)

_FILES = {FA: "Vazirmatn-FD-Regular.ttf", FA_BOLD: "Vazirmatn-FD-Bold.ttf",
          LATIN: "Vazirmatn-Regular.ttf", LATIN_BOLD: "Vazirmatn-Bold.ttf"}

_registered = False


def register_fonts() -> None:
    """Register the four faces with reportlab (once per process)."""
    global _registered
    if _registered:
        return
    folder = resources_dir() / "fonts"
    for name, file in _FILES.items():
        path = folder / file
        if not path.is_file():
            raise FileNotFoundError(f"font {path} is missing (resources/fonts/README.md)")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    _registered = True


def warm_up(canvas) -> None:
    """Give the figures' characters their codes in the first font subset of this document, so that an amount
    is always one text run (reportlab fills a TrueType subset in order of first use, 256 codes each)."""
    for name in (FA, FA_BOLD, LATIN, LATIN_BOLD):
        pdfmetrics.getFont(name).splitString("0123456789٬٫/-:()٪", canvas._doc)


# --- shaping and order -----------------------------------------------------------------------------------

# the mandatory lam-alef ligatures only (the default also joins «الله», which the font may lack)
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": True, "support_ligatures": True,
                                                          "ARABIC LIGATURE ALLAH": False})


@lru_cache(maxsize=None)
def _cmap() -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(FA).face.charToGlyph)


@lru_cache(maxsize=4096)
def _substitute(ch: str) -> str:
    """A character the font lacks → its compatibility base form if the font has that, else nothing."""
    if ord(ch) in _cmap():
        return ch
    base = unicodedata.normalize("NFKC", ch)
    if base and all(ord(c) in _cmap() for c in base):
        return base
    return ""


def _clean(text: str) -> str:
    if all(ord(c) in _cmap() for c in text):
        return text
    return "".join(_substitute(c) for c in text)


@lru_cache(maxsize=65536)
def shape(text: str) -> str:
    """Logical Persian text → joined presentation forms, still in logical order.  «هٔ» (heh + hamza above,
    a combining mark reportlab cannot place) becomes the precomposed «ۀ»."""
    text = str(text).replace("\u0647\u0654", "\u06c0").replace("\u064a", "\u06cc").replace("\u0643", "\u06a9")
    return _clean(_RESHAPER.reshape(text))


@lru_cache(maxsize=65536)
def _display(shaped_line: str) -> str:
    return get_display(shaped_line, base_dir="R")


def visual(text: str) -> str:
    """One line of logical text → the string to draw left to right (shaped and reordered)."""
    return _display(shape(text))


def width(text: str, font: str = FA, size: float = 9) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def wrap(text: str, font: str, size: float, max_width: float, max_lines: int | None = None) -> list[str]:
    """Logical Persian text → display lines (each shaped and reordered), wrapped to max_width, in reading
    order.  Explicit newlines start new lines.  With max_lines, the last kept line ends in «…»."""
    out: list[str] = []
    for para in str(text).split("\n"):
        shaped = shape(para)
        lines = simpleSplit(shaped, font, size, max_width) if shaped.strip() else [""]
        out.extend(lines)
    if max_lines is not None and len(out) > max_lines:
        out = out[:max_lines]
        last = out[-1]
        while last and pdfmetrics.stringWidth(last + " …", font, size) > max_width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        out[-1] = last + " …"
    return [_display(line) for line in out]


def fit(text: str, font: str, size: float, max_width: float) -> str:
    """One display line, shortened with «…» if it does not fit."""
    return wrap(text, font, size, max_width, max_lines=1)[0]


def amount(n: int | None) -> str:
    """Rials with the Persian thousands separator ٬ (Latin digits: the FD face prints them as ۰-۹)."""
    if n is None:
        return "—"
    n = int(n)
    s = f"{abs(n):,}".replace(",", "٬")
    return "-" + s if n < 0 else s


def label_key(text: str) -> str:
    """What identifies a printed Persian label in extracted PDF text whatever order the extractor puts its
    characters in and whichever presentation forms it returns: its letters, compatibility-normalised, sorted."""
    norm = unicodedata.normalize("NFKC", text)
    return "".join(sorted(c for c in norm if c.isalpha()))


# --- the product's closed lists, as printed -----------------------------------------------------------------

MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")

FUND_FA = {"civil_servants": "کارکنان دولت", "iranians": "ایرانیان", "other_groups": "سایر اقشار",
           "rural": "روستاییان"}

KIND_FA = {
    "physician_office": "مطب", "clinic": "درمانگاه", "laboratory": "آزمایشگاه", "radiology": "مرکز تصویربرداری",
    "ultrasound": "مرکز سونوگرافی", "ct": "مرکز سی‌تی‌اسکن", "mri": "مرکز ام‌آرآی",
    "nuclear_medicine": "مرکز پزشکی هسته‌ای",
    "radiotherapy": "مرکز رادیوتراپی", "physiotherapy": "مرکز فیزیوتراپی", "dentist": "دندانپزشکی",
    "hospital": "بیمارستان", "limited_surgery_center": "مرکز جراحی محدود", "pharmacy": "داروخانه",
}

HEADING_FA = {
    "hoteling": "هتلینگ", "nursing": "خدمات پرستاری", "visits": "ویزیت", "consultations": "مشاوره",
    "surgeon": "حق‌الزحمهٔ جراح", "assistant_surgeon": "کمک جراح", "anesthesia": "بیهوشی",
    "operating_room": "اتاق عمل", "drugs": "دارو", "supplies": "لوازم مصرفی", "lab": "آزمایشگاه",
    "imaging": "تصویربرداری", "physiotherapy": "فیزیوتراپی", "other": "سایر",
}

PROVINCE_FA = {
    "tehran": "تهران", "isfahan": "اصفهان", "fars": "فارس", "khorasan_razavi": "خراسان رضوی",
    "razavi_khorasan": "خراسان رضوی", "north_khorasan": "خراسان شمالی", "south_khorasan": "خراسان جنوبی",
    "east_azerbaijan": "آذربایجان شرقی", "west_azerbaijan": "آذربایجان غربی", "ardabil": "اردبیل",
    "alborz": "البرز", "ilam": "ایلام", "bushehr": "بوشهر", "chaharmahal_bakhtiari": "چهارمحال و بختیاری",
    "khuzestan": "خوزستان", "zanjan": "زنجان", "semnan": "سمنان", "sistan_baluchestan": "سیستان و بلوچستان",
    "qazvin": "قزوین", "qom": "قم", "kurdistan": "کردستان", "kerman": "کرمان", "kermanshah": "کرمانشاه",
    "kohgiluyeh_boyer_ahmad": "کهگیلویه و بویراحمد", "golestan": "گلستان", "gilan": "گیلان", "lorestan": "لرستان",
    "mazandaran": "مازندران", "markazi": "مرکزی", "hormozgan": "هرمزگان", "hamadan": "همدان", "yazd": "یزد",
}


def month_fa(period: str | None) -> str:
    """'1404/07' → 'مهر 1404' (the FD face prints the year in Persian digits)."""
    if not period:
        return "—"
    try:
        y, m = str(period).split("/")
        return f"{MONTHS_FA[int(m) - 1]} {int(y)}"
    except (ValueError, IndexError):
        return str(period)
