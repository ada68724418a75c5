/*
 * engine_test_support.c — test helpers around the engine.
 */
#include "engine_test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/spi/text_builder.h"
#include "connectors/spi/value_format.h"

engine *test_engine_create(const char *const *catalog_files)
{
    char dir[] = "/tmp/shoal-test-etc-XXXXXX";
    if (!mkdtemp(dir))
        return NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/catalog", dir);
    mkdir(path, 0700);
    for (int i = 0; catalog_files && catalog_files[i]; i += 2) {
        snprintf(path, sizeof path, "%s/catalog/%s.properties", dir, catalog_files[i]);
        FILE *f = fopen(path, "w");
        fputs(catalog_files[i + 1], f);
        fclose(f);
    }
    shoal_error error;
    error_clear(&error);
    engine_config config = {.threads = 2, .etc_dir = dir};
    engine *e = engine_create(&config, &error);
    if (!e)
        fprintf(stderr, "engine_create: %s\n", error.message);
    for (int i = 0; catalog_files && catalog_files[i]; i += 2) {
        snprintf(path, sizeof path, "%s/catalog/%s.properties", dir, catalog_files[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/catalog", dir);
    rmdir(path);
    rmdir(dir);
    return e;
}

void test_engine_destroy(engine *e)
{
    engine_destroy(e);
}

static void add_row(test_result *r, char **cells)
{
    r->rows = realloc(r->rows, sizeof *r->rows * (size_t)(r->row_count + 1));
    r->rows[r->row_count++] = cells;
}

test_result test_run(engine *e, session *s, const char *sql)
{
    test_result r;
    memset(&r, 0, sizeof r);
    error_clear(&r.error);
    query *q = query_submit(e, s, sql);
    text_builder t;
    text_builder_init(&t);
    for (;;) {
        page *p = NULL;
        query_fetch_status status = query_fetch(q, &p, 1000, &r.error);
        if (status == QUERY_FETCH_WAITING)
            continue;
        if (status == QUERY_FETCH_FAILED)
            break;
        if (status == QUERY_FETCH_DONE) {
            r.ok = true;
            break;
        }
        for (uint32_t row = 0; row < p->row_count; row++) {
            char **cells = calloc((size_t)p->column_count + 1, sizeof *cells);
            for (int c = 0; c < p->column_count; c++) {
                if (vector_is_null(&p->columns[c], row))
                    continue;
                text_builder_clear(&t);
                value_format_text(&p->columns[c], row, &t);
                cells[c] = strdup(text_builder_cstr(&t));
            }
            add_row(&r, cells);
        }
        page_unref(p);
    }
    text_builder_free(&t);
    r.column_count = query_column_count(q);
    r.column_names = calloc((size_t)r.column_count + 1, sizeof *r.column_names);
    for (int c = 0; c < r.column_count; c++)
        r.column_names[c] = strdup(query_columns(q)[c].name);
    if (query_update_type(q))
        r.update_type = strdup(query_update_type(q));
    r.update_count = query_has_update_count(q) ? query_update_count(q) : -1;
    query_free(q);
    return r;
}

void test_result_free(test_result *r)
{
    for (int i = 0; i < r->row_count; i++) {
        for (int c = 0; c < r->column_count; c++)
            free(r->rows[i][c]);
        free(r->rows[i]);
    }
    free(r->rows);
    for (int c = 0; c < r->column_count; c++)
        free(r->column_names[c]);
    free(r->column_names);
    free(r->update_type);
    memset(r, 0, sizeof *r);
}

static bool parse_number(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    char *end;
    *out = strtod(s, &end);
    return *end == '\0';
}

static bool cells_match(const char *actual, const char *expected, double tolerance)
{
    if (!actual)
        return expected[0] == '\0';
    if (strcmp(actual, expected) == 0)
        return true;
    double a, b;
    if (parse_number(actual, &a) && parse_number(expected, &b))
        return fabs(a - b) <= tolerance + 1e-9 * fabs(b);
    return false;
}

bool test_result_matches_file(const test_result *r, const char *path, double tolerance,
                              char *why, size_t why_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, why_size, "cannot open %s", path);
        return false;
    }
    char *line = NULL;
    size_t capacity = 0;
    ssize_t n;
    int row = -1;
    bool ok = true;
    while (ok && (n = getline(&line, &capacity, f)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (row == -1) {
            row = 0;
            continue; /* the header */
        }
        if (row >= r->row_count) {
            snprintf(why, why_size, "row %d: expected '%s', got no row (%d rows)", row + 1, line, r->row_count);
            ok = false;
            break;
        }
        char *cursor = line;
        for (int c = 0; c < r->column_count; c++) {
            char *bar = strchr(cursor, '|');
            if (bar)
                *bar = '\0';
            if (!cells_match(r->rows[row][c], cursor, tolerance)) {
                snprintf(why, why_size, "row %d column %d: expected '%s', got '%s'", row + 1, c + 1, cursor,
                         r->rows[row][c] ? r->rows[row][c] : "NULL");
                ok = false;
                break;
            }
            cursor = bar ? bar + 1 : cursor + strlen(cursor);
        }
        row++;
    }
    if (ok && row < r->row_count) {
        snprintf(why, why_size, "expected %d rows, got %d", row, r->row_count);
        ok = false;
    }
    free(line);
    fclose(f);
    return ok;
}
