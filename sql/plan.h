/*
 * plan.h — the query plan: a tree of plan nodes, each producing an ordered
 * list of output columns (its "channels"). Expressions inside a node
 * reference the channels of its input(s) with EXPR_COLUMN; a join's residual
 * filter sees the left channels followed by the right ones.
 *
 * The analyser (analyzer.c) builds a logical plan from the AST, the
 * optimiser rules (optimizer_*.c) rewrite it, the fragmenter cuts it at
 * exchanges, and the local planner (in actors/) turns each fragment into
 * operator pipelines. Plan nodes are plain data: a node owns its children,
 * expressions and strings; plan_free frees a tree.
 */
#ifndef SHOAL_SQL_PLAN_H
#define SHOAL_SQL_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/connector.h"
#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"
#include "connectors/spi/sort_key.h"
#include "connectors/spi/types.h"

typedef enum plan_kind {
    PLAN_TABLE_SCAN,
    PLAN_VALUES,
    PLAN_FILTER,
    PLAN_PROJECT,
    PLAN_AGGREGATE,
    PLAN_JOIN,
    PLAN_SEMI_JOIN,          /* left rows + a boolean "has a match" column (IN / EXISTS) */
    PLAN_SORT,
    PLAN_TOP_N,
    PLAN_LIMIT,
    PLAN_DISTINCT_LIMIT,
    PLAN_ENFORCE_SINGLE_ROW,
    PLAN_UNION,
    PLAN_INTERSECT,
    PLAN_EXCEPT,
    PLAN_WINDOW,
    PLAN_EXCHANGE,
    PLAN_OUTPUT,
    PLAN_GROUP_ID,           /* GROUPING SETS: each row once per set, keys outside it NULL, + group id */
    PLAN_UNNEST              /* CROSS/LEFT JOIN UNNEST: rows repeated per element of arrays/maps */
} plan_kind;

typedef enum join_type {
    JOIN_INNER,
    JOIN_LEFT,
    JOIN_RIGHT,
    JOIN_FULL,
    JOIN_CROSS
} join_type;

typedef enum join_distribution {
    JOIN_DISTRIBUTION_AUTOMATIC,
    JOIN_DISTRIBUTION_BROADCAST,     /* Trino: REPLICATED */
    JOIN_DISTRIBUTION_PARTITIONED
} join_distribution;

typedef enum exchange_kind {
    EXCHANGE_GATHER,
    EXCHANGE_REPARTITION,
    EXCHANGE_BROADCAST,
    EXCHANGE_ROUND_ROBIN
} exchange_kind;

typedef enum exchange_scope {
    EXCHANGE_LOCAL,
    EXCHANGE_REMOTE
} exchange_scope;

typedef struct plan_column {
    char *name;               /* display name ("_col0" when unnamed) */
    sql_type type;
} plan_column;


typedef struct plan_aggregate {
    resolved_function function;
    int arg_count;
    int args[8];              /* input channels (listagg: 5 + ORDER BY keys) */
    bool distinct;
    int filter_channel;       /* boolean input channel, or -1 */
} plan_aggregate;

typedef enum plan_frame_unit {
    PLAN_FRAME_RANGE,
    PLAN_FRAME_ROWS,
    PLAN_FRAME_GROUPS
} plan_frame_unit;

typedef enum plan_frame_bound {
    PLAN_BOUND_UNBOUNDED_PRECEDING,
    PLAN_BOUND_PRECEDING,
    PLAN_BOUND_CURRENT_ROW,
    PLAN_BOUND_FOLLOWING,
    PLAN_BOUND_UNBOUNDED_FOLLOWING
} plan_frame_bound;

/* One function of a WINDOW node: a window function (row_number, rank, lag,
 * ...) or an aggregate over the frame. */
typedef struct plan_window_function {
    resolved_function function;
    int argument_channel;     /* -1: none */
    int64_t offset;           /* lag/lead offset, ntile buckets, nth_value n */
    int default_channel;      /* lag/lead default; -1: NULL */
    bool has_frame;           /* false: the default frame */
    plan_frame_unit frame_unit;
    plan_frame_bound frame_start, frame_end;
    int64_t frame_start_offset, frame_end_offset;
} plan_window_function;

typedef struct plan_estimate {
    double rows;              /* NAN when unknown */
    double bytes;
} plan_estimate;

/* A scan column that a join's dynamic filter constrains (Trino's
 * DynamicFilter): the join's build side publishes filter `id` when it is
 * done; the scan drops rows whose `column` cannot match. */
