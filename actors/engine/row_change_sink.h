/*
 * row_change_sink.h — DELETE / UPDATE: a page sink in front of a
 * connector's rewrite sink that takes pages of (table columns..., matched
 * flag), counts the matched rows and, for DELETE, leaves them out.
 */
#ifndef SHOAL_ACTORS_ROW_CHANGE_SINK_H
#define SHOAL_ACTORS_ROW_CHANGE_SINK_H

#include <stdbool.h>

#include "connectors/spi/connector.h"

/* Takes `inner` over (aborted on failure). finish reports the matched count. */
page_sink *row_change_sink_new(page_sink *inner, bool delete_matched, shoal_error *error);

#endif
