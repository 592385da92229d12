#!/usr/bin/env bash
# Adds basic hygiene files to the repository in the current directory. Never overwrites.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
with_ci=true
[[ "${1:-}" == "--no-ci" ]] && with_ci=false

if ! git rev-parse --show-toplevel > /dev/null 2>&1; then
  echo "not inside a git repository" >&2
  exit 1
fi
root="$(git rev-parse --show-toplevel)"
cd "$root"

skipped=()
place() {
  local source="$1" target="$2"
  if [[ -e "$target" ]]; then
    skipped+=("$target")
    return
  fi
  mkdir -p "$(dirname "$target")"
  cp "$source" "$target"
  echo "created $target"
}

place "$here/templates/editorconfig" .editorconfig

hooks_dir="$(git rev-parse --git-path hooks)"
place "$here/scripts/pre-commit.sh" "$hooks_dir/pre-commit"
chmod +x "$hooks_dir/pre-commit"

if $with_ci; then
  if [[ -f package.json ]]; then
    sed 's/{{RUNTIME}}/node/' "$here/templates/ci.yml" > /tmp/ci.yml.$$
  else
    sed 's/{{RUNTIME}}/python/' "$here/templates/ci.yml" > /tmp/ci.yml.$$
  fi
  place /tmp/ci.yml.$$ .github/workflows/ci.yml
  rm -f /tmp/ci.yml.$$
fi

if ((${#skipped[@]})); then
  printf 'skipped (already present): %s\n' "${skipped[@]}"
fi
