package io.kprobelab.machine.internal;

/**
 * Two-operand integer arithmetic and logic (ADD OR ADC SBB AND SUB XOR CMP TEST), the unary
 * group (INC DEC NOT NEG) and their flag semantics (SDM Vol. 2 instruction pages). Results are
 * written before the flags so that a faulting store leaves RFLAGS untouched.
 */
final class AluOps {

    static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7, TEST = 8;
    static final int INC = 0, DEC = 1, NOT = 2, NEG = 3;

    private AluOps() {
    }

    /** Computes {@code a op b} and records the flags; {@code cin} is the carry in for ADC/SBB. */
    static long apply(Cpu c, int kind, int size, long a, long b, long cin) {
        long r;
        switch (kind) {
            case ADD: r = a + b; c.lazy(Cpu.L_ADD, size, a, b, r); return r;
            case OR: r = a | b; c.lazy(Cpu.L_LOGIC, size, a, b, r); return r;
            case ADC: r = a + b + cin; c.lazy(Cpu.L_ADC, size, a, b, r); c.lzC = cin; return r;
            case SBB: r = a - b - cin; c.lazy(Cpu.L_SBB, size, a, b, r); c.lzC = cin; return r;
            case AND: case TEST: r = a & b; c.lazy(Cpu.L_LOGIC, size, a, b, r); return r;
            case XOR: r = a ^ b; c.lazy(Cpu.L_LOGIC, size, a, b, r); return r;
            default: r = a - b; c.lazy(Cpu.L_SUB, size, a, b, r); return r;
        }
    }

    static long compute(int kind, long a, long b, long cin) {
        switch (kind) {
            case ADD: return a + b;
            case OR: return a | b;
            case ADC: return a + b + cin;
            case SBB: return a - b - cin;
            case AND: case TEST: return a & b;
            case XOR: return a ^ b;
            default: return a - b;
        }
    }

    /** Generic form: any destination, any source. */
    static final class Alu extends Op {
        final int kind, size;
        final Opnd dst, src;

        Alu(int kind, int size, Opnd dst, Opnd src) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
            this.src = src;
        }

        @Override
        int flagEffects() {
            return ((kind == ADC || kind == SBB) ? READS : 0) | WRITES_ALL | (dst.isMem() || src.isMem() ? MAY_FAULT : 0);
        }

