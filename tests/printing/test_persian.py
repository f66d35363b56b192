"""Persian on paper: shaping, right-to-left order with mirrored brackets, wrapping before reordering, digits and
Rial amounts."""
from __future__ import annotations

import unicodedata

from desktop.printing import persian as fa


def _letters(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def test_a_line_is_shaped_and_reordered_right_to_left():
    v = fa.visual("برگ کسورات")
    assert all(0xFB50 <= ord(c) <= 0xFEFF or c == " " for c in v)      # joined presentation forms
    assert _letters(v) == "برگ کسورات"[::-1]                           # drawn left to right: reversed
    assert "\ufefc" in fa.shape("کلاس") and "\ufefb" in fa.shape("لا")  # lam-alef is one ligature


def test_brackets_are_mirrored_and_codes_stay_readable():
    v = fa.visual("کد 701736 (بند ب-۳) و GEN-15-N2 در یک نسخه")
    # left to right on paper: «نسخه یک در» … «GEN-15-N2» … «(۳-ب بند)» … «701736 کد»
    assert "GEN-15-N2" in v and "701736" in v
    assert v.index("GEN-15-N2") < v.index("(") < v.index(")") < v.index("701736")
    inner = v[v.index("(") + 1:v.index(")")]
    assert _letters(inner) == "بند ب-۳"[::-1]                            # «بند ب-۳» read right to left


def test_wrapping_keeps_the_reading_order_of_lines():
    words = ("مبلغ درخواستی بیش از تعرفه یا ثبت‌نشده سهم سازمان درخواستی قابل پرداخت نیست و کسر می‌شود "
             "مگر با تأیید کمیسیون پزشکی استان").split()
    lines = fa.wrap(" ".join(words), fa.FA, 9, 90)
    assert len(lines) >= 3
    back = [w for line in lines for w in reversed(_letters(line).replace("\u200c", "").split())]
    assert [w[::-1] for w in back] == [w.replace("\u200c", "") for w in words]
    assert all(fa.width(line, fa.FA, 9) <= 90 for line in lines)


def test_hamza_heh_and_arabic_letters():
    s = fa.shape("نتیجهٔ رسیدگی")
    assert "\u0654" not in s and "\ufba5" in s                          # «هٔ» as the joined «ۀ»
    assert fa.shape("كيك") == fa.shape("کیک")                          # Arabic kaf/yeh print as Persian
    assert "✓" not in fa.shape("✓ تأیید")                                # a glyph the font lacks is dropped


def test_amounts_and_months():
    assert fa.amount(1234567) == "1٬234٬567"
    assert fa.amount(0) == "0" and fa.amount(-2500) == "-2٬500" and fa.amount(None) == "—"
    assert fa.month_fa("1404/07") == "مهر 1404" and fa.month_fa("1404/12") == "اسفند 1404"


def test_label_keys_survive_any_order_of_extraction():
    label = "جمع مبلغ تأییدشده"
    assert fa.label_key(fa.visual(label)) == fa.label_key(label)
    assert fa.label_key("جمع کسور") != fa.label_key("جمع کسور به تفکیک بند")


def test_the_fonts_cover_every_printed_label():
    from reportlab.pdfbase import pdfmetrics

    from desktop.printing.common import LABELS
    from desktop.printing.report import MONTH_GRID
    from desktop.printing.sheet import CLAUSE_GRID, RECON_GRID, SHEET_GRID

    fa.register_fonts()
    cmap = pdfmetrics.getFont(fa.FA).face.charToGlyph
    texts = list(LABELS.values()) + [c.title for g in (SHEET_GRID, CLAUSE_GRID, RECON_GRID, MONTH_GRID)
                                     for c in g.columns]
    texts += list(fa.FUND_FA.values()) + list(fa.KIND_FA.values()) + list(fa.HEADING_FA.values())
    for t in texts:
        missing = [c for c in fa.shape(t) if ord(c) not in cmap]
        assert not missing, (t, missing)
