/*
 * slt_record.h — the records of a sqllogictest (.test) file and the parser
 * that reads them (../shared/testdata/slt/FORMAT.md): `statement ok|error`,
 * `query <types> [sort] [label]` with its expected lines after `----`,
 * `hash-threshold N`, `halt`, and the `skipif`/`onlyif` guards before any of
 * them. CRLF line endings are accepted; `#` lines between records are
 * comments.
 */
#ifndef SHOAL_SLT_RECORD_H
#define SHOAL_SLT_RECORD_H

#include <stdbool.h>
#include <stddef.h>

typedef enum slt_record_kind {
    SLT_RECORD_STATEMENT,
    SLT_RECORD_QUERY,
    SLT_RECORD_HASH_THRESHOLD,
    SLT_RECORD_HALT,
    SLT_RECORD_UNKNOWN          /* a first line the format does not define */
} slt_record_kind;

typedef enum slt_sort {
    SLT_SORT_NONE,              /* nosort or no word */
    SLT_SORT_ROWS,              /* rowsort */
    SLT_SORT_VALUES             /* valuesort */
} slt_sort;

enum { SLT_MAX_GUARDS = 8, SLT_NAME_MAX = 64 };

typedef struct slt_guard {
    bool only;                  /* onlyif (true) or skipif (false) */
    char engine[SLT_NAME_MAX];
} slt_guard;

typedef struct slt_record {
    slt_record_kind kind;
    int line;                   /* 1-based line of the record's first line (after guards) */
    slt_guard guards[SLT_MAX_GUARDS];
    int guard_count;

    bool expect_error;          /* statement error */
    char *sql;                  /* statement / query text, lines joined with '\n' */

    char *types;                /* query: one letter per column (I, T, R) */
    slt_sort sort;
    char *label;                /* NULL when none */
    char **expected;            /* query: the lines after ---- */
    int expected_count;
    bool has_separator;         /* a ---- line was present */

    int hash_threshold;         /* hash-threshold N */
    char *unknown_line;         /* SLT_RECORD_UNKNOWN: the first line */
} slt_record;

/* Reads records from a whole file held in memory (not copied; must outlive
 * the parser). */
typedef struct slt_parser {
    const char *text;
    size_t length;
    size_t offset;
    int line;                   /* lines consumed so far */
} slt_parser;

void slt_parser_init(slt_parser *p, const char *text, size_t length);
/* Fills `r` with the next record; returns 1, 0 at the end, -1 when out of
 * memory. `r` must be released with slt_record_free. */
int slt_parser_next(slt_parser *p, slt_record *r);
void slt_record_free(slt_record *r);

/* Whether a record runs under engine name `engine` (skipif/onlyif). */
bool slt_record_applies(const slt_record *r, const char *engine);

/* "N values hashing to <32 hex>": fills count and hash (33 bytes). */
bool slt_parse_hash_line(const char *line, long *count, char hash[33]);

#endif
