package io.kprobelab.machine;

/**
 * Guest physical memory (RAM from address 0), as a boot loader or a device sees it: no paging,
 * no protection. Writes invalidate any instructions decoded from the pages they touch.
 */
public interface PhysicalMemory {

    /** Bytes of RAM. */
    long size();

    /** Reads {@code len} bytes at physical {@code address} into {@code dst[off..]}. */
    void read(long address, byte[] dst, int off, int len);

    /** Writes {@code len} bytes from {@code src[off..]} at physical {@code address}. */
    void write(long address, byte[] src, int off, int len);

    /** Zeroes {@code len} bytes at physical {@code address}. */
    void zero(long address, long len);

    /** Reads a 64-bit little-endian value. */
    default long readU64(long address) {
        byte[] b = new byte[8];
        read(address, b, 0, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /** Writes a 64-bit little-endian value. */
    default void writeU64(long address, long value) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        write(address, b, 0, 8);
    }

    /** Writes a 32-bit little-endian value. */
    default void writeU32(long address, int value) {
        byte[] b = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        write(address, b, 0, 4);
    }

    /** Reads a 32-bit little-endian value. */
    default int readU32(long address) {
        byte[] b = new byte[4];
        read(address, b, 0, 4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }
}
