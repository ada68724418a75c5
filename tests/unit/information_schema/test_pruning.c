/*
 * test_pruning.c — the information_schema wrapper on a counting fake
 * connector: pushed-down ranges on table_schema / table_name prune the walk
 * (a pinned name is looked up, not listed), other calls pass through, and
 * information_schema's own metadata.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "connectors/information_schema/information_schema.h"
#include "connectors/spi/page.h"
#include "connectors/spi/value.h"

static int list_schema_calls, list_table_calls, get_table_calls;

static bool fake_list_schemas(connector *c, string_list *out, shoal_error *error)
{
    (void)c;
    (void)error;
    list_schema_calls++;
    return string_list_add(out, "s1") && string_list_add(out, "s2") && string_list_add(out, "s3");
}

static bool fake_schema_exists(connector *c, const char *schema)
{
    (void)c;
    return strlen(schema) == 2 && schema[0] == 's' && schema[1] >= '1' && schema[1] <= '3';
}

static bool fake_list_tables(connector *c, const char *schema, string_list *out, shoal_error *error)
{
    (void)error;
    list_table_calls++;
    if (!fake_schema_exists(c, schema))
        return true;
    return string_list_add(out, "t1") && string_list_add(out, "t2") && string_list_add(out, "t3");
}

static table_metadata *fake_get_table(connector *c, const char *schema, const char *name, shoal_error *error)
{
    (void)error;
    get_table_calls++;
    if (!fake_schema_exists(c, schema) || strlen(name) != 2 || name[0] != 't' || name[1] < '1' || name[1] > '3')
        return NULL;
    table_metadata *m = table_metadata_new(schema, name, 2);
    table_metadata_set_column(m, 0, "id", type_make(TYPE_BIGINT));
    table_metadata_set_column(m, 1, "label", type_varchar(10));
    m->columns[1].nullable = false;
    m->comment = strdup("a fake table");
    return m;
}

static bool fake_get_splits(connector *c, const table_metadata *t, const scan_request *r, int n, split_list *out,
                            shoal_error *error)
{
    (void)c, (void)t, (void)r, (void)n, (void)error;
    return split_list_add(out, "fake", 4, "fake split");
}

static const connector_ops fake_ops = {
    .list_schemas = fake_list_schemas,
    .list_tables = fake_list_tables,
    .schema_exists = fake_schema_exists,
    .get_table = fake_get_table,
    .get_splits = fake_get_splits,
};

static connector fake = {.ops = &fake_ops, .connector_name = "fake"};

static void reset_counts(void)
{
    list_schema_calls = list_table_calls = get_table_calls = 0;
}

static column_range equal_to(int column, const char *text)
{
    value v = value_varchar(text, (uint32_t)strlen(text));
    return (column_range){.column = column, .has_low = true, .low_inclusive = true, .has_high = true,
                          .high_inclusive = true, .low = v, .high = v};
}

/* Scans information_schema.`table` of the wrapped fake; rows as "a|b|c;..." */
static void scan(connector *w, const char *table, const column_range *ranges, int range_count, char *out, size_t size)
{
    shoal_error error;
    error_clear(&error);
    table_metadata *t = w->ops->get_table(w, "information_schema", table, &error);
    cr_assert_not_null(t);
    cr_assert(information_schema_is_table(t));
    scan_request request = {.ranges = ranges, .range_count = range_count, .limit = -1};
    split_list splits = {0};
    cr_assert(w->ops->get_splits(w, t, &request, 8, &splits, &error));
    cr_assert_eq(splits.count, 1);
    page_source *s = w->ops->open_page_source(w, t, &splits.items[0], &request, &error);
    cr_assert_not_null(s, "%s", error.message);
    out[0] = '\0';
    page *p;
    source_wait wait;
    while (s->ops->next(s, &p, &wait, &error) == SOURCE_PAGE) {
        for (uint32_t r = 0; r < p->row_count; r++) {
            if (out[0])
                strncat(out, ";", size - strlen(out) - 1);
            for (int c = 0; c < p->column_count; c++) {
                value v = value_load(&p->columns[c], r);
                char cell[128];
                if (v.is_null)
                    snprintf(cell, sizeof cell, "NULL");
                else if (v.type.kind == TYPE_BIGINT)
                    snprintf(cell, sizeof cell, "%lld", (long long)v.u.i64);
                else
                    snprintf(cell, sizeof cell, "%.*s", (int)v.u.string.length, string_view_data(&v.u.string));
                if (c)
                    strncat(out, "|", size - strlen(out) - 1);
                strncat(out, cell, size - strlen(out) - 1);
            }
        }
        page_unref(p);
    }
    s->ops->close(s);
    split_list_free(&splits);
    table_metadata_free(t);
}

