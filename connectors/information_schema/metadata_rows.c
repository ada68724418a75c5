/*
 * metadata_rows.c — rows of metadata tables built into pages (projection,
 * limit, pushed-down ranges) and the page source that hands them out.
 */
#include "metadata_rows.h"

#include <stdlib.h>
#include <string.h>

#include "connectors/spi/page.h"
#include "connectors/spi/value.h"

enum { ROWS_PER_PAGE = 1024 };

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

bool metadata_rows_init(metadata_rows *b, int column_count, const metadata_column *columns,
                        const scan_request *request, shoal_error *error)
{
    memset(b, 0, sizeof *b);
    b->table_column_count = column_count;
    b->table_columns = columns;
    b->limit = request ? request->limit : -1;
    bool all = !request || !request->columns;
    b->output_count = all ? column_count : request->column_count;
    size_t n = (size_t)(b->output_count > 0 ? b->output_count : 1);
    b->outputs = calloc(n, sizeof *b->outputs);
    b->output_types = calloc(n, sizeof *b->output_types);
    b->child_used = calloc(n, sizeof *b->child_used);
    if (!b->outputs || !b->output_types || !b->child_used) {
        metadata_rows_destroy(b);
        return oom(error);
    }
    for (int i = 0; i < b->output_count; i++) {
        int column = all ? i : request->columns[i];
        if (column < 0 || column >= column_count) {
            metadata_rows_destroy(b);
            return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Column index %d out of range", column);
        }
        b->outputs[i] = column;
        b->output_types[i] = columns[column].type;
    }
    if (request) {
        b->ranges = request->ranges;
        b->range_count = request->range_count;
    }
    return true;
}

void metadata_rows_destroy(metadata_rows *b)
{
    if (b->current)
        page_unref(b->current);
    for (int i = 0; i < b->page_count; i++)
        page_unref(b->pages[i]);
    free(b->pages);
    free(b->outputs);
    free(b->output_types);
    free(b->child_used);
    memset(b, 0, sizeof *b);
}

bool metadata_rows_wants(const metadata_rows *b, int column)
{
    for (int i = 0; i < b->output_count; i++)
        if (b->outputs[i] == column)
            return true;
    return false;
}

bool metadata_rows_full(const metadata_rows *b)
{
    return b->failed || (b->limit >= 0 && b->row_count >= b->limit);
}

/* ---- pushed-down ranges ---------------------------------------------------- */

static bool is_string_bound(const value *v)
{
    return !v->is_null && type_physical(v->type) == PHYSICAL_STRING;
}

static int compare_text(const char *text, size_t length, const value *bound)
{
    uint32_t bound_length = bound->u.string.length;
    size_t n = length < bound_length ? length : bound_length;
    int c = memcmp(text, string_view_data(&bound->u.string), n);
    if (c != 0)
        return c;
    return length < bound_length ? -1 : length > bound_length;
}

bool metadata_rows_match(const metadata_rows *b, int column, const char *text)
{
    for (int i = 0; i < b->range_count; i++) {
        const column_range *r = &b->ranges[i];
        if (r->column != column)
            continue;
        if (!text)
            return false;
        size_t length = strlen(text);
        if (r->has_low && is_string_bound(&r->low)) {
            int c = compare_text(text, length, &r->low);
            if (c < 0 || (c == 0 && !r->low_inclusive))
                return false;
        }
        if (r->has_high && is_string_bound(&r->high)) {
            int c = compare_text(text, length, &r->high);
            if (c > 0 || (c == 0 && !r->high_inclusive))
                return false;
        }
    }
    return true;
}

bool metadata_rows_pinned(const metadata_rows *b, int column, char *out, size_t size)
{
    for (int i = 0; i < b->range_count; i++) {
        const column_range *r = &b->ranges[i];
        if (r->column != column || !r->has_low || !r->has_high || !r->low_inclusive ||
            !r->high_inclusive || !is_string_bound(&r->low) || !is_string_bound(&r->high))
            continue;
        uint32_t length = r->low.u.string.length;
        if (length != r->high.u.string.length || length >= size ||
            memcmp(string_view_data(&r->low.u.string), string_view_data(&r->high.u.string), length) != 0)
            continue;
        memcpy(out, string_view_data(&r->low.u.string), length);
        out[length] = '\0';
        if (memchr(out, '\0', length))
            continue;
        return true;
    }
    return false;
}

/* ---- rows -------------------------------------------------------------------- */

static bool fail(metadata_rows *b)
{
    b->failed = true;
    return false;
}

static bool flush(metadata_rows *b)
{
    if (!b->current)
        return true;
    if (b->page_count == b->page_capacity) {
        int capacity = b->page_capacity ? b->page_capacity * 2 : 4;
        page **grown = realloc(b->pages, sizeof *grown * (size_t)capacity);
        if (!grown)
            return fail(b);
        b->pages = grown;
        b->page_capacity = capacity;
    }
    b->pages[b->page_count++] = b->current;
    b->current = NULL;
    return true;
}

/* Array outputs keep room for this many elements in a row. */
enum { ARRAY_ROOM = 64 };

static bool page_has_room(const metadata_rows *b)
{
    if (b->current->row_count >= ROWS_PER_PAGE)
        return false;
    for (int i = 0; i < b->output_count; i++)
        if (b->output_types[i].kind == TYPE_ARRAY &&
            b->child_used[i] + ARRAY_ROOM > b->current->columns[i].children[0]->capacity)
            return false;
    return true;
}

