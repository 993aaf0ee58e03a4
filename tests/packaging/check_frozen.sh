#!/usr/bin/env bash
# On-demand check of the standalone build (slow: not part of the default test run, and
# pytest does not collect it). Linux, with Xvfb, xdotool and ImageMagick's `import`:
#     bash tests/packaging/check_frozen.sh [OUT]
# builds with resources/packaging/build.sh (unless OUT already holds a build), then:
#  1. copies OUT/mission-desktop to a clean place, read-only, and runs it with no
#     virtualenv, an empty environment and PATH=/usr/bin, HOME a fresh folder;
#  2. the frozen CLI against the source install's, same inputs and seed: `run --workers 2`
#     of a bundled scenario (equal results), `validate` of every bundled scenario (the same
#     verdicts), `report` of it as HTML, PDF and Word (HTML byte-identical, PDF the same
#     text, Word the same parts), `fit` of the bundled event log and `calibrate` of the
#     fitted scenario (the same files); and the optional extras it leaves out (--cluster,
#     Parquet logs) refused with a message that says so;
#  3. the frozen app: a real window under Xvfb (a screenshot is kept), time to first
#     window against the source install's, and the single-instance handoff;
#  4. that it wrote only to the user's data and config folders;
#  5. the folder's size against its budget (BUDGET_MB, default 250), last.
# Prints its figures; exits non-zero on the first failed check.
# PYTHON: the source install's interpreter (default: the repository's .venv, else python3);
# it needs pypdf (the `test` extra) to read the PDF reports.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"; else PY="$(command -v python3)"; fi
fi
RUNS="${RUNS:-5}"  # launches of each app for the time to first window
BUDGET_MB="${BUDGET_MB:-250}"  # the folder's size budget (issue 10); judged last, so an
# oversized build still has every other check run and reported
WORK="$(mktemp -d)"
XVFB_PID=""
APP_PIDS=()
cleanup() {
    for pid in "${APP_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in Xvfb xdotool import; do
    command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install xvfb xdotool imagemagick)"
done

OUT="${1:-$WORK/build}"
if [ ! -x "$OUT/mission-desktop/mission-desktop" ]; then
    start=$(date +%s.%N)
    PYTHON="$PY" bash "$ROOT/resources/packaging/build.sh" "$OUT" >"$WORK/build.log" 2>&1 \
        || { tail -20 "$WORK/build.log"; fail "the build failed"; }
    echo "build: $(printf '%.0f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
fi

