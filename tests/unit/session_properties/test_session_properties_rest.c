/*
 * test_session_properties_rest.c — X-Trino-Session values are validated as
 * SET SESSION values are; SET SESSION answers X-Trino-Set-Session with the
 * normalised value.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../rest/rest_test_support.h"

Test(session_properties_rest, header_values_are_validated)
{
    rest_server s;
    rest_server_start(&s, NULL);
    rest_result r;
    const char *good[] = {"X-Trino-Session: join_distribution_type=BROADCAST,spill_enabled=true", NULL};
    cr_assert(rest_run(&s, "SELECT 1", good, &r));
    cr_assert_null(r.error);
    rest_result_free(&r);

    const char *unknown[] = {"X-Trino-Session: no_such_property=1", NULL};
    cr_assert(rest_run(&s, "SELECT 1", unknown, &r));
    cr_assert_not_null(r.error);
    cr_assert_str_eq(json_string_value(json_object_get(r.error, "errorName")), "INVALID_SESSION_PROPERTY");
    cr_assert_str_eq(json_string_value(json_object_get(r.error, "message")), "Unknown session property no_such_property");
    rest_result_free(&r);

    const char *bad[] = {"X-Trino-Session: join_distribution_type=SIDEWAYS", NULL};
    cr_assert(rest_run(&s, "SELECT 1", bad, &r));
    cr_assert_not_null(r.error);
    cr_assert_str_eq(json_string_value(json_object_get(r.error, "message")),
                     "join_distribution_type is invalid: SIDEWAYS");
    rest_result_free(&r);

    cr_assert(rest_run(&s, "SET SESSION join_distribution_type = 'partitioned'", NULL, &r));
    cr_assert_null(r.error);
    cr_assert(r.set_headers && strstr(r.set_headers, "join_distribution_type=PARTITIONED"), "%s",
              r.set_headers ? r.set_headers : "(none)");
    rest_result_free(&r);
    rest_server_stop(&s);
}