bool metadata_rows_begin(metadata_rows *b)
{
    if (metadata_rows_full(b))
        return false;
    if (b->current && !page_has_room(b) && !flush(b))
        return false;
    if (!b->current) {
        b->current = page_new(b->output_count, b->output_types, ROWS_PER_PAGE);
        if (!b->current)
            return fail(b);
        memset(b->child_used, 0, sizeof *b->child_used * (size_t)(b->output_count > 0 ? b->output_count : 1));
    }
    uint32_t row = b->current->row_count;
    for (int i = 0; i < b->output_count; i++) {
        if (!vector_set_null(&b->current->columns[i], row))
            return fail(b);
        if (b->output_types[i].kind == TYPE_ARRAY)
            ((list_entry *)b->current->columns[i].data)[row] = (list_entry){b->child_used[i], 0};
    }
    b->current->row_count++;
    b->row_count++;
    return true;
}

static void set_value(metadata_rows *b, int column, const value *v)
{
    if (b->failed || !b->current || b->current->row_count == 0)
        return;
    uint32_t row = b->current->row_count - 1;
    for (int i = 0; i < b->output_count; i++)
        if (b->outputs[i] == column && !value_store(v, &b->current->columns[i], row))
            fail(b);
}

void metadata_rows_set_varchar(metadata_rows *b, int column, const char *text)
{
    if (!text)
        return;
    value v = value_varchar(text, (uint32_t)strlen(text));
    set_value(b, column, &v);
}

void metadata_rows_set_bigint(metadata_rows *b, int column, int64_t x)
{
    value v = value_bigint(x);
    set_value(b, column, &v);
}

void metadata_rows_set_boolean(metadata_rows *b, int column, bool x)
{
    value v = value_boolean(x);
    set_value(b, column, &v);
}

void metadata_rows_set_timestamp_ms(metadata_rows *b, int column, int64_t epoch_ms)
{
    value v = value_null(type_timestamp_tz(3));
    v.is_null = false;
    v.u.tstz.micros_utc = epoch_ms * 1000;
    v.u.tstz.zone_key = 0;
    set_value(b, column, &v);
}

void metadata_rows_set_varchar_array(metadata_rows *b, int column, const char *const *items, int count)
{
    if (!items || b->failed || !b->current || b->current->row_count == 0)
        return;
    uint32_t row = b->current->row_count - 1;
    for (int i = 0; i < b->output_count; i++) {
        if (b->outputs[i] != column || b->output_types[i].kind != TYPE_ARRAY)
            continue;
        vector *v = &b->current->columns[i];
        vector *child = v->children[0];
        if (count < 0 || count > ARRAY_ROOM || b->child_used[i] + (uint32_t)count > child->capacity) {
            fail(b);
            return;
        }
        list_entry entry = {b->child_used[i], (uint32_t)count};
        for (int k = 0; k < count; k++) {
            value item = value_varchar(items[k] ? items[k] : "", items[k] ? (uint32_t)strlen(items[k]) : 0);
            if (!value_store(&item, child, b->child_used[i] + (uint32_t)k)) {
                fail(b);
                return;
            }
        }
        b->child_used[i] += (uint32_t)count;
        vector_set_valid(v, row);
        ((list_entry *)v->data)[row] = entry;
    }
}

bool metadata_rows_finish(metadata_rows *b, shoal_error *error)
{
    if (b->failed)
        return oom(error);
    return true;
}

/* ---- the page source ---------------------------------------------------------- */

typedef struct rows_source {
    page_source base;
    page **pages;
    int page_count;
    int next;
    uint64_t bytes;
} rows_source;

static source_status rows_next(page_source *base, page **out, source_wait *wait, shoal_error *error)
{
    (void)wait;
    (void)error;
    rows_source *s = (rows_source *)base;
    if (s->next >= s->page_count)
        return SOURCE_FINISHED;
    *out = s->pages[s->next];
    s->pages[s->next++] = NULL;
    s->bytes += page_retained_bytes(*out);
    return SOURCE_PAGE;
}

static uint64_t rows_completed_bytes(page_source *base)
{
    return ((rows_source *)base)->bytes;
}

static void rows_close(page_source *base)
{
    rows_source *s = (rows_source *)base;
    for (int i = s->next; i < s->page_count; i++)
        page_unref(s->pages[i]);
    free(s->pages);
    free(s);
}

static const page_source_ops rows_source_ops = {
    .next = rows_next,
    .completed_bytes = rows_completed_bytes,
    .close = rows_close,
};

page_source *metadata_rows_source(metadata_rows *b, shoal_error *error)
{
    if (!metadata_rows_finish(b, error) || !flush(b)) {
        oom(error);
        return NULL;
    }
    rows_source *s = calloc(1, sizeof *s);
    if (!s) {
        oom(error);
        return NULL;
    }
    s->base.ops = &rows_source_ops;
    s->pages = b->pages;
    s->page_count = b->page_count;
    b->pages = NULL;
    b->page_count = b->page_capacity = 0;
    return &s->base;
}

bool metadata_single_split(const char *description, split_list *out, shoal_error *error)
{
    static const unsigned char marker[1] = {1};
    return split_list_add(out, marker, sizeof marker, description) || oom(error);
}
