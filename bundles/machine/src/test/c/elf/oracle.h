/*
 * What every part of the whole-function oracle (oracle.c, vector.c) is written with: the
 * kernel's short integer type names, the string builtins, a rotate, and the hash that folds
 * several results into one.
 */
#ifndef ORACLE_H
#define ORACLE_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint16_t u16;
typedef int16_t s16;
typedef uint8_t u8;
typedef int8_t s8;
typedef unsigned __int128 u128;
typedef __int128 s128;

/* As the kernel does: the builtins, so gcc expands what it can (mov sequences or rep movs/stos,
 * per -mstringop-strategy) and calls the guest's memcpy/memset for the rest. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#define memcpy(d, s, n) __builtin_memcpy(d, s, n)
#define memset(d, c, n) __builtin_memset(d, c, n)
#define memcmp(a, b, n) __builtin_memcmp(a, b, n)
#define strlen(s) __builtin_strlen(s)

static inline u64 rotl64(u64 x, unsigned n) { return (x << (n & 63)) | (x >> (-n & 63)); }

/* A 64-bit mix (splitmix64 finaliser), used to fold several results into one. */
static inline u64 mix(u64 h, u64 v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 29);
}

#endif
