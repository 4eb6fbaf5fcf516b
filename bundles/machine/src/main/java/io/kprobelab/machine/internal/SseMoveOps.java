package io.kprobelab.machine.internal;

/**
 * SSE/SSE2 data movement (SDM Vol. 2 pages of MOVAPS..MOVDQU, MOVD/MOVQ, MOVSS/MOVSD, MOVLPS,
 * MOVHPS, MOVHLPS, MOVLHPS, MOVNTDQ, MASKMOVDQU, PMOVMSKB, MOVMSKPS/PD, PEXTRW, PINSRW,
 * LDMXCSR/STMXCSR). Which lanes a move keeps or clears depends on its form, so each class
 * below names its variants; register numbers index {@link Cpu#xmm} (twice the XMM number).
 */
final class SseMoveOps {

    private SseMoveOps() {
    }

    /** MOVAPS/MOVUPS/MOVDQA/MOVDQU... xmm, xmm: the whole register. */
    static final class Mov extends SseOp {
        final int d, s;

        Mov(int d, int s) {
            this.d = d;
            this.s = s;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            x[d] = x[s];
            x[d + 1] = x[s + 1];
        }
    }

    /** 16-byte load: MOVAPS/MOVAPD/MOVDQA (aligned) or MOVUPS/MOVUPD/MOVDQU. */
    static final class Load extends SseOp {
        final int d;
        final Opnd m;
        final boolean aligned;

        Load(int d, Opnd m, boolean aligned) {
            this.d = d;
            this.m = m;
            this.aligned = aligned;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long a = address16(c, m, aligned);
            long lo = c.rd64(a), hi = c.rd64(a + 8);
            c.xmm[d] = lo;
            c.xmm[d + 1] = hi;
        }
    }

    /** 16-byte store (the aligned ones include MOVNTPS/MOVNTPD/MOVNTDQ, whose hint means nothing here). */
    static final class Store extends SseOp {
        final int s;
        final Opnd m;
        final boolean aligned;

        Store(Opnd m, int s, boolean aligned) {
            this.s = s;
            this.m = m;
            this.aligned = aligned;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            c.wr128(address16(c, m, aligned), c.xmm[s], c.xmm[s + 1]);
        }
    }

    /** Where a narrow load goes. */
    static final int ZERO_EXTEND = 0, LOW_HALF = 1, HIGH_HALF = 2;

    /**
     * A 4- or 8-byte load, never alignment-checked: MOVD/MOVQ/MOVSS/MOVSD xmm, m zero the rest
     * of the register ({@link #ZERO_EXTEND}); MOVLPS/MOVLPD replace the low half, MOVHPS/MOVHPD
     * the high half, keeping the other.
     */
    static final class LoadPart extends SseOp {
        final int d, size, into;
        final Opnd m;

        LoadPart(int d, Opnd m, int size, int into) {
            this.d = d;
            this.m = m;
            this.size = size;
            this.into = into;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long a = m.ea(c);
            long v = size == 4 ? c.rd32(a) : c.rd64(a);
            long[] x = c.xmm;
            switch (into) {
                case ZERO_EXTEND: x[d] = v; x[d + 1] = 0; break;
                case LOW_HALF: x[d] = v; break;
                default: x[d + 1] = v;
            }
        }
    }

    /** A 4- or 8-byte store of the low dword/qword, or of the high qword (MOVHPS/MOVHPD m64, xmm). */
    static final class StorePart extends SseOp {
        final int s, size;
        final Opnd m;

        StorePart(Opnd m, int s, int size) {
            this.m = m;
            this.s = s;
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long a = m.ea(c);
            if (size == 4) {
                c.wr32(a, c.xmm[s]);
            } else {
                c.wr64(a, c.xmm[s]);
            }
        }
    }

    /** Register-to-register moves of part of a register. */
    static final int MOVSS = 0, MOVSD = 1, MOVQ = 2, MOVHLPS = 3, MOVLHPS = 4;

    /**
     * MOVSS/MOVSD xmm, xmm merge the low dword/qword and keep the rest (unlike their loads);
     * MOVQ xmm, xmm copies the low qword and clears the high; MOVHLPS copies the source's high
     * qword to the low one, MOVLHPS the low one to the high one.
     */
    static final class MovPart extends SseOp {
        final int d, s, kind;

        MovPart(int d, int s, int kind) {
            this.d = d;
            this.s = s;
            this.kind = kind;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long[] x = c.xmm;
            switch (kind) {
                case MOVSS: x[d] = (x[d] & 0xffffffff00000000L) | (x[s] & 0xffffffffL); break;
                case MOVSD: x[d] = x[s]; break;
                case MOVQ: x[d] = x[s]; x[d + 1] = 0; break;
                case MOVHLPS: x[d] = x[s + 1]; break;
                default: x[d + 1] = x[s];
            }
        }
    }

