-- Who holds an environment's apply/destroy lock, so a plan or an apply
-- elsewhere can say "locked by USER since TIME". On PostgreSQL the lock
-- itself is a session advisory lock of the applying process's connection,
-- released by PostgreSQL when that process dies, and this row only
-- describes it; on SQLite the row is the lock, a lease the holder renews
-- (expires_at, unix ms) and that lapses when it stops.
CREATE TABLE environment_locks (
    environment_id TEXT PRIMARY KEY,
    holder         TEXT NOT NULL, -- random id of this holding
    owner          TEXT NOT NULL, -- user@host, or the server user
    operation      TEXT NOT NULL, -- apply, destroy
    acquired_at    TEXT NOT NULL,
    expires_at     INTEGER NOT NULL DEFAULT 0
);
