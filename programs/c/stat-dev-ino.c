/* stat, fstat and lstat: files in one folder share st_dev and have distinct
 * st_ino; a file's stat and the fstat of an open descriptor agree; sizes and
 * types are right. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    struct stat a, b, dir, fa;
    CHECK(stat("dir/a.txt", &a) == 0);
    CHECK(stat("dir/b.txt", &b) == 0);
    CHECK(stat("dir", &dir) == 0);
    CHECK(a.st_dev == b.st_dev && a.st_dev == dir.st_dev);
    CHECK(a.st_ino != b.st_ino && a.st_ino != dir.st_ino);
    CHECK(S_ISREG(a.st_mode) && S_ISDIR(dir.st_mode));
    CHECK(a.st_size == 2 && b.st_size == 3);
    CHECK(a.st_nlink >= 1);

    int fd = open("dir/a.txt", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &fa) == 0);
    CHECK(fa.st_dev == a.st_dev && fa.st_ino == a.st_ino && fa.st_size == a.st_size);
    CHECK(close(fd) == 0);

    struct stat l;
    CHECK(lstat("dir/b.txt", &l) == 0 && l.st_ino == b.st_ino);
    errno = 0;
    CHECK(stat("dir/none", &l) == -1 && errno == ENOENT);
    errno = 0;
    CHECK(stat("dir/a.txt/x", &l) == -1 && errno == ENOTDIR);
    printf("stat dev/ino: ok\n");
    return 0;
}
