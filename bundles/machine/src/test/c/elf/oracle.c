/*
 * Whole-function differential oracle: integer C functions compiled twice, as a freestanding
 * kernel-address ELF run by the emulator and natively on the host (oracle_main.c), then called
 * with the same arguments; the results must be equal bit for bit.
 *
 * Rules for every function here:
 *  - signature: up to six integer arguments, returns u64 (so all of RAX is defined);
 *  - total on every input: no undefined behaviour for any argument values (shift counts and
 *    loop bounds are masked, divisors checked, signed overflow only through unsigned types);
 *    the native build is checked with -fsanitize=undefined;
 *  - no state kept between calls: memory written is initialised first and summarised in the
 *    return value.
 * Every function is listed in oracle_funcs.h.
 */
#include "oracle.h"

#define NOINLINE __attribute__((noinline))

/* ---- arithmetic on every width ---- */

u64 arith8(u64 a, u64 b, u64 c) {
    u8 x = a, y = b, z = c;
    s8 sx = a, sy = b;
    u64 r = (u8)(x + y) | (u64)(u8)(x - y) << 8 | (u64)(u8)(x * y) << 16 | (u64)(u8)((x & y) | z) << 24;
    r |= (u64)(u8)(x ^ ~z) << 32 | (u64)(u8)(-x) << 40;
    r ^= (u64)(sx < sy) << 48 | (u64)(x < y) << 49 | (u64)(sx <= sy) << 50 | (u64)(x >= z) << 51;
    r ^= (u64)(u8)(sx * sy) << 56; /* int arithmetic, converted modulo 2^8 */
    return r;
}

u64 arith16(u64 a, u64 b, u64 c) {
    u16 x = a, y = b, z = c;
    s16 sx = a, sy = b;
    u64 r = (u16)(x + y) | (u64)(u16)(x - y) << 16 | (u64)(u16)((u32)x * y) << 32;
    r ^= (u64)(u16)((x | y) ^ (z & ~x)) << 48;
    r += (u64)(sx < sy) << 1 | (u64)(x > y) << 2 | (u64)(sx > (s16)z) << 3;
    r ^= (u64)(s64)(s16)(sx * sy);
    return r;
}

u64 arith32(u64 a, u64 b, u64 c, u64 d) {
    u32 x = a, y = b, z = c, w = d;
    s32 sx = a, sy = b;
    u32 s = x + y, t = x - y, m = x * y, n = ~x ^ (y | z);
    u64 r = (u64)s << 32 | t;
    r = mix(r, (u64)m << 32 | n);
    r = mix(r, (u64)(u32)(s < x) | (u64)(t > x) << 1 | (u64)(sx < sy) << 2 | (u64)(sx >= (s32)w) << 3);
    r = mix(r, (u64)(s64)(s32)(x * 7u + w * 13u)); /* movsxd / cdqe */
    r = mix(r, (u64)(u32)(-(s64)sx)); /* neg of a sign-extended value */
    return r;
}

u64 arith64(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    s64 sa = a, sb = b;
    u64 r = a + b;
    r = mix(r, a - b);
    r = mix(r, a * b);
    r = mix(r, (u64)(r < a) | (u64)(sa < sb) << 1 | (u64)(a <= c) << 2 | (u64)(sb > (s64)d) << 3);
    r = mix(r, (a & c) | (b ^ d) | ~e);
    r = mix(r, a * 3 + b * 5 + c * 9 + d * 17 - e * 0x10001 + f); /* lea and imul by constants */
    r = mix(r, (u64)-(s64)(a | 1) + (u64)(sa >> 63));
    return r;
}

/* Carry and overflow flags as gcc exposes them: add/adc, sub/sbb, seto/setc. */
u64 overflow_checks(u64 a, u64 b) {
    u64 r = 0, u;
    s64 s;
    s32 s32r;
    u32 u32r;
    r |= (u64)__builtin_add_overflow((s64)a, (s64)b, &s) << 0;
    r = mix(r, (u64)s);
    r |= (u64)__builtin_sub_overflow((s64)a, (s64)b, &s) << 1;
    r = mix(r, (u64)s);
    r |= (u64)__builtin_mul_overflow((s64)a, (s64)b, &s) << 2;
    r = mix(r, (u64)s);
    r |= (u64)__builtin_add_overflow(a, b, &u) << 3;
    r = mix(r, u);
    r |= (u64)__builtin_sub_overflow(a, b, &u) << 4;
    r = mix(r, u);
    r |= (u64)__builtin_mul_overflow(a, b, &u) << 5;
    r = mix(r, u);
    r |= (u64)__builtin_add_overflow((s32)a, (s32)b, &s32r) << 6;
    r = mix(r, (u64)(s64)s32r);
    r |= (u64)__builtin_mul_overflow((s32)a, (s32)b, &s32r) << 7;
    r = mix(r, (u64)(s64)s32r);
    r |= (u64)__builtin_mul_overflow((u32)a, (u32)b, &u32r) << 8;
    r = mix(r, u32r);
    return r;
}

u64 u128_arith(u64 a, u64 b, u64 c, u64 d) {
    u128 x = (u128)a << 64 | b, y = (u128)c << 64 | d;
    u128 s = x + y, t = x - y, m = x * y;
    u64 r = mix((u64)s, (u64)(s >> 64));
    r = mix(r, (u64)t ^ (u64)(t >> 64));
    r = mix(r, (u64)m + (u64)(m >> 64));
    r = mix(r, (u64)(x < y) | (u64)((s128)x < (s128)y) << 1 | (u64)(x == y) << 2);
    return r;
}

/* mul/imul widening forms: 64x64->128 (rdx:rax), 32x32->64. */
u64 mul_wide(u64 a, u64 b) {
    u128 p = (u128)a * b;
    s128 q = (s128)(s64)a * (s64)b;
    u64 r = mix((u64)p, (u64)(p >> 64));
    r = mix(r, (u64)q ^ (u64)(q >> 64));
    r = mix(r, (u64)(u32)a * (u32)b);
    r = mix(r, (u64)((s64)(s32)a * (s32)b));
    r = mix(r, (u64)((u32)(u16)a * (u16)b));
    r = mix(r, (u64)(s64)((s32)(s16)a * (s16)b));
    r = mix(r, (u64)((u16)(u8)a * (u8)b));
    return r;
}

