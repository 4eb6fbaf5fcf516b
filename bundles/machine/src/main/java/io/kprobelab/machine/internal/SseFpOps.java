package io.kprobelab.machine.internal;

import io.kprobelab.machine.Trap;

/**
 * The shapes of the SSE/SSE2 floating-point instructions: scalar and packed arithmetic in
 * single and double precision (ADD, SUB, MUL, DIV, MIN, MAX, SQRT, RCP, RSQRT, CMP), COMISS and
 * friends into RFLAGS, and the conversions. Each lane's arithmetic is an {@link SseFp} function.
 *
 * <p>Precise exceptions (SDM Vol. 1 §11.5.3, Vol. 3 §6.15 interrupt 19): an op reads its whole
 * source (faulting on memory first), computes every lane into locals with the exceptions
 * collected in {@link Cpu#fpx}, and only then {@link #commit}s: with an unmasked exception it
 * sets the flags and raises #XM (#UD when CR4.OSXMMEXCPT is clear), leaving the destination as
 * it was; otherwise it ORs the flags into MXCSR and writes. Scalar memory operands (m32, m64)
 * are never alignment-checked, m128 always (SseOp). Register numbers index {@link Cpu#xmm}.
 */
final class SseFpOps {

    private SseFpOps() {
    }

    /** A single-precision lane: the result of the first source {@code a} and the second {@code b}. */
    @FunctionalInterface
    interface Lane32 {
        int apply(Cpu c, int a, int b);
    }

    /** A double-precision lane. */
    @FunctionalInterface
    interface Lane64 {
        long apply(Cpu c, long a, long b);
    }

    /**
     * Ends the computation: raises the unmasked exceptions among {@link Cpu#fpx}, or ORs them all
     * into MXCSR. An unmasked pre-computation exception (IE, DE, ZE, bits 2:0) in any lane stops
     * the instruction before the post-computation ones (OE, UE, PE) are looked for, so only the
     * pre-computation flags are set then (SDM Vol. 1 §11.5.3.2).
     */
    static void commit(Cpu c, long rip) {
        int fx = c.fpx;
        if (fx == 0) {
            return;
        }
        int mx = c.mxcsr;
        int unmasked = fx & ~(mx >> 7) & 0x3f;
        if (unmasked == 0) {
            c.mxcsr = mx | fx;
            return;
        }
        c.mxcsr = mx | ((unmasked & 7) != 0 ? fx & 7 : fx);
        boolean xm = (c.cr4 & Cpu.CR4_OSXMMEXCPT) != 0;
        CpuException e = c.fault(xm ? Trap.XM : Trap.UD, -1, rip);
        c.evMessage = "unmasked SIMD floating-point exception " + names(unmasked)
                + String.format(" (MXCSR %#x)", c.mxcsr) + (xm ? "" : ", CR4.OSXMMEXCPT=0");
        throw e;
    }

