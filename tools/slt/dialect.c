/*
 * dialect.c — the dialect rules. Each rule names a place where SQLite's
 * semantics (which produced the expected answers in the corpus) differ from
 * Trino's, cites the Trino documentation fact, and checks two things: the
 * SQLite construct is in the SQL, and the record failed the way Trino's
 * rule makes it fail. A record an engine bug breaks must not match, so the
 * checks are narrow.
 *
 * References are to the Trino documentation (trino.io/docs/current/...).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tools/slt/dialect.h"

/* ---- SQL text helpers (string literals are skipped) ---- */

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Calls `visit` on every position outside '...' literals and "..."
 * identifiers; stops when it returns true. */
static bool scan_code(const char *sql, bool (*visit)(const char *sql, const char *at, const void *arg),
                      const void *arg)
{
    for (const char *p = sql; *p; p++) {
        if (*p == '\'' || *p == '"') {
            char quote = *p;
            for (p++; *p; p++) {
                if (*p == quote) {
                    if (p[1] == quote) {
                        p++;
                        continue;
                    }
                    break;
                }
            }
            if (!*p)
                return false;
            continue;
        }
        if (visit(sql, p, arg))
            return true;
    }
    return false;
}

static bool visit_word(const char *sql, const char *at, const void *arg)
{
    const char *word = arg;
    size_t n = strlen(word);
    if (at > sql && is_word_char(at[-1]))
        return false;
    return strncasecmp(at, word, n) == 0 && !is_word_char(at[n]);
}

bool dialect_sql_has_word(const char *sql, const char *word)
{
    return scan_code(sql, visit_word, word);
}

static bool visit_text(const char *sql, const char *at, const void *arg)
{
    (void)sql;
    const char *text = arg;
    return strncmp(at, text, strlen(text)) == 0;
}

/* An operator or punctuation outside literals, e.g. "||". */
static bool sql_has_text(const char *sql, const char *text)
{
    return scan_code(sql, visit_text, text);
}

/* Whether the SQL holds a '...' literal. */
static bool sql_has_string_literal(const char *sql)
{
    for (const char *p = sql; *p; p++) {
        if (*p == '"') {
            const char *q = strchr(p + 1, '"');
            if (!q)
                return false;
            p = q;
        } else if (*p == '\'') {
            return true;
        }
    }
    return false;
}

static bool visit_decimal_literal(const char *sql, const char *at, const void *arg)
{
    (void)arg;
    if (at > sql && (is_word_char(at[-1]) || at[-1] == '.'))
        return false;
    const char *p = at;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p != '.' || !isdigit((unsigned char)p[1]))
        return false;
    for (p++; isdigit((unsigned char)*p); p++) {
    }
    return *p != 'e' && *p != 'E';    /* 1.5e0 is a double literal */
}

/* A literal like 2.5 (a DECIMAL in Trino, a REAL in SQLite). */
static bool sql_has_decimal_literal(const char *sql)
{
    return scan_code(sql, visit_decimal_literal, NULL);
}

bool dialect_sql_starts_with(const char *sql, const char *const *words, int count)
{
    const char *p = sql;
    for (int i = 0; i < count; i++) {
        while (isspace((unsigned char)*p))
            p++;
        size_t n = strlen(words[i]);
        if (strncasecmp(p, words[i], n) != 0 || is_word_char(p[n]))
            return false;
        p += n;
    }
    return true;
}

static bool starts2(const char *sql, const char *a, const char *b)
{
    const char *words[] = {a, b};
    return dialect_sql_starts_with(sql, words, b ? 2 : 1);
}

static bool error_is(const dialect_case *c, const char *name)
{
    return c->error_name && strcmp(c->error_name, name) == 0;
}

static bool message_has(const dialect_case *c, const char *text)
{
    return c->error_message && strcasestr(c->error_message, text) != NULL;
}

static bool failed_with_error(const dialect_case *c)
{
    return c->error_name != NULL && !c->expect_error;
}

