"""What the adjustment sheet and the performance report share: the header band and footer of every page, the
signature and seal block, note paragraphs, signers, issue time, and the seal-holder the drawing reads once the
laid-out document has been signed."""
from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jdatetime
from reportlab.lib import colors
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from . import persian as fa
from .layout import MARGIN, PAGE, draw_pair, draw_qr, draw_text
from .persian import FA, FA_BOLD, LATIN, LATIN_BOLD
from .settings import OfficeSettings

__all__ = ["Signer", "ROLE_FA", "normalize_signers", "issue_stamp", "SealHolder", "Band", "notes_block", "save_sealed",
           "signature_block", "LABELS"]

ROLE_FA = {"technical_reviewer": "کارشناس رسیدگی فنی", "accountant": "کارشناس حسابداری",
           "supervisor": "رئیس اداره رسیدگی", "head": "رئیس اداره رسیدگی", "admin": "مدیر سامانه"}
#: the desk's account roles (desktop.review.users) → the signer roles of the printed boxes
ROLE_ALIASES = {"technical": "technical_reviewer", "accounting": "accountant"}
ROLE_COLOR = {"technical_reviewer": colors.HexColor("#15803d"),     # green pen (manual, ماده ۲۰ بند ۳)
              "accountant": colors.HexColor("#b91c1c")}              # red pen

#: labels that `verify` looks for in the printed text (one place, so writer and reader agree)
LABELS = {
    "code": "کد تأیید",
    "requested": "جمع مبلغ درخواستی",
    "approved": "جمع مبلغ تأییدشده",
    "deducted": "جمع کسور",
    "insured_share": "سهم بیمه‌شده از مبلغ تأییدشده",
    "org_share": "سهم سازمان (قابل پرداخت)",
    "batch": "شناسهٔ فهرست",
    "deadline": "آخرین مهلت اعتراض",
}


@dataclass
class Signer:
    """Who signs: `role` technical_reviewer | accountant | another role (its Persian title in `title`)."""
    name: str
    role: str = "technical_reviewer"
    signed_on: str | None = None          # Jalali yyyy/mm/dd (default: the issue date)
    image: str | Path | bytes | None = None   # the signature image (PNG/JPEG file or bytes)
    title: str | None = None              # printed role title; default from ROLE_FA

    @property
    def title_fa(self) -> str:
        return self.title or ROLE_FA.get(self.role, self.role)


def normalize_signers(signers) -> list[Signer]:
    """Signer objects from Signer / dict (name, role, signed_on|date, image|signature, title) / user objects
    with those attributes."""
    out: list[Signer] = []
    for s in signers or []:
        if isinstance(s, Signer):
            out.append(s)
            continue
        get = s.get if isinstance(s, dict) else (lambda k, d=None, s=s: getattr(s, k, d))
        name = get("name") or get("full_name") or get("username")
        if not name:
            raise ValueError("a signer needs a name")
        signed_on = get("signed_on") or get("date")
        role = str(get("role") or "technical_reviewer")
        out.append(Signer(name=str(name), role=ROLE_ALIASES.get(role, role),
                          signed_on=str(signed_on) if signed_on else None,
                          image=get("image") or get("signature") or get("signature_image"),
                          title=get("title")))
    return out


def default_who(signers: list[Signer]) -> str:
    if signers:
        return signers[0].name
    try:
        return getpass.getuser() or "system"
    except Exception:      # noqa: BLE001 — no login name (service account): still record the event
        return "system"


def issue_stamp(now: datetime | None = None) -> tuple[str, str]:
    """(Jalali 'yyyy/mm/dd HH:MM', Jalali 'yyyy/mm/dd') of the issue time, in local time."""
    now = now or datetime.now()
    local = now.astimezone().replace(tzinfo=None) if now.tzinfo else now
    j = jdatetime.datetime.fromgregorian(datetime=local)
    jdt = f"{j.year:04d}/{j.month:02d}/{j.day:02d} {j.hour:02d}:{j.minute:02d}"
    return jdt, jdt[:10]


class SealHolder:
    """Filled after layout (the signature covers the laid-out rows); read when pages are drawn."""

    def __init__(self):
        self.seal: str = ""
        self.code: str = ""


