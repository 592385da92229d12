#!/usr/bin/env bash
# Posts "done" or "waiting for you" to the Slack incoming webhook in $SLACK_WEBHOOK_URL.
# Sends only the project folder name and the event, never code or conversation content.
set -euo pipefail

event="${1:-done}"
input="$(cat)"

if [[ -z "${SLACK_WEBHOOK_URL:-}" ]]; then
  exit 0 # not configured: stay silent
fi
case "$SLACK_WEBHOOK_URL" in
  https://hooks.slack.com/services/*) ;;
  *) echo "SLACK_WEBHOOK_URL must be a Slack incoming webhook URL" >&2; exit 0 ;;
esac

project="$(basename "$(jq -r '.cwd // "."' <<< "$input")")"
if [[ "$event" == "waiting" ]]; then
  text=":hourglass: Claude is waiting for you in *${project}*"
else
  text=":white_check_mark: Claude finished in *${project}*"
fi

curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' \
  --data "$(jq -n --arg text "$text" '{text: $text}')" \
  "$SLACK_WEBHOOK_URL" > /dev/null || true