    private static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        String[] n = {"IE", "DE", "ZE", "OE", "UE", "PE"};
        for (int i = 0; i < 6; i++) {
            if ((flags >> i & 1) != 0) {
                sb.append(sb.length() == 0 ? "" : "|").append(n[i]);
            }
        }
        return sb.toString();
    }

    private static long lo32(long q, int v) {
        return (q & 0xffffffff00000000L) | (v & 0xffffffffL);
    }

    private static long pair(int lo, int hi) {
        return (lo & 0xffffffffL) | (long) hi << 32;
    }

    // ------------------------------------------------------------------ arithmetic

    /** {@code op xmm, xmm/m32}: the low single, the rest of the destination kept (ADDSS...). */
    static final class ScalarS extends SseOp {
        final Lane32 f;
        final int d, s;
        final Opnd m;

        ScalarS(Lane32 f, int d, int s, Opnd m) {
            this.f = f;
            this.d = d;
            this.s = s;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            int b = (int) (m == null ? x[s] : c.rd32(m.ea(c)));
            c.fpx = 0;
            int r = f.apply(c, (int) x[d], b);
            commit(c, rip);
            x[d] = lo32(x[d], r);
        }
    }

    /** {@code op xmm, xmm/m64}: the low double, the high one kept (ADDSD...). */
    static final class ScalarD extends SseOp {
        final Lane64 f;
        final int d, s;
        final Opnd m;

        ScalarD(Lane64 f, int d, int s, Opnd m) {
            this.f = f;
            this.d = d;
            this.s = s;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            long b = m == null ? x[s] : c.rd64(m.ea(c));
            c.fpx = 0;
            long r = f.apply(c, x[d], b);
            commit(c, rip);
            x[d] = r;
        }
    }

    /** {@code op xmm, xmm/m128} on four singles (ADDPS...). */
    static final class PackedS extends SseOp {
        final Lane32 f;
        final int d, s;
        final Opnd m;

        PackedS(Lane32 f, int d, int s, Opnd m) {
            this.f = f;
            this.d = d;
            this.s = s;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            source(c, s, m);
            long lo = c.srcLo, hi = c.srcHi, a = x[d], b = x[d + 1];
            c.fpx = 0;
            int r0 = f.apply(c, (int) a, (int) lo);
            int r1 = f.apply(c, (int) (a >>> 32), (int) (lo >>> 32));
            int r2 = f.apply(c, (int) b, (int) hi);
            int r3 = f.apply(c, (int) (b >>> 32), (int) (hi >>> 32));
            commit(c, rip);
            x[d] = pair(r0, r1);
            x[d + 1] = pair(r2, r3);
        }
    }

    /** {@code op xmm, xmm/m128} on two doubles (ADDPD...). */
    static final class PackedD extends SseOp {
        final Lane64 f;
        final int d, s;
        final Opnd m;

        PackedD(Lane64 f, int d, int s, Opnd m) {
            this.f = f;
            this.d = d;
            this.s = s;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            source(c, s, m);
            long lo = c.srcLo, hi = c.srcHi;
            c.fpx = 0;
            long r0 = f.apply(c, x[d], lo);
            long r1 = f.apply(c, x[d + 1], hi);
            commit(c, rip);
            x[d] = r0;
            x[d + 1] = r1;
        }
    }

    /**
     * COMISS/UCOMISS/COMISD/UCOMISD xmm, xmm/m32/m64: ZF, PF and CF from the comparison, OF, SF
     * and AF cleared (SDM Vol. 2A COMISS); RFLAGS unchanged when it raises #XM.
     */
    static final class Comis extends SseOp {
        final boolean dbl, signalling;
        final int d, s;
        final Opnd m;

        Comis(boolean dbl, boolean signalling, int d, int s, Opnd m) {
            this.dbl = dbl;
            this.signalling = signalling;
            this.d = d;
            this.s = s;
            this.m = m;
        }

        @Override
        int flagEffects() {
            return WRITES_ALL | MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            long b = m == null ? x[s] : dbl ? c.rd64(m.ea(c)) : c.rd32(m.ea(c));
            c.fpx = 0;
            long f = dbl ? SseFp.comis64(c, x[d], b, signalling) : SseFp.comis32(c, (int) x[d], (int) b, signalling);
            commit(c, rip);
            c.flags = (c.flags & ~Cpu.ARITH) | f;
            c.lzOp = Cpu.L_NONE;
        }
    }

    // ------------------------------------------------------------------ conversions

    /** CVTSI2SS/CVTSI2SD xmm, r/m32 or r/m64: into the low lane, the rest kept. */
    static final class FromInt extends SseOp {
        final boolean dbl;
        final int d, size;
        final Opnd src;

        FromInt(boolean dbl, int d, Opnd src, int size) {
            this.dbl = dbl;
            this.d = d;
            this.src = src;
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long v = src.read(c, size);
            if (size == 4) {
                v = (int) v;
            }
            long[] x = c.xmm;
            c.fpx = 0;
            if (dbl) {
                long r = SseFp.fromInt64(c, v);
                commit(c, rip);
                x[d] = r;
            } else {
                int r = SseFp.fromInt32(c, v);
                commit(c, rip);
                x[d] = lo32(x[d], r);
            }
        }
    }

    /**
     * CVTSS2SI, CVTTSS2SI, CVTSD2SI, CVTTSD2SI r32/r64, xmm/m32/m64 (a 32-bit destination is
     * zero-extended, as every GPR write of 32 bits).
     */
    static final class ToInt extends SseOp {
        final boolean dbl, wide, truncate;
        final int r, s;
        final Opnd m;

        ToInt(boolean dbl, boolean wide, boolean truncate, int r, int s, Opnd m) {
            this.dbl = dbl;
            this.wide = wide;
            this.truncate = truncate;
            this.r = r;
            this.s = s;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long a = m == null ? c.xmm[s] : dbl ? c.rd64(m.ea(c)) : c.rd32(m.ea(c));
            c.fpx = 0;
            long v = dbl ? SseFp.toInt64(c, a, wide, truncate) : SseFp.toInt32(c, (int) a, wide, truncate);
            commit(c, rip);
            c.r[r] = v;
        }
    }

    /** CVTSS2SD xmm, xmm/m32 (the low double, high kept) and CVTSD2SS xmm, xmm/m64 (the low single). */
    static final class ScalarConvert extends SseOp {
        final boolean toDouble;
        final int d, s;
        final Opnd m;

        ScalarConvert(boolean toDouble, int d, int s, Opnd m) {
            this.toDouble = toDouble;
            this.d = d;
            this.s = s;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            long a = m == null ? x[s] : toDouble ? c.rd32(m.ea(c)) : c.rd64(m.ea(c));
            c.fpx = 0;
            if (toDouble) {
                long r = SseFp.widen(c, (int) a);
                commit(c, rip);
                x[d] = r;
            } else {
                int r = SseFp.narrow(c, a);
                commit(c, rip);
                x[d] = lo32(x[d], r);
            }
        }
    }

    /** The packed conversions. */
    static final int DQ2PS = 0, PS2DQ = 1, TPS2DQ = 2, DQ2PD = 3, PS2PD = 4, PD2DQ = 5, TPD2DQ = 6, PD2PS = 7;

    /**
     * CVTDQ2PS, CVTPS2DQ, CVTTPS2DQ (four lanes, xmm/m128); CVTDQ2PD and CVTPS2PD (the two low
     * lanes of xmm/m64, unaligned, to two doubles); CVTPD2DQ, CVTTPD2DQ and CVTPD2PS (two doubles
     * of xmm/m128 to the low two lanes, the high quadword cleared).
     */
    static final class PackedConvert extends SseOp {
        final int kind, d, s;
        final Opnd m;

        PackedConvert(int kind, int d, int s, Opnd m) {
            this.kind = kind;
            this.d = d;
            this.s = s;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            long lo, hi;
            if (kind == DQ2PD || kind == PS2PD) {
                lo = m == null ? x[s] : c.rd64(m.ea(c));
                hi = 0;
            } else {
                source(c, s, m);
                lo = c.srcLo;
                hi = c.srcHi;
            }
            c.fpx = 0;
            long r0, r1;
            switch (kind) {
                case DQ2PS:
                    r0 = pair(SseFp.fromInt32(c, (int) lo), SseFp.fromInt32(c, (int) (lo >> 32)));
                    r1 = pair(SseFp.fromInt32(c, (int) hi), SseFp.fromInt32(c, (int) (hi >> 32)));
                    break;
                case PS2DQ: case TPS2DQ: {
                    boolean t = kind == TPS2DQ;
                    r0 = SseFp.toInt32(c, (int) lo, false, t) | SseFp.toInt32(c, (int) (lo >>> 32), false, t) << 32;
                    r1 = SseFp.toInt32(c, (int) hi, false, t) | SseFp.toInt32(c, (int) (hi >>> 32), false, t) << 32;
                    break;
                }
                case DQ2PD:
                    r0 = SseFp.fromInt64(c, (int) lo);
                    r1 = SseFp.fromInt64(c, (int) (lo >> 32));
                    break;
                case PS2PD:
                    r0 = SseFp.widen(c, (int) lo);
                    r1 = SseFp.widen(c, (int) (lo >>> 32));
                    break;
                case PD2DQ: case TPD2DQ: {
                    boolean t = kind == TPD2DQ;
                    r0 = SseFp.toInt64(c, lo, false, t) | SseFp.toInt64(c, hi, false, t) << 32;
                    r1 = 0;
                    break;
                }
                default: // PD2PS
                    r0 = pair(SseFp.narrow(c, lo), SseFp.narrow(c, hi));
                    r1 = 0;
            }
            commit(c, rip);
            x[d] = r0;
            x[d + 1] = r1;
        }
    }
}
