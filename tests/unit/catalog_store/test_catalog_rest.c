/* placeholder until the REST resource lands */
#include <criterion/criterion.h>
