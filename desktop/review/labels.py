"""Persian names of the closed value lists of claim-batch/1 (interchange.md, rule-inputs.md), for screens and
messages.  Data stays as imported (slugs); only what the reviewer reads is Persian.  `label(table, value)` falls
back to the value itself for anything not listed (an unknown field is kept, not rejected)."""
from __future__ import annotations

__all__ = ["FUND", "PROVIDER_KIND", "SECTOR", "SHEET", "SEX", "ROLE", "SIGNATURE", "ERASURE", "ATTACHMENT",
           "SPECIALTY", "SEVERITY", "DATA_KEY", "FIELD", "FIELD_VALUES", "COMPUTED_KEY", "WARD", "BILL_CLASS",
           "VISIT_KIND", "ANESTHESIA_METHOD", "label", "field_name"]

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
        "midwife": "ماما", "dental_hygienist": "بهداشتکار دهان", "physiotherapist": "فیزیوتراپیست",
        "dental_nurse": "پرستار دندانپزشکی", "oral_health_worker": "مراقب سلامت دهان",
        "oral_health_technician": "تکنسین سلامت دهان", "nurse": "پرستار", "in_house_physician": "پزشک مقیم",
        "technical_manager": "مسئول فنی"}
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
# --- the facts panel (rule-inputs.md §1.4–1.13): values of the closed lists ----------------------------------------
PURPOSE = {"pre_marriage": "آزمایش پیش از ازدواج", "sick_leave_certificate": "گواهی استعلاجی", "cosmetic": "زیبایی",
           "employment": "استخدامی", "screening": "غربالگری"}
SETTING = {"outpatient": "سرپایی", "inpatient": "بستری"}
WARD = {"general": "بخش عمومی", "single": "اتاق یک‌تخته", "double": "اتاق دوتخته", "isolation": "ایزوله",
        "icu": "ICU", "ccu": "CCU", "post_ccu": "پست CCU", "nicu": "NICU", "picu": "PICU", "bicu": "BICU",
        "burn": "سوختگی", "psychiatric": "روانپزشکی", "newborn_healthy": "نوزاد سالم", "newborn_sick": "نوزاد بیمار",
        "emergency_observation": "تحت نظر اورژانس", "emergency_ward": "بخش اورژانس", "stroke_unit": "سکته مغزی",
        "poisoning": "مسمومیت"}
TREATMENT_PLAN_BY = {"physician": "پزشک", "provider": "مرکز ارائه‌دهنده"}
PLACE_OF_SERVICE = {"centre": "در مرکز", "home": "در منزل"}
APPROVAL_KIND = {"office": "اداره کل", "committee": "کمیسیون", "online": "برخط", "supervisor": "کارشناس ناظر بیمارستان"}
MODALITY = {"teletherapy": "تله‌تراپی", "brachytherapy": "براکی‌تراپی"}
MACHINE = {"linac": "شتاب‌دهنده خطی", "cobalt": "کبالت", "hdr": "HDR", "mdr": "MDR"}
RT_TECHNIQUE = {"conventional": "معمولی", "imrt": "IMRT", "stereotactic": "استریوتاکتیک"}
DISCHARGE = {"physician_order": "دستور پزشک", "personal_consent": "با رضایت شخصی", "death": "فوت", "transfer": "انتقال"}
DELIVERY = {"normal": "طبیعی", "caesarean": "سزارین"}
DELIVERY_PLACE = {"hospital": "در بیمارستان", "outside_hospital": "خارج از بیمارستان"}
PSYCHIATRIC_STATUS = {"acute": "حاد", "chronic": "مزمن"}
STAY_PATIENT = {"insured": "بیمه‌شده", "newborn": "نوزاد"}
VISIT_KIND = {"first_day": "روز اول", "day2plus": "روز دوم به بعد", "discharge_day": "روز ترخیص",
              "newborn_initial": "نوزاد (نخستین)", "er_comprehensive": "اورژانس جامع", "er_limited": "اورژانس محدود",
              "critical_care": "مراقبت ویژه", "outpatient": "سرپایی", "anesthesia_clinic_outpatient": "درمانگاه بیهوشی",
              "pre_med": "پیش از بیهوشی", "post_anesthesia": "پس از بیهوشی"}
