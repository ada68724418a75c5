/*
 * op_unnest.h — UNNEST (CROSS JOIN UNNEST, LEFT JOIN UNNEST ... ON true):
 * input columns are [replicated columns][arrays/maps to unnest]; output
 * columns are the replicated ones, then per unnested column its element
 * (array of T), its fields (array of row) or its key and value (map), then
 * the bigint ordinality when asked for.
 */
#ifndef SHOAL_OPERATORS_OP_UNNEST_H
#define SHOAL_OPERATORS_OP_UNNEST_H

#include <stdbool.h>

#include "operators/operator.h"

enum { UNNEST_MAX_COLUMNS = 32 };

/* Output columns produced for the unnested types (without replicated and
 * ordinality columns). */
int unnest_output_columns(const sql_type *unnest_types, int unnest_count);

operator *unnest_create(int plan_node_id, int replicate_count, int unnest_count, const sql_type *unnest_types,
                        bool ordinality, bool outer, shoal_error *error);

#endif
