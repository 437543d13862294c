#!/usr/bin/env bash
# Exercises: the stubs are in step with the solutions, every stub fails its own test as a
# todo!() (not a compile error), every solution passes the very same tests and snapshots, and
# the grader reports both. Run from the repository root by .ci/run (CARGO_TARGET_DIR shared).
set -euo pipefail
cd "$(dirname "$0")/.."
export INSTA_UPDATE=no
export CUMULUS_EXERCISE_DATA=${CUMULUS_EXERCISE_DATA:-$(mktemp -d)/tiny}

rustfmt --edition 2024 --check solutions/part1/*.rs
python3 exercises/make_stubs.py --check
cd exercises
cargo fmt --all --check
cargo clippy --quiet --workspace --all-targets --features part1/solutions -- -D warnings
cargo test --quiet -p grader

tests=$(cd part1/tests && ls ex*.rs | sed 's/\.rs$//')
n=0
for t in $tests; do
    n=$((n + 1))
    if out=$(cargo test --quiet -p part1 --test "$t" 2>&1); then
        echo "stub $t passes its test: it must fail until the exercise is done"; exit 1
    fi
    if ! grep -q "not yet implemented" <<< "$out"; then
        echo "stub $t fails for another reason than its todo!():"; echo "$out" | tail -30; exit 1
    fi
    echo "stub $t fails as a todo!(): ok"
done

cargo test --quiet -p part1 --features solutions
if find part1 -name '*.snap.new' | grep -q .; then
    echo "the solutions wrote new snapshots:"; find part1 -name '*.snap.new'; exit 1
fi
echo "solutions pass all $n exercise tests with the committed snapshots"

out=$(cargo run --quiet -p grader -- --solutions 2>&1) || { echo "$out"; echo "the grader failed on the solutions"; exit 1; }
grep -q "All $n exercises pass" <<< "$out" || { echo "$out"; exit 1; }
if out=$(cargo run --quiet -p grader 2>&1); then
    echo "the grader passed the stubs"; exit 1
fi
grep -q "0/$n exercises pass" <<< "$out" || { echo "$out"; exit 1; }
grep -q "Next: Exercise 1" <<< "$out" || { echo "$out"; exit 1; }
echo "grader: 0/$n on the stubs, $n/$n on the solutions"
