package io.kprobelab.x86;

/**
 * The few encodings kprobes writes into guest code: the INT3 breakpoint, near relative
 * {@code jmp}/{@code call} (E9/E8 rel32) for optimized probes and trampolines, and the
 * recommended multi-byte NOPs (Intel SDM, "Recommended Multi-Byte Sequence of NOP
 * Instruction"; 11..15 bytes add 0x66 prefixes as gas does).
 */
public final class Encoder {

    private Encoder() {
    }

    /** Length of {@code jmp rel32} and {@code call rel32}. */
    public static final int REL32_LENGTH = 5;

    /** The INT3 opcode byte. */
    public static final int INT3 = 0xCC;

    private static final byte[][] NOPS = {
        {},
        {(byte) 0x90},
        {0x66, (byte) 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, (byte) 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, (byte) 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, (byte) 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x2e, 0x0f, 0x1f, (byte) 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };

    /** {@code int3}: CC. */
    public static byte[] int3() {
        return new byte[] {(byte) INT3};
    }

    /**
     * {@code jmp rel32} (E9) placed at {@code from}, jumping to {@code to}.
     *
     * @throws IllegalArgumentException if {@code to} is not within ±2 GiB of {@code from + 5}
     */
    public static byte[] jmpRel32(long from, long to) {
        return rel32(0xE9, "jmp", from, to);
    }

    /**
     * {@code call rel32} (E8) placed at {@code from}, calling {@code to}.
     *
     * @throws IllegalArgumentException if {@code to} is not within ±2 GiB of {@code from + 5}
     */
    public static byte[] callRel32(long from, long to) {
        return rel32(0xE8, "call", from, to);
    }

    /** True when a rel32 branch at {@code from} can reach {@code to}. */
    public static boolean rel32Reaches(long from, long to) {
        long rel = to - (from + REL32_LENGTH);
        return rel == (int) rel;
    }

    private static byte[] rel32(int opcode, String what, long from, long to) {
        long rel = to - (from + REL32_LENGTH);
        if (rel != (int) rel) {
            throw new IllegalArgumentException(String.format(
                    "%s rel32 at 0x%x cannot reach 0x%x: displacement %s0x%x is outside the signed 32-bit range",
                    what, from, to, rel < 0 ? "-" : "", Math.abs(rel)));
        }
        int r = (int) rel;
        return new byte[] {(byte) opcode, (byte) r, (byte) (r >> 8), (byte) (r >> 16), (byte) (r >> 24)};
    }

    /**
     * One NOP instruction of exactly {@code length} bytes (1..15).
     *
     * @throws IllegalArgumentException for a length outside 1..15
     */
    public static byte[] nop(int length) {
        if (length < 1 || length > Decoder.MAX_LENGTH) {
            throw new IllegalArgumentException("a single NOP is 1..15 bytes long, not " + length);
        }
        if (length < NOPS.length) return NOPS[length].clone();
        byte[] base = NOPS[10];
        byte[] r = new byte[length];
        int extra = length - base.length;
        for (int i = 0; i < extra; i++) r[i] = 0x66;
        System.arraycopy(base, 0, r, extra, base.length);
        return r;
    }

    /**
     * Fills {@code length} bytes (any non-negative length) with as few NOP instructions as
     * possible, each at most {@code maxNop} (1..15) bytes long.
     */
    public static byte[] nops(int length, int maxNop) {
        if (length < 0) throw new IllegalArgumentException("negative length " + length);
        if (maxNop < 1 || maxNop > Decoder.MAX_LENGTH) {
            throw new IllegalArgumentException("maxNop must be 1..15, not " + maxNop);
        }
        byte[] r = new byte[length];
        int at = 0;
        while (at < length) {
            int n = Math.min(maxNop, length - at);
            System.arraycopy(nop(n), 0, r, at, n);
            at += n;
        }
        return r;
    }
}
