-- Schema v1, part 3: the job pipeline (issuance, renewal, deployment, validation) and the
-- issuance approval requests that gate it.

CREATE TABLE jobs (
    id                       TEXT PRIMARY KEY,
    type                     TEXT NOT NULL CHECK (type IN ('Issuance', 'Renewal', 'Deployment', 'Validation')),
    certificate_id           TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    target_id                TEXT NULL REFERENCES deployment_targets (id) ON DELETE SET NULL,
    agent_id                 TEXT NULL REFERENCES agents (id) ON DELETE SET NULL,
    status                   TEXT NOT NULL DEFAULT 'Pending'
                             CHECK (status IN ('Pending', 'AwaitingCSR', 'AwaitingApproval', 'AwaitingIssuer',
                                               'Running', 'Completed', 'Failed', 'Cancelled')),
    attempts                 INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts             INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 0),
    last_error               TEXT NULL,
    scheduled_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- When the dispatcher (Pending), the retry sweep (Failed) or the async-CA poller
    -- (AwaitingIssuer) should look at the job next.
    next_attempt_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- A Running job whose lease has passed was lost with its worker or message; a sweeper re-sends it.
    lease_expires_at         TIMESTAMPTZ NULL,
    started_at               TIMESTAMPTZ NULL,
    completed_at             TIMESTAMPTZ NULL,
    requested_by             TEXT NULL,
    approved_by              TEXT NULL,
    approval_decided_at      TIMESTAMPTZ NULL,
    -- Async CAs (DigiCert, Sectigo, Entrust, GlobalSign style): the CA's order id and the give-up time.
    issuer_order_id          TEXT NULL,
    poll_deadline_at         TIMESTAMPTZ NULL,
    csr_pem                  TEXT NULL,
    verification_status      TEXT NOT NULL DEFAULT 'pending'
                             CHECK (verification_status IN ('pending', 'success', 'failed', 'skipped')),
    verified_at              TIMESTAMPTZ NULL,
    verification_fingerprint TEXT NULL,
    verification_error       TEXT NULL,
    deployment_result        JSONB NULL,
    created_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at               TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- At most one active issuance/renewal per certificate, whatever path created it (scheduler
-- replicas, manual renew, bulk renew). Inserters use ON CONFLICT DO NOTHING on this index.
CREATE UNIQUE INDEX jobs_one_active_issuance_per_certificate
    ON jobs (certificate_id)
    WHERE type IN ('Issuance', 'Renewal')
      AND status IN ('Pending', 'AwaitingCSR', 'AwaitingApproval', 'AwaitingIssuer', 'Running');

CREATE INDEX jobs_created_keyset_idx ON jobs (created_at, id);
CREATE INDEX jobs_certificate_idx ON jobs (certificate_id, created_at);
CREATE INDEX jobs_target_idx ON jobs (target_id) WHERE target_id IS NOT NULL;
CREATE INDEX jobs_agent_idx ON jobs (agent_id) WHERE agent_id IS NOT NULL;
-- Dispatcher claim: Pending jobs due now, FOR UPDATE SKIP LOCKED.
CREATE INDEX jobs_dispatch_idx ON jobs (next_attempt_at) WHERE status = 'Pending';
-- Agent work poll: Pending deployments addressed to one agent.
CREATE INDEX jobs_agent_work_idx ON jobs (agent_id, next_attempt_at) WHERE status = 'Pending' AND type = 'Deployment';
-- Lease sweeper: Running jobs whose lease expired.
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE status = 'Running';
-- Async-CA poller and retry sweep.
CREATE INDEX jobs_awaiting_issuer_idx ON jobs (next_attempt_at) WHERE status = 'AwaitingIssuer';
CREATE INDEX jobs_retry_idx ON jobs (next_attempt_at) WHERE status = 'Failed' AND attempts < max_attempts;
-- Timeout reaper for jobs parked on an agent CSR or an approval.
CREATE INDEX jobs_awaiting_timeout_idx ON jobs (status, created_at) WHERE status IN ('AwaitingCSR', 'AwaitingApproval');
SELECT install_table_version_triggers('jobs');

ALTER TABLE certificate_versions
    ADD CONSTRAINT certificate_versions_job_id_fkey FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE SET NULL;

CREATE TABLE issuance_approval_requests (
    id             TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    job_id         TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    profile_id     TEXT NULL REFERENCES certificate_profiles (id) ON DELETE RESTRICT,
    requested_by   TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected', 'expired')),
    decided_by     TEXT NULL,
    decided_at     TIMESTAMPTZ NULL,
    decision_note  TEXT NULL,
    metadata       JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT issuance_approval_requests_decision_chk CHECK (
        (state = 'pending' AND decided_by IS NULL AND decided_at IS NULL)
        OR (state <> 'pending' AND decided_at IS NOT NULL))
);
CREATE UNIQUE INDEX issuance_approval_requests_one_pending_per_job ON issuance_approval_requests (job_id) WHERE state = 'pending';
CREATE INDEX issuance_approval_requests_certificate_idx ON issuance_approval_requests (certificate_id);
CREATE INDEX issuance_approval_requests_created_keyset_idx ON issuance_approval_requests (created_at, id);
CREATE INDEX issuance_approval_requests_pending_idx ON issuance_approval_requests (created_at) WHERE state = 'pending';
CREATE INDEX issuance_approval_requests_profile_idx ON issuance_approval_requests (profile_id) WHERE profile_id IS NOT NULL;
