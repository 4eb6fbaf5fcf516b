/*
 * The floating-point part of the whole-function oracle: C that does what programs do with
 * float and double (arithmetic, comparisons, conversions, libm-like polynomials, decimal
 * parsing and printing loops, vectorisable loops, MXCSR rounding modes and flags), built with
 * SSE2 for the emulator and for the host. Every function takes six u64 and returns a u64 that
 * folds the bit patterns of its results (mix), so a single wrong bit anywhere shows.
 *
 * Arguments are used as the bits of doubles and floats (which makes NaNs, infinities and
 * denormals of the edge values) or as integers scaled into the range a function works in. No
 * libm and no libgcc: square roots are the builtin (-fno-math-errno makes it SQRTSD), the rest
 * is written out. Conversions to integers are guarded: out of range they are undefined in C.
 * Functions that change MXCSR set it whole first and restore it at the end, so they do not
 * depend on what earlier calls left in it (the sticky flags); opaque() pins values to the
 * order of the LDMXCSR/STMXCSR around them.
 */
#include "oracle.h"

typedef float v4sf __attribute__((vector_size(16)));
typedef double v2df __attribute__((vector_size(16)));
typedef int v4si __attribute__((vector_size(16)));

static inline double dbl(u64 v) {
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static inline u64 bits(double d) {
    u64 v;
    memcpy(&v, &d, 8);
    return v;
}

static inline float flt(u32 v) {
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static inline u32 fbits(float f) {
    u32 v;
    memcpy(&v, &f, 4);
    return v;
}

static inline double opaque(double x) {
    __asm__ volatile("" : "+x"(x));
    return x;
}

static inline float opaquef(float x) {
    __asm__ volatile("" : "+x"(x));
    return x;
}

static inline s64 opaque_int(s64 x) {
    __asm__ volatile("" : "+r"(x));
    return x;
}

static inline u32 get_mxcsr(void) {
    return __builtin_ia32_stmxcsr();
}

static inline void set_mxcsr(u32 v) {
    __builtin_ia32_ldmxcsr(v);
}

static inline u64 mixd(u64 h, double d) {
    return mix(h, bits(d));
}

static inline u64 mixf(u64 h, float f) {
    return mix(h, fbits(f));
}

/* For the result of a commutative operation (x + y, x * y) whose operands may both be NaNs: SSE
 * returns the first operand's NaN, and C lets the compiler put either operand first (gcc does,
 * differently at each level), so only "a NaN" is the C program's result. */
static inline u64 mixc(u64 h, double d) {
    return d != d ? mix(h, 0x7ff8) : mixd(h, d);
}

static inline u64 mixcf(u64 h, float f) {
    return f != f ? mix(h, 0x7fc0) : mixf(h, f);
}

/* A double made of an integer: n / 2^k with k from the low bits of s, a value of moderate size. */
static inline double scaled(u64 n, u64 s) {
    return (double)(s32)n / (double)(1u << (s & 15));
}

/* ------------------------------------------------------------------ arithmetic */

u64 fp_arith_double(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double x = dbl(a), y = dbl(b), z = scaled(c, d), w = scaled(e, f);
    u64 h = 0;
    h = mixc(h, x + y);
    h = mixd(h, x - y);
    h = mixc(h, x * y);
    h = mixd(h, x / y);
    h = mixd(h, y / x);
    h = mixc(h, z + w);
    h = mixd(h, z * w - x);
    h = mixd(h, (z + 1.0) / (w - 0.5));
    h = mixd(h, -x);
    h = mixc(h, x * 0.1 + y * 3.0);
    return h;
}

u64 fp_arith_float(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    float x = flt((u32)a), y = flt((u32)(b >> 32)), z = (float)scaled(c, d), w = (float)scaled(e, f);
    u64 h = 0;
    h = mixcf(h, x + y);
    h = mixf(h, x - y);
    h = mixcf(h, x * y);
    h = mixf(h, x / y);
    h = mixf(h, y / x);
    h = mixcf(h, z * w + x);
    h = mixf(h, (z - 1.0f) / (w + 0.25f));
    h = mixf(h, x * 0.1f);
    return h;
}

u64 fp_compare(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double x = dbl(a), y = dbl(b);
    float p = flt((u32)c), q = flt((u32)(d >> 32));
    u64 m = 0;
    m = m << 1 | (x < y);
    m = m << 1 | (x <= y);
    m = m << 1 | (x > y);
    m = m << 1 | (x >= y);
    m = m << 1 | (x == y);
    m = m << 1 | (x != y);
    m = m << 1 | __builtin_isunordered(x, y);
    m = m << 1 | __builtin_isless(x, y);
    m = m << 1 | __builtin_islessgreater(x, y);
    m = m << 1 | __builtin_isnan(x);
    m = m << 1 | (p < q);
    m = m << 1 | (p >= q);
    m = m << 1 | (p == q);
    m = m << 1 | __builtin_isgreater(p, q);
    m = m << 1 | __builtin_isunordered(p, q);
    m = m << 1 | ((double)p < x);
    /* a branchy form: comparisons as control flow */
    int r;
    if (x < y) {
        r = 1;
    } else if (x > y) {
        r = 2;
    } else if (x == y) {
        r = 3;
    } else {
        r = 4;
    }
    return m << 3 | r | (u64)(e == f) << 63;
}

u64 fp_minmax(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double x = dbl(a), y = dbl(b), z = scaled(c, d);
    float p = flt((u32)e), q = flt((u32)f);
    u64 h = 0;
    h = mixd(h, x < y ? x : y);
    h = mixd(h, x > y ? x : y);
    h = mixd(h, y < x ? y : x);
    h = mixd(h, z < 0 ? -z : z);
    h = mixd(h, __builtin_fabs(x));
    h = mixd(h, __builtin_copysign(z, y));
    h = mixf(h, p < q ? p : q);
    h = mixf(h, p > q ? p : q);
    h = mixf(h, __builtin_fabsf(q));
    /* clamp */
    double lo = -1.5, hi = 2.25;
    h = mixd(h, z < lo ? lo : z > hi ? hi : z);
    return h;
}

u64 fp_sqrt(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double x = dbl(a), z = scaled(b, c);
    float p = flt((u32)d);
    u64 h = 0;
    h = mixd(h, __builtin_sqrt(x));
    h = mixd(h, __builtin_sqrt(__builtin_fabs(z)));
    h = mixd(h, __builtin_sqrt(z * z + 1.0));
    h = mixf(h, __builtin_sqrtf(p));
    h = mixf(h, __builtin_sqrtf((float)__builtin_fabs(z)));
    /* hypot, the careful way */
    double u = __builtin_fabs(z), v = __builtin_fabs(scaled(e, f));
    if (u < v) {
        double t = u;
        u = v;
        v = t;
    }
    h = mixd(h, u == 0 ? 0 : u * __builtin_sqrt(1 + (v / u) * (v / u)));
    return h;
}

/* ------------------------------------------------------------------ conversions */

u64 fp_int_to_float(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    u64 h = 0;
    h = mixd(h, (double)(s64)a);
    h = mixd(h, (double)a);
    h = mixf(h, (float)(s64)b);
    h = mixf(h, (float)b);
    h = mixd(h, (double)(s32)c);
    h = mixd(h, (double)(u32)c);
    h = mixf(h, (float)(s32)d);
    h = mixf(h, (float)(u32)d);
    h = mixf(h, (float)(s16)e);
    h = mixd(h, (double)(s8)f);
    return h;
}

u64 fp_float_to_int(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double x = dbl(a), z = scaled(b, c) * 1e6;
    float p = flt((u32)d), q = (float)scaled(e, f);
    u64 h = 0;
    if (x > -9.2e18 && x < 9.2e18) {
        h = mix(h, (u64)(s64)x);
    }
    if (x > -2147483648.9 && x < 2147483647.9) {
        h = mix(h, (u64)(s32)x);
    }
    if (x >= 0 && x < 1.8e19) {
        h = mix(h, (u64)x);
    }
    if (x > -1.0 && x < 4294967295.5) {
        h = mix(h, (u32)x);
    }
    h = mix(h, (u64)(s64)z);
    h = mix(h, (u64)(s32)(z / 1e6));
    if (p > -9.2e18f && p < 9.2e18f) {
        h = mix(h, (u64)(s64)p);
    }
    if (p >= 0 && p < 1.8e19f) {
        h = mix(h, (u64)p);
    }
    if (q > -2147483648.0f && q < 2147483648.0f) {
        h = mix(h, (u64)(s32)q);
    }
    h = mix(h, (u64)(s64)(q * 1000.0f));
    return h;
}

u64 fp_float_double(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double x = dbl(a), z = scaled(c, d);
    float p = flt((u32)b), q = flt((u32)(b >> 32));
    u64 h = 0;
    h = mixf(h, (float)x);
    h = mixf(h, (float)z);
    h = mixf(h, (float)(z * 1e-40));
    h = mixf(h, (float)(z * 1e38));
    h = mixd(h, (double)p);
    h = mixc(h, (double)q * (double)p);
    h = mixcf(h, (float)((double)p + (double)q));
    h = mixd(h, (double)(float)scaled(e, f));
    return h;
}

/* ------------------------------------------------------------------ libm-like code */

static double my_exp(double x) {
    if (x != x) {
        return x;
    }
    if (x > 709.0) {
        return 1e308 * 10.0;
    }
    if (x < -745.0) {
        return 0.0;
    }
    /* x = k ln2 + r, |r| <= ln2/2 (Cody and Waite: ln2 in two parts) */
    double kf = x * 1.4426950408889634 + (x < 0 ? -0.5 : 0.5);
    int k = (int)kf;
    double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
    double p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
            + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r / 39916800))))))))));
    /* scale by 2^k in two steps, so that denormal results round once and gradually */
    int k1 = k / 2, k2 = k - k1;
    return p * dbl((u64)(1023 + k1) << 52) * dbl((u64)(1023 + k2) << 52);
}

