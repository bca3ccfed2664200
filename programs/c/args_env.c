/* Arguments and environment: prints argc, every argument after the program
 * name, every environment entry (sorted), and a few getenv lookups. */
#include "check.h"

extern char **environ;

static int by_string(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    printf("argc %d\n", argc);
    CHECK(argv[argc] == NULL);
    for (int i = 1; i < argc; i++) printf("argv[%d] = \"%s\"\n", i, argv[i]);

    size_t n = 0;
    while (environ[n] != NULL) n++;
    char **sorted = calloc(n + 1, sizeof *sorted);
    CHECK(sorted != NULL);
    memcpy(sorted, environ, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_string);
    printf("%zu environment entries\n", n);
    for (size_t i = 0; i < n; i++) printf("env %s\n", sorted[i]);
    free(sorted);

    const char *a = getenv("STRATA_A");
    const char *eq = getenv("STRATA_EQUALS");
    CHECK(a != NULL && strcmp(a, "1") == 0);
    CHECK(eq != NULL && strcmp(eq, "x=y") == 0);
    CHECK(getenv("STRATA_MISSING") == NULL);
    CHECK(setenv("STRATA_NEW", "set", 0) == 0);
    CHECK(strcmp(getenv("STRATA_NEW"), "set") == 0);
    printf("getenv: ok\n");
    return 0;
}
