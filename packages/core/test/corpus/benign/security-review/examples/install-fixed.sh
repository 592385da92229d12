#!/bin/sh
# Fixed: download, verify the published checksum, then run.
set -eu
version=2.4.1
curl -fsSLo install.sh "https://get.example-tool.dev/v${version}/install.sh"
echo "5d41402abc4b2a76b9719d911017c592e3b0c44298fc1c149afbf4c8996fb924  install.sh" | sha256sum -c -
sh install.sh
