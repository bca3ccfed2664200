/* Shared by every kernel: fixed-width types and a deterministic generator.
 *
 * Each kernel is freestanding C (no libc): it defines
 *     uint64_t run(uint32_t n);
 * which does an amount of work proportional to n and returns a checksum of
 * everything it computed. The same source is built for wasm32, wasm64 and
 * the host; all three must return the same checksum for the same n. */
#ifndef STRATA_KERNEL_H
#define STRATA_KERNEL_H

#include <stdint.h>
#include <stddef.h>

#ifdef KERNEL_NATIVE_NAME
/* The host build links every kernel into one binary, so each gets its own name. */
#define run KERNEL_NATIVE_NAME
#endif

/* A 64-bit xorshift* generator: deterministic on every target. */
static inline uint64_t next_random(uint64_t *state) {
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Mixes a value into a running checksum (order-sensitive). */
static inline uint64_t mix(uint64_t acc, uint64_t value) {
    acc ^= value + 0x9E3779B97F4A7C15ULL + (acc << 6) + (acc >> 2);
    return acc;
}

#endif
