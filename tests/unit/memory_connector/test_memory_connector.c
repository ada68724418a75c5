/*
 * test_memory_connector.c — the memory connector: catalog properties,
 * schemas, tables, INSERT/CTAS sinks, multi-split zero-copy scans with
 * projection, statistics, memory.max-data-per-node, and a reader running
 * while a writer commits.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/memory/memory_connector.h"
#include "connectors/spi/catalog.h"

/* ---- helpers ------------------------------------------------------------ */

static connector *make_connector(const char *max_data)
{
    connector_property p = {"memory.max-data-per-node", max_data};
    connector_properties props = {&p, max_data ? 1 : 0};
    shoal_error e;
    error_clear(&e);
    connector *c = memory_connector_factory.create("memory", &props, &e);
    cr_assert_not_null(c, "%s", e.message);
    return c;
}

static const char *const column_names[] = {"id", "name", "price"};

static sql_type column_types[3];

static void create_table(connector *c, const char *schema, const char *name)
{
    column_types[0] = type_make(TYPE_BIGINT);
    column_types[1] = type_varchar(VARCHAR_UNBOUNDED);
    column_types[2] = type_make(TYPE_DOUBLE);
    table_definition d = {.schema = schema, .name = name, .column_count = 3,
                          .column_names = column_names, .column_types = column_types};
    shoal_error e;
    error_clear(&e);
    cr_assert(c->ops->create_table(c, &d, &e), "%s", e.message);
}

/* Rows first..first+count-1: id = i, name = "name-<i>-padded-to-be-long" (NULL
 * when i % 10 == 3), price = i / 2.0 (NULL when i % 7 == 0). */
static page *make_page(int64_t first, uint32_t count)
{
    page *p = page_new(3, column_types, count);
    cr_assert_not_null(p);
    for (uint32_t r = 0; r < count; r++) {
        int64_t i = first + r;
        ((int64_t *)p->columns[0].data)[r] = i;
        if (i % 10 == 3) {
            vector_set_null(&p->columns[1], r);
        } else {
            char text[64];
            int n = snprintf(text, sizeof text, i % 2 ? "name-%lld-padded-to-be-long" : "n%lld",
                             (long long)i);
            cr_assert(vector_add_string(&p->columns[1], text, (uint32_t)n,
                                        (string_view *)p->columns[1].data + r));
        }
        if (i % 7 == 0)
            vector_set_null(&p->columns[2], r);
        else
            ((double *)p->columns[2].data)[r] = (double)i / 2.0;
    }
    p->row_count = count;
    return p;
}

static void cr_assert_not_error_set(const shoal_error *e)
{
    cr_assert_not(error_is_set(e), "%s", e->message);
}

static table_metadata *get_table(connector *c, const char *schema, const char *name)
{
    shoal_error e;
    error_clear(&e);
    table_metadata *t = c->ops->get_table(c, schema, name, &e);
    cr_assert_not_error_set(&e);
    return t;
}


/* Inserts `pages` pages of `rows` rows starting at id `first`. */
static uint64_t insert(connector *c, const char *table, int64_t first, int pages, uint32_t rows,
                       bool truncate)
{
    table_metadata *t = get_table(c, "default", table);
    cr_assert_not_null(t);
    shoal_error e;
    error_clear(&e);
    page_sink *sink = c->ops->open_page_sink(c, t, truncate, &e);
    cr_assert_not_null(sink, "%s", e.message);
    for (int i = 0; i < pages; i++) {
        page *p = make_page(first + (int64_t)i * rows, rows);
        cr_assert(sink->ops->append(sink, p, &e), "%s", e.message);
        page_unref(p);
    }
    uint64_t written = 0;
    cr_assert(sink->ops->finish(sink, &written, &e), "%s", e.message);
    table_metadata_free(t);
    return written;
}

typedef struct scan_result {
    uint64_t rows;
    int64_t id_sum;
    uint64_t long_name_bytes;
    uint64_t null_names;
    int splits;
} scan_result;

