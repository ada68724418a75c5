/*
 * page_serde_seeds.c — writes the seed corpus for the page decoder fuzzer
 * (fuzz_page_serde.c): encoded pages of scalar columns with NULLs and
 * constants, and of nested columns (arrays with NULL and empty entries, maps
 * of arrays, rows with NULL rows, arrays of rows), compressed and not, so
 * the fuzzer starts from valid nested structure.
 *   page_serde_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/page_serde.h"

static int written;

static void write_seed(const char *dir, const page *p, const page_serde_options *options)
{
    unsigned char *bytes = NULL;
    size_t size = 0;
    shoal_error error;
    if (!page_serialize(p, options, &bytes, &size, &error)) {
        fprintf(stderr, "serialize: %s\n", error.message);
        exit(1);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/seed_%03d.page", dir, written++);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    free(bytes);
}

/* A list vector of `rows` rows: row r has r % 4 elements (NULL when r % 5 == 1). */
static void fill_list(vector *v, uint32_t rows)
{
    for (uint32_t r = 0; r < rows; r++) {
        if (r % 5 == 1) {
            vector_set_null(v, r);
            continue;
        }
        uint32_t n = r % 4;
        vector_list_reserve(v, n);
        for (int c = 0; c < v->child_count; c++) {
            vector *child = v->children[c];
            for (uint32_t i = 0; i < n; i++) {
                uint32_t at = v->child_size + i;
                switch (type_physical(child->type)) {
                case PHYSICAL_INT64: ((int64_t *)child->data)[at] = (int64_t)(r * 10 + i); break;
                case PHYSICAL_STRING: {
                    char text[32];
                    int length = snprintf(text, sizeof text, "element %u.%u of a list", r, i);
                    vector_add_string(child, text, (uint32_t)length, (string_view *)child->data + at);
                    break;
                }
                case PHYSICAL_STRUCT:
                    ((int64_t *)child->children[0]->data)[at] = i;
                    if (i == 1)
                        vector_set_null(child, at);
                    break;
                default: vector_set_null(child, at); break;
                }
            }
        }
        ((list_entry *)v->data)[r] = (list_entry){v->child_size, n};
        v->child_size += n;
    }
}

static page *page_of(const char *const *type_names, int count, uint32_t rows)
{
    page *p = page_new_empty(count);
    for (int c = 0; c < count; c++) {
        sql_type t;
        if (!type_parse(type_names[c], &t) || !vector_init_flat(&p->columns[c], t, rows ? rows : 1))
            exit(1);
        if (type_physical(t) == PHYSICAL_LIST)
            fill_list(&p->columns[c], rows);
        else
            for (uint32_t r = 0; r < rows; r += 3)
                vector_set_null(&p->columns[c], r);
    }
    p->row_count = rows;
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    static const char *const scalars[] = {"bigint", "varchar", "double", "boolean", "decimal(38,2)"};
    static const char *const nested[] = {"array(bigint)", "map(varchar,bigint)", "array(varchar)",
                                         "array(row(a bigint))", "row(a bigint, b varchar)",
                                         "array(array(bigint))"};
    page_serde_options raw = {.never_compress = true};
    for (uint32_t rows = 0; rows <= 64; rows = rows ? rows * 4 : 1) {
        page *p = page_of(scalars, 5, rows);
        write_seed(argv[1], p, &raw);
        page_unref(p);
        p = page_of(nested, 6, rows);
        write_seed(argv[1], p, &raw);
        write_seed(argv[1], p, NULL);
        page_unref(p);
    }
    printf("%d seeds\n", written);
    return 0;
}
