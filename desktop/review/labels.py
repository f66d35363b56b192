"""Persian names of the closed value lists of claim-batch/1 (interchange.md, rule-inputs.md), for screens and
messages.  Data stays as imported (slugs); only what the reviewer reads is Persian.  `label(table, value)` falls
back to the value itself for anything not listed (an unknown field is kept, not rejected)."""
from __future__ import annotations

__all__ = ["FUND", "PROVIDER_KIND", "SECTOR", "SHEET", "SEX", "ROLE", "SIGNATURE", "ERASURE", "ATTACHMENT",
           "SPECIALTY", "SEVERITY", "DATA_KEY", "label"]

FUND = {"civil_servants": "کارکنان دولت", "iranians": "ایرانیان", "other_groups": "سایر اقشار",
        "rural": "روستاییان"}
PROVIDER_KIND = {"physician_office": "مطب", "clinic": "درمانگاه", "laboratory": "آزمایشگاه",
                 "radiology": "رادیولوژی و تصویربرداری", "ultrasound": "سونوگرافی", "ct": "سی‌تی‌اسکن",
                 "mri": "ام‌آر‌آی", "nuclear_medicine": "پزشکی هسته‌ای", "radiotherapy": "پرتودرمانی",
                 "physiotherapy": "فیزیوتراپی", "dentist": "دندانپزشکی", "hospital": "بیمارستان",
                 "limited_surgery_center": "مرکز جراحی محدود", "pharmacy": "داروخانه"}
SECTOR = {"government_university": "دولتی (دانشگاهی)", "government_other": "دولتی (غیردانشگاهی)",
          "private": "خصوصی", "charity": "خیریه"}
SHEET = {"first": "برگ اول", "second": "برگ دوم", "first_and_second": "برگ اول و دوم", "single": "تک‌برگ",
         "copy": "رونوشت (کپی)", "carbon": "کاربن", "patient_copy": "نسخهٔ بیمار", "blank": "برگ سفید",
         "electronic": "نسخهٔ الکترونیک"}
SEX = {"F": "زن", "M": "مرد"}
ROLE = {"physician": "پزشک", "resident": "دستیار تخصصی", "intern": "کارورز", "dentist": "دندانپزشک",
        "midwife": "ماما", "dental_hygienist": "بهداشتکار دهان", "physiotherapist": "فیزیوتراپیست"}
SIGNATURE = {"original": "امضای اصل", "stamp": "مهر امضا", "missing": "بدون امضا"}
ERASURE = {"none": "بدون خدشه", "certified": "خدشهٔ تأییدشده", "uncertified": "خدشهٔ تأییدنشده"}
ATTACHMENT = {"report": "گزارش", "pathology": "پاتولوژی", "images": "تصاویر", "treatment_plan": "طرح درمان",
              "dvh": "DVH", "portal_film": "فیلم پورتال", "shield_image": "تصویر شیلد", "physio_form": "فرم فیزیوتراپی",
              "certificate": "گواهی", "lab_results": "جواب آزمایش", "indication": "اندیکاسیون",
              "referral_letter": "نامهٔ ارجاع", "treatment_sheet": "برگ درمان",
              "previous_treatment_records": "سوابق درمان پیشین", "metastasis_evidence": "مدارک متاستاز",
              "anesthesia_sheet": "برگ بیهوشی", "operation_note": "شرح عمل", "drug_list": "فهرست دارو",
              "or_drug_list": "فهرست داروی اتاق عمل", "lab_list": "فهرست آزمایش", "imaging_list": "فهرست تصویربرداری",
              "insurance_card_copy": "رونوشت کارت بیمه", "angiography_report": "گزارش آنژیوگرافی",
              "admission_order": "دستور بستری"}
SEVERITY = {"deny": "غیرقابل پرداخت", "adjust": "تعدیل", "review": "نیازمند تصمیم کارشناس"}
#: keys of a finding's `data` (the facts that triggered it)
DATA_KEY = {"requested_org": "سهم سازمان درخواستی", "payable_org": "سهم سازمان قابل پرداخت", "tariff": "تعرفه",
            "requested": "مبلغ درخواستی", "approved": "مبلغ قابل پرداخت", "codes": "کدها", "code": "کد",
            "served_on": "تاریخ خدمت", "prescribed_on": "تاریخ تجویز", "period": "ماه پرونده", "days": "روز",
            "specialty": "تخصص", "fund": "صندوق", "insurer": "بیمه‌گر", "attachments": "پیوست‌ها",
            "previous": "خدمت پیشین", "count": "تعداد", "limit": "سقف", "age": "سن", "sex": "جنس",
            "council_no": "شمارهٔ نظام پزشکی", "deadline": "مهلت"}
