/*
 * pipeline_actor.h — a driver (one instance of an operator pipeline) run as
 * an actor: each turn resumes a task that calls driver_process for about a
 * millisecond; when the pipeline blocks (a join build not ready, an output
 * buffer full, a connector socket) the actor parks until the wait is over.
 * When the driver finishes or fails, the owner's callback hears of it.
 */
#ifndef SHOAL_ACTORS_PIPELINE_ACTOR_H
#define SHOAL_ACTORS_PIPELINE_ACTOR_H

#include "connectors/spi/error.h"
#include "operators/driver.h"
#include "runtime/actor.h"

/* Called once on the actor's thread when the driver is done; error is NULL
 * on success. */
typedef void (*pipeline_done_fn)(void *context, const shoal_error *error);

/* Called once on the actor's thread just before the driver is closed, with
 * its operators' statistics (EXPLAIN ANALYZE, query CPU); may be NULL. */
typedef void (*pipeline_stats_fn)(void *context, const driver *d);

/* Spawns the actor; it takes over the driver. NULL on failure (the driver is
 * then closed). The returned reference is the caller's. */
/* `job` (NULL: none): the scheduling job whose group's weight shares CPU
 * with other groups' pipelines (runtime/sched_group.h). */
actor *pipeline_actor_spawn(runtime *rt, driver *d, sched_job *job, pipeline_done_fn done, pipeline_stats_fn stats,
                            void *context);

#endif
