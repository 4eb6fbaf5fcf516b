package io.kprobelab.machine.internal;

/**
 * Shifts and rotates (group 2: ROL ROR RCL RCR SHL SHR SAL SAR) and SHLD/SHRD, following the
 * pseudo-code of SDM Vol. 2B "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR" and "SHLD"/"SHRD". A masked
 * count of zero changes no flags. Flags the SDM leaves undefined are computed the way this
 * project's reference hosts do (see ShiftOps tests' mask table for what is compared).
 */
final class ShiftOps {

    static final int ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;

    private ShiftOps() {
    }

    /** Shift or rotate {@code dst} by an immediate count or by CL ({@code count < 0}). */
    static final class Shift extends Op {
        final int kind, size, count;
        final Opnd dst;

        Shift(int kind, int size, Opnd dst, int count) {
            this.kind = kind;
            this.size = size;
            this.dst = dst;
            this.count = count;
        }

        @Override
        int flagEffects() {
            boolean shift = kind == SHL || kind == SAL || kind == SHR || kind == SAR;
            int masked = count < 0 ? 0 : count & (size == 8 ? 63 : 31);
            return (kind == RCL || kind == RCR ? READS : 0) | (shift && masked != 0 ? WRITES_ALL : 0)
                    | (dst.isMem() ? MAY_FAULT : 0);
        }

        @Override
        void exec(Cpu c) {
            int cnt = (count < 0 ? (int) c.r[1] : count) & (size == 8 ? 63 : 31);
            boolean mem = dst.kind == Opnd.MEM;
            long ea = mem ? dst.ea(c) : 0;
            long a = mem ? c.rd(size, ea) : c.getReg(size, dst.reg);
            if (cnt == 0) {
                if (mem) {
                    c.probeWrite(ea, size); // the write cycle still happens architecturally
                } else if (size == 4) {
                    c.setReg(4, dst.reg, a); // a 32-bit destination is zero-extended even for count 0
                }
                return;
            }
            int bits = size << 3;
            long m = Cpu.mask(size);
            long r, f;
            switch (kind) {
                case SHL: case SAL: {
                    r = (a << cnt) & m;
                    long cf = cnt <= bits ? (a >>> (bits - cnt)) & 1 : 0;
                    long of = (Cpu.signOf(size, r) ? 1 : 0) ^ cf;
                    f = cf | (of != 0 ? Cpu.OF : 0) | Cpu.AF;
                    store(c, mem, ea, r);
                    if (!flagsDead) {
                        c.lazyRes(size, r, f);
                    }
                    return;
                }
                case SHR: {
                    r = a >>> cnt;
                    long cf = (a >>> (cnt - 1)) & 1;
                    // OF = MSB(r) ^ MSB-1(r): the SDM's count-1 value (MSB of the original); for
                    // larger counts (undefined) what AMD Zen does.
                    long of = Cpu.signOf(size, r ^ (r << 1)) ? Cpu.OF : 0;
                    f = cf | of | Cpu.AF;
                    store(c, mem, ea, r);
                    if (!flagsDead) {
                        c.lazyRes(size, r, f);
                    }
                    return;
                }
                case SAR: {
                    long sa = Cpu.sext(size, a);
                    r = (sa >> Math.min(cnt, 63)) & m;
                    long cf = (sa >> Math.min(cnt - 1, 63)) & 1;
                    f = cf | Cpu.AF;
                    store(c, mem, ea, r);
                    if (!flagsDead) {
                        c.lazyRes(size, r, f);
                    }
                    return;
                }
                case ROL: {
                    int t = cnt % bits;
                    r = t == 0 ? a : ((a << t) | (a >>> (bits - t))) & m;
                    long cf = r & 1;
                    long of = (Cpu.signOf(size, r) ? 1 : 0) ^ cf;
                    store(c, mem, ea, r);
                    if (!flagsDead) {
                        c.setArith(Cpu.CF | Cpu.OF, cf | (of != 0 ? Cpu.OF : 0));
                    }
                    return;
                }
                case ROR: {
                    int t = cnt % bits;
                    r = t == 0 ? a : ((a >>> t) | (a << (bits - t))) & m;
                    long cf = Cpu.signOf(size, r) ? 1 : 0;
                    long of = cf ^ ((r >>> (bits - 2)) & 1);
                    store(c, mem, ea, r);
                    if (!flagsDead) {
                        c.setArith(Cpu.CF | Cpu.OF, cf | (of != 0 ? Cpu.OF : 0));
                    }
                    return;
                }
                default: { // RCL, RCR: a (bits+1)-wide rotation through CF
                    int t = size == 1 ? cnt % 9 : size == 2 ? cnt % 17 : cnt;
                    long cf = c.getCF();
                    long of;
                    r = a;
                    if (kind == RCL) {
                        for (int i = 0; i < t; i++) {
                            long out = (r >>> (bits - 1)) & 1;
                            r = ((r << 1) | cf) & m;
                            cf = out;
                        }
                        of = (Cpu.signOf(size, r) ? 1 : 0) ^ cf;
                    } else {
                        for (int i = 0; i < t; i++) {
                            long out = r & 1;
                            r = (r >>> 1) | (cf << (bits - 1));
                            cf = out;
                        }
                        // SDM: for count 1, OF = MSB(dest) ^ CF before the rotation, which equals the
                        // two top bits of the result; other counts (undefined) use the same formula, as
                        // AMD Zen does, also for a full rotation (t == 0).
                        of = ((r >>> (bits - 1)) ^ (r >>> (bits - 2))) & 1;
                    }
                    store(c, mem, ea, r);
                    c.setArith(Cpu.CF | Cpu.OF, cf | (of != 0 ? Cpu.OF : 0));
                }
            }
        }

