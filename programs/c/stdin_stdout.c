/* Copies stdin to stdout until end of file, then prints how many bytes and
 * lines it copied. Its json gives the input `strata wasi-test` feeds it. */
#include "check.h"

int main(void) {
    char buf[4096];
    size_t total = 0, lines = 0, n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        CHECK(fwrite(buf, 1, n, stdout) == n);
        for (size_t i = 0; i < n; i++) lines += buf[i] == '\n';
        total += n;
    }
    CHECK(!ferror(stdin) && feof(stdin));
    printf("stdin: %zu bytes, %zu lines\n", total, lines);
    fprintf(stderr, "stderr works\n");
    return 0;
}