# 1. a clean, read-only copy; a bare environment
CLEAN="$WORK/clean place"
mkdir -p "$CLEAN"
cp -a "$OUT/mission-desktop" "$CLEAN/"
APP="$CLEAN/mission-desktop"
chmod -R a-w "$APP"
FOLDER_MB="$(du -sm "$APP" | cut -f1)"
echo "folder: $FOLDER_MB MB (budget $BUDGET_MB)"
echo "largest parts (MB):"
du -sm "$APP/_internal"/* "$APP/_internal/PySide6/Qt/lib"/* 2>/dev/null | sort -rn | head -10 | sed 's|'"$APP"'/||; s|^|    |'
HOME_DIR="$WORK/home"
mkdir -p "$HOME_DIR"
bare() { env -i PATH=/usr/bin HOME="$HOME_DIR" LANG=C.UTF-8 "$@"; }
touch "$WORK/marker"
sleep 1

# 2. the frozen command line
SCENARIO="$APP/_internal/scenarios/hospital_discharge.mission.json"
[ -f "$SCENARIO" ] || fail "bundled scenario missing: $SCENARIO"
bare "$APP/mission-desktop" --version || fail "frozen --version exited $?"
bare "$APP/mission-desktop" validate "$SCENARIO" >/dev/null || fail "frozen validate"
cd "$WORK"
ARGS=(--replications 6 --seed 20240601 --workers 2 --quiet)
start=$(date +%s.%N)
bare "$APP/mission-desktop" run "$SCENARIO" "${ARGS[@]}" --json "$WORK/frozen.json" \
    || fail "frozen run --workers 2"
frozen_s=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
(cd "$ROOT" && "$PY" -m mission_desktop run "$ROOT/scenarios/hospital_discharge.mission.json" \
    "${ARGS[@]}" --json "$WORK/source.json") || fail "source run"
source_s=$(echo "$(date +%s.%N) - $start" | bc)
"$PY" - "$WORK/frozen.json" "$WORK/source.json" <<'PYEOF' || fail "frozen results differ from the source install's"
import json, sys
frozen, source = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
for d in (frozen, source):
    d.pop("timing", None)  # wall-clock seconds
    # when it began and the command typed (the paths differ): the only other differences
    for key in ("started", "command"):
        d.get("provenance", {}).pop(key, None)
if frozen != source:
    diff = [k for k in source if frozen.get(k) != source[k]]
    sys.exit(f"results differ in: {diff}")
print(f"results: frozen == source ({len(json.dumps(source))} bytes of JSON; timing, start time and command line aside)")
PYEOF
printf 'run --workers 2, 6 replications x %s variants: frozen %.1f s, source %.1f s\n' \
    "$("$PY" -c "import json,sys;print(len(json.load(open(sys.argv[1]))['variants']))" "$WORK/frozen.json")" \
    "$frozen_s" "$source_s"

# the same command, from the source install (the repository's package, not an installed one)
source_cli() { (cd "$ROOT" && "$PY" -m mission_desktop "$@"); }
BUNDLED="$APP/_internal/scenarios"

# validate: every bundled scenario, the same verdicts (and exit code) as the source install's
set +e
bare "$APP/mission-desktop" validate "$BUNDLED"/*.mission.json >"$WORK/validate-frozen.txt" 2>&1
frozen_rc=$?
source_cli validate "$BUNDLED"/*.mission.json >"$WORK/validate-source.txt" 2>&1
source_rc=$?
set -e
[ "$frozen_rc" -eq 0 ] || { cat "$WORK/validate-frozen.txt" >&2; fail "frozen validate exited $frozen_rc"; }
[ "$frozen_rc" -eq "$source_rc" ] && cmp -s "$WORK/validate-frozen.txt" "$WORK/validate-source.txt" \
    || { diff "$WORK/validate-source.txt" "$WORK/validate-frozen.txt" >&2; fail "frozen validate differs from the source install's"; }
echo "validate: $(wc -l <"$WORK/validate-frozen.txt") bundled scenarios, the same verdicts as the source install's"

# report: HTML, PDF and Word of the bundled scenario from the results above, frozen and source
for kind in html pdf docx; do
    start=$(date +%s.%N)
    bare "$APP/mission-desktop" report "$SCENARIO" --results "$WORK/frozen.json" --quiet \
        --out "$WORK/report-frozen.$kind" >"$WORK/report-$kind.log" 2>&1 \
        || { cat "$WORK/report-$kind.log" >&2; fail "frozen report --out .$kind"; }
    report_s=$(echo "$(date +%s.%N) - $start" | bc)
    source_cli report "$SCENARIO" --results "$WORK/frozen.json" --quiet \
        --out "$WORK/report-source.$kind" || fail "source report --out .$kind"
    printf 'report .%s: %s KB in %.1f s\n' "$kind" "$(( $(stat -c %s "$WORK/report-frozen.$kind") / 1024 ))" "$report_s"
done
"$PY" - "$WORK" <<'PYEOF' || fail "a frozen report differs from the source install's"
import re, sys, zipfile
from pathlib import Path
from pypdf import PdfReader
w = Path(sys.argv[1])
# a report says when it was made ("02 December 2026, 05:37 UTC"): the frozen and the source
# report are made seconds apart, so the minute may differ; that, and only that, is set aside
WHEN = r"\d{2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} UTC"
def undated(data):
    return re.sub(WHEN.encode() if isinstance(data, bytes) else WHEN,
                  b"(date)" if isinstance(data, bytes) else "(date)", data)
frozen, source = (w / "report-frozen.html").read_bytes(), (w / "report-source.html").read_bytes()
frozen, source = undated(frozen), undated(source)
assert frozen.count(b"<svg") > 0, "the HTML report has no charts"
assert frozen == source, "HTML: not byte-identical"
f, s = PdfReader(w / "report-frozen.pdf"), PdfReader(w / "report-source.pdf")
assert len(f.pages) == len(s.pages) > 1, f"PDF: {len(f.pages)} pages, source {len(s.pages)}"
texts = [undated(p.extract_text()) for p in f.pages]
assert texts == [undated(p.extract_text()) for p in s.pages], "PDF: the text differs"
f, s = zipfile.ZipFile(w / "report-frozen.docx"), zipfile.ZipFile(w / "report-source.docx")
assert f.namelist() == s.namelist(), "Word: different parts"
assert any(n.startswith("word/media/") for n in f.namelist()), "the Word report has no charts"
differ = [n for n in f.namelist() if undated(f.read(n)) != undated(s.read(n))]
assert not differ, f"Word: parts differ: {differ}"
print(f"reports: HTML byte-identical to the source install's (the time made aside); PDF the same {len(texts)} pages of "
      f"text; Word the same {len(f.namelist())} parts (charts included)")
PYEOF

# fit the bundled example event log, then calibrate the fitted scenario: the same files
LOG="$BUNDLED/example_event_log.csv"
[ -f "$LOG" ] || fail "bundled event log missing: $LOG"
start=$(date +%s.%N)
bare "$APP/mission-desktop" fit "$LOG" --out "$WORK/fit-frozen.mission.json" --quiet \
    >"$WORK/fit.log" 2>&1 || { cat "$WORK/fit.log" >&2; fail "frozen fit"; }
fit_s=$(echo "$(date +%s.%N) - $start" | bc)
source_cli fit "$LOG" --out "$WORK/fit-source.mission.json" --quiet || fail "source fit"
cmp -s "$WORK/fit-frozen.mission.json" "$WORK/fit-source.mission.json" \
    || fail "the frozen fit differs from the source install's"
bare "$APP/mission-desktop" calibrate "$WORK/fit-frozen.mission.json" --workers 2 --quiet \
    --json "$WORK/calibrate-frozen.json" >"$WORK/calibrate.log" 2>&1 \
    || { cat "$WORK/calibrate.log" >&2; fail "frozen calibrate"; }
source_cli calibrate "$WORK/fit-frozen.mission.json" --workers 2 --quiet \
    --json "$WORK/calibrate-source.json" || fail "source calibrate"
cmp -s "$WORK/calibrate-frozen.json" "$WORK/calibrate-source.json" \
    || fail "the frozen calibration differs from the source install's"
printf 'fit of the example event log (%s rows): frozen %.1f s, the same scenario as the source install'"'"'s; calibrate: the same comparison\n' \
    "$(($(wc -l <"$LOG") - 1))" "$fit_s"

# the optional extras the standalone app leaves out: asked for, it says so (exit 2, no traceback)
extra_refused() {  # $1: what; rest: arguments
    local what="$1"; shift
    set +e
    bare "$APP/mission-desktop" "$@" >"$WORK/extra.log" 2>&1
    local rc=$?
    set -e
    [ "$rc" -eq 2 ] || { cat "$WORK/extra.log" >&2; fail "$what: exit $rc, not 2"; }
    ! grep -q Traceback "$WORK/extra.log" || { cat "$WORK/extra.log" >&2; fail "$what: a traceback"; }
    grep -q "standalone Mission Desktop app does not include" "$WORK/extra.log" \
        || { cat "$WORK/extra.log" >&2; fail "$what: does not say the standalone app leaves it out"; }
    echo "    $what: $(grep -m1 "standalone" "$WORK/extra.log" | sed 's/^ *//')"
}
echo "optional extras, left out and said so:"
extra_refused "run --cluster" run "$SCENARIO" --replications 1 --quiet --cluster tcp://127.0.0.1:9
extra_refused "run --log .parquet" run "$SCENARIO" --replications 1 --quiet --log "$WORK/visits.parquet"
[ ! -e "$WORK/visits.parquet" ] || fail "a Parquet log was written without pyarrow"

