package io.kprobelab.x86;

import io.kprobelab.x86.internal.Maps;
import io.kprobelab.x86.internal.Ops;
import io.kprobelab.x86.internal.Validity;

/**
 * Decodes one x86-64 long-mode instruction. Never throws on any input bytes.
 *
 * <p>The decoder is table driven ({@link Maps}): it finds the prefixes, the opcode map and
 * opcode, the ModRM/SIB bytes, the displacement and the immediates, and so the exact length.
 * It then checks the instruction against the opcode tables and reports {@link Insn.Status#INVALID}
 * where {@code objdump} prints {@code (bad)} (and the CPU raises #UD).
 */
public final class Decoder {

    /** Architectural maximum instruction length. */
    public static final int MAX_LENGTH = 15;

    private Decoder() {
    }

    /**
     * Decodes the instruction at {@code code[offset]} the way the CPU sees it.
     *
     * @param code      bytes
     * @param offset    where the instruction starts
     * @param available how many bytes from {@code offset} may be read (at most 15 are)
     * @param address   guest-virtual address of {@code code[offset]}
     * @return the instruction; check {@link Insn#status()}
     */
    public static Insn decode(byte[] code, int offset, int available, long address) {
        Insn insn = new Insn();
        insn.address = address;
        int n = available;
        if (code == null || offset < 0 || offset > code.length) {
            n = 0;
        } else {
            n = Math.max(0, Math.min(n, code.length - offset));
        }
        new Reader(code, offset, n, insn).run();
        return insn;
    }

    /**
     * Decodes with objdump's instruction boundaries instead of the CPU's, for listings that must
     * match {@code objdump -d}: a REX prefix followed by another prefix ends a prefix-only
     * "instruction" (objdump prints e.g. {@code rex.W} on a line of its own, see
     * {@link Insn#prefixOnly()}), and an FWAIT (9B) is merged with a following x87 opcode. Every
     * other instruction decodes exactly as {@link #decode(byte[], int, int, long)}.
     */
    public static Insn decodeListing(byte[] code, int offset, int available, long address) {
        int n = available;
        if (code == null || offset < 0 || offset > code.length) {
            n = 0;
        } else {
            n = Math.max(0, Math.min(n, code.length - offset));
        }
        int lim = Math.min(n, MAX_LENGTH);
        // stray REX: a REX followed by another prefix
        int i = 0;
        int fwaitAt = -1;
        while (i < lim) {
            int b = code[offset + i] & 0xff;
            if (b == 0x9B) {
                fwaitAt = i;
                break;
            }
            int k = Maps.PREFIX_KIND[b];
            if (k == 0) break;
            if (k == Maps.PK_REX && i + 1 < lim) {
                int nb = code[offset + i + 1] & 0xff;
                if (Maps.PREFIX_KIND[nb] != 0 || (nb == 0x9B)) {
                    Insn insn = new Insn();
                    insn.address = address;
                    insn.status = Insn.Status.OK;
                    insn.prefixOnly = true;
                    insn.length = i + 1;
                    insn.prefixCount = i + 1;
                    insn.bytes = java.util.Arrays.copyOfRange(code, offset, offset + i + 1);
                    return insn;
                }
            }
            i++;
        }
        if (fwaitAt >= 0) {
            int after = fwaitAt + 1;
            if (fwaitAt > 0) {
                // prefixes, then FWAIT: objdump takes them together, with an x87 opcode after
                if (after < lim) {
                    int nb = code[offset + after] & 0xff;
                    if (nb >= 0xD8 && nb <= 0xDF) {
                        return merged(code, offset, n, address, after);
                    }
                }
                Insn insn = new Insn();
                insn.address = address;
                insn.status = after <= lim ? Insn.Status.OK : Insn.Status.TRUNCATED;
                insn.fwait = true;
                insn.prefixCount = fwaitAt;
                insn.opcode = 0x9B;
                insn.opcodeOffset = fwaitAt;
                insn.length = after;
                insn.bytes = java.util.Arrays.copyOfRange(code, offset, offset + after);
                return insn;
            }
            // a bare FWAIT: objdump goes on reading prefixes after it; a REX followed by another
            // prefix or a second FWAIT ends the line early, and its length counts the prefixes
            // after the FWAIT, not the FWAIT itself (objdump's own accounting)
            int named = 0;
            boolean rexLast = false;
            for (int q = after; q < lim; q++) {
                int nb = code[offset + q] & 0xff;
                int k = nb == 0x9B ? -1 : Maps.PREFIX_KIND[nb];
                if (k == 0) break;
                if (rexLast) return fwaitLine(code, offset, address, named);
                if (k < 0) {
                    if (named == 0) break;
                    int x87 = q + 1 < lim ? code[offset + q + 1] & 0xff : 0;
                    // before an x87 opcode the whole run is one instruction
                    if (x87 >= 0xD8 && x87 <= 0xDF) return merged(code, offset, n, address, q + 1);
                    return fwaitLine(code, offset, address, named + 1);
                }
                named++;
                rexLast = k == Maps.PK_REX;
            }
            // prefixes may follow it; merged only with an x87 opcode
            int j = after;
            while (j < lim && Maps.PREFIX_KIND[code[offset + j] & 0xff] == Maps.PK_LEGACY) j++;
            while (j < lim && Maps.PREFIX_KIND[code[offset + j] & 0xff] != 0) j++;
            if (j < lim) {
                int nb = code[offset + j] & 0xff;
                if (nb >= 0xD8 && nb <= 0xDF) {
                    return merged(code, offset, n, address, after);
                }
            }
        }
        return decode(code, offset, available, address);
    }

