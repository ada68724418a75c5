/*
 * execution.c — runs a local plan: one pipeline actor per driver, their
 * completions counted here; the client fetches result pages from the output
 * buffer (or, for writes, waits for the table writer and finishes the sink).
 * The first failure cancels every other driver.
 */
#include "execution.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/clock.h"

#include "actors/engine/distributed_execution.h"
#include "actors/engine/local_planner.h"
#include "actors/engine/output_buffer.h"
#include "actors/engine/pipeline_actor.h"
#include "actors/engine/query_limits.h"
#include "actors/engine/split_scan.h"

enum { OUTPUT_BUFFER_BYTES = 32 * 1024 * 1024 };

struct execution {
    engine *engine;
    distributed_execution *distributed; /* this is the root fragment of a query on the cluster */
    plan_node *plan;
    local_plan *local;
    output_buffer *output;
    page_sink *sink;
    bool sink_done;
    uint64_t rows_written;

    pthread_mutex_t lock;
    pthread_cond_t drivers_done;
    int drivers_running;
    bool failed;
    shoal_error error;
    actor **actors;
    int actor_count;
    int scan_drivers;          /* drivers that read a table's split queue */
    int other_drivers_done;    /* the others that ended (under lock) */
    bool all_spawned;          /* actors[] is complete: failures may cancel the rest */
    query_limits *limits;      /* memory contexts and deadline (query_limits.h) */
    sched_job *sched_job;      /* the pipelines' scheduling job, or NULL */
    spiller *spiller;          /* when spill is on: the query's spill files */
    spill_context spill;
    /* per plan node, summed over its operators in every driver (under lock) */
    execution_node_stats *node_stats;
    int node_count;
    uint64_t cpu_ns;
};

static int plan_node_count(const plan_node *node)
{
    if (!node)
        return 0;
    int max = node->id + 1;
    for (int i = 0; i < 2; i++) {
        int n = plan_node_count(node->inputs[i]);
        max = n > max ? n : max;
    }
    for (int i = 0; i < node->source_count; i++) {
        int n = plan_node_count(node->sources[i]);
        max = n > max ? n : max;
    }
    return max;
}

static void driver_stats(void *context, const driver *d)
{
    execution *x = context;
    pthread_mutex_lock(&x->lock);
    if (d->operator_count == 0 || !split_scan_is(d->operators[0]))
        x->other_drivers_done++;
    for (int i = 0; i < d->operator_count; i++) {
        const operator *op = d->operators[i];
        x->cpu_ns += op->stats.cpu_ns;
        int id = op->plan_node_id;
        if (id < 0 || id >= x->node_count)
            continue;
        execution_node_stats *s = &x->node_stats[id];
        s->present = true;
        s->cpu_ns += op->stats.cpu_ns;
        s->wall_ns += op->stats.wall_ns;
        s->input_rows += op->stats.input_rows;
        /* the root's sink passes its rows on to the client: they are its output */
        s->output_rows += id == 0 && i == d->operator_count - 1 ? op->stats.input_rows : op->stats.output_rows;
        s->input_bytes += op->stats.input_bytes;
        if (op->stats.peak_memory_bytes > s->peak_memory_bytes)
            s->peak_memory_bytes = op->stats.peak_memory_bytes;
    }
    pthread_mutex_unlock(&x->lock);
}

/* A driver ended. The count of running drivers drops last: until then the
 * execution cannot be freed, so cancelling the others may still use it. */
static void driver_done(void *context, const shoal_error *error)
{
    execution *x = context;
    pthread_mutex_lock(&x->lock);
    bool cancel_others = false;
    if (error && !x->failed) {
        x->failed = true;
        x->error = *error;
        cancel_others = x->all_spawned;
    }
    pthread_mutex_unlock(&x->lock);
    if (cancel_others) {
        if (x->output)
            output_buffer_abort(x->output);
        for (int i = 0; i < x->actor_count; i++)
            if (x->actors[i])
                actor_stop(x->actors[i], SHOAL_ECANCELED);
    }
    pthread_mutex_lock(&x->lock);
    x->drivers_running--;
    pthread_cond_broadcast(&x->drivers_done);
    pthread_mutex_unlock(&x->lock); /* x may be freed from here on */
}

