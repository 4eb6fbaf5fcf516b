package io.kprobelab.machine.internal;

/**
 * Control transfers. Each ends its block; the block loop has already set RIP to the
 * fall-through, so a not-taken branch does nothing.
 */
final class BranchOps {

    private BranchOps() {
    }

    abstract static class Branch extends Op {
        @Override
        final boolean endsBlock() {
            return true;
        }
    }

    static final class Jcc extends Branch {
        final int cc;
        final long target;

        Jcc(int cc, long target) {
            this.cc = cc;
            this.target = target;
        }

        @Override
        void exec(Cpu c) {
            if (c.cond(cc)) {
                c.rip = target;
            }
        }
    }

    /** CMP/SUB-flag fast path is inside Cpu.cond; this one is for LOOP/LOOPE/LOOPNE/JRCXZ. */
    static final class Loop extends Branch {
        final int kind; // 0 loopne, 1 loope, 2 loop, 3 jrcxz
        final boolean a32;
        final long target;

        Loop(int kind, boolean a32, long target) {
            this.kind = kind;
            this.a32 = a32;
            this.target = target;
        }

        @Override
        void exec(Cpu c) {
            long m = a32 ? 0xffffffffL : -1L;
            if (kind == 3) {
                if ((c.r[1] & m) == 0) {
                    c.rip = target;
                }
                return;
            }
            long cx = (c.r[1] - 1) & m;
            c.r[1] = a32 ? cx : cx;
            boolean go = cx != 0;
            if (kind == 0) {
                go &= !c.cond(4);
            } else if (kind == 1) {
                go &= c.cond(4);
            }
            if (go) {
                c.rip = target;
            }
        }
    }

    static final class Jmp extends Branch {
        final long target;

        Jmp(long target) {
            this.target = target;
        }

        @Override
        void exec(Cpu c) {
            c.rip = target;
        }
    }

    static final class JmpInd extends Branch {
        final Opnd src;

        JmpInd(Opnd src) {
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            long t = src.read(c, 8);
            if (!Mmu.canonical(t)) {
                throw c.gp(0);
            }
            c.rip = t;
        }
    }

    static final class Call extends Branch {
        final long target;

        Call(long target) {
            this.target = target;
        }

        @Override
        void exec(Cpu c) {
            long sp = c.r[4] - 8;
            c.wr64(sp, next);
            c.r[4] = sp;
            c.rip = target;
        }
    }

    static final class CallInd extends Branch {
        final Opnd src;

        CallInd(Opnd src) {
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            long t = src.read(c, 8);
            if (!Mmu.canonical(t)) {
                throw c.gp(0);
            }
            long sp = c.r[4] - 8;
            c.wr64(sp, next);
            c.r[4] = sp;
            c.rip = t;
        }
    }

    static final class Ret extends Branch {
        final int pop;

        Ret(int pop) {
            this.pop = pop;
        }

        @Override
        void exec(Cpu c) {
            long sp = c.r[4];
            long t = c.rd64(sp);
            if (!Mmu.canonical(t)) {
                throw c.gp(0);
            }
            c.r[4] = sp + 8 + pop;
            c.rip = t;
        }
    }

    /** A direct CALL inside a superblock: pushes the return address; the block continues at the callee. */
    static final class PushReturn extends Op {
        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            long sp = c.r[4] - 8;
            c.wr64(sp, next);
            c.r[4] = sp;
        }
    }

    /** CMP/TEST/SUB/... reg, reg|imm fused with the JCC after it: two instructions, one dispatch. */
    static final class AluJcc extends Branch {
        final int kind, size, dst, src, cc;
        final long imm, mask, target;

        AluJcc(int kind, int size, int dst, int src, long imm, int cc, long target) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
            this.src = src;
            this.mask = Cpu.mask(size);
            this.imm = imm & mask;
            this.cc = cc;
            this.target = target;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long a = r[dst] & mask;
            long b = src >= 0 ? r[src] & mask : imm;
            long res = AluOps.apply(c, kind, size, a, b, 0);
            if (kind != AluOps.CMP && kind != AluOps.TEST) {
                r[dst] = res & mask;
            }
            if (c.cond(cc)) {
                c.rip = target;
            }
        }
    }
}
