/*
 * test_blackhole.c — the blackhole connector: discarded writes, empty and
 * generated reads (row count = split_count * pages_per_split * rows_per_page,
 * Trino's filler values), table property validation, and the page delay
 * that blocks on a deadline instead of sleeping.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "connectors/blackhole/blackhole_connector.h"
#include "connectors/spi/catalog.h"

static connector *make(void)
{
    shoal_error e;
    error_clear(&e);
    connector *c = blackhole_connector_factory.create("blackhole", NULL, &e);
    cr_assert_not_null(c, "%s", e.message);
    return c;
}

static const char *const names[] = {"id", "name", "flag", "price", "code"};

static bool create(connector *c, const char *table, const connector_property *props, int count,
                   shoal_error *e)
{
    sql_type types[5] = {type_make(TYPE_BIGINT), type_varchar(VARCHAR_UNBOUNDED), type_make(TYPE_BOOLEAN),
                         type_decimal(30, 2), type_varchar(3)};
    table_definition d = {.schema = "default", .name = table, .column_count = 5, .column_names = names,
                          .column_types = types, .properties = {props, count}};
    return c->ops->create_table(c, &d, e);
}

typedef struct scan_totals {
    uint64_t rows;
    int pages;
    int splits;
} scan_totals;

static scan_totals scan_all(connector *c, const char *table, const scan_request *request)
{
    scan_totals totals = {0};
    shoal_error e;
    error_clear(&e);
    table_metadata *t = c->ops->get_table(c, "default", table, &e);
    cr_assert_not_null(t);
    split_list splits = {0};
    cr_assert(c->ops->get_splits(c, t, request, 4, &splits, &e), "%s", e.message);
    totals.splits = splits.count;
    for (int i = 0; i < splits.count; i++) {
        page_source *s = c->ops->open_page_source(c, t, &splits.items[i], request, &e);
        cr_assert_not_null(s, "%s", e.message);
        for (;;) {
            page *p = NULL;
            source_wait wait = {0};
            source_status status = s->ops->next(s, &p, &wait, &e);
            if (status == SOURCE_FINISHED)
                break;
            cr_assert_eq(status, SOURCE_PAGE);
            cr_assert_leq(p->row_count, VECTOR_SIZE);
            totals.rows += p->row_count;
            totals.pages++;
            page_unref(p);
        }
        s->ops->close(s);
    }
    split_list_free(&splits);
    table_metadata_free(t);
    return totals;
}

Test(blackhole, writes_are_discarded_and_reads_empty)
{
    connector *c = make();
    shoal_error e;
    error_clear(&e);
    cr_assert(create(c, "sink", NULL, 0, &e), "%s", e.message);
    table_metadata *t = c->ops->get_table(c, "default", "sink", &e);
    page_sink *sink = c->ops->open_page_sink(c, t, false, &e);
    sql_type bigint = type_make(TYPE_BIGINT);
    page *p = page_new(1, &bigint, 100);
    p->row_count = 100;
    for (int i = 0; i < 5; i++)
        cr_assert(sink->ops->append(sink, p, &e));
    uint64_t rows = 0;
    cr_assert(sink->ops->finish(sink, &rows, &e));
    cr_assert_eq(rows, 500);
    cr_assert_eq(blackhole_connector_rows_written(c), 500);
    sink = c->ops->open_page_sink(c, t, false, &e);
    cr_assert(sink->ops->append(sink, p, &e));
    sink->ops->abort(sink);
    page_unref(p);
    cr_assert_eq(blackhole_connector_rows_written(c), 500);
    table_metadata_free(t);

    scan_totals totals = scan_all(c, "sink", NULL);
    cr_assert_eq(totals.rows, 0);
    cr_assert_eq(totals.splits, 0, "split_count 0: no splits, as Trino");
    c->ops->destroy(c);
}

Test(blackhole, generated_rows)
{
    connector *c = make();
    shoal_error e;
    error_clear(&e);
    connector_property props[] = {{"split_count", "3"}, {"pages_per_split", "4"}, {"rows_per_page", "5000"},
                                  {"field_length", "20"}};
    cr_assert(create(c, "gen", props, 4, &e), "%s", e.message);
    table_metadata *t = c->ops->get_table(c, "default", "gen", &e);
    cr_assert_eq(t->row_count, 3 * 4 * 5000);
    cr_assert_eq(t->columns[0].stats.distinct_count, 1);
    cr_assert(t->columns[0].stats.has_range);
    cr_assert_not(t->columns[1].stats.has_range);
    table_metadata_free(t);

    scan_totals totals = scan_all(c, "gen", NULL);
    cr_assert_eq(totals.splits, 3);
    cr_assert_eq(totals.rows, 3 * 4 * 5000);
    cr_assert_eq(totals.pages, 3 * 4 * 3, "5000-row pages arrive as 2048 + 2048 + 904");

    /* the values Trino generates */
    t = c->ops->get_table(c, "default", "gen", &e);
    split_list splits = {0};
    cr_assert(c->ops->get_splits(c, t, NULL, 1, &splits, &e));
    scan_request projection = {.columns = (const int[]){1, 4, 0, 2, 3}, .column_count = 5, .limit = -1};
    page_source *s = c->ops->open_page_source(c, t, &splits.items[0], &projection, &e);
    page *p = NULL;
    source_wait wait;
    cr_assert_eq(s->ops->next(s, &p, &wait, &e), SOURCE_PAGE);
    value name = value_load(&p->columns[0], 17);
    cr_assert_eq(name.u.string.length, 20);
    cr_assert(memcmp(string_view_data(&name.u.string), "********************", 20) == 0);
    value code = value_load(&p->columns[1], 0);
    cr_assert_eq(code.u.string.length, 3, "bounded varchar is cut to its length");
    cr_assert_eq(value_load(&p->columns[2], 2047).u.i64, 0);
    cr_assert_eq(value_load(&p->columns[3], 5).u.boolean, false);
    cr_assert(value_load(&p->columns[4], 5).u.i128 == 0);
    cr_assert_not(value_load(&p->columns[4], 5).is_null);
    page_unref(p);
    s->ops->close(s);
    split_list_free(&splits);
    table_metadata_free(t);

    /* count(*)-style scans with no columns still count the rows */
    scan_request none = {.columns = (const int[]){0}, .column_count = 0, .limit = -1};
    cr_assert_eq(scan_all(c, "gen", &none).rows, 3 * 4 * 5000);
    c->ops->destroy(c);
}

