"""Synthetic claim batches (claim-batch/1) for the demo, the benchmark and the tests.

    python -m desktop.synth --prescriptions 100000 --seed 1 --out big.json [--kind laboratory] [--bills 50]
    python -m desktop.synth --demo resources/demo          # rebuild the shipped demo batches

What it makes
- One provider, one fund, one month per batch (interchange §1), with kind-appropriate services (KINDS): laboratory
  80xxxx, imaging 70xxxx (radiography, bone densitometry, ultrasound, CT, thyroid scan), physiotherapy 9016xx,
  physicians' visits and Table-1 office services, dental Table-2 rows `T2-<row>`, hospital bills.  Codes are those the
  review manual itself names (so they are in the shipped sample tariff), except the outpatient visit codes
  970000/970005/970010, which the manual does not print.  Not generated: MRI (the manual names no MRI code),
  radiotherapy courses, pharmacies (claim-batch/1 has no drug code).  Without `provider_kind` the kind is drawn from
  the seed (and is `hospital` for bills alone).
- 1-3 lines per prescription; amounts are the government tariff of the line split 30 % insured / 70 % organisation
  (GEN-15: providers write the government-tariff price), so a clean line is ticked by the engine.
- Prescribers of plausible specialties (shared/spec/specialties.csv slugs), national ids that pass the mod-11 check
  and are never ten repeated digits, insured who come back several times in the month (frequency rules have history),
  Jalali dates inside the period (prescribed a few days to weeks before service), Persian names with ZWNJ.
- The rule-inputs fields in realistic proportions: paper facts, sheets, referral codes for insured in the referral
  system, approvals, tracking codes and reports on high-cost services, details by kind (region/laterality/contrast,
  test/agent/sample/method, sessions/limbs/modalities, tooth/jaw/table2_row), pregnancy for obstetric ultrasound,
  and now and then a field no spec names (intake must keep it).
- Deliberate defects on about `error_rate` of the documents, one per defective document, each meant to trigger one
  clause of the manual (GEN-5 undated, GEN-2-N2 signature stamp, GEN-15-N2 above the tariff, …); the intended clause
  ids are returned by `generate_batch_with_key`.  Noise that is *not* a defect: Persian digits in dates, Arabic ي/ك
  in names and diagnoses, explicit "as it should be" values.
- Hospital bills (`n_bills`) with stays, visits, consultations, procedures, anaesthesia and headings with lines.

Determinism: the output depends only on the arguments (never on the clock or PYTHONHASHSEED).  The provider, its
prescribers and its insured population depend on (seed, kind, fund) only, so the same seed with an earlier `period`
gives an earlier month of the same provider with the same patients: a history batch.

Prices: by default every line is priced from the relative values below (SAMPLE_RVU, those of the shipped sample
tariff) times the K values of the shipped sample parameters (SAMPLE_K), so a clean line asks exactly its tariff.
Pass `prices` (code → government Rials per unit, see `prices_from_tariff`) to price from another tariff.
Speed: 100,000 prescriptions in about 2-5 s (the cyclic garbage collector is paused while the tree is built).
Only the standard library and jdatetime (through desktop.domain.jalali) are used, except `build_demo`, which reads the
shipped sample parameters with PyYAML.
"""
from __future__ import annotations

import argparse
import csv
import gc
import itertools
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Iterable, Mapping

from desktop.domain.jalali import JDate, JMonth, parse_month

__all__ = [
    "generate_batch", "generate_batch_with_key", "write_batch", "prices_from_tariff", "national_id_ok",
    "make_national_id", "build_demo", "main", "KINDS", "SAMPLE_K", "SAMPLE_RVU", "TABLE2_K", "HIGH_COST_CODES",
    "ERROR_IDS",
]

# --------------------------------------------------------------------------------------------------------------------
# Reference data used by the generator (sample values, not the official book)
# --------------------------------------------------------------------------------------------------------------------

#: Rials per relative-value unit (government sector) in force on 1404/07/01 in the shipped sample parameters
#: (rules/sample/params.yaml; sample values, not the official figures).  Used when no `prices` are given.
SAMPLE_K = {"professional": 200_000, "technical": 170_000, "dental": 120_000}

#: code → (Persian description, professional RVU, technical RVU): the relative values of the shipped sample tariff
#: (rules/sample/tariff.csv; tests/test_synth.py keeps the two in step); a code with one value has it as professional
#: (interchange §2).  Descriptions are what a provider writes on the line.
SAMPLE_RVU: dict[str, tuple[str, float, float]] = {
    # radiography and bone densitometry
    "700245": ("رادیوگرافی ساده شکم خوابیده (KUB)", 0.8, 2.2),
    "700920": ("سنجش تراکم استخوان یک یا دو منطقه", 1.2, 2.3),
    "700925": ("سنجش تراکم استخوان تمام بدن", 1.5, 3.0),
    # ultrasound
    "701520": ("سونوگرافی تیروئید", 2.0, 0.0),
    "701540": ("سونوگرافی پستان یک طرفه", 2.0, 0.0),
    "701545": ("سونوگرافی پستان دو طرفه", 3.0, 0.0),
    "701555": ("سونوگرافی شکم", 4.5, 0.0),
    "701580": ("سونوگرافی رتروپریتونال", 3.0, 0.0),
    "701611": ("سونوگرافی کامل لگن (رحم و تخمدانها، مثانه پر و خالی)", 4.2, 0.0),
    "701655": ("سونوگرافی کامل لگن (پروستات، مثانه پر و خالی)", 4.2, 0.0),
    "701715": ("سونوگرافی حاملگی", 3.5, 0.0),
    "701720": ("سونوگرافی بیوفیزیکال پروفایل", 3.5, 0.0),
    "701725": ("سونوگرافی تشخیص مالفورماسیون‌های مادرزادی جنین", 6.0, 0.0),
    "701730": ("سونوگرافی NT و یا NB", 4.0, 0.0),
    "701731": ("سونوگرافی NT و آنومالی سه ماهه اول", 7.0, 0.0),
    "701735": ("سونوگرافی حاملگی، هر قل اضافه", 2.0, 0.0),
    "701736": ("سونوگرافی بررسی رشد جنین و IUGR", 4.0, 0.0),
    "701740": ("سونوگرافی داپلر عروق گردن", 6.0, 0.0),
    "701865": ("سونوگرافی داپلر ترانس کرانیال (TCD)", 6.5, 0.0),
    "701870": ("سونوگرافی TCCS", 9.0, 0.0),
    # nuclear medicine
    "704725": ("اسکن تیروئید با تکنسیوم", 3.0, 9.0),
    # CT
    "702875": ("سی تی اسکن اسپیرال شکم و لگن با تزریق", 8.0, 20.0),
    "703035": ("سی تی اسکن تری فازیک کبد (پروتکل بررسی همانژیوم کبدی)", 9.0, 24.0),
    # laboratory
    "800005": ("پذیرش بیمار و نمونه‌گیری (خون و سایر مایعات بدن)", 1.0, 0.0),
    "800015": ("خونگیری از کودکان زیر ۵ سال", 1.5, 0.0),
    "800410": ("GTT / OGTT", 1.6, 0.0),
    "800430": ("تری گلیسیرید (کمی)", 0.6, 0.0),
    "800440": ("HDL (کمی)", 0.7, 0.0),
    "801170": ("فریتین", 2.4, 0.0),
    "801400": ("T3", 1.8, 0.0),
    "801405": ("T4", 1.8, 0.0),
    "801415": ("TSH", 2.0, 0.0),
    "801425": ("Free T4", 2.2, 0.0),
    "801440": ("FSH", 2.2, 0.0),
    "801445": ("LH", 2.2, 0.0),
    "801450": ("پرولاکتین", 2.2, 0.0),
    "801590": ("Beta-HCG", 2.5, 0.0),
    "801805": ("CEA", 3.0, 0.0),
    "801810": ("آلفا فتوپروتئین", 3.0, 0.0),
    "801820": ("PSA (پروستات اسپسیفیک آنتی ژن)", 3.0, 0.0),
    "802875": ("تست حاملگی ادرار", 0.5, 0.0),
    "805005": ("استخراج RNA", 10.0, 0.0),
    "805079": ("RT-PCR کمی", 60.0, 0.0),
    "807000": ("پذیرش سیتوپاتولوژی", 1.0, 0.0),
    "807025": ("پاپ اسمیر (تهیه اسمیر)", 2.5, 0.0),
    # physiotherapy
    "901620": ("طرح درمان فیزیوتراپی توسط مرکز", 1.0, 0.0),
    "901645": ("فیزیوتراپی، هر جلسه (کلیه روشهای یک جلسه)", 1.2, 0.0),
    "901646": ("دیاترمی", 0.5, 0.0),
    # physicians: outpatient visits (not printed in the manual) and Table-1 office services
    "970000": ("ویزیت سرپایی پزشک عمومی", 1.0, 0.0),
    "970005": ("ویزیت سرپایی پزشک متخصص", 1.5, 0.0),
    "970010": ("ویزیت سرپایی پزشک فوق تخصص", 1.8, 0.0),
    "100020": ("انسیزیون و درناژ آبسه", 4.0, 0.0),
    "100085": ("تراشیدن یا بریدن ضایعه شاخی خوش خیم (میخچه و پینه)", 2.0, 0.0),
    "100090": ("نمونه برداری پوست، بافت زیرجلدی و یا بافت مخاطی", 5.0, 0.0),
    "200066": ("آسپیراسیون و یا تزریق مفصل یا بورس متوسط", 3.0, 0.0),
    "501790": ("نمونه برداری اندومتر با یا بدون نمونه برداری اندوسرویکال", 1.5, 0.0),
    "502090": ("آزمون بدون استرس جنین (NST)", 0.5, 1.7),
    "602770": ("درآوردن سرومن سفت شده، هر گوش", 1.8, 0.0),
    "900710": ("ECG با تفسیر و گزارش", 0.7, 0.3),
    "900771": ("هولتر ۲۴ ساعته فشار خون یا ECG", 2.5, 1.5),
    "900785": ("اکو کاردیوگرافی کامل در بیماران غیرمادرزادی", 6.5, 3.0),
    "900800": ("تست ورزش", 3.8, 1.9),
    "901005": ("اسپیرومتری کامل (SVC، FVC، MVV) با منحنی", 3.0, 1.5),
    "901220": ("EEG روتین", 6.5, 3.5),
    "901255": ("معاینات الکترودیاگنوز (EMG و NCV)", 10.5, 2.0),
    # hospital procedures used in bills
    "100160": ("اکسیزیون کیست یا سینوس پیلونیدال", 15.0, 0.0),
    "100655": ("نمونه برداری شکافی پستان", 7.0, 0.0),
    "202120": ("درمان بسته شکستگی تنه رادیوس و یا اولنا", 13.0, 0.0),
    "204540": ("گچ شانه تا دست یا آرنج تا انگشت", 3.0, 0.0),
    "500955": ("ختنه", 8.0, 0.0),
    "602490": ("اکسیزیون شالازیون", 6.0, 0.0),
    "800010": ("خونگیری مجدد (بستری)", 0.5, 0.0),
}

#: The manual's dental Table 2: row → (Persian description, K coefficient).  Rows 1-5 print no coefficient and are
#: not generated.
TABLE2_K: dict[int, tuple[str, int]] = {}


def _table2() -> None:
    t = TABLE2_K
    t[6] = ("آموزش بهداشت", 14)
    t[7] = ("جرمگیری و بروساژ کامل یک فک (۶-۱۴ سال)", 76)
    t[8] = ("جرمگیری و بروساژ کامل یک فک (بالای ۱۴ سال)", 76)
    t[21] = ("پروفیلاکسی و فلورایدتراپی فک بالا", 35)
    t[22] = ("پروفیلاکسی و فلورایدتراپی فک پایین", 35)
    t[23] = ("وارنیش فلوراید فک بالا", 10)
    t[24] = ("وارنیش فلوراید فک پایین", 10)
    for row, where in zip((25, 26, 27, 28), ("راست بالا", "راست پایین", "چپ بالا", "چپ پایین")):
        t[row] = (f"فیشورسیلانت دندان ۶ {where}", 44)
    # permanent extractions: 29-36 upper right 1..8, 37-44 upper left, 45-52 lower left, 53-60 lower right
    names = ("یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت")
    for base, where in ((29, "بالا راست"), (37, "بالا چپ"), (45, "پایین چپ"), (53, "پایین راست")):
        for i in range(8):
            t[base + i] = (f"کشیدن - {names[i]} {where}", 41 if i < 3 else (55 if i == 7 else 45))
    # primary extractions: 61-65 upper right A..E, 66-70 upper left, 71-75 lower right, 76-80 lower left
    for base, where in ((61, "بالا راست"), (66, "بالا چپ"), (71, "پایین راست"), (76, "پایین چپ")):
        for i, letter in enumerate("ABCDE"):
            t[base + i] = (f"کشیدن - {letter} {where}", 41 if i < 3 else 45)
    # restorations of tooth 6: groups of four rows in the order upper right, lower right, upper left, lower left
    for base, what, k in ((81, "ترمیم یک سطحی آمالگام دندان ۶", 71), (85, "ترمیم دو سطحی آمالگام دندان ۶", 97),
                          (89, "ترمیم سه سطحی آمالگام دندان ۶", 108), (105, "ترمیم اچ نوری یک سطحی دندان ۶", 78),
                          (109, "ترمیم اچ نوری دو سطحی دندان ۶", 104)):
        for i, where in enumerate(("راست بالا", "راست پایین", "چپ بالا", "چپ پایین")):
            t[base + i] = (f"{what} {where}", k)


_table2()

#: FDI tooth of the Table-2 rows that name one tooth.
_SIX_TEETH = ("16", "46", "26", "36")   # order of rows 25-28 and of each restoration group
_PERM_BASE = {"1": 29, "2": 37, "3": 45, "4": 53}      # quadrant → first extraction row (tooth 1)
_PRIM_BASE = {"5": 61, "6": 66, "8": 71, "7": 76}      # primary quadrant → row of tooth A

#: Codes the generator treats as high-cost (DEF-HIGH-COST: densitometry, Doppler, CT, MRI, molecular genetics,
#: cytopathology, echocardiography, exercise test, spirometry, EEG, EMG/NCV): the generated codes of the shipped
#: `code_groups.high_cost`.  Their documents get reports and tracking codes; their defects include GEN-13/GEN-19.
HIGH_COST_CODES = frozenset({
    "700920", "700925", "701740", "701865", "701870", "702875", "703035", "805005", "805079", "807000", "807025",
    "900785", "900800", "901005", "901220", "901255",
})

