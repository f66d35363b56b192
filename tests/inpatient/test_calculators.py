"""The inpatient calculators (desktop/inpatient): the manual's worked examples reproduced exactly, and hand-computed
cases at every boundary the manual draws (4 hours, 30 minutes, 6 hours, 6 months and 3 years, the 6th consultation,
the 4th recovery hour)."""
from decimal import Decimal

import pytest

from desktop.domain.jalali import parse_date, parse_datetime
from desktop.inpatient import anesthesia as an
from desktop.inpatient import beddays as bd
from desktop.inpatient import procedures as pr
from desktop.inpatient import visits as vs
from desktop.inpatient.burns import ADULT_TABLE, CHILD_TABLE, BurnRegionIn, tbsa, tbsa_from_area
from desktop.inpatient.shares import age_years, in_accident_window, split_shares

D = parse_date
T = parse_datetime


# ---------------------------------------------------------------------------------------------------- RVU-42 time


def test_manual_example_48_minutes_is_three_time_units():
    # کد ۴۲: «در نمونه برداری شکافی پستان (کد عمل ۱۰۰۶۵۵) که در ظرف ۴۸ دقیقه … ارزش زمان «3»»
    assert an.time_units(48) == 3
    # the published example: surgery 18 minutes, anaesthesia from 15 minutes before to 15 minutes after = 48
    assert an.anesthesia_minutes(18, 48) == 48
    assert an.time_units(an.anesthesia_minutes(18, 60)) == 3      # recorded longer: still surgery + 30


@pytest.mark.parametrize("minutes,units", [
    (0, 0), (4, 0), (5, 1), (14, 1), (15, 1), (19, 1), (20, 2), (44, 3), (45, 3), (49, 3), (50, 4),
    (230, 16),             # 15 blocks + 5 minutes counts
    (229, 15),             # 15 blocks + 4 minutes does not
    (240, 16),             # exactly 4 hours: 16 blocks of 15
    (244, 16),             # 4 minutes past 4 hours: nothing more
    (245, 17),             # 5 minutes past: one 10-minute block
    (250, 17), (254, 17), (255, 18), (300, 22),
])
def test_time_units_boundaries(minutes, units):
    assert an.time_units(minutes) == units


def test_anesthesia_minutes_from_recorded_only():
    assert an.anesthesia_minutes(None, 70) == 70
    assert an.anesthesia_minutes(None, None) is None
    assert an.anesthesia_minutes(90, None) == 120


# ---------------------------------------------------------------------------------------------------- RVU-39 recovery


@pytest.mark.parametrize("surgery,units", [
    (25, 0), (29, 0), (30, 1), (89, 1), (90, 2), (150, 3),
    (209, 3),              # 3 h 29 min: the 4th hour not reached
    (210, 4),              # 3 h 30 min: the 4th recovery unit
    (300, 4), (600, 4),    # never more than 4
])
def test_recovery_units_boundaries(surgery, units):
    assert an.recovery_units(surgery) == units


def _anes(**kw):
    base = dict(book_base=Decimal(5), method="general", surgery_minutes=60, recorded_minutes=90,
                claimed_modifiers=[], recovery_minutes=40)
    base.update(kw)
    return an.anesthesia_units(an.AnesthesiaInput(**base))


def test_total_anesthesia_value():
    u = _anes(claimed_modifiers=["37", "32"], age_years=72, position="prone")
    assert (u.base, u.time, u.modifiers, u.recovery) == (5, 6, 3, 1)     # 90 min → 6; 37 + 32 = 3; 1 h → 1
    assert u.total == 15


def test_base_three_when_book_prints_none_and_no_modifiers_or_recovery():
    u = _anes(book_base=Decimal(0), claimed_modifiers=["37", "39"], age_years=80)
    assert (u.base, u.modifiers, u.recovery) == (3, 0, 0)
    assert {c for c, *_ in u.refused} == {"anes_base3"}


def test_sedation_base_and_time_only():
    u = _anes(method="iv_sedation", claimed_modifiers=["35"], risk=True)
    assert (u.modifiers, u.recovery) == (0, 0)
    assert u.time == 6


def test_35_and_36_not_together_emergency_keeps_36():
    u = _anes(claimed_modifiers=["35", "36"], emergency=True, risk=True)
    assert u.modifiers == 3 and ("mod_35_36", "35", 2) in u.refused
    u = _anes(claimed_modifiers=["35", "36"], emergency=False, risk=True)
    assert u.modifiers == 2 and ("mod_35_36", "36", 3) in u.refused


