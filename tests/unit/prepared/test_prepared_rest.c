/*
 * test_prepared_rest.c — PREPARE over REST answers X-Trino-Added-Prepare; a
 * client that sends the statement back in X-Trino-Prepared-Statement can
 * EXECUTE it with parameters.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../rest/rest_test_support.h"

Test(prepared_rest, prepare_then_execute_from_header)
{
    rest_server s;
    rest_server_start(&s, NULL);
    rest_result r;
    cr_assert(rest_run(&s, "PREPARE q FROM SELECT ? + 1", NULL, &r));
    cr_assert_null(r.error);
    cr_assert(r.set_headers && strstr(r.set_headers, "Added-Prepare"), "%s", r.set_headers ? r.set_headers : "");
    rest_result_free(&r);
    const char *headers[] = {"X-Trino-Prepared-Statement: q=SELECT%20%3F%20%2B%201", NULL};
    cr_assert(rest_run(&s, "EXECUTE q USING 41", headers, &r));
    cr_assert_null(r.error, "%s", r.error ? json_string_value(json_object_get(r.error, "message")) : "");
    cr_assert_eq(json_integer_value(json_array_get(json_array_get(r.rows, 0), 0)), 42);
    rest_result_free(&r);
    cr_assert(rest_run(&s, "EXECUTE q USING 41", NULL, &r));
    cr_assert_not_null(r.error);
    cr_assert_str_eq(json_string_value(json_object_get(r.error, "message")), "Prepared statement not found: q");
    rest_result_free(&r);
    rest_server_stop(&s);
}
