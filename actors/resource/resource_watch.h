/*
 * resource_watch.h — reloads resource-groups.json when the file changes,
 * without a restart. A thread looks at the file every refresh interval
 * (resource-groups.refresh-interval); when its modification time, size or
 * inode changed it parses it and calls resource_manager_reload (running
 * and queued queries keep their group; new limits apply at once). A file
 * that does not parse or validate is reported on stderr once per change
 * and the configuration in force stays.
 *
 *     resource_watch *w = resource_watch_start(rm, "etc/resource-groups.json", 1000);
 *     ...
 *     resource_watch_stop(w);      // before resource_manager_destroy
 */
#ifndef SHOAL_ACTORS_RESOURCE_WATCH_H
#define SHOAL_ACTORS_RESOURCE_WATCH_H

#include <stdint.h>

#include "actors/resource/resource_manager.h"

typedef struct resource_watch resource_watch;

/* NULL when out of memory or no thread could start. */
resource_watch *resource_watch_start(resource_manager *rm, const char *path, int64_t interval_ms);
void resource_watch_stop(resource_watch *w);
/* Reloads applied / changed files refused so far. */
uint64_t resource_watch_reloads(resource_watch *w);
uint64_t resource_watch_failures(resource_watch *w);

#endif
