/*
 * output_format.c — the CLI's output formats.
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
    const plan_column *columns;
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

result_printer *result_printer_new(FILE *out, output_format format, int column_count,
                                   const plan_column *columns)
{
    result_printer *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->out = out;
    p->format = format;
    p->column_count = column_count;
    p->columns = columns;
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

static void print_json_row(result_printer *p, const page *pg, uint32_t row, text_builder *t)
{
    text_builder_clear(t);
    text_builder_putc(t, '{');
    for (int c = 0; c < p->column_count; c++) {
        if (c)
            text_builder_putc(t, ',');
        value_format_json_string(p->columns[c].name, strlen(p->columns[c].name), t);
        text_builder_putc(t, ':');
        value_format_json(&pg->columns[c], row, t);
    }
    text_builder_putc(t, '}');
    fprintf(p->out, "%s\n", text_builder_cstr(t));
}

bool result_printer_add_page(result_printer *p, const page *pg)
{
    text_builder t;
    text_builder_init(&t);
    print_header(p);
    for (uint32_t r = 0; r < pg->row_count; r++) {
        p->rows++;
        if (p->format == OUTPUT_JSON) {
            print_json_row(p, pg, r, &t);
            continue;
        }
        for (int c = 0; c < p->column_count; c++) {
            bool null = vector_is_null(&pg->columns[c], r);
            text_builder_clear(&t);
            if (!null)
                value_format_text(&pg->columns[c], r, &t);
            const char *text = null ? (p->format == OUTPUT_CSV || p->format == OUTPUT_CSV_HEADER ? "" : "NULL")
                                    : text_builder_cstr(&t);
            if (buffered(p)) {
                if (!keep_cell(p, null ? NULL : strdup(text))) {
                    text_builder_free(&t);
                    return false;
                }
                continue;
            }
            bool csv = p->format == OUTPUT_CSV || p->format == OUTPUT_CSV_HEADER;
            if (c)
                fputc(csv ? ',' : '\t', p->out);
            if (csv)
                print_csv_field(p->out, text);
            else
                print_tsv_field(p->out, text);
        }
        if (!buffered(p))
            fputc('\n', p->out);
    }
    text_builder_free(&t);
    return true;
}

static size_t display_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool right_aligned(sql_type t)
{
    return type_is_numeric(t);
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
        print_padded(p->out, p->cells[i] ? p->cells[i] : "NULL", widths[c], right_aligned(p->columns[c].type));
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
        fputs(right_aligned(p->columns[c].type) ? "| --: " : "| :-- ", p->out);
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
    free(p);
}
