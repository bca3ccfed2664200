/* Without any preopened folder no path can be opened: fopen fails with
 * ENOENT or ENOTCAPABLE, for a relative and an absolute path. */
#include "check.h"

int main(void) {
    errno = 0;
    CHECK(fopen("hello.txt", "r") == NULL);
    CHECK(errno == ENOENT || errno == ENOTCAPABLE);
    errno = 0;
    CHECK(fopen("/hello.txt", "w") == NULL);
    CHECK(errno == ENOENT || errno == ENOTCAPABLE);
    printf("fopen without a preopen: refused\n");
    return 0;
}
