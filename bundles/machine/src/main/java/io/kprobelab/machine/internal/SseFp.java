package io.kprobelab.machine.internal;

/**
 * The IEEE 754 arithmetic of the SSE/SSE2 floating-point instructions, one lane at a time, bit
 * for bit as x86 computes it: MXCSR rounding control, DAZ and FTZ, and the six exception flags
 * (SDM Vol. 1 §4.8-4.9, §10.2.3, §11.5; the Vol. 2 pages of each instruction).
 *
 * <p>Each lane function takes the bits of its operands ({@code a} is the first source, which
 * for legacy SSE is the destination) and returns the bits of its result; it ORs the exceptions it
 * detected into {@link Cpu#fpx}, and the op decides from them, once every lane is done, whether
 * to write its results or raise #XM ({@link SseFpOps#commit}). Exceptions follow the priority
 * of SDM Vol. 1 §4.9.2 per lane: SNaN operand (IE), QNaN operand, other invalid operations (IE)
 * and divide-by-zero (ZE), denormal operand (DE); then the post-computation ones, overflow (OE)
 * and underflow (UE) with inexact (PE), which the rounding sets ({@link #round}). Pre- and
 * post-computation flags sit in separate bits (2:0 and 5:3), which is what
 * {@link SseFpOps#commit} needs to apply §11.5.3.2.
 *
 * <p>Java computes in round-to-nearest only and sets no flags, so the common case (operands
 * zero or normal, a normal result) runs on Java's own arithmetic and knows the exact result's
 * side of it from an error-free transformation (TwoSum, or the FMA residual {@code Math.fma}):
 * that gives the inexact flag and, in double precision, the directed roundings (one ulp away
 * or not). Everything else (denormals, tiny results, overflow, NaN and infinities, and single
 * precision in a directed mode) goes through an exact integer model: the exact result as a
 * significand, an exponent and a sticky bit, rounded by {@link #round}. Single precision is computed in double, whose 53 bits
 * hold every single product exactly and whose rounding error is exactly known for the other
 * operations, then rounded once to single.
 *
 * <p>NaNs (SDM Vol. 1 Table 4-7, SSE column): the first operand that is a NaN is the result,
 * quieted; an SNaN operand also raises IE. An invalid operation without NaN operands returns
 * the default QNaN, {@link #NAN32} or {@link #NAN64}. MINSS/MAXSS and friends are the
 * exception: they return the second operand on any NaN, unquieted.
 */
final class SseFp {

    private SseFp() {
    }

    // MXCSR (SDM Vol. 1 Figure 10-3)
    static final int IE = 0x1, DE = 0x2, ZE = 0x4, OE = 0x8, UE = 0x10, PE = 0x20, DAZ = 0x40,
            OM = 0x400, UM = 0x800, RC = 0x6000, FTZ = 0x8000;
    /** MXCSR.RC values (SDM Vol. 1 Table 4-8). */
    static final int RN = 0, RD = 1, RU = 2, RZ = 3;

    static final int SIGN32 = 0x80000000, QUIET32 = 0x00400000, INF32 = 0x7f800000, FRAC32 = 0x007fffff;
    static final long SIGN64 = Long.MIN_VALUE, QUIET64 = 0x0008000000000000L, INF64 = 0x7ff0000000000000L,
            FRAC64 = 0x000fffffffffffffL;
    /** The QNaN floating-point indefinite (SDM Vol. 1 Table 4-3). */
    static final int NAN32 = 0xffc00000;
    static final long NAN64 = 0xfff8000000000000L;
    /** The integer indefinite a failed conversion to a 32- or 64-bit integer returns. */
    static final long INDEFINITE32 = 0x80000000L, INDEFINITE64 = Long.MIN_VALUE;

    /** Operations sharing the arithmetic paths. */
    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, SQRT = 4;

    // ------------------------------------------------------------------ classification

    static boolean isNaN32(int a) {
        return (a & 0x7fffffff) > INF32;
    }

    static boolean isSNaN32(int a) {
        return isNaN32(a) && (a & QUIET32) == 0;
    }

    static boolean isInf32(int a) {
        return (a & 0x7fffffff) == INF32;
    }

    static boolean isDenormal32(int a) {
        return (a & INF32) == 0 && (a & FRAC32) != 0;
    }

    /** Zero or normal: what Java's arithmetic handles as the SSE unit does, without help. */
    static boolean plain32(int a) {
        int m = a & 0x7fffffff;
        return m == 0 || (m >= 0x00800000 && m < INF32);
    }

    static boolean isNaN64(long a) {
        return (a & Long.MAX_VALUE) > INF64;
    }

    static boolean isSNaN64(long a) {
        return isNaN64(a) && (a & QUIET64) == 0;
    }

    static boolean isInf64(long a) {
        return (a & Long.MAX_VALUE) == INF64;
    }