INCISION = {"same": "همان برش", "different": "برش جدا"}
PROCEDURE_PLACE = {"operating_room": "اتاق عمل", "outpatient_operating_room": "اتاق عمل سرپایی",
                   "emergency_room": "اورژانس", "ward": "بخش", "cath_lab": "کت‌لب"}
ANESTHESIA_METHOD = {"general": "عمومی", "spinal": "اسپاینال", "epidural": "اپیدورال",
                     "epidural_labour_analgesia": "اپیدورال بی‌دردی زایمان",
                     "regional_brachial_plexus": "رژیونال شبکهٔ بازویی",
                     "regional_lumbosacral_plexus": "رژیونال شبکهٔ کمری-خاجی",
                     "regional_cervical_plexus": "رژیونال شبکهٔ گردنی", "regional_other": "رژیونال دیگر",
                     "iv_sedation": "آرام‌بخشی وریدی", "standby": "استندبای", "local": "موضعی"}
POSITION = {"supine": "طاق‌باز", "prone": "دمر", "lateral": "پهلو", "sitting": "نشسته"}
PERFORMED_BY = {"anesthesiologist": "متخصص بیهوشی", "surgeon": "جراح"}
ACCIDENT_KIND = {"traffic": "رانندگی", "student": "دانش‌آموزی", "athlete": "ورزشی", "work": "کار"}
INJURY_CAUSE = {"assault": "نزاع", "self_inflicted": "خودزنی"}
RELATION = {"none": "بی‌نسبت", "spouse": "همسر", "family": "خانواده"}
IDENTITY = {"known": "معلوم", "unknown": "نامعلوم"}
GRADE = {"1_plus": "درجهٔ یک ممتاز", "1": "درجهٔ ۱", "2": "درجهٔ ۲", "3": "درجهٔ ۳", "4": "درجهٔ ۴", "5": "درجهٔ ۵",
         "any": "هر درجه"}
ADMISSION_SHEET = {"second": "برگ دوم دفترچه", "letterhead": "سربرگ بیمارستان"}
LINE_LIST = {"ward": "فهرست بخش", "operating_room": "فهرست اتاق عمل"}
LINE_PLACE = {"bedside": "کنار تخت", "radiology_department": "بخش رادیولوژی", "home": "منزل",
              "operating_room": "اتاق عمل", "ward": "بخش"}
BILL_CLASS = {"inpatient": "بستری", "observation": "تحت نظر (سرپایی)", "lsc": "مرکز جراحی محدود"}
LATERALITY = {"left": "چپ", "right": "راست", "both": "دوطرفه"}
JAW = {"upper": "فک بالا", "lower": "فک پایین"}
SIDE = {"left": "چپ", "right": "راست"}
FILM_TYPE = {"PA": "پری‌اپیکال", "BW": "بایت‌وینگ"}
TECHNIQUE = {"dexa": "DEXA", "heel_ultrasound": "سونوگرافی پاشنه", "dr": "DR", "cr": "CR"}
CONTRAST_ROUTE = {"injection": "تزریقی", "oral": "خوراکی", "rectal": "رکتال"}
BEAM_SHAPING = {"none": "بدون شکل‌دهی", "custom_shield": "شیلد اختصاصی", "mlc": "MLC", "prefabricated_shield": "شیلد آماده"}
LAB_METHOD = {"quantitative": "کمّی", "semi_quantitative": "نیمه‌کمّی", "qualitative": "کیفی", "kit": "کیت",
              "calculated": "محاسباتی", "liquid_based": "مایع‌پایه", "conventional": "معمولی"}