typedef struct plan_dynamic_filter {
    int id;                   /* unique in the plan; the join key's filter */
    int column;               /* the scan's output channel */
} plan_dynamic_filter;

typedef struct plan_node plan_node;

struct plan_node {
    plan_kind kind;
    int id;                   /* unique in the plan, for EXPLAIN (ANALYZE) */
    int column_count;
    plan_column *columns;     /* output columns */
    plan_node *inputs[2];     /* 0, 1 or 2 children; UNION etc. use `sources` */
    plan_node **sources;      /* UNION/INTERSECT/EXCEPT inputs */
    int source_count;
    plan_estimate estimate;

    union {
        struct {              /* TABLE_SCAN */
            char *catalog;
            table_metadata *table;        /* owned */
            int *columns;                 /* table column index per output column */
            column_range *ranges;         /* pushed-down constraints */
            int range_count;
            int64_t limit;                /* -1: none */
            plan_dynamic_filter *dynamic_filters; /* join filters applied here */
            int dynamic_filter_count;
        } scan;
        struct {              /* VALUES: row_count rows of column_count constant exprs */
            int row_count;
            expr **cells;                 /* row-major */
        } values;
        struct {              /* FILTER */
            expr *predicate;
        } filter;
        struct {              /* PROJECT: one expression per output column */
            expr **exprs;
        } project;
        struct {              /* AGGREGATE: output = keys then aggregates */
            aggregation_step step;
            int key_count;
            int *keys;
            int aggregate_count;
            plan_aggregate *aggregates;
            int grouping_set_count;       /* 0: plain GROUP BY */
            int group_id_channel;         /* with grouping sets, or -1 */
        } aggregate;
        struct {              /* JOIN: output = all left columns then all right
                                 columns */
            join_type type;
            int key_count;
            int *left_keys;
            int *right_keys;
            expr *filter;                 /* residual, over left ++ right, or NULL */
            join_distribution distribution;
            bool null_aware;              /* for NOT IN */
            int *dynamic_filter_ids;      /* per key: the filter its build values
                                             publish, -1: none; NULL: none at all */
        } join;
        struct {              /* SEMI_JOIN: output = left columns + match flag */
            int key_count;
            int *source_keys;
            int *filtering_keys;
            expr *filter;                 /* residual, over left ++ right, or NULL */
            bool null_aware;              /* IN semantics: NULL when no match and a NULL exists */
            int *dynamic_filter_ids;      /* as for JOIN: set when a filter above keeps
                                             only matches */
        } semi;
        struct {              /* SORT, TOP_N */
            int key_count;
            sort_key *keys;
            int64_t count;                /* TOP_N */
        } sort;
        struct {              /* LIMIT, DISTINCT_LIMIT */
            int64_t count;                /* -1: no limit (OFFSET only) */
            int64_t offset;
        } limit;
        struct {              /* UNION / INTERSECT / EXCEPT */
            bool distinct;
        } set;
        struct {              /* WINDOW: output = input columns then one per function */
            int partition_count;
            int *partition_channels;
            int order_count;
            sort_key *order_keys;
            int function_count;
            plan_window_function *functions;
        } window;
        struct {              /* GROUP_ID: output = input columns then the bigint group id */
            int key_count;
            int *key_channels;
            int set_count;
            uint64_t *set_masks;              /* bit k: the set groups by key_channels[k] */
        } group_id;
        struct {              /* UNNEST: input = replicated columns then the arrays/maps;
                                 output = replicated columns, the elements (array: one
                                 column, array of rows: its fields, map: key and value),
                                 then the ordinality (bigint) if asked for */
            int replicate_count;
            int unnest_count;
            bool ordinality;
            bool outer;                   /* LEFT JOIN UNNEST ... ON true: NULL row for empty input */
        } unnest;
        struct {              /* EXCHANGE */
            exchange_kind kind;
            exchange_scope scope;
            int key_count;
            int *keys;
        } exchange;
        struct {              /* OUTPUT */
            int unused;
        } output;
    } u;
};

plan_node *plan_node_new(plan_kind kind, int column_count);
void plan_set_column(plan_node *node, int index, const char *name, sql_type type);
/* Copies the input's columns as this node's columns (filter, sort, limit...). */
bool plan_copy_columns(plan_node *node, const plan_node *input);
void plan_free(plan_node *node);
const char *plan_kind_name(plan_kind kind);

/* Assigns ids in pre-order, starting at 0. */
void plan_number(plan_node *root);

#endif