#: Provider kinds the generator can make prescriptions for.
KINDS = ("laboratory", "radiology", "ultrasound", "ct", "nuclear_medicine", "physiotherapy", "physician_office",
         "clinic", "dentist", "hospital")
_KIND_WEIGHTS = (("laboratory", 26), ("radiology", 12), ("ultrasound", 8), ("ct", 4), ("nuclear_medicine", 2),
                 ("physiotherapy", 10),
                 ("physician_office", 16), ("clinic", 10), ("dentist", 12))
_PARACLINIC = frozenset({"laboratory", "radiology", "ultrasound", "ct", "mri", "nuclear_medicine", "radiotherapy",
                         "physiotherapy"})
_IMAGING = frozenset({"radiology", "ultrasound", "ct", "mri", "nuclear_medicine", "radiotherapy"})

# --------------------------------------------------------------------------------------------------------------------
# Names, places
# --------------------------------------------------------------------------------------------------------------------

ZWNJ = "\u200c"
_MALE = ("علی", "محمد", "حسین", "رضا", "مهدی", "امیر", "سعید", "حمید", "مجید", "احمد", "جواد", "مصطفی",
         "ابوالفضل", "محمدرضا", "علیرضا", "امیرحسین", "سجاد", "یوسف", "کاظم", "داوود", "محسن", "اکبر", "بهروز",
         "کیانوش", "آرش", "پرویز", "نادر", "عباس", "اسماعیل", "یعقوب", "محمد" + ZWNJ + "حسین", "امیرعلی")
_FEMALE = ("فاطمه", "زهرا", "مریم", "معصومه", "زینب", "سمیه", "نرگس", "لیلا", "مهسا", "سارا", "الهام", "فرزانه",
           "نسرین", "طاهره", "اعظم", "کبری", "شیرین", "هانیه", "ریحانه", "ستاره", "منیژه", "پروین", "اکرم",
           "نازنین", "کوثر", "فریبا", "شهناز", "مهناز", "نیلوفر", "سکینه", "آزاده", "ملیکا")
_FAMILY = ("رضایی", "محمدی", "حسینی", "احمدی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "اکبری", "قاسمی",
           "نوروزی", "کاظمی", "یزدانی", "اصفهانی", "نجفی", "سلطانی", "شریفی", "ابراهیمی", "میرزایی", "طاهری",
           "باقری", "عسگری", "فروغی", "زارعی", "نصیری", "کیانی", "هاشمی", "مرادی", "امینی",
           "حسین" + ZWNJ + "زاده", "علی" + ZWNJ + "پور", "محمدی" + ZWNJ + "نژاد", "قلی" + ZWNJ + "زاده",
           "نیک" + ZWNJ + "نام", "رحمانی" + ZWNJ + "فر", "شاه" + ZWNJ + "حسینی", "بهرامی" + ZWNJ + "نیا",
           "جهان" + ZWNJ + "بخش", "کریم" + ZWNJ + "خانی", "میر" + ZWNJ + "لوحی", "نظام" + ZWNJ + "دوست")
_CITIES = (("اصفهان", "isfahan", "12"), ("اصفهان", "isfahan", "12"), ("کاشان", "isfahan", "12"),
           ("نجف" + ZWNJ + "آباد", "isfahan", "11"), ("تهران", "tehran", "00"), ("شیراز", "fars", "22"),
           ("مشهد", "khorasan_razavi", "09"), ("تبریز", "east_azerbaijan", "13"))
_CENTRE_NAMES = ("سپاهان", "نقش جهان", "پارس", "امید", "مهرگان", "آریا", "سینا", "رازی", "دانش", "زاینده" + ZWNJ + "رود",
                 "چهارباغ", "فردوسی", "البرز", "پاسارگاد")
_KIND_TITLE = {
    "laboratory": "آزمایشگاه پاتوبیولوژی", "radiology": "مرکز تصویربرداری پزشکی", "ultrasound": "مرکز سونوگرافی",
    "ct": "مرکز سی" + ZWNJ + "تی" + ZWNJ + "اسکن", "nuclear_medicine": "مرکز پزشکی هسته" + ZWNJ + "ای", "mri": "مرکز ام" + ZWNJ + "آر" + ZWNJ + "آی",
    "physiotherapy": "مرکز فیزیوتراپی", "clinic": "درمانگاه تخصصی", "hospital": "بیمارستان",
    "limited_surgery_center": "مرکز جراحی محدود",
}
_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

#: The catalogue ids the deliberate defects are meant to trigger (one per defective document).
ERROR_IDS = (
    "GEN-2", "GEN-2-N2", "GEN-5", "GEN-7", "GEN-7-N1", "GEN-8", "GEN-8-N1", "GEN-8-N2", "GEN-8-N3", "GEN-9",
    "GEN-12", "GEN-13", "GEN-14", "GEN-15-N2", "GEN-17", "GEN-19", "GEN-20-N1", "GEN-20-N2", "GEN-25", "GEN-29-N1",
    "US-3", "US-16-6", "US-17", "BMD-12", "LAB-3", "LAB-4-7", "LAB-7-1", "LAB-7-3", "GEN-16-N2",
    "PT-3", "PT-4", "PT-9", "PT-10", "PT-11", "PT-15-N2", "MD-8", "MD-ADJ-1", "MD-ADJ-5", "DEN-2", "DEN-11",
    "BMD-14", "CT-2", "INP-8", "INP-9-1", "INP-13", "INP-15",
)


# --------------------------------------------------------------------------------------------------------------------
# National id
# --------------------------------------------------------------------------------------------------------------------

def national_id_ok(nid: str) -> bool:
    """Iranian national id check: ten digits, not all equal, weighted mod-11 check digit."""
    if len(nid) != 10 or not nid.isdigit() or nid == nid[0] * 10:
        return False
    r = sum(int(nid[i]) * (10 - i) for i in range(9)) % 11
    check = r if r < 2 else 11 - r
    return int(nid[9]) == check


def make_national_id(rng: random.Random, prefix: str = "") -> str:
    """A random valid national id (optionally starting with `prefix`, e.g. a city's first digits)."""
    width = 9 - len(prefix)
    while True:
        body = f"{prefix}{rng.randrange(10 ** width):0{width}d}"
        r = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
        nid = body + str(r if r < 2 else 11 - r)
        if nid != nid[0] * 10:
            return nid


# --------------------------------------------------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------------------------------------------------

def _sample_prices() -> dict[str, int]:
    kp, kt = SAMPLE_K["professional"], SAMPLE_K["technical"]
    out = {code: _rial(p * kp) + _rial(t * kt) for code, (_, p, t) in SAMPLE_RVU.items()}
    for row, (_, k) in TABLE2_K.items():
        out[f"T2-{row}"] = k * SAMPLE_K["dental"]
    return out


def prices_from_tariff(path, k_professional: int, k_technical: int | None = None,
                       k_dental: int | None = None) -> dict[str, int]:
    """Government Rials per unit of every code of a tariff CSV (interchange §2): professional RVU × K_prof +
    technical RVU × K_tech.  `T2-<row>` codes without a tariff row are priced from Table 2 × `k_dental`."""
    kt = k_professional if k_technical is None else k_technical
    out: dict[str, int] = {}
    if k_dental:
        for row, (_, k) in TABLE2_K.items():
            out[f"T2-{row}"] = k * k_dental
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            code = (row.get("code") or "").strip()
            if not code:
                continue
            prof = float(row.get("rvu_professional") or 0)
            tech = float(row.get("rvu_technical") or 0)
            if not prof and not tech and row.get("rvu_total"):
                prof = float(row["rvu_total"])
            k_prof = k_dental if (code.startswith("T2-") and k_dental) else k_professional
            out[code] = _rial(prof * k_prof) + _rial(tech * kt)
    return out


def _rial(x: float) -> int:
    """Round to whole Rials, half up (each component is rounded on its own, as the engine prices)."""
    return int(math.floor(x + 0.5 + 1e-9))


def _split(total: int) -> dict:
    insured = (total * 3 + 5) // 10          # 30 %, rounded half up
    return {"total": total, "insured": insured, "org": total - insured}


# --------------------------------------------------------------------------------------------------------------------
# Scenarios: one kind of document each
# --------------------------------------------------------------------------------------------------------------------

class _Scn:
    __slots__ = ("name", "weight", "sex", "age_min", "age_max", "specialties", "build", "once", "needs_condition")

    def __init__(self, name, weight, build, specialties, sex=None, age=(0, 100), once=False, needs_condition=False):
        self.name, self.weight, self.build = name, weight, build
        self.specialties = specialties            # ((slug, weight), …)
        self.sex, (self.age_min, self.age_max) = sex, age
        self.once = once                          # at most once per insured per batch (frequency-limited)
        self.needs_condition = needs_condition

    def fits(self, sex: str, age: int, has_condition: bool) -> bool:
        return ((self.sex is None or self.sex == sex) and self.age_min <= age <= self.age_max
                and (has_condition or not self.needs_condition))


def _ri(rng: random.Random, a: int, b: int) -> int:
    """A random integer a ≤ n ≤ b (randint without its argument checks: the hot path of 100,000 documents)."""
    return a + int(rng.random() * (b - a + 1))


def _ch(rng: random.Random, seq):
    """rng.choice without its checks (hot path)."""
    return seq[int(rng.random() * len(seq))]


def _pick(rng: random.Random, weighted):
    total = 0
    for _, w in weighted:
        total += w
    x = rng.random() * total
    for v, w in weighted:
        x -= w
        if x < 0:
            return v
    return weighted[-1][0]


# Each build function returns a dict: diagnosis, lines [(code, qty, details)], and optional document fields.

def _b_kub(g, ins, age):
    return {"diagnosis": g.rng.choice(("سنگ کلیه", "درد پهلوی راست", "درد شکم", "کولیک کلیوی")),
            "lines": [("700245", 1, {"region": "abdomen", "films": 1})]}


_BMD_INDICATIONS = (
    ("long_term_corticosteroid", "یائسگی و مصرف طولانی مدت کورتیکواستروئید"),
    ("early_menopause_before_40", "یائسگی زودرس زیر ۴۰ سال"),
    ("rheumatoid_arthritis", "آرتریت روماتوئید (علت ثانویه استئوپروز)"),
    ("hyperthyroidism", "هایپرتیروئیدی (علت ثانویه استئوپروز)"),
    ("diabetes", "دیابت (علت ثانویه استئوپروز)"),
    ("pathologic_fracture_history", "سابقه شکستگی پاتولوژیک"),
)


def _b_bmd(g, ins, age):
    cond = ins["conditions"][0] if ins.get("conditions") else "long_term_corticosteroid"
    text = next((t for c, t in _BMD_INDICATIONS if c == cond), "استئوپنی")
    return {"diagnosis": g.rng.choice(("استئوپروز", "بررسی تراکم استخوان", "استئوپنی")) ,
            "lines": [("700920", 1, {"technique": "dexa", "regions": ["lumbar_spine", "hip"], "indication": text})],
            "high_cost": True}


def _b_bmd_child(g, ins, age):
    return {"diagnosis": "تالاسمی ماژور، بررسی تراکم استخوان",
            "lines": [("700925", 1, {"technique": "dexa", "indication": "تالاسمی ماژور در کودک"})],
            "high_cost": True}


def _b_us_abdomen(g, ins, age):
    d = g.rng.choice(("درد شکم", "سنگ کیسه صفرا", "کبد چرب", "افزایش آنزیم‌های کبدی", "درد اپیگاستر",
                      "عفونت ادراری مکرر"))
    lines = [("701555", 1, {"region": "abdomen"})]
    if g.rng.random() < 0.12:
        lines.append(("701580", 1, {"region": "retroperitoneum"}))
    return {"diagnosis": d, "lines": lines}


def _b_us_pelvis_f(g, ins, age):
    return {"diagnosis": g.rng.choice(("خونریزی غیرطبیعی رحم", "کیست تخمدان", "درد لگن", "بی‌نظمی قاعدگی")),
            "lines": [("701611", 1, {"region": "pelvis"})]}


def _b_us_pelvis_m(g, ins, age):
    return {"diagnosis": g.rng.choice(("بزرگی پروستات", "احتباس ادراری", "تکرر ادرار")),
            "lines": [("701655", 1, {"region": "pelvis"})]}


def _b_us_thyroid(g, ins, age):
    return {"diagnosis": g.rng.choice(("ندول تیروئید", "گواتر", "کم‌کاری تیروئید")),
            "lines": [("701520", 1, {"region": "thyroid"})]}


def _b_us_breast(g, ins, age):
    if g.rng.random() < 0.45:
        side = g.rng.choice(("left", "right"))
        return {"diagnosis": "توده پستان " + ("چپ" if side == "left" else "راست"),
                "lines": [("701540", 1, {"region": "breast_" + side, "laterality": side})]}
    return {"diagnosis": g.rng.choice(("ماستالژی", "پیگیری کیست پستان", "ترشح از نوک پستان")),
            "lines": [("701545", 1, {"region": "breast", "laterality": "both"})]}


def _b_us_preg(g, ins, age):
    r = g.rng.random()
    if r < 0.35:
        weeks, lines, d = g.rng.randint(6, 14), [("701715", 1, {"region": "pelvis"})], "تأیید بارداری"
    elif r < 0.55:
        weeks, lines, d = g.rng.randint(11, 13), [("701730", 1, {"region": "pelvis"})], "بررسی NT و NB سه ماهه اول بارداری"
    elif r < 0.75:
        weeks, lines, d = g.rng.randint(17, 22), [("701725", 1, {"region": "pelvis"})], "بررسی آنومالی جنین"
    elif r < 0.90:
        weeks, lines, d = g.rng.randint(28, 37), [("701736", 1, {"region": "pelvis"})], "بررسی رشد جنین"
    else:
        weeks = g.rng.randint(32, 40)
        lines = [("701715", 1, {"region": "pelvis"}), ("701720", 1, {"region": "pelvis"})]
        d = "کاهش حرکات جنین"
    return {"diagnosis": d, "lines": lines, "pregnancy": {"weeks": weeks, "fetuses": 1}}


