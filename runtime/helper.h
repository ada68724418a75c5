/*
 * helper.h - a few helper threads for libraries that only offer blocking
 * calls (a DNS lookup, libpq's synchronous cancel). A scheduler thread never
 * blocks: it hands the work to a helper and gets the answer as a message.
 *
 *     typedef struct resolve_job { message header; char host[256]; int rc; ... } resolve_job;
 *     static void resolve(message *m) { resolve_job *j = (resolve_job *)m; j->rc = getaddrinfo(...); }
 *     helper_submit(rt, resolve, &job->header, self);   // `job` comes back to self when done
 */
#ifndef SHOAL_RUNTIME_HELPER_H
#define SHOAL_RUNTIME_HELPER_H

#include "runtime/message.h"
#include "runtime/runtime.h"

typedef void (*helper_fn)(message *job);

/* Runs fn(job) on a helper thread, then sends `job` to `reply_to`. Ownership of
 * the job moves to the runtime on success. SHOAL_ESHUTDOWN, SHOAL_ENOMEM or
 * SHOAL_ESTATE (no helper threads configured). */
int helper_submit(runtime *rt, helper_fn fn, message *job, actor *reply_to);

#endif
