#!/usr/bin/env bash
# On-demand check of the standalone build (slow: not part of the default test run, and
# pytest does not collect it). Linux, with Xvfb, xdotool and ImageMagick's `import`:
#     bash tests/packaging/check_frozen.sh [OUT]
# builds with resources/packaging/build.sh (unless OUT already holds a build), then:
#  1. copies OUT/mission-desktop to a clean place, read-only, and runs it with no
#     virtualenv, an empty environment and PATH=/usr/bin, HOME a fresh folder;
#  2. the frozen CLI: --version, validate, and `run --workers 2` of a bundled scenario,
#     whose results must equal the source install's (same seed);
#  3. the frozen app: a real window under Xvfb (a screenshot is kept), time to first
#     window against the source install's, and the single-instance handoff;
#  4. that it wrote only to the user's data and config folders.
# Prints its figures; exits non-zero on the first failed check.
# PYTHON: the source install's interpreter (default: the repository's .venv, else python3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"; else PY="$(command -v python3)"; fi
fi
RUNS="${RUNS:-5}"  # launches of each app for the time to first window
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
echo "folder: $(du -sm "$APP" | cut -f1) MB (budget 250)"
echo "largest parts (MB):"
du -sm "$APP/_internal"/* "$APP/_internal/PySide6/Qt/lib"/* 2>/dev/null | sort -rn | head -8 | sed 's|'"$APP"'/||; s|^|    |'
[ "$(du -sm "$APP" | cut -f1)" -le 250 ] || fail "over the size budget"
HOME_DIR="$WORK/home"
mkdir -p "$HOME_DIR"
bare() { env -i PATH=/usr/bin HOME="$HOME_DIR" LANG=C.UTF-8 "$@"; }
touch "$WORK/marker"
sleep 1

# 2. the frozen command line
SCENARIO="$APP/_internal/scenarios/hospital_discharge.mission.json"
[ -f "$SCENARIO" ] || fail "bundled scenario missing: $SCENARIO"
bare "$APP/mission-desktop" --version
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
    d.pop("timing", None)  # wall-clock seconds: the only field allowed to differ
if frozen != source:
    diff = [k for k in source if frozen.get(k) != source[k]]
    sys.exit(f"results differ in: {diff}")
print(f"results: frozen == source ({len(json.dumps(source))} bytes of JSON, timing aside)")
PYEOF
printf 'run --workers 2, 6 replications x %s variants: frozen %.1f s, source %.1f s\n' \
    "$("$PY" -c "import json,sys;print(len(json.load(open(sys.argv[1]))['variants']))" "$WORK/frozen.json")" \
    "$frozen_s" "$source_s"

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
echo "PASS"
