#!/bin/sh
# The README's pictures of the public site's index, at a desktop's 1280 px and a phone's 390 px,
# taken with headless Chromium from a site built by examples/run.sh:
#
#   sh examples/run.sh && sh examples/site-screenshots.sh [SITE_DIR]     (default: report/site)
#
# Headless Chromium's window is at least 500 px wide, so the phone view is the index in an
# iframe 390 px wide, cropped to it (Pillow, which WeasyPrint installs).
set -eu
cd "$(dirname "$0")/.."
site="$(cd "${1:-report/site}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for width in 1280 390; do
  window=$(( width > 500 ? width : 500 ))
  printf '<!DOCTYPE html><html><body style="margin:0"><iframe style="border:0;display:block" width="%s" height="1500" src="file://%s/index.html"></iframe></body></html>' \
    "$width" "$site" > "$work/frame.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files \
    --user-data-dir="$work/profile" --window-size="$window,1500" --screenshot="$work/shot.png" \
    "file://$work/frame.html" 2>/dev/null
  python3 -c "import sys; from PIL import Image; Image.open(sys.argv[1]).crop((0, 0, int(sys.argv[2]), 1500)).save(sys.argv[3], optimize=True)" \
    "$work/shot.png" "$width" "examples/site-index-$width.png"
done
echo "wrote examples/site-index-1280.png and examples/site-index-390.png"
