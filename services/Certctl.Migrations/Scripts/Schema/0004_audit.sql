-- Schema v1, part 4: the append-only audit trail.

CREATE TABLE audit_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor         TEXT NOT NULL,
    actor_type    TEXT NOT NULL CHECK (actor_type IN ('User', 'System', 'Agent')),
    action        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL DEFAULT '',
    details       JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    -- API-call rows: correlation id, hash of the request body, response status and latency.
    request_id    TEXT NULL,
    body_sha256   TEXT NULL,
    status_code   INTEGER NULL,
    latency_ms    INTEGER NULL,
    occurred_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_occurred_keyset_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor, occurred_at);
CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, occurred_at);
SELECT install_table_version_triggers('audit_events');

-- Append-only in the database, not only in the API: no UPDATE, DELETE or TRUNCATE from any
-- client. Statement-level, so even an attempt that would match no row is refused. Retention is
-- an operator task: a superuser disables these triggers (or uses session_replication_role =
-- replica) for that session only.
CREATE FUNCTION audit_events_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();

CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();
