-- API keys (hashed tokens only), their triggers and their audit log.
CREATE TABLE api_keys (
    id                    TEXT PRIMARY KEY,
    team                  TEXT NOT NULL,
    name                  TEXT NOT NULL,
    grants                TEXT NOT NULL DEFAULT '[]', -- JSON [{provider, components, profile}]
    token_hash            BLOB NOT NULL,
    token_hint            TEXT NOT NULL,
    rate_limit_per_minute INTEGER NOT NULL DEFAULT 0,
    expires_at            TEXT NOT NULL DEFAULT '',
    last_used_at          TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (team, name)
);
CREATE TABLE api_key_triggers (
    id                  TEXT PRIMARY KEY,
    key_id              TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    provider            TEXT NOT NULL,
    component           TEXT NOT NULL,
    config              TEXT NOT NULL DEFAULT '{}', -- JSON, no secrets
    target_url          TEXT NOT NULL,
    profile             TEXT NOT NULL DEFAULT '',
    provider_webhook_id TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL
);
CREATE INDEX api_key_triggers_key ON api_key_triggers (key_id);
CREATE TABLE api_key_audit (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    team     TEXT NOT NULL,
    key_id   TEXT NOT NULL,
    call     TEXT NOT NULL,
    provider TEXT NOT NULL DEFAULT '',
    target   TEXT NOT NULL DEFAULT '',
    profile  TEXT NOT NULL DEFAULT '',
    outcome  TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_key_audit_key ON api_key_audit (key_id, seq);