    static boolean isDenormal64(long a) {
        return (a & INF64) == 0 && (a & FRAC64) != 0;
    }

    static boolean plain64(long a) {
        long m = a & Long.MAX_VALUE;
        return m == 0 || (m >= 0x0010000000000000L && m < INF64);
    }

    /** DAZ: a denormal operand becomes a zero of its sign (SDM Vol. 1 §10.2.3.4). */
    static int daz32(int a) {
        return isDenormal32(a) ? a & SIGN32 : a;
    }

    static long daz64(long a) {
        return isDenormal64(a) ? a & SIGN64 : a;
    }

    private static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static float f(int bits) {
        return Float.intBitsToFloat(bits);
    }

    private static int bits(float v) {
        return Float.floatToRawIntBits(v);
    }

    private static boolean nearest(Cpu c) {
        return (c.mxcsr & RC) == 0;
    }

    /**
     * {@code s}, the round-to-nearest result of an inexact operation whose exact value is
     * {@code s + err} (|err| at most half an ulp), rounded instead by the directed mode
     * {@code rc}: only the sign of {@code err} matters.
     */
    private static double directed(double s, double err, int rc) {
        switch (rc) {
            case RD: return err < 0 ? Math.nextDown(s) : s;
            case RU: return err > 0 ? Math.nextUp(s) : s;
            default: return (err < 0) == (s > 0) ? (s > 0 ? Math.nextDown(s) : Math.nextUp(s)) : s; // RZ
        }
    }

    /** A double result the fast paths may return: normal, above the smallest normal (tininess is after rounding). */
    private static boolean safe64(double r) {
        double m = Math.abs(r);
        return m > Double.MIN_NORMAL && m <= Double.MAX_VALUE;
    }

    /**
     * Ends a double fast path: {@code s} (round to nearest) with the error of the exact result,
     * rounded by MXCSR.RC; NaN when the directed rounding leaves the normal range (the exact
     * path takes over).
     */
    private static double finish64(Cpu c, double s, double err) {
        if (err == 0) {
            return s;
        }
        int rc = (c.mxcsr & RC) >> 13;
        if (rc != RN) {
            s = directed(s, err, rc);
            if (!safe64(s)) {
                return Double.NaN;
            }
        }
        c.fpx |= PE;
        return s;
    }

    /** The error of {@code s = x + y} (TwoSum, exact when nothing overflows): x + y = s + err. */
    private static double sumError(double x, double y, double s) {
        double t = s - x;
        return (x - (s - t)) + (y - t);
    }

    // ------------------------------------------------------------------ rounding

    /**
     * Rounds {@code ±(sig + frac) × 2^exp} to single or double precision by MXCSR, where
     * {@code sig > 0} (taken as unsigned) and {@code frac}, in [0, 1), is nonzero exactly when
     * {@code sticky}; sets OE, UE and PE as SDM Vol. 1 §11.5.2.4-§11.5.2.6 say. Tininess is
     * detected after rounding (the result rounded to full precision with an unbounded exponent
     * is below the smallest normal); masked, underflow is flagged only when the denormalised
     * result is inexact, or the result flushed to zero by FTZ; unmasked, whenever the result is
     * tiny. Unmasked overflow and underflow flag PE when the full-precision rounding is inexact.
     * (An unmasked exception's result is never written, so what is returned then is unused.)
     */
    static long round(Cpu c, boolean single, boolean neg, long sig, int exp, boolean sticky) {
        int p = single ? 24 : 53, emin = single ? -126 : -1022, emax = single ? 127 : 1023;
        long signBit = neg ? (single ? 0x80000000L : SIGN64) : 0;
        int lz = Long.numberOfLeadingZeros(sig);
        if (lz == 0) {
            sticky |= (sig & 1) != 0;
            sig >>>= 1;
            exp++;
        } else {
            sig <<= lz - 1;
            exp -= lz - 1;
        }
        // sig has its top bit at 62: the value is in [2^e, 2^(e+1))
        int e = exp + 62;
        int mx = c.mxcsr, rc = (mx & RC) >> 13;
        int shift = 63 - p;
        boolean inexact = sticky || (sig & ((1L << shift) - 1)) != 0;
        long kept = roundBits(sig, shift, sticky, rc, neg);
        int er = e + (int) (kept >>> p);
        if (er > emax) {
            if ((mx & OM) == 0) {
                c.fpx |= OE | (inexact ? PE : 0);
                return 0;
            }
            c.fpx |= OE | PE;
            boolean toInfinity = rc == RN || rc == (neg ? RD : RU);
            long inf = single ? INF32 : INF64;
            return signBit | (toInfinity ? inf : inf - 1);
        }
        if (er < emin) {
            if ((mx & UM) == 0) {
                c.fpx |= UE | (inexact ? PE : 0);
                return 0;
            }
            if ((mx & FTZ) != 0) {
                c.fpx |= UE | PE;
                return signBit;
            }
            int shiftD = shift + (emin - e);
            long keptD;
            boolean inexactD;
            if (shiftD > 63) {
                keptD = rc == (neg ? RD : RU) ? 1 : 0; // below half the smallest denormal
                inexactD = true;
            } else {
                keptD = roundBits(sig, shiftD, sticky, rc, neg);
                inexactD = sticky || (sig & ((1L << shiftD) - 1)) != 0;
            }
            if (inexactD) {
                c.fpx |= UE | PE;
            }
            return signBit | keptD; // a carry into the hidden bit makes it the smallest normal
        }
        if (inexact) {
            c.fpx |= PE;
        }
        int bias = single ? 127 : 1023;
        // the hidden bit of kept (or its carry) adds to the exponent field
        return signBit | (((long) (e + bias - 1) << (p - 1)) + kept);
    }

