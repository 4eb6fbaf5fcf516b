package io.kprobelab.machine.internal;

/**
 * SSE/SSE2 operations that move lanes across the two halves of a register (SDM Vol. 2B
 * PUNPCKL and PUNPCKH families, PACKSSWB/PACKSSDW/PACKUSWB, PSHUFD/PSHUFLW/PSHUFHW; Vol. 2B
 * SHUFPS/SHUFPD, UNPCKLPS..UNPCKHPD), as {@link SseOp.Whole} and {@link SseOp.WholeImm}
 * handlers: {@code x[d]}, {@code x[d + 1]} is the destination, {@code lo}, {@code hi} the
 * source, already read (so a source that is the destination register is seen unchanged).
 * UNPCKLPS and friends are the PUNPCKL forms of the same width, bit for bit.
 */
final class ShuffleOps {

    private ShuffleOps() {
    }

    // ------------------------------------------------------------------ unpack (interleave)

    /** Bytes 0..3 of a and b interleaved: a0 b0 a1 b1 a2 b2 a3 b3. */
    private static long bytes(long a, long b) {
        long r = 0;
        for (int i = 0; i < 4; i++) {
            r |= ((a >>> (i * 8)) & 0xff) << (i * 16) | ((b >>> (i * 8)) & 0xff) << (i * 16 + 8);
        }
        return r;
    }

    /** Words 0 and 1 of a and b interleaved: a0 b0 a1 b1. */
    private static long words(long a, long b) {
        return (a & 0xffff) | (b & 0xffff) << 16 | (a & 0xffff0000L) << 16 | (b & 0xffff0000L) << 32;
    }

    private static long dwords(long a, long b) {
        return (a & 0xffffffffL) | b << 32;
    }

    static void punpcklbw(long[] x, int d, long lo, long hi) {
        long a = x[d];
        x[d] = bytes(a, lo);
        x[d + 1] = bytes(a >>> 32, lo >>> 32);
    }

    static void punpckhbw(long[] x, int d, long lo, long hi) {
        long a = x[d + 1];
        x[d] = bytes(a, hi);
        x[d + 1] = bytes(a >>> 32, hi >>> 32);
    }

    static void punpcklwd(long[] x, int d, long lo, long hi) {
        long a = x[d];
        x[d] = words(a, lo);
        x[d + 1] = words(a >>> 32, lo >>> 32);
    }

    static void punpckhwd(long[] x, int d, long lo, long hi) {
        long a = x[d + 1];
        x[d] = words(a, hi);
        x[d + 1] = words(a >>> 32, hi >>> 32);
    }

    static void punpckldq(long[] x, int d, long lo, long hi) {
        long a = x[d];
        x[d] = dwords(a, lo);
        x[d + 1] = dwords(a >>> 32, lo >>> 32);
    }

    static void punpckhdq(long[] x, int d, long lo, long hi) {
        long a = x[d + 1];
        x[d] = dwords(a, hi);
        x[d + 1] = dwords(a >>> 32, hi >>> 32);
    }

    static void punpcklqdq(long[] x, int d, long lo, long hi) {
        x[d + 1] = lo;
    }

    static void punpckhqdq(long[] x, int d, long lo, long hi) {
        x[d] = x[d + 1];
        x[d + 1] = hi;
    }

    // ------------------------------------------------------------------ pack (narrow with saturation)

    private static long satS8(long v) {
        return (v < -128 ? -128 : v > 127 ? 127 : v) & 0xff;
    }

    private static long satU8(long v) {
        return v < 0 ? 0 : v > 255 ? 255 : v;
    }

    private static long satS16(long v) {
        return (v < -32768 ? -32768 : v > 32767 ? 32767 : v) & 0xffff;
    }

    /** The four signed words of a to bytes 0..3 and those of b to bytes 4..7. */
    private static long wordsToBytes(long a, long b, boolean unsigned) {
        long r = 0;
        for (int i = 0; i < 4; i++) {
            long va = (short) (a >>> (i * 16)), vb = (short) (b >>> (i * 16));
            r |= (unsigned ? satU8(va) : satS8(va)) << (i * 8) | (unsigned ? satU8(vb) : satS8(vb)) << (i * 8 + 32);
        }
        return r;
    }

    private static long dwordsToWords(long a, long b) {
        return satS16((int) a) | satS16((int) (a >>> 32)) << 16 | satS16((int) b) << 32 | satS16((int) (b >>> 32)) << 48;
    }

    static void packsswb(long[] x, int d, long lo, long hi) {
        x[d] = wordsToBytes(x[d], x[d + 1], false);
        x[d + 1] = wordsToBytes(lo, hi, false);
    }

    static void packuswb(long[] x, int d, long lo, long hi) {
        x[d] = wordsToBytes(x[d], x[d + 1], true);
        x[d + 1] = wordsToBytes(lo, hi, true);
    }

    static void packssdw(long[] x, int d, long lo, long hi) {
        x[d] = dwordsToWords(x[d], x[d + 1]);
        x[d + 1] = dwordsToWords(lo, hi);
    }

    // ------------------------------------------------------------------ shuffles by imm8

    private static long dword(long lo, long hi, int i) {
        return ((i & 2) == 0 ? lo : hi) >>> ((i & 1) * 32) & 0xffffffffL;
    }

    /** Four 16-bit lanes of q picked by the four 2-bit fields of imm. */
    private static long pickWords(long q, int imm) {
        long r = 0;
        for (int i = 0; i < 4; i++) {
            r |= ((q >>> (((imm >> (i * 2)) & 3) * 16)) & 0xffff) << (i * 16);
        }
        return r;
    }

    static void pshufd(long[] x, int d, long lo, long hi, int imm) {
        x[d] = dword(lo, hi, imm) | dword(lo, hi, imm >> 2) << 32;
        x[d + 1] = dword(lo, hi, imm >> 4) | dword(lo, hi, imm >> 6) << 32;
    }

    static void pshuflw(long[] x, int d, long lo, long hi, int imm) {
        x[d] = pickWords(lo, imm);
        x[d + 1] = hi;
    }

    static void pshufhw(long[] x, int d, long lo, long hi, int imm) {
        x[d] = lo;
        x[d + 1] = pickWords(hi, imm);
    }

    /** SHUFPS: the low two lanes from the destination, the high two from the source. */
    static void shufps(long[] x, int d, long lo, long hi, int imm) {
        long a = x[d], b = x[d + 1];
        x[d] = dword(a, b, imm) | dword(a, b, imm >> 2) << 32;
        x[d + 1] = dword(lo, hi, imm >> 4) | dword(lo, hi, imm >> 6) << 32;
    }

    static void shufpd(long[] x, int d, long lo, long hi, int imm) {
        x[d] = (imm & 1) == 0 ? x[d] : x[d + 1];
        x[d + 1] = (imm & 2) == 0 ? lo : hi;
    }
}
