/*
 * Whole-function oracle, vector part: integer C written the way gcc vectorises it with SSE2
 * (array sums, minima and maxima, compare-and-count loops, element-wise arithmetic of every
 * width, shifts, saturation, widening and narrowing, dot products, byte scans, struct copies
 * and zero-initialisation, memset/memcpy-like loops, 64-bit multiplies in loops). Built with
 * SSE allowed, in the emulator and natively (vector_main.c); both the return values and the
 * whole of vector_state after each call must be equal.
 *
 * Rules, as in oracle.c: up to six integer arguments, u64 result, total on every input (sizes,
 * offsets and shift counts are masked; signed arithmetic cannot overflow), no state kept
 * between calls: each function clears vector_state, then fills what it reads from its
 * arguments. Offsets from the arguments make the loops start and end unaligned, so the
 * vectoriser's peeled heads and tails and its unaligned loads run too.
 * Every function is listed in vector_funcs.h.
 */
#include "oracle.h"

#define N 264 /* elements per array: not a multiple of any vector width's unroll */

struct rec {
    u64 a, b;
    u32 c;
    u16 d;
    u8 e[10];
};

/* Everything the functions write; compared byte for byte after every call. */
struct vector_state {
    u8 b8[N + 32], c8[N + 32];
    s8 sb8[N + 32], sc8[N + 32];
    u16 h16[N + 16], g16[N + 16];
    s16 sh16[N + 16], sg16[N + 16];
    u32 w32[N + 8], v32[N + 8];
    s32 s32a[N + 8], s32b[N + 8];
    u64 q64[N + 4], p64[N + 4];
    s64 sq64[N + 4], sp64[N + 4];
    u32 hist[256];
    char str[N + 32];
    struct rec recs[16];
    u64 out[32];
} vector_state;

#define S vector_state

static inline u64 next(u64 *seed) {
    *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
    u64 z = *seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    return z ^ (z >> 27);
}

/* Edge values more often than not: 0, all ones, the sign boundaries, small numbers. */
static u64 value(u64 *seed) {
    u64 r = next(seed);
    switch (r & 7) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: return 0x8080808080808080ull >> (r >> 60);
    case 3: return 0x7f7f7f7f7f7f7f7full << (r >> 61);
    case 4: return (r >> 8) & 0xff;
    default: return next(seed);
    }
}

/* Clears the state, then fills every input array from the seed. */
static __attribute__((noinline)) void fill(u64 seed) {
    memset(&S, 0, sizeof S);
    for (int i = 0; i < N + 32; i++) {
        S.b8[i] = value(&seed);
        S.c8[i] = value(&seed);
        S.sb8[i] = value(&seed);
        S.sc8[i] = value(&seed);
    }
    for (int i = 0; i < N + 16; i++) {
        S.h16[i] = value(&seed);
        S.g16[i] = value(&seed);
        S.sh16[i] = value(&seed);
        S.sg16[i] = value(&seed);
    }
    for (int i = 0; i < N + 8; i++) {
        S.w32[i] = value(&seed);
        S.v32[i] = value(&seed);
        S.s32a[i] = value(&seed);
        S.s32b[i] = value(&seed);
    }
    for (int i = 0; i < N + 4; i++) {
        S.q64[i] = value(&seed);
        S.p64[i] = value(&seed);
        S.sq64[i] = value(&seed);
        S.sp64[i] = value(&seed);
    }
}

/* A hash of an output array (so the result depends on every element). */
static u64 hash(const void *p, size_t n) {
    const u8 *b = p;
    u64 h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 0x100000001b3ull;
    }
    return h;
}

/* ---- reductions ---- */

