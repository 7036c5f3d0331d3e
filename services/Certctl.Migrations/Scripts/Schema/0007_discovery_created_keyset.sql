-- The operator API lists discovered certificates by (created_at, id); give that keyset its index.
CREATE INDEX discovered_certificates_created_keyset_idx ON discovered_certificates (created_at, id);