/* mulhi by magic constants: what gcc emits for division by constants. */
u64 div_by_constants(u64 a) {
    s64 s = a;
    s32 s4 = a;
    u32 u4 = a;
    u64 r = a / 3;
    r = mix(r, a / 7);
    r = mix(r, a % 10);
    r = mix(r, a / 1000000007ull);
    r = mix(r, (u64)(s / 7));
    r = mix(r, (u64)(s % -13));
    r = mix(r, (u64)(s / 16));       /* sar with rounding toward zero */
    r = mix(r, (u64)(s % 8));
    r = mix(r, (u64)(s64)(s4 / 5));
    r = mix(r, (u64)(s64)(s4 % 100));
    r = mix(r, u4 / 60);
    r = mix(r, u4 % 3600);
    return r;
}

/* div/idiv on every width, with the #DE cases (zero divisor, MIN/-1) avoided. */
u64 divmod64(u64 a, u64 b) {
    u64 r = 0;
    if (b != 0) {
        r = mix(a / b, a % b);
    }
    s64 sa = a, sb = b;
    if (sb != 0 && !(sa == INT64_MIN && sb == -1)) {
        r = mix(r, (u64)(sa / sb));
        r = mix(r, (u64)(sa % sb));
    }
    return r;
}

u64 divmod32(u64 a, u64 b) {
    u32 x = a, y = b;
    s32 sx = a, sy = b;
    u64 r = 1;
    if (y != 0) {
        r = mix(x / y, x % y);
    }
    if (sy != 0 && !(sx == INT32_MIN && sy == -1)) {
        r = mix(r, (u64)(s64)(sx / sy));
        r = mix(r, (u64)(s64)(sx % sy));
    }
    return r;
}

u64 divmod16(u64 a, u64 b) {
    u16 x = a, y = b;
    s16 sx = a, sy = b;
    u64 r = 2;
    if (y != 0) {
        r = mix((u16)(x / y), (u16)(x % y));
    }
    if (sy != 0) { /* promoted to int: no overflow */
        r = mix(r, (u64)(s64)(s16)(sx / sy));
        r = mix(r, (u64)(s64)(s16)(sx % sy));
    }
    return r;
}

u64 divmod8(u64 a, u64 b) {
    u8 x = a, y = b;
    s8 sx = a, sy = b;
    u64 r = 3;
    if (y != 0) {
        r = mix((u8)(x / y), (u8)(x % y));
    }
    if (sy != 0) {
        r = mix(r, (u64)(s64)(s8)(sx / sy));
        r = mix(r, (u64)(s64)(s8)(sx % sy));
    }
    return r;
}

/* 128-bit division: libgcc's __udivti3/__divti3/__umodti3 run in the guest. */
u64 div128(u64 a, u64 b, u64 c, u64 d) {
    u128 n = (u128)a << 64 | b, m = (u128)c << 64 | d;
    u64 r = 4;
    if (m != 0) {
        u128 q = n / m, rem = n % m;
        r = mix(r, (u64)q ^ (u64)(q >> 64));
        r = mix(r, (u64)rem + (u64)(rem >> 64));
    }
    s128 sn = (s128)n, sm = (s128)m;
    if (sm != 0 && !(sm == -1 && n == (u128)1 << 127)) {
        s128 q = sn / sm, rem = sn % sm;
        r = mix(r, (u64)q ^ (u64)((u128)q >> 64));
        r = mix(r, (u64)rem + (u64)((u128)rem >> 64));
    }
    if (d != 0) {
        r = mix(r, (u64)(n / d)); /* 128 by 64 */
    }
    return r;
}

/* ---- shifts and rotates ---- */

u64 shifts64(u64 a, u64 n) {
    unsigned k = n & 63;
    s64 s = a;
    u64 r = a << k;
    r = mix(r, a >> k);
    r = mix(r, (u64)(s >> k));
    r = mix(r, a << (k ^ 1));
    r = mix(r, (u64)(s >> 1) ^ (a >> 63) ^ (a << 1));
    return r;
}

u64 shifts32(u64 a, u64 n) {
    unsigned k = n & 31;
    u32 x = a;
    s32 s = a;
    u64 r = (u32)(x << k);
    r = mix(r, x >> k);
    r = mix(r, (u64)(s64)(s >> k));
    r = mix(r, (u32)((u32)s << 3) ^ (x >> 5));
    return r;
}

u64 shifts_narrow(u64 a, u64 n) {
    unsigned k7 = n & 7, k15 = n & 15;
    u8 b = a;
    s8 sb = a;
    u16 w = a;
    s16 sw = a;
    u64 r = (u8)(b << k7);
    r = mix(r, (u8)(b >> k7));
    r = mix(r, (u64)(s64)(s8)(sb >> k7));
    r = mix(r, (u16)(w << k15));
    r = mix(r, (u16)(w >> k15));
    r = mix(r, (u64)(s64)(s16)(sw >> k15));
    return r;
}

u64 rotates(u64 a, u64 n) {
    unsigned k = n & 63;
    u32 x = a;
    u16 w = a;
    u8 b = a;
    u64 r = rotl64(a, k);
    r = mix(r, (a >> k) | (a << (-k & 63)));
    r = mix(r, (u32)((x << (k & 31)) | (x >> (-k & 31))));
    r = mix(r, (u32)((x >> (k & 31)) | (x << (-k & 31))));
    r = mix(r, (u16)((w << (k & 15)) | (w >> (-k & 15))));
    r = mix(r, (u8)((b >> (k & 7)) | (b << (-k & 7))));
    r = mix(r, rotl64(a, 13) ^ rotl64(a, 51));
    return r;
}