Test(blackhole, page_processing_delay_blocks_on_a_deadline)
{
    connector *c = make();
    shoal_error e;
    error_clear(&e);
    connector_property props[] = {{"split_count", "1"}, {"pages_per_split", "2"}, {"rows_per_page", "10"},
                                  {"page_processing_delay", "50ms"}};
    cr_assert(create(c, "slow", props, 4, &e), "%s", e.message);
    table_metadata *t = c->ops->get_table(c, "default", "slow", &e);
    split_list splits = {0};
    cr_assert(c->ops->get_splits(c, t, NULL, 1, &splits, &e));
    page_source *s = c->ops->open_page_source(c, t, &splits.items[0], NULL, &e);

    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t before = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    page *p = NULL;
    source_wait wait = {0};
    cr_assert_eq(s->ops->next(s, &p, &wait, &e), SOURCE_BLOCKED);
    cr_assert_eq(wait.kind, SOURCE_WAIT_UNTIL);
    cr_assert_geq(wait.deadline_ns, before + 50000000u);
    cr_assert_lt(wait.deadline_ns, before + 50000000u + 2000000000u);
    uint64_t deadline = wait.deadline_ns;
    source_wait again = {0};
    cr_assert_eq(s->ops->next(s, &p, &again, &e), SOURCE_BLOCKED, "not before the deadline");
    cr_assert_eq(again.deadline_ns, deadline, "the same deadline, not a new one");

    /* the caller (a scheduler) waits; the source never sleeps */
    struct timespec until = {.tv_sec = (time_t)(deadline / 1000000000u), .tv_nsec = (long)(deadline % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) != 0) {
    }
    cr_assert_eq(s->ops->next(s, &p, &wait, &e), SOURCE_PAGE);
    cr_assert_eq(p->row_count, 10);
    page_unref(p);
    cr_assert_eq(s->ops->next(s, &p, &wait, &e), SOURCE_BLOCKED, "each page waits");
    cr_assert_gt(wait.deadline_ns, deadline);
    s->ops->close(s);
    split_list_free(&splits);
    table_metadata_free(t);
    c->ops->destroy(c);
}

