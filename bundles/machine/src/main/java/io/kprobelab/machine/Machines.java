package io.kprobelab.machine;

/**
 * Entry point for using the emulator as a plain library, without OSGi.
 */
public final class Machines {

    private Machines() {
    }

    /** A new machine with {@code cpus} vCPUs and {@code memoryMiB} MiB of physical memory. */
    public static Machine create(int cpus, int memoryMiB) {
        return io.kprobelab.machine.internal.MachineImpl.create(cpus, memoryMiB);
    }

    /** A one-vCPU machine with 256 MiB and {@code image} loaded in bare mode. */
    public static Machine bare(ElfImage image) {
        Machine m = create(1, 256);
        m.loadBare(image);
        return m;
    }
}