        @Override
        void exec(Cpu c) {
            long cin = (kind == ADC || kind == SBB) ? c.getCF() : 0;
            if (dst.kind == Opnd.MEM) {
                long ea = dst.ea(c);
                long a = c.rd(size, ea);
                long b = src.read(c, size);
                long r = compute(kind, a, b, cin);
                if (kind != CMP && kind != TEST) {
                    c.wr(size, ea, r);
                }
                apply(c, kind, size, a, b, cin);
            } else {
                long a = c.getReg(size, dst.reg);
                long b = src.read(c, size);
                long r = apply(c, kind, size, a, b, cin);
                if (kind != CMP && kind != TEST) {
                    c.setReg(size, dst.reg, r);
                }
            }
        }
    }

    /** 64-bit register-register ADD/SUB/AND/OR/XOR/CMP/TEST: the hottest form. */
    static final class Alu64RR extends Op {
        final int kind, dst, src;

        Alu64RR(int kind, int dst, int src) {
            this.kind = kind;
            this.dst = dst;
            this.src = src;
        }

        @Override
        int flagEffects() {
            return ((kind == ADC || kind == SBB) ? READS : 0) | WRITES_ALL;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long a = r[dst], b = r[src];
            long cin = (kind == ADC || kind == SBB) ? c.getCF() : 0;
            long res = apply(c, kind, 8, a, b, cin);
            if (kind != CMP && kind != TEST) {
                r[dst] = res;
            }
        }
    }

    /** 32-bit register-register form (result zero-extends). */
    static final class Alu32RR extends Op {
        final int kind, dst, src;

        Alu32RR(int kind, int dst, int src) {
            this.kind = kind;
            this.dst = dst;
            this.src = src;
        }

        @Override
        int flagEffects() {
            return ((kind == ADC || kind == SBB) ? READS : 0) | WRITES_ALL;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long a = r[dst] & 0xffffffffL, b = r[src] & 0xffffffffL;
            long cin = (kind == ADC || kind == SBB) ? c.getCF() : 0;
            long res = apply(c, kind, 4, a, b, cin);
            if (kind != CMP && kind != TEST) {
                r[dst] = res & 0xffffffffL;
            }
        }
    }

    /** Register-immediate form for 32/64-bit operands. */
    static final class AluRI extends Op {
        final int kind, size, dst;
        final long imm;

        AluRI(int kind, int size, int dst, long imm) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
            this.imm = imm & Cpu.mask(size);
        }

        @Override
        int flagEffects() {
            return ((kind == ADC || kind == SBB) ? READS : 0) | WRITES_ALL;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long m = Cpu.mask(size);
            long a = r[dst] & m;
            long cin = (kind == ADC || kind == SBB) ? c.getCF() : 0;
            long res = apply(c, kind, size, a, imm, cin);
            if (kind != CMP && kind != TEST) {
                r[dst] = res & m;
            }
        }
    }

    /** Register op [memory] for 32/64-bit operands. */
    static final class AluRM extends Op {
        final int kind, size, dst;
        final Opnd src;

        AluRM(int kind, int size, int dst, Opnd src) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
            this.src = src;
        }

        @Override
        int flagEffects() {
            return ((kind == ADC || kind == SBB) ? READS : 0) | WRITES_ALL | MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long m = Cpu.mask(size);
            long b = size == 8 ? c.rd64(src.ea(c)) : c.rd32(src.ea(c));
            long a = r[dst] & m;
            long cin = (kind == ADC || kind == SBB) ? c.getCF() : 0;
            long res = apply(c, kind, size, a, b, cin);
            if (kind != CMP && kind != TEST) {
                r[dst] = res & m;
            }
        }
    }

    /** INC DEC NOT NEG on any operand. */
    static final class Unary extends Op {
        final int kind, size;
        final Opnd dst;

        Unary(int kind, int size, Opnd dst) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
        }

        @Override
        int flagEffects() {
            return (kind == NEG ? WRITES_ALL : kind == NOT ? 0 : READS) | (dst.isMem() ? MAY_FAULT : 0);
        }

        @Override
        void exec(Cpu c) {
            long ea = dst.kind == Opnd.MEM ? dst.ea(c) : 0;
            long a = dst.kind == Opnd.MEM ? c.rd(size, ea) : c.getReg(size, dst.reg);
            long r;
            switch (kind) {
                case INC: r = a + 1; break;
                case DEC: r = a - 1; break;
                case NOT: r = ~a; break;
                default: r = -a;
            }
            if (dst.kind == Opnd.MEM) {
                c.wr(size, ea, r);
            } else {
                c.setReg(size, dst.reg, r);
            }
            switch (kind) {
                case INC: {
                    long cf = flagsDead ? 0 : c.getCF();
                    c.lazy(Cpu.L_INC, size, a, 1, r);
                    c.lzC = cf;
                    break;
                }
                case DEC: {
                    long cf = flagsDead ? 0 : c.getCF();
                    c.lazy(Cpu.L_DEC, size, a, 1, r);
                    c.lzC = cf;
                    break;
                }
                case NEG:
                    c.lazy(Cpu.L_SUB, size, 0, a, r);
                    break;
                default: // NOT changes no flags
            }
        }
    }

    /** [memory] op= reg|imm for 32/64-bit operands (the -O0 and counter-update form). */
    static final class AluM extends Op {
        final int kind, size, src;
        final long imm, mask;
        final Opnd dst;

        AluM(int kind, int size, Opnd dst, int src, long imm) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
            this.src = src;
            this.mask = Cpu.mask(size);
            this.imm = imm & mask;
        }

        @Override
        int flagEffects() {
            return ((kind == ADC || kind == SBB) ? READS : 0) | WRITES_ALL | MAY_FAULT;
        }

        @Override
        void exec(Cpu c) {
            long ea = dst.ea(c);
            long a = size == 8 ? c.rd64(ea) : c.rd32(ea);
            long b = src >= 0 ? c.r[src] & mask : imm;
            long cin = (kind == ADC || kind == SBB) ? c.getCF() : 0;
            if (kind != CMP && kind != TEST) {
                long r = compute(kind, a, b, cin);
                if (size == 8) {
                    c.wr64(ea, r);
                } else {
                    c.wr32(ea, r);
                }
            }
            apply(c, kind, size, a, b, cin);
        }
    }

    /** INC DEC NOT NEG of a 32/64-bit register. */
    static final class UnaryR extends Op {
        final int kind, size, reg;
        final long mask;

        UnaryR(int kind, int size, int reg) {
            this.kind = kind;
            this.size = size;
            this.reg = reg;
            this.mask = Cpu.mask(size);
        }

        @Override
        int flagEffects() {
            return kind == NEG ? WRITES_ALL : kind == NOT ? 0 : READS;
        }

        @Override
        void exec(Cpu c) {
            long[] r = c.r;
            long a = r[reg] & mask;
            switch (kind) {
                case INC: {
                    long res = a + 1;
                    r[reg] = res & mask;
                    if (!flagsDead) {
                        long cf = c.getCF();
                        c.lazy(Cpu.L_INC, size, a, 1, res);
                        c.lzC = cf;
                    }
                    return;
                }
                case DEC: {
                    long res = a - 1;
                    r[reg] = res & mask;
                    if (!flagsDead) {
                        long cf = c.getCF();
                        c.lazy(Cpu.L_DEC, size, a, 1, res);
                        c.lzC = cf;
                    }
                    return;
                }
                case NOT:
                    r[reg] = ~a & mask;
                    return;
                default: {
                    long res = -a;
                    r[reg] = res & mask;
                    if (!flagsDead) {
                        c.lazy(Cpu.L_SUB, size, 0, a, res);
                    }
                }
            }
        }
    }
}
