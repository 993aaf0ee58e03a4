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
# (pyqtgraph, scipy, numpy, duckdb, sqlite-utils): cutting them keeps the folder small and
# the build honest. The app's own features all stay: the report (matplotlib with Pillow for
# its PNG charts, fpdf2, python-docx with lxml, jinja2, markdown-it-py), fitting and
# calibrating from data (DuckDB, scipy.stats) and the command line's tables (rich).
EXCLUDES = [
    "tkinter",
    "_tkinter",
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
    "pandas",  # sqlite-utils, duckdb and matplotlib use it only if present; the app never does
    "polars",
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
    # (PySide6.QtOpenGL stays: pyqtgraph imports it at start-up)
    # the report draws its charts off screen (matplotlib's Agg): no GUI back ends of its own
    "matplotlib.backends.backend_qtagg",
    "matplotlib.backends.backend_qtcairo",
    "matplotlib.backends.backend_qt",
    "matplotlib.backends.backend_tkagg",
    "matplotlib.backends.backend_tkcairo",
    "matplotlib.backends.backend_webagg",
    "matplotlib.backends.backend_nbagg",
    "matplotlib.pyplot",  # the report makes Figure objects directly
    # Pillow writes the charts' PNGs (and fpdf2 reads them): not the AVIF or WebP codecs
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "lxml.objectify",  # python-docx uses lxml.etree alone
    "yaml",  # numpy's and scipy's show_config() only
    "_yaml",
    # optional extras the standalone app leaves out; it says so when one is asked for
    # (mission_desktop.extras words the message):
    "pyarrow",  # Parquet visit logs (`run --log X.parquet`): 170 MB, over the budget alone
    "distributed",  # Dask (`--cluster`, Decide › Run on a cluster)
    "dask",
    "duckdb.experimental",  # DuckDB's Spark API (pandas); `fit` reads Parquet without it
    "setuptools",
    "pkg_resources",
    "docutils",
    # (ssl stays although the app makes no connections: fpdf2 imports urllib's HTTPSHandler)
    # scipy.stats (fit, calibrate, From data…) needs scipy's linalg, sparse, optimize,
    # spatial, interpolate, integrate, fft and ndimage; these three it never reaches
    "scipy.signal",
    "scipy.io",
    "scipy.datasets",
    "numpy.distutils",
]

# Imported by name at run time, so the freezer cannot see them: Qt's local sockets (the
# single-instance handoff) and the matplotlib back ends that savefig picks by format (the
# report's charts: SVG for HTML and PDF, PNG for Word). The app's own modules are found
# from the package (app_modules).
HIDDEN_IMPORTS = [
    "PySide6.QtNetwork",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
]

# Packages whose source files go into the folder too (besides the archive): python-docx
# opens its header and footer templates as ``docx/parts/../templates/...``, a path the
# system resolves only if the folder ``docx/parts`` exists.
MODULE_COLLECTION_MODE = {"docx": "pyz+py"}

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


def strip_copies(binaries: list, folder: Path, run, inspect=None) -> list:
    """Linux: the interpreter's and the system's libraries stripped of debug symbols (copies
    in ``folder``). A wheel's library is stripped only of its debug information, and only
    when auditwheel did not patch it (no RPATH or RUNPATH): stripping a patched one breaks
    it ("ELF load command address/offset not page-aligned"). Some wheels ship their
    extensions with full debug information (kiwisolver's 5.4 MB to 0.2 MB).
    ``run(args)`` runs a command (subprocess.run with check=True); ``inspect(path)`` gives
    ``(has debug information, has a run path)`` (default: :func:`elf_facts`)."""
    inspect = inspect or elf_facts
    out = []
    for dest, source, kind in binaries:
        parts = Path(source).parts
        target = folder / dest
        if "site-packages" in parts or "dist-packages" in parts:
            debug, run_path = inspect(source)
            if not debug or run_path:
                out.append((dest, source, kind))
                continue
            args = ["strip", "--strip-debug", "-o", str(target), source]
        else:
            args = ["strip", "--strip-unneeded", "-o", str(target), source]
        target.parent.mkdir(parents=True, exist_ok=True)
        run(args)
        out.append((dest, str(target), kind))
    return out


def elf_facts(path: str | Path) -> tuple[bool, bool]:
    """(has a ``.debug_info`` section, has an RPATH or RUNPATH) of a 64-bit little-endian
    ELF file; (False, True) for anything else, so it is left alone."""
    import struct

    leave = (False, True)
    try:
        data = Path(path).read_bytes()
    except OSError:
        return leave
    if data[:6] != b"\x7fELF\x02\x01":
        return leave
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = []
    for i in range(shnum):
        name, kind, _flags, _addr, offset, size, _link, _info, _align, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", data, shoff + i * shentsize
        )
        sections.append((name, kind, offset, size, entsize))
    if not sections or shstrndx >= len(sections):
        return leave
    names_at = sections[shstrndx][2]

    def name_of(section) -> bytes:
        start = names_at + section[0]
        return data[start : data.index(b"\0", start)]

    debug = any(name_of(sec) == b".debug_info" for sec in sections)
    run_path = False
    for sec in sections:
        if sec[1] == 6:  # SHT_DYNAMIC: (tag, value) pairs
            for at in range(sec[2], sec[2] + sec[3], 16):
                tag, _value = struct.unpack_from("<qQ", data, at)
                run_path = run_path or tag in (15, 29)  # DT_RPATH, DT_RUNPATH
    return debug, run_path


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
    libraries = {Path(e[0]).name: e for e in kept if _is_library(e)}
    # the executable loads libpython itself: always kept, and a root of the search
    needed = {Path(e[0]).name for e in kept if e[0].startswith("libpython")}
    todo = [e for e in kept if not _is_library(e) or Path(e[0]).name in needed]
    while todo:
        entry = todo.pop()
        for name, _path in imports_of(entry[1]):
            base = Path(name).name
            if base in libraries and base not in needed:
                needed.add(base)
                todo.append(libraries[base])
    binaries = [e for e in kept if not _is_library(e) or Path(e[0]).name in needed]
    return binaries, datas


def _is_library(entry: tuple) -> bool:
    """A top-level shared library, and not an extension module that sits at the top level
    (DuckDB's ``_duckdb.cpython-311-x86_64-linux-gnu.so``): Python imports that one, so no
    other binary names it as a dependency."""
    return entry[2] != "EXTENSION" and _is_top_level_library(entry[0])


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
    """(source, folder in the bundle): the example scenarios, the example event log (File ›
    From data… and ``fit``), the file-format schema, and every file of the app's package that
    is not Python (the report's HTML template, ...), at the same places relative to the code
    as in the source tree. Found by walking the package, so moving a module moves its data."""
    files = [
        (str(root / "scenarios" / "*.mission.json"), "scenarios"),
        (str(root / "scenarios" / "example_event_log.csv"), "scenarios"),
        (str(root / "resources" / "scenario.schema.json"), "resources"),
    ]
    package = root / "mission_desktop"
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts:
            files.append((str(path), str(path.parent.relative_to(root).as_posix())))
    return files


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
