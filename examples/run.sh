#!/bin/sh
# The main job end to end on the shipped examples: a fresh store holding North Miami and
# Dearborn Heights exactly as announced, and the fictional Brightwater demo engagement with
# its findings and status history; then every report format of each into one folder, the demo's progress report and the dashboard.
#
#   sh examples/run.sh [OUTPUT_DIR]      (default: report/)
#
# The date is pinned (REFORMCTL_TODAY) so the example reports are reproducible; the demo's
# last quarterly review is 2026-09-30. Set REFORMCTL_TODAY yourself to report as of another day.
set -eu
cd "$(dirname "$0")/.."
out="${1:-report}"
export REFORMCTL_TODAY="${REFORMCTL_TODAY:-2026-10-01}"
export REFORMCTL_DB="$out/examples.db"
mkdir -p "$out"
rm -f "$REFORMCTL_DB" "$REFORMCTL_DB-wal" "$REFORMCTL_DB-shm"

reformctl new-engagement --from examples/north-miami.toml
reformctl new-engagement --from examples/dearborn-heights.toml
reformctl demo
for site in north-miami dearborn-heights brightwater-demo; do
  reformctl report --site "$site" --format markdown --output "$out/$site.md"
  reformctl report --site "$site" --format html --output "$out/$site.html"
  reformctl report --site "$site" --format json --output "$out/$site.json"
  reformctl report --site "$site" --format csv --output "$out/$site.csv"
  reformctl report --site "$site" --format pdf --output "$out/$site.pdf"
  reformctl report --site "$site" --format xlsx --output "$out/$site.xlsx"
done
reformctl report --site brightwater-demo --kind progress --format pdf --output "$out/brightwater-demo-progress.pdf"
reformctl status
reformctl engagements
echo
echo "Reports are in $out/ (open $out/brightwater-demo.html in a browser); the store is $REFORMCTL_DB"
