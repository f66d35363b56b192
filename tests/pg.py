"""A throw-away PostgreSQL server for the tests.

    from tests.pg import pg_url, pg_fresh_url   # in a conftest.py

* `pg_url` (session): starts one server (initdb + pg_ctl from the machine's PostgreSQL, data in a temp folder,
  listening on 127.0.0.1 on a free port, trust authentication) and yields its URL
  `postgresql+psycopg://postgres@127.0.0.1:PORT/postgres`; the server is stopped and its folder removed at the
  end of the session.  One server per test process, however many conftests import the fixtures.
* `pg_fresh_url` (function): a new, empty database on that server for one test, dropped afterwards.

The binaries are looked for in $RASIDEGI_PG_BINDIR (only there, when it is set), else in
/usr/lib/postgresql/<newest>/bin, then on $PATH.  initdb refuses
to run as root: as root the server runs as the `postgres` OS user (or `nobody`).  $RASIDEGI_TEST_PG_URL uses an
existing server instead (a CI service container).

If no server can be started, the tests that use these fixtures are SKIPPED with the reason (which binary is
missing, what failed) — or FAIL when $RASIDEGI_REQUIRE_POSTGRES=1, so that CI cannot pass without them.
"""
from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

try:
    import pwd
except ImportError:            # Windows: no OS users to switch to, and no need
    pwd = None

__all__ = ["pg_url", "pg_fresh_url", "PostgresUnavailable", "start_server"]

_STARTUP_TIMEOUT_S = 60


class PostgresUnavailable(Exception):
    pass


class _Server:
    def __init__(self, bindir: Path, root: Path, user, port: int):
        self.bindir, self.root, self.user, self.port = bindir, root, user, port
        self.data = root / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        self.external = False

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kw = {}
        if self.user is not None:
            kw = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        env = dict(os.environ, LC_ALL="C", LANG="C")
        if self.user is not None:
            env["HOME"] = str(self.root)
        proc = subprocess.run(list(args), capture_output=True, text=True, env=env, cwd=self.root,
                              timeout=_STARTUP_TIMEOUT_S + 30, **kw)
        if check and proc.returncode != 0:
            raise PostgresUnavailable(f"{Path(args[0]).name} failed (exit {proc.returncode}): "
                                      f"{(proc.stderr or proc.stdout).strip()[-800:]}")
        return proc

    def stop(self) -> None:
        if self.external:
            return
        try:
            self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
                     check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _find_bindir() -> Path:
    looked = []
    if os.environ.get("RASIDEGI_PG_BINDIR"):           # an explicit choice: only there
        candidates = [Path(os.environ["RASIDEGI_PG_BINDIR"])]
    else:
        versions = glob.glob("/usr/lib/postgresql/*/bin")
        versions.sort(key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                      reverse=True)
        candidates = [Path(p) for p in versions]
        on_path = shutil.which("pg_ctl")
        if on_path:
            candidates.append(Path(on_path).resolve().parent)
    for d in candidates:
        looked.append(str(d))
        if (d / "initdb").is_file() and (d / "pg_ctl").is_file():
            return d
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in "
        f"{', '.join(looked) or '$RASIDEGI_PG_BINDIR, /usr/lib/postgresql/*/bin or $PATH'}; "
        "install them (apt-get install postgresql) or set RASIDEGI_TEST_PG_URL")


def _server_user():
    """The OS user to run the server as: None (ourselves) unless we are root, which initdb refuses."""
    if pwd is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root, and neither a 'postgres' nor a 'nobody' user exists to run "
                              "initdb (which refuses root)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> _Server:
    """Start a fresh server (raises PostgresUnavailable with the reason)."""
    bindir = _find_bindir()
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="rasidegi-pg-"))
    try:
        if user is not None:
            os.chown(root, user.pw_uid, user.pw_gid)
        server = _Server(bindir, root, user, 0)
        server.run(str(bindir / "initdb"), "-D", str(server.data), "-U", "postgres", "-A", "trust",
                   "-E", "UTF8", "--locale=C", "--no-sync")
        last = None
        for _ in range(3):              # the free port may be taken between the probe and the start
            server.port = _free_port()
            server.url = f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/postgres"
            opts = (f"-c listen_addresses=127.0.0.1 -p {server.port} -k {root} "
                    f"-c fsync=off -c full_page_writes=off -c synchronous_commit=off")
            proc = server.run(str(bindir / "pg_ctl"), "-D", str(server.data), "-l", str(root / "server.log"),
                              "-o", opts, "-w", "-t", str(_STARTUP_TIMEOUT_S), "start", check=False)
            if proc.returncode == 0:
                return server
            log = (root / "server.log").read_text(errors="replace")[-800:] if (root / "server.log").exists() else ""
            last = f"pg_ctl start failed (exit {proc.returncode}): {proc.stderr.strip()[-400:]} {log}"
        raise PostgresUnavailable(last or "pg_ctl start failed")
    except PostgresUnavailable:
        shutil.rmtree(root, ignore_errors=True)
        raise
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"cannot start PostgreSQL: {exc}") from None


# One server per process, shared by every conftest that imports the fixtures; stopped when the last user's
# session ends (and at exit, should a session be interrupted).
_lock = threading.Lock()
_server: _Server | None = None
_failure: str | None = None
_users = 0


def _unavailable(reason: str):
    if os.environ.get("RASIDEGI_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL required (RASIDEGI_REQUIRE_POSTGRES=1) but unavailable: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL unavailable: {reason}")


def _acquire() -> _Server:
    global _server, _failure, _users
    with _lock:
        if _failure is not None:
            _unavailable(_failure)
        if _server is None:
            external = os.environ.get("RASIDEGI_TEST_PG_URL")
            try:
                if external:
                    _server = _Server(Path("."), Path("."), None, 0)
                    _server.url, _server.external = external, True
                else:
                    _server = start_server()
                    atexit.register(_server.stop)
            except PostgresUnavailable as exc:
                _failure = str(exc)
                _unavailable(_failure)
        _users += 1
        return _server


def _release() -> None:
    global _server, _users
    with _lock:
        _users -= 1
        if _users == 0 and _server is not None:
            _server.stop()
            atexit.unregister(_server.stop)
            _server = None


@pytest.fixture(scope="session")
def pg_url():
    """URL of a running PostgreSQL server (database `postgres`), for the whole session."""
    server = _acquire()
    try:
        yield server.url
    finally:
        _release()


@pytest.fixture
def pg_fresh_url(pg_url):
    """URL of a new empty database on the test server, dropped after the test."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    name = "t_" + uuid.uuid4().hex[:12]
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
