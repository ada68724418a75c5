/*
 * op_lookup_join.h — the probe side of a hash join (Trino's LookupJoin
 * operator): waits until the bridge is built (is_blocked on its event),
 * then for each probe page hashes the key columns, finds each row's chain
 * of build rows, and emits (probe columns, build columns) pairs.
 *
 * Join types: INNER, LEFT, RIGHT, FULL, SEMI, ANTI. For SEMI the operator
 * can instead emit every probe row plus a boolean match column with IN
 * semantics (TRUE on a match; NULL when there is no match but the probe key
 * is NULL or the build has a NULL key, and the build is not empty; else
 * FALSE). ANTI with null_aware has NOT IN semantics: a NULL key on the
 * build side gives no rows; a NULL probe key gives no row when the build is
 * non-empty. Plain ANTI (NOT EXISTS) keeps probe rows with NULL keys.
 *
 * The optional residual filter is an expression over the channels
 * [0, probe_column_count) = the probe page's columns followed by
 * [probe_column_count, +build_column_count) = the build columns; a pair
 * joins only when it is TRUE (outer joins then pad the rows that had no
 * passing pair).
 *
 * Output: probe_output_channels (probe columns), then build_output_channels
 * (build columns; NULL for padded rows), then for SEMI with
 * emit_match_flag the boolean match column. SEMI/ANTI without the flag
 * output probe columns only. RIGHT/FULL: after all probe drivers finish,
 * the last one emits the build rows that never matched (probe columns
 * NULL).
 */
#ifndef SHOAL_OPERATORS_OP_LOOKUP_JOIN_H
#define SHOAL_OPERATORS_OP_LOOKUP_JOIN_H

#include "connectors/spi/expression.h"
#include "operators/op_join_bridge.h"
#include "operators/operator.h"

typedef enum op_join_type {
    OP_JOIN_INNER,
    OP_JOIN_LEFT,
    OP_JOIN_RIGHT,
    OP_JOIN_FULL,
    OP_JOIN_SEMI,
    OP_JOIN_ANTI
} op_join_type;

typedef struct lookup_join_config {
    op_join_type type;
    int probe_column_count;            /* the probe page's columns */
    const sql_type *probe_types;
    int key_count;                     /* must equal the bridge's */
    const int *probe_key_channels;
    int probe_output_count;
    const int *probe_output_channels;
    int build_output_count;            /* ignored for SEMI/ANTI */
    const int *build_output_channels;
    const expr *residual_filter;       /* NULL: none */
    bool emit_match_flag;              /* SEMI only */
    bool null_aware;                   /* ANTI only: NOT IN */
} lookup_join_config;

/* Takes its own reference to the bridge. The bridge must track matches for
 * RIGHT and FULL joins. */
operator *lookup_join_create(int plan_node_id, join_bridge *bridge,
                             const lookup_join_config *config, shoal_error *error);

/* The same operator over a key-less bridge: every build row is a candidate
 * for every probe row (op_nested_loop_join.h wraps this). */
operator *lookup_join_create_nested_loop(int plan_node_id, join_bridge *bridge,
                                         const lookup_join_config *config, shoal_error *error);

#endif
