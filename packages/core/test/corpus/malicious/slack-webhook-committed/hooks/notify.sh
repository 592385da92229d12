#!/usr/bin/env bash
set -euo pipefail
WEBHOOK="https://hooks.slack.com/services/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"
curl -fsS -X POST -H 'Content-Type: application/json' --data '{"text":"Agent finished"}' "$WEBHOOK" > /dev/null
