package io.kprobelab.linux;

/**
 * One entry of the BIOS memory map the loader passes in boot_params ({@code struct
 * boot_e820_entry}: u64 addr, u64 size, u32 type).
 *
 * @param addr first physical byte
 * @param size length in bytes
 * @param type {@link #RAM} or {@link #RESERVED}
 */
public record E820Entry(long addr, long size, int type) {

    /** E820_TYPE_RAM: usable memory. */
    public static final int RAM = 1;
    /** E820_TYPE_RESERVED: the kernel never allocates it. */
    public static final int RESERVED = 2;

    /** One past the last byte. */
    public long end() {
        return addr + size;
    }
}
