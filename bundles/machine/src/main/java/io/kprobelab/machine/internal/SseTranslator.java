package io.kprobelab.machine.internal;

import io.kprobelab.x86.Insn;

/**
 * The SSE/SSE2 part of the 0F opcode map (SDM Vol. 2 App. A, the two-byte opcode map with its
 * mandatory-prefix rows): which op each opcode and mandatory prefix make. The prefix that
 * selects the form is the last F2/F3 if there is one, else 66 (a 66 before or after an F3 is
 * ignored; the host CPU agrees, see SseInstructionDifferentialTest); no prefix selects the PS
 * forms of SSE and, for the integer opcodes, the MMX forms, which are not supported and stay #UD
 * with the other unknown encodings (as do VEX forms: they never get here), and so do the
 * conversions with an MMX operand (CVTPI2PS/PD, CVT(T)PS2PI, CVT(T)PD2PI): the machine has no MMX
 * registers. SSE3 and later (0F38, 0F3A, MOVDDUP, ADDSUBPS, HADDPS...) are #UD too: CPUID does
 * not report them. LOCK on any of them is #UD. The floating-point ops are in {@link SseFpOps}.
 */
final class SseTranslator {

    private SseTranslator() {
    }

    static final int NONE = 0, P66 = 1, PF3 = 2, PF2 = 3;

    static int mandatoryPrefix(Insn in) {
        int rep = in.lastRepPrefix();
        return rep == 0xf3 ? PF3 : rep == 0xf2 ? PF2 : in.has(Insn.PFX_OPSIZE) ? P66 : NONE;
    }

    /** The op for an SSE/SSE2 instruction of the 0F map, or null (#UD). */
    static Op op(Insn in) {
        if (in.has(Insn.PFX_LOCK)) {
            return null;
        }
        SseOp op = decode(in, mandatoryPrefix(in));
        if (op != null) {
            op.bytes = in.bytes();
        }
        return op;
    }

