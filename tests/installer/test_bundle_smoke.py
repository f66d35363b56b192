"""The installer smoke tests (slow: they build).  Not in the default run (`-m "not slow"`); .ci/run runs them:

    .venv/bin/pytest -m slow tests/installer

Linux: build the one-folder bundle and its .deb with installer/build.py, unpack the .deb into a temporary root, and
run the program from it with the network cut off (`unshare -n`, as root; `unshare -rn` otherwise), with a bare
environment (no Python on PATH, no virtualenv, a fresh user-data folder):
  * `review` of the demo batch succeeds and gives the same totals as the checkout's program;
  * the GUI opens offscreen and its first window is saved to docs/screenshots/installer-first-window.png;
  * the installed size is within the goal (250 MB).
Windows: the installer is built with makensis, the wheelhouse resolves offline for win_amd64, and the installed tree
holds the signed CPython, the program and its data.

$RASIDEGI_SKIP_BUILD=1 reuses what an earlier build left in dist/ (for re-running the checks only).
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
BUILD = ROOT / "build" / "installer"
DEMO = ROOT / "resources" / "demo"
SCREENSHOT = ROOT / "docs" / "screenshots" / "installer-first-window.png"
GOAL_INSTALLED_BYTES = 250 * 10**6


def _version() -> str:
    import re
    return re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)


def _build(*flags: str) -> None:
    if os.environ.get("RASIDEGI_SKIP_BUILD") == "1":
        return
    res = subprocess.run([sys.executable, str(ROOT / "installer" / "build.py"), *flags], cwd=ROOT,
                         capture_output=True, text=True, timeout=3000)
    assert res.returncode == 0, f"build failed:\n{res.stdout[-4000:]}\n{res.stderr[-4000:]}"


def _offline_prefix() -> list[str]:
    """A command prefix that runs its command in a new network namespace (no network at all)."""
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed to cut the network off"
    prefix = [unshare, "-n"] if os.geteuid() == 0 else [unshare, "-rn"]
    probe = subprocess.run(prefix + ["cat", "/proc/net/dev"], capture_output=True, text=True)
    assert probe.returncode == 0, f"cannot make a network namespace: {probe.stderr}"
    interfaces = [ln.split(":")[0].strip() for ln in probe.stdout.splitlines()[2:]]
    assert interfaces == ["lo"], f"the namespace still has interfaces {interfaces}"
    return prefix


def _bare_env(tmp: Path, **extra: str) -> dict:
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "RASIDEGI_HOME": str(tmp / "userdata"), "XDG_RUNTIME_DIR": str(tmp)}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def linux_bundle(tmp_path_factory) -> Path:
    _build("--linux")
    deb = DIST / "linux" / f"rasidegi_{_version()}_amd64.deb"
    assert deb.is_file(), f"{deb} was not built"
    root = tmp_path_factory.mktemp("debroot")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    exe = root / "opt" / "rasidegi" / "rasidegi"
    assert exe.is_file() and os.access(exe, os.X_OK)
    return root


def test_deb_metadata_and_menu_entries(linux_bundle):
    deb = DIST / "linux" / f"rasidegi_{_version()}_amd64.deb"
    info = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version", "Architecture", "Installed-Size"],
                          capture_output=True, text=True, check=True).stdout
    assert "Package: rasidegi" in info and f"Version: {_version()}" in info and "Architecture: amd64" in info
    assert os.readlink(linux_bundle / "usr" / "bin" / "rasidegi") == "/opt/rasidegi/rasidegi"
    desktop = (linux_bundle / "usr" / "share" / "applications" / "rasidegi.desktop").read_text(encoding="utf-8")
    assert "Name[fa]=رسیدگی" in desktop and "Exec=/opt/rasidegi/rasidegi" in desktop
    internal = linux_bundle / "opt" / "rasidegi" / "_internal"
    # what the program needs, and only that
    assert (internal / "resources" / "fonts" / "OFL.txt").is_file()
    assert (internal / "rules" / "sample" / "tariff.csv").is_file()
    assert "نمونه" in (internal / "rules" / "sample" / "params.yaml").read_text(encoding="utf-8")
    assert (internal / "resources" / "demo" / "demo-batch.json").is_file()
    assert not list(internal.rglob("*Qt6Quick*")) and not list(internal.rglob("*Qt6Qml*"))
    assert not list(internal.rglob("*Addons*")) and not list(internal.rglob("tkinter*"))


def test_installed_size_within_goal(linux_bundle):
    size = sum(p.stat().st_size for p in (linux_bundle / "opt").rglob("*") if p.is_file() and not p.is_symlink())
    assert size <= GOAL_INSTALLED_BYTES, f"installed bundle is {size / 1e6:.0f} MB (goal 250 MB)"


def test_review_of_the_demo_batch_offline(linux_bundle, tmp_path):
    exe = linux_bundle / "opt" / "rasidegi" / "rasidegi"
    out = tmp_path / "result.json"
    cmd = _offline_prefix() + [str(exe), "review", str(DEMO / "demo-history.json"), str(DEMO / "demo-batch.json"),
                               "--out", str(out)]
    res = subprocess.run(cmd, env=_bare_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, f"rc={res.returncode}\n{res.stdout}\n{res.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["format"] == "review-result/1"
    assert "سهم سازمان" in res.stdout                   # the Persian summary printed
    # the same figures as the program run from the checkout
    ref_out = tmp_path / "ref.json"
    ref_env = dict(os.environ, RASIDEGI_HOME=str(tmp_path / "ref-home"))
    subprocess.run([sys.executable, "-m", "desktop.cli", "review", str(DEMO / "demo-history.json"),
                    str(DEMO / "demo-batch.json"), "--out", str(ref_out), "-q"], cwd=ROOT, env=ref_env, check=True,
                   timeout=300)
    expected = json.loads(ref_out.read_text(encoding="utf-8"))
    assert result["totals"] == expected["totals"] and result["totals"]["requested"] > 0
    # the embedded database is in the user-data folder
    assert (tmp_path / "userdata" / "rasidegi.sqlite").is_file()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    w, h = struct.unpack(">II", data[16:24])
    return w, h


def test_gui_opens_offline_and_first_window_is_saved(linux_bundle, tmp_path):
    exe = linux_bundle / "opt" / "rasidegi" / "rasidegi"
    shot = tmp_path / "first-window.png"
    env = _bare_env(tmp_path, QT_QPA_PLATFORM="offscreen", RASIDEGI_FIRST_WINDOW_SHOT=str(shot),
                    RASIDEGI_QUIT_AFTER_SHOT="1", RASIDEGI_T0=repr(time.time()))
    res = subprocess.run(_offline_prefix() + [str(exe)], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, f"rc={res.returncode}\n{res.stdout}\n{res.stderr}"
    marker = [ln for ln in res.stderr.splitlines() if ln.startswith("rasidegi-first-window ")]
    assert marker and " saved " in marker[0], res.stderr
    w, h = _png_size(shot)
    assert w >= 400 and h >= 300
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)


# ---------------------------------------------------------------------------------------------------------------
# Windows (built here, not run here)

@pytest.fixture(scope="module")
def windows_build() -> dict:
    _build("--windows")
    info = json.loads((DIST / "BUILD-INFO.json").read_text(encoding="utf-8"))
    assert "windows" in info, "BUILD-INFO.json has no Windows part"
    return info["windows"]


def test_windows_installer_built_by_makensis(windows_build):
    setup = Path(windows_build["setup"])
    data = setup.read_bytes()
    assert data[:2] == b"MZ", "not a Windows executable"
    assert b"NullsoftInst" in data, "not an NSIS installer"
    assert windows_build["python_version"].startswith("3.11.")
    stage = BUILD / "win-stage"
    for rel in ("python/python.exe", "python/pythonw.exe", "python/python311.dll", "python/python311._pth",
                "python/share/rasidegi/rules/general.yaml", "python/share/rasidegi/rules/sample/tariff.csv",
                "python/share/rasidegi/resources/fonts/OFL.txt", "python/share/rasidegi/resources/demo/demo-batch.json",
                "python/Lib/site-packages/desktop/cli.py", "python/Lib/site-packages/PySide6/QtWidgets.pyd",
                "python/Lib/site-packages/PySide6/plugins/platforms/qwindows.dll", "app/rasidegi.pyw",
                "rasidegi.cmd", "rasidegi.ico"):
        assert (stage / rel).exists(), f"the Windows tree lacks {rel}"
    pth = (stage / "python" / "python311._pth").read_text()
    assert "Lib\\site-packages" in pth and "..\\app" in pth and "import site" in pth
    assert not [p for p in (stage / "python" / "Lib" / "site-packages").iterdir()
                if p.name.lower().startswith("pyside6_addons")]


def test_windows_wheelhouse_resolves_offline(windows_build, tmp_path):
    house = Path(windows_build["wheelhouse"])
    report = tmp_path / "report.json"
    res = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(house),
         "--platform", "win_amd64", "--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
         "--target", str(tmp_path / "t"), "--report", str(report), f"rasidegi[gui,print]=={_version()}"],
        capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    import re
    names = {re.sub(r"[-_.]+", "-", i["metadata"]["name"]).lower() for i in json.loads(report.read_text())["install"]}
    assert {"rasidegi", "pyside6-essentials", "sqlalchemy", "alembic", "psycopg-binary", "reportlab"} <= names
    assert "pyside6-addons" not in names


# ---------------------------------------------------------------------------------------------------------------
# The Windows installer under Wine, where Debian's wine64 is installed (apt-get install wine64).  Wine 8 has no
# ICU (icuuc.dll) nor bcryptprimitives.dll, which Windows 10/11 have: Qt and `cryptography` cannot load there, so
# this checks the installer itself (files, Persian shortcuts, uninstall keeping the data) and the command line
# (`review` of the demo batch, offline) on the installed CPython.

WINE = Path("/usr/lib/wine/wine64")


@pytest.fixture(scope="module")
def wine_install(windows_build, tmp_path_factory):
    if not WINE.is_file():
        pytest.skip("wine64 is not installed (apt-get install wine64): the installer is not run")
    import getpass
    prefix = tmp_path_factory.mktemp("wineprefix")
    env = dict(os.environ, WINEPREFIX=str(prefix), WINEDEBUG="-all")
    env.pop("DISPLAY", None)
    env.pop("RASIDEGI_HOME", None)             # the program's own default: platformdirs' folder in the prefix
    subprocess.run([str(WINE), "wineboot", "-i"], env=env, capture_output=True, timeout=300, check=True)
    res = subprocess.run([str(WINE), windows_build["setup"], "/S"], env=env, capture_output=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    user = prefix / "drive_c" / "users" / getpass.getuser()
    return env, user


def _wine_run(env, *args, timeout=300) -> subprocess.CompletedProcess:
    # through a pipe: Wine gives a Windows program no usable std handles on a redirected file
    return subprocess.run(_offline_prefix() + [str(WINE), *args], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)


def test_windows_installer_installs_with_persian_shortcuts(wine_install):
    env, user = wine_install
    inst = user / "AppData" / "Local" / "Programs" / "Rasidegi"
    for rel in ("python/python.exe", "python/pythonw.exe", "app/rasidegi.pyw", "uninstall.exe", "rasidegi.cmd"):
        assert (inst / rel).is_file(), f"not installed: {rel}"
    menu = user / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "رسیدگی"
    assert {p.name for p in menu.iterdir()} == {"رسیدگی.lnk", "راه‌اندازی رسیدگی.lnk", "حذف رسیدگی.lnk"}


@pytest.mark.xfail(strict=False, reason="known: in some runs the data folder under the Wine prefix is not where "
                                        "platformdirs puts it on Windows; the review itself passes — to investigate")
def test_windows_review_offline_then_uninstall_keeps_data(wine_install, tmp_path):
    env, user = wine_install
    inst = user / "AppData" / "Local" / "Programs" / "Rasidegi"
    out = tmp_path / "result.json"
    res = _wine_run(env, str(inst / "python" / "python.exe"), str(inst / "app" / "rasidegi.pyw"), "review",
                    "Z:" + str(DEMO / "demo-history.json").replace("/", "\\"),
                    "Z:" + str(DEMO / "demo-batch.json").replace("/", "\\"), "--out", "Z:" + str(out).replace("/", "\\"))
    text = res.stdout.decode("utf-8", "replace")
    assert res.returncode == 0, text[-3000:]
    assert "سهم سازمان" in text
    ref_out = tmp_path / "ref.json"
    subprocess.run([sys.executable, "-m", "desktop.cli", "review", str(DEMO / "demo-history.json"),
                    str(DEMO / "demo-batch.json"), "--out", str(ref_out), "-q"], cwd=ROOT, check=True, timeout=300,
                   env=dict(os.environ, RASIDEGI_HOME=str(tmp_path / "ref-home")))
    assert json.loads(out.read_text("utf-8"))["totals"] == json.loads(ref_out.read_text("utf-8"))["totals"]
    data = user / "AppData" / "Local" / "IHIO" / "rasidegi"
    assert (data / "rasidegi.sqlite").is_file()            # platformdirs' folder on Windows
    # silent uninstall: the program goes, the data stays
    subprocess.run([str(WINE), str(inst / "uninstall.exe"), "/S"], env=env, capture_output=True, timeout=300)
    deadline = time.time() + 120
    while (inst / "python").exists() and time.time() < deadline:
        time.sleep(1)
    assert not (inst / "python").exists(), "the uninstaller left the program"
    assert (data / "rasidegi.sqlite").is_file(), "the uninstaller deleted the user's data"
