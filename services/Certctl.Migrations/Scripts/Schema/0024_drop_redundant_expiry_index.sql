-- managed_certificates_expires_at_idx (expires_at) is a prefix of managed_certificates_expires_keyset_idx (expires_at, id),
-- which serves every query the shorter one could. Every certificate inserted, and every status or expiry change (issuance,
-- renewal), wrote an entry into both: one B-tree insert and WAL record per write for nothing.
DROP INDEX IF EXISTS managed_certificates_expires_at_idx;
