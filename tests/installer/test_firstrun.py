"""The first run's logic (desktop/firstrun.py): office, database, administrator, reference data, signing key."""
from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest

from desktop import firstrun
from desktop.firstrun import FirstRunError, FirstRunSetup
from desktop.paths import rules_dir

SAMPLE = rules_dir() / "sample"


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("RASIDEGI_HOME", str(h))
    return h


def _office_tariff(tmp_path: Path, edit=None) -> Path:
    """The sample tariff with the price of 100005 changed (an office's own book)."""
    text = (SAMPLE / "tariff.csv").read_text(encoding="utf-8")
    text = text.replace("100005,آسپیراسیون سوزنی (FNA)؛ بدون هدایت رادیولوژیک,,3.8,",
                        "100005,آسپیراسیون سوزنی (FNA)؛ بدون هدایت رادیولوژیک,,4.5,")
    if edit:
        text = edit(text)
    p = tmp_path / "office-tariff.csv"
    p.write_text(text, encoding="utf-8")
    return p


def _setup(**kw) -> FirstRunSetup:
    base = dict(office_name="اداره کل بیمه سلامت استان اصفهان", province="اصفهان", admin_username="admin",
                admin_full_name="مریم احمدی", admin_password="Khorshid-1404", admin_password_again="Khorshid-1404")
    base.update(kw)
    return FirstRunSetup(**base)


def test_provinces_are_the_31_of_iran():
    assert len(firstrun.PROVINCES) == 31 == len(set(firstrun.PROVINCES))
    assert "اصفهان" in firstrun.PROVINCES and "خراسان رضوی" in firstrun.PROVINCES


def test_office_is_cleaned_and_checked():
    # Arabic yeh/kaf typed on an Arabic keyboard layout become Persian; spaces collapse
    name, prov = firstrun.check_office("  اداره كل بيمه   سلامت ", "اصفهان")
    assert name == "اداره کل بیمه سلامت" and prov == "اصفهان"
    with pytest.raises(FirstRunError) as e:
        firstrun.check_office("", "اصفهان")
    assert e.value.field == "office_name" and "نام" in e.value.message_fa
    with pytest.raises(FirstRunError) as e:
        firstrun.check_office("اداره", "Isfahan")
    assert e.value.field == "province"


def test_needs_first_run_until_completed(home):
    assert firstrun.needs_first_run()
    out = firstrun.complete_first_run(_setup())
    assert not firstrun.needs_first_run()
    assert out.admin.username == "admin" and out.admin.role == "admin" and out.admin.may_manage_users
    s = json.loads((home / "settings.json").read_text(encoding="utf-8"))
    assert s["database_url"] is None and s["reference"] == "sample" and s["first_run_completed_at"]
    # the office as the printed sheets read it
    from desktop.printing.settings import load_office
    office = load_office()
    assert office.office == "اداره کل بیمه سلامت استان اصفهان" and office.province == "اصفهان"
    # samples kept: said so
    assert out.reference["sample"] is True
    assert any("نمونه" in n for n in out.notes_fa)
    # the administrator can log in on the embedded database
    from desktop.review.users import Users
    from desktop.store import Store
    with Store.open(firstrun.configured_db_url()) as store:
        assert Users(store).authenticate("admin", "Khorshid-1404").role == "admin"
    if os.name == "posix":
        assert stat.S_IMODE((home / "settings.json").stat().st_mode) == 0o600


def test_signing_key_created_once_0600(home):
    k1 = firstrun.create_signing_key()
    assert k1.created and k1.path.is_file() and len(k1.fingerprint) >= 12
    int(k1.fingerprint, 16)
    if os.name == "posix":
        assert stat.S_IMODE(k1.path.stat().st_mode) == 0o600
    k2 = firstrun.create_signing_key()
    assert not k2.created and k2.fingerprint == k1.fingerprint
    # the printed sheets sign with this very key
    from desktop.printing.seal import office_key
    assert office_key().fingerprint == k1.fingerprint


def test_unreadable_signing_key_is_refused(home):
    p = firstrun.signing_key_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("not a key")
    with pytest.raises(FirstRunError) as e:
        firstrun.create_signing_key()
    assert e.value.field == "signing_key" and "کلید امضا" in e.value.message_fa
    assert p.read_text() == "not a key"     # never replaced


def test_admin_passwords_must_match_and_be_strong(home):
    with pytest.raises(FirstRunError) as e:
        firstrun.complete_first_run(_setup(admin_password_again="other-password"))
    assert e.value.field == "password" and "یکسان" in e.value.message_fa
    assert firstrun.needs_first_run()       # nothing marked done
    with pytest.raises(FirstRunError) as e:
        firstrun.complete_first_run(_setup(admin_password="short", admin_password_again="short"))
    assert e.value.field == "password"
    with pytest.raises(FirstRunError) as e:
        firstrun.complete_first_run(_setup(admin_username="مدیر"))
    assert e.value.field == "username"
    assert firstrun.needs_first_run()


