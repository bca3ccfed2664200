/* hashmap: an open-addressing (linear probing) map from 64-bit keys to
 * 64-bit values, with 2^17 slots. Inserts n random keys (updating
 * duplicates), looks up 2n keys of which half were inserted, then deletes
 * every third inserted key with backward-shift deletion and looks them all
 * up again. Stresses 64-bit multiplies, unpredictable loads and branches. */
#include "kernel.h"

#define SLOT_BITS 17u
#define SLOTS (1u << SLOT_BITS)
#define MAX_KEYS (SLOTS / 2)

struct slot {
    uint64_t key; /* 0 marks an empty slot; keys are made odd so never 0 */
    uint64_t value;
};

static struct slot table[SLOTS];
static uint64_t inserted[MAX_KEYS];

static inline uint32_t home(uint64_t key) {
    return (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> (64 - SLOT_BITS));
}

static void insert(uint64_t key, uint64_t value) {
    uint32_t i = home(key);
    while (table[i].key != 0 && table[i].key != key) i = (i + 1) & (SLOTS - 1);
    if (table[i].key == key) {
        table[i].value += value;
    } else {
        table[i].key = key;
        table[i].value = value;
    }
}

static int lookup(uint64_t key, uint64_t *value) {
    uint32_t i = home(key);
    while (table[i].key != 0) {
        if (table[i].key == key) {
            *value = table[i].value;
            return 1;
        }
        i = (i + 1) & (SLOTS - 1);
    }
    return 0;
}

static void erase(uint64_t key) {
    uint32_t i = home(key);
    while (table[i].key != key) {
        if (table[i].key == 0) return;
        i = (i + 1) & (SLOTS - 1);
    }
    /* Backward-shift: pull later entries of the same probe run into the hole. */
    uint32_t hole = i;
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & (SLOTS - 1);
        if (table[j].key == 0) break;
        uint32_t h = home(table[j].key);
        /* Move j into the hole unless its home lies cyclically in (hole, j]. */
        int stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
        if (!stays) {
            table[hole] = table[j];
            hole = j;
        }
    }
    table[hole].key = 0;
    table[hole].value = 0;
}

uint64_t run(uint32_t n) {
    if (n > MAX_KEYS) n = MAX_KEYS;
    for (uint32_t i = 0; i < SLOTS; i++) {
        table[i].key = 0;
        table[i].value = 0;
    }
    uint64_t state = 0xDA3E39CB94B95BDBULL;
    for (uint32_t i = 0; i < n; i++) {
        /* Keys drawn from a small range so that some repeat. */
        uint64_t key = ((next_random(&state) % (4ull * n + 1)) << 1) | 1;
        inserted[i] = key;
        insert(key, i);
    }
    uint64_t acc = 0, found = 0, value;
    for (uint32_t i = 0; i < 2 * n; i++) {
        uint64_t key = (i & 1) ? inserted[i / 2] : (((next_random(&state) % (4ull * n + 1)) << 1) | 1);
        if (lookup(key, &value)) {
            found++;
            acc = mix(acc, value);
        }
    }
    for (uint32_t i = 0; i < n; i += 3) erase(inserted[i]);
    for (uint32_t i = 0; i < n; i++) {
        if (lookup(inserted[i], &value)) {
            found++;
            acc = mix(acc, value ^ i);
        }
    }
    return mix(acc, found);
}
