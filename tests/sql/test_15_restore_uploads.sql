-- test_15_restore_uploads.sql — chunked restore uploads (sql/034): an upload and its parts are
-- their owner's only (another user neither reads, adds a part to, changes nor deletes them, nor
-- adds a part of their own to someone else's upload), the part count must match size and part
-- size, deleting an upload deletes its parts, and card_restore_uploads_purge, called with no
-- user as the task runner does, deletes expired uploads only.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    up bigint; other bigint;
    n int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('up-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('up-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO restore_uploads (user_id, name, size, part_size, parts) VALUES (a, 'x.tar.gz', 10, 4, 3)
    RETURNING id INTO up;
    INSERT INTO restore_upload_parts (upload_id, user_id, n, data) VALUES (up, a, 0, '\x00010203');
    BEGIN
        INSERT INTO restore_uploads (user_id, name, size, part_size, parts) VALUES (a, 'y', 10, 4, 2);
        RAISE EXCEPTION 'a part count that does not match was accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        INSERT INTO restore_uploads (user_id, name, size, part_size, parts) VALUES (b, 'y', 10, 4, 3);
        RAISE EXCEPTION 'created an upload for another user';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;

    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM restore_uploads) <> 0 OR (SELECT count(*) FROM restore_upload_parts) <> 0 THEN
        RAISE EXCEPTION 'another user reads an upload or its parts';
    END IF;
    BEGIN
        INSERT INTO restore_upload_parts (upload_id, user_id, n, data) VALUES (up, b, 1, '\x00');
        RAISE EXCEPTION 'another user added a part to an upload not their own';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    UPDATE restore_upload_parts SET data = '\xff' WHERE upload_id = up;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> 0 THEN RAISE EXCEPTION 'another user changed a part'; END IF;
    DELETE FROM restore_uploads WHERE id = up;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> 0 THEN RAISE EXCEPTION 'another user deleted an upload'; END IF;
    INSERT INTO restore_uploads (user_id, name, size, part_size, parts) VALUES (b, 'b.tar.gz', 1, 1, 1)
    RETURNING id INTO other;

    -- The runner (no user): only expired uploads go, with their parts.
    PERFORM set_config('app.user_id', '', true);
    PERFORM card_restore_uploads_purge();
    PERFORM set_config('app.user_id', a, true);
    IF (SELECT count(*) FROM restore_upload_parts WHERE upload_id = up) <> 1 THEN
        RAISE EXCEPTION 'the purge deleted a live upload';
    END IF;
    UPDATE restore_uploads SET expires_at = now() - interval '1 second' WHERE id = up;
    PERFORM set_config('app.user_id', '', true);
    IF card_restore_uploads_purge() < 1 THEN RAISE EXCEPTION 'the purge deleted nothing'; END IF;
    PERFORM set_config('app.user_id', a, true);
    IF EXISTS (SELECT 1 FROM restore_uploads WHERE id = up) THEN RAISE EXCEPTION 'an expired upload stayed'; END IF;
    IF EXISTS (SELECT 1 FROM restore_upload_parts WHERE upload_id = up) THEN RAISE EXCEPTION 'its parts stayed'; END IF;
    PERFORM set_config('app.user_id', b, true);
    IF NOT EXISTS (SELECT 1 FROM restore_uploads WHERE id = other) THEN RAISE EXCEPTION 'the purge deleted another live upload'; END IF;
    DELETE FROM restore_uploads WHERE id = other;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> 1 THEN RAISE EXCEPTION 'the owner could not delete their upload'; END IF;
    PERFORM set_config('app.user_id', '', true);
    RAISE NOTICE 'ok - restore uploads';
END
$$;
