/*
 * test_metadata_rows.c — the metadata row builder on its own: projection,
 * NULL defaults, LIMIT, pushed-down ranges (match and pinned values),
 * arrays and timestamps, and page hand-out through its page source.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "connectors/information_schema/metadata_rows.h"
#include "connectors/spi/page.h"
#include "connectors/spi/value.h"

#define VARCHAR ((sql_type){.kind = TYPE_VARCHAR, .length = VARCHAR_UNBOUNDED})
#define BIGINT ((sql_type){.kind = TYPE_BIGINT, .length = VARCHAR_UNBOUNDED})

static const metadata_column columns[3] = {{"a", VARCHAR}, {"b", BIGINT}, {"c", VARCHAR}};

static page *only_page(metadata_rows *b)
{
    shoal_error error;
    error_clear(&error);
    page_source *s = metadata_rows_source(b, &error);
    cr_assert_not_null(s, "%s", error.message);
    page *p = NULL;
    source_wait wait;
    cr_assert_eq(s->ops->next(s, &p, &wait, &error), SOURCE_PAGE);
    page *extra = NULL;
    cr_assert_eq(s->ops->next(s, &extra, &wait, &error), SOURCE_FINISHED);
    s->ops->close(s);
    return p;
}

static const char *text_at(const page *p, int column, uint32_t row, char *buf, size_t size)
{
    value v = value_load(&p->columns[column], row);
    if (v.is_null)
        return NULL;
    snprintf(buf, size, "%.*s", (int)v.u.string.length, string_view_data(&v.u.string));
    return buf;
}

Test(metadata_rows, projection_and_nulls)
{
    const int wanted[2] = {2, 1};
    scan_request request = {.columns = wanted, .column_count = 2, .limit = -1};
    metadata_rows b;
    shoal_error error;
    cr_assert(metadata_rows_init(&b, 3, columns, &request, &error));
    cr_assert(metadata_rows_wants(&b, 2));
    cr_assert_not(metadata_rows_wants(&b, 0));
    cr_assert(metadata_rows_begin(&b));
    metadata_rows_set_varchar(&b, 0, "not asked for");
    metadata_rows_set_varchar(&b, 2, "a rather long string value");
    metadata_rows_set_bigint(&b, 1, 42);
    cr_assert(metadata_rows_begin(&b)); /* every column NULL */
    page *p = only_page(&b);
    metadata_rows_destroy(&b);
    cr_assert_eq(p->row_count, 2);
    cr_assert_eq(p->column_count, 2);
    char buf[64];
    cr_assert_str_eq(text_at(p, 0, 0, buf, sizeof buf), "a rather long string value");
    cr_assert_eq(value_load(&p->columns[1], 0).u.i64, 42);
    cr_assert_null(text_at(p, 0, 1, buf, sizeof buf));
    cr_assert(value_load(&p->columns[1], 1).is_null);
    page_unref(p);
}

Test(metadata_rows, limit_stops_the_walk)
{
    scan_request request = {.limit = 3};
    metadata_rows b;
    shoal_error error;
    cr_assert(metadata_rows_init(&b, 3, columns, &request, &error));
    int made = 0;
    while (metadata_rows_begin(&b))
        made++;
    cr_assert_eq(made, 3);
    cr_assert(metadata_rows_full(&b));
    page *p = only_page(&b);
    cr_assert_eq(p->row_count, 3);
    page_unref(p);
    metadata_rows_destroy(&b);
}

Test(metadata_rows, many_rows_make_many_pages)
{
    metadata_rows b;
    shoal_error error;
    cr_assert(metadata_rows_init(&b, 3, columns, NULL, &error));
    for (int i = 0; i < 5000; i++) {
        cr_assert(metadata_rows_begin(&b));
        metadata_rows_set_bigint(&b, 1, i);
    }
    page_source *s = metadata_rows_source(&b, &error);
    metadata_rows_destroy(&b);
    uint64_t rows = 0;
    int64_t expect = 0;
    page *p;
    source_wait wait;
    while (s->ops->next(s, &p, &wait, &error) == SOURCE_PAGE) {
        for (uint32_t r = 0; r < p->row_count; r++)
            cr_assert_eq(value_load(&p->columns[1], r).u.i64, expect++);
        rows += p->row_count;
        page_unref(p);
    }
    cr_assert_eq(rows, 5000);
    s->ops->close(s);
}

Test(metadata_rows, ranges_match_and_pin)
{
    column_range ranges[2] = {
        {.column = 0, .has_low = true, .low_inclusive = true, .has_high = true, .high_inclusive = true,
         .low = value_varchar("tiny", 4), .high = value_varchar("tiny", 4)},
        {.column = 2, .has_low = true, .low_inclusive = false, .low = value_varchar("n", 1),
         .has_high = true, .high_inclusive = true, .high = value_varchar("p", 1)},
    };
    scan_request request = {.ranges = ranges, .range_count = 2, .limit = -1};
    metadata_rows b;
    shoal_error error;
    cr_assert(metadata_rows_init(&b, 3, columns, &request, &error));
    char pinned[16];
    cr_assert(metadata_rows_pinned(&b, 0, pinned, sizeof pinned));
    cr_assert_str_eq(pinned, "tiny");
    cr_assert_not(metadata_rows_pinned(&b, 2, pinned, sizeof pinned));
    cr_assert_not(metadata_rows_pinned(&b, 1, pinned, sizeof pinned));
    cr_assert_not(metadata_rows_pinned(&b, 0, pinned, 4), "no room for the value");
    cr_assert(metadata_rows_match(&b, 0, "tiny"));
    cr_assert_not(metadata_rows_match(&b, 0, "sf1"));
    cr_assert_not(metadata_rows_match(&b, 0, "tinyx"));
    cr_assert_not(metadata_rows_match(&b, 0, NULL));
    cr_assert(metadata_rows_match(&b, 2, "nation"));
    cr_assert(metadata_rows_match(&b, 2, "p"));
    cr_assert_not(metadata_rows_match(&b, 2, "n"));
    cr_assert_not(metadata_rows_match(&b, 2, "part"));
    cr_assert(metadata_rows_match(&b, 1, NULL), "no range on the column");
    metadata_rows_destroy(&b);
}

Test(metadata_rows, arrays_and_timestamps)
{
    metadata_column cols[2] = {{"groups", type_array(VARCHAR)}, {"at", type_timestamp_tz(3)}};
    metadata_rows b;
    shoal_error error;
    cr_assert(metadata_rows_init(&b, 2, cols, NULL, &error));
    const char *groups[2] = {"global", "a long resource group name"};
    cr_assert(metadata_rows_begin(&b));
    metadata_rows_set_varchar_array(&b, 0, groups, 2);
    metadata_rows_set_timestamp_ms(&b, 1, 1700000000123);
    cr_assert(metadata_rows_begin(&b));
    metadata_rows_set_varchar_array(&b, 0, groups, 1);
    page *p = only_page(&b);
    metadata_rows_destroy(&b);
    cr_assert_eq(p->row_count, 2);
    const list_entry *entries = p->columns[0].data;
    cr_assert_eq(entries[0].length, 2);
    cr_assert_eq(entries[1].length, 1);
    value second = value_load(p->columns[0].children[0], entries[0].offset + 1);
    cr_assert_eq(second.u.string.length, strlen(groups[1]));
    cr_assert_eq(value_load(&p->columns[1], 0).u.tstz.micros_utc, 1700000000123000LL);
    cr_assert(value_load(&p->columns[1], 1).is_null);
    page_unref(p);
}