def test_35_once_per_admission_and_37_at_70():
    assert _anes(claimed_modifiers=["35"], risk=True, modifier_35_used_before=True).modifiers == 0
    assert _anes(claimed_modifiers=["37"], age_years=69).modifiers == 0
    assert _anes(claimed_modifiers=["37"], age_years=70).modifiers == 2


@pytest.mark.parametrize("kw,why", [
    ({"to_icu": True}, "recovery_icu"),
    ({"recovery_minutes": 29}, "recovery_stay"),
    ({"method": "regional_other", "claimed_modifiers": ["39"]}, "recovery_regional"),
    ({"method": "local", "claimed_modifiers": ["39"]}, "recovery_method"),
    ({"recovery_standard": False}, "recovery_standard"),
    ({"recovery_recorded": False, "recovery_minutes": None, "claimed_modifiers": ["39"]}, "recovery_times"),
    ({"surgery_minutes": 29}, "recovery_surgery"),
])
def test_recovery_refused(kw, why):
    u = _anes(**kw)
    assert u.recovery == 0
    assert why in {c for c, *_ in u.refused}


def test_no_recovery_times_and_no_39_claimed_refuses_nothing():
    # code 39 تبصره 3: the recovery times matter for a recovery that was claimed (RVU-35-N1 keeps its citation)
    u = _anes(recovery_recorded=False, recovery_minutes=None)
    assert u.recovery == 0 and "recovery_times" not in {c for c, *_ in u.refused}


def test_recovery_thirty_minutes_in_recovery_is_enough():
    assert _anes(recovery_minutes=30).recovery == 1


# ---------------------------------------------------------------------------------------------------- bed-days


def test_bed_days_date_difference_and_six_hours():
    assert bd.count_bed_days(T("1404/07/01 10:30"), T("1404/07/04 12:00")) == 3
    assert bd.count_bed_days(T("1404/07/01 08:00"), T("1404/07/01 14:00")) == 0     # exactly 6 hours: none
    assert bd.count_bed_days(T("1404/07/01 08:00"), T("1404/07/01 14:01")) == 1     # more than 6 hours: one
    assert bd.count_bed_days(T("1404/07/01 20:00"), T("1404/07/02 01:00")) == 0     # 5 hours across midnight
    assert bd.count_bed_days(T("1404/07/01 20:00"), T("1404/07/02 02:01")) == 1


def test_bed_days_discharge_order_and_leave():
    # the patient left on 07/06 but the physician ordered the discharge on 07/05: counted to 07/05
    assert bd.count_bed_days(T("1404/07/01 10:00"), T("1404/07/06 09:00"), basis_date=D("1404/07/05")) == 4
    assert bd.count_bed_days(T("1404/07/01 10:00"), T("1404/07/06 09:00"), leave_days=2) == 3


def test_two_bed_types_dearer_only_over_six_hours():
    rate = {"icu": 60, "general": 20}.get
    # ICU until 04:00 of 07/03 then general: 07/03 has 4 h ICU → general
    spans = [bd.Span("icu", T("1404/07/01 08:00"), T("1404/07/03 04:00")),
             bd.Span("general", T("1404/07/03 04:00"), T("1404/07/05 09:00"))]
    days = bd.counted_days(T("1404/07/01 08:00"), 4)
    wards = [d.ward for d in bd.assign_wards(spans, days, rate)]
    assert wards == ["icu", "icu", "general", "general"]
    # 6 h 00 in ICU is not "more than 6 hours"; 6 h 01 is
    spans = [bd.Span("icu", T("1404/07/01 00:00"), T("1404/07/01 06:00")),
             bd.Span("general", T("1404/07/01 06:00"), T("1404/07/02 09:00"))]
    assert bd.assign_wards(spans, [D("1404/07/01")], rate)[0].ward == "general"
    spans = [bd.Span("icu", T("1404/07/01 00:00"), T("1404/07/01 06:01")),
             bd.Span("general", T("1404/07/01 06:01"), T("1404/07/02 09:00"))]
    assert bd.assign_wards(spans, [D("1404/07/01")], rate)[0].ward == "icu"


# ---------------------------------------------------------------------------------------------------- RVU-51


def _p(i, rv, **kw):
    return pr.ProcInput(i, f"10000{i}", Decimal(rv), D("1404/07/05"), kw.pop("session", 1), **kw)


def test_multiple_procedures_same_incision_ladder():
    out = pr.multiple_procedure_percents([_p(0, 10), _p(1, 40), _p(2, 20), _p(3, 5), _p(4, 8), _p(5, 3)])
    assert [out[i].percent for i in range(6)] == [25, 100, 50, 5, 10, 5]


