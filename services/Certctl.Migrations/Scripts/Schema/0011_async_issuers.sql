-- Async commercial CAs (DigiCert style): the CA connector's poller state on a job parked in AwaitingIssuer.
-- issuer_order_id, poll_deadline_at, next_attempt_at and jobs_awaiting_issuer_idx already exist (0003).

-- Polls so far in the current deadline window: the exponent of the 5 s × 3 backoff. Not an attempt: waiting on a CA's
-- order spends none.
ALTER TABLE jobs ADD COLUMN issuer_polls INTEGER NOT NULL DEFAULT 0 CHECK (issuer_polls >= 0);

-- Server key mode: the private key made for the order's CSR, AES-256-GCM under CERTCTL_CONFIG_ENCRYPTION_KEY and bound to
-- the job id, kept until the certificate arrives; then re-encrypted onto the version (bound to its id) and cleared here.
ALTER TABLE jobs ADD COLUMN issuer_key_encrypted BYTEA NULL;
