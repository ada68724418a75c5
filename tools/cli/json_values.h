/*
 * json_values.h — turns a value of the REST `data` array back into the two
 * forms the printer needs, guided by its column's typeSignature:
 *   the CLI text form (value_format_text's: varbinary as hex bytes, arrays
 *   [a, b], maps {k=v}, rows {name=value}, NULL inside as "NULL", double and
 *   real in Java's form), and
 *   the JSON token (the wire encoding, re-emitted with Java number forms).
 * So `shoal` prints what `shoal-server --execute` prints for the same query.
 */
#ifndef SHOAL_CLI_JSON_VALUES_H
#define SHOAL_CLI_JSON_VALUES_H

#include <jansson.h>
#include <stdbool.h>

#include "connectors/spi/text_builder.h"

/* `signature` is the column's typeSignature object (may be NULL: untyped). */
bool json_value_text(const json_t *value, const json_t *signature, text_builder *out);
bool json_value_token(const json_t *value, const json_t *signature, text_builder *out);

/* rawType of a signature ("" when absent). */
const char *json_signature_raw_type(const json_t *signature);
/* true for tinyint..bigint, real, double, decimal: right-aligned columns. */
bool json_signature_is_numeric(const json_t *signature);

#endif
