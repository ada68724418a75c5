/*
 * test_tpch_tiny.c — the 22 TPC-H queries on tpch.tiny (STANDARD column
 * names, DECIMAL money) through the whole engine, compared with the answers
 * for official dbgen data (../shared/testdata/tpch/answers/sf0.01-dbgen).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_test_support.h"

static engine *tpch_engine;

static void setup(void)
{
    static const char *const catalogs[] = {
        "tpch", "connector.name=tpch\ntpch.column-naming=STANDARD\ntpch.double-type-mapping=DECIMAL\n",
        NULL,
    };
    tpch_engine = test_engine_create(catalogs);
    cr_assert_not_null(tpch_engine);
}

static void teardown(void)
{
    test_engine_destroy(tpch_engine);
}

static char *read_query(int number)
{
    char path[512];
    snprintf(path, sizeof path, "%s/testdata/tpch/queries/q%02d.sql", SHOAL_SHARED_DIR, number);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    static char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ';' || text[n - 1] == ' '))
        text[--n] = '\0';
    return strdup(text);
}

static void run_tpch_query(int number)
{
    session *s = session_new("test", "tpch", "tiny");
    char *sql = read_query(number);
    test_result r = test_run(tpch_engine, s, sql);
    cr_assert(r.ok, "q%02d failed: %s (%s) at %d:%d", number, r.error.message, error_name(r.error.code),
              r.error.line, r.error.column);
    char path[512], why[1024] = "";
    snprintf(path, sizeof path, "%s/testdata/tpch/answers/sf0.01-dbgen/q%02d.csv", SHOAL_SHARED_DIR, number);
    bool matches = test_result_matches_file(&r, path, 0.01, why, sizeof why);
    test_result_free(&r);
    free(sql);
    session_free(s);
    cr_assert(matches, "q%02d: %s", number, why);
}

TestSuite(tpch_tiny, .init = setup, .fini = teardown, .timeout = 120);

Test(tpch_tiny, q01) { run_tpch_query(1); }
Test(tpch_tiny, q02) { run_tpch_query(2); }
Test(tpch_tiny, q03) { run_tpch_query(3); }
Test(tpch_tiny, q04) { run_tpch_query(4); }
Test(tpch_tiny, q05) { run_tpch_query(5); }
Test(tpch_tiny, q06) { run_tpch_query(6); }
Test(tpch_tiny, q07) { run_tpch_query(7); }
Test(tpch_tiny, q08) { run_tpch_query(8); }
Test(tpch_tiny, q09) { run_tpch_query(9); }
Test(tpch_tiny, q10) { run_tpch_query(10); }
Test(tpch_tiny, q11) { run_tpch_query(11); }
Test(tpch_tiny, q12) { run_tpch_query(12); }
Test(tpch_tiny, q13) { run_tpch_query(13); }
Test(tpch_tiny, q14) { run_tpch_query(14); }
Test(tpch_tiny, q15) { run_tpch_query(15); }
Test(tpch_tiny, q16) { run_tpch_query(16); }
Test(tpch_tiny, q17) { run_tpch_query(17); }
Test(tpch_tiny, q18) { run_tpch_query(18); }
Test(tpch_tiny, q19) { run_tpch_query(19); }
Test(tpch_tiny, q20) { run_tpch_query(20); }
Test(tpch_tiny, q21) { run_tpch_query(21); }
Test(tpch_tiny, q22) { run_tpch_query(22); }
