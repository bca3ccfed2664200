/* clock_getres for CLOCK_REALTIME and CLOCK_MONOTONIC: succeeds, and the
 * resolution is positive and at most one second. */
#include <time.h>

#include "check.h"

static void check_clock(clockid_t id, const char *name) {
    struct timespec ts = {-1, -1};
    CHECK(clock_getres(id, &ts) == 0);
    CHECK(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    CHECK(ts.tv_sec > 0 || ts.tv_nsec > 0);
    CHECK(ts.tv_sec == 0 || (ts.tv_sec == 1 && ts.tv_nsec == 0));
    printf("clock_getres %s: ok\n", name);
}

int main(void) {
    check_clock(CLOCK_REALTIME, "realtime");
    check_clock(CLOCK_MONOTONIC, "monotonic");
    return 0;
}
