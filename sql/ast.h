/*
 * ast.h — the immutable syntax tree the parser produces.
 *
 * Every node is an `ast_node`: a kind, a source position, and a payload in a
 * union whose member is given by the kind's *shape* (table in AST_KINDS).
 * Children are `ast_node *` (NULL when absent) or `ast_list` (count may be 0).
 * All memory comes from the parse's sql_arena; nothing is freed per node and
 * nothing may be changed after the parse returns.
 *
 * Walking: switch on node->kind and read the documented payload, or use the
 * generic ast_child_count/ast_child_at walker which visits every child node in
 * source order. ast_equal compares two trees ignoring positions and
 * identifier spelling of unquoted identifiers (it compares their canonical,
 * lower-cased value).
 */
#ifndef SHOAL_SQL_AST_H
#define SHOAL_SQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ast_node ast_node;

typedef struct ast_pos {
  uint32_t line;    /* 1-based */
  uint32_t column;  /* 1-based, in characters */
  uint32_t offset;  /* byte offset in the statement text */
} ast_pos;

/* Byte string; ptr is NUL-terminated (len excludes it) but may hold NULs. */
typedef struct sql_str {
  const char *ptr;
  uint32_t len;
} sql_str;

typedef struct ast_list {
  ast_node **items;
  uint32_t count;
} ast_list;

/*
 * X(kind, shape). Payload member = shape. Field meaning per kind is noted in
 * the shape structs below.
 */
#define AST_KINDS(X) \
  /* literals */ \
  X(NULL_LITERAL, literal) X(BOOLEAN_LITERAL, literal) X(LONG_LITERAL, literal) \
  X(DECIMAL_LITERAL, literal) X(DOUBLE_LITERAL, literal) X(STRING_LITERAL, literal) \
  X(BINARY_LITERAL, literal) X(TYPED_LITERAL, typed_literal) X(INTERVAL_LITERAL, interval) \
  /* names */ \
  X(IDENTIFIER, identifier) X(QUALIFIED_NAME, list) \
  /* expressions */ \
  X(DEREFERENCE, binary) X(SUBSCRIPT, binary) X(PARAMETER, literal) \
  X(ARRAY_CONSTRUCTOR, list) X(ROW_CONSTRUCTOR, list) X(ARITHMETIC_UNARY, unary) \
  X(ARITHMETIC_BINARY, binary) X(COMPARISON, binary) X(LOGICAL, logical) X(NOT, unary) \
  X(IS_NULL, predicate) X(BETWEEN, predicate) X(LIKE, predicate) X(IN_LIST, in_list) \
  X(IN_SUBQUERY, predicate) X(QUANTIFIED_COMPARISON, quantified) X(EXISTS, unary) \
  X(SUBQUERY_EXPRESSION, unary) X(CASE, case_expr) X(WHEN_CLAUSE, binary) \
  X(CAST, cast) X(FUNCTION_CALL, call) X(LAMBDA, lambda) X(AT_TIME_ZONE, binary) \
  X(EXTRACT, binary) X(CURRENT, current) X(GROUPING_OPERATION, list) \
  X(WINDOW_SPECIFICATION, window) X(WINDOW_FRAME, frame) X(FRAME_BOUND, unary) \
  X(SORT_ITEM, sort_item) \
  /* types */ \
  X(GENERIC_TYPE, generic_type) X(ROW_TYPE, list) X(ROW_FIELD, binary) \
  X(INTERVAL_TYPE, interval) X(DATETIME_TYPE, datetime_type) \
  /* relations and queries */ \
  X(QUERY, query) X(WITH, with) X(WITH_QUERY, with_query) \
  X(QUERY_SPECIFICATION, query_spec) X(SELECT_ITEM, binary) X(ALL_COLUMNS, all_columns) \
  X(GROUP_BY, group_by) X(GROUPING_ELEMENT, grouping_element) X(GROUPING_SET, list) \
  X(WINDOW_DEFINITION, binary) X(SET_OPERATION, set_operation) X(VALUES, list) \
  X(LIMIT, unary) X(FETCH_FIRST, unary) X(TABLE, unary) X(ALIASED_RELATION, aliased) \
  X(TABLE_SUBQUERY, unary) X(LATERAL, unary) X(UNNEST, unnest) X(JOIN, join) \
  X(SAMPLED_RELATION, sampled) \
  /* statements */ \
  X(EXPLAIN, explain) X(EXPLAIN_OPTION, option) X(SHOW_CATALOGS, show) \
  X(SHOW_SCHEMAS, show) X(SHOW_TABLES, show) X(SHOW_COLUMNS, show) \
  X(SHOW_FUNCTIONS, show) X(SHOW_SESSION, show) X(SHOW_CREATE, show) X(SHOW_STATS, show) \
  X(USE, binary) X(SET_SESSION, binary) X(RESET_SESSION, unary) X(PREPARE, binary) \
  X(EXECUTE, execute) X(DEALLOCATE, unary) X(DESCRIBE_INPUT, unary) \
  X(DESCRIBE_OUTPUT, unary) X(CREATE_SCHEMA, ddl) X(DROP_SCHEMA, ddl) \
  X(RENAME_SCHEMA, ddl) X(CREATE_TABLE, ddl) X(CREATE_TABLE_AS_SELECT, ddl) \
  X(COLUMN_DEFINITION, ddl) X(LIKE_CLAUSE, ddl) X(PROPERTY, binary) X(INSERT, ddl) \
  X(DELETE, ddl) X(UPDATE, ddl) X(UPDATE_ASSIGNMENT, binary) X(DROP_TABLE, ddl) \
  X(RENAME_TABLE, ddl) X(ADD_COLUMN, ddl) X(DROP_COLUMN, ddl) X(RENAME_COLUMN, ddl) \
  X(TRUNCATE_TABLE, ddl) X(COMMENT, ddl) X(CREATE_VIEW, ddl) X(DROP_VIEW, ddl) \
  X(RENAME_VIEW, ddl) X(CREATE_CATALOG, ddl) X(DROP_CATALOG, ddl) X(ANALYZE, ddl) \
  X(CALL, execute) X(CALL_ARGUMENT, binary) X(START_TRANSACTION, list) \
  X(ISOLATION_LEVEL, option) X(TRANSACTION_ACCESS_MODE, option) X(COMMIT, none) \
  X(ROLLBACK, none)

