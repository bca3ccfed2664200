/* intmix: a mixed integer kernel. A sieve of Eratosthenes over n bytes,
 * Collatz chain lengths for the first n/16 integers, Euclid's gcd over
 * pseudo-random pairs, and bit tricks (popcount, clz, ctz, rotates, signed
 * and unsigned division and remainder) on 32- and 64-bit values. */
#include "kernel.h"

#define MAX_SIEVE (1u << 20)

static uint8_t composite[MAX_SIEVE];

static uint64_t sieve(uint32_t n) {
    for (uint32_t i = 0; i < n; i++) composite[i] = 0;
    uint64_t count = 0, sum = 0;
    for (uint32_t i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        sum += i;
        for (uint64_t j = (uint64_t)i * i; j < n; j += i) composite[j] = 1;
    }
    return mix(count, sum);
}

static uint64_t collatz(uint32_t limit) {
    uint64_t total = 0, longest = 0;
    for (uint32_t start = 1; start < limit; start++) {
        uint64_t x = start, steps = 0;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            steps++;
        }
        total += steps;
        if (steps > longest) longest = steps;
    }
    return mix(total, longest);
}

static uint32_t gcd(uint32_t a, uint32_t b) {
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint64_t bits_and_division(uint32_t rounds) {
    uint64_t state = 0xB5AD4ECEDA1CE2A9ULL, acc = 0;
    for (uint32_t i = 0; i < rounds; i++) {
        uint64_t r = next_random(&state);
        uint32_t lo = (uint32_t)r, hi = (uint32_t)(r >> 32);
        acc = mix(acc, gcd(lo | 1, hi | 1));
        acc += (uint64_t)__builtin_popcountll(r) + (uint64_t)__builtin_clz(lo | 1) +
               (uint64_t)__builtin_ctzll(r | (1ull << 63));
        acc ^= (r << (i & 63)) | (r >> ((64 - (i & 63)) & 63));
        int64_t s = (int64_t)r;
        int64_t d = (int64_t)(hi | 1) - 0x40000000;
        acc += (uint64_t)(s / d) + (uint64_t)(s % d);
        acc += (uint64_t)(lo / (hi | 1)) + (uint64_t)((int32_t)lo % (int32_t)(hi | 1));
    }
    return acc;
}

uint64_t run(uint32_t n) {
    if (n > MAX_SIEVE) n = MAX_SIEVE;
    uint64_t acc = sieve(n);
    acc = mix(acc, collatz(n / 16 + 2));
    acc = mix(acc, bits_and_division(n / 4));
    return acc;
}
