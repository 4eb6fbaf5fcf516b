package io.kprobelab.machine.internal;

import io.kprobelab.machine.Machine;

/** Placeholder until the CPU lands (owner: machine CPU work). */
public final class MachineImpl {
    private MachineImpl() {
    }

    public static Machine create(int cpus, int memoryMiB) {
        throw new IllegalStateException("machine not built yet");
    }
}