/* A type-checking error: the analyser refused the expression. */
static bool type_error(const dialect_case *c)
{
    return error_is(c, "TYPE_MISMATCH") || error_is(c, "OPERATOR_NOT_FOUND") ||
           error_is(c, "FUNCTION_NOT_FOUND") || error_is(c, "INVALID_ARGUMENTS");
}

static bool message_names_numeric_type(const dialect_case *c)
{
    static const char *const numeric[] = {"integer", "bigint", "smallint", "tinyint", "double", "real", "decimal"};
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++)
        if (message_has(c, numeric[i]))
            return true;
    return false;
}

/* ---- the rules ---- */

/* Trino's SQL statement list (docs: sql.html) has no CREATE INDEX, DROP
 * INDEX or REINDEX: indexes are not a Trino concept (connectors choose their
 * own access paths). SQLite's index DDL changes no query result, so the
 * records after it still run. */
static bool rule_index_ddl(const dialect_case *c)
{
    if (!failed_with_error(c))
        return false;
    return starts2(c->sql, "CREATE", "INDEX") || starts2(c->sql, "CREATE", "UNIQUE") ||
           starts2(c->sql, "DROP", "INDEX") || starts2(c->sql, "REINDEX", NULL);
}

/* Statements Trino does not have (docs: sql.html lists every statement):
 * CREATE/DROP TRIGGER, INSERT OR REPLACE / REPLACE INTO (SQLite's conflict
 * clauses), CREATE TEMP/TEMPORARY VIEW or TABLE. */
static bool rule_sqlite_only_statement(const dialect_case *c)
{
    if (!failed_with_error(c))
        return false;
    return starts2(c->sql, "CREATE", "TRIGGER") || starts2(c->sql, "DROP", "TRIGGER") ||
           starts2(c->sql, "INSERT", "OR") || starts2(c->sql, "REPLACE", "INTO") ||
           starts2(c->sql, "CREATE", "TEMP") || starts2(c->sql, "CREATE", "TEMPORARY");
}

/* Trino's CREATE TABLE (docs: sql/create-table.html) takes column names,
 * types, NOT NULL, COMMENT and WITH properties; it has no PRIMARY KEY,
 * UNIQUE, CHECK or REFERENCES constraints. */
static bool rule_table_constraint(const dialect_case *c)
{
    if (!failed_with_error(c) || !starts2(c->sql, "CREATE", "TABLE"))
        return false;
    return dialect_sql_has_word(c->sql, "PRIMARY") || dialect_sql_has_word(c->sql, "UNIQUE") ||
           dialect_sql_has_word(c->sql, "CHECK") || dialect_sql_has_word(c->sql, "REFERENCES");
}

/* SQLite accepts any type name (it maps names to affinities); Trino knows
 * only its own types (docs: language/types.html), so TEXT, STRING, CLOB,
 * SIGNED or NUMERIC are "Unknown type". */
