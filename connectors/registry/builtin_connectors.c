/*
 * builtin_connectors.c — the list of connectors built into Shoal.
 */
#include "builtin_connectors.h"

#include "connectors/blackhole/blackhole_connector.h"
#include "connectors/memory/memory_connector.h"
#include "connectors/system/system_connector.h"
#include "connectors/tpch/tpch_connector.h"

bool builtin_connectors_register(shoal_error *error)
{
    return tpch_connector_register(error) && memory_connector_register(error) &&
           blackhole_connector_register(error) && system_connector_register(error);
}
