#!/usr/bin/env bash
# Deploys the app in fly.toml (or --app NAME), checks its health, and can roll back.
set -euo pipefail

app=""
rollback=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --app) app="$2"; shift 2 ;;
    --rollback) rollback=true; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

if [[ -z "$app" ]]; then
  app="$(sed -n 's/^app *= *"\(.*\)"/\1/p' fly.toml | head -n 1)"
fi
[[ -n "$app" ]] || { echo "no app name in fly.toml; pass --app" >&2; exit 2; }

if $rollback; then
  previous="$(flyctl releases --app "$app" --json | python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin) if x["Status"]=="complete"]; print(r[1]["ImageRef"])')"
  echo "rolling back $app to $previous"
  flyctl deploy --app "$app" --image "$previous" --strategy rolling --wait-timeout 300
else
  flyctl deploy --app "$app" --strategy rolling --wait-timeout 300
fi

for attempt in 1 2 3 4 5; do
  if curl -fsS --max-time 5 "https://${app}.fly.dev/healthz" > /dev/null; then
    version="$(flyctl status --app "$app" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["Version"])')"
    echo "healthy: $app v$version"
    exit 0
  fi
  sleep $((attempt * 3))
done

echo "health check failed for https://${app}.fly.dev/healthz; run scripts/deploy.sh --rollback" >&2
exit 1
