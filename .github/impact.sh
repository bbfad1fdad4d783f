#!/usr/bin/env bash
# Usage: impact.sh BASE HEAD OUT PR_NUMBER
# For each environment stack of HEAD (stacks/Pulumi.<stack>.yaml): the offline plan of BASE and of HEAD, each
# with its own build (plan --format json), then `diff` of the two as Markdown. Writes OUT/comment.md (one
# comment for the pull request, marked so that impact-comment.yml finds and edits it) and OUT/pr-number.
# Exit 1 when the change breaks something Azure ML requires; the comment is written first.
set -euo pipefail
base=$1 head=$2 out=$3 pr=$4
case "$pr" in
  '' | *[!0-9]*) echo "impact.sh: not a pull request number: '$pr'" >&2; exit 2 ;;
esac
mkdir -p "$out"
printf '%s\n' "$pr" > "$out/pr-number"
status=0
{
  echo "<!-- azureml-firewall-impact -->"
  for file in "$head"/stacks/Pulumi.*.yaml; do
    stack=$(basename "$file" .yaml)
    stack=${stack#Pulumi.}
    "$head/bin/azureml-firewall" plan --stack "$stack" --format json > "$out/head-$stack.json" || [ $? -eq 1 ]
    if [ ! -f "$base/stacks/Pulumi.$stack.yaml" ]; then
      printf '## Stack %s\n\nNew in this pull request: no base to compare with.\n\n' "$stack"
      continue
    fi
    "$base/bin/azureml-firewall" plan --stack "$stack" --format json > "$out/base-$stack.json" || [ $? -eq 1 ]
    code=0
    "$head/bin/azureml-firewall" diff --base "$out/base-$stack.json" --head "$out/head-$stack.json" \
      --format markdown > "$out/diff-$stack.md" || code=$?
    if [ "$code" -gt 1 ]; then
      cat "$out/diff-$stack.md" >&2
      exit "$code"
    fi
    [ "$code" -eq 1 ] && status=1
    sed "1s/^## Azure ML impact of this change$/## Stack $stack: Azure ML impact of this change/" "$out/diff-$stack.md"
  done
} > "$out/comment.md"
cat "$out/comment.md"
exit "$status"