    /** MOVD xmm, r32 / MOVQ xmm, r64: zero-extended into the whole register. */
    static final class FromGpr extends SseOp {
        final int d, r;
        final long mask;

        FromGpr(int d, int r, int size) {
            this.d = d;
            this.r = r;
            this.mask = Cpu.mask(size);
        }

        @Override
        void exec(Cpu c) {
            check(c);
            c.xmm[d] = c.r[r] & mask;
            c.xmm[d + 1] = 0;
        }
    }

    /** MOVD r32, xmm / MOVQ r64, xmm (a 32-bit destination is zero-extended, as for every GPR write). */
    static final class ToGpr extends SseOp {
        final int r, s;
        final long mask;

        ToGpr(int r, int s, int size) {
            this.r = r;
            this.s = s;
            this.mask = Cpu.mask(size);
        }

        @Override
        void exec(Cpu c) {
            check(c);
            c.r[r] = c.xmm[s] & mask;
        }
    }

    /** Sign-bit masks. */
    static final int PMOVMSKB = 0, MOVMSKPS = 1, MOVMSKPD = 2;

    /** PMOVMSKB/MOVMSKPS/MOVMSKPD r, xmm: the lanes' top bits, zero-extended into the GPR. */
    static final class SignMask extends SseOp {
        final int r, s, kind;

        SignMask(int r, int s, int kind) {
            this.r = r;
            this.s = s;
            this.kind = kind;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long lo = c.xmm[s], hi = c.xmm[s + 1];
            long v;
            switch (kind) {
                case PMOVMSKB: v = bytes(lo) | bytes(hi) << 8; break;
                case MOVMSKPS: v = (lo >>> 31 & 1) | (lo >>> 63) << 1 | (hi >>> 31 & 1) << 2 | (hi >>> 63) << 3; break;
                default: v = (lo >>> 63) | (hi >>> 63) << 1;
            }
            c.r[r] = v;
        }

        /** The top bits of the eight bytes of q, byte 0's in bit 0. */
        private static long bytes(long q) {
            return ((q & 0x8080808080808080L) >>> 7) * 0x0102040810204080L >>> 56;
        }
    }

    /** PEXTRW r32, xmm, imm8: word imm8[2:0], zero-extended. */
    static final class Pextrw extends SseOp {
        final int r, s, shift;

        Pextrw(int r, int s, int imm) {
            this.r = r;
            this.s = s + ((imm >> 2) & 1);
            this.shift = (imm & 3) * 16;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            c.r[r] = (c.xmm[s] >>> shift) & 0xffff;
        }
    }

    /** PINSRW xmm, r32/m16, imm8: the low word of the source into word imm8[2:0]. */
    static final class Pinsrw extends SseOp {
        final int d, shift;
        final Opnd src;

        Pinsrw(int d, Opnd src, int imm) {
            this.d = d + ((imm >> 2) & 1);
            this.shift = (imm & 3) * 16;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long w = src.read(c, 2);
            c.xmm[d] = (c.xmm[d] & ~(0xffffL << shift)) | (w << shift);
        }
    }

    /**
     * MASKMOVDQU xmm1, xmm2: the bytes of xmm1 whose xmm2 byte has its top bit set, stored at
     * [RDI] (or EDI). The whole 16-byte destination is checked for writing before any byte is
     * stored, whatever the mask, so a fault leaves memory as it was. (The SDM leaves faults on
     * unselected bytes and all-zero masks to the implementation; the reference AMD EPYC hosts
     * fault on any unwritable byte of the 16, selected or not, and so does this.)
     */
    static final class Maskmovdqu extends SseOp {
        final int s, mask;
        final Opnd at;

        Maskmovdqu(int s, int mask, Opnd at) {
            this.s = s;
            this.mask = mask;
            this.at = at;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long a = at.ea(c);
            long[] x = c.xmm;
            c.probeWrite(a, 16);
            for (int i = 0; i < 16; i++) {
                if (((x[mask + (i >> 3)] >>> ((i & 7) * 8 + 7)) & 1) != 0) {
                    c.wr8(a + i, x[s + (i >> 3)] >>> ((i & 7) * 8));
                }
            }
        }
    }

    /** LDMXCSR m32 (#GP(0) for a reserved bit) and STMXCSR m32. */
    static final class Mxcsr extends SseOp {
        final boolean load;
        final Opnd m;

        Mxcsr(boolean load, Opnd m) {
            this.load = load;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            check(c);
            long a = m.ea(c);
            if (load) {
                long v = c.rd32(a);
                if ((v & ~(long) Cpu.MXCSR_MASK) != 0) {
                    throw c.gp(0);
                }
                c.mxcsr = (int) v;
            } else {
                c.wr32(a, c.mxcsr);
            }
        }
    }
}
