/*
 * builtin_connectors.h — registers every connector that ships with Shoal
 * (tpch, memory, blackhole, system) with the catalog registry's factory table.
 */
#ifndef SHOAL_CONNECTORS_BUILTIN_H
#define SHOAL_CONNECTORS_BUILTIN_H

#include <stdbool.h>

#include "connectors/spi/error.h"

bool builtin_connectors_register(shoal_error *error);

#endif
