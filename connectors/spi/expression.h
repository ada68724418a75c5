/*
 * expression.h — the typed expression IR that the planner produces and the
 * operators compile into vector kernels (Trino's RowExpression). It is also
 * what a connector sees when the engine offers it a filter to push down.
 *
 * Every node has a result type. Comparisons and arithmetic are calls to
 * operator functions (names such as "$add", "$less_than", see function.h);
 * control flow and null handling that must not evaluate every argument are
 * special forms (AND, OR, IF, CASE, COALESCE, ...).
 *
 * Expressions are built in an arena (or freed with expr_free) and are
 * immutable once built.
 */
#ifndef SHOAL_SPI_EXPRESSION_H
#define SHOAL_SPI_EXPRESSION_H

#include <stdbool.h>

#include "connectors/spi/types.h"
#include "connectors/spi/value.h"

struct function_entry;

typedef enum expr_kind {
    EXPR_COLUMN,          /* input channel `column` of the page */
    EXPR_CONSTANT,        /* `constant` */
    EXPR_CALL,            /* function(args...) */
    EXPR_CAST,            /* CAST(args[0] AS type) */
    EXPR_TRY_CAST,        /* TRY_CAST(args[0] AS type): NULL instead of a cast error */
    EXPR_TRY,             /* TRY(args[0]): NULL instead of Trino's catchable errors */
    EXPR_AND,             /* args[0] AND args[1] AND ... (three-valued) */
    EXPR_OR,
    EXPR_NOT,
    EXPR_IS_NULL,
    EXPR_IF,              /* IF(cond, then, else) */
    EXPR_CASE,            /* searched: when0, then0, when1, then1, ..., [else] (odd count = has else) */
    EXPR_COALESCE,
    EXPR_NULLIF,
    EXPR_IN,              /* args[0] IN (args[1..]) with SQL null semantics */
    EXPR_BETWEEN,         /* args[0] BETWEEN args[1] AND args[2] */
    EXPR_IS_DISTINCT_FROM,
    EXPR_LIKE,            /* args[0] LIKE args[1] [ESCAPE args[2]] */
    EXPR_ROW,             /* ROW(args...) */
    EXPR_ARRAY,           /* ARRAY[args...] */
    EXPR_DEREFERENCE,     /* args[0].field `field_index` */
    EXPR_SUBSCRIPT,       /* args[0][args[1]] */
    EXPR_LAMBDA,          /* parameters are EXPR_LAMBDA_VARIABLE 0..n-1; body in args[0] */
    EXPR_LAMBDA_VARIABLE
} expr_kind;

typedef struct expr {
    expr_kind kind;
    sql_type type;
    int arg_count;
    struct expr **args;
    int column;                          /* EXPR_COLUMN, EXPR_LAMBDA_VARIABLE */
    int field_index;                     /* EXPR_DEREFERENCE */
    int lambda_parameter_count;          /* EXPR_LAMBDA */
    value constant;                      /* EXPR_CONSTANT */
    const struct function_entry *function; /* EXPR_CALL */
    int line, position;                  /* where in the SQL, for runtime errors */
} expr;

/* Heap constructors (expr_free frees a whole tree). Constant strings are copied. */
expr *expr_column(int column, sql_type type);
expr *expr_constant(value v);
expr *expr_call(const struct function_entry *function, sql_type type, int arg_count, expr **args);
expr *expr_special(expr_kind kind, sql_type type, int arg_count, expr **args);
expr *expr_copy(const expr *e);
void expr_free(expr *e);
bool expr_equal(const expr *a, const expr *b);

/* True when the expression reads no column and calls only deterministic functions. */
bool expr_is_constant(const expr *e);

/* Prints the expression as SQL-like text (for EXPLAIN): "(#2 + 1)", "sum(#0)". */
int expr_format(const expr *e, char *out, int size);

#endif