static scan_result scan(connector *c, const char *table, int desired_splits, const int *columns,
                        int column_count)
{
    scan_result result = {0};
    table_metadata *t = get_table(c, "default", table);
    cr_assert_not_null(t);
    shoal_error e;
    error_clear(&e);
    scan_request request = {.columns = columns, .column_count = column_count, .limit = -1};
    split_list splits = {0};
    cr_assert(c->ops->get_splits(c, t, &request, desired_splits, &splits, &e), "%s", e.message);
    result.splits = splits.count;
    for (int s = 0; s < splits.count; s++) {
        page_source *src = c->ops->open_page_source(c, t, &splits.items[s], &request, &e);
        cr_assert_not_null(src, "%s", e.message);
        for (;;) {
            page *p = NULL;
            source_wait wait = {0};
            source_status status = src->ops->next(src, &p, &wait, &e);
            if (status == SOURCE_FINISHED)
                break;
            cr_assert_eq(status, SOURCE_PAGE, "%s", e.message);
            cr_assert_eq(p->column_count, column_count);
            for (int col = 0; col < column_count; col++) {
                int table_column = columns[col];
                vector_view view = vector_view_of(&p->columns[col]);
                for (uint32_t r = 0; r < p->row_count; r++) {
                    uint32_t index = vector_view_index(&view, r);
                    bool valid = vector_view_valid(&view, index);
                    if (table_column == 0 && valid)
                        result.id_sum += ((const int64_t *)view.data)[index];
                    if (table_column == 1 && !valid)
                        result.null_names++;
                    if (table_column == 1 && valid) {
                        const string_view *sv = (const string_view *)view.data + index;
                        if (sv->length > STRING_INLINE_MAX)
                            result.long_name_bytes += sv->length;
                    }
                }
            }
            result.rows += p->row_count;
            page_unref(p);
        }
        src->ops->close(src);
    }
    split_list_free(&splits);
    table_metadata_free(t);
    return result;
}

static const int all_columns[] = {0, 1, 2};

/* ---- catalog properties ------------------------------------------------- */

Test(memory_connector, data_sizes)
{
    uint64_t b = 0;
    cr_assert(memory_parse_data_size("128MB", &b));
    cr_assert_eq(b, 128ull << 20);
    cr_assert(memory_parse_data_size("1.5GB", &b));
    cr_assert_eq(b, 3ull << 29);
    cr_assert(memory_parse_data_size(" 512 kB ", &b));
    cr_assert_eq(b, 512ull << 10);
    cr_assert(memory_parse_data_size("100B", &b));
    cr_assert_eq(b, 100);
    cr_assert_not(memory_parse_data_size("12", &b));
    cr_assert_not(memory_parse_data_size("12mb", &b), "units are case-sensitive as in airlift");
    cr_assert_not(memory_parse_data_size("-1MB", &b));
    cr_assert_not(memory_parse_data_size("1e3MB", &b));
    cr_assert_not(memory_parse_data_size("MB", &b));
    cr_assert_not(memory_parse_data_size("1MB x", &b));
}

Test(memory_connector, catalog_properties)
{
    cr_assert(memory_connector_register(NULL));
    catalog_registry *r = catalog_registry_new();
    shoal_error e;
    error_clear(&e);
    connector_property good[] = {{"connector.name", "memory"},
                                 {"memory.max-data-per-node", "64MB"},
                                 {"memory.splits-per-node", "4"},
                                 {"memory.enable-lazy-dynamic-filtering", "false"}};
    connector_properties props = {good, 4};
    cr_assert(catalog_add(r, "mem", NULL, &props, false, &e), "%s", e.message);

    connector_property unknown = {"memory.max-data-per-nod", "1MB"};
    connector_properties bad = {&unknown, 1};
    error_clear(&e);
    cr_assert_not(catalog_add(r, "bad", "memory", &bad, false, &e));
    cr_assert_eq(e.code, ERR_INVALID_CATALOG_PROPERTY);
    cr_assert(strstr(e.message, "'memory.max-data-per-nod'"), "%s", e.message);

    connector_property bad_size = {"memory.max-data-per-node", "lots"};
    connector_properties bad2 = {&bad_size, 1};
    error_clear(&e);
    cr_assert_not(catalog_add(r, "bad", "memory", &bad2, false, &e));
    cr_assert_eq(e.code, ERR_INVALID_CATALOG_PROPERTY);
    cr_assert(strstr(e.message, "memory.max-data-per-node"), "%s", e.message);
    cr_assert_not(catalog_exists(r, "bad"));
    catalog_registry_free(r);
}

