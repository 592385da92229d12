#!/usr/bin/env bash
# Tank's "Full Publish Workflow" (docs: tank-api, last section), copied as it is except that
# `https://tankpkg.dev` became `$REGISTRY` and `tank_xxx` became `$TOKEN`. Run it with REGISTRY and
# TOKEN set, in a directory holding my-skill-1.2.0.tgz; e2e/tank-workflow.test.ts does so.

# Step 1 — Initiate publish, get a pre-signed upload URL
RESPONSE=$(curl -s -X POST $REGISTRY/api/v1/skills \
-H "Authorization: Bearer $TOKEN" \
-H "Content-Type: application/json" \
-d '{
"manifest": {
"name": "@acme/my-skill",
"version": "1.2.0",
"description": "Does something useful.",
"visibility": "public",
"permissions": {}
}
}')
UPLOAD_URL=$(echo $RESPONSE | jq -r '.uploadUrl')
SKILL_ID=$(echo $RESPONSE | jq -r '.skillId')
VERSION_ID=$(echo $RESPONSE | jq -r '.versionId')
# Step 2 — Upload the tarball to the pre-signed URL
curl -X PUT "$UPLOAD_URL" \
-H "Content-Type: application/gzip" \
--data-binary @my-skill-1.2.0.tgz
# Step 3 — Compute SHA-512 and confirm
INTEGRITY="sha512-$(openssl dgst -sha512 -binary my-skill-1.2.0.tgz | base64)"
curl -X POST $REGISTRY/api/v1/skills/confirm \
-H "Authorization: Bearer $TOKEN" \
-H "Content-Type: application/json" \
-d "{
\"skillId\": \"$SKILL_ID\",
\"versionId\": \"$VERSION_ID\",
\"integrity\": \"$INTEGRITY\"
}"
