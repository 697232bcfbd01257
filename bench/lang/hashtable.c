/*
 * Open-addressing hash table (linear probing, FNV-1a 64, 75% load) and its workload, the C
 * baseline of `npm run bench -- lang`. Mirrors bench/lang/workload.ts and cstyle.ts exactly.
 * The workload's keys and values are 53-bit (exact as JavaScript numbers), stored in the same
 * uint64_t fields, hashed over all 8 bytes.
 *
 * usage: hashtable <size_log2> <samples> <lookups> <missing>
 * (lookups per timed get pass and missing keys, as chosen by workload.ts)
 * prints one JSON object: {"size_log2", "set_ns": [...], "get_ns": [...], "checksum": {...}}
 */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    uint64_t key; /* 0 marks an empty slot */
    uint64_t value;
} entry;

typedef struct {
    entry *slots;
    uint64_t mask;
    size_t count, max_count;
} table;

#define KEY_MASK ((1ULL << 53) - 1)

static inline uint64_t fnv1a64(uint64_t key) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < 8; i++) {
        h ^= (key >> (8 * i)) & 0xff;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Inserts or updates; -1 when a new key would pass 75% load. */
static inline int ht_set(table *t, uint64_t key, uint64_t value) {
    uint64_t i = fnv1a64(key) & t->mask;
    for (;;) {
        entry *e = &t->slots[i];
        if (e->key == key) {
            e->value = value;
            return 0;
        }
        if (e->key == 0) {
            if (t->count >= t->max_count) return -1;
            e->key = key;
            e->value = value;
            t->count++;
            return 0;
        }
        i = (i + 1) & t->mask;
    }
}

static inline uint64_t *ht_get(table *t, uint64_t key) {
    uint64_t i = fnv1a64(key) & t->mask;
    for (;;) {
        entry *e = &t->slots[i];
        if (e->key == key) return &e->value;
        if (e->key == 0) return NULL;
        i = (i + 1) & t->mask;
    }
}

static void ht_clear(table *t) {
    memset(t->slots, 0, (t->mask + 1) * sizeof(entry));
    t->count = 0;
}

/* xorshift64* (Vigna): distinct, nonzero outputs (keys mask them to 53 bits). */
static uint64_t next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *xmalloc(size_t bytes) {
    void *p = malloc(bytes);
    if (!p) {
        fprintf(stderr, "hashtable: out of memory (%zu bytes)\n", bytes);
        exit(1);
    }
    return p;
}

static void fail(const char *what) {
    fprintf(stderr, "hashtable: %s\n", what);
    exit(1);
}

volatile uint64_t sink;

int main(int argc, char **argv) {
    if (argc != 5) fail("usage: hashtable <size_log2> <samples> <lookups> <missing>");
    int log2 = atoi(argv[1]);
    int samples = atoi(argv[2]);
    long lookups_arg = atol(argv[3]), missing_arg = atol(argv[4]);
    if (log2 < 2 || log2 > 24 || samples < 1) fail("bad arguments (53-bit keys are distinct up to 2^24)");

    size_t capacity = (size_t)1 << log2;
    size_t n = capacity - capacity / 4;
    if (lookups_arg < 1 || (size_t)lookups_arg > n || missing_arg < 1) fail("bad arguments");
    size_t g = (size_t)lookups_arg, m = (size_t)missing_arg;
    uint64_t *keys = xmalloc(n * sizeof *keys);
    uint64_t *values = xmalloc(n * sizeof *values);
    uint64_t *get_keys = xmalloc(n * sizeof *get_keys);
    uint64_t *missing = xmalloc(m * sizeof *missing);
    double *set_ns = xmalloc((size_t)samples * sizeof *set_ns);
    double *get_ns = xmalloc((size_t)samples * sizeof *get_ns);

    uint64_t s = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < n; i++) {
        keys[i] = next(&s) & KEY_MASK;
        values[i] = ((keys[i] << 32) | (keys[i] >> 32)) & KEY_MASK;
    }
    for (size_t i = 0; i < m; i++) missing[i] = next(&s) & KEY_MASK;
    memcpy(get_keys, keys, n * sizeof *keys);
    uint64_t shuffle = 0xD1B54A32D192ED03ULL;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (uint32_t)(next(&shuffle) >> 32) % (uint32_t)(i + 1);
        uint64_t tmp = get_keys[i];
        get_keys[i] = get_keys[j];
        get_keys[j] = tmp;
    }

    table t = {calloc(capacity, sizeof(entry)), capacity - 1, 0, n};
    if (!t.slots) fail("out of memory");

    /* Verification pass, which also warms caches and page mappings. */
    for (size_t i = 0; i < n; i++)
        if (ht_set(&t, keys[i], values[i])) fail("table full");
    for (size_t i = 0; i < n; i += 4)
        if (ht_set(&t, keys[i], values[n - 1 - i])) fail("table full");
    size_t hits = 0, missing_found = 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < g; i++) {
        uint64_t *v = ht_get(&t, get_keys[i]);
        if (v) {
            hits++;
            sum += *v;
        }
    }
    for (size_t i = 0; i < m; i++)
        if (ht_get(&t, missing[i])) missing_found++;
    uint32_t fp = 0;
    for (size_t i = 0; i < capacity; i++)
        if (t.slots[i].key) fp = fp * 31 + ((uint32_t)t.slots[i].key ^ (uint32_t)i);
    size_t count = t.count;

    for (int r = 0; r < samples; r++) {
        ht_clear(&t);
        double t0 = now_ns();
        for (size_t i = 0; i < n; i++)
            if (ht_set(&t, keys[i], values[i])) fail("table full");
        double t1 = now_ns();
        uint64_t acc = 0;
        for (size_t i = 0; i < g; i++) {
            uint64_t *v = ht_get(&t, get_keys[i]);
            if (v) acc += *v;
        }
        double t2 = now_ns();
        sink = acc;
        set_ns[r] = (t1 - t0) / (double)n;
        get_ns[r] = (t2 - t1) / (double)g;
    }

    printf("{\"size_log2\":%d,\"set_ns\":[", log2);
    for (int r = 0; r < samples; r++) printf("%s%.4f", r ? "," : "", set_ns[r]);
    printf("],\"get_ns\":[");
    for (int r = 0; r < samples; r++) printf("%s%.4f", r ? "," : "", get_ns[r]);
    printf("],\"checksum\":{\"count\":%zu,\"hits\":%zu,\"sum\":\"%016" PRIx64 "\",\"missing_found\":%zu,\"layout\":\"%08" PRIx32 "\"}}\n",
           count, hits, sum, missing_found, fp);
    free(t.slots);
    free(keys);
    free(values);
    free(get_keys);
    free(missing);
    free(set_ns);
    free(get_ns);
    return 0;
}
