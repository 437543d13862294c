#!/usr/bin/env bash
# Fuzz cumulus-store's metadata and chunk decoding with cargo-fuzz (libFuzzer), for a bounded
# time. The target (crates/store/fuzz) opens Zarr v2/v3 stores that are valid but for one
# fuzzer-chosen edit (a metadata document, a chunk or a coordinate replaced, overwritten,
# truncated or deleted), then decodes every chunk: any panic, abort, hang or memory blow-up is
# a failure, and libFuzzer's reproducer is kept in crates/store/fuzz/artifacts/open_store.
#
#   bash .ci/fuzz.sh [SECONDS]        # default 60; the corpus grows in $CACHE/fuzz-corpus
#   cargo fuzz run --fuzz-dir crates/store/fuzz open_store -s none -- ARTIFACT   # replay one
#
# cargo-fuzz's coverage flags are nightly options of rustc: RUSTC_BOOTSTRAP=1 lets the one
# (stable) toolchain of a fresh machine take them, and `-s none` skips AddressSanitizer, whose
# runtime needs a nightly toolchain (Rust code is memory-safe; the C codecs are what ASan would add).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
CACHE=${CUMULUS_CACHE:-$HOME/.cache/cumulus}
TOOLS=$CACHE/tools
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CACHE/target}
CARGO_FUZZ_VERSION=0.13.2
if ! "$TOOLS/bin/cargo-fuzz" --version 2> /dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    env -u CARGO_TARGET_DIR cargo install --quiet --locked --root "$TOOLS" "cargo-fuzz@$CARGO_FUZZ_VERSION"
fi
export PATH=$TOOLS/bin:$PATH
corpus=$CACHE/fuzz-corpus/open_store
mkdir -p "$corpus"
start=$SECONDS
RUSTC_BOOTSTRAP=1 cargo fuzz build --fuzz-dir crates/store/fuzz open_store -s none
echo "built in $((SECONDS - start)) s; fuzzing for $secs s"
log=$(mktemp)
if ! RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir crates/store/fuzz open_store -s none "$corpus" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 > "$log" 2>&1; then
    tail -60 "$log"
    echo "the fuzzer found a failing input: see crates/store/fuzz/artifacts/open_store"
    exit 1
fi
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|Done [0-9]+ runs" "$log" || tail -5 "$log"
echo "corpus: $(find "$corpus" -type f | wc -l) inputs in $corpus"
rm -f "$log"
