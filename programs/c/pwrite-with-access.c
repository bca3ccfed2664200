/* pwrite writes at an offset without moving the file position; writing past
 * the end extends the file with zeros; pread reads it all back. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define NAME "pwrite.tmp"

int main(void) {
    int fd = open(NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "testing text", 12) == 12);
    CHECK(pwrite(fd, "ver", 3, 1) == 3);
    CHECK(lseek(fd, 0, SEEK_CUR) == 12);

    char buf[32] = {0};
    CHECK(pread(fd, buf, sizeof buf, 0) == 12);
    CHECK(memcmp(buf, "tvering text", 12) == 0);
    printf("after pwrite: %s\n", buf);

    CHECK(pwrite(fd, "!", 1, 15) == 1);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 16);
    CHECK(pread(fd, buf, sizeof buf, 12) == 4);
    CHECK(memcmp(buf, "\0\0\0!", 4) == 0);
    CHECK(close(fd) == 0);
    CHECK(unlink(NAME) == 0);
    printf("pwrite past the end: size %lld\n", (long long)st.st_size);
    return 0;
}
