-- List ETags per filtered set, not per table.
--
-- The polled lists (certificates, jobs, agents, audit, discovered certificates) tag each answer
-- with the latest change that touched the rows the request's filter selects, so a write outside
-- the filtered set leaves the tag alone. Each of those tables gets a change journal holding, per
-- changed row, the columns the list filters on: the new image of an inserted or updated row and
-- the old image of an updated (when it differs) or deleted row. A list's filter, run against its
-- journal, finds the latest change that entered, left or changed the set:
--
--   tag version = GREATEST(max(version) of the journal rows matching the filter, horizon)
--
-- Versions come from the table's counter row in table_versions, taken under its row lock, so they
-- are handed out in commit order: a reader that sees version v has seen every version below it.
-- The journal is pruned to its newest rows; the horizon records the highest version pruned, so a
-- set whose last change was pruned gets the horizon as its version (a new tag once, never a stale
-- one). Truncation empties the journal and moves the horizon past everything.

ALTER TABLE table_versions ADD COLUMN horizon BIGINT NOT NULL DEFAULT 0;

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['managed_certificates', 'jobs', 'agents', 'audit_events', 'discovered_certificates'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version_ins', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version_upd', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version_del', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_version_trunc', t);
    END LOOP;
END;
$$;
DROP FUNCTION install_table_version_triggers(regclass);
DROP FUNCTION bump_table_version();

-- Statement-level AFTER trigger body. TG_ARGV[0] is the journaled column list. Statements that
-- changed no rows (idle sweeps, idempotent seed re-runs) take no version and no lock.
CREATE FUNCTION journal_list_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    journal TEXT := TG_TABLE_NAME || '_changes';
    journaled TEXT := TG_ARGV[0];
    changed BOOLEAN;
    v BIGINT;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE table_versions SET version = version + 1, horizon = version + 1
        WHERE table_name = TG_TABLE_NAME;
        EXECUTE format('DELETE FROM %I', journal);
        RETURN NULL;
    END IF;

    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', CASE WHEN TG_OP = 'DELETE' THEN 'old_rows' ELSE 'new_rows' END)
    INTO changed;
    IF NOT changed THEN
        RETURN NULL;
    END IF;

    UPDATE table_versions SET version = version + 1 WHERE table_name = TG_TABLE_NAME RETURNING version INTO v;
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('INSERT INTO %I SELECT $1, %s FROM new_rows', journal, journaled) USING v;
    ELSIF TG_OP = 'UPDATE' THEN
        -- UNION drops an old image equal to its new one: a heartbeat journals one row, not two.
        EXECUTE format('INSERT INTO %I SELECT $1, %s FROM new_rows UNION SELECT $1, %s FROM old_rows', journal, journaled, journaled)
        USING v;
    ELSE
        EXECUTE format('INSERT INTO %I SELECT $1, %s FROM old_rows', journal, journaled) USING v;
    END IF;
    RETURN NULL;
END;
$$;

-- Creates <table>_changes with a version and the given columns (same names and types as the
-- table, so a list's filter runs unchanged on either) and the four triggers. Transition tables
-- allow one event per trigger, hence one trigger per event.
CREATE FUNCTION install_list_journal(target regclass, columns TEXT) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t TEXT := (SELECT relname FROM pg_class WHERE oid = target);
BEGIN
    EXECUTE format('CREATE TABLE %I AS SELECT 0::BIGINT AS version, %s FROM %s WITH NO DATA', t || '_changes', columns, target);
    EXECUTE format('CREATE INDEX %I ON %I (version)', t || '_changes_version_idx', t || '_changes');
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION journal_list_changes(%L)', t || '_journal_ins', target, columns);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION journal_list_changes(%L)', t || '_journal_upd', target, columns);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION journal_list_changes(%L)', t || '_journal_del', target, columns);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION journal_list_changes(%L)', t || '_journal_trunc', target, columns);
    INSERT INTO table_versions (table_name, version) VALUES (t, 0) ON CONFLICT DO NOTHING;
END;
$$;

-- The columns each list filters on (the Gateway's list queries name exactly these).
SELECT install_list_journal('managed_certificates',
    'id, name, status, issuer_id, owner_id, team_id, certificate_profile_id, expires_at');
SELECT install_list_journal('jobs', 'id, status, type, certificate_id, agent_id');
SELECT install_list_journal('agents', 'id, status, os, retired_at');
SELECT install_list_journal('audit_events', 'id, actor, resource_type, resource_id, occurred_at');
SELECT install_list_journal('discovered_certificates', 'id, agent_id, status');

-- A certificate's list row shows its target ids: a mapping change is a change of the certificate.
CREATE FUNCTION touch_mapped_certificates() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE managed_certificates SET updated_at = now() WHERE id IN (SELECT certificate_id FROM new_rows);
    ELSE
        UPDATE managed_certificates SET updated_at = now() WHERE id IN (SELECT certificate_id FROM old_rows);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER certificate_target_mappings_touch_ins AFTER INSERT ON certificate_target_mappings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION touch_mapped_certificates();
CREATE TRIGGER certificate_target_mappings_touch_del AFTER DELETE ON certificate_target_mappings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION touch_mapped_certificates();

-- Keeps the newest <keep> journal rows of <t> (whole versions: a cut never splits one) and moves
-- the horizon to the highest version removed. Returns the rows removed.
CREATE FUNCTION prune_list_journal(t TEXT, keep INTEGER) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    cutoff BIGINT;
    removed BIGINT;
BEGIN
    EXECUTE format('SELECT version FROM %I ORDER BY version DESC OFFSET $1 LIMIT 1', t || '_changes') INTO cutoff USING keep;
    IF cutoff IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('DELETE FROM %I WHERE version <= $1', t || '_changes') USING cutoff;
    GET DIAGNOSTICS removed = ROW_COUNT;
    UPDATE table_versions SET horizon = GREATEST(horizon, cutoff) WHERE table_name = t;
    RETURN removed;
END;
$$;
