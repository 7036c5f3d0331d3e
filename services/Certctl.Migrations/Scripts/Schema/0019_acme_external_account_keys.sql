-- ACME external account binding (RFC 8555 §7.3.4): MAC keys an operator hands to a client out of band, so that only their holders
-- can create ACME accounts. Each key binds one account; a key can be limited to one profile.
CREATE TABLE acme_external_account_keys (
    -- The key identifier the client sends as the binding's kid.
    id         TEXT PRIMARY KEY,
    -- NULL: usable on every profile.
    profile_id TEXT NULL REFERENCES certificate_profiles (id) ON DELETE CASCADE,
    -- The HMAC key, AES-256-GCM under CERTCTL_CONFIG_ENCRYPTION_KEY with the row id as associated data (Certctl.Secrets).
    hmac_key   BYTEA NOT NULL,
    -- The account the key created; set once, in the account's transaction.
    account_id TEXT NULL UNIQUE REFERENCES acme_accounts (id) ON DELETE RESTRICT,
    bound_at   TIMESTAMPTZ NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT acme_external_account_keys_bound_chk CHECK ((account_id IS NULL) = (bound_at IS NULL))
);
CREATE INDEX acme_external_account_keys_profile_idx ON acme_external_account_keys (profile_id) WHERE profile_id IS NOT NULL;
