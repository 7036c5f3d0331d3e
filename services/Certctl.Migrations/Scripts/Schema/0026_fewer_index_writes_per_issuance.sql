-- Every ACME issuance inserts a managed certificate and an order, then updates each of them (twice for the order); none of those
-- updates can be HOT, so every write adds an entry to every index whose predicate the row meets.
--
-- No query reads acme_orders_account_active_idx: the per-account cap it was made for was never built, the account's order list
-- reads acme_orders_account_idx and the clean-up acme_orders_expiry_idx. It cost two entries per order.
DROP INDEX IF EXISTS acme_orders_account_active_idx;

-- Owner, team and renewal policy are optional (ACME certificates have none). Every query and foreign-key check that reads these
-- indexes asks for one value (owner_id = $1), which a NULL never matches, so the NULLs need no entries: three fewer per write of
-- a certificate without them.
DROP INDEX IF EXISTS managed_certificates_owner_idx;
CREATE INDEX managed_certificates_owner_idx ON managed_certificates (owner_id) WHERE owner_id IS NOT NULL;
DROP INDEX IF EXISTS managed_certificates_team_idx;
CREATE INDEX managed_certificates_team_idx ON managed_certificates (team_id) WHERE team_id IS NOT NULL;
DROP INDEX IF EXISTS managed_certificates_policy_idx;
CREATE INDEX managed_certificates_policy_idx ON managed_certificates (renewal_policy_id) WHERE renewal_policy_id IS NOT NULL;
