/* memops: memset-, memcpy- and memmove-heavy work on a 1 MiB buffer. Each of
 * n rounds fills a run of bytes, copies a block to a random place and
 * shifts an overlapping window, with sizes from 1 byte to 16 KiB; every 64
 * rounds a strided sample of the buffer is folded into the checksum. Built
 * with bulk memory, so the wasm kernels use memory.fill and memory.copy. */
#include "kernel.h"

#define BUFFER_BYTES (1u << 20)
#define MAX_BLOCK (1u << 14)

static uint8_t buffer[BUFFER_BYTES];

static size_t block_size(uint64_t r) {
    /* Mostly small blocks, sometimes large ones: sizes 1..16 KiB. */
    unsigned shift = (unsigned)(r & 15);
    return (size_t)(((r >> 8) & (MAX_BLOCK - 1)) >> (shift < 14 ? shift : 13)) + 1;
}

static size_t place(uint64_t r, size_t len) {
    return (size_t)((r >> 20) % (BUFFER_BYTES - len));
}

static uint64_t sample(void) {
    uint64_t acc = 0;
    for (size_t i = 0; i < BUFFER_BYTES; i += 251) acc = mix(acc, buffer[i]);
    return acc;
}

uint64_t run(uint32_t n) {
    uint64_t state = 0x9FB21C651E98DF25ULL;
    __builtin_memset(buffer, 0x5A, BUFFER_BYTES);
    uint64_t acc = 0;
    for (uint32_t round = 0; round < n; round++) {
        uint64_t r = next_random(&state);
        size_t len = block_size(r);
        __builtin_memset(buffer + place(r, len), (int)(r >> 56), len);

        r = next_random(&state);
        len = block_size(r);
        size_t from = place(r, len);
        size_t to = place(next_random(&state), len);
        if (from + len <= to || to + len <= from) {
            __builtin_memcpy(buffer + to, buffer + from, len);
        } else {
            __builtin_memmove(buffer + to, buffer + from, len);
        }

        r = next_random(&state);
        len = block_size(r);
        size_t at = place(r, len + 64);
        __builtin_memmove(buffer + at + (r & 63), buffer + at, len);

        buffer[place(r, 1)] ^= (uint8_t)round;
        if ((round & 63) == 63) acc = mix(acc, sample());
    }
    return mix(acc, sample());
}
