/*
 * admission.c - the concurrency-limit admission policy (admission.h).
 *
 * The policy's state is touched only inside the owning actor's turn, so it
 * needs no synchronisation.
 */
#include "runtime/admission.h"

#include "runtime/errors.h"

#include <stdlib.h>

static admission_decision concurrency_limit_offer(void *state, const message *m,
                                                  admission_offer *ctx)
{
    concurrency_limit *cl = state;
    if (m->type != cl->counted_type)
        return ADMISSION_ACCEPT;
    if (cl->running < cl->max_running) {
        cl->running++;
        cl->accepted++;
        return ADMISSION_ACCEPT;
    }
    if (ctx->reoffer)
        return ADMISSION_HOLD; /* already held: keep its place */
    if (ctx->held < cl->max_held) {
        cl->held_total++;
        return ADMISSION_HOLD;
    }
    cl->rejected++;
    ctx->reject_code = SHOAL_EBUSY;
    return ADMISSION_REJECT;
}

static void concurrency_limit_destroy(void *state)
{
    free(state);
}

const admission_ops concurrency_limit_ops = {
    .offer = concurrency_limit_offer,
    .destroy = concurrency_limit_destroy,
};

concurrency_limit *concurrency_limit_create(uint32_t counted_type, uint32_t max_running,
                                            uint32_t max_held)
{
    concurrency_limit *cl = calloc(1, sizeof *cl);
    if (cl == NULL)
        return NULL;
    cl->counted_type = counted_type;
    cl->max_running = max_running;
    cl->max_held = max_held;
    return cl;
}

void concurrency_limit_release(concurrency_limit *cl)
{
    if (cl->running > 0)
        cl->running--;
}
