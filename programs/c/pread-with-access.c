/* pread reads at an offset without moving the file position, and returns 0
 * at and past the end. */
#include <fcntl.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    const char *text = "pread reads at an offset\n";
    size_t len = strlen(text);
    int fd = open("pread.txt", O_RDONLY);
    CHECK(fd >= 0);
    char buf[64] = {0};

    CHECK(pread(fd, buf, 5, 6) == 5);
    CHECK(memcmp(buf, "reads", 5) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0);
    CHECK(pread(fd, buf, sizeof buf, 0) == (ssize_t)len);
    CHECK(memcmp(buf, text, len) == 0);
    CHECK(pread(fd, buf, sizeof buf, (off_t)len) == 0);
    CHECK(pread(fd, buf, sizeof buf, 1000) == 0);
    CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "pread", 5) == 0);
    CHECK(pread(fd, buf, 2, 0) == 2);
    CHECK(lseek(fd, 0, SEEK_CUR) == 5);
    CHECK(close(fd) == 0);
    printf("pread: ok\n");
    return 0;
}
