-- test_10_attachments.sql — attachments follow their file: the owner adds and reads them,
-- another user sees none and cannot attach to a file that is not theirs, a share token for
-- the file shows its attachments (read only), and the row checks refuse bad types and sizes.
-- Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    note_uid text := 'att-note-' || sfx;
    att text;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('att-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('att-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO notes (uid, title, user_id, is_public, share_token)
        VALUES (note_uid, 'with image', a, true, 'att-tok-' || sfx);
    INSERT INTO attachments (user_id, file_kind, file_uid, mime, size, bytes, sha256)
        VALUES (a, 'note', note_uid, 'image/png', 3, '\x010203', repeat('a', 64)) RETURNING uid INTO att;
    IF att IS NULL OR length(att) < 30 THEN RAISE EXCEPTION 'no generated uid'; END IF;
    IF (SELECT count(*) FROM attachments WHERE uid = att) <> 1 THEN RAISE EXCEPTION 'owner cannot read'; END IF;
    BEGIN
        INSERT INTO attachments (user_id, file_kind, file_uid, mime, size, bytes, sha256)
            VALUES (a, 'note', note_uid, 'text/html', 3, '\x010203', repeat('a', 64));
        RAISE EXCEPTION 'html accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        INSERT INTO attachments (user_id, file_kind, file_uid, mime, size, bytes, sha256)
            VALUES (a, 'note', note_uid, 'image/png', 4, '\x010203', repeat('a', 64));
        RAISE EXCEPTION 'wrong size accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;

    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM attachments) <> 0 THEN RAISE EXCEPTION 'another user reads attachments'; END IF;
    BEGIN
        INSERT INTO attachments (user_id, file_kind, file_uid, mime, size, bytes, sha256)
            VALUES (b, 'note', note_uid, 'image/png', 3, '\x010203', repeat('a', 64));
        RAISE EXCEPTION 'attached to another user''s note';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    IF (SELECT count(*) FROM attachments WHERE uid = att) <> 0 THEN RAISE EXCEPTION 'delete reached it'; END IF;

    PERFORM set_config('app.user_id', '', true);
    PERFORM set_config('app.share_token', 'att-tok-' || sfx, true);
    IF (SELECT count(*) FROM attachments) <> 1 THEN RAISE EXCEPTION 'share token does not show the note''s image'; END IF;
    PERFORM set_config('app.share_token', 'wrong-' || sfx, true);
    IF (SELECT count(*) FROM attachments) <> 0 THEN RAISE EXCEPTION 'a wrong token shows images'; END IF;
END $$;
