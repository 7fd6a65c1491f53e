-- managed_props records the property values Patchbay itself put on a
-- resource, so that list entries someone else added (an adopted Auth0
-- application's other callbacks) are kept while Patchbay's stale ones go.
ALTER TABLE resources ADD COLUMN managed_props TEXT NOT NULL DEFAULT '{}';
