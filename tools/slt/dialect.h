/*
 * dialect.h — where SQLite (which wrote the expected answers) and Trino
 * disagree, Trino wins. A failing record is classified "dialect" with a
 * rule name when a rule finds both the SQLite construct in its SQL and the
 * symptom Trino's rule produces (an error of a given kind, or a different
 * value); otherwise it stays a failure. Each rule is one function in
 * dialect.c, with the Trino documentation fact it rests on. Rules never
 * turn a failure into a pass.
 */
#ifndef SHOAL_SLT_DIALECT_H
#define SHOAL_SLT_DIALECT_H

#include <stdbool.h>

typedef struct dialect_case {
    const char *sql;
    bool is_query;
    bool expect_error;          /* `statement error` */
    const char *error_name;     /* Trino error name; NULL when the engine ran it */
    const char *error_message;
    bool wrong_result;          /* ran, but the values differ */
    /* tables an earlier SQLite-only write (REPLACE) of the file changed */
    const char *const *replaced_tables;
    int replaced_table_count;
} dialect_case;

typedef struct dialect_rule {
    const char *name;
    const char *summary;        /* one line: SQLite does X, Trino does Y */
    bool (*applies)(const dialect_case *c);
} dialect_rule;

/* The rule that explains a failing record, or NULL. */
const char *dialect_classify(const dialect_case *c);

/* Every rule, in the order they are tried. */
const dialect_rule *dialect_rules(int *count);

/* CREATE TABLE in Trino's terms: SQLite's column constraints (PRIMARY KEY,
 * UNIQUE words blanked) dropped and its type names TEXT/STRING/CLOB/BLOB
 * turned into VARCHAR/VARBINARY, so a file whose tables use them still gets
 * its tables: neither changes a query result. The record itself stays
 * "dialect"; the runner runs this text after it. NULL when nothing changes
 * (malloc'd otherwise). */
char *dialect_portable_create_table(const char *sql);

/* UPDATE assigning a column more than once in SQLite's meaning (the last
 * assignment wins) and Trino's form (each column once); NULL when nothing
 * changes (malloc'd otherwise). */
char *dialect_portable_update(const char *sql);

/* The table an `INSERT OR REPLACE INTO t` / `REPLACE INTO t` writes (lower
 * case, malloc'd), or NULL for any other statement. */
char *dialect_sqlite_write_target(const char *sql);

/* Helpers shared with tests: a case-insensitive search for a word (letters,
 * digits and '_' do not continue it) outside string literals. */
bool dialect_sql_has_word(const char *sql, const char *word);
/* Whether the SQL, after leading spaces, starts with these words in order. */
bool dialect_sql_starts_with(const char *sql, const char *const *words, int count);

#endif
