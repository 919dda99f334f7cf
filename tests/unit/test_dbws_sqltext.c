/* test_dbws_sqltext.c — SQL text without a database (dbws_sqltext.c): the "does it write" rule
 * agrees with the SQL editor's confirmation (editors/src/sqleditor/split.js) on reads, writes,
 * EXPLAIN [ANALYZE], WITH … INSERT, comments and parentheses; statements split outside strings,
 * comments, MySQL backquotes and PostgreSQL dollar quotes; the SQL of an AI answer; and, from
 * dbws_migrate.c, a statement position as line and column (characters, not bytes) and names
 * made safe for an SQL comment line. */
#include "arena.h"
#include "dbws_migrate.h"
#include "dbws_sqltext.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

static int w(const char *s)
{
    return dbws_sql_statement_writes(s, strlen(s));
}

START_TEST(statement_rule)
{
    ck_assert_int_eq(w("SELECT 1"), 0);
    ck_assert_int_eq(w("  select * from t"), 0);
    ck_assert_int_eq(w("(SELECT 1) UNION (SELECT 2)"), 0);
    ck_assert_int_eq(w("-- a comment\nSELECT 1"), 0);
    ck_assert_int_eq(w("/* x */ show tables"), 0);
    ck_assert_int_eq(w("DESC t"), 0);
    ck_assert_int_eq(w("VALUES (1)"), 0);
    ck_assert_int_eq(w("TABLE t"), 0);
    ck_assert_int_eq(w("EXPLAIN SELECT 1"), 0);
    ck_assert_int_eq(w("EXPLAIN ANALYZE SELECT 1"), 0);
    ck_assert_int_eq(w("EXPLAIN ANALYZE DELETE FROM t"), 1);
    ck_assert_int_eq(w("EXPLAIN (FORMAT JSON) ANALYZE UPDATE t SET a = 1"), 1);
    ck_assert_int_eq(w("EXPLAIN DELETE FROM t"), 0);
    ck_assert_int_eq(w("WITH x AS (SELECT 1) SELECT * FROM x"), 0);
    ck_assert_int_eq(w("WITH x AS (SELECT 'insert') SELECT * FROM x"), 0);
    ck_assert_int_eq(w("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"), 1);
    ck_assert_int_eq(w("INSERT INTO t VALUES (1)"), 1);
    ck_assert_int_eq(w("update t set a = 1"), 1);
    ck_assert_int_eq(w("CREATE TABLE t (a int)"), 1);
    ck_assert_int_eq(w("DROP TABLE t"), 1);
    ck_assert_int_eq(w("selected_thing()"), 1);     /* not the word SELECT */
    ck_assert_int_eq(w("CALL p()"), 1);
}
END_TEST

START_TEST(splitting)
{
    ck_assert_int_eq(dbws_sql_count("SELECT 1; SELECT 2;", DBWS_POSTGRES), 2);
    ck_assert_int_eq(dbws_sql_count("SELECT ';'; -- ; \n /* ; */ ", DBWS_POSTGRES), 1);
    ck_assert_int_eq(dbws_sql_count(";;  ; -- only\n", DBWS_POSTGRES), 0);
    ck_assert_int_eq(dbws_sql_writes("SELECT 1; DELETE FROM t; SELECT 'x;y'", DBWS_POSTGRES), 1);
    ck_assert_int_eq(dbws_sql_writes("SELECT $$;DROP TABLE t;$$", DBWS_POSTGRES), 0);
    ck_assert_int_eq(dbws_sql_writes("SELECT $f$ ; $f$; UPDATE t SET a = 1", DBWS_POSTGRES), 1);
    ck_assert_int_eq(dbws_sql_count("SELECT `a;b` FROM t", DBWS_MYSQL), 1);
    ck_assert_int_eq(dbws_sql_count("SELECT 'it\\'s;' # ;\n", DBWS_MYSQL), 1);
    ck_assert_int_eq(dbws_sql_writes("SELECT 1 # ; DELETE FROM t\n", DBWS_MYSQL), 0);
    ck_assert_int_eq(dbws_sql_writes("BEGIN;\nALTER TABLE t ADD COLUMN c int;\nCOMMIT;\n", DBWS_POSTGRES), 3);
    ck_assert_int_eq(dbws_sql_writes(NULL, DBWS_SQLITE), 0);
}
END_TEST

START_TEST(answers)
{
    struct arena a;
    arena_init(&a);
    ck_assert_str_eq(dbws_sql_from_answer(&a, "Here:\n\n```sql\nSELECT 1;\n```\nDone."), "SELECT 1;");
    ck_assert_str_eq(dbws_sql_from_answer(&a, "```\nSELECT 2\n```"), "SELECT 2");
    ck_assert_str_eq(dbws_sql_from_answer(&a, "  SELECT 3  \n"), "SELECT 3");
    ck_assert_str_eq(dbws_sql_from_answer(&a, "```sql\nSELECT 4"), "SELECT 4");   /* cut answer */
    ck_assert_str_eq(dbws_sql_from_answer(&a, ""), "");
    ck_assert_str_eq(dbws_sql_from_answer(&a, NULL), "");
    arena_free(&a);
}
END_TEST

START_TEST(positions)
{
    int line, col;
    const char *script = "BEGIN;\nALTER TABLE \"é\" ADD x;\nCOMMIT;\n";
    dbws_position_line(script, 1, &line, &col);
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(col, 1);
    dbws_position_line(script, 8, &line, &col);          /* the A of ALTER */
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 1);
    dbws_position_line(script, 23, &line, &col);         /* after "é" (2 bytes, 1 character) */
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 16);
    dbws_position_line(script, 0, &line, &col);
    ck_assert_int_eq(line, 0);
    ck_assert_int_eq(col, 0);
    dbws_position_line(script, 1000, &line, &col);
    ck_assert_int_eq(line, 0);
    ck_assert_int_eq(col, 0);
    struct arena a;
    arena_init(&a);
    ck_assert_str_eq(dbws_comment_safe(&a, "Prod\nDROP TABLE x;\r\t--"), "Prod DROP TABLE x;  --");
    ck_assert_str_eq(dbws_comment_safe(&a, NULL), "");
    arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dbws_sqltext");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, statement_rule);
    tcase_add_test(tc, splitting);
    tcase_add_test(tc, answers);
    tcase_add_test(tc, positions);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
