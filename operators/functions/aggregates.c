/*
 * aggregates.c — the aggregate functions (aggregate_function.h): count(*),
 * count(x), count_if, sum, avg, min, max, arbitrary/any_value, bool_and/
 * every, bool_or, and the variance family (Welford states, merged with
 * Chan's formula). Intermediate types: count -> bigint, sum -> its return
 * type (bigint, double, decimal(38,s)), min/max/arbitrary -> the argument
 * type, avg and variance -> varbinary (the packed state).
 *
 * sum(bigint) fails like Trino ("bigint addition overflow: a + b"), decimal
 * sums fail with "Decimal overflow" beyond 38 digits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/decimal.h"
#include "operators/aggregate_function.h"
#include "operators/functions/aggregate_families.h"

typedef __int128 i128;

typedef enum agg_kind {
    A_COUNT_STAR, A_COUNT, A_COUNT_IF,
    A_SUM_INT, A_SUM_DOUBLE, A_SUM_DECIMAL,
    A_AVG_INT, A_AVG_DOUBLE, A_AVG_DECIMAL,
    A_MIN, A_MAX, A_ARBITRARY,
    A_BOOL_AND, A_BOOL_OR,
    A_VAR_SAMP, A_VAR_POP, A_STDDEV_SAMP, A_STDDEV_POP,
} agg_kind;

typedef struct agg_data {
    agg_kind kind;
    sql_type arg_type;
} agg_data;

/* states */
typedef struct count_state { int64_t count; } count_state;
typedef struct sum_int_state { int64_t sum; int64_t has; } sum_int_state;
typedef struct sum_double_state { double sum; int64_t has; } sum_double_state;
typedef struct sum_decimal_state { i128 sum; int64_t has; } sum_decimal_state;
typedef struct avg_state { i128 decimal_sum; double sum; int64_t count; } avg_state;
typedef struct var_state { int64_t count; double mean; double m2; } var_state;
typedef struct pick_state {
    _Alignas(16) unsigned char value[16]; /* fixed-width value, or string_view over `owned` */
    char *owned;
    uint32_t owned_capacity;
    int32_t has;
} pick_state;

static const agg_data *data_of(const aggregate_function *f)
{
    return f->data;
}

static inline physical_type arg_physical(const aggregate_function *f)
{
    return type_physical(data_of(f)->arg_type);
}

static void init_zero(const aggregate_function *f, void *state)
{
    memset(state, 0, f->state_size);
}

static bool overflow(shoal_error *error, int64_t a, int64_t b)
{
    return error_set(error, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "bigint addition overflow: %lld + %lld", (long long)a,
                     (long long)b);
}

static inline int64_t read_int(const vector_view *v, physical_type p, uint32_t i)
{
    switch (p) {
    case PHYSICAL_BOOL: return ((const uint8_t *)v->data)[i];
    case PHYSICAL_INT8: return ((const int8_t *)v->data)[i];
    case PHYSICAL_INT16: return ((const int16_t *)v->data)[i];
    case PHYSICAL_INT32: return ((const int32_t *)v->data)[i];
    default: return ((const int64_t *)v->data)[i];
    }
}

static inline double read_double(const vector_view *v, physical_type p, uint32_t i)
{
    if (p == PHYSICAL_FLOAT)
        return ((const float *)v->data)[i];
    if (p == PHYSICAL_DOUBLE)
        return ((const double *)v->data)[i];
    return (double)read_int(v, p, i);
}

static inline i128 read_decimal(const vector_view *v, physical_type p, uint32_t i)
{
    return p == PHYSICAL_INT128 ? ((const i128 *)v->data)[i] : ((const int64_t *)v->data)[i];
}

#define FOR_VALID(view, count, i, ...) \
    for (uint32_t row_ = 0; row_ < (count); row_++) { \
        uint32_t i = vector_view_index(&(view), row_); \
        if (!vector_view_valid(&(view), i)) \
            continue; \
        uint32_t r = row_; \
        (void)r; \
        __VA_ARGS__ \
    }

/* ---- update ---- */

