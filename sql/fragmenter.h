/*
 * fragmenter.h — cuts an optimised plan into fragments (Trino's stages) at
 * remote exchanges, ready for the stage scheduler.
 *
 * First, remote PLAN_EXCHANGE nodes are added where data must move
 * between tasks (fragmenter_add_exchanges):
 *  - GATHER to a single task under OUTPUT, SORT, final TOP_N / LIMIT /
 *    DISTINCT_LIMIT (whose partial copies stay below), ENFORCE_SINGLE_ROW,
 *    WINDOW, set operations, and global (keyless) aggregations;
 *  - REPARTITION on the group keys between PARTIAL and FINAL aggregation
 *    (and under an unsplit grouped aggregation), and on the join keys on
 *    both sides of a PARTITIONED join (and semi join);
 *  - BROADCAST (Trino's REPLICATE) of the build side of a BROADCAST join
 *    and of a semi join's filtering side.
 * Nothing is added below a subtree that already runs in a single task.
 *
 * Then every remote exchange becomes a boundary: the subtree under it is a
 * child fragment whose output goes out as the exchange says, and the
 * exchange node stays in the parent with no input as a *remote source*
 * (fragment.remote_sources maps its plan node id to the child fragment).
 * Fragment 0 is the root (SINGLE, holds OUTPUT); ids follow pre-order.
 * For single-node execution the same fragments run on the one node.
 */
#ifndef SHOAL_SQL_FRAGMENTER_H
#define SHOAL_SQL_FRAGMENTER_H

#include "connectors/spi/error.h"
#include "sql/plan.h"

typedef enum fragment_partitioning {
    FRAGMENT_SINGLE,            /* one task (root, gathers) */
    FRAGMENT_COORDINATOR_ONLY,  /* one task on the coordinator (system tables) */
    FRAGMENT_FIXED_HASH,        /* a fixed number of tasks, input hash-partitioned (Trino: HASH) */
    FRAGMENT_SOURCE             /* tasks where the splits of its table scans are read */
} fragment_partitioning;

typedef struct fragment_remote_source {
    int node_id;                /* id of the PLAN_EXCHANGE (no input) in this fragment's tree */
    int fragment_id;            /* the fragment feeding it */
    exchange_kind kind;
} fragment_remote_source;

typedef struct plan_fragment {
    int id;
    fragment_partitioning partitioning;
    plan_node *root;            /* owned */
    /* how the output leaves for the consumer's remote source */
    exchange_kind output_kind;  /* GATHER (also for the root, to the client), REPARTITION, BROADCAST */
    int output_key_count;
    int *output_keys;           /* channels of root's output (REPARTITION) */
    int consumer_fragment_id;   /* -1 for the root */
    int remote_source_count;
    fragment_remote_source *remote_sources;
} plan_fragment;

typedef struct fragmented_plan {
    int fragment_count;
    plan_fragment *fragments;   /* fragments[i].id == i; fragments[0] is the root */
} fragmented_plan;

typedef struct fragmenter_options {
    double broadcast_threshold; /* bytes: semi joins whose filtering side is bigger are partitioned; <= 0: 100MB */
} fragmenter_options;

/* Adds the remote exchanges (takes ownership of root; returns the new root,
 * renumbered with plan_number), or NULL with *error set. */
plan_node *fragmenter_add_exchanges(plan_node *root, const fragmenter_options *options, shoal_error *error);

/* Adds the exchanges and cuts the plan (takes ownership of root). NULL with
 * *error set on failure. */
fragmented_plan *fragmenter_run(plan_node *root, const fragmenter_options *options, shoal_error *error);
void fragmented_plan_free(fragmented_plan *plan);

/* Trino's spelling: "SINGLE", "COORDINATOR_ONLY", "HASH", "SOURCE". */
const char *fragment_partitioning_name(fragment_partitioning partitioning);
/* "GATHER", "REPARTITION", "REPLICATE", "ROUND_ROBIN". */
const char *exchange_kind_name(exchange_kind kind);

/* The fragment feeding remote source node `node_id` of fragment f, or -1. */
int fragment_source_of(const plan_fragment *f, int node_id);

#endif
