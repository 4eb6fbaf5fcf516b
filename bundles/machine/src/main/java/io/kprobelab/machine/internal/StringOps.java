package io.kprobelab.machine.internal;

/**
 * String instructions MOVS, CMPS, STOS, LODS, SCAS with REP/REPE/REPNE (SDM Vol. 2B "REP").
 * Registers are updated per iteration, so a fault mid-way leaves RCX/RSI/RDI at the faulting
 * iteration with RIP at the instruction, which restarts it.
 */
final class StringOps {

    static final int MOVS = 0, CMPS = 1, STOS = 2, LODS = 3, SCAS = 4;
    /** rep: 0 none, 1 REP/REPE (F3), 2 REPNE (F2). */
    static final int REP_NONE = 0, REP_E = 1, REP_NE = 2;

    private StringOps() {
    }

    static final class Str extends Op {
        final int kind, size, rep, seg;
        final boolean a32;

        Str(int kind, int size, int rep, int seg, boolean a32) {
            this.kind = kind;
            this.size = size;
            this.rep = rep;
            this.seg = seg;
            this.a32 = a32;
        }

        private long src(Cpu c) {
            long a = a32 ? c.r[6] & 0xffffffffL : c.r[6];
            return seg == 0 ? a : a + (seg == 1 ? c.fsBase : c.gsBase);
        }

        private long dst(Cpu c) {
            return a32 ? c.r[7] & 0xffffffffL : c.r[7];
        }

        private void adv(Cpu c, int reg, long d) {
            long v = c.r[reg] + d;
            c.r[reg] = a32 ? v & 0xffffffffL : v;
        }

        @Override
        void exec(Cpu c) {
            long d = (c.flags & Cpu.DF) != 0 ? -size : size;
            if (rep == REP_NONE) {
                once(c, d);
                return;
            }
            long m = a32 ? 0xffffffffL : -1L;
            while ((c.r[1] & m) != 0) {
                once(c, d);
                c.r[1] = a32 ? (c.r[1] - 1) & m : c.r[1] - 1;
                if (kind == CMPS || kind == SCAS) {
                    boolean zf = c.cond(4);
                    if (rep == REP_E ? !zf : zf) {
                        break;
                    }
                }
            }
        }

        private void once(Cpu c, long d) {
            switch (kind) {
                case MOVS: {
                    long v = c.rd(size, src(c));
                    c.wr(size, dst(c), v);
                    adv(c, 6, d);
                    adv(c, 7, d);
                    break;
                }
                case STOS:
                    c.wr(size, dst(c), c.getReg(size, 0));
                    adv(c, 7, d);
                    break;
                case LODS: {
                    long v = c.rd(size, src(c));
                    c.setReg(size, 0, v);
                    adv(c, 6, d);
                    break;
                }
                case CMPS: {
                    long a = c.rd(size, src(c));
                    long b = c.rd(size, dst(c));
                    adv(c, 6, d);
                    adv(c, 7, d);
                    c.lazy(Cpu.L_SUB, size, a, b, a - b);
                    break;
                }
                default: { // SCAS
                    long a = c.getReg(size, 0);
                    long b = c.rd(size, dst(c));
                    adv(c, 7, d);
                    c.lazy(Cpu.L_SUB, size, a, b, a - b);
                }
            }
        }
    }
}
