-- test_19_access_checks.sql — sql/040: the access helpers every policy calls are PL/pgSQL (their
-- plans kept per session, not made again in every statement), and they answer as before: for
-- the project's owner, a team viewer, editor and admin, a member of the organization outside
-- the team and an outsider, app_can_read_project / app_can_write_project agree with
-- app_project_ids(false / true) and with the roles; app_team_role, app_org_role and
-- card_modules (a team project without a license, a personal project, a project the caller
-- cannot see) as sql/021 and 027 define them.  Run as card_app.
DO $$
DECLARE
    f text;
    lang text;
BEGIN
    FOREACH f IN ARRAY ARRAY['app_project_ids(boolean)', 'app_team_ids(boolean)', 'app_org_ids()',
        'app_team_role(bigint)', 'app_org_role(bigint)', 'app_is_super_admin()', 'card_project_live(integer)',
        'app_can_read_project(integer)', 'app_can_write_project(integer)', 'card_modules(text,text)']
    LOOP
        SELECT l.lanname INTO lang FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
         WHERE p.oid = ('public.' || f)::regprocedure;
        IF lang IS DISTINCT FROM 'plpgsql' THEN
            RAISE EXCEPTION '% is in %, not PL/pgSQL (planned again in every statement)', f, lang;
        END IF;
    END LOOP;
END $$;

DO $$
DECLARE
    sfx text := replace(gen_random_uuid()::text, '-', '');
    u record;
    who text;
    org text;
    team text;
    team2 text;
    tid bigint;
    oid_ bigint;
    pid int;
    own int;
    p_uid text;
    own_uid text;
    expect_read boolean;
    expect_write boolean;
    expect_role text;
    unlicensed text[];
    personal text[];
    got text[];
BEGIN
    FOR u IN SELECT * FROM unnest(ARRAY['o', 'v', 'e', 'a', 'm', 'x']) AS k
    LOOP
        PERFORM set_config('test19.' || u.k,
            (SELECT user_id FROM sqltest.signup('acc-' || u.k || '-' || sfx || '@example.test', upper(u.k), 'h')), true);
    END LOOP;
    PERFORM set_config('app.user_id', current_setting('test19.o'), true);
    org := public.card_org_create('Org ' || sfx);
    team := public.card_team_create(org, 'Team ' || sfx);
    team2 := public.card_team_create(org, 'Other ' || sfx);
    PERFORM public.card_team_member_set(team, 'acc-v-' || sfx || '@example.test', 'viewer');
    PERFORM public.card_team_member_set(team, 'acc-e-' || sfx || '@example.test', 'editor');
    PERFORM public.card_team_member_set(team, 'acc-a-' || sfx || '@example.test', 'admin');
    PERFORM public.card_team_member_set(team2, 'acc-m-' || sfx || '@example.test', 'editor');
    SELECT id, org_id INTO tid, oid_ FROM teams WHERE uid = team;
    p_uid := gen_random_uuid()::text;
    INSERT INTO projects (uid, name, user_id) VALUES (p_uid, 'P', current_setting('test19.o')) RETURNING id INTO pid;
    UPDATE projects SET team_id = tid WHERE id = pid;
    own_uid := gen_random_uuid()::text;
    INSERT INTO projects (uid, name, user_id) VALUES (own_uid, 'mine', current_setting('test19.o')) RETURNING id INTO own;
    unlicensed := card_setting_list('unlicensed_org_modules');
    personal := card_setting_list('personal_modules');

    FOR u IN SELECT * FROM unnest(ARRAY['o', 'v', 'e', 'a', 'm', 'x']) AS k
    LOOP
        who := current_setting('test19.' || u.k);
        PERFORM set_config('app.user_id', who, true);
        expect_read := u.k IN ('o', 'v', 'e', 'a');
        expect_write := u.k IN ('o', 'e', 'a');
        expect_role := CASE u.k WHEN 'v' THEN 'viewer' WHEN 'e' THEN 'editor' WHEN 'a' THEN 'admin' WHEN 'o' THEN 'admin' END;
        IF app_can_read_project(pid) IS DISTINCT FROM expect_read
           OR app_can_read_project(pid) IS DISTINCT FROM (pid IN (SELECT app_project_ids(false))) THEN
            RAISE EXCEPTION '%: app_can_read_project % (expected %)', u.k, app_can_read_project(pid), expect_read;
        END IF;
        IF app_can_write_project(pid) IS DISTINCT FROM expect_write
           OR app_can_write_project(pid) IS DISTINCT FROM (pid IN (SELECT app_project_ids(true))) THEN
            RAISE EXCEPTION '%: app_can_write_project % (expected %)', u.k, app_can_write_project(pid), expect_write;
        END IF;
        IF app_can_write_project(own) IS DISTINCT FROM (u.k = 'o') OR app_can_read_project(own) IS DISTINCT FROM (u.k = 'o') THEN
            RAISE EXCEPTION '%: a personal project is its owner''s alone', u.k;
        END IF;
        IF app_team_role(tid) IS DISTINCT FROM expect_role THEN
            RAISE EXCEPTION '%: app_team_role % (expected %)', u.k, app_team_role(tid), expect_role;
        END IF;
        IF (app_org_role(oid_) IS NOT NULL) IS DISTINCT FROM (u.k <> 'x')
           OR (app_org_role(oid_) IS NOT NULL) IS DISTINCT FROM (oid_ IN (SELECT app_org_ids())) THEN
            RAISE EXCEPTION '%: app_org_role %', u.k, app_org_role(oid_);
        END IF;
        IF (tid IN (SELECT app_team_ids(true))) IS DISTINCT FROM (u.k IN ('o', 'e', 'a')) THEN
            RAISE EXCEPTION '%: app_team_ids(true)', u.k;
        END IF;
        -- the team's project: the organization's modules for those who see it, else personal
        got := card_modules(p_uid, NULL);
        IF got IS DISTINCT FROM (CASE WHEN expect_read THEN unlicensed ELSE personal END) THEN
            RAISE EXCEPTION '%: card_modules(team project) = %', u.k, got;
        END IF;
        got := card_modules(NULL, org);
        IF got IS DISTINCT FROM (CASE WHEN u.k <> 'x' THEN unlicensed ELSE personal END) THEN
            RAISE EXCEPTION '%: card_modules(organization) = %', u.k, got;
        END IF;
        IF card_modules(own_uid, NULL) IS DISTINCT FROM personal THEN
            RAISE EXCEPTION '%: card_modules(personal project)', u.k;
        END IF;
    END LOOP;
    IF NOT card_project_live(pid) THEN RAISE EXCEPTION 'card_project_live: a live project'; END IF;
    PERFORM set_config('app.user_id', current_setting('test19.o'), true);
    UPDATE projects SET is_deleted = true WHERE id = own;
    IF card_project_live(own) THEN RAISE EXCEPTION 'card_project_live: a deleted project'; END IF;
END $$;