u64 vec_sums(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1), o = (a >> 8) & 15;
    u64 t8 = 0, t16 = 0, t32 = 0, t64 = 0;
    s64 ss8 = 0, ss16 = 0, ss32 = 0;
    u32 w8 = 0, w16 = 0, w32 = 0;
    for (int i = 0; i < n; i++) t8 += S.b8[i + o];
    for (int i = 0; i < n; i++) ss8 += S.sb8[i + o];
    for (int i = 0; i < n; i++) w8 += S.b8[i];
    for (int i = 0; i < n; i++) t16 += S.h16[i + (o & 7)];
    for (int i = 0; i < n; i++) ss16 += S.sh16[i];
    for (int i = 0; i < n; i++) w16 += S.g16[i];
    for (int i = 0; i < n; i++) t32 += S.w32[i + (o & 3)];
    for (int i = 0; i < n; i++) ss32 += S.s32a[i];
    for (int i = 0; i < n; i++) w32 += S.v32[i];
    for (int i = 0; i < n; i++) t64 += S.q64[i];
    u64 r = mix(t8, (u64)ss8);
    r = mix(r, w8 ^ (u64)w16 << 32);
    r = mix(r, t16 + (u64)ss16);
    r = mix(r, t32 ^ (u64)ss32 ^ w32);
    return mix(r, t64);
}

u64 vec_minmax(u64 a, u64 b) {
    fill(a);
    int n = 1 + b % N;
    u8 mx8 = 0, mn8 = 255;
    s8 smx8 = -128, smn8 = 127;
    u16 mx16 = 0, mn16 = 0xffff;
    s16 smx16 = -32768, smn16 = 32767;
    u32 mx32 = 0, mn32 = ~0u;
    s32 smx32 = INT32_MIN, smn32 = INT32_MAX;
    u64 mx64 = 0, mn64 = ~0ull;
    s64 smx64 = INT64_MIN, smn64 = INT64_MAX;
    for (int i = 0; i < n; i++) mx8 = S.b8[i] > mx8 ? S.b8[i] : mx8;
    for (int i = 0; i < n; i++) mn8 = S.b8[i] < mn8 ? S.b8[i] : mn8;
    for (int i = 0; i < n; i++) smx8 = S.sb8[i] > smx8 ? S.sb8[i] : smx8;
    for (int i = 0; i < n; i++) smn8 = S.sb8[i] < smn8 ? S.sb8[i] : smn8;
    for (int i = 0; i < n; i++) mx16 = S.h16[i] > mx16 ? S.h16[i] : mx16;
    for (int i = 0; i < n; i++) mn16 = S.h16[i] < mn16 ? S.h16[i] : mn16;
    for (int i = 0; i < n; i++) smx16 = S.sh16[i] > smx16 ? S.sh16[i] : smx16;
    for (int i = 0; i < n; i++) smn16 = S.sh16[i] < smn16 ? S.sh16[i] : smn16;
    for (int i = 0; i < n; i++) mx32 = S.w32[i] > mx32 ? S.w32[i] : mx32;
    for (int i = 0; i < n; i++) mn32 = S.w32[i] < mn32 ? S.w32[i] : mn32;
    for (int i = 0; i < n; i++) smx32 = S.s32a[i] > smx32 ? S.s32a[i] : smx32;
    for (int i = 0; i < n; i++) smn32 = S.s32a[i] < smn32 ? S.s32a[i] : smn32;
    for (int i = 0; i < n; i++) mx64 = S.q64[i] > mx64 ? S.q64[i] : mx64;
    for (int i = 0; i < n; i++) mn64 = S.q64[i] < mn64 ? S.q64[i] : mn64;
    for (int i = 0; i < n; i++) smx64 = S.sq64[i] > smx64 ? S.sq64[i] : smx64;
    for (int i = 0; i < n; i++) smn64 = S.sq64[i] < smn64 ? S.sq64[i] : smn64;
    u64 r = mix(mx8 | (u64)mn8 << 8 | (u64)(u8)smx8 << 16 | (u64)(u8)smn8 << 24, mx16 | (u64)mn16 << 16);
    r = mix(r, (u64)(u16)smx16 | (u64)(u16)smn16 << 16 | (u64)mx32 << 32);
    r = mix(r, mn32 | (u64)(u32)smx32 << 32);
    r = mix(r, (u64)(u32)smn32);
    r = mix(r, mx64 ^ mn64);
    return mix(r, (u64)smx64 - (u64)smn64);
}