static double my_log(double x) {
    if (x != x) {
        return x;
    }
    if (x < 0) {
        return __builtin_nan("");
    }
    if (x == 0) {
        return -1.0 / 0.0;
    }
    if (x > 1.7976931348623157e308) {
        return x;
    }
    int e = 0;
    if (x < 2.2250738585072014e-308) {
        x *= 18014398509481984.0; /* 2^54 */
        e = -54;
    }
    u64 b = bits(x);
    e += (int)(b >> 52) - 1023;
    double m = dbl((b & 0x000fffffffffffffull) | 0x3ff0000000000000ull); /* [1, 2) */
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e++;
    }
    double s = (m - 1) / (m + 1), s2 = s * s;
    double t = s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9 + s2 * (2.0 / 11 + s2 * (2.0 / 13
            + s2 * (2.0 / 15 + s2 * (2.0 / 17))))))));
    return e * 0.6931471805599453 + (2 * s + s * t);
}

static double my_sin_poly(double r) {
    double r2 = r * r;
    return r * (1 - r2 / 6 * (1 - r2 / 20 * (1 - r2 / 42 * (1 - r2 / 72 * (1 - r2 / 110 * (1 - r2 / 156))))));
}

static double my_cos_poly(double r) {
    double r2 = r * r;
    return 1 - r2 / 2 * (1 - r2 / 12 * (1 - r2 / 30 * (1 - r2 / 56 * (1 - r2 / 90 * (1 - r2 / 132)))));
}

