-- The ACME service keeps accounts and profile policies in memory (every JWS request reads its account, every new order and
-- finalize its profile). Each replica listens on these channels and forgets what changed, so a change made anywhere (a key
-- rollover or deactivation on another replica, an operator's profile edit through the gateway, a hand-written UPDATE) reaches
-- every replica's cache when it commits. The payload is the row's id; an empty payload (TRUNCATE) means "forget them all".
-- One function serves every table: the trigger names the channel (TG_ARGV[0]).
CREATE OR REPLACE FUNCTION notify_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify(TG_ARGV[0], '');
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pg_notify(TG_ARGV[0], NEW.id);
    ELSE
        PERFORM pg_notify(TG_ARGV[0], OLD.id);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS acme_accounts_notify_changed ON acme_accounts;
CREATE TRIGGER acme_accounts_notify_changed AFTER UPDATE OR DELETE ON acme_accounts
    FOR EACH ROW EXECUTE FUNCTION notify_row_changed('acme_account_changed');
DROP TRIGGER IF EXISTS acme_accounts_notify_truncated ON acme_accounts;
CREATE TRIGGER acme_accounts_notify_truncated AFTER TRUNCATE ON acme_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION notify_row_changed('acme_account_changed');

DROP TRIGGER IF EXISTS certificate_profiles_notify_changed ON certificate_profiles;
CREATE TRIGGER certificate_profiles_notify_changed AFTER INSERT OR UPDATE OR DELETE ON certificate_profiles
    FOR EACH ROW EXECUTE FUNCTION notify_row_changed('certificate_profile_changed');
DROP TRIGGER IF EXISTS certificate_profiles_notify_truncated ON certificate_profiles;
CREATE TRIGGER certificate_profiles_notify_truncated AFTER TRUNCATE ON certificate_profiles
    FOR EACH STATEMENT EXECUTE FUNCTION notify_row_changed('certificate_profile_changed');