u64 vec_counts(u64 a, u64 b, u64 c) {
    fill(a);
    int n = b % (N + 1);
    u8 k8 = c;
    s16 k16 = c >> 8;
    u32 k32 = c >> 16;
    s32 ks32 = c >> 24;
    u64 k64 = S.q64[c % N];
    s64 ks64 = c;
    int e8 = 0, lt8 = 0, gt8s = 0, e16 = 0, lt16 = 0, e32 = 0, gt32 = 0, e64 = 0, gt64 = 0, ne8 = 0;
    for (int i = 0; i < n; i++) e8 += S.b8[i] == k8;
    for (int i = 0; i < n; i++) lt8 += S.b8[i] < k8;
    for (int i = 0; i < n; i++) gt8s += S.sb8[i] > (s8)k8;
    for (int i = 0; i < n; i++) ne8 += S.b8[i] != S.c8[i];
    for (int i = 0; i < n; i++) e16 += S.h16[i] == (u16)k16;
    for (int i = 0; i < n; i++) lt16 += S.sh16[i] < k16;
    for (int i = 0; i < n; i++) e32 += S.w32[i] == k32;
    for (int i = 0; i < n; i++) gt32 += S.s32a[i] > ks32;
    for (int i = 0; i < n; i++) e64 += S.q64[i] == k64;
    for (int i = 0; i < n; i++) gt64 += S.sq64[i] > ks64;
    u64 r = mix(e8 | (u64)lt8 << 16 | (u64)gt8s << 32 | (u64)ne8 << 48, e16 | (u64)lt16 << 16);
    return mix(r, e32 | (u64)gt32 << 16 | (u64)e64 << 32 | (u64)gt64 << 48);
}

/* ---- element-wise arithmetic ---- */

u64 vec_addsub(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1), o = (b >> 16) & 7;
    for (int i = 0; i < n; i++) S.b8[i] += S.c8[i + o];
    for (int i = 0; i < n; i++) S.c8[i] -= S.b8[i];
    for (int i = 0; i < n; i++) S.h16[i] += S.g16[i + (o & 3)];
    for (int i = 0; i < n; i++) S.g16[i] -= S.h16[i];
    for (int i = 0; i < n; i++) S.w32[i] += S.v32[i];
    for (int i = 0; i < n; i++) S.v32[i + o] -= S.w32[i];
    for (int i = 0; i < n; i++) S.q64[i] += S.p64[i];
    for (int i = 0; i < n; i++) S.p64[i] -= S.q64[i] + 3;
    for (int i = 0; i < n; i++) S.sq64[i] = (s64)((u64)S.sq64[i] * 0u - (u64)S.sq64[i]); /* negate */
    return mix(hash(S.b8, sizeof S.b8) ^ hash(S.c8, sizeof S.c8) ^ hash(S.h16, sizeof S.h16) ^ hash(S.g16, sizeof S.g16), hash(S.w32, sizeof S.w32) ^ hash(S.v32, sizeof S.v32) ^ hash(S.q64, sizeof S.q64) ^ hash(S.p64, sizeof S.p64) ^ hash(S.sq64, sizeof S.sq64));
}

u64 vec_mul(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1);
    u64 k = b | 1;
    for (int i = 0; i < n; i++) S.b8[i] *= S.c8[i];
    for (int i = 0; i < n; i++) S.h16[i] = (u16)((u32)S.h16[i] * S.g16[i]);
    for (int i = 0; i < n; i++) S.w32[i] *= S.v32[i];
    for (int i = 0; i < n; i++) S.q64[i] *= S.p64[i];
    for (int i = 0; i < n; i++) S.p64[i] = S.p64[i] * k + S.q64[i];
    for (int i = 0; i < n; i++) S.sq64[i] = (s64)S.s32a[i] * S.s32b[i];
    for (int i = 0; i < n; i++) S.sp64[i] = (u64)S.w32[i] * S.v32[i];
    for (int i = 0; i < n; i++) S.sh16[i] = ((s32)S.sh16[i] * S.sg16[i]) >> 16;
    for (int i = 0; i < n; i++) S.g16[i] = ((u32)S.h16[i] * S.g16[i]) >> 16;
    for (int i = 0; i < n; i++) S.v32[i] = S.v32[i] * 0x9e3779b9u + 7;
    return mix(hash(S.b8, sizeof S.b8) ^ hash(S.h16, sizeof S.h16) ^ hash(S.g16, sizeof S.g16) ^ hash(S.sh16, sizeof S.sh16), hash(S.w32, sizeof S.w32) ^ hash(S.v32, sizeof S.v32) ^ hash(S.q64, sizeof S.q64) ^ hash(S.p64, sizeof S.p64) ^ hash(S.sq64, sizeof S.sq64) ^ hash(S.sp64, sizeof S.sp64));
}

