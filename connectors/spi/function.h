/*
 * function.h — the function registry shared by the analyser (which resolves
 * a name and argument types to one function and its result type) and the
 * operators (which run the function's kernel). Trino's semantics decide the
 * overloads, coercions and result types (e.g. decimal arithmetic rules).
 *
 * The registry holds signatures; implementations are attached by the
 * operators layer (function_entry.implementation) when it starts, so this
 * contract does not depend on the execution code.
 *
 * Operators have reserved names: "$add", "$subtract", "$multiply", "$divide",
 * "$modulus", "$negate", "$equal", "$not_equal", "$less_than",
 * "$less_than_or_equal", "$greater_than", "$greater_than_or_equal".
 */
#ifndef SHOAL_SPI_FUNCTION_H
#define SHOAL_SPI_FUNCTION_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/types.h"

typedef enum function_kind {
    FUNCTION_SCALAR,
    FUNCTION_AGGREGATE,
    FUNCTION_WINDOW
} function_kind;

/* Where an aggregation runs: all at once, or split into a partial step
 * (per pipeline/node, emitting intermediate states) and a final step. */
typedef enum aggregation_step {
    AGGREGATION_SINGLE,
    AGGREGATION_PARTIAL,
    AGGREGATION_FINAL
} aggregation_step;

typedef struct function_entry {
    int id;                        /* index in the registry */
    const char *name;              /* lower case */
    function_kind kind;
    const char *signature;         /* Trino's display, e.g. "substr(varchar(x), bigint) -> varchar(x)" */
    const char *description;
    bool deterministic;
    bool null_on_null;             /* NULL in any argument gives NULL without calling */
    const void *implementation;    /* set by the operators layer */
} function_entry;

/* The outcome of resolving a call: the function, the type each argument must
 * be coerced to first, and the result type. */
typedef struct resolved_function {
    const function_entry *function;
    int arg_count;
    sql_type arg_types[16];
    sql_type return_type;
    /* aggregates: the intermediate (partial) state type */
    sql_type intermediate_type;
    /* aggregates with ORDER BY (listagg ... WITHIN GROUP): the last
     * order_count arguments are the sort keys; bit k of order_descending
     * and order_nulls_first describes key k. Set by the analyser. */
    int order_count;
    uint8_t order_descending, order_nulls_first;
} resolved_function;

/* Resolves name(args) like Trino: exact match first, then the overload
 * reachable by the fewest implicit coercions. Errors: FUNCTION_NOT_FOUND
 * ("Function 'x' not registered") or "Unexpected parameters (bigint) for
 * function length. Expected: length(varchar(x))" with FUNCTION_NOT_FOUND. */
bool function_resolve(const char *name, int arg_count, const sql_type *arg_types,
                      resolved_function *out, shoal_error *error);

/* Binds one known overload to argument types (the coercions each argument
 * needs and the result type); the same errors as function_resolve. Used by
 * the expression compiler to check an EXPR_CALL it is given. */
bool function_bind(const function_entry *function, int arg_count, const sql_type *arg_types,
                   resolved_function *out, shoal_error *error);

/* Attaches the operators layer's implementation to entry `id` (see
 * expr_functions_install). */
void function_set_implementation(int id, const void *implementation);

/* All registered functions, for SHOW FUNCTIONS. */
int function_count(void);
const function_entry *function_at(int id);
const function_entry *function_find(const char *name, function_kind kind);

/* Implicit coercion (Trino's TypeCoercion): can `from` be coerced to `to`,
 * and the common super type of two types. */
bool type_can_coerce(sql_type from, sql_type to);
bool type_common_super_type(sql_type a, sql_type b, sql_type *out);

#endif