/* ---- schemas and tables ------------------------------------------------- */

Test(memory_connector, schemas)
{
    connector *c = make_connector(NULL);
    shoal_error e;
    error_clear(&e);
    cr_assert(c->ops->schema_exists(c, "default"));
    cr_assert(c->ops->create_schema(c, "sales", false, &e));
    cr_assert_not(c->ops->create_schema(c, "sales", false, &e));
    cr_assert_eq(e.code, ERR_SCHEMA_ALREADY_EXISTS);
    cr_assert_str_eq(e.message, "Schema 'memory.sales' already exists");
    cr_assert(c->ops->create_schema(c, "sales", true, &e));

    string_list schemas = {0};
    cr_assert(c->ops->list_schemas(c, &schemas, &e));
    cr_assert_eq(schemas.count, 2);
    cr_assert_str_eq(schemas.items[0], "default");
    cr_assert_str_eq(schemas.items[1], "sales");
    string_list_free(&schemas);

    create_table(c, "sales", "orders");
    error_clear(&e);
    cr_assert_not(c->ops->drop_schema(c, "sales", false, false, &e));
    cr_assert_eq(e.code, ERR_SCHEMA_NOT_EMPTY);
    cr_assert(c->ops->drop_schema(c, "sales", false, true, &e), "CASCADE");
    cr_assert_not(c->ops->schema_exists(c, "sales"));
    cr_assert_null(get_table(c, "sales", "orders"));
    error_clear(&e);
    cr_assert_not(c->ops->drop_schema(c, "sales", false, false, &e));
    cr_assert_eq(e.code, ERR_SCHEMA_NOT_FOUND);
    cr_assert(c->ops->drop_schema(c, "sales", true, false, &e));
    c->ops->destroy(c);
}

Test(memory_connector, create_and_drop_table)
{
    connector *c = make_connector(NULL);
    shoal_error e;
    error_clear(&e);
    create_table(c, "default", "t");
    table_definition d = {.schema = "default", .name = "t", .column_count = 3,
                          .column_names = column_names, .column_types = column_types};
    cr_assert_not(c->ops->create_table(c, &d, &e));
    cr_assert_eq(e.code, ERR_TABLE_ALREADY_EXISTS);
    cr_assert_str_eq(e.message, "Table 'memory.default.t' already exists");
    d.if_not_exists = true;
    cr_assert(c->ops->create_table(c, &d, &e));

    d.schema = "nosuch";
    error_clear(&e);
    cr_assert_not(c->ops->create_table(c, &d, &e));
    cr_assert_eq(e.code, ERR_SCHEMA_NOT_FOUND);

    connector_property prop = {"format", "ORC"};
    table_definition with_prop = {.schema = "default", .name = "u", .column_count = 3,
                                  .column_names = column_names, .column_types = column_types,
                                  .properties = {&prop, 1}};
    error_clear(&e);
    cr_assert_not(c->ops->create_table(c, &with_prop, &e));
    cr_assert_eq(e.code, ERR_INVALID_TABLE_PROPERTY);
    cr_assert(strstr(e.message, "'format'"));

    const char *const dup_names[] = {"a", "a"};
    table_definition dup = {.schema = "default", .name = "u", .column_count = 2,
                            .column_names = dup_names, .column_types = column_types};
    error_clear(&e);
    cr_assert_not(c->ops->create_table(c, &dup, &e));
    cr_assert_eq(e.code, ERR_DUPLICATE_COLUMN_NAME);

    table_metadata *t = get_table(c, "default", "t");
    cr_assert_not_null(t);
    cr_assert_eq(t->column_count, 3);
    cr_assert_str_eq(t->columns[1].name, "name");
    cr_assert(type_equal(t->columns[1].type, type_varchar(VARCHAR_UNBOUNDED)));
    cr_assert_eq(t->row_count, 0);
    table_metadata_free(t);

    cr_assert_eq(insert(c, "t", 0, 3, 500, false), 1500);
    cr_assert_gt(memory_connector_used_bytes(c), 0);
    cr_assert(c->ops->drop_table(c, "default", "t", false, &e));
    cr_assert_eq(memory_connector_used_bytes(c), 0, "dropping gives the bytes back");
    cr_assert_null(get_table(c, "default", "t"));
    error_clear(&e);
    cr_assert_not(c->ops->drop_table(c, "default", "t", false, &e));
    cr_assert_eq(e.code, ERR_TABLE_NOT_FOUND);
    cr_assert_str_eq(e.message, "Table 'memory.default.t' does not exist");
    cr_assert(c->ops->drop_table(c, "default", "t", true, &e));
    c->ops->destroy(c);
}