CATEGORY = {"service": "خدمت", "consumable": "مصرفی", "contrast_agent": "مادهٔ حاجب", "drug": "دارو"}
LINE_PURPOSE = {"medical": "درمانی", "cosmetic": "زیبایی"}
TECHNOLOGY = {"endoscope": "آندوسکوپ", "laser": "لیزر", "microscope": "میکروسکوپ", "c_arm": "سی‌آرم"}
VALVE = {"mitral": "میترال", "aortic": "آئورت", "tricuspid": "تریکوسپید", "pulmonary": "پولمونر"}
PAIN_ROUTE = {"epidural_catheter": "کاتتر اپیدورال", "peripheral_injection": "تزریق محیطی", "iv_pca": "پمپ وریدی PCA"}
PAIN_MODE = {"continuous": "مداوم", "intermittent_bolus": "بولوس متناوب"}
BURN_REGION = {"head_face_neck": "سر و صورت و گردن", "trunk_anterior": "تنهٔ جلو", "trunk_posterior": "تنهٔ پشت",
               "upper_limb": "اندام فوقانی", "lower_limb": "اندام تحتانی", "genital": "تناسلی"}

#: body regions (an open list: the common ones; another slug is shown as written)
REGION = {"abdomen": "شکم", "brain": "مغز", "pelvis": "لگن", "abdomen_pelvis": "شکم و لگن", "lower_limb": "اندام تحتانی",
          "upper_limb": "اندام فوقانی", "forearm": "ساعد", "face": "صورت", "liver": "کبد", "thyroid": "تیروئید",
          "knee": "زانو", "kidneys": "کلیه‌ها", "prostate": "پروستات", "neck": "گردن", "lumbar": "کمر",
          "hand": "دست", "chest": "قفسهٔ سینه", "cervix": "دهانهٔ رحم", "shoulder": "شانه", "neck_vessels": "عروق گردن",
          "gallbladder": "کیسهٔ صفرا", "elbow": "آرنج", "cervical": "گردنی", "breast": "پستان",
          "breast_right": "پستان راست", "breast_left": "پستان چپ", "wrist": "مچ دست", "tibia": "ساق", "spleen": "طحال",
          "retroperitoneum": "رتروپریتوئن", "pituitary": "هیپوفیز", "pancreas": "لوزالمعده", "orbit": "کاسهٔ چشم",
          "head_face_neck": "سر و صورت و گردن", "femur": "ران (استخوان)", "eye_left": "چشم چپ", "eye_right": "چشم راست",
          "thigh": "ران", "sacral": "خاجی", "lumbosacral": "کمری-خاجی", "foot": "پا", "ankle": "مچ پا",
          "axilla": "زیر بغل", "axilla_right": "زیر بغل راست", "axilla_left": "زیر بغل چپ", "thoracic": "پشتی",
          "larynx": "حنجره", "hip": "لگن (مفصل ران)", "spine": "ستون فقرات", "sinus": "سینوس‌ها", "heart": "قلب",
          "upper_right": "بالا راست", "upper_left": "بالا چپ", "lower_right": "پایین راست", "lower_left": "پایین چپ"}
MODALITY_PT = {"hot_pack": "کیسهٔ گرم", "cold_pack": "کیسهٔ سرد", "TENS": "TENS", "short_wave_diathermy": "دیاترمی موج کوتاه",
               "exercise": "ورزش درمانی", "ultrasound": "اولتراسوند", "traction": "کشش", "laser": "لیزر",
               "infrared": "مادون قرمز", "interferential": "جریان تداخلی", "massage": "ماساژ",
               "electrical_stimulation": "تحریک الکتریکی"}

