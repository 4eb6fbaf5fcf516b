package io.kprobelab.machine.internal;

/**
 * Interrupt and exception delivery through the guest IDT in IA-32e mode (SDM Vol. 3 §6.14):
 * 16-byte interrupt and trap gates, the privilege check for software interrupts, the stack
 * switch to TSS.RSP0 (or an IST stack, §6.14.5) on a change to a more privileged level, and the
 * 64-bit frame SS:RSP:RFLAGS:CS:RIP (+ error code) on a 16-byte aligned stack (§6.14.2).
 * Descriptor-table and stack accesses are supervisor (implicit) accesses, made through the page
 * tables directly rather than the TLB, which is filled for the current privilege level.
 */
final class Idt {

    /** Vectors whose exceptions push an error code (SDM Vol. 3 Table 6-1). */
    private static final int ERROR_CODE_VECTORS = 1 << 8 | 1 << 10 | 1 << 11 | 1 << 12 | 1 << 13 | 1 << 14
            | 1 << 17 | 1 << 21 | 1 << 29 | 1 << 30;

    static final int GATE_INTERRUPT = 0xe, GATE_TRAP = 0xf;

    private Idt() {
    }

    static boolean hasErrorCode(int vector) {
        return vector < 32 && ((ERROR_CODE_VECTORS >>> vector) & 1) != 0;
    }

    /** True once the guest loaded an IDT (bare mode never does). */
    static boolean present(Cpu c) {
        return c.idtLimit != 0;
    }

    /**
     * Delivers {@code vector} with {@code c.rip} as the return address. {@code software} is INT n /
     * INT3 (the gate's DPL must allow the current CPL, §6.12.1.1). Throws the CPU's exception (a
     * #GP, #NP or #PF raised while delivering) without changing any state.
     */
    static void deliver(Cpu c, int vector, long errorCode, boolean pushError, boolean software) {
        int selErr = vector * 8 + 2; // IDT flag set in the error code (§6.13)
        if ((long) vector * 16 + 15 > c.idtLimit) {
            throw c.gp(selErr);
        }
        long gate = c.idtBase + vector * 16L;
        long lo = read64(c, gate), hi = read64(c, gate + 8);
        int type = (int) (lo >>> 40) & 0xf;
        int dpl = (int) (lo >>> 45) & 3;
        int ist = (int) (lo >>> 32) & 7;
        int sel = (int) (lo >>> 16) & 0xffff;
        long target = (lo & 0xffff) | ((lo >>> 48) << 16) | ((hi & 0xffffffffL) << 32);
        if (type != GATE_INTERRUPT && type != GATE_TRAP) {
            throw c.gp(selErr);
        }
        if (software && dpl < c.cpl) {
            throw c.gp(selErr);
        }
        if (((lo >>> 47) & 1) == 0) {
            throw c.fault(11, selErr, 0); // #NP
        }
        if ((sel & ~3) == 0) {
            throw c.gp(0);
        }
        int newCpl = codeDpl(c, sel);
        if (newCpl > c.cpl) {
            throw c.gp(sel & ~3); // an interrupt never lowers privilege
        }
        if (!Mmu.canonical(target)) {
            throw c.gp(0);
        }
        long oldSs = c.ss(), oldCs = c.cs(), oldRsp = c.r[4];
        long rsp;
        long newSs = oldSs;
        if (ist != 0) {
            rsp = tss64(c, 0x24 + (ist - 1) * 8);
        } else if (newCpl < c.cpl) {
            rsp = tss64(c, 4 + newCpl * 8);
        } else {
            rsp = oldRsp;
        }
        if (newCpl < c.cpl) {
            newSs = newCpl; // NULL selector with RPL = new CPL (§6.14.4)
        }
        rsp &= ~15L;
        long flags = c.rflags();
        long sp = rsp;
        sp = push(c, sp, oldSs);
        sp = push(c, sp, oldRsp);
        sp = push(c, sp, flags);
        sp = push(c, sp, oldCs);
        sp = push(c, sp, c.rip);
        if (pushError) {
            sp = push(c, sp, errorCode & 0xffffffffL);
        }
        // Nothing faulted: commit.
        c.r[4] = sp;
        c.sregs[1] = (sel & ~3) | newCpl;
        c.sregs[2] = newSs;
        long clear = Cpu.TF | 0x4000L | 0x10000L | 0x20000L; // TF NT RF VM
        if (type == GATE_INTERRUPT) {
            clear |= Cpu.IF;
        }
        c.flags = flags & ~clear;
        c.setCpl(newCpl);
        c.rip = target;
        c.halted = false;
    }

    /** DPL of the code segment {@code sel} in the GDT; without a GDT, the selector's RPL. */
    private static int codeDpl(Cpu c, int sel) {
        if (c.gdtLimit == 0) {
            return sel & 3;
        }
        if ((sel & ~7) + 7 > c.gdtLimit) {
            throw c.gp(sel & ~3);
        }
        long d = read64(c, c.gdtBase + (sel & ~7));
        if (((d >>> 47) & 1) == 0) {
            throw c.fault(11, sel & ~3, 0);
        }
        return (int) (d >>> 45) & 3;
    }

    /** A u64 of the 64-bit TSS named by TR (SDM Vol. 3 §7.7, Figure 7-11). */
    static long tss64(Cpu c, int offset) {
        long tr = c.tr & ~7L;
        if (tr == 0 || tr + 15 > c.gdtLimit) {
            throw c.fault(10, (int) tr, 0); // #TS
        }
        long lo = read64(c, c.gdtBase + tr), hi = read64(c, c.gdtBase + tr + 8);
        long base = ((lo >>> 16) & 0xffffff) | (((lo >>> 56) & 0xff) << 24) | ((hi & 0xffffffffL) << 32);
        return read64(c, base + offset);
    }

    private static long push(Cpu c, long sp, long v) {
        sp -= 8;
        write64(c, sp, v);
        return sp;
    }

    /** A supervisor read of 8 bytes (either page may fault). */
    static long read64(Cpu c, long va) {
        if ((va & 0xfff) <= 0xff8) {
            return (long) Cpu.I64.get(c.mem, phys(c, va, Cpu.ACC_READ));
        }
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = (v << 8) | (c.mem[phys(c, va + k, Cpu.ACC_READ)] & 0xff);
        }
        return v;
    }

    /** A supervisor write of 8 bytes; both pages are checked before anything is written. */
    static void write64(Cpu c, long va, long v) {
        int p0 = phys(c, va, Cpu.ACC_WRITE), p7 = phys(c, va + 7, Cpu.ACC_WRITE);
        for (int k = 0; k < 8; k++) {
            int pa = (((va + k) ^ va) & ~0xfffL) == 0 ? p0 + k : p7 - (7 - k);
            if (c.phys.code[pa >>> 12] != null) {
                c.phys.invalidate(pa >>> 12);
            }
            c.mem[pa] = (byte) (v >>> (8 * k));
        }
    }

    private static int phys(Cpu c, long va, int acc) {
        return (int) Mmu.walkSupervisor(c, va, acc);
    }
}