/* ---- writes and scans --------------------------------------------------- */

Test(memory_connector, insert_and_scan_with_splits)
{
    connector *c = make_connector(NULL);
    create_table(c, "default", "t");
    cr_assert_eq(insert(c, "t", 0, 10, 1000, false), 10000);
    cr_assert_eq(insert(c, "t", 10000, 3, 2048, false), 3 * 2048);
    uint64_t n = 10000 + 3 * 2048;

    for (int splits = 1; splits <= 16; splits *= 2) {
        scan_result r = scan(c, "t", splits, all_columns, 3);
        cr_assert_eq(r.splits, splits > 13 ? 13 : splits, "at most one split per page");
        cr_assert_eq(r.rows, n);
        cr_assert_eq(r.id_sum, (int64_t)(n * (n - 1) / 2));
    }
    /* every tenth row starting at 3 has a NULL name */
    scan_result r = scan(c, "t", 2, (const int[]){1}, 1);
    uint64_t expected_nulls = 0, expected_long = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (i % 10 == 3)
            expected_nulls++;
        else if (i % 2) {
            char text[64];
            expected_long += (uint64_t)snprintf(text, sizeof text, "name-%llu-padded-to-be-long",
                                                (unsigned long long)i);
        }
    }
    cr_assert_eq(r.null_names, expected_nulls);
    cr_assert_eq(r.long_name_bytes, expected_long, "long strings survive compaction");
    c->ops->destroy(c);
}

Test(memory_connector, pages_are_shared_not_copied)
{
    connector *c = make_connector(NULL);
    create_table(c, "default", "t");
    insert(c, "t", 0, 1, 100, false);
    table_metadata *t = get_table(c, "default", "t");
    shoal_error e;
    error_clear(&e);
    split_list splits = {0};
    cr_assert(c->ops->get_splits(c, t, NULL, 1, &splits, &e));
    page *first = NULL, *second = NULL, *projected = NULL;
    source_wait wait;
    page_source *a = c->ops->open_page_source(c, t, &splits.items[0], NULL, &e);
    page_source *b = c->ops->open_page_source(c, t, &splits.items[0], NULL, &e);
    scan_request only_price = {.columns = (const int[]){2, 0}, .column_count = 2, .limit = -1};
    page_source *p = c->ops->open_page_source(c, t, &splits.items[0], &only_price, &e);
    cr_assert_eq(a->ops->next(a, &first, &wait, &e), SOURCE_PAGE);
    cr_assert_eq(b->ops->next(b, &second, &wait, &e), SOURCE_PAGE);
    cr_assert_eq(p->ops->next(p, &projected, &wait, &e), SOURCE_PAGE);
    cr_assert_eq(first, second, "all columns in order: the stored page itself");
    cr_assert_eq(projected->column_count, 2);
    cr_assert_eq(projected->columns[0].data, first->columns[2].data, "projection shares vectors");
    cr_assert_eq(projected->columns[1].data, first->columns[0].data);
    page *none = NULL;
    cr_assert_eq(a->ops->next(a, &none, &wait, &e), SOURCE_FINISHED);
    page_unref(first);
    page_unref(second);
    page_unref(projected);
    a->ops->close(a);
    b->ops->close(b);
    p->ops->close(p);
    split_list_free(&splits);
    table_metadata_free(t);
    c->ops->destroy(c);
}

