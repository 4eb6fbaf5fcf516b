package io.kprobelab.machine.internal;

/**
 * SSE2 packed shifts (SDM Vol. 2B PSLLW/PSLLD/PSLLQ, PSRLW/PSRLD/PSRLQ, PSRAW/PSRAD,
 * PSLLDQ/PSRLDQ). The count is an imm8 or the whole low quadword of an XMM register or m128,
 * taken unsigned and never masked: a count past the lane width clears the lane (logical) or
 * fills it with its sign (arithmetic). As {@link SseOp.Half} handlers, {@code n} being the
 * count, applied to each 64-bit half with the same count.
 */
final class PackedShiftOps {

    private PackedShiftOps() {
    }

    /** The lane mask {@code m} repeated in every 16-bit lane. */
    private static long rep16(long m) {
        return m * 0x0001000100010001L;
    }

    private static long rep32(long m) {
        return m * 0x0000000100000001L;
    }

    static long psllw(long a, long n) {
        return Long.compareUnsigned(n, 15) > 0 ? 0 : (a << n) & rep16((0xffffL << n) & 0xffff);
    }

    static long psrlw(long a, long n) {
        return Long.compareUnsigned(n, 15) > 0 ? 0 : (a >>> n) & rep16(0xffffL >>> n);
    }

    static long pslld(long a, long n) {
        return Long.compareUnsigned(n, 31) > 0 ? 0 : (a << n) & rep32((0xffffffffL << n) & 0xffffffffL);
    }

    static long psrld(long a, long n) {
        return Long.compareUnsigned(n, 31) > 0 ? 0 : (a >>> n) & rep32(0xffffffffL >>> n);
    }

    static long psllq(long a, long n) {
        return Long.compareUnsigned(n, 63) > 0 ? 0 : a << n;
    }

    static long psrlq(long a, long n) {
        return Long.compareUnsigned(n, 63) > 0 ? 0 : a >>> n;
    }

    static long psraw(long a, long n) {
        int s = Long.compareUnsigned(n, 15) > 0 ? 15 : (int) n;
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= (((short) (a >>> i) >> s) & 0xffffL) << i;
        }
        return r;
    }

    static long psrad(long a, long n) {
        int s = Long.compareUnsigned(n, 31) > 0 ? 31 : (int) n;
        return (((int) a >> s) & 0xffffffffL) | ((long) ((int) (a >>> 32) >> s) << 32);
    }

    /** PSLLDQ: the whole register left by {@code imm} bytes; past 15 it is cleared. */
    static void pslldq(long[] x, int d, long lo, long hi, int imm) {
        int n = imm & 0xff;
        if (n > 15) {
            x[d] = 0;
            x[d + 1] = 0;
        } else if (n >= 8) {
            x[d + 1] = lo << ((n - 8) * 8);
            x[d] = 0;
        } else if (n > 0) {
            x[d + 1] = (hi << (n * 8)) | (lo >>> (64 - n * 8));
            x[d] = lo << (n * 8);
        }
    }

    /** PSRLDQ: the whole register right by {@code imm} bytes. */
    static void psrldq(long[] x, int d, long lo, long hi, int imm) {
        int n = imm & 0xff;
        if (n > 15) {
            x[d] = 0;
            x[d + 1] = 0;
        } else if (n >= 8) {
            x[d] = hi >>> ((n - 8) * 8);
            x[d + 1] = 0;
        } else if (n > 0) {
            x[d] = (lo >>> (n * 8)) | (hi << (64 - n * 8));
            x[d + 1] = hi >>> (n * 8);
        }
    }
}
