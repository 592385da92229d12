-- AI Toolkit's teams carry a description; teams and orgs are one table.
ALTER TABLE orgs ADD COLUMN description text NOT NULL DEFAULT '';
