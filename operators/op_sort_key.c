/*
 * op_sort_key.c — encoding rows into memcmp-ordered keys and sorting the
 * encoded records (LSD radix or merge sort, both stable).
 */
#include "op_sort_key.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t data_width(sql_type type)
{
    switch (type_physical(type)) {
    case PHYSICAL_BOOL:
    case PHYSICAL_INT8: return 1;
    case PHYSICAL_INT16: return 2;
    case PHYSICAL_INT32:
    case PHYSICAL_FLOAT: return 4;
    case PHYSICAL_INT64:
    case PHYSICAL_DOUBLE:
    case PHYSICAL_TIMESTAMP_TZ: return 8;
    case PHYSICAL_INT128: return 16;
    case PHYSICAL_STRING: return SORT_STRING_PREFIX + 1;
    default: return 0;
    }
}

bool sort_layout_init(sort_layout *l, int key_count, const sort_key *keys,
                      const sql_type *column_types, shoal_error *error)
{
    memset(l, 0, sizeof *l);
    size_t n = (size_t)(key_count > 0 ? key_count : 1);
    l->keys = malloc(sizeof *l->keys * n);
    l->types = malloc(sizeof *l->types * n);
    l->offsets = malloc(sizeof *l->offsets * n);
    if (!l->keys || !l->types || !l->offsets) {
        sort_layout_free(l);
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
    }
    l->key_count = key_count;
    uint32_t offset = 0;
    for (int k = 0; k < key_count; k++) {
        l->keys[k] = keys[k];
        l->types[k] = column_types[keys[k].channel];
        uint32_t width = data_width(l->types[k]);
        if (width == 0) {
            sort_layout_free(l);
            return error_set(error, ERR_NOT_SUPPORTED, "Sorting on nested types is not supported yet");
        }
        l->has_strings |= type_physical(l->types[k]) == PHYSICAL_STRING;
        l->offsets[k] = offset;
        offset += 1 + width;
    }
    l->key_bytes = offset;
    l->record_bytes = (offset + 4 + 7) & ~7u;
    return true;
}

void sort_layout_free(sort_layout *l)
{
    free(l->keys);
    free(l->types);
    free(l->offsets);
    memset(l, 0, sizeof *l);
}

/* ---- encoding ------------------------------------------------------------ */

static inline void put_be64(unsigned char *dst, uint64_t v)
{
    v = __builtin_bswap64(v);
    memcpy(dst, &v, 8);
}

static inline void put_be32(unsigned char *dst, uint32_t v)
{
    v = __builtin_bswap32(v);
    memcpy(dst, &v, 4);
}

static inline void put_be16(unsigned char *dst, uint16_t v)
{
    v = __builtin_bswap16(v);
    memcpy(dst, &v, 2);
}

#define ENCODE_LOOP(T, WIDTH, STORE)                                                        \
    do {                                                                                    \
        const T *d = (const T *)view.data;                                                  \
        for (uint32_t i = 0; i < count; i++) {                                              \
            unsigned char *dst = records + (size_t)i * stride + offset;                     \
            uint32_t x = view.selection ? view.selection[i] : i;                            \
            if (!vector_view_valid(&view, x)) {                                             \
                dst[0] = null_byte;                                                         \
                memset(dst + 1, 0, WIDTH);                                                  \
                continue;                                                                   \
            }                                                                               \
            dst[0] = valid_byte;                                                            \
            T v = d[x];                                                                     \
            STORE;                                                                          \
            if (invert)                                                                     \
                for (uint32_t b = 1; b <= WIDTH; b++)                                       \
                    dst[b] = (unsigned char)~dst[b];                                        \
        }                                                                                   \
    } while (0)

static void encode_strings(const vector_view *view, uint32_t count, unsigned char *records,
                           uint32_t stride, uint32_t offset, unsigned char null_byte,
                           unsigned char valid_byte, bool invert)
{
    const string_view *d = view->data;
    for (uint32_t i = 0; i < count; i++) {
        unsigned char *dst = records + (size_t)i * stride + offset;
        uint32_t x = view->selection ? view->selection[i] : i;
        if (!vector_view_valid(view, x)) {
            dst[0] = null_byte;
            memset(dst + 1, 0, SORT_STRING_PREFIX + 1);
            continue;
        }
        dst[0] = valid_byte;
        const string_view *s = &d[x];
        uint32_t n = s->length < SORT_STRING_PREFIX ? s->length : SORT_STRING_PREFIX;
        memcpy(dst + 1, string_view_data(s), n);
        memset(dst + 1 + n, 0, SORT_STRING_PREFIX - n);
        dst[1 + SORT_STRING_PREFIX] =
            (unsigned char)(s->length > SORT_STRING_PREFIX ? SORT_STRING_PREFIX + 1 : s->length);
        if (invert)
            for (uint32_t b = 1; b <= SORT_STRING_PREFIX + 1; b++)
                dst[b] = (unsigned char)~dst[b];
    }
}