#: the facts' names, keyed by the field's path in rule-inputs.md (object.field)
FIELD = {
    # prescription (§1.4)
    "prescription.sheet": "برگ دفترچه", "prescription.diagnosis": "تشخیص", "prescription.attachments": "پیوست‌ها",
    "prescription.referral": "ارجاع", "prescription.approval": "مجوز", "prescription.tracking_code": "کد رهگیری",
    "prescription.purpose": "منظور نسخه", "prescription.setting": "وضعیت بیمار", "prescription.ward": "بخش بستری",
    "prescription.sessions_ordered": "جلسات تجویزشده", "prescription.treatment_plan_by": "طرح درمان به دست",
    "prescription.place_of_service": "محل ارائهٔ خدمت", "prescription.performer": "انجام‌دهنده / گزارش‌کننده",
    "prescription.pregnancy": "بارداری", "prescription.course": "دورهٔ پرتودرمانی",
    "prescription.declared": "مبالغ نوشته‌شده", "prescription.prescribed_on": "تاریخ تجویز",
    "prescription.served_on": "تاریخ خدمت",
    # paper (§1.5)
    "paper.signature": "امضای پزشک", "paper.council_stamp": "مهر نظام پزشکی", "paper.erasure": "خدشه",
    "paper.handwritings": "تعداد دست‌خط", "paper.provider_stamp": "مهر پذیرش مرکز",
    "paper.provider_stamp_code": "کد مرکزِ مهر پذیرش", "paper.director_signed": "امضای مسئول فنی",
    "paper.center_stamp": "مهر بیمارستان / مرکز دانشگاهی", "paper.emergency_stamp": "مهر اورژانس",
    "paper.admission_stamp": "مهر پذیرش بیمارستان دانشگاهی", "paper.physio_diagnosis": "تشخیص فیزیوتراپیست در فرم",
    "paper.card_copy_photo": "عکس در رونوشت کارت بیمه",
    "paper.assistant_signed_operation_note": "امضای کمک جراح در شرح عمل",
    "paper.assistant_signed_or_sheet": "امضای کمک جراح در برگ اتاق عمل",
    # insured (§1.6)
    "insured.insurance_no": "شمارهٔ بیمه", "insured.fund": "صندوق", "insured.insurer": "بیمه‌گر دفترچه",
    "insured.referral_required": "در نظام ارجاع", "insured.special_patient": "بیمار خاص",
    "insured.registered_conditions": "ثبت در برنامه‌ها", "insured.conditions": "بیماری‌ها و عوامل خطر",
    "insured.menopausal": "یائسه", "insured.menopause_age": "سن یائسگی", "insured.bmi": "نمایهٔ تودهٔ بدنی",
    "insured.osteoporosis_treatment_start": "آغاز درمان پوکی استخوان", "insured.transplant_on": "تاریخ پیوند",
    "insured.on_mother_booklet": "نوزاد با دفترچهٔ مادر",
    # prescriber (§1.7)
    "prescriber.council_no": "نظام پزشکی", "prescriber.national_id": "کد ملی", "prescriber.specialty": "تخصص",
    "prescriber.fellowship": "فلوشیپ", "prescriber.certifications": "گواهی‌های مهارت", "prescriber.role": "سمت",
    "prescriber.resident_year": "سال دستیاری", "prescriber.degree": "مدرک", "prescriber.full_time_faculty": "هیئت علمی تمام‌وقت",
    "prescriber.sector": "بخش", "prescriber.center_code": "کد مرکز محل کار", "prescriber.emergency_duty": "پزشک کشیک اورژانس",
    "prescriber.present": "حضور داشت",
    # referral, approval (§1.8)
    "referral.code": "کد ارجاع سطح یک", "referral.from_council_no": "نظام پزشکی ارجاع‌دهنده",
    "referral.from_specialty": "تخصص ارجاع‌دهنده", "referral.names_provider": "مرکز نام‌برده در ارجاع",
    "approval.by": "تأییدکننده", "approval.on": "تاریخ تأیید", "approval.kind": "سطح تأیید", "approval.ref": "شمارهٔ مجوز",
    # item (§1.9)
    "item.line": "ردیف", "item.code": "کد خدمت", "item.description": "شرح", "item.qty": "تعداد",
    "item.requested": "مبلغ درخواستی", "item.served_on": "تاریخ انجام", "item.attachments": "پیوست‌های ردیف",
    "item.modifiers": "کدهای تعدیلی", "item.performer": "انجام‌دهندهٔ ردیف", "item.details": "جزئیات",
    # details (§1.10)
    "details.tooth": "دندان", "details.teeth": "دندان‌ها", "details.jaw": "فک", "details.table2_row": "ردیف جدول ۲",
    "details.film_type": "نوع فیلم", "details.region": "ناحیه", "details.regions": "ناحیه‌ها",
    "details.region_count": "تعداد ناحیه", "details.laterality": "سمت", "details.vertebrae": "مهره‌ها",
    "details.limbs": "اندام در هر جلسه", "details.sessions": "تاریخ جلسات", "details.films": "تعداد فیلم",
    "details.technique": "روش تصویربرداری", "details.portable": "پرتابل", "details.contrast": "با ماده حاجب",
    "details.contrast_route": "راه ماده حاجب", "details.spiral": "اسپیرال", "details.phase": "فاز",
    "details.phases": "فازها", "details.separate_report": "گزارش جدا برای هر ناحیه", "details.ct_simulator": "سی‌تی شبیه‌ساز",
    "details.ordered_by_specialty": "تخصص درخواست‌کننده", "details.spect": "اسپکت", "details.spect_prescribed": "اسپکت تجویزشده",
    "details.spect_in_report": "اسپکت در گزارش", "details.isotope": "ایزوتوپ", "details.energy_group": "گروه انرژی",
    "details.energy_mv": "انرژی (MV)", "details.fields": "تعداد فیلد", "details.complex_field": "فیلد پیچیده",
    "details.gantry_angles": "زاویه‌های گانتری", "details.beam_shaping": "شکل‌دهی پرتو", "details.machine": "دستگاه",
    "details.session": "شمارهٔ جلسه", "details.supervisor_confirmed": "تأیید ناظر سازمان", "details.test": "آزمایش",
    "details.agent": "عامل عفونی", "details.sample": "نمونه", "details.analyte": "آنالیت", "details.method": "روش",
    "details.prescribed_method": "روش تجویزشده", "details.primers": "پرایمر", "details.probes": "پروب",
    "details.ihc_score": "نمرهٔ IHC", "details.banding": "باندینگ", "details.markers_requested": "مارکر درخواستی",
    "details.markers_reported": "مارکر گزارش‌شده", "details.in_report": "در گزارش آمده", "details.tg_mg_dl": "تری‌گلیسرید (mg/dL)",
    "details.prescribed_as": "نوشتهٔ پزشک", "details.indication": "اندیکاسیون", "details.new_indication": "اندیکاسیون تازه",
    "details.purpose": "منظور", "details.related_drug": "داروی مرتبط", "details.category": "نوع ردیف",
    "details.service": "خدمت", "details.code_on_paper": "کد روی برگه", "details.modalities": "مدالیته‌ها",
    "details.modalities_by_region": "مدالیته به تفکیک ناحیه", "details.technology": "فناوری",
    "details.specimen_to_pathology": "نمونه به پاتولوژی", "details.lesion_size_cm": "اندازهٔ ضایعه (cm)",
    "details.wound": "زخم", "details.suspected": "موضوع اکسپلور", "details.reduction": "جااندازی شکستگی",
    "details.implant": "ایمپلنت", "details.retromolar_trigone_removed": "برداشت رترومولار", "details.stone_site": "محل سنگ",
    "details.stone_id": "شناسهٔ سنگ", "details.vessel": "رگ", "details.stents": "تعداد استنت", "details.valve": "دریچه",
    "details.complication": "عمل مجدد برای عارضه",
    # course (§1.11)
    "course.id": "شناسهٔ دوره", "course.modality": "نوع", "course.machine": "دستگاه", "course.technique": "تکنیک",
    "course.start": "نخستین جلسه", "course.sessions": "جلسات تا این سند", "course.regions": "ناحیه‌ها",
    "course.stopped_early": "پیش از موعد قطع شد", "course.portal_images": "تصاویر پورتال", "course.fields": "فیلدها",
    "pregnancy.weeks": "هفتهٔ بارداری", "pregnancy.fetuses": "تعداد جنین",
    "declared.count": "تعداد اسناد", "declared.total": "جمع", "declared.insured_share": "سهم بیمه‌شده",
    "declared.org_share": "سهم سازمان",
    # bill (§1.12)
    "bill.admission_order": "دستور بستری", "bill.admitted_at": "پذیرش", "bill.discharged_at": "ترخیص",
    "bill.arrived_at": "ورود به بیمارستان", "bill.discharge_order_on": "تاریخ دستور ترخیص", "bill.discharge": "نوع ترخیص",
    "bill.leave_days": "روزهای مرخصی", "bill.emergency": "بستری اورژانسی", "bill.inpatient_file": "پروندهٔ بستری",
    "bill.global_package": "گلوبال", "bill.accident": "حادثه", "bill.injury": "آسیب به دست دیگری", "bill.burn": "سوختگی",
    "bill.delivery": "زایمان", "bill.delivery_place": "محل زایمان", "bill.mother_illness": "بیماری مادر",
    "bill.needs_special_ward": "نیاز به بخش ویژه", "bill.psychiatric_status": "وضعیت روانپزشکی",
    "bill.full_time_faculty": "طرح تمام‌وقتی (۲K)", "bill.approval": "مجوز", "bill.declared": "مبالغ اعلامی بیمارستان",
    "bill.attachments": "پیوست‌ها", "bill.paper": "برگه‌ها",
    # bill sub-objects (§1.13)
    "admission_order.prescriber": "دستوردهنده", "admission_order.diagnosis": "تشخیص", "admission_order.on": "تاریخ",
    "admission_order.sheet": "برگ", "admission_order.purpose": "فقط برای",
    "stay.ward": "بخش", "stay.beds": "تخت اتاق", "stay.from": "از", "stay.to": "تا", "stay.patient": "بیمار",
    "stay.vip": "VIP", "stay.monitoring": "مانیتورینگ", "stay.isolation_indication": "علت ایزوله",
    "stay.physician_request": "درخواست پزشک",
    "visit.on": "تاریخ", "visit.at": "ساعت", "visit.prescriber": "پزشک", "visit.kind": "نوع ویزیت",
    "visit.triage": "تریاژ", "visit.documented": "در پرونده",
    "consultation.on": "تاریخ", "consultation.prescriber": "مشاور", "consultation.code": "کد",
    "consultation.requested_by_specialist": "درخواست متخصص", "consultation.answered": "پاسخ در پرونده",
    "consultation.invited": "مدعو", "consultation.request_in_file": "درخواست در پرونده", "consultation.bedside": "بر بالین",
    "consultation.works_in_hospital_clinics": "در درمانگاه بیمارستان",
    "procedure.code": "کد", "procedure.description": "شرح", "procedure.on": "تاریخ", "procedure.session": "جلسه",
    "procedure.incision": "برش", "procedure.bilateral": "دوطرفه", "procedure.foot": "جراحی پا",
    "procedure.modifiers": "تعدیلی‌ها", "procedure.qty": "تعداد", "procedure.requested": "درخواستی",
    "procedure.surgeon": "جراح", "procedure.assistant": "کمک جراح", "procedure.performer": "انجام‌دهنده",
    "procedure.standby": "استندبای", "procedure.place": "محل", "procedure.ward": "بخش",
    "procedure.surgery_start": "شروع جراحی", "procedure.surgery_end": "پایان جراحی", "procedure.approval": "مجوز",
    "procedure.attachments": "پیوست‌ها", "procedure.global_package": "گلوبال", "procedure.details": "جزئیات",
    "anesthesia.session": "جلسه", "anesthesia.start": "شروع", "anesthesia.end": "پایان",
    "anesthesia.surgery_start": "شروع جراحی", "anesthesia.surgery_end": "پایان جراحی", "anesthesia.method": "روش",
    "anesthesia.asa": "ASA", "anesthesia.risk_factors": "عوامل خطر", "anesthesia.modifiers": "تعدیلی‌ها",
    "anesthesia.recovery_minutes": "ریکاوری (دقیقه)", "anesthesia.recovery_in": "ورود ریکاوری",
    "anesthesia.recovery_out": "خروج ریکاوری", "anesthesia.to_icu": "انتقال به ICU",
    "anesthesia.anesthesiologist": "متخصص بیهوشی", "anesthesia.performed_by": "به دست",
    "anesthesia.ordered_by": "درخواست‌کننده", "anesthesia.position": "وضعیت بیمار",
    "anesthesia.remote_from_site": "دور از سر بیمار", "anesthesia.emergency_reason": "علت اورژانس",
    "anesthesia.extracorporeal_pump": "پمپ خارج بدن", "anesthesia.lowest_temperature_c": "کمترین دما (°C)",
    "anesthesia.controlled_hypotension": "افت فشار کنترل‌شده", "anesthesia.block": "بلوک عصبی",
    "pain_management.on": "تاریخ", "pain_management.route": "راه", "pain_management.mode": "شیوه",
    "pain_management.by": "به دست", "pain_management.units_claimed": "واحد درخواستی",
    "line.code": "کد", "line.name": "نام", "line.service": "خدمت", "line.irc": "IRC", "line.on": "تاریخ",
    "line.draw_time": "ساعت نمونه‌گیری", "line.qty": "تعداد", "line.unit_price": "فی", "line.requested": "درخواستی",
    "line.ordered": "دستور پزشک", "line.ordered_by": "دستوردهنده", "line.performed_by": "انجام‌دهنده",
    "line.physician_present": "حضور پزشک", "line.report": "گزارش", "line.report_signed": "امضای گزارش",
    "line.results": "جواب", "line.list": "فهرست", "line.ward": "بخش", "line.place": "محل", "line.session": "جلسه",
    "line.modifiers": "تعدیلی‌ها", "line.category": "گروه", "line.prosthesis": "پروتز", "line.in_operation_note": "در شرح عمل",
    "line.sticker": "برچسب", "line.invoice": "فاکتور", "line.invoice_ref": "شمارهٔ فاکتور", "line.hours": "ساعت",
    "line.pump": "پمپ", "line.refill": "پرکردن پمپ", "line.drug": "دارو", "line.leads": "لید", "line.nights": "شب",
    "line.physician_assessment": "ارزیابی پزشک",
    "global_package.name": "بسته", "global_package.name_fa": "نام", "global_package.code": "کد",
    "global_package.grade": "درجه", "global_package.requested": "مبلغ درخواستی", "global_package.modifiers": "تعدیلی‌ها",
    "global_package.modifier_requested": "درخواستی تعدیلی‌ها",
    "global_package.full_time_addition_requested": "درخواستی K دوم تمام‌وقتی",
    "accident.kind": "نوع", "accident.on": "تاریخ حادثه", "accident.first_discharged_on": "ترخیص نخستین بستری",
    "accident.employer_liable": "مسئولیت کارفرما",
    "injury.cause": "علت", "injury.assailant": "ضارب", "injury.judicial_confirmation": "تأیید مراجع قضایی",
    "assailant.relation": "نسبت", "assailant.identity": "هویت", "assailant.fled": "متواری",
    "assailant.mental_disorder": "اختلال روانی",
    "burn.regions": "ناحیه‌های سوخته", "burn.tbsa_declared": "درصد سوختگی اعلامی", "burn.area_cm2": "مساحت (cm²)",
}

