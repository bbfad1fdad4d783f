#!/usr/bin/env bash
# A preview or deployment must run against the stack's real state. PULUMI_BACKEND_URL (a secret of the
# GitHub environment) overrides the file:// backend of Pulumi.yaml, which on a fresh runner is empty: a
# preview there shows every resource as a create and an `up` would try to create them all again.
set -euo pipefail
url=${PULUMI_BACKEND_URL:-}
if [ -z "$url" ]; then
  echo "::error title=No state backend::set the PULUMI_BACKEND_URL secret: https://api.pulumi.com (with PULUMI_ACCESS_TOKEN) or your self-managed backend, e.g. azblob://state?storageAccount=NAME (with AZURE_STORAGE_KEY)"
  exit 1
fi
case "$url" in
  file://*)
    echo "::error title=Empty state backend::PULUMI_BACKEND_URL is $url, a folder of this runner: its state is empty"
    exit 1
    ;;
esac
echo "State backend: ${url%%\?*}"