static bool rule_sqlite_type_name(const dialect_case *c)
{
    if (!failed_with_error(c) || !(error_is(c, "TYPE_NOT_FOUND") || message_has(c, "Unknown type")))
        return false;
    static const char *const names[] = {"TEXT", "STRING", "CLOB", "SIGNED", "UNSIGNED", "NUMERIC", "BLOB", "NVARCHAR"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (dialect_sql_has_word(c->sql, names[i]))
            return true;
    return false;
}

/* Division or modulus by zero: SQLite returns NULL; Trino fails the query
 * with DIVISION_BY_ZERO (docs: functions/math.html, "/" and "%" on
 * integers; error code DIVISION_BY_ZERO in the SPI's StandardErrorCode). */
static bool rule_division_by_zero(const dialect_case *c)
{
    if (!failed_with_error(c))
        return false;
    if (!error_is(c, "DIVISION_BY_ZERO") && !message_has(c, "Division by zero"))
        return false;
    return sql_has_text(c->sql, "/") || sql_has_text(c->sql, "%");
}

/* Trino's INTEGER is 32-bit and BIGINT 64-bit, and arithmetic that leaves
 * the range fails with NUMERIC_VALUE_OUT_OF_RANGE (docs: language/types.html
 * "Integer"; functions/math.html). SQLite's INTEGER is 64-bit and turns
 * into a REAL on overflow. */
static bool rule_integer_overflow(const dialect_case *c)
{
    if (!failed_with_error(c) || !error_is(c, "NUMERIC_VALUE_OUT_OF_RANGE"))
        return false;
    return message_has(c, "overflow") || message_has(c, "out of range");
}

/* `||` is string (or array) concatenation only in Trino (docs:
 * functions/string.html "||", functions/conversion.html: no implicit
 * number-to-varchar cast); SQLite converts numbers to text. */
static bool rule_concat_non_string(const dialect_case *c)
{
    return failed_with_error(c) && type_error(c) && sql_has_text(c->sql, "||");
}

/* SQLite compares and combines text and numbers by converting one side
 * ('1' = 1 is true); Trino has no implicit varchar<->number coercion and
 * rejects the operator (docs: functions/conversion.html, "Trino will
 * implicitly convert numeric and character values to the correct type if
 * such a conversion is possible" only between numeric types and between
 * character types). */
static bool rule_implicit_string_number(const dialect_case *c)
{
    if (!failed_with_error(c) || !type_error(c))
        return false;
    if (!(message_has(c, "varchar") || message_has(c, "char(")) || !message_names_numeric_type(c))
        return false;
    return sql_has_string_literal(c->sql) || dialect_sql_has_word(c->sql, "CAST");
}

/* SQLite has no boolean type: comparisons give 0/1 and any number is a
 * truth value. Trino's BOOLEAN is its own type (docs: language/types.html
 * "Boolean"); arithmetic on it or a number where a condition is expected
 * fails ("WHERE clause must evaluate to a boolean"). */
static bool rule_boolean_is_not_integer(const dialect_case *c)
{
    if (!failed_with_error(c))
        return false;
    if (message_has(c, "must evaluate to a boolean") || message_has(c, "must be of type boolean"))
        return true;
    return type_error(c) && message_has(c, "boolean") && message_names_numeric_type(c);
}

/* SQLite lets an aggregate query select a column that is neither grouped
 * nor aggregated (a "bare column"); Trino rejects it: "'x' must be an
 * aggregate expression or appear in GROUP BY clause" (docs:
 * sql/select.html, GROUP BY; error EXPRESSION_NOT_AGGREGATE). */
static bool rule_bare_column_in_aggregate(const dialect_case *c)
{
    /* the message, not just the code: "SELECT * not allowed in queries with
     * GROUP BY" shares the code and is not Trino's behaviour */
    return failed_with_error(c) && message_has(c, "must be an aggregate expression or appear in GROUP BY");
}

/* With SELECT DISTINCT, Trino requires ORDER BY expressions to appear in the
 * select list (error EXPRESSION_NOT_IN_DISTINCT); SQLite does not. */
static bool rule_distinct_order_by(const dialect_case *c)
{
    return failed_with_error(c) && error_is(c, "EXPRESSION_NOT_IN_DISTINCT");
}

/* A scalar subquery that returns more than one row fails in Trino with
 * SUBQUERY_MULTIPLE_ROWS ("Scalar sub-query has returned multiple rows",
 * docs: sql/select.html "Scalar subquery"); SQLite takes the first row. */
static bool rule_scalar_subquery_rows(const dialect_case *c)
{
    return failed_with_error(c) && (error_is(c, "SUBQUERY_MULTIPLE_ROWS") || message_has(c, "multiple rows"));
}

/* CASE, COALESCE, NULLIF, IN lists and UNION branches need one common type
 * in Trino (docs: functions/conditional.html, functions/comparison.html);
 * SQLite mixes text and numbers freely. */
static bool rule_mixed_type_branches(const dialect_case *c)
{
    if (!failed_with_error(c) || !type_error(c))
        return false;
    return message_has(c, "must be the same type") || message_has(c, "have the same type") ||
           message_has(c, "column types must") || message_has(c, "incompatible types");
}

/* A literal such as 2.5 is a DECIMAL in Trino (docs: language/types.html
 * "DECIMAL": "a literal like 1.2 is of type decimal"), and decimal
 * division keeps the larger operand scale, so 1 / 3.0 is 0.3; SQLite
 * computes in REAL (0.333...). Only a wrong value with both a decimal
 * literal and a division counts. */
static bool rule_decimal_literal_arithmetic(const dialect_case *c)
{
    return c->wrong_result && sql_has_decimal_literal(c->sql) && sql_has_text(c->sql, "/");
}

/* Whether the SQL computes a non-integer number somewhere: avg() (double
 * in both engines), a decimal literal, or a cast to a real type. */
static bool sql_has_real_source(const char *sql)
{
    return dialect_sql_has_word(sql, "AVG") || sql_has_decimal_literal(sql) || dialect_sql_has_word(sql, "REAL") ||
           dialect_sql_has_word(sql, "DOUBLE") || dialect_sql_has_word(sql, "FLOAT") ||
           dialect_sql_has_word(sql, "DECIMAL");
}

/* CAST of a real number to an integer type rounds in Trino (docs:
 * functions/conversion.html; cast(2.5 AS integer) is 3, the SPI's
 * DoubleOperators use Math.round) and truncates in SQLite. Only a wrong
 * value from SQL that casts to an integer type and has a real source. */
static bool rule_cast_to_integer_rounds(const dialect_case *c)
{
    if (!c->wrong_result || !dialect_sql_has_word(c->sql, "CAST") || !sql_has_real_source(c->sql))
        return false;
    return dialect_sql_has_word(c->sql, "INTEGER") || dialect_sql_has_word(c->sql, "BIGINT") ||
           dialect_sql_has_word(c->sql, "INT") || dialect_sql_has_word(c->sql, "SMALLINT");
}

/* The SQL upper-cased, with string literals blanked (malloc'd). */
static char *code_only_upper(const char *sql)
{
    char *u = strdup(sql);
    if (!u)
        return NULL;
    char quote = 0;
    for (char *p = u; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            *p = ' ';
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            *p = ' ';
        } else {
            *p = (char)toupper((unsigned char)*p);
        }
    }
    return u;
}