    /** An FWAIT line of objdump's that ends inside the prefixes after it. */
    private static Insn fwaitLine(byte[] code, int offset, long address, int length) {
        Insn insn = new Insn();
        insn.address = address;
        insn.status = Insn.Status.OK;
        insn.fwait = true;
        insn.opcode = 0x9B;
        insn.length = length;
        insn.bytes = java.util.Arrays.copyOfRange(code, offset, offset + length);
        return insn;
    }

    private static Insn merged(byte[] code, int offset, int n, long address, int skip) {
        Insn rest = decode(code, offset + skip, n - skip, address + skip);
        Insn insn = new Insn();
        insn.address = address;
        // copy the x87 part's structure, shifted by the FWAIT and its prefixes
        insn.status = rest.status;
        int len = Math.min(rest.length + skip, MAX_LENGTH);
        if (rest.length + skip > MAX_LENGTH && rest.status == Insn.Status.OK) insn.status = Insn.Status.INVALID;
        insn.length = len;
        insn.bytes = java.util.Arrays.copyOfRange(code, offset, offset + Math.min(len, n));
        insn.fwait = true;
        insn.hasModrm = rest.hasModrm;
        insn.modrm = rest.modrm;
        insn.mod = rest.mod;
        insn.reg = rest.reg;
        insn.rm = rest.rm;
        insn.hasSib = rest.hasSib;
        insn.sib = rest.sib;
        insn.scale = rest.scale;
        insn.index = rest.index;
        insn.base = rest.base;
        insn.ripRelative = rest.ripRelative;
        insn.disp = rest.disp;
        insn.dispSize = rest.dispSize;
        insn.dispOffset = rest.dispOffset < 0 ? -1 : rest.dispOffset + skip;
        insn.opcode = rest.opcode;
        insn.opcodeOffset = rest.opcodeOffset + skip;
        insn.map = rest.map;
        insn.prefixes = rest.prefixes;
        insn.segment = rest.segment;
        insn.rex = rest.rex;
        insn.prefixCount = rest.prefixCount + skip;
        insn.addressSize = rest.addressSize;
        insn.operandSize = rest.operandSize;
        return insn;
    }

