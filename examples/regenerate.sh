#!/bin/sh
# Regenerate the committed example output: every report kind in every format for the fictional
# Brightwater demo engagement, as of its last quarterly review (2026-09-30), plus the pictures
# the README shows (the HTML report and the `reformctl status` dashboard, taken with Chromium).
#
#   sh examples/regenerate.sh          (writes examples/output/)
#
# REFORMCTL_TODAY is pinned, so running it again gives the same reports.
set -eu
cd "$(dirname "$0")/.."
out=examples/output
export REFORMCTL_TODAY=2026-10-01
export REFORMCTL_USER=examples
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export REFORMCTL_DB="$work/examples.db"
mkdir -p "$out"

reformctl demo >/dev/null
reformctl new-engagement --from examples/north-miami.toml >/dev/null
reformctl schedule --site brightwater-demo --next-update 2026-12-31 >/dev/null
for kind in status-update progress final assessment; do
  for format in markdown html json csv pdf xlsx docx; do
    ext="$format"; [ "$format" = markdown ] && ext=md
    reformctl report --site brightwater-demo --kind "$kind" --format "$format" --as-of 2026-09-30 \
      --output "$out/brightwater-demo-$kind.$ext" 2>/dev/null
  done
done
COLUMNS=100 reformctl status --svg "$out/status-dashboard.svg" >/dev/null 2>&1

if command -v chromium >/dev/null; then
  shot() {  # shot PAGE PNG WIDTH HEIGHT
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
      --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$work/chromium" \
      --screenshot="$2" --window-size="$3,$4" "file://$(pwd)/$1" >/dev/null 2>&1
  }
  shot "$out/brightwater-demo-progress.html" "$out/report-screenshot.png" 1280 2200
  shot "$out/status-dashboard.svg" "$out/status-dashboard.png" 1000 660
else
  echo "chromium not found: the screenshots were not updated" >&2
fi
# The assessment report's first two pages, as the README shows them (pdftoppm: poppler-utils).
if command -v pdftoppm >/dev/null; then
  pdftoppm -png -r 60 -f 1 -l 2 "$out/brightwater-demo-assessment.pdf" "$out/assessment-page"
else
  echo "pdftoppm not found: the pictures of the assessment report were not updated" >&2
fi
ls "$out"
