/* simd_matmul: float work on 128-bit vectors (GCC/clang vector extensions;
 * with -msimd128 clang lowers them to wasm SIMD). A 32x32 f32 matrix
 * product by rows of four (splat times row, added: no fused multiply-add,
 * -ffp-contract=off), a clamp with vector compares and masks, and an f64x2
 * dot product over the result; n rounds, each perturbing the input. Stresses
 * f32x4/f64x2 arithmetic, splats, compares, bit selects, promotion and v128
 * loads/stores. The checksum mixes the bits of every result. */
#include "kernel.h"

typedef float f32x4 __attribute__((vector_size(16)));
typedef double f64x2 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef float f32x2 __attribute__((vector_size(8)));

#define N 32

static float a[N][N] __attribute__((aligned(16)));
static float b[N][N] __attribute__((aligned(16)));
static float c[N][N] __attribute__((aligned(16)));

static f32x4 load4(const float *p) {
    f32x4 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static void store4(float *p, f32x4 v) { __builtin_memcpy(p, &v, sizeof v); }

static void matmul(void) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j += 4) {
            f32x4 sum = {0, 0, 0, 0};
            for (int k = 0; k < N; k++) {
                f32x4 s = (f32x4){0, 0, 0, 0} + a[i][k];
                sum = sum + s * load4(&b[k][j]);
            }
            store4(&c[i][j], sum);
        }
    }
}

/* c = clamp(c, -limit, limit), by masks: lanes above take the limit. */
static void clamp(float limit) {
    f32x4 hi = (f32x4){0, 0, 0, 0} + limit;
    f32x4 lo = -hi;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j += 4) {
            f32x4 v = load4(&c[i][j]);
            i32x4 over = v > hi;
            i32x4 under = v < lo;
            i32x4 bits = ((i32x4)v & ~over) | ((i32x4)hi & over);
            bits = (bits & ~under) | ((i32x4)lo & under);
            store4(&c[i][j], (f32x4)bits);
        }
    }
}

/* The f64 dot product of c's rows with a's, two lanes at a time. */
static double dot(void) {
    f64x2 acc = {0, 0};
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j += 2) {
            f32x2 x, y;
            __builtin_memcpy(&x, &c[i][j], sizeof x);
            __builtin_memcpy(&y, &a[i][j], sizeof y);
            acc = acc + __builtin_convertvector(x, f64x2) * __builtin_convertvector(y, f64x2);
        }
    }
    return acc[0] + acc[1];
}

uint64_t run(uint32_t n) {
    uint64_t state = 0xF10A7F10A7ULL;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a[i][j] = (float)((int32_t)(next_random(&state) >> 40) - (1 << 23)) / (float)(1 << 23);
            b[i][j] = (float)((int32_t)(next_random(&state) >> 40) - (1 << 23)) / (float)(1 << 22);
        }
    }
    uint64_t acc = 0;
    for (uint32_t round = 0; round <= n; round++) {
        matmul();
        clamp(4.0f + (float)(round & 7));
        double d = dot();
        uint64_t bits;
        __builtin_memcpy(&bits, &d, sizeof bits);
        acc = mix(acc, bits);
        uint32_t cbits;
        __builtin_memcpy(&cbits, &c[round % N][(round * 3) % N], sizeof cbits);
        acc = mix(acc, cbits);
        /* The next round multiplies by a slightly changed a. */
        for (int j = 0; j < N; j += 4) {
            f32x4 row = load4(&a[round % N][j]);
            store4(&a[round % N][j], row * 0.5f + load4(&c[round % N][j]) * 0.125f);
        }
    }
    return acc;
}
