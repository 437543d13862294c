#!/usr/bin/env bash
# Executes every notebook in notebooks/ with the evcxr Jupyter kernel, headless, one after the
# other, and fails on any error, panic or standard-error output in them (.ci/nbcheck.py).
# Called by .ci/run (step 7). On its own:
#
#   bash .ci/notebooks.sh            # execute copies in a temporary folder, check them
#   bash .ci/notebooks.sh --update   # the same, then copy the executed notebooks back into
#                                    # notebooks/ (to commit their outputs)
#   bash .ci/notebooks.sh --install-only   # only install the kernel and the Jupyter client
#   bash .ci/notebooks.sh [--update] notebooks/02-spatiotemporal.ipynb   # only these notebooks
#
# The committed notebooks are only written with --update. Without it the class data is
# generated into $WORK (so every run also runs the generation cells); with it, into data/tiny
# as a student would (remove data/tiny first to show the generation in the outputs), and
# outputs holding an absolute path of this machine fail the check.
#
# Installed once, under $CACHE: evcxr_jupyter (cargo install, about 6 minutes on 2 cores) and a
# venv with the pinned Jupyter client (.ci/notebooks-requirements.txt). The kernel's build
# folder ($CACHE/evcxr-build) is kept between runs: a warm run recompiles only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${CACHE:-${CUMULUS_CACHE:-$HOME/.cache/cumulus}}
EVCXR_VERSION=0.22.0
update=no
if [ "${1:-}" = --update ]; then update=yes; shift; fi
install_only=no
if [ "${1:-}" = --install-only ]; then install_only=yes; shift; fi
# The notebooks to run: the arguments left, or all of them.
if [ $# -gt 0 ]; then notebooks=("$@"); else notebooks=(notebooks/*.ipynb); fi
if [ -z "${WORK:-}" ]; then
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$CACHE"
t0=$SECONDS

# The kernel. `cargo install` gets its own temporary target folder (not the workspace's).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! cargo install --list | grep -q "^evcxr_jupyter v$EVCXR_VERSION:"; then
    echo "installing evcxr_jupyter $EVCXR_VERSION (once)"
    env -u CARGO_TARGET_DIR cargo install evcxr_jupyter --version "$EVCXR_VERSION" --locked --quiet
fi

# The Jupyter client, pinned, in a venv keyed on the pins and the Python version.
req=.ci/notebooks-requirements.txt
key=$( (cat "$req"; python3 --version) | sha256sum | cut -c1-12)
VENV="$CACHE/venv-nb-$key"
if [ ! -x "$VENV/bin/python" ] || [ ! -f "$VENV/.complete" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    touch "$VENV/.complete"
fi
# Register the Rust kernel inside the venv (not in ~/.local), every time: it is instant.
export JUPYTER_PATH="$VENV/share/jupyter"
evcxr_jupyter --install > /dev/null
"$VENV/bin/jupyter" kernelspec list | grep -q '^ *rust ' || { echo "the rust kernel is not registered"; exit 1; }
if [ $install_only = yes ]; then echo "installed: $(evcxr_jupyter --version 2>/dev/null || echo evcxr_jupyter) ($((SECONDS - t0)) s)"; exit 0; fi

# A persistent build folder, used by one kernel at a time; no personal evcxr settings.
export EVCXR_TMPDIR="$CACHE/evcxr-build"
export EVCXR_CONFIG_DIR="$WORK/evcxr-config"
mkdir -p "$EVCXR_TMPDIR" "$EVCXR_CONFIG_DIR" "$WORK/executed"
exec 9> "$CACHE/evcxr-build.lock"
flock 9
unset CARGO_TARGET_DIR RUSTFLAGS
# evcxr links each cell against libstd as a shared library and finds it through a RUNPATH
# relative to the build folder; when that folder is inside the home folder that holds
# ~/.rustup (as $CACHE is), the relative path comes out one level short and the kernel dies
# with "dlopen failed". Pointing the loader at the toolchain's libraries fixes it.
host=$(rustc -vV | sed -n 's/^host: //p')
export LD_LIBRARY_PATH="$(rustc --print sysroot)/lib/rustlib/$host/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

check_args=()
if [ $update = yes ]; then
    unset CUMULUS_DATA
    check_args=(--forbid "$ROOT" --forbid "$WORK" --forbid "$HOME/" --forbid /tmp/)
else
    export CUMULUS_DATA="$WORK/data/tiny"
fi
echo "setup: $((SECONDS - t0)) s"

failed=()
for nb in "${notebooks[@]}"; do
    name=$(basename "$nb")
    out="$WORK/executed/$name"
    start=$SECONDS
    status=0
    /usr/bin/time -f "%M" -o "$WORK/rss" "$VENV/bin/jupyter" nbconvert --to notebook --execute --allow-errors \
        --ExecutePreprocessor.kernel_name=rust --ExecutePreprocessor.timeout=1800 \
        --ExecutePreprocessor.record_timing=False \
        --output-dir "$WORK/executed" "$nb" > "$WORK/log" 2>&1 || status=$?
    rss_mb=$(( $(tail -n1 "$WORK/rss" 2> /dev/null || echo 0) / 1024 ))
    echo "$name: $((SECONDS - start)) s (largest process: $rss_mb MB)"
    if [ $status -ne 0 ] || [ ! -f "$out" ]; then
        cat "$WORK/log"
        failed+=("$name: nbconvert exited $status")
        continue
    fi
    if ! "$VENV/bin/python" .ci/nbcheck.py "${check_args[@]}" "$out"; then
        failed+=("$name: errors in the outputs (above)")
        continue
    fi
    if [ $update = yes ]; then
        cp "$out" "$nb"
        echo "  updated $nb"
    fi
done
echo "notebooks: $((SECONDS - t0)) s in all"
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
