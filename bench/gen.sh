#!/usr/bin/env bash
# Side-by-side benchmark of the data generators on the peer's configuration:
# 2019-2020, 61 days from 1 June each, the full 0.25° grid (13.0 GB uncompressed).
#
#   bash bench/gen.sh [OUT_DIR]     (default: bench/out; needs ~11 GB free at a time)
#
# Runs, one after another in fresh folders: the peer's make_data.py (pinned venv), cumulus
# era5-gen (release), and era5-gen with --compressor none (what generation costs without
# zstd). Prints wall time, CPU time and peak RSS of each, and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${CUMULUS_SHARED:-$ROOT/../shared}
CACHE=${CUMULUS_CACHE:-$HOME/.cache/cumulus}
OUT=${1:-$ROOT/bench/out}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CACHE/target}
. "$ROOT/.ci/python-env.sh"
cargo build --release --quiet -p cumulus-data-gen --bin era5-gen
GEN="$CARGO_TARGET_DIR/release/era5-gen"
mkdir -p "$OUT"

measure() { # name, command...
    local name=$1; shift
    rm -rf "$OUT/$name"
    sync
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/$name.time" "$@" > "$OUT/$name.log" 2>&1
    read -r wall user sys rss < "$OUT/$name.time"
    local disk
    disk=$(du -sb "$OUT/$name" | cut -f1)
    printf '%-22s wall %7.2f s  cpu %7.2f s  peak RSS %6d MB  on disk %6.2f GB\n' \
        "$name" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$(echo "$disk / 1000000000" | bc -l)"
    echo "$wall" > "$OUT/$name.wall"
    rm -rf "$OUT/$name"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%F)"
measure peer "$PY" "$SHARED/peer/make_data.py" --years 2019 2020 --days-per-year 61 --start 06-01 --out "$OUT/peer" --overwrite
measure cumulus "$GEN" --preset demo --years 2019 2020 --first 06-01 --days 61 --out "$OUT/cumulus" --quiet
measure cumulus-uncompressed "$GEN" --preset demo --years 2019 2020 --first 06-01 --days 61 --compressor none --out "$OUT/cumulus-uncompressed" --quiet
printf 'cumulus vs peer: %.2fx faster\n' "$(echo "$(cat "$OUT/peer.wall") / $(cat "$OUT/cumulus.wall")" | bc -l)"
