#!/usr/bin/env bash
# Build the one-folder app into dist/reflectjournal and smoke-test the built binary.
# Usage: packaging/build.sh [--no-smoke]
#
# The app is built in a venv of its own from packaging/requirements.lock: every dependency
# (and PyInstaller) pinned to an exact version and checked against its sha256, so the packaged
# app contains exactly what was tested and reviewed. Regenerate the lock after changing
# pyproject.toml with the pip-compile command in packaging/build-requirements.in.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
venv=build/locked-venv
rm -rf "$venv"
"$PY" -m venv "$venv"
if ! "$venv/bin/pip" install -q --require-hashes -r packaging/requirements.lock; then
  echo "build.sh: the locked dependencies could not be installed with matching hashes;" \
       "nothing was built." >&2
  exit 1
fi
# The app itself, without letting pip resolve (and so change) any dependency.
"$venv/bin/pip" install -q --no-deps --no-build-isolation .
"$venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/reflectjournal.spec
[ "${1:-}" = "--no-smoke" ] || packaging/smoke.sh dist/reflectjournal/reflectjournal
