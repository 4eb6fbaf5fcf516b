package io.kprobelab.machine.internal;

import io.kprobelab.x86.Decoder;
import io.kprobelab.x86.Insn;
import java.util.ArrayList;

/**
 * Turns guest code into blocks of pre-decoded {@link Op}s: the x86 decoder gives the structure,
 * this class gives the meaning (opcode tables of SDM Vol. 2 App. A for 64-bit mode).
 */
final class Translator {

    /** Longest block; also bounds the latency of stop-machine requests. */
    static final int MAX_BLOCK = 64;

    private Translator() {
    }

    /** Decodes a block at virtual {@code rip} whose first byte is at physical {@code pa}. */
    static Block translate(Cpu c, long rip, int pa) {
        return translate(c, rip, pa, MAX_BLOCK);
    }

    /** As {@link #translate(Cpu, long, int)} with at most {@code max} instructions (1 for single-step). */
    static Block translate(Cpu c, long rip, int pa, int max) {
        Block b = new Block(rip);
        ArrayList<Op> ops = new ArrayList<>();
        byte[] mem = c.mem;
        byte[] buf = new byte[Decoder.MAX_LENGTH];
        long va = rip;
        int p = pa;
        long firstPpn = pa >>> 12;
        java.util.Map<Long, io.kprobelab.machine.HostFunction> host = c.phys.hostFunctions;
        while (true) {
            io.kprobelab.machine.HostFunction hf = host.isEmpty() ? null : host.get(va);
            if (hf != null) {
                if (!ops.isEmpty()) {
                    break; // a block of its own
                }
                Op op = new SystemOps.HostCall(hf);
                op.rip = va;
                op.next = va;
                ops.add(op);
                break;
            }
            int pageLeft = 4096 - (p & 0xfff);
            // A page with hidden text patches is decoded from its fetch view (TextPatch).
            byte[] view = c.phys.fetchView(p);
            byte[] src = view == null ? mem : view;
            int at = view == null ? p : p & 0xfff;
            Insn in;
            if (pageLeft >= Decoder.MAX_LENGTH) {
                in = Decoder.decode(src, at, Decoder.MAX_LENGTH, va);
            } else {
                in = Decoder.decode(src, at, pageLeft, va);
                if (in.status() == Insn.Status.TRUNCATED) {
                    // The instruction continues on the next page: fetch it (may fault).
                    long nextVa = va + pageLeft;
                    int pa2;
                    try {
                        pa2 = c.xlateFetch(nextVa);
                    } catch (CpuException e) {
                        if (ops.isEmpty()) {
                            throw e;
                        }
                        break;
                    }
                    c.phys.fetch(p, buf, 0, pageLeft);
                    c.phys.fetch(pa2, buf, pageLeft, Decoder.MAX_LENGTH - pageLeft);
                    in = Decoder.decode(buf, 0, Decoder.MAX_LENGTH, va);
                    if (in.length() > pageLeft) {
                        b.ppn2 = pa2 >>> 12;
                        b.vpn2 = nextVa >>> 12;
                    }
                }
            }
            Op op = in.isValid() ? op(in) : null;
            if (op == null && in.status() == Insn.Status.TRUNCATED) {
                op = new SystemOps.TooLong(); // more than 15 bytes: #GP(0) (SDM Vol. 2A §2.3.11)
            } else if (op == null) {
                op = new SystemOps.Undefined(undefinedMessage(in));
            }
            int len = Math.max(in.length(), 1);
            long next = va + len;
            // Superblocks: a direct JMP/CALL to the same page continues the block at its target
            // (the op then only does its side effect; RIP is only needed at the block's end).
            long follow = -1;
            if (max > 1 && b.ppn2 < 0 && ops.size() < max - 1) {
                if (op instanceof BranchOps.Jmp && (((BranchOps.Jmp) op).target >>> 12) == (rip >>> 12)) {
                    follow = ((BranchOps.Jmp) op).target;
                    op = new SystemOps.Nop();
                } else if (op instanceof BranchOps.Call && (((BranchOps.Call) op).target >>> 12) == (rip >>> 12)) {
                    follow = ((BranchOps.Call) op).target;
                    op = new BranchOps.PushReturn();
                }
            }
            if (!c.phys.executionHooks.isEmpty()) {
                io.kprobelab.machine.ExecutionHook[] hooks = c.phys.executionHooks.get(va);
                if (hooks != null) {
                    op.rip = va;
                    op.next = next;
                    op.idx = ops.size();
                    op = new SystemOps.Hooked(hooks, op);
                }
            }
            op.rip = va;
            op.next = next;
            op.idx = ops.size();
            ops.add(op);
            if (follow != -1) {
                p = (int) ((firstPpn << 12) | (follow & 0xfff));
                va = follow;
                continue;
            }
            va = next;
            p += len;
            if (op.endsBlock() || ops.size() >= max || b.ppn2 >= 0 || (p & 0xfff) == 0
                    || (p >>> 12) != firstPpn) {
                break;
            }
        }
        b.count = ops.size();
        if (max > 1) {
            fuseCompareBranch(ops);
        }
        b.ops = ops.toArray(new Op[0]);
        b.endRip = va;
        markDeadFlags(b.ops);
        CodePage cp = c.phys.codePage(firstPpn);
        if (max == MAX_BLOCK) {
            cp.at[pa & 0xfff] = b;
        }
        cp.all.add(b);
        if (b.ppn2 >= 0) {
            c.phys.codePage(b.ppn2).all.add(b);
        }
        return b;
    }

