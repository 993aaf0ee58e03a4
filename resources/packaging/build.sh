#!/usr/bin/env bash
# Build the standalone one-folder Mission Desktop with PyInstaller:
#     bash resources/packaging/build.sh OUT
# makes OUT/mission-desktop/ (run OUT/mission-desktop/mission-desktop; on Windows
# mission-desktop.exe) and, on macOS, also "OUT/Mission Desktop.app".
# Python: $PYTHON if set, else the active virtualenv, else the repository's .venv, else
# python3/python on PATH. That Python needs the app's dependencies and PyInstaller:
#     pip install ".[package]"
set -euo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: bash resources/packaging/build.sh OUT" >&2
    exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"

pick_python() {
    if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
    for candidate in "${VIRTUAL_ENV:+$VIRTUAL_ENV/bin/python}" \
        "${VIRTUAL_ENV:+$VIRTUAL_ENV/Scripts/python.exe}" \
        "$ROOT/.venv/bin/python" "$ROOT/.venv/Scripts/python.exe"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return; fi
    done
    command -v python3 || command -v python || { echo "build.sh: no Python found; set PYTHON" >&2; exit 2; }
}
PY="$(pick_python)"
if ! "$PY" -c "import PyInstaller, PySide6, mission_desktop" 2>/dev/null; then
    echo "build.sh: $PY lacks PyInstaller, PySide6 or the app; install them with:" >&2
    echo "    $PY -m pip install \"$ROOT[package]\"" >&2
    exit 2
fi

# a reproducible build: fixed hash seed and timestamps, a fresh work folder
export PYTHONHASHSEED=0
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 315532800)}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT" --workpath "$WORK" "$HERE/mission-desktop.spec"
echo "built $OUT/mission-desktop ($(du -sh "$OUT/mission-desktop" | cut -f1))"