def test_two_incisions_one_surgeon_and_two_surgeons():
    out = pr.multiple_procedure_percents([_p(0, 40, surgeon="A"), _p(1, 20, incision="different", surgeon="A"),
                                          _p(2, 10, incision="different", surgeon="A")])
    assert [out[i].percent for i in range(3)] == [100, 80, 80]
    out = pr.multiple_procedure_percents([_p(0, 40, surgeon="A"), _p(1, 20, incision="different", surgeon="B")])
    assert [out[i].percent for i in range(2)] == [100, 100]


def test_bilateral_counts_twice_unless_the_book_says_both_sides():
    out = pr.multiple_procedure_percents([_p(0, 30, bilateral=True, surgeon="A")])
    assert out[0].percents == [100, 80]
    out = pr.multiple_procedure_percents([_p(0, 30, bilateral=True, bilateral_in_description=True)])
    assert out[0].percents == [100]


def test_foot_one_foot_and_both_feet():
    one = pr.multiple_procedure_percents([_p(0, 10, foot=True, laterality="right"),
                                          _p(1, 20, foot=True, laterality="right"),
                                          _p(2, 5, foot=True, laterality="right")])
    assert [one[i].percent for i in range(3)] == [75, 100, 25]
    both = pr.multiple_procedure_percents([_p(0, 10, foot=True, laterality="left"),
                                           _p(1, 20, foot=True, laterality="right")])
    assert [both[i].percent for i in range(2)] == [80, 100]


def test_different_days_and_addons_are_100():
    out = pr.multiple_procedure_percents([_p(0, 40), pr.ProcInput(1, "2", Decimal(20), D("1404/07/07"), 2),
                                          _p(2, 5, addon=True)])
    assert [out[i].percent for i in range(3)] == [100, 100, 100]


def test_qty_counts_as_several_operations():
    out = pr.multiple_procedure_percents([_p(0, 10, qty=3)])
    assert out[0].percents == [100, 50, 25]


# ---------------------------------------------------------------------------------------------------- RVU-63 ages


@pytest.mark.parametrize("admitted,percent", [
    ("1404/01/10", 50),     # newborn
    ("1404/07/10", 50),     # exactly 6 months old: «۶ ماه تمام یا کمتر»
    ("1404/07/11", 25),     # one day past 6 months
    ("1407/01/09", 25),     # the day before the 3rd birthday
    ("1407/01/10", 0),      # the 3rd birthday: no longer «کمتر از ۳ سال»
])
def test_modifier_63_age_boundaries(admitted, percent):
    assert pr.age_percent_63(D("1404/01/10"), D(admitted)) == percent


# ---------------------------------------------------------------------------------------------------- RVU-85, RVU-27


def test_manual_example_85_endoscopic_25_units():
    # «عمل جراحی با ارزش نسبی ۲۵ واحد که به روش آندوسکوپی انجام میگردد، ارزش نسبی برابر ۳۰ واحد و جزء فنی برای
    # اتاق عمل برابر ۱۲ واحد در بخش دولتی و ۷.۵ واحد در بخش خصوصی»
    rv = Decimal(25) * Decimal("1.2")
    assert rv == 30
    gov, how = pr.or_technical_units(rv_professional=Decimal(25), rv_technical=None, in_operating_room=True,
                                     percent=Decimal(100), plus_85=True)
    priv, _ = pr.or_technical_units(rv_professional=Decimal(25), rv_technical=None, in_operating_room=True,
                                    percent=Decimal(100), plus_85=True, sector="private_centre")
    assert (gov, priv, how) == (Decimal(12), Decimal("7.5"), "one_value_or")


def test_or_technical_three_values_and_outside():
    u, how = pr.or_technical_units(rv_professional=Decimal(12), rv_technical=Decimal(8), in_operating_room=False,
                                   percent=Decimal(100), plus_85=False)
    assert (u, how) == (Decimal(8), "three_values")
    u, how = pr.or_technical_units(rv_professional=Decimal(12), rv_technical=None, in_operating_room=False,
                                   percent=Decimal(100), plus_85=False)
    assert (u, how) == (Decimal(0), "outside_or")
    u, _ = pr.or_technical_units(rv_professional=Decimal(40), rv_technical=None, in_operating_room=True,
                                 percent=Decimal(50), plus_85=False)
    assert u == 8                    # 40 % of the final RV 20