/* Double-width shifts: gcc uses shld/shrd (and cmov on bit 6 of the count). */
u64 shift128(u64 a, u64 b, u64 n) {
    unsigned k = n & 127;
    u128 x = (u128)a << 64 | b;
    s128 s = (s128)x;
    u128 l = x << k, rr = x >> k, ar = (u128)(s >> k);
    u64 r = mix((u64)l, (u64)(l >> 64));
    r = mix(r, (u64)rr ^ (u64)(rr >> 64));
    r = mix(r, (u64)ar + (u64)(ar >> 64));
    unsigned j = n & 63;
    if (j != 0) {
        r = mix(r, (a << j) | (b >> (64 - j)));
    }
    return r;
}

/* ---- bit operations ---- */

u64 bit_builtins(u64 a) {
    u32 x = a;
    u64 r = __builtin_popcountll(a);
    r = mix(r, __builtin_popcount(x));
    r = mix(r, __builtin_parityll(a));
    r = mix(r, __builtin_parity(x));
    r = mix(r, __builtin_parity(x & 0xff));
    r = mix(r, __builtin_bswap64(a));
    r = mix(r, __builtin_bswap32(x));
    r = mix(r, __builtin_bswap16((u16)a));
    if (a != 0) {
        r = mix(r, __builtin_clzll(a));
        r = mix(r, __builtin_ctzll(a));
        r = mix(r, 63 - __builtin_clzll(a));
    }
    if (x != 0) {
        r = mix(r, __builtin_clz(x));
        r = mix(r, __builtin_ctz(x));
    }
    r = mix(r, __builtin_ffsll((s64)a));
    r = mix(r, (u64)__builtin_clrsbll((s64)a));
    return r;
}

u64 bit_tricks(u64 a, u64 b) {
    u64 r = a & -a;                     /* lowest set bit */
    r = mix(r, a & (a - 1));            /* clear lowest */
    r = mix(r, a | (a + 1));            /* set lowest clear */
    r = mix(r, a ^ (a >> 1));           /* gray code */
    u64 v = a - 1;                      /* next power of two */
    v |= v >> 1; v |= v >> 2; v |= v >> 4; v |= v >> 8; v |= v >> 16; v |= v >> 32;
    r = mix(r, v + 1);
    u64 rev = a;                        /* bit reverse */
    rev = (rev >> 1 & 0x5555555555555555ull) | (rev & 0x5555555555555555ull) << 1;
    rev = (rev >> 2 & 0x3333333333333333ull) | (rev & 0x3333333333333333ull) << 2;
    rev = (rev >> 4 & 0x0f0f0f0f0f0f0f0full) | (rev & 0x0f0f0f0f0f0f0f0full) << 4;
    r = mix(r, __builtin_bswap64(rev));
    r = mix(r, (a & ~b) | (~a & b));
    r = mix(r, ((a ^ b) & 0x8000000000000000ull) ? 1 : 2);
    return r;
}

/* bt/bts/btr/btc with register and immediate bit numbers. */
u64 bit_test(u64 a, u64 n, u64 c) {
    unsigned k = n & 63;
    u32 x = a;
    u64 r = a | 1ull << k;
    r = mix(r, a & ~(1ull << k));
    r = mix(r, a ^ 1ull << k);
    r = mix(r, (a >> k) & 1);
    r = mix(r, (x >> (k & 31)) & 1);
    r = mix(r, (u32)(x | 1u << (k & 31)));
    r = mix(r, (c >> 37) & 1 ? a : ~a);
    u64 bits[4] = {a, n, c, a ^ c};
    unsigned bit = (unsigned)(c & 255);
    bits[bit >> 6] ^= 1ull << (bit & 63);
    r = mix(r, bits[0] + bits[1] * 3 + bits[2] * 5 + bits[3] * 7);
    return r;
}

/* ---- flags consumers: setcc, cmov, min/max, comparisons ---- */

u64 compare_all(u64 a, u64 b) {
    s64 x = a, y = b;
    u64 r = (u64)(x < y) | (u64)(x <= y) << 1 | (u64)(x > y) << 2 | (u64)(x >= y) << 3 | (u64)(x == y) << 4
            | (u64)(x != y) << 5 | (u64)(a < b) << 6 | (u64)(a <= b) << 7 | (u64)(a > b) << 8
            | (u64)(a >= b) << 9 | (u64)(x < 0) << 10 | (u64)((s32)a < (s32)b) << 11
            | (u64)((u32)a < (u32)b) << 12 | (u64)((s16)a > (s16)b) << 13 | (u64)((u8)a > (u8)b) << 14
            | (u64)((s8)a <= (s8)b) << 15 | (u64)((a & b) == 0) << 16 | (u64)((s64)(a - b) < 0) << 17;
    return r;
}

u64 min_max(u64 a, u64 b, u64 c) {
    s64 x = a, y = b, z = c;
    s32 x4 = a, y4 = b;
    u64 r = x < y ? (u64)x : (u64)y;
    r = mix(r, a > b ? a : b);
    r = mix(r, (u64)(x4 > y4 ? x4 : y4));
    r = mix(r, (u32)a < (u32)b ? (u32)b : (u32)a);
    s64 lo = y < z ? y : z, hi = y < z ? z : y;
    r = mix(r, (u64)(x < lo ? lo : x > hi ? hi : x)); /* clamp */
    r = mix(r, x == INT64_MIN ? 0 : (u64)(x < 0 ? -x : x)); /* abs */
    r = mix(r, (u64)((x > 0) - (x < 0)));              /* sign */
    r = mix(r, (u64)((s16)a < (s16)b ? (s16)a : (s16)b));
    return r;
}

/* ---- sign and zero extension: movzx/movsx/movsxd, cbw/cwde/cdqe/cqo ---- */

u64 extensions(u64 a, u64 b, u64 c) {
    u64 r = (u64)(s64)(s8)a;
    r = mix(r, (u64)(s64)(s16)a);
    r = mix(r, (u64)(s64)(s32)a);
    r = mix(r, (u8)b);
    r = mix(r, (u16)b);
    r = mix(r, (u32)b);
    r = mix(r, (u64)((s32)(s8)c + (s32)(s16)(c >> 8)));
    r = mix(r, (u64)(s64)(s16)(s8)(a >> 3));
    r = mix(r, (u64)((s64)(s32)c >> 63)); /* cqo-style sign fill */
    return r;
}

