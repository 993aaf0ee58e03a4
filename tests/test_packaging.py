"""The standalone build's plan and its per-user installers, checked without building.

Building and running the frozen app is slow, so it is an on-demand check:
``bash tests/packaging/check_frozen.sh`` (see the README)."""

from __future__ import annotations

import configparser
import os
import plistlib
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "resources" / "packaging"
sys.path.insert(0, str(PACKAGING))

import bundle_plan  # noqa: E402

# --------------------------------------------------------------------------- the plan


def test_the_bundled_data_exists():
    files = bundle_plan.data_files(ROOT)
    for pattern, folder in files:
        assert list(Path(pattern).parent.glob(Path(pattern).name)), pattern
        assert folder in ("scenarios", "resources") or folder.startswith("mission_desktop/")
    bundled = {(Path(source).name, folder) for source, folder in files}
    assert ("example_event_log.csv", "scenarios") in bundled  # File › From data…, `fit`
    # the report's template, found from the package (wherever its module moves)
    assert ("report.html.j2", "mission_desktop/report/document/templates") in bundled
    assert not any(Path(source).suffix in (".py", ".pyc") for source, _ in files)


def test_the_core_features_libraries_are_not_excluded():
    """Reports (HTML, PDF, Word) and From data / fit / calibrate are core: their libraries,
    and what those need, must be in the build; the optional extras are left out."""
    cut = set(bundle_plan.EXCLUDES)
    for needed in ("matplotlib", "PIL", "lxml", "fpdf", "docx", "jinja2", "markdown_it",
                   "rich", "duckdb", "openpyxl", "scipy.stats", "scipy.optimize",
                   "scipy.linalg", "scipy.sparse", "scipy.special",
                   "ssl"):  # fpdf2 imports urllib.request's HTTPSHandler
        assert needed not in cut, needed
    assert {"pyarrow", "distributed", "dask"} <= cut
    # savefig(format="svg") imports its back end by name: the freezer must be told
    assert "matplotlib.backends.backend_svg" in bundle_plan.HIDDEN_IMPORTS
    assert not set(bundle_plan.HIDDEN_IMPORTS) & cut
    # python-docx finds its templates through docx/parts/..: that folder must exist
    assert bundle_plan.MODULE_COLLECTION_MODE.get("docx") == "pyz+py"


def test_a_missing_extra_is_named_for_pip_and_for_the_standalone_app(monkeypatch):
    from mission_desktop.extras import missing_extra

    pip = missing_extra("the cluster option needs Dask", "cluster", frozen=False)
    assert pip == 'the cluster option needs Dask: pip install "mission-desktop[cluster]"'
    app = missing_extra("the cluster option needs Dask", "cluster", frozen=True)
    assert "standalone Mission Desktop app does not include" in app
    assert 'pip install "mission-desktop[cluster]"' in app
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert missing_extra("the cluster option needs Dask", "cluster") == app


def test_every_app_module_is_bundled_even_those_imported_by_name():
    names = bundle_plan.app_modules(ROOT)
    assert "mission_desktop" in names and "mission_desktop.cli" in names
    assert "mission_desktop.gui.map.view" in names
    assert "mission_desktop.report.document.build" in names  # imported lazily, by name
    assert "mission_desktop.gui.single_instance" in names
    assert not any(n.endswith("__init__") for n in names)
    assert bundle_plan.missing_modules(names, names) == []
    assert bundle_plan.missing_modules(names, [n for n in names if n != "mission_desktop.cli"]) == [
        "mission_desktop.cli"
    ]


def test_prune_keeps_what_is_needed_and_drops_the_rest():
    toc = [
        ("libpython3.11.so.1.0", "/py/libpython3.11.so.1.0", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/qt/libqxcb.so", "BINARY"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/qt/libqgtk3.so", "BINARY"),
        ("libxcb-cursor.so.0", "/usr/lib/libxcb-cursor.so.0", "BINARY"),
        ("libxcb.so.1", "/usr/lib/libxcb.so.1", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),
        ("scipy/special/_ufuncs.so", "/sp/_ufuncs.so", "EXTENSION"),
        ("scipy.libs/libopenblas-1.so", "/sp/libopenblas-1.so", "BINARY"),
        ("numpy.libs/libunused-2.so", "/np/libunused-2.so", "BINARY"),
        # an extension module at the top level: imported, so no binary needs it, yet kept
        ("_duckdb.cpython-311-x86_64-linux-gnu.so", "/sp/_duckdb.so", "EXTENSION"),
    ]
    needs = {
        "/qt/libqxcb.so": [("libxcb-cursor.so.0", None)],
        "/usr/lib/libxcb-cursor.so.0": [("libxcb.so.1", None)],  # a dependency's dependency
        "/qt/libqgtk3.so": [("libgtk-3.so.0", None)],
        "/usr/lib/libgtk-3.so.0": [("libcairo.so.2", None)],
        "/sp/_ufuncs.so": [("libopenblas-1.so", None)],
    }
    datas = [
        ("PySide6/Qt/translations/qtbase_de.qm", "/qt/de.qm", "DATA"),
        ("scenarios/a.mission.json", "/s/a", "DATA"),
    ]
    binaries, kept_data = bundle_plan.prune(toc, datas, lambda path: needs.get(path, []))
    kept = {dest for dest, _, _ in binaries}
    assert kept == {
        "libpython3.11.so.1.0",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "libxcb-cursor.so.0",
        "libxcb.so.1",
        "scipy/special/_ufuncs.so",
        "scipy.libs/libopenblas-1.so",
        "_duckdb.cpython-311-x86_64-linux-gnu.so",
    }
    assert [d for d, _, _ in kept_data] == ["scenarios/a.mission.json"]
    elsewhere, _ = bundle_plan.prune(toc, datas, lambda path: [], libraries_too=False)
    assert {d for d, _, _ in elsewhere} == {d for d, _, _ in toc} - {
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so"
    }