static bool pick_store(pick_state *s, const agg_data *d, const vector_view *v, uint32_t i)
{
    size_t size = type_value_size(d->arg_type);
    if (type_physical(d->arg_type) == PHYSICAL_STRING) {
        const string_view *sv = (const string_view *)v->data + i;
        if (sv->length > s->owned_capacity) {
            uint32_t capacity = sv->length < 32 ? 32 : sv->length;
            char *p = realloc(s->owned, capacity);
            if (!p)
                return false;
            s->owned = p;
            s->owned_capacity = capacity;
        }
        memcpy(s->owned, string_view_data(sv), sv->length);
        string_view copy = string_view_make(s->owned, sv->length);
        memcpy(s->value, &copy, sizeof copy);
    } else {
        memcpy(s->value, (const unsigned char *)v->data + size * i, size);
    }
    s->has = 1;
    return true;
}

static int pick_compare(const agg_data *d, const pick_state *s, const vector_view *v, uint32_t i)
{
    vector_view mine = {s->value, NULL, NULL};
    const unsigned char *theirs = (const unsigned char *)v->data + type_value_size(d->arg_type) * i;
    switch (type_physical(d->arg_type)) {
#define CMP(T) { T a, b; memcpy(&a, theirs, sizeof a); memcpy(&b, mine.data, sizeof b); return a < b ? -1 : a > b; }
    case PHYSICAL_BOOL: CMP(uint8_t)
    case PHYSICAL_INT8: CMP(int8_t)
    case PHYSICAL_INT16: CMP(int16_t)
    case PHYSICAL_INT32: CMP(int32_t)
    case PHYSICAL_INT64: CMP(int64_t)
    case PHYSICAL_INT128: CMP(i128)
    case PHYSICAL_FLOAT: CMP(float)
    case PHYSICAL_DOUBLE: CMP(double)
#undef CMP
    case PHYSICAL_STRING: {
        string_view a, b;
        memcpy(&a, theirs, sizeof a);
        memcpy(&b, mine.data, sizeof b);
        int c = string_view_compare(&a, &b);
        return (c > 0) - (c < 0);
    }
    case PHYSICAL_TIMESTAMP_TZ: {
        timestamp_tz a, b;
        memcpy(&a, theirs, sizeof a);
        memcpy(&b, mine.data, sizeof b);
        return a.micros_utc < b.micros_utc ? -1 : a.micros_utc > b.micros_utc;
    }
    default: return 0;
    }
}

static bool var_add(var_state *s, double x)
{
    s->count++;
    double delta = x - s->mean;
    s->mean += delta / (double)s->count;
    s->m2 += delta * (x - s->mean);
    return true;
}

static void var_merge(var_state *t, const var_state *s)
{
    if (s->count == 0)
        return;
    if (t->count == 0) {
        *t = *s;
        return;
    }
    int64_t n = t->count + s->count;
    double delta = s->mean - t->mean;
    t->m2 += s->m2 + delta * delta * (double)t->count * (double)s->count / (double)n;
    t->mean += delta * (double)s->count / (double)n;
    t->count = n;
}

/* ---- flat kernels ----
 * The common aggregates over a flat input without NULLs or selection (most
 * of TPC-H): one typed loop each, no per-row type dispatch. Decimal sums of
 * short decimals add 64-bit values into 128-bit states, which cannot wrap
 * within one vector, so the 38-digit check runs once per row after the loop. */

/* No NULL among rows [0, count) of a flat vector's bitmap (NULL: none). */
static bool all_valid(const uint64_t *validity, uint32_t count)
{
    if (!validity)
        return true;
    uint32_t words = count / 64;
    for (uint32_t w = 0; w < words; w++)
        if (validity[w] != ~UINT64_C(0))
            return false;
    uint32_t rest = count % 64;
    return rest == 0 || (validity[words] | ~((UINT64_C(1) << rest) - 1)) == ~UINT64_C(0);
}

static const i128 DECIMAL38_MAX = ((i128)0x4b3b4ca85a86c47aULL << 64) | 0x098a223fffffffffULL;