/* Partial-register writes and byte/word memory accesses. */
u64 partial_regs(u64 a, u64 b) {
    union {
        u64 q;
        u32 d[2];
        u16 w[4];
        u8 b[8];
    } u;
    u.q = a;
    u.b[1] ^= (u8)b;
    u.w[2] += (u16)(b >> 16);
    u.d[1] |= (u32)(b >> 40);
    u.b[7] = u.b[0] + u.b[3];
    u8 hi = (u8)(a >> 8), lo = (u8)a;
    return mix(u.q, (u64)(u8)(hi ^ lo) | (u64)(u8)(hi + lo) << 8);
}

/* ---- control flow ---- */

u64 switch_dense(u64 a, u64 b) {
    switch (a % 24) {
    case 0: return b + 1;
    case 1: return b * 3;
    case 2: return b ^ 0x5555;
    case 3: return b << 3;
    case 4: return b >> 2;
    case 5: return ~b;
    case 6: return b - 77;
    case 7: return b * b;
    case 8: return b | 0xf0f0;
    case 9: return b & 0xff00ff;
    case 10: return rotl64(b, 7);
    case 11: return b + a;
    case 12: return 0 - b;
    case 13: return b / 3;
    case 14: return b % 1000;
    case 15: return __builtin_bswap64(b);
    case 17: return 17;
    case 18: return b * 0x100000001ull;
    case 19: return b >> 60;
    case 20: return b ? 20 : 21;
    case 21: return (u32)b;
    case 22: return (u16)b;
    default: return a * 1000003;
    }
}

u64 switch_sparse(u64 a) {
    switch (a) {
    case 0: return 11;
    case 7: return 12;
    case 100: return 13;
    case 1000: return 14;
    case 4096: return 15;
    case 65535: return 16;
    case 1000000: return 17;
    case 0x7fffffff: return 18;
    case 0x80000000: return 19;
    case 0xffffffffffffffffull: return 20;
    case 0x8000000000000000ull: return 21;
    default: return a & 0xf;
    }
}

static NOINLINE u64 fib_rec(u64 n) { return n < 2 ? n : fib_rec(n - 1) + fib_rec(n - 2); }

