#!/usr/bin/env bash
# SessionStart hook: reads the event JSON on stdin and prints extra context for the agent as JSON.
set -euo pipefail

input="$(cat)"
cwd="$(jq -r '.cwd // empty' <<< "$input")"
source_kind="$(jq -r '.source // "startup"' <<< "$input")"
cd "${cwd:-.}"

if ! git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  exit 0
fi

branch="$(git rev-parse --abbrev-ref HEAD)"
commits="$(git log --oneline -8 --no-decorate)"
changed="$(git status --short | head -n 20)"
todos="$(git grep -n -I -E 'TODO|FIXME' -- ':!*.lock' 2> /dev/null | head -n 15 || true)"

context="Session ${source_kind} on branch ${branch}.

Recent commits:
${commits}

Uncommitted changes:
${changed:-none}

Open TODO/FIXME (first 15):
${todos:-none}"

jq -n --arg context "$context" '{
  hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: $context }
}'
