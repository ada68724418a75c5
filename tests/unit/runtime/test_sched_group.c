/*
 * test_sched_group.c - weighted CPU sharing among scheduling groups: two
 * busy groups of weights 3 and 1 get CPU 3:1 whatever their actor counts;
 * a group that wakes up after idling runs at once but banks no credit;
 * weights change live; jobs climb levels with their CPU time.
 */
#include "runtime/sched_group.h"
#include "runtime/task.h"
#include "test_util.h"

#include <criterion/criterion.h>

typedef struct spinner {
    task t;
    _Atomic int *stop;
} spinner;

static _Atomic long spinner_turns;   /* every spinner's turns so far */

static void spin_for_us(unsigned us)
{
    uint64_t until = clock_now_ns() + (uint64_t)us * 1000;
    while (clock_now_ns() < until)
        ;
}

static task_status spinner_run(task *t)
{
    spinner *s = (spinner *)t;
    atomic_fetch_add(&spinner_turns, 1);
    CO_BEGIN(t);
    while (!atomic_load(s->stop)) {
        spin_for_us(20);
        CO_MAYBE_YIELD(t);
    }
    CO_END(t);
}

static int spinner_start(actor *self)
{
    spinner *s = actor_state(self);
    task_init(&s->t, spinner_run);
    return actor_attach_task(self, &s->t);
}

static const actor_behaviour spinner_behaviour = {.name = "spinner", .on_start = spinner_start};

static actor *spawn_spinner(runtime *rt, sched_job *job, _Atomic int *stop)
{
    spinner init = {.stop = stop};
    actor *a = actor_spawn(rt, &spinner_behaviour,
                           &(actor_options){.state_size = sizeof init, .init_state = &init, .sched_job = job});
    cr_assert_not_null(a);
    return a;
}

/* Waits until the two groups have used `cpu_ns` more CPU than at h0 + l0
 * (CPU, not wall time: the box may be shared), at most 60 s. */
static void run_for_cpu(sched_group *a, sched_group *b, uint64_t a0, uint64_t b0, uint64_t cpu_ns)
{
    uint64_t deadline = clock_deadline_after_ms(60000);
    while (sched_group_cpu_ns(a) - a0 + sched_group_cpu_ns(b) - b0 < cpu_ns && clock_now_ns() < deadline)
        test_sleep_ms(10);
}

static void stop_all(actor **actors, int n)
{
    for (int i = 0; i < n; i++) {
        actor_stop(actors[i], 0);
        actor_unref(actors[i]);
    }
}

Test(sched_group, busy_groups_share_cpu_by_weight, .timeout = 60)
{
    runtime *rt = test_runtime(2);
    sched_group *heavy = sched_group_create("heavy", 3), *light = sched_group_create("light", 1);
    sched_job *hj = sched_job_create(heavy), *lj = sched_job_create(light);
    _Atomic int stop = 0;
    actor *actors[8];
    /* the light group runs more actors than the heavy one: weights, not counts, decide */
    for (int i = 0; i < 2; i++)
        actors[i] = spawn_spinner(rt, hj, &stop);
    for (int i = 2; i < 8; i++)
        actors[i] = spawn_spinner(rt, lj, &stop);
    test_sleep_ms(100);
    uint64_t h0 = sched_group_cpu_ns(heavy), l0 = sched_group_cpu_ns(light);
    run_for_cpu(heavy, light, h0, l0, 1000000000ull);
    uint64_t h = sched_group_cpu_ns(heavy) - h0, l = sched_group_cpu_ns(light) - l0;
    atomic_store(&stop, 1);
    stop_all(actors, 8);
    cr_assert_gt(l, 0);
    double ratio = (double)h / (double)l;
    cr_expect(ratio > 2.7 && ratio < 3.3, "heavy:light CPU %.2f (want 3 +-10%%; %lu / %lu ns)", ratio,
              (unsigned long)h, (unsigned long)l);

    /* weights change live */
    sched_group_set_weight(light, 3);
    cr_assert_eq(sched_group_weight(light), 3);
    _Atomic int stop2 = 0;
    for (int i = 0; i < 2; i++)
        actors[i] = spawn_spinner(rt, hj, &stop2);
    for (int i = 2; i < 4; i++)
        actors[i] = spawn_spinner(rt, lj, &stop2);
    test_sleep_ms(100);
    h0 = sched_group_cpu_ns(heavy);
    l0 = sched_group_cpu_ns(light);
    run_for_cpu(heavy, light, h0, l0, 1000000000ull);
    h = sched_group_cpu_ns(heavy) - h0;
    l = sched_group_cpu_ns(light) - l0;
    atomic_store(&stop2, 1);
    stop_all(actors, 4);
    ratio = (double)h / (double)l;
    cr_expect(ratio > 0.9 && ratio < 1.1, "equal weights: CPU %.2f", ratio);

    sched_job_unref(hj);
    sched_job_unref(lj);
    runtime_shutdown(rt, RUNTIME_DRAIN, 5000);
    runtime_destroy(rt);
    sched_group_unref(heavy);
    sched_group_unref(light);
}