static NOINLINE u64 ackermann(u64 m, u64 n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static NOINLINE u64 gcd_rec(u64 a, u64 b) { return b == 0 ? a : gcd_rec(b, a % b); }

static NOINLINE int is_even(u64 n);
static NOINLINE int is_odd(u64 n) { return n == 0 ? 0 : is_even(n - 1); }
static NOINLINE int is_even(u64 n) { return n == 0 ? 1 : is_odd(n - 1); }

u64 recursion(u64 a, u64 b) {
    u64 r = fib_rec(a & 15);
    r = mix(r, ackermann(2, b & 7));
    r = mix(r, gcd_rec(a, b));
    r = mix(r, (u64)is_even(a & 127));
    return r;
}

/* Stack arguments: a callee with more than six parameters. */
static NOINLINE u64 many_args(u64 a, u32 b, u16 c, u8 d, s64 e, s32 f, s16 g, s8 h, u64 i, u32 j) {
    return mix(mix(a + b * 3 + c * 5 + d * 7, (u64)e - (u64)(s64)f), (u64)(s64)g * (u64)(s64)h + i - j);
}

u64 call_many_args(u64 a, u64 b, u64 c) {
    return many_args(a, b, c, a >> 8, b, c, a >> 16, b >> 24, c ^ a, a + b + c);
}

typedef u64 (*binop)(u64, u64);
static NOINLINE u64 op_add(u64 a, u64 b) { return a + b; }
static NOINLINE u64 op_sub(u64 a, u64 b) { return a - b; }
static NOINLINE u64 op_mul(u64 a, u64 b) { return a * b; }
static NOINLINE u64 op_xor(u64 a, u64 b) { return a ^ b; }
static NOINLINE u64 op_rot(u64 a, u64 b) { return rotl64(a, b); }
static NOINLINE u64 op_div(u64 a, u64 b) { return b ? a / b : a; }
static binop const ops[] = {op_add, op_sub, op_mul, op_xor, op_rot, op_div};
static binop volatile selected_op; /* indirect call through memory */

u64 function_pointers(u64 a, u64 b, u64 c) {
    u64 r = a;
    for (int i = 0; i < 12; i++) {
        binop f = ops[(c >> (i * 3)) % 6];
        r = f(r, b + i);
    }
    selected_op = ops[a % 6];
    return mix(r, selected_op(b, c));
}

/* ---- memory: string instructions, block copies, stack arrays ---- */

struct record {
    u64 id;
    u32 flags;
    u16 kind;
    u8 tag[10];
    u64 payload[22];
};

static NOINLINE void fill_record(struct record *r, u64 seed) {
    r->id = seed;
    r->flags = (u32)(seed >> 7);
    r->kind = (u16)(seed >> 3);
    for (int i = 0; i < 10; i++) {
        r->tag[i] = (u8)(seed >> i);
    }
    for (int i = 0; i < 22; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        r->payload[i] = seed;
    }
}

static u64 record_sum(const struct record *r) {
    u64 h = mix(r->id, (u64)r->flags << 16 | r->kind);
    for (int i = 0; i < 10; i++) {
        h = mix(h, r->tag[i]);
    }
    for (int i = 0; i < 22; i++) {
        h = mix(h, r->payload[i]);
    }
    return h;
}

static struct record global_records[4];

u64 struct_copy(u64 a, u64 b) {
    struct record x, y;
    fill_record(&x, a);
    y = x;                                   /* constant-size block copy */
    y.payload[b % 22] ^= b;
    global_records[b & 3] = y;
    global_records[(b + 1) & 3] = x;
    struct record z = global_records[b & 3]; /* and back from .bss */
    return mix(record_sum(&z), record_sum(&global_records[(b + 1) & 3]));
}

static u8 big_buffer[4096];

u64 memcpy_memset(u64 a, u64 b, u64 c) {
    u8 src[512], dst[512];
    u64 seed = a;
    for (int i = 0; i < 512; i++) {
        seed = seed * 2862933555777941757ull + 3037000493ull;
        src[i] = (u8)(seed >> 56);
    }
    size_t n = b % 513, off = c % 64, m = (c >> 8) % 449;
    memset(big_buffer, (int)(c >> 16), sizeof big_buffer);    /* constant size: inlined */
    memset(dst, (int)(a >> 8), sizeof dst);
    memcpy(dst + off, src, n > 512 - off ? 512 - off : n);  /* variable size: calls or rep movs */
    memset(dst + (b & 63), (int)c, m);
    memcpy(big_buffer + (a & 1023), dst, 512);
    memset(big_buffer, 0x5a, 64);                           /* constant size: inlined */
    u64 h = 0;
    for (int i = 0; i < 512; i++) {
        h = h * 31 + dst[i];
    }
    for (int i = 0; i < 2048; i += 8) {
        u64 w;
        memcpy(&w, big_buffer + i + (a & 7), 8);               /* unaligned 8-byte load */
        h = mix(h, w);
    }
    return h;
}

/* Byte loops that gcc may turn into memcpy/memset calls or string instructions. */
u64 byte_loops(u64 a, u64 b) {
    u8 buf[300], out[300];
    unsigned n = b % 300;
    for (unsigned i = 0; i < 300; i++) {
        buf[i] = (u8)(a >> (i & 7) * 8) + (u8)i;
    }
    for (unsigned i = 0; i < n; i++) {
        out[i] = buf[i];
    }
    for (unsigned i = n; i < 300; i++) {
        out[i] = 0;
    }
    u64 words[40];
    for (unsigned i = 0; i < 40; i++) {
        words[i] = a;
    }
    u64 h = 0;
    for (unsigned i = 0; i < 300; i++) {
        h = (h ^ out[i]) * 0x100000001b3ull;
    }
    return mix(h, words[b % 40] + words[39]);
}

/* A variable-length array: dynamic stack allocation and alignment. */
u64 stack_vla(u64 a, u64 b) {
    unsigned n = 1 + (unsigned)(a % 100);
    u64 v[n];
    for (unsigned i = 0; i < n; i++) {
        v[i] = b * (i + 1) ^ (b >> (i & 31));
    }
    u64 h = n;
    for (unsigned i = 0; i < n; i++) {
        h = mix(h, v[n - 1 - i]);
    }
    return h;
}

/* ---- strings and hashes ---- */

static NOINLINE size_t my_strlen(const char *s) {
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static NOINLINE int my_strcmp(const char *a, const char *b) {
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)(u8)*a - (int)(u8)*b;
}

static NOINLINE char *utoa(u64 v, char *end) {
    *--end = 0;
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

u64 string_hashing(u64 a, u64 b) {
    char bufa[32], bufb[32];
    char *sa = utoa(a, bufa + sizeof bufa), *sb = utoa(b, bufb + sizeof bufb);
    u64 djb2 = 5381, fnv = 0xcbf29ce484222325ull;
    u32 murmur = 0x9747b28c;
    for (const char *p = sa; *p; p++) {
        djb2 = djb2 * 33 + (u8)*p;
        fnv = (fnv ^ (u8)*p) * 0x100000001b3ull;
        u32 k = (u8)*p * 0xcc9e2d51u;
        k = (k << 15) | (k >> 17);
        murmur ^= k * 0x1b873593u;
        murmur = ((murmur << 13) | (murmur >> 19)) * 5 + 0xe6546b64u;
    }
    int cmp = my_strcmp(sa, sb);
    return mix(mix(djb2, fnv), (u64)murmur << 32 | (u32)(cmp < 0 ? -1 : cmp > 0) ) + my_strlen(sa) * 100 + my_strlen(sb);
}

/* ---- sorting and searching ---- */

static NOINLINE void insertion_sort(s64 *v, int n) {
    for (int i = 1; i < n; i++) {
        s64 x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static NOINLINE void quick_sort(u32 *v, int lo, int hi) {
    while (lo < hi) {
        u32 pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                u32 t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quick_sort(v, lo, j);
            lo = i;
        } else {
            quick_sort(v, i, hi);
            hi = j;
        }
    }
}

typedef int (*cmp_fn)(const void *, const void *);

static int cmp_u16_desc(const void *a, const void *b) {
    return (int)*(const u16 *)b - (int)*(const u16 *)a;
}

/* A generic sort through a comparator pointer, as qsort does. */
static NOINLINE void shell_sort(void *base, int n, int size, cmp_fn cmp) {
    u8 tmp[16];
    u8 *p = base;
    for (int gap = n / 2; gap > 0; gap /= 2) {
        for (int i = gap; i < n; i++) {
            memcpy(tmp, p + i * size, size);
            int j = i;
            while (j >= gap && cmp(p + (j - gap) * size, tmp) > 0) {
                memcpy(p + j * size, p + (j - gap) * size, size);
                j -= gap;
            }
            memcpy(p + j * size, tmp, size);
        }
    }
}

static const u32 primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
                             73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131};

u64 sorting(u64 a, u64 b) {
    s64 sv[48];
    u32 uv[96];
    u16 wv[40];
    u64 seed = a | 1;
    int n = 1 + (int)(b % 48);
    for (int i = 0; i < 96; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        if (i < 48) sv[i] = (s64)seed;
        uv[i] = (u32)(seed >> 11) % (1 + (u32)(b & 0xffff));
        if (i < 40) wv[i] = (u16)(seed >> 40);
    }
    insertion_sort(sv, n);
    quick_sort(uv, 0, 95);
    shell_sort(wv, 40, sizeof(u16), cmp_u16_desc);
    u64 h = 0;
    for (int i = 0; i < n; i++) h = mix(h, (u64)sv[i]);
    for (int i = 0; i < 96; i++) h = mix(h, uv[i]);
    for (int i = 0; i < 40; i++) h = mix(h, wv[i]);
    /* binary search in a table in .rodata */
    u32 key = (u32)(a % 140);
    int lo = 0, hi = (int)(sizeof primes / sizeof primes[0]) - 1, found = -1;
    while (lo <= hi) {
        int mid = (lo + hi) >> 1;
        if (primes[mid] == key) { found = mid; break; }
        if (primes[mid] < key) lo = mid + 1; else hi = mid - 1;
    }
    return mix(h, (u64)(s64)found);
}

/* ---- checksums ---- */

static NOINLINE void fill_lcg(u8 *buf, unsigned n, u64 seed) {
    for (unsigned i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1;
        buf[i] = (u8)(seed >> 33);
    }
}

u64 checksums(u64 a, u64 b) {
    u8 buf[1024];
    unsigned n = (unsigned)(b % 1025);
    fill_lcg(buf, n, a);
    u32 crc = 0xffffffffu;
    for (unsigned i = 0; i < n; i++) {
        crc ^= buf[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
        }
    }
    u32 s1 = 1, s2 = 0;
    for (unsigned i = 0; i < n; i++) {
        s1 = (s1 + buf[i]) % 65521;
        s2 = (s2 + s1) % 65521;
    }
    u16 f1 = 0, f2 = 0;
    for (unsigned i = 0; i < n; i++) {
        f1 = (u16)((f1 + buf[i]) % 255);
        f2 = (u16)((f2 + f1) % 255);
    }
    u16 ip = 0; /* internet checksum with end-around carry */
    u32 sum = 0;
    for (unsigned i = 0; i + 1 < n; i += 2) {
        sum += (u32)buf[i] << 8 | buf[i + 1];
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    ip = (u16)~sum;
    return mix((u64)~crc << 32 | (s2 << 16 | s1), (u64)f2 << 24 | (u64)f1 << 16 | ip);
}

/* ---- assorted algorithms ---- */

u64 number_theory(u64 a, u64 b, u64 c) {
    u64 m = c | 1;
    u64 base = a % m, e = b & 0xffff, acc = 1 % m; /* modular exponentiation via 128-bit products */
    while (e) {
        if (e & 1) acc = (u64)((u128)acc * base % m);
        base = (u64)((u128)base * base % m);
        e >>= 1;
    }
    u64 x = a, y = 0; /* integer square root, bit by bit */
    for (u64 bit = 1ull << 62; bit; bit >>= 2) {
        if (x >= y + bit) {
            x -= y + bit;
            y = (y >> 1) + bit;
        } else {
            y >>= 1;
        }
    }
    u64 steps = 0, n = (b & 0xfffff) + 1; /* collatz, bounded */
    while (n != 1 && steps < 500) {
        n = (n & 1) ? 3 * n + 1 : n >> 1;
        steps++;
    }
    return mix(mix(acc, y), steps);
}

u64 prng_steps(u64 a, u64 b) {
    u64 s0 = a ^ 0x123456789abcdefull, s1 = b ^ 0xfedcba987654321ull, h = 0;
    for (int i = 0; i < 64; i++) { /* xoroshiro128+ */
        u64 r = s0 + s1;
        s1 ^= s0;
        s0 = rotl64(s0, 24) ^ s1 ^ (s1 << 16);
        s1 = rotl64(s1, 37);
        h ^= r;
    }
    u32 x = (u32)a | 1; /* xorshift32 */
    for (int i = 0; i < 32; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
    }
    return mix(h, x);
}

u64 matrix(u64 a, u64 b) {
    u32 m[4][4], n[4][4], p[4][4];
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
            m[i][j] = (u32)(a >> ((i * 4 + j) * 4)) & 0xff;
            n[i][j] = (u32)(b >> ((j * 4 + i) * 4)) & 0xffff;
        }
    }
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
            u32 s = 0;
            for (int k = 0; k < 4; k++) {
                s += m[i][k] * n[k][j];
            }
            p[i][j] = s;
        }
    }
    u64 h = 0;
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
            h = mix(h, p[i][j]);
        }
    }
    return h;
}