void sort_encode(const sort_layout *l, const page *p, uint32_t count, unsigned char *records,
                 uint32_t first_row_id)
{
    uint32_t stride = l->record_bytes;
    for (int k = 0; k < l->key_count; k++) {
        const sort_key *key = &l->keys[k];
        vector_view view = vector_view_of(&p->columns[key->channel]);
        uint32_t offset = l->offsets[k];
        unsigned char null_byte = key->nulls_first ? 0 : 1;
        unsigned char valid_byte = key->nulls_first ? 1 : 0;
        bool invert = key->descending;
        switch (type_physical(l->types[k])) {
        case PHYSICAL_BOOL: ENCODE_LOOP(uint8_t, 1, dst[1] = v); break;
        case PHYSICAL_INT8: ENCODE_LOOP(int8_t, 1, dst[1] = (unsigned char)((uint8_t)v ^ 0x80)); break;
        case PHYSICAL_INT16: ENCODE_LOOP(int16_t, 2, put_be16(dst + 1, (uint16_t)((uint16_t)v ^ 0x8000))); break;
        case PHYSICAL_INT32: ENCODE_LOOP(int32_t, 4, put_be32(dst + 1, (uint32_t)v ^ UINT32_C(0x80000000))); break;
        case PHYSICAL_INT64: ENCODE_LOOP(int64_t, 8, put_be64(dst + 1, (uint64_t)v ^ (UINT64_C(1) << 63))); break;
        case PHYSICAL_INT128:
            ENCODE_LOOP(__int128, 16,
                        put_be64(dst + 1, (uint64_t)(v >> 64) ^ (UINT64_C(1) << 63));
                        put_be64(dst + 9, (uint64_t)v));
            break;
        case PHYSICAL_FLOAT: ENCODE_LOOP(float, 4, put_be32(dst + 1, sort_float_bits(v))); break;
        case PHYSICAL_DOUBLE: ENCODE_LOOP(double, 8, put_be64(dst + 1, sort_double_bits(v))); break;
        case PHYSICAL_TIMESTAMP_TZ:
            ENCODE_LOOP(timestamp_tz, 8, put_be64(dst + 1, (uint64_t)v.micros_utc ^ (UINT64_C(1) << 63)));
            break;
        case PHYSICAL_STRING:
            encode_strings(&view, count, records, stride, offset, null_byte, valid_byte, invert);
            break;
        default: break;
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        uint32_t id = first_row_id + i;
        memcpy(records + (size_t)i * stride + l->key_bytes, &id, 4);
    }
}

bool sort_key_truncated(const sort_layout *l, const unsigned char *record)
{
    for (int k = 0; k < l->key_count; k++) {
        if (type_physical(l->types[k]) != PHYSICAL_STRING)
            continue;
        unsigned char length = record[l->offsets[k] + 1 + SORT_STRING_PREFIX];
        if (l->keys[k].descending)
            length = (unsigned char)~length;
        if (length == SORT_STRING_PREFIX + 1)
            return true;
    }
    return false;
}

/* ---- full comparison ------------------------------------------------------- */

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

static int compare_doubles(double a, double b)
{
    bool na = isnan(a), nb = isnan(b);
    if (na || nb)
        return na - nb;
    return CMP(a, b);
}

int sort_compare_full(const sort_layout *l, const column_buffer *columns, uint32_t a, uint32_t b)
{
    return sort_compare_full_between(l, columns, a, columns, b);
}

int sort_compare_full_between(const sort_layout *l, const column_buffer *columns_a, uint32_t a,
                              const column_buffer *columns_b, uint32_t b)
{
    for (int k = 0; k < l->key_count; k++) {
        const sort_key *key = &l->keys[k];
        const column_buffer *c = &columns_a[key->channel], *cb = &columns_b[key->channel];
        bool a_null = column_buffer_is_null(c, a), b_null = column_buffer_is_null(cb, b);
        if (a_null || b_null) {
            if (a_null && b_null)
                continue;
            return (a_null ? 1 : -1) * (key->nulls_first ? -1 : 1);
        }
        const void *x = column_buffer_at(c, a), *y = column_buffer_at(cb, b);
        int r = 0;
        switch (type_physical(c->type)) {
        case PHYSICAL_BOOL: r = CMP(*(const uint8_t *)x, *(const uint8_t *)y); break;
        case PHYSICAL_INT8: r = CMP(*(const int8_t *)x, *(const int8_t *)y); break;
        case PHYSICAL_INT16: r = CMP(*(const int16_t *)x, *(const int16_t *)y); break;
        case PHYSICAL_INT32: r = CMP(*(const int32_t *)x, *(const int32_t *)y); break;
        case PHYSICAL_INT64: r = CMP(*(const int64_t *)x, *(const int64_t *)y); break;
        case PHYSICAL_INT128: r = CMP(*(const __int128 *)x, *(const __int128 *)y); break;
        case PHYSICAL_FLOAT: r = compare_doubles(*(const float *)x, *(const float *)y); break;
        case PHYSICAL_DOUBLE: r = compare_doubles(*(const double *)x, *(const double *)y); break;
        case PHYSICAL_TIMESTAMP_TZ:
            r = CMP(((const timestamp_tz *)x)->micros_utc, ((const timestamp_tz *)y)->micros_utc);
            break;
        case PHYSICAL_STRING: r = string_view_compare(x, y); break;
        default: break;
        }
        if (r != 0)
            return key->descending ? -r : r;
    }
    return 0;
}

/* ---- sorting ----------------------------------------------------------------- */

/* Moves records of `size` bytes; the switch is outside the loops. */
#define SCATTER_LOOP(SIZE)                                                                  \
    for (uint64_t i = 0; i < count; i++) {                                                  \
        const unsigned char *r = src + i * (SIZE);                                          \
        memcpy(dst + (offsets[r[byte]]++) * (SIZE), r, (SIZE));                             \
    }

static void radix_pass(const unsigned char *src, unsigned char *dst, uint64_t count,
                       uint32_t size, uint32_t byte, uint64_t *offsets)
{
    switch (size) {
    case 8: SCATTER_LOOP(8); break;
    case 16: SCATTER_LOOP(16); break;
    case 24: SCATTER_LOOP(24); break;
    case 32: SCATTER_LOOP(32); break;
    case 40: SCATTER_LOOP(40); break;
    default: SCATTER_LOOP(size); break;
    }
}

static bool radix_sort(const sort_layout *l, unsigned char *records, unsigned char *scratch,
                       uint64_t count)
{
    uint32_t width = l->key_bytes;
    uint32_t size = l->record_bytes;
    uint64_t *histogram = calloc((size_t)width * 256, sizeof *histogram);
    if (!histogram)
        return false;
    for (uint64_t i = 0; i < count; i++) {
        const unsigned char *r = records + i * size;
        for (uint32_t b = 0; b < width; b++)
            histogram[b * 256 + r[b]]++;
    }
    unsigned char *src = records, *dst = scratch;
    uint64_t offsets[256];
    for (int b = (int)width - 1; b >= 0; b--) {
        const uint64_t *h = histogram + (size_t)b * 256;
        bool trivial = false;
        uint64_t sum = 0;
        for (int v = 0; v < 256; v++) {
            if (h[v] == count)
                trivial = true;
            offsets[v] = sum;
            sum += h[v];
        }
        if (trivial)
            continue;
        radix_pass(src, dst, count, size, (uint32_t)b, offsets);
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    if (src != records)
        memcpy(records, src, count * size);
    free(histogram);
    return true;
}

static bool merge_sort(const sort_layout *l, unsigned char *records, unsigned char *scratch,
                       uint64_t count)
{
    uint32_t size = l->record_bytes, width = l->key_bytes;
    /* insertion sort runs of 16, then bottom-up merges */
    enum { RUN = 16 };
    unsigned char *tmp = malloc(size);
    if (!tmp)
        return false;
    for (uint64_t start = 0; start < count; start += RUN) {
        uint64_t end = start + RUN < count ? start + RUN : count;
        for (uint64_t i = start + 1; i < end; i++) {
            memcpy(tmp, records + i * size, size);
            uint64_t j = i;
            while (j > start && memcmp(records + (j - 1) * size, tmp, width) > 0) {
                memcpy(records + j * size, records + (j - 1) * size, size);
                j--;
            }
            memcpy(records + j * size, tmp, size);
        }
    }
    unsigned char *src = records, *dst = scratch;
    for (uint64_t run = RUN; run < count; run *= 2) {
        for (uint64_t left = 0; left < count; left += 2 * run) {
            uint64_t mid = left + run < count ? left + run : count;
            uint64_t right = left + 2 * run < count ? left + 2 * run : count;
            uint64_t i = left, j = mid, o = left;
            while (i < mid && j < right) {
                if (memcmp(src + j * size, src + i * size, width) < 0)
                    memcpy(dst + (o++) * size, src + (j++) * size, size);
                else
                    memcpy(dst + (o++) * size, src + (i++) * size, size);
            }
            memcpy(dst + o * size, src + i * size, (mid - i) * size);
            o += mid - i;
            memcpy(dst + o * size, src + j * size, (right - j) * size);
        }
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    if (src != records)
        memcpy(records, src, count * size);
    free(tmp);
    return true;
}

/* Stable merge sort of row ids by the full comparison. */
static void sort_ids_full(const sort_layout *l, const column_buffer *columns, uint32_t *ids,
                          uint32_t *scratch, uint64_t n)
{
    for (uint64_t run = 1; run < n; run *= 2) {
        for (uint64_t left = 0; left < n; left += 2 * run) {
            uint64_t mid = left + run < n ? left + run : n;
            uint64_t right = left + 2 * run < n ? left + 2 * run : n;
            uint64_t i = left, j = mid, o = left;
            while (i < mid && j < right)
                scratch[o++] = sort_compare_full(l, columns, ids[j], ids[i]) < 0 ? ids[j++] : ids[i++];
            while (i < mid)
                scratch[o++] = ids[i++];
            while (j < right)
                scratch[o++] = ids[j++];
        }
        memcpy(ids, scratch, sizeof *ids * n);
    }
}

uint32_t sort_truncated_prefix(const sort_layout *l, const unsigned char *record)
{
    for (int k = 0; k < l->key_count; k++) {
        if (type_physical(l->types[k]) != PHYSICAL_STRING)
            continue;
        unsigned char length = record[l->offsets[k] + 1 + SORT_STRING_PREFIX];
        if (l->keys[k].descending)
            length = (unsigned char)~length;
        if (length == SORT_STRING_PREFIX + 1)
            return l->offsets[k] + 1 + SORT_STRING_PREFIX + 1;
    }
    return 0;
}

/* Records whose keys agree up to a cut-off string are ordered by the bytes
 * of the keys after it, which is wrong: re-sort each such run by the full
 * values (all keys). */
static bool fix_truncated_ties(const sort_layout *l, unsigned char *records, uint64_t count,
                               const column_buffer *columns)
{
    uint32_t size = l->record_bytes, width = l->key_bytes;
    uint64_t i = 0;
    while (i < count) {
        uint32_t prefix = sort_truncated_prefix(l, records + i * size);
        if (prefix == 0) {
            i++;
            continue;
        }
        uint64_t j = i + 1;
        while (j < count && memcmp(records + i * size, records + j * size, prefix) == 0)
            j++;
        if (j - i > 1) {
            uint64_t n = j - i;
            uint32_t *ids = malloc(sizeof *ids * n * 2);
            if (!ids)
                return false;
            for (uint64_t k = 0; k < n; k++)
                ids[k] = sort_record_row(l, records + (i + k) * size);
            sort_ids_full(l, columns, ids, ids + n, n);
            for (uint64_t k = 0; k < n; k++)
                memcpy(records + (i + k) * size + width, &ids[k], 4);
            free(ids);
        }
        i = j;
    }
    return true;
}

bool sort_records(const sort_layout *l, unsigned char *records, unsigned char *scratch,
                  uint64_t count, const column_buffer *columns)
{
    if (count < 2)
        return true;
    if (l->key_bytes <= 24 && count > 64) {
        if (!radix_sort(l, records, scratch, count))
            return false;
    } else if (!merge_sort(l, records, scratch, count)) {
        return false;
    }
    if (l->has_strings && columns)
        return fix_truncated_ties(l, records, count, columns);
    return true;
}

page *sort_emit_page(const sort_layout *l, const unsigned char *records, uint64_t first, uint32_t n,
                     const column_buffer *columns, const sql_type *types, int output_count,
                     const int *output_channels, uint32_t *ids)
{
    for (uint32_t i = 0; i < n; i++)
        ids[i] = sort_record_row(l, records + (first + i) * l->record_bytes);
    sql_type *output_types = calloc((size_t)output_count + 1, sizeof(sql_type));
    if (!output_types)
        return NULL;
    for (int c = 0; c < output_count; c++)
        output_types[c] = types[output_channels[c]];
    page *p = page_new(output_count, output_types, n);
    free(output_types);
    for (int c = 0; p && c < output_count; c++) {
        if (!column_buffer_gather(&columns[output_channels[c]], ids, n, &p->columns[c], 0)) {
            page_unref(p);
            p = NULL;
        }
    }
    if (p)
        p->row_count = n;
    return p;
}
