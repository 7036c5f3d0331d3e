-- ACME correctness (issue 6): authorization reuse (RFC 8555 §7.1.3), revocation by authorization holders (§7.6), and a race-free
-- RFC 9773 "replaces".

-- An order's authorizations: those it created and the valid ones of its account it reused. acme_authorizations.order_id stays the
-- order that created the authorization.
CREATE TABLE acme_order_authorizations (
    order_id         TEXT NOT NULL REFERENCES acme_orders (id) ON DELETE CASCADE,
    authorization_id TEXT NOT NULL REFERENCES acme_authorizations (id) ON DELETE CASCADE,
    -- The identifier's place in the new-order request, so the order lists its authorizations as they were asked for.
    position         INT NOT NULL,
    PRIMARY KEY (order_id, authorization_id)
);
CREATE INDEX acme_order_authorizations_authorization_idx ON acme_order_authorizations (authorization_id);
INSERT INTO acme_order_authorizations (order_id, authorization_id, position)
SELECT order_id, id, row_number() OVER (PARTITION BY order_id ORDER BY created_at, id)::int
FROM acme_authorizations;

-- TRUE when the authorization can only have become valid through a challenge a validator checked (it was created in challenge
-- mode); FALSE when it was born valid in trust_authenticated mode. Only proven authorizations are reused by challenge-mode orders
-- and let an account revoke a certificate it did not order. Existing rows stay FALSE: they are never reused, which is safe.
ALTER TABLE acme_authorizations ADD COLUMN challenge_proven BOOLEAN NOT NULL DEFAULT FALSE;
-- The reuse and revocation look-ups: an account's valid authorizations for one identifier.
CREATE INDEX acme_authorizations_valid_identifier_idx ON acme_authorizations (account_id, identifier_type, identifier_value, wildcard)
    WHERE status = 'valid';

-- At most one live order replaces a certificate (RFC 9773 §5, alreadyReplaced): the index decides between concurrent new orders.
-- Any live duplicates a race let through before are invalidated first, the oldest one kept.
UPDATE acme_orders o
SET status = 'invalid', updated_at = now(),
    error = '{"type":"urn:ietf:params:acme:error:alreadyReplaced","detail":"Another order already replaces this certificate.","status":409}'::jsonb
WHERE o.replaces IS NOT NULL AND o.status <> 'invalid'
  AND EXISTS (SELECT 1 FROM acme_orders e
              WHERE e.replaces = o.replaces AND e.status <> 'invalid' AND (e.created_at, e.id) < (o.created_at, o.id));
CREATE UNIQUE INDEX acme_orders_one_live_replacement_idx ON acme_orders (replaces) WHERE replaces IS NOT NULL AND status <> 'invalid';