Test(memory_connector, ctas_truncate_and_abort)
{
    connector *c = make_connector(NULL);
    create_table(c, "default", "t");
    /* CTAS: create then write with truncate_first */
    cr_assert_eq(insert(c, "t", 0, 2, 100, true), 200);
    cr_assert_eq(scan(c, "t", 4, all_columns, 3).rows, 200);
    /* INSERT OVERWRITE-like: truncate replaces */
    cr_assert_eq(insert(c, "t", 1000, 1, 10, true), 10);
    scan_result r = scan(c, "t", 4, all_columns, 3);
    cr_assert_eq(r.rows, 10);
    cr_assert_eq(r.id_sum, 10000 + 45);

    /* an aborted insert leaves nothing behind */
    uint64_t used = memory_connector_used_bytes(c);
    table_metadata *t = get_table(c, "default", "t");
    shoal_error e;
    error_clear(&e);
    page_sink *sink = c->ops->open_page_sink(c, t, false, &e);
    page *p = make_page(0, 500);
    cr_assert(sink->ops->append(sink, p, &e));
    cr_assert_gt(memory_connector_used_bytes(c), used, "append reserves");
    cr_assert_eq(scan(c, "t", 1, all_columns, 3).rows, 10, "not visible before finish");
    sink->ops->abort(sink);
    page_unref(p);
    cr_assert_eq(memory_connector_used_bytes(c), used);
    cr_assert_eq(scan(c, "t", 1, all_columns, 3).rows, 10);

    /* a page of the wrong shape is refused */
    sink = c->ops->open_page_sink(c, t, false, &e);
    sql_type one = type_make(TYPE_INTEGER);
    page *wrong = page_new(1, &one, 4);
    wrong->row_count = 4;
    error_clear(&e);
    cr_assert_not(sink->ops->append(sink, wrong, &e));
    sink->ops->abort(sink);
    page_unref(wrong);
    table_metadata_free(t);
    c->ops->destroy(c);
}

Test(memory_connector, old_split_after_rewrite_is_missing_data)
{
    connector *c = make_connector(NULL);
    create_table(c, "default", "t");
    insert(c, "t", 0, 4, 100, false);
    table_metadata *t = get_table(c, "default", "t");
    shoal_error e;
    error_clear(&e);
    split_list splits = {0};
    cr_assert(c->ops->get_splits(c, t, NULL, 2, &splits, &e));
    insert(c, "t", 0, 1, 100, false); /* appends keep old splits valid */
    page_source *s = c->ops->open_page_source(c, t, &splits.items[1], NULL, &e);
    cr_assert_not_null(s, "%s", e.message);
    s->ops->close(s);
    insert(c, "t", 0, 1, 100, true); /* a rewrite does not */
    error_clear(&e);
    cr_assert_null(c->ops->open_page_source(c, t, &splits.items[1], NULL, &e));
    cr_assert_eq(e.code, ERR_MISSING_DATA);
    split garbage = {.bytes = (unsigned char *)"xyz", .size = 3};
    cr_assert_null(c->ops->open_page_source(c, t, &garbage, NULL, &e));
    split_list_free(&splits);
    table_metadata_free(t);
    c->ops->destroy(c);
}

/* ---- statistics --------------------------------------------------------- */

Test(memory_connector, statistics)
{
    connector *c = make_connector(NULL);
    create_table(c, "default", "t");
    insert(c, "t", 0, 2, 1000, false);
    insert(c, "t", 2000, 2, 1000, false); /* stats merge across inserts */
    table_metadata *t = get_table(c, "default", "t");
    cr_assert_eq(t->row_count, 4000);
    column_statistics *id = &t->columns[0].stats;
    cr_assert_eq(id->null_fraction, 0);
    cr_assert(fabs(id->distinct_count - 4000) < 4000 * 0.05, "ndv %f", id->distinct_count);
    cr_assert(id->has_range);
    cr_assert_eq(id->min.u.i64, 0);
    cr_assert_eq(id->max.u.i64, 3999);
    cr_assert(isnan(id->data_size));

    column_statistics *name = &t->columns[1].stats;
    cr_assert(fabs(name->null_fraction - 0.1) < 1e-9, "%f", name->null_fraction);
    cr_assert(fabs(name->distinct_count - 3600) < 3600 * 0.05, "ndv %f", name->distinct_count);
    cr_assert_not(name->has_range);
    cr_assert_gt(name->data_size, 0);

    column_statistics *price = &t->columns[2].stats;
    cr_assert(fabs(price->null_fraction - 572.0 / 4000) < 1e-9, "%f", price->null_fraction);
    cr_assert_eq(price->min.u.f64, 0.5);
    cr_assert_eq(price->max.u.f64, 3999 / 2.0);
    table_metadata_free(t);

    /* small sets are exact enough for the optimiser */
    create_table(c, "default", "small");
    insert(c, "small", 0, 1, 5, false);
    t = get_table(c, "default", "small");
    cr_assert_eq(t->columns[0].stats.distinct_count, 5);
    table_metadata_free(t);
    c->ops->destroy(c);
}