    private static SseOp decode(Insn in, int p) {
        int op = in.opcode();
        int d = in.reg() * 2;
        boolean reg = in.mod() == 3;
        int s = in.rm() * 2;
        Opnd m = reg ? null : Translator.mem(in);
        int imm = (int) in.imm() & 0xff;
        if (p == P66 && op >= 0x60 && op <= 0xfe) {
            SseOp.Half h = integerHalf(op);
            if (h != null) {
                return new SseOps.Packed(h, d, s, m);
            }
            SseOp.Whole w = integerWhole(op);
            if (w != null) {
                return new SseOps.Across(w, d, s, m);
            }
            SseOp.Half sh = shiftByXmm(op);
            if (sh != null) {
                return new SseOps.ShiftBy(sh, d, s, m);
            }
        }
        switch (op) {
            case 0x10: case 0x11: return moveUnaligned(in, p, op == 0x11, d, s, m);
            case 0x12: case 0x13: case 0x16: case 0x17: return moveHalf(p, op, reg, d, s, m);
            case 0x14: return p == NONE ? new SseOps.Across(ShuffleOps::punpckldq, d, s, m)
                    : p == P66 ? new SseOps.Across(ShuffleOps::punpcklqdq, d, s, m) : null;
            case 0x15: return p == NONE ? new SseOps.Across(ShuffleOps::punpckhdq, d, s, m)
                    : p == P66 ? new SseOps.Across(ShuffleOps::punpckhqdq, d, s, m) : null;
            case 0x28: return p <= P66 ? load(d, s, m, true) : null;
            case 0x2a: // CVTSI2SS/CVTSI2SD xmm, r/m32/64 (no prefix and 66: CVTPI2PS/PD, MMX)
                return p >= PF3 ? new SseFpOps.FromInt(p == PF2, d, reg ? Opnd.reg(in.rm()) : m, in.rexW() ? 8 : 4) : null;
            case 0x2c: case 0x2d: // CVT(T)SS2SI/CVT(T)SD2SI r32/64, xmm/m32/64 (the PI forms are MMX)
                return p >= PF3 ? new SseFpOps.ToInt(p == PF2, in.rexW(), op == 0x2c, in.reg(), s, m) : null;
            case 0x2e: case 0x2f: // UCOMISS/UCOMISD, COMISS/COMISD
                return p <= P66 ? new SseFpOps.Comis(p == P66, op == 0x2f, d, s, m) : null;
            case 0x51: return arith(p, SseFp::sqrt32, SseFp::sqrt64, d, s, m);
            case 0x52: return reciprocal(p, SseFp::rsqrt32, d, s, m);
            case 0x53: return reciprocal(p, SseFp::rcp32, d, s, m);
            case 0x58: return arith(p, SseFp::add32, SseFp::add64, d, s, m);
            case 0x59: return arith(p, SseFp::mul32, SseFp::mul64, d, s, m);
            case 0x5a: // CVTPS2PD, CVTSS2SD, CVTPD2PS, CVTSD2SS
                return p == NONE ? new SseFpOps.PackedConvert(SseFpOps.PS2PD, d, s, m)
                        : p == P66 ? new SseFpOps.PackedConvert(SseFpOps.PD2PS, d, s, m)
                        : new SseFpOps.ScalarConvert(p == PF3, d, s, m);
            case 0x5b: // CVTDQ2PS, CVTPS2DQ, CVTTPS2DQ
                return p == PF2 ? null : new SseFpOps.PackedConvert(p == NONE ? SseFpOps.DQ2PS
                        : p == P66 ? SseFpOps.PS2DQ : SseFpOps.TPS2DQ, d, s, m);
            case 0x5c: return arith(p, SseFp::sub32, SseFp::sub64, d, s, m);
            case 0x5d: return arith(p, SseFp::min32, SseFp::min64, d, s, m);
            case 0x5e: return arith(p, SseFp::div32, SseFp::div64, d, s, m);
            case 0x5f: return arith(p, SseFp::max32, SseFp::max64, d, s, m);
            case 0xc2: { // CMPPS/CMPSS/CMPPD/CMPSD xmm, xmm/m, imm8: the legacy forms use imm8[2:0]
                int pred = imm & 7;
                return arith(p, (c, a, b) -> SseFp.cmp32(c, a, b, pred), (c, a, b) -> SseFp.cmp64(c, a, b, pred), d, s, m);
            }
            case 0xe6: // CVTTPD2DQ, CVTDQ2PD, CVTPD2DQ
                return p == NONE ? null : new SseFpOps.PackedConvert(p == P66 ? SseFpOps.TPD2DQ
                        : p == PF3 ? SseFpOps.DQ2PD : SseFpOps.PD2DQ, d, s, m);
            case 0x29: return p <= P66 ? store(d, s, m, true) : null;
            case 0x2b: return p <= P66 && !reg ? new SseMoveOps.Store(m, d, true) : null; // MOVNTPS/PD
            case 0x50: return p <= P66 && reg
                    ? new SseMoveOps.SignMask(in.reg(), s, p == NONE ? SseMoveOps.MOVMSKPS : SseMoveOps.MOVMSKPD) : null;
            case 0x54: return p <= P66 ? new SseOps.Packed(PackedIntOps::pand, d, s, m) : null; // ANDPS/ANDPD
            case 0x55: return p <= P66 ? new SseOps.Packed(PackedIntOps::pandn, d, s, m) : null;
            case 0x56: return p <= P66 ? new SseOps.Packed(PackedIntOps::por, d, s, m) : null;
            case 0x57: return p <= P66 ? new SseOps.Packed(PackedIntOps::pxor, d, s, m) : null;
            case 0x6e: // MOVD/MOVQ xmm, r/m32/64
                if (p != P66) {
                    return null;
                }
                return reg ? new SseMoveOps.FromGpr(d, in.rm(), in.rexW() ? 8 : 4)
                        : new SseMoveOps.LoadPart(d, m, in.rexW() ? 8 : 4, SseMoveOps.ZERO_EXTEND);
            case 0x6f: return p == P66 || p == PF3 ? load(d, s, m, p == P66) : null; // MOVDQA/MOVDQU
            case 0x7f: return p == P66 || p == PF3 ? store(d, s, m, p == P66) : null;
            case 0x70: {
                SseOp.WholeImm f = p == P66 ? ShuffleOps::pshufd : p == PF3 ? ShuffleOps::pshufhw
                        : p == PF2 ? ShuffleOps::pshuflw : null;
                return f == null ? null : new SseOps.Shuffle(f, d, s, m, imm);
            }
            case 0x71: case 0x72: case 0x73: return p == P66 && reg ? shiftImm(op, in.reg() & 7, s, imm) : null;
            case 0x7e:
                if (p == P66) { // MOVD/MOVQ r/m32/64, xmm
                    int size = in.rexW() ? 8 : 4;
                    return reg ? new SseMoveOps.ToGpr(in.rm(), d, size) : new SseMoveOps.StorePart(m, d, size);
                }
                if (p == PF3) { // MOVQ xmm, xmm/m64
                    return reg ? new SseMoveOps.MovPart(d, s, SseMoveOps.MOVQ)
                            : new SseMoveOps.LoadPart(d, m, 8, SseMoveOps.ZERO_EXTEND);
                }
                return null;
            case 0xae: // LDMXCSR m32 (/2), STMXCSR m32 (/3); the other /n are fences and flushes (Translator)
                return p == NONE && !reg && ((in.reg() & 7) == 2 || (in.reg() & 7) == 3)
                        ? new SseMoveOps.Mxcsr((in.reg() & 7) == 2, m) : null;
            case 0xc4: // PINSRW xmm, r32/m16, imm8
                return p == P66 ? new SseMoveOps.Pinsrw(d, reg ? Opnd.reg(in.rm()) : m, imm) : null;
            case 0xc5: return p == P66 && reg ? new SseMoveOps.Pextrw(in.reg(), s, imm) : null;
            case 0xc6: return p == NONE ? new SseOps.Shuffle(ShuffleOps::shufps, d, s, m, imm)
                    : p == P66 ? new SseOps.Shuffle(ShuffleOps::shufpd, d, s, m, imm) : null;
            case 0xd6: // MOVQ xmm/m64, xmm
                if (p != P66) {
                    return null;
                }
                return reg ? new SseMoveOps.MovPart(s, d, SseMoveOps.MOVQ) : new SseMoveOps.StorePart(m, d, 8);
            case 0xd7: return p == P66 && reg ? new SseMoveOps.SignMask(in.reg(), s, SseMoveOps.PMOVMSKB) : null;
            case 0xe7: return p == P66 && !reg ? new SseMoveOps.Store(m, d, true) : null; // MOVNTDQ
            case 0xf7: // MASKMOVDQU xmm, xmm: stores at DS:RDI (or EDI)
                return p == P66 && reg ? new SseMoveOps.Maskmovdqu(d, s,
                        Opnd.mem(7, -1, 0, 0, Translator.seg(in), in.addressSize() == 32)) : null;
            default: return null;
        }
    }