    /** Convenience: decodes {@code code} from its start at address 0. */
    public static Insn decode(byte[] code) {
        return decode(code, 0, code.length, 0);
    }

    /** Convenience: decodes {@code code} from its start at {@code address}. */
    public static Insn decode(byte[] code, long address) {
        return decode(code, 0, code.length, address);
    }

    /**
     * Which register fields of a VEX/XOP/EVEX instruction name the same register
     * ({@code Validity.EQ_*}): full numbers, with R/R'/B/X/V' and the VSIB index.
     */
    static int eqMask(Insn d) {
        if (d.encoding == Insn.ENC_LEGACY || !d.hasModrm) return 0;
        boolean evex = d.encoding == Insn.ENC_EVEX;
        int reg = d.reg | (evex ? d.evexRPrime << 4 : 0);
        int v = d.vexVvvv;
        int eq = reg == v ? Validity.EQ_REG_V : 0;
        if (d.mod == 3) {
            int rm = d.rm | (evex && (d.vexRex & 2) != 0 ? 16 : 0);
            if (reg == rm) eq |= Validity.EQ_REG_RM;
            if (v == rm) eq |= Validity.EQ_V_RM;
        } else if (d.hasSib) {
            int idx = ((d.sib >> 3) & 7) | ((d.vexRex & 2) << 2) | (evex && (d.evexP2 & 8) == 0 ? 16 : 0);
            if (reg == idx) eq |= Validity.EQ_REG_INDEX;
            if (v == idx) eq |= Validity.EQ_V_INDEX;
        }
        return eq;
    }

    /** One decode: a cursor over the bytes plus the Insn being filled in. */
    private static final class Reader {
        final byte[] code;
        final int start;
        final int limit;      // readable bytes: min(available, 15)
        final boolean limitIsMaxLength;
        final Insn insn;
        int pos;              // relative to start
        boolean truncated;    // a read went past the readable bytes

        Reader(byte[] code, int start, int n, Insn insn) {
            this.code = code;
            this.start = start;
            this.limit = Math.min(n, MAX_LENGTH);
            this.limitIsMaxLength = n > MAX_LENGTH;
            this.insn = insn;
        }

        /** The byte at the cursor, or 0 (and {@link #truncated} set) past the end. */
        int peek() {
            if (pos >= limit) {
                truncated = true;
                return 0;
            }
            return code[start + pos] & 0xff;
        }

        int next() {
            int b = peek();
            if (!truncated) pos++;
            return b;
        }

        long readSigned(int size) {
            if (pos + size > limit) {
                pos = limit;
                truncated = true;
                return 0;
            }
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | (code[start + pos + i] & 0xff);
            }
            pos += size;
            int shift = 64 - 8 * size;
            return (v << shift) >> shift;
        }

        void run() {
            insn.formLength = -1;
            decodeAll();
            if (insn.formLength < 0) insn.formLength = insn.length;
            if (truncated) {
                insn.status = Insn.Status.TRUNCATED;
                insn.length = Math.max(pos, Math.min(limit, 1));
            }
            int len = Math.min(insn.length, limit);
            if (len < 0) len = 0;
            insn.length = len;
            byte[] b = new byte[len];
            if (len > 0) System.arraycopy(code, start, b, 0, len);
            insn.bytes = b;
        }

