/*
 * test_types.c — SQL types: Trino's spellings, parsing, equality, interning.
 */
#include <criterion/criterion.h>

#include "connectors/spi/error.h"
#include "connectors/spi/types.h"

static void check_round_trip(const char *text, const char *compact, const char *protocol)
{
    sql_type t;
    cr_assert(type_parse(text, &t), "parse %s", text);
    char out[256];
    type_format(t, false, out, sizeof out);
    cr_assert_str_eq(out, compact);
    type_format(t, true, out, sizeof out);
    cr_assert_str_eq(out, protocol);
    sql_type again;
    cr_assert(type_parse(out, &again));
    cr_assert(type_equal(t, again), "%s", out);
}

Test(types, spellings_round_trip)
{
    check_round_trip("bigint", "bigint", "bigint");
    check_round_trip("INT", "integer", "integer");
    check_round_trip("decimal(12,2)", "decimal(12,2)", "decimal(12, 2)");
    check_round_trip("varchar(25)", "varchar(25)", "varchar(25)");
    check_round_trip("varchar", "varchar", "varchar");
    check_round_trip("double precision", "double", "double");
    check_round_trip("timestamp(3) with time zone", "timestamp(3) with time zone", "timestamp(3) with time zone");
    check_round_trip("timestamp", "timestamp(3)", "timestamp(3)");
    check_round_trip("array(row(a bigint, \"Word Start\" decimal(10,2), varchar))",
                     "array(row(a bigint,\"Word Start\" decimal(10,2),varchar))",
                     "array(row(a bigint, \"Word Start\" decimal(10, 2), varchar))");
    check_round_trip("map(varchar(1), array(integer))", "map(varchar(1),array(integer))",
                     "map(varchar(1), array(integer))");
    check_round_trip("interval day to second", "interval day to second", "interval day to second");
}

Test(types, bad_names_are_refused)
{
    sql_type t;
    const char *bad[] = {"", "bigin", "decimal(39,2)", "decimal(5,6)", "varchar(", "array()",
                         "map(bigint)", "row(", "bigint extra", "array(array(array(", NULL};
    for (int i = 0; bad[i]; i++)
        cr_assert_not(type_parse(bad[i], &t), "accepted %s", bad[i]);
}

Test(types, composite_types_are_interned)
{
    sql_type a = type_array(type_make(TYPE_BIGINT));
    sql_type b = type_array(type_make(TYPE_BIGINT));
    sql_type c = type_array(type_make(TYPE_INTEGER));
    cr_assert(type_equal(a, b));
    cr_assert_eq(a.composite, b.composite);
    cr_assert_not(type_equal(a, c));
}

Test(types, physical_representation)
{
    cr_assert_eq(type_physical(type_decimal(12, 2)), PHYSICAL_INT64);
    cr_assert_eq(type_physical(type_decimal(19, 2)), PHYSICAL_INT128);
    cr_assert_eq(type_value_size(type_varchar(10)), 16);
    cr_assert_eq(type_value_size(type_make(TYPE_DATE)), 4);
}

Test(errors, names_codes_and_types_are_trinos)
{
    cr_assert_str_eq(error_name(ERR_SYNTAX_ERROR), "SYNTAX_ERROR");
    cr_assert_eq(error_number(ERR_COLUMN_NOT_FOUND), 47);
    cr_assert_eq(error_number(ERR_QUERY_QUEUE_FULL), 131074);
    cr_assert_str_eq(error_type_name(error_type_of(ERR_EXCEEDED_LOCAL_MEMORY_LIMIT)), "INSUFFICIENT_RESOURCES");
    error_code code;
    cr_assert(error_code_from_name("TABLE_NOT_FOUND", &code));
    cr_assert_eq(code, ERR_TABLE_NOT_FOUND);
    shoal_error e;
    error_clear(&e);
    cr_assert_not(error_is_set(&e));
    cr_assert_not(error_set_at(&e, ERR_SYNTAX_ERROR, 1, 8, "mismatched input '%s'", "FORM"));
    cr_assert(error_is_set(&e));
    cr_assert_str_eq(e.message, "mismatched input 'FORM'");
    cr_assert_eq(e.column, 8);
}
