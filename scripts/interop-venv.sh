#!/usr/bin/env bash
# interop-venv.sh — create or update the Python venv used by Tests/interop
# (the official google-genai SDK, pinned in Tests/interop/requirements.txt).
#
# Idempotent: a stamp file holds a hash of the requirements and the base python;
# when it matches, nothing is installed. Prints the venv's python path on stdout
# (progress goes to stderr), so callers can do:  py=$(scripts/interop-venv.sh)
#
# Knobs:  GEMINI_LIVE_INTEROP_VENV=DIR   venv location (default: .build/interop-venv,
#                                        which .gitignore already ignores)
#         GEMINI_LIVE_PYTHON=python3     base interpreter
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
req="$root/Tests/interop/requirements.txt"
venv=${GEMINI_LIVE_INTEROP_VENV:-$root/.build/interop-venv}
base_python=${GEMINI_LIVE_PYTHON:-python3}

log() { echo "[interop-venv] $*" >&2; }

command -v "$base_python" >/dev/null 2>&1 || { log "no $base_python on PATH (scripts/install-deps.sh installs python3-venv)"; exit 1; }
[ -f "$req" ] || { log "missing $req"; exit 1; }

base_version=$("$base_python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
want=$( { cat "$req"; echo "python=$base_version"; } | sha256sum | cut -d' ' -f1)
stamp="$venv/.interop-stamp"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "up to date: $venv"
    echo "$venv/bin/python"
    exit 0
fi

t0=$SECONDS
if [ ! -x "$venv/bin/python" ]; then
    log "creating $venv (python $base_version)"
    mkdir -p "$(dirname "$venv")"
    "$base_python" -m venv "$venv" >&2
fi
log "installing $(sed 's/#.*//' "$req" | xargs)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
"$venv/bin/python" -c 'import google.genai, websockets; print("[interop-venv] google-genai", google.genai.__version__, "websockets", websockets.__version__)' >&2
echo "$want" > "$stamp"
log "ready in $((SECONDS - t0)) s"
echo "$venv/bin/python"
