/*
 * output_format.h — printing result rows the way Trino's CLI does:
 * ALIGNED (a table with a row count), VERTICAL, CSV and CSV_HEADER (quoted),
 * TSV and TSV_HEADER, JSON (one object per line), MARKDOWN.
 */
#ifndef SHOAL_TOOLS_OUTPUT_FORMAT_H
#define SHOAL_TOOLS_OUTPUT_FORMAT_H

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

result_printer *result_printer_new(FILE *out, output_format format, int column_count,
                                   const plan_column *columns);
bool result_printer_add_page(result_printer *p, const page *pg);
/* Prints what is buffered (ALIGNED buffers every row to size columns). */
void result_printer_finish(result_printer *p);
void result_printer_free(result_printer *p);

#endif
