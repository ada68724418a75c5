/*
 * explain.h — EXPLAIN output in Trino's shapes.
 *
 * Types: LOGICAL (the plan tree) and DISTRIBUTED (one section per fragment:
 * `Fragment 1 [SOURCE]`, its output layout and partitioning, then its tree
 * with RemoteSource[sourceFragmentIds = [..]] where other fragments feed it).
 * Formats: TEXT, JSON (Trino's JSON plan: id, name, descriptor, outputs,
 * details, estimates, children; DISTRIBUTED is an object keyed by fragment
 * id) and GRAPHVIZ (dot, one cluster per fragment).
 *
 * Text nodes follow Trino's names: Output[columnNames = [...]],
 * Aggregate[type = FINAL, keys = [...]], InnerJoin[criteria = (a = b),
 * distribution = REPLICATED], ScanFilterProject[table = tpch:tiny:lineitem,
 * filterPredicate = ...] (a scan fused with the filter/projection above it),
 * each with `Layout: [...]` and `Estimates: {rows: 123 (4.50kB), cpu: ...,
 * memory: ..., network: ...}` lines, then assignments (`revenue := sum(x)`).
 *
 * EXPLAIN ANALYZE: pass per-node actual statistics indexed by plan node id;
 * each node then gets a `CPU: …, Wall: …, Input: …, Output: …` line (JSON:
 * an "analyze" object).
 */
#ifndef SHOAL_SQL_EXPLAIN_H
#define SHOAL_SQL_EXPLAIN_H

#include <stdbool.h>

#include "connectors/spi/error.h"
#include "sql/fragmenter.h"
#include "sql/plan.h"

typedef enum explain_type {
    EXPLAIN_TYPE_LOGICAL,
    EXPLAIN_TYPE_DISTRIBUTED
} explain_type;

typedef enum explain_format {
    EXPLAIN_FORMAT_TEXT,
    EXPLAIN_FORMAT_JSON,
    EXPLAIN_FORMAT_GRAPHVIZ
} explain_format;

/* Actual statistics of one plan node (EXPLAIN ANALYZE). */
typedef struct explain_node_stats {
    bool present;
    double input_rows, input_bytes;
    double output_rows, output_bytes;
    double cpu_nanos, wall_nanos;
} explain_node_stats;

typedef struct explain_options {
    explain_type type;
    explain_format format;
    const explain_node_stats *stats;  /* indexed by plan_node.id, or NULL */
    int stats_count;
    bool dynamic_filtering;           /* show dynamicFilterAssignments on inner joins */
} explain_options;

/* The plan as text (LOGICAL, whatever options->type says). Returns a
 * malloc'd string, or NULL with *error set. */
char *explain_plan(const plan_node *root, const explain_options *options, shoal_error *error);

/* The fragments (DISTRIBUTED). Returns a malloc'd string, or NULL with *error set. */
char *explain_fragments(const fragmented_plan *plan, const explain_options *options, shoal_error *error);

/* Trino's succinct data size: "45B", "4.50kB", "1.32MB"; "?" for NAN. */
void explain_format_bytes(double bytes, char *out, int size);

#endif
