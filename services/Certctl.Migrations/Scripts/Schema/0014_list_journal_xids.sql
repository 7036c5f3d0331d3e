-- List change journals without a counter row: a journal row's version is the 64-bit id of the
-- transaction that wrote it (pg_current_xact_id), not a number taken under the table's counter
-- row lock. Migration 0008's counter handed out versions in commit order, but every writer of a
-- journaled table waited on that one row until it committed, so job writes ran one at a time.
--
-- Transaction ids are not in commit order, so a reader can no longer take "the highest version it
-- sees" alone: a transaction with a lower id may commit after it. The reader's own snapshot says
-- which ids are settled: every transaction below its xmin (the oldest one still running when the
-- snapshot was taken) has committed or aborted, so the matching rows below xmin are final. The
-- tag of a filtered set is therefore
--
--   ( GREATEST(max(version) of matching rows below xmin, horizon),
--     count of matching rows at or above xmin,
--     truncations )
--
-- Any committed change to the set moves it: a new matching row lands either below a later
-- reader's xmin and above the earlier reader's (the first part rises) or at or above both (the
-- second part grows, since that region only gains rows while xmin stays put). A tag can move
-- without a change (when xmin passes a matching row), never the other way.
--
-- Pruning only removes rows below the pruner's xmin, which no later reader's xmin is below, and
-- raises the horizon past them. table_versions.version now counts truncations only.

CREATE OR REPLACE FUNCTION journal_list_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    journal TEXT := TG_TABLE_NAME || '_changes';
    journaled TEXT := TG_ARGV[0];
    changed BOOLEAN;
    v BIGINT;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE table_versions SET version = version + 1 WHERE table_name = TG_TABLE_NAME;
        EXECUTE format('DELETE FROM %I', journal);
        RETURN NULL;
    END IF;

    -- A statement that changed no rows journals nothing (and is not given a transaction id for it).
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', CASE WHEN TG_OP = 'DELETE' THEN 'old_rows' ELSE 'new_rows' END)
    INTO changed;
    IF NOT changed THEN
        RETURN NULL;
    END IF;

    v := pg_current_xact_id()::text::bigint;
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

-- The reader's settled line: transactions below it have all ended.
CREATE FUNCTION list_journal_xmin() RETURNS BIGINT
LANGUAGE sql STABLE AS $$ SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint $$;

-- Keeps the newest <keep> journal rows of <t> (whole transactions: a cut never splits one), never
-- touching a row at or above this snapshot's xmin, and moves the horizon to the highest version
-- removed. Returns the rows removed.
CREATE OR REPLACE FUNCTION prune_list_journal(t TEXT, keep INTEGER) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    cutoff BIGINT;
    removed BIGINT;
BEGIN
    EXECUTE format('SELECT version FROM %I ORDER BY version DESC OFFSET $1 LIMIT 1', t || '_changes') INTO cutoff USING keep;
    IF cutoff IS NULL THEN
        RETURN 0;
    END IF;
    cutoff := LEAST(cutoff, list_journal_xmin() - 1);
    EXECUTE format('DELETE FROM %I WHERE version <= $1', t || '_changes') USING cutoff;
    GET DIAGNOSTICS removed = ROW_COUNT;
    IF removed > 0 THEN
        UPDATE table_versions SET horizon = GREATEST(horizon, cutoff) WHERE table_name = t;
    END IF;
    RETURN removed;
END;
$$;

-- The counter's versions and transaction ids are different scales: start every journal afresh,
-- as a truncation does (each list's tag moves once).
DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN SELECT table_name FROM table_versions WHERE to_regclass(table_name || '_changes') IS NOT NULL LOOP
        EXECUTE format('DELETE FROM %I', t || '_changes');
        UPDATE table_versions SET version = version + 1, horizon = 0 WHERE table_name = t;
    END LOOP;
END;
$$;