def _b_doppler_neck(g, ins, age):
    return {"diagnosis": g.rng.choice(("TIA", "سرگیجه و سنکوپ", "بروئی کاروتید", "سکته مغزی ایسکمیک")),
            "lines": [("701740", 1, {"region": "neck_vessels", "laterality": "both"})], "high_cost": True}


def _b_tcd(g, ins, age):
    return {"diagnosis": g.rng.choice(("سکته مغزی ایسکمیک", "TIA", "سرگیجه با شک به ضایعه ورتبروبازیلر")),
            "lines": [("701865", 1, {"region": "brain"})], "high_cost": True, "performer_td": True}


def _b_thyroid_scan(g, ins, age):
    return {"diagnosis": g.rng.choice(("ندول تیروئید", "هایپرتیروئیدی", "گواتر مولتی ندولر")),
            "lines": [("704725", 1, {"region": "thyroid", "isotope": "Tc-99m", "spect": False})]}


def _b_ct_abd(g, ins, age):
    return {"diagnosis": g.rng.choice(("توده شکمی", "درد شکم و کاهش وزن", "پیگیری لنفوم", "آبسه داخل شکمی")),
            "lines": [("702875", 1, {"region": "abdomen_pelvis", "contrast": True, "spiral": True,
                                     "contrast_route": "injection"})], "high_cost": True}


def _b_ct_triphasic(g, ins, age):
    return {"diagnosis": g.rng.choice(("همانژیوم کبد", "ضایعه کبدی در سونوگرافی", "پیگیری هپاتوسلولار کارسینوما")),
            "lines": [("703035", 1, {"region": "liver", "contrast": True, "spiral": True, "phase": "triphasic"})],
            "high_cost": True}


def _lab(test, code, sample="blood", method="quantitative"):
    d = {"test": test, "sample": sample}
    if method:
        d["method"] = method
    return (code, 1, d)


def _adm(g, age, test):
    if age < 5:
        return ("800015", 1, {"test": test, "sample": "blood"})
    return ("800005", 1, {"test": test, "sample": "blood"})


def _b_lab_thyroid(g, ins, age):
    lines = [_adm(g, age, "TSH"), _lab("TSH", "801415")]
    if g.rng.random() < 0.6:
        lines.append(_lab("Free T4", "801425"))
    return {"diagnosis": g.rng.choice(("کم‌کاری تیروئید", "پیگیری هیپوتیروئیدی", "گواتر", "خستگی مزمن")),
            "lines": lines}


def _b_lab_fertility(g, ins, age):
    return {"diagnosis": g.rng.choice(("ناباروری", "بی‌نظمی قاعدگی", "سندرم تخمدان پلی‌کیستیک")),
            "lines": [_adm(g, age, "FSH"), _lab("FSH", "801440"), _lab("LH", "801445")]}


def _b_lab_prolactin(g, ins, age):
    return {"diagnosis": g.rng.choice(("گالاکتوره", "آمنوره")), "lines": [_adm(g, age, "Prolactin"),
                                                                      _lab("Prolactin", "801450")]}


def _b_lab_hcg(g, ins, age):
    return {"diagnosis": "تأخیر قاعدگی", "lines": [_adm(g, age, "Beta-HCG"), _lab("Beta-HCG", "801590")]}


def _b_lab_psa(g, ins, age):
    return {"diagnosis": g.rng.choice(("بزرگی پروستات", "پیگیری سرطان پروستات")),
            "lines": [_adm(g, age, "PSA"), _lab("PSA", "801820")]}


def _b_lab_lipid(g, ins, age):
    return {"diagnosis": g.rng.choice(("هایپرلیپیدمی", "دیابت نوع ۲", "پیگیری بیماری عروق کرونر")),
            "lines": [_adm(g, age, "TG"), _lab("TG", "800430"), _lab("HDL", "800440")]}


def _b_lab_gtt(g, ins, age):
    return {"diagnosis": "دیابت بارداری؟", "lines": [_adm(g, age, "GTT"), _lab("GTT", "800410")],
            "pregnancy": {"weeks": g.rng.randint(24, 28), "fetuses": 1}}


def _b_lab_ferritin(g, ins, age):
    return {"diagnosis": g.rng.choice(("کم‌خونی فقر آهن", "ریزش مو", "کم‌خونی")),
            "lines": [_adm(g, age, "Ferritin"), _lab("Ferritin", "801170")]}


def _b_lab_tumour(g, ins, age):
    lines = [_adm(g, age, "CEA"), _lab("CEA", "801805")]
    if g.rng.random() < 0.5:
        lines.append(_lab("AFP", "801810"))
    return {"diagnosis": g.rng.choice(("پیگیری سرطان کولون", "توده کبدی")), "lines": lines}


def _b_lab_pap(g, ins, age):
    return {"diagnosis": g.rng.choice(("ترشحات واژینال", "خونریزی پس از نزدیکی", "پیگیری ضایعه سرویکس")),
            "lines": [("807000", 1, {"test": "Pap smear", "sample": "cervical_smear"}),
                      ("807025", 1, {"test": "Pap smear", "sample": "cervical_smear", "method": "conventional"})],
            "attachments": ["report"], "high_cost": True}


def _b_lab_child_thyroid(g, ins, age):
    return {"diagnosis": "پیگیری کم‌کاری مادرزادی تیروئید",
            "lines": [("800015", 1, {"test": "TSH", "sample": "blood"}), _lab("TSH", "801415")]}


def _b_lab_hcv_pcr(g, ins, age):
    agent = "HCV"
    return {"diagnosis": "هپاتیت C مزمن، Anti-HCV مثبت",
            "lines": [("800005", 1, {"test": "HCV viral load", "agent": agent, "sample": "blood"}),
                      ("805005", 1, {"test": "HCV viral load", "agent": agent}),
                      ("805079", 1, {"test": "HCV viral load", "agent": agent, "method": "quantitative"})],
            "approval": True, "attachments": ["report", "lab_results"], "high_cost": True}


_PT_DX = (("کمردرد مزمن", "low_back", ("hot_pack", "TENS", "exercise")),
          ("درد گردن و اسپاسم عضلانی", "neck", ("hot_pack", "TENS", "exercise")),
          ("آرتروز زانو", "knee", ("hot_pack", "continuous_ultrasound", "exercise")),
          ("شانه منجمد", "shoulder", ("short_wave_diathermy", "TENS", "exercise")),
          ("پیچ خوردگی مچ پا", "ankle", ("cold_pack", "TENS", "exercise")),
          ("پس از شکستگی مچ دست", "wrist", ("paraffin_bath", "exercise")),
          ("همی‌پارزی به دنبال سکته مغزی", "lower_limb", ("exercise", "electrical_stimulation")))
_DEEP_HEAT = frozenset({"continuous_ultrasound", "short_wave_diathermy", "micro_wave_diathermy"})


def _b_physio(g, ins, age):
    dx, region, mods = _ch(g.rng, _PT_DX)
    ordered = _ch(g.rng, (5, 8, 10, 10, 10, 12, 15))
    n = _ri(g.rng, max(1, ordered - 4), ordered)
    sessions = g.session_days(n)
    lines = [("901645", n, {"sessions": sessions, "limbs": 1, "regions": [region], "modalities": list(mods)})]
    if _DEEP_HEAT.intersection(mods) and g.rng.random() < 0.7:
        lines.append(("901646", n, {"sessions": list(sessions), "modalities": [m for m in mods if m in _DEEP_HEAT]}))
    plan_by = "physician"
    if g.rng.random() < 0.25:
        plan_by = "provider"
        lines.append(("901620", 1, {}))
    return {"diagnosis": dx, "lines": lines, "sessions_ordered": ordered, "treatment_plan_by": plan_by,
            "attachments": ["physio_form"], "physio": True, "served_on_index": g.day_index[sessions[-1]]}


def _b_visit(g, ins, age):
    spec = g.current_specialty
    code = "970000" if spec == "general_practitioner" else (
        "970010" if g.level.get(spec) == "subspecialist" else "970005")
    return {"diagnosis": g.rng.choice(_VISIT_DX.get(spec, _VISIT_DX["_"])), "lines": [(code, 1, {})],
            "sheet": "second", "visit": True}


_VISIT_DX = {
    "general_practitioner": ("سرماخوردگی", "فارنژیت", "فشار خون بالا", "سردرد", "گاستروانتریت"),
    "cardiology": ("فشار خون بالا", "درد قفسه سینه", "تپش قلب", "نارسایی قلبی"),
    "internal_medicine": ("دیابت نوع ۲", "فشار خون بالا", "کم‌خونی", "سوءهاضمه"),
    "neurology": ("میگرن", "صرع", "نوروپاتی محیطی", "سرگیجه"),
    "ent": ("سینوزیت", "کاهش شنوایی", "اوتیت مدیا"),
    "obstetrics_gynecology": ("مراقبت بارداری", "خونریزی غیرطبیعی رحم", "ترشحات واژینال"),
    "dermatology": ("آکنه", "اگزما", "پسوریازیس"),
    "orthopedics": ("درد زانو", "کمردرد", "درد شانه"),
    "pulmonology": ("آسم", "COPD", "سرفه مزمن"),
    "pediatrics": ("تب", "اسهال", "عفونت گوش"),
    "_": ("پیگیری درمان", "درد مزمن"),
}

#: Office services by specialty: (code, Persian diagnosis choices, high cost?)
_OFFICE_SERVICES = {
    "general_practitioner": (("100020", ("آبسه پوستی",)), ("602770", ("جرم گوش",)), ("900710", ("درد قفسه سینه",))),
    "cardiology": (("900710", ("تپش قلب", "درد قفسه سینه")), ("900785", ("نارسایی قلبی", "تنگی نفس فعالیتی")),
                   ("900800", ("درد قفسه سینه فعالیتی",)), ("900771", ("فشار خون کنترل نشده", "تپش قلب"))),
    "internal_medicine": (("900710", ("فشار خون بالا",)),),
    "neurology": (("901220", ("صرع", "تشنج")), ("901255", ("سندرم تونل کارپ", "نوروپاتی محیطی"))),
    "ent": (("602770", ("جرم گوش", "کاهش شنوایی")),),
    "obstetrics_gynecology": (("502090", ("کاهش حرکات جنین",)), ("501790", ("خونریزی غیرطبیعی رحم",))),
    "dermatology": (("100085", ("میخچه کف پا",)), ("100090", ("ضایعه پوستی مشکوک",))),
    "orthopedics": (("200066", ("آرتریت مچ دست", "بورسیت آرنج")),),
    "pulmonology": (("901005", ("آسم", "COPD")),),
}


def _office_details(code: str) -> dict:
    if code == "100085":
        return {"region": "foot", "purpose": "medical"}     # a conditional-star code: medical, so covered
    return {}


def _b_office_service(g, ins, age):
    spec = g.current_specialty
    code, dxs = g.rng.choice(_OFFICE_SERVICES[spec])
    out = {"diagnosis": g.rng.choice(dxs), "lines": [(code, 1, _office_details(code))], "sheet": "first_and_second"}
    if code in HIGH_COST_CODES:
        out["high_cost"] = True
    if code == "502090":
        out["pregnancy"] = {"weeks": g.rng.randint(32, 40), "fetuses": 1}
    return out


def _b_den_extract_perm(g, ins, age):
    q = g.rng.choice("1234")
    n = g.rng.choice((1, 1, 1, 2))
    teeth = sorted(g.rng.sample(range(4, 9), n), reverse=True)
    lines = [(f"T2-{_PERM_BASE[q] + t - 1}", 1, {"tooth": f"{q}{t}", "table2_row": _PERM_BASE[q] + t - 1})
             for t in teeth]
    return {"diagnosis": g.rng.choice(("پوسیدگی عمیق غیرقابل ترمیم", "دندان عقل نهفته", "عفونت ریشه")),
            "lines": lines}


def _b_den_extract_prim(g, ins, age):
    q = g.rng.choice("5678")
    t = g.rng.randint(1, 5)
    row = _PRIM_BASE[q] + t - 1
    return {"diagnosis": "پوسیدگی دندان شیری", "lines": [(f"T2-{row}", 1, {"tooth": f"{q}{t}", "table2_row": row})]}


def _b_den_restore6(g, ins, age):
    i = g.rng.randrange(4)
    base = g.rng.choice((81, 85, 89, 105, 109))
    row = base + i
    svc = "restoration_amalgam" if base < 100 else "restoration_composite"
    return {"diagnosis": "پوسیدگی دندان ۶",
            "lines": [(f"T2-{row}", 1, {"tooth": _SIX_TEETH[i], "table2_row": row, "service": svc})]}


def _b_den_sealant(g, ins, age):
    i = g.rng.randrange(4)
    return {"diagnosis": "پیشگیری از پوسیدگی", "lines": [(f"T2-{25 + i}", 1, {"tooth": _SIX_TEETH[i],
                                                                           "table2_row": 25 + i,
                                                                           "service": "fissure_sealant"})]}


def _b_den_scaling(g, ins, age):
    row = 7 if age <= 14 else 8
    jaws = ("upper", "lower") if g.rng.random() < 0.6 else (g.rng.choice(("upper", "lower")),)
    return {"diagnosis": "جرم دندان و التهاب لثه",
            "lines": [(f"T2-{row}", 1, {"jaw": j, "table2_row": row}) for j in jaws]}


def _b_den_varnish(g, ins, age):
    lines = [("T2-23", 1, {"jaw": "upper", "table2_row": 23}), ("T2-24", 1, {"jaw": "lower", "table2_row": 24})]
    if g.rng.random() < 0.5:
        lines.append(("T2-6", 1, {"table2_row": 6}))
    return {"diagnosis": "پیشگیری از پوسیدگی", "lines": lines}


