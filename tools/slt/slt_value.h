/*
 * slt_value.h — how sqllogictest turns result values into text and judges
 * them (../shared/testdata/slt/FORMAT.md, and the reference runner's SQLite
 * driver): NULL is "NULL" whatever the column's letter; `I` is a whole
 * number (reals truncated toward zero, text read as SQLite reads a leading
 * integer); `R` is printf("%.3f"); `T` is the text with "(empty)" for an
 * empty string and '@' for each byte outside ' '..'~'. Then the rendered
 * strings are sorted (rowsort: rows compared column by column with strcmp;
 * valuesort: every value on its own) and compared with the expected lines,
 * or hashed: MD5 over every value followed by "\n".
 *
 * Cells are independent of the engine's vectors so these rules can be
 * tested alone; the runner converts engine values into cells.
 */
#ifndef SHOAL_SLT_VALUE_H
#define SHOAL_SLT_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/slt/slt_record.h"

typedef enum slt_cell_kind {
    SLT_CELL_NULL,
    SLT_CELL_INT,               /* i */
    SLT_CELL_BOOL,              /* i: 0 or 1 (SQLite has no booleans: comparisons give 0/1) */
    SLT_CELL_FLOAT,             /* d */
    SLT_CELL_DECIMAL,           /* unscaled / 10^scale */
    SLT_CELL_TEXT               /* text, length (not NUL-terminated) */
} slt_cell_kind;

typedef struct slt_cell {
    slt_cell_kind kind;
    int64_t i;
    double d;
    __int128 unscaled;
    int scale;
    const char *text;
    size_t length;
} slt_cell;

/* The rendered text of `cell` for column letter `letter` ('I', 'R', 'T';
 * any other letter renders as 'T'). Returns a malloc'd string or NULL when
 * out of memory. */
char *slt_render(const slt_cell *cell, char letter);

/* Sorts `count` rendered values laid out row by row (`columns` per row). */
void slt_sort_values(char **values, long count, int columns, slt_sort sort);

/* MD5 of every value followed by "\n", as 32 hex digits. */
void slt_hash_values(char *const *values, long count, char hex[33]);

/* Compares sorted rendered values with a query record's expected lines:
 * either the single line "N values hashing to H" or one value per line.
 * On a mismatch writes a short reason into `why`. */
bool slt_values_match(char *const *values, long count, const slt_record *r, char *why, size_t why_size);

/* The hash that the expected lines of `r` stand for (the hash line's, or
 * the MD5 of the listed values); false when `r` has no result. */
bool slt_expected_hash(const slt_record *r, char hex[33]);

#endif