u64 vec_divconst(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1);
    for (int i = 0; i < n; i++) S.h16[i] /= 7;
    for (int i = 0; i < n; i++) S.g16[i] %= 1000;
    for (int i = 0; i < n; i++) S.w32[i] /= 10;
    for (int i = 0; i < n; i++) S.s32a[i] /= 10;
    for (int i = 0; i < n; i++) S.s32b[i] %= 3;
    for (int i = 0; i < n; i++) S.b8[i] %= 3;
    for (int i = 0; i < n; i++) S.sh16[i] /= -5;
    for (int i = 0; i < n; i++) S.q64[i] /= 3;
    return mix(hash(S.h16, sizeof S.h16) ^ hash(S.g16, sizeof S.g16) ^ hash(S.sh16, sizeof S.sh16) ^ hash(S.b8, sizeof S.b8), hash(S.w32, sizeof S.w32) ^ hash(S.s32a, sizeof S.s32a) ^ hash(S.s32b, sizeof S.s32b) ^ hash(S.q64, sizeof S.q64));
}

u64 vec_logic(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1);
    u64 orr = 0, xr = 0;
    u8 an = 0xff;
    for (int i = 0; i < n; i++) S.q64[i] &= ~S.p64[i];
    for (int i = 0; i < n; i++) S.w32[i] ^= S.v32[i] | 1;
    for (int i = 0; i < n; i++) S.b8[i] = ~S.b8[i];
    for (int i = 0; i < n; i++) S.h16[i] = (S.h16[i] & 0xf0f0) | (S.g16[i] & ~0xf0f0);
    for (int i = 0; i < n; i++) orr |= S.p64[i];
    for (int i = 0; i < n; i++) xr ^= S.v32[i];
    for (int i = 0; i < n; i++) an &= S.c8[i];
    return mix(mix(orr, xr ^ an), hash(S.q64, sizeof S.q64) ^ hash(S.w32, sizeof S.w32) ^ hash(S.b8, sizeof S.b8) ^ hash(S.h16, sizeof S.h16));
}

/* ---- shifts ---- */

u64 vec_shifts(u64 a, u64 b, u64 c) {
    fill(a);
    int n = b % (N + 1);
    unsigned k = c & 31, k64 = c & 63, k16 = (c >> 8) & 15;
    for (int i = 0; i < n; i++) S.w32[i] <<= k;
    for (int i = 0; i < n; i++) S.v32[i] >>= k;
    for (int i = 0; i < n; i++) S.s32a[i] >>= k;
    for (int i = 0; i < n; i++) S.q64[i] >>= k64;
    for (int i = 0; i < n; i++) S.p64[i] <<= k64;
    for (int i = 0; i < n; i++) S.sq64[i] >>= 7;
    for (int i = 0; i < n; i++) S.h16[i] = (u16)(S.h16[i] << 3);
    for (int i = 0; i < n; i++) S.g16[i] >>= k16;
    for (int i = 0; i < n; i++) S.sh16[i] >>= 5;
    for (int i = 0; i < n; i++) S.sg16[i] >>= k16;
    for (int i = 0; i < n; i++) S.b8[i] >>= 2;
    for (int i = 0; i < n; i++) S.c8[i] = (u8)(S.c8[i] << 1);
    for (int i = 0; i < n; i++) S.sb8[i] >>= 3;
    for (int i = 0; i < n; i++) S.s32b[i] = (s32)((u32)S.s32b[i] << 7 | (u32)S.s32b[i] >> 25); /* rotate */
    for (int i = 0; i < n; i++) S.sp64[i] = (s64)((u64)S.sp64[i] << (S.p64[i] & 63));
    return mix(hash(S.w32, sizeof S.w32) ^ hash(S.v32, sizeof S.v32) ^ hash(S.s32a, sizeof S.s32a) ^ hash(S.s32b, sizeof S.s32b) ^ hash(S.q64, sizeof S.q64) ^ hash(S.p64, sizeof S.p64) ^ hash(S.sq64, sizeof S.sq64) ^ hash(S.sp64, sizeof S.sp64), hash(S.h16, sizeof S.h16) ^ hash(S.g16, sizeof S.g16) ^ hash(S.sh16, sizeof S.sh16) ^ hash(S.sg16, sizeof S.sg16) ^ hash(S.b8, sizeof S.b8) ^ hash(S.c8, sizeof S.c8) ^ hash(S.sb8, sizeof S.sb8));
}

