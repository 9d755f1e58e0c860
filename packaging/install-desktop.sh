#!/usr/bin/env bash
# Install the desktop entry, MIME types, icon and metainfo for the current user.
set -euo pipefail
cd "$(dirname "$0")/.."
share=${XDG_DATA_HOME:-$HOME/.local/share}
app=io.github.reflectjournal.ReflectJournal
install -Dm644 "resources/linux/$app.desktop" "$share/applications/$app.desktop"
install -Dm644 "resources/linux/$app.metainfo.xml" "$share/metainfo/$app.metainfo.xml"
install -Dm644 "resources/linux/$app.xml" "$share/mime/packages/$app.xml"
icon=reflectjournal/resources/icons/reflectjournal.svg
[ -f "$icon" ] && install -Dm644 "$icon" "$share/icons/hicolor/scalable/apps/$app.svg"
command -v update-mime-database >/dev/null && update-mime-database "$share/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$share/applications" || true
echo "installed $app into $share"