@dataclass
class Band:
    """The header band of every page, and the footer."""
    title: str
    subtitle: str
    office: OfficeSettings
    fields: list[tuple[str, str, bool]]            # (label, value, latin)
    issued: str
    holder: SealHolder
    version_line: str = ""
    footer_left: str = ""
    short: list[tuple[str, str, bool]] = field(default_factory=list)   # the fields repeated on later pages
    height: float = 100            # the first page's band
    later_height: float = 46       # the band of the pages after it

    def draw(self, c: Canvas, page: int, pages: int) -> None:
        if page > 1:
            self._draw_later(c)
            return
        w, h = PAGE
        right, left = w - MARGIN, MARGIN
        y0 = h - MARGIN
        # right: the organisation and office
        draw_text(c, right, y0 - 10, self.office.organization, font=FA_BOLD, size=10)
        draw_text(c, right, y0 - 23, self.office.office_line(), size=9)
        draw_text(c, right, y0 - 35, self.office.unit, size=8.5)
        # centre: the title
        draw_text(c, w / 2, y0 - 13, self.title, font=FA_BOLD, size=14, align="center")
        draw_text(c, w / 2, y0 - 29, self.subtitle, size=9, align="center")
        # left: issue date, code, version
        lx = left + 210
        draw_pair(c, lx, y0 - 10, "تاریخ صدور", self.issued, size=8.5)
        draw_pair(c, lx, y0 - 23, LABELS["code"], self.holder.code or "—", size=8.5, value_font=LATIN_BOLD,
                  value_logical=False)
        if self.version_line:
            draw_text(c, lx, y0 - 36, self.version_line, size=8.5)
        # the fields box
        box_top, box_h = y0 - 44, self.height - 48
        c.setStrokeColor(colors.HexColor("#6b7280"))
        c.setLineWidth(0.6)
        c.roundRect(left, box_top - box_h, w - 2 * MARGIN, box_h, 4, stroke=1, fill=0)
        cols = 3
        col_w = (w - 2 * MARGIN - 12) / cols
        for i, (label, value, latin) in enumerate(self.fields):
            r, k = divmod(i, cols)
            x = right - 6 - k * col_w
            y = box_top - 13 - r * 15
            draw_pair(c, x, y, label, value or "—", size=8.5, value_font=LATIN if latin else FA,
                      value_logical=not latin, max_width=col_w - 8)

    def _draw_later(self, c: Canvas) -> None:
        """Later pages: the office, the title and the batch on two lines (the fields box is on page 1)."""
        w, h = PAGE
        right, left = w - MARGIN, MARGIN
        y0 = h - MARGIN
        draw_text(c, right, y0 - 10, f"{self.office.organization} — {self.office.office_line()}", font=FA_BOLD,
                  size=9)
        draw_text(c, w / 2, y0 - 11, self.title, font=FA_BOLD, size=11.5, align="center")
        draw_pair(c, left + 210, y0 - 10, LABELS["code"], self.holder.code or "—", size=8.5,
                  value_font=LATIN_BOLD, value_logical=False)
        x = right
        for label, value, latin in self.short:
            used = draw_pair(c, x, y0 - 27, label, value or "—", size=8.5, value_font=LATIN if latin else FA,
                             value_logical=not latin, max_width=260)
            x -= used + 22
        c.setStrokeColor(colors.HexColor("#6b7280"))
        c.setLineWidth(0.6)
        c.line(left, y0 - self.later_height + 10, right, y0 - self.later_height + 10)

    def draw_footer(self, c: Canvas, page: int, pages: int) -> None:
        w, _ = PAGE
        y = MARGIN + 8
        c.setStrokeColor(colors.HexColor("#6b7280"))
        c.setLineWidth(0.5)
        c.line(MARGIN, y + 12, w - MARGIN, y + 12)
        draw_text(c, w - MARGIN, y, f"صفحه {page} از {pages}", font=FA_BOLD, size=9)
        draw_pair(c, w / 2 + 70, y, LABELS["code"], self.holder.code or "—", size=8.5, value_font=LATIN_BOLD,
                  value_logical=False)
        if self.footer_left:
            draw_text(c, MARGIN, y, self.footer_left, font=LATIN, size=7, align="left", logical=False,
                      color=colors.HexColor("#4b5563"))


def notes_block(doc, notes: list[tuple[str, Any]], *, size: float = 8.5) -> None:
    """Paragraphs (text, colour) across the page width, wrapped before reordering."""
    width = doc.right - doc.left - 12
    for text, color in notes:
        lines = fa.wrap(text, FA, size, width)
        h = len(lines) * size * 1.5 + 8

        def draw(c, top, lines=lines, h=h, color=color):
            c.setStrokeColor(color)
            c.setLineWidth(0.8)
            c.roundRect(doc.left, top - h, doc.right - doc.left, h, 3, stroke=1, fill=0)
            for i, line in enumerate(lines):
                draw_text(c, doc.right - 6, top - 4 - size - i * size * 1.5, line, size=size, logical=False,
                          color=color)
        doc.add(h, draw, gap=5)


