/*
 * token.h — token kinds of Trino's SQL dialect and the token record the lexer
 * produces. Keywords come from one X-macro list so the lexer's keyword table,
 * the reserved/non-reserved split and the display names never drift apart.
 * Reserved words (R) are those Trino's grammar does not list in `nonReserved`;
 * non-reserved words (N) may also be used as identifiers.
 */
#ifndef SHOAL_SQL_TOKEN_H
#define SHOAL_SQL_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

/* R(name) reserved keyword, N(name) non-reserved keyword. Token KW_<name>,
 * spelled <name> except KW_STRING_KW ("STRING"). Sorted alphabetically. */
#define SQL_KEYWORDS(R, N) \
  N(ABSENT) N(ADD) N(ADMIN) N(AFTER) N(ALL) R(ALTER) N(ANALYZE) R(AND) N(ANY) \
  N(ARRAY) R(AS) N(ASC) N(AT) N(AUTHORIZATION) N(BEGIN) N(BERNOULLI) R(BETWEEN) \
  N(BOTH) R(BY) N(CALL) N(CALLED) N(CASCADE) R(CASE) R(CAST) N(CATALOG) \
  N(CATALOGS) N(COLUMN) N(COLUMNS) N(COMMENT) N(COMMIT) N(COMMITTED) \
  N(CONDITIONAL) R(CONSTRAINT) N(COPARTITION) N(COUNT) R(CREATE) R(CROSS) \
  R(CUBE) N(CURRENT) R(CURRENT_CATALOG) R(CURRENT_DATE) R(CURRENT_PATH) \
  R(CURRENT_ROLE) R(CURRENT_SCHEMA) R(CURRENT_TIME) R(CURRENT_TIMESTAMP) \
  R(CURRENT_USER) N(DATA) N(DATE) N(DAY) R(DEALLOCATE) N(DECLARE) N(DEFAULT) \
  N(DEFINE) N(DEFINER) R(DELETE) N(DENY) N(DESC) R(DESCRIBE) N(DESCRIPTOR) \
  N(DETERMINISTIC) R(DISTINCT) N(DISTRIBUTED) N(DO) N(DOUBLE) R(DROP) R(ELSE) \
  N(ELSEIF) N(EMPTY) N(ENCODING) R(END) N(ERROR) R(ESCAPE) R(EXCEPT) \
  N(EXCLUDING) R(EXECUTE) R(EXISTS) N(EXPLAIN) R(EXTRACT) R(FALSE) N(FETCH) \
  N(FILTER) N(FINAL) N(FIRST) N(FOLLOWING) R(FOR) N(FORMAT) R(FROM) R(FULL) \
  N(FUNCTION) N(FUNCTIONS) N(GRACE) N(GRANT) N(GRANTED) N(GRANTS) N(GRAPHVIZ) \
  R(GROUP) R(GROUPING) N(GROUPS) R(HAVING) N(HOUR) N(IF) N(IGNORE) \
  N(IMMEDIATE) R(IN) N(INCLUDING) N(INITIAL) R(INNER) N(INPUT) R(INSERT) \
  R(INTERSECT) N(INTERVAL) R(INTO) N(INVOKER) N(IO) R(IS) N(ISOLATION) \
  N(ITERATE) R(JOIN) N(JSON) R(JSON_ARRAY) R(JSON_EXISTS) R(JSON_OBJECT) \
  R(JSON_QUERY) R(JSON_TABLE) R(JSON_VALUE) N(KEEP) N(KEY) N(KEYS) \
  N(LANGUAGE) N(LAST) N(LATERAL) N(LEADING) N(LEAVE) R(LEFT) N(LEVEL) R(LIKE) \
  N(LIMIT) R(LISTAGG) N(LOCAL) R(LOCALTIME) R(LOCALTIMESTAMP) N(LOGICAL) \
  N(LOOP) N(MAP) N(MATCH) N(MATCHED) N(MATCHES) N(MATCH_RECOGNIZE) \
  N(MATERIALIZED) N(MEASURES) N(MERGE) N(MINUTE) N(MONTH) R(NATURAL) \
  N(NESTED) N(NEXT) N(NFC) N(NFD) N(NFKC) N(NFKD) N(NO) N(NONE) R(NORMALIZE) \
  R(NOT) R(NULL) N(NULLIF) N(NULLS) N(OBJECT) N(OF) N(OFFSET) N(OMIT) R(ON) \
  N(ONE) N(ONLY) N(OPTION) R(OR) R(ORDER) N(ORDINALITY) R(OUTER) N(OUTPUT) \
  N(OVER) N(OVERFLOW) N(PARTITION) N(PARTITIONS) N(PASSING) N(PAST) N(PATH) \
  N(PATTERN) N(PER) N(PERIOD) N(PERMUTE) N(PLAN) N(POSITION) N(PRECEDING) \
  N(PRECISION) R(PREPARE) N(PRIVILEGES) N(PROPERTIES) N(PRUNE) N(QUOTES) \
  N(RANGE) N(READ) R(RECURSIVE) N(REFRESH) N(RENAME) N(REPEAT) N(REPEATABLE) \
  N(REPLACE) N(RESET) N(RESPECT) N(RESTRICT) N(RETURN) N(RETURNING) \
  N(RETURNS) N(REVOKE) R(RIGHT) N(ROLE) N(ROLES) N(ROLLBACK) R(ROLLUP) N(ROW) \
  N(ROWS) N(RUNNING) N(SCALAR) N(SCHEMA) N(SCHEMAS) N(SECOND) N(SECURITY) \
  N(SEEK) R(SELECT) N(SERIALIZABLE) N(SESSION) N(SET) N(SETS) N(SHOW) R(SKIP) \
  N(SOME) N(START) N(STATS) N(STRING_KW) N(SUBSET) N(SUBSTRING) N(SYSTEM) \
  R(TABLE) N(TABLES) N(TABLESAMPLE) N(TEXT) R(THEN) N(TIES) N(TIME) \
  N(TIMESTAMP) N(TO) N(TRAILING) N(TRANSACTION) R(TRIM) R(TRUE) N(TRUNCATE) \
  N(TRY_CAST) N(TYPE) R(UESCAPE) N(UNBOUNDED) N(UNCOMMITTED) \
  N(UNCONDITIONAL) R(UNION) N(UNIQUE) N(UNKNOWN) N(UNMATCHED) R(UNNEST) \
  N(UNTIL) N(UPDATE) N(USE) N(USER) R(USING) N(UTF16) N(UTF32) N(UTF8) \
  N(VALIDATE) N(VALUE) R(VALUES) N(VERBOSE) N(VERSION) N(VIEW) R(WHEN) \
  R(WHERE) N(WHILE) N(WINDOW) R(WITH) N(WITHIN) N(WITHOUT) N(WORK) \
  N(WRAPPER) N(WRITE) N(YEAR) N(ZONE)

