-- Every issued certificate adds a row to each of these tables, so autovacuum re-analyzes each of them whenever it has grown by
-- 10 %: under acme_issuance that is every minute or two per table, each ANALYZE sampling 30,000 rows and sorting every column's
-- values. `perf` put 17 % of Postgres's CPU in analyze_rel during such a run.
--
-- 1. Columns no query filters, joins or sorts on get no statistics: PEMs, CSRs, encrypted keys and JSON bodies. ANALYZE then
--    neither detoasts nor sorts them. (Statistics on them could only help a predicate nobody writes.)
ALTER TABLE acme_orders ALTER COLUMN csr_pem SET STATISTICS 0;
ALTER TABLE acme_orders ALTER COLUMN identifiers SET STATISTICS 0;
ALTER TABLE acme_orders ALTER COLUMN error SET STATISTICS 0;
ALTER TABLE acme_challenges ALTER COLUMN error SET STATISTICS 0;
ALTER TABLE acme_challenges ALTER COLUMN token SET STATISTICS 0;
ALTER TABLE certificate_versions ALTER COLUMN pem_chain SET STATISTICS 0;
ALTER TABLE certificate_versions ALTER COLUMN csr_pem SET STATISTICS 0;
ALTER TABLE certificate_versions ALTER COLUMN encrypted_private_key SET STATISTICS 0;
ALTER TABLE audit_events ALTER COLUMN details SET STATISTICS 0;
ALTER TABLE audit_events ALTER COLUMN body_sha256 SET STATISTICS 0;
ALTER TABLE jobs ALTER COLUMN csr_pem SET STATISTICS 0;
ALTER TABLE jobs ALTER COLUMN issuer_key_encrypted SET STATISTICS 0;
ALTER TABLE jobs ALTER COLUMN deployment_result SET STATISTICS 0;
ALTER TABLE jobs ALTER COLUMN last_error SET STATISTICS 0;
ALTER TABLE jobs ALTER COLUMN verification_error SET STATISTICS 0;

-- 2. The ACME protocol tables and the version and audit history are read only by key and through partial indexes, where row
--    estimates decide nothing; they grow without bound and their distributions do not drift. Re-analyze them after 50 % growth
--    instead of 10 %. (jobs and managed_certificates keep the default: the scheduler's scans estimate from their statistics.)
ALTER TABLE acme_orders SET (autovacuum_analyze_scale_factor = 0.5);
ALTER TABLE acme_authorizations SET (autovacuum_analyze_scale_factor = 0.5);
ALTER TABLE acme_challenges SET (autovacuum_analyze_scale_factor = 0.5);
ALTER TABLE acme_order_authorizations SET (autovacuum_analyze_scale_factor = 0.5);
ALTER TABLE certificate_versions SET (autovacuum_analyze_scale_factor = 0.5);
ALTER TABLE audit_events SET (autovacuum_analyze_scale_factor = 0.5);
