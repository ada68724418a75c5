/*
 * query_stages.c — the stage and task JSON of the REST API (see
 * query_stages.h).
 */
#include "query_stages.h"

#include <stdio.h>
#include <string.h>

#include "actors/coordinator/json_text.h"

static const char *stage_state_of(const char *query_state, bool canceled)
{
    if (strcmp(query_state, "FINISHED") == 0)
        return "FINISHED";
    if (strcmp(query_state, "FAILED") == 0)
        return canceled ? "ABORTED" : "FAILED";
    if (strcmp(query_state, "QUEUED") == 0)
        return "PLANNED";
    return "RUNNING";
}

static const char *task_state_of(const char *stage_state)
{
    return strcmp(stage_state, "ABORTED") == 0 ? "ABORTED" : stage_state;
}

void query_stages_single(const query_progress *progress, const char *query_state, bool canceled,
                         const stage_counters *times, const char *node_id, const char *node_uri,
                         stage_stats *stage, task_stats *task)
{
    memset(stage, 0, sizeof *stage);
    memset(task, 0, sizeof *task);
    stage_counters c = *times;
    c.total_splits = progress->total_splits;
    c.queued_splits = progress->queued_splits;
    c.running_splits = progress->running_splits;
    c.completed_splits = progress->completed_splits;
    c.processed_rows = progress->processed_rows;
    c.processed_bytes = progress->processed_bytes;
    stage->state = stage_state_of(query_state, canceled);
    stage->done = strcmp(stage->state, "RUNNING") != 0 && strcmp(stage->state, "PLANNED") != 0;
    stage->nodes = 1;
    stage->failed_tasks = strcmp(stage->state, "FAILED") == 0 ? 1 : 0;
    stage->counters = c;
    stage->tasks = task;
    stage->task_count = 1;
    task->state = task_state_of(stage->state);
    task->node_id = node_id;
    task->node_uri = node_uri;
    task->counters = c;
}

bool query_stages_progress_percentage(const stage_counters *c, double *out)
{
    if (c->total_splits <= 0)
        return false;
    double p = 100.0 * (double)c->completed_splits / (double)c->total_splits;
    *out = p > 100.0 ? 100.0 : p;
    return true;
}

static void write_split_counts(json_out *o, const stage_counters *c, const char *suffix)
{
    char key[32];
    snprintf(key, sizeof key, "total%s", suffix);
    json_member_int(o, key, c->total_splits);
    snprintf(key, sizeof key, "queued%s", suffix);
    json_member_int(o, key, c->queued_splits);
    snprintf(key, sizeof key, "running%s", suffix);
    json_member_int(o, key, c->running_splits);
    snprintf(key, sizeof key, "completed%s", suffix);
    json_member_int(o, key, c->completed_splits);
}

void query_stages_write_root_stage(const stage_stats *stage, text_builder *b)
{
    json_out o;
    json_begin_object(&o, b);
    char id[16];
    snprintf(id, sizeof id, "%d", stage->stage_id);
    json_member_string(&o, "stageId", id);
    json_member_string(&o, "state", stage->state);
    json_member_bool(&o, "done", stage->done);
    json_member_int(&o, "nodes", stage->nodes);
    write_split_counts(&o, &stage->counters, "Splits");
    json_member_int(&o, "cpuTimeMillis", stage->counters.cpu_time_ms);
    json_member_int(&o, "wallTimeMillis", stage->counters.wall_time_ms);
    json_member_int(&o, "processedRows", stage->counters.processed_rows);
    json_member_int(&o, "processedBytes", stage->counters.processed_bytes);
    json_member_int(&o, "physicalInputBytes", stage->counters.processed_bytes);
    json_member_int(&o, "failedTasks", stage->failed_tasks);
    json_member_bool(&o, "coordinatorOnly", stage->coordinator_only);
    json_key(&o, "subStages");
    text_builder_putc(b, '[');
    for (int i = 0; i < stage->sub_stage_count; i++) {
        if (i)
            text_builder_putc(b, ',');
        query_stages_write_root_stage(&stage->sub_stages[i], b);
    }
    text_builder_putc(b, ']');
    json_end_object(&o);
}

