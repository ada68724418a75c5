/*
 * op_table_writer.h — the sink of INSERT and CREATE TABLE AS: appends every
 * input page to a connector's page sink, counting rows. The sink is shared
 * by the writer drivers (a connector's sink must accept concurrent appends
 * or the planner runs one writer driver); finishing the sink is left to the
 * owner once every writer is done.
 */
#ifndef SHOAL_OPERATORS_OP_TABLE_WRITER_H
#define SHOAL_OPERATORS_OP_TABLE_WRITER_H

#include <stdatomic.h>
#include <stdint.h>

#include "operators/operator.h"

operator *table_writer_create(int plan_node_id, page_sink *sink, _Atomic uint64_t *rows_written);

#endif
