/* fdopendir on a folder opened with open(O_DIRECTORY): readdir lists its
 * entries (printed sorted, with their type), each d_ino matches fstatat's
 * st_ino (except for ".."), and rewinddir starts over. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define MAX_ENTRIES 16

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int count_entries(DIR *d) {
    int n = 0;
    while (readdir(d) != NULL) n++;
    return n;
}

int main(void) {
    int fd = open("dir", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    DIR *d = fdopendir(fd);
    CHECK(d != NULL);
    CHECK(dirfd(d) == fd);

    char *names[MAX_ENTRIES];
    int n = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        CHECK(n < MAX_ENTRIES);
        /* ".." is outside the folder `fd` grants access to: not stat'ed. */
        if (strcmp(e->d_name, "..") != 0) {
            struct stat st;
            CHECK(fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0);
            CHECK(st.st_ino == e->d_ino);
            CHECK((e->d_type == DT_DIR) == (S_ISDIR(st.st_mode) != 0));
        }
        const char *type = e->d_type == DT_DIR ? "dir" : e->d_type == DT_REG ? "file" : "other";
        size_t len = strlen(e->d_name) + 16;
        names[n] = malloc(len);
        CHECK(names[n] != NULL);
        snprintf(names[n], len, "%s (%s)", e->d_name, type);
        n++;
    }
    CHECK(errno == 0);
    qsort(names, n, sizeof names[0], by_name);
    for (int i = 0; i < n; i++) {
        printf("%s\n", names[i]);
        free(names[i]);
    }

    rewinddir(d);
    CHECK(count_entries(d) == n);
    CHECK(closedir(d) == 0);
    printf("%d entries\n", n);
    return 0;
}