_S = _Scn
_GP = (("general_practitioner", 30),)
_SCENARIOS: dict[str, tuple[_Scn, ...]] = {
    "radiography": (
        _S("kub", 10, _b_kub, (("urology", 4), ("internal_medicine", 3), ("general_practitioner", 4),
                               ("nephrology", 1), ("emergency_medicine", 1)), age=(2, 90)),
    ),
    "densitometry": (
        _S("bmd", 9, _b_bmd, (("internal_medicine", 3), ("rheumatology", 3), ("orthopedics", 2),
                              ("obstetrics_gynecology", 2), ("endocrinology", 2)), sex="F", age=(48, 85),
           once=True, needs_condition=True),
        _S("bmd_m", 2, _b_bmd, (("internal_medicine", 2), ("rheumatology", 2), ("endocrinology", 1)), sex="M",
           age=(55, 85), once=True, needs_condition=True),
        _S("bmd_child", 1, _b_bmd_child, (("pediatrics", 1), ("pediatric_hematology_oncology", 2)), age=(6, 16),
           once=True, needs_condition=True),
    ),
    "ultrasound": (
        _S("us_abdomen", 14, _b_us_abdomen, (("internal_medicine", 4), ("general_practitioner", 5),
                                             ("gastroenterology", 2), ("general_surgery", 2), ("urology", 1),
                                             ("pediatrics", 1)), age=(0, 90)),
        _S("us_pelvis_f", 6, _b_us_pelvis_f, (("obstetrics_gynecology", 6), ("general_practitioner", 2)),
           sex="F", age=(14, 75)),
        _S("us_pelvis_m", 3, _b_us_pelvis_m, (("urology", 5), ("general_practitioner", 2),
                                              ("internal_medicine", 1)), sex="M", age=(40, 90)),
        _S("us_thyroid", 5, _b_us_thyroid, (("endocrinology", 3), ("internal_medicine", 3), ("ent", 1),
                                            ("general_practitioner", 2)), age=(15, 85)),
        _S("us_breast", 4, _b_us_breast, (("general_surgery", 4), ("obstetrics_gynecology", 3),
                                          ("general_practitioner", 1)), sex="F", age=(20, 80)),
        _S("us_preg", 10, _b_us_preg, (("obstetrics_gynecology", 10), ("general_practitioner", 1)), sex="F",
           age=(18, 42), once=True),
        _S("doppler_neck", 2, _b_doppler_neck, (("neurology", 4), ("cardiology", 2), ("vascular_surgery", 1),
                                                ("internal_medicine", 1)), age=(40, 90), once=True),
        _S("tcd", 1, _b_tcd, (("neurology", 4), ("neurosurgery", 1)), age=(35, 90), once=True),
    ),
    "nuclear_medicine": (
        _S("thyroid_scan", 8, _b_thyroid_scan, (("endocrinology", 4), ("internal_medicine", 3), ("ent", 1)),
           age=(12, 90)),
    ),
    "ct": (
        _S("ct_abd", 6, _b_ct_abd, (("general_surgery", 3), ("internal_medicine", 2), ("gastroenterology", 2),
                                    ("hematology_oncology", 2), ("urology", 1)), age=(15, 90)),
        _S("ct_triphasic", 2, _b_ct_triphasic, (("gastroenterology", 3), ("general_surgery", 1),
                                                ("hematology_oncology", 1)), age=(20, 90)),
    ),
    "laboratory": (
        _S("thyroid", 12, _b_lab_thyroid, (("endocrinology", 2), ("internal_medicine", 3),
                                           ("general_practitioner", 6)), age=(5, 90)),
        _S("fertility", 4, _b_lab_fertility, (("obstetrics_gynecology", 5), ("general_practitioner", 1)),
           sex="F", age=(18, 45)),
        _S("prolactin", 2, _b_lab_prolactin, (("obstetrics_gynecology", 3), ("endocrinology", 1)), sex="F",
           age=(16, 45)),
        _S("hcg", 4, _b_lab_hcg, (("obstetrics_gynecology", 3), ("general_practitioner", 3), ("midwife", 1)),
           sex="F", age=(16, 45)),
        _S("psa", 4, _b_lab_psa, (("urology", 4), ("internal_medicine", 1), ("general_practitioner", 2)),
           sex="M", age=(45, 90)),
        _S("lipid", 10, _b_lab_lipid, (("internal_medicine", 4), ("cardiology", 3), ("general_practitioner", 6)),
           age=(25, 90)),
        _S("gtt", 2, _b_lab_gtt, (("obstetrics_gynecology", 4), ("midwife", 1)), sex="F", age=(18, 42), once=True),
        _S("ferritin", 6, _b_lab_ferritin, (("internal_medicine", 3), ("general_practitioner", 4),
                                            ("dermatology", 1), ("pediatrics", 1)), age=(1, 90)),
        _S("tumour", 2, _b_lab_tumour, (("hematology_oncology", 3), ("gastroenterology", 2),
                                        ("general_surgery", 1)), age=(35, 90)),
        _S("pap", 3, _b_lab_pap, (("obstetrics_gynecology", 1),), sex="F", age=(21, 65),
           once=True),
        _S("child_thyroid", 1, _b_lab_child_thyroid, (("pediatrics", 3), ("endocrinology", 1)), age=(0, 4)),
        _S("hcv_pcr", 1, _b_lab_hcv_pcr, (("gastroenterology", 3), ("infectious_disease", 2)), age=(18, 80),
           once=True),
    ),
    "physiotherapy": (
        _S("physio", 1, _b_physio, (("orthopedics", 6), ("physical_medicine", 4), ("neurology", 2),
                                    ("neurosurgery", 2), ("rheumatology", 1)), age=(8, 90), once=True),
    ),
    "office": (
        _S("visit", 7, _b_visit, ()),
        _S("service", 3, _b_office_service, ()),
    ),
    "dentist": (
        _S("extract_perm", 8, _b_den_extract_perm, (), age=(13, 90)),
        _S("extract_prim", 4, _b_den_extract_prim, (), age=(4, 11)),
        _S("restore6", 5, _b_den_restore6, (), age=(6, 14)),
        _S("sealant", 3, _b_den_sealant, (), age=(6, 12), once=True),
        _S("scaling", 5, _b_den_scaling, (), age=(6, 90), once=True),
        _S("varnish", 3, _b_den_varnish, (), age=(2, 14), once=True),
    ),
}
_KIND_GROUPS = {
    "radiology": ("radiography", "densitometry", "ultrasound"), "ultrasound": ("ultrasound",), "ct": ("ct",),
    "nuclear_medicine": ("nuclear_medicine", "densitometry"),
    "laboratory": ("laboratory",), "physiotherapy": ("physiotherapy",), "physician_office": ("office",),
    "clinic": ("office",), "hospital": ("office",), "dentist": ("dentist",),
}
_TD_SPECIALTY = {"laboratory": "pathology", "radiology": "radiology", "ultrasound": "radiology", "ct": "radiology",
                 "nuclear_medicine": "nuclear_medicine",
                 "mri": "radiology", "physiotherapy": "physical_medicine", "dentist": "dentist",
                 "clinic": "internal_medicine", "hospital": "general_surgery"}
_OFFICE_SPECIALTIES = (("general_practitioner", 6), ("internal_medicine", 3), ("cardiology", 2), ("neurology", 1),
                       ("ent", 1), ("obstetrics_gynecology", 2), ("dermatology", 1), ("orthopedics", 1),
                       ("pulmonology", 1))
_CONDITIONS_F = ("long_term_corticosteroid", "early_menopause_before_40", "rheumatoid_arthritis", "hyperthyroidism",
                 "diabetes", "pathologic_fracture_history")
_CONDITIONS_M = ("long_term_corticosteroid", "rheumatoid_arthritis", "diabetes", "pathologic_fracture_history")
_ROLE = {"midwife": "midwife", "physiotherapist": "physiotherapist", "dental_hygienist": "dental_hygienist"}


# --------------------------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------------------------

