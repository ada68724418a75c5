/*
 * op_filter_project.h — WHERE + SELECT list over each page (Trino's
 * FilterAndProjectOperator / ScanFilterAndProject's projection half): an
 * optional boolean filter program makes a selection of the rows where it is
 * TRUE; each projection then runs only over those rows. A projection that
 * is a bare column reference costs nothing: it becomes a reference to the
 * input vector (or a dictionary over it when rows were filtered out).
 * Pages where no row passes produce no output.
 */
#ifndef SHOAL_OPERATORS_OP_FILTER_PROJECT_H
#define SHOAL_OPERATORS_OP_FILTER_PROJECT_H

#include "connectors/spi/expression.h"
#include "operators/operator.h"

/* filter may be NULL; the expressions are compiled here (not retained). */
operator *filter_project_create(int plan_node_id, const expr *filter, int projection_count,
                                const expr *const *projections, shoal_error *error);

#endif
