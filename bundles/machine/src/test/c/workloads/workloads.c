/* CPU-bound workloads for the interpreter's speed and correctness tests (freestanding). */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#define N 4096
static u8 buf[N];
static long arr[2048];
static u64 keys[1024];
static u64 vals[1024];

void _start(void) { for (;;) __asm__ volatile("hlt"); }

static void fill(u64 seed) {
    for (int i = 0; i < N; i++) { seed = seed * 6364136223846793005UL + 1442695040888963407UL; buf[i] = seed >> 56; }
}

long adler32(long rounds) {
    fill(42);
    u32 a = 1, b = 0;
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < N; i++) { a = (a + buf[i]) % 65521; b = (b + a) % 65521; }
    return ((u64)b << 16) | a;
}

long crc32(long rounds) {
    fill(7);
    u32 crc = 0xffffffff;
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < N; i++) {
            crc ^= buf[i];
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
        }
    return ~crc & 0xffffffffUL;
}

static void qsort_l(long *a, int lo, int hi) {
    while (lo < hi) {
        long p = a[(lo + hi) >> 1];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) { long t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { qsort_l(a, lo, j); lo = i; } else { qsort_l(a, i, hi); hi = j; }
    }
}

long sort(long rounds) {
    u64 s = 99, sum = 0;
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < 2048; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; arr[i] = (long)(s % 100000) - 50000; }
        qsort_l(arr, 0, 2047);
        for (int i = 1; i < 2048; i++) if (arr[i - 1] > arr[i]) return -1;
        sum += arr[r & 2047];
    }
    return sum;
}

long fnv_hash(long rounds) {
    fill(3);
    u64 h = 0xcbf29ce484222325UL;
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < N; i++) { h ^= buf[i]; h *= 0x100000001b3UL; h = (h << 5) | (h >> 59); }
    return h;
}

long hashtable(long rounds) {
    long found = 0;
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < 1024; i++) keys[i] = 0;
        for (u64 k = 1; k <= 700; k++) {
            u64 key = k * 2654435761UL + r;
            u32 h = (u32)((key * 0x9e3779b97f4a7c15UL) >> 54);
            while (keys[h] && keys[h] != key) h = (h + 1) & 1023;
            keys[h] = key; vals[h] = k;
        }
        for (u64 k = 1; k <= 1400; k++) {
            u64 key = k * 2654435761UL + r;
            u32 h = (u32)((key * 0x9e3779b97f4a7c15UL) >> 54);
            while (keys[h]) { if (keys[h] == key) { found += vals[h]; break; } h = (h + 1) & 1023; }
        }
    }
    return found;
}

long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

long divmix(long n) {
    long acc = 0;
    for (long i = 1; i <= n; i++) {
        acc += (acc ^ (i * 7919)) / i;
        acc ^= (unsigned long)acc % (u64)(i + 3);
        acc += (int)acc / ((int)i | 1);
    }
    return acc;
}

long spin(long n) { volatile long x = 0; for (;;) { x += n; } return x; }

long args8(long a, long b, long c, long d, long e, long f, long g, long h) {
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}

long stack_align(void) {
    long x; __asm__ volatile("mov %%rsp, %0" : "=r"(x)); return x & 15;
}

long deref(long p) { return *(volatile long *)p; }

static long depth3(long p) { return deref(p) + 1; }
static long depth2(long p) { return depth3(p) * 2; }
long crash_chain(long p) { return depth2(p) + 3; }
