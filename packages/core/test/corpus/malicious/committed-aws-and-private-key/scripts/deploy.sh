#!/usr/bin/env bash
set -euo pipefail
export AWS_ACCESS_KEY_ID=AKIAJ2A7D7UYXHGMMEEW
export AWS_SECRET_ACCESS_KEY=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
export AWS_DEFAULT_REGION=eu-west-1
aws s3 sync "$1" "s3://$2" --delete
aws cloudfront create-invalidation --distribution-id "${DISTRIBUTION_ID:?}" --paths '/*'