/* ---- saturation, averages, absolute values, selects ---- */

u64 vec_saturate(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1);
    for (int i = 0; i < n; i++) {
        unsigned t = S.b8[i] + S.c8[i];
        S.b8[i] = t > 255 ? 255 : t;
    }
    for (int i = 0; i < n; i++) S.c8[i] = S.c8[i] > S.b8[i] ? S.c8[i] - S.b8[i] : 0;
    for (int i = 0; i < n; i++) S.h16[i] = S.h16[i] > S.g16[i] ? S.h16[i] - S.g16[i] : 0;
    for (int i = 0; i < n; i++) {
        int t = S.sh16[i] + S.sg16[i];
        S.sh16[i] = t > 32767 ? 32767 : t < -32768 ? -32768 : t;
    }
    for (int i = 0; i < n; i++) {
        s16 v = S.sg16[i];
        S.sb8[i] = v < -128 ? -128 : v > 127 ? 127 : v;
    }
    for (int i = 0; i < n; i++) {
        s16 v = S.sg16[i];
        S.sc8[i] = v < 0 ? 0 : v > 255 ? (s8)-1 : (s8)v;
    }
    for (int i = 0; i < n; i++) S.g16[i] = (S.g16[i] + S.h16[i] + 1) >> 1;
    return mix(hash(S.b8, sizeof S.b8) ^ hash(S.c8, sizeof S.c8), hash(S.h16, sizeof S.h16) ^ hash(S.sh16, sizeof S.sh16) ^ hash(S.sb8, sizeof S.sb8) ^ hash(S.sc8, sizeof S.sc8) ^ hash(S.g16, sizeof S.g16));
}

u64 vec_select(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1);
    for (int i = 0; i < n; i++) S.s32a[i] = S.s32a[i] < 0 ? -(S.s32a[i] | 1) : S.s32a[i];
    for (int i = 0; i < n; i++) S.sh16[i] = S.sh16[i] < 0 ? -(S.sh16[i] | 1) : S.sh16[i];
    for (int i = 0; i < n; i++) S.sb8[i] = S.sb8[i] < 0 ? -(S.sb8[i] | 1) : S.sb8[i];
    for (int i = 0; i < n; i++) S.w32[i] = S.w32[i] > S.v32[i] ? S.w32[i] : S.v32[i];
    for (int i = 0; i < n; i++) S.s32b[i] = S.s32b[i] < S.s32a[i] ? S.s32b[i] : S.s32a[i];
    for (int i = 0; i < n; i++) S.q64[i] = S.q64[i] < S.p64[i] ? S.q64[i] : S.p64[i];
    for (int i = 0; i < n; i++) S.sq64[i] = S.sq64[i] > 0 ? S.sq64[i] : 0;
    for (int i = 0; i < n; i++) S.b8[i] = S.b8[i] < S.c8[i] ? S.b8[i] : S.c8[i];
    for (int i = 0; i < n; i++) S.c8[i] = S.sb8[i] > S.sc8[i];
    for (int i = 0; i < n; i++) S.sg16[i] = S.sg16[i] > S.sh16[i] ? S.sg16[i] : S.sh16[i];
    for (int i = 0; i < n; i++) S.h16[i] = S.h16[i] < S.g16[i] ? S.h16[i] : S.g16[i];
    for (int i = 0; i < n; i++)
        if (S.w32[i] & 1) S.v32[i]++;
    for (int i = 0; i < n; i++) S.p64[i] = S.q64[i] == S.p64[i] ? 1 : S.p64[i];
    for (int i = 0; i < n; i++) S.sp64[i] = S.sp64[i] < S.sq64[i] ? -1 : 1;
    return mix(hash(S.s32a, sizeof S.s32a) ^ hash(S.s32b, sizeof S.s32b) ^ hash(S.w32, sizeof S.w32) ^ hash(S.v32, sizeof S.v32), hash(S.q64, sizeof S.q64) ^ hash(S.p64, sizeof S.p64) ^ hash(S.sq64, sizeof S.sq64) ^ hash(S.sp64, sizeof S.sp64) ^ hash(S.b8, sizeof S.b8) ^ hash(S.c8, sizeof S.c8) ^ hash(S.sh16, sizeof S.sh16) ^ hash(S.sg16, sizeof S.sg16) ^ hash(S.h16, sizeof S.h16) ^ hash(S.sb8, sizeof S.sb8));
}