/* A memory or time limit was exceeded: the query fails with its error. */
static void limits_exceeded(void *context, const shoal_error *error)
{
    execution_cancel(context, error->code, error->message);
}

static driver *make_driver(execution *x, pipeline_spec *spec, shoal_error *error)
{
    operator **operators = calloc((size_t)spec->factory_count, sizeof *operators);
    if (!operators) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    for (int i = 0; i < spec->factory_count; i++) {
        operators[i] = spec->factories[i]->create(spec->factories[i], error);
        if (!operators[i]) {
            for (int j = 0; j < i; j++)
                operators[j]->ops->close(operators[j]);
            free(operators);
            return NULL;
        }
        operators[i]->spill = x->spiller ? &x->spill : NULL;
    }
    if (!query_limits_attach(x->limits, operators, spec->factory_count)) {
        for (int j = 0; j < spec->factory_count; j++)
            operators[j]->ops->close(operators[j]);
        free(operators);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    driver *d = driver_create(operators, spec->factory_count);
    if (!d) {
        for (int j = 0; j < spec->factory_count; j++)
            operators[j]->ops->close(operators[j]);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    free(operators);
    return d;
}

static bool start_drivers(execution *x, shoal_error *error)
{
    int total = 0;
    for (int i = 0; i < local_plan_pipeline_count(x->local); i++)
        total += local_plan_pipeline(x->local, i)->driver_count;
    x->actors = calloc((size_t)total + 1, sizeof *x->actors);
    if (!x->actors)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    /* Every driver is made before any starts, so a failure leaves nothing running. */
    driver **drivers = calloc((size_t)total + 1, sizeof *drivers);
    int made = 0;
    bool ok = drivers != NULL;
    for (int i = 0; ok && i < local_plan_pipeline_count(x->local); i++) {
        pipeline_spec *spec = local_plan_pipeline(x->local, i);
        for (int d = 0; ok && d < spec->driver_count; d++) {
            drivers[made] = make_driver(x, spec, error);
            ok = drivers[made] != NULL;
            made += ok;
        }
    }
    if (!ok) {
        for (int i = 0; i < made; i++)
            driver_close(drivers[i]);
        free(drivers);
        return false;
    }
    pthread_mutex_lock(&x->lock);
    x->drivers_running = made;
    for (int i = 0; i < made; i++)
        x->scan_drivers += drivers[i]->operator_count > 0 && split_scan_is(drivers[i]->operators[0]);
    x->actor_count = made;
    for (int i = 0; i < made; i++) {
        x->actors[i] =
            pipeline_actor_spawn(engine_runtime(x->engine), drivers[i], x->sched_job, driver_done, driver_stats, x);
        if (!x->actors[i]) {
            /* the driver was closed; count it as failed */
            x->drivers_running--;
            if (!x->failed) {
                x->failed = true;
                error_set(&x->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Cannot start a pipeline");
            }
        }
    }
    x->all_spawned = true;
    bool failed_early = x->failed;
    pthread_mutex_unlock(&x->lock);
    free(drivers);
    if (failed_early) {
        if (x->output)
            output_buffer_abort(x->output);
        for (int i = 0; i < x->actor_count; i++)
            if (x->actors[i])
                actor_stop(x->actors[i], SHOAL_ECANCELED);
    }
    return true;
}

/* Local exchanges buffer at most a quarter of query.max-memory-per-node
 * (32MB at most): a producer waits rather than fill the query's memory
 * while its consumer sorts or spills. */
static size_t exchange_buffer_bytes(engine *e)
{
    const query_limits_config *limits = engine_query_limits(e);
    uint64_t quarter = limits && limits->max_memory_per_node ? limits->max_memory_per_node / 4 : 0;
    return quarter && quarter < (32u << 20) ? (size_t)quarter : 0;
}

/* Spill on: the query's spiller, and how much an operator may keep before
 * it spills — an eighth of query.max-memory-per-node per driver thread
 * (several operators may hold memory at once), 64MB without a limit. */
static bool start_spill(execution *x)
{
    bool by_default;
    const spiller_config *config = engine_spill(x->engine, &by_default);
    if (!config)
        return true;
    x->spiller = spiller_create(config);
    if (!x->spiller)
        return false;
    const query_limits_config *limits = engine_query_limits(x->engine);
    uint64_t per_node = limits && limits->max_memory_per_node ? limits->max_memory_per_node : 0;
    int threads = engine_threads(x->engine) > 0 ? engine_threads(x->engine) : 1;
    x->spill.spiller = x->spiller;
    x->spill.revoke_bytes = per_node ? per_node / 8 / (uint64_t)threads : 64u << 20;
    return true;
}

execution *execution_start(engine *e, plan_node *plan, const execution_options *options,
                           shoal_error *error)
{
    if (!options->task && !options->sink && distributed_execution_applies(e, plan))
        return distributed_execution_start(e, plan, options, error);
    execution *x = calloc(1, sizeof *x);
    if (!x) {
        plan_free(plan);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    x->engine = e;
    x->plan = plan;
    x->node_count = plan_node_count(plan);
    x->node_stats = calloc((size_t)x->node_count + 1, sizeof *x->node_stats);
    x->sink = options->sink;
    x->sched_job = options->sched_job;
    pthread_mutex_init(&x->lock, NULL);
    pthread_cond_init(&x->drivers_done, NULL);
    error_clear(&x->error);
    x->limits = query_limits_create(engine_runtime(e), engine_query_limits(e), options->created_ns, limits_exceeded, x);
    if (!x->limits || (options->spill && !start_spill(x))) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        execution_free(x);
        return NULL;
    }
    local_planner_context context = {
        .catalogs = engine_catalogs(e),
        .threads = engine_threads(e),
        .output_buffer_bytes = OUTPUT_BUFFER_BYTES,
        .sink = x->sink,
        .task = options->task,
        .exchange_buffer_bytes = exchange_buffer_bytes(e),
    };
    x->local = local_planner_plan(plan, &context, error);
    if (x->local)
        x->output = local_plan_output(x->local);
    if (!x->local || !start_drivers(x, error)) {
        execution_free(x);
        return NULL;
    }
    return x;
}

/* Waits (bounded) until every driver has reported; true when they all have. */
static bool wait_drivers(execution *x, int timeout_ms)
{
    struct timespec deadline = clock_realtime_after_ms(timeout_ms);
    pthread_mutex_lock(&x->lock);
    while (x->drivers_running > 0) {
        if (timeout_ms >= 0 && pthread_cond_timedwait(&x->drivers_done, &x->lock, &deadline) == ETIMEDOUT)
            break;
        if (timeout_ms < 0)
            pthread_cond_wait(&x->drivers_done, &x->lock);
    }
    bool all = x->drivers_running == 0;
    pthread_mutex_unlock(&x->lock);
    return all;
}

static query_fetch_status failed(execution *x, shoal_error *error)
{
    pthread_mutex_lock(&x->lock);
    *error = x->error;
    pthread_mutex_unlock(&x->lock);
    return QUERY_FETCH_FAILED;
}

static query_fetch_status fetch_write(execution *x, shoal_error *error, int timeout_ms)
{
    if (x->sink_done)
        return QUERY_FETCH_DONE;
    if (!wait_drivers(x, timeout_ms))
        return QUERY_FETCH_WAITING;
    page_sink *sink = x->sink;
    x->sink = NULL;
    if (x->failed) {
        if (sink)
            sink->ops->abort(sink);
        return failed(x, error);
    }
    uint64_t rows = local_plan_rows_written(x->local);
    if (sink && !sink->ops->finish(sink, &rows, error))
        return QUERY_FETCH_FAILED;
    x->rows_written = rows;   /* the sink's count: DELETE/UPDATE report the rows they changed */
    x->sink_done = true;
    return QUERY_FETCH_DONE;
}

query_fetch_status execution_fetch(execution *x, page **out, int timeout_ms, shoal_error *error)
{
    *out = NULL;
    if (!x->output)
        return fetch_write(x, error, timeout_ms);
    switch (output_buffer_poll(x->output, out, timeout_ms)) {
    case OUTPUT_PAGE:
        return QUERY_FETCH_PAGE;
    case OUTPUT_EMPTY:
        return x->failed ? failed(x, error) : QUERY_FETCH_WAITING;
    case OUTPUT_ABORTED:
        wait_drivers(x, -1);
        return failed(x, error);
    case OUTPUT_FINISHED:
        if (!wait_drivers(x, timeout_ms))
            return QUERY_FETCH_WAITING;
        return x->failed ? failed(x, error) : QUERY_FETCH_DONE;
    }
    return QUERY_FETCH_WAITING;
}

void execution_set_distributed(execution *x, distributed_execution *d)
{
    x->distributed = d;
}

uint64_t execution_rows_written(const execution *x)
{
    return x->rows_written;
}

void execution_cancel(execution *x, error_code code, const char *message)
{
    if (x->distributed)
        distributed_execution_cancel(x->distributed);
    pthread_mutex_lock(&x->lock);
    if (!x->failed) {
        x->failed = true;
        error_set(&x->error, code, "%s", message);
    }
    pthread_mutex_unlock(&x->lock);
    if (x->output)
        output_buffer_abort(x->output);
    for (int i = 0; i < x->actor_count; i++)
        if (x->actors[i])
            actor_stop(x->actors[i], SHOAL_ECANCELED);
}

void execution_free(execution *x)
{
    if (!x)
        return;
    if (x->distributed)
        distributed_execution_stop(x->distributed); /* releases the tasks on the workers */
    if (!wait_drivers(x, 0)) {
        execution_cancel(x, ERR_USER_CANCELED, "Query was canceled");
        wait_drivers(x, -1);
    }
    for (int i = 0; i < x->actor_count; i++)
        if (x->actors[i])
            actor_unref(x->actors[i]);
    free(x->actors);
    query_limits_free(x->limits); /* every driver has closed: all memory goes back */
    if (x->sink)
        x->sink->ops->abort(x->sink);
    local_plan_free(x->local); /* frees the output buffer too */
    spiller_free(x->spiller);  /* its files closed (and so vanished) with their operators */
    plan_free(x->plan);
    free(x->node_stats);
    distributed_execution_free(x->distributed); /* its exchange clients, after every driver */
    pthread_cond_destroy(&x->drivers_done);
    pthread_mutex_destroy(&x->lock);
    free(x);
}

const plan_node *execution_plan(const execution *x)
{
    return x->plan;
}

int execution_node_stats_get(execution *x, const execution_node_stats **out)
{
    *out = x->node_stats;
    return x->node_count;
}

int64_t execution_memory_bytes(const execution *x)
{
    return query_limits_reserved(x->limits);
}

uint64_t execution_spilled_bytes(const execution *x)
{
    return x->spiller ? spiller_spilled_bytes(x->spiller) : 0;
}

int64_t execution_peak_memory_bytes(const execution *x)
{
    return query_limits_peak(x->limits);
}

void execution_progress_get(execution *x, query_progress *out)
{
    memset(out, 0, sizeof *out);
    split_progress scans = {0};
    local_plan_add_split_progress(x->local, &scans);
    pthread_mutex_lock(&x->lock);
    int64_t others = x->actor_count - x->scan_drivers;
    int64_t others_done = x->other_drivers_done;
    pthread_mutex_unlock(&x->lock);
    out->total_splits = scans.total + others;
    out->queued_splits = scans.queued;
    out->running_splits = scans.running + others - others_done;
    out->completed_splits = scans.completed + others_done;
    out->processed_rows = scans.rows;
    out->processed_bytes = scans.bytes;
    out->has_table_scans = scans.total > 0;
}

uint64_t execution_cpu_ns(execution *x)
{

    pthread_mutex_lock(&x->lock);
    uint64_t cpu = x->cpu_ns;
    pthread_mutex_unlock(&x->lock);
    return cpu;
}
