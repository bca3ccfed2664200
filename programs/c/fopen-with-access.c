/* fopen of a file in the preopened folder: by a relative and by an absolute
 * path; reading it; writing is refused on a read-only stream; a path that
 * leaves the preopen and a missing file fail. */
#include "check.h"

int main(void) {
    char line[64];
    FILE *f = fopen("hello.txt", "r");
    CHECK(f != NULL);
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK(strcmp(line, "Hello, WASI!\n") == 0);
    CHECK(fgets(line, sizeof line, f) == NULL && feof(f));
    CHECK(fputc('x', f) == EOF);
    CHECK(fclose(f) == 0);
    printf("read: %s", line);

    f = fopen("/hello.txt", "r");
    CHECK(f != NULL);
    CHECK(fread(line, 1, 5, f) == 5);
    CHECK(memcmp(line, "Hello", 5) == 0);
    CHECK(fclose(f) == 0);
    printf("absolute path: ok\n");

    errno = 0;
    CHECK(fopen("no-such-file.txt", "r") == NULL);
    CHECK(errno == ENOENT);
    printf("missing file: ENOENT\n");

    errno = 0;
    CHECK(fopen("../hello.txt", "r") == NULL);
    CHECK(errno != 0);
    printf("outside the preopen: refused\n");
    return 0;
}
