#!/usr/bin/env bash
# The live dashboard in a real browser: headless Chromium (Debian's chromium and
# chromium-driver, driven by selenium) opens the page served by
#
#   1. `cumulus demo --preset tiny --parts 1 --dashboard 127.0.0.1:0 --dashboard-linger ...`,
#      after the demo computed: the page must show its compute with as many finished tasks as
#      the demo printed ("N tasks to compute") and draw the task stream (Part 1 only: Part 3's
#      hundreds of small computes would push that compute off the page's recent list);
#   2. the `dashboard` example (the Part 1 experiments, paused between computes), while it
#      runs: the page must receive the computes live over the event stream, each with the task
#      count the example printed, all finished.
#
# Screenshots go to $SHOTS (default: $WORK from .ci/run, else $CACHE/dashboard-screenshots). Called by .ci/run (step 9). On its own:
#
#   bash .ci/dashboard.sh
#
# Installed once: chromium and chromium-driver with apt-get (skipped when installed), and a venv
# with the pinned selenium (.ci/dashboard-requirements.txt) under $CACHE. Works as root
# (--no-sandbox). Everything has a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${CACHE:-${CUMULUS_CACHE:-$HOME/.cache/cumulus}}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CACHE/target}
own_work=
if [ -z "${WORK:-}" ]; then
    WORK=$(mktemp -d)
    own_work=$WORK
fi
# In CI the screenshots stay in the work folder; on its own, in the cache.
if [ -n "$own_work" ]; then SHOTS=${SHOTS:-$CACHE/dashboard-screenshots}; else SHOTS=${SHOTS:-$WORK}; fi
trap 'rm -rf "${WORK:?}/dash" $own_work' EXIT
mkdir -p "$CACHE" "$SHOTS" "$WORK/dash"

if ! dpkg -s chromium chromium-driver > /dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends chromium chromium-driver > /dev/null
fi
echo "browser: $(chromium --version 2>/dev/null) / $(chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"

req=.ci/dashboard-requirements.txt
key=$( (cat "$req"; python3 --version) | sha256sum | cut -c1-12)
VENV="$CACHE/venv-dash-$key"
if [ ! -x "$VENV/bin/python" ] || [ ! -f "$VENV/.complete" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    touch "$VENV/.complete"
fi
if [ "${1:-}" = --install-only ]; then exit 0; fi

cargo build --quiet --workspace --bin cumulus --example dashboard
CUMULUS="$CARGO_TARGET_DIR/debug/cumulus"
EXAMPLE="$CARGO_TARGET_DIR/debug/examples/dashboard"

pid=
stop() { if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; pid=; fi; }
trap 'stop; rm -rf "${WORK:?}/dash" $own_work' EXIT

# Wait (at most $2 s) until the log $1 has a line matching $3; print that line.
wait_for() {
    local log=$1 secs=$2 pattern=$3 t=0
    until grep -m1 -E "$pattern" "$log" 2> /dev/null; do
        if [ -n "$pid" ] && ! kill -0 "$pid" 2> /dev/null; then echo "the program ended early:"; cat "$log"; return 1; fi
        sleep 0.2
        t=$((t + 1))
        if [ "$t" -gt $((secs * 5)) ]; then echo "timed out waiting for /$pattern/ in $log:"; cat "$log"; return 1; fi
    done
}

echo "-- cumulus demo --dashboard, the page opened after the compute"
log="$WORK/dash/demo.log"
timeout 600 "$CUMULUS" demo --preset tiny --parts 1 --data "$WORK/dash/data" --quiet \
    --dashboard 127.0.0.1:0 --dashboard-linger 300 > "$log" 2>&1 &
pid=$!
url=$(wait_for "$log" 300 '^dashboard: http' | awk '{print $2}')
wait_for "$log" 300 'tasks to compute' > /dev/null
wait_for "$log" 300 '^dashboard: still up' > /dev/null
timeout 300 "$VENV/bin/python" .ci/dashboard_browser.py --url "$url" --log "$log" \
    --pattern '([0-9]+) tasks to compute' --computes 1 --screenshot "$SHOTS/dashboard-demo.png" --timeout 120
stop

echo "-- the dashboard example, the page open while it computes"
log="$WORK/dash/example.log"
timeout 600 "$EXAMPLE" "$WORK/dash/data" 127.0.0.1:0 2 > "$log" 2>&1 &
pid=$!
url=$(wait_for "$log" 300 '^dashboard: http' | awk '{print $2}')
timeout 300 "$VENV/bin/python" .ci/dashboard_browser.py --url "$url" --log "$log" \
    --pattern 'round [0-9]+/[0-9]+: .* ([0-9]+) tasks in' --computes 6 --live \
    --screenshot "$SHOTS/dashboard-live.png" --timeout 150
stop
echo "screenshots: $SHOTS/dashboard-demo.png $SHOTS/dashboard-live.png"
