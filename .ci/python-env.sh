# Sourced by .ci/run and bench scripts: creates or reuses a venv with the peer's pinned stack
# (../shared/peer/versions.txt) under the cache folder, and sets $PY.
: "${CACHE:=$HOME/.cache/cumulus}"
: "${SHARED:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared}"
req="$SHARED/peer/versions.txt"
if [ ! -f "$req" ]; then
    echo "python-env.sh: $req not found (is ../shared beside the clone, or SHARED set?)" >&2
    return 1 2>/dev/null || exit 1
fi
key=$( (cat "$req"; python3 --version) | sha256sum | cut -c1-12)
VENV="$CACHE/venv-$key"
if [ ! -x "$VENV/bin/python" ] || [ ! -f "$VENV/.complete" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    grep -v '^#' "$req" > "$CACHE/requirements-$key.txt"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$CACHE/requirements-$key.txt"
    touch "$VENV/.complete"
fi
PY="$VENV/bin/python"
