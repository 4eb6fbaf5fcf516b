package io.kprobelab.machine.internal;

/**
 * Bit tests and scans: BT/BTS/BTR/BTC (register and immediate offsets, with the memory
 * bit-string addressing of SDM Vol. 2A "BT" for a register offset), BSF/BSR, TZCNT, LZCNT, POPCNT.
 */
final class BitOps {

    static final int BT = 0, BTS = 1, BTR = 2, BTC = 3;
    static final int BSF = 0, BSR = 1, TZCNT = 2, LZCNT = 3, POPCNT = 4;

    private BitOps() {
    }

    /** BTx dst, reg (offset {@code offReg} >= 0) or BTx dst, imm8. */
    static final class BitTest extends Op {
        final int kind, size, offReg;
        final long imm;
        final Opnd dst;

        BitTest(int kind, int size, Opnd dst, int offReg, long imm) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
            this.offReg = offReg;
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            int bits = size << 3;
            long bit;
            long ea = 0;
            boolean mem = dst.kind == Opnd.MEM;
            if (offReg >= 0) {
                long off = Cpu.sext(size, c.getReg(size, offReg));
                if (mem) {
                    int shift = Long.numberOfTrailingZeros(bits);
                    ea = dst.ea(c) + (off >> shift) * size;
                }
                bit = off & (bits - 1);
            } else {
                bit = imm & (bits - 1);
                if (mem) {
                    ea = dst.ea(c);
                }
            }
            long v = mem ? c.rd(size, ea) : c.getReg(size, dst.reg);
            long cf = (v >>> bit) & 1;
            if (kind != BT) {
                long nv;
                switch (kind) {
                    case BTS: nv = v | (1L << bit); break;
                    case BTR: nv = v & ~(1L << bit); break;
                    default: nv = v ^ (1L << bit);
                }
                if (mem) {
                    c.wr(size, ea, nv);
                } else {
                    c.setReg(size, dst.reg, nv);
                }
            }
            // BT does not write its destination (no zero-extension); OF SF AF PF are undefined and
            // kept, as AMD Zen does.
            c.setArith(Cpu.CF, cf);
        }
    }

    static final class Scan extends Op {
        final int kind, size, dst;
        final Opnd src;

        Scan(int kind, int size, int dst, Opnd src) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            long s = src.read(c, size);
            int bits = size << 3;
            switch (kind) {
                case BSF: case BSR:
                    // ZF is defined; CF OF SF AF PF are undefined: AMD Zen clears them except PF,
                    // which is the parity of the index (of 0 for a zero source).
                    if (s == 0) {
                        // destination unchanged (AMD documents it; Intel does it)
                        c.setArith(Cpu.ARITH, Cpu.ZF | Cpu.PF);
                    } else {
                        long idx = kind == BSF ? Long.numberOfTrailingZeros(s) : 63 - Long.numberOfLeadingZeros(s);
                        c.setReg(size, dst, idx);
                        c.setArith(Cpu.ARITH, Cpu.parity(idx));
                    }
                    break;
                case TZCNT: case LZCNT: {
                    long n = s == 0 ? bits
                            : kind == TZCNT ? Long.numberOfTrailingZeros(s) : Long.numberOfLeadingZeros(s) - (64 - bits);
                    c.setReg(size, dst, n);
                    // CF ZF defined; SF AF PF undefined (AMD Zen: cleared), OF undefined (kept).
                    c.setArith(Cpu.CF | Cpu.ZF | Cpu.SF | Cpu.AF | Cpu.PF,
                            (s == 0 ? Cpu.CF : 0) | (n == 0 ? Cpu.ZF : 0));
                    break;
                }
                default: {
                    long n = Long.bitCount(s);
                    c.setReg(size, dst, n);
                    c.setArith(Cpu.ARITH, s == 0 ? Cpu.ZF : 0);
                }
            }
        }
    }
}
