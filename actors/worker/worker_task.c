/*
 * worker_task.c — a fragment as a task: decode, plan with the task hooks, run with
 * execution.c, and report its state.
 */
#include "worker_task.h"

#include <stdlib.h>
#include <string.h>

#include "actors/engine/execution.h"
#include "actors/engine/local_planner.h"
#include "actors/engine/split_scan.h"
#include "actors/worker/exchange_client.h"
#include "sql/plan_serde.h"

typedef struct task_source {
    int plan_node_id;
    exchange_client *client;
} task_source;

typedef struct task_scan {
    int plan_node_id;
    split_queue *queue;        /* owned by the local plan */
} task_scan;

struct worker_task {
    engine *engine;
    proto_ids ids;
    task_output_buffer *output;
    task_source *sources;
    int source_count;
    task_scan *scans;
    int scan_count;
    execution *x;
    local_planner_task_hooks hooks;
    bool canceled;
    bool failed;
    shoal_error error;
};

/* ---- the local planner's hooks --------------------------------------------------- */

static operator *hook_remote_source(void *context, int plan_node_id, shoal_error *error)
{
    worker_task *t = context;
    for (int i = 0; i < t->source_count; i++)
        if (t->sources[i].plan_node_id == plan_node_id)
            return exchange_source_create(plan_node_id, t->sources[i].client, error);
    error_set(error, ERR_REMOTE_TASK_MISMATCH, "No locations for remote source %d", plan_node_id);
    return NULL;
}

static operator *hook_output_sink(void *context, int plan_node_id, shoal_error *error)
{
    return task_output_sink_create(plan_node_id, ((worker_task *)context)->output, error);
}

static bool hook_scan_queue(void *context, int plan_node_id, split_queue *queue, shoal_error *error)
{
    worker_task *t = context;
    task_scan *grown = realloc(t->scans, sizeof *grown * (size_t)(t->scan_count + 1));
    if (!grown)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    t->scans = grown;
    t->scans[t->scan_count].plan_node_id = plan_node_id;
    t->scans[t->scan_count].queue = queue;
    t->scan_count++;
    return true;
}

/* ---- creation -------------------------------------------------------------------- */

static table_metadata *resolve_table(void *context, const char *catalog_name, const char *schema,
                                     const char *table, shoal_error *error)
{
    engine *e = context;
    catalog *c = catalog_acquire(engine_catalogs(e), catalog_name, error);
    if (!c)
        return NULL;
    connector *conn = catalog_connector(c);
    table_metadata *t = conn->ops->get_table(conn, schema, table, error);
    if (!t && !error_is_set(error))
        error_set(error, ERR_TABLE_NOT_FOUND, "Table %s.%s.%s does not exist on this node", catalog_name, schema,
                  table);
    catalog_release(c);
    return t;
}

static bool make_output(worker_task *t, const plan_fragment *f, const proto_create_task *create, const worker_task_options *options,
                        shoal_error *error)
{
    task_output_config config = {
        .partitions = create->output_partitions,
        .key_count = f->output_key_count,
        .keys = f->output_keys,
        .serde = {.never_compress = options && options->never_compress},
    };
    if (create->output_broadcast || f->output_kind == EXCHANGE_BROADCAST)
        config.mode = TASK_OUTPUT_BROADCAST;
    else if (f->output_kind == EXCHANGE_REPARTITION)
        config.mode = TASK_OUTPUT_REPARTITION;
    else
        config.mode = TASK_OUTPUT_GATHER;
    t->output = task_output_buffer_create(&config, error);
    return t->output != NULL;
}

static bool start_sources(worker_task *t, const proto_create_task *create, shoal_error *error)
{
    t->sources = calloc(create->source_count + 1, sizeof *t->sources);
    if (!t->sources)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (uint32_t i = 0; i < create->source_count; i++) {
        exchange_client_config config = {.query_id = t->ids.query_id, .source = &create->sources[i]};
        exchange_client *c = exchange_client_start(engine_runtime(t->engine), &config, error);
        if (!c)
            return false;
        t->sources[t->source_count].plan_node_id = create->sources[i].plan_node_id;
        t->sources[t->source_count].client = c;
        t->source_count++;
    }
    return true;
}

