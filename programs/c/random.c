/* getentropy: 256 bytes at once (its limit), refused above that with EIO;
 * two draws differ and are not all zero; arc4random_buf works too. */
#include <unistd.h>

#include "check.h"

static int all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

int main(void) {
    unsigned char a[256], b[256], big[257];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK(getentropy(a, sizeof a) == 0);
    CHECK(getentropy(b, sizeof b) == 0);
    CHECK(!all_zero(a, sizeof a) && !all_zero(b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK(getentropy(a, 0) == 0);
    errno = 0;
    CHECK(getentropy(big, sizeof big) == -1 && errno == EIO);
    printf("getentropy: ok\n");

    unsigned char c[1000] = {0};
    arc4random_buf(c, sizeof c);
    CHECK(!all_zero(c, sizeof c));
    printf("arc4random_buf: ok\n");
    return 0;
}