#: keys of a bill's `computed` block (review-result/1; docs/inpatient-rules.md)
COMPUTED_KEY = {
    "bed_days": "روز تخت", "bed_days_by_ward": "روز تخت به تفکیک بخش", "newborn_bed_days": "روز تخت نوزاد",
    "monitored_days": "روزهای مانیتورینگ", "hoteling_computed": "هتلینگ محاسبه‌شده",
    "hoteling_approved": "هتلینگ تأییدی", "nursing_base": "پایهٔ خدمات پرستاری", "nursing_computed": "پرستاری محاسبه‌شده",
    "nursing_approved": "پرستاری تأییدی", "visit_count_max": "سقف ویزیت", "visit_count": "ویزیت‌های قابل پرداخت",
    "consultations_paid": "مشاوره‌های قابل پرداخت", "consultations_as_visits": "مشاوره به بهای ویزیت",
    "anesthesia_units": "واحد بیهوشی", "anesthesia": "بیهوشی به تفکیک جلسه",
    "anesthesia_modifier_63": "درصد تعدیلی ۶۳ بیهوشی", "labour_analgesia_units": "واحد بی‌دردی زایمان",
    "procedures": "درصد اعمال", "surgeon_rvu": "ارزش نسبی جراح", "assistant_rvu": "ارزش نسبی کمک جراح",
    "operating_room_units": "واحد فنی اتاق عمل", "operating_room_units_private_centre": "واحد اتاق عمل (مرکز خصوصی)",
    "global_package": "گلوبال", "burn": "سوختگی", "bill_class": "نوع صورتحساب", "franchise": "فرانشیز",
    "stay_hours": "ساعت اقامت", "org_share": "سهم سازمان", "insured_share": "سهم بیمه‌شده",
    # sub-keys
    "base": "پایه", "time": "زمان", "modifiers": "تعدیلی", "recovery": "ریکاوری", "minutes": "دقیقه",
    "session": "جلسه", "modifiers_applied": "تعدیلی‌های پذیرفته", "standby_rvu": "ارزش استندبای",
    "code": "کد", "percent": "درصد", "rvu": "ارزش نسبی", "final_rvu": "ارزش نهایی", "paid_code": "پرداخت به کد",
    "modifier_63": "تعدیلی ۶۳", "modifier_85": "تعدیلی ۸۵", "modifier_46_units": "واحد ۴۶", "modifier_60_units": "واحد ۶۰",
    "name": "بسته", "grade": "درجه", "tariff": "تعرفه", "hoteling": "هتلینگ", "additions": "افزوده‌ها",
    "tbsa_percent": "درصد سطح سوخته", "table": "جدول", "tbsa_from_area": "درصد از روی مساحت",
    "unknown_regions": "ناحیهٔ ناشناخته",
}

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