def _image(img):
    if img is None:
        return None
    if isinstance(img, (bytes, bytearray)):
        import io
        return ImageReader(io.BytesIO(bytes(img)))
    return ImageReader(str(img))


VERIFY_HINT = "اصالت این برگ با دستور «rasidegi verify» یا کد تأیید بالا قابل بررسی است"


def signature_block(doc, signers: list[Signer], holder: SealHolder, *, issued_on: str,
                    verify_hint: str = VERIFY_HINT) -> None:
    """The signature boxes (technical reviewer, accountant, and any other signer) and the QR seal."""
    boxes: list[tuple[str, Signer | None, str]] = []
    by_role = {}
    for s in signers:
        by_role.setdefault(s.role, []).append(s)
    for role in ("technical_reviewer", "accountant"):
        found = by_role.get(role, [])
        boxes.append((role, found.pop(0) if found else None, ROLE_FA[role]))
    for role, rest in by_role.items():
        for s in rest:
            boxes.append((role, s, s.title_fa))
    boxes = boxes[:4]
    h = 112
    qr_size = 112

    def draw(c: Canvas, top: float):
        right = doc.right
        qr_w = qr_size + 150
        box_w = (doc.right - doc.left - qr_w - 10) / len(boxes)
        for i, (role, s, title) in enumerate(boxes):
            x1 = right - i * box_w
            x0 = x1 - box_w + 8
            c.setStrokeColor(colors.HexColor("#6b7280"))
            c.setLineWidth(0.6)
            c.roundRect(x0, top - h, x1 - x0, h, 4, stroke=1, fill=0)
            color = ROLE_COLOR.get(role, colors.black)
            draw_text(c, x1 - 6, top - 14, title, font=FA_BOLD, size=9.5, color=color)
            draw_pair(c, x1 - 6, top - 30, "نام و نام خانوادگی", s.name if s else "", size=8.5,
                      max_width=x1 - x0 - 12)
            draw_pair(c, x1 - 6, top - 45, "تاریخ", (s.signed_on or issued_on) if s else "", size=8.5)
            draw_text(c, x1 - 6, top - 60, "امضا:", font=FA_BOLD, size=8.5)
            img = _image(s.image) if s else None
            if img is not None:
                c.drawImage(img, x0 + 8, top - h + 8, width=x1 - x0 - 70, height=h - 72, preserveAspectRatio=True,
                            anchor="c", mask="auto")
            else:
                c.setStrokeColor(colors.HexColor("#9ca3af"))
                c.setDash(2, 2)
                c.line(x0 + 10, top - h + 18, x1 - 50, top - h + 18)
                c.setDash()
        # the seal
        qx = doc.left
        draw_qr(c, qx, top - qr_size, qr_size, holder.seal)
        tx = qx + qr_size + 146
        draw_text(c, tx, top - 14, "مهر رقمی اداره", font=FA_BOLD, size=9.5)
        draw_pair(c, tx, top - 30, LABELS["code"], holder.code, size=8.5, value_font=LATIN_BOLD,
                  value_logical=False)
        for i, line in enumerate(fa.wrap(verify_hint, FA, 7.5, 140)):
            draw_text(c, tx, top - 46 - i * 11, line, size=7.5, logical=False)

    doc.add(h, draw)


def save_sealed(doc, holder: SealHolder, payload: dict, path, *, office: OfficeSettings, title: str,
                subject: str) -> tuple[str, int, str]:
    """Seal `payload` with the office key (the holder gets the seal and its verification code, which every page
    prints), then write `doc` to `path` with the seal in the PDF's Keywords.  Returns (seal, pages, key
    fingerprint).  The sheet's and the report's last step."""
    from .seal import KEYWORDS_PREFIX, make_seal, office_key, verification_code

    key = office_key()
    payload["k"] = key.fingerprint
    seal, sig = make_seal(payload, key)
    holder.seal, holder.code = seal, verification_code(sig)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=PAGE, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(office.office_line())
    c.setSubject(subject)
    c.setCreator("rasidegi")
    c.setKeywords(KEYWORDS_PREFIX + seal)
    fa.warm_up(c)
    return seal, doc.save(c), key.fingerprint
