-- Notifications: idempotent lifecycle notices, and the ACME clean-up's second expiry index.
--
-- A lifecycle notice (renewal succeeded, renewal gave up, certificate revoked) is written by a message consumer; the event's
-- own key (the job id, or the issuer and serial of a revocation) is stored with it, so a redelivered event inserts nothing.
ALTER TABLE notification_events ADD COLUMN event_key TEXT NULL;
CREATE UNIQUE INDEX notification_events_event_key ON notification_events (event_key, channel) WHERE event_key IS NOT NULL;

-- RFC 8555 7.1.6: a valid authorization also expires; the clean-up finds those past expires_at from here.
CREATE INDEX acme_authorizations_valid_expiry_idx ON acme_authorizations (expires_at) WHERE status = 'valid';
