package io.kprobelab.machine.internal;

/**
 * SSE2 packed-integer arithmetic, comparison and logic (SDM Vol. 1 §11.4.4; Vol. 2 instruction
 * pages PADDB..PXOR), as {@link SseOp.Half} handlers: each takes one 64-bit half of the
 * destination and the same half of the source and returns the new half, because no lane of
 * these instructions crosses bit 64. Wrapping adds and subtracts work on all lanes of a half at
 * once (carries are kept from crossing lanes with the top-bit masks); the rest go lane by lane.
 */
final class PackedIntOps {

    private PackedIntOps() {
    }

    private static final long H8 = 0x8080808080808080L, H16 = 0x8000800080008000L, H32 = 0x8000000080000000L;

    // ------------------------------------------------------------------ wrapping add/sub

    static long paddb(long a, long b) {
        return ((a & ~H8) + (b & ~H8)) ^ ((a ^ b) & H8);
    }

    static long paddw(long a, long b) {
        return ((a & ~H16) + (b & ~H16)) ^ ((a ^ b) & H16);
    }

    static long paddd(long a, long b) {
        return ((a & ~H32) + (b & ~H32)) ^ ((a ^ b) & H32);
    }

    static long paddq(long a, long b) {
        return a + b;
    }

    // a - b per lane: borrow stops at each lane's top bit, which is then fixed up.
    static long psubb(long a, long b) {
        return ((a | H8) - (b & ~H8)) ^ ((a ^ ~b) & H8);
    }

    static long psubw(long a, long b) {
        return ((a | H16) - (b & ~H16)) ^ ((a ^ ~b) & H16);
    }

    static long psubd(long a, long b) {
        return ((a | H32) - (b & ~H32)) ^ ((a ^ ~b) & H32);
    }

    static long psubq(long a, long b) {
        return a - b;
    }

    // ------------------------------------------------------------------ saturating add/sub

    private static long clamp(long v, long min, long max) {
        return v < min ? min : v > max ? max : v;
    }

    static long paddsb(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= (clamp((byte) (a >>> i) + (byte) (b >>> i), -128, 127) & 0xff) << i;
        }
        return r;
    }

    static long paddsw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= (clamp((short) (a >>> i) + (short) (b >>> i), -32768, 32767) & 0xffff) << i;
        }
        return r;
    }

    static long psubsb(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= (clamp((byte) (a >>> i) - (byte) (b >>> i), -128, 127) & 0xff) << i;
        }
        return r;
    }

    static long psubsw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= (clamp((short) (a >>> i) - (short) (b >>> i), -32768, 32767) & 0xffff) << i;
        }
        return r;
    }

    static long paddusb(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= clamp(((a >>> i) & 0xff) + ((b >>> i) & 0xff), 0, 0xff) << i;
        }
        return r;
    }

    static long paddusw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= clamp(((a >>> i) & 0xffff) + ((b >>> i) & 0xffff), 0, 0xffff) << i;
        }
        return r;
    }

    static long psubusb(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= clamp(((a >>> i) & 0xff) - ((b >>> i) & 0xff), 0, 0xff) << i;
        }
        return r;
    }

    static long psubusw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= clamp(((a >>> i) & 0xffff) - ((b >>> i) & 0xffff), 0, 0xffff) << i;
        }
        return r;
    }

    // ------------------------------------------------------------------ compare (all ones when true)

    static long pcmpeqb(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= ((a >>> i) & 0xff) == ((b >>> i) & 0xff) ? 0xffL << i : 0;
        }
        return r;
    }

    static long pcmpeqw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= ((a >>> i) & 0xffff) == ((b >>> i) & 0xffff) ? 0xffffL << i : 0;
        }
        return r;
    }

    static long pcmpeqd(long a, long b) {
        return ((int) a == (int) b ? 0xffffffffL : 0) | ((a >>> 32) == (b >>> 32) ? 0xffffffff00000000L : 0);
    }

    static long pcmpgtb(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= (byte) (a >>> i) > (byte) (b >>> i) ? 0xffL << i : 0;
        }
        return r;
    }

    static long pcmpgtw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= (short) (a >>> i) > (short) (b >>> i) ? 0xffffL << i : 0;
        }
        return r;
    }

    static long pcmpgtd(long a, long b) {
        return ((int) a > (int) b ? 0xffffffffL : 0) | ((int) (a >>> 32) > (int) (b >>> 32) ? 0xffffffff00000000L : 0);
    }

    // ------------------------------------------------------------------ min, max, average

    static long pminub(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= Math.min((a >>> i) & 0xff, (b >>> i) & 0xff) << i;
        }
        return r;
    }

    static long pmaxub(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= Math.max((a >>> i) & 0xff, (b >>> i) & 0xff) << i;
        }
        return r;
    }

    static long pminsw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= (Math.min((short) (a >>> i), (short) (b >>> i)) & 0xffffL) << i;
        }
        return r;
    }

    static long pmaxsw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= (Math.max((short) (a >>> i), (short) (b >>> i)) & 0xffffL) << i;
        }
        return r;
    }

    /** Unsigned (a + b + 1) >> 1, computed one bit wider than the lane. */
    static long pavgb(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            r |= ((((a >>> i) & 0xff) + ((b >>> i) & 0xff) + 1) >> 1) << i;
        }
        return r;
    }

    static long pavgw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= ((((a >>> i) & 0xffff) + ((b >>> i) & 0xffff) + 1) >> 1) << i;
        }
        return r;
    }

    // ------------------------------------------------------------------ multiply

    static long pmullw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= (((a >>> i) * (b >>> i)) & 0xffff) << i;
        }
        return r;
    }

    static long pmulhw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= ((((short) (a >>> i) * (short) (b >>> i)) >> 16) & 0xffffL) << i;
        }
        return r;
    }

    static long pmulhuw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 64; i += 16) {
            r |= ((((a >>> i) & 0xffff) * ((b >>> i) & 0xffff)) >>> 16) << i;
        }
        return r;
    }

    /** The low doublewords, unsigned, into a full quadword (the product of two 32-bit values fits). */
    static long pmuludq(long a, long b) {
        return (a & 0xffffffffL) * (b & 0xffffffffL);
    }

    /**
     * Signed word products summed in pairs into doublewords; the sum wraps (only
     * 0x8000*0x8000 twice overflows, to 0x80000000, as the SDM notes).
     */
    static long pmaddwd(long a, long b) {
        int lo = (short) a * (short) b + (short) (a >>> 16) * (short) (b >>> 16);
        int hi = (short) (a >>> 32) * (short) (b >>> 32) + (short) (a >>> 48) * (short) (b >>> 48);
        return (lo & 0xffffffffL) | ((long) hi << 32);
    }

    /** Sum of the eight absolute byte differences, in the low word; the rest of the half is zero. */
    static long psadbw(long a, long b) {
        long s = 0;
        for (int i = 0; i < 64; i += 8) {
            s += Math.abs(((a >>> i) & 0xff) - ((b >>> i) & 0xff));
        }
        return s;
    }

    // ------------------------------------------------------------------ logic (also ANDPS..XORPD)

    static long pand(long a, long b) {
        return a & b;
    }

    /** NOT dst AND src. */
    static long pandn(long a, long b) {
        return ~a & b;
    }

    static long por(long a, long b) {
        return a | b;
    }

    static long pxor(long a, long b) {
        return a ^ b;
    }
}
