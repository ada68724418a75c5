/*
 * output_format.h — printing result rows the way Trino's CLI does:
 * ALIGNED (a table with a row count), VERTICAL, CSV and CSV_HEADER (quoted),
 * TSV and TSV_HEADER, JSON (one object per line), MARKDOWN.
 *
 * Shared by shoal-server's embedded mode (pages from the engine) and the
 * REST CLI `shoal` (rows decoded from QueryResults JSON): both reach the same
 * row printer, so their output is identical for the same result.
 */
#ifndef SHOAL_TOOLS_COMMON_OUTPUT_FORMAT_H
#define SHOAL_TOOLS_COMMON_OUTPUT_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "connectors/spi/page.h"
#include "sql/plan.h"

typedef enum output_format {
    OUTPUT_ALIGNED,
    OUTPUT_VERTICAL,
    OUTPUT_CSV,
    OUTPUT_CSV_HEADER,
    OUTPUT_TSV,
    OUTPUT_TSV_HEADER,
    OUTPUT_JSON,
    OUTPUT_MARKDOWN
} output_format;

bool output_format_parse(const char *name, output_format *out);

typedef struct result_printer result_printer;

/* A column as the printer sees it: numeric columns are right-aligned. */
typedef struct output_column {
    const char *name;
    bool numeric;
} output_column;

/* Columns of a plan (names and types); pages are formatted with value_format. */
result_printer *result_printer_new(FILE *out, output_format format, int column_count,
                                   const plan_column *columns);
bool result_printer_add_page(result_printer *p, const page *pg);

/* Row entry point (names are copied). text[c] is the CLI text form of
 * column c (value_format_text's form), NULL for SQL NULL; json[c] is its
 * JSON token, read only by OUTPUT_JSON (NULL array or entry: null). */
result_printer *result_printer_new_rows(FILE *out, output_format format, int column_count,
                                        const output_column *columns);
bool result_printer_add_row(result_printer *p, const char *const *text, const char *const *json);
/* Prints what is buffered (ALIGNED buffers every row to size columns). */
void result_printer_finish(result_printer *p);
void result_printer_free(result_printer *p);

#endif