    /** {@code sig >>> shift} rounded by {@code rc}; {@code shift} in [1, 63]. */
    private static long roundBits(long sig, int shift, boolean sticky, int rc, boolean neg) {
        long kept = sig >>> shift;
        long rest = sig & ((1L << shift) - 1);
        if (rest == 0 && !sticky) {
            return kept;
        }
        switch (rc) {
            case RN: {
                long half = 1L << (shift - 1);
                return rest > half || (rest == half && (sticky || (kept & 1) != 0)) ? kept + 1 : kept;
            }
            case RD: return neg ? kept + 1 : kept;
            case RU: return neg ? kept : kept + 1;
            default: return kept;
        }
    }

    /**
     * Rounds the exact value {@code s + err} to single precision, where {@code s} is a normal
     * double and {@code dir} has the sign of {@code err} (|err| at most half an ulp of s). The
     * exact value lies strictly between two consecutive multiples of s's ulp, so their lower one
     * with a sticky bit is exact enough for any rounding to 24 bits.
     */
    private static int roundToSingle(Cpu c, double s, double dir) {
        long b = bits(s);
        boolean neg = b < 0;
        long sig = (b & FRAC64) | (1L << 52);
        int exp = (int) (b >>> 52 & 0x7ff) - 1075;
        if (dir != 0 && (dir < 0) != neg) {
            sig--; // the exact magnitude is below |s|
        }
        return (int) round(c, true, neg, sig, exp, dir != 0);
    }

    /** The significand of a finite double: its fraction with the hidden bit unless denormal. */
    private static long sig64(long a) {
        long f = a & FRAC64;
        return (a & INF64) == 0 ? f : f | (1L << 52);
    }

    /** The exponent of {@link #sig64}'s lowest bit. */
    private static int exp64(long a) {
        int e = (int) (a >>> 52) & 0x7ff;
        return (e == 0 ? 1 : e) - 1075;
    }

    // ------------------------------------------------------------------ special operands

    private static int nan32(Cpu c, int a, int b, boolean nanA) {
        if (isSNaN32(a) || isSNaN32(b)) {
            c.fpx |= IE;
        }
        return (nanA ? a : b) | QUIET32;
    }

    private static long nan64(Cpu c, long a, long b, boolean nanA) {
        if (isSNaN64(a) || isSNaN64(b)) {
            c.fpx |= IE;
        }
        return (nanA ? a : b) | QUIET64;
    }

    /** The sign of an exact zero sum of operands of signs a and b (SDM Vol. 1 §4.8.3.4 sign rules). */
    private static boolean zeroSumNegative(boolean negA, boolean negB, Cpu c) {
        return negA == negB ? negA : (c.mxcsr & RC) >> 13 == RD;
    }

    // ------------------------------------------------------------------ single precision arithmetic

    static int add32(Cpu c, int a, int b) {
        if (plain32(a) && plain32(b) && nearest(c)) {
            double x = f(a), y = f(b), s = x + y;
            float r = (float) s;
            if (s == 0 || normal32(r)) {
                if ((double) r != s || sumError(x, y, s) != 0) {
                    c.fpx |= PE;
                }
                return bits(r);
            }
        }
        return slow32(c, ADD, a, b);
    }

    static int sub32(Cpu c, int a, int b) {
        if (plain32(a) && plain32(b) && nearest(c)) {
            double x = f(a), y = -f(b), s = x + y;
            float r = (float) s;
            if (s == 0 || normal32(r)) {
                if ((double) r != s || sumError(x, y, s) != 0) {
                    c.fpx |= PE;
                }
                return bits(r);
            }
        }
        return slow32(c, SUB, a, b);
    }

    static int mul32(Cpu c, int a, int b) {
        if (plain32(a) && plain32(b) && nearest(c)) {
            double s = (double) f(a) * f(b); // exact: 24 + 24 bits
            float r = (float) s;
            if (s == 0 || normal32(r)) {
                if ((double) r != s) {
                    c.fpx |= PE;
                }
                return bits(r);
            }
        }
        return slow32(c, MUL, a, b);
    }

