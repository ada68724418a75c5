/*
 * op_values.h — a source that emits a fixed list of pages (VALUES lists,
 * constant tables, tests).
 */
#ifndef SHOAL_OPERATORS_OP_VALUES_H
#define SHOAL_OPERATORS_OP_VALUES_H

#include "operators/operator.h"

/* Takes one new reference to each page (the caller keeps its own). */
operator *values_create(int plan_node_id, page *const *pages, int page_count);

#endif