    /** Replaces a final "ALU reg, reg|imm; Jcc" pair by one {@link BranchOps.AluJcc}. */
    private static void fuseCompareBranch(ArrayList<Op> ops) {
        int n = ops.size();
        if (n < 2 || !(ops.get(n - 1) instanceof BranchOps.Jcc)) {
            return;
        }
        BranchOps.Jcc j = (BranchOps.Jcc) ops.get(n - 1);
        Op p = ops.get(n - 2);
        Op fused = null;
        if (p instanceof AluOps.Alu64RR) {
            AluOps.Alu64RR a = (AluOps.Alu64RR) p;
            fused = fusable(a.kind) ? new BranchOps.AluJcc(a.kind, 8, a.dst, a.src, 0, j.cc, j.target) : null;
        } else if (p instanceof AluOps.Alu32RR) {
            AluOps.Alu32RR a = (AluOps.Alu32RR) p;
            fused = fusable(a.kind) ? new BranchOps.AluJcc(a.kind, 4, a.dst, a.src, 0, j.cc, j.target) : null;
        } else if (p instanceof AluOps.AluRI) {
            AluOps.AluRI a = (AluOps.AluRI) p;
            fused = fusable(a.kind) ? new BranchOps.AluJcc(a.kind, a.size, a.dst, -1, a.imm, j.cc, j.target) : null;
        }
        if (fused != null) {
            fused.rip = p.rip;
            fused.next = p.next;
            fused.idx = p.idx;
            ops.remove(n - 1);
            ops.set(n - 2, fused);
        }
    }

    private static boolean fusable(int kind) {
        return kind != AluOps.ADC && kind != AluOps.SBB;
    }

    /**
     * Backward flag liveness over a block: flags are live at the block's end and before any op
     * that may fault (a trap frame shows them); an op whose flags are dead may skip them.
     */
    static void markDeadFlags(Op[] ops) {
        boolean live = true;
        for (int i = ops.length - 1; i >= 0; i--) {
            Op op = ops[i];
            int e = op.flagEffects();
            op.flagsDead = !live && (e & Op.MAY_FAULT) == 0;
            live = (e & (Op.READS | Op.MAY_FAULT)) != 0 || (live && (e & Op.WRITES_ALL) == 0);
        }
    }

    static String undefinedMessage(Insn in) {
        StringBuilder sb = new StringBuilder("invalid opcode: ");
        int n = Math.max(1, Math.min(in.length(), Decoder.MAX_LENGTH));
        byte[] bytes = in.bytes();
        for (int i = 0; i < Math.min(n, bytes.length); i++) {
            sb.append(String.format("%02x ", bytes[i] & 0xff));
        }
        String text = formatted(in);
        return sb.toString().trim() + (text == null ? "" : " (" + text + ")");
    }

    /** The Intel-syntax text, if the x86 bundle has a formatter (looked up reflectively: optional). */
    private static String formatted(Insn in) {
        try {
            Class<?> f = Class.forName("io.kprobelab.x86.Formatter");
            for (java.lang.reflect.Method m : f.getMethods()) {
                if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getReturnType() == String.class
                        && m.getParameterCount() == 1 && m.getParameterTypes()[0] == Insn.class) {
                    return (String) m.invoke(null, in);
                }
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // no formatter: the bytes alone
        }
        return null;
    }

    // ------------------------------------------------------------------ operands

    static int seg(Insn in) {
        return in.segment() == Insn.SEG_FS ? 1 : in.segment() == Insn.SEG_GS ? 2 : 0;
    }

