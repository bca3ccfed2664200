/*
 * The long double (IEEE binary128) comparison builtins, returning int, for
 * the wasm64 sysroot. `cargo xtask build-sysroot` compiles this file for
 * wasm64 only and adds it to that sysroot's libc.a.
 *
 * Why: LLVM lowers a long double comparison to a call of __lttf2 & co. that
 * returns an i32 on wasm64 as on wasm32, but compiler-rt 16 (Debian's
 * libclang-rt-16-dev-wasm64) defines them returning `long`, an i64 on wasm64
 * (llvm/llvm-project issue 75302; fixed upstream by making the result an int
 * on WebAssembly). wasm-ld then warns "function signature mismatch: __eqtf2"
 * and links a stub that traps, so printf("%Lg") or fmodl trap at run time.
 * clang links libc.a before compiler-rt's archive, so these definitions are
 * the ones used, and compiler-rt's comparetf2 object (which defines exactly
 * these seven symbols) is never pulled in.
 *
 * The results are compiler-rt's: __letf2 (also __eqtf2, __lttf2, __netf2)
 * returns -1, 0 or 1 for less, equal or greater and 1 if either operand is
 * a NaN; __getf2 (also __gttf2) the same but -1 for a NaN; __unordtf2 1 if
 * either operand is a NaN. +0 and -0 are equal. Only integer operations are
 * used here, so this file calls no comparison builtin itself.
 */
#ifndef __wasm64__
#error "only the wasm64 sysroot needs this file"
#endif

#include <string.h>

typedef unsigned __int128 rep_t;
typedef __int128 srep_t;

#define ABS_MASK (((rep_t)1 << 127) - 1)
#define INF_REP ((rep_t)0x7fff << 112)

static rep_t bits(long double x) {
    rep_t r;
    memcpy(&r, &x, sizeof r);
    return r;
}

static int is_nan(rep_t r) { return (r & ABS_MASK) > INF_REP; }

/* a <=> b for ordered operands: -1, 0 or 1. */
static int compare(rep_t ua, rep_t ub) {
    if (((ua | ub) & ABS_MASK) == 0) return 0; /* +0 == -0 */
    srep_t a = (srep_t)ua, b = (srep_t)ub;
    /* With at least one operand non-negative, the sign-magnitude order is
     * the two's-complement order; with both negative it is reversed. */
    if ((a & b) >= 0) return a < b ? -1 : a == b ? 0 : 1;
    return a > b ? -1 : a == b ? 0 : 1;
}

int __letf2(long double a, long double b) {
    rep_t x = bits(a), y = bits(b);
    if (is_nan(x) || is_nan(y)) return 1;
    return compare(x, y);
}

int __getf2(long double a, long double b) {
    rep_t x = bits(a), y = bits(b);
    if (is_nan(x) || is_nan(y)) return -1;
    return compare(x, y);
}

int __unordtf2(long double a, long double b) {
    return is_nan(bits(a)) || is_nan(bits(b));
}

int __eqtf2(long double a, long double b) __attribute__((alias("__letf2")));
int __lttf2(long double a, long double b) __attribute__((alias("__letf2")));
int __netf2(long double a, long double b) __attribute__((alias("__letf2")));
int __gttf2(long double a, long double b) __attribute__((alias("__getf2")));