static bool word_at(const char *text, const char *at, const char *word)
{
    size_t n = strlen(word);
    return (at == text || !is_word_char(at[-1])) && strncmp(at, word, n) == 0 && !is_word_char(at[n]);
}

static bool span_has_real_source(const char *from, const char *to)
{
    char *span = strndup(from, (size_t)(to - from));
    bool real = span && sql_has_real_source(span);
    free(span);
    return real;
}

/* Whether a result branch of a CASE (after THEN or ELSE), or an argument of
 * COALESCE/NULLIF/IFNULL, holds a real source. */
static bool has_real_result_branch(const char *sql)
{
    char *u = code_only_upper(sql);
    if (!u)
        return false;
    bool found = false;
    for (const char *p = u; *p && !found; p++) {
        if (word_at(u, p, "COALESCE") || word_at(u, p, "NULLIF") || word_at(u, p, "IFNULL")) {
            const char *q = strchr(p, '(');
            if (!q)
                continue;
            int depth = 0;
            const char *end = q;
            for (; *end; end++) {
                depth += *end == '(' ? 1 : *end == ')' ? -1 : 0;
                if (depth == 0)
                    break;
            }
            found = span_has_real_source(q, end);
        } else if (word_at(u, p, "CASE")) {
            int depth = 0, parens = 0;
            const char *branch = NULL;
            for (const char *q = p; *q && !found; q++) {
                parens += *q == '(' ? 1 : *q == ')' ? -1 : 0;
                if (word_at(u, q, "CASE"))
                    depth++;
                bool boundary = depth == 1 && parens == 0 &&
                                (word_at(u, q, "WHEN") || word_at(u, q, "ELSE") || word_at(u, q, "END"));
                if (boundary && branch) {
                    found = span_has_real_source(branch, q);
                    branch = NULL;
                }
                if (depth == 1 && parens == 0 && (word_at(u, q, "THEN") || word_at(u, q, "ELSE")))
                    branch = q + 4;
                if (word_at(u, q, "END") && --depth == 0)
                    break;
            }
        }
    }
    free(u);
    return found;
}

