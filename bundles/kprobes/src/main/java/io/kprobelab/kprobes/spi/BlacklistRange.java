package io.kprobelab.kprobes.spi;

/**
 * A range of addresses that must not be probed ({@code struct kprobe_blacklist_entry}).
 *
 * @param start  first address
 * @param end    one past the last address
 * @param symbol what it is (a symbol or a section name)
 */
public record BlacklistRange(long start, long end, String symbol) {

    /** True if {@code addr} lies in [start, end). */
    public boolean contains(long addr) {
        return Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, end) < 0;
    }

    /** The kernel's line: {@code 0x<start>-0x<end>\t<symbol>}. */
    @Override
    public String toString() {
        return String.format("0x%016x-0x%016x\t%s", start, end, symbol);
    }
}
