/* simd_blend: integer image work on 128-bit vectors (GCC/clang vector
 * extensions; with -msimd128 clang lowers them to wasm SIMD, natively to the
 * host's). Two 64x64 RGBA images are alpha-blended with a per-pixel alpha
 * (bytes widened to 16 bits, multiplied, rounded, narrowed), brightened with a
 * saturating byte add, blurred with a 3-tap horizontal filter in 16 bits and
 * thresholded with byte compares; n rounds, each feeding the next. Stresses
 * i8x16/i16x8 arithmetic, extends and narrows, compares and v128
 * loads/stores. The checksum mixes every output byte. */
#include "kernel.h"

typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint8_t u8x8 __attribute__((vector_size(8)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x16 __attribute__((vector_size(32)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef uint64_t u64x2 __attribute__((vector_size(16)));

#define BYTES (64 * 64 * 4)

static uint8_t src_a[BYTES] __attribute__((aligned(16)));
static uint8_t src_b[BYTES] __attribute__((aligned(16)));
static uint8_t alpha[BYTES] __attribute__((aligned(16)));
static uint8_t out[BYTES] __attribute__((aligned(16)));
static uint16_t wide[BYTES + 16] __attribute__((aligned(16)));

static u8x8 load8(const uint8_t *p) {
    u8x8 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static u8x16 load16(const uint8_t *p) {
    u8x16 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static void store16(uint8_t *p, u8x16 v) { __builtin_memcpy(p, &v, sizeof v); }

/* The sixteen bytes of two halves of 16-bit lanes, truncated. (Always
 * sixteen at a time: clang 16 miscompiles 8-byte vector stores for wasm64.) */
static u8x16 narrow(u16x8 lo, u16x8 hi) {
    u16x8 halves[2] = {lo, hi};
    u16x16 w;
    __builtin_memcpy(&w, halves, sizeof w);
    return __builtin_convertvector(w, u8x16);
}

/* (a * alpha + b * (255 - alpha) + 128) / 256 of eight bytes at p + i. */
static u16x8 blend8(int i) {
    u16x8 a = __builtin_convertvector(load8(src_a + i), u16x8);
    u16x8 b = __builtin_convertvector(load8(src_b + i), u16x8);
    u16x8 m = __builtin_convertvector(load8(alpha + i), u16x8);
    return (a * m + b * (255 - m) + 128) >> 8;
}

static void blend(void) {
    for (int i = 0; i < BYTES; i += 16) {
        store16(out + i, narrow(blend8(i), blend8(i + 8)));
    }
}

/* out += k, saturating at 255 (the sum wrapped iff it is below an operand). */
static void brighten(uint8_t k) {
    u8x16 add = (u8x16){0} + k;
    for (int i = 0; i < BYTES; i += 16) {
        u8x16 v = load16(out + i);
        u8x16 s = v + add;
        s |= (u8x16)(s < v);
        store16(out + i, s);
    }
}

/* wide[i] = out[i - 4] + 2 * out[i] + out[i + 4] (same channel, neighbours). */
static void blur(void) {
    for (int i = 0; i < BYTES; i += 8) {
        u16x8 c = __builtin_convertvector(load8(out + i), u16x8);
        u16x8 l = i >= 4 ? __builtin_convertvector(load8(out + i - 4), u16x8) : c;
        u16x8 r = i + 12 <= BYTES ? __builtin_convertvector(load8(out + i + 4), u16x8) : c;
        u16x8 sum = l + c + c + r;
        __builtin_memcpy(wide + i, &sum, sizeof sum);
    }
}

/* Back to bytes (divide by 4), then bytes above 128 become their
 * complement; the result is next round's first image. */
static void threshold(void) {
    for (int i = 0; i < BYTES; i += 16) {
        u16x8 lo, hi;
        __builtin_memcpy(&lo, wide + i, sizeof lo);
        __builtin_memcpy(&hi, wide + i + 8, sizeof hi);
        u8x16 v = narrow(lo >> 2, hi >> 2);
        u8x16 bright = (u8x16)(v > 128);
        store16(src_a + i, (v & ~bright) | (~v & bright));
    }
}

static uint64_t checksum(void) {
    u64x2 acc = {0, 0};
    for (int i = 0; i < BYTES; i += 16) {
        u64x2 v;
        __builtin_memcpy(&v, out + i, sizeof v);
        acc = (acc ^ v) * 0x100000001B3ULL + (u64x2){(uint64_t)i, 1};
    }
    return acc[0] ^ (acc[1] << 1);
}

uint64_t run(uint32_t n) {
    uint64_t state = 0x5EED0F5EEDULL;
    for (int i = 0; i < BYTES; i++) {
        uint64_t r = next_random(&state);
        src_a[i] = (uint8_t)r;
        src_b[i] = (uint8_t)(r >> 8);
        alpha[i] = (uint8_t)(r >> 16);
    }
    uint64_t acc = 0;
    for (uint32_t round = 0; round <= n; round++) {
        blend();
        brighten((uint8_t)(round * 7 + 3));
        blur();
        threshold();
        acc = mix(acc, checksum());
    }
    return acc;
}