    /** The four forms of an arithmetic opcode: PS (no prefix), SS (F3), PD (66), SD (F2). */
    private static SseOp arith(int p, SseFpOps.Lane32 single, SseFpOps.Lane64 dbl, int d, int s, Opnd m) {
        switch (p) {
            case NONE: return new SseFpOps.PackedS(single, d, s, m);
            case PF3: return new SseFpOps.ScalarS(single, d, s, m);
            case P66: return new SseFpOps.PackedD(dbl, d, s, m);
            default: return new SseFpOps.ScalarD(dbl, d, s, m);
        }
    }

    /** RCPPS/RSQRTPS (no prefix) and RCPSS/RSQRTSS (F3); single precision only. */
    private static SseOp reciprocal(int p, SseFpOps.Lane32 f, int d, int s, Opnd m) {
        return p == NONE ? new SseFpOps.PackedS(f, d, s, m) : p == PF3 ? new SseFpOps.ScalarS(f, d, s, m) : null;
    }

    /** 0F 10/11: MOVUPS/MOVUPD, MOVSS, MOVSD in both directions. */
    private static SseOp moveUnaligned(Insn in, int p, boolean toRm, int d, int s, Opnd m) {
        if (p == NONE || p == P66) {
            return toRm ? store(d, s, m, false) : load(d, s, m, false);
        }
        int size = p == PF3 ? 4 : 8;
        if (m != null) {
            return toRm ? new SseMoveOps.StorePart(m, d, size) : new SseMoveOps.LoadPart(d, m, size, SseMoveOps.ZERO_EXTEND);
        }
        int kind = p == PF3 ? SseMoveOps.MOVSS : SseMoveOps.MOVSD;
        return toRm ? new SseMoveOps.MovPart(s, d, kind) : new SseMoveOps.MovPart(d, s, kind);
    }