typedef enum ast_kind {
#define AST_KIND_ENUM_(kind, shape) AST_##kind,
  AST_KINDS(AST_KIND_ENUM_)
#undef AST_KIND_ENUM_
  AST__KIND_COUNT
} ast_kind;

/* Operators and small enums used in payloads. */
typedef enum ast_arith_op {
  AST_OP_ADD, AST_OP_SUBTRACT, AST_OP_MULTIPLY, AST_OP_DIVIDE, AST_OP_MODULUS,
  AST_OP_CONCAT,              /* || */
  AST_OP_PLUS = AST_OP_ADD,   /* unary + */
  AST_OP_MINUS = AST_OP_SUBTRACT /* unary - */
} ast_arith_op;
typedef enum ast_comparison_op {
  AST_CMP_EQ, AST_CMP_NE, AST_CMP_LT, AST_CMP_LE, AST_CMP_GT, AST_CMP_GE,
  AST_CMP_IS_DISTINCT_FROM    /* `a IS NOT DISTINCT FROM b` is NOT(a IS DISTINCT FROM b) */
} ast_comparison_op;
typedef enum ast_logical_op { AST_LOGICAL_AND, AST_LOGICAL_OR } ast_logical_op;
typedef enum ast_quantifier { AST_QUANT_ALL, AST_QUANT_ANY, AST_QUANT_SOME } ast_quantifier;
typedef enum ast_interval_field {
  AST_FIELD_NONE = -1, AST_FIELD_YEAR, AST_FIELD_MONTH, AST_FIELD_DAY, AST_FIELD_HOUR,
  AST_FIELD_MINUTE, AST_FIELD_SECOND
} ast_interval_field;
typedef enum ast_current_kind {
  AST_CURRENT_DATE, AST_CURRENT_TIME, AST_CURRENT_TIMESTAMP, AST_LOCALTIME,
  AST_LOCALTIMESTAMP, AST_CURRENT_USER, AST_CURRENT_CATALOG, AST_CURRENT_SCHEMA,
  AST_CURRENT_PATH
} ast_current_kind;
typedef enum ast_null_treatment { AST_NULLS_DEFAULT, AST_NULLS_IGNORE, AST_NULLS_RESPECT } ast_null_treatment;
typedef enum ast_processing_mode { AST_PROCESSING_NONE, AST_PROCESSING_RUNNING, AST_PROCESSING_FINAL } ast_processing_mode;
typedef enum ast_frame_type { AST_FRAME_RANGE, AST_FRAME_ROWS, AST_FRAME_GROUPS } ast_frame_type;
typedef enum ast_bound_type {
  AST_BOUND_UNBOUNDED_PRECEDING, AST_BOUND_PRECEDING, AST_BOUND_CURRENT_ROW,
  AST_BOUND_FOLLOWING, AST_BOUND_UNBOUNDED_FOLLOWING
} ast_bound_type;
typedef enum ast_null_ordering { AST_NULLS_UNDEFINED, AST_NULLS_FIRST, AST_NULLS_LAST } ast_null_ordering;
typedef enum ast_grouping_kind { AST_GROUPING_SIMPLE, AST_GROUPING_ROLLUP, AST_GROUPING_CUBE, AST_GROUPING_SETS } ast_grouping_kind;
typedef enum ast_set_op { AST_SET_UNION, AST_SET_INTERSECT, AST_SET_EXCEPT } ast_set_op;
typedef enum ast_join_type { AST_JOIN_CROSS, AST_JOIN_INNER, AST_JOIN_LEFT, AST_JOIN_RIGHT, AST_JOIN_FULL, AST_JOIN_IMPLICIT } ast_join_type;
typedef enum ast_sample_method { AST_SAMPLE_BERNOULLI, AST_SAMPLE_SYSTEM } ast_sample_method;
typedef enum ast_explain_option_kind { AST_EXPLAIN_FORMAT, AST_EXPLAIN_TYPE } ast_explain_option_kind;
typedef enum ast_explain_format { AST_EXPLAIN_FORMAT_TEXT, AST_EXPLAIN_FORMAT_GRAPHVIZ, AST_EXPLAIN_FORMAT_JSON } ast_explain_format;
typedef enum ast_explain_type { AST_EXPLAIN_TYPE_LOGICAL, AST_EXPLAIN_TYPE_DISTRIBUTED, AST_EXPLAIN_TYPE_VALIDATE, AST_EXPLAIN_TYPE_IO } ast_explain_type;
typedef enum ast_object_kind { AST_OBJECT_TABLE, AST_OBJECT_VIEW, AST_OBJECT_SCHEMA, AST_OBJECT_MATERIALIZED_VIEW, AST_OBJECT_COLUMN } ast_object_kind;
typedef enum ast_isolation { AST_ISOLATION_READ_UNCOMMITTED, AST_ISOLATION_READ_COMMITTED, AST_ISOLATION_REPEATABLE_READ, AST_ISOLATION_SERIALIZABLE } ast_isolation;
typedef enum ast_with_data { AST_WITH_DATA_DEFAULT, AST_WITH_DATA, AST_WITH_NO_DATA } ast_with_data;
typedef enum ast_like_properties { AST_LIKE_PROPERTIES_DEFAULT, AST_LIKE_INCLUDING_PROPERTIES, AST_LIKE_EXCLUDING_PROPERTIES } ast_like_properties;
typedef enum ast_view_security { AST_SECURITY_DEFAULT, AST_SECURITY_DEFINER, AST_SECURITY_INVOKER } ast_view_security;

