-- The job dispatcher claims due issuance/renewal jobs in (next_attempt_at, id) order, a few at a
-- time. The old index (next_attempt_at) WHERE status = 'Pending' also held deployment jobs and did
-- not break ties, so with 10,000 jobs due at the same instant every claim read and sorted all of
-- them (116 ms on the reference machine) to hand out 25. This one is in claim order, so a claim
-- reads about as many rows as it takes.
CREATE INDEX jobs_issuance_dispatch_idx ON jobs (next_attempt_at, id)
    WHERE status = 'Pending' AND type IN ('Issuance', 'Renewal');
DROP INDEX jobs_dispatch_idx;