    /**
     * 0F 12/13/16/17: MOVLPS/MOVLPD and MOVHPS/MOVHPD with m64 (loads and stores), and with
     * two registers and no prefix MOVHLPS (12) and MOVLHPS (16); the SSE3 F2/F3 forms are #UD.
     */
    private static SseOp moveHalf(int p, int op, boolean reg, int d, int s, Opnd m) {
        if (p != NONE && p != P66) {
            return null;
        }
        boolean high = op >= 0x16;
        if ((op & 1) != 0) { // 13, 17: stores, memory only
            return reg ? null : new SseMoveOps.StorePart(m, d + (high ? 1 : 0), 8);
        }
        if (reg) {
            return p == NONE ? new SseMoveOps.MovPart(d, s, high ? SseMoveOps.MOVLHPS : SseMoveOps.MOVHLPS) : null;
        }
        return new SseMoveOps.LoadPart(d, m, 8, high ? SseMoveOps.HIGH_HALF : SseMoveOps.LOW_HALF);
    }

    private static SseOp load(int d, int s, Opnd m, boolean aligned) {
        return m == null ? new SseMoveOps.Mov(d, s) : new SseMoveOps.Load(d, m, aligned);
    }

    /** The store direction (reg field is the source, r/m the destination). */
    private static SseOp store(int src, int rm, Opnd m, boolean aligned) {
        return m == null ? new SseMoveOps.Mov(rm, src) : new SseMoveOps.Store(m, src, aligned);
    }

    /** 0F 71/72/73 with 66: the shift groups by imm8 (ModRM.reg selects the shift). */
    private static SseOp shiftImm(int op, int ext, int d, int imm) {
        SseOp.Half f = null;
        switch (op << 4 | ext) {
            case 0x712: f = PackedShiftOps::psrlw; break;
            case 0x714: f = PackedShiftOps::psraw; break;
            case 0x716: f = PackedShiftOps::psllw; break;
            case 0x722: f = PackedShiftOps::psrld; break;
            case 0x724: f = PackedShiftOps::psrad; break;
            case 0x726: f = PackedShiftOps::pslld; break;
            case 0x732: f = PackedShiftOps::psrlq; break;
            case 0x736: f = PackedShiftOps::psllq; break;
            case 0x733: return new SseOps.ShiftImm(PackedShiftOps::psrldq, d, imm);
            case 0x737: return new SseOps.ShiftImm(PackedShiftOps::pslldq, d, imm);
            default: return null;
        }
        return new SseOps.ShiftImm(SseOps.halves(f), d, imm);
    }

