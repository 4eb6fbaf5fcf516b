/*
 * Licensed under the Apache License, Version 2.0.
 */
package io.kprobelab.x86.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * objdump's {@code (bad)} verdicts for the encodings the hand-written tables ({@link Ops}) do not
 * describe: SSE/MMX/x87 forms of the legacy maps and every VEX, XOP and EVEX instruction.
 *
 * <p>The facts are measured, not transcribed: {@code ValidityTableGenerator} (test scope) runs
 * every combination of the dimensions below through objdump and writes {@code validity.bin}.
 * Each family is a grid {@code [map][opcode][state][probe][modrm class]} of 2-bit codes; rows of
 * modrm classes are shared (most opcodes have identical rows).
 *
 * <ul>
 * <li>{@link #LEGACY}: maps one-byte/0F/0F38/0F3A; state = 66 + 2 * (last F3=1/F2=2) + 6 * REX.W
 *     + 12 * REX.R + 24 * REX.B (REX.R/B name bound registers 4..15, which do not exist);
 *     modrm class {@link #mc80} with rip-relative memory apart.</li>
 * <li>{@link #VEX_BASE}: VEX maps 1..3 then XOP 8..10; state = pp + 4 L + 8 W; vvvv = 1111,
 *     no R/X/B; {@link #mc80} with SIB memory apart (VSIB).</li>
 * <li>{@link #VEX_DEV}: the same opcode and state with one deviation from the base (probe
 *     0 vvvv = reg 1, 1 vvvv = reg 9, 2 VEX.R, 3 VEX.B with a register operand); {@link #mc24}.</li>
 * <li>{@link #EVEX_BASE}: EVEX maps 1,2,3,5,6; state = pp + 4 W + 8 L'L + 32 b + 64 (aaa != 0);
 *     no zeroing, vvvv = 1111, V' = R' = R = X = B = 0; {@link #mc24}.</li>
 * <li>{@link #EVEX_DEV}: state = pp + 4 W + 8 b + 16 (aaa != 0) (measured at a vector length the
 *     base accepts, else at 512); probes 0 z, 1 vvvv reg 1, 2 reg 9, 3 reg 16 (V' only), 4 reg 17,
 *     5 R, 6 R', 7 B and 8 X with a register operand.</li>
 * <li>{@link #THREEDNOW}: 0F 0F by its imm8 suffix (the suffix is the real opcode).</li>
 * <li>{@link #EQUAL}: maps VEX 1..3, XOP 8..10, EVEX 1,2,3,5,6; state as the deviations; the
 *     verdicts with two register fields equal ({@link #EQP_MEM}...), which the other grids
 *     never encode (the generator replaces cells whose encoding happened to have one).</li>
 * </ul>
 * A deviation probe answers for that deviation alone (on top of the base); the decoder combines
 * the base verdict with every deviation that applies and reports the rejection objdump makes
 * first: the opcode tables, then the operands, then the whole-instruction checks.
 */
public final class Validity {

    private Validity() {
    }

    /**
     * Codes: valid (or never measured), and where objdump's (bad) ends: after the opcode byte
     * (no table entry), after the whole instruction (an operand or a final check rejects it),
     * after the prefixes and the first opcode byte (objdump's BadOp), after the ModRM byte, or
     * after the prefixes and two bytes.
     */
    public static final int OK = 0, BAD_AFTER_OPCODE = 1, BAD_FULL = 2, BAD_AFTER_PREFIX = 3, BAD_AFTER_MODRM = 4,
            BAD_AFTER_PREFIX2 = 5;

    public static final int LEGACY = 0, VEX_BASE = 1, VEX_DEV = 2, EVEX_BASE = 3, EVEX_DEV = 4, THREEDNOW = 5,
            EQUAL = 6;

    /** Register equalities some instructions reject (AMX, FP16 complex, VEX gathers). */
    public static final int EQ_REG_V = 1, EQ_REG_RM = 2, EQ_V_RM = 4, EQ_REG_INDEX = 8, EQ_V_INDEX = 16;

    /**
     * {@link #EQUAL} probes by operand kind: the all-distinct form first, then one probe per
     * equality (memory: reg=v; SIB memory: reg=v, reg=index, v=index; register: reg=v, reg=rm,
     * v=rm).
     */
    public static final int EQP_MEM = 0, EQP_SIB = 2, EQP_REG = 6;

    /** Per family: maps, states, probes, modrm classes. */
    public static final int[][] SHAPE = {
        {4, 48, 1, 80},
        {6, 16, 1, 80},
        {6, 16, 4, 24},
        {5, 128, 1, 24},
        {5, 32, 9, 24},
        {1, 1, 1, 256},
        {11, 16, 1, 10},
    };

    private static final char[][] ROW = new char[SHAPE.length][];
    private static final byte[][] DATA = new byte[SHAPE.length][];
    private static final boolean LOADED = load();

    /** True when the generated table is present (it is shipped with the bundle). */
    public static boolean loaded() {
        return LOADED;
    }

    /** Row index of (map, opcode, state, probe) in a family. */
    public static int row(int family, int map, int opcode, int state, int probe) {
        int[] s = SHAPE[family];
        return ((map * 256 + opcode) * s[1] + state) * s[2] + probe;
    }

    /** The code (one nibble) of a modrm class in a row. */
    public static int code(int family, int row, int mc) {
        char[] rows = ROW[family];
        if (rows == null) return OK;
        int bpr = (SHAPE[family][3] + 1) / 2;
        int b = DATA[family][rows[row] * bpr + (mc >> 1)];
        return (b >> ((mc & 1) * 4)) & 15;
    }

    /** ModRM class with 64 register forms: memory by reg (+8 rip or SIB), 16 + reg*8 + rm. */
    public static int mc80(boolean hasModrm, int mod, int reg, int rm, boolean apart) {
        if (!hasModrm) return 0;
        if (mod == 3) return 16 + (reg & 7) * 8 + (rm & 7);
        return (apart ? 8 : 0) + (reg & 7);
    }

    /** ModRM class by reg only: memory, memory with SIB, register. */
    public static int mc24(boolean hasModrm, int mod, int reg, boolean sib) {
        if (!hasModrm) return 0;
        return (mod == 3 ? 16 : sib ? 8 : 0) + (reg & 7);
    }

    private static boolean load() {
        try (InputStream raw = Validity.class.getResourceAsStream("validity.bin")) {
            if (raw == null) return false;
            DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16));
            for (int f = 0; f < SHAPE.length; f++) {
                int[] s = SHAPE[f];
                int n = in.readInt();
                // a table of another shape (stale resource) must not make the decoder throw
                if (n != s[0] * 256 * s[1] * s[2]) throw new IOException("validity.bin: family " + f + " has " + n + " rows");
                int bpr = (s[3] + 1) / 2;
                char[] rows = new char[n];
                int max = 0;
                for (int i = 0; i < n; i++) {
                    rows[i] = in.readChar();
                    max = Math.max(max, rows[i]);
                }
                int bytes = in.readInt();
                if ((max + 1) * bpr > bytes) throw new IOException("validity.bin: family " + f + " is short");
                byte[] data = new byte[bytes];
                in.readFully(data);
                ROW[f] = rows;
                DATA[f] = data;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            // no table: every measured verdict reads as valid, the structural decode still works
            for (int f = 0; f < SHAPE.length; f++) {
                ROW[f] = null;
                DATA[f] = null;
            }
            return false;
        }
    }
}