# 3. the frozen app under Xvfb
# the server picks a free display itself (-displayfd): others may run Xvfb on this machine
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$WORK/display" >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
DISPLAY_NUM="$(tr -d '[:space:]' <"$WORK/display")"
[ -n "$DISPLAY_NUM" ] || fail "Xvfb did not start"
export DISPLAY=":$DISPLAY_NUM"
window_up() { xdotool search --onlyvisible --name "$1" >/dev/null 2>&1; }
first_window() {  # $1: name; rest: the command. Prints seconds to the first visible window.
    local name="$1"; shift
    local data="$WORK/data-$RANDOM$RANDOM"
    local t0 t1
    t0=$(date +%s.%N)
    env -i PATH=/usr/bin HOME="$HOME_DIR" LANG=C.UTF-8 DISPLAY="$DISPLAY" \
        MISSION_DESKTOP_DATA_DIR="$data" "$@" >"$WORK/$name.log" 2>&1 &
    local pid=$!
    APP_PIDS+=("$pid")
    for _ in $(seq 600); do window_up "^Mission Desktop" && break; sleep 0.02; done
    t1=$(date +%s.%N)
    window_up "^Mission Desktop" || { head -20 "$WORK/$name.log" >&2; fail "$name: no window after 12 s (display :$DISPLAY_NUM)"; }
    kill "$pid"; wait "$pid" 2>/dev/null || true
    for _ in $(seq 100); do window_up "^Mission Desktop" || break; sleep 0.05; done
    echo "$t1 - $t0" | bc
}
SOURCE_APP=(env -C "$ROOT" "$PY" -m mission_desktop)
frozen_times=(); source_times=()
for _ in $(seq "$RUNS"); do  # alternate, so load on the machine hits both alike
    frozen_times+=("$(first_window frozen "$APP/mission-desktop")")
    source_times+=("$(first_window source "${SOURCE_APP[@]}")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fm=$(median "${frozen_times[@]}"); sm=$(median "${source_times[@]}")
printf 'time to first window, median of %s (first start, examples imported): frozen %.2f s, source %.2f s (ratio %.2f)\n' \
    "$RUNS" "$fm" "$sm" "$(echo "$fm / $sm" | bc -l)"
echo "    frozen: ${frozen_times[*]}"
echo "    source: ${source_times[*]}"

# the running frozen app, a screenshot, and a second start with a FILE
DATA="$WORK/data-handoff"
env -i PATH=/usr/bin HOME="$HOME_DIR" LANG=C.UTF-8 DISPLAY="$DISPLAY" \
    MISSION_DESKTOP_DATA_DIR="$DATA" "$APP/mission-desktop" >/dev/null 2>&1 &
FIRST=$!  # env execs the app: this is the app's own process
APP_PIDS+=("$FIRST")
for _ in $(seq 600); do window_up "^Mission Desktop" && break; sleep 0.02; done
window_up "^Mission Desktop — Hospital" || fail "the app did not open on the hospital example"
sleep 1.5
SHOT="${SCREENSHOT:-$ROOT/screenshots/frozen-app.png}"
mkdir -p "$(dirname "$SHOT")"
import -window root "$SHOT" && echo "screenshot: $SHOT"
OTHER="$ROOT/scenarios/homelessness_prevention.mission.json"
start=$(date +%s.%N)
bare env DISPLAY="$DISPLAY" MISSION_DESKTOP_DATA_DIR="$DATA" "$APP/mission-desktop" "$OTHER" \
    || fail "the second start did not exit 0"
handoff_s=$(echo "$(date +%s.%N) - $start" | bc)
for _ in $(seq 250); do window_up "Homelessness" && break; sleep 0.02; done
window_up "Homelessness" || fail "the running app did not open the handed-over file"
[ "$(xdotool search --onlyvisible --name '^Mission Desktop' | wc -l)" -eq 1 ] \
    || fail "a second window opened"
kill -0 "$FIRST" || fail "the first app exited"
printf 'single instance: the second start handed its file over and exited 0 in %.2f s\n' "$handoff_s"

# a run in the app (F5): its worker process comes from the frozen forkserver
WIN=$(xdotool search --onlyvisible --name "^Mission Desktop" | head -1)
xdotool windowfocus --sync "$WIN" key F5
workers() { pgrep -f "$APP/mission-desktop .*multiprocessing.forkserver" | wc -l; }
for _ in $(seq 300); do [ "$(workers)" -ge 2 ] && break; sleep 0.05; done  # server + run
[ "$(workers)" -ge 2 ] || fail "F5 started no run process in the frozen app"
sleep 3
kill -0 "$FIRST" || fail "the app died during a run"
import -window root "${SHOT%.png}-run.png" && echo "screenshot of the run: ${SHOT%.png}-run.png"
xdotool windowfocus --sync "$WIN" key shift+F5  # stop the run, then quit
sleep 1
kill "$FIRST"; wait "$FIRST" 2>/dev/null || true
for _ in $(seq 200); do [ "$(pgrep -f "$APP/mission-desktop" | wc -l)" -eq 0 ] && break; sleep 0.1; done
[ "$(pgrep -f "$APP/mission-desktop" | wc -l)" -eq 0 ] || fail "processes outlived the app"
echo "GUI run: a run process started from the frozen forkserver; nothing outlived the app"

# 4. where it wrote
touched=$(find "$APP" -newer "$WORK/marker" | wc -l)
[ "$touched" -eq 0 ] || fail "the app wrote into its own folder"
echo "written under HOME:"
(cd "$HOME_DIR" && find . -type f | sed 's|^\./|    ~/|' | sort | head -20)
outside=$(cd "$HOME_DIR" && find . -type f | grep -v -E '^\./(\.local/share|\.config|\.cache)/' || true)
[ -z "$outside" ] || fail "wrote outside the user's data, config and cache folders: $outside"
[ "$FOLDER_MB" -le "$BUDGET_MB" ] || fail "every check passed but the size: $FOLDER_MB MB, over the $BUDGET_MB MB budget"
echo "PASS"