#: shared/spec/specialties.csv (slug → Persian name)
SPECIALTY = {
    "general_practitioner": "پزشک عمومی",
    "internal_medicine": "متخصص داخلی",
    "pediatrics": "متخصص کودکان",
    "obstetrics_gynecology": "متخصص زنان و زایمان",
    "general_surgery": "متخصص جراحی عمومی",
    "orthopedics": "متخصص جراحی ارتوپدی",
    "neurosurgery": "متخصص جراحی مغز و اعصاب",
    "neurology": "متخصص مغز و اعصاب",
    "ent": "متخصص گوش و حلق و بینی",
    "ophthalmology": "متخصص چشم",
    "urology": "متخصص اورولوژی",
    "cardiology": "متخصص قلب و عروق",
    "dermatology": "متخصص پوست",
    "psychiatry": "متخصص روانپزشکی",
    "infectious_disease": "متخصص عفونی",
    "physical_medicine": "متخصص طب فیزیکی و توانبخشی",
    "plastic_surgery": "متخصص جراحی ترمیمی",
    "anesthesiology": "متخصص بیهوشی",
    "radiology": "متخصص رادیولوژی",
    "nuclear_medicine": "متخصص پزشکی هسته ای",
    "radiation_oncology": "متخصص رادیوتراپی انکولوژی",
    "pathology": "متخصص پاتولوژی",
    "emergency_medicine": "متخصص طب اورژانس",
    "forensic_medicine": "متخصص پزشکی قانونی",
    "community_medicine": "متخصص پزشکی اجتماعی",
    "nutrition": "متخصص تغذیه",
    "rheumatology": "فوق تخصص روماتولوژی",
    "gastroenterology": "فوق تخصص گوارش و کبد",
    "nephrology": "فوق تخصص نفرولوژی",
    "endocrinology": "فوق تخصص غدد",
    "hematology_oncology": "فوق تخصص خون و انکولوژی",
    "pulmonology": "فوق تخصص ریه",
    "interventional_cardiology": "فلوشیپ قلب مداخله ای",
    "thoracic_surgery": "فوق تخصص جراحی توراکس",
    "vascular_surgery": "فوق تخصص جراحی عروق",
    "cardiac_surgery": "فوق تخصص جراحی قلب",
    "pediatric_surgery": "فوق تخصص جراحی کودکان",
    "neonatology": "فوق تخصص نوزادان",
    "pediatric_cardiology": "فوق تخصص قلب کودکان",
    "pediatric_infectious": "فوق تخصص عفونی کودکان",
    "pediatric_pulmonology": "فوق تخصص ریه کودکان",
    "pediatric_neurology": "فوق تخصص مغز و اعصاب کودکان",
    "critical_care": "فلوشیپ مراقبت های ویژه",
    "interventional_radiology": "فلوشیپ رادیولوژی مداخله ای",
    "dentist": "دندانپزشک عمومی",
    "dentist_pediatric": "متخصص دندانپزشکی کودکان",
    "dentist_periodontics": "متخصص پریودانتیکس",
    "dentist_oral_surgery": "متخصص جراحی فک و صورت",
    "dentist_restorative": "متخصص دندانپزشکی ترمیمی",
    "dentist_endodontics": "متخصص اندودانتیکس",
    "dentist_prosthodontics": "متخصص پروتزهای دندانی",
    "dentist_orthodontics": "متخصص ارتودنتیکس",
    "dentist_oral_radiology": "متخصص رادیولوژی دهان و فک و صورت",
    "midwife": "کارشناس مامایی",
    "physiotherapist": "کارشناس فیزیوتراپی",
    "dental_hygienist": "بهداشتکار دهان و دندان",
    "pediatric_hematology_oncology": "فوق تخصص خون و سرطان کودکان",
}


def label(table: dict, value) -> str:
    if value is None:
        return "—"
    return table.get(value, str(value))
