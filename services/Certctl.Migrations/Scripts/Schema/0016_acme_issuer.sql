-- The external ACME CA connector's state: one account per ACME issuer, and the http-01 answers every replica serves.

-- One account key per issuer, made on first use and kept (the original made a fresh key per process, so each restart
-- registered a new account at the CA). Insert-only for the key: replicas racing on first use insert with
-- ON CONFLICT DO NOTHING and all read back the winner's key. encrypted_account_key is the PKCS#8 ECDSA P-256 key sealed
-- by ConfigurationCipher (AES-256-GCM under CERTCTL_CONFIG_ENCRYPTION_KEY) bound to the issuer id. account_url and
-- directory_url record where that key is registered; a changed directory_url registers the same key at the new CA.
CREATE TABLE acme_issuer_accounts (
    issuer_id             TEXT PRIMARY KEY REFERENCES issuers (id) ON DELETE CASCADE,
    encrypted_account_key BYTEA NOT NULL,
    directory_url         TEXT,
    account_url           TEXT,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Pending http-01 key authorizations: the replica that places an order writes them, and whichever replica the CA's
-- validation request reaches answers from here. The token is the CA's random challenge token (the URL path segment).
-- Rows are deleted when their authorization is settled; expires_at bounds what a crashed replica leaves behind.
CREATE TABLE acme_http01_challenges (
    token             TEXT PRIMARY KEY,
    key_authorization TEXT NOT NULL,
    issuer_id         TEXT NOT NULL REFERENCES issuers (id) ON DELETE CASCADE,
    expires_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX acme_http01_challenges_expires_at ON acme_http01_challenges (expires_at);
