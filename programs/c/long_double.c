/* long double (binary128) arithmetic and comparisons, which go through
 * compiler-rt's builtins, libc functions that compare long doubles (fmodl,
 * frexpl, nextafterl), and conversions from and to 64-bit integers. Results
 * are printed as doubles, so no long double printf support is needed. In
 * wasm64 this checks the sysroot's int-returning comparison builtins
 * (toolchain/README.md). */
#include <math.h>

#include "check.h"

/* volatile: keeps clang from folding the comparisons at compile time. */
static volatile long double one = 1.0L, two = 2.0L, neg = -3.5L, zero = 0.0L;

int main(void) {
    long double nan = zero / zero;
    long double third = one / 3.0L;
    long double sum = third + third + third;
    long double pz = zero, nz = -zero;

    CHECK(one < two && two > one && one <= one && two >= two);
    CHECK(!(two < one) && !(one > two) && one != two && one == one);
    CHECK(neg < zero && neg < one && -two < -one && !(-one < -two));
    CHECK(pz == nz && !(pz < nz) && !(nz < pz));
    CHECK(!(nan == nan) && nan != nan && !(nan < one) && !(nan > one));
    CHECK(!(nan <= one) && !(nan >= one) && isnan(nan) && !isnan(one));
    CHECK(sum == one || fabsl(sum - one) < 1e-30L);
    printf("comparisons: ok\n");

    printf("1/3 = %.17g\n", (double)third);
    printf("sqrt(2) = %.17g\n", (double)sqrtl(two));
    printf("fmodl(10.5, 3) = %g\n", (double)fmodl(10.5L, 3.0L));
    int e = 0;
    long double m = frexpl(48.0L, &e);
    printf("frexpl(48) = %g * 2^%d\n", (double)m, e);
    CHECK(nextafterl(one, two) > one && nextafterl(one, zero) < one);
    printf("nextafterl: ok\n");
    volatile long long big = -1234567890123456789LL;
    long double converted = big;
    CHECK((long long)converted == big && converted < zero);
    printf("(long double)%lld: ok\n", (long long)big);
    return 0;
}