/* ---- memory.max-data-per-node ------------------------------------------- */

Test(memory_connector, max_data_per_node)
{
    connector *c = make_connector("256kB");
    create_table(c, "default", "t");
    insert(c, "t", 0, 2, 1000, false);
    uint64_t used = memory_connector_used_bytes(c);
    cr_assert_gt(used, 0);

    table_metadata *t = get_table(c, "default", "t");
    shoal_error e;
    error_clear(&e);
    page_sink *sink = c->ops->open_page_sink(c, t, false, &e);
    bool failed = false;
    for (int i = 0; i < 100 && !failed; i++) {
        page *p = make_page(10000 + i * 1000, 1000);
        failed = !sink->ops->append(sink, p, &e);
        page_unref(p);
    }
    cr_assert(failed, "the limit stops the insert");
    cr_assert_eq(e.code, ERR_MEMORY_LIMIT_EXCEEDED);
    cr_assert_str_eq(e.message, "Memory limit [262144] for memory connector exceeded");
    cr_assert_str_eq(error_name(e.code), "MEMORY_LIMIT_EXCEEDED");
    sink->ops->abort(sink);
    table_metadata_free(t);

    cr_assert_eq(memory_connector_used_bytes(c), used, "reservation given back");
    scan_result r = scan(c, "t", 3, all_columns, 3);
    cr_assert_eq(r.rows, 2000, "table unchanged");
    cr_assert_eq(r.id_sum, 1999 * 1000);
    /* the catalog is still usable */
    cr_assert_eq(insert(c, "t", 2000, 1, 100, false), 100);
    cr_assert_eq(scan(c, "t", 3, all_columns, 3).rows, 2100);
    c->ops->destroy(c);
}

/* ---- a reader while a writer commits ------------------------------------ */

enum { WRITES = 60, ROWS_PER_WRITE = 300 };

typedef struct shared_state {
    connector *c;
    _Atomic bool done;
} shared_state;

static void *writer(void *arg)
{
    shared_state *s = arg;
    for (int w = 0; w < WRITES; w++)
        insert(s->c, "t", (int64_t)w * ROWS_PER_WRITE, 3, ROWS_PER_WRITE / 3, false);
    s->done = true;
    return NULL;
}

static void *reader(void *arg)
{
    shared_state *s = arg;
    int scans = 0;
    while (!s->done || scans < 5) {
        scan_result r = scan(s->c, "t", 3, all_columns, 3);
        /* a consistent snapshot holds whole inserts: ids 0..rows-1 */
        cr_assert_eq(r.rows % ROWS_PER_WRITE, 0, "rows %llu", (unsigned long long)r.rows);
        cr_assert_eq(r.id_sum, (int64_t)(r.rows * (r.rows ? r.rows - 1 : 0) / 2));
        scans++;
    }
    return NULL;
}

Test(memory_connector, concurrent_reader_during_writes)
{
    connector *c = make_connector("1GB");
    create_table(c, "default", "t");
    shared_state s = {.c = c};
    pthread_t w, r1, r2;
    pthread_create(&r1, NULL, reader, &s);
    pthread_create(&r2, NULL, reader, &s);
    pthread_create(&w, NULL, writer, &s);
    pthread_join(w, NULL);
    pthread_join(r1, NULL);
    pthread_join(r2, NULL);
    cr_assert_eq(scan(c, "t", 2, all_columns, 3).rows, WRITES * ROWS_PER_WRITE);
    c->ops->destroy(c);
}

/* ---- rewrites (DELETE / UPDATE) and views ---------------------------------- */

