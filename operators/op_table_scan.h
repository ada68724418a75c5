/*
 * op_table_scan.h — the source operator over a connector page source
 * (connector.h): pulls pages, reports BLOCKED with the source's fd/timer
 * wait, counts the rows and bytes it reads.
 */
#ifndef SHOAL_OPERATORS_OP_TABLE_SCAN_H
#define SHOAL_OPERATORS_OP_TABLE_SCAN_H

#include "operators/operator.h"

/* Takes ownership of `source` (closed with the operator). */
operator *table_scan_create(int plan_node_id, page_source *source);

#endif