/* Open-addressing hash table: insert, look up, delete with tombstones. */
u64 hash_table(u64 a, u64 b) {
    static u64 keys[128];
    static u8 state[128]; /* 0 empty, 1 used, 2 deleted */
    memset(state, 0, sizeof state);
    u64 seed = a, hits = 0, probes = 0;
    int inserts = 20 + (int)(b % 80);
    for (int i = 0; i < inserts; i++) {
        seed = seed * 0x5851f42d4c957f2dull + 0x14057b7ef767814full;
        u64 k = seed >> (b & 31);
        unsigned h = (unsigned)((k * 0x9e3779b97f4a7c15ull) >> 57);
        while (state[h] == 1 && keys[h] != k) {
            h = (h + 1) & 127;
            probes++;
        }
        keys[h] = k;
        state[h] = 1;
        if (i % 5 == 4) {
            state[h] = 2;
        }
    }
    seed = a;
    for (int i = 0; i < inserts; i++) {
        seed = seed * 0x5851f42d4c957f2dull + 0x14057b7ef767814full;
        u64 k = seed >> (b & 31);
        unsigned h = (unsigned)((k * 0x9e3779b97f4a7c15ull) >> 57);
        for (int n = 0; n < 128 && state[h] != 0; n++) {
            if (state[h] == 1 && keys[h] == k) {
                hits++;
                break;
            }
            h = (h + 1) & 127;
        }
    }
    return hits << 32 | probes;
}

/* Six arguments, each used at its own width. */
u64 six_args(s8 a, u16 b, s32 c, u64 d, s16 e, u8 f) {
    s64 r = (s64)a * b + (s64)c * e - (s64)f;
    return mix((u64)r, d ^ ((u64)(u16)b << 16 | f));
}

/* Short-circuit logic and ternaries that become setcc/cmov chains. */
u64 logic(u64 a, u64 b, u64 c) {
    u64 r = 0;
    if (a && (b || !c)) r |= 1;
    if ((a > b) == (b > c)) r |= 2;
    r |= (u64)(!!(a & b)) << 2;
    r |= (u64)((s64)a < 0 ? 1 : 0) << 3;
    r += (a == b) ? c : (a < c) ? b : a;
    return r;
}

/* Locked read-modify-write instructions: lock xadd, lock cmpxchg, xchg, lock or. */
static u64 shared64;
static u32 shared32;

