/* pwrite on a file opened with O_APPEND. POSIX says the data goes to the
 * given offset, Linux appends it instead; either is accepted. write always
 * appends, and pwrite does not move the file position. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define NAME "append.tmp"

int main(void) {
    int fd = open(NAME, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "abcd", 4) == 4);
    CHECK(close(fd) == 0);

    fd = open(NAME, O_RDWR | O_APPEND);
    CHECK(fd >= 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0);
    CHECK(pwrite(fd, "XYZ", 3, 1) == 3);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(st.st_size == 4 || st.st_size == 7);

    char buf[16] = {0};
    CHECK(pread(fd, buf, sizeof buf, 0) == st.st_size);
    CHECK(st.st_size == 4 ? memcmp(buf, "aXYZ", 4) == 0 : memcmp(buf, "abcdXYZ", 7) == 0);

    off_t before = st.st_size;
    CHECK(write(fd, "12", 2) == 2);
    CHECK(fstat(fd, &st) == 0 && st.st_size == before + 2);
    CHECK(pread(fd, buf, 2, before) == 2 && memcmp(buf, "12", 2) == 0);
    CHECK(close(fd) == 0);
    CHECK(unlink(NAME) == 0);
    printf("pwrite with O_APPEND: ok\n");
    return 0;
}