u64 fp_exp_log(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double x = (double)(s32)a / 4194304.0; /* |x| < 512 */
    double y = dbl(b);
    u64 h = 0;
    h = mixd(h, my_exp(x));
    h = mixd(h, my_exp(x * 1.5 - 300));
    h = mixd(h, my_exp(-x * 1.4 - 20));
    h = mixd(h, my_log(__builtin_fabs(x) + 1e-3));
    h = mixd(h, my_log(__builtin_fabs(y)));
    h = mixd(h, my_log(my_exp(x / 8)));
    h = mixd(h, my_exp(scaled(c, d) / 1000) - 1);
    return h;
}

u64 fp_sin_cos(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double x = (double)(s32)a / 10000.0;
    /* x = k pi/2 + r */
    double kf = x * 0.63661977236758134 + (x < 0 ? -0.5 : 0.5);
    int k = (int)kf;
    double r = (x - k * 1.57079632673412561417) - k * 6.07710050650619224932e-11;
    double s = my_sin_poly(r), co = my_cos_poly(r);
    double sn, cs;
    switch (k & 3) {
        case 0: sn = s; cs = co; break;
        case 1: sn = co; cs = -s; break;
        case 2: sn = -s; cs = -co; break;
        default: sn = -co; cs = s;
    }
    float fx = (float)((s32)b / 1000.0);
    float fr = fx - (float)(int)(fx / 6.2831855f) * 6.2831855f;
    float fs = fr * (1 - fr * fr / 6 * (1 - fr * fr / 20 * (1 - fr * fr / 42)));
    u64 h = mixd(mixd(0, sn), cs);
    h = mixd(h, sn * sn + cs * cs);
    h = mixf(h, fs);
    /* atan by argument halving and a series */
    double t = scaled(c, d) / 1000, z = t / (1 + __builtin_sqrt(1 + t * t));
    z = z / (1 + __builtin_sqrt(1 + z * z));
    double z2 = z * z, at = 4 * z * (1 - z2 / 3 * (1 - z2 * 3 / 5 * (1 - z2 * 5 / 7 * (1 - z2 * 7 / 9))));
    return mixd(h, at);
}

