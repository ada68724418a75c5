/*
 * function_internal.h — shared between the registry (function.c) and the
 * coercion rules (type_coercion.c); not part of the contract.
 */
#ifndef SHOAL_SPI_FUNCTION_INTERNAL_H
#define SHOAL_SPI_FUNCTION_INTERNAL_H

#include "connectors/spi/types.h"

/* Trino's coerceTypeBase: `from` turned into a type of kind `to_kind`
 * (integer -> decimal(10,0), char(n) -> varchar(n), unknown -> varchar(0)). */
bool type_coerce_base(sql_type from, type_kind to_kind, sql_type *out);

#endif
