#!/usr/bin/env bash
# Headless smoke test of a built binary: --version, init, add, list, and the GUI starting offscreen.
set -euo pipefail
BIN=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export REFLECTJOURNAL_STATE_DIR="$work/state" REFLECTJOURNAL_NO_KEYRING=1 QT_QPA_PLATFORM=offscreen
(umask 077; printf 'smoke test passphrase\n' > "$work/pw")  # refused unless private
J=(--journal "$work/smoke.rj" --passphrase-file "$work/pw")
"$BIN" --version
"$BIN" "${J[@]}" init --name Smoke
id=$("$BIN" "${J[@]}" add "Smoke test entry from the built app" --tag burnout --model gibbs)
"$BIN" "${J[@]}" list --tag burnout --json | grep -q "Smoke test entry from the built app"
"$BIN" "${J[@]}" show "$id" --html | grep -q "<p>"
"$BIN" "${J[@]}" frameworks | grep -q healthcare-leadership
head -c 16 "$work/smoke.rj" | grep -qv "SQLite format 3"
echo "smoke test passed: $BIN"
