/*
 * A 5 GiB heap: one reallocarray(NULL, 5, 1 GiB) block, one word written on
 * every 4 KiB page, read back into a checksum, which is written to
 * `big_heap.checksum` in the preopened folder (and read back) and to stdout.
 *
 * In wasm64 this succeeds. In wasm32 5 GiB does not fit in size_t, so
 * reallocarray fails with ENOMEM: the program says so on stderr and exits
 * with code 12.
 */
#include <stdint.h>

#include "check.h"

#define BLOCKS 5
#define GIB ((size_t)1 << 30)
#define PAGE 4096
#define EXIT_NO_MEMORY 12

/* The value stored on page `i` (splitmix64). */
static uint64_t page_value(uint64_t i) {
    uint64_t z = i + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int main(void) {
    const uint64_t total = (uint64_t)BLOCKS * GIB;
    unsigned char *heap = reallocarray(NULL, BLOCKS, GIB);
    if (heap == NULL) {
        int err = errno;
        fprintf(stderr, "big_heap: cannot allocate %llu bytes: %s\n",
                (unsigned long long)total, err == ENOMEM ? "ENOMEM" : strerror(err));
        return EXIT_NO_MEMORY;
    }
    const size_t size = (size_t)total; /* it fits: the allocation succeeded */
    CHECK(size == total);
    printf("allocated %llu bytes\n", (unsigned long long)total);
    CHECK((uint64_t)(uintptr_t)heap + total - 1 > UINT32_MAX);
    printf("the block ends above 4 GiB\n");

    const size_t pages = size / PAGE;
    for (size_t i = 0; i < pages; i++) {
        uint64_t v = page_value(i);
        memcpy(heap + i * PAGE, &v, sizeof v);
    }
    heap[size - 1] = 0xa5;
    printf("touched %llu pages\n", (unsigned long long)pages);

    uint64_t sum = 0xcbf29ce484222325ULL; /* FNV-1a over the page words */
    for (size_t i = 0; i < pages; i++) {
        uint64_t v;
        memcpy(&v, heap + i * PAGE, sizeof v);
        CHECK(v == page_value(i));
        sum = (sum ^ v) * 0x100000001b3ULL;
    }
    CHECK(heap[size - 1] == 0xa5);
    free(heap);

    char text[32], back[32] = {0};
    snprintf(text, sizeof text, "%016llx\n", (unsigned long long)sum);
    FILE *f = fopen("big_heap.checksum", "w");
    CHECK(f != NULL);
    CHECK(fputs(text, f) >= 0);
    CHECK(fclose(f) == 0);
    f = fopen("big_heap.checksum", "r");
    CHECK(f != NULL);
    CHECK(fgets(back, sizeof back, f) != NULL);
    CHECK(fclose(f) == 0);
    CHECK(strcmp(text, back) == 0);
    printf("checksum %s", text);
    return 0;
}