        private void decodeAll() {
            Insn d = insn;
            // ---- legacy prefixes and REX
            int rex = 0;
            int nPrefix = 0;
            while (true) {
                int b = peek();
                int kind = Maps.PREFIX_KIND[b];
                if (kind == 0 || truncated) break;
                pos++;
                nPrefix++;
                if (kind == Maps.PK_REX) {
                    rex = b;
                    continue;
                }
                rex = 0; // a REX followed by another prefix is ignored
                switch (b) {
                    case 0xF0: d.prefixes |= Insn.PFX_LOCK; break;
                    case 0xF2: d.prefixes |= Insn.PFX_REPNE; d.lastRepPrefix = 0xF2; break;
                    case 0xF3: d.prefixes |= Insn.PFX_REP; d.lastRepPrefix = 0xF3; break;
                    case 0x66: d.prefixes |= Insn.PFX_OPSIZE; break;
                    case 0x67: d.prefixes |= Insn.PFX_ADDRSIZE; break;
                    case 0x26: d.segment = Insn.SEG_ES; break;
                    case 0x2E: d.segment = Insn.SEG_CS; break;
                    case 0x36: d.segment = Insn.SEG_SS; break;
                    case 0x3E: d.segment = Insn.SEG_DS; break;
                    case 0x64: d.segment = Insn.SEG_FS; break;
                    case 0x65: d.segment = Insn.SEG_GS; break;
                    default: break;
                }
            }
            d.prefixCount = nPrefix;
            d.rex = rex;
            d.addressSize = d.has(Insn.PFX_ADDRSIZE) ? 32 : 64;
            boolean opsize = d.has(Insn.PFX_OPSIZE);
            boolean w = (rex & 8) != 0;

            int op = next();
            int flags;
            if (op == 0x0F) {
                int op2 = next();
                if (op2 == 0x38) {
                    d.map = Insn.MAP_0F38;
                    d.opcodeOffset = pos;
                    d.opcode = next();
                    flags = Maps.MAP0F38[d.opcode];
                } else if (op2 == 0x3A) {
                    d.map = Insn.MAP_0F3A;
                    d.opcodeOffset = pos;
                    d.opcode = next();
                    flags = Maps.MAP0F3A[d.opcode];
                } else {
                    d.map = Insn.MAP_0F;
                    d.opcodeOffset = pos - 1;
                    d.opcode = op2;
                    flags = Maps.MAP0F[op2];
                }
            } else if (op == 0xC4 || op == 0xC5) {
                decodeVex(op);
                return;
            } else if (op == 0x62) {
                decodeEvex();
                return;
            } else if (op == 0x8F && (peek() & 0x38) != 0) {
                decodeXop();
                return;
            } else {
                d.map = Insn.MAP_ONE_BYTE;
                d.opcodeOffset = pos - 1;
                d.opcode = op;
                flags = Maps.ONE[op];
            }

            // operand size
            if ((flags & Maps.F_D64) != 0) {
                d.operandSize = w ? 64 : opsize ? 16 : 64;
            } else {
                d.operandSize = w ? 64 : opsize ? 16 : 32;
            }

            boolean invalid = (flags & Maps.F_INV) != 0;
            if (invalid) {
                // objdump consumes the prefixes and the opcode bytes only
                d.status = Insn.Status.INVALID;
                d.length = pos;
                return;
            }

            if ((flags & Maps.F_MODREG) != 0) {
                // MOV CRn/DRn: mod is ignored, the operands are always registers
                int m = next();
                d.hasModrm = true;
                d.modrm = m;
                d.mod = 3;
                d.reg = ((m >> 3) & 7) | ((rex & 4) << 1);
                d.rm = (m & 7) | ((rex & 1) << 3);
            } else if ((flags & Maps.F_MODRM) != 0) {
                readModrm();
                if (d.map == Insn.MAP_ONE_BYTE && d.opcode == 0xff) {
                    // Group 5 (SDM Vol. 2 Table A-6): near call/jmp are 64-bit whatever the
                    // prefixes (f64); push defaults to 64 and 66 makes it 16 (d64).
                    int ext = (d.reg & 7);
                    if (ext == 2 || ext == 4) {
                        d.operandSize = 64;
                    } else if (ext == 6) {
                        d.operandSize = w ? 64 : opsize ? 16 : 64;
                    }
                }
            }

            int imm = flags & Maps.IMM_MASK;
            switch (imm) {
                case Maps.I_NONE:
                    break;
                case Maps.I_B:
                    readImm(1);
                    break;
                case Maps.I_W:
                    readImm(2);
                    break;
                case Maps.I_Z:
                    readImm(!w && opsize ? 2 : 4);
                    break;
                case Maps.I_V:
                    readImm(w ? 8 : opsize ? 2 : 4);
                    break;
                case Maps.I_WB:
                    readImm(2);
                    d.imm2Size = 1;
                    d.imm2 = readSigned(1) & 0xff;
                    break;
                case Maps.I_MOFFS: {
                    int size = d.addressSize == 32 ? 4 : 8;
                    d.dispOffset = pos;
                    d.dispSize = size;
                    long v = readSigned(size);
                    d.disp = size == 4 ? v & 0xffffffffL : v;
                    break;
                }
                case Maps.I_GRP3B:
                    if ((d.reg & 6) == 0) readImm(1);
                    break;
                case Maps.I_GRP3Z:
                    if ((d.reg & 6) == 0) readImm(!w && opsize ? 2 : 4);
                    break;
                case Maps.I_JB:
                    readImm(1);
                    break;
                case Maps.I_JZ:
                    readImm(!w && opsize ? 2 : 4);
                    break;
                case Maps.I_3DNOW:
                    // 0F 0F modrm [disp] imm8: the imm8 is the real opcode
                    readImm(1);
                    break;
                case Maps.I_EXTRQ:
                    // 66 0F 78 /0 ib ib (EXTRQ), F2 0F 78 ib ib (INSERTQ); plain 0F 78 is VMREAD
                    if (d.lastRepPrefix == 0xF2 || (d.lastRepPrefix == 0 && opsize)) {
                        readImm(1);
                        d.imm2Size = 1;
                        d.imm2 = readSigned(1) & 0xff;
                    }
                    break;
                default:
                    break;
            }
            d.length = pos;
            d.status = Insn.Status.OK;
            if (!truncated) {
                d.bytes = java.util.Arrays.copyOfRange(code, start, start + pos);
                int v = Formatter.verdict(d);
                if (v != Formatter.BAD_NONE) {
                    d.status = Insn.Status.INVALID;
                    d.badKind = v;
                    d.formLength = d.length;
                    // objdump: a rejected form consumes the prefixes and the opcode bytes; a
                    // rejected operand (BadOp) the prefixes and the first opcode byte only
                    d.length = v == Formatter.BAD_OPERAND ? d.prefixCount + 1 : d.opcodeOffset + 1;
                } else if (d.map == Insn.MAP_0F && d.opcode == 0x0F) {
                    // 3DNow!: the imm8 suffix is the opcode
                    applyMeasured(Validity.code(Validity.THREEDNOW, 0, (int) d.imm & 0xff));
                } else if (Ops.entry(d.map, d.opcode) == null) {
                    // SSE/MMX/x87/...: the verdict measured from objdump
                    int state = (opsize ? 1 : 0) + (d.lastRepPrefix == 0xF3 ? 2 : d.lastRepPrefix == 0xF2 ? 4 : 0)
                            + (w ? 6 : 0) + ((rex & 4) != 0 ? 12 : 0) + ((rex & 1) != 0 ? 24 : 0);
                    int row = Validity.row(Validity.LEGACY, d.map, d.opcode, state, 0);
                    applyMeasured(Validity.code(Validity.LEGACY, row,
                            Validity.mc80(d.hasModrm, d.mod, d.reg, d.rm, d.ripRelative)));
                }
            }
        }

