package io.kprobelab.machine.internal;

import java.math.BigInteger;

/**
 * MUL, IMUL (one, two and three operands), DIV and IDIV (SDM Vol. 2). Division raises #DE for
 * a zero divisor and for a quotient that does not fit (SDM "DIV": "#DE If the source operand
 * (divisor) is 0; if the quotient is too large for the designated register").
 */
final class MulDivOps {

    static final int MUL = 4, IMUL = 5, DIV = 6, IDIV = 7;

    private MulDivOps() {
    }

    /**
     * MUL/IMUL define CF and OF; SF ZF AF PF are undefined (SDM) and left unchanged, as AMD Zen
     * (this project's reference host) does.
     */
    static void setMulFlags(Cpu c, boolean over) {
        c.setArith(Cpu.CF | Cpu.OF, over ? Cpu.CF | Cpu.OF : 0);
    }

    /** DIV/IDIV leave all six flags undefined (SDM); AMD Zen keeps CF and OF, sets AF, clears ZF SF PF. */
    static void setDivFlags(Cpu c) {
        c.setArith(Cpu.AF | Cpu.ZF | Cpu.SF | Cpu.PF, Cpu.AF);
    }

    static long unsignedMulHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** The one-operand forms on AL/AX/EAX/RAX with the implicit AH/DX/EDX/RDX. */
    static final class Group3 extends Op {
        final int kind, size;
        final Opnd src;

        Group3(int kind, int size, Opnd src) {
            this.kind = kind;
            this.size = size;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            long s = src.read(c, size);
            switch (kind) {
                case MUL: mul(c, s, false); break;
                case IMUL: mul(c, s, true); break;
                default: div(c, s, kind == IDIV);
            }
        }

        private void mul(Cpu c, long s, boolean signed) {
            long a = c.getReg(size, 0);
            long lo, hi;
            boolean over;
            if (size == 8) {
                lo = a * s;
                hi = signed ? Math.multiplyHigh(a, s) : unsignedMulHigh(a, s);
                over = signed ? hi != (lo >> 63) : hi != 0;
            } else {
                int bits = size << 3;
                long p = signed ? Cpu.sext(size, a) * Cpu.sext(size, s) : a * s;
                lo = p & Cpu.mask(size);
                hi = (p >> bits) & Cpu.mask(size);
                over = signed ? p != Cpu.sext(size, p) : hi != 0;
            }
            if (size == 1) {
                c.setReg(2, 0, (hi << 8) | lo);
            } else {
                c.setReg(size, 0, lo);
                c.setReg(size, 2, hi);
            }
            setMulFlags(c, over);
        }

        private void div(Cpu c, long s, boolean signed) {
            if (s == 0) {
                throw c.fault(0, -1, rip);
            }
            long q, rem;
            if (size == 8) {
                long lo = c.r[0], hi = c.r[2];
                if (!signed && hi == 0) {
                    q = Long.divideUnsigned(lo, s);
                    rem = Long.remainderUnsigned(lo, s);
                } else if (signed && hi == (lo >> 63)) {
                    if (lo == Long.MIN_VALUE && s == -1) {
                        throw c.fault(0, -1, rip);
                    }
                    q = lo / s;
                    rem = lo % s;
                } else {
                    BigInteger n = new BigInteger(1, toBytes(hi, lo));
                    BigInteger d = signed ? BigInteger.valueOf(s) : new BigInteger(Long.toUnsignedString(s));
                    if (signed && hi < 0) {
                        n = n.subtract(BigInteger.ONE.shiftLeft(128));
                    }
                    BigInteger[] qr = n.divideAndRemainder(d);
                    BigInteger qq = qr[0];
                    if (signed ? qq.bitLength() > 63 : qq.signum() < 0 || qq.bitLength() > 64) {
                        throw c.fault(0, -1, rip);
                    }
                    q = qq.longValue();
                    rem = qr[1].longValue();
                }
                c.r[0] = q;
                c.r[2] = rem;
                setDivFlags(c);
                return;
            }
            int bits = size << 3;
            long n = size == 1 ? c.getReg(2, 0) : (c.getReg(size, 2) << bits) | c.getReg(size, 0);
            if (signed) {
                long sn = size == 1 ? (short) n : size == 2 ? (int) n : n;
                long sd = Cpu.sext(size, s);
                q = sn / sd;
                rem = sn % sd;
                if (q != Cpu.sext(size, q)) {
                    throw c.fault(0, -1, rip);
                }
            } else {
                q = Long.divideUnsigned(n, s);
                rem = Long.remainderUnsigned(n, s);
                if ((q & ~Cpu.mask(size)) != 0) {
                    throw c.fault(0, -1, rip);
                }
            }
            if (size == 1) {
                c.setReg(2, 0, ((rem & 0xff) << 8) | (q & 0xff));
            } else {
                c.setReg(size, 0, q);
                c.setReg(size, 2, rem);
            }
            setDivFlags(c);
        }

        private static byte[] toBytes(long hi, long lo) {
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
            return b;
        }
    }

    /** IMUL r, r/m and IMUL r, r/m, imm: the truncated signed product. */
    static final class Imul extends Op {
        final int size, dst;
        final Opnd src;
        final long imm;
        final boolean hasImm;

        Imul(int size, int dst, Opnd src, boolean hasImm, long imm) {
            this.size = size;
            this.dst = dst;
            this.src = src;
            this.hasImm = hasImm;
            this.imm = imm;
        }

        @Override
        int flagEffects() {
            return WRITES_ALL | (src.isMem() ? MAY_FAULT : 0);
        }

        @Override
        void exec(Cpu c) {
            long b = Cpu.sext(size, src.read(c, size));
            long a = hasImm ? imm : Cpu.sext(size, c.getReg(size, dst));
            long lo = a * b;
            if (flagsDead) {
                c.setReg(size, dst, lo);
                return;
            }
            boolean over;
            if (size == 8) {
                over = Math.multiplyHigh(a, b) != (lo >> 63);
            } else {
                over = lo != Cpu.sext(size, lo);
            }
            c.setReg(size, dst, lo);
            setMulFlags(c, over);
        }
    }

    /** IMUL r32/r64, r (, imm): register source, the multiply-by-constant form of divisions and hashes. */
    static final class ImulR extends Op {
        final int size, dst, src;
        final long imm, mask;
        final boolean hasImm;

        ImulR(int size, int dst, int src, boolean hasImm, long imm) {
            this.size = size;
            this.dst = dst;
            this.src = src;
            this.hasImm = hasImm;
            this.imm = imm;
            this.mask = Cpu.mask(size);
        }

        @Override
        int flagEffects() {
            return WRITES_ALL;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long b = size == 8 ? r[src] : (int) r[src];
            long a = hasImm ? imm : size == 8 ? r[dst] : (int) r[dst];
            long lo = a * b;
            r[dst] = lo & mask;
            if (!flagsDead) {
                boolean over = size == 8 ? Math.multiplyHigh(a, b) != (lo >> 63) : lo != (int) lo;
                setMulFlags(c, over);
            }
        }
    }
}
