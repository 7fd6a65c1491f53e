-- Initial schema. Secrets never go here: they live in the keyring and rows
-- only say which secret names a resource has.

CREATE TABLE services (
    workspace_root TEXT NOT NULL,
    path           TEXT NOT NULL,
    name           TEXT NOT NULL,
    language       TEXT NOT NULL DEFAULT '',
    providers      TEXT NOT NULL DEFAULT '[]', -- JSON array of provider ids
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (workspace_root, path)
);

CREATE TABLE environments (
    id             TEXT PRIMARY KEY,
    workspace_root TEXT NOT NULL,
    name           TEXT NOT NULL,
    frontend_url   TEXT NOT NULL DEFAULT '',
    api_url        TEXT NOT NULL DEFAULT '',
    extra_origins  TEXT NOT NULL DEFAULT '[]', -- JSON array
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (workspace_root, name)
);

-- A resource is identified inside its environment by (provider, type, name);
-- provider_id is what the provider calls it. status 'creating' means a create
-- call may have reached the provider without its answer being recorded.
CREATE TABLE resources (
    id                   TEXT PRIMARY KEY,
    environment_id       TEXT NOT NULL REFERENCES environments(id) ON DELETE RESTRICT,
    provider             TEXT NOT NULL,
    type                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    provider_id          TEXT NOT NULL DEFAULT '',
    created_by_patchbay  INTEGER NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('creating', 'present')),
    idempotency_key      TEXT NOT NULL DEFAULT '',
    profile              TEXT NOT NULL DEFAULT '',
    props                TEXT NOT NULL DEFAULT '{}', -- JSON: last applied properties
    outputs              TEXT NOT NULL DEFAULT '{}', -- JSON: non-secret outputs
    secret_names         TEXT NOT NULL DEFAULT '[]', -- JSON: secrets held in the keyring
    retiring_provider_id TEXT NOT NULL DEFAULT '',   -- old object still to delete after a rotation
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (environment_id, provider, type, name)
);

CREATE TABLE relationships (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    from_node      TEXT NOT NULL,
    to_node        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    UNIQUE (environment_id, from_node, to_node, kind)
);

CREATE TABLE plans (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    destroy        INTEGER NOT NULL DEFAULT 0,
    state          TEXT NOT NULL CHECK (state IN ('pending', 'applying', 'applied', 'failed', 'canceled', 'superseded')),
    body           BLOB NOT NULL, -- serialized engine plan
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE operations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    plan_id     TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT ''
);

-- The journal records every provider call before it is made and after it
-- returns, so that a crash leaves a trail the next run can follow.
CREATE TABLE journal (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id    TEXT NOT NULL,
    plan_id         TEXT NOT NULL DEFAULT '',
    step_id         TEXT NOT NULL,
    resource_id     TEXT NOT NULL DEFAULT '',
    call            TEXT NOT NULL,  -- create, read, update, delete, lookup, rotate
    phase           TEXT NOT NULL CHECK (phase IN ('before', 'after', 'error')),
    idempotency_key TEXT NOT NULL DEFAULT '',
    provider_id     TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL
);
CREATE INDEX journal_by_resource ON journal (resource_id, seq);

CREATE TABLE audit_log (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
