/*
 * query_stages.h — a query's stages and their tasks as the REST API shows
 * them: `rootStage` in a QueryResults' stats (Trino's StageStats: state,
 * splits, CPU, wall, rows, bytes, failed tasks, subStages) and
 * `outputStage` in GET /v1/query/{id} (StageInfo with stageStats, tasks
 * with taskStatus and stats, subStages).
 *
 * A stage is a tree node: sub_stages are the stages feeding it, tasks the
 * nodes running it. Today every query has one stage with one task on this
 * coordinator (query_stages_single); distributed execution fills the same
 * structures with its fragments and their tasks.
 */
#ifndef SHOAL_COORDINATOR_QUERY_STAGES_H
#define SHOAL_COORDINATOR_QUERY_STAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "actors/coordinator/json_text.h"
#include "actors/engine/query.h"
#include "connectors/spi/text_builder.h"

/* Counters of a task or a stage (a stage's are its tasks' sums). */
typedef struct stage_counters {
    int64_t total_splits;
    int64_t queued_splits;
    int64_t running_splits;
    int64_t completed_splits;
    int64_t cpu_time_ms;
    int64_t wall_time_ms;
    int64_t processed_rows;        /* raw input rows */
    int64_t processed_bytes;       /* raw input bytes */
    int64_t output_rows;
    int64_t peak_memory_bytes;
} stage_counters;

typedef struct task_stats {
    int partition;                 /* task id = {query}.{stage}.{partition}.0 */
    const char *state;             /* Trino TaskState: PLANNED, RUNNING, FINISHED, CANCELED, ABORTED, FAILED */
    const char *node_id;
    const char *node_uri;          /* where the task runs ("http://host:port") */
    stage_counters counters;
} task_stats;

typedef struct stage_stats {
    int stage_id;
    const char *state;             /* Trino StageState: PLANNED, SCHEDULING, RUNNING, FINISHED, ABORTED, FAILED, … */
    bool done;
    bool coordinator_only;
    int nodes;
    int failed_tasks;
    stage_counters counters;
    const task_stats *tasks;
    int task_count;
    const struct stage_stats *sub_stages;
    int sub_stage_count;
} stage_stats;

/* The single stage of a query run on this node: one task, the query's
 * progress, CPU, wall time and output. `query_state` is the client-visible
 * state (RUNNING, FINISHED, FAILED); a canceled query's stage is ABORTED. */
void query_stages_single(const query_progress *progress, const char *query_state, bool canceled,
                         const stage_counters *times, const char *node_id, const char *node_uri,
                         stage_stats *stage, task_stats *task);

/* StatementStats.rootStage (recursive StageStats). */
void query_stages_write_root_stage(const stage_stats *stage, text_builder *b);
/* QueryInfo.outputStage (recursive StageInfo with tasks). */
void query_stages_write_output_stage(const stage_stats *stage, const char *query_id, const char *base_uri,
                                     text_builder *b);
/* The driver, time, input and output members QueryStats, StageStats and
 * TaskStats share (totalDrivers, totalCpuTime, rawInputPositions, …). */
void query_stages_write_counters(json_out *o, const stage_counters *c);
/* Trino's progressPercentage: present (true) only when splits are known. */
bool query_stages_progress_percentage(const stage_counters *c, double *out);

#endif
