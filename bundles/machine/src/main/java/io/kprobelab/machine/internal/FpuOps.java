package io.kprobelab.machine.internal;

/**
 * The x87 FPU's state instructions, which every 64-bit OS executes even if no program computes
 * with the x87: FNINIT, FNCLEX, FNSTCW/FLDCW, FNSTSW, FNSTENV/FLDENV, FWAIT, and FXSAVE/FXRSTOR
 * (with and without REX.W), the form Linux saves and restores a task's FPU and SSE state in when
 * XSAVE is not reported (SDM Vol. 1 §8.1, Vol. 2A FXSAVE Table 3-53). The x87 data registers are
 * kept as the 80-bit images FXRSTOR loaded, so a save returns what was restored; x87 arithmetic
 * itself is not executed (it raises #UD).
 */
final class FpuOps {

    private FpuOps() {
    }

    /** FNINIT state (SDM Vol. 1 Table 8-2). */
    static void init(Cpu c) {
        c.fcw = 0x37f;
        c.fsw = 0;
        c.ftw = 0; // abridged: every register empty
        c.fop = 0;
        c.fip = c.fdp = 0;
    }

    /** #NM for x87 instructions when CR0.EM or CR0.TS is set (SDM Vol. 3 §2.5). */
    static void checkAvailable(Cpu c, long rip) {
        if ((c.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0) {
            throw c.fault(7, -1, rip);
        }
    }

    /** FNINIT, FNCLEX, FNSTSW AX, FWAIT: no memory operand. */
    static final class Control extends Op {
        static final int FNINIT = 0, FNCLEX = 1, FNSTSW_AX = 2, FWAIT = 3;
        final int kind;

        Control(int kind) {
            this.kind = kind;
        }

        @Override
        void exec(Cpu c) {
            if (kind == FWAIT) {
                // #NM only when both TS and MP are set (SDM Vol. 3 Table 2-2)
                if ((c.cr0 & (Cpu.CR0_TS | 2)) == (Cpu.CR0_TS | 2)) {
                    throw c.fault(7, -1, rip);
                }
                return;
            }
            checkAvailable(c, rip);
            switch (kind) {
                case FNINIT: init(c); break;
                case FNCLEX: c.fsw &= 0x7f00; break; // exception flags, ES and B cleared
                default: c.r[0] = (c.r[0] & ~0xffffL) | (c.fsw & 0xffff);
            }
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }
    }

    /** FNSTCW m16, FLDCW m16, FNSTSW m16, FNSTENV m28, FLDENV m28. */
    static final class Memory extends Op {
        static final int FNSTCW = 0, FLDCW = 1, FNSTSW = 2, FNSTENV = 3, FLDENV = 4;
        final int kind;
        final Opnd m;

        Memory(int kind, Opnd m) {
            this.kind = kind;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            checkAvailable(c, rip);
            long a = m.ea(c);
            switch (kind) {
                case FNSTCW: c.wr16(a, c.fcw); break;
                case FLDCW: c.fcw = (int) c.rd16(a) | 0x40; break; // bit 6 reads as 1
                case FNSTSW: c.wr16(a, c.fsw); break;
                case FNSTENV: {
                    // 32-bit protected-mode format, the 64-bit mode default (SDM Vol. 1 Figure 8-9)
                    c.probeWrite(a, 28);
                    c.wr32(a, c.fcw | 0xffff0000L);
                    c.wr32(a + 4, c.fsw | 0xffff0000L);
                    c.wr32(a + 8, fullTagWord(c) | 0xffff0000L);
                    c.wr32(a + 12, c.fip & 0xffffffffL);
                    c.wr32(a + 16, (long) (c.fop & 0x7ff) << 16);
                    c.wr32(a + 20, c.fdp & 0xffffffffL);
                    c.wr32(a + 24, 0);
                    c.fcw |= 0x3f; // FNSTENV masks every exception after storing
                    break;
                }
                default: { // FLDENV
                    int fcw = (int) c.rd16(a), fsw = (int) c.rd16(a + 4), tag = (int) c.rd16(a + 8);
                    long fip = c.rd32(a + 12), fop = c.rd32(a + 16), fdp = c.rd32(a + 20);
                    c.fcw = fcw | 0x40;
                    c.fsw = fsw;
                    c.ftw = abridge(tag);
                    c.fip = fip;
                    c.fop = (int) (fop >>> 16) & 0x7ff;
                    c.fdp = fdp;
                }
            }
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }
    }

    /** The 16-bit tag word from the abridged one: 11 (empty) or 00 (valid: contents unknown here). */
    static int fullTagWord(Cpu c) {
        int t = 0;
        for (int i = 0; i < 8; i++) {
            t |= ((c.ftw >> i) & 1) != 0 ? 0 : 3 << (2 * i);
        }
        return t;
    }

    static int abridge(int tag) {
        int t = 0;
        for (int i = 0; i < 8; i++) {
            if (((tag >> (2 * i)) & 3) != 3) {
                t |= 1 << i;
            }
        }
        return t;
    }

    /**
     * FXSAVE / FXSAVE64 and FXRSTOR / FXRSTOR64 m512 (SDM Vol. 2A FXSAVE, Tables 3-53 and 3-56): the
     * area must be 16-byte aligned (#GP(0)); FXRSTOR faults with #GP(0) when the image sets MXCSR
     * bits outside MXCSR_MASK.
     */
    static final class Fxsave extends Op {
        final boolean restore, rexW;
        final Opnd m;

        Fxsave(boolean restore, boolean rexW, Opnd m) {
            this.restore = restore;
            this.rexW = rexW;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            checkAvailable(c, rip);
            long a = m.ea(c);
            if ((a & 15) != 0) {
                throw c.gp(0);
            }
            if (restore) {
                restore(c, a);
            } else {
                save(c, a);
            }
        }

        private void save(Cpu c, long a) {
            c.probeWrite(a, 416);
            c.wr16(a, c.fcw);
            c.wr16(a + 2, c.fsw);
            c.wr8(a + 4, c.ftw);
            c.wr8(a + 5, 0);
            c.wr16(a + 6, c.fop);
            if (rexW) {
                c.wr64(a + 8, c.fip);
                c.wr64(a + 16, c.fdp);
            } else {
                c.wr32(a + 8, c.fip & 0xffffffffL);
                c.wr32(a + 12, 0); // FCS, reserved
                c.wr32(a + 16, c.fdp & 0xffffffffL);
                c.wr32(a + 20, 0); // FDS, reserved
            }
            c.wr32(a + 24, c.mxcsr);
            c.wr32(a + 28, Cpu.MXCSR_MASK);
            for (int i = 0; i < 8; i++) {
                long at = a + 32 + 16L * i;
                for (int k = 0; k < 10; k++) {
                    c.wr8(at + k, c.x87regs[10 * i + k]);
                }
                c.wr16(at + 10, 0);
                c.wr32(at + 12, 0);
            }
            for (int i = 0; i < 16; i++) {
                c.wr64(a + 160 + 16L * i, c.xmm[2 * i]);
                c.wr64(a + 168 + 16L * i, c.xmm[2 * i + 1]);
            }
        }

        private void restore(Cpu c, long a) {
            int mxcsr = (int) c.rd32(a + 24);
            if ((mxcsr & ~Cpu.MXCSR_MASK) != 0) {
                throw c.gp(0);
            }
            // read everything first: a fault part-way leaves the state unchanged
            int fcw = (int) c.rd16(a), fsw = (int) c.rd16(a + 2), ftw = (int) c.rd8(a + 4), fop = (int) c.rd16(a + 6);
            long fip = rexW ? c.rd64(a + 8) : c.rd32(a + 8), fdp = rexW ? c.rd64(a + 16) : c.rd32(a + 16);
            byte[] regs = new byte[80];
            for (int i = 0; i < 8; i++) {
                for (int k = 0; k < 10; k++) {
                    regs[10 * i + k] = (byte) c.rd8(a + 32 + 16L * i + k);
                }
            }
            long[] xmm = new long[32];
            for (int i = 0; i < 16; i++) {
                xmm[2 * i] = c.rd64(a + 160 + 16L * i);
                xmm[2 * i + 1] = c.rd64(a + 168 + 16L * i);
            }
            c.fcw = fcw | 0x40;
            c.fsw = fsw;
            c.ftw = ftw;
            c.fop = fop & 0x7ff;
            c.fip = fip;
            c.fdp = fdp;
            c.mxcsr = mxcsr;
            System.arraycopy(regs, 0, c.x87regs, 0, 80);
            System.arraycopy(xmm, 0, c.xmm, 0, 32);
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }
    }
}
