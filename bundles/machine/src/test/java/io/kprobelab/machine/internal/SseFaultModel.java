package io.kprobelab.machine.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Whether one SSE/SSE2 floating-point instruction raises an exception that MXCSR leaves
 * unmasked, predicted from the SDM's rules with exact decimal arithmetic (BigDecimal), apart
 * from the emulator's own model ({@link SseFp}): the differential tests say by it which of their
 * cases are meant to fault ({@link NativeOracle.Case#mustFault}), so that a case compared only
 * up to a #XM is one that was written to raise it.
 *
 * <p>Per lane: an SNaN operand, an invalid operation, a QNaN where the instruction signals on
 * one, raise IE; a finite dividend over zero ZE; a denormal operand (DAZ clear) DE. Then the
 * result, exact as a decimal (a quotient and a root as what they are compared through): OE when
 * it rounds above the largest finite value, UE when it rounds below the smallest normal (tiny
 * after rounding), PE when the delivered value is not it. A masked overflow raises PE too; a
 * masked underflow raises UE and PE only with a loss of accuracy, or always with FTZ. An
 * instruction faults when any lane raises an unmasked exception: a lane's pre-computation
 * exceptions stop all of them, so the post-computation ones only matter when those are masked.
 *
 * <p>Understands one instruction with register operands ({@code addss xmm3, xmm7},
 * {@code cmpltpd xmm1, xmm2}, {@code cvtsd2si rax, xmm1}, {@code cvtsi2ss xmm0, r10d}...);
 * {@link #faults} throws for anything else, so a test cannot unmask exceptions where it is not
 * predicted.
 */
final class SseFaultModel {

    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20;
    private static final int RN = 0, RD = 1, RU = 2, RZ = 3;

    private SseFaultModel() {
    }

    /**
     * A binary format: precision, exponent range, and the bounds {@link #rounding} compares with:
     * the largest finite value, the overflow thresholds (the midpoint above it and the next
     * power of two), the smallest normal and the two values below it that decide tininess.
     */
    private static final class Format {
        final int p;
        final boolean single;
        final BigDecimal max, maxHalfUp, overflowPower, smallest, belowSmallest, midBelowSmallest;

        Format(int p, int emin, int emax, boolean single) {
            this.p = p;
            this.single = single;
            max = pow2(emax + 1).subtract(pow2(emax + 1 - p));
            maxHalfUp = max.add(pow2(emax - p));
            overflowPower = pow2(emax + 1);
            smallest = pow2(emin);
            belowSmallest = smallest.subtract(pow2(emin - p));
            midBelowSmallest = smallest.subtract(pow2(emin - p - 1));
        }

        static BigDecimal pow2(int e) {
            BigDecimal two = new BigDecimal(java.math.BigInteger.ONE.shiftLeft(Math.abs(e)));
            return e >= 0 ? two : BigDecimal.ONE.divide(two); // terminates: 2^-n has n decimals
        }
    }

    private static final Format SINGLE = new Format(24, -126, 127, true), DOUBLE = new Format(53, -1022, 1023, false);

    /** An operand as the SDM classifies it, and its exact value when finite. */
    private record Operand(boolean nan, boolean snan, boolean inf, boolean zero, boolean denormal, boolean neg,
            BigDecimal v) {
    }

    private static Operand decode(long bits, boolean single, int mxcsr) {
        int expBits = single ? 8 : 11, fracBits = single ? 23 : 52;
        long exp = (bits >>> fracBits) & ((1L << expBits) - 1), frac = bits & ((1L << fracBits) - 1);
        boolean neg = ((bits >>> (expBits + fracBits)) & 1) != 0;
        long maxExp = (1L << expBits) - 1;
        if (exp == maxExp) {
            boolean nan = frac != 0;
            return new Operand(nan, nan && (frac >>> (fracBits - 1)) == 0, !nan, false, false, neg, null);
        }
        boolean denormal = exp == 0 && frac != 0;
        if (denormal && (mxcsr & 0x40) != 0) { // DAZ
            return new Operand(false, false, false, true, false, neg, BigDecimal.ZERO);
        }
        double d = single ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
        return new Operand(false, false, false, exp == 0 && frac == 0, denormal, neg, new BigDecimal(d));
    }

    // ------------------------------------------------------------------ exact results

    /** An exact nonzero result: its sign, comparisons of its magnitude, and whether a format holds it. */
    private interface Exact {
        boolean negative();

        int compareMagnitude(BigDecimal t);

        /** Whether the format holds the value exactly (denormals included). */
        boolean representable(Format f);
    }

    private static Exact plain(BigDecimal v) {
        return new Exact() {
            public boolean negative() {
                return v.signum() < 0;
            }

            public int compareMagnitude(BigDecimal t) {
                return v.abs().compareTo(t);
            }

            public boolean representable(Format f) {
                if (v.abs().compareTo(f.max) > 0) {
                    return false;
                }
                // a value the format holds converts to itself, through double too
                double cand = f.single ? (float) v.doubleValue() : v.doubleValue();
                return new BigDecimal(cand).compareTo(v) == 0;
            }
        };
    }

    private static Exact quotient(BigDecimal a, BigDecimal b) {
        return new Exact() {
            public boolean negative() {
                return a.signum() * b.signum() < 0;
            }

            public int compareMagnitude(BigDecimal t) {
                return a.abs().compareTo(t.multiply(b.abs()));
            }

            public boolean representable(Format f) {
                double q = a.doubleValue() / b.doubleValue();
                double cand = f.single ? (float) q : q;
                return Double.isFinite(cand) && new BigDecimal(cand).multiply(b).compareTo(a) == 0;
            }
        };
    }

    private static Exact root(BigDecimal a) {
        return new Exact() {
            public boolean negative() {
                return false;
            }

            public int compareMagnitude(BigDecimal t) {
                return a.compareTo(t.multiply(t));
            }

            public boolean representable(Format f) {
                double r = Math.sqrt(a.doubleValue());
                double cand = f.single ? (float) r : r;
                BigDecimal c = new BigDecimal(cand);
                return c.multiply(c).compareTo(a) == 0;
            }
        };
    }

    /** The post-computation exceptions of rounding {@code e} to {@code f}, as MXCSR would set them. */
    private static int rounding(Exact e, Format f, int mxcsr) {
        int rc = (mxcsr >> 13) & 3;
        boolean neg = e.negative();
        boolean away = rc == (neg ? RD : RU), toward = rc == RZ || rc == (neg ? RU : RD);
        // the result rounded to p bits with an unbounded exponent, against the format's range
        boolean overflow = rc == RN ? e.compareMagnitude(f.maxHalfUp) >= 0
                : toward ? e.compareMagnitude(f.overflowPower) >= 0 : e.compareMagnitude(f.max) > 0;
        if (overflow) {
            return (mxcsr & 0x400) == 0 ? OE : OE | PE;
        }
        boolean tiny = rc == RN ? e.compareMagnitude(f.midBelowSmallest) < 0
                : away ? e.compareMagnitude(f.belowSmallest) <= 0 : e.compareMagnitude(f.smallest) < 0;
        boolean inexact = !e.representable(f);
        if (tiny) {
            if ((mxcsr & 0x800) == 0) {
                return UE;
            }
            if ((mxcsr & 0x8000) != 0) {
                return UE | PE; // FTZ
            }
            return inexact ? UE | PE : 0;
        }
        return inexact ? PE : 0;
    }

    // ------------------------------------------------------------------ lanes

    private static int arith(String op, Operand a, Operand b, Format f, int mxcsr) {
        if (a.nan || b.nan) {
            return a.snan || b.snan ? IE : 0;
        }
        switch (op) {
            case "add":
                if (a.inf && b.inf && a.neg != b.neg) {
                    return IE;
                }
                break;
            case "sub":
                if (a.inf && b.inf && a.neg == b.neg) {
                    return IE;
                }
                break;
            case "mul":
                if (a.inf && b.zero || a.zero && b.inf) {
                    return IE;
                }
                break;
            default: // div
                if (a.inf && b.inf || a.zero && b.zero) {
                    return IE;
                }
                if (b.zero && !a.inf) {
                    return ZE;
                }
        }
        int pre = a.denormal || b.denormal ? DE : 0;
        if (a.inf || b.inf) {
            return pre; // an infinity, or a zero from a finite divided by one: exact
        }
        BigDecimal exact;
        switch (op) {
            case "add": exact = a.v.add(b.v); break;
            case "sub": exact = a.v.subtract(b.v); break;
            case "mul": exact = a.v.multiply(b.v); break;
            default:
                return pre | (a.zero ? 0 : rounding(quotient(a.v, b.v), f, mxcsr));
        }
        return pre | (exact.signum() == 0 ? 0 : rounding(plain(exact), f, mxcsr));
    }

    private static int sqrt(Operand b, Format f, int mxcsr) {
        if (b.nan) {
            return b.snan ? IE : 0;
        }
        if (b.neg && !b.zero) {
            return IE;
        }
        int pre = b.denormal ? DE : 0;
        return b.zero || b.inf ? pre : pre | rounding(root(b.v), f, mxcsr);
    }

    /** MIN, MAX (IE on any NaN), CMP (IE on an SNaN, or any NaN for LT, LE, NLT, NLE), COMIS, UCOMIS. */
    private static int compare(boolean signalsOnQnan, Operand a, Operand b) {
        if (a.nan || b.nan) {
            return a.snan || b.snan || signalsOnQnan ? IE : 0;
        }
        return a.denormal || b.denormal ? DE : 0;
    }

    private static int widen(Operand a) {
        return a.nan ? (a.snan ? IE : 0) : a.denormal ? DE : 0;
    }

    private static int narrow(Operand a, int mxcsr) {
        if (a.nan) {
            return a.snan ? IE : 0;
        }
        if (a.inf || a.zero) {
            return 0;
        }
        return (a.denormal ? DE : 0) | rounding(plain(a.v), SINGLE, mxcsr);
    }

    private static int toInt(Operand a, int bits, boolean truncate, int mxcsr) {
        if (a.nan || a.inf) {
            return IE;
        }
        int rc = truncate ? RZ : (mxcsr >> 13) & 3;
        RoundingMode mode = rc == RN ? RoundingMode.HALF_EVEN : rc == RD ? RoundingMode.FLOOR
                : rc == RU ? RoundingMode.CEILING : RoundingMode.DOWN;
        BigDecimal r = a.v.setScale(0, mode);
        BigDecimal limit = new BigDecimal(java.math.BigInteger.ONE.shiftLeft(bits - 1));
        if (r.compareTo(limit.negate()) < 0 || r.compareTo(limit) >= 0) {
            return IE;
        }
        return r.compareTo(a.v) != 0 ? PE : 0;
    }

    private static int fromInt(long v, Format f, int mxcsr) {
        return v == 0 ? 0 : rounding(plain(new BigDecimal(v)), f, mxcsr);
    }

    // ------------------------------------------------------------------ instructions

    private static final Map<String, Integer> GPRS = Map.ofEntries(Map.entry("rax", 0), Map.entry("eax", 0),
            Map.entry("rcx", 1), Map.entry("ecx", 1), Map.entry("rdx", 2), Map.entry("edx", 2), Map.entry("r10", 10),
            Map.entry("r10d", 10), Map.entry("r12", 12), Map.entry("r12d", 12));

    private static final String[] PREDICATES = {"eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"};

    /**
     * True when {@code asm}, one instruction on registers, raises an exception {@code mxcsr}
     * leaves unmasked, from the registers {@code regs} and {@code xmm} (XMM n is
     * {@code xmm[2n]}, {@code xmm[2n + 1]}).
     */
    static boolean faults(String asm, long[] regs, long[] xmm, int mxcsr) {
        return (lanes(asm, regs, xmm, mxcsr) & ~(mxcsr >> 7) & 0x3f) != 0;
    }

    /** The exceptions of every lane of {@code asm}, ORed. */
    static int lanes(String asm, long[] regs, long[] xmm, int mxcsr) {
        String[] t = asm.trim().split("[ ,]+");
        if (asm.contains(";") || asm.contains("[") || asm.startsWith(".") || t.length < 3) {
            throw new IllegalArgumentException("not one register-form instruction: " + asm);
        }
        String m = t[0];
        int d = xmmIndex(t[1]), s = xmmIndex(t[2]);
        if (m.startsWith("rcp") || m.startsWith("rsqrt") || m.equals("cvtdq2pd")) {
            return 0; // no exception at all
        }
        if (m.startsWith("cvtsi2")) {
            Integer g = GPRS.get(t[2]);
            long v = regs[g];
            if (!t[2].startsWith("r") || t[2].endsWith("d")) {
                v = (int) v;
            }
            return fromInt(v, m.endsWith("ss") ? SINGLE : DOUBLE, mxcsr);
        }
        if (m.matches("cvtt?s[sd]2si")) {
            Integer g = GPRS.get(t[1]);
            boolean wide = t[1].startsWith("r") && !t[1].endsWith("d");
            boolean single = m.contains("ss2");
            if (g == null) {
                throw new IllegalArgumentException(asm);
            }
            return toInt(decode(xmm[s], single, mxcsr), wide ? 64 : 32, m.startsWith("cvtt"), mxcsr);
        }
        switch (m) {
            case "cvtss2sd": return widen(decode(xmm[s], true, mxcsr));
            case "cvtsd2ss": return narrow(decode(xmm[s], false, mxcsr), mxcsr);
            case "cvtps2pd": return widen(decode(xmm[s], true, mxcsr)) | widen(decode(xmm[s] >>> 32, true, mxcsr));
            case "cvtpd2ps": return narrow(decode(xmm[s], false, mxcsr), mxcsr) | narrow(decode(xmm[s + 1], false, mxcsr), mxcsr);
            case "cvtdq2ps": {
                int f = 0;
                for (int i = 0; i < 4; i++) {
                    f |= fromInt((int) (xmm[s + i / 2] >>> (32 * (i & 1))), SINGLE, mxcsr);
                }
                return f;
            }
            case "cvtps2dq": case "cvttps2dq": {
                int f = 0;
                for (int i = 0; i < 4; i++) {
                    f |= toInt(decode(xmm[s + i / 2] >>> (32 * (i & 1)), true, mxcsr), 32, m.startsWith("cvtt"), mxcsr);
                }
                return f;
            }
            case "cvtpd2dq": case "cvttpd2dq":
                return toInt(decode(xmm[s], false, mxcsr), 32, m.startsWith("cvtt"), mxcsr)
                        | toInt(decode(xmm[s + 1], false, mxcsr), 32, m.startsWith("cvtt"), mxcsr);
            default:
        }
        if (m.matches("u?comis[sd]")) {
            boolean single = m.endsWith("ss");
            return compare(!m.startsWith("u"), decode(xmm[d], single, mxcsr), decode(xmm[s], single, mxcsr));
        }
        // arithmetic and comparisons: op, then ss/sd/ps/pd
        String sfx = m.substring(m.length() - 2), op = m.substring(0, m.length() - 2);
        boolean single = sfx.charAt(1) == 's', packed = sfx.charAt(0) == 'p';
        int n = packed ? (single ? 4 : 2) : 1;
        int predicate = -1;
        if (op.equals("cmp")) {
            predicate = Integer.parseInt(t[3].replace("0x", ""), t[3].startsWith("0x") ? 16 : 10) & 7;
        } else if (op.startsWith("cmp")) {
            predicate = java.util.Arrays.asList(PREDICATES).indexOf(op.substring(3));
        }
        int flags = 0;
        for (int i = 0; i < n; i++) {
            long a = single ? xmm[d + i / 2] >>> (32 * (i & 1)) : xmm[d + i];
            long b = single ? xmm[s + i / 2] >>> (32 * (i & 1)) : xmm[s + i];
            Operand x = decode(a, single, mxcsr), y = decode(b, single, mxcsr);
            Format f = single ? SINGLE : DOUBLE;
            if (predicate >= 0) {
                int p = predicate & 3;
                flags |= compare(p == 1 || p == 2, x, y);
            } else {
                switch (op) {
                    case "min": case "max": flags |= compare(true, x, y); break;
                    case "sqrt": flags |= sqrt(y, f, mxcsr); break;
                    case "add": case "sub": case "mul": case "div": flags |= arith(op, x, y, f, mxcsr); break;
                    default: throw new IllegalArgumentException("no model for " + asm);
                }
            }
        }
        return flags;
    }

    private static int xmmIndex(String r) {
        return r.startsWith("xmm") ? 2 * Integer.parseInt(r.substring(3)) : -1;
    }
}