#: the closed value list of a field (None: free text, a number, a date …)
FIELD_VALUES = {
    "prescription.sheet": SHEET, "prescription.attachments": ATTACHMENT, "prescription.purpose": PURPOSE,
    "prescription.setting": SETTING, "prescription.ward": WARD, "prescription.treatment_plan_by": TREATMENT_PLAN_BY,
    "prescription.place_of_service": PLACE_OF_SERVICE, "paper.signature": SIGNATURE, "paper.erasure": ERASURE,
    "insured.fund": FUND, "insured.sex": SEX, "prescriber.specialty": SPECIALTY, "prescriber.role": ROLE,
    "prescriber.sector": SECTOR, "prescriber.fellowship": SPECIALTY, "referral.from_specialty": SPECIALTY,
    "approval.kind": APPROVAL_KIND, "item.attachments": ATTACHMENT, "details.jaw": JAW, "details.film_type": FILM_TYPE,
    "details.laterality": LATERALITY, "details.technique": TECHNIQUE, "details.contrast_route": CONTRAST_ROUTE,
    "details.beam_shaping": BEAM_SHAPING, "details.machine": MACHINE, "details.method": LAB_METHOD,
    "details.prescribed_method": LAB_METHOD, "details.category": CATEGORY, "details.purpose": LINE_PURPOSE,
    "details.technology": TECHNOLOGY, "details.valve": VALVE, "details.ordered_by_specialty": SPECIALTY,
    "course.modality": MODALITY, "course.machine": MACHINE, "course.technique": RT_TECHNIQUE,
    "bill.discharge": DISCHARGE, "bill.delivery": DELIVERY, "bill.delivery_place": DELIVERY_PLACE,
    "bill.psychiatric_status": PSYCHIATRIC_STATUS, "bill.attachments": ATTACHMENT,
    "admission_order.sheet": ADMISSION_SHEET, "stay.ward": WARD, "stay.patient": STAY_PATIENT,
    "visit.kind": VISIT_KIND, "procedure.incision": INCISION, "procedure.place": PROCEDURE_PLACE,
    "procedure.ward": WARD, "procedure.attachments": ATTACHMENT, "anesthesia.method": ANESTHESIA_METHOD,
    "anesthesia.position": POSITION, "anesthesia.performed_by": PERFORMED_BY, "pain_management.route": PAIN_ROUTE,
    "pain_management.mode": PAIN_MODE, "line.list": LINE_LIST, "line.ward": WARD, "line.place": LINE_PLACE,
    "global_package.grade": GRADE, "accident.kind": ACCIDENT_KIND, "injury.cause": INJURY_CAUSE,
    "assailant.relation": RELATION, "assailant.identity": IDENTITY, "regions.region": BURN_REGION,
    "regions.side": SIDE, "details.region": REGION, "details.regions": REGION, "course.regions": REGION,
    "details.modalities": MODALITY_PT,
}


def label(table: dict, value) -> str:
    if value is None:
        return "—"
    return table.get(value, str(value))


def field_name(path: str) -> str:
    """The Persian name of a field (`paper.council_stamp` → «مهر نظام پزشکی»); the field's own key when unknown."""
    return FIELD.get(path) or path.rsplit(".", 1)[-1]
