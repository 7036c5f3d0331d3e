-- Development demo seed. Runs after every migration run when the demo seed is enabled, so it is
-- strictly idempotent: every insert is ON CONFLICT DO NOTHING and nothing is ever updated, so an
-- operator's edits to demo rows survive restarts. Ids are the original project's well-known ids
-- (the load-test scripts post certificates against iss-local / o-alice / t-platform / rp-standard).
-- Enum values are TitleCase. No key material or PEMs are seeded: iss-local's CA key is created by
-- the CA connector on first use.

INSERT INTO teams (id, name, description) VALUES
    ('t-platform', 'Platform',  'Platform engineering'),
    ('t-security', 'Security',  'Security engineering'),
    ('t-payments', 'Payments',  'Payments services'),
    ('t-frontend', 'Frontend',  'Web frontends'),
    ('t-data',     'Data',      'Data platform'),
    ('t-devops',   'DevOps',    'Build and release')
ON CONFLICT DO NOTHING;

INSERT INTO owners (id, name, email, team_id) VALUES
    ('o-alice', 'Alice', 'alice@example.com', 't-platform'),
    ('o-bob',   'Bob',   'bob@example.com',   't-security'),
    ('o-carol', 'Carol', 'carol@example.com', 't-payments'),
    ('o-dave',  'Dave',  'dave@example.com',  't-frontend'),
    ('o-eve',   'Eve',   'eve@example.com',   't-data'),
    ('o-frank', 'Frank', 'frank@example.com', 't-devops')
ON CONFLICT DO NOTHING;

INSERT INTO certificate_profiles
    (id, name, description, allowed_key_algorithms, max_ttl_seconds, allowed_ekus, required_san_patterns,
     spiffe_uri_pattern, allow_short_lived, must_staple, acme_auth_mode, requires_approval)
VALUES
    ('prof-standard-tls', 'Standard TLS', 'Public-facing TLS server certificates, 90 days',
     '[{"algorithm":"ECDSA","min_size":256},{"algorithm":"RSA","min_size":2048}]', 7776000,
     '{serverAuth}', '{}', '', FALSE, FALSE, 'trust_authenticated', FALSE),
    ('prof-internal-mtls', 'Internal mTLS', 'Service-to-service mutual TLS, 30 days',
     '[{"algorithm":"ECDSA","min_size":256}]', 2592000,
     '{serverAuth,clientAuth}', '{"^[a-z0-9-]+\\.internal\\.example\\.com$"}', '', FALSE, FALSE, 'trust_authenticated', FALSE),
    ('prof-short-lived', 'Short-lived workload', 'SPIFFE workload identities, 5 minutes, no CRL/OCSP',
     '[{"algorithm":"ECDSA","min_size":256}]', 300,
     '{serverAuth,clientAuth}', '{}', '^spiffe://example\.com/.+$', TRUE, FALSE, 'trust_authenticated', FALSE),
    ('prof-high-security', 'High security', 'Regulated workloads, 47 days, two-person approval',
     '[{"algorithm":"RSA","min_size":4096},{"algorithm":"ECDSA","min_size":384}]', 4060800,
     '{serverAuth}', '{}', '', FALSE, TRUE, 'challenge', TRUE)
ON CONFLICT DO NOTHING;

INSERT INTO renewal_policies
    (id, name, renewal_window_days, auto_renew, max_retries, retry_interval_seconds, alert_thresholds_days,
     alert_channels, alert_severity_map)
VALUES
    ('rp-default',  'Default',  30, TRUE,  3, 60,   '{30,14,7,0}', '{}', '{}'),
    ('rp-standard', 'Standard', 30, TRUE,  3, 60,   '{30,14,7,0}', '{}', '{}'),
    ('rp-urgent',   'Urgent',   14, TRUE,  5, 60,   '{14,7,3,0}',
     '{"informational":["Email"],"warning":["Email","Slack"],"critical":["Email","PagerDuty"]}',
     '{"14":"warning","7":"warning","3":"critical","0":"critical"}'),
    ('rp-manual',   'Manual',   30, FALSE, 0, 3600, '{30,14,7,0}', '{}', '{}')