/* ------------------------------------------------------------------ decimal text */

/* Parses a decimal number ("-123.456e-7") as a simple strtod does: digits into an integer,
 * then scaled by powers of ten, exactly while the integer has at most 15 digits. */
static double parse_decimal(const char *s) {
    int neg = 0, digits = 0, exp10 = 0;
    u64 m = 0;
    if (*s == '-' || *s == '+') {
        neg = *s++ == '-';
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        if (digits < 19) {
            m = m * 10 + (u64)(*s - '0');
            if (m) {
                digits++;
            }
        } else {
            exp10++;
        }
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++) {
            if (digits < 19) {
                m = m * 10 + (u64)(*s - '0');
                exp10--;
                if (m) {
                    digits++;
                }
            }
        }
    }
    if (*s == 'e' || *s == 'E') {
        int eneg = 0, ev = 0;
        s++;
        if (*s == '-' || *s == '+') {
            eneg = *s++ == '-';
        }
        for (; *s >= '0' && *s <= '9'; s++) {
            if (ev < 10000) {
                ev = ev * 10 + (*s - '0');
            }
        }
        exp10 += eneg ? -ev : ev;
    }
    double v = (double)m;
    static const double tens[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                  1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (v != 0 && exp10 >= -22 && exp10 <= 22 && m < (1ull << 53)) {
        v = exp10 < 0 ? v / tens[-exp10] : v * tens[exp10];
    } else {
        while (exp10 > 0 && v < 1.7976931348623157e308) {
            int step = exp10 > 22 ? 22 : exp10;
            v *= tens[step];
            exp10 -= step;
        }
        while (exp10 < 0 && v > 0) {
            int step = -exp10 > 22 ? 22 : -exp10;
            v /= tens[step];
            exp10 += step;
        }
    }
    return neg ? -v : v;
}

/* Writes n's decimal digits (at least min of them) at p, returns the end. */
static char *put_digits(char *p, u64 n, int min) {
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n || k < min);
    while (k) {
        *p++ = tmp[--k];
    }
    return p;
}

