/*
 * CPU-bound guest workloads for the benchmarks: integer C as gcc compiles it for a kernel
 * (-O2 -mcmodel=kernel -mgeneral-regs-only). Each wl_* function retires a few million guest
 * instructions per call and returns a checksum of its work, so the result can be checked
 * against the same code run natively.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;

#define BUF_SIZE (64 * 1024)
#define SORT_N 16384
#define TABLE_BITS 14

static u8 buffer[BUF_SIZE];
static u32 values[SORT_N];
static u64 keys[1u << TABLE_BITS];
static u32 counts[1u << TABLE_BITS];

/* Fills the buffer from a 64-bit LCG (Knuth's MMIX constants). */
static void fill(u64 seed, size_t n) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        buffer[i] = (u8)(seed >> 56);
    }
}

/* Adler-32 over 64 KiB, with the modulo reduced once per byte as the reference code does. */
u64 wl_adler32(u64 seed) {
    fill(seed, BUF_SIZE);
    u32 a = 1, b = 0;
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < BUF_SIZE; i++) {
            a = (a + buffer[i]) % 65521;
            b = (b + a) % 65521;
        }
    }
    return (u64)b << 16 | a;
}

/* CRC-32 (IEEE, reflected) bit by bit over 16 KiB. */
u64 wl_crc32(u64 seed) {
    fill(seed, 16 * 1024);
    u32 crc = 0xffffffffu;
    for (size_t i = 0; i < 16 * 1024; i++) {
        crc ^= buffer[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
        }
    }
    return ~crc;
}

/* FNV-1a 64 and a murmur3-style 32-bit block hash over 64 KiB. */
u64 wl_hashing(u64 seed) {
    fill(seed, BUF_SIZE);
    u64 fnv = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < BUF_SIZE; i++) {
        fnv = (fnv ^ buffer[i]) * 0x100000001b3ull;
    }
    u32 h = (u32)seed;
    for (size_t i = 0; i + 4 <= BUF_SIZE; i += 4) {
        u32 k = (u32)buffer[i] | (u32)buffer[i + 1] << 8 | (u32)buffer[i + 2] << 16 | (u32)buffer[i + 3] << 24;
        k *= 0xcc9e2d51u;
        k = (k << 15) | (k >> 17);
        k *= 0x1b873593u;
        h ^= k;
        h = (h << 13) | (h >> 19);
        h = h * 5 + 0xe6546b64u;
    }
    h ^= BUF_SIZE;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return fnv ^ ((u64)h << 32);
}

static void fill_values(u64 seed) {
    for (int i = 0; i < SORT_N; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        values[i] = (u32)(seed >> 32);
    }
}

static u64 values_checksum(void) {
    u64 h = 0;
    for (int i = 0; i < SORT_N; i++) {
        h = h * 31 + values[i];
    }
    return h;
}

static void quicksort(u32 *v, int lo, int hi) {
    while (hi - lo > 16) {
        u32 pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                u32 t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
    for (int i = lo + 1; i <= hi; i++) { /* insertion sort for short runs */
        u32 x = v[i];
        int j = i - 1;
        while (j >= lo && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

/* Quicksort of 16384 pseudo-random 32-bit values. */
u64 wl_quicksort(u64 seed) {
    fill_values(seed);
    quicksort(values, 0, SORT_N - 1);
    return values_checksum();
}

static void sift_down(u32 *v, int root, int n) {
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && v[child + 1] > v[child]) child++;
        if (v[root] >= v[child]) return;
        u32 t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

/* Heapsort of 16384 pseudo-random 32-bit values. */
u64 wl_heapsort(u64 seed) {
    fill_values(seed);
    for (int i = SORT_N / 2 - 1; i >= 0; i--) {
        sift_down(values, i, SORT_N);
    }
    for (int end = SORT_N - 1; end > 0; end--) {
        u32 t = values[0];
        values[0] = values[end];
        values[end] = t;
        sift_down(values, 0, end);
    }
    return values_checksum();
}

/* Open-addressing hash table (linear probing): 12000 inserts or updates, 60000 lookups. */
u64 wl_hashtable(u64 seed) {
    const u32 mask = (1u << TABLE_BITS) - 1;
    for (u32 i = 0; i <= mask; i++) {
        keys[i] = 0;
        counts[i] = 0;
    }
    u64 x = seed | 1, found = 0, probes = 0;
    for (int i = 0; i < 12000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        u64 k = (x % 9000) + 1; /* repeats, so some inserts are updates */
        u32 h = (u32)((k * 0x9e3779b97f4a7c15ull) >> (64 - TABLE_BITS));
        while (keys[h] != 0 && keys[h] != k) {
            h = (h + 1) & mask;
            probes++;
        }
        keys[h] = k;
        counts[h]++;
    }
    for (u64 k = 1; k <= 60000; k++) {
        u32 h = (u32)((k * 0x9e3779b97f4a7c15ull) >> (64 - TABLE_BITS));
        while (keys[h] != 0) {
            if (keys[h] == k) {
                found += counts[h];
                break;
            }
            h = (h + 1) & mask;
            probes++;
        }
    }
    return found << 32 | (probes & 0xffffffff);
}

static u64 fib(u64 n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static int tak(int x, int y, int z) {
    return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

/* Recursion: fib(24) or fib(25) and Takeuchi's tak(18, 12, 6); seed only perturbs the arguments slightly. */
u64 wl_recursion(u64 seed) {
    u64 f = fib(24 + (seed & 1));
    return f << 32 | (u32)tak(18, 12, 6 + (int)(seed & 1));
}

#if !__STDC_HOSTED__
/* The guest image's entry point; bare mode only calls the functions above. */
void _start(void) {
    for (;;) {
        __asm__ volatile("hlt");
    }
}
#endif
