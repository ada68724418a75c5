/*
 * aggregate_function.h — how an aggregate function plugs into the
 * aggregation operators (hash, streaming, global, window frames).
 *
 * State is a fixed-size block per group, stored by the operator (in its hash
 * table rows or an array); the function never allocates per row. The update
 * step is vectorised: for each row i of the input, fold the argument values
 * into the state at states[i] (DuckDB's model). Partial aggregation writes a
 * state as an intermediate value; final aggregation merges intermediates.
 *
 * The function's resolved types come from the registry (connectors/spi/
 * function.h); `aggregate_function_for` (implemented with the functions)
 * returns the implementation for a resolved aggregate.
 */
#ifndef SHOAL_OPERATORS_AGGREGATE_FUNCTION_H
#define SHOAL_OPERATORS_AGGREGATE_FUNCTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/function.h"
#include "connectors/spi/vector.h"

typedef struct aggregate_function aggregate_function;

struct aggregate_function {
    const char *name;
    size_t state_size;                 /* bytes per group, 16-byte aligned by the caller */
    sql_type return_type;
    sql_type intermediate_type;        /* type of the partial state column */

    void (*init)(const aggregate_function *f, void *state);
    /* Folds rows [0, count) into states[i] (NULL inputs are skipped as SQL
     * says, unless the function counts them: count(*)). */
    bool (*update)(const aggregate_function *f, void *const *states, uint32_t count,
                   const vector *const *args, shoal_error *error);
    /* target += source (both states of this function). */
    bool (*combine)(const aggregate_function *f, void *target, const void *source,
                    shoal_error *error);
    /* Writes the state as an intermediate value into row `row` of `out`. */
    bool (*write_intermediate)(const aggregate_function *f, const void *state, vector *out,
                               uint32_t row);
    /* Merges intermediate values of rows [0, count) into states[i]. */
    bool (*merge_intermediate)(const aggregate_function *f, void *const *states, uint32_t count,
                               const vector *intermediate, shoal_error *error);
    /* Writes the final result into row `row` of `out`. */
    bool (*finalize)(const aggregate_function *f, const void *state, vector *out, uint32_t row,
                     shoal_error *error);
    /* Frees heap memory the state holds (array_agg, approx_percentile); may be NULL. */
    void (*destroy)(const aggregate_function *f, void *state);

    const void *data;                  /* function-specific constant data */
};

/* The implementation of a resolved aggregate call (NULL with an error when
 * it has none). The returned object lives as long as the process. */
const aggregate_function *aggregate_function_for(const resolved_function *resolved,
                                                 shoal_error *error);

#endif
