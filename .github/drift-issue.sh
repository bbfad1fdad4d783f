#!/usr/bin/env bash
# Usage: drift-issue.sh true|false DRIFT_FILE
# Keeps one open issue labelled catalog-drift while the catalog and Microsoft's article differ: opens it on
# the first drift, replaces its text with the current difference on the next, closes it when they agree.
set -euo pipefail
drift=$1 file=$2
label=catalog-drift
open=$(gh issue list --label "$label" --state open --json number --jq '.[0].number // empty')
if [ "$drift" != true ]; then
  if [ -n "$open" ]; then
    gh issue close "$open" --comment "The catalog matches Microsoft's article again ($(date -u +%F))."
  fi
  exit 0
fi
{
  echo "Microsoft's article no longer matches the catalog (checked $(date -u +%F)). Update"
  echo "components/catalog/data.ts (and CATALOG_SOURCES), or explain the rows with a catalog note."
  echo
  echo '```'
  cat "$file"
  echo '```'
} > body.md
if [ -n "$open" ]; then
  gh issue edit "$open" --body-file body.md
else
  gh label create "$label" --color B60205 --description "The catalog and Microsoft's article differ" --force
  gh issue create --title "Catalog drift: the Azure ML firewall article changed" --label "$label" --body-file body.md
fi