/* ---- widening, narrowing, dot products ---- */

u64 vec_convert(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1);
    for (int i = 0; i < n; i++) S.h16[i] = S.b8[i];
    for (int i = 0; i < n; i++) S.w32[i] = S.c8[i];
    for (int i = 0; i < n; i++) S.s32a[i] = S.sb8[i];
    for (int i = 0; i < n; i++) S.s32b[i] = S.sh16[i];
    for (int i = 0; i < n; i++) S.q64[i] = S.v32[i];
    for (int i = 0; i < n; i++) S.sq64[i] = S.s32a[i];
    for (int i = 0; i < n; i++) S.sp64[i] = S.sg16[i];
    for (int i = 0; i < n; i++) S.p64[i] = S.b8[i + 1];
    u64 r = hash(S.h16, sizeof S.h16) ^ hash(S.w32, sizeof S.w32) ^ hash(S.s32a, sizeof S.s32a) ^ hash(S.s32b, sizeof S.s32b) ^ hash(S.q64, sizeof S.q64) ^ hash(S.sq64, sizeof S.sq64) ^ hash(S.sp64, sizeof S.sp64) ^ hash(S.p64, sizeof S.p64);
    for (int i = 0; i < n; i++) S.c8[i] = S.w32[i] + 3;
    for (int i = 0; i < n; i++) S.g16[i] = S.v32[i];
    for (int i = 0; i < n; i++) S.sc8[i] = S.sh16[i];
    for (int i = 0; i < n; i++) S.v32[i] = S.p64[i] >> 3;
    return mix(r, hash(S.c8, sizeof S.c8) ^ hash(S.g16, sizeof S.g16) ^ hash(S.sc8, sizeof S.sc8) ^ hash(S.v32, sizeof S.v32));
}

u64 vec_dot(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1);
    u32 d16 = 0, d32n = 0;
    s32 d16s = 0;
    u64 d32 = 0, sad = 0, ds = 0;
    for (int i = 0; i < n; i++) d16 += (u32)(S.sh16[i] * S.sg16[i]); /* products fit an int; the sum wraps unsigned */
    for (int i = 0; i < n; i++) d16s += (S.sh16[i] >> 4) * (S.sg16[i] >> 4); /* |sum| < 264 * 2^22 */
    for (int i = 0; i < n; i++) d32 += (u64)S.w32[i] * S.v32[i];
    for (int i = 0; i < n; i++) d32n += S.w32[i] * S.v32[i];
    for (int i = 0; i < n; i++) ds += (u64)((s64)S.s32a[i] * S.s32b[i]);
    for (int i = 0; i < n; i++) {
        int d = S.b8[i] - S.c8[i];
        sad += d < 0 ? -d : d;
    }
    return mix(mix(d16 | (u64)(u32)d16s << 32, d32), mix(d32n, ds ^ sad));
}

/* ---- memory: copies, fills, structs ---- */

