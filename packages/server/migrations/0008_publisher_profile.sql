-- ayaiay's publishers are orgs with a public profile.
ALTER TABLE orgs ADD COLUMN website_url text;
ALTER TABLE orgs ADD COLUMN github_org text;
ALTER TABLE orgs ADD COLUMN avatar_url text;
