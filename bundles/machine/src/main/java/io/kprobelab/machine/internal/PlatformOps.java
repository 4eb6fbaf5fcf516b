package io.kprobelab.machine.internal;

/**
 * System instructions a general-purpose 64-bit kernel executes beyond the small set of {@link
 * SystemOps}: far returns and jumps between 64-bit code segments (how Linux reloads CS), the
 * debug registers, LLDT/SLDT, SMSW/LMSW, WBINVD/INVD, and CMPXCHG8B/CMPXCHG16B.
 */
final class PlatformOps {

    private PlatformOps() {
    }

    /**
     * Reads the code-segment descriptor {@code sel} and checks it is a present 64-bit code segment
     * (L=1, D=0) a far transfer may load (SDM Vol. 3 §5.8): returns its DPL. Compatibility-mode
     * code segments are not supported by the machine; loading one is reported, not executed.
     */
    static int codeSegmentDpl(Cpu c, Op op, int sel) {
        if ((sel & ~3) == 0) {
            throw c.gp(0);
        }
        if (c.gdtLimit == 0) {
            return sel & 3; // no GDT (bare mode): the selector's RPL
        }
        if ((sel & 4) != 0 || (sel & ~7) + 7 > c.gdtLimit) {
            throw c.gp(sel & ~3); // LDT selectors are not supported (no LDT is ever loaded)
        }
        long d = Idt.read64(c, c.gdtBase + (sel & ~7));
        boolean code = ((d >>> 43) & 3) == 3; // S=1 and type bit 3 (code)
        if (!code) {
            throw c.gp(sel & ~3);
        }
        if (((d >>> 47) & 1) == 0) {
            throw c.fault(11, sel & ~3, 0); // #NP
        }
        boolean longMode = ((d >>> 53) & 1) != 0;
        if (!longMode) {
            CpuException e = c.fault(6, -1, op.rip);
            c.evMessage = "far transfer to a compatibility-mode code segment (selector 0x"
                    + Integer.toHexString(sel) + "): not supported by this machine";
            throw e;
        }
        return (int) (d >>> 45) & 3;
    }

    /** RETF / LRETQ (with an optional immediate): pops RIP and CS, and RSP and SS when returning to an outer level. */
    static final class FarReturn extends Op {
        final int size, imm;

