package io.kprobelab.machine.internal;

/**
 * Flag manipulation, NOPs, traps (INT3, INT n, UD), HLT, CPUID, RDTSC and the privileged
 * instructions a small kernel needs (MOV CRn, RDMSR/WRMSR, INVLPG, LIDT, SWAPGS, CLI/STI).
 */
final class SystemOps {

    private SystemOps() {
    }

    static final class Nop extends Op {
        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
        }
    }

    /** CLC STC CMC CLD STD (CLI/STI are privileged, see {@link Interrupts}). */
    static final class FlagOp extends Op {
        final int kind; // 0 clc 1 stc 2 cmc 3 cld 4 std

        FlagOp(int kind) {
            this.kind = kind;
        }

        @Override
        void exec(Cpu c) {
            switch (kind) {
                case 0: c.setArith(Cpu.CF, 0); break;
                case 1: c.setArith(Cpu.CF, Cpu.CF); break;
                case 2: c.setArith(Cpu.CF, c.getCF() ^ 1); break;
                case 3: c.flags &= ~Cpu.DF; break;
                default: c.flags |= Cpu.DF;
            }
        }
    }

    /** CLI / STI: ring 0 only here (IOPL is 0). */
    static final class Interrupts extends Op {
        final boolean enable;

        Interrupts(boolean enable) {
            this.enable = enable;
        }

        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            if (enable) {
                if ((c.flags & Cpu.IF) == 0) {
                    c.flags |= Cpu.IF;
                    c.stiShadow = c.retired + idx + 1; // blocks interrupts for one instruction (SDM Vol. 3 §6.8.3)
                    c.interruptWindow();
                }
            } else {
                c.flags &= ~Cpu.IF;
            }
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    static final class Pushf extends Op {
        final int size;

        Pushf(int size) {
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            long v = c.rflags() & 0xfcffffL; // VM and RF read as 0
            long sp = c.r[4] - size;
            c.wr(size, sp, v);
            c.r[4] = sp;
        }
    }

    /** POPF: ends the block so that a change of TF takes effect at the next instruction. */
    static final class Popf extends Op {
        final int size;

        Popf(int size) {
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            long v = c.rd(size, c.r[4]);
            c.r[4] += size;
            long old = c.rflags();
            long keep = c.cpl == 0 ? 0 : (Cpu.IF | 0x3000L); // ring 3 (IOPL 0): IF and IOPL unchanged
            if (size == 2) {
                v = (old & ~0xffffL) | (v & 0xffff);
            }
            v &= ~0x30000L; // POPF clears RF and leaves VM unchanged (0 in long mode)
            c.setRflags((v & ~keep) | (old & keep));
            if ((c.flags & Cpu.IF) != 0 && (old & Cpu.IF) == 0) {
                c.interruptWindow();
            }
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    static final class Lahf extends Op {
        @Override
        void exec(Cpu c) {
            c.setReg(1, 16, (c.rflags() & 0xd5) | 2);
        }
    }

    static final class Sahf extends Op {
        @Override
        void exec(Cpu c) {
            long ah = (c.r[0] >>> 8) & 0xff;
            c.setArith(Cpu.CF | Cpu.PF | Cpu.AF | Cpu.ZF | Cpu.SF, ah);
        }
    }

    /** INT3 (CC) and INT n (CD ib): traps, RIP after the instruction. */
    static final class SoftInt extends Op {
        final int vector;

        SoftInt(int vector) {
            this.vector = vector;
        }

        @Override
        void exec(Cpu c) {
            throw c.event(Cpu.EV_TRAP, vector);
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** #UD for UD2, invalid and unsupported encodings; the message names the bytes. */
    static final class Undefined extends Op {
        final String message;

        Undefined(String message) {
            this.message = message;
        }

        @Override
        void exec(Cpu c) {
            CpuException e = c.fault(6, -1, rip);
            c.evMessage = message;
            throw e;
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /**
     * A host function's address ({@link io.kprobelab.machine.Machine#hostFunction}): runs it with
     * the vCPU at an instruction boundary; it sets RIP. Ends its block: RIP is whatever it chose.
     */
    static final class HostCall extends Op {
        final io.kprobelab.machine.HostFunction fn;

        HostCall(io.kprobelab.machine.HostFunction fn) {
            this.fn = fn;
        }

        @Override
        void exec(Cpu c) {
            fn.run(c.vcpu);
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /**
     * An instruction with host execution hooks ({@link MachineImpl#onExecute}): they run at its
     * boundary (RIP at it), then it executes. Not an instruction of its own: its index, RIP, flag
     * effects and block-ending are the wrapped op's.
     */
    static final class Hooked extends Op {
        final io.kprobelab.machine.ExecutionHook[] hooks;
        final Op op;

        Hooked(io.kprobelab.machine.ExecutionHook[] hooks, Op op) {
            this.hooks = hooks;
            this.op = op;
        }

        @Override
        void exec(Cpu c) {
            long saved = c.rip;
            c.rip = rip;
            for (io.kprobelab.machine.ExecutionHook h : hooks) {
                h.atInstruction(c.vcpu);
            }
            c.rip = saved;
            op.exec(c);
        }

        @Override
        int flagEffects() {
            return op.flagEffects() | MAY_FAULT | READS; // the hook sees the flags
        }

        @Override
        boolean endsBlock() {
            return op.endsBlock();
        }
    }

    static final class Hlt extends Op {
        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            throw c.event(Cpu.EV_HALT, 0);
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** CPUID: the machine's CPU model ({@link CpuModel}). */
    static final class Cpuid extends Op {
        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long[] out = c.cpuidOut;
            CpuModel.cpuid((int) r[0], (int) r[1], c.apic.id, out);
            r[0] = out[0];
            r[3] = out[1];
            r[1] = out[2];
            r[2] = out[3];
        }

        @Override
        boolean endsBlock() {
            return true; // serializing
        }
    }

    /** RDTSC: virtual time, the count of instructions retired before this one (plus IA32_TSC's offset). */
    static final class Rdtsc extends Op {
        @Override
        void exec(Cpu c) {
            long t = c.retired + idx + c.tscOffset;
            c.r[0] = t & 0xffffffffL;
            c.r[2] = t >>> 32;
        }
    }

    /** MOV to/from CR0, CR2, CR3, CR4, CR8. */
    static final class MovCr extends Op {
        final boolean toCr;
        final int cr, gpr;

        MovCr(boolean toCr, int cr, int gpr) {
            this.toCr = toCr;
            this.cr = cr;
            this.gpr = gpr;
        }

        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            if (!toCr) {
                long v;
                switch (cr) {
                    case 0: v = c.cr0; break;
                    case 2: v = c.cr2; break;
                    case 3: v = c.cr3; break;
                    case 4: v = c.cr4; break;
                    default: v = 0;
                }
                c.r[gpr] = v;
                return;
            }
            long v = c.r[gpr];
            switch (cr) {
                case 0: c.cr0 = v; c.flushTlb(); break;
                case 2: c.cr2 = v; break;
                case 3: c.cr3 = v; c.flushTlb(); break;
                case 4: c.cr4 = v; c.flushTlb(); break;
                default:
            }
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /**
     * CLTS: clears CR0.TS, which an OS's #NM handler does once it has switched the SSE state
     * in (SDM Vol. 2A CLTS; Vol. 3A §2.5). Ring 0 only.
     */
    static final class Clts extends Op {
        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            c.cr0 &= ~Cpu.CR0_TS;
        }
    }

    /** RDMSR / WRMSR of the MSRs in {@link Msrs}; any other index raises #GP(0), as on hardware. */
    static final class Msr extends Op {
        final boolean write;

        Msr(boolean write) {
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            long[] r = c.r;
            int msr = (int) r[1];
            long now = c.retired + idx;
            if (write) {
                if (!Msrs.write(c, msr, (r[2] << 32) | (r[0] & 0xffffffffL), now)) {
                    throw c.gp(0);
                }
            } else {
                Long v = Msrs.read(c, msr, now);
                if (v == null) {
                    throw c.gp(0);
                }
                r[0] = v & 0xffffffffL;
                r[2] = v >>> 32;
            }
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    static final class Swapgs extends Op {
        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            long t = c.gsBase;
            c.gsBase = c.kernelGsBase;
            c.kernelGsBase = t;
        }
    }

    static final class Invlpg extends Op {
        final Opnd m;

        Invlpg(Opnd m) {
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            c.flushTlbPage(m.ea(c));
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** LIDT m16&64: records the IDT for the delivery seam (issue 3). */
    static final class Lidt extends Op {
        final Opnd m;

        Lidt(Opnd m) {
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            long a = m.ea(c);
            long limit = c.rd16(a);
            long base = c.rd64(a + 2);
            c.idtLimit = limit;
            c.idtBase = base;
        }
    }

    /** RDTSCP: RDTSC plus IA32_TSC_AUX in ECX. */
    static final class Rdtscp extends Op {
        @Override
        void exec(Cpu c) {
            long t = c.retired + idx + c.tscOffset;
            c.r[0] = t & 0xffffffffL;
            c.r[2] = t >>> 32;
            c.r[1] = c.tscAux & 0xffffffffL;
        }
    }

    /**
     * LGDT/SGDT/SIDT/LTR/STR and MOV to/from segment registers: descriptor tables are recorded
     * for the kernel's sake; in 64-bit mode the data segments have base 0 and no limits, so
     * loading a selector only stores it (FS/GS bases come from the MSRs).
     */
    static final class Descriptor extends Op {
        static final int LGDT = 0, SGDT = 1, SIDT = 2, LTR = 3, STR = 4, MOV_TO_SREG = 5, MOV_FROM_SREG = 6;
        final int kind, sreg, size;
        final Opnd m;

        Descriptor(int kind, Opnd m, int sreg, int size) {
            this.kind = kind;
            this.m = m;
            this.sreg = sreg;
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            boolean privileged = kind == LGDT || kind == LTR;
            if (privileged && c.cpl != 0) {
                throw c.gp(0);
            }
            switch (kind) {
                case LGDT: {
                    long a = m.ea(c);
                    long limit = c.rd16(a);
                    long base = c.rd64(a + 2);
                    c.gdtLimit = limit;
                    c.gdtBase = base;
                    break;
                }
                case SGDT: case SIDT: {
                    long a = m.ea(c);
                    c.probeWrite(a, 10);
                    c.wr16(a, kind == SGDT ? c.gdtLimit : c.idtLimit);
                    c.wr64(a + 2, kind == SGDT ? c.gdtBase : c.idtBase);
                    break;
                }
                case LTR:
                    c.tr = m.read(c, 2);
                    break;
                case STR:
                    m.write(c, m.isMem() ? 2 : size, c.tr);
                    break;
                case MOV_TO_SREG:
                    if (sreg == 1 || sreg > 5) {
                        throw c.fault(6, -1, rip); // MOV CS is #UD
                    }
                    long sel = m.read(c, 2);
                    if (sreg == 4 || sreg == 5) {
                        // In 64-bit mode loading FS or GS loads the base from the descriptor: 0 for a
                        // null selector (Intel; Linux's context switch relies on it), else the
                        // descriptor's 32-bit base (SDM Vol. 3 §3.4.4)
                        long base = segmentBase(c, sel);
                        if (sreg == 4) {
                            c.fsBase = base;
                        } else {
                            c.gsBase = base;
                        }
                    }
                    c.sregs[sreg] = sel;
                    break;
                default:
                    m.write(c, m.isMem() ? 2 : size, sreg == 1 ? c.cs() : sreg == 2 ? c.ss() : c.sregs[sreg]);
            }
        }
    }

    /**
     * The 32-bit base of the segment {@code sel} that MOV loads into FS or GS, 0 for a null
     * selector or without a GDT. As SDM Vol. 2A MOV checks it: an LDT selector or one past the
     * limit, a system segment, an execute-only code segment, or (unless conforming code) RPL or
     * CPL above the DPL is #GP(selector); a segment not present is #NP(selector).
     */
    static long segmentBase(Cpu c, long sel) {
        if ((sel & ~3L) == 0 || c.gdtLimit == 0) {
            return 0;
        }
        long d = PlatformOps.descriptor(c, (int) sel);
        boolean s = ((d >>> 44) & 1) != 0, code = ((d >>> 43) & 1) != 0, readable = ((d >>> 41) & 1) != 0;
        boolean conforming = code && ((d >>> 42) & 1) != 0;
        int dpl = (int) (d >>> 45) & 3;
        if (!s || (code && !readable) || (!conforming && ((sel & 3) > dpl || c.cpl > dpl))) {
            throw c.gp((int) sel & ~3);
        }
        if (((d >>> 47) & 1) == 0) {
            throw c.fault(11, (int) sel & ~3, 0);
        }
        return ((d >>> 16) & 0xffffff) | (((d >>> 56) & 0xff) << 24);
    }

    /** An instruction longer than 15 bytes raises #GP(0). */
    static final class TooLong extends Op {
        @Override
        void exec(Cpu c) {
            throw c.gp(0);
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }
}