    /** A register number for a byte operand: AH..BH (16..19) when there is no REX. */
    private static int breg(Insn in, int n) {
        return in.rex() == 0 && n >= 4 && n <= 7 ? 16 + n - 4 : n;
    }

    static Opnd mem(Insn in) {
        if (in.ripRelative()) {
            long a = in.address() + in.length() + in.disp();
            if (in.addressSize() == 32) {
                a &= 0xffffffffL;
            }
            return Opnd.mem(-1, -1, 0, a, seg(in), false);
        }
        return Opnd.mem(in.base(), in.index(), in.scale(), in.disp(), seg(in), in.addressSize() == 32);
    }

    /** The ModRM r/m operand of {@code size} bytes. */
    private static Opnd rm(Insn in, int size) {
        if (in.mod() == 3) {
            return Opnd.reg(size == 1 ? breg(in, in.rm()) : in.rm());
        }
        return mem(in);
    }

    private static int regField(Insn in, int size) {
        return size == 1 ? breg(in, in.reg()) : in.reg();
    }

    private static int vsize(Insn in) {
        return in.operandSize() >> 3;
    }

    // ------------------------------------------------------------------ opcodes

    /** The op for a valid instruction, or null for an unsupported one (#UD). */
    static Op op(Insn in) {
        if (in.encoding() != Insn.ENC_LEGACY) {
            return null;
        }
        switch (in.map()) {
            case Insn.MAP_ONE_BYTE: return oneByte(in);
            case Insn.MAP_0F: return twoByte(in);
            default: return null;
        }
    }

    private static Op alu(int kind, int size, Opnd dst, Opnd src) {
        if (dst.kind == Opnd.REG && (size == 8 || size == 4)) {
            if (src.kind == Opnd.REG) {
                return size == 8 ? new AluOps.Alu64RR(kind, dst.reg, src.reg) : new AluOps.Alu32RR(kind, dst.reg, src.reg);
            }
            if (src.kind == Opnd.IMM) {
                return new AluOps.AluRI(kind, size, dst.reg, src.imm);
            }
            return new AluOps.AluRM(kind, size, dst.reg, src);
        }
        if (dst.kind == Opnd.MEM && (size == 8 || size == 4) && src.kind != Opnd.MEM) {
            return new AluOps.AluM(kind, size, dst, src.kind == Opnd.REG ? src.reg : -1, src.imm);
        }
        return new AluOps.Alu(kind, size, dst, src);
    }

    private static Op mov(int size, Opnd dst, Opnd src) {
        if (dst.kind == Opnd.REG && (size == 8 || size == 4)) {
            if (src.kind == Opnd.REG) {
                return size == 8 ? new MoveOps.MovRR64(dst.reg, src.reg) : new MoveOps.MovRR32(dst.reg, src.reg);
            }
            if (src.kind == Opnd.IMM) {
                return new MoveOps.MovRI(dst.reg, src.imm & Cpu.mask(size));
            }
            return size == 8 ? new MoveOps.Load64(dst.reg, src) : new MoveOps.Load32(dst.reg, src);
        }
        if (dst.kind == Opnd.MEM && src.kind == Opnd.REG && (size == 8 || size == 4)) {
            return size == 8 ? new MoveOps.Store64(dst, src.reg) : new MoveOps.Store32(dst, src.reg);
        }
        if (dst.kind == Opnd.MEM && src.kind == Opnd.IMM && (size == 8 || size == 4)) {
            return new MoveOps.StoreImm(size, dst, src.imm);
        }
        if (dst.kind == Opnd.MEM && src.kind == Opnd.REG && size == 1) {
            return new MoveOps.Store8(dst, src.reg);
        }
        return new MoveOps.Mov(size, dst, src);
    }

    /** MOVZX/MOVSX/MOVSXD with the common forms specialised. */
    private static Op ext(int dstSize, int dst, int srcSize, Opnd src, boolean signed) {
        if (dstSize >= 4) {
            if (src.kind == Opnd.REG) {
                return new MoveOps.ExtRR(dstSize, dst, srcSize, src.reg, signed);
            }
            if (srcSize == 1 && !signed) {
                return new MoveOps.LoadZx8(dst, src);
            }
        }
        return new MoveOps.MovExt(dstSize, dst, srcSize, src, signed);
    }

