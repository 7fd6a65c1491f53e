-- Users of a Patchbay server (patchbay server) and their roles per team.
-- Tokens are kept as SHA-256 hashes only, like API keys: the token itself
-- is shown once, to the owner who added the user.
CREATE TABLE server_users (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE server_tokens (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX server_tokens_user ON server_tokens (user_name);

-- role is owner, member or viewer.
CREATE TABLE team_members (
    team       TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    role       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (team, user_name)
);
