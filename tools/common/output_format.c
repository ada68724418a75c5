/*
 * output_format.c — the CLI's output formats. The printer works on rows of
 * cells already turned into text (result_printer_add_row); the page entry
 * point formats each vector value with value_format and feeds the same path,
 * so `shoal-server --execute` and the REST CLI `shoal` print identically.
 */
#include "output_format.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/spi/text_builder.h"
#include "connectors/spi/value_format.h"

struct result_printer {
    FILE *out;
    output_format format;
    int column_count;
    output_column *columns;     /* owned copies of the names */
    uint64_t rows;
    bool header_printed;
    /* ALIGNED / VERTICAL / MARKDOWN buffer every cell (NULL cell = SQL NULL) */
    char **cells;
    size_t cell_count;
    size_t cell_capacity;
};

bool output_format_parse(const char *name, output_format *out)
{
    static const struct { const char *name; output_format format; } formats[] = {
        {"ALIGNED", OUTPUT_ALIGNED}, {"VERTICAL", OUTPUT_VERTICAL}, {"CSV", OUTPUT_CSV},
        {"CSV_HEADER", OUTPUT_CSV_HEADER}, {"TSV", OUTPUT_TSV}, {"TSV_HEADER", OUTPUT_TSV_HEADER},
        {"JSON", OUTPUT_JSON}, {"MARKDOWN", OUTPUT_MARKDOWN},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcasecmp(name, formats[i].name) == 0) {
            *out = formats[i].format;
            return true;
        }
    }
    return false;
}

result_printer *result_printer_new_rows(FILE *out, output_format format, int column_count,
                                        const output_column *columns)
{
    result_printer *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->out = out;
    p->format = format;
    p->column_count = column_count;
    p->columns = calloc((size_t)column_count + 1, sizeof *p->columns);
    if (!p->columns) {
        free(p);
        return NULL;
    }
    for (int c = 0; c < column_count; c++) {
        p->columns[c].numeric = columns[c].numeric;
        p->columns[c].name = strdup(columns[c].name ? columns[c].name : "");
        if (!p->columns[c].name) {
            result_printer_free(p);
            return NULL;
        }
    }
    return p;
}

result_printer *result_printer_new(FILE *out, output_format format, int column_count,
                                   const plan_column *columns)
{
    output_column *described = calloc((size_t)column_count + 1, sizeof *described);
    if (!described)
        return NULL;
    for (int c = 0; c < column_count; c++) {
        described[c].name = columns[c].name;
        described[c].numeric = type_is_numeric(columns[c].type);
    }
    result_printer *p = result_printer_new_rows(out, format, column_count, described);
    free(described);
    return p;
}

static bool buffered(const result_printer *p)
{
    return p->format == OUTPUT_ALIGNED || p->format == OUTPUT_VERTICAL || p->format == OUTPUT_MARKDOWN;
}