/* airlift Duration text, as Trino's JSON carries times ("12.00ms"). */
static void member_duration(json_out *o, const char *key, int64_t ms)
{
    char text[32];
    snprintf(text, sizeof text, "%.2fms", (double)ms);
    json_member_string(o, key, text);
}

/* airlift DataSize text ("1234B"). */
static void member_data_size(json_out *o, const char *key, int64_t bytes)
{
    char text[32];
    snprintf(text, sizeof text, "%lldB", (long long)bytes);
    json_member_string(o, key, text);
}

void query_stages_write_counters(json_out *o, const stage_counters *c)
{
    write_split_counts(o, c, "Drivers");
    member_duration(o, "totalScheduledTime", c->wall_time_ms);
    member_duration(o, "totalCpuTime", c->cpu_time_ms);
    member_data_size(o, "rawInputDataSize", c->processed_bytes);
    json_member_int(o, "rawInputPositions", c->processed_rows);
    member_data_size(o, "physicalInputDataSize", c->processed_bytes);
    json_member_int(o, "processedInputPositions", c->processed_rows);
    json_member_int(o, "outputPositions", c->output_rows);
    member_data_size(o, "peakUserMemoryReservation", c->peak_memory_bytes);
}

static void write_task(const task_stats *t, const char *stage_key, const char *base_uri, text_builder *b)
{
    char task_id[160];
    snprintf(task_id, sizeof task_id, "%s.%d.0", stage_key, t->partition);
    json_out o;
    json_begin_object(&o, b);
    json_key(&o, "taskStatus");
    json_out st;
    json_begin_object(&st, b);
    json_member_string(&st, "taskId", task_id);
    json_member_string(&st, "state", t->state);
    char self[512];
    snprintf(self, sizeof self, "%s/v1/task/%s", t->node_uri ? t->node_uri : base_uri, task_id);
    json_member_string(&st, "self", self);
    json_member_string(&st, "nodeId", t->node_id);
    json_member_int(&st, "runningPartitionedDrivers", t->counters.running_splits);
    json_member_int(&st, "queuedPartitionedDrivers", t->counters.queued_splits);
    json_end_object(&st);
    json_key(&o, "stats");
    json_out ts;
    json_begin_object(&ts, b);
    query_stages_write_counters(&ts, &t->counters);
    json_end_object(&ts);
    json_end_object(&o);
}

void query_stages_write_output_stage(const stage_stats *stage, const char *query_id, const char *base_uri,
                                     text_builder *b)
{
    char stage_key[128];
    snprintf(stage_key, sizeof stage_key, "%s.%d", query_id, stage->stage_id);
    json_out o;
    json_begin_object(&o, b);
    json_member_string(&o, "stageId", stage_key);
    json_member_string(&o, "state", stage->state);
    json_member_bool(&o, "coordinatorOnly", stage->coordinator_only);
    json_key(&o, "stageStats");
    json_out ss;
    json_begin_object(&ss, b);
    query_stages_write_counters(&ss, &stage->counters);
    json_member_int(&ss, "totalTasks", stage->task_count);
    json_member_int(&ss, "failedTasks", stage->failed_tasks);
    json_end_object(&ss);
    json_key(&o, "tasks");
    text_builder_putc(b, '[');
    for (int i = 0; i < stage->task_count; i++) {
        if (i)
            text_builder_putc(b, ',');
        write_task(&stage->tasks[i], stage_key, base_uri, b);
    }
    text_builder_putc(b, ']');
    json_key(&o, "subStages");
    text_builder_putc(b, '[');
    for (int i = 0; i < stage->sub_stage_count; i++) {
        if (i)
            text_builder_putc(b, ',');
        query_stages_write_output_stage(&stage->sub_stages[i], query_id, base_uri, b);
    }
    text_builder_putc(b, ']');
    json_end_object(&o);
}
