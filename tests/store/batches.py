"""Small normalised claim-batch/1 dicts for the store tests (what the intake hands over)."""
from __future__ import annotations

import copy
import hashlib
import json


def sha(batch: dict) -> str:
    return hashlib.sha256(json.dumps(batch, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def prescription(seq: int, national_id: str, served_on: str, *items: tuple[str, int, int]) -> dict:
    """items: (code, qty, requested total)."""
    return {
        "seq": seq,
        "insured": {"national_id": national_id, "name": "زهرا احمدی‌نژاد", "sex": "F", "birth_date": "1360/05/01",
                    "insurance_no": "12-345", "fund": "rural", "referral_required": True, "special_patient": False},
        "prescriber": {"council_no": "98765", "name": "دکتر کاظمی", "specialty": "orthopedics",
                       "role": "physician", "resident_year": None, "full_time_faculty": False},
        "prescribed_on": served_on[:8] + "01",
        "served_on": served_on,
        "diagnosis": "درد زانوی راست",
        "sheet": "first",
        "paper": {"signature": "original", "council_stamp": True, "erasure": "none", "handwritings": 1},
        "referral": {"from_council_no": None, "names_provider": None},
        "tracking_code": None,
        "approval": None,
        "attachments": [],
        "items": [{"line": i, "code": code, "description": "سنجش تراکم استخوان", "qty": qty,
                   "requested": {"total": total, "insured": total * 3 // 10, "org": total - total * 3 // 10},
                   "details": {"laterality": "right", "sessions": ["1404/07/02", "1404/07/03"]}}
                  for i, (code, qty, total) in enumerate(items, start=1)],
        "x_vendor_field": {"kept": True, "note": "unknown keys are kept"},
    }


def bill(seq: int, national_id: str, admitted_at: str) -> dict:
    return {
        "seq": seq,
        "insured": {"national_id": national_id, "name": "علی رضایی", "sex": "M", "birth_date": "1350/01/01",
                    "fund": "iranians"},
        "admission_order": {"prescriber": {"council_no": "45678", "specialty": "cardiology", "role": "physician"},
                            "diagnosis": "unstable angina", "on": admitted_at[:10], "sheet": "second"},
        "admitted_at": admitted_at, "discharged_at": admitted_at[:8] + "28 12:00",
        "discharge": "physician_order", "leave_days": 0, "emergency": False, "global_package": None,
        "accident": None,
        "stays": [{"ward": "post_ccu", "beds": 1, "from": admitted_at, "to": admitted_at[:8] + "28 12:00"}],
        "procedures": [{"code": "900672", "on": admitted_at[:10], "session": 1, "modifiers": ["85"],
                        "surgeon": {"council_no": "45679"}}],
        "headings": {"hoteling": {"requested": 30_000_000},
                     "lab": {"requested": 4_500_000, "lines": [{"code": "805000", "qty": 2, "on": admitted_at[:10]},
                                                              {"code": None, "service": "injection", "qty": 1}]},
                     "drugs": {"requested": 1_234_567, "lines": [{"name": "آسپرین", "irc": "123", "qty": 2,
                                                                  "unit_price": 1500.5, "ordered": True}]}},
        "attachments": ["operation_note", "insurance_card_copy"],
    }


def batch(batch_id: str, period: str, provider_code: str = "PRV-2231", *, prescriptions=(), bills=(),
          **extra) -> dict:
    b = {
        "format": "claim-batch/1",
        "batch": {
            "id": batch_id, "period": period, "fund": "rural", "submitted_on": period + "/28",
            "provider": {"code": provider_code, "name": "مرکز تصویربرداری نمونه", "kind": "radiology",
                         "sector": "private", "city": "اصفهان", "province": "isfahan",
                         "technical_director": {"council_no": "12345", "name": "دکتر نمونه",
                                                "specialty": "radiology"},
                         "contract": {"from": "1402/01/01", "to": "1405/12/29", "rural": True,
                                      "suspensions": [{"from": "1403/05/01", "to": "1403/05/31"}]},
                         "equipment": ["msct_16"], "accreditation": {"hospital": "1", "wards": {"icu": "2"}},
                         "deprivation_grade": None},
            "declared": {"count": len(prescriptions) + len(bills), "total": 987_654_000_000,
                         "insured_share": None, "org_share": 0},
        },
        "prescriptions": [copy.deepcopy(p) for p in prescriptions],
        "bills": [copy.deepcopy(b) for b in bills],
    }
    b.update(extra)
    return b