        /** Applies a {@link Validity} code to a structurally complete instruction. */
        private void applyMeasured(int code) {
            Insn d = insn;
            if (code == Validity.OK || truncated) return;
            d.status = Insn.Status.INVALID;
            d.badKind = Formatter.BAD_MEASURED;
            d.formLength = d.length;
            if (code == Validity.BAD_AFTER_OPCODE) d.length = d.opcodeOffset + 1;
            else if (code == Validity.BAD_AFTER_PREFIX) d.length = d.prefixCount + 1;
            else if (code == Validity.BAD_AFTER_MODRM) d.length = d.opcodeOffset + 2;
            else if (code == Validity.BAD_AFTER_PREFIX2) d.length = d.prefixCount + 2;
        }

        /** objdump's verdict on a structurally valid VEX or XOP instruction. */
        private void measureVex() {
            Insn d = insn;
            if (truncated) return;
            int map = d.encoding == Insn.ENC_XOP ? d.map - 5 : d.map - 1;
            int state = d.vexPp + 4 * (d.vexL & 1) + 8 * d.vexW;
            int code = Validity.code(Validity.VEX_BASE, Validity.row(Validity.VEX_BASE, map, d.opcode, state, 0),
                    Validity.mc80(d.hasModrm, d.mod, d.reg, d.rm, d.hasSib));
            int mc = Validity.mc24(d.hasModrm, d.mod, d.reg, d.hasSib);
            int v = d.vexVvvv & 15;
            if (v != 0) code = worst(code, vexDev(map, state, v < 8 ? 0 : 1, mc));
            if ((d.vexRex & 4) != 0) code = worst(code, vexDev(map, state, 2, mc));
            if ((d.vexRex & 1) != 0 && d.mod == 3) code = worst(code, vexDev(map, state, 3, mc));
            code = worst(code, equal(map, state));
            applyMeasured(code);
        }

