package io.kprobelab.machine.internal;

/**
 * Privilege transfers a kernel makes without the IDT, and port I/O: SYSCALL/SYSRET (SDM Vol. 2B,
 * with the STAR/LSTAR/FMASK MSRs and EFER.SCE, Vol. 3 §5.8.8), IRETQ (Vol. 2A IRET, IA-32e
 * mode) and IN/OUT (Vol. 1 §18.2; IOPL is 0 and the TSS has no I/O bitmap, so ring 3 gets #GP).
 */
final class SyscallOps {

    static final int MSR_EFER = 0xc0000080, MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082, MSR_FMASK = 0xc0000084;
    static final long EFER_SCE = 1, RF = 0x10000L;

    private SyscallOps() {
    }

    private static long msr(Cpu c, int msr) {
        Long v = c.msrs.get(msr);
        return v == null ? 0 : v;
    }

    /** SYSCALL: RCX = return RIP, R11 = RFLAGS, CS/SS from STAR[47:32], RFLAGS &= ~FMASK, RIP = LSTAR. */
    static final class Syscall extends Op {
        @Override
        void exec(Cpu c) {
            if ((c.efer & EFER_SCE) == 0) {
                CpuException e = c.fault(6, -1, rip);
                c.evMessage = "syscall with EFER.SCE clear";
                throw e;
            }
            long flags = c.rflags();
            long star = msr(c, MSR_STAR);
            c.r[1] = next;
            c.r[11] = flags & ~RF;
            int sel = (int) (star >>> 32) & 0xfffc;
            c.sregs[1] = sel;
            c.sregs[2] = sel + 8;
            c.flags = (flags & ~msr(c, MSR_FMASK) & ~RF) | 2;
            c.setCpl(0);
            c.rip = msr(c, MSR_LSTAR);
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** SYSRETQ: RIP = RCX, RFLAGS = R11, CS = STAR[63:48] + 16, SS = STAR[63:48] + 8, both RPL 3. */
    static final class Sysret extends Op {
        @Override
        void exec(Cpu c) {
            if ((c.efer & EFER_SCE) == 0) {
                throw c.fault(6, -1, rip);
            }
            if (c.cpl != 0 || !Mmu.canonical(c.r[1])) {
                throw c.gp(0);
            }
            long star = msr(c, MSR_STAR);
            int sel = (int) (star >>> 48) & 0xffff;
            c.sregs[1] = (sel + 16) | 3;
            c.sregs[2] = (sel + 8) | 3;
            c.setRflags((c.r[11] & 0x3c7fd7L) | 2);
            c.setCpl(3);
            c.rip = c.r[1];
            if ((c.flags & Cpu.IF) != 0) {
                c.interruptWindow();
            }
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** IRETQ: pops RIP, CS, RFLAGS, RSP, SS (always all five in 64-bit mode); may return to ring 3. */
    static final class Iretq extends Op {
        @Override
        void exec(Cpu c) {
            long sp = c.r[4];
            long newRip = c.rd64(sp);
            long newCs = c.rd64(sp + 8) & 0xffff;
            long newFlags = c.rd64(sp + 16);
            long newRsp = c.rd64(sp + 24);
            long newSs = c.rd64(sp + 32) & 0xffff;
            int rpl = (int) newCs & 3;
            if ((newCs & ~3L) == 0) {
                throw c.gp(0);
            }
            if (rpl < c.cpl) {
                throw c.gp((int) newCs & ~3);
            }
            if (!Mmu.canonical(newRip)) {
                throw c.gp(0);
            }
            long old = c.rflags();
            // IF changes only when CPL <= IOPL, IOPL only at CPL 0 (IOPL stays 0 here)
            long keep = c.cpl == 0 ? 0 : (Cpu.IF | 0x3000L);
            c.setRflags((newFlags & ~keep) | (old & keep));
            c.sregs[1] = newCs;
            c.sregs[2] = newSs;
            c.r[4] = newRsp;
            c.setCpl(rpl);
            c.rip = newRip;
            if ((c.flags & Cpu.IF) != 0 && (old & Cpu.IF) == 0) {
                c.interruptWindow();
            }
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** IN AL/AX/EAX from an immediate port or DX. */
    static final class In extends Op {
        final int size, port; // port -1: DX

        In(int size, int port) {
            this.size = size;
            this.port = port;
        }

        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            int p = port >= 0 ? port : (int) c.r[2] & 0xffff;
            if (c.io == null) {
                c.setReg(size, 0, Cpu.mask(size));
                return;
            }
            c.io.now = c.retired + idx;
            c.setReg(size, 0, c.io.in(p, size));
            c.interruptWindow(); // reading a device (IIR, the PIC's poll) may change what is pending
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** OUT to an immediate port or DX from AL/AX/EAX; a power-off write ends the run. */
    static final class Out extends Op {
        final int size, port;

        Out(int size, int port) {
            this.size = size;
            this.port = port;
        }

        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            int p = port >= 0 ? port : (int) c.r[2] & 0xffff;
            if (c.io == null) {
                return;
            }
            c.io.now = c.retired + idx;
            if (c.io.out(p, size, c.r[0] & Cpu.mask(size))) {
                throw c.event(Cpu.EV_POWEROFF, 0);
            }
            c.runLimit = 0; // a device write may arm a timer or raise an interrupt: re-check at the boundary
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }
}
