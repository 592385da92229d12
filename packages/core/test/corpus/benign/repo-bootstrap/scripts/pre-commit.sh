#!/usr/bin/env bash
# Pre-commit: refuse commits with conflict markers, large files or obvious credentials.
set -euo pipefail

staged="$(git diff --cached --name-only --diff-filter=ACM)"
[[ -z "$staged" ]] && exit 0

status=0
while IFS= read -r file; do
  [[ -f "$file" ]] || continue
  if grep -nE '^(<<<<<<<|>>>>>>>)( |$)' -- "$file" > /dev/null; then
    echo "conflict markers in $file" >&2
    status=1
  fi
  size=$(wc -c < "$file")
  if ((size > 1048576)); then
    echo "$file is larger than 1 MB; use Git LFS" >&2
    status=1
  fi
  if grep -nE 'BEGIN (RSA|OPENSSH|EC) PRIVATE KEY|AKIA[0-9A-Z]{16}' -- "$file" > /dev/null; then
    echo "$file looks like it contains a credential" >&2
    status=1
  fi
done <<< "$staged"

if [[ -x scripts/lint.sh ]]; then
  scripts/lint.sh || status=1
fi
exit "$status"
