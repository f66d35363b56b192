"""Users and roles: argon2 hashes, log-in, the pen of a role, account management by administrators only."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.review.errors import ReviewError
from desktop.review.queries import engine_of
from desktop.review.tables import users as users_table
from desktop.review.users import User, Users
from desktop.store import Store

from .conftest import CHEAP


@pytest.fixture
def accounts(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'u.sqlite'}")
    yield Users(store, CHEAP)
    store.close()


def test_the_first_account_needs_no_actor_and_may_manage_accounts(accounts):
    assert accounts.count() == 0
    first = accounts.create(None, "sara", "سارا احمدی", "technical", "secret-123")
    assert first.may_manage_users and first.pen == "green" and first.may_mark
    with pytest.raises(ReviewError) as e:
        accounts.create(None, "reza", "رضا", "accounting", "secret-123")
    assert e.value.code == "forbidden" and "مدیر" in e.value.message_fa
    reza = accounts.create(first, "reza", "رضا کریمی", "accounting", "secret-456")
    assert reza.pen == "red" and not reza.may_manage_users
    with pytest.raises(ReviewError) as e:
        accounts.create(reza, "x1", "x", "technical", "secret-789")
    assert e.value.code == "forbidden"
    admin = accounts.create(first, "boss", "مدیر", "admin", "secret-000")
    assert admin.pen is None and not admin.may_mark and admin.may_manage_users


def test_passwords_are_argon2_hashes_and_log_in_checks_them(accounts):
    accounts.create(None, "sara", "سارا احمدی", "technical", "secret-123")
    with engine_of(accounts_store(accounts)).connect() as conn:
        stored = conn.execute(select(users_table.c.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and "secret-123" not in stored
    user = accounts.authenticate("sara", "secret-123")
    assert user == User("sara", "سارا احمدی", "technical", True, True)
    for name, pw in (("sara", "wrong-pass"), ("nobody", "secret-123"), ("sara", "")):
        with pytest.raises(ReviewError) as e:
            accounts.authenticate(name, pw)
        assert e.value.code == "bad_login"
        assert e.value.message_fa == "نام کاربری یا گذرواژه نادرست است یا حساب غیرفعال است"
    actions = [e["action"] for e in accounts.audit("sara")]
    assert actions == ["created", "login", "login_failed", "login_failed"]


def accounts_store(accounts: Users):
    class _S:
        _engine = accounts._engine
    return _S()


def test_validation_of_new_accounts(accounts):
    first = accounts.create(None, "sara", "سارا", "technical", "secret-123")
    cases = [(("ب", "x", "technical", "secret-123"), "bad_username"),
             (("ok.name", " ", "technical", "secret-123"), "bad_name"),
             (("ok.name", "x", "pharmacist", "secret-123"), "bad_role"),
             (("ok.name", "x", "technical", "short"), "weak_password"),
             (("sara", "x", "technical", "secret-123"), "duplicate_user")]
    for args, code in cases:
        with pytest.raises(ReviewError) as e:
            accounts.create(first, *args)
        assert e.value.code == code and e.value.message_fa
    assert "۸" in pytest.raises(ReviewError, accounts.create, first, "ok", "x", "technical", "1").value.message_fa


def test_deactivation_roles_and_the_last_administrator(accounts):
    sara = accounts.create(None, "sara", "سارا", "technical", "secret-123")
    reza = accounts.create(sara, "reza", "رضا", "accounting", "secret-456")
    with pytest.raises(ReviewError) as e:
        accounts.set_active(sara, "sara", False)
    assert e.value.code == "forbidden"
    with pytest.raises(ReviewError) as e:
        accounts.set_role(sara, "sara", "technical", can_admin=False)     # would leave nobody to manage accounts
    assert e.value.code == "last_admin"
    accounts.set_active(sara, "reza", False)
    with pytest.raises(ReviewError):
        accounts.authenticate("reza", "secret-456")
    accounts.set_active(sara, "reza", True)
    accounts.set_role(sara, "reza", "admin")
    assert accounts.get("reza").may_manage_users
    accounts.set_role(sara, "sara", "accounting", can_admin=False)        # reza still manages accounts now
    assert accounts.get("sara").pen == "red"
    accounts.set_password(reza, "sara", "new-secret-1")
    assert accounts.authenticate("sara", "new-secret-1").username == "sara"
    plain = accounts.get("sara")
    accounts.set_password(plain, "sara", "own-secret-2")                   # anyone changes their own
    with pytest.raises(ReviewError):
        accounts.set_password(plain, "reza", "whatever-123")               # not someone else's
    with pytest.raises(ReviewError) as e:
        accounts.set_active(reza, "ghost", False)
    assert e.value.code == "unknown_user"
    assert {"created", "active", "role", "password"} <= {e["action"] for e in accounts.audit()}


def test_user_events_are_append_only(accounts):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError
    accounts.create(None, "sara", "سارا", "technical", "secret-123")
    with pytest.raises(DBAPIError):
        with accounts._engine.begin() as conn:
            conn.execute(text("DELETE FROM user_events"))
    assert len(accounts.audit()) == 1