u64 vec_memory(u64 a, u64 b, u64 c) {
    fill(a);
    int n = b % (N + 1), o = c & 31, p = (c >> 5) & 31;
    if (o + n > N + 32) n = N + 32 - o;
    if (p + n > N + 32) n = N + 32 - p;
    for (int i = 0; i < n; i++) S.c8[i + o] = S.b8[i + p];
    for (int i = 0; i < n; i++) S.sb8[i + p] = (s8)c;
    for (int i = 0; i < (n >> 2); i++) S.w32[i] = (u32)(c >> 3);
    for (int i = 0; i < (n >> 3); i++) S.q64[i] = c * 3;
    for (int i = 0; i < (n >> 1); i++) S.g16[i + (o & 7)] = S.h16[i];
    memcpy(S.sh16 + (o & 15), S.sg16, 2 * (size_t)(n >> 1));
    memset(S.hist, (int)c, 4 * (b & 255));
    return mix(hash(S.c8, sizeof S.c8) ^ hash(S.sb8, sizeof S.sb8) ^ hash(S.g16, sizeof S.g16), hash(S.w32, sizeof S.w32) ^ hash(S.q64, sizeof S.q64) ^ hash(S.sh16, sizeof S.sh16) ^ hash(S.hist, sizeof S.hist));
}

static struct rec make_rec(u64 x) {
    struct rec r = {x, x * 3, (u32)(x >> 7), (u16)x, {1, 2, 3, 4, 5, 6, 7, 8, (u8)x, 10}};
    return r;
}

u64 vec_structs(u64 a, u64 b) {
    fill(a);
    struct rec local = make_rec(a);
    struct rec zero = {0};
    for (int i = 0; i < 16; i++) S.recs[i] = (i & 1) ? local : zero;
    S.recs[b & 15] = make_rec(b);
    struct rec copy = S.recs[(b >> 4) & 15];
    copy.e[b % 10] ^= 0x5a;
    S.recs[(b >> 8) & 15] = copy;
    struct rec *d = &S.recs[(a >> 4) & 15];
    *d = (struct rec){0};
    d->c = (u32)b;
    u64 h = 0;
    for (int i = 0; i < 16; i++) h = mix(h, S.recs[i].a + S.recs[i].b + S.recs[i].c + S.recs[i].d + S.recs[i].e[9]);
    return mix(h, hash(S.recs, sizeof S.recs));
}

/* ---- bytes and strings ---- */

u64 vec_bytes(u64 a, u64 b, u64 c) {
    fill(a);
    int n = b % (N + 1);
    for (int i = 0; i < 256; i++) S.hist[i] = 0;
    for (int i = 0; i < n; i++) S.hist[S.b8[i]]++;
    for (int i = 0; i < N; i++) S.str[i] = (char)(S.c8[i] % 90 + 33);
    S.str[n] = 0;
    size_t len = 0;
    while (S.str[len]) len++;
    int first = -1;
    for (int i = 0; i < n; i++)
        if (S.b8[i] == (u8)c) {
            first = i;
            break;
        }
    for (int i = 0; i < n; i++)
        if (S.str[i] >= 'A' && S.str[i] <= 'Z') S.str[i] += 32;
    u8 acc = 0;
    for (int i = 0; i < n; i++) acc |= S.b8[i] & S.c8[i];
    for (int i = 0; i < n; i++) S.sc8[i] = (s8)__builtin_popcount(S.c8[i]);
    u64 r = mix(len, (u64)(s64)first);
    return mix(mix(r, acc), hash(S.hist, sizeof S.hist) ^ hash(S.str, sizeof S.str) ^ hash(S.sc8, sizeof S.sc8));
}

/* ---- permutations ---- */

