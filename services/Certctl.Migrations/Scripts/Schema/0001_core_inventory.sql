-- Schema v1, part 1: change counters and the core inventory (teams, owners, issuers, profiles,
-- renewal policies, compliance rules, managed certificates and their versions).
-- Enum-like columns are TEXT with CHECK constraints; the TitleCase strings are the wire/DB contract.

-- One counter per hot table, bumped once per modifying statement. List endpoints derive their
-- ETag from it without re-reading rows. It is transactional on purpose: a sequence would let a
-- reader see a new value before the writing transaction commits and cache a stale page.
CREATE TABLE table_versions (
    table_name TEXT PRIMARY KEY,
    version    BIGINT NOT NULL DEFAULT 0
);

-- Statement-level AFTER trigger body. Statements that changed no rows (idle sweeps, idempotent
-- seed re-runs) leave the counter alone, so they neither invalidate ETags nor take the row lock.
CREATE FUNCTION bump_table_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Nested so the transition-table query is never planned for TRUNCATE, which has none.
    IF TG_OP <> 'TRUNCATE' THEN
        IF NOT EXISTS (SELECT 1 FROM changed_rows) THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO table_versions (table_name, version) VALUES (TG_TABLE_NAME, 1)
    ON CONFLICT (table_name) DO UPDATE SET version = table_versions.version + 1;
    RETURN NULL;
END;
$$;

-- Installs the four counter triggers on a table. Transition tables allow only one event per
-- trigger, hence one trigger per event.
CREATE FUNCTION install_table_version_triggers(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t TEXT := (SELECT relname FROM pg_class WHERE oid = target);
BEGIN
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_table_version()', t || '_version_ins', target);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_table_version()', t || '_version_upd', target);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_table_version()', t || '_version_del', target);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION bump_table_version()', t || '_version_trunc', target);
    INSERT INTO table_versions (table_name, version) VALUES (t, 0) ON CONFLICT DO NOTHING;
END;
$$;