ON CONFLICT DO NOTHING;

INSERT INTO policy_rules (id, name, type, config, severity) VALUES
    ('pr-require-owner',            'Require owner tag',            'RequiredMetadata',    '{"required_keys":["owner"]}', 'Warning'),
    ('pr-allowed-environments',     'Allowed environments',         'AllowedEnvironments', '{"allowed":["production","staging","development"]}', 'Error'),
    ('pr-max-certificate-lifetime', 'Maximum certificate lifetime', 'CertificateLifetime', '{"max_days":90}', 'Critical'),
    ('pr-min-renewal-window',       'Minimum renewal lead time',    'RenewalLeadTime',     '{"lead_time_days":14}', 'Warning')
ON CONFLICT DO NOTHING;

-- Only non-secret config is seeded; the other issuers are disabled until an operator supplies credentials.
INSERT INTO issuers (id, name, type, config, enabled, source) VALUES
    ('iss-local',    'Local CA',              'GenericCA', '{}', TRUE, 'database'),
    ('iss-acme-le',  'Let''s Encrypt',        'ACME',      '{"directory_url":"https://acme-v02.api.letsencrypt.org/directory","email":"pki@example.com"}', FALSE, 'database'),
    ('iss-stepca',   'step-ca (internal)',    'StepCA',    '{"url":"https://ca.internal.example.com","provisioner_name":"certctl"}', FALSE, 'database'),
    ('iss-vault',    'Vault PKI',             'VaultPKI',  '{"addr":"https://vault.internal.example.com:8200","mount":"pki","role":"certctl"}', FALSE, 'database'),
    ('iss-digicert', 'DigiCert CertCentral',  'DigiCert',  '{"base_url":"https://www.digicert.com/services/v2","product_type":"ssl_basic"}', FALSE, 'database')
ON CONFLICT DO NOTHING;

-- Sentinel agents own agentless work (network scans, cloud secret stores); they never heartbeat.
INSERT INTO agents (id, name, hostname, status, os, architecture, version) VALUES
    ('server-scanner', 'server-scanner', 'certctl-server', 'Online', 'server', 'n/a', 'builtin'),
    ('cloud-aws-sm',   'cloud-aws-sm',   'aws-secrets-manager',   'Online', 'cloud', 'n/a', 'builtin'),
    ('cloud-azure-kv', 'cloud-azure-kv', 'azure-key-vault',       'Online', 'cloud', 'n/a', 'builtin'),
    ('cloud-gcp-sm',   'cloud-gcp-sm',   'gcp-secret-manager',    'Online', 'cloud', 'n/a', 'builtin')
ON CONFLICT DO NOTHING;

-- Demo agents have no token (token_hash NULL) until they enrol.
INSERT INTO agents (id, name, hostname, status, last_heartbeat_at, os, architecture, ip_address, version) VALUES
    ('ag-web-prod',    'web-prod-01',    'web-prod-01.example.com',    'Online',  now() - interval '1 minute',  'linux',   'amd64', '10.0.1.10', '2.0.0'),
    ('ag-web-staging', 'web-staging-01', 'web-staging-01.example.com', 'Online',  now() - interval '1 minute',  'linux',   'amd64', '10.0.2.10', '2.0.0'),
    ('ag-lb-prod',     'lb-prod-01',     'lb-prod-01.example.com',     'Online',  now() - interval '2 minutes', 'linux',   'amd64', '10.0.1.5',  '2.0.0'),
    ('ag-iis-prod',    'iis-prod-01',    'iis-prod-01.example.com',    'Offline', now() - interval '3 days',    'windows', 'amd64', '10.0.3.20', '1.9.4'),
    ('ag-k8s-prod',    'k8s-prod-01',    'k8s-prod-01.example.com',    'Online',  now() - interval '30 seconds','linux',   'arm64', '10.0.4.15', '2.0.0')