struct ast_node {
  ast_kind kind;
  ast_pos pos;
  union {
    struct { /* NULL, BOOLEAN (flag), LONG (int_value; text = source spelling), DECIMAL
                (text), DOUBLE (double_value, text), STRING (text = decoded value),
                BINARY (text = decoded bytes), PARAMETER (int_value = 0-based index) */
      int64_t int_value;
      double double_value;
      sql_str text;
      bool flag;
    } literal;
    struct { /* TYPED_LITERAL: DATE '2020-01-01', DECIMAL '1.5', TIMESTAMP '...' */
      ast_node *type_name;  /* IDENTIFIER */
      sql_str value;
    } typed_literal;
    struct { /* INTERVAL_LITERAL (value, sign, start, end) and INTERVAL_TYPE (start, end) */
      sql_str value;
      int sign;             /* +1 or -1 */
      ast_interval_field start, end;  /* end is AST_FIELD_NONE when absent */
    } interval;
    struct { /* IDENTIFIER */
      sql_str value;        /* unquoted: lower-cased; quoted: unescaped, case kept */
      sql_str text;         /* as written (with quotes when quoted) */
      bool quoted;
    } identifier;
    struct { /* QUALIFIED_NAME (identifiers), ARRAY/ROW_CONSTRUCTOR (items),
                GROUPING_OPERATION (qualified names), ROW_TYPE (ROW_FIELDs),
                GROUPING_SET (expressions), VALUES (rows), START_TRANSACTION (modes) */
      ast_list items;
    } list;
    struct { /* ARITHMETIC_UNARY (op, operand), NOT, EXISTS / SUBQUERY_EXPRESSION /
                TABLE_SUBQUERY / LATERAL (operand = QUERY), FRAME_BOUND (op =
                ast_bound_type, operand = offset or NULL), LIMIT (operand = count or
                NULL for ALL), FETCH_FIRST (operand = count or NULL, op = 1 WITH TIES),
                TABLE (operand = QUALIFIED_NAME), RESET_SESSION, DEALLOCATE,
                DESCRIBE_INPUT/OUTPUT (operand = name) */
      int op;
      ast_node *operand;
    } unary;
    struct { /* ARITHMETIC_BINARY (op = ast_arith_op), COMPARISON (op =
                ast_comparison_op), DEREFERENCE (left = base, right = IDENTIFIER),
                SUBSCRIPT (left = base, right = index), WHEN_CLAUSE (left =
                condition, right = result), AT_TIME_ZONE (left = value, right =
                zone), EXTRACT (left = field IDENTIFIER, right = value), ROW_FIELD
                (left = name or NULL, right = type), SELECT_ITEM (left = expression,
                right = alias or NULL), WINDOW_DEFINITION (left = name, right =
                WINDOW_SPECIFICATION), USE (left = catalog or NULL, right =
                schema), SET_SESSION (left = QUALIFIED_NAME, right = value),
                PREPARE (left = name, right = statement), PROPERTY (left = name,
                right = value or NULL for DEFAULT), UPDATE_ASSIGNMENT (left =
                column, right = value), CALL_ARGUMENT (left = name or NULL, right
                = value) */
      int op;
      ast_node *left;
      ast_node *right;
    } binary;
    struct { /* LOGICAL: flattened AND / OR */
      ast_logical_op op;
      ast_list terms;       /* at least two */
    } logical;
    struct { /* IS_NULL (value), BETWEEN (value, a = low, b = high), LIKE (value,
                a = pattern, b = escape or NULL), IN_SUBQUERY (value, a = QUERY) */
      ast_node *value;
      ast_node *a;
      ast_node *b;
      bool negated;
    } predicate;
    struct { /* IN_LIST */
      ast_node *value;
      ast_list items;
      bool negated;
    } in_list;
    struct { /* QUANTIFIED_COMPARISON: value op quantifier (query) */
      ast_comparison_op op;
      ast_quantifier quantifier;
      ast_node *value;
      ast_node *query;
    } quantified;
    struct { /* CASE: operand NULL for a searched CASE */
      ast_node *operand;
      ast_list whens;       /* WHEN_CLAUSEs */
      ast_node *else_value;
    } case_expr;
    struct { /* CAST / TRY_CAST */
      ast_node *value;
      ast_node *type;
      bool safe;            /* TRY_CAST */
    } cast;
    struct { /* FUNCTION_CALL */
      ast_node *name;       /* QUALIFIED_NAME */
      ast_list args;
      ast_list order_by;    /* SORT_ITEMs: array_agg(x ORDER BY y) */
      ast_node *filter;     /* FILTER (WHERE ...) or NULL */
      ast_node *window;     /* WINDOW_SPECIFICATION, IDENTIFIER (OVER w), or NULL */
      bool distinct;
      bool star;            /* count(*) */
      ast_null_treatment null_treatment;
      ast_processing_mode processing_mode;
    } call;
    struct { /* LAMBDA */
      ast_list params;      /* IDENTIFIERs */
      ast_node *body;
    } lambda;
    struct { /* CURRENT: CURRENT_DATE, CURRENT_TIMESTAMP(3), CURRENT_USER, ... */
      ast_current_kind what;
      int precision;        /* -1 when not given */
    } current;
    struct { /* WINDOW_SPECIFICATION */
      ast_node *existing_name;  /* IDENTIFIER or NULL */
      ast_list partition_by;
      ast_list order_by;        /* SORT_ITEMs */
      ast_node *frame;          /* WINDOW_FRAME or NULL */
    } window;
    struct { /* WINDOW_FRAME */
      ast_frame_type type;
      ast_node *start;          /* FRAME_BOUND */
      ast_node *end;            /* FRAME_BOUND or NULL */
    } frame;
    struct { /* SORT_ITEM */
      ast_node *key;
      bool descending;
      ast_null_ordering null_ordering;
    } sort_item;
    struct { /* GENERIC_TYPE: varchar(25), decimal(12,2), array(integer), map(k,v) */
      ast_node *name;           /* IDENTIFIER, lower-cased unless quoted */
      ast_list params;          /* LONG_LITERALs and type nodes */
    } generic_type;
    struct { /* DATETIME_TYPE: TIME/TIMESTAMP [(p)] [WITH[OUT] TIME ZONE] */
      bool timestamp;
      bool with_time_zone;
      ast_node *precision;      /* LONG_LITERAL / type parameter, or NULL */
    } datetime_type;
    struct { /* QUERY: [WITH] body [ORDER BY] [OFFSET] [LIMIT|FETCH] */
      ast_node *with;           /* WITH or NULL */
      ast_node *body;           /* QUERY_SPECIFICATION, SET_OPERATION, VALUES,
                                   TABLE, TABLE_SUBQUERY */
      ast_list order_by;
      ast_node *offset;         /* LONG_LITERAL / PARAMETER or NULL */
      ast_node *limit;          /* LIMIT, FETCH_FIRST or NULL */
    } query;
    struct { /* WITH */
      bool recursive;
      ast_list queries;         /* WITH_QUERYs */
    } with;
    struct { /* WITH_QUERY: name [(columns)] AS (query) */
      ast_node *name;
      ast_list columns;
      ast_node *query;
    } with_query;
    struct { /* QUERY_SPECIFICATION */
      bool distinct;
      ast_list select;          /* SELECT_ITEMs and ALL_COLUMNS */
      ast_node *from;           /* relation (comma lists are IMPLICIT joins) or NULL */
      ast_node *where;
      ast_node *group_by;       /* GROUP_BY or NULL */
      ast_node *having;
      ast_list windows;         /* WINDOW_DEFINITIONs */
    } query_spec;
    struct { /* ALL_COLUMNS: *, t.*, expr.* AS (a, b) */
      ast_node *prefix;         /* NULL for a bare * */
      ast_list aliases;
    } all_columns;
    struct { /* GROUP_BY */
      bool distinct;
      ast_list elements;        /* GROUPING_ELEMENTs */
    } group_by;
    struct { /* GROUPING_ELEMENT: SIMPLE has exactly one set */
      ast_grouping_kind type;
      ast_list sets;            /* GROUPING_SETs */
    } grouping_element;
    struct { /* SET_OPERATION */
      ast_set_op op;
      bool all;                 /* false: DISTINCT (the default) */
      ast_node *left;
      ast_node *right;
    } set_operation;
    struct { /* ALIASED_RELATION */
      ast_node *relation;
      ast_node *alias;          /* IDENTIFIER */
      ast_list columns;         /* IDENTIFIERs */
    } aliased;
    struct { /* UNNEST */
      ast_list exprs;
      bool with_ordinality;
    } unnest;
    struct { /* JOIN */
      ast_join_type type;
      bool natural;
      ast_node *left;
      ast_node *right;
      ast_node *on;             /* ON condition or NULL */
      ast_list using_columns;   /* USING (IDENTIFIERs) */
    } join;
    struct { /* SAMPLED_RELATION */
      ast_node *relation;
      ast_sample_method method;
      ast_node *percentage;
    } sampled;
    struct { /* EXPLAIN */
      ast_node *statement;
      ast_list options;         /* EXPLAIN_OPTIONs */
      bool analyze;
      bool verbose;
    } explain;
    struct { /* EXPLAIN_OPTION (kind = ast_explain_option_kind, value =
                ast_explain_format/type), ISOLATION_LEVEL (value = ast_isolation),
                TRANSACTION_ACCESS_MODE (value = 1 read only, 0 read write) */
      int kind;
      int value;
    } option;
    struct { /* SHOW_*: target = FROM schema/catalog/table or NULL; SHOW_CREATE
                (object = ast_object_kind, target = name); SHOW_STATS (target =
                QUALIFIED_NAME or QUERY) */
      ast_node *target;
      ast_node *like;           /* STRING_LITERAL or NULL */
      ast_node *escape;         /* STRING_LITERAL or NULL */
      ast_object_kind object;
    } show;
    struct { /* EXECUTE (name, args = USING values), CALL (name = QUALIFIED_NAME,
                args = CALL_ARGUMENTs) */
      ast_node *name;
      ast_list args;
    } execute;
    struct { /* DDL/DML statements; fields used per kind:
        CREATE_SCHEMA: name, if_not_exists, properties
        DROP_SCHEMA: name, if_exists, cascade
        RENAME_SCHEMA / RENAME_TABLE / RENAME_VIEW: name, target (new name), if_exists
        CREATE_TABLE: name, or_replace, if_not_exists, elements (COLUMN_DEFINITION,
          LIKE_CLAUSE), comment, properties
        CREATE_TABLE_AS_SELECT: name, or_replace, if_not_exists, elements (column
          alias IDENTIFIERs), comment, properties, query, option (ast_with_data)
        COLUMN_DEFINITION: name (IDENTIFIER), type, not_null, comment, properties
        LIKE_CLAUSE: name, option (ast_like_properties)
        INSERT: name, elements (column IDENTIFIERs), query
        DELETE: name, where;  UPDATE: name, elements (UPDATE_ASSIGNMENTs), where
        DROP_TABLE / DROP_VIEW: name, if_exists;  TRUNCATE_TABLE: name
        ADD_COLUMN: name, if_exists, column (COLUMN_DEFINITION), column_if_exists
          (= IF NOT EXISTS for the column)
        DROP_COLUMN: name, if_exists, column (QUALIFIED_NAME), column_if_exists
        RENAME_COLUMN: name, if_exists, column (QUALIFIED_NAME), target (IDENTIFIER),
          column_if_exists
        COMMENT: option (ast_object_kind), name, comment (STRING_LITERAL or NULL)
        CREATE_VIEW: name, or_replace, comment, option (ast_view_security), query
        CREATE_CATALOG: name (IDENTIFIER), if_not_exists, target (connector
          IDENTIFIER), comment, properties
        DROP_CATALOG: name (IDENTIFIER), if_exists, cascade
        ANALYZE: name, properties */
      ast_node *name;
      ast_node *target;
      ast_node *column;
      ast_node *type;
      ast_node *comment;
      ast_node *query;
      ast_node *where;
      ast_list elements;
      ast_list properties;      /* PROPERTYs */
      int option;
      bool or_replace, if_not_exists, if_exists, column_if_exists, cascade, not_null;
    } ddl;
  } u;
};

/* "QUERY_SPECIFICATION" etc. */
const char *ast_kind_name(ast_kind kind);

/* True when two trees are equal ignoring positions (NULLs equal each other). */
bool ast_equal(const ast_node *a, const ast_node *b);

/* Generic child walker: every non-NULL child node, in field order. */
uint32_t ast_child_count(const ast_node *node);
const ast_node *ast_child_at(const ast_node *node, uint32_t index);

/* Pre-order walk; the callback returns false to skip a node's children. */
typedef bool (*ast_visit_fn)(const ast_node *node, int depth, void *context);
void ast_walk(const ast_node *root, ast_visit_fn visit, void *context);

/* Number of nodes in a tree. */
size_t ast_count_nodes(const ast_node *root);

#endif
