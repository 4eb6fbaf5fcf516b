package io.kprobelab.machine.internal;

/**
 * A decoded operand: a register (with AH..BH as 16..19 for byte operands), a memory reference
 * (base + index * scale + disp, segment base, 32-bit address size), or an immediate.
 * Final and non-virtual so that ops stay monomorphic.
 */
final class Opnd {
    static final int REG = 0, MEM = 1, IMM = 2;

    final int kind;
    final int reg;
    final int base, index, scale;
    final long disp;
    /** 0 none, 1 FS, 2 GS. */
    final int seg;
    final boolean a32;
    final long imm;

    private Opnd(int kind, int reg, int base, int index, int scale, long disp, int seg, boolean a32, long imm) {
        this.kind = kind;
        this.reg = reg;
        this.base = base;
        this.index = index;
        this.scale = scale;
        this.disp = disp;
        this.seg = seg;
        this.a32 = a32;
        this.imm = imm;
    }

    static Opnd reg(int r) {
        return new Opnd(REG, r, -1, -1, 0, 0, 0, false, 0);
    }

    static Opnd mem(int base, int index, int scale, long disp, int seg, boolean a32) {
        return new Opnd(MEM, -1, base, index, scale, disp, seg, a32, 0);
    }

    static Opnd imm(long v) {
        return new Opnd(IMM, -1, -1, -1, 0, 0, 0, false, v);
    }

    boolean isMem() {
        return kind == MEM;
    }

    long ea(Cpu c) {
        long a = disp;
        if (base >= 0) {
            a += c.r[base];
        }
        if (index >= 0) {
            a += c.r[index] << scale;
        }
        if (a32) {
            a &= 0xffffffffL;
        }
        if (seg != 0) {
            a += seg == 1 ? c.fsBase : c.gsBase;
        }
        return a;
    }

    /** Reads the operand, zero-extended from {@code size} bytes. */
    long read(Cpu c, int size) {
        switch (kind) {
            case REG: return c.getReg(size, reg);
            case MEM: return c.rd(size, ea(c));
            default: return imm & Cpu.mask(size);
        }
    }

    void write(Cpu c, int size, long v) {
        if (kind == REG) {
            c.setReg(size, reg, v);
        } else {
            c.wr(size, ea(c), v);
        }
    }
}
