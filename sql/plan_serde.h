/*
 * plan_serde.h — plan trees and plan fragments to msgpack bytes and back, so
 * the coordinator can send a fragment to a worker.
 *
 * Format (version PLAN_SERDE_VERSION), one msgpack value:
 *   array(3) [ str "shoal-plan", uint version, body ]
 * body is a plan node (plan_serialize) or a fragment (plan_fragment_serialize):
 *   fragment = [id, partitioning, output_kind, [output_keys], consumer_id,
 *               [[node_id, fragment_id, kind]...], node]
 *   node     = [kind, id, [[name, type]...], est_rows, est_bytes,
 *               input0|nil, input1|nil, [sources...], payload]
 *   expr     = [kind, type, column, field_index, lambda_parameters, line,
 *               position, constant|nil, function|nil, [args...]]
 *   function = [name, signature, kind]     (re-resolved by name + signature)
 *   value    = [type, is_null, payload]     (payload per physical type)
 *   type     = str (type_format / type_parse)
 * A table scan carries catalog, schema, table name and the table's columns;
 * the decoder asks `resolve_table` for the connector's own handle (the
 * worker's catalogs) or, without one, rebuilds the metadata from the bytes.
 *
 * Decoding treats the bytes as hostile: every length is checked, counts are
 * bounded by the bytes left, recursion is depth-limited, channel indexes are
 * checked against the node's inputs, unknown versions, kinds and functions
 * are refused. A failure is ERR_SERIALIZATION_ERROR with a reason; nothing
 * crashes or leaks.
 */
#ifndef SHOAL_SQL_PLAN_SERDE_H
#define SHOAL_SQL_PLAN_SERDE_H

#include <stdbool.h>
#include <stddef.h>

#include "connectors/spi/connector.h"
#include "connectors/spi/error.h"
#include "sql/fragmenter.h"
#include "sql/plan.h"

enum {
    PLAN_SERDE_VERSION = 1,
    PLAN_SERDE_MAX_DEPTH = 256      /* plan nodes and expressions nest at most this deep */
};

/* Gives the decoder the worker's table_metadata for a scan (a new one the
 * plan then owns), or NULL with *error set. */
typedef table_metadata *(*plan_serde_resolve_table)(void *context, const char *catalog,
                                                    const char *schema, const char *table,
                                                    shoal_error *error);

typedef struct plan_serde_options {
    plan_serde_resolve_table resolve_table;   /* NULL: metadata rebuilt from the bytes */
    void *context;
} plan_serde_options;

/* Encodes a plan tree; *out is malloc'd (caller frees). */
bool plan_serialize(const plan_node *root, unsigned char **out, size_t *out_size, shoal_error *error);
/* Decodes a plan tree (caller frees with plan_free), or NULL with *error. */
plan_node *plan_deserialize(const void *data, size_t size, const plan_serde_options *options,
                            shoal_error *error);

/* A fragment (with its plan) to bytes and back. The decoded fragment owns
 * its root, output_keys and remote_sources: free with plan_fragment_clear. */
bool plan_fragment_serialize(const plan_fragment *fragment, unsigned char **out, size_t *out_size,
                             shoal_error *error);
bool plan_fragment_deserialize(const void *data, size_t size, const plan_serde_options *options,
                               plan_fragment *out, shoal_error *error);
void plan_fragment_clear(plan_fragment *fragment);

#endif