/* SQLite types values, not expressions: COALESCE(59, avg(x)) is the integer
 * 59, so 59 / -51 divides integers. Trino types the expression with the
 * arguments' common supertype (docs: functions/conditional.html,
 * language/types.html coercion): double, and the division is a double one.
 * Only a wrong value from SQL with a division and a CASE result branch or
 * COALESCE/NULLIF argument that is real-valued. */
static bool rule_static_result_type(const dialect_case *c)
{
    return c->wrong_result && sql_has_text(c->sql, "/") && has_real_result_branch(c->sql);
}

/* `x IN ()` is SQLite-only: Trino's grammar (docs: functions/comparison.html
 * "IN") needs at least one value in the list. */
static bool rule_empty_in_list(const dialect_case *c)
{
    if (!failed_with_error(c) || !error_is(c, "SYNTAX_ERROR"))
        return false;
    for (const char *p = strcasestr(c->sql, "IN"); p; p = strcasestr(p + 2, "IN")) {
        const char *q = p + 2;
        while (*q == ' ' || *q == '\n' || *q == '\t')
            q++;
        if (*q != '(')
            continue;
        for (q++; *q == ' ' || *q == '\n' || *q == '\t'; q++) {
        }
        if (*q == ')')
            return true;
    }
    return false;
}

/* X'...' is a VARBINARY literal in Trino (docs: language/types.html
 * "VARBINARY"), comparable only with varbinary; SQLite's blob compares with
 * anything. */
static bool rule_blob_literal(const dialect_case *c)
{
    return failed_with_error(c) && type_error(c) && message_has(c, "varbinary") &&
           (strstr(c->sql, "x'") || strstr(c->sql, "X'"));
}

/* UPDATE t SET x = 1, x = 2: SQLite applies the last assignment; Trino
 * rejects a column assigned twice (docs: sql/update.html, each column once;
 * StatementAnalyzer: DUPLICATE_COLUMN_NAME). The runner then applies the
 * last assignment, so the file's later records see SQLite's rows. */
static bool rule_update_assigns_twice(const dialect_case *c)
{
    return failed_with_error(c) && error_is(c, "DUPLICATE_COLUMN_NAME") && starts2(c->sql, "UPDATE", NULL);
}

/* A query reading a table that an earlier INSERT OR REPLACE / REPLACE INTO
 * (SQLite-only statements, see sqlite_only_statement) changed in SQLite but
 * not here: its expected rows include the replaced ones. */
static bool rule_after_sqlite_only_write(const dialect_case *c)
{
    if (!c->is_query || !c->wrong_result)
        return false;
    for (int i = 0; i < c->replaced_table_count; i++)
        if (dialect_sql_has_word(c->sql, c->replaced_tables[i]))
            return true;
    return false;
}

