package io.kprobelab.machine.internal;

/**
 * The shapes of the SSE/SSE2 computing instructions, each with its source operand fetched once
 * (an XMM register, or m128 which legacy SSE requires aligned) and its semantics in a handler
 * from {@link PackedIntOps}, {@link PackedShiftOps} or {@link ShuffleOps}. Register numbers are
 * indexes into {@link Cpu#xmm} (twice the XMM number).
 */
final class SseOps {

    private SseOps() {
    }

    /** {@code op xmm, xmm/m128} where each 64-bit half is computed on its own (PADDB, PCMPGTD, PAND...). */
    static final class Packed extends SseOp {
        final SseOp.Half f;
        final int d, s;
        final Opnd m;

        Packed(SseOp.Half f, int d, int s, Opnd m) {
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
            x[d] = f.apply(x[d], lo);
            x[d + 1] = f.apply(x[d + 1], hi);
        }
    }

    /** {@code op xmm, xmm/m128} that moves lanes across the halves (PUNPCK*, PACK*). */
    static final class Across extends SseOp {
        final SseOp.Whole f;
        final int d, s;
        final Opnd m;

        Across(SseOp.Whole f, int d, int s, Opnd m) {
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
            f.apply(x, d, lo, hi);
        }
    }

    /** {@code op xmm, xmm/m128, imm8} (PSHUFD, PSHUFLW, PSHUFHW, SHUFPS, SHUFPD). */
    static final class Shuffle extends SseOp {
        final SseOp.WholeImm f;
        final int d, s, imm;
        final Opnd m;

        Shuffle(SseOp.WholeImm f, int d, int s, Opnd m, int imm) {
            this.f = f;
            this.d = d;
            this.s = s;
            this.m = m;
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            source(c, s, m);
            long lo = c.srcLo, hi = c.srcHi;
            f.apply(x, d, lo, hi, imm);
        }
    }

    /** The destination shifted in place by imm8 (the 0F 71/72/73 groups: PSLLW xmm, imm8... PSRLDQ). */
    static final class ShiftImm extends SseOp {
        final SseOp.WholeImm f;
        final int d, imm;

        ShiftImm(SseOp.WholeImm f, int d, int imm) {
            this.f = f;
            this.d = d;
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            f.apply(x, d, x[d], x[d + 1], imm);
        }
    }

    /** Lanes shifted by the low quadword of {@code xmm/m128} (PSLLW xmm, xmm/m128 ... PSRAD). */
    static final class ShiftBy extends SseOp {
        final SseOp.Half f;
        final int d, s;
        final Opnd m;

        ShiftBy(SseOp.Half f, int d, int s, Opnd m) {
            this.f = f;
            this.d = d;
            this.s = s;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            long n;
            if (m == null) {
                n = x[s];
            } else {
                // The operand is m128 (aligned, so its upper half cannot fault when the lower did not).
                n = c.rd64(address16(c, m, true));
            }
            x[d] = f.apply(x[d], n);
            x[d + 1] = f.apply(x[d + 1], n);
        }
    }

    /** An imm8 shift of each half by the same count, as a {@link SseOp.WholeImm} for {@link ShiftImm}. */
    static SseOp.WholeImm halves(SseOp.Half f) {
        return (x, d, lo, hi, imm) -> {
            x[d] = f.apply(lo, imm & 0xff);
            x[d + 1] = f.apply(hi, imm & 0xff);
        };
    }
}
