#!/bin/sh
# The main job end to end on the shipped examples: a fresh store holding North Miami and
# Dearborn Heights exactly as announced, and the fictional Brightwater demo engagement with
# its findings and status history; then every report format of each into one folder, the demo's progress and
# assessment reports and the dashboard; releases of the demo and both real engagements, and the public
# site built from them (report/site/).
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
# The demo team's field work: internal, but the public reports count it by method.
reformctl team add --site brightwater-demo "Dana Reyes" --role lead --expertise "organizational reform"
reformctl team add --site brightwater-demo "Sam Okafor" --role community-engagement
reformctl activity --site brightwater-demo --method site-visit --date 2025-03-10 --team "Dana Reyes" --team "Sam Okafor" >/dev/null
for day in 2025-03-11 2025-03-12; do
  reformctl activity --site brightwater-demo --method interview --date "$day" --participants 1 --team "Dana Reyes" >/dev/null
done
reformctl activity --site brightwater-demo --method focus-group --date 2025-03-12 --participants 9 --team "Sam Okafor" >/dev/null
reformctl activity --site brightwater-demo --method listening-session --date 2025-03-13 --participants 60 --team "Sam Okafor" >/dev/null
for site in north-miami dearborn-heights brightwater-demo; do
  reformctl report --site "$site" --format markdown --output "$out/$site.md"
  reformctl report --site "$site" --format html --output "$out/$site.html"
  reformctl report --site "$site" --format json --output "$out/$site.json"
  reformctl report --site "$site" --format csv --output "$out/$site.csv"
  reformctl report --site "$site" --format pdf --output "$out/$site.pdf"
  reformctl report --site "$site" --format xlsx --output "$out/$site.xlsx"
done
mkdir -p "$out/open-data"
reformctl export --public-db "$out/open-data/tracker.db"
reformctl export --site brightwater-demo --bundle "$out/bundle/brightwater-demo"
reformctl report --site brightwater-demo --kind progress --format pdf --output "$out/brightwater-demo-progress.pdf"
# The demo's assessment report: its narrative sections, a chapter per focus area, the list of recommendations.
for format in markdown html pdf docx; do
  ext="$format"; [ "$format" = markdown ] && ext=md
  reformctl report --site brightwater-demo --kind assessment --format "$format" --output "$out/brightwater-demo-assessment.$ext"
done
# Frozen releases (every public format and a manifest), then the public site built from them alone.
rm -rf "$out/releases"
reformctl publish --site brightwater-demo --as-of 2026-06-30 --output "$out/releases/brightwater-demo-1" >/dev/null
reformctl publish --site brightwater-demo --output "$out/releases/brightwater-demo-2" >/dev/null
reformctl publish --site north-miami --output "$out/releases/north-miami-1" >/dev/null
reformctl publish --site dearborn-heights --output "$out/releases/dearborn-heights-1" >/dev/null
reformctl site build "$out/site" >/dev/null
reformctl status
reformctl engagements
echo
echo "Reports are in $out/ (open $out/brightwater-demo.html in a browser); the store is $REFORMCTL_DB"
echo "Public site: $out/site/ (serve it with: python -m http.server -d $out/site, then open http://localhost:8000/)"
echo "Open data: datasette $out/open-data/tracker.db -m $out/open-data/metadata.json; a bundle for git: $out/bundle/"
