-- Environments belong to a team (a Patchbay server's teams; "default" on a
-- local daemon and for every environment made before teams partitioned
-- them), and a workspace's environment names are unique per team, so two
-- teams may each have a "staging" of the same checkout. The services a
-- plan recorded are per team too. Resources, plans, relationships, the
-- journal and locks hang off an environment's id and follow it.
--
-- SQLite cannot drop a table constraint, so its tables are rebuilt as
-- https://www.sqlite.org/lang_altertable.html#otheralter says: create the
-- new table, copy, drop the old one, rename the new one; SQLite migrations
-- run with foreign keys off and checked before commit (store.go), so the
-- drop neither cascades to plans nor is restricted by resources, whose
-- REFERENCES environments(id) then name the new table.

-- engine: sqlite
CREATE TABLE environments_new (
    id             TEXT PRIMARY KEY,
    team           TEXT NOT NULL DEFAULT 'default',
    workspace_root TEXT NOT NULL,
    name           TEXT NOT NULL,
    frontend_url   TEXT NOT NULL DEFAULT '',
    api_url        TEXT NOT NULL DEFAULT '',
    extra_origins  TEXT NOT NULL DEFAULT '[]', -- JSON array
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (team, workspace_root, name)
);
INSERT INTO environments_new (id, team, workspace_root, name, frontend_url, api_url, extra_origins, created_at, updated_at)
    SELECT id, 'default', workspace_root, name, frontend_url, api_url, extra_origins, created_at, updated_at
    FROM environments;
DROP TABLE environments;
ALTER TABLE environments_new RENAME TO environments;

CREATE TABLE services_new (
    team           TEXT NOT NULL DEFAULT 'default',
    workspace_root TEXT NOT NULL,
    path           TEXT NOT NULL,
    name           TEXT NOT NULL,
    language       TEXT NOT NULL DEFAULT '',
    providers      TEXT NOT NULL DEFAULT '[]', -- JSON array of provider ids
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (team, workspace_root, path)
);
INSERT INTO services_new (team, workspace_root, path, name, language, providers, updated_at)
    SELECT 'default', workspace_root, path, name, language, providers, updated_at FROM services;
DROP TABLE services;
ALTER TABLE services_new RENAME TO services;

-- engine: postgres
ALTER TABLE environments ADD COLUMN team TEXT NOT NULL DEFAULT 'default';
ALTER TABLE environments DROP CONSTRAINT environments_workspace_root_name_key;
ALTER TABLE environments ADD CONSTRAINT environments_team_workspace_root_name_key UNIQUE (team, workspace_root, name);

ALTER TABLE services ADD COLUMN team TEXT NOT NULL DEFAULT 'default';
ALTER TABLE services DROP CONSTRAINT services_pkey;
ALTER TABLE services ADD PRIMARY KEY (team, workspace_root, path);