        private int vexDev(int map, int state, int probe, int mc) {
            return Validity.code(Validity.VEX_DEV, Validity.row(Validity.VEX_DEV, map, insn.opcode, state, probe), mc);
        }

        /** objdump's verdict on a structurally valid EVEX instruction. */
        private void measureEvex() {
            Insn d = insn;
            if (truncated) return;
            int map = d.map <= 3 ? d.map - 1 : d.map - 2;
            int p2 = d.evexP2;
            int b = (p2 >> 4) & 1;
            int m = (p2 & 7) != 0 ? 1 : 0;
            int state = d.vexPp + 4 * d.vexW + 8 * ((p2 >> 5) & 3) + 32 * b + 64 * m;
            int mc = Validity.mc24(d.hasModrm, d.mod, d.reg, d.hasSib);
            int code = Validity.code(Validity.EVEX_BASE, Validity.row(Validity.EVEX_BASE, map, d.opcode, state, 0), mc);
            int ds = d.vexPp + 4 * d.vexW + 8 * b + 16 * m;
            if ((p2 & 0x80) != 0) code = worst(code, evexDev(map, ds, 0, mc));
            int v = d.vexVvvv & 31;
            if (v != 0) {
                int probe = v < 8 ? 1 : v < 16 ? 2 : v == 16 ? 3 : 4;
                code = worst(code, evexDev(map, ds, probe, mc));
            }
            if ((d.vexRex & 4) != 0) code = worst(code, evexDev(map, ds, 5, mc));
            if (d.evexRPrime != 0) code = worst(code, evexDev(map, ds, 6, mc));
            if (d.mod == 3 && (d.vexRex & 1) != 0) code = worst(code, evexDev(map, ds, 7, mc));
            if (d.mod == 3 && (d.vexRex & 2) != 0) code = worst(code, evexDev(map, ds, 8, mc));
            code = worst(code, equal(6 + map, ds & 15));
            applyMeasured(code);
        }

