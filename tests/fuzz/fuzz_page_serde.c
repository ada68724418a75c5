/*
 * fuzz_page_serde.c — libFuzzer target for the page decoder
 * (connectors/spi/page_serde.c). Every input is decoded twice: as it comes
 * (the checksum turns away almost everything) and with the checksum skipped,
 * so the structural checks behind it get exercised too. A page that decodes
 * must encode again and decode back to the same shape.
 *
 * Build (clang; the shoal_spi sources compiled into the target):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I build-conn/include/shoal_spi \
 *     tests/fuzz/fuzz_page_serde.c $(find connectors/spi -name '*.c') \
 *     $(pkg-config --cflags --libs msgpack libzstd) -lm -lpthread -o fuzz_page_serde
 *   ./fuzz_page_serde -max_len=65536 corpus/
 * (or a CMake target linking shoal_spi built with -fsanitize=fuzzer-no-link).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "connectors/spi/page_serde.h"

static void check_round_trip(const page *p)
{
    unsigned char *bytes = NULL;
    size_t size = 0;
    shoal_error error;
    if (!page_serialize(p, NULL, &bytes, &size, &error))
        __builtin_trap(); /* whatever decodes must encode */
    page *again = page_deserialize(bytes, size, &error);
    if (!again || again->row_count != p->row_count || again->column_count != p->column_count)
        __builtin_trap();
    page_unref(again);
    free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shoal_error error;
    page *p = page_deserialize(data, size, &error);
    if (p) {
        check_round_trip(p);
        page_unref(p);
    }
    p = page_deserialize_flags(data, size, PAGE_SERDE_SKIP_CHECKSUM, &error);
    if (p) {
        check_round_trip(p);
        page_unref(p);
    }
    return 0;
}
