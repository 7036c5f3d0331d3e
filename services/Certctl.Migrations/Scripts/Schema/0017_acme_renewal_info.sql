-- ACME Renewal Information (RFC 9773): what the CA connector's ARI poller learned about each certificate whose current version
-- came from an ACME issuer with ARI on. One row per certificate, for its current version only; a new version resets the row.
--
-- A side table, not columns on managed_certificates: the poller writes it every few minutes for thousands of certificates, and
-- those writes must not bump the inventory's list ETag (managed_certificates' change counter) or bloat its hot rows. The renewal
-- scan reads one column (renew_at) through the small partial index below.
CREATE TABLE certificate_renewal_info (
    certificate_id  TEXT PRIMARY KEY REFERENCES managed_certificates (id) ON DELETE CASCADE,
    -- The version the window is about (its AKI and serial form the ARI CertID).
    version_id      TEXT NOT NULL REFERENCES certificate_versions (id) ON DELETE CASCADE,
    issuer_id       TEXT NOT NULL REFERENCES issuers (id) ON DELETE CASCADE,
    -- That version's NotAfter. The renewal scan trusts renew_at only while this equals managed_certificates.expires_at,
    -- so a window learned for a certificate that has since been renewed can never start a second renewal.
    not_after       TIMESTAMPTZ NOT NULL,
    -- The CA's suggestedWindow; NULL until an answer arrives, and when the CA offers no renewal information.
    window_start    TIMESTAMPTZ NULL,
    window_end      TIMESTAMPTZ NULL,
    -- A uniformly random instant inside the window, chosen once per window (RFC 9773 §4.2), so a fleet's renewals spread out.
    renew_at        TIMESTAMPTZ NULL,
    explanation_url TEXT NULL,
    -- From the answer's Retry-After (clamped to 1 min .. 1 day, 6 h when absent), or the error backoff.
    next_poll_at    TIMESTAMPTZ NOT NULL,
    polled_at       TIMESTAMPTZ NULL,
    -- Consecutive failed polls (the exponent of the error backoff); 0 after an answer.
    failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_error      TEXT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT certificate_renewal_info_window_chk CHECK (window_end > window_start),
    CONSTRAINT certificate_renewal_info_renew_at_chk CHECK (renew_at IS NULL OR (window_start IS NOT NULL AND renew_at BETWEEN window_start AND window_end))
);
-- The poller's claim: due rows in poll order.
CREATE INDEX certificate_renewal_info_next_poll_idx ON certificate_renewal_info (next_poll_at);
-- The renewal scan's ARI branch: only rows with a chosen time.
CREATE INDEX certificate_renewal_info_renew_at_idx ON certificate_renewal_info (renew_at) WHERE renew_at IS NOT NULL;
CREATE INDEX certificate_renewal_info_issuer_idx ON certificate_renewal_info (issuer_id);
CREATE INDEX certificate_renewal_info_version_idx ON certificate_renewal_info (version_id);