/* A short grouped actor that answers pings: how many spinner turns ran
 * between a ping's send and its answer (time-free: the box is shared). */
enum { PINGS = 21 };
static long waited_turns[PINGS];
static _Atomic long answered;

typedef struct ping {
    message header;
    long sent_turns;
} ping;

static int pinged(actor *self, message *m)
{
    (void)self;
    long turns = atomic_load(&spinner_turns) - ((ping *)m)->sent_turns;
    long n = atomic_load(&answered);
    if (n < PINGS)
        waited_turns[n] = turns;
    spin_for_us(200); /* a little work */
    atomic_fetch_add(&answered, 1);
    return 0;
}

static const actor_behaviour pinged_behaviour = {.name = "pinged", .receive = pinged};

Test(sched_group, waking_group_runs_at_once_while_another_saturates, .timeout = 60)
{
    runtime *rt = test_runtime(1);
    sched_group *etl = sched_group_create("etl", 1), *interactive = sched_group_create("interactive", 1);
    sched_job *ej = sched_job_create(etl), *ij = sched_job_create(interactive);
    _Atomic int stop = 0;
    actor *actors[8];
    for (int i = 0; i < 8; i++)
        actors[i] = spawn_spinner(rt, ej, &stop);
    actor *shorty = actor_spawn(rt, &pinged_behaviour, &(actor_options){.sched_job = ij});
    test_sleep_ms(200);
    for (int i = 0; i < PINGS; i++) {
        ping *p = MESSAGE_NEW(ping, MESSAGE_TYPE_USER);
        p->sent_turns = atomic_load(&spinner_turns);
        cr_assert_eq(actor_send(shorty, &p->header), 0);
        test_sleep_ms(10);
    }
    cr_assert_eq(test_wait_at_least(&answered, PINGS, 10000), PINGS);
    atomic_store(&stop, 1);
    stop_all(actors, 8);
    /* eight etl actors queue on the one core; the interactive group is far
     * behind in virtual time, so its actor goes right after the running
     * spinner's turn instead of after all eight */
    long most = 0;
    for (int i = 0; i < PINGS; i++)
        most = waited_turns[i] > most ? waited_turns[i] : most;
    cr_expect_leq(most, 2, "a ping waited %ld spinner turns", most);
    /* and it banked no idle credit: it never ran more than it was given */
    cr_expect_lt(sched_group_cpu_ns(interactive), sched_group_cpu_ns(etl));
    actor_unref(shorty);
    sched_job_unref(ej);
    sched_job_unref(ij);
    runtime_shutdown(rt, RUNTIME_DRAIN, 5000);
    runtime_destroy(rt);
    sched_group_unref(etl);
    sched_group_unref(interactive);
}

Test(sched_group, jobs_climb_levels_with_cpu_time)
{
    sched_group *g = sched_group_create("g", 0);
    cr_assert_eq(sched_group_weight(g), 1, "weight 0 counts as 1");
    cr_assert_str_eq(sched_group_name(g), "g");
    sched_job *j = sched_job_create(g);
    cr_assert_eq(sched_job_group(j), g);
    cr_assert_eq(sched_job_level(j), 0);
    sched_group_unref(g); /* the job keeps it */
    cr_assert_eq(sched_job_cpu_ns(j), 0);
    sched_job_unref(j);
}