static const dialect_rule rules[] = {
    {"index_ddl", "CREATE/DROP INDEX and REINDEX: no such statements in Trino", rule_index_ddl},
    {"sqlite_only_statement", "TRIGGER, INSERT OR REPLACE, REPLACE INTO, TEMP objects: SQLite-only statements",
     rule_sqlite_only_statement},
    {"table_constraint", "PRIMARY KEY/UNIQUE/CHECK/REFERENCES: Trino's CREATE TABLE has no constraints",
     rule_table_constraint},
    {"sqlite_type_name", "TEXT, STRING, NUMERIC...: type names SQLite accepts, Trino does not (the runner then creates the table with VARCHAR / VARBINARY)",
     rule_sqlite_type_name},
    {"division_by_zero", "x / 0 and x % 0: NULL in SQLite, DIVISION_BY_ZERO in Trino", rule_division_by_zero},
    {"integer_overflow", "32-bit INTEGER and overflow errors in Trino; 64-bit and REAL fallback in SQLite",
     rule_integer_overflow},
    {"concat_non_string", "|| on numbers: SQLite converts to text, Trino concatenates strings/arrays only",
     rule_concat_non_string},
    {"implicit_string_number", "'1' = 1: SQLite converts, Trino has no implicit varchar<->number coercion",
     rule_implicit_string_number},
    {"boolean_is_not_integer", "SQLite booleans are 0/1 integers; Trino BOOLEAN is its own type",
     rule_boolean_is_not_integer},
    {"bare_column_in_aggregate", "SQLite allows ungrouped bare columns; Trino: EXPRESSION_NOT_AGGREGATE",
     rule_bare_column_in_aggregate},
    {"distinct_order_by", "SELECT DISTINCT ... ORDER BY a non-selected expression: EXPRESSION_NOT_IN_DISTINCT",
     rule_distinct_order_by},
    {"scalar_subquery_rows", "a scalar subquery with several rows: SQLite takes the first, Trino fails",
     rule_scalar_subquery_rows},
    {"mixed_type_branches", "CASE/COALESCE/IN/UNION mixing text and numbers: Trino needs a common type",
     rule_mixed_type_branches},
    {"cast_to_integer_rounds", "CAST(real AS INTEGER): rounds in Trino, truncates in SQLite",
     rule_cast_to_integer_rounds},
    {"static_result_type", "COALESCE/CASE(int, avg) is double in Trino, the chosen value's type in SQLite",
     rule_static_result_type},
    {"decimal_literal_arithmetic", "2.5 is DECIMAL in Trino (1 / 3.0 = 0.3), REAL in SQLite",
     rule_decimal_literal_arithmetic},
    {"empty_in_list", "x IN (): SQLite-only syntax", rule_empty_in_list},
    {"blob_literal", "X'..' is VARBINARY in Trino and compares only with varbinary", rule_blob_literal},
    {"update_assigns_twice", "UPDATE SET x = 1, x = 2: SQLite takes the last, Trino refuses (the runner applies the last)",
     rule_update_assigns_twice},
    {"after_sqlite_only_write", "a query of a table an earlier REPLACE changed in SQLite only", rule_after_sqlite_only_write},
};

/* SQLite type names and the Trino types with the same affinity. */
static const char *const type_map[][2] = {
    {"TEXT", "VARCHAR"}, {"STRING", "VARCHAR"}, {"CLOB", "VARCHAR"}, {"BLOB", "VARBINARY"},
};

char *dialect_portable_create_table(const char *sql)
{
    char *u = code_only_upper(sql);
    size_t size = strlen(sql) * 3 + 1;   /* "TEXT" -> "VARCHAR" grows at most 2x */
    char *out = malloc(size);
    if (!u || !out) {
        free(u);
        free(out);
        return NULL;
    }
    size_t n = 0;
    bool changed = false;
    static const char *const blanked[] = {"PRIMARY", "KEY", "UNIQUE"};
    for (const char *p = u; *p;) {
        const char *replacement = NULL;
        size_t skip = 0;
        for (size_t i = 0; !replacement && i < sizeof blanked / sizeof blanked[0]; i++)
            if (word_at(u, p, blanked[i]))
                skip = strlen(blanked[i]), replacement = "";
        for (size_t i = 0; !replacement && i < sizeof type_map / sizeof type_map[0]; i++)
            if (word_at(u, p, type_map[i][0]))
                skip = strlen(type_map[i][0]), replacement = type_map[i][1];
        if (!replacement) {
            out[n++] = sql[p - u];
            p++;
            continue;
        }
        changed = true;
        size_t length = strlen(replacement);
        memcpy(out + n, replacement, length);
        n += length;
        for (size_t k = length; k < skip; k++)   /* blanked words keep the layout */
            out[n++] = ' ';
        p += skip;
    }
    out[n] = '\0';
    free(u);
    if (!changed) {
        free(out);
        return NULL;
    }
    return out;
}

