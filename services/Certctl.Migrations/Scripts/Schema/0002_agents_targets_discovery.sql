-- Schema v1, part 2: agents, agent groups, deployment targets, certificate-target mappings and
-- filesystem/network/cloud discovery.

CREATE TABLE agents (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    hostname          TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'Offline' CHECK (status IN ('Online', 'Offline', 'Degraded')),
    -- Hash of the per-agent token, never the token. NULL for sentinel agents (they never call in)
    -- and for demo agents that have not enrolled yet.
    token_hash        BYTEA NULL,
    last_heartbeat_at TIMESTAMPTZ NULL,
    os                TEXT NOT NULL DEFAULT '',
    architecture      TEXT NOT NULL DEFAULT '',
    ip_address        TEXT NOT NULL DEFAULT '',
    version           TEXT NOT NULL DEFAULT '',
    registered_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at        TIMESTAMPTZ NULL,
    retired_reason    TEXT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Active list (registered_at DESC keyset), retired list, and the health loop's stale-heartbeat scan.
CREATE INDEX agents_active_keyset_idx ON agents (registered_at, id) WHERE retired_at IS NULL;
CREATE INDEX agents_retired_keyset_idx ON agents (retired_at, id) WHERE retired_at IS NOT NULL;
CREATE INDEX agents_heartbeat_idx ON agents (last_heartbeat_at) WHERE retired_at IS NULL;
SELECT install_table_version_triggers('agents');

CREATE TABLE agent_groups (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    description        TEXT NOT NULL DEFAULT '',
    match_os           TEXT NOT NULL DEFAULT '',
    match_architecture TEXT NOT NULL DEFAULT '',
    match_ip_cidr      TEXT NOT NULL DEFAULT '',
    match_version      TEXT NOT NULL DEFAULT '',
    enabled            BOOLEAN NOT NULL DEFAULT TRUE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE agent_group_members (
    agent_group_id  TEXT NOT NULL REFERENCES agent_groups (id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    membership_type TEXT NOT NULL DEFAULT 'include' CHECK (membership_type IN ('include', 'exclude')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (agent_group_id, agent_id)
);
CREATE INDEX agent_group_members_agent_idx ON agent_group_members (agent_id);

CREATE TABLE deployment_targets (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    type             TEXT NOT NULL CHECK (type IN ('NGINX', 'Apache', 'HAProxy', 'F5', 'IIS', 'Traefik', 'Caddy', 'Envoy',
                                                   'Postfix', 'Dovecot', 'SSH', 'WinCertStore', 'JavaKeystore',
                                                   'KubernetesSecrets', 'AWSACM', 'AzureKeyVault')),
    -- RESTRICT: agents are retired, never deleted, and a target must not vanish with its agent.
    agent_id         TEXT NOT NULL REFERENCES agents (id) ON DELETE RESTRICT,
    -- Redacted copy for display; the full config lives only in encrypted_config.
    config           JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
    encrypted_config BYTEA NULL,
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    last_tested_at   TIMESTAMPTZ NULL,
    test_status      TEXT NOT NULL DEFAULT 'untested' CHECK (test_status IN ('untested', 'success', 'failed')),
    source           TEXT NOT NULL DEFAULT 'database' CHECK (source IN ('database', 'env')),
    retired_at       TIMESTAMPTZ NULL,
    retired_reason   TEXT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT deployment_targets_agent_name_key UNIQUE (agent_id, name)
);
CREATE INDEX deployment_targets_created_keyset_idx ON deployment_targets (created_at, id);

CREATE TABLE certificate_target_mappings (
    certificate_id TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    target_id      TEXT NOT NULL REFERENCES deployment_targets (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (certificate_id, target_id)
);
-- The agent work poll and the agent_id certificate filter walk target -> certificates.
CREATE INDEX certificate_target_mappings_target_idx ON certificate_target_mappings (target_id, certificate_id);

CREATE TABLE discovery_scans (
    id                 TEXT PRIMARY KEY,
    agent_id           TEXT NOT NULL REFERENCES agents (id) ON DELETE RESTRICT,
    directories        TEXT[] NOT NULL DEFAULT '{}',
    certificates_found INTEGER NOT NULL DEFAULT 0,
    certificates_new   INTEGER NOT NULL DEFAULT 0,
    errors             TEXT[] NOT NULL DEFAULT '{}',
    scan_duration_ms   INTEGER NOT NULL DEFAULT 0,
    started_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at       TIMESTAMPTZ NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX discovery_scans_agent_started_idx ON discovery_scans (agent_id, started_at DESC);
CREATE INDEX discovery_scans_started_keyset_idx ON discovery_scans (started_at, id);

CREATE TABLE discovered_certificates (
    id                     TEXT PRIMARY KEY,
    fingerprint_sha256     TEXT NOT NULL,
    common_name            TEXT NOT NULL DEFAULT '',
    sans                   TEXT[] NOT NULL DEFAULT '{}',
    serial_number          TEXT NOT NULL DEFAULT '',
    issuer_dn              TEXT NOT NULL DEFAULT '',
    subject_dn             TEXT NOT NULL DEFAULT '',
    not_before             TIMESTAMPTZ NULL,
    not_after              TIMESTAMPTZ NULL,
    key_algorithm          TEXT NOT NULL DEFAULT '',
    key_size               INTEGER NOT NULL DEFAULT 0,
    is_ca                  BOOLEAN NOT NULL DEFAULT FALSE,
    pem_data               TEXT NULL,
    source_path            TEXT NOT NULL,
    source_format          TEXT NOT NULL DEFAULT '',
    agent_id               TEXT NOT NULL REFERENCES agents (id) ON DELETE RESTRICT,
    discovery_scan_id      TEXT NULL REFERENCES discovery_scans (id) ON DELETE SET NULL,
    managed_certificate_id TEXT NULL REFERENCES managed_certificates (id) ON DELETE SET NULL,
    status                 TEXT NOT NULL DEFAULT 'Unmanaged' CHECK (status IN ('Unmanaged', 'Managed', 'Dismissed')),
    first_seen_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    dismissed_at           TIMESTAMPTZ NULL,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The upsert key of a discovery report.
    CONSTRAINT discovered_certificates_identity_key UNIQUE (fingerprint_sha256, agent_id, source_path)
);
-- The list is ordered by last_seen_at DESC, optionally filtered by status or agent.
CREATE INDEX discovered_certificates_seen_keyset_idx ON discovered_certificates (last_seen_at, id);
CREATE INDEX discovered_certificates_status_seen_idx ON discovered_certificates (status, last_seen_at, id);
CREATE INDEX discovered_certificates_agent_idx ON discovered_certificates (agent_id, last_seen_at);
CREATE INDEX discovered_certificates_scan_idx ON discovered_certificates (discovery_scan_id) WHERE discovery_scan_id IS NOT NULL;
CREATE INDEX discovered_certificates_managed_idx ON discovered_certificates (managed_certificate_id) WHERE managed_certificate_id IS NOT NULL;
CREATE INDEX discovered_certificates_not_after_idx ON discovered_certificates (not_after);
SELECT install_table_version_triggers('discovered_certificates');