worker_task *worker_task_create(engine *e, const proto_ids *ids, const proto_create_task *create, const worker_task_options *options,
                  shoal_error *error)
{
    worker_task *t = calloc(1, sizeof *t);
    if (!t) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    t->engine = e;
    t->ids = *ids;
    error_clear(&t->error);
    plan_fragment f;
    memset(&f, 0, sizeof f);
    plan_serde_options serde = {.resolve_table = resolve_table, .context = e};
    if (!plan_fragment_deserialize(create->fragment.data, create->fragment.size, &serde, &f, error)) {
        free(t);
        return NULL;
    }
    bool ok = make_output(t, &f, create, options, error) && start_sources(t, create, error);
    if (ok) {
        t->hooks = (local_planner_task_hooks){
            .context = t,
            .create_remote_source = hook_remote_source,
            .create_output_sink = hook_output_sink,
            .scan_queue = hook_scan_queue,
        };
        execution_options run = {.task = &t->hooks};
        plan_node *root = f.root;
        f.root = NULL;
        t->x = execution_start(e, root, &run, error); /* takes the plan */
        ok = t->x != NULL;
    }
    plan_fragment_clear(&f);
    if (!ok) {
        worker_task_free(t);
        return NULL;
    }
    task_output_buffer_seal(t->output); /* every driver (and so every sink) exists now */
    return t;
}

const proto_ids *worker_task_ids(const worker_task *t)
{
    return &t->ids;
}

task_output_buffer *worker_task_output(worker_task *t)
{
    task_output_buffer_ref(t->output);
    return t->output;
}

static split_queue *scan_queue(worker_task *t, int plan_node_id, shoal_error *error)
{
    for (int i = 0; i < t->scan_count; i++)
        if (t->scans[i].plan_node_id == plan_node_id)
            return t->scans[i].queue;
    error_set(error, ERR_REMOTE_TASK_MISMATCH, "Task %s.%d.%d has no table scan %d", t->ids.query_id,
              t->ids.fragment_id, t->ids.task_index, plan_node_id);
    return NULL;
}

bool worker_task_add_splits(worker_task *t, const proto_add_splits *splits, shoal_error *error)
{
    split_queue *q = scan_queue(t, splits->plan_node_id, error);
    if (!q)
        return false;
    char description[512];
    for (uint32_t i = 0; i < splits->split_count; i++) {
        const proto_split *s = &splits->splits[i];
        size_t n = s->description.size < sizeof description - 1 ? s->description.size : sizeof description - 1;
        memcpy(description, s->description.data, n);
        description[n] = '\0';
        if (!split_queue_add(q, s->bytes.data, s->bytes.size, description))
            return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Splits after no_more_splits");
    }
    if (splits->no_more)
        split_queue_no_more(q);
    return true;
}

bool worker_task_no_more_splits(worker_task *t, int plan_node_id, shoal_error *error)
{
    split_queue *q = scan_queue(t, plan_node_id, error);
    if (!q)
        return false;
    split_queue_no_more(q);
    return true;
}

void worker_task_get_status(worker_task *t, proto_task_status *out)
{
    memset(out, 0, sizeof *out);
    out->error_code = ERR_NONE;
    page *none = NULL;
    shoal_error error;
    error_clear(&error);
    query_fetch_status run = t->failed || t->canceled ? QUERY_FETCH_FAILED : execution_fetch(t->x, &none, 0, &error);
    if (run == QUERY_FETCH_FAILED && !t->failed && !t->canceled) {
        t->failed = true;
        t->error = error;
        task_output_buffer_fail(t->output, &error);
    }
    task_output_stats stats;
    task_output_buffer_stats(t->output, &stats);
    out->output_rows = stats.rows;
    out->output_pages = stats.pages;
    out->output_bytes = stats.bytes;
    if (t->canceled) {
        out->state = PROTO_TASK_CANCELED;
    } else if (t->failed) {
        out->state = PROTO_TASK_FAILED;
        out->error_code = t->error.code;
        PROTO_SET(out->message, t->error.message);
    } else if (run == QUERY_FETCH_DONE) {
        out->state = stats.finished ? PROTO_TASK_FINISHED : PROTO_TASK_FLUSHING;
    } else {
        out->state = PROTO_TASK_RUNNING;
    }
}

void worker_task_cancel(worker_task *t, error_code code, const char *message)
{
    if (t->canceled)
        return;
    t->canceled = true;
    shoal_error error;
    error_set(&error, code, "%s", message);
    if (t->output)
        task_output_buffer_fail(t->output, &error);
    if (t->x)
        execution_cancel(t->x, code, message);
}

void worker_task_free(worker_task *t)
{
    if (!t)
        return;
    execution_free(t->x); /* waits for the drivers; frees the split queues */
    for (int i = 0; i < t->source_count; i++)
        exchange_client_close(t->sources[i].client);
    free(t->sources);
    free(t->scans);
    task_output_buffer_unref(t->output);
    free(t);
}
