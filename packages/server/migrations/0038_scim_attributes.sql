-- What the identity provider last sent for a SCIM user in this tenant (name parts, emails, title,
-- extension attributes), returned as it was sent. Accounts are shared between tenants, so one tenant's
-- identity provider never rewrites the account's own name or email.
ALTER TABLE tenant_members ADD COLUMN scim_data jsonb NOT NULL DEFAULT '{}'::jsonb;
