/* Files and folders: mkdir (and EEXIST), creating and writing files, readdir
 * of the new folder, rename of a file and of a folder, unlink, rmdir (and
 * ENOTEMPTY), and stat's ENOENT afterwards. Everything it creates it removes. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK(fputs(text, f) >= 0);
    CHECK(fclose(f) == 0);
}

static void read_file(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    CHECK(fclose(f) == 0);
}

/* The names in `path`, sorted and joined with spaces. */
static void list(const char *path, char *out, size_t size) {
    char *names[8];
    int n = 0;
    DIR *d = opendir(path);
    CHECK(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        CHECK(n < 8);
        names[n] = strdup(e->d_name);
        CHECK(names[n] != NULL);
        n++;
    }
    CHECK(closedir(d) == 0);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i) strncat(out, " ", size - strlen(out) - 1);
        strncat(out, names[i], size - strlen(out) - 1);
        free(names[i]);
    }
}

int main(void) {
    char buf[128];
    struct stat st;

    CHECK(mkdir("work", 0755) == 0);
    errno = 0;
    CHECK(mkdir("work", 0755) == -1 && errno == EEXIST);
    CHECK(mkdir("work/inner", 0755) == 0);
    write_file("work/one.txt", "first\n");
    write_file("work/two.txt", "second\n");
    list("work", buf, sizeof buf);
    printf("created: %s\n", buf);

    CHECK(rename("work/one.txt", "work/inner/moved.txt") == 0);
    errno = 0;
    CHECK(stat("work/one.txt", &st) == -1 && errno == ENOENT);
    read_file("work/inner/moved.txt", buf, sizeof buf);
    CHECK(strcmp(buf, "first\n") == 0);
    CHECK(rename("work/two.txt", "work/inner/moved.txt") == 0); /* replaces it */
    read_file("work/inner/moved.txt", buf, sizeof buf);
    CHECK(strcmp(buf, "second\n") == 0);
    list("work/inner", buf, sizeof buf);
    printf("after rename: work/inner: %s\n", buf);

    CHECK(rename("work/inner", "work/renamed") == 0);
    CHECK(stat("work/renamed", &st) == 0 && S_ISDIR(st.st_mode));
    list("work", buf, sizeof buf);
    printf("after folder rename: work: %s\n", buf);

    errno = 0;
    CHECK(rmdir("work/renamed") == -1 && errno == ENOTEMPTY);
    errno = 0;
    CHECK(unlink("work/renamed") == -1 && (errno == EISDIR || errno == EPERM));
    CHECK(unlink("work/renamed/moved.txt") == 0);
    errno = 0;
    CHECK(unlink("work/renamed/moved.txt") == -1 && errno == ENOENT);
    CHECK(rmdir("work/renamed") == 0);
    CHECK(rmdir("work") == 0);
    errno = 0;
    CHECK(stat("work", &st) == -1 && errno == ENOENT);
    printf("removed: ok\n");
    return 0;
}