def test_strip_copies_leaves_patched_wheel_libraries_alone(tmp_path):
    ran: list[list[str]] = []
    site = "/venv/lib/site-packages"
    toc = [
        ("libz.so.1", "/usr/lib/libz.so.1", "BINARY"),
        ("numpy.libs/libopenblas.so", f"{site}/numpy.libs/libopenblas.so", "BINARY"),
        ("kiwisolver/_cext.so", f"{site}/kiwisolver/_cext.so", "EXTENSION"),
        ("PIL/_imaging.so", f"{site}/PIL/_imaging.so", "EXTENSION"),
    ]
    facts = {  # (debug information, run path)
        f"{site}/numpy.libs/libopenblas.so": (False, False),
        f"{site}/kiwisolver/_cext.so": (True, False),
        f"{site}/PIL/_imaging.so": (True, True),  # auditwheel-patched
    }
    out = bundle_plan.strip_copies(toc, tmp_path, ran.append, facts.__getitem__)
    assert out[0] == ("libz.so.1", str(tmp_path / "libz.so.1"), "BINARY")
    assert out[1] == toc[1]  # nothing to strip
    assert out[2] == ("kiwisolver/_cext.so", str(tmp_path / "kiwisolver/_cext.so"), "EXTENSION")
    assert out[3] == toc[3]  # patched: stripping it would break it
    assert ran == [
        ["strip", "--strip-unneeded", "-o", str(tmp_path / "libz.so.1"), "/usr/lib/libz.so.1"],
        ["strip", "--strip-debug", "-o", str(tmp_path / "kiwisolver/_cext.so"), toc[2][1]],
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files")
def test_elf_facts_reads_debug_information_and_run_paths(tmp_path):
    assert bundle_plan.elf_facts(ROOT / "README.md") == (False, True)  # not ELF: left alone
    assert bundle_plan.elf_facts(tmp_path / "missing.so") == (False, True)
    if not shutil.which("readelf"):
        pytest.skip("readelf (binutils) is not installed")
    import _json

    files = [Path(_json.__file__), Path(np.__file__).parent, Path(sys.executable).resolve()]
    files[1] = next(files[1].glob("_core/_multiarray_umath*.so"))
    kiwi = pytest.importorskip("kiwisolver")
    files += list(Path(kiwi.__file__).parent.glob("*.so"))  # a wheel with debug information
    for path in files:
        sections = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True)
        dynamic = subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True)
        expected = (
            " .debug_info " in sections.stdout,
            "(RPATH)" in dynamic.stdout or "(RUNPATH)" in dynamic.stdout,
        )
        assert bundle_plan.elf_facts(path) == expected, path


def test_the_frozen_app_finds_its_bundled_scenarios(monkeypatch, tmp_path):
    pytest.importorskip("PySide6")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from mission_desktop.gui import app

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert app._scenarios_dir() == tmp_path / "scenarios"
    monkeypatch.delattr(sys, "frozen")
    assert app._scenarios_dir() == ROOT / "scenarios"


def test_the_frozen_app_does_not_ask_for_the_xcb_cursor_library_it_bundles(monkeypatch, tmp_path):
    import ctypes.util

    from mission_desktop.cli import display_problem

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)  # not on the system
    x11 = {"DISPLAY": ":0"}
    assert "libxcb-cursor0" in display_problem(environ=x11, platform="linux")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert "libxcb-cursor0" in display_problem(environ=x11, platform="linux")  # not bundled
    (tmp_path / "libxcb-cursor.so.0").write_bytes(b"")
    assert display_problem(environ=x11, platform="linux") is None


