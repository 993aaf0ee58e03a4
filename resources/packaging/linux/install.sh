#!/bin/sh
# Install Mission Desktop for you alone, with no admin rights: the app goes to
# ~/.local/lib/mission-desktop, a `mission-desktop` command to ~/.local/bin, and the menu
# entry, icon and *.mission.json file type under ~/.local/share (double-click a scenario
# file to open it). Run it from the unzipped folder:   ./install.sh
# Remove it all again with:                             ./install.sh --uninstall
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
LIB="$HOME/.local/lib/mission-desktop"
BIN="$HOME/.local/bin"
ICONS="$DATA/icons/hicolor"

refresh() {  # the desktop's caches; each tool is optional
    if command -v update-mime-database >/dev/null 2>&1; then update-mime-database "$DATA/mime" || true; fi
    if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q "$DATA/applications" || true; fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true; fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$LIB"
    rm -f "$BIN/mission-desktop" "$DATA/applications/mission-desktop.desktop" \
        "$DATA/mime/packages/mission-desktop.xml" \
        "$ICONS/256x256/apps/mission-desktop.png" "$ICONS/48x48/apps/mission-desktop.png" \
        "$ICONS/256x256/mimetypes/application-x-mission-desktop.png"
    refresh
    echo "Mission Desktop removed (your scenario library is kept in $DATA/Mission Desktop)."
    exit 0
fi
if [ ! -x "$HERE/mission-desktop" ] || [ ! -d "$HERE/linux" ]; then
    echo "install.sh: run me from the unzipped mission-desktop folder" >&2
    exit 2
fi

if [ "$HERE" != "$LIB" ]; then  # copy in whole, then swap: a half-copied app never runs
    mkdir -p "$(dirname "$LIB")"
    rm -rf "$LIB.new"
    cp -R "$HERE" "$LIB.new"
    rm -rf "$LIB"
    mv "$LIB.new" "$LIB"
fi
mkdir -p "$BIN" "$DATA/applications" "$DATA/mime/packages" \
    "$ICONS/256x256/apps" "$ICONS/48x48/apps" "$ICONS/256x256/mimetypes"
ln -sf "$LIB/mission-desktop" "$BIN/mission-desktop"
sed "s|@EXEC@|\"$LIB/mission-desktop\"|" "$LIB/linux/mission-desktop.desktop" \
    > "$DATA/applications/mission-desktop.desktop"
cp "$LIB/linux/mission-desktop.xml" "$DATA/mime/packages/mission-desktop.xml"
cp "$LIB/linux/mission-desktop.png" "$ICONS/256x256/apps/mission-desktop.png"
cp "$LIB/linux/mission-desktop-48.png" "$ICONS/48x48/apps/mission-desktop.png"
cp "$LIB/linux/mission-desktop.png" "$ICONS/256x256/mimetypes/application-x-mission-desktop.png"
refresh
if command -v xdg-mime >/dev/null 2>&1; then
    xdg-mime default mission-desktop.desktop application/x-mission-desktop || true
fi
echo "Mission Desktop installed in $LIB; find it in your applications menu,"
echo "double-click a .mission.json file, or run: mission-desktop"