        private void store(Cpu c, boolean mem, long ea, long r) {
            if (mem) {
                c.wr(size, ea, r);
            } else {
                c.setReg(size, dst.reg, r);
            }
        }
    }

    /** SHLD/SHRD dst, reg, imm8/CL. */
    static final class DoubleShift extends Op {
        final boolean left;
        final int size, src, count;
        final Opnd dst;

        DoubleShift(boolean left, int size, Opnd dst, int src, int count) {
            this.left = left;
            this.size = size;
            this.dst = dst;
            this.src = src;
            this.count = count;
        }

        @Override
        void exec(Cpu c) {
            int cnt = (count < 0 ? (int) c.r[1] : count) & (size == 8 ? 63 : 31);
            boolean mem = dst.kind == Opnd.MEM;
            long ea = mem ? dst.ea(c) : 0;
            long a = mem ? c.rd(size, ea) : c.getReg(size, dst.reg);
            if (cnt == 0) {
                if (!mem && size == 4) {
                    c.setReg(4, dst.reg, a);
                }
                return;
            }
            long s = c.getReg(size, src);
            int bits = size << 3;
            long m = Cpu.mask(size);
            long r, cf;
            if (size == 8) {
                if (left) {
                    r = (a << cnt) | (s >>> (64 - cnt));
                    cf = (a >>> (64 - cnt)) & 1;
                } else {
                    r = (a >>> cnt) | (s << (64 - cnt));
                    cf = (a >>> (cnt - 1)) & 1;
                }
            } else if (size == 4) {
                if (left) {
                    long cat = (a << 32) | s;
                    r = (cat << cnt) >>> 32;
                    cf = (a >>> (32 - cnt)) & 1;
                } else {
                    long cat = (s << 32) | a;
                    r = (cat >>> cnt) & m;
                    cf = (a >>> (cnt - 1)) & 1;
                }
            } else {
                // 16-bit: counts above 16 are undefined; use the 48-bit d:s:d pattern of Intel cores.
                if (left) {
                    long cat = (a << 32) | (s << 16) | a;
                    r = (cat << cnt >>> 32) & m;
                    cf = (cat >>> (48 - cnt)) & 1;
                } else {
                    long cat = (a << 32) | (s << 16) | a;
                    r = (cat >>> cnt) & m;
                    cf = (cat >>> (cnt - 1)) & 1;
                }
            }
            r &= m;
            // Count 1: OF = sign change (SDM). Larger counts (undefined): AMD Zen's MSB(r) ^ CF for SHLD
            // and MSB(r) ^ MSB-1(r) for SHRD, which agree with the SDM at count 1.
            long of = Cpu.signOf(size, left ? r ^ (cf << ((size << 3) - 1)) : r ^ (r << 1)) ? Cpu.OF : 0;
            if (mem) {
                c.wr(size, ea, r);
            } else {
                c.setReg(size, dst.reg, r);
            }
            c.lazyRes(size, r, cf | of | Cpu.AF);
        }
    }

    /** SHL/SHR/SAR of a 32/64-bit register by a non-zero immediate: the hashing and indexing form. */
    static final class ShiftRI extends Op {
        final int kind, size, reg, cnt, bits;
        final long mask;

        ShiftRI(int kind, int size, int reg, int cnt) {
            this.kind = kind == SAL ? SHL : kind;
            this.size = size;
            this.reg = reg;
            this.cnt = cnt;
            this.bits = size << 3;
            this.mask = Cpu.mask(size);
        }

        @Override
        int flagEffects() {
            return WRITES_ALL;
        }

        @Override
        void exec(Cpu c) {
            long a = c.r[reg] & mask;
            long r, cf, of;
            if (kind == SHL) {
                r = (a << cnt) & mask;
                cf = (a >>> (bits - cnt)) & 1;
                of = (Cpu.signOf(size, r) ? 1 : 0) ^ cf;
            } else if (kind == SHR) {
                r = a >>> cnt;
                cf = (a >>> (cnt - 1)) & 1;
                of = Cpu.signOf(size, r ^ (r << 1)) ? 1 : 0; // see Shift: SHR
            } else {
                long sa = Cpu.sext(size, a);
                r = (sa >> cnt) & mask;
                cf = (sa >> (cnt - 1)) & 1;
                of = 0;
            }
            c.r[reg] = r;
            if (!flagsDead) {
                c.lazyRes(size, r, cf | (of != 0 ? Cpu.OF : 0) | Cpu.AF);
            }
        }
    }
}
