package io.kprobelab.x86;

import java.util.Arrays;

/**
 * One decoded x86-64 (long mode) instruction: its structure, never its meaning.
 *
 * <p>Produced by {@link Decoder#decode(byte[], int, int, long)}. Register numbers returned by
 * {@link #reg()}, {@link #rm()}, {@link #base()} and {@link #index()} already include the REX
 * (or VEX/EVEX) extension bits, so they range over 0..15 (RAX..R15) and can index a register
 * file directly. Offsets ({@link #dispOffset()}, {@link #immOffset()}) are from the first byte
 * of the instruction, which is what the kprobes RIP-relative fix-up needs.
 *
 * <p>Instances are immutable once returned by the decoder.
 */
public final class Insn {

    /** Result of a decode. */
    public enum Status {
        /** A complete, valid instruction. */
        OK,
        /** Not a valid instruction in 64-bit mode: objdump prints {@code (bad)}. */
        INVALID,
        /** The bytes end before the instruction does (or it would exceed 15 bytes). */
        TRUNCATED
    }

    /** Legacy prefix bits for {@link #prefixes()}. */
    public static final int PFX_LOCK = 1, PFX_REP = 2, PFX_REPNE = 4, PFX_OPSIZE = 8, PFX_ADDRSIZE = 16;

    /** Segment numbers for {@link #segment()}, in the SDM's Sreg order. */
    public static final int SEG_NONE = -1, SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5;

    /** Opcode maps for {@link #map()}. */
    public static final int MAP_ONE_BYTE = 0, MAP_0F = 1, MAP_0F38 = 2, MAP_0F3A = 3;

    /** Encodings for {@link #encoding()}. */
    public static final int ENC_LEGACY = 0, ENC_VEX = 1, ENC_EVEX = 2, ENC_XOP = 3;

    // Fields are written by Decoder only (package-private), then the object is published.
    Status status = Status.INVALID;
    long address;
    int length;
    byte[] bytes = new byte[0];
    int prefixes;
    int segment = SEG_NONE;
    int lastRepPrefix;          // 0, 0xF2 or 0xF3: the last of them, for mandatory-prefix decoding
    int rex;                    // 0 when absent, else 0x40..0x4F
    int encoding = ENC_LEGACY;
    int vexL, vexW, vexVvvv, vexPp; // VEX/EVEX/XOP fields (vvvv already inverted and extended)
    int map = MAP_ONE_BYTE;
    int opcode;
    int opcodeOffset;
    boolean hasModrm;
    int modrm;
    int mod, reg, rm;
    boolean hasSib;
    int sib;
    int scale, index = -1, base = -1;
    boolean ripRelative;
    int dispOffset = -1, dispSize;
    long disp;
    int immOffset = -1, immSize;
    long imm;
    int imm2Size;
    long imm2;
    int operandSize = 32;
    int addressSize = 64;
    // additions beyond the original contract
    int prefixCount;            // legacy prefix + REX bytes before the opcode (or VEX/EVEX/XOP escape)
    int vexRex;                 // VEX/EVEX/XOP R,X,B,W bits in REX layout (0..15), 0 for legacy
    int evexRPrime;             // EVEX R' (1 = reg + 16)
    int evexP2;                 // EVEX third payload byte (z L'L b V' aaa)
    boolean prefixOnly;         // Decoder.decodeListing: prefixes objdump lists on their own line
    boolean fwait;              // Decoder.decodeListing: FWAIT merged with what follows
    int formLength;             // for INVALID: the length the form would have if it were valid
    int badKind;                // Formatter.BAD_*: why the tables rejected it (0: structural)

    Insn() {
    }

    /** Decode status. */
    public Status status() { return status; }

    /** True for {@link Status#OK}. */
    public boolean isValid() { return status == Status.OK; }

    /** Guest-virtual address the instruction was decoded at (used for RIP-relative targets). */
    public long address() { return address; }

    /** Length in bytes (1..15) for a valid instruction; for INVALID, the bytes objdump consumes. */
    public int length() { return length; }

    /** A copy of the instruction's bytes. */
    public byte[] bytes() { return Arrays.copyOf(bytes, bytes.length); }

    /** Byte {@code i} of the instruction, 0..255. */
    public int byteAt(int i) { return bytes[i] & 0xff; }

    /** Legacy prefixes present, as {@code PFX_*} bits. */
    public int prefixes() { return prefixes; }

    /** True when every bit of {@code pfx} is present. */
    public boolean has(int pfx) { return (prefixes & pfx) == pfx; }

    /** The effective segment override ({@code SEG_*}), the last one given, or {@link #SEG_NONE}. */
    public int segment() { return segment; }

    /** The last of F2/F3 given (0 if none): decides a mandatory prefix. */
    public int lastRepPrefix() { return lastRepPrefix; }

    /** The REX byte, 0 if none. */
    public int rex() { return rex; }

    /** REX.W (or VEX/EVEX .W). */
    public boolean rexW() { return (rex & 8) != 0 || (encoding != ENC_LEGACY && vexW != 0); }

    /** {@code ENC_LEGACY}, {@code ENC_VEX}, {@code ENC_EVEX} or {@code ENC_XOP}. */
    public int encoding() { return encoding; }