u64 fp_strtod(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    char buf[64], *p = buf;
    if (b & 1) {
        *p++ = '-';
    }
    p = put_digits(p, a % 100000000000000000ull, 1);
    *p++ = '.';
    p = put_digits(p, c % 1000000ull, 6);
    *p++ = 'e';
    s32 ex = (s32)(d % 661) - 330;
    if (ex < 0) {
        *p++ = '-';
        ex = -ex;
    }
    p = put_digits(p, (u64)ex, 1);
    *p = 0;
    u64 h = mixd(0, parse_decimal(buf));
    /* and a short one, exactly representable after scaling */
    p = put_digits(buf, e % 10000000ull, 1);
    *p++ = 'e';
    *p++ = '-';
    p = put_digits(p, f % 23, 1);
    *p = 0;
    return mixd(h, parse_decimal(buf));
}

/* What printf("%.*e") does in a simple C library: scale into [1, 10) by powers of ten, then
 * peel digits off; returns a hash of the digits and the exponent. */
static u64 format_e(double x, int precision) {
    u64 h = 0;
    if (x != x) {
        return 0x6e616e;
    }
    if (x < 0) {
        x = -x;
        h = mix(h, '-');
    }
    if (x > 1.7976931348623157e308) {
        return mix(h, 0x696e66);
    }
    int e10 = 0;
    if (x != 0) {
        while (x >= 1e16) {
            x /= 1e16;
            e10 += 16;
        }
        while (x >= 10) {
            x /= 10;
            e10++;
        }
        while (x < 1e-16) {
            x *= 1e16;
            e10 -= 16;
        }
        while (x < 1) {
            x *= 10;
            e10--;
        }
    }
    for (int i = 0; i <= precision; i++) {
        int digit = (int)x;
        if (digit > 9) {
            digit = 9;
        }
        h = mix(h, (u64)digit);
        x = (x - digit) * 10;
    }
    return mix(h, (u64)(s64)e10);
}

/* printf("%.6f") for moderate values: the integer part, then six rounded decimals. */
static u64 format_f(double x) {
    if (!(x > -1e15 && x < 1e15)) {
        return 1;
    }
    u64 h = x < 0 ? 2 : 3;
    if (x < 0) {
        x = -x;
    }
    u64 ip = (u64)x;
    double frac = x - (double)ip;
    u64 micro = (u64)(frac * 1e6 + 0.5);
    if (micro >= 1000000) {
        micro -= 1000000;
        ip++;
    }
    char buf[40], *p = put_digits(buf, ip, 1);
    *p++ = '.';
    p = put_digits(p, micro, 6);
    for (char *q = buf; q < p; q++) {
        h = mix(h, (u64)*q);
    }
    return h;
}

u64 fp_printf(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    u64 h = format_e(dbl(a), 16);
    h = mix(h, format_e(scaled(b, c), 6));
    h = mix(h, format_e((double)flt((u32)d), 8));
    h = mix(h, format_f(scaled(b, c)));
    h = mix(h, format_f(dbl(e)));
    h = mix(h, format_f((double)(s32)f / 3.0));
    return h;
}

/* ------------------------------------------------------------------ MXCSR */

/* Each rounding mode in turn, all exceptions masked and the flags cleared first: the results
 * and the flags each operation raised. */
