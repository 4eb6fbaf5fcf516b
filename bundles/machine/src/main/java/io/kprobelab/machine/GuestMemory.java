package io.kprobelab.machine;

/**
 * Guest-virtual memory as one vCPU sees it (through its CR3), with the MMU's checks applied
 * as a supervisor access. Faults are reported as {@link MemoryFault}, never as other
 * exceptions. Little-endian, like the guest.
 */
public interface GuestMemory {

    /** Reads {@code len} bytes at {@code address} into {@code dst[off..]}. */
    void read(long address, byte[] dst, int off, int len) throws MemoryFault;

    /** Writes {@code len} bytes from {@code src[off..]} at {@code address}; honours page write protection. */
    void write(long address, byte[] src, int off, int len) throws MemoryFault;

    /**
     * Writes code bytes even into read-only text, as the kernel's {@code text_poke} does, and
     * invalidates any decoded instructions on the touched pages.
     */
    void poke(long address, byte[] src, int off, int len) throws MemoryFault;

    /** Reads one byte (0..255). */
    int readU8(long address) throws MemoryFault;

    /** Reads a 64-bit little-endian value. */
    long readU64(long address) throws MemoryFault;

    /** Writes a 64-bit little-endian value. */
    void writeU64(long address, long value) throws MemoryFault;

    /** Reads {@code len} bytes into a new array. */
    default byte[] read(long address, int len) throws MemoryFault {
        byte[] b = new byte[len];
        read(address, b, 0, len);
        return b;
    }

    /**
     * Reads bytes as an instruction fetch sees them: with the machine's hidden text patches laid
     * over the guest's own bytes ({@link Machine#patchText}); {@link #read} sees the guest's bytes.
     */
    default void fetch(long address, byte[] dst, int off, int len) throws MemoryFault {
        read(address, dst, off, len);
    }
}
