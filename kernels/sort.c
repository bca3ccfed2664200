/* sort: recursive quicksort (median of three, insertion sort below 16
 * elements) of n pseudo-random 32-bit keys; the checksum covers the sorted
 * order, so a wrong comparison or a lost element changes it. Stresses
 * calls, branches and 32-bit loads/stores. */
#include "kernel.h"

#define MAX_KEYS (1u << 18)
static uint32_t keys[MAX_KEYS];

static void insertion_sort(uint32_t *a, size_t lo, size_t hi) {
    for (size_t i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        size_t j = i;
        while (j > lo && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void swap(uint32_t *a, size_t i, size_t j) {
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quicksort(uint32_t *a, size_t lo, size_t hi) {
    while (hi > lo + 16) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        uint32_t pivot = a[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                swap(a, i, j);
                i++;
                j--;
            }
        }
        /* Recurse into the smaller side, loop on the larger one. */
        if (j - lo < hi - i) {
            if (lo < j) quicksort(a, lo, j);
            lo = i;
        } else {
            if (i < hi) quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

uint64_t run(uint32_t n) {
    if (n > MAX_KEYS) n = MAX_KEYS;
    if (n < 2) return n;
    uint64_t state = 0x853C49E6748FEA9BULL;
    for (uint32_t i = 0; i < n; i++) keys[i] = (uint32_t)(next_random(&state) >> 32);
    quicksort(keys, 0, n - 1);
    uint64_t acc = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && keys[i - 1] > keys[i]) return 0; /* not sorted */
        acc = mix(acc, keys[i]);
    }
    return acc;
}