    /** 66 0F xx: the integer operations that work on each 64-bit half. */
    private static SseOp.Half integerHalf(int op) {
        switch (op) {
            case 0x64: return PackedIntOps::pcmpgtb;
            case 0x65: return PackedIntOps::pcmpgtw;
            case 0x66: return PackedIntOps::pcmpgtd;
            case 0x74: return PackedIntOps::pcmpeqb;
            case 0x75: return PackedIntOps::pcmpeqw;
            case 0x76: return PackedIntOps::pcmpeqd;
            case 0xd4: return PackedIntOps::paddq;
            case 0xd5: return PackedIntOps::pmullw;
            case 0xd8: return PackedIntOps::psubusb;
            case 0xd9: return PackedIntOps::psubusw;
            case 0xda: return PackedIntOps::pminub;
            case 0xdb: return PackedIntOps::pand;
            case 0xdc: return PackedIntOps::paddusb;
            case 0xdd: return PackedIntOps::paddusw;
            case 0xde: return PackedIntOps::pmaxub;
            case 0xdf: return PackedIntOps::pandn;
            case 0xe0: return PackedIntOps::pavgb;
            case 0xe3: return PackedIntOps::pavgw;
            case 0xe4: return PackedIntOps::pmulhuw;
            case 0xe5: return PackedIntOps::pmulhw;
            case 0xe8: return PackedIntOps::psubsb;
            case 0xe9: return PackedIntOps::psubsw;
            case 0xea: return PackedIntOps::pminsw;
            case 0xeb: return PackedIntOps::por;
            case 0xec: return PackedIntOps::paddsb;
            case 0xed: return PackedIntOps::paddsw;
            case 0xee: return PackedIntOps::pmaxsw;
            case 0xef: return PackedIntOps::pxor;
            case 0xf4: return PackedIntOps::pmuludq;
            case 0xf5: return PackedIntOps::pmaddwd;
            case 0xf6: return PackedIntOps::psadbw;
            case 0xf8: return PackedIntOps::psubb;
            case 0xf9: return PackedIntOps::psubw;
            case 0xfa: return PackedIntOps::psubd;
            case 0xfb: return PackedIntOps::psubq;
            case 0xfc: return PackedIntOps::paddb;
            case 0xfd: return PackedIntOps::paddw;
            case 0xfe: return PackedIntOps::paddd;
            default: return null;
        }
    }

    /** 66 0F xx: the integer operations that move lanes between the halves. */
    private static SseOp.Whole integerWhole(int op) {
        switch (op) {
            case 0x60: return ShuffleOps::punpcklbw;
            case 0x61: return ShuffleOps::punpcklwd;
            case 0x62: return ShuffleOps::punpckldq;
            case 0x63: return ShuffleOps::packsswb;
            case 0x67: return ShuffleOps::packuswb;
            case 0x68: return ShuffleOps::punpckhbw;
            case 0x69: return ShuffleOps::punpckhwd;
            case 0x6a: return ShuffleOps::punpckhdq;
            case 0x6b: return ShuffleOps::packssdw;
            case 0x6c: return ShuffleOps::punpcklqdq;
            case 0x6d: return ShuffleOps::punpckhqdq;
            default: return null;
        }
    }

    /** 66 0F Dx/Ex/Fx: shifts by the low quadword of an XMM register or m128. */
    private static SseOp.Half shiftByXmm(int op) {
        switch (op) {
            case 0xd1: return PackedShiftOps::psrlw;
            case 0xd2: return PackedShiftOps::psrld;
            case 0xd3: return PackedShiftOps::psrlq;
            case 0xe1: return PackedShiftOps::psraw;
            case 0xe2: return PackedShiftOps::psrad;
            case 0xf1: return PackedShiftOps::psllw;
            case 0xf2: return PackedShiftOps::pslld;
            case 0xf3: return PackedShiftOps::psllq;
            default: return null;
        }
    }
}