Test(memory_connector, rewrite_sink_replaces_rows_or_reports_a_conflict)
{
    connector *c = make_connector(NULL);
    create_table(c, "default", "r");
    insert(c, "r", 0, 2, 100, false);
    table_metadata *t = get_table(c, "default", "r");
    shoal_error e;
    error_clear(&e);
    /* the rewritten rows replace the table's */
    page_sink *sink = c->ops->open_rewrite_sink(c, t, &e);
    cr_assert_not_null(sink, "%s", e.message);
    page *p = make_page(1000, 10);
    cr_assert(sink->ops->append(sink, p, &e), "%s", e.message);
    page_unref(p);
    uint64_t written = 0;
    cr_assert(sink->ops->finish(sink, &written, &e), "%s", e.message);
    cr_assert_eq(written, 10);
    scan_result s = scan(c, "r", 1, all_columns, 3);
    cr_assert_eq(s.rows, 10);
    /* a write published after the rewrite was opened: the rewrite fails, nothing is lost */
    sink = c->ops->open_rewrite_sink(c, t, &e);
    cr_assert_not_null(sink, "%s", e.message);
    insert(c, "r", 5000, 1, 5, false);
    cr_assert_not(sink->ops->finish(sink, &written, &e));
    cr_assert_eq(e.code, ERR_TRANSACTION_CONFLICT, "%s", e.message);
    s = scan(c, "r", 1, all_columns, 3);
    cr_assert_eq(s.rows, 15);
    table_metadata_free(t);
    c->ops->destroy(c);
}

Test(memory_connector, views_share_the_table_name_space)
{
    connector *c = make_connector(NULL);
    create_table(c, "default", "t");
    char *names[1] = {"a"};
    sql_type types[1] = {type_make(TYPE_INTEGER)};
    view_definition v = {.schema = "default", .name = "v", .sql = "SELECT 1 AS a", .catalog_context = "memory",
                         .schema_context = "default", .column_count = 1, .column_names = names,
                         .column_types = types};
    shoal_error e;
    error_clear(&e);
    cr_assert(c->ops->create_view(c, &v, false, &e), "%s", e.message);
    cr_assert_not(c->ops->create_view(c, &v, false, &e));
    cr_assert_eq(e.code, ERR_ALREADY_EXISTS);
    error_clear(&e);
    v.sql = "SELECT 2 AS a";
    cr_assert(c->ops->create_view(c, &v, true, &e), "%s", e.message);
    view_definition *got = c->ops->get_view(c, "default", "v", &e);
    cr_assert_not_null(got);
    cr_assert_str_eq(got->sql, "SELECT 2 AS a");
    cr_assert_str_eq(got->column_names[0], "a");
    cr_assert_str_eq(got->schema_context, "default");
    view_definition_free(got);
    /* a view cannot take a table's name, nor a table a view's */
    v.name = "t";
    cr_assert_not(c->ops->create_view(c, &v, true, &e));
    cr_assert_eq(e.code, ERR_TABLE_ALREADY_EXISTS);
    error_clear(&e);
    table_definition d = {.schema = "default", .name = "v", .column_count = 1,
                          .column_names = (const char *const *)names, .column_types = types};
    cr_assert_not(c->ops->create_table(c, &d, &e));
    cr_assert_eq(e.code, ERR_TABLE_ALREADY_EXISTS);
    error_clear(&e);
    string_list views = {0};
    cr_assert(c->ops->list_views(c, "default", &views, &e));
    cr_assert_eq(views.count, 1);
    cr_assert_str_eq(views.items[0], "v");
    string_list_free(&views);
    /* a schema holding a view is not empty */
    cr_assert(c->ops->create_schema(c, "s", false, &e));
    v.schema = "s";
    v.name = "w";
    cr_assert(c->ops->create_view(c, &v, false, &e), "%s", e.message);
    cr_assert_not(c->ops->drop_schema(c, "s", false, false, &e));
    cr_assert_eq(e.code, ERR_SCHEMA_NOT_EMPTY);
    error_clear(&e);
    cr_assert(c->ops->drop_schema(c, "s", false, true, &e), "%s", e.message);
    cr_assert(c->ops->drop_view(c, "default", "v", &e), "%s", e.message);
    cr_assert_not(c->ops->drop_view(c, "default", "v", &e));
    cr_assert_eq(e.code, ERR_TABLE_NOT_FOUND);
    cr_assert_null(c->ops->get_view(c, "default", "v", &e));
    c->ops->destroy(c);
}
