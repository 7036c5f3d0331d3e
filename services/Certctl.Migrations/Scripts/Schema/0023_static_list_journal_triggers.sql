-- List change journals written by one trigger function per table, with static SQL.
--
-- Migration 0014's journal_list_changes served every journaled table: it built its statements with format() and ran them with
-- EXECUTE, so Postgres parsed and planned two statements for each journaled statement, every time. Under acme_issuance that was
-- about a fifth of the database's CPU. Here each table gets journal_<table>() whose statements name the table, its journal and
-- the journaled columns, so PL/pgSQL prepares them once per connection. What is journaled, and when, is unchanged (0008, 0014):
-- the new image of an inserted or updated row, the old image of an updated (when it differs) or deleted row, under the
-- writing transaction's id; a statement that changed no row writes nothing and takes no transaction id (the journal insert
-- evaluates pg_current_xact_id() only for rows it writes).

CREATE FUNCTION create_list_journal_function(t TEXT, columns TEXT) RETURNS void
LANGUAGE plpgsql AS $outer$
BEGIN
    EXECUTE format($body$
        CREATE OR REPLACE FUNCTION %1$I() RETURNS trigger
        LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO %2$I SELECT pg_current_xact_id()::text::bigint, %3$s FROM new_rows;
            ELSIF TG_OP = 'UPDATE' THEN
                -- UNION drops an old image equal to its new one: a heartbeat journals one row, not two.
                INSERT INTO %2$I SELECT pg_current_xact_id()::text::bigint, %3$s FROM new_rows
                                 UNION SELECT pg_current_xact_id()::text::bigint, %3$s FROM old_rows;
            ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO %2$I SELECT pg_current_xact_id()::text::bigint, %3$s FROM old_rows;
            ELSE
                UPDATE table_versions SET version = version + 1 WHERE table_name = %4$L;
                DELETE FROM %2$I;
            END IF;
            RETURN NULL;
        END;
        $fn$
        $body$, 'journal_' || t, t || '_changes', columns, t);
END;
$outer$;

-- Points the four journal triggers of <t> at journal_<t>().
CREATE FUNCTION attach_list_journal_function(t TEXT) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    fn TEXT := 'journal_' || t;
BEGIN
    EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_journal_ins', t, fn);
    EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_journal_upd', t, fn);
    EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_journal_del', t, fn);
    EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_journal_trunc', t, fn);
END;
$$;

-- Every existing journal keeps the column list it was installed with (the insert trigger's argument).
DO $$
DECLARE
    journaled RECORD;
BEGIN
    FOR journaled IN
        SELECT c.relname AS t, split_part(encode(g.tgargs, 'escape'), '\000', 1) AS columns
        FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
        WHERE g.tgname = c.relname || '_journal_ins'
    LOOP
        PERFORM create_list_journal_function(journaled.t, journaled.columns);
        PERFORM attach_list_journal_function(journaled.t);
    END LOOP;
END;
$$;

DROP FUNCTION journal_list_changes();

-- A journal installed from now on is the static kind too.
CREATE OR REPLACE FUNCTION install_list_journal(target regclass, columns TEXT) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t TEXT := (SELECT relname FROM pg_class WHERE oid = target);
BEGIN
    EXECUTE format('CREATE TABLE %I AS SELECT 0::BIGINT AS version, %s FROM %s WITH NO DATA', t || '_changes', columns, target);
    EXECUTE format('CREATE INDEX %I ON %I (version)', t || '_changes_version_idx', t || '_changes');
    PERFORM create_list_journal_function(t, columns);
    PERFORM attach_list_journal_function(t);
    INSERT INTO table_versions (table_name, version) VALUES (t, 0) ON CONFLICT DO NOTHING;
END;
$$;
