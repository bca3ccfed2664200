/* lseek on a 10-byte file: SEEK_END, SEEK_SET, SEEK_CUR, reads from the new
 * offsets, seeking past the end, and the errors for a negative offset and a
 * bad whence. */
#include <fcntl.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    int fd = open("lseek.txt", O_RDONLY);
    CHECK(fd >= 0);
    char buf[16];

    CHECK(lseek(fd, 0, SEEK_END) == 10);
    CHECK(read(fd, buf, sizeof buf) == 0);
    CHECK(lseek(fd, 3, SEEK_SET) == 3);
    CHECK(read(fd, buf, 2) == 2 && memcmp(buf, "34", 2) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 5);
    CHECK(lseek(fd, -1, SEEK_CUR) == 4);
    CHECK(read(fd, buf, 1) == 1 && buf[0] == '4');
    CHECK(lseek(fd, -2, SEEK_END) == 8);
    CHECK(read(fd, buf, sizeof buf) == 2 && memcmp(buf, "89", 2) == 0);
    CHECK(lseek(fd, 100, SEEK_SET) == 100);
    CHECK(read(fd, buf, sizeof buf) == 0);

    errno = 0;
    CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL);
    errno = 0;
    CHECK(lseek(fd, 0, 42) == -1 && errno == EINVAL);
    CHECK(lseek(fd, 0, SEEK_CUR) == 100);
    CHECK(close(fd) == 0);
    errno = 0;
    CHECK(lseek(fd, 0, SEEK_SET) == -1 && errno == EBADF);
    printf("lseek: ok\n");
    return 0;
}