/* Splits "a = 1, b = f(x, y)" at top-level commas; returns the count. */
static int split_assignments(char *list, char **items, int max)
{
    int n = 0, depth = 0;
    char quote = 0;
    items[n++] = list;
    for (char *p = list; *p && n < max; p++) {
        if (quote) {
            quote = *p == quote ? 0 : quote;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth--;
        } else if (*p == ',' && depth == 0) {
            *p = '\0';
            items[n++] = p + 1;
        }
    }
    return n;
}

/* The assigned column's name of "  x = ..." (lower case) into out. */
static void assignment_target(const char *item, char *out, size_t size)
{
    while (*item == ' ' || *item == '\n' || *item == '\t')
        item++;
    size_t n = 0;
    while (is_word_char(*item) && n + 1 < size)
        out[n++] = (char)tolower((unsigned char)*item++);
    out[n] = '\0';
}

char *dialect_portable_update(const char *sql)
{
    char *u = code_only_upper(sql);
    if (!u || !starts2(sql, "UPDATE", NULL)) {
        free(u);
        return NULL;
    }
    const char *set = NULL, *where = NULL;
    for (const char *p = u; *p; p++) {
        if (!set && word_at(u, p, "SET"))
            set = p + 3;
        else if (set && !where && word_at(u, p, "WHERE"))
            where = p;
    }
    if (!set) {
        free(u);
        return NULL;
    }
    size_t start = (size_t)(set - u), end = where ? (size_t)(where - u) : strlen(sql);
    free(u);
    char *list = strndup(sql + start, end - start);
    char *items[64];
    int n = list ? split_assignments(list, items, 64) : 0;
    char targets[64][64];
    for (int i = 0; i < n; i++)
        assignment_target(items[i], targets[i], sizeof targets[i]);
    size_t size = strlen(sql) + 2;
    char *out = list ? malloc(size) : NULL;
    bool changed = false;
    if (out) {
        size_t used = (size_t)snprintf(out, size, "%.*s", (int)start, sql);
        bool first = true;
        for (int i = 0; i < n; i++) {
            bool later = false;
            for (int j = i + 1; j < n; j++)
                later = later || strcmp(targets[i], targets[j]) == 0;
            if (later) {
                changed = true;
                continue;
            }
            used += (size_t)snprintf(out + used, size - used, "%s%s", first ? "" : ",", items[i]);
            first = false;
        }
        snprintf(out + used, size - used, "%s", sql + end);
    }
    free(list);
    if (!changed) {
        free(out);
        return NULL;
    }
    return out;
}

char *dialect_sqlite_write_target(const char *sql)
{
    char *u = code_only_upper(sql);
    if (!u)
        return NULL;
    char *target = NULL;
    if (starts2(sql, "INSERT", "OR") || starts2(sql, "REPLACE", "INTO")) {
        for (const char *p = u; *p && !target; p++) {
            if (!word_at(u, p, "INTO"))
                continue;
            const char *name = p + 4;
            while (*name == ' ' || *name == '\n' || *name == '\t')
                name++;
            size_t n = 0;
            while (is_word_char(name[n]))
                n++;
            if (n > 0 && (target = strndup(sql + (name - u), n)))
                for (char *c = target; *c; c++)
                    *c = (char)tolower((unsigned char)*c);
        }
    }
    free(u);
    return target;
}

const dialect_rule *dialect_rules(int *count)
{
    *count = (int)(sizeof rules / sizeof rules[0]);
    return rules;
}

const char *dialect_classify(const dialect_case *c)
{
    if (!c->sql)
        return NULL;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i].applies(c))
            return rules[i].name;
    return NULL;
}