u64 fp_rounding_modes(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    u32 saved = get_mxcsr();
    u64 h = 0;
    for (u32 rc = 0; rc < 4; rc++) {
        u32 mode = 0x1f80 | rc << 13 | ((e & 1) ? 0x8000 : 0) | ((e & 2) ? 0x40 : 0);
        set_mxcsr(mode);
        /* every input passes an opaque() in the loop, so no rounding is hoisted out of it */
        double x = opaque(dbl(a)), y = opaque(dbl(b));
        double z = opaque(opaque((double)(s32)c) / opaque((double)(1u << (d & 15))));
        float p = opaquef(flt((u32)f)), q = opaquef((float)z);
        h = mixc(h, opaque(x + y));
        h = mixc(h, opaque(x * y));
        h = mixd(h, opaque(z / 3.0));
        h = mixd(h, opaque(__builtin_sqrt(__builtin_fabs(z))));
        h = mixf(h, opaquef((float)x));
        h = mixcf(h, opaquef(p * q));
        h = mixf(h, opaquef(p / 7.0f));
        h = mixf(h, opaquef((float)opaque_int((s64)c)));
        h = mixd(h, opaque((double)opaque_int((s64)(a ^ b))));
        v2df vz = {z, x};
        h = mix(h, (u64)__builtin_ia32_cvtsd2si64(vz)); /* rounds by MXCSR.RC */
        v4sf vq = {q, p, 0, 0};
        h = mix(h, (u64)(s64)__builtin_ia32_cvtss2si(vq));
        h = mix(h, get_mxcsr());
    }
    set_mxcsr(saved);
    return h;
}

/* The flags of single operations, one at a time, with FTZ and DAZ from e. */
u64 fp_exception_flags(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    u32 saved = get_mxcsr();
    u32 base = 0x1f80 | ((e & 1) ? 0x8000 : 0) | ((e & 2) ? 0x40 : 0) | (u32)((e >> 2) & 3) << 13;
    double x = dbl(a), y = dbl(b), z = scaled(c, d);
    float p = flt((u32)f), q = flt((u32)(f >> 32));
    u64 h = 0;
#define FLAGS(expr)                                     \
    do {                                                \
        set_mxcsr(base);                                \
        h = mixc(h, opaque((double)(expr)));            \
        h = mix(h, get_mxcsr());                        \
    } while (0)
    FLAGS(opaque(x) + opaque(y));
    FLAGS(opaque(x) - opaque(z));
    FLAGS(opaque(x) * opaque(y));
    FLAGS(opaque(x) / opaque(y));
    FLAGS(opaque(z) / opaque(0.0));
    FLAGS(__builtin_sqrt(opaque(x)));
    FLAGS(opaque(x) < opaque(y));
    FLAGS(__builtin_isless(opaque(x), opaque(y)));
    FLAGS((float)opaque(x));
    FLAGS(opaquef(p) + opaquef(q));
    FLAGS(opaquef(p) * opaquef(q));
    FLAGS(opaquef(p) / opaquef(q));
    FLAGS((double)opaquef(p));
    FLAGS(opaque(x) * 1e-300);
    FLAGS(opaque(y) * 1e300);
    FLAGS(opaquef(q) * 1e-30f);
#undef FLAGS
    set_mxcsr(saved);
    return h;
}

/* ------------------------------------------------------------------ loops */