    /** VEX/EVEX vector length field (L, or L'L for EVEX). */
    public int vexL() { return vexL; }

    /** VEX/EVEX second source register number (vvvv, already inverted). */
    public int vexVvvv() { return vexVvvv; }

    /** VEX/EVEX implied prefix: 0 none, 1 = 66, 2 = F3, 3 = F2. */
    public int vexPp() { return vexPp; }

    /** Opcode map, {@code MAP_*}; for VEX/EVEX/XOP the map number from the prefix. */
    public int map() { return map; }

    /** The opcode byte within its map. */
    public int opcode() { return opcode; }

    /** Offset of the opcode byte (the last escape byte excluded) in the instruction. */
    public int opcodeOffset() { return opcodeOffset; }

    /** True if a ModRM byte follows the opcode. */
    public boolean hasModrm() { return hasModrm; }

    /** The raw ModRM byte. */
    public int modrm() { return modrm; }

    /** ModRM.mod, 0..3. */
    public int mod() { return mod; }

    /** ModRM.reg extended with REX.R: 0..15. For group opcodes, {@code reg() & 7} is the extension. */
    public int reg() { return reg; }

    /** ModRM.rm extended with REX.B (when mod == 3 or no SIB): 0..15. */
    public int rm() { return rm; }

    /** True if a SIB byte is present. */
    public boolean hasSib() { return hasSib; }

    /** The raw SIB byte. */
    public int sib() { return sib; }

    /** SIB scale as a shift count 0..3. */
    public int scale() { return scale; }

    /** Index register 0..15 (REX.X applied), or -1 when there is none (SIB index 100b without REX.X). */
    public int index() { return index; }

    /** Base register 0..15 for a memory operand, or -1 when there is none (disp32 only, or RIP-relative). */
    public int base() { return base; }

    /** True for a RIP-relative memory operand (mod == 0, rm == 101b, no SIB). */
    public boolean ripRelative() { return ripRelative; }

    /** True when the ModRM operand is memory (mod != 3). */
    public boolean hasMemoryOperand() { return hasModrm && mod != 3; }

    /** Offset of the displacement in the instruction, or -1 when there is none. */
    public int dispOffset() { return dispOffset; }

    /** Displacement size in bytes: 0, 1, 2, 4 (or 8 for moffs forms A0..A3). */
    public int dispSize() { return dispSize; }

    /** Displacement, sign-extended (moffs: the raw 64-bit address). */
    public long disp() { return disp; }

    /** Offset of the (first) immediate, or -1. Relative branch targets are immediates too. */
    public int immOffset() { return immOffset; }

    /** Size of the first immediate in bytes: 0, 1, 2, 4 or 8. */
    public int immSize() { return immSize; }

    /** First immediate, sign-extended from its size (mask it for unsigned use). */
    public long imm() { return imm; }

    /** Size of the second immediate (ENTER's Ib, a far pointer's selector, EXTRQ's second Ib), or 0. */
    public int imm2Size() { return imm2Size; }

    /** The second immediate, zero-extended. */
    public long imm2() { return imm2; }

    /**
     * Effective operand size in bits for the 'v' operands of this opcode: 16, 32 or 64, with the
     * 64-bit-mode defaults applied (near branches, push/pop default to 64). Byte forms are told
     * by the opcode, not by this value.
     */
    public int operandSize() { return operandSize; }

    /** Effective address size in bits: 64, or 32 with a 0x67 prefix. */
    public int addressSize() { return addressSize; }

    /** Number of legacy prefix and REX bytes before the opcode (or before the VEX/EVEX/XOP escape). */
    public int prefixCount() { return prefixCount; }

    /**
     * For VEX/EVEX/XOP: the R, X, B and W bits in REX layout (0x8 W, 0x4 R, 0x2 X, 0x1 B), already
     * un-inverted; 0 for legacy encodings (see {@link #rex()} there).
     */
    public int vexRex() { return vexRex; }

    /** EVEX: the aaa opmask register number, 0..7 (0 = no masking). */
    public int evexMask() { return evexP2 & 7; }

    /** EVEX: the z (zeroing-masking) bit. */
    public boolean evexZeroing() { return (evexP2 & 0x80) != 0; }

    /** EVEX: the b (broadcast / rounding) bit. */
    public boolean evexB() { return (evexP2 & 0x10) != 0; }

    /** EVEX: ModRM.reg extended with R and R', 0..31. */
    public int evexReg() { return reg | (evexRPrime << 4); }

    /**
     * Only from {@link Decoder#decodeListing}: these bytes are prefixes that objdump lists as a
     * line of their own (a REX prefix followed by another prefix, which the CPU ignores).
     */
    public boolean prefixOnly() { return prefixOnly; }

    /** Only from {@link Decoder#decodeListing}: an FWAIT (9B) that objdump merges with what follows. */
    public boolean fwait() { return fwait; }

    /** For a relative branch (jmp/jcc/call/loop/jrcxz rel): the target address; else undefined. */
    public long branchTarget() { return address + length + imm; }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(String.format("%02x ", b & 0xff));
        return sb.toString().trim() + " [" + status + ", len " + length + "]";
    }
}
