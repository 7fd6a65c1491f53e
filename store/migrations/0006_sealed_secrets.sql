-- Provisioned secrets of a shared state database, so every daemon of a
-- team reads the secrets any of them provisioned. Values are sealed with
-- envelope encryption (internal/sealed: a fresh data key per value,
-- wrapped by the keyset file's key) before they reach the store; plain
-- text never does. A laptop without a keyset keeps using its keyring.
CREATE TABLE sealed_secrets (
    name       TEXT PRIMARY KEY,
    ciphertext BLOB NOT NULL,
    updated_at TEXT NOT NULL
);