        FarReturn(int size, int imm) {
            this.size = size;
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            long sp = c.r[4];
            long newRip = c.rd(size, sp);
            int newCs = (int) c.rd(size, sp + size) & 0xffff;
            int rpl = newCs & 3;
            if (rpl < c.cpl) {
                throw c.gp(newCs & ~3);
            }
            codeSegmentDpl(c, this, newCs);
            if (!Mmu.canonical(newRip)) {
                throw c.gp(0);
            }
            sp += 2L * size + imm;
            if (rpl > c.cpl) {
                long newRsp = c.rd(size, sp);
                long newSs = c.rd(size, sp + size) & 0xffff;
                c.r[4] = newRsp + imm;
                c.sregs[2] = newSs;
            } else {
                c.r[4] = sp;
            }
            c.sregs[1] = newCs;
            c.segmentsLive = true;
            c.setCpl(rpl);
            c.rip = newRip;
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** JMP m16:64 / m16:32 (FF /5): loads CS from memory; same privilege level only. */
    static final class FarJump extends Op {
        final int size;
        final Opnd m;

        FarJump(int size, Opnd m) {
            this.size = size;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            long a = m.ea(c);
            long newRip = c.rd(size, a);
            int newCs = (int) c.rd16(a + size);
            int dpl = codeSegmentDpl(c, this, newCs);
            if (dpl != c.cpl && (newCs & 3) != c.cpl) {
                throw c.gp(newCs & ~3);
            }
            if (!Mmu.canonical(newRip)) {
                throw c.gp(0);
            }
            c.sregs[1] = (newCs & ~3) | c.cpl;
            c.segmentsLive = true;
            c.rip = newRip;
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /**
     * MOV to/from DR0-DR7 (SDM Vol. 3 §18.2): the registers hold what the kernel writes (DR6 and
     * DR7 with their fixed bits) so that save/restore and clearing work; breakpoint matching on
     * them is not emulated. DR4/DR5 alias DR6/DR7 (CR4.DE is never set).
     */
    static final class MovDr extends Op {
        final boolean toDr;
        final int dr, gpr;

        MovDr(boolean toDr, int dr, int gpr) {
            this.toDr = toDr;
            this.dr = dr;
            this.gpr = gpr;
        }

        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            if (dr > 7) {
                throw c.fault(6, -1, rip);
            }
            int n = dr == 4 ? 6 : dr == 5 ? 7 : dr;
            if (toDr) {
                long v = c.r[gpr];
                if (n >= 6 && (v >>> 32) != 0) {
                    throw c.gp(0);
                }
                c.dr[n] = n == 6 ? (v | 0xffff0ff0L) & 0xffffffffL : n == 7 ? (v | 0x400) & ~0x1000L : v;
            } else {
                c.r[gpr] = c.dr[n];
            }
        }
    }

    /** LLDT / SLDT: only the null selector is accepted (no LDTs on this machine: it has no 32-bit code). */
    static final class Ldt extends Op {
        final boolean load;
        final Opnd m;
        final int size;

        Ldt(boolean load, Opnd m, int size) {
            this.load = load;
            this.m = m;
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            if (!load) {
                m.write(c, m.isMem() ? 2 : size, c.ldtr);
                return;
            }
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            int sel = (int) m.read(c, 2);
            if ((sel & ~3) != 0) {
                CpuException e = c.fault(13, sel & ~3, 0);
                c.evMessage = "lldt with a non-null selector: LDTs are not supported by this machine";
                throw e;
            }
            c.ldtr = sel;
        }
    }

    /** SMSW (the low bits of CR0) and LMSW (sets PE, MP, EM, TS; cannot clear PE). */
    static final class Msw extends Op {
        final boolean load;
        final Opnd m;
        final int size;

        Msw(boolean load, Opnd m, int size) {
            this.load = load;
            this.m = m;
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            if (!load) {
                m.write(c, m.isMem() ? 2 : size, c.cr0 & (m.isMem() ? 0xffff : Cpu.mask(size)));
                return;
            }
            if (c.cpl != 0) {
                throw c.gp(0);
            }
            long v = m.read(c, 2) & 0xf;
            c.cr0 = (c.cr0 & ~0xeL) | v | (c.cr0 & 1);
        }

        @Override
        boolean endsBlock() {
            return true;
        }
    }

    /** WBINVD / INVD: privileged; there are no caches to write back or invalidate. */
    static final class CacheControl extends Op {
        @Override
        void exec(Cpu c) {
            if (c.cpl != 0) {
                throw c.gp(0);
            }
        }
    }

    /**
     * CMPXCHG8B m64 / CMPXCHG16B m128 (0F C7 /1): compares EDX:EAX (RDX:RAX) with the operand; if
     * equal stores ECX:EBX (RCX:RBX) and sets ZF, else loads it into EDX:EAX and clears ZF. The
     * 16-byte form needs a 16-byte aligned operand (#GP(0)). The destination is written in both
     * cases, as the processor does.
     */
    static final class Cmpxchg8b16b extends Op {
        final boolean wide;
        final Opnd m;

        Cmpxchg8b16b(boolean wide, Opnd m) {
            this.wide = wide;
            this.m = m;
        }

        @Override
        void exec(Cpu c) {
            long a = m.ea(c);
            long[] r = c.r;
            if (wide) {
                if ((a & 15) != 0) {
                    throw c.gp(0);
                }
                c.probeWrite(a, 16);
                long lo = c.rd64(a), hi = c.rd64(a + 8);
                boolean eq = lo == r[0] && hi == r[2];
                if (eq) {
                    c.wr64(a, r[3]);
                    c.wr64(a + 8, r[1]);
                } else {
                    c.wr64(a, lo);
                    c.wr64(a + 8, hi);
                    r[0] = lo;
                    r[2] = hi;
                }
                c.setArith(Cpu.ZF, eq ? Cpu.ZF : 0);
            } else {
                long v = c.rd64(a);
                long expect = (r[2] << 32) | (r[0] & 0xffffffffL);
                boolean eq = v == expect;
                if (eq) {
                    c.wr64(a, (r[1] << 32) | (r[3] & 0xffffffffL));
                } else {
                    c.wr64(a, v);
                    r[0] = v & 0xffffffffL;
                    r[2] = v >>> 32;
                }
                c.setArith(Cpu.ZF, eq ? Cpu.ZF : 0);
            }
        }
    }
}