static inline bool fits38(i128 v)
{
    return v <= DECIMAL38_MAX && v >= -DECIMAL38_MAX;
}

static bool decimal_overflow(shoal_error *error)
{
    return error_set(error, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Decimal overflow");
}

static bool sum_decimal_short(void *const *states, uint32_t count, const int64_t *x, shoal_error *error)
{
    for (uint32_t r = 0; r < count; r++) {
        sum_decimal_state *s = states[r];
        s->sum += x[r];
        s->has = 1;
    }
    for (uint32_t r = 0; r < count; r++)
        if (!fits38(((sum_decimal_state *)states[r])->sum))
            return decimal_overflow(error);
    return true;
}

static bool sum_decimal_long(void *const *states, uint32_t count, const i128 *x, shoal_error *error)
{
    for (uint32_t r = 0; r < count; r++) {
        sum_decimal_state *s = states[r];
        if (__builtin_add_overflow(s->sum, x[r], &s->sum) || !fits38(s->sum))
            return decimal_overflow(error);
        s->has = 1;
    }
    return true;
}

static bool avg_decimal_short(void *const *states, uint32_t count, const int64_t *x, shoal_error *error)
{
    (void)error; /* 64-bit values into a 128-bit sum: no wrap within 2^63 rows */
    for (uint32_t r = 0; r < count; r++) {
        avg_state *s = states[r];
        s->decimal_sum += x[r];
        s->count++;
    }
    return true;
}

static bool avg_decimal_long(void *const *states, uint32_t count, const i128 *x, shoal_error *error)
{
    for (uint32_t r = 0; r < count; r++) {
        avg_state *s = states[r];
        if (__builtin_add_overflow(s->decimal_sum, x[r], &s->decimal_sum))
            return decimal_overflow(error);
        s->count++;
    }
    return true;
}

static bool sum_bigint(void *const *states, uint32_t count, const int64_t *x, shoal_error *error)
{
    for (uint32_t r = 0; r < count; r++) {
        sum_int_state *s = states[r];
        int64_t total;
        if (__builtin_add_overflow(s->sum, x[r], &total))
            return overflow(error, s->sum, x[r]);
        s->sum = total;
        s->has = 1;
    }
    return true;
}

static void sum_double(void *const *states, uint32_t count, const double *x)
{
    for (uint32_t r = 0; r < count; r++) {
        sum_double_state *s = states[r];
        s->sum += x[r];
        s->has = 1;
    }
}

static void avg_double(void *const *states, uint32_t count, const double *x)
{
    for (uint32_t r = 0; r < count; r++) {
        avg_state *s = states[r];
        s->sum += x[r];
        s->count++;
    }
}

/* 1 or 0 (done, ok or failed), -1 when there is no kernel for this case. */
static int update_flat(agg_kind kind, physical_type p, void *const *states, uint32_t count,
                       const void *data, shoal_error *error)
{
    switch (kind) {
    case A_COUNT:
        for (uint32_t r = 0; r < count; r++)
            ((count_state *)states[r])->count++;
        return 1;
    case A_SUM_DECIMAL:
        if (p == PHYSICAL_INT64)
            return sum_decimal_short(states, count, data, error);
        if (p == PHYSICAL_INT128)
            return sum_decimal_long(states, count, data, error);
        return -1;
    case A_AVG_DECIMAL:
        if (p == PHYSICAL_INT64)
            return avg_decimal_short(states, count, data, error);
        if (p == PHYSICAL_INT128)
            return avg_decimal_long(states, count, data, error);
        return -1;
    case A_SUM_INT:
        return p == PHYSICAL_INT64 ? sum_bigint(states, count, data, error) : -1;
    case A_SUM_DOUBLE:
        if (p != PHYSICAL_DOUBLE)
            return -1;
        sum_double(states, count, data);
        return 1;
    case A_AVG_DOUBLE:
        if (p != PHYSICAL_DOUBLE)
            return -1;
        avg_double(states, count, data);
        return 1;
    default:
        return -1;
    }
}

static bool update(const aggregate_function *f, void *const *states, uint32_t count,
                   const vector *const *args, shoal_error *error)
{
    const agg_data *d = data_of(f);
    if (d->kind == A_COUNT_STAR) {
        for (uint32_t r = 0; r < count; r++)
            ((count_state *)states[r])->count++;
        return true;
    }
    vector_view v = vector_view_of(args[0]);
    physical_type p = type_physical(args[0]->type); /* read what we are given */
    if (!v.selection && all_valid(v.validity, count)) {
        int done = update_flat(d->kind, p, states, count, v.data, error);
        if (done >= 0)
            return done;
    }
    switch (d->kind) {
    case A_COUNT:
        FOR_VALID(v, count, i, ((count_state *)states[r])->count++;)
        return true;
    case A_COUNT_IF:
        FOR_VALID(v, count, i, ((count_state *)states[r])->count += ((const uint8_t *)v.data)[i] != 0;)
        return true;
    case A_SUM_INT:
        FOR_VALID(v, count, i, {
            sum_int_state *s = states[r];
            int64_t x = read_int(&v, p, i), total;
            if (__builtin_add_overflow(s->sum, x, &total))
                return overflow(error, s->sum, x);
            s->sum = total;
            s->has = 1;
        })
        return true;
    case A_SUM_DOUBLE:
        FOR_VALID(v, count, i, {
            sum_double_state *s = states[r];
            s->sum += read_double(&v, p, i);
            s->has = 1;
        })
        return true;
    case A_SUM_DECIMAL:
        FOR_VALID(v, count, i, {
            sum_decimal_state *s = states[r];
            i128 x = read_decimal(&v, p, i);
            if (__builtin_add_overflow(s->sum, x, &s->sum) || !decimal_fits(s->sum, 38))
                return error_set(error, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Decimal overflow");
            s->has = 1;
        })
        return true;
    case A_AVG_INT:
    case A_AVG_DOUBLE:
        FOR_VALID(v, count, i, {
            avg_state *s = states[r];
            s->sum += read_double(&v, p, i);
            s->count++;
        })
        return true;
    case A_AVG_DECIMAL:
        FOR_VALID(v, count, i, {
            avg_state *s = states[r];
            i128 x = read_decimal(&v, p, i);
            if (__builtin_add_overflow(s->decimal_sum, x, &s->decimal_sum))
                return error_set(error, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Decimal overflow");
            s->count++;
        })
        return true;
    case A_MIN:
    case A_MAX:
    case A_ARBITRARY: {
        int want = d->kind == A_MIN ? -1 : 1;
        FOR_VALID(v, count, i, {
            pick_state *s = states[r];
            bool take = !s->has || (d->kind != A_ARBITRARY && pick_compare(d, s, &v, i) == want);
            if (take && !pick_store(s, d, &v, i))
                return aggregate_out_of_memory(error);
        })
        return true;
    }
    case A_BOOL_AND:
    case A_BOOL_OR:
        FOR_VALID(v, count, i, {
            sum_int_state *s = states[r];
            int64_t x = ((const uint8_t *)v.data)[i] != 0;
            s->sum = !s->has ? x : d->kind == A_BOOL_AND ? (s->sum && x) : (s->sum || x);
            s->has = 1;
        })
        return true;
    case A_VAR_SAMP:
    case A_VAR_POP:
    case A_STDDEV_SAMP:
    case A_STDDEV_POP:
        FOR_VALID(v, count, i, var_add(states[r], read_double(&v, p, i));)
        return true;
    default:
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "bad aggregate");
    }
}

/* ---- combine ---- */

static bool combine(const aggregate_function *f, void *target, const void *source, shoal_error *error)
{
    const agg_data *d = data_of(f);
    switch (d->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
    case A_COUNT_IF:
        ((count_state *)target)->count += ((const count_state *)source)->count;
        return true;
    case A_SUM_INT: {
        sum_int_state *t = target;
        const sum_int_state *s = source;
        if (!s->has)
            return true;
        int64_t total;
        if (__builtin_add_overflow(t->sum, s->sum, &total))
            return overflow(error, t->sum, s->sum);
        t->sum = total;
        t->has = 1;
        return true;
    }
    case A_SUM_DOUBLE: {
        sum_double_state *t = target;
        const sum_double_state *s = source;
        t->sum += s->sum;
        t->has |= s->has;
        return true;
    }
    case A_SUM_DECIMAL: {
        sum_decimal_state *t = target;
        const sum_decimal_state *s = source;
        if (__builtin_add_overflow(t->sum, s->sum, &t->sum) || !decimal_fits(t->sum, 38))
            return error_set(error, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Decimal overflow");
        t->has |= s->has;
        return true;
    }
    case A_AVG_INT:
    case A_AVG_DOUBLE:
    case A_AVG_DECIMAL: {
        avg_state *t = target;
        const avg_state *s = source;
        if (__builtin_add_overflow(t->decimal_sum, s->decimal_sum, &t->decimal_sum))
            return error_set(error, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Decimal overflow");
        t->sum += s->sum;
        t->count += s->count;
        return true;
    }
    case A_MIN:
    case A_MAX:
    case A_ARBITRARY: {
        pick_state *t = target;
        const pick_state *s = source;
        if (!s->has)
            return true;
        vector_view v = {s->value, NULL, NULL};
        int want = d->kind == A_MIN ? -1 : 1;
        if (!t->has || (d->kind != A_ARBITRARY && pick_compare(d, t, &v, 0) == want))
            if (!pick_store(t, d, &v, 0))
                return aggregate_out_of_memory(error);
        return true;
    }
    case A_BOOL_AND:
    case A_BOOL_OR: {
        sum_int_state *t = target;
        const sum_int_state *s = source;
        if (!s->has)
            return true;
        t->sum = !t->has ? s->sum : d->kind == A_BOOL_AND ? (t->sum && s->sum) : (t->sum || s->sum);
        t->has = 1;
        return true;
    }
    default:
        var_merge(target, source);
        return true;
    }
}

/* ---- intermediate ---- */

static bool write_value(vector *out, uint32_t row, sql_type type, const void *bytes)
{
    vector_set_valid(out, row);
    size_t size = type_value_size(type);
    if (type_physical(type) == PHYSICAL_STRING) {
        const string_view *s = bytes;
        return vector_add_string(out, string_view_data(s), s->length, (string_view *)out->data + row);
    }
    memcpy((unsigned char *)out->data + size * row, bytes, size);
    return true;
}

static bool write_int(vector *out, uint32_t row, int64_t v)
{
    vector_set_valid(out, row);
    switch (type_physical(out->type)) {
    case PHYSICAL_BOOL: ((uint8_t *)out->data)[row] = v != 0; return true;
    case PHYSICAL_INT32: ((int32_t *)out->data)[row] = (int32_t)v; return true;
    case PHYSICAL_INT64: ((int64_t *)out->data)[row] = v; return true;
    default: return false;
    }
}

static bool write_intermediate(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    const agg_data *d = data_of(f);
    switch (d->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
    case A_COUNT_IF: return write_int(out, row, ((const count_state *)state)->count);
    case A_SUM_INT:
    case A_BOOL_AND:
    case A_BOOL_OR: {
        const sum_int_state *s = state;
        return s->has ? write_int(out, row, s->sum) : vector_set_null(out, row);
    }
    case A_SUM_DOUBLE: {
        const sum_double_state *s = state;
        return s->has ? write_value(out, row, out->type, &s->sum) : vector_set_null(out, row);
    }
    case A_SUM_DECIMAL: {
        const sum_decimal_state *s = state;
        return s->has ? write_value(out, row, out->type, &s->sum) : vector_set_null(out, row);
    }
    case A_AVG_INT:
    case A_AVG_DOUBLE:
    case A_AVG_DECIMAL: return aggregate_write_bytes(out, row, state, sizeof(avg_state));
    case A_MIN:
    case A_MAX:
    case A_ARBITRARY: {
        const pick_state *s = state;
        return s->has ? write_value(out, row, out->type, s->value) : vector_set_null(out, row);
    }
    default: return aggregate_write_bytes(out, row, state, sizeof(var_state));
    }
}

/* Flat intermediates without NULLs (partial states of groups that saw a
 * value): 1 or 0 (done, ok or failed), -1 when there is no kernel. */
static int merge_flat(const aggregate_function *f, physical_type p, void *const *states,
                      uint32_t count, const void *data, shoal_error *error)
{
    agg_kind kind = data_of(f)->kind;
    switch (kind) {
    case A_COUNT_STAR:
    case A_COUNT:
    case A_COUNT_IF: {
        if (p != PHYSICAL_INT64)
            return -1;
        const int64_t *x = data;
        for (uint32_t r = 0; r < count; r++)
            ((count_state *)states[r])->count += x[r];
        return 1;
    }
    case A_SUM_INT:
        return p == PHYSICAL_INT64 ? sum_bigint(states, count, data, error) : -1;
    case A_SUM_DECIMAL:
        if (p == PHYSICAL_INT64)
            return sum_decimal_short(states, count, data, error);
        return p == PHYSICAL_INT128 ? sum_decimal_long(states, count, data, error) : -1;
    case A_AVG_INT:
    case A_AVG_DOUBLE:
    case A_AVG_DECIMAL: {
        if (p != PHYSICAL_STRING)
            return -1;
        const string_view *x = data;
        for (uint32_t r = 0; r < count; r++) {
            avg_state in;
            if (x[r].length != sizeof in)
                return aggregate_corrupt_state(f, error);
            memcpy(&in, string_view_data(&x[r]), sizeof in);
            avg_state *s = states[r];
            if (__builtin_add_overflow(s->decimal_sum, in.decimal_sum, &s->decimal_sum))
                return decimal_overflow(error);
            s->sum += in.sum;
            s->count += in.count;
        }
        return 1;
    }
    default:
        return -1;
    }
}

static bool merge_intermediate(const aggregate_function *f, void *const *states, uint32_t count,
                               const vector *intermediate, shoal_error *error)
{
    const agg_data *d = data_of(f);
    vector_view v = vector_view_of(intermediate);
    physical_type p = type_physical(intermediate->type);
    if (!v.selection && all_valid(v.validity, count)) {
        int done = merge_flat(f, p, states, count, v.data, error);
        if (done >= 0)
            return done;
    }
    _Alignas(16) unsigned char scratch[64];
    for (uint32_t r = 0; r < count; r++) {
        uint32_t i = vector_view_index(&v, r);
        if (!vector_view_valid(&v, i))
            continue;
        memset(scratch, 0, sizeof scratch);
        switch (d->kind) {
        case A_COUNT_STAR:
        case A_COUNT:
        case A_COUNT_IF: ((count_state *)scratch)->count = read_int(&v, p, i); break;
        case A_SUM_INT:
        case A_BOOL_AND:
        case A_BOOL_OR:
            ((sum_int_state *)scratch)->sum = read_int(&v, p, i);
            ((sum_int_state *)scratch)->has = 1;
            break;
        case A_SUM_DOUBLE:
            ((sum_double_state *)scratch)->sum = ((const double *)v.data)[i];
            ((sum_double_state *)scratch)->has = 1;
            break;
        case A_SUM_DECIMAL:
            ((sum_decimal_state *)scratch)->sum = read_decimal(&v, p, i);
            ((sum_decimal_state *)scratch)->has = 1;
            break;
        case A_MIN:
        case A_MAX:
        case A_ARBITRARY: {
            pick_state *s = states[r];
            int want = d->kind == A_MIN ? -1 : 1;
            bool take = !s->has || (d->kind != A_ARBITRARY && pick_compare(d, s, &v, i) == want);
            if (take && !pick_store(s, d, &v, i))
                return aggregate_out_of_memory(error);
            continue;
        }
        default: {
            const string_view *sv = (const string_view *)v.data + i;
            size_t expected = d->kind <= A_AVG_DECIMAL ? sizeof(avg_state) : sizeof(var_state);
            if (sv->length != expected)
                return aggregate_corrupt_state(f, error);
            memcpy(scratch, string_view_data(sv), expected);
            break;
        }
        }
        if (!combine(f, states[r], scratch, error))
            return false;
    }
    return true;
}

/* ---- finalize ---- */

static bool finalize(const aggregate_function *f, const void *state, vector *out, uint32_t row,
                     shoal_error *error)
{
    const agg_data *d = data_of(f);
    switch (d->kind) {
    case A_AVG_INT:
    case A_AVG_DOUBLE: {
        const avg_state *s = state;
        if (s->count == 0)
            return vector_set_null(out, row);
        double mean = s->sum / (double)s->count;
        if (out->type.kind == TYPE_REAL) {
            float x = (float)mean;
            return write_value(out, row, out->type, &x);
        }
        return write_value(out, row, out->type, &mean);
    }
    case A_AVG_DECIMAL: {
        const avg_state *s = state;
        if (s->count == 0)
            return vector_set_null(out, row);
        i128 q;
        if (!decimal_divide(s->decimal_sum, 0, s->count, &q))
            return error_set(error, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Decimal overflow");
        if (type_physical(out->type) == PHYSICAL_INT64) {
            int64_t x = (int64_t)q;
            return write_value(out, row, out->type, &x);
        }
        return write_value(out, row, out->type, &q);
    }
    case A_SUM_DOUBLE: {
        const sum_double_state *s = state;
        if (!s->has)
            return vector_set_null(out, row);
        if (out->type.kind == TYPE_REAL) {
            float x = (float)s->sum;
            return write_value(out, row, out->type, &x);
        }
        return write_value(out, row, out->type, &s->sum);
    }
    case A_VAR_SAMP:
    case A_VAR_POP:
    case A_STDDEV_SAMP:
    case A_STDDEV_POP: {
        const var_state *s = state;
        bool sample = d->kind == A_VAR_SAMP || d->kind == A_STDDEV_SAMP;
        if (s->count == 0 || (sample && s->count < 2))
            return vector_set_null(out, row);
        double var = s->m2 / (double)(sample ? s->count - 1 : s->count);
        double x = d->kind == A_STDDEV_SAMP || d->kind == A_STDDEV_POP ? sqrt(var) : var;
        return write_value(out, row, out->type, &x);
    }
    default:
        return write_intermediate(f, state, out, row);
    }
}

static void destroy_pick(const aggregate_function *f, void *state)
{
    (void)f;
    pick_state *s = state;
    free(s->owned);
    s->owned = NULL;
    s->owned_capacity = 0;
}

/* ---- lookup ---- */

typedef struct agg_slot {
    aggregate_function function;
    agg_data data;
    struct agg_slot *next;
} agg_slot;

#include <pthread.h>
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static agg_slot *cache;

static bool kind_for(const resolved_function *r, agg_kind *kind)
{
    const char *name = r->function->name;
    sql_type t = r->arg_count > 0 ? r->arg_types[0] : type_make(TYPE_UNKNOWN);
    bool decimal = t.kind == TYPE_DECIMAL, floating = t.kind == TYPE_REAL || t.kind == TYPE_DOUBLE;
    static const struct {
        const char *name;
        agg_kind kind;
    } simple[] = {
        {"count_if", A_COUNT_IF}, {"min", A_MIN}, {"max", A_MAX}, {"arbitrary", A_ARBITRARY},
        {"any_value", A_ARBITRARY}, {"bool_and", A_BOOL_AND}, {"every", A_BOOL_AND}, {"bool_or", A_BOOL_OR},
        {"variance", A_VAR_SAMP}, {"var_samp", A_VAR_SAMP}, {"var_pop", A_VAR_POP}, {"stddev", A_STDDEV_SAMP},
        {"stddev_samp", A_STDDEV_SAMP}, {"stddev_pop", A_STDDEV_POP},
    };
    if (strcmp(name, "count") == 0)
        *kind = r->arg_count == 0 ? A_COUNT_STAR : A_COUNT;
    else if (strcmp(name, "sum") == 0)
        *kind = decimal ? A_SUM_DECIMAL : floating ? A_SUM_DOUBLE : A_SUM_INT;
    else if (strcmp(name, "avg") == 0)
        *kind = decimal ? A_AVG_DECIMAL : floating ? A_AVG_DOUBLE : A_AVG_INT;
    else {
        for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
            if (strcmp(simple[i].name, name) == 0) {
                *kind = simple[i].kind;
                return true;
            }
        return false;
    }
    return true;
}

static size_t state_size_of(agg_kind k)
{
    switch (k) {
    case A_COUNT_STAR:
    case A_COUNT:
    case A_COUNT_IF: return sizeof(count_state);
    case A_SUM_INT:
    case A_BOOL_AND:
    case A_BOOL_OR: return sizeof(sum_int_state);
    case A_SUM_DOUBLE: return sizeof(sum_double_state);
    case A_SUM_DECIMAL: return sizeof(sum_decimal_state);
    case A_AVG_INT:
    case A_AVG_DOUBLE:
    case A_AVG_DECIMAL: return sizeof(avg_state);
    case A_MIN:
    case A_MAX:
    case A_ARBITRARY: return sizeof(pick_state);
    default: return sizeof(var_state);
    }
}

/* The aggregates kept in their own files (aggregate_families.h). */
static const aggregate_function *other_family_for(const resolved_function *resolved, shoal_error *error)
{
    const aggregate_function *(*const families[])(const resolved_function *, shoal_error *) = {
        aggregate_extra_family, aggregate_statistics_family, aggregate_by_family,
        aggregate_percentile_family, aggregate_array_family, aggregate_listagg_family,
    };
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        shoal_error failure;
        error_clear(&failure);
        const aggregate_function *f = families[i](resolved, &failure);
        if (f)
            return f;
        if (error_is_set(&failure)) {
            *error = failure;
            return NULL;
        }
    }
    error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "Aggregate %s has no implementation",
              resolved->function->name);
    return NULL;
}

const aggregate_function *aggregate_function_for(const resolved_function *resolved, shoal_error *error)
{
    if (!resolved || !resolved->function || resolved->function->kind != FUNCTION_AGGREGATE) {
        error_set(error, ERR_FUNCTION_NOT_AGGREGATE, "Not an aggregate function");
        return NULL;
    }
    agg_kind kind;
    if (!kind_for(resolved, &kind))
        return other_family_for(resolved, error);
    sql_type arg = resolved->arg_count > 0 ? resolved->arg_types[0] : type_make(TYPE_UNKNOWN);
    physical_type p = type_physical(arg);
    if ((kind == A_MIN || kind == A_MAX || kind == A_ARBITRARY) && (p == PHYSICAL_LIST || p == PHYSICAL_STRUCT)) {
        error_set(error, ERR_NOT_SUPPORTED, "%s of nested types is not supported yet", resolved->function->name);
        return NULL;
    }
    pthread_mutex_lock(&cache_lock);
    agg_slot *slot;
    for (slot = cache; slot; slot = slot->next)
        if (slot->data.kind == kind && type_equal(slot->data.arg_type, arg) &&
            type_equal(slot->function.return_type, resolved->return_type) &&
            strcmp(slot->function.name, resolved->function->name) == 0)
            break;
    if (!slot) {
        slot = calloc(1, sizeof *slot);
        if (slot) {
            slot->data.kind = kind;
            slot->data.arg_type = arg;
            aggregate_function *f = &slot->function;
            f->name = resolved->function->name;
            f->state_size = (state_size_of(kind) + 15) & ~(size_t)15;
            f->return_type = resolved->return_type;
            f->intermediate_type = resolved->intermediate_type;
            f->init = init_zero;
            f->update = update;
            f->combine = combine;
            f->write_intermediate = write_intermediate;
            f->merge_intermediate = merge_intermediate;
            f->finalize = finalize;
            f->destroy = (kind == A_MIN || kind == A_MAX || kind == A_ARBITRARY) ? destroy_pick : NULL;
            f->data = &slot->data;
            slot->next = cache;
            cache = slot;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    if (!slot)
        aggregate_out_of_memory(error);
    return slot ? &slot->function : NULL;
}