def test_import_office_tariff_and_params(home, tmp_path):
    from desktop.engine.reference import load_default, office_reference_dir
    from desktop.domain.jalali import parse_date

    tariff = _office_tariff(tmp_path)
    params = tmp_path / "office-params.yaml"
    params.write_text('k_professional:\n  government:\n    "1404/01/01": {value: 210000, reference: "مصوبه ۱۴۰۴"}\n',
                      encoding="utf-8")
    out = firstrun.complete_first_run(_setup(tariff=str(tariff), params=str(params)))
    assert (office_reference_dir() / "tariff.csv").read_bytes() == tariff.read_bytes()
    assert (office_reference_dir() / "params.yaml").read_bytes() == params.read_bytes()
    ref = load_default()
    # 4.5 RVU × 210,000 Rials (the office's K) = 945,000 Rials
    assert ref.price("100005", parse_date("1404/03/01"), "government").total == 945_000
    # other tables (k_technical, franchise…) still from the samples: still marked sample
    assert out.reference["sample"] is True and "k_technical.government" in out.reference["sample_parts"]["params"]
    assert "k_professional.government" not in out.reference["sample_parts"]["params"]


def test_bad_tariff_is_refused_whole_and_located(home, tmp_path):
    from desktop.engine.reference import office_reference_dir

    bad = _office_tariff(tmp_path, lambda t: t.replace(",,4.5,", ",,چهار,"))
    problems = firstrun.import_reference(tariff=bad)
    assert problems, "a malformed tariff must be refused"
    p = problems[0]
    assert p.file.endswith("office-tariff.csv") and "row 2" in p.path and "rvu" in p.path
    assert not (office_reference_dir() / "tariff.csv").exists()
    with pytest.raises(FirstRunError) as e:
        firstrun.complete_first_run(_setup(tariff=str(bad)))
    assert e.value.field == "tariff" and e.value.problems and "row 2" in e.value.message_fa
    assert firstrun.needs_first_run()


def test_missing_reference_file(home, tmp_path):
    problems = firstrun.validate_reference(params=tmp_path / "nope.yaml")
    assert problems and problems[0].code == "missing_file" and "پیدا نشد" in problems[0].message_fa


def test_postgres_url_escapes_and_checks():
    url = firstrun.postgres_url("10.0.0.5", "5432", "rasidegi", "reviewer", "p@ss:w/rd")
    from sqlalchemy.engine import make_url
    u = make_url(url)
    assert u.password == "p@ss:w/rd" and u.host == "10.0.0.5" and u.port == 5432 and u.database == "rasidegi"
    with pytest.raises(FirstRunError):
        firstrun.postgres_url("", 5432, "db", "u")
    with pytest.raises(FirstRunError) as e:
        firstrun.postgres_url("h", "port", "db", "u")
    assert "درگاه" in e.value.message_fa


def test_connection_refused_is_explained():
    with socket.socket() as s:           # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    check = firstrun.check_database(firstrun.postgres_url("127.0.0.1", port, "rasidegi", "u", "x"), timeout_s=2)
    assert not check.ok
    assert "نپذیرفت" in check.message_fa or "برقرار نشد" in check.message_fa


@pytest.mark.postgres
def test_office_server(home, pg_fresh_url, monkeypatch):
    check = firstrun.check_database(pg_fresh_url)
    assert check.ok and check.schema == "empty" and check.accounts == 0, check.message_en
    out = firstrun.complete_first_run(_setup(database_url=pg_fresh_url))
    assert out.admin is not None
    assert firstrun.configured_db_url() == pg_fresh_url
    check = firstrun.check_database(pg_fresh_url)
    assert check.ok and check.schema == "current" and check.accounts == 1
    # a second laptop joining the same server: no new administrator, it says so
    other = home.parent / "laptop2"
    monkeypatch.setenv("RASIDEGI_HOME", str(other))
    out2 = firstrun.complete_first_run(_setup(database_url=pg_fresh_url, admin_username="", admin_password=""))
    assert out2.admin is None and any("حساب کاربری دارد" in n for n in out2.notes_fa)


@pytest.mark.postgres
def test_missing_server_database(pg_url):
    from sqlalchemy.engine import make_url
    url = make_url(pg_url).set(database="no_such_db_rasidegi").render_as_string(hide_password=False)
    check = firstrun.check_database(url)
    assert not check.ok and "پایگاه داده‌ای با این نام" in check.message_fa