    static int div32(Cpu c, int a, int b) {
        if (plain32(a) && plain32(b) && (b & 0x7fffffff) != 0 && nearest(c)) {
            double x = f(a), y = f(b);
            float r = (float) (x / y); // double rounding is harmless at 53 >= 2 * 24 + 2 bits
            if (x == 0 || normal32(r)) {
                if ((double) r * y != x) { // the product is exact
                    c.fpx |= PE;
                }
                return bits(r);
            }
        }
        return slow32(c, DIV, a, b);
    }

    /** SQRTSS/SQRTPS: the square root of {@code b} ({@code a} is unused). */
    static int sqrt32(Cpu c, int a, int b) {
        if (b >= 0 && plain32(b) && nearest(c)) {
            double y = f(b);
            float r = (float) Math.sqrt(y);
            if ((double) r * r != y) {
                c.fpx |= PE;
            }
            return bits(r);
        }
        return slow32(c, SQRT, 0, b);
    }

    /**
     * True for a normal result above the smallest normal, which the fast paths may return: a
     * result rounded up to the smallest normal may still be tiny, and signal underflow.
     */
    private static boolean normal32(float r) {
        int m = bits(r) & 0x7fffffff;
        return m > 0x00800000 && m < INF32;
    }

    /** Everything the fast paths leave: special operands, directed rounding, tiny or huge results. */
    private static int slow32(Cpu c, int op, int a, int b) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz32(a);
            b = daz32(b);
        }
        boolean nanA = op != SQRT && isNaN32(a);
        if (nanA || isNaN32(b)) {
            return nan32(c, op == SQRT ? b : a, b, nanA);
        }
        if (op == SUB) {
            b ^= SIGN32;
        }
        boolean infA = isInf32(a), infB = isInf32(b);
        boolean zeroA = (a & 0x7fffffff) == 0, zeroB = (b & 0x7fffffff) == 0;
        int sign = (a ^ b) & SIGN32;
        switch (op) {
            case ADD: case SUB:
                if (infA && infB && sign != 0) {
                    return invalid32(c);
                }
                break;
            case MUL:
                if (infA && zeroB || zeroA && infB) {
                    return invalid32(c);
                }
                break;
            case DIV:
                if (infA && infB || zeroA && zeroB) {
                    return invalid32(c);
                }
                if (zeroB && !infA) {
                    c.fpx |= ZE;
                    return sign | INF32;
                }
                break;
            default:
                if (b < 0 && !zeroB) {
                    return invalid32(c);
                }
        }
        if (op != SQRT && isDenormal32(a) || isDenormal32(b)) {
            c.fpx |= DE;
        }
        double x = f(a), y = f(b), s, dir;
        switch (op) {
            case ADD: case SUB:
                if (infA || infB) {
                    return infA ? a : b;
                }
                s = x + y;
                if (s == 0) {
                    return zeroSumNegative(a < 0, b < 0, c) ? SIGN32 : 0;
                }
                dir = sumError(x, y, s);
                break;
            case MUL:
                if (infA || infB) {
                    return sign | INF32;
                }
                if (zeroA || zeroB) {
                    return sign;
                }
                s = x * y;
                dir = 0;
                break;
            case DIV:
                if (infA) {
                    return sign | INF32;
                }
                if (infB || zeroA) {
                    return sign;
                }
                s = x / y;
                dir = Math.fma(-s, y, x) * y; // the exact quotient minus s, times y^2
                break;
            default:
                if (infB || zeroB) {
                    return b;
                }
                s = Math.sqrt(y);
                dir = Math.fma(-s, s, y);
        }
        return roundToSingle(c, s, dir);
    }

    private static int invalid32(Cpu c) {
        c.fpx |= IE;
        return NAN32;
    }

    // ------------------------------------------------------------------ double precision arithmetic

    // The double fast paths: operands zero or normal, a result above the smallest normal, in any
    // rounding mode (finish64); an exact zero sum only in round to nearest, where Java's sign is
    // right. The error terms are exact there: TwoSum always, the FMA residuals of a product, a
    // quotient or a root while the result is far enough above the bottom of the range.

    static long add64(Cpu c, long a, long b) {
        if (plain64(a) && plain64(b)) {
            double x = d(a), y = d(b), s = x + y;
            double r = safe64(s) ? finish64(c, s, sumError(x, y, s)) : s == 0 && nearest(c) ? s : Double.NaN;
            if (r == r) {
                return bits(r);
            }
        }
        return slow64(c, ADD, a, b);
    }

    static long sub64(Cpu c, long a, long b) {
        if (plain64(a) && plain64(b)) {
            double x = d(a), y = -d(b), s = x + y;
            double r = safe64(s) ? finish64(c, s, sumError(x, y, s)) : s == 0 && nearest(c) ? s : Double.NaN;
            if (r == r) {
                return bits(r);
            }
        }
        return slow64(c, SUB, a, b);
    }

    static long mul64(Cpu c, long a, long b) {
        if (plain64(a) && plain64(b)) {
            double x = d(a), y = d(b), p = x * y, m = Math.abs(p);
            if (m >= 0x1p-960 && m <= Double.MAX_VALUE) {
                double r = finish64(c, p, Math.fma(x, y, -p));
                if (r == r) {
                    return bits(r);
                }
            } else if (x == 0 || y == 0) {
                return bits(p);
            }
        }
        return slow64(c, MUL, a, b);
    }

    static long div64(Cpu c, long a, long b) {
        if (plain64(a) && plain64(b) && (b & Long.MAX_VALUE) != 0) {
            double x = d(a), y = d(b), q = x / y;
            if (x == 0) {
                return bits(q);
            }
            if (safe64(q) && Math.abs(x) >= 0x1p-960) {
                double rem = Math.fma(-q, y, x); // x - q * y: the exact quotient is q + rem / y
                double r = finish64(c, q, y < 0 ? -rem : rem);
                if (r == r) {
                    return bits(r);
                }
            }
        }
        return slow64(c, DIV, a, b);
    }

    static long sqrt64(Cpu c, long a, long b) {
        if (plain64(b) && (b >= 0 || b == SIGN64)) {
            double y = d(b), s = Math.sqrt(y);
            if (y == 0) {
                return b;
            }
            if (y >= 0x1p-960) {
                double r = finish64(c, s, Math.fma(-s, s, y));
                if (r == r) {
                    return bits(r);
                }
            }
        }
        return slow64(c, SQRT, 0, b);
    }

    private static long slow64(Cpu c, int op, long a, long b) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz64(a);
            b = daz64(b);
        }
        boolean nanA = op != SQRT && isNaN64(a);
        if (nanA || isNaN64(b)) {
            return nan64(c, op == SQRT ? b : a, b, nanA);
        }
        if (op == SUB) {
            b ^= SIGN64;
        }
        boolean infA = isInf64(a), infB = isInf64(b);
        boolean zeroA = (a & Long.MAX_VALUE) == 0, zeroB = (b & Long.MAX_VALUE) == 0;
        long sign = (a ^ b) & SIGN64;
        switch (op) {
            case ADD: case SUB:
                if (infA && infB && sign != 0) {
                    return invalid64(c);
                }
                break;
            case MUL:
                if (infA && zeroB || zeroA && infB) {
                    return invalid64(c);
                }
                break;
            case DIV:
                if (infA && infB || zeroA && zeroB) {
                    return invalid64(c);
                }
                if (zeroB && !infA) {
                    c.fpx |= ZE;
                    return sign | INF64;
                }
                break;
            default:
                if (b < 0 && !zeroB) {
                    return invalid64(c);
                }
        }
        if (op != SQRT && isDenormal64(a) || isDenormal64(b)) {
            c.fpx |= DE;
        }
        switch (op) {
            case ADD: case SUB:
                if (infA || infB) {
                    return infA ? a : b;
                }
                return addExact64(c, a, b);
            case MUL: {
                if (infA || infB) {
                    return sign | INF64;
                }
                if (zeroA || zeroB) {
                    return sign;
                }
                long sa = sig64(a), sb = sig64(b);
                long hi = Math.multiplyHigh(sa, sb), lo = sa * sb; // both below 2^53: hi < 2^42
                int exp = exp64(a) + exp64(b);
                if (hi == 0) {
                    return round(c, false, sign != 0, lo, exp, false);
                }
                int sh = 65 - Long.numberOfLeadingZeros(hi); // keep 63 bits
                long sig = hi << (64 - sh) | lo >>> sh;
                return round(c, false, sign != 0, sig, exp + sh, (lo & ((1L << sh) - 1)) != 0);
            }
            case DIV: {
                if (infA) {
                    return sign | INF64;
                }
                if (infB || zeroA) {
                    return sign;
                }
                long sa = sig64(a), sb = sig64(b);
                int la = Long.numberOfLeadingZeros(sa) - 11, lb = Long.numberOfLeadingZeros(sb) - 11;
                sa <<= la;
                sb <<= lb;
                // long division: q = floor(sa * 2^62 / sb), both significands in [2^52, 2^53)
                long rem = sa, q = 0;
                for (int i = 0; i < 63; i++) {
                    q <<= 1;
                    if (rem >= sb) {
                        rem -= sb;
                        q |= 1;
                    }
                    rem <<= 1;
                }
                int exp = (exp64(a) - la) - (exp64(b) - lb) - 62;
                return round(c, false, sign != 0, q, exp, rem != 0);
            }
            default: {
                if (infB || zeroB) {
                    return b;
                }
                // scale into [1, 4) by an even power of two, where the FMA residual is exact
                long sb = sig64(b);
                int lb = Long.numberOfLeadingZeros(sb) - 11;
                sb <<= lb;
                int e = exp64(b) - lb + 52; // b = (sb / 2^52) * 2^e
                double m = sb * 0x1p-52;
                if ((e & 1) != 0) {
                    m *= 2;
                    e--;
                }
                double s = Math.sqrt(m), r = Math.fma(-s, s, m);
                if (r != 0) {
                    c.fpx |= PE;
                    int rc = (c.mxcsr & RC) >> 13;
                    if (rc == RU && r > 0) {
                        s = Math.nextUp(s);
                    } else if ((rc == RD || rc == RZ) && r < 0) {
                        s = Math.nextDown(s);
                    }
                }
                return bits(Math.scalb(s, e >> 1)); // exact: the root of a double is normal
            }
        }
    }

    /** The sum of two finite doubles, exactly, rounded once. */
    private static long addExact64(Cpu c, long a, long b) {
        long sa = sig64(a), sb = sig64(b);
        int ea = exp64(a), eb = exp64(b);
        if (sa == 0 && sb == 0) {
            return zeroSumNegative(a < 0, b < 0, c) ? SIGN64 : 0;
        }
        if (sa == 0) {
            return round(c, false, b < 0, sb, eb, false);
        }
        if (sb == 0) {
            return round(c, false, a < 0, sa, ea, false);
        }
        // top bits at 61, the larger magnitude first
        int la = Long.numberOfLeadingZeros(sa) - 2, lb = Long.numberOfLeadingZeros(sb) - 2;
        sa <<= la;
        ea -= la;
        sb <<= lb;
        eb -= lb;
        boolean negA = a < 0, negB = b < 0;
        if (ea < eb || ea == eb && sa < sb) {
            long t = sa;
            sa = sb;
            sb = t;
            int te = ea;
            ea = eb;
            eb = te;
            boolean tn = negA;
            negA = negB;
            negB = tn;
        }
        int dist = ea - eb;
        boolean sticky = false;
        if (dist >= 63) {
            sticky = true;
            sb = 0;
        } else if (dist > 0) {
            sticky = (sb & ((1L << dist) - 1)) != 0;
            sb >>>= dist;
        }
        long s;
        if (negA == negB) {
            s = sa + sb;
        } else {
            // subtracting b's truncated part as well: exact - s is then in (0, 1), the sticky bit
            s = sa - sb - (sticky ? 1 : 0);
            if (s == 0 && !sticky) {
                return zeroSumNegative(false, true, c) ? SIGN64 : 0;
            }
        }
        return round(c, false, negA, s, ea, sticky);
    }

    private static long invalid64(Cpu c) {
        c.fpx |= IE;
        return NAN64;
    }

    // ------------------------------------------------------------------ MIN, MAX, comparisons

    /**
     * MINSS/MINPS: {@code a < b ? a : b}, so equal operands (±0 included) give the second; a NaN
     * in either gives the second operand as it is, with IE even for a QNaN (SDM Vol. 2B MINPS).
     */
    static int min32(Cpu c, int a, int b) {
        return minMax32(c, a, b, false);
    }

    static int max32(Cpu c, int a, int b) {
        return minMax32(c, a, b, true);
    }

    private static int minMax32(Cpu c, int a, int b, boolean max) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz32(a);
            b = daz32(b);
        }
        if (isNaN32(a) || isNaN32(b)) {
            c.fpx |= IE;
            return b;
        }
        if (isDenormal32(a) || isDenormal32(b)) {
            c.fpx |= DE;
        }
        float x = f(a), y = f(b);
        return (max ? x > y : x < y) ? a : b;
    }

    static long min64(Cpu c, long a, long b) {
        return minMax64(c, a, b, false);
    }

    static long max64(Cpu c, long a, long b) {
        return minMax64(c, a, b, true);
    }

    private static long minMax64(Cpu c, long a, long b, boolean max) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz64(a);
            b = daz64(b);
        }
        if (isNaN64(a) || isNaN64(b)) {
            c.fpx |= IE;
            return b;
        }
        if (isDenormal64(a) || isDenormal64(b)) {
            c.fpx |= DE;
        }
        double x = d(a), y = d(b);
        return (max ? x > y : x < y) ? a : b;
    }

    /**
     * CMPSS/CMPPS with predicate imm8[2:0] (SDM Vol. 2A CMPPS, Table 3-1): all ones when it
     * holds. An SNaN operand raises IE, and so does a QNaN for the signalling predicates LT, LE,
     * NLT and NLE.
     */
    static int cmp32(Cpu c, int a, int b, int predicate) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz32(a);
            b = daz32(b);
        }
        boolean unordered = isNaN32(a) || isNaN32(b);
        if (unordered) {
            if (isSNaN32(a) || isSNaN32(b) || signalling(predicate)) {
                c.fpx |= IE;
            }
        } else if (isDenormal32(a) || isDenormal32(b)) {
            c.fpx |= DE;
        }
        return holds(predicate, unordered, f(a), f(b)) ? -1 : 0;
    }

    static long cmp64(Cpu c, long a, long b, int predicate) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz64(a);
            b = daz64(b);
        }
        boolean unordered = isNaN64(a) || isNaN64(b);
        if (unordered) {
            if (isSNaN64(a) || isSNaN64(b) || signalling(predicate)) {
                c.fpx |= IE;
            }
        } else if (isDenormal64(a) || isDenormal64(b)) {
            c.fpx |= DE;
        }
        return holds(predicate, unordered, d(a), d(b)) ? -1L : 0;
    }

    private static boolean signalling(int predicate) {
        int p = predicate & 3;
        return p == 1 || p == 2;
    }

    private static boolean holds(int predicate, boolean unordered, double x, double y) {
        switch (predicate & 7) {
            case 0: return !unordered && x == y;     // EQ
            case 1: return !unordered && x < y;      // LT
            case 2: return !unordered && x <= y;     // LE
            case 3: return unordered;                // UNORD
            case 4: return unordered || x != y;      // NEQ
            case 5: return unordered || !(x < y);    // NLT
            case 6: return unordered || !(x <= y);   // NLE
            default: return !unordered;              // ORD
        }
    }

    /**
     * COMISS/UCOMISS: ZF, PF, CF as 111 unordered, 000 greater, 001 less, 100 equal (OF, SF and
     * AF cleared by the caller). COMISS raises IE for any NaN, UCOMISS only for an SNaN.
     */
    static long comis32(Cpu c, int a, int b, boolean signalling) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz32(a);
            b = daz32(b);
        }
        if (isNaN32(a) || isNaN32(b)) {
            if (signalling || isSNaN32(a) || isSNaN32(b)) {
                c.fpx |= IE;
            }
            return Cpu.ZF | Cpu.PF | Cpu.CF;
        }
        if (isDenormal32(a) || isDenormal32(b)) {
            c.fpx |= DE;
        }
        float x = f(a), y = f(b);
        return x == y ? Cpu.ZF : x < y ? Cpu.CF : 0;
    }

    static long comis64(Cpu c, long a, long b, boolean signalling) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz64(a);
            b = daz64(b);
        }
        if (isNaN64(a) || isNaN64(b)) {
            if (signalling || isSNaN64(a) || isSNaN64(b)) {
                c.fpx |= IE;
            }
            return Cpu.ZF | Cpu.PF | Cpu.CF;
        }
        if (isDenormal64(a) || isDenormal64(b)) {
            c.fpx |= DE;
        }
        double x = d(a), y = d(b);
        return x == y ? Cpu.ZF : x < y ? Cpu.CF : 0;
    }

    // ------------------------------------------------------------------ conversions

    /** CVTSI2SS, CVTDQ2PS: a signed integer to single precision (PE when inexact). */
    static int fromInt32(Cpu c, long v) {
        if (v >= -(1L << 24) && v <= 1L << 24) {
            return bits((float) v);
        }
        boolean neg = v < 0;
        return (int) round(c, true, neg, neg ? -v : v, 0, false);
    }

    /** CVTSI2SD, CVTDQ2PD: a signed integer to double precision. */
    static long fromInt64(Cpu c, long v) {
        if (v >= -(1L << 53) && v <= 1L << 53) {
            return bits((double) v);
        }
        boolean neg = v < 0;
        return round(c, false, neg, neg ? -v : v, 0, false);
    }

    /**
     * CVTSS2SI, CVTTSS2SI, CVTPS2DQ, CVTTPS2DQ: single precision to a 32- or 64-bit integer,
     * rounded by MXCSR.RC or truncated. NaN and results out of range give the integer indefinite
     * with IE; an inexact result raises PE. No denormal-operand exception (Vol. 2A CVTSS2SI);
     * DAZ still makes denormals zero.
     */
    static long toInt32(Cpu c, int a, boolean wide, boolean truncate) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz32(a);
        }
        if (isNaN32(a)) {
            c.fpx |= IE;
            return wide ? INDEFINITE64 : INDEFINITE32;
        }
        return toInt(c, f(a), wide, truncate);
    }

    /** CVTSD2SI, CVTTSD2SI, CVTPD2DQ, CVTTPD2DQ. */
    static long toInt64(Cpu c, long a, boolean wide, boolean truncate) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz64(a);
        }
        if (isNaN64(a)) {
            c.fpx |= IE;
            return wide ? INDEFINITE64 : INDEFINITE32;
        }
        return toInt(c, d(a), wide, truncate);
    }

    /** The integer of {@code x} (not NaN) as the low 32 or all 64 bits. */
    private static long toInt(Cpu c, double x, boolean wide, boolean truncate) {
        int rc = truncate ? RZ : (c.mxcsr & RC) >> 13;
        double r;
        switch (rc) {
            case RN: r = Math.rint(x); break;
            case RD: r = Math.floor(x); break;
            case RU: r = Math.ceil(x); break;
            default: r = x < 0 ? Math.ceil(x) : Math.floor(x);
        }
        boolean inRange = wide ? r >= -0x1p63 && r < 0x1p63 : r >= -0x1p31 && r < 0x1p31;
        if (!inRange) {
            c.fpx |= IE;
            return wide ? INDEFINITE64 : INDEFINITE32;
        }
        if (r != x) {
            c.fpx |= PE;
        }
        return wide ? (long) r : (long) (int) r & 0xffffffffL;
    }

    /** CVTSS2SD, CVTPS2PD: exact, but for SNaN (IE, quieted) and denormal operands (DE). */
    static long widen(Cpu c, int a) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz32(a);
        }
        if (isNaN32(a)) {
            if (isSNaN32(a)) {
                c.fpx |= IE;
            }
            return (long) (a & SIGN32) << 32 | 0x7ff8000000000000L | (long) (a & FRAC32) << 29;
        }
        if (isDenormal32(a)) {
            c.fpx |= DE;
        }
        return bits((double) f(a));
    }

    /** CVTSD2SS, CVTPD2PS: rounded by MXCSR, with every exception but ZE. */
    static int narrow(Cpu c, long a) {
        if ((c.mxcsr & DAZ) != 0) {
            a = daz64(a);
        }
        if (isNaN64(a)) {
            if (isSNaN64(a)) {
                c.fpx |= IE;
            }
            return (int) (a >>> 32) & SIGN32 | 0x7fc00000 | (int) ((a & FRAC64) >>> 29);
        }
        if (isInf64(a) || (a & Long.MAX_VALUE) == 0) {
            return (int) (a >>> 32) & SIGN32 | (isInf64(a) ? INF32 : 0);
        }
        if (plain64(a) && nearest(c)) {
            double x = d(a);
            float r = (float) x;
            if (normal32(r)) {
                if ((double) r != x) {
                    c.fpx |= PE;
                }
                return bits(r);
            }
        }
        if (isDenormal64(a)) {
            c.fpx |= DE;
        }
        return (int) round(c, true, a < 0, sig64(a), exp64(a), false);
    }

    // ------------------------------------------------------------------ approximations

    /**
     * RCPSS/RCPPS: 1/b from {@link Reciprocals}' table (AMD's 12-bit results); no exception,
     * MXCSR has no effect. A zero or denormal operand gives an infinity of its sign, an infinity
     * zero, a tiny result zero, a NaN the NaN quieted (SDM Vol. 2B RCPSS).
     */
    static int rcp32(Cpu c, int a, int b) {
        int sign = b & SIGN32, e = (b >>> 23) & 0xff;
        if (e == 0xff) {
            return (b & FRAC32) != 0 ? b | QUIET32 : sign;
        }
        if (e == 0) {
            return sign | INF32;
        }
        // 1/(1.f * 2^(e-127)) = (table value in [0.5, 1)) * 2^(127-e): exponent field 126 + 127 - e
        int field = 253 - e;
        if (field <= 0) {
            return sign; // tiny results are flushed to zero
        }
        return sign | field << 23 | Reciprocals.rcp(b >>> 11 & 0xfff) << 11;
    }

    /**
     * RSQRTSS/RSQRTPS: 1/sqrt(b) from {@link Reciprocals}' table; no exception. ±0 and denormals
     * give an infinity of their sign, +inf zero, a negative operand the default NaN.
     */
    static int rsqrt32(Cpu c, int a, int b) {
        int sign = b & SIGN32, e = (b >>> 23) & 0xff;
        if (e == 0xff) {
            return (b & FRAC32) != 0 ? b | QUIET32 : sign == 0 ? 0 : NAN32;
        }
        if (e == 0) {
            return sign | INF32;
        }
        if (sign != 0) {
            return NAN32;
        }
        // x = 1.f * 2^E; with E even the table covers [1, 2) (results in (2^-1/2, 1]), with E odd
        // [0.5, 1) (results in (1, 2^1/2)); the result's exponent drops by half of E (rounded up)
        int unbiased = e - 127, odd = unbiased & 1;
        int entry = Reciprocals.rsqrt(odd << 12 | (b >>> 11 & 0xfff));
        return (126 + odd - ((unbiased + odd) >> 1)) << 23 | entry << 11;
    }
}
