/*
 * What a freestanding guest needs besides its own code: the entry point, the string functions
 * gcc may call even in -ffreestanding code (memcpy, memset, memmove, memcmp), and the few libgcc
 * helpers oracle.c needs. The kernel does not link libgcc either: the host's libgcc.a is built
 * with SSE (its 128-bit division uses movdqa), which an integer-only guest must not contain.
 * memcpy and memset use the string instructions, as the kernel's do.
 */
#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 u128;
typedef __int128 s128;

void *memcpy(void *dst, const void *src, size_t n) {
    void *ret = dst;
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return ret;
}

void *memset(void *dst, int c, size_t n) {
    void *ret = dst;
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}

/* Plain loops, kept from being turned back into calls to themselves. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        for (size_t i = 0; i < n; i++) d[i] = s[i];
    } else {
        for (size_t i = n; i > 0; i--) d[i - 1] = s[i - 1];
    }
    return dst;
}

__attribute__((optimize("no-tree-loop-distribute-patterns")))
int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] - y[i];
    }
    return 0;
}

__attribute__((optimize("no-tree-loop-distribute-patterns")))
size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* 128-bit division, restoring shift-and-subtract; one 64-bit div when both fit in 64 bits. */
u128 __udivmodti4(u128 n, u128 d, u128 *rem) {
    u128 q = 0, r = 0;
    if (d == 0) {
        __builtin_trap();
    }
    if ((n >> 64) == 0 && (d >> 64) == 0) {
        q = (uint64_t)n / (uint64_t)d;
        r = (uint64_t)n % (uint64_t)d;
    } else {
        for (int i = 127; i >= 0; i--) {
            r = (r << 1) | ((n >> i) & 1);
            if (r >= d) {
                r -= d;
                q |= (u128)1 << i;
            }
        }
    }
    if (rem) {
        *rem = r;
    }
    return q;
}

u128 __udivti3(u128 n, u128 d) { return __udivmodti4(n, d, 0); }

u128 __umodti3(u128 n, u128 d) {
    u128 r;
    __udivmodti4(n, d, &r);
    return r;
}

/* Signed: truncating quotient, remainder with the dividend's sign (C semantics). */
s128 __divmodti4(s128 a, s128 b, s128 *rem) {
    u128 ua = a < 0 ? -(u128)a : (u128)a, ub = b < 0 ? -(u128)b : (u128)b, r;
    u128 q = __udivmodti4(ua, ub, &r);
    if (rem) {
        *rem = (s128)(a < 0 ? -r : r);
    }
    return (s128)((a < 0) != (b < 0) ? -q : q);
}

s128 __divti3(s128 a, s128 b) { return __divmodti4(a, b, 0); }

s128 __modti3(s128 a, s128 b) {
    s128 r;
    __divmodti4(a, b, &r);
    return r;
}

int __popcountdi2(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (int)((x * 0x0101010101010101ull) >> 56);
}

/* Leading redundant sign bits. */
int __clrsbdi2(int64_t x) {
    uint64_t v = x < 0 ? ~(uint64_t)x : (uint64_t)x;
    return v == 0 ? 63 : __builtin_clzll(v) - 1;
}

/* -fstack-protector with -mstack-protector-guard=global, as the kernel once used it. */
unsigned long __stack_chk_guard = 0x595e9fbd94fda766ul;

void __stack_chk_fail(void) {
    for (;;) {
        __asm__ volatile("ud2");
    }
}

/* The stack DivergenceFinder runs a traced function on: the same address natively and in the
 * emulator, so that values computed from stack addresses compare equal. */
unsigned char oracle_stack[256 * 1024] __attribute__((aligned(4096)));

void _start(void) {
    for (;;) {
        __asm__ volatile("hlt");
    }
}