u64 atomics(u64 a, u64 b, u64 c) {
    shared64 = a;
    shared32 = (u32)c;
    u64 old = __atomic_fetch_add(&shared64, b, __ATOMIC_SEQ_CST);
    u64 seen = __sync_val_compare_and_swap(&shared64, c, b);      /* succeeds when a + b == c */
    u64 seen2 = __sync_val_compare_and_swap(&shared64, a + b, ~b);
    int swapped = __sync_bool_compare_and_swap(&shared32, (u32)a, (u32)b);
    u64 x = __atomic_exchange_n(&shared64, c ^ a, __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&shared64, 0x10, __ATOMIC_RELAXED);
    u32 y = __atomic_fetch_sub(&shared32, (u32)a, __ATOMIC_SEQ_CST);
    return mix(mix(old, seen), mix(seen2, x)) + shared64 * 3 + (u64)swapped + y + shared32;
}

static int sign(int v) { return (v > 0) - (v < 0); }

/* memcmp (repz cmpsb when inlined), strlen, on buffers that share a prefix. */
u64 string_builtins(u64 a, u64 b) {
    char x[40], y[40];
    for (int i = 0; i < 40; i++) {
        x[i] = (char)('a' + (a >> (i % 8) * 8) % 26);
        y[i] = x[i];
    }
    unsigned at = (unsigned)(b % 40);
    y[at] = (char)(y[at] + (char)(b >> 8 & 3) - 1);  /* maybe differs at one position */
    x[(a >> 3) % 40] = 0;
    y[39] = 0;
    u64 r = (u64)(s64)sign(memcmp(x, y, 16));
    r = mix(r, (u64)(s64)sign(memcmp(x, y, 39)));
    r = mix(r, (u64)(s64)sign(memcmp(x + 1, y + 1, (b >> 16) % 39)));
    r = mix(r, strlen(x));
    r = mix(r, strlen(y + (a & 7)));
    return r;
}

/* ---- algorithms as other people write them ---- */

static inline u32 rotr32(u32 x, unsigned n) { return (x >> (n & 31)) | (x << (-n & 31)); }

/* One SHA-256 compression of a block derived from the arguments. */
u64 sha256_block(u64 a, u64 b, u64 c, u64 d) {
    static const u32 k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    u32 w[64], h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    u64 in[4] = {a, b, c, d};
    for (int i = 0; i < 16; i++) {
        w[i] = (u32)(in[i & 3] >> ((i >> 2) * 8)) ^ (u32)i * 0x01010101u;
    }
    for (int i = 16; i < 64; i++) {
        u32 s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        u32 s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    u32 v[8];
    for (int i = 0; i < 8; i++) v[i] = h[i];
    for (int i = 0; i < 64; i++) {
        u32 S1 = rotr32(v[4], 6) ^ rotr32(v[4], 11) ^ rotr32(v[4], 25);
        u32 ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
        u32 t1 = v[7] + S1 + ch + k[i] + w[i];
        u32 S0 = rotr32(v[0], 2) ^ rotr32(v[0], 13) ^ rotr32(v[0], 22);
        u32 maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        u32 t2 = S0 + maj;
        v[7] = v[6]; v[6] = v[5]; v[5] = v[4]; v[4] = v[3] + t1;
        v[3] = v[2]; v[2] = v[1]; v[1] = v[0]; v[0] = t1 + t2;
    }
    u64 r = 0;
    for (int i = 0; i < 8; i++) r = mix(r, h[i] + v[i]);
    return r;
}

/* ChaCha20 block function (RFC 8439 quarter rounds). */
#define QR(a, b, c, d) \
    (a += b, d ^= a, d = (d << 16) | (d >> 16), c += d, b ^= c, b = (b << 12) | (b >> 20), \
     a += b, d ^= a, d = (d << 8) | (d >> 24), c += d, b ^= c, b = (b << 7) | (b >> 25))

u64 chacha20_block(u64 key0, u64 key1, u64 nonce, u64 counter) {
    u32 s[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, (u32)key0, (u32)(key0 >> 32), (u32)key1,
                 (u32)(key1 >> 32), (u32)~key0, (u32)(~key0 >> 32), (u32)~key1, (u32)(~key1 >> 32),
                 (u32)counter, (u32)nonce, (u32)(nonce >> 32), (u32)(counter >> 32)};
    u32 x[16];
    for (int i = 0; i < 16; i++) x[i] = s[i];
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
    }
    u64 r = 0;
    for (int i = 0; i < 16; i++) r = mix(r, x[i] + s[i]);
    return r;
}

/* SipHash-2-4 of a 24-byte message made from the arguments. */
u64 siphash(u64 k0, u64 k1, u64 m0, u64 m1, u64 m2) {
    u64 v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
    u64 v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
    u64 m[4] = {m0, m1, m2, 24ull << 56};
#define SIPROUND \
    (v0 += v1, v1 = rotl64(v1, 13), v1 ^= v0, v0 = rotl64(v0, 32), v2 += v3, v3 = rotl64(v3, 16), v3 ^= v2, \
     v0 += v3, v3 = rotl64(v3, 21), v3 ^= v0, v2 += v1, v1 = rotl64(v1, 17), v1 ^= v2, v2 = rotl64(v2, 32))
    for (int i = 0; i < 4; i++) {
        v3 ^= m[i];
        SIPROUND;
        SIPROUND;
        v0 ^= m[i];
    }
    v2 ^= 0xff;
    SIPROUND; SIPROUND; SIPROUND; SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* Bit-fields: extraction and insertion with masks and shifts. */
struct packed_fields {
    u64 a : 3, b : 13, c : 1, d : 31, e : 16;
    u32 f : 7, g : 25;
    s32 h : 11, i : 21;
};

u64 bitfields(u64 x, u64 y) {
    struct packed_fields p;
    memset(&p, 0, sizeof p);
    p.a = x; p.b = x >> 3; p.c = y; p.d = y >> 1; p.e = x >> 40;
    p.f = y >> 33; p.g = x ^ y; p.h = (s32)(x >> 20) >> 21; p.i = (s32)y >> 11;
    p.b += p.a;
    p.d ^= p.e;
    p.h -= 3;
    u64 r = mix(p.a, p.b);
    r = mix(r, (u64)p.c + p.d);
    r = mix(r, (u64)p.e * 3 + p.f);
    r = mix(r, p.g);
    r = mix(r, (u64)(s64)p.h + (u64)(s64)p.i);
    u64 raw[3];
    memcpy(raw, &p, sizeof raw < sizeof p ? sizeof raw : sizeof p);
    return mix(r, raw[0] ^ raw[1]);
}

/* Schoolbook multiplication of 256-bit numbers with 64-bit limbs (mul + adc chains). */
u64 bignum_mul(u64 a0, u64 a1, u64 b0, u64 b1, u64 c) {
    u64 a[4] = {a0, a1, ~a0, c}, b[4] = {b0, b1, c ^ b0, ~b1}, p[8] = {0};
    for (int i = 0; i < 4; i++) {
        u64 carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 t = (u128)a[i] * b[j] + p[i + j] + carry;
            p[i + j] = (u64)t;
            carry = (u64)(t >> 64);
        }
        p[i + 4] = carry;
    }
    u64 borrow = 0, r = 0;      /* and a subtraction with borrow */
    for (int i = 0; i < 8; i++) {
        u64 s = a[i & 3];
        u64 d = p[i] - s - borrow;
        borrow = (p[i] < s) || (p[i] - s < borrow);
        r = mix(r, d);
    }
    return r + borrow;
}