ON CONFLICT DO NOTHING;

INSERT INTO agent_groups (id, name, description, match_os, match_architecture) VALUES
    ('ag-linux-prod', 'Linux production', 'Linux hosts',           'linux',   ''),
    ('ag-windows',    'Windows',          'Windows hosts',         'windows', ''),
    ('ag-manual',     'Manual selection', 'Hand-picked web hosts', '',        '')
ON CONFLICT DO NOTHING;

INSERT INTO agent_group_members (agent_group_id, agent_id, membership_type) VALUES
    ('ag-manual', 'ag-web-prod',    'include'),
    ('ag-manual', 'ag-web-staging', 'include'),
    ('ag-manual', 'ag-iis-prod',    'exclude')
ON CONFLICT DO NOTHING;

INSERT INTO deployment_targets (id, name, type, agent_id, config) VALUES
    ('tgt-nginx-prod',    'nginx-prod',    'NGINX',             'ag-web-prod',
     '{"cert_path":"/etc/nginx/ssl/cert.pem","key_path":"/etc/nginx/ssl/key.pem","chain_path":"/etc/nginx/ssl/chain.pem","reload_command":"nginx -s reload","validate_command":"nginx -t"}'),
    ('tgt-nginx-staging', 'nginx-staging', 'NGINX',             'ag-web-staging',
     '{"cert_path":"/etc/nginx/ssl/cert.pem","key_path":"/etc/nginx/ssl/key.pem","reload_command":"nginx -s reload","validate_command":"nginx -t"}'),
    ('tgt-haproxy-prod',  'haproxy-prod',  'HAProxy',           'ag-lb-prod',
     '{"pem_path":"/etc/haproxy/certs/site.pem","reload_command":"systemctl reload haproxy"}'),
    ('tgt-iis-prod',      'iis-prod',      'IIS',               'ag-iis-prod',
     '{"site_name":"Default Web Site","binding_port":443,"cert_store":"My"}'),
    ('tgt-k8s-prod',      'k8s-prod',      'KubernetesSecrets', 'ag-k8s-prod',
     '{"namespace":"ingress","secret_name":"wildcard-tls"}'),
    ('tgt-aws-acm-prod',  'aws-acm-prod',  'AWSACM',            'cloud-aws-sm',
     '{"region":"eu-west-1"}')
ON CONFLICT DO NOTHING;

INSERT INTO managed_certificates
    (id, name, common_name, sans, environment, owner_id, team_id, issuer_id, renewal_policy_id,
     certificate_profile_id, status, expires_at, tags, last_renewal_at, revoked_at, revocation_reason, source)