def test_professional_multiplier_90_95_cap():
    assert pr.professional_multiplier(full_time=True, government=True, deprivation=None) == 2
    assert pr.professional_multiplier(full_time=True, government=False, deprivation=None) == 1
    assert pr.professional_multiplier(full_time=False, government=True, deprivation=Decimal("1.6")) == Decimal("1.6")
    assert pr.professional_multiplier(full_time=True, government=True, deprivation=Decimal("1.6")) == Decimal("2.6")
    assert pr.professional_multiplier(full_time=True, government=True, deprivation=Decimal(2)) == 3
    assert pr.professional_multiplier(full_time=True, government=True, deprivation=Decimal("2.5")) == 3


# ---------------------------------------------------------------------------------------------------- visits, consultations


def test_visit_count_max_discharge_day():
    disch = T("1404/07/04 10:00")
    assert vs.visit_count_max(3, "physician_order", disch) == 4
    assert vs.visit_count_max(3, "personal_consent", disch) == 3
    assert vs.visit_count_max(3, "death", disch, [vs.VisitIn(0, D("1404/07/04"), T("1404/07/04 08:30"))]) == 4
    assert vs.visit_count_max(3, "death", disch, [vs.VisitIn(0, D("1404/07/04"), T("1404/07/04 10:30"))]) == 3


def test_cap_and_one_visit_a_day():
    visits = [vs.VisitIn(i, D(f"1404/07/0{d}"), None, "A") for i, d in enumerate([1, 2, 2, 3, 4])]
    paid, refused = vs.one_visit_per_day(visits)
    assert refused == [2]
    paid, refused = vs.cap_visits([v for v in visits if v.index != 2], 3, discharge_date=D("1404/07/04"),
                                  discharge_visit_due=False)
    assert paid == [0, 1, 3] and refused == [4]


def test_sixth_consultation_and_third_of_one_specialty():
    c = [vs.ConsultIn(i, D("1404/07/01") + i, s) for i, s in
         enumerate(["cardiology", "cardiology", "cardiology", "cardiology", "neurology", "nephrology",
                    "endocrinology", "psychiatry"])]
    paid, excess = vs.consultation_limits(c)
    # the 4th cardiology is excess; the 6th paid consultation is the 7th written (endocrinology); psychiatry is 7th
    assert paid == [0, 1, 2, 4, 5, 6] and excess == [3, 7]
    paid, excess = vs.consultation_limits(c[:6])
    assert len(paid) == 5 and excess == [3]


# ---------------------------------------------------------------------------------------------------- burns


def test_burn_tables_of_the_manual():
    assert sum(ADULT_TABLE[k] * (2 if k.endswith("limb") else 1) for k in ADULT_TABLE) == 100
    assert sum(CHILD_TABLE[k] * (2 if k.endswith("limb") else 1) for k in CHILD_TABLE) == 100
    adult = [BurnRegionIn("lower_limb", "left"), BurnRegionIn("lower_limb", "right"), BurnRegionIn("head_face_neck"),
             BurnRegionIn("genital")]
    assert tbsa(adult, 30)[0] == 18 + 18 + 9 + 1
    child = [BurnRegionIn("lower_limb", "left"), BurnRegionIn("head_face_neck"), BurnRegionIn("trunk_anterior")]
    assert tbsa(child, 12)[0] == 14 + 18 + 18          # 12 years: still the children's table («بالای ۱۲ سال»)
    assert tbsa(child, 13)[0] == 18 + 9 + 18
    assert tbsa([BurnRegionIn("upper_limb", "left"), BurnRegionIn("upper_limb", "left")], 40)[0] == 9
    assert tbsa_from_area(1700) == 10 and tbsa_from_area(17000) == 100


# ---------------------------------------------------------------------------------------------------- shares, ages


def test_franchise_on_the_total_and_insured_on_base():
    # 10 % of 1,000,005 = 100,000.5 → 100,001 (half up), shared out over the headings
    out = split_shares([500003, 500002], [500003, 500002], "0.10")
    assert sum(i for _, i in out) == 100001 and sum(o for o, _ in out) == 900004
    # RVU-90: the insurer pays the doubled professional component, the insured 10 % of the base only
    assert split_shares([2000000], [1000000], "0.10") == [(1900000, 100000)]


def test_accident_window_and_age():
    assert in_accident_window(D("1404/09/10"), D("1404/07/10"))
    assert not in_accident_window(D("1404/09/11"), D("1404/07/10"))
    assert age_years(D("1334/07/10"), D("1404/07/09")) == 69
    assert age_years(D("1334/07/10"), D("1404/07/10")) == 70