class _Generator:
    """One provider with its prescribers and insured population; `batch()` makes one month of its documents."""

    def __init__(self, *, seed: int, kind: str, fund: str, prices: Mapping[str, int] | None, pool_size: int,
                 level: Mapping[str, str] | None = None):
        if kind not in KINDS:
            raise ValueError(f"provider kind {kind!r} is not one the generator supports ({', '.join(KINDS)})")
        if fund not in ("civil_servants", "iranians", "other_groups", "rural"):
            raise ValueError(f"fund {fund!r} is not a claim-batch/1 fund")
        self.seed, self.kind, self.fund = seed, kind, fund
        self.prices = dict(prices) if prices is not None else _sample_prices()
        self.level = dict(level or _SPECIALTY_LEVEL)
        self.pool_rng = random.Random(f"rasidegi-synth:{seed}:{kind}:{fund}:pool")
        self.used: dict[str, set] = {}          # national id → scenario names used (frequency-limited ones)
        self._council: set = set()
        self._make_provider()
        self.prescribers: dict[str, list[dict]] = {}
        self._make_insured(pool_size)

    # --- provider, people -------------------------------------------------------------------------------------------
    def _person_name(self, rng, sex=None) -> str:
        sex = sex or _ch(rng, "MF")
        return f"{_ch(rng, _MALE if sex == 'M' else _FEMALE)} {_ch(rng, _FAMILY)}"

    def _council_no(self, rng, prefix="") -> str:
        while True:
            c = prefix + str(_ri(rng, 10000, 199999))
            if c not in self._council:
                self._council.add(c)
                return c

    def _make_provider(self) -> None:
        rng, kind = self.pool_rng, self.kind
        city, province, self.nid_prefix = _ch(rng, _CITIES)
        sector = _pick(rng, (("private", 70), ("government_university", 15), ("government_other", 5),
                             ("charity", 10)))
        if kind in ("physician_office", "dentist"):
            td_spec = "dentist" if kind == "dentist" else _pick(rng, _OFFICE_SPECIALTIES)
            sector = "private"
        else:
            td_spec = _TD_SPECIALTY[kind]
        td_name = "دکتر " + self._person_name(rng)
        td = {"council_no": self._council_no(rng), "name": td_name, "specialty": td_spec}
        if kind == "physician_office":
            name = f"مطب {td_name}"
        elif kind == "dentist":
            name = f"مطب دندانپزشکی {td_name}"
        else:
            name = f"{_KIND_TITLE[kind]} {_ch(rng, _CENTRE_NAMES)}"
        contract = {"from": f"{_ri(rng, 1390, 1402)}/{_ri(rng, 1, 12):02d}/01", "to": "1405/12/29",
                    "rural": self.fund == "rural" or sector != "private" or rng.random() < 0.45,
                    "suspensions": []}
        if rng.random() < 0.1:
            contract["suspensions"] = [{"from": "1403/05/01", "to": "1403/05/31"}]
        p = {"code": f"PRV-{_ri(rng, 1000, 9999)}", "name": name, "kind": kind, "sector": sector, "city": city,
             "province": province, "technical_director": td, "contract": contract}
        if kind == "ct":
            p["equipment"] = [_ch(rng, ("msct_16", "msct_64", "msct_128"))]
        if kind == "hospital":
            p["accreditation"] = {"hospital": _ch(rng, ("1", "1", "2", "1_plus")), "wards": {}}
            p["teaching"] = sector == "government_university"
            p["deprivation_grade"] = None
            p["icu"] = {"beds": _ch(rng, (6, 8, 12)), "in_house_physician": True}
        elif kind in _PARACLINIC:
            p["hospital_based"] = False
        if kind == "nuclear_medicine":      # densitometry is billed under a radiology chapter: no services list
            p["licence"] = {"to": "1406/12/29"}
        elif kind in _IMAGING:
            p["licence"] = {"to": "1406/12/29",
                            "services": {"radiology": ["radiography", "ultrasound"], "ultrasound": ["ultrasound"],
                                         "ct": ["ct"]}[kind]}
        self.provider = p
        self.td = td
        self.office_specialty = td_spec if kind == "physician_office" else None

    def prescriber(self, rng, specialty: str) -> dict:
        pool = self.prescribers.get(specialty)
        if pool is None:
            pool = self.prescribers[specialty] = []
        cap = 2 + self.pool_size // 120
        if len(pool) < cap and (not pool or rng.random() < 0.35):
            role = _ROLE.get(specialty) or ("dentist" if specialty.startswith("dentist") else "physician")
            prefix = "م-" if role == "midwife" else ""
            name = self._person_name(rng) if role == "midwife" else "دکتر " + self._person_name(rng)
            pr = {"council_no": self._council_no(rng, prefix), "name": name, "specialty": specialty, "role": role}
            if role == "physician" and rng.random() < 0.2:
                pr.update({"resident_year": None, "full_time_faculty": False})
            pool.append(pr)
            return pr
        return _ch(rng, pool)

    def _make_insured(self, n: int) -> None:
        rng = self.pool_rng
        self.pool_size = n
        seen = set()
        people = []
        ages = (list(range(0, 15)) * 2 + list(range(15, 45)) * 3 + list(range(45, 70)) * 3 + list(range(70, 90)))
        for _ in range(n):
            while True:
                nid = make_national_id(rng, self.nid_prefix if rng.random() < 0.7 else "")
                if nid not in seen:
                    seen.add(nid)
                    break
            sex = _ch(rng, "MF")
            age = _ch(rng, ages)
            by = 1403 - age          # born by 1403/12/29: anchored, so the same seed gives the same people any month
            ins = {"national_id": nid, "name": self._person_name(rng, sex), "sex": sex,
                   "birth_date": f"{by:04d}/{_ri(rng, 1, 12):02d}/{_ri(rng, 1, 29):02d}",
                   "insurance_no": nid if rng.random() < 0.8 else str(_ri(rng, 10 ** 11, 10 ** 12 - 1)),
                   "fund": self.fund}
            if self.fund == "rural":
                ins["referral_required"] = True
            elif rng.random() < 0.05:
                ins["referral_required"] = rng.random() < 0.3
            if rng.random() < 0.03:
                ins["special_patient"] = True
            if sex == "F" and age >= 48:
                ins["menopausal"] = True
            if age >= 48 and rng.random() < 0.35:
                ins["conditions"] = [_ch(rng, _CONDITIONS_F if sex == "F" else _CONDITIONS_M)]
            elif 6 <= age <= 16 and rng.random() < 0.05:
                ins["conditions"] = ["thalassemia_major"]
            people.append(ins)
        self.insured = people
        # Zipf-like visit propensity: a few insured come back often, most come once.
        weights = [1.0 / (1 + (i % 97) * 0.35) for i in range(n)]
        self.insured_cum = list(itertools.accumulate(weights))

    # --- dates ------------------------------------------------------------------------------------------------------
    def _calendar(self, period: JMonth) -> None:
        first = (period - 2).first_day()
        last = (period + 1).last_day()
        self.days = [str(JDate.from_ordinal(o)) for o in range(first.ordinal, last.ordinal + 1)]
        self.day_index = {d: i for i, d in enumerate(self.days)}
        self.i_prev = self.day_index[str((period - 1).first_day())]
        self.i_first = self.day_index[str(period.first_day())]
        self.i_last = self.day_index[str(period.last_day())]
        self.i_next = self.i_last + 1

    def session_days(self, n: int) -> list[str]:
        """n distinct session dates inside the period, mostly on consecutive working days."""
        span = self.i_last - self.i_first + 1
        n = min(n, span)
        start = self.i_first + _ri(self.rng, 0, max(0, span - n - (n // 3)))
        out, i = [], start
        while len(out) < n and i <= self.i_last:
            if self.rng.random() < 0.85 or (self.i_last - i) < (n - len(out)):
                out.append(self.days[i])
            i += 1
        while len(out) < n:                     # unreachable in practice; keeps n exact
            out.append(self.days[self.i_first + len(out)])
        return out

    # --- one month --------------------------------------------------------------------------------------------------
    def batch(self, *, period: str, n_prescriptions: int, error_rate: float, n_bills: int,
              submitted_on: str | None = None) -> tuple[dict, dict]:
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        if n_prescriptions < 0 or n_bills < 0:
            raise ValueError("counts must not be negative")
        P = parse_month(period)
        self.period = P
        self._calendar(P)
        self.rng = rng = random.Random(f"rasidegi-synth:{self.seed}:{self.kind}:{self.fund}:{P}")
        key = {"prescriptions": {}, "bills": {}}
        docs = []
        groups = _KIND_GROUPS[self.kind]
        scenarios = [s for grp in groups for s in _SCENARIOS[grp]]
        fit_cache: dict = {}
        busy: set = set()
        if all(sc.once for sc in scenarios):        # one document a month per patient (physiotherapy)
            picks = rng.sample(range(len(self.insured)), min(n_prescriptions, len(self.insured)))
            picks += picks[:n_prescriptions - len(picks)]
        else:                                       # some patients come back several times in the month
            picks = rng.choices(range(len(self.insured)), cum_weights=self.insured_cum, k=n_prescriptions)
        first_day = str(P.first_day())
        n_ins = len(self.insured)
        for seq, idx in enumerate(picks, start=1):
            for step in range(min(n_ins, 1000)):
                ins = self.insured[(idx + step) % n_ins]
                if ins["birth_date"] >= first_day:       # (periods before 1404 only) not yet born
                    continue
                doc, errs = self._document(seq, ins, scenarios, fit_cache, busy, error_rate)
                if doc is not None:
                    break
            else:
                raise ValueError(f"no insured of the pool fits a {self.kind} service any more: "
                                 "ask for fewer prescriptions or a larger pool")
            docs.append(doc)
            if errs:
                key["prescriptions"][str(seq)] = errs
        bills = []
        if n_bills:
            from_bills = _Bills(self)
            for seq in range(1, n_bills + 1):
                ins = self.insured[rng.choices(range(len(self.insured)), cum_weights=self.insured_cum)[0]]
                bill, errs = from_bills.bill(seq, ins, error_rate)
                bills.append(bill)
                if errs:
                    key["bills"][str(seq)] = errs
        if submitted_on is None:
            submitted_on = self.days[self.i_next + rng.randint(3, 12)]
        batch = {
            "format": "claim-batch/1",
            "batch": {
                "id": f"{self.provider['code']}/{P.year:04d}-{P.month:02d}/{self.fund}",
                "period": str(P),
                "fund": self.fund,
                "submitted_on": submitted_on,
                "provider": json.loads(json.dumps(self.provider)),
                "declared": _declared(docs, bills),
            },
            "prescriptions": docs,
            "bills": bills,
        }
        if rng.random() < 0.3:
            batch["batch"]["software"] = {"name": "نرم" + ZWNJ + "افزار نسخه" + ZWNJ + "پیچ", "version": "3.2.1"}
        return batch, key

    def _fits(self, scenarios, fit_cache, ins, age):
        k = (ins["sex"], age, bool(ins.get("conditions")))
        got = fit_cache.get(k)
        if got is None:
            fits = [s for s in scenarios if s.fits(ins["sex"], age, k[2])]
            got = fit_cache[k] = (fits, [(s, s.weight) for s in fits])
        return got

    def _document(self, seq, ins0, scenarios, fit_cache, busy, error_rate):
        rng = self.rng
        P = self.period
        bd = ins0["birth_date"]
        age = P.year - int(bd[:4]) - (1 if (P.month, 1) < (int(bd[5:7]), int(bd[8:10])) else 0)
        fits, weighted = self._fits(scenarios, fit_cache, ins0, age)
        used = self.used.get(ins0["national_id"])
        if used:
            fits = [s for s in fits if not (s.once and s.name in used)]
            weighted = [(s, s.weight) for s in fits]
        if not fits:          # no service of this provider fits this person (age, sex, once-only used): next one
            return None, None
        scn = _pick(rng, weighted)
        if scn.once:
            self.used.setdefault(ins0["national_id"], set()).add(scn.name)
        ins = dict(ins0)
        # prescriber
        if self.kind == "physician_office":
            spec = self.office_specialty
            prescriber = dict(self.td)
            prescriber["role"] = "physician"
        elif self.kind == "dentist":
            spec = "dentist"
            prescriber = dict(self.td)
            prescriber["role"] = "dentist"
        elif _is_office(scn):
            spec = _pick(rng, [(s, w) for s, w in _OFFICE_SPECIALTIES])
            prescriber = dict(self.prescriber(rng, spec))
        else:
            spec = _pick(rng, scn.specialties)
            prescriber = dict(self.prescriber(rng, spec))
        self.current_specialty = spec
        if scn.build is _b_office_service and spec not in _OFFICE_SERVICES:
            scn = next(s for s in _SCENARIOS["office"] if s.name == "visit")
        spec_d = scn.build(self, ins, age)
        # dates
        if "served_on_index" in spec_d:
            si = spec_d["served_on_index"]
        else:
            si = _ri(rng, self.i_first, self.i_last)
            tries = 0
            while (ins["national_id"], si) in busy and tries < 5:
                si = _ri(rng, self.i_first, self.i_last)
                tries += 1
        busy.add((ins["national_id"], si))
        if self.kind in ("physician_office", "dentist") or spec_d.get("visit"):
            pi = si if rng.random() < 0.9 else max(self.i_first, si - _ri(rng, 0, 3))
        elif spec_d.get("physio"):
            first_session = self.day_index[spec_d["lines"][0][2]["sessions"][0]]
            pi = max(self.i_prev, first_session - _ri(rng, 1, 20))
        else:
            lag = int(rng.expovariate(1 / 7.0))
            pi = max(self.i_prev, si - min(lag, 45))
        doc = {"seq": seq, "insured": ins, "prescriber": prescriber, "prescribed_on": self.days[pi],
               "served_on": self.days[si], "diagnosis": spec_d["diagnosis"]}
        # sheet and paper
        sheet = spec_d.get("sheet")
        if sheet is None and self.kind in _PARACLINIC:
            sheet = "first" if rng.random() < 0.7 else ("electronic" if rng.random() < 0.1 else None)
        if sheet:
            doc["sheet"] = sheet
        if rng.random() < 0.4:
            doc["paper"] = {"signature": "original", "council_stamp": True,
                            "erasure": "certified" if rng.random() < 0.05 else "none", "handwritings": 1,
                            "provider_stamp": True, "director_signed": True}
        if ins.get("referral_required"):
            doc["referral"] = {"code": f"R{_ri(rng, 10 ** 7, 10 ** 8 - 1)}",
                               "from_council_no": None, "names_provider": None}
        high = spec_d.get("high_cost")
        if high:
            if rng.random() < 0.85:
                doc["tracking_code"] = str(_ri(rng, 10 ** 9, 10 ** 10 - 1))
        if spec_d.get("approval"):
            doc["approval"] = {"by": "اداره کل بیمه سلامت استان", "on": self.days[min(si, pi + _ri(rng, 0, 4))],
                               "kind": "office", "ref": f"APR-{P.year}-{_ri(rng, 1000, 9999)}"}
        elif rng.random() < 0.08:
            doc["approval"] = None
        att = spec_d.get("attachments")
        if att is None and high:
            att = ["report"] if rng.random() < 0.8 else None
        if att is not None:
            doc["attachments"] = list(att)
        for k in ("pregnancy", "sessions_ordered", "treatment_plan_by"):
            if k in spec_d:
                doc[k] = spec_d[k]
        if spec_d.get("physio"):
            doc["place_of_service"] = "centre"
            doc.setdefault("paper", {})["physio_diagnosis"] = True
        if spec_d.get("performer_td"):
            doc["performer"] = {"council_no": self.td["council_no"], "name": self.td["name"],
                                "specialty": self.td["specialty"], "role": "physician"}
        if self.kind == "clinic" or self.kind == "hospital":
            doc.setdefault("paper", {})["center_stamp"] = True
        doc["items"] = [self._item(i, code, qty, details) for i, (code, qty, details) in
                        enumerate(spec_d["lines"], start=1)]
        want_declared = rng.random() < 0.06
        # deliberate defect
        errs: list[str] = []
        if error_rate and rng.random() < error_rate:
            errs = self._inject(doc, spec, scn, spec_d, age)
        if want_declared:                           # the amounts written on the prescription, as filed
            doc["declared"] = _declared_doc(doc["items"])
        # harmless noise
        r = rng.random()
        if r < 0.03:
            for k in ("prescribed_on", "served_on"):
                if doc.get(k):
                    doc[k] = doc[k].translate(_FA_DIGITS)
        elif r < 0.07:
            ins["name"] = ins["name"].translate(_ARABIC)
            if doc.get("diagnosis"):
                doc["diagnosis"] = doc["diagnosis"].translate(_ARABIC)
        elif r < 0.08:
            doc["his_ref"] = f"HIS-{_ri(rng, 10 ** 6, 10 ** 7 - 1)}"
            doc["items"][0]["x_device"] = rng.choice(("SONO-A", "LAB-7", "DR-2"))
        return doc, errs

    def _price(self, code) -> int:
        unit = self.prices.get(code)
        if unit is None:
            raise KeyError(f"no price for code {code!r}: pass `prices` that cover it")
        return unit

    def _item(self, line, code, qty, details):
        unit = self._price(code)
        if code.startswith("T2-"):
            desc = TABLE2_K[int(code[3:])][0]
        else:
            desc = SAMPLE_RVU[code][0]
        return {"line": line, "code": code, "description": desc, "qty": qty, "requested": _split(unit * qty),
                "details": dict(details)}

    # --- defects ----------------------------------------------------------------------------------------------------
    def _errors_for(self, doc, spec_d) -> list[tuple[str, int]]:
        kind = self.kind
        e = [("GEN-5", 10), ("GEN-2-N2", 6), ("GEN-2", 4), ("GEN-8", 6), ("GEN-8-N2", 5), ("GEN-15-N2", 10),
             ("GEN-7-N1", 5), ("GEN-8-N3", 2), ("GEN-17", 3), ("GEN-14", 2)]
        if not self.provider["contract"]["rural"] and self.fund != "rural":
            e.append(("GEN-20-N2", 4))
        if kind in _PARACLINIC:
            e += [("GEN-8-N1", 4), ("GEN-9", 3), ("GEN-7", 4)]
            if spec_d.get("high_cost"):
                e += [("GEN-19", 10), ("GEN-13", 8)]
                if doc.get("tracking_code"):
                    e.append(("GEN-29-N1", 6))
        if kind in _IMAGING:
            e += [("GEN-12", 8), ("US-17", 3)]
        codes = [it["code"] for it in doc["items"]]
        if "701736" in codes and "pregnancy" in doc:
            e.append(("US-3", 12))
        if "701740" in codes:
            e.append(("US-16-6", 12))
        if "700920" in codes:
            e.append(("BMD-12", 6))
        if kind == "ct":
            e.append(("CT-2", 8))
        if kind == "laboratory":
            if "800005" in codes and doc["insured"]["sex"] == "F":
                e.append(("GEN-16-N2", 3))
            if "801590" in codes:
                e.append(("LAB-4-7", 10))
            if "805079" in codes:
                e.append(("LAB-7-1", 12))
            if "800015" in codes:
                e.append(("LAB-3", 10))
        if kind == "physiotherapy":
            e += [("PT-10", 6), ("PT-3", 5), ("PT-4", 4), ("PT-9", 5), ("PT-11", 3)]
            if "901646" not in codes:
                e.append(("PT-15-N2", 4))
        if kind in ("physician_office", "clinic", "hospital"):
            e += [("MD-ADJ-1", 3), ("MD-ADJ-5", 3)]
            if kind != "hospital":                  # the sheet rule of physicians' offices and clinics
                e.append(("GEN-8-N1", 4))
            if spec_d.get("visit") and self.current_specialty in _OFFICE_SERVICES:
                e.append(("MD-8", 8))
        if kind == "dentist":
            e += [("DEN-11", 6)]
            if codes[0].startswith("T2-") and 29 <= int(codes[0][3:]) <= 60:
                e.append(("DEN-2", 8))
        return e

    def _inject(self, doc, spec, scn, spec_d, age) -> list[str]:
        rng = self.rng
        choices = self._errors_for(doc, spec_d)
        eid = _pick(rng, choices)
        ids = getattr(self, "_e_" + eid.replace("-", "_"))(doc, spec_d, age)
        return list(ids) if ids else [eid]      # a defect may trigger more than one clause: all are listed

    def _paper(self, doc) -> dict:
        return doc.setdefault("paper", {})

    def _e_GEN_5(self, doc, s, age):
        doc["prescribed_on"] = None
        doc.pop("approval", None)

    def _e_GEN_2_N2(self, doc, s, age):
        self._paper(doc)["signature"] = "stamp"

    def _e_GEN_2(self, doc, s, age):
        self._paper(doc)["erasure"] = "uncertified"

    def _e_GEN_8(self, doc, s, age):
        if self.rng.random() < 0.5:
            self._paper(doc)["handwritings"] = 2
        else:
            doc["sheet"] = self.rng.choice(("copy", "carbon", "patient_copy"))

    def _e_GEN_8_N1(self, doc, s, age):
        if self.kind in _PARACLINIC:
            doc["sheet"] = "second"                 # the physician's sheet sent by a paraclinic
        elif s.get("visit"):
            doc["sheet"] = "first"                  # the pharmacy/paraclinic sheet sent for a visit
        else:
            doc["sheet"] = "single"                 # a single sheet for physician services

    def _e_GEN_8_N2(self, doc, s, age):
        doc["insured"]["insurer"] = self.rng.choice(("social_security", "armed_forces_medical_services"))
        doc["insured"]["fund"] = None

    def _e_GEN_8_N3(self, doc, s, age):
        self._paper(doc)["provider_stamp_code"] = f"PRV-{self.rng.randint(1000, 9999)}"
        if self._paper(doc)["provider_stamp_code"] == self.provider["code"]:
            self._paper(doc)["provider_stamp_code"] = "PRV-0001"

    def _e_GEN_17(self, doc, s, age):
        self._paper(doc)["provider_stamp"] = False

    def _e_GEN_14(self, doc, s, age):
        doc["purpose"] = "screening"
        doc["diagnosis"] = "چکاپ سالانه"

    def _e_GEN_15_N2(self, doc, s, age):
        it = self.rng.choice(doc["items"])
        total = it["requested"]["total"]
        it["requested"] = _split(int(math.ceil(total * self.rng.uniform(1.15, 1.6) / 1000.0)) * 1000)

    def _e_GEN_7_N1(self, doc, s, age):
        si = self.rng.randint(self.i_prev, self.i_first - 1)          # served in the previous month
        doc["served_on"] = self.days[si]
        if doc.get("prescribed_on"):
            doc["prescribed_on"] = self.days[max(0, si - self.rng.randint(0, 6))]
        if doc.get("approval"):
            doc["approval"]["on"] = doc["served_on"]
        for it in doc["items"]:
            if "sessions" in it["details"]:
                it["details"]["sessions"] = [self.days[si]]
                it["qty"] = 1
                unit = self._price(it["code"])
                it["requested"] = _split(unit)

    def _e_GEN_7(self, doc, s, age):
        doc["prescribed_on"] = self.days[self.rng.randint(0, self.i_prev - 1)]     # two months before the period
        doc.pop("approval", None)

    def _e_GEN_9(self, doc, s, age):
        doc["prescriber"] = {"council_no": self.td["council_no"], "name": self.td["name"],
                             "specialty": self.td["specialty"], "role": "physician"}

    def _e_GEN_12(self, doc, s, age):
        doc["diagnosis"] = self.rng.choice((None, ""))
        doc.pop("approval", None)

    def _e_GEN_13(self, doc, s, age):
        doc["prescriber"] = dict(self.prescriber(self.rng, "general_practitioner"))
        self._paper(doc)["emergency_stamp"] = False
        ids = ["GEN-13"]
        if self.kind == "ct":
            ids.append("CT-2")                      # a CT request by a non-specialist
        if any(it["code"] == "805079" for it in doc["items"]):
            ids.append("LAB-7-3")                   # quantitative PCR by a non-specialist
        return ids

    def _e_GEN_19(self, doc, s, age):
        doc["attachments"] = []

    def _e_GEN_20_N2(self, doc, s, age):
        doc["insured"]["fund"] = "rural"
        doc["insured"]["referral_required"] = True
        doc["referral"] = {"code": f"R{self.rng.randint(10 ** 7, 10 ** 8 - 1)}", "from_council_no": None,
                           "names_provider": None}
        return ["GEN-20-N2", "GEN-20-N1"]          # also a fund other than the batch's (review)

    def _e_GEN_29_N1(self, doc, s, age):
        doc["tracking_code"] = None
        if any(it["code"] in ("700920", "700925") for it in doc["items"]):
            return ["BMD-14"]                       # densitometry: the portal registration (review)
        return ["GEN-29-N1"]                        # fires for the codes of params.online_approval_codes

    def _e_US_3(self, doc, s, age):
        it = self._item(len(doc["items"]) + 1, "701715", 1, {"region": "pelvis"})
        doc["items"].append(it)

    def _e_US_16_6(self, doc, s, age):
        doc["items"].append(self._item(len(doc["items"]) + 1, "701865", 1, {"region": "brain"}))

    def _e_US_17(self, doc, s, age):
        doc["prescriber"] = dict(self.prescriber(self.rng, "midwife"))
        return ["US-17", "CT-2"] if self.kind == "ct" else ["US-17"]

    def _e_BMD_12(self, doc, s, age):
        it = doc["items"][0]
        new = self._item(1, "700925", 1, {"technique": "dexa", "indication": it["details"].get("indication")})
        doc["items"][0] = new

    def _e_CT_2(self, doc, s, age):
        doc["diagnosis"] = None
        return ["CT-2", "GEN-12"]                   # no diagnosis on a CT request: both clauses

    def _e_GEN_16_N2(self, doc, s, age):
        doc["items"].append(self._item(len(doc["items"]) + 1, "801820", 1,
                                       {"test": "PSA", "sample": "blood", "method": "quantitative"}))

    def _e_LAB_4_7(self, doc, s, age):
        doc["items"].append(self._item(len(doc["items"]) + 1, "802875", 1, {"test": "Urine pregnancy test",
                                                                            "sample": "urine",
                                                                            "method": "qualitative"}))

    def _e_LAB_7_1(self, doc, s, age):
        doc["approval"] = None

    def _e_LAB_3(self, doc, s, age):
        for i, it in enumerate(doc["items"]):
            if it["code"] == "800015":
                doc["items"][i] = self._item(it["line"], "800005", 1, it["details"])

    def _e_PT_10(self, doc, s, age):
        doc["prescriber"] = dict(self.prescriber(self.rng, "general_practitioner"))

    def _e_PT_3(self, doc, s, age):
        doc["sessions_ordered"] = None

    def _e_PT_4(self, doc, s, age):
        n = 18
        sessions = self.session_days(n)
        doc["sessions_ordered"] = 20
        for it in doc["items"]:
            if it["code"] in ("901645", "901646"):
                it["details"]["sessions"] = list(sessions)
                it["qty"] = len(sessions)
                it["requested"] = _split(self._price(it["code"]) * len(sessions))
        doc["served_on"] = sessions[-1]
        first = self.day_index[sessions[0]]
        doc["prescribed_on"] = self.days[max(self.i_prev, first - 3)]

    def _e_PT_9(self, doc, s, age):
        doc["attachments"] = []

    def _e_PT_11(self, doc, s, age):
        doc["place_of_service"] = "home"

    def _e_PT_15_N2(self, doc, s, age):
        main = doc["items"][0]
        mods = [m for m in main["details"]["modalities"] if m not in _DEEP_HEAT] or ["hot_pack"]
        main["details"]["modalities"] = mods
        n = main["qty"]
        doc["items"].append(self._item(len(doc["items"]) + 1, "901646", n,
                                       {"sessions": list(main["details"]["sessions"]), "modalities": []}))

    def _e_MD_8(self, doc, s, age):
        code, _dx = self.rng.choice(_OFFICE_SERVICES[self.current_specialty])
        doc["items"].append(self._item(len(doc["items"]) + 1, code, 1, _office_details(code)))
        doc["sheet"] = "first_and_second"

    def _e_MD_ADJ_1(self, doc, s, age):
        pr = doc["prescriber"]
        pr["national_id"] = doc["insured"]["national_id"]
        doc["insured"]["name"] = pr["name"].replace("دکتر ", "")

    def _e_MD_ADJ_5(self, doc, s, age):
        doc["purpose"] = "sick_leave_certificate"
        doc["diagnosis"] = "گواهی استعلاجی"

    def _e_DEN_11(self, doc, s, age):
        q = self.rng.choice("1234")
        t = self.rng.choice("457")
        # Table 2 has no row for a restoration of another tooth than 6: no code, `details.service` names it
        it = {"line": len(doc["items"]) + 1, "code": None, "description": "ترمیم دو سطحی آمالگام دندان " + t,
              "qty": 1, "requested": _split(self._price("T2-85")),
              "details": {"tooth": f"{q}{t}", "service": "restoration_amalgam"}}
        doc["items"].append(it)
        return ["DEN-11", "GEN-25"]                 # a line without a code is also not in the book

    def _e_DEN_2(self, doc, s, age):
        q = doc["items"][0]["details"]["tooth"][0]
        teeth = (8, 7, 5, 3)
        doc["items"] = [self._item(i, f"T2-{_PERM_BASE[q] + t - 1}", 1,
                                   {"tooth": f"{q}{t}", "table2_row": _PERM_BASE[q] + t - 1})
                        for i, t in enumerate(teeth, start=1)]


def _is_office(scn) -> bool:
    return scn.build in (_b_visit, _b_office_service)


def _load_levels() -> dict[str, str]:
    # The specialty levels of shared/spec/specialties.csv the generator needs (subspecialist → 970010 visits).
    sub = ("rheumatology", "gastroenterology", "nephrology", "endocrinology", "hematology_oncology", "pulmonology",
           "interventional_cardiology", "thoracic_surgery", "vascular_surgery", "cardiac_surgery",
           "pediatric_surgery", "neonatology", "pediatric_cardiology", "pediatric_infectious",
           "pediatric_pulmonology", "pediatric_neurology", "critical_care", "interventional_radiology",
           "pediatric_hematology_oncology")
    return {s: "subspecialist" for s in sub}


_SPECIALTY_LEVEL = _load_levels()


def _declared_doc(items) -> dict:
    tot = ins = org = 0
    for it in items:
        r = it.get("requested")
        if r:
            tot += r["total"]
            ins += r["insured"]
            org += r["org"]
    return {"total": tot, "insured_share": ins, "org_share": org}


def _declared(docs, bills) -> dict:
    tot = ins = org = 0
    for d in docs:
        for it in d["items"]:
            r = it.get("requested")
            if r:
                tot += r["total"]
                ins += r["insured"]
                org += r["org"]
    for b in bills:
        t = _bill_requested(b)
        i = (t + 5) // 10
        tot += t
        ins += i
        org += t - i
    return {"count": len(docs) + len(bills), "total": tot, "insured_share": ins, "org_share": org}


def _bill_requested(b) -> int:
    t = sum(h.get("requested") or 0 for h in b["headings"].values())
    if b.get("global_package"):
        t += b["global_package"].get("requested") or 0
    return t


# --------------------------------------------------------------------------------------------------------------------
# Hospital bills
# --------------------------------------------------------------------------------------------------------------------

#: The shipped sample parameters' 1404 values the bills are priced with (rules/sample/params.yaml, government sector):
#: bed-day Rials by accreditation grade (general 3+-bed room, ICU), inpatient visit RVs by kind, consultation RV,
#: Rials per anaesthesia unit, global-package totals.  Sample values, not the official figures.
_BED_DAY = {"1_plus": {"general": 21_000_000, "icu": 63_000_000}, "1": {"general": 21_000_000, "icu": 63_000_000},
            "2": {"general": 18_900_000, "icu": 56_700_000}, "3": {"general": 16_800_000, "icu": 50_400_000}}
_VISIT_RVU = {"first_day": 2.0, "day2plus": 1.5, "discharge_day": 1.5}
_CONSULTATION_RVU = 2.5
_K_ANESTHESIA = 260_000
_PACKAGE_TOTAL = {"appendectomy": {"1_plus": 160_000_000, "1": 160_000_000, "2": 150_000_000, "3": 140_000_000},
                  "normal_delivery": {"any": 170_000_000}, "caesarean_section": {"any": 210_000_000}}
#: Anaesthesia base units of the bills' procedures (the tariff's column where it has one, else a sample value).
_ANES_BASE = {"100655": 3, "100160": 3, "202120": 3, "500955": 4}
_DRUGS = (("سفتریاکسون ۱ گرم ویال", 1_200_000), ("سرم نرمال سالین ۱ لیتر", 450_000), ("پنتوپرازول ۴۰ ویال", 900_000),
          ("هپارین ۵۰۰۰ واحد", 380_000), ("پاراستامول ۱ گرم انفوزیون", 650_000), ("مترونیدازول ۵۰۰ انفوزیون", 300_000),
          ("کتورولاک ۳۰ آمپول", 120_000), ("انوکساپارین ۴۰ سرنگ", 1_100_000))
#: Ward supplies the hospital may bill (the 6 % nursing amount covers syringes, gauze, cotton, … on the ward, INP-7-2);
#: operating-room consumables are billable (INP-7-3).
_WARD_SUPPLIES = (("آنژیوکت", "cannula", 70_000), ("ست سرم", "iv_set", 90_000), ("سوند فولی", "urinary_catheter", 160_000),
                  ("کیسه ادرار", "urine_bag", 60_000))
_OR_SUPPLIES = (("نخ بخیه نایلون", "suture", 260_000), ("گاز استریل", "gauze", 35_000),
                ("دستکش استریل", "gloves", 40_000), ("سرنگ ۱۰ سی" + ZWNJ + "سی", "syringe", 20_000))
#: (diagnosis, specialty, lab test code, sex, min age, max age)
_MEDICAL = (("پنومونی اکتسابی از جامعه", "internal_medicine", "801170", None, 18, 90),
            ("کتواسیدوز دیابتی", "internal_medicine", "800430", None, 15, 80),
            ("پیلونفریت حاد", "infectious_disease", "801170", "F", 16, 80),
            ("نارسایی حاد قلب", "cardiology", "800440", None, 45, 95))
#: (diagnosis, specialty, code, anaesthesia method or None (local), sex, min age, max age)
_SURGICAL = (("کیست پیلونیدال", "general_surgery", "100160", "general", None, 16, 45),
             ("توده پستان", "general_surgery", "100655", "general", "F", 25, 75),
             ("شکستگی تنه رادیوس", "orthopedics", "202120", "regional_brachial_plexus", None, 5, 80),
             ("فیموز", "urology", "500955", "general", "M", 1, 12),
             ("شالازیون", "ophthalmology", "602490", None, None, 5, 80))
#: (package, Persian name, diagnosis, specialty, stay days, sex, min age, max age)
_PACKAGES = (("appendectomy", "آپاندکتومی", "آپاندیسیت حاد", "general_surgery", 2, None, 8, 70),
             ("normal_delivery", "زایمان طبیعی", "زایمان ترم", "obstetrics_gynecology", 1, "F", 18, 42),
             ("caesarean_section", "سزارین", "سزارین تکراری", "obstetrics_gynecology", 2, "F", 18, 42))


def _fits_person(sex, lo, hi, ins_sex, age) -> bool:
    return (sex is None or sex == ins_sex) and lo <= age <= hi


class _Bills:
    """Hospital bills of one month: itemised medical stays, itemised operations, global packages.  Every heading of
    a clean bill asks what the manual's arithmetic gives with the sample parameters (bed-days × bed-day rate, 6 %
    nursing on the hoteling — on 70 % of it in ICU —, visit and consultation RVs × K, the surgeon's RV × K, 40 % of it
    for the operating room, anaesthesia units × K at or under the tariff), so only the deliberate defects stand out."""

    def __init__(self, g: _Generator):
        self.g = g
        self.rng = g.rng
        self.grade = (g.provider.get("accreditation") or {}).get("hospital") or "1"
        if self.grade not in _BED_DAY:
            self.grade = "3"

    def _dt(self, i: int, hh: int, mm: int = 0) -> str:
        return f"{self.g.days[i]} {hh:02d}:{mm:02d}"

    def _person(self, specialty) -> dict:
        return dict(self.g.prescriber(self.rng, specialty))

    def _line(self, name, qty, unit, **kw) -> dict:
        d = {"name": name, "qty": qty, "unit_price": unit, "requested": qty * unit, "ordered": True}
        d.update(kw)
        return d

    def bill(self, seq, ins0, error_rate):
        g, rng = self.g, self.rng
        ins = dict(ins0)
        bd = ins["birth_date"]
        age = g.period.year - int(bd[:4])
        kp = SAMPLE_K["professional"]
        options = [("medical", 5)]
        if any(_fits_person(x[4], x[5], x[6], ins["sex"], age) for x in _SURGICAL):
            options.append(("surgical", 3))
        if any(_fits_person(x[5], x[6], x[7], ins["sex"], age) for x in _PACKAGES):
            options.append(("package", 2))
        kind = _pick(rng, options)
        if kind == "medical":
            fitting = [x for x in _MEDICAL if _fits_person(x[3], x[4], x[5], ins["sex"], age)] or [_MEDICAL[0]]
            dx, spec, test_code = rng.choice(fitting)[:3]
            los = rng.randint(2, 6)
        elif kind == "surgical":
            dx, spec, code, method = rng.choice([x for x in _SURGICAL
                                                 if _fits_person(x[4], x[5], x[6], ins["sex"], age)])[:4]
            los = rng.randint(1, 2)
        else:
            pkg, pkg_fa, dx, spec, los = rng.choice([x for x in _PACKAGES
                                                     if _fits_person(x[5], x[6], x[7], ins["sex"], age)])[:5]
        a = rng.randint(g.i_first, g.i_last - los)
        d = a + los
        doctor = self._person(spec)
        bill: dict = {"seq": seq, "insured": ins,
                      "admission_order": {"prescriber": doctor, "diagnosis": dx, "on": g.days[a], "sheet": "second"},
                      "admitted_at": self._dt(a, rng.randint(7, 21), rng.choice((0, 15, 30, 45))),
                      "discharged_at": self._dt(d, rng.randint(9, 14), rng.choice((0, 30))),
                      "discharge": "physician_order", "leave_days": 0,
                      "emergency": kind == "medical" and rng.random() < 0.6,
                      "global_package": None, "accident": None}
        if kind == "package" and pkg == "normal_delivery":
            bill["delivery"] = "normal"
        elif kind == "package" and pkg == "caesarean_section":
            bill["delivery"] = "caesarean"
        headings: dict = {}
        procedures, anesthesia, consultations = [], [], []
        # stays: ICU first for some medical admissions; bed-days = discharge date - admission date (INP-6-2)
        rates = _BED_DAY[self.grade]
        if kind == "medical" and los >= 4 and rng.random() < 0.3:
            icu_days = rng.randint(1, 2)
            mid = self._dt(a + icu_days, 11)
            stays = [{"ward": "icu", "beds": 1, "from": bill["admitted_at"], "to": mid},
                     {"ward": "general", "beds": rng.choice((3, 4)), "from": mid, "to": bill["discharged_at"]}]
            hotel_general, hotel_icu = (los - icu_days) * rates["general"], icu_days * rates["icu"]
        else:
            stays = [{"ward": "general", "beds": rng.choice((3, 3, 4)), "from": bill["admitted_at"],
                      "to": bill["discharged_at"]}]
            hotel_general, hotel_icu = los * rates["general"], 0
        bill["stays"] = stays
        visits = []
        for i in range(a, d + 1):
            k = "first_day" if i == a else ("discharge_day" if i == d else "day2plus")
            visits.append({"on": g.days[i], "prescriber": doctor, "kind": k})
        bill["visits"] = visits
        attachments = ["drug_list", "lab_list", "insurance_card_copy"]
        if kind == "package":
            total = _PACKAGE_TOTAL[pkg].get(self.grade) or _PACKAGE_TOTAL[pkg].get("any") \
                or min(_PACKAGE_TOTAL[pkg].values())
            bill["global_package"] = {"name": pkg, "name_fa": pkg_fa, "code": None, "grade": self.grade,
                                      "requested": total}
            if pkg != "normal_delivery":
                procedures.append({"description": pkg_fa, "code": None, "on": g.days[a], "session": 1,
                                   "surgeon": doctor, "place": "operating_room", "global_package": True})
            attachments = ["operation_note", "insurance_card_copy"]
            drugs, lab = [], []
        else:
            headings["hoteling"] = {"requested": hotel_general + hotel_icu}
            headings["nursing"] = {"requested": _rial(0.06 * (hotel_general + 0.7 * hotel_icu))}
            headings["visits"] = {"requested": sum(_rial(_VISIT_RVU[v["kind"]] * kp) for v in visits)}
            if kind == "medical" and rng.random() < 0.4:
                consultations.append({"on": g.days[min(d, a + 1)], "prescriber": self._person("cardiology"),
                                      "requested_by_specialist": True, "answered": True, "invited": False})
                headings["consultations"] = {"requested": _rial(_CONSULTATION_RVU * kp)}
            if kind == "surgical":
                self._surgery(bill, headings, procedures, anesthesia, doctor, code, method, a if los == 1 else a + 1)
                attachments = (["operation_note", "anesthesia_sheet"] if method else ["operation_note"]) + attachments
            drugs = []
            for name, unit in rng.sample(_DRUGS, rng.randint(2, 5)):
                drugs.append(self._line(name, rng.randint(1, 3) * los, unit,
                                        irc=str(rng.randint(10 ** 15, 10 ** 16 - 1)), list="ward"))
            headings["drugs"] = {"requested": sum(x["requested"] for x in drugs), "lines": drugs}
            sup = [self._line(n, rng.randint(1, 3), u, category=c, list="ward")
                   for n, c, u in rng.sample(_WARD_SUPPLIES, rng.randint(1, 3))]
            if kind == "surgical":
                sup += [self._line(n, rng.randint(1, 4), u, category=c, list="operating_room")
                        for n, c, u in rng.sample(_OR_SUPPLIES, rng.randint(2, 4))]
            headings["supplies"] = {"requested": sum(x["requested"] for x in sup), "lines": sup}
            # laboratory: one admission on the first day, one re-draw a day after (LAB-1), the admission's test
            lab = [self._line("پذیرش آزمایشگاه", 1, g._price("800005"), code="800005", on=g.days[a], results=True)]
            for i in range(a + 1, min(d, a + 3) + 1):
                if rng.random() < 0.6:
                    lab.append(self._line("خونگیری مجدد", 1, g._price("800010"), code="800010", on=g.days[i],
                                          results=True))
            tc = test_code if kind == "medical" else "801170"
            lab.append(self._line(SAMPLE_RVU[tc][0], 1, g._price(tc), code=tc, on=g.days[a], results=True))
            headings["lab"] = {"requested": sum(x["requested"] for x in lab), "lines": lab}
            if kind == "medical" and rng.random() < 0.5:
                img_code = rng.choice(("701555", "700245"))
                img = [self._line(SAMPLE_RVU[img_code][0], 1, g._price(img_code), code=img_code, on=g.days[a],
                                  ordered_by=doctor, report=True, report_signed=True, place="radiology_department")]
                headings["imaging"] = {"requested": img[0]["requested"], "lines": img}
                attachments.append("imaging_list")
        bill["consultations"] = consultations
        bill["procedures"] = procedures
        bill["anesthesia"] = anesthesia
        bill["headings"] = headings
        bill["attachments"] = attachments
        errs = []
        if error_rate and rng.random() < error_rate:
            opts = [("INP-8", 2)]
            if drugs:
                opts.append(("INP-13", 4))
            if lab:
                opts.append(("INP-15", 3))
            if consultations:
                opts.append(("INP-9-1", 3))
            eid = _pick(rng, opts)
            if eid == "INP-13":
                rng.choice(drugs)["ordered"] = False          # no physician's order for the drug in the file
            elif eid == "INP-15":
                rng.choice(lab)["results"] = False            # no result in the file
            elif eid == "INP-8":
                visits[-1]["documented"] = False              # the visit is not written in the file
            else:
                consultations[0]["answered"] = False          # the consultation was not answered
            errs = [eid]
        return bill, errs

    def _surgery(self, bill, headings, procedures, anesthesia, doctor, code, method, op_day):
        g, rng = self.g, self.rng
        kp = SAMPLE_K["professional"]
        rv = SAMPLE_RVU[code][1]
        start = rng.randint(8, 13) * 60 + rng.choice((0, 10, 20, 30))
        s_start = start + 10
        s_end = s_start + rng.randint(25, 70)
        end = s_end + 8

        def hm(m):
            return self._dt(op_day, m // 60, m % 60)

        procedures.append({"code": code, "description": SAMPLE_RVU[code][0], "on": g.days[op_day], "session": 1,
                           "incision": "same", "bilateral": False, "foot": False, "modifiers": [],
                           "surgeon": doctor, "place": "operating_room",
                           "surgery_start": hm(s_start), "surgery_end": hm(s_end)})
        headings["surgeon"] = {"requested": _rial(rv * kp)}
        headings["operating_room"] = {"requested": _rial(0.4 * rv * kp)}      # INP-12-1: 40 % of the single RV
        if method:
            anes = self._person("anesthesiology")
            anesthesia.append({"session": 1, "start": hm(start), "end": hm(end), "surgery_start": hm(s_start),
                               "surgery_end": hm(s_end), "method": method, "asa": rng.choice((1, 1, 2, 2, 3)),
                               "modifiers": [], "recovery_minutes": rng.randint(30, 60), "to_icu": False,
                               "anesthesiologist": anes})
            units = _ANES_BASE.get(code, 3) + (end - start) // 15
            headings["anesthesia"] = {"requested": units * _K_ANESTHESIA}


# --------------------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------------------

def _choose_kind(seed: int, n_prescriptions: int, n_bills: int) -> str:
    if n_bills and not n_prescriptions:
        return "hospital"
    return _pick(random.Random(f"rasidegi-synth:{seed}:kind"), _KIND_WEIGHTS)


def generate_batch_with_key(n_prescriptions: int, *, seed: int = 0, provider_kind: str | None = None,
                            period: str = "1404/07", fund: str = "iranians", error_rate: float = 0.15,
                            n_bills: int = 0, prices: Mapping[str, int] | None = None,
                            submitted_on: str | None = None) -> tuple[dict, dict]:
    """A claim-batch/1 dict and its answer key {"prescriptions": {seq: [rule ids]}, "bills": {seq: [rule ids]}}:
    the clauses the deliberate defect of each defective document is meant to trigger."""
    kind = provider_kind or _choose_kind(seed, n_prescriptions, n_bills)
    # About 2.2 documents per insured a month; a physiotherapy patient has one prescription a month (its sessions).
    per_insured = 0.7 if kind == "physiotherapy" else 2.2
    pool = max(8, int(n_prescriptions / per_insured) + n_bills)
    # The batch is a large tree of small dicts and lists without cycles: the cyclic collector would only re-scan it
    # while it grows (a third of the time at 100,000 documents).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        g = _Generator(seed=seed, kind=kind, fund=fund, prices=prices, pool_size=pool)
        return g.batch(period=period, n_prescriptions=n_prescriptions, error_rate=error_rate, n_bills=n_bills,
                       submitted_on=submitted_on)
    finally:
        if was_enabled:
            gc.enable()


def generate_batch(n_prescriptions: int, *, seed: int = 0, provider_kind: str | None = None,
                   period: str = "1404/07", fund: str = "iranians", error_rate: float = 0.15,
                   n_bills: int = 0, prices: Mapping[str, int] | None = None) -> dict:
    """A realistic claim-batch/1 dict: one provider (`provider_kind`, or one chosen from the seed), one fund, one
    month, `n_prescriptions` outpatient documents and `n_bills` hospital bills, about `error_rate` of them with one
    deliberate defect.  Deterministic for its arguments."""
    return generate_batch_with_key(n_prescriptions, seed=seed, provider_kind=provider_kind, period=period,
                                   fund=fund, error_rate=error_rate, n_bills=n_bills, prices=prices)[0]


def write_batch(path, batch: dict) -> None:
    """Write a batch as UTF-8 JSON (Persian kept as is, compact separators)."""
    text = json.dumps(batch, ensure_ascii=False, separators=(",", ":"))   # one C-encoder call: fast
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.write("\n")


# --------------------------------------------------------------------------------------------------------------------
# The demo batches (resources/demo)
# --------------------------------------------------------------------------------------------------------------------

def _demo_prices() -> tuple[dict[str, int], str]:
    """Prices of the demo: the shipped sample tariff (rules/sample/tariff.csv) × the K values in force on
    1404/07/01 in the shipped sample parameters (rules/sample/params.yaml), each falling back to the sample values
    here when the file is not there."""
    from desktop.paths import rules_dir
    sample = rules_dir() / "sample"
    tariff, params = sample / "tariff.csv", sample / "params.yaml"
    kp, kt, kd = SAMPLE_K["professional"], SAMPLE_K["technical"], SAMPLE_K["dental"]
    k_note = "K of desktop/synth.py SAMPLE_K"
    if params.is_file():
        import yaml  # a project dependency; only the demo builder needs it
        data = yaml.safe_load(params.read_text(encoding="utf-8")) or {}
        got = [_in_force(data, name) for name in ("k_professional", "k_technical", "k_dental")]
        if got[0]:
            kp = got[0]
            kt = got[1] or kp
            kd = got[2] or kd
            k_note = "K of rules/sample/params.yaml in force on 1404/07/01"
    if not tariff.is_file():
        base = {c: (d, p, t) for c, (d, p, t) in SAMPLE_RVU.items()}
        prices = {code: _rial(p * kp) + _rial(t * kt) for code, (_, p, t) in base.items()}
        prices.update({f"T2-{row}": k * kd for row, (_, k) in TABLE2_K.items()})
        return prices, f"SAMPLE_RVU × {k_note}"
    return prices_from_tariff(tariff, int(kp), int(kt), int(kd)), f"rules/sample/tariff.csv × {k_note}"


def _in_force(data: dict, name: str, sector: str = "government", on: str = "1404/07/01"):
    """The value of a dated parameter (interchange §3) in force on `on`, or None."""
    table = data.get(name) or {}
    if sector in table:
        table = table[sector] or {}
    best = None
    for day, v in table.items():
        day = str(day)
        if day <= on and (best is None or day > best[0]):
            best = (day, v.get("value") if isinstance(v, dict) else v)
    return best[1] if best else None


_DEMO_SEED = 1567          # chosen so the clean documents show every service of the centre


def build_demo(out_dir, prices: Mapping[str, int] | None = None) -> dict:
    """Write demo-batch.json (1404/07) and demo-history.json (1404/06) of one private imaging centre in Isfahan.
    Returns a summary {file: {"documents": n, "teaching": {seq: rule ids}}}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    note = "given prices"
    if prices is None:
        prices, note = _demo_prices()
    g = _Generator(seed=_DEMO_SEED, kind="radiology", fund="iranians", prices=prices, pool_size=40)
    p = g.provider
    p.update({"code": "PRV-2231", "name": "مرکز تصویربرداری پزشکی سپاهان", "sector": "private", "city": "اصفهان",
              "province": "isfahan", "hospital_based": False})
    p["technical_director"] = g.td = {"council_no": "71234", "name": "دکتر مهرداد نیک" + ZWNJ + "نام",
                                      "specialty": "radiology"}
    p["contract"] = {"from": "1398/01/01", "to": "1405/12/29", "rural": False, "suspensions": []}
    p["licence"] = {"to": "1406/12/29", "services": ["radiography", "ultrasound"]}
    hist, hist_key = g.batch(period="1404/06", n_prescriptions=18, error_rate=0.0, n_bills=0,
                             submitted_on="1404/07/11")
    cur, cur_key = g.batch(period="1404/07", n_prescriptions=20, error_rate=0.0, n_bills=0,
                           submitted_on="1404/08/12")
    teaching = _demo_teaching(g, hist, cur)
    for b in (hist, cur):
        b["batch"]["declared"] = _declared(b["prescriptions"], b["bills"])
        b["batch"].pop("software", None)
    write_json = lambda path, data: path.write_text(                      # noqa: E731 - indented for reading
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_json(out_dir / "demo-history.json", hist)
    write_json(out_dir / "demo-batch.json", cur)
    return {"prices": note, "demo-history.json": {"documents": len(hist["prescriptions"])},
            "demo-batch.json": {"documents": len(cur["prescriptions"]), "teaching": teaching}}


def _demo_teaching(g: _Generator, hist: dict, cur: dict) -> dict[str, list[str]]:
    """Hand-made teaching documents appended to the demo month; each shows one clause (or a near miss)."""
    docs = cur["prescriptions"]
    rng = random.Random("rasidegi-demo-teaching")
    people = {}

    def person(sex, age, *, conditions=None, **extra):
        nid = make_national_id(rng, "12")
        ins = {"national_id": nid, "name": g._person_name(rng, sex), "sex": sex,
               "birth_date": f"{1404 - age:04d}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}",
               "insurance_no": nid, "fund": "iranians"}
        if conditions:
            ins["conditions"] = conditions
        if sex == "F" and age >= 48:
            ins["menopausal"] = True
        ins.update(extra)
        return ins

    def doc(ins, spec, code_lines, *, diagnosis, pres="1404/07/05", served="1404/07/09", **extra):
        pr = dict(g.prescriber(rng, spec)) if spec != "_td" else {**g.td, "role": "physician"}
        d = {"seq": 0, "insured": ins, "prescriber": pr, "prescribed_on": pres, "served_on": served,
             "diagnosis": diagnosis, "sheet": "first"}
        d.update(extra)
        d["items"] = [g._item(i, c, q, det) for i, (c, q, det) in enumerate(code_lines, start=1)]
        return d

    bmd_lines = [("700920", 1, {"technique": "dexa", "regions": ["lumbar_spine", "hip"],
                                "indication": "یائسگی و مصرف طولانی مدت کورتیکواستروئید"})]
    us_abd = [("701555", 1, {"region": "abdomen"})]
    cases: list[tuple[list[str], dict]] = []
    # 1. undated prescription
    cases.append((["GEN-5"], doc(person("F", 34), "internal_medicine", us_abd, diagnosis="درد شکم",
                                 prescribed_on=None)))
    # 2. signature stamp instead of a signature
    cases.append((["GEN-2-N2"], doc(person("M", 52), "urology", [("701655", 1, {"region": "pelvis"})],
                                    diagnosis="بزرگی پروستات", paper={"signature": "stamp", "council_stamp": True})))
    # 3. uncertified erasure
    cases.append((["GEN-2"], doc(person("F", 41), "endocrinology", [("701520", 1, {"region": "thyroid"})],
                                 diagnosis="ندول تیروئید", paper={"erasure": "uncertified"})))
    # 4. two handwritings
    cases.append((["GEN-8"], doc(person("M", 29), "general_practitioner", [("700245", 1, {"region": "abdomen",
                                                                                         "films": 1})],
                                 diagnosis="کولیک کلیوی", paper={"handwritings": 2})))
    # 5. photocopy sheet
    cases.append((["GEN-8"], doc(person("F", 27), "obstetrics_gynecology", [("701611", 1, {"region": "pelvis"})],
                                 diagnosis="کیست تخمدان", sheet="copy")))
    # 6. densitometry without its report (high-cost, GEN-19)
    ins6 = person("F", 61, conditions=["long_term_corticosteroid"])
    cases.append((["GEN-19"], doc(ins6, "rheumatology", bmd_lines, diagnosis="استئوپروز", attachments=[],
                                  tracking_code="4041234567")))
    # 7. a general practitioner orders a neck Doppler (high-cost, GEN-13)
    cases.append((["GEN-13"], doc(person("M", 66), "general_practitioner",
                                  [("701740", 1, {"region": "neck_vessels", "laterality": "both"})],
                                  diagnosis="سرگیجه", attachments=["report"], tracking_code="4049876543")))
    # 8. insured of another insurer
    cases.append((["GEN-8-N2"], doc(person("M", 45, insurer="social_security", fund=None), "internal_medicine",
                                    us_abd, diagnosis="کبد چرب")))
    # 9. requested above the tariff
    d9 = doc(person("F", 38), "general_surgery", [("701545", 1, {"region": "breast", "laterality": "both"})],
             diagnosis="ماستالژی")
    d9["items"][0]["requested"] = _split(int(math.ceil(d9["items"][0]["requested"]["total"] * 1.4 / 1000)) * 1000)
    cases.append((["GEN-15-N2"], d9))
    # 10. a service of the previous month filed in this month's batch
    cases.append((["GEN-7-N1"], doc(person("M", 58), "urology", [("700245", 1, {"region": "abdomen", "films": 1})],
                                    diagnosis="سنگ کلیه", pres="1404/06/20", served="1404/06/28")))
    # 11. a rural insured at a centre without a rural contract
    cases.append((["GEN-20-N2", "GEN-20-N1"], doc(person("F", 47, fund="rural", referral_required=True), "general_practitioner",
                                     us_abd, diagnosis="درد اپیگاستر",
                                     referral={"code": "R40417733", "from_council_no": None,
                                               "names_provider": None})))
    # 12. imaging prescription without a diagnosis
    cases.append((["GEN-12"], doc(person("F", 33), "general_practitioner", [("701520", 1, {"region": "thyroid"})],
                                  diagnosis="")))
    # 13. pregnancy and fetal-growth ultrasound together: only 701736 is paid
    cases.append((["US-3"], doc(person("F", 30), "obstetrics_gynecology",
                                [("701715", 1, {"region": "pelvis"}), ("701736", 1, {"region": "pelvis"})],
                                diagnosis="بررسی رشد جنین", pregnancy={"weeks": 32, "fetuses": 1})))
    # 14. neck Doppler and TCD together: only the TCD is paid
    cases.append((["US-16-6"], doc(person("M", 70), "neurology",
                                   [("701740", 1, {"region": "neck_vessels", "laterality": "both"}),
                                    ("701865", 1, {"region": "brain"})],
                                   diagnosis="سکته مغزی ایسکمیک", attachments=["report"], tracking_code="4045550101",
                                   performer={**g.td, "role": "physician"})))
    # 15. whole-body densitometry of an adult
    cases.append((["BMD-12"], doc(person("F", 57, conditions=["rheumatoid_arthritis"]), "rheumatology",
                                  [("700925", 1, {"technique": "dexa",
                                                  "indication": "آرتریت روماتوئید (علت ثانویه استئوپروز)"})],
                                  diagnosis="آرتریت روماتوئید", attachments=["report"], tracking_code="4041112223")))
    # 16. the centre's own technical director prescribed (self-referral)
    cases.append((["GEN-9"], doc(person("M", 36), "_td", us_abd, diagnosis="درد شکم")))
    # 17. a midwife orders a pregnancy ultrasound
    cases.append((["US-17"], doc(person("F", 26), "midwife", [("701715", 1, {"region": "pelvis"})],
                                 diagnosis="تأیید بارداری", pregnancy={"weeks": 8, "fetuses": 1})))
    # 18. near miss: Persian digits and Arabic ي/ك are normalised on import — a clean document
    d18 = doc(person("F", 44), "internal_medicine", us_abd, diagnosis="سنگ کیسه صفرا",
              pres="۱۴۰۴/۰۷/۱۲", served="۱۴۰۴/۰۷/۱۴")
    d18["insured"]["name"] = d18["insured"]["name"].translate(_ARABIC)
    d18["diagnosis"] = "سنگ كيسه صفرا"
    cases.append(([], d18))
    # 19. near miss: a plain radiograph without a report needs none (not high-cost)
    cases.append(([], doc(person("M", 63), "urology", [("700245", 1, {"region": "abdomen", "films": 1})],
                          diagnosis="سنگ حالب", attachments=[])))
    # 20. densitometry repeated one month after the last one (history, BMD-6)
    ins20 = person("F", 63, conditions=["early_menopause_before_40"])
    prior = doc(dict(ins20), "internal_medicine", [("700920", 1, dict(bmd_lines[0][2],
                                                                       indication="یائسگی زودرس زیر ۴۰ سال"))],
                diagnosis="استئوپنی", pres="1404/06/02", served="1404/06/10", attachments=["report"],
                tracking_code="4039990001")
    prior["seq"] = len(hist["prescriptions"]) + 1
    hist["prescriptions"].append(prior)
    cases.append((["BMD-6"], doc(ins20, "internal_medicine", [("700920", 1, dict(
        bmd_lines[0][2], indication="یائسگی زودرس زیر ۴۰ سال"))], diagnosis="استئوپنی", pres="1404/07/03",
        served="1404/07/08", attachments=["report"], tracking_code="4040001234")))
    # 21. a clean densitometry, all facts in order (tick)
    cases.append(([], doc(person("F", 59, conditions=["long_term_corticosteroid"]), "rheumatology", bmd_lines,
                          diagnosis="آرتریت روماتوئید تحت درمان با پردنیزولون", attachments=["report"],
                          tracking_code="4047654321",
                          paper={"signature": "original", "council_stamp": True, "erasure": "none",
                                 "handwritings": 1, "provider_stamp": True, "director_signed": True})))
    out: dict[str, list[str]] = {}
    for rules, d in cases:
        d["seq"] = len(docs) + 1
        docs.append(d)
        if rules:
            out[str(d["seq"])] = rules
    return out


# --------------------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------------------

def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m desktop.synth",
        description="Write a synthetic claim-batch/1 file (realistic documents with deliberate defects).")
    ap.add_argument("--prescriptions", type=int, default=1000, help="outpatient documents (default 1000)")
    ap.add_argument("--bills", type=int, default=0, help="hospital bills (default 0)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--kind", choices=KINDS, default=None, help="provider kind (default: chosen from the seed)")
    ap.add_argument("--period", default="1404/07", help="batch month yyyy/mm (default 1404/07)")
    ap.add_argument("--fund", default="iranians", choices=("civil_servants", "iranians", "other_groups", "rural"))
    ap.add_argument("--error-rate", type=float, default=0.15, help="share of defective documents (default 0.15)")
    ap.add_argument("--tariff", help="price the lines from this tariff CSV (needs --k)")
    ap.add_argument("--k", type=int, nargs="+", metavar="RIALS",
                    help="K professional [technical [dental]] in Rials per unit, with --tariff")
    ap.add_argument("--key", help="also write the answer key (intended rule ids per document) to this JSON file")
    ap.add_argument("--out", help="output file (claim-batch/1 JSON)")
    ap.add_argument("--demo", metavar="DIR", help="rebuild the demo batches into DIR and exit")
    args = ap.parse_args(list(argv) if argv is not None else None)
    if args.demo:
        summary = build_demo(args.demo)
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0
    if not args.out:
        ap.error("--out is required")
    prices = None
    if args.tariff:
        if not args.k:
            ap.error("--tariff needs --k")
        ks = list(args.k) + [None, None]
        prices = prices_from_tariff(args.tariff, ks[0], ks[1], ks[2])
    t0 = time.perf_counter()
    try:
        batch, key = generate_batch_with_key(args.prescriptions, seed=args.seed, provider_kind=args.kind,
                                             period=args.period, fund=args.fund, error_rate=args.error_rate,
                                             n_bills=args.bills, prices=prices)
    except (ValueError, KeyError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    t1 = time.perf_counter()
    write_batch(args.out, batch)
    if args.key:
        with open(args.key, "w", encoding="utf-8") as fh:
            json.dump(key, fh, ensure_ascii=False, indent=1)
    t2 = time.perf_counter()
    print(f"{args.out}: {batch['batch']['provider']['kind']}, {len(batch['prescriptions'])} prescriptions, "
          f"{len(batch['bills'])} bills, {len(key['prescriptions']) + len(key['bills'])} with a defect; "
          f"generated in {t1 - t0:.2f} s, written in {t2 - t1:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
