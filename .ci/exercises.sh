#!/usr/bin/env bash
# Exercises: the stubs are in step with the solutions, every stub fails its own test as a
# todo!() (not a compile error), every solution passes the very same tests and snapshots, and
# the grader reports both. Run from the repository root by .ci/run (CARGO_TARGET_DIR shared).
set -euo pipefail
cd "$(dirname "$0")/.."
export INSTA_UPDATE=no
export CUMULUS_EXERCISE_DATA=${CUMULUS_EXERCISE_DATA:-$(mktemp -d)/tiny}

rustfmt --edition 2024 --check solutions/part*/*.rs
python3 exercises/make_stubs.py --check
cd exercises
parts=$(ls -d part[0-9]* | sort -V)
features=$(for p in $parts; do printf '%s/solutions,' "$p"; done)
cargo fmt --all --check
cargo clippy --quiet --workspace --all-targets --features "${features%,}" -- -D warnings
cargo test --quiet -p grader

n=0
for p in $parts; do
    tests=$(cd "$p/tests" && ls ex*.rs | sed 's/\.rs$//')
    for t in $tests; do
        n=$((n + 1))
        if out=$(cargo test --quiet -p "$p" --test "$t" 2>&1); then
            echo "stub $p/$t passes its test: it must fail until the exercise is done"; exit 1
        fi
        if ! grep -q "not yet implemented" <<< "$out"; then
            echo "stub $p/$t fails for another reason than its todo!():"; echo "$out" | tail -30; exit 1
        fi
        echo "stub $p/$t fails as a todo!(): ok"
    done
    cargo test --quiet -p "$p" --features solutions
    if find "$p" -name '*.snap.new' | grep -q .; then
        echo "the solutions wrote new snapshots:"; find "$p" -name '*.snap.new'; exit 1
    fi
done
echo "solutions pass all $n exercise tests with the committed snapshots"

out=$(cargo run --quiet -p grader -- --solutions 2>&1) || { echo "$out"; echo "the grader failed on the solutions"; exit 1; }
grep -q "All $n exercises pass" <<< "$out" || { echo "$out"; exit 1; }
if out=$(cargo run --quiet -p grader 2>&1); then
    echo "the grader passed the stubs"; exit 1
fi
grep -q "0/$n exercises pass" <<< "$out" || { echo "$out"; exit 1; }
grep -q "Next: Part 1 · Exercise 1" <<< "$out" || { echo "$out"; exit 1; }
out=$(cargo run --quiet -p grader -- --part 2 --solutions 2>&1) || { echo "$out"; echo "the grader failed on part 2's solutions"; exit 1; }
grep -q "exercises pass" <<< "$out" || { echo "$out"; exit 1; }
echo "grader: 0/$n on the stubs, $n/$n on the solutions"
