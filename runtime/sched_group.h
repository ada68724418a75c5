/*
 * sched_group.h - weighted CPU sharing among groups of actors, with
 * multilevel feedback inside each group.
 *
 * A scheduling group has a weight. Actors spawned with a job of a group
 * (actor_options.sched_job) are "grouped": every core keeps them in a group
 * queue apart from its other actors and, when it picks one, picks from the
 * group that has used the least CPU per unit of weight (its virtual time:
 * turn CPU time / weight, stride scheduling). Two busy groups of weights 3 and 1
 * thus get CPU 3:1 however many actors each runs. A group that was idle
 * comes back with its virtual time raised to just under the busiest
 * group's, so it runs at once but cannot bank idle time.
 *
 * A job is one unit of work inside a group (for the engine: a query). Its
 * accumulated turn time puts its actors on a level (0: under 1 s, then 10 s,
 * 60 s, 300 s, as Trino's multilevel split queue); inside a group each level
 * gets twice the CPU of the next, so short jobs overtake long ones.
 *
 * Ungrouped actors (the default: coordinators, I/O, timers) run before
 * grouped ones on the same core. The runtime knows nothing of what a group
 * means; actors/resource maps resource groups onto these.
 *
 *     sched_group *etl = sched_group_create("etl", 1);
 *     sched_job *q = sched_job_create(etl);
 *     actor_spawn(rt, &pipeline, &(actor_options){.sched_job = q, ...});
 *     sched_job_unref(q);                  // the actors hold their own
 *     ... sched_group_set_weight(etl, 3); sched_group_cpu_ns(etl);
 *     sched_group_unref(etl);
 */
#ifndef SHOAL_RUNTIME_SCHED_GROUP_H
#define SHOAL_RUNTIME_SCHED_GROUP_H

#include <stdint.h>

enum { SCHED_LEVELS = 5 };

typedef struct sched_group sched_group;
typedef struct sched_job sched_job;

/* weight 0 counts as 1. One reference for the caller; NULL when out of memory. */
sched_group *sched_group_create(const char *name, uint32_t weight);
void sched_group_ref(sched_group *g);
void sched_group_unref(sched_group *g);
void sched_group_set_weight(sched_group *g, uint32_t weight);
uint32_t sched_group_weight(const sched_group *g);
/* CPU time of every turn of the group's actors so far (thread CPU time). */
uint64_t sched_group_cpu_ns(const sched_group *g);
const char *sched_group_name(const sched_group *g);

/* A job of `g` (holds a reference on it). NULL when out of memory. */
sched_job *sched_job_create(sched_group *g);
void sched_job_ref(sched_job *j);
void sched_job_unref(sched_job *j);
sched_group *sched_job_group(const sched_job *j);
uint64_t sched_job_cpu_ns(const sched_job *j);
/* 0..SCHED_LEVELS-1 from the job's turn time. */
int sched_job_level(const sched_job *j);

#endif