u64 vec_permute(u64 a, u64 b) {
    fill(a);
    int n = b % (N / 2 + 1);
    for (int i = 0; i < N / 2; i++) {
        u32 t = S.w32[i];
        S.w32[i] = S.w32[N - 1 - i];
        S.w32[N - 1 - i] = t;
    }
    for (int i = 0; i < N / 2; i++) {
        u8 t = S.b8[i];
        S.b8[i] = S.b8[N - 1 - i];
        S.b8[N - 1 - i] = t;
    }
    for (int i = 0; i < n; i++) {
        S.v32[2 * i] = S.s32a[i];
        S.v32[2 * i + 1] = S.s32b[i];
    }
    for (int i = 0; i < n; i++) {
        S.sq64[i] = S.q64[2 * i];
        S.sp64[i] = S.q64[2 * i + 1];
    }
    for (int i = 0; i < N / 3; i++) S.c8[i] = S.b8[3 * i] + S.b8[3 * i + 1] + S.b8[3 * i + 2];
    for (int i = 0; i < N / 4; i++) S.sc8[i] = (77 * S.b8[4 * i] + 150 * S.b8[4 * i + 1] + 29 * S.b8[4 * i + 2]) >> 8;
    for (int i = 0; i < n; i++) S.h16[i] = (u16)(S.g16[i] << 8 | S.g16[i] >> 8);
    for (int i = 0; i < n; i++) S.p64[i] = __builtin_bswap64(S.p64[i]);
    return mix(hash(S.w32, sizeof S.w32) ^ hash(S.v32, sizeof S.v32) ^ hash(S.b8, sizeof S.b8) ^ hash(S.c8, sizeof S.c8) ^ hash(S.sc8, sizeof S.sc8), hash(S.sq64, sizeof S.sq64) ^ hash(S.sp64, sizeof S.sp64) ^ hash(S.p64, sizeof S.p64) ^ hash(S.h16, sizeof S.h16));
}

/* ---- 64-bit arithmetic in loops: generators and hashes ---- */

u64 vec_generators(u64 a, u64 b) {
    fill(a);
    int n = b % (N + 1);
    for (int i = 0; i < n; i++) S.q64[i] = S.q64[i] * 6364136223846793005ull + 1442695040888963407ull;
    for (int i = 0; i < n; i++) {
        u64 x = S.p64[i];
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        S.p64[i] = x;
    }
    for (int i = 0; i < n; i++) {
        u32 x = S.w32[i];
        x ^= x >> 16;
        x *= 0x7feb352du;
        x ^= x >> 15;
        x *= 0x846ca68bu;
        S.w32[i] = x ^ (x >> 16);
    }
    for (int i = 0; i < n; i++) S.sq64[i] = (s64)(((u64)S.sq64[i] >> 1) * 0xff51afd7ed558ccdull);
    u64 f1 = 0, f2 = 0;
    for (int i = 0; i < n; i++) {
        f1 += S.v32[i];
        f2 += f1;
    }
    for (int i = 1; i < n; i++) S.s32b[i] = (s32)((u32)S.s32b[i] + (u32)S.s32b[i - 1]);
    return mix(mix(f1, f2), hash(S.q64, sizeof S.q64) ^ hash(S.p64, sizeof S.p64) ^ hash(S.sq64, sizeof S.sq64) ^ hash(S.w32, sizeof S.w32) ^ hash(S.s32b, sizeof S.s32b));
}

u64 vec_matrix(u64 a, u64 b) {
    fill(a);
    u32 *m1 = S.w32 + (b & 7), *m2 = S.v32 + ((b >> 3) & 7), *out = S.w32 + 64;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            u32 s = 0;
            for (int k = 0; k < 4; k++) s += m1[i * 4 + k] * m2[k * 4 + j];
            out[i * 4 + j] = s;
        }
    u64 *q = S.q64 + 32;
    for (int i = 0; i < 8; i++) {
        u64 s = 0;
        for (int k = 0; k < 8; k++) s += S.p64[i * 8 + k] * S.q64[k];
        q[i] = s;
    }
    u16 *h = S.h16;
    for (int i = 0; i < 8; i++) {
        u32 s = 0;
        for (int k = 0; k < 8; k++) s += (u32)h[i * 8 + k] * S.g16[k];
        S.v32[100 + i] = s;
    }
    return mix(hash(S.w32, sizeof S.w32), hash(S.q64, sizeof S.q64) ^ hash(S.v32, sizeof S.v32));
}

/* For the host driver, which hashes the state without knowing its type. */
const unsigned long vector_state_size = sizeof vector_state;
