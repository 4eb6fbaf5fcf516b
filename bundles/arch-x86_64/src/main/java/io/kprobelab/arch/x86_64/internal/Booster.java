package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.x86.Insn;

/**
 * Which instructions the kprobe-booster may run out of line without a single-step
 * ({@code can_boost} of the lazy booster, x86 2.6.25 to 4.11): the copy, followed by a jump back,
 * must do exactly what the original does. Not relative branches or calls (their targets or pushed
 * addresses would be the copy's), not what traps or changes privilege, not what the kernel may
 * fix up through its exception table (the fix-up is found by the faulting address, and a copy
 * has none), not address-size or CS-overridden forms.
 */
final class Booster {

    /** {@code twobyte_is_boostable}: 0F xx second bytes whose copies need no fix-up. */
    private static final long[] TWO_BYTE = bits(
            0x02, 0x03, 0x06, 0x08, 0x09, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x31,
            0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
            0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6e, 0x6f,
            0x74, 0x75, 0x76, 0x77, 0x7e, 0x7f,
            0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
            0xa0, 0xa1, 0xa3, 0xa4, 0xa5, 0xa8, 0xa9, 0xab, 0xac, 0xad, 0xaf,
            0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
            0xc0, 0xc1, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
            0xd1, 0xd2, 0xd3, 0xd5, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xdf,
            0xe1, 0xe2, 0xe5, 0xe8, 0xe9, 0xeb, 0xec, 0xed, 0xef,
            0xf1, 0xf2, 0xf3, 0xf5, 0xf8, 0xf9, 0xfa, 0xfc, 0xfd, 0xfe);

    private Booster() {
    }

    private static long[] bits(int... ops) {
        long[] b = new long[4];
        for (int op : ops) {
            b[op >>> 6] |= 1L << (op & 63);
        }
        return b;
    }

    /**
     * {@code can_boost}: whether the instruction may become boosted after its first step.
     *
     * @param hasFixup whether the kernel's exception table has an entry for its address
     */
    static boolean canBoost(Insn insn, boolean hasFixup) {
        if (hasFixup || insn.encoding() != Insn.ENC_LEGACY) {
            return false;
        }
        // 67 (address size) and 2E (CS override) are never boosted; REX, 64..66, other segment
        // overrides and F0/F2/F3 are looked through (the decoder already has).
        if (insn.addressSize() != 64) {
            return false;
        }
        byte[] b = insn.bytes();
        for (int i = 0; i < insn.opcodeOffset(); i++) {
            if ((b[i] & 0xff) == 0x2e) {
                return false;
            }
        }
        int op = insn.opcode();
        if (insn.map() == Insn.MAP_0F) {
            return (TWO_BYTE[op >>> 6] & (1L << (op & 63))) != 0;
        }
        if (insn.map() != Insn.MAP_ONE_BYTE) {
            return false; // three-byte maps: never
        }
        return switch (op & 0xf0) {
            case 0x60 -> op != 0x62 && op != 0x67;
            case 0x70 -> false; // jcc rel8
            case 0x90 -> op != 0x9a;
            case 0xc0 -> (op >= 0xc2 && op <= 0xcb) || op == 0xcf; // ret, lret, mov imm, enter, leave, iret
            case 0xd0 -> op == 0xd4 || op == 0xd5 || op == 0xd7;
            case 0xe0 -> (op >= 0xe4 && op <= 0xe7) || op >= 0xec || op == 0xea; // in/out, not loop/jcxz/call/jmp
            case 0xf0 -> op == 0xf5 || (op >= 0xf8 && op <= 0xfd); // cmc, clc..std
            default -> true;
        };
    }
}
