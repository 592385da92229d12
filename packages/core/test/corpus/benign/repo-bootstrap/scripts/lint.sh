#!/usr/bin/env bash
set -euo pipefail
if [[ -f package.json ]]; then
  npx --no-install eslint . --max-warnings 0
elif [[ -f pyproject.toml ]]; then
  python3 -m ruff check .
fi
