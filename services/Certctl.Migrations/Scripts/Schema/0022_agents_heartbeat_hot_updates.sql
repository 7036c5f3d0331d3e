-- Heartbeat writes as HOT updates.
--
-- A heartbeat batch rewrites last_heartbeat_at on hundreds of agent rows a second. While that column was indexed, every
-- update was a new index entry in every index of agents (five WAL records per heartbeat, 97 % of updates not HOT). The index
-- served no query: the health loop filters on COALESCE(last_heartbeat_at, registered_at), which it cannot use, and scans the
-- active agents instead. Without it, a heartbeat changes no indexed column, and with free space left on each page Postgres
-- keeps the new row version on the same page (one WAL record, no index writes).
DROP INDEX IF EXISTS agents_heartbeat_idx;
ALTER TABLE agents SET (fillfactor = 80);