Test(blackhole, table_property_validation)
{
    connector *c = make();
    shoal_error e;
    connector_property partial[] = {{"split_count", "3"}};
    error_clear(&e);
    cr_assert_not(create(c, "t", partial, 1, &e));
    cr_assert_eq(e.code, ERR_INVALID_TABLE_PROPERTY);
    cr_assert_str_eq(e.message,
                     "All properties [split_count, pages_per_split, rows_per_page] must be set if any are set");

    connector_property negative[] = {{"rows_per_page", "-1"}};
    error_clear(&e);
    cr_assert_not(create(c, "t", negative, 1, &e));
    cr_assert_str_eq(e.message, "rows_per_page property is negative");

    connector_property unknown[] = {{"row_count", "5"}};
    error_clear(&e);
    cr_assert_not(create(c, "t", unknown, 1, &e));
    cr_assert_eq(e.code, ERR_INVALID_TABLE_PROPERTY);
    cr_assert_str_eq(e.message, "Catalog 'blackhole' table property 'row_count' does not exist");

    connector_property bad[] = {{"page_processing_delay", "soon"}};
    error_clear(&e);
    cr_assert_not(create(c, "t", bad, 1, &e));
    cr_assert_eq(e.code, ERR_INVALID_TABLE_PROPERTY);
    cr_assert_null(c->ops->get_table(c, "default", "t", &e), "nothing half-made");

    uint64_t ns;
    cr_assert(blackhole_parse_duration("5s", &ns));
    cr_assert_eq(ns, 5000000000u);
    cr_assert(blackhole_parse_duration("1.5m", &ns));
    cr_assert_eq(ns, 90000000000u);
    cr_assert(blackhole_parse_duration("250 ms", &ns));
    cr_assert_eq(ns, 250000000u);
    cr_assert_not(blackhole_parse_duration("5", &ns));
    cr_assert_not(blackhole_parse_duration("5 seconds", &ns));
    cr_assert_not(blackhole_parse_duration("-5s", &ns));
    c->ops->destroy(c);
}

Test(blackhole, schemas_tables_and_catalog_properties)
{
    connector *c = make();
    shoal_error e;
    error_clear(&e);
    cr_assert(c->ops->schema_exists(c, "default"));
    cr_assert(c->ops->create_schema(c, "s", false, &e));
    cr_assert_not(c->ops->create_schema(c, "s", false, &e));
    cr_assert_eq(e.code, ERR_SCHEMA_ALREADY_EXISTS);
    cr_assert(create(c, "t", NULL, 0, &e));
    error_clear(&e);
    cr_assert_not(create(c, "t", NULL, 0, &e));
    cr_assert_eq(e.code, ERR_TABLE_ALREADY_EXISTS);
    string_list tables = {0};
    cr_assert(c->ops->list_tables(c, "default", &tables, &e));
    cr_assert_eq(tables.count, 1);
    string_list_free(&tables);
    cr_assert(c->ops->drop_table(c, "default", "t", false, &e));
    error_clear(&e);
    cr_assert_not(c->ops->drop_table(c, "default", "t", false, &e));
    cr_assert_eq(e.code, ERR_TABLE_NOT_FOUND);
    cr_assert(c->ops->drop_schema(c, "s", false, false, &e));
    cr_assert_not(c->ops->schema_exists(c, "s"));
    c->ops->destroy(c);

    cr_assert(blackhole_connector_register(NULL));
    catalog_registry *r = catalog_registry_new();
    connector_property stray = {"blackhole.speed", "fast"};
    connector_properties props = {&stray, 1};
    error_clear(&e);
    cr_assert_not(catalog_add(r, "bh", "blackhole", &props, false, &e));
    cr_assert_eq(e.code, ERR_INVALID_CATALOG_PROPERTY);
    cr_assert(strstr(e.message, "'blackhole.speed'"));
    connector_properties none = {0};
    cr_assert(catalog_add(r, "bh", "blackhole", &none, false, &e));
    catalog_registry_free(r);
}

Test(blackhole, unsupported_generated_type)
{
    connector *c = make();
    shoal_error e;
    error_clear(&e);
    sql_type uuid = type_make(TYPE_UUID);
    const char *const n[] = {"u"};
    connector_property props[] = {{"split_count", "1"}, {"pages_per_split", "1"}, {"rows_per_page", "1"}};
    table_definition d = {.schema = "default", .name = "u", .column_count = 1, .column_names = n,
                          .column_types = &uuid, .properties = {props, 3}};
    cr_assert(c->ops->create_table(c, &d, &e));
    table_metadata *t = c->ops->get_table(c, "default", "u", &e);
    split_list splits = {0};
    cr_assert(c->ops->get_splits(c, t, NULL, 1, &splits, &e));
    cr_assert_null(c->ops->open_page_source(c, t, &splits.items[0], NULL, &e));
    cr_assert_eq(e.code, ERR_NOT_SUPPORTED);
    cr_assert_str_eq(e.message, "Unsupported type [uuid]");
    split_list_free(&splits);
    table_metadata_free(t);
    c->ops->destroy(c);
}
