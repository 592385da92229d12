#!/bin/sh
# Vulnerable: runs whatever the server returns, unverified.
curl -fsSL https://get.example-tool.dev/install.sh | sh
