-- Schema v1, part 6: the ACME server (RFC 8555 + RFC 9773): accounts, orders, authorizations,
-- challenges, single-use nonce redemption and GCRA rate-limit state.
-- ACME status values are the protocol's lower-case strings.

CREATE TABLE acme_accounts (
    id             TEXT PRIMARY KEY,
    profile_id     TEXT NOT NULL REFERENCES certificate_profiles (id) ON DELETE RESTRICT,
    jwk            JSONB NOT NULL CHECK (jsonb_typeof(jwk) = 'object'),
    jwk_thumbprint TEXT NOT NULL, -- RFC 7638, base64url
    contact        TEXT[] NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'deactivated', 'revoked')),
    eab_kid        TEXT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- One account per key per profile; new-account with a known key returns the existing account.
    CONSTRAINT acme_accounts_profile_thumbprint_key UNIQUE (profile_id, jwk_thumbprint)
);

CREATE TABLE acme_orders (
    id                     TEXT PRIMARY KEY,
    account_id             TEXT NOT NULL REFERENCES acme_accounts (id) ON DELETE RESTRICT,
    profile_id             TEXT NOT NULL REFERENCES certificate_profiles (id) ON DELETE RESTRICT,
    status                 TEXT NOT NULL DEFAULT 'pending'
                           CHECK (status IN ('pending', 'ready', 'processing', 'valid', 'invalid')),
    identifiers            JSONB NOT NULL CHECK (jsonb_typeof(identifiers) = 'array'), -- [{"type":"dns","value":"..."}]
    not_before             TIMESTAMPTZ NULL,
    not_after              TIMESTAMPTZ NULL,
    expires_at             TIMESTAMPTZ NOT NULL,
    error                  JSONB NULL, -- RFC 7807 problem {type, detail, status}
    csr_pem                TEXT NULL,
    certificate_id         TEXT NULL REFERENCES managed_certificates (id) ON DELETE SET NULL,
    certificate_version_id TEXT NULL REFERENCES certificate_versions (id) ON DELETE SET NULL,
    -- The issuance job created at finalize; its CertificateIssued event moves the order to valid.
    job_id                 TEXT NULL UNIQUE REFERENCES jobs (id) ON DELETE SET NULL,
    -- RFC 9773 "replaces": the ARI cert id of the certificate this order renews.
    replaces               TEXT NULL,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Concurrent-order cap per account and GC of expired unfinished orders.
CREATE INDEX acme_orders_account_active_idx ON acme_orders (account_id) WHERE status IN ('pending', 'ready', 'processing');
CREATE INDEX acme_orders_account_idx ON acme_orders (account_id, created_at);
CREATE INDEX acme_orders_expiry_idx ON acme_orders (expires_at) WHERE status IN ('pending', 'ready', 'processing');
-- Stuck-order sweeper: processing too long means the issue message or its answer was lost.
CREATE INDEX acme_orders_processing_idx ON acme_orders (updated_at) WHERE status = 'processing';
CREATE INDEX acme_orders_profile_idx ON acme_orders (profile_id);
CREATE INDEX acme_orders_certificate_idx ON acme_orders (certificate_id) WHERE certificate_id IS NOT NULL;
CREATE INDEX acme_orders_version_idx ON acme_orders (certificate_version_id) WHERE certificate_version_id IS NOT NULL;
CREATE INDEX acme_orders_replaces_idx ON acme_orders (replaces) WHERE replaces IS NOT NULL;

CREATE TABLE acme_authorizations (
    id               TEXT PRIMARY KEY,
    order_id         TEXT NOT NULL REFERENCES acme_orders (id) ON DELETE CASCADE,
    account_id       TEXT NOT NULL REFERENCES acme_accounts (id) ON DELETE RESTRICT,
    identifier_type  TEXT NOT NULL CHECK (identifier_type IN ('dns', 'ip')),
    identifier_value TEXT NOT NULL,
    wildcard         BOOLEAN NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'valid', 'invalid', 'deactivated', 'expired', 'revoked')),
    expires_at       TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX acme_authorizations_order_idx ON acme_authorizations (order_id);
CREATE INDEX acme_authorizations_account_idx ON acme_authorizations (account_id);
CREATE INDEX acme_authorizations_pending_expiry_idx ON acme_authorizations (expires_at) WHERE status = 'pending';

CREATE TABLE acme_challenges (
    id               TEXT PRIMARY KEY,
    authorization_id TEXT NOT NULL REFERENCES acme_authorizations (id) ON DELETE CASCADE,
    type             TEXT NOT NULL CHECK (type IN ('http-01', 'dns-01', 'tls-alpn-01')),
    token            TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'valid', 'invalid')),
    validated_at     TIMESTAMPTZ NULL,
    error            JSONB NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT acme_challenges_authorization_type_key UNIQUE (authorization_id, type)
);
-- A challenge left in processing by a crashed validator is found and retried from here.
CREATE INDEX acme_challenges_processing_idx ON acme_challenges (updated_at) WHERE status = 'processing';

-- Nonces are minted without I/O (authenticated-encrypted counter + timestamp); only redemption is
-- stored, so that each nonce is accepted once. The insert's primary-key conflict is the replay check.
CREATE TABLE acme_redeemed_nonces (
    nonce_id   BYTEA PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX acme_redeemed_nonces_expires_idx ON acme_redeemed_nonces (expires_at);

-- GCRA: one theoretical arrival time per key ("<limit>|<subject>"), shared by all replicas.
CREATE TABLE acme_rate_limits (
    key                    TEXT PRIMARY KEY,
    theoretical_arrival_at TIMESTAMPTZ NOT NULL
);
-- A key whose arrival time is in the past is equivalent to no row; GC deletes those.
CREATE INDEX acme_rate_limits_tat_idx ON acme_rate_limits (theoretical_arrival_at);
