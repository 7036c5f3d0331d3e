-- The CA connector's own state. certificate_versions.job_id (UNIQUE) and encrypted_private_key already exist in 0001.

-- A local CA issuer's self-signed root, made on the CA connector's first start and loaded on every later one (the
-- original kept it in memory and minted a new root per restart, orphaning every certificate it had issued).
-- Insert-only: the connector inserts with ON CONFLICT DO NOTHING and never updates, so concurrent replicas agree on
-- the first root stored. encrypted_private_key is PKCS#8 EncryptedPrivateKeyInfo (PBES2, PBKDF2-HMAC-SHA256,
-- AES-256-CBC) under CERTCTL_CONFIG_ENCRYPTION_KEY; the clear key exists only in the connector's memory.
CREATE TABLE issuer_ca_keys (
    issuer_id             TEXT PRIMARY KEY REFERENCES issuers (id) ON DELETE RESTRICT,
    certificate_pem       TEXT NOT NULL CHECK (certificate_pem LIKE '-----BEGIN CERTIFICATE-----%'),
    encrypted_private_key BYTEA NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
