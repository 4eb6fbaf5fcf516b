package io.kprobelab.x86.internal;

/**
 * Structural opcode tables: for every opcode of the one-byte, 0F, 0F38 and 0F3A maps, whether a
 * ModRM byte follows, which immediate follows, the 64-bit operand-size default and whether the
 * opcode is invalid in 64-bit mode. Mnemonics and operand forms live in the formatter tables.
 */
public final class Maps {

    private Maps() {
    }

    /** ModRM follows. */
    public static final int F_MODRM = 0x100;
    /** Operand size defaults to 64 in long mode (push/pop, near branches, ...). */
    public static final int F_D64 = 0x200;
    /** Invalid in 64-bit mode whatever follows: objdump consumes prefixes + opcode. */
    public static final int F_INV = 0x400;

    /** ModRM.mod is ignored and treated as 3 (MOV to/from control and debug registers). */
    public static final int F_MODREG = 0x800;

    /** Immediate kinds (low byte). */
    public static final int IMM_MASK = 0xff;
    public static final int I_NONE = 0, I_B = 1, I_W = 2, I_Z = 3, I_V = 4, I_WB = 5, I_MOFFS = 6,
            I_GRP3B = 7, I_GRP3Z = 8, I_JB = 9, I_JZ = 10, I_3DNOW = 11, I_EXTRQ = 12;

    /** Prefix kinds. */
    public static final int PK_LEGACY = 1, PK_REX = 2;

    public static final int[] PREFIX_KIND = new int[256];
    public static final int[] ONE = new int[256];
    public static final int[] MAP0F = new int[256];
    public static final int[] MAP0F38 = new int[256];
    public static final int[] MAP0F3A = new int[256];

    private static final String ONE_MODRM =
            // 0 1 2 3 4 5 6 7 8 9 a b c d e f
            "1111000011110000" // 00
          + "1111000011110000" // 10
          + "1111000011110000" // 20
          + "1111000011110000" // 30
          + "0000000000000000" // 40
          + "0000000000000000" // 50
          + "0011000001010000" // 60
          + "0000000000000000" // 70
          + "1111111111111111" // 80
          + "0000000000000000" // 90
          + "0000000000000000" // a0
          + "0000000000000000" // b0
          + "1100111100000000" // c0
          + "1111000011111111" // d0
          + "0000000000000000" // e0
          + "0000001100000011"; // f0

    private static final String TWO_MODRM =
            "1111000000000101" // 00
          + "1111111111111111" // 10
          + "1111111011111111" // 20
          + "0000000010100000" // 30
          + "1111111111111111" // 40
          + "1111111111111111" // 50
          + "1111111111111111" // 60
          + "1111111011111111" // 70
          + "0000000000000000" // 80
          + "1111111111111111" // 90
          + "0001111100011111" // a0
          + "1111111111111111" // b0
          + "1111111100000000" // c0
          + "1111111111111111" // d0
          + "1111111111111111" // e0
          + "1111111111111111"; // f0

    static {
        for (int b : new int[] {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}) {
            PREFIX_KIND[b] = PK_LEGACY;
        }
        for (int b = 0x40; b <= 0x4F; b++) PREFIX_KIND[b] = PK_REX;

        for (int i = 0; i < 256; i++) {
            if (ONE_MODRM.charAt(i) == '1') ONE[i] |= F_MODRM;
            if (TWO_MODRM.charAt(i) == '1') MAP0F[i] |= F_MODRM;
            MAP0F38[i] = F_MODRM;
            MAP0F3A[i] = F_MODRM | I_B;
        }
        // ---- one-byte map
        for (int r = 0; r < 8; r++) {
            ONE[r * 8 + 4] |= I_B;
            ONE[r * 8 + 5] |= I_Z;
        }
        for (int b : new int[] {0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F,
                0x60, 0x61, 0x82, 0x9A, 0xCE, 0xD4, 0xD5, 0xD6, 0xEA}) {
            ONE[b] = F_INV;
        }
        for (int b = 0x50; b <= 0x5F; b++) ONE[b] |= F_D64;
        ONE[0x68] |= I_Z | F_D64;
        ONE[0x69] |= I_Z;
        ONE[0x6A] |= I_B | F_D64;
        ONE[0x6B] |= I_B;
        for (int b = 0x70; b <= 0x7F; b++) ONE[b] |= I_JB | F_D64;
        ONE[0x80] |= I_B;
        ONE[0x81] |= I_Z;
        ONE[0x83] |= I_B;
        ONE[0x8F] |= F_D64;
        ONE[0x9C] |= F_D64;
        ONE[0x9D] |= F_D64;
        for (int b = 0xA0; b <= 0xA3; b++) ONE[b] |= I_MOFFS;
        ONE[0xA8] |= I_B;
        ONE[0xA9] |= I_Z;
        for (int b = 0xB0; b <= 0xB7; b++) ONE[b] |= I_B;
        for (int b = 0xB8; b <= 0xBF; b++) ONE[b] |= I_V;
        ONE[0xC0] |= I_B;
        ONE[0xC1] |= I_B;
        ONE[0xC2] |= I_W | F_D64;
        ONE[0xC3] |= F_D64;
        ONE[0xC6] |= I_B;
        ONE[0xC7] |= I_Z;
        ONE[0xC8] |= I_WB | F_D64;
        ONE[0xC9] |= F_D64;
        ONE[0xCA] |= I_W;
        ONE[0xCD] |= I_B;
        for (int b = 0xE0; b <= 0xE3; b++) ONE[b] |= I_JB | F_D64;
        for (int b = 0xE4; b <= 0xE7; b++) ONE[b] |= I_B;
        ONE[0xE8] |= I_JZ | F_D64;
        ONE[0xE9] |= I_JZ | F_D64;
        ONE[0xEB] |= I_JB | F_D64;
        ONE[0xF6] |= I_GRP3B;
        ONE[0xF7] |= I_GRP3Z;

        // ---- 0F map
        MAP0F[0x0F] |= I_3DNOW;
        for (int b = 0x20; b <= 0x23; b++) MAP0F[b] |= F_MODREG;
        for (int b = 0x70; b <= 0x73; b++) MAP0F[b] |= I_B;
        MAP0F[0x78] |= I_EXTRQ;
        for (int b = 0x80; b <= 0x8F; b++) MAP0F[b] |= I_JZ | F_D64;
        MAP0F[0xA0] |= F_D64;
        MAP0F[0xA1] |= F_D64;
        MAP0F[0xA8] |= F_D64;
        MAP0F[0xA9] |= F_D64;
        MAP0F[0xA4] |= I_B;
        MAP0F[0xAC] |= I_B;
        MAP0F[0xBA] |= I_B;
        MAP0F[0xC2] |= I_B;
        MAP0F[0xC4] |= I_B;
        MAP0F[0xC5] |= I_B;
        MAP0F[0xC6] |= I_B;
        for (int b : new int[] {0x04, 0x0A, 0x0C, 0x24, 0x25, 0x26, 0x27, 0x36, 0x39, 0x3B, 0x3C, 0x3D,
                0x3E, 0x3F, 0x7A, 0x7B}) {
            MAP0F[b] = F_INV;
        }
    }

    /** VEX/EVEX map 1 (0F) opcodes that take an imm8. */
    public static boolean vex0fHasImm8(int opcode) {
        return (opcode >= 0x70 && opcode <= 0x73) || opcode == 0xC2 || opcode == 0xC4 || opcode == 0xC5
                || opcode == 0xC6;
    }
}