typedef enum sql_token_type {
  TOK_EOF = 0,
  TOK_IDENT,            /* unquoted identifier (letters, digits, _) */
  TOK_QUOTED_IDENT,     /* "..." with "" escapes */
  TOK_BACKQUOTED_IDENT, /* `...` (always an error when used) */
  TOK_DIGIT_IDENT,      /* 1abc (always an error when used) */
  TOK_STRING,           /* '...' with '' escapes */
  TOK_UNICODE_STRING,   /* U&'...' */
  TOK_BINARY,           /* X'...' */
  TOK_INTEGER,          /* 12, 0x1F, 0o17, 0b101, 1_000 */
  TOK_DECIMAL,          /* 1.5, .5, 1. */
  TOK_DOUBLE,           /* 1e3, 1.5E-2 */
  TOK_EQ, TOK_NEQ, TOK_LT, TOK_LTE, TOK_GT, TOK_GTE,
  TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_PERCENT, TOK_CONCAT,
  TOK_QUESTION, TOK_SEMICOLON, TOK_COMMA, TOK_DOT, TOK_LPAREN, TOK_RPAREN,
  TOK_LBRACKET, TOK_RBRACKET, TOK_ARROW /* -> */, TOK_FAT_ARROW /* => */,
  TOK_COLON, TOK_UNRECOGNIZED,
#define SQL_TOK_KW_(name) KW_##name,
  SQL_KEYWORDS(SQL_TOK_KW_, SQL_TOK_KW_)
#undef SQL_TOK_KW_
  /* Pseudo tokens: names of grammar rules for "Expecting:" lists. */
  TOK_LABEL_EXPRESSION, TOK_LABEL_IDENTIFIER, TOK_LABEL_STRING,
  TOK_LABEL_QUERY, TOK_LABEL_TYPE,
  TOK__COUNT
} sql_token_type;

#define SQL_TOKEN_FIRST_KEYWORD KW_ABSENT
#define SQL_TOKEN_LAST_KEYWORD KW_ZONE

typedef struct sql_token {
  uint16_t type;    /* sql_token_type */
  uint32_t offset;  /* byte offset in the statement text */
  uint32_t length;  /* byte length of the token text */
  uint32_t line;    /* 1-based */
  uint32_t column;  /* 1-based, in characters */
} sql_token;

/* Display name used in error messages: 'SELECT', ',', <identifier>, <EOF>. */
const char *sql_token_display_name(sql_token_type type);
bool sql_token_is_keyword(sql_token_type type);
bool sql_token_is_reserved(sql_token_type type);
/* Keyword text ("SELECT"), or NULL for non-keywords. */
const char *sql_keyword_text(sql_token_type type);
/* Keyword token for a word (case-insensitive), or TOK_IDENT. */
sql_token_type sql_keyword_lookup(const char *word, uint32_t length);

#endif