/* Base64 encode then decode; returns a hash of the text and whether the round trip held. */
u64 base64_roundtrip(u64 a, u64 b, u64 n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    u8 src[48], dec[48];
    char text[68];
    unsigned len = (unsigned)(n % 49);
    for (unsigned i = 0; i < 48; i++) src[i] = (u8)((i & 1 ? a : b) >> (i % 8 * 8));
    unsigned o = 0;
    for (unsigned i = 0; i < len; i += 3) {
        u32 v = (u32)src[i] << 16 | (i + 1 < len ? (u32)src[i + 1] << 8 : 0) | (i + 2 < len ? src[i + 2] : 0);
        text[o++] = alphabet[v >> 18 & 63];
        text[o++] = alphabet[v >> 12 & 63];
        text[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
        text[o++] = i + 2 < len ? alphabet[v & 63] : '=';
    }
    u8 rev[128];
    for (int i = 0; i < 128; i++) rev[i] = 0xff;
    for (int i = 0; i < 64; i++) rev[(u8)alphabet[i]] = (u8)i;
    unsigned d = 0;
    for (unsigned i = 0; i < o; i += 4) {
        u32 v = 0;
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char ch = text[i + k];
            v = v << 6 | (ch == '=' ? (pad++, 0) : rev[(u8)ch]);
        }
        dec[d++] = (u8)(v >> 16);
        if (pad < 2) dec[d++] = (u8)(v >> 8);
        if (pad < 1) dec[d++] = (u8)v;
    }
    u64 h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < o; i++) h = (h ^ (u8)text[i]) * 0x100000001b3ull;
    int same = d == len;
    for (unsigned i = 0; same && i < len; i++) same = dec[i] == src[i];
    return h ^ (u64)same << 63 ^ o;
}

/* A tiny stack-machine interpreter dispatched through computed goto (an indirect jmp per op). */
u64 bytecode_vm(u64 program, u64 x, u64 y) {
    static void *const dispatch[8] = {&&op_push_x, &&op_push_y, &&op_add, &&op_mul, &&op_xor, &&op_dup,
                                      &&op_rot, &&op_halt};
    u64 stack[64];
    int sp = 0, pc = 0, steps = 0;
    u64 code = program | 7ull << 60; /* always ends in a halt */
#define NEXT                                        \
    do {                                            \
        if (++steps > 40) goto op_halt;             \
        unsigned op = (unsigned)(code >> (pc * 3)) & 7; \
        pc = (pc + 1) % 21;                         \
        goto *dispatch[op];                         \
    } while (0)
    stack[sp++] = x ^ y;
    NEXT;
op_push_x:
    if (sp < 63) stack[sp++] = x;
    NEXT;
op_push_y:
    if (sp < 63) stack[sp++] = y;
    NEXT;
op_add:
    if (sp > 1) { sp--; stack[sp - 1] += stack[sp]; }
    NEXT;
op_mul:
    if (sp > 1) { sp--; stack[sp - 1] *= stack[sp] | 1; }
    NEXT;
op_xor:
    if (sp > 1) { sp--; stack[sp - 1] ^= rotl64(stack[sp], 7); }
    NEXT;
op_dup:
    if (sp < 63) { stack[sp] = stack[sp - 1]; sp++; }
    NEXT;
op_rot:
    stack[sp - 1] = rotl64(stack[sp - 1], (unsigned)sp);
    NEXT;
op_halt:
    return mix(stack[sp - 1], (u64)sp << 32 | (u64)steps);
}

/* Sieve of Eratosthenes over a byte array: count and checksum of the primes below n. */
u64 sieve(u64 n) {
    static u8 composite[8192];
    unsigned limit = 2 + (unsigned)(n % 8190);
    memset(composite, 0, limit);
    u64 count = 0, sum = 0;
    for (unsigned i = 2; i < limit; i++) {
        if (!composite[i]) {
            count++;
            sum = sum * 31 + i;
            for (unsigned j = i * i; j < limit; j += i) composite[j] = 1;
        }
    }
    return count << 40 ^ sum;
}

/* 16-bit and 8-bit heavy code: operand-size prefixes and high-byte registers. */
u64 narrow_heavy(u64 a, u64 b) {
    u16 w0 = (u16)a, w1 = (u16)(a >> 16), w2 = (u16)b;
    u8 c0 = (u8)b, c1 = (u8)(b >> 8);
    for (int i = 0; i < 16; i++) {
        w0 = (u16)(w0 * 3 + w1);
        w1 = (u16)((w1 << 1) | (w1 >> 15)) ^ w2;
        w2 = (u16)(w2 - w0);
        c0 = (u8)(c0 + c1 * 5);
        c1 = (u8)((c1 >> 1) ^ (c0 & 0x5a));
    }
    u16 hi_lo = (u16)(c1 << 8 | c0);
    return (u64)w0 << 48 | (u64)w1 << 32 | (u64)w2 << 16 | hi_lo;
}