        /** The verdict of the register equalities of a VEX/XOP/EVEX instruction, if any. */
        private int equal(int map, int state) {
            int eq = eqMask(insn);
            if (eq == 0) return Validity.OK;
            int row = Validity.row(Validity.EQUAL, map, insn.opcode, state, 0);
            int kind = insn.mod == 3 ? Validity.EQP_REG : insn.hasSib ? Validity.EQP_SIB : Validity.EQP_MEM;
            if (Validity.code(Validity.EQUAL, row, kind) != Validity.OK) return Validity.OK;
            int code = Validity.OK;
            int p = kind + 1;
            for (int bit = 1; bit <= Validity.EQ_V_INDEX; bit <<= 1) {
                boolean probed = kind == Validity.EQP_MEM ? bit == Validity.EQ_REG_V
                        : kind == Validity.EQP_SIB ? (bit & (Validity.EQ_REG_V | Validity.EQ_REG_INDEX | Validity.EQ_V_INDEX)) != 0
                        : (bit & (Validity.EQ_REG_V | Validity.EQ_REG_RM | Validity.EQ_V_RM)) != 0;
                if (!probed) continue;
                if ((eq & bit) != 0) code = worst(code, Validity.code(Validity.EQUAL, row, p));
                p++;
            }
            return code;
        }

        private int evexDev(int map, int state, int probe, int mc) {
            return Validity.code(Validity.EVEX_DEV, Validity.row(Validity.EVEX_DEV, map, insn.opcode, state, probe), mc);
        }

        /**
         * Of two rejections, the one objdump reports first: the opcode tables (after the opcode),
         * then the operands (BadOp, a "(bad)" operand), then the whole-instruction checks.
         */
        private static int worst(int a, int b) {
            if (a == Validity.OK) return b;
            if (b == Validity.OK) return a;
            return RANK[a] <= RANK[b] ? a : b;
        }