static void print_csv_field(FILE *out, const char *text)
{
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

static void print_tsv_field(FILE *out, const char *text)
{
    for (const char *c = text; *c; c++) {
        switch (*c) {
        case '\t': fputs("\\t", out); break;
        case '\n': fputs("\\n", out); break;
        case '\\': fputs("\\\\", out); break;
        default: fputc(*c, out); break;
        }
    }
}

static void print_header(result_printer *p)
{
    if (p->header_printed)
        return;
    p->header_printed = true;
    if (p->format != OUTPUT_CSV_HEADER && p->format != OUTPUT_TSV_HEADER)
        return;
    for (int c = 0; c < p->column_count; c++) {
        if (c)
            fputc(p->format == OUTPUT_CSV_HEADER ? ',' : '\t', p->out);
        if (p->format == OUTPUT_CSV_HEADER)
            print_csv_field(p->out, p->columns[c].name);
        else
            print_tsv_field(p->out, p->columns[c].name);
    }
    fputc('\n', p->out);
}

static bool keep_cell(result_printer *p, char *cell)
{
    if (p->cell_count == p->cell_capacity) {
        size_t capacity = p->cell_capacity ? p->cell_capacity * 2 : 256;
        char **grown = realloc(p->cells, sizeof *grown * capacity);
        if (!grown)
            return false;
        p->cells = grown;
        p->cell_capacity = capacity;
    }
    p->cells[p->cell_count++] = cell;
    return true;
}

static bool is_csv(const result_printer *p)
{
    return p->format == OUTPUT_CSV || p->format == OUTPUT_CSV_HEADER;
}

static void print_json_row(result_printer *p, const char *const *json, text_builder *t)
{
    text_builder_clear(t);
    text_builder_putc(t, '{');
    for (int c = 0; c < p->column_count; c++) {
        if (c)
            text_builder_putc(t, ',');
        value_format_json_string(p->columns[c].name, strlen(p->columns[c].name), t);
        text_builder_putc(t, ':');
        text_builder_append(t, json && json[c] ? json[c] : "null", json && json[c] ? strlen(json[c]) : 4);
    }
    text_builder_putc(t, '}');
    fprintf(p->out, "%s\n", text_builder_cstr(t));
}

bool result_printer_add_row(result_printer *p, const char *const *text, const char *const *json)
{
    print_header(p);
    p->rows++;
    if (p->format == OUTPUT_JSON) {
        text_builder t;
        text_builder_init(&t);
        print_json_row(p, json, &t);
        bool ok = text_builder_ok(&t);
        text_builder_free(&t);
        return ok;
    }
    for (int c = 0; c < p->column_count; c++) {
        bool null = text[c] == NULL;
        if (buffered(p)) {
            char *copy = NULL;
            if (!null && !(copy = strdup(text[c])))
                return false;
            if (!keep_cell(p, copy)) {
                free(copy);
                return false;
            }
            continue;
        }
        const char *cell = null ? (is_csv(p) ? "" : "NULL") : text[c];
        if (c)
            fputc(is_csv(p) ? ',' : '\t', p->out);
        if (is_csv(p))
            print_csv_field(p->out, cell);
        else
            print_tsv_field(p->out, cell);
    }
    if (!buffered(p))
        fputc('\n', p->out);
    return true;
}

bool result_printer_add_page(result_printer *p, const page *pg)
{
    int n = p->column_count;
    bool json = p->format == OUTPUT_JSON;
    text_builder *cells = calloc((size_t)n + 1, sizeof *cells);
    const char **texts = calloc((size_t)n + 1, sizeof *texts);
    bool ok = cells && texts;
    for (int c = 0; ok && c < n; c++)
        text_builder_init(&cells[c]);
    for (uint32_t r = 0; ok && r < pg->row_count; r++) {
        for (int c = 0; c < n; c++) {
            text_builder_clear(&cells[c]);
            bool null = vector_is_null(&pg->columns[c], r);
            if (json)
                value_format_json(&pg->columns[c], r, &cells[c]);
            else if (!null)
                value_format_text(&pg->columns[c], r, &cells[c]);
            ok = ok && text_builder_ok(&cells[c]);
            texts[c] = null && !json ? NULL : text_builder_cstr(&cells[c]);
        }
        ok = ok && result_printer_add_row(p, json ? NULL : texts, json ? texts : NULL);
    }
    for (int c = 0; cells && c < n; c++)
        text_builder_free(&cells[c]);
    free(cells);
    free(texts);
    return ok;
}

static size_t display_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void print_padded(FILE *out, const char *text, size_t width, bool right)
{
    size_t w = display_width(text);
    if (right)
        for (size_t i = w; i < width; i++)
            fputc(' ', out);
    fputs(text, out);
    if (!right)
        for (size_t i = w; i < width; i++)
            fputc(' ', out);
}

static void print_aligned(result_printer *p)
{
    int n = p->column_count;
    size_t *widths = calloc((size_t)n + 1, sizeof *widths);
    for (int c = 0; c < n; c++)
        widths[c] = display_width(p->columns[c].name);
    for (size_t i = 0; i < p->cell_count; i++) {
        const char *cell = p->cells[i] ? p->cells[i] : "NULL";
        size_t w = display_width(cell);
        if (w > widths[i % (size_t)n])
            widths[i % (size_t)n] = w;
    }
    for (int c = 0; c < n; c++) {
        fputs(c ? " | " : " ", p->out);
        size_t w = display_width(p->columns[c].name), pad = widths[c] - w;
        /* headers are centred */
        for (size_t i = 0; i < pad / 2; i++)
            fputc(' ', p->out);
        fputs(p->columns[c].name, p->out);
        for (size_t i = 0; i < pad - pad / 2; i++)
            fputc(' ', p->out);
    }
    fputs(" \n", p->out);
    for (int c = 0; c < n; c++) {
        if (c)
            fputc('+', p->out);
        for (size_t i = 0; i < widths[c] + 2; i++)
            fputc('-', p->out);
    }
    fputc('\n', p->out);
    for (size_t i = 0; i < p->cell_count; i++) {
        int c = (int)(i % (size_t)n);
        fputs(c ? " | " : " ", p->out);
        print_padded(p->out, p->cells[i] ? p->cells[i] : "NULL", widths[c], p->columns[c].numeric);
        if (c == n - 1)
            fputs(" \n", p->out);
    }
    fprintf(p->out, "(%llu row%s)\n", (unsigned long long)p->rows, p->rows == 1 ? "" : "s");
    free(widths);
}

static void print_vertical(result_printer *p)
{
    int n = p->column_count;
    size_t name_width = 0;
    for (int c = 0; c < n; c++)
        if (display_width(p->columns[c].name) > name_width)
            name_width = display_width(p->columns[c].name);
    for (size_t i = 0; i < p->cell_count; i++) {
        int c = (int)(i % (size_t)n);
        if (c == 0)
            fprintf(p->out, "-[ RECORD %zu ]%s\n", i / (size_t)n + 1, "-----");
        print_padded(p->out, p->columns[c].name, name_width, false);
        fprintf(p->out, " | %s\n", p->cells[i] ? p->cells[i] : "NULL");
    }
}

static void print_markdown(result_printer *p)
{
    int n = p->column_count;
    for (int c = 0; c < n; c++)
        fprintf(p->out, "| %s ", p->columns[c].name);
    fputs("|\n", p->out);
    for (int c = 0; c < n; c++)
        fputs(p->columns[c].numeric ? "| --: " : "| :-- ", p->out);
    fputs("|\n", p->out);
    for (size_t i = 0; i < p->cell_count; i++) {
        fprintf(p->out, "| %s ", p->cells[i] ? p->cells[i] : "NULL");
        if ((int)(i % (size_t)n) == n - 1)
            fputs("|\n", p->out);
    }
}

void result_printer_finish(result_printer *p)
{
    print_header(p);
    if (p->format == OUTPUT_ALIGNED)
        print_aligned(p);
    else if (p->format == OUTPUT_VERTICAL)
        print_vertical(p);
    else if (p->format == OUTPUT_MARKDOWN)
        print_markdown(p);
    fflush(p->out);
}

void result_printer_free(result_printer *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->cell_count; i++)
        free(p->cells[i]);
    free(p->cells);
    for (int c = 0; p->columns && c < p->column_count; c++)
        free((char *)p->columns[c].name);
    free(p->columns);
    free(p);
}