static u32 lcg(u32 *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

/* Element-wise loops gcc vectorises at -O3 (and partly at -O2): MULPS, ADDPS, CVTDQ2PS... */
u64 fp_vector_loops(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    float x[64], y[64], z[64];
    double u[32], v[32];
    int n[64];
    u32 s = (u32)a;
    for (int i = 0; i < 64; i++) {
        x[i] = (float)(s32)lcg(&s) / 65536.0f;
        y[i] = (float)(lcg(&s) >> 8) / 65536.0f;
    }
    for (int i = 0; i < 32; i++) {
        u[i] = (double)(s32)lcg(&s) / 4096.0;
        u64 hi = lcg(&s);
        v[i] = dbl(hi << 32 | lcg(&s));
    }
    float k = (float)scaled(b, c) / 65536.0f; /* |x * y + k| stays far below 2^31 */
    for (int i = 0; i < 64; i++) {
        z[i] = x[i] * y[i] + k;
    }
    for (int i = 0; i < 64; i++) {
        n[i] = (int)z[i];
    }
    for (int i = 0; i < 64; i++) {
        x[i] = (float)n[i] - x[i] / (y[i] + 1.0f);
    }
    for (int i = 0; i < 64; i++) {
        y[i] = x[i] < z[i] ? x[i] : z[i];
    }
    for (int i = 0; i < 32; i++) {
        u[i] = u[i] * 0.5 + (double)x[i];
        v[i] = v[i] > u[i] ? v[i] : u[i];
    }
    float fs = 0;
    double ds = 0;
    for (int i = 0; i < 64; i++) {
        fs += y[i] * z[i];
    }
    for (int i = 0; i < 32; i++) {
        ds += u[i] / (double)(i + 1);
    }
    u64 h = mixf(mixd(0, ds), fs);
    for (int i = 0; i < 64; i++) {
        h = mix(h, fbits(x[i]) ^ (u64)fbits(y[i]) << 32);
    }
    for (int i = 0; i < 32; i++) {
        h = mixd(h, v[i]);
    }
    return mix(h, d ^ e ^ f);
}

/* Sums, Kahan's compensated sum, and a harmonic series in both precisions. */
u64 fp_series(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    int n = (int)(a % 1500) + 1;
    double sum = 0, comp = 0, plain = 0, alt = 0;
    float fsum = 0;
    for (int k = 1; k <= n; k++) {
        double term = 1.0 / ((double)k * k);
        double y = term - comp, t = sum + y;
        comp = (t - sum) - y;
        sum = t;
        plain += term;
        alt += (k & 1 ? 4.0 : -4.0) / (2 * k - 1);
        fsum += 1.0f / (float)k;
    }
    u64 h = mixd(mixd(mixd(mixd(0, sum), plain), alt), comp);
    h = mixf(h, fsum);
    /* Newton's method for a cube root, until the iterates stop moving */
    double x = scaled(b, c), r = x < 0 ? -x : x;
    double g = r > 1 ? r / 3 : 1;
    for (int i = 0; i < 200 && r != 0; i++) {
        double next = g - (g * g * g - r) / (3 * g * g);
        if (next == g) {
            break;
        }
        g = next;
    }
    return mixd(h, g);
}

/* Gaussian elimination with partial pivoting on a 4x4 system from the arguments. */
u64 fp_linear_solve(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double m[4][5];
    u32 s = (u32)(a ^ (b << 7) ^ (c >> 3));
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 5; j++) {
            m[i][j] = (double)(s32)lcg(&s) / 1e6 + (i == j ? scaled(d, e) : 0);
        }
    }
    double det = 1;
    for (int col = 0; col < 4; col++) {
        int piv = col;
        for (int r = col + 1; r < 4; r++) {
            if (__builtin_fabs(m[r][col]) > __builtin_fabs(m[piv][col])) {
                piv = r;
            }
        }
        if (piv != col) {
            for (int j = 0; j < 5; j++) {
                double t = m[col][j];
                m[col][j] = m[piv][j];
                m[piv][j] = t;
            }
            det = -det;
        }
        det *= m[col][col];
        if (m[col][col] == 0) {
            continue;
        }
        for (int r = col + 1; r < 4; r++) {
            double factor = m[r][col] / m[col][col];
            for (int j = col; j < 5; j++) {
                m[r][j] -= factor * m[col][j];
            }
        }
    }
    double x[4];
    for (int i = 3; i >= 0; i--) {
        double acc = m[i][4];
        for (int j = i + 1; j < 4; j++) {
            acc -= m[i][j] * x[j];
        }
        x[i] = m[i][i] == 0 ? 0 : acc / m[i][i];
    }
    u64 h = mixd(0, det);
    for (int i = 0; i < 4; i++) {
        h = mixd(h, x[i]);
    }
    return mix(h, f);
}