    private static Op oneByte(Insn in) {
        int op = in.opcode();
        int v = vsize(in);
        int rep = in.lastRepPrefix() == 0xf3 ? StringOps.REP_E
                : in.lastRepPrefix() == 0xf2 ? StringOps.REP_NE : StringOps.REP_NONE;
        if (op < 0x40 && (op & 7) < 6) {
            int kind = op >> 3;
            switch (op & 7) {
                case 0: return alu(kind, 1, rm(in, 1), Opnd.reg(regField(in, 1)));
                case 1: return alu(kind, v, rm(in, v), Opnd.reg(in.reg()));
                case 2: return alu(kind, 1, Opnd.reg(regField(in, 1)), rm(in, 1));
                case 3: return alu(kind, v, Opnd.reg(in.reg()), rm(in, v));
                case 4: return alu(kind, 1, Opnd.reg(0), Opnd.imm(in.imm()));
                default: return alu(kind, v, Opnd.reg(0), Opnd.imm(in.imm()));
            }
        }
        if (op >= 0x50 && op <= 0x57) {
            int r = (op & 7) | ((in.rex() & 1) << 3);
            return v == 2 ? new MoveOps.Push(2, Opnd.reg(r)) : new MoveOps.PushR(r);
        }
        if (op >= 0x58 && op <= 0x5f) {
            int r = (op & 7) | ((in.rex() & 1) << 3);
            return v == 2 ? new MoveOps.Pop(2, Opnd.reg(r)) : new MoveOps.PopR(r);
        }
        if (op >= 0x70 && op <= 0x7f) {
            return new BranchOps.Jcc(op & 15, in.branchTarget());
        }
        if (op >= 0x91 && op <= 0x97 || op == 0x90 && (in.rex() & 1) != 0) {
            int r = (op & 7) | ((in.rex() & 1) << 3);
            return new MoveOps.Xchg(v, Opnd.reg(0), r);
        }
        if (op >= 0xb0 && op <= 0xb7) {
            int r = (op & 7) | ((in.rex() & 1) << 3);
            return new MoveOps.Mov(1, Opnd.reg(breg(in, r)), Opnd.imm(in.imm()));
        }
        if (op >= 0xb8 && op <= 0xbf) {
            int r = (op & 7) | ((in.rex() & 1) << 3);
            return mov(v, Opnd.reg(r), Opnd.imm(in.imm()));
        }
        switch (op) {
            case 0x63:
                return in.rexW() ? ext(8, in.reg(), 4, rm(in, 4), true)
                        : mov(v, Opnd.reg(in.reg()), rm(in, v));
            case 0x68: return new MoveOps.Push(v == 2 ? 2 : 8, Opnd.imm(in.imm()));
            case 0x6a: return new MoveOps.Push(v == 2 ? 2 : 8, Opnd.imm(in.imm()));
            case 0x69: case 0x6b: return imul(v, in.reg(), rm(in, v), true, in.imm());
            case 0x80: return alu(in.reg() & 7, 1, rm(in, 1), Opnd.imm(in.imm()));
            case 0x81: case 0x83: return alu(in.reg() & 7, v, rm(in, v), Opnd.imm(in.imm()));
            case 0x84: return alu(AluOps.TEST, 1, rm(in, 1), Opnd.reg(regField(in, 1)));
            case 0x85: return alu(AluOps.TEST, v, rm(in, v), Opnd.reg(in.reg()));
            case 0x86: return new MoveOps.Xchg(1, rm(in, 1), regField(in, 1));
            case 0x87: return new MoveOps.Xchg(v, rm(in, v), in.reg());
            case 0x88: return mov(1, rm(in, 1), Opnd.reg(regField(in, 1)));
            case 0x89: return mov(v, rm(in, v), Opnd.reg(in.reg()));
            case 0x8a: return mov(1, Opnd.reg(regField(in, 1)), rm(in, 1));
            case 0x8b: return mov(v, Opnd.reg(in.reg()), rm(in, v));
            case 0x8c: return new SystemOps.Descriptor(SystemOps.Descriptor.MOV_FROM_SREG, rm(in, v), in.reg() & 7, v);
            case 0x8e: return new SystemOps.Descriptor(SystemOps.Descriptor.MOV_TO_SREG, rm(in, 2), in.reg() & 7, 2);
            case 0x8d:
                if (in.mod() == 3) {
                    return null;
                }
                Opnd m = mem(in);
                return v == 8 && m.seg == 0 && !m.a32 ? new MoveOps.Lea64(in.reg(), m) : new MoveOps.Lea(v, in.reg(), m.seg == 0 ? m : Opnd.mem(m.base, m.index, m.scale, m.disp, 0, m.a32));
            case 0x8f: return (in.reg() & 7) == 0 ? new MoveOps.Pop(v == 2 ? 2 : 8, rm(in, v == 2 ? 2 : 8)) : null;
            case 0x90:
                return new SystemOps.Nop(); // NOP, PAUSE (F3 90); with REX.B it is XCHG (handled above)
            case 0x98: return new MoveOps.Convert(0, v);
            case 0x99: return new MoveOps.Convert(1, v);
            case 0x9c: return new SystemOps.Pushf(v == 2 ? 2 : 8);
            case 0x9d: return new SystemOps.Popf(v == 2 ? 2 : 8);
            case 0x9e: return new SystemOps.Sahf();
            case 0x9f: return new SystemOps.Lahf();
            case 0xa0: case 0xa1: case 0xa2: case 0xa3: {
                int size = (op & 1) == 0 ? 1 : v;
                Opnd mo = Opnd.mem(-1, -1, 0, in.addressSize() == 32 ? in.disp() & 0xffffffffL : in.disp(), seg(in), false);
                return op < 0xa2 ? new MoveOps.Mov(size, Opnd.reg(0), mo) : new MoveOps.Mov(size, mo, Opnd.reg(0));
            }
            case 0xa4: case 0xa5: return str(in, StringOps.MOVS, op, v, rep);
            case 0xa6: case 0xa7: return str(in, StringOps.CMPS, op, v, rep);
            case 0xa8: return alu(AluOps.TEST, 1, Opnd.reg(0), Opnd.imm(in.imm()));
            case 0xa9: return alu(AluOps.TEST, v, Opnd.reg(0), Opnd.imm(in.imm()));
            case 0xaa: case 0xab: return str(in, StringOps.STOS, op, v, rep);
            case 0xac: case 0xad: return str(in, StringOps.LODS, op, v, rep);
            case 0xae: case 0xaf: return str(in, StringOps.SCAS, op, v, rep);
            case 0xc0: return new ShiftOps.Shift(in.reg() & 7, 1, rm(in, 1), (int) in.imm() & 0xff);
            case 0xc1: return shift(in.reg() & 7, v, rm(in, v), (int) in.imm() & 0xff);
            case 0xc2: return new BranchOps.Ret((int) (in.imm() & 0xffff));
            case 0xc3: return new BranchOps.Ret(0);
            case 0xc6: return (in.reg() & 7) == 0 ? mov(1, rm(in, 1), Opnd.imm(in.imm())) : null;
            case 0xc7: return (in.reg() & 7) == 0 ? mov(v, rm(in, v), Opnd.imm(in.imm())) : null;
            case 0xc8: return v == 8 ? new MoveOps.Enter((int) (in.imm() & 0xffff), (int) in.imm2()) : null;
            case 0xc9: return v == 8 ? new MoveOps.Leave() : null;
            case 0xcc: return new SystemOps.SoftInt(3);
            case 0xcd: return new SystemOps.SoftInt((int) in.imm() & 0xff);
            case 0xd0: return new ShiftOps.Shift(in.reg() & 7, 1, rm(in, 1), 1);
            case 0xd1: return shift(in.reg() & 7, v, rm(in, v), 1);
            case 0xd2: return new ShiftOps.Shift(in.reg() & 7, 1, rm(in, 1), -1);
            case 0xd3: return new ShiftOps.Shift(in.reg() & 7, v, rm(in, v), -1);
            case 0xe0: case 0xe1: case 0xe2: case 0xe3:
                return new BranchOps.Loop(op & 3, in.addressSize() == 32, in.branchTarget());
            case 0xe8: return new BranchOps.Call(in.branchTarget());
            case 0xe9: case 0xeb: return new BranchOps.Jmp(in.branchTarget());
            case 0xf4: return new SystemOps.Hlt();
            case 0xcf: return in.rexW() ? new SyscallOps.Iretq() : null; // 16/32-bit IRET: not in 64-bit kernels
            case 0xca: return new PlatformOps.FarReturn(in.rexW() ? 8 : v == 2 ? 2 : 4, (int) (in.imm() & 0xffff));
            case 0xcb: return new PlatformOps.FarReturn(in.rexW() ? 8 : v == 2 ? 2 : 4, 0);
            case 0x9b: return new FpuOps.Control(FpuOps.Control.FWAIT);
            case 0xd9:
                if (in.mod() != 3) {
                    switch (in.reg() & 7) {
                        case 4: return new FpuOps.Memory(FpuOps.Memory.FLDENV, mem(in), v == 2);
                        case 5: return new FpuOps.Memory(FpuOps.Memory.FLDCW, mem(in));
                        case 6: return new FpuOps.Memory(FpuOps.Memory.FNSTENV, mem(in), v == 2);
                        case 7: return new FpuOps.Memory(FpuOps.Memory.FNSTCW, mem(in));
                        default: return null;
                    }
                }
                return null;
            case 0xdb:
                if (in.modrm() == 0xe2) {
                    return new FpuOps.Control(FpuOps.Control.FNCLEX);
                }
                return in.modrm() == 0xe3 ? new FpuOps.Control(FpuOps.Control.FNINIT) : null;
            case 0xdd: return in.mod() != 3 && (in.reg() & 7) == 7 ? new FpuOps.Memory(FpuOps.Memory.FNSTSW, mem(in)) : null;
            case 0xdf: return in.modrm() == 0xe0 ? new FpuOps.Control(FpuOps.Control.FNSTSW_AX) : null;
            case 0xe4: return new SyscallOps.In(1, (int) in.imm() & 0xff);
            case 0xe5: return new SyscallOps.In(v == 2 ? 2 : 4, (int) in.imm() & 0xff);
            case 0xe6: return new SyscallOps.Out(1, (int) in.imm() & 0xff);
            case 0xe7: return new SyscallOps.Out(v == 2 ? 2 : 4, (int) in.imm() & 0xff);
            case 0xec: return new SyscallOps.In(1, -1);
            case 0xed: return new SyscallOps.In(v == 2 ? 2 : 4, -1);
            case 0xee: return new SyscallOps.Out(1, -1);
            case 0xef: return new SyscallOps.Out(v == 2 ? 2 : 4, -1);
            case 0xf5: return new SystemOps.FlagOp(2);
            case 0xf6: return group3(in, 1);
            case 0xf7: return group3(in, v);
            case 0xf8: return new SystemOps.FlagOp(0);
            case 0xf9: return new SystemOps.FlagOp(1);
            case 0xfa: return new SystemOps.Interrupts(false);
            case 0xfb: return new SystemOps.Interrupts(true);
            case 0xfc: return new SystemOps.FlagOp(3);
            case 0xfd: return new SystemOps.FlagOp(4);
            case 0xfe:
                switch (in.reg() & 7) {
                    case 0: return new AluOps.Unary(AluOps.INC, 1, rm(in, 1));
                    case 1: return new AluOps.Unary(AluOps.DEC, 1, rm(in, 1));
                    default: return null;
                }
            case 0xff:
                switch (in.reg() & 7) {
                    case 0: return unary(AluOps.INC, v, rm(in, v));
                    case 1: return unary(AluOps.DEC, v, rm(in, v));
                    // Near indirect branches are always 64-bit in long mode (SDM Vol. 2A CALL/JMP: the
                    // operand size is forced); PUSH r/m is 64-bit unless 66 makes it 16.
                    case 2: return new BranchOps.CallInd(rm(in, 8));
                    case 4: return new BranchOps.JmpInd(rm(in, 8));
                    case 5: return in.mod() != 3 ? new PlatformOps.FarJump(in.rexW() ? 8 : v == 2 ? 2 : 4, mem(in)) : null;
                    case 6: {
                        int ps = in.has(Insn.PFX_OPSIZE) && !in.rexW() ? 2 : 8;
                        return new MoveOps.Push(ps, rm(in, ps));
                    }
                    default: return null;
                }
            default:
                return null;
        }
    }

