"""Users and roles of the reviewer's desk: log in, the pen a role writes with, account management.

Roles (manual ماده ۲۰-۳: the technical reviewer marks in green, the accountant in red):

    technical   کارشناس فنی          green pen
    accounting  کارشناس حسابداری     red pen
    admin       مدیر سامانه           manages accounts, marks nothing

A technical reviewer or an accountant may also be allowed to manage accounts (`can_admin`): in a small office
the head of the review unit is both.  Passwords are hashed with argon2id (argon2-cffi); nothing else about a
password is stored.  Every account change and every log-in (failed or not) is written to `user_events`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, insert, select, update

from desktop.domain.fa import fa_digits
from desktop.store import jsontext
from desktop.store.db import write_connection

from .errors import ReviewError
from .queries import engine_of
from .tables import ROLES, user_events, users

__all__ = ["User", "ROLES", "ROLE_FA", "PEN", "PEN_FA", "Users", "MIN_PASSWORD"]

ROLE_FA = {"technical": "کارشناس فنی", "accounting": "کارشناس حسابداری", "admin": "مدیر سامانه"}
PEN = {"technical": "green", "accounting": "red"}
PEN_FA = {"green": "سبز", "red": "قرمز"}
MIN_PASSWORD = 8
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,40}$")

# argon2id with the library's defaults (RFC 9106 "low memory" profile); tests may pass a cheaper hasher
_HASHER = PasswordHasher()


@dataclass(frozen=True, slots=True)
class User:
    username: str
    full_name: str
    role: str
    can_admin: bool = False
    active: bool = True

    @property
    def pen(self) -> str | None:
        """`green` (technical review), `red` (accounting), None (an administrator marks nothing)."""
        return PEN.get(self.role)

    @property
    def may_mark(self) -> bool:
        return self.pen is not None

    @property
    def may_manage_users(self) -> bool:
        return self.role == "admin" or self.can_admin

    @property
    def role_fa(self) -> str:
        return ROLE_FA[self.role]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _user(row) -> User:
    return User(row.username, row.full_name, row.role, bool(row.can_admin), bool(row.active))


class Users:
    """The accounts of one database (a Store)."""

    def __init__(self, store, hasher: PasswordHasher | None = None):
        self._engine = engine_of(store)
        self._hasher = hasher or _HASHER

    # --- reading ---------------------------------------------------------------------------------------

    def count(self) -> int:
        with self._engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(users)).scalar()

    def list(self) -> list[User]:
        with self._engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]

    def get(self, username: str) -> User | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        return None if row is None else _user(row)

    def audit(self, username: str | None = None) -> list[dict]:
        """The account events, oldest first (all accounts, or one)."""
        q = select(user_events).order_by(user_events.c.pk)
        if username is not None:
            q = q.where(user_events.c.username == username)
        with self._engine.connect() as conn:
            return [dict(at=r.at, who=r.who, username=r.username, action=r.action,
                         **jsontext.loads(r.detail_json)) for r in conn.execute(q)]

    # --- log in ----------------------------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> User:
        """The user, if the password is right and the account active; ReviewError(`bad_login`) otherwise (the
        same message whichever was wrong)."""
        username = (username or "").strip()
        with write_connection(self._engine) as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
            ok = False
            if row is not None and row.active:
                try:
                    ok = self._hasher.verify(row.password_hash, password or "")
                except (VerifyMismatchError, VerificationError, InvalidHashError):
                    ok = False
                if ok and self._hasher.check_needs_rehash(row.password_hash):
                    conn.execute(update(users).where(users.c.pk == row.pk)
                                 .values(password_hash=self._hasher.hash(password)))
            if row is not None:
                self._log(conn, username, username, "login" if ok else "login_failed", {})
        if not ok:
            raise ReviewError("wrong user name or password, or the account is inactive",
                              "نام کاربری یا گذرواژه نادرست است یا حساب غیرفعال است", "bad_login")
        return _user(row)

    # --- managing accounts -----------------------------------------------------------------------------

    def _require_admin(self, actor: User | None) -> str:
        if actor is None:
            if self.count() == 0:
                return "system"          # the first account of a fresh database
            raise ReviewError("only an administrator may manage accounts",
                              "فقط مدیر سامانه می‌تواند حساب‌ها را مدیریت کند", "forbidden")
        current = self.get(actor.username)      # rights as they stand now, not as at log-in
        if current is None or not current.active or not current.may_manage_users:
            raise ReviewError(f"{actor.username} may not manage accounts",
                              "فقط مدیر سامانه می‌تواند حساب‌ها را مدیریت کند", "forbidden")
        return actor.username

    def create(self, actor: User | None, username: str, full_name: str, role: str, password: str, *,
               can_admin: bool = False) -> User:
        """Add an account.  `actor` None is allowed only for the first account of an empty database (which
        is then always allowed to manage accounts)."""
        who = self._require_admin(actor)
        username = (username or "").strip()
        full_name = (full_name or "").strip()
        if not _USERNAME.match(username):
            raise ReviewError(f"user name {username!r}: 2-40 Latin letters, digits, '.', '_' or '-'",
                              "نام کاربری باید ۲ تا ۴۰ حرف لاتین، رقم، نقطه، خط زیر یا خط تیره باشد",
                              "bad_username")
        if not full_name:
            raise ReviewError("the full name is required", "نام و نام خانوادگی را بنویسید", "bad_name")
        self._check_role(role)
        self._check_password(password)
        if who == "system":
            can_admin = True
        with write_connection(self._engine) as conn:
            if conn.execute(select(users.c.pk).where(users.c.username == username)).first() is not None:
                raise ReviewError(f"user name {username!r} is taken",
                                  f"نام کاربری «{username}» پیش‌تر ثبت شده است", "duplicate_user")
            conn.execute(insert(users).values(
                username=username, full_name=full_name, role=role, can_admin=bool(can_admin), active=True,
                password_hash=self._hasher.hash(password), created_at=_now(), created_by=who))
            self._log(conn, who, username, "created", {"role": role, "can_admin": bool(can_admin)})
        return User(username, full_name, role, bool(can_admin), True)

    def set_password(self, actor: User, username: str, password: str) -> None:
        """An administrator sets anyone's password; a user may change their own."""
        if actor.username != username:
            self._require_admin(actor)
        self._check_password(password)
        self._change(actor.username, username, "password", {}, password_hash=self._hasher.hash(password))

    def set_role(self, actor: User, username: str, role: str, *, can_admin: bool | None = None) -> None:
        self._require_admin(actor)
        self._check_role(role)
        values = {"role": role}
        if can_admin is not None:
            values["can_admin"] = bool(can_admin)
        self._guard_last_admin(username, values)
        self._change(actor.username, username, "role", {k: v for k, v in values.items()}, **values)

    def set_active(self, actor: User, username: str, active: bool) -> None:
        self._require_admin(actor)
        if not active and actor.username == username:
            raise ReviewError("you cannot deactivate your own account",
                              "نمی‌توانید حساب خودتان را غیرفعال کنید", "forbidden")
        if not active:
            self._guard_last_admin(username, {"active": False})
        self._change(actor.username, username, "active", {"active": bool(active)}, active=bool(active))

    # --- helpers ---------------------------------------------------------------------------------------

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise ReviewError(f"unknown role {role!r} (one of {', '.join(ROLES)})",
                              f"نقش «{role}» تعریف نشده است", "bad_role")

    @staticmethod
    def _check_password(password: str) -> None:
        if not isinstance(password, str) or len(password) < MIN_PASSWORD:
            raise ReviewError(f"a password needs at least {MIN_PASSWORD} characters",
                              f"گذرواژه باید دست‌کم {fa_digits(MIN_PASSWORD)} نویسه باشد",
                              "weak_password")

    def _guard_last_admin(self, username: str, values: dict) -> None:
        """Never leave the database without an active account that can manage accounts."""
        admins = [u for u in self.list() if u.active and u.may_manage_users]
        if [a.username for a in admins] != [username]:
            return
        after_role = values.get("role", admins[0].role)
        after_can = values.get("can_admin", admins[0].can_admin)
        after_active = values.get("active", True)
        if not after_active or not (after_role == "admin" or after_can):
            raise ReviewError("this is the last account that can manage accounts",
                              "این آخرین حسابی است که می‌تواند حساب‌ها را مدیریت کند", "last_admin")

    def _change(self, who: str, username: str, action: str, detail: dict, **values) -> None:
        with write_connection(self._engine) as conn:
            done = conn.execute(update(users).where(users.c.username == username)
                                .values(changed_at=_now(), **values)).rowcount
            if not done:
                raise ReviewError(f"no account {username!r}", f"حساب «{username}» وجود ندارد", "unknown_user")
            self._log(conn, who, username, action, detail)

    @staticmethod
    def _log(conn, who: str, username: str, action: str, detail: dict) -> None:
        conn.execute(insert(user_events).values(at=_now(), who=who, username=username, action=action,
                                                detail_json=jsontext.dumps(detail)))