/* Escape-time iterations of the Mandelbrot set: comparisons steering loops. */
u64 fp_mandelbrot(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    double cx0 = -2.0 + (double)(a % 1000) / 400.0, cy0 = -1.25 + (double)(b % 1000) / 400.0;
    u64 h = 0;
    for (int p = 0; p < 16; p++) {
        double cx = cx0 + (p & 3) * 0.01, cy = cy0 + (p >> 2) * 0.01, x = 0, y = 0;
        int it = 0;
        while (it < 300 && x * x + y * y <= 4.0) {
            double t = x * x - y * y + cx;
            y = 2 * x * y + cy;
            x = t;
            it++;
        }
        float fx = 0, fy = 0, fcx = (float)cx, fcy = (float)cy;
        int fit = 0;
        while (fit < 300 && fx * fx + fy * fy <= 4.0f) {
            float t = fx * fx - fy * fy + fcx;
            fy = 2 * fx * fy + fcy;
            fx = t;
            fit++;
        }
        h = mix(h, (u64)it << 32 | (u64)fit);
        h = mixd(h, x);
    }
    return h;
}

/* ------------------------------------------------------------------ packed, explicitly */

/* The packed instructions through GCC's vector extensions and SSE builtins. */
u64 fp_packed(u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
    v4sf x = {flt((u32)a), flt((u32)(a >> 32)), (float)scaled(c, d), flt((u32)e)};
    v4sf y = {flt((u32)b), flt((u32)(b >> 32)), flt((u32)(f >> 32)), (float)scaled(d, c)};
    v2df p = {dbl(a), scaled(e, f)}, q = {dbl(b), dbl(c)};
    v4sf r[16];
    v2df s[12];
    r[0] = x + y;
    r[1] = x - y;
    r[2] = x * y;
    r[3] = x / y;
    r[4] = __builtin_ia32_minps(x, y);
    r[5] = __builtin_ia32_maxps(x, y);
    r[6] = __builtin_ia32_sqrtps(x);
    r[7] = (v4sf)__builtin_ia32_cmpltps(x, y);
    r[8] = (v4sf)__builtin_ia32_cmpunordps(x, y);
    r[9] = (v4sf)__builtin_ia32_cmpnleps(x, y);
    r[10] = (v4sf)__builtin_ia32_cvtps2dq(x);
    r[11] = (v4sf)__builtin_ia32_cvttps2dq(y);
    r[12] = __builtin_ia32_cvtdq2ps((v4si){(int)a, (int)(a >> 32), (int)c, (int)d});
    r[13] = __builtin_ia32_cvtpd2ps(p);
    r[14] = __builtin_ia32_unpcklps(x, y);
    r[15] = __builtin_ia32_shufps(x, y, 0x4e);
    s[0] = p + q;
    s[1] = p * q;
    s[2] = p / q;
    s[3] = __builtin_ia32_minpd(p, q);
    s[4] = __builtin_ia32_maxpd(p, q);
    s[5] = __builtin_ia32_sqrtpd(p);
    s[6] = (v2df)__builtin_ia32_cmplepd(p, q);
    s[7] = __builtin_ia32_cvtps2pd(x);
    s[8] = (v2df)__builtin_ia32_cvtpd2dq(q);
    s[9] = (v2df)__builtin_ia32_cvttpd2dq(p);
    s[10] = __builtin_ia32_cvtdq2pd((v4si){(int)e, (int)f, 0, 0});
    s[11] = __builtin_ia32_shufpd(p, q, 1);
    u64 h = 0;
    for (int i = 0; i < 16; i++) {
        u64 w[2];
        memcpy(w, &r[i], 16);
        h = mix(mix(h, w[0]), w[1]);
    }
    for (int i = 0; i < 12; i++) {
        u64 w[2];
        memcpy(w, &s[i], 16);
        h = mix(mix(h, w[0]), w[1]);
    }
    h = mix(h, (u64)__builtin_ia32_movmskps(r[7]) << 8 | (u64)__builtin_ia32_movmskpd(s[6]));
    h = mix(h, (u64)__builtin_ia32_comisdlt(p, q) << 1 | (u64)__builtin_ia32_ucomisdeq(p, q));
    h = mix(h, (u64)__builtin_ia32_comige(x, y) << 1 | (u64)__builtin_ia32_ucomilt(x, y));
    return h;
}
