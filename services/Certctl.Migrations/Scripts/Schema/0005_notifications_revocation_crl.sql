-- Schema v1, part 5: notifications (expiry alerts and lifecycle notices), revocations and the
-- CRL cache.

CREATE TABLE notification_events (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL CHECK (type IN ('ExpirationWarning', 'RenewalSuccess', 'RenewalFailure',
                                                   'DeploymentSuccess', 'DeploymentFailure', 'PolicyViolation',
                                                   'Revocation')),
    certificate_id   TEXT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    channel          TEXT NOT NULL CHECK (channel IN ('Email', 'Webhook', 'Slack', 'Teams', 'PagerDuty', 'OpsGenie')),
    recipient        TEXT NOT NULL DEFAULT '',
    message          TEXT NOT NULL DEFAULT '',
    -- Expiry alerts only: the threshold crossed and the expiry it was about. The expiry is part of
    -- the dedup key so that a renewed certificate is alerted again before its next expiry.
    threshold_days   INTEGER NULL,
    alert_expires_at TIMESTAMPTZ NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dead', 'read')),
    sent_at          TIMESTAMPTZ NULL,
    error            TEXT NULL,
    retry_count      INTEGER NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
    next_retry_at    TIMESTAMPTZ NULL,
    last_error       TEXT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT notification_events_expiry_key_chk CHECK (
        type <> 'ExpirationWarning'
        OR (certificate_id IS NOT NULL AND threshold_days IS NOT NULL AND alert_expires_at IS NOT NULL))
);
-- One expiry alert per certificate, threshold, channel and expiry, whatever its status, even with
-- several scheduler replicas. Inserters use ON CONFLICT DO NOTHING.
CREATE UNIQUE INDEX notification_events_expiry_dedup
    ON notification_events (certificate_id, threshold_days, channel, alert_expires_at)
    WHERE type = 'ExpirationWarning';
CREATE INDEX notification_events_certificate_idx ON notification_events (certificate_id);
CREATE INDEX notification_events_created_keyset_idx ON notification_events (created_at, id);
CREATE INDEX notification_events_pending_idx ON notification_events (created_at) WHERE status = 'pending';
CREATE INDEX notification_events_retry_idx ON notification_events (next_retry_at) WHERE status = 'failed';

CREATE TABLE certificate_revocations (
    id              TEXT PRIMARY KEY,
    certificate_id  TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE RESTRICT,
    -- Same canonical lowercase hex as certificate_versions.serial_number.
    serial_number   TEXT NOT NULL CHECK (serial_number ~ '^(0|[1-9a-f][0-9a-f]*)$'),
    issuer_id       TEXT NOT NULL REFERENCES issuers (id) ON DELETE RESTRICT,
    reason          TEXT NOT NULL DEFAULT 'unspecified'
                    CHECK (reason IN ('unspecified', 'keyCompromise', 'caCompromise', 'affiliationChanged',
                                      'superseded', 'cessationOfOperation', 'certificateHold', 'privilegeWithdrawn')),
    revoked_by      TEXT NOT NULL,
    revoked_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    issuer_notified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The CRL's source of truth; also makes a repeated revoke idempotent.
    CONSTRAINT certificate_revocations_issuer_serial_key UNIQUE (issuer_id, serial_number)
);
CREATE INDEX certificate_revocations_certificate_idx ON certificate_revocations (certificate_id);
CREATE INDEX certificate_revocations_revoked_at_idx ON certificate_revocations (revoked_at);
CREATE INDEX certificate_revocations_serial_idx ON certificate_revocations (serial_number);

CREATE TABLE crl_cache (
    issuer_id     TEXT PRIMARY KEY REFERENCES issuers (id) ON DELETE CASCADE,
    crl_der       BYTEA NOT NULL,
    crl_number    BIGINT NOT NULL CHECK (crl_number > 0),
    this_update   TIMESTAMPTZ NOT NULL,
    next_update   TIMESTAMPTZ NOT NULL,
    etag          TEXT NOT NULL,
    revoked_count INTEGER NOT NULL DEFAULT 0,
    generated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT crl_cache_update_order_chk CHECK (next_update > this_update)
);
CREATE INDEX crl_cache_next_update_idx ON crl_cache (next_update);

-- RFC 5280 5.2.3: CRL numbers only ever increase for an issuer. Enforced here because two
-- generators racing (an HTTP cache miss and the pre-generation loop) must not move it backwards.
CREATE FUNCTION crl_cache_number_must_increase() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.crl_number <= OLD.crl_number THEN
        RAISE EXCEPTION 'crl_number for issuer % must increase (% -> %)', NEW.issuer_id, OLD.crl_number, NEW.crl_number
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER crl_cache_number_increases
    BEFORE UPDATE OF crl_number ON crl_cache
    FOR EACH ROW EXECUTE FUNCTION crl_cache_number_must_increase();
