package io.kprobelab.guest;

/**
 * What the loader passes to the guest kernel in {@code struct boot_info} (BOOT.md section 3).
 *
 * @param cmdline      the first program and its arguments (empty means {@code init}); at most 255 bytes
 * @param insnsPerTick timer period in retired instructions
 * @param stayUp       keep running after pid 1 exits (flag {@code STAY_UP}, for {@link GuestKernel#run})
 * @param ramSize      RAM reported to the kernel in bytes; 0 means all of the machine's memory
 */
public record BootParams(String cmdline, long insnsPerTick, boolean stayUp, long ramSize) {

    /** The default tick: one million instructions (1 ms of virtual time). */
    public static final long DEFAULT_TICK = 1_000_000;

    public BootParams {
        if (cmdline == null) {
            cmdline = "";
        }
        if (cmdline.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("command line longer than 255 bytes");
        }
        if (insnsPerTick <= 0 || insnsPerTick > 0xffffffffL) {
            throw new IllegalArgumentException("insnsPerTick must be in 1..2^32-1: " + insnsPerTick);
        }
    }

    /** Boots {@code cmdline} with the default tick, powering off when it exits. */
    public static BootParams of(String cmdline) {
        return new BootParams(cmdline, DEFAULT_TICK, false, 0);
    }

    /** A copy with {@code STAY_UP} set or cleared. */
    public BootParams withStayUp(boolean stayUp) {
        return new BootParams(cmdline, insnsPerTick, stayUp, ramSize);
    }

    /** A copy reporting {@code bytes} of RAM. */
    public BootParams withRamSize(long bytes) {
        return new BootParams(cmdline, insnsPerTick, stayUp, bytes);
    }
}