VALUES
    ('mc-api-prod', 'api-prod', 'api.example.com', '{api.example.com}', 'production',
     'o-alice', 't-platform', 'iss-local', 'rp-standard', 'prof-standard-tls', 'Active',
     now() + interval '75 days', '{"owner":"alice","service":"api"}', now() - interval '15 days', NULL, NULL, 'API'),
    ('mc-web-prod', 'web-prod', 'www.example.com', '{www.example.com,example.com}', 'production',
     'o-alice', 't-platform', 'iss-local', 'rp-standard', 'prof-standard-tls', 'Active',
     now() + interval '60 days', '{"owner":"alice","service":"web"}', now() - interval '30 days', NULL, NULL, 'API'),
    ('mc-wildcard-prod', 'wildcard-prod', '*.example.com', '{*.example.com}', 'production',
     'o-alice', 't-platform', 'iss-local', 'rp-standard', NULL, 'Active',
     now() + interval '45 days', '{"owner":"alice"}', now() - interval '45 days', NULL, NULL, 'API'),
    ('mc-auth-prod', 'auth-prod', 'auth.example.com', '{auth.example.com}', 'production',
     'o-bob', 't-security', 'iss-local', 'rp-urgent', 'prof-high-security', 'Expiring',
     now() + interval '12 days', '{"owner":"bob","service":"auth"}', now() - interval '35 days', NULL, NULL, 'API'),
    ('mc-grafana-prod', 'grafana-prod', 'grafana.example.com', '{grafana.example.com}', 'production',
     'o-alice', 't-platform', 'iss-local', 'rp-standard', NULL, 'RenewalInProgress',
     now() + interval '20 days', '{"owner":"alice","service":"grafana"}', now() - interval '70 days', NULL, NULL, 'API'),
    ('mc-vpn-prod', 'vpn-prod', 'vpn.example.com', '{vpn.example.com}', 'production',
     'o-frank', 't-devops', 'iss-local', 'rp-standard', NULL, 'Failed',
     now() + interval '5 days', '{"owner":"frank","service":"vpn"}', NULL, NULL, NULL, 'API'),
    ('mc-legacy-prod', 'legacy-prod', 'legacy.example.com', '{legacy.example.com}', 'production',
     'o-alice', 't-platform', 'iss-local', 'rp-manual', NULL, 'Expired',
     now() - interval '3 days', '{"owner":"alice"}', NULL, NULL, NULL, 'API'),
    ('mc-compromised', 'compromised', 'old-payments.example.com', '{old-payments.example.com}', 'production',
     'o-carol', 't-payments', 'iss-local', 'rp-standard', NULL, 'Revoked',
     now() + interval '40 days', '{"owner":"carol"}', NULL, now() - interval '2 days', 'keyCompromise', 'API'),
    ('mc-staging-api', 'staging-api', 'api.staging.example.com', '{api.staging.example.com}', 'staging',
     'o-alice', 't-platform', 'iss-local', 'rp-standard', NULL, 'Pending',
     NULL, '{"owner":"alice"}', NULL, NULL, NULL, 'API')
ON CONFLICT DO NOTHING;

INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES
    ('mc-api-prod',      'tgt-nginx-prod'),
    ('mc-api-prod',      'tgt-haproxy-prod'),
    ('mc-web-prod',      'tgt-nginx-prod'),
    ('mc-web-prod',      'tgt-aws-acm-prod'),
    ('mc-wildcard-prod', 'tgt-k8s-prod'),
    ('mc-auth-prod',     'tgt-iis-prod'),
    ('mc-grafana-prod',  'tgt-nginx-prod'),
    ('mc-vpn-prod',      'tgt-haproxy-prod'),
    ('mc-staging-api',   'tgt-nginx-staging')
ON CONFLICT DO NOTHING;

INSERT INTO jobs
    (id, type, certificate_id, target_id, agent_id, status, attempts, max_attempts, scheduled_at, next_attempt_at,
     started_at, completed_at, requested_by, verification_status, verified_at, created_at, updated_at)
VALUES
    ('job-demo-001', 'Issuance', 'mc-api-prod', NULL, NULL, 'Completed', 1, 3,
     now() - interval '15 days', now() - interval '15 days', now() - interval '15 days', now() - interval '15 days' + interval '2 seconds',
     'o-alice', 'skipped', NULL, now() - interval '15 days', now() - interval '15 days'),
    ('job-demo-002', 'Deployment', 'mc-api-prod', 'tgt-nginx-prod', 'ag-web-prod', 'Completed', 1, 3,
     now() - interval '15 days', now() - interval '15 days', now() - interval '15 days' + interval '30 seconds', now() - interval '15 days' + interval '40 seconds',
     'system', 'success', now() - interval '15 days' + interval '41 seconds', now() - interval '15 days', now() - interval '15 days'),
    ('job-demo-003', 'Renewal', 'mc-web-prod', NULL, NULL, 'Completed', 1, 3,
     now() - interval '30 days', now() - interval '30 days', now() - interval '30 days', now() - interval '30 days' + interval '3 seconds',
     'system', 'skipped', NULL, now() - interval '30 days', now() - interval '30 days')
ON CONFLICT DO NOTHING;
