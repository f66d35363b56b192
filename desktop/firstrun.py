"""The first run of the program on a laptop (no Qt here: the wizard in desktop/ui/firstrun_wizard.py is a thin face).

What the first run settles, in the order the wizard asks:

1. the office: its name and province (printed on the sheets);
2. where the data lives: the embedded SQLite database in the user-data folder (one laptop), or the office's
   PostgreSQL server (several reviewers sharing batches), with a connection test;
3. the administrator account (skipped when the server already has accounts: a second laptop joins an office);
4. the reference data: the office's tariff book (CSV) and parameters (YAML) imported from files, each validated
   as a whole by desktop.engine.reference before anything is copied — or the shipped SAMPLES kept, and marked so;
5. the office's signing key (Ed25519) for the printed sheets.

Everything is kept in the user-data folder (desktop.paths.user_data_dir(), $RASIDEGI_HOME in tests):

    settings.json          database URL, which reference data, program version, when the first run finished
    office.json            office name and province as printed on the sheets (desktop.printing.settings)
    reference/tariff.csv   the office's tariff book     (desktop.engine.reference.office_reference_dir())
    reference/params.yaml  the office's parameters
    keys/office-ed25519.pem  the office's Ed25519 signing key (desktop.printing.seal.office_key, mode 0600)

`complete_first_run(setup)` does all of it and writes settings.json LAST: if anything fails, the first run is still
pending and the wizard shows again at the next start.  Every refusal is a FirstRunError with a Persian message for
the user, an English one for the log, and the wizard field it concerns.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from desktop.domain.problems import Problem
from desktop.paths import default_db_url, user_data_dir

__all__ = [
    "PROVINCES", "SETTINGS_FILE", "FirstRunError", "default_office_name", "FirstRunSetup",
    "FirstRunOutcome", "DbCheck", "SigningKey", "settings_path", "load_settings", "save_settings",
    "needs_first_run", "configured_db_url", "check_office", "postgres_url", "check_database", "validate_reference",
    "import_reference", "reference_status", "signing_key_path", "create_signing_key", "create_admin",
    "complete_first_run",
]

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
DB_CONNECT_TIMEOUT_S = 5

#: the 31 provinces of Iran (ostan), in Persian alphabetical order
PROVINCES = (
    "آذربایجان شرقی", "آذربایجان غربی", "اردبیل", "اصفهان", "البرز", "ایلام", "بوشهر", "تهران",
    "چهارمحال و بختیاری", "خراسان جنوبی", "خراسان رضوی", "خراسان شمالی", "خوزستان", "زنجان", "سمنان",
    "سیستان و بلوچستان", "فارس", "قزوین", "قم", "کردستان", "کرمان", "کرمانشاه", "کهگیلویه و بویراحمد",
    "گلستان", "گیلان", "لرستان", "مازندران", "مرکزی", "هرمزگان", "همدان", "یزد",
)

_AR_TO_FA = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})


class FirstRunError(Exception):
    """A first-run step refused; `field` names the wizard field or step (office_name, province, database,
    username, full_name, password, tariff, params, signing_key, settings)."""

    def __init__(self, message_en: str, message_fa: str, field: str = "", problems: list[Problem] | None = None):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa
        self.field = field
        self.problems = list(problems or [])


# ---------------------------------------------------------------------------------------------------------------
# settings.json

def settings_path() -> Path:
    return user_data_dir() / SETTINGS_FILE


def load_settings() -> dict:
    """The settings (an empty dict before the first run).  A damaged file is reported, not silently replaced."""
    p = settings_path()
    if not p.is_file():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FirstRunError(f"{p}: cannot read the settings ({exc})",
                            f"{p}: فایل تنظیمات خوانده نشد ({exc})", "settings") from None
    if not isinstance(data, dict):
        raise FirstRunError(f"{p}: the settings must be a JSON object",
                            f"{p}: قالب فایل تنظیمات نادرست است", "settings")
    return data


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write atomically (temp file + rename) with `mode` from the first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save_settings(updates: dict) -> dict:
    """Merge `updates` into settings.json (atomic; mode 0600: it may hold the server's password)."""
    data = load_settings()
    data.update(updates)
    _write_private(settings_path(), (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return data


def needs_first_run() -> bool:
    """True until complete_first_run() has succeeded in this user-data folder."""
    try:
        return not load_settings().get("first_run_completed_at")
    except FirstRunError:
        return True


def configured_db_url() -> str:
    """The database chosen at the first run: the office server's URL, else the embedded SQLite default.

    A damaged settings file is a StoreError, not the SQLite default: an office working on its PostgreSQL server
    must not silently start writing decisions into a local file nobody else sees."""
    try:
        url = load_settings().get("database_url")
    except FirstRunError as exc:
        from desktop.store import StoreError
        raise StoreError(exc.message_en, exc.message_fa, "settings") from None
    if url is not None and not isinstance(url, str):
        from desktop.store import StoreError
        raise StoreError(f"{settings_path()}: database_url must be a string",
                         f"{settings_path()}: نشانی پایگاه داده در فایل تنظیمات نادرست است", "settings")
    return url or default_db_url()


# ---------------------------------------------------------------------------------------------------------------
# the office

def _clean(text: str | None) -> str:
    return " ".join((text or "").translate(_AR_TO_FA).split())


def default_office_name(province: str) -> str:
    """What the sheets print when nothing else is said: «اداره کل بیمه سلامت استان …»."""
    return f"اداره کل بیمه سلامت استان {province}" if province else ""


def check_office(name: str, province: str) -> tuple[str, str]:
    """The office name and province, cleaned (Arabic ی/ک → Persian, spaces collapsed); FirstRunError if not valid."""
    name, province = _clean(name), _clean(province)
    if len(name) < 2:
        raise FirstRunError("the office name is required", "نام اداره کل یا دفتر را بنویسید", "office_name")
    if len(name) > 120:
        raise FirstRunError("the office name is longer than 120 characters",
                            "نام اداره بیش از ۱۲۰ نویسه است", "office_name")
    if province not in PROVINCES:
        raise FirstRunError(f"unknown province {province!r}", "استان را از فهرست انتخاب کنید", "province")
    return name, province


# ---------------------------------------------------------------------------------------------------------------
# the office's PostgreSQL server

def postgres_url(host: str, port: int | str, database: str, user: str, password: str = "") -> str:
    """A `postgresql+psycopg://` URL (password included, special characters escaped)."""
    from sqlalchemy.engine import URL

    host, database, user = (host or "").strip(), (database or "").strip(), (user or "").strip()
    if not host:
        raise FirstRunError("the server address is required", "نشانی سرور را بنویسید", "database")
    if not database or not user:
        raise FirstRunError("the database name and the user are required",
                            "نام پایگاه داده و نام کاربری سرور را بنویسید", "database")
    try:
        port_n = int(str(port).strip() or 5432)
        if not 0 < port_n < 65536:
            raise ValueError
    except ValueError:
        raise FirstRunError(f"port {port!r} is not a number between 1 and 65535",
                            "درگاه (پورت) باید عددی بین ۱ و ۶۵۵۳۵ باشد", "database") from None
    url = URL.create("postgresql+psycopg", username=user, password=password or None, host=host, port=port_n,
                     database=database)
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class DbCheck:
    """The outcome of check_database(): `ok`, what to tell the user, and what the server holds."""
    ok: bool
    message_en: str
    message_fa: str
    server_version: str = ""
    schema: str = ""          # "empty" (will be created), "current", "older" (will be migrated), "newer"
    accounts: int = 0         # user accounts already on the server (then no new administrator is asked for)


def _pg_reason(exc: Exception) -> tuple[str, str]:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else exc.__class__.__name__
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        fa = "نام کاربری یا گذرواژهٔ سرور پایگاه داده نادرست است"
    elif "does not exist" in low and "database" in low:
        fa = "پایگاه داده‌ای با این نام روی سرور نیست؛ از مسئول فناوری اطلاعات بخواهید آن را بسازد"
    elif "role" in low and "does not exist" in low:
        fa = "این نام کاربری روی سرور پایگاه داده تعریف نشده است"
    elif "timeout" in low or "timed out" in low:
        fa = "سرور در زمان مقرر پاسخ نداد؛ نشانی سرور و اتصال شبکهٔ اداره را بررسی کنید"
    elif "refused" in low:
        fa = "سرور اتصال را نپذیرفت؛ نشانی و درگاه (پورت) را بررسی کنید و اینکه PostgreSQL روشن باشد"
    elif "translate host name" in low or "name or service not known" in low or "nodename" in low:
        fa = "نشانی سرور پیدا نشد؛ نام یا نشانی IP سرور را بررسی کنید"
    elif "pg_hba.conf" in low:
        fa = "سرور اجازهٔ اتصال از این رایانه را نمی‌دهد (pg_hba.conf)؛ به مسئول فناوری اطلاعات اطلاع دهید"
    else:
        fa = "اتصال به سرور پایگاه داده برقرار نشد"
    return first, f"{fa} ({first})"


def check_database(url: str, timeout_s: int = DB_CONNECT_TIMEOUT_S) -> DbCheck:
    """Try the office server at `url`: connect (within `timeout_s`), read its version, and whether it already holds
    this program's tables and accounts.  Changes nothing on the server."""
    import psycopg
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
    except ArgumentError:
        return DbCheck(False, f"not a database URL: {url!r}", "نشانی پایگاه داده نامعتبر است")
    if not u.drivername.startswith("postgres"):
        return DbCheck(False, "only PostgreSQL servers are tested here", "فقط سرور PostgreSQL قابل آزمون است")
    kwargs = {k: v for k, v in dict(host=u.host, port=u.port, dbname=u.database, user=u.username,
                                    password=u.password).items() if v is not None}
    try:
        with psycopg.connect(connect_timeout=max(1, int(timeout_s)), autocommit=True, **kwargs) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            has_alembic = conn.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()[0]
            current: set[str] = set()
            if has_alembic:
                current = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
            accounts = 0
            if conn.execute("SELECT to_regclass('public.users') IS NOT NULL").fetchone()[0]:
                accounts = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    except psycopg.Error as exc:
        en, fa = _pg_reason(exc)
        return DbCheck(False, f"cannot connect: {en}", fa)
    schema = _schema_state(current)
    shown = u.render_as_string(hide_password=True)
    if schema == "newer":
        return DbCheck(False, f"{shown}: the database was made by a newer version of the program",
                       "پایگاه داده روی سرور را نسخهٔ جدیدتری از برنامه ساخته است؛ ابتدا برنامه را به‌روز کنید",
                       version, schema, accounts)
    fa_state = {"empty": "پایگاه داده خالی است و جدول‌های برنامه در آن ساخته می‌شود",
                "current": "پایگاه داده آمادهٔ کار است",
                "older": "پایگاه داده از نسخهٔ قبلی برنامه است و به‌روز می‌شود"}[schema]
    return DbCheck(True, f"connected to {shown} (PostgreSQL {version}); schema {schema}, {accounts} accounts",
                   f"اتصال برقرار شد (PostgreSQL {version})؛ {fa_state}", version, schema, accounts)


def _schema_state(current: set[str]) -> str:
    from alembic.script import ScriptDirectory

    from desktop.store.db import alembic_config

    if not current:
        return "empty"
    script = ScriptDirectory.from_config(alembic_config())
    heads = set(script.get_heads())
    if current == heads:
        return "current"
    known = {rev.revision for rev in script.walk_revisions()}
    return "newer" if current - known else "older"


# ---------------------------------------------------------------------------------------------------------------
# reference data: the office's tariff book and parameters

def validate_reference(tariff: str | os.PathLike | None = None,
                       params: str | os.PathLike | None = None) -> list[Problem]:
    """Every problem of the given files (empty = both usable), checked as the engine will read them: each file on
    its own, then together with the shipped samples they overlay."""
    from desktop.engine.reference import load_tariff, load_params

    problems: list[Problem] = []
    for path, label in ((tariff, "tariff"), (params, "params")):
        if path is None:
            continue
        p = Path(path)
        if not p.is_file():
            problems.append(Problem(str(p), "", "the file does not exist", "فایل پیدا نشد", "missing_file"))
            continue
        _, found = (load_tariff if label == "tariff" else load_params)(p)
        problems += found
    return problems


def import_reference(tariff: str | os.PathLike | None = None,
                     params: str | os.PathLike | None = None) -> list[Problem]:
    """Validate the office's files and, only if both are free of problems, copy them into
    office_reference_dir() (as tariff.csv / params.yaml).  Returns the problems (nothing copied if any).
    The copy is checked once more through desktop.engine.reference.load_default(); if that refuses the
    combination, the previous files are put back."""
    from desktop.domain.problems import InputError
    from desktop.engine.reference import load_default, office_reference_dir

    problems = validate_reference(tariff, params)
    if problems:
        return problems
    dest = office_reference_dir()
    dest.mkdir(parents=True, exist_ok=True)
    moves = [(Path(src), dest / name) for src, name in ((tariff, "tariff.csv"), (params, "params.yaml"))
             if src is not None]
    saved: list[tuple[Path, bytes | None]] = []
    for src, target in moves:
        saved.append((target, target.read_bytes() if target.is_file() else None))
        _write_private(target, src.read_bytes(), 0o644)
    try:
        load_default()
    except InputError as exc:
        for target, old in saved:
            if old is None:
                target.unlink(missing_ok=True)
            else:
                _write_private(target, old, 0o644)
        return list(exc.problems)
    return []


def reference_status() -> dict:
    """What the engine will price with: {'sample': bool, 'tariff_rows': n, 'params': [names],
    'office_files': [paths], 'sample_parts': {...}}."""
    from desktop.engine.reference import load_default, office_reference_dir

    ref = load_default()
    office = office_reference_dir()
    files = [str(p) for p in (office / "tariff.csv", office / "params.yaml") if p.is_file()]
    return {"sample": ref.sample, "tariff_rows": len(ref.tariff), "params": ref.params.names(),
            "office_files": files, "sample_parts": ref.sample_parts}


# ---------------------------------------------------------------------------------------------------------------
# the office's signing key

@dataclass(frozen=True)
class SigningKey:
    path: Path
    fingerprint: str          # desktop.printing.seal.fingerprint (hex digits of SHA-256 of the raw public key)
    created: bool             # False: an existing key was kept


def signing_key_path() -> Path:
    from desktop.printing.seal import KEY_FILE
    return user_data_dir() / "keys" / KEY_FILE


def create_signing_key() -> SigningKey:
    """The office's Ed25519 key of the printed sheets (desktop.printing.seal.office_key: PKCS#8 PEM, mode 0600, in
    `<user data>/keys/`), created now if there is none.  An existing key is never replaced: sheets signed with it
    must stay verifiable."""
    from desktop.printing.seal import SealError, office_key

    path = signing_key_path()
    existed = path.is_file()
    try:
        key = office_key()
    except SealError as exc:
        raise FirstRunError(f"the existing signing key cannot be used: {exc}",
                            f"کلید امضای موجود اداره قابل استفاده نیست؛ به مسئول فناوری اطلاعات اطلاع دهید ({path})",
                            "signing_key") from None
    return SigningKey(key.path, key.fingerprint, not existed)


# ---------------------------------------------------------------------------------------------------------------
# the administrator account

def create_admin(store, username: str, full_name: str, password: str, password_again: str | None = None):
    """The first account of an empty database: an administrator (desktop.review.users.Users).  Returns the User."""
    from desktop.review.errors import ReviewError
    from desktop.review.users import Users

    if password_again is not None and password != password_again:
        raise FirstRunError("the two passwords differ", "گذرواژه و تکرار آن یکسان نیستند", "password")
    users = Users(store)
    try:
        return users.create(None, username, full_name, "admin", password)
    except ReviewError as exc:
        fieldname = {"bad_username": "username", "duplicate_user": "username", "bad_name": "full_name",
                     "weak_password": "password"}.get(exc.code, "username")
        if exc.code == "forbidden":
            raise FirstRunError("the database already has accounts: log in with an existing administrator",
                                "این پایگاه داده حساب کاربری دارد؛ با حساب مدیر موجود وارد شوید",
                                "username") from None
        raise FirstRunError(exc.message_en, exc.message_fa, fieldname) from None


# ---------------------------------------------------------------------------------------------------------------
# all of it

@dataclass
class FirstRunSetup:
    """What the wizard collected.  `database_url` None = the embedded SQLite database.  `tariff`/`params` None =
    keep the shipped samples for that file.  The administrator is skipped when the database already has accounts
    (an office server another laptop set up)."""
    office_name: str
    province: str
    admin_username: str = ""
    admin_full_name: str = ""
    admin_password: str = ""
    admin_password_again: str | None = None
    database_url: str | None = None
    tariff: str | None = None
    params: str | None = None


@dataclass
class FirstRunOutcome:
    settings: dict
    admin: Any = None                  # the User created, or None when the database already had accounts
    signing_key: SigningKey | None = None
    reference: dict = field(default_factory=dict)
    notes_fa: list[str] = field(default_factory=list)


def _app_version() -> str:
    try:
        from importlib.metadata import version
        return version("rasidegi")
    except Exception:  # noqa: BLE001  (a frozen bundle without metadata)
        return "unknown"


def complete_first_run(setup: FirstRunSetup) -> FirstRunOutcome:
    """Validate everything, then: open (create / migrate) the database, create the administrator, import the
    reference files, create the signing key, and finally write settings.json.  FirstRunError on any refusal; the
    first run then stays pending (nothing is marked done)."""
    from desktop.domain.problems import InputError
    from desktop.store import StoreError
    from desktop.upgrade import open_store

    office, province = check_office(setup.office_name, setup.province)
    url = setup.database_url or None
    if url is not None:
        check = check_database(url)
        if not check.ok:
            raise FirstRunError(check.message_en, check.message_fa, "database")
    problems = validate_reference(setup.tariff, setup.params)
    if problems:
        raise FirstRunError(f"{len(problems)} problem(s) in the reference files: {problems[0].format_en()}",
                            f"{len(problems)} مشکل در فایل‌های تعرفه/پارامترها: {problems[0].format_fa()}",
                            "tariff" if problems[0].file == str(setup.tariff) else "params", problems)
    notes: list[str] = []
    try:
        store = open_store(url or default_db_url())
    except StoreError as exc:
        raise FirstRunError(exc.message_en, exc.message_fa, "database") from None
    try:
        from desktop.review.users import Users
        admin = None
        if Users(store).count() == 0:
            admin = create_admin(store, setup.admin_username, setup.admin_full_name, setup.admin_password,
                                 setup.admin_password_again)
        else:
            notes.append("پایگاه داده حساب کاربری دارد؛ حساب مدیر تازه‌ای ساخته نشد")
    finally:
        store.close()
    if setup.tariff is not None or setup.params is not None:
        problems = import_reference(setup.tariff, setup.params)
        if problems:
            raise FirstRunError(f"the reference files were refused: {problems[0].format_en()}",
                                f"فایل‌های تعرفه/پارامترها پذیرفته نشد: {problems[0].format_fa()}", "tariff",
                                problems)
    try:
        status = reference_status()
    except InputError as exc:          # the office's files already in place (an earlier install) are broken
        raise FirstRunError(f"the loaded reference files are invalid: {exc.problems[0].format_en()}",
                            f"فایل‌های تعرفه/پارامترهای موجود اداره نامعتبر است: {exc.problems[0].format_fa()}",
                            "tariff", exc.problems) from None
    if status["sample"]:
        notes.append("تعرفه یا پارامترهای «نمونه» (غیررسمی) در کار است؛ مدیر باید تعرفهٔ رسمی اداره را وارد کند")
    from desktop.printing.settings import OfficeSettings, load_office, save_office
    try:
        current = load_office()
    except InputError:
        current = OfficeSettings()
    save_office(OfficeSettings(organization=current.organization, office=office, unit=current.unit,
                               province=province))
    key = create_signing_key()
    if not key.created:
        notes.append("کلید امضای موجود اداره نگه داشته شد")
    settings = save_settings({
        "database_url": url,
        "reference": "sample" if status["sample"] else "office",
        "signing_key_fingerprint": key.fingerprint,
        "app_version": _app_version(),
        "first_run_completed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })
    settings = dict(settings, office_name=office, province=province)
    log.info("first run completed: office %r (%s), database %s, reference %s", office, province,
             "server" if url else "embedded", settings["reference"])
    return FirstRunOutcome(settings, admin, key, status, notes)
