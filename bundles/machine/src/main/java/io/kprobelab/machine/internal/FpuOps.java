package io.kprobelab.machine.internal;

/**
 * The x87 FPU's state instructions, which every 64-bit OS executes even if no program computes
 * with the x87: FNINIT, FNCLEX, FNSTCW/FLDCW, FNSTSW, FNSTENV/FLDENV, FWAIT, and FXSAVE/FXRSTOR
 * (with and without REX.W), the form Linux saves and restores a task's FPU and SSE state in when
 * XSAVE is not reported (SDM Vol. 1 §8.1, Vol. 2A FXSAVE Table 3-53). The x87 data registers are
 * kept as the 80-bit images FXRSTOR loaded, by physical register, so a save returns what was
 * restored (rotated when TOP changed in between); x87 arithmetic itself is not executed (it
 * raises #UD). Loading the control word forces its reserved bits, and loading either word makes
 * ES and B follow the unmasked exceptions; the waiting instructions (FWAIT, FLDCW, FLDENV) raise
 * a pending one as #MF. The model is an Intel processor: FXSAVE always stores the
 * last-instruction pointers, and FCS/FDS are deprecated (stored as 0), where AMD processors save
 * FOP/FIP/FDP only while an exception is pending and keep the selectors.
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

    /** FCW bits that read as 0 (7, 13-15) and the one that reads as 1 (6) (SDM Vol. 1 Figure 8-6). */
    static final int FCW_RESERVED = 0xe080, FCW_ONE = 0x40;
    /** FSW: the six exception flags, ES (error summary) and B (busy, a copy of ES) (SDM Vol. 1 §8.1.3). */
    static final int FSW_EXCEPTIONS = 0x3f, FSW_ES = 0x80, FSW_B = 0x8000;

    /** Loads the control word as FLDCW, FLDENV and FXRSTOR do: reserved bits forced. */
    static void loadControlWord(Cpu c, int fcw) {
        c.fcw = (fcw & 0xffff & ~FCW_RESERVED) | FCW_ONE;
    }

    /**
     * After the control or status word was loaded: ES and B are set exactly when an exception flag
     * is set whose mask bit is clear (SDM Vol. 1 §8.1.3.1, §8.6: the exception is then pending and
     * the next waiting x87 instruction raises it).
     */
    static void summarize(Cpu c) {
        if ((c.fsw & ~c.fcw & FSW_EXCEPTIONS) != 0) {
            c.fsw |= FSW_ES | FSW_B;
        } else {
            c.fsw &= ~(FSW_ES | FSW_B);
        }
    }

    /** #NM for x87 instructions when CR0.EM or CR0.TS is set (SDM Vol. 3 §2.5). */
    static void checkAvailable(Cpu c, long rip) {
        if ((c.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0) {
            throw c.fault(7, -1, rip);
        }
    }

    /**
     * A waiting x87 instruction (FWAIT, FLDCW, FLDENV) first raises a pending unmasked exception:
     * #MF when CR0.NE is set (SDM Vol. 1 §8.7; Vol. 3 §6.15 interrupt 16). With NE clear a PC
     * signals it on IRQ 13 through FERR#, which this machine does not model: nothing happens.
     */
    static void checkPending(Cpu c, long rip) {
        if ((c.fsw & FSW_ES) != 0 && (c.cr0 & Cpu.CR0_NE) != 0) {
            throw c.fault(16, -1, rip);
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
                checkPending(c, rip);
                return;
            }
            checkAvailable(c, rip);
            switch (kind) {
                case FNINIT: init(c); break;
                case FNCLEX: c.fsw &= 0x7f00; break; // exception flags, SF, ES and B cleared
                default: c.r[0] = (c.r[0] & ~0xffffL) | (c.fsw & 0xffff);
            }
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }
    }

    /**
     * FNSTCW m16, FLDCW m16, FNSTSW m16, FNSTENV and FLDENV (the 28-byte 32-bit format, or the
     * 14-byte 16-bit one with a 66 prefix: SDM Vol. 1 Figures 8-9 and 8-10, protected mode).
     */
    static final class Memory extends Op {
        static final int FNSTCW = 0, FLDCW = 1, FNSTSW = 2, FNSTENV = 3, FLDENV = 4;
        final int kind;
        final Opnd m;
        /** The 16-bit environment format (operand size 16). */
        final boolean small;

        Memory(int kind, Opnd m) {
            this(kind, m, false);
        }

        Memory(int kind, Opnd m, boolean small) {
            this.kind = kind;
            this.m = m;
            this.small = small;
        }

        @Override
        void exec(Cpu c) {
            checkAvailable(c, rip);
            if (kind == FLDCW || kind == FLDENV) {
                checkPending(c, rip);
            }
            long a = m.ea(c);
            switch (kind) {
                case FNSTCW: c.wr16(a, c.fcw); break;
                case FLDCW:
                    loadControlWord(c, (int) c.rd16(a));
                    summarize(c);
                    break;
                case FNSTSW: c.wr16(a, c.fsw); break;
                case FNSTENV: storeEnvironment(c, a); break;
                default: loadEnvironment(c, a);
            }
        }

        /**
         * FNSTENV: the environment with the full tag word generated from the registers' contents,
         * FCS and FDS stored as 0 (deprecated, CPUID.(EAX=7,ECX=0):EBX[13] on current Intel
         * processors) and the reserved upper halves of the 32-bit format as ones; then every
         * exception is masked and ES/B cleared (SDM Vol. 2A FSTENV).
         */
        private void storeEnvironment(Cpu c, long a) {
            int tag = fullTagWord(c);
            if (small) {
                c.probeWrite(a, 14);
                c.wr16(a, c.fcw);
                c.wr16(a + 2, c.fsw);
                c.wr16(a + 4, tag);
                c.wr16(a + 6, c.fip & 0xffff);
                c.wr16(a + 8, 0);
                c.wr16(a + 10, c.fdp & 0xffff);
                c.wr16(a + 12, 0);
            } else {
                c.probeWrite(a, 28);
                c.wr32(a, c.fcw | 0xffff0000L);
                c.wr32(a + 4, c.fsw | 0xffff0000L);
                c.wr32(a + 8, tag | 0xffff0000L);
                c.wr32(a + 12, c.fip & 0xffffffffL);
                c.wr32(a + 16, (long) (c.fop & 0x7ff) << 16);
                c.wr32(a + 20, c.fdp & 0xffffffffL);
                c.wr32(a + 24, 0xffff0000L);
            }
            c.fcw |= FSW_EXCEPTIONS;
            c.fsw &= ~(FSW_ES | FSW_B);
        }

        /** FLDENV: everything is read before anything changes; the opcode is 0 in the 16-bit format. */
        private void loadEnvironment(Cpu c, long a) {
            int fcw, fsw, tag, fop;
            long fip, fdp;
            if (small) {
                fcw = (int) c.rd16(a);
                fsw = (int) c.rd16(a + 2);
                tag = (int) c.rd16(a + 4);
                fip = c.rd16(a + 6);
                fdp = c.rd16(a + 10);
                c.rd16(a + 12); // FDS: the whole environment is read
                fop = 0;
            } else {
                fcw = (int) c.rd16(a);
                fsw = (int) c.rd16(a + 4);
                tag = (int) c.rd16(a + 8);
                fip = c.rd32(a + 12);
                fop = (int) (c.rd32(a + 16) >>> 16) & 0x7ff;
                fdp = c.rd32(a + 20);
                c.rd32(a + 24);
            }
            loadControlWord(c, fcw);
            c.fsw = fsw;
            c.ftw = abridge(tag);
            c.fip = fip;
            c.fop = fop;
            c.fdp = fdp;
            summarize(c);
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }
    }

    /**
     * The 16-bit tag word FNSTENV stores, by physical register (SDM Vol. 1 §8.1.7): 11 empty
     * (abridged bit clear), else generated from the contents of the register: 01 zero, 10 special (NaN, infinity, denormal, and the unsupported
     * formats: exponent all ones, exponent zero with a non-zero significand, a clear integer bit
     * with a non-zero exponent), 00 valid.
     */
    static int fullTagWord(Cpu c) {
        int t = 0;
        for (int i = 0; i < 8; i++) {
            int tag;
            if (((c.ftw >> i) & 1) == 0) {
                tag = 3;
            } else {
                long significand = 0;
                for (int k = 7; k >= 0; k--) {
                    significand = significand << 8 | (c.x87regs[10 * i + k] & 0xff);
                }
                int exponent = ((c.x87regs[10 * i + 8] & 0xff) | (c.x87regs[10 * i + 9] & 0xff) << 8) & 0x7fff;
                if (exponent == 0) {
                    tag = significand == 0 ? 1 : 2;
                } else if (exponent == 0x7fff || significand >= 0) { // integer bit (63) clear: unnormal
                    tag = 2;
                } else {
                    tag = 0;
                }
            }
            t |= tag << (2 * i);
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
     * area must be 16-byte aligned (#GP(0)), and all 512 bytes of it accessible although only the
     * first 416 are written or read (a fault names the first byte of the first page that is not);
     * FXRSTOR faults with #GP(0) when the image sets MXCSR bits outside MXCSR_MASK.
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
            c.probeWrite(a, 512); // the operand is m512byte, though bytes 416-511 are not written
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
            int top = (c.fsw >> 11) & 7;
            for (int i = 0; i < 8; i++) { // ST(i) in slot i
                long at = a + 32 + 16L * i;
                int r = (top + i) & 7;
                for (int k = 0; k < 10; k++) {
                    c.wr8(at + k, c.x87regs[10 * r + k]);
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
            if ((a & 0xfff) > 0xe00) {
                c.rd8((a + 511) & ~0xfffL); // the operand is m512byte: its second page must be readable too
            }
            if ((mxcsr & ~Cpu.MXCSR_MASK) != 0) {
                throw c.gp(0);
            }
            // read everything first: a fault part-way leaves the state unchanged
            int fcw = (int) c.rd16(a), fsw = (int) c.rd16(a + 2), ftw = (int) c.rd8(a + 4), fop = (int) c.rd16(a + 6);
            long fip = rexW ? c.rd64(a + 8) : c.rd32(a + 8), fdp = rexW ? c.rd64(a + 16) : c.rd32(a + 16);
            byte[] regs = new byte[80];
            int top = (fsw >> 11) & 7;
            for (int i = 0; i < 8; i++) { // slot i is ST(i), physical register TOP + i
                int r = (top + i) & 7;
                for (int k = 0; k < 10; k++) {
                    regs[10 * r + k] = (byte) c.rd8(a + 32 + 16L * i + k);
                }
            }
            long[] xmm = new long[32];
            for (int i = 0; i < 16; i++) {
                xmm[2 * i] = c.rd64(a + 160 + 16L * i);
                xmm[2 * i + 1] = c.rd64(a + 168 + 16L * i);
            }
            loadControlWord(c, fcw);
            c.fsw = fsw;
            summarize(c);
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
