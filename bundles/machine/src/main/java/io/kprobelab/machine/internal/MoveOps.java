package io.kprobelab.machine.internal;

/**
 * Data movement: MOV and its extending forms, LEA, XCHG, CMOVcc, SETcc, BSWAP, the
 * sign-extensions CBW..CQO, PUSH/POP, LEAVE/ENTER, CMPXCHG and XADD.
 */
final class MoveOps {

    private MoveOps() {
    }

    /** Generic MOV (any size, any operands). */
    static final class Mov extends Op {
        final int size;
        final Opnd dst, src;

        Mov(int size, Opnd dst, Opnd src) {
            this.size = size;
            this.dst = dst;
            this.src = src;
        }

        @Override
        int flagEffects() {
            return dst.isMem() || src.isMem() ? MAY_FAULT : 0;
        }

        @Override
        void exec(Cpu c) {
            dst.write(c, size, src.read(c, size));
        }
    }

    static final class MovRR64 extends Op {
        final int dst, src;

        MovRR64(int dst, int src) {
            this.dst = dst;
            this.src = src;
        }

        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
            c.r[dst] = c.r[src];
        }
    }

    static final class MovRR32 extends Op {
        final int dst, src;

        MovRR32(int dst, int src) {
            this.dst = dst;
            this.src = src;
        }

        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
            c.r[dst] = c.r[src] & 0xffffffffL;
        }
    }

    /** MOV r64/r32, imm (already zero- or sign-extended to the final 64-bit value). */
    static final class MovRI extends Op {
        final int dst;
        final long v;

        MovRI(int dst, long v) {
            this.dst = dst;
            this.v = v;
        }

        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
            c.r[dst] = v;
        }
    }

    static final class Load64 extends Op {
        final int dst;
        final Opnd m;

        Load64(int dst, Opnd m) {
            this.dst = dst;
            this.m = m;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            c.r[dst] = c.rd64(m.ea(c));
        }
    }

    static final class Load32 extends Op {
        final int dst;
        final Opnd m;

        Load32(int dst, Opnd m) {
            this.dst = dst;
            this.m = m;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            c.r[dst] = c.rd32(m.ea(c));
        }
    }

    static final class Store64 extends Op {
        final int src;
        final Opnd m;

        Store64(Opnd m, int src) {
            this.src = src;
            this.m = m;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            c.wr64(m.ea(c), c.r[src]);
        }
    }

    static final class Store32 extends Op {
        final int src;
        final Opnd m;

        Store32(Opnd m, int src) {
            this.src = src;
            this.m = m;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            c.wr32(m.ea(c), c.r[src]);
        }
    }

    /** MOVZX/MOVSX/MOVSXD: read {@code srcSize}, extend, write {@code dstSize}. */
    static final class MovExt extends Op {
        final int dstSize, srcSize, dst;
        final boolean signed;
        final Opnd src;

        MovExt(int dstSize, int dst, int srcSize, Opnd src, boolean signed) {
            this.dstSize = dstSize;
            this.srcSize = srcSize;
            this.dst = dst;
            this.src = src;
            this.signed = signed;
        }

        @Override
        int flagEffects() {
            return src.isMem() ? MAY_FAULT : 0;
        }

        @Override
        void exec(Cpu c) {
            long v = src.read(c, srcSize);
            if (signed) {
                v = Cpu.sext(srcSize, v);
            }
            c.setReg(dstSize, dst, v);
        }
    }

    /** MOVZX r32/r64, byte [mem]: the byte-loop load. */
    static final class LoadZx8 extends Op {
        final int dst;
        final Opnd m;

        LoadZx8(int dst, Opnd m) {
            this.dst = dst;
            this.m = m;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            c.r[dst] = c.rd8(m.ea(c));
        }
    }

    /** MOVSX/MOVSXD/MOVZX between registers into a 32/64-bit register. */
    static final class ExtRR extends Op {
        final int dst, src, srcSize;
        final boolean signed;
        final long mask;

        ExtRR(int dstSize, int dst, int srcSize, int src, boolean signed) {
            this.dst = dst;
            this.src = src;
            this.srcSize = srcSize;
            this.signed = signed;
            this.mask = Cpu.mask(dstSize);
        }

        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
            long v = c.getReg(srcSize, src);
            if (signed) {
                v = Cpu.sext(srcSize, v);
            }
            c.r[dst] = v & mask;
        }
    }

    static final class Lea extends Op {
        final int size, dst;
        final Opnd m;

        Lea(int size, int dst, Opnd m) {
            this.size = size;
            this.dst = dst;
            this.m = m;
        }

        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
            c.setReg(size, dst, m.ea(c));
        }
    }

    static final class Lea64 extends Op {
        final int dst, base, index, scale;
        final long disp;

        Lea64(int dst, Opnd m) {
            this.dst = dst;
            this.base = m.base;
            this.index = m.index;
            this.scale = m.scale;
            this.disp = m.disp;
        }

        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
            long a = disp;
            if (base >= 0) {
                a += c.r[base];
            }
            if (index >= 0) {
                a += c.r[index] << scale;
            }
            c.r[dst] = a;
        }
    }

    static final class Xchg extends Op {
        final int size;
        final Opnd a;
        final int reg;

        Xchg(int size, Opnd a, int reg) {
            this.size = size;
            this.a = a;
            this.reg = reg;
        }

        @Override
        int flagEffects() {
            return a.isMem() ? MAY_FAULT : 0;
        }

        @Override
        void exec(Cpu c) {
            if (a.kind == Opnd.MEM) {
                long ea = a.ea(c);
                long m = c.rd(size, ea);
                c.wr(size, ea, c.getReg(size, reg));
                c.setReg(size, reg, m);
            } else {
                long x = c.getReg(size, a.reg), y = c.getReg(size, reg);
                c.setReg(size, a.reg, y);
                c.setReg(size, reg, x);
            }
        }
    }

    /** CMOVcc: the source is read (and may fault) whatever the condition; 32-bit always zero-extends. */
    static final class Cmov extends Op {
        final int cc, size, dst;
        final Opnd src;

        Cmov(int cc, int size, int dst, Opnd src) {
            this.cc = cc;
            this.size = size;
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            long v = src.read(c, size);
            if (c.cond(cc)) {
                c.setReg(size, dst, v);
            } else if (size == 4) {
                c.r[dst] &= 0xffffffffL;
            }
        }
    }

    static final class Setcc extends Op {
        final int cc;
        final Opnd dst;

        Setcc(int cc, Opnd dst) {
            this.cc = cc;
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            dst.write(c, 1, c.cond(cc) ? 1 : 0);
        }
    }

    static final class Bswap extends Op {
        final int size, reg;

        Bswap(int size, int reg) {
            this.size = size;
            this.reg = reg;
        }

        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
            if (size == 8) {
                c.r[reg] = Long.reverseBytes(c.r[reg]);
            } else if (size == 4) {
                c.r[reg] = Integer.reverseBytes((int) c.r[reg]) & 0xffffffffL;
            } else {
                c.r[reg] &= ~0xffffL; // BSWAP r16 is undefined; this CPU (AMD and Intel alike) zeroes the low word
            }
        }
    }

    /** CBW/CWDE/CDQE (kind 0) and CWD/CDQ/CQO (kind 1). */
    static final class Convert extends Op {
        final int kind, size;

        Convert(int kind, int size) {
            this.kind = kind;
            this.size = size;
        }

        @Override
        int flagEffects() {
            return 0;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            int half = size >> 1;
            if (kind == 0) {
                c.setReg(size, 0, Cpu.sext(half, r[0]));
            } else {
                c.setReg(size, 2, Cpu.signOf(size, r[0]) ? -1L : 0);
            }
        }
    }

    static final class PushR extends Op {
        final int reg;

        PushR(int reg) {
            this.reg = reg;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long sp = r[4] - 8;
            c.wr64(sp, r[reg]);
            r[4] = sp;
        }
    }

    static final class PopR extends Op {
        final int reg;

        PopR(int reg) {
            this.reg = reg;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long v = c.rd64(r[4]);
            r[4] += 8;
            r[reg] = v;
        }
    }

    /** PUSH of any operand with a 16- or 64-bit stack operand size. */
    static final class Push extends Op {
        final int size;
        final Opnd src;

        Push(int size, Opnd src) {
            this.size = size;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            long v = src.kind == Opnd.IMM ? src.imm : src.read(c, size);
            long sp = c.r[4] - size;
            c.wr(size, sp, v);
            c.r[4] = sp;
        }
    }

    /** POP to any operand; a memory destination's address uses the incremented RSP (SDM POP). */
    static final class Pop extends Op {
        final int size;
        final Opnd dst;

        Pop(int size, Opnd dst) {
            this.size = size;
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            long old = c.r[4];
            long v = c.rd(size, old);
            if (dst.kind == Opnd.MEM) {
                c.r[4] = old + size;
                try {
                    dst.write(c, size, v);
                } catch (CpuException e) {
                    c.r[4] = old;
                    throw e;
                }
            } else {
                c.r[4] = old + size;
                c.setReg(size, dst.reg, v);
            }
        }
    }

    static final class Leave extends Op {
        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long v = c.rd64(r[5]);
            r[4] = r[5] + 8;
            r[5] = v;
        }
    }

    /** ENTER imm16, imm8 with a 64-bit frame (SDM ENTER, nesting level mod 32). */
    static final class Enter extends Op {
        final int alloc, level;

        Enter(int alloc, int level) {
            this.alloc = alloc;
            this.level = level & 31;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long rsp = r[4], rbp = r[5];
            long sp = rsp - 8;
            c.wr64(sp, rbp);
            long frame = sp;
            for (int i = 1; i < level; i++) {
                long v = c.rd64(rbp - 8L * i);
                sp -= 8;
                c.wr64(sp, v);
            }
            if (level > 0) {
                sp -= 8;
                c.wr64(sp, frame);
            }
            sp -= alloc;
            c.probeWrite(sp, 1);
            r[5] = frame;
            r[4] = sp;
        }
    }

    /** CMPXCHG r/m, r (SDM: the destination is written in both outcomes when it is memory). */
    static final class Cmpxchg extends Op {
        final int size, reg;
        final Opnd dst;

        Cmpxchg(int size, Opnd dst, int reg) {
            this.size = size;
            this.dst = dst;
            this.reg = reg;
        }

        @Override
        void exec(Cpu c) {
            long ea = dst.kind == Opnd.MEM ? dst.ea(c) : 0;
            long d = dst.kind == Opnd.MEM ? c.rd(size, ea) : c.getReg(size, dst.reg);
            long acc = c.getReg(size, 0);
            if (acc == d) {
                long s = c.getReg(size, reg);
                if (dst.kind == Opnd.MEM) {
                    c.wr(size, ea, s);
                } else {
                    c.setReg(size, dst.reg, s);
                }
            } else {
                if (dst.kind == Opnd.MEM) {
                    c.wr(size, ea, d);
                }
                c.setReg(size, 0, d);
            }
            c.lazy(Cpu.L_SUB, size, acc, d, acc - d);
        }
    }

    static final class Xadd extends Op {
        final int size, reg;
        final Opnd dst;

        Xadd(int size, Opnd dst, int reg) {
            this.size = size;
            this.dst = dst;
            this.reg = reg;
        }

        @Override
        void exec(Cpu c) {
            long ea = dst.kind == Opnd.MEM ? dst.ea(c) : 0;
            long d = dst.kind == Opnd.MEM ? c.rd(size, ea) : c.getReg(size, dst.reg);
            long s = c.getReg(size, reg);
            long sum = d + s;
            if (dst.kind == Opnd.MEM) {
                c.wr(size, ea, sum);
                c.setReg(size, reg, d);
            } else {
                c.setReg(size, reg, d);
                c.setReg(size, dst.reg, sum);
            }
            c.lazy(Cpu.L_ADD, size, d, s, sum);
        }
    }

    /** MOV [memory], imm for 32/64-bit operands (imm32 sign-extended for 64). */
    static final class StoreImm extends Op {
        final int size;
        final long imm;
        final Opnd m;

        StoreImm(int size, Opnd m, long imm) {
            this.size = size;
            this.m = m;
            this.imm = imm;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            if (size == 8) {
                c.wr64(m.ea(c), imm);
            } else {
                c.wr32(m.ea(c), imm);
            }
        }
    }

    /** MOV byte [memory], r8. */
    static final class Store8 extends Op {
        final int src;
        final Opnd m;

        Store8(Opnd m, int src) {
            this.src = src;
            this.m = m;
        }

        @Override
        int flagEffects() {
            return MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            c.wr8(m.ea(c), c.getReg(1, src));
        }
    }
}
