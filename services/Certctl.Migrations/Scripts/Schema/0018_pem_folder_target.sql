-- The agent deploys to a generic PEM folder (cert.pem, chain.pem, fullchain.pem, privkey.pem in one directory) for software
-- without a connector of its own; the target type list gains it so operators can create such targets. The inline CHECK of
-- 0002 got Postgres's default name.
ALTER TABLE deployment_targets DROP CONSTRAINT deployment_targets_type_check;
ALTER TABLE deployment_targets ADD CONSTRAINT deployment_targets_type_check
    CHECK (type IN ('NGINX', 'Apache', 'HAProxy', 'PEMFolder', 'F5', 'IIS', 'Traefik', 'Caddy', 'Envoy', 'Postfix', 'Dovecot', 'SSH',
                    'WinCertStore', 'JavaKeystore', 'KubernetesSecrets', 'AWSACM', 'AzureKeyVault'));