    private static Op unary(int kind, int size, Opnd dst) {
        if (size >= 4 && dst.kind == Opnd.REG) {
            return new AluOps.UnaryR(kind, size, dst.reg);
        }
        return new AluOps.Unary(kind, size, dst);
    }

    private static Op imul(int size, int dst, Opnd src, boolean hasImm, long imm) {
        if (size >= 4 && src.kind == Opnd.REG) {
            return new MulDivOps.ImulR(size, dst, src.reg, hasImm, imm);
        }
        return new MulDivOps.Imul(size, dst, src, hasImm, imm);
    }

    private static Op shift(int kind, int size, Opnd dst, int count) {
        int masked = count & (size == 8 ? 63 : 31);
        boolean plain = kind == ShiftOps.SHL || kind == ShiftOps.SAL || kind == ShiftOps.SHR || kind == ShiftOps.SAR;
        if (plain && masked != 0 && size >= 4 && dst.kind == Opnd.REG) {
            return new ShiftOps.ShiftRI(kind, size, dst.reg, masked);
        }
        return new ShiftOps.Shift(kind, size, dst, count);
    }

    private static Op str(Insn in, int kind, int op, int v, int rep) {
        int size = (op & 1) == 0 ? 1 : v;
        if (kind != StringOps.CMPS && kind != StringOps.SCAS && rep != StringOps.REP_NONE) {
            rep = StringOps.REP_E; // F2 on MOVS/STOS/LODS acts as REP
        }
        return new StringOps.Str(kind, size, rep, seg(in), in.addressSize() == 32);
    }

