/*
 * op_window.h — window functions (Trino's WindowOperator): buffers all
 * input, sorts it by PARTITION BY then ORDER BY (normalised keys,
 * op_sort_key.h), then computes each function over each partition and
 * emits the input columns followed by one column per function, in
 * partition/order sequence.
 *
 * Functions: row_number, rank, dense_rank, ntile(n), percent_rank,
 * cume_dist, lag/lead(x[, offset[, default]]), first_value, last_value,
 * nth_value(x, n), and any aggregate_function over a frame. Frames: ROWS
 * with UNBOUNDED PRECEDING / n PRECEDING / CURRENT ROW / n FOLLOWING /
 * UNBOUNDED FOLLOWING; RANGE with UNBOUNDED and CURRENT ROW bounds (peers).
 * The default frame is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
 * RANGE with an offset is rejected (NOT_SUPPORTED) for now.
 */
#ifndef SHOAL_OPERATORS_OP_WINDOW_H
#define SHOAL_OPERATORS_OP_WINDOW_H

#include <stdint.h>

#include "operators/aggregate_function.h"
#include "operators/op_sort_key.h"
#include "operators/operator.h"

typedef enum window_function_kind {
    WINDOW_ROW_NUMBER,
    WINDOW_RANK,
    WINDOW_DENSE_RANK,
    WINDOW_NTILE,
    WINDOW_PERCENT_RANK,
    WINDOW_CUME_DIST,
    WINDOW_LAG,
    WINDOW_LEAD,
    WINDOW_FIRST_VALUE,
    WINDOW_LAST_VALUE,
    WINDOW_NTH_VALUE,
    WINDOW_AGGREGATE
} window_function_kind;

typedef enum window_frame_unit { WINDOW_FRAME_RANGE, WINDOW_FRAME_ROWS } window_frame_unit;

typedef enum window_bound {
    WINDOW_UNBOUNDED_PRECEDING,
    WINDOW_PRECEDING,
    WINDOW_CURRENT_ROW,
    WINDOW_FOLLOWING,
    WINDOW_UNBOUNDED_FOLLOWING
} window_bound;

typedef struct window_frame {
    window_frame_unit unit;
    window_bound start;
    int64_t start_offset;              /* n for n PRECEDING/FOLLOWING */
    window_bound end;
    int64_t end_offset;
} window_frame;

typedef struct window_function_spec {
    window_function_kind kind;
    int argument_channel;              /* value/aggregate argument; -1: none (count(*)) */
    int64_t offset;                    /* lag/lead offset (1), ntile buckets, nth_value n */
    int default_channel;               /* lag/lead default, -1: NULL */
    const aggregate_function *aggregate; /* WINDOW_AGGREGATE */
    bool has_frame;                    /* false: the default frame */
    window_frame frame;
} window_function_spec;

/* Output: the input columns, then one column per function. Ranking
 * functions are bigint, percent_rank/cume_dist double, value functions the
 * argument's type, aggregates their return type. */
operator *window_create(int plan_node_id, int column_count, const sql_type *types,
                        int partition_count, const int *partition_channels, int order_count,
                        const sort_key *order_keys, int function_count,
                        const window_function_spec *functions, shoal_error *error);

#endif
