#!/usr/bin/env bash
# Build the one-folder app into dist/reflectjournal and smoke-test the built binary.
# Usage: packaging/build.sh [--no-smoke]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m pip install -q 'pyinstaller>=6.5'
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/reflectjournal.spec
[ "${1:-}" = "--no-smoke" ] || packaging/smoke.sh dist/reflectjournal/reflectjournal