Test(pruning, pinned_schema_and_table_are_looked_up)
{
    connector *w = information_schema_wrap("fakecat", &fake, NULL);
    cr_assert_not_null(w);
    char rows[4096];
    column_range ranges[2] = {equal_to(1, "s2"), equal_to(2, "t3")};
    reset_counts();
    scan(w, "tables", ranges, 2, rows, sizeof rows);
    cr_assert_str_eq(rows, "fakecat|s2|t3|BASE TABLE|a fake table");
    cr_assert_eq(list_schema_calls, 0);
    cr_assert_eq(list_table_calls, 0);

    reset_counts();
    scan(w, "columns", ranges, 2, rows, sizeof rows);
    cr_assert_str_eq(rows, "fakecat|s2|t3|id|1|NULL|YES|bigint|NULL|NULL;"
                           "fakecat|s2|t3|label|2|NULL|NO|varchar(10)|NULL|NULL");
    cr_assert_eq(list_schema_calls, 0);
    cr_assert_eq(list_table_calls, 0);

    reset_counts();
    column_range only_schema[1] = {equal_to(1, "s1")};
    scan(w, "tables", only_schema, 1, rows, sizeof rows);
    cr_assert_str_eq(rows, "fakecat|s1|t1|BASE TABLE|a fake table;fakecat|s1|t2|BASE TABLE|a fake table;"
                           "fakecat|s1|t3|BASE TABLE|a fake table");
    cr_assert_eq(list_schema_calls, 0);
    cr_assert_eq(list_table_calls, 1);

    reset_counts();
    column_range missing[2] = {equal_to(1, "s9"), equal_to(2, "t1")};
    scan(w, "columns", missing, 2, rows, sizeof rows);
    cr_assert_str_eq(rows, "");
    cr_assert_eq(get_table_calls, 0);
    information_schema_wrap_free(w);
}

Test(pruning, ranges_filter_listed_names)
{
    connector *w = information_schema_wrap("fakecat", &fake, NULL);
    char rows[4096];
    column_range ranges[2] = {
        {.column = 1, .has_low = true, .low_inclusive = false, .low = value_varchar("s1", 2)},
        {.column = 2, .has_high = true, .high_inclusive = true, .high = value_varchar("t1", 2)},
    };
    reset_counts();
    scan(w, "schemata", ranges, 1, rows, sizeof rows);
    cr_assert_str_eq(rows, "fakecat|s2;fakecat|s3");
    reset_counts();
    scan(w, "tables", ranges, 2, rows, sizeof rows);
    cr_assert_str_eq(rows, "fakecat|s2|t1|BASE TABLE|a fake table;fakecat|s3|t1|BASE TABLE|a fake table");
    cr_assert_eq(list_table_calls, 2, "s1 and information_schema are never listed");
    column_range other_catalog[1] = {equal_to(0, "othercat")};
    reset_counts();
    scan(w, "columns", other_catalog, 1, rows, sizeof rows);
    cr_assert_str_eq(rows, "");
    cr_assert_eq(list_schema_calls + list_table_calls + get_table_calls, 0);
    information_schema_wrap_free(w);
}

Test(pruning, passes_everything_else_through)
{
    shoal_error error;
    error_clear(&error);
    connector *w = information_schema_wrap("fakecat", &fake, &error);
    cr_assert_eq(information_schema_inner(w), &fake);
    cr_assert_eq(information_schema_inner(&fake), &fake);
    cr_assert_str_eq(w->connector_name, "fake");
    cr_assert_null(w->ops->create_table, "what the inner lacks stays NULL");
    cr_assert(w->ops->schema_exists(w, "information_schema"));
    cr_assert(w->ops->schema_exists(w, "s1"));
    cr_assert_not(w->ops->schema_exists(w, "s9"));
    string_list names = {0};
    cr_assert(w->ops->list_schemas(w, &names, &error));
    cr_assert_eq(names.count, 4);
    string_list_free(&names);
    cr_assert(w->ops->list_tables(w, "information_schema", &names, &error));
    cr_assert_eq(names.count, 8);
    string_list_free(&names);
    table_metadata *t = w->ops->get_table(w, "s1", "t1", &error);
    cr_assert_not_null(t);
    cr_assert_not(information_schema_is_table(t));
    split_list splits = {0};
    cr_assert(w->ops->get_splits(w, t, NULL, 4, &splits, &error));
    cr_assert_str_eq(splits.items[0].description, "fake split");
    split_list_free(&splits);
    table_metadata_free(t);
    cr_assert_null(w->ops->get_table(w, "information_schema", "nosuch", &error));
    cr_assert_not(error_is_set(&error));
    information_schema_wrap_free(w);
    information_schema_wrap_free(NULL);
}

/* A write callback of the inner connector expects the inner's own struct;
 * the wrapper must never offer it (it would be called with the wrapper). */
static bool writer_create_table(connector *c, const table_definition *d, shoal_error *error)
{
    (void)d;
    (void)error;
    return c == &fake;
}

static page_sink *writer_open_sink(connector *c, const table_metadata *t, bool truncate, shoal_error *error)
{
    (void)c;
    (void)t;
    (void)truncate;
    (void)error;
    return NULL;
}

static page_sink *writer_open_rewrite_sink(connector *c, const table_metadata *t, shoal_error *error)
{
    return writer_open_sink(c, t, false, error);
}

Test(pruning, write_callbacks_are_never_offered_through_the_wrapper)
{
    connector_ops writer_ops = fake_ops;
    writer_ops.create_table = writer_create_table;
    writer_ops.open_page_sink = writer_open_sink;
    writer_ops.open_rewrite_sink = writer_open_rewrite_sink;
    connector writer = {.ops = &writer_ops, .connector_name = "writer"};
    connector *w = information_schema_wrap("writercat", &writer, NULL);
    cr_assert_not_null(w);
    cr_assert_null(w->ops->create_schema);
    cr_assert_null(w->ops->drop_schema);
    cr_assert_null(w->ops->create_table);
    cr_assert_null(w->ops->drop_table);
    cr_assert_null(w->ops->open_page_sink);
    cr_assert_null(w->ops->open_rewrite_sink);
    cr_assert_null(w->ops->create_view);
    cr_assert_null(w->ops->drop_view);
    cr_assert_eq(information_schema_inner(w), &writer);
    information_schema_wrap_free(w);
}