        private static final int[] RANK = {9, 0, 4, 3, 2, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

        private void readImm(int size) {
            insn.immOffset = pos;
            insn.immSize = size;
            insn.imm = readSigned(size);
        }

        private void readModrm() {
            Insn d = insn;
            int m = next();
            int rex = d.rex;
            d.hasModrm = true;
            d.modrm = m;
            d.mod = m >> 6;
            d.reg = ((m >> 3) & 7) | ((rex & 4) << 1);
            int rm = m & 7;
            d.rm = rm | ((rex & 1) << 3);
            if (d.mod == 3) return;
            if (rm == 4) {
                int s = next();
                d.hasSib = true;
                d.sib = s;
                d.scale = s >> 6;
                int idx = ((s >> 3) & 7) | ((rex & 2) << 2);
                d.index = idx == 4 ? -1 : idx;
                int b = s & 7;
                if (b == 5 && d.mod == 0) {
                    d.base = -1;
                    readDisp(4);
                } else {
                    d.base = b | ((rex & 1) << 3);
                }
            } else if (rm == 5 && d.mod == 0) {
                d.ripRelative = true;
                d.base = -1;
                readDisp(4);
            } else {
                d.base = d.rm;
            }
            if (d.mod == 1) readDisp(1);
            else if (d.mod == 2) readDisp(4);
        }

        private void readDisp(int size) {
            insn.dispOffset = pos;
            insn.dispSize = size;
            insn.disp = readSigned(size);
        }

        // ------------------------------------------------------------------ VEX / EVEX / XOP

        private void vexCommon(int map, int opcode) {
            insn.map = map;
            insn.opcode = opcode;
            insn.opcodeOffset = pos - 1;
            insn.operandSize = insn.vexW != 0 ? 64 : 32;
        }

        private void decodeVex(int op) {
            Insn d = insn;
            d.encoding = Insn.ENC_VEX;
            int map;
            int rexBits;
            if (op == 0xC5) {
                int b1 = next();
                rexBits = (b1 & 0x80) != 0 ? 0 : 4;
                d.vexVvvv = (~b1 >> 3) & 0xf;
                d.vexL = (b1 >> 2) & 1;
                d.vexPp = b1 & 3;
                map = 1;
            } else {
                int b1 = next();
                rexBits = (~b1 >> 5) & 7;
                map = b1 & 0x1f;
                if (map < 1 || map > 3) {
                    d.status = Insn.Status.INVALID;
                    d.formLength = pos + 3;
                    d.length = pos - 1;
                    return;
                }
                int b2 = next();
                d.vexW = b2 >> 7;
                if (d.vexW != 0) rexBits |= 8;
                d.vexVvvv = (~b2 >> 3) & 0xf;
                d.vexL = (b2 >> 2) & 1;
                d.vexPp = b2 & 3;
            }
            d.rex = 0;
            d.vexRex = rexBits;
            int opcode = next();
            vexCommon(map, opcode);
            if (map == 1 && opcode == 0x77) {
                finishVexLike(false, 0);
                measureVex();
                return;
            }
            boolean imm8 = map == 3 || (map == 1 && Maps.vex0fHasImm8(opcode));
            finishVexLike(true, imm8 ? 1 : 0);
            measureVex();
        }

        private void decodeEvex() {
            Insn d = insn;
            d.encoding = Insn.ENC_EVEX;
            int p0 = next();
            int map = p0 & 0xf;
            if (!(map == 1 || map == 2 || map == 3 || map == 5 || map == 6)) {
                d.status = Insn.Status.INVALID;
                d.length = pos - 1;
                return;
            }
            int rexBits = (~p0 >> 5) & 7;
            d.evexRPrime = (p0 & 0x10) == 0 ? 1 : 0;
            int p1 = next();
            if ((p1 & 4) == 0) {
                d.status = Insn.Status.INVALID;
                d.formLength = pos + 3;
                d.length = pos - 1;
                return;
            }
            d.vexW = p1 >> 7;
            if (d.vexW != 0) rexBits |= 8;
            d.vexVvvv = (~p1 >> 3) & 0xf;
            d.vexPp = p1 & 3;
            int p2 = next();
            d.evexP2 = p2;
            d.vexL = (p2 >> 5) & 3;
            if ((p2 & 8) == 0) d.vexVvvv |= 16;
            d.rex = 0;
            d.vexRex = rexBits;
            int opcode = next();
            vexCommon(map, opcode);
            boolean imm8 = map == 3 || (map == 1 && Maps.vex0fHasImm8(opcode));
            int afterOpcode = pos;
            int modrm = peek();
            finishVexLike(true, imm8 ? 1 : 0);
            if (d.vexL == 3 && !((modrm >> 6) == 3 && (p2 & 0x10) != 0) && !truncated) {
                // L'L = 3 is reserved (unless it encodes rounding): objdump stops after the opcode
                d.status = Insn.Status.INVALID;
                d.formLength = d.length;
                d.length = afterOpcode;
            } else if (d.status == Insn.Status.OK) {
                measureEvex();
            }
        }

        private void decodeXop() {
            Insn d = insn;
            d.encoding = Insn.ENC_XOP;
            int b1 = next();
            int map = b1 & 0x1f;
            if (map < 8 || map > 10) {
                d.status = Insn.Status.INVALID;
                d.length = pos - 1;
                return;
            }
            int rexBits = (~b1 >> 5) & 7;
            int b2 = next();
            d.vexW = b2 >> 7;
            if (d.vexW != 0) rexBits |= 8;
            d.vexVvvv = (~b2 >> 3) & 0xf;
            d.vexL = (b2 >> 2) & 1;
            d.vexPp = b2 & 3;
            d.rex = 0;
            d.vexRex = rexBits;
            int opcode = next();
            vexCommon(map, opcode);
            int immSize = map == 8 ? 1 : map == 10 ? 4 : 0;
            finishVexLike(true, immSize);
            measureVex();
        }

        private void finishVexLike(boolean modrm, int immSize) {
            Insn d = insn;
            if (modrm) {
                int saved = d.rex;
                d.rex = d.vexRex;
                readModrm();
                d.rex = saved;
            }
            if (immSize > 0) readImm(immSize);
            d.length = pos;
            d.status = Insn.Status.OK;
        }
    }
}
