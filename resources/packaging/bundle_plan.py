"""What goes into the frozen build, kept apart from the PyInstaller spec so tests can read it.

Plain Python (no PyInstaller import): the spec imports it, and so does
``tests/test_packaging.py``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

APP_NAME = "Mission Desktop"
FILE_SUFFIX = ".mission.json"
MIME_TYPE = "application/x-mission-desktop"
BUNDLE_ID = "uk.gov.mission-desktop"

# Never imported by the app, but reachable from optional imports of its dependencies
# (pyqtgraph, scipy, numpy): cutting them keeps the folder small and the build honest.
EXCLUDES = [
    "tkinter",
    "_tkinter",
    "matplotlib",
    "IPython",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "jsonschema",
    "ciw",
    "pandas",
    "cupy",
    "numba",
    "h5py",
    "OpenGL",
    "pyqtgraph.opengl",
    "pyqtgraph.examples",
    "pyqtgraph.jupyter",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
    "PySide6.QtPdf",
    "PIL",  # openpyxl and pyqtgraph use Pillow only for images, which the app never writes
    "lxml",  # openpyxl falls back to the standard library's XML writer
    # (rich stays: the command line's tables and progress bar are drawn with it)
    "setuptools",
    "pkg_resources",
    "docutils",
    "ssl",  # no network: also drops libssl (hashlib keeps its own digests)
    "_ssl",
    # the app needs only scipy.special (the Student-t quantile); the rest of scipy is reached
    # only from functions it never calls, and brings in ~25 MB of OpenBLAS
    "scipy.stats",
    "scipy.linalg",
    "scipy.sparse",
    "scipy.optimize",
    "scipy.spatial",
    "scipy.interpolate",
    "scipy.integrate",
    "scipy.fft",
    "scipy.ndimage",  # pyqtgraph falls back to numpy without it
    "scipy.signal",
    "scipy.io",
    "scipy.datasets",
    "numpy.distutils",
]

# Qt plugins (paths inside the bundle) the app does without, and the reason.
CUT_PLUGINS = {
    "platformthemes/libqgtk3": "GTK look and native GTK dialogs: pulls in GTK, cairo, pango",
    "networkinformation/": "network reachability: the app is offline",
    "tls/": "TLS: the app makes no network connections",
    "platforms/libqeglfs": "full-screen embedded displays (EGLFS)",
    "platforms/libqlinuxfb": "the Linux framebuffer without a desktop",
    "platforms/libqminimal": "test-only platforms",
    "platforms/libqvkkhrdisplay": "Vulkan display without a desktop",
    "platforms/libqvnc": "serving the window over VNC",
    "egldeviceintegrations/": "EGLFS back ends",
    "imageformats/libqtiff": "image formats the app never reads",
    "imageformats/libqwebp": "",
    "imageformats/libqtga": "",
    "imageformats/libqwbmp": "",
    "imageformats/libqicns": "",
}
# Files the app does without: Qt's translations (the app is in English).
CUT_DATA = ("PySide6/Qt/translations/",)


def strip_copies(binaries: list, folder: Path, run) -> list:
    """Linux: the interpreter's and the system's libraries stripped of debug symbols (copies
    in ``folder``); a wheel's libraries are left alone, since stripping one that auditwheel
    patched breaks it ("ELF load command address/offset not page-aligned").
    ``run(args)`` runs a command (subprocess.run with check=True)."""
    out = []
    for dest, source, kind in binaries:
        parts = Path(source).parts
        if "site-packages" in parts or "dist-packages" in parts:
            out.append((dest, source, kind))
            continue
        target = folder / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        run(["strip", "--strip-unneeded", "-o", str(target), source])
        out.append((dest, str(target), kind))
    return out


def _is_cut(dest: str) -> bool:
    dest = dest.replace("\\", "/")
    return any(f"plugins/{cut}" in dest for cut in CUT_PLUGINS) or dest.startswith(CUT_DATA)


def _is_top_level_library(dest: str) -> bool:
    """A shared library that is in the bundle only because some other binary needs it: a
    system library PyInstaller copied to the bundle's root, or one a wheel vendors in its
    ``<name>.libs`` folder (auditwheel, delvewheel)."""
    parts = dest.replace("\\", "/").split("/")
    name = parts[-1].lower()
    is_library = ".so" in name or name.endswith((".dll", ".dylib"))
    return is_library and (len(parts) == 1 or (len(parts) == 2 and parts[0].endswith(".libs")))


def prune(binaries: list, datas: list, imports_of, libraries_too: bool = True) -> tuple[list, list]:
    """Drop the cut plugins and data, then (``libraries_too``) every top-level library that
    nothing kept still needs. ``imports_of(path)`` gives a binary's link-time dependencies
    as (name, path) pairs (PyInstaller's ``bindepend.get_imports``). Entries are
    PyInstaller TOC tuples ``(dest, source, typecode)``. The spec prunes libraries on Linux
    only, where it is measured (the check script); elsewhere the loader's needs differ."""
    kept = [e for e in binaries if not _is_cut(e[0])]
    datas = [e for e in datas if not _is_cut(e[0])]
    if not libraries_too:
        return kept, datas
    libraries = {Path(e[0]).name: e for e in kept if _is_top_level_library(e[0])}
    # the executable loads libpython itself: always kept, and a root of the search
    needed = {Path(e[0]).name for e in kept if e[0].startswith("libpython")}
    todo = [e for e in kept if not _is_top_level_library(e[0]) or Path(e[0]).name in needed]
    while todo:
        entry = todo.pop()
        for name, _path in imports_of(entry[1]):
            base = Path(name).name
            if base in libraries and base not in needed:
                needed.add(base)
                todo.append(libraries[base])
    binaries = [e for e in kept if not _is_top_level_library(e[0]) or Path(e[0]).name in needed]
    return binaries, datas


def app_modules(root: Path) -> list[str]:
    """Every module of the app, by dotted name. All are bundled: the main window imports
    some views with importlib (it works without them), which PyInstaller cannot see."""
    package = root / "mission_desktop"
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def missing_modules(wanted: list[str], bundled: list[str]) -> list[str]:
    """The app modules a build left out (the build fails on any)."""
    have = set(bundled)
    return [name for name in wanted if name not in have]


def data_files(root: Path) -> list[tuple[str, str]]:
    """(source, folder in the bundle): the example scenarios and the file-format schema, at
    the same places relative to the code as in the source tree."""
    return [
        (str(root / "scenarios" / "*.mission.json"), "scenarios"),
        (str(root / "resources" / "scenario.schema.json"), "resources"),
    ]


def icon_for(platform: str = sys.platform) -> str | None:
    here = Path(__file__).resolve().parent / "icons"
    name = {"win32": "mission-desktop.ico", "darwin": "mission-desktop.icns"}.get(
        platform, "mission-desktop.png"
    )
    path = here / name
    return str(path) if path.exists() else None


# Linux: beside the executable, for ./install.sh (a per-user install under ~/.local)
LINUX_EXTRAS = {
    "linux/install.sh": "install.sh",
    "linux/mission-desktop.desktop": "linux/mission-desktop.desktop",
    "linux/mission-desktop.xml": "linux/mission-desktop.xml",
    "icons/mission-desktop.png": "linux/mission-desktop.png",
    "icons/mission-desktop-48.png": "linux/mission-desktop-48.png",
}


def add_linux_extras(app_folder: Path) -> None:
    """Copy the desktop-integration files into a built ``mission-desktop`` folder."""
    here = Path(__file__).resolve().parent
    for source, target in LINUX_EXTRAS.items():
        dest = Path(app_folder) / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(here / source, dest)


def info_plist() -> dict:
    """macOS: the app opens *.mission.json (a document type and an exported type)."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "NSHighResolutionCapable": True,
        "LSMinimumSystemVersion": "11.0",
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "Mission Desktop scenario",
                "CFBundleTypeRole": "Editor",
                "LSHandlerRank": "Owner",
                "LSItemContentTypes": [f"{BUNDLE_ID}.scenario"],
            }
        ],
        "UTExportedTypeDeclarations": [
            {
                "UTTypeIdentifier": f"{BUNDLE_ID}.scenario",
                "UTTypeDescription": "Mission Desktop scenario",
                "UTTypeConformsTo": ["public.json", "public.data"],
                "UTTypeTagSpecification": {
                    "public.filename-extension": ["mission.json"],
                    "public.mime-type": [MIME_TYPE],
                },
            }
        ],
    }