def test_the_confidence_interval_needs_only_scipy_special():
    """Runs load scipy.special alone (scipy.stats, for fitting, costs start-up time): the
    figures' Student-t quantile is ``stdtrit``, bit for bit what ``scipy.stats.t.ppf``
    returns."""
    from scipy import stats
    from scipy.special import stdtrit

    from mission_desktop.sim.experiment import figure

    df = np.arange(1, 2001)
    assert np.array_equal(stdtrit(df, 0.975), stats.t.ppf(0.975, df))
    xs = [1.0, 2.0, 4.0, 8.0]
    half = stats.t.ppf(0.975, 3) * np.std(xs, ddof=1) / 2
    assert figure(xs)["ci95"] == [np.mean(xs) - half, np.mean(xs) + half]
    code = "import sys, mission_desktop.sim.experiment; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_the_macos_bundle_opens_scenario_files():
    plist = bundle_plan.info_plist()
    plistlib.dumps(plist)  # a valid property list
    (doc,) = plist["CFBundleDocumentTypes"]
    (uti,) = plist["UTExportedTypeDeclarations"]
    assert doc["LSItemContentTypes"] == [uti["UTTypeIdentifier"]]
    assert uti["UTTypeTagSpecification"]["public.filename-extension"] == ["mission.json"]


def test_the_icons_exist_for_every_platform():
    for platform in ("linux", "win32", "darwin"):
        icon = bundle_plan.icon_for(platform)
        assert icon and Path(icon).stat().st_size > 1000, platform


# --------------------------------------------------------------------------- Linux


def test_the_desktop_entry_and_mime_type_agree():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "linux" / "mission-desktop.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == "@EXEC@ %f"
    assert desktop["MimeType"] == bundle_plan.MIME_TYPE + ";"
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    tree = ET.parse(PACKAGING / "linux" / "mission-desktop.xml")
    (mime,) = tree.getroot().findall("m:mime-type", ns)
    assert mime.get("type") == bundle_plan.MIME_TYPE
    assert [g.get("pattern") for g in mime.findall("m:glob", ns)] == ["*" + bundle_plan.FILE_SUFFIX]


def fake_build(tmp_path: Path) -> Path:
    """A built folder's layout, with a stand-in executable."""
    app = tmp_path / "unzipped" / "mission-desktop"
    (app / "_internal").mkdir(parents=True)
    exe = app / "mission-desktop"
    exe.write_text("#!/bin/sh\necho mission-desktop \"$@\"\n")
    exe.chmod(0o755)
    bundle_plan.add_linux_extras(app)
    return app


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux installer")
def test_install_sh_installs_for_this_user_only_and_uninstalls(tmp_path):
    app = fake_build(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(["sh", str(app / "install.sh")], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if not p.is_dir())
    assert all(w.startswith((".local/", ".config/")) for w in written), written
    share = home / ".local" / "share"
    desktop = (share / "applications" / "mission-desktop.desktop").read_text()
    lib = home / ".local" / "lib" / "mission-desktop"
    assert f'Exec="{lib}/mission-desktop" %f' in desktop
    assert (share / "mime" / "packages" / "mission-desktop.xml").exists()
    assert (share / "icons/hicolor/256x256/apps/mission-desktop.png").exists()
    link = home / ".local" / "bin" / "mission-desktop"
    assert subprocess.run([str(link), "x"], capture_output=True, text=True).stdout == (
        "mission-desktop x\n"
    )
    if shutil.which("update-mime-database"):  # the type is registered for *.mission.json
        assert (share / "mime" / "application" / "x-mission-desktop.xml").exists()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(share / "applications" / "mission-desktop.desktop")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    again = subprocess.run(["sh", str(lib / "install.sh")], env=env, capture_output=True)
    assert again.returncode == 0  # installing from the installed copy is harmless
    assert (lib / "mission-desktop").exists()
    gone = subprocess.run(["sh", str(app / "install.sh"), "--uninstall"], env=env)
    assert gone.returncode == 0
    assert not lib.exists() and not link.exists()
    assert not (share / "applications" / "mission-desktop.desktop").exists()


def test_install_sh_refuses_a_folder_that_is_not_the_app(tmp_path):
    script = tmp_path / "install.sh"
    shutil.copy(PACKAGING / "linux" / "install.sh", script)
    run = subprocess.run(
        ["sh", str(script)], env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True,
    )
    assert run.returncode == 2
    assert "run me from the unzipped mission-desktop folder" in run.stderr


# --------------------------------------------------------------------------- Windows


def test_the_windows_installer_writes_only_to_the_user_profile():
    iss = (PACKAGING / "windows" / "mission-desktop.iss").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in iss.splitlines() if ln.strip() and not ln.strip().startswith(";")]
    assert "PrivilegesRequired=lowest" in lines
    assert "PrivilegesRequiredOverridesAllowed=" not in iss  # no "install for all users"
    assert any(ln.startswith("DefaultDirName={localappdata}") for ln in lines)
    registry = [ln for ln in lines if ln.startswith("Root:")]
    assert registry and all(ln.startswith("Root: HKCU;") for ln in registry)
    for machine_wide in ("HKLM", "HKA", "{commonpf}", "{autopf}", "{pf}", "{commonprograms}", "{win}", "{sys}"):
        assert machine_wide not in iss, machine_wide
    workflow = (ROOT / ".github" / "workflows" / "windows-installer.yml").read_text()
    assert "resources/packaging/build.sh" in workflow and "mission-desktop.iss" in workflow
