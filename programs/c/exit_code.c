/* exit(3) from a nested call: atexit handlers run in reverse order, buffered
 * stdout is flushed, and the exit code is 3. */
#include "check.h"

static void first(void) { printf("atexit: first registered, runs last\n"); }
static void second(void) { printf("atexit: second registered, runs first\n"); }

static void leave(int code) {
    printf("exiting with %d", code); /* no newline: exit must flush it */
    putchar('\n');
    exit(code);
}

int main(void) {
    CHECK(atexit(first) == 0);
    CHECK(atexit(second) == 0);
    leave(3);
    printf("not reached\n");
    return 0;
}
