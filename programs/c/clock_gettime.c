/* clock_gettime: CLOCK_REALTIME is after 2020-01-01, CLOCK_MONOTONIC never
 * goes backwards and advances across a nanosleep of 1 ms. */
#include <time.h>

#include "check.h"

static long long nanos(const struct timespec *ts) {
    return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int main(void) {
    struct timespec now;
    CHECK(clock_gettime(CLOCK_REALTIME, &now) == 0);
    CHECK(now.tv_sec > 1577836800); /* 2020-01-01T00:00:00Z */
    CHECK(now.tv_nsec >= 0 && now.tv_nsec < 1000000000);
    CHECK(time(NULL) >= now.tv_sec);
    printf("clock_gettime realtime: ok\n");

    struct timespec t0, t1, t2;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
    CHECK(nanos(&t1) >= nanos(&t0));
    struct timespec pause = {0, 1000000};
    CHECK(nanosleep(&pause, NULL) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t2) == 0);
    CHECK(nanos(&t2) - nanos(&t1) >= 1000000);
    printf("clock_gettime monotonic: ok\n");
    return 0;
}
