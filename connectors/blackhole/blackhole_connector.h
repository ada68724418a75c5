/*
 * blackhole_connector.h — Trino's `blackhole` connector: writes are counted
 * and discarded; reads return no rows unless the table asks for generated
 * ones.
 *
 * Catalog file: `connector.name=blackhole` (no other properties; any key is
 * refused naming it). Schema `default` exists; CREATE/DROP SCHEMA work.
 *
 * Table properties (CREATE TABLE ... WITH (...), values as strings):
 *   split_count            splits a scan is cut into            (default 0)
 *   pages_per_split        pages each split produces            (default 0)
 *   rows_per_page          rows in each page                    (default 0)
 *   field_length           bytes of each varchar/varbinary value (default 16)
 *   page_processing_delay  Duration before each page, e.g. '5s' (default 0s)
 * split_count, pages_per_split and rows_per_page are all set or none.
 * A scan yields split_count * pages_per_split * rows_per_page rows in all,
 * every value zero / false / field_length bytes of '*' (byte 42, as Trino
 * fills them; bounded varchar(n) values are cut to n). A logical page with
 * more than VECTOR_SIZE rows is delivered as several pages. With a delay the
 * source answers SOURCE_BLOCKED with a SOURCE_WAIT_UNTIL deadline before each
 * page; it never sleeps.
 */
#ifndef SHOAL_BLACKHOLE_CONNECTOR_H
#define SHOAL_BLACKHOLE_CONNECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/connector.h"

#define BLACKHOLE_CONNECTOR_NAME "blackhole"
#define BLACKHOLE_DEFAULT_SCHEMA "default"

extern const connector_factory blackhole_connector_factory;

/* Registers blackhole_connector_factory with the catalog registry's factory table. */
bool blackhole_connector_register(shoal_error *error);

/* Parses a Trino Duration ("5s", "100ms", "1.5m"; ns us ms s m h d) into
 * nanoseconds. Returns false on a malformed value. */
bool blackhole_parse_duration(const char *text, uint64_t *nanos);

/* Rows written into the catalog's tables so far (writes are discarded). */
uint64_t blackhole_connector_rows_written(connector *c);

#endif