    private static Op group3(Insn in, int size) {
        int ext = in.reg() & 7;
        switch (ext) {
            case 0: case 1: return alu(AluOps.TEST, size, rm(in, size), Opnd.imm(in.imm()));
            case 2: return unary(AluOps.NOT, size, rm(in, size));
            case 3: return unary(AluOps.NEG, size, rm(in, size));
            default: return new MulDivOps.Group3(ext, size, rm(in, size));
        }
    }

    private static Op twoByte(Insn in) {
        int op = in.opcode();
        int v = vsize(in);
        if (op >= 0x40 && op <= 0x4f) {
            return new MoveOps.Cmov(op & 15, v, in.reg(), rm(in, v));
        }
        if (op >= 0x80 && op <= 0x8f) {
            return new BranchOps.Jcc(op & 15, in.branchTarget());
        }
        if (op >= 0x90 && op <= 0x9f) {
            return new MoveOps.Setcc(op & 15, rm(in, 1));
        }
        if (op >= 0xc8 && op <= 0xcf) {
            int r = (op & 7) | ((in.rex() & 1) << 3);
            return new MoveOps.Bswap(v, r);
        }
        if (op >= 0x18 && op <= 0x1f) {
            return new SystemOps.Nop(); // hint NOPs (prefetch, endbr64, nop Ev, ...)
        }
        boolean f3 = in.lastRepPrefix() == 0xf3;
        switch (op) {
            case 0x00:
                if ((in.reg() & 7) == 0) {
                    return new PlatformOps.Ldt(false, rm(in, v), v);
                }
                if ((in.reg() & 7) == 2) {
                    return new PlatformOps.Ldt(true, rm(in, 2), 2);
                }
                if ((in.reg() & 7) == 3) {
                    return new SystemOps.Descriptor(SystemOps.Descriptor.LTR, rm(in, 2), 0, 2);
                }
                if ((in.reg() & 7) == 1) {
                    return new SystemOps.Descriptor(SystemOps.Descriptor.STR, rm(in, v), 0, v);
                }
                return null;
            case 0x01:
                if (in.mod() != 3 && (in.reg() & 7) == 3) {
                    return new SystemOps.Lidt(mem(in));
                }
                if (in.mod() != 3 && (in.reg() & 7) == 2) {
                    return new SystemOps.Descriptor(SystemOps.Descriptor.LGDT, mem(in), 0, 0);
                }
                if (in.mod() != 3 && (in.reg() & 7) == 0) {
                    return new SystemOps.Descriptor(SystemOps.Descriptor.SGDT, mem(in), 0, 0);
                }
                if (in.mod() != 3 && (in.reg() & 7) == 1) {
                    return new SystemOps.Descriptor(SystemOps.Descriptor.SIDT, mem(in), 0, 0);
                }
                if (in.modrm() == 0xf9) {
                    return new SystemOps.Rdtscp();
                }
                if (in.mod() != 3 && (in.reg() & 7) == 7) {
                    return new SystemOps.Invlpg(mem(in));
                }
                if (in.modrm() == 0xf8) {
                    return new SystemOps.Swapgs();
                }
                if ((in.reg() & 7) == 4) {
                    return new PlatformOps.Msw(false, rm(in, v), v);
                }
                if ((in.reg() & 7) == 6) {
                    return new PlatformOps.Msw(true, rm(in, 2), 2);
                }
                return null;
            case 0x0b: return new SystemOps.Undefined("invalid opcode: 0f 0b (ud2)");
            case 0xae:
                if (in.mod() != 3 && (in.reg() & 7) <= 1 && SseTranslator.mandatoryPrefix(in) == SseTranslator.NONE) {
                    return new FpuOps.Fxsave((in.reg() & 7) == 1, in.rexW(), mem(in)); // FXSAVE, FXRSTOR
                }
                // lfence/mfence/sfence (mod 3, /5 /6 /7) order nothing in a sequential interpreter;
                // clflush m8 (/7) has no cache to flush.
                if (in.mod() == 3 ? (in.reg() & 7) >= 5 : (in.reg() & 7) == 7) {
                    return new SystemOps.Nop();
                }
                return SseTranslator.op(in); // ldmxcsr, stmxcsr
            case 0x0d: return new SystemOps.Nop(); // prefetchw
            case 0x06: return new SystemOps.Clts();
            case 0x08: case 0x09: return new PlatformOps.CacheControl(); // INVD, WBINVD
            case 0x21: return new PlatformOps.MovDr(false, in.reg(), in.rm());
            case 0x23: return new PlatformOps.MovDr(true, in.reg(), in.rm());
            case 0xc7:
                if (in.mod() != 3 && (in.reg() & 7) == 1 && !in.has(Insn.PFX_OPSIZE) && in.lastRepPrefix() == 0) {
                    return new PlatformOps.Cmpxchg8b16b(in.rexW(), mem(in));
                }
                return null;
            case 0xc3: // movnti m32/m64, r: a plain store (the non-temporal hint means nothing here)
                return in.mod() != 3 && SseTranslator.mandatoryPrefix(in) == SseTranslator.NONE
                        ? mov(v == 8 ? 8 : 4, mem(in), Opnd.reg(in.reg())) : null;
            case 0x20: return new SystemOps.MovCr(false, in.reg(), in.rm());
            case 0x22: return new SystemOps.MovCr(true, in.reg(), in.rm());
            case 0x05: return new SyscallOps.Syscall();
            case 0x07: return in.rexW() ? new SyscallOps.Sysret() : null; // SYSRETL (compatibility mode) unsupported
            case 0x30: return new SystemOps.Msr(true);
            case 0x31: return new SystemOps.Rdtsc();
            case 0x32: return new SystemOps.Msr(false);
            case 0xa2: return new SystemOps.Cpuid();
            case 0xa3: return new BitOps.BitTest(BitOps.BT, v, rm(in, v), in.reg(), 0);
            case 0xab: return new BitOps.BitTest(BitOps.BTS, v, rm(in, v), in.reg(), 0);
            case 0xb3: return new BitOps.BitTest(BitOps.BTR, v, rm(in, v), in.reg(), 0);
            case 0xbb: return new BitOps.BitTest(BitOps.BTC, v, rm(in, v), in.reg(), 0);
            case 0xba: {
                int ext = in.reg() & 7;
                return ext < 4 ? null : new BitOps.BitTest(ext - 4, v, rm(in, v), -1, in.imm() & 0xff);
            }
            case 0xa4: return new ShiftOps.DoubleShift(true, v, rm(in, v), in.reg(), (int) in.imm() & 0xff);
            case 0xa5: return new ShiftOps.DoubleShift(true, v, rm(in, v), in.reg(), -1);
            case 0xac: return new ShiftOps.DoubleShift(false, v, rm(in, v), in.reg(), (int) in.imm() & 0xff);
            case 0xad: return new ShiftOps.DoubleShift(false, v, rm(in, v), in.reg(), -1);
            case 0xaf: return imul(v, in.reg(), rm(in, v), false, 0);
            case 0xb0: return new MoveOps.Cmpxchg(1, rm(in, 1), regField(in, 1));
            case 0xb1: return new MoveOps.Cmpxchg(v, rm(in, v), in.reg());
            case 0xb6: return ext(v, in.reg(), 1, rm(in, 1), false);
            case 0xb7: return ext(v, in.reg(), 2, rm(in, 2), false);
            case 0xbe: return ext(v, in.reg(), 1, rm(in, 1), true);
            case 0xbf: return ext(v, in.reg(), 2, rm(in, 2), true);
            case 0xb8: return f3 ? new BitOps.Scan(BitOps.POPCNT, v, in.reg(), rm(in, v)) : null;
            // F3 0F BC runs as TZCNT, as on every processor with BMI1 (the hosts the oracles run
            // on); CPUID does not report BMI1, whose other instructions are not implemented (CPU.md)
            case 0xbc: return new BitOps.Scan(f3 ? BitOps.TZCNT : BitOps.BSF, v, in.reg(), rm(in, v));
            case 0xbd: return new BitOps.Scan(f3 ? BitOps.LZCNT : BitOps.BSR, v, in.reg(), rm(in, v));
            case 0xc0: return new MoveOps.Xadd(1, rm(in, 1), regField(in, 1));
            case 0xc1: return new MoveOps.Xadd(v, rm(in, v), in.reg());
            default: return SseTranslator.op(in);
        }
    }
}
