-- Durable trigger deliveries: the outbox a provider event is committed to
-- before its webhook is answered 2xx, and the event ids already accepted
-- so a provider's retry of the same event is not delivered twice. Bodies
-- are the payload Patchbay forwards; signing secrets stay in the keyring.
CREATE TABLE trigger_deliveries (
    id              TEXT PRIMARY KEY, -- dlv_..., stable per provider event
    trigger_id      TEXT NOT NULL REFERENCES api_key_triggers(id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL DEFAULT '',
    event_type      TEXT NOT NULL,
    target_url      TEXT NOT NULL,
    body            BLOB NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending', -- pending | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL, -- unix ms, so comparisons are numeric
    claim           TEXT NOT NULL DEFAULT '',
    claimed_until   INTEGER NOT NULL DEFAULT 0, -- unix ms; a lapsed lease is free
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX trigger_deliveries_due ON trigger_deliveries (state, next_attempt_at);
CREATE INDEX trigger_deliveries_trigger ON trigger_deliveries (trigger_id);
CREATE TABLE trigger_events_seen (
    id          TEXT PRIMARY KEY, -- the delivery id derived from the event
    trigger_id  TEXT NOT NULL REFERENCES api_key_triggers(id) ON DELETE CASCADE,
    accepted_at INTEGER NOT NULL -- unix ms, for pruning
);
CREATE INDEX trigger_events_seen_trigger ON trigger_events_seen (trigger_id);
CREATE INDEX trigger_events_seen_accepted ON trigger_events_seen (accepted_at);
