#!/usr/bin/env bash
# A real S3-compatible server for the remote-store tests: moto (PyPI, pinned) in a cached venv.
#
#   .ci/s3.sh            creates $CUMULUS_CACHE/venv-s3 (default ~/.cache/cumulus) if it is missing (idempotent) and
#                        prints the path of its moto_server executable on stdout.
#
# Use it as:  CUMULUS_MOTO_SERVER=$(.ci/s3.sh) cargo test -p cumulus-store --features remote --test remote
set -euo pipefail

MOTO_VERSION=5.2.5
VENV="${CUMULUS_S3_VENV:-${CUMULUS_CACHE:-$HOME/.cache/cumulus}/venv-s3}"
SERVER="$VENV/bin/moto_server"
STAMP="$VENV/.moto-$MOTO_VERSION"

if [[ ! -x "$SERVER" || ! -f "$STAMP" ]]; then
    echo "s3.sh: installing moto[server]==$MOTO_VERSION into $VENV" >&2
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
    touch "$STAMP"
fi
"$SERVER" --help >/dev/null 2>&1 || { echo "s3.sh: $SERVER does not run" >&2; exit 1; }
echo "$SERVER"