CREATE TABLE teams (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE owners (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL DEFAULT '',
    -- RESTRICT, not the original's CASCADE: deleting a team must never delete people or certificates.
    team_id    TEXT NOT NULL REFERENCES teams (id) ON DELETE RESTRICT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX owners_team_id_idx ON owners (team_id);
CREATE INDEX owners_email_idx ON owners (email);

CREATE TABLE issuers (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    type             TEXT NOT NULL CHECK (type IN ('ACME', 'GenericCA', 'StepCA', 'OpenSSL', 'VaultPKI', 'DigiCert',
                                                   'Sectigo', 'GoogleCAS', 'AWSACMPCA', 'Entrust', 'GlobalSign', 'EJBCA')),
    -- Redacted copy for display; the full config (with secrets) lives only in encrypted_config.
    config           JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
    encrypted_config BYTEA NULL,
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    last_tested_at   TIMESTAMPTZ NULL,
    test_status      TEXT NOT NULL DEFAULT 'untested' CHECK (test_status IN ('untested', 'success', 'failed')),
    source           TEXT NOT NULL DEFAULT 'database' CHECK (source IN ('database', 'env')),
    hierarchy_mode   TEXT NOT NULL DEFAULT 'single' CHECK (hierarchy_mode IN ('single', 'tree')),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX issuers_enabled_idx ON issuers (id) WHERE enabled;

CREATE TABLE certificate_profiles (
    id                           TEXT PRIMARY KEY,
    name                         TEXT NOT NULL UNIQUE,
    description                  TEXT NOT NULL DEFAULT '',
    -- [{"algorithm":"ECDSA","min_size":256}, ...]
    allowed_key_algorithms       JSONB NOT NULL DEFAULT '[{"algorithm":"ECDSA","min_size":256},{"algorithm":"RSA","min_size":2048}]'
                                 CHECK (jsonb_typeof(allowed_key_algorithms) = 'array'),
    max_ttl_seconds              INTEGER NOT NULL DEFAULT 0 CHECK (max_ttl_seconds >= 0), -- 0 = issuer default
    allowed_ekus                 TEXT[] NOT NULL DEFAULT '{serverAuth}',
    required_san_patterns        TEXT[] NOT NULL DEFAULT '{}',
    spiffe_uri_pattern           TEXT NOT NULL DEFAULT '',
    allow_short_lived            BOOLEAN NOT NULL DEFAULT FALSE,
    must_staple                  BOOLEAN NOT NULL DEFAULT FALSE,
    required_csr_attributes      TEXT[] NOT NULL DEFAULT '{}',
    acme_auth_mode               TEXT NOT NULL DEFAULT 'trust_authenticated'
                                 CHECK (acme_auth_mode IN ('trust_authenticated', 'challenge')),
    -- Challenge validation must not reach private addresses unless an operator opts in (SSRF guard).
    acme_allow_private_addresses BOOLEAN NOT NULL DEFAULT FALSE,
    requires_approval            BOOLEAN NOT NULL DEFAULT FALSE,
    enabled                      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at                   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Short-lived certificates are kept out of CRL/OCSP, so the flag only makes sense under an hour.
    CONSTRAINT certificate_profiles_short_lived_ttl_chk CHECK (NOT allow_short_lived OR max_ttl_seconds < 3600)
);

CREATE TABLE renewal_policies (
    id                      TEXT PRIMARY KEY,
    name                    TEXT NOT NULL UNIQUE,
    renewal_window_days     INTEGER NOT NULL DEFAULT 30 CHECK (renewal_window_days BETWEEN 1 AND 365),
    -- Alternative trigger: renew once this fraction of the lifetime has elapsed (e.g. 0.6667).
    -- When set it wins over renewal_window_days.
    renewal_window_fraction NUMERIC(5, 4) NULL CHECK (renewal_window_fraction > 0 AND renewal_window_fraction < 1),
    auto_renew              BOOLEAN NOT NULL DEFAULT TRUE,
    max_retries             INTEGER NOT NULL DEFAULT 3 CHECK (max_retries BETWEEN 0 AND 10),
    retry_interval_seconds  INTEGER NOT NULL DEFAULT 3600 CHECK (retry_interval_seconds BETWEEN 60 AND 86400),
    alert_thresholds_days   INTEGER[] NOT NULL DEFAULT '{30,14,7,0}'
                            CHECK (0 <= ALL (alert_thresholds_days) AND 365 >= ALL (alert_thresholds_days)),
    -- {"informational":["Email"],"warning":[...],"critical":[...]}; {} = Email on every tier.
    alert_channels          JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(alert_channels) = 'object'),
    -- {"30":"informational","14":"warning",...}; {} = the built-in map.
    alert_severity_map      JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(alert_severity_map) = 'object'),
    certificate_profile_id  TEXT NULL REFERENCES certificate_profiles (id) ON DELETE SET NULL,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX renewal_policies_profile_idx ON renewal_policies (certificate_profile_id) WHERE certificate_profile_id IS NOT NULL;

CREATE TABLE policy_rules (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL CHECK (type IN ('AllowedIssuers', 'AllowedDomains', 'RequiredMetadata',
                                             'AllowedEnvironments', 'RenewalLeadTime', 'CertificateLifetime')),
    config     JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    severity   TEXT NOT NULL DEFAULT 'Warning' CHECK (severity IN ('Warning', 'Error', 'Critical')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE managed_certificates (
    id                     TEXT PRIMARY KEY,
    name                   TEXT NOT NULL UNIQUE,
    common_name            TEXT NOT NULL,
    sans                   TEXT[] NOT NULL DEFAULT '{}',
    environment            TEXT NOT NULL DEFAULT '',
    -- Owner, team and policy are required by the operator API but nullable here: ACME- and
    -- EST-enrolled certificates arrive without an operator-chosen owner.
    owner_id               TEXT NULL REFERENCES owners (id) ON DELETE RESTRICT,
    team_id                TEXT NULL REFERENCES teams (id) ON DELETE RESTRICT,
    issuer_id              TEXT NOT NULL REFERENCES issuers (id) ON DELETE RESTRICT,
    renewal_policy_id      TEXT NULL REFERENCES renewal_policies (id) ON DELETE RESTRICT,
    certificate_profile_id TEXT NULL REFERENCES certificate_profiles (id) ON DELETE SET NULL,
    -- Where the private key is generated: on the agent (default; the key never leaves the host)
    -- or on the server (demo / agentless targets; stored encrypted on the version).
    keygen_mode            TEXT NOT NULL DEFAULT 'agent' CHECK (keygen_mode IN ('agent', 'server')),
    status                 TEXT NOT NULL DEFAULT 'Pending'
                           CHECK (status IN ('Pending', 'Active', 'Expiring', 'Expired', 'RenewalInProgress',
                                             'Failed', 'Revoked', 'Archived')),
    -- NULL until the first version is issued (the original stored year 0001 and mis-handled it).
    expires_at             TIMESTAMPTZ NULL,
    tags                   JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(tags) = 'object'),
    last_renewal_at        TIMESTAMPTZ NULL,
    last_deployment_at     TIMESTAMPTZ NULL,
    revoked_at             TIMESTAMPTZ NULL,
    revocation_reason      TEXT NULL
                           CHECK (revocation_reason IN ('unspecified', 'keyCompromise', 'caCompromise', 'affiliationChanged',
                                                        'superseded', 'cessationOfOperation', 'certificateHold',
                                                        'privilegeWithdrawn')),
    source                 TEXT NOT NULL DEFAULT '' CHECK (source IN ('', 'API', 'EST', 'SCEP', 'ACME', 'Agent')),
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Renewal scan and expiry alerts are range scans on expiry, optionally narrowed by status.
CREATE INDEX managed_certificates_expires_at_idx ON managed_certificates (expires_at);
CREATE INDEX managed_certificates_status_expires_idx ON managed_certificates (status, expires_at);
-- Keyset pagination keys (default sort and expiry sort); both directions use the same index.
CREATE INDEX managed_certificates_created_keyset_idx ON managed_certificates (created_at, id);
CREATE INDEX managed_certificates_expires_keyset_idx ON managed_certificates (expires_at, id);
CREATE INDEX managed_certificates_owner_idx ON managed_certificates (owner_id);
CREATE INDEX managed_certificates_team_idx ON managed_certificates (team_id);
CREATE INDEX managed_certificates_issuer_idx ON managed_certificates (issuer_id);
CREATE INDEX managed_certificates_policy_idx ON managed_certificates (renewal_policy_id);
CREATE INDEX managed_certificates_profile_idx ON managed_certificates (certificate_profile_id) WHERE certificate_profile_id IS NOT NULL;
SELECT install_table_version_triggers('managed_certificates');

CREATE TABLE policy_violations (
    id             TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    rule_id        TEXT NOT NULL REFERENCES policy_rules (id) ON DELETE CASCADE,
    message        TEXT NOT NULL,
    severity       TEXT NOT NULL CHECK (severity IN ('Warning', 'Error', 'Critical')),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX policy_violations_certificate_idx ON policy_violations (certificate_id);
CREATE INDEX policy_violations_rule_idx ON policy_violations (rule_id, created_at);

CREATE TABLE certificate_versions (
    id                       TEXT PRIMARY KEY,
    certificate_id           TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    issuer_id                TEXT NOT NULL REFERENCES issuers (id) ON DELETE RESTRICT,
    -- Canonical lowercase hex without leading zeros: OCSP, ARI and revoke-cert look serials up in
    -- exactly this form, so any other spelling would silently never match.
    serial_number            TEXT NOT NULL CHECK (serial_number ~ '^(0|[1-9a-f][0-9a-f]*)$'),
    not_before               TIMESTAMPTZ NOT NULL,
    not_after                TIMESTAMPTZ NOT NULL,
    fingerprint_sha256       TEXT NOT NULL UNIQUE,
    pem_chain                TEXT NOT NULL,
    csr_pem                  TEXT NULL,
    key_algorithm            TEXT NOT NULL DEFAULT '',
    key_size                 INTEGER NOT NULL DEFAULT 0,
    authority_key_identifier TEXT NULL, -- lowercase hex; half of the ARI cert id
    -- Server key mode only: AES-256-GCM encrypted private key. NULL in agent mode.
    encrypted_private_key    BYTEA NULL,
    -- The job that produced this version. UNIQUE so a redelivered issue command can never create
    -- a second version for one job. The foreign key is added with the jobs table.
    job_id                   TEXT NULL UNIQUE,
    created_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT certificate_versions_validity_chk CHECK (not_after > not_before)
);
CREATE INDEX certificate_versions_certificate_created_idx ON certificate_versions (certificate_id, created_at DESC);
CREATE INDEX certificate_versions_serial_idx ON certificate_versions (serial_number);
CREATE INDEX certificate_versions_issuer_idx ON certificate_versions (issuer_id);
