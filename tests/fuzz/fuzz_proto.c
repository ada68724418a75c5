/*
 * fuzz_proto.c — libFuzzer target for every inter-node decoder: the message
 * envelope and bodies (actors/proto/proto.c) and the plan fragment carried by
 * create_task (sql/plan_serde.c). The first input byte picks the decoder. A
 * message that decodes must encode and decode again to the same bytes.
 *
 * Build and run (clang; the few sources it needs compiled in):
 *   clang -std=gnu17 -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ibuild/include/shoal_spi \
 *     tests/fuzz/fuzz_proto.c actors/proto/proto.c sql/plan_serde.c sql/plan_serde_reader.c \
 *     sql/plan.c $(ls connectors/spi/*.c) $(pkg-config --cflags --libs msgpack libzstd) \
 *     -lm -lpthread -o fuzz_proto
 *   ./fuzz_proto -max_total_time=60 -max_len=65536 corpus/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actors/proto/proto.h"
#include "sql/plan_serde.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    shoal_error error;
    error_clear(&error);
    if (data[0] & 1) {
        plan_fragment f;
        if (plan_fragment_deserialize(data + 1, size - 1, NULL, &f, &error))
            plan_fragment_clear(&f);
        return 0;
    }
    proto_message m;
    if (!proto_decode(data + 1, size - 1, &m, &error))
        return 0;
    unsigned char *bytes = NULL;
    size_t n = 0;
    if (!proto_encode(&m, &bytes, &n, &error))
        __builtin_trap();
    proto_message again;
    if (!proto_decode(bytes, n, &again, &error))
        __builtin_trap();
    unsigned char *bytes2 = NULL;
    size_t n2 = 0;
    if (!proto_encode(&again, &bytes2, &n2, &error) || n2 != n || memcmp(bytes, bytes2, n) != 0)
        __builtin_trap();
    proto_message_free(&again);
    proto_message_free(&m);
    free(bytes);
    free(bytes2);
    return 0;
}
