-- Revocation pipeline, CRL and OCSP state owned by the CA connector.

-- Telling the issuer about a revocation (RevokeCertificate). issuer_notified already exists (0005). The connector counts each
-- delivery it handles before calling the issuer (notify_attempts) and keeps the last refusal or error; the scheduler's sweep
-- re-sends unnotified rows older than a minute until the budget (Certctl.Domain.IssuerNotification.MaxAttempts) is spent.
ALTER TABLE certificate_revocations
    ADD COLUMN notify_attempts INTEGER NOT NULL DEFAULT 0 CHECK (notify_attempts >= 0),
    ADD COLUMN notify_error    TEXT NULL,
    ADD COLUMN notified_at     TIMESTAMPTZ NULL;
CREATE INDEX certificate_revocations_unnotified_idx ON certificate_revocations (created_at) WHERE NOT issuer_notified;

-- Each local CA issuer's delegated OCSP responder: a certificate its CA issued (id-kp-OCSPSigning, ocsp-nocheck, short-lived)
-- and its private key as PKCS#8 EncryptedPrivateKeyInfo under CERTCTL_CONFIG_ENCRYPTION_KEY, like issuer_ca_keys. Replaced in
-- place when it nears expiry; the update is conditional on the old not_after, so racing replicas agree on one responder.
CREATE TABLE ocsp_responders (
    issuer_id             TEXT PRIMARY KEY REFERENCES issuers (id) ON DELETE CASCADE,
    certificate_pem       TEXT NOT NULL CHECK (certificate_pem LIKE '-----BEGIN CERTIFICATE-----%'),
    encrypted_private_key BYTEA NOT NULL,
    not_before            TIMESTAMPTZ NOT NULL,
    not_after             TIMESTAMPTZ NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT ocsp_responders_validity_chk CHECK (not_after > not_before)
);
