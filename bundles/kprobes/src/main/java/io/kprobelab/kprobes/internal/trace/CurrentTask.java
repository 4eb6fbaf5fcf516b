package io.kprobelab.kprobes.internal.trace;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.machine.kernel.KernelProfile;

/**
 * {@code current}: the guest task a probe hit happened in, as the running kernel's profile finds
 * it ({@link Machine#kernelProfile}): its pid and {@code comm}. With no task (bare mode, early
 * boot) the hit is in the idle task, pid 0, which the trace prints as {@code <idle>-0} as the
 * kernel does for pid 0.
 */
public final class CurrentTask {

    private final Machine machine;

    public CurrentTask(Machine machine) {
        this.machine = machine;
    }

    /** Reads the current task at a hit on {@code cpu}: appends its {@code comm} to {@code comm} and returns its pid. */
    public int read(Vcpu cpu, GuestMemory mem, StringBuilder comm) {
        KernelProfile p = machine.kernelProfile();
        long task = cpu == null ? 0 : p.current(cpu);
        p.appendComm(mem, task, comm);
        return p.pid(mem, task);
    }
}
